//! The SSRF guard on everything the browser loads.

mod common;

use std::time::Duration;

use lead_audit_browser::{BrowserConfig, BrowserPool};
use lead_audit_core::RenderError;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subresources_sockets_and_frames_never_reach_private_addresses() {
    require_chromium!();
    let target = common::counter().await;
    let site = common::site(Some(target.addr)).await;
    let profiles = common::profiles();
    let pool = common::guarded_pool(&site, 2, profiles.path());

    let page = pool
        .render_page(&site.url("/ssrf?metadata=1"), Duration::from_secs(20), &[])
        .await
        .expect("the page itself renders");
    assert!(page.html.contains("office@guarded.test"));
    assert_eq!(target.hits(), 0, "a request reached the private target");

    // The page itself on a refused address, directly or by redirect.
    let direct = url::Url::parse(&format!("http://{}/", target.addr)).expect("url");
    let err = pool
        .render_page(&direct, Duration::from_secs(20), &[])
        .await
        .expect_err("refused");
    assert!(matches!(err, RenderError::Blocked(_)), "{err:?}");
    let err = pool
        .render_page(&site.url("/redirect-private"), Duration::from_secs(20), &[])
        .await
        .expect_err("refused after redirect");
    assert!(matches!(err, RenderError::Blocked(_)), "{err:?}");
    let metadata = url::Url::parse("http://169.254.169.254/latest/meta-data/").expect("url");
    let err = pool
        .render_page(&metadata, Duration::from_secs(20), &[])
        .await
        .expect_err("refused");
    assert!(matches!(err, RenderError::Blocked(_)), "{err:?}");
    assert_eq!(target.hits(), 0);
    pool.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_private_networks_allowed_the_same_page_does_reach_them() {
    require_chromium!();
    // The control for the test above: the page really makes those requests.
    let target = common::counter().await;
    let site = common::site(Some(target.addr)).await;
    let profiles = common::profiles();
    let pool = BrowserPool::new(BrowserConfig {
        tabs: 1,
        allow_private_networks: true,
        profile_root: Some(profiles.path().to_path_buf()),
        ..BrowserConfig::default()
    });
    let page = pool
        .render_page(&site.url("/ssrf"), Duration::from_secs(20), &[])
        .await
        .expect("render");
    assert!(page.html.contains("office@guarded.test"));
    assert!(target.hits() > 0);
    pool.shutdown().await;
}
