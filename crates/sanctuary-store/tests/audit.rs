//! The audit log: round trip, and detection of modification, deletion, reordering and
//! truncation by the keyless verifier.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers outside #[test] functions: a broken fixture must stop the test loudly"
)]

use sanctuary_core::audit::{AuditEvent, AuditLayer, AuditOutcome, AuditSink};
use sanctuary_core::identity::Identity;
use sanctuary_core::time::Timestamp;
use sanctuary_store::{
    AUDIT_DIR, AuditProblemKind, CHECKPOINT_EVERY, Home, Unlock, verify_audit_log,
};
use std::path::{Path, PathBuf};

mod common;
use common::{options, pass};
use std::sync::Arc;

fn event(i: u64) -> AuditEvent {
    AuditEvent::new(
        Timestamp::from_unix_seconds(1_800_000_000 + i as i64).unwrap(),
        AuditLayer::Policy,
        format!("tool.call.{i}"),
        if i.is_multiple_of(2) {
            AuditOutcome::Allowed
        } else {
            AuditOutcome::Denied
        },
        serde_json::json!({ "i": i }),
    )
}

/// A home with `n` audit events; returns the temp dir, the home dir and the store identity.
fn home_with_events(n: u64) -> (tempfile::TempDir, PathBuf, sanctuary_core::PublicKey) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("home");
    let (home, _) = Home::create(&dir, &pass("pw"), options()).unwrap();
    for i in 0..n {
        home.record(event(i)).unwrap();
    }
    let identity = *home.identity();
    (tmp, dir, identity)
}

/// (start, length) of every record in the log file.
fn record_spans(log: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut at = 0;
    while at + 4 <= log.len() {
        let len = u32::from_be_bytes(log[at..at + 4].try_into().unwrap()) as usize;
        spans.push((at, 4 + len));
        at += 4 + len;
    }
    spans
}

fn log_path(dir: &Path) -> PathBuf {
    dir.join(AUDIT_DIR).join("log")
}

#[test]
fn events_round_trip_and_the_log_verifies() {
    let n = CHECKPOINT_EVERY * 2 + 5;
    let (_tmp, dir, identity) = home_with_events(n);
    let report = verify_audit_log(&dir.join(AUDIT_DIR), Some(&identity)).unwrap();
    assert!(report.is_clean(), "{report:?}");
    assert_eq!((report.entries, report.checkpoints), (n, 2));
    assert_eq!(report.head_count, n + 2);
    let home = Home::open(&dir, Unlock::Passphrase(&pass("pw")), options()).unwrap();
    let events = home.audit_events().unwrap();
    assert_eq!(events, (0..n).map(event).collect::<Vec<_>>());
    home.record(event(n)).unwrap();
    assert!(home.verify_audit().unwrap().is_clean());
    // Another key is not the log's key.
    let other = Identity::generate(&mut rand_core::OsRng);
    let report = verify_audit_log(&dir.join(AUDIT_DIR), Some(other.public())).unwrap();
    assert_eq!(report.first_problem.unwrap().kind, AuditProblemKind::Header);
    // Bad events are refused and not recorded.
    assert!(
        home.record(AuditEvent::new(
            Timestamp::UNIX_EPOCH,
            AuditLayer::L1,
            "",
            AuditOutcome::Success,
            serde_json::json!({})
        ))
        .is_err()
    );
    assert_eq!(home.audit_events().unwrap().len() as u64, n + 1);
}

#[test]
fn any_modified_byte_is_reported_at_its_record() {
    let (_tmp, dir, identity) = home_with_events(10);
    let log = std::fs::read(log_path(&dir)).unwrap();
    let spans = record_spans(&log);
    for (index, &(start, len)) in spans.iter().enumerate() {
        for offset in [4, 5, 13, 45, len - 1] {
            let mut bad = log.clone();
            bad[start + offset] ^= 0x01;
            std::fs::write(log_path(&dir), &bad).unwrap();
            let report = verify_audit_log(&dir.join(AUDIT_DIR), Some(&identity)).unwrap();
            let problem = report
                .first_problem
                .unwrap_or_else(|| panic!("record {index} byte {offset} undetected"));
            // The modified record is named, except a change to the length prefix (offset < 4
            // is not tried) or to the position field, which reads as a record out of place.
            assert_eq!(
                problem.position, index as u64,
                "record {index} byte {offset}: {problem:?}"
            );
        }
    }
    std::fs::write(log_path(&dir), &log).unwrap();
    assert!(
        verify_audit_log(&dir.join(AUDIT_DIR), Some(&identity))
            .unwrap()
            .is_clean()
    );
}

#[test]
fn deletion_reordering_and_truncation_are_detected() {
    let (_tmp, dir, identity) = home_with_events(8);
    let log = std::fs::read(log_path(&dir)).unwrap();
    let spans = record_spans(&log);
    let check = |bytes: &[u8], expected: AuditProblemKind, position: u64| {
        std::fs::write(log_path(&dir), bytes).unwrap();
        let problem = verify_audit_log(&dir.join(AUDIT_DIR), Some(&identity))
            .unwrap()
            .first_problem
            .unwrap();
        assert_eq!((problem.kind, problem.position), (expected, position));
    };
    let cut = |skip: usize| -> Vec<u8> {
        spans
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .flat_map(|(_, &(s, l))| log[s..s + l].to_vec())
            .collect()
    };
    // Deleting record 3: record 4 now sits at position 3.
    check(&cut(3), AuditProblemKind::OutOfOrder, 3);
    // Swapping records 2 and 5.
    let mut swapped = Vec::new();
    for i in [0, 1, 5, 3, 4, 2, 6, 7] {
        let (s, l) = spans[i];
        swapped.extend_from_slice(&log[s..s + l]);
    }
    check(&swapped, AuditProblemKind::OutOfOrder, 2);
    // Truncation at a record boundary: the signed head vouches for more.
    check(&log[..spans[6].0], AuditProblemKind::Truncated, 6);
    check(&[], AuditProblemKind::Truncated, 0);
    // Truncation inside a record.
    check(&log[..log.len() - 3], AuditProblemKind::Malformed, 7);
    // A forged record appended after the signed head.
    let mut forged = log.clone();
    forged.extend_from_slice(&log[spans[7].0..]);
    check(&forged, AuditProblemKind::OutOfOrder, 8);
    std::fs::write(log_path(&dir), &log).unwrap();
    // A head replaced by garbage.
    let head = dir.join(AUDIT_DIR).join("head");
    let original_head = std::fs::read(&head).unwrap();
    let mut bad_head = original_head.clone();
    bad_head[3] ^= 1;
    std::fs::write(&head, &bad_head).unwrap();
    let problem = verify_audit_log(&dir.join(AUDIT_DIR), Some(&identity))
        .unwrap()
        .first_problem
        .unwrap();
    assert_eq!(problem.kind, AuditProblemKind::BadHead);
    std::fs::write(&head, &original_head).unwrap();
    // A tampered log makes the open home refuse to append (fail closed).
    std::fs::write(log_path(&dir), cut(2)).unwrap();
    let home = Home::open(&dir, Unlock::Passphrase(&pass("pw")), options()).unwrap();
    assert!(home.record(event(99)).is_err());
}

#[test]
fn memory_homes_keep_an_audit_log_too() {
    let backend = Arc::new(sanctuary_store::backend::MemoryBackend::new());
    let (home, _) = Home::create_in(backend as _, &pass("pw"), options()).unwrap();
    for i in 0..(CHECKPOINT_EVERY + 3) {
        home.record(event(i)).unwrap();
    }
    let report = home.verify_audit().unwrap();
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(report.checkpoints, 1);
    assert_eq!(
        home.audit_events().unwrap().len() as u64,
        CHECKPOINT_EVERY + 3
    );
}
