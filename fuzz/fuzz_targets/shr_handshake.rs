//! Hostile handshake messages at every state of a scripted handshake between two fixed
//! parties, and hostile verification attestations. Nothing panics, and nothing is accepted
//! that is not the legitimate message:
//!
//! - a challenge goes to a fresh responder (`respond`). A challenge is not signed (the
//!   initiator proves liveness at completion), so the responder may accept one whose nonce or
//!   `issued_at` differ; it must still carry the initiator's own report and identity, and the
//!   response it yields must then be refused by the initiator unless the nonce is the
//!   initiator's.
//! - a response goes to the initiator (`AwaitingResponse::on_response`), a completion to the
//!   responder (`AwaitingCompletion::on_completion`). Accepted means equal to the legitimate
//!   message but for `issued_at` (which the transcript signatures do not cover), and the
//!   outcome is exactly the legitimate one.
//! - an attestation verifies only if it is, canonically, the one the attester issued.
//!
//! Input layout: the first byte chooses the mode (its value modulo 8):
//! - 0: the rest is a handshake message as JSON text;
//! - 1, 2, 3: the legitimate challenge, response or completion with one member (the second
//!   byte picks which, at any depth) replaced by the rest, as JSON if it parses, else as a
//!   string;
//! - 4, 5, 6: the same message as text with the byte at a position (bytes 2 and 3) replaced
//!   by byte 4;
//! - 7: an attestation: the rest as text when the second byte is even, else the legitimate
//!   attestation with one member replaced as in modes 1 to 3.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use sanctuary_core::health::{Layer, LayerReport, LayerStatus};
use sanctuary_core::identity::{Identity, SecretSeed};
use sanctuary_core::time::{ManualClock, Timestamp};
use sanctuary_shr::{
    AwaitingCompletion, AwaitingResponse, Challenge, Completion, HandshakeMessage,
    HandshakeOutcome, HandshakeParty, ReplayCache, ReportBuilder, Response, ShrHealth,
    SignedReport, VerificationAttestation, VerifyOptions,
};
use serde_json::{Value, json};
use std::sync::OnceLock;

const T0: i64 = 1_800_000_000;

struct Fixture {
    alice: Identity,
    bob: Identity,
    alice_report: SignedReport,
    bob_report: SignedReport,
    clock: ManualClock,
    challenge: Challenge,
    response: Response,
    completion: Completion,
    alice_outcome: HandshakeOutcome,
    bob_outcome: HandshakeOutcome,
    /// The legitimate messages as JSON values and text, indexed challenge, response, completion.
    values: [Value; 3],
    texts: [String; 3],
    attestation: VerificationAttestation,
    attestation_value: Value,
    attestation_options: VerifyOptions,
}

/// The initiator's and the responder's nonce generators: the same seeds give the same nonces,
/// so each run replays the legitimate handshake exactly.
fn rngs() -> (ChaCha20Rng, ChaCha20Rng) {
    (
        ChaCha20Rng::from_seed([0xa1; 32]),
        ChaCha20Rng::from_seed([0xb0; 32]),
    )
}

fn posture(l2: LayerStatus, receipts: u64) -> ReportBuilder {
    ReportBuilder::new()
        .layer(
            LayerReport::new(Layer::L1, LayerStatus::Active)
                .with_capability("encryption", json!("aes-256-gcm")),
        )
        .layer(LayerReport::new(Layer::L2, l2))
        .layer(LayerReport::new(Layer::L3, LayerStatus::Active))
        .contributor(&ShrHealth::with_track_record(receipts))
}

fn party<'a>(
    who: &'a Identity,
    report: &SignedReport,
    cache: &'a ReplayCache,
    clock: &'a ManualClock,
) -> HandshakeParty<'a, Identity> {
    HandshakeParty::new(who, report.clone(), cache, clock).expect("party")
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let alice = Identity::from_seed(&SecretSeed::from_bytes([1; 32]));
        let bob = Identity::from_seed(&SecretSeed::from_bytes([2; 32]));
        let clock = ManualClock::new(Timestamp::from_unix_seconds(T0).expect("time"));
        let alice_report = posture(LayerStatus::Active, 7)
            .sign(&alice, &clock)
            .expect("alice");
        let bob_report = posture(LayerStatus::Degraded, 0)
            .sign(&bob, &clock)
            .expect("bob");
        let (ca, cb) = (ReplayCache::default(), ReplayCache::default());
        let a = party(&alice, &alice_report, &ca, &clock);
        let b = party(&bob, &bob_report, &cb, &clock);
        let (mut ra, mut rb) = rngs();
        let (waiting, challenge) = a.initiate(&mut ra).expect("initiate");
        let (b_waiting, response) = b.respond(&challenge, &mut rb).expect("respond");
        let (alice_outcome, completion) = waiting.on_response(&a, &response).expect("on_response");
        let bob_outcome = b_waiting
            .on_completion(&b, &completion)
            .expect("on_completion");
        let attestation = VerificationAttestation::issue(&a, &alice_outcome).expect("attestation");
        let messages = [
            HandshakeMessage::Challenge(Box::new(challenge.clone())),
            HandshakeMessage::Response(Box::new(response.clone())),
            HandshakeMessage::Completion(completion.clone()),
        ];
        let texts = messages.each_ref().map(HandshakeMessage::to_json);
        let values = texts
            .clone()
            .map(|t| serde_json::from_str(&t).expect("message value"));
        for (text, message) in texts.iter().zip(&messages) {
            assert_eq!(
                &HandshakeMessage::from_json(text).expect("round trip"),
                message
            );
        }
        let attestation_options =
            VerifyOptions::at(Timestamp::from_unix_seconds(T0 + 60).expect("time"));
        attestation
            .verify(&attestation_options)
            .expect("attestation verifies");
        let attestation_value = attestation.to_value();
        Fixture {
            alice,
            bob,
            alice_report,
            bob_report,
            clock,
            challenge,
            response,
            completion,
            alice_outcome,
            bob_outcome,
            values,
            texts,
            attestation,
            attestation_value,
            attestation_options,
        }
    })
}

/// A fresh initiator that has sent the legitimate challenge, and fresh caches.
fn with_initiator<R>(f: impl FnOnce(&HandshakeParty<'_, Identity>, AwaitingResponse) -> R) -> R {
    let fx = fixture();
    let cache = ReplayCache::default();
    let a = party(&fx.alice, &fx.alice_report, &cache, &fx.clock);
    let (waiting, challenge) = a.initiate(&mut rngs().0).expect("initiate");
    assert_eq!(challenge, fx.challenge, "the script is deterministic");
    f(&a, waiting)
}

/// A fresh responder that has answered the legitimate challenge.
fn with_responder<R>(f: impl FnOnce(&HandshakeParty<'_, Identity>, AwaitingCompletion) -> R) -> R {
    let fx = fixture();
    let cache = ReplayCache::default();
    let b = party(&fx.bob, &fx.bob_report, &cache, &fx.clock);
    let (waiting, response) = b.respond(&fx.challenge, &mut rngs().1).expect("respond");
    assert_eq!(response, fx.response, "the script is deterministic");
    f(&b, waiting)
}

fn feed_challenge(challenge: &Challenge) {
    let fx = fixture();
    let cache = ReplayCache::default();
    let b = party(&fx.bob, &fx.bob_report, &cache, &fx.clock);
    let Ok((b_waiting, response)) = b.respond(challenge, &mut rngs().1) else {
        return;
    };
    // Only the nonce and the time are outside the initiator's later signature.
    let mut same = challenge.clone();
    same.nonce = fx.challenge.nonce;
    same.issued_at = fx.challenge.issued_at;
    assert_eq!(
        same, fx.challenge,
        "a challenge with another report or identity was answered"
    );
    // The initiator that sent the legitimate challenge accepts the answer only if it answers
    // its own nonce.
    let accepted = with_initiator(|a, waiting| waiting.on_response(a, &response));
    match accepted {
        Ok((outcome, completion)) => {
            assert_eq!(
                challenge.nonce, fx.challenge.nonce,
                "an answer to another nonce was accepted"
            );
            assert_eq!(outcome, fx.alice_outcome);
            assert_eq!(completion, fx.completion);
            assert_eq!(
                b_waiting
                    .on_completion(&b, &completion)
                    .expect("completion"),
                fx.bob_outcome
            );
        }
        Err(_) => assert_ne!(
            challenge.nonce, fx.challenge.nonce,
            "the legitimate answer was refused"
        ),
    }
}

fn feed_response(response: &Response) {
    let fx = fixture();
    let Ok((outcome, completion)) = with_initiator(|a, waiting| waiting.on_response(a, response))
    else {
        return;
    };
    let mut same = response.clone();
    same.issued_at = fx.response.issued_at;
    assert_eq!(
        &same, &fx.response,
        "a response other than the legitimate one was accepted"
    );
    assert_eq!(outcome, fx.alice_outcome);
    assert_eq!(completion, fx.completion);
}

fn feed_completion(completion: &Completion) {
    let fx = fixture();
    let Ok(outcome) = with_responder(|b, waiting| waiting.on_completion(b, completion)) else {
        return;
    };
    let mut same = completion.clone();
    same.issued_at = fx.completion.issued_at;
    assert_eq!(
        &same, &fx.completion,
        "a completion other than the legitimate one was accepted"
    );
    assert_eq!(outcome, fx.bob_outcome);
}

fn feed_message(text: &str) {
    let Ok(message) = HandshakeMessage::from_json(text) else {
        return;
    };
    // A parsed message writes canonical text that parses back to itself, unless its report has
    // no canonical form (an integer above 2^53, which `jcs::parse` accepts): then the text is
    // empty, and the report can never verify, so the message is refused below.
    let canonical = message.to_json();
    if !canonical.is_empty() {
        let again = HandshakeMessage::from_json(&canonical).expect("canonical message parses");
        assert_eq!(again, message);
    }
    match &message {
        HandshakeMessage::Challenge(c) => feed_challenge(c),
        HandshakeMessage::Response(r) => feed_response(r),
        HandshakeMessage::Completion(c) => feed_completion(c),
    }
}

fn feed_attestation(text: &str) {
    let fx = fixture();
    let Ok(attestation) = VerificationAttestation::from_json(text) else {
        return;
    };
    if let Ok(seen) = attestation.verify(&fx.attestation_options) {
        assert_eq!(
            attestation.to_json(),
            fx.attestation.to_json(),
            "another attestation verified"
        );
        assert_eq!(seen.attester, fx.alice.id());
        assert_eq!(seen.subject, fx.bob.id());
    }
}

fn collect_paths(value: &Value, at: String, out: &mut Vec<String>) {
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| (k.replace('~', "~0").replace('/', "~1"), v))
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => Vec::new(),
    };
    for (name, child) in children {
        let path = format!("{at}/{name}");
        out.push(path.clone());
        collect_paths(child, path, out);
    }
}

/// `template` with the member picked by `which` replaced by `payload` (JSON, else a string).
fn splice(template: &Value, which: u8, payload: &[u8]) -> Option<String> {
    let mut paths = Vec::new();
    collect_paths(template, String::new(), &mut paths);
    let path = paths.get(usize::from(which) % paths.len().max(1))?;
    let mut value = template.clone();
    let slot = value.pointer_mut(path)?;
    let payload = String::from_utf8_lossy(payload);
    *slot = sanctuary_core::jcs::parse(&payload)
        .unwrap_or_else(|_| Value::String(payload.into_owned()));
    serde_json::to_string(&value).ok()
}

fuzz_target!(|data: &[u8]| {
    let fx = fixture();
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 8 {
        0 => {
            if let Ok(text) = std::str::from_utf8(rest) {
                feed_message(text);
            }
        }
        m @ 1..=3 => {
            let Some((&which, payload)) = rest.split_first() else {
                return;
            };
            if let Some(text) = fx
                .values
                .get(usize::from(m - 1))
                .and_then(|v| splice(v, which, payload))
            {
                feed_message(&text);
            }
        }
        m @ 4..=6 => {
            let Some(&[hi, lo, byte]) = rest.first_chunk::<3>() else {
                return;
            };
            let Some(text) = fx.texts.get(usize::from(m - 4)) else {
                return;
            };
            let mut bytes = text.clone().into_bytes();
            let at = usize::from(u16::from_be_bytes([hi, lo])) % bytes.len();
            if let Some(b) = bytes.get_mut(at) {
                *b = byte;
            }
            if let Ok(mutated) = String::from_utf8(bytes) {
                feed_message(&mutated);
            }
        }
        _ => {
            let Some((&which, payload)) = rest.split_first() else {
                return;
            };
            if which % 2 == 0 {
                if let Ok(text) = std::str::from_utf8(payload) {
                    feed_attestation(text);
                }
            } else if let Some(text) = splice(&fx.attestation_value, which / 2, payload) {
                feed_attestation(&text);
            }
        }
    }
});
