//! `lead-audit audit`: run the pipeline over every lead with bounded concurrency, optionally
//! recording results in a database and skipping fresh leads.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use futures::stream::{self, StreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use lead_audit_core::pipeline::skipped_result;
use lead_audit_core::{AuditContext, AuditResult, Auditor, Error, Lead};
use lead_audit_store::{LeadStore, Store, StoreError, StoreOptions};

use crate::args::AuditArgs;
use crate::input::read_leads;
use crate::output::Sink;
use lead_audit_core::options::redact_url as redact;

/// Exit code after Ctrl-C, as shells expect (128 + SIGINT).
const INTERRUPTED: u8 = 130;

/// Audits every lead and writes the results.
pub async fn run(args: AuditArgs) -> Result<ExitCode> {
    let mut leads = read_leads(&args.urls, args.input.as_deref())?;
    for lead in &mut leads {
        lead.force |= args.force;
    }
    let options = args.audit.to_options().context("invalid audit options")?;
    let mut auditor = Auditor::new(options).context("invalid audit options")?;
    let browser = args.audit.browser_pool();
    if let Some(pool) = &browser {
        auditor = auditor.with_renderer(Arc::new(pool.clone()));
    }
    let auditor = Arc::new(auditor);
    let store = match &args.database {
        Some(url) => Some(open_store(url).await?),
        None => None,
    };
    let out: Box<dyn std::io::Write + Send> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    let mut sink = Sink::new(args.format, out, leads.len())?;
    let bar = progress_bar(leads.len() as u64);

    // Ctrl-C stops the batch: audits in flight are cancelled (not recorded), finished ones
    // are written and stored, so running the same command again resumes.
    let ctx = AuditContext::default();
    let cancel = ctx.cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            cancel.cancel();
        }
    });

    let freshness = args.freshness;
    let mut results = stream::iter(leads.into_iter().enumerate())
        .map(|(i, lead)| {
            let (auditor, ctx, store) = (auditor.clone(), ctx.clone(), store.clone());
            async move {
                (
                    i,
                    audit_one(&auditor, &ctx, store.as_ref(), &lead, freshness).await,
                )
            }
        })
        .buffer_unordered(args.concurrency as usize);
    let mut unstored = 0usize;
    while let Some((i, outcome)) = results.next().await {
        let (result, stored) = match outcome {
            Ok(r) => r,
            Err(Error::Cancelled) => continue,
            Err(e) => return Err(e).context("auditing"),
        };
        unstored += usize::from(!stored);
        bar.set_message(result.url.clone());
        sink.push(i, result).context("writing results")?;
        bar.inc(1);
    }
    drop(results);
    if let Some(pool) = browser {
        pool.shutdown().await;
    }
    bar.finish_and_clear();
    sink.finish().context("writing results")?;
    if ctx.cancel.is_cancelled() {
        eprintln!(
            "lead-audit: interrupted; finished leads were written{}",
            if store.is_some() {
                " and stored: run again to resume"
            } else {
                ""
            }
        );
        return Ok(ExitCode::from(INTERRUPTED));
    }
    if unstored > 0 {
        anyhow::bail!(
            "{unstored} results could not be stored in the database (they are in the output)"
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn open_store(url: &str) -> Result<Store> {
    let store = Store::connect(url, StoreOptions::default())
        .await
        .with_context(|| format!("connecting to {}", redact(url)))?;
    store
        .migrate()
        .await
        .with_context(|| format!("migrating {}", redact(url)))?;
    Ok(store)
}

/// One lead: skip when fresh, audit, record. Returns the result and whether storing it
/// succeeded (a result that could not be stored is still written out).
async fn audit_one(
    auditor: &Auditor,
    ctx: &AuditContext,
    store: Option<&Store>,
    lead: &Lead,
    freshness: std::time::Duration,
) -> Result<(AuditResult, bool), Error> {
    let Some(store) = store else {
        return auditor.audit(lead, ctx).await.map(|r| (r, true));
    };
    match store.skip_reason(lead, freshness).await {
        Ok(Some(reason)) => return Ok((skipped_result(lead, reason), true)),
        Ok(None) => {}
        Err(e) => tracing::warn!("freshness check failed for {:?}: {e}", lead.website),
    }
    let result = auditor.audit(lead, ctx).await?;
    let stored = match store.record_audit(lead, &result, None).await {
        Ok(_) | Err(StoreError::KeylessLead) => true,
        Err(e) => {
            tracing::warn!("storing the audit of {} failed: {e}", result.url);
            false
        }
    };
    Ok((result, stored))
}

fn progress_bar(len: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:30} {pos}/{len} {elapsed_precise} eta {eta} {wide_msg}")
    {
        bar.set_style(style);
    }
    bar
}
