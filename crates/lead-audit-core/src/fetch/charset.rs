//! Decoding a page's bytes: BOM, then the `Content-Type` charset, then `<meta charset>`,
//! then UTF-8 when the bytes are valid UTF-8, else windows-1252 (what browsers assume).

use std::borrow::Cow;
use std::sync::LazyLock;

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use regex::bytes::Regex;

/// How far into the document a `<meta charset>` is looked for (browsers use 1024 bytes;
/// real pages put long comments first, so a little more).
const META_SCAN: usize = 4096;

static META_CHARSET: LazyLock<Regex> = LazyLock::new(|| {
    #[allow(clippy::unwrap_used)] // a literal pattern
    Regex::new(r#"(?i)<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_:.\-]+)"#).unwrap()
});

/// The encoding named by a `Content-Type` header value, if any.
pub fn from_content_type(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|param| {
        let (k, v) = param.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| Encoding::for_label(v.trim().trim_matches('"').as_bytes()))?
    })
}

/// The encoding declared by a `<meta charset>` or `<meta http-equiv=content-type>` tag.
pub fn from_meta(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(META_SCAN)];
    let label = META_CHARSET.captures(head)?.get(1)?.as_bytes();
    // A page that says UTF-16 in a meta tag it could be read in is really ASCII-compatible.
    Encoding::for_label(label).map(|e| {
        if e.is_single_byte() || e.output_encoding() == e {
            e
        } else {
            UTF_8
        }
    })
}

/// Decodes HTML bytes to text, choosing the encoding as a browser would.
///
/// The text is at most three times as long as the bytes (a byte that is not text in the
/// chosen encoding becomes U+FFFD). NUL bytes are kept: the parser drops them from text and
/// turns them into U+FFFD in attributes and comments, as the HTML standard does, so a page of
/// NULs costs its size once instead of three times.
pub fn decode_html(bytes: &[u8], content_type: Option<&str>) -> String {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom_len..])
            .0
            .into_owned();
    }
    let declared = content_type
        .and_then(from_content_type)
        .or_else(|| from_meta(bytes));
    let enc = match declared {
        Some(e) => e,
        None if std::str::from_utf8(bytes).is_ok() => UTF_8,
        None => WINDOWS_1252,
    };
    match enc.decode_without_bom_handling(bytes).0 {
        Cow::Borrowed(s) => s.to_owned(),
        Cow::Owned(s) => s,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn nul_bytes_are_kept_for_the_parser() {
        let nuls = vec![0u8; 5 << 20];
        let text = decode_html(&nuls, Some("text/html"));
        assert_eq!(text.len(), nuls.len());
        assert!(text.bytes().all(|b| b == 0));
    }

    #[test]
    fn invalid_utf8_becomes_replacement_characters() {
        let bytes = [b"<p>a".as_slice(), &[0xff; 1000], b"\xc3</p>"].concat();
        let text = decode_html(&bytes, Some("text/html; charset=utf-8"));
        assert_eq!(text.matches('\u{fffd}').count(), 1001);
        assert!(text.starts_with("<p>a") && text.ends_with("</p>"));
        // Undeclared and not UTF-8: windows-1252, one character per byte.
        assert_eq!(decode_html(&[0xff; 3], None), "ÿÿÿ");
    }

    proptest! {
        #[test]
        fn decoding_never_panics_and_is_linear(
            bytes in proptest::collection::vec(any::<u8>(), 0..600),
            head in prop::sample::select(vec![
                "", "\u{feff}", "<meta charset=shift_jis>", "<meta charset=utf-16>",
                "<meta http-equiv=content-type content='text/html; charset=gb18030'>",
            ]),
            ct in prop::sample::select(vec![
                None, Some("text/html"), Some("text/html; charset=utf-8"),
                Some("text/html; charset=\"iso-2022-jp\""), Some("text/html; charset=utf-16le"),
                Some("text/html; charset=big5"), Some("text/html; charset=nonsense"),
            ]),
        ) {
            let input = [head.as_bytes(), &bytes].concat();
            let text = decode_html(&input, ct);
            prop_assert!(text.len() <= 3 * input.len(), "{} -> {}", input.len(), text.len());
        }
    }

    #[test]
    fn header_charset_wins() {
        let bytes = b"<p>M\xfcller caf\xe9</p>";
        assert_eq!(
            decode_html(bytes, Some("text/html; charset=windows-1252")),
            "<p>Müller café</p>"
        );
        assert_eq!(
            decode_html(bytes, Some("text/html; charset=\"ISO-8859-1\"")),
            "<p>Müller café</p>"
        );
    }

    #[test]
    fn meta_charset_when_header_is_silent() {
        let bytes = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\"></head><body>Stra\xdfe</body>";
        assert!(decode_html(bytes, Some("text/html")).contains("Straße"));
        let bytes = b"<meta charset=\"shift_jis\"><p>\x93\xfa\x96\x7b</p>";
        assert!(decode_html(bytes, None).contains("日本"));
    }

    #[test]
    fn bom_and_fallbacks() {
        assert_eq!(
            decode_html(b"\xef\xbb\xbfok", Some("text/html; charset=latin1")),
            "ok"
        );
        assert_eq!(decode_html("héllo".as_bytes(), None), "héllo");
        assert_eq!(decode_html(b"h\xe9llo", None), "héllo");
    }
}
