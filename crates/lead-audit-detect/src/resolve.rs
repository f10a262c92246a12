//! From pattern hits to the reported technologies: confidence per technology, best
//! version, the kinds of rule that matched, then `implies` (transitively), `requires` and
//! `excludes`.

use crate::engine::Engine;
use crate::evidence::{Evidence, Kinds};
use crate::group::Hit;
use crate::Technology;
use std::collections::{BTreeMap, HashSet};

/// What is known of one technology on the page.
#[derive(Debug, Clone, Default)]
struct Found {
    confidence: u32,
    /// The part of `confidence` that the embedded set's rules gave.
    builtin_confidence: u32,
    version: Option<String>,
    kinds: Kinds,
}

/// Resolves `hits` into the reported list, ordered by category priority then name.
pub(crate) fn resolve(engine: &Engine, hits: Vec<Hit>) -> Vec<Technology> {
    let mut direct: BTreeMap<usize, Found> = BTreeMap::new();
    let mut counted: HashSet<usize> = HashSet::new();
    for hit in hits {
        let found = direct.entry(hit.tech).or_default();
        found.kinds.insert(hit.kind);
        // A pattern matching several inputs (two script URLs) counts once.
        if counted.insert(hit.id) {
            found.confidence += u32::from(hit.confidence);
            if engine.techs[hit.tech].builtin.kinds.contains(hit.kind) {
                found.builtin_confidence += u32::from(hit.confidence);
            }
        }
        if let Some(v) = hit.version {
            if is_better_version(&v, found.version.as_deref()) {
                found.version = Some(v);
            }
        }
    }
    // Dropping a technology whose requirement is missing can strand another: repeat.
    let mut all = implied(engine, &direct);
    loop {
        let before = direct.len();
        direct.retain(|&t, _| requirements_met(engine, t, &all));
        if direct.len() == before {
            break;
        }
        all = implied(engine, &direct);
    }
    // A dataset's `excludes` does not remove what the embedded rules are sure of.
    let protected = |t: &usize| direct.get(t).is_some_and(|f| f.builtin_confidence >= 100);
    let excluded: HashSet<usize> = all
        .keys()
        .flat_map(|&t| {
            let info = &engine.techs[t];
            info.excludes
                .iter()
                .filter(move |e| info.builtin.excludes || !protected(e))
                .copied()
        })
        .collect();
    if !excluded.is_empty() {
        direct.retain(|t, _| !excluded.contains(t));
        all = implied(engine, &direct);
        all.retain(|t, _| !excluded.contains(t));
    }
    let mut out: Vec<(u32, Technology)> = all
        .into_iter()
        .map(|(t, found)| {
            let info = &engine.techs[t];
            let cats: Vec<_> = info
                .cats
                .iter()
                .filter_map(|c| engine.categories.get(c))
                .collect();
            let priority = cats.iter().map(|c| c.priority).min().unwrap_or(u32::MAX);
            let evidence = if found.kinds.is_empty() {
                vec![Evidence::Implied]
            } else {
                found.kinds.to_vec()
            };
            let tech = Technology {
                name: info.name.clone(),
                version: found.version,
                categories: cats.into_iter().map(|c| c.name.clone()).collect(),
                confidence: found.confidence.min(100) as u8,
                evidence,
                cpe: info.cpe.clone(),
            };
            (priority, tech)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
    out.into_iter().map(|(_, t)| t).collect()
}

/// `direct` plus everything it implies, transitively. An implied technology gets the
/// lower of its implier's confidence and the implication's; the best path wins.
fn implied(engine: &Engine, direct: &BTreeMap<usize, Found>) -> BTreeMap<usize, Found> {
    let mut all = direct.clone();
    let mut queue: Vec<usize> = direct.keys().copied().collect();
    while let Some(t) = queue.pop() {
        let confidence = all.get(&t).map_or(0, |f| f.confidence.min(100));
        for &(imp, imp_conf) in &engine.techs[t].implies {
            let c = confidence.min(u32::from(imp_conf));
            let entry = all.entry(imp).or_default();
            if entry.confidence < c {
                entry.confidence = c;
                queue.push(imp);
            }
        }
    }
    all
}

fn requirements_met(engine: &Engine, t: usize, all: &BTreeMap<usize, Found>) -> bool {
    let info = &engine.techs[t];
    let techs_ok = info.requires.iter().all(|r| *r != t && all.contains_key(r));
    let cats_ok = info.requires_cats.iter().all(|c| {
        all.keys()
            .any(|&o| o != t && engine.techs[o].cats.contains(c))
    });
    techs_ok && cats_ok
}

/// Longer (more specific) versions win; values that look like timestamps or hashes do
/// not count as versions.
fn is_better_version(candidate: &str, current: Option<&str>) -> bool {
    let plausible = candidate.len() <= 15
        && candidate
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|major| major.parse::<u64>().ok())
            .is_none_or(|major| major < 10_000);
    plausible && current.is_none_or(|cur| candidate.len() > cur.len())
}

#[cfg(test)]
mod tests {
    use super::is_better_version;

    #[test]
    fn version_preference() {
        assert!(is_better_version("6.4.2", Some("6.4")));
        assert!(!is_better_version("6.4", Some("6.4.2")));
        assert!(!is_better_version("1700000000", None));
        assert!(is_better_version("GA4", None));
    }
}
