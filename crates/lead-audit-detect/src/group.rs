//! All patterns of one kind (html, scriptSrc, one header name, …) matched in one pass:
//! an Aho-Corasick scan for their required literals plus one `RegexSet` for the patterns
//! without a literal; only the candidates it yields run their own regex.

use crate::evidence::Evidence;
use crate::literal;
use crate::pattern::Pattern;
use crate::prefilter::Literals;
use regex::bytes::{RegexSet, RegexSetBuilder};
use std::collections::HashMap;

/// Set limits sized for a full Wappalyzer dataset (thousands of patterns).
const SET_SIZE_LIMIT: usize = 256 << 20;

/// A pattern owned by a technology.
#[derive(Debug)]
pub(crate) struct Entry {
    /// Index of the technology in the compiled dataset.
    pub tech: usize,
    /// Dataset-wide pattern id, so one pattern counts once towards confidence.
    pub id: usize,
    /// The pattern.
    pub pattern: Pattern,
    /// The kind of rule it is.
    pub kind: Evidence,
}

/// One matched pattern: who, which entry, of which kind, and the captured version.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub tech: usize,
    pub id: usize,
    pub kind: Evidence,
    pub version: Option<String>,
    pub confidence: u8,
}

/// Builder input, then the compiled group.
#[derive(Debug, Default)]
pub(crate) struct Group {
    entries: Vec<Entry>,
    prefilter: Option<Literals>,
    /// Literal id → entries requiring it.
    owners: Vec<Vec<usize>>,
    /// Entries with no literal, matched by `set` (indices into `entries`).
    unfiltered: Vec<usize>,
    set: Option<RegexSet>,
    /// Entries that match any input (empty pattern) or could not join the set.
    always: Vec<usize>,
    /// Literal ids of another matcher's literals scanned along (the `dom` selectors').
    shared: Vec<usize>,
}

impl Group {
    /// Adds a pattern; call `finish` once all are in.
    pub fn push(&mut self, tech: usize, id: usize, pattern: Pattern, kind: Evidence) {
        self.entries.push(Entry {
            tech,
            id,
            pattern,
            kind,
        });
    }

    /// Builds the prefilter and the set.
    pub fn finish(&mut self) {
        self.finish_sharing(Vec::new());
    }

    /// Builds the prefilter and the set; `extra` literals are scanned in the same pass
    /// and reported by `run_sharing`, so one scan of the HTML serves two matchers.
    pub fn finish_sharing(&mut self, extra: Vec<Vec<u8>>) {
        let mut literal_ids: HashMap<Vec<u8>, usize> = HashMap::new();
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        for (i, entry) in self.entries.iter().enumerate() {
            if entry.pattern.matches_all() {
                self.always.push(i);
                continue;
            }
            match entry.pattern.hir.as_ref().and_then(literal::required) {
                Some(lits) => {
                    for lit in lits {
                        let id = *literal_ids.entry(lit.clone()).or_insert_with(|| {
                            literals.push(lit);
                            owners.push(Vec::new());
                            owners.len() - 1
                        });
                        if owners[id].last() != Some(&i) {
                            owners[id].push(i);
                        }
                    }
                }
                None => self.unfiltered.push(i),
            }
        }
        for lit in extra {
            let id = *literal_ids.entry(lit.clone()).or_insert_with(|| {
                literals.push(lit);
                owners.push(Vec::new());
                owners.len() - 1
            });
            self.shared.push(id);
        }
        if !literals.is_empty() {
            match Literals::new(&literals) {
                Ok(ac) => {
                    self.prefilter = Some(ac);
                    self.owners = owners;
                }
                Err(e) => {
                    tracing::debug!(error = %e, "prefilter not built; patterns run unfiltered");
                    self.shared.clear();
                    self.unfiltered.extend(owners.into_iter().flatten());
                    self.unfiltered.sort_unstable();
                    self.unfiltered.dedup();
                }
            }
        }
        if !self.unfiltered.is_empty() {
            let sources = self
                .unfiltered
                .iter()
                .map(|&i| self.entries[i].pattern.source.as_str());
            match RegexSetBuilder::new(sources)
                .size_limit(SET_SIZE_LIMIT)
                .dfa_size_limit(SET_SIZE_LIMIT)
                .build()
            {
                Ok(set) => self.set = Some(set),
                Err(e) => {
                    tracing::debug!(error = %e, "regex set not built; patterns run one by one");
                    self.always.append(&mut self.unfiltered);
                }
            }
        }
    }

    /// True when the group holds no pattern.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Matches every pattern of the group against `haystack`, appending hits.
    pub fn run(&self, haystack: &[u8], hits: &mut Vec<Hit>) {
        if !self.entries.is_empty() {
            self.run_sharing(haystack, hits);
        }
    }

    /// As `run`; also returns, in `finish_sharing` order, which extra literals occur
    /// (`None`: no prefilter, treat them all as present).
    pub fn run_sharing(&self, haystack: &[u8], hits: &mut Vec<Hit>) -> Option<Vec<bool>> {
        let mut candidate = vec![false; self.entries.len()];
        let mut shared = None;
        if let Some(literals) = &self.prefilter {
            let seen = literals.scan(haystack);
            if !self.shared.is_empty() {
                shared = Some(self.shared.iter().map(|&id| seen[id]).collect());
            }
            for (owners, _) in self.owners.iter().zip(seen).filter(|(_, s)| *s) {
                owners.iter().for_each(|&e| candidate[e] = true);
            }
        }
        if let Some(set) = &self.set {
            for k in set.matches(haystack).iter() {
                candidate[self.unfiltered[k]] = true;
            }
        }
        for &e in &self.always {
            candidate[e] = true;
        }
        for (i, entry) in self.entries.iter().enumerate() {
            if !candidate[i] {
                continue;
            }
            if let Some(version) = entry.pattern.exec(haystack) {
                hits.push(Hit {
                    tech: entry.tech,
                    id: entry.id,
                    kind: entry.kind,
                    version,
                    confidence: entry.pattern.confidence,
                });
            }
        }
        shared
    }
}

/// Groups keyed by a name (header, cookie, meta name: lowercase; JavaScript path: as is).
#[derive(Debug, Default)]
pub(crate) struct NamedGroups {
    groups: HashMap<String, Group>,
}

impl NamedGroups {
    /// Adds a pattern under `name`, which the caller has normalised.
    pub fn push(&mut self, name: String, tech: usize, id: usize, pattern: Pattern, kind: Evidence) {
        self.groups
            .entry(name)
            .or_default()
            .push(tech, id, pattern, kind);
    }

    /// Builds every group.
    pub fn finish(&mut self) {
        self.groups.values_mut().for_each(Group::finish);
    }

    /// Runs the group for `name`, if any, against `value`.
    pub fn run(&self, name: &str, value: &[u8], hits: &mut Vec<Hit>) {
        if let Some(group) = self.groups.get(name) {
            group.run(value, hits);
        }
    }

    /// The names patterns are keyed by.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.groups.keys().map(String::as_str)
    }
}
