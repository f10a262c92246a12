//! The SSRF guard: which addresses a lead's website may resolve to.
//!
//! Checked on the resolved address of every connection (the resolver refuses forbidden
//! addresses), so redirects and DNS rebinding get no gap; IP-literal URLs, which skip the
//! resolver, are checked before each request and each redirect hop.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why an address is refused, or `None` when it is a public unicast address.
pub fn forbidden_reason(ip: &IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_reason(v4),
        IpAddr::V6(v6) => v6_reason(v6),
    }
}

/// True when the address is publicly routable and may be fetched.
pub fn is_public(ip: &IpAddr) -> bool {
    forbidden_reason(ip).is_none()
}

fn v4_reason(ip: &Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match () {
        _ if ip.is_unspecified() || a == 0 => "unspecified (0.0.0.0/8)",
        _ if ip.is_loopback() => "loopback (127.0.0.0/8)",
        _ if ip.is_private() => "private (RFC 1918)",
        _ if ip.is_link_local() => "link-local (169.254.0.0/16, cloud metadata)",
        _ if a == 100 && (64..128).contains(&b) => "carrier-grade NAT (100.64.0.0/10)",
        _ if ip.is_multicast() => "multicast (224.0.0.0/4)",
        _ if ip.is_broadcast() => "broadcast",
        _ if a >= 240 => "reserved (240.0.0.0/4)",
        _ if a == 192 && b == 0 && c == 0 => "IETF protocol assignments (192.0.0.0/24)",
        _ if (a == 192 && b == 0 && c == 2)
            || (a == 198 && b == 51 && c == 100)
            || (a == 203 && b == 0 && c == 113) =>
        {
            "documentation (TEST-NET)"
        }
        _ if a == 198 && (b == 18 || b == 19) => "benchmarking (198.18.0.0/15)",
        _ => return None,
    })
}

fn v6_reason(ip: &Ipv6Addr) -> Option<&'static str> {
    // An IPv4 address dressed as IPv6 is judged as the IPv4 address it reaches.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return v4_reason(&v4);
    }
    let seg = ip.segments();
    Some(match () {
        _ if ip.is_unspecified() => "unspecified (::)",
        _ if ip.is_loopback() => "loopback (::1)",
        _ if ip.is_multicast() => "multicast (ff00::/8)",
        _ if seg[0] & 0xfe00 == 0xfc00 => "unique local (fc00::/7)",
        _ if seg[0] & 0xffc0 == 0xfe80 => "link-local (fe80::/10)",
        _ if seg[0] & 0xffc0 == 0xfec0 => "site-local (fec0::/10)",
        _ if seg[0] == 0x2001 && seg[1] == 0x0db8 => "documentation (2001:db8::/32)",
        // IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16) embed an IPv4 address.
        _ if seg[..6] == [0, 0, 0, 0, 0, 0] => {
            return v4_reason(&Ipv4Addr::from(((seg[6] as u32) << 16) | seg[7] as u32))
                .or(Some("IPv4-compatible IPv6"));
        }
        _ if seg[0] == 0x64 && seg[1] == 0xff9b => {
            return v4_reason(&Ipv4Addr::from(((seg[6] as u32) << 16) | seg[7] as u32));
        }
        _ if seg[0] == 0x2002 => {
            return v4_reason(&Ipv4Addr::from(((seg[1] as u32) << 16) | seg[2] as u32))
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use url::{Host, Url};

    fn refused(s: &str) -> bool {
        forbidden_reason(&s.parse().unwrap()).is_some()
    }

    #[test]
    fn every_refused_ipv4_range() {
        for ip in [
            "0.0.0.0",
            "0.1.2.3",
            "127.0.0.1",
            "127.255.255.254",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.255",
            "224.0.0.1",
            "239.255.255.250",
            "255.255.255.255",
            "240.0.0.1",
            "192.0.0.8",
            "192.0.2.1",
            "198.51.100.1",
            "203.0.113.1",
            "198.18.0.1",
        ] {
            assert!(refused(ip), "{ip} must be refused");
        }
    }

    #[test]
    fn public_ipv4_is_allowed() {
        for ip in [
            "8.8.8.8",
            "93.184.216.34",
            "172.32.0.1",
            "100.128.0.1",
            "1.1.1.1",
            "192.169.0.1",
        ] {
            assert!(!refused(ip), "{ip} is public");
        }
    }

    #[test]
    fn every_refused_ipv6_range() {
        for ip in [
            "::",
            "::1",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "fec0::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:10.1.2.3",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
        ] {
            assert!(refused(ip), "{ip} must be refused");
        }
        assert!(!refused("2606:4700::6810:84e5"));
        assert!(!refused("::ffff:8.8.8.8"));
    }

    /// Browsers (and the `url` crate) read decimal, octal and hex IPv4 spellings as the
    /// address they encode: the guard sees the address, not the spelling.
    #[test]
    fn odd_ipv4_spellings_reach_the_guard_as_addresses() {
        for spelled in [
            "http://2130706433/",
            "http://0177.0.0.1/",
            "http://0x7f.0.0.1/",
            "http://127.1/",
            "http://017700000001/",
            "http://0xa9fea9fe/",
            "http://[::ffff:7f00:1]/",
        ] {
            let url = Url::parse(spelled).unwrap();
            let ip: std::net::IpAddr = match url.host() {
                Some(Host::Ipv4(ip)) => ip.into(),
                Some(Host::Ipv6(ip)) => ip.into(),
                other => panic!("{spelled} parsed as {other:?}"),
            };
            assert!(!is_public(&ip), "{spelled} → {ip} must be refused");
        }
    }
}
