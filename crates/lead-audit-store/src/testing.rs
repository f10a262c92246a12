//! Scratch PostgreSQL databases for test suites (feature `test-support`): one database of its
//! own per test, made from a random suffix and dropped afterwards, also when the test panics.
//!
//! ```no_run
//! # fn main() -> Result<(), lead_audit_store::StoreError> {
//! let db = lead_audit_store::testing::ScratchDb::create("my_suite")?;
//! // Store::connect(db.url(), …), run the test; the database goes when `db` is dropped.
//! # Ok(()) }
//! ```

use sqlx::Connection;

use crate::StoreError;

/// The environment variable naming the server's maintenance database.
pub const ADMIN_URL_VAR: &str = "DATABASE_URL_TEST";

/// The maintenance database used to create and drop scratch databases: `DATABASE_URL_TEST`,
/// else the machine's `postgres://postgres@127.0.0.1:5432/test`.
pub fn admin_url() -> String {
    std::env::var(ADMIN_URL_VAR)
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// An empty database `<prefix>_<random>` on the server of [`admin_url`] (no migrations
/// applied), dropped with this value.
#[derive(Debug)]
pub struct ScratchDb {
    name: String,
    url: String,
    admin_url: String,
}

impl ScratchDb {
    /// Creates the database. Usable from inside or outside a Tokio runtime: the statement
    /// runs on a thread and runtime of its own.
    ///
    /// # Panics
    ///
    /// When `prefix` is not made of lowercase ASCII letters, digits and `_` (it becomes part
    /// of an SQL identifier).
    pub fn create(prefix: &str) -> Result<Self, StoreError> {
        assert!(
            !prefix.is_empty()
                && prefix
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "scratch database prefix `{prefix}`: expected [a-z0-9_]+"
        );
        let admin_url = admin_url();
        let name = format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
        let server = admin_url
            .split_once('?')
            .map_or(admin_url.as_str(), |(base, _)| base);
        let server = server.rsplit_once('/').map_or(server, |(s, _)| s);
        let url = format!("{server}/{name}");
        admin_execute(&admin_url, format!("CREATE DATABASE \"{name}\""))?;
        Ok(Self {
            name,
            url,
            admin_url,
        })
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its URL, for [`Store::connect`](crate::Store::connect).
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for ScratchDb {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        if let Err(e) = admin_execute(&self.admin_url, sql) {
            // A second panic while unwinding would abort the test run and hide the first.
            if !std::thread::panicking() {
                panic!("could not drop scratch database {}: {e}", self.name);
            }
        }
    }
}

/// Runs one statement on the maintenance database from a thread with a runtime of its own:
/// callers may be inside a runtime (which cannot be blocked on) or in `Drop`.
fn admin_execute(admin_url: &str, sql: String) -> Result<(), StoreError> {
    let admin_url = admin_url.to_owned();
    let joined = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| StoreError::Unavailable(sqlx::Error::Io(e)))?;
        rt.block_on(async {
            let mut admin = sqlx::PgConnection::connect(&admin_url).await?;
            sqlx::Executor::execute(&mut admin, sql.as_str()).await?;
            admin.close().await?;
            Ok(())
        })
    })
    .join();
    joined.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}
