//! The real auditor behind the queue: Node's QueueEvents sees `active`, `progress`,
//! `completed` with the AuditResult, and `failed` for a job that can never succeed.

mod common;

use std::net::SocketAddr;

use axum::response::Html;
use axum::routing::get;
use common::{queue_name, NodeScript, WorkerProc, REDIS_URL};
use serde_json::Value;

const PAGE: &str = r#"<!doctype html><html lang="en"><head><title>Fixture Co</title>
<meta name="viewport" content="width=device-width"></head>
<body><h1>Fixture Co</h1><p>Write to <a href="mailto:hello@fixture-bakery.com">hello@fixture-bakery.com</a>
or call <a href="tel:+14155550132">(415) 555-0132</a>.</p></body></html>"#;

/// Serves the fixture page on 127.0.0.1 from a thread of its own.
fn fixture_server() -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send");
            let app = axum::Router::new().route("/", get(|| async { Html(PAGE) }));
            axum::serve(listener, app).await.expect("serve");
        });
    });
    rx.recv().expect("fixture address")
}

/// The returnvalue as JSON, whether Node parsed it or not.
fn json(v: &Value) -> Value {
    match v {
        Value::String(s) => serde_json::from_str(s).unwrap_or(Value::Null),
        other => other.clone(),
    }
}

fn events(version: &str) {
    let addr = fixture_server();
    let queue = queue_name("events");
    let _worker = WorkerProc::start(
        &queue,
        &[
            ("LEAD_AUDIT_ALLOW_PRIVATE_NETWORKS", "1"),
            ("WORKER_CONCURRENCY", "2"),
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
}

#[test]
fn events_bullmq5() {
    events("bullmq5");
}

#[test]
fn events_bullmq6() {
    events("bullmq6");
}
