//! The requests a server makes of its client during a call a portal forwards (sampling,
//! elicitation), asked of the client that made the call, on that call's stream. A client that
//! did not declare the capability is not asked: sampling gets an error that says why, an
//! elicitation is declined.
#![allow(deprecated)] // sampling is deprecated by SEP-2577; initialize-era servers use it

use rmcp::ErrorData as McpError;
use rmcp::model::{
    ClientResult, CreateMessageRequest, CreateMessageRequestParams, CreateMessageResult,
    ElicitRequest, ElicitRequestParams, ElicitResult, ElicitationAction, ServerRequest,
};
use rmcp::service::{
    InboundStreamOrigin, OriginatingRequestId, PeerRequestOptions, RequestContext, RoleClient,
};

use super::relayed_calls::{CallOrigin, origin_of};

async fn origin(session: u64, context: &RequestContext<RoleClient>) -> Option<CallOrigin> {
    match context.extensions.get::<InboundStreamOrigin>() {
        Some(InboundStreamOrigin::OutboundRequest(id)) => origin_of(session, id).await,
        _ => None,
    }
}

fn nobody(what: &str) -> McpError {
    McpError::invalid_request(
        format!(
            "the server asked for {what} outside of a call a client made through Patchbay; there is nobody to ask"
        ),
        None,
    )
}

/// Sends `request` to the call's client on the call's own stream, and waits for its answer.
async fn ask(origin: &CallOrigin, mut request: ServerRequest) -> Result<ClientResult, McpError> {
    use rmcp::model::GetExtensions;
    request
        .extensions_mut()
        .insert(OriginatingRequestId(origin.request.clone()));
    let handle = origin
        .client
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
    let Some(origin) = origin(session, &context).await else {
        return Err(nobody("sampling"));
    };
    let offers = origin
        .client
        .peer_info()
        .is_some_and(|info| info.capabilities.sampling.is_some());
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
    let Some(origin) = origin(session, &context).await else {
        return Err(nobody("input (elicitation)"));
    };
    let offers = origin
        .client
        .peer_info()
        .is_some_and(|info| info.capabilities.elicitation.is_some());
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
