//! The whole audit of one lead: fetch → crawl → render → analyze → domain → score.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures::stream::{self, StreamExt};
use lead_audit_detect::{merge, Detector};
use tokio::time::Instant;
use url::Url;

use crate::analyze::{analyze_page_within, AnalyzeConfig, Budget, PageAnalysis, PageInput};
use crate::audit::{build_report, SiteFacts};
use crate::crawl::{page_key, pick_pages, same_site};
use crate::domain::DomainLookup;
use crate::extract::{rank_emails, ExtractOptions};
use crate::fetch::charset::decode_html;
use crate::fetch::robots::Robots;
use crate::fetch::{url_too_long, FetchError, FetchedPage, Fetcher};
use crate::filter::prefilter;
use crate::redact::{preview, strip_credentials, without_credentials};
use crate::result::{AuditError, AuditReport, PageRecord, Score, Via};
use crate::site::{site_checks, SiteChecks};
use crate::{
    AuditContext, AuditOptions, AuditResult, BrowserMode, Error, ErrorKind, Lead, RenderedPage,
    Renderer, Stage,
};

/// A configured pipeline; cheap to clone, shared across concurrent leads.
#[derive(Clone)]
pub struct Auditor {
    inner: Arc<Inner>,
}

struct Inner {
    options: AuditOptions,
    fetcher: Fetcher,
    detector: DetectorRef,
    domain: Option<DomainLookup>,
    renderer: Option<Arc<dyn Renderer>>,
    js_paths: Vec<String>,
    /// One page analysed per core at a time: more would only add threads, each with its
    /// own allocator arena and regex caches, and no throughput.
    analysis_slots: tokio::sync::Semaphore,
}

/// The embedded set is a process-wide static; a loaded dataset is shared by clones.
#[derive(Clone)]
enum DetectorRef {
    Embedded(&'static Detector),
    Loaded(Arc<Detector>),
}

impl DetectorRef {
    fn get(&self) -> &Detector {
        match self {
            Self::Embedded(d) => d,
            Self::Loaded(d) => d,
        }
    }
}

/// One page after fetching, maybe rendering, and analysis.
struct Visited {
    record: PageRecord,
    http: Option<FetchedPage>,
    analysis: PageAnalysis,
    render_error: Option<AuditError>,
    /// Set when the page's analysis failed unexpectedly (its `analysis` is then empty).
    analysis_error: Option<AuditError>,
}

/// Builds an [`Auditor`]: the options, then the optional parts, then [`AuditorBuilder::build`].
pub struct AuditorBuilder {
    options: AuditOptions,
    renderer: Option<Arc<dyn Renderer>>,
}

impl AuditorBuilder {
    /// Renders pages that need JavaScript with `renderer` (the browser fallback).
    pub fn renderer(mut self, renderer: Arc<dyn Renderer>) -> Self {
        self.renderer = Some(renderer);
        self
    }

    /// Validates the options and builds the HTTP client, fingerprint set and domain lookup.
    pub fn build(self) -> Result<Auditor, Error> {
        let options = self.options;
        options.validate()?;
        let detector = match &options.fingerprints {
            Some(path) => DetectorRef::Loaded(Arc::new(Detector::with_dataset(path)?)),
            None => DetectorRef::Embedded(Detector::embedded()),
        };
        let js_paths = detector.get().js_paths();
        let domain = if options.domain_lookup {
            let mut config = options.domain.clone();
            config.allow_private_networks |= options.allow_private_networks;
            config.resolve.extend(options.resolve.iter().cloned());
            config.user_agent.clone_from(&options.user_agent);
            Some(DomainLookup::new(config)?)
        } else {
            None
        };
        let fetcher = Fetcher::new(&options)?;
        Ok(Auditor {
            inner: Arc::new(Inner {
                options,
                fetcher,
                detector,
                domain,
                renderer: self.renderer,
                js_paths,
                analysis_slots: tokio::sync::Semaphore::new(
                    std::thread::available_parallelism().map_or(2, |n| n.get()),
                ),
            }),
        })
    }
}

impl Auditor {
    /// A builder for an auditor with `options`.
    pub fn builder(options: AuditOptions) -> AuditorBuilder {
        AuditorBuilder {
            options,
            renderer: None,
        }
    }

    /// An auditor with `options` and no browser: shorthand for `builder(options).build()`.
    pub fn new(options: AuditOptions) -> Result<Self, Error> {
        Self::builder(options).build()
    }

    /// The options this auditor runs with.
    pub fn options(&self) -> &AuditOptions {
        &self.inner.options
    }

    /// The compiled fingerprints.
    pub fn detector(&self) -> &Detector {
        self.inner.detector.get()
    }

    /// Audits one lead. Site problems are results; the only error is cancellation.
    pub async fn audit(&self, lead: &Lead, ctx: &AuditContext) -> Result<AuditResult, Error> {
        let started = Instant::now();
        let deadline = started + self.inner.options.timeout;
        let run = self.inner.run(lead, ctx, started, deadline);
        // Every fetch is bounded by the deadline; the outer bound is a safety net for the
        // parts that are not (analysis of a huge page, a browser that ignores its timeout).
        let guarded = tokio::time::timeout_at(deadline + Duration::from_secs(2), run);
        tokio::select! {
            biased;
            _ = ctx.cancel.cancelled() => Err(Error::Cancelled),
            r = guarded => Ok(r.unwrap_or_else(|_| {
                let mut res = base_result(lead, lead.website().unwrap_or_default().to_owned());
                res.error = Some(err(ErrorKind::Timeout, format!("the audit took longer than {:?}", self.inner.options.timeout)));
                self.inner.finish(res, ctx, started)
            })),
        }
    }
}

/// An empty result for `lead` at `url`, kept without the credentials `url` may carry.
pub fn base_result(lead: &Lead, url: String) -> AuditResult {
    AuditResult {
        url: without_credentials(&url),
        lead_id: lead.lead_id.clone(),
        final_url: None,
        reachable: false,
        http_status: None,
        error: None,
        rendered_with_browser: false,
        pages: Vec::new(),
        emails: Vec::new(),
        phones: Vec::new(),
        socials: Default::default(),
        technologies: Vec::new(),
        audit: AuditReport::default(),
        domain: None,
        score: Score::default(),
        skipped: None,
        audited_at: Utc::now(),
        duration_ms: 0,
    }
}

/// A result for a lead that was not audited, with the reason.
pub fn skipped_result(lead: &Lead, reason: String) -> AuditResult {
    let mut res = base_result(
        lead,
        lead.website().map(normalize_display).unwrap_or_default(),
    );
    res.score.reasons.push(format!("not audited: {reason}"));
    res.skipped = Some(reason);
    res
}

/// A page's analysis, or the `internal` error of one that panicked: a defect must not pass for
/// a clean page, so the lead says its analysis failed and keeps the pages fetched and what the
/// other pages gave.
fn analysis_outcome(
    analysed: Result<PageAnalysis, tokio::task::JoinError>,
    url: &Url,
) -> (PageAnalysis, Option<AuditError>) {
    match analysed {
        Ok(analysis) => (analysis, None),
        Err(e) => {
            tracing::error!(url = %crate::redact::preview_url(url), error = %e, "page analysis failed");
            let message = format!(
                "{}: analysing the page failed unexpectedly",
                crate::redact::preview_url(url)
            );
            (
                PageAnalysis::default(),
                Some(err(ErrorKind::Internal, message)),
            )
        }
    }
}

fn err(kind: ErrorKind, message: impl Into<String>) -> AuditError {
    AuditError {
        kind,
        message: message.into(),
    }
}

/// Adds `http://` when the scheme is missing (the redirect to https is then observed).
fn normalize_display(raw: &str) -> String {
    let raw = raw.trim();
    if raw.contains("://") {
        raw.to_owned()
    } else {
        format!("http://{}", raw.trim_start_matches('/'))
    }
}

/// Parses a lead's website into a fetchable URL, without the credentials it may carry
/// (`http://user:pass@shop.test/` is audited as `http://shop.test/`: the public site is what
/// a lead is judged by, and the password is neither sent nor repeated). A URL longer than
/// [`MAX_URL_BYTES`](crate::fetch::MAX_URL_BYTES) once its credentials are gone is refused
/// before any request. The error quotes at most a short preview of the website, never its
/// credentials.
pub fn parse_website(raw: &str) -> Result<Url, String> {
    let quoted = || format!("{:?}", preview(&without_credentials(raw.trim())));
    let text = normalize_display(raw);
    if let Some(message) = url_too_long(&without_credentials(&text)) {
        return Err(message);
    }
    let mut url = Url::parse(&text).map_err(|e| format!("{} is not a URL: {e}", quoted()))?;
    strip_credentials(&mut url);
    if let Some(message) = url_too_long(url.as_str()) {
        return Err(message);
    }
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "{}: only http and https websites can be audited",
            quoted()
        ));
    }
    match url.host_str() {
        Some(h) if !h.is_empty() && !h.contains(' ') => Ok(url),
        _ => Err(format!("{} has no host name", quoted())),
    }
}

impl Inner {
    async fn run(
        &self,
        lead: &Lead,
        ctx: &AuditContext,
        started: Instant,
        deadline: Instant,
    ) -> AuditResult {
        if let Some(reason) = prefilter(lead, None, Duration::ZERO, Utc::now()) {
            return self.finish(skipped_result(lead, reason), ctx, started);
        }
        let Some(website) = lead.website() else {
            let mut res = base_result(lead, String::new());
            res.score.reasons.push("no website on record".into());
            return self.finish(res, ctx, started);
        };
        let mut res = base_result(lead, normalize_display(website));
        let url = match parse_website(website) {
            Ok(u) => u,
            Err(message) => {
                res.error = Some(err(ErrorKind::InvalidUrl, message));
                return self.finish(res, ctx, started);
            }
        };
        res.url = url.to_string();

        let domain = async {
            match (&self.domain, url.host_str()) {
                (Some(d), Some(host)) => tokio::time::timeout_at(deadline, d.lookup(host))
                    .await
                    .ok()
                    .flatten(),
                _ => None,
            }
        };
        let (site, domain) = tokio::join!(self.crawl(lead, &url, ctx, deadline, &mut res), domain);
        ctx.report(Stage::Domain);
        res.domain = domain;
        if let Some(checks) = site {
            res.audit = checks;
        }
        self.finish(res, ctx, started)
    }

    fn finish(&self, mut res: AuditResult, ctx: &AuditContext, started: Instant) -> AuditResult {
        ctx.report(Stage::Scoring);
        res.score = crate::score::score(&res, &self.options.score);
        ctx.report(Stage::Done);
        res.audited_at = Utc::now();
        res.duration_ms = started.elapsed().as_millis() as u64;
        res
    }

    /// Fetches the home page and contact pages, fills `res`, returns the site report.
    async fn crawl(
        &self,
        lead: &Lead,
        url: &Url,
        ctx: &AuditContext,
        deadline: Instant,
        res: &mut AuditResult,
    ) -> Option<AuditReport> {
        ctx.report(Stage::Fetching);
        let home = match self.fetcher.get(url, deadline).await {
            Ok(p) => p,
            Err(e) => {
                res.error = Some(e.into());
                return None;
            }
        };
        res.final_url = Some(home.url.to_string());
        res.http_status = Some(home.status);
        if home.status >= 400 {
            res.error = Some(err(
                ErrorKind::HttpStatus,
                format!("the home page answered HTTP {}", home.status),
            ));
            res.pages.push(record(&home, Via::Http));
            return None;
        }
        if !home.is_html() {
            let ct = home
                .header("content-type")
                .unwrap_or("no content type")
                .to_owned();
            res.error = Some(err(
                ErrorKind::NotHtml,
                format!("the home page is {ct}, not HTML"),
            ));
            res.pages.push(record(&home, Via::Http));
            return None;
        }
        if home.truncated {
            let cap = self.options.max_body_bytes;
            res.error = Some(err(
                ErrorKind::TooLarge,
                format!(
                    "the home page is larger than {cap} bytes; its first {cap} bytes were audited"
                ),
            ));
        }
        res.reachable = true;
        let home_url = home.url.clone();
        let region = lead.country.clone();

        // Site-wide checks run beside the crawl.
        let robots_and_checks = async {
            let robots = Robots::fetch(&self.fetcher, &home_url, deadline).await;
            let checks = site_checks(&self.fetcher, &home_url, &robots, deadline).await;
            (robots, checks)
        };
        let home_visit = self.visit(home, ctx, region.as_deref(), deadline);
        let (home_visit, (robots, checks)) = tokio::join!(home_visit, robots_and_checks);
        let mut visits = vec![home_visit];

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
                let page = self.fetcher.get(&u, deadline).await.ok()?;
                if page.status >= 400 || !page.is_html() || !same_site(&page.url, home_ref) {
                    return None;
                }
                let mut visit = self.visit(page, ctx, region_ref, deadline).await;
                // Only the home page's body is read again (site checks, a late render); a
                // subpage's is done with once analysed, so it is not held until the lead ends.
                if let Some(http) = visit.http.as_mut() {
                    http.body = Vec::new();
                }
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
                if let Some(http) = visits[0].http.clone() {
                    visits[0] = self
                        .render_visit(http, ctx, region.as_deref(), deadline)
                        .await;
                }
            }
        }

        ctx.report(Stage::Analyzing);
        Some(self.merge(res, &visits, &checks))
    }

    /// Analyzes a fetched page, rendering it first when the mode asks for it.
    async fn visit(
        &self,
        page: FetchedPage,
        ctx: &AuditContext,
        region: Option<&str>,
        deadline: Instant,
    ) -> Visited {
        if self.options.browser == BrowserMode::Always {
            return self.render_visit(page, ctx, region, deadline).await;
        }
        let (analysis, analysis_error) = self.analyze(&page, None, region, deadline).await;
        let mut visit = Visited {
            record: record(&page, Via::Http),
            http: Some(page),
            analysis,
            render_error: None,
            analysis_error,
        };
        if self.options.browser == BrowserMode::Auto && visit.analysis.shell.is_shell() {
            if let Some(http) = visit.http.take() {
                visit = self.render_visit(http, ctx, region, deadline).await;
            }
        }
        visit
    }

    /// Renders `page` in the browser and analyzes the rendered DOM; on failure keeps the
    /// static analysis and records a `browser` error.
    async fn render_visit(
        &self,
        page: FetchedPage,
        ctx: &AuditContext,
        region: Option<&str>,
        deadline: Instant,
    ) -> Visited {
        ctx.report(Stage::Rendering);
        match self.render(&page.url, deadline).await {
            Ok(rendered) => {
                let (analysis, analysis_error) =
                    self.analyze(&page, Some(&rendered), region, deadline).await;
                let record = PageRecord {
                    url: without_credentials(rendered.final_url.as_str()),
                    status: rendered.status.unwrap_or(page.status),
                    bytes: rendered.html.len() as u64,
                    elapsed_ms: rendered.elapsed.as_millis() as u64,
                    via: Via::Browser,
                };
                Visited {
                    record,
                    http: Some(page),
                    analysis,
                    render_error: None,
                    analysis_error,
                }
            }
            Err(e) => {
                let (analysis, analysis_error) = self.analyze(&page, None, region, deadline).await;
                Visited {
                    record: record(&page, Via::Http),
                    http: Some(page),
                    analysis,
                    render_error: Some(e),
                    analysis_error,
                }
            }
        }
    }

    async fn render(&self, url: &Url, deadline: Instant) -> Result<RenderedPage, AuditError> {
        let Some(renderer) = &self.renderer else {
            return Err(err(
                ErrorKind::Browser,
                "the page needs a browser to render, and none is configured",
            ));
        };
        let left = deadline.saturating_duration_since(Instant::now());
        if left < Duration::from_millis(200) {
            return Err(err(ErrorKind::Timeout, "no time left to render the page"));
        }
        renderer
            .render(url, left, &self.js_paths)
            .await
            .map_err(|e| {
                let kind = match e {
                    crate::RenderError::Timeout(_) => ErrorKind::Timeout,
                    crate::RenderError::Blocked(_) => ErrorKind::Blocked,
                    _ => ErrorKind::Browser,
                };
                err(kind, format!("{}: {e}", preview(url.as_str())))
            })
    }

    /// Decodes and analyzes on a blocking thread: parsing a 5 MiB page must not stall the runtime.
    ///
    /// The analysis stops at `deadline`, and as soon as this future is dropped (the audit's
    /// outer timeout, a cancelled lead), so no thread goes on parsing for a result that is
    /// already out.
    async fn analyze(
        &self,
        page: &FetchedPage,
        rendered: Option<&RenderedPage>,
        region: Option<&str>,
        deadline: Instant,
    ) -> (PageAnalysis, Option<AuditError>) {
        let (html, url, js) = match rendered {
            Some(r) => (r.html.clone(), r.final_url.clone(), r.js.clone()),
            None => (
                decode_html(&page.body, page.header("content-type")),
                page.url.clone(),
                Vec::new(),
            ),
        };
        let headers = page.headers.clone();
        let region = region.map(str::to_owned);
        let default_region = self.options.default_region.clone();
        let detector = self.detector.clone();
        // The semaphore is never closed, so acquiring only fails in theory; analysing
        // without a slot is then the safe fallback.
        let _slot = self.analysis_slots.acquire().await.ok();
        let stop = tokio_util::sync::CancellationToken::new();
        let _stop_when_dropped = stop.clone().drop_guard();
        let budget = Budget::until(deadline.into_std()).or_cancelled(stop);
        let analysed = tokio::task::spawn_blocking(move || {
            let input = PageInput {
                url: &url,
                html: &html,
                headers: &headers,
            };
            let config = AnalyzeConfig {
                detector: detector.get(),
                extract: ExtractOptions {
                    lead_region: region.as_deref(),
                    default_region: &default_region,
                },
                js: &js,
            };
            analyze_page_within(&input, &config, &budget)
        })
        .await;
        analysis_outcome(analysed, &page.url)
    }

    fn merge(&self, res: &mut AuditResult, visits: &[Visited], checks: &SiteChecks) -> AuditReport {
        let mut emails = Vec::new();
        let mut phones: Vec<String> = Vec::new();
        let mut technologies = Vec::new();
        for v in visits {
            res.pages.push(v.record.clone());
            res.rendered_with_browser |= v.record.via == Via::Browser;
            let c = &v.analysis.contacts;
            emails.extend(c.emails.iter().cloned());
            for p in &c.phones {
                if !phones.contains(p) {
                    phones.push(p.clone());
                }
            }
            for (k, url) in &c.socials {
                res.socials.entry(k.clone()).or_insert_with(|| url.clone());
            }
            merge(&mut technologies, v.analysis.technologies.clone());
            if res.error.is_none() {
                res.error = v.analysis_error.clone().or_else(|| v.render_error.clone());
            }
            // A page whose analysis ran out of time keeps what it found, and the lead says
            // its audit is incomplete.
            if res.error.is_none() && v.analysis.cut_short {
                res.error = Some(err(
                    ErrorKind::Timeout,
                    format!(
                        "{}: the time ran out while analysing the page",
                        v.record.url
                    ),
                ));
            }
        }
        let site_domain = res
            .final_url
            .as_deref()
            .and_then(|u| Url::parse(u).ok())
            .and_then(|u| {
                let host = u.host_str()?.to_owned();
                Some(psl::domain_str(&host).unwrap_or(&host).to_owned())
            });
        rank_emails(&mut emails, site_domain.as_deref());
        technologies.sort_by(|a, b| {
            b.confidence
                .cmp(&a.confidence)
                .then_with(|| a.name.cmp(&b.name))
        });
        res.emails = emails;
        res.phones = phones;
        res.technologies = technologies;
        let home = &visits[0];
        let Some(http) = &home.http else {
            return AuditReport::default();
        };
        let mut report = build_report(&SiteFacts {
            home: &home.analysis.facts,
            final_url: &http.url,
            headers: &http.headers,
            redirects_to_https: checks.redirects_to_https,
            certificate_expires_at: http.cert_expires_at,
            response_time_ms: http.elapsed.as_millis() as u64,
            page_weight_bytes: http.body.len() as u64,
            robots_txt: Some(checks.robots_txt),
            sitemap_xml: checks.sitemap_xml,
            favicon_ico: checks.favicon_ico,
            technologies: &res.technologies,
            now: Utc::now(),
        });
        // Contact forms usually live on the contact page, not the home page.
        report.contact_form = Some(visits.iter().any(|v| v.analysis.facts.contact_form));
        report
    }
}

fn record(page: &FetchedPage, via: Via) -> PageRecord {
    PageRecord {
        url: page.url.to_string(),
        status: page.status,
        bytes: page.body.len() as u64,
        elapsed_ms: page.elapsed.as_millis() as u64,
        via,
    }
}

impl From<FetchError> for AuditError {
    fn from(e: FetchError) -> Self {
        err(e.kind, e.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_analysis_is_an_internal_error_not_a_clean_page() {
        let url = Url::parse("http://shop.test/contact").expect("a URL");
        let panicked = tokio::task::spawn_blocking(|| -> PageAnalysis { panic!("a defect") }).await;
        let (analysis, error) = analysis_outcome(panicked, &url);
        let error = error.expect("an error");
        assert_eq!(error.kind, ErrorKind::Internal);
        assert!(
            error.message.contains("shop.test/contact"),
            "{}",
            error.message
        );
        assert!(analysis.contacts.emails.is_empty());

        let fine = tokio::task::spawn_blocking(PageAnalysis::default).await;
        assert!(analysis_outcome(fine, &url).1.is_none());
    }
}
