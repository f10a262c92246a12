use chrono::Utc;
use proptest::prelude::*;

use super::*;
use crate::audit::{build_report, page_facts, PageFacts};
use crate::parse::{parse_document, Budget};
use crate::result::AuditIssue;

/// The ids this module raises.
const OURS: &[IssueId] = &[
    IssueId::Noindex,
    IssueId::RobotsBlocksSite,
    IssueId::CanonicalInvalid,
    IssueId::HreflangInvalid,
    IssueId::LinkText,
    IssueId::UncrawlableLinks,
    IssueId::NoDoctype,
    IssueId::NoCharset,
    IssueId::NoLang,
    IssueId::ZoomDisabled,
    IssueId::MetaRefresh,
    IssueId::NoCsp,
    IssueId::NoFrameProtection,
    IssueId::NoCoop,
];

/// A home page passing every check of this module.
const CLEAN: &str = r#"<!doctype html><html lang="en"><head><meta charset="utf-8">
    <title>Acme</title><link rel="canonical" href="https://acme.example/">
    <meta name="viewport" content="width=device-width, initial-scale=1"></head>
    <body><a href="/services">Our services</a></body></html>"#;

/// Headers passing every header check.
const SECURE: &[(&str, &str)] = &[
    ("content-type", "text/html"),
    (
        "content-security-policy",
        "default-src 'self'; frame-ancestors 'self'",
    ),
    ("cross-origin-opener-policy", "same-origin"),
];

struct Case<'a> {
    html: &'a str,
    headers: &'a [(&'a str, &'a str)],
    url: &'a str,
    robots: Option<RootRule>,
}

impl Default for Case<'_> {
    fn default() -> Self {
        Self {
            html: CLEAN,
            headers: SECURE,
            url: "https://acme.example/",
            robots: Some(RootRule::Allowed),
        }
    }
}

impl Case<'_> {
    fn report(&self) -> AuditReport {
        let url = Url::parse(self.url).expect("url");
        let home = facts(self.html, &url);
        let headers: Vec<(String, String)> = self
            .headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        build_report(&SiteFacts {
            home: &home,
            final_url: &url,
            headers: &headers,
            redirects_to_https: Some(true),
            certificate_expires_at: None,
            response_time_ms: 100,
            page_weight_bytes: 1000,
            robots_txt: Some(true),
            robots_root: self.robots,
            sitemap_xml: Some(true),
            favicon_ico: Some(true),
            technologies: &[],
            now: Utc::now(),
        })
    }

    /// The issues of this module raised, in order.
    fn issues(&self) -> Vec<AuditIssue> {
        self.report()
            .issues
            .into_iter()
            .filter(|i| OURS.contains(&i.id))
            .collect()
    }

    fn ids(&self) -> Vec<IssueId> {
        self.issues().into_iter().map(|i| i.id).collect()
    }

    /// The one issue of this module raised.
    fn only(&self) -> AuditIssue {
        let mut issues = self.issues();
        assert_eq!(issues.len(), 1, "{issues:?}");
        issues.remove(0)
    }
}

fn facts(html: &str, url: &Url) -> PageFacts {
    page_facts(&parse_document(html, &Budget::unlimited()).doc, url)
}

/// `CLEAN` with `extra` at the end of `<head>`.
fn head(extra: &str) -> String {
    CLEAN.replace("</head>", &format!("{extra}</head>"))
}

/// `CLEAN` with `extra` in the body.
fn body(extra: &str) -> String {
    CLEAN.replace("</body>", &format!("{extra}</body>"))
}

#[test]
fn a_clean_page_with_secure_headers_raises_nothing() {
    assert_eq!(Case::default().ids(), []);
    assert_eq!(Case::default().report().robots_blocks_site, Some(false));
}

#[test]
fn noindex_meta() {
    for meta in [
        r#"<meta name="robots" content="noindex">"#,
        r#"<meta name="ROBOTS" content="NOINDEX, NOFOLLOW">"#,
        r#"<META NAME=" Googlebot " CONTENT=" index ,  NoIndex ">"#,
        r#"<meta name="robots" content="none">"#,
    ] {
        let html = head(meta);
        let issue = Case {
            html: &html,
            ..Case::default()
        }
        .only();
        assert_eq!(issue.id, IssueId::Noindex, "{meta}");
        assert_eq!(issue.severity, Severity::High);
        assert!(issue.message.contains("meta "), "{}", issue.message);
    }
    for meta in [
        r#"<meta name="description" content="We never noindex anything">"#,
        r#"<meta name="robots" content="index, follow">"#,
        r#"<meta name="robots" content="noindexing">"#,
        r#"<meta name="bingbot" content="noindex">"#,
        r#"<meta property="robots" content="noindex">"#,
    ] {
        let html = head(meta);
        let case = Case {
            html: &html,
            ..Case::default()
        };
        assert_eq!(case.ids(), [], "{meta}");
    }
}

#[test]
fn noindex_header() {
    for value in [
        "noindex",
        "NOINDEX, NOFOLLOW",
        "none",
        "googlebot: noindex",
        "unavailable_after: 2030-01-01, noindex",
        "otherbot: nofollow, googlebot: none",
    ] {
        let headers = [SECURE, &[("x-robots-tag", value)]].concat();
        let issue = Case {
            headers: &headers,
            ..Case::default()
        }
        .only();
        assert_eq!(issue.id, IssueId::Noindex, "{value}");
        assert!(
            issue.message.contains(&format!("X-Robots-Tag: {value}")),
            "{}",
            issue.message
        );
    }
    for value in [
        "nofollow",
        "otherbot: noindex",
        "max-snippet: 20",
        "noarchive, nosnippet",
    ] {
        let headers = [SECURE, &[("x-robots-tag", value)]].concat();
        let case = Case {
            headers: &headers,
            ..Case::default()
        };
        assert_eq!(case.ids(), [], "{value}");
    }
}

#[test]
fn robots_blocking_the_site() {
    let blocked = Case {
        robots: Some(RootRule::Disallowed("*")),
        ..Case::default()
    };
    let issue = blocked.only();
    assert_eq!(issue.id, IssueId::RobotsBlocksSite);
    assert_eq!(issue.severity, Severity::High);
    assert!(issue.message.contains("User-agent: *"), "{}", issue.message);
    assert_eq!(blocked.report().robots_blocks_site, Some(true));
    let ours = Case {
        robots: Some(RootRule::Disallowed(crate::fetch::robots::AGENT)),
        ..Case::default()
    };
    assert!(ours.only().message.contains("lead-audit"));
    let unchecked = Case {
        robots: None,
        ..Case::default()
    };
    assert_eq!(unchecked.ids(), []);
    assert_eq!(unchecked.report().robots_blocks_site, None);
}

#[test]
fn canonical_links() {
    let canonical = |links: &str| {
        let html = CLEAN.replace(
            r#"<link rel="canonical" href="https://acme.example/">"#,
            links,
        );
        Case {
            html: &html,
            ..Case::default()
        }
        .ids()
    };
    for fine in [
        "",
        r#"<link rel="canonical" href="/">"#,
        r#"<link rel="canonical" href="https://www.acme.example/">"#,
        r#"<link rel="canonical" href="http://shop.acme.example/home">"#,
        r#"<link rel="canonical" href="/"><link rel="canonical" href="https://acme.example/">"#,
        r#"<LINK REL="Canonical" HREF="  https://acme.example/  ">"#,
        // Only <head> counts: a canonical link in the body is ignored by search engines.
        r#"</head><body><link rel="canonical" href="https://other.example/">"#,
    ] {
        assert_eq!(canonical(fine), [], "{fine}");
    }
    for bad in [
        r#"<link rel="canonical" href="https://other.example/">"#,
        r#"<link rel="canonical" href="//other.example/">"#,
        r#"<link rel="canonical" href="">"#,
        r#"<link rel="canonical">"#,
        r#"<link rel="canonical" href="http://[::1">"#,
        r#"<link rel="canonical" href="ftp://acme.example/">"#,
        r#"<link rel="canonical" href="/a"><link rel="canonical" href="/b">"#,
    ] {
        assert_eq!(canonical(bad), [IssueId::CanonicalInvalid], "{bad}");
    }
}

#[test]
fn canonical_messages_name_the_problem() {
    let msg = |links: &str| {
        let html =
            head(links).replace(r#"<link rel="canonical" href="https://acme.example/">"#, "");
        Case {
            html: &html,
            ..Case::default()
        }
        .only()
        .message
    };
    assert!(
        msg(r#"<link rel="canonical" href="https://other.example/x">"#)
            .contains("another site (https://other.example/x)")
    );
    assert!(
        msg(r#"<link rel="canonical" href="/a"><link rel="canonical" href="/b">"#)
            .contains("2 different canonical URLs")
    );
    assert!(msg(r#"<link rel="canonical" href="mailto:a@acme.example">"#).contains("http(s)"));
}

#[test]
fn hreflang_links() {
    let valid = head(
        r#"<link rel="alternate" hreflang="en-GB" href="https://acme.example/uk/">
        <link rel="alternate" hreflang="x-default" href="https://acme.example/">
        <link rel="alternate" hreflang="zh-Hant-TW" href="https://acme.example/tw/">
        <link rel="alternate" hreflang="es-419" href="https://acme.example/la/">
        <link rel="alternate" hreflang="DE" href="https://acme.example/de/">
        <link rel="alternate" type="application/rss+xml" href="/feed">"#,
    );
    let case = Case {
        html: &valid,
        ..Case::default()
    };
    assert_eq!(case.ids(), []);
    for bad in [
        r#"<link rel="alternate" hreflang="en_US" href="https://acme.example/us/">"#,
        r#"<link rel="alternate" hreflang="english" href="https://acme.example/en/">"#,
        r#"<link rel="alternate" hreflang="" href="https://acme.example/en/">"#,
        r#"<link rel="alternate" hreflang="en-GB" href="/uk/">"#,
        r#"<link rel="alternate" hreflang="en-GB">"#,
    ] {
        let html = head(bad);
        let issue = Case {
            html: &html,
            ..Case::default()
        }
        .only();
        assert_eq!(issue.id, IssueId::HreflangInvalid, "{bad}");
        assert!(issue.message.starts_with("1 hreflang"), "{}", issue.message);
    }
}

#[test]
fn link_text_and_uncrawlable_links() {
    let html = body(
        r#"<a href="/a">Click here</a><a href="/b"> read   MORE » </a><a href="/c">mehr…</a>
        <a href="/d">Weiterlesen</a><a href="/e">Read more about our boilers</a>"#,
    );
    let issue = Case {
        html: &html,
        ..Case::default()
    }
    .only();
    assert_eq!(issue.id, IssueId::LinkText);
    assert!(
        issue.message.starts_with("4 links") && issue.message.contains("\"Click here\""),
        "{}",
        issue.message
    );
    let html = body(
        r#"<a href="javascript:void(0)" onclick="go()">Services</a><span role="link" onclick="go()">About</span>"#,
    );
    let issue = Case {
        html: &html,
        ..Case::default()
    }
    .only();
    assert_eq!(issue.id, IssueId::UncrawlableLinks);
    assert!(
        issue.message.starts_with("2 links") && issue.message.contains("javascript:void(0)"),
        "{}",
        issue.message
    );
}

#[test]
fn doctype_charset_and_lang() {
    let none = CLEAN.replace("<!doctype html>", "");
    let issue = Case {
        html: &none,
        ..Case::default()
    }
    .only();
    assert_eq!(issue.id, IssueId::NoDoctype);
    assert!(issue.message.contains("no doctype"), "{}", issue.message);
    let legacy = CLEAN.replace(
        "<!doctype html>",
        r#"<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">"#,
    );
    let issue = Case {
        html: &legacy,
        ..Case::default()
    }
    .only();
    assert_eq!(issue.id, IssueId::NoDoctype);
    assert!(issue.message.contains("legacy"), "{}", issue.message);
    // With its system identifier it is "limited quirks": rendered as standard.
    let strict = CLEAN.replace(
        "<!doctype html>",
        r#"<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">"#,
    );
    let case = Case {
        html: &strict,
        ..Case::default()
    };
    assert_eq!(case.ids(), []);

    let no_charset = CLEAN.replace(r#"<meta charset="utf-8">"#, "");
    let issue = Case {
        html: &no_charset,
        ..Case::default()
    }
    .only();
    assert_eq!(issue.id, IssueId::NoCharset);
    assert!(
        issue.message.contains("Content-Type: text/html"),
        "{}",
        issue.message
    );
    let headers = [
        &SECURE[1..],
        &[("content-type", "text/html; charset=utf-8")][..],
    ]
    .concat();
    let case = Case {
        html: &no_charset,
        headers: &headers,
        ..Case::default()
    };
    assert_eq!(case.ids(), [], "a charset in the header is enough");
    let equiv = no_charset.replace(
        "<title>",
        r#"<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"><title>"#,
    );
    let case = Case {
        html: &equiv,
        ..Case::default()
    };
    assert_eq!(case.ids(), []);

    for html in [
        CLEAN.replace(r#" lang="en""#, ""),
        CLEAN.replace(r#"lang="en""#, r#"lang="  ""#),
    ] {
        let case = Case {
            html: &html,
            ..Case::default()
        };
        assert_eq!(case.ids(), [IssueId::NoLang]);
    }
}

#[test]
fn zoom_and_refresh() {
    let viewport = |content: &str| {
        let html = CLEAN.replace("initial-scale=1", content);
        Case {
            html: &html,
            ..Case::default()
        }
        .ids()
    };
    for blocked in [
        "user-scalable=no",
        "USER-SCALABLE = 0",
        "maximum-scale=1.0",
        "initial-scale=1; maximum-scale=2",
    ] {
        assert_eq!(viewport(blocked), [IssueId::ZoomDisabled], "{blocked}");
    }
    for fine in [
        "maximum-scale=5",
        "maximum-scale=10, user-scalable=yes",
        "user-scalable=1",
    ] {
        assert_eq!(viewport(fine), [], "{fine}");
    }
    for refresh in ["0; url=https://acme.example/new", "30", "5;URL='/start'"] {
        let html = head(&format!(
            r#"<meta http-equiv="refresh" content="{refresh}">"#
        ));
        let issue = Case {
            html: &html,
            ..Case::default()
        }
        .only();
        assert_eq!(issue.id, IssueId::MetaRefresh);
        assert!(issue.message.contains(refresh), "{}", issue.message);
    }
    let html = head(r#"<meta http-equiv="refresh" content="">"#);
    let case = Case {
        html: &html,
        ..Case::default()
    };
    assert_eq!(case.ids(), []);
}

#[test]
fn security_headers() {
    let only = |headers: &[(&str, &str)], url: &str| {
        Case {
            headers,
            url,
            ..Case::default()
        }
        .ids()
    };
    let https = "https://acme.example/";
    assert_eq!(
        only(&[], https),
        [IssueId::NoCsp, IssueId::NoFrameProtection, IssueId::NoCoop]
    );
    // COOP applies to secure pages only.
    assert_eq!(
        only(&[], "http://acme.example/"),
        [IssueId::NoCsp, IssueId::NoFrameProtection]
    );
    let xfo = [
        ("Content-Security-Policy", "default-src 'self'"),
        ("x-frame-options", " sameorigin "),
        ("cross-origin-opener-policy", "same-origin-allow-popups"),
    ];
    assert_eq!(only(&xfo, https), []);
    let bad = [
        (
            "content-security-policy-report-only",
            "frame-ancestors 'none'",
        ),
        ("x-frame-options", "ALLOWALL"),
        ("cross-origin-opener-policy", "unsafe-none"),
    ];
    let issues = Case {
        headers: &bad,
        ..Case::default()
    }
    .issues();
    let ids: Vec<_> = issues.iter().map(|i| i.id.clone()).collect();
    assert_eq!(
        ids,
        [IssueId::NoCsp, IssueId::NoFrameProtection, IssueId::NoCoop]
    );
    assert!(issues[1].message.contains("X-Frame-Options: ALLOWALL"));
    assert!(issues[2].message.contains("unsafe-none"));
    assert!(issues.iter().all(|i| i.severity == Severity::Low));
    // A CSP in a <meta> counts as a policy, but browsers ignore frame-ancestors there.
    let html = head(
        r#"<meta http-equiv="Content-Security-Policy" content="default-src 'self'; frame-ancestors 'none'">"#,
    );
    let case = Case {
        html: &html,
        headers: &[("cross-origin-opener-policy", "same-origin")],
        ..Case::default()
    };
    assert_eq!(case.ids(), [IssueId::NoFrameProtection]);
}

#[test]
fn severities() {
    let severity = |id: IssueId| match id {
        IssueId::Noindex | IssueId::RobotsBlocksSite => Severity::High,
        IssueId::CanonicalInvalid | IssueId::ZoomDisabled | IssueId::MetaRefresh => {
            Severity::Medium
        }
        _ => Severity::Low,
    };
    let worst = r#"<html><head><meta name="robots" content="noindex">
        <meta name="viewport" content="user-scalable=no"><meta http-equiv="refresh" content="1">
        <link rel="canonical" href="https://elsewhere.example/">
        <link rel="alternate" hreflang="english" href="/en"></head>
        <body><a href="/x">here</a><a href="javascript:x()">y</a></body></html>"#;
    let issues = Case {
        html: worst,
        headers: &[],
        robots: Some(RootRule::Disallowed("*")),
        ..Case::default()
    }
    .issues();
    let ids: Vec<_> = issues.iter().map(|i| i.id.clone()).collect();
    assert_eq!(ids, OURS, "every id, in check order");
    for i in issues {
        assert_eq!(i.severity, severity(i.id.clone()), "{}", i.id);
    }
}

#[test]
fn header_values_are_read_loosely() {
    assert!(has_frame_ancestors(
        "default-src 'self';FRAME-ANCESTORS 'none'"
    ));
    assert!(!has_frame_ancestors("default-src 'self' frame-ancestors"));
    assert!(header_forbids_indexing(" googlebot : noindex"));
    assert!(!header_forbids_indexing("googlebot-news: noindex"));
}

/// Headers the checks read, with arbitrary values.
fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop::sample::select(vec![
        "content-type",
        "x-robots-tag",
        "content-security-policy",
        "x-frame-options",
        "cross-origin-opener-policy",
        "strict-transport-security",
    ]);
    prop::collection::vec((name.prop_map(str::to_owned), any::<String>()), 0..6)
}

/// Markup made of the pieces the checks read, with arbitrary text between them.
fn markup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<!doctype html>".to_owned()),
        Just("<html lang=".to_owned()),
        Just("<head>".to_owned()),
        Just("</head>".to_owned()),
        Just("<meta name=robots content=".to_owned()),
        Just("<meta http-equiv=refresh content=".to_owned()),
        Just("<meta name=viewport content=\"maximum-scale=".to_owned()),
        Just("<meta charset=".to_owned()),
        Just("<link rel=canonical href=".to_owned()),
        Just("<link rel=alternate hreflang=".to_owned()),
        Just("<a href=".to_owned()),
        Just("<a role=link>".to_owned()),
        Just("</a>".to_owned()),
        Just("<svg><a>".to_owned()),
        Just("<table><tr><td>".to_owned()),
        Just("\"".to_owned()),
        Just(">".to_owned()),
        any::<String>(),
        "[a-z:/#. =;,-]{0,12}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|p| p.concat())
}

proptest! {
    #[test]
    fn the_checks_never_panic(
        html in markup(),
        headers in headers(),
        https in any::<bool>(),
        blocked in any::<bool>(),
    ) {
        let url = Url::parse(if https { "https://acme.example/" } else { "http://acme.example/" })
            .expect("url");
        let home = facts(&html, &url);
        let report = build_report(&SiteFacts {
            home: &home,
            final_url: &url,
            headers: &headers,
            redirects_to_https: None,
            certificate_expires_at: None,
            response_time_ms: 0,
            page_weight_bytes: 0,
            robots_txt: None,
            robots_root: Some(if blocked { RootRule::Disallowed("*") } else { RootRule::Allowed }),
            sitemap_xml: None,
            favicon_ico: None,
            technologies: &[],
            now: Utc::now(),
        });
        prop_assert_eq!(
            report.issues.iter().any(|i| i.id == IssueId::RobotsBlocksSite),
            blocked
        );
        for issue in &report.issues {
            prop_assert!(!issue.message.is_empty());
        }
    }
}
