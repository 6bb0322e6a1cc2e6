//! The HTTP clients Patchbay sends requests with.

use std::sync::OnceLock;
use std::time::Duration;

use crate::error::{Error, Result};

const USER_AGENT: &str = concat!("patchbay/", env!("CARGO_PKG_VERSION"));

/// How long an idle connection is kept for reuse: under the 5 s after which Node's and
/// uvicorn's servers close an idle keep-alive connection. Reusing one the server is closing
/// sends the request into a reset (seen through a portal, once an hour on an idle machine:
/// "Connection reset by peer", a failed call and a lost upstream session); reqwest's default
/// keeps it 90 s.
/// Node's own client (undici) keeps idle connections 4 s for the same reason.
const IDLE_CONNECTION_KEPT: Duration = Duration::from_secs(4);

/// One HTTP client for every session: connections and TLS sessions are reused across a sync
/// of many servers. No overall request timeout: a response may be a long event stream, and
/// every operation is bounded by its own deadline instead.
pub(crate) fn http_client() -> Result<reqwest::Client> {
    static CLIENT: OnceLock<Result<reqwest::Client>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            install_tls_provider();
            reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(10))
                .pool_idle_timeout(IDLE_CONNECTION_KEPT)
                .redirect(same_origin_redirects())
                .user_agent(USER_AGENT)
                .build()
                .map_err(|e| Error::internal(format!("cannot set up HTTP: {e}")))
        })
        .clone()
}

/// For the one OAuth request Patchbay makes itself (revocation): no redirect is followed, so
/// a token never reaches a host it was not meant for, and the whole request is bounded.
pub(crate) fn no_redirect_client() -> Result<reqwest::Client> {
    install_tls_provider();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .user_agent(USER_AGENT)
        .build()
        .map_err(|e| Error::internal(format!("cannot set up HTTP: {e}")))
}

/// rustls needs one process-wide crypto provider; rmcp's own OAuth client relies on it too.
/// Installing twice is harmless (the second call reports the first one stays).
fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Redirects are followed only within the origin the request went to (so never from https to
/// http). reqwest drops `Authorization` when a redirect changes host, but not a custom header
/// such as `X-API-Key`: across origins the request stops at the redirect instead.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let first = attempt.previous().first().map(|u| u.origin());
        if attempt.previous().len() > 10 {
            attempt.error("more than 10 redirects")
        } else if first.is_some_and(|origin| origin != attempt.url().origin()) {
            let to = attempt.url().origin().ascii_serialization();
            attempt.error(format!(
                "the server redirected to another origin ({to}); Patchbay sends no credential across origins: use that address if you trust it"
            ))
        } else {
            attempt.follow()
        }
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;

    /// A keep-alive HTTP/1.1 server that never closes a connection itself and counts the
    /// connections it accepted.
    async fn counting_server() -> (String, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}/", listener.local_addr().unwrap());
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = accepted.clone();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut buf = [0u8; 1024];
                    while let Ok(n @ 1..) = stream.read(&mut buf).await {
                        request.extend_from_slice(&buf[..n]);
                        if request.windows(4).any(|w| w == b"\r\n\r\n") {
                            request.clear();
                            let answer = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";
                            if stream.write_all(answer).await.is_err() {
                                return;
                            }
                        }
                    }
                });
            }
        });
        (address, accepted)
    }

    async fn get(client: &reqwest::Client, url: &str) {
        let body = client.get(url).send().await.unwrap().text().await.unwrap();
        assert_eq!(body, "ok");
    }

    #[tokio::test]
    async fn a_connection_is_reused_only_while_servers_still_keep_it() {
        let (url, accepted) = counting_server().await;
        let client = http_client().unwrap();
        get(&client, &url).await;
        get(&client, &url).await;
        assert_eq!(
            accepted.load(Ordering::SeqCst),
            1,
            "back-to-back requests share a connection"
        );
        // The idle time is what is tested here, not a wait for some state.
        tokio::time::sleep(IDLE_CONNECTION_KEPT + Duration::from_millis(500)).await;
        get(&client, &url).await;
        assert_eq!(
            accepted.load(Ordering::SeqCst),
            2,
            "a connection idle past what servers keep is not reused"
        );
    }
}
