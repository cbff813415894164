//! Anchoring the audit log: the hash chain shows an entry changed or removed in place, but
//! whoever can write the database could rebuild the whole chain from a changed entry on. So
//! the server signs the chain's head from time to time (a checkpoint: entry number, its hash,
//! when) with the seal, for this purpose alone, and keeps the checkpoints outside the database
//! (the contents store), published at `/.well-known/lianban-audit-checkpoints.json`. A rebuilt
//! chain no longer has the hashes the checkpoints signed: [`check`] names the stretch.

use serde::{Deserialize, Serialize};
use shared::snapshot::{PublicKey, Purpose, verify_detached};

/// The head of the chain at a moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The entry's number.
    pub seq: i64,
    /// Its hash.
    pub hash: String,
    /// When the checkpoint was made, Unix seconds.
    pub at: i64,
}

/// A checkpoint as kept and published: its exact bytes and the seal's signature over them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signed {
    /// The checkpoint as JSON (these bytes are signed).
    pub checkpoint: String,
    pub kid: String,
    pub signature: String,
}

impl Signed {
    /// The checkpoint, if one of `keys` signed it for this purpose.
    pub fn open(&self, keys: &[PublicKey]) -> Option<Checkpoint> {
        let bytes = self.checkpoint.as_bytes();
        verify_detached(
            keys,
            Purpose::AuditCheckpoint,
            &self.kid,
            bytes,
            &self.signature,
        )
        .then(|| serde_json::from_str(&self.checkpoint).ok())
        .flatten()
    }
}

/// Where a checkpoint is kept in the contents store (by entry number: the names sort in order).
pub fn location(seq: i64) -> String {
    format!("audit/checkpoints/{seq:012}.json")
}

/// What the checkpoints say of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// Every checkpoint matches the log.
    Anchored { checkpoints: usize, last: i64 },
    /// A checkpoint does not match: the entries after the last one that did (`from`), up to
    /// the first that does not (`to`), were rewritten or removed.
    Rewritten { from: i64, to: i64, why: String },
    /// A kept checkpoint that no published key signed.
    Forged { seq: i64 },
}

/// Holds the checkpoints against the log: `hash_at(seq)` is the log's hash of entry `seq`
/// (`None` if there is no such entry).
pub fn check(
    checkpoints: &[Signed],
    keys: &[PublicKey],
    hash_at: impl Fn(i64) -> Option<String>,
) -> Finding {
    let mut opened = Vec::new();
    for s in checkpoints {
        match s.open(keys) {
            Some(c) => opened.push(c),
            None => {
                let seq = serde_json::from_str::<Checkpoint>(&s.checkpoint).map_or(0, |c| c.seq);
                return Finding::Forged { seq };
            }
        }
    }
    opened.sort_by_key(|c| c.seq);
    let mut good = 0;
    for c in &opened {
        match hash_at(c.seq) {
            Some(h) if h == c.hash => good = c.seq,
            Some(_) => {
                return Finding::Rewritten {
                    from: good + 1,
                    to: c.seq,
                    why: format!(
                        "entry {} is not the one the checkpoint of {} signed",
                        c.seq, c.at
                    ),
                };
            }
            None => {
                return Finding::Rewritten {
                    from: good + 1,
                    to: c.seq,
                    why: format!(
                        "entry {} is missing; the checkpoint of {} signed it",
                        c.seq, c.at
                    ),
                };
            }
        }
    }
    Finding::Anchored {
        checkpoints: opened.len(),
        last: good,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use ed25519_dalek::{Signer, SigningKey};

    fn seal() -> (SigningKey, Vec<PublicKey>) {
        let key = SigningKey::from_bytes(&[9u8; 32]);
        let public = PublicKey {
            kid: "k1".into(),
            alg: "Ed25519".into(),
            public_key: base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(key.verifying_key().as_bytes()),
        };
        (key, vec![public])
    }

    fn signed(key: &SigningKey, seq: i64, hash: &str) -> Signed {
        let c = Checkpoint {
            seq,
            hash: hash.into(),
            at: 1000 + seq,
        };
        let checkpoint = serde_json::to_string(&c).expect("json");
        let bytes = Purpose::AuditCheckpoint.signed_bytes(checkpoint.as_bytes());
        let signature =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.sign(&bytes).to_bytes());
        Signed {
            checkpoint,
            kid: "k1".into(),
            signature,
        }
    }

    #[test]
    fn a_rebuilt_chain_is_caught_between_the_last_good_checkpoint_and_the_first_bad() {
        let (key, keys) = seal();
        let kept = [
            signed(&key, 3, "h3"),
            signed(&key, 7, "h7"),
            signed(&key, 9, "h9"),
        ];
        let log = |seq: i64| Some(format!("h{seq}"));
        assert_eq!(
            check(&kept, &keys, log),
            Finding::Anchored {
                checkpoints: 3,
                last: 9
            }
        );
        let rebuilt = |seq: i64| {
            Some(if seq >= 5 {
                format!("x{seq}")
            } else {
                format!("h{seq}")
            })
        };
        assert!(matches!(
            check(&kept, &keys, rebuilt),
            Finding::Rewritten { from: 4, to: 7, .. }
        ));
        let cut = |seq: i64| (seq <= 8).then(|| format!("h{seq}"));
        assert!(matches!(
            check(&kept, &keys, cut),
            Finding::Rewritten { from: 8, to: 9, .. }
        ));
    }

    #[test]
    fn a_checkpoint_no_key_signed_is_named_and_purposes_do_not_mix() {
        let (key, keys) = seal();
        let mut forged = signed(&key, 5, "h5");
        forged.checkpoint = forged.checkpoint.replace("h5", "zz");
        assert_eq!(
            check(&[forged], &keys, |_| None),
            Finding::Forged { seq: 5 }
        );
        // A signature over the same bytes for another purpose is no checkpoint.
        let mut other = signed(&key, 2, "h2");
        let bytes = Purpose::Licence.signed_bytes(other.checkpoint.as_bytes());
        other.signature =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.sign(&bytes).to_bytes());
        assert_eq!(other.open(&keys), None);
    }
}
