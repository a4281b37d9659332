//! JCS never panics, and canonicalisation is idempotent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sanctuary_core::jcs;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(canonical) = jcs::from_str(text) {
        let canonical_text = std::str::from_utf8(&canonical).expect("canonical JSON is UTF-8");
        let again = jcs::from_str(canonical_text).expect("canonical JSON parses");
        assert_eq!(again, canonical, "canonicalisation is not idempotent");
    }
});
