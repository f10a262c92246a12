//! Command line arguments; every flag also reads an environment variable.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use lead_audit_core::{AuditOptions, BrowserMode};

/// Audit business leads' websites: contacts, technologies, quality, domain age, and a
/// HOT / WARM / COLD grade.
#[derive(Debug, Parser)]
#[command(name = "lead-audit", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit websites given as arguments or in a CSV / JSONL file.
    Audit(Box<AuditArgs>),
    /// Apply the database migrations (PostgreSQL or SQLite).
    Migrate(MigrateArgs),
    /// Add audit jobs to the BullMQ queue, as the Node backend does.
    Enqueue(EnqueueArgs),
}

/// `lead-audit enqueue`.
#[derive(Debug, Args)]
pub struct EnqueueArgs {
    /// Websites to enqueue (scheme optional).
    pub urls: Vec<String>,
    /// A `.csv` or `.jsonl` file of leads, as for `audit`.
    #[arg(long, short = 'i')]
    pub input: Option<PathBuf>,
    /// Redis URL (`redis://` or `rediss://`).
    #[arg(long, env = "REDIS_URL", default_value = "redis://127.0.0.1:6379")]
    pub redis_url: String,
    /// The queue.
    #[arg(long, env = "QUEUE_NAME", default_value = "leads")]
    pub queue: String,
    /// BullMQ key prefix (`{bull}` for Redis Cluster).
    #[arg(long, env = "BULLMQ_PREFIX", default_value = "bull")]
    pub prefix: String,
    /// Attempts per job.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub attempts: u32,
    /// BullMQ priority (1 is highest; 0: none).
    #[arg(long, default_value_t = 0)]
    pub priority: u32,
    /// Ask workers to audit even leads audited within the freshness window.
    #[arg(long)]
    pub force: bool,
}

/// `lead-audit migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// `postgres://…` or `sqlite://FILE`.
    #[arg(long, env = "LEAD_AUDIT_DATABASE", default_value = DEFAULT_DATABASE)]
    pub database: String,
}

/// The embedded default database of the CLI.
pub const DEFAULT_DATABASE: &str = "sqlite://lead-audit.db";

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One JSON object, or an array for several leads.
    Json,
    /// One JSON object per line, written as each lead finishes.
    Jsonl,
    /// One row per lead, lists joined with `; `.
    Csv,
}

/// `lead-audit audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Websites to audit (scheme optional).
    pub urls: Vec<String>,
    /// A file of leads: `.csv` (columns website/url, company_name, email, phone, id, country)
    /// or `.jsonl` (one lead object or URL string per line).
    #[arg(long, short = 'i', env = "LEAD_AUDIT_INPUT")]
    pub input: Option<PathBuf>,
    /// Write results here instead of standard output.
    #[arg(long, short = 'o', env = "LEAD_AUDIT_OUTPUT")]
    pub output: Option<PathBuf>,
    /// Output format.
    #[arg(
        long,
        short = 'f',
        value_enum,
        default_value = "json",
        env = "LEAD_AUDIT_FORMAT"
    )]
    pub format: Format,
    /// Leads audited at once.
    #[arg(long, short = 'c', default_value_t = 8, env = "LEAD_AUDIT_CONCURRENCY", value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub concurrency: u16,
    /// Store results and skip leads audited within `--freshness`, so an interrupted batch
    /// resumes where it stopped. Without a value: `sqlite://lead-audit.db`.
    #[arg(long, env = "LEAD_AUDIT_DATABASE", num_args = 0..=1, default_missing_value = DEFAULT_DATABASE)]
    pub database: Option<String>,
    /// With `--database`: leads audited more recently than this are skipped (`24h`, `30m`, `3600`).
    #[arg(long, env = "LEAD_AUDIT_FRESHNESS", default_value = "24h", value_parser = lead_audit_store::parse_duration)]
    pub freshness: Duration,
    /// With `--database`: audit even leads audited within the freshness window.
    #[arg(long, env = "LEAD_AUDIT_FORCE", value_parser = clap::builder::FalseyValueParser::new())]
    pub force: bool,
    #[command(flatten)]
    pub audit: AuditFlags,
}

/// The audit options shared by every front end.
#[derive(Debug, Clone, Args)]
pub struct AuditFlags {
    /// Contact pages crawled after the home page.
    #[arg(long, default_value_t = 5, env = "LEAD_AUDIT_MAX_PAGES", value_parser = clap::value_parser!(u16).range(0..=100))]
    pub max_pages: u16,
    /// Browser fallback: auto renders only pages that need JavaScript.
    #[arg(long, default_value = "auto", env = "LEAD_AUDIT_BROWSER", value_parser = <BrowserMode as std::str::FromStr>::from_str)]
    pub browser: BrowserMode,
    /// Seconds one lead may take in all.
    #[arg(long, default_value_t = 30.0, env = "LEAD_AUDIT_TIMEOUT", value_parser = lead_audit_core::options::parse_seconds)]
    pub timeout: f64,
    /// Seconds one HTTP request may take.
    #[arg(long, default_value_t = 10.0, env = "LEAD_AUDIT_REQUEST_TIMEOUT", value_parser = lead_audit_core::options::parse_seconds)]
    pub request_timeout: f64,
    /// Region for national phone numbers when neither lead nor page says (ISO 3166 alpha-2).
    #[arg(long, default_value = "US", env = "LEAD_AUDIT_DEFAULT_REGION")]
    pub default_region: String,
    /// A Wappalyzer-format fingerprint dataset (directory or JSON file) loaded beside ours.
    #[arg(long, env = "LEAD_AUDIT_FINGERPRINTS")]
    pub fingerprints: Option<PathBuf>,
    /// Allow loopback and private addresses (the SSRF guard is on by default).
    #[arg(long, env = "LEAD_AUDIT_ALLOW_PRIVATE_NETWORKS", value_parser = clap::builder::FalseyValueParser::new())]
    pub allow_private_networks: bool,
    /// User-Agent sent with every request.
    #[arg(long, env = "LEAD_AUDIT_USER_AGENT", default_value = lead_audit_core::options::DEFAULT_USER_AGENT)]
    pub user_agent: String,
    /// Browser tabs rendering at once (default: the CPU count, 1–8).
    #[arg(long, env = "LEAD_AUDIT_BROWSER_TABS", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub browser_tabs: Option<u16>,
    /// The Chromium binary (default: Debian's, then chromium / google-chrome on PATH).
    #[arg(long, env = "CHROME_PATH")]
    pub chrome_path: Option<PathBuf>,
    /// Skip the RDAP / WHOIS domain-age lookup.
    #[arg(long, env = "LEAD_AUDIT_NO_DOMAIN_LOOKUP", value_parser = clap::builder::FalseyValueParser::new())]
    pub no_domain_lookup: bool,
    /// Resolve HOST to ADDR (like curl's --resolve: `HOST:ADDR`, ADDR an IP, port ignored);
    /// repeatable. The SSRF guard still applies to ADDR.
    #[arg(long = "resolve", value_name = "HOST:ADDR", value_parser = parse_resolve)]
    pub resolve: Vec<(String, SocketAddr)>,
}

impl AuditFlags {
    /// The core's options; domain-lookup settings come from the environment
    /// (`LEAD_AUDIT_RDAP_BOOTSTRAP`, `LEAD_AUDIT_WHOIS_SERVERS`, `LEAD_AUDIT_CACHE_DIR`).
    pub fn to_options(&self) -> Result<AuditOptions, lead_audit_core::Error> {
        Ok(AuditOptions {
            max_pages: self.max_pages as usize,
            browser: self.browser,
            timeout: Duration::from_secs_f64(self.timeout),
            request_timeout: Duration::from_secs_f64(self.request_timeout),
            default_region: self.default_region.to_ascii_uppercase(),
            allow_private_networks: self.allow_private_networks,
            user_agent: self.user_agent.clone(),
            domain_lookup: !self.no_domain_lookup,
            fingerprints: self.fingerprints.clone(),
            resolve: self.resolve.clone(),
            domain: lead_audit_core::domain::DomainConfig::from_env()?,
            ..AuditOptions::default()
        })
    }
}

impl AuditFlags {
    /// The browser pool for the fallback, or `None` with `--browser never`.
    pub fn browser_pool(&self) -> Option<lead_audit_browser::BrowserPool> {
        if self.browser == BrowserMode::Never {
            return None;
        }
        let mut config = lead_audit_browser::BrowserConfig {
            chrome_path: self.chrome_path.clone(),
            allow_private_networks: self.allow_private_networks,
            user_agent: Some(self.user_agent.clone()),
            page_timeout: Duration::from_secs_f64(self.timeout),
            ..Default::default()
        };
        if let Some(tabs) = self.browser_tabs {
            config.tabs = tabs as usize;
        }
        Some(lead_audit_browser::BrowserPool::new(config))
    }
}

fn parse_resolve(s: &str) -> Result<(String, SocketAddr), String> {
    let (host, addr) = s
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
