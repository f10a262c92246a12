//! `lead-audit-report`: the outreach report, a self-contained HTML page per audited lead
//! written for the business owner, and the overview of a batch (HTML table and CSV).
//!
//! Rendering is pure and synchronous over [`AuditResult`]s: no I/O, no runtime, so every
//! front end (CLI, worker, addon) can call it. Screenshots come in as PNG bytes and are
//! inlined; the pages load nothing from anywhere (`docs/report.md`).
//!
//! ```
//! # fn demo(result: &lead_audit_core::AuditResult) -> Result<(), lead_audit_report::ReportError> {
//! use lead_audit_report::{render_lead, ReportOptions};
//! let html = render_lead(result, &ReportOptions::default())?;
//! # Ok(()) }
//! ```

mod brand;
mod findings;
mod lang;
mod overview;
mod paper;
mod templates;
mod view;

use lead_audit_core::{AuditResult, ScoreConfig};

pub use brand::{Brand, MAX_LOGO_BYTES};
pub use findings::{Finding, Group};
pub use lang::Lang;
pub use overview::{overview_csv, render_overview, OverviewEntry};
pub use paper::Paper;

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A template failed to render (a bug in a template, not in the data).
    #[error("rendering {template}: {message}")]
    Template {
        /// The template's file name.
        template: &'static str,
        /// What went wrong.
        message: String,
    },
    /// The brand file cannot be used.
    #[error("brand file {path}: {message}")]
    Brand {
        /// The file.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// The CSV overview could not be written.
    #[error("writing the CSV overview: {0}")]
    Csv(String),
}

impl ReportError {
    /// A stable machine-readable kind: `template`, `brand` or `csv`.
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Template { .. } => "template",
            Self::Brand { .. } => "brand",
            Self::Csv(_) => "csv",
        }
    }
}

/// Options of a whole batch of reports.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// The language of every report; `None` picks it per lead ([`Lang::for_lead`]).
    pub lang: Option<Lang>,
    /// The agency footer; `None` leaves it out.
    pub brand: Option<Brand>,
    /// The weights that order the findings (those the audit was scored with).
    pub score: ScoreConfig,
}

impl ReportOptions {
    /// The language of the report for `result`: the chosen one, else the lead's region, else
    /// its site's TLD.
    pub fn lang_for(&self, result: &AuditResult, region: Option<&str>) -> Lang {
        self.lang.unwrap_or_else(|| {
            Lang::for_lead(region, result.final_url.as_deref().unwrap_or(&result.url))
        })
    }
}

/// Screenshots of the lead's home page, PNG bytes; when both are absent the report shows why.
#[derive(Debug, Clone, Default)]
pub struct Screenshots {
    /// A desktop viewport (1280×800).
    pub desktop: Option<Vec<u8>>,
    /// A phone viewport (375×812).
    pub mobile: Option<Vec<u8>>,
    /// Why there are none, shown as "screenshots unavailable: …".
    pub unavailable: Option<String>,
}

impl Screenshots {
    /// No screenshots, and why.
    pub fn unavailable(why: impl Into<String>) -> Self {
        Self {
            unavailable: Some(why.into()),
            ..Self::default()
        }
    }
}

/// What a report may know of a lead beyond its audit.
#[derive(Debug, Clone, Default)]
pub struct LeadExtras {
    /// The company name as given with the lead; else the home page title names it.
    pub business_name: Option<String>,
    /// The lead's country (ISO 3166 alpha-2): picks the language and the paper size.
    pub region: Option<String>,
    /// Screenshots of the home page.
    pub screenshots: Screenshots,
}

/// The report page of one lead, without screenshots or extras: for front ends that have only
/// the result (the addon).
pub fn render_lead(result: &AuditResult, opts: &ReportOptions) -> Result<String, ReportError> {
    render_lead_with(result, &LeadExtras::default(), opts)
}

/// The report page of one lead: a complete, self-contained HTML document.
pub fn render_lead_with(
    result: &AuditResult,
    extras: &LeadExtras,
    opts: &ReportOptions,
) -> Result<String, ReportError> {
    let (view, _) = view::lead_view(result, extras, opts);
    templates::render(templates::LEAD, &view)
}

/// The report page of one lead and its row in the overview, computed once.
pub fn render_lead_and_entry(
    result: &AuditResult,
    extras: &LeadExtras,
    report_file: &str,
    opts: &ReportOptions,
) -> Result<(String, OverviewEntry), ReportError> {
    let (view, findings) = view::lead_view(result, extras, opts);
    let html = templates::render(templates::LEAD, &view)?;
    let entry = OverviewEntry::from_parts(result, extras, report_file, &findings);
    Ok((html, entry))
}

/// A file name for the report of the `index`-th lead: `007-example-com.html`. Only ASCII
/// letters, digits and dashes, whatever the URL holds.
pub fn report_file_name(index: usize, result: &AuditResult) -> String {
    let host = lang::host_of(result.final_url.as_deref().unwrap_or(&result.url))
        .unwrap_or_default()
        .to_ascii_lowercase();
    let mut slug = String::new();
    for c in host.chars().take(60) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-');
    if slug.is_empty() {
        format!("{:03}-lead.html", index + 1)
    } else {
        format!("{:03}-{slug}.html", index + 1)
    }
}

/// The country a lead is most likely in when none is given: a `+1` phone or a `.us`/`.ca`
/// site says North America (for the paper size); `None` otherwise.
pub fn region_hint(result: &AuditResult, extras: &LeadExtras) -> Option<String> {
    if let Some(r) = extras.region.as_deref().filter(|r| !r.trim().is_empty()) {
        return Some(r.trim().to_ascii_uppercase());
    }
    let tld = lang::host_of(result.final_url.as_deref().unwrap_or(&result.url))
        .and_then(|h| h.rsplit('.').next().map(str::to_ascii_uppercase));
    match tld.as_deref() {
        Some("US") => return Some("US".into()),
        Some("CA") => return Some("CA".into()),
        _ => {}
    }
    result
        .phones
        .first()
        .filter(|p| p.starts_with("+1"))
        .map(|_| "US".into())
}
