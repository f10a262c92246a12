//! The seam to a headless browser. The core decides *when* to render; an implementation
//! (the `lead-audit-browser` crate) decides *how*.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use url::Url;

/// A page as the browser saw it after scripts ran.
#[derive(Debug, Clone)]
pub struct RenderedPage {
    /// URL after redirects.
    pub final_url: Url,
    /// Main document status, when the browser reported it.
    pub status: Option<u16>,
    /// Serialised DOM: the doctype, if any, then `document.documentElement.outerHTML`.
    pub html: String,
    /// JavaScript globals the fingerprints ask about (path, stringified value).
    pub js: Vec<(String, String)>,
    /// Time spent rendering.
    pub elapsed: Duration,
}

/// Why a render failed.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// No Chromium could be found or started.
    #[error("browser unavailable: {0}")]
    Unavailable(String),
    /// The page did not settle in time.
    #[error("render timed out after {0:?}")]
    Timeout(Duration),
    /// Navigation was refused (e.g. by the SSRF guard).
    #[error("blocked: {0}")]
    Blocked(String),
    /// Anything else from the browser.
    #[error("browser: {0}")]
    Other(String),
}

/// Boxed future returned by [`Renderer::render`].
pub type RenderFuture<'a> =
    Pin<Box<dyn Future<Output = Result<RenderedPage, RenderError>> + Send + 'a>>;

/// A pool of browser tabs.
pub trait Renderer: Send + Sync {
    /// Loads `url`, waits for it to settle (bounded by `timeout`) and returns the DOM.
    /// `js_paths` are the globals to read (e.g. `Shopify.theme`, `React.version`).
    fn render<'a>(
        &'a self,
        url: &'a Url,
        timeout: Duration,
        js_paths: &'a [String],
    ) -> RenderFuture<'a>;
}
