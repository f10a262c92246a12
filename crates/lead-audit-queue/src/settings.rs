//! Where the queue lives: Redis, the queue's name and BullMQ's key prefix.

use bullmq::options::RedisConnectionOptions;
use clap::Args;
use lead_audit_app::display::redact_url;

/// The Redis server and the queue on it. Every flag reads the variable a Node BullMQ backend
/// uses for the same thing.
#[derive(Debug, Clone, Args)]
pub struct QueueSettings {
    /// Redis URL (`redis://`, or `rediss://` for TLS); when set, REDIS_HOST/PORT/USERNAME/
    /// PASSWORD/DB are ignored.
    #[arg(
        long,
        env = "REDIS_URL",
        hide_env_values = true,
        help_heading = "Redis"
    )]
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
    /// The BullMQ queue.
    #[arg(
        long,
        visible_alias = "queue",
        env = "QUEUE_NAME",
        default_value = "leads",
        help_heading = "Queue"
    )]
    pub queue_name: String,
    /// BullMQ key prefix (use a hash tag such as `{bull}` on Redis Cluster).
    #[arg(
        long,
        visible_alias = "prefix",
        env = "BULLMQ_PREFIX",
        default_value = "bull",
        help_heading = "Queue"
    )]
    pub bullmq_prefix: String,
}

impl QueueSettings {
    /// The queue `queue_name` under prefix `bull` on the Redis at `redis_url`.
    pub fn at(redis_url: &str, queue_name: &str) -> Self {
        Self {
            redis_url: Some(redis_url.to_owned()),
            redis_host: "localhost".to_owned(),
            redis_port: 6379,
            redis_username: None,
            redis_password: None,
            redis_db: 0,
            queue_name: queue_name.to_owned(),
            bullmq_prefix: "bull".to_owned(),
        }
    }

    /// Checks what clap cannot; the message names the variable.
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
        if let Some(url) = &self.redis_url {
            let scheme = url.split_once("://").map(|(s, _)| s);
            if !matches!(scheme, Some("redis" | "rediss")) {
                return Err(format!(
                    "REDIS_URL must start with redis:// or rediss://, got {:?}",
                    redact_url(url)
                ));
            }
        }
        Ok(())
    }

    /// The connection options of the crate's queues and workers.
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
            Some(url) => redact_url(url),
            None => format!("{}:{}/{}", self.redis_host, self.redis_port, self.redis_db),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Probe {
        #[command(flatten)]
        queue: QueueSettings,
    }

    fn parse(args: &[&str]) -> Result<QueueSettings, clap::Error> {
        let mut all = vec!["probe"];
        all.extend_from_slice(args);
        Probe::try_parse_from(all).map(|p| p.queue)
    }

    #[test]
    fn defaults_are_bullmqs() {
        let q = parse(&[]).expect("defaults parse");
        assert_eq!(q.queue_name, "leads");
        assert_eq!(q.bullmq_prefix, "bull");
        assert_eq!(q.redis().effective_url(), "redis://localhost:6379");
        assert_eq!(q.validate(), Ok(()));
    }

    #[test]
    fn host_fields_build_the_url() {
        let q = parse(&[
            "--redis-host",
            "cache",
            "--redis-port",
            "6380",
            "--redis-db",
            "2",
            "--redis-password",
            "p@ss",
            "--queue",
            "audits",
        ])
        .expect("parses");
        assert_eq!(q.redis().effective_url(), "redis://:p%40ss@cache:6380/2");
        assert_eq!(q.redis_display(), "cache:6380/2");
        assert_eq!(q.queue_name, "audits");
    }

    #[test]
    fn bad_values_are_refused_without_showing_secrets() {
        let q = parse(&["--redis-url", "http://u:secret@x"]).expect("parses");
        assert!(q
            .validate()
            .is_err_and(|e| e.contains("REDIS_URL") && !e.contains("secret")));
        let q = parse(&["--queue-name", "a:b"]).expect("parses");
        assert!(q.validate().is_err());
        let q = parse(&["--redis-url", "rediss://u:secret@h:6380/1"]).expect("parses");
        assert!(!q.redis_display().contains("secret"));
    }
}
