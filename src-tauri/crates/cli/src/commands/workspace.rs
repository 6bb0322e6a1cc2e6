use std::collections::BTreeMap;
use std::io::IsTerminal;

use patchbay_core::transfer::{ImportRisk, ImportSecrets, ServerSecrets, WorkspaceExport};
use patchbay_core::{Error, Patchbay, Result, Secret};

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
        // The document is the output, with or without --json.
        WorkspaceCommand::Export { name } => out.json(&core.export_workspace(&name)?),
        WorkspaceCommand::Import {
            file,
            name,
            secrets_stdin,
            accept_risks,
        } => {
            let text = std::fs::read_to_string(&file).map_err(|e| {
                Error::validation("file", format!("cannot read {}: {e}", file.display()))
            })?;
            let doc: WorkspaceExport = serde_json::from_str(&text).map_err(|e| {
                Error::validation(
                    "file",
                    format!("{} is not a Patchbay workspace export: {e}", file.display()),
                )
            })?;
            let secrets = if secrets_stdin {
                read_secrets()?
            } else {
                ImportSecrets::default()
            };
            // Asked on a terminal whose stdin is free (not carrying the secrets).
            let accepted = accept_risks || (!secrets_stdin && !out.json && confirmed(&doc.risks()));
            let report = core.import_workspace(&doc, name.as_deref(), secrets, accepted)?;
            out.workspace_import(&report);
        }
    }
    Ok(())
}

/// Lists what the import would run or open up and asks; false when there is nothing to ask
/// about (the import goes ahead anyway) or no terminal to ask on.
fn confirmed(risks: &[ImportRisk]) -> bool {
    if risks.is_empty() || !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return false;
    }
    eprintln!("This export would:");
    for risk in risks {
        eprintln!("  - {}", risk.message);
    }
    eprint!("Import it? [y/N] ");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer).is_ok()
        && matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

/// `{"SERVER": {"api_key": "...", "env": {"NAME": "..."}}}` from stdin, straight into
/// `Secret`s (never printed, never kept in plain strings longer than parsing takes).
fn read_secrets() -> Result<ImportSecrets> {
    #[derive(serde::Deserialize)]
    struct Given {
        api_key: Option<String>,
        #[serde(default)]
        env: BTreeMap<String, String>,
    }
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(Error::from)?;
    let given: BTreeMap<String, Given> = serde_json::from_str(&text).map_err(|e| {
        Error::validation(
            "secrets",
            format!("the secrets on stdin are not JSON of the form {{\"SERVER\": {{\"api_key\": \"...\", \"env\": {{...}}}}}}: {e}"),
        )
    })?;
    Ok(ImportSecrets(
        given
            .into_iter()
            .map(|(server, g)| {
                let secrets = ServerSecrets {
                    api_key: g.api_key.map(Secret::new),
                    env: g
                        .env
                        .into_iter()
                        .map(|(k, v)| (k, Secret::new(v)))
                        .collect(),
                };
                (server, secrets)
            })
            .collect(),
    ))
}
