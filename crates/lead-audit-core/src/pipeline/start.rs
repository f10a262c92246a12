//! The lead before any fetch: its website parsed into the URL to audit, or the result that
//! ends the audit early (skipped, no website, invalid URL).

use chrono::Utc;
use url::Url;

use crate::fetch::{url_too_long, FetchError};
use crate::redact::{preview, strip_credentials, without_credentials};
use crate::result::{AuditError, AuditReport, Score};
use crate::{AuditResult, ErrorKind, Lead};

/// An empty result for `lead` at `url`, kept without the credentials `url` may carry.
pub fn base_result(lead: &Lead, url: String) -> AuditResult {
    AuditResult {
        url: without_credentials(&url),
        lead_id: lead.lead_id.clone(),
        final_url: None,
        reachable: false,
        http_status: None,
        error: None,
        rendered_with_browser: false,
        pages: Vec::new(),
        emails: Vec::new(),
        phones: Vec::new(),
        faxes: Vec::new(),
        socials: Default::default(),
        contacts: Vec::new(),
        technologies: Vec::new(),
        audit: AuditReport::default(),
        domain: None,
        score: Score::default(),
        skipped: None,
        audited_at: Utc::now(),
        duration_ms: 0,
    }
}

/// A result for a lead that was not audited, with the reason.
pub fn skipped_result(lead: &Lead, reason: String) -> AuditResult {
    let mut res = base_result(
        lead,
        lead.website().map(normalize_display).unwrap_or_default(),
    );
    res.score.reasons.push(format!("not audited: {reason}"));
    res.skipped = Some(reason);
    res
}

pub(super) fn err(kind: ErrorKind, message: impl Into<String>) -> AuditError {
    AuditError {
        kind,
        message: message.into(),
    }
}

/// Adds `http://` when the scheme is missing (the redirect to https is then observed).
pub(super) fn normalize_display(raw: &str) -> String {
    let raw = raw.trim();
    if raw.contains("://") {
        raw.to_owned()
    } else {
        format!("http://{}", raw.trim_start_matches('/'))
    }
}

/// Parses a lead's website into a fetchable URL, without the credentials it may carry
/// (`http://user:pass@shop.test/` is audited as `http://shop.test/`: the public site is what
/// a lead is judged by, and the password is neither sent nor repeated). A URL longer than
/// [`MAX_URL_BYTES`](crate::fetch::MAX_URL_BYTES) once its credentials are gone is refused
/// before any request. The error quotes at most a short preview of the website, never its
/// credentials.
pub fn parse_website(raw: &str) -> Result<Url, String> {
    let quoted = || format!("{:?}", preview(&without_credentials(raw.trim())));
    let text = normalize_display(raw);
    if let Some(message) = url_too_long(&without_credentials(&text)) {
        return Err(message);
    }
    let mut url = Url::parse(&text).map_err(|e| format!("{} is not a URL: {e}", quoted()))?;
    strip_credentials(&mut url);
    if let Some(message) = url_too_long(url.as_str()) {
        return Err(message);
    }
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "{}: only http and https websites can be audited",
            quoted()
        ));
    }
    match url.host_str() {
        Some(h) if !h.is_empty() && !h.contains(' ') => Ok(url),
        _ => Err(format!("{} has no host name", quoted())),
    }
}

impl From<FetchError> for AuditError {
    fn from(e: FetchError) -> Self {
        err(e.kind, e.message)
    }
}
