//! The `lead` argument of `auditLead`: a URL string or a lead object such as a BullMQ job's
//! `data`, read by `lead_audit_app::LeadInput` like the CLI's and the worker's leads.

use lead_audit_core::Lead;
use napi::bindgen_prelude::Unknown;
use napi::ValueType;
use napi_derive::napi;
use serde_json::Value;

use crate::args::{as_object, fields, kind, to_json};
use crate::error::{type_name, ApiError, ApiResult};

/// A lead as the worker's jobs carry it. Every field is optional. `id` / `lead_id` are read as
/// `leadId`, `url` / `domain` as `website`, `company` / `name` as `companyName`; other
/// fields are accepted and left out of the audit.
// Declares the TypeScript shape only: leads are read by `lead_audit_app::LeadInput`.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct LeadInput {
    /// The lead's id in the caller's system; a number comes back as its digits (`42` → `"42"`).
    #[napi(ts_type = "string | number | null")]
    pub lead_id: Option<Value>,
    /// The business website, with or without scheme.
    #[napi(ts_type = "string | null")]
    pub website: Option<String>,
    /// The business's name.
    #[napi(ts_type = "string | null")]
    pub company_name: Option<String>,
    /// A known email.
    #[napi(ts_type = "string | null")]
    pub email: Option<String>,
    /// A known phone number (digits as a number are accepted).
    #[napi(ts_type = "string | number | null")]
    pub phone: Option<Value>,
    /// ISO 3166 alpha-2 country of the business: the region for national phone numbers.
    #[napi(ts_type = "string | null")]
    pub country: Option<String>,
    /// Audit even when a fresh audit exists.
    #[napi(ts_type = "boolean | null")]
    pub force: Option<bool>,
}

/// Reads the lead argument. Wrong types are `E_INVALID_ARG` with the reader's message, which
/// names the field.
pub fn read_lead(value: Option<&Unknown<'_>>) -> ApiResult<Lead> {
    let Some(value) = value.filter(|v| kind(v) != ValueType::Undefined) else {
        return Err(not_a_lead("undefined"));
    };
    let json = match as_object(value) {
        Some(obj) => {
            let read =
                fields(&obj, &[]).map_err(|e| ApiError::arg(format!("lead: {}", e.reason)))?;
            if let Some((key, got)) = read.not_json.first() {
                return Err(ApiError::arg(format!(
                    "lead field {key:?} must be plain data, got {got}"
                )));
            }
            Value::Object(read.json)
        }
        None => to_json(value).map_err(|_| not_a_lead(type_name(value)))?,
    };
    Ok(lead_audit_app::LeadInput::from_value(json)?.lead)
}

fn not_a_lead(got: &str) -> ApiError {
    ApiError::arg(format!(
        "a lead must be a website URL string or an object such as {{ website, leadId, companyName }}, got {got}"
    ))
}
