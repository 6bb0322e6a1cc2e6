//! Values that name environment variables instead of holding a value: `${env:NAME}`, read
//! where the server is started (the user's gateway, the CLI), so that a token kept in the
//! user's environment is never copied into Patchbay. Clients' configs spell such references
//! several ways; an import keeps them as references in this one spelling.

use crate::error::{Error, Result};

/// What a client's config value is, to Patchbay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ConfigValue {
    /// Text as it is (it may be a secret).
    Literal(String),
    /// Text naming environment variables, rewritten as `${env:NAME}`.
    Reference(String),
    /// A VS Code input (`${input:id}`): the value lives in VS Code's secret storage, out of
    /// Patchbay's reach; the import asks the user for it instead.
    Input(String),
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Reads a client's value. The spellings: `${env:NAME}` (VS Code, Cursor, Windsurf),
/// `${NAME}` and `${NAME:-default}` (Claude Code's `.mcp.json` expansion; the default is
/// dropped: Patchbay asks for a set variable), `$NAME` and `${NAME}` (Gemini CLI's env
/// values), `${input:id}` (VS Code's inputs).
pub(crate) fn classify(value: &str) -> ConfigValue {
    let mut out = String::with_capacity(value.len());
    let mut referenced = false;
    let mut rest = value;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(inner) = after.strip_prefix('{')
            && let Some(end) = inner.find('}')
        {
            let body = &inner[..end];
            if let Some(id) = body.strip_prefix("input:") {
                return ConfigValue::Input(id.to_string());
            }
            let name = body.strip_prefix("env:").unwrap_or(body);
            let name = name.split_once(":-").map_or(name, |(n, _)| n);
            if name.starts_with(is_name_start) && name.chars().all(is_name) {
                out.push_str(&format!("${{env:{name}}}"));
                referenced = true;
                rest = &inner[end + 1..];
                continue;
            }
        } else if after.starts_with(is_name_start) {
            let len = after.find(|c: char| !is_name(c)).unwrap_or(after.len());
            out.push_str(&format!("${{env:{}}}", &after[..len]));
            referenced = true;
            rest = &after[len..];
            continue;
        }
        out.push('$');
        rest = after;
    }
    out.push_str(rest);
    if referenced {
        ConfigValue::Reference(out)
    } else {
        ConfigValue::Literal(value.to_string())
    }
}

/// Whether the text names a variable in Patchbay's spelling.
pub(crate) fn has_reference(text: &str) -> bool {
    text.contains("${env:")
}

/// The text with each `${env:NAME}` replaced by that variable's value; a validation error
/// naming the first one that is not set.
pub(crate) fn expand(text: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("${env:") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "${env:".len()..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[at..]);
            return Ok(out);
        };
        let name = &after[..end];
        let value = lookup(name).ok_or_else(|| {
            Error::validation(
                "env",
                format!(
                    "the environment variable {name} is not set where Patchbay runs; set it (then \
                     restart the gateway), or enter the value in the server's settings"
                ),
            )
        })?;
        out.push_str(&value);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::ConfigValue::*;
    use super::*;

    #[test]
    fn every_clients_spelling_becomes_one_reference() {
        for (given, kept) in [
            ("${GITHUB_TOKEN}", "${env:GITHUB_TOKEN}"),
            ("$GITHUB_TOKEN", "${env:GITHUB_TOKEN}"),
            ("${env:GITHUB_TOKEN}", "${env:GITHUB_TOKEN}"),
            ("${GITHUB_TOKEN:-none}", "${env:GITHUB_TOKEN}"),
            ("Bearer ${TOKEN}", "Bearer ${env:TOKEN}"),
            ("Bearer $TOKEN", "Bearer ${env:TOKEN}"),
            ("${A}-${env:B}", "${env:A}-${env:B}"),
        ] {
            assert_eq!(classify(given), Reference(kept.into()), "{given}");
        }
    }

    #[test]
    fn literals_and_inputs_are_told_apart() {
        for literal in ["sk-123", "p@ss$", "cost $5", "a${}b", "${1X}"] {
            assert_eq!(classify(literal), Literal(literal.into()), "{literal}");
        }
        assert_eq!(classify("${input:api-key}"), Input("api-key".into()));
        assert_eq!(classify("Bearer ${input:tok}"), Input("tok".into()));
    }

    #[test]
    fn expansion_reads_each_variable_and_names_a_missing_one() {
        let lookup = |n: &str| (n == "TOKEN").then(|| "s3cret".to_string());
        assert_eq!(
            expand("Bearer ${env:TOKEN}", lookup).unwrap(),
            "Bearer s3cret"
        );
        assert_eq!(expand("plain", lookup).unwrap(), "plain");
        let missing = expand("${env:NOPE}", lookup).unwrap_err();
        assert_eq!(missing.code, crate::ErrorCode::Validation);
        assert!(missing.message.contains("NOPE"), "{}", missing.message);
    }
}
