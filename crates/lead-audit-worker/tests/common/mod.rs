//! Test support: the worker binary, the Node scenarios of `tests/node/`, queue names, and
//! scratch PostgreSQL databases ([`postgres`]).
#![allow(dead_code, clippy::unwrap_used)]

pub mod postgres;

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The two pinned Node BullMQ versions (npm aliases in tests/node/package.json).
pub const NODE_VERSIONS: [&str; 2] = ["bullmq5", "bullmq6"];

/// The machine's Redis.
pub const REDIS_URL: &str = "redis://127.0.0.1:6379";

/// The seed nodes of the test Redis Cluster (`scripts/redis-cluster`), or those of
/// `LEAD_AUDIT_TEST_REDIS_CLUSTER`, comma-separated.
pub fn cluster_nodes() -> String {
    std::env::var("LEAD_AUDIT_TEST_REDIS_CLUSTER").unwrap_or_else(|_| {
        "redis://127.0.0.1:7301,redis://127.0.0.1:7302,redis://127.0.0.1:7303".to_owned()
    })
}

/// A queue name of its own for one test.
pub fn queue_name(tag: &str) -> String {
    format!("it-{tag}-{}", uuid::Uuid::new_v4().simple())
}

fn node_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/node");
    assert!(
        dir.join("node_modules/bullmq5").exists() && dir.join("node_modules/bullmq6").exists(),
        "Node BullMQ is not installed: run crates/lead-audit-worker/tests/node/setup"
    );
    dir
}

fn log_dir() -> PathBuf {
    let dir = std::env::temp_dir().join("lead-audit-worker-it");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A running `lead-audit-worker` process; killed when dropped.
pub struct WorkerProc {
    child: Child,
    /// Where its stderr goes.
    pub log: PathBuf,
}

impl WorkerProc {
    /// Starts the worker on `queue` with the machine's Redis and `env` on top, and waits
    /// until it is ready.
    pub fn start(queue: &str, env: &[(&str, &str)]) -> Self {
        let w = Self::spawn(queue, env);
        w.wait_log("lead-audit-worker ready", Duration::from_secs(20));
        w
    }

    /// Like [`WorkerProc::start`], without waiting for it to be ready.
    pub fn spawn(queue: &str, env: &[(&str, &str)]) -> Self {
        let log = log_dir().join(format!("{queue}-{}.log", uuid::Uuid::new_v4().simple()));
        let file = std::fs::File::create(&log).unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_lead-audit-worker"));
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("REDIS_URL", REDIS_URL)
            .env("QUEUE_NAME", queue)
            .env("LOCK_DURATION_MS", "2000")
            .env("STALLED_INTERVAL_MS", "1000")
            .env("RUST_LOG", "info")
            .env("LEAD_AUDIT_NO_DOMAIN_LOOKUP", "1")
            .env("LEAD_AUDIT_BROWSER", "never")
            .current_dir(log_dir());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::from(file))
            .spawn()
            .expect("the worker binary starts");
        Self { child, log }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Its log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until the log contains `needle`.
    pub fn wait_log(&self, needle: &str, within: Duration) {
        let end = Instant::now() + within;
        while !self.log_text().contains(needle) {
            assert!(
                Instant::now() < end,
                "worker log lacks {needle:?}:\n{}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends a signal (`-TERM`, `-KILL`).
    pub fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .arg(sig)
            .arg(self.pid().to_string())
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill {sig} {}", self.pid());
    }

    /// Waits for the process to exit; its exit code (None when killed by a signal).
    pub fn wait_exit(&mut self, within: Duration) -> Option<i32> {
        let end = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            assert!(
                Instant::now() < end,
                "worker did not exit:\n{}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for WorkerProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A Node scenario script: read its JSON events, write go-ahead lines.
pub struct NodeScript {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: std::io::Lines<BufReader<ChildStdout>>,
    name: String,
}

impl NodeScript {
    /// Runs `node tests/node/SCRIPT ARGS…` against `redis_url`.
    pub fn start(script: &str, args: &[&str], redis_url: &str) -> Self {
        Self::start_env(script, args, &[("REDIS_URL", redis_url)])
    }

    /// Runs `node tests/node/SCRIPT ARGS…` with `env` (REDIS_URL or REDIS_CLUSTER_NODES,
    /// BULLMQ_PREFIX…).
    pub fn start_env(script: &str, args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut child = Command::new("node")
            .arg(script)
            .args(args)
            .current_dir(node_dir())
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node is on PATH");
        let stdin = child.stdin.take();
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        Self {
            child,
            stdin,
            lines,
            name: format!("{script} {}", args.join(" ")),
        }
    }

    /// The next event named `event`; panics on an `error` event or the end of output.
    pub fn expect(&mut self, event: &str) -> Value {
        for line in self.lines.by_ref() {
            let line = line.unwrap();
            let Ok(v) = serde_json::from_str::<Value>(&line) else {
                continue;
            };
            match v["event"].as_str() {
                Some(e) if e == event => return v,
                Some("error") => panic!("{}: {}", self.name, v["message"]),
                _ => {}
            }
        }
        panic!("{}: ended before {event:?}", self.name);
    }

    /// Tells the script to go on.
    pub fn go(&mut self) {
        self.send("go");
    }

    /// Writes one line (a command of `commands.mjs`, say) to the script.
    pub fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    }

    /// Waits for the script to exit successfully.
    pub fn finish(mut self) {
        drop(self.stdin.take());
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{} exited with {status}", self.name);
    }
}

impl Drop for NodeScript {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Serves `app` on a free loopback port from a thread of its own (a one-thread runtime, so
/// the test's own runtime, if any, is not involved); returns the address once it listens.
pub fn serve(app: axum::Router) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    rx.recv().unwrap()
}
