//! Email addresses: validation, decoding of `mailto:` links and Cloudflare's obfuscation,
//! textual obfuscation (`name [at] domain [dot] com`) and the ranking of what was found.

use std::collections::HashSet;
use std::sync::LazyLock;

use percent_encoding::percent_decode_str;
use regex::Regex;
use serde::Deserialize;

#[derive(Deserialize)]
struct EmailData {
    placeholder_domains: HashSet<String>,
    placeholder_domain_labels: Vec<String>,
    placeholder_locals: HashSet<String>,
    noreply_locals: HashSet<String>,
    blocked_hosts: Vec<String>,
    asset_extensions: HashSet<String>,
    role_locals: HashSet<String>,
    free_mail_domains: HashSet<String>,
}

#[allow(clippy::expect_used)] // embedded data, checked by tests
static DATA: LazyLock<EmailData> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../data/extract_emails.json"))
        .expect("data/extract_emails.json is valid")
});

/// An address in running text. The domain allows Unicode letters (IDN). Label rules (1–63
/// characters, no `-` at either end) and the TLD are checked by `valid_domain` afterwards:
/// written into the pattern as a bounded repetition of a Unicode class, they made it too
/// large for the lazy DFA, and every search fell back to the much slower backtracker.
#[allow(clippy::unwrap_used)] // literal pattern
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+\-]{1,64}@(?:[\p{L}\p{N}\-]+\.)+[A-Za-z]{2,24}").unwrap()
});

/// `[at]`, `(at)`, `{at}`, `[@]`, `<at>` with optional spaces, and their `dot` twins.
#[allow(clippy::unwrap_used)]
static OBFUSCATED_AT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\s*(?:\[\s*(?:at|@|ät)\s*\]|\(\s*(?:at|@|ät)\s*\)|\{\s*(?:at|@)\s*\}|<\s*at\s*>)\s*",
    )
    .unwrap()
});
#[allow(clippy::unwrap_used)]
static OBFUSCATED_DOT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s*(?:\[\s*(?:dot|punkt|point)\s*\]|\(\s*(?:dot|punkt|point)\s*\)|\{\s*(?:dot|punkt|point)\s*\}|\s(?:dot|punkt)\s)\s*")
        .unwrap()
});
/// A text node that is nothing but `name at domain dot com` / `name at domain.com`: the
/// bare word `at` is only trusted when the whole node reads as one address.
#[allow(clippy::unwrap_used)]
static BARE_AT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\W{0,3}([a-z0-9._%+\-]{1,64})\s+at\s+([a-z0-9\-]+(?:\s*(?:\.|\s+dot\s+)\s*[a-z0-9\-]+)+)\W{0,3}$")
        .unwrap()
});

/// Whether `text` may hold a bracketed `at` (`[at]`, `( @ )`, `{ät}`, `<at>`): an opening
/// bracket, optional whitespace, then `at`, `ät` or `@`. Every match of `OBFUSCATED_AT` starts
/// this way, so the regex runs only where this holds.
fn may_hold_bracketed_at(text: &str) -> bool {
    text.bytes().enumerate().any(|(i, b)| {
        if !matches!(b, b'[' | b'(' | b'{' | b'<') {
            return false;
        }
        // `i` is an ASCII byte, so `i + 1` is a char boundary.
        let mut rest = text[i + 1..].trim_start().chars();
        match rest.next() {
            Some('@') => true,
            Some('a' | 'A' | 'ä' | 'Ä') => matches!(rest.next(), Some('t' | 'T')),
            _ => false,
        }
    })
}

/// Lowercases and validates one candidate; `None` when it is not a real, contactable
/// address (asset name, package spec, tracking host, placeholder, no-reply…).
pub(crate) fn normalize(raw: &str) -> Option<String> {
    let raw = raw
        .trim()
        .trim_matches(|c: char| c == '.' || c == '<' || c == '>');
    let (local, domain) = raw.rsplit_once('@')?;
    if local.is_empty() || local.len() > 64 || domain.len() > 253 {
        return None;
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return None;
    }
    if !local
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"._%+-".contains(&b))
    {
        return None;
    }
    let local = local.to_ascii_lowercase();
    let domain = domain.trim_end_matches('.').to_lowercase();
    if !valid_domain(&domain) {
        return None;
    }
    // Tracking ids and hashes (`3f2a…@o123.ingest.sentry.io`): long hex local parts.
    if local.len() >= 24
        && local.bytes().all(|b| b.is_ascii_hexdigit())
        && local.bytes().any(|b| b.is_ascii_digit())
    {
        return None;
    }
    let d = &*DATA;
    if d.noreply_locals.contains(local.as_str())
        || d.placeholder_locals.contains(local.as_str())
        || is_placeholder_domain(&domain)
        || d.blocked_hosts
            .iter()
            .any(|h| domain == *h || domain.ends_with(&format!(".{h}")))
    {
        return None;
    }
    Some(format!("{local}@{domain}"))
}

fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let Some(tld) = labels.last() else {
        return false;
    };
    if !tld.bytes().all(|b| b.is_ascii_alphabetic()) || DATA.asset_extensions.contains(*tld) {
        return false;
    }
    // Versions (`jquery@3.7.1.min.js`), retina suffixes (`logo@2x.png` is caught above).
    if labels[0].bytes().all(|b| b.is_ascii_digit()) && labels.len() > 2 {
        return false;
    }
    if labels
        .iter()
        .any(|l| l.is_empty() || l.len() > 63 || l.starts_with('-') || l.ends_with('-'))
    {
        return false;
    }
    psl::suffix(domain.as_bytes()).is_some_and(|s| s.is_known())
}

fn is_placeholder_domain(domain: &str) -> bool {
    let d = &*DATA;
    if d.placeholder_domains.contains(domain) {
        return true;
    }
    let first = domain.split('.').next().unwrap_or_default();
    d.placeholder_domain_labels.iter().any(|l| first == l)
}

/// Every address in one line of text, plain or obfuscated with brackets (`[at]`, `(dot)`).
pub(crate) fn scan_text(text: &str, out: &mut Vec<String>) {
    if text.contains('@') {
        scan_plain(text, out);
    }
    if may_hold_bracketed_at(text) {
        if let std::borrow::Cow::Owned(s) = OBFUSCATED_AT.replace_all(text, "@") {
            let s = OBFUSCATED_DOT.replace_all(&s, ".");
            scan_plain(&s, out);
        }
    }
}

/// Whether `at` stands between whitespace somewhere in `s`.
fn has_word_at(s: &str) -> bool {
    s.as_bytes().windows(4).any(|w| {
        w[0].is_ascii_whitespace()
            && w[1].eq_ignore_ascii_case(&b'a')
            && w[2].eq_ignore_ascii_case(&b't')
            && w[3].is_ascii_whitespace()
    })
}

/// `name at domain dot com` when it is the whole of one text node: a bare `at` anywhere
/// else is an English word.
pub(crate) fn scan_bare(node: &str, out: &mut Vec<String>) {
    let node = node.trim();
    // `a at b.cc` is the shortest address; a node of a long sentence is not one.
    if !(8..=160).contains(&node.len()) || !has_word_at(node) {
        return;
    }
    if let Some(c) = BARE_AT.captures(node) {
        let domain = OBFUSCATED_DOT.replace_all(&c[2], ".");
        let domain: String = domain.chars().filter(|c| !c.is_whitespace()).collect();
        if let Some(e) = normalize(&format!("{}@{}", &c[1], domain)) {
            out.push(e);
        }
    }
}

fn scan_plain(text: &str, out: &mut Vec<String>) {
    let bytes = text.as_bytes();
    for m in EMAIL.find_iter(text) {
        // A match glued to more address characters is part of something else (a URL path,
        // `user@host.com.evil`, `pkg@1.2.3-beta.js`).
        let before = m.start().checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(m.end()).copied();
        if matches!(before, Some(b'/' | b':' | b'=')) && text[..m.start()].contains("://") {
            continue;
        }
        // The local-part class is bounded, so a longer run would match truncated.
        if before.is_some_and(|b| b.is_ascii_alphanumeric() || b"._%+-".contains(&b)) {
            continue;
        }
        if matches!(after, Some(b'@' | b'-' | b'_'))
            || after.is_some_and(|b| b.is_ascii_alphanumeric())
        {
            continue;
        }
        if let Some(e) = normalize(m.as_str()) {
            out.push(e);
        }
    }
}

/// Addresses of a `mailto:` href: percent-decoded, query dropped, `,`/`;` lists split.
pub(crate) fn from_mailto(href: &str, out: &mut Vec<String>) {
    let rest = href.trim();
    let Some(rest) = rest
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("mailto:"))
        .map(|_| &rest[7..])
    else {
        return;
    };
    let rest = rest.trim_start_matches("//");
    let addrs = rest.split(['?', '#']).next().unwrap_or_default();
    let decoded = percent_decode_str(addrs).decode_utf8_lossy();
    for part in decoded.split([',', ';']) {
        if let Some(e) = normalize(part) {
            out.push(e);
        }
    }
}

/// Decodes Cloudflare's email protection: hex bytes, the first is the XOR key.
pub(crate) fn decode_cfemail(hex: &str) -> Option<String> {
    let hex = hex.trim();
    if hex.len() < 4 || !hex.len().is_multiple_of(2) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
    let key = byte(0)?;
    let mut out = Vec::with_capacity(hex.len() / 2);
    for i in (2..hex.len()).step_by(2) {
        out.push(byte(i)? ^ key);
    }
    let s = String::from_utf8(out).ok()?;
    // Cloudflare percent-encodes nothing, but some themes wrap the href once more.
    let s = percent_decode_str(&s).decode_utf8_lossy().into_owned();
    normalize(&s)
}

/// The hex of a `/cdn-cgi/l/email-protection#…` href.
pub(crate) fn cf_href_hex(href: &str) -> Option<&str> {
    let (path, hex) = href.split_once('#')?;
    path.contains("/cdn-cgi/l/email-protection").then_some(hex)
}

/// True for free-mail providers (gmail.com, web.de…).
pub(crate) fn is_free_mail(domain: &str) -> bool {
    DATA.free_mail_domains.contains(domain)
}

/// True for role accounts (info@, contact@, hello@, office@…).
pub(crate) fn is_role(local: &str) -> bool {
    DATA.role_locals.contains(local)
}

/// True for no-reply senders, which no one reads.
pub(crate) fn is_noreply(local: &str) -> bool {
    DATA.noreply_locals.contains(local)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(t: &str) -> Vec<String> {
        let mut v = Vec::new();
        scan_text(t, &mut v);
        scan_bare(t, &mut v);
        v
    }

    #[test]
    fn plain_text() {
        assert_eq!(
            scan("Mail: Info@Miller-Plumbing.com."),
            ["info@miller-plumbing.com"]
        );
        assert_eq!(
            scan("a@b.co.uk, sales@shop.de"),
            ["a@b.co.uk", "sales@shop.de"]
        );
        assert_eq!(
            scan("kontakt@müller-bäckerei.de"),
            ["kontakt@müller-bäckerei.de"]
        );
    }

    #[test]
    fn rejects_assets_packages_and_tracking() {
        for t in [
            "logo@2x.png",
            "hero-image@3x.webp",
            "icons@2x.svg",
            "style@1.2.css",
            "bootstrap@5.3.2",
            "npm i @scope/pkg@1.2.0",
            "jquery@3.7.1.min.js",
            "https://cdn.jsdelivr.net/npm/swiper@11/swiper-bundle.min.js",
            "3f2a9c0b1d4e5f60718293a4b5c6d7e8@o123456.ingest.sentry.io",
            "abc@sentry.wixpress.com",
            "someone@sentry-next.wixpress.com",
            "user@domain.com",
            "you@example.com",
            "info@example.org",
            "name@yourdomain.com",
            "max.mustermann@musterfirma.de",
            "john.doe@gmail.com",
            "noreply@miller.com",
            "a@b.notatld",
            "x@localhost",
        ] {
            assert!(scan(t).is_empty(), "{t} gave {:?}", scan(t));
        }
    }

    #[test]
    fn overlong_local_part_is_rejected() {
        let long = format!("{}@miller.com", "a".repeat(65));
        assert!(normalize(&long).is_none());
        assert!(normalize(&format!("{}@miller.com", "a".repeat(40))).is_some());
    }

    #[test]
    fn textual_obfuscation() {
        assert_eq!(
            scan("info [at] miller-plumbing [dot] com"),
            ["info@miller-plumbing.com"]
        );
        assert_eq!(
            scan("kontakt(at)baeckerei-huber(punkt)de"),
            ["kontakt@baeckerei-huber.de"]
        );
        assert_eq!(
            scan("Schreiben Sie uns: office (at) kanzlei-berger.at"),
            ["office@kanzlei-berger.at"]
        );
        assert_eq!(scan("hello{at}studio.fr"), ["hello@studio.fr"]);
        // Any run of whitespace inside the brackets, any case, the German `ät`.
        assert_eq!(scan("team[\t AT ]bistro.de"), ["team@bistro.de"]);
        assert_eq!(scan("anna (Ät) praxis-vogel.de"), ["anna@praxis-vogel.de"]);
        assert_eq!(scan("shop <at> florist.ie"), ["shop@florist.ie"]);
        assert_eq!(
            scan("sales [@] shop [dot] co [dot] uk"),
            ["sales@shop.co.uk"]
        );
        assert_eq!(
            scan("info at miller-plumbing dot com"),
            ["info@miller-plumbing.com"]
        );
        assert_eq!(
            scan("  jane at janes-bakery.com "),
            ["jane@janes-bakery.com"]
        );
        // `at` inside a sentence is not an address.
        assert!(scan("Meet us at noon. The shop at Main Street dot com stores").is_empty());
        assert!(scan("We are at home.com every day of the week").is_empty());
    }

    #[test]
    fn bracketed_at_hint() {
        assert!(may_hold_bracketed_at("a [at] b"));
        assert!(may_hold_bracketed_at("a (\u{a0} @) b"));
        assert!(may_hold_bracketed_at("a {ÄT} b"));
        assert!(!may_hold_bracketed_at(
            "Call (555) 010-0132, we are at home"
        ));
        assert!(!may_hold_bracketed_at("[a]t (a"));
    }

    #[test]
    fn mailto_links() {
        let mut v = Vec::new();
        from_mailto("mailto:%69nfo@Miller.com?subject=Hello%20there", &mut v);
        from_mailto("MAILTO:a@shop.de,b@shop.de;c@shop.de", &mut v);
        from_mailto("mailto:", &mut v);
        from_mailto("https://miller.com", &mut v);
        assert_eq!(
            v,
            ["info@miller.com", "a@shop.de", "b@shop.de", "c@shop.de"]
        );
    }

    #[test]
    fn cloudflare() {
        // key 0x42 XOR "info@cafe.fr"
        let hex: String = std::iter::once(0x42u8)
            .chain("info@cafe.fr".bytes().map(|b| b ^ 0x42))
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(decode_cfemail(&hex).as_deref(), Some("info@cafe.fr"));
        assert_eq!(
            cf_href_hex(&format!("/cdn-cgi/l/email-protection#{hex}")),
            Some(hex.as_str())
        );
        assert_eq!(decode_cfemail("zz12"), None);
        assert_eq!(decode_cfemail("4"), None);
    }

    #[test]
    fn classification() {
        assert!(is_free_mail("gmail.com"));
        assert!(!is_free_mail("miller.com"));
        assert!(is_role("info"));
        assert!(is_noreply("no-reply"));
    }
}
