//! # sanctuary-store
//!
//! Sanctuary's L1: everything the agent knows, encrypted at rest in a *home* directory.
//!
//! ```
//! use sanctuary_store::{Home, HomeOptions, KdfParams, Passphrase, RecoveryKey, Unlock};
//!
//! let dir = tempfile::tempdir()?;
//! let home_dir = dir.path().join("agent-home");
//! // KdfParams::DEFAULT (Argon2id, 64 MiB, t = 3, p = 4) is the default; the doc test uses
//! // the cheap test setting so it runs fast.
//! let options = HomeOptions { kdf: KdfParams::dangerous_fast_for_tests(), ..HomeOptions::default() };
//!
//! let passphrase = Passphrase::new("correct horse battery staple")?;
//! let (home, recovery) = Home::create(&home_dir, &passphrase, options.clone())?;
//! let shown_once = recovery.to_display_string(); // give this to the user, store it nowhere
//! home.put("memory", "favourite-colour", b"blue")?;
//! drop(home);
//!
//! // Later: open with either secret.
//! let home = Home::open(&home_dir, Unlock::Passphrase(&passphrase), options.clone())?;
//! assert_eq!(home.get("memory", "favourite-colour")?.unwrap().value.as_slice(), b"blue");
//! let recovery = RecoveryKey::parse(&shown_once)?;
//! drop(home);
//! let home = Home::open(&home_dir, Unlock::Recovery(&recovery), options)?;
//! assert_eq!(home.list("memory")?, vec!["favourite-colour".to_owned()]);
//! assert!(home.delete("memory", "favourite-colour")?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A [`Home`] also implements [`sanctuary_core::state::StateStore`], so every other layer can
//! persist through it without knowing it is encrypted.
//!
//! # What is on disk
//!
//! A home directory (mode 0700) holds two files and the `audit/` directory (files 0600):
//!
//! - `custody.bin`, the key file: the store id and the *wraps* of the master key, one per
//!   passphrase and one per recovery key. Opening reads only this file until a wrap opens, so a
//!   wrong secret changes nothing on disk. Argon2 parameters read from it are bounded
//!   ([`KdfParams::MIN`]..=[`KdfParams::MAX`]), so a tampered file cannot make opening hang.
//! - `store.log`, the database ([`backend::LogBackend`], an append-only log, crash-safe; or
//!   `store.redb` for a home created with [`Engine::Redb`]): a header with the
//!   store id, the store identity's seed and one record per namespace (each sealed under a key
//!   derived from the master), and one record per entry, keyed by
//!   `namespace id ‖ key id`.
//!
//! Namespace ids are `HMAC(K_nsid, namespace)` and key ids `HMAC(K_kid, key name)`, so no name
//! appears on disk; names travel encrypted inside the records. Nothing derived from a value
//! without a key (no bare hash) is stored. Entry versions and record lengths are visible.
//!
//! # Keys
//!
//! The namespace-id key, the audit key and the identity seed are random and sealed under
//! K_meta (so a master rotation re-seals them instead of changing every id); a *key check*
//! (`HMAC(K_meta, label ‖ store id)`) tells which master the database is sealed under.
//!
//! ```text
//! master key M (32 random bytes; on disk only as wraps: AES-256-GCM under
//! │   Argon2id(passphrase) or HKDF(recovery key); AAD = label ‖ store id ‖ wrap header)
//! ├─ K_root = HKDF(M, salt = store id, "root-mac")  authenticates the store statement
//! └─ K_meta = HKDF(M, salt = store id, "meta-key")  seals the keys below and the identity
//!      K_nsid (32 random bytes)   namespace id = HMAC(K_nsid, namespace)[..16]
//!      K_audit (32 random bytes)  seals audit-log entries
//!      namespace key N (32 random bytes per namespace, sealed under K_meta)
//!      ├─ K_kid = HKDF(N, salt = store id ‖ ns id, "key-id")
//!      └─ P_rec = HKDF(N, salt = store id ‖ ns id, "record-key")
//!           record key K(id, v) = HKDF-Expand(P_rec, "record-key" ‖ key id ‖ version)
//! ```
//!
//! Every label lives in one module (`labels`), each naming the format version.
//!
//! # Nonce uniqueness
//!
//! AES-GCM fails badly if a (key, nonce) pair repeats. Each record is sealed under its own key
//! `K(id, v)`, derived from the entry's key id and version, with fresh random 96-bit nonces (two
//! per record: name-and-metadata, and value). A record key seals more than one record only if
//! the same version of the same entry is written twice, which happens only when a write did
//! not commit (a crash or an error) and is retried. Even then the nonces are independent random
//! 96-bit values: two seals collide with probability 2^-96, far inside the 2^-32 bound NIST SP
//! 800-38D §8.3 sets for random nonces. Keys that seal many messages (K_meta, the wrap KEKs)
//! seal one message per namespace or wrap change: many orders of magnitude below 2^32.
//!
//! # Associated data
//!
//! Each sealed section binds `label ‖ store id ‖ namespace id ‖ key id ‖ version ‖ kind`, so a
//! record copied onto another key, namespace, version or store fails to open
//! ([`StoreError::Integrity`], naming the entry), and the two sections of a record cannot be
//! exchanged.
//!
//! # Durability
//!
//! [`Home::put`] and [`Home::delete`] are durable: on stable storage (fsync) before they return,
//! together with every buffered write before them. [`Home::put_with`] and [`Home::apply`] take
//! a [`backend::Durability`]: `Buffered` writes are visible at once and written to the database
//! in groups (1,024 rows, 4 MiB, one second — checked at the next write —, the next durable
//! commit, [`Home::flush`], or closing the home). A crash loses the buffered batches not yet
//! written, each batch entirely or not at all, and never corrupts the home: the integrity tree
//! and its statement are always written in the same transaction as the records they cover.
//!
//! # Integrity
//!
//! Each namespace has an RFC 9162 Merkle tree ([`merkle`]) with one leaf per entry, live or
//! deleted: `H(0x00 ‖ key id ‖ version ‖ SHA-256(record))`. Leaves sit in their own table,
//! beside the entry's name sealed under a namespace key. The *store root* hashes every
//! namespace's (id, size, root); the *statement* `(epoch, store root)` is rewritten with every
//! commit (the epoch grows by one each time) and authenticated with HMAC-SHA256 under a key
//! derived from the master. Every durable commit, and every [`Home::anchor`], also signs it with
//! the store's own Ed25519 identity (purpose `store-root`), kept sealed under the master key.
//! Updating a leaf costs O(log n) hashes; the trees are loaded into memory when the home opens.
//!
//! - A read checks the record against its leaf: an altered or swapped record is
//!   [`StoreError::Integrity`] (naming the entry), an older version written back is
//!   [`StoreError::Rollback`], a record removed from under its leaf is named too.
//! - [`Home::verify`] audits the whole home on disk and names every bad entry
//!   ([`VerifyReport`]): missing, altered, rolled back, orphaned, or a tree or statement that
//!   does not authenticate.
//! - [`Home::get_with_proof`] returns an [`InclusionProof`] that anyone holding the store's
//!   public identity can check: leaf → namespace root → store root → signature.
//! - [`Home::anchor`] returns a signed (epoch, root) to keep outside the home; opening with it
//!   ([`HomeOptions::anchor`]) detects a rollback of the *whole* home to an older consistent
//!   state ([`StoreError::HomeRollback`]). Without an anchor kept elsewhere, such a rollback
//!   cannot be detected: every file of the old state is genuine. This residual is inherent to
//!   any store whose whole state the attacker can replace.
//! - If the tree or statement on disk does not authenticate when the home opens, the home fails
//!   closed: reads and writes return [`StoreError::Corrupt`]; [`Home::verify`] still runs.
//!
//! # Audit log
//!
//! A [`Home`] is a [`sanctuary_core::audit::AuditSink`]: every event is sealed under a key
//! derived from the master and appended to `audit/log`, hash-chained over the ciphertext,
//! with a signed checkpoint every [`CHECKPOINT_EVERY`] records and a signed head rewritten on
//! every append (both durable before `record` returns). [`verify_audit_log`] checks a log
//! directory with no secret and names the first bad entry; modification, deletion, reordering
//! and truncation are detected. See the `audit` format notes on [`verify_audit_log`].
//!
//! # Not yet covered
//!
//! The OS-keyring wrap is the next step of this crate. Homes that live only in a backend
//! ([`Home::create_in`]) keep their audit log in memory, for as long as the `Home` is open.
//!
//! # Rotating the master key
//!
//! [`Home::rotate_master`] replaces the master key and re-encrypts everything: every namespace
//! gets a new key (so every record and tree row is encrypted again), the metadata is sealed
//! again, and the root is authenticated and signed anew; every earlier passphrase and recovery
//! key stops working. The key file first gains the new wraps (with a *bridge*: the old master
//! under the new one), the re-encryption is one durable transaction, then the old wraps go.
//! A crash anywhere leaves a home that opens; opening with the new passphrase or recovery key
//! finishes an interrupted rotation.
//!
//! # Moving entries between homes
//!
//! [`Home::export`] seals entries to a [`BundleKey`] and signs them with the store identity;
//! [`Home::import`] checks everything (decryption, signature, optionally the expected signer,
//! every entry against the store's rules) before writing anything, then writes in one batch
//! under the importing home's own keys, with a [`Conflict`] policy. See [`bundle`].
//!
//! # Crypto-shredding
//!
//! [`Home::drop_namespace`] removes a namespace's entries, tree and key. Namespace keys are
//! random and exist only sealed in the namespace record, so copies of the namespace's records
//! taken earlier can no longer be opened, even with the passphrase, unless an old copy of the
//! namespace record is at hand too (a full old backup stays readable to whoever can open it).

//! # Threat model
//!
//! Against someone who reads or writes the home while the agent is stopped: no value, key name
//! or namespace name can be learned, and any altered or swapped record is refused. Out of
//! scope: code running as the user while the home is open (it can read the keys from memory).
//! A copy of the key file taken before a passphrase change still opens with the old
//! passphrase; only master-key rotation revokes old copies.

#![forbid(unsafe_code)]

mod audit;
pub mod backend;
pub mod bundle;
mod crypto;
mod custody;
mod error;
mod fsutil;
mod health;
mod home;
mod integrity;
pub mod keyring;
mod keys;
mod labels;
pub mod merkle;
mod record;

pub use audit::{
    AUDIT_DIR, AuditProblem, AuditProblemKind, AuditReadError, AuditReport, CHECKPOINT_EVERY,
    verify_audit_bytes, verify_audit_log,
};
pub use bundle::BundleError;
pub use custody::{BundleKey, CustodyError, KdfParams, Passphrase, RecoveryKey};
pub use error::StoreError;
pub use home::{
    Anchor, Applied, Batch, CUSTODY_FILE, Conflict, CustodyKind, DB_FILE, Engine, Entry,
    EntryOptions, Home, HomeOptions, ImportOptions, ImportReport, InclusionProof, Problem,
    ProblemKind, REDB_FILE, Unlock, VerifyReport, WrapId, WrapInfo,
};
pub use record::{MAX_CONTENT_TYPE_LEN, MAX_TAG_LEN, MAX_TAGS, Metadata};
