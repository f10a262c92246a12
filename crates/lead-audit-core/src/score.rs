//! The points model of §4.8.

use serde::{Deserialize, Serialize};

use crate::result::{AuditResult, Score};

/// Weights and thresholds; every weight is a number of points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ScoreConfig {
    /// Points at or above which a lead is HOT.
    pub hot_threshold: i32,
    /// Points at or above which a lead is WARM.
    pub warm_threshold: i32,
}

impl Default for ScoreConfig {
    fn default() -> Self {
        Self {
            hot_threshold: 60,
            warm_threshold: 30,
        }
    }
}

impl ScoreConfig {
    /// Checks the thresholds are ordered.
    pub fn validate(&self) -> Result<(), String> {
        if self.warm_threshold > self.hot_threshold {
            return Err(format!(
                "warm threshold ({}) must not exceed hot threshold ({})",
                self.warm_threshold, self.hot_threshold
            ));
        }
        Ok(())
    }
}

/// Scores a finished result. Unreachable or uncontactable → COLD.
pub fn score(result: &AuditResult, config: &ScoreConfig) -> Score {
    let _ = (result, config);
    todo!("score helper")
}
