//! Redis restarts under a running worker (a redis-server of the test's own, on a free port):
//! the worker reconnects and finishes the queue, with warnings rather than errors.

mod common;

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{queue_name, NodeScript, WorkerProc};

/// A redis-server on `port` with its files in `dir`; killed when dropped.
struct Redis(Child);

impl Redis {
    fn start(port: u16, dir: &Path) -> Self {
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(dir)
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server is installed");
        let end = Instant::now() + Duration::from_secs(10);
        while !cli(port, &["PING"]).is_some_and(|o| o.contains("PONG")) {
            assert!(Instant::now() < end, "redis-server on {port} did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self(child)
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn cli(port: u16, args: &[&str]) -> Option<String> {
    let out = Command::new("redis-cli")
        .args(["-p", &port.to_string()])
        .args(args)
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

#[test]
fn worker_reconnects_after_redis_restart() {
    let dir = std::env::temp_dir().join(format!(
        "lead-audit-redis-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).expect("dir");
    let port = free_port();
    let url = format!("redis://127.0.0.1:{port}");
    let mut redis = Redis::start(port, &dir);
    let queue = queue_name("restart");
    let worker = WorkerProc::start(
        &queue,
        &[
            ("REDIS_URL", &url),
            ("LEAD_AUDIT_WORKER_TEST_PROCESSOR", "sleep:100"),
            ("WORKER_CONCURRENCY", "2"),
        ],
    );
    let mut node = NodeScript::start("counts.mjs", &["bullmq5", &queue, "40"], &url);
    node.expect("added");
    std::thread::sleep(Duration::from_millis(600));
    // Keep the queue's data across the restart, as a persistent Redis would.
    assert!(cli(port, &["SAVE"]).is_some_and(|o| o.contains("OK")));
    let _ = redis.0.kill();
    let _ = redis.0.wait();
    std::thread::sleep(Duration::from_millis(1500));
    redis = Redis::start(port, &dir);
    let done = node.expect("done");
    node.finish();
    assert_eq!(done["completed"], true, "{done}\n{}", worker.log_text());
    assert_eq!(done["counts"]["failed"], 0, "{done}");
    assert_eq!(done["counts"]["active"], 0, "{done}");
    let log = worker.log_text();
    assert!(log.contains("Redis reachable again"), "{log}");
    // A lost lock or a dropped connection is a warning that says what happens next; jobs
    // finished before the outage are not counted as failed.
    assert!(!log.contains(" ERROR "), "{log}");
    assert!(!log.contains("failed before it was processed"), "{log}");
    drop(worker);
    drop(redis);
    let _ = std::fs::remove_dir_all(&dir);
}
