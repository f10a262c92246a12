//! The extraction corpus: realistic small-business pages under `fixtures/pages/` with the
//! contacts and technologies a person reading the page would list beside each
//! (`NAME.expected.json`), plus one generated catalogue page over 1 MB. Prints a table and
//! micro-averaged precision/recall, and holds them to the project's goals.
//!
//! `fixtures/holdout/` is a second corpus in the same format, written without looking at the
//! extractor or its data, so its numbers measure how the extractor does on pages it was not
//! tuned on. It is scored separately and held to the SPEC goals only.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use lead_audit_core::analyze::{analyze_page, AnalyzeConfig, PageInput};
use lead_audit_core::extract::{extract_contacts, Contacts, ExtractOptions};
use lead_audit_core::fetch::charset::decode_html;
use lead_audit_core::Detector;
use scraper::Html;
use serde::Deserialize;
use url::Url;

#[derive(Deserialize)]
struct Expected {
    url: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    /// The encoding of the file's bytes when it is not UTF-8.
    charset: Option<String>,
    emails: Vec<String>,
    phones: Vec<String>,
    #[serde(default)]
    socials: BTreeMap<String, String>,
    #[serde(default)]
    technologies: Vec<String>,
}

struct Page {
    name: String,
    html: String,
    url: Url,
    headers: Vec<(String, String)>,
    expected: Expected,
}

fn fixtures_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Every `*.html` fixture of one folder, decoded the way the fetcher decodes a response.
fn load_dir(name: &str) -> Vec<Page> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(fixtures_dir(name))
        .unwrap_or_else(|e| panic!("fixtures/{name}: {e}"))
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    names.sort();
    names.iter().map(|p| load(p)).collect()
}

/// The development corpus: every fixture of `pages/` plus the generated page.
fn corpus() -> Vec<Page> {
    let mut pages = load_dir("pages");
    pages.push(generated_catalogue());
    pages
}

/// The held-out corpus of `holdout/`.
fn holdout() -> Vec<Page> {
    load_dir("holdout")
}

fn load(path: &Path) -> Page {
    let name = path
        .file_stem()
        .and_then(|s| s.to_str())
        .expect("utf-8 name")
        .to_owned();
    let bytes = std::fs::read(path).expect("fixture readable");
    let expected: Expected = serde_json::from_slice(
        &std::fs::read(path.with_extension("expected.json")).expect("expected.json beside page"),
    )
    .unwrap_or_else(|e| panic!("{name}.expected.json: {e}"));
    let headers: Vec<(String, String)> = expected
        .headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
        .collect();
    let content_type = headers
        .iter()
        .find(|(k, _)| k == "content-type")
        .map(|(_, v)| v.as_str());
    let html = decode_html(&bytes, content_type);
    if let Some(label) = &expected.charset {
        // The fixture must really be in that encoding, and be decoded as such.
        let enc = encoding_rs::Encoding::for_label(label.as_bytes())
            .unwrap_or_else(|| panic!("{name}: unknown charset {label}"));
        assert!(
            std::str::from_utf8(&bytes).is_err(),
            "{name}: bytes are valid UTF-8, not {label}"
        );
        assert_eq!(
            html,
            enc.decode_without_bom_handling(&bytes).0,
            "{name}: decoded differently"
        );
    }
    let url = Url::parse(&expected.url).expect("expected.url parses");
    Page {
        name,
        html,
        url,
        headers,
        expected,
    }
}

/// A shop's product listing over 1 MB: thousands of prices, SKUs, EANs, dates and asset
/// names around one contact block, built the same way every run.
fn generated_catalogue() -> Page {
    let mut html = String::with_capacity(1_300_000);
    html.push_str(
        r#"<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>All products – Harbour Hardware</title>
<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/bootstrap@5.3.2/dist/css/bootstrap.min.css">
<script src="https://code.jquery.com/jquery-3.7.1.min.js"></script></head><body>
<header><a href="/"><img src="/img/logo@2x.png" alt="Harbour Hardware"></a>
<p class="header-phone">Call us: <a href="tel:+441174960961">0117 496 0961</a></p></header><main class="container"><div class="row">"#,
    );
    let mut seed: u64 = 0x5eed_1234;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut i = 0;
    while html.len() < 1_150_000 {
        let r = next();
        let _ = write!(
            html,
            r#"<div class="col-md-3 product" data-id="{id}"><img src="/media/p{i}@2x.webp" alt="">
<h3>Item {i}: Brass hinge {w} mm</h3><p class="sku">SKU: {a}-{b}-{c}</p><p class="ean">EAN 50{ean:011}</p>
<p class="price">£{p}.{pp:02} incl. VAT</p><p class="stock">Restocked {d:02}.{m:02}.20{y:02} · Order no. {order}</p>
<p>Dimensions {w}.{f} x {h}.{f2} cm, batch {a}/{b}/{c}</p></div>
"#,
            id = r % 10_000_000_000,
            w = 10 + r % 90,
            a = 100 + r % 900,
            b = 100 + (r >> 8) % 900,
            c = 1000 + (r >> 16) % 9000,
            ean = (r >> 3) % 100_000_000_000,
            p = 1 + (r >> 20) % 400,
            pp = (r >> 30) % 100,
            d = 1 + (r >> 33) % 28,
            m = 1 + (r >> 38) % 12,
            y = 10 + (r >> 42) % 15,
            order = 10_000_000 + (r >> 12) % 90_000_000,
            f = (r >> 44) % 100_000,
            h = 5 + (r >> 50) % 40,
            f2 = (r >> 54) % 1000,
        );
        i += 1;
    }
    html.push_str(
        r#"</div></main><footer><p>Harbour Hardware Ltd · 12 Quay Street · Bristol BS1 4DJ</p>
<p>Orders &amp; returns: <a href="mailto:orders@harbourhardware.co.uk">orders@harbourhardware.co.uk</a> · Trade desk: 0117 496 0123</p>
<p>Company No. 08123456 · VAT No. GB 123 4567 89</p>
<a href="https://www.facebook.com/HarbourHardwareBristol">Facebook</a></footer></body></html>"#,
    );
    assert!(html.len() >= 1_000_000);
    Page {
        name: "generated-catalogue".into(),
        url: Url::parse("https://www.harbourhardware.co.uk/products").expect("literal url"),
        headers: vec![("server".into(), "nginx".into())],
        expected: Expected {
            url: "https://www.harbourhardware.co.uk/products".into(),
            headers: BTreeMap::new(),
            charset: None,
            emails: vec!["orders@harbourhardware.co.uk".into()],
            phones: vec!["+441174960961".into(), "+441174960123".into()],
            socials: [(
                "facebook".to_owned(),
                "https://www.facebook.com/HarbourHardwareBristol".to_owned(),
            )]
            .into(),
            technologies: vec!["Bootstrap".into(), "jQuery".into(), "Nginx".into()],
        },
        html,
    }
}

fn options() -> ExtractOptions<'static> {
    ExtractOptions {
        lead_region: None,
        default_region: "US",
    }
}

/// True/false positives and false negatives of one field, summed over pages.
#[derive(Default, Clone, Copy)]
struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Score {
    fn add<'a>(
        &mut self,
        got: impl IntoIterator<Item = &'a String>,
        want: impl IntoIterator<Item = &'a String>,
    ) -> (Vec<String>, Vec<String>) {
        let got: BTreeSet<&String> = got.into_iter().collect();
        let want: BTreeSet<&String> = want.into_iter().collect();
        let extra: Vec<String> = got.difference(&want).map(|s| s.to_string()).collect();
        let missed: Vec<String> = want.difference(&got).map(|s| s.to_string()).collect();
        self.tp += got.intersection(&want).count();
        self.fp += extra.len();
        self.fn_ += missed.len();
        (extra, missed)
    }

    fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

fn socials(c: &BTreeMap<String, String>) -> Vec<String> {
    c.iter().map(|(k, v)| format!("{k}={v}")).collect()
}

#[test]
fn corpus_is_big_and_varied_enough() {
    let pages = corpus();
    assert!(pages.len() >= 30, "{} pages", pages.len());
    assert!(pages.iter().any(|p| p.html.len() >= 1_000_000));
    assert!(
        pages
            .iter()
            .filter(|p| p.expected.charset.is_some())
            .count()
            >= 2
    );
}

/// Contact scores of a set of pages (emails, phones, socials) and a printable table.
fn score_contacts(pages: &[Page]) -> (Score, Score, Score, String) {
    let (mut emails, mut phones, mut social) =
        (Score::default(), Score::default(), Score::default());
    let mut report = String::new();
    let _ = writeln!(
        report,
        "{:<36} {:>9} {:>9} {:>9}  notes",
        "page", "emails", "phones", "socials"
    );
    for page in pages {
        let doc = Html::parse_document(&page.html);
        let c: Contacts = extract_contacts(&doc, &page.url, &options());
        let e = emails.add(&c.emails, &page.expected.emails);
        let p = phones.add(&c.phones, &page.expected.phones);
        let s = social.add(&socials(&c.socials), &socials(&page.expected.socials));
        let mut notes = String::new();
        for (what, (extra, missed)) in [("email", e), ("phone", p), ("social", s)] {
            for x in extra {
                let _ = write!(notes, " +{what} {x}");
            }
            for x in missed {
                let _ = write!(notes, " -{what} {x}");
            }
        }
        let _ = writeln!(
            report,
            "{:<36} {:>4}/{:<4} {:>4}/{:<4} {:>4}/{:<4} {notes}",
            page.name,
            c.emails.len(),
            page.expected.emails.len(),
            c.phones.len(),
            page.expected.phones.len(),
            c.socials.len(),
            page.expected.socials.len(),
        );
    }
    let _ = writeln!(
        report,
        "emails  precision {:.3} recall {:.3}\nphones  precision {:.3} recall {:.3}\nsocials precision {:.3} recall {:.3}",
        emails.precision(),
        emails.recall(),
        phones.precision(),
        phones.recall(),
        social.precision(),
        social.recall()
    );
    (emails, phones, social, report)
}

#[test]
fn contacts_meet_accuracy_goals() {
    let (emails, phones, social, report) = score_contacts(&corpus());
    println!("{report}");
    assert!(emails.precision() >= 0.97, "email precision\n{report}");
    assert!(emails.recall() >= 0.95, "email recall\n{report}");
    assert!(phones.precision() >= 0.95, "phone precision\n{report}");
    assert!(phones.recall() >= 0.90, "phone recall\n{report}");
    assert!(social.precision() >= 0.95, "social precision\n{report}");
    assert!(social.recall() >= 0.90, "social recall\n{report}");
}

#[test]
fn holdout_is_big_enough() {
    let pages = holdout();
    assert!(pages.len() >= 20, "{} held-out pages", pages.len());
    let phones: usize = pages.iter().map(|p| p.expected.phones.len()).sum();
    let emails: usize = pages.iter().map(|p| p.expected.emails.len()).sum();
    assert!(
        phones >= 40 && emails >= 40,
        "{emails} emails, {phones} phones"
    );
}

/// The SPEC goals on pages the extractor was not developed against. Socials are printed but
/// not held to a number: the SPEC sets none for them.
#[test]
fn holdout_contacts_meet_spec_goals() {
    let (emails, phones, _, report) = score_contacts(&holdout());
    let report = format!("HELD-OUT CORPUS (fixtures/holdout)\n{report}");
    println!("{report}");
    let mut failed = Vec::new();
    for (what, got, goal) in [
        ("email precision", emails.precision(), 0.97),
        ("email recall", emails.recall(), 0.95),
        ("phone precision", phones.precision(), 0.95),
        ("phone recall", phones.recall(), 0.90),
    ] {
        if got < goal {
            failed.push(format!("held-out {what} {got:.3} < {goal}"));
        }
    }
    assert!(failed.is_empty(), "{}\n{report}", failed.join("\n"));
}

/// Technology recall of a set of pages, through the whole page analysis (contacts and
/// fingerprints in one parse) as the pipeline runs it, and a printable table.
fn score_technologies(pages: &[Page]) -> (Score, String) {
    let detector = Detector::embedded();
    let mut tech = Score::default();
    let mut report = String::new();
    for page in pages {
        let analysis = analyze_page(
            &PageInput {
                url: &page.url,
                html: &page.html,
                headers: &page.headers,
            },
            &AnalyzeConfig {
                detector,
                extract: options(),
                js: &[],
            },
        );
        let names: Vec<String> = analysis
            .technologies
            .iter()
            .map(|t| t.name.clone())
            .collect();
        // Recall only: the expected lists name what the page visibly marks, and the engine
        // may rightly find more (implied technologies).
        let want = &page.expected.technologies;
        let (_, missed) = tech.add(names.iter().filter(|n| want.contains(n)), want);
        let _ = writeln!(
            report,
            "{:<36} {:>3}/{:<3} missed: {}",
            page.name,
            want.len() - missed.len(),
            want.len(),
            missed.join(", ")
        );
    }
    let _ = writeln!(report, "technologies recall {:.3}", tech.recall());
    (tech, report)
}

#[test]
fn technologies_meet_recall_goal() {
    let (tech, report) = score_technologies(&corpus());
    println!("{report}");
    assert!(tech.recall() >= 0.9, "technology recall\n{report}");
}

#[test]
fn holdout_technologies_meet_spec_goal() {
    let (tech, report) = score_technologies(&holdout());
    let report = format!("HELD-OUT CORPUS (fixtures/holdout)\n{report}");
    println!("{report}");
    assert!(
        tech.recall() >= 0.9,
        "held-out technology recall {:.3} < 0.9\n{report}",
        tech.recall()
    );
}
