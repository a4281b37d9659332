//! The value detectors through the whole gate: nested values, keys, numbers, evasions,
//! actions per kind, and the pseudonymise → rehydrate round trip.
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers fail the test loudly"
)]

use proptest::prelude::*;
use sanctuary_gate::outcome::Target;
use sanctuary_gate::policy::{
    Action, Destination, DestinationPolicy, DetectorPolicy, FieldClass, GatePolicy,
};
use sanctuary_gate::{ConversationId, Kind};
use serde_json::{Value, json};

use crate::common::{gate_with, refusal_codes, remote, sanitized};

fn prompt_out(text: &str) -> String {
    let (gate, _) = remote();
    let s = sanitized(gate.filter(&Destination::Inference, &json!({ "prompt": text })));
    s.value["prompt"].as_str().unwrap().to_owned()
}

#[test]
fn field_names_alone_are_not_trusted() {
    // The reference system lets these through because `prompt` is an allowed name.
    let out = prompt_out(
        "Email jane.roe@example.com, card 4111 1111 1111 1111, home 221B Baker Street, \
         London NW1 6XE.",
    );
    assert!(!out.contains("jane.roe"), "{out}");
    assert!(!out.contains("4111"), "{out}");
    assert!(!out.contains("Baker Street"), "{out}");
    assert!(!out.contains("NW1 6XE"), "{out}");
    assert!(
        out.starts_with("Email [EMAIL_1], card [CARD_1], home "),
        "{out}"
    );
}

#[test]
fn nested_objects_arrays_keys_and_numbers_are_scanned() {
    let (gate, _) = remote();
    let input = json!({
        "prompt": {
            "messages": [
                {"text": "reach me at bob@example.net"},
                {"text": ["ok", {"deep": "IBAN DE89 3704 0044 0532 0130 00"}]}
            ],
            "bob@example.net": "a key holding an address",
            "card": 4111111111111111u64,
            "count": 3
        }
    });
    let s = sanitized(gate.filter(&Destination::Inference, &input));
    let text = s.value.to_string();
    assert!(!text.contains("bob@example.net"), "{text}");
    assert!(!text.contains("3704"), "{text}");
    assert!(!text.contains("4111111111111111"), "{text}");
    let p = &s.value["prompt"];
    assert_eq!(p["messages"][0]["text"], "reach me at [EMAIL_1]");
    assert_eq!(p["messages"][1]["text"][1]["deep"], "IBAN [IBAN_1]");
    // The same address in a key gets the same placeholder.
    assert_eq!(p["[EMAIL_1]"], "a key holding an address");
    assert_eq!(p["card"], "[CARD_1]");
    assert_eq!(p["count"], 3);
    let spans: Vec<(&str, Kind, bool)> = s
        .decisions
        .iter()
        .filter_map(|d| match d.target {
            Target::Span { kind, in_key, .. } => Some((d.path.as_str(), kind, in_key)),
            _ => None,
        })
        .collect();
    assert!(spans.contains(&("prompt", Kind::Email, true)), "{spans:?}");
    assert!(spans.contains(&("prompt.messages[1].text[1].deep", Kind::Iban, false)));
}

#[test]
fn evasions_are_caught() {
    for (input, hidden) in [
        // Full-width digits.
        (
            "pay with ４１１１ １１１１ １１１１ １１１１ please",
            "１１１１",
        ),
        // Zero-width characters inside an e-mail address.
        (
            "write to jo\u{200B}hn.doe@exa\u{200D}mple.com today",
            "mple.com",
        ),
        // A Cyrillic homoglyph in the domain.
        ("write to john@ex\u{0430}mple.com today", "mple.com"),
        // Digits split by dots or spaces.
        ("card 4111.1111.1111.1111 ok", "1111.1111"),
        ("call +44 20 7946 0958 now", "7946"),
        ("ssn 078 05 1121 and", "078 05"),
    ] {
        let out = prompt_out(input);
        assert!(!out.contains(hidden), "{input:?} → {out:?}");
        assert_ne!(out, input);
    }
}

#[test]
fn near_misses_pass_unchanged() {
    for input in [
        "Order 4111111111111112 shipped (16 digits, fails Luhn).",
        "Upgrade from 1.2.3 to v2.10.4-rc.1 before 10:30 on 2024-05-01.",
        "It costs $1,299.99 or €49,90 per month.",
        "ISBN 978-3-16-148410-0 and 0-306-40615-2 are both in the catalogue.",
        "Request id 3f2a9c1e-77b4-4d2a-9c51-0e6b2f1a8d40 failed.",
        "Commit 9fceb02d0ae598e95dc970b74767f19372d61af8 fixed it.",
        "Read the key with os.environ[\"API_KEY\"] and never hard-code API_KEY.",
        "Use std::collections::HashMap and listen on port 8080.",
    ] {
        assert_eq!(prompt_out(input), input);
    }
}

#[test]
fn detector_actions_per_kind() {
    let detectors = DetectorPolicy::reversible()
        .with(Kind::Email, Action::Hash)
        .with(Kind::PaymentCard, Action::Deny)
        .with(Kind::Phone, Action::Allow);
    let policy = GatePolicy::default().with(
        Destination::Analytics,
        DestinationPolicy::new(Action::Deny)
            .with_patterns(Action::Allow, FieldClass::Field, &["event"])
            .unwrap()
            .with_detectors(detectors),
    );
    let (gate, _) = gate_with(policy);
    let dest = Destination::Analytics;
    let s = sanitized(gate.filter(&dest, &json!({"event": "a@b.org called +1 415 555 2671"})));
    let out = s.value["event"].as_str().unwrap();
    assert!(out.starts_with("hmac-sha256:"), "{out}");
    assert!(out.ends_with(" called +1 415 555 2671"), "{out}");
    assert_eq!(
        refusal_codes(gate.filter(&dest, &json!({"event": "card 4111 1111 1111 1111"}))),
        ["denied_value"]
    );
}

#[test]
fn secrets_are_redacted_and_never_rehydrated() {
    let (gate, _) = remote();
    let s = sanitized(gate.filter(
        &Destination::Inference,
        &json!({"prompt": "token ghp_0123456789abcdefghijklmnopqrstuvwxyzAB and mail a@b.org"}),
    ));
    let out = s.value["prompt"].as_str().unwrap();
    assert_eq!(out, "token [API_KEY_1] and mail [EMAIL_1]");
    let back = gate.rehydrate(out).unwrap();
    assert_eq!(back.text, "token [API_KEY_1] and mail a@b.org");
    assert_eq!((back.restored, back.unknown), (1, 1));
}

fn reversible_gate() -> sanctuary_gate::ContextGate {
    let mut detectors = DetectorPolicy::reversible();
    for &k in Kind::ALL {
        detectors = detectors.with(k, Action::Pseudonymise);
    }
    gate_with(
        GatePolicy::default().with(
            Destination::PeerAgent,
            DestinationPolicy::new(Action::Deny)
                .with_patterns(Action::Allow, FieldClass::Field, &["text"])
                .unwrap()
                .with_detectors(detectors),
        ),
    )
    .0
}

/// Sensitive values of several kinds, each distinct.
fn sensitive() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{3,8}\\.[a-z]{2,8}@(example|mailbox)\\.(com|org|de)",
        Just("4111 1111 1111 1111".to_owned()),
        Just("+44 20 7946 0958".to_owned()),
        Just("DE89 3704 0044 0532 0130 00".to_owned()),
        Just("203.0.113.77".to_owned()),
        Just("ghp_0123456789abcdefghijklmnopqrstuvwxyzAB".to_owned()),
    ]
}

fn filler() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("please forward".to_owned()),
        Just("and then".to_owned()),
        Just("— thanks!".to_owned()),
        // Ordinary words, not random letters: detectors rightly read "v 203.0.113.77" as a
        // version, "ts 4111 1111 1111 1111" as a timestamp, "id …" as an identifier, so a random
        // word can make a value pass on purpose (proptest found "v" and "ts").
        proptest::collection::vec(
            proptest::sample::select(
                &[
                    "hello", "please", "forward", "kindly", "check", "with", "care", "thanks",
                    "see", "attached", "from", "our", "team", "today", "soon", "here", "is", "it",
                ][..]
            ),
            1..5,
        )
        .prop_map(|words| words.join(" ")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Pseudonymise then rehydrate gives the original text back, and no sensitive value
    /// survives in between.
    #[test]
    fn pseudonymise_then_rehydrate_round_trips(
        parts in proptest::collection::vec((filler(), sensitive()), 1..6),
        tail in filler(),
    ) {
        let gate = reversible_gate();
        let mut text = String::new();
        for (f, s) in &parts {
            text.push_str(f);
            text.push(' ');
            text.push_str(s);
            text.push(' ');
        }
        text.push_str(&tail);
        let conversation = ConversationId::random();
        let s = sanitized(gate.filter_in(
            &conversation,
            &Destination::PeerAgent,
            &json!({ "text": text }),
        ));
        let out = s.value["text"].as_str().unwrap();
        for (_, secret) in &parts {
            prop_assert!(!out.contains(secret.as_str()), "{secret} in {out}");
        }
        let back = gate.rehydrate_in(&conversation, out).unwrap();
        prop_assert_eq!(back.text, text);
        prop_assert_eq!(back.unknown, 0);
        // Another conversation cannot rehydrate it.
        let other = gate.rehydrate_in(&ConversationId::random(), out).unwrap();
        prop_assert_eq!(other.restored, 0);
        let _: Value = s.value;
    }
}
