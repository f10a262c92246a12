//! `lead-audit`: audit business leads' websites from the command line, no server needed.

mod args;
mod audit;
mod input;
mod output;

use lead_audit_core::options::redact_url as redact;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

async fn migrate(url: &str) -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    use lead_audit_store::{LeadStore, Store, StoreOptions};
    let store = Store::connect(url, StoreOptions::default())
        .await
        .with_context(|| format!("connecting to {}", redact(url)))?;
    store.migrate().await.context("applying migrations")?;
    eprintln!("lead-audit: {} is up to date", redact(url));
    Ok(ExitCode::SUCCESS)
}

async fn enqueue(args: args::EnqueueArgs) -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    let mut leads = input::read_leads(&args.urls, args.input.as_deref())?;
    for lead in &mut leads {
        lead.force |= args.force;
    }
    let options = lead_audit_worker::EnqueueOptions {
        attempts: args.attempts,
        priority: args.priority,
        ..Default::default()
    };
    let ids =
        lead_audit_worker::enqueue(&args.redis_url, &args.prefix, &args.queue, &leads, &options)
            .await
            .with_context(|| format!("enqueueing on {}", redact(&args.redis_url)))?;
    for id in &ids {
        println!("{id}");
    }
    eprintln!(
        "lead-audit: {} jobs added to {}:{}",
        ids.len(),
        args.prefix,
        args.queue
    );
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let _ = dotenvy::dotenv();
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
            Command::Enqueue(e) => enqueue(e).await,
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
