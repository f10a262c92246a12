//! The worker's configuration: every value from a flag or an environment variable; see docs/worker.md.

use std::net::SocketAddr;

use clap::Parser;
use lead_audit_app::record::FreshnessSettings;
use lead_audit_app::AuditSettings;
use lead_audit_queue::QueueSettings;
use url::Url;

#[cfg(feature = "test-processor")]
use crate::processor::TestProcessor;

/// Consume the BullMQ queue of leads and audit each lead's website. Every option reads an
/// environment variable; `.env` and `apps/backend/.env` are loaded first when present.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "lead-audit-worker",
    version,
    about,
    after_help = "Traces: set OTEL_EXPORTER_OTLP_ENDPOINT (and the standard OTEL_* variables) to export a span per job and per stage over OTLP/HTTP; see docs/deploy.md."
)]
pub struct Config {
    #[command(flatten)]
    pub queue: QueueSettings,
    /// Jobs processed at once.
    #[arg(long, env = "WORKER_CONCURRENCY", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=10_000), help_heading = "Queue")]
    pub worker_concurrency: u32,
    /// How long a job's lock lasts without renewal, in ms (renewed every half of it).
    #[arg(long, env = "LOCK_DURATION_MS", default_value_t = 30_000, value_parser = clap::value_parser!(u64).range(500..), help_heading = "Queue")]
    pub lock_duration_ms: u64,
    /// How often stalled jobs (lock expired) are looked for, in ms.
    #[arg(long, env = "STALLED_INTERVAL_MS", default_value_t = 30_000, value_parser = clap::value_parser!(u64).range(100..), help_heading = "Queue")]
    pub stalled_interval_ms: u64,
    /// Times a job may stall before it is failed.
    #[arg(
        long,
        env = "MAX_STALLED_COUNT",
        default_value_t = 1,
        help_heading = "Queue"
    )]
    pub max_stalled_count: u32,
    /// Seconds one blocking wait for new jobs lasts; it bounds how long shutdown waits for
    /// the blocking connection.
    #[arg(long, env = "DRAIN_DELAY_SECS", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=300), help_heading = "Queue")]
    pub drain_delay_secs: u64,
    /// Pause after a failed fetch from Redis before trying again, in ms.
    #[arg(
        long,
        env = "RUN_RETRY_DELAY_MS",
        default_value_t = 1_000,
        help_heading = "Queue"
    )]
    pub run_retry_delay_ms: u64,
    /// On SIGTERM/SIGINT, how long in-flight jobs may run before the worker exits anyway
    /// (their locks then expire and the stalled checker hands them back), in ms.
    #[arg(
        long,
        env = "SHUTDOWN_TIMEOUT_MS",
        default_value_t = 30_000,
        help_heading = "Queue"
    )]
    pub shutdown_timeout_ms: u64,
    /// Rate limit: at most this many jobs start per WORKER_LIMIT_DURATION_MS, counted across
    /// every worker of the queue (Node workers with the same `limiter` included).
    #[arg(long, env = "WORKER_LIMIT_MAX", value_parser = clap::value_parser!(u64).range(1..), help_heading = "Queue")]
    pub worker_limit_max: Option<u64>,
    /// The rate limit's window, in ms (BullMQ's `limiter.duration`).
    #[arg(long, env = "WORKER_LIMIT_DURATION_MS", value_parser = clap::value_parser!(u64).range(1..), help_heading = "Queue")]
    pub worker_limit_duration_ms: Option<u64>,
    /// A queue that receives a copy (data, reason, attempts) of every job that failed for
    /// good: attempts exhausted, unrecoverable, or stalled more than MAX_STALLED_COUNT times.
    #[arg(long, env = "DEAD_LETTER_QUEUE", help_heading = "Queue")]
    pub dead_letter_queue: Option<String>,

    /// PostgreSQL or SQLite URL: jobs with only a `leadId` are loaded from it, fresh leads
    /// skipped, and every audit recorded.
    #[arg(
        long,
        env = "DATABASE_URL",
        hide_env_values = true,
        help_heading = "Outputs"
    )]
    pub database_url: Option<String>,
    #[command(flatten)]
    pub freshness: FreshnessSettings,
    /// The backend's base URL: each finished AuditResult is POSTed there.
    #[arg(long, env = "BACKEND_URL", help_heading = "Outputs")]
    pub backend_url: Option<Url>,
    /// Path under BACKEND_URL the results are POSTed to.
    #[arg(
        long,
        env = "BACKEND_PATH",
        default_value = "/api/lead-audits",
        help_heading = "Outputs"
    )]
    pub backend_path: String,
    /// Bearer token sent to the backend.
    #[arg(
        long,
        env = "BACKEND_TOKEN",
        hide_env_values = true,
        help_heading = "Outputs"
    )]
    pub backend_token: Option<String>,
    /// A directory the outreach report page of each audited lead is written to; the job's
    /// return value names it as `reportPath`.
    #[arg(long, env = "REPORT_DIR", help_heading = "Outputs")]
    pub report_dir: Option<std::path::PathBuf>,
    /// Address of the Prometheus endpoint (`/metrics`, `/healthz`), e.g. `0.0.0.0:9464`.
    #[arg(long, env = "METRICS_ADDR", help_heading = "Outputs")]
    pub metrics_addr: Option<SocketAddr>,

    #[command(flatten)]
    pub audit: AuditSettings,

    /// Replace the audit with a stand-in (`noop`, `sleep:MS`, `fail`): a testing and
    /// benchmark aid for measuring the queue itself, built only with the `test-processor`
    /// feature.
    #[cfg(feature = "test-processor")]
    #[arg(long, env = "LEAD_AUDIT_WORKER_TEST_PROCESSOR", hide = true)]
    pub test_processor: Option<TestProcessor>,
}

impl Config {
    /// Checks what clap cannot: names, and the audit options as the core sees them.
    pub fn validate(&self) -> Result<(), String> {
        self.queue.validate()?;
        if let Some(dlq) = &self.dead_letter_queue {
            if dlq.trim().is_empty() || dlq.contains(':') || *dlq == self.queue.queue_name {
                return Err(format!(
                    "DEAD_LETTER_QUEUE {dlq:?} must be a queue name other than QUEUE_NAME, without ':'"
                ));
            }
            self.queue.check_slot(dlq, "DEAD_LETTER_QUEUE")?;
        }
        if self.worker_limit_max.is_some() != self.worker_limit_duration_ms.is_some() {
            return Err(
                "WORKER_LIMIT_MAX and WORKER_LIMIT_DURATION_MS go together: at most MAX jobs per DURATION ms"
                    .into(),
            );
        }
        if self.stalled_interval_ms > self.lock_duration_ms.saturating_mul(10) {
            return Err(format!(
                "STALLED_INTERVAL_MS {} is more than ten times LOCK_DURATION_MS {}: stalled jobs would wait too long",
                self.stalled_interval_ms, self.lock_duration_ms
            ));
        }
        if let Some(db) = &self.database_url {
            lead_audit_store::backend_of(db).map_err(|_| {
                "DATABASE_URL must start with postgres://, postgresql:// or sqlite://".to_string()
            })?;
        }
        if let Some(url) = &self.backend_url {
            if !matches!(url.scheme(), "http" | "https") {
                return Err(format!("BACKEND_URL must be http(s), got {url}"));
            }
        }
        if !self.backend_path.starts_with('/') {
            return Err(format!(
                "BACKEND_PATH must start with '/', got {:?}",
                self.backend_path
            ));
        }
        self.audit.to_options().map(drop).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Config, clap::Error> {
        let mut all = vec!["lead-audit-worker"];
        all.extend_from_slice(args);
        Config::try_parse_from(all)
    }

    #[test]
    fn defaults_are_those_of_the_spec() {
        let c = parse(&[]).expect("defaults parse");
        assert_eq!(c.queue.queue_name, "leads");
        assert_eq!(c.queue.bullmq_prefix, "bull");
        assert_eq!(
            c.queue.redis().expect("options").effective_url(),
            "redis://localhost:6379"
        );
        assert_eq!(c.validate(), Ok(()));
    }

    #[test]
    fn every_audit_setting_of_the_cli_is_here() {
        let c = parse(&[
            "--resolve",
            "shop.test:127.0.0.1",
            "--browser-tabs",
            "2",
            "--browser-timeout",
            "5",
            "--freshness",
            "30m",
        ])
        .expect("parses");
        assert_eq!(c.audit.resolve.len(), 1);
        assert_eq!(c.audit.browser_tabs, Some(2));
        assert_eq!(c.freshness.freshness.as_secs(), 1800);
    }

    #[test]
    fn bad_values_are_refused() {
        assert!(parse(&["--worker-concurrency", "0"]).is_err());
        assert!(parse(&["--redis-port", "x"]).is_err());
        assert!(parse(&["--browser", "sometimes"]).is_err());
        let c = parse(&["--redis-url", "http://x"]).expect("parses");
        assert!(c.validate().is_err_and(|e| e.contains("REDIS_URL")));
        let c = parse(&["--default-region", "ZZ"]).expect("parses");
        assert!(c.validate().is_err_and(|e| e.contains("region")));
        let c = parse(&["--dead-letter-queue", "leads"]).expect("parses");
        assert!(c.validate().is_err_and(|e| e.contains("DEAD_LETTER_QUEUE")));
        let c = parse(&["--worker-limit-max", "10"]).expect("parses");
        assert!(c
            .validate()
            .is_err_and(|e| e.contains("WORKER_LIMIT_DURATION_MS")));
        assert!(parse(&[
            "--worker-limit-max",
            "0",
            "--worker-limit-duration-ms",
            "1000"
        ])
        .is_err());
    }

    #[test]
    fn on_a_cluster_the_dead_letter_queue_shares_the_hash_tag() {
        let nodes = "redis://127.0.0.1:7301";
        let c = parse(&[
            "--redis-cluster-nodes",
            nodes,
            "--queue",
            "{leads}",
            "--dead-letter-queue",
            "dead",
        ])
        .expect("parses");
        assert!(c.validate().is_err_and(|e| e.contains("DEAD_LETTER_QUEUE")));
        let c = parse(&[
            "--redis-cluster-nodes",
            nodes,
            "--prefix",
            "{bull}",
            "--dead-letter-queue",
            "dead",
        ])
        .expect("parses");
        assert_eq!(c.validate(), Ok(()));
    }
}
