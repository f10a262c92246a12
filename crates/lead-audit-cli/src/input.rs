//! Reading leads from arguments, CSV or JSONL.

use std::path::Path;

use anyhow::{bail, Context, Result};
use lead_audit_core::Lead;

/// All leads: URL arguments first, then the file's.
pub fn read_leads(urls: &[String], input: Option<&Path>) -> Result<Vec<Lead>> {
    let mut leads: Vec<Lead> = urls.iter().map(Lead::from_url).collect();
    if let Some(path) = input {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        match ext.as_str() {
            "csv" => leads
                .extend(from_csv(&text).with_context(|| format!("parsing {}", path.display()))?),
            "jsonl" | "ndjson" | "json" => leads
                .extend(from_jsonl(&text).with_context(|| format!("parsing {}", path.display()))?),
            _ => bail!(
                "{}: the input must be a .csv or .jsonl file",
                path.display()
            ),
        }
    }
    if leads.is_empty() {
        bail!("nothing to audit: give URLs or --input FILE");
    }
    Ok(leads)
}

fn from_jsonl(text: &str) -> Result<Vec<Lead>> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, line)| {
            let value: serde_json::Value =
                serde_json::from_str(line).with_context(|| format!("line {}", i + 1))?;
            match value {
                serde_json::Value::String(url) => Ok(Lead::from_url(url)),
                v => serde_json::from_value(v)
                    .with_context(|| format!("line {}: not a lead object", i + 1)),
            }
        })
        .collect()
}

fn from_csv(text: &str) -> Result<Vec<Lead>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()?
        .iter()
        .map(|h| h.to_ascii_lowercase().replace([' ', '-'], "_"))
        .collect();
    let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let website = col(&["website", "url", "domain", "site", "homepage"]);
    let Some(website) = website else {
        bail!("the CSV needs a website (or url / domain) column; its columns are {headers:?}");
    };
    let (name, email, phone, id, country) = (
        col(&["company_name", "company", "name", "business_name"]),
        col(&["email", "e_mail"]),
        col(&["phone", "telephone", "phone_number"]),
        col(&["id", "lead_id", "leadid"]),
        col(&["country", "country_code", "region"]),
    );
    let mut leads = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let row = row.with_context(|| format!("row {}", i + 2))?;
        let get = |c: Option<usize>| {
            c.and_then(|c| row.get(c))
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        leads.push(Lead {
            lead_id: get(id),
            website: get(Some(website)),
            company_name: get(name),
            email: get(email),
            phone: get(phone),
            country: get(country),
            force: false,
        });
    }
    Ok(leads)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_aliases() {
        let leads =
            from_csv("Company Name,URL,Phone,id\nAcme,acme.com,+1 415 555 0132,7\nNoSite,,,8\n")
                .unwrap();
        assert_eq!(leads.len(), 2);
        assert_eq!(leads[0].website.as_deref(), Some("acme.com"));
        assert_eq!(leads[0].lead_id.as_deref(), Some("7"));
        assert_eq!(leads[1].website, None);
    }

    #[test]
    fn csv_without_website_column_is_an_error() {
        assert!(from_csv("name,phone\na,b\n").is_err());
    }

    #[test]
    fn jsonl_objects_and_strings() {
        let leads = from_jsonl("{\"leadId\":\"1\",\"website\":\"a.com\"}\n\n\"b.com\"\n").unwrap();
        assert_eq!(leads[0].lead_id.as_deref(), Some("1"));
        assert_eq!(leads[1].website.as_deref(), Some("b.com"));
        assert!(from_jsonl("{nope").is_err());
    }
}
