//! The compact portable receipt and its counterparty co-signature (the reference's
//! `cosign.py`).
//!
//! A portable receipt is the small record a publisher reports about a session (outcome,
//! rounds, duration, concessions, fulfilment; never deal terms). Signed by the publisher alone
//! it proves nothing about the counterparty, so the counterparty co-signs it: an Ed25519
//! signature over the canonical bytes of the receipt **with every `signature` member removed
//! at every depth**, placed as the `signature` of the counterparty's single `parties[]`
//! entry. The counterparty is named by a `did:key` that embeds its key, so a verifier needs
//! no resolution.
//!
//! **The `did:key` form here is not the W3C one**: the reference writes
//! `did:key:z` + unpadded base64url of `0xed 0x01 ‖ key` (the multicodec prefix and the raw
//! key), where the standard uses base58btc. [`ed25519_did_key`] and
//! [`public_key_from_did_key`] read and write the reference's form;
//! `sanctuary_core::identity::PublicKey::to_did_key` writes the standard one.
//!
//! Co-signatures are written **unpadded** (the compact lane), unlike attestation signatures.
//!
//! ```
//! use concordia::cosign::{self, CosignExpectation, ReceiptOptions, SessionReport};
//! use concordia::types::{FulfillmentStatus, OutcomeStatus};
//! use sanctuary_core::identity::{Identity, SecretSeed, Signer};
//!
//! let publisher = Identity::from_seed(&SecretSeed::from_bytes([1; 32]));
//! let counterparty = Identity::from_seed(&SecretSeed::from_bytes([2; 32]));
//! let publisher_did = cosign::ed25519_did_key(&publisher.public_key());
//! let report = SessionReport {
//!     session_id: "ses_1".into(),
//!     counterparty_did: cosign::ed25519_did_key(&counterparty.public_key()),
//!     outcome: OutcomeStatus::Agreed,
//!     rounds: 4,
//!     duration_seconds: 312,
//!     terms_count: 3,
//!     concessions_made: 2,
//!     fulfillment_status: FulfillmentStatus::Fulfilled,
//! };
//! let signer = cosign::KeyCosigner(&counterparty);
//! let receipt = cosign::build_cosigned_receipt(&report, &publisher_did, Some(&signer), &ReceiptOptions::default());
//! cosign::verify_cosigned_receipt(&receipt, &CosignExpectation::new(&report.counterparty_did, &publisher_did))?;
//! # Ok::<(), cosign::CosignError>(())
//! ```
//!
//! # Deviations from the Python reference
//!
//! * [`build_cosigned_receipt`] places a co-signature only if it is base64url of 64 bytes and,
//!   when the counterparty's DID is a `did:key` (this form or the standard base58 one),
//!   verifies under it; otherwise the receipt stays single-signed. The reference places
//!   whatever non-empty string the collector returns.
//! * [`public_key_from_did_key`] accepts only the canonical spelling (unpadded, canonical
//!   trailing bits) and a valid Ed25519 point.
//! * [`verify_cosigned_receipt`] (the reference has no verifier; it follows the conformance
//!   contract) also requires the receipt's `counterparty_did` to be the expected one and the
//!   publisher to appear exactly once among the parties.
//! * Report fields are typed (the outcome and the fulfilment status are the protocol's
//!   enumerations); the reference copies whatever the reporting client passed.

use crate::types::{FulfillmentStatus, OutcomeStatus};
use crate::wire::{self, WireError};
use sanctuary_core::encoding::{Padding, base64url_decode, base64url_encode};
use sanctuary_core::identity::{PublicKey, Signer};
use serde_json::{Map, Value};
use std::fmt;

/// The prefix of the reference's Ed25519 `did:key` (`z` is the multibase marker).
pub const DID_KEY_PREFIX: &str = "did:key:z";
/// The multicodec prefix of an Ed25519 public key.
pub const ED25519_MULTICODEC: [u8; 2] = [0xed, 0x01];
/// The protocol version a portable receipt carries by default.
pub const DEFAULT_RECEIPT_PROTOCOL_VERSION: &str = "0.5";

/// Why a co-signature could not be produced, placed or verified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CosignError {
    /// The receipt is not a JSON object.
    #[error("receipt is not a json object")]
    NotObject,
    /// The signature to place is empty.
    #[error("refusing to place an empty counterparty signature")]
    EmptySignature,
    /// The receipt has no `parties` list.
    #[error("receipt has no parties[] to carry a co-signature")]
    NoParties,
    /// No party entry is the counterparty's.
    #[error("no parties[] entry matches counterparty_did {did}")]
    NoCounterparty {
        /// The counterparty DID (Python-quoted).
        did: PyQuoted,
    },
    /// Several party entries are the counterparty's.
    #[error(
        "ambiguous: {count} parties[] entries match counterparty_did {did}; refusing to co-sign"
    )]
    AmbiguousCounterparty {
        /// How many entries match.
        count: usize,
        /// The counterparty DID (Python-quoted).
        did: PyQuoted,
    },
    /// The DID is not an Ed25519 `did:key` in the reference's base64url form.
    #[error("counterparty DID is not an Ed25519 did:key")]
    NotDidKey,
    /// The given public key does not derive the expected `did:key`.
    #[error("did:key derivation mismatch")]
    DidKeyMismatch,
    /// Publisher and counterparty are the same DID (a self-minted receipt).
    #[error("counterparty DID equals publisher DID")]
    SelfSigned,
    /// The receipt names another counterparty.
    #[error("receipt counterparty_did is not the expected counterparty")]
    CounterpartyMismatch,
    /// The publisher is not exactly one of the parties.
    #[error("publisher does not appear exactly once among the parties")]
    PublisherNotUnique,
    /// The counterparty entry has no signature.
    #[error("counterparty signature is missing")]
    MissingSignature,
    /// The preimage digest differs from the expected one.
    #[error("cosign digest mismatch")]
    DigestMismatch,
    /// The signature is malformed or does not verify; or canonicalisation failed.
    #[error(transparent)]
    Wire(#[from] WireError),
}

/// A string written as Python's `repr` writes a plain string (`'did:key:z…'`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyQuoted(pub String);

impl fmt::Display for PyQuoted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.contains('\'') && !self.0.contains('"') {
            write!(f, "\"{}\"", self.0)
        } else {
            write!(f, "'{}'", self.0.replace('\\', "\\\\").replace('\'', "\\'"))
        }
    }
}

/// The bytes a counterparty co-signs: the canonical (JCS) form of the receipt with every
/// `signature` member removed at every depth.
pub fn canonical_cosign_bytes(receipt: &Value) -> Result<Vec<u8>, CosignError> {
    Ok(wire::canonical(&wire::strip_signatures_recursive(receipt))?)
}

/// The reference's `did:key` of an Ed25519 key: `did:key:z` + unpadded base64url of
/// `0xed 0x01 ‖ key`.
#[must_use]
pub fn ed25519_did_key(key: &PublicKey) -> String {
    let mut raw = Vec::with_capacity(34);
    raw.extend_from_slice(&ED25519_MULTICODEC);
    raw.extend_from_slice(key.as_bytes());
    format!(
        "{DID_KEY_PREFIX}{}",
        base64url_encode(&raw, Padding::Unpadded)
    )
}

/// The key inside a `did:key` in the reference's form; only the canonical spelling of a valid
/// Ed25519 key is accepted.
pub fn public_key_from_did_key(did: &str) -> Result<PublicKey, CosignError> {
    let encoded = did
        .strip_prefix(DID_KEY_PREFIX)
        .ok_or(CosignError::NotDidKey)?;
    // 34 bytes take 46 characters; anything longer is not a key.
    if encoded.len() != 46 {
        return Err(CosignError::NotDidKey);
    }
    let raw = base64url_decode(encoded).map_err(|_| CosignError::NotDidKey)?;
    let key: [u8; 32] = raw
        .strip_prefix(&ED25519_MULTICODEC[..])
        .and_then(|k| <[u8; 32]>::try_from(k).ok())
        .ok_or(CosignError::NotDidKey)?;
    let key = PublicKey::from_bytes(&key).map_err(|_| CosignError::NotDidKey)?;
    if ed25519_did_key(&key) != did {
        return Err(CosignError::NotDidKey);
    }
    Ok(key)
}

/// The key of a `did:key` in the reference's base64url form or the standard base58 form.
fn any_did_key(did: &str) -> Option<PublicKey> {
    public_key_from_did_key(did)
        .ok()
        .or_else(|| PublicKey::from_did_key(did).ok())
}

/// The counterparty's co-signature over [`canonical_cosign_bytes`], **unpadded** base64url.
pub fn cosign_receipt(receipt: &Value, signer: &dyn Signer) -> Result<String, CosignError> {
    let signature = signer
        .sign(&canonical_cosign_bytes(receipt)?)
        .map_err(|e| WireError::Signer(e.to_string()))?;
    Ok(signature.to_base64url(Padding::Unpadded))
}

/// A copy of `receipt` with `signature` set on the single party entry whose `agent_id` is
/// `counterparty_did`. Refuses an empty signature, a receipt without `parties`, and zero or
/// several matching entries (an attacker must not smuggle in a second counterparty entry).
pub fn place_counterparty_cosignature(
    receipt: &Value,
    counterparty_did: &str,
    signature: &str,
) -> Result<Value, CosignError> {
    if signature.is_empty() {
        return Err(CosignError::EmptySignature);
    }
    let parties = receipt
        .get("parties")
        .and_then(Value::as_array)
        .ok_or(CosignError::NoParties)?;
    let matches: Vec<usize> = parties
        .iter()
        .enumerate()
        .filter(|(_, p)| p.get("agent_id").and_then(Value::as_str) == Some(counterparty_did))
        .map(|(i, _)| i)
        .collect();
    let index = match matches.as_slice() {
        [] => {
            return Err(CosignError::NoCounterparty {
                did: PyQuoted(counterparty_did.to_owned()),
            });
        }
        [one] => *one,
        many => {
            return Err(CosignError::AmbiguousCounterparty {
                count: many.len(),
                did: PyQuoted(counterparty_did.to_owned()),
            });
        }
    };
    let mut out = receipt.clone();
    if let Some(Value::Object(party)) = out
        .get_mut("parties")
        .and_then(Value::as_array_mut)
        .and_then(|p| p.get_mut(index))
    {
        party.insert("signature".into(), Value::String(signature.to_owned()));
    }
    Ok(out)
}

/// What a publisher reports about a session (behavioural signals only; never deal terms).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionReport {
    /// The session id.
    pub session_id: String,
    /// The counterparty's DID (a `did:key` so the co-signature can be verified offline).
    pub counterparty_did: String,
    /// How the session ended.
    pub outcome: OutcomeStatus,
    /// Offers and counters exchanged.
    pub rounds: u32,
    /// Seconds from opening to conclusion.
    pub duration_seconds: u64,
    /// Number of terms negotiated.
    pub terms_count: u32,
    /// Concessions the publisher made.
    pub concessions_made: u32,
    /// Whether the agreement was carried out.
    pub fulfillment_status: FulfillmentStatus,
}

/// Envelope options of a portable receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptOptions {
    /// The `concordia` member (default `"0.5"`).
    pub protocol_version: String,
    /// Whether the session ran over the degraded (non-Concordia) path.
    pub graceful_degradation: bool,
}

impl Default for ReceiptOptions {
    fn default() -> Self {
        ReceiptOptions {
            protocol_version: DEFAULT_RECEIPT_PROTOCOL_VERSION.to_owned(),
            graceful_degradation: false,
        }
    }
}

/// The single-signed portable receipt: the publisher first (it authenticates the publishing
/// envelope, so no signature here), then the counterparty (whose signature the co-sign step
/// adds).
#[must_use]
pub fn build_concordia_receipt(
    report: &SessionReport,
    publisher_did: &str,
    options: &ReceiptOptions,
) -> Value {
    let mut outcome = Map::new();
    outcome.insert(
        "status".into(),
        Value::String(report.outcome.as_str().into()),
    );
    outcome.insert("rounds".into(), Value::from(report.rounds));
    outcome.insert(
        "duration_seconds".into(),
        Value::from(report.duration_seconds),
    );
    outcome.insert("terms_count".into(), Value::from(report.terms_count));

    let party = |agent_id: &str, role: &str, behavior: Map<String, Value>| {
        let mut p = Map::new();
        p.insert("agent_id".into(), Value::String(agent_id.to_owned()));
        p.insert("role".into(), Value::String(role.to_owned()));
        p.insert("behavior".into(), Value::Object(behavior));
        Value::Object(p)
    };
    let mut publisher_behavior = Map::new();
    publisher_behavior.insert("concessions".into(), Value::from(report.concessions_made));

    let mut fulfillment = Map::new();
    fulfillment.insert(
        "status".into(),
        Value::String(report.fulfillment_status.as_str().into()),
    );

    let mut receipt = Map::new();
    receipt.insert(
        "concordia".into(),
        Value::String(options.protocol_version.clone()),
    );
    receipt.insert(
        "session_id".into(),
        Value::String(report.session_id.clone()),
    );
    receipt.insert(
        "counterparty_did".into(),
        Value::String(report.counterparty_did.clone()),
    );
    receipt.insert("outcome".into(), Value::Object(outcome));
    receipt.insert(
        "parties".into(),
        Value::Array(vec![
            party(publisher_did, "initiator", publisher_behavior),
            party(&report.counterparty_did, "responder", Map::new()),
        ]),
    );
    receipt.insert("fulfillment".into(), Value::Object(fulfillment));
    receipt.insert(
        "graceful_degradation".into(),
        Value::Bool(options.graceful_degradation),
    );
    Value::Object(receipt)
}

/// Collects the counterparty's co-signature over a receipt (in a live negotiation, a round
/// trip to the counterparty agent). `None` means the counterparty is unavailable.
pub trait CounterpartySigner {
    /// The co-signature (base64url) over [`canonical_cosign_bytes`] of `receipt`.
    fn cosign(&self, receipt: &Value) -> Option<String>;
}

impl<F: Fn(&Value) -> Option<String>> CounterpartySigner for F {
    fn cosign(&self, receipt: &Value) -> Option<String> {
        self(receipt)
    }
}

/// A [`CounterpartySigner`] backed by a key held in this process.
#[derive(Debug, Clone, Copy)]
pub struct KeyCosigner<'a, S: ?Sized>(pub &'a S);

impl<S: Signer + ?Sized> CounterpartySigner for KeyCosigner<'_, S> {
    fn cosign(&self, receipt: &Value) -> Option<String> {
        let signature = self.0.sign(&canonical_cosign_bytes(receipt).ok()?).ok()?;
        Some(signature.to_base64url(Padding::Unpadded))
    }
}

/// Builds a receipt and has the counterparty co-sign it. Fails closed to the single-signed
/// receipt when there is no collector, it returns nothing, the signature is malformed or does
/// not verify under the counterparty's `did:key`, or it cannot be placed; a co-signature is
/// never fabricated or left empty.
#[must_use]
pub fn build_cosigned_receipt(
    report: &SessionReport,
    publisher_did: &str,
    counterparty: Option<&dyn CounterpartySigner>,
    options: &ReceiptOptions,
) -> Value {
    let receipt = build_concordia_receipt(report, publisher_did, options);
    let Some(collector) = counterparty else {
        return receipt;
    };
    let Some(signature) = collector.cosign(&receipt).filter(|s| !s.is_empty()) else {
        return receipt;
    };
    let Ok(decoded) = wire::decode_signature(&signature) else {
        return receipt;
    };
    if let Some(key) = any_did_key(&report.counterparty_did) {
        let verifies = canonical_cosign_bytes(&receipt)
            .is_ok_and(|bytes| key.verify(&bytes, &decoded).is_ok());
        if !verifies {
            return receipt;
        }
    }
    place_counterparty_cosignature(&receipt, &report.counterparty_did, &signature)
        .unwrap_or(receipt)
}

/// What a verifier expects of a co-signed receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CosignExpectation<'a> {
    /// The counterparty's `did:key` (the reference's base64url form).
    pub counterparty_did: &'a str,
    /// The publisher's DID; must differ from the counterparty's.
    pub publisher_did: &'a str,
    /// The counterparty's key, when known separately: it must derive `counterparty_did`.
    pub counterparty_key: Option<PublicKey>,
    /// The expected `sha256:` digest of the co-sign preimage, if pinned.
    pub canonical_sha256: Option<&'a str>,
}

impl<'a> CosignExpectation<'a> {
    /// Expect this counterparty and publisher.
    #[must_use]
    pub fn new(counterparty_did: &'a str, publisher_did: &'a str) -> Self {
        CosignExpectation {
            counterparty_did,
            publisher_did,
            counterparty_key: None,
            canonical_sha256: None,
        }
    }
}

/// Verifies a co-signed receipt (the conformance contract's `cosign-v1`, plus the checks
/// listed in the module's deviations): the counterparty DID is an Ed25519 `did:key` (matching
/// the given key, if any) other than the publisher's, exactly one party entry is the
/// counterparty's and carries a signature, and that signature verifies over
/// [`canonical_cosign_bytes`]. Returns the counterparty's key.
pub fn verify_cosigned_receipt(
    receipt: &Value,
    expected: &CosignExpectation<'_>,
) -> Result<PublicKey, CosignError> {
    if !receipt.is_object() {
        return Err(CosignError::NotObject);
    }
    if expected.counterparty_did == expected.publisher_did {
        return Err(CosignError::SelfSigned);
    }
    if let Some(key) = &expected.counterparty_key
        && ed25519_did_key(key) != expected.counterparty_did
    {
        return Err(CosignError::DidKeyMismatch);
    }
    let key = public_key_from_did_key(expected.counterparty_did)?;
    if expected.counterparty_key.is_some_and(|k| k != key) {
        return Err(CosignError::DidKeyMismatch);
    }
    let parties = receipt
        .get("parties")
        .and_then(Value::as_array)
        .ok_or(CosignError::NoParties)?;
    let with_id = |did: &str| {
        parties
            .iter()
            .filter(|p| p.is_object() && p.get("agent_id").and_then(Value::as_str) == Some(did))
            .collect::<Vec<_>>()
    };
    let counterparty = match with_id(expected.counterparty_did).as_slice() {
        [one] => *one,
        [] => {
            return Err(CosignError::NoCounterparty {
                did: PyQuoted(expected.counterparty_did.to_owned()),
            });
        }
        many => {
            return Err(CosignError::AmbiguousCounterparty {
                count: many.len(),
                did: PyQuoted(expected.counterparty_did.to_owned()),
            });
        }
    };
    if with_id(expected.publisher_did).len() != 1 {
        return Err(CosignError::PublisherNotUnique);
    }
    if receipt.get("counterparty_did").and_then(Value::as_str) != Some(expected.counterparty_did) {
        return Err(CosignError::CounterpartyMismatch);
    }
    let preimage = canonical_cosign_bytes(receipt)?;
    if let Some(digest) = expected.canonical_sha256
        && wire::sha256_ref(&preimage) != digest
    {
        return Err(CosignError::DigestMismatch);
    }
    let signature = counterparty
        .get("signature")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or(CosignError::MissingSignature)?;
    let signature = wire::decode_signature(signature)?;
    key.verify(&preimage, &signature)
        .map_err(|_| WireError::BadSignature)?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanctuary_core::identity::{Identity, SecretSeed};
    use serde_json::json;

    #[test]
    fn did_key_round_trip_and_canonical_form_only() {
        let id = Identity::from_seed(&SecretSeed::from_bytes([9; 32]));
        let did = ed25519_did_key(id.public());
        assert!(did.starts_with("did:key:z7QE") || did.starts_with("did:key:z7QH"));
        assert_eq!(public_key_from_did_key(&did).unwrap(), *id.public());
        for bad in [
            format!("{did}="),
            did.replace("did:key:z", "did:key:"),
            id.public().to_did_key(),
            did[..did.len() - 1].to_owned(),
            "did:web:example.com".to_owned(),
        ] {
            assert_eq!(
                public_key_from_did_key(&bad),
                Err(CosignError::NotDidKey),
                "{bad}"
            );
        }
    }

    #[test]
    fn placement_refuses_unsafe_cases_with_reference_texts() {
        let receipt = json!({"parties": [{"agent_id": "a"}, {"agent_id": "b"}, {"agent_id": "b"}]});
        assert_eq!(
            place_counterparty_cosignature(&receipt, "a", "")
                .unwrap_err()
                .to_string(),
            "refusing to place an empty counterparty signature"
        );
        assert_eq!(
            place_counterparty_cosignature(&receipt, "c", "x")
                .unwrap_err()
                .to_string(),
            "no parties[] entry matches counterparty_did 'c'"
        );
        assert_eq!(
            place_counterparty_cosignature(&receipt, "b", "x")
                .unwrap_err()
                .to_string(),
            "ambiguous: 2 parties[] entries match counterparty_did 'b'; refusing to co-sign"
        );
        assert_eq!(
            place_counterparty_cosignature(&json!({}), "b", "x")
                .unwrap_err()
                .to_string(),
            "receipt has no parties[] to carry a co-signature"
        );
        let placed = place_counterparty_cosignature(&receipt, "a", "sig").unwrap();
        assert_eq!(placed["parties"][0]["signature"], "sig");
        assert!(receipt["parties"][0].get("signature").is_none());
    }
}
