//! One job: job data in, `AuditResult` out. Free of BullMQ so it can be tested alone.

use lead_audit_app::display::preview;
use lead_audit_app::{AuditStep, JobAttempt, LeadInput, StepError};
use lead_audit_core::{AuditContext, AuditResult, Lead};

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

impl From<StepError> for JobError {
    fn from(e: StepError) -> Self {
        match e {
            StepError::NoDatabase(_) => Self::Unrecoverable(format!(
                "{e}: add website/email/phone to the job data or set DATABASE_URL"
            )),
            StepError::Rejected(m) => Self::Unrecoverable(m),
            StepError::Store(e) if !e.transient => Self::Unrecoverable(e.message),
            other => Self::Retry(other.to_string()),
        }
    }
}

/// Parses the job data into a [`Lead`]; a refusal quotes at most a short preview of the data.
pub fn parse_lead(job_data: &serde_json::Value) -> Result<Lead, JobError> {
    if !job_data.is_object() {
        return Err(JobError::Unrecoverable(format!(
            "job data must be an object like {{\"website\": \"example.com\"}}, got {}",
            preview(&job_data.to_string())
        )));
    }
    LeadInput::from_value(job_data.clone())
        .map(|input| input.lead)
        .map_err(|e| {
            JobError::Unrecoverable(format!(
                "job data is not a lead ({e}): {}",
                preview(&job_data.to_string())
            ))
        })
}

/// Audits the lead a job describes, as attempt `attempt` of it.
///
/// Site problems, unparseable websites and unusable leads are results. A lead given only by
/// `leadId` is loaded from the database; without one the job cannot succeed and fails as
/// unrecoverable. Database and pipeline errors fail the attempt so BullMQ retries it.
pub async fn handle(
    job_data: &serde_json::Value,
    step: &AuditStep,
    attempt: JobAttempt<'_>,
    ctx: &AuditContext,
) -> Result<AuditResult, JobError> {
    let lead = parse_lead(job_data)?;
    let recorded = step.run(lead, Some(attempt), ctx).await?;
    Ok(recorded.result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lead_audit_app::StorePolicy;
    use lead_audit_core::{AuditOptions, Auditor};
    use serde_json::json;

    fn step() -> AuditStep {
        let options = AuditOptions {
            domain_lookup: false,
            ..AuditOptions::default()
        };
        AuditStep {
            auditor: Auditor::new(options).expect("default options are valid"),
            source: None,
            freshness: std::time::Duration::from_secs(3600),
            policy: StorePolicy::Required,
        }
    }

    async fn run(data: serde_json::Value) -> Result<AuditResult, JobError> {
        let first = JobAttempt {
            job_id: "1",
            attempts_made: 0,
        };
        handle(&data, &step(), first, &AuditContext::default()).await
    }

    #[tokio::test]
    async fn only_a_lead_id_without_database_is_unrecoverable() {
        let err = run(json!({"leadId": 42}))
            .await
            .expect_err("cannot succeed");
        assert!(err.is_unrecoverable());
        assert!(err.to_string().contains("DATABASE_URL"), "{err}");
    }

    #[tokio::test]
    async fn a_lead_without_website_or_contacts_is_skipped() {
        let res = run(json!({"companyName": "Acme"}))
            .await
            .expect("a skip is a result");
        assert!(res.skipped.is_some_and(|s| s.starts_with("unusable")));
    }

    #[tokio::test]
    async fn an_unparseable_website_is_an_invalid_url_result() {
        let res = run(json!({"leadId": 42, "website": "http://exa mple.com", "extra": [1]}))
            .await
            .expect("a result");
        assert_eq!(res.lead_id.as_deref(), Some("42"));
        let error = res.error.expect("an error kind");
        assert_eq!(error.kind.as_str(), "invalid_url");
    }

    #[tokio::test]
    async fn job_data_that_is_not_a_lead_is_unrecoverable_with_a_short_reason() {
        let err = run(json!("example.com")).await.expect_err("not an object");
        assert!(err.is_unrecoverable());
        let huge = "x".repeat(10 * 1024 * 1024);
        let err = run(json!({"website": 42, "blob": huge}))
            .await
            .expect_err("website is not a string");
        assert!(err.is_unrecoverable());
        assert!(
            err.to_string().len() < 2048,
            "{} bytes",
            err.to_string().len()
        );
    }
}
