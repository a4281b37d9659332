//! Reports: pinned bytes, tampering, times, identity binding, rotation, levels, merging.

use crate::common::*;
use sanctuary_core::health::{Layer, LayerReport, LayerStatus, Severity};
use sanctuary_core::purpose::Purpose;
use sanctuary_core::rotation::{MAX_ROTATION_CHAIN, RotationError, RotationEvent};
use sanctuary_shr::report::{DEFAULT_VALIDITY, MAX_VALIDITY};
use sanctuary_shr::*;
use serde_json::{Value, json};
use std::time::Duration;

const PINNED: &str = "tests/pinned/report.json";

fn pinned_report() -> SignedReport {
    let clock = clock();
    laptop_posture()
        .implementation("sanctuary-shr", "1.0.0-test")
        .model_provenance(
            json!({"model_id": "llama-3.1-8b-instruct", "local_inference": true, "open_weights": true})
                .as_object()
                .unwrap()
                .clone(),
        )
        .sign(&identity(7), &clock)
        .unwrap()
}

fn now_opts(secs: i64) -> VerifyOptions {
    VerifyOptions::at(ts(T0 + secs))
}

#[test]
fn fixed_seed_report_has_pinned_bytes_and_signature() {
    let report = pinned_report();
    let text = report.to_json() + "\n";
    if std::env::var_os("SHR_WRITE_PINNED").is_some() {
        std::fs::create_dir_all("tests/pinned").unwrap();
        std::fs::write(PINNED, &text).unwrap();
    }
    let pinned = std::fs::read_to_string(PINNED).unwrap();
    assert_eq!(text, pinned, "report bytes changed");
    // The signature itself, pinned separately so a change of signing shows as such.
    assert_eq!(
        report.to_value()["signature"],
        "fHhKXR3RoYl2lTmnoeqJdKcpJXe3Ql8QUKRJw6Qc6h4-4CmpjwR0f0VOtrJH1rM3RUc4T71c0HenFkHAkHlAAw"
    );
    // It is JCS, the domain-separated preimage verifies, and parsing gives it back unchanged.
    let parsed = SignedReport::from_json(&pinned).unwrap();
    assert_eq!(parsed.to_json() + "\n", pinned);
    assert_eq!(parsed.digest(), report.digest());
    let preimage = sanctuary_core::sign::preimage_of_value(
        Purpose::SHR_REPORT,
        &Value::Object(parsed.raw_body().clone()),
    )
    .unwrap();
    assert!(preimage.starts_with(b"sanctuary/shr-report/v1\n{\"capabilities\":"));
    let body = parsed.body();
    assert_eq!(body.shr_version, "1.0");
    assert_eq!(body.instance_id, identity(7).id());
    assert_eq!(body.generated_at, ts(T0));
    assert_eq!(body.expires_at, ts(T0 + 3600));
    let checked = parsed.verify(&now_opts(60));
    assert!(checked.is_valid(), "{:?}", checked.errors);
    assert_eq!(checked.level, SovereigntyLevel::Degraded);
    assert!(checked.warnings.is_empty(), "{:?}", checked.warnings);
}

#[test]
fn changing_any_body_leaf_is_rejected() {
    let report = pinned_report();
    let original = report.to_value();
    let mut pointers = Vec::new();
    leaf_pointers(&original["body"], "/body", &mut pointers);
    assert!(pointers.len() > 30, "{pointers:?}");
    for pointer in &pointers {
        let mut tampered = original.clone();
        let leaf = tampered.pointer_mut(pointer).unwrap();
        *leaf = mutate(leaf);
        match SignedReport::from_value(tampered) {
            // A change the parser already refuses (a bad timestamp, an unknown status) is
            // rejected as malformed; fine.
            Err(_) => {}
            Ok(r) => {
                let checked = r.verify(&now_opts(60));
                assert!(
                    checked.errors.contains(&ReportProblem::BadSignature),
                    "{pointer}: {:?}",
                    checked.errors
                );
                assert_eq!(checked.level, SovereigntyLevel::Minimal, "{pointer}");
                assert_eq!(checked.tier_if_live(), TrustTier::Unverified);
            }
        }
    }
    // Adding or removing a member is a change too.
    let mut added = original.clone();
    added["body"]["x-note"] = json!("added later");
    let checked = SignedReport::from_value(added)
        .unwrap()
        .verify(&now_opts(60));
    assert!(checked.errors.contains(&ReportProblem::BadSignature));
    let mut removed = original.clone();
    removed["body"]["model_provenance"][0]
        .as_object_mut()
        .unwrap()
        .remove("open_weights");
    let checked = SignedReport::from_value(removed)
        .unwrap()
        .verify(&now_opts(60));
    assert_eq!(checked.errors, vec![ReportProblem::BadSignature]);
    // The envelope is closed: nothing unsigned rides along.
    let mut extra = original.clone();
    extra["comment"] = json!("unsigned");
    assert!(matches!(
        SignedReport::from_value(extra),
        Err(ParseError::UnsignedMember(_))
    ));
    // Signature and key swapped for another report's.
    let other = full_posture().sign(&identity(7), &clock()).unwrap();
    let mut swapped = original.clone();
    swapped["signature"] = other.to_value()["signature"].clone();
    let checked = SignedReport::from_value(swapped)
        .unwrap()
        .verify(&now_opts(60));
    assert_eq!(checked.errors, vec![ReportProblem::BadSignature]);
}

#[test]
fn removing_required_members_is_malformed() {
    let original = pinned_report().to_value();
    for member in [
        "shr_version",
        "implementation",
        "instance_id",
        "generated_at",
        "expires_at",
        "layers",
        "degradations",
        "model_provenance",
        "capabilities",
    ] {
        let mut v = original.clone();
        v["body"].as_object_mut().unwrap().remove(member);
        let err = SignedReport::from_value(v.clone()).unwrap_err();
        assert!(err.to_string().contains(member), "{member}: {err}");
        let checked = verify_report_json(&v.to_string(), &now_opts(0));
        assert!(!checked.is_valid());
        assert!(matches!(checked.errors[0], ReportProblem::Malformed(_)));
        assert_eq!(checked.level, SovereigntyLevel::Minimal);
    }
    // Truncated text and non-canonical timestamps.
    let text = pinned_report().to_json();
    for cut in [0, 1, text.len() / 2, text.len() - 1] {
        assert!(SignedReport::from_json(&text[..cut]).is_err(), "{cut}");
    }
    let mut v = original.clone();
    v["body"]["generated_at"] = json!("2026-05-10T14:00:00.000Z");
    assert!(SignedReport::from_value(v).is_err());
}

#[test]
fn a_missing_layer_is_an_error_even_when_signed() {
    let report = pinned_report();
    for (layer, name) in [
        (Layer::L1, "l1"),
        (Layer::L2, "l2"),
        (Layer::L3, "l3"),
        (Layer::L4, "l4"),
    ] {
        let r = resign(&report, &identity(7), |b| {
            b["layers"].as_object_mut().unwrap().remove(name);
        });
        let checked = r.verify(&now_opts(0));
        assert_eq!(
            checked.errors,
            vec![ReportProblem::MissingLayer(layer)],
            "{name}"
        );
        assert_eq!(checked.level, SovereigntyLevel::Minimal);
    }
}

#[test]
fn times_expired_future_overlong_and_old() {
    let report = pinned_report();
    // Inside the window, and inside the skew either side.
    assert!(report.verify(&now_opts(0)).is_valid());
    assert!(report.verify(&now_opts(3599)).is_valid());
    let early = report.verify(&now_opts(-299));
    assert!(early.is_valid());
    assert!(early.warnings.contains(&ReportWarning::ClockSkew));
    let late = report.verify(&now_opts(3600 + 299));
    assert!(late.is_valid());
    assert!(late.warnings.contains(&ReportWarning::ExpiredWithinSkew));
    // Beyond the skew.
    assert_eq!(
        report.verify(&now_opts(3600 + 301)).errors,
        vec![ReportProblem::Expired {
            expires_at: ts(T0 + 3600)
        }]
    );
    assert_eq!(
        report.verify(&now_opts(-301)).errors,
        vec![ReportProblem::FutureDated {
            generated_at: ts(T0)
        }]
    );
    // A verifier may tighten the skew.
    assert!(
        !report
            .verify(&now_opts(-10).max_skew(Duration::from_secs(5)))
            .is_valid()
    );

    // Over-long: 24 h + 1 s, signed anyway.
    let long = resign(&report, &identity(7), |b| {
        b["expires_at"] = json!(ts(T0 + 86_401).to_string());
    });
    assert_eq!(
        long.verify(&now_opts(0)).errors,
        vec![ReportProblem::LifetimeTooLong {
            lifetime_secs: 86_401,
            max_secs: 86_400
        }]
    );
    // Exactly 24 h is allowed; older than the verifier's maximum age is not.
    let day = resign(&report, &identity(7), |b| {
        b["expires_at"] = json!(ts(T0 + 86_400).to_string());
    });
    assert!(day.verify(&now_opts(80_000)).is_valid());
    assert_eq!(
        day.verify(&now_opts(80_000).max_age(Duration::from_secs(3600)))
            .errors,
        vec![ReportProblem::TooOld {
            age_secs: 80_000,
            max_secs: 3600
        }]
    );
    // Expiring before (or at) generation.
    let empty = resign(&report, &identity(7), |b| {
        b["expires_at"] = json!(ts(T0).to_string());
    });
    assert!(
        empty
            .verify(&now_opts(0))
            .errors
            .contains(&ReportProblem::EmptyLifetime)
    );
}

#[test]
fn validity_default_and_limits() {
    let clock = clock();
    let me = identity(7);
    let r = full_posture().sign(&me, &clock).unwrap();
    assert_eq!(
        r.body().expires_at.duration_since(r.body().generated_at),
        Some(DEFAULT_VALIDITY)
    );
    assert!(
        full_posture()
            .validity(MAX_VALIDITY)
            .sign(&me, &clock)
            .is_ok()
    );
    for bad in [Duration::ZERO, MAX_VALIDITY + Duration::from_secs(1)] {
        assert_eq!(
            full_posture().validity(bad).sign(&me, &clock).err(),
            Some(GenerateError::Validity)
        );
    }
    // Generation truncates to the second, so the signed times have one spelling.
    clock.advance(Duration::from_millis(1500));
    let r = full_posture().sign(&me, &clock).unwrap();
    assert_eq!(r.body().generated_at, ts(T0 + 1));
}

#[test]
fn the_signing_key_must_belong_to_the_instance() {
    let report = pinned_report();
    // Bob signs a report claiming to be Alice's instance.
    let forged = resign(&report, &identity(8), |_| {});
    let checked = forged.verify(&now_opts(0));
    assert_eq!(
        checked.errors,
        vec![ReportProblem::KeyNotBound(identity(7).id())]
    );
    // Alice's real report swapped onto Bob's key: the signature fails as well.
    let mut v = report.to_value();
    v["signed_by"] = json!(identity(8).public().to_base64url());
    let checked = SignedReport::from_value(v).unwrap().verify(&now_opts(0));
    assert!(checked.errors.contains(&ReportProblem::BadSignature));
    assert!(
        checked
            .errors
            .contains(&ReportProblem::KeyNotBound(identity(7).id()))
    );
    // The verifier can insist on an instance.
    let checked = report.verify(&now_opts(0).expect_instance(identity(8).id()));
    assert_eq!(
        checked.errors,
        vec![ReportProblem::UnexpectedInstance {
            expected: identity(8).id(),
            found: identity(7).id()
        }]
    );
}

fn rotations(keys: &[u8]) -> Vec<RotationEvent> {
    let origin = identity(keys[0]).id();
    keys.windows(2)
        .enumerate()
        .map(|(i, pair)| {
            RotationEvent::sign(
                &identity(pair[0]),
                origin,
                *identity(pair[1]).public(),
                ts(T0 - 1000 + i64::try_from(i).unwrap()),
                "scheduled",
            )
            .unwrap()
        })
        .collect()
}

#[test]
fn rotated_identity_with_and_without_its_chain() {
    let clock = clock();
    let chain = rotations(&[20, 21, 22]);
    let current = identity(22);
    let report = full_posture()
        .rotation_chain(chain.clone())
        .sign(&current, &clock)
        .unwrap();
    assert_eq!(report.body().instance_id, identity(20).id());
    assert_eq!(report.body().key_rotation.len(), 2);
    let checked = report.verify(&now_opts(0));
    assert!(checked.is_valid(), "{:?}", checked.errors);
    assert_eq!(checked.instance_id, Some(identity(20).id()));

    // The same report without its chain: the key is not the instance's.
    let bare = resign(&report, &current, |b| {
        b.as_object_mut().unwrap().remove("key_rotation");
    });
    assert_eq!(
        bare.verify(&now_opts(0)).errors,
        vec![ReportProblem::KeyNotBound(identity(20).id())]
    );
    // A chain missing its last link, a chain with a forged link, a chain leading elsewhere.
    let short = resign(&report, &current, |b| {
        b["key_rotation"].as_array_mut().unwrap().pop();
    });
    assert_eq!(
        short.verify(&now_opts(0)).errors,
        vec![ReportProblem::Rotation(RotationError::WrongCurrentKey)]
    );
    let mut forged = chain.clone();
    forged[1] = RotationEvent::sign(
        &identity(99),
        identity(20).id(),
        *current.public(),
        ts(T0 - 999),
        "x",
    )
    .unwrap();
    let forged = resign(&report, &current, |b| {
        b["key_rotation"] = serde_json::to_value(&forged).unwrap();
    });
    assert_eq!(
        forged.verify(&now_opts(0)).errors,
        vec![ReportProblem::Rotation(RotationError::BrokenLink {
            index: 1
        })]
    );
    let mut tampered = report.to_value();
    tampered["body"]["key_rotation"][0]["reason"] = json!("compromised");
    let checked = SignedReport::from_value(tampered)
        .unwrap()
        .verify(&now_opts(0));
    assert!(checked.errors.contains(&ReportProblem::BadSignature));
    assert!(
        checked
            .errors
            .contains(&ReportProblem::Rotation(RotationError::BadSignature {
                index: 0
            }))
    );
    // The builder refuses to sign with a key the chain does not reach.
    assert!(matches!(
        full_posture()
            .rotation_chain(chain)
            .sign(&identity(23), &clock),
        Err(GenerateError::Rotation(_))
    ));
    // An empty chain member and an over-long chain are malformed.
    let mut empty = report.to_value();
    empty["body"]["key_rotation"] = json!([]);
    assert!(SignedReport::from_value(empty).is_err());
    let mut long = report.to_value();
    let event = long["body"]["key_rotation"][0].clone();
    long["body"]["key_rotation"] = Value::Array(vec![event; MAX_ROTATION_CHAIN + 1]);
    assert!(SignedReport::from_value(long).is_err());
}

#[test]
fn levels_and_critical_degradations() {
    let clock = clock();
    let me = identity(7);
    let level = |b: ReportBuilder| {
        let checked = b.sign(&me, &clock).unwrap().verify(&now_opts(0));
        assert!(checked.is_valid(), "{:?}", checked.errors);
        (checked.level, checked.warnings)
    };
    assert_eq!(level(full_posture()).0, SovereigntyLevel::Full);
    assert_eq!(level(laptop_posture()).0, SovereigntyLevel::Degraded);
    let (lvl, warnings) = level(critical_posture());
    assert_eq!(lvl, SovereigntyLevel::Minimal);
    assert!(warnings.iter().any(|w| matches!(
        w,
        ReportWarning::CriticalDegradation {
            layer: Layer::L1,
            ..
        }
    )));
    // A critical degradation anywhere forces minimal, whatever the statuses say.
    let (lvl, _) = level(full_posture().layer(
        LayerReport::new(Layer::L3, LayerStatus::Active).with_degradation(
            sanctuary_core::health::Degradation {
                severity: Severity::Critical,
                ..no_tee()
            },
        ),
    ));
    assert_eq!(lvl, SovereigntyLevel::Minimal);
    // Informational notes keep the full level (no track record is only info).
    let (lvl, _) = level(
        ReportBuilder::new()
            .layer(l1())
            .layer(LayerReport::new(Layer::L2, LayerStatus::Active))
            .layer(l3())
            .contributor(&ShrHealth::default()),
    );
    assert_eq!(lvl, SovereigntyLevel::Full);
    // No L1 contributor at all: inactive, minimal. No L3: degraded.
    let (lvl, _) = level(
        ReportBuilder::new()
            .layer(l3())
            .contributor(&ShrHealth::default()),
    );
    assert_eq!(lvl, SovereigntyLevel::Minimal);
    let (lvl, _) = level(
        ReportBuilder::new()
            .layer(l1())
            .contributor(&ShrHealth::default()),
    );
    assert_eq!(lvl, SovereigntyLevel::Degraded);
    // A layer claiming "active" with a warning is generated as degraded.
    let r = ReportBuilder::new()
        .layer(l1())
        .layer(LayerReport::new(Layer::L2, LayerStatus::Active).with_degradation(no_tee()))
        .layer(l3())
        .contributor(&ShrHealth::with_track_record(1))
        .sign(&me, &clock)
        .unwrap();
    assert_eq!(r.body().layers[&Layer::L2].status, LayerStatus::Degraded);
    // Hand-signed, the inconsistency is reported and the level is still degraded.
    let lying = resign(&r, &me, |b| b["layers"]["l2"]["status"] = json!("active"));
    let checked = lying.verify(&now_opts(0));
    assert!(checked.is_valid());
    assert_eq!(checked.level, SovereigntyLevel::Degraded);
    assert!(
        checked
            .warnings
            .contains(&ReportWarning::InconsistentStatus(Layer::L2))
    );
    // The claimed level of an invalid report is never trusted.
    let mut tampered = r.to_value();
    tampered["body"]["degradations"] = json!([]);
    let checked = SignedReport::from_value(tampered)
        .unwrap()
        .verify(&now_opts(0));
    assert_eq!(checked.level, SovereigntyLevel::Minimal);
}

#[test]
fn contributors_merge_per_layer() {
    let clock = clock();
    let me = identity(7);
    let r = ReportBuilder::new()
        .layer(l1())
        .layer(
            LayerReport::new(Layer::L2, LayerStatus::Active)
                .with_capability("approval_gate", json!(true)),
        )
        .layer(
            LayerReport::new(Layer::L2, LayerStatus::Degraded)
                .with_capability("context_gate", json!("default-deny"))
                .with_degradation(no_tee()),
        )
        .layer(l3())
        .contributor(&ShrHealth::default())
        .sign(&me, &clock)
        .unwrap();
    let l2 = &r.body().layers[&Layer::L2];
    assert_eq!(l2.status, LayerStatus::Degraded);
    assert_eq!(l2.capabilities.len(), 2);
    assert_eq!(r.body().degradations.len(), 2);
    assert_eq!(r.body().degradations[0].layer, Layer::L2);
    assert_eq!(r.body().degradations[1].layer, Layer::L4);
    // Two contributors disagreeing on one capability is refused, not resolved silently.
    let conflict = ReportBuilder::new()
        .layer(
            LayerReport::new(Layer::L1, LayerStatus::Active)
                .with_capability("encryption", json!("AES-256-GCM")),
        )
        .layer(
            LayerReport::new(Layer::L1, LayerStatus::Active)
                .with_capability("encryption", json!("none")),
        )
        .sign(&me, &clock);
    assert_eq!(
        conflict.err(),
        Some(GenerateError::CapabilityConflict {
            layer: "l1",
            name: "encryption".into()
        })
    );
    // Extensions must be x- names.
    assert!(matches!(
        full_posture()
            .extension("layers", json!(1))
            .sign(&me, &clock),
        Err(GenerateError::Extension(_))
    ));
}

#[test]
fn unknown_members_are_kept_signed_and_reported() {
    let clock = clock();
    let me = identity(7);
    let r = full_posture()
        .extension("x-deployment", json!({"region": "eu-west"}))
        .sign(&me, &clock)
        .unwrap();
    // A newer generator's layer member and layer name, signed.
    let newer = resign(&r, &me, |b| {
        b["layers"]["l2"]["attestation_quote"] = json!("AAAA");
        b["layers"]["l5"] = json!({"status": "active", "capabilities": {}});
    });
    let back = SignedReport::from_json(&newer.to_json()).unwrap();
    assert_eq!(back.raw_body()["x-deployment"]["region"], "eu-west");
    let checked = back.verify(&now_opts(0));
    assert!(checked.is_valid(), "{:?}", checked.errors);
    assert_eq!(checked.level, SovereigntyLevel::Full);
    assert!(
        checked
            .warnings
            .contains(&ReportWarning::UnknownMember("x-deployment".into()))
    );
    assert!(checked.warnings.contains(&ReportWarning::UnknownMember(
        "layers.l2.attestation_quote".into()
    )));
    assert!(
        checked
            .warnings
            .contains(&ReportWarning::UnknownLayer("l5".into()))
    );
    // They are covered by the signature.
    let mut tampered = newer.to_value();
    tampered["body"]["layers"]["l2"]["attestation_quote"] = json!("BBBB");
    let checked = SignedReport::from_value(tampered)
        .unwrap()
        .verify(&now_opts(0));
    assert_eq!(checked.errors, vec![ReportProblem::BadSignature]);
}

#[test]
fn scheme_and_version_are_checked() {
    let report = pinned_report();
    let mut v = report.to_value();
    v["signature_scheme"] = json!("ed25519-sorted-json");
    let checked = SignedReport::from_value(v).unwrap().verify(&now_opts(0));
    assert_eq!(
        checked.errors,
        vec![ReportProblem::UnsupportedScheme(
            "ed25519-sorted-json".into()
        )]
    );
    let v2 = resign(&report, &identity(7), |b| b["shr_version"] = json!("2.0"));
    assert_eq!(
        v2.verify(&now_opts(0)).errors,
        vec![ReportProblem::UnsupportedVersion("2.0".into())]
    );
    // A report signature is not valid for any other purpose (a handshake, an attestation).
    let body = Value::Object(report.raw_body().clone());
    let as_attestation = envelope(&identity(7), Purpose::SHR_ATTESTATION, &body);
    let checked = SignedReport::from_value(as_attestation)
        .unwrap()
        .verify(&now_opts(0));
    assert_eq!(checked.errors, vec![ReportProblem::BadSignature]);
    // Padded base64url reads, and the digest is the same.
    let mut padded = report.to_value();
    let sig = padded["signature"].as_str().unwrap().to_owned() + "==";
    padded["signature"] = json!(sig);
    let p = SignedReport::from_value(padded).unwrap();
    assert!(p.verify(&now_opts(0)).is_valid());
    assert_eq!(p.digest(), report.digest());
}
