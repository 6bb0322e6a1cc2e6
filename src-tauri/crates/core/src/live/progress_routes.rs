//! Progress of a tool call a portal forwards. One warm upstream session serves many clients,
//! whose own progress tokens may coincide; rmcp gives each upstream request a token of the
//! session's own, so a route maps (upstream session, that token) to the client that asked and
//! the client's token, for as long as the call runs.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use rmcp::ServiceError;
use rmcp::model::{
    CallToolRequest, CallToolRequestParams, CallToolResponse, CancelledNotificationParam,
    ClientRequest, ProgressNotificationParam, ProgressToken, RequestId, ServerResult,
};
use rmcp::service::{Peer, PeerRequestOptions, RoleClient, RoleServer};

use super::connect::Session;

/// How long a report that came before its route was opened is kept for it.
const EARLY_KEPT: Duration = Duration::from_secs(2);
const EARLY_MAX: usize = 256;

type Key = (u64, String);

struct Route {
    client: Peer<RoleServer>,
    token: ProgressToken,
}

#[derive(Default)]
struct Routes {
    open: HashMap<Key, Route>,
    /// Reports whose route is not open yet (the server answered before the call returned
    /// from sending), or that belong to no relayed call; pruned by age.
    early: Vec<(Instant, Key, ProgressNotificationParam)>,
}

fn routes() -> &'static Mutex<Routes> {
    static ROUTES: OnceLock<Mutex<Routes>> = OnceLock::new();
    ROUTES.get_or_init(Mutex::default)
}

fn key(session: u64, token: &ProgressToken) -> Key {
    (session, serde_json::to_string(token).unwrap_or_default())
}

/// A key for each upstream session's reports (sessions number their tokens alike).
pub(crate) fn new_session_key() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// An open route; dropping it closes it.
struct ProgressRoute {
    key: Key,
}

impl ProgressRoute {
    fn open(key: Key, client: Peer<RoleServer>, token: ProgressToken) -> ProgressRoute {
        let early: Vec<ProgressNotificationParam> = {
            let mut routes = crate::lock(routes());
            routes.open.insert(
                key.clone(),
                Route {
                    client: client.clone(),
                    token: token.clone(),
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
        ProgressRoute { key }
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
            Some(r) => Some((r.client.clone(), r.token.clone())),
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
    let Some((client, token)) = target else {
        return;
    };
    params.progress_token = token;
    if let Err(err) = client.notify_progress(params).await {
        tracing::debug!(error = %err, "a client left before its progress report");
    }
}

/// Tells the server to stop a request nobody waits for any more (the client cancelled, the
/// time bound passed), as rmcp's own one-shot calls do.
struct CancelOnDrop {
    peer: Peer<RoleClient>,
    id: Option<RequestId>,
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

/// `tools/call` on `session`, with the server's progress reports going to `progress`'s client
/// under its token.
pub(crate) async fn call_tool(
    session: &Session,
    params: CallToolRequestParams,
    progress: Option<(Peer<RoleServer>, ProgressToken)>,
) -> Result<CallToolResponse, ServiceError> {
    let peer = session.service.peer();
    let request = ClientRequest::CallToolRequest(CallToolRequest::new(params));
    let handle = peer
        .send_request_with_option(request, PeerRequestOptions::no_options())
        .await?;
    let _route = progress.map(|(client, token)| {
        let session_key = session.service.service().progress_key();
        ProgressRoute::open(key(session_key, &handle.progress_token), client, token)
    });
    let mut guard = CancelOnDrop {
        peer: peer.clone(),
        id: Some(handle.id.clone()),
    };
    let result = handle.await_response().await;
    guard.id = None;
    match result? {
        ServerResult::CallToolResult(result) => Ok(CallToolResponse::Complete(result)),
        ServerResult::InputRequiredResult(result) => Ok(CallToolResponse::InputRequired(result)),
        ServerResult::CreateTaskResult(result) => Ok(CallToolResponse::Task(result)),
        _ => Err(ServiceError::UnexpectedResponse),
    }
}
