//! Finding a portal's served tools by what a model needs done, for portals that list a search
//! tool instead of every tool: BM25 over each tool's name, title, description and its
//! parameters' names and descriptions, with the name and parameter names weighing more, and a
//! little boost for the tools used lately. Built from the served catalog, so a tool that is not
//! served (denied, disabled, its server off) is never found.

use std::collections::HashMap;

use serde_json::Value;

const K1: f64 = 1.2;
const B: f64 = 0.75;

struct Doc {
    exposed: String,
    terms: HashMap<String, u32>,
    len: u32,
    uses: u32,
}

/// The search index of a portal's served tools. Public so the search benchmark measures the
/// index the gateway uses.
#[derive(Default)]
pub struct ToolIndex {
    docs: Vec<Doc>,
    /// How many tools hold each term.
    holding: HashMap<String, u32>,
    average_len: f64,
}

/// Words too common to tell tools apart; a task's "what is the status of my build" is found
/// by "status" and "build".
const STOP_WORDS: &[&str] = &[
    "a", "about", "all", "an", "and", "any", "are", "as", "at", "be", "by", "can", "do", "does",
    "for", "from", "give", "have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my",
    "no", "not", "of", "on", "or", "our", "so", "some", "than", "that", "the", "their", "them",
    "then", "there", "this", "to", "us", "want", "was", "we", "what", "when", "where", "which",
    "who", "why", "will", "with", "you", "your",
];

/// A word's stem, so "crashing", "crashed" and "crashes" all find "crash": a few English
/// suffixes taken off (never leaving fewer than three letters) and a doubled last consonant
/// undone ("running" → "run"). Applied alike to tools and tasks, so the stems need not be words.
fn stem(word: &str) -> String {
    let keeps = |stem: &str| stem.chars().count() >= 3;
    let undouble = |stem: &str| -> String {
        let b = stem.as_bytes();
        let n = b.len();
        if n >= 2 && b[n - 1] == b[n - 2] && !b"aeiouslz".contains(&b[n - 1]) {
            stem[..n - 1].to_string()
        } else {
            stem.to_string()
        }
    };
    let mut w = word.to_string();
    if let Some(s) = w.strip_suffix("ies").filter(|s| keeps(s)) {
        w = format!("{s}y");
    } else if let Some(s) = w
        .strip_suffix("es")
        .filter(|s| keeps(s) && ["s", "x", "z", "ch", "sh"].iter().any(|e| s.ends_with(e)))
    {
        w = s.to_string();
    } else if let Some(s) = w
        .strip_suffix('s')
        .filter(|s| keeps(s) && !s.ends_with('s'))
    {
        w = s.to_string();
    }
    if let Some(s) = w.strip_suffix("ing").filter(|s| keeps(s)) {
        w = undouble(s);
    } else if let Some(s) = w.strip_suffix("ed").filter(|s| keeps(s)) {
        w = undouble(s);
    }
    if let Some(s) = w.strip_suffix('e').filter(|s| keeps(s)) {
        w = s.to_string();
    }
    w
}

/// The stems of `text`'s words, lower-cased, split at anything not a letter or digit and where
/// `camelCase` turns, common words left out.
pub(crate) fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    let mut flush = |word: &mut String| {
        let w = word.to_lowercase();
        if w.chars().count() > 1 && !STOP_WORDS.contains(&w.as_str()) {
            out.push(stem(&w));
        }
        word.clear();
    };
    for c in text.chars() {
        if !c.is_alphanumeric() {
            flush(&mut word);
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower {
            flush(&mut word);
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        word.push(c);
    }
    flush(&mut word);
    out
}

/// What a tool is found by, each field as many times as it weighs.
fn fields(definition: &Value) -> Vec<(String, u32)> {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let mut out = vec![
        (text(&definition["name"]), 3),
        (text(&definition["title"]), 2),
        (text(&definition["description"]), 1),
    ];
    if let Some(properties) = definition["inputSchema"]["properties"].as_object() {
        for (name, schema) in properties {
            out.push((name.clone(), 2));
            out.push((text(&schema["description"]), 1));
        }
    }
    out
}

impl ToolIndex {
    /// The index of `tools` (each tool's exposed name and its definition as served), with how
    /// often each was called lately (`uses`, by exposed name).
    pub fn build<'a>(
        tools: impl IntoIterator<Item = (&'a str, &'a Value)>,
        uses: &HashMap<String, u32>,
    ) -> ToolIndex {
        let mut index = ToolIndex::default();
        for (exposed, definition) in tools {
            let mut terms: HashMap<String, u32> = HashMap::new();
            let mut len = 0;
            for (text, weight) in fields(definition) {
                for word in words(&text) {
                    *terms.entry(word).or_default() += weight;
                    len += weight;
                }
            }
            for term in terms.keys() {
                *index.holding.entry(term.clone()).or_default() += 1;
            }
            index.docs.push(Doc {
                exposed: exposed.to_string(),
                terms,
                len,
                uses: uses.get(exposed).copied().unwrap_or_default(),
            });
        }
        let total: u64 = index.docs.iter().map(|d| u64::from(d.len)).sum();
        index.average_len = total as f64 / index.docs.len().max(1) as f64;
        index
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The exposed names of the best `limit` matches for `query`, best first; ties go to the
    /// tool used more, then by name.
    pub fn search(&self, query: &str, limit: usize) -> Vec<&str> {
        let mut query_words = words(query);
        query_words.sort();
        query_words.dedup();
        let n = self.docs.len() as f64;
        let mut scored: Vec<(f64, &Doc)> = self
            .docs
            .iter()
            .filter_map(|doc| {
                let mut score = 0.0;
                for word in &query_words {
                    let Some(&tf) = doc.terms.get(word) else {
                        continue;
                    };
                    let holding = f64::from(self.holding.get(word).copied().unwrap_or(1));
                    let idf = ((n - holding + 0.5) / (holding + 0.5) + 1.0).ln();
                    let tf = f64::from(tf);
                    let norm = 1.0 - B + B * f64::from(doc.len) / self.average_len.max(1.0);
                    score += idf * tf * (K1 + 1.0) / (tf + K1 * norm);
                }
                (score > 0.0).then(|| (score * (1.0 + 0.1 * f64::from(doc.uses).ln_1p()), doc))
            })
            .collect();
        scored.sort_by(|(a, x), (b, y)| {
            b.total_cmp(a)
                .then(y.uses.cmp(&x.uses))
                .then(x.exposed.cmp(&y.exposed))
        });
        scored
            .into_iter()
            .take(limit)
            .map(|(_, d)| d.exposed.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portals::served::ServedItem;

    fn index_of(tools: &[ServedItem], uses: &HashMap<String, u32>) -> ToolIndex {
        ToolIndex::build(
            tools.iter().map(|t| (t.exposed.as_str(), &t.definition)),
            uses,
        )
    }

    fn tool(exposed: &str, description: &str, params: Value) -> ServedItem {
        ServedItem {
            exposed: exposed.into(),
            server_id: "s".into(),
            upstream: exposed.into(),
            definition: serde_json::json!({
                "name": exposed, "description": description,
                "inputSchema": {"type": "object", "properties": params},
            }),
        }
    }

    #[test]
    fn words_split_cases_drop_common_words_and_share_stems() {
        assert_eq!(
            words("getSum of 2 Numbers, read_notes"),
            ["get", "sum", "number", "read", "not"]
        );
        // Each form of a word finds the others.
        for family in [
            &["crash", "crashes", "crashed", "crashing"][..],
            &["run", "runs", "running"],
            &["stage", "staged", "stages", "staging"],
            &["entity", "entities"],
            &["process", "processes"],
        ] {
            let stems: Vec<_> = family.iter().map(|w| words(w)).collect();
            assert!(
                stems.iter().all(|s| *s == stems[0]),
                "{family:?}: {stems:?}"
            );
        }
    }

    #[test]
    fn a_need_finds_the_tool_that_does_it_and_use_breaks_ties() {
        let tools = vec![
            tool(
                "math__get-sum",
                "Returns the sum of two numbers.",
                serde_json::json!({"a": {"description": "First number"}}),
            ),
            tool(
                "notes__read_note",
                "Reads a note by its title.",
                serde_json::json!({"title": {}}),
            ),
            tool(
                "notes__write_note",
                "Writes a note.",
                serde_json::json!({"title": {}, "body": {}}),
            ),
        ];
        let index = index_of(&tools, &HashMap::new());
        assert_eq!(
            index.search("add two numbers together", 1),
            ["math__get-sum"]
        );
        assert_eq!(
            index.search("read the note titled Plans", 1),
            ["notes__read_note"]
        );
        assert!(index.search("weather in Paris", 5).is_empty());
        let used = HashMap::from([("notes__write_note".to_string(), 40)]);
        let index = index_of(&tools, &used);
        assert_eq!(index.search("note", 1), ["notes__write_note"]);
    }
}
