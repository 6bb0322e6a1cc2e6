//! Reading and writing one named entry in a TOML config (Codex's `[mcp_servers.NAME]`) with
//! toml_edit, which keeps comments, order and formatting of everything else.

use serde_json::Value;
use toml_edit::{DocumentMut, Item, Table};

use crate::error::{Error, Result};

fn parse(text: &str, what: &str) -> Result<DocumentMut> {
    text.parse::<DocumentMut>().map_err(|e| {
        let at = e
            .span()
            .map(|s| {
                let before = &text[..s.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
                format!(" at line {line}, column {column}")
            })
            .unwrap_or_default();
        Error::validation(
            "file",
            format!(
                "{what} does not parse{at}: {}; fix or restore the file, Patchbay leaves it as it is",
                e.message()
            ),
        )
    })
}

fn container<'a>(doc: &'a DocumentMut, path: &[&str]) -> Option<&'a Table> {
    let mut table = doc.as_table();
    for key in path {
        table = table.get(key)?.as_table()?;
    }
    Some(table)
}

pub(crate) fn entries(text: &str, path: &[&str], what: &str) -> Result<Vec<(String, Value)>> {
    let doc = parse(text, what)?;
    let Some(table) = container(&doc, path) else {
        return Ok(Vec::new());
    };
    Ok(table
        .iter()
        .filter_map(|(name, item)| Some((name.to_string(), to_json(item.as_table_like()?))))
        .collect())
}

pub(crate) fn has_container(text: &str, path: &[&str], what: &str) -> Result<bool> {
    Ok(container(&parse(text, what)?, path).is_some())
}

pub(crate) fn upsert(
    text: &str,
    path: &[&str],
    name: &str,
    value: &Value,
    what: &str,
) -> Result<String> {
    let mut doc = parse(text, what)?;
    let mut table = doc.as_table_mut();
    for key in path {
        let item = table.entry(key).or_insert_with(|| {
            let mut t = Table::new();
            t.set_implicit(true);
            Item::Table(t)
        });
        table = item.as_table_mut().ok_or_else(|| {
            Error::validation(
                "file",
                format!("{what}: '{key}' is not a table; Patchbay leaves the file as it is"),
            )
        })?;
    }
    table.insert(name, Item::Table(from_json(value)));
    Ok(written(text, &doc))
}

pub(crate) fn remove(
    text: &str,
    path: &[&str],
    name: &str,
    drop_empty: bool,
    what: &str,
) -> Result<Option<String>> {
    let mut doc = parse(text, what)?;
    let mut table = doc.as_table_mut();
    for key in path {
        match table.get_mut(key).and_then(Item::as_table_mut) {
            Some(t) => table = t,
            None => return Ok(None),
        }
    }
    if table.remove(name).is_none() {
        return Ok(None);
    }
    if drop_empty && table.is_empty() && !path.is_empty() {
        let mut parent = doc.as_table_mut();
        for key in &path[..path.len() - 1] {
            match parent.get_mut(key).and_then(Item::as_table_mut) {
                Some(t) => parent = t,
                None => return Ok(Some(written(text, &doc))),
            }
        }
        parent.remove(path[path.len() - 1]);
    }
    Ok(Some(written(text, &doc)))
}

/// The document as text, with the line ends of the file it was read from: toml_edit ends every
/// line it writes with `\n`, which would turn a Windows user's CRLF file into a mixed or LF one.
fn written(original: &str, doc: &DocumentMut) -> String {
    let text = doc.to_string();
    if !original.contains("\r\n") {
        return text;
    }
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut previous = '\0';
    for c in text.chars() {
        if c == '\n' && previous != '\r' {
            out.push('\r');
        }
        out.push(c);
        previous = c;
    }
    out
}

fn to_json(table: &dyn toml_edit::TableLike) -> Value {
    let mut map = serde_json::Map::new();
    for (key, item) in table.iter() {
        if let Some(v) = item_json(item) {
            map.insert(key.to_string(), v);
        }
    }
    Value::Object(map)
}

fn item_json(item: &Item) -> Option<Value> {
    match item {
        Item::Value(v) => Some(value_json(v)),
        Item::Table(t) => Some(to_json(t)),
        Item::ArrayOfTables(a) => Some(Value::Array(a.iter().map(|t| to_json(t)).collect())),
        Item::None => None,
    }
}

fn value_json(v: &toml_edit::Value) -> Value {
    use toml_edit::Value as T;
    match v {
        T::String(s) => Value::String(s.value().clone()),
        T::Integer(i) => Value::from(*i.value()),
        T::Float(f) => serde_json::Number::from_f64(*f.value()).map_or(Value::Null, Value::Number),
        T::Boolean(b) => Value::Bool(*b.value()),
        T::Datetime(d) => Value::String(d.value().to_string()),
        T::Array(a) => Value::Array(a.iter().map(value_json).collect()),
        T::InlineTable(t) => to_json(t),
    }
}

/// A JSON object as a TOML table: nested objects become inline tables (`env = { A = "1" }`).
fn from_json(value: &Value) -> Table {
    let mut table = Table::new();
    if let Value::Object(map) = value {
        for (key, v) in map {
            if let Some(v) = toml_value(v) {
                table.insert(key, Item::Value(v));
            }
        }
    }
    table
}

fn toml_value(value: &Value) -> Option<toml_edit::Value> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(b) => (*b).into(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.into(),
            None => n.as_f64()?.into(),
        },
        Value::String(s) => s.as_str().into(),
        Value::Array(items) => {
            let mut array = toml_edit::Array::new();
            for item in items {
                if let Some(v) = toml_value(item) {
                    array.push(v);
                }
            }
            toml_edit::Value::Array(array)
        }
        Value::Object(map) => {
            let mut inline = toml_edit::InlineTable::new();
            for (k, v) in map {
                if let Some(v) = toml_value(v) {
                    inline.insert(k, v);
                }
            }
            toml_edit::Value::InlineTable(inline)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn add_then_remove_restores_the_bytes() {
        let original = "# Codex settings\nmodel = \"o4\"  # mine\n\n[mcp_servers.docs]\ncommand = \"docs-mcp\"\nargs = [\"--stdio\"]\n";
        let entry = json!({"url": "http://127.0.0.1:47821/mcp/work", "http_headers": {"Authorization": "Bearer x"}});
        let added = upsert(original, &["mcp_servers"], "patchbay-work", &entry, "f").unwrap();
        let listed = entries(&added, &["mcp_servers"], "f").unwrap();
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[1], ("patchbay-work".to_string(), entry));
        let removed = remove(&added, &["mcp_servers"], "patchbay-work", false, "f")
            .unwrap()
            .unwrap();
        assert_eq!(removed, original, "{added}");

        let bare = "model = \"o4\"\n";
        let added = upsert(bare, &["mcp_servers"], "w", &json!({"command": "x"}), "f").unwrap();
        let removed = remove(&added, &["mcp_servers"], "w", true, "f")
            .unwrap()
            .unwrap();
        assert_eq!(removed, bare, "{added}");
    }

    #[test]
    fn a_file_that_does_not_parse_is_refused_with_where() {
        let err = upsert("a = \n", &["mcp_servers"], "w", &json!({}), "config.toml").unwrap_err();
        assert!(err.message.contains("line 1"), "{}", err.message);
    }
}
