//! Required literals: strings at least one of which occurs in every match of a regex. They
//! feed the Aho-Corasick prefilter, so only patterns whose literal occurs are run.

use regex_syntax::hir::{Hir, HirKind};

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
        HirKind::Concat(items) => items.iter().filter_map(walk).max_by_key(score),
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

/// A set is as selective as its shortest member; fewer members break ties.
fn score(set: &Vec<Vec<u8>>) -> (usize, std::cmp::Reverse<usize>) {
    let shortest = set.iter().map(Vec::len).min().unwrap_or(0);
    (shortest, std::cmp::Reverse(set.len()))
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
        assert_eq!(lits(r"jquery(?:-([\d.]+))?\.js"), Some(vec!["jquery".into()]));
    }

    #[test]
    fn no_literal_when_optional_or_short() {
        assert_eq!(lits(r"(?:abc)?\d+"), None);
        assert_eq!(lits(r"ab|cdef"), None);
        assert_eq!(lits(r"\d+x"), None);
    }
}
