//! BullMQ's rate limiter across a mixed fleet: a Node worker with `limiter: {max, duration}`
//! and the Rust worker with WORKER_LIMIT_MAX / WORKER_LIMIT_DURATION_MS share one limit,
//! because both count in the queue's one limiter key.

mod common;

use common::{queue_name, NodeScript, WorkerProc, NODE_VERSIONS, REDIS_URL};

const JOBS: usize = 30;
const MAX: usize = 5;
const WINDOW_MS: u64 = 1000;

fn shared_limit(version: &str) {
    let queue = queue_name("limiter");
    let mut node = NodeScript::start(
        "limiter.mjs",
        &[
            version,
            &queue,
            &JOBS.to_string(),
            &MAX.to_string(),
            &WINDOW_MS.to_string(),
        ],
        REDIS_URL,
    );
    node.expect("ready");
    let worker = WorkerProc::start(
        &queue,
        &[
            ("LEAD_AUDIT_WORKER_TEST_PROCESSOR", "noop"),
            ("WORKER_CONCURRENCY", "4"),
            ("WORKER_LIMIT_MAX", &MAX.to_string()),
            ("WORKER_LIMIT_DURATION_MS", &WINDOW_MS.to_string()),
        ],
    );
    node.go();
    let done = node.expect("done");
    node.finish();

    assert_eq!(done["counts"]["completed"], JOBS, "{done}");
    assert_eq!(
        done["node"].as_u64().unwrap_or(0) + done["rust"].as_u64().unwrap_or(0),
        JOBS as u64,
        "{done}"
    );
    assert!(
        done["rust"].as_u64() > Some(0),
        "{done}\n{}",
        worker.log_text()
    );
    let started: Vec<u64> = done["started"]
        .as_array()
        .expect("started")
        .iter()
        .map(|t| t.as_u64().expect("processedOn"))
        .collect();
    // The limiter counts in fixed windows: MAX jobs may start at the end of one window and
    // MAX more at the start of the next, but never 2 × MAX + 1 within one window's length.
    for (i, w) in started.windows(2 * MAX + 1).enumerate() {
        let span = w[2 * MAX] - w[0];
        assert!(
            span >= WINDOW_MS,
            "jobs {i}..={} started within {span} ms, over the shared limit of {MAX} per {WINDOW_MS} ms: {started:?}",
            i + 2 * MAX
        );
    }
}

#[test]
fn node_and_rust_workers_share_one_rate_limit() {
    for version in NODE_VERSIONS {
        shared_limit(version);
    }
}
