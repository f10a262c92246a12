//! Which country a page's national-format phone numbers belong to.
//!
//! Hints come from the lead, the page (JSON-LD `addressCountry`, the country-code TLD, the
//! region subtag of `<html lang>` or else of `og:locale`, the country of an international
//! number the page writes) and the configured default, strongest first.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use phonenumber::country::Id;
use serde::Deserialize;
use url::Url;

use super::parse_region;

#[derive(Deserialize)]
struct RegionData {
    tld_regions: HashMap<String, String>,
    vanity_tlds: HashSet<String>,
    country_names: HashMap<String, String>,
}

#[allow(clippy::expect_used)] // embedded data, checked by tests
static DATA: LazyLock<RegionData> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../data/extract_regions.json"))
        .expect("data/extract_regions.json is valid")
});

/// Region hints a page gives about itself.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct PageRegions {
    /// From JSON-LD `address.addressCountry`.
    pub address_country: Option<Id>,
    /// From the region subtag of `<html lang>` (`de-AT` → AT), or else of `og:locale`.
    pub lang: Option<Id>,
    /// The country of the first number the page writes with its country code: a page that
    /// writes `+44 20 …` in its header writes its other numbers the British way.
    pub international: Option<Id>,
}

/// The country a page URL's TLD names (`.de` → DE, `.co.uk` → GB); generic TLDs and
/// ccTLDs sold as vanity names (`.io`, `.co`, `.me`…) name none.
pub(crate) fn from_url(url: &Url) -> Option<Id> {
    let host = url.host_str()?;
    let tld = host.trim_end_matches('.').rsplit('.').next()?;
    if tld.len() != 2 || DATA.vanity_tlds.contains(tld) {
        return None;
    }
    match DATA.tld_regions.get(tld) {
        Some(code) => parse_region(code),
        None => parse_region(tld),
    }
}

/// The region subtag of a language tag: `de-AT` → AT, `en_GB` → GB, `de` → none
/// (a language alone does not say where the business is).
pub(crate) fn from_lang(lang: &str) -> Option<Id> {
    lang.split(['-', '_'])
        .skip(1)
        .find(|s| s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic()))
        .and_then(parse_region)
}

/// A JSON-LD `addressCountry`: an alpha-2 code or a common country name.
pub(crate) fn from_country(value: &str) -> Option<Id> {
    let v = value.trim();
    if v.len() == 2 {
        return match v.to_ascii_lowercase().as_str() {
            "uk" => parse_region("GB"),
            _ => parse_region(v),
        };
    }
    DATA.country_names
        .get(v.to_lowercase().as_str())
        .and_then(|c| parse_region(c))
}

/// Regions to try for national numbers, best first, without repeats.
pub(crate) fn candidates(
    lead: Option<&str>,
    page: &PageRegions,
    url: &Url,
    default: &str,
) -> Vec<Id> {
    let mut out = Vec::with_capacity(5);
    let hints = [
        lead.and_then(parse_region),
        page.address_country,
        from_url(url),
        page.lang,
        page.international,
        parse_region(default),
    ];
    for id in hints.into_iter().flatten() {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn country_code_tlds() {
        assert_eq!(from_url(&url("https://www.mueller-bau.de/")), Some(Id::DE));
        assert_eq!(from_url(&url("https://smith.co.uk/contact")), Some(Id::GB));
        assert_eq!(from_url(&url("https://boulangerie.fr")), Some(Id::FR));
        assert_eq!(from_url(&url("https://shop.io")), None);
        assert_eq!(from_url(&url("https://miller.com")), None);
        assert_eq!(from_url(&url("http://127.0.0.1:8080/")), None);
    }

    #[test]
    fn language_tags_need_a_region() {
        assert_eq!(from_lang("de-AT"), Some(Id::AT));
        assert_eq!(from_lang("en_GB"), Some(Id::GB));
        assert_eq!(from_lang("de"), None);
        assert_eq!(from_lang("zh-Hant-TW"), Some(Id::TW));
    }

    #[test]
    fn address_countries() {
        assert_eq!(from_country("DE"), Some(Id::DE));
        assert_eq!(from_country("Deutschland"), Some(Id::DE));
        assert_eq!(from_country("United Kingdom"), Some(Id::GB));
        assert_eq!(from_country("UK"), Some(Id::GB));
        assert_eq!(from_country("Atlantis"), None);
    }

    #[test]
    fn lead_beats_page_beats_default() {
        let page = PageRegions {
            address_country: Some(Id::AT),
            lang: Some(Id::US),
            international: Some(Id::GB),
        };
        let u = url("https://firma.de/");
        assert_eq!(
            candidates(Some("ch"), &page, &u, "FR"),
            vec![Id::CH, Id::AT, Id::DE, Id::US, Id::GB, Id::FR]
        );
        assert_eq!(
            candidates(None, &PageRegions::default(), &url("https://a.com"), "US"),
            vec![Id::US]
        );
    }
}
