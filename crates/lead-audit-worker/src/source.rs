//! Where leads come from and audits go when a database is configured (`DATABASE_URL`).
//!
//! The job handler sees only [`LeadSource`]; `lead-audit-store`'s [`Store`] is the
//! implementation the binary plugs in.

use std::time::Duration;

use futures::future::BoxFuture;
use lead_audit_core::{AuditResult, Lead};
use lead_audit_store::{lead_key, JobRef, LeadStore, Store};

/// A database error, and whether trying the job again can help.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct SourceError {
    /// What went wrong.
    pub message: String,
    /// False when retrying cannot help (a malformed lead, a constraint).
    pub transient: bool,
}

/// The database seen from a job: load a lead by id, decide freshness, record an audit.
pub trait LeadSource: Send + Sync {
    /// The lead stored under `id`, if any.
    fn load<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<Lead>, SourceError>>;
    /// Why `lead` is skipped before any fetch (§4.7), or `None` to audit it.
    fn skip_reason<'a>(
        &'a self,
        lead: &'a Lead,
        freshness: Duration,
    ) -> BoxFuture<'a, Result<Option<String>, SourceError>>;
    /// Records a finished audit of job `job_id`, attempt `attempt`, once.
    fn record<'a>(
        &'a self,
        lead: &'a Lead,
        result: &'a AuditResult,
        job_id: &'a str,
        attempt: u32,
    ) -> BoxFuture<'a, Result<(), SourceError>>;
    /// The newest result job `job_id` recorded for `lead`, if any. A job handed back after its
    /// audit was recorded (its worker died before completing it) completes with that result
    /// instead of a "fresh" skip.
    fn recorded_by<'a>(
        &'a self,
        lead: &'a Lead,
        job_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<AuditResult>, SourceError>>;
}

fn source_error(e: lead_audit_store::StoreError) -> SourceError {
    SourceError {
        transient: e.is_transient(),
        message: format!("database: {e}"),
    }
}

impl LeadSource for Store {
    fn load<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<Lead>, SourceError>> {
        Box::pin(async move { self.load_lead(id).await.map_err(source_error) })
    }

    fn skip_reason<'a>(
        &'a self,
        lead: &'a Lead,
        freshness: Duration,
    ) -> BoxFuture<'a, Result<Option<String>, SourceError>> {
        Box::pin(async move {
            LeadStore::skip_reason(self, lead, freshness)
                .await
                .map_err(source_error)
        })
    }

    fn record<'a>(
        &'a self,
        lead: &'a Lead,
        result: &'a AuditResult,
        job_id: &'a str,
        attempt: u32,
    ) -> BoxFuture<'a, Result<(), SourceError>> {
        Box::pin(async move {
            let job = JobRef {
                id: job_id,
                attempt: i32::try_from(attempt).unwrap_or(i32::MAX),
            };
            self.record_audit(lead, result, Some(job))
                .await
                .map(drop)
                .map_err(source_error)
        })
    }

    fn recorded_by<'a>(
        &'a self,
        lead: &'a Lead,
        job_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<AuditResult>, SourceError>> {
        Box::pin(async move {
            let Some(id) = lead_key(lead) else {
                return Ok(None);
            };
            let history = self.history(&id).await.map_err(source_error)?;
            Ok(history
                .into_iter()
                .rev()
                .find(|r| r.job_id.as_deref() == Some(job_id))
                .map(|r| r.result))
        })
    }
}
