//! Node `Queue.add` (plain, lifo, priority, delay, custom jobId) → the Rust worker processes
//! them in the order a Node worker does; `Job.fromId` and `getJobCounts` show the outcome.

mod common;

use common::{queue_name, NodeScript, WorkerProc, REDIS_URL};
use serde_json::Value;

/// Job labels in the order they were processed (by the `seq` of their returnvalue).
fn order(done: &Value) -> Vec<String> {
    let jobs = done["jobs"].as_object().expect("jobs");
    let mut seq: Vec<(u64, String)> = jobs
        .iter()
        .map(|(label, j)| {
            let rv = &j["returnvalue"];
            (
                rv["seq"].as_u64().expect("seq in returnvalue"),
                label.clone(),
            )
        })
        .collect();
    seq.sort();
    seq.into_iter().map(|(_, l)| l).collect()
}

fn add_process(version: &str) {
    let reference_queue = queue_name("order-node");
    let mut node = NodeScript::start(
        "add_process.mjs",
        &[version, &reference_queue, "node"],
        REDIS_URL,
    );
    let reference = node.expect("done");
    node.finish();

    let queue = queue_name("order-rust");
    let mut node = NodeScript::start("add_process.mjs", &[version, &queue, "external"], REDIS_URL);
    let added = node.expect("added");
    let _worker = WorkerProc::start(
        &queue,
        &[
            ("LEAD_AUDIT_WORKER_TEST_PROCESSOR", "noop"),
            ("WORKER_CONCURRENCY", "1"),
        ],
    );
    node.go();
    let done = node.expect("done");
    node.finish();

    assert_eq!(done["completed"], true, "{done}");
    assert_eq!(order(&done), order(&reference), "processing order");
    assert_eq!(
        order(&done).first().map(String::as_str),
        Some("lifo"),
        "{done}"
    );
    assert_eq!(
        order(&done).last().map(String::as_str),
        Some("delayed"),
        "{done}"
    );
    assert_eq!(
        added["ids"]["custom"].as_str(),
        Some(format!("custom-{queue}").as_str())
    );
    for (label, job) in done["jobs"].as_object().expect("jobs") {
        let node_job = &reference["jobs"][label];
        assert_eq!(job["state"], "completed", "{label}: {job}");
        // Completing counts as an attempt, for Node's worker too.
        assert_eq!(job["attemptsMade"], 1, "{label}: {job}");
        assert_eq!(job["attemptsMade"], node_job["attemptsMade"], "{label}");
        assert_eq!(job["attemptsStarted"], 1, "{label}: {job}");
        let processed = job["processedOn"].as_u64().expect("processedOn");
        let finished = job["finishedOn"].as_u64().expect("finishedOn");
        assert!(finished >= processed, "{label}: {job}");
        assert_eq!(job["returnvalue"]["data"]["label"], label.as_str());
    }
    let counts = &done["counts"];
    for state in [
        "active",
        "waiting",
        "delayed",
        "prioritized",
        "paused",
        "failed",
    ] {
        // Node 6 no longer reports `paused`.
        assert_eq!(counts[state].as_u64().unwrap_or(0), 0, "{state}: {counts}");
    }
    assert_eq!(counts["completed"], 8, "{counts}");
}

#[test]
fn add_process_bullmq5() {
    add_process("bullmq5");
}

#[test]
fn add_process_bullmq6() {
    add_process("bullmq6");
}
