//! Redis over TLS (`rediss://`): a `redis-server --tls-port` on loopback with a certificate
//! from a CA the test makes with `openssl`. The worker and `enqueue` verify the server against
//! REDIS_TLS_CA; REDIS_TLS_INSECURE accepts it unverified; without either the worker refuses
//! the unknown certificate and exits instead of talking to an unverified server.

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bullmq::types::JobState;
use bullmq::Queue;
use common::{queue_name, WorkerProc};
use lead_audit_app::LeadInput;
use lead_audit_queue::{enqueue, EnqueueOptions, QueueSettings};

/// A TLS-only Redis on a loopback port; stopped when dropped.
struct TlsRedis {
    child: Child,
    port: u16,
    dir: PathBuf,
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl TlsRedis {
    fn start() -> Self {
        let dir =
            std::env::temp_dir().join(format!("lead-audit-tls-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
        ];
        let mut ca = vec!["req", "-x509"];
        ca.extend(ec);
        ca.extend([
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=lead-audit test CA",
        ]);
        openssl(&dir, &ca);
        let mut csr = vec!["req"];
        csr.extend(ec);
        csr.extend([
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ]);
        openssl(&dir, &csr);
        std::fs::write(
            dir.join("san.cnf"),
            "subjectAltName=IP:127.0.0.1,DNS:localhost\n",
        )
        .expect("write san.cnf");
        openssl(
            &dir,
            &[
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "server.pem",
                "-days",
                "2",
                "-extfile",
                "san.cnf",
            ],
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new("redis-server")
            .args([
                "--port",
                "0",
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .args(["--tls-port", &port.to_string(), "--tls-auth-clients", "no"])
            .args([
                "--tls-cert-file",
                "server.pem",
                "--tls-key-file",
                "server.key",
            ])
            .args(["--tls-ca-cert-file", "ca.pem"])
            .current_dir(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server runs");
        let end = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < end, "the TLS Redis did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, port, dir }
    }

    fn url(&self) -> String {
        format!("rediss://127.0.0.1:{}", self.port)
    }

    fn ca(&self) -> String {
        self.dir.join("ca.pem").display().to_string()
    }

    fn settings(&self, queue: &str) -> QueueSettings {
        let mut s = QueueSettings::at(&self.url(), queue);
        s.redis_tls_ca = Some(self.dir.join("ca.pem"));
        s
    }
}

impl Drop for TlsRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Adds one lead over TLS, verified against the test CA, and waits until it completes.
async fn one_job_completes(redis: &TlsRedis, queue: &str, worker: &WorkerProc) {
    let settings = redis.settings(queue);
    let ids = enqueue(
        &settings,
        [LeadInput::from_url("tls.example")],
        &EnqueueOptions::default(),
    )
    .await
    .expect("enqueue over TLS");
    let q = Queue::with_options(
        queue,
        bullmq::options::QueueOptions::new().connection(settings.redis().expect("options")),
    )
    .await
    .expect("queue over TLS");
    let end = Instant::now() + Duration::from_secs(20);
    loop {
        let state = q.get_job_state(&ids[0]).await.expect("state");
        if state == JobState::Completed {
            break;
        }
        assert!(
            Instant::now() < end,
            "job is {state:?}:\n{}",
            worker.log_text()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let job = q.get_job(&ids[0]).await.expect("read").expect("job");
    assert!(
        job.returnvalue().contains(&worker.pid().to_string()),
        "{}",
        job.returnvalue()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn worker_and_enqueue_verify_a_private_ca() {
    let redis = TlsRedis::start();
    let queue = queue_name("tls-ca");
    let (url, ca) = (redis.url(), redis.ca());
    let worker = WorkerProc::start(
        &queue,
        &[
            ("REDIS_URL", url.as_str()),
            ("REDIS_TLS_CA", ca.as_str()),
            ("LEAD_AUDIT_WORKER_TEST_PROCESSOR", "noop"),
        ],
    );
    one_job_completes(&redis, &queue, &worker).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn insecure_switch_accepts_an_unverified_server() {
    let redis = TlsRedis::start();
    let queue = queue_name("tls-insecure");
    let url = redis.url();
    let worker = WorkerProc::start(
        &queue,
        &[
            ("REDIS_URL", url.as_str()),
            ("REDIS_TLS_INSECURE", "true"),
            ("LEAD_AUDIT_WORKER_TEST_PROCESSOR", "noop"),
        ],
    );
    one_job_completes(&redis, &queue, &worker).await;
}

#[test]
fn an_unknown_certificate_is_refused() {
    let redis = TlsRedis::start();
    let url = redis.url();
    let mut worker = WorkerProc::spawn(
        &queue_name("tls-unknown"),
        &[
            ("REDIS_URL", url.as_str()),
            ("LEAD_AUDIT_WORKER_TEST_PROCESSOR", "noop"),
        ],
    );
    assert_eq!(
        worker.wait_exit(Duration::from_secs(30)),
        Some(1),
        "{}",
        worker.log_text()
    );
    let log = worker.log_text();
    assert!(log.contains("connecting to Redis"), "{log}");
    assert!(!log.contains("lead-audit-worker ready"), "{log}");
}
