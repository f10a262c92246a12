//! The binary's command line: `--help` lists every setting, bad values exit 2 in one line.

use std::process::Command;

fn worker() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lead-audit-worker"));
    cmd.env_clear().current_dir(std::env::temp_dir());
    cmd
}

#[test]
fn help_lists_every_setting_with_defaults() {
    let out = worker().arg("--help").output().expect("runs");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for env in [
        "REDIS_URL",
        "REDIS_HOST",
        "REDIS_PORT",
        "REDIS_PASSWORD",
        "REDIS_DB",
        "QUEUE_NAME",
        "BULLMQ_PREFIX",
        "WORKER_CONCURRENCY",
        "LOCK_DURATION_MS",
        "STALLED_INTERVAL_MS",
        "MAX_STALLED_COUNT",
        "METRICS_ADDR",
        "BACKEND_URL",
        "DEAD_LETTER_QUEUE",
        "DATABASE_URL",
        "CHROME_PATH",
        "LEAD_AUDIT_MAX_PAGES",
        "LEAD_AUDIT_BROWSER",
        "LEAD_AUDIT_TIMEOUT",
        "LEAD_AUDIT_REQUEST_TIMEOUT",
        "LEAD_AUDIT_DEFAULT_REGION",
        "LEAD_AUDIT_FINGERPRINTS",
        "LEAD_AUDIT_ALLOW_PRIVATE_NETWORKS",
        "LEAD_AUDIT_USER_AGENT",
    ] {
        assert!(
            help.contains(&format!("env: {env}")),
            "{env} missing:\n{help}"
        );
    }
    assert!(help.contains("[default: leads]"));
    assert!(help.contains("[default: 6379]"));
}

#[test]
fn bad_values_exit_2_with_one_line() {
    for (key, value) in [
        ("WORKER_CONCURRENCY", "0"),
        ("REDIS_PORT", "seventy"),
        ("LEAD_AUDIT_BROWSER", "sometimes"),
        ("LEAD_AUDIT_DEFAULT_REGION", "ZZ"),
        ("REDIS_URL", "http://localhost"),
        ("METRICS_ADDR", "not-an-address"),
    ] {
        let out = worker().env(key, value).output().expect("runs");
        assert_eq!(out.status.code(), Some(2), "{key}={value}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{key}={value}: {err}");
        assert!(err.starts_with("lead-audit-worker: "), "{err}");
    }
}
