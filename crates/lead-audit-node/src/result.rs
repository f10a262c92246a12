//! `AuditResult` as it crosses into JS: the core's result shape as `#[napi(object)]`
//! structs, so `index.d.ts` types every field. Dates are ISO 8601 strings and absent values
//! `null`, exactly as in the JSON the CLI and the worker write.

use std::collections::BTreeMap;

use lead_audit_core as core;
use napi_derive::napi;

use crate::contact::Contact;

/// The machine-readable kind of an audit error.
#[napi(string_enum)]
pub enum ErrorKind {
    #[napi(value = "invalid_url")]
    InvalidUrl,
    #[napi(value = "blocked")]
    Blocked,
    #[napi(value = "dns")]
    Dns,
    #[napi(value = "connect")]
    Connect,
    #[napi(value = "tls")]
    Tls,
    #[napi(value = "bad_response")]
    BadResponse,
    #[napi(value = "timeout")]
    Timeout,
    #[napi(value = "http_status")]
    HttpStatus,
    #[napi(value = "not_html")]
    NotHtml,
    #[napi(value = "too_large")]
    TooLarge,
    #[napi(value = "robots")]
    Robots,
    #[napi(value = "browser")]
    Browser,
    #[napi(value = "internal")]
    Internal,
}

/// Sales grade.
#[napi(string_enum)]
pub enum Grade {
    #[napi(value = "HOT")]
    Hot,
    #[napi(value = "WARM")]
    Warm,
    #[napi(value = "COLD")]
    Cold,
}

/// How a page was obtained.
#[napi(string_enum)]
pub enum Via {
    #[napi(value = "http")]
    Http,
    #[napi(value = "browser")]
    Browser,
}

/// The kind of fingerprint rule that found a technology (`implied`: only implied by another).
#[napi(string_enum)]
pub enum Evidence {
    #[napi(value = "header")]
    Header,
    #[napi(value = "cookie")]
    Cookie,
    #[napi(value = "meta")]
    Meta,
    #[napi(value = "scriptSrc")]
    ScriptSrc,
    #[napi(value = "script")]
    Script,
    #[napi(value = "html")]
    Html,
    #[napi(value = "dom")]
    Dom,
    #[napi(value = "url")]
    Url,
    #[napi(value = "js")]
    Js,
    #[napi(value = "robots")]
    Robots,
    #[napi(value = "certIssuer")]
    CertIssuer,
    #[napi(value = "text")]
    Text,
    #[napi(value = "implied")]
    Implied,
}

/// How much an audit issue matters.
#[napi(string_enum)]
pub enum Severity {
    #[napi(value = "low")]
    Low,
    #[napi(value = "medium")]
    Medium,
    #[napi(value = "high")]
    High,
}

/// Where a domain's registration date came from.
#[napi(string_enum)]
pub enum DomainSource {
    #[napi(value = "rdap")]
    Rdap,
    #[napi(value = "whois")]
    Whois,
}

/// Why a site (or part of it) could not be audited.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct AuditError {
    pub kind: ErrorKind,
    /// What happened, for a person.
    pub message: String,
}

/// One fetched page.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct PageRecord {
    /// URL after redirects.
    pub url: String,
    /// HTTP status (0 when the browser did not report one).
    pub status: u32,
    /// Body bytes read.
    pub bytes: f64,
    /// Time to fetch or render the page.
    pub elapsed_ms: f64,
    pub via: Via,
}

/// A detected technology (Wappalyzer naming).
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Technology {
    pub name: String,
    pub version: Option<String>,
    pub categories: Vec<String>,
    /// 0 to 100.
    pub confidence: u32,
    /// The kinds of rule that matched, sorted; `['implied']` when only implied by another.
    pub evidence: Vec<Evidence>,
    /// The fingerprint's CPE name, when it gives one.
    pub cpe: Option<String>,
}

/// A failing check.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct AuditIssue {
    /// Stable id, e.g. `no-https`.
    pub id: String,
    pub severity: Severity,
    pub message: String,
}

/// The quality checks and the issues they raise; `null` means "could not be checked".
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct AuditReport {
    pub https: Option<bool>,
    pub redirects_to_https: Option<bool>,
    /// ISO 8601.
    pub certificate_expires_at: Option<String>,
    pub certificate_days_left: Option<f64>,
    pub hsts: Option<bool>,
    pub mixed_content: Option<u32>,
    pub viewport: Option<bool>,
    pub title: Option<String>,
    pub meta_description: Option<String>,
    pub h1_count: Option<u32>,
    pub image_count: Option<u32>,
    pub images_without_alt: Option<u32>,
    pub copyright_year: Option<i32>,
    pub page_weight_bytes: Option<f64>,
    pub response_time_ms: Option<f64>,
    pub render_blocking_scripts: Option<u32>,
    pub structured_data: Option<bool>,
    pub open_graph: Option<bool>,
    pub favicon: Option<bool>,
    pub robots_txt: Option<bool>,
    pub sitemap_xml: Option<bool>,
    /// robots.txt disallows `/` for every crawler (or for lead-audit).
    pub robots_blocks_site: Option<bool>,
    /// e.g. `jQuery 1.12.4`.
    pub outdated_libraries: Vec<String>,
    /// e.g. `PHP 5.6`.
    pub eol_software: Vec<String>,
    pub issues: Vec<AuditIssue>,
    pub contact_form: Option<bool>,
}

/// Registration facts of the registrable domain.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct DomainInfo {
    /// e.g. `example.co.uk`.
    pub name: String,
    /// ISO 8601.
    pub registered_at: Option<String>,
    pub age_days: Option<f64>,
    pub source: Option<DomainSource>,
}

/// The points model's verdict.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Score {
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

/// The outcome of auditing one lead. An unreachable site is a result too.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct AuditResult {
    /// The website audited, as given (scheme added if missing).
    pub url: String,
    pub lead_id: Option<String>,
    /// The home page URL after redirects.
    pub final_url: Option<String>,
    /// False when no HTML home page could be fetched.
    pub reachable: bool,
    pub http_status: Option<u32>,
    pub error: Option<AuditError>,
    pub rendered_with_browser: bool,
    pub pages: Vec<PageRecord>,
    /// Deduplicated, lowercased, best first.
    pub emails: Vec<String>,
    /// Deduplicated, E.164.
    pub phones: Vec<String>,
    /// Fax numbers, deduplicated, E.164, none of them in `phones`.
    pub faxes: Vec<String>,
    /// Platform → profile URL.
    pub socials: BTreeMap<String, String>,
    /// Every email, phone, fax and social above with where it was found.
    pub contacts: Vec<Contact>,
    pub technologies: Vec<Technology>,
    pub audit: AuditReport,
    pub domain: Option<DomainInfo>,
    pub score: Score,
    /// Why the lead was not audited, else `null`.
    pub skipped: Option<String>,
    /// ISO 8601.
    pub audited_at: String,
    pub duration_ms: f64,
}

/// Contacts found in one HTML document.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Contacts {
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub faxes: Vec<String>,
    pub socials: BTreeMap<String, String>,
}

fn iso(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

impl From<core::ErrorKind> for ErrorKind {
    fn from(k: core::ErrorKind) -> Self {
        use core::ErrorKind as K;
        match k {
            K::InvalidUrl => Self::InvalidUrl,
            K::Blocked => Self::Blocked,
            K::Dns => Self::Dns,
            K::Connect => Self::Connect,
            K::Tls => Self::Tls,
            K::BadResponse => Self::BadResponse,
            K::Timeout => Self::Timeout,
            K::HttpStatus => Self::HttpStatus,
            K::NotHtml => Self::NotHtml,
            K::TooLarge => Self::TooLarge,
            K::Robots => Self::Robots,
            K::Browser => Self::Browser,
            K::Internal => Self::Internal,
        }
    }
}

impl From<core::Technology> for Technology {
    fn from(t: core::Technology) -> Self {
        Self {
            name: t.name,
            version: t.version,
            categories: t.categories,
            confidence: u32::from(t.confidence),
            evidence: t.evidence.into_iter().map(Evidence::from).collect(),
            cpe: t.cpe,
        }
    }
}

impl From<core::Evidence> for Evidence {
    fn from(e: core::Evidence) -> Self {
        match e {
            core::Evidence::Header => Self::Header,
            core::Evidence::Cookie => Self::Cookie,
            core::Evidence::Meta => Self::Meta,
            core::Evidence::ScriptSrc => Self::ScriptSrc,
            core::Evidence::Script => Self::Script,
            core::Evidence::Html => Self::Html,
            core::Evidence::Dom => Self::Dom,
            core::Evidence::Url => Self::Url,
            core::Evidence::Js => Self::Js,
            core::Evidence::Robots => Self::Robots,
            core::Evidence::CertIssuer => Self::CertIssuer,
            core::Evidence::Text => Self::Text,
            core::Evidence::Implied => Self::Implied,
        }
    }
}

impl From<core::AuditReport> for AuditReport {
    fn from(r: core::AuditReport) -> Self {
        Self {
            https: r.https,
            redirects_to_https: r.redirects_to_https,
            certificate_expires_at: r.certificate_expires_at.map(iso),
            certificate_days_left: r.certificate_days_left.map(|d| d as f64),
            hsts: r.hsts,
            mixed_content: r.mixed_content,
            viewport: r.viewport,
            title: r.title,
            meta_description: r.meta_description,
            h1_count: r.h1_count,
            image_count: r.image_count,
            images_without_alt: r.images_without_alt,
            copyright_year: r.copyright_year,
            page_weight_bytes: r.page_weight_bytes.map(|b| b as f64),
            response_time_ms: r.response_time_ms.map(|m| m as f64),
            render_blocking_scripts: r.render_blocking_scripts,
            structured_data: r.structured_data,
            open_graph: r.open_graph,
            favicon: r.favicon,
            robots_txt: r.robots_txt,
            sitemap_xml: r.sitemap_xml,
            robots_blocks_site: r.robots_blocks_site,
            outdated_libraries: r.outdated_libraries,
            eol_software: r.eol_software,
            issues: r.issues.into_iter().map(AuditIssue::from).collect(),
            contact_form: r.contact_form,
        }
    }
}

impl From<core::AuditIssue> for AuditIssue {
    fn from(i: core::AuditIssue) -> Self {
        Self {
            id: i.id.to_string(),
            severity: match i.severity {
                core::Severity::Low => Severity::Low,
                core::Severity::Medium => Severity::Medium,
                core::Severity::High => Severity::High,
            },
            message: i.message,
        }
    }
}

impl From<core::Score> for Score {
    fn from(s: core::Score) -> Self {
        Self {
            grade: match s.grade {
                core::Grade::Hot => Grade::Hot,
                core::Grade::Warm => Grade::Warm,
                core::Grade::Cold => Grade::Cold,
            },
            points: s.points,
            opportunity: s.opportunity,
            reachability: s.reachability,
            reasons: s.reasons,
        }
    }
}

impl From<core::AuditResult> for AuditResult {
    fn from(r: core::AuditResult) -> Self {
        Self {
            url: r.url,
            lead_id: r.lead_id,
            final_url: r.final_url,
            reachable: r.reachable,
            http_status: r.http_status.map(u32::from),
            error: r.error.map(|e| AuditError {
                kind: e.kind.into(),
                message: e.message,
            }),
            rendered_with_browser: r.rendered_with_browser,
            pages: r
                .pages
                .into_iter()
                .map(|p| PageRecord {
                    url: p.url,
                    status: u32::from(p.status),
                    bytes: p.bytes as f64,
                    elapsed_ms: p.elapsed_ms as f64,
                    via: match p.via {
                        core::Via::Http => Via::Http,
                        core::Via::Browser => Via::Browser,
                    },
                })
                .collect(),
            emails: r.emails,
            phones: r.phones,
            faxes: r.faxes,
            socials: r.socials,
            contacts: r.contacts.into_iter().map(Contact::from).collect(),
            technologies: r.technologies.into_iter().map(Technology::from).collect(),
            audit: r.audit.into(),
            domain: r.domain.map(|d| DomainInfo {
                name: d.name,
                registered_at: d.registered_at.map(iso),
                age_days: d.age_days.map(|a| a as f64),
                source: d.source.map(|s| match s {
                    core::DomainSource::Rdap => DomainSource::Rdap,
                    core::DomainSource::Whois => DomainSource::Whois,
                }),
            }),
            score: r.score.into(),
            skipped: r.skipped,
            audited_at: iso(r.audited_at),
            duration_ms: r.duration_ms as f64,
        }
    }
}

impl From<core::extract::Contacts> for Contacts {
    fn from(c: core::extract::Contacts) -> Self {
        Self {
            emails: c.emails,
            phones: c.phones,
            faxes: c.faxes,
            socials: c.socials,
        }
    }
}
