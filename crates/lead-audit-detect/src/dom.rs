//! `dom` fingerprints: CSS selectors with optional text / attribute patterns. A selector
//! is only run when a literal it needs (id, class, attribute name or value) occurs in the
//! raw HTML, found by the same scan that prefilters the `html` patterns.
//!
//! A parser with scripting on (as browsers and ours are) keeps `<noscript>` content as text,
//! yet sites put their tracking pixels and widget fallbacks there. Rules that found nothing
//! in the document are run again on that content, parsed as a fragment within
//! [`NOSCRIPT_CAP`] bytes per page.

use crate::evidence::Evidence;
use crate::group::Hit;
use crate::pattern::Pattern;
use scraper::{ElementRef, Html, Selector};
use serde_json::Value;
use std::collections::HashMap;

/// Rule ids live above the ids of regex patterns.
const ID_BASE: usize = usize::MAX / 2;

/// Bytes of `<noscript>` content parsed per page: pixels and fallbacks are a few hundred bytes,
/// and the cap bounds the cost of a page that hides megabytes of markup there.
pub(crate) const NOSCRIPT_CAP: usize = 16 * 1024;

/// What to test on the elements a selector finds.
#[derive(Debug)]
enum Check {
    Exists,
    Text(Pattern),
    Attribute(String, Pattern),
}

#[derive(Debug)]
struct Rule {
    tech: usize,
    id: usize,
    selector: Selector,
    check: Check,
    confidence: u8,
}

/// Every `dom` rule of a dataset.
#[derive(Debug, Default)]
pub(crate) struct DomRules {
    rules: Vec<Rule>,
    /// Pending literals per rule (`None` = always run) until `finish`.
    literals: Vec<Option<Vec<String>>>,
    owners: Vec<Vec<usize>>,
    always: Vec<usize>,
}

impl DomRules {
    /// Adds the `dom` field of a technology; returns how many parts were skipped.
    pub fn push(&mut self, tech: usize, dom: &Value) -> usize {
        let mut skipped = 0;
        match dom {
            Value::String(s) => skipped += self.add_exists(tech, s),
            Value::Array(items) => {
                for s in items.iter().filter_map(Value::as_str) {
                    skipped += self.add_exists(tech, s);
                }
            }
            Value::Object(map) => {
                for (sel, spec) in map {
                    skipped += self.add_spec(tech, sel, spec);
                }
            }
            _ => skipped += 1,
        }
        skipped
    }

    fn add_exists(&mut self, tech: usize, raw: &str) -> usize {
        // A bare selector may carry `\;confidence:`; the pattern parser reads that part.
        let (sel, rest) = raw.split_once("\\;").unwrap_or((raw, ""));
        let confidence = Pattern::parse(&format!("\\;{rest}")).map_or(100, |p| p.confidence);
        self.add(tech, sel, Check::Exists, confidence)
    }

    fn add_spec(&mut self, tech: usize, sel: &str, spec: &Value) -> usize {
        let Value::Object(spec) = spec else {
            return self.add_exists(tech, sel);
        };
        let mut skipped = 0;
        if spec.contains_key("exists") {
            skipped += self.add(tech, sel, Check::Exists, 100);
        }
        if let Some(text) = spec.get("text").and_then(Value::as_str) {
            skipped += self.add_pattern(tech, sel, text, Check::Text);
        }
        if let Some(Value::Object(attrs)) = spec.get("attributes") {
            for (name, pat) in attrs {
                let name = name.to_ascii_lowercase();
                let pat = pat.as_str().unwrap_or_default();
                skipped += self.add_pattern(tech, sel, pat, |p| Check::Attribute(name.clone(), p));
            }
        }
        // `properties` are DOM properties only a browser can read: not matched here.
        skipped
    }

    fn add_pattern(
        &mut self,
        tech: usize,
        sel: &str,
        raw: &str,
        make: impl FnOnce(Pattern) -> Check,
    ) -> usize {
        match Pattern::parse(raw) {
            Ok(p) => {
                let confidence = p.confidence;
                self.add(tech, sel, make(p), confidence)
            }
            Err(e) => {
                tracing::debug!(selector = sel, reason = e.0, "dom pattern skipped");
                1
            }
        }
    }

    fn add(&mut self, tech: usize, sel: &str, check: Check, confidence: u8) -> usize {
        match Selector::parse(sel) {
            Ok(selector) => {
                self.literals.push(selector_literals(sel));
                self.rules.push(Rule {
                    tech,
                    id: ID_BASE + self.rules.len(),
                    selector,
                    check,
                    confidence,
                });
                0
            }
            Err(e) => {
                tracing::debug!(selector = sel, error = %e, "dom selector skipped");
                1
            }
        }
    }

    /// Indexes the rules by literal and returns the literals, for the caller to scan the
    /// HTML for (together with its own), then pass to `run`.
    pub fn take_literals(&mut self) -> Vec<Vec<u8>> {
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut ids: HashMap<String, usize> = HashMap::new();
        for (i, lits) in std::mem::take(&mut self.literals).into_iter().enumerate() {
            match lits {
                None => self.always.push(i),
                Some(lits) => {
                    for lit in lits {
                        let id = *ids.entry(lit.clone()).or_insert_with(|| {
                            literals.push(lit.into_bytes());
                            self.owners.push(Vec::new());
                            self.owners.len() - 1
                        });
                        self.owners[id].push(i);
                    }
                }
            }
        }
        literals
    }

    /// Runs the rules whose literals occur (`seen`, in `take_literals` order; `None`: all
    /// rules) against `doc`.
    pub fn run(&self, seen: Option<&[bool]>, doc: &Html, hits: &mut Vec<Hit>) {
        if self.rules.is_empty() {
            return;
        }
        let mut candidate = vec![seen.is_none(); self.rules.len()];
        for &i in &self.always {
            candidate[i] = true;
        }
        for (owners, _) in self
            .owners
            .iter()
            .zip(seen.unwrap_or_default())
            .filter(|(_, s)| **s)
        {
            owners.iter().for_each(|&r| candidate[r] = true);
        }
        let mut unmatched = Vec::new();
        for (rule, _) in self.rules.iter().zip(&candidate).filter(|(_, c)| **c) {
            match doc.select(&rule.selector).find_map(|el| rule.test(el)) {
                Some(version) => hits.push(rule.hit(version)),
                None => unmatched.push(rule),
            }
        }
        if unmatched.is_empty() {
            return;
        }
        let Some(fallback) = noscript_fragment(doc) else {
            return;
        };
        for rule in unmatched {
            if let Some(version) = fallback.select(&rule.selector).find_map(|el| rule.test(el)) {
                hits.push(rule.hit(version));
            }
        }
    }
}

/// The page's `<noscript>` contents as one parsed fragment, within [`NOSCRIPT_CAP`] bytes;
/// `None` when the page has none.
fn noscript_fragment(doc: &Html) -> Option<Html> {
    static NOSCRIPT: std::sync::OnceLock<Option<Selector>> = std::sync::OnceLock::new();
    let selector = NOSCRIPT
        .get_or_init(|| Selector::parse("noscript").ok())
        .as_ref()?;
    let mut markup = String::new();
    for el in doc.select(selector) {
        for text in el.text() {
            let room = NOSCRIPT_CAP - markup.len();
            if text.len() > room {
                // Cut at a character boundary; a tag cut in half is dropped by the parser.
                let end = (0..=room)
                    .rev()
                    .find(|&i| text.is_char_boundary(i))
                    .unwrap_or(0);
                markup.push_str(&text[..end]);
                return Some(Html::parse_fragment(&markup));
            }
            markup.push_str(text);
        }
    }
    (!markup.trim().is_empty()).then(|| Html::parse_fragment(&markup))
}

impl Rule {
    fn hit(&self, version: Option<String>) -> Hit {
        Hit {
            tech: self.tech,
            id: self.id,
            kind: Evidence::Dom,
            confidence: self.confidence,
            version,
        }
    }

    fn test(&self, el: ElementRef<'_>) -> Option<Option<String>> {
        match &self.check {
            Check::Exists => Some(None),
            Check::Text(p) => p.exec(el.text().collect::<String>().as_bytes()),
            Check::Attribute(name, p) => p.exec(el.value().attr(name)?.as_bytes()),
        }
    }
}

/// For each comma-separated branch, the longest id, class, attribute name or quoted value
/// it names; `None` when some branch names only tags (it could match anything).
fn selector_literals(sel: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for branch in split_top_level(sel) {
        let best = tokens(branch).into_iter().max_by_key(String::len)?;
        if best.len() < 3 {
            return None;
        }
        out.push(best.to_ascii_lowercase());
    }
    (!out.is_empty()).then_some(out)
}

fn split_top_level(sel: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut quote, mut start) = (Vec::new(), 0i32, None, 0);
    for (i, c) in sel.char_indices() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(' | '[') => depth += 1,
            (None, ')' | ']') => depth -= 1,
            (None, ',') if depth == 0 => {
                parts.push(&sel[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&sel[start..]);
    parts
}

/// Literal pieces of one compound selector that must appear in the page source.
fn tokens(branch: &str) -> Vec<String> {
    let chars: Vec<char> = branch.chars().collect();
    let ident = |from: usize| -> String {
        chars[from..]
            .iter()
            .take_while(|c| c.is_alphanumeric() || matches!(c, '-' | '_'))
            .collect()
    };
    let mut out = Vec::new();
    let (mut i, mut in_attr, mut negated) = (0, false, 0usize);
    while i < chars.len() {
        let c = chars[i];
        match c {
            // Whatever sits inside `:not(…)` must not be required.
            ':' if chars[i..].starts_with(&[':', 'n', 'o', 't', '(']) => {
                negated += 1;
                i += 5;
                continue;
            }
            ')' if negated > 0 => negated -= 1,
            '"' | '\'' => {
                let value: String = chars[i + 1..].iter().take_while(|&&q| q != c).collect();
                i += value.chars().count() + 1;
                if negated == 0 && in_attr && !value.contains('\\') && !value.contains('&') {
                    out.push(value);
                }
            }
            '[' => {
                in_attr = true;
                let name = ident(i + 1);
                i += name.chars().count();
                if negated == 0 {
                    out.push(name);
                }
            }
            ']' => in_attr = false,
            '#' | '.' if !in_attr => {
                let name = ident(i + 1);
                i += name.chars().count();
                if negated == 0 {
                    out.push(name);
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_of_selectors() {
        assert_eq!(
            selector_literals("link[href*='/wp-content/'], #wpadminbar"),
            Some(vec!["/wp-content/".into(), "wpadminbar".into()])
        );
        assert_eq!(
            selector_literals("div.elementor-widget"),
            Some(vec!["elementor-widget".into()])
        );
        assert_eq!(selector_literals("body, .foo-bar"), None);
        assert_eq!(selector_literals("div:not(.abcdef) > span"), None);
    }
}
