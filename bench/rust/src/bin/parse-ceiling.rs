//! Single-core throughput of the page analysis (one parse, contacts, fingerprints, checks,
//! links) over the corpus's HTML pages: the CPU limit of the pipeline, fetching excluded.
//!
//! Usage: parse-ceiling <corpus-dir> [min-seconds] (at least one pass over every page)
//! Prints one JSON line: `{"pages":…,"bytes":…,"cpu_s":…,"mb_per_s":…}`.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use lead_audit_bench::corpus;
use lead_audit_core::analyze::{analyze_page, AnalyzeConfig, PageInput};
use lead_audit_core::extract::ExtractOptions;
use lead_audit_core::Detector;
use url::Url;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(
        args.next()
            .context("usage: parse-ceiling <corpus-dir> [seconds]")?,
    );
    let min_secs: f64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(3.0);
    let (manifest, sites) = corpus::load(&dir)?;
    let mut pages = Vec::new();
    for (spec, site) in manifest.sites.iter().zip(&sites) {
        for (path, page) in &site.pages {
            if page.status == 200 && page.content_type.starts_with("text/html") {
                let url = Url::parse(&format!("http://{}:{}{}", spec.host, manifest.port, path))?;
                let html = String::from_utf8_lossy(&page.body).into_owned();
                let mut headers = site.headers.clone();
                headers.push(("content-type".into(), page.content_type.clone()));
                pages.push((url, html, headers));
            }
        }
    }
    anyhow::ensure!(!pages.is_empty(), "no HTML pages in the corpus");
    let detector = Detector::embedded();
    let config = AnalyzeConfig {
        detector,
        extract: ExtractOptions {
            lead_region: None,
            default_region: "US",
        },
        js: &[],
    };
    // Warm the lazily built matchers before timing.
    let (u, h, hd) = &pages[0];
    std::hint::black_box(analyze_page(
        &PageInput {
            url: u,
            html: h,
            headers: hd,
        },
        &config,
    ));
    let started = Instant::now();
    let cpu0 = thread_cpu_secs()?;
    let (mut n, mut bytes) = (0u64, 0u64);
    // At least one pass, so a profiler run (`parse-ceiling <dir> 0`) sees every page once.
    loop {
        for (url, html, headers) in &pages {
            let a = analyze_page(&PageInput { url, html, headers }, &config);
            std::hint::black_box(a);
            n += 1;
            bytes += html.len() as u64;
        }
        if started.elapsed().as_secs_f64() >= min_secs {
            break;
        }
    }
    // CPU time of this thread, not wall time: other work on a shared machine does not count.
    let secs = thread_cpu_secs()? - cpu0;
    println!(
        "{{\"pages\":{n},\"bytes\":{bytes},\"cpu_s\":{secs:.4},\"mb_per_s\":{:.2},\"pages_per_s\":{:.1}}}",
        bytes as f64 / 1e6 / secs,
        n as f64 / secs
    );
    Ok(())
}

/// User + system time of the calling thread, from `/proc/thread-self/stat` (USER_HZ = 100).
fn thread_cpu_secs() -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat")?;
    let rest = stat.rsplit_once(')').context("malformed stat")?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f[11].parse::<u64>()? + f[12].parse::<u64>()?;
    Ok(ticks as f64 / 100.0)
}
