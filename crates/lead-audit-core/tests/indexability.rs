//! The indexability and best-practice checks end to end, against servers on 127.0.0.1: a site
//! that keeps search engines out is reported and scored for it; one that does not is not; a
//! home page that is not HTML gets none of these issues.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener};
use std::time::Duration;

use lead_audit_core::{AuditContext, AuditResult, Auditor, Lead};

mod loopback;

/// Serves `route(path)` → (headers, body) to every connection, one response each.
fn serve(route: impl Fn(&str) -> (&'static str, String) + Send + 'static) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && head.len() < 16 * 1024 {
                match stream.read(&mut byte) {
                    Ok(1) => head.push(byte[0]),
                    _ => break,
                }
            }
            let head = String::from_utf8_lossy(&head);
            let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
            let (headers, body) = route(&path);
            let status = if body.is_empty() {
                "404 Not Found"
            } else {
                "200 OK"
            };
            let response = format!(
                "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes());
            let _ = stream.shutdown(Shutdown::Write);
        }
    });
    addr
}

async fn audit(addr: SocketAddr) -> AuditResult {
    Auditor::new(loopback::options())
        .unwrap()
        .audit(
            &Lead::from_url(format!("http://{addr}/")),
            &AuditContext::default(),
        )
        .await
        .unwrap()
}

fn ids(r: &AuditResult) -> Vec<String> {
    r.audit.issues.iter().map(|i| i.id.to_string()).collect()
}

const HIDDEN_HOME: &str = r#"<html><head><title>Harbour Bakery — bread in Springfield</title>
<meta name="viewport" content="width=device-width, maximum-scale=1">
<link rel="canonical" href="https://another-bakery.example/"></head>
<body><h1>Harbour Bakery</h1><p>Call +1 415 555 0132 or write to info@harbourbakery.com</p>
<a href="/menu">Read more</a><a href="javascript:openMenu()">Menu</a></body></html>"#;

#[tokio::test]
async fn a_site_hidden_from_search_engines_is_reported_and_scored() {
    let addr = serve(|path| match path {
        "/" => (
            "Content-Type: text/html\r\nX-Robots-Tag: noindex, nofollow\r\n",
            HIDDEN_HOME.to_owned(),
        ),
        "/robots.txt" => (
            "Content-Type: text/plain\r\n",
            "User-agent: *\nDisallow: /\n".to_owned(),
        ),
        _ => ("Content-Type: text/html\r\n", String::new()),
    });
    let r = audit(addr).await;
    assert!(r.reachable, "{:?}", r.error);
    let ids = ids(&r);
    for id in [
        "noindex",
        "robots-blocks-site",
        "canonical-invalid",
        "link-text",
        "uncrawlable-links",
        "no-doctype",
        "no-charset",
        "no-lang",
        "zoom-disabled",
        "no-csp",
        "no-frame-protection",
    ] {
        assert!(ids.iter().any(|i| i == id), "{id} in {ids:?}");
    }
    assert!(!ids.iter().any(|i| i == "no-coop"), "plain http: {ids:?}");
    assert_eq!(r.audit.robots_blocks_site, Some(true));
    let noindex = r
        .audit
        .issues
        .iter()
        .find(|i| i.id.as_str() == "noindex")
        .unwrap();
    assert!(
        noindex.message.contains("X-Robots-Tag: noindex, nofollow"),
        "{}",
        noindex.message
    );
    assert!(
        r.score
            .reasons
            .iter()
            .any(|l| l == "+15 hidden from search engines (noindex, robots.txt disallows /)"),
        "{:#?}",
        r.score.reasons
    );
}

#[tokio::test]
async fn a_well_kept_site_raises_none_of_them() {
    let addr = serve(|path| match path {
        "/" => (
            "Content-Type: text/html; charset=utf-8\r\n\
             Content-Security-Policy: default-src 'self'; frame-ancestors 'self'\r\n",
            r#"<!DOCTYPE html><html lang="en"><head><title>Harbour Bakery</title>
                <meta name="robots" content="index, follow">
                <link rel="canonical" href="/"></head>
                <body><a href="/menu">Our bread and cakes</a></body></html>"#
                .to_owned(),
        ),
        "/robots.txt" => (
            "Content-Type: text/plain\r\n",
            "User-agent: *\nDisallow: /admin\n".to_owned(),
        ),
        _ => ("Content-Type: text/html\r\n", String::new()),
    });
    let r = audit(addr).await;
    assert!(r.reachable, "{:?}", r.error);
    let ids = ids(&r);
    for id in [
        "noindex",
        "robots-blocks-site",
        "canonical-invalid",
        "hreflang-invalid",
        "link-text",
        "uncrawlable-links",
        "no-doctype",
        "no-charset",
        "no-lang",
        "zoom-disabled",
        "meta-refresh",
        "no-csp",
        "no-frame-protection",
        "no-coop",
    ] {
        assert!(!ids.iter().any(|i| i == id), "{id} in {ids:?}");
    }
    assert_eq!(r.audit.robots_blocks_site, Some(false));
    assert!(!r.score.reasons.iter().any(|l| l.contains("search engines")));
}

#[tokio::test]
async fn a_home_page_that_is_not_html_gets_none_of_them() {
    let addr = serve(|path| match path {
        "/" => (
            "Content-Type: application/pdf\r\nX-Robots-Tag: noindex\r\n",
            "%PDF-1.4".to_owned(),
        ),
        "/robots.txt" => (
            "Content-Type: text/plain\r\n",
            "User-agent: *\nDisallow: /\n".to_owned(),
        ),
        _ => ("Content-Type: text/html\r\n", String::new()),
    });
    let r = audit(addr).await;
    assert!(!r.reachable);
    assert!(r.audit.issues.is_empty(), "{:?}", r.audit.issues);
    assert_eq!(r.audit.robots_blocks_site, None);
}
