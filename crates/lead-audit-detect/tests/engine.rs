//! The engine against small datasets written to a temporary directory.

mod common;

use common::{find, found, found_version, Page};
use lead_audit_detect::{Detector, Error};
use std::path::Path;

const CATEGORIES: &str = r#"{
  "1": {"name": "CMS", "priority": 1},
  "59": {"name": "JavaScript libraries", "priority": 9},
  "900": {"name": "Test things", "priority": 3}
}"#;

/// Writes `technologies/*.json` (one file per entry) and `categories.json` under `dir`.
fn write_dataset(dir: &Path, files: &[(&str, &str)]) {
    let tech_dir = dir.join("technologies");
    std::fs::create_dir_all(&tech_dir).expect("mkdir");
    std::fs::write(dir.join("categories.json"), CATEGORIES).expect("write categories");
    for (name, body) in files {
        std::fs::write(tech_dir.join(name), body).expect("write technologies");
    }
}

fn detector(technologies: &str) -> Detector {
    let dir = tempfile::tempdir().expect("tempdir");
    write_dataset(dir.path(), &[("t.json", technologies)]);
    Detector::with_dataset(dir.path()).expect("dataset loads")
}

#[test]
fn every_pattern_kind_matches() {
    let d = detector(
        r#"{
      "T Html": {"cats": [900], "html": "<div[^>]+data-thtml-root"},
      "T ScriptSrc": {"cats": [900], "scriptSrc": ["tscript-([\\d.]+)\\.js\\;version:\\1"]},
      "T Scripts": {"cats": [900], "scripts": "tInlineBoot\\("},
      "T Url": {"cats": [900], "url": "^https://shop\\.t-url\\.example/"},
      "T Header": {"cats": [900], "headers": {"X-T-Header": "^tserver/([\\d.]+)\\;version:\\1"}},
      "T Header Exists": {"cats": [900], "headers": {"x-t-exists": ""}},
      "T Cookie": {"cats": [900], "cookies": {"T_SESSION": ""}},
      "T Meta": {"cats": [900], "meta": {"generator": "^TGen v([\\d.]+)\\;version:\\1"}},
      "T Meta Array": {"cats": [900], "meta": {"t-array": ["^never$", "^second"]}},
      "T Js": {"cats": [900], "js": {"TLib.version": "^([\\d.]+)$\\;version:\\1"}},
      "T Absent": {"cats": [900], "html": "nothing-like-this-anywhere"}
    }"#,
    );
    let html = r#"<html><head><meta name="generator" content="TGen v2.1">
      <meta name="t-array" content="second value">
      <script src="/static/tscript-4.5.6.js"></script>
      <script>window.tInlineBoot({a:1});</script></head>
      <body><div class="x" data-thtml-root="1"></div></body></html>"#;
    let page = Page::new("https://shop.t-url.example/cart", html)
        .header("x-t-header", "tserver/1.2.3")
        .header("x-t-exists", "yes")
        .header("set-cookie", "T_SESSION=42; Path=/")
        .js("TLib.version", "9.8");
    let techs = page.detect(&d);
    for name in [
        "T Html",
        "T Scripts",
        "T Url",
        "T Header Exists",
        "T Cookie",
        "T Meta Array",
    ] {
        found(&techs, name);
    }
    found_version(&techs, "T ScriptSrc", "4.5.6");
    found_version(&techs, "T Header", "1.2.3");
    found_version(&techs, "T Meta", "2.1");
    found_version(&techs, "T Js", "9.8");
    assert!(find(&techs, "T Absent").is_none());
    assert_eq!(found(&techs, "T Html").categories, ["Test things"]);
    assert!(d.js_paths().contains(&"TLib.version".to_owned()));
}

#[test]
fn versions_ternaries_and_confidence() {
    let d = detector(
        r#"{
      "T Edition": {"cats": [900], "scriptSrc": "tedition(-pro)?\\.js\\;version:\\1?Pro:Free"},
      "T Weak": {"cats": [900], "html": ["tweak-one\\;confidence:30", "tweak-two\\;confidence:40"]},
      "T Best": {"cats": [900], "html": ["tbest-([\\d.]+)-x\\;version:\\1", "tbest-v([\\d.]+)\\;version:\\1"]}
    }"#,
    );
    let html = r#"<script src="/a/tedition-pro.js"></script>
      <p>tweak-one</p><p>tweak-two</p><p>tweak-two again</p><i>tbest-6-x tbest-v6.4.2</i>"#;
    let techs = Page::new("https://a.example/", html).detect(&d);
    found_version(&techs, "T Edition", "Pro");
    // Each distinct pattern counts once: 30 + 40.
    assert_eq!(found(&techs, "T Weak").confidence, 70);
    // The more specific version wins.
    found_version(&techs, "T Best", "6.4.2");
    let techs = Page::new(
        "https://a.example/",
        r#"<script src="/tedition.js"></script>"#,
    )
    .detect(&d);
    found_version(&techs, "T Edition", "Free");
    let techs = Page::new("https://a.example/", "<p>tweak-one</p>").detect(&d);
    assert_eq!(found(&techs, "T Weak").confidence, 30);
}

#[test]
fn implies_chains_with_confidence() {
    let d = detector(
        r#"{
      "T Plugin": {"cats": [900], "html": "tplugin-marker", "implies": "T Platform"},
      "T Platform": {"cats": [1], "implies": ["T Language\\;confidence:50", "T Database"]},
      "T Language": {"cats": [900], "implies": "T Runtime"},
      "T Runtime": {"cats": [900]},
      "T Database": {"cats": [900]},
      "T Unrelated": {"cats": [900]}
    }"#,
    );
    let techs = Page::new("https://a.example/", "<i>tplugin-marker</i>").detect(&d);
    assert_eq!(found(&techs, "T Platform").confidence, 100);
    assert_eq!(found(&techs, "T Language").confidence, 50);
    assert_eq!(found(&techs, "T Runtime").confidence, 50);
    assert_eq!(found(&techs, "T Database").confidence, 100);
    assert!(find(&techs, "T Unrelated").is_none());
    // Category priority orders the result: the CMS first.
    assert_eq!(techs[0].name, "T Platform");
}

#[test]
fn excludes_and_requires() {
    let d = detector(
        r#"{
      "T New": {"cats": [900], "html": "tshared-marker", "excludes": "T Old"},
      "T Old": {"cats": [900], "html": "tshared"},
      "T Addon": {"cats": [900], "html": "taddon", "requires": "T Host"},
      "T Host": {"cats": [1], "meta": {"generator": "^THost"}},
      "T Any Cms Addon": {"cats": [900], "html": "tcmsaddon", "requiresCategory": 1}
    }"#,
    );
    let techs = Page::new(
        "https://a.example/",
        "<p>tshared-marker taddon tcmsaddon</p>",
    )
    .detect(&d);
    found(&techs, "T New");
    assert!(find(&techs, "T Old").is_none(), "excluded");
    assert!(find(&techs, "T Addon").is_none(), "requirement missing");
    assert!(find(&techs, "T Any Cms Addon").is_none(), "no CMS found");
    let html = r#"<meta name="generator" content="THost 1"><p>taddon tcmsaddon tshared</p>"#;
    let techs = Page::new("https://a.example/", html).detect(&d);
    for name in ["T Addon", "T Host", "T Any Cms Addon", "T Old"] {
        found(&techs, name);
    }
}

#[test]
fn dom_selectors_with_text_and_attributes() {
    let d = detector(
        r##"{
      "T Dom Exists": {"cats": [900], "dom": "#tdom-root"},
      "T Dom List": {"cats": [900], "dom": ["div.never-here", "link[href*='/tdom-assets/']"]},
      "T Dom Attr": {"cats": [900], "dom": {"script[data-tdom-version]": {"attributes": {"data-tdom-version": "^([\\d.]+)$\\;version:\\1"}}}},
      "T Dom Text": {"cats": [900], "dom": {"footer .tdom-credit": {"text": "Built with TDom ([\\d.]+)\\;version:\\1"}}},
      "T Dom Text Miss": {"cats": [900], "dom": {"footer .tdom-credit": {"text": "Something else"}}},
      "T Dom Bad": {"cats": [900], "dom": "div:::nope", "html": "tdom-bad-fallback"}
    }"##,
    );
    assert_eq!(d.skipped_patterns(), 1, "the invalid selector");
    let html = r#"<html><head><link rel="stylesheet" href="/tdom-assets/site.css">
      <script data-tdom-version="3.2.1" src="/x.js"></script></head>
      <body><div id="tdom-root"></div><footer><span class="tdom-credit">Built with TDom 7.0</span></footer>
      <p>tdom-bad-fallback</p></body></html>"#;
    let techs = Page::new("https://a.example/", html).detect(&d);
    found(&techs, "T Dom Exists");
    found(&techs, "T Dom List");
    found_version(&techs, "T Dom Attr", "3.2.1");
    found_version(&techs, "T Dom Text", "7.0");
    found(&techs, "T Dom Bad");
    assert!(find(&techs, "T Dom Text Miss").is_none());
}

#[test]
fn bad_regexes_are_skipped_not_fatal() {
    let d = detector(
        r#"{
      "T Backref": {"cats": [900], "html": ["(tb)\\1", "tbackref-ok"]},
      "T Negative": {"cats": [900], "html": "tneg(?!ative)"},
      "T Broken": {"cats": [900], "html": "tbroken(("},
      "T Lookahead": {"cats": [900], "html": "tlook(?=ahead)ahead"},
      "T Js Braces": {"cats": [900], "html": "tbraces\\{\"a\":{1}"}
    }"#,
    );
    assert_eq!(d.skipped_patterns(), 3);
    let techs = Page::new(
        "https://a.example/",
        "<p>tbackref-ok tlookahead tbraces{\"a\":{1}</p>",
    )
    .detect(&d);
    found(&techs, "T Backref");
    found(&techs, "T Lookahead");
    found(&techs, "T Js Braces");
    assert!(find(&techs, "T Broken").is_none());
}

#[test]
fn dataset_entries_merge_into_embedded_and_add_to_them() {
    let d = detector(
        r#"{"wordpress": {"cats": [900], "html": "tcustom-wp-marker", "url": "/tcustom-wp-path/"}}"#,
    );
    // The embedded html rules win; the dataset's url rule fills a field they lack.
    let techs = Page::new("https://a.example/", "<p>tcustom-wp-marker</p>").detect(&d);
    assert!(find(&techs, "WordPress").is_none(), "{techs:?}");
    let techs = Page::new("https://a.example/tcustom-wp-path/", "").detect(&d);
    let wp = found(&techs, "WordPress");
    assert_eq!(wp.categories, ["CMS", "Blogs"]);
    // The merged entry keeps the embedded implications; other embedded entries remain.
    found(&techs, "PHP");
    let techs = Page::new("https://a.example/", "")
        .header("server", "nginx/1.25.3")
        .detect(&d);
    found_version(&techs, "Nginx", "1.25.3");
    assert_eq!(
        d.technology_count(),
        Detector::embedded().technology_count()
    );
}

#[test]
fn single_file_bundle_and_bare_technologies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bundle = dir.path().join("bundle.json");
    std::fs::write(
        &bundle,
        r#"{"categories": {"901": {"name": "Bundled", "priority": 2}},
            "technologies": {"T Bundled": {"cats": [901], "html": "tbundled"}}}"#,
    )
    .expect("write");
    let d = Detector::with_dataset(&bundle).expect("bundle loads");
    let techs = Page::new("https://a.example/", "tbundled").detect(&d);
    assert_eq!(found(&techs, "T Bundled").categories, ["Bundled"]);
    let bare = dir.path().join("bare.json");
    std::fs::write(&bare, r#"{"T Bare": {"cats": [1], "html": "tbare"}}"#).expect("write");
    let d = Detector::with_dataset(&bare).expect("bare loads");
    let techs = Page::new("https://a.example/", "tbare").detect(&d);
    assert_eq!(found(&techs, "T Bare").categories, ["CMS"]);
}

#[test]
fn malformed_dataset_names_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_dataset(
        dir.path(),
        &[
            ("a.json", r#"{"T Fine": {"cats": [1]}}"#),
            ("b.json", r#"{"T Broken": {"cats": [1], "#),
        ],
    );
    match Detector::with_dataset(dir.path()) {
        Err(Error::Parse { path, message }) => {
            assert!(path.ends_with("b.json"), "{path}");
            assert!(!message.is_empty());
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
    let dir = tempfile::tempdir().expect("tempdir");
    write_dataset(
        dir.path(),
        &[("c.json", r#"{"T Typed": {"cats": "not a list"}}"#)],
    );
    match Detector::with_dataset(dir.path()) {
        Err(Error::Parse { path, message }) => {
            assert!(path.ends_with("c.json"), "{path}");
            assert!(message.contains("T Typed"), "{message}");
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
    let missing = dir.path().join("does-not-exist");
    assert!(matches!(
        Detector::with_dataset(&missing),
        Err(Error::Io { .. })
    ));
}

#[test]
fn cookies_passed_by_the_caller_win_over_set_cookie() {
    let d = detector(
        r#"{"T Cookie Only": {"cats": [900], "cookies": {"tc": "^v([\\d]+)$\\;version:\\1"}}}"#,
    );
    let cookies = vec![("tc".to_owned(), "v7".to_owned())];
    let headers = vec![("set-cookie".to_owned(), "tc=v1".to_owned())];
    let techs = d.detect(&lead_audit_detect::DetectInput {
        url: "https://a.example/",
        headers: &headers,
        cookies: &cookies,
        ..Default::default()
    });
    found_version(&techs, "T Cookie Only", "7");
}

#[test]
fn dom_rules_see_inside_noscript_within_a_cap() {
    let d = detector(
        r#"{
      "T Pixel": {"cats": [900], "dom": "img[src*='pixel.t-track.example']"},
      "T Frame": {"cats": [900], "dom": {"iframe[src*='t-tagmanager']": {"attributes": {"src": "id=(T-\\w+)\\;version:\\1"}}}},
      "T Deep": {"cats": [900], "dom": "span.t-deep-marker"},
      "T Visible": {"cats": [900], "dom": "div.t-visible"}
    }"#,
    );
    let html = r#"<html><head>
      <noscript><img height="1" width="1" src="https://pixel.t-track.example/tr?id=1"></noscript>
      </head><body><div class="t-visible"></div>
      <noscript><iframe src="https://www.t-tagmanager.example/ns.html?id=T-ABC123"></iframe></noscript>
      </body></html>"#;
    let techs = Page::new("https://shop.example/", html).detect(&d);
    found(&techs, "T Pixel");
    found(&techs, "T Visible");
    found_version(&techs, "T Frame", "T-ABC123");

    // Past the cap, a marker is not looked for: megabytes hidden in <noscript> cost 16 KB.
    let filler = "<p>filler</p>".repeat(20_000);
    let hidden = format!(
        "<html><body><noscript>{filler}<span class=\"t-deep-marker\"></span></noscript></body></html>"
    );
    let techs = Page::new("https://shop.example/", &hidden).detect(&d);
    assert!(find(&techs, "T Deep").is_none(), "{techs:?}");
    let near = "<html><body><noscript><p>x</p><span class=\"t-deep-marker\"></span></noscript></body></html>";
    found(
        &Page::new("https://shop.example/", near).detect(&d),
        "T Deep",
    );
}
