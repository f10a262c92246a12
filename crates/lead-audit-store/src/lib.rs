//! `lead-audit-store`: leads and their audit history in PostgreSQL or SQLite (`docs/store.md`).
//!
//! [`Store::connect`] picks the backend from the URL (`postgres://`, `postgresql://`,
//! `sqlite://`); both implement [`LeadStore`]. Every audit is written as one transaction: the
//! history row (once per job attempt) and the lead's summary (only when the audit is newer
//! than the one it holds), so retries and concurrent workers leave consistent rows.

mod error;
mod model;
mod options;
mod postgres;
mod record;
mod sqlite;
#[cfg(feature = "test-support")]
pub mod testing;

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use lead_audit_core::{AuditResult, Lead};

pub use error::StoreError;
pub use model::{
    lead_key, website_key, AuditRecord, JobRef, LatestAudit, LeadRecord, RecordOutcome,
};
pub use options::{parse_duration, ParseDurationError, StoreOptions, DEFAULT_FRESHNESS};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// What the pipeline's callers (worker, CLI) need from a database.
///
/// Methods return `Send` futures so they can run inside spawned tasks.
pub trait LeadStore: Send + Sync {
    /// Applies the embedded migrations; a no-op when they are all applied.
    fn migrate(&self) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Inserts the lead or updates its contact data (fields that are `None` keep their stored
    /// value); audit columns are untouched. Returns the id it is stored under
    /// ([`lead_key`]).
    fn upsert_lead(&self, lead: &Lead) -> impl Future<Output = Result<String, StoreError>> + Send;

    /// The lead's contact data, for a job that carries only a `leadId`.
    fn load_lead(&self, id: &str) -> impl Future<Output = Result<Option<Lead>, StoreError>> + Send;

    /// The whole lead row with its latest audit summary.
    fn load_record(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Option<LeadRecord>, StoreError>> + Send;

    /// When the lead was last audited: looked up by its id when it has one, else by its
    /// normalised website (the newest audit of any lead with that site), else by the id derived
    /// from its email or phone.
    fn last_audited(
        &self,
        lead: &Lead,
    ) -> impl Future<Output = Result<Option<DateTime<Utc>>, StoreError>> + Send;

    /// Records an audit in one transaction: upserts the lead's contact data, appends the
    /// history row unless this `(lead, job, attempt)` is already recorded, and, when it was
    /// appended, updates the lead's summary if this audit is newer than the stored one.
    /// A skipped result (`result.skipped` set) writes nothing: it must not refresh the
    /// freshness window.
    fn record_audit(
        &self,
        lead: &Lead,
        result: &AuditResult,
        job: Option<JobRef<'_>>,
    ) -> impl Future<Output = Result<RecordOutcome, StoreError>> + Send;

    /// The lead's audit history, oldest first.
    fn history(
        &self,
        lead_id: &str,
    ) -> impl Future<Output = Result<Vec<AuditRecord>, StoreError>> + Send;

    /// Why the lead should be skipped before any fetch, or `None` to audit it: the stored last
    /// audit time run through [`lead_audit_core::filter::prefilter`].
    fn skip_reason(
        &self,
        lead: &Lead,
        freshness: Duration,
    ) -> impl Future<Output = Result<Option<String>, StoreError>> + Send {
        async move {
            // A forced lead needs no lookup: only the "unusable" rule can still apply.
            let last = if lead.force {
                None
            } else {
                self.last_audited(lead).await?
            };
            Ok(lead_audit_core::filter::prefilter(
                lead,
                last,
                freshness,
                Utc::now(),
            ))
        }
    }
}

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// PostgreSQL (the backend's database).
    Postgres,
    /// A local SQLite file (the CLI's embedded default).
    Sqlite,
}

/// A store chosen at run time from a URL. Cloning is cheap (the pool is shared).
#[derive(Debug, Clone)]
pub enum Store {
    /// PostgreSQL.
    Postgres(PgStore),
    /// SQLite.
    Sqlite(SqliteStore),
}

impl Store {
    /// Opens a pool for `url`: PostgreSQL for `postgres://` / `postgresql://`, SQLite for
    /// `sqlite://` (the file is created if missing). One connection is made at once, so a
    /// database that is down fails here with [`StoreError::Unavailable`].
    pub async fn connect(url: &str, options: StoreOptions) -> Result<Self, StoreError> {
        match backend_of(url)? {
            Backend::Postgres => Ok(Self::Postgres(PgStore::connect(url, &options).await?)),
            Backend::Sqlite => Ok(Self::Sqlite(SqliteStore::connect(url, &options).await?)),
        }
    }

    /// The backend behind this store.
    pub fn backend(&self) -> Backend {
        match self {
            Self::Postgres(_) => Backend::Postgres,
            Self::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// The newest audit of each lead, the most recently audited leads first, at most `limit`.
    pub async fn latest_audits(&self, limit: u32) -> Result<Vec<LatestAudit>, StoreError> {
        match self {
            Self::Postgres(s) => s.latest_audits(limit).await,
            Self::Sqlite(s) => s.latest_audits(limit).await,
        }
    }

    /// Closes the pool, waiting for connections in use to be returned.
    pub async fn close(&self) {
        match self {
            Self::Postgres(s) => s.close().await,
            Self::Sqlite(s) => s.close().await,
        }
    }
}

/// The backend a database URL names.
pub fn backend_of(url: &str) -> Result<Backend, StoreError> {
    let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("postgres" | "postgresql") => Ok(Backend::Postgres),
        Some("sqlite") => Ok(Backend::Sqlite),
        _ => Err(StoreError::InvalidUrl(url.to_owned())),
    }
}

macro_rules! dispatch {
    ($self:ident, $s:ident => $call:expr) => {
        match $self {
            Store::Postgres($s) => $call.await,
            Store::Sqlite($s) => $call.await,
        }
    };
}

impl LeadStore for Store {
    async fn migrate(&self) -> Result<(), StoreError> {
        dispatch!(self, s => s.migrate())
    }

    async fn upsert_lead(&self, lead: &Lead) -> Result<String, StoreError> {
        dispatch!(self, s => s.upsert_lead(lead))
    }

    async fn load_lead(&self, id: &str) -> Result<Option<Lead>, StoreError> {
        dispatch!(self, s => s.load_lead(id))
    }

    async fn load_record(&self, id: &str) -> Result<Option<LeadRecord>, StoreError> {
        dispatch!(self, s => s.load_record(id))
    }

    async fn last_audited(&self, lead: &Lead) -> Result<Option<DateTime<Utc>>, StoreError> {
        dispatch!(self, s => s.last_audited(lead))
    }

    async fn record_audit(
        &self,
        lead: &Lead,
        result: &AuditResult,
        job: Option<JobRef<'_>>,
    ) -> Result<RecordOutcome, StoreError> {
        dispatch!(self, s => s.record_audit(lead, result, job))
    }

    async fn history(&self, lead_id: &str) -> Result<Vec<AuditRecord>, StoreError> {
        dispatch!(self, s => s.history(lead_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_follows_the_scheme() {
        assert_eq!(
            backend_of("postgres://u@h/db").ok(),
            Some(Backend::Postgres)
        );
        assert_eq!(
            backend_of("postgresql://h/db").ok(),
            Some(Backend::Postgres)
        );
        assert_eq!(
            backend_of("sqlite://lead-audit.db").ok(),
            Some(Backend::Sqlite)
        );
        assert_eq!(backend_of("SQLite:x.db").ok(), Some(Backend::Sqlite));
        let err = backend_of("mysql://h/db").err();
        assert_eq!(err.map(|e| e.kind()), Some("invalid_url"));
    }
}
