//! Pictures and documents of a page, for the outreach report: a screenshot at a viewport, a
//! PDF of a document, and an expression evaluated in a loaded document (what the report's
//! tests assert on). Each call takes a tab of the pool's bound, in a fresh tab closed after,
//! so a viewport never leaks into later renders; web pages go through the SSRF guard.

use std::time::Duration;

use chromiumoxide::cdp::browser_protocol::emulation::SetDeviceMetricsOverrideParams;
use chromiumoxide::cdp::browser_protocol::page::{CaptureScreenshotFormat, PrintToPdfParams};
use chromiumoxide::page::ScreenshotParams;
use chromiumoxide::Page;
use lead_audit_core::RenderError;
use tokio::sync::OwnedSemaphorePermit;
use url::Url;

use crate::pool::BrowserPool;

/// Time a loaded page gets for late layout (web fonts, images decoding) before a capture.
const SETTLE: Duration = Duration::from_millis(300);

/// A browser window size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewport {
    /// CSS pixels.
    pub width: u32,
    /// CSS pixels.
    pub height: u32,
    /// Emulate a phone: the page's viewport meta tag applies.
    pub mobile: bool,
}

impl Viewport {
    /// A laptop screen, 1280×800.
    pub const DESKTOP: Viewport = Viewport {
        width: 1280,
        height: 800,
        mobile: false,
    };
    /// A phone, 375×812.
    pub const MOBILE: Viewport = Viewport {
        width: 375,
        height: 812,
        mobile: true,
    };
}

/// A fresh tab holding a permit of the pool; closed when done.
struct Session {
    page: Page,
    _permit: OwnedSemaphorePermit,
}

impl Session {
    async fn close(self) {
        let _ = tokio::time::timeout(Duration::from_secs(3), self.page.clone().close()).await;
    }
}

impl Drop for Session {
    /// A session abandoned by a timeout still closes its tab.
    fn drop(&mut self) {
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            let page = self.page.clone();
            rt.spawn(async move {
                let _ = tokio::time::timeout(Duration::from_secs(3), page.close()).await;
            });
        }
    }
}

impl BrowserPool {
    /// A PNG of the first screen of `url` at `viewport`. `url` is http(s), checked by the SSRF
    /// guard like every render.
    pub async fn screenshot(&self, url: &Url, viewport: Viewport) -> Result<Vec<u8>, RenderError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(RenderError::Blocked(format!(
                "{url}: only http and https pages are captured"
            )));
        }
        self.check(url).await?;
        self.bounded(async {
            let s = self.session(url, viewport).await?;
            let shot = s
                .page
                .screenshot(
                    ScreenshotParams::builder()
                        .format(CaptureScreenshotFormat::Png)
                        .build(),
                )
                .await
                .map_err(|e| RenderError::Other(format!("screenshot of {url}: {e}")));
            s.close().await;
            shot
        })
        .await
    }

    /// A PDF of the document at `url` (a `file:` URL of a written report, or a checked http(s)
    /// page), on paper `width`×`height` inches with backgrounds.
    pub async fn print_pdf(&self, url: &Url, paper: (f64, f64)) -> Result<Vec<u8>, RenderError> {
        self.check_document(url).await?;
        self.bounded(async {
            let s = self.session(url, Viewport::DESKTOP).await?;
            let margin = 0.5;
            let params = PrintToPdfParams::builder()
                .print_background(true)
                .paper_width(paper.0)
                .paper_height(paper.1)
                .margin_top(margin)
                .margin_bottom(margin)
                .margin_left(margin)
                .margin_right(margin)
                .build();
            let pdf = s
                .page
                .pdf(params)
                .await
                .map_err(|e| RenderError::Other(format!("printing {url}: {e}")));
            s.close().await;
            pdf
        })
        .await
    }

    /// Loads the document at `url` at `viewport` and returns the JSON value of `expression`
    /// (awaited when it is a promise). `before` runs before any script of the document, e.g.
    /// to record what the page does.
    pub async fn evaluate_document(
        &self,
        url: &Url,
        viewport: Viewport,
        before: &str,
        expression: &str,
    ) -> Result<serde_json::Value, RenderError> {
        self.check_document(url).await?;
        self.bounded(async {
            let s = self.session_with(url, viewport, Some(before)).await?;
            let value = match s.page.evaluate(expression).await {
                Ok(v) => v
                    .into_value::<serde_json::Value>()
                    .map_err(|e| RenderError::Other(format!("reading the value: {e}"))),
                Err(e) => Err(RenderError::Other(format!("evaluating in {url}: {e}"))),
            };
            s.close().await;
            value
        })
        .await
    }

    /// `file:` URLs pass; http(s) ones are checked by the guard; others are refused.
    async fn check_document(&self, url: &Url) -> Result<(), RenderError> {
        match url.scheme() {
            "file" => Ok(()),
            "http" | "https" => self.check(url).await,
            other => Err(RenderError::Blocked(format!(
                "{url}: {other} documents are not opened"
            ))),
        }
    }

    /// Runs `work` within the pool's page timeout.
    async fn bounded<T>(
        &self,
        work: impl std::future::Future<Output = Result<T, RenderError>>,
    ) -> Result<T, RenderError> {
        let limit = self.config().page_timeout;
        tokio::time::timeout(limit, work)
            .await
            .map_err(|_| RenderError::Timeout(limit))?
    }

    async fn session(&self, url: &Url, viewport: Viewport) -> Result<Session, RenderError> {
        self.session_with(url, viewport, None).await
    }

    /// A permit, a fresh tab at `viewport`, `url` loaded and given a moment to settle.
    async fn session_with(
        &self,
        url: &Url,
        viewport: Viewport,
        before: Option<&str>,
    ) -> Result<Session, RenderError> {
        let permit = self.tab_permit().await?;
        let instance = self.instance().await?;
        let page = instance.new_tab().await.map_err(RenderError::Other)?;
        let setup = async {
            page.execute(SetDeviceMetricsOverrideParams::new(
                viewport.width,
                viewport.height,
                1.0,
                viewport.mobile,
            ))
            .await?;
            if let Some(script) = before {
                page.evaluate_on_new_document(script).await?;
            }
            page.goto(url.as_str()).await?;
            Ok::<_, chromiumoxide::error::CdpError>(())
        };
        if let Err(e) = setup.await {
            let _ = page.close().await;
            return Err(RenderError::Other(format!("loading {url}: {e}")));
        }
        tokio::time::sleep(SETTLE).await;
        Ok(Session {
            page,
            _permit: permit,
        })
    }
}
