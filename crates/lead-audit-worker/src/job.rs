//! One job: job data in, `AuditResult` out. Free of BullMQ so it can be tested alone.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use lead_audit_core::filter::prefilter;
use lead_audit_core::pipeline::skipped_result;
use lead_audit_core::{AuditContext, AuditResult, Auditor, Lead};

use crate::source::LeadSource;

/// Why a job attempt failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    /// An internal error: BullMQ's `attempts` / `backoff` try again.
    #[error("{0}")]
    Retry(String),
    /// The job can never succeed: failed at once, without retries.
    #[error("{0}")]
    Unrecoverable(String),
}

impl JobError {
    /// True when BullMQ must not retry.
    pub fn is_unrecoverable(&self) -> bool {
        matches!(self, Self::Unrecoverable(_))
    }
}

/// What every job shares: the auditor, the optional database, the freshness window.
#[derive(Clone)]
pub struct JobEnv {
    /// The configured pipeline.
    pub auditor: Auditor,
    /// Loads leads given only by id, decides freshness and records audits; `None` without a
    /// database.
    pub leads: Option<Arc<dyn LeadSource>>,
    /// Leads audited more recently than this are skipped unless forced.
    pub freshness: Duration,
}

/// The BullMQ identity of an attempt, for idempotent recording.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    /// The job id.
    pub job_id: &'a str,
    /// `attemptsMade` when the attempt started (0 for the first).
    pub attempts_made: u32,
}

/// Parses the job data into a [`Lead`].
pub fn parse_lead(job_data: &serde_json::Value) -> Result<Lead, JobError> {
    if !job_data.is_object() {
        return Err(JobError::Unrecoverable(format!(
            "job data must be an object like {{\"website\": \"example.com\"}}, got {job_data}"
        )));
    }
    serde_json::from_value(job_data.clone())
        .map_err(|e| JobError::Unrecoverable(format!("job data is not a lead ({e}): {job_data}")))
}

/// Audits the lead a job describes.
///
/// Site problems, unparseable websites and unusable leads are results. A lead given only by
/// `leadId` is loaded from the database; without one the job cannot succeed and fails as
/// unrecoverable. Database and pipeline errors fail the attempt so BullMQ retries it.
pub async fn handle(
    job_data: serde_json::Value,
    env: &JobEnv,
    attempt: Attempt<'_>,
    ctx: &AuditContext,
) -> Result<AuditResult, JobError> {
    let mut lead = parse_lead(&job_data)?;
    if lead.website().is_none() && !lead.has_contact_data() {
        if let Some(id) = lead.lead_id.clone().filter(|id| !id.trim().is_empty()) {
            lead = load(env, &id, lead.force).await?;
        }
    }

    let skip = match &env.leads {
        Some(db) => db
            .skip_reason(&lead, env.freshness)
            .await
            .map_err(|e| JobError::Retry(e.message))?,
        None => prefilter(&lead, None, env.freshness, Utc::now()),
    };
    if let Some(reason) = skip {
        // This very job may have recorded its audit already and been handed back before it
        // completed (its worker died in between): complete with what it recorded.
        if let Some(db) = &env.leads {
            let recorded = db
                .recorded_by(&lead, attempt.job_id)
                .await
                .map_err(|e| JobError::Retry(e.message))?;
            if let Some(result) = recorded {
                return Ok(result);
            }
        }
        return Ok(skipped_result(&lead, reason));
    }

    let result = env
        .auditor
        .audit(&lead, ctx)
        .await
        .map_err(|e| JobError::Retry(format!("audit failed: {e}")))?;

    if let Some(db) = &env.leads {
        db.record(&lead, &result, attempt.job_id, attempt.attempts_made)
            .await
            .map_err(|e| match e.transient {
                true => JobError::Retry(e.message),
                false => JobError::Unrecoverable(e.message),
            })?;
    }
    Ok(result)
}

/// Loads a lead given only by id; `force` from the job wins.
async fn load(env: &JobEnv, id: &str, force: bool) -> Result<Lead, JobError> {
    let Some(db) = &env.leads else {
        return Err(JobError::Unrecoverable(format!(
            "the job gives only leadId {id:?} and this worker has no database to load the lead \
             from: add website/email/phone to the job data or set DATABASE_URL"
        )));
    };
    match db.load(id).await {
        Ok(Some(mut lead)) => {
            lead.lead_id = Some(id.to_owned());
            lead.force |= force;
            Ok(lead)
        }
        Ok(None) => Err(JobError::Unrecoverable(format!(
            "lead {id:?} is not in the database"
        ))),
        Err(e) if e.transient => Err(JobError::Retry(e.message)),
        Err(e) => Err(JobError::Unrecoverable(e.message)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::future::BoxFuture;
    use lead_audit_core::AuditOptions;
    use serde_json::json;
    use std::sync::Mutex;

    use crate::source::SourceError;

    fn env(leads: Option<Arc<dyn LeadSource>>) -> JobEnv {
        let options = AuditOptions {
            domain_lookup: false,
            ..AuditOptions::default()
        };
        JobEnv {
            auditor: Auditor::new(options).expect("default options are valid"),
            leads,
            freshness: Duration::from_secs(3600),
        }
    }

    const FIRST: Attempt<'static> = Attempt {
        job_id: "1",
        attempts_made: 0,
    };

    async fn run(data: serde_json::Value, env: &JobEnv) -> Result<AuditResult, JobError> {
        handle(data, env, FIRST, &AuditContext::default()).await
    }

    #[tokio::test]
    async fn only_a_lead_id_without_database_is_unrecoverable() {
        let err = run(json!({"leadId": "42"}), &env(None))
            .await
            .expect_err("cannot succeed");
        assert!(err.is_unrecoverable());
        assert!(err.to_string().contains("DATABASE_URL"), "{err}");
    }

    #[tokio::test]
    async fn a_lead_without_website_or_contacts_is_skipped() {
        let res = run(json!({"companyName": "Acme"}), &env(None))
            .await
            .expect("a skip is a result");
        assert!(res.skipped.is_some_and(|s| s.starts_with("unusable")));
    }

    #[tokio::test]
    async fn an_unparseable_website_is_an_invalid_url_result() {
        let res = run(json!({"website": "http://exa mple.com"}), &env(None))
            .await
            .expect("a result");
        let error = res.error.expect("an error kind");
        assert_eq!(error.kind.as_str(), "invalid_url");
    }

    #[tokio::test]
    async fn job_data_that_is_not_an_object_is_unrecoverable() {
        let err = run(json!("example.com"), &env(None))
            .await
            .expect_err("not a lead");
        assert!(err.is_unrecoverable());
    }

    /// An in-memory source: one stored lead, recordings kept.
    #[derive(Default)]
    struct Memory {
        recorded: Mutex<Vec<(String, u32)>>,
        results: Mutex<Vec<(String, AuditResult)>>,
        fresh: bool,
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
            let fresh = self.fresh && !lead.force;
            Box::pin(async move { Ok(fresh.then(|| "fresh: audited recently".to_owned())) })
        }
        fn record<'a>(
            &'a self,
            _lead: &'a Lead,
            result: &'a AuditResult,
            job_id: &'a str,
            attempt: u32,
        ) -> BoxFuture<'a, Result<(), SourceError>> {
            self.recorded
                .lock()
                .expect("not poisoned")
                .push((job_id.to_owned(), attempt));
            self.results
                .lock()
                .expect("not poisoned")
                .push((job_id.to_owned(), result.clone()));
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
                .find(|(id, _)| id == job_id)
                .map(|(_, r)| r.clone());
            Box::pin(async move { Ok(found) })
        }
    }

    #[tokio::test]
    async fn a_lead_id_is_loaded_and_the_audit_recorded() {
        let memory = Arc::new(Memory::default());
        let env = env(Some(memory.clone()));
        let res = run(json!({"leadId": "7"}), &env).await.expect("loaded");
        assert_eq!(res.lead_id.as_deref(), Some("7"));
        assert_eq!(
            *memory.recorded.lock().expect("not poisoned"),
            vec![("1".to_owned(), 0)]
        );
        let err = run(json!({"leadId": "8"}), &env)
            .await
            .expect_err("unknown lead");
        assert!(err.is_unrecoverable() && err.to_string().contains("not in the database"));
    }

    #[tokio::test]
    async fn a_fresh_lead_is_skipped_unless_forced() {
        let memory = Arc::new(Memory {
            fresh: true,
            ..Memory::default()
        });
        let env = env(Some(memory));
        let res = run(json!({"leadId": "7"}), &env).await.expect("a result");
        assert!(res.skipped.is_some_and(|s| s.starts_with("fresh")));
        let res = run(json!({"leadId": "7", "force": true}), &env)
            .await
            .expect("a result");
        assert_eq!(res.skipped, None);
    }

    #[tokio::test]
    async fn a_job_handed_back_after_recording_completes_with_its_recorded_result() {
        let memory = Arc::new(Memory::default());
        let env = env(Some(memory.clone()));
        let first = run(json!({"leadId": "7"}), &env).await.expect("audited");
        assert_eq!(first.skipped, None);

        // The worker died after recording; the lead is now fresh and the job comes back.
        let memory = Arc::new(Memory {
            fresh: true,
            results: Mutex::new(memory.results.lock().expect("not poisoned").clone()),
            ..Memory::default()
        });
        let env = self::env(Some(memory));
        let again = run(json!({"leadId": "7"}), &env).await.expect("a result");
        assert_eq!(again.skipped, None);
        assert_eq!(again.audited_at, first.audited_at);

        // Another job for the same fresh lead is still a skip.
        let other = Attempt {
            job_id: "2",
            attempts_made: 0,
        };
        let res = handle(
            json!({"leadId": "7"}),
            &env,
            other,
            &AuditContext::default(),
        )
        .await
        .expect("a result");
        assert!(res.skipped.is_some_and(|s| s.starts_with("fresh")));
    }
}
