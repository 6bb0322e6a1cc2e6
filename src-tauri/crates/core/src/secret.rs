//! A secret value in memory. It prints as `<redacted>` and cannot be serialized, so it never
//! reaches SQLite, logs, the UI or CLI output by accident.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The plain value, for the one place that must hand it on (the keyring, an HTTP header).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What outputs may show of it: at most the last 4 characters, and none of a short secret.
    pub fn hint(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        if chars.len() >= 12 {
            let tail: String = chars[chars.len() - 4..].iter().collect();
            format!("…{tail}")
        } else {
            "…".to_string()
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, _serializer: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("a secret cannot be serialized"))
    }
}

/// Secrets arrive from the front doors (a form, stdin); they only never leave.
impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret::new)
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        // Overwrite the whole buffer so a freed secret does not linger in memory dumps;
        // zeroize's volatile writes are not optimized away as a plain fill before a free may be.
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_serialize_never_show_the_value() {
        let secret = Secret::new("sk-live-1234567890abcdef");
        assert_eq!(format!("{secret:?}"), "<redacted>");
        assert!(serde_json::to_string(&secret).is_err());
    }

    #[test]
    fn hint_shows_only_the_last_four_of_a_long_secret() {
        assert_eq!(Secret::new("sk-live-1234567890abcdef").hint(), "…cdef");
        assert_eq!(Secret::new("short").hint(), "…");
        assert_eq!(Secret::new("ünïcødé-sêcret-✓✓✓✓").hint(), "…✓✓✓✓");
    }
}
