//! The default backend: one redb database file (pure Rust, ACID, copy-on-write B-trees with
//! checksummed commits, so a crash at any point leaves the last committed state).

use super::{Backend, BackendError, Durability, Op, Rows, Table, WriteBatch};
use redb::TableDefinition;
use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

fn definition(table: Table) -> TableDefinition<'static, &'static [u8], &'static [u8]> {
    TableDefinition::new(table.name())
}

/// An open table inside a write transaction.
type Handle<'t> = redb::Table<'t, &'static [u8], &'static [u8]>;

fn storage(err: impl std::fmt::Display) -> BackendError {
    BackendError::Storage {
        reason: err.to_string(),
    }
}

/// Buffered writes are flushed once this many rows are pending…
const FLUSH_ROWS: usize = 1024;
/// …or this many bytes…
const FLUSH_BYTES: usize = 4 * 1024 * 1024;
/// …or when the oldest pending write is this old (checked at the next write).
const FLUSH_AGE: Duration = Duration::from_secs(1);

/// Buffered writes not yet in the database: `None` marks a delete.
#[derive(Debug, Default)]
struct Pending {
    rows: BTreeMap<(Table, Vec<u8>), Option<Vec<u8>>>,
    bytes: usize,
    since: Option<Instant>,
}

impl Pending {
    fn absorb(&mut self, batch: WriteBatch) {
        for op in batch.ops {
            match op {
                Op::Put { table, key, value } => {
                    self.bytes += key.len() + value.len();
                    self.rows.insert((table, key), Some(value));
                }
                Op::Delete { table, key } => {
                    self.bytes += key.len();
                    self.rows.insert((table, key), None);
                }
            }
        }
        self.since.get_or_insert_with(Instant::now);
    }

    fn is_due(&self) -> bool {
        self.rows.len() >= FLUSH_ROWS
            || self.bytes >= FLUSH_BYTES
            || self.since.is_some_and(|t| t.elapsed() >= FLUSH_AGE)
    }
}

/// A [`Backend`] in one redb file.
///
/// Durable commits are redb transactions with `Immediate` durability (fsync before returning).
/// Buffered commits are kept in memory, whole, and written in one redb transaction when 1,024
/// rows or 4 MiB are pending, when the oldest is a second old (checked at the next write), at
/// the next durable commit, at [`Backend::flush`] and on drop. Reads see them at once. A crash
/// loses the buffered batches not yet written, each one entirely: never half a batch.
#[derive(Debug)]
pub struct RedbBackend {
    db: redb::Database,
    pending: Mutex<Pending>,
}

impl RedbBackend {
    /// Creates a new database file at `path` (mode 0600 on Unix). Fails if the file exists.
    pub fn create(path: &Path) -> Result<Self, BackendError> {
        let mut options = OpenOptions::new();
        options.read(true).write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(path).map_err(storage)?;
        let db = redb::Builder::new().create_file(file).map_err(storage)?;
        let backend = RedbBackend {
            db,
            pending: Mutex::new(Pending::default()),
        };
        backend.create_tables()?;
        Ok(backend)
    }

    /// Opens an existing database file. Its permissions are tightened to 0600 if they were
    /// wider.
    pub fn open(path: &Path) -> Result<Self, BackendError> {
        super::make_private(path)?;
        let db = redb::Database::open(path).map_err(|e| BackendError::Corrupt {
            reason: e.to_string(),
        })?;
        let backend = RedbBackend {
            db,
            pending: Mutex::new(Pending::default()),
        };
        backend.create_tables()?;
        Ok(backend)
    }

    fn create_tables(&self) -> Result<(), BackendError> {
        let txn = self.db.begin_write().map_err(storage)?;
        for table in Table::ALL {
            txn.open_table(definition(table)).map_err(storage)?;
        }
        txn.commit().map_err(storage)
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Writes `pending` (then `batch`) in one redb transaction.
    fn write(
        &self,
        pending: &mut Pending,
        batch: Option<WriteBatch>,
        durability: redb::Durability,
    ) -> Result<(), BackendError> {
        if pending.rows.is_empty() && batch.as_ref().is_none_or(WriteBatch::is_empty) {
            return Ok(());
        }
        let mut txn = self.db.begin_write().map_err(storage)?;
        txn.set_durability(durability);
        {
            let mut open: Vec<(Table, Handle<'_>)> = Vec::new();
            let pending_ops = pending
                .rows
                .iter()
                .map(|((t, k), v)| (*t, k.as_slice(), v.as_deref()));
            let batch_ops = batch.iter().flat_map(|b| b.ops.iter()).map(|op| match op {
                Op::Put { table, key, value } => (*table, key.as_slice(), Some(value.as_slice())),
                Op::Delete { table, key } => (*table, key.as_slice(), None),
            });
            for (table, key, value) in pending_ops.chain(batch_ops) {
                let position = match open.iter().position(|(t, _)| *t == table) {
                    Some(p) => p,
                    None => {
                        open.push((table, txn.open_table(definition(table)).map_err(storage)?));
                        open.len() - 1
                    }
                };
                let Some((_, t)) = open.get_mut(position) else {
                    return Err(storage("table handle missing"));
                };
                match value {
                    Some(v) => {
                        t.insert(key, v).map_err(storage)?;
                    }
                    None => {
                        t.remove(key).map_err(storage)?;
                    }
                }
            }
        }
        // Dropping the transaction without commit (on any error above) aborts it, and the
        // pending rows stay pending.
        txn.commit().map_err(storage)?;
        *pending = Pending::default();
        Ok(())
    }
}

impl Backend for RedbBackend {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, BackendError> {
        if let Some(row) = self.pending().rows.get(&(table, key.to_vec())) {
            return Ok(row.clone());
        }
        let txn = self.db.begin_read().map_err(storage)?;
        let t = txn.open_table(definition(table)).map_err(storage)?;
        Ok(t.get(key).map_err(storage)?.map(|v| v.value().to_vec()))
    }

    fn scan_prefix(&self, table: Table, prefix: &[u8]) -> Result<Rows, BackendError> {
        let pending = self.pending();
        let txn = self.db.begin_read().map_err(storage)?;
        let t = txn.open_table(definition(table)).map_err(storage)?;
        let mut merged: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        for row in t.range(prefix..).map_err(storage)? {
            let (k, v) = row.map_err(storage)?;
            if !k.value().starts_with(prefix) {
                break;
            }
            merged.insert(k.value().to_vec(), v.value().to_vec());
        }
        for ((_, key), value) in pending
            .rows
            .range((table, prefix.to_vec())..)
            .take_while(|((t, k), _)| *t == table && k.starts_with(prefix))
        {
            match value {
                Some(v) => merged.insert(key.clone(), v.clone()),
                None => merged.remove(key),
            };
        }
        Ok(merged.into_iter().collect())
    }

    fn commit(&self, batch: WriteBatch, durability: Durability) -> Result<(), BackendError> {
        let mut pending = self.pending();
        match durability {
            Durability::Durable => {
                self.write(&mut pending, Some(batch), redb::Durability::Immediate)
            }
            Durability::Buffered => {
                pending.absorb(batch);
                if pending.is_due() {
                    // Written but not fsynced: the next durable commit or flush makes it durable.
                    self.write(&mut pending, None, redb::Durability::Eventual)
                } else {
                    Ok(())
                }
            }
        }
    }

    fn flush(&self) -> Result<(), BackendError> {
        let mut pending = self.pending();
        self.write(&mut pending, None, redb::Durability::Immediate)
    }
}

impl Drop for RedbBackend {
    fn drop(&mut self) {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        // Best effort: buffered writes may be lost by definition; a failure here loses only them.
        let _ = self.write(&mut pending, None, redb::Durability::Immediate);
    }
}
