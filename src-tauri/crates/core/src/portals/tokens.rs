//! What a portal's definitions cost a model's context: the tokens of each tool and prompt as
//! the gateway serves it — the item's JSON in `tools/list` or `prompts/list` (name, title,
//! description, schemas, annotations, `_meta`), serialized as the gateway serializes it —
//! counted with OpenAI's `o200k_base` encoding (tiktoken-rs, pinned in Cargo.lock), that of
//! today's GPT models. Other models' tokenizers count somewhat differently; one encoding
//! makes portals and members comparable.

use rmcp::model::{Prompt, Tool};
use rusqlite::{Connection, params};
use serde_json::Value;

use super::model::PortalMember;
use crate::error::Result;

/// The encoding the counts are in.
pub const ENCODING: &str = "o200k_base";

/// Tokens of `text` (special-token markers in it count as the text they are).
pub fn tokens_of(text: &str) -> u32 {
    tiktoken_rs::o200k_base_singleton()
        .encode_ordinary(text)
        .len() as u32
}

/// The JSON the gateway serves for the tool stored as `definition`, under the name `exposed`.
pub(crate) fn served_tool_json(definition: &Value, exposed: &str) -> Option<String> {
    served_json::<Tool>(definition, exposed)
}

/// The JSON the gateway serves for the prompt stored as `definition`, under `exposed`.
pub(crate) fn served_prompt_json(definition: &Value, exposed: &str) -> Option<String> {
    served_json::<Prompt>(definition, exposed)
}

fn served_json<T: serde::de::DeserializeOwned + serde::Serialize>(
    definition: &Value,
    exposed: &str,
) -> Option<String> {
    let mut definition = definition.clone();
    definition["name"] = exposed.into();
    let item: T = serde_json::from_value(definition).ok()?;
    serde_json::to_string(&item).ok()
}

/// What the portal's `tools/list` costs in each mode: its served tools as `members` counted
/// them (`count_members`), and the meta-tools a mode lists beside or instead of them.
pub(crate) fn listed_tokens(
    catalog: &super::served::ServedCatalog,
    members: &[PortalMember],
) -> super::ListedTokens {
    use super::PortalMode;
    let counted: std::collections::HashMap<&str, u32> = members
        .iter()
        .flat_map(|m| &m.tools)
        .filter_map(|t| Some((t.exposed_name.as_str(), t.tokens?)))
        .collect();
    let cost = |mode| -> u32 {
        super::listing::listed(catalog, mode)
            .iter()
            .map(|d| {
                let name = d["name"].as_str().unwrap_or_default();
                counted.get(name).copied().unwrap_or_else(|| {
                    served_tool_json(d, name)
                        .as_deref()
                        .map(tokens_of)
                        .unwrap_or_default()
                })
            })
            .sum()
    };
    super::ListedTokens {
        direct: cost(PortalMode::Direct),
        search: cost(PortalMode::Search),
        hybrid: cost(PortalMode::Hybrid),
    }
}

/// Fills in what each member's tools and prompts cost as the portal would serve them, and
/// each member's total of what it does serve.
pub(crate) fn count_members(conn: &Connection, members: &mut [PortalMember]) -> Result<()> {
    let mut tool_stmt = conn
        .prepare_cached("SELECT definition FROM server_tools WHERE server_id = ?1 AND name = ?2")?;
    let mut prompt_stmt = conn.prepare_cached(
        "SELECT definition FROM server_prompts WHERE server_id = ?1 AND name = ?2",
    )?;
    for member in members {
        let definition = |stmt: &mut rusqlite::CachedStatement, name: &str| {
            let text: Option<String> = stmt
                .query_row(params![member.server_id, name], |r| r.get(0))
                .ok();
            text.and_then(|t| serde_json::from_str::<Value>(&t).ok())
                .unwrap_or_default()
        };
        let mut total = 0;
        for tool in &mut member.tools {
            let json =
                served_tool_json(&definition(&mut tool_stmt, &tool.name), &tool.exposed_name);
            let tokens = json.as_deref().map(tokens_of).unwrap_or_default();
            tool.tokens = Some(tokens);
            total += if tool.served { tokens } else { 0 };
        }
        for prompt in &mut member.prompts {
            let json = served_prompt_json(
                &definition(&mut prompt_stmt, &prompt.name),
                &prompt.exposed_name,
            );
            let tokens = json.as_deref().map(tokens_of).unwrap_or_default();
            prompt.tokens = Some(tokens);
            total += if prompt.served { tokens } else { 0 };
        }
        member.tokens = Some(total);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_the_encodings_and_the_served_name_counts() {
        // "hello world" is two tokens in o200k_base.
        assert_eq!(tokens_of("hello world"), 2);
        // A special-token marker in a hostile description is text, not a control token.
        assert!(tokens_of("<|endoftext|>") > 1);
        let definition = serde_json::json!({
            "name": "search",
            "description": "Searches the notes.",
            "inputSchema": {"type": "object", "properties": {"q": {"type": "string"}}},
        });
        let short = served_tool_json(&definition, "n__search").unwrap();
        let long = served_tool_json(&definition, "notes_for_the_whole_team__search").unwrap();
        assert!(short.starts_with(r#"{"name":"n__search""#), "{short}");
        assert!(tokens_of(&long) > tokens_of(&short));
    }
}
