//! What the store reads and writes, and how a lead without an id gets one.

use chrono::{DateTime, Utc};
use lead_audit_core::{AuditResult, Grade, Lead, Technology};
use uuid::Uuid;

use crate::StoreError;

/// Which queue job and attempt produced an audit. A repeated `(lead, job, attempt)` is recorded
/// once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobRef<'a> {
    /// The BullMQ job id.
    pub id: &'a str,
    /// BullMQ's `attemptsMade` when the attempt started (0 for the first).
    pub attempt: i32,
}

/// What [`LeadStore::record_audit`](crate::LeadStore::record_audit) wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordOutcome {
    /// The id the lead is stored under.
    pub lead_id: String,
    /// False when this job attempt was already recorded (nothing was written), or the result
    /// was a skip.
    pub history_inserted: bool,
    /// False when the lead row already held a newer audit (or nothing was written).
    pub lead_updated: bool,
}

/// A lead row with its latest audit summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadRecord {
    /// The lead's contact data; `lead_id` is always set.
    pub lead: Lead,
    /// When the row was inserted.
    pub created_at: DateTime<Utc>,
    /// When the contact data or the audit summary last changed.
    pub updated_at: DateTime<Utc>,
    /// `auditedAt` of the newest recorded audit.
    pub last_audited_at: Option<DateTime<Utc>>,
    /// Grade of the newest recorded audit.
    pub last_grade: Option<Grade>,
    /// Points of the newest recorded audit.
    pub last_points: Option<i32>,
    /// Emails found by the newest audit.
    pub emails: Vec<String>,
    /// Phones found by the newest audit (E.164).
    pub phones: Vec<String>,
    /// Technologies detected by the newest audit.
    pub technologies: Vec<Technology>,
}

/// A lead's newest recorded audit with the lead's name and country (what a report needs).
#[derive(Debug, Clone)]
pub struct LatestAudit {
    /// The lead's id.
    pub lead_id: String,
    /// The lead's company name, when stored.
    pub company_name: Option<String>,
    /// The lead's country, when stored.
    pub country: Option<String>,
    /// The newest audit's full result.
    pub result: AuditResult,
}

/// One row of the append-only history.
#[derive(Debug, Clone)]
pub struct AuditRecord {
    /// Row id, increasing in insertion order.
    pub id: i64,
    /// The audited lead.
    pub lead_id: String,
    /// The queue job, when the audit ran in the worker.
    pub job_id: Option<String>,
    /// The job attempt, when the audit ran in the worker.
    pub attempt: Option<i32>,
    /// Grade of this audit.
    pub grade: Grade,
    /// Points of this audit.
    pub points: i32,
    /// `auditedAt` of this audit.
    pub audited_at: DateTime<Utc>,
    /// The full result as produced.
    pub result: AuditResult,
}

/// Name-based UUIDs for leads without an id live in their own namespace, so the same website
/// gets the same id on every machine and every run (what lets an interrupted batch resume).
const LEAD_NAMESPACE: Uuid = Uuid::from_u128(0x6c65_6164_2d61_7564_6974_2d73_746f_7265);

/// The id a lead is stored under: its own id, else a UUID derived from its normalised website
/// ([`website_key`], or the raw text when it does not parse), else its email, else its phone.
/// `None` for a lead with none of these.
pub fn lead_key(lead: &Lead) -> Option<String> {
    if let Some(id) = lead
        .lead_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        return Some(id.to_owned());
    }
    let name = if let Some(site) = lead.website() {
        // An unparseable website still names the lead, so its invalid_url result is kept too.
        let key = website_key(site).unwrap_or_else(|| site.to_lowercase());
        format!("website:{key}")
    } else if let Some(email) = non_empty(&lead.email) {
        format!("email:{}", email.to_lowercase())
    } else {
        let phone = non_empty(&lead.phone)?;
        let digits: String = phone
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
        format!("phone:{digits}")
    };
    Some(Uuid::new_v5(&LEAD_NAMESPACE, name.as_bytes()).to_string())
}

/// The website reduced to what identifies the site: lowercase host without `www.`, a
/// non-default port, and the path without trailing slash. Scheme, query and fragment are
/// dropped, so `HTTPS://www.Example.com/` and `example.com` give the same key.
pub fn website_key(website: &str) -> Option<String> {
    let trimmed = website.trim();
    if trimmed.is_empty() {
        return None;
    }
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("http://{trimmed}")
    };
    let url = url::Url::parse(&with_scheme).ok()?;
    let host = url.host_str()?.trim_end_matches('.');
    let host = host.strip_prefix("www.").unwrap_or(host);
    let mut key = host.to_ascii_lowercase();
    if let Some(port) = url.port() {
        key.push_str(&format!(":{port}"));
    }
    key.push_str(url.path().trim_end_matches('/'));
    Some(key)
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The grade as stored: [`Grade::as_str`], refused as corrupt when unknown.
pub(crate) fn parse_grade(s: &str) -> Result<Grade, StoreError> {
    s.parse()
        .map_err(|e: lead_audit_core::ParseGradeError| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn to_json<T: serde::Serialize + ?Sized>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn website_key_ignores_scheme_www_case_and_trailing_slash() {
        let key = website_key("example.com");
        assert_eq!(key.as_deref(), Some("example.com"));
        assert_eq!(website_key("HTTPS://www.Example.com/"), key);
        assert_eq!(website_key("http://example.com/?utm=1#top"), key);
        assert_eq!(
            website_key("example.com:8080/shop/").as_deref(),
            Some("example.com:8080/shop")
        );
        assert_eq!(website_key("  "), None);
    }

    #[test]
    fn derived_ids_are_stable_and_distinct() {
        let a = lead_key(&Lead::from_url("https://www.example.com/"));
        assert_eq!(a, lead_key(&Lead::from_url("example.com")));
        assert_ne!(a, lead_key(&Lead::from_url("example.org")));
        let id = a.unwrap_or_default();
        assert_eq!(Uuid::parse_str(&id).map(|u| u.get_version_num()), Ok(5));
    }

    #[test]
    fn own_id_wins_and_contactless_leads_have_none() {
        let lead = Lead {
            lead_id: Some(" 42 ".into()),
            ..Lead::from_url("example.com")
        };
        assert_eq!(lead_key(&lead).as_deref(), Some("42"));
        assert_eq!(lead_key(&Lead::default()), None);
        let by_phone = Lead {
            phone: Some("+1 415 555 0132".into()),
            ..Lead::default()
        };
        assert!(lead_key(&by_phone).is_some());
        let invalid = lead_key(&Lead::from_url("not a url"));
        assert!(invalid.is_some());
        assert_ne!(invalid, lead_key(&Lead::from_url("not a url either")));
    }
}
