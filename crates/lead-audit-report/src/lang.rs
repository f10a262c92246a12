//! The report's languages and their strings: one JSON file per language under `locales/`,
//! English the reference every other language must match key for key.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};
use url::Url;

/// A language the report is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// German.
    De,
}

impl Lang {
    /// Every language, English first.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::De];

    /// `en` or `de`, as in `<html lang>` and `--lang`.
    pub const fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::De => "de",
        }
    }

    /// The language for a lead when none is chosen: German for a German-speaking region
    /// (`DE`, `AT`, `CH`, `LI`), or, when the region is not known, for a site under `.de`,
    /// `.at` or `.ch`; English otherwise.
    pub fn for_lead(region: Option<&str>, site: &str) -> Self {
        let region = region
            .map(|r| r.trim().to_ascii_uppercase())
            .filter(|r| !r.is_empty());
        let german = match region {
            Some(r) => matches!(r.as_str(), "DE" | "AT" | "CH" | "LI"),
            None => host_of(site)
                .and_then(|h| h.rsplit('.').next().map(str::to_ascii_lowercase))
                .is_some_and(|tld| matches!(tld.as_str(), "de" | "at" | "ch")),
        };
        if german {
            Self::De
        } else {
            Self::En
        }
    }

    pub(crate) fn strings(self) -> &'static Strings {
        match self {
            Self::En => &EN,
            Self::De => &DE,
        }
    }
}

impl std::str::FromStr for Lang {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let code = s.trim().to_ascii_lowercase();
        let base = code.split(['-', '_']).next().unwrap_or_default();
        Self::ALL
            .into_iter()
            .find(|l| l.code() == base)
            .ok_or_else(|| format!("unknown report language `{s}` (en or de)"))
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// The host of a URL given with or without a scheme.
pub(crate) fn host_of(site: &str) -> Option<String> {
    let site = site.trim();
    let url = if site.contains("://") {
        Url::parse(site).ok()?
    } else {
        Url::parse(&format!("http://{site}")).ok()?
    };
    url.host_str().map(|h| h.trim_end_matches('.').to_owned())
}

/// Title and explanation of one finding.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct FindingText {
    pub title: String,
    pub why: String,
}

/// Texts for a family of ids sharing a prefix (`outdated-…`, `eol-…`).
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct PrefixText {
    pub title: String,
    pub why: String,
}

/// A headline and a paragraph.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub(crate) struct Verdict {
    pub headline: String,
    pub body: String,
}

/// The title and introduction of a findings group.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub(crate) struct GroupText {
    pub title: String,
    pub intro: String,
}

/// Every string of one language.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Strings {
    pub months: Vec<String>,
    pub date: String,
    pub ui: BTreeMap<String, String>,
    pub verdict: BTreeMap<String, Verdict>,
    pub groups: BTreeMap<String, GroupText>,
    pub findings: BTreeMap<String, FindingText>,
    pub prefixes: BTreeMap<String, PrefixText>,
    pub evidence: BTreeMap<String, String>,
}

#[allow(clippy::expect_used)] // the embedded files are checked by a test
static EN: LazyLock<Strings> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../locales/en.json")).expect("locales/en.json is valid")
});

#[allow(clippy::expect_used)] // the embedded files are checked by a test
static DE: LazyLock<Strings> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../locales/de.json")).expect("locales/de.json is valid")
});

impl Strings {
    /// A UI string with its `{name}` placeholders filled; the key itself when missing.
    pub fn ui(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill(self.ui.get(key).map_or(key, String::as_str), args)
    }

    /// An evidence sentence with its placeholders filled.
    pub fn evidence(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill(self.evidence.get(key).map_or(key, String::as_str), args)
    }

    /// `4 December 2026`, `4. Dezember 2026`.
    pub fn date(&self, at: DateTime<Utc>) -> String {
        let month = self
            .months
            .get(at.month0() as usize)
            .cloned()
            .unwrap_or_else(|| at.month().to_string());
        fill(
            &self.date,
            &[
                ("day", &at.day().to_string()),
                ("month", &month),
                ("year", &at.year().to_string()),
            ],
        )
    }

    /// `3 months ago`, `vor 13 Jahren`.
    pub fn ago(&self, days: i64) -> String {
        let days = days.max(0);
        let n = |v: i64| v.to_string();
        match days {
            d if d < 60 => self.ui("days_ago", &[("n", &n(d))]),
            d if d < 365 => self.ui("months_ago", &[("n", &n(d / 30))]),
            d if d < 730 => self.ui("year_ago", &[]),
            d => self.ui("years_ago", &[("n", &n(d / 365))]),
        }
    }
}

/// Replaces each `{name}` in `template` by its value. Values are inserted as they are: the
/// template engine escapes the whole sentence when it is written into the page.
pub(crate) fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys<V>(m: &BTreeMap<String, V>) -> Vec<&String> {
        m.keys().collect()
    }

    #[test]
    fn every_language_has_every_english_key() {
        let en = Lang::En.strings();
        for lang in Lang::ALL {
            let s = lang.strings();
            assert_eq!(keys(&s.ui), keys(&en.ui), "{lang} ui");
            assert_eq!(keys(&s.verdict), keys(&en.verdict), "{lang} verdict");
            assert_eq!(keys(&s.groups), keys(&en.groups), "{lang} groups");
            assert_eq!(keys(&s.findings), keys(&en.findings), "{lang} findings");
            assert_eq!(keys(&s.prefixes), keys(&en.prefixes), "{lang} prefixes");
            assert_eq!(keys(&s.evidence), keys(&en.evidence), "{lang} evidence");
            assert_eq!(s.months.len(), 12, "{lang} months");
        }
    }

    #[test]
    fn language_follows_region_then_tld() {
        assert_eq!(
            Lang::for_lead(None, "https://baeckerei-huber.de/"),
            Lang::De
        );
        assert_eq!(Lang::for_lead(None, "tischlerei.at"), Lang::De);
        assert_eq!(Lang::for_lead(Some("ch"), "https://example.com"), Lang::De);
        assert_eq!(Lang::for_lead(Some("US"), "https://example.com"), Lang::En);
        assert_eq!(Lang::for_lead(None, "https://example.dev"), Lang::En);
        assert_eq!(Lang::for_lead(None, "not a url at all"), Lang::En);
        assert_eq!("de-AT".parse(), Ok(Lang::De));
        assert_eq!("EN".parse(), Ok(Lang::En));
        assert!("fr".parse::<Lang>().is_err());
    }

    #[test]
    fn dates_and_ages_read_naturally() {
        let at: DateTime<Utc> = "2026-12-04T10:00:00Z".parse().expect("date");
        assert_eq!(Lang::En.strings().date(at), "4 December 2026");
        assert_eq!(Lang::De.strings().date(at), "4. Dezember 2026");
        assert_eq!(Lang::En.strings().ago(5000), "13 years ago");
        assert_eq!(Lang::De.strings().ago(400), "vor einem Jahr");
        assert_eq!(Lang::De.strings().ago(95), "vor 3 Monaten");
        assert_eq!(Lang::En.strings().ago(-3), "0 days ago");
    }
}
