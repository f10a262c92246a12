//! HTTP/2 responses the codec refuses, against an `h2` server on 127.0.0.1 spoken to with
//! prior knowledge (the same codec and error path as HTTP/2 over TLS).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::time::Instant;
use url::Url;

use super::{Fetcher, MAX_H2_HEADER_LIST_BYTES};
use crate::{AuditOptions, ErrorKind};

/// What the server answers each request with.
#[derive(Clone, Copy)]
enum Answer {
    /// `count` headers of `value_len` bytes each, then a short body.
    Headers { count: usize, value_len: usize },
    /// A `RST_STREAM` the server sends itself.
    Refuse,
}

/// Serves HTTP/2 without TLS; counts the requests it receives.
async fn serve(answer: Answer) -> (Url, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
    let requests = Arc::new(AtomicUsize::new(0));
    let count = requests.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let count = count.clone();
            tokio::spawn(async move {
                let Ok(mut conn) = h2::server::handshake(socket).await else {
                    return;
                };
                while let Some(Ok((_, mut respond))) = conn.accept().await {
                    count.fetch_add(1, Ordering::SeqCst);
                    match answer {
                        Answer::Refuse => respond.send_reset(h2::Reason::REFUSED_STREAM),
                        Answer::Headers { count, value_len } => {
                            let mut head = http::Response::builder()
                                .status(200)
                                .header("content-type", "text/html");
                            for i in 0..count {
                                head = head.header(format!("x-filler-{i}"), "v".repeat(value_len));
                            }
                            let Ok(mut body) = respond.send_response(head.body(()).unwrap(), false)
                            else {
                                continue;
                            };
                            let _ = body.send_data("<p>hello</p>".into(), true);
                        }
                    }
                }
            });
        }
    });
    (url, requests)
}

fn fetcher() -> Fetcher {
    let options = AuditOptions {
        allow_private_networks: true,
        request_timeout: Duration::from_secs(5),
        retries: 2,
        ..AuditOptions::default()
    };
    Fetcher::with_client(&options, reqwest::ClientBuilder::http2_prior_knowledge).unwrap()
}

fn deadline() -> Instant {
    Instant::now() + Duration::from_secs(20)
}

#[tokio::test]
async fn a_header_block_over_the_limit_is_a_bad_response_asked_once() {
    // 600 fields of 1 KiB: about 620 KiB decoded, over the 256 KiB limit.
    let (url, requests) = serve(Answer::Headers {
        count: 600,
        value_len: 1024,
    })
    .await;
    let error = fetcher().get(&url, deadline()).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::BadResponse, "{}", error.message);
    assert!(error.message.contains("HTTP/2"), "{}", error.message);
    assert_eq!(requests.load(Ordering::SeqCst), 1, "not retried");
}

#[tokio::test]
async fn a_header_block_just_over_the_limit_is_a_bad_response_too() {
    // 130 fields of 2 KiB: just over 256 KiB, under the codec's abuse threshold, so the
    // stream is reset rather than the connection closed.
    let value_len = 2048;
    let count = MAX_H2_HEADER_LIST_BYTES as usize / value_len + 2;
    let (url, requests) = serve(Answer::Headers { count, value_len }).await;
    let error = fetcher().get(&url, deadline()).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::BadResponse, "{}", error.message);
    assert_eq!(requests.load(Ordering::SeqCst), 1, "not retried");
}

#[tokio::test]
async fn headers_over_hypers_default_but_under_ours_are_read() {
    // 40 KiB of headers: hyper's default 16 KiB would refuse them.
    let (url, _) = serve(Answer::Headers {
        count: 40,
        value_len: 1024,
    })
    .await;
    let page = fetcher().get(&url, deadline()).await.unwrap();
    assert_eq!(page.status, 200);
    assert_eq!(page.body, b"<p>hello</p>");
    assert_eq!(page.header("x-filler-39").map(str::len), Some(1024));
}

#[tokio::test]
async fn a_stream_the_server_refuses_is_retried_as_a_connection_failure() {
    let (url, requests) = serve(Answer::Refuse).await;
    let error = fetcher().get(&url, deadline()).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::Connect, "{}", error.message);
    assert!(requests.load(Ordering::SeqCst) > 1, "retried");
}
