//! `enqueue` adds jobs the way the Node backend does, and the worker processes them.

mod common;

use std::time::{Duration, Instant};

use bullmq::options::{QueueOptions, RedisConnectionOptions};
use bullmq::Queue;
use common::{queue_name, WorkerProc, REDIS_URL};
use lead_audit_app::LeadInput;
use lead_audit_queue::{enqueue, EnqueueOptions, QueueSettings};
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn enqueued_leads_are_audit_jobs_the_worker_completes() {
    let queue = queue_name("enqueue");
    let leads = [
        LeadInput::from_url("example.com"),
        LeadInput::from_value(json!({"id": 42, "email": "owner@example.org", "force": true}))
            .expect("a lead"),
    ];
    let ids = enqueue(
        &QueueSettings::at(REDIS_URL, &queue),
        leads,
        &EnqueueOptions::default(),
    )
    .await
    .expect("enqueued");
    assert_eq!(ids.len(), 2);

    let q = Queue::with_options(
        &queue,
        QueueOptions::new().connection(RedisConnectionOptions::new().url(REDIS_URL)),
    )
    .await
    .expect("queue");
    let first = q.get_job(&ids[0]).await.expect("read").expect("job");
    assert_eq!(first.name(), "audit");
    assert_eq!(*first.data(), json!({"website": "example.com"}));
    assert_eq!(first.opts().attempts, Some(3));
    let second = q.get_job(&ids[1]).await.expect("read").expect("job");
    assert_eq!(
        *second.data(),
        json!({"leadId": "42", "email": "owner@example.org", "force": true})
    );

    let _worker = WorkerProc::start(&queue, &[("LEAD_AUDIT_WORKER_TEST_PROCESSOR", "noop")]);
    let end = Instant::now() + Duration::from_secs(20);
    loop {
        let counts = q.get_job_counts().await.expect("counts");
        if counts.completed == 2 {
            break;
        }
        assert!(Instant::now() < end, "not completed: {counts:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    q.obliterate(true, 1000).await.expect("cleanup");
}
