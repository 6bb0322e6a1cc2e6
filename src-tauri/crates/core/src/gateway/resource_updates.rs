//! `resources/subscribe` through a portal: the member that serves the URI is subscribed (once,
//! however many clients ask: its warm session is shared, so subscriptions are counted per
//! upstream session), and its `notifications/resources/updated` for that URI reach each
//! client that subscribed, until it unsubscribes or its session ends.

#![allow(deprecated)] // resources/subscribe is the initialize era's; 2026-07-28 members use listen

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use rmcp::ErrorData as McpError;
use rmcp::model::{SubscribeRequestParams, UnsubscribeRequestParams};
use rmcp::service::{Peer, RoleServer};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::watch;

use super::upstreams::Upstreams;
use crate::Patchbay;
use crate::live::Session;

/// Clients subscribed to each (upstream session, URI).
fn upstream_counts() -> &'static Mutex<HashMap<(u64, String), usize>> {
    static COUNTS: OnceLock<Mutex<HashMap<(u64, String), usize>>> = OnceLock::new();
    COUNTS.get_or_init(Mutex::default)
}

fn session_key(session: &Session) -> u64 {
    session.service.service().session_key()
}

/// One client session's subscriptions.
pub(crate) struct ResourceSubscriptions {
    /// URI → the member's session it was subscribed on.
    uris: Arc<Mutex<HashMap<String, Arc<Session>>>>,
    relayed: Mutex<HashSet<u64>>,
    alive: watch::Sender<()>,
}

impl Default for ResourceSubscriptions {
    fn default() -> Self {
        ResourceSubscriptions {
            uris: Arc::default(),
            relayed: Mutex::default(),
            alive: watch::channel(()).0,
        }
    }
}

fn failed(what: &str, err: impl std::fmt::Display) -> McpError {
    McpError::internal_error(format!("{what}: {err}"), None)
}

impl ResourceSubscriptions {
    pub async fn subscribe(
        &self,
        core: &Arc<Patchbay>,
        upstreams: &Upstreams,
        client: Peer<RoleServer>,
        server_id: &str,
        uri: &str,
    ) -> Result<(), McpError> {
        let session = upstreams
            .get(core, server_id)
            .await
            .map_err(|e| failed(&format!("'{uri}' could not reach its server"), e.message))?;
        let key = (session_key(&session), uri.to_string());
        let first = {
            let mut counts = crate::lock(upstream_counts());
            let count = counts.entry(key.clone()).or_default();
            *count += 1;
            *count == 1
        };
        if first
            && let Err(err) = session
                .service
                .peer()
                .subscribe(SubscribeRequestParams::new(uri))
                .await
        {
            crate::lock(upstream_counts()).remove(&key);
            return Err(match err {
                rmcp::ServiceError::McpError(data) => data,
                other => failed(&format!("subscribing to '{uri}' failed"), other),
            });
        }
        let replaced = crate::lock(&self.uris).insert(uri.to_string(), Arc::clone(&session));
        if replaced.is_some() {
            release(&key); // subscribed twice: counted once
        }
        if crate::lock(&self.relayed).insert(key.0) {
            self.relay(&session, client);
        }
        Ok(())
    }

    pub async fn unsubscribe(&self, uri: &str) -> Result<(), McpError> {
        let Some(session) = crate::lock(&self.uris).remove(uri) else {
            return Ok(()); // not subscribed: nothing to undo
        };
        if release(&(session_key(&session), uri.to_string())) {
            let _ = session
                .service
                .peer()
                .unsubscribe(UnsubscribeRequestParams::new(uri))
                .await;
        }
        Ok(())
    }

    fn relay(&self, session: &Session, client: Peer<RoleServer>) {
        let mut updates = session.service.service().resource_updates();
        let uris = Arc::clone(&self.uris);
        let mut alive = self.alive.subscribe();
        tokio::spawn(async move {
            loop {
                let update = tokio::select! {
                    update = updates.recv() => update,
                    _ = alive.changed() => break,
                };
                match update {
                    Ok(u) if crate::lock(&uris).contains_key(&u.uri) => {
                        if client.notify_resource_updated(u).await.is_err() {
                            break;
                        }
                    }
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => break,
                }
            }
        });
    }
}

/// One client fewer on (session, URI); true when it was the last.
fn release(key: &(u64, String)) -> bool {
    let mut counts = crate::lock(upstream_counts());
    match counts.get_mut(key) {
        Some(count) if *count > 1 => {
            *count -= 1;
            false
        }
        Some(_) => {
            counts.remove(key);
            true
        }
        None => false,
    }
}

impl Drop for ResourceSubscriptions {
    /// A client that leaves without unsubscribing: its subscriptions end with it.
    fn drop(&mut self) {
        let left: Vec<(String, Arc<Session>)> = crate::lock(&self.uris).drain().collect();
        for (uri, session) in left {
            if release(&(session_key(&session), uri.clone())) {
                tokio::spawn(async move {
                    let _ = session
                        .service
                        .peer()
                        .unsubscribe(UnsubscribeRequestParams::new(uri))
                        .await;
                });
            }
        }
    }
}
