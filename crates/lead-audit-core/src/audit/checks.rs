//! Facts read from one parsed page, in one walk over its nodes.

use ego_tree::iter::Edge;
use html5ever::tree_builder::QuirksMode;
use scraper::node::Element;
use scraper::{ElementRef, Html, Node};
use url::Url;

use super::copyright::CopyrightScan;
use super::markup::{MarkupFacts, MarkupScan};
use crate::dom;

/// What one page tells about the site's quality.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageFacts {
    /// `<title>` text, trimmed.
    pub title: Option<String>,
    /// Meta description, trimmed.
    pub meta_description: Option<String>,
    /// `<meta name=viewport>` present.
    pub viewport: bool,
    /// Number of `<h1>`.
    pub h1_count: u32,
    /// Number of `<img>`.
    pub image_count: u32,
    /// `<img>` without an `alt` attribute.
    pub images_without_alt: u32,
    /// Latest year next to ©/"copyright".
    pub copyright_year: Option<i32>,
    /// `<script src>` in `<head>` without async/defer/type=module.
    pub render_blocking_scripts: u32,
    /// JSON-LD or microdata present.
    pub structured_data: bool,
    /// `og:` meta present.
    pub open_graph: bool,
    /// `<link rel=icon>` present.
    pub favicon_declared: bool,
    /// `http://` subresources (img/script/link/iframe/src) on an https page.
    pub mixed_content: u32,
    /// A `<form>` with a `<textarea>`: a message form, not a search or newsletter box.
    pub contact_form: bool,
    /// An ASP.NET Web Forms page (`__VIEWSTATE` hidden field).
    pub aspnet_webforms: bool,
    /// Indexability and best-practice facts of the markup.
    pub markup: MarkupFacts,
}

const HTML_NS: &str = "http://www.w3.org/1999/xhtml";

/// Reads the facts of one parsed page at `page_url`.
pub fn page_facts(doc: &Html, page_url: &Url) -> PageFacts {
    let https = page_url.scheme() == "https";
    let mut facts = PageFacts::default();
    let mut copyright = CopyrightScan::default();
    let mut markup = MarkupScan::default();
    // Open and close edges: the close of a link ends its text, the close of <head> its
    // links.
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Text(t) => {
                    let parent = node.parent().and_then(|p| p.value().as_element());
                    if parent.is_some_and(|p| !is_hidden_text(p.name())) {
                        copyright.feed(t);
                        markup.text(t);
                    }
                }
                Node::Element(el) => {
                    // SVG and MathML have their own <title>, <script>, <a>.
                    if &*el.name.ns != HTML_NS {
                        continue;
                    }
                    if let Some(el) = ElementRef::wrap(node) {
                        element(&mut facts, el, https);
                        markup.open(el);
                    }
                }
                Node::Doctype(_) => markup.doctype(),
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(el) = node.value() {
                    if &*el.name.ns == HTML_NS {
                        markup.close(node.id(), el.name());
                    }
                }
            }
        }
    }
    facts.copyright_year = copyright.finish();
    facts.markup = markup.finish(doc.quirks_mode == QuirksMode::Quirks);
    facts
}

/// Text whose content is code or markup, not shown as written.
fn is_hidden_text(parent: &str) -> bool {
    matches!(
        parent,
        "script" | "style" | "noscript" | "template" | "title"
    )
}

/// Walks up from `el`: true at an element named `hit`, false at one named `stop`.
fn inside(el: ElementRef<'_>, hit: &str, stop: &str) -> bool {
    for a in el.ancestors().filter_map(ElementRef::wrap) {
        match a.value().name() {
            n if n == hit => return true,
            n if n == stop => return false,
            _ => {}
        }
    }
    false
}

fn element(facts: &mut PageFacts, el_ref: ElementRef<'_>, https: bool) {
    let el = el_ref.value();
    let attr = |name: &str| dom::attr(el, name);
    if attr("itemscope").is_some() || attr("itemtype").is_some() {
        facts.structured_data = true;
    }
    match el.name() {
        "title" if facts.title.is_none() => {
            let text = el_ref.text().collect::<String>();
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if !text.is_empty() {
                facts.title = Some(text);
            }
        }
        "meta" => meta(facts, el),
        "h1" => facts.h1_count += 1,
        "img" => {
            facts.image_count += 1;
            if attr("alt").is_none() {
                facts.images_without_alt += 1;
            }
        }
        "link" => {
            let rel = attr("rel").unwrap_or("").to_ascii_lowercase();
            if rel.split_ascii_whitespace().any(|t| t == "icon") {
                facts.favicon_declared = true;
            }
        }
        "script" => {
            let ty = attr("type").unwrap_or("").trim().to_ascii_lowercase();
            if ty == "application/ld+json" {
                facts.structured_data = true;
            } else if attr("src").is_some()
                && attr("async").is_none()
                && attr("defer").is_none()
                && is_classic_script(&ty)
                && inside(el_ref, "head", "body")
            {
                facts.render_blocking_scripts += 1;
            }
        }
        "textarea" if !facts.contact_form => facts.contact_form = inside(el_ref, "form", ""),
        "input" if attr("name").is_some_and(|n| n.eq_ignore_ascii_case("__viewstate")) => {
            facts.aspnet_webforms = true;
        }
        _ => {}
    }
    if https {
        facts.mixed_content += insecure_subresources(el);
    }
}

/// Types a browser runs as a classic, parser-blocking script.
fn is_classic_script(ty: &str) -> bool {
    matches!(
        ty,
        "" | "text/javascript" | "application/javascript" | "application/x-javascript"
    )
}

fn meta(facts: &mut PageFacts, el: &Element) {
    let name = dom::attr(el, "name")
        .or_else(|| dom::attr(el, "property"))
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let content = dom::attr(el, "content").map(str::trim).unwrap_or("");
    match name.as_str() {
        "viewport" if !content.is_empty() => facts.viewport = true,
        "description" if facts.meta_description.is_none() && !content.is_empty() => {
            facts.meta_description = Some(content.to_owned());
        }
        n if n.starts_with("og:") => facts.open_graph = true,
        _ => {}
    }
}

/// Counts `http://` URLs this element makes the browser load.
fn insecure_subresources(el: &Element) -> u32 {
    let attrs: &[&str] = match el.name() {
        "img" | "source" => &["src", "srcset"],
        "script" | "iframe" | "audio" | "embed" | "track" => &["src"],
        "video" => &["src", "poster"],
        "object" => &["data"],
        "input" if dom::attr(el, "type").is_some_and(|t| t.eq_ignore_ascii_case("image")) => {
            &["src"]
        }
        "link" => {
            let rel = dom::attr(el, "rel").unwrap_or("").to_ascii_lowercase();
            let loads = rel.split_ascii_whitespace().any(|t| {
                matches!(
                    t,
                    "stylesheet" | "icon" | "preload" | "modulepreload" | "manifest"
                )
            });
            if loads {
                &["href"]
            } else {
                &[]
            }
        }
        _ => &[],
    };
    attrs
        .iter()
        .filter_map(|a| dom::attr(el, a))
        .filter(|v| v.split(',').any(|part| starts_with_http(part.trim_start())))
        .count() as u32
}

fn starts_with_http(v: &str) -> bool {
    v.len() >= 7 && v.as_bytes()[..7].eq_ignore_ascii_case(b"http://")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(html: &str) -> PageFacts {
        facts_at(html, "https://acme.example/")
    }

    fn facts_at(html: &str, url: &str) -> PageFacts {
        let url = Url::parse(url).expect("url");
        page_facts(&Html::parse_document(html), &url)
    }

    const GOOD: &str = r#"<!doctype html><html><head>
        <title>  Acme Plumbing —
           Emergency plumbers in Springfield </title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="Description" content="  Family plumbers since 1998. ">
        <meta property="og:title" content="Acme">
        <link rel="shortcut icon" href="/fav.png">
        <script src="/app.js" defer></script>
        <script type="module" src="/m.js"></script>
        <script type="application/ld+json">{"@type":"Plumber"}</script>
        </head><body>
        <h1>Acme</h1><img src="/a.png" alt="van"><img src="/b.png" alt="">
        <svg><title>icon</title></svg>
        <form action="/contact"><input type="email" name="email"><textarea name="msg"></textarea></form>
        <footer>© 2024 Acme Plumbing</footer>
        </body></html>"#;

    #[test]
    fn a_well_built_page() {
        let f = facts(GOOD);
        assert_eq!(
            f.title.as_deref(),
            Some("Acme Plumbing — Emergency plumbers in Springfield")
        );
        assert_eq!(
            f.meta_description.as_deref(),
            Some("Family plumbers since 1998.")
        );
        assert!(f.viewport);
        assert_eq!(f.h1_count, 1);
        assert_eq!((f.image_count, f.images_without_alt), (2, 0));
        assert_eq!(f.copyright_year, Some(2024));
        assert_eq!(f.render_blocking_scripts, 0);
        assert!(f.structured_data && f.open_graph && f.favicon_declared && f.contact_form);
        assert_eq!(f.mixed_content, 0);
        assert!(!f.aspnet_webforms);
    }

    #[test]
    fn an_old_page() {
        let f = facts(
            r#"<html><head>
            <script src="http://code.jquery.com/jquery-1.8.3.min.js"></script>
            <script type="text/javascript" src="/menu.js"></script>
            <script>var inline = 1;</script>
            <link rel="stylesheet" href="http://acme.example/style.css">
            <link rel="canonical" href="http://acme.example/">
            </head><body>
            <h1>Welcome</h1><h1>Our services</h1>
            <img src="http://acme.example/logo.gif"><img srcset="/a.png 1x, http://x.example/b.png 2x" alt="b">
            <form><input type="hidden" name="__VIEWSTATE" value="x"><input name="q"></form>
            <p>&copy; 2015-2019 Acme. <script>document.write("©2031")</script></p>
            </body></html>"#,
        );
        assert_eq!(f.title, None);
        assert_eq!(f.meta_description, None);
        assert!(!f.viewport);
        assert_eq!(f.h1_count, 2);
        assert_eq!((f.image_count, f.images_without_alt), (2, 1));
        assert_eq!(f.copyright_year, Some(2019));
        assert_eq!(f.render_blocking_scripts, 2);
        assert!(!f.structured_data && !f.open_graph && !f.favicon_declared);
        // jQuery, the stylesheet, the logo and one srcset candidate; not the canonical link.
        assert_eq!(f.mixed_content, 4);
        assert!(!f.contact_form, "a search box is not a contact form");
        assert!(f.aspnet_webforms);
    }

    #[test]
    fn mixed_content_only_on_https_pages() {
        let html = r#"<img src="http://acme.example/a.png">"#;
        assert_eq!(facts(html).mixed_content, 1);
        assert_eq!(facts_at(html, "http://acme.example/").mixed_content, 0);
    }

    #[test]
    fn scripts_in_body_do_not_block_rendering() {
        let f = facts(r#"<html><head></head><body><script src="/a.js"></script></body></html>"#);
        assert_eq!(f.render_blocking_scripts, 0);
        let f = facts(
            r#"<head><script async src="/a.js"></script><script src="/t.html" type="text/template"></script></head>"#,
        );
        assert_eq!(f.render_blocking_scripts, 0);
    }

    #[test]
    fn microdata_counts_as_structured_data() {
        let f = facts(r#"<div itemscope itemtype="https://schema.org/LocalBusiness">Acme</div>"#);
        assert!(f.structured_data);
    }

    #[test]
    fn copyright_split_over_elements() {
        let f = facts(r#"<footer><p>Copyright &copy; <span id="y">2018</span> Acme</p></footer>"#);
        assert_eq!(f.copyright_year, Some(2018));
    }

    #[test]
    fn copyright_in_scripts_or_styles_is_ignored() {
        let f = facts(
            r#"<style>/* © 2012 theme */</style><script>// Copyright 2013</script><p>hello</p>"#,
        );
        assert_eq!(f.copyright_year, None);
    }

    #[test]
    fn empty_viewport_and_title_do_not_count() {
        let f = facts(r#"<head><title>   </title><meta name="viewport" content=""></head>"#);
        assert_eq!(f.title, None);
        assert!(!f.viewport);
    }

    #[test]
    fn svg_title_is_not_the_page_title() {
        let f = facts(r#"<body><svg><title>logo</title></svg></body>"#);
        assert_eq!(f.title, None);
    }
}
