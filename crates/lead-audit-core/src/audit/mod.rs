//! Site quality checks (§4.5): page facts from the DOM, then a site report with issues.

pub mod checks;
pub mod report;

pub use checks::{page_facts, PageFacts};
pub use report::{build_report, SiteFacts};
