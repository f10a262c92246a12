//! DNS resolution through the SSRF guard: every connection reqwest opens resolves here, so
//! the address actually connected to is the address checked (redirect hops included).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::guard::forbidden_reason;

/// Why a name gave no usable address. Found again in reqwest's error chain to classify it.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    /// The name does not resolve.
    #[error("{host} does not resolve: {message}")]
    Dns {
        /// The name looked up.
        host: String,
        /// The resolver's words.
        message: String,
    },
    /// Every address of the name is refused by the guard.
    #[error("{host} resolves to {addr}, a {reason} address; refused (allow private networks to audit it)")]
    Blocked {
        /// The name looked up.
        host: String,
        /// The first refused address.
        addr: std::net::IpAddr,
        /// The range it is in.
        reason: &'static str,
    },
}

/// A resolver that applies `--resolve` overrides and drops refused addresses.
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    allow_private: bool,
    overrides: Arc<HashMap<String, SocketAddr>>,
}

impl GuardedResolver {
    /// `overrides` maps lowercase host names to addresses (ports are taken from the URL).
    pub fn new(allow_private: bool, overrides: HashMap<String, SocketAddr>) -> Self {
        Self {
            allow_private,
            overrides: Arc::new(overrides),
        }
    }

    /// Resolves `host`, keeping only the addresses the guard allows.
    pub async fn lookup(&self, host: &str) -> Result<Vec<SocketAddr>, ResolveError> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let addrs: Vec<SocketAddr> = match self.overrides.get(&host) {
            Some(addr) => vec![*addr],
            None => tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|e| ResolveError::Dns {
                    host: host.clone(),
                    message: e.to_string(),
                })?
                .collect(),
        };
        if addrs.is_empty() {
            return Err(ResolveError::Dns {
                host,
                message: "no addresses".into(),
            });
        }
        if self.allow_private {
            return Ok(addrs);
        }
        let first_refused = addrs
            .iter()
            .find_map(|a| forbidden_reason(&a.ip()).map(|r| (a.ip(), r)));
        let allowed: Vec<SocketAddr> = addrs
            .into_iter()
            .filter(|a| forbidden_reason(&a.ip()).is_none())
            .collect();
        match (allowed.is_empty(), first_refused) {
            (true, Some((addr, reason))) => Err(ResolveError::Blocked { host, addr, reason }),
            _ => Ok(allowed),
        }
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let this = self.clone();
        Box::pin(async move {
            let addrs = this.lookup(name.as_str()).await?;
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn loopback_name_is_refused_unless_allowed() {
        let strict = GuardedResolver::new(false, HashMap::new());
        assert!(matches!(
            strict.lookup("localhost").await,
            Err(ResolveError::Blocked { .. })
        ));
        let open = GuardedResolver::new(true, HashMap::new());
        assert!(open
            .lookup("localhost")
            .await
            .is_ok_and(|a| a.iter().all(|a| a.ip().is_loopback())));
    }

    #[tokio::test]
    async fn a_public_name_pointing_at_a_private_address_is_refused() {
        let addr: SocketAddr = "10.0.0.7:0".parse().unwrap();
        let r = GuardedResolver::new(
            false,
            HashMap::from([("shop.example.com".to_owned(), addr)]),
        );
        let err = r.lookup("Shop.Example.com.").await.unwrap_err();
        assert!(err.to_string().contains("10.0.0.7"), "{err}");
    }

    #[tokio::test]
    async fn unknown_names_are_dns_errors() {
        let r = GuardedResolver::new(false, HashMap::new());
        assert!(matches!(
            r.lookup("no-such-host.invalid").await,
            Err(ResolveError::Dns { .. })
        ));
    }
}
