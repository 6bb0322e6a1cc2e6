//! What may be written down of a text that came from outside (a server's error, a URL, a
//! command line): the values of URL query parameters and of secret-looking arguments are
//! masked, so a log line or a stored error never carries a token that a server, a user or an
//! OAuth redirect put into it. `Secret` keeps Patchbay's own secrets out; this catches the
//! ones that arrive as plain text.

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::Regex;

/// The tracing directive to add to a log filter whose most verbose level is `max`: rmcp's
/// OAuth code logs the authorization code and tokens at debug level, so wherever a filter
/// asks for debug, that module stays at info.
pub fn oauth_quieted(max: Option<tracing::level_filters::LevelFilter>) -> Option<&'static str> {
    max.filter(|level| *level > tracing::level_filters::LevelFilter::INFO)
        .map(|_| "rmcp::transport::auth=info")
}

/// `text` with query values, URL user info, `Bearer` credentials and the values of
/// arguments named like secrets (`token`, `api_key`, `password`, `secret`, `code`, …) masked.
pub fn masked(text: &str) -> Cow<'_, str> {
    static PATTERNS: OnceLock<[(Regex, &'static str); 4]> = OnceLock::new();
    let patterns = PATTERNS.get_or_init(|| {
        let re = |p: &str| Regex::new(p).expect("a valid pattern");
        [
            // user:password@ in a URL
            (re(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@"), "${1}…@"),
            // each value of a URL's query: ?a=1&b=2 → ?a=…&b=…
            (re(r"([?&][^=&#\s]+=)[^&#\s]+"), "${1}…"),
            (re(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"), "${1} …"),
            // --api-key=x, token: x, "password":"x", SECRET_TOKEN=x
            (
                re(concat!(
                    r#"(?i)((?:api[_-]?key|access[_-]?token|refresh[_-]?token|client[_-]?secret|"#,
                    r#"token|secret|password|passwd|credential|auth(?:orization)?|code|verifier)"#,
                    r#"[A-Za-z0-9_-]*"?\s*[=:]\s*"?)[^\s"&,;]+"#
                )),
                "${1}…",
            ),
        ]
    });
    let mut out = Cow::Borrowed(text);
    for (pattern, with) in patterns {
        if pattern.is_match(&out) {
            out = Cow::Owned(pattern.replace_all(&out, *with).into_owned());
        }
    }
    out
}

/// A writer that masks what passes through it (`masked`), for log files and stderr. The
/// formatter writes one event per call, so each write is masked whole.
pub struct Masked<W>(pub W);

impl<W: std::io::Write> std::io::Write for Masked<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(masked(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_in_urls_arguments_and_headers_are_masked() {
        for (text, kept, gone) in [
            (
                "GET https://auth.example/callback?code=abc123&state=xyz failed",
                "https://auth.example/callback?code=…&state=…",
                "abc123",
            ),
            (
                "connect to https://bob:hunter2@db.example/x",
                "https://…@db.example/x",
                "hunter2",
            ),
            (
                "sent Authorization: Bearer eyJhbGciOi.x.y",
                "Authorization: …",
                "eyJhbGciOi",
            ),
            ("retrying with bearer abc.def", "bearer …", "abc.def"),
            (
                "npx server --api-key=sk-live-42 --port 3",
                "--api-key=… --port 3",
                "sk-live-42",
            ),
            (
                "env GITHUB_TOKEN=ghp_abcdef run",
                "GITHUB_TOKEN=… run",
                "ghp_abcdef",
            ),
            (
                r#"{"client_secret":"s3cr3t","ok":1}"#,
                r#""client_secret":"…""#,
                "s3cr3t",
            ),
        ] {
            let out = masked(text);
            assert!(out.contains(kept), "{text} → {out}");
            assert!(!out.contains(gone), "{text} → {out}");
        }
        let plain = "the server at https://mcp.example/mcp answered 503";
        assert_eq!(masked(plain), plain, "nothing to mask, nothing changed");
    }

    #[test]
    fn the_writer_masks_each_event() {
        let mut out = Masked(Vec::new());
        std::io::Write::write_all(&mut out, b"redirect to /cb?code=zzz9\n").unwrap();
        assert_eq!(
            String::from_utf8(out.0).unwrap(),
            "redirect to /cb?code=…\n"
        );
    }
}
