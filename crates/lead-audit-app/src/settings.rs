//! The audit settings every front end takes: one clap `Args` with an environment variable for
//! each flag, flattened into `lead-audit audit` and `lead-audit-worker`, and the one place that
//! turns them into the core's options, the browser pool and an [`Auditor`].

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use lead_audit_browser::{BrowserConfig, BrowserPool};
use lead_audit_core::domain::{load_whois_servers, DomainConfig};
use lead_audit_core::options::DEFAULT_USER_AGENT;
use lead_audit_core::{AuditOptions, Auditor, BrowserMode, DatasetPrecedence, ScoreConfig};

/// How one lead is audited. Every flag reads a `LEAD_AUDIT_*` variable (`CHROME_PATH` for the
/// browser binary).
#[derive(Debug, Clone, Args)]
pub struct AuditSettings {
    /// Contact pages crawled after the home page.
    #[arg(long, default_value_t = 5, env = "LEAD_AUDIT_MAX_PAGES", value_parser = clap::value_parser!(u16).range(0..=100), help_heading = "Audit")]
    pub max_pages: u16,
    /// Browser fallback: `auto` renders only pages that need JavaScript.
    #[arg(long, default_value = "auto", env = "LEAD_AUDIT_BROWSER", value_parser = <BrowserMode as std::str::FromStr>::from_str, help_heading = "Audit")]
    pub browser: BrowserMode,
    /// Seconds one lead may take in all.
    #[arg(long, default_value_t = 30.0, env = "LEAD_AUDIT_TIMEOUT", value_parser = parse_seconds, help_heading = "Audit")]
    pub timeout: f64,
    /// Seconds one HTTP request may take.
    #[arg(long, default_value_t = 10.0, env = "LEAD_AUDIT_REQUEST_TIMEOUT", value_parser = parse_seconds, help_heading = "Audit")]
    pub request_timeout: f64,
    /// Region for national phone numbers when neither lead nor page says (ISO 3166 alpha-2).
    #[arg(
        long,
        default_value = "US",
        env = "LEAD_AUDIT_DEFAULT_REGION",
        help_heading = "Audit"
    )]
    pub default_region: String,
    /// A Wappalyzer-format fingerprint dataset (directory or JSON file) loaded beside ours.
    #[arg(long, env = "LEAD_AUDIT_FINGERPRINTS", help_heading = "Audit")]
    pub fingerprints: Option<PathBuf>,
    /// Where ours and the --fingerprints dataset both define a field of one technology, the
    /// dataset's wins (default: ours; either way a dataset spelling joins our entry).
    #[arg(long, env = "LEAD_AUDIT_FINGERPRINTS_WIN", value_parser = clap::builder::FalseyValueParser::new(), help_heading = "Audit")]
    pub fingerprints_win: bool,
    /// Allow loopback and private addresses (the SSRF guard is on by default).
    #[arg(long, env = "LEAD_AUDIT_ALLOW_PRIVATE_NETWORKS", value_parser = clap::builder::FalseyValueParser::new(), help_heading = "Audit")]
    pub allow_private_networks: bool,
    /// User-Agent sent with every request.
    #[arg(long, env = "LEAD_AUDIT_USER_AGENT", default_value = DEFAULT_USER_AGENT, help_heading = "Audit")]
    pub user_agent: String,
    /// Resolve HOST to ADDR (like curl's --resolve: `HOST:ADDR`, ADDR an IP, port ignored);
    /// repeatable, comma-separated in the variable. The SSRF guard still applies to ADDR.
    #[arg(long = "resolve", env = "LEAD_AUDIT_RESOLVE", value_name = "HOST:ADDR", value_delimiter = ',', value_parser = parse_resolve, help_heading = "Audit")]
    pub resolve: Vec<(String, SocketAddr)>,

    /// The Chromium binary (default: Debian's, then chromium / google-chrome on PATH).
    #[arg(long, env = "CHROME_PATH", help_heading = "Browser")]
    pub chrome_path: Option<PathBuf>,
    /// Browser tabs rendering at once (default: the CPU count, 1–8).
    #[arg(long, env = "LEAD_AUDIT_BROWSER_TABS", value_parser = clap::value_parser!(u16).range(1..=64), help_heading = "Browser")]
    pub browser_tabs: Option<u16>,
    /// Seconds one page render may take (default: the lead's timeout).
    #[arg(long, env = "LEAD_AUDIT_BROWSER_TIMEOUT", value_parser = parse_seconds, help_heading = "Browser")]
    pub browser_timeout: Option<f64>,

    #[command(flatten)]
    pub domain: DomainSettings,

    /// Score weights and thresholds: no flags (the addon's `score` option sets them).
    #[arg(skip)]
    pub score: ScoreConfig,
}

/// Where domain ages are looked up.
#[derive(Debug, Clone, Default, Args)]
pub struct DomainSettings {
    /// Skip the RDAP / WHOIS domain-age lookup.
    #[arg(long, env = "LEAD_AUDIT_NO_DOMAIN_LOOKUP", value_parser = clap::builder::FalseyValueParser::new(), help_heading = "Domain age")]
    pub no_domain_lookup: bool,
    /// The RDAP bootstrap registry (`dns.json`): an http(s) or file URL, or a path
    /// (default: IANA's).
    #[arg(long, env = "LEAD_AUDIT_RDAP_BOOTSTRAP", help_heading = "Domain age")]
    pub rdap_bootstrap: Option<String>,
    /// A JSON file mapping TLD → WHOIS server, laid over the built-in map.
    #[arg(long, env = "LEAD_AUDIT_WHOIS_SERVERS", help_heading = "Domain age")]
    pub whois_servers: Option<PathBuf>,
    /// Where the fetched RDAP bootstrap file is cached (default: the user's cache directory).
    #[arg(long, env = "LEAD_AUDIT_CACHE_DIR", help_heading = "Domain age")]
    pub cache_dir: Option<PathBuf>,
}

/// A setting with a bad value; the message names it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SettingsError(pub String);

impl From<lead_audit_core::Error> for SettingsError {
    fn from(e: lead_audit_core::Error) -> Self {
        Self(e.to_string())
    }
}

impl Default for AuditSettings {
    fn default() -> Self {
        let options = AuditOptions::default();
        Self {
            max_pages: u16::try_from(options.max_pages).unwrap_or(5),
            browser: options.browser,
            timeout: options.timeout.as_secs_f64(),
            request_timeout: options.request_timeout.as_secs_f64(),
            default_region: options.default_region,
            fingerprints: None,
            fingerprints_win: false,
            allow_private_networks: false,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            resolve: Vec::new(),
            chrome_path: None,
            browser_tabs: None,
            browser_timeout: None,
            domain: DomainSettings::default(),
            score: ScoreConfig::default(),
        }
    }
}

impl DomainSettings {
    /// The core's domain configuration (reads the WHOIS server file when one is named).
    pub fn to_config(&self) -> Result<DomainConfig, SettingsError> {
        let mut config = DomainConfig::default();
        if let Some(b) = self.rdap_bootstrap.as_deref().map(str::trim) {
            if !b.is_empty() {
                b.clone_into(&mut config.rdap_bootstrap);
            }
        }
        if let Some(path) = &self.whois_servers {
            config.whois_servers.extend(load_whois_servers(path)?);
        }
        config.cache_dir.clone_from(&self.cache_dir);
        Ok(config)
    }
}

impl AuditSettings {
    /// The core's options, validated.
    pub fn to_options(&self) -> Result<AuditOptions, SettingsError> {
        let options = AuditOptions {
            max_pages: usize::from(self.max_pages),
            browser: self.browser,
            timeout: seconds("timeout", self.timeout)?,
            request_timeout: seconds("request timeout", self.request_timeout)?,
            default_region: self.default_region.trim().to_ascii_uppercase(),
            allow_private_networks: self.allow_private_networks,
            user_agent: self.user_agent.clone(),
            domain_lookup: !self.domain.no_domain_lookup,
            domain: self.domain.to_config()?,
            fingerprints: self.fingerprints.clone(),
            fingerprint_precedence: if self.fingerprints_win {
                DatasetPrecedence::Dataset
            } else {
                DatasetPrecedence::BuiltIn
            },
            resolve: self.resolve.clone(),
            score: self.score.clone(),
            ..AuditOptions::default()
        };
        if let Some(t) = self.browser_timeout {
            seconds("browser timeout", t)?;
        }
        options.validate()?;
        Ok(options)
    }

    /// The browser pool's configuration, or `None` with `--browser never`. A page timeout out
    /// of range (which [`AuditSettings::to_options`] refuses) falls back to the lead's.
    pub fn browser_config(&self) -> Option<BrowserConfig> {
        if self.browser == BrowserMode::Never {
            return None;
        }
        let mut config = BrowserConfig {
            chrome_path: self.chrome_path.clone(),
            allow_private_networks: self.allow_private_networks,
            user_agent: Some(self.user_agent.clone()),
            page_timeout: self
                .browser_timeout
                .and_then(|t| seconds("browser timeout", t).ok())
                .or_else(|| seconds("timeout", self.timeout).ok())
                .unwrap_or(Duration::from_secs(30)),
            ..BrowserConfig::default()
        };
        if let Some(tabs) = self.browser_tabs {
            config.tabs = usize::from(tabs);
        }
        Some(config)
    }

    /// The auditor and, unless the browser is off, the pool it renders with (which starts
    /// Chromium only when a page needs it; shut it down with the front end).
    pub fn build(&self) -> Result<(Auditor, Option<BrowserPool>), SettingsError> {
        let options = self.to_options()?;
        let pool = self.browser_config().map(BrowserPool::new);
        let mut builder = Auditor::builder(options);
        if let Some(pool) = &pool {
            builder = builder.renderer(Arc::new(pool.clone()));
        }
        Ok((builder.build()?, pool))
    }
}

fn seconds(name: &str, v: f64) -> Result<Duration, SettingsError> {
    if v.is_finite() && v > 0.0 && v <= 86_400.0 {
        Ok(Duration::from_secs_f64(v))
    } else {
        Err(SettingsError(format!(
            "{name} must be a number of seconds greater than 0 and at most 86400, got {v}"
        )))
    }
}

/// Parses a number of seconds (`30`, `2.5`), between 0 (exclusive) and one day.
pub fn parse_seconds(text: &str) -> Result<f64, String> {
    let v: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if !(v > 0.0 && v <= 86_400.0) {
        return Err(format!("{text} must be between 0 and 86400 seconds"));
    }
    Ok(v)
}

/// Parses `HOST:ADDR` (or curl's `HOST:PORT:ADDR`, the port ignored).
pub fn parse_resolve(s: &str) -> Result<(String, SocketAddr), String> {
    let (host, addr) = s
        .trim()
        .split_once(':')
        .ok_or_else(|| format!("{s:?} is not HOST:ADDR"))?;
    // Accept curl's HOST:PORT:ADDR too; the port comes from the URL anyway.
    let addr = match addr.split_once(':') {
        Some((port, rest)) if port.chars().all(|c| c.is_ascii_digit()) && !rest.is_empty() => rest,
        _ => addr,
    };
    let ip: std::net::IpAddr = addr
        .trim_matches(|c| c == '[' || c == ']')
        .parse()
        .map_err(|_| format!("{addr:?} is not an IP address"))?;
    Ok((host.to_ascii_lowercase(), SocketAddr::new(ip, 0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Probe {
        #[command(flatten)]
        settings: AuditSettings,
    }

    fn parse(args: &[&str]) -> Result<AuditSettings, clap::Error> {
        let mut all = vec!["probe"];
        all.extend_from_slice(args);
        Probe::try_parse_from(all).map(|p| p.settings)
    }

    #[test]
    fn defaults_match_the_core_defaults() {
        let parsed = parse(&[]).expect("defaults parse");
        let options = parsed.to_options().expect("valid");
        let core = AuditOptions::default();
        assert_eq!(options.max_pages, core.max_pages);
        assert_eq!(options.timeout, core.timeout);
        assert_eq!(options.request_timeout, core.request_timeout);
        assert_eq!(options.default_region, core.default_region);
        let default = AuditSettings::default().to_options().expect("valid");
        assert_eq!(default.timeout, options.timeout);
        assert_eq!(options.fingerprint_precedence, core.fingerprint_precedence);
        assert_eq!(default.fingerprint_precedence, DatasetPrecedence::BuiltIn);
    }

    #[test]
    fn the_dataset_wins_only_when_asked() {
        let s =
            parse(&["--fingerprints", "/data/wappalyzer", "--fingerprints-win"]).expect("parses");
        let o = s.to_options().expect("valid");
        assert_eq!(o.fingerprint_precedence, DatasetPrecedence::Dataset);
        for off in ["0", "false", "no", "off"] {
            let s = parse(&["--fingerprints-win", off]);
            assert!(s.is_err() || s.is_ok_and(|s| !s.fingerprints_win), "{off}");
        }
    }

    #[test]
    fn values_are_converted_and_checked() {
        let s = parse(&[
            "--timeout",
            "2.5",
            "--default-region",
            "de",
            "--resolve",
            "shop.test:127.0.0.1",
            "--browser",
            "never",
            "--no-domain-lookup",
        ])
        .expect("parses");
        let o = s.to_options().expect("valid");
        assert_eq!(o.timeout, Duration::from_millis(2500));
        assert_eq!(o.default_region, "DE");
        assert_eq!(o.resolve.len(), 1);
        assert!(!o.domain_lookup);
        assert!(s.browser_config().is_none());
        let bad = parse(&["--default-region", "ZZ"]).expect("parses");
        assert!(bad.to_options().is_err_and(|e| e.0.contains("region")));
        assert!(parse(&["--timeout", "0"]).is_err());
        assert!(parse(&["--browser", "sometimes"]).is_err());
    }

    #[test]
    fn out_of_range_seconds_are_refused_not_panicked_on() {
        for bad in [f64::NAN, -1.0, 0.0, f64::INFINITY] {
            let s = AuditSettings {
                browser_timeout: Some(bad),
                ..AuditSettings::default()
            };
            assert!(s.to_options().is_err(), "{bad}");
            assert!(s.browser_config().is_some());
            let s = AuditSettings {
                timeout: bad,
                ..AuditSettings::default()
            };
            assert!(s.to_options().is_err(), "{bad}");
            assert!(s.browser_config().is_some());
        }
    }

    #[test]
    fn the_browser_timeout_defaults_to_the_lead_timeout() {
        let s = parse(&["--timeout", "12"]).expect("parses");
        let c = s.browser_config().expect("browser on");
        assert_eq!(c.page_timeout, Duration::from_secs(12));
        let s = parse(&["--browser-timeout", "5", "--browser-tabs", "3"]).expect("parses");
        let c = s.browser_config().expect("browser on");
        assert_eq!(c.page_timeout, Duration::from_secs(5));
        assert_eq!(c.tabs, 3);
    }

    #[test]
    fn seconds_are_bounded() {
        assert_eq!(parse_seconds("2.5"), Ok(2.5));
        assert!(parse_seconds("90000").is_err());
    }

    #[test]
    fn resolve_takes_curl_forms() {
        let (h, a) = parse_resolve("Shop.test:443:127.0.0.1").expect("curl form");
        assert_eq!(h, "shop.test");
        assert_eq!(a.ip().to_string(), "127.0.0.1");
        assert!(parse_resolve("shop.test:[::1]").is_ok());
        assert!(parse_resolve("shop.test").is_err());
    }
}
