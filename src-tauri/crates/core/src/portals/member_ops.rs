//! A member's settings in its portal: its name prefix, and what it may do there (its time
//! bound, its resources, how many calls it takes at once).

use rusqlite::{ToSql, params};
use serde::Deserialize;
use ts_rs::TS;

use super::model::Portal;
use super::ops::{member_prefix, refuse_clash};
use super::repo;
use crate::Patchbay;
use crate::error::{Error, Result};
use crate::servers::repo::{self as servers, Scope};

/// The longest a request may be given (an hour).
pub(crate) const MAX_TIMEOUT_SECS: u32 = 3600;
/// The most calls a limit may let run at once.
const MAX_CONCURRENT: u32 = 256;

/// One change to a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "setting", content = "value", rename_all = "snake_case")]
#[ts(export)]
pub enum MemberSetting {
    /// How long its requests may take here (`None`: the portal's, else the server's, else 300 s).
    Timeout(Option<u32>),
    /// Whether its resources and resource templates are served here.
    Resources(bool),
    /// How many of its calls run at once (`None`: no limit); the rest wait their turn.
    MaxConcurrent(Option<u32>),
}

/// A time bound in range, or the validation error that says the range.
pub(crate) fn checked_timeout(secs: Option<u32>) -> Result<Option<u32>> {
    match secs {
        Some(secs) if !(1..=MAX_TIMEOUT_SECS).contains(&secs) => Err(Error::validation(
            "timeout",
            format!("a timeout of {secs} s is out of range: give 1 to {MAX_TIMEOUT_SECS} seconds"),
        )),
        other => Ok(other),
    }
}

impl MemberSetting {
    fn column_and_value(self) -> Result<(&'static str, Box<dyn ToSql>)> {
        Ok(match self {
            MemberSetting::Timeout(secs) => ("timeout_secs", Box::new(checked_timeout(secs)?)),
            MemberSetting::Resources(on) => ("resources_enabled", Box::new(on)),
            MemberSetting::MaxConcurrent(n) => {
                if let Some(n) = n
                    && !(1..=MAX_CONCURRENT).contains(&n)
                {
                    return Err(Error::validation(
                        "max_concurrent",
                        format!(
                            "a limit of {n} calls at once is out of range: give 1 to {MAX_CONCURRENT}"
                        ),
                    ));
                }
                ("max_concurrent", Box::new(n))
            }
        })
    }
}

fn not_a_member(server: &str, portal: &str) -> Error {
    Error::not_found(format!(
        "'{server}' is not in portal '{portal}'; add it to the portal first"
    ))
    .at_field("member")
}

impl Patchbay {
    /// Changes one of a member's settings; the portal afterwards.
    pub fn update_member(
        &self,
        workspace_id: &str,
        portal: &str,
        server: &str,
        setting: MemberSetting,
    ) -> Result<Portal> {
        let (column, value) = setting.column_and_value()?;
        let id = self.store().write(|tx| {
            let p = repo::find(tx, workspace_id, portal)?.portal;
            let s = servers::find(tx, workspace_id, server, Scope::Live)?.server;
            let changed = tx.execute(
                &format!(
                    "UPDATE portal_servers SET {column} = ?3 WHERE portal_id = ?1 AND server_id = ?2"
                ),
                params![p.id, s.id, value],
            )?;
            if changed == 0 {
                return Err(not_a_member(&s.name, &p.name));
            }
            Ok(p.id)
        })?;
        self.get_portal(workspace_id, &id)
    }

    /// Sets a member's name prefix (`None`: the default `<slug>__`; `Some("")`: none).
    pub fn set_member_prefix(
        &self,
        workspace_id: &str,
        portal: &str,
        server: &str,
        prefix: Option<&str>,
    ) -> Result<Portal> {
        let prefix = prefix.map(member_prefix).transpose()?;
        let id = self.store().write(|tx| {
            let p = repo::find(tx, workspace_id, portal)?.portal;
            let s = servers::find(tx, workspace_id, server, Scope::Live)?.server;
            let changed = tx.execute(
                "UPDATE portal_servers SET prefix = ?3 WHERE portal_id = ?1 AND server_id = ?2",
                params![p.id, s.id, prefix],
            )?;
            if changed == 0 {
                return Err(not_a_member(&s.name, &p.name));
            }
            refuse_clash(tx, &p.name, &p.id)?;
            Ok(p.id)
        })?;
        self.get_portal(workspace_id, &id)
    }
}
