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
        return v4_reason(&v4).or(None);
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
