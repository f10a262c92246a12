//! `lead-audit-worker`: consume the BullMQ queue of leads.

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use lead_audit_worker::runner::{run, StartError};
use lead_audit_worker::telemetry::Telemetry;
use lead_audit_worker::Config;
use tokio_util::sync::CancellationToken;

fn main() -> ExitCode {
    // Real environment variables win over both files.
    lead_audit_app::env::prepare(&["apps/backend/.env", ".env"]);
    let config = match Config::try_parse() {
        Ok(c) => c,
        Err(e) if !e.use_stderr() => {
            // --help / --version
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let text = e.to_string();
            let line = text.lines().next().unwrap_or("invalid arguments");
            eprintln!("lead-audit-worker: {}", line.trim_start_matches("error: "));
            return ExitCode::from(2);
        }
    };
    let telemetry = match Telemetry::init() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("lead-audit-worker: {e}");
            return ExitCode::from(2);
        }
    };
    let outcome = start(config);
    telemetry.shutdown();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let code = match e.downcast_ref::<StartError>() {
                Some(StartError::Config(_)) => 2,
                _ => 1,
            };
            eprintln!("lead-audit-worker: {e:#}");
            ExitCode::from(code)
        }
    }
}

fn start(config: Config) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let shutdown = CancellationToken::new();
        tokio::spawn(on_signal(shutdown.clone()));
        run(config, shutdown).await?;
        Ok(())
    })
}

/// Cancels `shutdown` on SIGTERM or SIGINT.
async fn on_signal(shutdown: CancellationToken) {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        tracing::error!("cannot listen for SIGTERM/SIGINT");
        return;
    };
    tokio::select! {
        _ = term.recv() => tracing::info!("SIGTERM received"),
        _ = int.recv() => tracing::info!("SIGINT received"),
    }
    shutdown.cancel();
}
