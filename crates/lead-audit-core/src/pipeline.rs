//! The whole audit of one lead: fetch → crawl → render → analyze → domain → score.

use std::sync::Arc;

use crate::{AuditContext, AuditOptions, AuditResult, Error, Lead, Renderer};

/// A configured pipeline; cheap to clone, shared across concurrent leads.
#[derive(Clone)]
pub struct Auditor {
    inner: Arc<Inner>,
}

struct Inner {
    options: AuditOptions,
    renderer: Option<Arc<dyn Renderer>>,
}

impl Auditor {
    /// Validates `options` and builds the HTTP client and fingerprint set.
    pub fn new(options: AuditOptions) -> Result<Self, Error> {
        options.validate()?;
        Ok(Self {
            inner: Arc::new(Inner {
                options,
                renderer: None,
            }),
        })
    }

    /// Adds a browser for the fallback of §4.3.
    pub fn with_renderer(self, renderer: Arc<dyn Renderer>) -> Self {
        let options = self.inner.options.clone();
        Self {
            inner: Arc::new(Inner {
                options,
                renderer: Some(renderer),
            }),
        }
    }

    /// The options this auditor runs with.
    pub fn options(&self) -> &AuditOptions {
        &self.inner.options
    }

    /// Audits one lead. Site problems are results; the only error is cancellation.
    pub async fn audit(&self, lead: &Lead, ctx: &AuditContext) -> Result<AuditResult, Error> {
        let _ = (lead, ctx, &self.inner.renderer);
        todo!("pipeline")
    }
}
