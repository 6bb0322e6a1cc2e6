//! Numbered schema migrations, applied in order at open. `PRAGMA user_version` records the
//! last one applied. Each runs in its own IMMEDIATE transaction that re-reads the version, so
//! two processes opening an old database at once migrate it exactly once.

use rusqlite::{Connection, TransactionBehavior};

use crate::error::{Error, Result};

/// Migration N (1-based) is `MIGRATIONS[N - 1]`. Never edit a released one: add another.
pub const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_workspaces_and_servers.sql"),
    include_str!("migrations/0002_server_tools.sql"),
    include_str!("migrations/0003_capability_sync.sql"),
    include_str!("migrations/0004_oauth.sql"),
    include_str!("migrations/0005_oauth_metadata.sql"),
    include_str!("migrations/0006_portals.sql"),
    include_str!("migrations/0007_portal_calls.sql"),
    include_str!("migrations/0008_call_outcomes.sql"),
    include_str!("migrations/0009_installations.sql"),
    include_str!("migrations/0010_settings.sql"),
    include_str!("migrations/0011_member_prefix.sql"),
    include_str!("migrations/0012_member_timeout.sql"),
    include_str!("migrations/0013_prompt_review.sql"),
    include_str!("migrations/0014_limits.sql"),
    include_str!("migrations/0015_call_methods.sql"),
    include_str!("migrations/0016_window_input.sql"),
    include_str!("migrations/0017_config_generation.sql"),
    include_str!("migrations/0018_token_budget.sql"),
    include_str!("migrations/0019_portal_modes.sql"),
    include_str!("migrations/0020_imported_review.sql"),
    include_str!("migrations/0021_inherit_env.sql"),
    include_str!("migrations/0022_created_inputs.sql"),
    include_str!("migrations/0023_authorize_in_browser.sql"),
];

pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

pub(super) fn apply(conn: &mut Connection, target: u32) -> Result<()> {
    let current = user_version(conn)?;
    if current > SCHEMA_VERSION {
        return Err(Error::internal(format!(
            "the database was written by a newer Patchbay (schema {current}, this one knows \
             {SCHEMA_VERSION}); update Patchbay"
        )));
    }
    for version in current + 1..=target.min(SCHEMA_VERSION) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if user_version(&tx)? >= version {
            continue; // another process applied it while we waited for the lock
        }
        tx.execute_batch(MIGRATIONS[version as usize - 1])
            .map_err(|e| {
                Error::from(e).with_context(format!("schema migration {version} failed"))
            })?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        tracing::info!(version, "applied schema migration");
    }
    Ok(())
}

fn user_version(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}
