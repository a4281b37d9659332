//! The store's decoders on hostile bytes: an entry record, an integrity-tree row, or the key
//! file is replaced by the input. Reads, listing, `verify()` and opening never panic and never
//! accept the bytes; a failed read writes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sanctuary_store::backend::{Backend, Durability, MemoryBackend, Table, WriteBatch};
use sanctuary_store::{Home, HomeOptions, KdfParams, Passphrase, RecoveryKey, Unlock};
use std::sync::{Arc, OnceLock};

struct Fixture {
    backend: Arc<MemoryBackend>,
    home: Home,
    record_row: Vec<u8>,
    record: Vec<u8>,
    tree_row: Vec<u8>,
    tree: Vec<u8>,
}

fn options() -> HomeOptions {
    HomeOptions {
        kdf: KdfParams::dangerous_fast_for_tests(),
        ..HomeOptions::default()
    }
}

fn rows(backend: &MemoryBackend, table: Table) -> Vec<(Vec<u8>, Vec<u8>)> {
    backend
        .dump()
        .into_iter()
        .filter(|(t, _, _)| *t == table)
        .map(|(_, k, v)| (k, v))
        .collect()
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let backend = Arc::new(MemoryBackend::new());
        let pass = Passphrase::new("fuzz").expect("passphrase");
        let (home, _) = Home::create_in(Arc::clone(&backend) as _, &pass, options()).expect("home");
        home.put("ns", "other", b"stays readable").expect("put");
        let before = rows(&backend, Table::Records);
        home.put("ns", "target", b"the value").expect("put");
        let (record_row, record) = rows(&backend, Table::Records)
            .into_iter()
            .find(|r| !before.contains(r))
            .expect("record row");
        let (tree_row, tree) = rows(&backend, Table::Tree)
            .into_iter()
            .last()
            .expect("tree row");
        Fixture {
            backend,
            home,
            record_row,
            record,
            tree_row,
            tree,
        }
    })
}

fn set(backend: &MemoryBackend, table: Table, key: &[u8], value: &[u8]) {
    let mut batch = WriteBatch::new();
    batch.put(table, key.to_vec(), value.to_vec());
    backend
        .commit(batch, Durability::Buffered)
        .expect("memory commit");
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, bytes)) = data.split_first() else {
        return;
    };
    let f = fixture();
    match mode % 3 {
        0 => {
            if bytes == f.record.as_slice() {
                return;
            }
            set(&f.backend, Table::Records, &f.record_row, bytes);
            let before = f.backend.dump();
            assert!(
                f.home.get("ns", "target").is_err(),
                "hostile record accepted"
            );
            assert!(f.home.list("ns").is_err());
            let _ = f.home.exists("ns", "target");
            assert_eq!(
                f.home
                    .get("ns", "other")
                    .ok()
                    .flatten()
                    .map(|e| e.value.to_vec()),
                Some(b"stays readable".to_vec())
            );
            assert_eq!(f.backend.dump(), before, "a failed read wrote something");
            set(&f.backend, Table::Records, &f.record_row, &f.record);
        }
        1 => {
            if bytes == f.tree.as_slice() {
                return;
            }
            set(&f.backend, Table::Tree, &f.tree_row, bytes);
            let report = f.home.verify().expect("verify runs");
            assert!(!report.is_clean(), "hostile tree row verified clean");
            set(&f.backend, Table::Tree, &f.tree_row, &f.tree);
        }
        _ => {
            // A key file made of the input, unlocked with a recovery key (cheap to derive;
            // passphrase wraps would make the fuzzer pay for Argon2).
            let backend = Arc::new(MemoryBackend::new());
            set(&backend, Table::Meta, b"custody", bytes);
            let recovery = RecoveryKey::generate(&mut sanctuary_core::rand_core::OsRng);
            assert!(Home::open_in(backend as _, Unlock::Recovery(&recovery), options()).is_err());
        }
    }
});
