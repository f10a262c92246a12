//! Stand-ins for the audit, to test and benchmark the queue itself.

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{json, Value};

use crate::job::JobError;

/// A processor that does no audit (`LEAD_AUDIT_WORKER_TEST_PROCESSOR`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestProcessor {
    /// Return at once.
    Noop,
    /// Sleep this long, reporting progress half way.
    Sleep(Duration),
    /// Fail every attempt with a retryable error.
    Fail,
}

impl FromStr for TestProcessor {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "noop" => Ok(Self::Noop),
            "fail" => Ok(Self::Fail),
            _ => s
                .strip_prefix("sleep:")
                .and_then(|ms| ms.parse().ok())
                .map(|ms| Self::Sleep(Duration::from_millis(ms)))
                .ok_or_else(|| format!("test processor must be noop, sleep:MS or fail, not {s:?}")),
        }
    }
}

/// Numbers the jobs a process ran, so tests can read the processing order.
static SEQUENCE: AtomicU64 = AtomicU64::new(0);

impl TestProcessor {
    /// Runs the stand-in; the return value echoes the job data with this process's sequence
    /// number and id. A job whose data has `"fail": true` fails under every stand-in.
    pub async fn run(self, data: &Value, halfway: impl FnOnce()) -> Result<Value, JobError> {
        if data.get("fail") == Some(&Value::Bool(true)) {
            return Err(JobError::Retry(
                "test processor: the job asks to fail".into(),
            ));
        }
        match self {
            Self::Noop => {}
            Self::Sleep(d) => {
                tokio::time::sleep(d / 2).await;
                halfway();
                tokio::time::sleep(d - d / 2).await;
            }
            Self::Fail => {
                return Err(JobError::Retry(
                    "test processor: this attempt fails on purpose".into(),
                ))
            }
        }
        Ok(json!({
            "seq": SEQUENCE.fetch_add(1, Ordering::Relaxed),
            "pid": std::process::id(),
            "data": data,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_form() {
        assert_eq!("noop".parse(), Ok(TestProcessor::Noop));
        assert_eq!("fail".parse(), Ok(TestProcessor::Fail));
        assert_eq!(
            "sleep:250".parse(),
            Ok(TestProcessor::Sleep(Duration::from_millis(250)))
        );
        assert!("sleep:x".parse::<TestProcessor>().is_err());
    }
}
