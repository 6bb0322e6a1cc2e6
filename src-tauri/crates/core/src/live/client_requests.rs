//! The requests a server makes of its client during a call a portal forwards (sampling,
//! elicitation, roots), asked of the client that made the call, on that call's stream — or,
//! for a 2026-07-28 client, which takes no requests, handed to the call to become an
//! `input_required` answer (`tool_call_rounds`). A client that did not declare the capability
//! is not asked: sampling gets an error that says why, an elicitation is declined, roots are
//! none.
#![allow(deprecated)] // sampling and roots: SEP-2577 deprecates them; initialize-era servers use them

use rmcp::ErrorData as McpError;
use rmcp::model::{
    ClientCapabilities, ClientResult, CreateMessageRequest, CreateMessageRequestParams,
    CreateMessageResult, ElicitRequest, ElicitRequestParams, ElicitResult, ElicitationAction,
    InputRequest, ListRootsResult, RequestId, ServerRequest,
};
use rmcp::service::{
    InboundStreamOrigin, OriginatingRequestId, Peer, PeerRequestOptions, RequestContext,
    RoleClient, RoleServer,
};
use tokio::sync::oneshot;

use super::relayed_calls::{CallOrigin, origin_of, sole_origin};
use super::tool_call_rounds::Ask;
use crate::gateway::CallOutcome;

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

fn offers(capabilities: Option<&ClientCapabilities>, request: &InputRequest) -> bool {
    capabilities.is_some_and(|c| match request {
        InputRequest::CreateMessage(_) => c.sampling.is_some(),
        InputRequest::Elicitation(_) => c.elicitation.is_some(),
        InputRequest::ListRoots(_) => c.roots.is_some(),
        _ => false,
    })
}

fn as_server_request(request: InputRequest) -> Option<ServerRequest> {
    Some(match request {
        InputRequest::CreateMessage(r) => ServerRequest::CreateMessageRequest(r),
        InputRequest::Elicitation(r) => ServerRequest::ElicitRequest(r),
        InputRequest::ListRoots(r) => ServerRequest::ListRootsRequest(r),
        _ => return None,
    })
}

fn method_of(request: &InputRequest) -> &'static str {
    match request {
        InputRequest::CreateMessage(_) => "sampling/createMessage",
        InputRequest::ListRoots(_) => "roots/list",
        _ => "elicitation/create",
    }
}

/// What the call's client answers `request`, in either era; when it declared no such
/// capability, what the user answers in the Patchbay window (elicitation, the window open), else
/// what Patchbay answers for it. Each is noted in the call's log.
pub(crate) async fn answer_for(
    origin: &CallOrigin,
    request: InputRequest,
) -> Result<ClientResult, McpError> {
    let started = std::time::Instant::now();
    let method = method_of(&request);
    let offered = offers(origin.capabilities.as_ref(), &request);
    let (answer, how) = if offered {
        (asked(origin, request).await, CallOutcome::Ok)
    } else if let (Some(window), InputRequest::Elicitation(ask)) = (&origin.window, &request)
        && let Some(answer) = window.ask(&ask.params).await
    {
        (
            Ok(ClientResult::ElicitResult(answer)),
            CallOutcome::AskedInWindow,
        )
    } else {
        (answered_for_client(request), CallOutcome::AnsweredForClient)
    };
    if let Some(log) = &origin.log {
        let outcome = match &answer {
            Err(_) if offered => CallOutcome::Error,
            _ => how,
        };
        let error = answer.as_ref().err().map(|e| e.message.to_string());
        log(method, outcome, started.elapsed(), error);
    }
    answer
}

/// Patchbay's answer for a client that does not offer what the server asks.
fn answered_for_client(request: InputRequest) -> Result<ClientResult, McpError> {
    match request {
        InputRequest::CreateMessage(_) => Err(McpError::invalid_request(
            "the client of this Patchbay portal does not offer sampling (it declared no sampling capability), so the server's request was declined",
            None,
        )),
        InputRequest::ListRoots(_) => Ok(ClientResult::ListRootsResult(ListRootsResult::default())),
        _ => {
            tracing::info!("a client without elicitation was asked for input: declined for it");
            Ok(ClientResult::ElicitResult(ElicitResult::new(
                ElicitationAction::Decline,
            )))
        }
    }
}

async fn asked(origin: &CallOrigin, request: InputRequest) -> Result<ClientResult, McpError> {
    if let Some(asks) = &origin.asks {
        return ask_in_rounds(asks, request).await;
    }
    let request = as_server_request(request)
        .ok_or_else(|| McpError::invalid_request("a request Patchbay does not relay", None))?;
    ask_client(&origin.client, Some(&origin.request), request).await
}

/// A 2026-07-28 client's answer, which comes with its retry of the call.
async fn ask_in_rounds(
    asks: &tokio::sync::mpsc::UnboundedSender<Ask>,
    request: InputRequest,
) -> Result<ClientResult, McpError> {
    let parse = |e: serde_json::Error| {
        McpError::invalid_params(format!("the client's answer does not parse: {e}"), None)
    };
    let read: fn(serde_json::Value) -> Result<ClientResult, serde_json::Error> = match &request {
        InputRequest::CreateMessage(_) => {
            |v| serde_json::from_value(v).map(|r| ClientResult::CreateMessageResult(Box::new(r)))
        }
        InputRequest::ListRoots(_) => {
            |v| serde_json::from_value(v).map(ClientResult::ListRootsResult)
        }
        _ => |v| serde_json::from_value(v).map(ClientResult::ElicitResult),
    };
    let (answer, answered) = oneshot::channel();
    asks.send(Ask { request, answer }).map_err(|_| {
        McpError::internal_error("the client's call ended before it could be asked", None)
    })?;
    let value = answered.await.map_err(|_| {
        McpError::internal_error(
            "the client did not answer: its call ended, or it retried without the answer",
            None,
        )
    })??;
    read(value).map_err(parse)
}

/// The call a server's request belongs to, or the error that there is none.
async fn call_of(
    session: u64,
    context: &RequestContext<RoleClient>,
    what: &str,
) -> Result<CallOrigin, McpError> {
    within_call(session, context).await.ok_or_else(|| {
        McpError::invalid_request(
            format!(
                "the server asked for {what} outside of a call a client made through Patchbay; there is nobody to ask"
            ),
            None,
        )
    })
}

pub(crate) async fn create_message(
    session: u64,
    params: CreateMessageRequestParams,
    context: RequestContext<RoleClient>,
) -> Result<CreateMessageResult, McpError> {
    let origin = call_of(session, &context, "sampling").await?;
    let request = InputRequest::CreateMessage(CreateMessageRequest::new(params));
    match answer_for(&origin, request).await? {
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
    let origin = call_of(session, &context, "input (elicitation)").await?;
    match answer_for(
        &origin,
        InputRequest::Elicitation(ElicitRequest::new(params)),
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
