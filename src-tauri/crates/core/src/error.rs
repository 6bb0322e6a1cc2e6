//! The one error type of the core. Every front door (CLI, desktop app) acts on its `code`;
//! `message` says what happened and what to do, and `field` names the input it concerns so a
//! form can show it at that field.

use serde::Serialize;
use std::fmt;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The categories a consumer acts on. The CLI maps each to an exit code; the UI to a meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    NotFound,
    Conflict,
    Validation,
    Network,
    AuthRequired,
    KeyringUnavailable,
    Protocol,
    Timeout,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Validation => "validation",
            ErrorCode::Network => "network",
            ErrorCode::AuthRequired => "auth_required",
            ErrorCode::KeyringUnavailable => "keyring_unavailable",
            ErrorCode::Protocol => "protocol",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Internal => "internal",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a connection to an MCP server failed, finer than the code: what the connection test
/// reports and what the UI explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ConnectionCategory {
    Dns,
    Refused,
    Tls,
    Timeout,
    HttpStatus,
    AuthRequired,
    NotMcp,
    Protocol,
}

impl ConnectionCategory {
    /// The code each category maps to; the CLI's exit code follows the code.
    pub fn code(self) -> ErrorCode {
        match self {
            Self::Dns | Self::Refused | Self::Tls | Self::HttpStatus => ErrorCode::Network,
            Self::Timeout => ErrorCode::Timeout,
            Self::AuthRequired => ErrorCode::AuthRequired,
            Self::NotMcp | Self::Protocol => ErrorCode::Protocol,
        }
    }
}

/// What crosses to the UI as `{code, message, field?, category?, http_status?}`.
#[derive(Debug, thiserror::Error, Serialize, ts_rs::TS)]
#[error("{message}")]
#[ts(export, rename = "CoreError")]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
    /// Set on failures to reach an MCP server.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub category: Option<ConnectionCategory>,
    /// The HTTP status, when the category is `http_status`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub http_status: Option<u16>,
    /// The scopes a server asked for in a 403 `insufficient_scope`: authorize again with them.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub required_scope: Option<String>,
    #[serde(skip)]
    #[ts(skip)]
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            field: None,
            category: None,
            http_status: None,
            required_scope: None,
            source: None,
        }
    }

    /// A failure to reach an MCP server; its code follows the category.
    pub fn connection(category: ConnectionCategory, message: impl Into<String>) -> Self {
        let mut err = Error::new(category.code(), message);
        err.category = Some(category);
        err
    }

    pub fn at_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// What led to it, outermost first: the `source` chain, which the UI and `--json` never
    /// see, for the log and the terminal.
    pub fn causes(&self) -> Vec<String> {
        let mut causes = Vec::new();
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            causes.push(cause.to_string());
            source = cause.source();
        }
        causes
    }

    /// SQLite said another connection holds a lock (busy or locked).
    pub fn is_database_busy(&self) -> bool {
        use rusqlite::ffi::ErrorCode as Sqlite;
        self.source
            .as_deref()
            .and_then(|s| s.downcast_ref::<rusqlite::Error>())
            .and_then(rusqlite::Error::sqlite_error_code)
            .is_some_and(|c| matches!(c, Sqlite::DatabaseBusy | Sqlite::DatabaseLocked))
    }

    /// Prefixes the message with what was being done.
    pub fn with_context(mut self, context: impl AsRef<str>) -> Self {
        self.message = format!("{}: {}", context.as_ref(), self.message);
        self
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::NotFound, message)
    }

    pub fn conflict(field: &str, message: impl Into<String>) -> Self {
        Error::new(ErrorCode::Conflict, message).at_field(field)
    }

    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        Error::new(ErrorCode::Validation, message).at_field(field)
    }

    pub fn keyring_unavailable(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::KeyringUnavailable, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::Internal, message)
    }
}

/// A copy for a second reader (e.g. a progress event); the source chain stays with the original.
impl Clone for Error {
    fn clone(&self) -> Self {
        Error {
            code: self.code,
            message: self.message.clone(),
            field: self.field.clone(),
            category: self.category,
            http_status: self.http_status,
            required_scope: self.required_scope.clone(),
            source: None,
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode as Sqlite;
        let message = match err.sqlite_error_code() {
            Some(Sqlite::DatabaseBusy | Sqlite::DatabaseLocked) => {
                "the database stayed locked by another Patchbay process; try again".to_string()
            }
            Some(Sqlite::DiskFull) => "the disk holding the data directory is full".to_string(),
            Some(Sqlite::ReadOnly | Sqlite::CannotOpen | Sqlite::PermissionDenied) => {
                format!("cannot write the database: {err}; check the data directory's permissions")
            }
            _ => format!("database error: {err}"),
        };
        Error::internal(message).with_source(err)
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        Error::internal(format!("a local I/O operation failed: {err}")).with_source(err)
    }
}

impl From<tokio::task::JoinError> for Error {
    fn from(err: tokio::task::JoinError) -> Self {
        Error::internal(format!("a background task failed: {err}"))
    }
}
