//! `patchbay`: every operation of the app from a terminal or a script.

mod args;
mod commands;
mod live_output;
mod output;
mod portal_output;

use clap::Parser;
use clap::error::ErrorKind;

use args::Cli;
use output::{Output, USAGE_EXIT_CODE, exit_code};

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err)
            if matches!(
                err.kind(),
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
            ) =>
        {
            err.exit()
        }
        Err(err) => {
            let json = std::env::args().any(|a| a == "--json");
            Output { json }.usage_error(&err.render().to_string());
            std::process::exit(USAGE_EXIT_CODE);
        }
    };
    let out = Output { json: cli.json };
    if let Err(err) = commands::run(cli, out) {
        out.error(&err);
        std::process::exit(exit_code(err.code));
    }
}
