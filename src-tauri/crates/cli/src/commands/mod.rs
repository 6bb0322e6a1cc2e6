mod server;
mod workspace;

use patchbay_core::{Patchbay, Result, paths};

use crate::args::{Cli, Command};
use crate::output::Output;

pub fn run(cli: Cli, out: Output) -> Result<()> {
    let data_dir = paths::data_dir(cli.data_dir.as_deref())?;
    let core = Patchbay::open(&data_dir)?;
    match cli.command {
        Command::Workspace(cmd) => workspace::run(&core, cmd, out),
        Command::Server(cmd) => {
            let workspace = core.workspace(cli.workspace.as_deref())?;
            server::run(&core, &workspace.id, cmd, out)
        }
    }
}
