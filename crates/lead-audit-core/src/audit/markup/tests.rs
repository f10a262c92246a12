use url::Url;

use super::*;
use crate::audit::page_facts;
use crate::parse::{parse_document, Budget, MAX_DEPTH};

/// The markup facts of `html` parsed as the pipeline parses pages.
fn markup(html: &str) -> MarkupFacts {
    let url = Url::parse("https://acme.example/").expect("url");
    page_facts(&parse_document(html, &Budget::unlimited()).doc, &url).markup
}

#[test]
fn the_link_text_list_loads_in_its_compared_form() {
    assert!(VAGUE_LINK_TEXTS.contains("read more") && VAGUE_LINK_TEXTS.contains("weiterlesen"));
    for text in VAGUE_LINK_TEXTS.iter() {
        let compared = text
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        assert_eq!(&compared, text, "written as it is compared");
        assert_eq!(text.split_whitespace().collect::<Vec<_>>().join(" "), *text);
    }
}

#[test]
fn the_doctype_survives_the_projects_parser() {
    let with = markup("<!DOCTYPE html><html><body>x</body></html>");
    assert!(with.doctype && !with.quirks_mode, "{with:?}");
    let lower = markup("\u{feff}  <!-- hi --><!doctype HTML><p>x");
    assert!(lower.doctype && !lower.quirks_mode, "{lower:?}");
    let without = markup("<html><body>x</body></html>");
    assert!(!without.doctype && without.quirks_mode, "{without:?}");
    // A doctype after content is a parse error: the page is in quirks mode and has none.
    let late = markup("<p>x</p><!doctype html>");
    assert!(!late.doctype && late.quirks_mode, "{late:?}");
    let legacy = markup(r#"<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN"><p>x"#);
    assert!(legacy.doctype && legacy.quirks_mode, "{legacy:?}");
    assert!(!markup("").doctype);
}

#[test]
fn a_well_built_head() {
    let m = markup(
        r#"<!doctype html><html lang=" de-DE "><head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=5">
        <meta name="robots" content="index, follow, max-image-preview:large">
        <link rel="canonical" href="https://acme.example/">
        <link rel="alternate" hreflang="de-DE" href="https://acme.example/">
        <link rel="alternate" hreflang="x-default" href="https://acme.example/">
        </head><body><a href="/leistungen">Unsere Leistungen</a></body></html>"#,
    );
    assert_eq!(
        m,
        MarkupFacts {
            canonicals: vec!["https://acme.example/".into()],
            doctype: true,
            charset_declared: true,
            lang: Some("de-DE".into()),
            ..MarkupFacts::default()
        }
    );
}

#[test]
fn odd_casing_and_whitespace_in_attributes() {
    let m = markup(
        "<!DOCTYPE html><HTML LANG='en'><HEAD>\
         <META NAME='ROBOTS' CONTENT='  NOINDEX,NOFOLLOW '>\
         <META HTTP-EQUIV=' Refresh ' CONTENT=' 10 ; URL=/next'>\
         <META HTTP-EQUIV='CONTENT-SECURITY-POLICY' CONTENT=\"default-src 'self'\">\
         <META NAME='Viewport' CONTENT='width=device-width,USER-SCALABLE=NO'>\
         <LINK REL=' Alternate ' HREFLANG='EN_us' HREF='https://acme.example/us/'>\
         <LINK REL='stylesheet canonical' HREF='https://acme.example/'>\
         </HEAD><BODY><A HREF='  JavaScript:openMenu()'>Menu</A><A HREF='/x'> Klicken  Sie\n hier </A></BODY></HTML>",
    );
    assert_eq!(m.lang.as_deref(), Some("en"));
    assert_eq!(m.noindex_meta.as_deref(), Some("robots: NOINDEX,NOFOLLOW"));
    assert_eq!(m.meta_refresh.as_deref(), Some("10 ; URL=/next"));
    assert!(m.csp_meta);
    assert_eq!(
        m.zoom_disabled.as_deref(),
        Some("width=device-width,USER-SCALABLE=NO")
    );
    assert_eq!(m.hreflang_invalid, 1);
    assert_eq!(
        m.hreflang_example.as_deref(),
        Some("EN_us → https://acme.example/us/")
    );
    assert_eq!(m.canonicals, ["https://acme.example/"]);
    assert_eq!(m.uncrawlable_links, 1);
    assert_eq!(
        m.uncrawlable_example.as_deref(),
        Some("JavaScript:openMenu()")
    );
    assert_eq!(m.vague_links, 1);
    assert_eq!(m.vague_link_example.as_deref(), Some("Klicken Sie hier"));
    assert!(!m.charset_declared);
}

#[test]
fn link_texts() {
    let m = markup(
        r##"<body>
        <a href="/a">Read <b>more</b></a>
        <a href="/b"><span>he</span>re</a>
        <a href="/c">Learn more<script>document.write("about boilers")</script></a>
        <a href="/d"><img src="arrow.png" alt="more"></a>
        <a href="#top">here</a>
        <a href="mailto:info@acme.example">here</a>
        <a href="tel:+1555">here</a>
        <a>here</a>
        <a href="/e">Here is our price list</a>
        <a href="/f">Hierarchy</a>
        <svg><a href="/g">here</a></svg>
        <a href="/h">MEHR</a>"##,
    );
    assert_eq!(m.vague_links, 4, "{m:?}");
    assert_eq!(m.vague_link_example.as_deref(), Some("Read more"));
}

#[test]
fn a_link_left_open_is_read_to_the_end() {
    let m = markup(r#"<body><p><a href="/x">more"#);
    assert_eq!(m.vague_links, 1);
    // The parser closes a link when the next one opens.
    let m = markup(r#"<a href="/x">here<a href="/y">Our services</a>"#);
    assert_eq!(m.vague_links, 1);
}

#[test]
fn uncrawlable_links() {
    let m = markup(
        r#"<body>
        <a href="javascript:void(0)">Services</a>
        <a href=" j&#x61;vascript:go()">About</a>
        <a href="file:///C:/site/index.html">Home</a>
        <a onclick="go('/contact')">Contact</a>
        <a role="link" tabindex="0">Team</a>
        <div role="link" onclick="go('/jobs')">Jobs</div>
        <span role="LINK button">Shop</span>
        <a role="button" href="javascript:toggle()">Menu</a>
        <a name="top"></a>
        <a id="anchor"></a>
        <a href="">Reload</a>
        <area role="link" href="/map">
        <a href="/ok" role="link">Fine</a>"#,
    );
    assert_eq!(m.uncrawlable_links, 7, "{m:?}");
    assert_eq!(m.uncrawlable_example.as_deref(), Some("javascript:void(0)"));
}

#[test]
fn meta_and_link_checks_ignore_look_alikes() {
    let m = markup(
        r#"<!doctype html><html lang=""><head>
        <meta name="description" content="noindex none">
        <meta property="robots" content="noindex">
        <meta name="robots" content="noindexing, nonesuch">
        <meta http-equiv="refresh" content="no">
        <meta http-equiv="content-type" content="text/html">
        <meta charset="  ">
        <meta name="viewport" content="maximum-scale=5.0, user-scalable=yes, maximum-scale=abc">
        <link rel="alternate" href="https://acme.example/feed" type="application/rss+xml">
        <link rel="shortlink" href="https://other.example/">
        </head><body><svg><a href="javascript:x()" role="link">x</a></svg></body></html>"#,
    );
    assert_eq!(
        m,
        MarkupFacts {
            doctype: true,
            ..MarkupFacts::default()
        }
    );
}

#[test]
fn canonicals_are_kept_distinct_and_bounded() {
    let links: String = (0..50)
        .map(|i| format!(r#"<link rel="canonical" href="/p{}">"#, i % 10))
        .collect();
    let m = markup(&format!("<head>{links}</head>"));
    assert_eq!(m.canonicals, ["/p0", "/p1", "/p2", "/p3"]);
    let m =
        markup(r#"<head><link rel="canonical" href="/"><link rel="canonical" href="/"></head>"#);
    assert_eq!(m.canonicals, ["/"]);
}

#[test]
fn fifty_thousand_links() {
    let mut html = String::from("<!doctype html><html lang=en><body>");
    for i in 0..50_000 {
        match i % 5 {
            0 => html.push_str(r#"<a href="/x">read more</a>"#),
            1 => html.push_str(r#"<a href="javascript:void(0)">x</a>"#),
            2 => html.push_str(r#"<link rel="alternate" hreflang="en_US" href="/">"#),
            _ => html.push_str(&format!(r#"<a href="/p{i}">Page {i}</a>"#)),
        }
    }
    let m = markup(&html);
    assert_eq!(m.vague_links, 10_000);
    assert_eq!(m.uncrawlable_links, 10_000);
    assert_eq!(m.hreflang_invalid, 10_000);
    assert_eq!(m.hreflang_example.as_deref(), Some("en_US → /"));
}

#[test]
fn deeply_nested_markup() {
    let depth = MAX_DEPTH * 4;
    // Past the depth cap the link opens and closes at once and its text goes to the element
    // at the cap: that link has no text.
    let html = format!(
        r#"<!doctype html><html lang="en"><body>{}<a href="/deep">here</a><a role="link">z</a>{}<a href="/x">{}more{}</a><a href="javascript:x()">y</a>"#,
        "<div>".repeat(depth),
        "</div>".repeat(depth),
        "<span>".repeat(MAX_DEPTH / 2),
        "</span>".repeat(MAX_DEPTH / 2),
    );
    let m = markup(&html);
    assert_eq!(m.vague_links, 1, "{m:?}");
    assert_eq!(m.uncrawlable_links, 2, "{m:?}");
    assert!(m.doctype && m.lang.is_some());
    // Links in table cells do nest in the tree: the outer link's text takes it all.
    let html = r#"<a href="/a">more<table><tr><td><a href="/b">here</a></td></tr></table></a>"#
        .repeat(2_000);
    let m = markup(&html);
    assert!(m.vague_links <= 4_000, "{m:?}");
}

#[test]
fn long_link_texts_stop_being_kept() {
    let long = format!(r#"<a href="/x">more {}</a>"#, "<b> </b>".repeat(100_000));
    let m = markup(&long);
    assert_eq!(
        m.vague_links, 1,
        "whitespace alone does not make a text long"
    );
    let long = format!(r#"<a href="/x">more {}</a>"#, "word ".repeat(100_000));
    assert_eq!(markup(&long).vague_links, 0);
}

#[test]
fn examples_are_short() {
    let href = format!("javascript:{}", "x".repeat(10_000));
    let m = markup(&format!(r#"<a href="{href}">y</a>"#));
    let example = m.uncrawlable_example.expect("an example");
    assert!(example.chars().count() <= EXAMPLE_CHARS + 1, "{example}");
    assert!(example.ends_with('…'));
}

#[test]
fn hreflang_shapes() {
    for ok in [
        "en",
        "EN",
        "de-AT",
        "fil",
        "zh-Hans",
        "zh-Hant-HK",
        "es-419",
        "x-default",
        "X-Default",
    ] {
        assert!(valid_hreflang(ok), "{ok}");
    }
    for bad in [
        "",
        "e",
        "english",
        "en_US",
        "en-",
        "-en",
        "en-GB-x",
        "en-GBR",
        "en-12",
        "zh-Hant-Latn",
        "x-defaults",
        "1a",
        "en GB",
        "де",
    ] {
        assert!(!valid_hreflang(bad), "{bad}");
    }
}

#[test]
fn charsets_in_content_type() {
    assert_eq!(charset_in("text/html; charset=utf-8"), Some("utf-8"));
    assert_eq!(
        charset_in("text/html;CHARSET=\"ISO-8859-1\""),
        Some("ISO-8859-1")
    );
    assert_eq!(charset_in("text/html; charset="), None);
    assert_eq!(charset_in("text/html"), None);
    assert_eq!(charset_in("charset=utf-8"), None);
}
