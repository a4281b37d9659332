//! Criterion benches of the `sanctuary-shr` crate, on realistic reports: four layers with a few
//! capabilities each, one or two degradations (no TEE in L2; no track record yet in L4) and one
//! model provenance declaration, about 1,900 bytes of canonical JSON.
//!
//! Names: `shr/<operation>`.
//! - `generate_and_sign`: merge the layer reports and sign the report (`ReportBuilder::sign`).
//! - `verify`: a received report, from JSON text: parse, then every check (`SignedReport::verify`).
//! - `verify_parsed`: the same checks on a report already parsed.
//! - `handshake_full`: a complete handshake between two long-lived parties (initiate, respond,
//!   on_response, on_completion), messages handed over as typed values: two report
//!   verifications, two transcript signatures and their verifications.
//! - `handshake_full_json`: the same, every message written with `to_json` and read back with
//!   `HandshakeMessage::from_json`, as over a transport.
//! - `attestation_verify`: a third party reads an attestation from JSON text and verifies it
//!   (the attester's signature and the embedded subject report).
//!
//! Targets from the issue: generate and sign ≤ 60 µs, verify ≤ 70 µs, full handshake ≤ 300 µs.

#![expect(
    clippy::expect_used,
    reason = "a bench with a broken fixture should stop loudly"
)]
#![expect(
    clippy::print_stdout,
    reason = "the bench prints the size of its report"
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use rand_core::OsRng;
use sanctuary::core::health::{
    Degradation, DegradationCode, Layer, LayerReport, LayerStatus, Severity,
};
use sanctuary::core::identity::{Identity, SecretSeed};
use sanctuary::core::time::{Clock, ManualClock, Timestamp};
use sanctuary::shr::{
    HandshakeMessage, HandshakeParty, ReplayCache, ReportBuilder, ShrHealth, SignedReport,
    VerificationAttestation, VerifyOptions,
};
use serde_json::{Map, Value, json};

/// Enough room for every nonce of a bench run: the clock stands still, so none expires, and
/// a full cache would refuse new sessions.
const CACHE_CAPACITY: usize = 1 << 24;

fn identity(byte: u8) -> Identity {
    Identity::from_seed(&SecretSeed::from_bytes([byte; 32]))
}

fn clock() -> ManualClock {
    ManualClock::new(Timestamp::from_unix_seconds(1_800_000_000).expect("time"))
}

/// A signed model declaration as the L2 gate would contribute it.
fn provenance() -> Map<String, Value> {
    let Value::Object(map) = json!({
        "model": "llama-3.1-8b-instruct",
        "provider": "local",
        "weights_digest": "sha256:9f2c4e6a8b0d1f3e5a7c9b1d3f5e7a9c1b3d5f7e9a1c3b5d7f9e1a3c5b7d9f1e",
        "runtime": "llama.cpp b4500",
        "declared_at": "2027-01-15T08:00:00Z",
        "signed_by": "3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    }) else {
        unreachable!("a JSON object literal")
    };
    map
}

/// A laptop agent: L1 to L3 working, no TEE (a warning), and `receipts` verifiable receipts
/// (none gives a note).
fn builder(receipts: u64) -> ReportBuilder {
    ReportBuilder::new()
        .implementation("sanctuary-agent", "0.1.0")
        .layer(
            LayerReport::new(Layer::L1, LayerStatus::Active)
                .with_capability("encryption", json!("aes-256-gcm"))
                .with_capability("key_derivation", json!("argon2id"))
                .with_capability("integrity", json!("merkle-rfc9162"))
                .with_capability("key_custody", json!("self")),
        )
        .layer(
            LayerReport::new(Layer::L2, LayerStatus::Degraded)
                .with_capability("context_gating", json!(true))
                .with_capability("isolation", json!("process"))
                .with_capability("detectors", json!(["secrets", "pii", "registered_terms"]))
                .with_degradation(Degradation {
                    code: DegradationCode::NO_TEE,
                    severity: Severity::Warning,
                    description: "no trusted execution environment".into(),
                    mitigation: "encrypted state, process isolation".into(),
                }),
        )
        .layer(
            LayerReport::new(Layer::L3, LayerStatus::Active)
                .with_capability("commitments", json!("pedersen-ristretto255"))
                .with_capability("proof_systems", json!(["schnorr", "bulletproofs"]))
                .with_capability("selective_disclosure", json!(true)),
        )
        .contributor(&ShrHealth::with_track_record(receipts))
        .model_provenance(provenance())
}

fn bench_reports(c: &mut Criterion) {
    let me = identity(1);
    let clock = clock();
    let builder = builder(0);
    let report = builder.sign(&me, &clock).expect("sign");
    let text = report.to_json();
    let options = VerifyOptions::at(clock.now());
    assert!(report.verify(&options).is_valid(), "fixture verifies");
    println!("report: {} bytes of canonical JSON", text.len());

    let mut group = c.benchmark_group("shr");
    group.bench_function("generate_and_sign", |b| {
        b.iter(|| black_box(&builder).sign(&me, &clock))
    });
    group.bench_function("verify", |b| {
        b.iter(|| {
            let report = SignedReport::from_json(black_box(&text)).expect("parse");
            report.verify(&options)
        })
    });
    group.bench_function("verify_parsed", |b| {
        b.iter(|| black_box(&report).verify(&options))
    });
    group.finish();
}

fn bench_handshakes(c: &mut Criterion) {
    let (alice, bob) = (identity(1), identity(2));
    let clock = clock();
    let alice_report = builder(12).sign(&alice, &clock).expect("alice");
    let bob_report = builder(0).sign(&bob, &clock).expect("bob");
    let (alice_cache, bob_cache) = (
        ReplayCache::new(CACHE_CAPACITY),
        ReplayCache::new(CACHE_CAPACITY),
    );
    let a = HandshakeParty::new(&alice, alice_report, &alice_cache, &clock).expect("alice");
    let b = HandshakeParty::new(&bob, bob_report, &bob_cache, &clock).expect("bob");

    let mut group = c.benchmark_group("shr");
    group.bench_function("handshake_full", |bench| {
        bench.iter(|| {
            let (waiting, challenge) = a.initiate(&mut OsRng).expect("initiate");
            let (b_waiting, response) = b.respond(&challenge, &mut OsRng).expect("respond");
            let (a_sees_b, completion) = waiting.on_response(&a, &response).expect("response");
            let b_sees_a = b_waiting
                .on_completion(&b, &completion)
                .expect("completion");
            (a_sees_b.channel_binding, b_sees_a.channel_binding)
        })
    });
    group.bench_function("handshake_full_json", |bench| {
        let wire = |m: HandshakeMessage| {
            HandshakeMessage::from_json(black_box(&m.to_json())).expect("parse")
        };
        bench.iter(|| {
            let (waiting, challenge) = a.initiate(&mut OsRng).expect("initiate");
            let HandshakeMessage::Challenge(challenge) =
                wire(HandshakeMessage::Challenge(Box::new(challenge)))
            else {
                unreachable!("a challenge")
            };
            let (b_waiting, response) = b.respond(&challenge, &mut OsRng).expect("respond");
            let HandshakeMessage::Response(response) =
                wire(HandshakeMessage::Response(Box::new(response)))
            else {
                unreachable!("a response")
            };
            let (a_sees_b, completion) = waiting.on_response(&a, &response).expect("response");
            let HandshakeMessage::Completion(completion) =
                wire(HandshakeMessage::Completion(completion))
            else {
                unreachable!("a completion")
            };
            let b_sees_a = b_waiting
                .on_completion(&b, &completion)
                .expect("completion");
            (a_sees_b.channel_binding, b_sees_a.channel_binding)
        })
    });

    // Alice's statement about Bob, checked by a third party from its JSON text.
    let (waiting, challenge) = a.initiate(&mut OsRng).expect("initiate");
    let (_, response) = b.respond(&challenge, &mut OsRng).expect("respond");
    let (a_sees_b, _) = waiting.on_response(&a, &response).expect("response");
    let statement = VerificationAttestation::issue(&a, &a_sees_b)
        .expect("issue")
        .to_json();
    let options = VerifyOptions::at(clock.now()).expect_instance(alice.id());
    group.bench_function("attestation_verify", |bench| {
        bench.iter(|| {
            VerificationAttestation::from_json(black_box(&statement))
                .expect("parse")
                .verify(&options)
                .expect("verify")
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(5));
    targets = bench_reports, bench_handshakes
}
criterion_main!(benches);
