//! The worker's configuration: every value from a flag or an environment variable (SPEC §5.2).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use bullmq::options::RedisConnectionOptions;
use clap::Parser;
use lead_audit_core::{AuditOptions, BrowserMode};
use url::Url;

use crate::processor::TestProcessor;

/// Consume the BullMQ queue of leads and audit each lead's website. Every option reads an
/// environment variable; `.env` and `apps/backend/.env` are loaded first when present.
#[derive(Debug, Clone, Parser)]
#[command(name = "lead-audit-worker", version, about)]
pub struct Config {
    /// Redis URL (`redis://`, or `rediss://` for TLS); when set, REDIS_HOST/PORT/PASSWORD/DB
    /// are ignored.
    #[arg(long, env = "REDIS_URL", help_heading = "Redis")]
    pub redis_url: Option<String>,
    /// Redis host.
    #[arg(
        long,
        env = "REDIS_HOST",
        default_value = "localhost",
        help_heading = "Redis"
    )]
    pub redis_host: String,
    /// Redis port.
    #[arg(
        long,
        env = "REDIS_PORT",
        default_value_t = 6379,
        help_heading = "Redis"
    )]
    pub redis_port: u16,
    /// Redis ACL user name.
    #[arg(long, env = "REDIS_USERNAME", help_heading = "Redis")]
    pub redis_username: Option<String>,
    /// Redis password.
    #[arg(
        long,
        env = "REDIS_PASSWORD",
        hide_env_values = true,
        help_heading = "Redis"
    )]
    pub redis_password: Option<String>,
    /// Redis database index.
    #[arg(long, env = "REDIS_DB", default_value_t = 0, help_heading = "Redis")]
    pub redis_db: u8,

    /// The BullMQ queue to consume.
    #[arg(
        long,
        env = "QUEUE_NAME",
        default_value = "leads",
        help_heading = "Queue"
    )]
    pub queue_name: String,
    /// BullMQ key prefix (use a hash tag such as `{bull}` on Redis Cluster).
    #[arg(
        long,
        env = "BULLMQ_PREFIX",
        default_value = "bull",
        help_heading = "Queue"
    )]
    pub bullmq_prefix: String,
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
    /// A queue that receives a copy (data, reason, attempts) of every job that exhausted
    /// its attempts.
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
    /// Leads audited more recently than this are skipped unless forced (`24h`, `30m`, `3600`).
    #[arg(long, env = "LEAD_AUDIT_FRESHNESS", default_value = "24h", value_parser = lead_audit_store::parse_duration, help_heading = "Outputs")]
    pub freshness: Duration,
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
    /// Address of the Prometheus endpoint (`/metrics`, `/healthz`), e.g. `0.0.0.0:9464`.
    #[arg(long, env = "METRICS_ADDR", help_heading = "Outputs")]
    pub metrics_addr: Option<SocketAddr>,

    /// Contact pages crawled after the home page.
    #[arg(long, default_value_t = 5, env = "LEAD_AUDIT_MAX_PAGES", value_parser = clap::value_parser!(u16).range(0..=100), help_heading = "Audit")]
    pub max_pages: u16,
    /// Browser fallback: `auto` renders only pages that need JavaScript.
    #[arg(long, default_value = "auto", env = "LEAD_AUDIT_BROWSER", value_parser = <BrowserMode as std::str::FromStr>::from_str, help_heading = "Audit")]
    pub browser: BrowserMode,
    /// Chromium binary for the browser fallback (else found on PATH).
    #[arg(long, env = "CHROME_PATH", help_heading = "Audit")]
    pub chrome_path: Option<PathBuf>,
    /// Seconds one lead may take in all.
    #[arg(long, default_value_t = 30.0, env = "LEAD_AUDIT_TIMEOUT", value_parser = lead_audit_core::options::parse_seconds, help_heading = "Audit")]
    pub timeout: f64,
    /// Seconds one HTTP request may take.
    #[arg(long, default_value_t = 10.0, env = "LEAD_AUDIT_REQUEST_TIMEOUT", value_parser = lead_audit_core::options::parse_seconds, help_heading = "Audit")]
    pub request_timeout: f64,
    /// Region for national phone numbers when neither lead nor page says (ISO 3166 alpha-2).
    #[arg(
        long,
        default_value = "US",
        env = "LEAD_AUDIT_DEFAULT_REGION",
        help_heading = "Audit"
    )]
    pub default_region: String,
    /// A Wappalyzer-format fingerprint dataset loaded beside the embedded one.
    #[arg(long, env = "LEAD_AUDIT_FINGERPRINTS", help_heading = "Audit")]
    pub fingerprints: Option<PathBuf>,
    /// Allow loopback and private addresses (the SSRF guard is on by default).
    #[arg(long, env = "LEAD_AUDIT_ALLOW_PRIVATE_NETWORKS", value_parser = clap::builder::FalseyValueParser::new(), help_heading = "Audit")]
    pub allow_private_networks: bool,
    /// User-Agent sent with every request.
    #[arg(long, env = "LEAD_AUDIT_USER_AGENT", default_value = lead_audit_core::options::DEFAULT_USER_AGENT, help_heading = "Audit")]
    pub user_agent: String,
    /// Skip the RDAP / WHOIS domain-age lookup.
    #[arg(long, env = "LEAD_AUDIT_NO_DOMAIN_LOOKUP", value_parser = clap::builder::FalseyValueParser::new(), help_heading = "Audit")]
    pub no_domain_lookup: bool,

    /// Replace the audit with a stand-in (`noop`, `sleep:MS`, `fail`): a testing and
    /// benchmark aid for measuring the queue itself.
    #[arg(long, env = "LEAD_AUDIT_WORKER_TEST_PROCESSOR", hide = true)]
    pub test_processor: Option<TestProcessor>,
}

impl Config {
    /// Checks what clap cannot: names, and the audit options as the core sees them.
    pub fn validate(&self) -> Result<(), String> {
        if self.queue_name.trim().is_empty() || self.queue_name.contains(':') {
            return Err(format!(
                "QUEUE_NAME {:?} must be non-empty and contain no ':'",
                self.queue_name
            ));
        }
        if self.bullmq_prefix.trim().is_empty() {
            return Err("BULLMQ_PREFIX must not be empty".into());
        }
        if let Some(dlq) = &self.dead_letter_queue {
            if dlq.trim().is_empty() || dlq.contains(':') || *dlq == self.queue_name {
                return Err(format!(
                    "DEAD_LETTER_QUEUE {dlq:?} must be a queue name other than QUEUE_NAME, without ':'"
                ));
            }
        }
        if self.stalled_interval_ms > self.lock_duration_ms.saturating_mul(10) {
            return Err(format!(
                "STALLED_INTERVAL_MS {} is more than ten times LOCK_DURATION_MS {}: stalled jobs would wait too long",
                self.stalled_interval_ms, self.lock_duration_ms
            ));
        }
        if let Some(url) = &self.redis_url {
            let scheme = url.split_once("://").map(|(s, _)| s);
            if !matches!(scheme, Some("redis" | "rediss")) {
                return Err(format!(
                    "REDIS_URL must start with redis:// or rediss://, got {:?}",
                    lead_audit_core::options::redact_url(url)
                ));
            }
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
        self.audit_options()
            .and_then(|o| o.validate())
            .map_err(|e| e.to_string())
    }

    /// The Redis connection the worker and its queues use.
    pub fn redis(&self) -> RedisConnectionOptions {
        let mut opts = RedisConnectionOptions::new();
        match &self.redis_url {
            Some(url) => opts = opts.url(url.clone()),
            None => {
                opts = opts.host(self.redis_host.clone()).port(self.redis_port);
                if self.redis_db != 0 {
                    opts = opts.db(self.redis_db);
                }
                if let Some(p) = &self.redis_password {
                    opts = opts.password(p.clone());
                }
                if let Some(u) = &self.redis_username {
                    opts = opts.username(u.clone());
                }
            }
        }
        opts
    }

    /// Where Redis is, without credentials, for messages.
    pub fn redis_display(&self) -> String {
        match &self.redis_url {
            Some(url) => lead_audit_core::options::redact_url(url),
            None => format!("{}:{}/{}", self.redis_host, self.redis_port, self.redis_db),
        }
    }

    /// The core's options from the `LEAD_AUDIT_*` values.
    pub fn audit_options(&self) -> Result<AuditOptions, lead_audit_core::Error> {
        Ok(AuditOptions {
            max_pages: self.max_pages as usize,
            browser: self.browser,
            timeout: Duration::from_secs_f64(self.timeout),
            request_timeout: Duration::from_secs_f64(self.request_timeout),
            default_region: self.default_region.to_ascii_uppercase(),
            allow_private_networks: self.allow_private_networks,
            user_agent: self.user_agent.clone(),
            domain_lookup: !self.no_domain_lookup,
            fingerprints: self.fingerprints.clone(),
            domain: lead_audit_core::domain::DomainConfig::from_env()?,
            ..AuditOptions::default()
        })
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
        assert_eq!(c.queue_name, "leads");
        assert_eq!(c.bullmq_prefix, "bull");
        assert_eq!(c.redis().effective_url(), "redis://localhost:6379");
        assert_eq!(c.validate(), Ok(()));
    }

    #[test]
    fn host_fields_build_the_url() {
        let c = parse(&[
            "--redis-host",
            "cache",
            "--redis-port",
            "6380",
            "--redis-db",
            "2",
            "--redis-password",
            "p@ss",
        ])
        .expect("parses");
        assert_eq!(c.redis().effective_url(), "redis://:p%40ss@cache:6380/2");
        assert_eq!(c.redis_display(), "cache:6380/2");
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
    }

    #[test]
    fn redis_password_is_never_displayed() {
        let c = parse(&["--redis-url", "rediss://u:secret@h:6380/1"]).expect("parses");
        assert!(!c.redis_display().contains("secret"));
    }
}
