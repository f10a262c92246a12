//! `lead-audit enqueue` adds BullMQ jobs to the machine's Redis the way a Node backend does.

#![allow(clippy::unwrap_used)]

use std::process::Command;

use serde_json::Value;

fn redis(args: &[&str]) -> String {
    let out = Command::new("redis-cli")
        .args(["-h", "127.0.0.1"])
        .args(args)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn enqueued_leads_wait_as_bullmq_jobs() {
    let queue = format!("enqueue-test-{}", std::process::id());
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("leads.jsonl");
    std::fs::write(
        &input,
        "{\"leadId\":\"42\",\"website\":\"acme.com\",\"companyName\":\"Acme\"}\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_lead-audit"))
        .args([
            "enqueue",
            "bakery.example.de",
            "--input",
            input.to_str().unwrap(),
            "--queue",
            &queue,
        ])
        .args(["--redis-url", "redis://127.0.0.1:6379", "--attempts", "4"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ids: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(ids.len(), 2);
    assert_eq!(redis(&["LLEN", &format!("bull:{queue}:wait")]), "2");
    let data: Value = serde_json::from_str(&redis(&[
        "HGET",
        &format!("bull:{queue}:{}", ids[1]),
        "data",
    ]))
    .unwrap();
    assert_eq!(
        data,
        serde_json::json!({"leadId": "42", "website": "acme.com", "companyName": "Acme"})
    );
    assert_eq!(
        redis(&["HGET", &format!("bull:{queue}:{}", ids[0]), "name"]),
        "audit"
    );
    let opts: Value = serde_json::from_str(&redis(&[
        "HGET",
        &format!("bull:{queue}:{}", ids[0]),
        "opts",
    ]))
    .unwrap();
    assert_eq!(opts["attempts"], 4);
    let keys = redis(&["--scan", "--pattern", &format!("bull:{queue}:*")]);
    for key in keys.lines() {
        redis(&["DEL", key]);
    }
}
