//! `lead-audit audit`: run the pipeline over every lead with bounded concurrency.

use std::io::IsTerminal;
use std::sync::Arc;

use anyhow::{Context, Result};
use futures::stream::{self, StreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use lead_audit_core::{AuditContext, Auditor};

use crate::args::AuditArgs;
use crate::input::read_leads;
use crate::output::Sink;

/// Audits every lead and writes the results.
pub async fn run(args: AuditArgs) -> Result<()> {
    let leads = read_leads(&args.urls, args.input.as_deref())?;
    let options = args.audit.to_options().context("invalid audit options")?;
    let auditor = Auditor::new(options).context("invalid audit options")?;
    let out: Box<dyn std::io::Write + Send> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    let mut sink = Sink::new(args.format, out, leads.len())?;
    let bar = progress_bar(leads.len() as u64);
    let ctx = AuditContext::default();
    let auditor = Arc::new(auditor);
    let mut results = stream::iter(leads.into_iter().enumerate())
        .map(|(i, lead)| {
            let (auditor, ctx) = (auditor.clone(), ctx.clone());
            async move { (i, auditor.audit(&lead, &ctx).await) }
        })
        .buffer_unordered(args.concurrency as usize);
    while let Some((i, result)) = results.next().await {
        let result = result.context("audit cancelled")?;
        bar.set_message(result.url.clone());
        sink.push(i, result).context("writing results")?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    sink.finish().context("writing results")
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
