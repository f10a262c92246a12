//! Site report: the checks of §4.5 and the issues they raise.

use chrono::{DateTime, Utc};
use url::Url;

use super::PageFacts;
use crate::result::{AuditReport, Technology};

/// Everything the report needs about the site.
#[derive(Debug, Clone)]
pub struct SiteFacts<'a> {
    /// Facts of the home page.
    pub home: &'a PageFacts,
    /// The home page URL after redirects.
    pub final_url: &'a Url,
    /// Home page response headers, names lowercased.
    pub headers: &'a [(String, String)],
    /// Whether `http://host/` redirects to https (None: not checked).
    pub redirects_to_https: Option<bool>,
    /// Expiry of the certificate presented (None: not https or not read).
    pub certificate_expires_at: Option<DateTime<Utc>>,
    /// Home page response time.
    pub response_time_ms: u64,
    /// Home page bytes.
    pub page_weight_bytes: u64,
    /// `/robots.txt` exists (None: not checked).
    pub robots_txt: Option<bool>,
    /// A sitemap exists (None: not checked).
    pub sitemap_xml: Option<bool>,
    /// `/favicon.ico` exists (None: not checked).
    pub favicon_ico: Option<bool>,
    /// Technologies detected over the site.
    pub technologies: &'a [Technology],
    /// Now, for the copyright year and certificate checks.
    pub now: DateTime<Utc>,
}

/// Runs every check and lists the failing ones as issues.
pub fn build_report(site: &SiteFacts<'_>) -> AuditReport {
    let _ = site;
    todo!("audit helper")
}
