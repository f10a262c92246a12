//! WHOIS over TCP port 43 (RFC 3912), the fallback for TLDs without RDAP service.
//!
//! A thin registry (Verisign's .com) may point to the registrar's server; IANA's server
//! points from a TLD to its registry. Responses are free text: the fields we read and the
//! "not found" phrases live in `data/domain_whois_fields.json`.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::dates::parse_date;
use super::net::{Limiter, Resolver};

/// The well-known WHOIS port.
const WHOIS_PORT: u16 = 43;

/// Full records are a few KiB; more is a misbehaving server.
const MAX_BYTES: u64 = 256 * 1024;

/// Servers asked for one domain: the first, a referral, and for IANA-routed TLDs a second.
const MAX_SERVERS: usize = 3;

/// The key of the catch-all entry of a server map: a directory that refers per TLD.
const DEFAULT_KEY: &str = "*";

static BUILTIN_SERVERS: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../data/domain_whois_servers.json"))
        .expect("data/domain_whois_servers.json is a JSON object of strings")
});

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Fields {
    creation: Vec<String>,
    referral: Vec<String>,
    not_found: Vec<String>,
}

static FIELDS: LazyLock<Fields> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../data/domain_whois_fields.json"))
        .expect("data/domain_whois_fields.json has creation, referral and notFound lists")
});

/// The built-in TLD → WHOIS server map.
pub fn builtin_servers() -> &'static HashMap<String, String> {
    &BUILTIN_SERVERS
}

/// A WHOIS server: `whois.nic.uk`, `127.0.0.1:4343`, `[::1]:4343`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Server {
    pub host: String,
    pub port: u16,
}

impl Server {
    pub(crate) fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase();
        let s = ["whois://", "rwhois://", "https://", "http://"]
            .iter()
            .find_map(|p| s.strip_prefix(p))
            .unwrap_or(&s);
        let s = s.split('/').next().unwrap_or_default();
        if let Ok(addr) = s.parse::<std::net::SocketAddr>() {
            return Some(Self {
                host: addr.ip().to_string(),
                port: addr.port(),
            });
        }
        let (host, port) = match s.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => (h, p.parse().ok()?),
            _ => (s, WHOIS_PORT),
        };
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .trim_end_matches('.');
        let valid = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:".contains(c));
        valid.then(|| Self {
            host: host.to_owned(),
            port,
        })
    }
}

impl std::fmt::Display for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.host, self.port)
    }
}

/// What a WHOIS exchange established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Answer {
    Registered(DateTime<Utc>),
    NotFound,
}

/// The facts in one WHOIS response.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Parsed {
    pub created: Option<DateTime<Utc>>,
    pub referral: Option<Server>,
    pub not_found: bool,
}

/// Reads the creation date, a referral and "not found" from a response.
pub(crate) fn parse_response(text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with(['%', '#', ';']) {
            continue;
        }
        let Some((key, value)) = split_field(line) else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        if parsed.created.is_none() && FIELDS.creation.contains(&key) {
            parsed.created = parse_date(value);
        }
        if parsed.referral.is_none() && FIELDS.referral.contains(&key) {
            parsed.referral = Server::parse(value);
        }
    }
    if parsed.created.is_none() {
        let lower = text.to_ascii_lowercase();
        parsed.not_found = FIELDS.not_found.iter().any(|p| lower.contains(p.as_str()));
    }
    parsed
}

/// `Creation Date: x`, `created.......: x` (.fi), `[Created on] x` (.jp) → (key, value).
fn split_field(line: &str) -> Option<(String, &str)> {
    let (key, value) = if let Some(rest) = line.strip_prefix('[') {
        rest.split_once(']')?
    } else {
        line.split_once(':')?
    };
    let key = key
        .trim()
        .trim_end_matches('.')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    Some((key, value.trim()))
}

/// Picks servers and asks them.
#[derive(Debug)]
pub(crate) struct Whois {
    servers: HashMap<String, String>,
}

/// What a WHOIS exchange needs from the lookup service.
pub(crate) struct Net<'a> {
    pub resolver: &'a Resolver,
    pub limiter: &'a Limiter,
    pub timeout: std::time::Duration,
}

impl Whois {
    /// The built-in map with `overrides` laid over it; an empty value removes a TLD.
    pub(crate) fn new(overrides: &HashMap<String, String>) -> Self {
        let mut servers = BUILTIN_SERVERS.clone();
        for (tld, server) in overrides {
            let tld = tld.trim_matches('.').to_ascii_lowercase();
            if server.trim().is_empty() {
                servers.remove(&tld);
            } else {
                servers.insert(tld, server.trim().to_owned());
            }
        }
        Self { servers }
    }

    /// The server for `domain` by longest label suffix, and whether it is the catch-all.
    fn server_for(&self, domain: &str) -> Option<(Server, bool)> {
        let mut rest = domain;
        loop {
            if let Some(s) = self.servers.get(rest) {
                return Server::parse(s).map(|s| (s, false));
            }
            match rest.split_once('.') {
                Some((_, tail)) => rest = tail,
                None => break,
            }
        }
        let s = self.servers.get(DEFAULT_KEY)?;
        Server::parse(s).map(|s| (s, true))
    }

    /// The creation date of `domain`, following referrals.
    pub(crate) async fn lookup(&self, net: &Net<'_>, domain: &str) -> Result<Answer, String> {
        let (mut server, directory) = self
            .server_for(domain)
            .ok_or_else(|| format!("no WHOIS server for {domain}"))?;
        if directory {
            // A directory (IANA) describes the TLD itself, creation date included: ask it
            // only for the TLD's registry.
            let tld = super::registrable::tld(domain);
            let text = ask(net, &server, tld).await?;
            server = parse_response(&text)
                .referral
                .ok_or_else(|| format!("{server} knows no WHOIS server for .{tld}"))?;
        }
        let mut asked: Vec<Server> = Vec::new();
        loop {
            let text = ask(net, &server, domain).await?;
            let parsed = parse_response(&text);
            if let Some(created) = parsed.created {
                return Ok(Answer::Registered(created));
            }
            if parsed.not_found {
                return Ok(Answer::NotFound);
            }
            asked.push(server.clone());
            match parsed.referral {
                Some(next) if !asked.contains(&next) && asked.len() < MAX_SERVERS => server = next,
                _ => return Err(format!("{server} gave no creation date for {domain}")),
            }
        }
    }
}

/// One WHOIS exchange: send the query line, read until the server closes.
async fn ask(net: &Net<'_>, server: &Server, query: &str) -> Result<String, String> {
    let _turn = net.limiter.acquire(&server.host).await;
    let exchange = async {
        let addrs = net
            .resolver
            .resolve(&server.host, server.port)
            .await
            .map_err(|e| e.to_string())?;
        let mut stream = TcpStream::connect(&addrs[..])
            .await
            .map_err(|e| format!("connect: {e}"))?;
        stream
            .write_all(format!("{query}\r\n").as_bytes())
            .await
            .map_err(|e| format!("send: {e}"))?;
        let mut buf = Vec::new();
        (&mut stream)
            .take(MAX_BYTES)
            .read_to_end(&mut buf)
            .await
            .map_err(|e| format!("read: {e}"))?;
        // Registries answer in ASCII, UTF-8 or Latin-1; dates and keys are ASCII either way.
        Ok::<_, String>(String::from_utf8_lossy(&buf).into_owned())
    };
    tokio::time::timeout(net.timeout, exchange)
        .await
        .map_err(|_| format!("WHOIS {server}: timed out"))?
        .map_err(|e| format!("WHOIS {server}: {e}"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn server_specs() {
        let s = |x: &str| Server::parse(x).map(|s| s.to_string());
        assert_eq!(s("whois.nic.uk").as_deref(), Some("whois.nic.uk:43"));
        assert_eq!(
            s("WHOIS.Example.com.").as_deref(),
            Some("whois.example.com:43")
        );
        assert_eq!(s("127.0.0.1:4343").as_deref(), Some("127.0.0.1:4343"));
        assert_eq!(s("[::1]:4343").as_deref(), Some("::1:4343"));
        assert_eq!(
            s("whois://whois.ripe.net").as_deref(),
            Some("whois.ripe.net:43")
        );
        assert_eq!(
            s("http://whois.registrar.example/").as_deref(),
            Some("whois.registrar.example:43")
        );
        assert_eq!(s("not a server"), None);
        assert_eq!(s(""), None);
    }

    #[test]
    fn builtin_map_and_overrides() {
        assert_eq!(builtin_servers()["com"], "whois.verisign-grs.com");
        let mut over = HashMap::new();
        over.insert("uk".to_owned(), "127.0.0.1:4343".to_owned());
        over.insert(".de".to_owned(), String::new());
        let w = Whois::new(&over);
        assert_eq!(
            w.server_for("example.co.uk").unwrap().0.to_string(),
            "127.0.0.1:4343"
        );
        assert_eq!(
            w.server_for("example.co.za").unwrap().0.host,
            "whois.registry.net.za"
        );
        let (iana, directory) = w.server_for("example.de").unwrap();
        assert!(directory, "a removed TLD falls to the directory");
        assert_eq!(iana.host, "whois.iana.org");
    }

    #[test]
    fn parses_fields_in_their_many_spellings() {
        let p = parse_response(
            "Domain Name: EXAMPLE.COM\r\n   Creation Date: 2001-05-14T04:00:00Z\r\n",
        );
        assert_eq!(p.created.unwrap().to_rfc3339(), "2001-05-14T04:00:00+00:00");
        let p = parse_response("    Relevant dates:\n        Registered on: before Aug-1996\n");
        assert_eq!(p.created.unwrap().to_rfc3339(), "1996-08-01T00:00:00+00:00");
        let p = parse_response("created..............: 14.5.2001 12:00:00\n");
        assert_eq!(p.created.unwrap().to_rfc3339(), "2001-05-14T12:00:00+00:00");
        let p = parse_response("[Created on]                    2001/05/14\n");
        assert_eq!(p.created.unwrap().to_rfc3339(), "2001-05-14T00:00:00+00:00");
        let p = parse_response("[登録年月日]                    2001/05/14\n");
        assert_eq!(p.created.unwrap().to_rfc3339(), "2001-05-14T00:00:00+00:00");
        let p = parse_response("등록일                      : 2001. 05. 14.\n");
        assert_eq!(p.created.unwrap().to_rfc3339(), "2001-05-14T00:00:00+00:00");
        let p = parse_response("domain_dateregistered: 20010514\n");
        assert_eq!(p.created.unwrap().to_rfc3339(), "2001-05-14T00:00:00+00:00");
        let p = parse_response("Registration Time: 2001-05-14 12:00:00\n");
        assert!(p.created.is_some());
    }

    #[test]
    fn comments_and_referrals() {
        let p = parse_response("% created: 1999-01-01\nrefer:        whois.nic.example\n");
        assert_eq!(p.created, None, "comment lines are not data");
        assert_eq!(p.referral.unwrap().host, "whois.nic.example");
        let p = parse_response("   Registrar WHOIS Server: whois.registrar.example\n");
        assert_eq!(p.referral.unwrap().host, "whois.registrar.example");
    }

    #[test]
    fn not_found_phrases() {
        assert!(parse_response("No match for \"NOPE.COM\".\r\n>>> Last update").not_found);
        assert!(parse_response("\n    This domain name has not been registered.\n").not_found);
        assert!(!parse_response("Creation Date: 2001-05-14\nnot found").not_found);
    }
}
