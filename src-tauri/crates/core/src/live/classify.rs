//! Turns what rmcp, reqwest and our transports report into one categorized error whose
//! message says what happened and what to do.

use std::error::Error as StdError;

use rmcp::service::{ClientInitializeError, ServiceError};
use rmcp::transport::streamable_http_client::StreamableHttpError;

use super::sse::SseTransportError;
use crate::error::{ConnectionCategory as C, Error};

type HttpError = StreamableHttpError<reqwest::Error>;

/// A failure of the `initialize` handshake (or discovery).
pub(crate) fn init_error(err: ClientInitializeError, target: &str) -> Error {
    init_error_ref(&err, target)
}

fn init_error_ref(err: &ClientInitializeError, target: &str) -> Error {
    match err {
        ClientInitializeError::TransportError { error, .. } => chain(error, target),
        // The fallback is what the server really is; discovery failing is expected.
        ClientInitializeError::LegacyFallbackFailed { fallback, .. } => {
            init_error_ref(fallback, target)
        }
        ClientInitializeError::ConnectionClosed(_) => Error::connection(
            C::Protocol,
            format!("{target} closed the connection during the MCP handshake"),
        ),
        ClientInitializeError::JsonRpcError(data) => Error::connection(
            C::Protocol,
            format!(
                "{target} refused the MCP handshake: {} (code {})",
                data.message, data.code.0
            ),
        ),
        ClientInitializeError::NoCompatibleProtocolVersion {
            server_supported, ..
        } => Error::connection(
            C::Protocol,
            format!(
                "{target} speaks no MCP protocol version Patchbay knows (it offers {server_supported:?})"
            ),
        ),
        other => Error::connection(
            C::Protocol,
            format!("{target} did not complete the MCP handshake: {other}"),
        ),
    }
}

/// A failure of a request after the handshake.
pub(crate) fn service_error(err: ServiceError, target: &str) -> Error {
    match &err {
        ServiceError::McpError(data) => Error::connection(
            C::Protocol,
            format!(
                "{target} answered with an error: {} (code {})",
                data.message, data.code.0
            ),
        ),
        ServiceError::TransportSend(error) => chain(error, target),
        ServiceError::TransportClosed => {
            Error::connection(C::Protocol, format!("{target} closed the connection"))
        }
        ServiceError::Timeout { timeout } => timed_out(target, *timeout),
        other => Error::connection(C::Protocol, format!("{target}: {other}")),
    }
}

pub(crate) fn timed_out(target: &str, after: std::time::Duration) -> Error {
    Error::connection(
        C::Timeout,
        format!(
            "{target} did not answer within {:.1} s; check that it is running, or allow more time",
            after.as_secs_f64()
        ),
    )
}

pub(crate) fn http_status(target: &str, status: u16) -> Error {
    let hint = match status {
        401 => return auth_required(target),
        403 => "; the credentials do not allow access",
        404 => "; check the URL's path (often /mcp or /sse)",
        405 => "; this URL does not take MCP requests",
        429 => "; the server is rate limiting, try again later",
        500..=599 => "; the server failed, try again later",
        _ => "",
    };
    let mut err = Error::connection(
        C::HttpStatus,
        format!("{target} answered HTTP {status}{hint}"),
    );
    err.http_status = Some(status);
    err
}

fn auth_required(target: &str) -> Error {
    Error::connection(
        C::AuthRequired,
        format!("{target} requires authorization; set an API key or authorize with OAuth"),
    )
}

fn not_mcp(target: &str, what: &str) -> Error {
    Error::connection(
        C::NotMcp,
        format!("{target} is not an MCP server: it answered {what}; check the URL"),
    )
}

/// Walks an error's sources for the first one that says what went wrong.
pub(crate) fn chain(err: &(dyn StdError + 'static), target: &str) -> Error {
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(found) = known(e, target) {
            return found;
        }
        current = e.source();
    }
    Error::connection(C::Protocol, format!("{target}: {err}"))
}

fn known(e: &(dyn StdError + 'static), target: &str) -> Option<Error> {
    if let Some(err) = e.downcast_ref::<HttpError>() {
        return match err {
            StreamableHttpError::HttpStatus(s) => Some(http_status(target, s.status)),
            // These carry their cause without exposing it as a source.
            StreamableHttpError::Client(inner) => Some(chain(inner, target)),
            StreamableHttpError::Io(inner) => Some(chain(inner, target)),
            StreamableHttpError::AuthRequired(_) => Some(auth_required(target)),
            StreamableHttpError::InsufficientScope(e) => {
                let mut err = Error::connection(
                    C::AuthRequired,
                    match &e.required_scope {
                        Some(scope) => format!(
                            "{target} needs more permission (scope '{scope}'); authorize again to grant it"
                        ),
                        None => format!(
                            "{target} refused: the token lacks a scope it needs; authorize again"
                        ),
                    },
                );
                err.required_scope = e.required_scope.clone();
                Some(err)
            }
            StreamableHttpError::UnexpectedContentType(ct) => Some(not_mcp(
                target,
                &ct.clone()
                    .map_or("with no content type".into(), |ct| format!("'{ct}'")),
            )),
            StreamableHttpError::UnexpectedServerResponse(text) => Some(
                status_prefix(text)
                    .map(|s| http_status(target, s))
                    .unwrap_or_else(|| not_mcp(target, "something other than JSON-RPC")),
            ),
            StreamableHttpError::Deserialize(_) => {
                Some(not_mcp(target, "something other than JSON-RPC"))
            }
            StreamableHttpError::ResponseBodyTooLarge { max_size } => Some(Error::connection(
                C::Protocol,
                format!("{target} sent a response over the {max_size}-byte limit"),
            )),
            _ => None,
        };
    }
    if let Some(err) = e.downcast_ref::<rmcp::transport::auth::AuthError>() {
        use rmcp::transport::auth::AuthError as A;
        return Some(match err {
            A::AuthorizationRequired | A::TokenRefreshRejected(_) => Error::connection(
                C::AuthRequired,
                format!(
                    "{target} needs authorization again: its tokens were refused or could not be refreshed; re-authorize it"
                ),
            ),
            other => Error::connection(C::Protocol, format!("OAuth with {target} failed: {other}")),
        });
    }
    if let Some(err) = e.downcast_ref::<SseTransportError>() {
        return match err {
            SseTransportError::Status(s) => Some(http_status(target, *s)),
            SseTransportError::NotEventStream(ct) => Some(not_mcp(
                target,
                &ct.clone()
                    .map_or("with no content type".into(), |ct| format!("'{ct}'")),
            )),
            SseTransportError::Http(_) => None,
            other => Some(Error::connection(C::Protocol, format!("{target}: {other}"))),
        };
    }
    if let Some(err) = e.downcast_ref::<reqwest::Error>() {
        if err.is_timeout() {
            return Some(timed_out(target, std::time::Duration::ZERO));
        }
        if let Some(status) = err.status() {
            return Some(http_status(target, status.as_u16()));
        }
        if err.is_connect() {
            return Some(connect_failure(err, target));
        }
        if err.is_redirect() {
            // Our redirect policy's reason is the innermost cause.
            let mut cause: &dyn StdError = err;
            while let Some(next) = cause.source() {
                cause = next;
            }
            return Some(Error::connection(C::Protocol, format!("{target}: {cause}")));
        }
        return None;
    }
    if let Some(err) = e.downcast_ref::<std::io::Error>() {
        return match err.kind() {
            std::io::ErrorKind::ConnectionRefused => Some(refused(target)),
            std::io::ErrorKind::TimedOut => Some(timed_out(target, std::time::Duration::ZERO)),
            _ => None,
        };
    }
    if e.downcast_ref::<rustls::Error>().is_some() {
        return Some(tls(target, e));
    }
    None
}

fn refused(target: &str) -> Error {
    Error::connection(
        C::Refused,
        format!("{target} refused the connection; is the server running on that port?"),
    )
}

fn tls(target: &str, e: &dyn StdError) -> Error {
    Error::connection(
        C::Tls,
        format!(
            "the TLS handshake with {target} failed: {e}; check the certificate or use the right scheme"
        ),
    )
}

/// reqwest reports DNS, refused and TLS failures alike as "connect" errors; the sources say
/// which it was.
fn connect_failure(err: &reqwest::Error, target: &str) -> Error {
    let mut current: Option<&(dyn StdError + 'static)> = err.source();
    while let Some(e) = current {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::ConnectionRefused {
                return refused(target);
            }
            if let Some(inner) = tls_inside(io) {
                return tls(target, inner);
            }
        }
        if e.downcast_ref::<rustls::Error>().is_some() {
            return tls(target, e);
        }
        let text = e.to_string().to_ascii_lowercase();
        if text.contains("dns error") || text.contains("failed to lookup address") {
            return Error::connection(
                C::Dns,
                format!("cannot resolve the host of {target}; check the URL's host name"),
            );
        }
        if text.contains("certificate") || text.contains("tls") || text.contains("handshake") {
            return tls(target, e);
        }
        current = e.source();
    }
    Error::connection(C::Refused, format!("cannot connect to {target}: {err}"))
}

/// A rustls error wrapped in io::Errors, however deep: io::Error's source() skips it.
fn tls_inside(io: &std::io::Error) -> Option<&(dyn StdError + Send + Sync + 'static)> {
    let inner = io.get_ref()?;
    if inner.is::<rustls::Error>() {
        return Some(inner);
    }
    inner.downcast_ref::<std::io::Error>().and_then(tls_inside)
}

/// rmcp reports some statuses only as text "HTTP 404 Not Found: …".
fn status_prefix(text: &str) -> Option<u16> {
    let rest = text.strip_prefix("HTTP ")?;
    rest.get(..3)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_text_is_read_from_rmcp_messages() {
        assert_eq!(status_prefix("HTTP 404 Not Found: <html>"), Some(404));
        assert_eq!(status_prefix("garbage"), None);
    }

    #[test]
    fn a_status_maps_to_its_category_and_exit_code() {
        let err = http_status("http://x", 404);
        assert_eq!(err.category, Some(C::HttpStatus));
        assert_eq!(err.http_status, Some(404));
        assert_eq!(err.code, crate::ErrorCode::Network);
        assert_eq!(http_status("http://x", 401).category, Some(C::AuthRequired));
    }

    #[test]
    fn an_io_refusal_deep_in_a_chain_is_refused() {
        let io = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        let err = chain(&io, "http://127.0.0.1:1/mcp");
        assert_eq!(err.category, Some(C::Refused));
    }
}
