//! `server test` and `server sync`: the commands that talk to servers.

use std::sync::Arc;
use std::time::Duration;

use patchbay_core::live::SyncItem;
use patchbay_core::{Error, Patchbay, Result};

use super::server::new_server_from;
use crate::args::{CreateServer, SyncServers, TestServer, TimeoutArg};
use crate::output::Output;

pub fn timeout(arg: TimeoutArg) -> Result<Duration> {
    if !(arg.timeout.is_finite() && arg.timeout > 0.0 && arg.timeout <= 3600.0) {
        return Err(Error::validation(
            "timeout",
            format!(
                "--timeout must be between 0 and 3600 seconds, not {}",
                arg.timeout
            ),
        ));
    }
    Ok(Duration::from_secs_f64(arg.timeout))
}

pub async fn test(core: &Arc<Patchbay>, ws: &str, args: TestServer, out: Output) -> Result<()> {
    let timeout = timeout(args.timeout)?;
    let report = match args.server {
        Some(server) => core.test_server(ws, &server, timeout).await?,
        None => {
            if args.fields.url.is_none() && args.fields.command.is_none() {
                return Err(Error::validation(
                    "server",
                    "name a saved server, or give --url or --command to test unsaved settings",
                ));
            }
            core.test_unsaved(new_server_from(String::new(), args.fields)?, timeout)
                .await?
        }
    };
    out.connection_report(&report);
    Ok(())
}

/// `server create --sync`: the server is created whatever its first sync finds.
pub async fn create_and_sync(
    core: &Arc<Patchbay>,
    ws: &str,
    args: CreateServer,
    out: Output,
) -> Result<()> {
    let timeout = timeout(args.timeout)?;
    let input = super::server::new_server(args)?;
    let created = core.create_server(ws, input)?;
    if !created.is_enabled {
        out.server(&created);
        return Ok(());
    }
    match core.sync_server(ws, &created.id, timeout).await {
        Ok(report) => {
            out.sync_report(&report);
            Ok(())
        }
        Err(err) => Err(err.with_context(format!(
            "created '{}', but its first sync failed (the server is kept, with this error)",
            created.name
        ))),
    }
}

pub async fn sync(core: &Arc<Patchbay>, ws: &str, args: SyncServers, out: Output) -> Result<()> {
    let timeout = timeout(args.timeout)?;
    if let Some(server) = args.server {
        let report = core.sync_server(ws, &server, timeout).await?;
        out.sync_report(&report);
        return Ok(());
    }
    let items = core
        .sync_all(ws, timeout, args.concurrency, |item| {
            out.sync_progress(item)
        })
        .await?;
    out.sync_items(&items);
    let failed: Vec<&SyncItem> = items.iter().filter(|i| i.error.is_some()).collect();
    match failed.first().and_then(|i| i.error.as_ref()) {
        None => Ok(()),
        Some(first) => Err(Error::new(
            first.code,
            format!(
                "{} of {} servers failed to sync; the first: {}",
                failed.len(),
                items.len(),
                failed[0].name
            ),
        )),
    }
}
