//! Receipt bundles: an agent's signed, portable collection of its session receipts
//! (attestations) with a summary any verifier can recompute.
//!
//! A bundle is the object `{concordia_receipt_bundle, bundle_id, agent_id, created_at,
//! attestations, summary, agent_signature}`. The agent signs the canonical (RFC 8785) bytes of
//! the bundle without `agent_signature` and without the version marker
//! `concordia_receipt_bundle`, so the marker can change without invalidating old signatures.
//! Members a newer writer adds are covered by the signature.
//!
//! The summary ([`BundleSummary`]) is arithmetic over the attestations, computed exactly as the
//! Python reference does (the same counts, the same rounding to four places), so a verifier
//! recomputes it and refuses a bundle that claims more than its receipts show.
//!
//! Verification ([`verify_bundle`]) fails closed on the first problem: the bundle's signature,
//! its age, duplicated receipts, an agent that is not a party to every receipt, the caller's
//! attestation check, every party signature, the outcome binding of each receipt (every listed
//! party's countersignature over the issuance snapshot, from `concordia_attestation` 0.2.0),
//! the set binding (`chain_head`, `message_count`, from 0.3.0), and the summary. What it cannot
//! confirm without being wrong to refuse (a legacy receipt's outcome, a party whose key is not
//! known, a fulfilment added after issuance) is reported in [`BundleReport`], never credited.
//!
//! # Wiring the attestation check
//!
//! [`verify_bundle`] and [`crate::competence::verify_competence_proof`] take an
//! [`AttestationCheck`]: the verifier of a single attestation (schema and whatever else the
//! attestation module enforces). This module already verifies party signatures, the
//! countersignature map and the set-binding fields itself, so the check need not repeat them;
//! an `Err` from it rejects the whole bundle. A closure works:
//!
//! ```
//! use concordia::bundle::{verify_bundle, AttestationCheckError, FreshnessPolicy, ReceiptBundle};
//! use sanctuary_core::identity::{Identity, SecretSeed};
//! use sanctuary_core::time::SystemClock;
//! use serde_json::Value;
//!
//! let alice = Identity::from_seed(&SecretSeed::from_bytes([1; 32]));
//! let bundle = ReceiptBundle::create("did:example:alice", vec![], &alice, &SystemClock)?;
//! let resolve = |id: &str| (id == "did:example:alice").then(|| *alice.public());
//! // In real use: the attestation module's verifier, its error wrapped with
//! // `AttestationCheckError::new`. Accepting everything skips the schema checks.
//! let check = |_attestation: &Value| -> Result<(), AttestationCheckError> { Ok(()) };
//! let report = verify_bundle(&bundle, &resolve, &check, &FreshnessPolicy::default(), &SystemClock)?;
//! assert_eq!(report.verified_counterparties, 0);
//! # Ok::<(), concordia::bundle::BundleError>(())
//! ```
//!
//! # Deviations from the Python reference
//!
//! Stricter throughout; nothing the reference rejects is accepted.
//! - The reference returns a list of errors; here the first problem is the error.
//! - The bundle is validated against `receipt_bundle.schema.json` and its attestation count is
//!   bounded ([`MAX_BUNDLE_ATTESTATIONS`]).
//! - Every summary member is compared, including `fulfillment_rate`, `earliest` and `latest`
//!   (the reference skips those three), and an empty bundle's summary is compared too.
//! - Freshness is part of verification, and a `created_at` further in the future than the
//!   allowed clock skew is refused (SPEC §9.7); the reference only reports age.
//! - `attestation_id` and `session_id` must be strings. A `concordia_attestation` that is not
//!   ASCII `major.minor.patch` is an error (the attestation schema's pattern); the reference
//!   reads it as legacy, or, for its looser pattern (`0.3.0\n`, non-ASCII digits), as current.
//! - A top-level member named `signature` is part of the signed bytes (the reference's
//!   `verify_signature` drops it; the conformance runner keeps it, as here).
//! - `create` refuses duplicated attestation or session ids (the reference builds a bundle its
//!   own verifier then rejects) and derives `bundle_id` from the bundle's content instead of a
//!   random UUID (same form, `bundle_` and 12 hex digits); `create_with_id` takes one.
//! - A non-string `meta.category` or `timestamp` is ignored by the summary (the reference
//!   would put it in the list, or fail to sort).

use crate::schema::{self, SchemaError, SchemaName};
use crate::wire::{self, WireError};
use sanctuary_core::identity::{PublicKey, Signer};
use sanctuary_core::time::{Clock, Timestamp};
use serde_json::{Map, Number, Value};
use std::collections::{BTreeSet, HashSet};
use std::error::Error as StdError;
use std::time::Duration;

/// The version marker written into new bundles.
pub const BUNDLE_VERSION: &str = "0.1.0";

/// The most attestations a bundle may carry (a bound on work for untrusted input; the 16 MiB
/// text limit allows fewer real receipts than this anyway).
pub const MAX_BUNDLE_ATTESTATIONS: usize = 10_000;

/// The members left out of the signed bytes.
const UNSIGNED_MEMBERS: [&str; 2] = ["agent_signature", "concordia_receipt_bundle"];

/// Default maximum bundle age: 720 hours (30 days), as the reference.
pub const DEFAULT_MAX_AGE_SECS: u64 = 720 * 3600;

/// Default allowance for a `created_at` ahead of the verifier's clock.
pub const DEFAULT_MAX_FUTURE_SKEW_SECS: u64 = 300;

/// Resolves an agent id to its Ed25519 key; `None` when the agent is unknown.
pub type KeyLookup<'a> = &'a dyn Fn(&str) -> Option<PublicKey>;

/// Why a bundle (or one of its receipts) was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    /// The bundle does not match `receipt_bundle.schema.json`.
    #[error("receipt bundle fails its schema: {0}")]
    Schema(#[from] SchemaError),
    /// The bundle is not a JSON object, or a member has the wrong shape.
    #[error("receipt bundle is malformed: {0}")]
    Malformed(&'static str),
    /// More attestations than [`MAX_BUNDLE_ATTESTATIONS`].
    #[error("bundle carries {count} attestations, more than the {max} allowed")]
    TooManyAttestations {
        /// How many were given.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A caller-supplied bundle id is not `bundle_` and lowercase hex.
    #[error("bundle id must be 'bundle_' followed by lowercase hex")]
    BadBundleId,
    /// Canonicalisation or signing failed.
    #[error(transparent)]
    Wire(#[from] WireError),
    /// The bundle agent's key is not known.
    #[error("cannot resolve public key for bundle agent '{0}'")]
    UnknownAgentKey(String),
    /// The bundle signature does not verify.
    #[error("bundle signature verification failed")]
    BadSignature,
    /// The bundle is too old or dated in the future.
    #[error(transparent)]
    Freshness(#[from] FreshnessError),
    /// Two attestations share an `attestation_id`.
    #[error("duplicate attestation_id '{0}' in bundle")]
    DuplicateAttestationId(String),
    /// Two attestations share a `session_id`.
    #[error("duplicate session_id '{0}' in bundle")]
    DuplicateSessionId(String),
    /// An attestation is not usable (not an object, an id that is not a string).
    #[error("attestation {index}: {reason}")]
    InvalidAttestation {
        /// Its position in the bundle.
        index: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// The bundle (or proof) agent is not a party to an attestation.
    #[error("agent '{agent_id}' is not a party in attestation {index}")]
    AgentNotParty {
        /// The bundle agent.
        agent_id: String,
        /// The attestation's position.
        index: usize,
    },
    /// The caller's attestation check refused an attestation.
    #[error("attestation {index} refused: {source}")]
    AttestationRejected {
        /// The attestation's position.
        index: usize,
        /// The check's own error.
        #[source]
        source: AttestationCheckError,
    },
    /// A party signature is missing or does not verify.
    #[error("attestation {index}: {problem}")]
    PartySignature {
        /// The attestation's position.
        index: usize,
        /// What is wrong with which party.
        problem: PartySignatureError,
    },
    /// A version ≥ 0.2.0 attestation whose outcome is not bound by every party.
    #[error("attestation {index}: {problem}")]
    OutcomeBinding {
        /// The attestation's position.
        index: usize,
        /// Why the binding fails.
        problem: BindingError,
    },
    /// A version ≥ 0.3.0 attestation with a missing or malformed set-binding member.
    #[error("attestation {index}: {problem}")]
    SetBinding {
        /// The attestation's position.
        index: usize,
        /// What is wrong.
        problem: SetBindingError,
    },
    /// A summary member differs from the recomputed one.
    #[error("summary mismatch: {0}")]
    SummaryMismatch(&'static str),
}

/// An attestation verifier's refusal, carried as that verifier's own error.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct AttestationCheckError(Box<dyn StdError + Send + Sync + 'static>);

impl AttestationCheckError {
    /// Wraps the attestation verifier's error.
    pub fn new(error: impl StdError + Send + Sync + 'static) -> Self {
        AttestationCheckError(Box::new(error))
    }
}

/// The verifier of one attestation, supplied by the caller (normally the attestation module's
/// schema-and-signature verifier). `Err` rejects the bundle or proof that carries it.
pub trait AttestationCheck {
    /// Checks one attestation.
    fn check(&self, attestation: &Value) -> Result<(), AttestationCheckError>;
}

impl<F> AttestationCheck for F
where
    F: Fn(&Value) -> Result<(), AttestationCheckError>,
{
    fn check(&self, attestation: &Value) -> Result<(), AttestationCheckError> {
        self(attestation)
    }
}

/// A party signature that is missing or wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PartySignatureError {
    /// A party entry is not an object.
    #[error("party {party} is not an object")]
    NotObject {
        /// The party's position.
        party: usize,
    },
    /// The party carries no signature.
    #[error("party {party} ('{agent_id}'): empty signature")]
    Empty {
        /// The party's position.
        party: usize,
        /// Its agent id.
        agent_id: String,
    },
    /// The signature does not verify under the party's key.
    #[error("party {party} ('{agent_id}'): invalid signature")]
    Invalid {
        /// The party's position.
        party: usize,
        /// Its agent id.
        agent_id: String,
    },
}

/// Why a version ≥ 0.2.0 outcome is not bound (SPEC §9.6.5a).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BindingError {
    /// No (or an empty) `countersignatures` map.
    #[error("version {0} requires countersignatures; none present")]
    NoCountersignatures(String),
    /// No party with an agent id to bind the outcome to.
    #[error("no identifiable parties to bind the outcome")]
    NoParties,
    /// A listed party has no countersignature.
    #[error(
        "party '{0}' has no countersignature; outcome not bound (every party must countersign)"
    )]
    MissingCountersignature(String),
    /// A listed party's key is not known.
    #[error(
        "party '{0}' countersignature could not be confirmed (key unresolved); outcome not bound"
    )]
    UnknownKey(String),
    /// A countersignature does not verify.
    #[error("countersignature for '{0}' failed verification")]
    InvalidCountersignature(String),
    /// The issuance snapshot cannot be canonicalised.
    #[error("issuance snapshot cannot be canonicalised")]
    Snapshot,
    /// `concordia_attestation` is present but not `major.minor.patch`.
    #[error("concordia_attestation is not a major.minor.patch version")]
    MalformedVersion,
}

/// A version ≥ 0.3.0 attestation without valid set-binding members (SPEC §9.6.5b).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SetBindingError {
    /// `chain_head` is missing or not `sha256:` and 64 lowercase hex digits.
    #[error("version {0} requires chain_head as sha256:<64 lowercase hex>")]
    ChainHead(String),
    /// `message_count` is missing or not an integer ≥ 1.
    #[error("version {0} requires message_count as an integer >= 1")]
    MessageCount(String),
    /// `concordia_attestation` is present but not `major.minor.patch`.
    #[error("concordia_attestation is not a major.minor.patch version")]
    MalformedVersion,
}

/// Why a bundle's `created_at` is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FreshnessError {
    /// Not `YYYY-MM-DDTHH:MM:SSZ`, or not a real date.
    #[error("invalid created_at format: {0}")]
    Malformed(String),
    /// Older than allowed.
    #[error("bundle is {age_secs} seconds old (threshold: {max_age_secs} seconds)")]
    Stale {
        /// Its age in whole seconds.
        age_secs: u64,
        /// The limit.
        max_age_secs: u64,
    },
    /// Dated further ahead of the verifier's clock than the skew allowance.
    #[error("bundle is dated {ahead_secs} seconds in the future (allowance: {max_skew_secs})")]
    FutureDated {
        /// How far ahead, in whole seconds.
        ahead_secs: u64,
        /// The allowance.
        max_skew_secs: u64,
    },
}

/// How old a bundle may be, and how far in the future its `created_at` may lie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FreshnessPolicy {
    /// Maximum age in seconds ([`DEFAULT_MAX_AGE_SECS`] by default).
    pub max_age_secs: u64,
    /// Maximum clock skew in seconds ([`DEFAULT_MAX_FUTURE_SKEW_SECS`] by default).
    pub max_future_skew_secs: u64,
}

impl Default for FreshnessPolicy {
    fn default() -> Self {
        FreshnessPolicy {
            max_age_secs: DEFAULT_MAX_AGE_SECS,
            max_future_skew_secs: DEFAULT_MAX_FUTURE_SKEW_SECS,
        }
    }
}

/// Checks a `created_at` (`YYYY-MM-DDTHH:MM:SSZ`) against `policy` at `clock`'s time; returns
/// the age in whole seconds (0 when dated slightly ahead, within the allowance).
pub fn check_freshness(
    created_at: &str,
    policy: &FreshnessPolicy,
    clock: &dyn Clock,
) -> Result<u64, FreshnessError> {
    let created = parse_created_at(created_at)
        .ok_or_else(|| FreshnessError::Malformed(created_at.to_owned()))?;
    let now = clock.now();
    if let Some(age) = now.duration_since(created) {
        // The reference compares the exact (fractional) age with the threshold.
        if age > Duration::from_secs(policy.max_age_secs) {
            return Err(FreshnessError::Stale {
                age_secs: age.as_secs(),
                max_age_secs: policy.max_age_secs,
            });
        }
        Ok(age.as_secs())
    } else {
        let ahead = created.duration_since(now).unwrap_or_default();
        if ahead > Duration::from_secs(policy.max_future_skew_secs) {
            return Err(FreshnessError::FutureDated {
                ahead_secs: ahead.as_secs(),
                max_skew_secs: policy.max_future_skew_secs,
            });
        }
        Ok(0)
    }
}

/// Reads exactly `YYYY-MM-DDTHH:MM:SSZ` (the reference's `strptime` format).
pub(crate) fn parse_created_at(text: &str) -> Option<Timestamp> {
    let shape_ok = text.len() == 20
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            10 => b == b'T',
            13 | 16 => b == b':',
            19 => b == b'Z',
            _ => b.is_ascii_digit(),
        });
    if shape_ok {
        wire::parse_timestamp(text)
    } else {
        None
    }
}

/// The aggregate figures of a set of attestations, from one agent's point of view.
///
/// Every member is recomputable from the attestations ([`BundleSummary::compute`]); a verifier
/// never has to trust a claimed summary.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BundleSummary {
    /// Number of attestations.
    pub total_negotiations: u64,
    /// Attestations whose `outcome.status` is `agreed`.
    pub agreements: u64,
    /// `agreements / total`, rounded to 4 places.
    pub agreement_rate: f64,
    /// Mean of the agent's own `concession_magnitude`, rounded to 4 places.
    pub avg_concession_magnitude: f64,
    /// Of attestations with a `fulfillment` block, the share `fulfilled` or `complete`.
    pub fulfillment_rate: f64,
    /// Distinct other parties.
    pub unique_counterparties: u64,
    /// Distinct `meta.category` values, sorted.
    pub categories: Vec<String>,
    /// The smallest `timestamp` (string order), or empty.
    pub earliest: String,
    /// The largest `timestamp` (string order), or empty.
    pub latest: String,
    /// Share of the agent's party records with `reasoning_provided`, over all attestations.
    pub reasoning_rate: f64,
}

/// A JSON value as a Python number: integers and floats, and booleans as 0 and 1 (the
/// reference's `isinstance(x, (int, float))` admits `bool`).
pub(crate) fn py_number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        _ => None,
    }
}

/// Python truthiness of a JSON value.
pub(crate) fn py_truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|x| x != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// Python's `round(x, 4)`: half-to-even on the double's exact value. Formatting with a fixed
/// precision rounds the exact binary value the same way; a zero keeps a positive sign (the
/// reference's canonical JSON refuses `-0.0`).
pub(crate) fn py_round4(value: f64) -> f64 {
    if !value.is_finite() {
        return 0.0;
    }
    let rounded: f64 = format!("{value:.4}").parse().unwrap_or(0.0);
    if rounded == 0.0 { 0.0 } else { rounded }
}

/// A JSON number for a finite float (non-finite values never reach here; 0 otherwise).
pub(crate) fn float_value(x: f64) -> Value {
    Number::from_f64(x).map_or(Value::from(0), Value::Number)
}

/// The member `name` of `value` when `value` is an object.
pub(crate) fn member<'a>(value: &'a Value, name: &str) -> Option<&'a Value> {
    value.as_object().and_then(|m| m.get(name))
}

/// An identity for a party id as the reference's sets see it: the string itself, or for a
/// non-string id its JSON text behind a marker no string id can start with.
fn party_key(value: Option<&Value>) -> String {
    match value {
        None => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => format!("\u{0}{other}"),
    }
}

fn ratio(numerator: u64, denominator: u64) -> f64 {
    if denominator == 0 {
        0.0
    } else {
        // Counts stay far below 2^53, so the conversions are exact.
        numerator as f64 / denominator as f64
    }
}

impl BundleSummary {
    /// Computes the summary of `attestations` for `agent_id`, as the reference's
    /// `_compute_summary`.
    #[must_use]
    pub fn compute(agent_id: &str, attestations: &[Value]) -> BundleSummary {
        if attestations.is_empty() {
            return BundleSummary::default();
        }
        let total = attestations.len() as u64;
        let mut agreements = 0u64;
        let mut concession_sum = 0.0f64;
        let mut concession_n = 0u64;
        let mut fulfilled = 0u64;
        let mut fulfillment_total = 0u64;
        let mut reasoning = 0u64;
        let mut counterparties: HashSet<String> = HashSet::new();
        let mut categories: BTreeSet<String> = BTreeSet::new();
        let mut earliest: Option<&str> = None;
        let mut latest: Option<&str> = None;

        for att in attestations {
            if member(att, "outcome").and_then(|o| member(o, "status"))
                == Some(&Value::String("agreed".into()))
            {
                agreements += 1;
            }
            let parties = member(att, "parties").and_then(Value::as_array);
            for party in parties.into_iter().flatten() {
                let pid = member(party, "agent_id");
                let own = pid.and_then(Value::as_str) == Some(agent_id);
                if !own {
                    counterparties.insert(party_key(pid));
                    continue;
                }
                let behavior = member(party, "behavior");
                if let Some(cm) = behavior
                    .and_then(|b| member(b, "concession_magnitude"))
                    .and_then(py_number)
                {
                    // Summed in order, as Python's sum() over a list of floats.
                    concession_sum += cm;
                    concession_n += 1;
                }
                if behavior
                    .and_then(|b| member(b, "reasoning_provided"))
                    .is_some_and(py_truthy)
                {
                    reasoning += 1;
                }
            }
            match member(att, "fulfillment") {
                None | Some(Value::Null) => {}
                Some(f) => {
                    fulfillment_total += 1;
                    if let Some(Value::String(s)) = member(f, "status")
                        && (s == "fulfilled" || s == "complete")
                    {
                        fulfilled += 1;
                    }
                }
            }
            if let Some(Value::String(cat)) =
                member(att, "meta").and_then(|m| member(m, "category"))
                && !cat.is_empty()
            {
                categories.insert(cat.clone());
            }
            if let Some(Value::String(ts)) = member(att, "timestamp")
                && !ts.is_empty()
            {
                // String order is code-point order, as Python's sort of str.
                if earliest.is_none_or(|e| ts.as_str() < e) {
                    earliest = Some(ts);
                }
                if latest.is_none_or(|l| ts.as_str() > l) {
                    latest = Some(ts);
                }
            }
        }

        let avg_concession = if concession_n == 0 {
            0.0
        } else {
            concession_sum / concession_n as f64
        };
        BundleSummary {
            total_negotiations: total,
            agreements,
            agreement_rate: py_round4(ratio(agreements, total)),
            avg_concession_magnitude: py_round4(avg_concession),
            fulfillment_rate: py_round4(ratio(fulfilled, fulfillment_total)),
            unique_counterparties: counterparties.len() as u64,
            categories: categories.into_iter().collect(),
            earliest: earliest.unwrap_or("").to_owned(),
            latest: latest.unwrap_or("").to_owned(),
            reasoning_rate: py_round4(ratio(reasoning, total)),
        }
    }

    /// The summary as the reference's `to_dict` writes it.
    #[must_use]
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert(
            "total_negotiations".into(),
            Value::from(self.total_negotiations),
        );
        m.insert("agreements".into(), Value::from(self.agreements));
        m.insert("agreement_rate".into(), float_value(self.agreement_rate));
        m.insert(
            "avg_concession_magnitude".into(),
            float_value(self.avg_concession_magnitude),
        );
        m.insert(
            "fulfillment_rate".into(),
            float_value(self.fulfillment_rate),
        );
        m.insert(
            "unique_counterparties".into(),
            Value::from(self.unique_counterparties),
        );
        m.insert(
            "categories".into(),
            Value::Array(self.categories.iter().cloned().map(Value::String).collect()),
        );
        m.insert("earliest".into(), Value::String(self.earliest.clone()));
        m.insert("latest".into(), Value::String(self.latest.clone()));
        m.insert("reasoning_rate".into(), float_value(self.reasoning_rate));
        Value::Object(m)
    }

    /// Reads a claimed summary: all ten members, counts as non-negative integers, rates as
    /// finite numbers, categories as strings. Other members are ignored (they are still signed).
    pub fn from_value(value: &Value) -> Result<BundleSummary, BundleError> {
        let m = value
            .as_object()
            .ok_or(BundleError::Malformed("summary is not an object"))?;
        let count = |name: &'static str| {
            m.get(name)
                .and_then(Value::as_u64)
                .ok_or(BundleError::Malformed(name))
        };
        let rate = |name: &'static str| {
            m.get(name)
                .and_then(Value::as_f64)
                .filter(|x| x.is_finite())
                .ok_or(BundleError::Malformed(name))
        };
        let text = |name: &'static str| {
            m.get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or(BundleError::Malformed(name))
        };
        let categories = m
            .get("categories")
            .and_then(Value::as_array)
            .ok_or(BundleError::Malformed("categories"))?
            .iter()
            .map(|c| c.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or(BundleError::Malformed("categories"))?;
        Ok(BundleSummary {
            total_negotiations: count("total_negotiations")?,
            agreements: count("agreements")?,
            agreement_rate: rate("agreement_rate")?,
            avg_concession_magnitude: rate("avg_concession_magnitude")?,
            fulfillment_rate: rate("fulfillment_rate")?,
            unique_counterparties: count("unique_counterparties")?,
            categories,
            earliest: text("earliest")?,
            latest: text("latest")?,
            reasoning_rate: rate("reasoning_rate")?,
        })
    }

    /// Compares a claimed summary with this (recomputed) one as the reference does: counts and
    /// strings exactly, rates within 0.001, categories as sorted lists. Returns the first member
    /// that differs.
    pub fn check_claim(&self, claimed: &BundleSummary) -> Result<(), &'static str> {
        let close = |a: f64, b: f64| (a - b).abs() <= 0.001;
        let mut ours = self.categories.clone();
        ours.sort();
        let mut theirs = claimed.categories.clone();
        theirs.sort();
        let checks: [(&'static str, bool); 10] = [
            (
                "total_negotiations",
                self.total_negotiations == claimed.total_negotiations,
            ),
            ("agreements", self.agreements == claimed.agreements),
            (
                "agreement_rate",
                close(self.agreement_rate, claimed.agreement_rate),
            ),
            (
                "avg_concession_magnitude",
                close(
                    self.avg_concession_magnitude,
                    claimed.avg_concession_magnitude,
                ),
            ),
            (
                "fulfillment_rate",
                close(self.fulfillment_rate, claimed.fulfillment_rate),
            ),
            (
                "unique_counterparties",
                self.unique_counterparties == claimed.unique_counterparties,
            ),
            ("categories", ours == theirs),
            ("earliest", self.earliest == claimed.earliest),
            ("latest", self.latest == claimed.latest),
            (
                "reasoning_rate",
                close(self.reasoning_rate, claimed.reasoning_rate),
            ),
        ];
        match checks.iter().find(|(_, ok)| !ok) {
            Some((name, _)) => Err(name),
            None => Ok(()),
        }
    }
}

/// A receipt bundle, kept as received (members a newer writer added are preserved and signed).
#[derive(Debug, Clone, PartialEq)]
pub struct ReceiptBundle {
    object: Map<String, Value>,
    summary: BundleSummary,
}

/// Checks the preconditions `create` shares with the competence proof: objects only, the agent
/// a party to each, string ids, no duplicates, a bounded count.
pub(crate) fn check_own_attestations(
    agent_id: &str,
    attestations: &[Value],
) -> Result<(), BundleError> {
    if attestations.len() > MAX_BUNDLE_ATTESTATIONS {
        return Err(BundleError::TooManyAttestations {
            count: attestations.len(),
            max: MAX_BUNDLE_ATTESTATIONS,
        });
    }
    for (index, att) in attestations.iter().enumerate() {
        if !att.is_object() {
            return Err(BundleError::InvalidAttestation {
                index,
                reason: "not a JSON object",
            });
        }
        if !is_party(att, agent_id) {
            return Err(BundleError::AgentNotParty {
                agent_id: agent_id.to_owned(),
                index,
            });
        }
    }
    check_unique_ids(attestations)
}

/// Whether `agent_id` is listed in the attestation's `parties`.
pub(crate) fn is_party(att: &Value, agent_id: &str) -> bool {
    member(att, "parties")
        .and_then(Value::as_array)
        .is_some_and(|ps| {
            ps.iter()
                .any(|p| member(p, "agent_id").and_then(Value::as_str) == Some(agent_id))
        })
}

/// Refuses non-string and duplicated `attestation_id` / `session_id` values.
fn check_unique_ids(attestations: &[Value]) -> Result<(), BundleError> {
    let mut att_ids: HashSet<&str> = HashSet::with_capacity(attestations.len());
    let mut session_ids: HashSet<&str> = HashSet::with_capacity(attestations.len());
    for (index, att) in attestations.iter().enumerate() {
        let att_id = member(att, "attestation_id")
            .and_then(Value::as_str)
            .ok_or(BundleError::InvalidAttestation {
                index,
                reason: "attestation_id is not a string",
            })?;
        let session_id = member(att, "session_id").and_then(Value::as_str).ok_or(
            BundleError::InvalidAttestation {
                index,
                reason: "session_id is not a string",
            },
        )?;
        if !att_ids.insert(att_id) {
            return Err(BundleError::DuplicateAttestationId(att_id.to_owned()));
        }
        if !session_ids.insert(session_id) {
            return Err(BundleError::DuplicateSessionId(session_id.to_owned()));
        }
    }
    Ok(())
}

/// `prefix` and the first 12 hex digits of the SHA-256 of `bytes`: an id of the reference's
/// form, derived from content rather than drawn at random.
pub(crate) fn derived_id(prefix: &str, bytes: &[u8]) -> String {
    let digest = wire::sha256_ref(bytes);
    let hex = digest.strip_prefix(wire::SHA256_PREFIX).unwrap_or(&digest);
    format!("{prefix}{}", hex.get(..12).unwrap_or(hex))
}

/// Whether `id` is `prefix` followed by one or more lowercase hex digits.
pub(crate) fn is_hex_id(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix).is_some_and(|rest| {
        !rest.is_empty() && rest.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

impl ReceiptBundle {
    /// Builds and signs a bundle of `attestations` for `agent_id`, dated by `clock`, with an id
    /// derived from the bundle's content. The agent must be a party to every attestation.
    pub fn create<S: Signer + ?Sized>(
        agent_id: &str,
        attestations: Vec<Value>,
        signer: &S,
        clock: &dyn Clock,
    ) -> Result<ReceiptBundle, BundleError> {
        Self::build(None, agent_id, attestations, signer, clock)
    }

    /// As [`ReceiptBundle::create`] with a caller-chosen id (`bundle_` and lowercase hex).
    pub fn create_with_id<S: Signer + ?Sized>(
        bundle_id: &str,
        agent_id: &str,
        attestations: Vec<Value>,
        signer: &S,
        clock: &dyn Clock,
    ) -> Result<ReceiptBundle, BundleError> {
        if !is_hex_id(bundle_id, "bundle_") {
            return Err(BundleError::BadBundleId);
        }
        Self::build(Some(bundle_id), agent_id, attestations, signer, clock)
    }

    fn build<S: Signer + ?Sized>(
        bundle_id: Option<&str>,
        agent_id: &str,
        attestations: Vec<Value>,
        signer: &S,
        clock: &dyn Clock,
    ) -> Result<ReceiptBundle, BundleError> {
        if agent_id.is_empty() {
            return Err(BundleError::Malformed("agent_id is empty"));
        }
        check_own_attestations(agent_id, &attestations)?;
        let summary = BundleSummary::compute(agent_id, &attestations);
        let mut object = Map::new();
        object.insert(
            "concordia_receipt_bundle".into(),
            Value::String(BUNDLE_VERSION.into()),
        );
        object.insert("agent_id".into(), Value::String(agent_id.into()));
        object.insert(
            "created_at".into(),
            Value::String(wire::format_timestamp(clock.now())),
        );
        object.insert("attestations".into(), Value::Array(attestations));
        object.insert("summary".into(), summary.to_value());
        let id = match bundle_id {
            Some(id) => id.to_owned(),
            None => derived_id(
                "bundle_",
                &wire::canonical_without(&object, &UNSIGNED_MEMBERS)?,
            ),
        };
        object.insert("bundle_id".into(), Value::String(id));
        let signature = wire::sign_object(&object, &UNSIGNED_MEMBERS, signer)?;
        object.insert("agent_signature".into(), Value::String(signature));
        // What we hand out must be readable by `from_value` at the other end.
        let value = Value::Object(object);
        schema::validate(SchemaName::ReceiptBundle, &value)?;
        let Value::Object(object) = value else {
            return Err(BundleError::Malformed("bundle is not an object"));
        };
        Ok(ReceiptBundle { object, summary })
    }

    /// Reads a bundle: the schema, a bounded attestation count, and a well-formed summary.
    /// Nothing is verified yet; see [`ReceiptBundle::verify_signature`] and [`verify_bundle`].
    pub fn from_value(value: Value) -> Result<ReceiptBundle, BundleError> {
        schema::validate(SchemaName::ReceiptBundle, &value)?;
        let Value::Object(object) = value else {
            return Err(BundleError::Malformed("bundle is not an object"));
        };
        let count = object
            .get("attestations")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        if count > MAX_BUNDLE_ATTESTATIONS {
            return Err(BundleError::TooManyAttestations {
                count,
                max: MAX_BUNDLE_ATTESTATIONS,
            });
        }
        let summary = BundleSummary::from_value(object.get("summary").unwrap_or(&Value::Null))?;
        Ok(ReceiptBundle { object, summary })
    }

    /// Parses JSON text (strictly, see [`wire::parse`]) and reads it as a bundle.
    pub fn parse(text: &str) -> Result<ReceiptBundle, BundleError> {
        Self::from_value(wire::parse(text)?)
    }

    /// The bundle as a JSON value.
    #[must_use]
    pub fn to_value(&self) -> Value {
        Value::Object(self.object.clone())
    }

    fn text(&self, name: &str) -> &str {
        self.object.get(name).and_then(Value::as_str).unwrap_or("")
    }

    /// `bundle_id`.
    #[must_use]
    pub fn bundle_id(&self) -> &str {
        self.text("bundle_id")
    }

    /// The agent whose track record this is.
    #[must_use]
    pub fn agent_id(&self) -> &str {
        self.text("agent_id")
    }

    /// `created_at`, as written.
    #[must_use]
    pub fn created_at(&self) -> &str {
        self.text("created_at")
    }

    /// The base64url agent signature.
    #[must_use]
    pub fn agent_signature(&self) -> &str {
        self.text("agent_signature")
    }

    /// The attestations carried.
    #[must_use]
    pub fn attestations(&self) -> &[Value] {
        self.object
            .get("attestations")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice)
    }

    /// The claimed summary.
    #[must_use]
    pub fn summary(&self) -> &BundleSummary {
        &self.summary
    }

    /// The signed bytes: canonical JSON without `agent_signature` and the version marker.
    pub fn signing_preimage(&self) -> Result<Vec<u8>, BundleError> {
        Ok(wire::canonical_without(&self.object, &UNSIGNED_MEMBERS)?)
    }

    /// Verifies the agent signature with `key`.
    pub fn verify_signature(&self, key: &PublicKey) -> Result<(), BundleError> {
        wire::verify_object(&self.object, &UNSIGNED_MEMBERS, self.agent_signature(), key).map_err(
            |e| match e {
                WireError::Json(_) | WireError::TooLarge { .. } => BundleError::Wire(e),
                _ => BundleError::BadSignature,
            },
        )
    }
}

/// The `major.minor` of an ASCII `major.minor.patch` version string (an over-long component
/// reads as `u64::MAX`, larger than anything compared with); `None` for anything else.
#[must_use]
pub fn parse_version(text: &str) -> Option<(u64, u64)> {
    let mut parts = text.split('.');
    let (Some(a), Some(b), Some(c), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|x| x.is_ascii_digit());
    if !(digits(a) && digits(b) && digits(c)) {
        return None;
    }
    Some((
        a.parse::<u64>().unwrap_or(u64::MAX),
        b.parse::<u64>().unwrap_or(u64::MAX),
    ))
}

/// Whether `version` is an ASCII `major.minor.patch` string at or above `major.minor`.
/// Anything else (missing, malformed) is below.
#[must_use]
pub fn attestation_version_at_least(version: Option<&Value>, major: u64, minor: u64) -> bool {
    version
        .and_then(Value::as_str)
        .and_then(parse_version)
        .is_some_and(|v| v >= (major, minor))
}

/// Whether an attestation's version is at least `major.minor`: `Ok(false)` when it has none
/// (legacy), an error when `concordia_attestation` is present but not a version (the schema's
/// pattern; the reference would read it as legacy).
fn version_at_least(attestation: &Value, major: u64, minor: u64) -> Result<bool, ()> {
    match member(attestation, "concordia_attestation") {
        None => Ok(false),
        Some(v) => v
            .as_str()
            .and_then(parse_version)
            .map(|v| v >= (major, minor))
            .ok_or(()),
    }
}

/// Whether an attestation's outcome is bound to its issuance snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeBinding {
    /// Version ≥ 0.2.0 and every listed party's countersignature verified.
    Bound,
    /// Below 0.2.0 (or no readable version): the outcome is only asserted by the holder.
    Legacy,
}

/// Decides the outcome binding of one attestation (the reference's
/// `evaluate_outcome_binding`): below 0.2.0 it is [`OutcomeBinding::Legacy`]; from 0.2.0 every
/// party listed with an agent id must have a countersignature that verifies under its resolved
/// key, or the result is an error.
pub fn evaluate_outcome_binding(
    attestation: &Value,
    resolve: KeyLookup<'_>,
) -> Result<OutcomeBinding, BindingError> {
    let version = member(attestation, "concordia_attestation");
    if !version_at_least(attestation, 0, 2).map_err(|()| BindingError::MalformedVersion)? {
        return Ok(OutcomeBinding::Legacy);
    }
    let version_text = version.and_then(Value::as_str).unwrap_or("").to_owned();
    let Some(countersignatures) = member(attestation, "countersignatures")
        .and_then(Value::as_object)
        .filter(|m| !m.is_empty())
    else {
        return Err(BindingError::NoCountersignatures(version_text));
    };
    let mut party_ids: Vec<&str> = Vec::new();
    for party in member(attestation, "parties")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match member(party, "agent_id") {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if s.is_empty() => {}
            Some(Value::String(s)) => party_ids.push(s),
            // A non-string id cannot be a key of the map, so its countersignature is missing.
            Some(other) => return Err(BindingError::MissingCountersignature(other.to_string())),
        }
    }
    if party_ids.is_empty() {
        return Err(BindingError::NoParties);
    }
    let object = attestation.as_object().ok_or(BindingError::Snapshot)?;
    let preimage =
        crate::attestation::countersign_preimage_of(object).map_err(|_| BindingError::Snapshot)?;
    for pid in party_ids {
        let signature = countersignatures
            .get(pid)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| BindingError::MissingCountersignature(pid.to_owned()))?;
        let key = resolve(pid).ok_or_else(|| BindingError::UnknownKey(pid.to_owned()))?;
        let ok = wire::decode_signature(signature)
            .ok()
            .is_some_and(|sig| key.verify(&preimage, &sig).is_ok());
        if !ok {
            return Err(BindingError::InvalidCountersignature(pid.to_owned()));
        }
    }
    Ok(OutcomeBinding::Bound)
}

/// Checks the set-binding members of a ≥ 0.3.0 attestation (the reference's
/// `evaluate_receipt_set_binding` without a transcript); returns whether it is set-bound.
pub fn evaluate_set_binding(attestation: &Value) -> Result<bool, SetBindingError> {
    let version = member(attestation, "concordia_attestation");
    if !version_at_least(attestation, 0, 3).map_err(|()| SetBindingError::MalformedVersion)? {
        return Ok(false);
    }
    let version_text = version.and_then(Value::as_str).unwrap_or("").to_owned();
    let head_ok = member(attestation, "chain_head")
        .and_then(Value::as_str)
        .is_some_and(|h| wire::check_sha256_ref(h).is_ok());
    if !head_ok {
        return Err(SetBindingError::ChainHead(version_text));
    }
    let count_ok = member(attestation, "message_count")
        .and_then(Value::as_u64)
        .is_some_and(|n| n >= 1);
    if !count_ok {
        return Err(SetBindingError::MessageCount(version_text));
    }
    Ok(true)
}

/// Which parties' own signatures verified.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PartyEvidence {
    /// Agent ids whose signature verified.
    pub(crate) verified: Vec<String>,
    /// Agent ids whose key could not be resolved (signature not checked).
    pub(crate) unresolved: Vec<String>,
}

/// Verifies every party's signature over its own record (the party object without
/// `signature`). An empty or wrong signature is an error; an unknown key is reported.
pub(crate) fn check_party_signatures(
    attestation: &Value,
    resolve: KeyLookup<'_>,
) -> Result<PartyEvidence, PartySignatureError> {
    let mut evidence = PartyEvidence::default();
    for (index, party) in member(attestation, "parties")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let party_map = party
            .as_object()
            .ok_or(PartySignatureError::NotObject { party: index })?;
        let pid = party_key(party_map.get("agent_id"));
        let signature = match party_map.get("signature") {
            Some(Value::String(s)) if !s.is_empty() => s,
            Some(v) if py_truthy(v) => {
                // Not text: the reference fails to decode it, so it is invalid.
                return Err(PartySignatureError::Invalid {
                    party: index,
                    agent_id: pid,
                });
            }
            _ => {
                return Err(PartySignatureError::Empty {
                    party: index,
                    agent_id: pid,
                });
            }
        };
        let key = party_map
            .get("agent_id")
            .and_then(Value::as_str)
            .and_then(resolve);
        let Some(key) = key else {
            evidence.unresolved.push(pid);
            continue;
        };
        if wire::verify_object(party_map, &["signature"], signature, &key).is_err() {
            return Err(PartySignatureError::Invalid {
                party: index,
                agent_id: pid,
            });
        }
        evidence.verified.push(pid);
    }
    Ok(evidence)
}

/// Whether a post-issuance `fulfillment` block carries a confirming counterparty signature
/// that verifies (SPEC §9.6.5a, fulfilment residual).
fn fulfillment_bound(fulfillment: &Value, resolve: KeyLookup<'_>) -> bool {
    let Some(cpa) = member(fulfillment, "counterparty_attestation").and_then(Value::as_object)
    else {
        return false;
    };
    let (Some(cp_id), Some(sig)) = (
        cpa.get("agent_id").and_then(Value::as_str),
        cpa.get("signature").and_then(Value::as_str),
    ) else {
        return false;
    };
    if cp_id.is_empty() || sig.is_empty() {
        return false;
    }
    resolve(cp_id).is_some_and(|key| wire::verify_object(cpa, &["signature"], sig, &key).is_ok())
}

/// Signals that a bundle may be gaming its record (the reference's `screen_bundle`). They are
/// reported, not errors.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SybilFlags {
    /// More than three attestations but at most one distinct counterparty.
    pub low_counterparty_diversity: bool,
    /// More than half of the sessions lasted under five seconds.
    pub timing_anomaly: bool,
    /// More than half of the sessions have both sides conceding the same positive magnitude.
    pub symmetric_concessions: bool,
    /// The first two parties of some attestation are the same agent.
    pub self_dealing: bool,
}

impl SybilFlags {
    /// Whether any signal is raised.
    #[must_use]
    pub fn flagged(&self) -> bool {
        self.low_counterparty_diversity
            || self.timing_anomaly
            || self.symmetric_concessions
            || self.self_dealing
    }

    /// The flags as the reference writes them (with `flagged`).
    #[must_use]
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert(
            "low_counterparty_diversity".into(),
            Value::Bool(self.low_counterparty_diversity),
        );
        m.insert("timing_anomaly".into(), Value::Bool(self.timing_anomaly));
        m.insert(
            "symmetric_concessions".into(),
            Value::Bool(self.symmetric_concessions),
        );
        m.insert("self_dealing".into(), Value::Bool(self.self_dealing));
        m.insert("flagged".into(), Value::Bool(self.flagged()));
        Value::Object(m)
    }
}

/// The first two parties' ids and behaviours of an attestation, when it has two.
fn first_two_parties(att: &Value) -> Option<(&Value, &Value)> {
    let parties = member(att, "parties").and_then(Value::as_array)?;
    let mut it = parties.iter();
    Some((it.next()?, it.next()?))
}

/// Whether an attestation's first two parties are the same agent.
pub(crate) fn is_self_dealing(att: &Value) -> bool {
    first_two_parties(att)
        .is_some_and(|(a, b)| party_key(member(a, "agent_id")) == party_key(member(b, "agent_id")))
}

/// Whether an attestation's session lasted under five seconds (missing counts as 999).
pub(crate) fn is_fast(att: &Value) -> bool {
    let duration = member(att, "outcome")
        .and_then(|o| member(o, "duration_seconds"))
        .map_or(Some(999.0), py_number);
    duration.is_some_and(|d| d < 5.0)
}

/// Whether both of the first two parties conceded the same positive magnitude.
pub(crate) fn is_symmetric(att: &Value) -> bool {
    first_two_parties(att).is_some_and(|(a, b)| {
        let cm = |p: &Value, default: f64| {
            member(p, "behavior")
                .and_then(|b| member(b, "concession_magnitude"))
                .map_or(Some(default), py_number)
        };
        match (cm(a, -1.0), cm(b, -2.0)) {
            (Some(x), Some(y)) => x == y && x > 0.0,
            _ => false,
        }
    })
}

/// Screens a bundle's attestations for Sybil patterns, as the reference's `screen_bundle`.
#[must_use]
pub fn screen_bundle(agent_id: &str, attestations: &[Value]) -> SybilFlags {
    if attestations.is_empty() {
        return SybilFlags::default();
    }
    let n = attestations.len();
    let mut counterparties: HashSet<String> = HashSet::new();
    for att in attestations {
        for party in member(att, "parties")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let pid = member(party, "agent_id");
            if pid.and_then(Value::as_str) != Some(agent_id) {
                counterparties.insert(party_key(pid));
            }
        }
    }
    let fast = attestations.iter().filter(|a| is_fast(a)).count();
    let symmetric = attestations.iter().filter(|a| is_symmetric(a)).count();
    // "More than half" compared in integers: x > n/2  ⇔  2x > n.
    SybilFlags {
        low_counterparty_diversity: n > 3 && counterparties.len() <= 1,
        timing_anomaly: n > 1 && fast.saturating_mul(2) > n,
        symmetric_concessions: n > 1 && symmetric.saturating_mul(2) > n,
        self_dealing: attestations.iter().any(is_self_dealing),
    }
}

/// What a successful bundle verification established, and what it could not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleReport {
    /// The bundle's age in whole seconds.
    pub age_secs: u64,
    /// Distinct counterparties whose party signature verified (use this, not the summary's
    /// `unique_counterparties`, for reputation).
    pub verified_counterparties: usize,
    /// Counterparties whose key was unknown, so their signature was not checked.
    pub unverified_counterparties: Vec<String>,
    /// Attestations whose outcome every party countersigned.
    pub outcome_bound_count: usize,
    /// Legacy attestations whose outcome only the holder asserts (not to be credited).
    pub outcome_unbound_attestations: Vec<String>,
    /// Attestations carrying `chain_head` / `message_count` (≥ 0.3.0).
    pub set_bound_count: usize,
    /// Legacy attestations without set binding.
    pub set_unbound_attestations: Vec<String>,
    /// Attestations with a fulfilment block no counterparty signature confirms.
    pub fulfillment_unbound_attestations: Vec<String>,
    /// Sybil signals (reported, not errors).
    pub sybil_flags: SybilFlags,
}

/// Verifies a received bundle (see the module docs for the order of checks). `resolve` gives
/// the keys of the bundle agent and of every party; `attestation_check` is the caller's
/// verifier of a single attestation.
pub fn verify_bundle(
    bundle: &ReceiptBundle,
    resolve: KeyLookup<'_>,
    attestation_check: &dyn AttestationCheck,
    freshness: &FreshnessPolicy,
    clock: &dyn Clock,
) -> Result<BundleReport, BundleError> {
    let agent_id = bundle.agent_id();
    let agent_key =
        resolve(agent_id).ok_or_else(|| BundleError::UnknownAgentKey(agent_id.to_owned()))?;
    bundle.verify_signature(&agent_key)?;
    let age_secs = check_freshness(bundle.created_at(), freshness, clock)?;

    let attestations = bundle.attestations();
    check_unique_ids(attestations)?;

    let mut verified_cp: BTreeSet<String> = BTreeSet::new();
    let mut unverified_cp: BTreeSet<String> = BTreeSet::new();
    let mut report = BundleReport {
        age_secs,
        verified_counterparties: 0,
        unverified_counterparties: Vec::new(),
        outcome_bound_count: 0,
        outcome_unbound_attestations: Vec::new(),
        set_bound_count: 0,
        set_unbound_attestations: Vec::new(),
        fulfillment_unbound_attestations: Vec::new(),
        sybil_flags: screen_bundle(agent_id, attestations),
    };
    for (index, att) in attestations.iter().enumerate() {
        let att_id = member(att, "attestation_id")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        if !is_party(att, agent_id) {
            return Err(BundleError::AgentNotParty {
                agent_id: agent_id.to_owned(),
                index,
            });
        }
        attestation_check
            .check(att)
            .map_err(|source| BundleError::AttestationRejected { index, source })?;
        let evidence = check_party_signatures(att, resolve)
            .map_err(|problem| BundleError::PartySignature { index, problem })?;
        verified_cp.extend(evidence.verified.into_iter().filter(|p| p != agent_id));
        unverified_cp.extend(evidence.unresolved.into_iter().filter(|p| p != agent_id));
        match evaluate_outcome_binding(att, resolve)
            .map_err(|problem| BundleError::OutcomeBinding { index, problem })?
        {
            OutcomeBinding::Bound => report.outcome_bound_count += 1,
            OutcomeBinding::Legacy => report.outcome_unbound_attestations.push(att_id.clone()),
        }
        if evaluate_set_binding(att)
            .map_err(|problem| BundleError::SetBinding { index, problem })?
        {
            report.set_bound_count += 1;
        } else {
            report.set_unbound_attestations.push(att_id.clone());
        }
        if let Some(f) = member(att, "fulfillment").filter(|f| f.is_object())
            && !fulfillment_bound(f, resolve)
        {
            report.fulfillment_unbound_attestations.push(att_id);
        }
    }
    // A counterparty that verified anywhere is real, even if unresolved elsewhere.
    report.unverified_counterparties = unverified_cp
        .into_iter()
        .filter(|p| !verified_cp.contains(p))
        .collect();
    report.verified_counterparties = verified_cp.len();

    let recomputed = BundleSummary::compute(agent_id, attestations);
    recomputed
        .check_claim(bundle.summary())
        .map_err(BundleError::SummaryMismatch)?;
    Ok(report)
}

#[cfg(test)]
pub(crate) mod tests {
    //! Known answers come from the Python reference 0.10.0 run over the same attestations
    //! (built here and there from the same seeds), with `uuid4` and the clock fixed.
    use super::*;
    use sanctuary_core::identity::{Identity, SecretSeed};
    use sanctuary_core::time::ManualClock;
    use serde_json::json;

    pub(crate) const AGENTS: [(&str, u8); 4] =
        [("alice", 1), ("bob", 2), ("carol", 3), ("dave", 4)];

    pub(crate) fn did(name: &str) -> String {
        format!("did:concordia:agent:{name}")
    }

    pub(crate) fn identity(name: &str) -> Identity {
        let seed = AGENTS.iter().find(|(n, _)| *n == name).unwrap().1;
        Identity::from_seed(&SecretSeed::from_bytes([seed; 32]))
    }

    /// The key of a known agent, by its DID.
    pub(crate) fn resolve(agent_id: &str) -> Option<PublicKey> {
        let name = agent_id.strip_prefix("did:concordia:agent:")?;
        AGENTS
            .iter()
            .any(|(n, _)| *n == name)
            .then(|| *identity(name).public())
    }

    pub(crate) fn accept_all(_: &Value) -> Result<(), AttestationCheckError> {
        Ok(())
    }

    pub(crate) fn clock_at(text: &str) -> ManualClock {
        ManualClock::new(Timestamp::parse_rfc3339(text).unwrap())
    }

    /// The creation time of every known-answer artefact.
    pub(crate) fn kat_clock() -> ManualClock {
        clock_at("2026-05-20T12:00:00Z")
    }

    type Behavior = (u64, u64, f64, bool);

    /// status, rounds, duration, counterparty, category, alice's behaviour, the counterparty's,
    /// fulfilment status, alice's role, day of May.
    type Spec = (
        &'static str,
        u64,
        u64,
        &'static str,
        Option<&'static str>,
        Behavior,
        Behavior,
        Option<&'static str>,
        &'static str,
        u32,
    );

    pub(crate) const SPECS: [Spec; 5] = [
        (
            "agreed",
            4,
            312,
            "bob",
            Some("software.tools"),
            (3, 1, 0.25, true),
            (2, 2, 0.4, true),
            None,
            "initiator",
            12,
        ),
        (
            "rejected",
            2,
            145,
            "bob",
            Some("software.tools"),
            (1, 1, 0.1, false),
            (1, 2, 0.2, true),
            None,
            "responder",
            10,
        ),
        (
            "agreed",
            6,
            900,
            "carol",
            Some("electronics.cameras"),
            (5, 3, 0.3333, true),
            (4, 2, 0.15, false),
            Some("fulfilled"),
            "initiator",
            14,
        ),
        (
            "agreed",
            3,
            3,
            "dave",
            None,
            (2, 1, 0.5, false),
            (2, 1, 0.5, false),
            Some("partial"),
            "responder",
            11,
        ),
        (
            "expired",
            1,
            7200,
            "carol",
            Some("electronics"),
            (7, 0, 0.0, true),
            (1, 0, 0.0, false),
            None,
            "initiator",
            13,
        ),
    ];

    fn behavior(b: Behavior) -> Value {
        json!({"offers_made": b.0, "concessions": b.1, "concession_magnitude": b.2,
               "signals_shared": 0, "constraints_declared": 0, "constraints_violated": 0,
               "reasoning_provided": b.3, "withdrawal": false, "response_time_avg_seconds": 2.5})
    }

    /// Signs a party record over itself without `signature`.
    pub(crate) fn sign_party(party: &mut Value, signer: &Identity) {
        let map = party.as_object_mut().unwrap();
        map.remove("signature");
        let sig = wire::sign_object(map, &["signature"], signer).unwrap();
        map.insert("signature".into(), Value::String(sig));
    }

    /// Sets every party's countersignature over the issuance snapshot.
    pub(crate) fn countersign(att: &mut Value) {
        let map = att.as_object_mut().unwrap();
        map.remove("countersignatures");
        let preimage = crate::attestation::countersign_preimage_of(map).unwrap();
        let ids: Vec<String> = map["parties"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["agent_id"].as_str().unwrap().to_owned())
            .collect();
        let mut cs = Map::new();
        for id in ids {
            let name = id.strip_prefix("did:concordia:agent:").unwrap();
            let sig = identity(name).sign_bytes(&preimage);
            cs.insert(id.clone(), Value::String(wire::encode_signature(&sig)));
        }
        map.insert("countersignatures".into(), Value::Object(cs));
    }

    /// Attestation `i` of [`SPECS`], version 0.3.0, fully signed and countersigned.
    pub(crate) fn attestation(i: usize) -> Value {
        let (status, rounds, duration, cp, cat, ab, cb, ful, role, day) = SPECS[i];
        let other = if role == "initiator" {
            "responder"
        } else {
            "initiator"
        };
        let mut parties = Vec::new();
        for (name, role, b) in [("alice", role, ab), (cp, other, cb)] {
            let mut p = json!({"agent_id": did(name), "role": role, "behavior": behavior(b)});
            sign_party(&mut p, &identity(name));
            parties.push(p);
        }
        let mut meta = json!({"value_range": "1000-5000_USD", "mediator_invoked": false, "extensions_used": []});
        if let Some(cat) = cat {
            meta["category"] = json!(cat);
        }
        let mut att = json!({
            "concordia_attestation": "0.3.0",
            "attestation_id": format!("att_{i:04}"),
            "session_id": format!("sess_{i:04}"),
            "timestamp": format!("2026-05-{day}T10:00:00Z"),
            "outcome": {"status": status, "rounds": rounds, "duration_seconds": duration,
                        "terms_count": 2, "resolution_mechanism": "direct"},
            "parties": parties,
            "meta": meta,
            "transcript_hash": format!("sha256:{}", "ab".repeat(32)),
            "chain_head": format!("sha256:{}", format!("{i:02}").repeat(32)),
            "message_count": 4,
            "fulfillment": ful.map(|s| json!({"status": s, "confirmed_at": "2026-05-20T00:00:00Z"})),
            "summary": format!("session {i}"),
        });
        countersign(&mut att);
        att
    }

    pub(crate) fn attestations() -> Vec<Value> {
        (0..SPECS.len()).map(attestation).collect()
    }

    /// A legacy (0.1.0) version of attestation `i`: no countersignatures, no set binding.
    pub(crate) fn legacy_attestation(i: usize) -> Value {
        let mut att = attestation(i);
        let map = att.as_object_mut().unwrap();
        map.insert("concordia_attestation".into(), json!("0.1.0"));
        for name in ["countersignatures", "chain_head", "message_count"] {
            map.remove(name);
        }
        att
    }

    const KAT_ATTESTATIONS_SHA256: &str =
        "161aa5d4b79d79e68cf35492f791dcc2529d64b59bcd9b69ec15ef5c0421efc3";
    const KAT_BUNDLE_SIGNATURE: &str =
        "oTIL0sdksZl6sI7gJWbgiVgxiCWGe50OFDyIWmo_nng_P_I-5TVG2qjWjdqxoI-a4Ygy6bZ6lj76cGHScnqoAQ==";

    fn kat_bundle() -> ReceiptBundle {
        ReceiptBundle::create_with_id(
            "bundle_0123456789ab",
            &did("alice"),
            attestations(),
            &identity("alice"),
            &kat_clock(),
        )
        .unwrap()
    }

    fn verify(bundle: &ReceiptBundle) -> Result<BundleReport, BundleError> {
        verify_bundle(
            bundle,
            &resolve,
            &accept_all,
            &FreshnessPolicy::default(),
            &clock_at("2026-05-21T12:00:00Z"),
        )
    }

    /// Re-signs an edited bundle value with alice's key.
    fn resign(mut value: Value) -> ReceiptBundle {
        let map = value.as_object_mut().unwrap();
        let sig = wire::sign_object(map, &UNSIGNED_MEMBERS, &identity("alice")).unwrap();
        map.insert("agent_signature".into(), Value::String(sig));
        ReceiptBundle::from_value(value).unwrap()
    }

    #[test]
    fn fixture_attestations_are_byte_identical_to_the_python_ones() {
        let bytes = wire::canonical(&json!({"a": attestations()})).unwrap();
        assert_eq!(
            wire::sha256_ref(&bytes),
            format!("sha256:{KAT_ATTESTATIONS_SHA256}")
        );
    }

    #[test]
    fn summary_and_signature_match_python() {
        let bundle = kat_bundle();
        assert_eq!(
            bundle.summary().to_value(),
            json!({"agreement_rate": 0.6, "agreements": 3, "avg_concession_magnitude": 0.2367,
                   "categories": ["electronics", "electronics.cameras", "software.tools"],
                   "earliest": "2026-05-10T10:00:00Z", "fulfillment_rate": 0.5,
                   "latest": "2026-05-14T10:00:00Z", "reasoning_rate": 0.6,
                   "total_negotiations": 5, "unique_counterparties": 3})
        );
        assert_eq!(bundle.agent_signature(), KAT_BUNDLE_SIGNATURE);
        assert_eq!(bundle.created_at(), "2026-05-20T12:00:00Z");
        assert_eq!(
            bundle.to_value()["concordia_receipt_bundle"],
            json!("0.1.0")
        );
        // The first two attestations alone (the reference's figures).
        assert_eq!(
            BundleSummary::compute(&did("alice"), &attestations()[..2]).to_value(),
            json!({"agreement_rate": 0.5, "agreements": 1, "avg_concession_magnitude": 0.175,
                   "categories": ["software.tools"], "earliest": "2026-05-10T10:00:00Z",
                   "fulfillment_rate": 0.0, "latest": "2026-05-12T10:00:00Z",
                   "reasoning_rate": 0.5, "total_negotiations": 2, "unique_counterparties": 1})
        );
    }

    #[test]
    fn summary_reproduces_python_quirks() {
        // Booleans count as numbers, reasoning is truthiness, a party listed twice counts
        // twice, a missing or null agent id is a counterparty, empty strings are skipped.
        let edge = json!([
            {"outcome": {"status": "agreed"},
             "parties": [{"agent_id": "a", "behavior": {"concession_magnitude": true, "reasoning_provided": "yes"}},
                         {"agent_id": "a", "behavior": {"concession_magnitude": 0.1, "reasoning_provided": 1}}],
             "fulfillment": {"status": "complete"}, "meta": {"category": ""}, "timestamp": "2026-01-02T00:00:00Z"},
            {"outcome": {"status": "agreed"}, "parties": [{"agent_id": "b"}, {"role": "x"}],
             "fulfillment": {"status": "pending"}, "meta": {}, "timestamp": ""},
            {"parties": [{"agent_id": "a", "behavior": {"concession_magnitude": null}}, {"agent_id": null}],
             "fulfillment": null, "timestamp": "2026-01-01T00:00:00Z"}
        ]);
        let edge = edge.as_array().unwrap();
        assert_eq!(
            BundleSummary::compute("a", edge).to_value(),
            json!({"agreement_rate": 0.6667, "agreements": 2, "avg_concession_magnitude": 0.55,
                   "categories": [], "earliest": "2026-01-01T00:00:00Z", "fulfillment_rate": 0.5,
                   "latest": "2026-01-02T00:00:00Z", "reasoning_rate": 0.6667,
                   "total_negotiations": 3, "unique_counterparties": 3})
        );
        let flags = screen_bundle("a", edge);
        assert_eq!(
            flags.to_value(),
            json!({"flagged": true, "low_counterparty_diversity": false, "self_dealing": true,
                   "symmetric_concessions": false, "timing_anomaly": false})
        );
        assert_eq!(BundleSummary::compute("a", &[]), BundleSummary::default());
    }

    #[test]
    fn rounding_matches_python_round() {
        // Pairs printed by Python's round(x, 4).
        for (x, want) in [
            (0.00005, 0.0001),
            (0.12345, 0.1235),
            (2.67455, 2.6745),
            (1.00005, 1.0001),
            (0.5 / 3.0, 0.1667),
            (0.99995, 1.0),
            (4.9999e-05, 0.0),
            (123.45675, 123.4567),
        ] {
            assert_eq!(py_round4(x), want, "{x}");
        }
        assert!(py_round4(-0.00001).is_sign_positive());
    }

    #[test]
    fn verifies_and_reports_what_it_could_not_credit() {
        let report = verify(&kat_bundle()).unwrap();
        assert_eq!(report.age_secs, 86_400);
        assert_eq!(report.verified_counterparties, 3);
        assert!(report.unverified_counterparties.is_empty());
        assert_eq!(report.outcome_bound_count, 5);
        assert_eq!(report.set_bound_count, 5);
        assert!(report.outcome_unbound_attestations.is_empty());
        // Fulfilment blocks without a confirming counterparty signature.
        assert_eq!(
            report.fulfillment_unbound_attestations,
            vec!["att_0002".to_owned(), "att_0003".to_owned()]
        );
        assert!(!report.sybil_flags.flagged());
    }

    #[test]
    fn round_trips_through_json_text() {
        let bundle = kat_bundle();
        let text = String::from_utf8(wire::canonical(&bundle.to_value()).unwrap()).unwrap();
        let back = ReceiptBundle::parse(&text).unwrap();
        // Canonical text writes 0.0 as 0: equal as canonical bytes, not as serde values.
        assert_eq!(wire::canonical(&back.to_value()).unwrap(), text.as_bytes());
        assert_eq!(back.summary(), bundle.summary());
        assert_eq!(back.bundle_id(), "bundle_0123456789ab");
        assert_eq!(back.attestations().len(), 5);
        verify(&back).unwrap();
        // The version marker is not signed: changing it keeps the signature valid.
        let mut value = bundle.to_value();
        value["concordia_receipt_bundle"] = json!("0.1.1");
        verify(&ReceiptBundle::from_value(value).unwrap()).unwrap();
    }

    #[test]
    fn derived_ids_are_deterministic_and_content_bound() {
        let clock = kat_clock();
        let a = ReceiptBundle::create(&did("alice"), attestations(), &identity("alice"), &clock)
            .unwrap();
        let b = ReceiptBundle::create(&did("alice"), attestations(), &identity("alice"), &clock)
            .unwrap();
        assert_eq!(a.bundle_id(), b.bundle_id());
        assert!(is_hex_id(a.bundle_id(), "bundle_"));
        assert_eq!(a.bundle_id().len(), "bundle_".len() + 12);
        let c = ReceiptBundle::create(
            &did("alice"),
            attestations()[..4].to_vec(),
            &identity("alice"),
            &clock,
        )
        .unwrap();
        assert_ne!(a.bundle_id(), c.bundle_id());
        verify(&a).unwrap();
        assert!(matches!(
            ReceiptBundle::create_with_id(
                "bundle_XYZ",
                &did("alice"),
                vec![],
                &identity("alice"),
                &clock
            ),
            Err(BundleError::BadBundleId)
        ));
    }

    #[test]
    fn empty_bundle_is_valid_with_a_zero_summary() {
        let bundle =
            ReceiptBundle::create(&did("alice"), vec![], &identity("alice"), &kat_clock()).unwrap();
        let report = verify(&bundle).unwrap();
        assert_eq!(report.verified_counterparties, 0);
        // Claiming history over no receipts is refused.
        let mut value = bundle.to_value();
        value["summary"]["agreements"] = json!(1);
        assert!(matches!(
            verify(&resign(value)),
            Err(BundleError::SummaryMismatch("agreements"))
        ));
    }

    #[test]
    fn tampered_summary_is_refused() {
        let bundle = kat_bundle();
        // Edited without re-signing: the signature fails.
        let mut value = bundle.to_value();
        value["summary"]["agreement_rate"] = json!(0.9);
        assert!(matches!(
            verify(&ReceiptBundle::from_value(value.clone()).unwrap()),
            Err(BundleError::BadSignature)
        ));
        // Re-signed by the agent: the recomputation catches it.
        assert!(matches!(
            verify(&resign(value)),
            Err(BundleError::SummaryMismatch("agreement_rate"))
        ));
        // Within the reference's 0.001 tolerance is accepted; members it skips are compared.
        let mut value = bundle.to_value();
        value["summary"]["agreement_rate"] = json!(0.6005);
        verify(&resign(value)).unwrap();
        for (member, fake) in [
            ("latest", json!("2027-01-01T00:00:00Z")),
            ("earliest", json!("2020-01-01T00:00:00Z")),
            ("fulfillment_rate", json!(1.0)),
            ("unique_counterparties", json!(9)),
            ("categories", json!(["software.tools"])),
        ] {
            let mut value = bundle.to_value();
            value["summary"][member] = fake;
            match verify(&resign(value)) {
                Err(BundleError::SummaryMismatch(m)) => assert_eq!(m, member),
                other => panic!("{member}: {other:?}"),
            }
        }
    }

    #[test]
    fn swapped_or_edited_attestations_are_refused() {
        let bundle = kat_bundle();
        // Flipping an outcome breaks every countersignature (the holder cannot rebind it).
        let mut value = bundle.to_value();
        value["attestations"][1]["outcome"]["status"] = json!("agreed");
        let mut summary_fixed = value.clone();
        let atts = summary_fixed["attestations"].as_array().unwrap().clone();
        summary_fixed["summary"] = BundleSummary::compute(&did("alice"), &atts).to_value();
        assert!(matches!(
            verify(&resign(summary_fixed)),
            Err(BundleError::OutcomeBinding {
                index: 1,
                problem: BindingError::InvalidCountersignature(_)
            })
        ));
        // Re-countersigning with the holder's key alone is not enough.
        let mut value = bundle.to_value();
        value["attestations"][1]["outcome"]["status"] = json!("agreed");
        let att = value["attestations"][1].as_object().unwrap().clone();
        let preimage = crate::attestation::countersign_preimage_of(&att).unwrap();
        let own = wire::encode_signature(&identity("alice").sign_bytes(&preimage));
        value["attestations"][1]["countersignatures"] = json!({ did("alice"): own });
        let atts = value["attestations"].as_array().unwrap().clone();
        value["summary"] = BundleSummary::compute(&did("alice"), &atts).to_value();
        assert!(matches!(
            verify(&resign(value)),
            Err(BundleError::OutcomeBinding { index: 1, problem: BindingError::MissingCountersignature(p) }) if p == did("bob")
        ));
        // An edited behaviour record breaks that party's signature.
        let mut value = bundle.to_value();
        value["attestations"][0]["parties"][1]["behavior"]["offers_made"] = json!(9);
        assert!(matches!(
            verify(&resign(value)),
            Err(BundleError::PartySignature {
                index: 0,
                problem: PartySignatureError::Invalid { party: 1, .. }
            })
        ));
        // An attestation between two other agents: the bundle agent is not a party.
        let mut foreign = attestation(2);
        foreign["parties"][0]["agent_id"] = json!(did("dave"));
        let mut value = bundle.to_value();
        value["attestations"][2] = foreign;
        assert!(matches!(
            verify(&resign(value)),
            Err(BundleError::AgentNotParty { index: 2, .. })
        ));
        // The same receipt twice.
        let mut value = bundle.to_value();
        value["attestations"][4] = value["attestations"][0].clone();
        assert!(matches!(
            verify(&resign(value)),
            Err(BundleError::DuplicateAttestationId(id)) if id == "att_0000"
        ));
        assert!(matches!(
            ReceiptBundle::create(
                &did("alice"),
                vec![attestation(0), attestation(0)],
                &identity("alice"),
                &kat_clock()
            ),
            Err(BundleError::DuplicateAttestationId(_))
        ));
        let mut same_session = attestation(1);
        same_session["session_id"] = json!("sess_0000");
        assert!(matches!(
            ReceiptBundle::create(
                &did("alice"),
                vec![attestation(0), same_session],
                &identity("alice"),
                &kat_clock()
            ),
            Err(BundleError::DuplicateSessionId(_))
        ));
    }

    #[test]
    fn wrong_or_unknown_keys_are_refused() {
        let bundle = kat_bundle();
        assert!(matches!(
            bundle.verify_signature(identity("bob").public()),
            Err(BundleError::BadSignature)
        ));
        bundle.verify_signature(identity("alice").public()).unwrap();
        // A resolver that maps alice to bob's key.
        let wrong = |id: &str| {
            if id == did("alice") {
                Some(*identity("bob").public())
            } else {
                resolve(id)
            }
        };
        let clock = clock_at("2026-05-21T12:00:00Z");
        assert!(matches!(
            verify_bundle(
                &bundle,
                &wrong,
                &accept_all,
                &FreshnessPolicy::default(),
                &clock
            ),
            Err(BundleError::BadSignature)
        ));
        let nobody = |_: &str| None;
        assert!(matches!(
            verify_bundle(
                &bundle,
                &nobody,
                &accept_all,
                &FreshnessPolicy::default(),
                &clock
            ),
            Err(BundleError::UnknownAgentKey(_))
        ));
        // Counterparty keys unknown: their countersignatures cannot be confirmed.
        let only_alice = |id: &str| (id == did("alice")).then(|| *identity("alice").public());
        assert!(matches!(
            verify_bundle(
                &bundle,
                &only_alice,
                &accept_all,
                &FreshnessPolicy::default(),
                &clock
            ),
            Err(BundleError::OutcomeBinding {
                problem: BindingError::UnknownKey(_),
                ..
            })
        ));
    }

    #[test]
    fn legacy_receipts_are_reported_not_credited() {
        let atts = vec![legacy_attestation(0), attestation(1)];
        let bundle =
            ReceiptBundle::create(&did("alice"), atts, &identity("alice"), &kat_clock()).unwrap();
        let report = verify(&bundle).unwrap();
        assert_eq!(report.outcome_bound_count, 1);
        assert_eq!(
            report.outcome_unbound_attestations,
            vec!["att_0000".to_owned()]
        );
        assert_eq!(report.set_unbound_attestations, vec!["att_0000".to_owned()]);
        // A legacy party whose key is unknown is reported as unverified.
        let no_bob = |id: &str| if id == did("bob") { None } else { resolve(id) };
        let bundle = ReceiptBundle::create(
            &did("alice"),
            vec![legacy_attestation(0)],
            &identity("alice"),
            &kat_clock(),
        )
        .unwrap();
        let report = verify_bundle(
            &bundle,
            &no_bob,
            &accept_all,
            &FreshnessPolicy::default(),
            &kat_clock(),
        )
        .unwrap();
        assert_eq!(report.unverified_counterparties, vec![did("bob")]);
        assert_eq!(report.verified_counterparties, 0);
    }

    #[test]
    fn binding_fields_are_enforced_by_version() {
        let mut att = attestation(0);
        att["chain_head"] = json!("sha256:XYZ");
        countersign(&mut att);
        let bundle =
            ReceiptBundle::create(&did("alice"), vec![att], &identity("alice"), &kat_clock())
                .unwrap();
        assert!(matches!(
            verify(&bundle),
            Err(BundleError::SetBinding {
                index: 0,
                problem: SetBindingError::ChainHead(_)
            })
        ));
        let mut att = attestation(0);
        att["message_count"] = json!(0);
        countersign(&mut att);
        assert!(matches!(
            evaluate_set_binding(&att),
            Err(SetBindingError::MessageCount(_))
        ));
        let mut att = attestation(0);
        att.as_object_mut().unwrap().remove("countersignatures");
        assert!(matches!(
            evaluate_outcome_binding(&att, &resolve),
            Err(BindingError::NoCountersignatures(v)) if v == "0.3.0"
        ));
        att["concordia_attestation"] = json!("0.1.9");
        assert_eq!(
            evaluate_outcome_binding(&att, &resolve),
            Ok(OutcomeBinding::Legacy)
        );
        for bad in [json!("0.3.0\n"), json!("v0.3.0"), json!(3)] {
            att["concordia_attestation"] = bad;
            assert_eq!(
                evaluate_outcome_binding(&att, &resolve),
                Err(BindingError::MalformedVersion)
            );
            assert_eq!(
                evaluate_set_binding(&att),
                Err(SetBindingError::MalformedVersion)
            );
        }
        att.as_object_mut().unwrap().remove("concordia_attestation");
        assert_eq!(
            evaluate_outcome_binding(&att, &resolve),
            Ok(OutcomeBinding::Legacy)
        );
        assert_eq!(evaluate_set_binding(&att), Ok(false));
    }

    #[test]
    fn version_gate_reads_plain_semver_only() {
        let v = |s: &str| Some(Value::String(s.into()));
        assert!(attestation_version_at_least(v("0.2.0").as_ref(), 0, 2));
        assert!(attestation_version_at_least(v("1.0.0").as_ref(), 0, 2));
        assert!(attestation_version_at_least(v("0.10.0").as_ref(), 0, 2));
        assert!(attestation_version_at_least(
            v("99999999999999999999999.0.0").as_ref(),
            0,
            2
        ));
        assert!(!attestation_version_at_least(v("0.1.9").as_ref(), 0, 2));
        for bad in ["0.3", "0.3.0.1", "v0.3.0", "0.3.0\n", "0.3.x", "", "0..3"] {
            assert!(
                !attestation_version_at_least(v(bad).as_ref(), 0, 2),
                "{bad:?}"
            );
        }
        assert!(!attestation_version_at_least(Some(&json!(3)), 0, 2));
        assert!(!attestation_version_at_least(None, 0, 2));
    }

    #[test]
    fn attestation_check_refusal_rejects_the_bundle() {
        #[derive(Debug, thiserror::Error)]
        #[error("schema says no")]
        struct No;
        let refuse_second = |att: &Value| {
            if att["attestation_id"] == json!("att_0001") {
                Err(AttestationCheckError::new(No))
            } else {
                Ok(())
            }
        };
        let err = verify_bundle(
            &kat_bundle(),
            &resolve,
            &refuse_second,
            &FreshnessPolicy::default(),
            &kat_clock(),
        )
        .unwrap_err();
        assert!(matches!(
            err,
            BundleError::AttestationRejected { index: 1, .. }
        ));
        assert!(err.to_string().contains("schema says no"));
    }

    #[test]
    fn freshness_bounds_age_and_future_skew() {
        let policy = FreshnessPolicy::default();
        let created = "2026-05-20T12:00:00Z";
        assert_eq!(check_freshness(created, &policy, &clock_at(created)), Ok(0));
        assert_eq!(
            check_freshness(created, &policy, &clock_at("2026-06-19T12:00:00Z")),
            Ok(720 * 3600)
        );
        assert!(matches!(
            check_freshness(created, &policy, &clock_at("2026-06-19T12:00:01Z")),
            Err(FreshnessError::Stale { .. })
        ));
        assert_eq!(
            check_freshness(created, &policy, &clock_at("2026-05-20T11:55:00Z")),
            Ok(0)
        );
        assert!(matches!(
            check_freshness(created, &policy, &clock_at("2026-05-20T11:54:59Z")),
            Err(FreshnessError::FutureDated {
                ahead_secs: 301,
                ..
            })
        ));
        for bad in [
            "2026-05-20T12:00:00",
            "2026-05-20T12:00:00.5Z",
            "2026-13-20T12:00:00Z",
            "",
            "2026-05-20 12:00:00Z",
        ] {
            assert!(
                matches!(
                    check_freshness(bad, &policy, &clock_at(created)),
                    Err(FreshnessError::Malformed(_))
                ),
                "{bad}"
            );
        }
        // Through verify_bundle: a month-old bundle is stale.
        let err = verify_bundle(
            &kat_bundle(),
            &resolve,
            &accept_all,
            &policy,
            &clock_at("2026-07-01T00:00:00Z"),
        )
        .unwrap_err();
        assert!(matches!(
            err,
            BundleError::Freshness(FreshnessError::Stale { .. })
        ));
    }

    #[test]
    fn malformed_bundles_are_refused_by_the_reader() {
        let good = kat_bundle().to_value();
        for member in [
            "summary",
            "agent_signature",
            "bundle_id",
            "concordia_receipt_bundle",
            "attestations",
        ] {
            let mut value = good.clone();
            value.as_object_mut().unwrap().remove(member);
            assert!(
                matches!(
                    ReceiptBundle::from_value(value),
                    Err(BundleError::Schema(_))
                ),
                "{member}"
            );
        }
        let mut value = good.clone();
        value["summary"]["total_negotiations"] = json!(-1);
        assert!(ReceiptBundle::from_value(value).is_err());
        let mut value = good.clone();
        value["attestations"][0]
            .as_object_mut()
            .unwrap()
            .remove("parties");
        assert!(ReceiptBundle::from_value(value).is_err());
        assert!(ReceiptBundle::from_value(json!([1])).is_err());
        assert!(ReceiptBundle::parse("{\"a\":1,\"a\":2}").is_err());
        let mut no_outcome = attestation(0);
        no_outcome.as_object_mut().unwrap().remove("outcome");
        assert!(matches!(
            ReceiptBundle::create(
                &did("alice"),
                vec![no_outcome],
                &identity("alice"),
                &kat_clock()
            ),
            Err(BundleError::Schema(_))
        ));
        assert!(matches!(
            ReceiptBundle::create(
                &did("bob"),
                vec![attestation(2)],
                &identity("bob"),
                &kat_clock()
            ),
            Err(BundleError::AgentNotParty { index: 0, .. })
        ));
    }

    #[test]
    fn screening_matches_the_reference_rules() {
        // Four sessions, one counterparty, all fast and symmetric.
        let mut atts = Vec::new();
        for i in 0..4 {
            let mut a = attestation(3);
            a["attestation_id"] = json!(format!("x{i}"));
            atts.push(a);
        }
        let flags = screen_bundle(&did("alice"), &atts);
        assert!(
            flags.low_counterparty_diversity && flags.timing_anomaly && flags.symmetric_concessions
        );
        assert!(!flags.self_dealing);
        // Exactly half is not "more than half".
        let flags = screen_bundle(&did("alice"), &[attestation(3), attestation(0)]);
        assert!(!flags.timing_anomaly && !flags.symmetric_concessions);
        assert_eq!(screen_bundle(&did("alice"), &[]), SybilFlags::default());
    }
}
