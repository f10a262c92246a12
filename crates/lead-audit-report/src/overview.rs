//! The overview of a batch: one row per lead (grade, points, top findings, contacts, link to
//! its report) as an `index.html` table, sortable and filterable in the browser, and as CSV.

use lead_audit_core::{AuditResult, Grade};
use serde::Serialize;

use crate::findings::{findings, Finding};
use crate::lang::Lang;
use crate::templates::{self, OVERVIEW};
use crate::view::{business_name, grade_class, web_href};
use crate::{LeadExtras, ReportError, ReportOptions};

/// How many findings a row names.
const TOP: usize = 3;

/// One lead's row.
#[derive(Debug, Clone, Serialize)]
pub struct OverviewEntry {
    /// The business's name.
    pub name: String,
    /// The site audited (final URL when known).
    pub site: String,
    /// HOT / WARM / COLD.
    pub grade: Grade,
    /// Points of the score.
    pub points: i32,
    /// Whether the site could be opened.
    pub reachable: bool,
    /// The heaviest three findings, by title (in the report's language).
    pub top_findings: Vec<String>,
    /// Emails, phones and social profiles found.
    pub contacts: usize,
    /// The report's file, relative to the overview.
    pub report: String,
}

impl OverviewEntry {
    /// The row of `result`, whose report is `report_file`.
    pub fn new(
        result: &AuditResult,
        extras: &LeadExtras,
        report_file: &str,
        opts: &ReportOptions,
    ) -> Self {
        let lang = opts.lang_for(result, extras.region.as_deref());
        let all = findings(result, lang, &opts.score);
        Self::from_parts(result, extras, report_file, &all)
    }

    pub(crate) fn from_parts(
        result: &AuditResult,
        extras: &LeadExtras,
        report_file: &str,
        findings: &[Finding],
    ) -> Self {
        Self {
            name: business_name(result, extras),
            site: result
                .final_url
                .clone()
                .unwrap_or_else(|| result.url.clone()),
            grade: result.score.grade,
            points: result.score.points,
            reachable: result.reachable,
            top_findings: findings.iter().take(TOP).map(|f| f.title.clone()).collect(),
            contacts: result.emails.len() + result.phones.len() + result.socials.len(),
            report: report_file.to_owned(),
        }
    }
}

#[derive(Serialize)]
struct Row<'a> {
    e: &'a OverviewEntry,
    grade_class: &'static str,
    grade_rank: u8,
    site_href: Option<String>,
}

#[derive(Serialize)]
struct OverviewView<'a> {
    lang: &'static str,
    t: &'static std::collections::BTreeMap<String, String>,
    count: String,
    rows: Vec<Row<'a>>,
}

/// The overview page of `entries`, in the chosen language (English when none is chosen).
pub fn render_overview(
    entries: &[OverviewEntry],
    opts: &ReportOptions,
) -> Result<String, ReportError> {
    let lang = opts.lang.unwrap_or(Lang::En);
    let s = lang.strings();
    let rows = entries
        .iter()
        .map(|e| Row {
            e,
            grade_class: grade_class(e.grade),
            grade_rank: match e.grade {
                Grade::Hot => 3,
                Grade::Warm => 2,
                Grade::Cold => 1,
            },
            site_href: web_href(&e.site),
        })
        .collect();
    let view = OverviewView {
        lang: lang.code(),
        t: &s.ui,
        count: s.ui("overview_leads", &[("n", &entries.len().to_string())]),
        rows,
    };
    templates::render(OVERVIEW, &view)
}

/// The overview as CSV: site, name, grade, points, reachable, top findings (`; `-joined),
/// contacts, report. Text cells that a spreadsheet would take for a formula are prefixed
/// with `'`.
pub fn overview_csv(entries: &[OverviewEntry]) -> Result<String, ReportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| ReportError::Csv(e.to_string());
    w.write_record([
        "site",
        "name",
        "grade",
        "points",
        "reachable",
        "top_findings",
        "contacts",
        "report",
    ])
    .map_err(err)?;
    for e in entries {
        w.write_record([
            inert(&e.site),
            inert(&e.name),
            e.grade.as_str().to_owned(),
            e.points.to_string(),
            e.reachable.to_string(),
            inert(&e.top_findings.join("; ")),
            e.contacts.to_string(),
            inert(&e.report),
        ])
        .map_err(err)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| ReportError::Csv(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ReportError::Csv(e.to_string()))
}

/// A cell a spreadsheet shows as text: one starting like a formula gets a leading `'`.
fn inert(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, findings: &[&str]) -> OverviewEntry {
        OverviewEntry {
            name: name.into(),
            site: "https://example.com/".into(),
            grade: Grade::Warm,
            points: 42,
            reachable: true,
            top_findings: findings.iter().map(|s| s.to_string()).collect(),
            contacts: 2,
            report: "001-example-com.html".into(),
        }
    }

    #[test]
    fn csv_quotes_separators_quotes_and_newlines_and_defuses_formulas() {
        let csv = overview_csv(&[
            entry("Müller, \"Bäckerei\"\nGmbH", &["a; b", "c"]),
            entry("=HYPERLINK(\"http://x\")", &["@SUM(A1)"]),
        ])
        .expect("csv");
        let mut r = csv::Reader::from_reader(csv.as_bytes());
        let rows: Vec<csv::StringRecord> = r.records().map(|r| r.expect("row")).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(&rows[0][1], "Müller, \"Bäckerei\"\nGmbH");
        assert_eq!(&rows[0][5], "a; b; c");
        assert_eq!(&rows[0][2], "WARM");
        assert_eq!(&rows[1][1], "'=HYPERLINK(\"http://x\")");
        assert_eq!(&rows[1][5], "'@SUM(A1)");
        assert!(csv.starts_with("site,name,grade,points,reachable,top_findings,contacts,report\n"));
    }
}
