//! What of a URL the core repeats: never the credentials it may carry (`user:pass@`), and in
//! messages no more than a short preview, so a 100 KB URL is not copied into every field.

use url::Url;

/// Bytes of a URL (or other untrusted text) quoted in an error message or a log line. Enough
/// for the scheme, the longest host name (253 bytes) and the start of the path.
pub const PREVIEW_BYTES: usize = 256;

/// `text` cut to at most [`PREVIEW_BYTES`] on a character boundary, saying how much was left
/// out.
pub fn preview(text: &str) -> String {
    preview_within(text, PREVIEW_BYTES)
}

/// `text` cut to at most `max` bytes on a character boundary, followed by how many bytes were
/// left out (`… (N more bytes)`).
pub fn preview_within(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} more bytes)", &text[..end], text.len() - end)
}

/// A preview of `url` for a message.
pub fn preview_url(url: &Url) -> String {
    preview(url.as_str())
}

/// `text` with the `user:pass@` of its authority removed, whether or not it parses as a URL.
///
/// The authority is what follows `://` (or the start, when there is no scheme) up to the first
/// `/`, `\`, `?` or `#`, and the credentials end at its last `@`: the same split the URL
/// parser makes for http(s), so what the parser would take as a password is never kept.
pub fn without_credentials(text: &str) -> String {
    let start = text.find("://").map_or(0, |i| i + 3);
    let rest = &text[start..];
    let end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{}{}", &text[..start], &rest[at + 1..]),
        None => text.to_owned(),
    }
}

/// Removes the username and password of `url`, if any.
pub fn strip_credentials(url: &mut Url) {
    if url.username().is_empty() && url.password().is_none() {
        return;
    }
    // Both only fail for URLs that cannot carry credentials, which then have none to remove.
    let _ = url.set_username("");
    let _ = url.set_password(None);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_are_short_and_cut_on_characters() {
        assert_eq!(preview("https://shop.test/"), "https://shop.test/");
        let long = format!("https://shop.test/{}", "é".repeat(50_000));
        let p = preview(&long);
        assert!(p.len() < PREVIEW_BYTES + 40, "{}", p.len());
        assert!(p.starts_with("https://shop.test/é"));
        assert!(p.ends_with("more bytes)"), "{p}");
    }

    #[test]
    fn credentials_go_from_parsed_and_unparsed_text() {
        for (given, shown) in [
            ("http://user:pass@shop.test/", "http://shop.test/"),
            (
                "https://user@shop.test:8443/a@b",
                "https://shop.test:8443/a@b",
            ),
            ("http://a:b@c@shop.test/x", "http://shop.test/x"),
            ("user:pass@shop.test", "shop.test"),
            ("http://u:p@shop.test\\x@y", "http://shop.test\\x@y"),
            ("http://u:p@", "http://"),
            ("http://u:p@ bad host/", "http:// bad host/"),
            ("http://shop.test/?next=a@b", "http://shop.test/?next=a@b"),
            ("", ""),
        ] {
            assert_eq!(without_credentials(given), shown, "{given}");
        }
    }

    #[test]
    fn the_text_rule_agrees_with_the_parser() {
        for given in [
            "http://user:pass@shop.test/",
            "http://a:b@c@shop.test/x",
            "http://u:p@shop.test\\x@y",
            "HTTP://u:p%40x@shop.test?q=@",
        ] {
            let mut url = Url::parse(given).unwrap();
            strip_credentials(&mut url);
            let from_text = Url::parse(&without_credentials(given)).unwrap();
            assert_eq!(url, from_text, "{given}");
        }
    }
}
