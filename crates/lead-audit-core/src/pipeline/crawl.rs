//! The fetch phase: the home page, then the contact pages most likely to hold contacts and the
//! site-wide checks beside them, each page visited (parsed and analysed) as it arrives.

use std::collections::HashSet;

use futures::stream::{self, StreamExt};
use lead_audit_detect::{DetectInput, Detector, Technology};
use tokio::time::Instant;
use url::Url;

use super::start::err;
use super::visit::{record, Visited};
use super::Inner;
use crate::crawl::{page_key, pick_pages, same_site};
use crate::fetch::robots::Robots;
use crate::result::{AuditError, PageRecord, Via};
use crate::site::{site_checks, SiteChecks};
use crate::{AuditContext, BrowserMode, ErrorKind, Lead, Stage};

/// What fetching a lead's site gave.
pub(super) struct Crawl {
    /// The home page's URL after redirects, when it answered.
    pub(super) final_url: Option<String>,
    /// The home page's status, when it answered.
    pub(super) http_status: Option<u16>,
    /// Why the home page could not be audited (or was audited only in part: `too_large`).
    pub(super) error: Option<AuditError>,
    /// The home page's record when it answered but could not be analysed (4xx/5xx, not HTML).
    pub(super) unanalysed: Option<PageRecord>,
    /// The analysed pages, home page first, and the site-wide checks; `None` when the home
    /// page was not HTML that could be read.
    pub(super) site: Option<Site>,
}

/// The pages of a reachable site.
pub(super) struct Site {
    /// Every page visited, the home page first.
    pub(super) visits: Vec<Visited>,
    /// robots.txt, sitemap, favicon, the redirect to https.
    pub(super) checks: SiteChecks,
}

impl Crawl {
    fn failed(error: AuditError) -> Self {
        Self {
            final_url: None,
            http_status: None,
            error: Some(error),
            unanalysed: None,
            site: None,
        }
    }
}

impl Inner {
    /// Fetches the home page and contact pages of `url` and visits each.
    pub(super) async fn crawl(
        &self,
        lead: &Lead,
        url: &Url,
        ctx: &AuditContext,
        deadline: Instant,
    ) -> Crawl {
        ctx.report(Stage::Fetching);
        // The lead's own connection pool, closed when the crawl returns.
        let fetcher = self.fetcher.for_lead();
        let fetcher = &fetcher;
        let home = match fetcher.get(url, deadline).await {
            Ok(p) => p,
            Err(e) => return Crawl::failed(e.into()),
        };
        let mut crawl = Crawl {
            final_url: Some(home.url.to_string()),
            http_status: Some(home.status),
            error: None,
            unanalysed: None,
            site: None,
        };
        if home.status >= 400 {
            crawl.error = Some(err(
                ErrorKind::HttpStatus,
                format!("the home page answered HTTP {}", home.status),
            ));
            crawl.unanalysed = Some(record(&home, Via::Http));
            return crawl;
        }
        if !home.is_html() {
            let ct = home
                .header("content-type")
                .unwrap_or("no content type")
                .to_owned();
            crawl.error = Some(err(
                ErrorKind::NotHtml,
                format!("the home page is {ct}, not HTML"),
            ));
            crawl.unanalysed = Some(record(&home, Via::Http));
            return crawl;
        }
        if home.truncated {
            let cap = self.options.max_body_bytes;
            crawl.error = Some(err(
                ErrorKind::TooLarge,
                format!(
                    "the home page is larger than {cap} bytes; its first {cap} bytes were audited"
                ),
            ));
        }
        let home_url = home.url.clone();
        let cert_issuer = home.cert_issuer.clone();
        let region = lead.country.clone();

        // Site-wide checks run beside the crawl.
        let robots_and_checks = async {
            let robots = Robots::fetch(fetcher, &home_url, deadline).await;
            let checks = site_checks(fetcher, &home_url, &robots, deadline).await;
            (robots, checks)
        };
        let home_visit = self.visit(home, ctx, region.as_deref(), deadline);
        let (home_visit, (robots, checks)) = tokio::join!(home_visit, robots_and_checks);
        let mut visits = vec![home_visit];
        // The home page's body is read again only by a late render's fallback analysis (see
        // the end); otherwise it goes now rather than being held while the crawl goes on.
        let may_render_late = self.options.browser == BrowserMode::Auto
            && visits[0].record.via != Via::Browser
            && visits[0].analysis.shell.client_rendered;
        if !may_render_late {
            visits[0].drop_body();
        }

        ctx.report(Stage::Crawling);
        let mut seen: HashSet<String> = HashSet::from([page_key(url), page_key(&home_url)]);
        let mut candidates = pick_pages(
            &visits[0].analysis.links,
            &home_url,
            self.options.max_pages,
            &mut seen,
        );
        candidates.retain(|u| {
            let ok = !self.options.respect_robots || robots.allowed(u);
            if !ok {
                tracing::debug!(%u, "robots.txt disallows");
            }
            ok
        });
        let (home_ref, region_ref) = (&home_url, region.as_deref());
        let fetched: Vec<Option<Visited>> = stream::iter(candidates)
            .map(|u| async move {
                let page = fetcher.get(&u, deadline).await.ok()?;
                if page.status >= 400 || !page.is_html() || !same_site(&page.url, home_ref) {
                    return None;
                }
                let mut visit = self.visit(page, ctx, region_ref, deadline).await;
                // A subpage's body is done with once analysed: not held until the lead ends.
                visit.drop_body();
                Some(visit)
            })
            .buffered(self.options.per_host_concurrency)
            .collect()
            .await;
        visits.extend(fetched.into_iter().flatten());

        // A client-rendered site whose pages gave no contacts: render the home page too.
        if self.options.browser == BrowserMode::Auto && !visits[0].record.via.eq(&Via::Browser) {
            let nothing = visits.iter().all(|v| {
                v.analysis.contacts.emails.is_empty() && v.analysis.contacts.phones.is_empty()
            });
            if nothing && visits[0].analysis.shell.client_rendered {
                // The home visit is replaced by the rendered one: its page moves, not copies.
                if let Some(http) = visits[0].http.take() {
                    visits[0] = self
                        .render_visit(http, ctx, region.as_deref(), deadline)
                        .await;
                }
            }
        }
        let site_techs = site_technologies(
            self.detector.get(),
            &home_url,
            &robots,
            cert_issuer.as_deref(),
        );
        lead_audit_detect::merge(&mut visits[0].analysis.technologies, site_techs);
        // The pages are analysed; what is left is merging them (reported before the domain
        // lookup the crawl ran beside, as the stages' order promises).
        ctx.report(Stage::Analyzing);
        crawl.site = Some(Site { visits, checks });
        crawl
    }
}

/// What robots.txt and the TLS certificate show (`robots` and `certIssuer` fingerprints),
/// joined to the home page's technologies: the home page is analysed while robots.txt is
/// still being fetched, so these are matched on their own, once both are known.
fn site_technologies(
    detector: &Detector,
    home: &Url,
    robots: &Robots,
    cert_issuer: Option<&str>,
) -> Vec<Technology> {
    if robots.body.is_none() && cert_issuer.is_none() {
        return Vec::new();
    }
    detector.detect(&DetectInput {
        url: home.as_str(),
        robots: robots.body.as_deref(),
        cert_issuer,
        ..DetectInput::default()
    })
}
