//! The loopback redirect target of the browser step: `http://127.0.0.1:<port>/callback`.
//! It answers every request with a small page and hands back the first callback whose
//! `state` is the one we sent; a wrong or missing state gets an error page and is ignored,
//! so a stray or forged request cannot end (or hijack) the authorization.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::error::{Error, ErrorCode, Result};

pub(crate) struct Callback {
    listener: TcpListener,
    pub port: u16,
}

/// What the authorization server sent back.
pub(crate) struct Answer {
    pub code: String,
    pub state: String,
    /// RFC 9207: the issuer the authorization server says answered, checked against the
    /// one discovery found.
    pub issuer: Option<String>,
}

impl Callback {
    /// Binds `preferred` (the port an earlier registration names) when free, else any port.
    pub async fn bind(preferred: Option<u16>) -> Result<Callback> {
        let listener = match preferred {
            Some(port) => match TcpListener::bind(("127.0.0.1", port)).await {
                Ok(l) => l,
                Err(_) => TcpListener::bind(("127.0.0.1", 0)).await?,
            },
            None => TcpListener::bind(("127.0.0.1", 0)).await?,
        };
        let port = listener
            .local_addr()
            .map_err(|e| Error::from(e).with_context("the loopback callback"))?
            .port();
        Ok(Callback { listener, port })
    }

    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}/callback", self.port)
    }

    /// Waits for the callback carrying `expected_state`, at most `timeout`. Connections are
    /// served side by side, so one that says nothing (any local process can open one) does
    /// not hold up the browser's.
    pub async fn wait(&self, expected_state: &str, timeout: Duration) -> Result<Answer> {
        let waited = tokio::time::timeout(timeout, async {
            let mut serving = tokio::task::JoinSet::new();
            loop {
                tokio::select! {
                    accepted = self.listener.accept() => {
                        let (stream, _) = accepted?;
                        let expected = expected_state.to_string();
                        serving.spawn(async move { serve_one(stream, &expected).await });
                    }
                    Some(served) = serving.join_next() => {
                        if let Ok(Some(outcome)) = served {
                            return outcome;
                        }
                    }
                }
            }
        })
        .await;
        waited.unwrap_or_else(|_| {
            Err(Error::new(
                ErrorCode::Timeout,
                format!(
                    "no authorization arrived within {} s; start again and finish the browser step",
                    timeout.as_secs()
                ),
            ))
        })
    }
}

const MAX_REQUEST: usize = 16 * 1024;
/// A browser sends its request at once; a connection silent this long is dropped.
const READ_TIMEOUT: Duration = Duration::from_secs(3);

/// Answers one request; `Some` ends the wait (a good code, or the server's refusal).
async fn serve_one(mut stream: TcpStream, expected_state: &str) -> Option<Result<Answer>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 2048];
    let read = tokio::time::timeout(READ_TIMEOUT, async {
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < MAX_REQUEST {
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        Some(())
    })
    .await;
    if !matches!(read, Ok(Some(()))) {
        return None;
    }
    let head = String::from_utf8_lossy(&buf);
    let target = head.lines().next()?.split_whitespace().nth(1)?.to_string();
    let url = url::Url::parse(&format!("http://127.0.0.1{target}")).ok()?;
    if url.path() != "/callback" {
        respond(
            &mut stream,
            404,
            "Not found",
            "This address only takes Patchbay's authorization callback.",
        )
        .await;
        return None;
    }
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    if param("state").as_deref() != Some(expected_state) {
        respond(
            &mut stream,
            400,
            "Authorization refused",
            "This callback's state does not match the authorization Patchbay started, so it was ignored. \
             Finish the authorization from the window Patchbay opened.",
        )
        .await;
        return None;
    }
    if let Some(error) = param("error") {
        let detail = param("error_description").unwrap_or_default();
        respond(
            &mut stream,
            400,
            "Authorization denied",
            &format!("The server answered: {error} {detail}"),
        )
        .await;
        return Some(Err(Error::new(
            ErrorCode::AuthRequired,
            format!("the authorization server refused: {error} {detail}"),
        )));
    }
    let Some(code) = param("code") else {
        respond(
            &mut stream,
            400,
            "Authorization incomplete",
            "The callback carried no code.",
        )
        .await;
        return None;
    };
    respond(
        &mut stream,
        200,
        "Authorized",
        "Patchbay is authorized. You can close this window.",
    )
    .await;
    Some(Ok(Answer {
        code,
        state: expected_state.to_string(),
        issuer: param("iss"),
    }))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

async fn respond(stream: &mut TcpStream, status: u16, title: &str, text: &str) {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{t}</title></head>\
         <body style=\"font-family:sans-serif;margin:3em\"><h1>{t}</h1><p>{x}</p>\
         <script>if ({ok}) setTimeout(() => window.close(), 800)</script></body></html>",
        t = escape(title),
        x = escape(text),
        ok = status == 200,
    );
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Bad Request",
    };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}
