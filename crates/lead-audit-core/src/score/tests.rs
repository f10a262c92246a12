use chrono::Utc;

use super::*;
use crate::result::{AuditError, AuditIssue, AuditReport, DomainInfo, Severity, Technology};
use crate::ErrorKind;

fn reachable_site() -> AuditResult {
    AuditResult {
        url: "http://acme-plumbing.com/".into(),
        lead_id: None,
        final_url: Some("https://www.acme-plumbing.com/".into()),
        reachable: true,
        http_status: Some(200),
        error: None,
        rendered_with_browser: false,
        pages: vec![],
        emails: vec![],
        phones: vec![],
        faxes: vec![],
        socials: Default::default(),
        contacts: vec![],
        technologies: vec![tech("Google Analytics", "Analytics")],
        audit: AuditReport::default(),
        domain: None,
        score: Score::default(),
        skipped: None,
        audited_at: Utc::now(),
        duration_ms: 0,
    }
}

fn tech(name: &str, category: &str) -> Technology {
    Technology {
        name: name.into(),
        version: None,
        categories: vec![category.into()],
        confidence: 100,
        evidence: vec![],
        cpe: None,
    }
}

fn issue(id: IssueId) -> AuditIssue {
    AuditIssue {
        message: id.to_string(),
        id,
        severity: Severity::Medium,
    }
}

/// A contactable site with an old look: plenty of opportunity.
fn outdated_site() -> AuditResult {
    let mut r = reachable_site();
    r.final_url = Some("http://acme-plumbing.com/".into());
    r.emails = vec!["info@acme-plumbing.com".into()];
    r.phones = vec!["+14155550132".into()];
    for id in [
        IssueId::NoHttps,
        IssueId::NoViewport,
        IssueId::StaleCopyright,
    ] {
        r.audit.issues.push(issue(id));
    }
    r.audit.copyright_year = Some(2016);
    r.audit.outdated_libraries = vec!["jQuery 1.12.4".into()];
    r
}

/// The sum of the `+N` reasons.
fn reason_points(s: &Score) -> i32 {
    s.reasons
        .iter()
        .filter_map(|r| r.strip_prefix('+'))
        .map(|r| {
            r.split_whitespace()
                .next()
                .and_then(|n| n.parse::<i32>().ok())
                .expect("a number after +")
        })
        .sum()
}

#[test]
fn lists_load() {
    let (builders, free) = &*LISTS;
    assert!(builders.contains("wix"));
    assert!(free.contains("gmail.com"));
}

#[test]
fn outdated_contactable_site_is_hot_with_a_reason_per_point() {
    let c = ScoreConfig::default();
    let s = score(&outdated_site(), &c);
    assert_eq!(s.grade, Grade::Hot, "{:?}", s.reasons);
    assert_eq!(
        s.opportunity,
        c.no_https + c.not_mobile_ready + c.stale_copyright + c.outdated_libraries
    );
    assert_eq!(s.reachability, c.email_own_domain + c.phone);
    assert_eq!(s.points, s.opportunity + s.reachability);
    assert_eq!(reason_points(&s), s.points);
    assert!(
        s.reasons.contains(&"+15 no HTTPS".to_owned()),
        "{:?}",
        s.reasons
    );
    assert!(s
        .reasons
        .contains(&"+10 stale copyright year 2016".to_owned()));
    assert!(s
        .reasons
        .contains(&"+12 email on the site's domain (info@acme-plumbing.com)".to_owned()));
}

#[test]
fn every_rule_gives_its_reason() {
    let c = ScoreConfig::default();
    let mut r = outdated_site();
    for id in [
        IssueId::NoHttpsRedirect,
        IssueId::CertificateExpired,
        IssueId::SlowResponse,
        IssueId::HeavyPage,
        IssueId::MixedContent,
        IssueId::MissingTitle,
        IssueId::MissingMetaDescription,
        IssueId::NoH1,
        IssueId::NoOpenGraph,
        IssueId::NoSitemap,
    ] {
        r.audit.issues.push(issue(id));
    }
    r.audit.certificate_days_left = Some(-3);
    r.audit.eol_software = vec!["PHP 7.4.33".into()];
    r.technologies = vec![tech("Wix", "Page builders")];
    r.socials
        .insert("facebook".into(), "https://facebook.com/acme".into());
    r.audit.contact_form = Some(true);
    r.domain = Some(DomainInfo {
        name: "acme-plumbing.com".into(),
        registered_at: None,
        age_days: Some(5000),
        source: None,
    });
    let s = score(&r, &c);
    assert_eq!(reason_points(&s), s.points);
    // One reason line per rule that gave points, plus the grade line.
    assert_eq!(s.reasons.len(), 21, "{:#?}", s.reasons);
    for expected in [
        "+10 TLS certificate expired 3 days ago",
        "+16 built with Wix (DIY site builder)",
        "+4 no analytics or tag manager",
        "+4 SEO basics missing: h1, Open Graph, sitemap",
        "+10 end-of-life software: PHP 7.4.33",
        "+3 social profiles: facebook",
        "+2 contact form",
    ] {
        assert!(
            s.reasons.contains(&expected.to_owned()),
            "{expected}: {:#?}",
            s.reasons
        );
    }
    assert!(s
        .reasons
        .iter()
        .any(|l| l.starts_with("+8 domain registered 13 years ago and the site looks outdated")));
}

#[test]
fn a_site_hidden_from_search_engines_is_an_opportunity_once() {
    let c = ScoreConfig::default();
    let base = score(&outdated_site(), &c).opportunity;
    for (ids, reason) in [
        (vec![IssueId::Noindex], "(noindex)"),
        (vec![IssueId::RobotsBlocksSite], "(robots.txt disallows /)"),
        (
            vec![IssueId::Noindex, IssueId::RobotsBlocksSite],
            "(noindex, robots.txt disallows /)",
        ),
    ] {
        let mut r = outdated_site();
        r.audit.issues.extend(ids.into_iter().map(issue));
        let s = score(&r, &c);
        assert_eq!(s.opportunity, base + c.not_indexable);
        assert_eq!(reason_points(&s), s.points);
        let line = format!("+{} hidden from search engines {reason}", c.not_indexable);
        assert!(s.reasons.contains(&line), "{line}: {:#?}", s.reasons);
    }
}

#[test]
fn best_practice_issues_do_not_move_the_score() {
    let c = ScoreConfig::default();
    let plain = score(&outdated_site(), &c);
    let mut r = outdated_site();
    for id in [
        IssueId::CanonicalInvalid,
        IssueId::HreflangInvalid,
        IssueId::LinkText,
        IssueId::UncrawlableLinks,
        IssueId::NoDoctype,
        IssueId::NoCharset,
        IssueId::NoLang,
        IssueId::ZoomDisabled,
        IssueId::MetaRefresh,
        IssueId::NoCsp,
        IssueId::NoFrameProtection,
        IssueId::NoCoop,
    ] {
        r.audit.issues.push(issue(id));
    }
    let s = score(&r, &c);
    assert_eq!((s.points, &s.reasons), (plain.points, &plain.reasons));
}

#[test]
fn a_zero_weight_gives_no_reason() {
    let c = ScoreConfig {
        no_https: 0,
        ..ScoreConfig::default()
    };
    let s = score(&outdated_site(), &c);
    assert!(!s.reasons.iter().any(|r| r.contains("no HTTPS")));
    assert_eq!(reason_points(&s), s.points);
}

#[test]
fn grade_boundaries() {
    let r = outdated_site();
    let points = score(&r, &ScoreConfig::default()).points;
    let at = |hot: i32, warm: i32| {
        let c = ScoreConfig {
            hot_threshold: hot,
            warm_threshold: warm,
            ..ScoreConfig::default()
        };
        score(&r, &c).grade
    };
    assert_eq!(at(points, points - 1), Grade::Hot);
    assert_eq!(at(points + 1, points), Grade::Warm);
    assert_eq!(at(points + 1, points + 1), Grade::Cold);
    assert_eq!(at(points + 2, points + 1), Grade::Cold);
}

#[test]
fn unreachable_site_is_cold_whatever_the_points() {
    let mut r = outdated_site();
    r.reachable = false;
    r.error = Some(AuditError {
        kind: ErrorKind::Dns,
        message: "no such host".into(),
    });
    let s = score(&r, &ScoreConfig::default());
    assert_eq!(s.grade, Grade::Cold);
    assert!(s.points >= ScoreConfig::default().hot_threshold);
    assert!(s
        .reasons
        .contains(&"COLD: the site could not be audited (dns: no such host)".to_owned()));
}

#[test]
fn uncontactable_lead_is_cold_whatever_the_points() {
    let mut r = outdated_site();
    r.emails.clear();
    r.phones.clear();
    r.audit.contact_form = Some(true);
    let s = score(&r, &ScoreConfig::default());
    assert_eq!(s.grade, Grade::Cold);
    assert!(s.reasons.iter().any(|l| l.starts_with("COLD: no email")));
    // A social profile alone is not where outreach starts: COLD, unless the config says so.
    r.socials
        .insert("instagram".into(), "https://instagram.com/acme".into());
    let mut c = ScoreConfig {
        hot_threshold: 1,
        warm_threshold: 1,
        ..ScoreConfig::default()
    };
    let s = score(&r, &c);
    assert_eq!(s.grade, Grade::Cold);
    assert!(
        s.reasons
            .iter()
            .any(|l| l.starts_with("COLD: only social profiles")),
        "{:?}",
        s.reasons
    );
    c.social_only_is_cold = false;
    assert_eq!(score(&r, &c).grade, Grade::Hot);
    // With a phone beside it, the profile is one more channel.
    c.social_only_is_cold = true;
    r.phones.push("+14155550132".into());
    assert_eq!(score(&r, &c).grade, Grade::Hot);
}

#[test]
fn skipped_lead_is_cold_with_the_reason() {
    let mut r = outdated_site();
    r.skipped = Some("audited 3 hours ago".into());
    let s = score(&r, &ScoreConfig::default());
    assert_eq!(s.grade, Grade::Cold);
    assert_eq!(s.points, 0);
    assert_eq!(s.reasons, ["not audited: audited 3 hours ago"]);
}

#[test]
fn own_domain_email_beats_free_mail() {
    let c = ScoreConfig::default();
    let mut r = reachable_site();
    r.emails = vec!["acme.plumbing@gmail.com".into()];
    let s = score(&r, &c);
    assert_eq!(s.reachability, c.email_other);
    assert!(s.reasons[0].contains("free-mail"), "{:?}", s.reasons);
    r.emails = vec!["bob@acme-agency.net".into()];
    assert!(score(&r, &c).reasons[0].contains("another domain"));
    // Ranked lists put the own domain first, but the score does not rely on it.
    r.emails = vec!["x@gmail.com".into(), "sales@shop.acme-plumbing.com".into()];
    assert_eq!(score(&r, &c).reachability, c.email_own_domain);
}

#[test]
fn young_domain_is_a_new_business() {
    let mut r = reachable_site();
    r.phones = vec!["+14155550132".into()];
    r.domain = Some(DomainInfo {
        name: "acme-plumbing.com".into(),
        registered_at: None,
        age_days: Some(95),
        source: None,
    });
    let s = score(&r, &ScoreConfig::default());
    assert!(s
        .reasons
        .contains(&"+10 domain registered 3 months ago (new business)".to_owned()));
    // An old domain with a modern site earns nothing for its age.
    r.domain.as_mut().expect("domain").age_days = Some(5000);
    let s = score(&r, &ScoreConfig::default());
    assert!(!s.reasons.iter().any(|l| l.contains("domain registered")));
}

#[test]
fn analytics_absent_only_counts_on_reachable_sites() {
    let c = ScoreConfig::default();
    let mut r = reachable_site();
    assert!(!score(&r, &c)
        .reasons
        .iter()
        .any(|l| l.contains("analytics")));
    r.technologies = vec![tech("Google Tag Manager", "Tag managers")];
    assert!(!score(&r, &c)
        .reasons
        .iter()
        .any(|l| l.contains("analytics")));
    r.technologies.clear();
    assert!(score(&r, &c)
        .reasons
        .iter()
        .any(|l| l.contains("analytics")));
    r.reachable = false;
    assert!(!score(&r, &c)
        .reasons
        .iter()
        .any(|l| l.contains("analytics")));
}

#[test]
fn config_is_camel_case_with_defaults() {
    let c: ScoreConfig =
        serde_json::from_str(r#"{"hotThreshold": 70, "noHttps": 20}"#).expect("config");
    assert_eq!(c.hot_threshold, 70);
    assert_eq!(c.no_https, 20);
    assert_eq!(c.warm_threshold, ScoreConfig::default().warm_threshold);
    assert!(c.validate().is_ok());
}

#[test]
fn validate_rejects_bad_values() {
    let ok = ScoreConfig::default();
    assert!(ok.validate().is_ok());
    let bad = ScoreConfig {
        warm_threshold: 80,
        ..ok.clone()
    };
    assert!(bad
        .validate()
        .expect_err("ordered")
        .contains("warm threshold"));
    let bad = ScoreConfig {
        phone: -1,
        ..ok.clone()
    };
    assert!(bad.validate().expect_err("negative").contains("phone"));
    let bad = ScoreConfig {
        old_domain_days: 100,
        ..ok
    };
    assert!(bad.validate().is_err());
}

#[test]
fn reachability_alone_never_reaches_warm() {
    let c = ScoreConfig::default();
    let max = c.email_own_domain + c.phone + c.socials + c.contact_form;
    assert!(max < c.warm_threshold);
}

#[test]
fn ages_read_well() {
    assert_eq!(ago(1), "1 day ago");
    assert_eq!(ago(45), "45 days ago");
    assert_eq!(ago(95), "3 months ago");
    assert_eq!(ago(400), "13 months ago");
    assert_eq!(ago(800), "2 years ago");
}

#[test]
fn documented_examples() {
    let c = ScoreConfig::default();
    let s = score(&outdated_site(), &c);
    assert_eq!((s.points, s.grade), (68, Grade::Hot));
    assert_eq!(
        s.reasons.last().map(String::as_str),
        Some("= 68 points: HOT (HOT from 60, WARM from 30)")
    );

    let mut wix = reachable_site();
    wix.technologies.push(tech("Wix", "Page builders"));
    wix.emails = vec!["acme.plumbing@gmail.com".into()];
    wix.phones = vec!["+14155550132".into()];
    let s = score(&wix, &c);
    assert_eq!((s.points, s.grade), (30, Grade::Warm), "{:?}", s.reasons);

    let mut modern = reachable_site();
    modern.emails = vec!["info@acme-plumbing.com".into()];
    modern.phones = vec!["+14155550132".into()];
    modern
        .socials
        .insert("facebook".into(), "https://facebook.com/acme".into());
    modern.audit.contact_form = Some(true);
    let s = score(&modern, &c);
    assert_eq!((s.points, s.grade), (25, Grade::Cold), "{:?}", s.reasons);
}
