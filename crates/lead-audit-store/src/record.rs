//! The steps both backends share: `upsert_lead`, the one transaction of `record_audit`, and
//! which key `last_audited` looks a lead up by. Each backend supplies only its statements.

use std::future::Future;

use chrono::{DateTime, Utc};
use lead_audit_core::{AuditResult, Lead};
use sqlx::{Database, Pool};

use crate::model::{lead_key, website_key};
use crate::{JobRef, RecordOutcome, StoreError};

/// One audit being recorded.
pub(crate) struct Recording<'a> {
    /// The id the lead is stored under ([`lead_key`]).
    pub id: &'a str,
    pub result: &'a AuditResult,
    pub job: Option<JobRef<'a>>,
    /// When the transaction started: the time SQLite writes (PostgreSQL takes its own `now()`,
    /// the same instant for the whole transaction).
    pub now: DateTime<Utc>,
}

/// The write statements of one backend, each run on the caller's connection (inside the
/// transaction of `record_audit`).
pub(crate) trait AuditWriter {
    /// The sqlx driver.
    type Db: Database;

    /// The pool transactions are taken from.
    fn pool(&self) -> &Pool<Self::Db>;

    /// Inserts the lead or refreshes its contact data; `None` fields keep the stored value.
    fn upsert_contact(
        conn: &mut <Self::Db as Database>::Connection,
        id: &str,
        lead: &Lead,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Appends the history row unless this `(lead, job, attempt)` is recorded already; true
    /// when it was appended.
    fn insert_history(
        conn: &mut <Self::Db as Database>::Connection,
        rec: &Recording<'_>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Writes the audit's summary into the lead row unless the row holds a newer audit; true
    /// when it was written.
    fn update_summary(
        conn: &mut <Self::Db as Database>::Connection,
        rec: &Recording<'_>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

/// [`LeadStore::upsert_lead`](crate::LeadStore::upsert_lead) for either backend.
pub(crate) async fn upsert_lead<W: AuditWriter>(
    writer: &W,
    lead: &Lead,
) -> Result<String, StoreError> {
    let id = lead_key(lead).ok_or(StoreError::KeylessLead)?;
    let mut conn = writer.pool().acquire().await?;
    W::upsert_contact(&mut conn, &id, lead, Utc::now()).await?;
    Ok(id)
}

/// [`LeadStore::record_audit`](crate::LeadStore::record_audit) for either backend.
pub(crate) async fn record_audit<W: AuditWriter>(
    writer: &W,
    lead: &Lead,
    result: &AuditResult,
    job: Option<JobRef<'_>>,
) -> Result<RecordOutcome, StoreError> {
    let lead_id = lead_key(lead).ok_or(StoreError::KeylessLead)?;
    if result.skipped.is_some() {
        return Ok(RecordOutcome {
            lead_id,
            history_inserted: false,
            lead_updated: false,
        });
    }
    let rec = Recording {
        id: &lead_id,
        result,
        job,
        now: Utc::now(),
    };

    let mut tx = writer.pool().begin().await?;
    // On PostgreSQL this takes the lead row's lock first, so concurrent audits of one lead run
    // one at a time.
    W::upsert_contact(&mut *tx, rec.id, lead, rec.now).await?;
    let history_inserted = W::insert_history(&mut *tx, &rec).await?;
    let lead_updated = history_inserted && W::update_summary(&mut *tx, &rec).await?;
    tx.commit().await?;
    Ok(RecordOutcome {
        lead_id,
        history_inserted,
        lead_updated,
    })
}

/// How `last_audited` finds a lead's stored audit time.
pub(crate) enum Lookup {
    /// By normalised website over all leads with that site: the lead has no id of its own.
    Site(String),
    /// By the id it is stored under.
    Id(String),
}

impl Lookup {
    /// `None` for a lead that cannot be stored at all.
    pub fn of(lead: &Lead) -> Option<Self> {
        let has_id = lead
            .lead_id
            .as_deref()
            .is_some_and(|s| !s.trim().is_empty());
        match lead.website().and_then(website_key) {
            Some(site) if !has_id => Some(Self::Site(site)),
            _ => lead_key(lead).map(Self::Id),
        }
    }
}
