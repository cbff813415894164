//! Webhooks (the push half of the event feed): a machine client subscribes an address and gets
//! a secret; each event it may see is sent there in order, signed as the Standard Webhooks
//! scheme says (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256
//! over "id.timestamp.body">`, the key the secret's bytes after `whsec_`), so the receiver can
//! tell it is ours and not replayed. A failed delivery is tried again after a growing wait;
//! after [`MAX_FAILURES`] in a row the subscription is dead (the dead-letter list) until its
//! owner or an administrator sends it again.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::error::Invalid;

/// Failures in a row after which a subscription stops (dead) until it is sent again.
pub const MAX_FAILURES: i64 = 8;
/// The longest wait between tries (seconds).
pub const MAX_WAIT: i64 = 3600;
/// How long one instance holds a subscription while it delivers (seconds): a run stops
/// sending after half of it, and one post waits at most [`POST_TIMEOUT`], so the lease never
/// runs out mid-run; an instance that dies holding it holds it no longer than this.
pub const LEASE: i64 = 20;
/// The longest one delivery waits for the receiver (seconds).
pub const POST_TIMEOUT: u64 = 5;
/// Events sent in one run for one subscription.
pub const BATCH: i64 = 50;
/// The longest address taken.
const MAX_URL: usize = 2000;

/// A new secret: `whsec_` and 32 random bytes in base64.
pub fn new_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    format!("whsec_{}", STANDARD.encode(bytes))
}

/// The key a secret signs with: its bytes after `whsec_`.
fn key(secret: &str) -> Vec<u8> {
    let b64 = secret.strip_prefix("whsec_").unwrap_or(secret);
    STANDARD
        .decode(b64)
        .unwrap_or_else(|_| secret.as_bytes().to_vec())
}

/// The `webhook-signature` header of `body` sent as message `id` at `timestamp`.
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(&key(secret)).expect("HMAC takes any key");
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// The wait before the next try after `failures` in a row: 5 s, 10 s, 20 s… up to an hour.
pub fn backoff(failures: i64) -> i64 {
    let doubled = 5_i64.saturating_mul(1_i64 << (failures - 1).clamp(0, 30));
    doubled.min(MAX_WAIT)
}

/// An address a subscription may send to: `https://` (or `http://`, for a system inside the
/// county's network), whole, at most 2,000 characters.
pub fn address(url: &str) -> Result<&str, Invalid> {
    let url = url.trim();
    let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
    let host = url.split_once("://").map_or("", |(_, rest)| rest);
    let fits = scheme_ok
        && url.len() <= MAX_URL
        && !host.is_empty()
        && !host.starts_with('/')
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    fits.then_some(url).ok_or(Invalid::WebhookUrl)
}

/// The hosts an administrator lets webhooks be sent to (`--webhook-hosts`): a subscription's
/// address must name one, checked when it subscribes and again before each delivery (so a
/// host taken off the list gets nothing more). Without the list no address is taken: a signed-in
/// account could otherwise make the server post to any address it can reach (the county's
/// internal systems, the cloud's metadata address) — server-side request forgery.
/// Each entry is a host (`tax.county.gov.cn`, `10.1.2.3`, `[::1]`), a host and port
/// (`10.1.2.3:8443`: that port only), or `*.` and a domain (its subdomains, any depth).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedHosts(Vec<HostPattern>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct HostPattern {
    /// Lower case; for `*.county.gov.cn`, `.county.gov.cn`.
    host: String,
    subdomains: bool,
    port: Option<u16>,
}

impl AllowedHosts {
    /// The list as given: entries separated by commas or spaces.
    pub fn parse(list: &str) -> Result<AllowedHosts, String> {
        let mut patterns = Vec::new();
        for entry in list
            .split([',', ' '])
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            let (wild, rest) = match entry.strip_prefix("*.") {
                Some(domain) => (true, domain),
                None => (false, entry),
            };
            // The URL parser normalises the host as it will the addresses' (case, IDNA, IPv6).
            let parsed = url::Url::parse(&format!("http://{rest}/"))
                .ok()
                .filter(|u| u.username().is_empty() && u.password().is_none())
                .filter(|u| u.path() == "/" && u.query().is_none() && u.fragment().is_none())
                .and_then(|u| u.host_str().map(str::to_string));
            // The port as written (the parser drops a scheme's default one, `:80`).
            let port = rest
                .rsplit_once(':')
                .and_then(|(_, p)| p.parse::<u16>().ok());
            let parsed = parsed.map(|h| (h, port));
            let Some((host, port)) = parsed.filter(|(h, _)| !h.is_empty()) else {
                return Err(format!("not a host: {entry:?}"));
            };
            if wild && (port.is_some() || host.starts_with('[')) {
                return Err(format!("a wildcard names a domain, no port: {entry:?}"));
            }
            let host = if wild { format!(".{host}") } else { host };
            patterns.push(HostPattern {
                host,
                subdomains: wild,
                port,
            });
        }
        Ok(AllowedHosts(patterns))
    }

    /// Whether `url`'s host (and port) is on the list.
    pub fn allows(&self, url: &str) -> bool {
        let Ok(u) = url::Url::parse(url) else {
            return false;
        };
        let (Some(host), Some(port)) = (u.host_str(), u.port_or_known_default()) else {
            return false;
        };
        let host = host.to_ascii_lowercase();
        self.0.iter().any(|p| {
            let host_ok = if p.subdomains {
                host.ends_with(&p.host)
            } else {
                host == p.host
            };
            host_ok && p.port.is_none_or(|want| want == port)
        })
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// An address a subscription may send to: whole ([`address`]) and on the administrator's list.
pub fn allowed_address<'a>(url: &'a str, hosts: &AllowedHosts) -> Result<&'a str, Invalid> {
    let url = address(url)?;
    if hosts.allows(url) {
        Ok(url)
    } else {
        Err(Invalid::WebhookHost)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_as_standard_webhooks_says() {
        // The example of the Standard Webhooks specification's reference implementations.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        let fresh = new_secret();
        assert!(fresh.starts_with("whsec_") && key(&fresh).len() == 32);
    }

    #[test]
    fn tries_wait_longer_each_time_up_to_an_hour() {
        assert_eq!((backoff(1), backoff(2), backoff(3)), (5, 10, 20));
        assert_eq!(backoff(20), MAX_WAIT);
        assert_eq!(backoff(0), 5);
    }

    #[test]
    fn an_address_is_a_whole_web_address() {
        assert_eq!(
            address(" https://tax.example/hook "),
            Ok("https://tax.example/hook")
        );
        assert!(address("http://10.1.2.3:8080/events").is_ok());
        for wrong in [
            "ftp://x",
            "https://",
            "tax.example/hook",
            "https:///x",
            "https://a b",
        ] {
            assert_eq!(address(wrong), Err(Invalid::WebhookUrl), "{wrong}");
        }
        assert!(address(&format!("https://x/{}", "a".repeat(2000))).is_err());
    }

    #[test]
    fn only_the_hosts_the_administrator_allows() {
        let hosts =
            AllowedHosts::parse("tax.county.gov.cn, 10.1.2.3:8443 *.psb.example [::1] 10.9.9.9:80")
                .expect("a good list");
        for ok in [
            "https://tax.county.gov.cn/hook",
            "http://TAX.county.gov.cn:9000/hook",
            "https://10.1.2.3:8443/events",
            "https://a.psb.example/x",
            "https://b.a.psb.example/x",
            "http://[::1]:7000/hook",
            "http://10.9.9.9/x",
        ] {
            assert_eq!(allowed_address(ok, &hosts), Ok(ok), "{ok}");
        }
        for refused in [
            "https://10.1.2.3/events",
            "https://10.1.2.3:8444/events",
            "https://psb.example/x",
            "https://evilpsb.example/x",
            "https://tax.county.gov.cn.evil.example/hook",
            "https://tax.county.gov.cn@169.254.169.254/latest",
            "http://169.254.169.254/latest/meta-data",
            "http://127.0.0.1/hook",
            "https://10.9.9.9/x",
        ] {
            assert_eq!(
                allowed_address(refused, &hosts),
                Err(Invalid::WebhookHost),
                "{refused}"
            );
        }
        // Nothing given, nothing allowed.
        let none = AllowedHosts::parse("").expect("an empty list");
        assert!(none.is_empty());
        assert_eq!(
            allowed_address("https://tax.county.gov.cn/hook", &none),
            Err(Invalid::WebhookHost)
        );
        for wrong in ["*.x:80", "a b/c", "user@host", "*.[::1]"] {
            assert!(AllowedHosts::parse(wrong).is_err(), "{wrong}");
        }
    }
}
