//! How results and errors are printed: JSON for scripts, tables and cards for people.

use std::io::Write;

use patchbay_core::servers::{Server, ServerPage};
use patchbay_core::workspaces::Workspace;
use patchbay_core::{Error, ErrorCode};
use serde::Serialize;

/// The exit code of each error category, as the README documents.
pub fn exit_code(code: ErrorCode) -> i32 {
    match code {
        ErrorCode::NotFound => 3,
        ErrorCode::Conflict => 4,
        ErrorCode::Validation => 5,
        ErrorCode::Network => 6,
        ErrorCode::AuthRequired => 7,
        ErrorCode::KeyringUnavailable => 8,
        ErrorCode::Protocol => 9,
        ErrorCode::Timeout => 10,
        ErrorCode::Internal => 1,
    }
}

pub const USAGE_EXIT_CODE: i32 = 2;

/// Writes a line to stdout. A reader that went away (`patchbay … | head`) ends the command
/// quietly, as with any Unix tool; SIGPIPE itself stays ignored, since a stdio server that
/// dies must not take Patchbay with it.
pub fn write_line(args: std::fmt::Arguments) {
    let mut out = std::io::stdout().lock();
    if let Err(err) = writeln!(out, "{args}").and_then(|()| out.flush())
        && err.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}

macro_rules! outln {
    ($($arg:tt)*) => { $crate::output::write_line(format_args!($($arg)*)) };
}
pub(crate) use outln;

#[derive(Clone, Copy)]
pub struct Output {
    pub json: bool,
}

impl Output {
    pub fn error(&self, err: &Error) {
        if self.json {
            eprintln!("{}", serde_json::json!({ "error": err }));
        } else {
            eprintln!("error ({}): {}", err.code, err.message);
            // Why, when the core knows (an I/O or database error under an `internal` one).
            for cause in err
                .causes()
                .iter()
                .filter(|c| !err.message.contains(c.as_str()))
            {
                eprintln!("  caused by: {}", patchbay_core::redact::masked(cause));
            }
        }
    }

    pub fn usage_error(&self, message: &str) {
        if self.json {
            eprintln!(
                "{}",
                serde_json::json!({ "error": { "code": "usage", "message": message.trim() } })
            );
        } else {
            eprint!("{message}");
        }
    }

    pub fn json<T: Serialize>(&self, value: &T) {
        let text = serde_json::to_string_pretty(value).expect("output types always serialize");
        outln!("{text}");
    }

    pub fn server(&self, server: &Server) {
        if self.json {
            return self.json(server);
        }
        let mut rows: Vec<(&str, String)> = vec![
            ("name", server.name.clone()),
            ("id", server.id.clone()),
            ("transport", server.transport.to_string()),
        ];
        let mut push = |key, value: Option<String>| {
            if let Some(value) = value.filter(|v| !v.is_empty()) {
                rows.push((key, value));
            }
        };
        push("description", Some(server.description.clone()));
        push("url", server.url.clone());
        push("command", server.command.clone());
        push(
            "args",
            (!server.args.is_empty()).then(|| server.args.join(" ")),
        );
        push("cwd", server.cwd.clone());
        if !server.transport.is_http() {
            let inherited = if server.inherit_env {
                "inherited: every variable of the process that starts it"
            } else {
                "allow-listed (PATH, HOME, locale, session) and its own"
            };
            push("environment", Some(inherited.to_string()));
        }
        for (name, value) in &server.env {
            push("env", Some(format!("{name}={value}")));
        }
        for (name, hint) in &server.secret_env {
            push("secret env", Some(format!("{name}={hint}")));
        }
        push("auth", Some(server.auth_type.to_string()));
        push(
            "api key",
            server.api_key_redacted.as_ref().map(|hint| {
                format!(
                    "{hint} (header {})",
                    server.api_key_header.as_deref().unwrap_or("?")
                )
            }),
        );
        push("enabled", Some(server.is_enabled.to_string()));
        push("status", Some(server.status.to_string()));
        push("error", server.error_message.clone());
        push("last synced", server.last_synced.clone());
        push("created", Some(server.created_at.clone()));
        push("updated", Some(server.updated_at.clone()));
        push("deleted", server.deleted_at.clone());
        let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        let mut out = std::io::stdout().lock();
        for (key, value) in rows {
            let _ = writeln!(out, "{key:>width$}  {value}");
        }
        if let Some(tools) = &server.tools {
            let _ = writeln!(out, "{:>width$}  {}", "tools", tools.len());
            for tool in tools {
                let _ = writeln!(
                    out,
                    "{:>width$}  {} ({})",
                    "", tool.name, tool.approval_state
                );
            }
        }
    }

    pub fn settings(&self, settings: &patchbay_core::settings::Settings) {
        if self.json {
            return self.json(settings);
        }
        let every = match settings.health_check_seconds {
            0 => "off".to_string(),
            s => format!("every {s} s"),
        };
        outln!("health check  {every}");
    }

    pub fn server_page(&self, page: &ServerPage) {
        if self.json {
            return self.json(page);
        }
        if page.servers.is_empty() {
            outln!("No servers. Add one with: patchbay server create --name NAME --url URL");
            return;
        }
        let mut header = vec!["NAME", "TRANSPORT", "TARGET", "AUTH", "STATUS", "ENABLED"];
        let with_tools = page.servers.iter().any(|s| s.tools.is_some());
        if with_tools {
            header.push("TOOLS");
        }
        header.push("ID");
        let rows = page.servers.iter().map(|s| {
            let target = s
                .url
                .clone()
                .or_else(|| s.command.clone())
                .unwrap_or_default();
            let mut row = vec![
                s.name.clone(),
                s.transport.to_string(),
                target,
                s.auth_type.to_string(),
                s.status.to_string(),
                if s.is_enabled { "yes" } else { "no" }.to_string(),
            ];
            if with_tools {
                row.push(s.tools.as_ref().map_or(0, Vec::len).to_string());
            }
            row.push(s.id.clone());
            row
        });
        table(&header, rows.collect());
        if let Some(cursor) = &page.next_cursor {
            outln!("\nMore servers follow: --cursor {cursor}");
        }
    }

    pub fn workspace(&self, workspace: &Workspace) {
        if self.json {
            return self.json(workspace);
        }
        outln!(
            "{} ({} servers){}  {}",
            workspace.name,
            workspace.server_count,
            if workspace.is_default {
                ", default"
            } else {
                ""
            },
            workspace.id
        );
    }

    pub fn workspaces(&self, workspaces: &[Workspace]) {
        if self.json {
            return self.json(&serde_json::json!({ "workspaces": workspaces }));
        }
        let rows = workspaces
            .iter()
            .map(|w| {
                vec![
                    w.name.clone(),
                    w.server_count.to_string(),
                    if w.is_default { "yes" } else { "" }.to_string(),
                    w.id.clone(),
                ]
            })
            .collect();
        table(&["NAME", "SERVERS", "DEFAULT", "ID"], rows);
    }
}

pub fn table(header: &[&str], rows: Vec<Vec<String>>) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = std::io::stdout().lock();
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    let _ = writeln!(out, "{}", line(header.to_vec()));
    for row in &rows {
        let _ = writeln!(out, "{}", line(row.iter().map(String::as_str).collect()));
    }
}
