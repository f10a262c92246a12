//! `lead-audit report`: audits to outreach reports. Gathers results (a results file, the
//! database, URLs audited here through the same step as `audit`), captures each home page
//! and prints each report through the browser pool, and writes the pages, `index.html` and
//! `overview.csv`. Rendering itself is `lead-audit-report`'s.

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use futures::stream::{self, StreamExt};
use lead_audit_app::input::sources;
use lead_audit_app::results::{open_results, stored_results};
use lead_audit_app::{AuditStep, StorePolicy};
use lead_audit_browser::{BrowserPool, Viewport};
use lead_audit_core::{AuditContext, AuditResult, BrowserMode};
use lead_audit_report::{
    overview_csv, region_hint, render_lead_and_entry, render_overview, report_file_name, Brand,
    LeadExtras, OverviewEntry, Paper, ReportOptions, Screenshots,
};
use url::Url;

use crate::args::ReportArgs;
use crate::audit::audit_row;

/// One lead to report on.
struct Item {
    result: AuditResult,
    extras: LeadExtras,
}

/// What one lead's report took, and a PDF failure if any.
#[derive(Default)]
struct Done {
    render: Duration,
    capture: Duration,
    print: Duration,
    pdf_error: Option<String>,
}

/// Writes the reports and the overview.
pub async fn run(args: ReportArgs) -> Result<ExitCode> {
    let brand = args
        .brand
        .as_deref()
        .map(Brand::load)
        .transpose()
        .context("reading the brand file")?;
    let opts = ReportOptions {
        lang: args.lang,
        brand,
        score: args.audit.score.clone(),
    };
    let (items, unreadable, audit_pool) = gather(&args).await?;
    if items.is_empty() {
        anyhow::bail!("nothing to report on: give URLs, --results FILE or --database URL");
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let out = args
        .out
        .canonicalize()
        .with_context(|| format!("resolving {}", args.out.display()))?;

    // One browser for the audits' fallback, the screenshots and the PDFs.
    let needs_browser = args.pdf || !args.no_screenshots;
    let pool = match (audit_pool, needs_browser) {
        (Some(pool), _) => Some(pool),
        (None, true) => Some(capture_pool(&args)),
        (None, false) => None,
    };

    let started = Instant::now();
    let jobs = items.into_iter().enumerate().map(|(i, item)| {
        let (pool, opts, out) = (pool.as_ref(), &opts, out.as_path());
        let args = &args;
        async move { (i, report_one(i, item, pool, opts, out, args).await) }
    });
    let mut done: Vec<(usize, Result<(OverviewEntry, Done)>)> = stream::iter(jobs)
        .buffer_unordered(usize::from(args.concurrency))
        .collect()
        .await;
    done.sort_by_key(|(i, _)| *i);
    if let Some(pool) = &pool {
        pool.shutdown().await;
    }

    let mut entries = Vec::with_capacity(done.len());
    let mut total = Done::default();
    let mut pdf_errors = Vec::new();
    for (_, outcome) in done {
        let (entry, d) = outcome?;
        total.render += d.render;
        total.capture += d.capture;
        total.print += d.print;
        if let Some(e) = d.pdf_error {
            pdf_errors.push(format!("{}: {e}", entry.report));
        }
        entries.push(entry);
    }
    let overview_started = Instant::now();
    let index = render_overview(&entries, &opts).context("rendering the overview")?;
    let csv = overview_csv(&entries).context("writing the CSV overview")?;
    total.render += overview_started.elapsed();
    write(&out.join("index.html"), index.as_bytes())?;
    write(&out.join("overview.csv"), csv.as_bytes())?;

    eprintln!(
        "lead-audit: {} reports and the overview written to {}",
        entries.len(),
        out.display()
    );
    if args.timings {
        let n = entries.len().max(1) as f64;
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        eprintln!(
            "lead-audit: rendering {:.1} ms ({:.2} ms a report, overview included); screenshots {:.0} ms; PDFs {:.0} ms; {:.0} ms in all",
            ms(total.render),
            ms(total.render) / n,
            ms(total.capture),
            ms(total.print),
            ms(started.elapsed()),
        );
    }
    for e in &pdf_errors {
        eprintln!("lead-audit: no PDF for {e}");
    }
    if !pdf_errors.is_empty() || unreadable > 0 {
        anyhow::bail!(
            "{} PDFs could not be printed and {unreadable} results could not be read (the HTML reports are written)",
            pdf_errors.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Every lead to report on: the results file, then the database, then the URLs audited now.
/// Returns how many results could not be read, and the pool the audits started, if any.
async fn gather(args: &ReportArgs) -> Result<(Vec<Item>, usize, Option<BrowserPool>)> {
    let mut items = Vec::new();
    let mut unreadable = 0;
    if let Some(path) = &args.results {
        for row in open_results(path).with_context(|| format!("reading {}", path.display()))? {
            match row {
                Ok(result) => items.push(Item {
                    result,
                    extras: LeadExtras::default(),
                }),
                Err(e) => {
                    eprintln!("lead-audit: {}: {e}", path.display());
                    unreadable += 1;
                }
            }
        }
    }
    if let Some(url) = &args.database {
        for row in stored_results(url, args.limit)
            .await
            .map_err(anyhow::Error::msg)?
        {
            items.push(Item {
                result: row.result,
                extras: LeadExtras {
                    business_name: row.company_name,
                    region: row.country,
                    ..LeadExtras::default()
                },
            });
        }
    }
    if args.urls.is_empty() {
        return Ok((items, unreadable, None));
    }
    let (auditor, pool) = args.audit.build().context("invalid audit options")?;
    let step = AuditStep {
        auditor,
        source: None,
        freshness: Duration::ZERO,
        policy: StorePolicy::BestEffort,
    };
    let ctx = AuditContext::default();
    let rows: Vec<_> = sources(&args.urls, None)?.collect();
    let audited: Vec<_> = stream::iter(rows)
        .map(|row| {
            let (step, ctx) = (&step, &ctx);
            async move {
                let lead = row.as_ref().ok().map(|r| r.lead.clone());
                (lead, audit_row(step, ctx, row, true).await)
            }
        })
        .buffered(usize::from(args.concurrency))
        .collect()
        .await;
    for (lead, outcome) in audited {
        let Some((result, _)) = outcome.context("auditing")? else {
            continue;
        };
        let lead = lead.unwrap_or_default();
        items.push(Item {
            result,
            extras: LeadExtras {
                business_name: lead.company_name,
                region: lead.country,
                ..LeadExtras::default()
            },
        });
    }
    Ok((items, unreadable, pool))
}

/// A pool for screenshots and PDFs when the audits started none (`--browser never`, or no
/// audits): the same binary, SSRF guard and user agent as the audit settings.
fn capture_pool(args: &ReportArgs) -> BrowserPool {
    let mut settings = args.audit.clone();
    settings.browser = BrowserMode::Auto;
    let config = settings
        .browser_config()
        .unwrap_or_else(|| lead_audit_browser::BrowserConfig {
            allow_private_networks: args.audit.allow_private_networks,
            ..Default::default()
        });
    BrowserPool::new(config)
}

/// Captures, renders, writes and prints one lead's report.
async fn report_one(
    index: usize,
    mut item: Item,
    pool: Option<&BrowserPool>,
    opts: &ReportOptions,
    out: &Path,
    args: &ReportArgs,
) -> Result<(OverviewEntry, Done)> {
    let mut done = Done::default();
    let captured = Instant::now();
    item.extras.screenshots = match pool {
        _ if args.no_screenshots => Screenshots::unavailable("turned off (--no-screenshots)"),
        Some(pool) => screenshots(pool, &item.result).await,
        None => Screenshots::unavailable("no browser"),
    };
    done.capture = captured.elapsed();

    let file = report_file_name(index, &item.result);
    let rendered = Instant::now();
    let (html, entry) = render_lead_and_entry(&item.result, &item.extras, &file, opts)
        .with_context(|| format!("rendering the report of {}", item.result.url))?;
    done.render = rendered.elapsed();
    let path = out.join(&file);
    write(&path, html.as_bytes())?;

    if args.pdf {
        let printed = Instant::now();
        let lang = opts.lang_for(&item.result, item.extras.region.as_deref());
        let paper = args.paper.unwrap_or_else(|| {
            Paper::for_lead(lang, region_hint(&item.result, &item.extras).as_deref())
        });
        match print(pool, &path, paper).await {
            Ok(pdf) => write(&path.with_extension("pdf"), &pdf)?,
            Err(e) => done.pdf_error = Some(e),
        }
        done.print = printed.elapsed();
    }
    Ok((entry, done))
}

/// Desktop and phone screenshots of the home page, or why there are none.
async fn screenshots(pool: &BrowserPool, result: &AuditResult) -> Screenshots {
    if !result.reachable {
        return Screenshots::unavailable("the website could not be opened");
    }
    let site = result.final_url.as_deref().unwrap_or(&result.url);
    let Ok(url) = Url::parse(site) else {
        return Screenshots::unavailable(format!("{site} is not a URL"));
    };
    let desktop = pool.screenshot(&url, Viewport::DESKTOP).await;
    let mobile = pool.screenshot(&url, Viewport::MOBILE).await;
    match (desktop, mobile) {
        (Err(e), Err(_)) => Screenshots::unavailable(e.to_string()),
        (desktop, mobile) => Screenshots {
            desktop: desktop.ok(),
            mobile: mobile.ok(),
            unavailable: None,
        },
    }
}

/// The PDF of the report written at `path`.
async fn print(pool: Option<&BrowserPool>, path: &Path, paper: Paper) -> Result<Vec<u8>, String> {
    let pool = pool.ok_or("no browser")?;
    let url =
        Url::from_file_path(path).map_err(|()| format!("{} is not absolute", path.display()))?;
    pool.print_pdf(&url, paper.inches())
        .await
        .map_err(|e| e.to_string())
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}
