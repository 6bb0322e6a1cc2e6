//! `serve`, `gateway …` and `bridge`: the user's gateway in the foreground, in the background,
//! and reached from a client's stdio entry.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use patchbay_core::gateway::Daemon;
use patchbay_core::gateway::daemon::{Claim, DaemonStatus, READY_PREFIX};
use patchbay_core::{Error, ErrorCode, Patchbay, Result};

use crate::args::GatewayCommand;
use crate::output::{Output, outln};

/// The `patchbay` a client's entry and the background gateway run: this very executable.
pub fn patchbay_exe() -> Result<std::path::PathBuf> {
    std::env::current_exe()
        .map_err(|e| Error::internal(format!("cannot find the patchbay executable: {e}")))
}

/// Serves the portals until Ctrl-C, SIGTERM or a `gateway stop`. `background`: started by
/// `gateway start` or a client's entry — a gateway already serving this data dir is an
/// answer, not an error, and a taken port gives way to any free one (entries find the
/// gateway through the data dir, not the port).
pub async fn serve(
    core: Arc<Patchbay>,
    data_dir: &Path,
    port: u16,
    background: bool,
) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    let claim = loop {
        if let Some(claim) = Claim::take(data_dir)? {
            break claim;
        }
        match Daemon::of(data_dir).published_address() {
            Some(address) if background => {
                outln!("{READY_PREFIX}{address}");
                return Ok(());
            }
            Some(address) => {
                return Err(Error::new(
                    ErrorCode::Conflict,
                    format!(
                        "a gateway already serves {} at {address}; stop it first to serve in the foreground",
                        data_dir.display()
                    ),
                ));
            }
            // Another gateway is starting: it says where it listens in a moment.
            None if background && Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            None => {
                return Err(Error::new(
                    ErrorCode::Conflict,
                    format!(
                        "another gateway holds {} but has not said where it listens",
                        data_dir.display()
                    ),
                ));
            }
        }
    };
    let gateway =
        match patchbay_core::gateway::Gateway::start_claimed(Arc::clone(&core), port, &claim).await
        {
            Err(err) if background && port != 0 => {
                eprintln!("warning: {}; listening on another port", err.message);
                patchbay_core::gateway::Gateway::start_claimed(Arc::clone(&core), 0, &claim).await?
            }
            started => started?,
        };
    let address = format!("http://{}", gateway.addr);
    claim.publish(&address)?;
    // The one gateway of the data dir keeps its servers current (patchbay_core::reconciler).
    let reconciler = patchbay_core::reconciler::Reconciler::start(Arc::clone(&core));
    outln!("{READY_PREFIX}{address}");
    tokio::select! {
        _ = super::stopped() => {}
        _ = gateway.stop_requested() => {}
    }
    reconciler.stop();
    gateway.shutdown().await;
    drop(claim);
    Ok(())
}

pub async fn gateway(data_dir: &Path, cmd: GatewayCommand, out: Output) -> Result<()> {
    match cmd {
        GatewayCommand::Status => {
            let status = Daemon::of(data_dir).status().await;
            print_status(&status, out);
        }
        GatewayCommand::Start => {
            let status = Daemon::of(data_dir)
                .ensure_current(&patchbay_exe()?)
                .await?;
            print_status(&status, out);
        }
        GatewayCommand::Stop => {
            let stopped = Daemon::of(data_dir).stop().await?;
            if out.json {
                out.json(&serde_json::json!({ "stopped": stopped }));
            } else if stopped {
                outln!("gateway stopped");
            } else {
                outln!("no gateway was running for {}", data_dir.display());
            }
        }
    }
    Ok(())
}

fn print_status(status: &DaemonStatus, out: Output) {
    if out.json {
        return out.json(status);
    }
    match (&status.address, status.pid) {
        (Some(address), Some(pid)) if status.running => {
            outln!("running at {address} (pid {pid})");
            if let Some(version) = &status.version {
                outln!("version      {version}");
            }
            if let Some(since) = &status.started_at {
                outln!("since        {since}");
            }
            if let Some(live) = &status.status {
                outln!("clients      {}", live.client_sessions);
                outln!("upstreams    {}", live.upstream_sessions);
            }
        }
        _ => outln!("not running (data dir {})", status.data_dir),
    }
}
