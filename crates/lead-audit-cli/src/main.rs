//! `lead-audit`: audit business leads' websites from the command line, no server needed.

mod args;
mod audit;
mod output;
mod report;

use std::process::ExitCode;

use lead_audit_app::display::redact_url as redact;

use clap::Parser;

use crate::args::{Cli, Command};

async fn migrate(url: &str) -> anyhow::Result<ExitCode> {
    lead_audit_app::record::open_store(url)
        .await
        .map_err(anyhow::Error::msg)?;
    eprintln!("lead-audit: {} is up to date", redact(url));
    Ok(ExitCode::SUCCESS)
}

async fn enqueue(args: args::EnqueueArgs) -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    args.queue.validate().map_err(anyhow::Error::msg)?;
    let sources = || lead_audit_app::input::sources(&args.urls, args.input.as_deref());
    // A first pass checks every row, so that a bad one stops the command before any job is
    // added; the second streams the rows into the queue.
    for row in sources()? {
        row.context("reading the leads")?;
    }
    let force = args.force;
    let leads = sources()?.filter_map(Result::ok).map(|mut input| {
        input.lead.force |= force;
        input
    });
    let options = lead_audit_queue::EnqueueOptions {
        attempts: args.attempts,
        priority: args.priority,
        ..Default::default()
    };
    let ids = lead_audit_queue::enqueue(&args.queue, leads, &options)
        .await
        .with_context(|| format!("enqueueing on {}", args.queue.redis_display()))?;
    for id in &ids {
        println!("{id}");
    }
    eprintln!(
        "lead-audit: {} jobs added to {}:{}",
        ids.len(),
        args.queue.bullmq_prefix,
        args.queue.queue_name
    );
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    lead_audit_app::env::prepare(&[".env"]);
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("LEAD_AUDIT_LOG")
                .unwrap_or_else(|_| "warn,chromiumoxide=error".into()),
        )
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("lead-audit: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Audit(a) => audit::run(*a).await,
            Command::Migrate(m) => migrate(&m.database).await,
            Command::Enqueue(e) => enqueue(*e).await,
            Command::Report(r) => report::run(*r).await,
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("lead-audit: {e:#}");
            ExitCode::FAILURE
        }
    }
}
