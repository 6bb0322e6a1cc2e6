//! `prompts/get` and `resources/read` of a 2026-07-28 server may answer `input_required`
//! (MRTR) as a tool call may. An `initialize`-era client cannot read that answer: it is asked
//! each input request in its own era (on the request's stream), and the request is sent again
//! with its answers, as for tool calls (`tool_call_rounds`). A 2026-07-28 client gets the
//! server's answer as it is and retries by itself.

use rmcp::ErrorData as McpError;
use rmcp::ServiceError;
use rmcp::model::{
    GetPromptRequestParams, GetPromptResponse, InputRequiredResult, InputResponses,
    ReadResourceRequestParams, ReadResourceResponse,
};

use super::relayed_calls::CallOrigin;
use super::tool_call_rounds::fulfil;

const MAX_ROUNDS: usize = rmcp::model::DEFAULT_MRTR_MAX_ROUNDS;

/// A request that can be sent again with the answers to what its server asked.
pub(crate) trait Retried: Clone {
    type Response;
    fn asked(response: &Self::Response) -> Option<&InputRequiredResult>;
    fn answer(&mut self, responses: InputResponses, state: Option<String>);
}

impl Retried for GetPromptRequestParams {
    type Response = GetPromptResponse;
    fn asked(response: &GetPromptResponse) -> Option<&InputRequiredResult> {
        match response {
            GetPromptResponse::InputRequired(asked) => Some(asked),
            _ => None,
        }
    }
    fn answer(&mut self, responses: InputResponses, state: Option<String>) {
        self.input_responses = Some(responses);
        self.request_state = state;
    }
}

impl Retried for ReadResourceRequestParams {
    type Response = ReadResourceResponse;
    fn asked(response: &ReadResourceResponse) -> Option<&InputRequiredResult> {
        match response {
            ReadResourceResponse::InputRequired(asked) => Some(asked),
            _ => None,
        }
    }
    fn answer(&mut self, responses: InputResponses, state: Option<String>) {
        self.input_responses = Some(responses);
        self.request_state = state;
    }
}

/// The server's answer to `params`, for the client of `origin` in its era.
pub(crate) async fn answered<P: Retried>(
    origin: &CallOrigin,
    mut params: P,
    send: impl AsyncFn(P) -> Result<P::Response, ServiceError>,
) -> Result<P::Response, ServiceError> {
    if origin.modern {
        return send(params).await;
    }
    for _ in 0..MAX_ROUNDS {
        let response = send(params.clone()).await?;
        let Some(asked) = P::asked(&response).cloned() else {
            return Ok(response);
        };
        let answers = fulfil(origin, asked.input_requests).await?;
        params.answer(answers, asked.request_state);
    }
    Err(ServiceError::McpError(McpError::internal_error(
        format!("the server asked for input {MAX_ROUNDS} times in a row; the request was given up"),
        None,
    )))
}
