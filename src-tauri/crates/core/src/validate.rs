//! Checks of user input shared by every record type. Each failure names the field it concerns.

use crate::error::{Error, Result};

pub const NAME_MAX_CHARS: usize = 100;
pub const DESCRIPTION_MAX_CHARS: usize = 2_000;

/// A display name: trimmed, 1..=100 characters, no control characters.
pub fn name(field: &str, value: &str) -> Result<String> {
    let trimmed = value.trim();
    let count = trimmed.chars().count();
    if count == 0 {
        return Err(Error::validation(field, "the name cannot be empty"));
    }
    if count > NAME_MAX_CHARS {
        return Err(Error::validation(
            field,
            format!("the name is {count} characters long; the limit is {NAME_MAX_CHARS}"),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(Error::validation(
            field,
            "the name cannot contain control characters",
        ));
    }
    Ok(trimmed.to_string())
}

pub fn description(value: &str) -> Result<String> {
    let count = value.chars().count();
    if count > DESCRIPTION_MAX_CHARS {
        return Err(Error::validation(
            "description",
            format!(
                "the description is {count} characters long; the limit is {DESCRIPTION_MAX_CHARS}"
            ),
        ));
    }
    Ok(value.trim().to_string())
}

/// An MCP endpoint: http or https with a host, no credentials in it.
pub fn http_url(value: &str) -> Result<String> {
    let trimmed = value.trim();
    let parsed = url::Url::parse(trimmed).map_err(|e| {
        Error::validation(
            "url",
            format!("'{trimmed}' is not a valid URL ({e}); use e.g. https://example.com/mcp"),
        )
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::validation(
            "url",
            format!(
                "the URL must start with http:// or https://, not {}://",
                parsed.scheme()
            ),
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(Error::validation(
            "url",
            format!("the URL '{trimmed}' has no host"),
        ));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Error::validation(
            "url",
            "the URL carries credentials; remove them and give the key as the server's API key instead",
        ));
    }
    Ok(parsed.to_string())
}

/// An HTTP header name (RFC 9110 token).
pub fn header_name(value: &str) -> Result<String> {
    let trimmed = value.trim();
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if trimmed.is_empty() || !trimmed.chars().all(token) {
        return Err(Error::validation(
            "api_key_header",
            format!(
                "'{trimmed}' is not a valid HTTP header name; use e.g. Authorization or X-API-Key"
            ),
        ));
    }
    Ok(trimmed.to_string())
}

/// An environment variable name for a stdio server.
pub fn env_name(value: &str) -> Result<String> {
    if value.is_empty() || value.contains('=') || value.contains('\0') {
        return Err(Error::validation(
            "env",
            format!("'{value}' is not a valid environment variable name"),
        ));
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(name("name", "  github ").unwrap(), "github");
        assert_eq!(name("name", &"é".repeat(100)).unwrap().chars().count(), 100);
        for bad in ["", "   ", &"x".repeat(101), "a\nb"] {
            let err = name("name", bad).unwrap_err();
            assert_eq!(err.code, ErrorCode::Validation);
            assert_eq!(err.field.as_deref(), Some("name"));
        }
    }

    #[test]
    fn urls_must_be_http_with_a_host() {
        assert_eq!(
            http_url("https://mcp.example.com/mcp").unwrap(),
            "https://mcp.example.com/mcp"
        );
        assert_eq!(
            http_url("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080/"
        );
        for bad in [
            "",
            "example.com",
            "ftp://example.com",
            "http://",
            "https://user:pw@example.com/",
            "file:///etc/passwd",
        ] {
            let err = http_url(bad).unwrap_err();
            assert_eq!(err.code, ErrorCode::Validation, "{bad}");
            assert_eq!(err.field.as_deref(), Some("url"));
        }
    }

    #[test]
    fn header_names_are_tokens() {
        assert!(header_name("X-API-Key").is_ok());
        assert!(header_name("Bad Header").is_err());
        assert!(header_name("").is_err());
    }
}
