//! `portal`: portals, their members and tools, and their tokens.

use patchbay_core::gateway::CallQuery;
use patchbay_core::portals::{MemberSetting, NewPortal, PortalPatch};
use patchbay_core::{Patchbay, Result};

use crate::args::{
    PortalCommand, PortalMemberCommand, PortalPromptCommand, PortalTokenCommand, PortalToolCommand,
};
use crate::output::Output;

pub fn run(core: &Patchbay, ws: &str, cmd: PortalCommand, out: Output) -> Result<()> {
    match cmd {
        PortalCommand::Create {
            name,
            description,
            insecure,
        } => {
            let input = NewPortal {
                name,
                description,
                secure: Some(!insecure),
            };
            out.portal(&core.create_portal(ws, input)?)
        }
        PortalCommand::List => out.portals(&core.list_portals(ws)?),
        PortalCommand::Get { portal } => out.portal(&core.get_portal(ws, &portal)?),
        PortalCommand::Update {
            portal,
            name,
            description,
            secure,
            log_payloads,
            request_timeout,
            token_budget,
            mode,
            top,
            pins,
            no_pins,
        } => {
            let patch = PortalPatch {
                name,
                description,
                secure,
                log_payloads,
                timeout_secs: request_timeout,
                token_budget,
                mode: mode.as_deref().map(str::parse).transpose()?,
                top_n: top,
                pinned: (no_pins || !pins.is_empty()).then_some(pins),
            };
            out.portal(&core.update_portal(ws, &portal, patch)?)
        }
        PortalCommand::Delete { portal } => out.portal(&core.delete_portal(ws, &portal)?),
        PortalCommand::AddServer {
            portal,
            server,
            default_disabled,
            prefix,
        } => out.portal(&core.add_portal_server(
            ws,
            &portal,
            &server,
            default_disabled,
            prefix.as_deref(),
        )?),
        PortalCommand::Member(PortalMemberCommand::Update {
            portal,
            server,
            prefix,
            default_prefix,
            timeout,
            default_timeout,
            resources,
            max_concurrent,
            no_concurrency_limit,
        }) => {
            let mut updated = None;
            if prefix.is_some() || default_prefix {
                updated = Some(core.set_member_prefix(ws, &portal, &server, prefix.as_deref())?);
            }
            let settings = [
                (timeout.is_some() || default_timeout).then_some(MemberSetting::Timeout(timeout)),
                resources.map(MemberSetting::Resources),
                (max_concurrent.is_some() || no_concurrency_limit)
                    .then_some(MemberSetting::MaxConcurrent(max_concurrent)),
            ];
            for setting in settings.into_iter().flatten() {
                updated = Some(core.update_member(ws, &portal, &server, setting)?);
            }
            if let Some(updated) = updated {
                out.portal(&updated);
            }
        }
        PortalCommand::RemoveServer { portal, server } => {
            out.portal(&core.remove_portal_server(ws, &portal, &server)?)
        }
        PortalCommand::Tool(cmd) => {
            let (args, enabled) = match cmd {
                PortalToolCommand::Enable(a) => (a, true),
                PortalToolCommand::Disable(a) => (a, false),
            };
            let portal = core.set_portal_tool(
                ws,
                &args.portal,
                &args.server,
                &args.tool,
                enabled,
                args.alias.as_deref(),
            )?;
            out.portal(&portal)
        }
        PortalCommand::Prompt(cmd) => {
            let (args, enabled) = match cmd {
                PortalPromptCommand::Enable(a) => (a, true),
                PortalPromptCommand::Disable(a) => (a, false),
            };
            let portal = core.set_portal_prompt(
                ws,
                &args.portal,
                &args.server,
                &args.prompt,
                enabled,
                args.alias.as_deref(),
            )?;
            out.portal(&portal)
        }
        PortalCommand::Log {
            portal,
            server,
            tool,
            outcome,
            limit,
        } => {
            let server_id = match server {
                Some(server) => Some(core.get_server(ws, &server)?.id),
                None => None,
            };
            let query = CallQuery {
                server_id,
                tool,
                outcome,
                limit,
            };
            out.calls(&core.portal_calls(ws, &portal, &query)?)
        }
        PortalCommand::Headers { portal } => {
            // This command exists to hand the token to the client that runs it.
            let headers: serde_json::Map<String, serde_json::Value> = core
                .portal_headers(ws, &portal)?
                .into_iter()
                .map(|(name, value)| (name, value.expose().into()))
                .collect();
            crate::output::outln!("{}", serde_json::Value::Object(headers));
        }
        PortalCommand::Entry {
            portal,
            client,
            transport,
        } => {
            let snippet = core.entry_snippet(
                ws,
                &portal,
                &client,
                super::clients::entry_transport(transport),
                &patchbay_core::clients::Dirs::from_env()?,
                &super::gateway::patchbay_exe()?,
            )?;
            if out.json {
                out.json(&snippet);
            } else {
                crate::output::outln!(
                    "# {} ({})\n{}",
                    snippet.file,
                    snippet.client,
                    snippet.text.trim_end()
                );
            }
        }
        PortalCommand::Token(PortalTokenCommand::Rotate { portal }) => {
            let portal = core.rotate_portal_token(ws, &portal)?;
            // The documented shape, with or without --json: scripts take the token from it.
            out.json(&serde_json::json!({
                "token": portal.token,
                "entries_rewritten": portal.entries_rewritten,
            }));
        }
    }
    Ok(())
}
