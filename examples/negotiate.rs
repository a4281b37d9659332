//! Two agents negotiate a used camera over Concordia, end to end, in one process.
//!
//! 1. Alice (the buyer) opens a session; Bob (the seller) joins. Every message travels as JSON
//!    text between two separate session replicas, signed by its sender and verified by the
//!    receiver, each chained to the previous one by its hash.
//! 2. Alice offers 550 USD; Bob counters with a conditional offer (650 with the 50 mm lens, 600
//!    without); Alice accepts. Both replicas agree on the state and the chain head.
//! 3. Bob issues the receipt (an attestation); Alice checks it against her own transcript, adds
//!    her party signature and countersignature; Bob verifies the final receipt.
//! 4. Bob, after two more deals, builds a competence proof over his three receipts revealing
//!    only this one; a third party who knows nothing but the public keys verifies it.
//! 5. A tampered message and a replayed one are refused, and the replica is unchanged.
//!
//! Run with `cargo run --example negotiate`.

#![expect(clippy::print_stdout, reason = "an example narrates what happens")]

use std::collections::BTreeMap;
use std::error::Error;
use std::sync::Arc;

use sanctuary::concordia::attestation::{self, GenerateOptions, VerifyOptions};
use sanctuary::concordia::bundle::AttestationCheckError;
use sanctuary::concordia::competence::{CompetenceProof, verify_competence_proof};
use sanctuary::concordia::offer::{BasicOffer, Condition, ConditionalOffer, TermEntry, Terms};
use sanctuary::concordia::session::Session;
use sanctuary::concordia::types::{MessageType, PartyRole, SessionState};
use sanctuary::core::identity::{Identity, PublicKey};
use sanctuary::core::time::SystemClock;
use serde_json::{Map, Value, json};

const ALICE: &str = "did:example:alice";
const BOB: &str = "did:example:bob";

fn replica(id: &str, alice: &Identity, bob: &Identity) -> Result<Session, Box<dyn Error>> {
    let mut session = Session::builder(id).clock(Arc::new(SystemClock)).build();
    session.add_party(ALICE, PartyRole::Initiator, *alice.public())?;
    session.add_party(BOB, PartyRole::Responder, *bob.public())?;
    Ok(session)
}

fn terms(entries: &[(&str, Value)]) -> Terms {
    entries
        .iter()
        .map(|(k, v)| ((*k).to_owned(), TermEntry::new(v.clone())))
        .collect()
}

/// One message: written and signed by `from` on its replica, sent as JSON text, verified and
/// applied by the other replica.
fn exchange(
    from: (&str, &Identity),
    sender: &mut Session,
    receiver: &mut Session,
    kind: MessageType,
    body: Value,
) -> Result<String, Box<dyn Error>> {
    let builder = sender.builder_for(kind, from.0).body(body);
    let text = sender.send(builder, from.1)?.to_json();
    receiver.apply_json(&text)?;
    println!(
        "  {:<26} {:<18} -> state {}",
        kind.as_str(),
        from.0,
        receiver.state()
    );
    Ok(text)
}

/// A whole negotiation in session `id`; returns both replicas.
fn negotiate(
    id: &str,
    alice: &Identity,
    bob: &Identity,
    verbose: bool,
) -> Result<(Session, Session, String), Box<dyn Error>> {
    let mut at_alice = replica(id, alice, bob)?;
    let mut at_bob = replica(id, alice, bob)?;
    let open = json!({"terms": {
        "price": {"type": "numeric", "label": "Price", "unit": "USD"},
        "lens": {"type": "boolean", "label": "Includes the 50 mm lens"},
        "condition": {"type": "categorical", "label": "Condition"}
    }});
    let offer = BasicOffer::new(terms(&[
        ("price", json!(550)),
        ("lens", json!(true)),
        ("condition", json!("good")),
    ]))?;
    let mut with_lens = Map::new();
    with_lens.insert("lens".into(), json!(true));
    let mut without_lens = Map::new();
    without_lens.insert("lens".into(), json!(false));
    let counter = ConditionalOffer::new(vec![
        Condition::new(
            with_lens,
            terms(&[("price", json!(650)), ("condition", json!("good"))]),
        ),
        Condition::new(
            without_lens,
            terms(&[("price", json!(600)), ("condition", json!("good"))]),
        ),
    ])?;
    let a = (ALICE, alice);
    let b = (BOB, bob);
    let steps = [
        (a, MessageType::Open, open),
        (b, MessageType::AcceptSession, json!({})),
        (a, MessageType::Offer, Value::Object(offer.to_body())),
        (b, MessageType::Counter, Value::Object(counter.to_body())),
        (
            a,
            MessageType::Accept,
            json!({"offer_id": counter.offer_id}),
        ),
    ];
    let mut last = String::new();
    for (from, kind, body) in steps {
        let (sender, receiver) = if from.0 == ALICE {
            (&mut at_alice, &mut at_bob)
        } else {
            (&mut at_bob, &mut at_alice)
        };
        if verbose {
            last = exchange(from, sender, receiver, kind, body)?;
        } else {
            let builder = sender.builder_for(kind, from.0).body(body);
            last = sender.send(builder, from.1)?.to_json();
            receiver.apply_json(&last)?;
        }
    }
    Ok((at_alice, at_bob, last))
}

fn main() -> Result<(), Box<dyn Error>> {
    let rng = &mut rand_core::OsRng;
    let alice = Identity::generate(rng);
    let bob = Identity::generate(rng);
    let keys: BTreeMap<String, PublicKey> = [
        (ALICE.to_owned(), *alice.public()),
        (BOB.to_owned(), *bob.public()),
    ]
    .into();

    println!("1-2. negotiation (each message signed, sent as JSON, verified, chained):");
    let (mut at_alice, at_bob, last_text) = negotiate("ses_camera_1", &alice, &bob, true)?;
    assert_eq!(at_alice.state(), SessionState::Agreed);
    assert_eq!(at_alice.prev_hash(), at_bob.prev_hash());
    println!(
        "  both replicas: {} after {} rounds, chain head {}",
        at_bob.state(),
        at_bob.round_count(),
        at_bob.prev_hash()
    );

    println!("3. the receipt:");
    let options = GenerateOptions {
        category: Some("electronics.cameras".into()),
        value_range: Some("500-1000_USD".into()),
        ..GenerateOptions::default()
    };
    let mut receipt = at_bob.attest(&[(BOB, &bob)], &options)?;
    // Alice checks Bob's receipt against her own transcript before signing it (chain head and
    // message count), signs her party entry and countersigns, then verifies the whole: schema,
    // both party signatures, both countersignatures, the binding, no raw terms, no reasoning.
    let clock = SystemClock;
    let binding = attestation::evaluate_set_binding(&receipt, Some(at_alice.transcript()))?;
    println!("  Bob's receipt matches Alice's transcript: {binding:?}");
    attestation::sign_as_party(&mut receipt, ALICE, &alice)?;
    let check = VerifyOptions::new(&keys, &clock).transcript(at_alice.transcript());
    let verified = attestation::verify(&receipt, &check)?;
    println!(
        "  receipt {} signed and countersigned by {:?}",
        verified.attestation_id, verified.verified_parties
    );
    for line in attestation::receipt_summary(&receipt).lines() {
        println!("    {line}");
    }

    println!("4. a competence proof revealing one of three receipts:");
    let mut receipts = vec![receipt.clone()];
    for n in 2..=3 {
        let (_, at_bob_n, _) = negotiate(&format!("ses_camera_{n}"), &alice, &bob, false)?;
        let mut r = at_bob_n.attest(&[(BOB, &bob)], &options)?;
        attestation::sign_as_party(&mut r, ALICE, &alice)?;
        receipts.push(r);
    }
    let revealed = verified.attestation_id.as_str();
    let proof = CompetenceProof::create(BOB, &receipts, &[revealed], &bob, &clock)?;
    let wire = proof.to_value().to_string();
    // The third party: parses the proof, resolves keys, checks each revealed receipt fully.
    let received = CompetenceProof::parse(&wire)?;
    let resolve = |agent: &str| keys.get(agent).copied();
    let receipt_check = |a: &Value| {
        attestation::verify(a, &VerifyOptions::new(&keys, &clock))
            .map(|_| ())
            .map_err(AttestationCheckError::new)
    };
    let report = verify_competence_proof(&received, &resolve, &receipt_check)?;
    println!(
        "  proof {}: {} receipts committed, {} revealed and proven members; aggregate {:?}",
        received.proof_id(),
        report.committed,
        report.revealed,
        report.aggregate
    );

    println!("5. refusals:");
    let tampered = last_text.replacen("\"offer_id\"", "\"offer_id_\"", 1);
    let before = at_alice.prev_hash().to_owned();
    match at_alice.apply_json(&tampered) {
        Err(e) => println!("  tampered message refused: {e}"),
        Ok(_) => return Err("a tampered message was accepted".into()),
    }
    match at_alice.apply_json(&last_text) {
        Err(e) => println!("  replayed message refused: {e}"),
        Ok(_) => return Err("a replayed message was accepted".into()),
    }
    assert_eq!(at_alice.prev_hash(), before);
    println!("  replica unchanged");
    Ok(())
}
