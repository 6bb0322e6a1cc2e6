//! `tool`, `prompt` and `resource`: what a server offers, its approval, and using it.

use std::sync::Arc;

use patchbay_core::live;
use patchbay_core::servers::ApprovalState;
use patchbay_core::{Error, Patchbay, Result};
use serde_json::Value;

use super::live::timeout;
use crate::args::{PromptCommand, PromptSelection, ResourceCommand, ToolCommand, ToolSelection};
use crate::output::Output;

fn json_arg(text: &str) -> Result<Value> {
    serde_json::from_str(text)
        .map_err(|e| Error::validation("args", format!("--args is not valid JSON: {e}")))
}

fn approval(
    core: &Patchbay,
    ws: &str,
    sel: ToolSelection,
    state: ApprovalState,
) -> Result<Vec<live::ToolDetail>> {
    core.set_tool_approval(ws, &sel.server, sel.tool.as_deref(), state)
}

pub async fn tool(core: &Arc<Patchbay>, ws: &str, cmd: ToolCommand, out: Output) -> Result<()> {
    match cmd {
        ToolCommand::List { server } => out.tools(&core.tools(ws, &server)?),
        ToolCommand::Approve(sel) => out.tools(&approval(core, ws, sel, ApprovalState::Approved)?),
        ToolCommand::Deny(sel) => out.tools(&approval(core, ws, sel, ApprovalState::Denied)?),
        ToolCommand::Diff { server, tool } => {
            out.definition_diff(&core.tool_diff(ws, &server, &tool)?)
        }
        ToolCommand::Call {
            server,
            tool,
            args,
            timeout: t,
        } => {
            let result = core
                .call_tool(ws, &server, &tool, json_arg(&args)?, timeout(t)?)
                .await?;
            out.tool_result(&result);
        }
    }
    Ok(())
}

pub async fn prompt(core: &Arc<Patchbay>, ws: &str, cmd: PromptCommand, out: Output) -> Result<()> {
    let decide = |sel: PromptSelection, state| {
        core.set_prompt_approval(ws, &sel.server, sel.prompt.as_deref(), state)
    };
    match cmd {
        PromptCommand::List { server } => out.prompts(&core.prompts(ws, &server)?),
        PromptCommand::Approve(sel) => out.prompts(&decide(sel, ApprovalState::Approved)?),
        PromptCommand::Deny(sel) => out.prompts(&decide(sel, ApprovalState::Denied)?),
        PromptCommand::Diff { server, prompt } => {
            out.definition_diff(&core.prompt_diff(ws, &server, &prompt)?)
        }
        PromptCommand::Get {
            server,
            prompt,
            args,
            timeout: t,
        } => {
            let result = core
                .get_prompt(ws, &server, &prompt, json_arg(&args)?, timeout(t)?)
                .await?;
            out.value(&result);
        }
    }
    Ok(())
}

pub async fn resource(
    core: &Arc<Patchbay>,
    ws: &str,
    cmd: ResourceCommand,
    out: Output,
) -> Result<()> {
    let ResourceCommand::Read {
        server,
        uri,
        timeout: t,
    } = cmd;
    out.value(&core.read_resource(ws, &server, &uri, timeout(t)?).await?);
    Ok(())
}
