//! Turns what rmcp and our transports report into one categorized error whose message says
//! what happened and what to do; HTTP, TCP and TLS causes are classified by `net`.

use std::error::Error as StdError;

use rmcp::service::{ClientInitializeError, ServiceError};
use rmcp::transport::streamable_http_client::StreamableHttpError;

use super::sse::SseTransportError;
use crate::error::{ConnectionCategory as C, Error};
pub(crate) use crate::net::timed_out;
use crate::net::{auth_required, http_status};

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

fn not_mcp(target: &str, what: &str) -> Error {
    Error::connection(
        C::NotMcp,
        format!("{target} is not an MCP server: it answered {what}; check the URL"),
    )
}

/// Walks an error's sources for the first one that says what went wrong.
pub(crate) fn chain(err: &(dyn StdError + 'static), target: &str) -> Error {
    crate::net::first_known(err, target, |e, target| {
        mcp_known(e, target).or_else(|| crate::net::known(e, target))
    })
}

/// The error if `e` is one of rmcp's or our SSE transport's.
fn mcp_known(e: &(dyn StdError + 'static), target: &str) -> Option<Error> {
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
    None
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
}
