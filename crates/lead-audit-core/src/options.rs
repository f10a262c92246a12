//! Configuration of an audit: a plain struct with sane defaults.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::score::ScoreConfig;

/// When to render pages with the headless browser (see docs/browser.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BrowserMode {
    /// Render only shells and client-rendered sites that gave no contacts.
    #[default]
    Auto,
    /// Render every page.
    Always,
    /// Never render.
    Never,
}

impl std::str::FromStr for BrowserMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "auto" => Ok(Self::Auto),
            "always" => Ok(Self::Always),
            "never" => Ok(Self::Never),
            other => Err(format!(
                "browser mode must be auto, always or never, not {other:?}"
            )),
        }
    }
}

/// The default honest User-Agent.
pub const DEFAULT_USER_AGENT: &str = concat!(
    "lead-audit/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/lead-audit/lead-audit; website audit bot)"
);

/// Every knob of an audit. `Default` is what the CLI uses without flags.
#[derive(Debug, Clone)]
pub struct AuditOptions {
    /// Extra same-site pages to crawl after the home page, the likeliest to hold contacts.
    pub max_pages: usize,
    /// Browser fallback mode.
    pub browser: BrowserMode,
    /// Bound on the whole lead.
    pub timeout: Duration,
    /// Bound on one HTTP request.
    pub request_timeout: Duration,
    /// Region for national phone formats when neither lead nor page says.
    pub default_region: String,
    /// Opt out of the SSRF guard (tests on loopback).
    pub allow_private_networks: bool,
    /// The User-Agent sent.
    pub user_agent: String,
    /// Body cap per page.
    pub max_body_bytes: usize,
    /// Redirect hops followed.
    pub max_redirects: usize,
    /// Retries on connect errors / 429 / 5xx.
    pub retries: u32,
    /// Concurrent requests to one host.
    pub per_host_concurrency: usize,
    /// Obey robots.txt for crawled pages.
    pub respect_robots: bool,
    /// Look up the domain's age (see docs/domain-age.md).
    pub domain_lookup: bool,
    /// Where and how domain ages are looked up.
    pub domain: crate::domain::DomainConfig,
    /// A Wappalyzer-format dataset to load in addition to the embedded fingerprints.
    pub fingerprints: Option<PathBuf>,
    /// Which side wins where the embedded fingerprints and `fingerprints` both define a
    /// field of one technology (see docs/detect.md).
    pub fingerprint_precedence: lead_audit_detect::DatasetPrecedence,
    /// Host → address overrides, like curl's `--resolve` (the SSRF guard still applies).
    pub resolve: Vec<(String, SocketAddr)>,
    /// Score weights and thresholds.
    pub score: ScoreConfig,
}

impl Default for AuditOptions {
    fn default() -> Self {
        Self {
            max_pages: 5,
            browser: BrowserMode::Auto,
            timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(10),
            default_region: "US".to_owned(),
            allow_private_networks: false,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            max_body_bytes: 5 * 1024 * 1024,
            max_redirects: 10,
            retries: 2,
            per_host_concurrency: 2,
            respect_robots: true,
            domain_lookup: true,
            domain: crate::domain::DomainConfig::default(),
            fingerprints: None,
            fingerprint_precedence: lead_audit_detect::DatasetPrecedence::BuiltIn,
            resolve: Vec::new(),
            score: ScoreConfig::default(),
        }
    }
}

impl AuditOptions {
    /// Checks every value; the message names the bad one.
    pub fn validate(&self) -> Result<(), crate::Error> {
        let bad = |m: String| Err(crate::Error::InvalidOptions(m));
        if self.timeout.is_zero() {
            return bad("timeout must be greater than 0".into());
        }
        if self.request_timeout.is_zero() {
            return bad("request timeout must be greater than 0".into());
        }
        if self.max_pages > 100 {
            return bad(format!(
                "maxPages must be at most 100, got {}",
                self.max_pages
            ));
        }
        if self.per_host_concurrency == 0 {
            return bad("per-host concurrency must be at least 1".into());
        }
        if self.max_body_bytes < 1024 {
            return bad("body cap must be at least 1 KiB".into());
        }
        if crate::extract::parse_region(&self.default_region).is_none() {
            return bad(format!(
                "default region {:?} is not a known ISO country code",
                self.default_region
            ));
        }
        self.score.validate().map_err(crate::Error::InvalidOptions)
    }
}
