//! Who is asking: the client's address. Behind a reverse proxy the TCP peer is the proxy, so the
//! address comes from the forwarding headers (`Forwarded`, else `X-Forwarded-For`) — but only
//! when the peer is one of the configured trusted proxies (`--trusted-proxies`), and only as far
//! back as the chain runs through trusted proxies: the first untrusted hop from the right is the
//! client. Anything a client writes into those headers itself lies left of that and is ignored.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, Request};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

use crate::domain::client::canonical;

/// The proxies whose forwarding headers are believed (shared: every request's middleware holds
/// the list).
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(std::sync::Arc<[IpNet]>);

impl TrustedProxies {
    /// A comma-separated list of addresses or CIDR blocks (`127.0.0.1/32, 10.0.0.0/8, ::1`);
    /// empty trusts nobody.
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("not an address or CIDR block: {s}"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|list| TrustedProxies(list.into()))
    }

    /// This machine only (127.0.0.1, ::1).
    pub fn loopback() -> TrustedProxies {
        TrustedProxies(std::sync::Arc::new([
            IpNet::from(IpAddr::from([127, 0, 0, 1])),
            IpNet::from(IpAddr::from(std::net::Ipv6Addr::LOCALHOST)),
        ]))
    }

    pub fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|n| n.contains(&ip))
    }
}

/// One hop of a forwarding header: `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]:4711`,
/// `"[2001:db8::1]"`; `None` for `unknown`, obfuscated names or anything else.
fn hop(text: &str) -> Option<IpAddr> {
    let t = text.trim().trim_matches('"');
    if let Ok(ip) = t.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(sock) = t.parse::<SocketAddr>() {
        return Some(sock.ip());
    }
    t.strip_prefix('[')
        .and_then(|r| r.split(']').next())
        .and_then(|inner| inner.parse::<Ipv6Addr>().ok())
        .map(IpAddr::V6)
}

/// The hops the proxies recorded, oldest first: RFC 7239 `Forwarded: for=…` if present, else
/// `X-Forwarded-For`. Every instance of the header, in order.
fn forwarded_hops(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let values = |name: &str| -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::to_string)
            .collect()
    };
    let forwarded = values("forwarded");
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.split_once('='))
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
                    .and_then(|(_, v)| hop(v))
            })
            .collect();
    }
    values("x-forwarded-for").iter().map(|h| hop(h)).collect()
}

/// The client's address for a request that arrived from `peer`.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> IpAddr {
    let mut client = canonical(peer);
    if !trusted.trusts(client) {
        return client;
    }
    for hop in forwarded_hops(headers).into_iter().rev() {
        match hop {
            // A hop a trusted proxy could not name: the proxy is as far as we can see.
            None => return client,
            Some(ip) => {
                client = canonical(ip);
                if !trusted.trusts(client) {
                    return client;
                }
            }
        }
    }
    client
}

/// The client's address, worked out once per request by `resolve` (absent for in-process
/// requests without a peer, as tests send them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<ClientAddr>()
            .copied()
            .unwrap_or(ClientAddr(IpAddr::V6(Ipv6Addr::UNSPECIFIED))))
    }
}

/// Middleware: records the request's `ClientAddr` from the peer and the trusted proxies' headers.
pub async fn resolve(trusted: TrustedProxies, mut req: Request, next: Next) -> Response {
    if let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        let ip = client_address(peer.ip(), req.headers(), &trusted);
        req.extensions_mut().insert(ClientAddr(ip));
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().expect("header"));
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_writes() {
        let trusted = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").expect("list");
        let h = headers(&[("x-forwarded-for", "1.2.3.4")]);
        assert_eq!(
            client_address(ip("203.0.113.5"), &h, &trusted),
            ip("203.0.113.5")
        );
        let nobody = TrustedProxies::default();
        assert_eq!(
            client_address(ip("127.0.0.1"), &h, &nobody),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn behind_trusted_proxies_the_first_untrusted_hop_from_the_right_is_the_client() {
        let trusted = TrustedProxies::parse("127.0.0.1/32,10.0.0.0/8").expect("list");
        // The client forged a first entry; the edge proxy appended the real address, an inner
        // proxy its own.
        let h = headers(&[("x-forwarded-for", "9.9.9.9, 198.51.100.7, 10.1.2.3")]);
        assert_eq!(
            client_address(ip("127.0.0.1"), &h, &trusted),
            ip("198.51.100.7")
        );
        // Several header lines are one list, in order.
        let h = headers(&[
            ("x-forwarded-for", "9.9.9.9"),
            ("x-forwarded-for", "198.51.100.8"),
        ]);
        assert_eq!(
            client_address(ip("127.0.0.1"), &h, &trusted),
            ip("198.51.100.8")
        );
        // No header: the proxy itself.
        assert_eq!(
            client_address(ip("127.0.0.1"), &HeaderMap::new(), &trusted),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn rfc_7239_forwarded_is_read_first_with_ports_and_ipv6() {
        let trusted = TrustedProxies::parse("::1").expect("list");
        let h = headers(&[
            ("forwarded", r#"for="[2001:db8:cafe::17]:4711";proto=https"#),
            ("x-forwarded-for", "1.1.1.1"),
        ]);
        assert_eq!(
            client_address(ip("::1"), &h, &trusted),
            ip("2001:db8:cafe::17")
        );
        let h = headers(&[("forwarded", "for=192.0.2.60:8080;by=203.0.113.43")]);
        assert_eq!(client_address(ip("::1"), &h, &trusted), ip("192.0.2.60"));
        // An obfuscated hop: the proxy is as far as can be seen.
        let h = headers(&[("forwarded", "for=_hidden")]);
        assert_eq!(client_address(ip("::1"), &h, &trusted), ip("::1"));
    }

    #[test]
    fn a_mapped_ipv4_peer_is_trusted_as_ipv4_and_a_bad_list_is_refused() {
        let trusted = TrustedProxies::parse("127.0.0.1").expect("list");
        assert!(trusted.trusts(ip("::ffff:127.0.0.1")));
        assert!(TrustedProxies::parse("10.0.0.0/8, nonsense").is_err());
    }
}
