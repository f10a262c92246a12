//! TYPO3's email scrambling (`spamProtectEmailAddresses`): the `mailto:` link's letters,
//! digits and a few signs are shifted by a fixed offset, each within its own range, and the
//! page unscrambles them in JavaScript on click: `javascript:linkTo_UnCryptMailto('…')` in
//! older versions, `data-mailto-token="…"` in newer ones. The offset is site configuration,
//! not in the page, so every offset is tried until the text starts with `mailto:`.

use percent_encoding::percent_decode_str;

/// The ranges TYPO3 shifts within: `+` to `:`, `@` to `Z`, `a` to `z`. Other bytes stay.
const RANGES: [(u8, u8); 3] = [(0x2B, 0x3A), (0x40, 0x5A), (0x61, 0x7A)];

/// Longest token considered: a scrambled `mailto:` with a few addresses and a subject.
const MAX_TOKEN: usize = 1024;

/// Shifts `b` by `offset` within its range, wrapping around as TYPO3 does.
fn shift(b: u8, offset: i16) -> u8 {
    for (lo, hi) in RANGES {
        if (lo..=hi).contains(&b) {
            let span = i16::from(hi - lo) + 1;
            let moved = (i16::from(b - lo) + offset).rem_euclid(span);
            // `moved` is in 0..span, and span is at most 27: it fits a byte.
            return lo + moved as u8;
        }
    }
    b
}

/// The `mailto:` URL a scrambled token stands for, or `None` when no offset gives one.
pub(crate) fn unscramble(token: &str) -> Option<String> {
    let token = token.trim();
    if token.len() < 8 || token.len() > MAX_TOKEN || !token.is_ascii() {
        return None;
    }
    let bytes = token.as_bytes();
    // Smallest offsets first: TYPO3 sites use -10 to 10.
    let offsets = (1..=26).flat_map(|k| [k, -k]);
    for offset in offsets {
        let prefix: Vec<u8> = bytes[..7].iter().map(|&b| shift(b, offset)).collect();
        if prefix.eq_ignore_ascii_case(b"mailto:") {
            let plain: Vec<u8> = bytes.iter().map(|&b| shift(b, offset)).collect();
            return String::from_utf8(plain).ok();
        }
    }
    None
}

/// The token in `javascript:linkTo_UnCryptMailto('…')` (quotes may be percent-encoded).
pub(crate) fn from_js_href(href: &str) -> Option<String> {
    const CALL: &str = "linkto_uncryptmailto(";
    if href.len() > MAX_TOKEN * 3 {
        return None;
    }
    let decoded = percent_decode_str(href).decode_utf8_lossy();
    let at = decoded.to_ascii_lowercase().find(CALL)? + CALL.len();
    let args = decoded[at..].trim_start();
    let quote = args.chars().next().filter(|q| matches!(q, '\'' | '"'))?;
    let inner = &args[1..];
    let token = &inner[..inner.find(quote)?];
    unscramble(token)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// What TYPO3 writes into the page for `plain` with its offset.
    fn scramble(plain: &str, offset: i16) -> String {
        plain.bytes().map(|b| shift(b, offset) as char).collect()
    }

    #[test]
    fn scrambled_links_of_both_typo3_generations() {
        // `mailto:info@example.com` shifted by 1, as older TYPO3 writes it.
        let href = "javascript:linkTo_UnCryptMailto('nbjmup+jogpAfybnqmf/dpn');";
        assert_eq!(
            from_js_href(href).as_deref(),
            Some("mailto:info@example.com")
        );
        let encoded = "javascript:linkTo_UnCryptMailto(%27nbjmup%2BjogpAfybnqmf%2Fdpn%27);";
        assert_eq!(
            from_js_href(encoded).as_deref(),
            Some("mailto:info@example.com")
        );
        let token = scramble("mailto:kontakt@baeckerei-schmidt.de", -3);
        assert_eq!(
            unscramble(&token).as_deref(),
            Some("mailto:kontakt@baeckerei-schmidt.de")
        );
    }

    #[test]
    fn anything_else_is_no_address() {
        for href in [
            "javascript:void(0)",
            "javascript:linkTo_UnCryptMailto()",
            "javascript:linkTo_UnCryptMailto('unterminated",
            "javascript:linkTo_UnCryptMailto(nbjmup+jogpAfybnqmf/dpn)",
            "javascript:linkTo_UnCryptMailto('kurz')",
            "javascript:linkTo_UnCryptMailto('nbjmup+jogpAfybnqmf/dpn\u{e9}')",
        ] {
            assert_eq!(from_js_href(href), None, "{href}");
        }
        assert_eq!(unscramble(&"x".repeat(MAX_TOKEN + 1)), None);
        assert_eq!(
            unscramble(&"nbjmup+".repeat(1000)),
            None,
            "over the length cap"
        );
        // A token for another scheme does not pass for an address.
        assert_eq!(unscramble(&scramble("https://example.com/", 2)), None);
    }

    proptest! {
        #[test]
        fn every_offset_unscrambles_what_it_scrambled(
            local in "[a-z0-9][a-z0-9._-]{0,20}",
            domain in "[a-z0-9-]{1,20}\\.[a-z]{2,6}",
            offset in (1i16..=25).prop_flat_map(|k| prop_oneof![Just(k), Just(-k)]),
        ) {
            let plain = format!("mailto:{local}@{domain}");
            let token = scramble(&plain, offset);
            // Offsets that agree on every range give the same token; any of them decodes it.
            prop_assert_eq!(unscramble(&token), Some(plain));
        }

        #[test]
        fn arbitrary_text_never_panics(s in "\\PC{0,200}") {
            let _ = unscramble(&s);
            let _ = from_js_href(&format!("javascript:linkTo_UnCryptMailto('{s}')"));
        }
    }
}
