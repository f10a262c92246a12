//! Required literals: strings at least one of which occurs in every match of a regex. They
//! feed the Aho-Corasick prefilter, so only patterns whose literal occurs are run.

use regex_syntax::hir::{Hir, HirKind};
use std::collections::HashSet;
use std::sync::LazyLock;

/// Literals found on nearly every page (`class="`, `<link`): a pattern is only worth
/// prefiltering on one of them when it has nothing rarer.
static COMMON: LazyLock<HashSet<Vec<u8>>> = LazyLock::new(|| {
    let list: Vec<String> =
        serde_json::from_str(include_str!("../data/common-literals.json")).unwrap_or_default();
    list.into_iter().map(|l| l.into_bytes()).collect()
});

/// Shorter literals are too common in HTML to filter anything.
const MIN_LITERAL: usize = 3;
/// More alternatives than this make the prefilter no better than running the regex.
const MAX_ALTERNATIVES: usize = 24;

/// Literals (lowercased) one of which every match contains, or `None` when there is no
/// useful set.
pub(crate) fn required(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let set = walk(hir)?;
    let usable = set.iter().all(|l| l.len() >= MIN_LITERAL && l.is_ascii());
    usable.then(|| set.into_iter().map(|l| l.to_ascii_lowercase()).collect())
}

fn walk(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    match hir.kind() {
        HirKind::Literal(lit) => Some(vec![lit.0.to_vec()]),
        HirKind::Capture(cap) => walk(&cap.sub),
        HirKind::Repetition(rep) if rep.min >= 1 => walk(&rep.sub),
        HirKind::Concat(items) => items.iter().filter_map(walk).max_by_key(|set| score(set)),
        HirKind::Alternation(items) => {
            let mut all = Vec::new();
            for item in items {
                all.extend(walk(item)?);
            }
            (all.len() <= MAX_ALTERNATIVES).then_some(all)
        }
        _ => None,
    }
}

/// A set is as selective as its most common, then its shortest member; fewer members
/// break ties.
fn score(set: &[Vec<u8>]) -> (bool, usize, std::cmp::Reverse<usize>) {
    let rare = set.iter().all(|l| !is_common(l));
    let shortest = set.iter().map(Vec::len).min().unwrap_or(0);
    (rare, shortest, std::cmp::Reverse(set.len()))
}

fn is_common(literal: &[u8]) -> bool {
    literal.len() < MIN_LITERAL || COMMON.contains(&literal.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lits(re: &str) -> Option<Vec<String>> {
        let hir = regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(re)
            .expect("parse");
        required(&hir).map(|v| {
            v.into_iter()
                .map(|l| String::from_utf8_lossy(&l).into_owned())
                .collect()
        })
    }

    #[test]
    fn picks_the_longest_required_literal() {
        assert_eq!(
            lits(r"<link[^>]+/wp-content/"),
            Some(vec!["/wp-content/".into()])
        );
        assert_eq!(
            lits(r"(?:Shopify|shopify-cdn)\.com"),
            Some(vec!["shopify".into(), "shopify-cdn".into()])
        );
        assert_eq!(
            lits(r"jquery(?:-([\d.]+))?\.js"),
            Some(vec!["jquery".into()])
        );
        assert_eq!(
            lits(r#"class="[^"]*\bMui[A-Z]+-root"#),
            Some(vec!["-root".into()])
        );
    }

    #[test]
    fn no_literal_when_optional_or_short() {
        assert_eq!(lits(r"(?:abc)?\d+"), None);
        assert_eq!(lits(r"ab|cdef"), None);
        assert_eq!(lits(r"\d+x"), None);
    }
}
