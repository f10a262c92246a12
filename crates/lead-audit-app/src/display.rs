//! How secret or untrusted values appear in messages and logs: connection URLs without their
//! password, user data cut to a short preview.

/// A connection URL with its password replaced by `***`. A value that does not parse as a
/// URL (a missing scheme, a port out of range) loses everything before an `@` in its
/// authority instead, so a mistyped URL never shows its credentials either.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        Ok(u) if u.has_host() => url.to_owned(),
        _ => {
            let (scheme, rest) = match url.split_once("://") {
                Some((s, r)) => (format!("{s}://"), r),
                None => (String::new(), url),
            };
            let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            match rest[..authority_end].rfind('@') {
                Some(at) => format!("{scheme}***@{}", &rest[at + 1..]),
                None => url.to_owned(),
            }
        }
    }
}

/// Bytes of user data (a job's data, a row) echoed in an error message or a log line.
pub const PREVIEW_BYTES: usize = 1024;

/// `text` cut to at most [`PREVIEW_BYTES`] on a character boundary, saying how much was left
/// out (the core's previews of URLs, with room for a job's data).
pub fn preview(text: &str) -> String {
    lead_audit_core::redact::preview_within(text, PREVIEW_BYTES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_of_urls_that_do_not_parse_never_show() {
        assert_eq!(redact_url("redis://:pw@h:99999"), "redis://***@h:99999");
        assert_eq!(redact_url("default:pw@h:7000"), "***@h:7000");
        assert_eq!(redact_url("h:7000/0"), "h:7000/0");
    }

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/leads"),
            "postgres://app:***@db:5432/leads"
        );
        assert_eq!(
            redact_url("redis://:pw@cache:6379/0"),
            "redis://:***@cache:6379/0"
        );
        assert_eq!(
            redact_url("sqlite://lead-audit.db"),
            "sqlite://lead-audit.db"
        );
    }

    #[test]
    fn previews_are_short_and_cut_on_characters() {
        assert_eq!(preview("abc"), "abc");
        let long = "é".repeat(5000);
        let p = preview(&long);
        assert!(p.len() < PREVIEW_BYTES + 40, "{}", p.len());
        assert!(p.ends_with("more bytes)"));
    }
}
