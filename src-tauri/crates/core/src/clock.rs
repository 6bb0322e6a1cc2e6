//! Timestamps as stored and shown: RFC 3339 in UTC with exactly three fractional digits, so
//! that they also sort correctly as text.

use time::OffsetDateTime;
use time::macros::format_description;

pub fn now() -> String {
    format(OffsetDateTime::now_utc())
}

/// The stored form of the moment `before` ago, to compare with stored timestamps as text.
pub fn ago(before: std::time::Duration) -> String {
    format(OffsetDateTime::now_utc() - before)
}

fn format(at: OffsetDateTime) -> String {
    at.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    ))
    .expect("a UTC timestamp always formats")
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps_are_utc_with_milliseconds() {
        let t = super::now();
        assert!(t.ends_with('Z'), "{t}");
        assert_eq!(t.len(), "2026-11-21T23:27:44.123Z".len(), "{t}");
        assert!(
            time::OffsetDateTime::parse(&t, &time::format_description::well_known::Rfc3339).is_ok()
        );
    }

    #[test]
    fn a_moment_ago_sorts_before_now() {
        let (before, now) = (super::ago(std::time::Duration::from_secs(90)), super::now());
        assert!(before < now, "{before} {now}");
        assert_eq!(before.len(), now.len());
    }
}
