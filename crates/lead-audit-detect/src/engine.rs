//! A dataset compiled for matching: one pattern group per input kind, technology
//! relations resolved to indices.

use crate::dataset::{Category, Dataset, Provenance, RawTech};
use crate::dom::DomRules;
use crate::evidence::Evidence;
use crate::group::{Group, Hit, NamedGroups};
use crate::merge::normalize;
use crate::pattern::Pattern;
use crate::text::{visible_text, TEXT_CAP};
use crate::DetectInput;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// HTML beyond this is not scanned: fingerprints sit in the head and the first screens.
const HTML_CAP: usize = 2 << 20;
/// Per inline script, and for all inline scripts together.
const SCRIPT_CAP: usize = 512 << 10;
const SCRIPTS_TOTAL_CAP: usize = 2 << 20;
/// robots.txt: rules naming a platform's paths sit at the top of the file.
pub(crate) const ROBOTS_CAP: usize = 64 << 10;
/// A certificate issuer's name is short; anything longer is not one.
const CERT_ISSUER_CAP: usize = 1 << 10;

/// A technology's identity and relations.
#[derive(Debug)]
pub(crate) struct TechInfo {
    pub name: String,
    pub cats: Vec<u32>,
    /// Implied technology and the confidence of the implication.
    pub implies: Vec<(usize, u8)>,
    pub excludes: Vec<usize>,
    pub requires: Vec<usize>,
    pub requires_cats: Vec<u32>,
    /// CPE name, when the entry gives one.
    pub cpe: Option<String>,
    /// Which of its rules and relations are the embedded set's.
    pub builtin: Provenance,
}

/// The compiled dataset.
#[derive(Debug, Default)]
pub(crate) struct Engine {
    pub techs: Vec<TechInfo>,
    pub categories: BTreeMap<u32, Category>,
    html: Group,
    url: Group,
    script_src: Group,
    scripts: Group,
    robots: Group,
    cert_issuer: Group,
    text: Group,
    headers: NamedGroups,
    cookies: NamedGroups,
    meta: NamedGroups,
    js: NamedGroups,
    dom: DomRules,
    /// Patterns and selectors that could not be compiled.
    pub skipped: usize,
}

impl Engine {
    /// Compiles every pattern of `data`. Bad patterns are counted and skipped.
    pub fn compile(data: Dataset) -> Engine {
        let mut e = Engine {
            categories: data.categories,
            ..Engine::default()
        };
        // Relations name technologies by any spelling; the first entry of a spelling wins.
        let mut index: HashMap<String, usize> = HashMap::new();
        for (i, name) in data.technologies.keys().enumerate() {
            index.entry(normalize(name)).or_insert(i);
        }
        let mut next_id = 0usize;
        for (t, (name, raw)) in data.technologies.iter().enumerate() {
            e.techs.push(relations(name, raw, &index));
            let mut add = |group: &mut dyn FnMut(usize, Pattern),
                           raw: &str,
                           skipped: &mut usize| {
                match Pattern::parse(raw) {
                    Ok(p) => {
                        group(next_id, p);
                        next_id += 1;
                    }
                    Err(reason) => {
                        tracing::debug!(technology = %name, pattern = raw, reason = reason.0, "pattern skipped");
                        *skipped += 1;
                    }
                }
            };
            let mut skipped = 0;
            for (list, group, kind) in [
                (&raw.html, &mut e.html, Evidence::Html),
                (&raw.url, &mut e.url, Evidence::Url),
                (&raw.script_src, &mut e.script_src, Evidence::ScriptSrc),
                (&raw.scripts, &mut e.scripts, Evidence::Script),
                (&raw.robots, &mut e.robots, Evidence::Robots),
                (&raw.cert_issuer, &mut e.cert_issuer, Evidence::CertIssuer),
                (&raw.text, &mut e.text, Evidence::Text),
            ] {
                for p in list {
                    add(&mut |id, pat| group.push(t, id, pat, kind), p, &mut skipped);
                }
            }
            for (map, groups, lower, kind) in [
                (&raw.headers, &mut e.headers, true, Evidence::Header),
                (&raw.cookies, &mut e.cookies, true, Evidence::Cookie),
                (&raw.meta, &mut e.meta, true, Evidence::Meta),
                (&raw.js, &mut e.js, false, Evidence::Js),
            ] {
                for (key, patterns) in map {
                    let key = if lower {
                        key.to_ascii_lowercase()
                    } else {
                        key.clone()
                    };
                    for p in patterns {
                        add(
                            &mut |id, pat| groups.push(key.clone(), t, id, pat, kind),
                            p,
                            &mut skipped,
                        );
                    }
                }
            }
            if let Some(dom) = &raw.dom {
                skipped += e.dom.push(t, dom);
            }
            e.skipped += skipped;
        }
        e.html.finish_sharing(e.dom.take_literals());
        for g in [
            &mut e.url,
            &mut e.script_src,
            &mut e.scripts,
            &mut e.robots,
            &mut e.cert_issuer,
            &mut e.text,
        ] {
            g.finish();
        }
        for g in [&mut e.headers, &mut e.cookies, &mut e.meta, &mut e.js] {
            g.finish();
        }
        e
    }

    /// Every pattern match on one page, before implies / excludes.
    pub fn hits(&self, input: &DetectInput<'_>) -> Vec<Hit> {
        let mut hits = Vec::new();
        self.url.run(input.url.as_bytes(), &mut hits);
        let html = cap(input.html.as_bytes(), HTML_CAP);
        let dom_seen = self.html.run_sharing(html, &mut hits);
        for (name, value) in input.headers {
            self.headers.run(&lower(name), value.as_bytes(), &mut hits);
        }
        let cookies = match input.cookies {
            [] => Cow::Owned(cookies_from_headers(input.headers)),
            given => Cow::Borrowed(given),
        };
        for (name, value) in cookies.iter() {
            self.cookies.run(&lower(name), value.as_bytes(), &mut hits);
        }
        // A caller that gathered any of them gathered all: an empty list is then the page's
        // answer, and walking the tree again would find nothing more.
        let need_parts =
            input.meta.is_empty() && input.script_srcs.is_empty() && input.scripts.is_empty();
        let parts = match input.doc {
            Some(doc) if need_parts => DocParts::from_doc(doc),
            _ => DocParts::default(),
        };
        let meta = pick(input.meta, &parts.meta);
        for (name, value) in meta {
            self.meta.run(&lower(name), value.as_bytes(), &mut hits);
        }
        if !self.script_src.is_empty() {
            for src in pick(input.script_srcs, &parts.script_srcs) {
                self.script_src.run(src.as_bytes(), &mut hits);
            }
        }
        if !self.scripts.is_empty() {
            let mut budget = SCRIPTS_TOTAL_CAP;
            for script in pick(input.scripts, &parts.scripts) {
                let text = cap(cap(script.as_bytes(), SCRIPT_CAP), budget);
                budget -= text.len();
                self.scripts.run(text, &mut hits);
                if budget == 0 {
                    break;
                }
            }
        }
        for (path, value) in input.js {
            self.js.run(path, value.as_bytes(), &mut hits);
        }
        if let Some(robots) = input.robots {
            self.robots
                .run(cap(robots.as_bytes(), ROBOTS_CAP), &mut hits);
        }
        if let Some(issuer) = input.cert_issuer {
            self.cert_issuer
                .run(cap(issuer.as_bytes(), CERT_ISSUER_CAP), &mut hits);
        }
        if !self.text.is_empty() {
            // Read from the document only when some fingerprint asks for the text.
            let derived;
            let text = match (input.text, input.doc) {
                (Some(text), _) => Some(text),
                (None, Some(doc)) => {
                    derived = visible_text(doc);
                    Some(derived.as_str())
                }
                (None, None) => None,
            };
            if let Some(text) = text {
                self.text.run(cap(text.as_bytes(), TEXT_CAP), &mut hits);
            }
        }
        if let Some(doc) = input.doc {
            self.dom.run(dom_seen.as_deref(), doc, &mut hits);
        }
        hits
    }

    /// JavaScript global paths fingerprints ask about, sorted.
    pub fn js_paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = self.js.names().map(str::to_owned).collect();
        paths.sort();
        paths
    }
}

fn relations(name: &str, raw: &RawTech, index: &HashMap<String, usize>) -> TechInfo {
    let lookup = |what: &str, target: &str| {
        let found = index.get(&normalize(target)).copied();
        if found.is_none() {
            tracing::debug!(
                technology = name,
                target,
                what,
                "unknown technology referenced"
            );
        }
        found
    };
    let implies = raw
        .implies
        .iter()
        .filter_map(|s| {
            let p = Pattern::parse(&format!("\\;{}", s.split_once("\\;").map_or("", |x| x.1)));
            let confidence = p.map_or(100, |p| p.confidence);
            let target = s.split("\\;").next().unwrap_or_default().trim();
            Some((lookup("implies", target)?, confidence))
        })
        .collect();
    let names = |list: &[String], what: &str| {
        list.iter()
            .filter_map(|s| lookup(what, s.split("\\;").next().unwrap_or_default().trim()))
            .collect()
    };
    TechInfo {
        name: name.to_owned(),
        cats: raw.cats.clone(),
        implies,
        excludes: names(&raw.excludes, "excludes"),
        requires: names(&raw.requires, "requires"),
        requires_cats: raw.requires_category.clone(),
        cpe: raw.cpe.clone(),
        builtin: raw.builtin,
    }
}

/// Meta, script URLs and inline scripts read from the parsed document when the caller
/// did not pass them.
#[derive(Default)]
struct DocParts {
    meta: Vec<(String, String)>,
    script_srcs: Vec<String>,
    scripts: Vec<String>,
}

impl DocParts {
    fn from_doc(doc: &scraper::Html) -> DocParts {
        static META: std::sync::LazyLock<Option<scraper::Selector>> =
            std::sync::LazyLock::new(|| scraper::Selector::parse("meta[content]").ok());
        static SCRIPT: std::sync::LazyLock<Option<scraper::Selector>> =
            std::sync::LazyLock::new(|| scraper::Selector::parse("script").ok());
        let mut parts = DocParts::default();
        if let Some(sel) = META.as_ref() {
            for m in doc.select(sel) {
                let v = m.value();
                if let (Some(name), Some(content)) = (
                    v.attr("name").or_else(|| v.attr("property")),
                    v.attr("content"),
                ) {
                    parts
                        .meta
                        .push((name.to_ascii_lowercase(), content.to_owned()));
                }
            }
        }
        if let Some(sel) = SCRIPT.as_ref() {
            for s in doc.select(sel) {
                match s.value().attr("src") {
                    Some(src) => parts.script_srcs.push(src.to_owned()),
                    None => parts.scripts.push(s.text().collect()),
                }
            }
        }
        parts
    }
}

/// The caller's list when given, else the one read from the document.
fn pick<'a, T>(given: &'a [T], derived: &'a [T]) -> &'a [T] {
    if given.is_empty() {
        derived
    } else {
        given
    }
}

fn cap(bytes: &[u8], max: usize) -> &[u8] {
    &bytes[..bytes.len().min(max)]
}

fn lower(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// `set-cookie` headers read as (name, value) pairs, names lowercased.
pub(crate) fn cookies_from_headers(headers: &[(String, String)]) -> Vec<(String, String)> {
    headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .filter_map(|(_, v)| {
            let (name, value) = v.split(';').next()?.split_once('=')?;
            Some((name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        })
        .collect()
}
