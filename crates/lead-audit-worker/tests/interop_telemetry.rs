//! OpenTelemetry export: with `OTEL_EXPORTER_OTLP_ENDPOINT` set, the worker sends a span per
//! job to a loopback OTLP/HTTP receiver, with the job's id, queue and attempt, child spans for
//! the stages, and the trace the Node producer put in the job continued.

mod common;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::response::Html;
use axum::routing::{get, post};
use common::{queue_name, NodeScript, WorkerProc, NODE_VERSIONS, REDIS_URL};
use serde_json::Value;

type Received = Arc<Mutex<Vec<Value>>>;

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_SPAN: &str = "00f067aa0ba902b7";

async fn collect(State(received): State<Received>, body: String) -> &'static str {
    if let Ok(v) = serde_json::from_str(&body) {
        received.lock().expect("not poisoned").push(v);
    }
    "{}"
}

/// A one-page website and an OTLP/HTTP receiver on loopback.
fn servers() -> (SocketAddr, SocketAddr, Received) {
    let received = Received::default();
    let page = Html(
        "<!doctype html><html lang=en><head><title>Traced Bakery</title></head>\
         <body><p>Write to <a href=\"mailto:hello@traced.example\">us</a>.</p></body></html>",
    );
    let site = common::serve(axum::Router::new().route("/", get(move || async move { page })));
    let otlp = common::serve(
        axum::Router::new()
            .route("/v1/traces", post(collect))
            .with_state(received.clone()),
    );
    (site, otlp, received)
}

/// Every span received so far.
fn spans(received: &Received) -> Vec<Value> {
    let batches = received.lock().expect("not poisoned").clone();
    batches
        .iter()
        .flat_map(|b| b["resourceSpans"].as_array().cloned().unwrap_or_default())
        .flat_map(|r| r["scopeSpans"].as_array().cloned().unwrap_or_default())
        .flat_map(|s| s["spans"].as_array().cloned().unwrap_or_default())
        .collect()
}

fn attribute<'a>(span: &'a Value, key: &str) -> Option<&'a Value> {
    span["attributes"]
        .as_array()?
        .iter()
        .find(|a| a["key"] == key)
        .map(|a| &a["value"])
}

fn traced_job(version: &str) {
    let (site, otlp, received) = servers();
    let queue = queue_name("otel");
    let endpoint = format!("http://{otlp}");
    let mut worker = WorkerProc::start(
        &queue,
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"),
            ("OTEL_SERVICE_NAME", "lead-audit-worker-test"),
            ("LEAD_AUDIT_ALLOW_PRIVATE_NETWORKS", "1"),
        ],
    );
    let website = format!("http://{site}/");
    let traceparent = format!("00-{TRACE_ID}-{PARENT_SPAN}-01");
    let mut node = NodeScript::start(
        "traced_job.mjs",
        &[version, &queue, &website, &traceparent],
        REDIS_URL,
    );
    let done = node.expect("done");
    node.finish();
    assert_eq!(done["job"]["state"], "completed", "{done}");
    let job_id = done["job"]["id"].as_str().expect("id").to_owned();
    // SIGTERM flushes what the batch exporter still holds.
    worker.signal("-TERM");
    assert_eq!(
        worker.wait_exit(Duration::from_secs(20)),
        Some(0),
        "{}",
        worker.log_text()
    );

    let end = Instant::now() + Duration::from_secs(10);
    let job_span = loop {
        let found = spans(&received).into_iter().find(|s| {
            attribute(s, "messaging.message.id")
                .is_some_and(|v| v["stringValue"] == job_id.as_str())
        });
        if let Some(span) = found {
            break span;
        }
        assert!(
            Instant::now() < end,
            "no job span received:\n{}",
            worker.log_text()
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(job_span["name"], format!("{queue} process"), "{job_span}");
    assert_eq!(
        job_span["traceId"], TRACE_ID,
        "the producer's trace continues: {job_span}"
    );
    assert_eq!(job_span["parentSpanId"], PARENT_SPAN, "{job_span}");
    assert_eq!(
        attribute(&job_span, "messaging.destination.name").map(|v| &v["stringValue"]),
        Some(&Value::from(queue.as_str())),
        "{job_span}"
    );
    assert_eq!(
        attribute(&job_span, "bullmq.job.attempt").map(|v| &v["intValue"]),
        Some(&Value::from("1")),
        "{job_span}"
    );

    let all = spans(&received);
    let children: Vec<&str> = all
        .iter()
        .filter(|s| s["traceId"] == TRACE_ID && s["parentSpanId"] == job_span["spanId"])
        .filter_map(|s| s["name"].as_str())
        .collect();
    for stage in ["fetch", "analyse", "score"] {
        assert!(
            children.contains(&stage),
            "no {stage} span under the job: {children:?}"
        );
    }
    let attributes = serde_json::to_string(&all).expect("json");
    assert!(
        !attributes.contains("hello@traced.example"),
        "spans carry no page content"
    );
}

#[test]
fn job_spans_continue_the_producers_trace() {
    for version in NODE_VERSIONS {
        traced_job(version);
    }
}
