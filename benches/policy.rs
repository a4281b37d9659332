//! Criterion benches of sanctuary-policy: the gate's decision on a tier-3 operation, the same
//! with every tier-2 check and a baseline update, building an operation, and verifying a signed
//! webhook answer.
//!
//! Names: `policy/<part>/<case>`. The gate runs over a manual clock, the in-memory state store
//! and an audit sink that only counts (so memory stays flat however many events are recorded).
//! The evaluate benches time `Gate::evaluate` alone; each permit is settled after the timed
//! loop.

#![expect(
    clippy::expect_used,
    reason = "a bench with a broken fixture should stop loudly"
)]

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use sanctuary::core::audit::{AuditError, AuditEvent, AuditSink};
use sanctuary::core::state::{MemoryStateStore, StateStore};
use sanctuary::core::time::ManualClock;
use sanctuary::core::{Digest, Timestamp};
use sanctuary::policy::approval::{Nonce, RequestId};
use sanctuary::policy::webhook::{
    ANSWER_DOMAIN, CallbackVerifier, WebhookAnswer, WebhookKey, WebhookVerdict, sign,
};
use sanctuary::policy::{
    AlwaysDeny, Amount, Decision, Gate, Operation, OperationClass, Permit, Policy, Tier,
};
use serde_json::json;

/// 2026-11-22T08:00:00Z.
const START: i64 = 1_795_334_400;

/// Every operation of the benches is tier 3; the read thresholds are out of reach (the clock
/// of the tier-3 bench stands still, so its one-minute windows only fill) and the daily cap is
/// huge, so no tier-2 check asks. New namespaces and counterparties still ask (the defaults):
/// the baseline knows the ones used here.
const POLICY: &str = r#"
version = 1

[tiers]
tier3 = ["state.read", "state.write", "payment.send"]

[tier2]
bulk_read_threshold = 4000000000
cold_start_max_per_minute = 4000000000

[spending.daily]
USD = "1000000000000"

[spending.per_operation]
USD = "1000"

[approval]
channel = "deny"
"#;

const NAMESPACE: &str = "notes";
const COUNTERPARTY: &str = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";

/// An audit sink that counts events and drops them.
#[derive(Debug, Default)]
struct CountingSink(AtomicU64);

impl AuditSink for CountingSink {
    fn record(&self, event: AuditEvent) -> Result<(), AuditError> {
        black_box(&event);
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// A gate whose baseline comes from an earlier session that allowed `NAMESPACE` and
/// `COUNTERPARTY` (so neither this session nor they are new).
fn gate() -> (Arc<ManualClock>, Gate) {
    let clock = Arc::new(ManualClock::new(
        Timestamp::from_unix_seconds(START).expect("start time"),
    ));
    let store = Arc::new(MemoryStateStore::new());
    let baseline = "sanctuary-policy";
    store
        .put(baseline, "meta", br#"{"v":1,"sessions":1}"#)
        .expect("seed meta");
    store
        .put(baseline, &format!("ns/{NAMESPACE}"), b"1")
        .expect("seed namespace");
    let counterparty = Digest::sha256(COUNTERPARTY.as_bytes()).to_hex();
    store
        .put(baseline, &format!("cp/{counterparty}"), b"1")
        .expect("seed counterparty");
    let gate = Gate::builder(Policy::parse(POLICY).expect("policy"))
        .clock(clock.clone())
        .store(store)
        .audit(Arc::new(CountingSink::default()))
        .channel(Arc::new(AlwaysDeny))
        .open()
        .expect("gate");
    (clock, gate)
}

fn permit(decision: Decision) -> Permit {
    match decision {
        Decision::Allow(permit) => Some(permit),
        Decision::NeedsApproval(_) | Decision::Deny(_) => None,
    }
    .expect("the bench operation is allowed")
}

/// Checks once, before measuring, that `op` is allowed at tier 3 with nothing logged.
fn assert_allowed(gate: &Gate, op: &Operation) {
    let decision = gate.evaluate(op);
    assert!(
        matches!(decision, Decision::Allow(_)) && decision.reasons().is_empty(),
        "not a plain allow: {:?} {:?}",
        decision.verdict(),
        decision.reasons()
    );
    assert_eq!(decision.tier(), Tier::Three);
    gate.settle(permit(decision), true).expect("settle");
}

/// Times `iters` evaluations of `op` (after `before_each`, timed too), then settles every
/// permit outside the timed loop.
fn time_evaluate(gate: &Gate, op: &Operation, iters: u64, before_each: impl Fn()) -> Duration {
    let mut decisions = Vec::with_capacity(usize::try_from(iters).unwrap_or(0));
    let start = Instant::now();
    for _ in 0..iters {
        before_each();
        decisions.push(gate.evaluate(black_box(op)));
    }
    let elapsed = start.elapsed();
    for decision in decisions {
        gate.settle(permit(decision), true).expect("settle");
    }
    elapsed
}

fn evaluate(c: &mut Criterion) {
    let mut group = c.benchmark_group("policy");

    // Tier 3: a read of a known namespace; the clock stands still, so no learned rate is
    // folded and the store is not written.
    let (_clock, tier3) = gate();
    let read = Operation::new(
        "state.read",
        OperationClass::Read,
        &json!({"key": "inbox/2026-11-22"}),
    )
    .and_then(|op| op.with_namespace(NAMESPACE))
    .expect("read op");
    assert_allowed(&tier3, &read);
    group.bench_function("evaluate/tier3", |b| {
        b.iter_custom(|iters| time_evaluate(&tier3, &read, iters, || {}))
    });

    // Tier 2 at its most expensive: a spend with a namespace and a counterparty (first session,
    // new namespace, new counterparty, frequency, per-operation and daily caps all checked),
    // the clock 61 s later on every call, so every call folds the learned rate and writes it
    // and the spend ledger to the store. Once warmed up, the ledger holds the 1,417 spends of
    // the last 24 hours.
    let (clock, tier2) = gate();
    let pay = Operation::new(
        "payment.send",
        OperationClass::Spend,
        &json!({"memo": "invoice 1182", "reference": "INV-1182"}),
    )
    .and_then(|op| op.with_namespace(NAMESPACE))
    .and_then(|op| op.with_counterparty(COUNTERPARTY))
    .and_then(|op| op.with_spend(Amount::from_micros(10_000), "USD"))
    .expect("spend op");
    assert_allowed(&tier2, &pay);
    let step = Duration::from_secs(61);
    group.bench_function("evaluate/tier2_baseline_update", |b| {
        b.iter_custom(|iters| time_evaluate(&tier2, &pay, iters, || clock.advance(step)))
    });

    // The same spend a day and a minute apart: the ledger holds only this spend, so this is
    // the update without the cost of the day's earlier spends.
    let (clock, tier2) = gate();
    assert_allowed(&tier2, &pay);
    let day = Duration::from_secs(86_400 + 61);
    group.bench_function("evaluate/tier2_baseline_update_first_spend", |b| {
        b.iter_custom(|iters| time_evaluate(&tier2, &pay, iters, || clock.advance(day)))
    });

    // The same without the spend: a write with a namespace and a counterparty, 61 s apart,
    // so every call folds the learned rate and writes it (the baseline update without the
    // spend ledger).
    let (clock, tier2) = gate();
    let write = Operation::new(
        "state.write",
        OperationClass::Write,
        &json!({"key": "inbox/2026-11-22", "len": 512}),
    )
    .and_then(|op| op.with_namespace(NAMESPACE))
    .and_then(|op| op.with_counterparty(COUNTERPARTY))
    .expect("write op");
    assert_allowed(&tier2, &write);
    group.bench_function("evaluate/tier2_baseline_update_write", |b| {
        b.iter_custom(|iters| time_evaluate(&tier2, &write, iters, || clock.advance(step)))
    });
    group.finish();
}

fn operation(c: &mut Criterion) {
    let mut group = c.benchmark_group("policy");
    let args = json!({
        "key": "inbox/2026-11-22",
        "limit": 50,
        "include_drafts": false,
        "tags": ["work", "urgent"],
    });
    group.bench_function("operation/build", |b| {
        b.iter(|| Operation::new("state.read", OperationClass::Read, black_box(&args)).expect("op"))
    });
    // Each `with_*` step recomputes the operation digest.
    group.bench_function("operation/build_full", |b| {
        b.iter(|| {
            Operation::new("payment.send", OperationClass::Spend, black_box(&args))
                .and_then(|op| op.with_namespace(NAMESPACE))
                .and_then(|op| op.with_counterparty(COUNTERPARTY))
                .and_then(|op| op.with_spend(Amount::from_micros(10_000), "USD"))
                .and_then(|op| op.in_session("session-1"))
                .expect("op")
        })
    });
    group.finish();
}

fn webhook(c: &mut Criterion) {
    let mut group = c.benchmark_group("policy");
    let key = WebhookKey::generate();
    let answer = WebhookAnswer {
        request_id: RequestId::parse("000102030405060708090a0b0c0d0e0f").expect("request id"),
        nonce: Nonce::parse(&"ab".repeat(32)).expect("nonce"),
        operation_digest: Digest::sha256(b"operation"),
        decision: WebhookVerdict::Approve,
        principal: "alice".into(),
    };
    let body = serde_json::to_vec(&answer).expect("body");
    let verifier = CallbackVerifier::new(key.clone());
    // Nonces are single use: each message is signed afresh, one second after the last, so the
    // replay cache purges itself (it holds at most 65,536 nonces, then drops those older than
    // the 120 s window).
    let mut now = Timestamp::from_unix_seconds(START).expect("start time");
    group.bench_function("webhook/verify", |b| {
        b.iter_batched(
            || {
                now = now.checked_add(Duration::from_secs(1)).expect("time");
                (sign(&key, ANSWER_DOMAIN, now, &body), now)
            },
            |(headers, at)| verifier.verify(&headers, &body, at).expect("verify"),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = evaluate, operation, webhook
}
criterion_main!(benches);
