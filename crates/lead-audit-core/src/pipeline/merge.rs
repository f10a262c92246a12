//! The merge phase: the findings of every visited page made into the lead's — contacts ranked,
//! technologies deduplicated, the first page-level error, and the site report.

use std::collections::{BTreeMap, HashMap};

use chrono::Utc;
use lead_audit_detect::merge as merge_technologies;
use url::Url;

use super::crawl::Site;
use super::start::err;
use crate::audit::{build_report, SiteFacts};
use crate::extract::{is_role_email, rank_emails};
use crate::result::{
    AuditError, AuditReport, Contact, ContactKind, ContactMethod, ContactSource, PageRecord,
    Technology, Via,
};
use crate::{AuditResult, ErrorKind};

/// What a reachable site's pages add up to.
pub(super) struct Merged {
    pages: Vec<PageRecord>,
    rendered_with_browser: bool,
    emails: Vec<String>,
    phones: Vec<String>,
    faxes: Vec<String>,
    socials: BTreeMap<String, String>,
    contacts: Vec<Contact>,
    technologies: Vec<Technology>,
    /// The first page-level error (a failed render or analysis, an analysis cut short).
    error: Option<AuditError>,
    report: AuditReport,
}

impl Merged {
    /// Writes the merge into `res`; an error already there (the home page's) is kept.
    pub(super) fn apply(self, res: &mut AuditResult) {
        res.pages.extend(self.pages);
        res.rendered_with_browser |= self.rendered_with_browser;
        res.emails = self.emails;
        res.phones = self.phones;
        res.faxes = self.faxes;
        res.socials = self.socials;
        res.contacts = self.contacts;
        res.technologies = self.technologies;
        if res.error.is_none() {
            res.error = self.error;
        }
        res.audit = self.report;
    }
}

/// Merges the pages of `site`, whose home page ended at `final_url`.
pub(super) fn merge(site: &Site, final_url: Option<&str>) -> Merged {
    let visits = &site.visits;
    let mut merged = Merged {
        pages: Vec::with_capacity(visits.len()),
        rendered_with_browser: false,
        emails: Vec::new(),
        phones: Vec::new(),
        faxes: Vec::new(),
        socials: BTreeMap::new(),
        contacts: Vec::new(),
        technologies: Vec::new(),
        error: None,
        report: AuditReport::default(),
    };
    let mut sources = Sources::default();
    for v in visits {
        merged.pages.push(v.record.clone());
        merged.rendered_with_browser |= v.record.via == Via::Browser;
        let c = &v.analysis.contacts;
        sources.page(&v.record, c);
        merged.emails.extend(c.emails.iter().cloned());
        for p in &c.phones {
            if !merged.phones.contains(p) {
                merged.phones.push(p.clone());
            }
        }
        for f in &c.faxes {
            if !merged.faxes.contains(f) {
                merged.faxes.push(f.clone());
            }
        }
        for (k, url) in &c.socials {
            merged
                .socials
                .entry(k.clone())
                .or_insert_with(|| url.clone());
        }
        merge_technologies(&mut merged.technologies, v.analysis.technologies.clone());
        if merged.error.is_none() {
            merged.error = v.analysis_error.clone().or_else(|| v.render_error.clone());
        }
        // A page whose analysis ran out of time keeps what it found, and the lead says
        // its audit is incomplete.
        if merged.error.is_none() && v.analysis.cut_short {
            merged.error = Some(err(
                ErrorKind::Timeout,
                format!(
                    "{}: the time ran out while analysing the page",
                    v.record.url
                ),
            ));
        }
    }
    let site_domain = final_url.and_then(|u| Url::parse(u).ok()).and_then(|u| {
        let host = u.host_str()?.to_owned();
        Some(psl::domain_str(&host).unwrap_or(&host).to_owned())
    });
    rank_emails(&mut merged.emails, site_domain.as_deref());
    // One page's fax line may be another page's phone: a phone, then.
    merged.faxes.retain(|f| !merged.phones.contains(f));
    merged.contacts = sources.contacts(&merged);
    merged.technologies.sort_by(|a, b| {
        b.confidence
            .cmp(&a.confidence)
            .then_with(|| a.name.cmp(&b.name))
    });
    let Some(home) = visits.first() else {
        return merged;
    };
    let Some(http) = &home.http else {
        return merged;
    };
    let checks = &site.checks;
    let mut report = build_report(&SiteFacts {
        home: &home.analysis.facts,
        final_url: &http.url,
        headers: &http.headers,
        redirects_to_https: checks.redirects_to_https,
        certificate_expires_at: http.cert_expires_at,
        response_time_ms: http.elapsed.as_millis() as u64,
        page_weight_bytes: home.http_bytes,
        robots_txt: Some(checks.robots_txt),
        robots_root: Some(checks.robots_root),
        sitemap_xml: checks.sitemap_xml,
        favicon_ico: checks.favicon_ico,
        technologies: &merged.technologies,
        now: Utc::now(),
    });
    // Contact forms usually live on the contact page, not the home page.
    report.contact_form = Some(visits.iter().any(|v| v.analysis.facts.contact_form));
    merged.report = report;
    merged
}

/// Where each contact of the site was first found, pages in visit order.
#[derive(Default)]
struct Sources(HashMap<(ContactKind, String), ContactSource>);

impl Sources {
    fn page(&mut self, page: &PageRecord, c: &crate::extract::Contacts) {
        for ((kind, value), method) in &c.methods {
            let method = match page.via {
                Via::Browser => ContactMethod::Rendered,
                Via::Http => *method,
            };
            self.0
                .entry((*kind, value.clone()))
                .or_insert_with(|| ContactSource {
                    url: page.url.clone(),
                    method,
                });
        }
    }

    /// The merged contacts with their sources, in the order of `emails`, `phones`, `faxes`,
    /// `socials`. A fax found as a phone on another page keeps the phone's source.
    fn contacts(&self, m: &Merged) -> Vec<Contact> {
        let emails = m.emails.iter().map(|e| (ContactKind::Email, e, None));
        let phones = m.phones.iter().map(|p| (ContactKind::Phone, p, None));
        let faxes = m.faxes.iter().map(|f| (ContactKind::Fax, f, None));
        let socials = m
            .socials
            .iter()
            .map(|(k, url)| (ContactKind::Social, url, Some(k.clone())));
        emails
            .chain(phones)
            .chain(faxes)
            .chain(socials)
            .filter_map(|(kind, value, platform)| {
                let source = self.0.get(&(kind, value.clone())).or_else(|| {
                    // A number another page wrote as a fax line.
                    (kind == ContactKind::Phone)
                        .then(|| self.0.get(&(ContactKind::Fax, value.clone())))
                        .flatten()
                })?;
                Some(Contact {
                    kind,
                    role: kind == ContactKind::Email && is_role_email(value),
                    value: value.clone(),
                    platform,
                    source: source.clone(),
                })
            })
            .collect()
    }
}
