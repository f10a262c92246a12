//! Render cost per page and peak memory of the browser tree with 1, 2 and 4 tabs, against
//! a plain HTTP fetch of the same pages. Serves its own pages on 127.0.0.1.
//!
//! `cargo run --release -p lead-audit-browser --example render_bench [-- PAGES]`

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::Path;
use axum::response::Html;
use axum::routing::get;
use axum::Router;
use futures::StreamExt;
use lead_audit_browser::{BrowserConfig, BrowserPool};

/// A client-rendered page: contacts come from an API call after load.
const SPA: &str = r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop {{N}}</title></head>
<body><div id="root"></div><script>
fetch("/api/{{N}}").then(r => r.json()).then(c => {
  document.getElementById("root").innerHTML = "<h1>" + c.name + "</h1><p><a href=\"mailto:" + c.email +
    "\">" + c.email + "</a> · <a href=\"tel:+14155550100\">+1 415 555 0100</a></p>" +
    "<ul>" + Array.from({length: 40}, (_, i) => "<li>Product " + i + "</li>").join("") + "</ul>";
});
</script></body></html>"#;

/// A static page of similar size.
const STATIC: &str = r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Cafe {{N}}</title>
<meta name="viewport" content="width=device-width"></head><body><h1>Cafe {{N}}</h1>
<p>Write to <a href="mailto:hi@cafe{{N}}.test">hi@cafe{{N}}.test</a>.</p>{{LIST}}</body></html>"#;

#[tokio::main]
async fn main() {
    let pages: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let addr = serve().await;
    let urls: Vec<url::Url> = (0..pages)
        .map(|i| {
            let kind = if i % 2 == 0 { "spa" } else { "static" };
            url::Url::parse(&format!("http://{addr}/{kind}/{i}")).expect("url")
        })
        .collect();

    println!("{pages} pages (half client-rendered, half static), served on {addr}");
    println!("| path | tabs | median ms | p99 ms | pages/s | peak RSS MB | peak PSS MB |");
    println!("|---|---|---|---|---|---|---|");

    let client = reqwest::Client::new();
    for concurrency in [1usize, 4] {
        let started = Instant::now();
        let times: Vec<Duration> = futures::stream::iter(urls.clone())
            .map(|u| {
                let client = client.clone();
                async move {
                    let t = Instant::now();
                    let body = client
                        .get(u)
                        .send()
                        .await
                        .expect("get")
                        .text()
                        .await
                        .expect("body");
                    assert!(!body.is_empty());
                    t.elapsed()
                }
            })
            .buffer_unordered(concurrency)
            .collect()
            .await;
        row(
            "static fetch (reqwest)",
            concurrency,
            times,
            started.elapsed(),
            None,
        );
    }

    for tabs in [1usize, 2, 4] {
        let pool = BrowserPool::new(BrowserConfig {
            tabs,
            allow_hosts: vec![addr.to_string()],
            ..BrowserConfig::default()
        });
        // Launch and first tab are not part of the per-page cost.
        pool.render_page(&urls[0], Duration::from_secs(30), &[])
            .await
            .expect("warm-up");
        let pid = pool.browser_pid().await.expect("browser pid");
        let peaks = Arc::new((AtomicU64::new(0), AtomicU64::new(0)));
        let stop = Arc::new(AtomicBool::new(false));
        let sampler = {
            let (peaks, stop) = (peaks.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let (rss, pss) = tree_memory(pid);
                    peaks.0.fetch_max(rss, Ordering::Relaxed);
                    peaks.1.fetch_max(pss, Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(50));
                }
            })
        };
        let started = Instant::now();
        let times: Vec<Duration> = futures::stream::iter(urls.clone())
            .map(|u| {
                let pool = pool.clone();
                async move {
                    let t = Instant::now();
                    let page = pool
                        .render_page(&u, Duration::from_secs(30), &[])
                        .await
                        .expect("render");
                    assert!(
                        page.html.contains("mailto:"),
                        "{u} rendered without its contacts"
                    );
                    t.elapsed()
                }
            })
            .buffer_unordered(tabs)
            .collect()
            .await;
        let wall = started.elapsed();
        stop.store(true, Ordering::Relaxed);
        let _ = sampler.join();
        let peak = (
            peaks.0.load(Ordering::Relaxed),
            peaks.1.load(Ordering::Relaxed),
        );
        row("browser render", tabs, times, wall, Some(peak));
        pool.shutdown().await;
    }
}

fn row(path: &str, n: usize, mut times: Vec<Duration>, wall: Duration, mem: Option<(u64, u64)>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = ms(times[times.len() / 2]);
    let p99 = ms(times[(times.len() * 99 / 100).min(times.len() - 1)]);
    let rate = times.len() as f64 / wall.as_secs_f64();
    let (rss, pss) = mem.map_or(("-".to_string(), "-".to_string()), |(r, p)| {
        (format!("{}", r / 1024), format!("{}", p / 1024))
    });
    println!("| {path} | {n} | {median:.1} | {p99:.1} | {rate:.1} | {rss} | {pss} |");
}

/// Summed RSS and PSS (KiB) of every process in the browser's process group.
fn tree_memory(pgid: u32) -> (u64, u64) {
    let (mut rss, mut pss) = (0, 0);
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return (0, 0);
    };
    for entry in entries.flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // Field 5 (process group) comes after the parenthesised command name.
        let Some(after) = stat.rsplit_once(')').map(|(_, rest)| rest) else {
            continue;
        };
        if after
            .split_whitespace()
            .nth(2)
            .and_then(|g| g.parse::<u32>().ok())
            != Some(pgid)
        {
            continue;
        }
        let Ok(rollup) = std::fs::read_to_string(entry.path().join("smaps_rollup")) else {
            continue;
        };
        for line in rollup.lines() {
            let kib = |l: &str| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(0)
            };
            if line.starts_with("Rss:") {
                rss += kib(line);
            } else if line.starts_with("Pss:") {
                pss += kib(line);
            }
        }
    }
    (rss, pss)
}

async fn serve() -> SocketAddr {
    let list: String = (0..40).map(|i| format!("<li>Product {i}</li>")).collect();
    let list = format!("<ul>{list}</ul>");
    let app = Router::new()
        .route("/spa/{n}", get(|Path(n): Path<u32>| async move { Html(SPA.replace("{{N}}", &n.to_string())) }))
        .route(
            "/static/{n}",
            get(move |Path(n): Path<u32>| {
                let list = list.clone();
                async move { Html(STATIC.replace("{{N}}", &n.to_string()).replace("{{LIST}}", &list)) }
            }),
        )
        .route(
            "/api/{n}",
            get(|Path(n): Path<u32>| async move {
                axum::Json(serde_json::json!({"name": format!("Shop {n}"), "email": format!("sales@shop{n}.test")}))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    addr
}
