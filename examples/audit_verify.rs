//! Check an audit log without any secret and report the first bad entry.
//!
//! ```text
//! cargo run --example audit_verify -- <home or audit directory> [did:key of the store]
//! cargo run --example audit_verify            # a demonstration on a temporary home
//! ```

#![expect(clippy::print_stdout, reason = "an example talks to its reader")]

use sanctuary::core::audit::{AuditEvent, AuditLayer, AuditOutcome, AuditSink};
use sanctuary::core::identity::PublicKey;
use sanctuary::core::time::Timestamp;
use sanctuary::store::{
    AUDIT_DIR, AuditReport, Home, HomeOptions, KdfParams, Passphrase, verify_audit_log,
};
use std::path::{Path, PathBuf};

fn describe(report: &AuditReport) -> String {
    match &report.first_problem {
        None => format!(
            "clean: {} entries, {} checkpoints, signed head covers {} records",
            report.entries, report.checkpoints, report.head_count
        ),
        Some(p) => format!("FIRST BAD ENTRY at position {}: {:?}", p.position, p.kind),
    }
}

fn check(dir: &Path, key: Option<&PublicKey>) -> Result<AuditReport, Box<dyn std::error::Error>> {
    let audit = if dir.join(AUDIT_DIR).is_dir() {
        dir.join(AUDIT_DIR)
    } else {
        dir.to_owned()
    };
    Ok(verify_audit_log(&audit, key)?)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    if let Some(dir) = args.next() {
        let key = args
            .next()
            .map(|did| PublicKey::from_did_key(&did))
            .transpose()?;
        if key.is_none() {
            println!(
                "(no did:key given: checking consistency against the key in the log's own header)"
            );
        }
        let report = check(&PathBuf::from(dir), key.as_ref())?;
        println!("{}", describe(&report));
        if !report.is_clean() {
            std::process::exit(1);
        }
        return Ok(());
    }

    // Demonstration: a home with some events, checked, then tampered with and checked again.
    let dir = std::env::temp_dir().join(format!("sanctuary-audit-example-{}", std::process::id()));
    let options = HomeOptions {
        kdf: KdfParams::dangerous_fast_for_tests(),
        ..HomeOptions::default()
    };
    let (home, _) = Home::create(&dir, &Passphrase::new("demo")?, options)?;
    for (i, (op, outcome)) in [
        ("state.put", AuditOutcome::Success),
        ("export_data", AuditOutcome::Denied),
        ("sign_raw", AuditOutcome::Pending),
        ("sign_raw", AuditOutcome::Allowed),
        ("negotiation.accept", AuditOutcome::Success),
    ]
    .into_iter()
    .enumerate()
    {
        home.record(AuditEvent::new(
            Timestamp::from_unix_seconds(1_800_000_000 + i as i64)?,
            AuditLayer::Agent,
            op,
            outcome,
            serde_json::json!({ "step": i }),
        ))?;
    }
    let did = home.identity().to_did_key();
    let identity = *home.identity();
    drop(home);
    println!("audit log of a new home, store identity {did}");
    println!("  {}", describe(&check(&dir, Some(&identity))?));

    let log = dir.join(AUDIT_DIR).join("log");
    let mut bytes = std::fs::read(&log)?;
    // Flip one byte in the third record's ciphertext.
    let mut at = 0usize;
    for _ in 0..2 {
        let len =
            u32::from_be_bytes(bytes.get(at..at + 4).ok_or("short log")?.try_into()?) as usize;
        at += 4 + len;
    }
    if let Some(b) = bytes.get_mut(at + 60) {
        *b ^= 0x40;
    }
    std::fs::write(&log, &bytes)?;
    println!("after flipping one byte of entry 2:");
    let report = check(&dir, Some(&identity))?;
    println!("  {}", describe(&report));
    let _ = std::fs::remove_dir_all(&dir);
    if report.is_clean() {
        return Err("the modification went unnoticed".into());
    }
    Ok(())
}
