//! What every session of one portal shares: the served catalog, read from the store once per
//! change rather than once per request, and the announcement of changes to connected clients —
//! `notifications/*/list_changed` to sessions of the `initialize` era, and events on
//! `subscriptions/listen` streams of the 2026-07-28 era.

use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use rmcp::ErrorData as McpError;
use rmcp::Peer;
use rmcp::service::RoleServer;
use tokio::sync::{broadcast, watch};

use super::changes::generation;
use crate::portals::PortalMode;
use crate::portals::served::{ServedCatalog, served_catalog, served_server_catalog};
use crate::{Patchbay, lock, run_blocking};

/// Which lists changed between two catalogs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ListsChanged {
    pub tools: bool,
    pub prompts: bool,
    pub resources: bool,
}

impl ListsChanged {
    fn between(before: &ServedCatalog, now: &ServedCatalog) -> ListsChanged {
        ListsChanged {
            tools: before.tools != now.tools || before.listing != now.listing,
            prompts: before.prompts != now.prompts,
            resources: before.resources != now.resources
                || before.resource_templates != now.resource_templates,
        }
    }

    fn any(self) -> bool {
        self.tools || self.prompts || self.resources
    }
}

/// What a gateway endpoint serves: a portal, or one server under its own names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Portal,
    Server,
}

pub(crate) struct PortalState {
    core: Arc<Patchbay>,
    pub source: Source,
    /// The portal's id, or the server's.
    pub portal_id: String,
    pub portal_name: String,
    changes: watch::Receiver<u64>,
    /// The catalog, the store generation it was read at and when.
    cache: Mutex<Option<(u64, Instant, Arc<ServedCatalog>)>>,
    peers: Mutex<Vec<Peer<RoleServer>>>,
    events: broadcast::Sender<ListsChanged>,
    /// Sessions (and, for stateless clients, requests) being served now.
    pub open_sessions: AtomicUsize,
    /// Turns of the members limited to some calls at once, across the portal's sessions.
    pub turns: super::turns::Turns,
    /// The members' tasks handed to the portal's clients.
    pub tasks: super::tasks::HandedTasks,
}

impl PortalState {
    /// Also starts the task that announces changes; it ends when the state is dropped.
    pub fn start(
        core: Arc<Patchbay>,
        source: Source,
        portal_id: String,
        portal_name: String,
        changes: watch::Receiver<u64>,
    ) -> Arc<PortalState> {
        let state = Arc::new(PortalState {
            core,
            source,
            portal_id,
            portal_name,
            changes: changes.clone(),
            cache: Mutex::default(),
            peers: Mutex::default(),
            events: broadcast::channel(16).0,
            open_sessions: AtomicUsize::new(0),
            turns: Default::default(),
            tasks: Default::default(),
        });
        tokio::spawn(announce_changes(Arc::downgrade(&state), changes));
        state
    }

    /// The catalog as of the latest store change seen.
    pub async fn catalog(&self) -> Result<Arc<ServedCatalog>, McpError> {
        let generation = generation(&self.changes);
        if let Some(generation) = generation
            && let Some((at, built, catalog)) = &*lock(&self.cache)
            && *at == generation
            && (catalog.listing.mode == PortalMode::Direct || built.elapsed() < usage_refresh())
        {
            return Ok(Arc::clone(catalog));
        }
        let (id, source) = (self.portal_id.clone(), self.source);
        let catalog = run_blocking(&self.core, move |core| {
            core.store().read(|c| match source {
                Source::Portal => served_catalog(c, &id),
                Source::Server => served_server_catalog(c, &id),
            })
        })
        .await
        .map(Arc::new)
        .map_err(|e| McpError::internal_error(e.message, None))?;
        if let Some(generation) = generation {
            *lock(&self.cache) = Some((generation, Instant::now(), Arc::clone(&catalog)));
        }
        Ok(catalog)
    }

    /// The extensions the catalog last read declares (`get_info` cannot wait for a read).
    pub fn extensions(&self) -> Option<rmcp::model::ExtensionCapabilities> {
        let cache = lock(&self.cache);
        let (_, _, catalog) = cache.as_ref()?;
        Some(catalog.extensions.clone()).filter(|e| !e.is_empty())
    }

    /// A session of the `initialize` era, told of changes by plain notifications.
    pub fn add_peer(&self, peer: Peer<RoleServer>) {
        let mut peers = lock(&self.peers);
        peers.retain(|p| !p.is_transport_closed());
        peers.push(peer);
    }

    /// Changes for a `subscriptions/listen` stream.
    pub fn subscribe(&self) -> broadcast::Receiver<ListsChanged> {
        self.events.subscribe()
    }

    async fn announce(&self, lists: ListsChanged) {
        let _ = self.events.send(lists);
        let peers: Vec<_> = {
            let mut peers = lock(&self.peers);
            peers.retain(|p| !p.is_transport_closed());
            peers.clone()
        };
        for peer in peers {
            // A client gone meanwhile is pruned next time; its failure is not ours to report.
            if lists.tools {
                let _ = peer.notify_tool_list_changed().await;
            }
            if lists.prompts {
                let _ = peer.notify_prompt_list_changed().await;
            }
            if lists.resources {
                let _ = peer.notify_resource_list_changed().await;
            }
        }
    }
}

/// How long a search or hybrid portal's catalog serves before it is read again for the calls
/// made since: the search boost and hybrid's most used tools follow use without a catalog
/// read per call (which is what a call costs the gateway otherwise).
/// `PATCHBAY_USAGE_REFRESH_SECS` shortens it for tests.
fn usage_refresh() -> Duration {
    static REFRESH: std::sync::OnceLock<Duration> = std::sync::OnceLock::new();
    *REFRESH.get_or_init(|| {
        let secs = std::env::var("PATCHBAY_USAGE_REFRESH_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(60);
        Duration::from_secs(secs.max(1))
    })
}

async fn announce_changes(state: Weak<PortalState>, mut changes: watch::Receiver<u64>) {
    let mut last = match state.upgrade() {
        Some(state) => state.catalog().await.ok(),
        None => return,
    };
    let mut refresh = tokio::time::interval(usage_refresh());
    refresh.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            changed = changes.changed() => if changed.is_err() { return },
            // Use moves a hybrid listing (its most used tools) without a store change.
            _ = refresh.tick() => {
                if last.as_ref().is_none_or(|c| c.listing.mode == PortalMode::Direct) {
                    continue;
                }
            }
        }
        let Some(state) = state.upgrade() else { return };
        let Ok(now) = state.catalog().await else {
            continue;
        };
        if let Some(before) = &last {
            let lists = ListsChanged::between(before, &now);
            if lists.any() {
                tracing::debug!(portal = %state.portal_id, ?lists, "announcing changed lists");
                state.announce(lists).await;
            }
        }
        last = Some(now);
    }
}
