use patchbay_core::ErrorCode;
use patchbay_core::settings::{DEFAULT_HEALTH_CHECK_SECONDS, SettingsPatch};

use crate::support::TestCore;

fn health(seconds: u32) -> SettingsPatch {
    SettingsPatch {
        health_check_seconds: Some(seconds),
        ..SettingsPatch::default()
    }
}

#[test]
fn settings_default_then_persist_for_another_process() {
    let t = TestCore::new();
    assert_eq!(
        t.core.settings().unwrap().health_check_seconds,
        DEFAULT_HEALTH_CHECK_SECONDS
    );
    assert_eq!(
        t.core
            .update_settings(health(60))
            .unwrap()
            .health_check_seconds,
        60
    );
    // The gateway is another process: it reads what the window set.
    assert_eq!(t.reopen().settings().unwrap().health_check_seconds, 60);
    assert_eq!(
        t.core
            .update_settings(health(0))
            .unwrap()
            .health_check_seconds,
        0
    );
}

#[test]
fn an_out_of_range_interval_is_refused_and_changes_nothing() {
    let t = TestCore::new();
    t.core.update_settings(health(120)).unwrap();
    for bad in [1, 9, 8 * 24 * 3600] {
        let err = t.core.update_settings(health(bad)).unwrap_err();
        assert_eq!(err.code, ErrorCode::Validation, "{bad}");
        assert!(
            err.message.contains("0 to turn checks off"),
            "{}",
            err.message
        );
    }
    assert_eq!(t.core.settings().unwrap().health_check_seconds, 120);
}

#[test]
fn a_skipped_welcome_stays_skipped_and_leaves_the_interval_alone() {
    let t = TestCore::new();
    t.core.update_settings(health(120)).unwrap();
    assert!(!t.core.settings().unwrap().welcome_dismissed);
    let dismissed = SettingsPatch {
        welcome_dismissed: Some(true),
        ..SettingsPatch::default()
    };
    let after = t.core.update_settings(dismissed).unwrap();
    assert!(after.welcome_dismissed);
    assert_eq!(after.health_check_seconds, 120);
    let reopened = t.reopen().settings().unwrap();
    assert!(reopened.welcome_dismissed);
    // Changing the interval later does not bring the welcome back.
    assert!(
        t.core
            .update_settings(health(60))
            .unwrap()
            .welcome_dismissed
    );
}
