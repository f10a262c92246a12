//! Writing results as JSON, JSONL or CSV.

use std::io::Write;

use anyhow::Result;
use lead_audit_core::AuditResult;

use crate::args::Format;

/// Writes results in the chosen format; JSONL and CSV rows go out as each lead finishes.
pub struct Sink {
    format: Format,
    out: Box<dyn Write + Send>,
    csv: Option<csv::Writer<Box<dyn Write + Send>>>,
    held: Vec<(usize, AuditResult)>,
    many: bool,
}

const CSV_HEADER: &[&str] = &[
    "url",
    "leadId",
    "finalUrl",
    "reachable",
    "httpStatus",
    "errorKind",
    "errorMessage",
    "grade",
    "points",
    "emails",
    "phones",
    "socials",
    "technologies",
    "issues",
    "domainRegisteredAt",
    "domainAgeDays",
    "renderedWithBrowser",
    "pages",
    "skipped",
    "durationMs",
    "auditedAt",
];

impl Sink {
    /// A sink; `single` writes JSON as one object instead of an array (one URL argument).
    pub fn new(format: Format, out: Box<dyn Write + Send>, single: bool) -> Result<Self> {
        let (out, csv): (Box<dyn Write + Send>, _) = match format {
            Format::Csv => {
                let mut w = csv::Writer::from_writer(out);
                w.write_record(CSV_HEADER)?;
                w.flush()?;
                (Box::new(std::io::sink()), Some(w))
            }
            _ => (out, None),
        };
        Ok(Self {
            format,
            out,
            csv,
            held: Vec::new(),
            many: !single,
        })
    }

    /// Takes the result of lead number `index`.
    pub fn push(&mut self, index: usize, result: AuditResult) -> Result<()> {
        match self.format {
            Format::Json => self.held.push((index, result)),
            Format::Jsonl => {
                serde_json::to_writer(&mut self.out, &result)?;
                self.out.write_all(b"\n")?;
                self.out.flush()?;
            }
            Format::Csv => {
                if let Some(w) = &mut self.csv {
                    w.write_record(csv_row(&result))?;
                    w.flush()?;
                }
            }
        }
        Ok(())
    }

    /// Writes what was held (JSON keeps input order) and flushes.
    pub fn finish(mut self) -> Result<()> {
        if self.format == Format::Json {
            self.held.sort_by_key(|(i, _)| *i);
            let results: Vec<&AuditResult> = self.held.iter().map(|(_, r)| r).collect();
            if self.many {
                serde_json::to_writer_pretty(&mut self.out, &results)?;
            } else if let Some(r) = results.first() {
                serde_json::to_writer_pretty(&mut self.out, r)?;
            }
            self.out.write_all(b"\n")?;
        }
        if let Some(mut w) = self.csv.take() {
            w.flush()?;
        }
        self.out.flush()?;
        Ok(())
    }
}

fn csv_row(r: &AuditResult) -> Vec<String> {
    let opt = |v: Option<String>| v.unwrap_or_default();
    vec![
        r.url.clone(),
        opt(r.lead_id.clone()),
        opt(r.final_url.clone()),
        r.reachable.to_string(),
        opt(r.http_status.map(|s| s.to_string())),
        opt(r.error.as_ref().map(|e| e.kind.to_string())),
        opt(r.error.as_ref().map(|e| e.message.clone())),
        r.score.grade.to_string(),
        r.score.points.to_string(),
        r.emails.join("; "),
        r.phones.join("; "),
        r.socials
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; "),
        r.technologies
            .iter()
            .map(|t| match &t.version {
                Some(v) => format!("{} {v}", t.name),
                None => t.name.clone(),
            })
            .collect::<Vec<_>>()
            .join("; "),
        r.audit
            .issues
            .iter()
            .map(|i| i.id.to_string())
            .collect::<Vec<_>>()
            .join("; "),
        opt(r
            .domain
            .as_ref()
            .and_then(|d| d.registered_at)
            .map(|d| d.to_rfc3339())),
        opt(r
            .domain
            .as_ref()
            .and_then(|d| d.age_days)
            .map(|d| d.to_string())),
        r.rendered_with_browser.to_string(),
        r.pages.len().to_string(),
        opt(r.skipped.clone()),
        r.duration_ms.to_string(),
        r.audited_at.to_rfc3339(),
    ]
}
