//! `renderReport`: the outreach report page of one `AuditResult`, for a Node backend that
//! serves reports itself. Pure: no browser, so no screenshots.

use lead_audit_report::{render_lead_with, Brand, Lang, LeadExtras, ReportOptions};
use napi::bindgen_prelude::{Env, Unknown};
use napi_derive::napi;
use serde::Deserialize;

use crate::args::read_object;
use crate::error::{ApiError, ApiResult};
use crate::helpers::read_result;
use crate::options::ScoreOptions;

/// The language of a report.
#[napi(string_enum)]
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportLang {
    #[napi(value = "en")]
    En,
    #[napi(value = "de")]
    De,
}

/// The agency footer of a report.
#[napi(object, object_to_js = false, object_from_js = false)]
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReportBrand {
    /// The agency's name.
    pub name: String,
    /// A `data:image/png|jpeg|gif|webp|svg+xml;base64,…` URI, or a file path (relative to
    /// the working directory) that is read and inlined.
    pub logo: Option<String>,
    /// A line under the name.
    pub tagline: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
}

/// Options of `renderReport`.
#[napi(object, object_to_js = false, object_from_js = false)]
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RenderReportOptions {
    /// The report's language (default: by `region`, else by the site's TLD; `de` for
    /// `.de`/`.at`/`.ch`, else `en`).
    pub lang: Option<ReportLang>,
    /// The company name as given with the lead (default: from the home page title).
    pub business_name: Option<String>,
    /// The lead's country (ISO 3166 alpha-2): picks the language when `lang` is absent.
    pub region: Option<String>,
    /// The agency footer; absent leaves it out.
    pub brand: Option<ReportBrand>,
    /// The weights the result was scored with: they order the findings.
    pub score: Option<ScoreOptions>,
}

/// Renders the outreach report of `result` (an `AuditResult`) as one self-contained HTML
/// page: inline CSS, no script, no external request; every page string escaped.
#[napi(ts_args_type = "result: AuditResult, options?: RenderReportOptions")]
pub fn render_report(
    env: Env,
    result: Option<Unknown<'_>>,
    options: Option<Unknown<'_>>,
) -> Result<String, napi::Error<String>> {
    let run = || -> ApiResult<String> {
        let parsed = read_result(&env, result)?;
        let o = read_object::<RenderReportOptions>("options", options.as_ref(), &[])?
            .map(|(o, _)| o)
            .unwrap_or_default();
        let score = match &o.score {
            Some(s) => lead_audit_core::ScoreConfig::try_from(s)?,
            None => lead_audit_core::ScoreConfig::default(),
        };
        let brand = o.brand.map(brand).transpose()?;
        let opts = ReportOptions {
            lang: o.lang.map(|l| match l {
                ReportLang::En => Lang::En,
                ReportLang::De => Lang::De,
            }),
            brand,
            score,
        };
        let extras = LeadExtras {
            business_name: o.business_name,
            region: o.region,
            ..LeadExtras::default()
        };
        render_lead_with(&parsed, &extras, &opts).map_err(|e| ApiError::internal(e.to_string()))
    };
    run().map_err(ApiError::into_napi)
}

/// The brand as the report crate checks it: a logo path read and inlined, a data URI retyped.
fn brand(b: ReportBrand) -> ApiResult<Brand> {
    let base = std::env::current_dir().unwrap_or_default();
    Brand {
        name: b.name,
        logo: b.logo,
        tagline: b.tagline,
        email: b.email,
        phone: b.phone,
        website: b.website,
    }
    .checked(&base)
    .map_err(|e| ApiError::options(format!("options.brand: {e}")))
}
