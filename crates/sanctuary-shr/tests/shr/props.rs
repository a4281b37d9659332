//! Property tests: any posture signs, round-trips through JSON and verifies with the level the
//! rules give.

use crate::common::*;
use proptest::prelude::*;
use sanctuary_core::health::{
    Degradation, DegradationCode, Layer, LayerReport, LayerStatus, Severity,
};
use sanctuary_shr::*;
use serde_json::json;

fn status() -> impl Strategy<Value = LayerStatus> {
    prop_oneof![
        Just(LayerStatus::Active),
        Just(LayerStatus::Degraded),
        Just(LayerStatus::Inactive)
    ]
}

fn severity() -> impl Strategy<Value = Severity> {
    prop_oneof![
        Just(Severity::Info),
        Just(Severity::Warning),
        Just(Severity::Critical)
    ]
}

fn layer() -> impl Strategy<Value = Layer> {
    prop_oneof![
        Just(Layer::L1),
        Just(Layer::L2),
        Just(Layer::L3),
        Just(Layer::L4)
    ]
}

/// The level rules, written out independently of the library.
fn oracle(
    statuses: &[(Layer, LayerStatus)],
    degradations: &[(Layer, Severity)],
) -> SovereigntyLevel {
    let effective = |l: Layer| {
        let s = statuses.iter().find(|(x, _)| *x == l).map(|(_, s)| *s);
        match s {
            None => LayerStatus::Inactive,
            Some(LayerStatus::Active)
                if degradations
                    .iter()
                    .any(|(x, sev)| *x == l && *sev >= Severity::Warning) =>
            {
                LayerStatus::Degraded
            }
            Some(s) => s,
        }
    };
    if degradations.iter().any(|(_, s)| *s == Severity::Critical)
        || effective(Layer::L1) == LayerStatus::Inactive
        || effective(Layer::L4) == LayerStatus::Inactive
    {
        SovereigntyLevel::Minimal
    } else if [Layer::L1, Layer::L2, Layer::L3, Layer::L4]
        .iter()
        .all(|&l| effective(l) == LayerStatus::Active)
        && degradations.iter().all(|(_, s)| *s == Severity::Info)
    {
        SovereigntyLevel::Full
    } else {
        SovereigntyLevel::Degraded
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_posture_signs_round_trips_and_gets_the_rule_level(
        present in proptest::collection::vec((layer(), status()), 0..6),
        degradations in proptest::collection::vec((layer(), severity(), "[a-z ]{0,40}"), 0..5),
        cap in "[a-zA-Z0-9 é€]{0,20}",
        validity in 1u64..=86_400,
    ) {
        // One status per layer (the first one given), so the oracle and the merge agree.
        let mut statuses: Vec<(Layer, LayerStatus)> = Vec::new();
        for (l, s) in &present {
            if !statuses.iter().any(|(x, _)| x == l) {
                statuses.push((*l, *s));
            }
        }
        let mut builder = ReportBuilder::new().validity(std::time::Duration::from_secs(validity));
        for (l, s) in &statuses {
            builder = builder.layer(LayerReport::new(*l, *s).with_capability("note", json!(cap)));
        }
        let mut kept = Vec::new();
        for (l, sev, text) in &degradations {
            // A degradation's layer must be reported for it to appear; add it with its status.
            if statuses.iter().any(|(x, _)| x == l) {
                kept.push((*l, *sev));
                builder = builder.layer(LayerReport::new(*l, statuses.iter().find(|(x, _)| x == l).unwrap().1).with_degradation(Degradation {
                    code: DegradationCode::custom("x-prop").unwrap(),
                    severity: *sev,
                    description: text.clone(),
                    mitigation: String::new(),
                }));
            }
        }
        let me = identity(5);
        let report = builder.sign(&me, &clock()).unwrap();
        let back = SignedReport::from_json(&report.to_json()).unwrap();
        prop_assert_eq!(back.digest(), report.digest());
        prop_assert_eq!(back.to_json(), report.to_json());
        let checked = back.verify(&VerifyOptions::at(ts(T0 + 1)));
        prop_assert!(checked.is_valid(), "{:?}", checked.errors);
        prop_assert_eq!(checked.level, oracle(&statuses, &kept));
        prop_assert_eq!(back.body().degradations.len(), kept.len());
        // Past expiry plus skew it is refused.
        let late = back.verify(&VerifyOptions::at(ts(T0 + i64::try_from(validity).unwrap() + 301)));
        prop_assert!(!late.is_valid());
    }
}
