//! One parse of a page, every analysis on it: contacts, technologies, quality facts, links
//! and whether the page is a client-rendered shell. Synchronous (`scraper::Html` is `!Send`):
//! callers run it on a blocking thread.
//!
//! The parse is bounded by the limits of [`crate::parse`], and the whole analysis by a
//! [`Budget`]: checked between chunks of the parse and between phases, so a page's analysis
//! ends soon after the lead's deadline. A page cut short keeps what its finished phases found
//! and says so in [`PageAnalysis::cut_short`].

use lead_audit_detect::{DetectInput, Detector, Technology};
use scraper::{ElementRef, Html, Node};

pub use crate::parse::Budget;
use url::Url;

use crate::audit::{page_facts, PageFacts};
use crate::crawl::{collect_links, Link};
use crate::dom;
use crate::extract::{extract_contacts, Contacts, ExtractOptions};
use crate::parse::{parse_document, Limits};

/// One page to analyze.
#[derive(Debug, Clone, Copy)]
pub struct PageInput<'a> {
    /// The page URL (after redirects).
    pub url: &'a Url,
    /// Decoded HTML.
    pub html: &'a str,
    /// Response headers, names lowercased.
    pub headers: &'a [(String, String)],
}

/// Shared, read-only context of the analysis.
#[derive(Debug, Clone, Copy)]
pub struct AnalyzeConfig<'a> {
    /// Compiled fingerprints.
    pub detector: &'a Detector,
    /// Region hints for phones.
    pub extract: ExtractOptions<'a>,
    /// JavaScript globals a browser read (empty for static fetches).
    pub js: &'a [(String, String)],
}

/// Signs that the static HTML is an empty client-rendered shell, worth rendering in a browser.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShellSignals {
    /// Characters of visible body text.
    pub visible_text: usize,
    /// An empty `#root`, `#app`, `#__next`, `#__nuxt`, `#___gatsby` or `[ng-app]`/`app-root`.
    pub empty_app_root: bool,
    /// A `<noscript>` asking to enable JavaScript.
    pub noscript_requires_js: bool,
    /// Markers of a client-rendered framework or builder (Wix, React, Vue, Angular…).
    pub client_rendered: bool,
    /// Number of `<script>` elements.
    pub scripts: usize,
}

impl ShellSignals {
    /// The static page cannot be trusted: render it.
    pub fn is_shell(&self) -> bool {
        // A short page without scripts is just short (a terse contact page), not a shell.
        self.empty_app_root
            || (self.noscript_requires_js && self.visible_text < 400)
            || (self.visible_text < 80 && self.scripts > 0)
    }
}

/// Everything learnt from one page.
#[derive(Debug, Clone, Default)]
pub struct PageAnalysis {
    /// Emails, phones, socials.
    pub contacts: Contacts,
    /// Technologies detected on this page.
    pub technologies: Vec<Technology>,
    /// Quality facts.
    pub facts: PageFacts,
    /// Every link, for the crawler.
    pub links: Vec<Link>,
    /// Shell signals, for the browser fallback.
    pub shell: ShellSignals,
    /// The budget ran out before every phase ran: the fields of the phases that did not run
    /// are empty.
    pub cut_short: bool,
    /// The parser limits the page ran into.
    pub limits: Limits,
}

/// `id`s of the element a client-side framework renders into.
const APP_ROOT_IDS: &[&str] = &["root", "app", "__next", "__nuxt", "___gatsby"];

/// The elements the detectors and the shell check read, gathered in one walk of the tree
/// (a `select` per selector walked the whole tree each time).
#[derive(Default)]
struct Elements<'a> {
    meta: Vec<(String, String)>,
    scripts: Vec<ElementRef<'a>>,
    noscripts: Vec<ElementRef<'a>>,
    body: Option<ElementRef<'a>>,
    app_roots: Vec<ElementRef<'a>>,
}

impl<'a> Elements<'a> {
    fn of(doc: &'a Html) -> Self {
        let mut found = Elements::default();
        for node in doc.tree.root().descendants() {
            let Some(el) = ElementRef::wrap(node) else {
                continue;
            };
            let v = el.value();
            match v.name() {
                "meta" => {
                    if let (Some(name), Some(content)) = (
                        dom::attr(v, "name").or_else(|| dom::attr(v, "property")),
                        dom::attr(v, "content"),
                    ) {
                        found
                            .meta
                            .push((name.to_ascii_lowercase(), content.to_owned()));
                    }
                }
                "script" => found.scripts.push(el),
                "noscript" => found.noscripts.push(el),
                "body" if found.body.is_none() => found.body = Some(el),
                _ => {}
            }
            if v.name() == "app-root"
                || v.id().is_some_and(|id| APP_ROOT_IDS.contains(&id))
                || dom::attr(v, "ng-app").is_some()
                || dom::attr(v, "data-reactroot").is_some()
            {
                found.app_roots.push(el);
            }
        }
        found
    }
}

/// Markers in raw HTML of sites whose content is built by scripts.
const CLIENT_MARKERS: &[&str] = &[
    "__NEXT_DATA__",
    "window.__NUXT__",
    "data-reactroot",
    "ng-version",
    "static.parastorage.com",
    "wix-thunderbolt",
    "/_next/static/",
    "webpackJsonp",
    "data-server-rendered",
];

/// Parses `input.html` once and runs every analysis on it.
pub fn analyze_page(input: &PageInput<'_>, config: &AnalyzeConfig<'_>) -> PageAnalysis {
    analyze_page_within(input, config, &Budget::unlimited())
}

/// [`analyze_page`] that stops when `budget` runs out, with what was found until then.
///
/// Contacts and links come first: they are what a lead is audited for and what the crawl
/// needs next.
pub fn analyze_page_within(
    input: &PageInput<'_>,
    config: &AnalyzeConfig<'_>,
    budget: &Budget,
) -> PageAnalysis {
    let parsed = parse_document(input.html, budget);
    let doc = parsed.doc;
    let mut out = PageAnalysis {
        limits: parsed.limits,
        cut_short: true,
        ..PageAnalysis::default()
    };
    if parsed.cut_short || budget.exhausted() {
        return out;
    }
    out.contacts = extract_contacts(&doc, input.url, &config.extract);
    if budget.exhausted() {
        return out;
    }
    out.links = collect_links(&doc, input.url);
    if budget.exhausted() {
        return out;
    }
    let elements = Elements::of(&doc);
    out.shell = shell_signals(&elements, input.html);
    if budget.exhausted() {
        return out;
    }
    let mut script_srcs = Vec::new();
    let mut scripts = Vec::new();
    for s in &elements.scripts {
        match dom::attr(s.value(), "src") {
            Some(src) => script_srcs.push(
                input
                    .url
                    .join(src)
                    .map(String::from)
                    .unwrap_or_else(|_| src.to_owned()),
            ),
            None => scripts.push(s.text().collect::<String>()),
        }
    }
    let cookies = cookies_from_headers(input.headers);
    out.technologies = config.detector.detect(&DetectInput {
        url: input.url.as_str(),
        headers: input.headers,
        cookies: &cookies,
        html: input.html,
        doc: Some(&doc),
        meta: &elements.meta,
        script_srcs: &script_srcs,
        scripts: &scripts,
        js: config.js,
        ..DetectInput::default()
    });
    if budget.exhausted() {
        return out;
    }
    out.facts = page_facts(&doc, input.url);
    out.cut_short = false;
    out
}

/// Cookies set by the response, names lowercased.
pub fn cookies_from_headers(headers: &[(String, String)]) -> Vec<(String, String)> {
    headers
        .iter()
        .filter(|(k, _)| k == "set-cookie")
        .filter_map(|(_, v)| {
            let pair = v.split(';').next()?;
            let (name, value) = pair.split_once('=')?;
            Some((name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        })
        .collect()
}

fn shell_signals(elements: &Elements<'_>, html: &str) -> ShellSignals {
    let visible_text = elements.body.map(visible_chars).unwrap_or(0);
    let empty_app_root = elements
        .app_roots
        .iter()
        .any(|el| el.text().all(|t| t.trim().is_empty()) && el.children().count() < 3);
    let noscript_requires_js = elements.noscripts.iter().any(|n| {
        let t = n.inner_html().to_ascii_lowercase();
        t.contains("javascript")
            && (t.contains("enable") || t.contains("need") || t.contains("require"))
    });
    let client_rendered = empty_app_root || CLIENT_MARKERS.iter().any(|m| html.contains(m));
    ShellSignals {
        visible_text,
        empty_app_root,
        noscript_requires_js,
        client_rendered,
        scripts: elements.scripts.len(),
    }
}

/// Visible characters under `root`, skipping scripts, styles, templates and noscript.
fn visible_chars(root: scraper::ElementRef<'_>) -> usize {
    let mut total = 0;
    let mut stack = vec![*root];
    while let Some(node) = stack.pop() {
        match node.value() {
            Node::Text(t) => total += t.trim().chars().count(),
            Node::Element(e)
                if matches!(
                    e.name(),
                    "script" | "style" | "noscript" | "template" | "svg"
                ) =>
            {
                continue
            }
            _ => {}
        }
        stack.extend(node.children());
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::charset::decode_html;
    use crate::parse::{MAX_ATTRS, MAX_DEPTH};

    const CONTACT: &str = r#"<body><p>Write to <a href="mailto:info@harbourbakery.com">us</a> or call <a href="tel:+14155550132">(415) 555-0132</a>.</p><a href="https://www.facebook.com/harbourbakery">fb</a></body>"#;

    fn analysis(html: &str, budget: &Budget) -> PageAnalysis {
        let url = Url::parse("https://harbourbakery.com/").expect("a literal URL");
        let input = PageInput {
            url: &url,
            html,
            headers: &[],
        };
        let config = AnalyzeConfig {
            detector: Detector::embedded(),
            extract: ExtractOptions {
                lead_region: None,
                default_region: "US",
            },
            js: &[],
        };
        analyze_page_within(&input, &config, budget)
    }

    #[test]
    fn the_contacts_after_hostile_markup_are_found() {
        let attrs: String = (0..200_000).map(|i| format!(" a{i}=x")).collect();
        let invalid = decode_html(&[0xff; 5 << 20], Some("text/html; charset=utf-8"));
        for (what, junk) in [
            (
                "nested divs",
                format!("{}{}", "<div>".repeat(100_000), "</div>".repeat(100_000)),
            ),
            ("unclosed nested divs", "<div>".repeat(100_000)),
            ("nested lists", "<ul><li>".repeat(50_000)),
            ("nested tables", "<table><tr><td>".repeat(30_000)),
            ("attributes", format!("<div{attrs}>x</div>")),
            ("NUL bytes", "\0".repeat(5 << 20)),
            (
                "stray end tags",
                format!("<body>{}", "</p>".repeat((5 << 20) / 4)),
            ),
            ("invalid UTF-8", invalid),
        ] {
            let a = analysis(&format!("{junk}{CONTACT}"), &Budget::unlimited());
            assert!(!a.cut_short, "{what}");
            assert_eq!(a.contacts.emails, ["info@harbourbakery.com"], "{what}");
            assert_eq!(a.contacts.phones, ["+14155550132"], "{what}");
            assert!(a.contacts.socials.contains_key("facebook"), "{what}");
        }
    }

    #[test]
    fn the_limits_a_page_ran_into_are_reported() {
        let deep = analysis(&"<div>".repeat(MAX_DEPTH + 10), &Budget::unlimited());
        assert!(deep.limits.depth_flattened);
        let attrs: String = (0..=MAX_ATTRS).map(|i| format!(" a{i}")).collect();
        let wide = analysis(&format!("<p{attrs}>"), &Budget::unlimited());
        assert!(wide.limits.attributes_dropped);
        assert_eq!(
            analysis(CONTACT, &Budget::unlimited()).limits,
            Limits::default()
        );
    }

    #[test]
    fn an_analysis_out_of_time_says_so() {
        let spent = Budget::until(std::time::Instant::now());
        let a = analysis(CONTACT, &spent);
        assert!(a.cut_short);
        assert!(a.contacts.emails.is_empty());
        assert!(!analysis(CONTACT, &Budget::unlimited()).cut_short);
    }

    fn shell(html: &str) -> ShellSignals {
        shell_signals(&Elements::of(&Html::parse_document(html)), html)
    }

    #[test]
    fn empty_app_roots_and_noscript_pages_are_shells() {
        let spa = r#"<html><body><div id="root"></div><script src="/static/js/main.js"></script></body></html>"#;
        assert!(shell(spa).is_shell());
        let ns = r#"<body><noscript>You need to enable JavaScript to run this app.</noscript><div id="x">Loading</div><script src="a.js"></script></body>"#;
        assert!(shell(ns).is_shell());
    }

    #[test]
    fn every_kind_of_app_root_is_recognised() {
        for root in [
            r#"<div id="__next"></div>"#,
            r#"<div id="___gatsby"> </div>"#,
            "<app-root></app-root>",
            r#"<section ng-app="shop"></section>"#,
            r#"<main data-reactroot=""></main>"#,
        ] {
            let html = format!("<body>{root}<script src=\"a.js\"></script></body>");
            assert!(shell(&html).empty_app_root, "{root}");
        }
        let s = shell(r#"<body><div id="rooted"></div><p id="app">Welcome</p></body>"#);
        assert!(!s.empty_app_root, "{s:?}");
    }

    #[test]
    fn a_terse_static_page_is_not_a_shell() {
        let terse = r#"<body><p>Call (415) 555-0132 or mail info@a.com</p></body>"#;
        assert!(!shell(terse).is_shell());
        let real = format!("<body><div id=\"root\"><h1>Hi</h1><p>{}</p></div><script src=\"a.js\"></script></body>", "text ".repeat(50));
        let s = shell(&real);
        assert!(!s.is_shell(), "{s:?}");
    }
}
