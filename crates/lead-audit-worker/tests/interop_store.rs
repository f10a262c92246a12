//! The worker with PostgreSQL behind it, fed by the real Node BullMQ: jobs that give only a
//! `leadId` load the lead from the database, write the lead's summary and one history row per
//! attempt, skip fresh leads without fetching, fail for good on an unknown lead, and fail and
//! retry (never complete with the result lost) while the database is down.

mod common;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::response::{Html, IntoResponse};
use common::postgres::{scratch_db, DbRelay};
use common::{queue_name, NodeScript, WorkerProc, REDIS_URL};
use lead_audit_core::Lead;
use lead_audit_store::{AuditRecord, LeadRecord, LeadStore, Store, StoreOptions};
use serde_json::{json, Value};
use tokio::sync::watch;

/// Leads audited normally; one more lead is kept for the outage.
const LEADS: usize = 5;

/// One fixture website: every request path it received, and a gate its home page waits on.
#[derive(Clone)]
struct Site {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
    gate: watch::Sender<bool>,
}

impl Site {
    fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().expect("not poisoned").clone()
    }

    fn home_hits(&self) -> usize {
        self.requests().iter().filter(|p| p.as_str() == "/").count()
    }

    /// Lets home page requests through (they wait while closed).
    fn open(&self, open: bool) {
        self.gate.send_replace(open);
    }
}

fn page(i: usize) -> String {
    format!(
        r#"<!doctype html><html lang="en"><head><title>Lead {i} Co</title></head>
<body><h1>Lead {i} Co</h1><p>Write to <a href="mailto:owner@lead{i}-fixture.com">owner@lead{i}-fixture.com</a>
or call <a href="tel:+14155550132">(415) 555-0132</a>.</p>
</body></html>"#
    )
}

async fn serve(State((i, site)): State<(usize, Site)>, req: Request) -> axum::response::Response {
    let path = req.uri().path().to_owned();
    site.requests
        .lock()
        .expect("not poisoned")
        .push(path.clone());
    if path != "/" {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    }
    let mut gate = site.gate.subscribe();
    let _ = gate.wait_for(|open| *open).await;
    Html(page(i)).into_response()
}

/// `n` fixture websites on 127.0.0.1, each on a port of its own (so the site checks'
/// `/robots.txt` and the like count for the right lead), served from one thread.
fn fixture_sites(n: usize) -> Vec<Site> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let mut sites = Vec::new();
            for i in 0..n {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                let site = Site {
                    addr: listener.local_addr().expect("addr"),
                    requests: Arc::default(),
                    gate: watch::Sender::new(true),
                };
                let app = axum::Router::new()
                    .fallback(serve)
                    .with_state((i, site.clone()));
                tokio::spawn(async move { axum::serve(listener, app).await });
                sites.push(site);
            }
            tx.send(sites).expect("send");
            std::future::pending::<()>().await;
        });
    });
    rx.recv().expect("fixture sites")
}

/// The returnvalue as JSON, whether Node parsed it or not.
fn json_of(v: &Value) -> Value {
    match v {
        Value::String(s) => serde_json::from_str(s).unwrap_or(Value::Null),
        other => other.clone(),
    }
}

/// Drives `commands.mjs`.
struct Queue(NodeScript);

impl Queue {
    fn add(&mut self, jobs: Value) -> Vec<String> {
        self.0.send(&json!({"op": "add", "jobs": jobs}).to_string());
        let added = self.0.expect("added");
        let ids = added["ids"].as_array().expect("ids");
        ids.iter()
            .map(|v| v.as_str().expect("id").to_owned())
            .collect()
    }

    /// The facts of each job once all have ended.
    fn wait(&mut self, ids: &[String]) -> Vec<Value> {
        self.0.send(&json!({"op": "wait", "ids": ids}).to_string());
        let finished = self.0.expect("finished");
        finished["jobs"].as_array().expect("jobs").clone()
    }

    fn attempted(&mut self, id: &str, n: u32) -> Value {
        self.0
            .send(&json!({"op": "attempted", "id": id, "n": n}).to_string());
        self.0.expect("attempted")["job"].clone()
    }

    fn end(mut self) {
        self.0.send(&json!({"op": "end"}).to_string());
        self.0.finish();
    }
}

fn lead_jobs(ids: &[String], extra: Value) -> Value {
    let jobs: Vec<Value> = ids
        .iter()
        .map(|id| {
            let mut data = json!({"leadId": id});
            if let (Some(d), Some(e)) = (data.as_object_mut(), extra.as_object()) {
                d.extend(e.clone());
            }
            json!({"data": data, "opts": {"attempts": 3, "backoff": {"type": "fixed", "delay": 200}}})
        })
        .collect();
    Value::Array(jobs)
}

struct Db {
    rt: tokio::runtime::Runtime,
    store: Store,
}

impl Db {
    fn record(&self, id: &str) -> LeadRecord {
        self.rt
            .block_on(self.store.load_record(id))
            .expect("load_record")
            .unwrap_or_else(|| panic!("lead {id} is stored"))
    }

    fn history(&self, id: &str) -> Vec<AuditRecord> {
        self.rt.block_on(self.store.history(id)).expect("history")
    }
}

/// The lead row holds the summary of `result`, the job's returnvalue.
fn assert_summary(rec: &LeadRecord, result: &Value) {
    let audited_at: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(result["auditedAt"].clone()).expect("auditedAt");
    assert_eq!(
        rec.last_audited_at.map(|t| t.timestamp_micros()),
        Some(audited_at.timestamp_micros()),
        "{rec:?}\n{result}"
    );
    assert_eq!(
        serde_json::to_value(rec.last_grade).expect("grade"),
        result["score"]["grade"],
        "{rec:?}"
    );
    assert_eq!(
        rec.last_points.map(i64::from),
        result["score"]["points"].as_i64()
    );
    assert_eq!(json!(rec.emails), result["emails"], "{rec:?}");
    assert_eq!(json!(rec.phones), result["phones"], "{rec:?}");
}

fn store_e2e(version: &str) {
    let test_db = scratch_db();
    let relay = DbRelay::in_front_of(test_db.url());
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let store = rt
        .block_on(Store::connect(test_db.url(), StoreOptions::default()))
        .expect("connect to the test database");
    rt.block_on(store.migrate()).expect("migrate");
    let db = Db { rt, store };

    // Lead LEADS is kept for the outage at the end.
    let sites = fixture_sites(LEADS + 1);
    let ids: Vec<String> = sites
        .iter()
        .enumerate()
        .map(|(i, site)| {
            let lead = Lead {
                lead_id: Some(format!("lead-{i}")),
                company_name: Some(format!("Lead {i} Co")),
                website: Some(site.url()),
                ..Lead::default()
            };
            db.rt
                .block_on(db.store.upsert_lead(&lead))
                .expect("upsert_lead")
        })
        .collect();
    assert_eq!(ids[0], "lead-0");

    let queue_name = queue_name("store");
    let worker = WorkerProc::start(
        &queue_name,
        &[
            ("DATABASE_URL", relay.url()),
            ("LEAD_AUDIT_ALLOW_PRIVATE_NETWORKS", "1"),
            ("WORKER_CONCURRENCY", "4"),
        ],
    );
    let mut queue = Queue(NodeScript::start(
        "commands.mjs",
        &[version, &queue_name],
        REDIS_URL,
    ));

    // Round 1: each lead audited once, plus a lead that does not exist.
    let first = &ids[..LEADS];
    let mut jobs = lead_jobs(first, json!({}));
    jobs.as_array_mut().expect("array").extend(
        lead_jobs(&["no-such-lead".to_owned()], json!({}))
            .as_array()
            .expect("array")
            .clone(),
    );
    let job_ids = queue.add(jobs);
    let facts = queue.wait(&job_ids);
    for (i, job) in facts[..LEADS].iter().enumerate() {
        assert_eq!(job["state"], "completed", "{job}\n{}", worker.log_text());
        let result = json_of(&job["returnvalue"]);
        assert_eq!(result["leadId"], ids[i], "{result}");
        assert_eq!(result["url"], sites[i].url(), "{result}");
        assert_eq!(result["reachable"], true, "{result}");
        assert_eq!(result["skipped"], Value::Null, "{result}");
        let email = format!("owner@lead{i}-fixture.com");
        assert!(
            result["emails"]
                .as_array()
                .is_some_and(|e| e.contains(&json!(email))),
            "{result}"
        );
        assert_eq!(result["phones"], json!(["+14155550132"]), "{result}");
        assert!(sites[i].home_hits() >= 1, "{:?}", sites[i].requests());

        let rec = db.record(&ids[i]);
        assert_summary(&rec, &result);
        assert_eq!(
            rec.lead.company_name.as_deref(),
            Some(format!("Lead {i} Co").as_str())
        );
        let history = db.history(&ids[i]);
        assert_eq!(history.len(), 1, "one row per job attempt: {history:?}");
        assert_eq!(history[0].job_id.as_deref(), Some(job_ids[i].as_str()));
        assert_eq!(history[0].attempt, Some(0));
        assert_eq!(
            serde_json::to_value(&history[0].result).expect("result"),
            result,
            "the history holds the returnvalue"
        );
    }
    let missing = &facts[LEADS];
    assert_eq!(missing["state"], "failed", "{missing}");
    assert_eq!(missing["attemptsMade"], 1, "not retried: {missing}");
    assert!(
        missing["failedReason"]
            .as_str()
            .is_some_and(|r| r.contains("no-such-lead") && r.contains("not in the database")),
        "{missing}"
    );
    let unknown = db.rt.block_on(db.store.load_record("no-such-lead"));
    assert!(matches!(unknown, Ok(None)), "{unknown:?}");
    assert_eq!(sites[LEADS].requests(), Vec::<String>::new());

    // Round 2, within the freshness window: the same leads again under new job ids are
    // skipped without a request; a forced job for lead 0 is audited again.
    let before: Vec<Vec<String>> = sites.iter().map(Site::requests).collect();
    let mut jobs = lead_jobs(first, json!({}));
    jobs.as_array_mut().expect("array").extend(
        lead_jobs(&ids[..1], json!({"force": true}))
            .as_array()
            .expect("array")
            .clone(),
    );
    let again = queue.add(jobs);
    assert!(again.iter().all(|id| !job_ids.contains(id)), "{again:?}");
    let facts = queue.wait(&again);
    for (i, job) in facts[..LEADS].iter().enumerate() {
        assert_eq!(job["state"], "completed", "{job}");
        let result = json_of(&job["returnvalue"]);
        assert!(
            result["skipped"]
                .as_str()
                .is_some_and(|s| s.starts_with("fresh")),
            "{result}"
        );
        assert_eq!(result["leadId"], ids[i], "{result}");
        if i > 0 {
            assert_eq!(sites[i].requests(), before[i], "lead {i} fetched again");
            assert_eq!(db.history(&ids[i]).len(), 1, "a skip is not recorded");
        }
    }
    let forced = &facts[LEADS];
    assert_eq!(forced["state"], "completed", "{forced}");
    let forced_result = json_of(&forced["returnvalue"]);
    assert_eq!(forced_result["skipped"], Value::Null, "{forced_result}");
    assert!(sites[0].home_hits() > before[0].iter().filter(|p| *p == "/").count());
    let history = db.history(&ids[0]);
    let recorded: Vec<(Option<&str>, Option<i32>)> = history
        .iter()
        .map(|h| (h.job_id.as_deref(), h.attempt))
        .collect();
    assert_eq!(
        recorded,
        vec![
            (Some(job_ids[0].as_str()), Some(0)),
            (Some(again[LEADS].as_str()), Some(0))
        ]
    );
    assert_summary(&db.record(&ids[0]), &forced_result);

    // The database goes down while lead LEADS is being fetched: its audit cannot be stored,
    // so the attempt fails and BullMQ retries it; once the database is back, a later attempt
    // completes and is the one recorded.
    let held = &sites[LEADS];
    held.open(false);
    let outage = queue.add(json!([{
        "data": {"leadId": ids[LEADS]},
        "opts": {"attempts": 20, "backoff": {"type": "fixed", "delay": 500}},
    }]));
    let end = Instant::now() + Duration::from_secs(20);
    while held.home_hits() == 0 {
        assert!(
            Instant::now() < end,
            "lead {LEADS} never fetched:\n{}",
            worker.log_text()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    relay.cut();
    held.open(true);
    let failed = queue.attempted(&outage[0], 1);
    assert!(
        ["delayed", "waiting", "active"].contains(&failed["state"].as_str().unwrap_or("")),
        "retried, not finished: {failed}"
    );
    // Between attempts the job shows why the last one failed, as with Node's worker.
    assert!(
        failed["failedReason"]
            .as_str()
            .is_some_and(|r| r.contains("database unavailable")),
        "{failed}\n{}",
        worker.log_text()
    );
    assert!(db.history(&ids[LEADS]).is_empty());
    relay.restore();
    let facts = queue.wait(&outage);
    let job = &facts[0];
    assert_eq!(job["state"], "completed", "{job}\n{}", worker.log_text());
    let result = json_of(&job["returnvalue"]);
    assert_eq!(result["skipped"], Value::Null, "{result}");
    assert!(
        held.home_hits() >= 2,
        "audited again: {:?}",
        held.requests()
    );
    let history = db.history(&ids[LEADS]);
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!(history[0].job_id.as_deref(), Some(outage[0].as_str()));
    assert!(history[0].attempt.is_some_and(|a| a >= 1), "{history:?}");
    assert_eq!(
        serde_json::to_value(&history[0].result).expect("result"),
        result
    );
    assert_summary(&db.record(&ids[LEADS]), &result);

    queue.end();
    drop(worker);
    db.rt.block_on(db.store.close());
}

/// A database that cannot be reached at start stops the worker with exit code 1 and says
/// why, rather than running jobs it cannot load or record.
#[test]
fn an_unreachable_database_stops_the_start() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port");
    let url = format!("postgres://postgres@{closed}/lead_audit_worker_absent");
    let mut worker = WorkerProc::spawn(&queue_name("store-down"), &[("DATABASE_URL", &url)]);
    // The pool keeps trying a refused connection for its acquire timeout (10 s).
    let code = worker.wait_exit(Duration::from_secs(30));
    let log = worker.log_text();
    assert_eq!(code, Some(1), "{log}");
    assert!(
        log.contains("DATABASE_URL: connecting to") && log.contains("unavailable"),
        "{log}"
    );
    assert!(!log.contains("lead-audit-worker ready"), "{log}");
}

#[test]
fn store_bullmq5() {
    store_e2e("bullmq5");
}

#[test]
fn store_bullmq6() {
    store_e2e("bullmq6");
}
