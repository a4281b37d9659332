//! attestation-v1, attestation-countersign-v1 and cosign-v1: the contract's checks, composed
//! from the crate's own receipt verifiers ([`crate::attestation`], [`crate::cosign`]).

use crate::attestation::{self, PrivacyScan};
use crate::conformance::common;
use crate::conformance::{Context, Reject, require_schema};
use crate::cosign::{self, CosignExpectation};
use crate::schema::SchemaName;
use sanctuary_core::identity::PublicKey;
use serde_json::Value;
use std::collections::BTreeMap;

/// Python truthiness of a context flag (`true`, a non-zero number, a non-empty string, list
/// or object), as the reference runner tests `context.get(...)`.
fn truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|x| x != 0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
    }
}

/// `context.public_keys_b64url` as a key map; entries that are not valid keys are left out
/// (so the party they name has no key and is rejected).
fn key_map(context: &Context) -> Result<BTreeMap<String, PublicKey>, Reject> {
    let keys = context
        .get("public_keys_b64url")
        .and_then(Value::as_object)
        .ok_or_else(|| Reject::new("attestation public keys are missing"))?;
    Ok(keys
        .iter()
        .filter_map(|(id, key)| common::public_key(key).ok().map(|k| (id.clone(), k)))
        .collect())
}

fn reject(error: impl std::fmt::Display) -> Reject {
    Reject::new(error.to_string())
}

/// Checks an `attestation-v1` input: the raw-term scan when `forbid_raw_deal_terms`, the
/// schema, every party signature, and the expected verified-party set.
pub(crate) fn attestation(input: &Value, context: &Context) -> Result<(), Reject> {
    if truthy(context.get("forbid_raw_deal_terms")) {
        attestation::scan_raw_deal_terms(input, PrivacyScan::Strict).map_err(reject)?;
    }
    require_schema(SchemaName::Attestation, input)?;
    let keys = key_map(context)?;
    let mut verified = attestation::verify_party_signatures(input, &keys).map_err(reject)?;
    if let Some(expected) = context.get("expected_verified_parties") {
        let mut expected: Vec<&str> = expected
            .as_array()
            .ok_or_else(|| Reject::new("expected_verified_parties is not a list"))?
            .iter()
            .map(|v| {
                v.as_str()
                    .ok_or_else(|| Reject::new("expected party is not a string"))
            })
            .collect::<Result<_, _>>()?;
        expected.sort_unstable();
        verified.sort_unstable();
        if verified != expected {
            return Err(Reject::new("attestation verified party set mismatch"));
        }
    }
    Ok(())
}

/// Checks an `attestation-countersign-v1` input: the schema, the preimage digest when given,
/// and a verifying countersignature from each listed countersigner.
pub(crate) fn attestation_countersign(input: &Value, context: &Context) -> Result<(), Reject> {
    require_schema(SchemaName::Attestation, input)?;
    let keys = key_map(context)?;
    let signers = context
        .get("countersigners")
        .and_then(Value::as_array)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Reject::new("countersigners are missing"))?;
    let countersignatures = input
        .get("countersignatures")
        .and_then(Value::as_object)
        .ok_or_else(|| Reject::new("countersignatures are missing"))?;
    let preimage = attestation::countersign_preimage(input).map_err(reject)?;
    if let Some(expected) = context.get("canonical_sha256")
        && expected.as_str() != Some(crate::wire::sha256_ref(&preimage).as_str())
    {
        return Err(Reject::new("attestation countersignature digest mismatch"));
    }
    for signer in signers {
        let signer = signer
            .as_str()
            .ok_or_else(|| Reject::new("countersigner is not a string"))?;
        let signature = countersignatures
            .get(signer)
            .and_then(Value::as_str)
            .ok_or_else(|| Reject::new("countersignature is missing"))?;
        let key = keys
            .get(signer)
            .ok_or_else(|| Reject::new("countersigner key is missing"))?;
        attestation::verify_countersignature(input, signature, key).map_err(reject)?;
    }
    Ok(())
}

/// Checks a `cosign-v1` input: the counterparty's `did:key` matches its key and differs from
/// the publisher, exactly one party entry is the counterparty's, the preimage digest matches
/// when given, and its signature verifies over the signature-stripped receipt.
pub(crate) fn cosign(input: &Value, context: &Context) -> Result<(), Reject> {
    let text = |key: &str| {
        context
            .get(key)
            .and_then(Value::as_str)
            .ok_or_else(|| Reject::new("cosign context is missing"))
    };
    let counterparty_did = text("counterparty_did")?;
    let publisher_did = text("publisher_did")?;
    let key = common::public_key(
        context
            .get("counterparty_public_key_b64url")
            .unwrap_or(&Value::Null),
    )?;
    let expectation = CosignExpectation {
        counterparty_did,
        publisher_did,
        counterparty_key: Some(key),
        canonical_sha256: match context.get("canonical_sha256") {
            None => None,
            Some(v) => Some(
                v.as_str()
                    .ok_or_else(|| Reject::new("canonical_sha256 is not a string"))?,
            ),
        },
    };
    cosign::verify_cosigned_receipt(input, &expectation).map_err(reject)?;
    Ok(())
}
