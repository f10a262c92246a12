//! Redis over TLS (`rediss://`): a `redis-server --tls-port` on loopback with a certificate
//! from a CA the test makes with `openssl`. The worker and `enqueue` verify the server against
//! REDIS_TLS_CA, on one node and on a three-master cluster whose bus is TLS too;
//! REDIS_TLS_INSECURE accepts it unverified; without either the worker refuses the unknown
//! certificate and exits at once instead of talking to an unverified server.

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

/// A CA and a server certificate for 127.0.0.1 signed by it, made with `openssl` in a
/// directory of their own (removed when dropped).
struct Certs {
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

impl Certs {
    fn make() -> Self {
        let dir =
            std::env::temp_dir().join(format!("lead-audit-tls-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
        let run = |line: String| {
            let args: Vec<&str> = line.split(' ').collect();
            openssl(&dir, &args);
        };
        run(format!(
            "req -x509 {key} -keyout ca.key -out ca.pem -days 2 -subj /CN=lead-audit-test-CA"
        ));
        run(format!(
            "req {key} -keyout server.key -out server.csr -subj /CN=127.0.0.1"
        ));
        std::fs::write(
            dir.join("san.cnf"),
            "subjectAltName=IP:127.0.0.1,DNS:localhost\n",
        )
        .expect("write san.cnf");
        run("x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile san.cnf".to_owned());
        Self { dir }
    }

    fn ca(&self) -> String {
        self.dir.join("ca.pem").display().to_string()
    }
}

impl Drop for Certs {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A loopback port that is free, and whose cluster bus port (+10000) is free too.
fn free_port() -> u16 {
    loop {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        if port < 55_000 && TcpListener::bind(("127.0.0.1", port + 10_000)).is_ok() {
            return port;
        }
    }
}

/// A TLS-only redis-server on a loopback port; stopped when dropped.
struct TlsRedis {
    child: Child,
    port: u16,
}

impl TlsRedis {
    fn start(certs: &Certs, extra: &[&str]) -> Self {
        let port = free_port();
        let mut child = Command::new("redis-server")
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
            .args(extra)
            .current_dir(&certs.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server runs");
        let end = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            // A server that lost its port to another process exits: say so, not later.
            let exited = child.try_wait().ok().flatten();
            assert!(
                exited.is_none(),
                "redis-server on {port} exited: {exited:?}"
            );
            assert!(Instant::now() < end, "the TLS Redis did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, port }
    }

    fn url(&self) -> String {
        format!("rediss://127.0.0.1:{}", self.port)
    }
}

impl Drop for TlsRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Three TLS-only cluster masters (cluster bus over TLS too), joined by `redis-cli`.
fn tls_cluster(certs: &Certs) -> Vec<TlsRedis> {
    let nodes: Vec<TlsRedis> = (0..3)
        .map(|i| {
            let conf = format!("nodes-{i}-{}.conf", uuid::Uuid::new_v4().simple());
            TlsRedis::start(
                certs,
                &[
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    &conf,
                    "--tls-cluster",
                    "yes",
                    "--tls-replication",
                    "yes",
                ],
            )
        })
        .collect();
    let cli = |args: &[String]| {
        Command::new("redis-cli")
            .args(["--tls", "--cacert", "ca.pem"])
            .args(args)
            .current_dir(&certs.dir)
            .output()
            .expect("redis-cli runs")
    };
    let mut create: Vec<String> = vec!["--cluster".into(), "create".into()];
    create.extend(nodes.iter().map(|n| format!("127.0.0.1:{}", n.port)));
    create.extend([
        "--cluster-replicas".into(),
        "0".into(),
        "--cluster-yes".into(),
    ]);
    let out = cli(&create);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let end = Instant::now() + Duration::from_secs(20);
    for n in &nodes {
        loop {
            let info = cli(&[
                "-p".into(),
                n.port.to_string(),
                "cluster".into(),
                "info".into(),
            ]);
            if String::from_utf8_lossy(&info.stdout).contains("cluster_state:ok") {
                break;
            }
            assert!(
                Instant::now() < end,
                "the TLS cluster did not become healthy"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    nodes
}

/// Adds one lead with `settings` and waits until `worker` completes it.
async fn one_job_completes(settings: &QueueSettings, queue: &str, worker: &WorkerProc) {
    let ids = enqueue(
        settings,
        [LeadInput::from_url("tls.example")],
        &EnqueueOptions::default(),
    )
    .await
    .expect("enqueue over TLS");
    let q = Queue::with_options(
        queue,
        bullmq::options::QueueOptions::new()
            .connection(settings.redis().expect("options"))
            .prefix(settings.bullmq_prefix.clone()),
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

/// The settings `enqueue` uses for `url`, verified against the test CA.
fn verified(url: &str, queue: &str, certs: &Certs) -> QueueSettings {
    let mut s = QueueSettings::at(url, queue);
    s.redis_tls_ca = Some(PathBuf::from(certs.ca()));
    s
}

#[tokio::test(flavor = "multi_thread")]
async fn worker_and_enqueue_verify_a_private_ca() {
    let certs = Certs::make();
    let redis = TlsRedis::start(&certs, &[]);
    let queue = queue_name("tls-ca");
    let (url, ca) = (redis.url(), certs.ca());
    let worker = WorkerProc::start(
        &queue,
        &[
            ("REDIS_URL", url.as_str()),
            ("REDIS_TLS_CA", ca.as_str()),
            ("LEAD_AUDIT_WORKER_TEST_PROCESSOR", "noop"),
        ],
    );
    one_job_completes(&verified(&url, &queue, &certs), &queue, &worker).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn insecure_switch_accepts_an_unverified_server() {
    let certs = Certs::make();
    let redis = TlsRedis::start(&certs, &[]);
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
    let mut insecure = QueueSettings::at(&url, &queue);
    insecure.redis_tls_insecure = true;
    one_job_completes(&insecure, &queue, &worker).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cluster_over_tls() {
    let certs = Certs::make();
    let nodes = tls_cluster(&certs);
    let urls: Vec<String> = nodes.iter().map(TlsRedis::url).collect();
    let seeds = urls.join(",");
    let queue = queue_name("tls-cluster");
    let ca = certs.ca();
    let worker = WorkerProc::start(
        &queue,
        &[
            ("REDIS_CLUSTER_NODES", seeds.as_str()),
            ("BULLMQ_PREFIX", "{bull}"),
            ("REDIS_TLS_CA", ca.as_str()),
            ("LEAD_AUDIT_WORKER_TEST_PROCESSOR", "noop"),
        ],
    );
    let seed_refs: Vec<&str> = urls.iter().map(String::as_str).collect();
    let mut settings = QueueSettings::on_cluster(&seed_refs, &queue, "{bull}");
    settings.redis_tls_ca = Some(PathBuf::from(&ca));
    one_job_completes(&settings, &queue, &worker).await;
}

#[test]
fn an_unknown_certificate_is_refused() {
    let certs = Certs::make();
    let redis = TlsRedis::start(&certs, &[]);
    let url = redis.url();
    let mut worker = WorkerProc::spawn(
        &queue_name("tls-unknown"),
        &[
            ("REDIS_URL", url.as_str()),
            ("LEAD_AUDIT_WORKER_TEST_PROCESSOR", "noop"),
        ],
    );
    assert_eq!(
        worker.wait_exit(Duration::from_secs(15)),
        Some(1),
        "{}",
        worker.log_text()
    );
    let log = worker.log_text();
    assert!(
        log.contains("connecting to Redis") && log.contains("certificate"),
        "{log}"
    );
    assert!(!log.contains("lead-audit-worker ready"), "{log}");
}
