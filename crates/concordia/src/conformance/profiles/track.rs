//! receipt-bundle-v1 and competence-proof-v1, through the crate's own readers and verifiers
//! ([`crate::bundle`], [`crate::competence`]).
//!
//! The contract's checks use only the agent's key (`context.public_key_b64url`): the bundle's
//! schema and signature; the proof's members, count, Merkle inclusion and signature. Both
//! compare `context.canonical_sha256`, when given, with the digest of the signed bytes.

use crate::bundle::ReceiptBundle;
use crate::competence::CompetenceProof;
use crate::conformance::common;
use crate::conformance::{Context, Reject};
use crate::wire;
use serde_json::Value;

/// Compares the optional expected digest with the SHA-256 of the signed bytes.
fn check_digest(context: &Context, preimage: &[u8]) -> Result<(), Reject> {
    match context.get("canonical_sha256") {
        None => Ok(()),
        Some(expected) if expected.as_str() == Some(wire::sha256_ref(preimage).as_str()) => Ok(()),
        Some(_) => Err(Reject::new("canonical digest mismatch")),
    }
}

/// Checks a `receipt-bundle-v1` input: schema, digest, agent signature.
pub(crate) fn receipt_bundle(input: &Value, context: &Context) -> Result<(), Reject> {
    let bundle =
        ReceiptBundle::from_value(input.clone()).map_err(|e| Reject::new(e.to_string()))?;
    let preimage = bundle
        .signing_preimage()
        .map_err(|e| Reject::new(e.to_string()))?;
    check_digest(context, &preimage)?;
    let key = common::public_key(context.get("public_key_b64url").unwrap_or(&Value::Null))?;
    bundle
        .verify_signature(&key)
        .map_err(|e| Reject::new(e.to_string()))
}

/// Checks a `competence-proof-v1` input: members, count, inclusion proofs, digest, signature.
pub(crate) fn competence_proof(input: &Value, context: &Context) -> Result<(), Reject> {
    let proof =
        CompetenceProof::from_value(input.clone()).map_err(|e| Reject::new(e.to_string()))?;
    proof
        .verify_structure()
        .map_err(|e| Reject::new(e.to_string()))?;
    let preimage = proof
        .signing_preimage()
        .map_err(|e| Reject::new(e.to_string()))?;
    check_digest(context, &preimage)?;
    let key = common::public_key(context.get("public_key_b64url").unwrap_or(&Value::Null))?;
    proof
        .verify_signature(&key)
        .map_err(|e| Reject::new(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conformance::{Outcome, evaluate};

    fn vector(text: &str) -> Value {
        wire::parse(text).unwrap()
    }

    const BUNDLE: &str = include_str!(
        "../../../tests/conformance/vectors/positive/pos-synthetic-receipt-bundle.json"
    );
    const PROOF: &str = include_str!(
        "../../../tests/conformance/vectors/positive/pos-synthetic-competence-proof.json"
    );

    #[test]
    fn positive_vectors_accept_and_edits_reject() {
        for text in [BUNDLE, PROOF] {
            let v = vector(text);
            assert_eq!(evaluate(&v), Outcome::Accept);
            // Without the optional digest the signature alone still decides.
            let mut no_digest = v.clone();
            no_digest["context"]
                .as_object_mut()
                .unwrap()
                .remove("canonical_sha256");
            assert_eq!(evaluate(&no_digest), Outcome::Accept);
            let mut bad_digest = v.clone();
            bad_digest["context"]["canonical_sha256"] =
                Value::String(format!("sha256:{}", "0".repeat(64)));
            assert_eq!(evaluate(&bad_digest), Outcome::Reject);
            let mut other_key = no_digest.clone();
            let bob = crate::bundle::tests::identity("bob");
            other_key["context"]["public_key_b64url"] =
                Value::String(wire::encode_public_key(bob.public()));
            assert_eq!(evaluate(&other_key), Outcome::Reject);
            let mut edited = no_digest.clone();
            edited["input"]["created_at"] = Value::String("2026-05-10T14:25:01Z".into());
            assert_eq!(evaluate(&edited), Outcome::Reject);
        }
    }

    #[test]
    fn version_markers_are_unsigned() {
        let mut v = vector(BUNDLE);
        v["input"]["concordia_receipt_bundle"] = Value::String("0.2.0".into());
        assert_eq!(evaluate(&v), Outcome::Accept);
        let mut v = vector(PROOF);
        v["input"]
            .as_object_mut()
            .unwrap()
            .remove("concordia_competence_proof");
        assert_eq!(evaluate(&v), Outcome::Accept);
        // The bundle schema requires its marker.
        let mut v = vector(BUNDLE);
        v["input"]
            .as_object_mut()
            .unwrap()
            .remove("concordia_receipt_bundle");
        assert_eq!(evaluate(&v), Outcome::Reject);
    }

    #[test]
    fn proof_inclusion_is_checked_before_the_signature() {
        let mut v = vector(PROOF);
        v["input"]["merkle_proofs"][0]["index"] = Value::from(1);
        assert!(check_vector_reason(&v).contains("Merkle proof failed"));
    }

    fn check_vector_reason(v: &Value) -> String {
        crate::conformance::check_vector(v).unwrap_err().0
    }
}
