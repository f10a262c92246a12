//! Contact extraction (§4.4): emails, phones, social profiles.

use std::collections::BTreeMap;

use scraper::Html;
use url::Url;

/// Contacts found on one page (or merged over a site).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contacts {
    /// Lowercased, deduplicated, best first.
    pub emails: Vec<String>,
    /// E.164, deduplicated.
    pub phones: Vec<String>,
    /// Platform → profile URL.
    pub socials: BTreeMap<String, String>,
}

/// What the extractor needs besides the document.
#[derive(Debug, Clone, Copy)]
pub struct ExtractOptions<'a> {
    /// The lead's own country (ISO alpha-2), strongest region hint.
    pub lead_region: Option<&'a str>,
    /// Fallback region when neither lead nor page says.
    pub default_region: &'a str,
}

/// Extracts every contact of one parsed page.
pub fn extract_contacts(doc: &Html, page_url: &Url, opts: &ExtractOptions<'_>) -> Contacts {
    let _ = (doc, page_url, opts);
    todo!("extract helper")
}

/// Parses an ISO 3166-1 alpha-2 code into a phone region.
pub fn parse_region(code: &str) -> Option<phonenumber::country::Id> {
    code.trim().to_ascii_uppercase().parse().ok()
}

/// Orders emails best first for a site on `site_domain` (own-domain first, role accounts
/// like info@ before personal ones, free-mail last) and deduplicates.
pub fn rank_emails(emails: &mut Vec<String>, site_domain: Option<&str>) {
    let _ = (emails, site_domain);
    todo!("extract helper")
}
