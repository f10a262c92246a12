//! The step the CLI and the worker share around an audit: load a lead given only by id, skip
//! it when fresh, audit it, record the result.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures::future::BoxFuture;
use lead_audit_core::filter::prefilter;
use lead_audit_core::pipeline::skipped_result;
use lead_audit_core::{AuditContext, AuditResult, Auditor, Lead};
use tracing::Instrument;

/// A database error, and whether trying again can help.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct SourceError {
    /// What went wrong.
    pub message: String,
    /// False when retrying cannot help (a malformed lead, a constraint).
    pub transient: bool,
}

/// The database seen from the audit step: load a lead by id, decide freshness, record an
/// audit. `lead-audit-store`'s `Store` implements it (feature `store`).
pub trait LeadSource: Send + Sync {
    /// The lead stored under `id`, if any.
    fn load<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<Lead>, SourceError>>;
    /// Why `lead` is skipped before any fetch, or `None` to audit it.
    fn skip_reason<'a>(
        &'a self,
        lead: &'a Lead,
        freshness: Duration,
    ) -> BoxFuture<'a, Result<Option<String>, SourceError>>;
    /// Records a finished audit, once per `job` attempt when a job is given.
    fn record<'a>(
        &'a self,
        lead: &'a Lead,
        result: &'a AuditResult,
        job: Option<JobAttempt<'a>>,
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

/// The queue identity of an attempt, for idempotent recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobAttempt<'a> {
    /// The job id.
    pub job_id: &'a str,
    /// Attempts made before this one (0 for the first).
    pub attempts_made: u32,
}

/// What a database failure does to a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorePolicy {
    /// The lead is still audited and its result still returned, marked unstored (the CLI:
    /// the output file is the record).
    BestEffort,
    /// The step fails, so the queue retries the job (the worker: a job completes only once
    /// its audit is recorded).
    Required,
}

/// Why the step produced no result.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    /// The caller cancelled the audit.
    #[error("cancelled")]
    Cancelled,
    /// The lead gives only an id, and there is no database to load it from.
    #[error("the lead gives only leadId {0:?} and there is no database to load it from")]
    NoDatabase(String),
    /// The lead can never be audited as given (its id is not in the database).
    #[error("{0}")]
    Rejected(String),
    /// The database failed.
    #[error("{0}")]
    Store(SourceError),
    /// The pipeline failed.
    #[error("audit failed: {0}")]
    Audit(lead_audit_core::Error),
}

/// A result and whether it was recorded.
#[derive(Debug)]
pub struct Recorded {
    /// The audit, a skip, or the result an earlier attempt recorded.
    pub result: AuditResult,
    /// False when a database was configured and recording failed (best effort only).
    pub stored: bool,
}

/// Load → skip → audit → record, configured once and shared by every lead.
#[derive(Clone)]
pub struct AuditStep {
    /// The configured pipeline.
    pub auditor: Auditor,
    /// The database, if any.
    pub source: Option<Arc<dyn LeadSource>>,
    /// Leads audited more recently than this are skipped unless forced.
    pub freshness: Duration,
    /// What a database failure does.
    pub policy: StorePolicy,
}

impl AuditStep {
    /// Runs the step for one lead, as attempt `job` of a queue job when given.
    pub async fn run(
        &self,
        lead: Lead,
        job: Option<JobAttempt<'_>>,
        ctx: &AuditContext,
    ) -> Result<Recorded, StepError> {
        let lead = self.complete(lead).await?;
        let Some(db) = &self.source else {
            if let Some(reason) = prefilter(&lead, None, self.freshness, Utc::now()) {
                return Ok(Recorded {
                    result: skipped_result(&lead, reason),
                    stored: true,
                });
            }
            let result = self.audit(&lead, ctx).await?;
            return Ok(Recorded {
                result,
                stored: true,
            });
        };

        let skip = match db.skip_reason(&lead, self.freshness).await {
            Ok(skip) => skip,
            Err(e) => {
                self.tolerate(e, "the freshness check")?;
                prefilter(&lead, None, self.freshness, Utc::now())
            }
        };
        if let Some(reason) = skip {
            if let Some(job) = job {
                match db.recorded_by(&lead, job.job_id).await {
                    Ok(Some(result)) => {
                        return Ok(Recorded {
                            result,
                            stored: true,
                        })
                    }
                    Ok(None) => {}
                    Err(e) => self.tolerate(e, "reading the job's recorded audit")?,
                }
            }
            return Ok(Recorded {
                result: skipped_result(&lead, reason),
                stored: true,
            });
        }

        let result = self.audit(&lead, ctx).await?;
        let stored = match db
            .record(&lead, &result, job)
            .instrument(tracing::info_span!("store"))
            .await
        {
            Ok(()) => true,
            Err(e) => {
                self.tolerate(e, "storing the audit")?;
                false
            }
        };
        Ok(Recorded { result, stored })
    }

    async fn audit(&self, lead: &Lead, ctx: &AuditContext) -> Result<AuditResult, StepError> {
        self.auditor.audit(lead, ctx).await.map_err(|e| match e {
            lead_audit_core::Error::Cancelled => StepError::Cancelled,
            other => StepError::Audit(other),
        })
    }

    /// Under [`StorePolicy::BestEffort`] a database error is logged and the step goes on.
    fn tolerate(&self, e: SourceError, during: &str) -> Result<(), StepError> {
        match self.policy {
            StorePolicy::Required => Err(StepError::Store(e)),
            StorePolicy::BestEffort => {
                tracing::warn!(error = %e, "{during} failed; going on without the database");
                Ok(())
            }
        }
    }

    /// A lead given only by `leadId` is loaded from the database; `force` from the input wins.
    async fn complete(&self, lead: Lead) -> Result<Lead, StepError> {
        if lead.website().is_some() || lead.has_contact_data() {
            return Ok(lead);
        }
        let Some(id) = lead.lead_id.clone().filter(|id| !id.trim().is_empty()) else {
            return Ok(lead);
        };
        let Some(db) = &self.source else {
            return Err(StepError::NoDatabase(id));
        };
        match db.load(&id).await {
            Ok(Some(mut stored)) => {
                stored.lead_id = Some(id);
                stored.force |= lead.force;
                Ok(stored)
            }
            Ok(None) => Err(StepError::Rejected(format!(
                "lead {id:?} is not in the database"
            ))),
            Err(e) if e.transient => Err(StepError::Store(e)),
            Err(e) => Err(StepError::Rejected(e.message)),
        }
    }
}

#[cfg(feature = "store")]
mod store {
    //! `lead-audit-store`'s `Store` as the step's [`LeadSource`].

    use super::*;
    use lead_audit_store::{lead_key, JobRef, LeadStore, Store, StoreError, StoreOptions};

    fn source_error(e: StoreError) -> SourceError {
        SourceError {
            transient: e.is_transient(),
            message: format!("database: {e}"),
        }
    }

    /// How recent an audit makes a lead skip; read by the front ends that have a database.
    #[derive(Debug, Clone, clap::Args)]
    pub struct FreshnessSettings {
        /// With a database: leads audited more recently than this are skipped unless forced
        /// (`24h`, `30m`, `3600`).
        #[arg(long, env = "LEAD_AUDIT_FRESHNESS", default_value = "24h", value_parser = lead_audit_store::parse_duration, help_heading = "Audit")]
        pub freshness: Duration,
    }

    /// Connects to `url` (`postgres://…` or `sqlite://…`) and applies the migrations; the
    /// error names the database without its password.
    pub async fn open_store(url: &str) -> Result<Store, String> {
        let shown = crate::display::redact_url(url);
        let store = Store::connect(url, StoreOptions::default())
            .await
            .map_err(|e| format!("connecting to {shown}: {e}"))?;
        store
            .migrate()
            .await
            .map_err(|e| format!("migrating {shown}: {e}"))?;
        Ok(store)
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
            job: Option<JobAttempt<'a>>,
        ) -> BoxFuture<'a, Result<(), SourceError>> {
            Box::pin(async move {
                let job = job.map(|j| JobRef {
                    id: j.job_id,
                    attempt: i32::try_from(j.attempts_made).unwrap_or(i32::MAX),
                });
                match self.record_audit(lead, result, job).await {
                    // A lead with nothing to key it by is audited but has no row to update.
                    Ok(_) | Err(StoreError::KeylessLead) => Ok(()),
                    Err(e) => Err(source_error(e)),
                }
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
}

#[cfg(feature = "store")]
pub use store::{open_store, FreshnessSettings};

#[cfg(test)]
mod tests {
    use super::*;
    use lead_audit_core::AuditOptions;
    use std::sync::Mutex;

    /// A recorded audit and the job attempt that recorded it.
    type Recording = (Option<(String, u32)>, AuditResult);

    /// An in-memory source: one stored lead (id 7), recordings kept, optionally a failing
    /// database.
    #[derive(Default)]
    struct Memory {
        results: Mutex<Vec<Recording>>,
        fresh: bool,
        broken: bool,
    }

    fn down() -> SourceError {
        SourceError {
            message: "database: connection refused".into(),
            transient: true,
        }
    }

    impl LeadSource for Memory {
        fn load<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<Lead>, SourceError>> {
            Box::pin(async move {
                Ok((id == "7").then(|| Lead {
                    company_name: Some("Stored".into()),
                    email: Some("owner@stored.test".into()),
                    ..Lead::default()
                }))
            })
        }
        fn skip_reason<'a>(
            &'a self,
            lead: &'a Lead,
            _freshness: Duration,
        ) -> BoxFuture<'a, Result<Option<String>, SourceError>> {
            let answer = match self.broken {
                true => Err(down()),
                false => Ok((self.fresh && !lead.force).then(|| "fresh: audited recently".into())),
            };
            Box::pin(async move { answer })
        }
        fn record<'a>(
            &'a self,
            _lead: &'a Lead,
            result: &'a AuditResult,
            job: Option<JobAttempt<'a>>,
        ) -> BoxFuture<'a, Result<(), SourceError>> {
            if self.broken {
                return Box::pin(async { Err(down()) });
            }
            self.results.lock().expect("not poisoned").push((
                job.map(|j| (j.job_id.to_owned(), j.attempts_made)),
                result.clone(),
            ));
            Box::pin(async { Ok(()) })
        }
        fn recorded_by<'a>(
            &'a self,
            _lead: &'a Lead,
            job_id: &'a str,
        ) -> BoxFuture<'a, Result<Option<AuditResult>, SourceError>> {
            let found = self
                .results
                .lock()
                .expect("not poisoned")
                .iter()
                .rev()
                .find(|(job, _)| job.as_ref().is_some_and(|(id, _)| id == job_id))
                .map(|(_, r)| r.clone());
            Box::pin(async move { Ok(found) })
        }
    }

    fn step(source: Option<Arc<Memory>>, policy: StorePolicy) -> AuditStep {
        let options = AuditOptions {
            domain_lookup: false,
            ..AuditOptions::default()
        };
        AuditStep {
            auditor: Auditor::new(options).expect("default options are valid"),
            source: source.map(|s| s as Arc<dyn LeadSource>),
            freshness: Duration::from_secs(3600),
            policy,
        }
    }

    fn job(id: &str) -> Option<JobAttempt<'_>> {
        Some(JobAttempt {
            job_id: id,
            attempts_made: 0,
        })
    }

    fn by_id(id: &str) -> Lead {
        Lead {
            lead_id: Some(id.into()),
            ..Lead::default()
        }
    }

    async fn run(step: &AuditStep, lead: Lead, job_id: &str) -> Result<Recorded, StepError> {
        step.run(lead, job(job_id), &AuditContext::default()).await
    }

    #[tokio::test]
    async fn a_lead_id_is_loaded_and_the_audit_recorded() {
        let memory = Arc::new(Memory::default());
        let step = step(Some(memory.clone()), StorePolicy::Required);
        let res = run(&step, by_id("7"), "1").await.expect("loaded");
        assert_eq!(res.result.lead_id.as_deref(), Some("7"));
        let recorded = memory.results.lock().expect("not poisoned").len();
        assert_eq!(recorded, 1);
        let err = run(&step, by_id("8"), "2").await.expect_err("unknown lead");
        assert!(matches!(&err, StepError::Rejected(m) if m.contains("not in the database")));
    }

    #[tokio::test]
    async fn only_an_id_without_a_database_cannot_be_audited() {
        let step = step(None, StorePolicy::Required);
        let err = run(&step, by_id("7"), "1")
            .await
            .expect_err("nothing to load");
        assert!(matches!(err, StepError::NoDatabase(id) if id == "7"));
    }

    #[tokio::test]
    async fn a_fresh_lead_is_skipped_unless_forced() {
        let memory = Arc::new(Memory {
            fresh: true,
            ..Memory::default()
        });
        let step = step(Some(memory), StorePolicy::Required);
        let res = run(&step, by_id("7"), "1").await.expect("a result");
        assert!(res.result.skipped.is_some_and(|s| s.starts_with("fresh")));
        let forced = Lead {
            force: true,
            ..by_id("7")
        };
        let res = run(&step, forced, "2").await.expect("a result");
        assert_eq!(res.result.skipped, None);
    }

    #[tokio::test]
    async fn a_job_handed_back_after_recording_completes_with_its_recorded_result() {
        let memory = Arc::new(Memory::default());
        let first = run(
            &step(Some(memory.clone()), StorePolicy::Required),
            by_id("7"),
            "1",
        )
        .await
        .expect("audited");
        assert_eq!(first.result.skipped, None);

        // The worker died after recording; the lead is now fresh and the job comes back.
        let memory = Arc::new(Memory {
            fresh: true,
            results: Mutex::new(memory.results.lock().expect("not poisoned").clone()),
            ..Memory::default()
        });
        let step = step(Some(memory), StorePolicy::Required);
        let again = run(&step, by_id("7"), "1").await.expect("a result");
        assert_eq!(again.result.skipped, None);
        assert_eq!(again.result.audited_at, first.result.audited_at);

        // Another job for the same fresh lead is still a skip.
        let other = run(&step, by_id("7"), "2").await.expect("a result");
        assert!(other.result.skipped.is_some_and(|s| s.starts_with("fresh")));
    }

    #[tokio::test]
    async fn a_broken_database_fails_a_job_but_not_a_batch() {
        let memory = Arc::new(Memory {
            broken: true,
            ..Memory::default()
        });
        let lead = Lead {
            email: Some("owner@shop.test".into()),
            ..Lead::default()
        };
        let required = step(Some(memory.clone()), StorePolicy::Required);
        let err = run(&required, lead.clone(), "1")
            .await
            .expect_err("retried");
        assert!(matches!(err, StepError::Store(e) if e.transient));
        let best_effort = step(Some(memory), StorePolicy::BestEffort);
        let res = best_effort
            .run(lead, None, &AuditContext::default())
            .await
            .expect("a result");
        assert!(!res.stored);
    }
}
