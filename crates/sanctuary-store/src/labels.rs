//! Every domain label of the store, in one place: HKDF `info` strings, AEAD associated-data
//! tags and the keys of the metadata table. A label is never reused for another purpose, and
//! each one names the format version, so a future format cannot be confused with this one.

/// HKDF-SHA256 `info` for the key that encrypts store metadata (namespace keys, the identity).
pub(crate) const HKDF_META_KEY: &[u8] = b"sanctuary-store/v1/hkdf/meta-key";
/// HKDF-SHA256 `info` for a namespace's key-id (HMAC) key.
pub(crate) const HKDF_KEY_ID: &[u8] = b"sanctuary-store/v1/hkdf/key-id";
/// HKDF-SHA256 `info` prefix for a per-record encryption key (followed by key id and version).
pub(crate) const HKDF_RECORD_KEY: &[u8] = b"sanctuary-store/v1/hkdf/record-key";
/// HKDF-SHA256 `info` for the key that authenticates the store statement (epoch and root).
pub(crate) const HKDF_ROOT_MAC: &[u8] = b"sanctuary-store/v1/hkdf/root-mac";
/// HKDF-SHA256 `info` for a namespace's key that seals entry names in the integrity tree.
pub(crate) const HKDF_LEAF_NAME: &[u8] = b"sanctuary-store/v1/hkdf/leaf-name";
/// HKDF-SHA256 `info` for the key that seals an export bundle.
pub(crate) const HKDF_BUNDLE_KEY: &[u8] = b"sanctuary-store/v1/hkdf/bundle-key";
/// HKDF-SHA256 `info` for the key-encryption key of a bridge wrap (the old master under the
/// new one, during a rotation).
pub(crate) const HKDF_BRIDGE_KEK: &[u8] = b"sanctuary-store/v1/hkdf/bridge-kek";
/// HKDF-SHA256 `info` for the key-encryption key of a recovery-key wrap.
pub(crate) const HKDF_RECOVERY_KEK: &[u8] = b"sanctuary-store/v1/hkdf/recovery-kek";
/// HKDF-SHA256 `info` for the key-encryption key of an OS-keyring wrap.
pub(crate) const HKDF_KEYRING_KEK: &[u8] = b"sanctuary-store/v1/hkdf/keyring-kek";

/// AEAD associated data: a wrap of the master key.
pub(crate) const AAD_WRAP: &[u8] = b"sanctuary-store/v1/aad/wrap";
/// AEAD associated data: a namespace record (name and key) in the metadata table.
pub(crate) const AAD_NAMESPACE: &[u8] = b"sanctuary-store/v1/aad/namespace";
/// AEAD associated data: the store identity's seed.
pub(crate) const AAD_IDENTITY: &[u8] = b"sanctuary-store/v1/aad/identity";
/// AEAD associated data: the name-and-metadata section of an entry.
pub(crate) const AAD_RECORD_META: &[u8] = b"sanctuary-store/v1/aad/record-meta";
/// AEAD associated data: the value section of an entry.
pub(crate) const AAD_RECORD_VALUE: &[u8] = b"sanctuary-store/v1/aad/record-value";

/// AEAD associated data: an entry name sealed in its integrity-tree leaf row.
pub(crate) const AAD_LEAF_NAME: &[u8] = b"sanctuary-store/v1/aad/leaf-name";
/// AEAD associated data: an audit-log entry (followed by the log id and the entry's position).
pub(crate) const AAD_AUDIT: &[u8] = b"sanctuary-store/v1/aad/audit-entry";
/// Hash label of the audit log's chain.
pub(crate) const AUDIT_CHAIN: &[u8] = b"sanctuary-store/v1/audit-chain";
/// HMAC input label of a master key's public fingerprint.
pub(crate) const MAC_MASTER_ID: &[u8] = b"sanctuary-store/v1/mac/master-id";
/// HMAC input label of the key check: which master key the database is sealed under.
pub(crate) const MAC_KEY_CHECK: &[u8] = b"sanctuary-store/v1/mac/key-check";
/// AEAD associated data: the audit log's key, sealed in the metadata table.
pub(crate) const AAD_AUDIT_KEY: &[u8] = b"sanctuary-store/v1/aad/audit-key";
/// AEAD associated data: the namespace-id key, sealed in the metadata table.
pub(crate) const AAD_NSID_KEY: &[u8] = b"sanctuary-store/v1/aad/nsid-key";
/// HMAC input label of the store statement.
pub(crate) const MAC_STATEMENT: &[u8] = b"sanctuary-store/v1/mac/statement";
/// Hash label of the store root (over every namespace root).
pub(crate) const STORE_ROOT: &[u8] = b"sanctuary-store/v1/store-root";

/// Metadata table: the store header (format version and store id).
pub(crate) const META_HEADER: &[u8] = b"header";
/// Metadata table: prefix of namespace records (followed by the 16-byte namespace id).
pub(crate) const META_NAMESPACE_PREFIX: &[u8] = b"ns/";
/// Metadata table: the current store statement (epoch, store root, HMAC).
pub(crate) const META_STATEMENT: &[u8] = b"statement";
/// Metadata table: the last signed store statement (epoch, store root, Ed25519 signature).
pub(crate) const META_SIGNED: &[u8] = b"signed-root";
/// Metadata table: the key check (HMAC under the meta key): which master the database uses.
pub(crate) const META_KEY_CHECK: &[u8] = b"key-check";
/// Metadata table: the audit log's key, sealed under the meta key.
pub(crate) const META_AUDIT_KEY: &[u8] = b"audit-key";
/// Metadata table: the namespace-id key, sealed under the meta key.
pub(crate) const META_NSID_KEY: &[u8] = b"namespace-id-key";
/// Metadata table: the encrypted seed of the store identity.
pub(crate) const META_IDENTITY: &[u8] = b"identity";

#[cfg(test)]
mod tests {
    #[test]
    fn labels_are_distinct() {
        let all: &[&[u8]] = &[
            super::HKDF_META_KEY,
            super::HKDF_KEY_ID,
            super::HKDF_RECORD_KEY,
            super::HKDF_RECOVERY_KEK,
            super::HKDF_KEYRING_KEK,
            super::HKDF_ROOT_MAC,
            super::HKDF_LEAF_NAME,
            super::AAD_LEAF_NAME,
            super::MAC_STATEMENT,
            super::STORE_ROOT,
            super::MAC_MASTER_ID,
            super::MAC_KEY_CHECK,
            super::AAD_AUDIT_KEY,
            super::AAD_NSID_KEY,
            super::AAD_AUDIT,
            super::AUDIT_CHAIN,
            super::HKDF_BUNDLE_KEY,
            super::HKDF_BRIDGE_KEK,
            super::AAD_WRAP,
            super::AAD_NAMESPACE,
            super::AAD_IDENTITY,
            super::AAD_RECORD_META,
            super::AAD_RECORD_VALUE,
        ];
        let mut sorted = all.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), all.len());
        // No label is a prefix of another, so label ‖ data is unambiguous.
        for a in all {
            for b in all {
                assert!(a == b || !b.starts_with(a), "{:?} prefixes {:?}", a, b);
            }
        }
    }
}
