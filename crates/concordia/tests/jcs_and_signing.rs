//! Known-answer tests for the two primitives every signature rests on: RFC 8785 canonical
//! bytes (the AlgoVoi `jcs_edge_v1` set) and Ed25519 over them (the SDK's signing fixtures,
//! whose signatures were produced by the Python package).

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a broken fixture must stop the test loudly"
)]

use concordia::wire;
use sanctuary_core::encoding::{base64url_decode, hex_decode};
use sanctuary_core::identity::{Identity, SecretSeed};
use serde_json::Value;

fn fixture(relative: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conformance")
        .join(relative);
    wire::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Decodes standard (RFC 4648 §4) padded base64 by mapping it onto the URL alphabet.
fn base64_std_decode(text: &str) -> Vec<u8> {
    let url: String = text
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            other => other,
        })
        .collect();
    base64url_decode(&url).unwrap()
}

fn text<'a>(value: &'a Value, name: &str) -> &'a str {
    value[name]
        .as_str()
        .unwrap_or_else(|| panic!("{name} is not a string"))
}

// ---------------------------------------------------------------------------------------------
// JCS edge cases.

#[test]
fn jcs_edge_vectors() {
    let suite = fixture("external/jcs_edge_v1.json");
    assert_eq!(text(&suite, "canon_version"), "jcs-rfc8785-v1");
    let vectors = suite["vectors"].as_array().unwrap();
    assert_eq!(vectors.len(), 10);
    for vector in vectors {
        let id = text(vector, "vector_id");
        let expected_bytes = base64_std_decode(text(vector, "expected_jcs_bytes_b64"));
        let expected_hash = format!("sha256:{}", text(vector, "expected_sha256"));

        let canonical = wire::canonical(&vector["preimage"]).unwrap();
        assert_eq!(
            canonical,
            expected_bytes,
            "{id}: got {}",
            String::from_utf8_lossy(&canonical)
        );
        assert_eq!(wire::sha256_ref(&canonical), expected_hash, "{id}");
        assert_eq!(
            wire::hash_value(&vector["preimage"]).unwrap(),
            expected_hash,
            "{id}"
        );

        // The receipt copy hashes to the recorded content hash (the same bytes).
        let content_hash = format!("sha256:{}", text(vector, "expected_content_hash"));
        assert_eq!(
            wire::hash_value(&vector["receipt"]).unwrap(),
            content_hash,
            "{id}"
        );

        // Canonical output is a fixed point: parsing and re-canonicalising changes nothing.
        let reparsed = wire::parse(std::str::from_utf8(&canonical).unwrap()).unwrap();
        assert_eq!(wire::canonical(&reparsed).unwrap(), canonical, "{id}");
    }
}

#[test]
fn jcs_edge_pair_invariants() {
    let suite = fixture("external/jcs_edge_v1.json");
    let by_id = |id: &str| {
        suite["vectors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["vector_id"] == id)
            .unwrap_or_else(|| panic!("no vector {id}"))
            .clone()
    };
    let invariants = suite["pair_invariants"].as_array().unwrap();
    assert_eq!(invariants.len(), 2);
    for invariant in invariants {
        match text(invariant, "relation") {
            "equal_sha256" => {
                let a = by_id(text(invariant, "a"));
                let b = by_id(text(invariant, "b"));
                assert_eq!(
                    wire::hash_value(&a["preimage"]).unwrap(),
                    wire::hash_value(&b["preimage"]).unwrap()
                );
                assert_eq!(a["expected_sha256"], b["expected_sha256"]);
            }
            "emoji_key_precedes_ffff" => {
                let v = by_id(text(invariant, "vector"));
                let bytes = wire::canonical(&v["preimage"]).unwrap();
                let text = String::from_utf8(bytes).unwrap();
                let emoji = text.find('\u{1F600}').unwrap();
                let ffff = text.find('\u{FFFF}').unwrap();
                assert!(emoji < ffff, "{text}");
            }
            other => panic!("unknown relation {other}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Ed25519 signing fixtures.

fn signing_identity(fixtures: &Value) -> Identity {
    let seed: [u8; 32] = hex_decode(text(fixtures, "seed_hex"))
        .unwrap()
        .try_into()
        .unwrap();
    Identity::from_seed(&SecretSeed::from_bytes(seed))
}

#[test]
fn seed_derives_the_published_public_key() {
    let fixtures = fixture("sdk-fixtures/signing/ed25519_vectors.json");
    assert_eq!(text(&fixtures, "algorithm"), "EdDSA");
    let id = signing_identity(&fixtures);
    let expected = text(&fixtures, "public_key_b64");
    assert_eq!(wire::encode_public_key(id.public()), expected);
    assert_eq!(wire::decode_public_key(expected).unwrap(), *id.public());
    assert_eq!(
        wire::decode_public_key(expected.trim_end_matches('=')).unwrap(),
        *id.public()
    );
}

#[test]
fn every_case_canonicalises_signs_and_verifies() {
    let fixtures = fixture("sdk-fixtures/signing/ed25519_vectors.json");
    let id = signing_identity(&fixtures);
    let cases = fixtures["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 8);
    for (i, case) in cases.iter().enumerate() {
        let payload = case["payload"].as_object().unwrap();
        let expected_signature = text(case, "expected_signature");

        // The preimage is the JCS of the payload without a top-level `signature`.
        let preimage = wire::canonical_without(payload, &["signature"]).unwrap();
        assert_eq!(
            std::str::from_utf8(&preimage).unwrap(),
            text(case, "expected_canonical"),
            "case {i}"
        );

        // Ed25519 is deterministic: the same bytes as the Python signer, padded.
        let signature = wire::sign_object(payload, &["signature"], &id).unwrap();
        assert_eq!(signature, expected_signature, "case {i}");
        assert!(signature.ends_with("=="), "case {i}: {signature}");
        assert_eq!(signature.len(), 88);
        assert_eq!(
            wire::encode_signature(&id.sign_bytes(&preimage)),
            expected_signature,
            "case {i}"
        );

        // Verifies padded and unpadded.
        wire::verify_object(payload, &["signature"], expected_signature, id.public()).unwrap();
        wire::verify_object(
            payload,
            &["signature"],
            expected_signature.trim_end_matches('='),
            id.public(),
        )
        .unwrap();
        // Over the payload *with* its signature member (where one exists) it does not.
        if payload.contains_key("signature") {
            assert!(wire::verify_object(payload, &[], expected_signature, id.public()).is_err());
        }
    }
}

#[test]
fn tampering_is_detected() {
    let fixtures = fixture("sdk-fixtures/signing/ed25519_vectors.json");
    let id = signing_identity(&fixtures);
    let tamper = &fixtures["tamper"];
    let base = tamper["base_payload"].as_object().unwrap();
    let tampered = tamper["tampered_payload"].as_object().unwrap();
    let valid = text(tamper, "valid_signature");
    let flipped = text(tamper, "flipped_signature");
    let wrong_key = wire::decode_public_key(text(tamper, "wrong_public_key_b64")).unwrap();

    assert_eq!(wire::sign_object(base, &["signature"], &id).unwrap(), valid);
    wire::verify_object(base, &["signature"], valid, id.public()).unwrap();
    assert_eq!(
        wire::verify_object(tampered, &["signature"], valid, id.public()),
        Err(wire::WireError::BadSignature)
    );
    assert_eq!(
        wire::verify_object(base, &["signature"], flipped, id.public()),
        Err(wire::WireError::BadSignature)
    );
    assert_eq!(
        wire::verify_object(base, &["signature"], valid, &wrong_key),
        Err(wire::WireError::BadSignature)
    );
    // Truncated, extended, and non-base64url signatures are refused before verification.
    for bad in [&valid[..80], &format!("{valid}AA"), "not a signature", ""] {
        assert_eq!(
            wire::verify_object(base, &["signature"], bad, id.public()),
            Err(wire::WireError::SignatureEncoding),
            "{bad}"
        );
    }
    // Standard-alphabet base64 of the same bytes is not base64url.
    let standard: String = valid
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            other => other,
        })
        .collect();
    if standard != valid {
        assert!(wire::verify_object(base, &["signature"], &standard, id.public()).is_err());
    }
}
