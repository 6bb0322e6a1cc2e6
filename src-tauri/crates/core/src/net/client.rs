//! The HTTP clients Patchbay sends requests with.

use std::sync::OnceLock;
use std::time::Duration;

use crate::error::{Error, Result};

const USER_AGENT: &str = concat!("patchbay/", env!("CARGO_PKG_VERSION"));

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
