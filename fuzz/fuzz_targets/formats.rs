//! Every other text parser in sanctuary-core never panics, and each accepted input round-trips:
//! RFC 3339 timestamps, `sha256:` digests, identity ids, base64url / hex / base58btc, and
//! rotation chains (JSON) through the verifier.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sanctuary_core::Digest;
use sanctuary_core::encoding::{self, Padding};
use sanctuary_core::identity::{Identity, IdentityId, SecretSeed};
use sanctuary_core::rotation::{RotationEvent, verify_rotation_chain};
use sanctuary_core::time::Timestamp;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(t) = Timestamp::parse_rfc3339(text) {
        let canonical = t.to_string();
        assert_eq!(Timestamp::parse_canonical(&canonical), Ok(t));
    }
    if let Ok(t) = Timestamp::parse_canonical(text) {
        assert_eq!(t.to_string(), text);
    }
    if let Ok(d) = text.parse::<Digest>() {
        assert_eq!(d.to_string(), text);
    }
    if let Ok(id) = text.parse::<IdentityId>() {
        assert_eq!(id.to_string(), text);
    }
    if let Ok(bytes) = encoding::base64url_decode(text) {
        let padding = if text.ends_with('=') {
            Padding::Padded
        } else {
            Padding::Unpadded
        };
        assert_eq!(encoding::base64url_encode(&bytes, padding), text);
    }
    if let Ok(bytes) = encoding::hex_decode_lower(text) {
        assert_eq!(encoding::hex_encode(&bytes), text);
    }
    if let Ok(bytes) = encoding::base58btc_decode(text) {
        assert_eq!(encoding::base58btc_encode(&bytes), text);
    }
    if let Ok(events) = serde_json::from_str::<Vec<RotationEvent>>(text) {
        let current = Identity::from_seed(&SecretSeed::from_bytes([1; 32]));
        if let Some(first) = events.first() {
            let _ = verify_rotation_chain(&first.identity_id, &events, current.public());
        }
    }
});
