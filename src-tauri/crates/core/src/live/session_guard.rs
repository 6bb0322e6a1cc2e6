//! A Streamable HTTP client that turns a server's id-less JSON-RPC error into something the
//! session can act on. Some servers (npm server-everything among them) answer a request on a
//! session they no longer know — they restarted — with HTTP 400 and an error without an `id`.
//! rmcp cannot match that to the request, which then waits forever. Here it becomes "session
//! expired" (rmcp opens a new session and sends the request again, once), or, with no session,
//! an error that fails the request at once.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use futures::stream::BoxStream;
use http::{HeaderName, HeaderValue};
use rmcp::model::{JsonRpcError, ServerJsonRpcMessage};
use rmcp::transport::streamable_http_client::{
    SseError, StreamableHttpClient, StreamableHttpError, StreamableHttpPostResponse,
};
use sse_stream::Sse;

#[derive(Clone)]
pub(crate) struct SessionGuard<C>(pub C);

type PostResult<E> = Result<StreamableHttpPostResponse, StreamableHttpError<E>>;

fn guarded<E: std::error::Error + Send + Sync + 'static>(
    result: PostResult<E>,
    had_session: bool,
) -> PostResult<E> {
    match result {
        Ok(StreamableHttpPostResponse::Json(
            ServerJsonRpcMessage::Error(JsonRpcError {
                id: None, error, ..
            }),
            _,
        )) => Err(if had_session {
            tracing::debug!(message = %error.message, "the server refused the session; opening a new one");
            StreamableHttpError::SessionExpired
        } else {
            StreamableHttpError::UnexpectedServerResponse(Cow::Owned(format!(
                "the server refused the request: {}",
                error.message
            )))
        }),
        other => other,
    }
}

impl<C> StreamableHttpClient for SessionGuard<C>
where
    C: StreamableHttpClient + Sync,
{
    type Error = C::Error;

    async fn post_message(
        &self,
        uri: Arc<str>,
        message: rmcp::model::ClientJsonRpcMessage,
        session_id: Option<Arc<str>>,
        auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
    ) -> PostResult<Self::Error> {
        let had_session = session_id.is_some();
        let result = self
            .0
            .post_message(uri, message, session_id, auth_header, custom_headers)
            .await;
        guarded(result, had_session)
    }

    async fn post_message_with_max_sse_event_size(
        &self,
        uri: Arc<str>,
        message: rmcp::model::ClientJsonRpcMessage,
        session_id: Option<Arc<str>>,
        auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
        max_sse_event_size: usize,
    ) -> PostResult<Self::Error> {
        let had_session = session_id.is_some();
        let result = self
            .0
            .post_message_with_max_sse_event_size(
                uri,
                message,
                session_id,
                auth_header,
                custom_headers,
                max_sse_event_size,
            )
            .await;
        guarded(result, had_session)
    }

    async fn delete_session(
        &self,
        uri: Arc<str>,
        session_id: Arc<str>,
        auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
    ) -> Result<(), StreamableHttpError<Self::Error>> {
        self.0
            .delete_session(uri, session_id, auth_header, custom_headers)
            .await
    }

    async fn get_stream(
        &self,
        uri: Arc<str>,
        session_id: Option<Arc<str>>,
        last_event_id: Option<String>,
        auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
    ) -> Result<BoxStream<'static, Result<Sse, SseError>>, StreamableHttpError<Self::Error>> {
        self.0
            .get_stream(uri, session_id, last_event_id, auth_header, custom_headers)
            .await
    }

    async fn get_stream_with_max_sse_event_size(
        &self,
        uri: Arc<str>,
        session_id: Option<Arc<str>>,
        last_event_id: Option<String>,
        auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
        max_sse_event_size: usize,
    ) -> Result<BoxStream<'static, Result<Sse, SseError>>, StreamableHttpError<Self::Error>> {
        self.0
            .get_stream_with_max_sse_event_size(
                uri,
                session_id,
                last_event_id,
                auth_header,
                custom_headers,
                max_sse_event_size,
            )
            .await
    }
}
