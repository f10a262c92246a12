//! `REPORT_DIR`: the outreach report page of each audited lead, written beside the others
//! and named in the job's return value as `reportPath`.

use std::path::{Path, PathBuf};

use lead_audit_core::AuditResult;
use lead_audit_report::{render_lead_with, LeadExtras, ReportOptions};
use serde_json::Value;

/// Writes report pages into one directory.
#[derive(Debug, Clone)]
pub struct ReportDir {
    dir: PathBuf,
    options: ReportOptions,
}

impl ReportDir {
    /// Reports into `dir` (created when missing), ordered by the worker's score weights.
    pub fn create(dir: &Path, options: ReportOptions) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        Ok(Self {
            dir: dir.to_owned(),
            options,
        })
    }

    /// Renders and writes the report of `result` for job `job_id`, then names it in `value`
    /// (the job's return value). A report that cannot be written costs the job nothing: the
    /// result is still returned, and the failure logged.
    pub async fn write(&self, job_id: &str, result: &AuditResult, value: &mut Value) {
        let path = self.dir.join(file_name(job_id, result));
        let html = match render_lead_with(result, &LeadExtras::default(), &self.options) {
            Ok(html) => html,
            Err(e) => {
                tracing::warn!(job_id, error = %e, "report not rendered");
                return;
            }
        };
        // Written under a temporary name and renamed: a reader never sees half a page.
        let tmp = path.with_extension("html.tmp");
        let written = async {
            tokio::fs::write(&tmp, html).await?;
            tokio::fs::rename(&tmp, &path).await
        };
        match written.await {
            Ok(()) => {
                if let Value::Object(map) = value {
                    map.insert(
                        "reportPath".into(),
                        Value::String(path.display().to_string()),
                    );
                }
            }
            Err(e) => {
                let _ = tokio::fs::remove_file(&tmp).await;
                tracing::warn!(job_id, path = %path.display(), error = %e, "report not written");
            }
        }
    }
}

/// `job-<id>-<host>.html`: the job id keeps two leads on one site apart, and a retried job
/// replaces its own report. Only ASCII letters, digits and dashes.
fn file_name(job_id: &str, result: &AuditResult) -> String {
    let site = lead_audit_report::report_file_name(0, result);
    let site = site.trim_start_matches("001-");
    let id: String = job_id
        .chars()
        .take(64)
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("job-{id}-{site}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(url: &str) -> AuditResult {
        let lead = lead_audit_core::Lead {
            website: Some(url.into()),
            ..Default::default()
        };
        lead_audit_core::pipeline::base_result(&lead, url.into())
    }

    #[test]
    fn file_names_are_safe_and_keep_jobs_apart() {
        let r = result("https://www.bäckerei.de/a/../../etc");
        assert_eq!(file_name("42", &r), "job-42-www-xn-bckerei-5wa-de.html");
        assert_eq!(
            file_name("../../x", &r),
            "job-------x-www-xn-bckerei-5wa-de.html"
        );
        let long = "9".repeat(500);
        assert!(file_name(&long, &r).len() < 120);
    }

    #[tokio::test]
    async fn the_report_is_written_and_named_in_the_return_value() {
        let dir = tempfile::tempdir().unwrap();
        let reports = ReportDir::create(&dir.path().join("new"), ReportOptions::default()).unwrap();
        let r = result("https://harbour-bakery.com/");
        let mut value = serde_json::to_value(&r).unwrap();
        reports.write("7", &r, &mut value).await;
        let path = value["reportPath"].as_str().unwrap();
        let html = std::fs::read_to_string(path).unwrap();
        assert!(html.starts_with("<!doctype html>"));
        assert!(html.contains("harbour-bakery.com"));
        assert!(!Path::new(&format!("{path}.tmp")).exists());
    }
}
