mod clients;
mod gateway;
mod live;
mod oauth;
mod portal;
mod server;
mod service;
mod tool;
mod workspace;

use std::sync::Arc;

use patchbay_core::gateway::BridgeTarget;
use patchbay_core::{Error, Patchbay, Result, paths};

use crate::args::{Cli, Command, ServerCommand};
use crate::output::Output;

pub fn run(cli: Cli, out: Output) -> Result<()> {
    let data_dir = paths::data_dir(cli.data_dir.as_deref())?;
    let core = Arc::new(Patchbay::open(&data_dir)?);
    let workspace = |core: &Patchbay| core.workspace(cli.workspace.as_deref()).map(|w| w.id);
    match cli.command {
        Command::Workspace(cmd) => workspace::run(&core, cmd, out),
        Command::Server(ServerCommand::Test(args)) => {
            let ws = workspace(&core)?;
            runtime()?.block_on(live::test(&core, &ws, args, out))
        }
        Command::Server(ServerCommand::Create(args)) if args.sync => {
            let ws = workspace(&core)?;
            runtime()?.block_on(live::create_and_sync(&core, &ws, args, out))
        }
        Command::Server(ServerCommand::Sync(args)) => {
            let ws = workspace(&core)?;
            runtime()?.block_on(live::sync(&core, &ws, args, out))
        }
        Command::Server(ServerCommand::Authorize(args)) => {
            let ws = workspace(&core)?;
            runtime()?.block_on(oauth::authorize(&core, &ws, args, out))
        }
        Command::Server(ServerCommand::Logout { server }) => {
            let ws = workspace(&core)?;
            runtime()?.block_on(oauth::logout(&core, &ws, &server, out))
        }
        Command::Server(ServerCommand::Purge { server }) => {
            let ws = workspace(&core)?;
            let purged = runtime()?.block_on(core.purge_server_revoking(&ws, &server))?;
            if let Some(err) = &purged.revocation_failed {
                eprintln!(
                    "warning: could not revoke the server's OAuth tokens: {}",
                    err.message
                );
            }
            out.server(&purged.server);
            Ok(())
        }
        Command::Server(cmd) => server::run(&core, &workspace(&core)?, cmd, out),
        Command::Bridge { portal, server } => {
            let ws = workspace(&core)?;
            let exe = gateway::patchbay_exe()?;
            let target = match (&portal, &server) {
                (_, Some(server)) => BridgeTarget::Server(server),
                (Some(portal), None) => BridgeTarget::Portal(portal),
                (None, None) => {
                    return Err(Error::validation(
                        "portal",
                        "name a portal, or a server with --server",
                    ));
                }
            };
            // One thread: the bridge relays messages and does little else.
            runtime()?.block_on(core.bridge(&ws, target, &exe))
        }
        Command::Serve { port, background } => {
            let port = port.unwrap_or_else(patchbay_core::portals::gateway_port);
            server_runtime()?.block_on(gateway::serve(core, &data_dir, port, background))
        }
        Command::Settings {
            health_check_seconds,
        } => {
            let settings = match health_check_seconds {
                None => core.settings()?,
                Some(seconds) => core.update_settings(patchbay_core::settings::SettingsPatch {
                    health_check_seconds: Some(seconds),
                    ..Default::default()
                })?,
            };
            out.settings(&settings);
            Ok(())
        }
        Command::Gateway(cmd) => runtime()?.block_on(gateway::gateway(&data_dir, cmd, out)),
        Command::Service(cmd) => service::run(&data_dir, cmd, out),
        Command::Portal(cmd) => portal::run(&core, &workspace(&core)?, cmd, out),
        Command::Client(cmd) => clients::client(&core, &workspace(&core)?, cmd, out),
        Command::Install(args) => clients::install(&core, &workspace(&core)?, args, false, out),
        Command::Uninstall(args) => clients::install(&core, &workspace(&core)?, args, true, out),
        Command::Installation(cmd) => clients::installation(&core, &workspace(&core)?, cmd, out),
        Command::Catalog(cmd) => clients::catalog(&core, &workspace(&core)?, cmd, out),
        Command::Tool(cmd) => {
            let ws = workspace(&core)?;
            runtime()?.block_on(tool::tool(&core, &ws, cmd, out))
        }
        Command::Prompt(cmd) => {
            let ws = workspace(&core)?;
            runtime()?.block_on(tool::prompt(&core, &ws, cmd, out))
        }
        Command::Resource(cmd) => {
            let ws = workspace(&core)?;
            runtime()?.block_on(tool::resource(&core, &ws, cmd, out))
        }
    }
}

/// Ctrl-C, or SIGTERM from a service manager or a test harness.
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Live commands are async (network); everything else stays a plain call.
fn runtime() -> Result<tokio::runtime::Runtime> {
    built(tokio::runtime::Builder::new_current_thread())
}

/// The gateway serves many clients on one thread. Its work per request is small beside the
/// servers' and the clients', which share the machine with it; handing each request between
/// worker threads cost more in wake-ups than a second core gave: one call at a time went from
/// 0.80x direct to 0.91x, 16 sessions from 0.83x to 1.08x (`cargo bench --bench gateway`,
/// README). Blocking work (SQLite, the keyring) still runs on its own threads.
fn server_runtime() -> Result<tokio::runtime::Runtime> {
    built(tokio::runtime::Builder::new_current_thread())
}

fn built(mut builder: tokio::runtime::Builder) -> Result<tokio::runtime::Runtime> {
    builder
        .enable_all()
        .build()
        .map_err(|e| Error::internal(format!("cannot start the async runtime: {e}")))
}
