//! Hostile bytes as a Concordia message applied to a session replica at every state the fixed
//! script reaches: parsing and applying never panic, a refused message leaves the replica
//! exactly as it was, and nothing is admitted that does not carry a valid signature of a
//! registered party (the fuzzer cannot forge one, so any admission of fuzz bytes must be a
//! byte-exact copy of the legitimate next message).
#![no_main]

use std::sync::Arc;

use concordia::session::Session;
use concordia::types::{MessageType, PartyRole, TimingConfig};
use libfuzzer_sys::fuzz_target;
use sanctuary_core::identity::{Identity, SecretSeed};
use sanctuary_core::time::{ManualClock, Timestamp};
use serde_json::json;

fn replica(a: &Identity, b: &Identity, clock: &Arc<ManualClock>) -> Session {
    let mut s = Session::builder("ses_fuzz")
        .timing(TimingConfig {
            max_rounds: 4,
            ..TimingConfig::default()
        })
        .clock(clock.clone())
        .build();
    s.add_party("alice", PartyRole::Initiator, *a.public()).expect("alice");
    s.add_party("bob", PartyRole::Responder, *b.public()).expect("bob");
    s
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let alice = Identity::from_seed(&SecretSeed::from_bytes([1; 32]));
    let bob = Identity::from_seed(&SecretSeed::from_bytes([2; 32]));
    let start = Timestamp::from_unix_seconds(1_780_056_000).expect("time");
    let clock = Arc::new(ManualClock::new(start));
    let mut writer = replica(&alice, &bob, &clock);
    let script = [
        (MessageType::Open, "alice", json!({"terms": {"price": {"type": "numeric"}}})),
        (MessageType::AcceptSession, "bob", json!({})),
        (MessageType::Offer, "alice", json!({"terms": {"price": {"value": 10}}})),
        (MessageType::Counter, "bob", json!({"terms": {"price": {"value": 8}}})),
        (MessageType::Accept, "alice", json!({})),
    ];
    let mut reader = replica(&alice, &bob, &clock);
    for (kind, from, body) in script {
        // Hostile input at this state: on refusal nothing changes.
        let before = (reader.state(), reader.round_count(), reader.prev_hash().to_owned(), reader.transcript().len());
        let key = if from == "alice" { &alice } else { &bob };
        let next = writer.builder_for(kind, from).body(body);
        let legit = writer.send(next, key).expect("script").clone();
        match reader.apply_json(text) {
            Ok(_) => {
                let admitted = reader.transcript().last().expect("admitted");
                assert_eq!(admitted.to_value(), legit.to_value(), "fuzz bytes admitted");
                return;
            }
            Err(_) => {
                let after = (reader.state(), reader.round_count(), reader.prev_hash().to_owned(), reader.transcript().len());
                assert_eq!(before, after, "a refused message changed the replica");
            }
        }
        reader.apply(legit).expect("legit message");
    }
});
