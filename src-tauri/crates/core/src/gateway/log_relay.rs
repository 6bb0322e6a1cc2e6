//! A portal session's log: once the client sets a level (`logging/setLevel`), each member's
//! `notifications/message` at that level or above reaches it as the server sent it. A member's
//! one warm session is shared, so the member is asked for the most verbose level any client
//! set, and each client gets only its own level and above. The relay ends with the client's
//! session.
#![allow(deprecated)] // logging is deprecated by SEP-2577; initialize-era clients still use it

use std::collections::HashSet;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};

use rmcp::model::{LoggingLevel, SetLevelRequestParams};
use rmcp::service::{Peer, RoleServer};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::watch;

use super::upstreams::Upstreams;
use crate::Patchbay;

/// The rank of a level, debug lowest (the spec's RFC 5424 order).
fn rank(level: LoggingLevel) -> u8 {
    match level {
        LoggingLevel::Debug => 1,
        LoggingLevel::Info => 2,
        LoggingLevel::Notice => 3,
        LoggingLevel::Warning => 4,
        LoggingLevel::Error => 5,
        LoggingLevel::Critical => 6,
        LoggingLevel::Alert => 7,
        LoggingLevel::Emergency => 8,
    }
}

pub(crate) struct LogRelay {
    /// The client's level as a rank; 0 until it sets one.
    level: Arc<AtomicU8>,
    relayed: Arc<Mutex<HashSet<String>>>,
    /// Dropped with the session: the relays end.
    alive: watch::Sender<()>,
}

impl Default for LogRelay {
    fn default() -> Self {
        LogRelay {
            level: Arc::default(),
            relayed: Arc::default(),
            alive: watch::channel(()).0,
        }
    }
}

impl LogRelay {
    /// The client's `logging/setLevel`: its level from now on, passed to each member.
    pub async fn set_level(
        &self,
        core: &Arc<Patchbay>,
        upstreams: &Upstreams,
        client: Peer<RoleServer>,
        members: impl IntoIterator<Item = String>,
        level: LoggingLevel,
    ) {
        self.level.store(rank(level), Ordering::Relaxed);
        for server_id in members {
            let session = match upstreams.get(core, &server_id).await {
                Ok(session) => session,
                Err(err) => {
                    tracing::debug!(server = %server_id, error = %err, "no log from an unreachable member");
                    continue;
                }
            };
            let logs = session
                .service
                .peer()
                .peer_info()
                .is_some_and(|info| info.capabilities.logging.is_some());
            // A 2026-07-28 server does not declare logging (SEP-2577) and takes no level,
            // but may still send messages about a request: those are relayed too.
            if logs
                && session.service.service().lower_log_level(rank(level))
                && let Err(err) = session
                    .service
                    .peer()
                    .set_level(SetLevelRequestParams::new(level))
                    .await
            {
                tracing::debug!(server = %server_id, error = %err, "a member refused the log level");
            }
            if !crate::lock(&self.relayed).insert(server_id.clone()) {
                continue;
            }
            let mut messages = session.service.service().logs();
            let (client, level, relayed) = (
                client.clone(),
                Arc::clone(&self.level),
                Arc::clone(&self.relayed),
            );
            let mut alive = self.alive.subscribe();
            tokio::spawn(async move {
                loop {
                    let message = tokio::select! {
                        message = messages.recv() => message,
                        _ = alive.changed() => break,
                    };
                    match message {
                        Ok(m) if rank(m.level) >= level.load(Ordering::Relaxed) => {
                            if client.notify_logging_message(m).await.is_err() {
                                break;
                            }
                        }
                        Ok(_) | Err(RecvError::Lagged(_)) => {}
                        // The member's session ended: the next setLevel relays its new one.
                        Err(RecvError::Closed) => break,
                    }
                }
                crate::lock(&relayed).remove(&server_id);
            });
        }
    }
}
