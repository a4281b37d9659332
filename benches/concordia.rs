//! Criterion benches of the `concordia` crate, and the comparison with the Python reference.
//!
//! Names: `concordia/<part>`.
//! - `message/sign_serialise`: build an offer, sign it (JCS + Ed25519), write it as JSON text.
//! - `message/verify_apply`: parse a received offer and apply it to a replica (strict parse,
//!   sender lookup, signature, session binding, chain link, transition, rounds, behaviour).
//! - `negotiation/10_rounds`: the Python script's exchange (`benches/python/`), in process: two
//!   agents, each with its own session replica, 22 messages (open, accept_session, 19 offers and
//!   counters, accept); the sender signs each message once and admits it to its replica, the
//!   receiver parses the JSON text and applies it (verifying the signature).
//!
//! - `competence/create/1000_reveal_10` and `competence/verify/1000_reveal_10`: a competence
//!   proof over 1,000 attestations revealing 10 (Merkle tree, claims, signature), and its
//!   verification by a third party (parse, structure, Merkle inclusion of each reveal, every
//!   revealed attestation verified in full, signature).
//!
//! Before criterion, the negotiation and its Ed25519 floor are timed (median of 200 runs); after
//! it, the same negotiation is timed by the Python package (when a Python with
//! `concordia-protocol` is found: `CONCORDIA_PYTHON`, else `python3`) and the ratio printed.

#![expect(
    clippy::expect_used,
    reason = "a bench with a broken fixture should stop loudly"
)]
#![expect(
    clippy::print_stdout,
    reason = "the bench reports the Python comparison"
)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use std::collections::BTreeMap;

use concordia::attestation::{self, GenerateOptions, VerifyOptions};
use concordia::bundle::AttestationCheckError;
use concordia::competence::{CompetenceProof, verify_competence_proof};
use concordia::message::Message;
use concordia::session::Session;
use concordia::types::{MessageType, PartyRole, SessionState, TimingConfig};
use criterion::{BatchSize, Criterion, criterion_group};
use sanctuary::core::identity::{Identity, PublicKey, SecretSeed};
use sanctuary::core::time::SystemClock;
use serde_json::{Value, json};

const BUYER: &str = "agent_buyer";
const SELLER: &str = "agent_seller";
const SESSION: &str = "ses_bench01";

fn identity(byte: u8) -> Identity {
    Identity::from_seed(&SecretSeed::from_bytes([byte; 32]))
}

/// A replica with both parties registered.
fn replica(buyer: &Identity, seller: &Identity) -> Session {
    let mut session = Session::builder(SESSION)
        .timing(TimingConfig::default())
        .clock(Arc::new(SystemClock))
        .build();
    session
        .add_party(BUYER, PartyRole::Initiator, *buyer.public())
        .expect("buyer");
    session
        .add_party(SELLER, PartyRole::Responder, *seller.public())
        .expect("seller");
    session
}

fn open_body() -> Value {
    json!({"terms": {
        "price": {"type": "numeric", "label": "Unit price", "unit": "USD"},
        "quantity": {"type": "numeric", "label": "Quantity", "unit": "units"},
        "delivery": {"type": "temporal", "label": "Delivery date"}
    }})
}

/// The offer of round `round` by the buyer (`buyer == true`) or the seller.
fn offer_body(round: u32, buyer: bool) -> Value {
    let r = f64::from(round);
    let price = if buyer {
        80.0 + 1.5 * r
    } else {
        120.0 - 1.5 * r
    };
    json!({
        "offer_id": format!("off_{}{round:02}", if buyer { "b" } else { "s" }),
        "terms": {
            "price": {"value": price},
            "quantity": {"value": 100},
            "delivery": {"value": "2026-12-15"}
        },
        "complete": true
    })
}

/// The 22 messages of the exchange, as (kind, sender is buyer, body).
fn script() -> Vec<(MessageType, bool, Value)> {
    let mut steps = vec![
        (MessageType::Open, true, open_body()),
        (MessageType::AcceptSession, false, json!({})),
    ];
    for round in 1..=10u32 {
        let kind = if round == 1 {
            MessageType::Offer
        } else {
            MessageType::Counter
        };
        steps.push((kind, true, offer_body(round, true)));
        if round == 10 {
            steps.push((MessageType::Accept, false, json!({"offer_id": "off_b10"})));
        } else {
            steps.push((MessageType::Counter, false, offer_body(round, false)));
        }
    }
    steps
}

/// Runs the whole exchange once; returns the final states. With `capture`, records each
/// message's signing preimage and whether the buyer sent it.
fn negotiate_capturing(
    buyer: &Identity,
    seller: &Identity,
    steps: &[(MessageType, bool, Value)],
    mut capture: Option<&mut Vec<(bool, Vec<u8>)>>,
) -> (SessionState, SessionState) {
    let mut at_buyer = replica(buyer, seller);
    let mut at_seller = replica(buyer, seller);
    for (kind, from_buyer, body) in steps {
        let (sender, receiver, key, from) = if *from_buyer {
            (&mut at_buyer, &mut at_seller, buyer, BUYER)
        } else {
            (&mut at_seller, &mut at_buyer, seller, SELLER)
        };
        let builder = sender.builder_for(*kind, from).body(body.clone());
        let sent = sender.send(builder, key).expect("send");
        if let Some(capture) = capture.as_deref_mut() {
            capture.push((*from_buyer, sent.signing_preimage().expect("preimage")));
        }
        let text = sent.to_json();
        receiver.apply_json(&text).expect("receive");
    }
    (at_buyer.state(), at_seller.state())
}

/// Runs the whole exchange once; returns the final states.
fn negotiate(
    buyer: &Identity,
    seller: &Identity,
    steps: &[(MessageType, bool, Value)],
) -> (SessionState, SessionState) {
    negotiate_capturing(buyer, seller, steps, None)
}

fn bench_messages(c: &mut Criterion) {
    let buyer = identity(1);
    let seller = identity(2);
    let steps = script();
    // The open and accept_session, signed once; each verify_apply sample starts from a fresh
    // replica holding them.
    let mut writer = replica(&buyer, &seller);
    let mut setup = Vec::new();
    for (kind, from_buyer, body) in steps.iter().take(2) {
        let (key, from) = if *from_buyer {
            (&buyer, BUYER)
        } else {
            (&seller, SELLER)
        };
        let builder = writer.builder_for(*kind, from).body(body.clone());
        setup.push(writer.send(builder, key).expect("send").clone());
    }
    let offer_builder = writer
        .builder_for(MessageType::Offer, BUYER)
        .body(offer_body(1, true));
    let offer_text = offer_builder.clone().sign(&buyer).expect("sign").to_json();
    let fresh = || {
        let mut session = replica(&buyer, &seller);
        for message in &setup {
            session.apply(message.clone()).expect("setup");
        }
        session
    };

    // The floor: Ed25519 alone over the offer's signing preimage (the same bytes as above).
    let preimage = offer_builder
        .clone()
        .sign(&buyer)
        .expect("sign")
        .signing_preimage()
        .expect("preimage");
    let signature = buyer.sign_bytes(&preimage);
    let mut group = c.benchmark_group("concordia/ed25519");
    group.bench_function("sign", |b| {
        b.iter(|| black_box(buyer.sign_bytes(black_box(&preimage))))
    });
    group.bench_function("verify_strict", |b| {
        b.iter(|| {
            buyer
                .public()
                .verify(black_box(&preimage), black_box(&signature))
                .expect("verifies")
        });
    });
    group.finish();

    let mut group = c.benchmark_group("concordia/message");
    group.bench_function("sign_serialise", |b| {
        b.iter(|| {
            let message: Message = offer_builder.clone().sign(&buyer).expect("sign");
            black_box(message.to_json())
        });
    });
    group.bench_function("verify_apply", |b| {
        b.iter_batched(
            fresh,
            |mut session| {
                session.apply_json(black_box(&offer_text)).expect("apply");
                session
            },
            BatchSize::SmallInput,
        );
    });
    group.finish();

    let mut group = c.benchmark_group("concordia/negotiation");
    group.bench_function("10_rounds", |b| {
        b.iter(|| black_box(negotiate(&buyer, &seller, &steps)));
    });
    group.finish();
}

/// `n` concluded, both-party-signed attestations between the two agents (short sessions).
fn attestations(buyer: &Identity, seller: &Identity, n: usize) -> Vec<Value> {
    let steps = script();
    let short = [
        steps.first().expect("open").clone(),
        steps.get(1).expect("accept_session").clone(),
        steps.get(2).expect("offer").clone(),
        (MessageType::Accept, false, json!({"offer_id": "off_b01"})),
    ];
    (0..n)
        .map(|i| {
            let mut at_buyer = Session::builder(format!("ses_{i:05}"))
                .clock(Arc::new(SystemClock))
                .build();
            let mut at_seller = Session::builder(format!("ses_{i:05}"))
                .clock(Arc::new(SystemClock))
                .build();
            for s in [&mut at_buyer, &mut at_seller] {
                s.add_party(BUYER, PartyRole::Initiator, *buyer.public())
                    .expect("buyer");
                s.add_party(SELLER, PartyRole::Responder, *seller.public())
                    .expect("seller");
            }
            for (kind, from_buyer, body) in &short {
                let (sender, receiver, key, from) = if *from_buyer {
                    (&mut at_buyer, &mut at_seller, buyer, BUYER)
                } else {
                    (&mut at_seller, &mut at_buyer, seller, SELLER)
                };
                let builder = sender.builder_for(*kind, from).body(body.clone());
                let text = sender.send(builder, key).expect("send").to_json();
                receiver.apply_json(&text).expect("receive");
            }
            let mut receipt = at_seller
                .attest(&[(SELLER, seller)], &GenerateOptions::default())
                .expect("attest");
            attestation::sign_as_party(&mut receipt, BUYER, buyer).expect("countersign");
            receipt
        })
        .collect()
}

fn bench_competence(c: &mut Criterion) {
    let buyer = identity(1);
    let seller = identity(2);
    let receipts = attestations(&buyer, &seller, 1000);
    let ids: Vec<String> = receipts
        .iter()
        .step_by(100)
        .filter_map(|r| {
            r.get("attestation_id")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect();
    let reveal: Vec<&str> = ids.iter().map(String::as_str).collect();
    assert_eq!(reveal.len(), 10);
    let clock = SystemClock;
    let keys: BTreeMap<String, PublicKey> = [
        (BUYER.to_owned(), *buyer.public()),
        (SELLER.to_owned(), *seller.public()),
    ]
    .into();
    let resolve = |agent: &str| keys.get(agent).copied();
    let check = |a: &Value| {
        attestation::verify(a, &VerifyOptions::new(&keys, &clock))
            .map(|_| ())
            .map_err(AttestationCheckError::new)
    };
    let proof =
        CompetenceProof::create(SELLER, &receipts, &reveal, &seller, &clock).expect("proof");
    let text = proof.to_value().to_string();

    let mut group = c.benchmark_group("concordia/competence");
    group.bench_function("create/1000_reveal_10", |b| {
        b.iter(|| {
            black_box(
                CompetenceProof::create(SELLER, &receipts, &reveal, &seller, &clock)
                    .expect("proof"),
            )
        });
    });
    group.bench_function("verify/1000_reveal_10", |b| {
        b.iter(|| {
            let received = CompetenceProof::parse(black_box(&text)).expect("parse");
            black_box(verify_competence_proof(&received, &resolve, &check).expect("verifies"))
        });
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).measurement_time(Duration::from_secs(4));
    targets = bench_messages, bench_competence
}

/// Times the negotiation in process (median of `n` runs, in milliseconds).
fn rust_negotiation_ms(n: usize) -> f64 {
    let buyer = identity(1);
    let seller = identity(2);
    let steps = script();
    for _ in 0..20 {
        black_box(negotiate(&buyer, &seller, &steps));
    }
    let mut times: Vec<f64> = (0..n)
        .map(|_| {
            let start = Instant::now();
            let states = negotiate(&buyer, &seller, &steps);
            let elapsed = start.elapsed().as_secs_f64() * 1e3;
            assert_eq!(states, (SessionState::Agreed, SessionState::Agreed));
            elapsed
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times.get(n / 2).copied().unwrap_or(f64::NAN)
}

/// The Ed25519 floor of the negotiation: one signature and one strict verification over each
/// of its 22 signing preimages, nothing else (median of `n` runs, in milliseconds).
fn rust_floor_ms(n: usize) -> f64 {
    let buyer = identity(1);
    let seller = identity(2);
    let mut preimages = Vec::new();
    negotiate_capturing(&buyer, &seller, &script(), Some(&mut preimages));
    let once = || {
        for (from_buyer, preimage) in &preimages {
            let key = if *from_buyer { &buyer } else { &seller };
            let signature = key.sign_bytes(black_box(preimage));
            key.public()
                .verify(black_box(preimage), &signature)
                .expect("verifies");
        }
    };
    for _ in 0..20 {
        once();
    }
    let mut times: Vec<f64> = (0..n)
        .map(|_| {
            let start = Instant::now();
            once();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times.get(n / 2).copied().unwrap_or(f64::NAN)
}

/// Runs the Python script and reads its median, if a Python with the package is available.
fn python_negotiation_ms() -> Option<(f64, String)> {
    let python = std::env::var("CONCORDIA_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/benches/python/concordia_negotiation.py"
    );
    let out = std::process::Command::new(&python)
        .args([script, "--iterations", "200"])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let line = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let report: Value = serde_json::from_str(&line).ok()?;
    Some((report.get("median_ms")?.as_f64()?, line))
}

fn main() {
    // The comparison's own timings run first, in a fresh process (after the competence
    // benches' large allocations they read a few per cent slower).
    let rust = rust_negotiation_ms(200);
    let floor = rust_floor_ms(200);
    benches();
    Criterion::default().configure_from_args().final_summary();
    println!("concordia/negotiation/10_rounds (Rust, median of 200): {rust:.3} ms");
    println!(
        "rust ed25519 floor of the 22 messages (sign + strict verify each, median of 200): \
         {floor:.3} ms; the negotiation runs at {:.2}x the floor",
        rust / floor
    );
    match python_negotiation_ms() {
        Some((python, line)) => {
            println!("python concordia-protocol: {line}");
            println!(
                "ratio Python / Rust for the 22-message negotiation: {:.1}x \
                 (ceiling with this floor: {:.1}x; reached {:.0}% of it)",
                python / rust,
                python / floor,
                100.0 * floor / rust
            );
        }
        None => println!(
            "python comparison skipped: no Python with concordia-protocol 0.10.0 \
             (set CONCORDIA_PYTHON)"
        ),
    }
}
