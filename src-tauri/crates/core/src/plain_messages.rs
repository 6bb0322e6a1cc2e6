//! Core messages are read at every door — the desktop form shows them under its fields, the
//! CLI prints them — so they say what is wrong and what to do in the product's words, never
//! in one door's syntax: no `--flag`, no `patchbay command` in backticks. The CLI adds its
//! flag hints itself, from the error's code and field.

/// The string literals of `source` outside comments, char literals and test modules.
fn literals(source: &str) -> Vec<(usize, String)> {
    let code = source.split("#[cfg(test)]").next().unwrap_or(source);
    let bytes = code.as_bytes();
    let (mut i, mut line, mut found) = (0, 1, Vec::new());
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => line += 1,
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            // A raw string (the regexes): not a message.
            b'r' if bytes.get(i + 1) == Some(&b'#') && bytes.get(i + 2) == Some(&b'"') => {
                let end = code[i + 3..]
                    .find("\"#")
                    .map_or(code.len(), |e| i + 3 + e + 2);
                line += code[i..end].matches('\n').count();
                i = end;
                continue;
            }
            // A char literal ('"', '\'', 'x'), not a lifetime ('a).
            b'\'' if bytes.get(i + 1) == Some(&b'\\') => i += 3,
            b'\'' if bytes.get(i + 2) == Some(&b'\'') => i += 2,
            b'"' => {
                let (start, first_line) = (i + 1, line);
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    if bytes.get(i) == Some(&b'\n') {
                        line += 1;
                    }
                    i += 1;
                }
                found.push((first_line, code[start..i.min(code.len())].to_string()));
            }
            _ => {}
        }
        i += 1;
    }
    found
}

/// A sentence (it has a space) that names a CLI flag or quotes a command.
fn speaks_cli(text: &str) -> bool {
    text.contains(' ')
        && (text.contains('`')
            || text
                .split(|c: char| c.is_whitespace() || c == '(')
                .any(|word| {
                    word.len() > 2
                        && word.starts_with("--")
                        && word.as_bytes()[2].is_ascii_lowercase()
                }))
}

#[test]
fn no_core_message_speaks_in_cli_flags_or_commands() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && !path.ends_with("plain_messages.rs")
            {
                let source = std::fs::read_to_string(&path).unwrap();
                for (line, text) in literals(&source) {
                    if speaks_cli(&text) {
                        let at = path.strip_prefix(&root).unwrap().display();
                        offenders.push(format!("{at}:{line}: {text}"));
                    }
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "core messages in one door's words:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_scan_sees_what_it_looks_for() {
    let source = "fn f() { let c = '\"'; // \"--flag in a comment\"\n Error::validation(\"x\", \"pass --api-key-stdin\"); }";
    let found = literals(source);
    assert_eq!(
        found,
        [
            (2, "x".to_string()),
            (2, "pass --api-key-stdin".to_string())
        ]
    );
    assert!(speaks_cli("pass --api-key-stdin") && speaks_cli("run `patchbay server list`"));
    assert!(!speaks_cli("--data-dir") && !speaks_cli("a -- b") && !speaks_cli("give the key"));
}
