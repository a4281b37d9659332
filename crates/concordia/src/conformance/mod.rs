//! A runner for the Concordia conformance suite (vector format
//! `concordia-conformance-vector/v1-draft`).
//!
//! Each vector names a verification profile, gives the object under test (`input`) and the
//! public data the profile needs (`context`), and says whether a conforming verifier accepts
//! or rejects it. The runner dispatches on `verification_profile` only (never on file names),
//! counts a malformed vector as a rejection, and judges pass or fail on `expected` alone.
//!
//! The profiles that concern negotiation call the crate's own verifiers; the others check the
//! neighbouring Concordia artefacts (approval receipts, mandates, promise chains) with the
//! rules of the conformance contract.
//!
//! ```no_run
//! let summary = concordia::conformance::run_dir(std::path::Path::new("vectors"), |_line| {})?;
//! println!("{summary}");
//! # Ok::<(), concordia::conformance::RunnerError>(())
//! ```

use crate::schema::{self, SchemaName};
use crate::wire;
use serde_json::{Map, Value};
use std::fmt;
use std::path::{Path, PathBuf};

pub(crate) mod common;
mod profiles;

/// The vector format this runner reads.
pub const VECTOR_SCHEMA_VERSION: &str = "concordia-conformance-vector/v1-draft";

/// Every verification profile the suite defines, in the contract's order.
pub const PROFILES: [&str; 22] = [
    "decision-object-v1",
    "offer-binding-v1",
    "receipt-v1",
    "revocation-v1",
    "cascade-decision-v1",
    "fulfillment-attestation-v1",
    "attestation-v1",
    "attestation-countersign-v1",
    "predicate-v1",
    "mandate-v1",
    "delegation-chain-v1",
    "cosign-v1",
    "conditional-commitment-v1",
    "atomic-activation-proof-v1",
    "unwind-record-v1",
    "closure-predicate-v1",
    "chain-session-v1",
    "chain-session-transition-v1",
    "agent-profile-v1",
    "competence-proof-v1",
    "receipt-bundle-v1",
    "message-chain-v1",
];

/// The record types a vector may declare.
pub const RECORD_TYPES: [&str; 19] = [
    "decision_object",
    "approval_receipt",
    "revocation_record",
    "cascade_decision_record",
    "fulfillment_attestation",
    "attestation",
    "predicate",
    "mandate",
    "cosign_receipt",
    "conditional_commitment",
    "atomic_activation_proof",
    "unwind_record",
    "closure_predicate",
    "chain_session",
    "chain_session_transition",
    "agent_profile",
    "competence_proof",
    "receipt_bundle",
    "message_chain",
];

const REQUIRED_FIELDS: [&str; 9] = [
    "schema_version",
    "id",
    "title",
    "source_fixture",
    "record_type",
    "verification_profile",
    "input",
    "context",
    "expected",
];

/// Why a vector's input is rejected (the reason is for people; only accept/reject counts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject(pub String);

impl Reject {
    /// A rejection with this reason.
    pub fn new(reason: impl Into<String>) -> Self {
        Reject(reason.into())
    }
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Reject {}

/// What a vector expects, or what the runner decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The input satisfies its profile.
    Accept,
    /// It does not (or the vector is malformed).
    Reject,
}

impl Outcome {
    /// `accept` or `reject`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Accept => "accept",
            Outcome::Reject => "reject",
        }
    }
}

/// The suite's three classes of vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VectorClass {
    /// A valid artefact.
    Positive,
    /// A mutated artefact (most must be rejected; some mutations are tolerated).
    Mutation,
    /// A vector that a runner skipping a check would get wrong.
    Canary,
}

impl VectorClass {
    const ALL: [VectorClass; 3] = [
        VectorClass::Positive,
        VectorClass::Mutation,
        VectorClass::Canary,
    ];

    const fn dir_name(self) -> &'static str {
        match self {
            VectorClass::Positive => "positive",
            VectorClass::Mutation => "mutation",
            VectorClass::Canary => "canary",
        }
    }
}

/// Evaluates one vector (a parsed JSON object). A malformed vector is a rejection.
#[must_use]
pub fn evaluate(vector: &Value) -> Outcome {
    match check_vector(vector) {
        Ok(()) => Outcome::Accept,
        Err(_) => Outcome::Reject,
    }
}

/// Evaluates one vector and says why it was rejected.
pub fn check_vector(vector: &Value) -> Result<(), Reject> {
    let object = vector
        .as_object()
        .ok_or_else(|| Reject::new("vector is not an object"))?;
    if REQUIRED_FIELDS.iter().any(|f| !object.contains_key(*f)) {
        return Err(Reject::new("vector is missing required fields"));
    }
    if object.get("schema_version").and_then(Value::as_str) != Some(VECTOR_SCHEMA_VERSION) {
        return Err(Reject::new("vector schema_version is unsupported"));
    }
    match object.get("id").and_then(Value::as_str) {
        Some(id) if !id.is_empty() => {}
        _ => return Err(Reject::new("vector id is invalid")),
    }
    let record_type = object.get("record_type").and_then(Value::as_str);
    if !record_type.is_some_and(|r| RECORD_TYPES.contains(&r)) {
        return Err(Reject::new("record_type is unsupported"));
    }
    let profile = object
        .get("verification_profile")
        .and_then(Value::as_str)
        .filter(|p| PROFILES.contains(p))
        .ok_or_else(|| Reject::new("verification_profile is unsupported"))?;
    match object.get("expected").and_then(Value::as_str) {
        Some("accept" | "reject") => {}
        _ => return Err(Reject::new("expected outcome is invalid")),
    }
    let context = object
        .get("context")
        .and_then(Value::as_object)
        .ok_or_else(|| Reject::new("context is not an object"))?;
    let input = object.get("input").unwrap_or(&Value::Null);
    profiles::verify(profile, input, context)
}

/// Counts of one run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Positive vectors run.
    pub positive: usize,
    /// Mutation vectors run.
    pub mutation: usize,
    /// Canary vectors run.
    pub canary: usize,
    /// Vectors whose outcome matched.
    pub ok: usize,
    /// Vectors whose outcome did not match (or could not be read).
    pub fail: usize,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[SUMMARY] positive={} mutation={} canary={} ok={} fail={}",
            self.positive, self.mutation, self.canary, self.ok, self.fail
        )
    }
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunnerError {
    /// The directory (or a manifest in it) could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The manifest is not valid.
    #[error("manifest {path} is invalid: {reason}")]
    Manifest {
        /// The path.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// No vector was found.
    #[error("no vectors found under {0}")]
    Empty(PathBuf),
}

/// The vector files under `dir`, by class.
///
/// `dir` may be the suite's `vectors` folder, a folder above it, or a manifest file. When a
/// `manifest.json` is found, its lists are used (their `conformance/vectors/` prefix is
/// resolved against the manifest's folder); otherwise every `*.json` under `positive/`,
/// `mutation/` and `canary/` is taken.
pub fn discover(dir: &Path) -> Result<Vec<(VectorClass, PathBuf)>, RunnerError> {
    let manifest = if dir.is_file() {
        Some(dir.to_path_buf())
    } else if dir.join("manifest.json").is_file() {
        Some(dir.join("manifest.json"))
    } else if dir.join("vectors/manifest.json").is_file() {
        Some(dir.join("vectors/manifest.json"))
    } else {
        None
    };
    let mut found = Vec::new();
    if let Some(path) = manifest {
        let base = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let text = std::fs::read_to_string(&path).map_err(|source| RunnerError::Io {
            path: path.clone(),
            source,
        })?;
        let manifest = wire::parse(&text).map_err(|e| RunnerError::Manifest {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        let files = manifest
            .get("files")
            .and_then(Value::as_object)
            .ok_or_else(|| RunnerError::Manifest {
                path: path.clone(),
                reason: "no files object".into(),
            })?;
        for class in VectorClass::ALL {
            let list = files
                .get(class.dir_name())
                .and_then(Value::as_array)
                .ok_or_else(|| RunnerError::Manifest {
                    path: path.clone(),
                    reason: format!("files.{} is not a list", class.dir_name()),
                })?;
            for entry in list {
                let rel = entry.as_str().unwrap_or("");
                let rel = rel.strip_prefix("conformance/vectors/").unwrap_or(rel);
                found.push((class, base.join(rel)));
            }
        }
    } else {
        for class in VectorClass::ALL {
            let sub = dir.join(class.dir_name());
            let Ok(entries) = std::fs::read_dir(&sub) else {
                continue;
            };
            let mut files: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect();
            files.sort();
            found.extend(files.into_iter().map(|p| (class, p)));
        }
    }
    if found.is_empty() {
        return Err(RunnerError::Empty(dir.to_path_buf()));
    }
    Ok(found)
}

/// Runs every vector under `dir` (see [`discover`]), calling `report` with one line per
/// vector (`[OK] id` or `[FAIL] id expected=.. got=..`), and returns the counts.
pub fn run_dir(dir: &Path, mut report: impl FnMut(&str)) -> Result<Summary, RunnerError> {
    let files = discover(dir)?;
    let mut summary = Summary::default();
    for (class, path) in files {
        match class {
            VectorClass::Positive => summary.positive += 1,
            VectorClass::Mutation => summary.mutation += 1,
            VectorClass::Canary => summary.canary += 1,
        }
        let mut id = path.display().to_string();
        let mut expected = "<unreadable>".to_owned();
        let got = match std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| wire::parse(&text).ok())
        {
            Some(vector) => {
                if let Some(v) = vector.get("id").and_then(Value::as_str) {
                    id = v.to_owned();
                    expected = vector
                        .get("expected")
                        .and_then(Value::as_str)
                        .unwrap_or("<missing>")
                        .to_owned();
                }
                evaluate(&vector)
            }
            None => Outcome::Reject,
        };
        if expected == got.as_str() {
            summary.ok += 1;
            report(&format!("[OK] {id}"));
        } else {
            summary.fail += 1;
            report(&format!(
                "[FAIL] {id} expected={expected} got={}",
                got.as_str()
            ));
        }
    }
    Ok(summary)
}

/// Validates `value` against an embedded schema, as a profile check.
pub(crate) fn require_schema(name: SchemaName, value: &Value) -> Result<(), Reject> {
    schema::validate(name, value).map_err(|e| Reject::new(e.to_string()))
}

/// The context as an object (profiles receive it already checked).
pub(crate) type Context = Map<String, Value>;
