//! The bridge's link to the gateway, kept up while a client's session is open: a token the
//! gateway refuses is read from the keyring again (rotated in the app or by the CLI meanwhile),
//! and a gateway that is gone (stopped, or restarted after an upgrade) is started again. Either
//! way the request is sent once more, and the client's session goes on (a new gateway does not
//! know the session: rmcp opens a new one and resends).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
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
/// Starts the gateway again; whether it runs now.
pub(crate) type Restart = Arc<dyn Fn() -> BoxFuture<'static, bool> + Send + Sync>;

#[derive(Clone)]
pub(crate) struct GatewayLink<C> {
    inner: C,
    token: Arc<Mutex<Option<Secret>>>,
    reload: Reload,
    restart: Restart,
}

/// The gateway did not take the connection: nothing listens there any more.
fn gone<E: std::error::Error + Send + Sync + 'static>(error: &StreamableHttpError<E>) -> bool {
    let StreamableHttpError::Client(e) = error else {
        return false;
    };
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::ConnectionRefused
        {
            return true;
        }
        source = err.source();
    }
    false
}

impl<C> GatewayLink<C> {
    pub fn new(inner: C, token: Option<Secret>, reload: Reload, restart: Restart) -> Self {
        GatewayLink {
            inner,
            token: Arc::new(Mutex::new(token)),
            reload,
            restart,
        }
    }

    fn current(&self) -> Option<String> {
        lock(&self.token).as_ref().map(|t| t.expose().to_string())
    }

    /// `call` with the current token; once more when the gateway refused the token and the
    /// keyring holds another one, or (`restart`) when the gateway was gone and runs again. Only
    /// a client's request restarts it: an idle session's event stream does not, so `gateway
    /// stop` stops it until a client asks for something.
    async fn authorized<T, E, F, Fut>(
        &self,
        restart: bool,
        call: F,
    ) -> Result<T, StreamableHttpError<E>>
    where
        E: std::error::Error + Send + Sync + 'static,
        F: Fn(Option<String>) -> Fut,
        Fut: std::future::Future<Output = Result<T, StreamableHttpError<E>>>,
    {
        let (mut renewed, mut restarted) = (false, false);
        loop {
            let result = call(self.current()).await;
            match &result {
                Err(StreamableHttpError::AuthRequired(_)) if !renewed => {
                    renewed = true;
                    if !self.renew().await {
                        return result;
                    }
                }
                Err(e) if restart && !restarted && gone(e) => {
                    restarted = true;
                    tracing::info!("the gateway is gone; starting it again");
                    if !(self.restart)().await {
                        return result;
                    }
                }
                _ => return result,
            }
        }
    }

    /// After a refusal: takes the token the keyring holds now; whether it is another one.
    async fn renew(&self) -> bool {
        let reload = Arc::clone(&self.reload);
        let Ok(Some(fresh)) = tokio::task::spawn_blocking(move || reload()).await else {
            return false;
        };
        let mut kept = lock(&self.token);
        if kept.as_ref() == Some(&fresh) {
            return false;
        }
        *kept = Some(fresh);
        true
    }
}

type PostResult<E> = Result<StreamableHttpPostResponse, StreamableHttpError<E>>;
type StreamResult<E> = Result<BoxStream<'static, Result<Sse, SseError>>, StreamableHttpError<E>>;

impl<C> StreamableHttpClient for GatewayLink<C>
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
        self.authorized(true, |token| {
            self.inner.post_message(
                Arc::clone(&uri),
                message.clone(),
                session_id.clone(),
                token,
                custom_headers.clone(),
            )
        })
        .await
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
        self.authorized(true, |token| {
            self.inner.post_message_with_max_sse_event_size(
                Arc::clone(&uri),
                message.clone(),
                session_id.clone(),
                token,
                custom_headers.clone(),
                max_sse_event_size,
            )
        })
        .await
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
        self.authorized(false, |token| {
            self.inner.get_stream_with_max_sse_event_size(
                Arc::clone(&uri),
                session_id.clone(),
                last_event_id.clone(),
                token,
                custom_headers.clone(),
                max_sse_event_size,
            )
        })
        .await
    }
}
