//! The app's log: `tracing` to a daily-rotated file in the data dir, a week kept. Secrets
//! cannot reach it: the core wraps them in a type whose `Debug` prints `<redacted>`, and
//! secrets that arrive as text (a server's error, a URL) are masked line by line.

use std::path::{Path, PathBuf};

use patchbay_core::Error;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::EnvFilter;

pub type Guard = WorkerGuard;

const PREFIX: &str = "patchbay";
const SUFFIX: &str = "log";

/// Starts logging into `<data_dir>/logs`; returns the directory's current file pattern.
pub fn init(data_dir: &Path) -> Result<(PathBuf, Guard), Error> {
    let dir = data_dir.join("logs");
    // The appender prunes old files at start and complains on stderr when the folder is missing.
    patchbay_core::paths::private_dir(&dir).map_err(|e| {
        Error::internal(format!(
            "cannot create the log folder {}: {e}",
            dir.display()
        ))
    })?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(PREFIX)
        .filename_suffix(SUFFIX)
        .max_log_files(7)
        .build(&dir)
        .map_err(|e| Error::internal(format!("cannot write logs to {}: {e}", dir.display())))?;
    // The appender opened today's file with the default mode: logs are the user's alone. A
    // file a later rotation makes is 0600 from the next start, in a 0700 folder meanwhile.
    make_files_private(&dir);
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env("PATCHBAY_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let filter = match patchbay_core::redact::oauth_quieted(filter.max_level_hint()) {
        Some(directive) => filter.add_directive(directive.parse().expect("a directive")),
        None => filter,
    };
    // A second init (tests start several apps in one process) keeps the first subscriber.
    // Text from servers (errors, URLs) may carry tokens; the lines are masked on the way out.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(move || patchbay_core::redact::Masked(writer.clone()))
        .try_init();
    Ok((dir.join(format!("{PREFIX}.<date>.{SUFFIX}")), guard))
}

fn make_files_private(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = patchbay_core::paths::set_mode(&entry.path(), 0o600);
        }
    }
}
