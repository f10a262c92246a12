//! Scratch databases for the suite: a fresh PostgreSQL database or SQLite file per test,
//! removed afterwards (also when the test panics).

use chrono::{DateTime, TimeZone, Utc};
use lead_audit_core::{AuditResult, Grade};
use lead_audit_store::testing::{admin_url, ScratchDb};
use lead_audit_store::{Store, StoreOptions};

/// Where a test's store lives; dropping it removes the database.
pub struct TestDb {
    /// The URL to pass to `Store::connect`.
    pub url: String,
    _place: Place,
}

enum Place {
    Postgres(#[allow(dead_code)] ScratchDb),
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
}

impl TestDb {
    /// A fresh PostgreSQL database on the server of `DATABASE_URL_TEST`.
    pub fn postgres() -> Self {
        let db = ScratchDb::create("lead_audit_store").unwrap_or_else(|e| {
            panic!("PostgreSQL at {} (set DATABASE_URL_TEST): {e}", admin_url())
        });
        Self {
            url: db.url().to_owned(),
            _place: Place::Postgres(db),
        }
    }

    /// A SQLite file (not yet created) in a fresh temporary directory.
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("leads.db").display());
        Self {
            url,
            _place: Place::Sqlite(dir),
        }
    }

    /// A connected store, migrations not applied.
    pub async fn store(&self) -> Store {
        Store::connect(&self.url, StoreOptions::default())
            .await
            .expect("connect to the test database")
    }
}

/// A plausible audit result for `url` with the given grade, points and time.
pub fn result(url: &str, grade: Grade, points: i32, audited_at: DateTime<Utc>) -> AuditResult {
    let grade = serde_json::to_value(grade).expect("grade");
    serde_json::from_value(serde_json::json!({
        "url": url,
        "leadId": null,
        "finalUrl": url,
        "reachable": true,
        "httpStatus": 200,
        "error": null,
        "renderedWithBrowser": false,
        "pages": [{"url": url, "status": 200, "bytes": 5120, "elapsedMs": 12, "via": "http"}],
        "emails": [format!("info@{}", url.trim_start_matches("https://"))],
        "phones": ["+14155550132"],
        "socials": {"facebook": "https://facebook.com/example"},
        "technologies": [{"name": "WordPress", "version": "6.4", "categories": ["CMS"], "confidence": 100}],
        "audit": {"https": true, "viewport": false, "outdatedLibraries": [], "eolSoftware": [],
                  "issues": [{"id": "no-viewport", "severity": "high", "message": "not mobile-ready"}]},
        "domain": null,
        "score": {"grade": grade, "points": points, "opportunity": points, "reachability": 0,
                  "reasons": ["not mobile-ready"]},
        "skipped": null,
        "auditedAt": audited_at,
        "durationMs": 321
    }))
    .expect("a valid AuditResult literal")
}

/// A timestamp with whole microseconds, the precision both databases keep.
pub fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    Utc.timestamp_micros(t.timestamp_micros())
        .single()
        .expect("in range")
}
