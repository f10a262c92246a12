//! Indexability and best-practice facts of a page's markup (robots meta, canonical and
//! hreflang links, doctype, charset, lang, zoom, refresh, link texts, uncrawlable links),
//! gathered during the one walk of `checks.rs`.

use std::collections::HashSet;
use std::sync::LazyLock;

use ego_tree::NodeId;
use scraper::node::Element;
use scraper::ElementRef;
use serde::Deserialize;

use crate::dom;

/// Distinct canonical hrefs kept: two already conflict.
const MAX_CANONICALS: usize = 4;
/// Characters of an example kept for a message.
const EXAMPLE_CHARS: usize = 80;
/// Characters of a link's text kept: a longer text is descriptive, whatever it says.
const LINK_TEXT_CHARS: usize = 40;

/// Link texts that say nothing about where the link goes ("click here", "mehr").
#[allow(clippy::expect_used)] // embedded data, checked by a test
static VAGUE_LINK_TEXTS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        vague_link_texts: Vec<String>,
    }
    let data: Data = serde_json::from_str(include_str!("../../data/audit_link_texts.json"))
        .expect("data/audit_link_texts.json is valid");
    data.vague_link_texts.into_iter().collect()
});

/// What a page's markup says about indexing and web best practices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MarkupFacts {
    /// A `<meta name=robots>` or `<meta name=googlebot>` that forbids indexing, as
    /// `name: content`.
    pub noindex_meta: Option<String>,
    /// Distinct `href`s of `<link rel=canonical>` in `<head>`, trimmed, in order, up to 4;
    /// a link without `href` is kept as `""`.
    pub canonicals: Vec<String>,
    /// `<link rel=alternate hreflang>` with an invalid language code or an `href` that is
    /// not an absolute http(s) URL.
    pub hreflang_invalid: u32,
    /// The first of them, as `hreflang → href`.
    pub hreflang_example: Option<String>,
    /// The document has a doctype.
    pub doctype: bool,
    /// The parser went into quirks mode: no doctype, or a legacy one.
    pub quirks_mode: bool,
    /// `<meta charset>` or `<meta http-equiv=content-type>` naming a charset.
    pub charset_declared: bool,
    /// `lang` (or `xml:lang`) of `<html>`, trimmed, when not empty.
    pub lang: Option<String>,
    /// The content of a viewport meta that stops people zooming (`user-scalable=no` or `0`,
    /// `maximum-scale` under 5).
    pub zoom_disabled: Option<String>,
    /// The content of the first `<meta http-equiv=refresh>` with a delay.
    pub meta_refresh: Option<String>,
    /// Links (with an `href` to another page) whose whole text says nothing of where they
    /// go: "click here", "read more", "mehr".
    pub vague_links: u32,
    /// The first such text, as written.
    pub vague_link_example: Option<String>,
    /// Links search engines cannot follow: `<a>` with a `javascript:` or `file:` href, `<a>`
    /// without `href` but with `onclick` or `role=link`, other elements with `role=link`.
    pub uncrawlable_links: u32,
    /// The first of them, briefly.
    pub uncrawlable_example: Option<String>,
    /// A non-empty `<meta http-equiv=content-security-policy>`.
    pub csp_meta: bool,
}

/// The link whose text is being read.
struct OpenLink {
    id: NodeId,
    /// The text so far, runs of whitespace made one space.
    text: String,
    /// Characters other than whitespace in `text`.
    chars: usize,
    /// A space is due before the next word.
    space: bool,
    /// More than [`LINK_TEXT_CHARS`] characters of text: `text` is no longer kept.
    long: bool,
}

impl OpenLink {
    fn new(id: NodeId) -> Self {
        Self {
            id,
            text: String::new(),
            chars: 0,
            space: false,
            long: false,
        }
    }

    /// Adds `text`, in time linear in it however the link's text is split into nodes.
    fn push(&mut self, text: &str) {
        for c in text.chars() {
            if self.long {
                return;
            }
            if c.is_whitespace() {
                self.space = !self.text.is_empty();
                continue;
            }
            if std::mem::take(&mut self.space) {
                self.text.push(' ');
            }
            self.text.push(c);
            self.chars += 1;
            if self.chars > LINK_TEXT_CHARS {
                self.long = true;
                self.text = String::new();
            }
        }
    }
}

/// The state of the walk: the facts so far, whether it is inside `<head>`, the open link.
#[derive(Default)]
pub(super) struct MarkupScan {
    facts: MarkupFacts,
    in_head: bool,
    link: Option<OpenLink>,
}

impl MarkupScan {
    /// A doctype node.
    pub(super) fn doctype(&mut self) {
        self.facts.doctype = true;
    }

    /// Text shown on the page (the caller leaves out scripts, styles and the like).
    pub(super) fn text(&mut self, text: &str) {
        if let Some(link) = self.link.as_mut() {
            link.push(text);
        }
    }

    /// An HTML element opens.
    pub(super) fn open(&mut self, el_ref: ElementRef<'_>) {
        let el = el_ref.value();
        match el.name() {
            "html" if self.facts.lang.is_none() => {
                self.facts.lang = dom::attr(el, "lang")
                    .or_else(|| dom::attr(el, "xml:lang"))
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned);
            }
            "head" => self.in_head = true,
            "meta" => self.meta(el),
            "link" => self.link_element(el),
            "a" => self.anchor(el_ref),
            _ => {}
        }
        if el.name() != "a" && el.name() != "area" && is_link_role(el) {
            self.uncrawlable(|| format!("<{} role=\"link\">", el.name()));
        }
    }

    /// An HTML element closes.
    pub(super) fn close(&mut self, id: NodeId, name: &str) {
        match name {
            "head" => self.in_head = false,
            "a" if self.link.as_ref().is_some_and(|l| l.id == id) => {
                if let Some(link) = self.link.take() {
                    self.link_text(link);
                }
            }
            _ => {}
        }
    }

    /// The facts, with the parser's quirks mode.
    pub(super) fn finish(mut self, quirks_mode: bool) -> MarkupFacts {
        if let Some(link) = self.link.take() {
            self.link_text(link);
        }
        self.facts.quirks_mode = quirks_mode;
        self.facts
    }

    fn meta(&mut self, el: &Element) {
        let f = &mut self.facts;
        let content = dom::attr(el, "content").map(str::trim).unwrap_or("");
        if dom::attr(el, "charset").is_some_and(|c| !c.trim().is_empty()) {
            f.charset_declared = true;
        }
        let equiv = dom::attr(el, "http-equiv")
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match equiv.as_str() {
            "content-type" if charset_in(content).is_some() => f.charset_declared = true,
            "refresh" if f.meta_refresh.is_none() && is_refresh(content) => {
                f.meta_refresh = Some(example(content));
            }
            "content-security-policy" if !content.is_empty() => f.csp_meta = true,
            _ => {}
        }
        let name = dom::attr(el, "name")
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match name.as_str() {
            "robots" | "googlebot" if f.noindex_meta.is_none() && forbids_indexing(content) => {
                f.noindex_meta = Some(format!("{name}: {}", example(content)));
            }
            "viewport" if f.zoom_disabled.is_none() && disables_zoom(content) => {
                f.zoom_disabled = Some(example(content));
            }
            _ => {}
        }
    }

    fn link_element(&mut self, el: &Element) {
        let rel = dom::attr(el, "rel").unwrap_or("");
        let has = |token: &str| {
            rel.split_ascii_whitespace()
                .any(|t| t.eq_ignore_ascii_case(token))
        };
        let href = dom::attr(el, "href").map(str::trim);
        if has("canonical") && self.in_head {
            let href = href.unwrap_or("");
            let kept = &mut self.facts.canonicals;
            if kept.len() < MAX_CANONICALS && !kept.iter().any(|c| c == href) {
                kept.push(href.to_owned());
            }
        }
        if has("alternate") {
            if let Some(lang) = dom::attr(el, "hreflang") {
                let href = href.unwrap_or("");
                if !valid_hreflang(lang.trim()) || !is_absolute_http(href) {
                    self.facts.hreflang_invalid += 1;
                    if self.facts.hreflang_example.is_none() {
                        self.facts.hreflang_example =
                            Some(example(&format!("{} → {href}", lang.trim())));
                    }
                }
            }
        }
    }

    fn anchor(&mut self, el_ref: ElementRef<'_>) {
        let el = el_ref.value();
        let role = dom::attr(el, "role").map(first_token);
        // An anchor that says it is a button or a tab is not meant as a link.
        if role.as_deref().is_some_and(|r| r != "link") {
            return;
        }
        match dom::attr(el, "href") {
            Some(href) => {
                let compact: String = href
                    .chars()
                    .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
                    .take(16)
                    .collect::<String>()
                    .to_ascii_lowercase();
                if compact.starts_with("javascript:") || compact.starts_with("file:") {
                    self.uncrawlable(|| example(href.trim()));
                } else if goes_elsewhere(&compact) && self.link.is_none() {
                    self.link = Some(OpenLink::new(el_ref.id()));
                }
            }
            None if role.is_some() => self.uncrawlable(|| "<a role=\"link\"> without href".into()),
            None if dom::attr(el, "onclick").is_some() => {
                self.uncrawlable(|| "<a onclick> without href".into());
            }
            None => {}
        }
    }

    fn uncrawlable(&mut self, example: impl FnOnce() -> String) {
        self.facts.uncrawlable_links += 1;
        if self.facts.uncrawlable_example.is_none() {
            self.facts.uncrawlable_example = Some(example());
        }
    }

    fn link_text(&mut self, link: OpenLink) {
        if link.long {
            return;
        }
        let key = link
            .text
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        if VAGUE_LINK_TEXTS.contains(&key) {
            self.facts.vague_links += 1;
            if self.facts.vague_link_example.is_none() {
                self.facts.vague_link_example = Some(link.text);
            }
        }
    }
}

/// `role` names `link` as its first token.
fn is_link_role(el: &Element) -> bool {
    dom::attr(el, "role").is_some_and(|r| first_token(r) == "link")
}

fn first_token(role: &str) -> String {
    role.split_ascii_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// An href (lowercased, without whitespace) to another page: not a fragment of this one, nor
/// an email, phone or script address.
fn goes_elsewhere(href: &str) -> bool {
    !(href.is_empty()
        || href.starts_with('#')
        || ["mailto:", "tel:", "sms:", "javascript:", "data:"]
            .iter()
            .any(|s| href.starts_with(s)))
}

/// At most [`EXAMPLE_CHARS`] characters of `s`.
pub(super) fn example(s: &str) -> String {
    match s.char_indices().nth(EXAMPLE_CHARS) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_owned(),
    }
}

/// The charset named in a `Content-Type` value (`text/html; charset=utf-8`), when not empty.
pub(super) fn charset_in(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (k, v) = param.split_once('=')?;
        let v = v.trim().trim_matches(['"', '\'']).trim();
        (k.trim().eq_ignore_ascii_case("charset") && !v.is_empty()).then_some(v)
    })
}

/// Robots directives (`noindex, nofollow`) that keep the page out of search results: `noindex`
/// or `none`.
pub(super) fn forbids_indexing(directives: &str) -> bool {
    directives
        .split([',', ' ', '\t', '\n', '\r'])
        .any(|d| d.eq_ignore_ascii_case("noindex") || d.eq_ignore_ascii_case("none"))
}

/// A viewport content (`width=device-width, maximum-scale=1`) that stops pinch-zoom.
fn disables_zoom(content: &str) -> bool {
    content.split([',', ';']).any(|pair| {
        let Some((k, v)) = pair.split_once('=') else {
            return false;
        };
        let (k, v) = (k.trim(), v.trim());
        if k.eq_ignore_ascii_case("user-scalable") {
            v.eq_ignore_ascii_case("no") || v == "0"
        } else if k.eq_ignore_ascii_case("maximum-scale") {
            v.parse::<f64>().is_ok_and(|s| s < 5.0)
        } else {
            false
        }
    })
}

/// A refresh content a browser acts on: it starts with a delay (`0; url=/new`, `300`).
fn is_refresh(content: &str) -> bool {
    content.starts_with(|c: char| c.is_ascii_digit() || c == '.')
}

/// An absolute `http:` or `https:` URL.
fn is_absolute_http(href: &str) -> bool {
    url::Url::parse(href).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
}

/// `x-default`, or a language tag shaped like BCP 47's common part: a 2–3 letter language,
/// then optionally a 4-letter script, then optionally a 2-letter or 3-digit region
/// (`en`, `en-GB`, `zh-Hant-TW`, `es-419`), case-insensitive.
fn valid_hreflang(tag: &str) -> bool {
    if tag.eq_ignore_ascii_case("x-default") {
        return true;
    }
    let mut parts = tag.split('-').peekable();
    let alpha = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic())
    };
    if !parts.next().is_some_and(|l| alpha(l, 2..=3)) {
        return false;
    }
    if parts.peek().is_some_and(|s| alpha(s, 4..=4)) {
        parts.next();
    }
    if let Some(region) = parts.next() {
        let digits = region.len() == 3 && region.bytes().all(|b| b.is_ascii_digit());
        if !(alpha(region, 2..=2) || digits) {
            return false;
        }
    }
    parts.next().is_none()
}

#[cfg(test)]
mod tests;
