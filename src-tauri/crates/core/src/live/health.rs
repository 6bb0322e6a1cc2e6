//! What is learnt of a server's health outside a sync: a portal's call that cannot reach it,
//! a session that opens again after it failed, a refresh of its OAuth tokens ahead of expiry.
//! Each goes to the server's `status` and `error_message`, where the window and `portal get`
//! show it.

use std::sync::Arc;
use std::time::Duration;

use super::ops::saved_target;
use super::target::Target;
use crate::error::{Error, ErrorCode, Result};
use crate::servers::status_repo;
use crate::{Patchbay, run_blocking};

/// A request through the gateway could not reach the server: it is `error` (or `needs_auth`)
/// with what happened, until a sync or a working session says otherwise.
pub(crate) async fn record_unreachable(core: &Arc<Patchbay>, server_id: &str, err: &Error) {
    let (id, err) = (server_id.to_string(), err.clone());
    let written = run_blocking(core, move |core| {
        core.store()
            .write(|tx| status_repo::mark_failed(tx, &id, &err, None))
    })
    .await;
    if let Err(e) = written {
        tracing::warn!(server = %server_id, error = %e, "cannot record that the server failed");
    }
}

/// A session opened to a server that was `error`: it answers again.
pub(crate) async fn record_reachable(core: &Arc<Patchbay>, server_id: &str) {
    let id = server_id.to_string();
    let written = run_blocking(core, move |core| {
        core.store()
            .write(|tx| status_repo::mark_reachable(tx, &id))
    })
    .await;
    if let Err(e) = written {
        tracing::warn!(server = %server_id, error = %e, "cannot record that the server answers");
    }
}

/// Refreshes an OAuth server's tokens when they expire within `ahead`; a refused refresh
/// makes it `needs_auth` (the error says so). `Ok(true)` when it refreshed.
pub(crate) async fn refresh_oauth_ahead(
    core: &Arc<Patchbay>,
    workspace_id: &str,
    server_id: &str,
    ahead: Duration,
) -> Result<bool> {
    let (id, _, target) = saved_target(core, workspace_id, server_id).await?;
    let Target::Http {
        url,
        oauth: Some(access),
        ..
    } = target
    else {
        return Ok(false);
    };
    match crate::oauth::refresh_ahead(&access, &url, ahead).await {
        Err(err) if err.code == ErrorCode::AuthRequired => {
            record_unreachable(core, &id, &err).await;
            Err(err)
        }
        other => other,
    }
}
