//! The reconciler: the user's gateway keeps every server current while it runs. A server
//! added by anything (the window, the CLI, an import, the catalog) is synced within moments;
//! every enabled server is synced again on the schedule of the Settings, so one that starts
//! failing shows `error`; OAuth tokens are refreshed before they expire, and a refused
//! refresh shows `needs_auth`. Store changes wake it (another process's writes included).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, watch};

use crate::error::ErrorCode;
use crate::live;
use crate::servers::status_repo;
use crate::{Patchbay, run_blocking};

/// Syncs at once: the reconciler is background work beside the portals' traffic.
const CONCURRENT_SYNCS: usize = 4;
/// The longest it sleeps when nothing wakes it.
const MAX_TICK: Duration = Duration::from_secs(30);
/// Tokens that expire within this are refreshed now.
const REFRESH_AHEAD: Duration = Duration::from_secs(5 * 60);
/// How often the stored tokens' expiry is looked at (a keyring read per OAuth server).
const REFRESH_CHECK: Duration = Duration::from_secs(60);

/// A running reconciler; `stop` ends it (syncs under way finish on their own).
pub struct Reconciler {
    stop: watch::Sender<bool>,
}

impl Reconciler {
    pub fn stop(&self) {
        let _ = self.stop.send(true);
    }
}

impl Reconciler {
    /// Starts the reconciler of this data dir on the current tokio runtime.
    pub fn start(core: Arc<Patchbay>) -> Reconciler {
        let (stop, stopped) = watch::channel(false);
        let changes = crate::gateway::watch_store(core.store().path().map(Into::into));
        tokio::spawn(run(core, changes, stopped));
        Reconciler { stop }
    }
}

struct Work {
    core: Arc<Patchbay>,
    in_flight: Mutex<HashSet<String>>,
    slots: Semaphore,
}

impl Work {
    /// Marks the server busy; false when a sync or refresh of it is under way already.
    fn claim(&self, server_id: &str) -> bool {
        crate::lock(&self.in_flight).insert(server_id.to_string())
    }

    fn release(&self, server_id: &str) {
        crate::lock(&self.in_flight).remove(server_id);
    }
}

async fn run(
    core: Arc<Patchbay>,
    mut changes: watch::Receiver<u64>,
    mut stopped: watch::Receiver<bool>,
) {
    let work = Arc::new(Work {
        core,
        in_flight: Mutex::default(),
        slots: Semaphore::new(CONCURRENT_SYNCS),
    });
    let mut refreshed_at: Option<Instant> = None;
    loop {
        let every = health_interval(&work.core).await;
        match run_blocking(&work.core, move |core| {
            core.store().read(|c| status_repo::due_to_sync(c, every))
        })
        .await
        {
            Ok(due) => {
                for server in due {
                    if work.claim(&server.server_id) {
                        tokio::spawn(sync(Arc::clone(&work), server));
                    }
                }
            }
            Err(err) => tracing::warn!(error = %err, "the reconciler cannot read the servers"),
        }
        if refreshed_at.is_none_or(|at| at.elapsed() >= REFRESH_CHECK) {
            refreshed_at = Some(Instant::now());
            refresh_tokens(&work).await;
        }
        let tick = every.map_or(MAX_TICK, |e| {
            (e / 4).clamp(Duration::from_secs(1), MAX_TICK)
        });
        tokio::select! {
            changed = changes.changed() => {
                if changed.is_err() {
                    // No watcher (an in-memory store): the clock alone wakes it.
                    tokio::time::sleep(tick).await;
                }
            }
            _ = tokio::time::sleep(tick) => {}
            changed = stopped.changed() => {
                if changed.is_err() {
                    return; // the Reconciler was dropped
                }
            }
        }
        if *stopped.borrow() {
            return;
        }
    }
}

async fn health_interval(core: &Arc<Patchbay>) -> Option<Duration> {
    let seconds = run_blocking(core, |core| core.settings())
        .await
        .map(|s| s.health_check_seconds)
        .unwrap_or(crate::settings::DEFAULT_HEALTH_CHECK_SECONDS);
    (seconds > 0).then(|| Duration::from_secs(seconds.into()))
}

async fn sync(work: Arc<Work>, server: status_repo::Due) {
    let _slot = work.slots.acquire().await;
    let outcome = work
        .core
        .sync_server(
            &server.workspace_id,
            &server.server_id,
            live::DEFAULT_TIMEOUT,
        )
        .await;
    match outcome {
        Ok(report) => tracing::info!(
            server = %server.server_id, first = server.first, tools = report.counts.tools,
            "reconciler synced"
        ),
        Err(err) if err.code == ErrorCode::NotFound => {}
        Err(err) => {
            tracing::info!(server = %server.server_id, error = %err, "reconciler sync failed");
            // A failure before the server was reached (its keyring value gone) is recorded
            // too, or it would stay `pending` and be tried at every wake.
            live::record_unreachable(&work.core, &server.server_id, &err).await;
        }
    }
    work.release(&server.server_id);
}

async fn refresh_tokens(work: &Arc<Work>) {
    let servers = match run_blocking(&work.core, |core| {
        core.store().read(status_repo::oauth_to_refresh)
    })
    .await
    {
        Ok(servers) => servers,
        Err(err) => {
            tracing::warn!(error = %err, "the reconciler cannot read the OAuth servers");
            return;
        }
    };
    for (workspace_id, server_id) in servers {
        if !work.claim(&server_id) {
            continue;
        }
        let work = Arc::clone(work);
        tokio::spawn(async move {
            let outcome =
                live::refresh_oauth_ahead(&work.core, &workspace_id, &server_id, REFRESH_AHEAD)
                    .await;
            match outcome {
                Err(err) if err.code == ErrorCode::AuthRequired => {
                    tracing::warn!(server = %server_id, error = %err, "OAuth refresh refused");
                    let name = server_name(&work.core, &workspace_id, &server_id).await;
                    crate::notify::desktop(
                        format!("{name} needs authorization again"),
                        format!(
                            "Its OAuth tokens were refused when Patchbay renewed them; portals serve \
                             nothing from it until you re-authorize it (Patchbay → Servers → {name})."
                        ),
                    )
                    .await;
                }
                Err(err) => {
                    tracing::warn!(server = %server_id, error = %err, "refreshing OAuth tokens failed")
                }
                Ok(_) => {}
            }
            work.release(&server_id);
        });
    }
}

async fn server_name(core: &Arc<Patchbay>, workspace_id: &str, server_id: &str) -> String {
    let (ws, id) = (workspace_id.to_string(), server_id.to_string());
    run_blocking(core, move |core| core.get_server(&ws, &id))
        .await
        .map(|s| s.name)
        .unwrap_or_else(|_| "A server".to_string())
}
