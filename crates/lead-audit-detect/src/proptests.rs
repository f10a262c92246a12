//! Properties of the fingerprint loader over arbitrary Wappalyzer-shaped files: loading
//! either succeeds or returns an error, and whatever loads matches any page without
//! panicking, reporting only technologies of the file, each once, the same way every time.

use proptest::prelude::*;
use serde_json::{json, Map, Value};
use std::collections::HashSet;

use crate::dataset::Dataset;
use crate::engine::Engine;
use crate::pattern::Pattern;
use crate::{DetectInput, Detector};

/// Pieces of JavaScript-flavoured regex, valid and not: groups, classes, escapes,
/// back-references, lookarounds, quantifiers, stray brackets.
const REGEX_BITS: &[&str] = &[
    "wp-content",
    "jquery",
    "([\\d.]+)",
    "(\\d+)",
    "\\.",
    "\\/",
    "[a-z]+",
    "[^\"]*",
    ".*",
    "?",
    "+",
    "*",
    "{2}",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "|",
    "^",
    "$",
    "\\",
    "\\1",
    "(?=x)",
    "(?!x)",
    "(?<=x)",
    "\\b",
    "\\d",
    "\\s",
    "\\w",
    "\\x41",
    "\\u00e9",
    "\\c",
    "\\0",
    "é",
    "\u{1F600}",
    "(?:a|b)",
    "[\\]]",
    "[[]",
    "a{1,3}",
    "a{,3}",
    "\\;",
    ";",
    ":",
];

fn regex_ish() -> BoxedStrategy<String> {
    prop_oneof![
        3 => prop::collection::vec(prop::sample::select(REGEX_BITS), 0..8).prop_map(|b| b.concat()),
        1 => "\\PC{0,16}",
    ]
    .boxed()
}

/// A pattern string with Wappalyzer's `\;version:` and `\;confidence:` suffixes.
fn pattern() -> BoxedStrategy<String> {
    (
        regex_ish(),
        prop::option::of(prop_oneof![
            Just("\\1".to_owned()),
            Just("\\2".to_owned()),
            Just("\\1?a:b".to_owned()),
            Just("\\9?:\\1".to_owned()),
            "\\PC{0,6}",
        ]),
        prop::option::of(prop_oneof![
            Just("50".to_owned()),
            Just("0".to_owned()),
            Just("100".to_owned()),
            Just("99999999999".to_owned()),
            Just("-5".to_owned()),
            "\\PC{0,4}",
        ]),
    )
        .prop_map(|(re, version, confidence)| {
            let mut s = re;
            if let Some(v) = version {
                s.push_str("\\;version:");
                s.push_str(&v);
            }
            if let Some(c) = confidence {
                s.push_str("\\;confidence:");
                s.push_str(&c);
            }
            s
        })
        .boxed()
}

/// A string or a list of strings, as Wappalyzer writes either.
fn one_or_many(s: impl Strategy<Value = String> + Clone) -> impl Strategy<Value = Value> {
    prop_oneof![
        s.clone().prop_map(Value::String),
        prop::collection::vec(s, 0..3).prop_map(|v| json!(v)),
    ]
}

/// `{name: pattern}` fields (headers, cookies, meta, js); `null` values included.
fn named() -> impl Strategy<Value = Value> {
    prop::collection::btree_map(
        "[a-zA-Z_.-]{0,10}",
        prop_oneof![4 => one_or_many(pattern()), 1 => Just(Value::Null)],
        0..3,
    )
    .prop_map(|m| Value::Object(m.into_iter().collect()))
}

fn dom() -> impl Strategy<Value = Value> {
    let selector = prop_oneof![
        Just("#__next".to_owned()),
        Just("div.home".to_owned()),
        Just("meta[name='generator']".to_owned()),
        Just("body > :has(x)".to_owned()),
        "[a-z#.\\[\\]=:>() '\"-]{0,16}",
    ];
    prop_oneof![
        selector.clone().prop_map(Value::String),
        prop::collection::vec(selector.clone(), 0..3).prop_map(|v| json!(v)),
        prop::collection::btree_map(
            selector,
            prop_oneof![
                Just(json!({ "exists": "" })),
                pattern().prop_map(|p| json!({ "text": p })),
                ("[a-z-]{0,8}", pattern()).prop_map(|(a, p)| json!({ "attributes": { a: p } })),
                "\\PC{0,8}".prop_map(Value::String),
                any::<i32>().prop_map(Value::from),
            ],
            0..3,
        )
        .prop_map(|m| Value::Object(m.into_iter().collect())),
        any::<i32>().prop_map(Value::from),
    ]
}

/// Technology names drawn from a small pool, so `implies` / `excludes` / `requires` often
/// name another technology of the file (cycles included).
const NAMES: &[&str] = &[
    "WordPress",
    "PHP",
    "jQuery",
    "Next.js",
    "React",
    "Shopify",
    "",
    "é",
];

fn reference() -> BoxedStrategy<String> {
    (
        prop_oneof![4 => prop::sample::select(NAMES).prop_map(str::to_owned), 1 => "\\PC{0,8}"],
        prop::option::of(prop_oneof![
            Just("\\;confidence:50".to_owned()),
            Just("\\;version:\\1".to_owned())
        ]),
    )
        .prop_map(|(n, suffix)| n + suffix.as_deref().unwrap_or(""))
        .boxed()
}

fn technology() -> impl Strategy<Value = Value> {
    let fields = (
        prop::option::of(one_or_many(pattern())),
        prop::option::of(one_or_many(pattern())),
        prop::option::of(one_or_many(pattern())),
        prop::option::of(named()),
        prop::option::of(named()),
        prop::option::of(named()),
        prop::option::of(named()),
        prop::option::of(dom()),
        prop::option::of(one_or_many(reference())),
        prop::option::of(one_or_many(reference())),
        prop::option::of(one_or_many(reference())),
        prop::option::of(prop::collection::vec(0u32..100, 0..3)),
    );
    (fields, prop::option::of(one_or_many(pattern()))).prop_map(
        |(
            (
                html,
                script_src,
                scripts,
                headers,
                cookies,
                meta,
                js,
                dom,
                implies,
                excludes,
                requires,
                cats,
            ),
            url,
        )| {
            let mut t = Map::new();
            let mut put = |k: &str, v: Option<Value>| {
                if let Some(v) = v {
                    t.insert(k.to_owned(), v);
                }
            };
            put("html", html);
            put("scriptSrc", script_src);
            put("scripts", scripts);
            put("headers", headers);
            put("cookies", cookies);
            put("meta", meta);
            put("js", js);
            put("dom", dom);
            put("implies", implies);
            put("excludes", excludes);
            put("requires", requires);
            put("cats", cats.map(|c| json!(c)));
            put("url", url);
            Value::Object(t)
        },
    )
}

fn technologies() -> impl Strategy<Value = Value> {
    prop::collection::btree_map(
        prop_oneof![4 => prop::sample::select(NAMES).prop_map(str::to_owned), 1 => "\\PC{0,8}"],
        technology(),
        0..6,
    )
    .prop_map(|m| Value::Object(m.into_iter().collect()))
}

/// A page that gives many fingerprints something to match.
fn page() -> impl Strategy<Value = (String, String)> {
    let bits = prop::sample::select(vec![
        "<html><head><meta name=\"generator\" content=\"WordPress 6.4\">",
        "<script src=\"/wp-content/jquery-3.7.1.js\"></script>",
        "<div id=\"__next\" class=\"home\">",
        "<script>var a = {b: 1};</script>",
        "é\u{1F600}",
        "1.2.3",
        "\0",
    ]);
    (
        prop::collection::vec(
            prop_oneof![bits.prop_map(str::to_owned), "\\PC{0,12}"],
            0..12,
        )
        .prop_map(|b| b.concat()),
        "\\PC{0,24}",
    )
}

/// Matches `page` with every kind of input filled from it.
fn detect(detector: &Detector, html: &str, extra: &str) -> Vec<crate::Technology> {
    let doc = scraper::Html::parse_document(html);
    let pairs = [
        ("x-powered-by".to_owned(), extra.to_owned()),
        ("set-cookie".to_owned(), format!("{extra}=1")),
        (extra.to_lowercase(), html.to_owned()),
    ];
    let url = format!("https://example.com/{extra}");
    detector.detect(&DetectInput {
        url: &url,
        headers: &pairs,
        html,
        doc: Some(&doc),
        js: &pairs,
        ..DetectInput::default()
    })
}

fn check(
    detector: &Detector,
    names: &HashSet<String>,
    html: &str,
    extra: &str,
) -> Result<(), TestCaseError> {
    let found = detect(detector, html, extra);
    let mut seen = HashSet::new();
    for t in &found {
        prop_assert!(names.contains(&t.name), "{} is not in the file", t.name);
        prop_assert!(seen.insert(&t.name), "{} reported twice", t.name);
        prop_assert!(t.confidence <= 100);
    }
    prop_assert_eq!(detect(detector, html, extra), found);
    let _ = detector.js_paths();
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn wappalyzer_shaped_files_load_and_match(file in technologies(), (html, extra) in page()) {
        let text = file.to_string();
        let Ok(data) = Dataset::parse_technologies("t.json", &text) else {
            return Ok(());
        };
        let names: HashSet<String> = data.technologies.keys().cloned().collect();
        let detector = Detector { engine: Engine::compile(data) };
        prop_assert!(detector.technology_count() <= names.len());
        check(&detector, &names, &html, &extra)?;
    }

    #[test]
    fn arbitrary_text_is_loaded_or_refused(text in "\\PC{0,200}") {
        let _ = Dataset::parse_technologies("t.json", &text);
        let _ = Dataset::parse_categories("c.json", &text);
    }

    #[test]
    fn mutated_files_are_loaded_or_refused(file in technologies(), cut in any::<prop::sample::Index>(), junk in "\\PC{0,4}") {
        let text = file.to_string();
        let mut at = cut.index(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let mutated = format!("{}{junk}{}", &text[..at], &text[at..]);
        if let Ok(data) = Dataset::parse_technologies("t.json", &mutated) {
            let names: HashSet<String> = data.technologies.keys().cloned().collect();
            let detector = Detector { engine: Engine::compile(data) };
            check(&detector, &names, &mutated, &junk)?;
        }
    }

    #[test]
    fn patterns_parse_or_skip_and_match(raw in pattern(), hay in "\\PC{0,64}") {
        if let Ok(p) = Pattern::parse(&raw) {
            prop_assert!(p.confidence <= 100);
            let first = p.exec(hay.as_bytes());
            prop_assert_eq!(p.exec(hay.as_bytes()), first);
        }
    }
}

proptest! {
    // Each case compiles the embedded set as well: a few cases suffice for the file path.
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn a_dataset_file_loads_or_is_refused(file in technologies(), bundle in any::<bool>(), (html, extra) in page()) {
        let value = if bundle {
            json!({ "technologies": file, "categories": { "1": { "name": "CMS", "priority": 1 } } })
        } else {
            file
        };
        let mut f = tempfile::Builder::new().suffix(".json").tempfile().unwrap();
        std::io::Write::write_all(&mut f, value.to_string().as_bytes()).unwrap();
        if let Ok(detector) = Detector::with_dataset(f.path()) {
            let found = detect(&detector, &html, &extra);
            for t in &found {
                prop_assert!(t.confidence <= 100);
            }
            prop_assert_eq!(detect(&detector, &html, &extra), found);
        }
    }
}

/// Spellings of a few names, ones that normalise to nothing among them.
const SPELLINGS: &[&str] = &[
    "Mailchimp",
    "MailChimp",
    "mail-chimp",
    "Rank Math",
    "RankMath",
    "rank_math",
    "Owl Carousel",
    "OWL Carousel",
    "C++",
    "C#",
    "",
    " . ",
];

/// Dataset entries: a spelling and a marker of which entry it is.
fn entries() -> impl Strategy<Value = Vec<(&'static str, usize)>> {
    prop::collection::vec(prop::sample::select(SPELLINGS), 0..10)
        .prop_map(|names| names.into_iter().enumerate().map(|(i, n)| (n, i)).collect())
}

fn dataset_of(entries: &[(&str, usize)]) -> Dataset {
    let mut data = Dataset::default();
    for &(name, i) in entries {
        let tech = crate::dataset::RawTech {
            html: vec![format!("marker-{i}")],
            cats: if i % 2 == 0 { vec![1] } else { Vec::new() },
            ..Default::default()
        };
        data.insert(name.to_owned(), tech);
    }
    data
}

/// The embedded-like side: two of the names, spelt one way.
fn builtin() -> Dataset {
    let mut data = dataset_of(&[("Mailchimp", 100), ("Owl Carousel", 101)]);
    data.mark_builtin();
    data
}

/// Normalised name → (kept name, html) of every entry.
fn summary(data: &Dataset) -> std::collections::BTreeMap<String, (String, Vec<String>)> {
    data.technologies
        .iter()
        .map(|(name, t)| {
            (
                crate::merge::normalize(name),
                (name.clone(), t.html.clone()),
            )
        })
        .collect()
}

proptest! {
    #[test]
    fn merging_is_deterministic_and_its_names_do_not_depend_on_order(
        (list, shuffled) in entries().prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle())),
        dataset_wins in any::<bool>(),
    ) {
        use crate::merge::{normalize, overlay, DatasetPrecedence};
        let precedence = if dataset_wins { DatasetPrecedence::Dataset } else { DatasetPrecedence::BuiltIn };
        let merged = overlay(builtin(), dataset_of(&list), precedence);
        let again = overlay(builtin(), dataset_of(&list), precedence);
        prop_assert_eq!(summary(&merged), summary(&again));
        let other = overlay(builtin(), dataset_of(&shuffled), precedence);
        let (a, b) = (summary(&merged), summary(&other));
        // One entry per normalised name, the same names whatever the order.
        prop_assert_eq!(a.len(), merged.technologies.len());
        prop_assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
        let expected: HashSet<String> = list
            .iter()
            .map(|(n, _)| normalize(n))
            .chain(["mailchimp".to_owned(), "owlcarousel".to_owned()])
            .filter(|k| !k.is_empty())
            .collect();
        prop_assert_eq!(a.keys().cloned().collect::<HashSet<_>>(), expected);
        // The embedded spelling and, when it wins, its fields, whatever the dataset's order.
        for (key, spelling, marker) in [("mailchimp", "Mailchimp", "marker-100"), ("owlcarousel", "Owl Carousel", "marker-101")] {
            prop_assert_eq!(&a[key].0, spelling);
            prop_assert_eq!(&b[key].0, spelling);
            if !dataset_wins {
                prop_assert_eq!(&a[key].1, &vec![marker.to_owned()]);
            }
        }
        let nameless = list.iter().filter(|(n, _)| normalize(n).is_empty()).count();
        prop_assert_eq!(merged.nameless, nameless);
    }
}
