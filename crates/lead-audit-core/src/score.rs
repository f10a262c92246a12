//! The points model: an opportunity sub-score (what the business needs) plus a
//! reachability sub-score (how it can be contacted), every point with its reason. The
//! weights and the rules are documented in `docs/scoring.md`.

mod config;

use std::collections::HashSet;
use std::sync::LazyLock;

use serde::Deserialize;
use url::Url;

pub use config::ScoreConfig;

use crate::result::{AuditResult, Grade, IssueId, Score};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Lists {
    diy_builders: Vec<String>,
    free_mail_domains: Vec<String>,
}

#[allow(clippy::expect_used)] // the embedded file is checked by a test
static LISTS: LazyLock<(HashSet<String>, HashSet<String>)> = LazyLock::new(|| {
    let l: Lists = serde_json::from_str(include_str!("../data/audit_score.json"))
        .expect("data/audit_score.json is valid");
    let lower = |v: Vec<String>| v.into_iter().map(|s| s.to_ascii_lowercase()).collect();
    (lower(l.diy_builders), lower(l.free_mail_domains))
});

/// Issues that make a site look outdated, for the old-domain rule.
const OUTDATED_SIGNS: &[(IssueId, &str)] = &[
    (IssueId::StaleCopyright, "stale copyright"),
    (IssueId::NoViewport, "not mobile-ready"),
    (IssueId::NoHttps, "no HTTPS"),
];

/// Issues that count as missing SEO basics.
const SEO_BASICS: &[(IssueId, &str)] = &[
    (IssueId::NoH1, "h1"),
    (IssueId::NoStructuredData, "structured data"),
    (IssueId::NoOpenGraph, "Open Graph"),
    (IssueId::NoSitemap, "sitemap"),
    (IssueId::NoRobotsTxt, "robots.txt"),
    (IssueId::NoFavicon, "favicon"),
];

/// Points and their reasons, per sub-score.
#[derive(Default)]
struct Tally {
    opportunity: i32,
    reachability: i32,
    reasons: Vec<String>,
}

impl Tally {
    fn opportunity(&mut self, points: i32, reason: impl Into<String>) {
        if points != 0 {
            self.opportunity += points;
            self.reasons.push(format!("+{points} {}", reason.into()));
        }
    }

    fn reachability(&mut self, points: i32, reason: impl Into<String>) {
        if points != 0 {
            self.reachability += points;
            self.reasons.push(format!("+{points} {}", reason.into()));
        }
    }
}

/// Scores a finished result. Unreachable or uncontactable → COLD.
pub fn score(result: &AuditResult, config: &ScoreConfig) -> Score {
    if let Some(reason) = &result.skipped {
        return Score {
            grade: Grade::Cold,
            reasons: vec![format!("not audited: {reason}")],
            ..Score::default()
        };
    }
    let mut t = Tally::default();
    opportunity(result, config, &mut t);
    reachability(result, config, &mut t);
    let points = t.opportunity + t.reachability;
    let direct = !result.emails.is_empty() || !result.phones.is_empty();
    let social_only = !direct && !result.socials.is_empty();
    let grade = if !result.reachable {
        let why = match &result.error {
            Some(e) => format!("{}: {}", e.kind.as_str(), e.message),
            None => "no HTML home page".into(),
        };
        t.reasons
            .push(format!("COLD: the site could not be audited ({why})"));
        Grade::Cold
    } else if social_only && config.social_only_is_cold {
        t.reasons.push(
            "COLD: only social profiles, no email or phone number to reach the business".into(),
        );
        Grade::Cold
    } else if !direct && !social_only {
        t.reasons
            .push("COLD: no email, phone number or social profile to reach the business".into());
        Grade::Cold
    } else {
        let grade = if points >= config.hot_threshold {
            Grade::Hot
        } else if points >= config.warm_threshold {
            Grade::Warm
        } else {
            Grade::Cold
        };
        t.reasons.push(format!(
            "= {points} points: {grade} (HOT from {}, WARM from {})",
            config.hot_threshold, config.warm_threshold
        ));
        grade
    };
    Score {
        grade,
        points,
        opportunity: t.opportunity,
        reachability: t.reachability,
        reasons: t.reasons,
    }
}

fn opportunity(r: &AuditResult, c: &ScoreConfig, t: &mut Tally) {
    let a = &r.audit;
    let has = |id: &IssueId| a.issues.iter().any(|i| i.id == *id);
    if has(&IssueId::NoHttps) {
        t.opportunity(c.no_https, "no HTTPS");
    }
    if has(&IssueId::NoHttpsRedirect) {
        t.opportunity(c.no_https_redirect, "http does not redirect to HTTPS");
    }
    if has(&IssueId::CertificateExpired) || has(&IssueId::CertificateExpiring) {
        let when = match a.certificate_days_left {
            Some(d) if d < 0 => format!("expired {} days ago", -d),
            Some(d) => format!("expires in {d} days"),
            None => "expired or expiring".into(),
        };
        t.opportunity(c.certificate_problem, format!("TLS certificate {when}"));
    }
    if has(&IssueId::NoViewport) {
        t.opportunity(
            c.not_mobile_ready,
            "not mobile-ready (no viewport meta tag)",
        );
    }
    if has(&IssueId::StaleCopyright) {
        let year = a
            .copyright_year
            .map(|y| format!(" {y}"))
            .unwrap_or_default();
        t.opportunity(c.stale_copyright, format!("stale copyright year{year}"));
    }
    if has(&IssueId::SlowResponse) {
        let secs = a.response_time_ms.unwrap_or(0) as f64 / 1000.0;
        t.opportunity(c.slow_response, format!("slow home page ({secs:.1} s)"));
    }
    if has(&IssueId::HeavyPage) {
        let mb = a.page_weight_bytes.unwrap_or(0) as f64 / 1_000_000.0;
        t.opportunity(
            c.heavy_page,
            format!("heavy home page ({mb:.1} MB of HTML)"),
        );
    }
    if has(&IssueId::MixedContent) {
        let n = a.mixed_content.unwrap_or(0);
        t.opportunity(
            c.mixed_content,
            format!("mixed content ({n} http resources on https)"),
        );
    }
    let hidden: Vec<&str> = [
        (IssueId::Noindex, "noindex"),
        (IssueId::RobotsBlocksSite, "robots.txt disallows /"),
    ]
    .iter()
    .filter(|(id, _)| has(id))
    .map(|(_, why)| *why)
    .collect();
    if !hidden.is_empty() {
        t.opportunity(
            c.not_indexable,
            format!("hidden from search engines ({})", hidden.join(", ")),
        );
    }
    if !a.outdated_libraries.is_empty() {
        let list = a.outdated_libraries.join(", ");
        t.opportunity(c.outdated_libraries, format!("outdated software: {list}"));
    }
    if !a.eol_software.is_empty() {
        let list = a.eol_software.join(", ");
        t.opportunity(c.eol_software, format!("end-of-life software: {list}"));
    }
    let (builders, _) = &*LISTS;
    if let Some(b) = r
        .technologies
        .iter()
        .find(|t| builders.contains(&t.name.to_ascii_lowercase()))
    {
        t.opportunity(
            c.diy_builder,
            format!("built with {} (DIY site builder)", b.name),
        );
    }
    if has(&IssueId::MissingTitle) {
        t.opportunity(c.missing_title, "no page title");
    }
    if has(&IssueId::MissingMetaDescription) {
        t.opportunity(c.missing_description, "no meta description");
    }
    if r.reachable && !r.technologies.iter().any(is_analytics) {
        t.opportunity(c.no_analytics, "no analytics or tag manager");
    }
    let gaps: Vec<&str> = SEO_BASICS
        .iter()
        .filter(|(id, _)| has(id))
        .map(|(_, label)| *label)
        .collect();
    if gaps.len() as u32 >= c.seo_gaps_min {
        t.opportunity(
            c.seo_gaps,
            format!("SEO basics missing: {}", gaps.join(", ")),
        );
    }
    domain_age(r, c, t, &has);
}

fn domain_age(r: &AuditResult, c: &ScoreConfig, t: &mut Tally, has: &dyn Fn(&IssueId) -> bool) {
    let Some(days) = r.domain.as_ref().and_then(|d| d.age_days) else {
        return;
    };
    if days < c.young_domain_days {
        t.opportunity(
            c.young_domain,
            format!("domain registered {} (new business)", ago(days)),
        );
    } else if days >= c.old_domain_days {
        let signs: Vec<&str> = OUTDATED_SIGNS
            .iter()
            .filter(|(id, _)| has(id))
            .map(|(_, label)| *label)
            .chain((!r.audit.outdated_libraries.is_empty()).then_some("outdated software"))
            .chain((!r.audit.eol_software.is_empty()).then_some("end-of-life software"))
            .collect();
        if !signs.is_empty() {
            t.opportunity(
                c.old_domain_outdated_site,
                format!(
                    "domain registered {} and the site looks outdated ({})",
                    ago(days),
                    signs.join(", ")
                ),
            );
        }
    }
}

fn is_analytics(t: &crate::result::Technology) -> bool {
    t.categories.iter().any(|c| {
        let c = c.to_ascii_lowercase();
        c.contains("analytics") || c.contains("tag manager")
    })
}

fn reachability(r: &AuditResult, c: &ScoreConfig, t: &mut Tally) {
    let site = r
        .final_url
        .as_deref()
        .and_then(|u| Url::parse(u).ok())
        .or_else(|| Url::parse(&r.url).ok())
        .and_then(|u| u.host_str().map(registrable));
    let own = r.emails.iter().find(|e| {
        site.as_deref()
            .is_some_and(|s| email_domain(e).is_some_and(|d| registrable(d) == s))
    });
    if let Some(e) = own {
        t.reachability(
            c.email_own_domain,
            format!("email on the site's domain ({e})"),
        );
    } else if let Some(e) = r.emails.first() {
        let (_, free) = &*LISTS;
        let kind = match email_domain(e) {
            Some(d) if free.contains(&d.to_ascii_lowercase()) => "on a free-mail provider",
            _ => "on another domain",
        };
        t.reachability(c.email_other, format!("email {kind} ({e})"));
    }
    if let Some(p) = r.phones.first() {
        t.reachability(c.phone, format!("phone number ({p})"));
    }
    if !r.socials.is_empty() {
        let names: Vec<&str> = r.socials.keys().map(String::as_str).collect();
        t.reachability(c.socials, format!("social profiles: {}", names.join(", ")));
    }
    if r.audit.contact_form == Some(true) {
        t.reachability(c.contact_form, "contact form");
    }
}

fn email_domain(email: &str) -> Option<&str> {
    email.rsplit_once('@').map(|(_, d)| d)
}

/// `www.shop.acme.co.uk` → `acme.co.uk`.
fn registrable(host: &str) -> String {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    psl::domain_str(&host).unwrap_or(&host).to_owned()
}

/// `95` → "3 months ago", `5000` → "13 years ago".
fn ago(days: i64) -> String {
    let plural = |n: i64, unit: &str| {
        if n == 1 {
            format!("1 {unit} ago")
        } else {
            format!("{n} {unit}s ago")
        }
    };
    match days {
        d if d < 60 => plural(d.max(0), "day"),
        d if d < 730 => plural(d / 30, "month"),
        d => plural(d / 365, "year"),
    }
}

#[cfg(test)]
mod tests;
