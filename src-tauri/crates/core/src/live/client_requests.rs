//! The requests a server makes of its client during a call a portal forwards (sampling,
//! elicitation, roots), asked of the client that made the call, on that call's stream. A
//! client that did not declare the capability is not asked: sampling gets an error that says
//! why, an elicitation is declined, roots are none.
#![allow(deprecated)] // sampling is deprecated by SEP-2577; initialize-era servers use it

use rmcp::ErrorData as McpError;
use rmcp::model::RequestId;
use rmcp::model::{
    ClientCapabilities, ClientResult, CreateMessageRequest, CreateMessageRequestParams,
    CreateMessageResult, ElicitRequest, ElicitRequestParams, ElicitResult, ElicitationAction,
    ServerRequest,
};
use rmcp::service::{
    InboundStreamOrigin, OriginatingRequestId, Peer, PeerRequestOptions, RequestContext,
    RoleClient, RoleServer,
};

use super::relayed_calls::{CallOrigin, origin_of, sole_origin};

/// The call a server's request arrived within, and whether its client declared the
/// capability the request needs.
async fn call_of(
    session: u64,
    context: &RequestContext<RoleClient>,
    what: &str,
    offers: impl Fn(&ClientCapabilities) -> bool,
) -> Result<(CallOrigin, bool), McpError> {
    let origin = within_call(session, context).await;
    let Some(origin) = origin else {
        return Err(McpError::invalid_request(
            format!(
                "the server asked for {what} outside of a call a client made through Patchbay; there is nobody to ask"
            ),
            None,
        ));
    };
    let declared = origin
        .client
        .peer_info()
        .is_some_and(|info| offers(&info.capabilities));
    Ok((origin, declared))
}

/// The call a server's request arrived within: the stream it came on says so over Streamable
/// HTTP; over stdio and legacy SSE (one stream for everything) it is the call in flight,
/// when only one client has calls in flight.
pub(crate) async fn within_call(
    session: u64,
    context: &RequestContext<RoleClient>,
) -> Option<CallOrigin> {
    match context.extensions.get::<InboundStreamOrigin>() {
        Some(InboundStreamOrigin::OutboundRequest(id)) => origin_of(session, id).await,
        _ => sole_origin(session),
    }
}

/// Sends `request` to the call's client on the call's own stream, and waits for its answer.
async fn ask(origin: &CallOrigin, request: ServerRequest) -> Result<ClientResult, McpError> {
    ask_client(&origin.client, Some(&origin.request), request).await
}

/// Sends `request` to `client`, on the stream of its request `within` (else its standalone
/// stream), and waits for its answer.
pub(crate) async fn ask_client(
    client: &Peer<RoleServer>,
    within: Option<&RequestId>,
    mut request: ServerRequest,
) -> Result<ClientResult, McpError> {
    use rmcp::model::GetExtensions;
    if let Some(id) = within {
        request
            .extensions_mut()
            .insert(OriginatingRequestId(id.clone()));
    }
    let handle = client
        .send_request_with_option(request, PeerRequestOptions::no_options())
        .await
        .map_err(|e| {
            McpError::internal_error(format!("the client could not be asked: {e}"), None)
        })?;
    handle.await_response().await.map_err(|e| match e {
        rmcp::ServiceError::McpError(data) => data,
        other => McpError::internal_error(format!("the client did not answer: {other}"), None),
    })
}

pub(crate) async fn create_message(
    session: u64,
    params: CreateMessageRequestParams,
    context: RequestContext<RoleClient>,
) -> Result<CreateMessageResult, McpError> {
    let (origin, offers) = call_of(session, &context, "sampling", |c| c.sampling.is_some()).await?;
    if !offers {
        return Err(McpError::invalid_request(
            "the client of this Patchbay portal does not offer sampling (it declared no sampling capability), so the server's request was declined",
            None,
        ));
    }
    match ask(
        &origin,
        ServerRequest::CreateMessageRequest(CreateMessageRequest::new(params)),
    )
    .await?
    {
        ClientResult::CreateMessageResult(result) => Ok(*result),
        _ => Err(McpError::internal_error(
            "the client answered sampling with something else",
            None,
        )),
    }
}

pub(crate) async fn create_elicitation(
    session: u64,
    params: ElicitRequestParams,
    context: RequestContext<RoleClient>,
) -> Result<ElicitResult, McpError> {
    let (origin, offers) = call_of(session, &context, "input (elicitation)", |c| {
        c.elicitation.is_some()
    })
    .await?;
    if !offers {
        tracing::info!("a client without elicitation was asked for input: declined for it");
        return Ok(ElicitResult::new(ElicitationAction::Decline));
    }
    match ask(
        &origin,
        ServerRequest::ElicitRequest(ElicitRequest::new(params)),
    )
    .await?
    {
        ClientResult::ElicitResult(result) => Ok(result),
        _ => Err(McpError::internal_error(
            "the client answered elicitation with something else",
            None,
        )),
    }
}
