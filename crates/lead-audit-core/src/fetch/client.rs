//! The HTTP client: manual redirects (each hop guarded), retries with backoff, a body cap,
//! per-host concurrency and per-request deadlines bounded by the lead's deadline.

use std::collections::HashMap;
use std::error::Error as _;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::{LOCATION, RETRY_AFTER};
use reqwest::StatusCode;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use url::{Host, Url};

use super::guard::forbidden_reason;
use super::resolver::{GuardedResolver, ResolveError};
use crate::redact::{preview, preview_url, strip_credentials, without_credentials};
use crate::{AuditOptions, Error, ErrorKind};

/// The longest URL fetched, in bytes as sent (after parsing and percent-encoding). RFC 9110
/// (section 4.1) asks senders and recipients to support at least 8 000 octets, and common
/// servers stop near there (Apache's request line limit is 8 190 bytes, nginx's default
/// header buffer 8 KiB), so a longer URL would be refused by the site anyway. It holds for
/// the lead's website, every redirect hop and every crawled link: longer is `invalid_url`,
/// with no request made.
pub const MAX_URL_BYTES: usize = 8192;

/// The `invalid_url` error of a URL longer than [`MAX_URL_BYTES`], or `None`.
pub fn url_too_long(url: &str) -> Option<String> {
    (url.len() > MAX_URL_BYTES).then(|| {
        format!(
            "the URL is {} bytes long, over the {MAX_URL_BYTES}-byte limit: {}",
            url.len(),
            preview(url)
        )
    })
}

/// How long an idle connection stays in a lead's pool (see [`Fetcher::for_lead`]): long
/// enough for the next page of the lead, which follows once the previous one is analysed.
const POOL_IDLE: Duration = Duration::from_secs(3);

/// The largest HTTP/2 header block read, decoded (RFC 9113 section 6.5.2: names, values and
/// 32 bytes per field). hyper's default is 16 KiB, which real sites with a long
/// `Content-Security-Policy` and a few cookies pass; Chromium reads 256 KiB, and so do we.
/// A larger block is `bad_response`, like an HTTP/1 head over hyper's limits.
pub const MAX_H2_HEADER_LIST_BYTES: u32 = 256 * 1024;

/// A page as fetched over HTTP.
#[derive(Debug, Clone)]
pub struct FetchedPage {
    /// URL after redirects.
    pub url: Url,
    /// Final status.
    pub status: u16,
    /// Response headers, names lowercased, in order.
    pub headers: Vec<(String, String)>,
    /// Body bytes (at most the cap).
    pub body: Vec<u8>,
    /// The body was longer than the cap.
    pub truncated: bool,
    /// From the first byte sent to the last byte read, redirects included.
    pub elapsed: Duration,
    /// Expiry of the certificate of the final hop, when https.
    pub cert_expires_at: Option<DateTime<Utc>>,
    /// Issuer of that certificate, organisation then common name (`Let's Encrypt, R3`).
    pub cert_issuer: Option<String>,
}

impl FetchedPage {
    /// The first value of header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// True when the body is HTML by its Content-Type, or looks like HTML when none is given.
    pub fn is_html(&self) -> bool {
        match self.header("content-type") {
            Some(ct) => {
                let ct = ct.to_ascii_lowercase();
                ct.contains("text/html") || ct.contains("application/xhtml")
            }
            None => {
                let head = String::from_utf8_lossy(&self.body[..self.body.len().min(512)])
                    .to_ascii_lowercase();
                head.contains("<html") || head.contains("<!doctype html")
            }
        }
    }
}

/// Why a fetch gave no page.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FetchError {
    /// What kind of failure, as the result's `error.kind`.
    pub kind: ErrorKind,
    /// For a person.
    pub message: String,
}

impl FetchError {
    fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

/// Bounds concurrent requests per host across every lead sharing the fetcher.
#[derive(Debug, Default)]
struct HostLimiter {
    per_host: usize,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
}

impl HostLimiter {
    async fn acquire(&self, host: &str) -> OwnedSemaphorePermit {
        let sem = {
            let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
            if hosts.len() > 4096 {
                // Forget idle hosts so a long run over many leads stays bounded.
                hosts.retain(|_, s| Arc::strong_count(s) > 1);
            }
            hosts
                .entry(host.to_owned())
                .or_insert_with(|| Arc::new(Semaphore::new(self.per_host)))
                .clone()
        };
        #[allow(clippy::expect_used)] // the semaphore is never closed
        sem.acquire_owned()
            .await
            .expect("host semaphore is never closed")
    }
}

/// Shared HTTP machinery, held by the auditor. Each lead fetches through its own copy
/// ([`Fetcher::for_lead`]): the same settings and per-host limits, but a connection pool of
/// its own, closed when the lead ends.
#[derive(Debug)]
pub struct Fetcher {
    /// Built at the first request (about 2 µs, but it touches the TLS stack: an auditor that
    /// has not fetched yet, such as an idle worker's, does not hold those pages).
    client: OnceLock<reqwest::Client>,
    shared: Arc<Shared>,
}

/// What every lead's copy of the fetcher shares.
#[derive(Debug)]
struct Shared {
    recipe: ClientRecipe,
    limiter: HostLimiter,
    allow_private: bool,
    request_timeout: Duration,
    max_body: usize,
    max_redirects: usize,
    retries: u32,
}

/// How a client is built, kept to build one per lead.
#[derive(Debug)]
struct ClientRecipe {
    user_agent: String,
    resolver: Arc<GuardedResolver>,
    connect_timeout: Duration,
    per_host: usize,
    /// Applied last (tests speak HTTP/2 without TLS through it).
    adjust: fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder,
}

impl ClientRecipe {
    fn build(&self) -> Result<reqwest::Client, Error> {
        let builder = reqwest::Client::builder()
            .user_agent(&self.user_agent)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(self.resolver.clone())
            .connect_timeout(self.connect_timeout)
            .tls_info(true)
            .pool_idle_timeout(POOL_IDLE)
            .pool_max_idle_per_host(self.per_host)
            .http2_max_header_list_size(MAX_H2_HEADER_LIST_BYTES);
        (self.adjust)(builder)
            .build()
            .map_err(|e| Error::Client(e.to_string()))
    }
}

impl Fetcher {
    /// The fetcher for `options`; its HTTP client is built at the first request.
    pub fn new(options: &AuditOptions) -> Result<Self, Error> {
        Self::with_client(options, |builder| builder)
    }

    /// [`Fetcher::new`], with `adjust` given the configured client builder last.
    fn with_client(
        options: &AuditOptions,
        adjust: fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder,
    ) -> Result<Self, Error> {
        let overrides = options
            .resolve
            .iter()
            .map(|(h, a)| (h.to_ascii_lowercase(), *a))
            .collect();
        let recipe = ClientRecipe {
            user_agent: options.user_agent.clone(),
            resolver: Arc::new(GuardedResolver::new(
                options.allow_private_networks,
                overrides,
            )),
            connect_timeout: options.request_timeout,
            per_host: options.per_host_concurrency,
            adjust,
        };
        Ok(Self {
            client: OnceLock::new(),
            shared: Arc::new(Shared {
                recipe,
                limiter: HostLimiter {
                    per_host: options.per_host_concurrency,
                    hosts: Mutex::default(),
                },
                allow_private: options.allow_private_networks,
                request_timeout: options.request_timeout,
                max_body: options.max_body_bytes,
                max_redirects: options.max_redirects,
                retries: options.retries,
            }),
        })
    }

    /// A copy for one lead: the same settings and per-host limits, its own connection pool.
    /// A lead fetches its pages back to back and its host is rarely seen again, so when the
    /// copy is dropped with the lead, so are its idle connections and their read buffers
    /// (hyper keeps up to about 400 KiB per connection): with one pool for every lead, at
    /// 60 leads/s the idle connections of finished leads held more memory than the analysis.
    pub fn for_lead(&self) -> Fetcher {
        Fetcher {
            client: OnceLock::new(),
            shared: self.shared.clone(),
        }
    }

    /// The client, built on first use. A client that cannot be built (the TLS stack failing to
    /// start) is an `internal` error of the request.
    fn client(&self) -> Result<&reqwest::Client, FetchError> {
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
        let client = self
            .shared
            .recipe
            .build()
            .map_err(|e| FetchError::new(ErrorKind::Internal, e.to_string()))?;
        Ok(self.client.get_or_init(|| client))
    }

    /// GETs `url`, following redirects (each hop checked by the guard), with retries, the
    /// body cap and a deadline. A 4xx/5xx final page is returned as a page, not an error.
    /// Credentials in `url` or in a redirect are dropped: they are neither sent nor kept in
    /// the page's URL.
    #[tracing::instrument(name = "fetch", skip_all, fields(url.host = url.host_str().unwrap_or_default()))]
    pub async fn get(&self, url: &Url, deadline: Instant) -> Result<FetchedPage, FetchError> {
        let started = Instant::now();
        let mut current = url.clone();
        strip_credentials(&mut current);
        for _ in 0..=self.shared.max_redirects {
            self.check_url(&current)?;
            let _permit = self
                .shared
                .limiter
                .acquire(current.host_str().unwrap_or_default())
                .await;
            let mut resp = self.send(&current, deadline).await?;
            if resp.status().is_redirection() {
                if let Some(next) = redirect_target(&current, &resp) {
                    current = next?;
                    continue;
                }
            }
            let status = resp.status().as_u16();
            let headers = header_pairs(&resp);
            let (cert_expires_at, cert_issuer) = cert_details(&resp);
            let (body, truncated) = self.read_body(&mut resp, deadline).await?;
            return Ok(FetchedPage {
                url: current,
                status,
                headers,
                body,
                truncated,
                elapsed: started.elapsed(),
                cert_expires_at,
                cert_issuer,
            });
        }
        Err(FetchError::new(
            ErrorKind::HttpStatus,
            format!(
                "more than {} redirects from {}",
                self.shared.max_redirects,
                preview(&without_credentials(url.as_str()))
            ),
        ))
    }

    /// One GET without following redirects: status and `Location`, body discarded. For the
    /// http→https check.
    pub async fn head_hop(
        &self,
        url: &Url,
        deadline: Instant,
    ) -> Result<(u16, Option<Url>), FetchError> {
        let mut url = url.clone();
        strip_credentials(&mut url);
        self.check_url(&url)?;
        let _permit = self
            .shared
            .limiter
            .acquire(url.host_str().unwrap_or_default())
            .await;
        let resp = self.send_once(&url, deadline).await?;
        let location = redirect_target(&url, &resp).and_then(Result::ok);
        Ok((resp.status().as_u16(), location))
    }

    /// Refuses URLs over [`MAX_URL_BYTES`], non-http(s) URLs and IP-literal hosts the guard
    /// forbids (they skip the resolver).
    fn check_url(&self, url: &Url) -> Result<(), FetchError> {
        if let Some(message) = url_too_long(url.as_str()) {
            return Err(FetchError::new(ErrorKind::InvalidUrl, message));
        }
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::new(
                ErrorKind::InvalidUrl,
                format!("{}: only http and https are fetched", preview_url(url)),
            ));
        }
        let ip = match url.host() {
            Some(Host::Ipv4(ip)) => std::net::IpAddr::V4(ip),
            Some(Host::Ipv6(ip)) => std::net::IpAddr::V6(ip),
            Some(Host::Domain(_)) => return Ok(()),
            None => {
                return Err(FetchError::new(
                    ErrorKind::InvalidUrl,
                    format!("{} has no host", preview_url(url)),
                ))
            }
        };
        match forbidden_reason(&ip) {
            Some(reason) if !self.shared.allow_private => Err(FetchError::new(
                ErrorKind::Blocked,
                format!("{ip} is a {reason} address; refused (allow private networks to audit it)"),
            )),
            _ => Ok(()),
        }
    }

    /// Sends with bounded retries on connect errors, 429 and 5xx, honouring `Retry-After`.
    /// A response that is not valid HTTP (`bad_response`) is not retried: the server sends
    /// the same bytes again.
    async fn send(&self, url: &Url, deadline: Instant) -> Result<reqwest::Response, FetchError> {
        let mut attempt = 0;
        loop {
            let result = self.send_once(url, deadline).await;
            let retry_after = match &result {
                Ok(resp) if retryable_status(resp.status()) => retry_after(resp),
                Err(e) if e.kind == ErrorKind::Connect => None,
                _ => return result,
            };
            let backoff = retry_after.unwrap_or(Duration::from_millis(250 << attempt.min(4)));
            if attempt >= self.shared.retries
                || Instant::now() + backoff + Duration::from_millis(100) >= deadline
            {
                return result;
            }
            attempt += 1;
            tokio::time::sleep(backoff).await;
        }
    }

    async fn send_once(
        &self,
        url: &Url,
        deadline: Instant,
    ) -> Result<reqwest::Response, FetchError> {
        let timeout = self.timeout_until(deadline)?;
        let accept = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5";
        self.client()?
            .get(url.clone())
            .header(reqwest::header::ACCEPT, accept)
            .timeout(timeout)
            .send()
            .await
            .map_err(|e| classify(url, &e))
    }

    async fn read_body(
        &self,
        resp: &mut reqwest::Response,
        deadline: Instant,
    ) -> Result<(Vec<u8>, bool), FetchError> {
        let mut body = Vec::with_capacity(
            resp.content_length()
                .unwrap_or(32 * 1024)
                .min(self.shared.max_body as u64) as usize,
        );
        loop {
            let chunk = tokio::time::timeout_at(deadline, resp.chunk())
                .await
                .map_err(|_| {
                    FetchError::new(
                        ErrorKind::Timeout,
                        format!("{}: body not read in time", preview_url(resp.url())),
                    )
                })?
                .map_err(|e| classify(resp.url(), &e))?;
            let Some(chunk) = chunk else {
                return Ok((body, false));
            };
            let room = self.shared.max_body - body.len();
            if chunk.len() > room {
                body.extend_from_slice(&chunk[..room]);
                return Ok((body, true));
            }
            body.extend_from_slice(&chunk);
        }
    }

    fn timeout_until(&self, deadline: Instant) -> Result<Duration, FetchError> {
        let left = deadline.saturating_duration_since(Instant::now());
        if left < Duration::from_millis(20) {
            return Err(FetchError::new(
                ErrorKind::Timeout,
                "the lead's time budget is spent",
            ));
        }
        Ok(left.min(self.shared.request_timeout))
    }
}

fn retryable_status(s: StatusCode) -> bool {
    s == StatusCode::TOO_MANY_REQUESTS || matches!(s.as_u16(), 500 | 502 | 503 | 504)
}

/// `Retry-After` in seconds (dates are rare on small sites), capped so one lead is not stuck.
fn retry_after(resp: &reqwest::Response) -> Option<Duration> {
    let secs: u64 = resp
        .headers()
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(secs.min(10)))
}

fn redirect_target(from: &Url, resp: &reqwest::Response) -> Option<Result<Url, FetchError>> {
    if !resp.status().is_redirection() {
        return None;
    }
    let loc = resp.headers().get(LOCATION)?.to_str().ok()?;
    let target = from.join(loc.trim()).map_err(|e| {
        FetchError::new(
            ErrorKind::HttpStatus,
            format!(
                "bad redirect {:?} from {}: {e}",
                preview(loc),
                preview_url(from)
            ),
        )
    });
    Some(target.and_then(|mut u| {
        u.set_fragment(None);
        strip_credentials(&mut u);
        match url_too_long(u.as_str()) {
            Some(message) => Err(FetchError::new(
                ErrorKind::InvalidUrl,
                format!(
                    "{} redirects to a URL it cannot be followed to: {message}",
                    preview_url(from)
                ),
            )),
            None => Ok(u),
        }
    }))
}

fn header_pairs(resp: &reqwest::Response) -> Vec<(String, String)> {
    resp.headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// Expiry and issuer of the peer certificate, parsed once.
fn cert_details(resp: &reqwest::Response) -> (Option<DateTime<Utc>>, Option<String>) {
    let Some(der) = resp
        .extensions()
        .get::<reqwest::tls::TlsInfo>()
        .and_then(|tls| tls.peer_certificate())
    else {
        return (None, None);
    };
    let Ok((_, cert)) = x509_parser::parse_x509_certificate(der) else {
        return (None, None);
    };
    (
        DateTime::from_timestamp(cert.validity().not_after.timestamp(), 0),
        issuer_name(cert.issuer()),
    )
}

/// `O, CN` of a certificate's issuer (either alone when the other is missing).
fn issuer_name(issuer: &x509_parser::x509::X509Name<'_>) -> Option<String> {
    let org = issuer.iter_organization().find_map(|a| a.as_str().ok());
    let cn = issuer.iter_common_name().find_map(|a| a.as_str().ok());
    let parts: Vec<&str> = [org, cn]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Maps a reqwest error onto an [`ErrorKind`], finding our resolver's verdict or hyper's parse
/// error in the cause chain (reqwest → hyper-util's client error → `hyper::Error`).
fn classify(url: &Url, e: &reqwest::Error) -> FetchError {
    let url = preview_url(url);
    let mut source = e.source();
    let mut chain = String::new();
    while let Some(s) = source {
        if let Some(r) = s.downcast_ref::<ResolveError>() {
            let kind = match r {
                ResolveError::Dns { .. } => ErrorKind::Dns,
                ResolveError::Blocked { .. } => ErrorKind::Blocked,
            };
            return FetchError::new(kind, r.to_string());
        }
        if let Some(h) = s.downcast_ref::<hyper::Error>() {
            if h.is_parse() {
                return bad_response(&url, h);
            }
        }
        if let Some(h) = s.downcast_ref::<h2::Error>() {
            if let Some(why) = h2_refusal(h) {
                return FetchError::new(
                    ErrorKind::BadResponse,
                    format!("GET {url}: the server's HTTP/2 response was refused: {why} ({h})"),
                );
            }
        }
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        source = s.source();
    }
    let lower = chain.to_ascii_lowercase();
    let kind = if e.is_timeout() {
        ErrorKind::Timeout
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake")
    {
        ErrorKind::Tls
    } else {
        ErrorKind::Connect
    };
    let what = if e.is_timeout() {
        "timed out".to_owned()
    } else {
        format!("failed{chain}")
    };
    FetchError::new(kind, format!("GET {url} {what}"))
}

/// The `bad_response` error of a response hyper could not parse. `is_parse_too_large` needs
/// hyper's server feature, so a head over the limits is told apart by hyper's own wording.
fn bad_response(url: &str, e: &hyper::Error) -> FetchError {
    let what = e.to_string();
    let why = if what.contains("too large") {
        "its headers are larger than the client reads (100 header lines, about 400 KiB)"
    } else {
        "its status line or a header line is malformed"
    };
    FetchError::new(
        ErrorKind::BadResponse,
        format!("GET {url}: the server's response is not valid HTTP: {why} ({what})"),
    )
}

/// Why our HTTP/2 codec refused a server's response, or `None` for anything else (an I/O
/// error, a reset or GOAWAY the server sent, a refused stream the server may take on retry).
/// The codec resets a stream whose header block is over [`MAX_H2_HEADER_LIST_BYTES`] or
/// malformed with `PROTOCOL_ERROR`, and closes a connection whose header compression it cannot
/// follow, or whose header block is far over the limit, with `COMPRESSION_ERROR` or
/// `ENHANCE_YOUR_CALM`: the same bytes would come back, so none of these is retried.
fn h2_refusal(e: &h2::Error) -> Option<&'static str> {
    if !e.is_library() {
        return None;
    }
    match e.reason()? {
        h2::Reason::PROTOCOL_ERROR => Some(
            "its header block is over the client's 256 KiB limit or malformed, \
             or it broke the protocol",
        ),
        h2::Reason::COMPRESSION_ERROR | h2::Reason::ENHANCE_YOUR_CALM => {
            Some("its header block is far over the client's 256 KiB limit or not decodable")
        }
        h2::Reason::FRAME_SIZE_ERROR => Some("a frame is larger than the client accepts"),
        _ => None,
    }
}

#[cfg(test)]
mod h2_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_limit_is_inclusive_and_its_message_short() {
        let at = format!("http://a.test/{}", "p".repeat(MAX_URL_BYTES - 14));
        assert_eq!(at.len(), MAX_URL_BYTES);
        assert_eq!(url_too_long(&at), None);
        let over = format!("{at}{}", "q".repeat(100_000));
        let message = url_too_long(&over).expect("too long");
        assert!(
            message.contains(&format!("{} bytes long", over.len())),
            "{message}"
        );
        assert!(message.len() < 400, "{}", message.len());
    }

    /// A DER-encoded X.509 name from (attribute OID tail, value) pairs under 2.5.4.
    fn name_der(attrs: &[(u8, &str)]) -> Vec<u8> {
        let tlv = |tag: u8, content: Vec<u8>| {
            let mut out = vec![tag, u8::try_from(content.len()).expect("short")];
            out.extend(content);
            out
        };
        let rdns: Vec<u8> = attrs
            .iter()
            .flat_map(|&(oid, value)| {
                let mut atv = tlv(0x06, vec![0x55, 0x04, oid]);
                atv.extend(tlv(0x0c, value.as_bytes().to_vec()));
                tlv(0x31, tlv(0x30, atv))
            })
            .collect();
        tlv(0x30, rdns)
    }

    #[test]
    fn the_issuer_reads_organisation_then_common_name() {
        use x509_parser::prelude::FromDer;
        let issuer = |attrs: &[(u8, &str)]| {
            let der = name_der(attrs);
            let (_, name) = x509_parser::x509::X509Name::from_der(&der).expect("a name");
            issuer_name(&name)
        };
        assert_eq!(
            issuer(&[(6, "US"), (10, "Let's Encrypt"), (3, "R3")]).as_deref(),
            Some("Let's Encrypt, R3")
        );
        assert_eq!(issuer(&[(3, "Only CN")]).as_deref(), Some("Only CN"));
        assert_eq!(issuer(&[(6, "US"), (10, " ")]), None);
    }
}
