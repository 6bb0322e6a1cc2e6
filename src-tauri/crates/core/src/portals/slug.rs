//! URL- and tool-name-safe slugs: lowercase ASCII letters, digits and dashes.

pub(crate) fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "portal".into() } else { out }
}

/// The name a tool is served under: `<server-slug>__<tool>`, or its alias. Server slugs have
/// no `__`, so two members can never produce the same name.
pub(crate) fn exposed_tool_name(prefix: &str, tool: &str, alias: Option<&str>) -> String {
    match alias {
        Some(alias) => alias.to_string(),
        None => format!("{prefix}{tool}"),
    }
}

/// A member's prefix as stored (`None`: the default `<slug>__`), in effect.
pub(crate) fn member_prefix(slug: &str, stored: Option<&str>) -> String {
    stored.map_or_else(|| format!("{slug}__"), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_dashed_and_never_empty() {
        assert_eq!(slugify("My GitHub  Tools!"), "my-github-tools");
        assert_eq!(slugify("a__b"), "a-b");
        assert_eq!(slugify("日本"), "portal");
        assert_eq!(
            exposed_tool_name(&member_prefix("github", None), "search", None),
            "github__search"
        );
        assert_eq!(
            exposed_tool_name("github__", "search", Some("find")),
            "find"
        );
        assert_eq!(
            exposed_tool_name(&member_prefix("github", Some("")), "search", None),
            "search"
        );
        assert_eq!(
            exposed_tool_name(&member_prefix("github", Some("gh_")), "search", None),
            "gh_search"
        );
    }
}
