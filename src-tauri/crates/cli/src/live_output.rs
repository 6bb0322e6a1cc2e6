//! How live results print: JSON for scripts, short summaries for people.

use std::io::Write;

use patchbay_core::live::{
    ConnectionReport, DefinitionDiff, PromptDetail, SyncItem, SyncReport, ToolCallResult,
    ToolDetail,
};
use patchbay_core::servers::ApprovalState;
use serde_json::Value;

use crate::output::{Output, outln, table};

fn info_text(info: &Value, key: &str) -> String {
    info.get(key)
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_string()
}

impl Output {
    pub fn connection_report(&self, r: &ConnectionReport) {
        if self.json {
            return self.json(r);
        }
        let t = &r.timings_ms;
        outln!(
            "Connected to {} {} over {} (protocol {})",
            info_text(&r.server_info, "name"),
            info_text(&r.server_info, "version"),
            r.transport,
            r.protocol_version.as_deref().unwrap_or("?"),
        );
        outln!(
            "  {} tools, {} prompts, {} resources, {} resource templates",
            r.counts.tools,
            r.counts.prompts,
            r.counts.resources,
            r.counts.resource_templates
        );
        for tool in &r.tools {
            let first_line = tool.description.lines().next().unwrap_or_default();
            outln!("    {}  {}", tool.name, first_line);
        }
        outln!(
            "  connect {} ms, tools {} ms, prompts {} ms, resources {} ms, total {} ms",
            t.connect,
            t.tools,
            t.prompts,
            t.resources,
            t.total
        );
    }

    fn sync_line(report: &SyncReport) -> String {
        let mut line = format!(
            "synced {}: {} tools, {} prompts, {} resources in {} ms",
            report.server.name,
            report.counts.tools,
            report.counts.prompts,
            report.counts.resources + report.counts.resource_templates,
            report.duration_ms
        );
        if report.needs_approval > 0 {
            line.push_str(&format!(
                "; {} tool(s) wait for approval (`patchbay tool list {}`)",
                report.needs_approval, report.server.name
            ));
        }
        line
    }

    pub fn sync_report(&self, report: &SyncReport) {
        if self.json {
            return self.json(report);
        }
        outln!("{}", Self::sync_line(report));
        for (label, names) in [
            ("new", &report.tools_added),
            ("changed", &report.tools_changed),
            ("removed", &report.tools_removed),
        ] {
            if !names.is_empty() {
                outln!("  {label}: {}", names.join(", "));
            }
        }
    }

    /// Each server of a sync of many, as it finishes (people only: scripts get the list).
    pub fn sync_progress(&self, item: &SyncItem) {
        if self.json {
            return;
        }
        let mut out = std::io::stdout().lock();
        let _ = match (&item.report, &item.error) {
            (Some(report), _) => writeln!(out, "ok    {}", Self::sync_line(report)),
            (_, Some(err)) => writeln!(out, "fail  {}: {}", item.name, err.message),
            _ => Ok(()),
        };
        let _ = out.flush();
    }

    pub fn sync_items(&self, items: &[SyncItem]) {
        let failed = items.iter().filter(|i| i.error.is_some()).count();
        if self.json {
            return self.json(&serde_json::json!({
                "results": items,
                "synced": items.len() - failed,
                "failed": failed,
            }));
        }
        if items.is_empty() {
            outln!("No enabled servers to sync.");
        } else {
            outln!("{} synced, {} failed", items.len() - failed, failed);
        }
    }

    pub fn tools(&self, tools: &[ToolDetail]) {
        if self.json {
            let tokens: u32 = tools.iter().map(|t| t.tokens).sum();
            return self.json(&serde_json::json!({ "tools": tools, "tokens": tokens }));
        }
        if tools.is_empty() {
            outln!("No tools as of the last sync. Sync with: patchbay server sync SERVER");
            return;
        }
        let rows = tools
            .iter()
            .map(|t| {
                review_row(
                    &t.name,
                    t.approval_state,
                    t.changed,
                    t.is_new,
                    &t.description,
                )
            })
            .collect();
        table(&["TOOL", "APPROVAL", "CHANGE", "DESCRIPTION"], rows);
    }

    pub fn prompts(&self, prompts: &[PromptDetail]) {
        if self.json {
            return self.json(&serde_json::json!({ "prompts": prompts }));
        }
        if prompts.is_empty() {
            outln!("No prompts as of the last sync. Sync with: patchbay server sync SERVER");
            return;
        }
        let rows = prompts
            .iter()
            .map(|p| {
                review_row(
                    &p.name,
                    p.approval_state,
                    p.changed,
                    p.is_new,
                    &p.description,
                )
            })
            .collect();
        table(&["PROMPT", "APPROVAL", "CHANGE", "DESCRIPTION"], rows);
    }

    pub fn definition_diff(&self, diff: &DefinitionDiff) {
        if self.json {
            return self.json(diff);
        }
        if diff.approved.is_none() {
            outln!(
                "{} was never approved; as the server describes it now:",
                diff.name
            );
            return self.value(&diff.current);
        }
        if diff.changes.is_empty() {
            outln!("{} is as it was approved.", diff.name);
        }
        let show = |v: &Option<Value>| {
            v.as_ref()
                .map(|v| serde_json::to_string_pretty(v).unwrap_or_default())
                .unwrap_or_else(|| "(none)".into())
        };
        for change in &diff.changes {
            outln!("{}:", change.field);
            for line in show(&change.approved).lines() {
                outln!("  - {line}");
            }
            for line in show(&change.current).lines() {
                outln!("  + {line}");
            }
        }
    }

    pub fn tool_result(&self, result: &ToolCallResult) {
        if self.json {
            return self.json(result);
        }
        if result.is_error {
            outln!("The tool reported an error:");
        }
        for block in &result.content {
            match block.get("type").and_then(Value::as_str) {
                Some("text") => outln!("{}", info_text(block, "text")),
                Some(kind) => outln!(
                    "[{kind} content{}]",
                    block
                        .get("mimeType")
                        .and_then(Value::as_str)
                        .map(|m| format!(", {m}"))
                        .unwrap_or_default()
                ),
                None => self.value(block),
            }
        }
        if let Some(structured) = &result.structured_content {
            outln!("structured content:");
            self.value(structured);
        }
    }

    pub fn value(&self, value: &Value) {
        outln!(
            "{}",
            serde_json::to_string_pretty(value).unwrap_or_default()
        );
    }
}

/// A reviewed tool or prompt, as a row: name, approval, what changed, the description's
/// first line.
fn review_row(
    name: &str,
    state: ApprovalState,
    changed: bool,
    is_new: bool,
    description: &str,
) -> Vec<String> {
    let mark = if changed {
        "changed"
    } else if is_new && state == ApprovalState::NeedsApproval {
        "new"
    } else {
        ""
    };
    let mut description = description.lines().next().unwrap_or("").to_string();
    if description.chars().count() > 60 {
        description = description.chars().take(59).collect::<String>() + "…";
    }
    vec![
        name.to_string(),
        state.to_string(),
        mark.to_string(),
        description,
    ]
}
