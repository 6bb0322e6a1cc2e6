//! Warm sessions with the servers behind the portals: opened on first use (once, however many
//! requests arrive together), kept, and opened again after one fails (a dead process, an
//! expired session, a restarted server). A server that announces changes to its lists is
//! synced when it does, so the portal follows it.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use rmcp::model::SubscriptionFilter;
use tokio::sync::{Mutex, OnceCell};

use crate::Patchbay;
use crate::error::Result;
use crate::live::{self, Session};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a server may take to acknowledge a subscription to its list changes.
const LISTEN_TIMEOUT: Duration = Duration::from_secs(5);

type Slot = Arc<OnceCell<Arc<Session>>>;

#[derive(Default)]
pub(crate) struct Upstreams {
    sessions: Mutex<HashMap<String, Slot>>,
}

impl Upstreams {
    pub async fn get(&self, core: &Arc<Patchbay>, server_id: &str) -> Result<Arc<Session>> {
        let slot = Arc::clone(
            self.sessions
                .lock()
                .await
                .entry(server_id.to_string())
                .or_default(),
        );
        // Concurrent first requests wait for the one opening; a failed open leaves the slot
        // empty for the next request to try.
        let session = slot
            .get_or_try_init(|| async {
                let session = live::open_by_id(core, server_id, CONNECT_TIMEOUT).await?;
                live::record_reachable(core, server_id).await;
                follow_changes(core, server_id, &session).await;
                Ok::<_, crate::Error>(Arc::new(session))
            })
            .await?;
        Ok(Arc::clone(session))
    }

    /// Drops a session that failed; the next request opens a new one.
    pub async fn forget(&self, server_id: &str, failed: &Arc<Session>) {
        let mut sessions = self.sessions.lock().await;
        if sessions
            .get(server_id)
            .and_then(|slot| slot.get())
            .is_some_and(|s| Arc::ptr_eq(s, failed))
        {
            sessions.remove(server_id);
        }
    }

    /// How many upstream sessions are open now.
    pub async fn open(&self) -> usize {
        self.sessions
            .lock()
            .await
            .values()
            .filter(|slot| slot.initialized())
            .count()
    }
}

/// Follows the server's list changes and syncs it at each; ends with the session. A
/// 2026-07-28 server announces them on a `subscriptions/listen` stream, opened here when it
/// says it announces any — before the session is used, so no change made by the first request
/// is missed —; an older one sends them unasked, heard by the session's handler.
async fn follow_changes(core: &Arc<Patchbay>, server_id: &str, session: &Session) {
    let (core, server_id) = (Arc::clone(core), server_id.to_string());
    let modern = session.protocol_version().as_deref() >= Some("2026-07-28");
    if !modern {
        let heard = crate::lock(&session.changes).take();
        if let Some(mut heard) = heard {
            tokio::spawn(async move {
                while heard.recv().await.is_some() {
                    // A burst (tools, prompts, resources at once) is one sync.
                    while heard.try_recv().is_ok() {}
                    resync_logged(&core, &server_id).await;
                }
            });
        }
        return;
    }
    let Some(info) = session.service.peer().peer_info() else {
        return;
    };
    let caps = &info.capabilities;
    let mut filter = SubscriptionFilter::new();
    filter.tools_list_changed = caps.tools.as_ref().and_then(|c| c.list_changed);
    filter.prompts_list_changed = caps.prompts.as_ref().and_then(|c| c.list_changed);
    filter.resources_list_changed = caps.resources.as_ref().and_then(|c| c.list_changed);
    let announces = [
        filter.tools_list_changed,
        filter.prompts_list_changed,
        filter.resources_list_changed,
    ]
    .contains(&Some(true));
    if !announces {
        return;
    }
    let listening =
        tokio::time::timeout(LISTEN_TIMEOUT, session.service.peer().listen(filter)).await;
    let Ok(Ok(mut subscription)) = listening else {
        tracing::warn!(server = %server_id, "the server did not accept a subscription to its list changes; the portal follows it at syncs only");
        return;
    };
    tokio::spawn(async move {
        while let Ok(Some(_)) = subscription.next().await {
            resync_logged(&core, &server_id).await;
        }
    });
}

async fn resync_logged(core: &Arc<Patchbay>, server_id: &str) {
    if let Err(err) = resync(core, server_id).await {
        tracing::warn!(server = %server_id, error = %err, "could not sync a server that announced changes");
    }
}

async fn resync(core: &Arc<Patchbay>, server_id: &str) -> Result<()> {
    let workspace = live::workspace_of(core, server_id).await?;
    core.sync_server(&workspace, server_id, live::DEFAULT_TIMEOUT)
        .await?;
    Ok(())
}
