//! The one result shape of the project (SPEC §3), serialised as camelCase JSON everywhere.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use lead_audit_detect::Technology;

use crate::error::ErrorKind;

/// The outcome of auditing one lead. An unreachable site is a result too.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditResult {
    /// The website audited, as given (scheme added if missing).
    pub url: String,
    /// The lead's id when known.
    pub lead_id: Option<String>,
    /// The home page URL after redirects.
    pub final_url: Option<String>,
    /// False when no HTML home page could be fetched.
    pub reachable: bool,
    /// Status of the home page.
    pub http_status: Option<u16>,
    /// Why the site (or part of it) could not be audited.
    pub error: Option<AuditError>,
    /// True when any page was rendered by Chromium.
    pub rendered_with_browser: bool,
    /// Every page fetched, in order.
    pub pages: Vec<PageRecord>,
    /// Deduplicated, lowercased, best first.
    pub emails: Vec<String>,
    /// Deduplicated, E.164.
    pub phones: Vec<String>,
    /// Platform → profile URL.
    pub socials: BTreeMap<String, String>,
    /// Technologies detected over all pages.
    pub technologies: Vec<Technology>,
    /// Quality checks and the issues they raised.
    pub audit: AuditReport,
    /// Registration facts of the registrable domain.
    pub domain: Option<DomainInfo>,
    /// Grade and the reasons for it.
    pub score: Score,
    /// Why the lead was not audited (a filter of §4.7).
    pub skipped: Option<String>,
    /// When the audit finished.
    pub audited_at: DateTime<Utc>,
    /// Wall time of the audit.
    pub duration_ms: u64,
}

/// A machine-readable kind beside a human message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditError {
    /// One of the §3 error kinds.
    pub kind: ErrorKind,
    /// What happened, for a person.
    pub message: String,
}

/// How a page was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    /// Plain HTTP fetch.
    Http,
    /// Rendered by headless Chromium.
    Browser,
}

/// One fetched page.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageRecord {
    /// URL after redirects.
    pub url: String,
    /// HTTP status (0 when the browser did not report one).
    pub status: u16,
    /// Body bytes read.
    pub bytes: u64,
    /// Time to fetch (or render) the page.
    pub elapsed_ms: u64,
    /// `http` or `browser`.
    pub via: Via,
}

/// Severity of an audit issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Cosmetic or minor.
    Low,
    /// Worth fixing.
    Medium,
    /// Hurts the business now.
    High,
}

/// A failing check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditIssue {
    /// Stable id, e.g. `no-https`.
    pub id: String,
    /// How much it matters.
    pub severity: Severity,
    /// What is wrong, for a person.
    pub message: String,
}

/// The checks of §4.5. `None` means "could not be checked".
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditReport {
    /// The final home page URL is https.
    pub https: Option<bool>,
    /// Plain http redirects to https.
    pub redirects_to_https: Option<bool>,
    /// Expiry of the home page's certificate.
    pub certificate_expires_at: Option<DateTime<Utc>>,
    /// Days until the certificate expires (negative: expired).
    pub certificate_days_left: Option<i64>,
    /// `Strict-Transport-Security` present.
    pub hsts: Option<bool>,
    /// Number of `http://` subresources on https pages.
    pub mixed_content: Option<u32>,
    /// `<meta name=viewport>` present.
    pub viewport: Option<bool>,
    /// The home page `<title>`.
    pub title: Option<String>,
    /// The home page meta description.
    pub meta_description: Option<String>,
    /// Number of `<h1>` on the home page.
    pub h1_count: Option<u32>,
    /// Number of `<img>` on the home page.
    pub image_count: Option<u32>,
    /// Images without `alt`.
    pub images_without_alt: Option<u32>,
    /// Latest copyright year found in the footer text.
    pub copyright_year: Option<i32>,
    /// Home page HTML bytes.
    pub page_weight_bytes: Option<u64>,
    /// Home page response time.
    pub response_time_ms: Option<u64>,
    /// Scripts in `<head>` without async/defer/module.
    pub render_blocking_scripts: Option<u32>,
    /// JSON-LD or microdata present.
    pub structured_data: Option<bool>,
    /// Open Graph tags present.
    pub open_graph: Option<bool>,
    /// A favicon is declared or `/favicon.ico` exists.
    pub favicon: Option<bool>,
    /// `/robots.txt` exists.
    pub robots_txt: Option<bool>,
    /// `/sitemap.xml` (or a sitemap in robots.txt) exists.
    pub sitemap_xml: Option<bool>,
    /// Libraries with a known-outdated version, e.g. `jQuery 1.12.4`.
    pub outdated_libraries: Vec<String>,
    /// End-of-life server software, e.g. `PHP 5.6`.
    pub eol_software: Vec<String>,
    /// Every failing check.
    pub issues: Vec<AuditIssue>,
    /// The home page has a message form (a `<form>` with a `<textarea>`).
    pub contact_form: Option<bool>,
}

/// Where the registration date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DomainSource {
    /// RDAP (RFC 9083).
    Rdap,
    /// WHOIS (port 43).
    Whois,
}

/// Registration facts of the registrable domain (§4.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainInfo {
    /// Registrable domain, e.g. `example.co.uk`.
    pub name: String,
    /// Registration date, when known.
    pub registered_at: Option<DateTime<Utc>>,
    /// Days since registration.
    pub age_days: Option<i64>,
    /// Where it came from; `None` when the lookup failed.
    pub source: Option<DomainSource>,
}

/// Sales grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "UPPERCASE")]
pub enum Grade {
    /// Contactable and needs work.
    Hot,
    /// Worth a look.
    Warm,
    /// Not worth outreach now.
    #[default]
    Cold,
}

/// The transparent points model of §4.8.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Score {
    /// HOT / WARM / COLD.
    pub grade: Grade,
    /// Opportunity + reachability.
    pub points: i32,
    /// What the business needs.
    pub opportunity: i32,
    /// How well it can be contacted.
    pub reachability: i32,
    /// One line per point given or taken.
    pub reasons: Vec<String>,
}
