//! Two agents check each other's sovereignty before they transact, in one process.
//!
//! 1. Alice runs all four layers (encrypted state, context gating in a TEE, proofs, and a
//!    track record of receipts); Bob runs on a laptop without a TEE, so his L2 admits a
//!    `NO_TEE` warning, and he has no track record yet. Each signs a Sovereignty Health Report.
//! 2. They handshake (challenge, response, completion); every message travels as JSON text and
//!    is parsed on the other side. Each learns the other's level and trust tier, both compute
//!    the same channel binding, and each sees what the other cannot guarantee.
//! 3. Alice issues a verification attestation about Bob; a third party who receives it as JSON
//!    re-checks it, including Bob's embedded report.
//! 4. A report whose L2 status was flipped to `active` in its JSON text is refused, and so is
//!    a challenge replayed to Bob.
//!
//! Run with `cargo run --example shr`. Every line it prints is stable (no keys, nonces or
//! times), and any unexpected result ends it with an error.

#![expect(clippy::print_stdout, reason = "an example narrates what happens")]

use std::error::Error;

use rand_core::OsRng;
use sanctuary::core::health::{
    Degradation, DegradationCode, Layer, LayerReport, LayerStatus, Severity,
};
use sanctuary::core::identity::{Identity, IdentityId};
use sanctuary::core::time::SystemClock;
use sanctuary::shr::{
    HandshakeError, HandshakeMessage, HandshakeOutcome, HandshakeParty, ReplayCache, ReportBuilder,
    ReportProblem, ShrHealth, SovereigntyLevel, TrustTier, VerificationAttestation, VerifyOptions,
    verify_report_json,
};
use serde_json::json;

/// Sends a handshake message as JSON text and parses it on the other side, as a transport would.
fn over_the_wire(message: HandshakeMessage) -> Result<HandshakeMessage, Box<dyn Error>> {
    let text = message.to_json();
    Ok(HandshakeMessage::from_json(&text)?)
}

/// Alice: every layer active, and 12 verifiable receipts behind her.
fn alice_posture() -> ReportBuilder {
    ReportBuilder::new()
        .implementation("example-agent", "1.0.0")
        .layer(
            LayerReport::new(Layer::L1, LayerStatus::Active)
                .with_capability("encryption", json!("aes-256-gcm"))
                .with_capability("key_custody", json!("self")),
        )
        .layer(
            LayerReport::new(Layer::L2, LayerStatus::Active)
                .with_capability("context_gating", json!(true))
                .with_capability("isolation", json!("tee")),
        )
        .layer(
            LayerReport::new(Layer::L3, LayerStatus::Active).with_capability(
                "proof_systems",
                json!(["pedersen-opening", "range-bit-decomposition"]),
            ),
        )
        .contributor(&ShrHealth::with_track_record(12))
}

/// Bob: a laptop without a trusted execution environment, and no receipts yet.
fn bob_posture() -> ReportBuilder {
    ReportBuilder::new()
        .implementation("example-agent", "1.0.0")
        .layer(
            LayerReport::new(Layer::L1, LayerStatus::Active)
                .with_capability("encryption", json!("aes-256-gcm"))
                .with_capability("key_custody", json!("os-keyring")),
        )
        .layer(
            LayerReport::new(Layer::L2, LayerStatus::Degraded)
                .with_capability("context_gating", json!(true))
                .with_capability("isolation", json!("process"))
                .with_degradation(Degradation {
                    code: DegradationCode::NO_TEE,
                    severity: Severity::Warning,
                    description: "no trusted execution environment".into(),
                    mitigation: "encrypted state and process isolation".into(),
                }),
        )
        .layer(
            LayerReport::new(Layer::L3, LayerStatus::Active)
                .with_capability("proof_systems", json!(["pedersen"])),
        )
        .contributor(&ShrHealth::default())
}

/// Prints what `viewer` learnt about `peer`, and checks it is what the postures say.
fn show(
    viewer: &str,
    peer: &str,
    outcome: &HandshakeOutcome,
    expected: TrustTier,
) -> Result<(), Box<dyn Error>> {
    println!(
        "{viewer} sees {peer}: level={} tier={}",
        outcome.level, outcome.tier
    );
    let degradations = &outcome.peer_report.body().degradations;
    if degradations.is_empty() {
        println!("{viewer} sees {peer}: no degradations");
    }
    for d in degradations {
        println!(
            "{viewer} sees {peer}: degradation {} {} ({}): {}",
            d.layer, d.degradation.code, d.degradation.severity, d.degradation.description
        );
    }
    if outcome.tier != expected {
        return Err(format!("{viewer} expected {peer} to be {expected}").into());
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let clock = SystemClock;
    let alice = Identity::generate(&mut OsRng);
    let bob = Identity::generate(&mut OsRng);
    let name = |id: IdentityId| {
        if id == alice.id() {
            "alice"
        } else if id == bob.id() {
            "bob"
        } else {
            "someone else"
        }
    };

    // 1. Each agent signs its report and keeps its own replay cache.
    let (alice_cache, bob_cache) = (ReplayCache::default(), ReplayCache::default());
    let a = HandshakeParty::new(
        &alice,
        alice_posture().sign(&alice, &clock)?,
        &alice_cache,
        &clock,
    )?;
    let b = HandshakeParty::new(&bob, bob_posture().sign(&bob, &clock)?, &bob_cache, &clock)?;

    // 2. The handshake, every message as JSON text.
    let (alice_waiting, challenge) = a.initiate(&mut OsRng)?;
    let challenge_text = HandshakeMessage::Challenge(Box::new(challenge)).to_json();
    let HandshakeMessage::Challenge(challenge) = HandshakeMessage::from_json(&challenge_text)?
    else {
        return Err("bob expected a challenge".into());
    };
    let (bob_waiting, response) = b.respond(&challenge, &mut OsRng)?;
    let HandshakeMessage::Response(response) =
        over_the_wire(HandshakeMessage::Response(Box::new(response)))?
    else {
        return Err("alice expected a response".into());
    };
    let (alice_sees_bob, completion) = alice_waiting.on_response(&a, &response)?;
    let HandshakeMessage::Completion(completion) =
        over_the_wire(HandshakeMessage::Completion(completion))?
    else {
        return Err("bob expected a completion".into());
    };
    let bob_sees_alice = bob_waiting.on_completion(&b, &completion)?;

    show("alice", "bob", &alice_sees_bob, TrustTier::VerifiedDegraded)?;
    show(
        "bob",
        "alice",
        &bob_sees_alice,
        TrustTier::VerifiedSovereign,
    )?;
    if alice_sees_bob.channel_binding != bob_sees_alice.channel_binding {
        return Err("channel binding: mismatch".into());
    }
    println!("channel binding: match");

    // 3. Alice's statement about Bob, checked by someone who trusts Alice's identity.
    let statement = VerificationAttestation::issue(&a, &alice_sees_bob)?.to_json();
    let seen = VerificationAttestation::from_json(&statement)?
        .verify(&VerifyOptions::now(&clock).expect_instance(alice.id()))?;
    if seen.subject != bob.id() || seen.level != SovereigntyLevel::Degraded {
        return Err("third party: the attestation says something else".into());
    }
    println!(
        "third party: attestation valid ({} {}, attested by {})",
        name(seen.subject),
        seen.level,
        name(seen.attester)
    );

    // 4a. Bob's report with its L2 status flipped to "active" in the JSON text. In canonical
    // JSON a layer's `capabilities` come before its `status`, so the first `"status"` after
    // `"l2"` is L2's.
    let honest = b.own_report().to_json();
    let l2 = honest.find("\"l2\":").ok_or("no l2 in bob's report")?;
    let (head, tail) = honest.split_at(l2);
    let tampered = format!(
        "{head}{}",
        tail.replacen("\"status\":\"degraded\"", "\"status\":\"active\"", 1)
    );
    if tampered == honest {
        return Err("the tampering changed nothing".into());
    }
    let checked = verify_report_json(&tampered, &VerifyOptions::now(&clock));
    if checked.errors != [ReportProblem::BadSignature] {
        return Err(format!("tampered report: unexpected result {:?}", checked.errors).into());
    }
    let reasons: Vec<String> = checked.errors.iter().map(ToString::to_string).collect();
    println!("tampered report: refused ({})", reasons.join("; "));

    // 4b. The same challenge text delivered to Bob a second time.
    let HandshakeMessage::Challenge(again) = HandshakeMessage::from_json(&challenge_text)? else {
        return Err("bob expected a challenge".into());
    };
    match b.respond(&again, &mut OsRng) {
        Err(e @ HandshakeError::Replay) => println!("replayed challenge: refused ({e})"),
        Err(e) => return Err(format!("replayed challenge: unexpected error {e}").into()),
        Ok(_) => return Err("replayed challenge: accepted".into()),
    }
    Ok(())
}
