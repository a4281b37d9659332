//! The context gate on arbitrary input: never panics. Input that parses as JSON is filtered
//! as a value; any UTF-8 input is also filtered as the text of an allowed `prompt` field, so
//! every detector sees it. Span decisions stay inside the original string, on char
//! boundaries, and a sanitised prompt with every kind pseudonymised rehydrates to the
//! original when the input held no bracket of its own.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use sanctuary_core::audit::MemoryAuditSink;
use sanctuary_gate::outcome::Target;
use sanctuary_gate::policy::{
    Action, DestinationPolicy, DetectorPolicy, Destination, FieldClass, GatePolicy, Template,
};
use sanctuary_gate::terms::{PrincipalTerms, TermCategory};
use sanctuary_gate::{ContextGate, GateKey, GateOutcome, Kind, Limits};
use serde_json::{Value, json};

fn gates() -> &'static (ContextGate, ContextGate) {
    static GATES: OnceLock<(ContextGate, ContextGate)> = OnceLock::new();
    GATES.get_or_init(|| {
        let terms = || {
            PrincipalTerms::new([
                (TermCategory::Name, "Zoë Müller".to_owned()),
                (TermCategory::Place, "Elm Street 42".to_owned()),
                (TermCategory::Organization, "Brightwater".to_owned()),
            ])
            .expect("fixed terms are valid")
        };
        let remote = ContextGate::builder(Template::RemoteInferenceSanitize.policy())
            .key(GateKey::from_bytes([1; 32]))
            .principal_terms(terms())
            .limits(Limits {
                max_depth: 16,
                max_fields: 256,
                max_bytes: 64 * 1024,
            })
            .audit(Arc::new(MemoryAuditSink::new()))
            .build()
            .expect("gate builds");
        let mut detectors = DetectorPolicy::reversible();
        for &k in Kind::ALL {
            detectors = detectors.with(k, Action::Pseudonymise);
        }
        let reversible = ContextGate::builder(GatePolicy::default().with(
            Destination::PeerAgent,
            DestinationPolicy::new(Action::Deny)
                .with_patterns(Action::Allow, FieldClass::Field, &["prompt"])
                .expect("pattern parses")
                .with_detectors(detectors),
        ))
        .key(GateKey::from_bytes([2; 32]))
        .principal_terms(terms())
        .audit(Arc::new(NullSink))
        .build()
        .expect("gate builds");
        (remote, reversible)
    })
}

/// Keeps the fuzzer's memory flat: events are validated and dropped.
#[derive(Debug)]
struct NullSink;
impl sanctuary_core::audit::AuditSink for NullSink {
    fn record(
        &self,
        event: sanctuary_core::audit::AuditEvent,
    ) -> Result<(), sanctuary_core::audit::AuditError> {
        event.validate()
    }
}

fuzz_target!(|data: &[u8]| {
    let (remote, reversible) = gates();
    if let Ok(value) = serde_json::from_slice::<Value>(data) {
        let _ = remote.filter(&Destination::Inference, &value);
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let conversation = sanctuary_gate::ConversationId::random();
    let out = reversible.filter_in(&conversation, &Destination::PeerAgent, &json!({ "prompt": text }));
    let GateOutcome::Sanitized(s) = out else {
        // Only the vault limit could refuse a single small prompt.
        return;
    };
    for d in &s.decisions {
        if let Target::Span { start, end, .. } = d.target {
            assert!(start < end && end <= text.len(), "span out of bounds");
            assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
        }
    }
    let sanitised = s.value["prompt"].as_str().expect("prompt stays a string");
    if !text.contains('[') {
        let back = reversible
            .rehydrate_in(&conversation, sanitised)
            .expect("memory vault");
        // Each placeholder stands for the first original of its normalised value, so the
        // round trip is exact when no value occurs twice in different spellings; at least
        // every placeholder must be known.
        assert_eq!(back.unknown, 0);
    }
    let _ = reversible.forget_conversation(&conversation);
});
