//! Job data as Node backends write it, produced by the real Node BullMQ and audited for real by
//! the Rust worker: integer ids come back as strings, aliases and extra fields are accepted, and
//! data that is not a lead fails at once with a short reason, however large the data.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;

use common::{queue_name, NodeScript, WorkerProc, NODE_VERSIONS, REDIS_URL};
use serde_json::{json, Value};

const PAGE: &str = r#"<!doctype html><html lang="en"><head><title>Harbour Bakery</title></head>
<body><h1>Harbour Bakery</h1><p>Order cakes at <a href="mailto:orders@harbour-bakery.com">orders@harbour-bakery.com</a>.</p>
</body></html>"#;

/// A website on 127.0.0.1 that serves [`PAGE`] for `/` and 404 for the rest, on a thread of
/// its own for the life of the test process.
fn fixture_site() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut buf = [0u8; 4096];
            let n = stream.read(&mut buf).unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]);
            let home = head.starts_with("GET / ");
            let (status, body) = if home {
                ("200 OK", PAGE)
            } else {
                ("404 Not Found", "")
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{addr}/")
}

fn json_of(v: &Value) -> Value {
    match v {
        Value::String(s) => serde_json::from_str(s).unwrap_or(Value::Null),
        other => other.clone(),
    }
}

fn node_job_data_is_read_like_the_node_worker_reads_it(version: &str) {
    let site = fixture_site();
    let queue = queue_name("lead-input");
    // Each audited lead's report page goes here, named in the return value.
    let reports = tempfile::tempdir().expect("tempdir");
    let report_dir = reports.path().to_str().expect("utf-8 path");
    let _worker = WorkerProc::start(
        &queue,
        &[
            ("LEAD_AUDIT_ALLOW_PRIVATE_NETWORKS", "1"),
            ("LEAD_AUDIT_MAX_PAGES", "0"),
            ("REPORT_DIR", report_dir),
        ],
    );
    let mut node = NodeScript::start("commands.mjs", &[version, &queue], REDIS_URL);
    let huge = "x".repeat(2 * 1024 * 1024);
    let jobs = json!([
        {"data": {"leadId": 42, "website": site, "campaign": "spring", "tags": ["a"]}},
        {"data": {"id": 7, "url": site, "company_name": "Harbour Bakery"}},
        {"data": {"leadId": 9, "website": 12345, "blob": huge}, "opts": {"attempts": 3}},
    ]);
    node.send(&json!({"op": "add", "jobs": jobs}).to_string());
    let added = node.expect("added");
    let ids: Vec<Value> = added["ids"].as_array().expect("ids").clone();
    node.send(&json!({"op": "wait", "ids": ids}).to_string());
    let finished = node.expect("finished");
    let facts = finished["jobs"].as_array().expect("jobs");

    let first = json_of(&facts[0]["returnvalue"]);
    assert_eq!(facts[0]["state"], "completed", "{}", facts[0]);
    assert_eq!(first["leadId"], "42", "{first}");
    assert_eq!(first["emails"][0], "orders@harbour-bakery.com", "{first}");
    let report = first["reportPath"].as_str().expect("a reportPath");
    assert!(report.starts_with(report_dir), "{report}");
    let page = std::fs::read_to_string(report).expect("the report page");
    assert!(page.contains("orders@harbour-bakery.com"));
    assert!(page.contains("Harbour Bakery"));

    let second = json_of(&facts[1]["returnvalue"]);
    assert_eq!(facts[1]["state"], "completed", "{}", facts[1]);
    assert_eq!(second["leadId"], "7", "{second}");
    assert_eq!(second["reachable"], true, "{second}");

    // Not a lead: failed for good on the first attempt, the reason short and naming the field.
    let bad = &facts[2];
    assert_eq!(bad["state"], "failed", "{bad}");
    assert_eq!(bad["attemptsMade"], 1, "{bad}");
    // Reports only for audited leads: the two completed jobs.
    assert_eq!(std::fs::read_dir(reports.path()).expect("dir").count(), 2);
    let reason = bad["failedReason"].as_str().expect("a failedReason");
    assert!(reason.contains("website"), "{reason}");
    assert!(
        reason.len() < 2048,
        "failedReason is {} bytes",
        reason.len()
    );

    node.send(&json!({"op": "end"}).to_string());
    node.finish();
}

#[test]
fn node_job_data_is_read_like_the_node_worker_reads_it_bullmq5() {
    node_job_data_is_read_like_the_node_worker_reads_it(NODE_VERSIONS[0]);
}

#[test]
fn node_job_data_is_read_like_the_node_worker_reads_it_bullmq6() {
    node_job_data_is_read_like_the_node_worker_reads_it(NODE_VERSIONS[1]);
}
