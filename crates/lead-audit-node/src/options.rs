//! Options objects from JS, turned into the settings the CLI and the worker use.
//!
//! Each options type is one struct: `#[napi(object)]` gives `index.d.ts` its interface and
//! serde reads the JS object into it (`deny_unknown_fields`: a misspelt `maxpages` silently
//! ignored would be worse). `signal` and `onProgress` are JS values, read by `audit.rs`.

use std::path::PathBuf;

use clap::Parser;
use lead_audit_app::{AuditSettings, DomainSettings};
use lead_audit_core::ScoreConfig;
use napi::bindgen_prelude::{Object, Unknown};
use napi_derive::napi;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::args::{deserialize, read_object};
use crate::error::{ApiError, ApiResult};

/// When to render pages with headless Chromium.
#[napi(string_enum)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
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

impl From<BrowserMode> for lead_audit_core::BrowserMode {
    fn from(mode: BrowserMode) -> Self {
        match mode {
            BrowserMode::Auto => Self::Auto,
            BrowserMode::Always => Self::Always,
            BrowserMode::Never => Self::Never,
        }
    }
}

/// A property of an options object that is a JS value rather than data (`signal`,
/// `onProgress`): declared for `index.d.ts`, read from the object itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JsValueOption;

/// Options of `auditLead`; they mirror the CLI's flags.
#[napi(object, object_to_js = false, object_from_js = false)]
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuditOptions {
    /// Seconds one lead may take in all (default 30).
    pub timeout: Option<f64>,
    /// Seconds one HTTP request may take (default 10).
    pub request_timeout: Option<f64>,
    /// Contact pages crawled after the home page, 0 to 100 (default 5).
    pub max_pages: Option<u16>,
    /// Browser fallback (default `auto`).
    pub browser: Option<BrowserMode>,
    /// Region for national phone numbers when neither lead nor page says (ISO 3166 alpha-2, default `US`).
    pub default_region: Option<String>,
    /// A Wappalyzer-format fingerprint dataset (directory or JSON file) loaded beside the
    /// embedded one, once per process.
    pub fingerprints: Option<String>,
    /// Where the embedded fingerprints and `fingerprints` both define a field of one
    /// technology, the dataset's wins (default false: the embedded one's).
    pub fingerprints_win: Option<bool>,
    /// Allow loopback and private addresses; the SSRF guard is on by default.
    pub allow_private_networks: Option<bool>,
    /// User-Agent of every request.
    pub user_agent: Option<String>,
    /// Look up the domain's age over RDAP / WHOIS (default true).
    pub domain_lookup: Option<bool>,
    /// Host → address overrides like curl's `--resolve`: `"HOST:ADDR"` (or `"HOST:PORT:ADDR"`,
    /// the port ignored), ADDR an IP address. The SSRF guard still applies to ADDR.
    pub resolve: Option<Vec<String>>,
    /// The Chromium binary (default: `CHROME_PATH`, then Debian's, then chromium /
    /// google-chrome on `PATH`).
    pub chrome_path: Option<String>,
    /// Browser tabs rendering at once, 1 to 64 (default: the CPU count, at most 8).
    pub browser_tabs: Option<u16>,
    /// Seconds one page render may take (default: `timeout`).
    pub browser_timeout: Option<f64>,
    /// Weights and thresholds of the points model.
    pub score: Option<ScoreOptions>,
    /// Aborting rejects the promise with `E_CANCELLED` and stops the fetches.
    #[napi(ts_type = "AbortSignal")]
    #[serde(skip)]
    pub signal: Option<JsValueOption>,
    /// Called with each stage as the audit reaches it, always before the promise settles.
    #[napi(ts_type = "(stage: Stage) => void")]
    #[serde(skip)]
    pub on_progress: Option<JsValueOption>,
}

impl AuditOptions {
    /// The JS name of the `AbortSignal` option.
    pub const SIGNAL: &'static str = "signal";
    /// The JS name of the progress callback option.
    pub const ON_PROGRESS: &'static str = "onProgress";
    /// The options that are JS values rather than data.
    pub const JS_VALUES: [&'static str; 2] = [Self::SIGNAL, Self::ON_PROGRESS];

    /// The settings `lead-audit audit` would take for these options; `domain` says where
    /// domain ages are looked up (its `no_domain_lookup` is replaced by `domainLookup`).
    /// Checks what the settings cannot name in JS terms.
    pub fn to_settings(&self, domain: DomainSettings) -> ApiResult<AuditSettings> {
        let defaults = AuditSettings::default();
        let user_agent = match self.user_agent.as_deref().map(str::trim) {
            None => defaults.user_agent,
            Some("") => return Err(ApiError::options("userAgent must not be empty")),
            Some(ua) if ua.chars().any(char::is_control) => {
                return Err(ApiError::options(
                    "userAgent must not contain control characters",
                ))
            }
            Some(ua) => ua.to_owned(),
        };
        let fingerprints = match self.fingerprints.as_deref() {
            None => None,
            Some("") => return Err(ApiError::options("fingerprints must be a path, got \"\"")),
            Some(p) => Some(PathBuf::from(p)),
        };
        let chrome_path = match self.chrome_path.as_deref() {
            None => None,
            Some("") => return Err(ApiError::options("chromePath must be a path, got \"\"")),
            Some(p) => Some(PathBuf::from(p)),
        };
        let resolve = self
            .resolve
            .iter()
            .flatten()
            .map(|entry| {
                lead_audit_app::settings::parse_resolve(entry)
                    .map_err(|e| ApiError::options(format!("resolve: {e}")))
            })
            .collect::<ApiResult<_>>()?;
        let browser_tabs = match self.browser_tabs {
            Some(n) if !(1..=64).contains(&n) => {
                return Err(ApiError::options(format!(
                    "browserTabs must be from 1 to 64, got {n}"
                )))
            }
            n => n,
        };
        Ok(AuditSettings {
            max_pages: self.max_pages.unwrap_or(defaults.max_pages),
            browser: self.browser.map_or(defaults.browser, Into::into),
            timeout: seconds("timeout", self.timeout)?.unwrap_or(defaults.timeout),
            request_timeout: seconds("requestTimeout", self.request_timeout)?
                .unwrap_or(defaults.request_timeout),
            default_region: region("defaultRegion", self.default_region.as_deref())?
                .unwrap_or(defaults.default_region),
            fingerprints,
            fingerprints_win: self.fingerprints_win.unwrap_or(false),
            allow_private_networks: self.allow_private_networks.unwrap_or(false),
            user_agent,
            resolve,
            chrome_path,
            browser_tabs,
            browser_timeout: seconds("browserTimeout", self.browser_timeout)?,
            domain: DomainSettings {
                no_domain_lookup: !self.domain_lookup.unwrap_or(true),
                ..domain
            },
            score: self.score_config()?,
        })
    }

    /// The points model with `score`'s overrides, validated.
    pub fn score_config(&self) -> ApiResult<ScoreConfig> {
        self.score
            .as_ref()
            .map_or_else(|| Ok(ScoreConfig::default()), ScoreConfig::try_from)
    }
}

impl TryFrom<&AuditOptions> for AuditSettings {
    type Error = ApiError;

    /// The settings for `options`, with the domain-lookup locations from the environment as
    /// in the CLI (`LEAD_AUDIT_RDAP_BOOTSTRAP`, `LEAD_AUDIT_WHOIS_SERVERS`,
    /// `LEAD_AUDIT_CACHE_DIR`).
    fn try_from(options: &AuditOptions) -> ApiResult<Self> {
        options.to_settings(domain_from_env()?)
    }
}

/// The domain-lookup settings from the environment, read by the same clap definition as the
/// CLI's flags. An empty variable counts as unset, as it does for the CLI (whose `main`
/// removes them, which a library inside Node must not do).
pub fn domain_from_env() -> ApiResult<DomainSettings> {
    #[derive(Parser)]
    struct FromEnv {
        #[command(flatten)]
        domain: DomainSettings,
    }
    FromEnv::try_parse_from(["lead-audit-native"])
        .map(|parsed| without_blanks(parsed.domain))
        .map_err(|e| {
            let message = e.to_string();
            let first = message.lines().next().unwrap_or_default();
            ApiError::options(format!("the domain-lookup environment: {first}"))
        })
}

/// `domain` with blank values taken as absent.
fn without_blanks(domain: DomainSettings) -> DomainSettings {
    fn set<T: AsRef<std::ffi::OsStr>>(v: Option<T>) -> Option<T> {
        v.filter(|v| !v.as_ref().to_string_lossy().trim().is_empty())
    }
    DomainSettings {
        rdap_bootstrap: set(domain.rdap_bootstrap),
        whois_servers: set(domain.whois_servers),
        cache_dir: set(domain.cache_dir),
        ..domain
    }
}

/// Overrides of the points model (see the scoring docs); absent fields keep their defaults.
#[napi(object, object_to_js = false, object_from_js = false)]
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScoreOptions {
    /// Points at or above which a lead is HOT (default 60).
    pub hot_threshold: Option<i32>,
    /// Points at or above which a lead is WARM (default 30).
    pub warm_threshold: Option<i32>,
    /// The site is plain http.
    pub no_https: Option<i32>,
    /// https exists but http does not redirect to it.
    pub no_https_redirect: Option<i32>,
    /// The certificate has expired or expires within days.
    pub certificate_problem: Option<i32>,
    /// No viewport meta: not built for phones.
    pub not_mobile_ready: Option<i32>,
    /// The copyright year is older than last year.
    pub stale_copyright: Option<i32>,
    /// The home page is slow.
    pub slow_response: Option<i32>,
    /// The home page HTML is heavy.
    pub heavy_page: Option<i32>,
    /// An https page loads http resources.
    pub mixed_content: Option<i32>,
    /// The home page says `noindex` or robots.txt disallows `/`.
    pub not_indexable: Option<i32>,
    /// Outdated front-end libraries or CMS versions.
    pub outdated_libraries: Option<i32>,
    /// End-of-life server software.
    pub eol_software: Option<i32>,
    /// Built with a DIY site builder.
    pub diy_builder: Option<i32>,
    /// No `<title>`.
    pub missing_title: Option<i32>,
    /// No meta description.
    pub missing_description: Option<i32>,
    /// No analytics or tag manager on a reachable site.
    pub no_analytics: Option<i32>,
    /// At least `seoGapsMin` SEO basics missing.
    pub seo_gaps: Option<i32>,
    /// How many SEO basics must be missing for `seoGaps`.
    pub seo_gaps_min: Option<u32>,
    /// The domain is younger than `youngDomainDays`.
    pub young_domain: Option<i32>,
    /// Age in days under which a domain is young.
    pub young_domain_days: Option<i64>,
    /// The domain is at least `oldDomainDays` old and the site looks outdated.
    pub old_domain_outdated_site: Option<i32>,
    /// Age in days from which a domain is old.
    pub old_domain_days: Option<i64>,
    /// An email on the site's own domain.
    pub email_own_domain: Option<i32>,
    /// An email elsewhere, when none is on the own domain.
    pub email_other: Option<i32>,
    /// A valid phone number.
    pub phone: Option<i32>,
    /// At least one social profile.
    pub socials: Option<i32>,
    /// A contact form on the home page.
    pub contact_form: Option<i32>,
    /// A lead reachable only through social profiles (no email, no phone) is COLD (default
    /// true).
    pub social_only_is_cold: Option<bool>,
}

impl TryFrom<&ScoreOptions> for ScoreConfig {
    type Error = ApiError;

    /// The defaults with every given field replaced, validated. `ScoreConfig` reads the same
    /// camelCase names and fills absent ones with its defaults, so no field is listed here.
    fn try_from(options: &ScoreOptions) -> ApiResult<Self> {
        let mut given = serde_json::to_value(options)
            .map_err(|e| ApiError::internal(format!("score options: {e}")))?;
        if let Value::Object(map) = &mut given {
            map.retain(|_, v| !v.is_null());
        }
        let config: ScoreConfig = deserialize("score", given)?;
        config
            .validate()
            .map_err(|m| ApiError::options(format!("score: {m}")))?;
        Ok(config)
    }
}

/// Options of `extractContacts`.
#[napi(object, object_to_js = false, object_from_js = false)]
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExtractOptions {
    /// The page's URL: resolves relative links and tells the site's own domain (default `http://localhost/`).
    pub url: Option<String>,
    /// The business's country (ISO 3166 alpha-2), the strongest hint for national phone numbers.
    pub region: Option<String>,
    /// Fallback region when neither `region` nor the page says (default `US`).
    pub default_region: Option<String>,
}

/// Reads the `auditLead` options and returns the raw object for `signal` / `onProgress`.
pub fn read_audit_options<'env>(
    value: Option<&Unknown<'env>>,
) -> ApiResult<(AuditOptions, Option<Object<'env>>)> {
    Ok(
        match read_object::<AuditOptions>("options", value, &AuditOptions::JS_VALUES)? {
            Some((options, obj)) => (options, Some(obj)),
            None => (AuditOptions::default(), None),
        },
    )
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
    let opts = read_object::<ExtractOptions>("options", value, &[])?
        .map(|(o, _)| o)
        .unwrap_or_default();
    let url = match opts.url {
        None => {
            url::Url::parse("http://localhost/").map_err(|e| ApiError::internal(e.to_string()))?
        }
        Some(u) => url::Url::parse(&u).map_err(|e| {
            ApiError::options(format!("options.url {u:?} is not an absolute URL: {e}"))
        })?,
    };
    Ok(Extract {
        url,
        region: region("region", opts.region.as_deref())?,
        default_region: region("defaultRegion", opts.default_region.as_deref())?
            .unwrap_or_else(|| "US".to_owned()),
    })
}

/// Reads the `scoreLead` options.
pub fn read_score_options(value: Option<&Unknown<'_>>) -> ApiResult<ScoreConfig> {
    match read_object::<ScoreOptions>("options", value, &[])? {
        None => Ok(ScoreConfig::default()),
        Some((o, _)) => ScoreConfig::try_from(&o),
    }
}

/// A number of seconds: greater than 0, at most a day.
fn seconds(name: &str, v: Option<f64>) -> ApiResult<Option<f64>> {
    match v {
        Some(s) if !(s.is_finite() && s > 0.0 && s <= 86_400.0) => Err(ApiError::options(format!(
            "{name} must be a number of seconds greater than 0 and at most 86400, got {s}"
        ))),
        v => Ok(v),
    }
}

/// An ISO 3166 alpha-2 code, upper-cased.
fn region(name: &str, v: Option<&str>) -> ApiResult<Option<String>> {
    let Some(v) = v else { return Ok(None) };
    let code = v.trim().to_ascii_uppercase();
    if lead_audit_core::extract::parse_region(&code).is_none() {
        return Err(ApiError::options(format!(
            "{name} must be an ISO 3166 alpha-2 country code such as \"US\" or \"DE\", got {code:?}"
        )));
    }
    Ok(Some(code))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use lead_audit_core::AuditOptions as CoreOptions;
    use serde_json::json;

    use super::*;
    use crate::error::Code;

    fn read(v: Value) -> ApiResult<AuditOptions> {
        deserialize("options", v)
    }

    fn core(o: &AuditOptions) -> ApiResult<CoreOptions> {
        Ok(o.to_settings(DomainSettings::default())?.to_options()?)
    }

    #[test]
    fn defaults_are_the_cli_defaults() {
        let options = core(&AuditOptions::default()).expect("defaults are valid");
        let cli = CoreOptions::default();
        assert_eq!(options.max_pages, cli.max_pages);
        assert_eq!(options.timeout, cli.timeout);
        assert_eq!(options.request_timeout, cli.request_timeout);
        assert_eq!(options.default_region, "US");
        assert_eq!(options.user_agent, cli.user_agent);
        assert!(!options.allow_private_networks);
        assert!(options.domain_lookup);
    }

    #[test]
    fn values_are_converted() {
        let o = read(json!({
            "timeout": 2.5, "maxPages": 0, "browser": "never", "defaultRegion": "de",
            "allowPrivateNetworks": true, "domainLookup": false,
            "resolve": ["shop.test:127.0.0.1"], "browserTabs": 2, "browserTimeout": 4,
        }))
        .expect("valid");
        let settings = o.to_settings(DomainSettings::default()).expect("valid");
        assert!(settings.browser_config().is_none());
        let c = settings.to_options().expect("valid");
        assert_eq!(c.timeout, Duration::from_millis(2500));
        assert_eq!(c.max_pages, 0);
        assert_eq!(c.browser, lead_audit_core::BrowserMode::Never);
        assert_eq!(c.default_region, "DE");
        assert_eq!(c.resolve.len(), 1);
        assert!(c.allow_private_networks && !c.domain_lookup);
        assert_eq!(
            c.fingerprint_precedence,
            lead_audit_core::DatasetPrecedence::BuiltIn
        );
        let o = read(json!({"fingerprintsWin": true})).expect("valid");
        assert_eq!(
            core(&o).expect("valid").fingerprint_precedence,
            lead_audit_core::DatasetPrecedence::Dataset
        );

        let o = read(json!({"browserTabs": 2, "browserTimeout": 4})).expect("valid");
        let browser = o
            .to_settings(DomainSettings::default())
            .expect("valid")
            .browser_config()
            .expect("browser on");
        assert_eq!(browser.tabs, 2);
        assert_eq!(browser.page_timeout, Duration::from_secs(4));
    }

    #[test]
    fn domain_locations_are_kept_and_the_lookup_switch_is_the_option() {
        let env = DomainSettings {
            no_domain_lookup: true,
            rdap_bootstrap: Some("http://127.0.0.1:9/dns.json".into()),
            ..DomainSettings::default()
        };
        let s = AuditOptions::default().to_settings(env).expect("valid");
        assert!(!s.domain.no_domain_lookup);
        assert_eq!(
            s.domain.rdap_bootstrap.as_deref(),
            Some("http://127.0.0.1:9/dns.json")
        );
    }

    #[test]
    fn blank_domain_variables_count_as_unset() {
        let d = without_blanks(DomainSettings {
            rdap_bootstrap: Some(" ".into()),
            whois_servers: Some(PathBuf::new()),
            cache_dir: Some(PathBuf::from("/tmp/lead-audit-cache")),
            ..DomainSettings::default()
        });
        assert_eq!(d.rdap_bootstrap, None);
        assert_eq!(d.whois_servers, None);
        assert_eq!(d.cache_dir, Some(PathBuf::from("/tmp/lead-audit-cache")));
        assert!(domain_from_env().is_ok());
    }

    #[test]
    fn bad_values_name_the_option() {
        let cases = [
            (json!({"timeout": 0}), "timeout"),
            (json!({"timeout": -1}), "timeout"),
            (json!({"timeout": "soon"}), "timeout"),
            (json!({"requestTimeout": 100000}), "requestTimeout"),
            (json!({"browserTimeout": 0}), "browserTimeout"),
            (json!({"maxPages": -1}), "maxPages"),
            (json!({"maxPages": 1.5}), "maxPages"),
            (json!({"maxPages": 1000}), "maxPages"),
            (json!({"maxpages": 2}), "maxpages"),
            (json!({"browser": "sometimes"}), "browser"),
            (json!({"defaultRegion": "Atlantis"}), "defaultRegion"),
            (json!({"userAgent": " "}), "userAgent"),
            (json!({"resolve": ["shop.test"]}), "resolve"),
            (json!({"browserTabs": 0}), "browserTabs"),
            (json!({"chromePath": ""}), "chromePath"),
            (json!({"score": {"hotthreshold": 1}}), "hotthreshold"),
        ];
        for (case, name) in cases {
            let e = read(case.clone())
                .and_then(|o| core(&o))
                .expect_err(&case.to_string());
            assert_eq!(e.code, Code::InvalidOptions);
            assert!(
                e.message.contains(name),
                "{} does not name {name}",
                e.message
            );
        }
    }

    #[test]
    fn score_overrides_keep_the_other_defaults() {
        let s = ScoreOptions {
            hot_threshold: Some(80),
            ..ScoreOptions::default()
        };
        let c = ScoreConfig::try_from(&s).expect("valid");
        assert_eq!(c.hot_threshold, 80);
        assert_eq!(c.warm_threshold, ScoreConfig::default().warm_threshold);
        let s = ScoreOptions {
            warm_threshold: Some(90),
            ..s
        };
        let e = ScoreConfig::try_from(&s).expect_err("warm above hot");
        assert!(e.message.contains("threshold"), "{}", e.message);
    }

    /// `ScoreOptions` names exactly the fields of `ScoreConfig`, with types that hold them.
    #[test]
    fn score_options_mirror_the_score_config() {
        let config = serde_json::to_value(ScoreConfig::default()).expect("serializes");
        let options: ScoreOptions = deserialize("score", config.clone()).expect("every field");
        assert_eq!(serde_json::to_value(&options).expect("serializes"), config);
        assert_eq!(
            ScoreConfig::try_from(&options).expect("valid"),
            ScoreConfig::default()
        );
    }
}
