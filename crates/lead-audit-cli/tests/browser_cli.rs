//! The browser fallback through the CLI: a single-page app whose contacts exist only after
//! its script runs is found in `auto` mode and not in `never`.

#![allow(clippy::unwrap_used)]

mod server;

use std::process::Command;

use serde_json::Value;
use server::{start, Reply};

const SPA: &str = r#"<!doctype html><html><head><title>Studio Nord</title></head>
<body><div id="root"></div><noscript>You need to enable JavaScript to run this app.</noscript>
<script src="/app.js"></script></body></html>"#;

const APP: &str = r#"document.getElementById('root').innerHTML =
  '<h1>Studio Nord</h1><p>Design studio in Hamburg. Write to <a href="mailto:hallo@studio-nord.de">hallo@studio-nord.de</a> ' +
  'or call <a href="tel:+494012345678">040 12345678</a>.</p>';"#;

fn chromium_present() -> bool {
    lead_audit_browser::find_chrome(None).is_ok()
}

fn audit(url: &str, mode: &str) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_lead-audit"))
        .args([
            "audit",
            url,
            "--allow-private-networks",
            "--no-domain-lookup",
            "--max-pages",
            "0",
        ])
        .args(["--browser", mode, "--browser-tabs", "1", "--timeout", "25"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_single_page_app_is_rendered_in_auto_mode_only() {
    if !chromium_present() && std::env::var_os("CI").is_none() {
        eprintln!("skipped: no Chromium on this machine (scripts/test installs it)");
        return;
    }
    let s = start(vec![
        ("/", Reply::Html(SPA.into())),
        (
            "/app.js",
            Reply::Bytes {
                content_type: "application/javascript",
                body: APP.as_bytes().to_vec(),
            },
        ),
    ]);
    let never = audit(&s.url("/"), "never");
    assert_eq!(never["emails"], serde_json::json!([]));
    assert_eq!(never["renderedWithBrowser"], false);

    let auto = audit(&s.url("/"), "auto");
    assert_eq!(auto["renderedWithBrowser"], true, "{auto}");
    assert_eq!(auto["emails"], serde_json::json!(["hallo@studio-nord.de"]));
    assert_eq!(auto["phones"], serde_json::json!(["+494012345678"]));
    assert_eq!(auto["pages"][0]["via"], "browser");
}
