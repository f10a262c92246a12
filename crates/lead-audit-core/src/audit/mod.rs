//! Site quality checks (§4.5): page facts from the DOM, then a site report with issues.

pub mod checks;
mod copyright;
pub mod eol;
pub mod report;

pub use checks::{page_facts, PageFacts};
pub use eol::{compare_versions, parse_version};
pub use report::{build_report, SiteFacts};
