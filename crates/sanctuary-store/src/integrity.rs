//! The integrity tree: one RFC 9162 Merkle tree per namespace over
//! `(key id, version, SHA-256 of the record)`, a store root over every namespace root, and the
//! *statement* `(epoch, store root)` that authenticates them: HMAC-SHA256 under a key derived
//! from the master on every commit, and an Ed25519 signature by the store identity on every
//! durable commit and every [`crate::Home::anchor`].

use crate::backend::{Backend, BackendError, Rows, Table};
use crate::crypto::{self, Key32};
use crate::labels;
use crate::merkle::{self, Hash, Tree};
use sanctuary_core::digest::Digest;
use sanctuary_core::encoding::hex_encode;
use sanctuary_core::identity::{PublicKey, Signature, Signer};
use sanctuary_core::purpose::Purpose;
use sanctuary_core::sign;
use std::collections::{BTreeMap, HashMap};

/// The store root over `(namespace id, size, root)` triples given in ascending id order.
pub(crate) fn store_root_from(
    store_id: &[u8; 16],
    roots: impl Iterator<Item = ([u8; 16], u64, Hash)>,
) -> Hash {
    use sha2::Digest as _;
    let mut h = sha2::Sha256::new();
    h.update(labels::STORE_ROOT);
    h.update(store_id);
    for (id, size, root) in roots {
        h.update(id);
        h.update(size.to_be_bytes());
        h.update(root);
    }
    h.finalize().into()
}

/// The leaf hash of one entry version: `H(0x00 ‖ key id ‖ version ‖ SHA-256(record))`.
pub(crate) fn leaf(key_id: &[u8; 32], version: u64, record: &[u8]) -> Hash {
    let digest = Digest::sha256(record);
    merkle::leaf_hash(&[key_id, &version.to_be_bytes(), digest.as_bytes()])
}

/// A row of the tree table: `key id ‖ version ‖ record digest ‖ sealed name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LeafRow {
    pub(crate) key_id: [u8; 32],
    pub(crate) version: u64,
    pub(crate) record_digest: [u8; 32],
    pub(crate) sealed_name: Vec<u8>,
}

impl LeafRow {
    pub(crate) fn encode(&self) -> Vec<u8> {
        [
            self.key_id.as_slice(),
            &self.version.to_be_bytes(),
            &self.record_digest,
            &self.sealed_name,
        ]
        .concat()
    }

    pub(crate) fn decode(bytes: &[u8]) -> Option<LeafRow> {
        let (key_id, rest) = bytes.split_first_chunk::<32>()?;
        let (version, rest) = rest.split_first_chunk::<8>()?;
        let (record_digest, sealed_name) = rest.split_first_chunk::<32>()?;
        Some(LeafRow {
            key_id: *key_id,
            version: u64::from_be_bytes(*version),
            record_digest: *record_digest,
            sealed_name: sealed_name.to_vec(),
        })
    }

    pub(crate) fn hash(&self) -> Hash {
        merkle::leaf_hash(&[
            &self.key_id,
            &self.version.to_be_bytes(),
            &self.record_digest,
        ])
    }
}

/// The key of a tree row: `namespace id ‖ slot` (big-endian, so rows sort by slot).
pub(crate) fn row_key(ns_id: &[u8; 16], slot: u64) -> Vec<u8> {
    [ns_id.as_slice(), &slot.to_be_bytes()].concat()
}

/// The associated data of a sealed leaf name.
pub(crate) fn leaf_name_aad(store_id: &[u8; 16], ns_id: &[u8; 16], slot: u64) -> Vec<u8> {
    crypto::aad(&[labels::AAD_LEAF_NAME, store_id, ns_id, &slot.to_be_bytes()])
}

/// One namespace's tree and the index from key ids to slots.
#[derive(Debug, Default)]
pub(crate) struct NsTree {
    pub(crate) tree: Tree,
    /// Per slot: key id and version.
    pub(crate) entries: Vec<([u8; 32], u64)>,
    pub(crate) slots: HashMap<[u8; 32], u64>,
    /// Creation times learnt this session: key id → (version, creation time if live). Used
    /// only while the version still matches `entries`, so a stale or reverted value is
    /// never used; it spares a write the read of the record it replaces.
    pub(crate) created: HashMap<[u8; 32], (u64, Option<sanctuary_core::time::Timestamp>)>,
}

/// The in-memory integrity state of an open home.
#[derive(Debug, Default)]
pub(crate) struct Integrity {
    pub(crate) trees: BTreeMap<[u8; 16], NsTree>,
    pub(crate) epoch: u64,
    pub(crate) signed_epoch: u64,
    /// Why the stored tree did not match its authenticated statement at open, if it did not.
    pub(crate) taint: Option<&'static str>,
}

impl Integrity {
    /// The store root: `H(label ‖ store id ‖ (ns id ‖ size ‖ ns root)*)` over namespaces in id order.
    pub(crate) fn store_root(&self, store_id: &[u8; 16]) -> Hash {
        store_root_from(
            store_id,
            self.trees
                .iter()
                .map(|(id, ns)| (*id, ns.tree.len() as u64, ns.tree.root())),
        )
    }

    /// Loads the trees from the tree table and checks them against the stored statement.
    pub(crate) fn load(
        backend: &dyn Backend,
        store_id: &[u8; 16],
        root_mac: &Key32,
        identity: &PublicKey,
    ) -> Result<Integrity, BackendError> {
        let mut state = Integrity::default();
        let rows: Rows = backend.scan_prefix(Table::Tree, &[])?;
        let mut leaves: BTreeMap<[u8; 16], Vec<Hash>> = BTreeMap::new();
        for (key, value) in rows {
            let (Some(ns_id), Some(slot)) = (
                key.get(..16).and_then(|k| <[u8; 16]>::try_from(k).ok()),
                key.get(16..).and_then(|k| <[u8; 8]>::try_from(k).ok()),
            ) else {
                state.taint = Some("malformed tree row");
                continue;
            };
            let Some(row) = LeafRow::decode(&value) else {
                state.taint = Some("malformed tree row");
                continue;
            };
            let ns = state.trees.entry(ns_id).or_default();
            if u64::from_be_bytes(slot) != ns.entries.len() as u64 {
                state.taint = Some("tree rows are not contiguous");
            }
            if ns
                .slots
                .insert(row.key_id, ns.entries.len() as u64)
                .is_some()
            {
                state.taint = Some("a key id appears twice in a tree");
            }
            ns.entries.push((row.key_id, row.version));
            leaves.entry(ns_id).or_default().push(row.hash());
        }
        for (ns_id, hashes) in leaves {
            if let Some(ns) = state.trees.get_mut(&ns_id) {
                ns.tree = Tree::from_leaves(hashes);
            }
        }
        match backend.get(Table::Meta, labels::META_STATEMENT)? {
            Some(bytes) => match Statement::decode(&bytes, store_id, root_mac) {
                Some(statement) if statement.root == state.store_root(store_id) => {
                    state.epoch = statement.epoch
                }
                Some(statement) => {
                    state.epoch = statement.epoch;
                    state
                        .taint
                        .get_or_insert("the tree does not match the authenticated root");
                }
                None => {
                    state
                        .taint
                        .get_or_insert("the store statement failed authentication");
                }
            },
            None => {
                state.taint.get_or_insert("the store statement is missing");
            }
        }
        if let Some(bytes) = backend.get(Table::Meta, labels::META_SIGNED)? {
            match SignedStatement::decode(&bytes) {
                Some(signed)
                    if signed.verify(store_id, identity) && signed.epoch <= state.epoch =>
                {
                    state.signed_epoch = signed.epoch;
                }
                _ => {
                    state
                        .taint
                        .get_or_insert("the signed root failed verification");
                }
            }
        }
        Ok(state)
    }
}

/// `(epoch, store root)` authenticated with HMAC under the root-MAC key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Statement {
    pub(crate) epoch: u64,
    pub(crate) root: Hash,
}

const STATEMENT_FORMAT: u8 = 1;

impl Statement {
    fn mac(&self, store_id: &[u8; 16], key: &Key32) -> [u8; 32] {
        crypto::hmac(
            key,
            &[
                labels::MAC_STATEMENT,
                store_id,
                &self.epoch.to_be_bytes(),
                &self.root,
            ],
        )
    }

    pub(crate) fn encode(&self, store_id: &[u8; 16], key: &Key32) -> Vec<u8> {
        [
            [STATEMENT_FORMAT].as_slice(),
            &self.epoch.to_be_bytes(),
            &self.root,
            &self.mac(store_id, key),
        ]
        .concat()
    }

    pub(crate) fn decode(bytes: &[u8], store_id: &[u8; 16], key: &Key32) -> Option<Statement> {
        let (&format, rest) = bytes.split_first()?;
        let (epoch, rest) = rest.split_first_chunk::<8>()?;
        let (root, rest) = rest.split_first_chunk::<32>()?;
        let statement = Statement {
            epoch: u64::from_be_bytes(*epoch),
            root: *root,
        };
        let authentic = crypto::hmac_verify(
            key,
            &[
                labels::MAC_STATEMENT,
                store_id,
                &statement.epoch.to_be_bytes(),
                &statement.root,
            ],
            rest,
        );
        (format == STATEMENT_FORMAT && authentic).then_some(statement)
    }
}

/// A statement signed by the store identity: what third parties and anchors check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SignedStatement {
    pub(crate) epoch: u64,
    pub(crate) root: Hash,
    pub(crate) signature: Signature,
}

/// The JSON body signed under [`Purpose::STORE_ROOT`].
pub(crate) fn signed_body(store_id: &[u8; 16], epoch: u64, root: &Hash) -> serde_json::Value {
    serde_json::json!({
        "store_id": hex_encode(store_id),
        "epoch": epoch.to_string(),
        "root": Digest::from_bytes(*root).to_string(),
    })
}

impl SignedStatement {
    pub(crate) fn sign(
        signer: &impl Signer,
        store_id: &[u8; 16],
        epoch: u64,
        root: Hash,
    ) -> Option<SignedStatement> {
        let signature = sign::sign_json(
            signer,
            Purpose::STORE_ROOT,
            &signed_body(store_id, epoch, &root),
        )
        .ok()?;
        Some(SignedStatement {
            epoch,
            root,
            signature,
        })
    }

    pub(crate) fn verify(&self, store_id: &[u8; 16], identity: &PublicKey) -> bool {
        sign::verify_json(
            identity,
            Purpose::STORE_ROOT,
            &signed_body(store_id, self.epoch, &self.root),
            &self.signature,
        )
        .is_ok()
    }

    pub(crate) fn encode(&self) -> Vec<u8> {
        [
            [STATEMENT_FORMAT].as_slice(),
            &self.epoch.to_be_bytes(),
            &self.root,
            self.signature.as_bytes(),
        ]
        .concat()
    }

    pub(crate) fn decode(bytes: &[u8]) -> Option<SignedStatement> {
        let (&format, rest) = bytes.split_first()?;
        let (epoch, rest) = rest.split_first_chunk::<8>()?;
        let (root, rest) = rest.split_first_chunk::<32>()?;
        let signature: [u8; 64] = rest.try_into().ok()?;
        (format == STATEMENT_FORMAT).then_some(SignedStatement {
            epoch: u64::from_be_bytes(*epoch),
            root: *root,
            signature: Signature::from_bytes(signature),
        })
    }
}
