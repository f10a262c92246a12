//! Screenshots, PDFs and evaluation in a loaded document, as the outreach report uses them:
//! the viewport is the one asked for, the SSRF guard applies as for renders, and no
//! viewport leaks into the pool's later renders.

mod common;

use std::time::Duration;

use lead_audit_browser::{BrowserConfig, BrowserPool, Viewport};
use lead_audit_core::RenderError;

/// Width and height of a PNG, from its IHDR chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let be = |at: usize| u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]);
    (be(16), be(20))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screenshots_have_the_viewport_asked_for_and_renders_keep_theirs() {
    require_chromium!();
    let site = common::site(None).await;
    let profiles = common::profiles();
    let pool = common::guarded_pool(&site, 1, profiles.path());
    let url = site.url("/spa");

    let desktop = pool
        .screenshot(&url, Viewport::DESKTOP)
        .await
        .expect("desktop");
    assert_eq!(png_size(&desktop), (1280, 800));
    let phone = pool
        .screenshot(&url, Viewport::MOBILE)
        .await
        .expect("phone");
    assert_eq!(png_size(&phone), (375, 812));

    let width = |viewport| {
        let (pool, url) = (&pool, &url);
        async move {
            pool.evaluate_document(url, viewport, "", "window.innerWidth")
                .await
                .expect("evaluate")
        }
    };
    assert_eq!(width(Viewport::DESKTOP).await, 1280);
    // A phone lays out a page without a viewport tag at desktop width, zoomed out: what the
    // phone screenshot of such a site shows.
    assert!(width(Viewport::MOBILE).await.as_u64() > Some(375));
    // The render tabs still have the browser's own window.
    let page = pool
        .render_page(&url, Duration::from_secs(20), &[])
        .await
        .expect("render");
    assert!(page.html.contains("hello@harbour-plumbing.com"));
    pool.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pdf_is_printed_from_a_file() {
    require_chromium!();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("report.html");
    std::fs::write(&file, "<!doctype html><title>Report</title><h1>Report</h1>").expect("write");
    let pool = BrowserPool::new(BrowserConfig {
        tabs: 1,
        profile_root: Some(dir.path().to_path_buf()),
        ..BrowserConfig::default()
    });
    let url = url::Url::from_file_path(&file).expect("file url");
    let pdf = pool.print_pdf(&url, (8.27, 11.69)).await.expect("pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    pool.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn captures_go_through_the_ssrf_guard() {
    require_chromium!();
    let site = common::site(None).await;
    let profiles = common::profiles();
    // No allowance for the fixture: loopback is refused before the browser starts.
    let pool = BrowserPool::new(BrowserConfig {
        tabs: 1,
        profile_root: Some(profiles.path().to_path_buf()),
        ..BrowserConfig::default()
    });
    let url = site.url("/spa");
    let err = pool
        .screenshot(&url, Viewport::DESKTOP)
        .await
        .expect_err("refused");
    assert!(matches!(err, RenderError::Blocked(_)), "{err:?}");
    let err = pool
        .print_pdf(&url, (8.5, 11.0))
        .await
        .expect_err("refused");
    assert!(matches!(err, RenderError::Blocked(_)), "{err:?}");
    let ftp = url::Url::parse("ftp://example.com/").expect("url");
    let err = pool
        .evaluate_document(&ftp, Viewport::DESKTOP, "", "1")
        .await
        .expect_err("refused");
    assert!(matches!(err, RenderError::Blocked(_)), "{err:?}");
    assert_eq!(
        pool.launches().await,
        0,
        "nothing was started for refused URLs"
    );
    pool.shutdown().await;
}
