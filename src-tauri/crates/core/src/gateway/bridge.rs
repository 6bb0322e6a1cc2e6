//! `patchbay bridge PORTAL`: the stdio entry Patchbay writes into AI clients. It reaches the
//! portal through the user's gateway (starting it, detached, when none runs) and relays every
//! JSON-RPC message both ways unchanged: the client's stdio session becomes the gateway's
//! Streamable HTTP session. So one gateway owns the upstream sessions and server processes
//! however many clients run, and the portal's token is read from the keyring here: no client
//! file holds it. The portal is named by id, so a rename does not break the entry.

use std::path::Path;
use std::sync::Arc;

use rmcp::model::{ErrorCode as McpErrorCode, ErrorData, JsonRpcMessage, ServerJsonRpcMessage};
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{IntoTransport, StreamableHttpClientTransport, Transport};
use rmcp::{RoleClient, RoleServer};
use tokio::task::JoinSet;

use super::bridge_link::{GatewayLink, Reload, Restart};
use super::daemon::Daemon;
use crate::error::{Error, Result};
use crate::live::SessionGuard;
use crate::portals::repo;
use crate::{Patchbay, run_blocking};

/// What a bridge serves: a portal, or one server through its own gateway endpoint.
#[derive(Debug, Clone, Copy)]
pub enum BridgeTarget<'a> {
    /// By id (what installed entries use), slug or name.
    Portal(&'a str),
    /// By id or name.
    Server(&'a str),
}

impl Patchbay {
    /// Serves the target on stdin/stdout until the client closes stdin (what a client's stdio
    /// entry runs): through the user's gateway, started with `exe` (the `patchbay` CLI) when
    /// none runs.
    pub async fn bridge(
        self: &Arc<Self>,
        workspace_id: &str,
        target: BridgeTarget<'_>,
        exe: &Path,
    ) -> Result<()> {
        bridge(Arc::clone(self), workspace_id, target, exe).await
    }
}

async fn bridge(
    core: Arc<Patchbay>,
    workspace_id: &str,
    target: BridgeTarget<'_>,
    exe: &Path,
) -> Result<()> {
    let ws = workspace_id.to_string();
    let (path, token, reload): (String, _, Reload) = match target {
        BridgeTarget::Portal(ident) => {
            let ident = ident.to_string();
            let (id, token) = run_blocking(&core, move |core| {
                let row = core.store().read(|c| repo::find(c, &ws, &ident))?;
                Ok((row.portal.id.clone(), core.portal_token(&row)?))
            })
            .await?;
            let (core, ws, key) = (Arc::clone(&core), workspace_id.to_string(), id.clone());
            let reload: Reload = Arc::new(move || {
                let row = core.store().read(|c| repo::find(c, &ws, &key)).ok()?;
                core.portal_token(&row).ok().flatten()
            });
            (format!("mcp/{id}"), token, reload)
        }
        BridgeTarget::Server(ident) => {
            let ident = ident.to_string();
            let (id, token) = run_blocking(&core, move |core| {
                let server = core.get_server(&ws, &ident)?;
                let token = core.server_gateway_token(&server.id)?;
                Ok((server.id, token))
            })
            .await?;
            let (core, key) = (Arc::clone(&core), crate::secrets::keys::gateway_token(&id));
            let reload: Reload = Arc::new(move || core.secrets().get(&key).ok().flatten());
            (format!("server/{id}"), Some(token), reload)
        }
    };
    let data_dir = core
        .store()
        .path()
        .and_then(Path::parent)
        .ok_or_else(|| Error::internal("the bridge needs a data dir on disk"))?
        .to_path_buf();
    let gateway = Daemon::of(&data_dir).ensure_running(exe).await?;
    let address = gateway
        .address
        .ok_or_else(|| Error::internal("the gateway runs but has no address"))?;
    // The session's URL stays: a gateway started again helps when it listens where the old
    // one did (its configured port, free again once the old one is gone).
    let restart: Restart = {
        let (exe, data_dir, was) = (exe.to_path_buf(), data_dir.clone(), address.clone());
        Arc::new(move || {
            let (exe, data_dir, address_was) = (exe.clone(), data_dir.clone(), was.clone());
            Box::pin(async move {
                match Daemon::of(&data_dir).ensure_running(&exe).await {
                    Ok(status) => status.address.as_deref() == Some(address_was.as_str()),
                    Err(e) => {
                        tracing::warn!(error = %e, "the gateway did not start again");
                        false
                    }
                }
            })
        })
    };
    let client = GatewayLink::new(
        SessionGuard(crate::net::http_client()?),
        token,
        reload,
        restart,
    );
    relay(&format!("{address}/{path}"), client).await
}

/// Relays stdio ↔ Streamable HTTP at `url` until either side closes.
async fn relay<C>(url: &str, client: C) -> Result<()>
where
    C: rmcp::transport::streamable_http_client::StreamableHttpClient
        + Clone
        + Send
        + Sync
        + 'static,
{
    let config = StreamableHttpClientTransportConfig::with_uri(url.to_string());
    let mut up: StreamableHttpClientTransport<_> =
        StreamableHttpClientTransport::with_client(client, config);
    let mut down =
        IntoTransport::<RoleServer, _, _>::into_transport(rmcp::transport::stdio_pipes());
    // Sends run side by side, as rmcp's own service runs them: a slow call never holds up the
    // next request. A request whose send fails is answered here, so the client never waits on
    // a message that did not leave.
    let mut sends = JoinSet::new();
    loop {
        tokio::select! {
            message = Transport::<RoleServer>::receive(&mut down) => {
                let Some(message) = message else { break };
                let id = match &message {
                    JsonRpcMessage::Request(request) => Some(request.id.clone()),
                    _ => None,
                };
                let send = Transport::<RoleClient>::send(&mut up, message);
                sends.spawn(async move { send.await.map_err(|e| (id, e.to_string())) });
            }
            message = Transport::<RoleClient>::receive(&mut up) => {
                let Some(message) = message else {
                    tracing::warn!("the gateway closed the session");
                    break;
                };
                if Transport::<RoleServer>::send(&mut down, message).await.is_err() {
                    break;
                }
            }
            Some(done) = sends.join_next(), if !sends.is_empty() => {
                if let Ok(Err((id, reason))) = done {
                    tracing::warn!(%reason, "a message could not reach the gateway");
                    if let Some(id) = id {
                        let error = ErrorData::new(
                            McpErrorCode::INTERNAL_ERROR,
                            format!("Patchbay's gateway did not take the request: {reason}"),
                            None,
                        );
                        let answer = ServerJsonRpcMessage::error(error, Some(id));
                        if Transport::<RoleServer>::send(&mut down, answer).await.is_err() {
                            break;
                        }
                    }
                }
            }
        }
    }
    sends.abort_all();
    let _ = Transport::<RoleClient>::close(&mut up).await;
    let _ = Transport::<RoleServer>::close(&mut down).await;
    Ok(())
}
