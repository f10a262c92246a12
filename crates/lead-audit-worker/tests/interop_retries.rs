//! Retries with fixed and exponential backoff, the dead-letter copy, and removeOnComplete /
//! removeOnFail as bool, count and `{age, count}`.

mod common;

use common::{queue_name, NodeScript, WorkerProc, REDIS_URL};

fn retries(version: &str) {
    let queue = queue_name("retries");
    let dlq = format!("{queue}-dead");
    let _worker = WorkerProc::start(
        &queue,
        &[
            ("LEAD_AUDIT_WORKER_TEST_PROCESSOR", "noop"),
            ("DEAD_LETTER_QUEUE", &dlq),
        ],
    );
    let mut node = NodeScript::start("retries.mjs", &[version, &queue, &dlq], REDIS_URL);
    let done = node.expect("done");
    node.finish();

    for (label, attempts) in [("fixed", 3), ("exponential", 4)] {
        let job = &done[label];
        assert_eq!(job["state"], "failed", "{label}: {job}");
        assert_eq!(job["attemptsMade"], attempts, "{label}: {job}");
        assert!(
            job["failedReason"]
                .as_str()
                .is_some_and(|r| r.contains("asks to fail")),
            "{job}"
        );
        let id = job["id"].as_str().expect("id");
        assert!(
            done["dead"]
                .as_array()
                .expect("dead")
                .iter()
                .any(|d| d["jobId"] == id
                    && d["attemptsMade"] == attempts
                    && d["data"]["label"] == label
                    && d["failedReason"].is_string()),
            "{label} has no dead-letter copy: {}",
            done["dead"]
        );
        assert!(
            done["exhausted"]
                .as_array()
                .expect("exhausted")
                .iter()
                .any(|e| e["jobId"] == id && e["attemptsMade"] == attempts),
            "{label}: {}",
            done["exhausted"]
        );
    }
    assert_eq!(
        done["dead"].as_array().map(Vec::len),
        done["deadCount"].as_u64().map(|n| n as usize),
        "{}",
        done["dead"]
    );
    let present = &done["present"];
    let expect = [
        ("completeTrue", vec![false, false]),
        ("completeCount", vec![false, false, true, true]),
        ("completeAgeCount", vec![false, false, true]),
        ("failTrue", vec![false, false]),
        ("failCount", vec![false, false, true]),
        ("failAgeCount", vec![false, true, true]),
    ];
    for (policy, kept) in expect {
        assert_eq!(
            present[policy],
            serde_json::json!(kept),
            "{policy}: {present}"
        );
    }
}

#[test]
fn retries_bullmq5() {
    retries("bullmq5");
}

#[test]
fn retries_bullmq6() {
    retries("bullmq6");
}
