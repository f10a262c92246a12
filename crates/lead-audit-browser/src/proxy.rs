//! The SSRF guard between Chromium and the network: a loopback HTTP/CONNECT proxy that
//! resolves every host itself, checks each address with the core's guard, and connects only
//! to the addresses it checked. Chromium is started with `--proxy-server` pointing here and
//! `--proxy-bypass-list=<-loopback>`, so every request, WebSocket and subresource passes
//! through it; request interception alone sees host names only and misses WebSockets.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use lead_audit_core::fetch::resolver::GuardedResolver;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use url::Url;

/// Largest request or response head the proxy reads.
const MAX_HEAD: usize = 64 * 1024;
const HEAD_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Which destinations the browser may reach.
#[derive(Debug)]
pub(crate) struct Policy {
    resolver: GuardedResolver,
    allow_hosts: HashSet<String>,
    /// Requests refused so far; a failed navigation is attributed to the guard when it moved.
    blocked: AtomicU64,
}

impl Policy {
    pub(crate) fn new(allow_private: bool, allow_hosts: &[String]) -> Self {
        Self {
            resolver: GuardedResolver::new(allow_private, Default::default()),
            allow_hosts: allow_hosts.iter().map(|h| h.to_ascii_lowercase()).collect(),
            blocked: AtomicU64::new(0),
        }
    }

    /// Addresses the browser may connect to for `host:port`, or why not.
    pub(crate) async fn resolve(&self, host: &str, port: u16) -> Result<Vec<SocketAddr>, String> {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let authority = format!("{}:{port}", host.to_ascii_lowercase());
        let addrs = if self.allow_hosts.contains(&authority) {
            tokio::net::lookup_host((bare, port))
                .await
                .map_err(|e| format!("{host} does not resolve: {e}"))?
                .collect()
        } else {
            self.resolver
                .lookup(bare)
                .await
                .map_err(|e| e.to_string())?
                .into_iter()
                .map(|a| SocketAddr::new(a.ip(), port))
                .collect()
        };
        Ok(addrs)
    }

    /// Refusals so far.
    pub(crate) fn blocked(&self) -> u64 {
        self.blocked.load(Ordering::Relaxed)
    }
}

/// A running guard proxy; stops accepting when dropped.
#[derive(Debug)]
pub(crate) struct GuardProxy {
    addr: SocketAddr,
    accept: JoinHandle<()>,
}

impl GuardProxy {
    /// Listens on an ephemeral loopback port.
    pub(crate) async fn start(policy: Arc<Policy>) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let accept = tokio::spawn(async move {
            loop {
                let Ok((conn, _)) = listener.accept().await else {
                    // Out of descriptors and the like: back off instead of spinning.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let policy = policy.clone();
                tokio::spawn(async move {
                    if let Err(e) = serve(conn, &policy).await {
                        tracing::debug!("browser proxy connection: {e}");
                    }
                });
            }
        });
        Ok(Self { addr, accept })
    }

    /// `http://127.0.0.1:PORT`, for `--proxy-server`.
    pub(crate) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for GuardProxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// One client connection: a single CONNECT tunnel or a single plain HTTP exchange.
async fn serve(mut client: TcpStream, policy: &Policy) -> std::io::Result<()> {
    let (head, rest) = match tokio::time::timeout(HEAD_TIMEOUT, read_head(&mut client)).await {
        Ok(Ok(Some(read))) => read,
        _ => return Ok(()),
    };
    let text = String::from_utf8_lossy(&head);
    let mut lines = text.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (method, target, version) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or("HTTP/1.1"),
    );

    if method.eq_ignore_ascii_case("CONNECT") {
        let Some((host, port)) = split_authority(target) else {
            return reply(&mut client, 400, "bad CONNECT target").await;
        };
        let mut upstream = match open(policy, &host, port).await {
            Ok(s) => s,
            Err((status, why)) => return reply(&mut client, status, &why).await,
        };
        client
            .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            .await?;
        upstream.write_all(&rest).await?;
        tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
        return Ok(());
    }

    // Plain HTTP arrives in absolute form: `GET http://host:port/path HTTP/1.1`.
    let Some(url) = Url::parse(target).ok().filter(|u| u.scheme() == "http") else {
        return reply(
            &mut client,
            400,
            "only absolute http:// requests are proxied",
        )
        .await;
    };
    let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
        return reply(&mut client, 400, "request without a host").await;
    };
    let mut upstream = match open(policy, host, port).await {
        Ok(s) => s,
        Err((status, why)) => return reply(&mut client, status, &why).await,
    };
    let mut path = url.path().to_string();
    if let Some(q) = url.query() {
        path.push('?');
        path.push_str(q);
    }
    // One exchange per connection: a reused proxy connection could carry a request for
    // another host to this already-checked upstream.
    let mut out = format!("{method} {path} {version}\r\n");
    for line in lines.filter(|l| !l.is_empty()) {
        let name = line.split(':').next().unwrap_or_default().trim();
        if !hop_by_hop(name) {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("Connection: close\r\n\r\n");
    upstream.write_all(out.as_bytes()).await?;
    upstream.write_all(&rest).await?;

    let (mut up_read, mut up_write) = upstream.into_split();
    let (mut client_read, mut client_write) = client.into_split();
    let body = async {
        // Request bodies stream on; their end is not an end of the exchange.
        let _ = tokio::io::copy(&mut client_read, &mut up_write).await;
        std::future::pending::<()>().await;
    };
    let response = async {
        let Some((head, rest)) = read_head(&mut up_read).await? else {
            return Ok(());
        };
        client_write.write_all(&close_response(&head)).await?;
        client_write.write_all(&rest).await?;
        tokio::io::copy(&mut up_read, &mut client_write).await?;
        client_write.shutdown().await
    };
    tokio::select! {
        r = response => r,
        () = body => Ok(()),
    }
}

/// Resolves through the policy and connects to the first reachable checked address.
async fn open(policy: &Policy, host: &str, port: u16) -> Result<TcpStream, (u16, String)> {
    let addrs = match policy.resolve(host, port).await {
        Ok(a) => a,
        Err(why) => {
            policy.blocked.fetch_add(1, Ordering::Relaxed);
            tracing::debug!("browser proxy refused {host}:{port}: {why}");
            return Err((403, why));
        }
    };
    let mut last = String::from("no address");
    for addr in addrs {
        match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(addr)).await {
            Ok(Ok(s)) => return Ok(s),
            Ok(Err(e)) => last = e.to_string(),
            Err(_) => last = "connect timed out".into(),
        }
    }
    Err((502, format!("{host}:{port}: {last}")))
}

async fn reply(client: &mut TcpStream, status: u16, why: &str) -> std::io::Result<()> {
    let reason = match status {
        400 => "Bad Request",
        403 => "Forbidden",
        _ => "Bad Gateway",
    };
    let body = format!("lead-audit browser guard: {why}\n");
    let msg = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    client.write_all(msg.as_bytes()).await?;
    client.shutdown().await
}

/// Reads up to the blank line ending a head; returns the head and any bytes after it.
async fn read_head<R: AsyncRead + Unpin>(r: &mut R) -> std::io::Result<Option<(Vec<u8>, Vec<u8>)>> {
    let mut buf = Vec::with_capacity(2048);
    let mut chunk = [0u8; 4096];
    loop {
        let n = r.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        let searched = buf.len().saturating_sub(3);
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf[searched..].windows(4).position(|w| w == b"\r\n\r\n") {
            let end = searched + i + 4;
            let rest = buf.split_off(end);
            return Ok(Some((buf, rest)));
        }
        if buf.len() > MAX_HEAD {
            return Ok(None);
        }
    }
}

/// The response head with its connection headers replaced by `Connection: close`, so the
/// browser does not send another request down this connection.
fn close_response(head: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(head);
    let mut out = String::with_capacity(head.len() + 20);
    for line in text.split("\r\n").filter(|l| !l.is_empty()) {
        let name = line.split(':').next().unwrap_or_default().trim();
        if out.is_empty() || !hop_by_hop(name) {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("Connection: close\r\n\r\n");
    out.into_bytes()
}

fn hop_by_hop(name: &str) -> bool {
    [
        "connection",
        "proxy-connection",
        "keep-alive",
        "proxy-authorization",
    ]
    .iter()
    .any(|h| name.eq_ignore_ascii_case(h))
}

/// `host:port` or `[v6]:port` of a CONNECT request.
fn split_authority(target: &str) -> Option<(String, u16)> {
    let (host, port) = target.rsplit_once(':')?;
    let port = port.parse().ok()?;
    (!host.is_empty()).then(|| (host.to_string(), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_targets_split_into_host_and_port() {
        assert_eq!(
            split_authority("example.com:443"),
            Some(("example.com".into(), 443))
        );
        assert_eq!(split_authority("[::1]:8080"), Some(("[::1]".into(), 8080)));
        assert_eq!(split_authority("example.com"), None);
        assert_eq!(split_authority(":80"), None);
    }

    #[test]
    fn response_heads_are_made_single_use() {
        let head = b"HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\n";
        let out = String::from_utf8(close_response(head)).expect("utf8");
        assert_eq!(
            out,
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n"
        );
    }

    #[tokio::test]
    async fn private_addresses_are_refused_unless_allowed_by_authority() {
        let policy = Policy::new(false, &["127.0.0.1:8080".to_string()]);
        assert!(policy.resolve("169.254.169.254", 80).await.is_err());
        assert!(policy.resolve("127.0.0.1", 8081).await.is_err());
        assert!(policy.resolve("[::1]", 8080).await.is_err());
        let ok = policy
            .resolve("127.0.0.1", 8080)
            .await
            .expect("allowed authority");
        assert_eq!(
            ok,
            vec!["127.0.0.1:8080".parse::<SocketAddr>().expect("addr")]
        );
        let open = Policy::new(true, &[]);
        assert!(open.resolve("127.0.0.1", 9).await.is_ok());
    }

    #[tokio::test]
    async fn the_proxy_refuses_before_connecting() {
        let target = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
        let port = target.local_addr().expect("addr").port();
        let policy = Arc::new(Policy::new(false, &[]));
        let proxy = GuardProxy::start(policy.clone()).await.expect("proxy");
        let mut conn = TcpStream::connect(proxy.addr).await.expect("connect");
        let req =
            format!("GET http://127.0.0.1:{port}/x HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n");
        conn.write_all(req.as_bytes()).await.expect("write");
        let mut resp = String::new();
        conn.read_to_string(&mut resp).await.expect("read");
        assert!(resp.starts_with("HTTP/1.1 403"), "{resp}");
        assert_eq!(policy.blocked(), 1);
        // Nothing reached the target.
        let accepted = tokio::time::timeout(Duration::from_millis(100), target.accept()).await;
        assert!(accepted.is_err());
    }
}
