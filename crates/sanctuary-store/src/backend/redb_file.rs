//! The default backend: one redb database file (pure Rust, ACID, copy-on-write B-trees with
//! checksummed commits, so a crash at any point leaves the last committed state).

use super::{Backend, BackendError, Durability, Op, Rows, Table, WriteBatch};
use redb::TableDefinition;
use std::fs::OpenOptions;
use std::path::Path;

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

/// A [`Backend`] in one redb file.
#[derive(Debug)]
pub struct RedbBackend {
    db: redb::Database,
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
        let backend = RedbBackend { db };
        backend.create_tables()?;
        Ok(backend)
    }

    /// Opens an existing database file. Its permissions are tightened to 0600 if they were
    /// wider.
    pub fn open(path: &Path) -> Result<Self, BackendError> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = std::fs::metadata(path).map_err(storage)?;
            if meta.permissions().mode() & 0o077 != 0 {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
                    .map_err(storage)?;
            }
        }
        let db = redb::Database::open(path).map_err(|e| BackendError::Corrupt {
            reason: e.to_string(),
        })?;
        let backend = RedbBackend { db };
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
}

impl Backend for RedbBackend {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, BackendError> {
        let txn = self.db.begin_read().map_err(storage)?;
        let t = txn.open_table(definition(table)).map_err(storage)?;
        Ok(t.get(key).map_err(storage)?.map(|v| v.value().to_vec()))
    }

    fn scan_prefix(&self, table: Table, prefix: &[u8]) -> Result<Rows, BackendError> {
        let txn = self.db.begin_read().map_err(storage)?;
        let t = txn.open_table(definition(table)).map_err(storage)?;
        let mut out = Vec::new();
        for row in t.range(prefix..).map_err(storage)? {
            let (k, v) = row.map_err(storage)?;
            if !k.value().starts_with(prefix) {
                break;
            }
            out.push((k.value().to_vec(), v.value().to_vec()));
        }
        Ok(out)
    }

    fn commit(&self, batch: WriteBatch, durability: Durability) -> Result<(), BackendError> {
        let mut txn = self.db.begin_write().map_err(storage)?;
        txn.set_durability(match durability {
            Durability::Durable => redb::Durability::Immediate,
            Durability::Buffered => redb::Durability::Eventual,
        });
        {
            // Open each table once per batch.
            let mut open: Vec<(Table, Handle<'_>)> = Vec::new();
            for op in batch.ops {
                let (table, key, value) = match op {
                    Op::Put { table, key, value } => (table, key, Some(value)),
                    Op::Delete { table, key } => (table, key, None),
                };
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
                        t.insert(key.as_slice(), v.as_slice()).map_err(storage)?;
                    }
                    None => {
                        t.remove(key.as_slice()).map_err(storage)?;
                    }
                }
            }
        }
        // Dropping the transaction without commit (on any error above) aborts it.
        txn.commit().map_err(storage)
    }
}
