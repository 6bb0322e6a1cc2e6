//! Reading and writing one named entry in a JSON (or JSONC) config file, under a path of
//! keys (`mcpServers`, `servers`, `context_servers`…), by splicing text: an entry added and
//! then removed leaves the file as it was, byte for byte, and nothing else in it moves.

use serde_json::Value;

use super::jsonc::{self, Member, Node, line_indent};
use crate::error::{Error, Result};

/// The entries under `path`, in file order.
pub(crate) fn entries(text: &str, path: &[&str], what: &str) -> Result<Vec<(String, Value)>> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let root = jsonc::parse(text, what)?;
    let Some(container) = find(&root, path) else {
        return Ok(Vec::new());
    };
    Ok(container
        .members()
        .unwrap_or_default()
        .iter()
        .map(|m| (m.key.clone(), m.value.to_value()))
        .collect())
}

/// Adds or replaces the entry `name` under `path`; creates the containers (and the document)
/// that are missing.
pub(crate) fn upsert(
    text: &str,
    path: &[&str],
    name: &str,
    value: &Value,
    what: &str,
) -> Result<String> {
    if text.trim().is_empty() {
        let mut doc = value.clone();
        doc = nest(&[path, &[name]].concat(), doc);
        return Ok(format!("{}\n", pretty(&doc, "  ", "")));
    }
    let root = jsonc::parse(text, what)?;
    if root.members().is_none() {
        return Err(not_an_object(what));
    }
    let unit = indent_unit(text, &root);
    // The deepest object on the path that exists, and the rest of the path below it.
    let mut object = &root;
    let mut depth = 0;
    while depth < path.len() {
        match object.get(path[depth]) {
            Some(m) if m.value.members().is_some() => {
                object = &m.value;
                depth += 1;
            }
            Some(_) => {
                return Err(Error::validation(
                    "file",
                    format!(
                        "{what}: '{}' is not an object; fix it by hand, Patchbay leaves the file as it is",
                        path[..=depth].join(".")
                    ),
                ));
            }
            None => break,
        }
    }
    if depth == path.len()
        && let Some(existing) = object.get(name)
    {
        let indent = line_indent(text, existing.key_start).to_string();
        let replacement = pretty(value, &unit, &indent);
        return Ok(splice(
            text,
            existing.value.start,
            existing.value.end,
            &replacement,
        ));
    }
    let (key, inner) = if depth == path.len() {
        (name, value.clone())
    } else {
        let rest = [&path[depth + 1..], &[name]].concat();
        (path[depth], nest(&rest, value.clone()))
    };
    Ok(insert_member(text, object, key, &inner, &unit))
}

/// Removes the entry `name` under `path`; `None` when there is none. With `drop_empty`, a
/// container left empty goes too (it was made for this entry).
pub(crate) fn remove(
    text: &str,
    path: &[&str],
    name: &str,
    drop_empty: bool,
    what: &str,
) -> Result<Option<String>> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let root = jsonc::parse(text, what)?;
    let Some(container) = find(&root, path) else {
        return Ok(None);
    };
    let members = container.members().unwrap_or_default();
    let Some(index) = members.iter().rposition(|m| m.key == name) else {
        return Ok(None);
    };
    if drop_empty && members.len() == 1 && !path.is_empty() {
        // Remove the container the same way, from its parent.
        let parent_path = &path[..path.len() - 1];
        return remove(text, parent_path, path[path.len() - 1], drop_empty, what);
    }
    Ok(Some(remove_member(text, container, index)))
}

/// Whether the object at `path` exists (an install that creates it removes it again).
pub(crate) fn has_container(text: &str, path: &[&str], what: &str) -> Result<bool> {
    if text.trim().is_empty() {
        return Ok(false);
    }
    Ok(find(&jsonc::parse(text, what)?, path).is_some())
}

/// Whether the document has the top-level member `key`.
pub(crate) fn has_member(text: &str, key: &str, what: &str) -> Result<bool> {
    if text.trim().is_empty() {
        return Ok(false);
    }
    Ok(jsonc::parse(text, what)?.get(key).is_some())
}

/// Adds or replaces the item of the top-level array `key` whose `"id"` is `id` (VS Code's
/// `inputs`); creates the array when missing.
pub(crate) fn upsert_item(
    text: &str,
    key: &str,
    id: &str,
    item: &Value,
    what: &str,
) -> Result<String> {
    let root = jsonc::parse(text, what)?;
    if root.members().is_none() {
        return Err(not_an_object(what));
    }
    let unit = indent_unit(text, &root);
    let Some(member) = root.get(key) else {
        return Ok(insert_member(
            text,
            &root,
            key,
            &Value::Array(vec![item.clone()]),
            &unit,
        ));
    };
    let jsonc::Kind::Array(items) = &member.value.kind else {
        return Err(Error::validation(
            "file",
            format!(
                "{what}: '{key}' is not an array; fix it by hand, Patchbay leaves the file as it is"
            ),
        ));
    };
    let nl = newline(text);
    if let Some(existing) = items.iter().find(|i| item_id(i) == Some(id)) {
        let indent = line_indent(text, existing.start).to_string();
        let replacement = pretty(item, &unit, &indent).replace('\n', nl);
        return Ok(splice(text, existing.start, existing.end, &replacement));
    }
    match items.last() {
        Some(last) => {
            let indent = line_indent(text, last.start).to_string();
            let added = format!(
                ",{nl}{indent}{}",
                pretty(item, &unit, &indent).replace('\n', nl)
            );
            Ok(splice(text, last.end, last.end, &added))
        }
        None => {
            // Inside the brackets, before whatever the user had there (a comment, spaces), so
            // that `remove_item` can cut exactly what was added.
            let indent = line_indent(text, member.key_start).to_string();
            let inner = format!("{indent}{unit}");
            let added = format!(
                "{nl}{inner}{}{nl}{indent}",
                pretty(item, &unit, &inner).replace('\n', nl)
            );
            Ok(splice(
                text,
                member.value.start + 1,
                member.value.start + 1,
                &added,
            ))
        }
    }
}

/// Removes the item of the top-level array `key` whose `"id"` is `id`; `None` when there is
/// none. Cuts what `upsert_item` added, so the two in turn restore the text exactly; with
/// `drop_empty` (the install made the array), an array left empty goes too.
pub(crate) fn remove_item(
    text: &str,
    key: &str,
    id: &str,
    drop_empty: bool,
    what: &str,
) -> Result<Option<String>> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let root = jsonc::parse(text, what)?;
    let members = root.members().unwrap_or_default();
    let Some(at) = members.iter().rposition(|m| m.key == key) else {
        return Ok(None);
    };
    let member = &members[at];
    let jsonc::Kind::Array(items) = &member.value.kind else {
        return Ok(None);
    };
    let Some(index) = items.iter().position(|i| item_id(i) == Some(id)) else {
        return Ok(None);
    };
    if items.len() == 1 && drop_empty {
        return Ok(Some(remove_member(text, &root, at)));
    }
    let (start, end) = match (index.checked_sub(1), items.get(index + 1)) {
        (Some(previous), _) => (items[previous].end, items[index].end),
        (None, Some(next)) => (items[index].start, next.start),
        (None, None) => {
            // The only item: what `upsert_item` put after '[', with its closing line.
            let mut end = items[index].end;
            let closing = format!("{}{}", newline(text), line_indent(text, member.key_start));
            if text[end..].starts_with(&closing) {
                end += closing.len();
            }
            (member.value.start + 1, end)
        }
    };
    Ok(Some(splice(text, start, end, "")))
}

/// The document has no member but, perhaps, the empty array `leftover`.
pub(crate) fn holds_nothing(text: &str, leftover: Option<&str>) -> bool {
    let Ok(root) = jsonc::parse(text, "") else {
        return false;
    };
    root.members().is_some_and(|members| {
        members.iter().all(|m| {
            Some(m.key.as_str()) == leftover
                && matches!(&m.value.kind, jsonc::Kind::Array(items) if items.is_empty())
        })
    })
}

fn item_id(item: &Node) -> Option<&str> {
    match &item.get("id")?.value.kind {
        jsonc::Kind::Scalar(Value::String(id)) => Some(id),
        _ => None,
    }
}

fn find<'a>(root: &'a Node, path: &[&str]) -> Option<&'a Node> {
    let mut node = root;
    for key in path {
        node = &node.get(key)?.value;
    }
    node.members().map(|_| node)
}

fn not_an_object(what: &str) -> Error {
    Error::validation(
        "file",
        format!("{what} is not a JSON object; Patchbay leaves it as it is"),
    )
}

fn nest(path: &[&str], value: Value) -> Value {
    path.iter().rev().fold(value, |inner, key| {
        let mut map = serde_json::Map::new();
        map.insert((*key).to_string(), inner);
        Value::Object(map)
    })
}

fn splice(text: &str, start: usize, end: usize, with: &str) -> String {
    let mut out = String::with_capacity(text.len() + with.len());
    out.push_str(&text[..start]);
    out.push_str(with);
    out.push_str(&text[end..]);
    out
}

/// The file's own indent step: that of the root's first member, else two spaces.
fn indent_unit(text: &str, root: &Node) -> String {
    root.members()
        .and_then(|m| m.first())
        .map(|m| line_indent(text, m.key_start).to_string())
        .filter(|i| !i.is_empty())
        .unwrap_or_else(|| "  ".into())
}

/// The file's line ending: Windows files keep CRLF in what is written into them.
fn newline(text: &str) -> &'static str {
    if text.contains("\r\n") { "\r\n" } else { "\n" }
}

/// `value` as pretty JSON with `unit` per level, its later lines starting at `base`.
fn pretty(value: &Value, unit: &str, base: &str) -> String {
    let mut buf = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(unit.as_bytes());
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
    serde::Serialize::serialize(value, &mut ser).expect("a JSON value serializes");
    let text = String::from_utf8(buf).expect("serde_json writes UTF-8");
    text.replace('\n', &format!("\n{base}"))
}

fn insert_member(text: &str, object: &Node, key: &str, value: &Value, unit: &str) -> String {
    let members = object.members().unwrap_or_default();
    let key_json = Value::String(key.to_string()).to_string();
    let nl = newline(text);
    let lines = |indent: &str| pretty(value, unit, indent).replace('\n', nl);
    match members.last() {
        Some(last) => {
            let indent = line_indent(text, last.key_start).to_string();
            let member = format!(",{nl}{indent}{key_json}: {}", lines(&indent));
            splice(text, last.value.end, last.value.end, &member)
        }
        None => {
            let outer = line_indent(text, object.start).to_string();
            let indent = format!("{outer}{unit}");
            let member = format!("{nl}{indent}{key_json}: {}{nl}{outer}", lines(&indent));
            splice(text, object.start + 1, object.start + 1, &member)
        }
    }
}

/// Cuts a member so that an `insert_member` followed by this restores the text exactly.
fn remove_member(text: &str, object: &Node, index: usize) -> String {
    let members: &[Member] = object.members().unwrap_or_default();
    let member = &members[index];
    if index > 0 {
        // `,<space>"key": value` after the previous member's value.
        return splice(text, members[index - 1].value.end, member.value.end, "");
    }
    if let Some(next) = members.get(1) {
        return splice(text, member.key_start, next.key_start, "");
    }
    // The only member: what `insert_member` put after '{', including the newline and the
    // closing indentation it added.
    let outer = line_indent(text, object.start);
    let mut end = member.value.end;
    let closing = format!("{}{outer}", newline(text));
    if text[end..].starts_with(&closing) {
        end += closing.len();
    }
    splice(text, object.start + 1, end, "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const PATH: &[&str] = &["mcpServers"];

    fn round_trip(original: &str, path: &[&str]) {
        let entry = json!({"command": "patchbay", "args": ["bridge", "work"]});
        let existed = has_container(original, path, "f").unwrap();
        let added = upsert(original, path, "patchbay-work", &entry, "f").unwrap();
        let listed = entries(&added, path, "f").unwrap();
        assert!(
            listed
                .iter()
                .any(|(n, v)| n == "patchbay-work" && *v == entry),
            "{added}"
        );
        let removed = remove(&added, path, "patchbay-work", !existed, "f")
            .unwrap()
            .unwrap();
        assert_eq!(removed, original, "after add then remove:\n{added}");
    }

    #[test]
    fn add_then_remove_restores_the_bytes() {
        round_trip(
            "{\n  \"mcpServers\": {\n    \"a\": {\"command\": \"x\"}\n  }\n}\n",
            PATH,
        );
        round_trip("{\n\t\"mcpServers\": {}\n}\n", PATH);
        round_trip("{\"other\": 1}", PATH);
        round_trip(
            "// mine\n{\n  \"theme\": \"dark\", // keep\n  \"mcpServers\": {\n    \"a\": {},\n  },\n}\n",
            PATH,
        );
        round_trip("{\n  \"a\": 1\n}\n", &["context_servers"]);
        round_trip(
            "{\r\n  \"mcpServers\": {\r\n    \"a\": {}\r\n  }\r\n}\r\n",
            PATH,
        );
        round_trip("\u{feff}{\r\n  \"mcpServers\": {}\r\n}\r\n", PATH);
        round_trip(
            "{\n  \"mcp\": {\"servers\": {\"x\": {}}}\n}\n",
            &["mcp", "servers"],
        );
    }

    #[test]
    fn a_windows_file_gets_windows_line_endings() {
        let text = "{\r\n  \"mcpServers\": {\r\n    \"a\": {}\r\n  }\r\n}\r\n";
        let added = upsert(text, PATH, "w", &json!({"args": ["x"]}), "f").unwrap();
        assert!(!added.replace("\r\n", "").contains('\n'), "{added:?}");
    }

    #[test]
    fn a_new_file_holds_just_the_entry_and_an_entry_is_replaced_in_place() {
        let text = upsert("", PATH, "w", &json!({"url": "u"}), "f").unwrap();
        assert_eq!(
            text,
            "{\n  \"mcpServers\": {\n    \"w\": {\n      \"url\": \"u\"\n    }\n  }\n}\n"
        );
        let text = upsert(&text, PATH, "w", &json!({"url": "v"}), "f").unwrap();
        assert_eq!(
            entries(&text, PATH, "f").unwrap(),
            vec![("w".into(), json!({"url": "v"}))]
        );
        assert!(remove(&text, PATH, "nope", true, "f").unwrap().is_none());
    }

    #[test]
    fn a_file_that_does_not_parse_or_has_no_object_is_refused() {
        assert!(upsert("{\"mcpServers\": ", PATH, "w", &json!({}), "f").is_err());
        assert!(upsert("[1, 2]", PATH, "w", &json!({}), "f").is_err());
        assert!(upsert("{\"mcpServers\": 3}", PATH, "w", &json!({}), "f").is_err());
    }

    #[test]
    fn an_item_of_a_top_level_array_is_added_replaced_and_removed_by_id() {
        let input = json!({"type": "promptString", "id": "patchbay-x", "password": true});
        let original = "{\n  // mine\n  \"servers\": {}\n}\n";
        let added = upsert_item(original, "inputs", "patchbay-x", &input, "f").unwrap();
        let parsed = jsonc::parse(&added, "f").unwrap().to_value();
        assert_eq!(parsed["inputs"], json!([input]));
        assert!(added.contains("// mine"));
        let again = upsert_item(&added, "inputs", "patchbay-x", &input, "f").unwrap();
        assert_eq!(again, added, "the same item is not added twice");

        let theirs =
            "{\n  \"inputs\": [\n    {\"id\": \"theirs\", \"type\": \"promptString\"}\n  ]\n}\n";
        let both = upsert_item(theirs, "inputs", "patchbay-x", &input, "f").unwrap();
        let parsed = jsonc::parse(&both, "f").unwrap().to_value();
        assert_eq!(parsed["inputs"].as_array().unwrap().len(), 2);
        let removed = remove_item(&both, "inputs", "patchbay-x", false, "f")
            .unwrap()
            .unwrap();
        assert_eq!(
            removed, theirs,
            "removing ours restores theirs byte for byte"
        );

        let empty = "{\"inputs\": [ /* none yet */ ], \"servers\": {}}";
        let one = upsert_item(empty, "inputs", "patchbay-x", &input, "f").unwrap();
        assert_eq!(
            jsonc::parse(&one, "f").unwrap().to_value()["inputs"],
            json!([input])
        );
        let back = remove_item(&one, "inputs", "patchbay-x", false, "f")
            .unwrap()
            .unwrap();
        assert_eq!(back, empty, "the user's empty array comes back as it was");
        assert_eq!(
            remove_item(&back, "inputs", "patchbay-x", false, "f").unwrap(),
            None
        );
        // An array the install made goes with the uninstall.
        let made = upsert_item(original, "inputs", "patchbay-x", &input, "f").unwrap();
        let gone = remove_item(&made, "inputs", "patchbay-x", true, "f").unwrap();
        assert_eq!(gone.as_deref(), Some(original));
    }
}
