//! Pause; add job A and delayed job B; resume after B fell due. With Node BullMQ 5 a worker
//! that promotes B into `wait` while paused loses it at resume; ours must not.

mod common;

use common::{queue_name, NodeScript, WorkerProc, REDIS_URL};

fn pause_resume(version: &str) {
    let queue = queue_name("pause");
    let _worker = WorkerProc::start(&queue, &[("LEAD_AUDIT_WORKER_TEST_PROCESSOR", "noop")]);
    let mut node = NodeScript::start("pause_resume.mjs", &[version, &queue], REDIS_URL);
    let done = node.expect("done");
    node.finish();
    assert_eq!(
        done["whilePaused"]["completed"], 0,
        "nothing runs while paused: {done}"
    );
    assert_eq!(done["whilePaused"]["active"], 0, "{done}");
    for job in ["a", "b"] {
        assert_eq!(done[job]["state"], "completed", "{job}: {done}");
    }
    assert_eq!(done["counts"]["completed"], 2, "{done}");
}

#[test]
fn pause_resume_keeps_delayed_job_bullmq5() {
    pause_resume("bullmq5");
}

#[test]
fn pause_resume_keeps_delayed_job_bullmq6() {
    pause_resume("bullmq6");
}
