//! Adding audit jobs the way the Node backend's `queue.add('audit', data)` does.

use std::time::Duration;

use bullmq::options::QueueOptions;
use bullmq::types::{BackoffStrategy, RemoveOnFinish};
use bullmq::{BulkJob, JobOptions, Queue};
use lead_audit_app::LeadInput;
use serde_json::{Map, Value};

use crate::QueueSettings;

/// The job name the Node backend uses.
pub const JOB_NAME: &str = "audit";

/// Options of the jobs [`enqueue`] adds.
#[derive(Debug, Clone)]
pub struct EnqueueOptions {
    /// Attempts before a job fails for good.
    pub attempts: u32,
    /// Exponential backoff base between attempts.
    pub backoff: Duration,
    /// BullMQ priority (1 is highest; 0 means none).
    pub priority: u32,
    /// Wait this long before the job may run.
    pub delay: Duration,
    /// Completed jobs kept (`None`: all).
    pub keep_completed: Option<usize>,
    /// Failed jobs kept (`None`: all).
    pub keep_failed: Option<usize>,
}

impl Default for EnqueueOptions {
    fn default() -> Self {
        Self {
            attempts: 3,
            backoff: Duration::from_secs(5),
            priority: 0,
            delay: Duration::ZERO,
            keep_completed: Some(10_000),
            keep_failed: None,
        }
    }
}

/// Why jobs could not be added.
#[derive(Debug, thiserror::Error)]
pub enum EnqueueError {
    /// Redis or the BullMQ scripts failed.
    #[error("adding jobs to {queue}: {source}")]
    Queue {
        /// The queue name.
        queue: String,
        /// The crate's error.
        source: bullmq::Error,
    },
    /// No connection: bad settings (an unreadable REDIS_TLS_CA, say), or Redis refused the
    /// connection, its certificate or the password.
    #[error("{0}")]
    Connect(String),
}

/// How long the first connection may take.
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The job data of a lead, as the Node backend writes it: camelCase, absent fields left out,
/// the input's other fields carried along.
pub fn job_data(input: &LeadInput) -> Value {
    let lead = &input.lead;
    let mut data = Map::new();
    let mut put = |key: &str, v: &Option<String>| {
        if let Some(v) = v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            data.insert(key.to_owned(), Value::String(v.to_owned()));
        }
    };
    put("leadId", &lead.lead_id);
    put("website", &lead.website);
    put("companyName", &lead.company_name);
    put("email", &lead.email);
    put("phone", &lead.phone);
    put("country", &lead.country);
    if lead.force {
        data.insert("force".into(), Value::Bool(true));
    }
    for (key, value) in &input.extra {
        data.entry(key.clone()).or_insert_with(|| value.clone());
    }
    Value::Object(data)
}

/// Jobs added per call to Redis: one call's memory and pipeline stay bounded for large files.
const CHUNK: usize = 500;

/// Adds one `audit` job per lead to the queue `settings` name, reading `leads` as it goes;
/// returns the job ids in order.
pub async fn enqueue(
    settings: &QueueSettings,
    leads: impl IntoIterator<Item = LeadInput>,
    opts: &EnqueueOptions,
) -> Result<Vec<String>, EnqueueError> {
    let queue = &settings.queue_name;
    let fail = |source| EnqueueError::Queue {
        queue: queue.clone(),
        source,
    };
    let redis = settings.redis().map_err(EnqueueError::Connect)?;
    settings
        .check_reachable(CONNECT_TIMEOUT)
        .await
        .map_err(EnqueueError::Connect)?;
    let q = Queue::with_options(
        queue,
        QueueOptions::new()
            .connection(redis)
            .prefix(settings.bullmq_prefix.clone()),
    )
    .await
    .map_err(fail)?;
    let job_opts = JobOptions {
        attempts: Some(opts.attempts.max(1)),
        backoff: (opts.attempts > 1).then(|| {
            BackoffStrategy::Exponential(
                u64::try_from(opts.backoff.as_millis()).unwrap_or(u64::MAX),
            )
        }),
        priority: (opts.priority > 0).then_some(opts.priority),
        delay: (!opts.delay.is_zero())
            .then(|| u64::try_from(opts.delay.as_millis()).unwrap_or(u64::MAX)),
        remove_on_complete: opts.keep_completed.map(RemoveOnFinish::Count),
        remove_on_fail: opts.keep_failed.map(RemoveOnFinish::Count),
        ..JobOptions::default()
    };
    let mut ids = Vec::new();
    let mut leads = leads.into_iter().peekable();
    while leads.peek().is_some() {
        let jobs: Vec<BulkJob> = leads
            .by_ref()
            .take(CHUNK)
            .map(|lead| BulkJob::with_options(JOB_NAME, job_data(&lead), job_opts.clone()))
            .collect();
        let added = q.add_bulk(jobs).await.map_err(fail)?;
        ids.extend(added.iter().map(|j| j.id().to_owned()));
    }
    q.close().await;
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn job_data_leaves_out_what_the_lead_lacks() {
        let input = LeadInput::from_value(json!({
            "id": 9, "website": " example.com ", "email": "", "campaign": "q3",
        }))
        .expect("a lead");
        assert_eq!(
            job_data(&input),
            json!({"leadId": "9", "website": "example.com", "campaign": "q3"})
        );
    }
}
