//! The BullMQ side of a job: convert, call [`handle`](crate::job::handle), convert back.
//!
//! Around the call: progress forwarded to `job.updateProgress`, a watch on the job's lock
//! (the crate only logs a failed renewal), metrics, the backend delivery and the dead-letter
//! copy of a job that failed for good, including one that the crate fails before it reaches
//! the processor.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bullmq::types::JobProgress;
use bullmq::{Job, Queue};
use lead_audit_core::{AuditContext, CancellationToken, Stage};
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tracing::Instrument;

use lead_audit_app::{AuditStep, JobAttempt};

use crate::backend::Backend;
use crate::job::{handle, JobError};
use crate::metrics::Metrics;

/// What a job runs.
#[derive(Clone)]
pub enum Processing {
    /// The real audit.
    Audit(AuditStep),
    /// A stand-in for tests and benchmarks.
    #[cfg(feature = "test-processor")]
    Test(crate::processor::TestProcessor),
}

/// Everything a job needs besides itself; cloned into each job.
#[derive(Clone)]
pub struct Glue {
    /// What a job runs.
    pub processing: Processing,
    /// Metrics.
    pub metrics: Metrics,
    /// Delivery of results to the backend.
    pub backend: Option<Backend>,
    /// Where each audited lead's report page is written.
    pub reports: Option<crate::report::ReportDir>,
    /// Where jobs that failed for good are copied.
    pub dead_letter: Option<Arc<Queue>>,
    /// The consumed queue (its connection checks locks).
    pub queue: Arc<Queue>,
    /// The lock duration the worker runs with.
    pub lock_duration: Duration,
}

impl Glue {
    /// Processes one BullMQ job; the error type is what the crate's worker expects. It runs
    /// in the job's span (see [`crate::telemetry`]).
    pub async fn process(
        &self,
        job: Job,
        stop: bullmq::worker::CancellationToken,
    ) -> Result<Value, bullmq::Error> {
        let span = tracing::info_span!(
            "job",
            otel.name = %format!("{} process", self.queue.name()),
            otel.kind = "consumer",
            messaging.system = "bullmq",
            messaging.operation.type = "process",
            messaging.destination.name = %self.queue.name(),
            messaging.message.id = %job.id(),
            bullmq.job.name = %job.name(),
            bullmq.job.attempt = i64::from(job.attempts_made()) + 1,
        );
        // The stored options, read once for both of their uses: the producer's trace context,
        // and the check that the crate understood `attempts`.
        let unparsed = job.opts().attempts.is_none();
        let raw = if crate::telemetry::exporting() || unparsed {
            self.raw_options(job.id()).await
        } else {
            None
        };
        if let (true, Some(raw)) = (crate::telemetry::exporting(), &raw) {
            crate::telemetry::continue_trace(&span, raw);
        }
        if let (true, Some(raw)) = (unparsed, &raw) {
            check_options(job.id(), raw);
        }
        self.process_job(job, stop).instrument(span).await
    }

    async fn process_job(
        &self,
        job: Job,
        stop: bullmq::worker::CancellationToken,
    ) -> Result<Value, bullmq::Error> {
        let started = Instant::now();
        self.metrics.in_flight.inc();
        let job_id = job.id().to_owned();
        let data = job.data().clone();
        let attempts_made = job.attempts_made();
        let attempts = job.opts().attempts.unwrap_or(0);

        let cancel = CancellationToken::new();
        let watch = tokio::spawn(watch_lock(
            self.queue.clone(),
            job_id.clone(),
            job.token().map(str::to_owned),
            self.lock_duration,
            stop,
            cancel.clone(),
        ));
        let (progress_tx, progress) = progress_forwarder(job);

        let outcome = match &self.processing {
            Processing::Audit(step) => {
                let tx = progress_tx.clone();
                let ctx = AuditContext {
                    cancel: cancel.clone(),
                    progress: Some(Arc::new(move |stage| {
                        let _ = tx.send(stage);
                    })),
                };
                let attempt = JobAttempt {
                    job_id: &job_id,
                    attempts_made,
                };
                match handle(&data, step, attempt, &ctx).await {
                    Ok(result) => {
                        self.metrics.record_audit(&result);
                        match serde_json::to_value(&result) {
                            Ok(mut value) => {
                                if let Some(reports) = &self.reports {
                                    reports.write(&job_id, &result, &mut value).await;
                                }
                                Ok(value)
                            }
                            Err(e) => Err(JobError::Retry(format!("serialising the result: {e}"))),
                        }
                    }
                    Err(e) => Err(e),
                }
            }
            #[cfg(feature = "test-processor")]
            Processing::Test(p) => {
                let tx = progress_tx.clone();
                p.run(&data, move || {
                    let _ = tx.send(Stage::Analyzing);
                })
                .await
            }
        };
        drop(progress_tx);
        // Progress events go out before the job completes, as Node's would.
        let _ = progress.await;
        watch.abort();
        let lost_lock = cancel.is_cancelled();
        self.metrics.in_flight.dec();
        self.metrics
            .duration
            .observe(started.elapsed().as_secs_f64());

        if lost_lock {
            // Another worker owns the job now; its outcome is that worker's to report.
            return Err(bullmq::Error::ProcessingError(
                "the job was cancelled or its lock lost while it ran".into(),
            ));
        }
        match outcome {
            Ok(value) => {
                self.metrics.completed.inc();
                if let (Some(b), Processing::Audit(_)) = (&self.backend, &self.processing) {
                    b.send(value.clone());
                }
                Ok(value)
            }
            Err(e) => {
                let last = e.is_unrecoverable() || !(attempts > 0 && attempts_made + 1 < attempts);
                if last {
                    self.metrics.failed.inc();
                    let reason = e.to_string();
                    let copy = DeadLetter {
                        job_id: &job_id,
                        data: &data,
                        reason: &reason,
                        unrecoverable: e.is_unrecoverable(),
                        attempts: attempts_made + 1,
                    };
                    self.dead_letter(copy).await;
                } else {
                    self.metrics.retried.inc();
                    self.note_failed_reason(&job_id, &e).await;
                }
                tracing::warn!(job = %job_id, attempt = attempts_made + 1, last, error = %e, "job attempt failed");
                Err(match e {
                    JobError::Unrecoverable(m) => bullmq::Error::Unrecoverable(m),
                    JobError::Retry(m) => bullmq::Error::ProcessingError(m),
                })
            }
        }
    }

    /// Handles the crate's `Failed` event for `job_id`. Jobs the processor failed were
    /// counted and dead-lettered by it; what is left is a job the crate failed without
    /// calling the processor: one that stalled more than MAX_STALLED_COUNT times. BullMQ's
    /// stalled checker marks such a job and hands it back, and the worker that takes it next
    /// fails it with BullMQ's [`STALLED_OUT`] reason, as Node's worker does (the mark itself
    /// is gone once the job has failed, so the reason is what tells). It is counted and
    /// dead-lettered here.
    pub async fn on_failed(&self, job_id: &str, error: &str) {
        if !error.contains(STALLED_OUT) {
            return;
        }
        self.metrics.failed.inc();
        tracing::warn!(job = %job_id, error = %error, "job failed before it was processed");
        if self.dead_letter.is_none() {
            return;
        }
        let job = match self.queue.get_job(job_id).await {
            Ok(Some(job)) => job,
            Ok(None) => {
                tracing::error!(job = %job_id, "the failed job is gone (removeOnFail?): no dead-letter copy");
                return;
            }
            Err(e) => {
                tracing::error!(job = %job_id, error = %e, "could not read the failed job: no dead-letter copy");
                return;
            }
        };
        let reason = Some(job.failed_reason())
            .filter(|r| !r.is_empty())
            .unwrap_or(error)
            .to_owned();
        let copy = DeadLetter {
            job_id,
            data: job.data(),
            reason: &reason,
            unrecoverable: true,
            attempts: job.attempts_made(),
        };
        self.dead_letter(copy).await;
    }

    /// Copies a job that failed for good to the dead-letter queue.
    async fn dead_letter(&self, copy: DeadLetter<'_>) {
        let Some(dlq) = &self.dead_letter else { return };
        let value = json!({
            "queue": self.queue.name(),
            "jobId": copy.job_id,
            "data": copy.data,
            "failedReason": copy.reason,
            "unrecoverable": copy.unrecoverable,
            "attemptsMade": copy.attempts,
            "failedAt": chrono::Utc::now().to_rfc3339(),
        });
        match dlq.add("dead-letter", value).await {
            Ok(_) => {
                self.metrics.dead_lettered.inc();
            }
            Err(err) => {
                tracing::error!(job = %copy.job_id, error = %err, "could not copy the failed job to the dead-letter queue")
            }
        }
    }

    /// Writes `failedReason` on an attempt that will be retried, as Node's worker does: the
    /// crate writes it only when the job fails for good, so a job waiting for its next
    /// attempt would otherwise show no reason.
    async fn note_failed_reason(&self, job_id: &str, e: &JobError) {
        let key = self.queue.keys().job_key(job_id);
        let written: Result<i64, _> = self
            .queue
            .connection()
            .cmd(
                redis::cmd("HSET")
                    .arg(&key)
                    .arg("failedReason")
                    .arg(e.to_string()),
            )
            .await;
        if let Err(err) = written {
            tracing::debug!(job = %job_id, error = %err, "could not write failedReason");
        }
    }

    /// The job's options as stored (`opts`), which keep what the crate does not parse.
    async fn raw_options(&self, job_id: &str) -> Option<String> {
        let key = self.queue.keys().job_key(job_id);
        let raw: Result<Option<String>, _> = self
            .queue
            .connection()
            .cmd(redis::cmd("HGET").arg(&key).arg("opts"))
            .await;
        raw.ok().flatten()
    }
}

/// The crate drops job options it cannot parse (a numeric `backoff`, say) and with them
/// `attempts`: say so loudly, since the job will not be retried.
fn check_options(job_id: &str, raw: &str) {
    let declared = serde_json::from_str::<Value>(raw)
        .ok()
        .and_then(|v| v.get("attempts").and_then(Value::as_u64))
        .unwrap_or(0);
    if declared > 1 {
        tracing::error!(job = %job_id, opts = %raw, "job options not understood by the BullMQ crate: attempts/backoff ignored, the job will not be retried (give backoff as {{type, delay}})");
    }
}

/// The reason BullMQ's stalled checker gives a job that stalled too often; the processor's
/// own failures never say it.
const STALLED_OUT: &str = "job stalled more than allowable limit";

/// What the dead-letter queue receives about a job that failed for good.
struct DeadLetter<'a> {
    job_id: &'a str,
    data: &'a Value,
    reason: &'a str,
    unrecoverable: bool,
    attempts: u32,
}

/// Forwards pipeline stages to `job.updateProgress`, in order, from a synchronous callback.
fn progress_forwarder(mut job: Job) -> (mpsc::UnboundedSender<Stage>, tokio::task::JoinHandle<()>) {
    let (tx, mut rx) = mpsc::unbounded_channel::<Stage>();
    let task = tokio::spawn(async move {
        while let Some(stage) = rx.recv().await {
            let progress = JobProgress::Object(json!({
                "stage": stage.as_str(),
                "percent": stage.percent(),
            }));
            if let Err(e) = job.update_progress(progress).await {
                tracing::debug!(job = %job.id(), error = %e, "progress update failed");
            }
        }
    });
    (tx, task)
}

/// Cancels `cancel` when the worker cancels the job or the job's lock no longer holds our
/// token: the crate only logs a failed lock renewal, and by then another worker may have the
/// job, so going on would audit it twice.
async fn watch_lock(
    queue: Arc<Queue>,
    job_id: String,
    token: Option<String>,
    lock_duration: Duration,
    stop: bullmq::worker::CancellationToken,
    cancel: CancellationToken,
) {
    let key = format!("{}:lock", queue.keys().job_key(&job_id));
    let period = (lock_duration / 2).max(Duration::from_millis(250));
    loop {
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = tokio::time::sleep(period) => {}
        }
        let Some(token) = &token else { continue };
        let held: Result<Option<String>, _> =
            queue.connection().cmd(redis::cmd("GET").arg(&key)).await;
        match held {
            Ok(Some(t)) if t == *token => {}
            // A Redis error proves nothing about the lock: look again next period.
            Err(_) => {}
            Ok(other) => {
                tracing::warn!(job = %job_id, holder = ?other, "job lock lost: stopping the audit");
                break;
            }
        }
    }
    cancel.cancel();
}
