//! Domain age by RDAP against a local registry: bootstrap, registration event, not found,
//! slow and malformed services, caches and the SSRF guard.

#![allow(clippy::unwrap_used)]

mod domain_support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use domain_support::{fixture, local_config, RdapServer, Reply, WhoisServer};
use futures::future::BoxFuture;
use lead_audit_core::domain::{DomainCache, DomainConfig, DomainLookup};
use lead_audit_core::{DomainInfo, DomainSource};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn assert_age(info: &DomainInfo) {
    let days = (Utc::now() - info.registered_at.unwrap()).num_days();
    let age = info.age_days.unwrap();
    assert!(age == days || age == days - 1, "age {age} vs {days} days");
}

async fn com_registry() -> RdapServer {
    let rdap = RdapServer::start(&["com", "net"]).await;
    rdap.answer(
        "corner-bakery-shop.com",
        Reply::Body(200, fixture("rdap_verisign_com.json")),
    );
    rdap
}

#[tokio::test]
async fn registration_event_gives_the_date_of_the_registrable_domain() {
    let rdap = com_registry().await;
    let dir = tempfile::tempdir().unwrap();
    let lookup = DomainLookup::new(local_config(&rdap, &[], dir.path())).unwrap();

    let info = lookup
        .lookup("www.shop.Corner-Bakery-Shop.com")
        .await
        .unwrap();
    assert_eq!(info.name, "corner-bakery-shop.com");
    assert_eq!(info.registered_at, Some(at("2001-05-14T04:00:00Z")));
    assert_eq!(info.source, Some(DomainSource::Rdap));
    assert_age(&info);
    assert_eq!(rdap.queries(), vec!["corner-bakery-shop.com"]);

    let json = serde_json::to_value(&info).unwrap();
    assert_eq!(json["registeredAt"], "2001-05-14T04:00:00Z");
    assert_eq!(json["source"], "rdap");
}

#[tokio::test]
async fn addresses_and_local_names_have_no_domain() {
    let rdap = com_registry().await;
    let dir = tempfile::tempdir().unwrap();
    let lookup = DomainLookup::new(local_config(&rdap, &[], dir.path())).unwrap();
    assert_eq!(lookup.lookup("127.0.0.1").await, None);
    assert_eq!(lookup.lookup("[::1]").await, None);
    assert_eq!(lookup.lookup("localhost").await, None);
    assert_eq!(lookup.lookup("mybiz.github.io").await, None);
    assert!(rdap.queries().is_empty());
    assert_eq!(rdap.bootstrap_fetches(), 0);
}

#[tokio::test]
async fn not_found_is_an_answer_without_a_date() {
    let rdap = com_registry().await;
    let dir = tempfile::tempdir().unwrap();
    let lookup = DomainLookup::new(local_config(&rdap, &[], dir.path())).unwrap();
    let info = lookup.lookup("never-registered-shop.com").await.unwrap();
    assert_eq!(info.registered_at, None);
    assert_eq!(info.age_days, None);
    assert_eq!(info.source, Some(DomainSource::Rdap));
}

#[tokio::test]
async fn slow_service_times_out_to_no_date() {
    let rdap = com_registry().await;
    rdap.answer("slow-registry-shop.com", Reply::Stall);
    let dir = tempfile::tempdir().unwrap();
    let config = DomainConfig {
        timeout: Duration::from_millis(300),
        ..local_config(&rdap, &[], dir.path())
    };
    let lookup = DomainLookup::new(config).unwrap();
    let info = lookup.lookup("slow-registry-shop.com").await.unwrap();
    assert_eq!(
        info,
        DomainInfo {
            name: "slow-registry-shop.com".into(),
            registered_at: None,
            age_days: None,
            source: None,
        }
    );
}

#[tokio::test]
async fn whole_lookup_is_bounded_too() {
    let rdap = com_registry().await;
    rdap.answer("slow-registry-shop.com", Reply::Stall);
    let dir = tempfile::tempdir().unwrap();
    let config = DomainConfig {
        lookup_timeout: Duration::from_millis(300),
        ..local_config(&rdap, &[], dir.path())
    };
    let info = DomainLookup::new(config)
        .unwrap()
        .lookup("slow-registry-shop.com")
        .await
        .unwrap();
    assert_eq!((info.registered_at, info.source), (None, None));
}

#[tokio::test]
async fn malformed_body_falls_back_to_whois() {
    let rdap = com_registry().await;
    rdap.answer(
        "broken-body.com",
        Reply::Body(200, fixture("rdap_malformed.json")),
    );
    let whois = WhoisServer::start().await;
    whois.answer(
        "broken-body.com",
        Reply::Body(
            0,
            fixture("whois_verisign_com.txt").replace("{REGISTRAR}", "whois.registrar.test"),
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let lookup =
        DomainLookup::new(local_config(&rdap, &[("com", whois.addr)], dir.path())).unwrap();
    let info = lookup.lookup("broken-body.com").await.unwrap();
    assert_eq!(info.registered_at, Some(at("2001-05-14T04:00:00Z")));
    assert_eq!(info.source, Some(DomainSource::Whois));
    assert_eq!(whois.queries(), vec!["broken-body.com"]);
}

#[tokio::test]
async fn malformed_body_without_fallback_is_a_failed_lookup() {
    let rdap = com_registry().await;
    rdap.answer(
        "html-error.com",
        Reply::Raw(b"<html><h1>502 Bad Gateway</h1></html>".to_vec()),
    );
    rdap.answer(
        "quiet-registry.com",
        Reply::Body(200, fixture("rdap_no_registration_event.json")),
    );
    let dir = tempfile::tempdir().unwrap();
    let config = DomainConfig {
        whois: false,
        ..local_config(&rdap, &[], dir.path())
    };
    let lookup = DomainLookup::new(config).unwrap();
    let broken = lookup.lookup("html-error.com").await.unwrap();
    assert_eq!((broken.registered_at, broken.source), (None, None));
    // A well-formed record without a registration event is an answer, just without a date.
    let quiet = lookup.lookup("quiet-registry.com").await.unwrap();
    assert_eq!(
        (quiet.registered_at, quiet.source),
        (None, Some(DomainSource::Rdap))
    );
}

#[tokio::test]
async fn bootstrap_is_cached_on_disk_between_instances() {
    let rdap = com_registry().await;
    let dir = tempfile::tempdir().unwrap();
    let first = DomainLookup::new(local_config(&rdap, &[], dir.path())).unwrap();
    assert!(first
        .lookup("corner-bakery-shop.com")
        .await
        .unwrap()
        .registered_at
        .is_some());
    assert_eq!(rdap.bootstrap_fetches(), 1);
    let cached: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        cached.len() == 1 && cached[0].starts_with("rdap-dns-") && cached[0].ends_with(".json"),
        "{cached:?}"
    );

    // A new process (here: a new instance) reads the disk copy instead of fetching.
    let second = DomainLookup::new(local_config(&rdap, &[], dir.path())).unwrap();
    assert!(second
        .lookup("corner-bakery-shop.com")
        .await
        .unwrap()
        .registered_at
        .is_some());
    assert_eq!(rdap.bootstrap_fetches(), 1);

    // Past the refresh interval it is fetched again.
    let config = DomainConfig {
        bootstrap_refresh: Duration::ZERO,
        ..local_config(&rdap, &[], dir.path())
    };
    let third = DomainLookup::new(config).unwrap();
    assert!(third
        .lookup("corner-bakery-shop.com")
        .await
        .unwrap()
        .registered_at
        .is_some());
    assert_eq!(rdap.bootstrap_fetches(), 2);
}

#[tokio::test]
async fn bootstrap_from_a_file() {
    let rdap = com_registry().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dns.json");
    std::fs::write(&file, rdap.bootstrap_json()).unwrap();
    let path = file.to_string_lossy().into_owned();
    let mut config = local_config(&rdap, &[], dir.path());
    config.rdap_bootstrap.clone_from(&path);
    let info = DomainLookup::new(config)
        .unwrap()
        .lookup("corner-bakery-shop.com")
        .await
        .unwrap();
    assert_eq!(info.registered_at, Some(at("2001-05-14T04:00:00Z")));
    assert_eq!(rdap.bootstrap_fetches(), 0);
}

#[tokio::test]
async fn unreachable_bootstrap_leaves_whois() {
    let rdap = com_registry().await;
    let whois = WhoisServer::start().await;
    whois.answer(
        "corner-bakery-shop.com",
        Reply::Body(
            0,
            fixture("whois_verisign_com.txt").replace("{REGISTRAR}", "whois.registrar.test"),
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let config = DomainConfig {
        rdap_bootstrap: format!("http://{}/missing/dns.json", rdap.addr),
        ..local_config(&rdap, &[("com", whois.addr)], dir.path())
    };
    let info = DomainLookup::new(config)
        .unwrap()
        .lookup("corner-bakery-shop.com")
        .await
        .unwrap();
    assert_eq!(info.source, Some(DomainSource::Whois));
    assert_eq!(info.registered_at, Some(at("2001-05-14T04:00:00Z")));
}

#[tokio::test]
async fn memory_cache_and_concurrent_lookups_ask_once() {
    let rdap = com_registry().await;
    let dir = tempfile::tempdir().unwrap();
    let lookup = DomainLookup::new(local_config(&rdap, &[], dir.path())).unwrap();
    let hosts = [
        "corner-bakery-shop.com",
        "www.corner-bakery-shop.com",
        "shop.corner-bakery-shop.com",
    ];
    let all = futures::future::join_all(hosts.iter().map(|h| lookup.lookup(h))).await;
    let again = lookup.clone().lookup("corner-bakery-shop.com").await;
    for info in all.into_iter().chain([again]) {
        assert_eq!(
            info.unwrap().registered_at,
            Some(at("2001-05-14T04:00:00Z"))
        );
    }
    assert_eq!(rdap.queries().len(), 1);
    assert_eq!(rdap.bootstrap_fetches(), 1);
}

#[tokio::test]
async fn failed_lookups_are_retried_after_their_ttl() {
    let rdap = com_registry().await;
    rdap.answer("flaky-shop.com", Reply::Raw(b"garbage".to_vec()));
    let dir = tempfile::tempdir().unwrap();
    let config = DomainConfig {
        whois: false,
        failure_ttl: Duration::ZERO,
        ..local_config(&rdap, &[], dir.path())
    };
    let lookup = DomainLookup::new(config).unwrap();
    assert_eq!(lookup.lookup("flaky-shop.com").await.unwrap().source, None);
    rdap.answer(
        "flaky-shop.com",
        Reply::Body(200, fixture("rdap_verisign_com.json")),
    );
    let info = lookup.lookup("flaky-shop.com").await.unwrap();
    assert_eq!(info.source, Some(DomainSource::Rdap));
    assert_eq!(rdap.queries().len(), 2);
}

/// A store as the store crate might provide it: a map behind the async trait.
#[derive(Default)]
struct MapStore {
    map: Mutex<HashMap<String, DomainInfo>>,
}

impl DomainCache for MapStore {
    fn get<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Option<DomainInfo>> {
        Box::pin(async move { self.map.lock().unwrap().get(name).cloned() })
    }
    fn put<'a>(&'a self, info: &'a DomainInfo) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            self.map
                .lock()
                .unwrap()
                .insert(info.name.clone(), info.clone());
        })
    }
}

#[tokio::test]
async fn store_cache_is_filled_and_then_used() {
    let rdap = com_registry().await;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MapStore::default());
    let config = DomainConfig {
        cache: Some(store.clone()),
        ..local_config(&rdap, &[], dir.path())
    };
    let first = DomainLookup::new(config.clone()).unwrap();
    first.lookup("corner-bakery-shop.com").await.unwrap();
    first.lookup("slow-or-absent.com").await.unwrap();
    {
        let map = store.map.lock().unwrap();
        assert_eq!(
            map["corner-bakery-shop.com"].registered_at,
            Some(at("2001-05-14T04:00:00Z"))
        );
        assert!(
            map.contains_key("slow-or-absent.com"),
            "a not-found answer is kept too"
        );
    }
    assert_eq!(rdap.queries().len(), 2);

    // Another instance (a worker restart) finds the answer in the store.
    let second = DomainLookup::new(config).unwrap();
    let info = second.lookup("www.corner-bakery-shop.com").await.unwrap();
    assert_eq!(info.registered_at, Some(at("2001-05-14T04:00:00Z")));
    assert_age(&info);
    assert_eq!(rdap.queries().len(), 2);
}

#[tokio::test]
async fn guard_refuses_loopback_registries_by_default() {
    let rdap = com_registry().await;
    let whois = WhoisServer::start().await;
    whois.answer(
        "corner-bakery-shop.com",
        Reply::Body(0, fixture("whois_verisign_com.txt")),
    );
    let dir = tempfile::tempdir().unwrap();
    let config = DomainConfig {
        allow_private_networks: false,
        ..local_config(&rdap, &[("com", whois.addr)], dir.path())
    };
    let info = DomainLookup::new(config)
        .unwrap()
        .lookup("corner-bakery-shop.com")
        .await
        .unwrap();
    assert_eq!((info.registered_at, info.source), (None, None));
    assert_eq!(rdap.bootstrap_fetches(), 0);
    assert!(rdap.queries().is_empty());
    assert!(whois.queries().is_empty());

    // A public bootstrap naming a loopback service is refused at the service.
    let file = dir.path().join("dns.json");
    std::fs::write(&file, rdap.bootstrap_json()).unwrap();
    let config = DomainConfig {
        allow_private_networks: false,
        whois: false,
        rdap_bootstrap: file.to_string_lossy().into_owned(),
        ..local_config(&rdap, &[], dir.path())
    };
    let info = DomainLookup::new(config)
        .unwrap()
        .lookup("corner-bakery-shop.com")
        .await
        .unwrap();
    assert_eq!(info.source, None);
    assert!(rdap.queries().is_empty());
}

#[tokio::test]
async fn resolve_overrides_reach_a_named_registry() {
    let rdap = com_registry().await;
    let dir = tempfile::tempdir().unwrap();
    // The bootstrap names the service by host name; --resolve pins it to the fixture.
    let file = dir.path().join("dns.json");
    let json = rdap
        .bootstrap_json()
        .replace(&rdap.addr.ip().to_string(), "rdap.registry.test");
    std::fs::write(&file, json).unwrap();
    let config = DomainConfig {
        rdap_bootstrap: file.to_string_lossy().into_owned(),
        resolve: vec![("rdap.registry.test".into(), rdap.addr)],
        ..local_config(&rdap, &[], dir.path())
    };
    let info = DomainLookup::new(config)
        .unwrap()
        .lookup("corner-bakery-shop.com")
        .await
        .unwrap();
    assert_eq!(info.registered_at, Some(at("2001-05-14T04:00:00Z")));
}
