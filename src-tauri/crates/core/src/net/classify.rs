//! Turns what reqwest, the OS and rustls report into one categorized error whose message says
//! what happened and what to do. MCP's own errors are classified in `live`, on top of this.

use std::error::Error as StdError;
use std::time::Duration;

use crate::error::{ConnectionCategory as C, Error};

pub(crate) fn timed_out(target: &str, after: Duration) -> Error {
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

pub(crate) fn auth_required(target: &str) -> Error {
    Error::connection(
        C::AuthRequired,
        format!("{target} requires authorization; set an API key or authorize with OAuth"),
    )
}

/// Walks an error's sources for the first one that says what went wrong (HTTP, TCP or TLS).
pub(crate) fn chain(err: &(dyn StdError + 'static), target: &str) -> Error {
    first_known(err, target, known)
}

/// Walks an error's sources for the first one `known` recognizes; a plain protocol error
/// when none is, with the outer message and the innermost cause (reqwest's "error sending
/// request" alone does not say whether the connection was reset, closed or refused).
pub(crate) fn first_known(
    err: &(dyn StdError + 'static),
    target: &str,
    known: impl Fn(&(dyn StdError + 'static), &str) -> Option<Error>,
) -> Error {
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    let mut innermost = err;
    while let Some(e) = current {
        if let Some(found) = known(e, target) {
            return found;
        }
        innermost = e;
        current = e.source();
    }
    let (outer, cause) = (err.to_string(), innermost.to_string());
    let message = if cause.is_empty() || outer.contains(&cause) {
        format!("{target}: {outer}")
    } else {
        format!("{target}: {outer}: {cause}")
    };
    Error::connection(C::Protocol, message)
}

/// The error if `e` itself is one of reqwest's, the OS's or rustls's that say enough.
pub(crate) fn known(e: &(dyn StdError + 'static), target: &str) -> Option<Error> {
    if let Some(err) = e.downcast_ref::<reqwest::Error>() {
        if err.is_timeout() {
            return Some(timed_out(target, Duration::ZERO));
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
            std::io::ErrorKind::TimedOut => Some(timed_out(target, Duration::ZERO)),
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[derive(Debug)]
    struct Outer(std::io::Error);
    impl std::fmt::Display for Outer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("error sending request")
        }
    }
    impl StdError for Outer {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn an_unknown_error_says_its_innermost_cause_too() {
        let reset = Outer(std::io::Error::other(
            "connection closed before message completed",
        ));
        let err = chain(&reset, "http://x");
        assert_eq!(err.category, Some(C::Protocol));
        assert_eq!(
            err.message,
            "http://x: error sending request: connection closed before message completed"
        );
    }

    #[test]
    fn an_unknown_error_keeps_its_message_as_a_protocol_error() {
        let io = std::io::Error::other("odd");
        let err = chain(&io, "http://x");
        assert_eq!(err.category, Some(C::Protocol));
        assert!(err.message.contains("odd"), "{}", err.message);
    }
}
