//! Rendering time of a batch: 100 lead reports (no screenshots) and the overview, the median
//! of 15 runs. `cargo bench -p lead-audit-report`.

use std::time::{Duration, Instant};

use lead_audit_core::AuditResult;
use lead_audit_report::{
    overview_csv, render_lead_and_entry, render_overview, report_file_name, LeadExtras,
    ReportOptions, Screenshots,
};

const LEADS: usize = 100;
const RUNS: usize = 15;

#[allow(clippy::expect_used)]
fn main() {
    let base: AuditResult =
        serde_json::from_str(include_str!("../tests/fixtures/bakery.json")).expect("fixture");
    let results: Vec<AuditResult> = (0..LEADS)
        .map(|i| {
            let mut r = base.clone();
            r.url = format!("http://lead-{i}.example.de");
            r.final_url = Some(format!("http://www.lead-{i}.example.de/"));
            r
        })
        .collect();
    let opts = ReportOptions::default();
    let extras = LeadExtras {
        screenshots: Screenshots::unavailable("turned off"),
        ..LeadExtras::default()
    };
    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    let mut bytes = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        let mut entries = Vec::with_capacity(LEADS);
        bytes = 0;
        for (i, r) in results.iter().enumerate() {
            let (html, entry) =
                render_lead_and_entry(r, &extras, &report_file_name(i, r), &opts).expect("report");
            bytes += html.len();
            entries.push(entry);
        }
        bytes += render_overview(&entries, &opts).expect("overview").len();
        bytes += overview_csv(&entries).expect("csv").len();
        times.push(started.elapsed());
    }
    times.sort();
    println!(
        "{LEADS} reports + overview + CSV ({} KiB): median {:.1} ms, min {:.1} ms, max {:.1} ms over {RUNS} runs",
        bytes / 1024,
        times[RUNS / 2].as_secs_f64() * 1000.0,
        times[0].as_secs_f64() * 1000.0,
        times[RUNS - 1].as_secs_f64() * 1000.0,
    );
}
