//! The report pages rendered from fixture results: sections, languages, ordering, unknown
//! ids, screenshots, branding, the overview's controls, and hostile page strings that must
//! stay text.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use lead_audit_core::{AuditResult, Contact, ContactKind, ContactMethod, ContactSource};
use lead_audit_report::{
    overview_csv, render_lead, render_lead_and_entry, render_lead_with, render_overview,
    report_file_name, Brand, Lang, LeadExtras, OverviewEntry, ReportOptions, Screenshots,
};
use proptest::prelude::*;

/// A one-pixel PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xFF, 0xFF, 0x3F,
    0x00, 0x05, 0xFE, 0x02, 0xFE, 0xA7, 0x35, 0x81, 0x84, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E,
    0x44, 0xAE, 0x42, 0x60, 0x82,
];

const HOSTILE: &str = r#"<script>alert(1)</script>"><img src=x onerror=alert(1)>"#;

fn bakery() -> AuditResult {
    serde_json::from_str(include_str!("fixtures/bakery.json")).expect("fixture")
}

fn english() -> ReportOptions {
    ReportOptions {
        lang: Some(Lang::En),
        ..ReportOptions::default()
    }
}

fn hostile() -> AuditResult {
    let mut r = bakery();
    r.audit.title = Some(HOSTILE.into());
    r.audit.meta_description = Some(HOSTILE.into());
    r.emails = vec![format!("a{HOSTILE}@example.com")];
    r.phones = vec![HOSTILE.into()];
    r.socials
        .insert(HOSTILE.into(), format!("javascript:alert(1)//{HOSTILE}"));
    r.technologies[0].name = HOSTILE.into();
    r.technologies[0].version = Some(HOSTILE.into());
    r.audit.issues[0].message = HOSTILE.into();
    r.audit.issues.push(lead_audit_core::AuditIssue {
        id: HOSTILE.into(),
        severity: lead_audit_core::Severity::High,
        message: HOSTILE.into(),
    });
    r.error = Some(lead_audit_core::AuditError {
        kind: lead_audit_core::ErrorKind::Connect,
        message: HOSTILE.into(),
    });
    r.final_url = Some(format!("http://example.com/{HOSTILE}"));
    r.faxes = vec![HOSTILE.into()];
    r.contacts = vec![contact(
        ContactKind::Fax,
        HOSTILE,
        &format!("http://example.com/{HOSTILE}"),
        ContactMethod::Text,
    )];
    r
}

fn contact(kind: ContactKind, value: &str, url: &str, method: ContactMethod) -> Contact {
    Contact {
        kind,
        value: value.into(),
        platform: None,
        source: ContactSource {
            url: url.into(),
            method,
        },
        role: value.starts_with("info@"),
    }
}

/// The bakery with where each contact was found, and a fax line.
fn bakery_with_sources() -> AuditResult {
    let mut r = bakery();
    let site = "http://www.baeckerei-sonnenkorn.de";
    r.faxes = vec!["+4989123457".into()];
    r.contacts = vec![
        contact(
            ContactKind::Email,
            "info@baeckerei-sonnenkorn.de",
            &format!("{site}/kontakt"),
            ContactMethod::Obfuscated,
        ),
        contact(
            ContactKind::Phone,
            "+4989123456",
            &format!("{site}/"),
            ContactMethod::Tel,
        ),
        contact(
            ContactKind::Fax,
            "+4989123457",
            &format!("{site}/kontakt"),
            ContactMethod::Text,
        ),
    ];
    r
}

#[test]
fn contacts_say_where_they_were_found() {
    let html = render_lead(&bakery_with_sources(), &english()).unwrap();
    assert!(
        html.contains("found on &#x2f;kontakt, scrambled against spam"),
        "{html}"
    );
    assert!(html.contains("found on the home page, as a call link"));
    assert!(html.contains("Fax:</span> +4989123457"));
    assert!(html.contains("(shared inbox)"));
    // The social profile has no source in this result: it is listed without one.
    assert_eq!(count(&html, "found on"), 3);
    let german = ReportOptions {
        lang: Some(Lang::De),
        ..ReportOptions::default()
    };
    let html = render_lead(&bakery_with_sources(), &german).unwrap();
    assert!(html.contains("gefunden auf der Startseite, als Anruf-Link"));
    assert!(html.contains("(Sammeladresse)"));
}

/// Every element-starting sequence in `html`, e.g. `<img`.
fn count(html: &str, needle: &str) -> usize {
    html.to_ascii_lowercase().matches(needle).count()
}

#[test]
fn an_english_report_has_every_section_and_the_verdict() {
    let html = render_lead(&bakery(), &english()).unwrap();
    for id in [
        "id=\"header\"",
        "id=\"verdict\"",
        "id=\"screenshots\"",
        "id=\"findings\"",
        "id=\"technologies\"",
        "id=\"contacts\"",
        "id=\"domain\"",
    ] {
        assert!(html.contains(id), "{id} missing");
    }
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("Your website is losing you customers."));
    assert!(html.contains("id=\"grade\">HOT</span>"));
    assert!(
        html.contains("Bäckerei Sonnenkorn"),
        "the name comes from the title"
    );
    assert!(html.contains("Screenshots unavailable: not taken"));
    assert!(html.contains("registered on 18 March 2004 (22 years ago)"));
    assert!(html.contains("The footer says © 2017."));
    assert!(html.contains("9 of 14 images have no description."));
    assert!(html.contains("The home page took 2.3 seconds to arrive."));
    assert!(html.contains("Software that no longer gets security updates: PHP 5.6.40"));
    assert!(html.contains("<span class=\"flag eol\">no longer supported</span>"));
    assert!(html.contains("<span class=\"flag outdated\">outdated</span>"));
    assert!(html.contains("The home page has a contact form."));
    // Self-contained: nothing is loaded from anywhere.
    assert_eq!(count(&html, "<script"), 0);
    assert_eq!(count(&html, "<link"), 0);
    assert!(!html.contains("src=\"http"));
    assert!(!html.contains("url("));
    assert!(html.contains("@media print"));
}

#[test]
fn findings_follow_the_score_weights_and_unknown_ids_come_last() {
    let html = render_lead(&bakery(), &english()).unwrap();
    let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("{s} missing"));
    // no-https and no-viewport weigh 15, eol 10, stale copyright 10, slow response 8.
    assert!(at("id=\"group-security\"") < at("id=\"group-mobile\""));
    assert!(at("id=\"group-mobile\"") < at("id=\"group-freshness\""));
    assert!(at("id=\"group-freshness\"") < at("id=\"group-speed\""));
    assert!(at("id=\"group-speed\"") < at("id=\"group-findability\""));
    assert!(at("data-issue=\"no-https\"") < at("data-issue=\"eol-php\""));
    assert!(at("data-issue=\"stale-copyright\"") < at("data-issue=\"outdated-jquery\""));
    let other = at("id=\"group-other\"");
    assert!(other > at("id=\"group-findability\""));
    assert!(html[other..].contains("A finding this version has no text for"));
    assert!(html[other..].contains("Other findings"));
    // The zoom finding added by a newer check has its own text already.
    assert!(html.contains("Visitors cannot zoom on a phone"));
}

#[test]
fn a_german_lead_gets_a_german_report() {
    // No language chosen: the .de site decides.
    let html = render_lead(&bakery(), &ReportOptions::default()).unwrap();
    assert!(html.contains("<html lang=\"de\">"));
    assert!(html.contains("Ihre Website kostet Sie Kunden."));
    assert!(html.contains("Auffindbarkeit bei Google"));
    assert!(html.contains("Sicherheit"));
    assert!(html.contains("Geprüft am 4. Dezember 2026"));
    assert!(html.contains("Die Startseite kam nach 2,3 Sekunden an."));
    assert!(html.contains("wurde am 18. März 2004 registriert (vor 22 Jahren)"));
    assert!(html.contains("Bildschirmfotos nicht verfügbar"));
    assert!(!html.contains("What we found"));
    // A region overrides the TLD; an explicit language overrides both.
    let us = LeadExtras {
        region: Some("US".into()),
        ..LeadExtras::default()
    };
    let en = render_lead_with(&bakery(), &us, &ReportOptions::default()).unwrap();
    assert!(en.contains("<html lang=\"en\">"));
}

#[test]
fn unreachable_and_clean_sites_get_their_own_verdicts() {
    let mut r = bakery();
    r.reachable = false;
    r.error = Some(lead_audit_core::AuditError {
        kind: lead_audit_core::ErrorKind::Dns,
        message: "the name does not resolve".into(),
    });
    r.score.grade = lead_audit_core::Grade::Cold;
    let html = render_lead(&r, &english()).unwrap();
    assert!(html.contains("We could not open your website."));
    assert!(html.contains("the name does not resolve"));

    let mut clean = bakery();
    clean.audit.issues.clear();
    clean.technologies.clear();
    clean.emails.clear();
    clean.phones.clear();
    clean.socials.clear();
    clean.domain = None;
    clean.score.grade = lead_audit_core::Grade::Cold;
    let html = render_lead(&clean, &english()).unwrap();
    assert!(html.contains("Your website is in good shape."));
    assert!(html.contains("We found nothing that needs fixing"));
    assert!(html.contains("We found no email address"));
    assert!(!html.contains("id=\"domain\""));
}

#[test]
fn screenshots_are_inlined_and_bytes_that_are_not_png_are_not() {
    let extras = LeadExtras {
        screenshots: Screenshots {
            desktop: Some(PNG.to_vec()),
            mobile: Some(PNG.to_vec()),
            unavailable: None,
        },
        ..LeadExtras::default()
    };
    let html = render_lead_with(&bakery(), &extras, &english()).unwrap();
    assert_eq!(html.matches("src=\"data:image&#x2f;png;base64,").count(), 2);
    assert!(html.contains("id=\"shot-desktop\""));
    assert!(html.contains("id=\"shot-mobile\""));
    assert!(!html.contains("Screenshots unavailable"));

    let fake = LeadExtras {
        screenshots: Screenshots {
            desktop: Some(b"<svg onload=alert(1)>".to_vec()),
            mobile: None,
            unavailable: Some("Chromium is not installed".into()),
        },
        ..LeadExtras::default()
    };
    let html = render_lead_with(&bakery(), &fake, &english()).unwrap();
    assert!(html.contains("Screenshots unavailable: Chromium is not installed"));
    assert_eq!(count(&html, "<img"), 0);
}

#[test]
fn hostile_page_strings_render_as_text() {
    let extras = LeadExtras {
        business_name: Some(HOSTILE.into()),
        ..LeadExtras::default()
    };
    for lang in [Lang::En, Lang::De] {
        let opts = ReportOptions {
            lang: Some(lang),
            ..ReportOptions::default()
        };
        for html in [
            render_lead(&hostile(), &opts).unwrap(),
            render_lead_with(&hostile(), &extras, &opts).unwrap(),
        ] {
            assert_eq!(count(&html, "<script"), 0, "{lang}");
            assert_eq!(count(&html, "<img"), 0, "{lang}");
            assert!(
                html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"),
                "{lang}"
            );
            assert!(!html.contains("href=\"javascript:"), "{lang}");
            assert!(
                html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"),
                "{lang}"
            );
        }
    }
    let (_, entry) = render_lead_and_entry(&hostile(), &extras, "001-x.html", &english()).unwrap();
    let overview = render_overview(&[entry], &english()).unwrap();
    // The overview's one script is its own sorter.
    assert_eq!(count(&overview, "<script"), 1);
    assert_eq!(count(&overview, "<img"), 0);
    assert!(overview.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
}

#[test]
fn huge_page_strings_are_cut_short() {
    let huge = "Ä<b>".repeat(250_000);
    let mut r = bakery();
    r.audit.title = Some(huge.clone());
    r.audit.meta_description = Some(huge.clone());
    r.emails = vec![huge.clone()];
    r.technologies[0].name = huge.clone();
    for issue in &mut r.audit.issues {
        issue.message = huge.clone();
    }
    let html = render_lead(&r, &english()).unwrap();
    let longest = html.lines().max_by_key(|l| l.len()).unwrap_or_default();
    assert!(
        html.len() < 200_000,
        "{} bytes: {}",
        html.len(),
        &longest[..300]
    );
    assert_eq!(count(&html, "<b>"), 0);
}

#[test]
fn the_overview_table_sorts_and_filters_in_the_browser() {
    let mut entries = Vec::new();
    for (i, grade) in ["HOT", "WARM", "COLD"].into_iter().enumerate() {
        let mut r = bakery();
        r.url = format!("https://shop-{i}.example.com");
        r.final_url = None;
        r.score.grade = grade.parse().unwrap();
        r.score.points = 100 - 30 * i as i32;
        let file = report_file_name(i, &r);
        entries.push(OverviewEntry::new(
            &r,
            &LeadExtras::default(),
            &file,
            &english(),
        ));
    }
    assert_eq!(entries[0].report, "001-shop-0-example-com.html");
    assert_eq!(entries[0].top_findings.len(), 3);
    assert_eq!(entries[0].contacts, 3);
    let html = render_overview(&entries, &english()).unwrap();
    assert!(html.contains("id=\"filter\""));
    assert!(html.contains("id=\"grade-filter\""));
    assert_eq!(html.matches("<th data-type=").count(), 6);
    assert!(html.contains("<tr data-grade=\"WARM\">"));
    assert!(html.contains("href=\"002-shop-1-example-com.html\""));
    assert!(
        html.contains("aria-sort"),
        "the sorter marks the sorted column"
    );
    assert!(html.contains("3 websites checked"));
    assert!(!html.contains("src=\"http"));

    let csv = overview_csv(&entries).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(&rows[1][2], "WARM");
    assert_eq!(&rows[1][3], "70");
}

#[test]
fn the_agency_footer_shows_the_brand_with_its_logo_inlined() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("logo.png"), PNG).unwrap();
    let path = dir.path().join("brand.toml");
    std::fs::write(
        &path,
        "name = \"Nordlicht <Web>\"\nlogo = \"logo.png\"\ntagline = \"Websites für das Handwerk\"\nemail = \"hallo@nordlicht.example\"\nphone = \"+49 40 1234567\"\n",
    )
    .unwrap();
    let opts = ReportOptions {
        brand: Some(Brand::load(&path).unwrap()),
        ..english()
    };
    let html = render_lead(&bakery(), &opts).unwrap();
    assert!(html.contains("id=\"brand\""));
    assert!(html.contains("Nordlicht &lt;Web&gt;"));
    assert!(html.contains("<img src=\"data:image&#x2f;png;base64,"));
    assert!(html.contains("hallo@nordlicht.example · +49 40 1234567"));
    assert!(!render_lead(&bakery(), &english())
        .unwrap()
        .contains("id=\"brand\""));
}

#[test]
fn file_names_are_safe_whatever_the_url() {
    let mut r = bakery();
    r.final_url = Some("http://exa_mple.com/../../etc/passwd".into());
    assert_eq!(report_file_name(0, &r), "001-exa-mple-com.html");
    r.final_url = None;
    r.url = "\"><script>".into();
    assert_eq!(report_file_name(41, &r), "042-lead.html");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever a page's title, description and contacts hold, the report has exactly the
    /// markup of the same report with plain strings in their place.
    #[test]
    fn no_page_string_becomes_markup(
        title in ".{0,200}",
        description in "[<>\"'&a-z =/]{0,200}",
        email in "[<>\"'&a-z@.=/]{1,80}",
    ) {
        let with = |title: &str, description: &str, email: &str| {
            let mut r = bakery();
            r.audit.title = Some(title.to_owned());
            r.audit.meta_description = Some(description.to_owned());
            r.emails = vec![email.to_owned()];
            r.audit.issues.push(lead_audit_core::AuditIssue {
                id: "long-meta-description".into(),
                severity: lead_audit_core::Severity::Low,
                message: description.to_owned(),
            });
            render_lead(&r, &english()).unwrap()
        };
        let html = with(&title, &description, &email);
        let plain = with("x", "x", "x");
        prop_assert_eq!(count(&html, "<script"), 0);
        prop_assert_eq!(html.matches('<').count(), plain.matches('<').count());
        prop_assert_eq!(html.matches('>').count(), plain.matches('>').count());
    }
}
