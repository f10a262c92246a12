//! The one result shape of the project, serialised as camelCase JSON everywhere.

use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::fmt;
use std::hash::{Hash, Hasher};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use lead_audit_detect::Technology;

pub use crate::contact::{Contact, ContactKind, ContactMethod, ContactSource};
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
    /// Fax numbers, deduplicated, E.164; a number also listed as a phone is not repeated.
    #[serde(default)]
    pub faxes: Vec<String>,
    /// Platform → profile URL.
    pub socials: BTreeMap<String, String>,
    /// Every email, phone, fax and social above with the page and method it was found by.
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// Technologies detected over all pages.
    pub technologies: Vec<Technology>,
    /// Quality checks and the issues they raised.
    pub audit: AuditReport,
    /// Registration facts of the registrable domain.
    pub domain: Option<DomainInfo>,
    /// Grade and the reasons for it.
    pub score: Score,
    /// Why the lead was not audited: it has neither a website nor contact data (`unusable: …`),
    /// or it was audited within the freshness window (`fresh: …`).
    pub skipped: Option<String>,
    /// When the audit finished.
    pub audited_at: DateTime<Utc>,
    /// Wall time of the audit.
    pub duration_ms: u64,
}

/// A machine-readable kind beside a human message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditError {
    /// What kind of failure, stable for machines.
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
    pub id: IssueId,
    /// How much it matters.
    pub severity: Severity,
    /// What is wrong, for a person.
    pub message: String,
}

/// The stable id of an audit issue, written in kebab-case (`no-https`, `outdated-jquery`).
/// Every id and the check that raises it are listed in `docs/scoring.md`.
///
/// Ids compare, hash and serialize as their text. An id this version does not raise, read back
/// from an audit stored by another version, becomes [`IssueId::Other`] instead of making the
/// stored audit unreadable.
#[derive(Debug, Clone)]
pub enum IssueId {
    /// `no-https`: the final home page URL is plain http.
    NoHttps,
    /// `no-https-redirect`: the site has https but plain http does not redirect to it.
    NoHttpsRedirect,
    /// `certificate-expired`: the TLS certificate has expired.
    CertificateExpired,
    /// `certificate-expiring`: the TLS certificate expires soon.
    CertificateExpiring,
    /// `no-hsts`: an https site sends no `Strict-Transport-Security` header.
    NoHsts,
    /// `mixed-content`: an https page loads resources over plain http.
    MixedContent,
    /// `no-viewport`: no viewport meta tag, so the site is not built for phones.
    NoViewport,
    /// `missing-title`: the home page has no `<title>`.
    MissingTitle,
    /// `short-title`: the title is too short to tell searchers much.
    ShortTitle,
    /// `long-title`: search results cut the title.
    LongTitle,
    /// `missing-meta-description`: the home page has no meta description.
    MissingMetaDescription,
    /// `short-meta-description`: the meta description is too short.
    ShortMetaDescription,
    /// `long-meta-description`: search results cut the meta description.
    LongMetaDescription,
    /// `no-h1`: the home page has no `<h1>`.
    NoH1,
    /// `multiple-h1`: the home page has more than one `<h1>`.
    MultipleH1,
    /// `images-without-alt`: an image has no `alt` attribute.
    ImagesWithoutAlt,
    /// `stale-copyright`: the copyright year is older than last year.
    StaleCopyright,
    /// `heavy-page`: the home page HTML is heavy.
    HeavyPage,
    /// `slow-response`: the home page HTML is slow to arrive.
    SlowResponse,
    /// `render-blocking-scripts`: scripts in `<head>` block rendering.
    RenderBlockingScripts,
    /// `no-structured-data`: neither JSON-LD nor microdata.
    NoStructuredData,
    /// `no-open-graph`: no Open Graph tags.
    NoOpenGraph,
    /// `no-favicon`: no favicon declared or at `/favicon.ico`.
    NoFavicon,
    /// `no-robots-txt`: no `/robots.txt`.
    NoRobotsTxt,
    /// `no-sitemap`: no sitemap in robots.txt nor at `/sitemap.xml`.
    NoSitemap,
    /// `noindex`: a robots meta tag or an `X-Robots-Tag` header keeps the home page out of
    /// search results.
    Noindex,
    /// `robots-blocks-site`: robots.txt disallows `/` for every crawler (or for ours).
    RobotsBlocksSite,
    /// `canonical-invalid`: the canonical link is unreadable, not http(s), points to another
    /// site, or several canonical links disagree.
    CanonicalInvalid,
    /// `hreflang-invalid`: an hreflang link has an invalid language code or a relative href.
    HreflangInvalid,
    /// `link-text`: links whose whole text says nothing of where they go ("click here").
    LinkText,
    /// `uncrawlable-links`: links without an address search engines can follow
    /// (`javascript:`, an `onclick` anchor without `href`).
    UncrawlableLinks,
    /// `no-doctype`: no doctype, or a legacy one: the page renders in quirks mode.
    NoDoctype,
    /// `no-charset`: no character encoding declared in the page nor in `Content-Type`.
    NoCharset,
    /// `no-lang`: `<html>` has no `lang`.
    NoLang,
    /// `zoom-disabled`: the viewport meta stops people zooming in.
    ZoomDisabled,
    /// `meta-refresh`: the page reloads or redirects itself with `<meta http-equiv=refresh>`.
    MetaRefresh,
    /// `no-csp`: no Content-Security-Policy.
    NoCsp,
    /// `no-frame-protection`: neither `X-Frame-Options` nor CSP `frame-ancestors`.
    NoFrameProtection,
    /// `no-coop`: an https site sends no `Cross-Origin-Opener-Policy`.
    NoCoop,
    /// `outdated-<software>`: a library or CMS older than its rule in
    /// `data/audit_software.json` allows. Holds the whole id; made by [`IssueId::outdated`].
    Outdated(String),
    /// `eol-<software>`: server software or a platform past its end of life. Holds the whole
    /// id; made by [`IssueId::eol`].
    Eol(String),
    /// An id this version does not raise, kept as read.
    Other(String),
}

impl IssueId {
    /// The ids without a software name, for parsing.
    const FIXED: &'static [IssueId] = &[
        Self::NoHttps,
        Self::NoHttpsRedirect,
        Self::CertificateExpired,
        Self::CertificateExpiring,
        Self::NoHsts,
        Self::MixedContent,
        Self::NoViewport,
        Self::MissingTitle,
        Self::ShortTitle,
        Self::LongTitle,
        Self::MissingMetaDescription,
        Self::ShortMetaDescription,
        Self::LongMetaDescription,
        Self::NoH1,
        Self::MultipleH1,
        Self::ImagesWithoutAlt,
        Self::StaleCopyright,
        Self::HeavyPage,
        Self::SlowResponse,
        Self::RenderBlockingScripts,
        Self::NoStructuredData,
        Self::NoOpenGraph,
        Self::NoFavicon,
        Self::NoRobotsTxt,
        Self::NoSitemap,
        Self::Noindex,
        Self::RobotsBlocksSite,
        Self::CanonicalInvalid,
        Self::HreflangInvalid,
        Self::LinkText,
        Self::UncrawlableLinks,
        Self::NoDoctype,
        Self::NoCharset,
        Self::NoLang,
        Self::ZoomDisabled,
        Self::MetaRefresh,
        Self::NoCsp,
        Self::NoFrameProtection,
        Self::NoCoop,
    ];

    /// `outdated-<slug>` for a software slug such as `jquery`.
    pub fn outdated(slug: &str) -> Self {
        Self::Outdated(format!("outdated-{slug}"))
    }

    /// `eol-<slug>` for a software slug such as `php`.
    pub fn eol(slug: &str) -> Self {
        Self::Eol(format!("eol-{slug}"))
    }

    /// The id as written in results, e.g. `no-https`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::NoHttps => "no-https",
            Self::NoHttpsRedirect => "no-https-redirect",
            Self::CertificateExpired => "certificate-expired",
            Self::CertificateExpiring => "certificate-expiring",
            Self::NoHsts => "no-hsts",
            Self::MixedContent => "mixed-content",
            Self::NoViewport => "no-viewport",
            Self::MissingTitle => "missing-title",
            Self::ShortTitle => "short-title",
            Self::LongTitle => "long-title",
            Self::MissingMetaDescription => "missing-meta-description",
            Self::ShortMetaDescription => "short-meta-description",
            Self::LongMetaDescription => "long-meta-description",
            Self::NoH1 => "no-h1",
            Self::MultipleH1 => "multiple-h1",
            Self::ImagesWithoutAlt => "images-without-alt",
            Self::StaleCopyright => "stale-copyright",
            Self::HeavyPage => "heavy-page",
            Self::SlowResponse => "slow-response",
            Self::RenderBlockingScripts => "render-blocking-scripts",
            Self::NoStructuredData => "no-structured-data",
            Self::NoOpenGraph => "no-open-graph",
            Self::NoFavicon => "no-favicon",
            Self::NoRobotsTxt => "no-robots-txt",
            Self::NoSitemap => "no-sitemap",
            Self::Noindex => "noindex",
            Self::RobotsBlocksSite => "robots-blocks-site",
            Self::CanonicalInvalid => "canonical-invalid",
            Self::HreflangInvalid => "hreflang-invalid",
            Self::LinkText => "link-text",
            Self::UncrawlableLinks => "uncrawlable-links",
            Self::NoDoctype => "no-doctype",
            Self::NoCharset => "no-charset",
            Self::NoLang => "no-lang",
            Self::ZoomDisabled => "zoom-disabled",
            Self::MetaRefresh => "meta-refresh",
            Self::NoCsp => "no-csp",
            Self::NoFrameProtection => "no-frame-protection",
            Self::NoCoop => "no-coop",
            Self::Outdated(id) | Self::Eol(id) | Self::Other(id) => id,
        }
    }
}

impl From<String> for IssueId {
    fn from(id: String) -> Self {
        if let Some(known) = Self::FIXED.iter().find(|k| k.as_str() == id) {
            known.clone()
        } else if id.starts_with("outdated-") {
            Self::Outdated(id)
        } else if id.starts_with("eol-") {
            Self::Eol(id)
        } else {
            Self::Other(id)
        }
    }
}

impl From<&str> for IssueId {
    fn from(id: &str) -> Self {
        Self::from(id.to_owned())
    }
}

impl std::str::FromStr for IssueId {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::from(s))
    }
}

impl fmt::Display for IssueId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq for IssueId {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for IssueId {}

impl Hash for IssueId {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

/// Equality and hashing follow the text, so ids can be looked up and joined as strings.
impl Borrow<str> for IssueId {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl Serialize for IssueId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for IssueId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::from)
    }
}

/// The quality checks, listed with their issue ids in `docs/scoring.md`. `None` means "could
/// not be checked".
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
    /// robots.txt disallows `/` for every crawler (or for ours).
    pub robots_blocks_site: Option<bool>,
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

/// Registration facts of the registrable domain (`docs/domain-age.md`).
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

impl Grade {
    /// `HOT`, `WARM` or `COLD`: the spelling of results, reasons and the store.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Hot => "HOT",
            Self::Warm => "WARM",
            Self::Cold => "COLD",
        }
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Grade {
    type Err = ParseGradeError;

    /// Reads `HOT`, `WARM` or `COLD`, as written by [`Grade::as_str`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Self::Hot, Self::Warm, Self::Cold]
            .into_iter()
            .find(|g| g.as_str() == s)
            .ok_or_else(|| ParseGradeError(s.to_owned()))
    }
}

/// A string that is not `HOT`, `WARM` or `COLD`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown grade `{0}`")]
pub struct ParseGradeError(String);

/// The grade and its points, every point with its reason (`docs/scoring.md`).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_ids_serialize_as_their_text_and_read_back() {
        for id in IssueId::FIXED {
            let json = serde_json::to_string(id).expect("serialize");
            assert_eq!(json, format!("\"{}\"", id.as_str()));
            let back: IssueId = serde_json::from_str(&json).expect("deserialize");
            assert_eq!(back.as_str(), id.as_str());
            assert_eq!(
                std::mem::discriminant(&back),
                std::mem::discriminant(id),
                "{id} reads back as the same variant"
            );
        }
    }

    #[test]
    fn software_and_unknown_ids_are_kept_as_written() {
        let read = |s: &str| serde_json::from_str::<IssueId>(&format!("\"{s}\"")).expect(s);
        assert!(matches!(read("outdated-jquery"), IssueId::Outdated(_)));
        assert_eq!(read("outdated-jquery"), IssueId::outdated("jquery"));
        assert_eq!(read("eol-php"), IssueId::eol("php"));
        let gone = read("no-flash-player");
        assert!(matches!(gone, IssueId::Other(_)));
        assert_eq!(
            serde_json::to_string(&gone).expect("serialize"),
            "\"no-flash-player\""
        );
    }

    #[test]
    fn an_old_audit_with_an_unknown_issue_still_reads() {
        let json = r#"{"https":true,"outdatedLibraries":[],"eolSoftware":[],"issues":[
            {"id":"no-viewport","severity":"high","message":"m"},
            {"id":"retired-check","severity":"low","message":"m"}]}"#;
        let report: AuditReport = serde_json::from_str(json).expect("old report");
        assert_eq!(report.issues[0].id, IssueId::NoViewport);
        assert_eq!(report.issues[1].id.as_str(), "retired-check");
    }

    #[test]
    fn grade_text_matches_serde_and_parses_back() {
        for g in [Grade::Hot, Grade::Warm, Grade::Cold] {
            let json = serde_json::to_string(&g).expect("serialize");
            assert_eq!(json, format!("\"{g}\""));
            assert_eq!(g.as_str().parse(), Ok(g));
        }
        assert_eq!(
            "hot".parse::<Grade>().map_err(|e| e.to_string()),
            Err("unknown grade `hot`".to_owned())
        );
    }
}
