//! Domain age (`docs/domain-age.md`): RDAP with WHOIS fallback, cached.
//!
//! The registrable domain of the lead's host (public suffix list) is looked up by RDAP at the
//! service the IANA bootstrap registry names for its TLD; WHOIS answers when RDAP has no
//! service or fails. Results are cached per registrable domain. A failed lookup is a result
//! without a date, never an error of the audit.

mod bootstrap;
mod cache;
mod config;
mod dates;
mod net;
mod rdap;
mod registrable;
mod whois;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, Utc};

use crate::result::{DomainInfo, DomainSource};

pub use bootstrap::IANA_DNS_BOOTSTRAP;
pub use cache::DomainCache;
pub use config::{default_cache_dir, load_whois_servers, DomainConfig};
pub use dates::parse_date;
pub use registrable::registrable_domain;
pub use whois::builtin_servers as builtin_whois_servers;

/// Looks up registration dates; cheap to clone and share.
#[derive(Debug, Clone)]
pub struct DomainLookup {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: DomainConfig,
    /// Built at the first lookup: an idle worker does not touch the TLS stack.
    client: OnceLock<reqwest::Client>,
    resolver: net::Resolver,
    limiter: net::Limiter,
    bootstrap: bootstrap::BootstrapStore,
    whois: whois::Whois,
    memory: cache::MemoryCache,
    /// One lookup per domain at a time: leads of one batch often share a domain.
    in_flight: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl DomainLookup {
    /// A lookup service with the given configuration; fails only when an option is invalid.
    pub fn new(config: DomainConfig) -> Result<Self, crate::Error> {
        config.validate()?;
        let resolver = net::Resolver::new(config.allow_private_networks, &config.resolve);
        let source = bootstrap::Source::parse(&config.rdap_bootstrap)
            .map_err(crate::Error::InvalidOptions)?;
        let cache_dir = config.cache_dir.clone().or_else(default_cache_dir);
        let inner = Inner {
            bootstrap: bootstrap::BootstrapStore::new(
                source,
                cache_dir.as_deref(),
                config.bootstrap_refresh,
            ),
            whois: whois::Whois::new(&config.whois_servers),
            limiter: net::Limiter::new(config.per_server_concurrency, config.per_server_interval),
            memory: cache::MemoryCache::new(
                config.cache_capacity,
                config.cache_ttl,
                config.failure_ttl,
            ),
            in_flight: Mutex::new(HashMap::new()),
            client: OnceLock::new(),
            resolver,
            config,
        };
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// The registration facts of `host`'s registrable domain; `None` for IPs and `localhost`.
    /// A failed lookup gives `registered_at: None`, never an error.
    pub async fn lookup(&self, host: &str) -> Option<DomainInfo> {
        let name = registrable_domain(host)?;
        Some(self.inner.lookup_domain(name).await)
    }
}

impl Inner {
    async fn lookup_domain(&self, name: String) -> DomainInfo {
        if let Some(hit) = self.memory.get(&name) {
            return aged(hit);
        }
        let gate = {
            let mut map = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
            map.entry(name.clone()).or_default().clone()
        };
        let info = {
            let _one_at_a_time = gate.lock().await;
            match self.memory.get(&name) {
                Some(hit) => hit,
                None => {
                    let info = self.lookup_uncached(&name).await;
                    self.memory.put(&info);
                    info
                }
            }
        };
        {
            let mut map = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
            // Only the last waiter removes the gate; later callers find the memory cache.
            if Arc::strong_count(&gate) <= 2 {
                map.remove(&name);
            }
        }
        aged(info)
    }

    /// The store, then the network, bounded by the lookup timeout.
    async fn lookup_uncached(&self, name: &str) -> DomainInfo {
        let timeout = self.config.lookup_timeout;
        if let Some(store) = &self.config.cache {
            if let Ok(Some(hit)) = tokio::time::timeout(timeout, store.get(name)).await {
                if hit.name == name && hit.source.is_some() {
                    return hit;
                }
            }
        }
        let info = match tokio::time::timeout(timeout, self.ask_registries(name)).await {
            Ok(info) => info,
            Err(_) => {
                tracing::debug!(domain = name, "domain lookup timed out");
                failed(name)
            }
        };
        if let (Some(store), Some(_)) = (&self.config.cache, info.source) {
            let _ = tokio::time::timeout(timeout, store.put(&info)).await;
        }
        info
    }

    /// The registries' HTTP client, built on first use; `None` (logged) when the TLS stack
    /// cannot start, and the lookup then finds no date.
    fn client(&self) -> Option<&reqwest::Client> {
        if let Some(client) = self.client.get() {
            return Some(client);
        }
        let redirect_guard = self.resolver.clone();
        let built = reqwest::Client::builder()
            .user_agent(self.config.user_agent.clone())
            .timeout(self.config.timeout)
            .connect_timeout(self.config.timeout)
            .dns_resolver(Arc::new(self.resolver.clone()))
            // A proxy would resolve names itself, past the guard.
            .no_proxy()
            .redirect(reqwest::redirect::Policy::custom(move |attempt| {
                if attempt.previous().len() >= 5 {
                    attempt.error("too many redirects")
                } else if let Err(e) = redirect_guard.check_url(attempt.url()) {
                    attempt.error(e)
                } else {
                    attempt.follow()
                }
            }))
            .build();
        match built {
            Ok(client) => Some(self.client.get_or_init(|| client)),
            Err(e) => {
                tracing::error!(error = %e, "building the domain lookup's HTTP client");
                None
            }
        }
    }

    /// RDAP at the bootstrap's services for the TLD, then WHOIS.
    async fn ask_registries(&self, name: &str) -> DomainInfo {
        let Some(client) = self.client() else {
            return failed(name);
        };
        let registry = net::RegistryClient {
            client,
            resolver: &self.resolver,
            limiter: &self.limiter,
        };
        let mut rdap_answered = false;
        if let Some(boot) = self.bootstrap.get(&registry).await {
            for base in boot.lookup(name).unwrap_or_default() {
                match rdap::query(&registry, base, name).await {
                    Ok(rdap::Answer::Registered(at)) => {
                        return found(name, Some(at), DomainSource::Rdap)
                    }
                    Ok(rdap::Answer::NotFound) => return found(name, None, DomainSource::Rdap),
                    Ok(rdap::Answer::NoDate) => {
                        // The registry answered without a date; WHOIS may still have one.
                        rdap_answered = true;
                        break;
                    }
                    Err(e) => tracing::debug!(domain = name, error = %e, "RDAP failed"),
                }
            }
        }
        if self.config.whois {
            let net = whois::Net {
                resolver: &self.resolver,
                limiter: &self.limiter,
                timeout: self.config.timeout,
            };
            match self.whois.lookup(&net, name).await {
                Ok(whois::Answer::Registered(at)) => {
                    return found(name, Some(at), DomainSource::Whois)
                }
                Ok(whois::Answer::NotFound) => return found(name, None, DomainSource::Whois),
                Err(e) => tracing::debug!(domain = name, error = %e, "WHOIS failed"),
            }
        }
        if rdap_answered {
            found(name, None, DomainSource::Rdap)
        } else {
            failed(name)
        }
    }
}

fn found(name: &str, at: Option<DateTime<Utc>>, source: DomainSource) -> DomainInfo {
    DomainInfo {
        name: name.to_owned(),
        registered_at: at,
        age_days: None,
        source: Some(source),
    }
}

fn failed(name: &str) -> DomainInfo {
    DomainInfo {
        name: name.to_owned(),
        registered_at: None,
        age_days: None,
        source: None,
    }
}

/// Sets `age_days` from today, so cached results stay right as days pass.
fn aged(mut info: DomainInfo) -> DomainInfo {
    info.age_days = info
        .registered_at
        .map(|at| (Utc::now() - at).num_days().max(0));
    info
}
