//! Refreshing a server's access token before it expires, so that a portal's first call after
//! a quiet hour does not wait on (or fail at) a refresh, and a refused refresh is known while
//! the user can still act on it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rmcp::transport::auth::{CredentialStore, StoredCredentials};

use super::{OAuthAccess, auth_error, credentials::KeyringCredentials, manager_for};
use oauth2::TokenResponse;

/// How long the stored access token has left; `None` when it says nothing of its expiry or
/// there is no refresh token to renew it with (nothing to do ahead of time then).
fn time_left(stored: &StoredCredentials) -> Option<Duration> {
    let tokens = stored.token_response.as_ref()?;
    tokens.refresh_token()?;
    let lifetime = tokens.expires_in()?;
    let received = stored.token_received_at?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs();
    Some(lifetime.saturating_sub(Duration::from_secs(now.saturating_sub(received))))
}

fn received_at(stored: &Option<StoredCredentials>) -> Option<u64> {
    stored.as_ref().and_then(|s| s.token_received_at)
}

/// Refreshes the tokens when they expire within `ahead`: `Ok(true)` when it did, `Ok(false)`
/// when they were not due, an `auth_required` error when the server refused the refresh.
pub(crate) async fn refresh_ahead(
    access: &OAuthAccess,
    url: &str,
    ahead: Duration,
) -> crate::Result<bool> {
    let store = KeyringCredentials::new(std::sync::Arc::clone(&access.secrets), &access.server_id);
    let stored = store.load().await.map_err(|e| auth_error(e, url))?;
    match stored.as_ref().and_then(time_left) {
        Some(left) if left < ahead => {}
        _ => return Ok(false),
    }
    let (_, manager) = manager_for(access, url).await?;
    if let Err(err) = manager.refresh_token().await {
        // A gateway session may have refreshed (and so spent the refresh token) meanwhile:
        // then the tokens are fine, only ours were old.
        let now = store.load().await.ok().flatten();
        if received_at(&now) != received_at(&stored) {
            return Ok(true);
        }
        return Err(auth_error(err, url));
    }
    tracing::info!(server = %access.server_id, "refreshed OAuth tokens ahead of their expiry");
    Ok(true)
}
