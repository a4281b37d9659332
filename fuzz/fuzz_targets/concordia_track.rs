//! Hostile bytes as a receipt bundle and as a competence proof: parsing and verification never
//! panic, and nothing verifies without a valid signature by the (fixed, unforgeable) key.
#![no_main]

use concordia::bundle::{FreshnessPolicy, ReceiptBundle, verify_bundle};
use concordia::competence::{CompetenceProof, verify_competence_proof};
use libfuzzer_sys::fuzz_target;
use sanctuary_core::identity::{Identity, PublicKey, SecretSeed};
use sanctuary_core::time::{ManualClock, Timestamp};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let key = *Identity::from_seed(&SecretSeed::from_bytes([9; 32])).public();
    let resolve = |_: &str| -> Option<PublicKey> { Some(key) };
    let accept_all = |_: &Value| Ok(());
    let clock = ManualClock::new(Timestamp::from_unix_seconds(1_780_056_000).expect("time"));
    if let Ok(bundle) = ReceiptBundle::parse(text) {
        let verdict = verify_bundle(&bundle, &resolve, &accept_all, &FreshnessPolicy::default(), &clock);
        assert!(verdict.is_err() || bundle.verify_signature(&key).is_ok());
    }
    if let Ok(proof) = CompetenceProof::parse(text) {
        let verdict = verify_competence_proof(&proof, &resolve, &accept_all);
        assert!(verdict.is_err() || proof.verify_signature(&key).is_ok());
    }
});
