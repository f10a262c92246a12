//! The audit's issues as findings for an owner: grouped (Security, Mobile, Findability on
//! Google, Speed, Freshness, then ids without a text of their own), explained in plain words
//! with the evidence seen, ordered by the score's weights. Adding an issue id takes one row
//! in [`RULES`] and one text per language in `locales/`.

use lead_audit_core::{AuditIssue, AuditResult, ScoreConfig, Severity};
use serde::Serialize;

use crate::lang::{fill, Lang, Strings};

/// How a finding is grouped for an owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Group {
    /// Encryption, certificates, headers, unsupported software.
    Security,
    /// Phones.
    Mobile,
    /// Search engines.
    Findability,
    /// Page weight and response time.
    Speed,
    /// Signs of an unkept site: old years, old software, old markup.
    Freshness,
    /// Ids this version has no text for, shown with the audit's own message.
    Other,
}

impl Group {
    /// The key of the group's texts in `locales/`.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Security => "security",
            Self::Mobile => "mobile",
            Self::Findability => "findability",
            Self::Speed => "speed",
            Self::Freshness => "freshness",
            Self::Other => "other",
        }
    }
}

/// One known issue id: its group and the score weight it carries.
struct Rule {
    id: &'static str,
    group: Group,
    weight: fn(&ScoreConfig) -> i32,
}

const fn rule(id: &'static str, group: Group, weight: fn(&ScoreConfig) -> i32) -> Rule {
    Rule { id, group, weight }
}

fn none(_: &ScoreConfig) -> i32 {
    0
}

fn seo(c: &ScoreConfig) -> i32 {
    c.seo_gaps
}

use Group::{Findability, Freshness, Mobile, Security, Speed};

/// Every id with a text of its own. The weights are those of `lead_audit_core::score`; an id
/// the score does not count weighs 0 and is ordered by severity.
const RULES: &[Rule] = &[
    rule("no-https", Security, |c| c.no_https),
    rule("certificate-expired", Security, |c| c.certificate_problem),
    rule("certificate-expiring", Security, |c| c.certificate_problem),
    rule("no-https-redirect", Security, |c| c.no_https_redirect),
    rule("mixed-content", Security, |c| c.mixed_content),
    rule("no-hsts", Security, none),
    rule("no-csp", Security, none),
    rule("no-frame-protection", Security, none),
    rule("no-viewport", Mobile, |c| c.not_mobile_ready),
    rule("zoom-disabled", Mobile, none),
    rule("missing-title", Findability, |c| c.missing_title),
    rule("missing-meta-description", Findability, |c| {
        c.missing_description
    }),
    rule("no-h1", Findability, seo),
    rule("no-structured-data", Findability, seo),
    rule("no-open-graph", Findability, seo),
    rule("no-sitemap", Findability, seo),
    rule("no-robots-txt", Findability, seo),
    rule("no-favicon", Findability, seo),
    rule("noindex", Findability, none),
    rule("robots-blocks-site", Findability, none),
    rule("canonical-invalid", Findability, none),
    rule("hreflang-invalid", Findability, none),
    rule("no-lang", Findability, none),
    rule("link-text", Findability, none),
    rule("uncrawlable-links", Findability, none),
    rule("short-title", Findability, none),
    rule("long-title", Findability, none),
    rule("short-meta-description", Findability, none),
    rule("long-meta-description", Findability, none),
    rule("multiple-h1", Findability, none),
    rule("images-without-alt", Findability, none),
    rule("meta-refresh", Findability, none),
    rule("slow-response", Speed, |c| c.slow_response),
    rule("heavy-page", Speed, |c| c.heavy_page),
    rule("render-blocking-scripts", Speed, none),
    rule("stale-copyright", Freshness, |c| c.stale_copyright),
    rule("no-doctype", Freshness, none),
    rule("no-charset", Freshness, none),
];

/// Families of ids named after a piece of software.
const PREFIXES: &[Rule] = &[
    rule("eol-", Security, |c| c.eol_software),
    rule("outdated-", Freshness, |c| c.outdated_libraries),
];

/// One finding, ready for the template.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// The issue id, e.g. `no-https`.
    pub id: String,
    /// Its group.
    pub group: Group,
    /// What is wrong, in plain words.
    pub title: String,
    /// Why it matters to the business; absent for ids without a text.
    pub why: Option<String>,
    /// What the audit saw.
    pub evidence: Option<String>,
    /// `high`, `medium` or `low`.
    pub severity: Severity,
    /// The severity in words.
    pub severity_label: String,
    /// The score weight that orders it.
    pub weight: i32,
}

/// Findings of one group, in order.
#[derive(Debug, Clone, Serialize)]
pub struct GroupView {
    /// Which group.
    pub key: Group,
    /// Its title.
    pub title: String,
    /// One line on what the group is about.
    pub intro: String,
    /// Its findings, heaviest first.
    pub findings: Vec<Finding>,
}

/// Every issue of `result` as a finding, heaviest first (weight, then severity, then the
/// audit's order).
pub fn findings(result: &AuditResult, lang: Lang, score: &ScoreConfig) -> Vec<Finding> {
    let s = lang.strings();
    let mut out: Vec<(usize, Finding)> = result
        .audit
        .issues
        .iter()
        .enumerate()
        .map(|(i, issue)| (i, finding(result, issue, lang, s, score)))
        .collect();
    out.sort_by(|(ia, a), (ib, b)| {
        b.weight
            .cmp(&a.weight)
            .then(b.severity.cmp(&a.severity))
            .then(ia.cmp(ib))
    });
    out.into_iter().map(|(_, f)| f).collect()
}

/// The findings in groups: the group holding the heaviest finding first, unknown ids last.
pub fn grouped(findings: &[Finding], lang: Lang) -> Vec<GroupView> {
    let s = lang.strings();
    let mut groups: Vec<GroupView> = Vec::new();
    // `findings` is ordered, so the first finding of a group decides the group's place.
    for f in findings.iter().filter(|f| f.group != Group::Other) {
        match groups.iter_mut().find(|g| g.key == f.group) {
            Some(g) => g.findings.push(f.clone()),
            None => groups.push(group_view(f.group, s, vec![f.clone()])),
        }
    }
    let other: Vec<Finding> = findings
        .iter()
        .filter(|f| f.group == Group::Other)
        .cloned()
        .collect();
    if !other.is_empty() {
        groups.push(group_view(Group::Other, s, other));
    }
    groups
}

fn group_view(key: Group, s: &Strings, findings: Vec<Finding>) -> GroupView {
    let text = s.groups.get(key.key());
    GroupView {
        key,
        title: text.map_or_else(|| key.key().to_owned(), |t| t.title.clone()),
        intro: text.map(|t| t.intro.clone()).unwrap_or_default(),
        findings,
    }
}

fn finding(
    result: &AuditResult,
    issue: &AuditIssue,
    lang: Lang,
    s: &Strings,
    score: &ScoreConfig,
) -> Finding {
    let id = issue.id.as_str();
    let severity_label = s.ui(
        match issue.severity {
            Severity::High => "severity_high",
            Severity::Medium => "severity_medium",
            Severity::Low => "severity_low",
        },
        &[],
    );
    let known = RULES.iter().find(|r| r.id == id);
    let prefix = PREFIXES.iter().find(|r| id.starts_with(r.id));
    let (group, weight, title, why, evidence) = match (known, prefix, s.findings.get(id)) {
        (Some(rule), _, Some(text)) => (
            rule.group,
            (rule.weight)(score),
            text.title.clone(),
            Some(text.why.clone()),
            evidence(result, issue, lang, s),
        ),
        (None, Some(rule), _) => {
            let text = s.prefixes.get(rule.id);
            let label = software_label(result, issue);
            (
                rule.group,
                (rule.weight)(score),
                text.map_or_else(|| label.clone(), |t| fill(&t.title, &[("label", &label)])),
                text.map(|t| t.why.clone()),
                Some(clip(&issue.message, 500)),
            )
        }
        _ => (Group::Other, 0, clip(&issue.message, 300), None, None),
    };
    Finding {
        id: id.to_owned(),
        group,
        title,
        why,
        evidence,
        severity: issue.severity,
        severity_label,
        weight,
    }
}

/// `jQuery 1.12.4` for an `outdated-jquery` issue: the report list entry its message starts
/// with, else the software named by the id.
fn software_label(result: &AuditResult, issue: &AuditIssue) -> String {
    let a = &result.audit;
    a.outdated_libraries
        .iter()
        .chain(&a.eol_software)
        .filter(|label| issue.message.starts_with(label.as_str()))
        .max_by_key(|label| label.len())
        .map(|label| clip(label, 80))
        .unwrap_or_else(|| {
            let id = issue.id.as_str();
            clip(id.split_once('-').map_or(id, |(_, rest)| rest), 80)
        })
}

/// The evidence sentence for a known id, from the audit's facts; the audit's own message for
/// an id with no facts of its own, in English reports (the message is English).
fn evidence(result: &AuditResult, issue: &AuditIssue, lang: Lang, s: &Strings) -> Option<String> {
    let a = &result.audit;
    let site = result.final_url.as_deref().unwrap_or(&result.url);
    let num = |n: u64| n.to_string();
    match issue.id.as_str() {
        "no-https" => Some(s.evidence("url", &[("url", site)])),
        "no-https-redirect" => {
            let http = crate::lang::host_of(site).map(|h| format!("http://{h}/"))?;
            Some(s.evidence("http_stays", &[("url", &http)]))
        }
        "certificate-expired" => {
            let at = a.certificate_expires_at?;
            Some(s.evidence("cert_expired", &[("date", &s.date(at))]))
        }
        "certificate-expiring" => {
            let at = a.certificate_expires_at?;
            let days = a.certificate_days_left.unwrap_or_default().to_string();
            Some(s.evidence("cert_expiring", &[("date", &s.date(at)), ("days", &days)]))
        }
        "no-hsts" => Some(s.evidence("no_hsts", &[])),
        "mixed-content" => {
            let n = a.mixed_content?;
            Some(s.evidence("mixed", &[("n", &num(n.into()))]))
        }
        "no-viewport" => Some(s.evidence("no_viewport", &[])),
        "short-title" | "long-title" => {
            let t = a.title.as_deref()?;
            let n = num(t.chars().count() as u64);
            Some(s.evidence("title", &[("text", &clip(t, 120)), ("n", &n)]))
        }
        "short-meta-description" | "long-meta-description" => {
            let t = a.meta_description.as_deref()?;
            let n = num(t.chars().count() as u64);
            Some(s.evidence("description", &[("text", &clip(t, 200)), ("n", &n)]))
        }
        "multiple-h1" => Some(s.evidence("h1", &[("n", &num(a.h1_count?.into()))])),
        "images-without-alt" => {
            let n = num(a.images_without_alt?.into());
            let total = num(a.image_count.unwrap_or_default().into());
            Some(s.evidence("images_alt", &[("n", &n), ("total", &total)]))
        }
        "stale-copyright" => {
            let year = a.copyright_year?.to_string();
            Some(s.evidence("copyright", &[("year", &year)]))
        }
        "heavy-page" => {
            let size = size(a.page_weight_bytes?, lang);
            Some(s.evidence("weight", &[("size", &size)]))
        }
        "slow-response" => {
            let secs = decimal(a.response_time_ms? as f64 / 1000.0, lang);
            Some(s.evidence("response", &[("seconds", &secs)]))
        }
        "render-blocking-scripts" => {
            let n = num(a.render_blocking_scripts?.into());
            Some(s.evidence("blocking", &[("n", &n)]))
        }
        // These messages only restate the title.
        "missing-title"
        | "missing-meta-description"
        | "no-h1"
        | "no-structured-data"
        | "no-open-graph"
        | "no-favicon"
        | "no-robots-txt"
        | "no-sitemap" => None,
        _ if lang == Lang::En && !issue.message.trim().is_empty() => {
            Some(s.evidence("message", &[("message", &clip(&issue.message, 500))]))
        }
        _ => None,
    }
}

/// At most `max` characters, with an ellipsis when cut.
pub(crate) fn clip(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// One decimal, with the language's decimal mark.
fn decimal(v: f64, lang: Lang) -> String {
    let text = format!("{v:.1}");
    match lang {
        Lang::De => text.replace('.', ","),
        Lang::En => text,
    }
}

/// `840 KB`, `2.4 MB`.
fn size(bytes: u64, lang: Lang) -> String {
    if bytes < 1_000_000 {
        format!("{} KB", bytes.div_ceil(1000))
    } else {
        format!("{} MB", decimal(bytes as f64 / 1_000_000.0, lang))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lead_audit_core::IssueId;

    fn issue(id: &str, severity: Severity) -> AuditIssue {
        AuditIssue {
            id: IssueId::from(id),
            severity,
            message: format!("message of {id}"),
        }
    }

    fn result(issues: Vec<AuditIssue>) -> AuditResult {
        let mut r: AuditResult = serde_json::from_value(serde_json::json!({
            "url": "https://example.com", "leadId": null, "finalUrl": "https://example.com/",
            "reachable": true, "httpStatus": 200, "error": null, "renderedWithBrowser": false,
            "pages": [], "emails": [], "phones": [], "socials": {}, "technologies": [],
            "audit": {"outdatedLibraries": ["jQuery 1.12.4"], "eolSoftware": [], "issues": []},
            "domain": null, "score": {"grade": "COLD", "points": 0, "opportunity": 0,
            "reachability": 0, "reasons": []}, "skipped": null,
            "auditedAt": "2026-12-04T10:00:00Z", "durationMs": 1
        }))
        .expect("result");
        r.audit.issues = issues;
        r
    }

    #[test]
    fn every_rule_has_a_text_in_every_language() {
        for lang in Lang::ALL {
            let s = lang.strings();
            for r in RULES {
                assert!(s.findings.contains_key(r.id), "{lang}: {}", r.id);
            }
            for r in PREFIXES {
                assert!(s.prefixes.contains_key(r.id), "{lang}: {}", r.id);
            }
            assert_eq!(
                s.findings.len(),
                RULES.len(),
                "{lang}: a text without a rule"
            );
        }
    }

    #[test]
    fn findings_are_ordered_by_weight_then_severity() {
        let mut r = result(vec![
            issue("no-favicon", Severity::Low),
            issue("no-hsts", Severity::High),
            issue("no-viewport", Severity::High),
            issue("no-https", Severity::High),
            issue("outdated-jquery", Severity::Medium),
        ]);
        r.audit.issues[4].message = "jQuery 1.12.4 is outdated (before 3.5.0)".into();
        let f = findings(&r, Lang::En, &ScoreConfig::default());
        let ids: Vec<&str> = f.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(
            ids,
            // Equal weight and severity keep the audit's order.
            [
                "no-viewport",
                "no-https",
                "outdated-jquery",
                "no-favicon",
                "no-hsts"
            ]
        );
        assert_eq!(f[2].title, "Outdated software: jQuery 1.12.4");
        let groups = grouped(&f, Lang::En);
        let keys: Vec<Group> = groups.iter().map(|g| g.key).collect();
        assert_eq!(keys, [Mobile, Security, Freshness, Findability]);
        assert_eq!(groups[1].findings.len(), 2);
    }

    #[test]
    fn an_unknown_id_is_shown_with_its_own_message_last() {
        let r = result(vec![
            issue("retired-check", Severity::High),
            issue("no-sitemap", Severity::Low),
        ]);
        let f = findings(&r, Lang::De, &ScoreConfig::default());
        let groups = grouped(&f, Lang::De);
        let last = groups.last().expect("groups");
        assert_eq!(last.key, Group::Other);
        assert_eq!(last.title, "Weitere Befunde");
        assert_eq!(last.findings[0].title, "message of retired-check");
        assert_eq!(groups[0].title, "Auffindbarkeit bei Google");
    }

    #[test]
    fn evidence_uses_the_facts_and_the_language() {
        let mut r = result(vec![issue("slow-response", Severity::Medium)]);
        r.audit.response_time_ms = Some(3450);
        let de = findings(&r, Lang::De, &ScoreConfig::default());
        assert_eq!(
            de[0].evidence.as_deref(),
            Some("Die Startseite kam nach 3,5 Sekunden an.")
        );
        assert_eq!(size(2_400_000, Lang::En), "2.4 MB");
        assert_eq!(size(1, Lang::En), "1 KB");
        assert_eq!(clip("abcdef", 4), "abc…");
    }
}
