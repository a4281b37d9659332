//! The gate's secret key and the keys derived from it.
//!
//! One 32-byte [`GateKey`] is the root. HKDF-SHA-256 (RFC 5869) derives a separate key for each
//! use, so a value hashed for a destination, an audit digest and a vault lookup tag are never
//! comparable with each other:
//!
//! | derived key | info label | used for |
//! |---|---|---|
//! | hash | `sanctuary-gate/v1/hash` | the `hash` action: HMAC(hash key, destination ‖ 0 ‖ value) |
//! | audit | `sanctuary-gate/v1/audit` | keyed digests of the original and filtered values in audit events |
//! | vault | `sanctuary-gate/v1/vault` | per-conversation keys, hence vault tags |
//!
//! A keyed hash is used everywhere a value would otherwise be hashed bare: SHA-256 of an e-mail
//! address or a card number is a lookup away from the value, an HMAC is not.

use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use rand_core::{CryptoRng, RngCore};
use sanctuary_core::state::{StateError, StateStore};
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// The state-store namespace the gate uses (its key and the pseudonym vault).
pub const NAMESPACE: &str = "sanctuary-gate";

/// Store key of the persisted gate key.
const KEY_ENTRY: &str = "gate-key";

const INFO_HASH: &[u8] = b"sanctuary-gate/v1/hash";
const INFO_AUDIT: &[u8] = b"sanctuary-gate/v1/audit";
const INFO_VAULT: &[u8] = b"sanctuary-gate/v1/vault";

type HmacSha256 = Hmac<Sha256>;

/// The gate's root secret. Zeroized on drop; `Debug` prints `[redacted]`.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct GateKey([u8; 32]);

impl std::fmt::Debug for GateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GateKey([redacted])")
    }
}

impl GateKey {
    /// A fresh random key.
    pub fn generate<R: RngCore + CryptoRng>(rng: &mut R) -> GateKey {
        let mut bytes = [0u8; 32];
        rng.fill_bytes(&mut bytes);
        GateKey(bytes)
    }

    /// A key from its 32 bytes.
    #[must_use]
    pub fn from_bytes(bytes: [u8; 32]) -> GateKey {
        GateKey(bytes)
    }

    /// The key kept in `store` (namespace [`NAMESPACE`]), created on first use. The store is
    /// expected to encrypt what it holds (`sanctuary-store` does); with a plaintext store the
    /// key is only as safe as the disk.
    pub fn load_or_create<S: StateStore + ?Sized, R: RngCore + CryptoRng>(
        store: &S,
        rng: &mut R,
    ) -> Result<GateKey, StateError> {
        if let Some(bytes) = store.get(NAMESPACE, KEY_ENTRY)? {
            let array: [u8; 32] = bytes
                .as_slice()
                .try_into()
                .map_err(|_| StateError::Backend {
                    reason: "stored gate key has the wrong length".into(),
                })?;
            return Ok(GateKey(array));
        }
        let key = GateKey::generate(rng);
        store.put(NAMESPACE, KEY_ENTRY, &key.0)?;
        Ok(key)
    }

    fn derive(&self, info: &[u8]) -> Zeroizing<[u8; 32]> {
        let hk = Hkdf::<Sha256>::new(None, &self.0);
        let mut out = Zeroizing::new([0u8; 32]);
        // 32 bytes is far below HKDF-SHA-256's limit of 255 * 32, so expand cannot fail.
        if hk.expand(info, out.as_mut()).is_err() {
            out.zeroize();
        }
        out
    }

    pub(crate) fn subkeys(&self) -> SubKeys {
        SubKeys {
            hash: self.derive(INFO_HASH),
            audit: self.derive(INFO_AUDIT),
            vault: self.derive(INFO_VAULT),
        }
    }
}

/// The derived keys, held by the gate for its lifetime.
pub(crate) struct SubKeys {
    pub(crate) hash: Zeroizing<[u8; 32]>,
    pub(crate) audit: Zeroizing<[u8; 32]>,
    pub(crate) vault: Zeroizing<[u8; 32]>,
}

/// HMAC-SHA-256 of the parts, each length-prefixed so part boundaries cannot shift.
pub(crate) fn mac(key: &[u8; 32], parts: &[&[u8]]) -> [u8; 32] {
    let mut m = match HmacSha256::new_from_slice(key) {
        Ok(m) => m,
        // HMAC accepts keys of any length; this arm cannot run.
        Err(_) => return [0u8; 32],
    };
    for part in parts {
        m.update(&(part.len() as u64).to_be_bytes());
        m.update(part);
    }
    m.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanctuary_core::state::MemoryStateStore;

    #[test]
    fn subkeys_differ_and_are_stable() {
        let k = GateKey::from_bytes([7; 32]);
        let a = k.subkeys();
        let b = k.subkeys();
        assert_eq!(*a.hash, *b.hash);
        assert_ne!(*a.hash, *a.audit);
        assert_ne!(*a.audit, *a.vault);
        assert_ne!(*a.hash, [7; 32]);
        assert_eq!(format!("{k:?}"), "GateKey([redacted])");
    }

    #[test]
    fn mac_is_length_prefixed() {
        let k = [1u8; 32];
        assert_ne!(mac(&k, &[b"ab", b"c"]), mac(&k, &[b"a", b"bc"]));
        assert_eq!(mac(&k, &[b"ab"]), mac(&k, &[b"ab"]));
        assert_ne!(mac(&k, &[b"ab"]), mac(&[2u8; 32], &[b"ab"]));
    }

    #[test]
    fn load_or_create_persists() {
        let store = MemoryStateStore::new();
        let mut rng = rand_core::OsRng;
        let a = GateKey::load_or_create(&store, &mut rng).unwrap();
        let b = GateKey::load_or_create(&store, &mut rng).unwrap();
        assert_eq!(a.0, b.0);
        store.put(NAMESPACE, KEY_ENTRY, b"short").unwrap();
        assert!(GateKey::load_or_create(&store, &mut rng).is_err());
    }
}
