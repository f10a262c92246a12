//! Page bytes → decoded text → bounded parse → contacts, as the pipeline takes a page.
#![no_main]

use lead_audit_core::extract::{extract_contacts, ExtractOptions};
use lead_audit_core::fetch::charset::decode_html;
use lead_audit_core::parse::{parse_document, Budget};
use libfuzzer_sys::fuzz_target;
use url::Url;

fuzz_target!(|data: &[u8]| {
    let html = decode_html(data, Some("text/html"));
    let parsed = parse_document(&html, &Budget::unlimited());
    let Ok(url) = Url::parse("https://www.example-shop.de/kontakt") else {
        return;
    };
    let opts = ExtractOptions {
        lead_region: None,
        default_region: "US",
    };
    let contacts = extract_contacts(&parsed.doc, &url, &opts);
    // Every address costs at least `a@b.cc` in the input.
    assert!(contacts.emails.len() <= data.len() / 3 + 1);
    for e in &contacts.emails {
        assert_eq!(*e, e.to_lowercase(), "email not lowercased: {e:?}");
        assert!(e.contains('@'), "not an address: {e:?}");
    }
    for p in &contacts.phones {
        assert!(p.starts_with('+'), "phone not in E.164: {p:?}");
    }
});
