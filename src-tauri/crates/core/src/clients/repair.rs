//! Installed entries that stay true: drift compares the file with the entry that would be
//! written now (a rotated token or a renamed portal makes a URL entry `stale`), and repair
//! writes that entry again. Rotation and rename repair what they made stale themselves.

use std::path::{Path, PathBuf};

use super::entry::{self, ClientEntry};
use super::install::Writing;
use super::model::{Drift, EntryMode, Installation, TargetKind};
use super::plan::{EntryTransport, Resolved};
use super::records::{self, Record};
use super::registry;
use crate::Patchbay;
use crate::error::{Error, ErrorCode, Result};

impl Patchbay {
    /// `in_sync`, `stale` (written before a change it depends on), `modified` (edited by
    /// hand), `missing`, `file_missing` or `unreadable`.
    pub(crate) fn drift(&self, record: &Record) -> Drift {
        let (state, value) = records::file_drift(record);
        if state != Drift::InSync {
            return state;
        }
        match self.entry_now(record, value.as_ref()) {
            Ok(now) if crate::live::content_hash(&now) == record.entry_hash => Drift::InSync,
            Ok(_) => Drift::Stale,
            Err(e) if e.code == ErrorCode::NotFound => Drift::Stale,
            // The keyring did not answer, say: nothing says the entry is wrong.
            Err(e) => {
                tracing::debug!(error = %e, "cannot tell whether an installed entry is current");
                Drift::InSync
            }
        }
    }

    fn resolved(&self, record: &Record) -> Result<Resolved> {
        let i = &record.installation;
        if i.target_kind == TargetKind::Portal {
            let portal = self.store().read(|c| {
                crate::portals::repo::find(c, &i.workspace_id, &i.target_id).map(|r| r.portal)
            })?;
            Ok(Resolved::Portal {
                id: portal.id,
                slug: portal.slug,
            })
        } else {
            let server = self.get_server(&i.workspace_id, &i.target_id)?;
            Ok(Resolved::Server {
                id: server.id,
                name: server.name,
            })
        }
    }

    /// A URL entry stays one; an entry of a server's own command becomes Patchbay's.
    fn transport_of(record: &Record) -> EntryTransport {
        if record.installation.mode == EntryMode::Http {
            EntryTransport::Http
        } else {
            EntryTransport::Stdio
        }
    }

    /// The command a bridge entry runs: the one in the file (the app and the CLI may live in
    /// different places; neither makes the other's entry stale), else this executable.
    fn bridge_command_of(record: &Record, value: Option<&serde_json::Value>) -> PathBuf {
        let spec = registry::find(&record.installation.client_id);
        match spec.zip(value).and_then(|(spec, v)| entry::read(spec, v)) {
            Some(ClientEntry::Stdio { command, .. }) => PathBuf::from(command),
            _ => std::env::current_exe().unwrap_or_else(|_| PathBuf::from("patchbay")),
        }
    }

    /// The entry Patchbay would write for this installation now.
    fn entry_now(
        &self,
        record: &Record,
        value: Option<&serde_json::Value>,
    ) -> Result<serde_json::Value> {
        let spec = super::install::spec(&record.installation.client_id)?;
        let target = self.resolved(record)?;
        let command = Self::bridge_command_of(record, value);
        let planned = self.plan_entry(
            &record.installation.workspace_id,
            &target,
            spec,
            Self::transport_of(record),
            record.installation.project_dir.is_some(),
            &command,
        )?;
        Ok(planned.value(spec))
    }

    fn repair(&self, record: &Record) -> Result<Installation> {
        let i = &record.installation;
        let spec = super::install::spec(&i.client_id)?;
        let target = self.resolved(record).map_err(|e| {
            if e.code == ErrorCode::NotFound {
                Error::not_found(format!(
                    "the {} this entry of {} points at was deleted; uninstall the entry",
                    i.target_kind, i.file
                ))
            } else {
                e
            }
        })?;
        let (_, value) = records::file_drift(record);
        let command = Self::bridge_command_of(record, value.as_ref());
        self.write_installation(
            &i.workspace_id,
            Writing {
                spec,
                target: &target,
                path: PathBuf::from(&i.file),
                project: i.project_dir.as_deref().map(Path::new),
                transport: Self::transport_of(record),
                bridge_command: &command,
            },
        )
    }

    /// Writes again the installation `id` (`None`: every one of the workspace not in sync),
    /// after a backup; a hand edit is replaced too, since repair is asked for.
    pub fn repair_installations(
        &self,
        workspace_id: &str,
        id: Option<&str>,
    ) -> Result<Vec<Installation>> {
        let all = self.store().read(|c| records::list(c, workspace_id))?;
        let chosen: Vec<Record> = match id {
            Some(id) => {
                let record = all
                    .into_iter()
                    .find(|r| r.installation.id == id)
                    .ok_or_else(|| {
                        Error::not_found(format!(
                            "no installation '{id}' in this workspace; the installation list shows their ids"
                        ))
                    })?;
                vec![record]
            }
            None => all
                .into_iter()
                .filter(|r| self.drift(r) != Drift::InSync)
                .collect(),
        };
        chosen.iter().map(|r| self.repair(r)).collect()
    }

    /// After a change to a portal or server (token, name): rewrites each of its installed
    /// entries that the change made stale; returns the files rewritten. An entry edited by
    /// hand is left alone (its drift says so).
    pub(crate) fn refresh_installations(&self, target_id: &str) -> Vec<String> {
        let records = match self.store().read(|c| records::of_target(c, target_id)) {
            Ok(records) => records,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the installations to refresh");
                return Vec::new();
            }
        };
        let mut rewritten = Vec::new();
        for record in records.iter().filter(|r| self.drift(r) == Drift::Stale) {
            match self.repair(record) {
                Ok(done) => rewritten.push(done.file),
                Err(e) => tracing::warn!(
                    error = %e,
                    file = %record.installation.file,
                    "an installed entry could not be rewritten"
                ),
            }
        }
        rewritten
    }
}
