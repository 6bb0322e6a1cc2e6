//! OAuth for MCP servers (SPEC §2): authorization in a browser, tokens in the keyring,
//! refresh by rmcp's auth client, and what a connection needs to use them.

mod callback;
mod credentials;
mod flow;
mod popup_page;
pub(crate) mod record;
mod refresh;
mod revoke;

pub use flow::{AuthorizeOptions, AuthorizeOutcome, DEFAULT_AUTHORIZE_TIMEOUT};
pub use popup_page::PopupPage;
pub(crate) use refresh::refresh_ahead;
pub use revoke::Purged;

use std::sync::Arc;

use rmcp::transport::auth::{AuthClient, AuthError, AuthorizationManager, OAuthClientConfig};

use crate::error::{ConnectionCategory, Error};
use crate::secret::Secret;
use crate::secrets::SecretStore;

/// What a connection to an OAuth server needs: where its tokens are and its client.
pub(crate) struct OAuthAccess {
    pub server_id: String,
    pub secrets: Arc<dyn SecretStore>,
    pub client_secret: Option<Secret>,
    /// The authorization server metadata cached at authorization (JSON).
    pub metadata: Option<String>,
}

impl std::fmt::Debug for OAuthAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthAccess")
            .field("server_id", &self.server_id)
            .finish_non_exhaustive()
    }
}

fn not_authorized(url: &str) -> Error {
    Error::connection(
        ConnectionCategory::AuthRequired,
        format!("{url} needs OAuth authorization; authorize it"),
    )
}

/// A core error for what rmcp's auth reports.
pub(crate) fn auth_error(err: AuthError, url: &str) -> Error {
    match err {
        AuthError::AuthorizationRequired | AuthError::TokenRefreshRejected(_) => Error::connection(
            ConnectionCategory::AuthRequired,
            format!(
                "{url} needs authorization again: the stored tokens were refused; re-authorize it"
            ),
        ),
        AuthError::CredentialStoreError(message) => Error::keyring_unavailable(format!(
            "cannot reach the OAuth tokens in the keyring: {message}"
        )),
        other => Error::connection(
            ConnectionCategory::Protocol,
            format!("OAuth with {url} failed: {other}"),
        ),
    }
}

/// An HTTP client that adds the server's bearer token and refreshes it (rotated refresh
/// tokens are saved back to the keyring); `auth_required` when there are no tokens.
pub(crate) async fn authorized_client(
    access: &OAuthAccess,
    url: &str,
) -> crate::Result<AuthClient<reqwest::Client>> {
    let (http, manager) = manager_for(access, url).await?;
    Ok(AuthClient::new(http, manager))
}

/// rmcp's manager of the server's stored tokens, ready to use and refresh them.
async fn manager_for(
    access: &OAuthAccess,
    url: &str,
) -> crate::Result<(reqwest::Client, AuthorizationManager)> {
    // First: it installs the TLS provider that rmcp's own OAuth client needs too. That client
    // refreshes tokens (no redirects, 30 s, its address checks); ours carries MCP requests.
    let http = crate::net::http_client()?;
    let mut manager = AuthorizationManager::new(url)
        .await
        .map_err(|e| auth_error(e, url))?;
    manager.set_credential_store(credentials::KeyringCredentials::new(
        Arc::clone(&access.secrets),
        &access.server_id,
    ));
    if let Some(metadata) = access
        .metadata
        .as_deref()
        .and_then(|m| serde_json::from_str(m).ok())
    {
        // Skips a discovery round trip on every connection.
        manager.set_metadata(metadata);
    }
    if !manager
        .initialize_from_store()
        .await
        .map_err(|e| auth_error(e, url))?
    {
        return Err(not_authorized(url));
    }
    if let Some(secret) = &access.client_secret {
        let (client_id, _) = manager
            .get_credentials()
            .await
            .map_err(|e| auth_error(e, url))?;
        let config = OAuthClientConfig::new(client_id, String::from("http://127.0.0.1/callback"))
            .with_client_secret(secret.expose().to_string());
        manager
            .configure_client(config)
            .map_err(|e| auth_error(e, url))?;
    }
    Ok((http, manager))
}
