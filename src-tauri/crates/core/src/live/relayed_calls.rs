//! What comes back for a tool call a portal forwards, while it runs: its progress, and the
//! requests the server makes of the client (sampling, elicitation). One warm upstream session
//! serves many clients, whose own progress tokens may coincide; rmcp gives each upstream
//! request an id and a token of the session's own, so routes map (upstream session, token)
//! and (upstream session, request id) to the client that made the call.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use rmcp::model::{
    CancelledNotificationParam, ClientCapabilities, ProgressNotificationParam, ProgressToken,
    RequestId,
};
use rmcp::service::{Peer, RoleClient, RoleServer};
use tokio::sync::mpsc;

use super::tool_call_rounds::Ask;

/// How long a call's answer may wait for its last progress reports to be passed on.
const SETTLE_AT_MOST: Duration = Duration::from_millis(100);
/// How long a report that came before its route was opened is kept for it.
const EARLY_KEPT: Duration = Duration::from_secs(2);
const EARLY_MAX: usize = 256;

pub(super) type Key = (u64, String);

struct Route {
    client: Peer<RoleServer>,
    token: ProgressToken,
    /// Reports being passed on now.
    in_flight: Arc<AtomicUsize>,
}

/// The client a relayed call came from, and its request there.
#[derive(Clone)]
pub(crate) struct CallOrigin {
    pub client: Peer<RoleServer>,
    /// Which portal session the client is (see `new_client_id`).
    pub client_id: u64,
    pub request: RequestId,
    /// The portal the call came through.
    pub scope: String,
    /// What the client declared it offers (per request in 2026-07-28, else at the handshake).
    pub capabilities: Option<ClientCapabilities>,
    /// A client of the 2026-07-28 era takes no requests: what the server asks during its call
    /// goes here, to be answered in rounds (`tool_call_rounds`).
    pub modern: bool,
    pub asks: Option<mpsc::UnboundedSender<Ask>>,
    /// Where each request the server makes of the client during the call is noted.
    pub log: Option<AskLog>,
    /// Where input is asked of the user when the client cannot give it (a portal's call).
    pub window: Option<crate::asked_in_window::WindowAsk>,
}

/// Notes one request a server made of a call's client: its method, how it ended, how long it
/// took, the error.
pub(crate) type AskLog =
    Arc<dyn Fn(&'static str, crate::gateway::CallOutcome, Duration, Option<String>) + Send + Sync>;

/// A number for each portal session, to tell its calls from other sessions' (peers do not
/// compare).
pub(crate) fn new_client_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

#[derive(Default)]
struct Routes {
    open: HashMap<Key, Route>,
    calls: HashMap<Key, CallOrigin>,
    /// Reports whose route is not open yet (the server answered before the call returned
    /// from sending), or that belong to no relayed call; pruned by age.
    early: Vec<(Instant, Key, ProgressNotificationParam)>,
}

fn routes() -> &'static Mutex<Routes> {
    static ROUTES: OnceLock<Mutex<Routes>> = OnceLock::new();
    ROUTES.get_or_init(Mutex::default)
}

pub(super) fn key(session: u64, token: &ProgressToken) -> Key {
    (session, serde_json::to_string(token).unwrap_or_default())
}

/// A key for each upstream session's reports (sessions number their tokens alike).
pub(crate) fn new_session_key() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// An open route; dropping it closes it.
pub(super) struct ProgressRoute {
    key: Key,
    in_flight: Arc<AtomicUsize>,
}

impl ProgressRoute {
    pub(super) fn open(key: Key, client: Peer<RoleServer>, token: ProgressToken) -> ProgressRoute {
        let in_flight = Arc::new(AtomicUsize::new(0));
        let early: Vec<ProgressNotificationParam> = {
            let mut routes = crate::lock(routes());
            routes.open.insert(
                key.clone(),
                Route {
                    client: client.clone(),
                    token: token.clone(),
                    in_flight: Arc::clone(&in_flight),
                },
            );
            let (mine, rest) = std::mem::take(&mut routes.early)
                .into_iter()
                .partition(|(_, k, _)| *k == key);
            routes.early = rest;
            mine.into_iter().map(|(_, _, p)| p).collect()
        };
        for mut params in early {
            params.progress_token = token.clone();
            let client = client.clone();
            tokio::spawn(async move {
                let _ = client.notify_progress(params).await;
            });
        }
        ProgressRoute { key, in_flight }
    }

    /// Lets the reports that came before the call's answer reach the client before it does:
    /// rmcp hands each notification to a task of its own and the answer straight to the caller,
    /// so the last report may still be on its way. Bounded: it waits a moment at most.
    pub(super) async fn settle(&self) {
        for _ in 0..4 {
            tokio::task::yield_now().await;
        }
        let deadline = Instant::now() + SETTLE_AT_MOST;
        while self.in_flight.load(Ordering::Acquire) > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
}

impl Drop for ProgressRoute {
    fn drop(&mut self) {
        crate::lock(routes()).open.remove(&self.key);
    }
}

/// A server's progress report, heard on upstream session `session`: to its client, under the
/// client's token.
pub(crate) async fn deliver(session: u64, mut params: ProgressNotificationParam) {
    let key = key(session, &params.progress_token);
    let target = {
        let mut routes = crate::lock(routes());
        match routes.open.get(&key) {
            Some(r) => {
                r.in_flight.fetch_add(1, Ordering::AcqRel);
                Some((r.client.clone(), r.token.clone(), Arc::clone(&r.in_flight)))
            }
            None => {
                let now = Instant::now();
                routes
                    .early
                    .retain(|(at, _, _)| now.duration_since(*at) < EARLY_KEPT);
                if routes.early.len() < EARLY_MAX {
                    routes.early.push((now, key, params.clone()));
                }
                None
            }
        }
    };
    let Some((client, token, in_flight)) = target else {
        return;
    };
    params.progress_token = token;
    if let Err(err) = client.notify_progress(params).await {
        tracing::debug!(error = %err, "a client left before its progress report");
    }
    in_flight.fetch_sub(1, Ordering::AcqRel);
}

pub(super) fn request_key(session: u64, id: &RequestId) -> Key {
    (session, serde_json::to_string(id).unwrap_or_default())
}

/// The call a server's request arrived within (the SSE stream of that call's POST): rmcp
/// marks it `InboundStreamOrigin::OutboundRequest`. Waits a little for a call whose route is
/// not open yet (its request id is known only once it is sent).
pub(crate) async fn origin_of(session: u64, upstream_request: &RequestId) -> Option<CallOrigin> {
    let key = request_key(session, upstream_request);
    let deadline = Instant::now() + EARLY_KEPT;
    loop {
        if let Some(origin) = crate::lock(routes()).calls.get(&key).cloned() {
            return Some(origin);
        }
        if Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The call a server's request belongs to when its transport does not say which (stdio and
/// legacy SSE carry no stream per request): the calls in flight on the session, when they
/// all come from one client. With calls of several clients in flight, nobody can tell.
pub(crate) fn sole_origin(session: u64) -> Option<CallOrigin> {
    let routes = crate::lock(routes());
    let mut calls = routes.calls.iter().filter(|((s, _), _)| *s == session);
    let (_, first) = calls.next()?;
    calls
        .all(|(_, other)| other.client_id == first.client_id)
        .then(|| first.clone())
}

pub(super) struct CallRoute {
    key: Key,
}

impl CallRoute {
    /// Routes the server's requests on `key`'s request to `origin` until dropped.
    pub(super) fn open(key: Key, origin: CallOrigin) -> CallRoute {
        crate::lock(routes()).calls.insert(key.clone(), origin);
        CallRoute { key }
    }
}

impl Drop for CallRoute {
    fn drop(&mut self) {
        crate::lock(routes()).calls.remove(&self.key);
    }
}

/// Tells the server to stop a request nobody waits for any more (the client cancelled, the
/// time bound passed), as rmcp's own one-shot calls do.
pub(super) struct CancelOnDrop {
    pub peer: Peer<RoleClient>,
    pub id: Option<RequestId>,
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        let Some(id) = self.id.take() else { return };
        let peer = self.peer.clone();
        tokio::spawn(async move {
            let _ = peer
                .notify_cancelled(CancelledNotificationParam::new(
                    Some(id),
                    Some("the client's request ended".into()),
                ))
                .await;
        });
    }
}
