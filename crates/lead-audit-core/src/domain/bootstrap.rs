//! The IANA RDAP bootstrap registry for domains (`dns.json`, RFC 9224): which RDAP service
//! answers for which TLD. Fetched rarely, cached on disk, refreshed after an interval.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde::Deserialize;
use tokio::time::Instant;
use url::Url;

use super::net::{read_capped, RegistryClient};

/// IANA's published bootstrap file for domain names.
pub const IANA_DNS_BOOTSTRAP: &str = "https://data.iana.org/rdap/dns.json";

/// After a failed fetch, how long to serve without retrying (an outage must not cost every
/// lead a bootstrap request).
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(60);

/// The bootstrap file is about 50 KiB; anything far larger is not it.
const MAX_BYTES: usize = 4 * 1024 * 1024;

/// A parsed bootstrap registry.
#[derive(Debug, Default)]
pub(crate) struct Bootstrap {
    /// Lowercased label sequence (`com`, `co.uk`) → RDAP base URLs, https first.
    services: HashMap<String, Vec<Url>>,
}

#[derive(Deserialize)]
struct RawBootstrap {
    services: Vec<(Vec<String>, Vec<String>)>,
}

impl Bootstrap {
    /// Parses RFC 9224 JSON; service entries with unusable URLs are skipped.
    pub(crate) fn parse(bytes: &[u8]) -> Result<Self, String> {
        let raw: RawBootstrap = serde_json::from_slice(bytes)
            .map_err(|e| format!("not an RDAP bootstrap file: {e}"))?;
        let mut services = HashMap::new();
        for (entries, urls) in raw.services {
            let mut bases: Vec<Url> = urls
                .iter()
                .filter_map(|u| {
                    // Base URLs are joined with "domain/{name}": they must end in a slash.
                    let u = if u.ends_with('/') {
                        u.clone()
                    } else {
                        format!("{u}/")
                    };
                    Url::parse(&u).ok()
                })
                .filter(|u| matches!(u.scheme(), "https" | "http"))
                .collect();
            // RFC 9224 §3: prefer https when a service offers both.
            bases.sort_by_key(|u| u.scheme() != "https");
            if bases.is_empty() {
                continue;
            }
            for entry in entries {
                let key = entry.trim_matches('.').to_ascii_lowercase();
                services.entry(key).or_insert_with(|| bases.clone());
            }
        }
        if services.is_empty() {
            return Err("the bootstrap file lists no services".into());
        }
        Ok(Self { services })
    }

    /// The RDAP base URLs for `domain`, by the longest matching label suffix.
    pub(crate) fn lookup(&self, domain: &str) -> Option<&[Url]> {
        let domain = domain.to_ascii_lowercase();
        let mut rest = domain.as_str();
        loop {
            if let Some(urls) = self.services.get(rest) {
                return Some(urls);
            }
            rest = rest.split_once('.')?.1;
        }
    }
}

/// Where the bootstrap file comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    Url(Url),
    File(PathBuf),
}

impl Source {
    /// An `http(s)://` URL, a `file://` URL, or a path.
    pub(crate) fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.is_empty() {
            return Err("the RDAP bootstrap location is empty".into());
        }
        if s.starts_with("http://") || s.starts_with("https://") {
            return Url::parse(s)
                .map(Source::Url)
                .map_err(|e| format!("bad RDAP bootstrap URL {s:?}: {e}"));
        }
        if s.starts_with("file://") {
            return Url::parse(s)
                .ok()
                .and_then(|u| u.to_file_path().ok())
                .map(Source::File)
                .ok_or_else(|| format!("bad RDAP bootstrap file URL {s:?}"));
        }
        Ok(Source::File(PathBuf::from(s)))
    }
}

#[derive(Default)]
struct Loaded {
    bootstrap: Option<Arc<Bootstrap>>,
    loaded_at: Option<Instant>,
    failed_at: Option<Instant>,
}

/// Serves the bootstrap registry: memory, then the disk cache, then the source.
pub(crate) struct BootstrapStore {
    source: Source,
    cache_file: Option<PathBuf>,
    refresh: Duration,
    state: tokio::sync::Mutex<Loaded>,
}

impl std::fmt::Debug for BootstrapStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BootstrapStore")
            .field("source", &self.source)
            .field("cache_file", &self.cache_file)
            .finish_non_exhaustive()
    }
}

impl BootstrapStore {
    pub(crate) fn new(source: Source, cache_dir: Option<&Path>, refresh: Duration) -> Self {
        // One cache file per source URL, so a test or mirror source never shadows IANA's.
        let cache_file = match &source {
            Source::Url(url) => cache_dir.map(|d| {
                d.join(format!(
                    "rdap-dns-{:016x}.json",
                    fnv1a(url.as_str().as_bytes())
                ))
            }),
            Source::File(_) => None,
        };
        Self {
            source,
            cache_file,
            refresh,
            state: tokio::sync::Mutex::new(Loaded::default()),
        }
    }

    /// The current registry, loading or refreshing it when due; `None` when it never loaded.
    pub(crate) async fn get(&self, registry: &RegistryClient<'_>) -> Option<Arc<Bootstrap>> {
        // Held across the load, so concurrent lookups wait for one fetch instead of each doing one.
        let mut state = self.state.lock().await;
        let fresh = state.loaded_at.is_some_and(|t| t.elapsed() < self.refresh);
        let backing_off = state
            .failed_at
            .is_some_and(|t| t.elapsed() < RETRY_AFTER_FAILURE);
        if fresh || (backing_off && state.bootstrap.is_some()) {
            return state.bootstrap.clone();
        }
        if backing_off {
            return None;
        }
        match self.load(registry).await {
            Ok(b) => {
                let b = Arc::new(b);
                state.bootstrap = Some(b.clone());
                state.loaded_at = Some(Instant::now());
                state.failed_at = None;
                Some(b)
            }
            Err(e) => {
                tracing::warn!(source = ?self.source, error = %e, "RDAP bootstrap unavailable");
                state.failed_at = Some(Instant::now());
                if state.bootstrap.is_none() {
                    // A stale disk copy beats none: TLD → server mappings rarely change.
                    state.bootstrap = self.read_cache(None).await.map(Arc::new);
                }
                state.bootstrap.clone()
            }
        }
    }

    async fn load(&self, registry: &RegistryClient<'_>) -> Result<Bootstrap, String> {
        match &self.source {
            Source::File(path) => {
                let bytes = tokio::fs::read(path)
                    .await
                    .map_err(|e| format!("reading {}: {e}", path.display()))?;
                Bootstrap::parse(&bytes)
            }
            Source::Url(url) => {
                if let Some(b) = self.read_cache(Some(self.refresh)).await {
                    return Ok(b);
                }
                let bytes = fetch(registry, url).await?;
                let parsed = Bootstrap::parse(&bytes)?;
                self.write_cache(&bytes).await;
                Ok(parsed)
            }
        }
    }

    /// The disk copy, if younger than `max_age` (any age when `None`) and parseable.
    async fn read_cache(&self, max_age: Option<Duration>) -> Option<Bootstrap> {
        let path = self.cache_file.as_ref()?;
        let meta = tokio::fs::metadata(path).await.ok()?;
        if let Some(max_age) = max_age {
            let age = SystemTime::now()
                .duration_since(meta.modified().ok()?)
                .unwrap_or_default();
            if age >= max_age {
                return None;
            }
        }
        Bootstrap::parse(&tokio::fs::read(path).await.ok()?).ok()
    }

    async fn write_cache(&self, bytes: &[u8]) {
        let Some(path) = &self.cache_file else { return };
        // Write then rename, so a concurrent reader never sees half a file.
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let result = async {
            if let Some(dir) = path.parent() {
                tokio::fs::create_dir_all(dir).await?;
            }
            tokio::fs::write(&tmp, bytes).await?;
            tokio::fs::rename(&tmp, path).await
        }
        .await;
        if let Err(e) = result {
            tracing::debug!(path = %path.display(), error = %e, "RDAP bootstrap not cached on disk");
            let _ = tokio::fs::remove_file(&tmp).await;
        }
    }
}

async fn fetch(f: &RegistryClient<'_>, url: &Url) -> Result<Vec<u8>, String> {
    f.resolver.check_url(url)?;
    let _turn = f.limiter.acquire(url.host_str().unwrap_or_default()).await;
    let resp = f
        .client
        .get(url.clone())
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| format!("fetching {url}: {e}"))?;
    if !resp.status().is_success() {
        return Err(format!("fetching {url}: HTTP {}", resp.status()));
    }
    read_capped(resp, MAX_BYTES).await
}

/// FNV-1a: a hash that stays the same across Rust releases, for cache file names.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{
      "version": "1.0",
      "publication": "2024-01-01T00:00:00Z",
      "description": "sample",
      "services": [
        [["com", "net"], ["https://rdap.registry-a.example/", "http://rdap.registry-a.example/"]],
        [["uk"], ["https://rdap.registry-b.example/rdap"]],
        [["co.uk"], ["http://rdap.registry-c.example/"]],
        [["broken"], ["ftp://nowhere.example/"]]
      ]
    }"#;

    #[test]
    fn longest_label_match_and_https_first() {
        let b = Bootstrap::parse(SAMPLE.as_bytes()).unwrap();
        let com = b.lookup("example.com").unwrap();
        assert_eq!(com[0].as_str(), "https://rdap.registry-a.example/");
        assert_eq!(com.len(), 2);
        assert_eq!(
            b.lookup("example.co.uk").unwrap()[0].as_str(),
            "http://rdap.registry-c.example/"
        );
        assert_eq!(
            b.lookup("example.org.uk").unwrap()[0].as_str(),
            "https://rdap.registry-b.example/rdap/",
            "a base URL without a trailing slash gets one"
        );
        assert!(b.lookup("example.de").is_none());
        assert!(b.lookup("example.broken").is_none());
    }

    #[test]
    fn rejects_what_is_not_a_bootstrap_file() {
        assert!(Bootstrap::parse(b"<html>").is_err());
        assert!(Bootstrap::parse(br#"{"services": []}"#).is_err());
    }

    #[test]
    fn sources() {
        assert!(matches!(
            Source::parse("https://data.iana.org/rdap/dns.json"),
            Ok(Source::Url(_))
        ));
        assert_eq!(
            Source::parse("/tmp/dns.json"),
            Ok(Source::File("/tmp/dns.json".into()))
        );
        assert_eq!(
            Source::parse("file:///tmp/dns.json"),
            Ok(Source::File("/tmp/dns.json".into()))
        );
        assert!(Source::parse("  ").is_err());
    }
}
