//! The integrity tree: rollback of one entry, removal behind the store's back, orphans, tree
//! tampering, whole-home rollback against an anchor, verify(), and inclusion proofs.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions: a broken fixture must stop the test loudly"
)]

use sanctuary_core::identity::Identity;
use sanctuary_store::backend::{Backend, Durability, MemoryBackend, Table, WriteBatch};
use sanctuary_store::{Home, HomeOptions, ProblemKind, StoreError, Unlock};
use std::sync::Arc;

mod common;
use common::{options, pass};
#[path = "common/files.rs"]
mod files;
use files::copy_dir;

fn memory_home() -> (Arc<MemoryBackend>, Home) {
    let backend = Arc::new(MemoryBackend::new());
    let (home, _) = Home::create_in(Arc::clone(&backend) as _, &pass("pw"), options()).unwrap();
    (backend, home)
}

fn rows(backend: &MemoryBackend, table: Table) -> Vec<(Vec<u8>, Vec<u8>)> {
    backend
        .dump()
        .into_iter()
        .filter(|(t, _, _)| *t == table)
        .map(|(_, k, v)| (k, v))
        .collect()
}

/// The record row a write adds or changes.
fn record_row_of(backend: &MemoryBackend, write: impl FnOnce()) -> (Vec<u8>, Vec<u8>) {
    let before = rows(backend, Table::Records);
    write();
    rows(backend, Table::Records)
        .into_iter()
        .find(|r| !before.contains(r))
        .unwrap()
}

fn raw_put(backend: &MemoryBackend, table: Table, key: &[u8], value: &[u8]) {
    let mut b = WriteBatch::new();
    b.put(table, key.to_vec(), value.to_vec());
    backend.commit(b, Durability::Durable).unwrap();
}

fn raw_delete(backend: &MemoryBackend, table: Table, key: &[u8]) {
    let mut b = WriteBatch::new();
    b.delete(table, key.to_vec());
    backend.commit(b, Durability::Durable).unwrap();
}

#[test]
fn a_fresh_home_verifies_clean() {
    let (_, home) = memory_home();
    for i in 0..25 {
        home.put(&format!("ns{}", i % 3), &format!("k{i}"), &[i as u8; 10])
            .unwrap();
    }
    home.delete("ns0", "k0").unwrap();
    home.put_with(
        "ns1",
        "k1",
        b"buffered",
        Default::default(),
        Durability::Buffered,
    )
    .unwrap();
    let report = home.verify().unwrap();
    assert!(report.is_clean(), "{report:?}");
    assert_eq!((report.namespaces, report.entries), (3, 25));
    assert!(report.epoch >= 27);
}

#[test]
fn an_older_version_written_back_is_a_rollback() {
    let (backend, home) = memory_home();
    let (row, v1) = record_row_of(&backend, || {
        home.put("ns", "balance", b"100").unwrap();
    });
    home.put("ns", "balance", b"5").unwrap();
    home.put("ns", "other", b"x").unwrap();
    raw_put(&backend, Table::Records, &row, &v1);
    assert_eq!(
        home.get("ns", "balance").unwrap_err(),
        StoreError::Rollback {
            namespace: "ns".into(),
            key: "balance".into()
        }
    );
    assert_eq!(
        home.get("ns", "other").unwrap().unwrap().value.as_slice(),
        b"x"
    );
    let report = home.verify().unwrap();
    assert_eq!(report.problems.len(), 1, "{report:?}");
    let p = &report.problems[0];
    assert_eq!(
        (p.namespace.as_deref(), p.key.as_deref(), p.kind),
        (Some("ns"), Some("balance"), ProblemKind::RolledBack)
    );
    // A deleted entry's old live record written back is a rollback too.
    let (row2, live) = record_row_of(&backend, || {
        home.put("ns", "gone", b"secret").unwrap();
    });
    home.delete("ns", "gone").unwrap();
    raw_put(&backend, Table::Records, &row2, &live);
    assert!(matches!(
        home.get("ns", "gone"),
        Err(StoreError::Rollback { .. })
    ));
}

#[test]
fn a_record_removed_behind_the_stores_back_is_named() {
    let (backend, home) = memory_home();
    let (row, _) = record_row_of(&backend, || {
        home.put("ns", "diary", b"dear diary").unwrap();
    });
    home.put("ns", "keep", b"k").unwrap();
    raw_delete(&backend, Table::Records, &row);
    assert_eq!(
        home.get("ns", "diary").unwrap_err(),
        StoreError::Integrity {
            namespace: "ns".into(),
            key: "diary".into()
        }
    );
    assert!(home.list("ns").is_err());
    assert_eq!(
        home.get("ns", "keep").unwrap().unwrap().value.as_slice(),
        b"k"
    );
    let report = home.verify().unwrap();
    assert_eq!(report.problems.len(), 1, "{report:?}");
    let p = &report.problems[0];
    assert_eq!(
        (p.namespace.as_deref(), p.key.as_deref(), p.kind),
        (Some("ns"), Some("diary"), ProblemKind::Missing)
    );
}

#[test]
fn a_record_no_tree_knows_is_an_orphan() {
    let (backend, home) = memory_home();
    let (row, bytes) = record_row_of(&backend, || {
        home.put("ns", "a", b"a").unwrap();
    });
    let mut stray = row.clone();
    stray[20] ^= 0xff; // another key id in the same namespace
    raw_put(&backend, Table::Records, &stray, &bytes);
    assert!(home.list("ns").is_err());
    let report = home.verify().unwrap();
    assert_eq!(report.problems.len(), 1, "{report:?}");
    assert_eq!(
        (
            report.problems[0].namespace.as_deref(),
            report.problems[0].kind
        ),
        (Some("ns"), ProblemKind::Orphan)
    );
}

#[test]
fn a_tampered_tree_fails_closed_and_verify_says_why() {
    let (backend, home) = memory_home();
    home.put("ns", "a", b"a").unwrap();
    home.put("ns", "b", b"b").unwrap();
    let (key, mut value) = rows(&backend, Table::Tree).into_iter().next().unwrap();
    value[40] ^= 1; // the version inside the first leaf row
    raw_put(&backend, Table::Tree, &key, &value);
    // The open home keeps serving what it verified; verify() audits the disk and reports it.
    let report = home.verify().unwrap();
    assert!(
        report
            .problems
            .iter()
            .any(|p| matches!(p.kind, ProblemKind::Tree(_))),
        "{report:?}"
    );
    drop(home);
    // Reopened, the tree no longer matches its authenticated root: reads and writes refuse.
    let home = Home::open_in(
        Arc::clone(&backend) as _,
        Unlock::Passphrase(&pass("pw")),
        options(),
    )
    .unwrap();
    assert!(matches!(
        home.get("ns", "b"),
        Err(StoreError::Corrupt { .. })
    ));
    assert!(matches!(
        home.put("ns", "c", b"c"),
        Err(StoreError::Corrupt { .. })
    ));
    assert!(!home.verify().unwrap().is_clean());
    // The statement itself tampered with: the same.
    let (backend, home) = memory_home();
    home.put("ns", "a", b"a").unwrap();
    drop(home);
    let statement = rows(&backend, Table::Meta)
        .into_iter()
        .find(|(k, _)| k == b"statement")
        .unwrap();
    let mut forged = statement.1.clone();
    forged[5] ^= 1; // the epoch
    raw_put(&backend, Table::Meta, &statement.0, &forged);
    let home = Home::open_in(
        Arc::clone(&backend) as _,
        Unlock::Passphrase(&pass("pw")),
        options(),
    )
    .unwrap();
    assert!(matches!(
        home.get("ns", "a"),
        Err(StoreError::Corrupt { .. })
    ));
}

#[test]
fn rolling_the_whole_home_back_below_a_kept_anchor_is_detected() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("home");
    let backup = tmp.path().join("backup");
    let (home, _) = Home::create(&dir, &pass("pw"), options()).unwrap();
    home.put("ns", "x", b"1").unwrap();
    let old_anchor = home.anchor().unwrap();
    assert!(old_anchor.verify(home.identity()));
    drop(home);
    copy_dir(&dir, &backup);
    let home = Home::open(&dir, Unlock::Passphrase(&pass("pw")), options()).unwrap();
    home.put_with("ns", "y", b"2", Default::default(), Durability::Buffered)
        .unwrap();
    let anchor = home.anchor().unwrap();
    assert!(anchor.epoch > old_anchor.epoch && anchor.verify(home.identity()));
    assert!(!anchor.verify(Identity::generate(&mut rand_core::OsRng).public()));
    drop(home);
    // The disk thief puts the old copy back.
    std::fs::remove_dir_all(&dir).unwrap();
    copy_dir(&backup, &dir);
    let with = |a: &sanctuary_store::Anchor| HomeOptions {
        anchor: Some(a.clone()),
        ..options()
    };
    assert_eq!(
        Home::open(&dir, Unlock::Passphrase(&pass("pw")), with(&anchor)).unwrap_err(),
        StoreError::HomeRollback {
            found: old_anchor.epoch,
            anchored: anchor.epoch
        }
    );
    // Without the newer anchor the old state opens (the documented residual), and it is
    // consistent in itself.
    let home = Home::open(&dir, Unlock::Passphrase(&pass("pw")), with(&old_anchor)).unwrap();
    assert!(home.get("ns", "y").unwrap().is_none());
    assert!(home.verify().unwrap().is_clean());
    // A forged anchor at the same epoch with another root is a fork.
    let mut fork = old_anchor.clone();
    fork.root = sanctuary_core::Digest::sha256(b"other");
    drop(home);
    assert!(matches!(
        Home::open(&dir, Unlock::Passphrase(&pass("pw")), with(&fork)),
        Err(StoreError::HomeRollback { .. })
    ));
}

#[test]
fn inclusion_proofs_verify_against_the_signed_root() {
    let (_, home) = memory_home();
    for i in 0..11 {
        home.put_with(
            "ns",
            &format!("k{i}"),
            b"v",
            Default::default(),
            Durability::Buffered,
        )
        .unwrap();
    }
    home.put("other", "z", b"z").unwrap();
    let (entry, proof) = home.get_with_proof("ns", "k6").unwrap().unwrap();
    assert_eq!(entry.value.as_slice(), b"v");
    assert!(proof.verify(home.identity()));
    assert_eq!(proof.tree_size, 11);
    assert!(!proof.verify(Identity::generate(&mut rand_core::OsRng).public()));
    let mut p = proof.clone();
    p.version += 1;
    assert!(!p.verify(home.identity()));
    let mut p = proof.clone();
    p.index = 5;
    assert!(!p.verify(home.identity()));
    let mut p = proof.clone();
    p.path[0][0] ^= 1;
    assert!(!p.verify(home.identity()));
    let mut p = proof.clone();
    p.namespace_roots.reverse();
    assert!(!p.verify(home.identity()));
    let mut p = proof.clone();
    p.anchor.epoch += 1;
    assert!(!p.verify(home.identity()));
    assert!(home.get_with_proof("ns", "missing").unwrap().is_none());
}

#[test]
fn the_l1_health_report_is_honest() {
    use sanctuary_core::health::{HealthContributor, Layer, LayerStatus, Severity};
    let (backend, home) = memory_home();
    let report = home.layer_report();
    assert_eq!(report.layer, Layer::L1);
    // The tests use the cheap Argon2 setting, and the report says so.
    assert_eq!(report.status, LayerStatus::Degraded);
    assert!(
        report
            .degradations
            .iter()
            .any(|d| d.code.as_str() == "x-weak-kdf" && d.severity == Severity::Warning)
    );
    assert!(report.capabilities.contains_key("integrity"));
    home.put("ns", "a", b"a").unwrap();
    drop(home);
    let (key, mut value) = rows(&backend, Table::Tree).into_iter().next().unwrap();
    value[0] ^= 1;
    raw_put(&backend, Table::Tree, &key, &value);
    let home = Home::open_in(
        Arc::clone(&backend) as _,
        Unlock::Passphrase(&pass("pw")),
        options(),
    )
    .unwrap();
    let report = home.layer_report();
    assert_eq!(report.worst_severity(), Some(Severity::Critical));
    assert!(
        report
            .degradations
            .iter()
            .any(|d| d.code.as_str() == "NO_INTEGRITY_CHECK")
    );
}

#[test]
fn dropping_a_namespace_destroys_its_key() {
    let (backend, home) = memory_home();
    let (row, record) = record_row_of(&backend, || {
        home.put("diary", "day-1", b"dear diary").unwrap();
    });
    home.put("diary", "day-2", b"more").unwrap();
    home.put("keep", "k", b"kept").unwrap();
    let namespace_record = rows(&backend, Table::Meta)
        .into_iter()
        .filter(|(k, _)| k.starts_with(b"ns/"))
        .collect::<Vec<_>>();
    assert_eq!(namespace_record.len(), 2);
    assert!(home.drop_namespace("diary").unwrap());
    assert!(!home.drop_namespace("diary").unwrap());
    assert!(home.list("diary").unwrap().is_empty());
    assert!(home.get("diary", "day-1").unwrap().is_none());
    assert_eq!(
        home.get("keep", "k").unwrap().unwrap().value.as_slice(),
        b"kept"
    );
    assert!(home.verify().unwrap().is_clean());
    // Nothing of the namespace is left: no record, no tree row, no key.
    assert!(
        rows(&backend, Table::Records)
            .iter()
            .all(|(k, _)| !k.starts_with(&row[..16]))
    );
    assert!(
        rows(&backend, Table::Tree)
            .iter()
            .all(|(k, _)| !k.starts_with(&row[..16]))
    );
    assert_eq!(
        rows(&backend, Table::Meta)
            .iter()
            .filter(|(k, _)| k.starts_with(b"ns/"))
            .count(),
        1
    );
    // The namespace comes back with a new key: the old record, copied back, does not open and
    // is reported as an orphan.
    home.put("diary", "day-1", b"new life").unwrap();
    raw_put(&backend, Table::Records, &row, &record);
    assert_eq!(
        home.get("diary", "day-1")
            .unwrap()
            .unwrap()
            .value
            .as_slice(),
        b"new life"
    );
    let report = home.verify().unwrap();
    assert_eq!(report.problems.len(), 1, "{report:?}");
    assert_eq!(report.problems[0].kind, ProblemKind::Orphan);
    raw_delete(&backend, Table::Records, &row);
    drop(home);
    // Reopened, the dropped state is what persists.
    let home = Home::open_in(
        Arc::clone(&backend) as _,
        Unlock::Passphrase(&pass("pw")),
        options(),
    )
    .unwrap();
    assert_eq!(
        home.get("keep", "k").unwrap().unwrap().value.as_slice(),
        b"kept"
    );
}
