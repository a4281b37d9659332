//! Criterion benches of the core hot paths: JCS of a ~1 KiB negotiation-like object,
//! `sign_json` / `verify_json` of it, and `did:key` encode/decode.

#![expect(
    clippy::expect_used,
    reason = "a bench with a broken fixture should stop loudly"
)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sanctuary_core::identity::{Identity, PublicKey, SecretSeed};
use sanctuary_core::purpose::Purpose;
use sanctuary_core::{jcs, sign};
use serde_json::{Value, json};
use std::hint::black_box;

/// A negotiation offer of about 1 KiB in canonical form: nested terms, numbers of each
/// spelling, non-ASCII text and unsorted keys.
fn offer() -> Value {
    json!({
        "type": "negotiate.counter",
        "session_id": "ses_7f3a9c2e4b1d",
        "id": "msg_000000000042",
        "timestamp": "2026-11-22T10:15:30.250Z",
        "from": {"agent_id": "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", "role": "seller"},
        "to": [{"agent_id": "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG", "role": "buyer"}],
        "prev_hash": "sha256:2cf9882e0ceee36278318a376117cc03da510c6994c3679a57eb4777dc8e06cb",
        "body": {
            "offer_id": "off_19",
            "offer_type": "conditional",
            "terms": {
                "price": {"value": 1250.75, "currency": "EUR", "unit": "per_month"},
                "quantity": {"value": 40, "unit": "gpu_hours"},
                "delivery": {"earliest": "2026-12-01", "latest": "2026-12-15"},
                "region": {"value": "eu-west", "type": "categorical"},
                "sla": {"uptime": 0.999, "penalty_rate": 1.5e-2, "credits": true},
                "notes": "Livraison après validation — 配送"
            },
            "conditions": [
                {"if": {"term": "quantity", "op": ">=", "value": 100}, "then": {"price": 1100}},
                {"if": {"term": "delivery.latest", "op": "<=", "value": "2026-12-05"}, "then": {"price": 1400}}
            ],
            "valid_until": "2026-11-23T10:15:30Z"
        },
        "reasoning": "Counter within budget; volume discount offered.",
        "ttl": 86400,
        "thread": ["msg_000000000040", "msg_000000000041"]
    })
}

fn bench_jcs(c: &mut Criterion) {
    let value = offer();
    let canonical = jcs::to_vec(&value).expect("canonical");
    let text = serde_json::to_string_pretty(&value).expect("text");
    let mut group = c.benchmark_group("jcs");
    group.throughput(Throughput::Bytes(canonical.len() as u64));
    group.bench_function(
        BenchmarkId::new("to_vec", format!("{}B", canonical.len())),
        |b| b.iter(|| jcs::to_vec(black_box(&value))),
    );
    group.bench_function(
        BenchmarkId::new("from_str", format!("{}B", text.len())),
        |b| b.iter(|| jcs::from_str(black_box(&text))),
    );
    group.finish();
}

fn bench_sign(c: &mut Criterion) {
    let value = offer();
    let me = Identity::from_seed(&SecretSeed::from_bytes([7; 32]));
    let sig = sign::sign_json(&me, Purpose::APPROVAL_REQUEST, &value).expect("sign");
    let mut group = c.benchmark_group("signature");
    group.bench_function("sign_json/1KiB", |b| {
        b.iter(|| sign::sign_json(&me, Purpose::APPROVAL_REQUEST, black_box(&value)))
    });
    group.bench_function("verify_json/1KiB", |b| {
        b.iter(|| {
            sign::verify_json(
                me.public(),
                Purpose::APPROVAL_REQUEST,
                black_box(&value),
                &sig,
            )
        })
    });
    group.finish();
}

fn bench_did_key(c: &mut Criterion) {
    let me = Identity::from_seed(&SecretSeed::from_bytes([7; 32]));
    let did = me.public().to_did_key();
    let mut group = c.benchmark_group("did_key");
    group.bench_function("encode", |b| b.iter(|| black_box(me.public()).to_did_key()));
    group.bench_function("decode", |b| {
        b.iter(|| PublicKey::from_did_key(black_box(&did)))
    });
    group.finish();
}

criterion_group!(benches, bench_jcs, bench_sign, bench_did_key);
criterion_main!(benches);
