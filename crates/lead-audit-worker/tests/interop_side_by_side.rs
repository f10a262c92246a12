//! A Node Worker and the Rust worker on one queue, 500 jobs: each processed exactly once and
//! both did work.

mod common;

use common::{queue_name, NodeScript, WorkerProc, REDIS_URL};

fn side_by_side(version: &str) {
    let queue = queue_name("side");
    let mut node = NodeScript::start("side_by_side.mjs", &[version, &queue, "500"], REDIS_URL);
    node.expect("ready");
    let _worker = WorkerProc::start(
        &queue,
        &[
            ("LEAD_AUDIT_WORKER_TEST_PROCESSOR", "sleep:5"),
            ("WORKER_CONCURRENCY", "8"),
        ],
    );
    node.go();
    let done = node.expect("done");
    node.finish();
    assert_eq!(done["completed"], 500, "{done}");
    assert_eq!(done["missing"], 0, "{done}");
    assert_eq!(done["startedTwice"], 0, "{done}");
    assert_eq!(done["nodeTwice"], 0, "{done}");
    assert!(done["rust"].as_u64().is_some_and(|n| n > 0), "{done}");
    assert!(done["node"].as_u64().is_some_and(|n| n > 0), "{done}");
    assert_eq!(done["counts"]["failed"], 0, "{done}");
    assert_eq!(done["counts"]["active"], 0, "{done}");
}

#[test]
fn side_by_side_bullmq5() {
    side_by_side("bullmq5");
}

#[test]
fn side_by_side_bullmq6() {
    side_by_side("bullmq6");
}
