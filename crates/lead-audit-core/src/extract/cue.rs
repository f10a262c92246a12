//! The label before a number: a phone cue (`Tel.`, `Llámanos`, `☎`), a fax line (`Fax`,
//! `Telefax`) or a reason to skip it (`P.IVA`, `SIRET`, `IK-Nummer`). The labels live in
//! `data/extract_phones.json`.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;

/// What a label says about the number after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cue {
    /// A phone word or icon.
    Phone,
    /// A fax line: kept apart from phones.
    Fax,
    /// A register id, order number, price…: not a phone.
    NotPhone,
}

#[derive(Deserialize)]
struct PhoneData {
    phone_icons: Vec<String>,
    phone_cues: Vec<String>,
    fax_labels: Vec<String>,
    id_labels: Vec<String>,
}

/// One regex finds every label; the matched text is classified by its normalised spelling.
struct Labels {
    regex: Regex,
    exact: HashMap<String, Cue>,
    /// `(normalised prefix, cue)` of `word*` labels, longest first.
    prefixes: Vec<(String, Cue)>,
}

#[allow(clippy::expect_used)] // embedded data, checked by tests
static LABELS: LazyLock<Labels> = LazyLock::new(|| {
    let data: PhoneData = serde_json::from_str(include_str!("../../data/extract_phones.json"))
        .expect("data/extract_phones.json is valid");
    build(&data).expect("data/extract_phones.json labels compile")
});

fn build(data: &PhoneData) -> Result<Labels, regex::Error> {
    let mut labels: Vec<(&str, Cue)> = data
        .phone_cues
        .iter()
        .map(|l| (l.as_str(), Cue::Phone))
        .chain(data.fax_labels.iter().map(|l| (l.as_str(), Cue::Fax)))
        .chain(data.id_labels.iter().map(|l| (l.as_str(), Cue::NotPhone)))
        .collect();
    // Leftmost-first alternation: the longest label must be tried first (`P. IVA` before
    // `P`, `Telefax` before `Tel`).
    labels.sort_by_key(|(l, _)| std::cmp::Reverse(normalize(l).chars().count()));
    let mut exact = HashMap::new();
    let mut prefixes = Vec::new();
    let mut alternatives = Vec::with_capacity(labels.len());
    for (label, cue) in labels {
        let word = label.trim_end_matches('*');
        let key = normalize(word);
        if word.len() == label.len() {
            exact.entry(key).or_insert(cue);
        } else {
            prefixes.push((key, cue));
        }
        alternatives.push(label_pattern(label));
    }
    let icons: String = data
        .phone_icons
        .iter()
        .map(|i| regex::escape(i))
        .collect::<Vec<_>>()
        .join("|");
    let regex = Regex::new(&format!(
        r"(?i)(?:{icons}|\b(?:{}))",
        alternatives.join("|")
    ))?;
    Ok(Labels {
        regex,
        exact,
        prefixes,
    })
}

/// `P. IVA` → `p[.\s\-]*iva\b`: spaces, dots and hyphens inside a label are optional and
/// interchangeable; `word*` may go on (`bestell*` → `Bestellnummer`).
fn label_pattern(label: &str) -> String {
    let (word, open) = match label.strip_suffix('*') {
        Some(w) => (w, true),
        None => (label, false),
    };
    let word = word.trim_end_matches(['.', ' ', '-']);
    let mut out = String::with_capacity(word.len() * 2);
    let mut gap = false;
    for c in word.chars() {
        if matches!(c, '.' | ' ' | '-') {
            gap = true;
            continue;
        }
        if gap {
            out.push_str(r"[.\s\-]*");
            gap = false;
        }
        out.push_str(&regex::escape(c.encode_utf8(&mut [0; 4])));
    }
    out.push_str(if open { r"\w*" } else { r"\b" });
    out
}

/// Lowercase without the optional punctuation, the key labels are looked up by.
fn normalize(label: &str) -> String {
    label
        .chars()
        .filter(|c| !matches!(c, '.' | '-' | '*') && !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

fn classify(matched: &str) -> Cue {
    let key = normalize(matched);
    if let Some(cue) = LABELS.exact.get(&key) {
        return *cue;
    }
    LABELS
        .prefixes
        .iter()
        .find(|(p, _)| key.starts_with(p.as_str()))
        .map_or(Cue::Phone, |(_, cue)| *cue)
}

/// The cue of the label closest before the end of `text[from..]`, when only a short word
/// (`Nr.`, `24/7`, `bureau`) stands between it and the end: `Tel.-Nr.:`, `Phone (24/7):`.
/// Text before `from` is context only, so a window cut inside `Halifax` finds no `fax`.
/// Returns the cue and the byte offset where its label ends.
pub(crate) fn last_cue(text: &str, from: usize) -> Option<(Cue, usize)> {
    let mut last = None;
    let mut at = from;
    while let Some(m) = LABELS.regex.find_at(text, at) {
        // Every label is at least one character: no empty matches to step over.
        at = m.end();
        last = Some(m);
        if m.is_empty() {
            break;
        }
    }
    let m = last?;
    let between = &text[m.end()..];
    if between.chars().filter(|c| c.is_alphabetic()).count() > 6 {
        return None;
    }
    Some((classify(m.as_str()), m.end()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(s: &str) -> Option<Cue> {
        last_cue(s, 0).map(|(c, _)| c)
    }

    #[test]
    fn phone_words_in_several_languages() {
        for w in [
            "Tel.: ",
            "Tél. bureau : ",
            "Telefon ",
            "Telefonnummer: ",
            "Llámanos: ",
            "Llámenos al ",
            "Teléfono: ",
            "Chiamaci ",
            "Appelez-nous au ",
            "Ruf uns an: ",
            "Rufen Sie uns an: ",
            "Call us on ",
            "Call ",
            "Hotline: ",
            "After-hours emergencies: ",
            "Emergencies ",
            "☎ ",
            "T: ",
        ] {
            assert_eq!(cue(w), Some(Cue::Phone), "{w}");
        }
    }

    #[test]
    fn fax_labels_in_several_languages() {
        for w in [
            "Fax: ",
            "Fax. ",
            "Telefax: ",
            "Télécopie : ",
            "Faks: ",
            "Faxnummer ",
            "Fax-Nr.: ",
            "F: ",
        ] {
            assert_eq!(cue(w), Some(Cue::Fax), "{w}");
        }
    }

    #[test]
    fn register_and_tax_ids() {
        for w in [
            "P.IVA ",
            "P. IVA: ",
            "Partita IVA ",
            "C.F. ",
            "Codice Fiscale: ",
            "SIRET : ",
            "SIREN ",
            "N° TVA : ",
            "IK-Nummer ",
            "Steuernummer: ",
            "St.-Nr. ",
            "Handelsregister ",
            "USt-IdNr.: ",
            "KvK-nummer: ",
            "Bestell-Nr. ",
        ] {
            assert_eq!(cue(w), Some(Cue::NotPhone), "{w}");
        }
    }

    #[test]
    fn generic_number_words_are_no_cue() {
        for w in [
            "Nummer ",
            "Number: ",
            "No. ",
            "Nr. ",
            "Numéro : ",
            "Kontakt ",
        ] {
            assert_eq!(cue(w), None, "{w}");
        }
    }

    #[test]
    fn labels_are_whole_words() {
        // `p` inside `Shop`, `tel` inside `Hotel`, `fax` inside `Halifax`.
        assert_eq!(cue("Shop "), None);
        assert_eq!(cue("Hotel "), None);
        assert_eq!(cue("Halifax "), None);
        assert_eq!(
            last_cue("Halifax ", 4),
            None,
            "a cut window keeps word context"
        );
        // The last label wins, and a long phrase in between hides it.
        assert_eq!(cue("Fax 123 · Tel. "), Some(Cue::Phone));
        assert_eq!(cue("Tel. opening hours are posted "), None);
    }
}
