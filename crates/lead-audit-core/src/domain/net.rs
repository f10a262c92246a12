//! Network plumbing shared by RDAP, the RDAP bootstrap and WHOIS: a resolver that applies the
//! SSRF guard and `--resolve` overrides, a per-server limit on concurrency and request rate,
//! and what an HTTP request to a registry needs.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use crate::fetch::guard;

/// Resolves registry servers' names, refusing non-public addresses unless allowed.
#[derive(Debug, Clone)]
pub(crate) struct Resolver {
    allow_private: bool,
    overrides: Arc<HashMap<String, IpAddr>>,
}

impl Resolver {
    pub(crate) fn new(allow_private: bool, overrides: &[(String, SocketAddr)]) -> Self {
        let overrides = overrides
            .iter()
            .map(|(host, addr)| (host.to_ascii_lowercase(), addr.ip()))
            .collect();
        Self {
            allow_private,
            overrides: Arc::new(overrides),
        }
    }

    /// The addresses of `host` the guard lets us reach, on `port`.
    pub(crate) async fn resolve(&self, host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let addrs: Vec<SocketAddr> = if let Ok(ip) = host.parse::<IpAddr>() {
            vec![SocketAddr::new(ip, port)]
        } else if let Some(ip) = self.overrides.get(&host.to_ascii_lowercase()) {
            vec![SocketAddr::new(*ip, port)]
        } else {
            tokio::net::lookup_host((host, port)).await?.collect()
        };
        let allowed: Vec<SocketAddr> = addrs
            .iter()
            .copied()
            .filter(|a| self.allows(&a.ip()))
            .collect();
        if allowed.is_empty() {
            let reason = addrs
                .first()
                .and_then(|a| guard::forbidden_reason(&a.ip()))
                .unwrap_or("no address");
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!("{host} refused: {reason}"),
            ));
        }
        Ok(allowed)
    }

    /// Whether the guard lets us connect to `ip`.
    pub(crate) fn allows(&self, ip: &IpAddr) -> bool {
        self.allow_private || guard::is_public(ip)
    }

    /// Checks an IP-literal URL, which reqwest connects to without asking the resolver.
    pub(crate) fn check_url(&self, url: &url::Url) -> Result<(), String> {
        let ip = match url.host() {
            Some(url::Host::Ipv4(v4)) => IpAddr::V4(v4),
            Some(url::Host::Ipv6(v6)) => IpAddr::V6(v6),
            Some(url::Host::Domain(_)) => return Ok(()),
            None => return Err(format!("{url} has no host")),
        };
        if self.allows(&ip) {
            Ok(())
        } else {
            Err(format!(
                "{url} refused: {}",
                guard::forbidden_reason(&ip).unwrap_or("not public")
            ))
        }
    }
}

impl reqwest::dns::Resolve for Resolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let this = self.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            // reqwest puts the URL's port on the addresses it gets back.
            let addrs = this.resolve(&host, 0).await?;
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// What an HTTP request to a registry server needs: the client, the guard for IP-literal URLs
/// (which skip the client's resolver) and the per-server limit.
pub(crate) struct RegistryClient<'a> {
    pub client: &'a reqwest::Client,
    pub resolver: &'a Resolver,
    pub limiter: &'a Limiter,
}

/// The body, refused when larger than `cap`.
pub(crate) async fn read_capped(
    mut resp: reqwest::Response,
    cap: usize,
) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| format!("reading body: {e}"))?
    {
        if body.len() + chunk.len() > cap {
            return Err(format!("body larger than {cap} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// One registry server's share of our traffic.
#[derive(Debug)]
struct Slot {
    permits: Arc<Semaphore>,
    next_start: tokio::sync::Mutex<Instant>,
}

/// Bounds concurrency and request rate per server host, so a batch of leads on one TLD does
/// not trip the registry's rate limit (most allow a few queries per second per client).
#[derive(Debug)]
pub(crate) struct Limiter {
    concurrency: usize,
    interval: Duration,
    slots: Mutex<HashMap<String, Arc<Slot>>>,
}

impl Limiter {
    pub(crate) fn new(concurrency: usize, interval: Duration) -> Self {
        Self {
            concurrency: concurrency.max(1),
            interval,
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for a turn at `server`; the turn lasts as long as the permit is held.
    pub(crate) async fn acquire(&self, server: &str) -> OwnedSemaphorePermit {
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            slots
                .entry(server.to_ascii_lowercase())
                .or_insert_with(|| {
                    Arc::new(Slot {
                        permits: Arc::new(Semaphore::new(self.concurrency)),
                        next_start: tokio::sync::Mutex::new(Instant::now()),
                    })
                })
                .clone()
        };
        let permit = slot
            .permits
            .clone()
            .acquire_owned()
            .await
            .expect("the limiter never closes its semaphores");
        if !self.interval.is_zero() {
            let mut next = slot.next_start.lock().await;
            let now = Instant::now();
            let start = (*next).max(now);
            *next = start + self.interval;
            drop(next);
            tokio::time::sleep_until(start).await;
        }
        permit
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn guard_refuses_loopback_unless_allowed() {
        let strict = Resolver::new(false, &[]);
        assert!(strict.resolve("127.0.0.1", 43).await.is_err());
        assert!(strict.resolve("localhost", 43).await.is_err());
        let url = url::Url::parse("http://127.0.0.1:8080/").unwrap();
        assert!(strict.check_url(&url).is_err());
        let open = Resolver::new(true, &[]);
        assert_eq!(
            open.resolve("127.0.0.1", 43).await.unwrap(),
            vec!["127.0.0.1:43".parse().unwrap()]
        );
        assert!(open.check_url(&url).is_ok());
    }

    #[tokio::test]
    async fn overrides_are_guarded_too() {
        let pinned = [("rdap.example".to_owned(), "10.0.0.1:0".parse().unwrap())];
        assert!(Resolver::new(false, &pinned)
            .resolve("rdap.example", 443)
            .await
            .is_err());
        let open = Resolver::new(true, &pinned);
        assert_eq!(
            open.resolve("RDAP.example", 443).await.unwrap(),
            vec!["10.0.0.1:443".parse().unwrap()]
        );
    }

    #[tokio::test]
    async fn limiter_bounds_concurrency_per_server() {
        let limiter = Limiter::new(2, Duration::ZERO);
        let a = limiter.acquire("whois.example").await;
        let _b = limiter.acquire("whois.example").await;
        let _other = limiter.acquire("rdap.example").await;
        let third = futures::FutureExt::now_or_never(limiter.acquire("whois.example"));
        assert!(third.is_none(), "a third turn at the same server waits");
        drop(a);
        let _c = limiter.acquire("whois.example").await;
    }
}
