//! Phone numbers: `tel:` links, structured data and text candidates, validated with
//! libphonenumber's metadata and normalised to E.164.
//!
//! Text is where the false positives live (dates, prices, order numbers, register ids), so a
//! text candidate must look like a phone number *and* either be international (`+…`), sit
//! next to a cue (`Tel.`, `Phone:`, a phone icon) or be written in a national phone format.

use std::sync::LazyLock;

use percent_encoding::percent_decode_str;
use phonenumber::country::Id;
use phonenumber::Mode;
use regex::Regex;

/// Where a candidate came from: links and structured data are trusted to be phones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// `tel:` href or JSON-LD / microdata `telephone`.
    Declared,
    /// Visible text.
    Text,
}

/// A number waiting for the page's region to be known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pending {
    /// Digits with `+` and separators as written, `(0)` and `00` prefixes normalised.
    pub number: String,
    /// How much to trust it.
    pub source: Source,
}

/// A run of digits with phone separators. No newlines: lines are separate numbers.
#[allow(clippy::unwrap_used)] // literal patterns
static CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\+|\(\+?)?\d[\d \t\u{a0}\-./()\u{2010}\u{2011}\u{2013}]{4,28}\d").unwrap()
});
/// The nearest word before a candidate decides: a phone cue or a reason to skip it.
#[allow(clippy::unwrap_used)]
static CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:[☎☏✆📞📱]|\b(?:(tel(?:efon|ephone|efono|éfono)?|t[ée]l[ée]phone|t[ée]l|phone|ph|fon|call(?:\s+us)?|mobile?|mob|mobil|handy|cell|hotline|whatsapp|portable|fixe|ruf(?:nummer)?|anrufen|numéro|nummer|line|t|p|m)|(fax|telefax|f|sku|art|artikel\w*|order|bestell\w*|id|invoice|rechnung\w*|iban|bic|swift|ust\w*|vat|steuer\w*|tax|hrb|hra|isbn|kunden\w*|customer|item|model|ref|plz|zip|postcode|gtin|ean|mpn|reg\w*|amtsgericht|handelsregister|siret|siren|rcs|tva|date|datum|preis|price|prix|abn|acn|ein|account|konto|blz))\b)",
    )
    .unwrap()
});
#[allow(clippy::unwrap_used)]
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\D)(?:\d{1,2}[./\-]\d{1,2}[./\-](?:19|20)\d{2}|(?:19|20)\d{2}[./\-]\d{1,2}[./\-]\d{1,2})(?:\D|$)").unwrap()
});
#[allow(clippy::unwrap_used)]
static YEAR_RANGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:19|20)\d{2}\s*[\-/\u{2013}]\s*(?:19|20)\d{2}$").unwrap());
/// National formats written the way people write phone numbers: `(415) 555-0132`,
/// `415-555-0132`, `030 1234567`, `0171/1234567`, `01 23 45 67 89`.
#[allow(clippy::unwrap_used)]
static NATIONAL_SHAPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\(\d{2,5}\)[ \-.]?\d[\d \-.]*\d|1?[ \-.]?\d{3}[\-. ]\d{3}[\-. ]\d{4}|0\d{1,4}(?:[ \-./]{1,3}\d{1,8}){1,5})$").unwrap()
});
/// Separators worth splitting a run of two numbers on (`030 123 / 0171 456`).
#[allow(clippy::unwrap_used)]
static SPLIT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s+[/|]\s+|\s{2,}").unwrap());

/// How many characters before a candidate may hold its cue.
const CUE_WINDOW: usize = 28;

/// Phone candidates of one text node. `tail` is the visible text just before the node,
/// `element_cue` says an enclosing or preceding element marks a phone (icon, `itemprop`).
pub(crate) fn scan_text(text: &str, tail: &str, element_cue: bool, out: &mut Vec<Pending>) {
    if text.bytes().filter(u8::is_ascii_digit).count() < 7 {
        return;
    }
    for m in CANDIDATE.find_iter(text) {
        let before = text[..m.start()].chars().next_back();
        let after = text[m.end()..].chars().next();
        if before.is_some_and(|c| {
            c.is_alphanumeric() || matches!(c, '#' | '$' | '€' | '£' | '_' | '=' | '&' | '@')
        }) || after.is_some_and(|c| {
            c.is_alphanumeric() || matches!(c, '%' | '€' | '$' | '£' | '°' | '_' | '@' | ',')
        }) {
            continue;
        }
        // `Nr.-1234567`, `ID/1234567`: a connector glued to a word.
        if let Some(c) = before.filter(|c| matches!(c, '-' | '/' | '.')) {
            let i = m.start() - c.len_utf8();
            if text[..i]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
            {
                continue;
            }
        }
        let after_rest = text[m.end()..].trim_start();
        if after_rest.starts_with(['€', '$', '£', '%']) || starts_with_ci(after_rest, "eur") {
            continue;
        }
        let prefix = &text[..m.start()];
        let cue = cue_before(prefix, tail);
        if cue == Some(false) {
            continue;
        }
        let cued = cue == Some(true) || element_cue;
        let s = m.as_str();
        let digits = s.bytes().filter(u8::is_ascii_digit).count();
        if digits > 15 {
            for part in SPLIT.split(s) {
                consider(part, cued, out);
            }
        } else {
            consider(s, cued, out);
        }
    }
}

fn starts_with_ci(s: &str, p: &str) -> bool {
    s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p))
}

/// `Some(true)` for a phone cue, `Some(false)` for a reason to skip, `None` for neither.
fn cue_before(prefix: &str, tail: &str) -> Option<bool> {
    let window = last_chars(prefix, CUE_WINDOW);
    if let Some(c) = last_cue(window) {
        return Some(c);
    }
    // Only look into the previous node when nothing but punctuation separates us from it.
    if prefix.chars().all(|c| !c.is_alphanumeric()) {
        return last_cue(last_chars(tail, CUE_WINDOW));
    }
    None
}

fn last_cue(window: &str) -> Option<bool> {
    let c = CUE.captures_iter(window).last()?;
    // The cue must be the last word before the number, allowing `Tel.-Nr.:` and `Phone (24/7):`.
    let end = c.get(0)?.end();
    let between = &window[end..];
    if between.chars().filter(|c| c.is_alphabetic()).count() > 4 {
        return None;
    }
    Some(c.get(2).is_none())
}

fn last_chars(s: &str, n: usize) -> &str {
    match s.char_indices().rev().nth(n.saturating_sub(1)) {
        Some((i, _)) => &s[i..],
        None => s,
    }
}

fn consider(s: &str, cued: bool, out: &mut Vec<Pending>) {
    let s = s.trim_matches(|c: char| !c.is_ascii_digit() && c != '+' && c != '(');
    let s = s
        .strip_prefix('(')
        .filter(|r| !r.contains(')'))
        .unwrap_or(s);
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    let international = s.starts_with('+') || s.starts_with("(+") || s.starts_with("00");
    if !(7..=15).contains(&digits) || (international && digits < 8) {
        return;
    }
    if DATE.is_match(s) || YEAR_RANGE.is_match(s) || is_decimal(s) {
        return;
    }
    let has_separator = s.bytes().any(|b| !b.is_ascii_digit() && b != b'+');
    if !has_separator && !cued {
        return;
    }
    if !international && !cued && !NATIONAL_SHAPE.is_match(s) {
        return;
    }
    out.push(Pending {
        number: clean(s),
        source: Source::Text,
    });
}

/// `52.520008` and `1.299,00` are numbers, not phones.
fn is_decimal(s: &str) -> bool {
    let dots = s.matches('.').count();
    if dots != 1 || s.contains([' ', '-', '/']) {
        return false;
    }
    let (int, frac) = s.split_once('.').unwrap_or_default();
    int.len() <= 3 && frac.len() >= 4
}

/// `+49 (0)30 …` → `+49 30 …`, `0049 …` → `+49 …`.
fn clean(s: &str) -> String {
    let mut s = s
        .trim()
        .replace(['\u{a0}', '\u{2010}', '\u{2011}', '\u{2013}'], " ");
    if s.starts_with("(+") {
        s = s.replacen("(+", "+", 1).replacen(')', " ", 1);
    }
    if s.starts_with('+') {
        s = s.replace("(0)", " ").replace("( 0 )", " ");
    } else if let Some(rest) = s.strip_prefix("00") {
        if rest.starts_with(|c: char| c.is_ascii_digit() && c != '0') {
            s = format!("+{rest}");
        }
    }
    s
}

/// The number of a `tel:` / `callto:` href, percent-decoded.
pub(crate) fn from_tel(href: &str) -> Option<Pending> {
    let href = href.trim();
    let colon = href.find(':')?;
    let scheme = &href[..colon];
    if !(scheme.eq_ignore_ascii_case("tel") || scheme.eq_ignore_ascii_case("callto")) {
        return None;
    }
    let rest = href[colon + 1..].trim_start_matches('/');
    let decoded = percent_decode_str(rest).decode_utf8_lossy();
    let number = decoded.split([';', '?', ',']).next()?.trim();
    declared(number)
}

/// A number given as structured data (JSON-LD / microdata `telephone`).
pub(crate) fn declared(number: &str) -> Option<Pending> {
    let digits = number.bytes().filter(u8::is_ascii_digit).count();
    (6..=17).contains(&digits).then(|| Pending {
        number: clean(number),
        source: Source::Declared,
    })
}

/// Validates pending numbers against `regions` (best first) and returns E.164, deduplicated,
/// in page order. Text candidates only get the first region: they are guesses already.
pub(crate) fn resolve(pending: &[Pending], regions: &[Id]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in pending {
        let tries: &[Id] = match p.source {
            _ if p.number.starts_with('+') => &[],
            Source::Declared => regions,
            Source::Text => &regions[..regions.len().min(1)],
        };
        let found = if tries.is_empty() {
            e164(&p.number, None)
        } else {
            tries.iter().find_map(|r| e164(&p.number, Some(*r)))
        };
        if let Some(n) = found {
            if !out.contains(&n) {
                out.push(n);
            }
        }
    }
    out
}

fn e164(number: &str, region: Option<Id>) -> Option<String> {
    let n = phonenumber::parse(region, number).ok()?;
    n.is_valid()
        .then(|| n.format().mode(Mode::E164).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str, region: Id) -> Vec<String> {
        let mut p = Vec::new();
        scan_text(t, "", false, &mut p);
        resolve(&p, &[region])
    }

    #[test]
    fn tel_links() {
        let p: Vec<Pending> = [
            "tel:+14155550132",
            "tel:(415)%20555-0132",
            "TEL://+49-30-1234567",
            "callto:+44 20 7946 0958",
            "mailto:a@b.com",
        ]
        .iter()
        .filter_map(|h| from_tel(h))
        .collect();
        assert_eq!(
            resolve(&p, &[Id::US]),
            ["+14155550132", "+49301234567", "+442079460958"]
        );
    }

    #[test]
    fn international_text_needs_no_region() {
        assert_eq!(
            text("Call +44 20 7946 0958 today", Id::US),
            ["+442079460958"]
        );
        assert_eq!(text("Tel.: +49 (0)30 12345678", Id::US), ["+493012345678"]);
        assert_eq!(text("0049 89 1234567", Id::US), ["+49891234567"]);
    }

    #[test]
    fn national_text_uses_region() {
        assert_eq!(text("(415) 555-0132", Id::US), ["+14155550132"]);
        assert_eq!(text("Phone: 415.555.0132", Id::US), ["+14155550132"]);
        assert_eq!(text("Telefon 030 1234567", Id::DE), ["+49301234567"]);
        assert_eq!(text("Tél. : 01 42 68 53 00", Id::FR), ["+33142685300"]);
        assert_eq!(text("020 7946 0958", Id::GB), ["+442079460958"]);
        assert_eq!(text("Order line: 831.555.0106", Id::US), ["+18315550106"]);
    }

    #[test]
    fn cue_in_previous_node() {
        let mut p = Vec::new();
        scan_text("4155550132", "Phone:", false, &mut p);
        assert_eq!(resolve(&p, &[Id::US]), ["+14155550132"]);
        let mut p = Vec::new();
        scan_text("4155550132", "", false, &mut p);
        assert!(p.is_empty(), "bare digit run without a cue");
        let mut p = Vec::new();
        scan_text("4155550132", "", true, &mut p);
        assert_eq!(resolve(&p, &[Id::US]), ["+14155550132"]);
    }

    #[test]
    fn rejects_non_phones() {
        for t in [
            "Posted 2024-01-15 by admin",
            "Datum: 15.01.2024",
            "Updated 01/15/2024",
            "© 1998 - 2024 Miller Plumbing",
            "Price: 1.299,00 € incl. VAT",
            "$1,234,567.00",
            "SKU: 123-456-7890",
            "Order #4155550132",
            "Bestellnummer 030 1234567",
            "Fax: 030 1234568",
            "Order 415-555-0132",
            "IBAN DE89 3704 0044 0532 0130 00",
            "USt-IdNr.: DE123456789",
            "Steuernummer: 143/123/45678",
            "Amtsgericht Berlin HRB 123456",
            "52.520008, 13.404954",
            "id=1234567890123",
            "10115 Berlin",
            "Artikel-Nr. 4006381333931",
            "1234567890123456789",
            "Discount 20% on 1000 items",
        ] {
            assert!(
                text(t, Id::DE).is_empty() && text(t, Id::US).is_empty(),
                "{t}"
            );
        }
    }

    #[test]
    fn two_numbers_on_one_line() {
        assert_eq!(
            text("Tel. 030 1234567 / 0171 2345678", Id::DE),
            ["+49301234567", "+491712345678"]
        );
    }

    #[test]
    fn fax_is_not_a_phone_but_tel_is() {
        assert_eq!(
            text("Tel. +49 30 1234567 · Fax +49 30 1234568", Id::DE),
            ["+49301234567"]
        );
    }
}
