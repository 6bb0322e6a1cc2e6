//! A tool call a portal relays, round by round. The two protocol eras ask for input during a
//! call differently: an `initialize`-era server sends requests (sampling, elicitation, roots)
//! while the call runs; a 2026-07-28 server answers `input_required` with `inputRequests` and
//! takes the answers on the client's retry (MRTR, SEP-2322). Each side gets its own era:
//! - a 2026-07-28 server's `input_required` reaches a 2026-07-28 client as it is; an older
//!   client is asked each request on the call's stream, and the call is retried with its
//!   answers (at most `MAX_ROUNDS` times);
//! - an older server's requests reach an older client as they are; for a 2026-07-28 client
//!   the call is parked, the client gets `input_required` with the requests, and its retry
//!   (naming the parked call in `requestState`) answers them and resumes the call.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use futures::future::BoxFuture;
use rmcp::ErrorData as McpError;
use rmcp::ServiceError;
use rmcp::model::{
    CallToolRequest, CallToolRequestParams, CallToolResponse, ClientRequest, ClientResult,
    InputRequest, InputRequests, InputRequiredResult, InputResponses, ProgressToken, ServerResult,
};
use rmcp::service::PeerRequestOptions;
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

use super::client_requests::answer_for;
use super::connect::Session;
use super::relayed_calls::{
    CallOrigin, CallRoute, CancelOnDrop, ProgressRoute, key as progress_key, request_key,
};

const MAX_ROUNDS: usize = rmcp::model::DEFAULT_MRTR_MAX_ROUNDS;
/// How long a parked call waits for its client's retry.
const PARKED_FOR: Duration = Duration::from_secs(600);
/// What a `requestState` naming a parked call starts with.
const PARKED_STATE: &str = "patchbay-parked:";

/// A request an `initialize`-era server made during a 2026-07-28 client's call, and where its
/// answer goes.
pub(crate) struct Ask {
    pub request: InputRequest,
    pub answer: oneshot::Sender<Result<Value, McpError>>,
}

/// One upstream request and what it holds open while it runs.
struct Round {
    response: BoxFuture<'static, Result<ServerResult, ServiceError>>,
    asks: Option<mpsc::UnboundedReceiver<Ask>>,
    _call: CallRoute,
    progress: Option<ProgressRoute>,
    cancel: CancelOnDrop,
}

/// A call waiting for a 2026-07-28 client's answers.
struct Parked {
    scope: String,
    round: Round,
    waiting: BTreeMap<String, oneshot::Sender<Result<Value, McpError>>>,
}

fn parked() -> &'static Mutex<HashMap<String, Parked>> {
    static PARKED: OnceLock<Mutex<HashMap<String, Parked>>> = OnceLock::new();
    PARKED.get_or_init(Mutex::default)
}

/// `tools/call` on `session` for the client of `origin`: the server's progress reports go to
/// it under `progress_token`, the server's requests during the call go to it (in its era).
pub(crate) async fn call_tool(
    session: &Session,
    mut params: CallToolRequestParams,
    mut origin: CallOrigin,
    progress_token: Option<ProgressToken>,
) -> Result<CallToolResponse, ServiceError> {
    if let Some(id) = params
        .request_state
        .as_deref()
        .and_then(|s| s.strip_prefix(PARKED_STATE))
    {
        let mut call = take_parked(id, &origin.scope)?;
        for (key, value) in params.input_responses.take().unwrap_or_default() {
            if let Some(waiting) = call.waiting.remove(&key) {
                let _ = waiting.send(Ok(value));
            }
        }
        // A request the retry left unanswered is refused, so the server is not kept waiting.
        for (_, waiting) in std::mem::take(&mut call.waiting) {
            let _ = waiting.send(Err(McpError::invalid_params(
                "the client retried without answering this request",
                None,
            )));
        }
        return finish(call.round, &origin.scope).await;
    }
    for _ in 0..MAX_ROUNDS {
        let asks = if origin.modern {
            let (tx, rx) = mpsc::unbounded_channel();
            origin.asks = Some(tx);
            Some(rx)
        } else {
            None
        };
        let round = send(
            session,
            params.clone(),
            &origin,
            progress_token.clone(),
            asks,
        )
        .await?;
        match finish(round, &origin.scope).await? {
            CallToolResponse::InputRequired(asked) if !origin.modern => {
                params.input_responses = Some(fulfil(&origin, asked.input_requests).await?);
                params.request_state = asked.request_state;
            }
            other => return Ok(other),
        }
    }
    Err(ServiceError::McpError(McpError::internal_error(
        format!("the server asked for input {MAX_ROUNDS} times in a row; the call was given up"),
        None,
    )))
}

async fn send(
    session: &Session,
    params: CallToolRequestParams,
    origin: &CallOrigin,
    progress_token: Option<ProgressToken>,
    asks: Option<mpsc::UnboundedReceiver<Ask>>,
) -> Result<Round, ServiceError> {
    let peer = session.service.peer();
    let request = ClientRequest::CallToolRequest(CallToolRequest::new(params));
    let handle = peer
        .send_request_with_option(request, PeerRequestOptions::no_options())
        .await?;
    let session_key = session.service.service().session_key();
    let call = CallRoute::open(request_key(session_key, &handle.id), origin.clone());
    let progress = progress_token.map(|token| {
        ProgressRoute::open(
            progress_key(session_key, &handle.progress_token),
            origin.client.clone(),
            token,
        )
    });
    let cancel = CancelOnDrop {
        peer: peer.clone(),
        id: Some(handle.id.clone()),
    };
    Ok(Round {
        response: Box::pin(handle.await_response()),
        asks,
        _call: call,
        progress,
        cancel,
    })
}

/// The round's answer; or, when the server asks the (2026-07-28) client for something first,
/// the round parked and `input_required` with what it asks.
async fn finish(mut round: Round, scope: &str) -> Result<CallToolResponse, ServiceError> {
    let asked = match round.asks.as_mut() {
        Some(asks) => tokio::select! {
            result = &mut round.response => Err(result),
            ask = asks.recv() => Ok(ask),
        },
        None => Err((&mut round.response).await),
    };
    let first = match asked {
        Ok(Some(ask)) => ask,
        // No more asks can come (the call's routes closed): wait for the answer.
        Ok(None) => return answered((&mut round.response).await, round).await,
        Err(result) => return answered(result, round).await,
    };
    let mut asks = vec![first];
    if let Some(more) = round.asks.as_mut() {
        while let Ok(ask) = more.try_recv() {
            asks.push(ask);
        }
    }
    let mut requests = InputRequests::new();
    let mut waiting = BTreeMap::new();
    for (n, ask) in asks.into_iter().enumerate() {
        let key = format!("patchbay-{n}");
        requests.insert(key.clone(), ask.request);
        waiting.insert(key, ask.answer);
    }
    let id = uuid::Uuid::new_v4().simple().to_string();
    crate::lock(parked()).insert(
        id.clone(),
        Parked {
            scope: scope.to_string(),
            round,
            waiting,
        },
    );
    // A client that never retries does not hold the server's call for ever.
    let expiring = id.clone();
    tokio::spawn(async move {
        tokio::time::sleep(PARKED_FOR).await;
        crate::lock(parked()).remove(&expiring);
    });
    Ok(CallToolResponse::InputRequired(InputRequiredResult::new(
        Some(requests),
        Some(format!("{PARKED_STATE}{id}")),
    )))
}

async fn answered(
    result: Result<ServerResult, ServiceError>,
    mut round: Round,
) -> Result<CallToolResponse, ServiceError> {
    round.cancel.id = None;
    if let Some(progress) = &round.progress {
        progress.settle().await;
    }
    match result? {
        ServerResult::CallToolResult(result) => Ok(CallToolResponse::Complete(result)),
        ServerResult::InputRequiredResult(result) => Ok(CallToolResponse::InputRequired(result)),
        ServerResult::CreateTaskResult(result) => Ok(CallToolResponse::Task(result)),
        _ => Err(ServiceError::UnexpectedResponse),
    }
}

fn take_parked(id: &str, scope: &str) -> Result<Parked, ServiceError> {
    let mut all = crate::lock(parked());
    match all.remove(id) {
        Some(call) if call.scope == scope => Ok(call),
        other => {
            if let Some(call) = other {
                all.insert(id.to_string(), call); // another portal's: left alone
            }
            Err(ServiceError::McpError(McpError::invalid_params(
                "the requestState names no call this portal holds (it ended, or waited more than 10 minutes for the answers); make the call again",
                None,
            )))
        }
    }
}

/// An older client's answers to a 2026-07-28 server's input requests, asked one by one on the
/// call's stream.
pub(crate) async fn fulfil(
    origin: &CallOrigin,
    requests: Option<InputRequests>,
) -> Result<InputResponses, ServiceError> {
    let mut responses = InputResponses::new();
    for (key, request) in requests.unwrap_or_default() {
        let answer = answer_for(origin, request)
            .await
            .map_err(ServiceError::McpError)?;
        let value = match answer {
            ClientResult::CreateMessageResult(r) => serde_json::to_value(r),
            ClientResult::ElicitResult(r) => serde_json::to_value(r),
            ClientResult::ListRootsResult(r) => serde_json::to_value(r),
            _ => return Err(ServiceError::UnexpectedResponse),
        }
        .map_err(|e| {
            ServiceError::McpError(McpError::internal_error(
                format!("cannot encode the client's answer: {e}"),
                None,
            ))
        })?;
        responses.insert(key, value);
    }
    Ok(responses)
}
