//! Who a client is, for counting its requests: an IPv4 address, or the /64 network of an IPv6
//! address — one subscriber's line, whose host half the subscriber may rotate at will. An IPv4
//! address written as IPv6 (`::ffff:1.2.3.4`) is the IPv4 address.

use std::net::{IpAddr, Ipv6Addr};

/// `::ffff:1.2.3.4` → `1.2.3.4`; anything else as it is.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The address limits count by.
pub fn limit_key(ip: IpAddr) -> IpAddr {
    match canonical(ip) {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn ipv6_counts_by_its_64_network_and_mapped_ipv4_is_ipv4() {
        assert_eq!(
            limit_key(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd")),
            limit_key(ip("2001:db8:1:2::9"))
        );
        assert_ne!(
            limit_key(ip("2001:db8:1:2::9")),
            limit_key(ip("2001:db8:1:3::9"))
        );
        assert_eq!(limit_key(ip("::ffff:203.0.113.1")), ip("203.0.113.1"));
        assert_eq!(limit_key(ip("203.0.113.1")), ip("203.0.113.1"));
    }
}
