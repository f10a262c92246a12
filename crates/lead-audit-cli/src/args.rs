//! Command line arguments; every flag also reads an environment variable.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use lead_audit_app::record::FreshnessSettings;
use lead_audit_app::AuditSettings;
use lead_audit_queue::QueueSettings;
use lead_audit_report::{Lang, Paper};

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
    Enqueue(Box<EnqueueArgs>),
    /// Write outreach reports (HTML, optional PDF) and an overview of a batch of audits.
    Report(Box<ReportArgs>),
}

/// `lead-audit report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Websites to audit now and report on (scheme optional).
    pub urls: Vec<String>,
    /// A file of audit results: `.jsonl` as `audit --format jsonl` writes, or `.json`.
    #[arg(long, env = "LEAD_AUDIT_REPORT_RESULTS")]
    pub results: Option<PathBuf>,
    /// Report on the newest stored audit of each lead in this database
    /// (`sqlite://FILE` or `postgres://…`).
    #[arg(long, env = "LEAD_AUDIT_REPORT_DATABASE", hide_env_values = true)]
    pub database: Option<String>,
    /// With `--database`: at most this many leads, the most recently audited first.
    #[arg(long, default_value_t = 1000, env = "LEAD_AUDIT_REPORT_LIMIT")]
    pub limit: u32,
    /// The directory the reports, `index.html` and `overview.csv` are written to.
    #[arg(long, default_value = "reports", env = "LEAD_AUDIT_REPORT_DIR")]
    pub out: PathBuf,
    /// The reports' language, `en` or `de` (default: per lead, from its country or its
    /// site's domain).
    #[arg(long, env = "LEAD_AUDIT_REPORT_LANG", value_parser = <Lang as std::str::FromStr>::from_str)]
    pub lang: Option<Lang>,
    /// The agency footer: a `.toml` or `.json` file with name, logo, tagline, email, phone,
    /// website.
    #[arg(long, env = "LEAD_AUDIT_REPORT_BRAND")]
    pub brand: Option<PathBuf>,
    /// Also print each report to PDF with Chromium.
    #[arg(long, env = "LEAD_AUDIT_REPORT_PDF", value_parser = clap::builder::FalseyValueParser::new())]
    pub pdf: bool,
    /// PDF paper, `a4` or `letter` (default: Letter for English reports to the US and
    /// Canada, A4 otherwise).
    #[arg(long, env = "LEAD_AUDIT_REPORT_PAPER", value_parser = <Paper as std::str::FromStr>::from_str)]
    pub paper: Option<Paper>,
    /// Leave out the desktop and phone screenshots of each home page.
    #[arg(long, env = "LEAD_AUDIT_REPORT_NO_SCREENSHOTS", value_parser = clap::builder::FalseyValueParser::new())]
    pub no_screenshots: bool,
    /// Leads audited, captured and printed at once.
    #[arg(long, short = 'c', default_value_t = 4, env = "LEAD_AUDIT_REPORT_CONCURRENCY", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Print how long rendering, screenshots and PDFs took.
    #[arg(long)]
    pub timings: bool,
    #[command(flatten)]
    pub audit: AuditSettings,
}

/// `lead-audit enqueue`.
#[derive(Debug, Args)]
pub struct EnqueueArgs {
    /// Websites to enqueue (scheme optional).
    pub urls: Vec<String>,
    /// A `.csv` or `.jsonl` file of leads, as for `audit`.
    #[arg(long, short = 'i')]
    pub input: Option<PathBuf>,
    #[command(flatten)]
    pub queue: QueueSettings,
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
    #[arg(long, env = "LEAD_AUDIT_DATABASE", hide_env_values = true, default_value = DEFAULT_DATABASE)]
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
    #[arg(long, env = "LEAD_AUDIT_DATABASE", hide_env_values = true, num_args = 0..=1, default_missing_value = DEFAULT_DATABASE)]
    pub database: Option<String>,
    /// With `--database`: audit even leads audited within the freshness window.
    #[arg(long, env = "LEAD_AUDIT_FORCE", value_parser = clap::builder::FalseyValueParser::new())]
    pub force: bool,
    #[command(flatten)]
    pub freshness: FreshnessSettings,
    #[command(flatten)]
    pub audit: AuditSettings,
}
