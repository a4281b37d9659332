//! Rehydration of arbitrary text (a hostile model's answer): never panics; text without a
//! known placeholder comes back unchanged, and the count of restored placeholders matches
//! what was substituted.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use sanctuary_core::audit::MemoryAuditSink;
use sanctuary_gate::policy::{Action, Destination, DestinationPolicy, FieldClass, GatePolicy};
use sanctuary_gate::{ContextGate, GateKey};
use serde_json::json;

fn gate() -> &'static ContextGate {
    static GATE: OnceLock<ContextGate> = OnceLock::new();
    GATE.get_or_init(|| {
        let gate = ContextGate::builder(GatePolicy::default().with(
            Destination::PeerAgent,
            DestinationPolicy::new(Action::Deny)
                .with_patterns(Action::Pseudonymise, FieldClass::Pii, &["a", "b", "c"])
                .expect("patterns parse"),
        ))
        .key(GateKey::from_bytes([3; 32]))
        .audit(Arc::new(MemoryAuditSink::new()))
        .build()
        .expect("gate builds");
        // Three pseudonyms: [PII_1], [PII_2], [PII_3].
        let out = gate.filter(
            &Destination::PeerAgent,
            &json!({"a": "Alpha", "b": "Beta ]][[", "c": "[PII_1]"}),
        );
        assert!(!out.is_refused());
        gate
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let r = gate().rehydrate(text).expect("memory vault");
    if r.restored == 0 {
        assert_eq!(r.text, text);
    }
    let value: serde_json::Value = serde_json::from_slice(data).unwrap_or(json!(text));
    let _ = gate().rehydrate_value_in(gate().default_conversation(), &value);
});
