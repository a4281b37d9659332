//! Arbitrary text as a policy file: never panics; whatever parses re-serialises to a file that
//! parses to the same policy, and is never weaker than itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sanctuary_policy::policy::Policy;
use sanctuary_policy::tiers::{FORCED_TIER1, StaticTier, static_tier};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(policy) = Policy::parse(text) else {
        return;
    };
    let again = Policy::parse(&policy.to_toml().expect("a parsed policy serialises"))
        .expect("a parsed policy re-serialises");
    assert_eq!(again, policy);
    assert!(policy.check_reload(&again).is_empty());
    for op in FORCED_TIER1 {
        assert_eq!(static_tier(&policy, op), StaticTier::Forced);
    }
});
