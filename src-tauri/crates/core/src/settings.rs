//! Settings of the whole data dir, kept in the store so that the user's gateway (another
//! process) reads what the window or the CLI set.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::Patchbay;
use crate::error::{Error, Result};

/// How often the gateway checks every server unless told otherwise.
pub const DEFAULT_HEALTH_CHECK_SECONDS: u32 = 600;
/// Checking more often than this only loads the servers.
pub const MIN_HEALTH_CHECK_SECONDS: u32 = 10;
pub const MAX_HEALTH_CHECK_SECONDS: u32 = 7 * 24 * 3600;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Settings {
    /// How often the user's gateway syncs each enabled server to check its health; 0: never.
    pub health_check_seconds: u32,
    /// The user skipped the first-run welcome (importing their clients' servers); the window
    /// offers it again only when asked.
    pub welcome_dismissed: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SettingsPatch {
    #[ts(optional)]
    pub health_check_seconds: Option<u32>,
    #[ts(optional)]
    pub welcome_dismissed: Option<bool>,
}

const HEALTH_CHECK: &str = "health_check_seconds";
const WELCOME_DISMISSED: &str = "welcome_dismissed";

fn value(conn: &Connection, key: &str) -> Result<Option<serde_json::Value>> {
    let text: Option<String> = conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
}

pub(crate) fn read(conn: &Connection) -> Result<Settings> {
    let health_check_seconds = value(conn, HEALTH_CHECK)?
        .and_then(|v| v.as_u64())
        .and_then(|v| u32::try_from(v).ok())
        .unwrap_or(DEFAULT_HEALTH_CHECK_SECONDS);
    let welcome_dismissed = value(conn, WELCOME_DISMISSED)?
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    Ok(Settings {
        health_check_seconds,
        welcome_dismissed,
    })
}

fn check_health_interval(seconds: u32) -> Result<()> {
    if seconds != 0 && !(MIN_HEALTH_CHECK_SECONDS..=MAX_HEALTH_CHECK_SECONDS).contains(&seconds) {
        return Err(Error::validation(
            HEALTH_CHECK,
            format!(
                "a health check every {seconds} s is out of range: give {MIN_HEALTH_CHECK_SECONDS} s to {} days, or 0 to turn checks off",
                MAX_HEALTH_CHECK_SECONDS / 86_400
            ),
        ));
    }
    Ok(())
}

impl Patchbay {
    pub fn settings(&self) -> Result<Settings> {
        self.store().read(read)
    }

    pub fn update_settings(&self, patch: SettingsPatch) -> Result<Settings> {
        if let Some(seconds) = patch.health_check_seconds {
            check_health_interval(seconds)?;
        }
        self.store().write(|tx| {
            let set = |key: &str, value: String| {
                tx.execute(
                    "INSERT INTO settings (key, value) VALUES (?1, ?2)
                        ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    params![key, value],
                )
            };
            if let Some(seconds) = patch.health_check_seconds {
                set(HEALTH_CHECK, seconds.to_string())?;
            }
            if let Some(dismissed) = patch.welcome_dismissed {
                set(WELCOME_DISMISSED, dismissed.to_string())?;
            }
            read(tx)
        })
    }
}
