//! Opening an MCP session over the server's transport, with every step bounded in time.

use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use rmcp::model::ProtocolVersion;
use rmcp::service::{ClientLifecycleMode, ClientServiceExt, RunningService};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{RoleClient, ServiceExt};
use url::Url;

use super::classify;
use super::client_handler::PatchbayClient;
use super::sse::SseTransport;
use super::stdio::{self, ProcessGroupGuard, StderrTail};
use super::target::Target;
use crate::error::{ConnectionCategory, Error, Result};
use crate::servers::Transport;

/// The largest single message Patchbay accepts from a server (SPEC §4: oversized responses
/// get an error, not an out-of-memory).
pub(crate) const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

pub(crate) type Service = RunningService<RoleClient, PatchbayClient>;

/// An open session, closed by [`Session::close`] (or, less gently, by drop).
pub(crate) struct Session {
    pub service: Service,
    /// The transport that worked: a streamable HTTP server may turn out to speak legacy SSE.
    pub transport: Transport,
    pub stderr: Option<StderrTail>,
    pub target: String,
    pub connect_ms: u32,
    /// Says when the server announced that one of its lists changed (taken by the gateway).
    pub changes: std::sync::Mutex<Option<tokio::sync::mpsc::UnboundedReceiver<()>>>,
    // Dropped after `service`: fields drop in order.
    _group: ProcessGroupGuard,
}

impl Session {
    pub fn protocol_version(&self) -> Option<String> {
        self.service
            .peer()
            .peer_info()
            .map(|info| info.protocol_version.to_string())
    }

    /// The server's identity as stored in `server_info`.
    pub fn server_info(&self) -> serde_json::Value {
        let Some(info) = self.service.peer().peer_info() else {
            return serde_json::json!({});
        };
        let mut out = serde_json::Map::new();
        if let Some(implementation) = &info.server_info {
            out.insert("name".into(), implementation.name.clone().into());
            out.insert("version".into(), implementation.version.clone().into());
            if let Some(title) = &implementation.title {
                out.insert("title".into(), title.clone().into());
            }
        }
        out.insert(
            "protocol_version".into(),
            info.protocol_version.to_string().into(),
        );
        if let Some(instructions) = &info.instructions {
            out.insert("instructions".into(), instructions.clone().into());
        }
        out.insert(
            "capabilities".into(),
            serde_json::to_value(&info.capabilities).unwrap_or_default(),
        );
        out.into()
    }

    /// Ends the session: a stdio server's process group is gone when this returns or, at
    /// worst, when the session is dropped.
    pub async fn close(self) {
        let _ = tokio::time::timeout(Duration::from_secs(2), self.service.cancel()).await;
    }

    /// Adds the server's last stderr lines to an error: they usually say why it failed.
    pub fn explain(&self, err: Error) -> Error {
        with_stderr(err, self.stderr.as_ref())
    }
}

fn with_stderr(mut err: Error, stderr: Option<&StderrTail>) -> Error {
    if let Some(text) = stderr.map(StderrTail::text).filter(|t| !t.is_empty()) {
        let lines: Vec<&str> = text.lines().rev().take(8).collect();
        let tail: Vec<&str> = lines.into_iter().rev().collect();
        err.message = format!("{}\nserver stderr:\n{}", err.message, tail.join("\n"));
    }
    err
}

fn headers(header: Option<&(String, crate::Secret)>) -> Result<HeaderMap> {
    let mut map = HeaderMap::new();
    if let Some((name, value)) = header {
        let name = HeaderName::try_from(name.as_str()).map_err(|_| {
            Error::validation(
                "api_key_header",
                format!("'{name}' is not a valid header name"),
            )
        })?;
        let mut value = HeaderValue::try_from(value.expose()).map_err(|_| {
            Error::validation(
                "api_key",
                "the API key holds characters a header cannot carry",
            )
        })?;
        value.set_sensitive(true);
        map.insert(name, value);
    }
    Ok(map)
}

/// Connects within `timeout`, which bounds the whole handshake including any fallback.
pub(crate) async fn connect(target: &Target, timeout: Duration) -> Result<Session> {
    let started = Instant::now();
    let described = target.describe();
    let (handler, changes) = PatchbayClient::new();
    let handler = &handler;
    let attempt = async {
        match target {
            Target::Http {
                transport,
                url,
                header,
                oauth,
            } => {
                let url = Url::parse(url)
                    .map_err(|e| Error::validation("url", format!("'{url}' is not a URL: {e}")))?;
                let mut headers = headers(header.as_ref())?;
                let auth = match oauth {
                    Some(access) => {
                        Some(crate::oauth::authorized_client(access, url.as_str()).await?)
                    }
                    None => None,
                };
                match (transport, auth) {
                    (Transport::Sse, Some(auth)) => {
                        // Our SSE transport takes a fixed header: a fresh token per session.
                        let token = auth
                            .get_access_token()
                            .await
                            .map_err(|e| crate::oauth::auth_error(e, url.as_str()))?;
                        let mut value =
                            reqwest::header::HeaderValue::try_from(format!("Bearer {token}"))
                                .map_err(|_| {
                                    Error::internal("the access token is not a valid header")
                                })?;
                        value.set_sensitive(true);
                        headers.insert(reqwest::header::AUTHORIZATION, value);
                        sse(url, headers, &described, handler).await
                    }
                    (Transport::Sse, None) => sse(url, headers, &described, handler).await,
                    (_, Some(auth)) => {
                        streamable_oauth(url, headers, auth, &described, handler).await
                    }
                    (_, None) => streamable_or_sse(url, headers, &described, handler).await,
                }
            }
            Target::Stdio {
                command,
                args,
                env,
                inherit_env,
                cwd,
            } => {
                let (child, tail) = stdio::spawn(command, args, env, *inherit_env, cwd.as_deref())?;
                let group = ProcessGroupGuard::new(child.id());
                let service = match handler
                    .clone()
                    .serve_with_lifecycle(
                        super::late_discovery::DropsLateDiscovery::new(child),
                        auto_lifecycle(),
                    )
                    .await
                {
                    Ok(service) => service,
                    Err(e) => {
                        tail.settled(Duration::from_millis(500)).await;
                        return Err(with_stderr(
                            classify::init_error(e, &described),
                            Some(&tail),
                        ));
                    }
                };
                Ok((service, Transport::Stdio, Some(tail), group))
            }
        }
    };
    let (service, transport, stderr, group) = tokio::time::timeout(timeout, attempt)
        .await
        .map_err(|_| classify::timed_out(&described, timeout))??;
    Ok(Session {
        service,
        transport,
        stderr,
        target: described,
        connect_ms: started.elapsed().as_millis() as u32,
        changes: std::sync::Mutex::new(Some(changes)),
        _group: group,
    })
}

type Opened = (Service, Transport, Option<StderrTail>, ProcessGroupGuard);

fn auto_lifecycle() -> ClientLifecycleMode {
    ClientLifecycleMode::Auto {
        preferred_versions: vec![ProtocolVersion::LATEST],
        // The newest version that still has the initialize handshake.
        legacy_version: Some(ProtocolVersion::V_2025_11_25),
    }
}

/// Streamable HTTP first; a 400, 404 or 405 to the first POST means a legacy server, which
/// the spec says to try over SSE at the same URL.
/// Opens a streamable HTTP session through `client`. The handshake prefers the newest
/// protocol (rmcp's Auto mode: `server/discover` for 2026-07-28, falling back to `initialize`
/// when the server says it is older). A server that answers discovery with something
/// unusable instead of an error (seen in the wild and in the conformance suite) gets one more
/// try with the plain `initialize` handshake, which every server of today accepts.
async fn streamable<C>(
    client: C,
    url: &Url,
    headers: &HeaderMap,
    target: &str,
    handler: &PatchbayClient,
) -> Result<Service>
where
    C: rmcp::transport::streamable_http_client::StreamableHttpClient + Sync,
{
    let config = || {
        let mut config = StreamableHttpClientTransportConfig::with_uri(url.as_str())
            .max_sse_event_size(MAX_MESSAGE_BYTES)
            .reinit_on_expired_session(true);
        config.custom_headers = headers
            .clone()
            .into_iter()
            .filter_map(|(k, v)| Some((k?, v)))
            .collect();
        config
    };
    let client = super::session_guard::SessionGuard(client);
    let transport = StreamableHttpClientTransport::with_client(client.clone(), config());
    let err = match handler
        .clone()
        .serve_with_lifecycle(transport, auto_lifecycle())
        .await
    {
        Ok(service) => return Ok(service),
        Err(err) => classify::init_error(err, target),
    };
    if err.category != Some(ConnectionCategory::Protocol) {
        return Err(err);
    }
    tracing::info!(%target, error = %err.message, "retrying with the initialize handshake");
    let transport = StreamableHttpClientTransport::with_client(client, config());
    handler
        .clone()
        .with_protocol_version(ProtocolVersion::V_2025_11_25)
        .serve_with_lifecycle(transport, ClientLifecycleMode::Initialize)
        .await
        .map_err(|e| classify::init_error(e, target))
}

/// Streamable HTTP first; a 400, 404 or 405 to the first POST means a legacy server, which
/// the spec says to try over SSE at the same URL.
async fn streamable_or_sse(
    url: Url,
    headers: HeaderMap,
    target: &str,
    handler: &PatchbayClient,
) -> Result<Opened> {
    match streamable(crate::net::http_client()?, &url, &headers, target, handler).await {
        Ok(service) => Ok((
            service,
            Transport::StreamableHttp,
            None,
            ProcessGroupGuard::new(None),
        )),
        Err(err) => {
            let legacy = err.category == Some(ConnectionCategory::HttpStatus)
                && matches!(err.http_status, Some(400 | 404 | 405));
            if !legacy {
                return Err(err);
            }
            tracing::info!(%target, status = ?err.http_status, "falling back to legacy SSE");
            sse(url, headers, target, handler).await.map_err(|sse_err| {
                // Neither worked: the first answer is the more telling one.
                if sse_err.category == Some(ConnectionCategory::NotMcp) {
                    err
                } else {
                    sse_err
                }
            })
        }
    }
}

/// Streamable HTTP through rmcp's auth client, which adds the bearer token and refreshes it.
async fn streamable_oauth(
    url: Url,
    headers: HeaderMap,
    auth: rmcp::transport::auth::AuthClient<reqwest::Client>,
    target: &str,
    handler: &PatchbayClient,
) -> Result<Opened> {
    let service = streamable(auth, &url, &headers, target, handler).await?;
    Ok((
        service,
        Transport::StreamableHttp,
        None,
        ProcessGroupGuard::new(None),
    ))
}

async fn sse(
    url: Url,
    headers: HeaderMap,
    target: &str,
    handler: &PatchbayClient,
) -> Result<Opened> {
    let transport =
        SseTransport::connect(crate::net::http_client()?, url, headers, MAX_MESSAGE_BYTES)
            .await
            .map_err(|e| classify::chain(&e, target))?;
    let service = handler
        .clone()
        .with_protocol_version(ProtocolVersion::V_2025_11_25)
        .serve(transport)
        .await
        .map_err(|e| classify::init_error(e, target))?;
    Ok((service, Transport::Sse, None, ProcessGroupGuard::new(None)))
}
