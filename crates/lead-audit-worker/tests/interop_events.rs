//! The real auditor behind the queue: Node's QueueEvents sees `active`, `progress`,
//! `completed` with the AuditResult, and `failed` for a job that can never succeed.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::response::Html;
use axum::routing::{get, post};
use axum::Json;
use common::{queue_name, NodeScript, WorkerProc, REDIS_URL};
use serde_json::Value;

const PAGE: &str = r#"<!doctype html><html lang="en"><head><title>Fixture Co</title>
<meta name="viewport" content="width=device-width"></head>
<body><h1>Fixture Co</h1><p>Write to <a href="mailto:hello@fixture-bakery.com">hello@fixture-bakery.com</a>
or call <a href="tel:+14155550132">(415) 555-0132</a>.</p></body></html>"#;

/// Results the fixture backend received.
type Received = Arc<Mutex<Vec<Value>>>;

/// Serves the fixture page, and a backend endpoint that keeps what is POSTed, on 127.0.0.1
/// from a thread of its own.
fn fixture_server() -> (SocketAddr, Received) {
    let received = Received::default();
    let app = axum::Router::new()
        .route("/", get(|| async { Html(PAGE) }))
        .route(
            "/api/lead-audits",
            post(
                |State(r): State<Received>, Json(v): Json<Value>| async move {
                    r.lock().expect("not poisoned").push(v);
                },
            ),
        )
        .with_state(received.clone());
    (common::serve(app), received)
}

/// `GET path` on `addr`: the response body.
fn http_get(addr: SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").expect("write");
    let mut out = String::new();
    stream.read_to_string(&mut out).expect("read");
    out.split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The returnvalue as JSON, whether Node parsed it or not.
fn json(v: &Value) -> Value {
    match v {
        Value::String(s) => serde_json::from_str(s).unwrap_or(Value::Null),
        other => other.clone(),
    }
}

fn events(version: &str) {
    let (addr, received) = fixture_server();
    let queue = queue_name("events");
    let metrics: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().expect("addr");
    let _worker = WorkerProc::start(
        &queue,
        &[
            ("LEAD_AUDIT_ALLOW_PRIVATE_NETWORKS", "1"),
            ("WORKER_CONCURRENCY", "2"),
            ("METRICS_ADDR", &metrics.to_string()),
            ("BACKEND_URL", &format!("http://{addr}")),
        ],
    );
    let website = format!("http://{addr}/");
    let mut node = NodeScript::start("events.mjs", &[version, &queue, &website], REDIS_URL);
    let added = node.expect("added");
    let done = node.expect("done");
    node.finish();

    let audit_id = added["ids"][0].as_str().expect("id");
    let orphan_id = added["ids"][1].as_str().expect("id");
    let seen = done["events"].as_array().expect("events");
    let of = |id: &str, kind: &str| -> Vec<&Value> {
        seen.iter()
            .filter(|e| e["jobId"] == id && e["kind"] == kind)
            .collect()
    };
    assert!(!of(audit_id, "active").is_empty(), "{done}");
    let progress = of(audit_id, "progress");
    assert!(
        progress
            .iter()
            .any(|e| json(&e["data"])["stage"] == "fetching"),
        "{done}"
    );
    assert!(
        progress.iter().any(|e| json(&e["data"])["stage"] == "done"),
        "{done}"
    );
    let completed = of(audit_id, "completed");
    assert_eq!(completed.len(), 1, "{done}");
    let result = json(&completed[0]["returnvalue"]);
    assert_eq!(result["leadId"], "lead-1", "{result}");
    assert_eq!(result["reachable"], true, "{result}");
    assert!(
        result["emails"]
            .as_array()
            .is_some_and(|e| e.iter().any(|m| m == "hello@fixture-bakery.com")),
        "{result}"
    );
    assert_eq!(result["phones"][0], "+14155550132", "{result}");
    assert!(result["score"]["grade"].is_string(), "{result}");

    let audit = &done["audit"];
    assert_eq!(audit["state"], "completed", "{audit}");
    assert_eq!(json(&audit["returnvalue"])["url"], website.as_str());

    let orphan = &done["orphan"];
    assert_eq!(orphan["state"], "failed", "{orphan}");
    assert_eq!(orphan["attemptsMade"], 1, "not retried: {orphan}");
    assert!(
        orphan["failedReason"]
            .as_str()
            .is_some_and(|r| r.contains("leadId") && r.contains("DATABASE_URL")),
        "{orphan}"
    );
    assert_eq!(of(orphan_id, "failed").len(), 1, "{done}");

    // The backend receives the result, off the job's path.
    let end = Instant::now() + Duration::from_secs(15);
    while received.lock().expect("not poisoned").is_empty() && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(50));
    }
    let posted = received.lock().expect("not poisoned").clone();
    assert_eq!(posted.len(), 1, "{posted:?}");
    assert_eq!(posted[0]["leadId"], "lead-1");

    assert_eq!(http_get(metrics, "/healthz").trim(), "ok");
    let text = http_get(metrics, "/metrics");
    for line in [
        "lead_audit_worker_jobs_completed_total 1",
        "lead_audit_worker_jobs_failed_total 1",
        "lead_audit_worker_pages_fetched_total{via=\"http\"} 1",
        "lead_audit_worker_backend_posts_total{outcome=\"delivered\"} 1",
        "lead_audit_worker_jobs_in_flight 0",
    ] {
        assert!(text.contains(line), "{line} missing:\n{text}");
    }
}

#[test]
fn events_bullmq5() {
    events("bullmq5");
}

#[test]
fn events_bullmq6() {
    events("bullmq6");
}
