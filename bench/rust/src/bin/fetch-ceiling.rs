//! The pipeline with parsing switched off: the same `Fetcher` (same client settings, retries,
//! per-host limit, a connection pool per lead) fetching exactly the pages a `lead-audit audit` run fetched, in the same
//! order (home, then robots/sitemap/favicon and the crawled pages), at the same concurrency.
//!
//! Usage: fetch-ceiling <results.jsonl> <concurrency> <timeout-secs> <request-timeout-secs>
//! Prints one JSON line: `{"leads":…,"pages":…,"bytes":…,"wall_s":…}`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use futures::stream::{self, StreamExt};
use lead_audit_core::fetch::Fetcher;
use lead_audit_core::AuditOptions;
use serde::Deserialize;
use tokio::time::Instant;
use url::Url;

#[derive(Deserialize)]
struct Record {
    url: String,
}

#[derive(Deserialize)]
struct Result {
    url: String,
    #[serde(default)]
    pages: Vec<Record>,
}

#[derive(Default)]
struct Counts {
    pages: AtomicU64,
    bytes: AtomicU64,
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, conc, timeout, req_timeout] = args.as_slice() else {
        anyhow::bail!(
            "usage: fetch-ceiling <results.jsonl> <concurrency> <timeout> <request-timeout>"
        );
    };
    let leads: Vec<Result> = std::fs::read_to_string(file)
        .with_context(|| format!("reading {file}"))?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect::<std::result::Result<_, _>>()
        .context("parsing results")?;
    let concurrency: usize = conc.parse()?;
    let options = AuditOptions {
        allow_private_networks: true,
        timeout: Duration::from_secs_f64(timeout.parse()?),
        request_timeout: Duration::from_secs_f64(req_timeout.parse()?),
        ..AuditOptions::default()
    };
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async move {
        let fetcher = Arc::new(Fetcher::new(&options)?);
        let counts = Arc::new(Counts::default());
        let started = Instant::now();
        let n = leads.len();
        stream::iter(leads)
            .map(|lead| {
                let (fetcher, counts, options) = (fetcher.clone(), counts.clone(), options.clone());
                async move { one_lead(&fetcher, &counts, &options, lead).await }
            })
            .buffer_unordered(concurrency)
            .collect::<Vec<()>>()
            .await;
        let wall = started.elapsed().as_secs_f64();
        println!(
            "{{\"leads\":{n},\"pages\":{},\"bytes\":{},\"wall_s\":{wall:.4}}}",
            counts.pages.load(Ordering::Relaxed),
            counts.bytes.load(Ordering::Relaxed)
        );
        Ok(())
    })
}

async fn one_lead(fetcher: &Fetcher, counts: &Counts, options: &AuditOptions, lead: Result) {
    let deadline = Instant::now() + options.timeout;
    let Ok(home) = Url::parse(&lead.url) else {
        return;
    };
    // As in the pipeline: the lead's own connection pool, closed when it is done.
    let fetcher = &fetcher.for_lead();
    let Ok(page) = fetcher.get(&home, deadline).await else {
        return;
    };
    counts.pages.fetch_add(1, Ordering::Relaxed);
    counts
        .bytes
        .fetch_add(page.body.len() as u64, Ordering::Relaxed);
    if page.status >= 400 || !page.is_html() {
        return;
    }
    let aux = ["/robots.txt", "/sitemap.xml", "/favicon.ico"]
        .iter()
        .filter_map(|p| page.url.join(p).ok());
    let aux = futures::future::join_all(aux.map(|u| async move {
        let _ = fetcher.get(&u, deadline).await;
    }));
    let crawled = stream::iter(
        lead.pages
            .iter()
            .skip(1)
            .filter_map(|r| Url::parse(&r.url).ok()),
    )
    .map(|u| async move {
        if let Ok(p) = fetcher.get(&u, deadline).await {
            counts.pages.fetch_add(1, Ordering::Relaxed);
            counts
                .bytes
                .fetch_add(p.body.len() as u64, Ordering::Relaxed);
        }
    })
    .buffered(options.per_host_concurrency)
    .collect::<Vec<()>>();
    tokio::join!(aux, crawled);
}
