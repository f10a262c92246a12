//! The merge policy: names compared once normalised, one entry per technology, the winning
//! entry's fields kept and the other's filling the fields it lacks.

use crate::dataset::{Dataset, RawTech};
use crate::evidence::Evidence;

/// Which side wins a field that both the embedded fingerprints and a loaded dataset define.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum DatasetPrecedence {
    /// The embedded entry's fields win; the dataset fills the fields it lacks.
    #[default]
    BuiltIn,
    /// The dataset entry's fields win; the embedded entry fills the fields it lacks.
    Dataset,
}

/// The key names are compared by: lowercase, without whitespace and the punctuation that
/// spellings of one name differ in (`.` `-` `_` `'` `,` `:` `;` `·` and dashes). Other signs
/// stay, so `C`, `C++` and `C#` remain three technologies.
pub(crate) fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    '.' | '-'
                        | '_'
                        | '\''
                        | '\u{2018}'
                        | '\u{2019}'
                        | '`'
                        | ','
                        | ':'
                        | ';'
                        | '\u{b7}'
                        | '\u{2010}'..='\u{2015}'
                )
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Fills the fields `winner` lacks from `other`; where both define a field, `winner`'s stays.
/// Where a field comes from, so does its provenance.
pub(crate) fn fill(winner: &mut RawTech, other: RawTech) {
    let from = other.builtin;
    macro_rules! take {
        ($field:ident, $kind:expr) => {
            if winner.$field.is_empty() && !other.$field.is_empty() {
                winner.$field = other.$field;
                if from.kinds.contains($kind) {
                    winner.builtin.kinds.insert($kind);
                } else {
                    winner.builtin.kinds.remove($kind);
                }
            }
        };
        ($field:ident) => {
            if winner.$field.is_empty() {
                winner.$field = other.$field;
            }
        };
    }
    take!(headers, Evidence::Header);
    take!(cookies, Evidence::Cookie);
    take!(meta, Evidence::Meta);
    take!(js, Evidence::Js);
    take!(html, Evidence::Html);
    take!(script_src, Evidence::ScriptSrc);
    take!(scripts, Evidence::Script);
    take!(url, Evidence::Url);
    take!(robots, Evidence::Robots);
    take!(cert_issuer, Evidence::CertIssuer);
    take!(text, Evidence::Text);
    if winner.dom.is_none() && other.dom.is_some() {
        winner.dom = other.dom;
        if from.kinds.contains(Evidence::Dom) {
            winner.builtin.kinds.insert(Evidence::Dom);
        } else {
            winner.builtin.kinds.remove(Evidence::Dom);
        }
    }
    if winner.excludes.is_empty() && !other.excludes.is_empty() {
        winner.excludes = other.excludes;
        winner.builtin.excludes = from.excludes;
    }
    take!(cats);
    take!(implies);
    take!(requires);
    take!(requires_category);
    winner.icon = winner.icon.take().or(other.icon);
    winner.website = winner.website.take().or(other.website);
    winner.cpe = winner.cpe.take().or(other.cpe);
}

/// The embedded set with a loaded dataset laid over it. An entry whose name normalises
/// like an embedded one becomes one entry under the embedded spelling, its fields merged
/// per `precedence`; the others are added as they are. Categories follow `precedence` too.
pub(crate) fn overlay(
    mut builtin: Dataset,
    dataset: Dataset,
    precedence: DatasetPrecedence,
) -> Dataset {
    builtin.nameless += dataset.nameless;
    for (name, tech) in dataset.technologies {
        let Some(canonical) = builtin.canonical(&name).map(str::to_owned) else {
            builtin.insert(name, tech);
            continue;
        };
        let Some(mine) = builtin.remove(&canonical) else {
            continue;
        };
        let merged = match precedence {
            DatasetPrecedence::BuiltIn => {
                let mut mine = mine;
                fill(&mut mine, tech);
                mine
            }
            DatasetPrecedence::Dataset => {
                let mut theirs = tech;
                fill(&mut theirs, mine);
                theirs
            }
        };
        builtin.insert(canonical, merged);
    }
    for (id, cat) in dataset.categories {
        match precedence {
            DatasetPrecedence::BuiltIn => {
                builtin.categories.entry(id).or_insert(cat);
            }
            DatasetPrecedence::Dataset => {
                builtin.categories.insert(id, cat);
            }
        }
    }
    builtin
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::Provenance;

    #[test]
    fn spellings_of_one_name_normalise_alike() {
        for (a, b) in [
            ("Mailchimp", "MailChimp"),
            ("FancyBox", "fancyBox"),
            ("OWL Carousel", "Owl Carousel"),
            ("RankMath", "Rank Math"),
            ("WP Super Cache", "WP-Super-Cache"),
            ("LazySizes", "lazysizes"),
            ("Node.js", "NodeJS"),
            ("Site Kit", "site_kit"),
        ] {
            assert_eq!(normalize(a), normalize(b), "{a} / {b}");
        }
        assert_ne!(normalize("C++"), normalize("C#"));
        assert_ne!(normalize("C"), normalize("C++"));
        for empty in ["", " ", "...", "-_- .", "\u{2014}"] {
            assert_eq!(normalize(empty), "", "{empty:?}");
        }
        assert_eq!(normalize("Émail Ünit"), "émailünit");
    }

    #[test]
    fn the_winner_keeps_its_fields_and_provenance_follows_the_field() {
        let mut builtin = RawTech {
            html: vec!["a".into()],
            excludes: vec!["X".into()],
            builtin: Provenance::builtin(),
            ..RawTech::default()
        };
        let dataset = RawTech {
            html: vec!["b".into()],
            script_src: vec!["c".into()],
            cpe: Some("cpe:2.3:a:v:p:*".into()),
            ..RawTech::default()
        };
        fill(&mut builtin, dataset);
        assert_eq!(builtin.html, ["a"]);
        assert_eq!(builtin.script_src, ["c"]);
        assert_eq!(builtin.cpe.as_deref(), Some("cpe:2.3:a:v:p:*"));
        assert!(builtin.builtin.kinds.contains(Evidence::Html));
        assert!(!builtin.builtin.kinds.contains(Evidence::ScriptSrc));
        assert!(builtin.builtin.excludes);
    }
}
