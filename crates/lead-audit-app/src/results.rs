//! Audit results read back, for reports: a file of `AuditResult`s (JSON lines as
//! `lead-audit audit --format jsonl` writes them, or one result or an array of them as
//! `--format json` does), and the newest stored audit of each lead.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use lead_audit_core::AuditResult;
use serde_json::Value;

use crate::input::{InputError, RowError};

/// The results of a file, in order.
pub type Results = Box<dyn Iterator<Item = Result<AuditResult, RowError>> + Send>;

/// Opens a file of results: any sequence of JSON values, each a result or an array of
/// results, read one value at a time. A value that is not a result is an error for that
/// value alone; broken JSON ends the file with an error naming the line.
pub fn open_results(path: &Path) -> Result<Results, InputError> {
    let file = File::open(path).map_err(|source| InputError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let values = serde_json::Deserializer::from_reader(BufReader::new(file)).into_iter::<Value>();
    let mut n = 0usize;
    let mut broken = false;
    Ok(Box::new(
        values
            .take_while(move |v| {
                let go = !broken;
                broken |= v.is_err();
                go
            })
            .flat_map(move |value| -> Vec<Result<AuditResult, RowError>> {
                match value {
                    Err(e) => vec![Err(RowError {
                        location: format!("line {}", e.line()),
                        message: format!("not JSON: {e}"),
                    })],
                    Ok(Value::Array(items)) => {
                        items.into_iter().map(|v| result(&mut n, v)).collect()
                    }
                    Ok(v) => vec![result(&mut n, v)],
                }
            }),
    ))
}

/// The `n`-th result of the file.
fn result(n: &mut usize, value: Value) -> Result<AuditResult, RowError> {
    *n += 1;
    serde_json::from_value(value).map_err(|e| RowError {
        location: format!("result {n}"),
        message: format!("not an audit result: {e}"),
    })
}

#[cfg(feature = "store")]
pub use stored::stored_results;

#[cfg(feature = "store")]
mod stored {
    use lead_audit_store::LatestAudit;

    use crate::display::redact_url;
    use crate::record::open_store;

    /// The newest audit of each lead stored at `url`, most recent first, at most `limit`.
    pub async fn stored_results(url: &str, limit: u32) -> Result<Vec<LatestAudit>, String> {
        let store = open_store(url).await?;
        let rows = store
            .latest_audits(limit)
            .await
            .map_err(|e| format!("reading audits from {}: {e}", redact_url(url)));
        store.close().await;
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result_json(url: &str) -> Value {
        serde_json::json!({
            "url": url, "leadId": null, "finalUrl": url, "reachable": true, "httpStatus": 200,
            "error": null, "renderedWithBrowser": false, "pages": [], "emails": [], "phones": [],
            "socials": {}, "technologies": [], "audit": {"outdatedLibraries": [],
            "eolSoftware": [], "issues": []}, "domain": null, "score": {"grade": "COLD",
            "points": 0, "opportunity": 0, "reachability": 0, "reasons": []}, "skipped": null,
            "auditedAt": "2026-12-04T10:00:00Z", "durationMs": 1
        })
    }

    fn read(text: &str) -> Vec<Result<String, String>> {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("results.jsonl");
        std::fs::write(&path, text).expect("write");
        open_results(&path)
            .expect("opens")
            .map(|r| r.map(|r| r.url).map_err(|e| e.to_string()))
            .collect()
    }

    #[test]
    fn lines_arrays_and_pretty_documents_all_read() {
        let a = result_json("https://a.example");
        let b = result_json("https://b.example");
        let lines = format!("{a}\n\n{b}\n");
        assert_eq!(
            read(&lines),
            [
                Ok("https://a.example".into()),
                Ok("https://b.example".into())
            ]
        );
        let array = serde_json::to_string_pretty(&serde_json::json!([a, b])).expect("json");
        assert_eq!(read(&array).len(), 2);
        let single = serde_json::to_string_pretty(&a).expect("json");
        assert_eq!(read(&single), [Ok("https://a.example".into())]);
    }

    #[test]
    fn a_bad_value_is_an_error_of_its_own_and_broken_json_ends_the_file() {
        let a = result_json("https://a.example");
        let got = read(&format!("{{\"url\": 3}}\n{a}\n{{broken\n{a}\n"));
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(got[0]
            .as_ref()
            .is_err_and(|e| e.starts_with("result 1: not an audit result")));
        assert_eq!(got[1], Ok("https://a.example".into()));
        assert!(got[2]
            .as_ref()
            .is_err_and(|e| e.starts_with("line 3: not JSON")));
        assert!(open_results(Path::new("/no/such/file.jsonl")).is_err());
    }
}
