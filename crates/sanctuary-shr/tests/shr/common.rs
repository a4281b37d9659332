//! Fixtures shared by the integration tests: fixed-seed identities, a manual clock, postures
//! and a re-signing helper for building reports the builder refuses to make.

use sanctuary_core::health::{
    Degradation, DegradationCode, Layer, LayerReport, LayerStatus, Severity,
};
use sanctuary_core::identity::{Identity, SecretSeed, Signer};
use sanctuary_core::purpose::Purpose;
use sanctuary_core::sign;
use sanctuary_core::time::{ManualClock, Timestamp};
use sanctuary_shr::{ReportBuilder, ShrHealth, SignedReport};
use serde_json::{Value, json};

/// 2026-05-10T14:00:00Z.
pub(crate) const T0: i64 = 1_778_421_600;

pub(crate) fn ts(secs: i64) -> Timestamp {
    Timestamp::from_unix_seconds(secs).unwrap()
}

pub(crate) fn clock() -> ManualClock {
    ManualClock::new(ts(T0))
}

pub(crate) fn identity(seed: u8) -> Identity {
    Identity::from_seed(&SecretSeed::from_bytes([seed; 32]))
}

pub(crate) fn l1() -> LayerReport {
    LayerReport::new(Layer::L1, LayerStatus::Active)
        .with_capability("encryption", json!("AES-256-GCM"))
        .with_capability("key_custody", json!(["passphrase (Argon2id)"]))
}

pub(crate) fn l3() -> LayerReport {
    LayerReport::new(Layer::L3, LayerStatus::Active)
        .with_capability("proof_systems", json!(["pedersen-opening", "range"]))
}

pub(crate) fn no_tee() -> Degradation {
    Degradation {
        code: DegradationCode::NO_TEE,
        severity: Severity::Warning,
        description: "no trusted execution environment".into(),
        mitigation: "encrypted state and process isolation".into(),
    }
}

/// Every layer active, a track record: the full level.
pub(crate) fn full_posture() -> ReportBuilder {
    ReportBuilder::new()
        .layer(l1())
        .layer(
            LayerReport::new(Layer::L2, LayerStatus::Active)
                .with_capability("isolation", json!("tee")),
        )
        .layer(l3())
        .contributor(&ShrHealth::with_track_record(7))
}

/// A laptop: L2 degraded by NO_TEE, no track record yet.
pub(crate) fn laptop_posture() -> ReportBuilder {
    ReportBuilder::new()
        .layer(l1())
        .layer(
            LayerReport::new(Layer::L2, LayerStatus::Degraded)
                .with_capability("isolation", json!("process"))
                .with_degradation(no_tee()),
        )
        .layer(l3())
        .contributor(&ShrHealth::default())
}

/// A plaintext store: a critical degradation.
pub(crate) fn critical_posture() -> ReportBuilder {
    ReportBuilder::new()
        .layer(
            LayerReport::new(Layer::L1, LayerStatus::Degraded).with_degradation(Degradation {
                code: DegradationCode::PLAINTEXT_STATE,
                severity: Severity::Critical,
                description: "state is stored unencrypted".into(),
                mitigation: "none".into(),
            }),
        )
        .layer(LayerReport::new(Layer::L2, LayerStatus::Active))
        .layer(l3())
        .contributor(&ShrHealth::with_track_record(1))
}

/// Signs `body` as a report envelope by `signer`, whatever it contains.
pub(crate) fn envelope<S: Signer + ?Sized>(signer: &S, purpose: Purpose, body: &Value) -> Value {
    let signature = sign::sign_json(signer, purpose, body).unwrap();
    json!({
        "body": body,
        "signed_by": signer.public_key().to_base64url(),
        "signature_scheme": "ed25519-jcs-v1",
        "signature": signature.to_base64url(sanctuary_core::encoding::Padding::Unpadded),
    })
}

/// Re-signs a report after `edit` changed its body.
pub(crate) fn resign<S: Signer + ?Sized>(
    report: &SignedReport,
    signer: &S,
    edit: impl FnOnce(&mut Value),
) -> SignedReport {
    let mut body = Value::Object(report.raw_body().clone());
    edit(&mut body);
    SignedReport::from_value(envelope(signer, Purpose::SHR_REPORT, &body))
        .unwrap_or_else(|e| panic!("re-signed report does not parse: {e}"))
}

/// Every leaf path of a JSON value, as JSON pointers.
pub(crate) fn leaf_pointers(value: &Value, prefix: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                let key = k.replace('~', "~0").replace('/', "~1");
                leaf_pointers(v, &format!("{prefix}/{key}"), out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, v) in items.iter().enumerate() {
                leaf_pointers(v, &format!("{prefix}/{i}"), out);
            }
        }
        _ => out.push(prefix.to_owned()),
    }
}

/// A different value of the same JSON type (or another type for null and empty containers).
pub(crate) fn mutate(value: &Value) -> Value {
    match value {
        Value::String(s) if s.is_empty() => json!("x"),
        Value::String(s) => {
            let mut chars: Vec<char> = s.chars().collect();
            let last = chars.pop().unwrap();
            let replacement = if last == 'A' { 'B' } else { 'A' };
            chars.push(replacement);
            Value::String(chars.into_iter().collect())
        }
        Value::Number(n) => match n.as_i64() {
            Some(i) => json!(i + 1),
            None => json!(n.as_f64().unwrap() + 1.0),
        },
        Value::Bool(b) => json!(!b),
        Value::Null => json!(0),
        Value::Array(_) => json!([null]),
        Value::Object(_) => json!({"x": 1}),
    }
}
