//! Options objects from JS: checked field by field, turned into the core's plain structs.
//!
//! The `#[napi(object)]` structs give `index.d.ts` its option interfaces and do the type
//! checks; wrong types and values become `E_INVALID_OPTIONS` with the field named. Unknown
//! keys are refused too: a misspelt `maxpages` silently ignored would be worse.

use std::path::PathBuf;
use std::time::Duration;

use lead_audit_core::{options::DEFAULT_USER_AGENT, AuditOptions as CoreOptions, ScoreConfig};
use napi::bindgen_prelude::{FromNapiValue, Object, TypeName, Unknown, ValidateNapiValue};
use napi::JsValue;
use napi::{sys, ValueType};
use napi_derive::napi;

use crate::error::{type_name, ApiError, ApiResult};

/// When to render pages with headless Chromium.
#[napi(string_enum)]
#[derive(Debug, PartialEq, Eq)]
pub enum BrowserMode {
    /// Only pages that need JavaScript (empty app shells, client-rendered sites without contacts).
    #[napi(value = "auto")]
    Auto,
    /// Every page.
    #[napi(value = "always")]
    Always,
    /// Never.
    #[napi(value = "never")]
    Never,
}

/// A value this module reads itself (the abort signal, the progress callback): the struct
/// conversion accepts anything there and the real check happens in `audit.rs`.
pub struct Deferred;

impl TypeName for Deferred {
    fn type_name() -> &'static str {
        "unknown"
    }
    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ValidateNapiValue for Deferred {}

impl FromNapiValue for Deferred {
    unsafe fn from_napi_value(_env: sys::napi_env, _value: sys::napi_value) -> napi::Result<Self> {
        Ok(Self)
    }
}

/// Options of `auditLead`; they mirror the CLI's flags.
#[napi(object, object_to_js = false)]
pub struct AuditOptions {
    /// Seconds one lead may take in all (default 30).
    pub timeout: Option<f64>,
    /// Seconds one HTTP request may take (default 10).
    pub request_timeout: Option<f64>,
    /// Contact pages crawled after the home page, 0 to 100 (default 5).
    pub max_pages: Option<f64>,
    /// Browser fallback (default `auto`).
    pub browser: Option<BrowserMode>,
    /// Region for national phone numbers when neither lead nor page says (ISO 3166 alpha-2, default `US`).
    pub default_region: Option<String>,
    /// A Wappalyzer-format fingerprint dataset (directory or JSON file) loaded beside the
    /// embedded one, once per process.
    pub fingerprints: Option<String>,
    /// Allow loopback and private addresses; the SSRF guard is on by default.
    pub allow_private_networks: Option<bool>,
    /// User-Agent of every request.
    pub user_agent: Option<String>,
    /// Look up the domain's age over RDAP / WHOIS (default true).
    pub domain_lookup: Option<bool>,
    /// Weights and thresholds of the points model.
    pub score: Option<ScoreOptions>,
    /// Aborting rejects the promise with `E_CANCELLED` and stops the fetches.
    #[napi(ts_type = "AbortSignal")]
    #[allow(dead_code)] // read from the raw object by `audit.rs`
    pub signal: Option<Deferred>,
    /// Called with each stage as the audit reaches it, always before the promise settles.
    #[napi(ts_type = "(stage: Stage) => void")]
    #[allow(dead_code)] // read from the raw object by `audit.rs`
    pub on_progress: Option<Deferred>,
}

const AUDIT_KEYS: &[&str] = &[
    "timeout",
    "requestTimeout",
    "maxPages",
    "browser",
    "defaultRegion",
    "fingerprints",
    "allowPrivateNetworks",
    "userAgent",
    "domainLookup",
    "score",
    "signal",
    "onProgress",
];

macro_rules! score_options {
    ($($field:ident: $ty:ty),* $(,)?) => {
        /// Overrides of the points model (see the scoring docs); absent fields keep their defaults.
        #[napi(object, object_to_js = false)]
        pub struct ScoreOptions {
            $(pub $field: Option<$ty>,)*
        }

        impl ScoreOptions {
            /// No overrides.
            #[cfg(test)]
            fn default_empty() -> Self {
                Self { $($field: None,)* }
            }

            /// `base` with every given field replaced.
            fn apply(&self, mut base: ScoreConfig) -> ScoreConfig {
                $(if let Some(v) = self.$field { base.$field = v; })*
                base
            }
        }
    };
}

score_options! {
    hot_threshold: i32,
    warm_threshold: i32,
    no_https: i32,
    no_https_redirect: i32,
    certificate_problem: i32,
    not_mobile_ready: i32,
    stale_copyright: i32,
    slow_response: i32,
    heavy_page: i32,
    mixed_content: i32,
    outdated_libraries: i32,
    eol_software: i32,
    diy_builder: i32,
    missing_title: i32,
    missing_description: i32,
    no_analytics: i32,
    seo_gaps: i32,
    seo_gaps_min: u32,
    young_domain: i32,
    young_domain_days: i64,
    old_domain_outdated_site: i32,
    old_domain_days: i64,
    email_own_domain: i32,
    email_other: i32,
    phone: i32,
    socials: i32,
    contact_form: i32,
}

impl ScoreOptions {
    /// The full configuration, validated.
    pub fn to_config(&self) -> ApiResult<ScoreConfig> {
        let config = self.apply(ScoreConfig::default());
        config
            .validate()
            .map_err(|m| ApiError::options(format!("score: {m}")))?;
        Ok(config)
    }
}

/// Options of `extractContacts`.
#[napi(object, object_to_js = false)]
pub struct ExtractOptions {
    /// The page's URL: resolves relative links and tells the site's own domain (default `http://localhost/`).
    pub url: Option<String>,
    /// The business's country (ISO 3166 alpha-2), the strongest hint for national phone numbers.
    pub region: Option<String>,
    /// Fallback region when neither `region` nor the page says (default `US`).
    pub default_region: Option<String>,
}

const EXTRACT_KEYS: &[&str] = &["url", "region", "defaultRegion"];

/// Reads an options argument: `undefined` / `null` mean defaults, anything but a plain
/// object is `E_INVALID_OPTIONS`, and so is a key not in `known`.
pub fn read_object<'env, T: FromNapiValue>(
    what: &str,
    value: Option<&Unknown<'env>>,
    known: &[&str],
) -> ApiResult<Option<(T, Object<'env>)>> {
    let Some(value) = value else { return Ok(None) };
    match value.get_type() {
        Ok(ValueType::Undefined | ValueType::Null) => return Ok(None),
        Ok(ValueType::Object) if !value.is_array().unwrap_or(false) => {}
        _ => {
            return Err(ApiError::options(format!(
                "{what} must be an object, got {}",
                type_name(value)
            )))
        }
    }
    // SAFETY: the value is an object (checked above); the struct's conversion reads and
    // type-checks each field itself.
    let obj: Object<'env> = unsafe { value.cast() }.map_err(|e| ApiError::internal(e.reason))?;
    let keys = Object::keys(&obj).map_err(|e| ApiError::options(e.reason))?;
    if let Some(bad) = keys.iter().find(|k| !known.contains(&k.as_str())) {
        return Err(ApiError::options(format!(
            "{what} has no option {bad:?}; known options: {}",
            known.join(", ")
        )));
    }
    // SAFETY: as above.
    let parsed: T =
        unsafe { value.cast() }.map_err(|e| ApiError::options(format!("{what}: {}", e.reason)))?;
    Ok(Some((parsed, obj)))
}

/// The parsed `auditLead` options and the raw object (for `signal` / `onProgress`).
pub fn read_audit_options<'env>(
    value: Option<&Unknown<'env>>,
) -> ApiResult<(CoreOptions, Option<Object<'env>>)> {
    match read_object::<AuditOptions>("options", value, AUDIT_KEYS)? {
        None => Ok((to_core(&default_audit_options())?, None)),
        Some((opts, obj)) => Ok((to_core(&opts)?, Some(obj))),
    }
}

fn default_audit_options() -> AuditOptions {
    AuditOptions {
        timeout: None,
        request_timeout: None,
        max_pages: None,
        browser: None,
        default_region: None,
        fingerprints: None,
        allow_private_networks: None,
        user_agent: None,
        domain_lookup: None,
        score: None,
        signal: None,
        on_progress: None,
    }
}

fn seconds(name: &str, v: Option<f64>, default: Duration) -> ApiResult<Duration> {
    match v {
        None => Ok(default),
        Some(s) if s.is_finite() && s > 0.0 && s <= 86_400.0 => Ok(Duration::from_secs_f64(s)),
        Some(s) => Err(ApiError::options(format!(
            "{name} must be a number of seconds greater than 0 and at most 86400, got {s}"
        ))),
    }
}

fn region(name: &str, v: Option<&str>, default: &str) -> ApiResult<String> {
    let code = v.unwrap_or(default).trim().to_ascii_uppercase();
    if lead_audit_core::extract::parse_region(&code).is_none() {
        return Err(ApiError::options(format!(
            "{name} must be an ISO 3166 alpha-2 country code such as \"US\" or \"DE\", got {code:?}"
        )));
    }
    Ok(code)
}

/// The core's options for `opts`; domain settings come from the environment as in the CLI.
pub fn to_core(opts: &AuditOptions) -> ApiResult<CoreOptions> {
    let base = CoreOptions::default();
    let max_pages = match opts.max_pages {
        None => base.max_pages,
        Some(n) if n.fract() == 0.0 && (0.0..=100.0).contains(&n) => n as usize,
        Some(n) => {
            return Err(ApiError::options(format!(
                "maxPages must be a whole number from 0 to 100, got {n}"
            )))
        }
    };
    let user_agent = match opts.user_agent.as_deref().map(str::trim) {
        None => DEFAULT_USER_AGENT.to_owned(),
        Some("") => return Err(ApiError::options("userAgent must not be empty")),
        Some(ua) if ua.chars().any(char::is_control) => {
            return Err(ApiError::options(
                "userAgent must not contain control characters",
            ))
        }
        Some(ua) => ua.to_owned(),
    };
    let fingerprints = match opts.fingerprints.as_deref() {
        None => None,
        Some("") => return Err(ApiError::options("fingerprints must be a path, got \"\"")),
        Some(p) => Some(PathBuf::from(p)),
    };
    let options = CoreOptions {
        max_pages,
        browser: match opts.browser {
            None | Some(BrowserMode::Auto) => lead_audit_core::BrowserMode::Auto,
            Some(BrowserMode::Always) => lead_audit_core::BrowserMode::Always,
            Some(BrowserMode::Never) => lead_audit_core::BrowserMode::Never,
        },
        timeout: seconds("timeout", opts.timeout, base.timeout)?,
        request_timeout: seconds("requestTimeout", opts.request_timeout, base.request_timeout)?,
        default_region: region("defaultRegion", opts.default_region.as_deref(), "US")?,
        allow_private_networks: opts.allow_private_networks.unwrap_or(false),
        user_agent,
        domain_lookup: opts.domain_lookup.unwrap_or(true),
        domain: lead_audit_core::domain::DomainConfig::from_env().map_err(ApiError::from)?,
        fingerprints,
        score: match &opts.score {
            Some(s) => s.to_config()?,
            None => ScoreConfig::default(),
        },
        ..base
    };
    options.validate().map_err(ApiError::from)?;
    Ok(options)
}

/// The parsed `extractContacts` options.
pub struct Extract {
    /// Base URL of the document.
    pub url: url::Url,
    /// The lead's own region.
    pub region: Option<String>,
    /// Fallback region.
    pub default_region: String,
}

/// Reads the `extractContacts` options.
pub fn read_extract_options(value: Option<&Unknown<'_>>) -> ApiResult<Extract> {
    let opts = read_object::<ExtractOptions>("options", value, EXTRACT_KEYS)?.map(|(o, _)| o);
    let (url, lead_region, default_region) = match opts {
        Some(o) => (o.url, o.region, o.default_region),
        None => (None, None, None),
    };
    let url = match url {
        None => {
            url::Url::parse("http://localhost/").map_err(|e| ApiError::internal(e.to_string()))?
        }
        Some(u) => url::Url::parse(&u).map_err(|e| {
            ApiError::options(format!("options.url {u:?} is not an absolute URL: {e}"))
        })?,
    };
    let region_opt = match lead_region {
        Some(r) => Some(region("region", Some(&r), "US")?),
        None => None,
    };
    Ok(Extract {
        url,
        region: region_opt,
        default_region: region("defaultRegion", default_region.as_deref(), "US")?,
    })
}

/// Reads the `scoreLead` options.
pub fn read_score_options(value: Option<&Unknown<'_>>) -> ApiResult<ScoreConfig> {
    const KEYS: &[&str] = &[
        "hotThreshold",
        "warmThreshold",
        "noHttps",
        "noHttpsRedirect",
        "certificateProblem",
        "notMobileReady",
        "staleCopyright",
        "slowResponse",
        "heavyPage",
        "mixedContent",
        "outdatedLibraries",
        "eolSoftware",
        "diyBuilder",
        "missingTitle",
        "missingDescription",
        "noAnalytics",
        "seoGaps",
        "seoGapsMin",
        "youngDomain",
        "youngDomainDays",
        "oldDomainOutdatedSite",
        "oldDomainDays",
        "emailOwnDomain",
        "emailOther",
        "phone",
        "socials",
        "contactForm",
    ];
    match read_object::<ScoreOptions>("options", value, KEYS)? {
        None => Ok(ScoreConfig::default()),
        Some((o, _)) => o.to_config(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> AuditOptions {
        default_audit_options()
    }

    #[test]
    fn defaults_are_the_cli_defaults() {
        let core = to_core(&opts()).expect("defaults are valid");
        let cli = CoreOptions::default();
        assert_eq!(core.max_pages, cli.max_pages);
        assert_eq!(core.timeout, cli.timeout);
        assert_eq!(core.default_region, "US");
        assert!(!core.allow_private_networks);
        assert!(core.domain_lookup);
    }

    #[test]
    fn values_are_converted() {
        let core = to_core(&AuditOptions {
            timeout: Some(2.5),
            max_pages: Some(0.0),
            browser: Some(BrowserMode::Never),
            default_region: Some("de".into()),
            allow_private_networks: Some(true),
            domain_lookup: Some(false),
            ..opts()
        })
        .expect("valid");
        assert_eq!(core.timeout, Duration::from_millis(2500));
        assert_eq!(core.max_pages, 0);
        assert_eq!(core.browser, lead_audit_core::BrowserMode::Never);
        assert_eq!(core.default_region, "DE");
        assert!(core.allow_private_networks && !core.domain_lookup);
    }

    #[test]
    fn bad_values_name_the_option() {
        let cases = [
            AuditOptions {
                timeout: Some(0.0),
                ..opts()
            },
            AuditOptions {
                timeout: Some(f64::NAN),
                ..opts()
            },
            AuditOptions {
                max_pages: Some(-1.0),
                ..opts()
            },
            AuditOptions {
                max_pages: Some(1.5),
                ..opts()
            },
            AuditOptions {
                default_region: Some("Atlantis".into()),
                ..opts()
            },
            AuditOptions {
                user_agent: Some(" ".into()),
                ..opts()
            },
        ];
        let names = [
            "timeout",
            "timeout",
            "maxPages",
            "maxPages",
            "defaultRegion",
            "userAgent",
        ];
        for (case, name) in cases.iter().zip(names) {
            let e = to_core(case).expect_err(name);
            assert_eq!(e.code, crate::error::Code::InvalidOptions);
            assert!(
                e.message.contains(name),
                "{} does not name {name}",
                e.message
            );
        }
    }

    #[test]
    fn score_overrides_keep_the_other_defaults() {
        let mut s = ScoreOptions::default_empty();
        s.hot_threshold = Some(80);
        let c = s.to_config().expect("valid");
        assert_eq!(c.hot_threshold, 80);
        assert_eq!(c.warm_threshold, ScoreConfig::default().warm_threshold);
        s.warm_threshold = Some(90);
        assert!(s.to_config().is_err());
    }
}
