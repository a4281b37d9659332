//! Domain-separated JSON signatures: the preimage layout, and properties over arbitrary JSON.

#![expect(
    clippy::indexing_slicing,
    reason = "test helpers outside #[test] functions: a broken fixture must stop the test loudly"
)]

use proptest::prelude::*;
use sanctuary_core::identity::{Identity, SecretSeed, Signature};
use sanctuary_core::purpose::Purpose;
use sanctuary_core::sign::{self, VerifyError};
use serde_json::{Value, json};

fn identity(n: u8) -> Identity {
    Identity::from_seed(&SecretSeed::from_bytes([n; 32]))
}

#[test]
fn preimage_layout_is_exactly_the_documented_one() {
    let body = json!({"b": [1.0, "x"], "a": {"z": null, "y": true}});
    let expected: &[u8] =
        b"sanctuary/shr-report/v1\n{\"a\":{\"y\":true,\"z\":null},\"b\":[1,\"x\"]}";
    assert_eq!(
        sign::preimage(Purpose::SHR_REPORT, &body).unwrap(),
        expected
    );
    // The signature is plain Ed25519 over those bytes: any Ed25519 library can check it.
    let me = identity(3);
    let sig = sign::sign_json(&me, Purpose::SHR_REPORT, &body).unwrap();
    let dalek = ed25519_dalek::Signature::from_bytes(sig.as_bytes());
    assert!(
        me.public()
            .as_dalek()
            .verify_strict(expected, &dalek)
            .is_ok()
    );
}

#[test]
fn purposes_do_not_cross() {
    let me = identity(4);
    let body = json!({"n": 1});
    for signed in Purpose::ALL {
        let sig = sign::sign_json(&me, *signed, &body).unwrap();
        for checked in Purpose::ALL {
            let ok = sign::verify_json(me.public(), *checked, &body, &sig).is_ok();
            assert_eq!(ok, signed == checked, "{signed} vs {checked}");
        }
    }
    let app = Purpose::application("x-demo").unwrap();
    let sig = sign::sign_json(&me, app, &body).unwrap();
    assert!(sign::verify_json(me.public(), app, &body, &sig).is_ok());
}

#[test]
fn unrepresentable_bodies_are_typed_errors() {
    let me = identity(5);
    let deep = (0..200).fold(Value::Null, |v, _| Value::Array(vec![v]));
    assert!(sign::sign_json(&me, Purpose::SHR_REPORT, &deep).is_err());
    let sig = Signature::from_bytes([0; 64]);
    assert!(matches!(
        sign::verify_json(
            me.public(),
            Purpose::SHR_REPORT,
            &json!(9_007_199_254_740_993_u64),
            &sig
        ),
        Err(VerifyError::Canonical(_))
    ));
    assert!(matches!(
        sign::verify_json(me.public(), Purpose::SHR_REPORT, &json!(1), &sig),
        Err(VerifyError::Signature(_))
    ));
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z\\u{e000}\\u{1f600}]{0,4}", inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A different JSON value: wraps, or changes a leaf.
fn mutate(v: &Value, choice: u8) -> Value {
    match (v, choice % 3) {
        (Value::Object(m), 0) if !m.is_empty() => {
            let mut m = m.clone();
            let k = m.keys().next().cloned().unwrap_or_default();
            let old = m.remove(&k).unwrap_or(Value::Null);
            m.insert(k, mutate(&old, choice / 3));
            Value::Object(m)
        }
        (Value::Array(a), 0) if !a.is_empty() => {
            let mut a = a.clone();
            a[0] = mutate(&a[0], choice / 3);
            Value::Array(a)
        }
        (Value::String(s), _) => Value::String(format!("{s}!")),
        (Value::Bool(b), _) => Value::Bool(!b),
        (Value::Null, _) => Value::Bool(false),
        _ => json!([v.clone()]),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn honest_signatures_verify(body in arb_json(), n in 1u8..=255) {
        let me = identity(n);
        let sig = sign::sign_json(&me, Purpose::AUDIT_CHECKPOINT, &body).unwrap();
        prop_assert!(sign::verify_json(me.public(), Purpose::AUDIT_CHECKPOINT, &body, &sig).is_ok());
        // Re-parsing the canonical text gives a value that verifies too.
        let text = String::from_utf8(sanctuary_core::jcs::to_vec(&body).unwrap()).unwrap();
        let reparsed: Value = serde_json::from_str(&text).unwrap();
        prop_assert!(sign::verify_json(me.public(), Purpose::AUDIT_CHECKPOINT, &reparsed, &sig).is_ok());
    }

    #[test]
    fn any_change_fails(body in arb_json(), choice in any::<u8>(), bit in 0usize..512) {
        let me = identity(9);
        let sig = sign::sign_json(&me, Purpose::AUDIT_CHECKPOINT, &body).unwrap();
        // Body.
        let changed = mutate(&body, choice);
        prop_assume!(sanctuary_core::jcs::to_vec(&changed).unwrap() != sanctuary_core::jcs::to_vec(&body).unwrap());
        prop_assert!(sign::verify_json(me.public(), Purpose::AUDIT_CHECKPOINT, &changed, &sig).is_err());
        // Purpose.
        prop_assert!(sign::verify_json(me.public(), Purpose::AUDIT_HEAD, &body, &sig).is_err());
        // Key.
        prop_assert!(sign::verify_json(identity(10).public(), Purpose::AUDIT_CHECKPOINT, &body, &sig).is_err());
        // Any single bit of the signature.
        let mut bytes = sig.to_bytes();
        bytes[bit / 8] ^= 1 << (bit % 8);
        prop_assert!(sign::verify_json(me.public(), Purpose::AUDIT_CHECKPOINT, &body, &Signature::from_bytes(bytes)).is_err());
    }
}

#[test]
fn non_finite_floats_are_refused_not_signed_as_null() {
    #[derive(serde::Serialize)]
    struct Quote {
        price: f64,
        tags: Vec<Option<f32>>,
    }
    let me = identity(6);
    for quote in [
        Quote {
            price: f64::NAN,
            tags: vec![],
        },
        Quote {
            price: 1.0,
            tags: vec![None, Some(f32::INFINITY)],
        },
        Quote {
            price: f64::NEG_INFINITY,
            tags: vec![],
        },
    ] {
        assert!(matches!(
            sign::sign_json(&me, Purpose::SHR_REPORT, &quote),
            Err(sign::SignError::Canonical(
                sanctuary_core::jcs::JcsError::NonFinite
            ))
        ));
    }
    let finite = Quote {
        price: 2.5,
        tags: vec![Some(0.5)],
    };
    let sig = sign::sign_json(&me, Purpose::SHR_REPORT, &finite).unwrap();
    assert!(sign::verify_json(me.public(), Purpose::SHR_REPORT, &finite, &sig).is_ok());
}
