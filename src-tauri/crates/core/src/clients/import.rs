//! Bringing a client's servers under management: each chosen entry becomes a Patchbay
//! server. Header and env values go to the keyring (a config file does not say which of them
//! are secret, so all are treated as secret); an entry Patchbay wrote, or one whose server is
//! already there, is skipped; a name already taken by another server gets a suffix.

use std::path::Path;

use super::config_file::{self, Entries};
use super::dirs::Dirs;
use super::entry::{self, ClientEntry};
use super::install::{config_path, keys, servers_path, spec};
use super::model::{ImportReport, SkippedEntry};
use super::records;
use crate::Patchbay;
use crate::error::{Error, ErrorCode, Result};
use crate::secret::Secret;
use crate::servers::variables::{ConfigValue, classify};
use crate::servers::{AuthType, NewServer, Server, Transport};

/// Which entries to import: all, or these names.
pub enum Pick<'a> {
    All,
    Named(&'a [String]),
}

fn same_target(server: &Server, entry: &ClientEntry) -> bool {
    match entry {
        ClientEntry::Http { url, .. } => server.url.as_deref() == Some(url.as_str()),
        ClientEntry::Stdio { command, args, .. } => {
            server.command.as_deref() == Some(command.as_str()) && server.args == *args
        }
    }
}

/// Why a value could not come along, for the report.
fn left_behind(name: &str, what: &str, input: &str) -> SkippedEntry {
    SkippedEntry {
        name: name.to_string(),
        reason: format!(
            "imported without {what}: it is VS Code's input '{input}', kept in VS Code's own \
             secret storage; enter the value in the server's settings"
        ),
    }
}

/// A reference stays a reference: `${env:NAME}` text, not a secret (the server reads the
/// variable where it runs); a literal value may be a secret (a config does not say), so it
/// goes to the keyring.
fn new_server(name: String, entry: ClientEntry, skipped: &mut Vec<SkippedEntry>) -> NewServer {
    let mut input = NewServer {
        name,
        ..NewServer::default()
    };
    let text = |value: String| match classify(&value) {
        ConfigValue::Reference(r) => r,
        _ => value,
    };
    match entry {
        ClientEntry::Stdio {
            command,
            args,
            env,
            cwd,
        } => {
            input.transport = Some(Transport::Stdio);
            input.command = Some(command);
            input.args = args.into_iter().map(text).collect();
            input.cwd = cwd;
            for (key, value) in env {
                match classify(&value) {
                    ConfigValue::Literal(v) => {
                        input.secret_env.insert(key, Secret::new(v));
                    }
                    ConfigValue::Reference(r) => {
                        input.env.insert(key, r);
                    }
                    ConfigValue::Input(id) => {
                        skipped.push(left_behind(&input.name, &format!("variable {key}"), &id))
                    }
                }
            }
        }
        ClientEntry::Http { url, sse, headers } => {
            input.transport = Some(if sse {
                Transport::Sse
            } else {
                Transport::StreamableHttp
            });
            input.url = Some(url);
            let mut headers = headers.into_iter();
            if let Some((header, value)) = headers.next() {
                match classify(&value) {
                    ConfigValue::Literal(v) => {
                        input.auth_type = Some(AuthType::ApiKey);
                        input.api_key_header = Some(header);
                        input.api_key = Some(Secret::new(v));
                    }
                    ConfigValue::Reference(r) => {
                        input.auth_type = Some(AuthType::ApiKey);
                        input.api_key_header = Some(header);
                        input.api_key_from_env = Some(r);
                    }
                    ConfigValue::Input(id) => {
                        skipped.push(left_behind(&input.name, &format!("header {header}"), &id))
                    }
                }
            }
            let rest: Vec<_> = headers.map(|(h, _)| h).collect();
            if !rest.is_empty() {
                // A server keeps one secret header; say which were left behind.
                skipped.push(SkippedEntry {
                    name: input.name.clone(),
                    reason: format!(
                        "imported with its first header only; not kept: {}",
                        rest.join(", ")
                    ),
                });
            }
        }
    }
    input
}

/// Servers Gemini CLI has switched off outside their entries: `mcp.excluded` in the same
/// settings file (gemini-cli docs/tools/mcp-server.md), and `gemini mcp disable`'s
/// `mcp-server-enablement.json` beside it, `{"<name>": {"enabled": false}}`
/// (packages/cli/src/config/mcp/mcpServerEnablement.ts).
fn gemini_switched_off(text: &str, path: &Path, file: &str) -> Vec<String> {
    let entries = Entries {
        format: super::registry::Format::Json,
    };
    let mut off: Vec<String> = entries
        .list(text, &["mcp"], file)
        .unwrap_or_default()
        .into_iter()
        .filter(|(key, _)| key == "excluded")
        .flat_map(|(_, v)| v.as_array().cloned().unwrap_or_default())
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    let enablement = path.with_file_name("mcp-server-enablement.json");
    if let Ok(Some(text)) = config_file::read(&enablement)
        && let Ok(state) = serde_json::from_str::<serde_json::Value>(&text)
        && let Some(state) = state.as_object()
    {
        off.extend(
            state
                .iter()
                .filter(|(_, v)| v.get("enabled").and_then(|e| e.as_bool()) == Some(false))
                .map(|(k, _)| k.clone()),
        );
    }
    off
}

impl Patchbay {
    pub fn import_client_servers(
        &self,
        workspace_id: &str,
        client: &str,
        dirs: &Dirs,
        project: Option<&Path>,
        private: bool,
        pick: Pick,
    ) -> Result<ImportReport> {
        let spec = spec(client)?;
        let path = config_path(spec, dirs, project, private)?;
        let servers_at = servers_path(spec, &path, project.filter(|_| private));
        let file = path.to_string_lossy().into_owned();
        let text = config_file::read(&path)?
            .ok_or_else(|| Error::not_found(format!("{} has no config at {file}", spec.name)))?;
        let listed = Entries {
            format: spec.format,
        }
        .list(&text, &keys(&servers_at), &file)?;
        if let Pick::Named(names) = pick
            && let Some(missing) = names.iter().find(|n| !listed.iter().any(|(l, _)| l == *n))
        {
            return Err(Error::not_found(format!(
                "{} has no server named '{missing}' in {file}",
                spec.name
            )));
        }
        let ours = self.store().read(|c| records::ours(c, &file))?;
        let switched_off = match spec.id {
            "gemini-cli" => gemini_switched_off(&text, &path, &file),
            _ => Vec::new(),
        };
        let existing = self.all_servers(workspace_id)?;
        let mut report = ImportReport {
            imported: Vec::new(),
            skipped: Vec::new(),
        };
        for (name, value) in listed {
            if let Pick::Named(names) = pick
                && !names.contains(&name)
            {
                continue;
            }
            let skip = |reason: String| SkippedEntry {
                name: name.clone(),
                reason,
            };
            if ours.contains(&name) {
                report
                    .skipped
                    .push(skip("written by Patchbay (an installation)".into()));
                continue;
            }
            let Some(entry) = entry::read(spec, &value) else {
                report
                    .skipped
                    .push(skip("neither a command nor a URL Patchbay can read".into()));
                continue;
            };
            if let Some(same) = existing.iter().find(|s| same_target(s, &entry)) {
                report
                    .skipped
                    .push(skip(format!("already here as '{}'", same.name)));
                continue;
            }
            // A server the user switched off in the client comes in switched off.
            let enabled = !(entry::switched_off(&value)
                || switched_off.iter().any(|n| n.eq_ignore_ascii_case(&name)));
            let mut attempt = name.clone();
            let mut n = 2;
            loop {
                let mut input = new_server(attempt.clone(), entry.clone(), &mut report.skipped);
                input.is_enabled = Some(enabled);
                match self.create_server(workspace_id, input) {
                    Ok(server) => {
                        report.imported.push(server.name);
                        break;
                    }
                    Err(e) if e.code == ErrorCode::Conflict && n < 100 => {
                        attempt = format!("{name}-{n}");
                        n += 1;
                    }
                    Err(e) => {
                        report.skipped.push(skip(e.message));
                        break;
                    }
                }
            }
        }
        Ok(report)
    }
}
