//! What the app's sign-in window says about the page it shows, on every navigation: whose
//! page it is and whether the connection is encrypted (the user types a password there), and
//! whether the provider refuses to sign in inside an embedded browser, so that the system
//! browser can take over in one click.

use base64::Engine;
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PopupPage {
    /// `scheme://host[:port]` of the page.
    pub origin: String,
    /// The page came over https.
    pub https: bool,
    /// The window may show it: https, or http on this machine (a local authorization server,
    /// the loopback callback). Anything else is not loaded.
    pub allowed: bool,
    /// The provider says it refuses embedded sign-in (Google's `disallowed_useragent`).
    pub refuses_embedded: bool,
}

/// Google's error for sign-in in an embedded browser; its error page carries it in the URL,
/// plainly or inside a base64 `authError` value.
const EMBEDDED_REFUSED: &str = "disallowed_useragent";

impl PopupPage {
    pub fn of(url: &url::Url) -> PopupPage {
        let origin = match url.origin() {
            url::Origin::Tuple(..) => url.origin().ascii_serialization(),
            // about:blank, data:, blob:…: no origin to trust.
            url::Origin::Opaque(_) => format!("{}:", url.scheme()),
        };
        PopupPage {
            origin,
            https: url.scheme() == "https",
            allowed: crate::web_origin::https_or_loopback(url.as_str())
                || url.as_str() == "about:blank",
            refuses_embedded: refuses_embedded(url),
        }
    }

    /// The window's title, drawn by the OS where the page cannot change or cover it.
    pub fn title(&self) -> String {
        let how = match (self.allowed, self.https) {
            (false, _) => "blocked: not https",
            (true, true) => "https",
            (true, false) => "this machine, not encrypted",
        };
        format!("{} ({how}) — Authorize Patchbay", self.origin)
    }
}

fn refuses_embedded(url: &url::Url) -> bool {
    url.query_pairs().any(|(_, value)| {
        if value.contains(EMBEDDED_REFUSED) {
            return true;
        }
        let decoded = [
            base64::engine::general_purpose::URL_SAFE_NO_PAD,
            base64::engine::general_purpose::URL_SAFE,
        ]
        .iter()
        .find_map(|engine| engine.decode(value.trim_end_matches('=')).ok())
        .or_else(|| {
            base64::engine::general_purpose::STANDARD
                .decode(value.as_bytes())
                .ok()
        });
        decoded.is_some_and(|bytes| {
            bytes
                .windows(EMBEDDED_REFUSED.len())
                .any(|w| w == EMBEDDED_REFUSED.as_bytes())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(url: &str) -> PopupPage {
        PopupPage::of(&url::Url::parse(url).unwrap())
    }

    #[test]
    fn says_whose_page_it_is_and_whether_it_is_encrypted() {
        let google = page("https://accounts.google.com/o/oauth2/v2/auth?client_id=x");
        assert_eq!(
            (google.origin.as_str(), google.https, google.allowed),
            ("https://accounts.google.com", true, true)
        );
        assert_eq!(
            google.title(),
            "https://accounts.google.com (https) — Authorize Patchbay"
        );
        let local = page("http://127.0.0.1:8080/authorize");
        assert!(local.allowed && !local.https);
        assert!(local.title().contains("not encrypted"));
        for refused in [
            "http://login.example.com/",
            "file:///etc/passwd",
            "data:text/html,<h1>sign in</h1>",
            "javascript:alert(1)",
        ] {
            let p = page(refused);
            assert!(!p.allowed, "{refused}");
            assert!(p.title().contains("blocked"), "{refused}");
        }
    }

    #[test]
    fn finds_the_embedded_browser_refusal_plain_or_encoded() {
        // The shape of Google's error page: the reason inside a base64 protobuf.
        let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(b"\n\x14disallowed_useragent\x12\x0bsome detail");
        let google = format!(
            "https://accounts.google.com/signin/oauth/error?authError={encoded}&client_id=x"
        );
        assert!(page(&google).refuses_embedded);
        assert!(page("http://127.0.0.1:9/error?error=disallowed_useragent").refuses_embedded);
        assert!(
            !page("https://accounts.google.com/o/oauth2/v2/auth?client_id=x&state=abc")
                .refuses_embedded
        );
    }
}
