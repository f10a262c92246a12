//! Rendering client-side pages, reading globals, and timeouts that leave the pool usable.

mod common;

use std::time::Duration;

use lead_audit_core::RenderError;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_single_page_app_shows_its_contacts_only_after_rendering() {
    require_chromium!();
    let site = common::site(None).await;
    let profiles = common::profiles();
    let pool = common::guarded_pool(&site, 2, profiles.path());

    // The static HTML holds no contacts.
    let raw = reqwest::get(site.url("/spa"))
        .await
        .expect("get")
        .text()
        .await
        .expect("body");
    assert!(!raw.contains("hello@harbour-plumbing.com"));

    let paths = vec![
        "AcmeApp.version".to_string(),
        "AcmeApp".into(),
        "AcmeApp.debug".into(),
        "NotThere.version".into(),
    ];
    let page = pool
        .render_page(&site.url("/spa"), Duration::from_secs(20), &paths)
        .await
        .expect("render");
    assert!(
        page.html.contains("mailto:hello@harbour-plumbing.com"),
        "{}",
        page.html
    );
    assert!(page.html.contains("+1 415 555 0134"));
    assert!(
        page.html.starts_with("<!DOCTYPE html><html"),
        "{}",
        page.html
    );
    assert_eq!(page.status, Some(200));
    assert_eq!(page.final_url, site.url("/spa"));
    assert_eq!(
        page.js,
        vec![
            ("AcmeApp.version".to_string(), "2.4.1".to_string()),
            ("AcmeApp".to_string(), "true".to_string()),
            ("AcmeApp.debug".to_string(), "false".to_string()),
        ]
    );

    // The tab is reused: a second render gives the same page again.
    let again = pool
        .render_page(&site.url("/spa"), Duration::from_secs(20), &[])
        .await
        .expect("second render");
    assert!(
        again.html.contains("mailto:hello@harbour-plumbing.com"),
        "{:?}",
        again.js
    );
    assert!(again.js.is_empty());
    assert_eq!(pool.launches().await, 1);
    pool.shutdown().await;
    let left = common::wait_gone(profiles.path()).await;
    assert!(left.is_empty(), "left running: {left:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_that_never_loads_times_out_and_the_next_render_succeeds() {
    require_chromium!();
    let site = common::site(None).await;
    let profiles = common::profiles();
    let pool = common::guarded_pool(&site, 1, profiles.path());

    let err = pool
        .render_page(&site.url("/hang"), Duration::from_secs(3), &[])
        .await
        .expect_err("the page never answers");
    assert!(matches!(err, RenderError::Timeout(_)), "{err:?}");

    // One tab only: the poisoned tab must have been replaced for this to work.
    let page = pool
        .render_page(&site.url("/spa"), Duration::from_secs(20), &[])
        .await
        .expect("render after a timeout");
    assert!(page.html.contains("hello@harbour-plumbing.com"));
    pool.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_browser_fails_only_the_render_with_a_clear_message() {
    let site = common::site(None).await;
    let pool = lead_audit_browser::BrowserPool::new(lead_audit_browser::BrowserConfig {
        chrome_path: Some("/nonexistent/chromium".into()),
        allow_hosts: vec![site.authority()],
        ..Default::default()
    });
    let err = pool
        .render_page(&site.url("/spa"), Duration::from_secs(5), &[])
        .await
        .expect_err("no browser");
    match err {
        RenderError::Unavailable(msg) => assert!(msg.contains("/nonexistent/chromium"), "{msg}"),
        other => panic!("expected Unavailable, got {other:?}"),
    }
}
