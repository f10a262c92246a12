//! Technology detection: a Wappalyzer-format fingerprint engine.
//!
//! The engine groups every pattern by input kind (html, script URLs, each header name, …).
//! Per group, one Aho-Corasick scan finds the required literals of all patterns and one
//! `RegexSet` covers the patterns without a literal, so a page is matched in one pass; only
//! the candidate patterns then run their own regex to capture versions. `implies`,
//! `requires` and `excludes` are resolved last.
//!
//! A loaded dataset is merged with the embedded fingerprints by normalised name (see
//! [`DatasetPrecedence`] and docs/detect.md).

mod dataset;
mod dom;
mod engine;
mod evidence;
mod group;
mod literal;
mod merge;
mod pattern;
mod prefilter;
#[cfg(test)]
mod proptests;
mod resolve;
mod text;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

use dataset::Dataset;
use engine::Engine;
pub use evidence::Evidence;
pub use merge::DatasetPrecedence;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::LazyLock;

/// One detected technology, as it appears in `AuditResult.technologies`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Technology {
    /// Wappalyzer's name, e.g. `WordPress`, `Google Analytics`.
    pub name: String,
    /// Captured version, when a pattern captures one.
    pub version: Option<String>,
    /// Wappalyzer category names, e.g. `CMS`, `Analytics`.
    pub categories: Vec<String>,
    /// 0..=100.
    pub confidence: u8,
    /// The kinds of rule that matched, sorted; `[implied]` when only implied by another.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// The fingerprint's CPE name, when it gives one.
    #[serde(default)]
    pub cpe: Option<String>,
}

/// Everything the engine can look at for one page. Header and cookie names are lowercase.
#[derive(Debug, Default, Clone, Copy)]
pub struct DetectInput<'a> {
    /// The page URL.
    pub url: &'a str,
    /// Response headers, names lowercased.
    pub headers: &'a [(String, String)],
    /// Cookies set by the response (name, value), names lowercased.
    pub cookies: &'a [(String, String)],
    /// The raw HTML.
    pub html: &'a str,
    /// The parsed document, for `dom` selectors; when absent `dom` patterns are skipped.
    pub doc: Option<&'a scraper::Html>,
    /// `<meta name|property=… content=…>` pairs, names lowercased. When this, `script_srcs`
    /// and `scripts` are all empty, the three are read from `doc`.
    pub meta: &'a [(String, String)],
    /// `src` of every `<script>`, absolute or as written.
    pub script_srcs: &'a [String],
    /// Text of inline `<script>` elements.
    pub scripts: &'a [String],
    /// JavaScript globals seen by a browser (property path, stringified value).
    pub js: &'a [(String, String)],
    /// The site's robots.txt body (the first 64 KiB are matched).
    pub robots: Option<&'a str>,
    /// The issuer of the site's TLS certificate (organisation and common name).
    pub cert_issuer: Option<&'a str>,
    /// The page's visible text; when absent and some fingerprint has `text` patterns, it is
    /// read from `doc` (the body's text outside scripts and styles, first 256 KiB).
    pub text: Option<&'a str>,
}

/// Why a fingerprint dataset could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read.
    #[error("reading {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A file is not valid Wappalyzer-format JSON.
    #[error("parsing {path}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

/// A compiled fingerprint set. Cheap to share: matching takes `&self`.
#[derive(Debug)]
pub struct Detector {
    engine: Engine,
}

static EMBEDDED: LazyLock<Detector> = LazyLock::new(|| Detector {
    engine: Engine::compile(embedded_dataset()),
});

/// The shipped dataset, every field marked as the embedded set's. The files are checked by
/// the crate's tests, so a parse error here is a packaging bug: it is logged and that file
/// left out rather than aborting.
fn embedded_dataset() -> Dataset {
    let mut data = Dataset::parse_categories("categories.json", embedded::CATEGORIES)
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "embedded categories unreadable");
            Dataset::default()
        });
    for (name, text) in embedded::TECHNOLOGY_FILES {
        match Dataset::parse_technologies(name, text) {
            Ok(d) => data.extend(d),
            Err(e) => tracing::error!(error = %e, "embedded fingerprints unreadable"),
        }
    }
    data.mark_builtin();
    data
}

/// Builds a [`Detector`]: the embedded fingerprints, optionally with a dataset merged in.
#[derive(Debug, Clone, Default)]
pub struct DetectorBuilder {
    dataset: Option<PathBuf>,
    precedence: DatasetPrecedence,
}

impl DetectorBuilder {
    /// Merges the Wappalyzer-format dataset at `path` (a directory of `technologies/*.json`
    /// + `categories.json`, or one JSON file) with the embedded fingerprints.
    pub fn dataset(mut self, path: impl Into<PathBuf>) -> Self {
        self.dataset = Some(path.into());
        self
    }

    /// Which side wins a field both define (default: the embedded entry).
    pub fn precedence(mut self, precedence: DatasetPrecedence) -> Self {
        self.precedence = precedence;
        self
    }

    /// Loads, merges and compiles.
    pub fn build(self) -> Result<Detector, Error> {
        let Some(path) = &self.dataset else {
            return Ok(Detector {
                engine: Engine::compile(embedded_dataset()),
            });
        };
        let loaded = Dataset::load(path)?;
        let data = merge::overlay(embedded_dataset(), loaded, self.precedence);
        let nameless = data.nameless;
        let engine = Engine::compile(data);
        tracing::info!(
            path = %path.display(),
            technologies = engine.techs.len(),
            skipped_patterns = engine.skipped,
            nameless,
            precedence = ?self.precedence,
            "fingerprint dataset loaded"
        );
        Ok(Detector { engine })
    }
}

impl Detector {
    /// The fingerprints shipped with the project, compiled once per process.
    pub fn embedded() -> &'static Detector {
        &EMBEDDED
    }

    /// A builder: the embedded fingerprints, a dataset, which side wins.
    pub fn builder() -> DetectorBuilder {
        DetectorBuilder::default()
    }

    /// The embedded fingerprints merged with a Wappalyzer-format dataset at `path` (a
    /// directory of `technologies/*.json` + `categories.json`, or one JSON file); the
    /// embedded entries win fields both define ([`DatasetPrecedence::BuiltIn`]).
    pub fn with_dataset(path: &std::path::Path) -> Result<Detector, Error> {
        Detector::builder().dataset(path).build()
    }

    /// All technologies found on one page, implies and excludes resolved.
    ///
    /// Cookies come from `input.cookies`; when that is empty, `set-cookie` headers are read.
    /// When `input.doc` is given and `meta` / `script_srcs` / `scripts` are empty, they are
    /// read from the document.
    pub fn detect(&self, input: &DetectInput<'_>) -> Vec<Technology> {
        resolve::resolve(&self.engine, self.engine.hits(input))
    }

    /// JavaScript global paths the fingerprints ask about (for a browser to read).
    pub fn js_paths(&self) -> Vec<String> {
        self.engine.js_paths()
    }

    /// How many technologies the set holds.
    pub fn technology_count(&self) -> usize {
        self.engine.techs.len()
    }

    /// How many patterns or selectors were left out because they could not be compiled
    /// (JavaScript-only regex syntax such as back-references, unsupported selectors).
    pub fn skipped_patterns(&self) -> usize {
        self.engine.skipped
    }
}

/// Merges technologies found on another page: highest confidence and first version win,
/// evidence is joined (`implied` only while no rule found the technology).
pub fn merge(into: &mut Vec<Technology>, more: Vec<Technology>) {
    for t in more {
        match into.iter_mut().find(|x| x.name == t.name) {
            Some(x) => {
                x.confidence = x.confidence.max(t.confidence);
                if x.version.is_none() {
                    x.version = t.version;
                }
                if x.cpe.is_none() {
                    x.cpe = t.cpe;
                }
                x.evidence.extend(t.evidence);
                x.evidence.sort_unstable();
                x.evidence.dedup();
                if x.evidence.len() > 1 {
                    x.evidence.retain(|e| *e != Evidence::Implied);
                }
            }
            None => into.push(t),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_dataset_is_consistent() {
        let data = embedded_dataset();
        assert!(
            data.technologies.len() >= 150,
            "{}",
            data.technologies.len()
        );
        for (name, tech) in &data.technologies {
            assert!(!tech.cats.is_empty(), "{name} has no category");
            for c in &tech.cats {
                assert!(
                    data.categories.contains_key(c),
                    "{name}: unknown category {c}"
                );
            }
            for target in tech
                .implies
                .iter()
                .chain(&tech.excludes)
                .chain(&tech.requires)
            {
                let target = target.split("\\;").next().unwrap_or_default();
                assert!(
                    data.technologies.contains_key(target),
                    "{name} refers to unknown {target}"
                );
            }
        }
        assert_eq!(Detector::embedded().skipped_patterns(), 0);
        assert_eq!(data.nameless, 0);
    }

    #[test]
    fn evidence_of_pages_is_joined() {
        let t = |evidence: Vec<Evidence>| Technology {
            name: "T".into(),
            version: None,
            categories: vec![],
            confidence: 50,
            evidence,
            cpe: None,
        };
        let mut all = vec![t(vec![Evidence::Implied])];
        merge(&mut all, vec![t(vec![Evidence::Html, Evidence::Header])]);
        assert_eq!(all[0].evidence, [Evidence::Header, Evidence::Html]);
        merge(&mut all, vec![t(vec![Evidence::Implied])]);
        assert_eq!(all[0].evidence, [Evidence::Header, Evidence::Html]);
    }

    #[test]
    fn old_json_without_evidence_reads() {
        let t: Technology = serde_json::from_str(
            r#"{"name":"WordPress","version":null,"categories":["CMS"],"confidence":100}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(t.evidence.is_empty());
        assert_eq!(t.cpe, None);
        let json = serde_json::to_string(&Technology {
            evidence: vec![Evidence::ScriptSrc, Evidence::CertIssuer],
            cpe: Some("cpe:2.3:a:x:y:*:*:*:*:*:*:*:*".into()),
            ..t
        })
        .unwrap_or_default();
        assert!(
            json.contains(r#""evidence":["scriptSrc","certIssuer"]"#),
            "{json}"
        );
    }
}
