//! Property tests of what reads a client's config file: any text either parses or fails with
//! a line and column, never a panic; and an install followed by its uninstall gives back the
//! user's file byte for byte, whatever its comments, commas, spacing or line endings.
//!
//! The documents are generated: a random JSON value (or TOML table tree) written out with
//! random formatting — the shapes hand-edited files take that a serializer never writes.

use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::{Map, Value, json};

use super::config_file::Entries;
use super::registry::{CLIENTS, Format};
use super::{entry, json_entries, jsonc, toml_entries};

fn says_where(message: &str) -> bool {
    let Some(at) = message.find(" at line ") else {
        return false;
    };
    let rest = &message[at + " at line ".len()..];
    let mut parts = rest.splitn(2, ", column ");
    let line = parts.next().and_then(|l| l.parse::<usize>().ok());
    let column = parts
        .next()
        .and_then(|c| c.split(|ch: char| !ch.is_ascii_digit()).next())
        .and_then(|c| c.parse::<usize>().ok());
    matches!((line, column), (Some(l), Some(c)) if l >= 1 && c >= 1)
}

// ---- generated JSON values and JSONC text ----

fn json_key() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z_][a-zA-Z0-9_.-]{0,12}",
        any::<String>().prop_map(|s| s.chars().take(8).collect()),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1e12f64..1e12).prop_map(|f| json!(f)),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(json_key(), inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn json_object() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map(json_key(), json_value(), 0..6)
        .prop_map(|m| m.into_iter().collect())
}

/// Writes `value` as JSONC, each gap between tokens filled by the next choice of `noise`:
/// nothing, spaces, tabs, LF or CRLF line breaks, line or block comments; and maybe a trailing
/// comma after the last member or item.
struct Jsonc<'a> {
    noise: &'a [u8],
    at: usize,
    out: String,
}

impl Jsonc<'_> {
    fn next(&mut self) -> u8 {
        let n = self
            .noise
            .get(self.at % self.noise.len().max(1))
            .copied()
            .unwrap_or(0);
        self.at += 1;
        n
    }

    fn gap(&mut self) {
        let gap = match self.next() % 9 {
            0 | 1 => "",
            2 => " ",
            3 => "\n  ",
            4 => "\r\n\t",
            5 => "  // a note, with \"quotes\" and { braces }\n",
            6 => " /* block, with , and ] */ ",
            7 => "\n\n    ",
            _ => "\t",
        };
        self.out.push_str(gap);
    }

    fn value(&mut self, value: &Value) {
        match value {
            Value::Object(map) => {
                self.out.push('{');
                for (i, (k, v)) in map.iter().enumerate() {
                    self.gap();
                    self.out.push_str(&serde_json::to_string(k).unwrap());
                    self.gap();
                    self.out.push(':');
                    self.gap();
                    self.value(v);
                    self.gap();
                    if i + 1 < map.len() || self.next().is_multiple_of(4) {
                        self.out.push(',');
                    }
                }
                self.gap();
                self.out.push('}');
            }
            Value::Array(items) => {
                self.out.push('[');
                for (i, v) in items.iter().enumerate() {
                    self.gap();
                    self.value(v);
                    self.gap();
                    if i + 1 < items.len() || self.next().is_multiple_of(4) {
                        self.out.push(',');
                    }
                }
                self.gap();
                self.out.push(']');
            }
            scalar => self.out.push_str(&serde_json::to_string(scalar).unwrap()),
        }
    }
}

fn jsonc_text(value: &Value, noise: &[u8]) -> String {
    let mut w = Jsonc {
        noise,
        at: 0,
        out: String::new(),
    };
    if w.next().is_multiple_of(5) {
        w.out.push('\u{feff}');
    }
    w.gap();
    w.value(value);
    w.gap();
    w.out
}

/// Text near JSON: its punctuation, words and escapes in random order, to reach the parser's
/// error paths rather than stop at the first byte.
fn json_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("{"),
        Just("}"),
        Just("["),
        Just("]"),
        Just(":"),
        Just(","),
        Just("\""),
        Just("\\"),
        Just("\\u12"),
        Just("//"),
        Just("/*"),
        Just("*/"),
        Just("\n"),
        Just(" "),
        Just("true"),
        Just("nul"),
        Just("-"),
        Just("1e"),
        Just("0.5"),
        Just("é"),
        Just("\u{feff}"),
        Just("\"k\""),
        Just("\r"),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|p| p.concat())
}

// ---- generated TOML text ----

fn toml_key() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_][a-z0-9_-]{0,8}",
        "[a-zA-Z .é]{1,6}".prop_map(|k| format!("\"{k}\"")),
    ]
}

fn toml_scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i32>().prop_map(|n| n.to_string()),
        any::<bool>().prop_map(|b| b.to_string()),
        "[a-zA-Z0-9 #=\\[\\]]{0,10}".prop_map(|s| format!("\"{s}\"")),
        "[a-z ]{0,8}".prop_map(|s| format!("'{s}'")),
        prop::collection::vec(any::<i16>(), 0..4).prop_map(|v| {
            format!(
                "[{}]",
                v.iter().map(i16::to_string).collect::<Vec<_>>().join(", ")
            )
        }),
        ("[a-z]{1,4}", any::<u8>()).prop_map(|(k, n)| format!("{{ {k} = {n} }}")),
    ]
}

/// A TOML document: top-level keys, then tables (some under `mcp_servers`, as Codex's are)
/// and arrays of tables, with comments, blank lines, odd spacing and CRLF line ends. Keys are
/// unique where TOML needs them to be.
fn toml_text() -> impl Strategy<Value = String> {
    let line = || (toml_key(), toml_scalar(), 0u8..6);
    let table = (
        prop_oneof![
            toml_key().prop_map(|k| format!("[{k}]")),
            toml_key().prop_map(|k| format!("[mcp_servers.{k}]")),
            toml_key().prop_map(|k| format!("[[{k}s]]")),
        ],
        prop::collection::vec(line(), 0..4),
    );
    (
        prop::collection::vec(line(), 0..4),
        prop::collection::vec(table, 0..4),
        any::<bool>(),
    )
        .prop_map(|(top, tables, crlf)| {
            let nl = if crlf { "\r\n" } else { "\n" };
            let mut out = String::new();
            let lines = |out: &mut String, items: &Vec<(String, String, u8)>| {
                let mut seen = std::collections::HashSet::new();
                for (k, v, style) in items {
                    if !seen.insert(k.trim_matches('"').to_string()) {
                        continue;
                    }
                    match style {
                        0 => out.push_str(&format!("{k} = {v}{nl}")),
                        1 => out.push_str(&format!("{k}={v} # trailing note{nl}")),
                        2 => out.push_str(&format!("  {k}   =   {v}{nl}{nl}")),
                        3 => out.push_str(&format!("# about {k}{nl}{k} = {v}{nl}")),
                        4 => out.push_str(&format!("\t{k} = {v}\t{nl}")),
                        _ => out.push_str(&format!("{k} = {v}{nl}")),
                    }
                }
            };
            lines(&mut out, &top);
            let mut headers = std::collections::HashSet::new();
            for (header, body) in &tables {
                let is_array = header.starts_with("[[");
                if !is_array && !headers.insert(header.clone()) {
                    continue;
                }
                out.push_str(&format!("{nl}{header}{nl}"));
                lines(&mut out, body);
            }
            out
        })
}

// ---- the client files: install then uninstall, as `install.rs` does it ----

/// Installs `name` under `path` in `text` and takes it out again, with the same calls and in
/// the same order as `install` and `uninstall` make them; answers the final text.
fn install_then_uninstall(
    entries: &Entries,
    inputs_key: Option<&str>,
    text: &str,
    path: &[&str],
    name: &str,
    value: &Value,
) -> Option<String> {
    let what = "the test file";
    let created_container = !entries.has_container(text, path, what).ok()?;
    // Refusing a file (its servers path holds a non-object) is allowed; from here on
    // every step must work.
    let mut installed = entries.upsert(text, path, name, value, what).ok()?;
    let input_id = format!("patchbay-{name}");
    let created_inputs =
        inputs_key.is_some_and(|key| !entries.has_member(text, key, what).unwrap());
    if let Some(key) = inputs_key {
        let item = json!({"id": input_id, "type": "promptString", "password": true});
        installed = match entries.upsert_input(&installed, key, &input_id, &item, what) {
            Ok(t) => t,
            Err(_) => return None, // its `inputs` is not an array: refused likewise
        };
    }
    let listed = entries
        .list(&installed, path, what)
        .expect("the installed file parses");
    assert!(
        listed.iter().any(|(n, v)| n == name && v == value),
        "the installed entry reads back: {installed:?}"
    );
    if let Some(key) = inputs_key {
        installed = entries
            .remove_input(&installed, key, &input_id, created_inputs, what)
            .expect("the installed file parses");
    }
    let removed = entries
        .remove(&installed, path, name, created_container, what)
        .expect("the file parses")
        .expect("the entry just installed is found");
    Some(removed)
}

fn entry_value() -> Value {
    json!({"command": "/opt/patchbay/bin/patchbay", "args": ["bridge", "work"], "env": {"A": "1"}})
}

fn json_clients() -> impl Iterator<Item = &'static super::registry::ClientSpec> {
    CLIENTS.iter().filter(|c| c.format == Format::Json)
}

proptest! {
    // 256 cases by default; PROPTEST_CASES=N runs more.
    #![proptest_config(Config { cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256), max_global_rejects: 1 << 20, ..Config::default() })]

    #[test]
    fn any_text_parses_or_fails_at_a_line_and_column(text in prop_oneof![any::<String>(), json_soup()]) {
        if let Err(e) = jsonc::parse(&text, "the file") {
            prop_assert!(says_where(&e.message), "{}", e.message);
        }
        // The readers built on it answer too, without panicking.
        let _ = json_entries::entries(&text, &["mcpServers"], "the file");
        let _ = json_entries::remove(&text, &["servers"], "x", true, "the file");
    }

    #[test]
    fn any_text_given_to_the_toml_reader_parses_or_fails_at_a_line_and_column(
        text in prop_oneof![any::<String>(), toml_text().prop_map(|t| t.replace('=', "= =")), toml_text()]
    ) {
        if let Err(e) = toml_entries::entries(&text, &["mcp_servers"], "the file") {
            prop_assert!(says_where(&e.message), "{}", e.message);
        }
    }

    #[test]
    fn formatted_jsonc_reads_as_the_value_it_writes(value in json_value(), noise in prop::collection::vec(any::<u8>(), 1..64)) {
        let text = jsonc_text(&value, &noise);
        let node = jsonc::parse(&text, "the file").map_err(|e| TestCaseError::fail(format!("{}: {text:?}", e.message)))?;
        // As serde_json reads the same value written plainly (its float parsing may differ
        // from the value in the last place, the same way for both).
        let plain: Value = serde_json::from_str(&serde_json::to_string(&value).unwrap()).unwrap();
        prop_assert_eq!(node.to_value(), plain);
    }

    #[test]
    fn install_then_uninstall_restores_a_json_file_byte_for_byte(
        root in json_object(),
        servers in prop::option::of(json_object()),
        inputs in prop::option::of(prop::collection::vec(json_value(), 0..3)),
        noise in prop::collection::vec(any::<u8>(), 1..64),
    ) {
        for spec in json_clients() {
            let mut doc = root.clone();
            // VS Code's prompted inputs: none, an empty array, or the user's own items.
            if let (Some(key), Some(items)) = (spec.secret_inputs_key, &inputs) {
                doc.insert(key.to_string(), Value::Array(items.clone()));
            }
            // Sometimes the client already has servers (the container exists), sometimes not.
            if let Some(servers) = &servers {
                let mut value = Value::Object(servers.clone());
                for key in spec.servers_path.iter().rev() {
                    value = json!({ *key: value });
                }
                if let Value::Object(nested) = value {
                    for (k, v) in nested {
                        doc.insert(k, v);
                    }
                }
            }
            let text = jsonc_text(&Value::Object(doc), &noise);
            let name = "patchbay-test-entry";
            let entries = Entries { format: Format::Json };
            // A file whose servers path holds something else than an object is refused, and
            // that is fine; every file it accepts must come back as it was.
            if let Some(back) = install_then_uninstall(&entries, spec.secret_inputs_key, &text, spec.servers_path, name, &entry_value()) {
                prop_assert_eq!(&back, &text, "{} changed the file", spec.id);
            }
        }
    }

    #[test]
    fn install_then_uninstall_restores_a_toml_file_byte_for_byte(text in toml_text()) {
        let entries = Entries { format: Format::Toml };
        // The generator may write what TOML refuses (a table named twice): not this case.
        prop_assume!(toml_entries::entries(&text, &["mcp_servers"], "the file").is_ok());
        let back = install_then_uninstall(&entries, None, &text, &["mcp_servers"], "patchbay-test-entry", &entry_value());
        prop_assert_eq!(back.as_deref(), Some(text.as_str()));
    }

    #[test]
    fn a_client_entry_of_any_shape_is_read_or_skipped(value in json_value()) {
        for spec in CLIENTS {
            if let Some(read) = entry::read(spec, &value) {
                // What was read can be written in the client's own shape and read again.
                let written = entry::write(spec, &read);
                prop_assert!(entry::read(spec, &written).is_some(), "{}: {written}", spec.id);
            }
            let _ = entry::switched_off(&value);
        }
    }
}
