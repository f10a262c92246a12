//! Weights and thresholds of the points model; see `docs/scoring.md`.

use serde::{Deserialize, Serialize};

/// Weights and thresholds; every weight is a number of points given when its rule holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ScoreConfig {
    /// Points at or above which a lead is HOT.
    pub hot_threshold: i32,
    /// Points at or above which a lead is WARM.
    pub warm_threshold: i32,

    /// The site is plain http.
    pub no_https: i32,
    /// https exists but http does not redirect to it.
    pub no_https_redirect: i32,
    /// The certificate has expired or expires within days.
    pub certificate_problem: i32,
    /// No viewport meta: not built for phones.
    pub not_mobile_ready: i32,
    /// The copyright year is older than last year.
    pub stale_copyright: i32,
    /// The home page is slow.
    pub slow_response: i32,
    /// The home page HTML is heavy.
    pub heavy_page: i32,
    /// An https page loads http resources.
    pub mixed_content: i32,
    /// The home page keeps itself out of search results (`noindex`) or robots.txt shuts
    /// crawlers out of the site (once, for either or both).
    pub not_indexable: i32,
    /// Outdated front-end libraries or CMS versions (once, however many).
    pub outdated_libraries: i32,
    /// End-of-life server software (once, however many).
    pub eol_software: i32,
    /// Built with a DIY site builder (Wix, Squarespace…).
    pub diy_builder: i32,
    /// No `<title>`.
    pub missing_title: i32,
    /// No meta description.
    pub missing_description: i32,
    /// No analytics or tag manager detected on a reachable site.
    pub no_analytics: i32,
    /// At least `seo_gaps_min` of: no h1, structured data, Open Graph, sitemap, robots.txt, favicon.
    pub seo_gaps: i32,
    /// How many SEO basics must be missing for `seo_gaps`.
    pub seo_gaps_min: u32,
    /// The domain is younger than `young_domain_days`: a new business.
    pub young_domain: i32,
    /// Age under which a domain is young.
    pub young_domain_days: i64,
    /// The domain is at least `old_domain_days` old and the site looks outdated.
    pub old_domain_outdated_site: i32,
    /// Age from which a domain is old.
    pub old_domain_days: i64,

    /// An email on the site's own domain.
    pub email_own_domain: i32,
    /// An email elsewhere (free-mail or another domain), when none is on the own domain.
    pub email_other: i32,
    /// A valid phone number.
    pub phone: i32,
    /// At least one social profile.
    pub socials: i32,
    /// A contact form on the home page.
    pub contact_form: i32,
    /// A lead reachable only through social profiles (no email, no phone) is COLD: outreach
    /// starts with an email or a call. Off, a social profile alone counts as contactable.
    pub social_only_is_cold: bool,
}

impl Default for ScoreConfig {
    fn default() -> Self {
        Self {
            hot_threshold: 60,
            warm_threshold: 30,
            no_https: 15,
            no_https_redirect: 5,
            certificate_problem: 10,
            not_mobile_ready: 15,
            stale_copyright: 10,
            slow_response: 8,
            heavy_page: 5,
            mixed_content: 5,
            not_indexable: 15,
            outdated_libraries: 8,
            eol_software: 10,
            diy_builder: 16,
            missing_title: 5,
            missing_description: 4,
            no_analytics: 4,
            seo_gaps: 4,
            seo_gaps_min: 3,
            young_domain: 10,
            young_domain_days: 365,
            old_domain_outdated_site: 8,
            old_domain_days: 3650,
            email_own_domain: 12,
            email_other: 6,
            phone: 8,
            socials: 3,
            contact_form: 2,
            social_only_is_cold: true,
        }
    }
}

impl ScoreConfig {
    /// Checks the thresholds are ordered and every weight and age is sensible.
    pub fn validate(&self) -> Result<(), String> {
        if self.warm_threshold > self.hot_threshold {
            return Err(format!(
                "warm threshold ({}) must not exceed hot threshold ({})",
                self.warm_threshold, self.hot_threshold
            ));
        }
        if let Some((name, value)) = self.weights().into_iter().find(|(_, v)| *v < 0) {
            return Err(format!(
                "score weight {name} must not be negative, got {value}"
            ));
        }
        if self.young_domain_days < 1 {
            return Err(format!(
                "youngDomainDays must be at least 1, got {}",
                self.young_domain_days
            ));
        }
        if self.old_domain_days <= self.young_domain_days {
            return Err(format!(
                "oldDomainDays ({}) must exceed youngDomainDays ({})",
                self.old_domain_days, self.young_domain_days
            ));
        }
        if self.seo_gaps_min == 0 {
            return Err("seoGapsMin must be at least 1".into());
        }
        Ok(())
    }

    /// Every weight with its JSON name.
    fn weights(&self) -> [(&'static str, i32); 23] {
        [
            ("noHttps", self.no_https),
            ("noHttpsRedirect", self.no_https_redirect),
            ("certificateProblem", self.certificate_problem),
            ("notMobileReady", self.not_mobile_ready),
            ("staleCopyright", self.stale_copyright),
            ("slowResponse", self.slow_response),
            ("heavyPage", self.heavy_page),
            ("mixedContent", self.mixed_content),
            ("notIndexable", self.not_indexable),
            ("outdatedLibraries", self.outdated_libraries),
            ("eolSoftware", self.eol_software),
            ("diyBuilder", self.diy_builder),
            ("missingTitle", self.missing_title),
            ("missingDescription", self.missing_description),
            ("noAnalytics", self.no_analytics),
            ("seoGaps", self.seo_gaps),
            ("youngDomain", self.young_domain),
            ("oldDomainOutdatedSite", self.old_domain_outdated_site),
            ("emailOwnDomain", self.email_own_domain),
            ("emailOther", self.email_other),
            ("phone", self.phone),
            ("socials", self.socials),
            ("contactForm", self.contact_form),
        ]
    }
}
