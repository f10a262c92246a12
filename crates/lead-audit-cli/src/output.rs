//! Writing results as JSON, JSONL or CSV.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;
use lead_audit_core::AuditResult;

use crate::args::Format;

/// Writes results in the chosen format; JSONL and CSV rows go out as each lead finishes.
/// A JSON array goes out in input order: a result waits only until the ones before it are
/// written, so at most the leads that finished ahead of a slower one are held (bounded by the
/// concurrency and the lead timeout, not by the file).
pub struct Sink {
    format: Format,
    out: Box<dyn Write + Send>,
    csv: Option<csv::Writer<Box<dyn Write + Send>>>,
    /// JSON results that finished before an earlier lead, by input position.
    waiting: BTreeMap<usize, AuditResult>,
    /// The input position of the next JSON result to write.
    next: usize,
    /// JSON results written so far.
    written: usize,
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
    "faxes",
    "contacts",
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
            waiting: BTreeMap::new(),
            next: 0,
            written: 0,
            many: !single,
        })
    }

    /// Takes the result of lead number `index`.
    pub fn push(&mut self, index: usize, result: AuditResult) -> Result<()> {
        match self.format {
            Format::Json => {
                self.waiting.insert(index, result);
                self.write_ready_json(false)?;
            }
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

    /// Writes the JSON results whose predecessors are all out; with `all`, every one left
    /// (positions of cancelled leads are skipped).
    fn write_ready_json(&mut self, all: bool) -> Result<()> {
        loop {
            let ready = match self.waiting.first_key_value() {
                Some((&i, _)) => all || i == self.next,
                None => false,
            };
            if !ready {
                return Ok(());
            }
            let Some((i, result)) = self.waiting.pop_first() else {
                return Ok(());
            };
            self.next = i + 1;
            if self.many {
                self.out
                    .write_all(if self.written == 0 { b"[\n" } else { b",\n" })?;
            }
            serde_json::to_writer_pretty(&mut self.out, &result)?;
            self.written += 1;
        }
    }

    /// Marks input position `index` as producing no result (a cancelled lead), so the results
    /// after it need not wait for it.
    pub fn skip(&mut self, index: usize) -> Result<()> {
        if self.format == Format::Json && index == self.next {
            self.next += 1;
            self.write_ready_json(false)?;
        }
        Ok(())
    }

    /// Writes what is left and flushes.
    pub fn finish(mut self) -> Result<()> {
        if self.format == Format::Json {
            self.write_ready_json(true)?;
            if self.many {
                self.out
                    .write_all(if self.written == 0 { b"[]\n" } else { b"\n]\n" })?;
            } else {
                self.out.write_all(b"\n")?;
            }
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
        r.faxes.join("; "),
        // Each contact with its page, method and role flag: the JSON of `contacts`, so a
        // spreadsheet shows it and a program reads it back exactly.
        serde_json::to_string(&r.contacts).unwrap_or_default(),
    ]
}
