use patchbay_core::{Patchbay, Result};

use crate::args::WorkspaceCommand;
use crate::output::Output;

pub fn run(core: &Patchbay, cmd: WorkspaceCommand, out: Output) -> Result<()> {
    match cmd {
        WorkspaceCommand::List => out.workspaces(&core.list_workspaces()?),
        WorkspaceCommand::Create { name } => out.workspace(&core.create_workspace(&name)?),
        WorkspaceCommand::Rename { old, new } => out.workspace(&core.rename_workspace(&old, &new)?),
        WorkspaceCommand::Set {
            name,
            auto_approve_first_sync,
        } => {
            let ws = match auto_approve_first_sync {
                Some(on) => core.set_auto_approve_first_sync(&name, on)?,
                None => core.workspace(Some(&name))?,
            };
            out.workspace(&ws)
        }
        WorkspaceCommand::Delete { name, purge } => {
            out.workspace(&core.delete_workspace(&name, purge)?)
        }
    }
    Ok(())
}
