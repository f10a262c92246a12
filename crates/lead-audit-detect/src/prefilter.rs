//! Which of many literals occur in a haystack, case-insensitively, in one scan.
//!
//! An overlapping Aho-Corasick search walks the haystack once and reports every occurrence
//! of every literal, nested and overlapping ones included; the walk never restarts. A
//! literal seen once needs no more attention, so repeated occurrences cost one table look-up.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// A DFA scans fastest; past a few thousand literals its memory is not worth it.
const DFA_MAX_LITERALS: usize = 4096;

/// A compiled literal set.
#[derive(Debug)]
pub(crate) struct Literals {
    ac: AhoCorasick,
    len: usize,
}

impl Literals {
    /// Builds the scanner; `literals` must be lowercase and distinct.
    pub fn new(literals: &[Vec<u8>]) -> Result<Literals, aho_corasick::BuildError> {
        let kind = (literals.len() <= DFA_MAX_LITERALS).then_some(AhoCorasickKind::DFA);
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(kind)
            .build(literals)?;
        Ok(Literals {
            ac,
            len: literals.len(),
        })
    }

    /// `seen[id]` is true for every literal occurring in `haystack`.
    pub fn scan(&self, haystack: &[u8]) -> Vec<bool> {
        let mut seen = vec![false; self.len];
        for m in self.ac.find_overlapping_iter(haystack) {
            seen[m.pattern().as_usize()] = true;
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
