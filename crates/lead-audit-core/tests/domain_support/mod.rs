//! Local RDAP and WHOIS servers on 127.0.0.1 serving canned registry responses.

#![allow(dead_code, clippy::unwrap_used)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use lead_audit_core::domain::{builtin_whois_servers, DomainConfig};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A canned fixture file's text.
pub fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/domain")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// How a test server answers one query.
#[derive(Clone)]
pub enum Reply {
    /// HTTP status and body (RDAP), or the body alone (WHOIS, status ignored).
    Body(u16, String),
    /// Never answers within any timeout a test uses.
    Stall,
    /// Bytes that are no registry format at all.
    Raw(Vec<u8>),
}

type Replies = Arc<Mutex<HashMap<String, Reply>>>;
type Log = Arc<Mutex<Vec<String>>>;

/// An RDAP service plus the bootstrap file that points to it.
pub struct RdapServer {
    pub addr: SocketAddr,
    replies: Replies,
    tlds: Arc<Mutex<Vec<String>>>,
    /// Domains asked for, in order.
    pub queries: Log,
    /// Times the bootstrap file was fetched.
    pub bootstrap_fetches: Arc<Mutex<usize>>,
}

#[derive(Clone)]
struct RdapState {
    addr: SocketAddr,
    replies: Replies,
    tlds: Arc<Mutex<Vec<String>>>,
    queries: Log,
    bootstrap_fetches: Arc<Mutex<usize>>,
}

impl RdapServer {
    /// Starts a server whose bootstrap lists `tlds` as served here.
    pub async fn start(tlds: &[&str]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = RdapState {
            addr,
            replies: Arc::default(),
            tlds: Arc::new(Mutex::new(tlds.iter().map(|t| t.to_string()).collect())),
            queries: Arc::default(),
            bootstrap_fetches: Arc::default(),
        };
        let app = Router::new()
            .route("/dns.json", get(bootstrap))
            .route("/rdap/domain/{name}", get(domain))
            .with_state(state.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            addr,
            replies: state.replies,
            tlds: state.tlds,
            queries: state.queries,
            bootstrap_fetches: state.bootstrap_fetches,
        }
    }

    /// Serves `reply` for `domain`; unknown domains get the registry's 404.
    pub fn answer(&self, domain: &str, reply: Reply) {
        self.replies
            .lock()
            .unwrap()
            .insert(domain.to_ascii_lowercase(), reply);
    }

    /// The bootstrap URL to configure.
    pub fn bootstrap_url(&self) -> String {
        format!("http://{}/dns.json", self.addr)
    }

    /// The bootstrap file's text, for file-based configuration.
    pub fn bootstrap_json(&self) -> String {
        bootstrap_body(self.addr, &self.tlds.lock().unwrap())
    }

    pub fn queries(&self) -> Vec<String> {
        self.queries.lock().unwrap().clone()
    }

    pub fn bootstrap_fetches(&self) -> usize {
        *self.bootstrap_fetches.lock().unwrap()
    }
}

fn bootstrap_body(addr: SocketAddr, tlds: &[String]) -> String {
    serde_json::json!({
        "version": "1.0",
        "publication": "2025-01-07T18:00:02Z",
        "description": "RDAP bootstrap file for Domain Name System registrations",
        "services": [
            [tlds, [format!("http://{addr}/rdap/")]],
            [["test-unused"], ["https://rdap.unused.test/"]]
        ]
    })
    .to_string()
}

async fn bootstrap(State(s): State<RdapState>) -> impl IntoResponse {
    *s.bootstrap_fetches.lock().unwrap() += 1;
    let body = bootstrap_body(s.addr, &s.tlds.lock().unwrap());
    ([("content-type", "application/json")], body)
}

async fn domain(State(s): State<RdapState>, UrlPath(name): UrlPath<String>) -> impl IntoResponse {
    let name = name.to_ascii_lowercase();
    s.queries.lock().unwrap().push(name.clone());
    let reply = s.replies.lock().unwrap().get(&name).cloned();
    let (status, body) = match reply {
        Some(Reply::Body(status, body)) => (status, body.into_bytes()),
        Some(Reply::Raw(bytes)) => (200, bytes),
        Some(Reply::Stall) => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            (200, Vec::new())
        }
        None => (404, fixture("rdap_not_found.json").into_bytes()),
    };
    (
        StatusCode::from_u16(status).unwrap(),
        [("content-type", "application/rdap+json")],
        body,
    )
}

/// A WHOIS server: reads one query line, answers, closes.
pub struct WhoisServer {
    pub addr: SocketAddr,
    replies: Replies,
    queries: Log,
}

impl WhoisServer {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let replies: Replies = Arc::default();
        let queries: Log = Arc::default();
        let (r, q) = (replies.clone(), queries.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (r, q) = (r.clone(), q.clone());
                tokio::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut line = String::new();
                    if BufReader::new(read).read_line(&mut line).await.is_err() {
                        return;
                    }
                    // RFC 3912: the query is one line ending in CRLF.
                    let Some(query) = line.strip_suffix("\r\n") else {
                        return;
                    };
                    let query = query.to_ascii_lowercase();
                    q.lock().unwrap().push(query.clone());
                    let reply = r.lock().unwrap().get(&query).cloned();
                    let bytes = match reply {
                        Some(Reply::Body(_, text)) => text.replace('\n', "\r\n").into_bytes(),
                        Some(Reply::Raw(bytes)) => bytes,
                        Some(Reply::Stall) => {
                            tokio::time::sleep(Duration::from_secs(60)).await;
                            Vec::new()
                        }
                        None => Vec::new(),
                    };
                    let _ = write.write_all(&bytes).await;
                    let _ = write.shutdown().await;
                });
            }
        });
        Self {
            addr,
            replies,
            queries,
        }
    }

    /// Answers `query` with the text of `reply`.
    pub fn answer(&self, query: &str, reply: Reply) {
        self.replies
            .lock()
            .unwrap()
            .insert(query.to_ascii_lowercase(), reply);
    }

    pub fn queries(&self) -> Vec<String> {
        self.queries.lock().unwrap().clone()
    }
}

/// A configuration that reaches only the given local servers: the RDAP bootstrap of `rdap`
/// and a WHOIS map of `whois`; every built-in WHOIS server is removed, so nothing leaves
/// the machine.
pub fn local_config(
    rdap: &RdapServer,
    whois: &[(&str, SocketAddr)],
    cache_dir: &Path,
) -> DomainConfig {
    let mut servers: HashMap<String, String> = builtin_whois_servers()
        .keys()
        .map(|tld| (tld.clone(), String::new()))
        .collect();
    for (tld, addr) in whois {
        servers.insert((*tld).to_owned(), addr.to_string());
    }
    DomainConfig {
        rdap_bootstrap: rdap.bootstrap_url(),
        cache_dir: Some(cache_dir.to_owned()),
        whois_servers: servers,
        allow_private_networks: true,
        timeout: Duration::from_secs(5),
        per_server_interval: Duration::ZERO,
        ..DomainConfig::default()
    }
}
