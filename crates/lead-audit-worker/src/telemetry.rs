//! Logs, and the optional OpenTelemetry trace export: one span per job, a child span per
//! stage (fetch, render, analyse, domain, score, store), the producer's trace continued.
//!
//! Export is on when `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`)
//! is set, over OTLP/HTTP, protobuf or JSON by `OTEL_EXPORTER_OTLP_PROTOCOL`; the other
//! standard variables (`OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`,
//! `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_BSP_*`…) are read by the SDK. Off, no exporter is
//! built, no span is (the log layer takes events only) and jobs read no trace context.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use opentelemetry_sdk::Resource;
use serde_json::Value;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::filter::{filter_fn, LevelFilter, Targets};
use tracing_subscriber::prelude::*;
use tracing_subscriber::EnvFilter;

/// True once export is on.
static EXPORTING: AtomicBool = AtomicBool::new(false);

/// The installed logging and, when on, the exporter (flushed by [`Telemetry::shutdown`]).
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Installs the global subscriber: logs to stderr filtered by `RUST_LOG`, plus the OTLP
    /// exporter when the environment asks for it. An error is a bad OTEL_* setting.
    pub fn init() -> Result<Self, String> {
        let levels =
            EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,bullmq=warn".into());
        let logs = log_layer(levels);
        let Some(protocol) = export_protocol(&|k| std::env::var(k).ok())? else {
            tracing_subscriber::registry().with(logs).init();
            return Ok(Self { provider: None });
        };
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_protocol(protocol)
            .build()
            // The library's message quotes the endpoint, which may carry credentials.
            .map_err(|_| "OTEL_EXPORTER_OTLP_ENDPOINT is not a usable http(s) URL".to_owned())?;
        let mut resource = Resource::builder();
        let named = std::env::var_os("OTEL_SERVICE_NAME").is_some()
            || std::env::var("OTEL_RESOURCE_ATTRIBUTES").is_ok_and(|a| {
                a.split(',')
                    .any(|kv| kv.trim().starts_with("service.name="))
            });
        if !named {
            resource = resource.with_service_name("lead-audit-worker");
        }
        let provider = SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(resource.build())
            .build();
        let tracer = provider.tracer("lead-audit-worker");
        // Only the project's own spans: the job, its stages, and what happens inside them.
        let ours = Targets::new()
            .with_target("lead_audit_worker", tracing::Level::INFO)
            .with_target("lead_audit_app", tracing::Level::INFO)
            .with_target("lead_audit_core", tracing::Level::INFO);
        let traces = tracing_opentelemetry::layer()
            .with_tracer(tracer)
            .with_filter(ours);
        tracing_subscriber::registry()
            .with(logs)
            .with(traces)
            .init();
        EXPORTING.store(true, Ordering::Relaxed);
        Ok(Self {
            provider: Some(provider),
        })
    }

    /// Sends the spans still buffered; call once the runtime has stopped.
    pub fn shutdown(self) {
        if let Some(p) = self.provider {
            if let Err(e) = p.shutdown() {
                eprintln!("lead-audit-worker: flushing traces: {e}");
            }
        }
    }
}

/// True when spans are exported.
pub fn exporting() -> bool {
    EXPORTING.load(Ordering::Relaxed)
}

/// The OTLP protocol to export with, or `None` when export is off.
fn export_protocol(var: &dyn Fn(&str) -> Option<String>) -> Result<Option<Protocol>, String> {
    let set = |k: &str| var(k).filter(|v| !v.trim().is_empty());
    let off = set("OTEL_SDK_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true"))
        || set("OTEL_TRACES_EXPORTER").is_some_and(|v| v.eq_ignore_ascii_case("none"));
    let endpoint = set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        .or_else(|| set("OTEL_EXPORTER_OTLP_ENDPOINT"))
        .is_some();
    if off || !endpoint {
        return Ok(None);
    }
    let (name, value) = [
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
        "OTEL_EXPORTER_OTLP_PROTOCOL",
    ]
    .into_iter()
    .find_map(|k| set(k).map(|v| (k, v)))
    .unwrap_or(("", "http/protobuf".to_owned()));
    match value.trim() {
        "http/protobuf" => Ok(Some(Protocol::HttpBinary)),
        "http/json" => Ok(Some(Protocol::HttpJson)),
        other => Err(format!(
            "{name} {other:?} is not supported: use http/protobuf or http/json (OTLP over HTTP)"
        )),
    }
}

/// Continues the producer's trace in `span`, from the trace context a Node producer with
/// BullMQ telemetry stores in the job's options (`tm`: a JSON text, or object, of W3C
/// `traceparent` / `tracestate`). Returns whether a context was found.
pub fn continue_trace(span: &tracing::Span, raw_opts: &str) -> bool {
    let Some(carrier) = carrier(raw_opts) else {
        return false;
    };
    let cx = TraceContextPropagator::new().extract(&carrier);
    span.set_parent(cx).is_ok()
}

/// The propagation fields in a job's raw options.
fn carrier(raw_opts: &str) -> Option<HashMap<String, String>> {
    let opts: Value = serde_json::from_str(raw_opts).ok()?;
    let tm = opts.get("tm")?;
    let object = match tm {
        Value::String(text) => serde_json::from_str::<Value>(text).ok()?,
        other => other.clone(),
    };
    let carrier: HashMap<String, String> = object
        .as_object()?
        .iter()
        .filter_map(|(k, v)| Some((k.to_ascii_lowercase(), v.as_str()?.to_owned())))
        .collect();
    carrier.contains_key("traceparent").then_some(carrier)
}

/// Log lines to stderr at `levels`. Only events: no span is built for the logs (spans exist
/// for the exporter), so without export a job's stages cost nothing.
fn log_layer<S>(levels: EnvFilter) -> impl tracing_subscriber::Layer<S>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    // The closure has no level of its own: without the hint, the subscriber's maximum level
    // would be TRACE, every disabled `debug!`/`trace!` would be evaluated (and the `log`
    // records of html5ever's tokenizer forwarded, one per character), which doubled the
    // worker's CPU per page against the CLI's.
    let hint = levels.max_level_hint().unwrap_or(LevelFilter::TRACE);
    tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(levels)
        .with_filter(
            filter_fn(|meta| meta.is_event() && !crate::runner::reported_as_worker_event(meta))
                .with_max_level_hint(hint),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_layer_keeps_the_levels_maximum_so_disabled_calls_stay_free() {
        use tracing::Subscriber as _;
        for (levels, max) in [
            ("warn", LevelFilter::WARN),
            ("info,bullmq=warn", LevelFilter::INFO),
            ("warn,lead_audit_core=debug", LevelFilter::DEBUG),
        ] {
            let subscriber = tracing_subscriber::registry().with(log_layer(EnvFilter::new(levels)));
            assert_eq!(subscriber.max_level_hint(), Some(max), "{levels}");
        }
    }

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn export_is_off_without_an_endpoint_and_follows_the_protocol_variables() {
        assert_eq!(export_protocol(&env(&[])), Ok(None));
        let on = [("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")];
        assert_eq!(export_protocol(&env(&on)), Ok(Some(Protocol::HttpBinary)));
        let json = [on[0], ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")];
        assert_eq!(export_protocol(&env(&json)), Ok(Some(Protocol::HttpJson)));
        let grpc = [on[0], ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc")];
        assert!(export_protocol(&env(&grpc)).is_err_and(|e| e.contains("grpc")));
        let disabled = [on[0], ("OTEL_SDK_DISABLED", "true")];
        assert_eq!(export_protocol(&env(&disabled)), Ok(None));
        let none = [on[0], ("OTEL_TRACES_EXPORTER", "none")];
        assert_eq!(export_protocol(&env(&none)), Ok(None));
    }

    #[test]
    fn the_trace_context_is_read_from_the_job_options() {
        let tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let as_text = format!(r#"{{"attempts":3,"tm":"{{\"traceparent\":\"{tp}\"}}"}}"#);
        assert_eq!(
            carrier(&as_text)
                .and_then(|c| c.get("traceparent").cloned())
                .as_deref(),
            Some(tp)
        );
        let as_object = format!(r#"{{"tm":{{"traceparent":"{tp}","tracestate":"a=b"}}}}"#);
        assert_eq!(carrier(&as_object).map(|c| c.len()), Some(2));
        for none in [
            r#"{"attempts":3}"#,
            r#"{"tm":"not json"}"#,
            r#"{"tm":{"x":"y"}}"#,
            "[",
            "",
        ] {
            assert!(carrier(none).is_none(), "{none}");
        }
    }
}
