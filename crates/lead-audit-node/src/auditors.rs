//! One `Auditor` per distinct settings, built once and shared by every call: the HTTP
//! client, the fingerprint set (a `fingerprints` dataset is read and compiled once) and the
//! browser pool are reused across leads.

use std::collections::VecDeque;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use lead_audit_app::{AuditSettings, DomainSettings};
use lead_audit_core::Auditor;
use serde::Serialize;
use tokio::sync::OnceCell;

use crate::error::{ApiError, ApiResult};
use crate::options::AuditOptions;

/// Distinct option sets kept; a program that varies options per call (a user agent per
/// customer, say) rebuilds the oldest instead of growing without bound.
const CAPACITY: usize = 16;

/// What an auditor is built from, as text that is equal exactly when the inputs are: the
/// `auditLead` options serialized field by field in their declaration order (whatever order
/// the JS object had its keys in; no field is a map), then the domain-lookup locations read
/// from the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key(String);

impl Key {
    /// The key of `options` with the domain-lookup locations of `domain`.
    pub fn new(options: &AuditOptions, domain: &DomainSettings) -> ApiResult<Self> {
        #[derive(Serialize)]
        struct Parts<'a> {
            options: &'a AuditOptions,
            rdap_bootstrap: Option<&'a str>,
            whois_servers: Option<std::borrow::Cow<'a, str>>,
            cache_dir: Option<std::borrow::Cow<'a, str>>,
        }
        let parts = Parts {
            options,
            rdap_bootstrap: domain.rdap_bootstrap.as_deref(),
            whois_servers: domain.whois_servers.as_deref().map(|p| p.to_string_lossy()),
            cache_dir: domain.cache_dir.as_deref().map(|p| p.to_string_lossy()),
        };
        serde_json::to_string(&parts)
            .map(Self)
            .map_err(|e| ApiError::internal(format!("the options' cache key: {e}")))
    }
}

type Slot = Arc<OnceCell<Auditor>>;

/// The most recently added option sets and their auditors.
#[derive(Default)]
struct Cache(Mutex<VecDeque<(Key, Slot)>>);

impl Cache {
    /// The slot for `key`, new (and the oldest dropped when full) if the key is not kept.
    fn slot(&self, key: Key) -> Slot {
        let mut slots = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, slot)) = slots.iter().find(|(k, _)| *k == key) {
            return slot.clone();
        }
        if slots.len() >= CAPACITY {
            slots.pop_front();
        }
        let slot = Slot::default();
        slots.push_back((key, slot.clone()));
        slot
    }
}

static CACHE: LazyLock<Cache> = LazyLock::new(Cache::default);

/// The auditor for `key`, built from `settings` on a blocking thread the first time the key
/// is seen (the browser pool starts nothing until a page needs rendering). Concurrent first
/// calls with the same key wait for one build; a failed build is not kept.
pub async fn auditor(key: Key, settings: AuditSettings) -> ApiResult<Auditor> {
    CACHE
        .slot(key)
        .get_or_try_init(|| async move {
            tokio::task::spawn_blocking(move || {
                settings
                    .build()
                    .map(|(auditor, _pool)| auditor)
                    .map_err(ApiError::from)
            })
            .await
            .map_err(|e| ApiError::internal(format!("building the auditor: {e}")))?
        })
        .await
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(json: &str) -> Key {
        let options: AuditOptions = serde_json::from_str(json).expect("options");
        Key::new(&options, &DomainSettings::default()).expect("a key")
    }

    #[test]
    fn equal_options_in_any_key_order_share_an_entry() {
        let a = key(r#"{"timeout": 5, "maxPages": 2, "score": {"hotThreshold": 70, "phone": 1}}"#);
        let b = key(r#"{"score": {"phone": 1, "hotThreshold": 70}, "maxPages": 2, "timeout": 5}"#);
        assert_eq!(a, b);
        let cache = Cache::default();
        assert!(Arc::ptr_eq(&cache.slot(a), &cache.slot(b)));
        assert_ne!(key(r#"{"timeout": 5}"#), key(r#"{"timeout": 6}"#));
    }

    #[test]
    fn the_domain_locations_are_part_of_the_key() {
        let options = AuditOptions::default();
        let other = DomainSettings {
            rdap_bootstrap: Some("http://127.0.0.1:9/dns.json".into()),
            ..DomainSettings::default()
        };
        assert_ne!(
            Key::new(&options, &DomainSettings::default()).expect("a key"),
            Key::new(&options, &other).expect("a key")
        );
    }

    #[test]
    fn the_oldest_entry_goes_first() {
        let cache = Cache::default();
        let first = cache.slot(key(r#"{"timeout": 1}"#));
        for n in 2..=CAPACITY + 1 {
            cache.slot(key(&format!(r#"{{"timeout": {n}}}"#)));
        }
        assert!(!Arc::ptr_eq(&first, &cache.slot(key(r#"{"timeout": 1}"#))));
    }
}
