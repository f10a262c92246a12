//! One page through the parse and analysis phases: rendered first when the browser mode asks
//! for it, analysed on a blocking thread within the lead's budget, a panic turned into an
//! `internal` error.

use std::time::Duration;

use tokio::time::Instant;
use url::Url;

use super::start::err;
use super::Inner;
use crate::analyze::{analyze_page_within, AnalyzeConfig, Budget, PageAnalysis, PageInput};
use crate::extract::ExtractOptions;
use crate::fetch::charset::decode_html;
use crate::fetch::FetchedPage;
use crate::redact::{preview, without_credentials};
use crate::result::{AuditError, PageRecord, Via};
use crate::{AuditContext, BrowserMode, ErrorKind, RenderedPage, Stage};

/// One page after fetching, maybe rendering, and analysis.
pub(super) struct Visited {
    pub(super) record: PageRecord,
    pub(super) http: Option<FetchedPage>,
    /// The HTTP body's length, kept when the body itself is dropped (the home page's weight).
    pub(super) http_bytes: u64,
    pub(super) analysis: PageAnalysis,
    pub(super) render_error: Option<AuditError>,
    /// Set when the page's analysis failed unexpectedly (its `analysis` is then empty).
    pub(super) analysis_error: Option<AuditError>,
}

impl Visited {
    /// A visit whose analysed page is `record`, keeping the fetched `page` for the site checks.
    fn new(
        record: PageRecord,
        page: FetchedPage,
        (analysis, analysis_error): (PageAnalysis, Option<AuditError>),
        render_error: Option<AuditError>,
    ) -> Self {
        Self {
            record,
            http_bytes: page.body.len() as u64,
            http: Some(page),
            analysis,
            render_error,
            analysis_error,
        }
    }

    /// Frees the page's body once nothing will read it again; its length stays.
    pub(super) fn drop_body(&mut self) {
        if let Some(http) = self.http.as_mut() {
            http.body = Vec::new();
        }
    }
}

impl Inner {
    /// Analyzes a fetched page, rendering it first when the mode asks for it.
    pub(super) async fn visit(
        &self,
        page: FetchedPage,
        ctx: &AuditContext,
        region: Option<&str>,
        deadline: Instant,
    ) -> Visited {
        if self.options.browser == BrowserMode::Always {
            return self.render_visit(page, ctx, region, deadline).await;
        }
        let analysed = self.analyze(&page, None, region, deadline).await;
        let mut visit = Visited::new(record(&page, Via::Http), page, analysed, None);
        if self.options.browser == BrowserMode::Auto && visit.analysis.shell.is_shell() {
            if let Some(http) = visit.http.take() {
                visit = self.render_visit(http, ctx, region, deadline).await;
            }
        }
        visit
    }

    /// Renders `page` in the browser and analyzes the rendered DOM; on failure keeps the
    /// static analysis and records a `browser` error.
    pub(super) async fn render_visit(
        &self,
        page: FetchedPage,
        ctx: &AuditContext,
        region: Option<&str>,
        deadline: Instant,
    ) -> Visited {
        ctx.report(Stage::Rendering);
        match self.render(&page.url, deadline).await {
            Ok(rendered) => {
                let analysed = self.analyze(&page, Some(&rendered), region, deadline).await;
                let record = PageRecord {
                    url: without_credentials(rendered.final_url.as_str()),
                    status: rendered.status.unwrap_or(page.status),
                    bytes: rendered.html.len() as u64,
                    elapsed_ms: rendered.elapsed.as_millis() as u64,
                    via: Via::Browser,
                };
                Visited::new(record, page, analysed, None)
            }
            Err(e) => {
                let analysed = self.analyze(&page, None, region, deadline).await;
                Visited::new(record(&page, Via::Http), page, analysed, Some(e))
            }
        }
    }

    #[tracing::instrument(name = "render", skip_all)]
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
            .render(url, left, self.js_paths())
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

    /// Decodes and analyzes, once one of the analysis slots (one per core) is free, on a
    /// blocking thread: parsing a 5 MiB page must not stall the runtime.
    ///
    /// The analysis stops at `deadline`, and as soon as this future is dropped (the audit's
    /// outer timeout, a cancelled lead), so no thread goes on parsing for a result that is
    /// already out.
    #[tracing::instrument(name = "analyse", skip_all)]
    async fn analyze(
        &self,
        page: &FetchedPage,
        rendered: Option<&RenderedPage>,
        region: Option<&str>,
        deadline: Instant,
    ) -> (PageAnalysis, Option<AuditError>) {
        // The slot comes first: a page's decoded copy (as large as its body) then exists only
        // for the pages being analysed, not for every fetched page waiting for a slot.
        // The semaphore is never closed, so acquiring only fails in theory; analysing
        // without a slot is then the safe fallback.
        let _slot = self.analysis_slots.acquire().await.ok();
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

pub(super) fn record(page: &FetchedPage, via: Via) -> PageRecord {
    PageRecord {
        url: page.url.to_string(),
        status: page.status,
        bytes: page.body.len() as u64,
        elapsed_ms: page.elapsed.as_millis() as u64,
        via,
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
