//! The key hierarchy (every label is in [`crate::labels`]).
//!
//! ```text
//! master key M (32 random bytes; on disk only as wraps)
//! ├─ K_root = HKDF(M, salt = store id, "root-mac")       authenticates the store statement
//! └─ K_meta = HKDF(M, salt = store id, "meta-key")       seals everything below
//!      namespace-id key K_nsid (32 random bytes)        ns id = HMAC(K_nsid, namespace)[..16]
//!      audit key K_audit (32 random bytes)              seals audit-log entries
//!      store identity seed (32 random bytes)
//!      namespace key N (32 random bytes per namespace, stored sealed under K_meta)
//!      ├─ K_kid = HKDF(N, salt = store id ‖ ns id, "key-id")   key id = HMAC(K_kid, key name)
//!      ├─ K_leaf = HKDF(N, salt = store id ‖ ns id, "leaf-name")  seals names in tree rows
//!      └─ P_rec = HKDF(N, salt = store id ‖ ns id, "record-key")
//!           record key = HKDF-Expand(P_rec, "record-key" ‖ key id ‖ version)
//! ```

use crate::crypto::{self, Key32};
use crate::labels;

/// Keys derived from the master key.
#[derive(Debug)]
pub(crate) struct MasterKeys {
    namespace_id: Key32,
    pub(crate) meta: Key32,
    pub(crate) root_mac: Key32,
}

impl MasterKeys {
    /// Keys derived from `master`; the namespace-id key is random and stored sealed under
    /// `meta`, so it is handed in (it survives a master rotation, and so do namespace ids).
    pub(crate) fn derive(master: &Key32, store_id: &[u8; 16], namespace_id: Key32) -> Self {
        MasterKeys {
            namespace_id,
            meta: crypto::hkdf(master.as_bytes(), store_id, &[labels::HKDF_META_KEY]),
            root_mac: crypto::hkdf(master.as_bytes(), store_id, &[labels::HKDF_ROOT_MAC]),
        }
    }

    /// The namespace-id key (to seal it again under a new master).
    pub(crate) fn namespace_id_key(&self) -> &Key32 {
        &self.namespace_id
    }

    /// The meta key alone (to open the sealed namespace-id key before the rest).
    pub(crate) fn meta_key(master: &Key32, store_id: &[u8; 16]) -> Key32 {
        crypto::hkdf(master.as_bytes(), store_id, &[labels::HKDF_META_KEY])
    }

    /// The key check: `HMAC(K_meta, label ‖ store id)`.
    pub(crate) fn key_check(&self, store_id: &[u8; 16]) -> [u8; 32] {
        crypto::hmac(&self.meta, &[labels::MAC_KEY_CHECK, store_id])
    }

    /// The on-disk id of a namespace: nothing about the name can be learned from it.
    pub(crate) fn namespace_id(&self, namespace: &str) -> [u8; 16] {
        let mac = crypto::hmac(&self.namespace_id, &[namespace.as_bytes()]);
        let mut id = [0u8; 16];
        id.copy_from_slice(mac.get(..16).unwrap_or(&[0; 16]));
        id
    }
}

/// Keys derived from one namespace key.
#[derive(Debug)]
pub(crate) struct NamespaceKeys {
    key_id: Key32,
    record_prk: Key32,
    pub(crate) leaf_name: Key32,
}

impl NamespaceKeys {
    pub(crate) fn derive(namespace_key: &Key32, store_id: &[u8; 16], ns_id: &[u8; 16]) -> Self {
        let salt = [store_id.as_slice(), ns_id.as_slice()].concat();
        NamespaceKeys {
            key_id: crypto::hkdf(namespace_key.as_bytes(), &salt, &[labels::HKDF_KEY_ID]),
            record_prk: crypto::hkdf(namespace_key.as_bytes(), &salt, &[labels::HKDF_RECORD_KEY]),
            leaf_name: crypto::hkdf(namespace_key.as_bytes(), &salt, &[labels::HKDF_LEAF_NAME]),
        }
    }

    /// The on-disk id of a key name in this namespace.
    pub(crate) fn key_id(&self, name: &str) -> [u8; 32] {
        crypto::hmac(&self.key_id, &[name.as_bytes()])
    }

    /// The AES-256-GCM key of one version of one entry.
    pub(crate) fn record_key(&self, key_id: &[u8; 32], version: u64) -> Key32 {
        crypto::hkdf_expand(
            &self.record_prk,
            &[labels::HKDF_RECORD_KEY, key_id, &version.to_be_bytes()],
        )
    }
}
