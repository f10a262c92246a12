//! The fingerprint loader: any bytes as a Wappalyzer-format dataset file either load or give
//! an error, and a detector that loads never panics on a page.
#![no_main]

use std::io::Write;

use lead_audit_detect::{DetectInput, Detector};
use libfuzzer_sys::fuzz_target;

const PAGE: &str = r#"<!doctype html><html><head><meta name="generator" content="WordPress 6.4">
<script src="/wp-includes/js/jquery/jquery.min.js?ver=3.7.1"></script></head>
<body class="home"><div id="__next">Hello</div><script>window.Shopify = {};</script></body></html>"#;

fuzz_target!(|data: &[u8]| {
    let Ok(mut file) = tempfile::Builder::new().suffix(".json").tempfile() else {
        return;
    };
    if file.write_all(data).is_err() {
        return;
    }
    let Ok(detector) = Detector::with_dataset(file.path()) else {
        return;
    };
    let headers = [
        ("server".to_owned(), "nginx/1.25.3".to_owned()),
        ("x-powered-by".to_owned(), "PHP/8.2".to_owned()),
    ];
    let cookies = [("wp-settings-1".to_owned(), "x".to_owned())];
    let doc = scraper::Html::parse_document(PAGE);
    for (url, html) in [
        ("https://example.com/", PAGE),
        (
            "https://example.com/?q=1",
            std::str::from_utf8(data).unwrap_or(""),
        ),
    ] {
        let input = DetectInput {
            url,
            headers: &headers,
            cookies: &cookies,
            html,
            doc: Some(&doc),
            robots: Some(html),
            cert_issuer: Some(html),
            ..DetectInput::default()
        };
        for t in detector.detect(&input) {
            assert!(t.confidence <= 100);
        }
    }
    let _ = detector.js_paths();
});
