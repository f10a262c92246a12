//! Each lead's connections, against a keep-alive server on 127.0.0.1: a lead's pages share
//! connections, and the lead's connections are closed when its audit returns rather than
//! left idle in a pool no later lead would use.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use lead_audit_core::{AuditContext, Auditor, Lead};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

mod loopback;

/// Connections accepted, requests answered, connections the client closed.
#[derive(Default)]
struct Counts {
    accepted: AtomicUsize,
    requests: AtomicUsize,
    closed: AtomicUsize,
}

const HOME: &str = r#"<!doctype html><html lang="en"><head><title>Acme</title></head><body>
<a href="/contact">Contact</a> <a href="/about">About us</a> <p>info@acme-plumbing.com</p></body></html>"#;

/// An HTTP/1.1 server that keeps every connection open until the client closes it.
async fn serve() -> (String, Arc<Counts>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let counts = Arc::new(Counts::default());
    let shared = counts.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            shared.accepted.fetch_add(1, Ordering::SeqCst);
            let counts = shared.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                let mut path = None;
                // One request head per loop; EOF is the client closing the connection.
                while let Ok(Some(line)) = lines.next_line().await {
                    if path.is_none() {
                        path = line.split_whitespace().nth(1).map(str::to_owned);
                        continue;
                    }
                    if !line.is_empty() {
                        continue;
                    }
                    counts.requests.fetch_add(1, Ordering::SeqCst);
                    let body = match path.take().as_deref() {
                        Some("/") => HOME.to_owned(),
                        Some("/contact" | "/about") => "<p>Call 0221 9876540</p>".to_owned(),
                        _ => String::new(),
                    };
                    let status = if body.is_empty() {
                        "404 Not Found"
                    } else {
                        "200 OK"
                    };
                    let response = format!(
                        "HTTP/1.1 {status}\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if write.write_all(response.as_bytes()).await.is_err() {
                        break;
                    }
                }
                counts.closed.fetch_add(1, Ordering::SeqCst);
            });
        }
    });
    (url, counts)
}

#[tokio::test]
async fn a_leads_pages_share_connections_which_close_when_it_ends() {
    let (url, counts) = serve().await;
    let auditor = Auditor::new(loopback::options()).unwrap();
    let result = auditor
        .audit(&Lead::from_url(&url), &AuditContext::default())
        .await
        .unwrap();
    assert!(result.reachable, "{:?}", result.error);
    assert_eq!(result.pages.len(), 3, "home, contact, about");
    assert_eq!(result.emails, vec!["info@acme-plumbing.com"]);

    let requests = counts.requests.load(Ordering::SeqCst);
    let accepted = counts.accepted.load(Ordering::SeqCst);
    // Three pages, robots.txt, the sitemap and the favicon over at most two connections at a
    // time (the per-host limit): reused, not one per request.
    assert!(requests >= 6, "{requests} requests");
    assert!(
        accepted < requests,
        "{accepted} connections for {requests} requests"
    );

    // The auditor lives on (as in a worker), but the lead's pool is gone with the lead: its
    // connections close now, not when an idle timeout (seconds) ends. Bounded wait.
    for _ in 0..100 {
        if counts.closed.load(Ordering::SeqCst) == accepted {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        counts.closed.load(Ordering::SeqCst),
        accepted,
        "every connection of the lead is closed once its audit returned"
    );
    drop(auditor);
}
