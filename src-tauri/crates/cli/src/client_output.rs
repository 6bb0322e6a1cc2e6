//! How clients, installations and catalog templates print: JSON for scripts, tables for people.

use patchbay_core::catalog::Template;
use patchbay_core::clients::{ClientInfo, ClientServer, ImportReport, Installation};
use patchbay_core::transfer::WorkspaceImportReport;

use crate::output::{Output, outln, table};

impl Output {
    pub fn clients(&self, clients: &[ClientInfo]) {
        if self.json {
            return self.json(&serde_json::json!({ "clients": clients }));
        }
        let rows = clients
            .iter()
            .map(|c| {
                vec![
                    c.id.clone(),
                    c.name.clone(),
                    if c.present { "yes" } else { "no" }.into(),
                    c.config_path.clone(),
                ]
            })
            .collect();
        table(&["ID", "NAME", "PRESENT", "CONFIG"], rows);
    }

    pub fn client_servers(&self, servers: &[ClientServer]) {
        if self.json {
            return self.json(&serde_json::json!({ "servers": servers }));
        }
        if servers.is_empty() {
            outln!("No servers in this client's config.");
            return;
        }
        let rows = servers
            .iter()
            .map(|s| {
                vec![
                    s.name.clone(),
                    s.transport.to_string(),
                    s.url
                        .clone()
                        .or_else(|| {
                            s.command
                                .clone()
                                .map(|c| format!("{c} {}", s.args.join(" ")))
                        })
                        .unwrap_or_default(),
                    if s.installed_by_patchbay {
                        "patchbay"
                    } else {
                        ""
                    }
                    .into(),
                ]
            })
            .collect();
        table(&["NAME", "TRANSPORT", "TARGET", "BY"], rows);
    }

    pub fn import_report(&self, report: &ImportReport) {
        if self.json {
            return self.json(report);
        }
        for name in &report.imported {
            outln!("imported {name}");
        }
        for s in &report.skipped {
            outln!("skipped {}: {}", s.name, s.reason);
        }
    }

    pub fn installation(&self, i: &Installation, removed: bool) {
        if self.json {
            return self.json(i);
        }
        let what = i.target_name.as_deref().unwrap_or(&i.entry_name);
        if removed {
            outln!("removed {} ({}) from {}", what, i.entry_name, i.file);
        } else {
            outln!(
                "installed {} as {} in {} ({})",
                what,
                i.entry_name,
                i.file,
                i.mode
            );
            if let Some(backup) = &i.backup {
                outln!("  the file before: {backup}");
            }
        }
    }

    pub fn installations(&self, installations: &[Installation]) {
        if self.json {
            return self.json(&serde_json::json!({ "installations": installations }));
        }
        if installations.is_empty() {
            outln!("Nothing installed. Install with: patchbay install PORTAL --client CLIENT");
            return;
        }
        let rows = installations
            .iter()
            .map(|i| {
                vec![
                    i.target_name.clone().unwrap_or_else(|| "(deleted)".into()),
                    i.client_id.clone(),
                    i.entry_name.clone(),
                    i.drift.as_str().to_string(),
                    i.file.clone(),
                ]
            })
            .collect();
        table(&["TARGET", "CLIENT", "ENTRY", "DRIFT", "FILE"], rows);
    }

    pub fn templates(&self, templates: &[Template]) {
        if self.json {
            return self.json(&serde_json::json!({ "templates": templates }));
        }
        let rows = templates
            .iter()
            .map(|t| {
                vec![
                    t.id.clone(),
                    t.name.clone(),
                    t.auth_type.to_string(),
                    t.url.clone(),
                ]
            })
            .collect();
        table(&["ID", "NAME", "AUTH", "URL"], rows);
    }

    pub fn workspace_import(&self, report: &WorkspaceImportReport) {
        if self.json {
            return self.json(report);
        }
        outln!(
            "created workspace {} with {} servers",
            report.workspace.name,
            report.servers.len()
        );
        for m in &report.missing_secrets {
            outln!("  {} needs: {}", m.server, m.missing.join(", "));
        }
        for risk in &report.risks {
            outln!("  accepted: {}", risk.message);
        }
        for (portal, token) in &report.portal_tokens {
            outln!("  portal {portal}: new token {token} (shown only now)");
        }
    }
}
