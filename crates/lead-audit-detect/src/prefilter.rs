//! Which of many literals occur in a haystack, case-insensitively, in one scan.
//!
//! Overlapping Aho-Corasick search cannot use its fast skip-ahead prefilter, so the scan
//! is a leftmost-longest search restarted one byte after each match start: every position
//! where some literal starts reports its longest literal there, and the shorter literals
//! that are prefixes of it are marked from a table built once.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Input, MatchKind};
use std::collections::HashMap;

/// A DFA scans fastest; past a few thousand literals its memory is not worth it.
const DFA_MAX_LITERALS: usize = 4096;

/// A compiled literal set.
#[derive(Debug)]
pub(crate) struct Literals {
    ac: AhoCorasick,
    /// Literal id → ids of the other literals that are prefixes of it.
    prefixes: Vec<Vec<usize>>,
}

impl Literals {
    /// Builds the scanner; `literals` must be lowercase and distinct.
    pub fn new(literals: &[Vec<u8>]) -> Result<Literals, aho_corasick::BuildError> {
        let kind = (literals.len() <= DFA_MAX_LITERALS).then_some(AhoCorasickKind::DFA);
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .kind(kind)
            .build(literals)?;
        let ids: HashMap<&[u8], usize> = literals
            .iter()
            .enumerate()
            .map(|(i, l)| (l.as_slice(), i))
            .collect();
        let prefixes = literals
            .iter()
            .map(|l| {
                (1..l.len())
                    .filter_map(|n| ids.get(&l[..n]).copied())
                    .collect()
            })
            .collect();
        Ok(Literals { ac, prefixes })
    }

    /// Number of literals.
    pub fn len(&self) -> usize {
        self.prefixes.len()
    }

    /// `seen[id]` is true for every literal occurring in `haystack`.
    pub fn scan(&self, haystack: &[u8]) -> Vec<bool> {
        let mut seen = vec![false; self.len()];
        let mut at = 0;
        while at < haystack.len() {
            let input = Input::new(haystack).span(at..haystack.len());
            let Some(m) = self.ac.find(input) else {
                break;
            };
            let id = m.pattern().as_usize();
            if !std::mem::replace(&mut seen[id], true) {
                for &p in &self.prefixes[id] {
                    seen[p] = true;
                }
            }
            at = m.start() + 1;
        }
        seen
    }
}

#[cfg(test)]
mod tests {
    use super::Literals;

    fn found(lits: &[&str], hay: &str) -> Vec<bool> {
        let lits: Vec<Vec<u8>> = lits.iter().map(|l| l.as_bytes().to_vec()).collect();
        Literals::new(&lits).expect("build").scan(hay.as_bytes())
    }

    #[test]
    fn finds_nested_and_overlapping_literals() {
        assert_eq!(
            found(
                &["jquery", "jquery.min", "query", "abcd", "cdef", "zzz"],
                "x JQuery.min abcdef"
            ),
            [true, true, true, true, true, false]
        );
    }
}
