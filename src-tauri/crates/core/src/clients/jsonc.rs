//! A JSON-with-comments reader that keeps where everything is: enough to find a client's
//! servers in its config file and to change one entry by splicing text, so every other byte
//! — comments, formatting, key order, unknown keys — stays as the user left it. Accepts
//! `//` and `/* */` comments and trailing commas (VS Code's and Zed's settings use both).

use serde_json::{Map, Value};

use crate::error::{Error, Result};

#[derive(Debug)]
pub(crate) struct Node {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
}

#[derive(Debug)]
pub(crate) enum Kind {
    Object(Vec<Member>),
    Array(Vec<Node>),
    Scalar(Value),
}

#[derive(Debug)]
pub(crate) struct Member {
    pub key: String,
    pub key_start: usize,
    pub value: Node,
}

impl Node {
    pub fn members(&self) -> Option<&[Member]> {
        match &self.kind {
            Kind::Object(members) => Some(members),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Member> {
        self.members()?.iter().rev().find(|m| m.key == key)
    }

    pub fn to_value(&self) -> Value {
        match &self.kind {
            Kind::Object(members) => {
                let mut map = Map::new();
                for m in members {
                    map.insert(m.key.clone(), m.value.to_value());
                }
                Value::Object(map)
            }
            Kind::Array(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            Kind::Scalar(v) => v.clone(),
        }
    }
}

/// Parses a whole document; an error names the line and column.
pub(crate) fn parse(text: &str, what: &str) -> Result<Node> {
    let mut p = Parser { text, pos: 0, what };
    p.skip_blank()?;
    let node = p.value(0)?;
    p.skip_blank()?;
    if p.pos < text.len() {
        return Err(p.error("expected the end of the document"));
    }
    Ok(node)
}

/// Where a line ends before `pos` (for indentation): the whitespace that starts `pos`'s line.
pub(crate) fn line_indent(text: &str, pos: usize) -> &str {
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let rest = &text[line_start..];
    let width = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    &rest[..width]
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    what: &'a str,
}

const MAX_DEPTH: usize = 256;

impl Parser<'_> {
    fn error(&self, expected: &str) -> Error {
        let before = &self.text[..self.pos.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        Error::validation(
            "file",
            format!(
                "{} does not parse at line {line}, column {column}: expected {expected}; fix or restore the file, Patchbay leaves it as it is",
                self.what
            ),
        )
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// Whitespace and comments.
    fn skip_blank(&mut self) -> Result<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                // A byte-order mark, as some Windows editors write.
                Some(0xEF) if self.text[self.pos..].starts_with('\u{feff}') => self.pos += 3,
                Some(b'/') if self.text[self.pos..].starts_with("//") => {
                    self.pos = self.text[self.pos..]
                        .find('\n')
                        .map_or(self.text.len(), |i| self.pos + i);
                }
                Some(b'/') if self.text[self.pos..].starts_with("/*") => {
                    let Some(end) = self.text[self.pos + 2..].find("*/") else {
                        return Err(self.error("the end of this comment (*/): it is never closed"));
                    };
                    self.pos += 2 + end + 2;
                }
                _ => return Ok(()),
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node> {
        if depth > MAX_DEPTH {
            return Err(self.error("less nesting"));
        }
        let start = self.pos;
        let kind = match self.peek() {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Kind::Scalar(Value::String(self.string()?)),
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            _ => return Err(self.error("a value")),
        };
        Ok(Node {
            start,
            end: self.pos,
            kind,
        })
    }

    fn object(&mut self, depth: usize) -> Result<Kind> {
        self.pos += 1;
        let mut members = Vec::new();
        loop {
            self.skip_blank()?;
            match self.peek() {
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Kind::Object(members));
                }
                Some(b'"') => {}
                _ => return Err(self.error("a key in double quotes or '}'")),
            }
            let key_start = self.pos;
            let key = self.string()?;
            self.skip_blank()?;
            if self.peek() != Some(b':') {
                return Err(self.error("':' after the key"));
            }
            self.pos += 1;
            self.skip_blank()?;
            let value = self.value(depth + 1)?;
            members.push(Member {
                key,
                key_start,
                value,
            });
            self.skip_blank()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {}
                _ => return Err(self.error("',' or '}'")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Kind> {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_blank()?;
            if self.peek() == Some(b']') {
                self.pos += 1;
                return Ok(Kind::Array(items));
            }
            items.push(self.value(depth + 1)?);
            self.skip_blank()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {}
                _ => return Err(self.error("',' or ']'")),
            }
        }
    }

    fn string(&mut self) -> Result<String> {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let mut i = start + 1;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 2,
                b'"' => {
                    self.pos = i + 1;
                    return serde_json::from_str(&self.text[start..self.pos])
                        .map_err(|_| self.error("a valid string"));
                }
                b'\n' => break,
                _ => i += 1,
            }
        }
        self.pos = start;
        Err(self.error("a string closed on its line"))
    }

    fn number(&mut self) -> Result<Kind> {
        let start = self.pos;
        while matches!(
            self.peek(),
            Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
        ) {
            self.pos += 1;
        }
        serde_json::from_str::<serde_json::Number>(&self.text[start..self.pos])
            .map(|n| Kind::Scalar(Value::Number(n)))
            .map_err(|_| {
                self.pos = start;
                self.error("a number")
            })
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Kind> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(Kind::Scalar(value))
        } else {
            Err(self.error("a value"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_trailing_commas_and_spans() {
        let text = "// settings\n{\n  \"a\": 1, /* one */\n  \"b\": {\"c\": [true, null,],},\n}\n";
        let root = parse(text, "settings.json").unwrap();
        assert_eq!(
            root.to_value(),
            serde_json::json!({"a": 1, "b": {"c": [true, null]}})
        );
        let b = root.get("b").unwrap();
        assert_eq!(&text[b.value.start..b.value.end], "{\"c\": [true, null,],}");
        assert_eq!(line_indent(text, b.key_start), "  ");
    }

    #[test]
    fn errors_name_the_line_and_column() {
        let err = parse("{\n  \"a\": 1\n  \"b\": 2\n}", "mcp.json").unwrap_err();
        assert!(err.message.contains("line 3, column 3"), "{}", err.message);
        let err = parse("{\"a\": /* never closed", "x").unwrap_err();
        assert!(err.message.contains("never closed"), "{}", err.message);
    }
}
