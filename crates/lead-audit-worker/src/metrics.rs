//! Prometheus metrics and the `/metrics` + `/healthz` endpoint.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use lead_audit_core::{AuditResult, Via};
use prometheus_client::encoding::{text::encode, EncodeLabelSet};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use tokio_util::sync::CancellationToken;

/// Label of pages fetched.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ViaLabel {
    /// `http` or `browser`.
    pub via: &'static str,
}

/// Label of backend deliveries.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabel {
    /// `delivered`, `gave_up` or `dropped`.
    pub outcome: &'static str,
}

/// Every metric the worker exports.
#[derive(Clone)]
pub struct Metrics {
    /// Jobs completed.
    pub completed: Counter,
    /// Jobs failed for good (attempts exhausted or unrecoverable).
    pub failed: Counter,
    /// Failed attempts that BullMQ retries.
    pub retried: Counter,
    /// Seconds per job attempt.
    pub duration: Histogram,
    /// Pages fetched, by `via`.
    pub pages: Family<ViaLabel, Counter>,
    /// Leads that needed the browser.
    pub browser_renders: Counter,
    /// Jobs being processed now.
    pub in_flight: Gauge,
    /// Redis errors the worker saw.
    pub redis_errors: Counter,
    /// Recoveries after Redis errors.
    pub redis_reconnects: Counter,
    /// Results POSTed to the backend, by outcome.
    pub backend: Family<OutcomeLabel, Counter>,
    /// Jobs copied to the dead-letter queue.
    pub dead_lettered: Counter,
    registry: Arc<Registry>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Registers every metric under the `lead_audit_worker` prefix.
    pub fn new() -> Self {
        let mut r = Registry::with_prefix("lead_audit_worker");
        let completed = Counter::default();
        let failed = Counter::default();
        let retried = Counter::default();
        let duration = Histogram::new(exponential_buckets(0.005, 2.0, 14));
        let pages = Family::<ViaLabel, Counter>::default();
        let browser_renders = Counter::default();
        let in_flight = Gauge::default();
        let redis_errors = Counter::default();
        let redis_reconnects = Counter::default();
        let backend = Family::<OutcomeLabel, Counter>::default();
        let dead_lettered = Counter::default();
        r.register("jobs_completed", "Jobs completed", completed.clone());
        r.register("jobs_failed", "Jobs failed for good", failed.clone());
        r.register(
            "jobs_retried",
            "Failed attempts BullMQ retries",
            retried.clone(),
        );
        r.register(
            "job_duration_seconds",
            "Seconds per job attempt",
            duration.clone(),
        );
        r.register("pages_fetched", "Pages fetched, by via", pages.clone());
        r.register(
            "browser_renders",
            "Leads rendered with the browser",
            browser_renders.clone(),
        );
        r.register("jobs_in_flight", "Jobs being processed", in_flight.clone());
        r.register("redis_errors", "Redis errors seen", redis_errors.clone());
        r.register(
            "redis_reconnects",
            "Recoveries after Redis errors",
            redis_reconnects.clone(),
        );
        r.register(
            "backend_posts",
            "Results POSTed to the backend, by outcome",
            backend.clone(),
        );
        r.register(
            "dead_lettered",
            "Jobs copied to the dead-letter queue",
            dead_lettered.clone(),
        );
        Self {
            completed,
            failed,
            retried,
            duration,
            pages,
            browser_renders,
            in_flight,
            redis_errors,
            redis_reconnects,
            backend,
            dead_lettered,
            registry: Arc::new(r),
        }
    }

    /// Counts the pages of a finished audit.
    pub fn record_audit(&self, result: &AuditResult) {
        for page in &result.pages {
            let via = match page.via {
                Via::Http => "http",
                Via::Browser => "browser",
            };
            self.pages.get_or_create(&ViaLabel { via }).inc();
        }
        if result.rendered_with_browser {
            self.browser_renders.inc();
        }
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}

async fn metrics(State(m): State<Metrics>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        m.render(),
    )
}

/// Binds the metrics endpoint (at start, so a taken port is a startup error).
pub async fn bind(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr).await
}

/// Serves `/metrics` and `/healthz` until `stop` is cancelled.
pub async fn serve(
    listener: tokio::net::TcpListener,
    m: Metrics,
    stop: CancellationToken,
) -> std::io::Result<()> {
    let app = Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(|| async { (StatusCode::OK, "ok\n") }))
        .with_state(m);
    tracing::info!(addr = %listener.local_addr()?, "metrics endpoint listening");
    axum::serve(listener, app)
        .with_graceful_shutdown(stop.cancelled_owned())
        .await
}
