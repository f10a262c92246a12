//! Lookup results kept per registrable domain: in memory, and in a store when one is given.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;

use crate::result::DomainInfo;

/// A persistent cache of lookups a store may provide (e.g. a table keyed by domain name).
/// Errors are the store's to log: `get` answers `None`, `put` gives up quietly.
pub trait DomainCache: Send + Sync {
    /// A stored result for the registrable domain `name`, if still worth using.
    fn get<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Option<DomainInfo>>;
    /// Keeps a successful lookup.
    fn put<'a>(&'a self, info: &'a DomainInfo) -> BoxFuture<'a, ()>;
}

#[derive(Debug)]
struct Entry {
    info: DomainInfo,
    expires: Instant,
    seq: u64,
}

#[derive(Debug, Default)]
struct State {
    map: HashMap<String, Entry>,
    /// Insertion order, for eviction; stale pairs (re-inserted keys) are skipped.
    order: VecDeque<(u64, String)>,
    seq: u64,
}

/// A bounded in-memory cache with a time to live, shorter for failed lookups so a registry
/// outage is retried soon while answers are reused for a long time.
#[derive(Debug)]
pub(crate) struct MemoryCache {
    capacity: usize,
    ttl: Duration,
    failure_ttl: Duration,
    state: Mutex<State>,
}

impl MemoryCache {
    pub(crate) fn new(capacity: usize, ttl: Duration, failure_ttl: Duration) -> Self {
        Self {
            capacity,
            ttl,
            failure_ttl,
            state: Mutex::new(State::default()),
        }
    }

    pub(crate) fn get(&self, name: &str) -> Option<DomainInfo> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match state.map.get(name) {
            Some(e) if e.expires > Instant::now() => Some(e.info.clone()),
            Some(_) => {
                state.map.remove(name);
                None
            }
            None => None,
        }
    }

    pub(crate) fn put(&self, info: &DomainInfo) {
        if self.capacity == 0 {
            return;
        }
        let ttl = if info.source.is_some() {
            self.ttl
        } else {
            self.failure_ttl
        };
        let now = Instant::now();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.map.len() >= self.capacity && !state.map.contains_key(&info.name) {
            state.map.retain(|_, e| e.expires > now);
            while state.map.len() >= self.capacity {
                let Some((seq, key)) = state.order.pop_front() else {
                    break;
                };
                if state.map.get(&key).is_some_and(|e| e.seq == seq) {
                    state.map.remove(&key);
                }
            }
        }
        state.seq += 1;
        let seq = state.seq;
        state.order.push_back((seq, info.name.clone()));
        state.map.insert(
            info.name.clone(),
            Entry {
                info: info.clone(),
                expires: now + ttl,
                seq,
            },
        );
        // Keep the order queue from outgrowing the map when keys are re-inserted often.
        if state.order.len() > 2 * self.capacity + 16 {
            let State { map, order, .. } = &mut *state;
            order.retain(|(seq, key)| map.get(key).is_some_and(|e| e.seq == *seq));
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.state.lock().map(|s| s.map.len()).unwrap_or(0)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::result::DomainSource;

    fn info(name: &str, ok: bool) -> DomainInfo {
        DomainInfo {
            name: name.into(),
            registered_at: None,
            age_days: None,
            source: ok.then_some(DomainSource::Rdap),
        }
    }

    #[test]
    fn bounded_oldest_first() {
        let cache = MemoryCache::new(2, Duration::from_secs(60), Duration::from_secs(60));
        cache.put(&info("a.com", true));
        cache.put(&info("b.com", true));
        cache.put(&info("c.com", true));
        assert_eq!(cache.len(), 2);
        assert!(cache.get("a.com").is_none());
        assert!(cache.get("b.com").is_some());
        assert!(cache.get("c.com").is_some());
        // Re-inserting a key does not evict another.
        cache.put(&info("c.com", true));
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn failures_expire_on_their_own_clock() {
        let cache = MemoryCache::new(10, Duration::from_secs(60), Duration::ZERO);
        cache.put(&info("ok.com", true));
        cache.put(&info("failed.com", false));
        assert!(cache.get("ok.com").is_some());
        assert!(cache.get("failed.com").is_none());
    }

    #[test]
    fn zero_capacity_keeps_nothing() {
        let cache = MemoryCache::new(0, Duration::from_secs(60), Duration::from_secs(60));
        cache.put(&info("a.com", true));
        assert!(cache.get("a.com").is_none());
    }
}
