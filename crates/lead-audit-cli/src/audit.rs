//! `lead-audit audit`: stream the leads through the shared audit step with bounded
//! concurrency, writing each result as it finishes.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use futures::stream::{self, StreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use lead_audit_app::input::{sources, RowError};
use lead_audit_app::record::open_store;
use lead_audit_app::{AuditStep, LeadInput, LeadSource, StepError, StorePolicy};
use lead_audit_core::pipeline::{base_result, skipped_result};
use lead_audit_core::{AuditContext, AuditError, AuditResult, ErrorKind, Lead};

use crate::args::AuditArgs;
use crate::output::Sink;

/// Exit code after Ctrl-C, as shells expect (128 + SIGINT).
const INTERRUPTED: u8 = 130;

/// Audits every lead and writes the results.
pub async fn run(args: AuditArgs) -> Result<ExitCode> {
    let rows = sources(&args.urls, args.input.as_deref())?;
    let (auditor, browser) = args.audit.build().context("invalid audit options")?;
    let store = match &args.database {
        Some(url) => Some(open_store(url).await.map_err(anyhow::Error::msg)?),
        None => None,
    };
    let step = AuditStep {
        auditor,
        source: store.clone().map(|s| Arc::new(s) as Arc<dyn LeadSource>),
        freshness: args.freshness.freshness,
        policy: StorePolicy::BestEffort,
    };
    let out: Box<dyn std::io::Write + Send> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    let single = args.input.is_none() && args.urls.len() == 1;
    let mut sink = Sink::new(args.format, out, single)?;
    let bar = progress_bar(args.input.is_none().then_some(args.urls.len() as u64));

    // Ctrl-C stops the batch: audits in flight are cancelled (not recorded), finished ones
    // are written and stored, so running the same command again resumes.
    let ctx = AuditContext::default();
    let cancel = ctx.cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            cancel.cancel();
        }
    });

    // Rows are read as slots free up: at most `concurrency` leads are held at a time.
    let force = args.force;
    let mut results = stream::iter(rows.enumerate())
        .map(|(i, row)| {
            let (step, ctx) = (step.clone(), ctx.clone());
            async move { (i, audit_row(&step, &ctx, row, force).await) }
        })
        .buffer_unordered(usize::from(args.concurrency));
    let mut unstored = 0usize;
    while let Some((i, outcome)) = results.next().await {
        let (result, stored) = match outcome {
            Ok(Some(r)) => r,
            Ok(None) => {
                sink.skip(i).context("writing results")?;
                continue;
            }
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

/// One row: its result and whether it was stored; `None` when cancelled. A row that is not a
/// lead, or a lead that cannot be audited as given, is a result that says why.
pub(crate) async fn audit_row(
    step: &AuditStep,
    ctx: &AuditContext,
    row: Result<LeadInput, RowError>,
    force: bool,
) -> Result<Option<(AuditResult, bool)>, StepError> {
    let mut lead = match row {
        Ok(input) => input.lead,
        Err(e) => return Ok(Some((invalid_row(&e), true))),
    };
    lead.force |= force;
    match step.run(lead.clone(), None, ctx).await {
        Ok(r) => Ok(Some((r.result, r.stored))),
        Err(StepError::Cancelled) => Ok(None),
        Err(e @ StepError::NoDatabase(_)) => {
            let reason = format!("unusable: {e}: add a website, email or phone, or --database");
            Ok(Some((skipped_result(&lead, reason), true)))
        }
        Err(e @ StepError::Rejected(_)) => Ok(Some((
            skipped_result(&lead, format!("unusable: {e}")),
            true,
        ))),
        Err(e @ StepError::Store(_)) => Ok(Some((skipped_result(&lead, e.to_string()), false))),
        Err(e) => Err(e),
    }
}

/// The result of an input row that is not a lead: an `invalid_url` error naming the row.
fn invalid_row(e: &RowError) -> AuditResult {
    let mut result = base_result(&Lead::default(), String::new());
    result.error = Some(AuditError {
        kind: ErrorKind::InvalidUrl,
        message: e.to_string(),
    });
    result
}

/// A bar with a length when the number of leads is known, a counter otherwise; hidden when
/// stderr is not a terminal.
fn progress_bar(len: Option<u64>) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let (bar, template) = match len {
        Some(len) => (
            ProgressBar::new(len),
            "{bar:30} {pos}/{len} {elapsed_precise} eta {eta} {wide_msg}",
        ),
        None => (
            ProgressBar::no_length(),
            "{spinner} {pos} leads {elapsed_precise} {wide_msg}",
        ),
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}
