//! Registration dates as registries write them.
//!
//! WHOIS has no standard date format: ISO 8601 at gTLD registries, `14-May-2001` at Nominet and
//! others, `2001.05.14` in Poland, `14.05.2001` in central Europe, `20010514` in Brazil, and
//! `before Aug-1996` for the oldest .uk names. Times are taken as UTC when no offset is given.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// Date-and-time layouts tried in order (after ISO 8601 with an offset).
const DATETIME_FORMATS: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y.%m.%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%d.%m.%Y %H:%M:%S",
    "%d-%b-%Y %H:%M:%S",
    "%a %b %d %H:%M:%S %Z %Y",
    "%a %b %d %H:%M:%S %Y",
];

/// Date-only layouts tried in order; day-first before month-first, as most ccTLDs write it.
const DATE_FORMATS: &[&str] = &[
    "%Y-%m-%d",
    "%Y.%m.%d",
    "%Y/%m/%d",
    "%Y%m%d",
    "%d-%b-%Y",
    "%d %b %Y",
    "%d-%B-%Y",
    "%d %B %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%a %b %d %Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
];

/// Parses a registration date as found in an RDAP event or a WHOIS field.
pub fn parse_date(raw: &str) -> Option<DateTime<Utc>> {
    let s = normalise(raw);
    if s.is_empty() {
        return None;
    }
    if let Some(rest) = strip_prefix_ci(&s, "before ") {
        // Nominet's "before Aug-1996": the first day of that month is the latest it can be.
        return month_year(rest);
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(&s) {
        return Some(dt.with_timezone(&Utc));
    }
    if let Some(dt) = with_offset(&s) {
        return Some(dt);
    }
    for fmt in DATETIME_FORMATS {
        if let Ok((dt, rest)) = NaiveDateTime::parse_and_remainder(&s, fmt) {
            if trailer_ok(rest) && plausible(dt.date()) {
                return Some(Utc.from_utc_datetime(&dt));
            }
        }
    }
    if let Some(d) = slashed(&s) {
        return Some(midnight(d));
    }
    for fmt in DATE_FORMATS {
        if let Ok((d, rest)) = NaiveDate::parse_and_remainder(&s, fmt) {
            if trailer_ok(rest) && plausible(d) {
                return Some(midnight(d));
            }
        }
    }
    None
}

/// Collapses spacing and drops the decorations registries put around dates: trailing `Z`
/// spelt as a zone name, `#123` serials (.br), parenthesised notes, Korean-style `2001. 05. 14.`.
fn normalise(raw: &str) -> String {
    let mut s = raw.trim();
    for cut in [" #", "(", " ("] {
        if let Some(i) = s.find(cut) {
            s = s[..i].trim_end();
        }
    }
    let mut s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    // "2001. 05. 14." → "2001.05.14"
    if s.contains(". ") && s.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        s = s.replace(". ", ".");
    }
    let s = s.trim_end_matches('.').to_owned();
    for zone in [" UTC", " GMT", " Z"] {
        if let Some(head) = s.strip_suffix(zone) {
            return head.to_owned();
        }
    }
    s
}

/// `2001-05-14 04:00:00+03:00`, `2001-05-14 04:00:00 +0300`, `2001-05-14T04:00:00+03`.
fn with_offset(s: &str) -> Option<DateTime<Utc>> {
    // %z wants minutes: a bare hour offset ("+03") gets ":00".
    let b = s.as_bytes();
    let padded;
    let s = if b.len() > 10
        && matches!(b[b.len() - 3], b'+' | b'-')
        && b[b.len() - 2..].iter().all(u8::is_ascii_digit)
    {
        padded = format!("{s}:00");
        padded.as_str()
    } else {
        s
    };
    [
        "%Y-%m-%d %H:%M:%S%.f%:z",
        "%Y-%m-%d %H:%M:%S%.f %:z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f %z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
    ]
    .iter()
    .find_map(|fmt| DateTime::<FixedOffset>::parse_from_str(s, fmt).ok())
    .map(|dt| dt.with_timezone(&Utc))
}

/// `dd/mm/yyyy` or `mm/dd/yyyy`: day first unless that cannot be.
fn slashed(s: &str) -> Option<NaiveDate> {
    let date = s.split(' ').next()?;
    let mut parts = date.split('/');
    let (a, b, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 {
        return None;
    }
    let (a, b, y): (u32, u32, i32) = (a.parse().ok()?, b.parse().ok()?, y.parse().ok()?);
    let (day, month) = if a <= 12 && b > 12 { (b, a) } else { (a, b) };
    NaiveDate::from_ymd_opt(y, month, day).filter(|d| plausible(*d))
}

/// `Aug-1996` or `August 1996` → 1996-08-01.
fn month_year(s: &str) -> Option<DateTime<Utc>> {
    let s = format!("01 {}", s.replace('-', " "));
    ["%d %b %Y", "%d %B %Y"]
        .iter()
        .find_map(|fmt| NaiveDate::parse_from_str(&s, fmt).ok())
        .map(midnight)
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s[prefix.len()..].trim())
}

/// What may follow a parsed date: nothing, or a time or zone name we do not need.
fn trailer_ok(rest: &str) -> bool {
    let t = rest.trim().trim_start_matches('T');
    t.chars()
        .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase() || " :.+-".contains(c))
}

/// The domain name system did not exist before 1985; a date in the future is a misparse.
fn plausible(d: NaiveDate) -> bool {
    d.year() >= 1985 && d <= Utc::now().date_naive() + chrono::Days::new(1)
}

fn midnight(d: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ymd(s: &str) -> String {
        parse_date(s)
            .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_else(|| "none".into())
    }

    #[test]
    fn iso_forms() {
        assert_eq!(ymd("2001-05-14T04:00:00Z"), "2001-05-14 04:00:00");
        assert_eq!(ymd("2001-05-14T04:00:00.123Z"), "2001-05-14 04:00:00");
        assert_eq!(ymd("2001-05-14T04:00:00+02:00"), "2001-05-14 02:00:00");
        assert_eq!(ymd("2001-05-14T04:00:00"), "2001-05-14 04:00:00");
        assert_eq!(ymd("2001-05-14 04:00:00"), "2001-05-14 04:00:00");
        assert_eq!(ymd("2001-05-14 04:00:00 UTC"), "2001-05-14 04:00:00");
        assert_eq!(ymd("2001-05-14 04:00:00 +03:00"), "2001-05-14 01:00:00");
        assert_eq!(ymd("2001-05-14 04:00:00+03"), "2001-05-14 01:00:00");
        assert_eq!(ymd("2001-05-14"), "2001-05-14 00:00:00");
        assert_eq!(ymd("  2001-05-14  "), "2001-05-14 00:00:00");
    }

    #[test]
    fn registry_specific_forms() {
        assert_eq!(ymd("14-May-2001"), "2001-05-14 00:00:00");
        assert_eq!(ymd("14-may-2001"), "2001-05-14 00:00:00");
        assert_eq!(ymd("2001.05.14"), "2001-05-14 00:00:00");
        assert_eq!(ymd("2001.05.14 13:00:00"), "2001-05-14 13:00:00");
        assert_eq!(ymd("14/05/2001"), "2001-05-14 00:00:00");
        assert_eq!(ymd("05/14/2001"), "2001-05-14 00:00:00");
        assert_eq!(ymd("14.05.2001"), "2001-05-14 00:00:00");
        assert_eq!(ymd("14.5.2001 04:00:00"), "2001-05-14 04:00:00");
        assert_eq!(ymd("2001/05/14"), "2001-05-14 00:00:00");
        assert_eq!(ymd("20010514 #71906"), "2001-05-14 00:00:00");
        assert_eq!(ymd("2001. 05. 14."), "2001-05-14 00:00:00");
        assert_eq!(ymd("14 May 2001"), "2001-05-14 00:00:00");
        assert_eq!(ymd("Mon May 14 2001"), "2001-05-14 00:00:00");
        assert_eq!(ymd("Mon May 14 04:00:00 GMT 2001"), "2001-05-14 04:00:00");
        assert_eq!(ymd("before Aug-1996"), "1996-08-01 00:00:00");
        assert_eq!(ymd("Before aug-1996"), "1996-08-01 00:00:00");
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        assert_eq!(ymd(""), "none");
        assert_eq!(ymd("REDACTED FOR PRIVACY"), "none");
        assert_eq!(ymd("not available"), "none");
        assert_eq!(ymd("31/31/2001"), "none");
        assert_eq!(ymd("1970-01-01"), "none", "before the DNS existed");
        assert_eq!(ymd("2999-01-01"), "none", "in the future");
        assert_eq!(ymd("2001-05-14 garbage"), "none");
    }
}
