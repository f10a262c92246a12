//! The pool plugged into the core pipeline: a client-rendered site's contacts are found in
//! `auto` (and `always`), not in `never`; a hanging page fails only its own lead.

mod common;

use std::sync::Arc;
use std::time::Duration;

use lead_audit_browser::{BrowserConfig, BrowserPool};
use lead_audit_core::{AuditContext, AuditOptions, Auditor, BrowserMode, ErrorKind, Lead, Via};

fn auditor(mode: BrowserMode, pool: &BrowserPool) -> Auditor {
    let options = AuditOptions {
        browser: mode,
        allow_private_networks: true,
        domain_lookup: false,
        max_pages: 0,
        timeout: Duration::from_secs(20),
        ..AuditOptions::default()
    };
    Auditor::builder(options)
        .renderer(Arc::new(pool.clone()))
        .build()
        .expect("auditor")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_rendered_contacts_are_found_in_auto_and_not_in_never() {
    require_chromium!();
    let site = common::site(None).await;
    let profiles = common::profiles();
    let pool = BrowserPool::new(BrowserConfig {
        tabs: 2,
        allow_private_networks: true,
        profile_root: Some(profiles.path().to_path_buf()),
        ..BrowserConfig::default()
    });
    let lead = Lead::from_url(site.url("/spa").to_string());
    let ctx = AuditContext::default();

    let never = auditor(BrowserMode::Never, &pool)
        .audit(&lead, &ctx)
        .await
        .expect("audit");
    assert!(
        !never
            .emails
            .contains(&"hello@harbour-plumbing.com".to_string()),
        "{:?}",
        never.emails
    );
    assert!(!never.rendered_with_browser);
    assert!(
        pool.browser_pid().await.is_none(),
        "never mode must not start a browser"
    );

    for mode in [BrowserMode::Auto, BrowserMode::Always] {
        let result = auditor(mode, &pool)
            .audit(&lead, &ctx)
            .await
            .expect("audit");
        assert!(
            result
                .emails
                .contains(&"hello@harbour-plumbing.com".to_string()),
            "{mode:?}: {:?}",
            result.emails
        );
        assert!(
            result.phones.contains(&"+14155550134".to_string()),
            "{mode:?}: {:?}",
            result.phones
        );
        assert!(result.rendered_with_browser);
        assert_eq!(result.pages[0].via, Via::Browser);
    }
    pool.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_page_fails_its_lead_and_the_others_go_on() {
    require_chromium!();
    let site = common::site(None).await;
    let profiles = common::profiles();
    let pool = BrowserPool::new(BrowserConfig {
        tabs: 2,
        allow_private_networks: true,
        page_timeout: Duration::from_secs(4),
        profile_root: Some(profiles.path().to_path_buf()),
        ..BrowserConfig::default()
    });
    let auditor = auditor(BrowserMode::Always, &pool);
    let ctx = AuditContext::default();
    // `/stuck` is served at once but never finishes loading in the browser.
    let leads = [site.url("/spa"), site.url("/stuck"), site.url("/spa")];
    let results = futures::future::join_all(leads.iter().map(|u| {
        let lead = Lead::from_url(u.to_string());
        let (auditor, ctx) = (&auditor, &ctx);
        async move { auditor.audit(&lead, ctx).await.expect("audit") }
    }))
    .await;
    let error = results[1]
        .error
        .as_ref()
        .expect("the hanging lead reports an error");
    assert_eq!(error.kind, ErrorKind::Timeout, "{error:?}");
    // Its static HTML was still analysed.
    assert!(results[1]
        .emails
        .contains(&"office@stuck-bakery.com".to_string()));
    for ok in [&results[0], &results[2]] {
        assert!(ok.error.is_none(), "{:?}", ok.error);
        assert!(ok
            .emails
            .contains(&"hello@harbour-plumbing.com".to_string()));
    }
    pool.shutdown().await;
}
