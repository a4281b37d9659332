//! RFC 8785 known answers (data-driven), third-party edge vectors, limits and properties.

#![expect(
    clippy::panic,
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions: a broken fixture must stop the test loudly"
)]

use proptest::prelude::*;
use sanctuary_core::digest::Digest;
use sanctuary_core::encoding::{base64url_decode, hex_decode};
use sanctuary_core::jcs::{self, JcsError, MAX_DEPTH};
use serde_json::Value;

fn load(path: &str) -> Value {
    let text = std::fs::read_to_string(format!("{}/tests/data/{path}", env!("CARGO_MANIFEST_DIR")))
        .expect("vector file");
    serde_json::from_str(&text).expect("vector json")
}

fn str_field<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_else(|| panic!("field {k} in {v}"))
}

#[test]
fn known_answers_canonical() {
    let data = load("jcs_known_answers.json");
    let cases = data["canonical"].as_array().unwrap();
    assert!(cases.len() >= 40, "only {} canonical cases", cases.len());
    for case in cases {
        let name = str_field(case, "name");
        let got = jcs::from_str(str_field(case, "input"))
            .unwrap_or_else(|e| panic!("{name}: unexpected error {e}"));
        let expected = str_field(case, "expected");
        assert_eq!(String::from_utf8(got.clone()).unwrap(), expected, "{name}");
        // The canonical form is a fixed point.
        assert_eq!(
            jcs::from_str(expected).unwrap(),
            got,
            "{name}: not idempotent"
        );
    }
}

#[test]
fn known_answers_rejected() {
    let data = load("jcs_known_answers.json");
    for case in data["rejected"].as_array().unwrap() {
        let name = str_field(case, "name");
        let err = jcs::from_str(str_field(case, "input")).expect_err(&format!("{name}: accepted"));
        let class = match err {
            JcsError::Syntax { .. } => "syntax",
            JcsError::DuplicateKey { .. } => "duplicate",
            JcsError::InexactInteger { .. } => "inexact",
            JcsError::TooDeep { .. } => "depth",
            other => panic!("{name}: unexpected error class {other:?}"),
        };
        assert_eq!(class, str_field(case, "error"), "{name}: {err}");
    }
}

#[test]
fn known_answers_number_bits() {
    let data = load("jcs_known_answers.json");
    for case in data["number_bits"].as_array().unwrap() {
        let bits = hex_decode(str_field(case, "bits")).unwrap();
        let value = f64::from_bits(u64::from_be_bytes(bits.try_into().unwrap()));
        let expected = str_field(case, "expected");
        assert_eq!(
            jcs::format_f64(value).as_deref(),
            Some(expected),
            "{value:e}"
        );
        // The same through the Value path, and the canonical text parses back to the same double.
        let got = jcs::to_vec(&serde_json::json!(value)).unwrap();
        assert_eq!(got, expected.as_bytes());
        let back: f64 = expected.parse().unwrap();
        assert_eq!(back.to_bits() & !(1 << 63), value.to_bits() & !(1 << 63));
    }
    for bits in data["nonfinite_bits"].as_array().unwrap() {
        let bits = hex_decode(bits.as_str().unwrap()).unwrap();
        let value = f64::from_bits(u64::from_be_bytes(bits.try_into().unwrap()));
        assert_eq!(jcs::format_f64(value), None);
    }
}

#[test]
fn third_party_edge_vectors() {
    let data = load("external/jcs_edge_v1.json");
    let vectors = data["vectors"].as_array().unwrap();
    assert_eq!(vectors.len(), 10);
    for v in vectors {
        let id = str_field(v, "vector_id");
        let expected = base64url_decode(
            &str_field(v, "expected_jcs_bytes_b64")
                .replace('+', "-")
                .replace('/', "_"),
        )
        .unwrap();
        let got = jcs::to_vec(&v["preimage"]).unwrap();
        assert_eq!(got, expected, "{id}");
        assert_eq!(
            Digest::sha256(&got).to_hex(),
            str_field(v, "expected_sha256"),
            "{id}"
        );
        // And through the text path.
        let text = serde_json::to_string(&v["preimage"]).unwrap();
        assert_eq!(jcs::from_str(&text).unwrap(), expected, "{id}");
    }
}

fn nested(depth: usize, open: &str, close: &str) -> String {
    format!("{}{}", open.repeat(depth), close.repeat(depth))
}

#[test]
fn depth_limit_is_the_same_for_text_and_values() {
    // Deepest accepted: MAX_DEPTH nested containers, arrays or objects.
    let deepest = nested(MAX_DEPTH, "[", "]");
    assert_eq!(jcs::from_str(&deepest).unwrap(), deepest.as_bytes());
    let objects = format!("{}1{}", "{\"a\":".repeat(MAX_DEPTH), "}".repeat(MAX_DEPTH));
    assert_eq!(jcs::from_str(&objects).unwrap(), objects.as_bytes());
    // One more is refused by the parser…
    let too_deep = nested(MAX_DEPTH + 1, "[", "]");
    assert_eq!(
        jcs::from_str(&too_deep),
        Err(JcsError::TooDeep { max: MAX_DEPTH })
    );
    // …and by the canonicaliser, for a value built in code.
    let mut value = Value::Null;
    for _ in 0..=MAX_DEPTH {
        value = Value::Array(vec![value]);
    }
    assert_eq!(
        jcs::to_vec(&value),
        Err(JcsError::TooDeep { max: MAX_DEPTH })
    );
    let mut out = b"prefix".to_vec();
    assert!(jcs::append_to(&value, &mut out).is_err());
    assert_eq!(
        out, b"prefix",
        "a failed append must leave the buffer as it was"
    );
}

#[test]
fn typed_integers_beyond_2_53() {
    assert_eq!(
        jcs::to_vec(&serde_json::json!(9_007_199_254_740_992_u64)).unwrap(),
        b"9007199254740992"
    );
    assert!(matches!(
        jcs::to_vec(&serde_json::json!(9_007_199_254_740_993_u64)),
        Err(JcsError::InexactInteger { value }) if value == "9007199254740993"
    ));
    assert!(matches!(
        jcs::to_vec(&serde_json::json!(i64::MIN)),
        Err(JcsError::InexactInteger { value }) if value == "-9223372036854775808"
    ));
    assert_eq!(
        jcs::to_vec(&serde_json::json!(-(1_i64 << 53))).unwrap(),
        b"-9007199254740992"
    );
}

#[test]
fn syntax_errors_carry_position() {
    match jcs::from_str("{\n  \"a\": trux\n}") {
        Err(JcsError::Syntax {
            line,
            column,
            reason,
        }) => {
            assert_eq!(line, 2);
            assert!(column > 0);
            assert!(!reason.contains(" at line "), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        jcs::from_str(r#"{"k":1,"k":2}"#),
        Err(JcsError::DuplicateKey { name: "k".into() })
    );
}

#[test]
fn serialize_path_matches_value_path() {
    #[derive(serde::Serialize)]
    struct Offer<'a> {
        price: f64,
        item: &'a str,
        qty: u32,
    }
    let bytes = jcs::from_serialize(&Offer {
        price: 12.50,
        item: "gpu",
        qty: 3,
    })
    .unwrap();
    assert_eq!(bytes, br#"{"item":"gpu","price":12.5,"qty":3}"#);
    let mut non_string_keys = std::collections::BTreeMap::new();
    non_string_keys.insert(vec![1u8], 1);
    assert!(matches!(
        jcs::from_serialize(&non_string_keys),
        Err(JcsError::Unrepresentable { .. })
    ));
}

// ---- properties -------------------------------------------------------------------------

fn arb_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i32>().prop_map(|i| serde_json::json!(i)),
        (-(1_i64 << 53)..=(1_i64 << 53)).prop_map(|i| serde_json::json!(i)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| serde_json::json!(f)),
        (-1000i32..1000, -30i32..30)
            .prop_map(|(m, e)| serde_json::json!(f64::from(m) * 10f64.powi(e))),
    ]
}

fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{0,6}",
        any::<String>(),
        proptest::collection::vec(
            prop_oneof![
                Just('\u{0}'),
                Just('"'),
                Just('\\'),
                Just('\u{7f}'),
                Just('\u{e000}'),
                Just('\u{ffff}'),
                Just('\u{10000}'),
                Just('\u{1f600}'),
                Just('é'),
                Just('\n'),
            ],
            0..5
        )
        .prop_map(|cs| cs.into_iter().collect()),
    ]
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        arb_number(),
        arb_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(arb_string(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Writes `v` as JSON text with random whitespace, reversed member order and another number
/// spelling: a different text for the same JSON value.
fn respell(v: &Value, noise: &mut impl Iterator<Item = u8>) -> String {
    let mut pad = || -> &'static str {
        match noise.next().unwrap_or(0) % 4 {
            0 => "",
            1 => " ",
            2 => "\n\t",
            _ => "\r\n ",
        }
    };
    let (before, after) = (pad(), pad());
    let body = match v {
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(|i| respell(i, noise)).collect();
            format!("[{}]", parts.join(","))
        }
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .rev()
                .map(|(k, v)| {
                    format!(
                        "{}:{}",
                        serde_json::to_string(k).unwrap(),
                        respell(v, noise)
                    )
                })
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        // Rust's exponent spelling (`1.5e-7`, `1e0`) differs from ECMAScript's; same double.
        Value::Number(n) if n.is_f64() => format!("{:e}", n.as_f64().unwrap()),
        other => other.to_string(),
    };
    format!("{before}{body}{after}")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn canonicalisation_is_idempotent(v in arb_json()) {
        let once = jcs::to_vec(&v).unwrap();
        let text = std::str::from_utf8(&once).unwrap();
        prop_assert_eq!(jcs::from_str(text).unwrap(), once.clone());
        // And the canonical text denotes the same value.
        prop_assert_eq!(jcs::to_vec(&jcs::parse(text).unwrap()).unwrap(), once);
    }

    #[test]
    fn spelling_does_not_matter(v in arb_json(), noise in proptest::collection::vec(any::<u8>(), 64)) {
        let canonical = jcs::to_vec(&v).unwrap();
        let respelled = respell(&v, &mut noise.into_iter().cycle());
        prop_assert_eq!(jcs::from_str(&respelled).unwrap(), canonical);
    }

    #[test]
    fn arbitrary_text_never_panics(s in any::<String>()) {
        let _ = jcs::from_str(&s);
    }
}
