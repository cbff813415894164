//! Throttling staff logins without handing an attacker the account: failures are counted per
//! account *and* client (an attacker elsewhere cannot keep the director out), the first few
//! tries are free, then each further try must wait: half a minute, then twice as long as the
//! wait before, up to a quarter of an hour. A try is counted before the password is checked, so a burst of parallel
//! tries gets no more than the free ones. Whether the account exists plays no part: the key is
//! the name as typed, and unknown, wrong and throttled tries all get the same answer.

use std::net::IpAddr;

use super::application::sha256_hex;
use super::client::limit_key;

/// Tries without delay.
pub const FREE_TRIES: i64 = 5;
/// The first wait, after the free tries.
pub const FIRST_DELAY_SECS: i64 = 30;
/// The longest wait between two tries.
pub const MAX_DELAY_SECS: i64 = 15 * 60;

/// The failures in a row of one account from one client, and until when it must wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Throttle {
    pub failures: i64,
    pub blocked_until: i64,
}

/// Seconds to wait after the `failures`-th failure in a row: none for the free tries, then
/// 30, 60, 120 … seconds, at most `MAX_DELAY_SECS`.
pub fn delay_after(failures: i64) -> i64 {
    if failures < FREE_TRIES {
        return 0;
    }
    let doublings = (failures - FREE_TRIES).min(20);
    (FIRST_DELAY_SECS << doublings).min(MAX_DELAY_SECS)
}

/// A try at `now`: `Some` with the state to store (the try counted as a failure until the
/// password proves right), or `None` when it must wait.
pub fn attempt(current: Throttle, now: i64) -> Option<Throttle> {
    if current.blocked_until > now {
        return None;
    }
    let failures = current.failures + 1;
    Some(Throttle {
        failures,
        blocked_until: now + delay_after(failures),
    })
}

/// What failures are counted under: the username as typed (case and spaces aside) and the
/// client's network. Hashed, so the table holds neither names nor addresses.
pub fn key(username: &str, client: IpAddr) -> String {
    let name = username.trim().to_lowercase();
    sha256_hex(format!("login|{name}|{}", limit_key(client)).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_free_tries_then_waits_that_double_up_to_a_quarter_of_an_hour() {
        let delays: Vec<i64> = (1..=8).map(delay_after).collect();
        assert_eq!(delays, [0, 0, 0, 0, 30, 60, 120, 240]);
        assert_eq!(delay_after(10), 900);
        assert_eq!(delay_after(10_000), MAX_DELAY_SECS);
    }

    #[test]
    fn a_try_while_waiting_is_refused_and_counts_nothing() {
        let mut t = Throttle::default();
        for _ in 0..FREE_TRIES {
            t = attempt(t, 1000).expect("free");
        }
        assert_eq!(
            t,
            Throttle {
                failures: 5,
                blocked_until: 1030
            }
        );
        assert_eq!(attempt(t, 1029), None, "the sixth try waits half a minute");
        let sixth = attempt(t, 1030).expect("then it may");
        assert_eq!(
            sixth,
            Throttle {
                failures: 6,
                blocked_until: 1090
            }
        );
    }

    #[test]
    fn the_key_is_the_name_and_the_network_never_in_clear() {
        let a: IpAddr = "203.0.113.7".parse().expect("ip");
        let b: IpAddr = "198.51.100.7".parse().expect("ip");
        assert_eq!(key(" Director ", a), key("director", a));
        assert_ne!(key("director", a), key("director", b));
        assert!(!key("director", a).contains("director"));
        let v6a: IpAddr = "2001:db8::1".parse().expect("ip");
        let v6b: IpAddr = "2001:db8::2".parse().expect("ip");
        assert_eq!(key("d", v6a), key("d", v6b), "one /64");
    }
}
