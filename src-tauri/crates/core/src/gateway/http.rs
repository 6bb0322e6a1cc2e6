//! The HTTP side of the gateway: the checks every request passes first, then rmcp's
//! Streamable HTTP service of the portal.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use ts_rs::TS;

use super::calllog::CallLog;
use super::changes::watch_store;
use super::daemon::{CONTROL_HEADER, Claim};
use super::handler::PortalHandler;
use super::lookup::{Found, PortalLookup};
use super::portal_state::{PortalState, Source};
use super::upstreams::Upstreams;
use crate::error::{Error, ErrorCode, Result};
use crate::{Patchbay, Secret};

type Body = BoxBody<Bytes, Infallible>;

/// Connections served at once; MCP clients hold one or two each (calls and their stream).
const MAX_CONNECTIONS: usize = 512;
/// How long a connection may take to send a request's head (an idle kept-alive one too).
const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);
const ACCEPT_BACKOFF_FIRST: std::time::Duration = std::time::Duration::from_millis(5);
const ACCEPT_BACKOFF_MAX: std::time::Duration = std::time::Duration::from_secs(1);
/// MCP sessions one portal keeps open at once; an `initialize` beyond them is answered 503.
const MAX_SESSIONS_PER_PORTAL: usize = 256;
/// A session nobody used for this long is closed (rmcp's default is 5 minutes); clients of
/// today open a new one when theirs is gone.
const SESSION_IDLE: std::time::Duration = std::time::Duration::from_secs(120);
type PortalService = StreamableHttpService<PortalHandler, LocalSessionManager>;

/// A running gateway; dropping it does not stop it: call `stop`.
pub struct Gateway {
    pub addr: SocketAddr,
    state: Arc<State>,
}

/// What the gateway is doing now, for the window and `GET /status`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GatewayStatus {
    pub address: String,
    /// Portals asked for since the gateway started.
    pub portals_served: u32,
    /// MCP client sessions open now (and stateless requests in flight).
    pub client_sessions: u32,
    /// Warm sessions with the servers behind the portals.
    pub upstream_sessions: u32,
    /// The Patchbay version serving.
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub pid: u32,
    /// Which background gateway this is (see `daemon`); none for one a test starts.
    #[serde(default)]
    pub instance: Option<String>,
}

impl Gateway {
    pub fn stop(&self) {
        let _ = self.state.stop.send(true);
    }

    /// Resolves once the gateway was asked to stop (`stop`, or `POST /control/stop`).
    pub async fn stop_requested(&self) {
        let mut stopped = self.state.stop.subscribe();
        let _ = stopped.wait_for(|s| *s).await;
    }

    /// Stops accepting connections and waits until every call so far is in the log.
    pub async fn shutdown(&self) {
        self.stop();
        self.state.log.flush().await;
    }

    pub async fn status(&self) -> GatewayStatus {
        status_of(&self.state).await
    }
}

async fn status_of(state: &State) -> GatewayStatus {
    let (portals_served, client_sessions) = {
        let portals = crate::lock(&state.portals);
        let sessions = portals
            .values()
            .map(|(p, _)| p.open_sessions.load(std::sync::atomic::Ordering::Relaxed))
            .sum::<usize>();
        (portals.len() as u32, sessions as u32)
    };
    GatewayStatus {
        address: format!("http://127.0.0.1:{}", state.port),
        portals_served,
        client_sessions,
        upstream_sessions: state.upstreams.open().await as u32,
        version: env!("CARGO_PKG_VERSION").to_string(),
        pid: std::process::id(),
        instance: state
            .identity
            .as_ref()
            .map(|(instance, _)| instance.clone()),
    }
}

struct State {
    core: Arc<Patchbay>,
    upstreams: Arc<Upstreams>,
    log: CallLog,
    port: u16,
    changes: tokio::sync::watch::Receiver<u64>,
    portals: Mutex<HashMap<String, (Arc<PortalState>, PortalService)>>,
    lookup: PortalLookup,
    stop: tokio::sync::watch::Sender<bool>,
    /// A background gateway's instance id and control key.
    identity: Option<(String, Secret)>,
}

impl Gateway {
    /// Binds 127.0.0.1:`port` (0: any free port) and serves until stopped.
    pub async fn start(core: Arc<Patchbay>, port: u16) -> Result<Gateway> {
        start_with(core, port, None).await
    }

    /// `start` for the user's background gateway: `/status` names the instance, and
    /// `POST /control/stop` with the control key stops it.
    pub async fn start_claimed(core: Arc<Patchbay>, port: u16, claim: &Claim) -> Result<Gateway> {
        start_with(core, port, Some(claim.identity())).await
    }
}

async fn start_with(
    core: Arc<Patchbay>,
    port: u16,
    identity: Option<(String, Secret)>,
) -> Result<Gateway> {
    let listener = TcpListener::bind(("127.0.0.1", port)).await.map_err(|e| {
        Error::new(
            ErrorCode::Conflict,
            format!("the gateway cannot listen on 127.0.0.1:{port}: {e}; choose another port"),
        )
        .at_field("port")
    })?;
    let addr = listener.local_addr().map_err(Error::from)?;
    let state = Arc::new(State {
        log: CallLog::start(Arc::clone(&core)),
        changes: watch_store(core.store().path().map(Into::into)),
        core,
        upstreams: Arc::default(),
        port: addr.port(),
        portals: Mutex::default(),
        lookup: PortalLookup::default(),
        stop: tokio::sync::watch::channel(false).0,
        identity,
    });
    let mut stopped = state.stop.subscribe();
    let serving = Arc::clone(&state);
    tokio::spawn(async move {
        let state = serving;
        let connections = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
        let mut backoff = ACCEPT_BACKOFF_FIRST;
        loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                // Only `stop()` ends it: a dropped handle leaves the gateway running.
                _ = async {
                    if stopped.wait_for(|s| *s).await.is_err() {
                        std::future::pending::<()>().await;
                    }
                } => break,
            };
            let stream = match accepted {
                Ok((stream, _)) => stream,
                Err(err) => {
                    // Out of descriptors, say: accepting again at once would spin. Wait a
                    // little longer each time until one succeeds.
                    tracing::warn!(error = %err, "the gateway cannot accept a connection");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(ACCEPT_BACKOFF_MAX);
                    continue;
                }
            };
            backoff = ACCEPT_BACKOFF_FIRST;
            // Beyond the cap a connection is closed at once: the ones open keep being served.
            let Ok(permit) = Arc::clone(&connections).try_acquire_owned() else {
                tracing::warn!(cap = MAX_CONNECTIONS, "too many connections: one refused");
                continue;
            };
            // Small JSON-RPC messages each way: send them now, not after Nagle's delay.
            let _ = stream.set_nodelay(true);
            let state = Arc::clone(&state);
            tokio::spawn(async move {
                let _permit = permit;
                let service = hyper::service::service_fn(move |req| {
                    let state = Arc::clone(&state);
                    async move { Ok::<_, Infallible>(handle(state, req).await) }
                });
                // A connection that sends no complete request head in time is closed, so
                // silent sockets cannot hold the connection slots.
                let _ = hyper::server::conn::http1::Builder::new()
                    .timer(hyper_util::rt::TokioTimer::new())
                    .header_read_timeout(HEADER_READ_TIMEOUT)
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    tracing::info!(%addr, "gateway listening");
    Ok(Gateway { addr, state })
}

fn plain(status: StatusCode, text: &str) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(text.to_string())).boxed());
    *response.status_mut() = status;
    response
}

fn loopback_authority(authority: &str, port: u16) -> bool {
    ["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .any(|host| authority == *host || authority == format!("{host}:{port}"))
}

/// Whether `origin` is the gateway's own (scheme, loopback host and port): a page it served,
/// never another local web server's.
fn own_origin(origin: &str, port: u16) -> bool {
    ["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .any(|host| origin.eq_ignore_ascii_case(&format!("http://{host}:{port}")))
}

async fn handle(state: Arc<State>, req: Request<Incoming>) -> Response<Body> {
    // DNS rebinding and cross-site requests: only loopback hosts and loopback origins.
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    if !header("host").is_some_and(|h| loopback_authority(&h, state.port)) {
        return plain(StatusCode::FORBIDDEN, "foreign Host");
    }
    if let Some(origin) = header("origin")
        && !own_origin(&origin, state.port)
    {
        return plain(StatusCode::FORBIDDEN, "foreign Origin");
    }
    if req.uri().path() == "/control/stop" {
        if req.method() != hyper::Method::POST {
            return plain(StatusCode::METHOD_NOT_ALLOWED, "POST to stop the gateway");
        }
        return control_stop(&state, header(CONTROL_HEADER));
    }
    if req.uri().path() == "/status" {
        if !may_see_status(&state, header(CONTROL_HEADER), header("authorization")) {
            return needs_token();
        }
        let status = status_of(&state).await;
        let mut response = Response::new(
            Full::new(Bytes::from(serde_json::to_vec(&status).unwrap_or_default())).boxed(),
        );
        response.headers_mut().insert(
            hyper::header::CONTENT_TYPE,
            hyper::header::HeaderValue::from_static("application/json"),
        );
        return response;
    }
    let path = req.uri().path().to_owned();
    let (source, ident) = if let Some(slug) = path.strip_prefix("/mcp/") {
        (Source::Portal, slug.trim_end_matches('/').to_owned())
    } else if let Some(id) = path.strip_prefix("/server/") {
        (Source::Server, id.trim_end_matches('/').to_owned())
    } else {
        return plain(
            StatusCode::NOT_FOUND,
            "portals are served at /mcp/<slug>, servers at /server/<id>",
        );
    };
    let (id, name) = match authorized(&state, source, &ident, header("authorization")).await {
        Ok(endpoint) => endpoint,
        Err(response) => return response,
    };
    let (portal_state, service) = {
        let mut portals = crate::lock(&state.portals);
        portals
            .entry(id.clone())
            .or_insert_with(|| {
                let portal_state = PortalState::start(
                    Arc::clone(&state.core),
                    source,
                    id.clone(),
                    name.clone(),
                    state.changes.clone(),
                );
                let (core, upstreams) = (Arc::clone(&state.core), Arc::clone(&state.upstreams));
                let (shared, log) = (Arc::clone(&portal_state), state.log.clone());
                let service = StreamableHttpService::new(
                    move || {
                        Ok(PortalHandler::new(
                            Arc::clone(&core),
                            Arc::clone(&shared),
                            Arc::clone(&upstreams),
                            log.clone(),
                        ))
                    },
                    Arc::new(session_manager()),
                    service_config(),
                );
                (portal_state, service)
            })
            .clone()
    };
    let opens_session =
        req.method() == hyper::Method::POST && !req.headers().contains_key("mcp-session-id");
    if opens_session
        && portal_state
            .open_sessions
            .load(std::sync::atomic::Ordering::Relaxed)
            >= MAX_SESSIONS_PER_PORTAL
    {
        let mut response = plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "this portal has as many sessions open as it takes; close one or try again shortly",
        );
        response.headers_mut().insert(
            hyper::header::RETRY_AFTER,
            hyper::header::HeaderValue::from_static("5"),
        );
        return response;
    }
    let ends_session = req.method() == hyper::Method::DELETE;
    let mut service = service;
    let mut response = match tower_service::Service::call(&mut service, req).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    // rmcp answers a session's DELETE 202; the SDKs' own servers answer 200, and the Python
    // SDK's client logs a warning at anything but 200 or 204 (streamable_http.py,
    // terminate_session). A portal ends a session as the servers behind it do.
    if ends_session && response.status() == StatusCode::ACCEPTED {
        *response.status_mut() = StatusCode::OK;
    }
    response
}

fn session_manager() -> LocalSessionManager {
    let mut manager = LocalSessionManager::default();
    manager.session_config.keep_alive = Some(SESSION_IDLE);
    manager
}

/// Sessions for clients of the `initialize` era (they get notifications on their stream);
/// plain JSON answers where the protocol allows them, cheaper than an event stream.
fn service_config() -> StreamableHttpServerConfig {
    let mut config = StreamableHttpServerConfig::default();
    config.json_response = true;
    config
}

/// The endpoint a request names (its id and name), once its token checks out. A portal that is
/// not secure lets any local client in; a server's endpoint always wants its token.
async fn authorized(
    state: &State,
    source: Source,
    ident: &str,
    presented: Option<String>,
) -> std::result::Result<(String, String), Response<Body>> {
    let mut fresh = false;
    loop {
        let found = match source {
            Source::Portal => state
                .lookup
                .find(&state.core, &state.changes, ident)
                .await
                .map(|f| {
                    f.map(|Found { portal, token }| (portal.id, portal.name, token, portal.secure))
                }),
            Source::Server => state
                .lookup
                .find_server(&state.core, &state.changes, ident)
                .await
                .map(|f| f.map(|s| (s.id, s.name, s.token, true))),
        };
        let (id, name, token, secure) = match found {
            Ok(Some(found)) => found,
            // Answered as a known endpoint without its token is, so that probing slugs tells
            // nothing; the lookup is asked again first, for one created a moment ago.
            Ok(None) if fresh => return Err(needs_token()),
            Ok(None) => {
                state.lookup.forget(ident);
                fresh = true;
                continue;
            }
            Err(err) => return Err(plain(StatusCode::SERVICE_UNAVAILABLE, &err.message)),
        };
        if !secure || token_matches(presented.as_deref(), token.as_ref()) {
            return Ok((id, name));
        }
        // The token may have been rotated by another process a moment ago, before this
        // gateway saw the store change: look once more before refusing.
        if !fresh {
            state.lookup.forget(ident);
            fresh = true;
            continue;
        }
        return Err(needs_token());
    }
}

fn needs_token() -> Response<Body> {
    let mut response = plain(
        StatusCode::UNAUTHORIZED,
        "this endpoint needs its bearer token",
    );
    response.headers_mut().insert(
        "www-authenticate",
        hyper::header::HeaderValue::from_static("Bearer"),
    );
    response
}

/// `/status` is for the gateway's own (the control key of `gateway.json`) and for a client
/// holding a token this gateway has accepted; to anyone else it says nothing.
fn may_see_status(state: &State, control: Option<String>, authorization: Option<String>) -> bool {
    let by_key = matches!((&state.identity, &control), (Some((_, key)), Some(presented))
        if constant_time_eq(presented.as_bytes(), key.expose().as_bytes()));
    by_key
        || authorization.as_deref().is_some_and(|presented| {
            state
                .lookup
                .accepted_token(|t| token_matches(Some(presented), Some(t)))
        })
}

/// Stops a background gateway for whoever can read its private state file.
fn control_stop(state: &State, presented: Option<String>) -> Response<Body> {
    let allowed = match (&state.identity, presented) {
        (Some((_, key)), Some(presented)) => {
            constant_time_eq(presented.as_bytes(), key.expose().as_bytes())
        }
        _ => false,
    };
    if !allowed {
        return plain(StatusCode::FORBIDDEN, "not the gateway's control key");
    }
    tracing::info!("stop asked through the control endpoint");
    let _ = state.stop.send(true);
    plain(StatusCode::OK, "stopping")
}

/// Whether `presented` (an `Authorization` value) carries `token`. The scheme is
/// case-insensitive (RFC 7235 §2.1): `bearer` is `Bearer`.
fn token_matches(presented: Option<&str>, token: Option<&Secret>) -> bool {
    let Some((scheme, credential)) = presented.and_then(|p| p.split_once(' ')) else {
        return false;
    };
    match token {
        Some(t) if scheme.eq_ignore_ascii_case("bearer") => constant_time_eq(
            credential.trim_start_matches(' ').as_bytes(),
            t.expose().as_bytes(),
        ),
        _ => false,
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.ct_eq(b).into()
}
