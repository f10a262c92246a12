//! Redis Cluster (`scripts/redis-cluster`): two Rust workers and a Node worker share a queue
//! under the hash-tagged prefix `{bull}`, jobs come from Node through an ioredis Cluster and
//! from `enqueue`, one Rust worker is killed with SIGKILL mid-run, and every job completes
//! exactly once. A prefix without a hash tag is refused before anything starts.

mod common;

use std::time::Duration;

use common::{cluster_nodes, queue_name, NodeScript, WorkerProc};
use lead_audit_app::LeadInput;
use lead_audit_queue::{enqueue, EnqueueOptions, QueueSettings};

const PREFIX: &str = "{bull}";
const FROM_NODE: usize = 250;
const FROM_RUST: usize = 50;

async fn mixed_fleet_with_a_kill(version: &str) {
    let nodes = cluster_nodes();
    let queue = queue_name("cluster");
    let total = FROM_NODE + FROM_RUST;
    let cluster = [
        ("REDIS_CLUSTER_NODES", nodes.as_str()),
        ("BULLMQ_PREFIX", PREFIX),
    ];
    let mut node = NodeScript::start_env(
        "cluster.mjs",
        &[version, &queue, &FROM_NODE.to_string(), &total.to_string()],
        &cluster,
    );
    node.expect("ready");
    let mut env = cluster.to_vec();
    env.extend([
        ("LEAD_AUDIT_WORKER_TEST_PROCESSOR", "sleep:60"),
        ("WORKER_CONCURRENCY", "4"),
    ]);
    let mut doomed = WorkerProc::start(&queue, &env);
    let survivor = WorkerProc::start(&queue, &env);
    node.go();
    node.expect("added");

    let seeds: Vec<&str> = nodes.split(',').collect();
    let settings = QueueSettings::on_cluster(&seeds, &queue, PREFIX);
    let leads = (0..FROM_RUST).map(|i| LeadInput::from_url(format!("r{i}.example")));
    let ids = enqueue(&settings, leads, &EnqueueOptions::default())
        .await
        .expect("enqueue on the cluster");
    assert_eq!(ids.len(), FROM_RUST);

    node.expect("halfway");
    doomed.signal("-KILL");
    assert_eq!(doomed.wait_exit(Duration::from_secs(5)), None);
    let done = node.expect("done");
    node.finish();

    let counts = &done["counts"];
    assert_eq!(done["completed"], total, "{done}\n{}", survivor.log_text());
    for state in ["failed", "active", "wait", "waiting", "delayed", "paused"] {
        assert!(
            counts[state].as_u64().unwrap_or(0) == 0,
            "{state} is not empty: {done}"
        );
    }
    assert_eq!(done["completedEvents"], total, "{done}");
    assert_eq!(done["completedTwice"], 0, "{done}");
    assert_eq!(done["by"]["unknown"], 0, "{done}");
    assert!(done["by"]["node"].as_u64() > Some(0), "{done}");
    assert!(done["by"]["rust"].as_u64() > Some(0), "{done}");
    let pids = done["rustPids"].as_array().expect("pids");
    assert!(pids.contains(&survivor.pid().into()), "{done}");
    assert!(done["progressEvents"].as_u64() > Some(0), "{done}");
}

#[tokio::test(flavor = "multi_thread")]
async fn mixed_fleet_on_a_cluster_bullmq5() {
    mixed_fleet_with_a_kill("bullmq5").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn mixed_fleet_on_a_cluster_bullmq6() {
    mixed_fleet_with_a_kill("bullmq6").await;
}

#[test]
fn a_prefix_without_hash_tag_is_refused_on_a_cluster() {
    let nodes = cluster_nodes();
    let mut worker = WorkerProc::spawn(
        &queue_name("untagged"),
        &[
            ("REDIS_CLUSTER_NODES", nodes.as_str()),
            ("BULLMQ_PREFIX", "bull"),
        ],
    );
    assert_eq!(worker.wait_exit(Duration::from_secs(10)), Some(2));
    let log = worker.log_text();
    assert!(
        log.contains("{bull}") && log.contains("BULLMQ_PREFIX"),
        "{log}"
    );
}
