//! The reference's session fixtures (`sdk-fixtures/session/session_vectors.json`, produced by
//! the Python package's own `Session`, `compute_hash` and `validate_chain`), replayed case by
//! case: states, round counts, chain tips, behaviour records, term spaces, durations, error
//! texts, concession arithmetic and hashes.
//!
//! The fixtures' messages are timestamped 2026-05-29T12:00:00Z; the sessions here run on a
//! `ManualClock` set to that instant (plus one second per step, as the generator pinned its
//! conclusion times), so every timing check stays on.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers outside #[test] functions: a broken fixture must stop the test loudly"
)]

use concordia::behavior::{BehaviorRecord, compute_concession};
use concordia::message::{Message, MessageBuilder};
use concordia::session::{
    ChainError, Session, SessionError, TRANSITIONS, transition, validate_chain,
};
use concordia::types::{MessageType, PartyRole, SessionState, TimingConfig};
use concordia::wire::{self, GENESIS_HASH};
use sanctuary_core::encoding::hex_decode;
use sanctuary_core::identity::{Identity, SecretSeed};
use sanctuary_core::time::{ManualClock, Timestamp};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

const ALPHA: &str = "did:concordia:agent:alpha";
const BETA: &str = "did:concordia:agent:beta";
const STAMP: &str = "2026-05-29T12:00:00Z";

fn fixtures() -> Value {
    let path = format!(
        "{}/tests/conformance/sdk-fixtures/session/session_vectors.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn identity(doc: &Value, which: &str) -> Identity {
    let seed: [u8; 32] = hex_decode(doc["seeds"][which]["seed_hex"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    Identity::from_seed(&SecretSeed::from_bytes(seed))
}

struct Fx {
    doc: Value,
    alpha: Identity,
    beta: Identity,
    t0: Timestamp,
}

impl Fx {
    fn load() -> Fx {
        let doc = fixtures();
        let alpha = identity(&doc, "agent_a");
        let beta = identity(&doc, "agent_b");
        let t0 = Timestamp::from_unix_millis(doc["t0_ms"].as_i64().unwrap()).unwrap();
        Fx {
            doc,
            alpha,
            beta,
            t0,
        }
    }

    fn clock(&self) -> Arc<ManualClock> {
        Arc::new(ManualClock::new(self.t0))
    }

    /// A session with both fixture parties, as the generator's sessions have.
    fn session(&self, session_id: &str, clock: Arc<ManualClock>, add_b: bool) -> Session {
        let mut s = Session::new(session_id, TimingConfig::default(), clock);
        s.add_party(ALPHA, PartyRole::Initiator, *self.alpha.public())
            .unwrap();
        if add_b {
            s.add_party(BETA, PartyRole::Responder, *self.beta.public())
                .unwrap();
        }
        s
    }

    fn signer(&self, agent: &str) -> &Identity {
        if agent == ALPHA {
            &self.alpha
        } else {
            &self.beta
        }
    }

    /// Re-creates one of the generator's `_make_msg` messages (sequential id, fixed time),
    /// chained to the session's tip, and applies it.
    fn replay(&self, s: &mut Session, n: u32, sender: &str, kind: MessageType, body: Value) {
        let msg = MessageBuilder::new(kind, s.session_id(), sender)
            .id(format!("msg_{n:08}"))
            .timestamp_text(STAMP)
            .prev_hash(s.prev_hash())
            .body(body)
            .sign(self.signer(sender))
            .unwrap();
        s.apply(msg).unwrap();
    }
}

fn open_body() -> Value {
    json!({"terms": {"price": {"type": "numeric", "value": 1000}, "qty": {"type": "numeric", "value": 10}}})
}

fn state(text: &Value) -> SessionState {
    SessionState::from_wire(text.as_str().unwrap()).unwrap()
}

fn kind(text: &Value) -> MessageType {
    MessageType::from_wire(text.as_str().unwrap()).unwrap()
}

fn terms_value(s: &Session) -> Value {
    s.terms().map_or(Value::Null, |t| Value::Object(t.clone()))
}

fn raw(record: &BehaviorRecord) -> Value {
    json!({
        "offers_made": record.offers_made,
        "concessions": record.concessions,
        "concession_magnitude": record.concession_magnitude,
        "signals_shared": record.signals_shared,
        "constraints_declared": record.constraints_declared,
        "constraints_violated": record.constraints_violated,
        "reasoning_provided": record.reasoning_provided,
        "withdrawal": record.withdrawal,
        "response_time_avg_seconds": record.response_time_avg_seconds,
    })
}

#[test]
fn seeds_give_the_fixture_keys() {
    let fx = Fx::load();
    assert_eq!(
        wire::encode_public_key(fx.alpha.public()),
        fx.doc["seeds"]["agent_a"]["public_key_b64"]
    );
    assert_eq!(
        wire::encode_public_key(fx.beta.public()),
        fx.doc["seeds"]["agent_b"]["public_key_b64"]
    );
    assert_eq!(fx.doc["genesis_hash"], GENESIS_HASH);
}

#[test]
fn transition_table_is_the_reference_table_and_nothing_else() {
    let fx = Fx::load();
    let table = fx.doc["transition_table"].as_array().unwrap();
    assert_eq!(table.len(), 15);
    for (entry, (from, kind_, to)) in table.iter().zip(TRANSITIONS) {
        assert_eq!(state(&entry["from"]), from);
        assert_eq!(kind(&entry["type"]), kind_);
        assert_eq!(state(&entry["to"]), to);
        assert_eq!(transition(from, kind_), Some(to));
    }
    let mut legal = 0;
    for from in SessionState::ALL {
        for k in MessageType::ALL {
            let listed = table
                .iter()
                .find(|e| state(&e["from"]) == *from && kind(&e["type"]) == *k);
            match listed {
                Some(e) => {
                    assert_eq!(transition(*from, *k), Some(state(&e["to"])));
                    legal += 1;
                }
                None => assert_eq!(transition(*from, *k), None, "{from} + {k}"),
            }
        }
    }
    assert_eq!(legal, 15);
}

#[test]
fn runs_reproduce_every_step() {
    let fx = Fx::load();
    let runs = fx.doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 7);
    for run in runs {
        let name = run["name"].as_str().unwrap();
        let clock = fx.clock();
        let mut s = fx.session(
            run["session_id"].as_str().unwrap(),
            clock.clone(),
            run["add_b"].as_bool().unwrap(),
        );
        for (i, step) in run["steps"].as_array().unwrap().iter().enumerate() {
            let seconds = u64::try_from(i).unwrap() + 1;
            clock.set(fx.t0.checked_add(Duration::from_secs(seconds)).unwrap());
            let got = s.apply_value(&step["message"]).unwrap();
            let at = format!("{name} step {i}");
            assert_eq!(got, state(&step["expected_state"]), "{at}");
            assert_eq!(s.state(), got, "{at}");
            assert_eq!(u64::from(s.round_count()), step["round_count"], "{at}");
            assert_eq!(s.prev_hash(), step["prev_hash"], "{at}");
            assert_eq!(
                s.transcript().last().unwrap().hash().unwrap(),
                step["prev_hash"],
                "{at}"
            );
            assert_eq!(terms_value(&s), step["terms"], "{at}");
            assert_eq!(s.is_terminal(), step["is_terminal"], "{at}");
            let behaviors = step["behaviors"].as_object().unwrap();
            assert_eq!(behaviors.len(), s.parties().count(), "{at}");
            for (agent, expected) in behaviors {
                let record = s.behavior(agent).unwrap();
                assert_eq!(raw(record), expected["raw"], "{at} {agent}");
                assert_eq!(record.to_value(), expected["to_dict"], "{at} {agent}");
            }
        }
        assert_eq!(s.state(), state(&run["final_state"]), "{name}");
        assert_eq!(u64::from(s.round_count()), run["round_count"], "{name}");
        assert_eq!(s.concluded_at().is_some(), run["concluded"], "{name}");
        if let Some(duration) = run["duration_seconds"].as_u64() {
            assert_eq!(s.duration_seconds(), duration, "{name}");
        }
        assert_eq!(
            validate_chain(s.transcript()).is_ok(),
            run["transcript_valid_chain"],
            "{name}"
        );
        let parties: Vec<_> = s.parties().collect();
        assert_eq!(
            parties,
            [(ALPHA, PartyRole::Initiator), (BETA, PartyRole::Responder)]
        );
    }
}

#[test]
fn lifecycle_cases() {
    let fx = Fx::load();
    let cases = fx.doc["lifecycle_cases"].as_array().unwrap();
    assert_eq!(cases.len(), 3);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let mut s = fx.session(&format!("ses_{name}"), fx.clock(), true);
        if case["preface"] == "open_accept" {
            // The generator's messages 27 and 28.
            fx.replay(&mut s, 27, ALPHA, MessageType::Open, open_body());
            fx.replay(&mut s, 28, BETA, MessageType::AcceptSession, json!({}));
            assert_eq!(s.state(), SessionState::Active);
        }
        for op in case["ops"].as_array().unwrap() {
            match op.as_str().unwrap() {
                "expire" => s.expire().unwrap(),
                "make_dormant" => s.make_dormant().unwrap(),
                other => panic!("unknown op {other}"),
            }
        }
        assert_eq!(s.state(), state(&case["expected_state"]), "{name}");
        if let Some(flag) = case.get("reactivatable") {
            assert_eq!(s.reactivatable(), *flag, "{name}");
        }
    }
}

#[test]
fn invalid_transitions_give_the_reference_text() {
    let fx = Fx::load();
    let cases = fx.doc["invalid_transitions"].as_array().unwrap();
    assert_eq!(cases.len(), 5);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let setup: &[(&str, MessageType, Value)] = match name {
            "accept_in_proposed" | "offer_in_proposed" => {
                &[(ALPHA, MessageType::Open, open_body())]
            }
            "accept_session_in_active" | "decline_session_in_active" => &[
                (ALPHA, MessageType::Open, open_body()),
                (BETA, MessageType::AcceptSession, json!({})),
            ],
            "offer_after_agreed" => &[
                (ALPHA, MessageType::Open, open_body()),
                (BETA, MessageType::AcceptSession, json!({})),
                (ALPHA, MessageType::Accept, json!({})),
            ],
            other => panic!("unknown case {other}"),
        };
        let bad = &case["message"];
        let bad_n: u32 = bad["id"].as_str().unwrap()[4..].parse().unwrap();
        let mut s = fx.session(&format!("ses_{name}"), fx.clock(), true);
        let first = bad_n - u32::try_from(setup.len()).unwrap();
        for ((sender, k, body), n) in setup.iter().zip(first..) {
            fx.replay(&mut s, n, sender, *k, body.clone());
        }
        assert_eq!(s.state(), state(&case["state_before"]), "{name}");
        assert_eq!(s.prev_hash(), bad["prev_hash"], "{name}: setup re-created");
        let before = s.transcript().len();
        let err = s.apply_value(bad).unwrap_err();
        assert!(
            matches!(err, SessionError::IllegalTransition { .. }),
            "{name}: {err:?}"
        );
        assert_eq!(err.to_string(), case["expected_error"], "{name}");
        assert_eq!(s.transcript().len(), before, "{name}");
        assert_eq!(s.state(), state(&case["state_before"]), "{name}");
    }
}

#[test]
fn invalid_lifecycle_gives_the_reference_text() {
    let fx = Fx::load();
    let cases = fx.doc["invalid_lifecycle"].as_array().unwrap();
    assert_eq!(cases.len(), 2);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let mut s = fx.session(&format!("ses_{name}"), fx.clock(), true);
        let err = match name {
            "expire_when_expired" => {
                s.expire().unwrap();
                s.expire().unwrap_err()
            }
            "dormant_from_proposed" => s.make_dormant().unwrap_err(),
            other => panic!("unknown case {other}"),
        };
        assert_eq!(s.state(), state(&case["state"]), "{name}");
        assert_eq!(err.to_string(), case["expected_error"], "{name}");
    }
}

#[test]
fn invalid_signatures_give_the_reference_text() {
    let fx = Fx::load();
    let cases = fx.doc["invalid_signatures"].as_array().unwrap();
    assert_eq!(cases.len(), 5);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let mut s = fx.session("ses_sig", fx.clock(), true);
        let err = s.apply_value(&case["message"]).unwrap_err();
        let expected_variant = match name {
            "missing_agent_id" => matches!(err, SessionError::MissingSender),
            "missing_signature" => matches!(err, SessionError::Unsigned),
            "unknown_agent" => matches!(err, SessionError::UnknownSender { .. }),
            "tampered_payload" | "flipped_signature" => {
                matches!(err, SessionError::InvalidSignature { .. })
            }
            other => panic!("unknown case {other}"),
        };
        assert!(expected_variant, "{name}: {err:?}");
        assert_eq!(err.to_string(), case["expected_error"], "{name}");
        assert!(s.transcript().is_empty(), "{name}");
        assert_eq!(s.prev_hash(), GENESIS_HASH, "{name}");
        // The same message as text takes the same path.
        let mut t = fx.session("ses_sig", fx.clock(), true);
        let text = serde_json::to_string(&case["message"]).unwrap();
        assert_eq!(t.apply_json(&text).unwrap_err(), err, "{name}");
    }
}

#[test]
fn unknown_types_give_the_reference_text() {
    let fx = Fx::load();
    let cases = fx.doc["unknown_type_cases"].as_array().unwrap();
    assert_eq!(cases.len(), 7);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let mut s = fx.session("ses_unknown_type", fx.clock(), true);
        let err = s.apply_value(&case["message"]).unwrap_err();
        assert!(
            matches!(err, SessionError::UnknownType { .. }),
            "{name}: {err:?}"
        );
        assert_eq!(err.to_string(), case["expected_error"], "{name}");
        assert!(s.transcript().is_empty(), "{name}");
    }
}

#[test]
fn body_shapes_are_accepted_and_refused_as_the_reference_does() {
    let fx = Fx::load();
    let cases = fx.doc["body_shape_cases"].as_array().unwrap();
    assert_eq!(cases.len(), 22);
    // The generator's prefaces draw message ids 45, 46, 47, ... in case order.
    let mut next_id = 45;
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let mut s = fx.session(&format!("ses_body_{name}"), fx.clock(), true);
        if case["preface"] == "active" {
            fx.replay(&mut s, next_id, ALPHA, MessageType::Open, open_body());
            fx.replay(
                &mut s,
                next_id + 1,
                BETA,
                MessageType::AcceptSession,
                json!({}),
            );
            next_id += 2;
        } else {
            assert!(case["preface"].is_null());
        }
        let message = &case["message"];
        assert_eq!(kind(&case["type"]), kind(&message["type"]));
        assert_eq!(
            s.prev_hash(),
            message["prev_hash"],
            "{name}: preface re-created"
        );
        let (state_before, len_before, rounds_before) =
            (s.state(), s.transcript().len(), s.round_count());
        let result = s.apply_value(message);
        if case["accept"] == true {
            let got = result.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(got, state(&case["expected_state"]), "{name}");
            assert_eq!(terms_value(&s), case["terms"], "{name}");
            assert_eq!(u64::from(s.round_count()), case["round_count"], "{name}");
            assert_eq!(s.transcript().len(), len_before + 1, "{name}");
        } else {
            let err = result.unwrap_err();
            assert!(
                matches!(
                    err,
                    SessionError::Malformed(concordia::message::MessageError::Invalid {
                        member: "body",
                        ..
                    })
                ),
                "{name}: {err:?}"
            );
            assert_eq!(
                (s.state(), s.transcript().len(), s.round_count()),
                (state_before, len_before, rounds_before),
                "{name}"
            );
        }
    }
}

#[test]
fn concession_cases() {
    let fx = Fx::load();
    let cases = fx.doc["concession_cases"].as_array().unwrap();
    assert_eq!(cases.len(), 10);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let got = compute_concession(
            case["prev"].as_object().unwrap(),
            case["curr"].as_object().unwrap(),
        )
        .unwrap();
        let expected = case["expected"].as_f64().unwrap();
        assert_eq!(
            got.to_bits(),
            expected.to_bits(),
            "{name}: {got} vs {expected}"
        );
    }
}

#[test]
fn hash_cases() {
    let fx = Fx::load();
    let cases = fx.doc["hash_cases"].as_array().unwrap();
    assert_eq!(cases.len(), 4);
    for case in cases {
        assert_eq!(
            wire::hash_value(&case["input"]).unwrap(),
            case["expected_hash"],
            "{}",
            case["input"]
        );
    }
}

#[test]
fn chain_cases() {
    let fx = Fx::load();
    let cases = fx.doc["chain_cases"].as_array().unwrap();
    assert_eq!(cases.len(), 4);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let messages: Vec<Message> = case["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| Message::from_value(m.clone()).unwrap())
            .collect();
        let result = validate_chain(&messages);
        assert_eq!(result.is_ok(), case["expected"], "{name}");
        match name {
            "broken_link" => assert_eq!(result, Err(ChainError::BrokenLink { index: 1 })),
            "bad_genesis" => assert_eq!(result, Err(ChainError::BadGenesis)),
            _ => assert_eq!(result, Ok(())),
        }
    }
}

#[test]
fn a_fixture_run_replayed_with_a_message_dropped_or_repeated_is_refused() {
    let fx = Fx::load();
    let run = &fx.doc["runs"][0];
    let steps = run["steps"].as_array().unwrap();
    let mut s = fx.session("ses_agree_full", fx.clock(), true);
    s.apply_value(&steps[0]["message"]).unwrap();
    // The first message again: its prev_hash is genesis, no longer the tip.
    assert!(matches!(
        s.apply_value(&steps[0]["message"]),
        Err(SessionError::BrokenChain { .. })
    ));
    // Skipping accept_session: the offer chains to a message we never saw.
    assert!(matches!(
        s.apply_value(&steps[2]["message"]),
        Err(SessionError::BrokenChain { .. })
    ));
    // Into another session with the same parties: bound to its own id.
    let mut other = fx.session("ses_other", fx.clock(), true);
    assert!(matches!(
        other.apply_value(&steps[0]["message"]),
        Err(SessionError::SessionMismatch { .. })
    ));
    assert_eq!(s.transcript().len(), 1);
    assert!(other.transcript().is_empty());
}
