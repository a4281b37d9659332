//! Criterion benches of sanctuary-gate: filtering a ~1 KiB prompt object with the
//! `remote-inference-sanitize` template, value-scanning throughput on mixed English text, and
//! the same scan with 10,000 principal terms registered.
//!
//! Names: `gate/<part>/<case>`. Every gate writes to an audit sink that validates and drops
//! events (memory stays flat), and keeps its vault in memory; the inputs repeat, so the vault
//! stops growing after the first iteration.

#![expect(
    clippy::expect_used,
    reason = "a bench with a broken fixture should stop loudly"
)]

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sanctuary::core::audit::{AuditError, AuditEvent, AuditSink};
use sanctuary::gate::policy::{Destination, Template};
use sanctuary::gate::terms::{PrincipalTerms, TermCategory};
use sanctuary::gate::{ContextGate, GateKey, GateOutcome};
use serde_json::{Value, json};

/// Validates events and drops them.
#[derive(Debug)]
struct NullSink;

impl AuditSink for NullSink {
    fn record(&self, event: AuditEvent) -> Result<(), AuditError> {
        event.validate()
    }
}

fn gate(terms: PrincipalTerms) -> ContextGate {
    ContextGate::builder(Template::RemoteInferenceSanitize.policy())
        .key(GateKey::from_bytes([7; 32]))
        .principal_terms(terms)
        .audit(Arc::new(NullSink))
        .build()
        .expect("gate builds")
}

/// A realistic ~1 KiB request: a prompt with a few identifiers, format fields, and fields the
/// template redacts.
fn prompt_object() -> Value {
    json!({
        "task": "draft-reply",
        "prompt": "Please draft a polite reply to the customer below. They wrote from \
                   maria.kowalski@example.org and asked us to call back on +44 20 7946 0958 \
                   about invoice INV-2024-0042, which was paid on 3 March with the card ending \
                   in 4242. Their order shipped from our Leeds warehouse at 10:30 and the \
                   tracking page shows version 2.4.1 of the app. Keep it under 150 words, \
                   apologise for the delay, offer a 10% discount on the next order, and do \
                   not promise a delivery date. The previous agent noted that the parcel was \
                   scanned at the depot twice; mention that we have opened an investigation \
                   with the carrier and will update them within two working days.",
        "format": "plain text",
        "language": "en-GB",
        "output_format": "email",
        "api_key": "sk-proj-abcdefghijklmnopqrstuvwx0123456789",
        "email": "maria.kowalski@example.org",
        "chat_history": [
            {"role": "user", "content": "Where is my parcel?"},
            {"role": "assistant", "content": "Let me check that for you."}
        ],
        "system_prompt": "You are a helpful support agent for a small online shop."
    })
}

/// About 64 KiB of mixed English: prose, a little code, numbers, dates, prices, versions and
/// an occasional identifier.
fn mixed_english() -> String {
    const PARAGRAPHS: &[&str] = &[
        "The committee met on Tuesday to review the budget for the next quarter. Costs rose \
         by 4.5% against the plan, mostly because shipping prices went up in March, and the \
         team agreed to revisit the supplier contracts before the summer.",
        "To reproduce the bug, run `cargo test --release` on version 1.82.0 and watch the \
         third test hang after about 30 seconds. The stack trace points at the retry loop in \
         src/net/client.rs, line 214, where the timeout is read from the config.",
        "Preheat the oven to 200 degrees, whisk two eggs with 250 g of flour and a pinch of \
         salt, then bake for 25 minutes. The recipe serves four and keeps for three days in \
         the fridge.",
        "Our meeting is at 14:30 in room 3B; the slides are on the shared drive and the \
         draft agenda lists five items, starting with the roadmap for 2025 and ending with \
         questions from the floor.",
        "If the request fails with status 503, wait two seconds and try again; after five \
         attempts give up and log the error code together with the request id, which looks \
         like 3f2a9c1e-77b4-4d2a-9c51-0e6b2f1a8d40.",
        "Please forward the signed contract to legal@example.com before Friday; the invoice \
         total of $1,299.99 is due within 30 days of receipt.",
        "Commit 9fceb02d0ae598e95dc970b74767f19372d61af8 fixed the race, and the release \
         notes for v2.10.4 mention it under bug fixes, next to the new --verbose flag.",
    ];
    let mut text = String::new();
    for paragraph in PARAGRAPHS.iter().cycle() {
        if text.len() >= 64 * 1024 {
            break;
        }
        text.push_str(paragraph);
        text.push_str("\n\n");
    }
    text
}

/// 10,000 distinct multi-word terms (synthetic names, places and organisations).
fn ten_thousand_terms() -> PrincipalTerms {
    const FIRST: &[&str] = &[
        "Aldous", "Brigitte", "Casimir", "Delphine", "Evander", "Fenella", "Gideon", "Hermione",
        "Isolde", "Jasper", "Kestrel", "Lavinia", "Mortimer", "Nerys", "Octavian", "Perpetua",
        "Quillon", "Rosalind", "Septimus", "Theodora",
    ];
    let mut terms = Vec::with_capacity(10_000);
    for (i, first) in FIRST.iter().cycle().take(10_000).enumerate() {
        let category = match i % 4 {
            0 => TermCategory::Name,
            1 => TermCategory::Place,
            2 => TermCategory::Organization,
            _ => TermCategory::Other,
        };
        terms.push((category, format!("{first} Vantongeren{i}")));
    }
    PrincipalTerms::new(terms).expect("terms are valid")
}

fn bench_filter(c: &mut Criterion) {
    let gate = gate(PrincipalTerms::empty());
    let value = prompt_object();
    let size = value.to_string().len();
    assert!((900..1300).contains(&size), "prompt object is {size} bytes");
    assert!(matches!(
        gate.filter(&Destination::Inference, &value),
        GateOutcome::Sanitized(_)
    ));
    let mut group = c.benchmark_group("gate/filter");
    group.throughput(Throughput::Bytes(size as u64));
    group.bench_function("remote_inference_1kib", |b| {
        b.iter(|| black_box(gate.filter(&Destination::Inference, black_box(&value))))
    });
    group.finish();
}

fn bench_scan(c: &mut Criterion) {
    let text = mixed_english();
    let value = json!({ "prompt": text });
    let plain = gate(PrincipalTerms::empty());
    let with_terms = gate(ten_thousand_terms());
    for g in [&plain, &with_terms] {
        assert!(matches!(
            g.filter(&Destination::Inference, &value),
            GateOutcome::Sanitized(_)
        ));
    }
    let mut group = c.benchmark_group("gate/scan");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("mixed_english_64kib", |b| {
        b.iter(|| black_box(plain.filter(&Destination::Inference, black_box(&value))))
    });
    group.bench_function("mixed_english_64kib_10k_terms", |b| {
        b.iter(|| black_box(with_terms.filter(&Destination::Inference, black_box(&value))))
    });
    group.finish();
    let mut group = c.benchmark_group("gate/terms");
    group.sample_size(10);
    group.bench_function("build_10k", |b| b.iter(|| black_box(ten_thousand_terms())));
    group.finish();
}

criterion_group!(benches, bench_filter, bench_scan);
criterion_main!(benches);
