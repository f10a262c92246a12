//! Exact errors for bad responses and bad URLs, against raw HTTP servers on 127.0.0.1: a
//! response whose head is too large or malformed is `bad_response` after one request; a URL
//! over the length limit is `invalid_url` with no connection; credentials in a URL are never
//! sent nor repeated; a long URL appears once in the result.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::io::{ErrorKind as IoKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lead_audit_core::fetch::MAX_URL_BYTES;
use lead_audit_core::pipeline::parse_website;
use lead_audit_core::{AuditContext, AuditOptions, AuditResult, Auditor, ErrorKind, Lead};

mod loopback;

/// A server answering every connection with the bytes `respond` gives for the request head,
/// then closing it. Counts connections and keeps every request head.
struct RawServer {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    heads: Arc<Mutex<Vec<String>>>,
}

impl RawServer {
    fn start(respond: impl Fn(&str) -> Vec<u8> + Send + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let heads = Arc::new(Mutex::new(Vec::new()));
        let (count, log) = (connections.clone(), heads.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                count.fetch_add(1, Ordering::SeqCst);
                let head = read_head(&mut stream);
                let response = respond(&head);
                log.lock().unwrap().push(head);
                // The client may hang up mid-write (a head over its limit): that is the point.
                let _ = stream.write_all(&response);
                let _ = stream.shutdown(Shutdown::Write);
            }
        });
        Self {
            addr,
            connections,
            heads,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

fn read_head(stream: &mut TcpStream) -> String {
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

/// A complete response: status line, `headers` lines as given, then the body.
fn response(status: &str, headers: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn options() -> AuditOptions {
    AuditOptions {
        // The default: a failure that is retried shows as more than one connection.
        retries: 2,
        ..loopback::options()
    }
}

async fn audit(website: &str) -> AuditResult {
    let auditor = Auditor::new(options()).unwrap();
    auditor
        .audit(&Lead::from_url(website), &AuditContext::default())
        .await
        .unwrap()
}

fn json(result: &AuditResult) -> String {
    serde_json::to_string(result).unwrap()
}

fn assert_bad_response(result: &AuditResult, server: &RawServer, why: &str) {
    let error = result.error.as_ref().expect("an error");
    assert_eq!(error.kind, ErrorKind::BadResponse, "{}", error.message);
    assert!(error.message.contains(why), "{}", error.message);
    assert!(!result.reachable);
    assert_eq!(server.connections(), 1, "a bad response is not retried");
    assert_eq!(
        json(result).matches("\"bad_response\"").count(),
        1,
        "the kind serializes as bad_response"
    );
}

#[tokio::test]
async fn a_thousand_cookies_are_a_bad_response_fetched_once() {
    let mut cookies = String::new();
    for i in 0..1000 {
        writeln!(cookies, "Set-Cookie: c{i}=v; Path=/\r").unwrap();
    }
    let reply = response(
        "200 OK",
        &(cookies + "Content-Type: text/html\r\n"),
        "<p>hi",
    );
    let server = RawServer::start(move |_| reply.clone());
    let result = audit(&server.url("/")).await;
    assert_bad_response(&result, &server, "larger than the client reads");
}

#[tokio::test]
async fn a_header_line_without_a_colon_is_a_bad_response() {
    let reply = response(
        "200 OK",
        "Content-Type: text/html\r\nX-No-Colon-Here\r\n",
        "<p>hi",
    );
    let server = RawServer::start(move |_| reply.clone());
    let result = audit(&server.url("/")).await;
    assert_bad_response(&result, &server, "malformed");
}

#[tokio::test]
async fn a_one_megabyte_header_is_a_bad_response() {
    let big = format!(
        "X-Big: {}\r\nContent-Type: text/html\r\n",
        "a".repeat(1 << 20)
    );
    let reply = response("200 OK", &big, "<p>hi");
    let server = RawServer::start(move |_| reply.clone());
    let result = audit(&server.url("/")).await;
    assert_bad_response(&result, &server, "larger than the client reads");
}

#[tokio::test]
async fn a_malformed_status_line_is_a_bad_response() {
    let server = RawServer::start(|_| b"HTTP/1.1 OK fine\r\n\r\n<p>hi".to_vec());
    let result = audit(&server.url("/")).await;
    assert_bad_response(&result, &server, "malformed");
}

#[tokio::test]
async fn a_hundred_kilobyte_url_is_invalid_without_a_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!(
        "http://{}/{}END-OF-THE-LONG-URL",
        listener.local_addr().unwrap(),
        "a".repeat(100 * 1024)
    );
    let result = audit(&url).await;

    let error = result.error.as_ref().expect("an error");
    assert_eq!(error.kind, ErrorKind::InvalidUrl);
    assert!(
        error
            .message
            .contains(&format!("{MAX_URL_BYTES}-byte limit")),
        "{}",
        error.message
    );
    assert!(
        matches!(listener.accept(), Err(e) if e.kind() == IoKind::WouldBlock),
        "no connection was made"
    );
    let out = json(&result);
    assert_eq!(result.url, url, "the website is kept once, as given");
    assert_eq!(
        out.matches("END-OF-THE-LONG-URL").count(),
        1,
        "{}",
        out.len()
    );
    assert!(
        out.len() < 8 * 1024 + url.len(),
        "{} bytes for a {}-byte URL",
        out.len(),
        url.len()
    );
}

#[tokio::test]
async fn a_redirect_to_an_overlong_url_is_not_followed() {
    let location = format!("/{}", "b".repeat(MAX_URL_BYTES));
    let reply = response("302 Found", &format!("Location: {location}\r\n"), "");
    let server = RawServer::start(move |_| reply.clone());
    let result = audit(&server.url("/")).await;
    let error = result.error.as_ref().expect("an error");
    assert_eq!(error.kind, ErrorKind::InvalidUrl, "{}", error.message);
    assert_eq!(
        server.connections(),
        1,
        "the redirect target is not fetched"
    );
    assert!(json(&result).len() < 8 * 1024, "{}", json(&result).len());
}

#[test]
fn the_length_limit_is_on_the_url_as_sent() {
    let at_limit = format!("http://shop.test/{}", "a".repeat(MAX_URL_BYTES - 17));
    assert_eq!(
        parse_website(&at_limit).unwrap().as_str().len(),
        MAX_URL_BYTES
    );
    let over = format!("{at_limit}a");
    let message = parse_website(&over).unwrap_err();
    assert!(message.len() < 400, "{message}");
    // Percent-encoding makes a shorter text longer than the limit.
    let encoded = format!("http://shop.test/{}", "é".repeat(MAX_URL_BYTES / 4));
    assert!(encoded.len() < MAX_URL_BYTES);
    assert!(parse_website(&encoded).is_err());
}

/// Collects every tracing event and span field, at every level, as text.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<String>>);

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, "{}={value:?} ", field.name());
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        span.record(&mut Fields(&mut self.0.lock().unwrap()));
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        values.record(&mut Fields(&mut self.0.lock().unwrap()));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut text = self.0.lock().unwrap();
        text.push_str(event.metadata().target());
        text.push(' ');
        event.record(&mut Fields(&mut text));
        text.push('\n');
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn credentials_are_neither_sent_nor_repeated() {
    const PASSWORD: &str = "s3cretPW";
    let server = RawServer::start(|head| {
        let path = head.split(' ').nth(1).unwrap_or("/").to_owned();
        let html = "Content-Type: text/html\r\n";
        match path.as_str() {
            "/" => {
                let host = head
                    .lines()
                    .find_map(|l| l.strip_prefix("host: ").or(l.strip_prefix("Host: ")))
                    .unwrap_or_default()
                    .trim()
                    .to_owned();
                let page = format!(
                    r#"<html><head><title>Shop</title></head><body>
                    <a href="http://user:{PASSWORD}@{host}/contact">Contact</a>
                    <a href="http://user:{PASSWORD}@{host}/kontakt">Kontakt</a>
                    <p>info@shop.test</p></body></html>"#
                );
                response("200 OK", html, &page)
            }
            "/contact" => response(
                "200 OK",
                html,
                "<html><body><p>sales@shop.test</p></body></html>",
            ),
            "/robots.txt" => response(
                "200 OK",
                "Content-Type: text/plain\r\n",
                "User-agent: *\nDisallow: /kontakt\n",
            ),
            _ => response("404 Not Found", html, "<p>no"),
        }
    });
    let website = format!("http://user:{PASSWORD}@{}/", server.addr);

    let capture = Capture::default();
    let result = {
        let _guard = tracing::subscriber::set_default(capture.clone());
        audit(&website).await
    };

    assert!(result.reachable, "{:?}", result.error);
    assert_eq!(result.url, server.url("/"));
    assert_eq!(result.final_url.as_deref(), Some(server.url("/").as_str()));
    assert!(
        result.pages.iter().any(|p| p.url == server.url("/contact")),
        "{:?}",
        result.pages
    );
    let out = json(&result);
    assert!(!out.contains(PASSWORD) && !out.contains("user:"), "{out}");
    let heads = server.heads.lock().unwrap();
    assert!(
        heads
            .iter()
            .all(|h| !h.to_ascii_lowercase().contains("authorization")),
        "no credentials sent: {heads:?}"
    );
    let logs = capture.0.lock().unwrap();
    assert!(
        logs.contains("/kontakt"),
        "the robots.txt refusal is logged: {logs}"
    );
    assert!(!logs.contains(PASSWORD), "{logs}");
}

#[tokio::test]
async fn credentials_stay_out_of_invalid_url_results() {
    for website in [
        "http://user:s3cretPW@",
        "ftp://user:s3cretPW@shop.test/",
        "http://user:s3cretPW@shop test/",
        "user:s3cretPW@",
    ] {
        let result = audit(website).await;
        let error = result.error.as_ref().expect("an error");
        assert_eq!(error.kind, ErrorKind::InvalidUrl, "{website}");
        let out = json(&result);
        assert!(!out.contains("s3cretPW"), "{out}");
    }
}
