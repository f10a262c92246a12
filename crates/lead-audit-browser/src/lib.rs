//! Headless Chromium for lead-audit's browser fallback (`docs/browser.md`).
//!
//! [`BrowserPool`] implements the core's [`lead_audit_core::Renderer`]: a bounded pool of
//! tabs over one lazily launched Chromium, reused across leads, relaunched when it crashes or
//! stops answering, with every page call bounded by a timeout. Everything the browser loads
//! goes through a loopback proxy that applies the core's SSRF guard to resolved addresses.
//! The process tree never outlives the pool, nor the process that started it. The same pool
//! takes screenshots and prints PDFs for the outreach report (`capture`).
//!
//! ```no_run
//! # async fn demo() -> Result<(), lead_audit_core::Error> {
//! use std::sync::Arc;
//! use lead_audit_browser::{BrowserConfig, BrowserPool};
//! use lead_audit_core::{AuditOptions, Auditor};
//!
//! let pool = BrowserPool::new(BrowserConfig::default());
//! let auditor = Auditor::builder(AuditOptions::default())
//!     .renderer(Arc::new(pool.clone()))
//!     .build()?;
//! // ... audit leads, then:
//! pool.shutdown().await;
//! # Ok(()) }
//! ```

mod capture;
mod config;
mod page;
mod pool;
mod process;
mod proxy;

pub use capture::Viewport;
pub use config::{find_chrome, BrowserConfig};
pub use pool::BrowserPool;
