//! A loaded fingerprint dataset through the pipeline, against a site served on 127.0.0.1:
//! `robots` rules see the site's robots.txt, `text` rules the page's visible text, and the
//! embedded entries win fields a dataset spells another way unless the dataset is preferred.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use axum::Router;
use lead_audit_core::{
    AuditContext, AuditOptions, AuditResult, Auditor, BrowserMode, DatasetPrecedence, Evidence,
    Lead,
};
use tokio::net::TcpListener;

const HOME: &str = r#"<!DOCTYPE html><html lang="en"><head><title>Shop</title>
<link rel="stylesheet" href="/wp-content/themes/x/style.css"></head>
<body><p>Crafted with TSite Builder 4.2</p><p>tsite-wp-marker</p></body></html>"#;

const ROBOTS: &str = "User-agent: *\nDisallow: /tsite-admin/\n";

const DATASET: &str = r#"{"technologies": {
  "T Site Robots": {"cats": [1], "robots": "Disallow: /tsite-admin/"},
  "T Site Text": {"cats": [1], "text": "Crafted with TSite Builder ([\\d.]+)\\;version:\\1"},
  "wordpress": {"cats": [1], "html": "tsite-wp-marker"}
}}"#;

async fn serve() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new()
        .route("/", get(|| async { ([(CONTENT_TYPE, "text/html")], HOME) }))
        .route(
            "/robots.txt",
            get(|| async { ([(CONTENT_TYPE, "text/plain")], ROBOTS) }),
        );
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/")
}

async fn audit(precedence: DatasetPrecedence) -> AuditResult {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dataset.json");
    std::fs::write(&file, DATASET).unwrap();
    let options = AuditOptions {
        allow_private_networks: true,
        domain_lookup: false,
        browser: BrowserMode::Never,
        max_pages: 0,
        timeout: Duration::from_secs(30),
        fingerprints: Some(file),
        fingerprint_precedence: precedence,
        ..AuditOptions::default()
    };
    let url = serve().await;
    Auditor::new(options)
        .unwrap()
        .audit(&Lead::from_url(&url), &AuditContext::default())
        .await
        .unwrap()
}

#[tokio::test]
async fn robots_and_text_rules_see_the_site() {
    let result = audit(DatasetPrecedence::BuiltIn).await;
    let tech = |name: &str| {
        result
            .technologies
            .iter()
            .find(|t| t.name == name)
            .unwrap_or_else(|| panic!("{name} not in {:?}", result.technologies))
    };
    assert_eq!(tech("T Site Robots").evidence, [Evidence::Robots]);
    let text = tech("T Site Text");
    assert_eq!(text.evidence, [Evidence::Text]);
    assert_eq!(text.version.as_deref(), Some("4.2"));
    // The embedded WordPress entry, by its own html rule; the dataset's spelling is not a
    // second technology.
    assert_eq!(tech("WordPress").evidence, [Evidence::Html]);
    assert!(!result.technologies.iter().any(|t| t.name == "wordpress"));
    let json = serde_json::to_string(&result).unwrap();
    assert!(json.contains(r#""evidence":["robots"]"#), "{json}");
}

#[tokio::test]
async fn the_dataset_can_be_preferred() {
    let result = audit(DatasetPrecedence::Dataset).await;
    let wp = result
        .technologies
        .iter()
        .find(|t| t.name == "WordPress")
        .expect("WordPress");
    // The dataset's categories replace the embedded entry's (`CMS`, `Blogs`).
    assert_eq!(wp.categories, ["CMS"]);
    assert_eq!(wp.evidence, [Evidence::Html]);
}
