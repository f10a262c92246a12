//! Lead files read row by row: a `.csv` with a header, or `.jsonl` with one lead object or URL
//! string per line. Memory does not grow with the file; a bad row is an error for that row
//! alone, the rows after it are still read.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde_json::Value;

use crate::lead::{normalize_key, LeadInput};

/// A line or row longer than this is refused rather than buffered (a JSONL file with no line
/// breaks would otherwise be read whole).
pub const MAX_ROW_BYTES: usize = 1024 * 1024;

/// Why a lead file cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file cannot be opened or read.
    #[error("reading {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Neither URLs nor a file.
    #[error("nothing to audit: give URLs or --input FILE")]
    Nothing,
    /// The extension is neither `.csv` nor `.jsonl`.
    #[error("{0}: the input must be a .csv or .jsonl file")]
    Format(String),
    /// The CSV header is unreadable or has no website column.
    #[error("{path}: {message}")]
    Header {
        /// The file.
        path: String,
        /// What is wrong with the header.
        message: String,
    },
}

/// One row that is not a lead, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {message}")]
pub struct RowError {
    /// `line 3` or `row 3`.
    pub location: String,
    /// What is wrong.
    pub message: String,
}

/// The leads of a file, in order.
pub type Rows = Box<dyn Iterator<Item = Result<LeadInput, RowError>> + Send>;

/// Opens a lead file by its extension (`.csv`; `.jsonl`, `.ndjson` or `.json` for JSON
/// lines).
pub fn open(path: &Path) -> Result<Rows, InputError> {
    let name = path.display().to_string();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let file = File::open(path).map_err(|source| InputError::Io {
        path: name.clone(),
        source,
    })?;
    match ext.as_str() {
        "csv" => csv_rows(file).map_err(|message| InputError::Header {
            path: name,
            message,
        }),
        "jsonl" | "ndjson" | "json" => Ok(jsonl_rows(BufReader::new(file))),
        _ => Err(InputError::Format(name)),
    }
}

/// The leads a command was given: its URL arguments first, then the file's rows.
pub fn sources(urls: &[String], file: Option<&Path>) -> Result<Rows, InputError> {
    let args: Vec<LeadInput> = urls.iter().map(LeadInput::from_url).collect();
    let rows = match file {
        Some(path) => open(path)?,
        None if args.is_empty() => return Err(InputError::Nothing),
        None => Box::new(std::iter::empty()),
    };
    Ok(Box::new(args.into_iter().map(Ok).chain(rows)))
}

/// JSON lines: each non-blank line a lead object or a URL string.
pub fn jsonl_rows(reader: impl BufRead + Send + 'static) -> Rows {
    Box::new(JsonLines {
        reader,
        line: 0,
        buf: Vec::new(),
    })
}

struct JsonLines<R> {
    reader: R,
    line: usize,
    buf: Vec<u8>,
}

impl<R: BufRead> Iterator for JsonLines<R> {
    type Item = Result<LeadInput, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.line += 1;
            self.buf.clear();
            let at = |message: String| RowError {
                location: format!("line {}", self.line),
                message,
            };
            let read = (&mut self.reader)
                .take(MAX_ROW_BYTES as u64 + 1)
                .read_until(b'\n', &mut self.buf);
            match read {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => return Some(Err(at(format!("unreadable: {e}")))),
            }
            if self.buf.len() > MAX_ROW_BYTES && !self.buf.ends_with(b"\n") {
                // Skip the rest of the overlong line, then report it.
                let mut rest = Vec::new();
                let _ = self.reader.read_until(b'\n', &mut rest);
                return Some(Err(at(format!("longer than {MAX_ROW_BYTES} bytes"))));
            }
            let text = String::from_utf8_lossy(&self.buf);
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            let parsed = serde_json::from_str::<Value>(text)
                .map_err(|e| format!("not JSON: {e}"))
                .and_then(|v| LeadInput::from_value(v).map_err(|e| e.to_string()));
            return Some(parsed.map_err(at));
        }
    }
}

/// Keys whose column makes a CSV a lead file.
const CONTACT_COLUMNS: &[&str] = &[
    "website",
    "url",
    "domain",
    "site",
    "homepage",
    "websiteurl",
    "email",
    "phone",
];

/// CSV with a header row; each row's cells are the lead's fields by column name.
pub fn csv_rows(reader: impl Read + Send + 'static) -> Result<Rows, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(reader);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| format!("unreadable CSV header: {e}"))?
        .iter()
        .map(str::to_owned)
        .collect();
    if !headers
        .iter()
        .any(|h| CONTACT_COLUMNS.contains(&normalize_key(h).as_str()))
    {
        return Err(format!(
            "the CSV needs a website (or url / domain) column; its columns are {headers:?}"
        ));
    }
    let rows = reader.into_records().enumerate().map(move |(i, row)| {
        let at = |message: String| RowError {
            location: format!("row {}", i + 2),
            message,
        };
        let row = row.map_err(|e| at(e.to_string()))?;
        let fields = headers
            .iter()
            .zip(row.iter())
            .filter(|(_, cell)| !cell.is_empty())
            .map(|(h, cell)| (h.clone(), Value::String(cell.to_owned())));
        LeadInput::from_fields(fields).map_err(|e| at(e.to_string()))
    });
    Ok(Box::new(rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leads(rows: Rows) -> Vec<Result<LeadInput, RowError>> {
        rows.collect()
    }

    #[test]
    fn csv_with_aliases_and_numeric_ids() {
        let rows = csv_rows(
            "Company Name,URL,Phone,id\nAcme,acme.com,+1 415 555 0132,7\nNoSite,,,8\n".as_bytes(),
        )
        .expect("a lead file");
        let rows = leads(rows);
        assert_eq!(rows.len(), 2);
        let first = rows[0].as_ref().expect("a lead");
        assert_eq!(first.lead.website.as_deref(), Some("acme.com"));
        assert_eq!(first.lead.lead_id.as_deref(), Some("7"));
        let second = rows[1].as_ref().expect("a lead");
        assert_eq!(second.lead.website, None);
    }

    #[test]
    fn csv_without_a_contact_column_is_refused() {
        assert!(csv_rows("name,notes\na,b\n".as_bytes()).is_err());
    }

    #[test]
    fn csv_extra_columns_are_kept() {
        let rows = leads(csv_rows("website,campaign\na.com,q3\n".as_bytes()).expect("ok"));
        let lead = rows[0].as_ref().expect("a lead");
        assert_eq!(lead.extra["campaign"], "q3");
    }

    #[test]
    fn jsonl_objects_strings_and_bad_lines() {
        let text =
            "{\"leadId\":42,\"website\":\"a.com\"}\n\n\"b.com\"\n{nope\n{\"website\":1}\n\"c.com\"";
        let rows = leads(jsonl_rows(std::io::Cursor::new(text)));
        assert_eq!(rows.len(), 5);
        assert_eq!(
            rows[0].as_ref().expect("a lead").lead.lead_id.as_deref(),
            Some("42")
        );
        assert_eq!(
            rows[1].as_ref().expect("a lead").lead.website.as_deref(),
            Some("b.com")
        );
        let bad = rows[2].as_ref().expect_err("not JSON");
        assert_eq!(bad.location, "line 4");
        assert!(rows[3].is_err());
        assert_eq!(
            rows[4].as_ref().expect("a lead").lead.website.as_deref(),
            Some("c.com")
        );
    }

    #[test]
    fn an_overlong_line_is_one_error_and_reading_goes_on() {
        let mut text = "\"a.com\"\n\"".to_owned();
        text.push_str(&"x".repeat(MAX_ROW_BYTES + 10));
        text.push_str("\"\n\"b.com\"\n");
        let rows = leads(jsonl_rows(std::io::Cursor::new(text)));
        assert_eq!(rows.len(), 3);
        assert!(rows[1]
            .as_ref()
            .expect_err("too long")
            .message
            .contains("longer"));
        assert!(rows[2].is_ok());
    }

    #[test]
    fn invalid_utf8_is_not_a_panic() {
        let rows = leads(jsonl_rows(std::io::Cursor::new(
            b"\"a\xff.com\"\n".to_vec(),
        )));
        assert_eq!(rows.len(), 1);
    }
}
