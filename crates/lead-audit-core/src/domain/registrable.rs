//! The registrable domain of a host, from the public suffix list.

use std::net::IpAddr;

/// The name a registry knows for `host`: `www.shop.example.co.uk` → `example.co.uk`.
///
/// `None` for IP addresses, `localhost`, names under a suffix the list does not know
/// (`intranet.local`), and names under a private suffix such as `github.io` or
/// `blogspot.com`: a site there owns no registration of its own, and the hosting
/// company's domain age says nothing about the lead.
pub fn registrable_domain(host: &str) -> Option<String> {
    let host = host
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    if host.is_empty() || host.parse::<IpAddr>().is_ok() || host.contains([':', '/', '@', ' ']) {
        return None;
    }
    let domain = psl::domain(host.as_bytes())?;
    let suffix = domain.suffix();
    if !suffix.is_known() || suffix.typ() != Some(psl::Type::Icann) {
        return None;
    }
    std::str::from_utf8(domain.as_bytes())
        .ok()
        .map(str::to_owned)
}

/// The top-level label of a registrable domain (`example.co.uk` → `uk`).
pub fn tld(domain: &str) -> &str {
    domain.rsplit('.').next().unwrap_or(domain)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn reg(h: &str) -> Option<String> {
        registrable_domain(h)
    }

    #[test]
    fn strips_subdomains_to_the_registrable_part() {
        assert_eq!(
            reg("www.shop.example.co.uk").as_deref(),
            Some("example.co.uk")
        );
        assert_eq!(reg("example.com").as_deref(), Some("example.com"));
        assert_eq!(reg("WWW.Example.COM.").as_deref(), Some("example.com"));
        assert_eq!(reg("a.b.c.example.de").as_deref(), Some("example.de"));
        assert_eq!(
            reg("shop.example.com.au").as_deref(),
            Some("example.com.au")
        );
        assert_eq!(
            reg("www.xn--mller-kva.de").as_deref(),
            Some("xn--mller-kva.de")
        );
    }

    #[test]
    fn no_domain_for_addresses_and_local_names() {
        assert_eq!(reg("127.0.0.1"), None);
        assert_eq!(reg("[::1]"), None);
        assert_eq!(reg("::1"), None);
        assert_eq!(reg("localhost"), None);
        assert_eq!(reg("foo.localhost"), None);
        assert_eq!(reg("printer.local"), None);
        assert_eq!(
            reg("co.uk"),
            None,
            "a bare public suffix has no registrable part"
        );
        assert_eq!(reg("com"), None);
        assert_eq!(reg(""), None);
    }

    #[test]
    fn no_domain_under_private_suffixes() {
        assert_eq!(reg("mybiz.github.io"), None);
        assert_eq!(reg("mybiz.blogspot.com"), None);
    }

    #[test]
    fn tld_is_the_last_label() {
        assert_eq!(tld("example.co.uk"), "uk");
        assert_eq!(tld("example.com"), "com");
    }
}
