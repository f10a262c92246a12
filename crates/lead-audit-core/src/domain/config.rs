//! Configuration of domain lookups: a plain struct; front ends fill it from their settings.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::bootstrap::IANA_DNS_BOOTSTRAP;
use super::cache::DomainCache;

/// Where to look domains up, and how.
#[derive(Clone)]
pub struct DomainConfig {
    /// The RDAP bootstrap registry (RFC 9224 `dns.json`): an `http(s)://` URL, a `file://`
    /// URL or a path. Default: IANA's.
    pub rdap_bootstrap: String,
    /// How long a fetched bootstrap file is used before it is fetched again (default 7 days).
    pub bootstrap_refresh: Duration,
    /// Where the fetched bootstrap file is kept; `None` means `$XDG_CACHE_HOME/lead-audit`,
    /// else `~/.cache/lead-audit` (memory only when neither is known).
    pub cache_dir: Option<PathBuf>,
    /// Fall back to WHOIS when RDAP has no service or fails (default true).
    pub whois: bool,
    /// TLD (or suffix such as `co.za`) → WHOIS server (`host` or `host:port`), laid over the
    /// built-in map; an empty value removes a TLD; `*` is the directory asked for unknown
    /// TLDs (IANA's). [`load_whois_servers`] reads a JSON file of this shape.
    pub whois_servers: HashMap<String, String>,
    /// Bound on one RDAP request or WHOIS exchange (default 5 s).
    pub timeout: Duration,
    /// Bound on a whole lookup: bootstrap, RDAP, WHOIS and referrals (default 15 s).
    pub lookup_timeout: Duration,
    /// Requests in flight to one RDAP or WHOIS server (default 2).
    pub per_server_concurrency: usize,
    /// Least time between the starts of two requests to one server (default 200 ms).
    pub per_server_interval: Duration,
    /// Domains kept in the in-memory cache (default 10 000; 0 disables it).
    pub cache_capacity: usize,
    /// How long a lookup that got an answer is reused (default 7 days).
    pub cache_ttl: Duration,
    /// How long a failed lookup is remembered before it is tried again (default 10 min).
    pub failure_ttl: Duration,
    /// Allow registry servers on loopback and private addresses (tests, fixtures); the audit
    /// copies `AuditOptions::allow_private_networks` here.
    pub allow_private_networks: bool,
    /// Host → address overrides for registry servers, like curl's `--resolve`; the port
    /// comes from the URL or WHOIS server spec.
    pub resolve: Vec<(String, SocketAddr)>,
    /// The User-Agent sent to RDAP servers.
    pub user_agent: String,
    /// A persistent cache beside the in-memory one (a store), asked before the network.
    pub cache: Option<Arc<dyn DomainCache>>,
}

impl Default for DomainConfig {
    fn default() -> Self {
        Self {
            rdap_bootstrap: IANA_DNS_BOOTSTRAP.to_owned(),
            bootstrap_refresh: Duration::from_secs(7 * 24 * 3600),
            cache_dir: None,
            whois: true,
            whois_servers: HashMap::new(),
            timeout: Duration::from_secs(5),
            lookup_timeout: Duration::from_secs(15),
            per_server_concurrency: 2,
            per_server_interval: Duration::from_millis(200),
            cache_capacity: 10_000,
            cache_ttl: Duration::from_secs(7 * 24 * 3600),
            failure_ttl: Duration::from_secs(600),
            allow_private_networks: false,
            resolve: Vec::new(),
            user_agent: crate::options::DEFAULT_USER_AGENT.to_owned(),
            cache: None,
        }
    }
}

impl std::fmt::Debug for DomainConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DomainConfig")
            .field("rdap_bootstrap", &self.rdap_bootstrap)
            .field("bootstrap_refresh", &self.bootstrap_refresh)
            .field("cache_dir", &self.cache_dir)
            .field("whois", &self.whois)
            .field("whois_servers", &self.whois_servers)
            .field("timeout", &self.timeout)
            .field("lookup_timeout", &self.lookup_timeout)
            .field("per_server_concurrency", &self.per_server_concurrency)
            .field("per_server_interval", &self.per_server_interval)
            .field("cache_capacity", &self.cache_capacity)
            .field("cache_ttl", &self.cache_ttl)
            .field("failure_ttl", &self.failure_ttl)
            .field("allow_private_networks", &self.allow_private_networks)
            .field("resolve", &self.resolve)
            .field("cache", &self.cache.as_ref().map(|_| "DomainCache"))
            .finish()
    }
}

impl DomainConfig {
    /// Checks every value; the message names the bad one.
    pub fn validate(&self) -> Result<(), crate::Error> {
        let bad = |m: String| Err(crate::Error::InvalidOptions(m));
        if self.timeout.is_zero() {
            return bad("domain lookup timeout must be greater than 0".into());
        }
        if self.lookup_timeout.is_zero() {
            return bad("domain lookup total timeout must be greater than 0".into());
        }
        if self.per_server_concurrency == 0 {
            return bad("per-server concurrency for domain lookups must be at least 1".into());
        }
        super::bootstrap::Source::parse(&self.rdap_bootstrap)
            .map_err(crate::Error::InvalidOptions)?;
        for (tld, server) in &self.whois_servers {
            if !server.trim().is_empty() && super::whois::Server::parse(server).is_none() {
                return bad(format!(
                    "WHOIS server {server:?} for {tld:?} is not host or host:port"
                ));
            }
        }
        Ok(())
    }
}

/// Reads a TLD → WHOIS server map from a JSON file (`{"uk": "whois.nic.uk", …}`).
pub fn load_whois_servers(path: &Path) -> Result<HashMap<String, String>, crate::Error> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        crate::Error::InvalidOptions(format!("WHOIS server map {}: {e}", path.display()))
    })?;
    serde_json::from_str(&text).map_err(|e| {
        crate::Error::InvalidOptions(format!(
            "WHOIS server map {} is not a JSON object of strings: {e}",
            path.display()
        ))
    })
}

/// `$XDG_CACHE_HOME/lead-audit`, else `$HOME/.cache/lead-audit`.
pub fn default_cache_dir() -> Option<PathBuf> {
    let from = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    from("XDG_CACHE_HOME")
        .filter(|p| p.is_absolute())
        .or_else(|| from("HOME").map(|h| h.join(".cache")))
        .map(|d| d.join("lead-audit"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_whois_server_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let map = dir.path().join("whois.json");
        std::fs::write(&map, r#"{"uk": "127.0.0.1:4343"}"#).unwrap();
        let servers = load_whois_servers(&map).unwrap();
        assert_eq!(servers["uk"], "127.0.0.1:4343");
    }

    #[test]
    fn bad_values_are_named() {
        let missing = load_whois_servers(Path::new("/nonexistent/w.json"));
        assert!(missing
            .unwrap_err()
            .to_string()
            .contains("/nonexistent/w.json"));
        let mut c = DomainConfig::default();
        c.whois_servers.insert("uk".into(), "not a server".into());
        assert!(c
            .validate()
            .unwrap_err()
            .to_string()
            .contains("not a server"));
        let c = DomainConfig {
            timeout: Duration::ZERO,
            ..DomainConfig::default()
        };
        assert!(c.validate().is_err());
    }
}
