//! What a caller asks to audit.

use serde::Serialize;

/// A business lead. Every field is optional: a lead with neither website nor contact data is
/// skipped as unusable, a website that cannot be parsed is an `invalid_url` result. Reading
/// leads in the shapes users send them is the front ends' job; this is what the pipeline takes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Lead {
    /// The lead's id in the caller's system.
    pub lead_id: Option<String>,
    /// The business website, with or without scheme.
    pub website: Option<String>,
    /// Company name.
    pub company_name: Option<String>,
    /// A known email.
    pub email: Option<String>,
    /// A known phone.
    pub phone: Option<String>,
    /// ISO 3166-1 alpha-2 country of the business, used as the phone region.
    pub country: Option<String>,
    /// Audit even when a fresh audit exists.
    pub force: bool,
}

impl Lead {
    /// A lead with only a website.
    pub fn from_url(url: impl Into<String>) -> Self {
        Self {
            website: Some(url.into()),
            ..Self::default()
        }
    }

    /// The website, trimmed, when non-empty.
    pub fn website(&self) -> Option<&str> {
        self.website
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// True when the lead carries an email or a phone of its own.
    pub fn has_contact_data(&self) -> bool {
        let present = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
        present(&self.email) || present(&self.phone)
    }
}
