//! Contact extraction: emails, phones, social profiles, by the rules of `docs/extract.md`.
//!
//! One walk over the parsed document visits every element and visible text node once:
//! links (`mailto:`, `tel:`, Cloudflare's email protection, TYPO3's scrambled `mailto:`,
//! social profiles), `<link href="mailto:…">`, attributes (`data-cfemail`,
//! `data-mailto-token`, microdata `content`), `<meta name="email" | "reply-to">`, JSON-LD
//! blocks, and visible text. Text is scanned
//! a line at a time: inline elements (`span`, `strong`, `a`…) join their neighbours, block
//! elements end the line, so two cells or paragraphs are never glued together. Phones wait
//! until the walk is over, when every region hint of the page is known.

mod cue;
mod email;
mod jsonld;
mod line;
mod phone;
mod region;
mod social;
mod typo3;

use std::collections::{BTreeMap, HashSet};

use scraper::node::Element;
use scraper::{Html, Node};
use url::Url;

use crate::contact::{ContactKind, ContactMethod};
use crate::dom;
use line::Line;
use phone::Pending;
use region::PageRegions;

/// Contacts found on one page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contacts {
    /// Lowercased, deduplicated, best first.
    pub emails: Vec<String>,
    /// E.164, deduplicated.
    pub phones: Vec<String>,
    /// Fax numbers, E.164, deduplicated, none of them in `phones`.
    pub faxes: Vec<String>,
    /// Platform → profile URL.
    pub socials: BTreeMap<String, String>,
    /// How each value above was first read on the page; socials are keyed by their URL.
    pub methods: BTreeMap<(ContactKind, String), ContactMethod>,
}

impl Contacts {
    /// How `value` of `kind` was read on this page.
    pub fn method(&self, kind: ContactKind, value: &str) -> Option<ContactMethod> {
        self.methods.get(&(kind, value.to_owned())).copied()
    }
}

/// What the extractor needs besides the document.
#[derive(Debug, Clone, Copy)]
pub struct ExtractOptions<'a> {
    /// The lead's own country (ISO alpha-2), strongest region hint.
    pub lead_region: Option<&'a str>,
    /// Fallback region when neither lead nor page says.
    pub default_region: &'a str,
}

/// Elements whose content is not visible text.
const HIDDEN: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "iframe", "object", "textarea",
];

/// How much visible text before a node is kept as context for phone cues.
const TAIL_CHARS: usize = 40;

/// Everything collected during the walk.
#[derive(Default)]
struct Collector {
    emails: Vec<String>,
    /// How each of `emails` was read, index for index.
    email_methods: Vec<ContactMethod>,
    phones: Vec<Pending>,
    socials: BTreeMap<String, String>,
    social_methods: BTreeMap<String, ContactMethod>,
    regions: PageRegions,
}

impl Collector {
    /// Runs `read` over the email list and marks what it added as read by `method`.
    fn emails_by(&mut self, method: ContactMethod, read: impl FnOnce(&mut Vec<String>)) {
        read(&mut self.emails);
        self.email_methods.resize(self.emails.len(), method);
    }

    fn social(&mut self, href: &str, base: &Url, method: ContactMethod) {
        if let Some((key, url)) = social::profile(href, base) {
            if key == "whatsapp" {
                // A chat link is a phone number too.
                let number = url.rsplit('/').next().unwrap_or_default();
                self.phones
                    .extend(phone::declared(&format!("+{number}"), method));
            }
            if !self.socials.contains_key(key) {
                self.social_methods.insert(url.clone(), method);
                self.socials.insert(key.to_owned(), url);
            }
        }
    }

    fn href(&mut self, href: &str, base: &Url) {
        use ContactMethod::{Cfemail, Link, Mailto, Obfuscated};
        let h = href.trim_start();
        let scheme = h.get(..4).map(str::to_ascii_lowercase);
        match scheme.as_deref() {
            Some("mail") => self.emails_by(Mailto, |e| email::from_mailto(h, e)),
            Some("tel:" | "call") => self.phones.extend(phone::from_tel(h)),
            Some("java") => {
                if let Some(mailto) = typo3::from_js_href(h) {
                    self.emails_by(Obfuscated, |e| email::from_mailto(&mailto, e));
                }
            }
            _ => {
                if let Some(hex) = email::cf_href_hex(h) {
                    self.emails_by(Cfemail, |e| e.extend(email::decode_cfemail(hex)));
                } else {
                    self.social(h, base, Link);
                }
            }
        }
    }

    /// Looks at one visible element; true when it marks a phone number.
    fn element(&mut self, el: &Element, base: &Url) -> bool {
        use ContactMethod::{Cfemail, Mailto, Meta, Microdata, Obfuscated};
        // One pass over the attributes: looking each name up costs an atom per lookup.
        let (mut href, mut lang, mut itemprop, mut content) = (None, None, None, None);
        let (mut meta_name, mut property) = (None, None);
        let mut phone_class = false;
        for (name, value) in el.attrs() {
            match name {
                "href" => href = Some(value),
                "lang" => lang = Some(value),
                "itemprop" => itemprop = Some(value),
                "content" => content = Some(value),
                "name" => meta_name = Some(value),
                "property" => property = Some(value),
                "data-cfemail" => {
                    self.emails_by(Cfemail, |e| e.extend(email::decode_cfemail(value)));
                }
                "data-mailto-token" => {
                    if let Some(mailto) = typo3::unscramble(value) {
                        self.emails_by(Obfuscated, |e| email::from_mailto(&mailto, e));
                    }
                }
                "class" => phone_class = value.split_ascii_whitespace().any(is_phone_class),
                _ => {}
            }
        }
        match el.name() {
            "a" | "area" => {
                if let Some(href) = href {
                    self.href(href, base);
                }
            }
            // `<link rel="author" href="mailto:…">`: only addresses, not the page's other links.
            "link" => {
                if let Some(href) = href {
                    self.emails_by(Mailto, |e| email::from_mailto(href, e));
                }
            }
            "meta" => {
                let addressed = meta_name.is_some_and(|n| {
                    n.eq_ignore_ascii_case("email") || n.eq_ignore_ascii_case("reply-to")
                });
                if let (true, Some(content)) = (addressed, content) {
                    self.emails_by(Meta, |e| email::scan_text(content, e));
                }
                if property.is_some_and(|p| p.eq_ignore_ascii_case("og:locale"))
                    && self.regions.lang.is_none()
                {
                    self.regions.lang = content.and_then(region::from_lang);
                }
            }
            "html" => self.regions.lang = lang.and_then(region::from_lang),
            _ => {}
        }
        if let (Some(prop), Some(content)) = (itemprop, content) {
            match prop {
                "email" => self.emails_by(Microdata, |e| email::scan_text(content, e)),
                "telephone" => self.phones.extend(phone::declared(content, Microdata)),
                "faxNumber" => self.phones.extend(phone::declared_fax(content, Microdata)),
                _ => {}
            }
        }
        itemprop == Some("telephone") || phone_class
    }

    fn json_ld(&mut self, text: &str, base: &Url) {
        use ContactMethod::Jsonld;
        let mut found = jsonld::Found::default();
        jsonld::parse(text, &mut found);
        self.emails_by(Jsonld, |emails| {
            for e in &found.emails {
                if e.get(..7)
                    .is_some_and(|p| p.eq_ignore_ascii_case("mailto:"))
                {
                    email::from_mailto(e, emails);
                } else {
                    emails.extend(email::normalize(e));
                }
            }
        });
        self.phones.extend(
            found
                .phones
                .iter()
                .filter_map(|p| phone::declared(p, Jsonld)),
        );
        self.phones.extend(
            found
                .faxes
                .iter()
                .filter_map(|p| phone::declared_fax(p, Jsonld)),
        );
        if self.regions.address_country.is_none() {
            self.regions.address_country = found.country.as_deref().and_then(region::from_country);
        }
        for l in &found.links {
            self.social(l, base, Jsonld);
        }
    }
}

/// Extracts every contact of one parsed page.
pub fn extract_contacts(doc: &Html, page_url: &Url, opts: &ExtractOptions<'_>) -> Contacts {
    let mut c = Collector::default();
    // Open elements that mark their content as a phone number (itemprop, phone icons).
    let mut phone_hints = Vec::new();
    let mut recent_hint = false;
    let mut tail = String::with_capacity(TAIL_CHARS * 4);
    let mut line = Line::default();

    // Pre-order walk by sibling links: hidden subtrees are skipped, not visited.
    let mut node = doc.tree.root();
    'walk: loop {
        let mut descend = true;
        match node.value() {
            Node::Element(el) => {
                let name = el.name();
                if !line::is_inline(name) {
                    finish_line(&mut line, &mut c, &mut tail);
                }
                if HIDDEN.contains(&name) {
                    descend = false;
                    if name == "script" && is_json_ld(el) {
                        for child in node.children() {
                            if let Node::Text(t) = child.value() {
                                c.json_ld(t, page_url);
                            }
                        }
                    }
                } else if c.element(el, page_url) {
                    phone_hints.push(node.id());
                    recent_hint = true;
                }
            }
            Node::Text(t) => {
                let text: &str = t;
                let blank = text.trim().is_empty();
                line.push(text, !blank && (recent_hint || !phone_hints.is_empty()));
                if !blank {
                    recent_hint = false;
                    c.emails_by(ContactMethod::Text, |e| email::scan_bare(text, e));
                }
            }
            _ => {}
        }
        if descend {
            if let Some(child) = node.first_child() {
                node = child;
                continue;
            }
        }
        loop {
            // `node` and everything under it has been visited.
            if phone_hints.last() == Some(&node.id()) {
                phone_hints.pop();
            }
            if let Node::Element(el) = node.value() {
                if !line::is_inline(el.name()) {
                    finish_line(&mut line, &mut c, &mut tail);
                }
            }
            if let Some(next) = node.next_sibling() {
                node = next;
                break;
            }
            match node.parent() {
                Some(parent) => node = parent,
                None => break 'walk,
            }
        }
    }
    finish_line(&mut line, &mut c, &mut tail);

    c.regions.international = c
        .phones
        .iter()
        .find(|p| p.number.starts_with('+'))
        .and_then(|p| phone::country_of(&p.number));
    let regions = region::candidates(opts.lead_region, &c.regions, page_url, opts.default_region);
    let mut methods = BTreeMap::new();
    for (e, m) in c.emails.iter().zip(&c.email_methods) {
        methods
            .entry((ContactKind::Email, e.to_lowercase()))
            .or_insert(*m);
    }
    let mut emails = c.emails;
    let site = page_url
        .host_str()
        .map(|h| psl::domain_str(h).unwrap_or(h).to_owned());
    rank_emails(&mut emails, site.as_deref());
    let (mut phones, mut faxes) = (Vec::new(), Vec::new());
    for n in phone::resolve(&c.phones, &regions) {
        let (kind, list) = if n.fax {
            (ContactKind::Fax, &mut faxes)
        } else {
            (ContactKind::Phone, &mut phones)
        };
        methods.insert((kind, n.number.clone()), n.method);
        list.push(n.number);
    }
    for (url, m) in c.social_methods {
        methods.insert((ContactKind::Social, url), m);
    }
    Contacts {
        emails,
        phones,
        faxes,
        socials: c.socials,
        methods,
    }
}

/// Scans a finished line of visible text for emails and phones.
fn finish_line(line: &mut Line<'_>, c: &mut Collector, tail: &mut String) {
    line.finish(|text, cued| {
        c.emails_by(ContactMethod::Text, |e| email::scan_text(text, e));
        phone::scan_text(text, tail, cued, &mut c.phones);
        keep_tail(tail, text);
    });
}

fn is_json_ld(el: &Element) -> bool {
    dom::attr(el, "type").is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
}

/// Class names themes put on phone numbers and their icons (`fa-phone`, `header-phone`,
/// `tel`, `icon-call`), compared without allocating.
fn is_phone_class(class: &str) -> bool {
    let ends = |s: &str| {
        class.len() >= s.len()
            && class.as_bytes()[class.len() - s.len()..].eq_ignore_ascii_case(s.as_bytes())
    };
    contains_ci(class, "phone")
        || contains_ci(class, "telefon")
        || class.eq_ignore_ascii_case("tel")
        || class
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("tel-"))
        || ends("-tel")
        || ends("-call")
        || contains_ci(class, "fa-mobile")
}

/// ASCII case-insensitive substring test.
fn contains_ci(hay: &str, needle: &str) -> bool {
    hay.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Keeps the last `TAIL_CHARS` characters of visible text, reusing the buffer.
fn keep_tail(tail: &mut String, text: &str) {
    let text = text.trim_end();
    let start = text
        .char_indices()
        .rev()
        .nth(TAIL_CHARS - 1)
        .map_or(0, |(i, _)| i);
    tail.clear();
    tail.push_str(&text[start..]);
}

/// True when `address` is a role account (info@, sales@, office@, kontakt@…) rather than a
/// person's.
pub fn is_role_email(address: &str) -> bool {
    address
        .rsplit_once('@')
        .is_some_and(|(local, _)| email::is_role(&local.to_lowercase()))
}

/// Parses an ISO 3166-1 alpha-2 code into a phone region.
pub fn parse_region(code: &str) -> Option<phonenumber::country::Id> {
    code.trim().to_ascii_uppercase().parse().ok()
}

/// Orders emails best first for a site on `site_domain` (own-domain first, role accounts
/// like info@ before personal ones, free-mail last) and deduplicates. No-reply addresses are
/// dropped: no one reads them.
pub fn rank_emails(emails: &mut Vec<String>, site_domain: Option<&str>) {
    let mut seen = HashSet::with_capacity(emails.len());
    for e in emails.iter_mut() {
        if e.bytes().any(|b| b.is_ascii_uppercase()) || !e.is_ascii() {
            *e = e.to_lowercase();
        }
    }
    emails.retain(|e| {
        let local = e.rsplit_once('@').map_or(e.as_str(), |(l, _)| l);
        !email::is_noreply(local) && seen.insert(e.clone())
    });
    let site = site_domain.map(|d| d.trim().trim_start_matches("www.").to_lowercase());
    emails.sort_by_cached_key(|e| {
        let (local, domain) = e.rsplit_once('@').unwrap_or(("", e));
        let own = site.as_deref().is_some_and(|s| {
            domain == s || domain.strip_suffix(s).is_some_and(|p| p.ends_with('.'))
        });
        let tier = if own {
            0
        } else if email::is_free_mail(domain) {
            2
        } else {
            1
        };
        (tier, !email::is_role(local))
    });
}

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod sources_tests;
#[cfg(test)]
mod tests;
