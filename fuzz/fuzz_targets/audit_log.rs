//! The keyless audit-log verifier on hostile bytes: the log, the head or the header of a
//! genuine log is replaced by the input. It never panics, and never calls altered bytes clean.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sanctuary_core::audit::{AuditEvent, AuditLayer, AuditOutcome, AuditSink};
use sanctuary_core::identity::PublicKey;
use sanctuary_core::time::Timestamp;
use sanctuary_store::{AUDIT_DIR, Home, HomeOptions, KdfParams, Passphrase, verify_audit_bytes};
use std::sync::OnceLock;

struct Fixture {
    header: Vec<u8>,
    log: Vec<u8>,
    head: Vec<u8>,
    key: PublicKey,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("sanctuary-fuzz-audit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let options = HomeOptions {
            kdf: KdfParams::dangerous_fast_for_tests(),
            ..HomeOptions::default()
        };
        let (home, _) =
            Home::create(&dir, &Passphrase::new("fuzz").expect("pass"), options).expect("home");
        for i in 0..70 {
            let event = AuditEvent::new(
                Timestamp::UNIX_EPOCH,
                AuditLayer::L1,
                format!("op{i}"),
                AuditOutcome::Success,
                serde_json::json!({}),
            );
            home.record(event).expect("record");
        }
        let key = *home.identity();
        drop(home);
        let read = |name: &str| std::fs::read(dir.join(AUDIT_DIR).join(name)).expect("audit file");
        let fixture = Fixture {
            header: read("header"),
            log: read("log"),
            head: read("head"),
            key,
        };
        let _ = std::fs::remove_dir_all(&dir);
        fixture
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, bytes)) = data.split_first() else {
        return;
    };
    let f = fixture();
    let (header, log, head, original) = match mode % 3 {
        0 => (
            f.header.as_slice(),
            bytes,
            f.head.as_slice(),
            f.log.as_slice(),
        ),
        1 => (
            f.header.as_slice(),
            f.log.as_slice(),
            bytes,
            f.head.as_slice(),
        ),
        _ => (
            bytes,
            f.log.as_slice(),
            f.head.as_slice(),
            f.header.as_slice(),
        ),
    };
    let report = verify_audit_bytes(header, log, head, Some(&f.key));
    if bytes != original {
        assert!(!report.is_clean(), "altered audit bytes verified clean");
    }
    let _ = verify_audit_bytes(header, log, head, None);
});
