//! Technology detection: a Wappalyzer-format fingerprint engine.
//!
//! The engine compiles every pattern of every technology into a few `RegexSet`s (one per
//! input kind), so a page is matched in one pass, then resolves `implies` / `excludes`.

use serde::{Deserialize, Serialize};

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
    /// `<meta name|property=… content=…>` pairs, names lowercased.
    pub meta: &'a [(String, String)],
    /// `src` of every `<script>`, absolute or as written.
    pub script_srcs: &'a [String],
    /// Text of inline `<script>` elements.
    pub scripts: &'a [String],
    /// JavaScript globals seen by a browser (property path, stringified value).
    pub js: &'a [(String, String)],
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

/// A compiled fingerprint set.
#[derive(Debug)]
pub struct Detector {}

impl Detector {
    /// The fingerprints shipped with the project, compiled once per process.
    pub fn embedded() -> &'static Detector {
        todo!("detect helper")
    }

    /// The embedded fingerprints plus a Wappalyzer-format dataset at `path` (a directory of
    /// `technologies/*.json` + `categories.json`, or one JSON file). Entries at `path` win.
    pub fn with_dataset(path: &std::path::Path) -> Result<Detector, Error> {
        let _ = path;
        todo!("detect helper")
    }

    /// All technologies found on one page, implies and excludes resolved.
    pub fn detect(&self, input: &DetectInput<'_>) -> Vec<Technology> {
        let _ = input;
        todo!("detect helper")
    }

    /// JavaScript global paths the fingerprints ask about (for a browser to read).
    pub fn js_paths(&self) -> Vec<String> {
        todo!("detect helper")
    }
}

/// Merges technologies found on another page: highest confidence and first version win.
pub fn merge(into: &mut Vec<Technology>, more: Vec<Technology>) {
    for t in more {
        match into.iter_mut().find(|x| x.name == t.name) {
            Some(x) => {
                x.confidence = x.confidence.max(t.confidence);
                if x.version.is_none() {
                    x.version = t.version;
                }
            }
            None => into.push(t),
        }
    }
}
