//! Hostile text as a Sovereignty Health Report: parsing and verifying never panic, the two
//! verification paths agree, a parsed report survives its own canonical round trip, and no
//! report verifies unless it is, canonically, the one report the fixed key signed (the fuzzer
//! cannot forge a signature, and the signature covers every byte of the canonical body).
//!
//! Input layout: the first byte chooses the mode.
//! - even: the rest is the whole report text;
//! - odd: the valid fixed report with one member (the second byte picks which, among every
//!   member of the envelope and the body at any depth) replaced by the rest of the input,
//!   spliced in as raw text when the first byte's second bit is set, else as a JSON value
//!   (the rest parsed as JSON, or as a string when it is not JSON).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sanctuary_core::health::{
    Degradation, DegradationCode, Layer, LayerReport, LayerStatus, Severity,
};
use sanctuary_core::identity::{Identity, SecretSeed};
use sanctuary_core::time::{ManualClock, Timestamp};
use sanctuary_shr::{ReportBuilder, ShrHealth, SignedReport, VerifyOptions, verify_report_json};
use serde_json::{Value, json};
use std::sync::OnceLock;

/// Marks the spliced member in the template text; never produced by the fixture itself.
const SENTINEL: &str = "\u{1}shr-fuzz-splice\u{1}";

struct Fixture {
    report: SignedReport,
    text: String,
    value: Value,
    /// JSON pointers to every member and array element of the report, the root excluded.
    paths: Vec<String>,
    options: VerifyOptions,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let me = Identity::from_seed(&SecretSeed::from_bytes([0x41; 32]));
        let at = Timestamp::from_unix_seconds(1_800_000_000).expect("time");
        let clock = ManualClock::new(at);
        let Value::Object(provenance) = json!({"model": "m-8b", "weights_digest": "sha256:00"})
        else {
            unreachable!()
        };
        let report = ReportBuilder::new()
            .layer(
                LayerReport::new(Layer::L1, LayerStatus::Active)
                    .with_capability("encryption", json!("aes-256-gcm")),
            )
            .layer(
                LayerReport::new(Layer::L2, LayerStatus::Degraded)
                    .with_capability("isolation", json!("process"))
                    .with_degradation(Degradation {
                        code: DegradationCode::NO_TEE,
                        severity: Severity::Warning,
                        description: "no TEE".into(),
                        mitigation: "encrypted state".into(),
                    }),
            )
            .layer(
                LayerReport::new(Layer::L3, LayerStatus::Active)
                    .with_capability("proofs", json!(["schnorr", 1.5, null])),
            )
            .contributor(&ShrHealth::default())
            .model_provenance(provenance)
            .extension("x-note", json!({"k": [true, -0.25]}))
            .sign(&me, &clock)
            .expect("fixture report");
        let text = report.to_json();
        let value = report.to_value();
        let mut paths = Vec::new();
        collect_paths(&value, String::new(), &mut paths);
        let options = VerifyOptions::at(
            at.checked_add(std::time::Duration::from_secs(60))
                .expect("time"),
        );
        assert!(report.verify(&options).is_valid(), "fixture verifies");
        Fixture {
            report,
            text,
            value,
            paths,
            options,
        }
    })
}

fn collect_paths(value: &Value, at: String, out: &mut Vec<String>) {
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => map.iter().map(|(k, v)| (escape(k), v)).collect(),
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

fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// Every check this target makes on one candidate text.
fn check(text: &str) {
    let f = fixture();
    let via_text = verify_report_json(text, &f.options);
    let Ok(report) = SignedReport::from_json(text) else {
        assert!(!via_text.is_valid(), "an unparsable report verified");
        return;
    };
    let checked = report.verify(&f.options);
    assert_eq!(checked, via_text, "the two verification paths disagree");

    // The canonical form parses back to the same report with the same verdict.
    let canonical = report.to_json();
    if canonical.is_empty() {
        // The body has no canonical form (an integer above 2^53 that a double cannot hold:
        // `jcs::parse` accepts it, `jcs::to_vec` refuses it), so there are no signed bytes;
        // such a report must never verify.
        assert!(
            !checked.is_valid(),
            "a report without a canonical form verified"
        );
        return;
    }
    let again = SignedReport::from_json(&canonical).expect("canonical text parses");
    assert_eq!(again.digest(), report.digest());
    assert_eq!(again.verify(&f.options), checked);

    // The signature covers the canonical body, so that is what must be unchanged. (The typed
    // view may still differ in how a number was spelt: `0.0` and `0` share one canonical form
    // but parse to different `serde_json` numbers.)
    if checked.is_valid() {
        assert_eq!(
            canonical, f.text,
            "a report other than the signed one verified"
        );
        assert_eq!(report.digest(), f.report.digest());
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode & 1 == 0 {
        if let Ok(text) = std::str::from_utf8(rest) {
            check(text);
        }
        return;
    }
    let f = fixture();
    let Some((&which, payload)) = rest.split_first() else {
        return;
    };
    let Some(path) = f.paths.get(usize::from(which) % f.paths.len()) else {
        return;
    };
    let mut value = f.value.clone();
    let Some(slot) = value.pointer_mut(path) else {
        return;
    };
    let payload = String::from_utf8_lossy(payload);
    if mode & 2 != 0 {
        // Raw text at the member's place: the document may not even be JSON any more.
        *slot = Value::String(SENTINEL.to_owned());
        let template = serde_json::to_string(&value).expect("template");
        let quoted = serde_json::to_string(SENTINEL).expect("sentinel");
        check(&template.replacen(&quoted, &payload, 1));
    } else {
        *slot = sanctuary_core::jcs::parse(&payload)
            .unwrap_or_else(|_| Value::String(payload.into_owned()));
        check(&serde_json::to_string(&value).expect("mutated report"));
    }
});
