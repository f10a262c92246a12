//! The whole audit of one lead, as phases that each hand a value to the next:
//!
//! 1. **start** ([`start`]): the lead's website parsed into a URL, or the result that ends the
//!    audit there (skipped, no website, invalid URL);
//! 2. **fetch** ([`crawl`]): the home page, the contact pages and the site-wide checks, beside
//!    the domain-age lookup;
//! 3. **parse and analyse** ([`visit`]): each page as it arrives, rendered when it needs a
//!    browser, analysed within the lead's budget;
//! 4. **merge** ([`merge`]): the pages' findings made into the lead's;
//! 5. **score**: the points model over the merged result.

mod crawl;
mod merge;
mod start;
mod visit;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use chrono::Utc;
use lead_audit_detect::Detector;
use tokio::time::Instant;
use tracing::Instrument;

use crate::domain::DomainLookup;
use crate::fetch::Fetcher;
use crate::filter::prefilter;
use crate::{AuditContext, AuditOptions, AuditResult, Error, ErrorKind, Lead, Renderer, Stage};

pub use start::{base_result, parse_website, skipped_result};
use start::{err, normalize_display};

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
    /// The globals a rendered page is asked for, taken from the fingerprints at first render.
    js_paths: OnceLock<Vec<String>>,
    /// Set once the embedded fingerprints are compiled, which the first audit waits for
    /// before its clock starts.
    compiled: tokio::sync::OnceCell<()>,
    /// One page analysed per core at a time: more would only add threads, each with its
    /// own allocator arena and regex caches, and no throughput.
    analysis_slots: tokio::sync::Semaphore,
}

/// The embedded set is a process-wide static, compiled by the first audit of a lead with a
/// website (a worker waiting for jobs does not hold it: about 7 MB); a loaded dataset is
/// compiled when the auditor is built, so a bad path fails at start, and is shared by clones.
#[derive(Clone)]
enum DetectorRef {
    Embedded,
    Loaded(Arc<Detector>),
}

impl DetectorRef {
    fn get(&self) -> &Detector {
        match self {
            Self::Embedded => Detector::embedded(),
            Self::Loaded(d) => d,
        }
    }
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
            Some(path) => DetectorRef::Loaded(Arc::new(
                Detector::builder()
                    .dataset(path)
                    .precedence(options.fingerprint_precedence)
                    .build()?,
            )),
            None => DetectorRef::Embedded,
        };
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
                js_paths: OnceLock::new(),
                compiled: tokio::sync::OnceCell::new(),
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
        if matches!(self.inner.detector, DetectorRef::Embedded) && lead.website().is_some() {
            self.inner.compiled.get_or_init(compile_embedded).await;
        }
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

/// Compiles the embedded fingerprints off the async threads (a no-op once done).
async fn compile_embedded() {
    if let Err(e) = tokio::task::spawn_blocking(Detector::embedded).await {
        tracing::error!(error = %e, "compiling the embedded fingerprints");
    }
}

impl Inner {
    /// The globals a rendered page is asked for.
    fn js_paths(&self) -> &[String] {
        self.js_paths.get_or_init(|| self.detector.get().js_paths())
    }

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
                    .instrument(tracing::info_span!("domain"))
                    .await
                    .ok()
                    .flatten(),
                _ => None,
            }
        };
        let (crawl, domain) = tokio::join!(self.crawl(lead, &url, ctx, deadline), domain);
        ctx.report(Stage::Domain);
        res.domain = domain;
        res.final_url = crawl.final_url;
        res.http_status = crawl.http_status;
        res.error = crawl.error;
        res.pages.extend(crawl.unanalysed);
        if let Some(site) = crawl.site {
            res.reachable = true;
            merge::merge(&site, res.final_url.as_deref()).apply(&mut res);
        }
        self.finish(res, ctx, started)
    }

    fn finish(&self, mut res: AuditResult, ctx: &AuditContext, started: Instant) -> AuditResult {
        ctx.report(Stage::Scoring);
        res.score = tracing::info_span!("score")
            .in_scope(|| crate::score::score(&res, &self.options.score));
        ctx.report(Stage::Done);
        res.audited_at = Utc::now();
        res.duration_ms = started.elapsed().as_millis() as u64;
        res
    }
}
