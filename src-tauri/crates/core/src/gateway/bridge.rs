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

use super::bridge_auth::{KeyringToken, Reload};
use super::daemon;
use crate::error::{Error, Result};
use crate::live::SessionGuard;
use crate::portals::repo;
use crate::{Patchbay, run_blocking};

/// Serves the portal `portal` (id, slug or name) of the workspace on stdin/stdout until the
/// client closes stdin. `exe` is the `patchbay` executable that runs the gateway.
pub async fn bridge(
    core: Arc<Patchbay>,
    workspace_id: &str,
    portal: &str,
    exe: &Path,
) -> Result<()> {
    let (ws, ident) = (workspace_id.to_string(), portal.to_string());
    let (portal_id, token) = run_blocking(&core, move |core| {
        let row = core.store().read(|c| repo::find(c, &ws, &ident))?;
        let token = core.portal_token(&row)?;
        Ok((row.portal.id, token))
    })
    .await?;
    let reload: Reload = {
        let (core, ws, id) = (
            Arc::clone(&core),
            workspace_id.to_string(),
            portal_id.clone(),
        );
        Arc::new(move || {
            let row = core.store().read(|c| repo::find(c, &ws, &id)).ok()?;
            core.portal_token(&row).ok().flatten()
        })
    };
    let data_dir = core
        .store()
        .path()
        .and_then(Path::parent)
        .ok_or_else(|| Error::internal("the bridge needs a data dir on disk"))?
        .to_path_buf();
    let gateway = daemon::ensure_running(exe, &data_dir).await?;
    let address = gateway
        .address
        .ok_or_else(|| Error::internal("the gateway runs but has no address"))?;
    let client = KeyringToken::new(SessionGuard(crate::live::http_client()?), token, reload);
    relay(&format!("{address}/mcp/{portal_id}"), client).await
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
