//! Crashes and signals: `kill -9` mid-job hands the job to another worker (Rust, or Node's);
//! SIGTERM mid-job exits 0 with the job completed or handed back, never lost; a job that stalls
//! more often than allowed fails, as Node's worker fails it, and is copied to the dead-letter
//! queue.

mod common;

use std::time::Duration;

use common::{queue_name, NodeScript, WorkerProc, REDIS_URL};
use serde_json::Value;

fn completed_by_other(done: &Value, first_pid: u32) -> &Value {
    let job = &done["job"];
    assert_eq!(job["state"], "completed", "{done}");
    let rv = &job["returnvalue"];
    assert_ne!(
        rv["pid"], first_pid,
        "the killed worker cannot have finished it: {done}"
    );
    rv
}

fn kill_then_rust(version: &str) {
    let queue = queue_name("kill-rust");
    let mut first = WorkerProc::start(
        &queue,
        &[("LEAD_AUDIT_WORKER_TEST_PROCESSOR", "sleep:60000")],
    );
    let mut node = NodeScript::start("one_job.mjs", &[version, &queue], REDIS_URL);
    node.expect("active");
    first.signal("-KILL");
    assert_eq!(first.wait_exit(Duration::from_secs(5)), None);
    let second = WorkerProc::start(&queue, &[("LEAD_AUDIT_WORKER_TEST_PROCESSOR", "noop")]);
    let done = node.expect("done");
    node.finish();
    let rv = completed_by_other(&done, first.pid());
    assert_eq!(rv["pid"], second.pid(), "{done}");
    let events = done["events"].as_array().expect("events");
    assert!(events.iter().any(|e| e["kind"] == "stalled"), "{done}");
}

fn kill_then_node(version: &str) {
    let queue = queue_name("kill-node");
    let mut first = WorkerProc::start(
        &queue,
        &[("LEAD_AUDIT_WORKER_TEST_PROCESSOR", "sleep:60000")],
    );
    let mut node = NodeScript::start("one_job.mjs", &[version, &queue, "node-worker"], REDIS_URL);
    node.expect("active");
    first.signal("-KILL");
    assert_eq!(first.wait_exit(Duration::from_secs(5)), None);
    node.go();
    let done = node.expect("done");
    node.finish();
    assert_eq!(
        completed_by_other(&done, first.pid())["by"],
        "node",
        "{done}"
    );
}

fn sigterm_finishes_the_job(version: &str) {
    let queue = queue_name("term-finish");
    let mut worker = WorkerProc::start(
        &queue,
        &[
            ("LEAD_AUDIT_WORKER_TEST_PROCESSOR", "sleep:1500"),
            ("SHUTDOWN_TIMEOUT_MS", "20000"),
        ],
    );
    let mut node = NodeScript::start("one_job.mjs", &[version, &queue], REDIS_URL);
    node.expect("active");
    worker.signal("-TERM");
    assert_eq!(
        worker.wait_exit(Duration::from_secs(25)),
        Some(0),
        "{}",
        worker.log_text()
    );
    let done = node.expect("done");
    node.finish();
    assert_eq!(done["job"]["state"], "completed", "{done}");
    assert_eq!(done["job"]["returnvalue"]["pid"], worker.pid(), "{done}");
}

fn sigterm_hands_the_job_back(version: &str) {
    let queue = queue_name("term-handback");
    let mut worker = WorkerProc::start(
        &queue,
        &[
            ("LEAD_AUDIT_WORKER_TEST_PROCESSOR", "sleep:60000"),
            ("SHUTDOWN_TIMEOUT_MS", "300"),
        ],
    );
    let mut node = NodeScript::start("one_job.mjs", &[version, &queue], REDIS_URL);
    node.expect("active");
    worker.signal("-TERM");
    assert_eq!(
        worker.wait_exit(Duration::from_secs(15)),
        Some(0),
        "{}",
        worker.log_text()
    );
    let second = WorkerProc::start(&queue, &[("LEAD_AUDIT_WORKER_TEST_PROCESSOR", "noop")]);
    let done = node.expect("done");
    node.finish();
    assert_eq!(completed_by_other(&done, worker.pid())["pid"], second.pid());
}

/// The stalled checker does not fail a job that stalled too often: it marks it (`defa`) and
/// hands it back, and the worker that takes it next fails it. That worker is a Rust one here.
fn stalled_too_often_is_failed_and_dead_lettered(version: &str) {
    let queue = queue_name("stalled-out");
    let dlq = format!("{queue}-dead");
    let mut first = WorkerProc::start(
        &queue,
        &[
            ("LEAD_AUDIT_WORKER_TEST_PROCESSOR", "sleep:60000"),
            ("MAX_STALLED_COUNT", "0"),
        ],
    );
    let mut node = NodeScript::start("one_job.mjs", &[version, &queue, "-", &dlq], REDIS_URL);
    node.expect("active");
    first.signal("-KILL");
    assert_eq!(first.wait_exit(Duration::from_secs(5)), None);
    let second = WorkerProc::start(
        &queue,
        &[
            ("LEAD_AUDIT_WORKER_TEST_PROCESSOR", "noop"),
            ("MAX_STALLED_COUNT", "0"),
            ("DEAD_LETTER_QUEUE", &dlq),
        ],
    );
    let done = node.expect("done");
    node.finish();
    let job = &done["job"];
    assert_eq!(job["state"], "failed", "{done}\n{}", second.log_text());
    assert_eq!(
        job["failedReason"], "job stalled more than allowable limit",
        "{done}"
    );
    assert_eq!(job["returnvalue"], Value::Null, "not run again: {done}");
    let events = done["events"].as_array().expect("events");
    assert!(events.iter().any(|e| e["kind"] == "stalled"), "{done}");
    let dead = done["dead"].as_array().expect("dead");
    assert_eq!(dead.len(), 1, "{done}");
    assert_eq!(dead[0]["jobId"], job["id"], "{done}");
    assert_eq!(dead[0]["unrecoverable"], true, "{done}");
    assert_eq!(dead[0]["data"]["website"], "crash.example", "{done}");
}

#[test]
fn stalled_too_often_is_dead_lettered_bullmq5() {
    stalled_too_often_is_failed_and_dead_lettered("bullmq5");
}

#[test]
fn stalled_too_often_is_dead_lettered_bullmq6() {
    stalled_too_often_is_failed_and_dead_lettered("bullmq6");
}

#[test]
fn kill_9_then_rust_worker_bullmq5() {
    kill_then_rust("bullmq5");
}

#[test]
fn kill_9_then_rust_worker_bullmq6() {
    kill_then_rust("bullmq6");
}

#[test]
fn kill_9_then_node_worker_bullmq5() {
    kill_then_node("bullmq5");
}

#[test]
fn kill_9_then_node_worker_bullmq6() {
    kill_then_node("bullmq6");
}

#[test]
fn sigterm_finishes_in_flight_job_bullmq5() {
    sigterm_finishes_the_job("bullmq5");
}

#[test]
fn sigterm_finishes_in_flight_job_bullmq6() {
    sigterm_finishes_the_job("bullmq6");
}

#[test]
fn sigterm_past_drain_timeout_hands_job_back_bullmq5() {
    sigterm_hands_the_job_back("bullmq5");
}

#[test]
fn sigterm_past_drain_timeout_hands_job_back_bullmq6() {
    sigterm_hands_the_job_back("bullmq6");
}
