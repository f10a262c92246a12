//! The result's error kinds (`error.kind`) and the core's error type.

use serde::{Deserialize, Serialize};

/// The stable, machine-readable kinds of a result's `error.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// No URL, or one that cannot be parsed.
    InvalidUrl,
    /// Refused by the SSRF guard.
    Blocked,
    /// The name does not resolve.
    Dns,
    /// Connection refused or reset.
    Connect,
    /// TLS handshake or certificate failure.
    Tls,
    /// The server answered with a response that is not valid HTTP: a malformed status line
    /// or header line (one without a colon, a bad name), or a head larger than the client
    /// reads (more than 100 header lines or about 400 KiB). A server defect, not retried.
    BadResponse,
    /// A request or the whole lead took too long.
    Timeout,
    /// 4xx/5xx on the home page.
    HttpStatus,
    /// The home page is not HTML.
    NotHtml,
    /// The body was larger than the cap; the first part was used.
    TooLarge,
    /// robots.txt disallows the page.
    Robots,
    /// The browser could not render the page.
    Browser,
    /// A defect of ours: analysing a fetched page failed unexpectedly. The pages that were
    /// fetched are kept in the result; nothing found on the failed page is.
    Internal,
}

impl ErrorKind {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidUrl => "invalid_url",
            Self::Blocked => "blocked",
            Self::Dns => "dns",
            Self::Connect => "connect",
            Self::Tls => "tls",
            Self::BadResponse => "bad_response",
            Self::Timeout => "timeout",
            Self::HttpStatus => "http_status",
            Self::NotHtml => "not_html",
            Self::TooLarge => "too_large",
            Self::Robots => "robots",
            Self::Browser => "browser",
            Self::Internal => "internal",
        }
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Errors a caller of the core can act on. Site problems are not errors: they are results.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An option has a bad value.
    #[error("invalid option: {0}")]
    InvalidOptions(String),
    /// A fingerprint dataset could not be loaded.
    #[error("fingerprints: {0}")]
    Fingerprints(#[from] lead_audit_detect::Error),
    /// The HTTP client could not be built.
    #[error("http client: {0}")]
    Client(String),
    /// The caller cancelled the audit.
    #[error("cancelled")]
    Cancelled,
}
