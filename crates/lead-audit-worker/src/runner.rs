//! Start, run and stop the worker: the crate's `Worker` plus the tasks around it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bullmq::options::QueueOptions;
use bullmq::worker::WorkerEvent;
use bullmq::{Job, Queue, RateLimiterOptions, Worker, WorkerOptions};
use lead_audit_app::record::open_store;
use lead_audit_app::{AuditStep, LeadSource, StorePolicy};
use lead_audit_browser::BrowserPool;
use lead_audit_store::Store;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::backend::{endpoint, Backend};
use crate::config::Config;
use crate::glue::{Glue, Processing};
use crate::metrics::{self, Metrics};

/// How often the queue's `paused` flag is read (see [`follow_pause`]).
const PAUSE_POLL: Duration = Duration::from_millis(100);

/// Why the worker could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// A configuration value is bad (exit code 2).
    #[error("{0}")]
    Config(String),
    /// A service the worker needs is unreachable.
    #[error("{0}")]
    Unavailable(String),
}

/// Runs the worker until `shutdown` is cancelled, then drains and returns.
pub async fn run(config: Config, shutdown: CancellationToken) -> Result<(), StartError> {
    config.validate().map_err(StartError::Config)?;
    let metrics = Metrics::new();
    let tasks = TaskTracker::new();
    let stop_tasks = CancellationToken::new();

    let redis = config.queue.redis().map_err(StartError::Config)?;
    // One clear error for a refused connection, certificate or password, instead of the
    // client's reconnect cycle; before the browser and the database are opened.
    config
        .queue
        .check_reachable(Duration::from_secs(10))
        .await
        .map_err(StartError::Unavailable)?;
    let (processing, browser, store) = processing(&config).await?;
    let queue_opts = QueueOptions::new()
        .connection(redis.clone())
        .prefix(config.queue.bullmq_prefix.clone());
    let queue = Queue::with_options(&config.queue.queue_name, queue_opts.clone())
        .await
        .map(Arc::new)
        .map_err(|e| {
            StartError::Unavailable(format!(
                "connecting to Redis at {}: {e}",
                config.queue.redis_display()
            ))
        })?;
    let dead_letter = match &config.dead_letter_queue {
        Some(name) => Some(Arc::new(
            Queue::with_options(name, queue_opts).await.map_err(|e| {
                StartError::Unavailable(format!("opening dead-letter queue {name}: {e}"))
            })?,
        )),
        None => None,
    };

    if let Some(addr) = config.metrics_addr {
        let listener = metrics::bind(addr)
            .await
            .map_err(|e| StartError::Config(format!("METRICS_ADDR {addr}: {e}")))?;
        tasks.spawn(metrics::serve(
            listener,
            metrics.clone(),
            stop_tasks.clone(),
        ));
    }
    let (backend, poster) = match &config.backend_url {
        Some(base) => {
            let url = endpoint(base, &config.backend_path)
                .map_err(|e| StartError::Config(format!("BACKEND_URL/BACKEND_PATH: {e}")))?;
            let (b, p) = Backend::start(url, config.backend_token.clone(), metrics.clone());
            (Some(b), Some(p))
        }
        None => (None, None),
    };

    let reports =
        match &config.report_dir {
            Some(dir) => {
                let options = lead_audit_report::ReportOptions {
                    score: config.audit.score.clone(),
                    ..Default::default()
                };
                Some(crate::report::ReportDir::create(dir, options).map_err(|e| {
                    StartError::Config(format!("REPORT_DIR {}: {e}", dir.display()))
                })?)
            }
            None => None,
        };

    let lock_duration = Duration::from_millis(config.lock_duration_ms);
    let glue = Glue {
        processing,
        metrics: metrics.clone(),
        backend,
        reports,
        dead_letter,
        queue: queue.clone(),
        lock_duration,
    };
    // The event reader's copy holds no backend sender: the last one must go with the worker.
    let glue_events = Glue {
        backend: None,
        ..glue.clone()
    };
    let mut options = WorkerOptions::new()
        .connection(redis)
        .prefix(config.queue.bullmq_prefix.clone())
        .concurrency(config.worker_concurrency as usize)
        .lock_duration(lock_duration)
        .stalled_interval(Duration::from_millis(config.stalled_interval_ms))
        .max_stalled_count(config.max_stalled_count)
        // The crate's close() waits out the blocking fetch, and a failed fetch sleeps
        // run_retry_delay (15 s by default): both bound shutdown and recovery.
        .drain_delay(Duration::from_secs(config.drain_delay_secs))
        .run_retry_delay(Duration::from_millis(config.run_retry_delay_ms))
        .manual_start();
    if let (Some(max), Some(ms)) = (config.worker_limit_max, config.worker_limit_duration_ms) {
        // BullMQ's limiter: the same key and the same count as a Node worker's `limiter`.
        options = options.limiter(RateLimiterOptions::new(max, Duration::from_millis(ms)));
    }
    let processor = move |job: Job, token: bullmq::worker::CancellationToken| {
        let glue = glue.clone();
        async move { glue.process(job, token).await }
    };
    let worker = Worker::with_options(&config.queue.queue_name, processor, options)
        .await
        .map(Arc::new)
        .map_err(|e| StartError::Unavailable(format!("starting the BullMQ worker: {e}")))?;

    // Never fetch from a paused queue, not even once at start (see follow_pause).
    if queue_paused(&queue).await.unwrap_or(false) {
        worker.pause();
    }
    tasks.spawn(drain_events(worker.clone(), metrics.clone(), glue_events));
    tasks.spawn(follow_pause(
        queue.clone(),
        worker.clone(),
        metrics.clone(),
        stop_tasks.clone(),
    ));
    worker
        .run()
        .await
        .map_err(|e| StartError::Unavailable(format!("starting the BullMQ worker: {e}")))?;
    tracing::info!(
        queue = %config.queue.queue_name,
        prefix = %config.queue.bullmq_prefix,
        redis = %config.queue.redis_display(),
        concurrency = config.worker_concurrency,
        "lead-audit-worker ready"
    );

    shutdown.cancelled().await;
    let drain = Duration::from_millis(config.shutdown_timeout_ms);
    let deadline = Instant::now() + drain;
    tracing::info!(
        in_flight = worker.active_count().await,
        "stopping: no new jobs; in-flight jobs have {drain:?} to finish"
    );
    let ms = u64::try_from(drain.as_millis()).unwrap_or(u64::MAX);
    if let Err(e) = worker.close(ms).await {
        tracing::warn!(error = %e, "closing the worker");
    }
    let left = worker.active_count().await;
    if left > 0 {
        tracing::warn!(
            jobs = left,
            "drain timeout: unfinished jobs are handed back by the stalled checker when their locks expire"
        );
    }
    stop_tasks.cancel();
    tasks.close();
    let _ = tokio::time::timeout(Duration::from_secs(2), tasks.wait()).await;
    // The processor closure holds the last Backend sender; dropping the worker closes it.
    drop(worker);
    if let Some(p) = poster {
        p.finish(
            deadline
                .saturating_duration_since(Instant::now())
                .max(Duration::from_secs(1)),
        )
        .await;
    }
    if let Some(pool) = browser {
        pool.shutdown().await;
    }
    if let Some(store) = store {
        store.close().await;
    }
    queue.close().await;
    tracing::info!("lead-audit-worker stopped");
    Ok(())
}

/// The audit step (with its browser and database), or the test stand-in.
async fn processing(
    config: &Config,
) -> Result<(Processing, Option<BrowserPool>, Option<Store>), StartError> {
    #[cfg(feature = "test-processor")]
    if let Some(p) = config.test_processor {
        tracing::warn!(processor = ?p, "test processor: jobs are not audited");
        return Ok((Processing::Test(p), None, None));
    }
    let (auditor, browser) = config
        .audit
        .build()
        .map_err(|e| StartError::Config(e.to_string()))?;
    let store = match &config.database_url {
        Some(url) => Some(
            open_store(url)
                .await
                .map_err(|e| StartError::Unavailable(format!("DATABASE_URL: {e}")))?,
        ),
        None => None,
    };
    let step = AuditStep {
        auditor,
        source: store.clone().map(|s| Arc::new(s) as Arc<dyn LeadSource>),
        freshness: config.freshness.freshness,
        policy: StorePolicy::Required,
    };
    Ok((Processing::Audit(step), browser, store))
}

/// True when the queue's meta hash has `paused` (the test the moveToActive script makes).
async fn queue_paused(queue: &Queue) -> Result<bool, bullmq::Error> {
    let meta = queue.keys().meta();
    queue
        .connection()
        .cmd(redis::cmd("HEXISTS").arg(meta).arg("paused"))
        .await
}

/// Stops fetching while the queue is paused.
///
/// The crate's moveToActive promotes due delayed jobs into `wait` even on a paused queue (v6
/// logic); Node BullMQ 5's resume then renames `paused` over `wait` and that job is lost. So
/// the worker must not fetch at all while paused. The flag is polled every [`PAUSE_POLL`]: a
/// delayed job that falls due within that time of a pause can still be promoted. The poll
/// also tells when Redis is reachable again after errors.
async fn follow_pause(
    queue: Arc<Queue>,
    worker: Arc<Worker>,
    metrics: Metrics,
    stop: CancellationToken,
) {
    let mut failing = false;
    loop {
        match queue_paused(&queue).await {
            Ok(paused) => {
                if failing {
                    failing = false;
                    metrics.redis_reconnects.inc();
                    tracing::info!("Redis reachable again");
                }
                if paused && !worker.is_paused() {
                    worker.pause();
                    tracing::info!("queue paused: fetching stopped");
                } else if !paused && worker.is_paused() {
                    worker.resume();
                    tracing::info!("queue resumed: fetching again");
                }
            }
            Err(e) => {
                if !failing {
                    failing = true;
                    metrics.redis_errors.inc();
                    tracing::warn!(error = %e, "Redis unreachable; the worker keeps retrying");
                }
            }
        }
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = tokio::time::sleep(PAUSE_POLL) => {}
        }
    }
}

/// True for the crate's own ERROR lines about one job (they carry a `job_id`): each is also
/// sent as a [`WorkerEvent::Error`], which [`drain_events`] reports with what it means.
pub fn reported_as_worker_event(meta: &tracing::Metadata<'_>) -> bool {
    meta.target() == "bullmq::worker"
        && *meta.level() == tracing::Level::ERROR
        && meta.fields().field("job_id").is_some()
}

/// What a worker error means for the jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WorkerErrorKind {
    /// Finishing a job found its lock gone (Redis restarted or was out longer than the lock).
    LockLost,
    /// Redis was unreachable.
    Connection,
    /// Anything else.
    Other,
}

impl WorkerErrorKind {
    fn of(message: &str) -> Self {
        let m = message.to_ascii_lowercase();
        let any = |needles: &[&str]| needles.iter().any(|n| m.contains(n));
        if any(&[
            "lock does not exist",
            "missing lock",
            "lock mismatch",
            "not in the active state",
        ]) {
            Self::LockLost
        } else if any(&[
            "broken pipe",
            "connection refused",
            "connection reset",
            "connection closed",
            "connection dropped",
            "timed out",
            "io error",
            "unexpected end of file",
        ]) {
            Self::Connection
        } else {
            Self::Other
        }
    }
}

/// Reads the worker's event channel, which is unbounded: left unread it grows with every job.
///
/// A `Failed` event for a job the processor never saw (the crate fails a job that stalled
/// too often before calling it) is counted and dead-lettered ([`Glue::on_failed`]).
async fn drain_events(worker: Arc<Worker>, metrics: Metrics, glue: Glue) {
    while let Some(event) = worker.next_event().await {
        match event {
            WorkerEvent::Failed { job_id, error } => {
                // Off the event loop: it reads Redis, and events keep coming.
                let glue = glue.clone();
                tokio::spawn(async move { glue.on_failed(&job_id, &error).await });
            }
            WorkerEvent::Error(e) => {
                metrics.redis_errors.inc();
                match WorkerErrorKind::of(&e) {
                    WorkerErrorKind::LockLost => tracing::warn!(
                        error = %e,
                        "a job's lock was gone or taken when its outcome was written (Redis restarted, or was unreachable for longer than LOCK_DURATION_MS): the outcome is not recorded, and the stalled checker hands the job back to be run again"
                    ),
                    WorkerErrorKind::Connection => {
                        tracing::warn!(error = %e, "Redis unreachable; the worker keeps retrying")
                    }
                    WorkerErrorKind::Other => tracing::error!(error = %e, "worker error"),
                }
            }
            WorkerEvent::Stalled { job_id } => {
                tracing::info!(job = %job_id, "stalled job handed back")
            }
            WorkerEvent::Closed => break,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_errors_are_told_apart() {
        for lost in [
            "script error: Job lock does not exist (code: -2)",
            "Missing lock for job 12. moveToFinished",
        ] {
            assert_eq!(
                WorkerErrorKind::of(lost),
                WorkerErrorKind::LockLost,
                "{lost}"
            );
        }
        assert_eq!(
            WorkerErrorKind::of("redis error: broken pipe"),
            WorkerErrorKind::Connection
        );
        assert_eq!(
            WorkerErrorKind::of("Job 3 is not in the active state. moveToFinished"),
            WorkerErrorKind::LockLost
        );
        assert_eq!(
            WorkerErrorKind::of("script error: Job lock mismatch (code: -6)"),
            WorkerErrorKind::LockLost
        );
        for lasting in [
            "redis error: CROSSSLOT Keys in request don't hash to the same slot",
            "redis error: NOPERM this user has no permissions",
            "redis error: OOM command not allowed",
        ] {
            assert_eq!(
                WorkerErrorKind::of(lasting),
                WorkerErrorKind::Other,
                "{lasting}"
            );
        }
    }
}
