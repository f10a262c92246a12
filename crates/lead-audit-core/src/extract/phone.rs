//! Phone numbers: `tel:` links, structured data and text candidates, validated with
//! libphonenumber's metadata and normalised to E.164.
//!
//! Text is where the false positives live (dates, prices, order numbers, register ids), so a
//! text candidate must look like a phone number *and* either be international (`+…`), sit
//! next to a cue (`Tel.`, `Phone:`, a phone icon) or be written in a national phone format.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::{LazyLock, Mutex};

use percent_encoding::percent_decode_str;
use phonenumber::country::Id;
use phonenumber::metadata::DATABASE;
use phonenumber::Mode;
use regex::Regex;

use super::cue::{self, Cue};
use crate::contact::ContactMethod;

/// Where a candidate came from: links and structured data are trusted to be phones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Source {
    /// `tel:` href or JSON-LD / microdata `telephone`.
    Declared,
    /// Visible text, `cued` when a phone word or element marks it.
    Text { cued: bool },
}

/// A number waiting for the page's region to be known.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Pending {
    /// Digits with `+` and separators as written, `(0)` and `00` prefixes normalised.
    pub number: String,
    /// How much to trust it.
    pub source: Source,
    /// A fax line rather than a phone.
    pub fax: bool,
    /// How it was read.
    pub method: ContactMethod,
}

/// A validated number of one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resolved {
    /// E.164.
    pub number: String,
    /// A fax line rather than a phone.
    pub fax: bool,
    /// How it was first read.
    pub method: ContactMethod,
}

/// A run of digits with phone separators. No newlines: lines are separate numbers.
#[allow(clippy::unwrap_used)] // literal patterns
static CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\+|\(\+?)?\d[\d \t\u{a0}\-./()\u{2010}\u{2011}\u{2013}]{4,28}\d").unwrap()
});
#[allow(clippy::unwrap_used)]
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\D)(?:\d{1,2}[./\-]\d{1,2}[./\-](?:19|20)\d{2}|(?:19|20)\d{2}[./\-]\d{1,2}[./\-]\d{1,2})(?:\D|$)").unwrap()
});
#[allow(clippy::unwrap_used)]
static YEAR_RANGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:19|20)\d{2}\s*[\-/\u{2013}]\s*(?:19|20)\d{2}$").unwrap());
/// National formats written the way people write phone numbers: `(415) 555-0132`,
/// `415-555-0132`, `1 (866) 555-0143`, `1-800-555-0143`, `030 1234567`, `0171/1234567`,
/// `01 23 45 67 89`, Australia's `1300 654 321`. Each is only valid in its own numbering
/// plan, which validation against the page's region checks.
#[allow(clippy::unwrap_used)]
static NATIONAL_SHAPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\(\d{2,5}\)[ \-.]?\d[\d \-.]*\d|1?[ \-.]?\d{3}[\-. ]\d{3}[\-. ]\d{4}|1[ \-.]?\(\d{3}\)[ \-.]?\d{3}[\-. ]\d{4}|1[38]00[ \-]\d{3}[ \-]?\d{3}|0\d{1,4}(?:[ \-./]{1,3}\d{1,8}){1,5})$").unwrap()
});
/// Separators worth splitting a run of two numbers on (`030 123 / 0171 456`).
#[allow(clippy::unwrap_used)]
static SPLIT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s+[/|]\s+|\s{2,}").unwrap());

/// How many characters before a candidate may hold its cue.
const CUE_WINDOW: usize = 28;

/// Phone candidates of one line of text. `tail` is the visible text just before the line,
/// `element_cues` the byte ranges an enclosing or preceding element marks as a phone (an
/// icon, `itemprop=telephone`).
pub(crate) fn scan_text(
    text: &str,
    tail: &str,
    element_cues: &[Range<usize>],
    out: &mut Vec<Pending>,
) {
    if text.bytes().filter(u8::is_ascii_digit).count() < 7 {
        return;
    }
    for m in CANDIDATE.find_iter(text) {
        let before = text[..m.start()].chars().next_back();
        let after = text[m.end()..].chars().next();
        if before.is_some_and(|c| {
            c.is_alphanumeric() || matches!(c, '#' | '$' | '€' | '£' | '_' | '=' | '&' | '@')
        }) || after.is_some_and(|c| {
            c.is_alphanumeric() || matches!(c, '%' | '€' | '$' | '£' | '°' | '_' | '@')
        }) {
            continue;
        }
        // `1234567,89`: a decimal comma; `030 1234567, Fax …` ends a number.
        if text[m.end()..].starts_with(',')
            && text[m.end() + 1..].starts_with(|c: char| c.is_ascii_digit())
        {
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
        let s = m.as_str();
        let digits = s.bytes().filter(u8::is_ascii_digit).count();
        if digits > 15 {
            let mut at = m.start();
            for sep in SPLIT.find_iter(s) {
                candidate(text, at..m.start() + sep.start(), tail, element_cues, out);
                at = m.start() + sep.end();
            }
            candidate(text, at..m.end(), tail, element_cues, out);
        } else {
            candidate(text, m.range(), tail, element_cues, out);
        }
    }
}

/// Weighs the label and element cues of one candidate at `range` of `text`.
fn candidate(
    text: &str,
    range: Range<usize>,
    tail: &str,
    element_cues: &[Range<usize>],
    out: &mut Vec<Pending>,
) {
    let label = cue_before(&text[..range.start], tail);
    // An element cue (icon, `itemprop`) nearer than the last label overrides it.
    let element = element_cues.iter().any(|r| {
        r.start < range.end
            && range.start < r.end
            && label.is_none_or(|(_, end)| end.is_none_or(|e| r.start >= e))
    });
    let (cued, fax) = match label {
        _ if element => (true, false),
        Some((Cue::NotPhone, _)) => return,
        Some((Cue::Fax, _)) => (true, true),
        Some((Cue::Phone, _)) => (true, false),
        None => (false, false),
    };
    consider(&text[range], cued, fax, out);
}

fn starts_with_ci(s: &str, p: &str) -> bool {
    s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p))
}

/// The label before a candidate and where it ends: in its own line, or (end `None`) at the
/// end of the previous line when nothing but punctuation separates them.
fn cue_before(prefix: &str, tail: &str) -> Option<(Cue, Option<usize>)> {
    if let Some((c, end)) = cue::last_cue(prefix, window_start(prefix, CUE_WINDOW)) {
        return Some((c, Some(end)));
    }
    if prefix.chars().all(|c| !c.is_alphanumeric()) {
        return cue::last_cue(tail, window_start(tail, CUE_WINDOW)).map(|(c, _)| (c, None));
    }
    None
}

/// Byte offset of the last `n` characters of `s`.
fn window_start(s: &str, n: usize) -> usize {
    s.char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i)
}

fn consider(s: &str, cued: bool, fax: bool, out: &mut Vec<Pending>) {
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
        source: Source::Text { cued },
        fax,
        method: ContactMethod::Text,
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
    declared(number, ContactMethod::Tel)
}

/// A phone number given by a link or structured data (JSON-LD / microdata `telephone`).
pub(crate) fn declared(number: &str, method: ContactMethod) -> Option<Pending> {
    let digits = number.bytes().filter(u8::is_ascii_digit).count();
    (6..=17).contains(&digits).then(|| Pending {
        number: clean(number),
        source: Source::Declared,
        fax: false,
        method,
    })
}

/// A fax number given by structured data (`faxNumber`).
pub(crate) fn declared_fax(number: &str, method: ContactMethod) -> Option<Pending> {
    declared(number, method).map(|p| Pending { fax: true, ..p })
}

/// Validates pending numbers against `regions` (best first) and returns them in E.164,
/// deduplicated, in page order. Text candidates only get the first region: they are guesses
/// already. A number found both as a phone and as a fax is a phone.
pub(crate) fn resolve(pending: &[Pending], regions: &[Id]) -> Vec<Resolved> {
    let mut out: Vec<Resolved> = Vec::new();
    // Headers, footers and contact blocks repeat a number: validate each spelling once.
    let mut seen: HashSet<&Pending> = HashSet::with_capacity(pending.len());
    for p in pending {
        if !seen.insert(p) {
            continue;
        }
        let tries: &[Id] = match p.source {
            _ if p.number.starts_with('+') => &[],
            Source::Declared => regions,
            Source::Text { .. } => &regions[..regions.len().min(1)],
        };
        let found = if tries.is_empty() {
            e164(&p.number, None, false)
        } else {
            // A national number in text must carry its trunk prefix where the country writes
            // one (`030 …` in Germany, `01 …` in France): `591234567` is an id, not a phone.
            let trunk = matches!(p.source, Source::Text { .. });
            tries.iter().find_map(|r| e164(&p.number, Some(*r), trunk))
        };
        let Some(number) = found else {
            continue;
        };
        match out.iter_mut().find(|r| r.number == number) {
            Some(known) => known.fax &= p.fax,
            None => out.push(Resolved {
                number,
                fax: p.fax,
                method: p.method,
            }),
        }
    }
    out
}

/// The country of an international number (`+44 …` → GB); None when it is not valid or its
/// calling code is shared (`+1`: the United States, Canada and the Caribbean).
pub(crate) fn country_of(number: &str) -> Option<Id> {
    if number.starts_with("+1") {
        return None;
    }
    let n = phonenumber::parse(None, number).ok()?;
    n.is_valid().then(|| n.country().id()).flatten()
}

/// Validations remembered across pages: a site repeats its header and footer number on
/// every page, and validation (libphonenumber's regexes) is the dearest step of extraction.
/// Cleared when full, so it never grows past this many entries.
const VALIDATED_MAX: usize = 4096;

type ValidationKey = (String, Option<Id>, bool);

static VALIDATED: LazyLock<Mutex<HashMap<ValidationKey, Option<String>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// `number` in E.164 when it is a valid number (of `region` when it has no `+`).
fn e164(number: &str, region: Option<Id>, need_trunk_prefix: bool) -> Option<String> {
    let key = (number.to_owned(), region, need_trunk_prefix);
    // A poisoned lock only means another thread panicked mid-insert: validate uncached.
    if let Some(known) = VALIDATED.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return known;
    }
    let found = validate(number, region, need_trunk_prefix);
    if let Ok(mut cache) = VALIDATED.lock() {
        if cache.len() >= VALIDATED_MAX {
            cache.clear();
        }
        cache.insert(key, found.clone());
    }
    found
}

fn validate(number: &str, region: Option<Id>, need_trunk_prefix: bool) -> Option<String> {
    let n = phonenumber::parse(region, number).ok()?;
    if !n.is_valid() {
        return None;
    }
    let national = n.national().to_string();
    if need_trunk_prefix && lacks_trunk_prefix(number, &n, &national) {
        return None;
    }
    // E.164 is the country code and the national significant number; the crate's formatter
    // would first look up a national layout this does not need.
    Some(format!("+{}{national}", n.code().value()))
}

/// True when `written` is the bare national significant number while the country's national
/// format puts a trunk prefix before it. Countries that keep no prefix (Italy's leading 0 is
/// part of the number, North America writes none) are never affected.
fn lacks_trunk_prefix(written: &str, n: &phonenumber::PhoneNumber, national: &str) -> bool {
    if !digits_eq(written, national) {
        return false;
    }
    // Formatting is costly: only where some national layout writes the prefix at all.
    let writes_prefix = n.metadata(&DATABASE).is_some_and(|m| {
        m.national_prefix().is_some()
            && m.formats()
                .iter()
                .any(|f| f.national_prefix().is_some_and(|r| r.contains("$NP")))
    });
    if !writes_prefix {
        return false;
    }
    let formatted = n.format().mode(Mode::National).to_string();
    let shown = formatted.bytes().filter(u8::is_ascii_digit).count();
    shown > national.len()
}

/// Whether the digits of `s` are exactly `digits`.
fn digits_eq(s: &str, digits: &str) -> bool {
    s.bytes().filter(u8::is_ascii_digit).eq(digits.bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The phones (not faxes) among `p`.
    fn phones(p: &[Pending], regions: &[Id]) -> Vec<String> {
        numbers(p, regions, false)
    }

    fn numbers(p: &[Pending], regions: &[Id], fax: bool) -> Vec<String> {
        resolve(p, regions)
            .into_iter()
            .filter(|r| r.fax == fax)
            .map(|r| r.number)
            .collect()
    }

    fn text(t: &str, region: Id) -> Vec<String> {
        let mut p = Vec::new();
        scan_text(t, "", &[], &mut p);
        phones(&p, &[region])
    }

    fn faxes(t: &str, region: Id) -> Vec<String> {
        let mut p = Vec::new();
        scan_text(t, "", &[], &mut p);
        numbers(&p, &[region], true)
    }

    #[test]
    fn fax_lines_are_kept_apart() {
        let t = "Tel. 030 1234567, Fax 030 1234568";
        assert_eq!(text(t, Id::DE), ["+49301234567"]);
        assert_eq!(faxes(t, Id::DE), ["+49301234568"]);
        assert_eq!(
            faxes("Telefax: +49 (0)221 9876541", Id::US),
            ["+492219876541"]
        );
        assert_eq!(faxes("F: 01 42 68 53 01", Id::FR), ["+33142685301"]);
        // One number for both: a phone, not repeated as a fax.
        let mut p = Vec::new();
        scan_text("Fax 030 1234567", "", &[], &mut p);
        scan_text("Tel. 030 1234567", "", &[], &mut p);
        let r = resolve(&p, &[Id::DE]);
        assert_eq!(r.len(), 1);
        assert!(!r[0].fax);
        // Structured data declares faxes too.
        let p: Vec<Pending> = declared_fax("+1 415 555 0199", ContactMethod::Jsonld)
            .into_iter()
            .collect();
        assert_eq!(numbers(&p, &[Id::US], true), ["+14155550199"]);
    }

    #[test]
    fn a_number_keeps_the_method_it_was_first_read_by() {
        let mut p: Vec<Pending> = from_tel("tel:+14155550132").into_iter().collect();
        scan_text("Call (415) 555-0132", "", &[], &mut p);
        scan_text("Call (415) 555-0177", "", &[], &mut p);
        let r = resolve(&p, &[Id::US]);
        assert_eq!(r[0].method, ContactMethod::Tel);
        assert_eq!(r[1].method, ContactMethod::Text);
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
            phones(&p, &[Id::US]),
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
    fn uk_mobiles_in_running_text() {
        for t in [
            "Call Dave on 07912 345678 any time",
            "Mobile: 07912 345678",
            "Mob. 07912345678",
            "M: 07912 345 678",
            "or text 07912-345-678",
            "+44 (0) 7912 345678",
            "+44 (0)7912 345678",
            "(07912) 345678",
        ] {
            assert_eq!(text(t, Id::GB), ["+447912345678"], "{t}");
        }
    }

    #[test]
    fn cue_in_previous_node() {
        let mut p = Vec::new();
        scan_text("4155550132", "Phone:", &[], &mut p);
        assert_eq!(phones(&p, &[Id::US]), ["+14155550132"]);
        let mut p = Vec::new();
        scan_text("4155550132", "", &[], &mut p);
        assert!(p.is_empty(), "bare digit run without a cue");
        let mut p = Vec::new();
        let cued = [Range { start: 0, end: 10 }];
        scan_text("4155550132", "", &cued, &mut p);
        assert_eq!(phones(&p, &[Id::US]), ["+14155550132"]);
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
    fn a_comma_ends_a_number_unless_digits_follow() {
        assert_eq!(
            text("Tel. 030 1234567, Fax 030 1234568", Id::DE),
            ["+49301234567"]
        );
        assert!(text("Summe: 1234567,89", Id::DE).is_empty());
        assert!(text("Tel. 0301234567,50", Id::DE).is_empty());
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

    #[test]
    fn national_numbers_need_their_trunk_prefix() {
        // Germany and France write a leading 0; without it a digit run is an id.
        assert!(text("Kennung 591234567", Id::DE).is_empty());
        assert!(text("Tel. 30 1234567", Id::DE).is_empty());
        assert!(text("Tél. 1 42 68 53 00", Id::FR).is_empty());
        assert_eq!(text("Tel. 030 1234567", Id::DE), ["+49301234567"]);
        // Italy's leading 0 belongs to the number; North America writes no prefix.
        assert_eq!(text("Tel. 06 1234 5678", Id::IT), ["+390612345678"]);
        assert_eq!(text("Phone 415 555 0132", Id::US), ["+14155550132"]);
        // International and declared numbers are complete as they are.
        assert_eq!(text("+49 591 234567", Id::US), ["+49591234567"]);
    }

    #[test]
    fn toll_free_shapes_without_a_cue() {
        assert_eq!(text("Anytime 1 (866) 555-0143", Id::CA), ["+18665550143"]);
        assert_eq!(text("Nationwide 1-800-555-0199", Id::US), ["+18005550199"]);
        assert_eq!(
            text("Australia-wide 1300 654 321", Id::AU),
            ["+611300654321"]
        );
        assert_eq!(text("Anywhere 1800 123 456", Id::AU), ["+611800123456"]);
        // Each shape is only valid in its own numbering plan.
        assert!(text("Australia-wide 1300 654 321", Id::US).is_empty());
        assert!(text("Since 1800 123 456 customers", Id::DE).is_empty());
    }

    #[test]
    fn cue_words_of_other_languages() {
        assert_eq!(text("Llámanos: 935 123 456", Id::ES), ["+34935123456"]);
        assert_eq!(text("Chiamaci 055 123 4567", Id::IT), ["+390551234567"]);
        assert!(text("Pedido 935 123 456", Id::ES).is_empty());
        assert!(
            text("935 123 456", Id::ES).is_empty(),
            "no cue, no national shape"
        );
    }

    #[test]
    fn ids_and_fax_labels_of_other_languages() {
        for (t, region) in [
            ("P.IVA 06123450481", Id::IT),
            ("C.F. 06123450481", Id::IT),
            ("Codice Fiscale 06123450481", Id::IT),
            ("SIRET 05 56 12 34 78", Id::FR),
            ("Télécopie : 05 56 12 34 79", Id::FR),
            ("Telefax: 0221 9876541", Id::DE),
            ("IK-Nummer 0591234567", Id::DE),
            ("Faks: 022 123 45 67", Id::PL),
        ] {
            assert!(text(t, region).is_empty(), "{t}");
        }
        assert_eq!(
            text("Tel. 06 1234 5678 · P.IVA 06123450481", Id::IT),
            ["+390612345678"]
        );
    }

    #[test]
    fn repeated_numbers_are_validated_once() {
        let mut p = Vec::new();
        for _ in 0..3 {
            scan_text("Call (415) 555-0132", "", &[], &mut p);
        }
        assert_eq!(p.len(), 3);
        assert_eq!(phones(&p, &[Id::US]), ["+14155550132"]);
    }
}
