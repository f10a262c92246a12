//! Crash recovery and process hygiene: nothing of ours survives the pool.

mod common;

use std::time::Duration;

use futures::StreamExt;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pool_recovers_when_chromium_is_killed_mid_run() {
    require_chromium!();
    let site = common::site(None).await;
    let profiles = common::profiles();
    let pool = common::guarded_pool(&site, 2, profiles.path());
    let url = site.url("/spa");

    pool.render_page(&url, Duration::from_secs(20), &[])
        .await
        .expect("first render");
    let pid = pool.browser_pid().await.expect("a running browser");

    // Renders in flight while the browser is killed either finish on the relaunched
    // browser or fail; none hangs.
    let in_flight: Vec<_> = (0..4)
        .map(|_| {
            let pool = pool.clone();
            let url = url.clone();
            tokio::spawn(async move { pool.render_page(&url, Duration::from_secs(20), &[]).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let pid_raw = rustix::process::Pid::from_raw(pid as i32).expect("pid");
    rustix::process::kill_process(pid_raw, rustix::process::Signal::KILL)
        .expect("kill -9 chromium");
    for task in in_flight {
        let _ = task.await.expect("render task");
    }

    // Later renders succeed on a new browser.
    for _ in 0..3 {
        let page = pool
            .render_page(&url, Duration::from_secs(20), &[])
            .await
            .expect("render after crash");
        assert!(page.html.contains("hello@harbour-plumbing.com"));
    }
    assert!(pool.launches().await >= 2);
    assert_ne!(pool.browser_pid().await, Some(pid));
    pool.shutdown().await;
    let left = common::wait_gone(profiles.path()).await;
    assert!(left.is_empty(), "left running: {left:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_renders_leave_no_process_behind() {
    require_chromium!();
    let site = common::site(None).await;
    let profiles = common::profiles();
    let pool = common::guarded_pool(&site, 4, profiles.path());
    let url = site.url("/spa");

    let results: Vec<_> = futures::stream::iter(0..100)
        .map(|_| {
            let pool = pool.clone();
            let url = url.clone();
            async move { pool.render_page(&url, Duration::from_secs(30), &[]).await }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    for result in &results {
        let page = result.as_ref().expect("render");
        assert!(page.html.contains("hello@harbour-plumbing.com"));
    }
    assert_eq!(pool.launches().await, 1);
    assert!(
        !common::processes_under(profiles.path()).is_empty(),
        "the browser runs under the profile root"
    );

    pool.shutdown().await;
    let left = common::wait_gone(profiles.path()).await;
    assert!(left.is_empty(), "left running: {left:?}");
    assert_eq!(
        std::fs::read_dir(profiles.path())
            .expect("profiles")
            .count(),
        0,
        "profile not removed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_pool_kills_the_browser() {
    require_chromium!();
    let site = common::site(None).await;
    let profiles = common::profiles();
    let pool = common::guarded_pool(&site, 1, profiles.path());
    pool.render_page(&site.url("/spa"), Duration::from_secs(20), &[])
        .await
        .expect("render");
    assert!(!common::processes_under(profiles.path()).is_empty());
    drop(pool);
    let left = common::wait_gone(profiles.path()).await;
    assert!(left.is_empty(), "left running: {left:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_aborted_process_leaves_no_browser() {
    require_chromium!();
    let profiles = common::profiles();
    // The child is this test binary running the ignored test below, which aborts.
    let status = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "child_renders_then_aborts",
            "--ignored",
            "--nocapture",
        ])
        .env("LEAD_AUDIT_ABORT_PROFILES", profiles.path())
        .status()
        .expect("run child");
    assert!(!status.success(), "the child aborts");
    let left = common::wait_gone(profiles.path()).await;
    assert!(left.is_empty(), "left running: {left:?}");
}

/// Run by `an_aborted_process_leaves_no_browser` only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run as a child process by an_aborted_process_leaves_no_browser"]
async fn child_renders_then_aborts() {
    let profiles =
        std::env::var_os("LEAD_AUDIT_ABORT_PROFILES").expect("LEAD_AUDIT_ABORT_PROFILES");
    let site = common::site(None).await;
    let pool = common::guarded_pool(&site, 1, std::path::Path::new(&profiles));
    pool.render_page(&site.url("/spa"), Duration::from_secs(20), &[])
        .await
        .expect("render");
    assert!(!common::processes_under(std::path::Path::new(&profiles)).is_empty());
    std::process::abort();
}
