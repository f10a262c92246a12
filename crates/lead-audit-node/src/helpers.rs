//! The synchronous helpers: one page's contacts, technologies, and a result's score.
//! They run on the calling thread; each is a few milliseconds for a typical page.

use std::collections::HashMap;

use lead_audit_core::{extract, parse, DetectInput, Detector};
use napi::bindgen_prelude::Unknown;
use napi::{Env, ValueType};
use napi_derive::napi;
use serde::Deserialize;

use crate::args::{as_string, read_object};
use crate::error::{type_name, ApiError, ApiResult};
use crate::options::{read_extract_options, read_score_options};
use crate::result::{Contacts, Score, Technology};

/// Emails, phone numbers (E.164) and social profiles found in one HTML document.
#[napi(ts_args_type = "html: string, options?: ExtractOptions")]
pub fn extract_contacts(
    html: Option<Unknown<'_>>,
    options: Option<Unknown<'_>>,
) -> Result<Contacts, napi::Error<String>> {
    let run = || -> ApiResult<Contacts> {
        let html = string_arg("html", html.as_ref())?;
        let opts = read_extract_options(options.as_ref())?;
        // The same bounded parse as the pipeline: a hostile page from JS costs no more.
        let doc = parse::parse_document(&html, &parse::Budget::unlimited()).doc;
        let found = extract::extract_contacts(
            &doc,
            &opts.url,
            &extract::ExtractOptions {
                lead_region: opts.region.as_deref(),
                default_region: &opts.default_region,
            },
        );
        Ok(found.into())
    };
    run().map_err(ApiError::into_napi)
}

/// A page to run the fingerprints on.
#[napi(object, object_to_js = false, object_from_js = false)]
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DetectTechnologiesInput {
    /// The page URL.
    pub url: String,
    /// The page's HTML.
    pub html: Option<String>,
    /// Response headers (any case); repeated headers as arrays.
    #[napi(ts_type = "Record<string, string | string[]>")]
    pub headers: Option<HashMap<String, HeaderValue>>,
}

/// One header's value, or the values of a repeated header.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum HeaderValue {
    /// A single value.
    One(String),
    /// A repeated header.
    Many(Vec<String>),
}

/// Technologies detected on one page by the embedded fingerprints.
#[napi(ts_args_type = "input: DetectTechnologiesInput")]
pub fn detect_technologies(
    input: Option<Unknown<'_>>,
) -> Result<Vec<Technology>, napi::Error<String>> {
    let run = || -> ApiResult<Vec<Technology>> {
        let Some((input, _)) = read_object::<DetectTechnologiesInput>("input", input.as_ref(), &[])
            .map_err(|e| ApiError::arg(e.message))?
        else {
            return Err(ApiError::arg(
                "detectTechnologies needs an object { url, html, headers }",
            ));
        };
        let mut headers = Vec::new();
        for (name, value) in input.headers.unwrap_or_default() {
            let name = name.to_ascii_lowercase();
            match value {
                HeaderValue::One(v) => headers.push((name, v)),
                HeaderValue::Many(vs) => headers.extend(vs.into_iter().map(|v| (name.clone(), v))),
            }
        }
        let html = input.html.unwrap_or_default();
        // The same bounded parse as the pipeline: a hostile page from JS costs no more.
        let doc = parse::parse_document(&html, &parse::Budget::unlimited()).doc;
        let found = Detector::embedded().detect(&DetectInput {
            url: &input.url,
            headers: &headers,
            html: &html,
            doc: Some(&doc),
            ..DetectInput::default()
        });
        Ok(found.into_iter().map(Technology::from).collect())
    };
    run().map_err(ApiError::into_napi)
}

/// Scores an `AuditResult` again, with other weights or thresholds.
#[napi(ts_args_type = "result: AuditResult, options?: ScoreOptions")]
pub fn score_lead(
    env: Env,
    result: Option<Unknown<'_>>,
    options: Option<Unknown<'_>>,
) -> Result<Score, napi::Error<String>> {
    let run = || -> ApiResult<Score> {
        let parsed = read_result(&env, result)?;
        let config = read_score_options(options.as_ref())?;
        Ok(lead_audit_core::score::score(&parsed, &config).into())
    };
    run().map_err(ApiError::into_napi)
}

/// The `result` argument: an `AuditResult` object (also one read back from JSON).
pub fn read_result(
    env: &Env,
    result: Option<Unknown<'_>>,
) -> ApiResult<lead_audit_core::AuditResult> {
    let Some(value) = result.filter(|v| v.get_type().ok() == Some(ValueType::Object)) else {
        let got = result.as_ref().map_or("undefined", type_name);
        return Err(ApiError::arg(format!(
            "result must be an AuditResult object, got {got}"
        )));
    };
    env.from_js_value(value)
        .map_err(|e| ApiError::arg(format!("result is not an AuditResult: {}", e.reason)))
}

fn string_arg(name: &str, value: Option<&Unknown<'_>>) -> ApiResult<String> {
    value.and_then(as_string).ok_or_else(|| {
        ApiError::arg(format!(
            "{name} must be a string, got {}",
            value.map_or("undefined", type_name)
        ))
    })
}
