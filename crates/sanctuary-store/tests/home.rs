//! sanctuary-store behaviour: round trips, custody, confidentiality on disk, tampering, swaps,
//! time to live, batches, and a model test against a BTreeMap.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions: a broken fixture must stop the test loudly"
)]

use proptest::prelude::*;
use sanctuary_core::digest::Digest;
use sanctuary_core::state::StateStore;
use sanctuary_core::time::{ManualClock, Timestamp};
use sanctuary_store::backend::{Backend, Durability, MemoryBackend, Table, WriteBatch};
use sanctuary_store::{
    Applied, Batch, EntryOptions, Home, HomeOptions, KdfParams, Passphrase, RecoveryKey,
    StoreError, Unlock,
};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(
        Timestamp::from_unix_seconds(1_800_000_000).unwrap(),
    ))
}

fn fast(clock: &Arc<ManualClock>) -> HomeOptions {
    HomeOptions {
        kdf: KdfParams::dangerous_fast_for_tests(),
        clock: Arc::clone(clock) as _,
        ..HomeOptions::default()
    }
}

fn pass(s: &str) -> Passphrase {
    Passphrase::new(s).unwrap()
}

fn memory_home() -> (Arc<MemoryBackend>, Home) {
    let backend = Arc::new(MemoryBackend::new());
    let (home, _) =
        Home::create_in(Arc::clone(&backend) as _, &pass("pw"), fast(&clock())).unwrap();
    (backend, home)
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn file_hashes(dir: &Path) -> BTreeMap<String, Digest> {
    files(dir)
        .into_iter()
        .map(|p| {
            (
                p.display().to_string(),
                Digest::sha256(&std::fs::read(&p).unwrap()),
            )
        })
        .collect()
}

#[test]
fn create_write_reopen_with_either_secret() {
    let dir = tempfile::tempdir().unwrap();
    let home_dir = dir.path().join("home");
    let c = clock();
    let (home, recovery) = Home::create(&home_dir, &pass("correct horse"), fast(&c)).unwrap();
    let shown = recovery.to_display_string();
    let opts = EntryOptions {
        content_type: "text/plain".into(),
        tags: vec!["a".into(), "b".into()],
        ttl: None,
    };
    assert_eq!(
        home.put_with("notes", "k1", b"v1", opts.clone(), Durability::Durable)
            .unwrap(),
        1
    );
    assert_eq!(home.put("notes", "k1", b"v1b").unwrap(), 2);
    home.put("notes", "k2", b"").unwrap();
    home.put("other", "k1", b"other ns").unwrap();
    let identity = *home.identity();
    drop(home);

    for unlock in [
        Unlock::Passphrase(&pass("correct horse")),
        Unlock::Recovery(&RecoveryKey::parse(&shown).unwrap()),
    ] {
        let home = Home::open(&home_dir, unlock, fast(&c)).unwrap();
        assert_eq!(*home.identity(), identity);
        let e = home.get("notes", "k1").unwrap().unwrap();
        assert_eq!((e.value.as_slice(), e.version), (&b"v1b"[..], 2));
        assert_eq!(
            e.metadata.created,
            Timestamp::from_unix_seconds(1_800_000_000).unwrap()
        );
        assert_eq!(
            home.get("notes", "k2").unwrap().unwrap().value.as_slice(),
            b""
        );
        assert_eq!(
            home.get("other", "k1").unwrap().unwrap().value.as_slice(),
            b"other ns"
        );
        assert_eq!(home.list("notes").unwrap(), vec!["k1", "k2"]);
        assert!(home.get("notes", "missing").unwrap().is_none());
        assert!(home.get("nowhere", "k1").unwrap().is_none());
        assert!(home.list("nowhere").unwrap().is_empty());
    }
    // Versions keep counting through deletes.
    let home = Home::open(
        &home_dir,
        Unlock::Passphrase(&pass("correct horse")),
        fast(&c),
    )
    .unwrap();
    assert!(home.delete("notes", "k1").unwrap());
    assert!(!home.delete("notes", "k1").unwrap());
    assert!(!home.exists("notes", "k1").unwrap());
    assert_eq!(home.put("notes", "k1", b"again").unwrap(), 4);
    assert!(matches!(
        Home::create(&home_dir, &pass("x"), fast(&c)),
        Err(StoreError::AlreadyExists { .. })
    ));
    assert!(matches!(
        Home::open(
            &dir.path().join("none"),
            Unlock::Passphrase(&pass("x")),
            fast(&c)
        ),
        Err(StoreError::NotFound { .. })
    ));
}

#[cfg(unix)]
#[test]
fn home_is_private_on_disk() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let home_dir = dir.path().join("home");
    let (home, _) = Home::create(&home_dir, &pass("pw"), fast(&clock())).unwrap();
    home.put("ns", "k", b"v").unwrap();
    assert_eq!(
        std::fs::metadata(&home_dir).unwrap().permissions().mode() & 0o777,
        0o700
    );
    let audit = home_dir.join(sanctuary_store::AUDIT_DIR);
    assert_eq!(
        std::fs::metadata(&audit).unwrap().permissions().mode() & 0o777,
        0o700
    );
    let all = files(&home_dir);
    assert!(all.len() >= 5, "{all:?}");
    for path in all {
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", path.display());
    }
}

#[test]
fn bad_secrets_are_one_opaque_error_and_change_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let home_dir = dir.path().join("home");
    let c = clock();
    let (home, recovery) = Home::create(&home_dir, &pass("right"), fast(&c)).unwrap();
    home.put("ns", "k", b"v").unwrap();
    drop(home);
    let before = file_hashes(&home_dir);
    let wrong_recovery = RecoveryKey::generate(&mut rand_core::OsRng);
    for unlock in [
        Unlock::Passphrase(&pass("wrong")),
        Unlock::Passphrase(&pass("Right")),
        Unlock::Recovery(&wrong_recovery),
    ] {
        assert_eq!(
            Home::open(&home_dir, unlock, fast(&c)).unwrap_err(),
            StoreError::Unlock
        );
        assert_eq!(
            file_hashes(&home_dir),
            before,
            "a failed unlock changed a file"
        );
    }
    // A damaged key file: a single-byte change disables at least the wrap it lands in (the
    // other secret may still open its own wrap), every failure is the same opaque error, and
    // no attempt changes a file.
    let custody = home_dir.join(sanctuary_store::CUSTODY_FILE);
    let original = std::fs::read(&custody).unwrap();
    for i in 0..original.len() {
        let mut bad = original.clone();
        bad[i] ^= 0x04;
        std::fs::write(&custody, &bad).unwrap();
        let mut failures = 0;
        for unlock in [
            Unlock::Passphrase(&pass("right")),
            Unlock::Recovery(&recovery),
        ] {
            let snapshot = file_hashes(&home_dir);
            if let Err(e) = Home::open(&home_dir, unlock, fast(&c)) {
                assert_eq!(e, StoreError::Unlock, "byte {i}");
                assert_eq!(
                    file_hashes(&home_dir),
                    snapshot,
                    "byte {i}: a failed unlock changed a file"
                );
                failures += 1;
            }
        }
        assert!(failures > 0, "byte {i} disabled no wrap");
    }
    std::fs::write(&custody, &original).unwrap();
    assert!(Home::open(&home_dir, Unlock::Recovery(&recovery), fast(&c)).is_ok());
}

#[test]
fn no_plaintext_names_values_or_value_hashes_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let home_dir = dir.path().join("home");
    let (home, _) = Home::create(&home_dir, &pass("pw"), fast(&clock())).unwrap();
    let mut markers: Vec<Vec<u8>> = Vec::new();
    for i in 0..20 {
        let ns = format!("marker-ns-{i}");
        let key = format!("MARKER-KEY-{i}-zq");
        let value = format!("MARKER-VALUE-{i}-{}", "x".repeat(i * 50));
        let opts = EntryOptions {
            content_type: format!("MARKER-CT-{i}"),
            tags: vec![format!("MARKER-TAG-{i}")],
            ttl: None,
        };
        home.put_with(&ns, &key, value.as_bytes(), opts, Durability::Durable)
            .unwrap();
        sanctuary_core::audit::AuditSink::record(
            &home,
            sanctuary_core::audit::AuditEvent::new(
                Timestamp::UNIX_EPOCH,
                sanctuary_core::audit::AuditLayer::L1,
                format!("MARKER-OP-{i}"),
                sanctuary_core::audit::AuditOutcome::Success,
                serde_json::json!({ "detail": format!("MARKER-DETAIL-{i}") }),
            ),
        )
        .unwrap();
        let digest = Digest::sha256(value.as_bytes());
        markers.extend([
            ns.into_bytes(),
            key.into_bytes(),
            value.clone().into_bytes(),
        ]);
        markers.push(digest.as_bytes().to_vec());
        markers.push(digest.to_hex().into_bytes());
    }
    markers.push(b"MARKER".to_vec());
    drop(home);
    let mut scanned = 0;
    for path in files(&home_dir) {
        let bytes = std::fs::read(path).unwrap();
        scanned += bytes.len();
        for marker in &markers {
            assert!(
                !bytes.windows(marker.len()).any(|w| w == marker.as_slice()),
                "found {:?} on disk",
                String::from_utf8_lossy(marker)
            );
        }
    }
    assert!(scanned > 0);
}

fn records(backend: &MemoryBackend) -> Vec<(Vec<u8>, Vec<u8>)> {
    backend
        .dump()
        .into_iter()
        .filter(|(t, _, _)| *t == Table::Records)
        .map(|(_, k, v)| (k, v))
        .collect()
}

fn set_row(backend: &MemoryBackend, key: &[u8], value: &[u8]) {
    let mut b = WriteBatch::new();
    b.put(Table::Records, key.to_vec(), value.to_vec());
    backend.commit(b, Durability::Durable).unwrap();
}

/// The one record that differs between the store before and after a single put.
fn row_of(backend: &MemoryBackend, write: impl FnOnce()) -> (Vec<u8>, Vec<u8>) {
    let before = records(backend);
    write();
    records(backend)
        .into_iter()
        .find(|r| !before.contains(r))
        .unwrap()
}

#[test]
fn flipping_any_byte_of_a_record_fails_that_read_only() {
    let (backend, home) = memory_home();
    home.put("ns", "before", b"one").unwrap();
    let (row, original) = row_of(&backend, || {
        home.put("ns", "target", b"the value under attack").unwrap();
    });
    home.put("ns", "after", b"three").unwrap();
    for i in 0..original.len() {
        let mut bad = original.clone();
        bad[i] ^= 0x80;
        set_row(&backend, &row, &bad);
        match home.get("ns", "target") {
            Err(StoreError::Integrity { namespace, key }) => {
                assert_eq!((namespace.as_str(), key.as_str()), ("ns", "target"))
            }
            other => panic!("byte {i}: {other:?}"),
        }
        assert_eq!(
            home.get("ns", "before").unwrap().unwrap().value.as_slice(),
            b"one"
        );
        assert_eq!(
            home.get("ns", "after").unwrap().unwrap().value.as_slice(),
            b"three"
        );
    }
    // Truncations too.
    for len in [0, 1, 9, 10, original.len() / 2, original.len() - 1] {
        set_row(&backend, &row, &original[..len]);
        assert!(
            matches!(home.get("ns", "target"), Err(StoreError::Integrity { .. })),
            "len {len}"
        );
    }
    set_row(&backend, &row, &original);
    assert_eq!(
        home.get("ns", "target").unwrap().unwrap().value.as_slice(),
        b"the value under attack"
    );
}

#[test]
fn swapped_ciphertexts_fail_across_keys_namespaces_and_stores() {
    let (backend, home) = memory_home();
    let (row_a, rec_a) = row_of(&backend, || {
        home.put("ns", "a", b"alpha").unwrap();
    });
    let (row_b, _) = row_of(&backend, || {
        home.put("ns", "b", b"bravo").unwrap();
    });
    let (row_c, _) = row_of(&backend, || {
        home.put("other", "a", b"charlie").unwrap();
    });
    // a's record under b's row, and under the same name in another namespace.
    set_row(&backend, &row_b, &rec_a);
    assert!(matches!(
        home.get("ns", "b"),
        Err(StoreError::Integrity { .. })
    ));
    set_row(&backend, &row_c, &rec_a);
    assert!(matches!(
        home.get("other", "a"),
        Err(StoreError::Integrity { .. })
    ));
    assert_eq!(
        home.get("ns", "a").unwrap().unwrap().value.as_slice(),
        b"alpha"
    );
    assert!(
        home.list("ns").is_err(),
        "list must not pass over a swapped record"
    );

    // The same (namespace, key) in another store: the ids differ, and even copied onto the
    // right row the record does not open.
    let (backend2, home2) = memory_home();
    let (row2, _) = row_of(&backend2, || {
        home2.put("ns", "a", b"other store").unwrap();
    });
    assert_ne!(row2, row_a, "namespace and key ids must be per store");
    set_row(&backend2, &row2, &rec_a);
    assert!(matches!(
        home2.get("ns", "a"),
        Err(StoreError::Integrity { .. })
    ));
}

#[test]
fn time_to_live_is_enforced_on_read() {
    let c = clock();
    let backend = Arc::new(MemoryBackend::new());
    let (home, _) = Home::create_in(Arc::clone(&backend) as _, &pass("pw"), fast(&c)).unwrap();
    let opts = EntryOptions {
        ttl: Some(Duration::from_secs(10)),
        ..EntryOptions::default()
    };
    home.put_with("ns", "short", b"v", opts, Durability::Buffered)
        .unwrap();
    home.put("ns", "long", b"v").unwrap();
    c.advance(Duration::from_secs(9));
    assert!(home.exists("ns", "short").unwrap());
    c.advance(Duration::from_secs(1));
    assert!(home.get("ns", "short").unwrap().is_none());
    assert!(!home.exists("ns", "short").unwrap());
    assert_eq!(home.list("ns").unwrap(), vec!["long"]);
}

#[test]
fn invalid_requests_are_typed_and_store_nothing() {
    let (backend, home) = memory_home();
    let before = backend.dump();
    assert!(matches!(
        home.put("Bad NS", "k", b"v"),
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        home.put("ns", "", b"v"),
        Err(StoreError::Invalid(_))
    ));
    let big = vec![0u8; sanctuary_core::state::MAX_VALUE_LEN + 1];
    assert!(matches!(
        home.put("ns", "k", &big),
        Err(StoreError::Invalid(_))
    ));
    for opts in [
        EntryOptions {
            content_type: "a\nb".into(),
            ..Default::default()
        },
        EntryOptions {
            tags: vec![String::new()],
            ..Default::default()
        },
        EntryOptions {
            tags: vec!["t".into(); 33],
            ..Default::default()
        },
        EntryOptions {
            ttl: Some(Duration::ZERO),
            ..Default::default()
        },
    ] {
        assert!(matches!(
            home.put_with("ns", "k", b"v", opts, Durability::Durable),
            Err(StoreError::InvalidMetadata { .. })
        ));
    }
    // A batch with one bad write applies nothing.
    let mut batch = Batch::new();
    batch.put("ns", "good", b"v", EntryOptions::default()).put(
        "ns",
        "\u{7}",
        b"v",
        EntryOptions::default(),
    );
    assert!(home.apply(batch, Durability::Durable).is_err());
    assert_eq!(backend.dump(), before);
}

#[test]
fn batches_are_ordered_and_atomic() {
    let (backend, home) = memory_home();
    let mut batch = Batch::new();
    batch
        .put("fresh", "k", b"1", EntryOptions::default())
        .put("fresh", "k", b"2", EntryOptions::default())
        .put("fresh", "j", b"3", EntryOptions::default())
        .delete("fresh", "j")
        .delete("absent-ns", "x");
    let results = home.apply(batch, Durability::Durable).unwrap();
    assert_eq!(
        results,
        vec![
            Applied::Put { version: 1 },
            Applied::Put { version: 2 },
            Applied::Put { version: 1 },
            Applied::Delete { existed: true },
            Applied::Delete { existed: false },
        ]
    );
    assert_eq!(
        home.get("fresh", "k").unwrap().unwrap().value.as_slice(),
        b"2"
    );
    assert_eq!(home.list("fresh").unwrap(), vec!["k"]);
    // One namespace record for "fresh", none for "absent-ns".
    let namespaces = backend
        .dump()
        .into_iter()
        .filter(|(t, k, _)| *t == Table::Meta && k.starts_with(b"ns/"))
        .count();
    assert_eq!(namespaces, 1);
}

#[test]
fn passphrase_change_and_recovery_rotation() {
    let c = clock();
    let backend = Arc::new(MemoryBackend::new());
    let (home, old_recovery) =
        Home::create_in(Arc::clone(&backend) as _, &pass("old"), fast(&c)).unwrap();
    home.put("ns", "k", b"v").unwrap();
    home.change_passphrase(&pass("new"), KdfParams::dangerous_fast_for_tests())
        .unwrap();
    let new_recovery = home.rotate_recovery_key().unwrap();
    assert!(home.has_weak_kdf());
    drop(home);
    let open = |u: Unlock<'_>| Home::open_in(Arc::clone(&backend) as _, u, fast(&c));
    assert_eq!(
        open(Unlock::Passphrase(&pass("old"))).unwrap_err(),
        StoreError::Unlock
    );
    assert_eq!(
        open(Unlock::Recovery(&old_recovery)).unwrap_err(),
        StoreError::Unlock
    );
    let home = open(Unlock::Passphrase(&pass("new"))).unwrap();
    assert_eq!(home.get("ns", "k").unwrap().unwrap().value.as_slice(), b"v");
    assert!(open(Unlock::Recovery(&new_recovery)).is_ok());
}

#[test]
fn implements_the_core_state_store_contract() {
    let (_, home) = memory_home();
    let store: &dyn StateStore = &home;
    store.put("policy", "baseline/sign", b"12").unwrap();
    assert_eq!(
        store
            .get("policy", "baseline/sign")
            .unwrap()
            .unwrap()
            .as_slice(),
        b"12"
    );
    assert_eq!(store.list("policy").unwrap(), vec!["baseline/sign"]);
    assert!(store.delete("policy", "baseline/sign").unwrap());
    assert!(store.get("policy", "baseline/sign").unwrap().is_none());
    assert!(matches!(
        store.put("", "k", b"v"),
        Err(sanctuary_core::state::StateError::InvalidNamespace { .. })
    ));
    assert!(!format!("{home:?}").is_empty());
}

// ---- model test ------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum ModelOp {
    Put(u8, u8, Vec<u8>),
    Delete(u8, u8),
    Get(u8, u8),
    Batch(Vec<(u8, u8, Option<Vec<u8>>)>),
    Reopen,
}

fn ns_name(n: u8) -> String {
    format!("ns{}", n % 3)
}

fn key_name(k: u8) -> String {
    format!("key-{}", k % 6)
}

fn model_op() -> impl Strategy<Value = ModelOp> {
    let value = proptest::collection::vec(any::<u8>(), 0..40);
    prop_oneof![
        4 => (any::<u8>(), any::<u8>(), value.clone()).prop_map(|(n, k, v)| ModelOp::Put(n, k, v)),
        2 => (any::<u8>(), any::<u8>()).prop_map(|(n, k)| ModelOp::Delete(n, k)),
        3 => (any::<u8>(), any::<u8>()).prop_map(|(n, k)| ModelOp::Get(n, k)),
        1 => proptest::collection::vec((any::<u8>(), any::<u8>(), proptest::option::of(value)), 1..5).prop_map(ModelOp::Batch),
        1 => Just(ModelOp::Reopen),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn agrees_with_a_btreemap(ops in proptest::collection::vec(model_op(), 1..30)) {
        let c = clock();
        let backend = Arc::new(MemoryBackend::new());
        let (mut home, _) = Home::create_in(Arc::clone(&backend) as _, &pass("pw"), fast(&c)).unwrap();
        let mut model: BTreeMap<(String, String), Vec<u8>> = BTreeMap::new();
        for op in ops {
            match op {
                ModelOp::Put(n, k, v) => {
                    home.put(&ns_name(n), &key_name(k), &v).unwrap();
                    model.insert((ns_name(n), key_name(k)), v);
                }
                ModelOp::Delete(n, k) => {
                    let existed = home.delete(&ns_name(n), &key_name(k)).unwrap();
                    prop_assert_eq!(existed, model.remove(&(ns_name(n), key_name(k))).is_some());
                }
                ModelOp::Get(n, k) => {
                    let got = home.get(&ns_name(n), &key_name(k)).unwrap().map(|e| e.value.to_vec());
                    prop_assert_eq!(got, model.get(&(ns_name(n), key_name(k))).cloned());
                }
                ModelOp::Batch(items) => {
                    let mut batch = Batch::new();
                    for (n, k, v) in &items {
                        match v {
                            Some(v) => batch.put(&ns_name(*n), &key_name(*k), v, EntryOptions::default()),
                            None => batch.delete(&ns_name(*n), &key_name(*k)),
                        };
                    }
                    home.apply(batch, Durability::Buffered).unwrap();
                    for (n, k, v) in items {
                        match v {
                            Some(v) => model.insert((ns_name(n), key_name(k)), v),
                            None => model.remove(&(ns_name(n), key_name(k))),
                        };
                    }
                }
                ModelOp::Reopen => {
                    drop(home);
                    home = Home::open_in(Arc::clone(&backend) as _, Unlock::Passphrase(&pass("pw")), fast(&c)).unwrap();
                }
            }
            for n in 0..3u8 {
                let expected: Vec<String> = model.keys().filter(|(ns, _)| *ns == ns_name(n)).map(|(_, k)| k.clone()).collect();
                prop_assert_eq!(home.list(&ns_name(n)).unwrap(), expected);
            }
        }
    }
}
