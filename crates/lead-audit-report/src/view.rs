//! What the lead template shows, built from an [`AuditResult`]: plain serializable values,
//! every one of them text the template escapes.

use lead_audit_core::{AuditResult, ContactKind, ContactMethod, Grade};
use serde::Serialize;
use url::Url;

use crate::brand::{data_uri, sniff_image, Brand};
use crate::findings::{clip, findings, grouped, Finding, GroupView};
use crate::lang::{fill, host_of, Lang, Verdict};
use crate::{LeadExtras, ReportOptions};

/// The per-lead page's context.
#[derive(Debug, Serialize)]
pub(crate) struct LeadView {
    pub lang: &'static str,
    pub t: &'static std::collections::BTreeMap<String, String>,
    pub doc_title: String,
    pub name: String,
    pub site: String,
    pub site_href: Option<String>,
    pub checked_on: String,
    pub grade: &'static str,
    pub grade_class: &'static str,
    pub points: String,
    pub verdict: Verdict,
    pub screenshots: ShotsView,
    pub groups: Vec<GroupView>,
    pub technologies: Vec<TechView>,
    pub contacts: Vec<ContactView>,
    pub contact_form: bool,
    pub domain: Option<String>,
    pub brand: Option<Brand>,
}

/// Screenshots as data URIs, or why there are none.
#[derive(Debug, Serialize)]
pub(crate) struct ShotsView {
    pub desktop: Option<String>,
    pub mobile: Option<String>,
    pub note: Option<String>,
}

/// One technology with its flag.
#[derive(Debug, Serialize)]
pub(crate) struct TechView {
    pub name: String,
    pub version: Option<String>,
    pub categories: String,
    pub flag: Option<&'static str>,
    pub flag_label: Option<String>,
}

/// One way to reach the business.
#[derive(Debug, Serialize)]
pub(crate) struct ContactView {
    pub kind: String,
    pub value: String,
    pub href: Option<String>,
    /// Where and how it was found, when the result says.
    pub found: Option<String>,
    /// A shared inbox (info@, office@…) rather than a person's address.
    pub role: bool,
}

/// Builds the page's context; the findings are returned beside it for the overview.
pub(crate) fn lead_view(
    result: &AuditResult,
    extras: &LeadExtras,
    opts: &ReportOptions,
) -> (LeadView, Vec<Finding>) {
    let lang = opts.lang_for(result, extras.region.as_deref());
    let s = lang.strings();
    let all = findings(result, lang, &opts.score);
    let name = business_name(result, extras);
    let site = result
        .final_url
        .as_deref()
        .unwrap_or(&result.url)
        .to_owned();
    let verdict = verdict(result, lang);
    let view = LeadView {
        lang: lang.code(),
        t: &s.ui,
        doc_title: s.ui("doc_title", &[("name", &name)]),
        name,
        site_href: web_href(&site),
        site,
        checked_on: s.ui("checked_on", &[("date", &s.date(result.audited_at))]),
        grade: result.score.grade.as_str(),
        grade_class: grade_class(result.score.grade),
        points: s.ui("points", &[("points", &result.score.points.to_string())]),
        verdict,
        screenshots: shots(extras, lang),
        groups: grouped(&all, lang),
        technologies: technologies(result, lang),
        contacts: contacts(result, lang),
        contact_form: result.audit.contact_form == Some(true),
        domain: domain(result, lang),
        // Only an inlined logo: a path or URL would be a request from the page.
        brand: opts.brand.clone().map(|mut b| {
            b.logo = b.logo.filter(|l| l.starts_with("data:image/"));
            b
        }),
    };
    (view, all)
}

/// The name to address: the lead's company name, else the first part of the home page title,
/// else the host.
pub(crate) fn business_name(result: &AuditResult, extras: &LeadExtras) -> String {
    if let Some(name) = extras
        .business_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        return clip(name, 80);
    }
    let from_title = result.audit.title.as_deref().and_then(|t| {
        t.split(['|', '–', '—', '·'])
            .chain(t.split(" - "))
            .map(str::trim)
            .find(|p| !p.is_empty())
            .map(|p| clip(p, 80))
    });
    from_title
        .or_else(|| host_of(result.final_url.as_deref().unwrap_or(&result.url)))
        .unwrap_or_else(|| clip(&result.url, 80))
}

/// A link target only for http(s) URLs, so no page string becomes a `javascript:` link.
pub(crate) fn web_href(url: &str) -> Option<String> {
    Url::parse(url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .map(String::from)
}

pub(crate) fn grade_class(grade: Grade) -> &'static str {
    match grade {
        Grade::Hot => "hot",
        Grade::Warm => "warm",
        Grade::Cold => "cold",
    }
}

fn verdict(result: &AuditResult, lang: Lang) -> Verdict {
    let s = lang.strings();
    let key = if result.reachable {
        result.score.grade.as_str()
    } else {
        "unreachable"
    };
    let mut v = s.verdict.get(key).cloned().unwrap_or(Verdict {
        headline: key.to_owned(),
        body: String::new(),
    });
    let why = result
        .error
        .as_ref()
        .map(|e| clip(&e.message, 300))
        .unwrap_or_default();
    v.body = fill(&v.body, &[("why", &why)]);
    v
}

fn shots(extras: &LeadExtras, lang: Lang) -> ShotsView {
    let png = |b: &Option<Vec<u8>>| {
        b.as_deref()
            .filter(|b| sniff_image(b) == Some("image/png"))
            .map(|b| data_uri("image/png", b))
    };
    let desktop = png(&extras.screenshots.desktop);
    let mobile = png(&extras.screenshots.mobile);
    let note = if desktop.is_none() && mobile.is_none() {
        let why = extras
            .screenshots
            .unavailable
            .as_deref()
            .unwrap_or("not taken");
        Some(
            lang.strings()
                .ui("screenshots_unavailable", &[("why", &clip(why, 300))]),
        )
    } else {
        None
    };
    ShotsView {
        desktop,
        mobile,
        note,
    }
}

fn technologies(result: &AuditResult, lang: Lang) -> Vec<TechView> {
    let s = lang.strings();
    let a = &result.audit;
    let matches = |list: &[String], name: &str, version: Option<&str>| {
        list.iter().any(|label| {
            let full = version.map(|v| format!("{name} {v}"));
            label == name || Some(label) == full.as_ref() || label.starts_with(&format!("{name} "))
        })
    };
    result
        .technologies
        .iter()
        .map(|t| {
            let version = t.version.as_deref().filter(|v| !v.trim().is_empty());
            let flag = if matches(&a.eol_software, &t.name, version) {
                Some("eol")
            } else if matches(&a.outdated_libraries, &t.name, version) {
                Some("outdated")
            } else {
                None
            };
            TechView {
                name: clip(&t.name, 80),
                version: version.map(|v| clip(v, 40)),
                categories: t.categories.join(", "),
                flag_label: flag.map(|f| s.ui(&format!("tech_{f}"), &[])),
                flag,
            }
        })
        .collect()
}

fn contacts(result: &AuditResult, lang: Lang) -> Vec<ContactView> {
    let s = lang.strings();
    let (email, phone, fax) = (
        s.ui("kind_email", &[]),
        s.ui("kind_phone", &[]),
        s.ui("kind_fax", &[]),
    );
    let source = |kind: ContactKind, value: &str| {
        result
            .contacts
            .iter()
            .find(|c| c.kind == kind && c.value == value)
    };
    let found = |kind: ContactKind, value: &str| {
        source(kind, value).map(|c| found_on(&c.source.url, c.source.method, lang))
    };
    let emails = result.emails.iter().map(|e| ContactView {
        kind: email.clone(),
        value: clip(e, 120),
        href: (e.len() <= 254).then(|| format!("mailto:{e}")),
        found: found(ContactKind::Email, e),
        role: source(ContactKind::Email, e).is_some_and(|c| c.role),
    });
    let phones = result.phones.iter().map(|p| ContactView {
        kind: phone.clone(),
        value: clip(p, 40),
        href: (p.len() <= 40).then(|| format!("tel:{p}")),
        found: found(ContactKind::Phone, p),
        role: false,
    });
    let faxes = result.faxes.iter().map(|f| ContactView {
        kind: fax.clone(),
        value: clip(f, 40),
        href: None,
        found: found(ContactKind::Fax, f),
        role: false,
    });
    let socials = result.socials.iter().map(|(platform, url)| ContactView {
        kind: clip(platform, 40),
        value: clip(url, 120),
        href: (url.len() <= 2048).then(|| web_href(url)).flatten(),
        found: found(ContactKind::Social, url),
        role: false,
    });
    emails.chain(phones).chain(faxes).chain(socials).collect()
}

/// `found on /kontakt, as an email link`: the page by its path, the home page by name.
fn found_on(url: &str, method: ContactMethod, lang: Lang) -> String {
    let s = lang.strings();
    let page = match Url::parse(url) {
        Ok(u) if u.path() == "/" && u.query().is_none() => s.ui("home_page", &[]),
        Ok(u) => clip(u.path(), 60),
        Err(_) => clip(url, 60),
    };
    let how = match method {
        ContactMethod::Mailto => "how_mailto",
        ContactMethod::Tel => "how_tel",
        ContactMethod::Text => "how_text",
        ContactMethod::Jsonld => "how_jsonld",
        ContactMethod::Cfemail => "how_cfemail",
        ContactMethod::Obfuscated => "how_obfuscated",
        ContactMethod::Meta => "how_meta",
        ContactMethod::Microdata => "how_microdata",
        ContactMethod::Link => "how_link",
        ContactMethod::Rendered => "how_rendered",
    };
    s.ui("found_on", &[("page", &page), ("how", &s.ui(how, &[]))])
}

fn domain(result: &AuditResult, lang: Lang) -> Option<String> {
    let s = lang.strings();
    let d = result.domain.as_ref()?;
    Some(match (d.registered_at, d.age_days) {
        (Some(at), Some(days)) => s.ui(
            "domain_registered",
            &[
                ("domain", &d.name),
                ("date", &s.date(at)),
                ("age", &s.ago(days)),
            ],
        ),
        _ => s.ui("domain_unknown", &[("domain", &d.name)]),
    })
}
