//! JSON Schema (draft 2020-12) validation against Concordia's frozen artefact schemas.
//!
//! The fourteen schemas of the conformance suite are embedded in the crate and resolved by
//! their `$id`; nothing is fetched from the network or the file system. Following the
//! conformance contract, `format` is an annotation except `date-time`, which is asserted
//! (RFC 3339 with a time zone).
//!
//! ```
//! use concordia::schema::{SchemaName, validate};
//! let not_an_attestation = serde_json::json!({"concordia_attestation": "0.3.0"});
//! assert!(validate(SchemaName::Attestation, &not_an_attestation).is_err());
//! ```

use jsonschema::{Draft, Registry, Resource, Validator};
use serde_json::Value;
use std::sync::OnceLock;

/// One of the embedded schemas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SchemaName {
    /// `approval_receipt.schema.json`: a human-approval receipt.
    ApprovalReceipt,
    /// `atomic_activation_proof.schema.json` (multi-party promise chains).
    AtomicActivationProof,
    /// `attestation.schema.json`: the reputation attestation (receipt) of a session.
    Attestation,
    /// `cascade_decision_record.schema.json`.
    CascadeDecisionRecord,
    /// `chain_session.schema.json`.
    ChainSession,
    /// `closure_predicate.schema.json`.
    ClosurePredicate,
    /// `conditional_commitment.schema.json`.
    ConditionalCommitment,
    /// `fulfillment_attestation.schema.json`.
    FulfillmentAttestation,
    /// `mandate.schema.json`.
    Mandate,
    /// `predicate.json`.
    Predicate,
    /// `receipt_bundle.schema.json`: a portable bundle of attestations.
    ReceiptBundle,
    /// `reference.schema.json`: a typed reference between artefacts.
    Reference,
    /// `revocation_record.schema.json`.
    RevocationRecord,
    /// `unwind_record.schema.json`.
    UnwindRecord,
}

impl SchemaName {
    /// Every schema, in file-name order.
    pub const ALL: [SchemaName; 14] = [
        SchemaName::ApprovalReceipt,
        SchemaName::AtomicActivationProof,
        SchemaName::Attestation,
        SchemaName::CascadeDecisionRecord,
        SchemaName::ChainSession,
        SchemaName::ClosurePredicate,
        SchemaName::ConditionalCommitment,
        SchemaName::FulfillmentAttestation,
        SchemaName::Mandate,
        SchemaName::Predicate,
        SchemaName::ReceiptBundle,
        SchemaName::Reference,
        SchemaName::RevocationRecord,
        SchemaName::UnwindRecord,
    ];

    /// The schema's file name in the conformance suite.
    #[must_use]
    pub const fn file_name(self) -> &'static str {
        match self {
            SchemaName::ApprovalReceipt => "approval_receipt.schema.json",
            SchemaName::AtomicActivationProof => "atomic_activation_proof.schema.json",
            SchemaName::Attestation => "attestation.schema.json",
            SchemaName::CascadeDecisionRecord => "cascade_decision_record.schema.json",
            SchemaName::ChainSession => "chain_session.schema.json",
            SchemaName::ClosurePredicate => "closure_predicate.schema.json",
            SchemaName::ConditionalCommitment => "conditional_commitment.schema.json",
            SchemaName::FulfillmentAttestation => "fulfillment_attestation.schema.json",
            SchemaName::Mandate => "mandate.schema.json",
            SchemaName::Predicate => "predicate.json",
            SchemaName::ReceiptBundle => "receipt_bundle.schema.json",
            SchemaName::Reference => "reference.schema.json",
            SchemaName::RevocationRecord => "revocation_record.schema.json",
            SchemaName::UnwindRecord => "unwind_record.schema.json",
        }
    }

    /// The schema named by its file name.
    #[must_use]
    pub fn from_file_name(name: &str) -> Option<SchemaName> {
        SchemaName::ALL.into_iter().find(|s| s.file_name() == name)
    }

    fn text(self) -> &'static str {
        macro_rules! schema {
            ($file:literal) => {
                include_str!(concat!("../tests/conformance/vectors/schemas/", $file))
            };
        }
        match self {
            SchemaName::ApprovalReceipt => schema!("approval_receipt.schema.json"),
            SchemaName::AtomicActivationProof => schema!("atomic_activation_proof.schema.json"),
            SchemaName::Attestation => schema!("attestation.schema.json"),
            SchemaName::CascadeDecisionRecord => schema!("cascade_decision_record.schema.json"),
            SchemaName::ChainSession => schema!("chain_session.schema.json"),
            SchemaName::ClosurePredicate => schema!("closure_predicate.schema.json"),
            SchemaName::ConditionalCommitment => schema!("conditional_commitment.schema.json"),
            SchemaName::FulfillmentAttestation => schema!("fulfillment_attestation.schema.json"),
            SchemaName::Mandate => schema!("mandate.schema.json"),
            SchemaName::Predicate => schema!("predicate.json"),
            SchemaName::ReceiptBundle => schema!("receipt_bundle.schema.json"),
            SchemaName::Reference => schema!("reference.schema.json"),
            SchemaName::RevocationRecord => schema!("revocation_record.schema.json"),
            SchemaName::UnwindRecord => schema!("unwind_record.schema.json"),
        }
    }

    fn index(self) -> usize {
        SchemaName::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

/// Why a value failed schema validation (or why the schemas could not be loaded).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// The value does not satisfy the schema; the first violation is given.
    #[error("{schema}: {path}: {message}")]
    Invalid {
        /// The schema's file name.
        schema: &'static str,
        /// JSON pointer to the offending value.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// An embedded schema failed to compile (a build defect; reported, never a panic).
    #[error("schema {schema} could not be compiled: {reason}")]
    Unavailable {
        /// The schema's file name.
        schema: &'static str,
        /// Why.
        reason: String,
    },
}

type Compiled = Result<Validator, SchemaError>;

fn parsed(name: SchemaName) -> Result<Value, SchemaError> {
    serde_json::from_str(name.text()).map_err(|e| SchemaError::Unavailable {
        schema: name.file_name(),
        reason: e.to_string(),
    })
}

fn registry() -> Result<&'static Registry<'static>, SchemaError> {
    static REGISTRY: OnceLock<Result<Registry<'static>, SchemaError>> = OnceLock::new();
    REGISTRY
        .get_or_init(|| {
            let mut resources = Vec::new();
            for name in SchemaName::ALL {
                let value = parsed(name)?;
                if let Some(id) = value.get("$id").and_then(Value::as_str) {
                    resources.push((id.to_owned(), Resource::from_contents(value)));
                }
            }
            Registry::new()
                .draft(Draft::Draft202012)
                .extend(resources)
                .and_then(jsonschema::RegistryBuilder::prepare)
                .map_err(|e| SchemaError::Unavailable {
                    schema: "registry",
                    reason: e.to_string(),
                })
        })
        .as_ref()
        .map_err(Clone::clone)
}

fn compile(name: SchemaName) -> Compiled {
    let schema = parsed(name)?;
    let registry = registry()?;
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .with_registry(registry)
        .should_validate_formats(true)
        // `format` is an annotation except `date-time`; `uri` is the only other one used.
        .with_format("uri", |_: &str| true)
        .with_format("date-time", |text: &str| {
            crate::wire::parse_timestamp(text).is_some()
        })
        .build(&schema)
        .map_err(|e| SchemaError::Unavailable {
            schema: name.file_name(),
            reason: e.to_string(),
        })
}

fn validator(name: SchemaName) -> Result<&'static Validator, SchemaError> {
    static VALIDATORS: [OnceLock<Compiled>; 14] = [const { OnceLock::new() }; 14];
    let slot = VALIDATORS
        .get(name.index())
        .ok_or(SchemaError::Unavailable {
            schema: name.file_name(),
            reason: "no slot".to_owned(),
        })?;
    slot.get_or_init(|| compile(name))
        .as_ref()
        .map_err(Clone::clone)
}

/// Validates `value` against the named schema.
pub fn validate(name: SchemaName, value: &Value) -> Result<(), SchemaError> {
    let validator = validator(name)?;
    match validator.iter_errors(value).next() {
        None => Ok(()),
        Some(error) => Err(SchemaError::Invalid {
            schema: name.file_name(),
            path: error.instance_path().to_string(),
            message: error.to_string(),
        }),
    }
}

/// The parsed text of an embedded schema (for tools that want to show it).
pub fn schema_value(name: SchemaName) -> Result<Value, SchemaError> {
    parsed(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_compiles() {
        for name in SchemaName::ALL {
            validator(name).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(SchemaName::from_file_name(name.file_name()), Some(name));
        }
    }

    #[test]
    fn date_time_is_asserted() {
        let vector: Value = serde_json::from_str(include_str!(
            "../tests/conformance/vectors/positive/pos-synthetic-attestation.json"
        ))
        .unwrap();
        let input = vector.get("input").unwrap().clone();
        validate(SchemaName::Attestation, &input).unwrap();
        for bad in ["yesterday", "2026-05-17T09:00:00", "2026-13-01T00:00:00Z"] {
            let mut changed = input.clone();
            changed["timestamp"] = Value::String(bad.into());
            assert!(
                matches!(
                    validate(SchemaName::Attestation, &changed),
                    Err(SchemaError::Invalid { .. })
                ),
                "{bad}"
            );
        }
        let mut offset = input;
        offset["timestamp"] = Value::String("2026-05-17T09:00:00+02:00".into());
        validate(SchemaName::Attestation, &offset).unwrap();
    }
}
