//! The charset sniffer: any bytes, with and without a content type, decode to text at most
//! three times their length.
#![no_main]

use lead_audit_core::fetch::charset::decode_html;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first line, when there is one, is the Content-Type header value.
    let (content_type, body) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (std::str::from_utf8(&data[..i]).ok(), &data[i + 1..]),
        None => (None, data),
    };
    for ct in [content_type, None] {
        let text = decode_html(body, ct);
        assert!(text.len() <= 3 * body.len());
    }
});
