//! The addon's errors: a stable `code` property beside a clear message.
//!
//! Synchronous functions throw `napi::Error<String>` whose status becomes the JS `code`.
//! `auditLead` settles on the JS thread, where the same error is built as a JS object and
//! handed to the promise as its rejection.

use napi::bindgen_prelude::Unknown;
use napi::JsValue;
use napi::{Env, JsError};

/// The stable codes a caller can branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// A required argument is missing or has the wrong type.
    InvalidArg,
    /// An option has a wrong type or value.
    InvalidOptions,
    /// The caller's `AbortSignal` fired.
    Cancelled,
    /// A bug in the addon or the core.
    Internal,
}

impl Code {
    /// The string seen in JS as `error.code`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidArg => "E_INVALID_ARG",
            Self::InvalidOptions => "E_INVALID_OPTIONS",
            Self::Cancelled => "E_CANCELLED",
            Self::Internal => "E_INTERNAL",
        }
    }
}

/// An error on its way to JS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// Stable code.
    pub code: Code,
    /// What went wrong and, where it helps, what to pass instead.
    pub message: String,
}

/// Results of the adapter's own checks.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// `E_INVALID_ARG`.
    pub fn arg(message: impl Into<String>) -> Self {
        Self::new(Code::InvalidArg, message)
    }

    /// `E_INVALID_OPTIONS`.
    pub fn options(message: impl Into<String>) -> Self {
        Self::new(Code::InvalidOptions, message)
    }

    /// `E_INTERNAL`.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(Code::Internal, message)
    }

    /// `E_CANCELLED`.
    pub fn cancelled() -> Self {
        Self::new(Code::Cancelled, "auditLead was aborted by its AbortSignal")
    }

    fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// The error a synchronous function throws: its status becomes `error.code`.
    pub fn into_napi(self) -> napi::Error<String> {
        napi::Error::new(self.code.as_str().to_owned(), self.message)
    }

    /// The error as a JS `Error` object whose `code` is the stable code.
    pub fn to_js<'env>(&self, env: &Env) -> Unknown<'env> {
        JsError::from(napi::Error::new(self.code.as_str(), self.message.clone())).into_unknown(*env)
    }

    /// The error wrapped so that a promise settled with it rejects with the JS object of
    /// [`ApiError::to_js`] (a plain `napi::Error` would carry napi's own status as code).
    pub fn into_rejection(self, env: &Env) -> napi::Error {
        napi::Error::from(self.to_js(env))
    }
}

impl From<lead_audit_core::Error> for ApiError {
    fn from(e: lead_audit_core::Error) -> Self {
        use lead_audit_core::Error;
        match e {
            Error::Cancelled => Self::cancelled(),
            Error::InvalidOptions(_) | Error::Fingerprints(_) => Self::options(e.to_string()),
            Error::Client(_) => Self::internal(e.to_string()),
        }
    }
}

impl From<lead_audit_app::SettingsError> for ApiError {
    fn from(e: lead_audit_app::SettingsError) -> Self {
        Self::options(e.to_string())
    }
}

impl From<lead_audit_app::LeadError> for ApiError {
    fn from(e: lead_audit_app::LeadError) -> Self {
        Self::arg(e.to_string())
    }
}

/// A short name of a JS value's type for messages ("got number").
pub fn type_name(value: &Unknown<'_>) -> &'static str {
    use napi::ValueType;
    match value.get_type() {
        Ok(ValueType::Undefined) => "undefined",
        Ok(ValueType::Null) => "null",
        Ok(ValueType::Boolean) => "boolean",
        Ok(ValueType::Number) => "number",
        Ok(ValueType::String) => "string",
        Ok(ValueType::Symbol) => "symbol",
        Ok(ValueType::Object) => {
            if value.is_array().unwrap_or(false) {
                "array"
            } else {
                "object"
            }
        }
        Ok(ValueType::Function) => "function",
        Ok(ValueType::BigInt) => "bigint",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_errors_map_by_variant() {
        use lead_audit_core::Error;
        let code = |e: Error| ApiError::from(e).code;
        assert_eq!(
            code(Error::InvalidOptions("x".into())),
            Code::InvalidOptions
        );
        assert_eq!(code(Error::Client("tls".into())), Code::Internal);
        assert_eq!(code(Error::Cancelled), Code::Cancelled);
        let missing = lead_audit_core::Detector::with_dataset(std::path::Path::new(
            "/nonexistent/lead-audit/fingerprints.json",
        ))
        .expect_err("no such dataset");
        assert_eq!(code(Error::Fingerprints(missing)), Code::InvalidOptions);
    }

    #[test]
    fn settings_and_lead_errors_have_their_codes() {
        let e = lead_audit_app::AuditSettings {
            timeout: -1.0,
            ..lead_audit_app::AuditSettings::default()
        }
        .to_options()
        .expect_err("a negative timeout");
        assert_eq!(ApiError::from(e).code, Code::InvalidOptions);
        let e = lead_audit_app::LeadInput::from_value(serde_json::json!(42)).expect_err("a number");
        assert_eq!(ApiError::from(e).code, Code::InvalidArg);
    }
}
