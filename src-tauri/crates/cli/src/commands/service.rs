//! `patchbay service install|uninstall|status`: the gateway at login.

use std::path::Path;

use patchbay_core::Result;
use patchbay_core::login_service::{self, LoginService};

use crate::args::ServiceCommand;
use crate::output::{Output, outln};

pub fn run(data_dir: &Path, cmd: ServiceCommand, out: Output) -> Result<()> {
    let service = match cmd {
        ServiceCommand::Install => {
            login_service::install(&super::gateway::patchbay_exe()?, data_dir)?
        }
        ServiceCommand::Uninstall => login_service::uninstall(data_dir)?,
        ServiceCommand::Status => login_service::status(data_dir)?,
    };
    print(&service, out);
    Ok(())
}

fn print(service: &LoginService, out: Output) {
    if out.json {
        return out.json(service);
    }
    let state = if service.installed {
        "starts the gateway at login"
    } else {
        "not installed"
    };
    outln!("{} ({}): {state}", service.name, service.kind);
    if let Some(file) = &service.file {
        outln!("file  {file}");
    }
    if let Some(note) = &service.note {
        outln!("note  {note}");
    }
}
