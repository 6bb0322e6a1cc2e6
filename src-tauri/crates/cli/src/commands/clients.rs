//! `client`, `install`, `uninstall`, `installation` and `catalog`: Patchbay and the AI
//! clients on this machine.

use patchbay_core::clients::{Dirs, EntryTransport, InstallPlace, Pick};
use patchbay_core::{Patchbay, Result};

use crate::args::{CatalogCommand, ClientCommand, InstallArgs, InstallationCommand, Transport};
use crate::output::Output;

pub fn client(core: &Patchbay, ws: &str, cmd: ClientCommand, out: Output) -> Result<()> {
    let dirs = Dirs::from_env()?;
    match cmd {
        ClientCommand::List => out.clients(&core.list_clients(&dirs)),
        ClientCommand::Servers {
            client,
            project,
            private,
        } => {
            out.client_servers(&core.client_servers(&client, &dirs, project.as_deref(), private)?)
        }
        ClientCommand::Import {
            client,
            all,
            server,
            project,
            private,
        } => {
            let pick = if all { Pick::All } else { Pick::Named(&server) };
            let report =
                core.import_client_servers(ws, &client, &dirs, project.as_deref(), private, pick)?;
            out.import_report(&report);
        }
    }
    Ok(())
}

pub fn install(
    core: &Patchbay,
    ws: &str,
    args: InstallArgs,
    remove: bool,
    out: Output,
) -> Result<()> {
    let dirs = Dirs::from_env()?;
    let bridge = super::gateway::patchbay_exe()?;
    let place = InstallPlace {
        client: &args.client,
        project: args.project.as_deref(),
        dirs: &dirs,
        private: args.private,
        bridge_command: &bridge,
        transport: entry_transport(args.transport),
    };
    let installation = if remove {
        core.uninstall(ws, &args.target, &place)?
    } else {
        core.install(ws, &args.target, &place)?
    };
    out.installation(&installation, remove);
    Ok(())
}

pub(super) fn entry_transport(transport: Transport) -> EntryTransport {
    match transport {
        Transport::Stdio => EntryTransport::Stdio,
        Transport::Http => EntryTransport::Http,
    }
}

pub fn installation(
    core: &Patchbay,
    ws: &str,
    cmd: InstallationCommand,
    out: Output,
) -> Result<()> {
    match cmd {
        InstallationCommand::List => out.installations(&core.list_installations(ws)?),
        InstallationCommand::Repair { id, all: _ } => {
            out.installations(&core.repair_installations(ws, id.as_deref())?)
        }
    }
    Ok(())
}

pub fn catalog(core: &Patchbay, ws: &str, cmd: CatalogCommand, out: Output) -> Result<()> {
    match cmd {
        CatalogCommand::List { search } => {
            out.templates(&patchbay_core::catalog::search(search.as_deref()))
        }
        CatalogCommand::Install {
            template,
            name,
            api_key_stdin,
        } => {
            let key = api_key_stdin
                .then(super::server::read_api_key)
                .transpose()?;
            let server = core.install_template(ws, &template, name, key)?;
            if !out.json && server.auth_type == patchbay_core::servers::AuthType::Oauth {
                eprintln!(
                    "'{}' signs in with OAuth: run `patchbay server authorize \"{}\"` next",
                    server.name, server.name
                );
            }
            out.server(&server);
        }
    }
    Ok(())
}
