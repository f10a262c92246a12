//! The one reader of leads as users send them: job data, JSONL lines, CSV rows, addon
//! arguments.
//!
//! Node backends key leads by integer ids and spell fields in several ways (`leadId`, `id`,
//! `lead_id`, `Company Name`…). Every front end turns what it receives into a list of
//! `(key, value)` pairs and hands it to [`LeadInput::from_fields`], so all of them accept the
//! same shapes and refuse the same mistakes with the same message.

use lead_audit_core::redact::without_credentials;
use lead_audit_core::Lead;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// A lead as a front end received it: the fields the audit understands, and the rest kept
/// aside untouched (a job's own bookkeeping, a CSV's extra columns).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LeadInput {
    /// What the audit reads.
    pub lead: Lead,
    /// Fields that are not part of a lead, by their original key.
    pub extra: Map<String, Value>,
}

/// A lead field with a value of the wrong type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct LeadError(String);

impl LeadError {
    fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

/// The fields of a lead, each with the keys that name it, best first. Keys are compared
/// after [`normalize_key`], so `leadId`, `lead_id`, `Lead ID` and `LEADID` are one key.
const FIELDS: &[(Field, &[&str])] = &[
    (Field::Id, &["leadid", "id"]),
    (
        Field::Website,
        &["website", "url", "domain", "site", "homepage", "websiteurl"],
    ),
    (
        Field::Company,
        &["companyname", "company", "name", "businessname"],
    ),
    (Field::Email, &["email"]),
    (Field::Phone, &["phone", "telephone", "phonenumber", "tel"]),
    (Field::Country, &["country", "countrycode", "region"]),
    (Field::Force, &["force"]),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Id,
    Website,
    Company,
    Email,
    Phone,
    Country,
    Force,
}

/// A key in the form [`FIELDS`] lists: lower case, without `_`, `-`, `.` or spaces.
pub fn normalize_key(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' ' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The field `key` names, and its rank among that field's keys (0 is best).
fn field_of(key: &str) -> Option<(Field, usize)> {
    let key = normalize_key(key);
    FIELDS.iter().find_map(|(field, names)| {
        names
            .iter()
            .position(|n| *n == key)
            .map(|rank| (*field, rank))
    })
}

impl LeadInput {
    /// A lead with only a website.
    pub fn from_url(url: impl Into<String>) -> Self {
        Self {
            lead: Lead::from_url(url),
            extra: Map::new(),
        }
    }

    /// Reads a JSON value: a website URL string, or an object of lead fields.
    pub fn from_value(value: Value) -> Result<Self, LeadError> {
        match value {
            Value::String(url) => Ok(Self::from_url(without_credentials(&url))),
            Value::Object(map) => Self::from_fields(map),
            other => Err(LeadError::new(format!(
                "a lead must be a website URL string or an object such as \
                 {{\"website\": \"example.com\", \"leadId\": 42}}, got {}",
                type_name(&other)
            ))),
        }
    }

    /// Reads lead fields given as key / value pairs. `null` and empty strings count as
    /// absent; when several keys name one field, the best-ranked one present wins (`leadId`
    /// over `id`); keys that name no field go to [`LeadInput::extra`].
    pub fn from_fields(
        fields: impl IntoIterator<Item = (String, Value)>,
    ) -> Result<Self, LeadError> {
        let mut chosen: Vec<(Field, usize, String, Value)> = Vec::new();
        let mut extra = Map::new();
        for (key, value) in fields {
            let Some((field, rank)) = field_of(&key) else {
                extra.insert(key, value);
                continue;
            };
            if is_absent(&value) {
                continue;
            }
            match chosen.iter_mut().find(|(f, ..)| *f == field) {
                Some(slot) if slot.1 <= rank => {}
                Some(slot) => *slot = (field, rank, key, value),
                None => chosen.push((field, rank, key, value)),
            }
        }
        let mut lead = Lead::default();
        for (field, _, key, value) in chosen {
            match field {
                Field::Id => lead.lead_id = Some(id_text(&key, &value)?),
                // Credentials in a website are never kept: not audited, stored or echoed.
                Field::Website => {
                    lead.website = Some(without_credentials(&text(&key, value)?));
                }
                Field::Company => lead.company_name = Some(text(&key, value)?),
                Field::Email => lead.email = Some(text(&key, value)?),
                Field::Phone => lead.phone = Some(phone_text(&key, value)?),
                Field::Country => lead.country = Some(text(&key, value)?),
                Field::Force => lead.force = flag(&key, &value)?,
            }
        }
        Ok(Self { lead, extra })
    }
}

impl<'de> Deserialize<'de> for LeadInput {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Self::from_value(value).map_err(serde::de::Error::custom)
    }
}

impl From<LeadInput> for Lead {
    fn from(input: LeadInput) -> Self {
        input.lead
    }
}

fn is_absent(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn text(key: &str, value: Value) -> Result<String, LeadError> {
    match value {
        Value::String(s) => Ok(s.trim().to_owned()),
        other => Err(LeadError::new(format!(
            "lead field {key:?} must be a string, got {}",
            type_name(&other)
        ))),
    }
}

/// An integer as its digits; `None` for fractions, infinities and numbers past 2^53 that a
/// JSON producer cannot have meant exactly.
fn integer_text(n: &serde_json::Number) -> Option<String> {
    if let Some(i) = n.as_i64() {
        return Some(i.to_string());
    }
    if let Some(u) = n.as_u64() {
        return Some(u.to_string());
    }
    let f = n.as_f64()?;
    // 2^53: the largest range in which every integer is a distinct double.
    (f.is_finite() && f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0)
        .then(|| format!("{f:.0}"))
}

fn id_text(key: &str, value: &Value) -> Result<String, LeadError> {
    match value {
        Value::String(s) => Ok(s.trim().to_owned()),
        Value::Number(n) => integer_text(n).ok_or_else(|| {
            LeadError::new(format!(
                "lead field {key:?} must be a string or a whole number, got {n}"
            ))
        }),
        other => Err(LeadError::new(format!(
            "lead field {key:?} must be a string or a number, got {}",
            type_name(other)
        ))),
    }
}

fn phone_text(key: &str, value: Value) -> Result<String, LeadError> {
    match value {
        // Spreadsheets and some backends store phone numbers as numbers.
        Value::Number(n) => integer_text(&n).ok_or_else(|| {
            LeadError::new(format!(
                "lead field {key:?} must be a phone number, got {n}"
            ))
        }),
        other => text(key, other),
    }
}

fn flag(key: &str, value: &Value) -> Result<bool, LeadError> {
    let bad = || {
        LeadError::new(format!(
            "lead field {key:?} must be true or false, got {}",
            type_name(value)
        ))
    };
    match value {
        Value::Bool(b) => Ok(*b),
        Value::Number(n) => match n.as_u64() {
            Some(0) => Ok(false),
            Some(1) => Ok(true),
            _ => Err(bad()),
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Ok(true),
            "false" | "0" | "no" => Ok(false),
            _ => Err(bad()),
        },
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(v: Value) -> Result<Lead, LeadError> {
        LeadInput::from_value(v).map(|i| i.lead)
    }

    #[test]
    fn numeric_ids_become_strings() {
        let lead = read(json!({"leadId": 42, "website": "acme.com"})).expect("a lead");
        assert_eq!(lead.lead_id.as_deref(), Some("42"));
        assert_eq!(
            read(json!({"id": 9_007_199_254_740_993u64}))
                .expect("u64")
                .lead_id
                .as_deref(),
            Some("9007199254740993")
        );
        assert_eq!(
            read(json!({"id": 7.0})).expect("whole").lead_id.as_deref(),
            Some("7")
        );
        assert!(read(json!({"id": 7.5})).is_err());
        assert!(read(json!({"id": true})).is_err());
    }

    #[test]
    fn aliases_in_any_spelling() {
        let lead = read(json!({
            "lead_id": "a1", "URL": "acme.com", "Company Name": "Acme",
            "e-mail": "x@acme.com", "Phone Number": 4155550132u64, "country_code": "us",
            "force": "true",
        }))
        .expect("a lead");
        assert_eq!(lead.lead_id.as_deref(), Some("a1"));
        assert_eq!(lead.website.as_deref(), Some("acme.com"));
        assert_eq!(lead.company_name.as_deref(), Some("Acme"));
        assert_eq!(lead.email.as_deref(), Some("x@acme.com"));
        assert_eq!(lead.phone.as_deref(), Some("4155550132"));
        assert_eq!(lead.country.as_deref(), Some("us"));
        assert!(lead.force);
    }

    #[test]
    fn the_best_named_key_wins_whatever_the_order() {
        let a = read(json!({"id": 1, "leadId": 2})).expect("a lead");
        let b = read(json!({"leadId": 2, "id": 1})).expect("a lead");
        assert_eq!(a.lead_id.as_deref(), Some("2"));
        assert_eq!(a, b);
        // An empty best key does not hide a filled alias.
        let c = read(json!({"website": "", "url": "acme.com"})).expect("a lead");
        assert_eq!(c.website.as_deref(), Some("acme.com"));
    }

    #[test]
    fn unknown_fields_are_kept_aside() {
        let input = LeadInput::from_value(json!({
            "website": "acme.com", "campaign": "q3", "attempt": 2,
        }))
        .expect("a lead");
        assert_eq!(input.extra.len(), 2);
        assert_eq!(input.extra["campaign"], json!("q3"));
    }

    #[test]
    fn wrong_types_name_the_field() {
        let e = read(json!({"website": 42})).expect_err("not a string");
        assert!(e.to_string().contains("\"website\""), "{e}");
        let e = read(json!({"force": "maybe"})).expect_err("not a flag");
        assert!(e.to_string().contains("force"), "{e}");
        assert!(read(json!([1, 2])).is_err());
        assert!(read(json!(null)).is_err());
    }

    #[test]
    fn credentials_in_a_website_are_dropped() {
        let lead = read(json!({"website": "http://owner:s3cret@shop.test/"})).expect("a lead");
        assert_eq!(lead.website.as_deref(), Some("http://shop.test/"));
    }

    #[test]
    fn a_string_is_a_website() {
        let lead = read(json!("acme.com")).expect("a lead");
        assert_eq!(lead.website.as_deref(), Some("acme.com"));
    }

    #[test]
    fn serde_reads_the_same_way() {
        let input: LeadInput =
            serde_json::from_str(r#"{"leadId": 42, "website": "a.com"}"#).expect("a lead");
        assert_eq!(input.lead.lead_id.as_deref(), Some("42"));
    }

    proptest::proptest! {
        /// Any JSON object is either a lead or a clear error, and every key is accounted for.
        #[test]
        fn any_object_is_read_or_refused(
            keys in proptest::collection::vec("[A-Za-z_ -]{0,12}", 0..8),
            n in proptest::num::i64::ANY,
            s in "\\PC{0,40}",
        ) {
            let mut map = Map::new();
            for (i, k) in keys.iter().enumerate() {
                let v = match i % 3 { 0 => json!(n), 1 => json!(s), _ => Value::Null };
                map.insert(k.clone(), v);
            }
            let count = map.len();
            if let Ok(input) = LeadInput::from_fields(map) {
                proptest::prop_assert!(input.extra.len() <= count);
            }
        }
    }
}
