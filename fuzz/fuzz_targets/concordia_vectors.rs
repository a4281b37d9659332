//! Any JSON as a Concordia conformance vector: every profile's verifier runs on hostile input
//! and must never panic, and the verdict must not depend on anything but the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(vector) = concordia::wire::parse(text) else {
        return;
    };
    let first = concordia::conformance::evaluate(&vector);
    assert_eq!(first, concordia::conformance::evaluate(&vector));
    // The same input under every profile, so a seed for one profile reaches all verifiers.
    if let Some(object) = vector.as_object() {
        for profile in concordia::conformance::PROFILES {
            let mut other = object.clone();
            other.insert("verification_profile".into(), profile.into());
            let _ = concordia::conformance::evaluate(&serde_json::Value::Object(other));
        }
    }
});
