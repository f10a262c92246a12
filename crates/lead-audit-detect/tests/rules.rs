//! The site-level rule kinds (`robots`, `certIssuer`) and `text`, the evidence each detection
//! reports, and a fingerprint's `cpe`.

mod common;

use common::{find, found, found_version, Page};
use lead_audit_detect::{DetectInput, Detector, Evidence, Technology};

fn detector(technologies: &str) -> Detector {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("t.json");
    std::fs::write(
        &file,
        format!(
            r#"{{"categories": {{"900": {{"name": "Test things", "priority": 3}}}},
                "technologies": {technologies}}}"#
        ),
    )
    .expect("write");
    Detector::with_dataset(&file).expect("dataset loads")
}

const RULES: &str = r#"{
  "T Robots": {"cats": [900], "robots": "Disallow: /t-robots-admin/(v([\\d.]+)/)?\\;version:\\2",
               "cpe": "cpe:2.3:a:t:robots:*:*:*:*:*:*:*:*"},
  "T Issuer": {"cats": [900], "certIssuer": "^T Trust Services"},
  "T Text": {"cats": [900], "text": "Proudly powered by TText ([\\d.]+)\\;version:\\1"},
  "T Both": {"cats": [900], "html": "tboth-marker", "headers": {"x-tboth": ""}, "implies": "T Base"},
  "T Base": {"cats": [900]}
}"#;

fn site(d: &Detector, robots: Option<&str>, issuer: Option<&str>) -> Vec<Technology> {
    d.detect(&DetectInput {
        url: "https://a.example/",
        robots,
        cert_issuer: issuer,
        ..DetectInput::default()
    })
}

#[test]
fn robots_rules_match_the_robots_body() {
    let d = detector(RULES);
    let body = "User-agent: *\nDisallow: /t-robots-admin/v2.4/\nSitemap: https://a.example/s.xml\n";
    let techs = site(&d, Some(body), None);
    found_version(&techs, "T Robots", "2.4");
    let t = found(&techs, "T Robots");
    assert_eq!(t.evidence, [Evidence::Robots]);
    assert_eq!(t.cpe.as_deref(), Some("cpe:2.3:a:t:robots:*:*:*:*:*:*:*:*"));
    assert!(site(&d, Some("User-agent: *\nDisallow: /admin/\n"), None).is_empty());
    assert!(site(&d, None, None).is_empty());
    // robots.txt text in the page itself is not robots.txt.
    let techs = Page::new(
        "https://a.example/",
        "<pre>Disallow: /t-robots-admin/</pre>",
    )
    .detect(&d);
    assert!(find(&techs, "T Robots").is_none());
}

#[test]
fn cert_issuer_rules_match_the_issuer() {
    let d = detector(RULES);
    let techs = site(&d, None, Some("T Trust Services, T Trust RSA CA 2"));
    assert_eq!(found(&techs, "T Issuer").evidence, [Evidence::CertIssuer]);
    assert!(site(&d, None, Some("Other CA, T Trust Services")).is_empty());
    assert!(site(&d, None, Some("")).is_empty());
}

#[test]
fn text_rules_match_visible_text_only() {
    let d = detector(RULES);
    let html =
        "<html><body><footer><p>Proudly powered by <b>TText</b> 3.1</p></footer></body></html>";
    let techs = Page::new("https://a.example/", html).detect(&d);
    found_version(&techs, "T Text", "3.1");
    assert_eq!(found(&techs, "T Text").evidence, [Evidence::Text]);
    for hidden in [
        "<script>var s = 'Proudly powered by TText 3.1';</script>",
        "<style>/* Proudly powered by TText 3.1 */</style>",
        "<head><title>Proudly powered by TText 3.1</title></head>",
        "<!-- Proudly powered by TText 3.1 -->",
        "<noscript>Proudly powered by TText 3.1</noscript>",
    ] {
        let techs = Page::new("https://a.example/", hidden).detect(&d);
        assert!(find(&techs, "T Text").is_none(), "{hidden}");
    }
    // A caller that has the text passes it; no document is needed.
    let techs = d.detect(&DetectInput {
        url: "https://a.example/",
        text: Some("Proudly powered by TText 9"),
        ..DetectInput::default()
    });
    found_version(&techs, "T Text", "9");
}

#[test]
fn evidence_lists_each_kind_once_and_implied_alone() {
    let d = detector(RULES);
    let techs = Page::new(
        "https://a.example/",
        "<p>tboth-marker</p><i>tboth-marker again</i>",
    )
    .header("x-tboth", "1")
    .detect(&d);
    assert_eq!(
        found(&techs, "T Both").evidence,
        [Evidence::Header, Evidence::Html]
    );
    assert_eq!(found(&techs, "T Base").evidence, [Evidence::Implied]);
    assert_eq!(found(&techs, "T Base").cpe, None);
    // Embedded fingerprints report their evidence too.
    let techs = Page::new("https://a.example/", "")
        .header("server", "nginx/1.25.3")
        .detect(Detector::embedded());
    assert_eq!(found(&techs, "Nginx").evidence, [Evidence::Header]);
}

#[test]
fn huge_robots_bodies_are_matched_within_the_cap() {
    let d = detector(RULES);
    let filler = "Disallow: /some/path/\n".repeat(600_000);
    let late = format!("User-agent: *\n{filler}Disallow: /t-robots-admin/\n");
    assert!(late.len() > 10 << 20);
    assert!(find(&site(&d, Some(&late), None), "T Robots").is_none());
    let early = format!("User-agent: *\nDisallow: /t-robots-admin/\n{filler}");
    found(&site(&d, Some(&early), None), "T Robots");
    let issuer = "T Trust Services ".repeat(100_000);
    // An oversized issuer is cut, not refused.
    found(&site(&d, None, Some(&issuer)), "T Issuer");
}

#[test]
fn pathological_dataset_patterns_are_bounded() {
    let d = detector(
        r#"{
      "T Nested": {"cats": [900], "robots": "(a+)+$", "text": "(x|x?)+y"},
      "T Huge": {"cats": [900], "certIssuer": "(?:a{1000}){1000}", "html": "thuge-ok"},
      "T Fine": {"cats": [900], "robots": "tfine-robots"}
    }"#,
    );
    let robots = format!("{}!\ntfine-robots\n", "a".repeat(50_000));
    let techs = site(&d, Some(&robots), Some(&"a".repeat(1000)));
    found(&techs, "T Fine");
    assert!(find(&techs, "T Nested").is_none());
    assert!(find(&techs, "T Huge").is_none());
    let text = format!("<p>{}</p><p>thuge-ok</p>", "x".repeat(100_000));
    let techs = Page::new("https://a.example/", &text).detect(&d);
    found(&techs, "T Huge");
    assert!(find(&techs, "T Nested").is_none());
}
