//! Master-key rotation: everything re-encrypted, old secrets revoked, and a rotation
//! interrupted after either phase finished on the next open.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers outside #[test] functions: a broken fixture must stop the test loudly"
)]

use sanctuary_core::audit::{AuditEvent, AuditLayer, AuditOutcome, AuditSink};
use sanctuary_core::time::Timestamp;
use sanctuary_store::backend::{Backend, Durability, MemoryBackend, Table, WriteBatch};
use sanctuary_store::{Home, KdfParams, ProblemKind, RecoveryKey, StoreError, Unlock};
use std::sync::Arc;

mod common;
use common::{options, pass};
#[path = "common/files.rs"]
mod files;
use files::copy_dir;

const FAST: KdfParams = KdfParams::MIN;

fn fill(home: &Home) {
    for i in 0..30 {
        home.put(
            &format!("ns{}", i % 3),
            &format!("k{i}"),
            format!("value {i}").as_bytes(),
        )
        .unwrap();
    }
    home.delete("ns0", "k0").unwrap();
    home.record(AuditEvent::new(
        Timestamp::UNIX_EPOCH,
        AuditLayer::L1,
        "before.rotation",
        AuditOutcome::Success,
        serde_json::json!({}),
    ))
    .unwrap();
}

fn check(home: &Home) {
    check_entries(home);
    // Memory homes keep their audit log only while open; directory homes persist it.
    if !home.audit_events().unwrap().is_empty() {
        assert_eq!(home.audit_events().unwrap()[0].operation, "before.rotation");
    }
    assert!(home.verify_audit().unwrap().is_clean());
}

fn check_entries(home: &Home) {
    assert!(home.get("ns0", "k0").unwrap().is_none());
    for i in 1..30 {
        let e = home
            .get(&format!("ns{}", i % 3), &format!("k{i}"))
            .unwrap()
            .unwrap();
        assert_eq!(e.value.as_slice(), format!("value {i}").as_bytes());
    }
    let report = home.verify().unwrap();
    assert!(report.is_clean(), "{report:?}");
}

fn records(backend: &MemoryBackend) -> Vec<(Vec<u8>, Vec<u8>)> {
    backend
        .dump()
        .into_iter()
        .filter(|(t, _, _)| *t == Table::Records)
        .map(|(_, k, v)| (k, v))
        .collect()
}

#[test]
fn rotation_reencrypts_everything_and_revokes_old_secrets() {
    let backend = Arc::new(MemoryBackend::new());
    let (home, old_recovery) =
        Home::create_in(Arc::clone(&backend) as _, &pass("old"), options()).unwrap();
    fill(&home);
    let identity = *home.identity();
    let old_records = records(&backend);
    let old_custody = backend.get(Table::Meta, b"custody").unwrap().unwrap();
    let (home, new_recovery) = home.rotate_master(&pass("new"), FAST).unwrap();
    assert_eq!(*home.identity(), identity, "the store identity survives");
    check(&home);
    // Every record was encrypted again: no stored record is byte-identical to an old one.
    let new_records = records(&backend);
    assert!(old_records.iter().all(|r| !new_records.contains(r)));
    drop(home);
    let open = |u: Unlock<'_>| Home::open_in(Arc::clone(&backend) as _, u, options());
    assert_eq!(
        open(Unlock::Passphrase(&pass("old"))).unwrap_err(),
        StoreError::Unlock
    );
    assert_eq!(
        open(Unlock::Recovery(&old_recovery)).unwrap_err(),
        StoreError::Unlock
    );
    let reopened = open(Unlock::Recovery(&new_recovery)).unwrap();
    check(&reopened);
    assert_eq!(
        reopened.put("ns0", "k0", b"again").unwrap(),
        3,
        "versions continue across a rotation"
    );
    drop(reopened);
    // An old key file put back opens the old master, which no longer matches the database.
    let mut b = WriteBatch::new();
    b.put(Table::Meta, b"custody".to_vec(), old_custody);
    backend.commit(b, Durability::Durable).unwrap();
    assert!(matches!(
        open(Unlock::Passphrase(&pass("old"))),
        Err(StoreError::Corrupt { .. })
    ));
}

#[test]
fn old_ciphertexts_do_not_open_after_rotation() {
    let backend = Arc::new(MemoryBackend::new());
    let (home, _) = Home::create_in(Arc::clone(&backend) as _, &pass("pw"), options()).unwrap();
    home.put("ns", "secret", b"before").unwrap();
    let old = records(&backend);
    let (home, _) = home.rotate_master(&pass("pw"), FAST).unwrap();
    // Put the pre-rotation record back beside the new one: it is an orphan nobody can open.
    for (k, v) in &old {
        let mut b = WriteBatch::new();
        b.put(Table::Records, k.clone(), v.clone());
        backend.commit(b, Durability::Durable).unwrap();
    }
    assert_eq!(
        home.get("ns", "secret").unwrap().unwrap().value.as_slice(),
        b"before"
    );
    let report = home.verify().unwrap();
    assert_eq!(
        report.problems.iter().map(|p| p.kind).collect::<Vec<_>>(),
        vec![ProblemKind::Orphan]
    );
}

#[test]
fn a_rotation_interrupted_after_the_key_file_resumes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("home");
    let (home, old_recovery) = Home::create(&dir, &pass("old"), options()).unwrap();
    fill(&home);
    let new_recovery = home
        .dangerous_rotate_master_and_stop(&pass("new"), FAST, false)
        .unwrap();
    // The old secrets still open the home (the database was not re-encrypted yet)…
    let snapshot = tmp.path().join("snapshot");
    copy_dir(&dir, &snapshot);
    let home = Home::open(&dir, Unlock::Recovery(&old_recovery), options()).unwrap();
    check(&home);
    drop(home);
    // …and the new passphrase finishes the rotation.
    std::fs::remove_dir_all(&dir).unwrap();
    copy_dir(&snapshot, &dir);
    let home = Home::open(&dir, Unlock::Passphrase(&pass("new")), options()).unwrap();
    check(&home);
    assert_eq!(home.audit_events().unwrap()[0].operation, "before.rotation");
    drop(home);
    assert_eq!(
        Home::open(&dir, Unlock::Passphrase(&pass("old")), options()).unwrap_err(),
        StoreError::Unlock
    );
    assert_eq!(
        Home::open(&dir, Unlock::Recovery(&old_recovery), options()).unwrap_err(),
        StoreError::Unlock
    );
    assert!(Home::open(&dir, Unlock::Recovery(&new_recovery), options()).is_ok());
}

#[test]
fn a_rotation_interrupted_after_the_reencryption_resumes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("home");
    let (home, old_recovery) = Home::create(&dir, &pass("old"), options()).unwrap();
    fill(&home);
    let new_recovery: RecoveryKey = home
        .dangerous_rotate_master_and_stop(&pass("new"), FAST, true)
        .unwrap();
    // The database is under the new master: the old secrets open a master that no longer
    // matches it, and are refused.
    assert!(Home::open(&dir, Unlock::Passphrase(&pass("old")), options()).is_err());
    let home = Home::open(&dir, Unlock::Recovery(&new_recovery), options()).unwrap();
    check(&home);
    drop(home);
    // The old wraps are gone now.
    assert_eq!(
        Home::open(&dir, Unlock::Recovery(&old_recovery), options()).unwrap_err(),
        StoreError::Unlock
    );
    assert!(Home::open(&dir, Unlock::Passphrase(&pass("new")), options()).is_ok());
}
