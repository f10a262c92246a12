//! Where the queue lives: Redis (one node or a cluster, plain or TLS), the queue's name and
//! BullMQ's key prefix.

use std::path::PathBuf;

use bullmq::options::{RedisConnectionOptions, TlsCerts};
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
    /// Redis Cluster seed nodes, comma-separated `redis://host:port` (`rediss://` for TLS).
    /// When set, REDIS_URL/HOST/PORT/DB are ignored (REDIS_USERNAME/PASSWORD apply to every
    /// node) and the prefix must carry a hash tag such as `{bull}`.
    #[arg(
        long,
        env = "REDIS_CLUSTER_NODES",
        value_delimiter = ',',
        hide_env_values = true,
        help_heading = "Redis"
    )]
    pub redis_cluster_nodes: Vec<String>,
    /// Connect over TLS even when the URL or nodes say `redis://` (or with REDIS_HOST).
    #[arg(long, env = "REDIS_TLS", value_parser = clap::builder::FalseyValueParser::new(), help_heading = "Redis")]
    pub redis_tls: bool,
    /// PEM file of the CA that signed the Redis server's certificate (a private CA); implies
    /// TLS.
    #[arg(long, env = "REDIS_TLS_CA", help_heading = "Redis")]
    pub redis_tls_ca: Option<PathBuf>,
    /// Accept any certificate from Redis, unverified: for self-signed development setups
    /// only, never in production.
    #[arg(long, env = "REDIS_TLS_INSECURE", value_parser = clap::builder::FalseyValueParser::new(), help_heading = "Redis")]
    pub redis_tls_insecure: bool,
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
            redis_cluster_nodes: Vec::new(),
            redis_tls: false,
            redis_tls_ca: None,
            redis_tls_insecure: false,
            queue_name: queue_name.to_owned(),
            bullmq_prefix: "bull".to_owned(),
        }
    }

    /// The queue `queue_name` under prefix `prefix` on the Redis Cluster with these seed
    /// nodes.
    pub fn on_cluster(nodes: &[&str], queue_name: &str, prefix: &str) -> Self {
        let mut s = Self::at("redis://unused", queue_name);
        s.redis_url = None;
        s.redis_cluster_nodes = nodes.iter().map(|n| (*n).to_owned()).collect();
        s.bullmq_prefix = prefix.to_owned();
        s
    }

    /// True when the queue is on a Redis Cluster.
    pub fn is_cluster(&self) -> bool {
        !self.redis_cluster_nodes.is_empty()
    }

    /// Checks that every key of queue `queue` hashes to one cluster slot, as BullMQ's
    /// multi-key scripts need; always true off a cluster.
    pub fn check_slot(&self, queue: &str, what: &str) -> Result<(), String> {
        if !self.is_cluster() || hash_tag(&format!("{}:{queue}:", self.bullmq_prefix)).is_some() {
            return Ok(());
        }
        Err(format!(
            "on Redis Cluster every key of a queue must hash to one slot: BULLMQ_PREFIX {:?} has no hash tag for {what} {queue:?}; use a prefix such as \"{{{}}}\"",
            self.bullmq_prefix,
            self.bullmq_prefix.trim_matches(|c| c == '{' || c == '}')
        ))
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
        let urls: Vec<(&str, &String)> = if self.is_cluster() {
            self.redis_cluster_nodes
                .iter()
                .map(|u| ("REDIS_CLUSTER_NODES", u))
                .collect()
        } else {
            self.redis_url.iter().map(|u| ("REDIS_URL", u)).collect()
        };
        for (var, url) in urls {
            if scheme(url).is_none() {
                return Err(format!(
                    "{var} must start with redis:// or rediss://, got {:?}",
                    redact_url(url)
                ));
            }
        }
        if self.redis_tls_insecure && self.redis_tls_ca.is_some() {
            return Err(
                "REDIS_TLS_INSECURE and REDIS_TLS_CA contradict each other: verify against the CA, or not at all"
                    .into(),
            );
        }
        if self.redis_tls_insecure && !self.tls() {
            return Err("REDIS_TLS_INSECURE needs TLS: a rediss:// URL or REDIS_TLS".into());
        }
        self.check_slot(&self.queue_name, "QUEUE_NAME")?;
        self.redis().map(drop)
    }

    /// True when the connection is TLS.
    fn tls(&self) -> bool {
        let tls_url = |u: &String| scheme(u) == Some(true);
        self.redis_tls
            || self.redis_tls_ca.is_some()
            || if self.is_cluster() {
                self.redis_cluster_nodes.iter().any(tls_url)
            } else {
                self.redis_url.as_ref().is_some_and(tls_url)
            }
    }

    /// `url` with the TLS scheme and fragment these settings ask for.
    fn tls_url(&self, url: &str) -> String {
        let (_, rest) = url.split_once("://").unwrap_or(("", url));
        let rest = rest.split_once('#').map_or(rest, |(r, _)| r);
        if !self.tls() {
            return format!("redis://{rest}");
        }
        // The client library takes "accept any certificate" from the URL's fragment.
        let insecure = if self.redis_tls_insecure {
            "#insecure"
        } else {
            ""
        };
        format!("rediss://{rest}{insecure}")
    }

    /// The connection options of the crate's queues and workers; an error names the
    /// variable (an unreadable REDIS_TLS_CA).
    pub fn redis(&self) -> Result<RedisConnectionOptions, String> {
        let mut opts = RedisConnectionOptions::new();
        if self.is_cluster() {
            let nodes: Vec<String> = self
                .redis_cluster_nodes
                .iter()
                .map(|n| self.tls_url(n.trim()))
                .collect();
            opts = opts.cluster_nodes(nodes);
            if let Some(p) = &self.redis_password {
                opts = opts.password(p.clone());
            }
            if let Some(u) = &self.redis_username {
                opts = opts.username(u.clone());
            }
        } else {
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
            let url = self.tls_url(&opts.effective_url());
            opts = RedisConnectionOptions::new().url(url);
        }
        if let Some(path) = &self.redis_tls_ca {
            let pem =
                std::fs::read(path).map_err(|e| format!("REDIS_TLS_CA {}: {e}", path.display()))?;
            opts = opts.tls_certs(TlsCerts {
                root_cert: Some(pem),
                ..TlsCerts::default()
            });
        }
        Ok(opts)
    }

    /// Connects once and reads the queue's meta key, within `within`, so that a refused
    /// connection, certificate or password is one clear error at start instead of the
    /// client's reconnect cycle. On a cluster the read goes to the node that holds the queue,
    /// as the queue's own commands will (a PING would ask every master).
    pub async fn check_reachable(&self, within: std::time::Duration) -> Result<(), String> {
        let meta = format!("{}:{}:meta", self.bullmq_prefix, self.queue_name);
        let opts = self.redis()?;
        let certs = opts.tls_certs.as_ref().map(|c| redis::TlsCertificates {
            client_tls: None,
            root_cert: c.root_cert.clone(),
        });
        let ping = async {
            let exists: i64 = if opts.is_cluster() {
                let mut b = redis::cluster::ClusterClient::builder(opts.cluster_nodes.clone());
                if let Some(u) = &opts.username {
                    b = b.username(u.clone());
                }
                if let Some(p) = &opts.password {
                    b = b.password(p.clone());
                }
                if let Some(c) = certs {
                    b = b.certs(c);
                }
                let mut conn = b.build()?.get_async_connection().await?;
                redis::cmd("EXISTS")
                    .arg(&meta)
                    .query_async(&mut conn)
                    .await?
            } else {
                let url = opts.effective_url();
                let client = match certs {
                    Some(c) => redis::Client::build_with_tls(url, c)?,
                    None => redis::Client::open(url)?,
                };
                let mut conn = client.get_multiplexed_async_connection().await?;
                redis::cmd("EXISTS")
                    .arg(&meta)
                    .query_async(&mut conn)
                    .await?
            };
            Ok::<_, redis::RedisError>(exists)
        };
        match tokio::time::timeout(within, ping).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(format!(
                "connecting to Redis at {}: {e}",
                self.redis_display()
            )),
            Err(_) => Err(format!(
                "connecting to Redis at {}: no answer within {within:?}",
                self.redis_display()
            )),
        }
    }

    /// Where Redis is, without credentials, for messages.
    pub fn redis_display(&self) -> String {
        if self.is_cluster() {
            let nodes: Vec<String> = self
                .redis_cluster_nodes
                .iter()
                .map(|n| redact_url(n))
                .collect();
            return format!("cluster {}", nodes.join(","));
        }
        match &self.redis_url {
            Some(url) => redact_url(url),
            None => format!("{}:{}/{}", self.redis_host, self.redis_port, self.redis_db),
        }
    }
}

/// `Some(true)` for `rediss://`, `Some(false)` for `redis://`, `None` for anything else.
fn scheme(url: &str) -> Option<bool> {
    match url.trim().split_once("://").map(|(s, _)| s) {
        Some("rediss") => Some(true),
        Some("redis") => Some(false),
        _ => None,
    }
}

/// The hash tag of a Redis key: what lies between its first `{` and the next `}`, when that
/// is not empty. Keys with the same tag hash to the same cluster slot.
pub fn hash_tag(key: &str) -> Option<&str> {
    let open = key.find('{')?;
    let len = key[open + 1..].find('}')?;
    (len > 0).then(|| &key[open + 1..open + 1 + len])
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
        assert_eq!(
            q.redis().expect("options").effective_url(),
            "redis://localhost:6379"
        );
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
        assert_eq!(
            q.redis().expect("options").effective_url(),
            "redis://:p%40ss@cache:6380/2"
        );
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

    #[test]
    fn hash_tags_are_found_as_redis_finds_them() {
        assert_eq!(hash_tag("{bull}:leads:wait"), Some("bull"));
        assert_eq!(hash_tag("bull:{leads}:wait"), Some("leads"));
        assert_eq!(
            hash_tag("bull:{}:leads:{x}"),
            None,
            "an empty first tag means none"
        );
        assert_eq!(hash_tag("bull:leads}{:wait"), None);
        assert_eq!(hash_tag("bull:leads:wait"), None);
    }

    #[test]
    fn a_cluster_needs_a_hash_tagged_prefix() {
        let nodes = ["redis://127.0.0.1:7301", "redis://127.0.0.1:7302"];
        let q = QueueSettings::on_cluster(&nodes, "leads", "bull");
        let err = q.validate().expect_err("untagged prefix refused");
        assert!(
            err.contains("{bull}") && err.contains("BULLMQ_PREFIX"),
            "{err}"
        );
        assert_eq!(
            QueueSettings::on_cluster(&nodes, "leads", "{bull}").validate(),
            Ok(())
        );
        assert_eq!(
            QueueSettings::on_cluster(&nodes, "{leads}", "bull").validate(),
            Ok(())
        );
        let q = parse(&[
            "--redis-cluster-nodes",
            "redis://a:7000,redis://b:7000",
            "--prefix",
            "{bull}",
        ])
        .expect("parses");
        let opts = q.redis().expect("options");
        assert!(opts.is_cluster());
        assert_eq!(opts.cluster_nodes, ["redis://a:7000", "redis://b:7000"]);
        assert_eq!(q.redis_display(), "cluster redis://a:7000,redis://b:7000");
        let q = parse(&["--redis-cluster-nodes", "a:7000", "--prefix", "{bull}"]).expect("parses");
        assert!(q
            .validate()
            .is_err_and(|e| e.contains("REDIS_CLUSTER_NODES")));
    }

    #[test]
    fn tls_settings_shape_the_urls() {
        let q = parse(&["--redis-url", "redis://h:6380/1", "--redis-tls"]).expect("parses");
        assert_eq!(q.redis().expect("options").url, "rediss://h:6380/1");
        let q = parse(&["--redis-url", "rediss://h:6380", "--redis-tls-insecure"]).expect("parses");
        assert_eq!(q.validate(), Ok(()));
        assert_eq!(q.redis().expect("options").url, "rediss://h:6380#insecure");
        let q = parse(&[
            "--redis-url",
            "rediss://h:6380/0?protocol=resp3",
            "--redis-tls-insecure",
        ])
        .expect("parses");
        assert_eq!(
            q.redis().expect("options").url,
            "rediss://h:6380/0?protocol=resp3#insecure"
        );
        let q = parse(&["--redis-url", "redis://h", "--redis-tls-insecure"]).expect("parses");
        assert!(q
            .validate()
            .is_err_and(|e| e.contains("REDIS_TLS_INSECURE")));
        let q = parse(&[
            "--redis-cluster-nodes",
            "redis://a:7000,rediss://b:7000",
            "--prefix",
            "{bull}",
            "--redis-tls-insecure",
        ])
        .expect("parses");
        assert_eq!(
            q.redis().expect("options").cluster_nodes,
            ["rediss://a:7000#insecure", "rediss://b:7000#insecure"]
        );
        let q = parse(&["--redis-tls-ca", "/nonexistent/ca.pem"]).expect("parses");
        assert!(q.validate().is_err_and(|e| e.contains("REDIS_TLS_CA")));
    }
}
