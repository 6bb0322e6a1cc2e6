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

/// Binds 127.0.0.1:`port` (0: any free port) and serves until stopped.
pub async fn start(core: Arc<Patchbay>, port: u16) -> Result<Gateway> {
    start_with(core, port, None).await
}

/// `start` for the user's background gateway: `/status` names the instance, and
/// `POST /control/stop` with the control key stops it.
pub async fn start_claimed(core: Arc<Patchbay>, port: u16, claim: &Claim) -> Result<Gateway> {
    start_with(core, port, Some(claim.identity())).await
}

async fn start_with(
    core: Arc<Patchbay>,
    port: u16,
    identity: Option<(String, Secret)>,
) -> Result<Gateway> {
    let listener = TcpListener::bind(("127.0.0.1", port)).await.map_err(|e| {
        Error::new(
            ErrorCode::Conflict,
            format!("the gateway cannot listen on 127.0.0.1:{port}: {e}; choose another port (--port, PATCHBAY_GATEWAY_PORT)"),
        )
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
            let Ok((stream, _)) = accepted else { continue };
            // Small JSON-RPC messages each way: send them now, not after Nagle's delay.
            let _ = stream.set_nodelay(true);
            let state = Arc::clone(&state);
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req| {
                    let state = Arc::clone(&state);
                    async move { Ok::<_, Infallible>(handle(state, req).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
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
    if let Some(origin) = header("origin") {
        let authority = origin.strip_prefix("http://").unwrap_or("");
        if !loopback_authority(authority, state.port) {
            return plain(StatusCode::FORBIDDEN, "foreign Origin");
        }
    }
    if req.uri().path() == "/control/stop" {
        if req.method() != hyper::Method::POST {
            return plain(StatusCode::METHOD_NOT_ALLOWED, "POST to stop the gateway");
        }
        return control_stop(&state, header(CONTROL_HEADER));
    }
    if req.uri().path() == "/status" {
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
    let service = {
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
                    Arc::default(),
                    service_config(),
                );
                (portal_state, service)
            })
            .1
            .clone()
    };
    let mut service = service;
    match tower_service::Service::call(&mut service, req).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
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
            Ok(None) => return Err(plain(StatusCode::NOT_FOUND, "no such portal or server")),
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
        let mut response = plain(
            StatusCode::UNAUTHORIZED,
            "this endpoint needs its bearer token",
        );
        response.headers_mut().insert(
            "www-authenticate",
            hyper::header::HeaderValue::from_static("Bearer"),
        );
        return Err(response);
    }
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

fn token_matches(presented: Option<&str>, token: Option<&Secret>) -> bool {
    match (presented, token) {
        (Some(p), Some(t)) => {
            constant_time_eq(p.as_bytes(), format!("Bearer {}", t.expose()).as_bytes())
        }
        _ => false,
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
