//! Outdated libraries and end-of-life software: detected technologies and their versions
//! against the rules of `data/audit_software.json`.

use std::cmp::Ordering;
use std::sync::LazyLock;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::result::{AuditIssue, IssueId, Severity, Technology};

/// Which report list a rule feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum List {
    /// `outdatedLibraries`, issue ids `outdated-…`.
    Outdated,
    /// `eolSoftware`, issue ids `eol-…`.
    Eol,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Rule {
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    list: List,
    severity: Severity,
    #[serde(default)]
    below: Option<String>,
    #[serde(default)]
    any: bool,
    #[serde(default)]
    cycles: Vec<Cycle>,
    reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Cycle {
    cycle: String,
    eol: NaiveDate,
}

#[derive(Debug, Deserialize)]
struct Rules {
    rules: Vec<Rule>,
}

#[allow(clippy::expect_used)] // the embedded file is checked by a test
static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    serde_json::from_str::<Rules>(include_str!("../../data/audit_software.json"))
        .expect("data/audit_software.json is valid")
        .rules
});

/// One flagged technology.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Which report list it belongs to.
    pub list: List,
    /// Name and version as shown, e.g. `jQuery 1.12.4`.
    pub label: String,
    /// The issue it raises.
    pub issue: AuditIssue,
}

/// Checks every technology against the rules; `today` decides which branches have ended.
pub fn check_software(technologies: &[Technology], today: NaiveDate) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for tech in technologies {
        let Some(rule) = RULES.iter().find(|r| r.matches(&tech.name)) else {
            continue;
        };
        let version = tech.version.as_deref().filter(|v| !v.trim().is_empty());
        let Some(why) = rule.verdict(version, today) else {
            continue;
        };
        let label = match version {
            Some(v) => format!("{} {}", tech.name, v),
            None => tech.name.clone(),
        };
        let slug = slug(&rule.name);
        let (id, state) = match rule.list {
            List::Outdated => (IssueId::outdated(&slug), "outdated"),
            List::Eol => (IssueId::eol(&slug), "end-of-life"),
        };
        if out.iter().any(|f| f.issue.id == id) {
            continue;
        }
        out.push(Finding {
            list: rule.list,
            issue: AuditIssue {
                id,
                severity: rule.severity,
                message: format!("{label} is {state}{why}: {}", rule.reason),
            },
            label,
        });
    }
    out
}

impl Rule {
    fn matches(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
            || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    }

    /// `Some(detail)` when the version is flagged; `None` when fine or unknown.
    fn verdict(&self, version: Option<&str>, today: NaiveDate) -> Option<String> {
        if self.any {
            return Some(String::new());
        }
        let v = parse_version(version?)?;
        if let Some(below) = &self.below {
            let min = parse_version(below)?;
            return (compare_versions(&v, &min) == Ordering::Less)
                .then(|| format!(" (before {below})"));
        }
        let cycle = self.cycles.iter().find(|c| {
            parse_version(&c.cycle).is_some_and(|c| v.len() >= c.len() && v[..c.len()] == c[..])
        });
        if let Some(c) = cycle {
            return (c.eol < today).then(|| format!(" ({} ended {})", c.cycle, c.eol));
        }
        let oldest = self
            .cycles
            .iter()
            .filter_map(|c| Some((parse_version(&c.cycle)?, &c.cycle)))
            .min_by(|a, b| compare_versions(&a.0, &b.0))?;
        (compare_versions(&v, &oldest.0) == Ordering::Less)
            .then(|| format!(" (older than {})", oldest.1))
    }
}

/// Parses a dotted version into numbers: the leading digits of each part, up to the first
/// part without any (`1.0.2k` → `[1, 0, 2]`, `3.5.0-rc1` → `[3, 5, 0]`, `v2.1` → `[2, 1]`).
pub fn parse_version(text: &str) -> Option<Vec<u64>> {
    let text = text.trim().trim_start_matches(['v', 'V']);
    let mut parts = Vec::new();
    for part in text.split('.') {
        let digits = part.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            break;
        }
        parts.push(part[..digits].parse().ok()?);
        if digits < part.len() {
            // `2k`, `0-rc1`: the rest is a suffix, not more components.
            break;
        }
    }
    (!parts.is_empty()).then_some(parts)
}

/// Compares two parsed versions; missing parts count as 0 (`3.5` = `3.5.0`).
pub fn compare_versions(a: &[u64], b: &[u64]) -> Ordering {
    let n = a.len().max(b.len());
    (0..n)
        .map(|i| {
            a.get(i)
                .copied()
                .unwrap_or(0)
                .cmp(&b.get(i).copied().unwrap_or(0))
        })
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// `Apache HTTP Server` → `apache-http-server`, `Vue.js` → `vue-js`.
fn slug(name: &str) -> String {
    let mut s = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    s.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tech(name: &str, version: Option<&str>) -> Technology {
        Technology {
            name: name.into(),
            version: version.map(Into::into),
            categories: vec![],
            confidence: 100,
            evidence: vec![],
            cpe: None,
        }
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn ids(techs: &[Technology], today: &str) -> Vec<String> {
        check_software(techs, day(today))
            .into_iter()
            .map(|f| f.issue.id.to_string())
            .collect()
    }

    #[test]
    fn rules_file_is_consistent() {
        assert!(!RULES.is_empty());
        for r in RULES.iter() {
            let modes = usize::from(r.any)
                + usize::from(r.below.is_some())
                + usize::from(!r.cycles.is_empty());
            assert_eq!(modes, 1, "{}: exactly one of any/below/cycles", r.name);
            if let Some(b) = &r.below {
                assert!(parse_version(b).is_some(), "{}: bad version {b}", r.name);
            }
            for c in &r.cycles {
                assert!(parse_version(&c.cycle).is_some(), "{}: bad cycle", r.name);
            }
            assert!(!r.reason.is_empty());
        }
    }

    #[test]
    fn parses_dotted_versions() {
        assert_eq!(parse_version("1.12.4"), Some(vec![1, 12, 4]));
        assert_eq!(parse_version("1.0.2k"), Some(vec![1, 0, 2]));
        assert_eq!(parse_version("3.5.0-rc1"), Some(vec![3, 5, 0]));
        assert_eq!(parse_version("v2.1"), Some(vec![2, 1]));
        assert_eq!(parse_version("7"), Some(vec![7]));
        assert_eq!(parse_version("latest"), None);
        assert_eq!(parse_version(""), None);
    }

    #[test]
    fn compares_versions_numerically() {
        let v = |s| parse_version(s).expect("version");
        assert_eq!(compare_versions(&v("1.12.4"), &v("3.5.0")), Ordering::Less);
        assert_eq!(compare_versions(&v("3.10"), &v("3.9")), Ordering::Greater);
        assert_eq!(compare_versions(&v("3.5"), &v("3.5.0")), Ordering::Equal);
        assert_eq!(compare_versions(&v("2.4.58"), &v("2.4")), Ordering::Greater);
        assert_eq!(compare_versions(&v("1.19.10"), &v("1.20")), Ordering::Less);
    }

    #[test]
    fn below_rules() {
        let today = "2026-11-30";
        assert_eq!(
            ids(&[tech("jQuery", Some("1.12.4"))], today),
            ["outdated-jquery"]
        );
        assert!(ids(&[tech("jQuery", Some("3.5.0"))], today).is_empty());
        assert!(ids(&[tech("jQuery", Some("3.7.1"))], today).is_empty());
        assert_eq!(
            ids(&[tech("Apache HTTP Server", Some("2.2.15"))], today),
            ["eol-apache-http-server"]
        );
        assert!(ids(&[tech("Apache HTTP Server", Some("2.4.6"))], today).is_empty());
        assert_eq!(ids(&[tech("Nginx", Some("1.18.0"))], today), ["eol-nginx"]);
        assert_eq!(ids(&[tech("IIS", Some("8.5"))], today), ["eol-iis"]);
        assert!(ids(&[tech("IIS", Some("10.0"))], today).is_empty());
    }

    #[test]
    fn unknown_version_raises_nothing_unless_any() {
        let today = "2026-11-30";
        assert!(ids(&[tech("jQuery", None)], today).is_empty());
        assert!(ids(&[tech("PHP", None)], today).is_empty());
        assert_eq!(
            ids(&[tech("AngularJS", None)], today),
            ["outdated-angularjs"]
        );
    }

    #[test]
    fn cycles_follow_the_date() {
        let php81 = [tech("PHP", Some("8.1.27"))];
        assert!(ids(&php81, "2025-06-01").is_empty());
        assert_eq!(ids(&php81, "2026-01-01"), ["eol-php"]);
        assert!(ids(&[tech("PHP", Some("8.3.1"))], "2026-11-30").is_empty());
        // Older than every branch listed.
        assert_eq!(
            ids(&[tech("PHP", Some("5.4.45"))], "2026-11-30"),
            ["eol-php"]
        );
        // Newer than every branch listed: assumed supported.
        assert!(ids(&[tech("PHP", Some("9.0"))], "2026-11-30").is_empty());
        // Too vague to place in a branch.
        assert!(ids(&[tech("PHP", Some("8"))], "2026-11-30").is_empty());
        assert_eq!(
            ids(&[tech("OpenSSL", Some("1.0.2k"))], "2026-11-30"),
            ["eol-openssl"]
        );
        assert_eq!(
            ids(&[tech("Bootstrap", Some("3.3.7"))], "2026-11-30"),
            ["outdated-bootstrap"]
        );
        assert!(ids(&[tech("Bootstrap", Some("5.3.2"))], "2026-11-30").is_empty());
    }

    #[test]
    fn aliases_and_case() {
        assert_eq!(
            ids(&[tech("apache", Some("2.2.34"))], "2026-11-30"),
            ["eol-apache-http-server"]
        );
        assert_eq!(
            ids(&[tech("nginx", Some("1.14.2"))], "2026-11-30"),
            ["eol-nginx"]
        );
    }

    #[test]
    fn labels_and_messages() {
        let f = check_software(&[tech("PHP", Some("7.4.33"))], day("2026-11-30"));
        assert_eq!(f[0].label, "PHP 7.4.33");
        assert_eq!(f[0].list, List::Eol);
        assert_eq!(f[0].issue.severity, Severity::High);
        assert!(
            f[0].issue.message.contains("7.4 ended 2022-11-28"),
            "{}",
            f[0].issue.message
        );
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Apache HTTP Server"), "apache-http-server");
        assert_eq!(slug("Vue.js"), "vue-js");
        assert_eq!(slug("ASP.NET Web Forms"), "asp-net-web-forms");
    }
}
