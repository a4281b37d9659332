//! did:key decoding never panics; decode(encode(k)) = k; a decoded did re-encodes to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sanctuary_core::identity::PublicKey;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(key) = PublicKey::from_did_key(text) {
            // base58btc has one spelling per byte string, so a valid did:key is canonical.
            assert_eq!(key.to_did_key(), text);
        }
    }
    if let Ok(bytes) = <[u8; 32]>::try_from(data) {
        if let Ok(key) = PublicKey::from_bytes(&bytes) {
            let did = key.to_did_key();
            assert_eq!(PublicKey::from_did_key(&did), Ok(key));
            assert_eq!(key.to_bytes(), bytes);
        }
    }
});
