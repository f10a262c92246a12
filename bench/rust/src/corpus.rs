//! The generated corpus as written by `bench/corpus/gen.mjs`: `manifest.json` beside the
//! page files.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use bytes::Bytes;
use serde::Deserialize;

/// One site of the manifest.
#[derive(Debug, Deserialize)]
pub struct SiteSpec {
    /// Loopback address the site listens on (its own "host").
    pub host: String,
    /// `ok`, `slow`, `e500`, `hang` or `nothtml`.
    pub behavior: String,
    /// Delay before every answer (slow sites).
    #[serde(default)]
    pub delay_ms: u64,
    /// Extra response headers (`server`, `x-powered-by`, `set-cookie`…).
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// Path → page.
    pub pages: HashMap<String, PageSpec>,
}

/// One file served at a path.
#[derive(Debug, Deserialize)]
pub struct PageSpec {
    /// File under the corpus directory.
    pub file: String,
    /// Content-Type.
    #[serde(rename = "type")]
    pub content_type: String,
    /// Status (200 unless the page is broken).
    #[serde(default = "ok")]
    pub status: u16,
}

fn ok() -> u16 {
    200
}

/// The manifest.
#[derive(Debug, Deserialize)]
pub struct Manifest {
    /// Port every site listens on.
    pub port: u16,
    /// The sites.
    pub sites: Vec<SiteSpec>,
}

/// A page held in memory.
#[derive(Debug, Clone)]
pub struct Page {
    pub status: u16,
    pub content_type: String,
    pub body: Bytes,
}

/// A site held in memory.
#[derive(Debug)]
pub struct Site {
    pub behavior: String,
    pub delay_ms: u64,
    pub headers: Vec<(String, String)>,
    pub pages: HashMap<String, Page>,
}

/// Reads the manifest and every file it names.
pub fn load(dir: &Path) -> anyhow::Result<(Manifest, Vec<Site>)> {
    let text = std::fs::read_to_string(dir.join("manifest.json"))
        .with_context(|| format!("reading {}/manifest.json", dir.display()))?;
    let manifest: Manifest = serde_json::from_str(&text).context("parsing manifest.json")?;
    let mut sites = Vec::with_capacity(manifest.sites.len());
    for spec in &manifest.sites {
        let mut pages = HashMap::new();
        for (path, p) in &spec.pages {
            let body =
                std::fs::read(dir.join(&p.file)).with_context(|| format!("reading {}", p.file))?;
            pages.insert(
                path.clone(),
                Page {
                    status: p.status,
                    content_type: p.content_type.clone(),
                    body: Bytes::from(body),
                },
            );
        }
        sites.push(Site {
            behavior: spec.behavior.clone(),
            delay_ms: spec.delay_ms,
            headers: spec.headers.clone(),
            pages,
        });
    }
    Ok((manifest, sites))
}
