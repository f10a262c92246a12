//! Site quality checks: page facts from the DOM, then a site report with issues. The checks
//! and their issue ids are listed in `docs/scoring.md`.

pub mod checks;
mod copyright;
pub mod eol;
mod indexing;
mod markup;
pub mod report;

pub use checks::{page_facts, PageFacts};
pub use eol::{compare_versions, parse_version};
pub use markup::MarkupFacts;
pub use report::{build_report, SiteFacts};
