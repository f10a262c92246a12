//! `lead-audit-core`: the lead audit pipeline as a plain library.
//!
//! Fetch a business website, crawl its likely contact pages, extract emails / phones /
//! socials, detect technologies, run quality checks, look up the domain's age and score the
//! lead. No napi, no Redis, no SQL: front ends are adapters over [`Auditor`].

pub mod analyze;
pub mod audit;
mod contact;
pub mod crawl;
mod dom;
pub mod domain;
pub mod error;
pub mod extract;
pub mod fetch;
pub mod filter;
pub mod lead;
pub mod options;
pub mod parse;
pub mod pipeline;
pub mod progress;
pub mod redact;
pub mod render;
pub mod result;
pub mod score;
pub mod site;

pub use error::{Error, ErrorKind};
pub use lead::Lead;
pub use lead_audit_detect::{DatasetPrecedence, DetectInput, Detector, Evidence};
pub use options::{AuditOptions, BrowserMode};
pub use pipeline::{Auditor, AuditorBuilder};
pub use progress::{AuditContext, ProgressFn, Stage};
pub use render::{RenderError, RenderedPage, Renderer};
pub use result::*;
pub use score::ScoreConfig;
pub use tokio_util::sync::CancellationToken;
