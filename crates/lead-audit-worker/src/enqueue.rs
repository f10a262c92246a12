//! Adding audit jobs the way the Node backend's `queue.add('audit', data)` does.

use std::time::Duration;

use bullmq::options::{QueueOptions, RedisConnectionOptions};
use bullmq::types::{BackoffStrategy, RemoveOnFinish};
use bullmq::{BulkJob, JobOptions, Queue};
use lead_audit_core::Lead;
use serde_json::{Map, Value};

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
}

/// The job data of a lead, as the Node backend writes it: camelCase, absent fields left out.
pub fn job_data(lead: &Lead) -> Value {
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
    Value::Object(data)
}

/// Adds one `audit` job per lead to `queue` (under `prefix`) on the Redis at `redis_url`;
/// returns the job ids in order.
pub async fn enqueue(
    redis_url: &str,
    prefix: &str,
    queue: &str,
    leads: &[Lead],
    opts: &EnqueueOptions,
) -> Result<Vec<String>, EnqueueError> {
    let fail = |source| EnqueueError::Queue {
        queue: queue.to_owned(),
        source,
    };
    let q = Queue::with_options(
        queue,
        QueueOptions::new()
            .connection(RedisConnectionOptions::new().url(redis_url))
            .prefix(prefix),
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
    let mut ids = Vec::with_capacity(leads.len());
    // Chunks keep one call's memory and Redis pipeline bounded for large files.
    for chunk in leads.chunks(500) {
        let jobs = chunk
            .iter()
            .map(|lead| BulkJob::with_options(JOB_NAME, job_data(lead), job_opts.clone()))
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
        let lead = Lead {
            lead_id: Some("9".into()),
            website: Some(" example.com ".into()),
            email: Some(String::new()),
            ..Lead::default()
        };
        assert_eq!(
            job_data(&lead),
            json!({"leadId": "9", "website": "example.com"})
        );
    }
}
