//! What is learnt of a server's health outside a sync: a portal's call that cannot reach it,
//! a session that opens again after it failed, a refresh of its OAuth tokens ahead of expiry.
//! Each goes to the server's `status` and `error_message`, where the window and `portal get`
//! show it.

use std::sync::Arc;
use std::time::Duration;

use rusqlite::params;

use super::ops::saved_target;
use super::target::Target;
use crate::error::{Error, ErrorCode, Result};
use crate::servers::ServerStatus;
use crate::{Patchbay, run_blocking};

fn status_for(err: &Error) -> ServerStatus {
    if err.code == ErrorCode::AuthRequired {
        ServerStatus::NeedsAuth
    } else {
        ServerStatus::Error
    }
}

/// A request through the gateway could not reach the server: it is `error` (or `needs_auth`)
/// with what happened, until a sync or a working session says otherwise.
pub(crate) async fn record_unreachable(core: &Arc<Patchbay>, server_id: &str, err: &Error) {
    let (id, status) = (server_id.to_string(), status_for(err));
    let message = crate::redact::masked(&err.message).into_owned();
    let written = run_blocking(core, move |core| {
        core.store().write(|tx| {
            tx.execute(
                "UPDATE servers SET status = ?2, error_message = ?3
                    WHERE id = ?1 AND deleted_at IS NULL",
                params![id, status.as_str(), message],
            )?;
            Ok(())
        })
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
        core.store().write(|tx| {
            tx.execute(
                "UPDATE servers SET status = 'active', error_message = NULL
                    WHERE id = ?1 AND status = 'error'",
                [id],
            )?;
            Ok(())
        })
    })
    .await;
    if let Err(e) = written {
        tracing::warn!(server = %server_id, error = %e, "cannot record that the server answers");
    }
}

/// Refreshes an OAuth server's tokens when they expire within `ahead`; a refused refresh
/// makes it `needs_auth` (the error says so). `Ok(true)` when it refreshed.
pub async fn refresh_oauth_ahead(
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
