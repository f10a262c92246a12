//! Fixture servers on 127.0.0.1 and helpers shared by the browser tests.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect};
use axum::routing::get;
use axum::Router;
use lead_audit_browser::{BrowserConfig, BrowserPool};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Returns from the test with a message when no browser is installed, except in CI, where
/// the browser tests must run (the test command installs Chromium).
#[macro_export]
macro_rules! require_chromium {
    () => {
        if !$crate::common::chromium_present() {
            if std::env::var_os("CI").is_some() {
                panic!("CI is set but no Chromium was found: run scripts/install-chromium");
            }
            eprintln!("skipping browser test: no Chromium found (set CHROME_PATH or run scripts/install-chromium)");
            return;
        }
    };
}

/// Whether a browser can be found the way the pool looks for one.
pub fn chromium_present() -> bool {
    lead_audit_browser::find_chrome(None).is_ok()
}

/// The fixture site: the SPA, its API, a page that never answers, a redirect and the
/// SSRF page pointing at `target`.
pub struct Site {
    pub addr: SocketAddr,
}

impl Site {
    pub fn url(&self, path: &str) -> url::Url {
        url::Url::parse(&format!("http://{}{path}", self.addr)).expect("fixture url")
    }

    /// The `host:port` to allow through the guard.
    pub fn authority(&self) -> String {
        self.addr.to_string()
    }
}

#[derive(Clone)]
struct SiteState {
    target: Option<SocketAddr>,
}

pub async fn site(target: Option<SocketAddr>) -> Site {
    let app = Router::new()
        .route(
            "/spa",
            get(|| async { Html(include_str!("../fixtures/spa.html")) }),
        )
        .route(
            "/api/contact.json",
            get(|| async {
                // Slower than the page's own load, so only a wait for the data finds it.
                tokio::time::sleep(Duration::from_millis(300)).await;
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    include_str!("../fixtures/contact.json"),
                )
            }),
        )
        .route("/hang", get(std::future::pending::<&'static str>))
        .route(
            "/stuck",
            get(|| async {
                // Served at once, but its `load` event never fires: the image never arrives.
                Html(r#"<html><body><p>Mail <a href="mailto:office@stuck-bakery.com">office@stuck-bakery.com</a></p><img src="/hang" alt=""></body></html>"#)
            }),
        )
        .route("/ssrf", get(ssrf))
        .route("/redirect-private", get(redirect_private))
        .with_state(SiteState { target });
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind fixture site");
    let addr = listener.local_addr().expect("fixture addr");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("fixture site") });
    Site { addr }
}

#[derive(serde::Deserialize)]
struct SsrfQuery {
    metadata: Option<u8>,
}

async fn ssrf(State(s): State<SiteState>, Query(q): Query<SsrfQuery>) -> impl IntoResponse {
    let target = s.target.expect("the SSRF page needs a target").to_string();
    let metadata = if q.metadata == Some(1) {
        r#"<img src="http://169.254.169.254/latest/meta-data/" alt=""><script src="http://169.254.169.254/latest/user-data"></script>"#
    } else {
        ""
    };
    Html(
        include_str!("../fixtures/ssrf.html")
            .replace("{{TARGET}}", &target)
            .replace("{{METADATA}}", metadata),
    )
}

async fn redirect_private(State(s): State<SiteState>) -> Redirect {
    let target = s.target.expect("the redirect needs a target");
    Redirect::temporary(&format!("http://{target}/landing"))
}

/// A server that counts every TCP connection it accepts (HTTP, WebSocket, anything).
pub struct Counter {
    pub addr: SocketAddr,
    hits: Arc<AtomicUsize>,
}

impl Counter {
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

pub async fn counter() -> Counter {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind counter");
    let addr = listener.local_addr().expect("counter addr");
    let hits = Arc::new(AtomicUsize::new(0));
    let seen = hits.clone();
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = conn.read(&mut buf).await;
                let _ = conn
                    .write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                    )
                    .await;
            });
        }
    });
    Counter { addr, hits }
}

/// A pool allowed to load `site` only, with its profiles under `profiles`.
pub fn guarded_pool(site: &Site, tabs: usize, profiles: &Path) -> BrowserPool {
    BrowserPool::new(BrowserConfig {
        tabs,
        allow_hosts: vec![site.authority()],
        profile_root: Some(profiles.to_path_buf()),
        ..BrowserConfig::default()
    })
}

/// Processes whose command line mentions `dir` (our browsers' profile directories).
pub fn processes_under(dir: &Path) -> Vec<(u32, String)> {
    let needle = dir.to_string_lossy().into_owned();
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return found;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(raw) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&raw).replace('\0', " ");
        if cmdline.contains(&needle) {
            found.push((pid, cmdline));
        }
    }
    found
}

/// Waits (bounded) until no process mentions `dir`; returns the ones left.
pub async fn wait_gone(dir: &Path) -> Vec<(u32, String)> {
    for _ in 0..100 {
        if processes_under(dir).is_empty() {
            return Vec::new();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    processes_under(dir)
}

pub fn profiles() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("lead-audit-browser-test-")
        .tempdir()
        .expect("profiles dir")
}

pub fn path_of(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().to_path_buf()
}
