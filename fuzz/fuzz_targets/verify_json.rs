//! Arbitrary bytes never verify as a signed JSON object, and never panic.
//!
//! Input layout: 64 bytes of signature, one byte choosing the purpose, the rest a JSON body
//! (or, if it is not JSON, a string holding it).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sanctuary_core::identity::{Identity, PublicKey, SecretSeed, Signature};
use sanctuary_core::purpose::Purpose;
use sanctuary_core::sign;
use std::sync::OnceLock;

fn key() -> &'static PublicKey {
    static KEY: OnceLock<PublicKey> = OnceLock::new();
    KEY.get_or_init(|| *Identity::from_seed(&SecretSeed::from_bytes([0x5a; 32])).public())
}

fuzz_target!(|data: &[u8]| {
    let Some((sig, rest)) = data.split_first_chunk::<64>() else {
        return;
    };
    let Some((&which, body)) = rest.split_first() else {
        return;
    };
    let purpose = Purpose::ALL[usize::from(which) % Purpose::ALL.len()];
    let body: serde_json::Value = std::str::from_utf8(body)
        .ok()
        .and_then(|t| sanctuary_core::jcs::parse(t).ok())
        .unwrap_or_else(|| serde_json::Value::String(String::from_utf8_lossy(body).into_owned()));
    let signature = Signature::from_bytes(*sig);
    assert!(
        sign::verify_json(key(), purpose, &body, &signature).is_err(),
        "a signature nobody made verified"
    );
    // The signature bytes read as a key must not verify either (or be refused as a key).
    if let Some((k, _)) = sig.split_first_chunk::<32>() {
        if let Ok(other) = PublicKey::from_bytes(k) {
            assert!(sign::verify_json(&other, purpose, &body, &signature).is_err());
        }
    }
});
