//! RDAP domain queries (RFC 9082 paths, RFC 9083 responses).

use chrono::{DateTime, Utc};
use serde::Deserialize;
use url::Url;

use super::dates::parse_date;
use super::net::{read_capped, RegistryClient};

/// A domain object is a few KiB; a cap keeps a misbehaving server from feeding us megabytes.
const MAX_BYTES: usize = 1024 * 1024;

/// What a registry's RDAP service said about a domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Answer {
    /// The domain's `registration` event.
    Registered(DateTime<Utc>),
    /// A domain object without a usable registration event.
    NoDate,
    /// HTTP 404: the registry has no such domain.
    NotFound,
}

#[derive(Deserialize)]
struct DomainObject {
    #[serde(rename = "objectClassName")]
    object_class_name: Option<String>,
    #[serde(default)]
    events: Vec<Event>,
}

#[derive(Deserialize)]
struct Event {
    #[serde(rename = "eventAction")]
    action: String,
    #[serde(rename = "eventDate")]
    date: Option<String>,
}

/// Asks the RDAP service at `base` about `domain`.
pub(crate) async fn query(
    f: &RegistryClient<'_>,
    base: &Url,
    domain: &str,
) -> Result<Answer, String> {
    let url = base
        .join(&format!("domain/{domain}"))
        .map_err(|e| format!("RDAP URL from {base}: {e}"))?;
    f.resolver.check_url(&url)?;
    let _turn = f.limiter.acquire(url.host_str().unwrap_or_default()).await;
    let resp = f
        .client
        .get(url.clone())
        .header(
            reqwest::header::ACCEPT,
            "application/rdap+json, application/json",
        )
        .send()
        .await
        .map_err(|e| format!("RDAP {url}: {e}"))?;
    match resp.status().as_u16() {
        404 => return Ok(Answer::NotFound),
        200..=299 => {}
        s => return Err(format!("RDAP {url}: HTTP {s}")),
    }
    let body = read_capped(resp, MAX_BYTES).await?;
    parse_domain(&body).map_err(|e| format!("RDAP {url}: {e}"))
}

/// The registration date in an RDAP domain object.
pub(crate) fn parse_domain(body: &[u8]) -> Result<Answer, String> {
    let obj: DomainObject =
        serde_json::from_slice(body).map_err(|e| format!("malformed RDAP body: {e}"))?;
    if obj
        .object_class_name
        .as_deref()
        .is_some_and(|c| !c.eq_ignore_ascii_case("domain"))
    {
        return Err("RDAP body is not a domain object".into());
    }
    let registered = obj
        .events
        .iter()
        .filter(|e| e.action.eq_ignore_ascii_case("registration"))
        .find_map(|e| e.date.as_deref().and_then(parse_date));
    Ok(registered.map_or(Answer::NoDate, Answer::Registered))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn registration_event() {
        let body = br#"{"objectClassName":"domain","ldhName":"EXAMPLE.COM","events":[
            {"eventAction":"expiration","eventDate":"2030-05-14T04:00:00Z"},
            {"eventAction":"registration","eventDate":"2001-05-14T04:00:00Z"},
            {"eventAction":"last update of RDAP database","eventDate":"2024-01-01T00:00:00Z"}]}"#;
        let Answer::Registered(d) = parse_domain(body).unwrap() else {
            panic!("no date")
        };
        assert_eq!(d.to_rfc3339(), "2001-05-14T04:00:00+00:00");
    }

    #[test]
    fn no_registration_event() {
        let body = br#"{"objectClassName":"domain","events":[
            {"eventAction":"last changed","eventDate":"2024-01-01T00:00:00Z"}]}"#;
        assert_eq!(parse_domain(body), Ok(Answer::NoDate));
        assert_eq!(
            parse_domain(br#"{"objectClassName":"domain"}"#),
            Ok(Answer::NoDate)
        );
    }

    #[test]
    fn malformed_bodies() {
        assert!(parse_domain(b"<html><body>502 Bad Gateway</body></html>").is_err());
        assert!(parse_domain(br#"{"objectClassName":"domain","events":[{"#).is_err());
        assert!(parse_domain(br#"{"objectClassName":"entity","events":[]}"#).is_err());
    }
}
