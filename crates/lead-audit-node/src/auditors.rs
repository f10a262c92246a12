//! One `Auditor` per distinct options, built once and shared by every call: the HTTP
//! client, the fingerprint set (a `fingerprints` dataset is read and compiled once) and the
//! browser pool are reused across leads.

use std::collections::VecDeque;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use lead_audit_browser::{BrowserConfig, BrowserPool};
use lead_audit_core::{AuditOptions, Auditor, BrowserMode};
use tokio::sync::OnceCell;

use crate::error::{ApiError, ApiResult};

/// Distinct option sets kept; a program that varies options per call (a user agent per
/// customer, say) rebuilds the oldest instead of growing without bound.
const CAPACITY: usize = 16;

type Slot = Arc<OnceCell<Auditor>>;

static CACHE: LazyLock<Mutex<VecDeque<(String, Slot)>>> = LazyLock::new(Mutex::default);

/// The auditor for `options`, built on a blocking thread the first time they are seen.
/// Concurrent first calls with the same options wait for one build.
pub async fn auditor(options: AuditOptions) -> ApiResult<Auditor> {
    let key = format!("{options:?}");
    let slot = {
        let mut cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
        match cache.iter().find(|(k, _)| *k == key) {
            Some((_, slot)) => slot.clone(),
            None => {
                if cache.len() >= CAPACITY {
                    cache.pop_front();
                }
                let slot = Slot::default();
                cache.push_back((key, slot.clone()));
                slot
            }
        }
    };
    slot.get_or_try_init(|| async move {
        tokio::task::spawn_blocking(move || build(options))
            .await
            .map_err(|e| ApiError::internal(format!("building the auditor: {e}")))?
    })
    .await
    .cloned()
}

fn build(options: AuditOptions) -> ApiResult<Auditor> {
    let browser = (options.browser != BrowserMode::Never).then(|| BrowserConfig {
        allow_private_networks: options.allow_private_networks,
        user_agent: Some(options.user_agent.clone()),
        ..BrowserConfig::default()
    });
    let auditor = Auditor::new(options)?;
    // The pool starts nothing until a page needs rendering.
    Ok(match browser {
        Some(config) => auditor.with_renderer(Arc::new(BrowserPool::new(config))),
        None => auditor,
    })
}
