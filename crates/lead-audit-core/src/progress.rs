//! Progress reporting and cancellation, free of any transport.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

/// The stages a lead goes through, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Fetching the home page.
    Fetching,
    /// Fetching contact pages.
    Crawling,
    /// Rendering with the browser.
    Rendering,
    /// Extracting contacts, detecting technologies, running checks.
    Analyzing,
    /// Looking up the domain's age.
    Domain,
    /// Scoring.
    Scoring,
    /// Finished.
    Done,
}

impl Stage {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fetching => "fetching",
            Self::Crawling => "crawling",
            Self::Rendering => "rendering",
            Self::Analyzing => "analyzing",
            Self::Domain => "domain",
            Self::Scoring => "scoring",
            Self::Done => "done",
        }
    }

    /// Rough percentage for queue progress bars.
    pub fn percent(self) -> u8 {
        match self {
            Self::Fetching => 10,
            Self::Crawling => 30,
            Self::Rendering => 50,
            Self::Analyzing => 70,
            Self::Domain => 80,
            Self::Scoring => 90,
            Self::Done => 100,
        }
    }
}

/// A progress callback.
pub type ProgressFn = Arc<dyn Fn(Stage) + Send + Sync>;

/// Per-call context: cancellation and progress.
#[derive(Clone, Default)]
pub struct AuditContext {
    /// Cancelled by the caller to stop the audit.
    pub cancel: CancellationToken,
    /// Called at each stage.
    pub progress: Option<ProgressFn>,
}

impl AuditContext {
    pub(crate) fn report(&self, stage: Stage) {
        if let Some(p) = &self.progress {
            p(stage);
        }
    }
}
