//! The indexability and best-practice checks of the site report: the home page's markup
//! facts, its response headers and robots.txt made into issues.

use url::Url;

use super::markup::{charset_in, example, forbids_indexing, MarkupFacts};
use super::report::{Issues, SiteFacts};
use crate::fetch::robots::RootRule;
use crate::result::{AuditReport, IssueId, Severity};

/// Directives whose value follows a colon, so a colon after them does not name a crawler.
const VALUE_DIRECTIVES: &[&str] = &[
    "unavailable_after",
    "max-snippet",
    "max-image-preview",
    "max-video-preview",
];

/// Can search engines find the home page, and follow it to the others?
pub(super) fn indexability(is: &mut Issues, site: &SiteFacts<'_>, r: &mut AuditReport) {
    use Severity::{High, Low, Medium};
    let m = &site.home.markup;
    let header = x_robots_noindex(site.headers);
    let noindex = m
        .noindex_meta
        .as_deref()
        .map(|meta| format!("meta {meta}"))
        .or_else(|| header.map(|v| format!("X-Robots-Tag: {}", example(v))));
    if let Some(evidence) = noindex {
        is.raise(true, IssueId::Noindex, High, || {
            format!("the home page tells search engines not to index it ({evidence})")
        });
    }
    r.robots_blocks_site = site.robots_root.map(|rule| rule != RootRule::Allowed);
    if let Some(RootRule::Disallowed(agent)) = site.robots_root {
        is.raise(true, IssueId::RobotsBlocksSite, High, || {
            let who = if agent == "*" {
                "every crawler without a group of its own"
            } else {
                agent
            };
            format!("robots.txt disallows / for {who} (User-agent: {agent})")
        });
    }
    if let Some(problem) = canonical_problem(&m.canonicals, site.final_url) {
        is.raise(true, IssueId::CanonicalInvalid, Medium, || problem);
    }
    is.raise(
        m.hreflang_invalid > 0,
        IssueId::HreflangInvalid,
        Low,
        || {
            format!(
                "{} hreflang links have an invalid language code or a relative href, e.g. {}",
                m.hreflang_invalid,
                m.hreflang_example.as_deref().unwrap_or("?")
            )
        },
    );
    is.raise(m.vague_links > 0, IssueId::LinkText, Low, || {
        format!(
            "{} links say nothing about where they go, e.g. \"{}\"",
            m.vague_links,
            m.vague_link_example.as_deref().unwrap_or("?")
        )
    });
    is.raise(
        m.uncrawlable_links > 0,
        IssueId::UncrawlableLinks,
        Low,
        || {
            format!(
                "{} links have no address search engines can follow, e.g. {}",
                m.uncrawlable_links,
                m.uncrawlable_example.as_deref().unwrap_or("?")
            )
        },
    );
}

/// Doctype, charset, lang, zoom, refresh and the security headers browsers act on.
pub(super) fn best_practices(is: &mut Issues, site: &SiteFacts<'_>) {
    use Severity::{Low, Medium};
    let m: &MarkupFacts = &site.home.markup;
    is.raise(!m.doctype, IssueId::NoDoctype, Low, || {
        "the home page has no doctype: browsers render it in quirks mode".into()
    });
    is.raise(m.doctype && m.quirks_mode, IssueId::NoDoctype, Low, || {
        "the home page has a legacy doctype: browsers render it in quirks mode".into()
    });
    let content_type = header(site.headers, "content-type");
    let charset = m.charset_declared || content_type.and_then(charset_in).is_some();
    is.raise(!charset, IssueId::NoCharset, Low, || {
        let seen = content_type.map_or_else(
            || "no Content-Type header".to_owned(),
            |ct| format!("Content-Type: {}", example(ct)),
        );
        format!("no character encoding declared, neither <meta charset> nor in the header ({seen})")
    });
    is.raise(m.lang.is_none(), IssueId::NoLang, Low, || {
        "<html> has no lang attribute: screen readers and translators guess the language".into()
    });
    if let Some(viewport) = &m.zoom_disabled {
        is.raise(true, IssueId::ZoomDisabled, Medium, || {
            format!("the viewport meta stops people zooming in (content=\"{viewport}\")")
        });
    }
    if let Some(refresh) = &m.meta_refresh {
        is.raise(true, IssueId::MetaRefresh, Medium, || {
            format!("the home page reloads or redirects itself with <meta http-equiv=\"refresh\" content=\"{refresh}\">")
        });
    }
    let csp = header(site.headers, "content-security-policy").filter(|v| !v.trim().is_empty());
    is.raise(csp.is_none() && !m.csp_meta, IssueId::NoCsp, Low, || {
        "no Content-Security-Policy: nothing limits what scripts the page may run".into()
    });
    // frame-ancestors only counts in a header: browsers ignore it in a <meta> policy.
    let xfo = header(site.headers, "x-frame-options");
    let xfo_valid = xfo.is_some_and(|v| {
        let v = v.trim();
        v.eq_ignore_ascii_case("deny") || v.eq_ignore_ascii_case("sameorigin")
    });
    let frame_ancestors = site
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("content-security-policy"))
        .any(|(_, v)| has_frame_ancestors(v));
    is.raise(
        !xfo_valid && !frame_ancestors,
        IssueId::NoFrameProtection,
        Low,
        || match xfo {
            Some(v) => format!(
                "X-Frame-Options: {} is neither DENY nor SAMEORIGIN, and no CSP frame-ancestors: other sites can frame the page",
                example(v.trim())
            ),
            None => "neither X-Frame-Options nor a CSP frame-ancestors directive: other sites can frame the page".into(),
        },
    );
    // Browsers apply COOP only to secure (https) pages.
    if site.final_url.scheme() == "https" {
        let coop = header(site.headers, "cross-origin-opener-policy").map(str::trim);
        let isolated =
            coop.is_some_and(|v| !v.is_empty() && !v.eq_ignore_ascii_case("unsafe-none"));
        is.raise(!isolated, IssueId::NoCoop, Low, || match coop {
            Some(v) if !v.is_empty() => format!(
                "Cross-Origin-Opener-Policy: {} leaves the page sharing its window with pages it opens",
                example(v)
            ),
            _ => "no Cross-Origin-Opener-Policy header".into(),
        });
    }
}

/// The first value of header `name` (headers are lowercased, compared loosely anyway).
fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The `X-Robots-Tag` value that keeps the page out of search results for every crawler or
/// for Googlebot (`noindex`, `none`, `googlebot: noindex`).
fn x_robots_noindex(headers: &[(String, String)]) -> Option<&str> {
    headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("x-robots-tag"))
        .map(|(_, v)| v.as_str())
        .find(|v| header_forbids_indexing(v))
}

/// Reads `X-Robots-Tag` directives, where `crawler: d1, d2` makes the directives that follow
/// apply to that crawler only.
fn header_forbids_indexing(value: &str) -> bool {
    let mut applies = true;
    for part in value.split(',') {
        let mut directive = part.trim();
        if let Some((name, rest)) = directive.split_once(':') {
            let name = name.trim();
            if !VALUE_DIRECTIVES
                .iter()
                .any(|d| d.eq_ignore_ascii_case(name))
            {
                applies = name.eq_ignore_ascii_case("googlebot");
                directive = rest.trim();
            }
        }
        if applies && forbids_indexing(directive) {
            return true;
        }
    }
    false
}

/// A CSP header value with a `frame-ancestors` directive.
fn has_frame_ancestors(csp: &str) -> bool {
    csp.split([';', ','])
        .filter_map(|d| d.split_ascii_whitespace().next())
        .any(|name| name.eq_ignore_ascii_case("frame-ancestors"))
}

/// What is wrong with the home page's canonical links, when anything is.
fn canonical_problem(canonicals: &[String], page: &Url) -> Option<String> {
    let mut resolved: Vec<Url> = Vec::with_capacity(canonicals.len());
    for raw in canonicals {
        let shown = example(raw);
        if raw.is_empty() {
            return Some("the canonical link has no URL (empty or missing href)".into());
        }
        let Ok(url) = page.join(raw) else {
            return Some(format!(
                "the canonical link \"{shown}\" cannot be read as a URL"
            ));
        };
        if !matches!(url.scheme(), "http" | "https") {
            return Some(format!(
                "the canonical link \"{shown}\" is not an http(s) URL"
            ));
        }
        if site_of(&url) != site_of(page) {
            return Some(format!(
                "the canonical link points to another site ({shown}): search engines credit that site with the home page"
            ));
        }
        if !resolved.contains(&url) {
            resolved.push(url);
        }
    }
    (resolved.len() > 1).then(|| {
        let list: Vec<String> = resolved.iter().map(|u| example(u.as_str())).collect();
        format!(
            "the home page declares {} different canonical URLs ({})",
            resolved.len(),
            list.join(", ")
        )
    })
}

/// The registrable domain of `url`'s host (`www.acme.co.uk` → `acme.co.uk`), else the host.
fn site_of(url: &Url) -> Option<String> {
    let host = url.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    Some(psl::domain_str(&host).unwrap_or(&host).to_owned())
}

#[cfg(test)]
mod tests;
