//! The labelled corpus (`tests/corpus/`): recall on sensitive prompts and the alteration
//! rate on benign ones, through the whole gate with the `remote-inference-sanitize` template
//! and the corpus principal's registered terms.
//!
//! Run with `cargo test -p sanctuary-gate --test corpus -- --nocapture` to see the table.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout,
    reason = "a test harness that fails loudly and prints its table"
)]

use std::collections::BTreeMap;
use std::sync::Arc;

use sanctuary_core::audit::MemoryAuditSink;
use sanctuary_gate::policy::{Destination, Template};
use sanctuary_gate::terms::{PrincipalTerms, PrincipalTermsFile};
use sanctuary_gate::{ContextGate, GateOutcome};
use serde::Deserialize;
use serde_json::json;
use unicode_normalization::UnicodeNormalization;

/// NFKC without invisible format characters: a value counts as caught only if neither its
/// written form nor this folded form survives in the (equally folded) output, so a sanitiser
/// that merely stripped the invisible characters of an evasion would not pass.
fn fold(text: &str) -> String {
    text.nfkc()
        .filter(|c| {
            !matches!(*c as u32,
                0x00AD | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064
                | 0x2066..=0x2069 | 0xFEFF)
        })
        .collect()
}

#[derive(Deserialize)]
struct Line {
    id: String,
    category: String,
    text: String,
    sensitive: Vec<String>,
    #[serde(default)]
    #[expect(dead_code, reason = "documentation for readers of the corpus")]
    note: Option<String>,
}

/// Categories of structured identifiers: the crate promises ≥ 99 % recall on these together.
const STRUCTURED: &[&str] = &[
    "email",
    "phone",
    "card",
    "iban",
    "ssn",
    "secret",
    "seed_phrase",
    "crypto_key",
    "ip",
    "evasion",
];

/// Softer categories and the recall each must keep (measured, then fixed as a floor so a
/// regression fails the test).
const SOFT_FLOORS: &[(&str, f64)] = &[("name", 0.9), ("address", 0.9), ("dob", 0.9), ("gps", 0.9)];

#[derive(Default)]
struct Tally {
    lines: usize,
    values: usize,
    caught: usize,
    altered: usize,
    misses: Vec<String>,
}

/// Runs every line of a corpus file through the gate and tallies it per category.
fn evaluate(corpus: &str) -> BTreeMap<String, Tally> {
    let terms_file: PrincipalTermsFile =
        serde_json::from_str(include_str!("corpus/principal-terms.json")).unwrap();
    let gate = ContextGate::builder(Template::RemoteInferenceSanitize.policy())
        .principal_terms(PrincipalTerms::from_file(&terms_file).unwrap())
        .audit(Arc::new(MemoryAuditSink::new()))
        .build()
        .unwrap();
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut ids = std::collections::HashSet::new();
    for (n, raw) in corpus.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let line: Line = serde_json::from_str(raw).unwrap_or_else(|e| panic!("line {n}: {e}"));
        assert!(ids.insert(line.id.clone()), "duplicate id {}", line.id);
        let out = match gate.filter(&Destination::Inference, &json!({ "prompt": line.text })) {
            GateOutcome::Sanitized(s) => s.value["prompt"].as_str().unwrap().to_owned(),
            GateOutcome::Refused(r) => panic!("{} refused: {:?}", line.id, r.reasons),
        };
        let t = tallies.entry(line.category.clone()).or_default();
        t.lines += 1;
        if out != line.text {
            t.altered += 1;
        }
        if line.category == "benign" {
            assert!(line.sensitive.is_empty(), "{}", line.id);
            if out != line.text {
                t.misses.push(format!("{}: {out}", line.id));
            }
            continue;
        }
        for value in &line.sensitive {
            assert!(
                line.text.contains(value.as_str()),
                "{}: label not in text",
                line.id
            );
            t.values += 1;
            if out.contains(value.as_str()) || fold(&out).contains(&fold(value)) {
                t.misses
                    .push(format!("{}: {value:?} survived in {out:?}", line.id));
            } else {
                t.caught += 1;
            }
        }
    }
    tallies
}

/// Prints the table; returns (structured recall, benign alteration rate).
fn report(tallies: &BTreeMap<String, Tally>) -> (f64, f64) {
    println!(
        "{:<12} {:>5} {:>7} {:>7} {:>8}",
        "category", "lines", "values", "caught", "recall"
    );
    let (mut s_values, mut s_caught) = (0, 0);
    for (category, t) in tallies {
        let recall = if t.values == 0 {
            1.0
        } else {
            t.caught as f64 / t.values as f64
        };
        println!(
            "{category:<12} {:>5} {:>7} {:>7} {:>7.1}%",
            t.lines,
            t.values,
            t.caught,
            recall * 100.0
        );
        for m in &t.misses {
            println!("    miss {m}");
        }
        if STRUCTURED.contains(&category.as_str()) {
            s_values += t.values;
            s_caught += t.caught;
        }
    }
    let structured = s_caught as f64 / s_values.max(1) as f64;
    let benign = tallies.get("benign").expect("benign lines");
    let altered = benign.altered as f64 / benign.lines.max(1) as f64;
    println!(
        "structured recall {:.2}% ({s_caught}/{s_values}); benign altered {:.2}% ({}/{})",
        structured * 100.0,
        altered * 100.0,
        benign.altered,
        benign.lines
    );

    (structured, altered)
}

#[test]
fn corpus_recall_and_benign_alteration() {
    let tallies = evaluate(include_str!("corpus/prompts.jsonl"));
    let (structured, altered) = report(&tallies);
    let benign = tallies.get("benign").expect("benign lines");
    assert!(
        tallies.values().map(|t| t.lines).sum::<usize>() >= 300,
        "corpus too small"
    );
    assert!(benign.lines >= 100, "too few benign lines");
    assert!(structured >= 0.99, "structured recall {structured}");
    let principal = tallies.get("principal").expect("principal lines");
    assert_eq!(
        principal.caught, principal.values,
        "principal terms must all be caught"
    );
    assert!(altered <= 0.02, "benign altered {altered}");
    for (category, floor) in SOFT_FLOORS {
        let t = tallies.get(*category).expect("soft category present");
        let recall = t.caught as f64 / t.values.max(1) as f64;
        assert!(recall >= *floor, "{category} recall {recall} below {floor}");
    }
}

/// The held-out corpus (`corpus/holdout.jsonl`): written blind after the detectors were tuned
/// on `prompts.jsonl`, and never tuned against. Its figures are the honest estimate; the test
/// prints them and holds only loose floors so that a real regression still fails.
#[test]
fn holdout_recall_and_benign_alteration() {
    let tallies = evaluate(include_str!("corpus/holdout.jsonl"));
    let (structured, altered) = report(&tallies);
    assert!(structured >= 0.9, "held-out structured recall {structured}");
    assert!(altered <= 0.1, "held-out benign altered {altered}");
}
