//! [`Home`]: an encrypted store in a directory (or on any [`Backend`]).

use crate::audit::{AUDIT_DIR, AuditLog, AuditReport, verify_audit_bytes, verify_audit_log};
use crate::backend::{Backend, Durability, LogBackend, RedbBackend, Table, WriteBatch};
use crate::bundle::{self, BundleEntry, BundleError};
use crate::crypto::{self, Key32};
use crate::custody::BundleKey;
use crate::custody::{self, KdfParams, Passphrase, RecoveryKey, Wrap, WrapKind};
use crate::error::StoreError;
use crate::integrity::{self, Integrity, LeafRow, SignedStatement, Statement};
use crate::keyring::{KEYRING_SERVICE, Keyring, KeyringError};
use crate::keys::{MasterKeys, NamespaceKeys};
use crate::labels;
use crate::merkle::{self, Hash};
use crate::record::{self, Binding, Metadata, RawRecord};
use rand_core::{OsRng, RngCore};
use sanctuary_core::audit::{AuditError, AuditEvent, AuditSink};
use sanctuary_core::digest::Digest;
use sanctuary_core::encoding::hex_encode;
use sanctuary_core::identity::{Identity, PublicKey, SecretSeed, Signature};
use sanctuary_core::state::{
    StateError, StateStore, validate_key, validate_namespace, validate_value,
};
use sanctuary_core::time::{Clock, SystemClock, Timestamp};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;
use zeroize::Zeroizing;

/// The database file inside a home directory ([`Engine::Log`], the default).
pub const DB_FILE: &str = "store.log";
/// The database file of a home created with [`Engine::Redb`].
pub const REDB_FILE: &str = "store.redb";

/// Which backend a new home on disk uses. Opening finds the engine from the file present.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Engine {
    /// [`crate::backend::LogBackend`]: an append-only log with an in-memory index of every row
    /// (about 100 bytes of memory per entry). The fastest, and the default.
    #[default]
    Log,
    /// [`RedbBackend`]: a copy-on-write B-tree file. Slower writes (every random insert
    /// rewrites pages), but memory does not grow with the number of entries.
    Redb,
}
/// The key file (master-key wraps) inside a home directory.
pub const CUSTODY_FILE: &str = "custody.bin";

const CUSTODY_MAGIC: &[u8; 8] = b"SNCTKEYS";
const HEADER_MAGIC: &[u8; 8] = b"SNCTSTOR";
const FORMAT: u8 = 1;
/// Key of the custody blob in the metadata table, for homes that live only in a backend.
const META_CUSTODY: &[u8] = b"custody";

/// How a home is created or opened.
#[derive(Clone)]
pub struct HomeOptions {
    /// Argon2id parameters for new passphrase wraps.
    pub kdf: KdfParams,
    /// The clock used for entry times and time-to-live.
    pub clock: Arc<dyn Clock>,
    /// An anchor kept from an earlier session ([`Home::anchor`]): opening fails with
    /// [`StoreError::HomeRollback`] if the home on disk is older than it, or has forked from it.
    pub anchor: Option<Anchor>,
    /// The backend of a home created on disk (ignored when opening).
    pub engine: Engine,
}

impl Default for HomeOptions {
    fn default() -> Self {
        HomeOptions {
            kdf: KdfParams::DEFAULT,
            clock: Arc::new(SystemClock),
            anchor: None,
            engine: Engine::default(),
        }
    }
}

impl fmt::Debug for HomeOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HomeOptions")
            .field("kdf", &self.kdf)
            .field("engine", &self.engine)
            .finish_non_exhaustive()
    }
}

/// The secret that opens a home.
#[derive(Debug, Clone, Copy)]
pub enum Unlock<'a> {
    /// The passphrase.
    Passphrase(&'a Passphrase),
    /// The recovery key shown at creation.
    Recovery(&'a RecoveryKey),
    /// The secret of a keyring wrap ([`Home::add_keyring_wrap`]), read from this keyring.
    Keyring(&'a dyn Keyring),
}

/// The id of one wrap of the master key in the key file (public, random).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct WrapId([u8; 16]);

impl WrapId {
    /// The raw id.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl fmt::Display for WrapId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex_encode(&self.0))
    }
}

impl fmt::Debug for WrapId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WrapId({self})")
    }
}

/// What kind of secret opens a wrap.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CustodyKind {
    /// A passphrase, through Argon2id with these parameters.
    Passphrase {
        /// The Argon2id parameters.
        params: KdfParams,
    },
    /// A recovery key.
    RecoveryKey,
    /// A secret in a keyring, under [`crate::keyring::KEYRING_SERVICE`] and this account.
    Keyring {
        /// The keyring account.
        account: String,
    },
    /// The previous master under the new one, while a master rotation is under way.
    RotationBridge,
}

/// One wrap of the master key, as [`Home::wraps`] lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrapInfo {
    /// Its id, for [`Home::remove_wrap`].
    pub id: WrapId,
    /// The secret that opens it.
    pub kind: CustodyKind,
    /// Whether it wraps the master key the home is open with (during a rotation, the key file
    /// also holds wraps of the other master).
    pub current: bool,
}

/// Options of one written entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryOptions {
    /// A content type (at most 255 bytes, no control characters).
    pub content_type: String,
    /// Tags (at most 32, each 1 to 64 bytes without control characters).
    pub tags: Vec<String>,
    /// Reads treat the entry as absent once this much time has passed since the write.
    pub ttl: Option<Duration>,
}

impl EntryOptions {
    fn validate(&self) -> Result<(), StoreError> {
        let bad = |reason| Err(StoreError::InvalidMetadata { reason });
        if self.content_type.len() > record::MAX_CONTENT_TYPE_LEN
            || self.content_type.chars().any(char::is_control)
        {
            return bad("content type must be at most 255 bytes without control characters");
        }
        if self.tags.len() > record::MAX_TAGS {
            return bad("at most 32 tags");
        }
        if self.tags.iter().any(|t| {
            t.is_empty() || t.len() > record::MAX_TAG_LEN || t.chars().any(char::is_control)
        }) {
            return bad("tags must be 1 to 64 bytes without control characters");
        }
        if self.ttl == Some(Duration::ZERO) {
            return bad("time to live must be positive");
        }
        Ok(())
    }
}

/// An entry read back.
pub struct Entry {
    /// The value (zeroized on drop).
    pub value: Zeroizing<Vec<u8>>,
    /// Its metadata.
    pub metadata: Metadata,
    /// Its version: 1 for the first write, one more for every write or delete since.
    pub version: u64,
}

impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entry")
            .field("value", &format_args!("[{} bytes]", self.value.len()))
            .field("metadata", &self.metadata)
            .field("version", &self.version)
            .finish()
    }
}

/// Writes applied together or not at all ([`Home::apply`]).
#[derive(Default)]
pub struct Batch {
    ops: Vec<BatchOp>,
}

enum BatchOp {
    Put {
        ns: String,
        key: String,
        value: Zeroizing<Vec<u8>>,
        options: EntryOptions,
    },
    Delete {
        ns: String,
        key: String,
    },
}

impl Batch {
    /// An empty batch.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a write.
    pub fn put(&mut self, ns: &str, key: &str, value: &[u8], options: EntryOptions) -> &mut Self {
        self.ops.push(BatchOp::Put {
            ns: ns.to_owned(),
            key: key.to_owned(),
            value: Zeroizing::new(value.to_vec()),
            options,
        });
        self
    }

    /// Adds a delete.
    pub fn delete(&mut self, ns: &str, key: &str) -> &mut Self {
        self.ops.push(BatchOp::Delete {
            ns: ns.to_owned(),
            key: key.to_owned(),
        });
        self
    }

    /// Number of writes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Whether the batch is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

impl fmt::Debug for Batch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Batch({} ops)", self.ops.len())
    }
}

/// What one batch operation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// A put wrote this version.
    Put {
        /// The new version.
        version: u64,
    },
    /// A delete ran; `existed` says whether there was a live entry.
    Delete {
        /// Whether something was deleted.
        existed: bool,
    },
}

#[derive(Debug, Clone)]
enum CustodyStore {
    File(PathBuf),
    Backend,
}

/// A namespace's keys, and the metadata record to write if the namespace is new.
type Resolved = Option<(Arc<Namespace>, Option<Vec<u8>>)>;
/// Per (namespace id, key id): the latest version and, if live, the creation time.
/// (namespace id, key id, version, creation time if live).
type CreatedAt = ([u8; 16], [u8; 32], u64, Option<Timestamp>);
type Versions = HashMap<([u8; 16], [u8; 32]), (u64, Option<Timestamp>)>;

struct Namespace {
    id: [u8; 16],
    keys: NamespaceKeys,
}

/// An encrypted home: namespaced entries, encrypted at rest, under a master key that only a
/// passphrase or the recovery key unwraps.
///
/// See the [crate docs](crate) for the format and the guarantees.
pub struct Home {
    backend: Arc<dyn Backend>,
    custody: CustodyStore,
    store_id: [u8; 16],
    master: Key32,
    keys: MasterKeys,
    identity: Identity,
    namespaces: RwLock<HashMap<[u8; 16], Arc<Namespace>>>,
    write_lock: Mutex<()>,
    options: HomeOptions,
    weak_kdf: bool,
    integrity: RwLock<Integrity>,
    audit: Mutex<AuditLog>,
}

impl fmt::Debug for Home {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Home")
            .field("store_id", &hex_encode(&self.store_id))
            .field("custody", &self.custody)
            .field("identity", &self.identity.public())
            .finish_non_exhaustive()
    }
}

fn io_err(path: &Path, err: &std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.to_owned(),
        reason: err.to_string(),
    }
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    crate::fsutil::write_atomic(path, bytes).map_err(|(p, e)| io_err(&p, &e))
}

/// The key file: the wraps of the master key and, while a rotation is under way, the
/// fingerprint of the master it rotates to.
#[derive(Debug, Clone)]
struct KeyFile {
    store_id: [u8; 16],
    wraps: Vec<Wrap>,
    target: Option<[u8; 8]>,
}

/// `magic ‖ format ‖ store id ‖ target flag (1) ‖ target master id (8, if flagged) ‖ count ‖
/// (length (2) ‖ wrap)*`.
fn encode_custody(file: &KeyFile) -> Vec<u8> {
    let mut out = CUSTODY_MAGIC.to_vec();
    out.push(FORMAT);
    out.extend_from_slice(&file.store_id);
    match file.target {
        Some(t) => {
            out.push(1);
            out.extend_from_slice(&t);
        }
        None => out.push(0),
    }
    out.push(u8::try_from(file.wraps.len()).unwrap_or(u8::MAX));
    for wrap in &file.wraps {
        let bytes = wrap.encode();
        out.extend_from_slice(&u16::try_from(bytes.len()).unwrap_or(u16::MAX).to_be_bytes());
        out.extend_from_slice(&bytes);
    }
    out
}

/// Decodes a key file. Wraps that do not decode (for example with Argon2 parameters out of
/// bounds) are dropped: they can never open.
fn decode_custody(bytes: &[u8]) -> Option<KeyFile> {
    let rest = bytes.strip_prefix(CUSTODY_MAGIC.as_slice())?;
    let (&format, rest) = rest.split_first()?;
    let (store_id, rest) = rest.split_first_chunk::<16>()?;
    let (&flag, rest) = rest.split_first()?;
    let (target, rest) = match flag {
        0 => (None, rest),
        1 => {
            let (t, rest) = rest.split_first_chunk::<8>()?;
            (Some(*t), rest)
        }
        _ => return None,
    };
    let (&count, mut rest) = rest.split_first()?;
    if format != FORMAT {
        return None;
    }
    let mut wraps = Vec::with_capacity(usize::from(count));
    for _ in 0..count {
        let (len, tail) = rest.split_first_chunk::<2>()?;
        let (wrap, tail) = tail.split_at_checked(usize::from(u16::from_be_bytes(*len)))?;
        if let Ok(w) = Wrap::decode(wrap) {
            wraps.push(w);
        }
        rest = tail;
    }
    rest.is_empty().then_some(KeyFile {
        store_id: *store_id,
        wraps,
        target,
    })
}

fn random16() -> [u8; 16] {
    let mut out = [0u8; 16];
    OsRng.fill_bytes(&mut out);
    out
}

impl Home {
    /// Creates a home in `dir` (created with mode 0700 if missing), unlocked by `passphrase`.
    /// Returns the home and its recovery key, which is shown to the user once and stored
    /// nowhere.
    pub fn create(
        dir: &Path,
        passphrase: &Passphrase,
        options: HomeOptions,
    ) -> Result<(Home, RecoveryKey), StoreError> {
        let custody_path = dir.join(CUSTODY_FILE);
        if custody_path.exists() || dir.join(DB_FILE).exists() || dir.join(REDB_FILE).exists() {
            return Err(StoreError::AlreadyExists {
                path: dir.to_owned(),
            });
        }
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(dir).map_err(|e| io_err(dir, &e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| io_err(dir, &e))?;
        }
        let backend: Arc<dyn Backend> = match options.engine {
            Engine::Log => Arc::new(LogBackend::create(&dir.join(DB_FILE))?),
            Engine::Redb => Arc::new(RedbBackend::create(&dir.join(REDB_FILE))?),
        };
        Self::initialize(
            backend,
            CustodyStore::File(custody_path),
            passphrase,
            options,
        )
    }

    /// Opens the home in `dir`. A wrong secret changes nothing on disk: only the key file is
    /// read until a wrap opens.
    pub fn open(dir: &Path, unlock: Unlock<'_>, options: HomeOptions) -> Result<Home, StoreError> {
        let custody_path = dir.join(CUSTODY_FILE);
        let bytes = match std::fs::read(&custody_path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::NotFound {
                    path: dir.to_owned(),
                });
            }
            Err(e) => return Err(io_err(&custody_path, &e)),
        };
        let (file, candidates, weak_kdf) = Self::unlock_custody(&bytes, unlock)?;
        let (log, redb) = (dir.join(DB_FILE), dir.join(REDB_FILE));
        let backend: Arc<dyn Backend> = match (log.exists(), redb.exists()) {
            (true, false) => Arc::new(LogBackend::open(&log)?),
            (false, true) => Arc::new(RedbBackend::open(&redb)?),
            (false, false) => return Err(StoreError::NotFound { path: log }),
            (true, true) => {
                return Err(StoreError::Corrupt {
                    what: "home holds both a log and a redb database",
                });
            }
        };
        Self::open_with(
            backend,
            CustodyStore::File(custody_path),
            &file,
            candidates,
            weak_kdf,
            options,
        )
    }

    /// Creates a home whose every byte, key file included, lives in `backend` (e.g. a
    /// [`crate::backend::MemoryBackend`]).
    pub fn create_in(
        backend: Arc<dyn Backend>,
        passphrase: &Passphrase,
        options: HomeOptions,
    ) -> Result<(Home, RecoveryKey), StoreError> {
        if backend.get(Table::Meta, META_CUSTODY)?.is_some() {
            return Err(StoreError::AlreadyExists {
                path: PathBuf::new(),
            });
        }
        Self::initialize(backend, CustodyStore::Backend, passphrase, options)
    }

    /// Opens a home made by [`Home::create_in`]. Reads only until a wrap opens.
    pub fn open_in(
        backend: Arc<dyn Backend>,
        unlock: Unlock<'_>,
        options: HomeOptions,
    ) -> Result<Home, StoreError> {
        let bytes =
            backend
                .get(Table::Meta, META_CUSTODY)?
                .ok_or_else(|| StoreError::NotFound {
                    path: PathBuf::new(),
                })?;
        let (file, candidates, weak_kdf) = Self::unlock_custody(&bytes, unlock)?;
        Self::open_with(
            backend,
            CustodyStore::Backend,
            &file,
            candidates,
            weak_kdf,
            options,
        )
    }

    /// Every master key that `unlock` opens (two only while a rotation is under way).
    fn unlock_custody(
        bytes: &[u8],
        unlock: Unlock<'_>,
    ) -> Result<(KeyFile, Vec<Key32>, bool), StoreError> {
        let file = decode_custody(bytes).ok_or(StoreError::Unlock)?;
        let weak_kdf = file
            .wraps
            .iter()
            .any(|w| matches!(w.kind, WrapKind::Passphrase { params, .. } if params.is_weaker_than_default()));
        let mut masters: Vec<Key32> = Vec::new();
        let mut keyring_error: Option<KeyringError> = None;
        for wrap in &file.wraps {
            if masters
                .iter()
                .any(|m| custody::master_id(m) == wrap.master_id)
            {
                continue;
            }
            let kek = match (wrap.kind, unlock) {
                (WrapKind::Passphrase { params, salt }, Unlock::Passphrase(p)) => {
                    custody::passphrase_kek(p, params, &salt)
                }
                (WrapKind::Recovery { salt }, Unlock::Recovery(r)) => {
                    Some(custody::recovery_kek(r, &salt))
                }
                (WrapKind::Keyring { salt }, Unlock::Keyring(keyring)) => {
                    let account = custody::keyring_account(&file.store_id, &salt);
                    match keyring.get(KEYRING_SERVICE, &account) {
                        Ok(secret) => <&[u8; 32]>::try_from(secret.as_slice())
                            .ok()
                            .map(|s| custody::keyring_kek(s, &salt)),
                        Err(KeyringError::NoEntry) => None,
                        Err(e) => {
                            keyring_error.get_or_insert(e);
                            None
                        }
                    }
                }
                _ => None,
            };
            if let Some(master) = kek.and_then(|k| wrap.open(&file.store_id, &k)) {
                masters.push(master);
            }
        }
        // Bridges: an old master reachable from a new one (a rotation under way).
        for wrap in &file.wraps {
            let WrapKind::Bridge { salt } = wrap.kind else {
                continue;
            };
            if masters
                .iter()
                .any(|m| custody::master_id(m) == wrap.master_id)
            {
                continue;
            }
            let opened = masters
                .iter()
                .find_map(|m| wrap.open(&file.store_id, &custody::bridge_kek(m, &salt)));
            if let Some(old) = opened {
                masters.push(old);
            }
        }
        if masters.is_empty() {
            // A keyring that could not be read is not a wrong secret: say so.
            return Err(keyring_error.map_or(StoreError::Unlock, StoreError::Keyring));
        }
        Ok((file, masters, weak_kdf))
    }

    /// Opens with the master the database is sealed under, and finishes an interrupted master
    /// rotation when the secret opens the new master too.
    fn open_with(
        backend: Arc<dyn Backend>,
        custody: CustodyStore,
        file: &KeyFile,
        candidates: Vec<Key32>,
        weak_kdf: bool,
        options: HomeOptions,
    ) -> Result<Home, StoreError> {
        let check = backend
            .get(Table::Meta, labels::META_KEY_CHECK)?
            .unwrap_or_default();
        let store_id = file.store_id;
        let matches = |m: &Key32| {
            let meta = MasterKeys::meta_key(m, &store_id);
            crypto::hmac_verify(&meta, &[labels::MAC_KEY_CHECK, &store_id], &check)
        };
        let db_master =
            candidates
                .iter()
                .find(|m| matches(m))
                .cloned()
                .ok_or(StoreError::Corrupt {
                    what: "key check (no unlocked master key matches the database)",
                })?;
        let db_id = custody::master_id(&db_master);
        let home = Self::load(backend, custody, store_id, db_master, weak_kdf, options)?;
        match file.target {
            None => Ok(home),
            // The database was re-encrypted; only the old wraps remain to be removed.
            Some(target) if target == db_id => {
                home.finish_rotation(target)?;
                Ok(home)
            }
            Some(target) => match candidates
                .into_iter()
                .find(|m| custody::master_id(m) == target)
            {
                Some(new) => home.complete_rotation(new),
                // This secret opens only the old master: the rotation stays pending until the
                // home is opened with the new passphrase or recovery key.
                None => Ok(home),
            },
        }
    }

    fn initialize(
        backend: Arc<dyn Backend>,
        custody: CustodyStore,
        passphrase: &Passphrase,
        options: HomeOptions,
    ) -> Result<(Home, RecoveryKey), StoreError> {
        if !options.kdf.is_within_bounds() {
            return Err(StoreError::InvalidMetadata {
                reason: "argon2 parameters out of bounds",
            });
        }
        let store_id = random16();
        let master = Key32::random(&mut OsRng);
        let keys = MasterKeys::derive(&master, &store_id, Key32::random(&mut OsRng));
        let audit_key = Key32::random(&mut OsRng);
        let identity_seed = SecretSeed::generate(&mut OsRng);
        let recovery = RecoveryKey::generate(&mut OsRng);

        let pass_salt = random16();
        let kek = custody::passphrase_kek(passphrase, options.kdf, &pass_salt).ok_or(
            StoreError::InvalidMetadata {
                reason: "argon2 parameters out of bounds",
            },
        )?;
        let pass_wrap = Wrap::seal(
            &store_id,
            WrapKind::Passphrase {
                params: options.kdf,
                salt: pass_salt,
            },
            &kek,
            &master,
            &mut OsRng,
        );
        let rec_salt = random16();
        let rec_wrap = Wrap::seal(
            &store_id,
            WrapKind::Recovery { salt: rec_salt },
            &custody::recovery_kek(&recovery, &rec_salt),
            &master,
            &mut OsRng,
        );
        let custody_bytes = encode_custody(&KeyFile {
            store_id,
            wraps: vec![pass_wrap, rec_wrap],
            target: None,
        });

        let mut batch = WriteBatch::new();
        batch.put(Table::Meta, labels::META_HEADER, Self::header(&store_id));
        let empty_root = Integrity::default().store_root(&store_id);
        batch.put(
            Table::Meta,
            labels::META_STATEMENT,
            Statement {
                epoch: 0,
                root: empty_root,
            }
            .encode(&store_id, &keys.root_mac),
        );
        let identity_for_root = Identity::from_seed(&identity_seed);
        let signed = SignedStatement::sign(&identity_for_root, &store_id, 0, empty_root).ok_or(
            StoreError::Corrupt {
                what: "signing the store root",
            },
        )?;
        batch.put(Table::Meta, labels::META_SIGNED, signed.encode());
        for (row, value) in master_sealed_rows(&keys, &store_id, &identity_seed, &audit_key) {
            batch.put(Table::Meta, row, value);
        }
        match &custody {
            CustodyStore::Backend => batch.put(Table::Meta, META_CUSTODY, custody_bytes.clone()),
            CustodyStore::File(_) => {}
        }
        backend.commit(batch, Durability::Durable)?;
        if let CustodyStore::File(path) = &custody {
            // The key file is written last: a home without one is not yet created.
            write_atomic(path, &custody_bytes)?;
        }
        let weak_kdf = options.kdf.is_weaker_than_default();
        let home = Self::load(backend, custody, store_id, master, weak_kdf, options)?;
        Ok((home, recovery))
    }

    fn header(store_id: &[u8; 16]) -> Vec<u8> {
        let mut out = HEADER_MAGIC.to_vec();
        out.push(FORMAT);
        out.extend_from_slice(store_id);
        out
    }

    fn load(
        backend: Arc<dyn Backend>,
        custody: CustodyStore,
        store_id: [u8; 16],
        master: Key32,
        weak_kdf: bool,
        options: HomeOptions,
    ) -> Result<Home, StoreError> {
        let header = backend.get(Table::Meta, labels::META_HEADER)?;
        if header.as_deref() != Some(Self::header(&store_id).as_slice()) {
            return Err(StoreError::Corrupt {
                what: "header (database and key file belong to different homes)",
            });
        }
        let meta = MasterKeys::meta_key(&master, &store_id);
        let open_meta_row =
            |row: &[u8], label: &[u8], what: &'static str| -> Result<Key32, StoreError> {
                let sealed = backend
                    .get(Table::Meta, row)?
                    .ok_or(StoreError::Corrupt { what })?;
                let plain = crypto::open(&meta, &crypto::aad(&[label, &store_id]), &sealed)
                    .map_err(|_| StoreError::Corrupt { what })?;
                let bytes: [u8; 32] = plain
                    .as_slice()
                    .try_into()
                    .map_err(|_| StoreError::Corrupt { what })?;
                Ok(Key32::from_bytes(bytes))
            };
        let keys = MasterKeys::derive(
            &master,
            &store_id,
            open_meta_row(
                labels::META_NSID_KEY,
                labels::AAD_NSID_KEY,
                "namespace-id key",
            )?,
        );
        let audit_key = open_meta_row(labels::META_AUDIT_KEY, labels::AAD_AUDIT_KEY, "audit key")?;
        let key_check = backend.get(Table::Meta, labels::META_KEY_CHECK)?;
        if key_check.as_deref() != Some(keys.key_check(&store_id).as_slice()) {
            return Err(StoreError::Corrupt {
                what: "key check (the database is sealed under another master key)",
            });
        }
        let sealed =
            backend
                .get(Table::Meta, labels::META_IDENTITY)?
                .ok_or(StoreError::Corrupt {
                    what: "store identity missing",
                })?;
        let seed = crypto::open(
            &keys.meta,
            &crypto::aad(&[labels::AAD_IDENTITY, &store_id]),
            &sealed,
        )
        .map_err(|_| StoreError::Corrupt {
            what: "store identity",
        })?;
        let seed: [u8; 32] = seed
            .as_slice()
            .try_into()
            .map_err(|_| StoreError::Corrupt {
                what: "store identity",
            })?;
        let identity = Identity::from_seed(&SecretSeed::from_bytes(seed));
        let integrity = Integrity::load(
            backend.as_ref(),
            &store_id,
            &keys.root_mac,
            identity.public(),
        )?;
        if let Some(anchor) = &options.anchor {
            if anchor.store_id != store_id {
                return Err(StoreError::Corrupt {
                    what: "the anchor belongs to another home",
                });
            }
            let root = integrity.store_root(&store_id);
            if integrity.epoch < anchor.epoch
                || (integrity.epoch == anchor.epoch && root != *anchor.root.as_bytes())
            {
                return Err(StoreError::HomeRollback {
                    found: integrity.epoch,
                    anchored: anchor.epoch,
                });
            }
        }
        let audit_dir = match &custody {
            CustodyStore::File(path) => path.parent().map(|home| home.join(AUDIT_DIR)),
            CustodyStore::Backend => None,
        };
        let audit =
            AuditLog::open(audit_dir.as_deref(), audit_key, store_id, &identity).map_err(|e| {
                StoreError::Io {
                    path: audit_dir.clone().unwrap_or_default(),
                    reason: e.to_string(),
                }
            })?;
        Ok(Home {
            backend,
            custody,
            store_id,
            master,
            keys,
            identity,
            namespaces: RwLock::new(HashMap::new()),
            write_lock: Mutex::new(()),
            options,
            weak_kdf,
            integrity: RwLock::new(integrity),
            audit: Mutex::new(audit),
        })
    }

    /// The store's public identity (it signs the store's integrity roots).
    #[must_use]
    pub fn identity(&self) -> &PublicKey {
        self.identity.public()
    }

    /// Every event of the audit log, decrypted, oldest first.
    pub fn audit_events(&self) -> Result<Vec<AuditEvent>, StoreError> {
        let log = self.audit.lock().unwrap_or_else(PoisonError::into_inner);
        log.events()
            .map_err(|_| StoreError::Corrupt { what: "audit log" })
    }

    /// Verifies the audit log as an outsider would ([`crate::verify_audit_log`]), against the
    /// store identity.
    pub fn verify_audit(&self) -> Result<AuditReport, StoreError> {
        let log = self.audit.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((header, bytes, head)) = log.memory_bytes() {
            return Ok(verify_audit_bytes(
                &header,
                &bytes,
                &head,
                Some(self.identity.public()),
            ));
        }
        let dir = match &self.custody {
            CustodyStore::File(path) => path
                .parent()
                .map(|home| home.join(AUDIT_DIR))
                .unwrap_or_default(),
            CustodyStore::Backend => PathBuf::new(),
        };
        verify_audit_log(&dir, Some(self.identity.public())).map_err(|e| StoreError::Io {
            path: e.path,
            reason: e.reason,
        })
    }

    /// Makes every buffered write durable now.
    pub fn flush(&self) -> Result<(), StoreError> {
        let _guard = self.lock_writes();
        Ok(self.backend.flush()?)
    }

    /// The current epoch and, if the integrity check failed at open, why.
    pub(crate) fn integrity_summary(&self) -> (u64, Option<&'static str>) {
        let state = self
            .integrity
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        (state.epoch, state.taint)
    }

    /// The record of (`ns`, `key`) exactly as stored: ciphertext and public header, nothing
    /// secret. For audits, exports and tests that tamper with the backing store.
    pub fn raw_record(&self, ns: &str, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        validate_namespace(ns)?;
        validate_key(key)?;
        let Some((namespace, _)) = self.namespace(ns, false)? else {
            return Ok(None);
        };
        let key_id = namespace.keys.key_id(key);
        Ok(self
            .backend
            .get(Table::Records, &Self::record_row(&namespace.id, &key_id))?)
    }

    /// Whether any passphrase wrap uses Argon2 parameters weaker than [`KdfParams::DEFAULT`].
    #[must_use]
    pub fn has_weak_kdf(&self) -> bool {
        self.weak_kdf
    }

    fn read_custody(&self) -> Result<KeyFile, StoreError> {
        let bytes = match &self.custody {
            CustodyStore::File(path) => std::fs::read(path).map_err(|e| io_err(path, &e))?,
            CustodyStore::Backend => self
                .backend
                .get(Table::Meta, META_CUSTODY)?
                .ok_or(StoreError::Corrupt { what: "key file" })?,
        };
        let file = decode_custody(&bytes).ok_or(StoreError::Corrupt { what: "key file" })?;
        if file.store_id != self.store_id {
            return Err(StoreError::Corrupt { what: "key file" });
        }
        Ok(file)
    }

    fn write_custody(&self, file: &KeyFile) -> Result<(), StoreError> {
        let bytes = encode_custody(file);
        match &self.custody {
            CustodyStore::File(path) => write_atomic(path, &bytes),
            CustodyStore::Backend => {
                let mut batch = WriteBatch::new();
                batch.put(Table::Meta, META_CUSTODY, bytes);
                Ok(self.backend.commit(batch, Durability::Durable)?)
            }
        }
    }

    /// Rotates the master key and re-encrypts everything: a new master key, a new key for
    /// every namespace (so every record and tree row is encrypted again), the metadata sealed
    /// again, a new authenticated and signed root. Afterwards only `passphrase` (with
    /// `params`) and the returned recovery key open the home; every earlier wrap, passphrase and
    /// recovery key is gone.
    ///
    /// Crash safety: the key file first gains the new wraps beside the old ones (marked as a
    /// rotation under way); the re-encryption is one durable transaction; then the old wraps are
    /// removed. A crash at any point leaves a home that opens: with the old secrets while the
    /// re-encryption has not committed, and opening with `passphrase` or the new recovery key
    /// finishes whatever remains.
    ///
    /// The re-encryption is a single transaction: it holds every record of the home in memory.
    ///
    /// The rotated key file holds exactly the new passphrase and recovery wraps: extra wraps
    /// (added passphrases, recovery keys, keyring wraps) wrapped the old master and are
    /// dropped; add them again if they are still wanted.
    pub fn rotate_master(
        self,
        passphrase: &Passphrase,
        params: KdfParams,
    ) -> Result<(Home, RecoveryKey), StoreError> {
        let (new, recovery) = self.begin_rotation(passphrase, params)?;
        Ok((self.complete_rotation(new)?, recovery))
    }

    /// Phase one of a rotation: a new master, its wraps added to the key file.
    fn begin_rotation(
        &self,
        passphrase: &Passphrase,
        params: KdfParams,
    ) -> Result<(Key32, RecoveryKey), StoreError> {
        if !params.is_within_bounds() {
            return Err(StoreError::InvalidMetadata {
                reason: "argon2 parameters out of bounds",
            });
        }
        let new = Key32::random(&mut OsRng);
        let recovery = RecoveryKey::generate(&mut OsRng);
        let pass_salt = random16();
        let kek = custody::passphrase_kek(passphrase, params, &pass_salt).ok_or(
            StoreError::InvalidMetadata {
                reason: "argon2 parameters out of bounds",
            },
        )?;
        let rec_salt = random16();
        let _guard = self.lock_writes();
        let mut file = self.read_custody()?;
        file.wraps.push(Wrap::seal(
            &self.store_id,
            WrapKind::Passphrase {
                params,
                salt: pass_salt,
            },
            &kek,
            &new,
            &mut OsRng,
        ));
        file.wraps.push(Wrap::seal(
            &self.store_id,
            WrapKind::Recovery { salt: rec_salt },
            &custody::recovery_kek(&recovery, &rec_salt),
            &new,
            &mut OsRng,
        ));
        let bridge_salt = random16();
        file.wraps.push(Wrap::seal(
            &self.store_id,
            WrapKind::Bridge { salt: bridge_salt },
            &custody::bridge_kek(&new, &bridge_salt),
            &self.master,
            &mut OsRng,
        ));
        file.target = Some(custody::master_id(&new));
        self.write_custody(&file)?;
        Ok((new, recovery))
    }

    /// Phases two and three: re-encrypt under `new`, drop the old wraps, reopen.
    fn complete_rotation(self, new: Key32) -> Result<Home, StoreError> {
        self.reencrypt(&new)?;
        let target = custody::master_id(&new);
        self.finish_rotation(target)?;
        let Home {
            backend,
            custody,
            store_id,
            weak_kdf,
            options,
            ..
        } = self;
        Self::load(backend, custody, store_id, new, weak_kdf, options)
    }

    /// Phase three: keep only the wraps of the master `target`.
    fn finish_rotation(&self, target: [u8; 8]) -> Result<(), StoreError> {
        let _guard = self.lock_writes();
        let mut file = self.read_custody()?;
        file.wraps.retain(|w| w.master_id == target);
        file.target = None;
        self.write_custody(&file)
    }

    /// Phase two: everything re-encrypted under `new`, in one durable transaction.
    fn reencrypt(&self, new: &Key32) -> Result<(), StoreError> {
        let _guard = self.lock_writes();
        let state = self
            .integrity
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(what) = state.taint {
            return Err(StoreError::Corrupt { what });
        }
        let new_keys =
            MasterKeys::derive(new, &self.store_id, self.keys.namespace_id_key().clone());
        let mut writes = WriteBatch::new();
        let mut rebuilt = Integrity::default();
        for (row, sealed) in self
            .backend
            .scan_prefix(Table::Meta, labels::META_NAMESPACE_PREFIX)?
        {
            let corrupt = StoreError::Corrupt {
                what: "namespace record",
            };
            let ns_id: [u8; 16] = row
                .get(labels::META_NAMESPACE_PREFIX.len()..)
                .and_then(|r| r.try_into().ok())
                .ok_or(corrupt.clone())?;
            let aad = crypto::aad(&[labels::AAD_NAMESPACE, &self.store_id, &ns_id]);
            let plain =
                crypto::open(&self.keys.meta, &aad, &sealed).map_err(|_| corrupt.clone())?;
            let (old_key, name) = plain.split_first_chunk::<32>().ok_or(corrupt.clone())?;
            let old = NamespaceKeys::derive(&Key32::from_bytes(*old_key), &self.store_id, &ns_id);
            let fresh = Key32::random(&mut OsRng);
            let keys = NamespaceKeys::derive(&fresh, &self.store_id, &ns_id);
            let record = Zeroizing::new([fresh.as_bytes().as_slice(), name].concat());
            writes.put(
                Table::Meta,
                row.clone(),
                crypto::seal(&new_keys.meta, &aad, &record, &mut OsRng),
            );
            let ns_name = String::from_utf8_lossy(name).into_owned();
            let Some(tree) = state.trees.get(&ns_id) else {
                continue;
            };
            let rebuilt_tree = rebuilt.trees.entry(ns_id).or_default();
            let mut leaves = Vec::with_capacity(tree.entries.len());
            for (index, (key_id, _)) in tree.entries.iter().enumerate() {
                let slot = index as u64;
                let unnamed = || Self::unnamed(&ns_name, key_id);
                let bytes = self
                    .backend
                    .get(Table::Records, &Self::record_row(&ns_id, key_id))?
                    .ok_or_else(unnamed)?;
                let raw = Self::check_record(tree, slot, key_id, &bytes, unnamed, unnamed)?;
                let leaf_row = self
                    .backend
                    .get(Table::Tree, &integrity::row_key(&ns_id, slot))?
                    .and_then(|r| LeafRow::decode(&r))
                    .ok_or_else(unnamed)?;
                let name_aad = integrity::leaf_name_aad(&self.store_id, &ns_id, slot);
                let entry_name = crypto::open(&old.leaf_name, &name_aad, &leaf_row.sealed_name)
                    .ok()
                    .and_then(|n| String::from_utf8(n.to_vec()).ok())
                    .filter(|n| old.key_id(n) == *key_id)
                    .ok_or_else(unnamed)?;
                let new_id = keys.key_id(&entry_name);
                let (version, _) = raw.version_and_slot();
                let new_bytes = match raw {
                    RawRecord::Tombstone { .. } => record::encode_tombstone(version, slot),
                    RawRecord::Live { meta, value, .. } => {
                        let old_binding = Binding {
                            store_id: &self.store_id,
                            ns_id: &ns_id,
                            key_id,
                            version,
                            slot,
                        };
                        let old_key = old.record_key(key_id, version);
                        let (_, metadata) = record::open_meta(&old_key, old_binding, meta)
                            .map_err(|_| unnamed())?;
                        let plain = record::open_value(&old_key, old_binding, value)
                            .map_err(|_| unnamed())?;
                        let binding = Binding {
                            store_id: &self.store_id,
                            ns_id: &ns_id,
                            key_id: &new_id,
                            version,
                            slot,
                        };
                        record::seal_live(
                            &keys.record_key(&new_id, version),
                            binding,
                            &entry_name,
                            &metadata,
                            &plain,
                            &mut OsRng,
                        )
                    }
                };
                let new_leaf = LeafRow {
                    key_id: new_id,
                    version,
                    record_digest: *Digest::sha256(&new_bytes).as_bytes(),
                    sealed_name: crypto::seal(
                        &keys.leaf_name,
                        &name_aad,
                        entry_name.as_bytes(),
                        &mut OsRng,
                    ),
                };
                writes.delete(Table::Records, Self::record_row(&ns_id, key_id));
                writes.put(Table::Records, Self::record_row(&ns_id, &new_id), new_bytes);
                writes.put(
                    Table::Tree,
                    integrity::row_key(&ns_id, slot),
                    new_leaf.encode(),
                );
                leaves.push(new_leaf.hash());
                rebuilt_tree.entries.push((new_id, version));
                rebuilt_tree.slots.insert(new_id, slot);
            }
            rebuilt_tree.tree = merkle::Tree::from_leaves(leaves);
        }
        let audit_key = self
            .audit
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .key()
            .clone();
        for (row, value) in master_sealed_rows(
            &new_keys,
            &self.store_id,
            &self.identity.export_seed(),
            &audit_key,
        ) {
            writes.put(Table::Meta, row, value);
        }
        let epoch = state.epoch + 1;
        let root = rebuilt.store_root(&self.store_id);
        writes.put(
            Table::Meta,
            labels::META_STATEMENT,
            Statement { epoch, root }.encode(&self.store_id, &new_keys.root_mac),
        );
        let signed = SignedStatement::sign(&self.identity, &self.store_id, epoch, root).ok_or(
            StoreError::Corrupt {
                what: "signing the store root",
            },
        )?;
        writes.put(Table::Meta, labels::META_SIGNED, signed.encode());
        self.backend.commit(writes, Durability::Durable)?;
        Ok(())
    }

    /// For tests of crash recovery: runs a rotation only up to the end of phase one (the key
    /// file holds both masters' wraps) or two (the database is re-encrypted), as if the process
    /// died there, and returns the new recovery key.
    #[doc(hidden)]
    pub fn dangerous_rotate_master_and_stop(
        self,
        passphrase: &Passphrase,
        params: KdfParams,
        after_reencryption: bool,
    ) -> Result<RecoveryKey, StoreError> {
        let (new, recovery) = self.begin_rotation(passphrase, params)?;
        if after_reencryption {
            self.reencrypt(&new)?;
        }
        Ok(recovery)
    }

    /// Replaces every passphrase wrap with one under `new` (Argon2id with `params`). The old
    /// passphrase stops working; the recovery key keeps working. The key file is replaced
    /// atomically.
    ///
    /// A copy of the old key file, taken before the change, still opens with the old
    /// passphrase: the master key is unchanged (master rotation is what revokes old copies).
    pub fn change_passphrase(&self, new: &Passphrase, params: KdfParams) -> Result<(), StoreError> {
        if !params.is_within_bounds() {
            return Err(StoreError::InvalidMetadata {
                reason: "argon2 parameters out of bounds",
            });
        }
        let _guard = self.lock_writes();
        let mut file = self.read_custody()?;
        let wraps = &mut file.wraps;
        wraps.retain(|w| !matches!(w.kind, WrapKind::Passphrase { .. }));
        let salt = random16();
        let kek =
            custody::passphrase_kek(new, params, &salt).ok_or(StoreError::InvalidMetadata {
                reason: "argon2 parameters out of bounds",
            })?;
        wraps.push(Wrap::seal(
            &self.store_id,
            WrapKind::Passphrase { params, salt },
            &kek,
            &self.master,
            &mut OsRng,
        ));
        self.write_custody(&file)
    }

    /// Every wrap of the master key in the key file.
    pub fn wraps(&self) -> Result<Vec<WrapInfo>, StoreError> {
        let file = self.read_custody()?;
        let current = custody::master_id(&self.master);
        Ok(file
            .wraps
            .iter()
            .map(|w| WrapInfo {
                id: WrapId(w.id),
                kind: match w.kind {
                    WrapKind::Passphrase { params, .. } => CustodyKind::Passphrase { params },
                    WrapKind::Recovery { .. } => CustodyKind::RecoveryKey,
                    WrapKind::Keyring { salt } => CustodyKind::Keyring {
                        account: custody::keyring_account(&self.store_id, &salt),
                    },
                    WrapKind::Bridge { .. } => CustodyKind::RotationBridge,
                },
                current: w.master_id == current,
            })
            .collect())
    }

    /// Reads the key file for a wrap change, refusing while a rotation is under way.
    fn custody_for_change(&self) -> Result<KeyFile, StoreError> {
        let file = self.read_custody()?;
        if file.target.is_some() {
            return Err(StoreError::RotationInProgress);
        }
        Ok(file)
    }

    /// Adds a wrap under another passphrase (Argon2id with `params`), e.g. a second person's.
    /// Every earlier wrap keeps working.
    pub fn add_passphrase(
        &self,
        passphrase: &Passphrase,
        params: KdfParams,
    ) -> Result<WrapId, StoreError> {
        let salt = random16();
        let kek = custody::passphrase_kek(passphrase, params, &salt).ok_or(
            StoreError::InvalidMetadata {
                reason: "argon2 parameters out of bounds",
            },
        )?;
        self.add_wrap(WrapKind::Passphrase { params, salt }, &kek)
    }

    /// Adds a wrap under a new recovery key, returned to be shown once. Earlier recovery keys
    /// keep working ([`Home::rotate_recovery_key`] replaces them instead).
    pub fn add_recovery_key(&self) -> Result<(WrapId, RecoveryKey), StoreError> {
        let recovery = RecoveryKey::generate(&mut OsRng);
        let salt = random16();
        let id = self.add_wrap(
            WrapKind::Recovery { salt },
            &custody::recovery_kek(&recovery, &salt),
        )?;
        Ok((id, recovery))
    }

    /// Adds a wrap whose secret lives in `keyring` (see [`crate::keyring`]): 32 random bytes
    /// stored under [`KEYRING_SERVICE`] and an account named after the store id and the wrap.
    /// The secret is stored first; if the key file cannot be written, it is deleted again.
    pub fn add_keyring_wrap(&self, keyring: &dyn Keyring) -> Result<WrapId, StoreError> {
        let salt = random16();
        let secret = Key32::random(&mut OsRng);
        let account = custody::keyring_account(&self.store_id, &salt);
        // Refuse before touching the keyring if the key file cannot change now.
        self.custody_for_change()?;
        keyring.set(KEYRING_SERVICE, &account, secret.as_bytes())?;
        // Read back: a keyring that silently drops secrets must not get a wrap.
        let stored = keyring.get(KEYRING_SERVICE, &account)?;
        if stored.as_slice() != secret.as_bytes() {
            let _ = keyring.delete(KEYRING_SERVICE, &account);
            return Err(StoreError::Keyring(KeyringError::Unavailable {
                reason: "the keyring returned a different secret than it was given".into(),
            }));
        }
        let kek = custody::keyring_kek(secret.as_bytes(), &salt);
        self.add_wrap(WrapKind::Keyring { salt }, &kek)
            .inspect_err(|_| {
                let _ = keyring.delete(KEYRING_SERVICE, &account);
            })
    }

    fn add_wrap(&self, kind: WrapKind, kek: &Key32) -> Result<WrapId, StoreError> {
        let _guard = self.lock_writes();
        let mut file = self.custody_for_change()?;
        let wrap = Wrap::seal(&self.store_id, kind, kek, &self.master, &mut OsRng);
        let id = WrapId(wrap.id);
        file.wraps.push(wrap);
        self.write_custody(&file)?;
        Ok(id)
    }

    /// Removes the wrap `id` from the key file. Refuses to remove the last passphrase or
    /// recovery wrap ([`StoreError::LastWrap`]). For a keyring wrap, pass the keyring to delete
    /// its secret too (a failure to delete is ignored: the secret opens no wrap of the current
    /// key file).
    ///
    /// A copy of the key file taken before still holds the wrap: rotate the master key to
    /// revoke what old copies can open.
    pub fn remove_wrap(&self, id: WrapId, keyring: Option<&dyn Keyring>) -> Result<(), StoreError> {
        let _guard = self.lock_writes();
        let mut file = self.custody_for_change()?;
        let position = file
            .wraps
            .iter()
            .position(|w| w.id == id.0)
            .ok_or(StoreError::WrapNotFound)?;
        let removed = file.wraps.remove(position);
        let current = custody::master_id(&self.master);
        let human_wrap_left = file.wraps.iter().any(|w| {
            w.master_id == current
                && matches!(
                    w.kind,
                    WrapKind::Passphrase { .. } | WrapKind::Recovery { .. }
                )
        });
        if !human_wrap_left {
            return Err(StoreError::LastWrap);
        }
        self.write_custody(&file)?;
        if let (WrapKind::Keyring { salt }, Some(keyring)) = (removed.kind, keyring) {
            let _ = keyring.delete(
                KEYRING_SERVICE,
                &custody::keyring_account(&self.store_id, &salt),
            );
        }
        Ok(())
    }

    /// Issues a new recovery key and removes the wraps of every earlier one.
    pub fn rotate_recovery_key(&self) -> Result<RecoveryKey, StoreError> {
        let _guard = self.lock_writes();
        let mut file = self.read_custody()?;
        let wraps = &mut file.wraps;
        wraps.retain(|w| !matches!(w.kind, WrapKind::Recovery { .. }));
        let recovery = RecoveryKey::generate(&mut OsRng);
        let salt = random16();
        wraps.push(Wrap::seal(
            &self.store_id,
            WrapKind::Recovery { salt },
            &custody::recovery_kek(&recovery, &salt),
            &self.master,
            &mut OsRng,
        ));
        self.write_custody(&file)?;
        Ok(recovery)
    }

    fn namespace_record_key(ns_id: &[u8; 16]) -> Vec<u8> {
        [labels::META_NAMESPACE_PREFIX, ns_id.as_slice()].concat()
    }

    /// Loads a namespace's keys; with `create`, makes a new namespace key and returns the
    /// metadata record to write with the batch that first uses it.
    fn namespace(&self, ns: &str, create: bool) -> Result<Resolved, StoreError> {
        let ns_id = self.keys.namespace_id(ns);
        if let Some(n) = self
            .namespaces
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&ns_id)
        {
            return Ok(Some((Arc::clone(n), None)));
        }
        let aad = crypto::aad(&[labels::AAD_NAMESPACE, &self.store_id, &ns_id]);
        let (ns_key, pending) = match self
            .backend
            .get(Table::Meta, &Self::namespace_record_key(&ns_id))?
        {
            Some(sealed) => {
                let plain = crypto::open(&self.keys.meta, &aad, &sealed).map_err(|_| {
                    StoreError::Corrupt {
                        what: "namespace record",
                    }
                })?;
                let (key, name) = plain.split_first_chunk::<32>().ok_or(StoreError::Corrupt {
                    what: "namespace record",
                })?;
                if name != ns.as_bytes() {
                    return Err(StoreError::Corrupt {
                        what: "namespace record",
                    });
                }
                (Key32::from_bytes(*key), None)
            }
            None if create => {
                let key = Key32::random(&mut OsRng);
                let plain = Zeroizing::new([key.as_bytes().as_slice(), ns.as_bytes()].concat());
                (
                    key,
                    Some(crypto::seal(&self.keys.meta, &aad, &plain, &mut OsRng)),
                )
            }
            None => return Ok(None),
        };
        let namespace = Arc::new(Namespace {
            id: ns_id,
            keys: NamespaceKeys::derive(&ns_key, &self.store_id, &ns_id),
        });
        if pending.is_none() {
            self.namespaces
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(ns_id, Arc::clone(&namespace));
        }
        Ok(Some((namespace, pending)))
    }

    fn record_row(ns_id: &[u8; 16], key_id: &[u8; 32]) -> Vec<u8> {
        [ns_id.as_slice(), key_id.as_slice()].concat()
    }

    fn integrity(ns: &str, key: &str) -> StoreError {
        StoreError::Integrity {
            namespace: ns.to_owned(),
            key: key.to_owned(),
        }
    }

    fn unnamed(ns: &str, key_id: &[u8; 32]) -> StoreError {
        Self::integrity(ns, &format!("#{}", hex_encode(key_id)))
    }

    /// Serialises writers.
    fn lock_writes(&self) -> std::sync::MutexGuard<'_, ()> {
        self.write_lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The writer lock and the integrity state, refusing a home whose tree failed its check.
    fn write_guard(
        &self,
    ) -> Result<
        (
            std::sync::MutexGuard<'_, ()>,
            std::sync::RwLockWriteGuard<'_, Integrity>,
        ),
        StoreError,
    > {
        let guard = self.lock_writes();
        let state = self
            .integrity
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(what) = state.taint {
            return Err(StoreError::Corrupt { what });
        }
        Ok((guard, state))
    }

    fn read_integrity(&self) -> Result<std::sync::RwLockReadGuard<'_, Integrity>, StoreError> {
        let guard = self
            .integrity
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        match guard.taint {
            Some(what) => Err(StoreError::Corrupt { what }),
            None => Ok(guard),
        }
    }

    /// Checks a stored record against its leaf in the tree: the slot, key id and digest must
    /// match; an older version than the leaf's is a rollback.
    fn check_record<'b>(
        tree: &integrity::NsTree,
        slot: u64,
        key_id: &[u8; 32],
        bytes: &'b [u8],
        error: impl Fn() -> StoreError,
        rollback: impl Fn() -> StoreError,
    ) -> Result<RawRecord<'b>, StoreError> {
        let raw = record::decode(bytes).map_err(|_| error())?;
        let (version, record_slot) = raw.version_and_slot();
        let index = usize::try_from(slot).map_err(|_| error())?;
        let (leaf_key_id, leaf_version) = *tree.entries.get(index).ok_or_else(&error)?;
        if record_slot != slot || leaf_key_id != *key_id {
            return Err(error());
        }
        if tree.tree.leaf(index) == Some(&integrity::leaf(key_id, version, bytes)) {
            return Ok(raw);
        }
        if version < leaf_version {
            return Err(rollback());
        }
        Err(error())
    }

    /// The current version, creation time (if live) and slot of an entry, checked against
    /// the tree.
    fn current_state(
        &self,
        tree: Option<&integrity::NsTree>,
        namespace: &Namespace,
        key_id: &[u8; 32],
        ns: &str,
        key: &str,
    ) -> Result<(u64, Option<Timestamp>, Option<u64>), StoreError> {
        let slot = tree.and_then(|t| t.slots.get(key_id).copied());
        // Written earlier in this session: the tree and the cache agree on the version, so the
        // record need not be read back (it is about to be replaced anyway).
        if let (Some(t), Some(s)) = (tree, slot)
            && let Some(&(version, created)) = t.created.get(key_id)
            && usize::try_from(s)
                .ok()
                .and_then(|i| t.entries.get(i))
                .is_some_and(|(id, v)| id == key_id && *v == version)
        {
            return Ok((version, created, Some(s)));
        }
        let bytes = self
            .backend
            .get(Table::Records, &Self::record_row(&namespace.id, key_id))?;
        let (tree, slot, bytes) = match (tree, slot, bytes) {
            (_, None, None) => return Ok((0, None, None)),
            (Some(t), Some(s), Some(b)) => (t, s, b),
            _ => return Err(Self::integrity(ns, key)),
        };
        let raw = Self::check_record(
            tree,
            slot,
            key_id,
            &bytes,
            || Self::integrity(ns, key),
            || Self::rollback(ns, key),
        )?;
        match raw {
            RawRecord::Tombstone { version, .. } => Ok((version, None, Some(slot))),
            RawRecord::Live { version, meta, .. } => {
                let (_, metadata) = self
                    .open_name_section(namespace, key_id, version, slot, meta)
                    .ok_or_else(|| Self::integrity(ns, key))?;
                Ok((version, Some(metadata.created), Some(slot)))
            }
        }
    }

    /// Opens the name-and-metadata section of a record and checks that the name is the one its
    /// key id was made from; `None` if anything fails.
    fn open_name_section(
        &self,
        namespace: &Namespace,
        key_id: &[u8; 32],
        version: u64,
        slot: u64,
        sealed: &[u8],
    ) -> Option<(String, Metadata)> {
        let binding = Binding {
            store_id: &self.store_id,
            ns_id: &namespace.id,
            key_id,
            version,
            slot,
        };
        record::open_meta(&namespace.keys.record_key(key_id, version), binding, sealed)
            .ok()
            .filter(|(name, _)| namespace.keys.key_id(name) == *key_id)
    }

    fn rollback(ns: &str, key: &str) -> StoreError {
        StoreError::Rollback {
            namespace: ns.to_owned(),
            key: key.to_owned(),
        }
    }

    /// Writes `value` under (`ns`, `key`) durably, with default options. Returns the new version.
    pub fn put(&self, ns: &str, key: &str, value: &[u8]) -> Result<u64, StoreError> {
        self.put_with(ns, key, value, EntryOptions::default(), Durability::Durable)
    }

    /// Writes `value` under (`ns`, `key`) with `options` and `durability`.
    pub fn put_with(
        &self,
        ns: &str,
        key: &str,
        value: &[u8],
        options: EntryOptions,
        durability: Durability,
    ) -> Result<u64, StoreError> {
        let mut batch = Batch::new();
        batch.put(ns, key, value, options);
        match self.apply(batch, durability)?.first() {
            Some(Applied::Put { version }) => Ok(*version),
            _ => Err(StoreError::Corrupt {
                what: "batch result",
            }),
        }
    }

    /// Deletes (`ns`, `key`) durably; `true` if a live entry was there. The version keeps
    /// counting (a tombstone remains), so an old copy can never come back as current.
    pub fn delete(&self, ns: &str, key: &str) -> Result<bool, StoreError> {
        let mut batch = Batch::new();
        batch.delete(ns, key);
        match self.apply(batch, Durability::Durable)?.first() {
            Some(Applied::Delete { existed }) => Ok(*existed),
            _ => Err(StoreError::Corrupt {
                what: "batch result",
            }),
        }
    }

    /// Applies every write of `batch` atomically, in order. Everything is validated before
    /// anything is written; on error nothing is applied. Every commit advances the store
    /// epoch; a durable commit also signs the new root.
    pub fn apply(&self, batch: Batch, durability: Durability) -> Result<Vec<Applied>, StoreError> {
        for op in &batch.ops {
            match op {
                BatchOp::Put {
                    ns,
                    key,
                    value,
                    options,
                } => {
                    validate_namespace(ns)?;
                    validate_key(key)?;
                    validate_value(value)?;
                    options.validate()?;
                }
                BatchOp::Delete { ns, key } => {
                    validate_namespace(ns)?;
                    validate_key(key)?;
                }
            }
        }
        let (_guard, mut state) = self.write_guard()?;
        let mut staged = Staged::default();
        if let Err(e) = self.stage(&batch, &mut state, &mut staged) {
            staged.undo(&mut state);
            return Err(e);
        }
        if staged.writes.is_empty() {
            return Ok(staged.results);
        }
        let epoch = state.epoch + 1;
        let root = state.store_root(&self.store_id);
        staged.writes.put(
            Table::Meta,
            labels::META_STATEMENT,
            Statement { epoch, root }.encode(&self.store_id, &self.keys.root_mac),
        );
        let sign = durability == Durability::Durable;
        if sign {
            let Some(signed) = SignedStatement::sign(&self.identity, &self.store_id, epoch, root)
            else {
                staged.undo(&mut state);
                return Err(StoreError::Corrupt {
                    what: "signing the store root",
                });
            };
            staged
                .writes
                .put(Table::Meta, labels::META_SIGNED, signed.encode());
        }
        let writes = std::mem::take(&mut staged.writes);
        if let Err(e) = self.backend.commit(writes, durability) {
            staged.undo(&mut state);
            return Err(e.into());
        }
        state.epoch = epoch;
        if sign {
            state.signed_epoch = epoch;
        }
        self.namespaces
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(std::mem::take(&mut staged.new_namespaces));
        for (ns_id, key_id, version, created) in staged.created.drain(..) {
            if let Some(tree) = state.trees.get_mut(&ns_id) {
                tree.created.insert(key_id, (version, created));
            }
        }
        Ok(staged.results)
    }

    /// Stages every operation of a batch: record and tree-row writes, and the in-memory tree
    /// updates (recorded in `staged.undo` so a failure can revert them).
    fn stage(
        &self,
        batch: &Batch,
        state: &mut Integrity,
        staged: &mut Staged,
    ) -> Result<(), StoreError> {
        let now = self.options.clock.now();
        // (ns id, key id) → (latest version, creation time if live) within this batch.
        let mut latest: Versions = HashMap::new();
        for op in &batch.ops {
            let (ns, key) = match op {
                BatchOp::Put { ns, key, .. } | BatchOp::Delete { ns, key } => {
                    (ns.as_str(), key.as_str())
                }
            };
            let is_put = matches!(op, BatchOp::Put { .. });
            let ns_id = self.keys.namespace_id(ns);
            let namespace = match staged.new_namespaces.get(&ns_id) {
                Some(n) => Some(Arc::clone(n)),
                None => match self.namespace(ns, is_put)? {
                    Some((n, Some(record))) => {
                        staged
                            .writes
                            .put(Table::Meta, Self::namespace_record_key(&ns_id), record);
                        staged.new_namespaces.insert(ns_id, Arc::clone(&n));
                        Some(n)
                    }
                    Some((n, None)) => Some(n),
                    None => None,
                },
            };
            let Some(namespace) = namespace else {
                staged.results.push(Applied::Delete { existed: false });
                continue;
            };
            let key_id = namespace.keys.key_id(key);
            let (old_version, created, slot) = match latest.get(&(ns_id, key_id)) {
                Some(&(version, created)) => {
                    let slot = state
                        .trees
                        .get(&ns_id)
                        .and_then(|t| t.slots.get(&key_id).copied());
                    (version, created, slot)
                }
                None => {
                    self.current_state(state.trees.get(&ns_id), &namespace, &key_id, ns, key)?
                }
            };
            if !is_put && created.is_none() {
                staged.results.push(Applied::Delete { existed: false });
                continue;
            }
            let version = old_version
                .checked_add(1)
                .ok_or_else(|| Self::integrity(ns, key))?;
            let slot =
                slot.unwrap_or_else(|| state.trees.get(&ns_id).map_or(0, |t| t.tree.len() as u64));
            let bytes = match op {
                BatchOp::Put { value, options, .. } => {
                    let meta = Metadata {
                        content_type: options.content_type.clone(),
                        tags: options.tags.clone(),
                        created: created.unwrap_or(now),
                        updated: now,
                        expires: options.ttl.and_then(|ttl| now.checked_add(ttl)),
                    };
                    let binding = Binding {
                        store_id: &self.store_id,
                        ns_id: &ns_id,
                        key_id: &key_id,
                        version,
                        slot,
                    };
                    latest.insert((ns_id, key_id), (version, Some(meta.created)));
                    staged
                        .created
                        .push((ns_id, key_id, version, Some(meta.created)));
                    staged.results.push(Applied::Put { version });
                    record::seal_live(
                        &namespace.keys.record_key(&key_id, version),
                        binding,
                        key,
                        &meta,
                        value,
                        &mut OsRng,
                    )
                }
                BatchOp::Delete { .. } => {
                    latest.insert((ns_id, key_id), (version, None));
                    staged.created.push((ns_id, key_id, version, None));
                    staged.results.push(Applied::Delete { existed: true });
                    record::encode_tombstone(version, slot)
                }
            };
            let leaf_row = LeafRow {
                key_id,
                version,
                record_digest: *Digest::sha256(&bytes).as_bytes(),
                sealed_name: crypto::seal(
                    &namespace.keys.leaf_name,
                    &integrity::leaf_name_aad(&self.store_id, &ns_id, slot),
                    key.as_bytes(),
                    &mut OsRng,
                ),
            };
            staged
                .writes
                .put(Table::Records, Self::record_row(&ns_id, &key_id), bytes);
            staged.writes.put(
                Table::Tree,
                integrity::row_key(&ns_id, slot),
                leaf_row.encode(),
            );
            let tree = state.trees.entry(ns_id).or_default();
            let index = usize::try_from(slot).map_err(|_| Self::integrity(ns, key))?;
            let previous_leaf = tree.tree.set(index, leaf_row.hash());
            let previous_entry = match tree.entries.get_mut(index) {
                Some(entry) => Some(std::mem::replace(entry, (key_id, version))),
                None => {
                    tree.entries.push((key_id, version));
                    tree.slots.insert(key_id, slot);
                    None
                }
            };
            staged.undo.push(Undo {
                ns_id,
                key_id,
                index,
                previous: previous_leaf.zip(previous_entry),
            });
        }
        Ok(())
    }

    fn read(&self, ns: &str, key: &str, with_value: bool) -> Result<Option<Entry>, StoreError> {
        validate_namespace(ns)?;
        validate_key(key)?;
        let state = self.read_integrity()?;
        let Some((namespace, _)) = self.namespace(ns, false)? else {
            return Ok(None);
        };
        let key_id = namespace.keys.key_id(key);
        let tree = state.trees.get(&namespace.id);
        let slot = tree.and_then(|t| t.slots.get(&key_id).copied());
        let bytes = self
            .backend
            .get(Table::Records, &Self::record_row(&namespace.id, &key_id))?;
        let (tree, slot, bytes) = match (tree, slot, bytes) {
            (_, None, None) => return Ok(None),
            (Some(t), Some(s), Some(b)) => (t, s, b),
            // A record the tree does not know, or a leaf whose record was removed.
            _ => return Err(Self::integrity(ns, key)),
        };
        let raw = Self::check_record(
            tree,
            slot,
            &key_id,
            &bytes,
            || Self::integrity(ns, key),
            || Self::rollback(ns, key),
        )?;
        let RawRecord::Live {
            version,
            meta,
            value,
            ..
        } = raw
        else {
            return Ok(None);
        };
        let binding = Binding {
            store_id: &self.store_id,
            ns_id: &namespace.id,
            key_id: &key_id,
            version,
            slot,
        };
        let record_key = namespace.keys.record_key(&key_id, version);
        let (name, metadata) =
            record::open_meta(&record_key, binding, meta).map_err(|_| Self::integrity(ns, key))?;
        if name != key {
            return Err(Self::integrity(ns, key));
        }
        if metadata
            .expires
            .is_some_and(|e| e <= self.options.clock.now())
        {
            return Ok(None);
        }
        let value = if with_value {
            record::open_value(&record_key, binding, value).map_err(|_| Self::integrity(ns, key))?
        } else {
            Zeroizing::new(Vec::new())
        };
        Ok(Some(Entry {
            value,
            metadata,
            version,
        }))
    }

    /// The entry under (`ns`, `key`), or `None` if absent, deleted or expired.
    ///
    /// The record is checked against the integrity tree: an altered, swapped or removed record
    /// is [`StoreError::Integrity`]; an older version written back is [`StoreError::Rollback`].
    pub fn get(&self, ns: &str, key: &str) -> Result<Option<Entry>, StoreError> {
        self.read(ns, key, true)
    }

    /// Whether a live, unexpired entry is under (`ns`, `key`) (its value is not decrypted).
    pub fn exists(&self, ns: &str, key: &str) -> Result<bool, StoreError> {
        Ok(self.read(ns, key, false)?.is_some())
    }

    /// The names of the live, unexpired entries of `ns`, in ascending byte order. Only the
    /// small name sections are decrypted. Any record that fails its check fails the call.
    pub fn list(&self, ns: &str) -> Result<Vec<String>, StoreError> {
        validate_namespace(ns)?;
        let state = self.read_integrity()?;
        let Some((namespace, _)) = self.namespace(ns, false)? else {
            return Ok(Vec::new());
        };
        let mut rows: HashMap<[u8; 32], Vec<u8>> = HashMap::new();
        for (row, bytes) in self.backend.scan_prefix(Table::Records, &namespace.id)? {
            let key_id: [u8; 32] = row
                .get(16..)
                .and_then(|k| k.try_into().ok())
                .ok_or(StoreError::Corrupt { what: "record key" })?;
            rows.insert(key_id, bytes);
        }
        let now = self.options.clock.now();
        let mut names = Vec::new();
        if let Some(tree) = state.trees.get(&namespace.id) {
            for (slot, (key_id, _)) in tree.entries.iter().enumerate() {
                let bytes = rows
                    .remove(key_id)
                    .ok_or_else(|| Self::unnamed(ns, key_id))?;
                let slot = slot as u64;
                let raw = Self::check_record(
                    tree,
                    slot,
                    key_id,
                    &bytes,
                    || Self::unnamed(ns, key_id),
                    || Self::unnamed(ns, key_id),
                )?;
                let RawRecord::Live { version, meta, .. } = raw else {
                    continue;
                };
                let (name, metadata) = self
                    .open_name_section(&namespace, key_id, version, slot, meta)
                    .ok_or_else(|| Self::unnamed(ns, key_id))?;
                if metadata.expires.is_none_or(|e| e > now) {
                    names.push(name);
                }
            }
        }
        if let Some(orphan) = rows.keys().next() {
            return Err(Self::unnamed(ns, orphan));
        }
        names.sort_unstable();
        Ok(names)
    }

    /// Drops namespace `ns`: its entries, its integrity tree and its key. Returns whether it
    /// existed. Durable.
    ///
    /// Namespace keys are random, not derived from the master key, and stored only sealed in
    /// the namespace record this removes. So copies of the namespace's records made before the
    /// drop (backups, sync copies, pages left behind in the database file) can no longer be
    /// opened — by anyone, the holder of the passphrase included — unless they also hold a copy
    /// of the old namespace record *and* a secret that opens the home: a full old backup stays
    /// readable to whoever can open it, which no scheme can change after the fact. The bytes
    /// themselves are not overwritten (on SSDs and copy-on-write files that means nothing);
    /// destroying the key is what makes them unreadable.
    pub fn drop_namespace(&self, ns: &str) -> Result<bool, StoreError> {
        validate_namespace(ns)?;
        let (_guard, mut state) = self.write_guard()?;
        let ns_id = self.keys.namespace_id(ns);
        let record_key = Self::namespace_record_key(&ns_id);
        if self.backend.get(Table::Meta, &record_key)?.is_none() {
            return Ok(false);
        }
        let mut writes = WriteBatch::new();
        writes.delete(Table::Meta, record_key);
        for (row, _) in self.backend.scan_prefix(Table::Records, &ns_id)? {
            writes.delete(Table::Records, row);
        }
        for (row, _) in self.backend.scan_prefix(Table::Tree, &ns_id)? {
            writes.delete(Table::Tree, row);
        }
        let removed = state.trees.remove(&ns_id);
        let epoch = state.epoch + 1;
        let root = state.store_root(&self.store_id);
        writes.put(
            Table::Meta,
            labels::META_STATEMENT,
            Statement { epoch, root }.encode(&self.store_id, &self.keys.root_mac),
        );
        let signed = SignedStatement::sign(&self.identity, &self.store_id, epoch, root);
        if let Some(signed) = &signed {
            writes.put(Table::Meta, labels::META_SIGNED, signed.encode());
        }
        let committed = match signed {
            Some(_) => self
                .backend
                .commit(writes, Durability::Durable)
                .map_err(StoreError::from),
            None => Err(StoreError::Corrupt {
                what: "signing the store root",
            }),
        };
        if let Err(e) = committed {
            if let Some(tree) = removed {
                state.trees.insert(ns_id, tree);
            }
            return Err(e);
        }
        state.epoch = epoch;
        state.signed_epoch = epoch;
        self.namespaces
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&ns_id);
        Ok(true)
    }

    /// Exports the live, unexpired entries of `namespaces` as a bundle sealed to `key` and
    /// signed by this store's identity ([`crate::bundle`] describes the format).
    pub fn export(&self, namespaces: &[&str], key: &BundleKey) -> Result<Vec<u8>, StoreError> {
        let mut entries = Vec::new();
        for ns in namespaces {
            for name in self.list(ns)? {
                let Some(entry) = self.get(ns, &name)? else {
                    continue;
                };
                entries.push(BundleEntry {
                    ns: (*ns).to_owned(),
                    key: name,
                    content_type: entry.metadata.content_type,
                    tags: entry.metadata.tags,
                    expires_ms: entry.metadata.expires.map(|t| t.unix_millis()),
                    value: entry.value,
                });
            }
        }
        let now = self.options.clock.now().unix_millis();
        Ok(bundle::seal(&entries, now, &self.identity, key)?)
    }

    /// Imports a bundle: it is decrypted, its signature checked (against `options.signer` if
    /// given), and every entry validated before anything is written; then all entries are
    /// written in one durable batch, re-encrypted under this home's keys, following
    /// `options.conflict`. Entries already expired are skipped. Creation and update times are
    /// those of the import.
    pub fn import(
        &self,
        bundle: &[u8],
        key: &BundleKey,
        options: &ImportOptions,
    ) -> Result<ImportReport, StoreError> {
        let (signer, entries) = bundle::open(bundle, key, options.signer.as_ref())?;
        let now = self.options.clock.now();
        let mut batch = Batch::new();
        let mut report = ImportReport {
            signer,
            imported: 0,
            skipped: 0,
        };
        for entry in entries {
            let ttl = match entry.expires_ms {
                None => None,
                Some(ms) => match Timestamp::from_unix_millis(ms)
                    .ok()
                    .and_then(|t| t.duration_since(now))
                {
                    Some(d) if !d.is_zero() => Some(d),
                    _ => {
                        report.skipped += 1;
                        continue;
                    }
                },
            };
            let exists = self.exists(&entry.ns, &entry.key)?;
            match (exists, options.conflict) {
                (true, Conflict::Skip) => {
                    report.skipped += 1;
                    continue;
                }
                (true, Conflict::Fail) => {
                    return Err(StoreError::ImportConflict {
                        namespace: entry.ns,
                        key: entry.key,
                    });
                }
                _ => {}
            }
            let entry_options = EntryOptions {
                content_type: entry.content_type,
                tags: entry.tags,
                ttl,
            };
            entry_options
                .validate()
                .map_err(|_| StoreError::Bundle(BundleError::InvalidEntry))?;
            batch.put(&entry.ns, &entry.key, &entry.value, entry_options);
            report.imported += 1;
        }
        self.apply(batch, Durability::Durable)?;
        Ok(report)
    }

    /// Signs the current root (if the last durable commit did not already) and returns an
    /// [`Anchor`] to keep outside the home. Opening with it ([`HomeOptions::anchor`]) detects a
    /// rollback of the whole home to an older state.
    pub fn anchor(&self) -> Result<Anchor, StoreError> {
        let (_guard, mut state) = self.write_guard()?;
        let root = state.store_root(&self.store_id);
        let signed = SignedStatement::sign(&self.identity, &self.store_id, state.epoch, root)
            .ok_or(StoreError::Corrupt {
                what: "signing the store root",
            })?;
        if state.signed_epoch < state.epoch {
            let mut writes = WriteBatch::new();
            writes.put(Table::Meta, labels::META_SIGNED, signed.encode());
            self.backend.commit(writes, Durability::Durable)?;
            state.signed_epoch = state.epoch;
        }
        Ok(Anchor {
            store_id: self.store_id,
            epoch: state.epoch,
            root: Digest::from_bytes(root),
            signature: signed.signature,
        })
    }

    /// The entry under (`ns`, `key`) with a proof that it is in the tree whose root the
    /// store identity signs ([`InclusionProof::verify`]). The current root is signed first if
    /// needed (like [`Home::anchor`]).
    pub fn get_with_proof(
        &self,
        ns: &str,
        key: &str,
    ) -> Result<Option<(Entry, InclusionProof)>, StoreError> {
        let anchor = self.anchor()?;
        let Some(entry) = self.get(ns, key)? else {
            return Ok(None);
        };
        let state = self.read_integrity()?;
        let namespace = self
            .namespace(ns, false)?
            .map(|(n, _)| n)
            .ok_or_else(|| Self::integrity(ns, key))?;
        let key_id = namespace.keys.key_id(key);
        let tree = state
            .trees
            .get(&namespace.id)
            .ok_or_else(|| Self::integrity(ns, key))?;
        let slot = *tree
            .slots
            .get(&key_id)
            .ok_or_else(|| Self::integrity(ns, key))?;
        let index = usize::try_from(slot).map_err(|_| Self::integrity(ns, key))?;
        let bytes = self
            .backend
            .get(Table::Records, &Self::record_row(&namespace.id, &key_id))?
            .ok_or_else(|| Self::integrity(ns, key))?;
        let proof = InclusionProof {
            namespace_id: namespace.id,
            key_id,
            version: entry.version,
            record_digest: Digest::sha256(&bytes),
            index: slot,
            tree_size: tree.tree.len() as u64,
            path: tree
                .tree
                .proof(index)
                .ok_or_else(|| Self::integrity(ns, key))?,
            namespace_roots: state
                .trees
                .iter()
                .map(|(id, t)| (*id, t.tree.len() as u64, t.tree.root()))
                .collect(),
            anchor,
        };
        Ok(Some((entry, proof)))
    }

    /// Audits the whole home as it is on disk: every record against its leaf, every leaf
    /// against its record, every tree against the authenticated and signed roots, and every
    /// live record decrypted. Problems are named (by entry name where the name can still be
    /// recovered, else by key id).
    pub fn verify(&self) -> Result<VerifyReport, StoreError> {
        let _guard = self.lock_writes();
        let fresh = Integrity::load(
            self.backend.as_ref(),
            &self.store_id,
            &self.keys.root_mac,
            self.identity.public(),
        )?;
        let mut report = VerifyReport {
            epoch: fresh.epoch,
            ..VerifyReport::default()
        };
        if let Some(what) = fresh.taint {
            report.problems.push(Problem::tree(what));
        }
        let in_memory = self
            .integrity
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .epoch;
        if fresh.epoch < in_memory {
            report.problems.push(Problem::tree(
                "the home on disk is older than the open home",
            ));
        }
        // Namespace names and keys, from the namespace records.
        let mut namespaces: HashMap<[u8; 16], (String, Arc<Namespace>)> = HashMap::new();
        for (row, sealed) in self
            .backend
            .scan_prefix(Table::Meta, labels::META_NAMESPACE_PREFIX)?
        {
            let Some(ns_id) = row
                .get(labels::META_NAMESPACE_PREFIX.len()..)
                .and_then(|r| <[u8; 16]>::try_from(r).ok())
            else {
                report
                    .problems
                    .push(Problem::tree("malformed namespace record key"));
                continue;
            };
            let aad = crypto::aad(&[labels::AAD_NAMESPACE, &self.store_id, &ns_id]);
            let opened = crypto::open(&self.keys.meta, &aad, &sealed).ok();
            let parsed = opened.as_ref().and_then(|plain| {
                let (key, name) = plain.split_first_chunk::<32>()?;
                Some((
                    Key32::from_bytes(*key),
                    String::from_utf8(name.to_vec()).ok()?,
                ))
            });
            match parsed {
                Some((key, name)) if self.keys.namespace_id(&name) == ns_id => {
                    let keys = NamespaceKeys::derive(&key, &self.store_id, &ns_id);
                    namespaces.insert(ns_id, (name, Arc::new(Namespace { id: ns_id, keys })));
                }
                _ => report
                    .problems
                    .push(Problem::tree("a namespace record failed authentication")),
            }
        }
        report.namespaces = namespaces.len() as u64;
        let tree_rows: HashMap<Vec<u8>, Vec<u8>> = self
            .backend
            .scan_prefix(Table::Tree, &[])?
            .into_iter()
            .collect();
        let mut records: HashMap<Vec<u8>, Vec<u8>> = self
            .backend
            .scan_prefix(Table::Records, &[])?
            .into_iter()
            .collect();
        for (ns_id, tree) in &fresh.trees {
            let Some((ns_name, namespace)) = namespaces.get(ns_id) else {
                report
                    .problems
                    .push(Problem::tree("a tree has no namespace record"));
                continue;
            };
            for (index, (key_id, _)) in tree.entries.iter().enumerate() {
                report.entries += 1;
                let slot = index as u64;
                let name = tree_rows
                    .get(&integrity::row_key(ns_id, slot))
                    .and_then(|row| LeafRow::decode(row))
                    .and_then(|row| {
                        let aad = integrity::leaf_name_aad(&self.store_id, ns_id, slot);
                        crypto::open(&namespace.keys.leaf_name, &aad, &row.sealed_name).ok()
                    })
                    .and_then(|plain| String::from_utf8(plain.to_vec()).ok())
                    .filter(|n| namespace.keys.key_id(n) == *key_id);
                let problem = |kind| Problem {
                    namespace: Some(ns_name.clone()),
                    key: name.clone(),
                    key_id: hex_encode(key_id),
                    kind,
                };
                let Some(bytes) = records.remove(&Self::record_row(ns_id, key_id)) else {
                    report.problems.push(problem(ProblemKind::Missing));
                    continue;
                };
                match Self::check_record(
                    tree,
                    slot,
                    key_id,
                    &bytes,
                    || Self::unnamed("", key_id),
                    || Self::rollback("", ""),
                ) {
                    Err(StoreError::Rollback { .. }) => {
                        report.problems.push(problem(ProblemKind::RolledBack))
                    }
                    Err(_) => report.problems.push(problem(ProblemKind::Altered)),
                    Ok(RawRecord::Tombstone { .. }) => {}
                    Ok(RawRecord::Live {
                        version,
                        meta,
                        value,
                        ..
                    }) => {
                        let binding = Binding {
                            store_id: &self.store_id,
                            ns_id,
                            key_id,
                            version,
                            slot,
                        };
                        let record_key = namespace.keys.record_key(key_id, version);
                        let opens = record::open_meta(&record_key, binding, meta)
                            .is_ok_and(|(n, _)| namespace.keys.key_id(&n) == *key_id)
                            && record::open_value(&record_key, binding, value).is_ok();
                        if !opens {
                            report.problems.push(problem(ProblemKind::Altered));
                        }
                    }
                }
            }
        }
        for (row, _) in records {
            let ns_id = row.get(..16).and_then(|r| <[u8; 16]>::try_from(r).ok());
            report.problems.push(Problem {
                namespace: ns_id
                    .and_then(|id| namespaces.get(&id))
                    .map(|(n, _)| n.clone()),
                key: None,
                key_id: row.get(16..).map(hex_encode).unwrap_or_default(),
                kind: ProblemKind::Orphan,
            });
        }
        Ok(report)
    }
}

impl AuditSink for Home {
    /// Appends the event to the encrypted, hash-chained log and signs the new head, durably.
    /// An error means the event is not recorded: a caller making a security decision denies.
    fn record(&self, event: AuditEvent) -> Result<(), AuditError> {
        event.validate()?;
        self.audit
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .append(&event, &self.identity)
    }
}

impl StateStore for Home {
    fn put(&self, ns: &str, key: &str, value: &[u8]) -> Result<(), StateError> {
        Home::put(self, ns, key, value)
            .map(|_| ())
            .map_err(StateError::from)
    }

    fn get(&self, ns: &str, key: &str) -> Result<Option<Zeroizing<Vec<u8>>>, StateError> {
        Ok(Home::get(self, ns, key)?.map(|e| e.value))
    }

    fn delete(&self, ns: &str, key: &str) -> Result<bool, StateError> {
        Ok(Home::delete(self, ns, key)?)
    }

    fn list(&self, ns: &str) -> Result<Vec<String>, StateError> {
        Ok(Home::list(self, ns)?)
    }
}

/// Everything a batch prepares before it commits.
#[derive(Default)]
struct Staged {
    writes: WriteBatch,
    /// Creation times to remember once the commit has landed: (ns id, key id, version, time).
    created: Vec<CreatedAt>,
    new_namespaces: HashMap<[u8; 16], Arc<Namespace>>,
    undo: Vec<Undo>,
    results: Vec<Applied>,
}

/// How to revert one in-memory tree change.
struct Undo {
    ns_id: [u8; 16],
    key_id: [u8; 32],
    index: usize,
    /// The leaf and entry that were replaced, or `None` if the change appended.
    previous: Option<(Hash, ([u8; 32], u64))>,
}

impl Staged {
    /// Reverts the in-memory tree changes, newest first.
    fn undo(&mut self, state: &mut Integrity) {
        for undo in self.undo.drain(..).rev() {
            let Some(tree) = state.trees.get_mut(&undo.ns_id) else {
                continue;
            };
            match undo.previous {
                Some((leaf, entry)) => {
                    tree.tree.set(undo.index, leaf);
                    if let Some(slot) = tree.entries.get_mut(undo.index) {
                        *slot = entry;
                    }
                }
                None => {
                    tree.tree.pop();
                    tree.entries.pop();
                    tree.slots.remove(&undo.key_id);
                }
            }
            if tree.entries.is_empty() {
                state.trees.remove(&undo.ns_id);
            }
        }
    }
}

/// A signed `(epoch, root)` of a home, to keep outside it ([`Home::anchor`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The home's store id.
    pub store_id: [u8; 16],
    /// The epoch: it grows by one with every commit.
    pub epoch: u64,
    /// The store root at that epoch.
    pub root: Digest,
    /// The store identity's signature over (store id, epoch, root), purpose `store-root`.
    pub signature: Signature,
}

impl Anchor {
    /// Whether `identity` (the store's, [`Home::identity`]) signed this anchor.
    #[must_use]
    pub fn verify(&self, identity: &PublicKey) -> bool {
        SignedStatement {
            epoch: self.epoch,
            root: *self.root.as_bytes(),
            signature: self.signature,
        }
        .verify(&self.store_id, identity)
    }
}

/// Proof that one version of an entry is in a home whose root the store identity signed:
/// leaf → namespace root (RFC 9162 audit path) → store root → signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InclusionProof {
    /// The namespace id (an HMAC of the name; reveals nothing).
    pub namespace_id: [u8; 16],
    /// The key id (an HMAC of the name; reveals nothing).
    pub key_id: [u8; 32],
    /// The entry version.
    pub version: u64,
    /// SHA-256 of the stored record (ciphertext).
    pub record_digest: Digest,
    /// The leaf index in the namespace tree.
    pub index: u64,
    /// The number of leaves in the namespace tree.
    pub tree_size: u64,
    /// The audit path, bottom up.
    pub path: Vec<Hash>,
    /// Every namespace's (id, size, root), in id order: they hash to the store root.
    pub namespace_roots: Vec<([u8; 16], u64, Hash)>,
    /// The signed store root.
    pub anchor: Anchor,
}

impl InclusionProof {
    /// Checks the whole chain against the store identity.
    #[must_use]
    pub fn verify(&self, identity: &PublicKey) -> bool {
        let leaf = merkle::leaf_hash(&[
            &self.key_id,
            &self.version.to_be_bytes(),
            self.record_digest.as_bytes(),
        ]);
        let sorted = self
            .namespace_roots
            .windows(2)
            .all(|w| matches!(w, [a, b] if a.0 < b.0));
        let Some((_, size, ns_root)) = self
            .namespace_roots
            .iter()
            .find(|(id, _, _)| *id == self.namespace_id)
        else {
            return false;
        };
        sorted
            && *size == self.tree_size
            && merkle::verify_inclusion(&leaf, self.index, self.tree_size, &self.path, ns_root)
            && integrity::store_root_from(
                &self.anchor.store_id,
                self.namespace_roots.iter().copied(),
            ) == *self.anchor.root.as_bytes()
            && self.anchor.verify(identity)
    }
}

/// What [`Home::verify`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// The epoch on disk.
    pub epoch: u64,
    /// Namespaces checked.
    pub namespaces: u64,
    /// Entries (live and deleted) checked.
    pub entries: u64,
    /// Everything wrong, each named.
    pub problems: Vec<Problem>,
}

impl VerifyReport {
    /// Whether nothing is wrong.
    #[must_use]
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

/// One thing [`Home::verify`] found wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The namespace, when known.
    pub namespace: Option<String>,
    /// The entry's name, when it can still be recovered.
    pub key: Option<String>,
    /// The entry's key id (hex), when the problem concerns one entry.
    pub key_id: String,
    /// What is wrong.
    pub kind: ProblemKind,
}

impl Problem {
    fn tree(what: &'static str) -> Problem {
        Problem {
            namespace: None,
            key: None,
            key_id: String::new(),
            kind: ProblemKind::Tree(what),
        }
    }
}

/// The kinds of [`Problem`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProblemKind {
    /// The tree has the entry but its record is gone (removed behind the store's back).
    Missing,
    /// The record does not match its leaf or fails to decrypt.
    Altered,
    /// The record is an older version than its leaf.
    RolledBack,
    /// A record that no tree knows.
    Orphan,
    /// The tree, the statement or a namespace record is wrong.
    Tree(&'static str),
}

/// What an import does when an entry already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Conflict {
    /// Keep the existing entry.
    #[default]
    Skip,
    /// Replace it (a new version).
    Overwrite,
    /// Refuse the whole import; nothing is written.
    Fail,
}

/// How [`Home::import`] proceeds.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The policy for entries that already exist.
    pub conflict: Conflict,
    /// The store identity the bundle must be signed by; `None` accepts any signer (the report
    /// says which).
    pub signer: Option<PublicKey>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// Who signed the bundle.
    pub signer: PublicKey,
    /// Entries written.
    pub imported: u64,
    /// Entries skipped (existing with [`Conflict::Skip`], or expired).
    pub skipped: u64,
}

/// Every metadata row sealed under the meta key of `keys` (all but the namespace records):
/// written at creation and again by a master-key rotation.
fn master_sealed_rows(
    keys: &MasterKeys,
    store_id: &[u8; 16],
    identity_seed: &SecretSeed,
    audit_key: &Key32,
) -> Vec<(&'static [u8], Vec<u8>)> {
    let seal = |label: &[u8], secret: &[u8]| {
        crypto::seal(
            &keys.meta,
            &crypto::aad(&[label, store_id]),
            secret,
            &mut OsRng,
        )
    };
    vec![
        (
            labels::META_IDENTITY,
            seal(labels::AAD_IDENTITY, identity_seed.expose_secret()),
        ),
        (
            labels::META_NSID_KEY,
            seal(labels::AAD_NSID_KEY, keys.namespace_id_key().as_bytes()),
        ),
        (
            labels::META_AUDIT_KEY,
            seal(labels::AAD_AUDIT_KEY, audit_key.as_bytes()),
        ),
        (labels::META_KEY_CHECK, keys.key_check(store_id).to_vec()),
    ]
}
