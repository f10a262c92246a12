//! Site report: the checks listed in `docs/scoring.md` and the issues they raise.

use chrono::{DateTime, Datelike, Utc};
use url::Url;

use super::eol::{check_software, List};
use super::indexing::{best_practices, indexability};
use super::PageFacts;
use crate::fetch::robots::RootRule;
use crate::result::{AuditIssue, AuditReport, IssueId, Severity, Technology};

/// Titles shorter than this say too little to searchers.
pub const TITLE_MIN_CHARS: usize = 10;
/// Search results cut titles longer than this.
pub const TITLE_MAX_CHARS: usize = 65;
/// Descriptions shorter than this say too little.
pub const DESCRIPTION_MIN_CHARS: usize = 50;
/// Search results cut descriptions longer than this.
pub const DESCRIPTION_MAX_CHARS: usize = 160;
/// Home page HTML heavier than this (bytes) is a heavy page; the median is tens of KB.
pub const HEAVY_PAGE_BYTES: u64 = 1_000_000;
/// Home page slower than this (fetch of the whole HTML) is slow.
pub const SLOW_RESPONSE_MS: u64 = 2_000;
/// A certificate expiring within this many days is a problem: automated renewal would
/// have replaced it already.
pub const CERT_WARNING_DAYS: i64 = 14;

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
    /// What robots.txt says about `/` (None: not checked).
    pub robots_root: Option<RootRule>,
    /// A sitemap exists (None: not checked).
    pub sitemap_xml: Option<bool>,
    /// `/favicon.ico` exists (None: not checked).
    pub favicon_ico: Option<bool>,
    /// Technologies detected over the site.
    pub technologies: &'a [Technology],
    /// Now, for the copyright year and certificate checks.
    pub now: DateTime<Utc>,
}

/// Collects issues in check order.
pub(super) struct Issues(Vec<AuditIssue>);

impl Issues {
    pub(super) fn raise(
        &mut self,
        failed: bool,
        id: IssueId,
        severity: Severity,
        message: impl FnOnce() -> String,
    ) {
        if failed {
            self.0.push(AuditIssue {
                id,
                severity,
                message: message(),
            });
        }
    }
}

/// Runs every check and lists the failing ones as issues.
pub fn build_report(site: &SiteFacts<'_>) -> AuditReport {
    use Severity::{High, Low, Medium};
    let home = site.home;
    let mut r = AuditReport::default();
    let mut is = Issues(Vec::new());

    // Transport security.
    let https = site.final_url.scheme() == "https";
    r.https = Some(https);
    is.raise(!https, IssueId::NoHttps, High, || {
        "the site is served over plain http, and browsers mark it \"Not secure\"".into()
    });
    r.redirects_to_https = site.redirects_to_https;
    // On a plain-http site the redirect is part of `no-https`.
    is.raise(
        https && site.redirects_to_https == Some(false),
        IssueId::NoHttpsRedirect,
        Medium,
        || "http:// addresses of the site do not redirect to https".into(),
    );
    if https {
        r.certificate_expires_at = site.certificate_expires_at;
        r.certificate_days_left = site
            .certificate_expires_at
            .map(|t| (t - site.now).num_days());
        if let (Some(left), Some(at)) = (r.certificate_days_left, site.certificate_expires_at) {
            let date = at.format("%Y-%m-%d");
            let expired = at <= site.now;
            is.raise(expired, IssueId::CertificateExpired, High, || {
                format!("the TLS certificate expired on {date}")
            });
            is.raise(
                !expired && left < CERT_WARNING_DAYS,
                IssueId::CertificateExpiring,
                Medium,
                || format!("the TLS certificate expires on {date}, in {left} days"),
            );
        }
        let hsts = site
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("strict-transport-security"));
        r.hsts = Some(hsts);
        is.raise(!hsts, IssueId::NoHsts, Low, || {
            "no Strict-Transport-Security header".into()
        });
        r.mixed_content = Some(home.mixed_content);
        is.raise(
            home.mixed_content > 0,
            IssueId::MixedContent,
            Medium,
            || {
                format!(
                    "{} resources load over plain http on an https page",
                    home.mixed_content
                )
            },
        );
    }

    // Mobile and content basics.
    r.viewport = Some(home.viewport);
    is.raise(!home.viewport, IssueId::NoViewport, High, || {
        "no viewport meta tag: the site is not built for phones".into()
    });
    r.title = home.title.clone();
    text_checks(&mut is, home.title.as_deref(), TITLE);
    r.meta_description = home.meta_description.clone();
    text_checks(&mut is, home.meta_description.as_deref(), DESCRIPTION);
    r.h1_count = Some(home.h1_count);
    is.raise(home.h1_count == 0, IssueId::NoH1, Medium, || {
        "the home page has no <h1> heading".into()
    });
    is.raise(home.h1_count > 1, IssueId::MultipleH1, Low, || {
        format!("the home page has {} <h1> headings", home.h1_count)
    });
    r.image_count = Some(home.image_count);
    r.images_without_alt = Some(home.images_without_alt);
    is.raise(
        home.images_without_alt > 0,
        IssueId::ImagesWithoutAlt,
        Low,
        || {
            format!(
                "{} of {} images have no alt text",
                home.images_without_alt, home.image_count
            )
        },
    );
    r.copyright_year = home.copyright_year;
    if let Some(year) = home.copyright_year {
        is.raise(
            year < site.now.year() - 1,
            IssueId::StaleCopyright,
            Medium,
            || format!("the copyright notice says {year}: the site looks unmaintained"),
        );
    }

    // Speed.
    r.page_weight_bytes = Some(site.page_weight_bytes);
    is.raise(
        site.page_weight_bytes > HEAVY_PAGE_BYTES,
        IssueId::HeavyPage,
        Medium,
        || {
            format!(
                "the home page HTML weighs {} KB",
                site.page_weight_bytes / 1000
            )
        },
    );
    r.response_time_ms = Some(site.response_time_ms);
    is.raise(
        site.response_time_ms > SLOW_RESPONSE_MS,
        IssueId::SlowResponse,
        Medium,
        || {
            format!(
                "the home page took {:.1} s to load",
                site.response_time_ms as f64 / 1000.0
            )
        },
    );
    r.render_blocking_scripts = Some(home.render_blocking_scripts);
    is.raise(
        home.render_blocking_scripts > 0,
        IssueId::RenderBlockingScripts,
        Low,
        || {
            format!(
                "{} scripts in <head> block rendering (no async or defer)",
                home.render_blocking_scripts
            )
        },
    );

    // Discoverability.
    r.structured_data = Some(home.structured_data);
    is.raise(
        !home.structured_data,
        IssueId::NoStructuredData,
        Low,
        || "no structured data (JSON-LD or microdata) for search engines".into(),
    );
    r.open_graph = Some(home.open_graph);
    is.raise(!home.open_graph, IssueId::NoOpenGraph, Low, || {
        "no Open Graph tags: shared links show no preview".into()
    });
    r.favicon = if home.favicon_declared {
        Some(true)
    } else {
        site.favicon_ico
    };
    is.raise(r.favicon == Some(false), IssueId::NoFavicon, Low, || {
        "no favicon".into()
    });
    r.robots_txt = site.robots_txt;
    is.raise(
        site.robots_txt == Some(false),
        IssueId::NoRobotsTxt,
        Low,
        || "no /robots.txt".into(),
    );
    r.sitemap_xml = site.sitemap_xml;
    is.raise(
        site.sitemap_xml == Some(false),
        IssueId::NoSitemap,
        Low,
        || "no sitemap (/sitemap.xml or in robots.txt)".into(),
    );
    r.contact_form = Some(home.contact_form);
    indexability(&mut is, site, &mut r);
    best_practices(&mut is, site);

    // Software.
    let mut techs = site.technologies.to_vec();
    if home.aspnet_webforms && !techs.iter().any(|t| t.name == "ASP.NET Web Forms") {
        techs.push(Technology {
            name: "ASP.NET Web Forms".into(),
            version: None,
            categories: vec!["Web frameworks".into()],
            confidence: 100,
            evidence: vec![lead_audit_detect::Evidence::Dom],
            cpe: None,
        });
    }
    for f in check_software(&techs, site.now.date_naive()) {
        match f.list {
            List::Outdated => r.outdated_libraries.push(f.label),
            List::Eol => r.eol_software.push(f.label),
        }
        is.0.push(f.issue);
    }

    r.issues = is.0;
    r
}

/// A length check on a text of the home page: the issues it raises and its bounds.
struct TextRule {
    /// What the text is called in messages.
    label: &'static str,
    /// Raised when the text is absent, with its severity.
    missing: (IssueId, Severity),
    /// Raised when the text is shorter than `min` characters.
    short: IssueId,
    /// Raised when the text is longer than `max` characters.
    long: IssueId,
    min: usize,
    max: usize,
}

const TITLE: TextRule = TextRule {
    label: "title",
    missing: (IssueId::MissingTitle, Severity::High),
    short: IssueId::ShortTitle,
    long: IssueId::LongTitle,
    min: TITLE_MIN_CHARS,
    max: TITLE_MAX_CHARS,
};

const DESCRIPTION: TextRule = TextRule {
    label: "meta description",
    missing: (IssueId::MissingMetaDescription, Severity::Medium),
    short: IssueId::ShortMetaDescription,
    long: IssueId::LongMetaDescription,
    min: DESCRIPTION_MIN_CHARS,
    max: DESCRIPTION_MAX_CHARS,
};

/// Missing / too short / too long for the title and the meta description.
fn text_checks(is: &mut Issues, text: Option<&str>, rule: TextRule) {
    let TextRule {
        label,
        missing: (missing, severity),
        short,
        long,
        min,
        max,
    } = rule;
    let Some(text) = text else {
        is.raise(true, missing, severity, || {
            format!("the home page has no {label}")
        });
        return;
    };
    let n = text.chars().count();
    is.raise(n < min, short, Severity::Low, || {
        format!("the {label} is {n} characters long (under {min})")
    });
    is.raise(n > max, long, Severity::Low, || {
        format!("the {label} is {n} characters long (over {max})")
    });
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::audit::MarkupFacts;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0)
            .single()
            .expect("date")
    }

    /// A page and site that pass every check.
    fn good_page() -> PageFacts {
        PageFacts {
            title: Some("Acme Plumbing — plumbers in Springfield".into()),
            meta_description: Some(
                "Family-run plumbers in Springfield: repairs, boilers and emergencies, day and night."
                    .into(),
            ),
            viewport: true,
            h1_count: 1,
            image_count: 3,
            images_without_alt: 0,
            copyright_year: Some(2026),
            render_blocking_scripts: 0,
            structured_data: true,
            open_graph: true,
            favicon_declared: true,
            mixed_content: 0,
            contact_form: true,
            aspnet_webforms: false,
            markup: MarkupFacts {
                canonicals: vec!["https://acme.example/".into()],
                doctype: true,
                charset_declared: true,
                lang: Some("en".into()),
                ..MarkupFacts::default()
            },
        }
    }

    /// Headers that pass every header check.
    fn good_headers() -> Vec<(String, String)> {
        [
            ("strict-transport-security", "max-age=63072000"),
            (
                "content-security-policy",
                "default-src 'self'; frame-ancestors 'none'",
            ),
            ("cross-origin-opener-policy", "same-origin"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .to_vec()
    }

    /// [`good_headers`] without `name`.
    fn good_headers_but(name: &str) -> Vec<(String, String)> {
        let mut h = good_headers();
        h.retain(|(k, _)| k != name);
        h
    }

    struct Site {
        home: PageFacts,
        url: Url,
        headers: Vec<(String, String)>,
        redirects: Option<bool>,
        cert: Option<DateTime<Utc>>,
        time_ms: u64,
        bytes: u64,
        robots: Option<bool>,
        robots_root: Option<RootRule>,
        sitemap: Option<bool>,
        favicon_ico: Option<bool>,
        techs: Vec<Technology>,
    }

    impl Default for Site {
        fn default() -> Self {
            Self {
                home: good_page(),
                url: Url::parse("https://acme.example/").expect("url"),
                headers: good_headers(),
                redirects: Some(true),
                cert: Some(now() + chrono::Duration::days(60)),
                time_ms: 300,
                bytes: 40_000,
                robots: Some(true),
                robots_root: Some(RootRule::Allowed),
                sitemap: Some(true),
                favicon_ico: None,
                techs: vec![],
            }
        }
    }

    impl Site {
        fn report(&self) -> AuditReport {
            build_report(&SiteFacts {
                home: &self.home,
                final_url: &self.url,
                headers: &self.headers,
                redirects_to_https: self.redirects,
                certificate_expires_at: self.cert,
                response_time_ms: self.time_ms,
                page_weight_bytes: self.bytes,
                robots_txt: self.robots,
                robots_root: self.robots_root,
                sitemap_xml: self.sitemap,
                favicon_ico: self.favicon_ico,
                technologies: &self.techs,
                now: now(),
            })
        }

        fn ids(&self) -> Vec<IssueId> {
            self.report().issues.into_iter().map(|i| i.id).collect()
        }
    }

    #[test]
    fn a_good_site_raises_nothing() {
        let r = Site::default().report();
        assert!(r.issues.is_empty(), "{:?}", r.issues);
        assert_eq!(r.https, Some(true));
        assert_eq!(r.hsts, Some(true));
        assert_eq!(r.certificate_days_left, Some(60));
        assert_eq!(r.favicon, Some(true));
        assert_eq!(r.contact_form, Some(true));
        assert_eq!(r.robots_blocks_site, Some(false));
    }

    #[test]
    fn plain_http_site() {
        let site = Site {
            url: Url::parse("http://acme.example/").expect("url"),
            redirects: Some(false),
            cert: None,
            headers: good_headers_but("strict-transport-security"),
            ..Site::default()
        };
        let r = site.report();
        assert_eq!(site.ids(), [IssueId::NoHttps]);
        assert_eq!(r.hsts, None, "HSTS does not apply to plain http");
        assert_eq!(r.mixed_content, None);
        assert_eq!(r.certificate_days_left, None);
    }

    #[test]
    fn https_without_redirect_or_hsts() {
        let site = Site {
            redirects: Some(false),
            headers: good_headers_but("strict-transport-security"),
            ..Site::default()
        };
        assert_eq!(site.ids(), [IssueId::NoHttpsRedirect, IssueId::NoHsts]);
        let unchecked = Site {
            redirects: None,
            ..Site::default()
        };
        assert!(unchecked.ids().is_empty());
    }

    #[test]
    fn certificate_expiry() {
        let expired = Site {
            cert: Some(now() - chrono::Duration::days(3)),
            ..Site::default()
        };
        assert_eq!(expired.ids(), [IssueId::CertificateExpired]);
        assert_eq!(expired.report().certificate_days_left, Some(-3));
        let soon = Site {
            cert: Some(now() + chrono::Duration::days(5)),
            ..Site::default()
        };
        assert_eq!(soon.ids(), [IssueId::CertificateExpiring]);
        let unknown = Site {
            cert: None,
            ..Site::default()
        };
        assert!(unknown.ids().is_empty());
    }

    #[test]
    fn page_content_checks() {
        let mut site = Site::default();
        site.home.viewport = false;
        site.home.title = None;
        site.home.meta_description = Some("Plumbers.".into());
        site.home.h1_count = 0;
        site.home.images_without_alt = 2;
        site.home.mixed_content = 1;
        assert_eq!(
            site.ids(),
            [
                IssueId::MixedContent,
                IssueId::NoViewport,
                IssueId::MissingTitle,
                IssueId::ShortMetaDescription,
                IssueId::NoH1,
                IssueId::ImagesWithoutAlt
            ]
        );
        let mut site = Site::default();
        site.home.title = Some("x".repeat(TITLE_MAX_CHARS + 1));
        site.home.meta_description = None;
        site.home.h1_count = 3;
        assert_eq!(
            site.ids(),
            [
                IssueId::LongTitle,
                IssueId::MissingMetaDescription,
                IssueId::MultipleH1
            ]
        );
        let mut site = Site::default();
        site.home.title = Some("Home".into());
        site.home.meta_description = Some("é".repeat(DESCRIPTION_MAX_CHARS + 1));
        assert_eq!(
            site.ids(),
            [IssueId::ShortTitle, IssueId::LongMetaDescription]
        );
    }

    #[test]
    fn copyright_is_stale_before_last_year() {
        let year = |y: Option<i32>| {
            let mut site = Site::default();
            site.home.copyright_year = y;
            site.ids()
        };
        assert!(year(Some(2026)).is_empty());
        assert!(year(Some(2025)).is_empty());
        assert_eq!(year(Some(2024)), [IssueId::StaleCopyright]);
        assert_eq!(year(Some(2019)), [IssueId::StaleCopyright]);
        assert!(year(None).is_empty());
    }

    #[test]
    fn speed_checks() {
        let site = Site {
            time_ms: SLOW_RESPONSE_MS + 1,
            bytes: HEAVY_PAGE_BYTES + 1,
            ..Site::default()
        };
        assert_eq!(site.ids(), [IssueId::HeavyPage, IssueId::SlowResponse]);
        let edge = Site {
            time_ms: SLOW_RESPONSE_MS,
            bytes: HEAVY_PAGE_BYTES,
            ..Site::default()
        };
        assert!(edge.ids().is_empty());
        let mut blocking = Site::default();
        blocking.home.render_blocking_scripts = 2;
        assert_eq!(blocking.ids(), [IssueId::RenderBlockingScripts]);
    }

    #[test]
    fn discoverability_checks() {
        let mut site = Site {
            robots: Some(false),
            sitemap: Some(false),
            favicon_ico: Some(false),
            ..Site::default()
        };
        site.home.structured_data = false;
        site.home.open_graph = false;
        site.home.favicon_declared = false;
        assert_eq!(
            site.ids(),
            [
                IssueId::NoStructuredData,
                IssueId::NoOpenGraph,
                IssueId::NoFavicon,
                IssueId::NoRobotsTxt,
                IssueId::NoSitemap
            ]
        );
        // /favicon.ico alone is enough; unchecked raises nothing.
        site.favicon_ico = Some(true);
        assert_eq!(site.report().favicon, Some(true));
        site.favicon_ico = None;
        site.robots = None;
        site.sitemap = None;
        assert_eq!(
            site.ids(),
            [IssueId::NoStructuredData, IssueId::NoOpenGraph]
        );
    }

    #[test]
    fn outdated_and_eol_software() {
        let t = |name: &str, v: &str| Technology {
            name: name.into(),
            version: Some(v.into()),
            categories: vec![],
            confidence: 100,
            evidence: vec![],
            cpe: None,
        };
        let mut site = Site {
            techs: vec![
                t("jQuery", "1.12.4"),
                t("PHP", "7.4.33"),
                t("Nginx", "1.25.3"),
            ],
            ..Site::default()
        };
        site.home.aspnet_webforms = true;
        let r = site.report();
        assert_eq!(r.outdated_libraries, ["jQuery 1.12.4", "ASP.NET Web Forms"]);
        assert_eq!(r.eol_software, ["PHP 7.4.33"]);
        let ids: Vec<_> = r.issues.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(
            ids,
            ["outdated-jquery", "eol-php", "outdated-asp-net-web-forms"]
        );
    }
}
