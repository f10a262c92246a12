//! Choosing which same-site pages to crawl: links whose text or path says contact, about,
//! impressum…, footer links next; never off-site, never twice.

use std::collections::HashSet;
use std::sync::LazyLock;

use scraper::{ElementRef, Html, Selector};
use url::Url;

use crate::dom;
use crate::fetch::MAX_URL_BYTES;
use crate::redact::strip_credentials;

/// A link found on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Absolute URL, fragment removed.
    pub url: Url,
    /// Visible text (or title / aria-label), lowercased and trimmed.
    pub text: String,
    /// Inside `<footer>` or an element whose id/class says footer.
    pub in_footer: bool,
}

#[allow(clippy::unwrap_used)] // literal selectors
static ANCHOR: LazyLock<Selector> = LazyLock::new(|| Selector::parse("a[href]").unwrap());

/// Words that mark a page likely to hold contact details, with their weight.
const KEYWORDS: &[(&str, i32)] = &[
    ("contact", 10),
    ("kontakt", 10),
    ("contacto", 10),
    ("contatti", 10),
    ("impressum", 9),
    ("imprint", 9),
    ("mentions-legales", 8),
    ("mentions légales", 8),
    ("legal", 5),
    ("about", 6),
    ("ueber-uns", 6),
    ("uber-uns", 6),
    ("über uns", 6),
    ("a-propos", 6),
    ("à propos", 6),
    ("team", 5),
    ("location", 4),
    ("find-us", 4),
    ("get-in-touch", 8),
    ("reach-us", 6),
    ("support", 2),
];

/// File endings that are never HTML pages.
const SKIP_EXT: &[&str] = &[
    ".pdf", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".zip", ".doc", ".docx", ".xls",
    ".xlsx", ".mp3", ".mp4", ".mov", ".css", ".js", ".xml", ".ics", ".vcf",
];

/// Every `<a href>` of the page resolved against `base`, http(s) only.
pub fn collect_links(doc: &Html, base: &Url) -> Vec<Link> {
    let base = doc_base(doc, base);
    doc.select(&ANCHOR)
        .filter_map(|a| {
            let href = dom::attr(a.value(), "href")?.trim();
            let mut url = base.join(href).ok()?;
            if !matches!(url.scheme(), "http" | "https") {
                return None;
            }
            url.set_fragment(None);
            let mut text = a.text().collect::<String>();
            if text.trim().is_empty() {
                text = dom::attr(a.value(), "title")
                    .or_else(|| dom::attr(a.value(), "aria-label"))
                    .unwrap_or("")
                    .to_owned();
            }
            Some(Link {
                url,
                text: text.trim().to_lowercase(),
                in_footer: in_footer(a),
            })
        })
        .collect()
}

fn doc_base(doc: &Html, page: &Url) -> Url {
    #[allow(clippy::unwrap_used)] // literal selector
    static BASE: LazyLock<Selector> = LazyLock::new(|| Selector::parse("base[href]").unwrap());
    doc.select(&BASE)
        .next()
        .and_then(|b| page.join(dom::attr(b.value(), "href")?).ok())
        .unwrap_or_else(|| page.clone())
}

fn in_footer(el: ElementRef<'_>) -> bool {
    el.ancestors().filter_map(ElementRef::wrap).any(|e| {
        let v = e.value();
        v.name() == "footer"
            || dom::attr(v, "id").is_some_and(|s| s.to_ascii_lowercase().contains("footer"))
            || dom::attr(v, "class").is_some_and(|s| s.to_ascii_lowercase().contains("footer"))
            || dom::attr(v, "role") == Some("contentinfo")
    })
}

/// The host without a leading `www.`, to compare sites.
pub fn site_key(url: &Url) -> Option<String> {
    let host = url.host_str()?.to_ascii_lowercase();
    Some(host.strip_prefix("www.").map(str::to_owned).unwrap_or(host))
}

/// True when `url` belongs to the same site as `home` (same host, `www.` ignored).
pub fn same_site(url: &Url, home: &Url) -> bool {
    site_key(url).is_some() && site_key(url) == site_key(home)
}

fn relevance(link: &Link) -> i32 {
    let path = percent_encoding::percent_decode_str(link.url.path())
        .decode_utf8_lossy()
        .to_lowercase();
    let mut best = 0;
    for &(word, weight) in KEYWORDS {
        if path.contains(word) {
            best = best.max(weight + 1);
        }
        if link.text.contains(word) || link.text.contains(&word.replace('-', " ")) {
            best = best.max(weight);
        }
    }
    if best == 0 && link.in_footer {
        best = 1;
    }
    best
}

/// Picks up to `max` pages to crawl from `links`, best first, skipping `seen` URLs (which it
/// extends), other sites, assets, pages that look irrelevant and URLs too long to fetch
/// ([`MAX_URL_BYTES`]). The URLs come back without credentials.
pub fn pick_pages(links: &[Link], home: &Url, max: usize, seen: &mut HashSet<String>) -> Vec<Url> {
    let mut ranked: Vec<(i32, usize, &Link)> = links
        .iter()
        .enumerate()
        .filter(|(_, l)| same_site(&l.url, home) && l.url.as_str().len() <= MAX_URL_BYTES)
        .filter(|(_, l)| {
            let path = l.url.path().to_ascii_lowercase();
            !SKIP_EXT.iter().any(|e| path.ends_with(e))
                && !path.starts_with("/cdn-cgi/")
                && !path.contains("/wp-content/")
        })
        .map(|(i, l)| (relevance(l), i, l))
        .filter(|(score, _, _)| *score > 0)
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut out = Vec::new();
    for (_, _, link) in ranked {
        if out.len() >= max {
            break;
        }
        if seen.insert(page_key(&link.url)) {
            let mut url = link.url.clone();
            strip_credentials(&mut url);
            out.push(url);
        }
    }
    out
}

/// The identity of a page for "never fetch twice": scheme-less, `www.`-less, no trailing slash.
pub fn page_key(url: &Url) -> String {
    let path = url.path().trim_end_matches('/');
    match url.query() {
        Some(q) => format!("{}{}?{}", site_key(url).unwrap_or_default(), path, q),
        None => format!("{}{}", site_key(url).unwrap_or_default(), path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(html: &str, max: usize) -> Vec<String> {
        let home = Url::parse("https://www.shop.com/").unwrap();
        let doc = Html::parse_document(html);
        let links = collect_links(&doc, &home);
        let mut seen = HashSet::from([page_key(&home)]);
        pick_pages(&links, &home, max, &mut seen)
            .iter()
            .map(|u| u.path().to_owned())
            .collect()
    }

    #[test]
    fn contact_pages_first_same_site_only_once() {
        let html = r#"<a href="/products">Products</a><a href="/about-us">About us</a>
            <a href="https://other.com/contact">Contact elsewhere</a><a href="/kontakt/">Kontakt</a>
            <a href="/kontakt">Kontakt again</a><a href="/brochure.pdf">Contact PDF</a>
            <a href="https://shop.com/">Home</a><footer><a href="/privacy">Privacy</a></footer>"#;
        assert_eq!(pick(html, 5), vec!["/kontakt/", "/about-us", "/privacy"]);
        assert_eq!(pick(html, 1), vec!["/kontakt/"]);
    }

    #[test]
    fn overlong_links_are_skipped_and_credentials_dropped() {
        let long = format!("/contact?{}", "x".repeat(MAX_URL_BYTES));
        let html = format!(
            r#"<a href="{long}">Contact</a><a href="https://user:secret@www.shop.com/kontakt">Kontakt</a>"#
        );
        let home = Url::parse("https://www.shop.com/").unwrap();
        let links = collect_links(&Html::parse_document(&html), &home);
        let mut seen = HashSet::from([page_key(&home)]);
        let picked = pick_pages(&links, &home, 5, &mut seen);
        assert_eq!(
            picked.iter().map(Url::as_str).collect::<Vec<_>>(),
            vec!["https://www.shop.com/kontakt"]
        );
    }

    #[test]
    fn link_text_counts_when_the_path_is_opaque() {
        let html = r#"<a href="/p?id=7">Get in touch</a><a href="/p?id=8">Impressum</a><a href="mailto:a@b.co">Mail</a>"#;
        assert_eq!(
            pick(html, 5),
            vec!["/p", "/p"],
            "both texts name a contact page; mailto is no page"
        );
    }
}
