//! A batch stored in SQLite, interrupted with SIGINT half-way, finishes the rest when run
//! again and audits every lead exactly once.

#![allow(clippy::unwrap_used)]

mod server;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use lead_audit_store::{LeadStore, Store, StoreOptions};
use serde_json::Value;
use server::{start, Reply};

const LEADS: usize = 50;

#[test]
fn an_interrupted_batch_resumes_without_auditing_twice() {
    let page = |i: usize| {
        format!("<html><body><h1>Shop {i}</h1><p>Write to shop{i}@example-shop.org any time, we answer fast.</p></body></html>")
    };
    let paths: Vec<String> = (0..LEADS).map(|i| format!("/site{i}/")).collect();
    let routes = paths
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_str(), Reply::Slow(Duration::from_millis(150), page(i))))
        .collect();
    let s = start(routes);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("leads.csv");
    let mut csv = String::from("id,website\n");
    for (i, p) in paths.iter().enumerate() {
        csv.push_str(&format!("lead-{i},{}\n", s.url(p)));
    }
    std::fs::write(&input, csv).unwrap();
    let db = format!("sqlite://{}", dir.path().join("leads.db").display());
    let args = |out: &str| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_lead-audit"));
        c.args([
            "audit",
            "--input",
            input.to_str().unwrap(),
            "--database",
            &db,
            "--format",
            "jsonl",
        ])
        .args([
            "--concurrency",
            "4",
            "--max-pages",
            "0",
            "--browser",
            "never",
        ])
        .args([
            "--allow-private-networks",
            "--no-domain-lookup",
            "--output",
            out,
        ]);
        c
    };

    // First run: stop it with SIGINT once some leads are done.
    let first_out = dir.path().join("first.jsonl");
    let mut child = args(first_out.to_str().unwrap())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    loop {
        std::thread::sleep(Duration::from_millis(50));
        let done = std::fs::read_to_string(&first_out)
            .map(|t| t.lines().count())
            .unwrap_or(0);
        if done >= 10 {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the batch ended before it could be interrupted"
        );
    }
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    let stderr: Vec<String> = BufReader::new(child.stderr.take().unwrap())
        .lines()
        .map(Result::unwrap)
        .collect();
    assert_eq!(status.code(), Some(130), "{stderr:?}");
    let first: Vec<Value> = read_jsonl(&first_out);
    assert!(
        first.len() >= 10 && first.len() < LEADS,
        "interrupted after {} leads",
        first.len()
    );

    // Second run: the rest is audited, the finished ones are skipped as fresh.
    let hits_before = s.total_hits();
    let second_out = dir.path().join("second.jsonl");
    let out = args(second_out.to_str().unwrap()).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let second = read_jsonl(&second_out);
    assert_eq!(second.len(), LEADS);
    let skipped = second
        .iter()
        .filter(|r| {
            r["skipped"]
                .as_str()
                .is_some_and(|s| s.starts_with("fresh"))
        })
        .count();
    assert_eq!(
        skipped,
        first.len(),
        "every lead finished in the first run is skipped"
    );
    assert!(
        s.total_hits() > hits_before,
        "the second run audited the rest"
    );
    for r in &first {
        let path = r["url"].as_str().unwrap().trim_start_matches(&s.url(""));
        assert_eq!(s.hits(path), 1, "{path} fetched once over both runs");
    }

    // Every lead has exactly one history row.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = Store::connect(&db, StoreOptions::default()).await.unwrap();
        for i in 0..LEADS {
            let history = store.history(&format!("lead-{i}")).await.unwrap();
            assert_eq!(history.len(), 1, "lead-{i}");
        }
    });
}

fn read_jsonl(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}
