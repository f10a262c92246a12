//! The `lead` argument of `auditLead`: a URL string or a lead object such as a BullMQ job's
//! `data`. Extra fields of a job are ignored; known fields of the wrong type are refused.

use lead_audit_core::Lead;
use napi::bindgen_prelude::{JsObjectValue, Object, Unknown};
use napi::JsValue;
use napi::ValueType;
use napi_derive::napi;

use crate::error::{type_name, ApiError, ApiResult};

/// A lead as the worker's jobs carry it. Every field is optional; `id` / `url` / `domain`
/// are accepted as aliases of `leadId` / `website`.
// The TS shape only: `read_lead` reads the fields one by one to accept the aliases and
// numeric ids and to name the field that has a wrong type.
#[allow(dead_code)]
#[napi(object, object_to_js = false)]
pub struct LeadInput {
    /// The lead's id in the caller's system (a number is turned into a string).
    #[napi(ts_type = "string | number | null")]
    pub lead_id: Option<crate::options::Deferred>,
    /// The business website, with or without scheme.
    #[napi(ts_type = "string | null")]
    pub website: Option<String>,
    #[napi(ts_type = "string | null")]
    pub company_name: Option<String>,
    #[napi(ts_type = "string | null")]
    pub email: Option<String>,
    #[napi(ts_type = "string | null")]
    pub phone: Option<String>,
    /// ISO 3166 alpha-2 country of the business: the region for national phone numbers.
    #[napi(ts_type = "string | null")]
    pub country: Option<String>,
    /// Audit even when a fresh audit exists.
    #[napi(ts_type = "boolean | null")]
    pub force: Option<bool>,
}

/// Reads the lead argument.
pub fn read_lead(value: Option<&Unknown<'_>>) -> ApiResult<Lead> {
    let Some(value) = value else {
        return Err(missing("undefined"));
    };
    match value.get_type() {
        Ok(ValueType::String) => {
            // SAFETY: the value is a string (checked above).
            let url: String = unsafe { value.cast() }.map_err(|e| ApiError::arg(e.reason))?;
            Ok(Lead::from_url(url))
        }
        Ok(ValueType::Object) if !value.is_array().unwrap_or(false) => {
            // SAFETY: the value is an object (checked above).
            let obj: Object<'_> = unsafe { value.cast() }.map_err(|e| ApiError::arg(e.reason))?;
            from_object(&obj)
        }
        _ => Err(missing(type_name(value))),
    }
}

fn missing(got: &str) -> ApiError {
    ApiError::arg(format!(
        "lead must be a website URL string or an object such as {{ website, leadId, companyName }}, got {got}"
    ))
}

fn from_object(obj: &Object<'_>) -> ApiResult<Lead> {
    Ok(Lead {
        lead_id: id(obj, &["leadId", "id", "lead_id"])?,
        website: text(obj, &["website", "url", "domain"])?,
        company_name: text(obj, &["companyName", "company_name", "name"])?,
        email: text(obj, &["email"])?,
        phone: text(obj, &["phone"])?,
        country: text(obj, &["country"])?,
        force: match field(obj, "force")? {
            None => false,
            Some(v) if v.get_type().ok() == Some(ValueType::Boolean) => {
                // SAFETY: the value is a boolean (checked above).
                unsafe { v.cast::<bool>() }.map_err(|e| ApiError::arg(e.reason))?
            }
            Some(v) => {
                return Err(ApiError::arg(format!(
                    "lead.force must be a boolean, got {}",
                    type_name(&v)
                )))
            }
        },
    })
}

/// The property when it is neither `undefined` nor `null`.
fn field<'env>(obj: &Object<'env>, name: &str) -> ApiResult<Option<Unknown<'env>>> {
    let v: Unknown<'env> = obj
        .get_named_property(name)
        .map_err(|e| ApiError::arg(format!("lead.{name}: {}", e.reason)))?;
    Ok(match v.get_type() {
        Ok(ValueType::Undefined | ValueType::Null) => None,
        _ => Some(v),
    })
}

/// The first of `names` present, which must be a string.
fn text(obj: &Object<'_>, names: &[&str]) -> ApiResult<Option<String>> {
    for name in names {
        if let Some(v) = field(obj, name)? {
            if v.get_type().ok() != Some(ValueType::String) {
                return Err(ApiError::arg(format!(
                    "lead.{name} must be a string, got {}",
                    type_name(&v)
                )));
            }
            // SAFETY: the value is a string (checked above).
            return unsafe { v.cast::<String>() }
                .map(Some)
                .map_err(|e| ApiError::arg(e.reason));
        }
    }
    Ok(None)
}

/// The first of `names` present, a string or a finite number (ids are often numeric).
fn id(obj: &Object<'_>, names: &[&str]) -> ApiResult<Option<String>> {
    for name in names {
        if let Some(v) = field(obj, name)? {
            return match v.get_type() {
                // SAFETY: the value is a string (checked by the match).
                Ok(ValueType::String) => unsafe { v.cast::<String>() }
                    .map(Some)
                    .map_err(|e| ApiError::arg(e.reason)),
                Ok(ValueType::Number) => {
                    // SAFETY: the value is a number (checked by the match).
                    let n = unsafe { v.cast::<f64>() }.map_err(|e| ApiError::arg(e.reason))?;
                    if n.is_finite() {
                        Ok(Some(if n.fract() == 0.0 && n.abs() < 9.0e15 {
                            format!("{}", n as i64)
                        } else {
                            n.to_string()
                        }))
                    } else {
                        Err(ApiError::arg(format!(
                            "lead.{name} must be a finite number, got {n}"
                        )))
                    }
                }
                _ => Err(ApiError::arg(format!(
                    "lead.{name} must be a string or a number, got {}",
                    type_name(&v)
                ))),
            };
        }
    }
    Ok(None)
}
