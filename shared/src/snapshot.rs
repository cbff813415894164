//! The seal's signatures as anyone checks them, and the signed snapshot: the licence's second
//! QR, which an inspector checks **offline**. Like the EU Digital COVID Certificate: `LB2:` +
//! base45 (QR alphanumeric mode) of the key id (8 bytes), the Ed25519 signature (64 bytes) and
//! a compact JSON payload with an issue time and a short expiry. The server makes it; the scan
//! page checks it against the published keys.
//!
//! Every signature is for one purpose ([`Purpose`]): it covers the purpose's context string,
//! a zero byte and the message, so a signature made for one kind of document never passes for
//! another (a snapshot's for a licence, an archive manifest's for an audit checkpoint).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use ed25519_dalek::{Signature, VerifyingKey};
use serde::{Deserialize, Serialize};

/// A snapshot's text starts so (`LB1:` snapshots were signed without a purpose).
pub const PREFIX: &str = "LB2:";

/// What a signature of the seal is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The live licence document (`/v/{token}/licence.json`, the printed licence).
    Licence,
    /// The offline snapshot QR.
    Snapshot,
    /// An electronic archive's manifest.
    ArchiveManifest,
    /// A checkpoint of the audit log's hash chain.
    AuditCheckpoint,
    /// A sealed PDF document: an electronic certificate or a formal notice.
    Document,
}

impl Purpose {
    pub fn context(self) -> &'static str {
        match self {
            Purpose::Licence => "lianban/licence/v1",
            Purpose::Snapshot => "lianban/snapshot/v1",
            Purpose::ArchiveManifest => "lianban/archive-manifest/v1",
            Purpose::AuditCheckpoint => "lianban/audit-checkpoint/v1",
            Purpose::Document => "lianban/document/v1",
        }
    }

    /// The bytes actually signed for `message`: the context, a zero byte, the message.
    pub fn signed_bytes(self, message: &[u8]) -> Vec<u8> {
        let context = self.context().as_bytes();
        let mut out = Vec::with_capacity(context.len() + 1 + message.len());
        out.extend_from_slice(context);
        out.push(0);
        out.extend_from_slice(message);
        out
    }
}

/// One published key (`/.well-known/lianban-keys.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicKey {
    /// First 8 bytes of SHA-256 of the public key, hex.
    pub kid: String,
    pub alg: String,
    /// The 32-byte public key, base64url.
    pub public_key: String,
}

impl PublicKey {
    /// Whether `signature` (64 raw bytes) is this key's over `bytes` for `purpose`; `None` if
    /// the published key itself is malformed.
    pub fn verifies(&self, purpose: Purpose, bytes: &[u8], signature: &[u8]) -> Option<bool> {
        let raw = B64.decode(&self.public_key).ok()?;
        let public = VerifyingKey::from_bytes(&<[u8; 32]>::try_from(raw.as_slice()).ok()?).ok()?;
        let Ok(sig) = <[u8; 64]>::try_from(signature) else {
            return Some(false);
        };
        let signed = purpose.signed_bytes(bytes);
        Some(
            public
                .verify_strict(&signed, &Signature::from_bytes(&sig))
                .is_ok(),
        )
    }
}

/// Whether `signature` (base64url) by key `kid` of `keys` signs `bytes` for `purpose`.
pub fn verify_detached(
    keys: &[PublicKey],
    purpose: Purpose,
    kid: &str,
    bytes: &[u8],
    signature: &str,
) -> bool {
    let Some(key) = keys.iter().find(|k| k.kid == kid) else {
        return false;
    };
    B64.decode(signature)
        .ok()
        .and_then(|sig| key.verifies(purpose, bytes, &sig))
        == Some(true)
}

/// `GET /.well-known/lianban-keys.json`: every key of the seal, old ones included.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedKeys {
    pub keys: Vec<PublicKey>,
}

/// `GET /v/{token}/licence.json`: the licence now, signed with the seal.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignedLicence {
    pub document: String,
    pub kid: String,
    pub signature: String,
}

/// What the signed live document says (the fields the scan page compares).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LiveLicence {
    pub name: String,
    pub permits: Vec<LivePermit>,
    /// RFC 3339: when the document was made.
    pub as_of: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LivePermit {
    pub item: String,
    pub state: String,
    #[serde(default)]
    pub valid_until: Option<String>,
}

impl SignedLicence {
    /// The document, if a published key signed it.
    pub fn open(&self, keys: &[PublicKey]) -> Option<LiveLicence> {
        let doc = self.document.as_bytes();
        verify_detached(keys, Purpose::Licence, &self.kid, doc, &self.signature)
            .then(|| serde_json::from_str(&self.document).ok())
            .flatten()
    }
}

/// What a snapshot says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payload {
    /// The credit code.
    pub u: String,
    /// The name.
    pub n: String,
    /// The verify page's token (for the live state when online).
    pub t: String,
    /// Each permit: item id, its name (Chinese, as on the licence), state, last valid day
    /// (empty for none).
    pub p: Vec<(String, String, String, String)>,
    /// Issued and expiring, Unix seconds.
    pub iat: i64,
    pub exp: i64,
}

/// The result of checking a scanned text.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Signed by a published key, not expired.
    Valid(Payload),
    /// Genuine but past its expiry: ask the live page.
    Expired(Payload),
    /// Signed by a key that is not (or not yet) known.
    UnknownKey,
    /// The signature does not match: changed or forged.
    Tampered,
    /// Not a snapshot at all.
    Malformed,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The text of a snapshot, from its payload bytes, the key id (8 raw bytes) and a signature
/// over the payload bytes.
pub fn encode(payload: &[u8], kid: &[u8; 8], signature: &[u8; 64]) -> String {
    let mut raw = Vec::with_capacity(72 + payload.len());
    raw.extend_from_slice(kid);
    raw.extend_from_slice(signature);
    raw.extend_from_slice(payload);
    format!("{PREFIX}{}", base45::encode(&raw))
}

/// Checks a scanned text against the published keys at time `now`.
pub fn verify(text: &str, keys: &[PublicKey], now: i64) -> Verdict {
    let Some(raw) = text
        .trim()
        .strip_prefix(PREFIX)
        .and_then(|b| base45::decode(b).ok())
        .filter(|r| r.len() > 72)
    else {
        return Verdict::Malformed;
    };
    let (kid, rest) = raw.split_at(8);
    let (sig, payload) = rest.split_at(64);
    let Some(key) = keys.iter().find(|k| k.kid == hex(kid)) else {
        return Verdict::UnknownKey;
    };
    match key.verifies(Purpose::Snapshot, payload, sig) {
        None => return Verdict::Malformed,
        Some(false) => return Verdict::Tampered,
        Some(true) => {}
    }
    match serde_json::from_slice::<Payload>(payload) {
        Ok(p) if p.exp < now => Verdict::Expired(p),
        Ok(p) => Verdict::Valid(p),
        Err(_) => Verdict::Malformed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    fn key() -> (SigningKey, PublicKey, [u8; 8]) {
        let signing = SigningKey::from_bytes(&[7u8; 32]);
        let kid = [1, 2, 3, 4, 5, 6, 7, 8];
        let public = PublicKey {
            kid: hex(&kid),
            alg: "Ed25519".into(),
            public_key: B64.encode(signing.verifying_key().as_bytes()),
        };
        (signing, public, kid)
    }

    fn snapshot(signing: &SigningKey, kid: &[u8; 8], exp: i64) -> String {
        let payload = Payload {
            u: "92411422MA00000150".into(),
            n: "睢县老张家常菜馆".into(),
            t: "abc".into(),
            p: vec![(
                "food_business_permit".into(),
                "食品经营许可".into(),
                "valid".into(),
                "2031-11-28".into(),
            )],
            iat: 100,
            exp,
        };
        let bytes = serde_json::to_vec(&payload).expect("json");
        let signed = Purpose::Snapshot.signed_bytes(&bytes);
        encode(&bytes, kid, &signing.sign(&signed).to_bytes())
    }

    #[test]
    fn a_snapshot_verifies_offline_and_every_kind_of_fault_is_named() {
        let (signing, public, kid) = key();
        let text = snapshot(&signing, &kid, 1000);
        assert!(text.starts_with(PREFIX));
        // Only QR alphanumeric characters: the compact mode.
        assert!(
            text.chars()
                .all(|c| "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".contains(c))
        );
        let keys = [public];
        assert!(
            matches!(verify(&text, &keys, 500), Verdict::Valid(p) if p.n == "睢县老张家常菜馆")
        );
        assert!(matches!(verify(&text, &keys, 1001), Verdict::Expired(_)));
        assert_eq!(verify(&text, &[], 500), Verdict::UnknownKey);
        assert_eq!(
            verify("https://example.org/v/x", &keys, 500),
            Verdict::Malformed
        );
        // One changed byte of the payload: the signature no longer matches.
        let mut raw = base45::decode(&text[PREFIX.len()..]).expect("base45");
        let last = raw.len() - 3;
        raw[last] ^= 1;
        let changed = format!("{PREFIX}{}", base45::encode(&raw));
        assert_eq!(verify(&changed, &keys, 500), Verdict::Tampered);
    }

    #[test]
    fn the_live_licence_opens_only_with_its_seal() {
        let (signing, public, _) = key();
        let document = r#"{"as_of":"2026-11-28T08:00:00Z","name":"睢县老张家常菜馆","permits":[{"item":"seal_filing","state":"cancelled","valid_until":null}]}"#;
        let signed = |document: &str| SignedLicence {
            document: document.into(),
            kid: public.kid.clone(),
            signature: B64.encode(
                signing
                    .sign(&Purpose::Licence.signed_bytes(document.as_bytes()))
                    .to_bytes(),
            ),
        };
        let live = signed(document)
            .open(std::slice::from_ref(&public))
            .expect("opens");
        assert_eq!(
            (live.name.as_str(), live.permits[0].state.as_str()),
            ("睢县老张家常菜馆", "cancelled")
        );
        let mut forged = signed(document);
        forged.document = document.replace("cancelled", "valid");
        assert_eq!(forged.open(std::slice::from_ref(&public)), None);
        assert_eq!(signed(document).open(&[]), None);
    }

    #[test]
    fn a_signature_made_for_one_purpose_passes_for_no_other() {
        let (signing, public, kid) = key();
        let text = snapshot(&signing, &kid, 1000);
        let raw = base45::decode(&text[PREFIX.len()..]).expect("base45");
        let (sig, payload) = (&raw[8..72], &raw[72..]);
        assert_eq!(public.verifies(Purpose::Snapshot, payload, sig), Some(true));
        for other in [
            Purpose::Licence,
            Purpose::ArchiveManifest,
            Purpose::AuditCheckpoint,
        ] {
            assert_eq!(
                public.verifies(other, payload, sig),
                Some(false),
                "{other:?}"
            );
        }
        // Nor does a signature over the bare message (no purpose).
        let bare = signing.sign(payload).to_bytes();
        assert_eq!(
            public.verifies(Purpose::Snapshot, payload, &bare),
            Some(false)
        );
        let contexts: std::collections::BTreeSet<_> = [
            Purpose::Licence,
            Purpose::Snapshot,
            Purpose::ArchiveManifest,
            Purpose::AuditCheckpoint,
        ]
        .iter()
        .map(|p| p.context())
        .collect();
        assert_eq!(contexts.len(), 4);
    }
}
