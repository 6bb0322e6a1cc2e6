//! `patchbay`: every operation of the app from a terminal or a script.

mod args;
mod client_output;
mod commands;
mod hints;
mod live_output;
mod output;
mod portal_output;

use clap::Parser;
use clap::error::ErrorKind;

use args::Cli;
use output::{Output, USAGE_EXIT_CODE, exit_code, outln};

fn main() {
    // `serve` and `bridge` run for days: their freed memory goes back to the OS.
    patchbay_core::heap::bound_for_long_running();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) if err.kind() == ErrorKind::DisplayVersion => {
            print_version();
            std::process::exit(0)
        }
        Err(err) if err.kind() == ErrorKind::DisplayHelp => err.exit(),
        Err(err) => {
            let json = std::env::args().any(|a| a == "--json");
            Output { json }.usage_error(&err.render().to_string());
            std::process::exit(USAGE_EXIT_CODE);
        }
    };
    let out = Output { json: cli.json };
    log_to_stderr(cli.json);
    if let Err(err) = commands::run(cli, out) {
        let err = hints::with_hint(err);
        out.error(&err);
        std::process::exit(exit_code(err.code));
    }
}

/// `--version`: what a bug report needs to place this Patchbay — its build and where it keeps
/// its data, secrets and gateway (as the app's Settings shows them).
fn print_version() {
    outln!(
        "patchbay {} ({} build)",
        env!("CARGO_PKG_VERSION"),
        patchbay_core::paths::BUILD
    );
    let args: Vec<String> = std::env::args().collect();
    let explicit = args
        .iter()
        .position(|a| a == "--data-dir")
        .and_then(|i| args.get(i + 1).cloned())
        .or_else(|| {
            args.iter()
                .find_map(|a| a.strip_prefix("--data-dir=").map(str::to_owned))
        })
        .map(std::path::PathBuf::from);
    match patchbay_core::paths::data_dir(explicit.as_deref()) {
        Ok(dir) => {
            outln!("data dir: {}", dir.display());
            let gateway = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()
                .map(|rt| rt.block_on(patchbay_core::gateway::Daemon::of(&dir).status()));
            match gateway.and_then(|g| g.address.filter(|_| g.running)) {
                Some(address) => outln!("gateway: {address}"),
                None => outln!("gateway: not running"),
            }
        }
        Err(e) => outln!("data dir: unknown ({})", e.message),
    }
    let keyring = patchbay_core::secrets::KeyringSecretStore::from_env();
    outln!("keyring service: {}", keyring.service());
}

/// Warnings (a call log that could not be written, a server that could not be synced) go to
/// stderr, where a long-running `serve` or `bridge` is watched (rmcp's own warnings, mostly
/// about event streams it reconnects, only with `PATCHBAY_LOG`); `PATCHBAY_LOG` (a tracing
/// filter such as `patchbay_core=debug`) says more. stdout stays the command's output; with
/// `--json`, stderr is the JSON error alone unless `PATCHBAY_LOG` asks for more.
fn log_to_stderr(json: bool) {
    let default = if json { "off" } else { "warn,rmcp=error" };
    let filter = tracing_subscriber::EnvFilter::try_from_env("PATCHBAY_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let filter = match patchbay_core::redact::oauth_quieted(filter.max_level_hint()) {
        Some(directive) => filter.add_directive(directive.parse().expect("a directive")),
        None => filter,
    };
    // Text from servers (errors, URLs) may carry tokens; the lines are masked on the way out.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| patchbay_core::redact::Masked(std::io::stderr()))
        .with_ansi(false)
        .try_init();
}
