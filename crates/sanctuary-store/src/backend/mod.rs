//! Where the bytes go: the [`Backend`] trait over opaque keys and values in a few fixed tables,
//! with atomic batches. The store encrypts before anything reaches a backend, so a backend only
//! ever sees ciphertext, key ids, versions and public metadata.
//!
//! Three backends ship: [`LogBackend`] (the default: an append-only log file with an in-memory
//! index, crash-safe, written for this store's random keys), [`RedbBackend`] (an embedded
//! ACID B-tree database, for homes larger than memory should index) and [`MemoryBackend`]
//! (tests and ephemeral agents).

mod log_file;
mod memory;
mod redb_file;

pub use log_file::LogBackend;
#[cfg(fuzzing)]
#[doc(hidden)]
pub use log_file::fuzz_open as fuzz_log_open;
pub use memory::MemoryBackend;
pub use redb_file::RedbBackend;

/// Tightens a database file's permissions to 0600 if they were wider (Unix; a no-op elsewhere).
fn make_private(path: &std::path::Path) -> Result<(), BackendError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let storage = |e: std::io::Error| BackendError::Storage {
            reason: e.to_string(),
        };
        let meta = std::fs::metadata(path).map_err(storage)?;
        if meta.permissions().mode() & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
                .map_err(storage)?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Key-value rows, as returned by [`Backend::scan_prefix`].
pub type Rows = Vec<(Vec<u8>, Vec<u8>)>;

/// The fixed set of tables a backend holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Table {
    /// Store header, master-key wraps, namespace records, the store identity.
    Meta,
    /// Entries: `namespace id ‖ key id` → record.
    Records,
    /// Integrity-tree leaves: `namespace id ‖ slot` → key id, version, record digest, sealed name.
    Tree,
}

impl Table {
    /// Every table.
    pub const ALL: [Table; 3] = [Table::Meta, Table::Records, Table::Tree];

    /// The table's name in a backend.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Table::Meta => "meta",
            Table::Records => "records",
            Table::Tree => "tree",
        }
    }
}

/// How hard a commit tries to reach stable storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// On stable storage before the commit returns (fsync): survives power loss.
    #[default]
    Durable,
    /// Crash-consistent but may be lost with the last moments before a crash (each batch whole
    /// or not at all); much cheaper.
    Buffered,
}

/// One write in a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// Insert or replace.
    Put {
        /// Table.
        table: Table,
        /// Key.
        key: Vec<u8>,
        /// Value.
        value: Vec<u8>,
    },
    /// Remove (no error if absent).
    Delete {
        /// Table.
        table: Table,
        /// Key.
        key: Vec<u8>,
    },
}

/// Writes applied all together or not at all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteBatch {
    ops: Vec<Op>,
}

impl WriteBatch {
    /// An empty batch.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an insert-or-replace.
    pub fn put(&mut self, table: Table, key: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) {
        self.ops.push(Op::Put {
            table,
            key: key.into(),
            value: value.into(),
        });
    }

    /// Adds a removal.
    pub fn delete(&mut self, table: Table, key: impl Into<Vec<u8>>) {
        self.ops.push(Op::Delete {
            table,
            key: key.into(),
        });
    }

    /// The writes, in order (a later write to the same key wins).
    #[must_use]
    pub fn ops(&self) -> &[Op] {
        &self.ops
    }

    /// Whether the batch has no writes.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

/// The storage underneath failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BackendError {
    /// An I/O or database error; nothing from the failed call was applied.
    #[error("storage error: {reason}")]
    Storage {
        /// What the storage reported.
        reason: String,
    },
    /// The database file exists but is not a valid database.
    #[error("database is corrupt or not a sanctuary home: {reason}")]
    Corrupt {
        /// What was found.
        reason: String,
    },
}

/// Ordered key-value storage with atomic batches. Implementations must apply a batch entirely
/// or not at all, and after a crash hold the state of some committed batch: every `Durable`
/// batch that returned `Ok`, and possibly some later `Buffered` ones.
pub trait Backend: Send + Sync + std::fmt::Debug {
    /// The value under `key`.
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, BackendError>;

    /// Every entry whose key starts with `prefix`, in ascending key order.
    fn scan_prefix(&self, table: Table, prefix: &[u8]) -> Result<Rows, BackendError>;

    /// Applies `batch` atomically.
    fn commit(&self, batch: WriteBatch, durability: Durability) -> Result<(), BackendError>;

    /// Makes every committed batch durable (a no-op for backends without buffering).
    fn flush(&self) -> Result<(), BackendError> {
        Ok(())
    }
}

impl<B: Backend + ?Sized> Backend for std::sync::Arc<B> {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, BackendError> {
        (**self).get(table, key)
    }
    fn scan_prefix(&self, table: Table, prefix: &[u8]) -> Result<Rows, BackendError> {
        (**self).scan_prefix(table, prefix)
    }
    fn commit(&self, batch: WriteBatch, durability: Durability) -> Result<(), BackendError> {
        (**self).commit(batch, durability)
    }
    fn flush(&self) -> Result<(), BackendError> {
        (**self).flush()
    }
}
