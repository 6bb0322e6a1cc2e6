//! Roots are each client's own, while one upstream session serves every client of the
//! portals a server is in. A server asking during a call gets the roots of the client that
//! made it. Asking outside any call (many servers ask once, just after the handshake), it gets
//! the roots of the clients using the session now, together: each such client has sent the
//! server requests, so its roots are no news to it. A client whose roots change has the
//! servers it used told.
#![allow(deprecated)] // roots: SEP-2577 deprecates them; initialize-era servers use them

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use rmcp::ErrorData as McpError;
use rmcp::model::{
    ClientResult, InputRequest, ListRootsRequest, ListRootsResult, Root, ServerRequest,
};
use rmcp::service::{Peer, RequestContext, RoleClient, RoleServer};

use super::client_requests::{answer_for, ask_client, within_call};
use super::connect::Session;

/// How long a server asking outside a call waits for the client whose request opened its
/// session to be noted (that happens just after the handshake the server answers first).
const FIRST_USER_WAIT: Duration = Duration::from_secs(2);
/// How long one client may take to list its roots for a server asking outside a call.
const CLIENT_ANSWER: Duration = Duration::from_secs(10);

struct Users {
    upstream: Peer<RoleClient>,
    /// Portal sessions (by client id) that declared roots and sent the server a request.
    clients: Vec<(u64, Peer<RoleServer>)>,
}

/// Upstream sessions (by session key) and the clients using them.
fn users() -> &'static Mutex<HashMap<u64, Users>> {
    static USERS: OnceLock<Mutex<HashMap<u64, Users>>> = OnceLock::new();
    USERS.get_or_init(Mutex::default)
}

fn declares_roots(client: &Peer<RoleServer>) -> bool {
    client
        .peer_info()
        .is_some_and(|info| info.capabilities.roots.is_some())
}

/// Notes that portal session `client_id` sends requests to the server of `session`. When that
/// changes who uses the session (a new client, or some gone), the server is told that the
/// roots changed, so what it knows is the roots of the clients using it now.
pub(crate) async fn note_user(session: &Session, client_id: u64, client: &Peer<RoleServer>) {
    if !declares_roots(client) {
        return;
    }
    let key = session.service.service().session_key();
    let changed = {
        let mut users = crate::lock(users());
        users.retain(|_, u| !u.upstream.is_transport_closed());
        let fresh = !users.contains_key(&key);
        let entry = users.entry(key).or_insert_with(|| Users {
            upstream: session.service.peer().clone(),
            clients: Vec::new(),
        });
        let before = entry.clients.len();
        entry.clients.retain(|(_, c)| !c.is_transport_closed());
        let mut changed = entry.clients.len() != before;
        if !entry.clients.iter().any(|(id, _)| *id == client_id) {
            entry.clients.push((client_id, client.clone()));
            changed = true;
        }
        // A new session's server asks by itself, if it cares.
        changed && !fresh
    };
    if changed && let Err(err) = session.service.peer().notify_roots_list_changed().await {
        tracing::debug!(error = %err, "a server left before hearing of changed roots");
    }
}

/// Client `client_id`'s roots changed: the servers it used hear of it.
pub(crate) async fn roots_changed(client_id: u64) {
    let upstreams: Vec<Peer<RoleClient>> = crate::lock(users())
        .values()
        .filter(|u| u.clients.iter().any(|(id, _)| *id == client_id))
        .map(|u| u.upstream.clone())
        .collect();
    for upstream in upstreams {
        if let Err(err) = upstream.notify_roots_list_changed().await {
            tracing::debug!(error = %err, "a server left before hearing of changed roots");
        }
    }
}

/// `client`'s roots, asked on its standalone stream; none when it declared no roots.
async fn roots_of(client: &Peer<RoleServer>) -> Result<Vec<Root>, McpError> {
    if !declares_roots(client) {
        return Ok(Vec::new());
    }
    let request = ServerRequest::ListRootsRequest(ListRootsRequest::default());
    match ask_client(client, None, request).await? {
        ClientResult::ListRootsResult(result) => Ok(result.roots),
        _ => Err(McpError::internal_error(
            "the client answered roots/list with something else",
            None,
        )),
    }
}

fn clients_of(session: u64) -> Vec<(u64, Peer<RoleServer>)> {
    crate::lock(users())
        .get(&session)
        .map(|u| {
            u.clients
                .iter()
                .filter(|(_, c)| !c.is_transport_closed())
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

/// `roots/list` from the server of upstream session `session`.
pub(crate) async fn list_roots(
    session: u64,
    context: RequestContext<RoleClient>,
) -> Result<ListRootsResult, McpError> {
    if let Some(origin) = within_call(session, &context).await {
        let request = InputRequest::ListRoots(ListRootsRequest::default());
        return match answer_for(&origin, request).await? {
            ClientResult::ListRootsResult(result) => Ok(result),
            _ => Err(McpError::internal_error(
                "the client answered roots/list with something else",
                None,
            )),
        };
    }
    let deadline = Instant::now() + FIRST_USER_WAIT;
    let mut clients = clients_of(session);
    while clients.is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
        clients = clients_of(session);
    }
    let mut roots: Vec<Root> = Vec::new();
    for (_, client) in clients {
        match tokio::time::timeout(CLIENT_ANSWER, roots_of(&client)).await {
            Ok(Ok(theirs)) => {
                for root in theirs {
                    if !roots.iter().any(|r| r.uri == root.uri) {
                        roots.push(root);
                    }
                }
            }
            Ok(Err(err)) => {
                tracing::debug!(error = %err.message, "a client did not list its roots")
            }
            Err(_) => tracing::debug!("a client did not list its roots in time"),
        }
    }
    Ok(ListRootsResult::new(roots))
}
