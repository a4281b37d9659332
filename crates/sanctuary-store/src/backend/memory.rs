//! An in-memory backend for tests and ephemeral agents.

use super::{Backend, BackendError, Durability, Op, Rows, Table, WriteBatch};
use std::collections::BTreeMap;
use std::sync::{PoisonError, RwLock};

type Tables = BTreeMap<Table, BTreeMap<Vec<u8>, Vec<u8>>>;

/// A [`Backend`] in memory. Batches are atomic (applied under one lock); nothing survives the
/// process. It holds only what the store gives it: ciphertext and public metadata.
#[derive(Debug, Default)]
pub struct MemoryBackend {
    tables: RwLock<Tables>,
}

impl MemoryBackend {
    /// An empty backend.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Every (table, key, value) held, for tests that inspect or tamper with what is stored.
    #[must_use]
    pub fn dump(&self) -> Vec<(Table, Vec<u8>, Vec<u8>)> {
        let tables = self.tables.read().unwrap_or_else(PoisonError::into_inner);
        tables
            .iter()
            .flat_map(|(t, rows)| rows.iter().map(move |(k, v)| (*t, k.clone(), v.clone())))
            .collect()
    }
}

impl Backend for MemoryBackend {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, BackendError> {
        let tables = self.tables.read().unwrap_or_else(PoisonError::into_inner);
        Ok(tables.get(&table).and_then(|rows| rows.get(key)).cloned())
    }

    fn scan_prefix(&self, table: Table, prefix: &[u8]) -> Result<Rows, BackendError> {
        let tables = self.tables.read().unwrap_or_else(PoisonError::into_inner);
        Ok(tables
            .get(&table)
            .map(|rows| {
                rows.range(prefix.to_vec()..)
                    .take_while(|(k, _)| k.starts_with(prefix))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default())
    }

    fn commit(&self, batch: WriteBatch, _durability: Durability) -> Result<(), BackendError> {
        let mut tables = self.tables.write().unwrap_or_else(PoisonError::into_inner);
        for op in batch.ops {
            match op {
                Op::Put { table, key, value } => {
                    tables.entry(table).or_default().insert(key, value);
                }
                Op::Delete { table, key } => {
                    if let Some(rows) = tables.get_mut(&table) {
                        rows.remove(&key);
                    }
                }
            }
        }
        Ok(())
    }
}
