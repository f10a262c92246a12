//! Delivery of finished audits to the backend (`BACKEND_URL`), off the job's path.
//!
//! Jobs hand results to a bounded channel and move on; one task POSTs them with retries.
//! A backend that is down loses nothing the queue needs: the result is the job's
//! `returnvalue` too.

use std::time::Duration;

use serde_json::Value;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use url::Url;

use crate::metrics::{Metrics, OutcomeLabel};

/// Results waiting for delivery before new ones are dropped (and counted).
const BACKLOG: usize = 10_000;
/// Tries per result.
const TRIES: u32 = 6;

/// The sending side, held by the job glue.
#[derive(Clone)]
pub struct Backend {
    tx: mpsc::Sender<Value>,
    metrics: Metrics,
}

/// The delivery task; [`Poster::finish`] waits for the backlog to drain.
pub struct Poster {
    handle: JoinHandle<()>,
}

impl Backend {
    /// Starts the delivery task POSTing to `url` (with `token` as bearer, if any).
    pub fn start(url: Url, token: Option<String>, metrics: Metrics) -> (Self, Poster) {
        let (tx, rx) = mpsc::channel(BACKLOG);
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .user_agent(concat!("lead-audit-worker/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        let handle = tokio::spawn(deliver(rx, client, url, token, metrics.clone()));
        (Self { tx, metrics }, Poster { handle })
    }

    /// Queues a result for delivery; never waits.
    pub fn send(&self, result: Value) {
        if self.tx.try_send(result).is_err() {
            tracing::warn!(
                "backend backlog full: result not POSTed (it stays in the job's returnvalue)"
            );
            self.metrics
                .backend
                .get_or_create(&OutcomeLabel { outcome: "dropped" })
                .inc();
        }
    }
}

impl Poster {
    /// Waits up to `timeout` for queued results to be delivered, after every
    /// [`Backend`] clone is dropped.
    pub async fn finish(self, timeout: Duration) {
        if tokio::time::timeout(timeout, self.handle).await.is_err() {
            tracing::warn!("backend deliveries still pending at shutdown were abandoned");
        }
    }
}

async fn deliver(
    mut rx: mpsc::Receiver<Value>,
    client: reqwest::Client,
    url: Url,
    token: Option<String>,
    metrics: Metrics,
) {
    while let Some(result) = rx.recv().await {
        let mut delay = Duration::from_millis(250);
        let mut outcome = "gave_up";
        for attempt in 1..=TRIES {
            let mut req = client.post(url.clone()).json(&result);
            if let Some(t) = &token {
                req = req.bearer_auth(t);
            }
            match req.send().await {
                Ok(r) if r.status().is_success() => {
                    outcome = "delivered";
                    break;
                }
                // A 4xx other than 408/429 will not change on retry.
                Ok(r)
                    if r.status().is_client_error()
                        && !matches!(r.status().as_u16(), 408 | 429) =>
                {
                    tracing::warn!(status = %r.status(), "backend refused an audit result");
                    break;
                }
                Ok(r) => tracing::warn!(status = %r.status(), attempt, "backend POST failed"),
                Err(e) => tracing::warn!(error = %e, attempt, "backend POST failed"),
            }
            if attempt < TRIES {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(30));
            }
        }
        metrics
            .backend
            .get_or_create(&OutcomeLabel { outcome })
            .inc();
    }
}

/// The URL results are POSTed to: `base` joined with `path`.
pub fn endpoint(base: &Url, path: &str) -> Result<Url, url::ParseError> {
    let mut base = base.clone();
    let joined = format!(
        "{}/{}",
        base.path().trim_end_matches('/'),
        path.trim_start_matches('/')
    );
    base.set_path(&joined);
    Ok(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_joins_base_path_and_path() {
        let base = Url::parse("http://api.local:3000/v1/").expect("url");
        assert_eq!(
            endpoint(&base, "/lead-audits").expect("joins").as_str(),
            "http://api.local:3000/v1/lead-audits"
        );
    }
}
