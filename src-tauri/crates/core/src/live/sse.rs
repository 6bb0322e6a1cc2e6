//! The legacy HTTP+SSE transport (MCP 2024-11-05), which rmcp no longer ships: a GET opens an
//! event stream whose first `endpoint` event names the URL that takes our POSTs; the server's
//! messages arrive as `message` events on that stream.

use std::borrow::Cow;
use std::future::Future;

use futures::StreamExt;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue};
use rmcp::RoleClient;
use rmcp::service::{RxJsonRpcMessage, TxJsonRpcMessage};
use rmcp::transport::Transport;
use sse_stream::SseStream;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use url::Url;

#[derive(Debug, thiserror::Error)]
pub(crate) enum SseTransportError {
    #[error("{0}")]
    Http(#[from] reqwest::Error),
    #[error("the server answered HTTP {0}")]
    Status(u16),
    #[error("the server answered with {0:?} instead of an event stream")]
    NotEventStream(Option<String>),
    #[error("the event stream ended before it named the endpoint for messages")]
    NoEndpoint,
    #[error("the endpoint event named an unusable URL: {0}")]
    BadEndpoint(String),
    #[error("an event of the stream exceeded {0} bytes")]
    EventTooLarge(usize),
}

pub(crate) struct SseTransport {
    client: reqwest::Client,
    endpoint: Url,
    headers: HeaderMap,
    incoming: mpsc::Receiver<RxJsonRpcMessage<RoleClient>>,
    reader: JoinHandle<()>,
}

/// Counts the bytes since the last blank line, so that one endless event cannot fill memory.
fn bounded_events<S, E>(
    bytes: S,
    max_event: usize,
) -> impl futures::Stream<Item = Result<bytes::Bytes, std::io::Error>>
where
    S: futures::Stream<Item = Result<bytes::Bytes, E>>,
    E: std::error::Error + Send + Sync + 'static,
{
    let mut since_boundary = 0usize;
    let mut last = 0u8;
    bytes.map(move |chunk| {
        let chunk = chunk.map_err(std::io::Error::other)?;
        for &b in chunk.iter() {
            if b == b'\n' && last == b'\n' {
                since_boundary = 0;
            } else if b != b'\r' {
                since_boundary += 1;
            }
            if b != b'\r' {
                last = b;
            }
        }
        if since_boundary > max_event {
            return Err(std::io::Error::other(SseTransportError::EventTooLarge(
                max_event,
            )));
        }
        Ok(chunk)
    })
}

impl SseTransport {
    /// Opens the stream and waits for its `endpoint` event.
    pub async fn connect(
        client: reqwest::Client,
        sse_url: Url,
        headers: HeaderMap,
        max_event: usize,
    ) -> Result<Self, SseTransportError> {
        let response = client
            .get(sse_url.clone())
            .headers(headers.clone())
            .header(ACCEPT, HeaderValue::from_static("text/event-stream"))
            .send()
            .await?;
        if !response.status().is_success() {
            return Err(SseTransportError::Status(response.status().as_u16()));
        }
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if !content_type
            .as_deref()
            .is_some_and(|ct| ct.starts_with("text/event-stream"))
        {
            return Err(SseTransportError::NotEventStream(content_type));
        }
        let mut events =
            SseStream::from_bytes_stream(bounded_events(response.bytes_stream(), max_event))
                .boxed();
        let endpoint = loop {
            match events.next().await {
                None => return Err(SseTransportError::NoEndpoint),
                Some(Err(err)) => return Err(stream_error(err, max_event)),
                Some(Ok(event)) if event.event.as_deref() == Some("endpoint") => {
                    let data = event.data.unwrap_or_default();
                    let url = sse_url
                        .join(data.trim())
                        .map_err(|e| SseTransportError::BadEndpoint(format!("{data}: {e}")))?;
                    // The endpoint must stay on the server we were told to trust.
                    if url.origin() != sse_url.origin() {
                        return Err(SseTransportError::BadEndpoint(format!(
                            "{url} is on another origin than {sse_url}"
                        )));
                    }
                    break url;
                }
                Some(Ok(_)) => continue,
            }
        };
        let (tx, incoming) = mpsc::channel(32);
        let reader = tokio::spawn(async move {
            while let Some(Ok(event)) = events.next().await {
                if !matches!(event.event.as_deref(), None | Some("message")) {
                    continue;
                }
                let Some(data) = event.data else { continue };
                match serde_json::from_str::<RxJsonRpcMessage<RoleClient>>(&data) {
                    Ok(message) => {
                        if tx.send(message).await.is_err() {
                            break;
                        }
                    }
                    Err(err) => tracing::warn!(error = %err, "skipped an unreadable SSE message"),
                }
            }
        });
        Ok(SseTransport {
            client,
            endpoint,
            headers,
            incoming,
            reader,
        })
    }
}

fn stream_error(err: sse_stream::Error, max_event: usize) -> SseTransportError {
    let text = err.to_string();
    if text.contains("exceeded") {
        SseTransportError::EventTooLarge(max_event)
    } else {
        SseTransportError::BadEndpoint(format!("the event stream broke: {text}"))
    }
}

impl Transport<RoleClient> for SseTransport {
    type Error = SseTransportError;

    fn name() -> Cow<'static, str> {
        "legacy HTTP+SSE".into()
    }

    fn send(
        &mut self,
        item: TxJsonRpcMessage<RoleClient>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        let request = self
            .client
            .post(self.endpoint.clone())
            .headers(self.headers.clone())
            .json(&item);
        async move {
            let response = request.send().await?;
            if !response.status().is_success() {
                return Err(SseTransportError::Status(response.status().as_u16()));
            }
            Ok(())
        }
    }

    async fn receive(&mut self) -> Option<RxJsonRpcMessage<RoleClient>> {
        self.incoming.recv().await
    }

    async fn close(&mut self) -> Result<(), Self::Error> {
        self.reader.abort();
        Ok(())
    }
}

impl Drop for SseTransport {
    fn drop(&mut self) {
        self.reader.abort();
    }
}
