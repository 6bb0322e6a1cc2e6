//! How portals print: JSON for scripts, a card or a table for people.

use patchbay_core::gateway::CallRecord;
use patchbay_core::portals::Portal;

use crate::output::{Output, outln, table};

impl Output {
    pub fn portal(&self, p: &Portal) {
        if self.json {
            return self.json(p);
        }
        outln!("{}  {}", p.name, p.url);
        if !p.description.is_empty() {
            outln!("  {}", p.description);
        }
        outln!(
            "  secure: {}{}",
            if p.secure {
                "yes"
            } else {
                "no (any local client)"
            },
            p.token_redacted
                .as_deref()
                .map(|h| format!(", token {h}"))
                .unwrap_or_default()
        );
        if let Some(token) = &p.token {
            outln!(
                "  token: {token}\n  (shown only now; Patchbay's installed entries read it from the keyring)"
            );
        }
        for file in &p.entries_rewritten {
            outln!("  rewrote the installed entry in {file}");
        }
        match p.mode {
            patchbay_core::portals::PortalMode::Direct => {}
            patchbay_core::portals::PortalMode::Search => {
                outln!("  lists a search tool and a call tool instead of its tools")
            }
            patchbay_core::portals::PortalMode::Hybrid => outln!(
                "  lists its {} most used tools{}, a search tool and a call tool",
                p.top_n,
                if p.pinned.is_empty() {
                    String::new()
                } else {
                    format!(", {}", p.pinned.join(", "))
                }
            ),
        }
        if let Some(tokens) = p.tokens {
            let budget = match p.token_budget {
                Some(b) if tokens > b => format!(" — over its budget of {b}"),
                Some(b) => format!(" of a budget of {b}"),
                None => String::new(),
            };
            outln!(
                "  costs a model {tokens} tokens ({}){budget}",
                patchbay_core::portals::tokens::ENCODING
            );
        }
        for m in p.servers.iter().flatten() {
            let served = m.tools.iter().filter(|t| t.served).count();
            outln!(
                "  {} ({}): {}, {served} of {} tools served{}{}",
                m.name,
                m.slug,
                m.status,
                m.tools.len(),
                m.tokens
                    .map(|t| format!(", {t} tokens"))
                    .unwrap_or_default(),
                if m.updated_tools.is_empty() {
                    String::new()
                } else {
                    format!(", changed: {}", m.updated_tools.join(", "))
                }
            );
            if let Some(error) = &m.error_message {
                outln!("    {error}");
            }
        }
    }

    pub fn portals(&self, portals: &[Portal]) {
        if self.json {
            return self.json(&serde_json::json!({ "portals": portals }));
        }
        if portals.is_empty() {
            outln!("No portals. Create one with: patchbay portal create --name NAME");
            return;
        }
        let rows = portals
            .iter()
            .map(|p| {
                vec![
                    p.name.clone(),
                    p.url.clone(),
                    if p.secure { "yes" } else { "no" }.into(),
                    p.id.clone(),
                ]
            })
            .collect();
        table(&["NAME", "URL", "SECURE", "ID"], rows);
    }

    pub fn calls(&self, calls: &[CallRecord]) {
        if self.json {
            return self.json(&serde_json::json!({ "calls": calls }));
        }
        if calls.is_empty() {
            outln!("No calls through this portal yet.");
            return;
        }
        let rows = calls
            .iter()
            .map(|c| {
                vec![
                    c.at.clone(),
                    if c.method == "tools/call" {
                        c.tool.clone()
                    } else {
                        format!("{} ← {}", c.tool, c.method)
                    },
                    c.outcome.as_str().to_string(),
                    if c.queued_ms > 0 {
                        format!("{} ms ({} queued)", c.duration_ms, c.queued_ms)
                    } else {
                        format!("{} ms", c.duration_ms)
                    },
                    format!("{}/{} B", c.bytes_in, c.bytes_out),
                    c.error.clone().unwrap_or_default(),
                ]
            })
            .collect();
        table(&["AT", "TOOL", "OUTCOME", "TIME", "IN/OUT", "ERROR"], rows);
    }
}
