//! Builds a `DetectInput` the way the pipeline does: parse once, pass the parts.
// Each test file uses a part of the helpers.
#![allow(dead_code)]

use lead_audit_detect::{DetectInput, Detector, Technology};

/// One fetched page.
pub struct Page<'a> {
    pub url: &'a str,
    pub headers: Vec<(String, String)>,
    pub html: &'a str,
    pub js: Vec<(String, String)>,
}

impl<'a> Page<'a> {
    pub fn new(url: &'a str, html: &'a str) -> Self {
        Page {
            url,
            headers: Vec::new(),
            html,
            js: Vec::new(),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn js(mut self, path: &str, value: &str) -> Self {
        self.js.push((path.to_owned(), value.to_owned()));
        self
    }

    /// Detects with the document parsed; meta and scripts are read from it by the engine.
    pub fn detect(&self, detector: &Detector) -> Vec<Technology> {
        let doc = scraper::Html::parse_document(self.html);
        detector.detect(&DetectInput {
            url: self.url,
            headers: &self.headers,
            html: self.html,
            doc: Some(&doc),
            js: &self.js,
            ..DetectInput::default()
        })
    }
}

/// The technology named `name`, if found.
pub fn find<'t>(techs: &'t [Technology], name: &str) -> Option<&'t Technology> {
    techs.iter().find(|t| t.name == name)
}

/// Asserts `name` was found and returns it.
#[track_caller]
pub fn found<'t>(techs: &'t [Technology], name: &str) -> &'t Technology {
    find(techs, name).unwrap_or_else(|| {
        let names: Vec<_> = techs.iter().map(|t| t.name.as_str()).collect();
        panic!("{name} not detected; found {names:?}")
    })
}

/// Asserts `name` was found with `version`.
#[track_caller]
pub fn found_version(techs: &[Technology], name: &str, version: &str) {
    let t = found(techs, name);
    assert_eq!(t.version.as_deref(), Some(version), "version of {name}");
}
