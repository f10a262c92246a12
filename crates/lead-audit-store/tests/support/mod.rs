//! Scratch databases for the suite: a fresh PostgreSQL database or SQLite file per test,
//! removed afterwards (also when the test panics).

use chrono::{DateTime, TimeZone, Utc};
use lead_audit_core::{AuditResult, Grade};
use lead_audit_store::{Store, StoreOptions};

/// Where a test's store lives; dropping it removes the database.
pub struct TestDb {
    /// The URL to pass to `Store::connect`.
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Postgres { admin_url: String, name: String },
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
}

fn suffix() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

impl TestDb {
    /// A fresh PostgreSQL database on the server of `DATABASE_URL_TEST`.
    pub async fn postgres() -> Self {
        let admin_url = std::env::var("DATABASE_URL_TEST")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
        let name = format!("lead_audit_store_{}", suffix());
        let mut admin = connect_admin(&admin_url).await;
        sqlx::Executor::execute(&mut admin, format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("create test database");
        let server = admin_url
            .rsplit_once('/')
            .map_or(admin_url.as_str(), |(s, _)| s);
        Self {
            url: format!("{server}/{name}"),
            cleanup: Cleanup::Postgres { admin_url, name },
        }
    }

    /// A SQLite file (not yet created) in a fresh temporary directory.
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("leads.db").display());
        Self {
            url,
            cleanup: Cleanup::Sqlite(dir),
        }
    }

    /// A connected store, migrations not applied.
    pub async fn store(&self) -> Store {
        Store::connect(&self.url, StoreOptions::default())
            .await
            .expect("connect to the test database")
    }
}

async fn connect_admin(url: &str) -> sqlx::PgConnection {
    use sqlx::Connection;
    sqlx::PgConnection::connect(url)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {url} (set DATABASE_URL_TEST): {e}"))
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Cleanup::Postgres { admin_url, name } = &self.cleanup else {
            return;
        };
        let (admin_url, name) = (admin_url.clone(), name.clone());
        // Drop runs inside the test's runtime, which cannot be blocked on: use a thread with
        // its own.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                let mut admin = connect_admin(&admin_url).await;
                sqlx::Executor::execute(
                    &mut admin,
                    format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str(),
                )
                .await
                .map(|_| ())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) && !std::thread::panicking() {
            panic!("could not drop test database: {dropped:?}");
        }
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
