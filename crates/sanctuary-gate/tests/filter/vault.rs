//! The pseudonym vault through the gate: stability, unlinkability, persistence, failures.
#![expect(clippy::unwrap_used, reason = "test fixtures")]

use std::sync::Arc;
use std::sync::atomic::Ordering;

use sanctuary_core::audit::MemoryAuditSink;
use sanctuary_gate::policy::{Action, Destination, DestinationPolicy, FieldClass, GatePolicy};
use sanctuary_gate::{ContextGate, ConversationId, GateKey};
use serde_json::json;

use crate::common::{FlakyStore, refusal_codes, sanitized};

fn pseudonymising() -> GatePolicy {
    GatePolicy::default().with(
        Destination::PeerAgent,
        DestinationPolicy::new(Action::Deny)
            .with_patterns(Action::Allow, FieldClass::Field, &["text"])
            .unwrap()
            .with_patterns(Action::Pseudonymise, FieldClass::Pii, &["customer"])
            .unwrap(),
    )
}

fn gate_on(store: Arc<FlakyStore>) -> ContextGate {
    ContextGate::builder(pseudonymising())
        .store(store)
        .audit(Arc::new(MemoryAuditSink::new()))
        .build()
        .unwrap()
}

#[test]
fn stable_within_a_conversation_unlinkable_across() {
    let gate = gate_on(Arc::default());
    let dest = Destination::PeerAgent;
    let c1 = ConversationId::new("thread-1").unwrap();
    let c2 = ConversationId::new("thread-2").unwrap();
    let a = sanitized(gate.filter_in(&c1, &dest, &json!({"customer": "Globex"})));
    let b = sanitized(gate.filter_in(&c1, &dest, &json!({"customer": "Initech"})));
    let a2 = sanitized(gate.filter_in(&c1, &dest, &json!({"customer": "Globex"})));
    assert_eq!(a.value["customer"], "[PII_1]");
    assert_eq!(b.value["customer"], "[PII_2]");
    assert_eq!(a2.value["customer"], "[PII_1]");
    // Conversation 2 sees Initech first: numbering and mapping are its own.
    let x = sanitized(gate.filter_in(&c2, &dest, &json!({"customer": "Initech"})));
    assert_eq!(x.value["customer"], "[PII_1]");
    assert_eq!(
        gate.rehydrate_in(&c1, "[PII_1]/[PII_2]").unwrap().text,
        "Globex/Initech"
    );
    assert_eq!(
        gate.rehydrate_in(&c2, "[PII_1]/[PII_2]").unwrap().text,
        "Initech/[PII_2]"
    );
    // Forgetting a conversation drops its mapping.
    assert!(gate.forget_conversation(&c1).unwrap());
    assert_eq!(gate.rehydrate_in(&c1, "[PII_1]").unwrap().restored, 0);
}

#[test]
fn the_vault_persists_in_the_store_under_the_same_key() {
    let store = Arc::new(FlakyStore::default());
    let c = ConversationId::new("t").unwrap();
    let dest = Destination::PeerAgent;
    {
        let gate = gate_on(store.clone());
        let _ = sanitized(gate.filter_in(&c, &dest, &json!({"customer": "Globex"})));
    }
    // A new gate over the same store loads the same key (kept in the store) and mapping.
    let gate = gate_on(store.clone());
    assert_eq!(gate.rehydrate_in(&c, "[PII_1]").unwrap().text, "Globex");
    // The store holds neither the value in a key name nor in clear text under its key…
    let keys = sanctuary_core::state::StateStore::list(&store.inner, "sanctuary-gate").unwrap();
    assert!(
        keys.iter()
            .all(|k| !k.contains("Globex") && !k.contains('t') || k == "gate-key")
    );
    // …a different gate key cannot use it.
    let other = ContextGate::builder(pseudonymising())
        .store(store)
        .key(GateKey::from_bytes([3; 32]))
        .audit(Arc::new(MemoryAuditSink::new()))
        .build()
        .unwrap();
    assert_eq!(other.rehydrate_in(&c, "[PII_1]").unwrap().restored, 0);
}

#[test]
fn a_refused_request_leaves_the_vault_untouched() {
    let gate = gate_on(Arc::default());
    let dest = Destination::PeerAgent;
    let out = gate.filter(&dest, &json!({"customer": "Globex", "unlisted": 1}));
    assert_eq!(refusal_codes(out), ["unlisted_field"]);
    assert_eq!(gate.rehydrate("[PII_1]").unwrap().restored, 0);
    let s = sanitized(gate.filter(&dest, &json!({"customer": "Initech"})));
    assert_eq!(s.value["customer"], "[PII_1]");
}

#[test]
fn a_store_failure_is_a_refusal_and_rolls_back() {
    let store = Arc::new(FlakyStore::default());
    let gate = gate_on(store.clone());
    let dest = Destination::PeerAgent;
    store.fail.store(true, Ordering::SeqCst);
    assert_eq!(
        refusal_codes(gate.filter(&dest, &json!({"customer": "Globex"}))),
        ["vault_unavailable"]
    );
    assert_eq!(gate.rehydrate("[PII_1]").unwrap().restored, 0);
    store.fail.store(false, Ordering::SeqCst);
    let s = sanitized(gate.filter(&dest, &json!({"customer": "Initech"})));
    assert_eq!(s.value["customer"], "[PII_1]");
    assert_eq!(gate.rehydrate("[PII_1]").unwrap().text, "Initech");
}

#[test]
fn rehydrating_a_json_answer() {
    let gate = gate_on(Arc::default());
    let c = gate.default_conversation().clone();
    let _ = sanitized(gate.filter(&Destination::PeerAgent, &json!({"customer": "Globex"})));
    let (v, n) = gate
        .rehydrate_value_in(&c, &json!({"to": "[PII_1]", "[PII_1]": ["[PII_1]", 3]}))
        .unwrap();
    assert_eq!(v, json!({"to": "Globex", "Globex": ["Globex", 3]}));
    assert_eq!(n, 3);
    assert!(!format!("{:?}", gate.rehydrate("[PII_1]").unwrap()).contains("Globex"));
}
