//! Domain age by WHOIS against local port-43 servers in real registries' formats: Verisign's
//! thin .com with a registrar referral, Nominet (.uk) and NASK (.pl) dates, IANA's directory,
//! not found, slow and malformed answers.

#![allow(clippy::unwrap_used)]

mod domain_support;

use std::time::Duration;

use chrono::{DateTime, Utc};
use domain_support::{fixture, local_config, RdapServer, Reply, WhoisServer};
use lead_audit_core::domain::{DomainConfig, DomainLookup};
use lead_audit_core::{DomainInfo, DomainSource};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// An RDAP bootstrap that serves none of the TLDs below, so WHOIS answers.
async fn no_rdap() -> RdapServer {
    RdapServer::start(&["test-rdap-only"]).await
}

async fn lookup_with(whois: &[(&str, &WhoisServer)], timeout: Duration, host: &str) -> DomainInfo {
    let rdap = no_rdap().await;
    let dir = tempfile::tempdir().unwrap();
    let map: Vec<_> = whois.iter().map(|(tld, s)| (*tld, s.addr)).collect();
    let config = DomainConfig {
        timeout,
        ..local_config(&rdap, &map, dir.path())
    };
    DomainLookup::new(config)
        .unwrap()
        .lookup(host)
        .await
        .unwrap()
}

async fn lookup(whois: &[(&str, &WhoisServer)], host: &str) -> DomainInfo {
    lookup_with(whois, Duration::from_secs(5), host).await
}

#[tokio::test]
async fn verisign_record_with_date_needs_no_referral() {
    let registry = WhoisServer::start().await;
    let registrar = WhoisServer::start().await;
    let text =
        fixture("whois_verisign_com.txt").replace("{REGISTRAR}", &registrar.addr.to_string());
    registry.answer("corner-bakery-shop.com", Reply::Body(0, text));

    let info = lookup(&[("com", &registry)], "www.corner-bakery-shop.com").await;
    assert_eq!(info.name, "corner-bakery-shop.com");
    assert_eq!(info.registered_at, Some(at("2001-05-14T04:00:00Z")));
    assert_eq!(info.source, Some(DomainSource::Whois));
    assert!(info.age_days.unwrap() > 365 * 20);
    assert!(
        registrar.queries().is_empty(),
        "the registry's date is enough"
    );
}

#[tokio::test]
async fn thin_record_refers_to_the_registrar() {
    let registry = WhoisServer::start().await;
    let registrar = WhoisServer::start().await;
    let referral = registrar.addr.to_string();
    registry.answer(
        "thin-record-shop.com",
        Reply::Body(
            0,
            fixture("whois_thin_registry.txt").replace("{REGISTRAR}", &referral),
        ),
    );
    registrar.answer(
        "thin-record-shop.com",
        Reply::Body(
            0,
            fixture("whois_registrar.txt").replace("{REGISTRAR}", &referral),
        ),
    );
    let info = lookup(&[("com", &registry)], "thin-record-shop.com").await;
    assert_eq!(info.registered_at, Some(at("2024-06-03T15:26:09Z")));
    assert_eq!(info.source, Some(DomainSource::Whois));
    assert_eq!(registry.queries(), vec!["thin-record-shop.com"]);
    assert_eq!(registrar.queries(), vec!["thin-record-shop.com"]);
}

#[tokio::test]
async fn referral_loops_end() {
    let registry = WhoisServer::start().await;
    let text =
        fixture("whois_thin_registry.txt").replace("{REGISTRAR}", &registry.addr.to_string());
    registry.answer("thin-record-shop.com", Reply::Body(0, text));
    let info = lookup(&[("com", &registry)], "thin-record-shop.com").await;
    assert_eq!((info.registered_at, info.source), (None, None));
    assert_eq!(registry.queries().len(), 1);
}

#[tokio::test]
async fn nominet_dates() {
    let nominet = WhoisServer::start().await;
    nominet.answer(
        "high-street-florist.co.uk",
        Reply::Body(0, fixture("whois_nominet_uk.txt")),
    );
    nominet.answer(
        "old-firm.co.uk",
        Reply::Body(0, fixture("whois_nominet_uk_old.txt")),
    );
    let info = lookup(&[("uk", &nominet)], "www.high-street-florist.co.uk").await;
    assert_eq!(info.name, "high-street-florist.co.uk");
    assert_eq!(info.registered_at, Some(at("2001-05-14T00:00:00Z")));
    assert_eq!(info.source, Some(DomainSource::Whois));
    let old = lookup(&[("uk", &nominet)], "old-firm.co.uk").await;
    assert_eq!(old.registered_at, Some(at("1996-08-01T00:00:00Z")));
}

#[tokio::test]
async fn nask_dotted_dates() {
    let nask = WhoisServer::start().await;
    nask.answer(
        "piekarnia-przyklad.pl",
        Reply::Body(0, fixture("whois_dns_pl.txt")),
    );
    let info = lookup(&[("pl", &nask)], "piekarnia-przyklad.pl").await;
    assert_eq!(info.registered_at, Some(at("2001-05-14T13:00:00Z")));
}

#[tokio::test]
async fn directory_points_to_the_registry() {
    let directory = WhoisServer::start().await;
    let nask = WhoisServer::start().await;
    directory.answer(
        "pl",
        Reply::Body(
            0,
            fixture("whois_iana_directory.txt").replace("{REGISTRY}", &nask.addr.to_string()),
        ),
    );
    nask.answer(
        "piekarnia-przyklad.pl",
        Reply::Body(0, fixture("whois_dns_pl.txt")),
    );
    let info = lookup(&[("*", &directory)], "piekarnia-przyklad.pl").await;
    // The directory's own "created: 1990-07-30" is the TLD's, not the domain's.
    assert_eq!(info.registered_at, Some(at("2001-05-14T13:00:00Z")));
    assert_eq!(directory.queries(), vec!["pl"]);
    assert_eq!(nask.queries(), vec!["piekarnia-przyklad.pl"]);
}

#[tokio::test]
async fn not_found_is_an_answer_without_a_date() {
    let registry = WhoisServer::start().await;
    let nominet = WhoisServer::start().await;
    registry.answer(
        "never-registered-shop.com",
        Reply::Body(0, fixture("whois_verisign_not_found.txt")),
    );
    nominet.answer(
        "vanished-shop.co.uk",
        Reply::Body(0, fixture("whois_nominet_uk_not_found.txt")),
    );
    let com = lookup(&[("com", &registry)], "never-registered-shop.com").await;
    assert_eq!(
        (com.registered_at, com.source),
        (None, Some(DomainSource::Whois))
    );
    let uk = lookup(&[("uk", &nominet)], "vanished-shop.co.uk").await;
    assert_eq!(
        (uk.registered_at, uk.source),
        (None, Some(DomainSource::Whois))
    );
}

#[tokio::test]
async fn slow_server_times_out_to_no_date() {
    let slow = WhoisServer::start().await;
    slow.answer("corner-bakery-shop.com", Reply::Stall);
    let info = lookup_with(
        &[("com", &slow)],
        Duration::from_millis(300),
        "corner-bakery-shop.com",
    )
    .await;
    assert_eq!(
        (info.registered_at, info.age_days, info.source),
        (None, None, None)
    );
    assert_eq!(slow.queries(), vec!["corner-bakery-shop.com"]);
}

#[tokio::test]
async fn malformed_answers_are_failed_lookups() {
    let server = WhoisServer::start().await;
    server.answer(
        "binary-junk.com",
        Reply::Raw(vec![0, 159, 146, 150, 255, 10, 13, 0]),
    );
    server.answer(
        "bad-date.com",
        Reply::Body(
            0,
            "Domain Name: BAD-DATE.COM\nCreation Date: sometime last spring\n".into(),
        ),
    );
    for host in ["binary-junk.com", "bad-date.com", "silent-close.com"] {
        let info = lookup(&[("com", &server)], host).await;
        assert_eq!((info.registered_at, info.source), (None, None), "{host}");
    }
}

#[tokio::test]
async fn server_map_from_a_file() {
    let nominet = WhoisServer::start().await;
    nominet.answer(
        "high-street-florist.co.uk",
        Reply::Body(0, fixture("whois_nominet_uk.txt")),
    );
    let rdap = no_rdap().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("whois.json");
    std::fs::write(&file, format!(r#"{{"uk": "{}"}}"#, nominet.addr)).unwrap();
    let mut config = local_config(&rdap, &[], dir.path());
    config
        .whois_servers
        .extend(lead_audit_core::domain::load_whois_servers(&file).unwrap());
    let info = DomainLookup::new(config)
        .unwrap()
        .lookup("high-street-florist.co.uk")
        .await
        .unwrap();
    assert_eq!(info.registered_at, Some(at("2001-05-14T00:00:00Z")));
}
