//! The bridge's bearer token, read from the keyring again when the gateway refuses it: a
//! token rotated while a client's session is open (in the app, or by the CLI) takes effect on
//! the next request instead of ending the client's session.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures::stream::BoxStream;
use http::{HeaderName, HeaderValue};
use rmcp::model::ClientJsonRpcMessage;
use rmcp::transport::streamable_http_client::{
    SseError, StreamableHttpClient, StreamableHttpError, StreamableHttpPostResponse,
};
use sse_stream::Sse;

use crate::{Secret, lock};

/// Reads the portal's current token (blocking: the keyring).
pub(crate) type Reload = Arc<dyn Fn() -> Option<Secret> + Send + Sync>;

#[derive(Clone)]
pub(crate) struct KeyringToken<C> {
    inner: C,
    token: Arc<Mutex<Option<Secret>>>,
    reload: Reload,
}

impl<C> KeyringToken<C> {
    pub fn new(inner: C, token: Option<Secret>, reload: Reload) -> Self {
        KeyringToken {
            inner,
            token: Arc::new(Mutex::new(token)),
            reload,
        }
    }

    fn current(&self) -> Option<String> {
        lock(&self.token).as_ref().map(|t| t.expose().to_string())
    }

    /// After a refusal: the token the keyring holds now, if it is another one.
    async fn renewed(&self) -> Option<String> {
        let reload = Arc::clone(&self.reload);
        let fresh = tokio::task::spawn_blocking(move || reload()).await.ok()??;
        let mut kept = lock(&self.token);
        if kept.as_ref() == Some(&fresh) {
            return None;
        }
        let value = fresh.expose().to_string();
        *kept = Some(fresh);
        Some(value)
    }
}

fn refused<T, E: std::error::Error + Send + Sync + 'static>(
    result: &Result<T, StreamableHttpError<E>>,
) -> bool {
    matches!(result, Err(StreamableHttpError::AuthRequired(_)))
}

type PostResult<E> = Result<StreamableHttpPostResponse, StreamableHttpError<E>>;
type StreamResult<E> = Result<BoxStream<'static, Result<Sse, SseError>>, StreamableHttpError<E>>;

impl<C> StreamableHttpClient for KeyringToken<C>
where
    C: StreamableHttpClient + Sync,
{
    type Error = C::Error;

    async fn post_message(
        &self,
        uri: Arc<str>,
        message: ClientJsonRpcMessage,
        session_id: Option<Arc<str>>,
        _auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
    ) -> PostResult<Self::Error> {
        let first = self
            .inner
            .post_message(
                Arc::clone(&uri),
                message.clone(),
                session_id.clone(),
                self.current(),
                custom_headers.clone(),
            )
            .await;
        if !refused(&first) {
            return first;
        }
        match self.renewed().await {
            Some(token) => {
                self.inner
                    .post_message(uri, message, session_id, Some(token), custom_headers)
                    .await
            }
            None => first,
        }
    }

    async fn post_message_with_max_sse_event_size(
        &self,
        uri: Arc<str>,
        message: ClientJsonRpcMessage,
        session_id: Option<Arc<str>>,
        _auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
        max_sse_event_size: usize,
    ) -> PostResult<Self::Error> {
        let first = self
            .inner
            .post_message_with_max_sse_event_size(
                Arc::clone(&uri),
                message.clone(),
                session_id.clone(),
                self.current(),
                custom_headers.clone(),
                max_sse_event_size,
            )
            .await;
        if !refused(&first) {
            return first;
        }
        match self.renewed().await {
            Some(token) => {
                self.inner
                    .post_message_with_max_sse_event_size(
                        uri,
                        message,
                        session_id,
                        Some(token),
                        custom_headers,
                        max_sse_event_size,
                    )
                    .await
            }
            None => first,
        }
    }

    async fn delete_session(
        &self,
        uri: Arc<str>,
        session_id: Arc<str>,
        _auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
    ) -> Result<(), StreamableHttpError<Self::Error>> {
        self.inner
            .delete_session(uri, session_id, self.current(), custom_headers)
            .await
    }

    async fn get_stream(
        &self,
        uri: Arc<str>,
        session_id: Option<Arc<str>>,
        last_event_id: Option<String>,
        _auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
    ) -> StreamResult<Self::Error> {
        self.inner
            .get_stream(
                uri,
                session_id,
                last_event_id,
                self.current(),
                custom_headers,
            )
            .await
    }

    async fn get_stream_with_max_sse_event_size(
        &self,
        uri: Arc<str>,
        session_id: Option<Arc<str>>,
        last_event_id: Option<String>,
        _auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
        max_sse_event_size: usize,
    ) -> StreamResult<Self::Error> {
        let first = self
            .inner
            .get_stream_with_max_sse_event_size(
                Arc::clone(&uri),
                session_id.clone(),
                last_event_id.clone(),
                self.current(),
                custom_headers.clone(),
                max_sse_event_size,
            )
            .await;
        if !refused(&first) {
            return first;
        }
        match self.renewed().await {
            Some(token) => {
                self.inner
                    .get_stream_with_max_sse_event_size(
                        uri,
                        session_id,
                        last_event_id,
                        Some(token),
                        custom_headers,
                        max_sse_event_size,
                    )
                    .await
            }
            None => first,
        }
    }
}
