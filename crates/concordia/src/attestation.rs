//! Reputation attestations (receipts) of concluded sessions (SPEC §9.6): generation, party
//! signatures, issuance countersignatures, receipt set-binding, privacy rules and temporal
//! validity.
//!
//! An attestation records what happened in a session without revealing what was traded:
//! the outcome, per-party behaviour signals, bucketed context, and three commitments to the
//! transcript (`transcript_hash`, and from 0.3.0 `chain_head` and `message_count`). Two kinds
//! of signature protect it:
//!
//! * each party signs **its own party object** (minus its `signature` member), vouching for
//!   its behaviour record only;
//! * each party **countersigns the whole attestation**: the canonical bytes of the attestation
//!   without its `countersignatures` map and with every `signature` member removed at every
//!   depth, so the outcome, the meta data and the transcript commitments are bound
//!   (SPEC §9.6.5a). Countersignatures are padded base64url, as the party signatures.
//!
//! ```
//! use concordia::attestation::{self, AttestationVersion, ConcludedParty, ConcludedSession,
//!     GenerateOptions, VerifyOptions};
//! use concordia::behavior::BehaviorRecord;
//! use concordia::message::MessageBuilder;
//! use concordia::types::{MessageType, PartyRole, SessionState};
//! use sanctuary_core::identity::{Identity, SecretSeed, Signer};
//! use sanctuary_core::time::{ManualClock, Timestamp};
//! use std::collections::BTreeMap;
//!
//! let alice = Identity::from_seed(&SecretSeed::from_bytes([1; 32]));
//! let bob = Identity::from_seed(&SecretSeed::from_bytes([2; 32]));
//! let open = MessageBuilder::new(MessageType::Open, "ses_1", "alice")
//!     .timestamp_text("2026-05-29T12:00:00Z")
//!     .id("msg_1")
//!     .sign(&alice)?;
//! let transcript = vec![open];
//! let session = ConcludedSession {
//!     session_id: "ses_1".into(),
//!     state: SessionState::Expired,
//!     parties: vec![
//!         ConcludedParty::new("alice", PartyRole::Initiator, BehaviorRecord::default()),
//!         ConcludedParty::new("bob", PartyRole::Responder, BehaviorRecord::default()),
//!     ],
//!     transcript: &transcript,
//!     terms_count: 0,
//!     round_count: 0,
//!     duration_seconds: 60,
//! };
//! let issued = Timestamp::parse_rfc3339("2026-05-29T12:01:00Z")?;
//! let options = GenerateOptions { issued_at: Some(issued), ..GenerateOptions::default() };
//! let receipt = attestation::generate(&session, &[("alice", &alice), ("bob", &bob)], &options)?;
//! assert_eq!(receipt["concordia_attestation"], "0.5.0");
//!
//! let keys = BTreeMap::from([
//!     ("alice".to_owned(), alice.public_key()),
//!     ("bob".to_owned(), bob.public_key()),
//! ]);
//! let clock = ManualClock::new(issued);
//! let verified = attestation::verify(&receipt, &VerifyOptions::new(&keys, &clock).transcript(&transcript))?;
//! assert_eq!(verified.verified_parties, ["alice", "bob"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Versions
//!
//! [`AttestationVersion::V0_3`] writes `"0.3.0"`, what `concordia-protocol` 0.10.0 on PyPI
//! emits (no `validity_temporal` unless one is given). [`AttestationVersion::V0_5`] (the
//! default) writes `"0.5.0"` with a mandatory `validity_temporal` (an absolute 90-day window
//! from the issuance time unless one is given), as the current reference does; 0.10.0
//! verifiers accept it too (the field is optional in their schema). Verification reads both.
//!
//! # Deviations from the Python reference
//!
//! * **Generation refuses output the verifier would refuse.** The reference can emit
//!   attestations its own schema rejects (one party, an unknown `references[].extensions`
//!   key, a zone-less validity timestamp). [`generate`] validates its result against the
//!   schema and the privacy scan and fails instead.
//! * **A concession magnitude above 1.0 is written as 1.0.** A party whose offers moved by more
//!   than 100 % has a running mean above the schema's maximum; the reference writes it as it
//!   is (a schema-invalid attestation). Refusing instead would let one party's offers make
//!   the session impossible to attest, so the value is capped at the schema's 1.0.
//! * **The 90-day issuer maximum** on `validity_temporal` (reference 0.5 policy) applies to
//!   both versions; 0.10.0 had no maximum.
//! * **Attestation ids** are `att_` and 16 hex digits (the reference uses 8: a 32-bit id
//!   collides after tens of thousands of receipts).
//! * **Typed inputs.** Category, value range and references are typed, so the reference's
//!   dynamic-typing paths (a string iterated as references, `len()` of a number) do not
//!   exist; an empty category or value range is skipped as in the reference.
//! * **Timestamps in `validity_temporal`** are read as Python 3.11's `fromisoformat` reads
//!   them for calendar dates with `T`, `t` or a space as separator; week dates, other
//!   separators, fractions outside the seconds field and offset fractions are refused.
//! * **[`validity_at`]** requires `duration_seconds` to be a JSON integer and the bounds to
//!   parse, and reports an error otherwise; the reference coerces with `int()` (accepting
//!   `"86400"` and `86400.9`) and skips the duration when the instant is outside the window.
//! * **Verification is stricter than `verify_attestation`:** duplicate party ids, legacy
//!   versions (below 0.3.0, unless allowed), a missing or failing countersignature from any
//!   party, semantically empty validity windows, raw deal terms anywhere (not only in the
//!   free-text fields; machine-written digests, `did:key` party ids and the generated summary
//!   lines excepted, see [`PrivacyScan`]), reasoning text copied from the transcript, and
//!   transcript messages of another session are refused, and freshness (SPEC §9.7.1) is
//!   checked against a clock. Countersignature entries for agents that are not parties are
//!   ignored, as in the reference.
//! * **Signatures** must be base64url of exactly 64 bytes with canonical trailing bits; the
//!   reference's decoder also accepts `+`, `/` and stray characters.

use crate::behavior::BehaviorRecord;
use crate::message::Message;
use crate::schema::{self, SchemaError, SchemaName};
use crate::types::{PartyRole, ResolutionMechanism, SessionState};
use crate::wire::{self, WireError};
use sanctuary_core::identity::{PublicKey, Signer};
use sanctuary_core::time::{Clock, Timestamp};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::time::Duration;

/// The version the reference issuer wrote before validity windows became mandatory.
pub const VERSION_0_3: &str = "0.3.0";
/// The current version: `validity_temporal` is mandatory.
pub const VERSION_0_5: &str = "0.5.0";

/// The value buckets `meta.value_range` may use (SPEC §9.6.6), each followed by `_` and a
/// three-letter upper-case currency code.
pub const VALUE_RANGE_BUCKETS: [&str; 10] = [
    "0-100",
    "100-500",
    "500-1000",
    "1000-5000",
    "5000-10000",
    "10000-50000",
    "50000-100000",
    "100000-500000",
    "500000-1000000",
    "1000000+",
];
/// The longest `meta.value_range`, in characters.
pub const MAX_VALUE_RANGE_LENGTH: usize = 32;
/// The longest `meta.category`, in characters.
pub const MAX_CATEGORY_LENGTH: usize = 64;
/// The most `references[]` entries an attestation carries (SPEC §11.5.8).
pub const MAX_REFERENCES: usize = 32;
/// The longest reference `type`, in characters.
pub const MAX_REFERENCE_TYPE_LENGTH: usize = 64;
/// The longest reference `relationship`, in characters.
pub const MAX_REFERENCE_RELATIONSHIP_LENGTH: usize = 64;
/// The longest reference `id`, in characters.
pub const MAX_REFERENCE_ID_LENGTH: usize = 256;
/// The longest optional reference string (`version`, `signed_at`, `signer_did`).
pub const MAX_REFERENCE_OPTIONAL_STRING_LENGTH: usize = 256;
/// The largest reference `extensions` object, in canonical JSON bytes.
pub const MAX_REFERENCE_EXTENSIONS_BYTES: usize = 2048;
/// The deepest nesting of a reference `extensions` object.
pub const MAX_REFERENCE_EXTENSIONS_DEPTH: usize = 8;
/// The most values inside a reference `extensions` object (itself included).
pub const MAX_REFERENCE_EXTENSIONS_NODES: usize = 256;
/// The canonical reference types (others are kept as opaque strings, SPEC §11.5.8).
pub const REFERENCE_TYPES: [&str; 4] = ["receipt", "chain_session", "predicate", "mandate"];
/// The canonical reference relationships (others are kept as opaque strings).
pub const REFERENCE_RELATIONSHIPS: [&str; 4] = ["supersedes", "extends", "fulfills", "references"];
/// The validity window the issuer writes when none is given: 90 days.
pub const DEFAULT_VALIDITY_SECONDS: u64 = 90 * 24 * 60 * 60;
/// The longest validity window the issuer signs (the reference issuer's policy): 90 days.
pub const MAX_VALIDITY_SECONDS: u64 = DEFAULT_VALIDITY_SECONDS;

const OPTIONAL_REFERENCE_KEYS: [&str; 3] = ["version", "signed_at", "signer_did"];
const VALIDITY_MODES: [&str; 3] = ["absolute", "relative", "window"];
/// The most raw-term scan nodes visited (a bound on work; the parser bounds size already).
const MAX_SCAN_NODES: usize = 1 << 20;

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Why an attestation could not be generated or was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AttestationError {
    /// The session is not agreed, rejected or expired.
    #[error("Cannot generate attestation for session in state {state}")]
    NotConcluded {
        /// The session's state.
        state: SessionState,
    },
    /// The session has no messages, so there is no chain head to bind.
    #[error(
        "Cannot generate attestation for session with empty transcript; v0.3.0 receipts require chain_head and message_count"
    )]
    EmptyTranscript,
    /// Two parties (or two signers, or two party entries) share an agent id.
    #[error("agent id '{agent_id}' appears more than once")]
    DuplicateParty {
        /// The repeated id.
        agent_id: String,
    },
    /// `meta.category` is not a dotted lower-case taxonomy path.
    #[error(
        "category must be a dotted lowercase taxonomy path of at most 64 chars matching '[a-z0-9_-]+(.[a-z0-9_-]+)*' (e.g. 'electronics.cameras'); free-text values are rejected per SPEC §9.6.6"
    )]
    InvalidCategory,
    /// `meta.value_range` is not one of the buckets and a currency code.
    #[error(
        "value_range must be '<bucket>_<CURRENCY>' where bucket is one of ('0-100', '100-500', '500-1000', '1000-5000', '5000-10000', '10000-50000', '50000-100000', '100000-500000', '500000-1000000', '1000000+') and CURRENCY is a 3-letter uppercase code (e.g. '1000-5000_USD'); free-text values are rejected per SPEC §9.6.6 (attestations carry bucketed context, never raw deal terms)"
    )]
    InvalidValueRange,
    /// More than [`MAX_REFERENCES`] references.
    #[error("references[] exceeds the maximum of 32 entries")]
    TooManyReferences,
    /// A reference is malformed.
    #[error(transparent)]
    Reference(#[from] ReferenceError),
    /// The validity window is malformed.
    #[error(transparent)]
    Validity(#[from] ValidityError),
    /// A given attestation id is empty or longer than 256 characters.
    #[error("attestation id must be 1 to 256 characters")]
    InvalidAttestationId,
    /// Canonicalisation, signing or a signature encoding failed.
    #[error(transparent)]
    Wire(#[from] WireError),
    /// The attestation does not satisfy `attestation.schema.json`.
    #[error(transparent)]
    Schema(#[from] SchemaError),
    /// The attestation is not a JSON object.
    #[error("attestation is not a json object")]
    NotObject,
    /// A string matches a raw-deal-term detector (SPEC §9.6.6).
    #[error("raw deal term at {pointer}")]
    RawDealTerm {
        /// JSON pointer to the string (or member name).
        pointer: String,
    },
    /// A string repeats a message's free-text reasoning (SPEC §9.6.6 rule 3).
    #[error("reasoning text from the transcript at {pointer}")]
    ReasoningLeak {
        /// JSON pointer to the string.
        pointer: String,
    },
    /// `parties` is missing or one of its entries is malformed.
    #[error("parties[{index}] is malformed: {problem}")]
    MalformedParty {
        /// The entry's index.
        index: usize,
        /// What is wrong.
        problem: &'static str,
    },
    /// A party has no signature (or an empty one).
    #[error("party '{agent_id}' has not signed")]
    MissingPartySignature {
        /// The party.
        agent_id: String,
    },
    /// No key is known for a party.
    #[error("no public key for '{agent_id}'")]
    UnknownKey {
        /// The party.
        agent_id: String,
    },
    /// A party signature does not verify.
    #[error("signature of party '{agent_id}' does not verify")]
    BadPartySignature {
        /// The party.
        agent_id: String,
    },
    /// The `countersignatures` map is missing, empty or not an object.
    #[error("attestation version {version} requires countersignatures; none present")]
    MissingCountersignatures {
        /// The attestation's version.
        version: String,
    },
    /// A party has not countersigned.
    #[error("party '{agent_id}' has no countersignature; outcome not bound")]
    MissingCountersignature {
        /// The party.
        agent_id: String,
    },
    /// A countersignature does not verify.
    #[error("countersignature for '{agent_id}' failed verification")]
    BadCountersignature {
        /// The party.
        agent_id: String,
    },
    /// The version is below 0.3.0 or malformed, and legacy attestations were not allowed.
    #[error("attestation version '{version}' is legacy (below 0.3.0): outcome or set not bound")]
    LegacyVersion {
        /// The version text.
        version: String,
    },
    /// The set-binding fields are missing, malformed or do not match the transcript.
    #[error(transparent)]
    SetBinding(#[from] SetBindingError),
    /// The attestation is not fresh (SPEC §9.7.1).
    #[error(transparent)]
    Freshness(#[from] FreshnessError),
    /// No party entry has this agent id.
    #[error("no party '{agent_id}' in the attestation")]
    UnknownParty {
        /// The agent id.
        agent_id: String,
    },
}

/// Why a reference was refused at issuance (texts as the reference writes them).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReferenceError {
    /// The entry is not an object.
    #[error("references[{index}] must be a dict, got {type_name} per SPEC §11.5.6")]
    NotObject {
        /// The entry's index.
        index: usize,
        /// The Python type name of what was given.
        type_name: &'static str,
    },
    /// Required keys are missing.
    #[error(
        "references[{index}] missing required keys {missing} per SPEC §11.5.6 (id, type, relationship)"
    )]
    Missing {
        /// The entry's index.
        index: usize,
        /// The missing keys.
        missing: KeyList,
    },
    /// `type`, `id`, `relationship` or an optional string is empty, too long, not a string or
    /// contains white space.
    #[error(
        "references[{index}].{field} must be a non-empty whitespace-free string of at most {max} chars{suffix}"
    )]
    BadString {
        /// The entry's index.
        index: usize,
        /// The member.
        field: &'static str,
        /// The length limit.
        max: usize,
        /// The reference text's trailing citation (empty for optional members).
        suffix: &'static str,
    },
    /// `extensions` is not an object.
    #[error("references[{index}].extensions must be an object")]
    ExtensionsNotObject {
        /// The entry's index.
        index: usize,
    },
    /// `extensions` nests too deep.
    #[error("references[{index}].extensions exceeds the maximum nesting depth of 8")]
    ExtensionsTooDeep {
        /// The entry's index.
        index: usize,
    },
    /// `extensions` holds too many values.
    #[error("references[{index}].extensions exceeds the maximum of 256 nodes")]
    ExtensionsTooManyNodes {
        /// The entry's index.
        index: usize,
    },
    /// `extensions` cannot be canonicalised.
    #[error("references[{index}].extensions is not canonically serializable")]
    ExtensionsNotCanonical {
        /// The entry's index.
        index: usize,
    },
    /// `extensions` is too large.
    #[error("references[{index}].extensions exceeds 2048 canonical-JSON bytes")]
    ExtensionsTooLarge {
        /// The entry's index.
        index: usize,
    },
}

/// A list of member names, written as Python writes a list of strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyList(pub Vec<&'static str>);

impl fmt::Display for KeyList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, key) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "'{key}'")?;
        }
        f.write_str("]")
    }
}

/// Why a `validity_temporal` object was refused (texts as the reference writes them).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidityError {
    /// Not an object.
    #[error("validity_temporal must be a dict")]
    NotObject,
    /// `mode` is not absolute, relative or window.
    #[error("validity_temporal.mode {mode} not in ('absolute', 'relative', 'window')")]
    UnknownMode {
        /// The mode as Python would print it.
        mode: String,
    },
    /// Required members are missing.
    #[error("validity_temporal[{mode}] missing: {missing}")]
    Missing {
        /// The mode.
        mode: &'static str,
        /// The missing members.
        missing: KeyList,
    },
    /// A bound is not a string.
    #[error("validity_temporal.{field} must be an ISO 8601 string")]
    NotString {
        /// The member.
        field: &'static str,
    },
    /// A bound is not an ISO 8601 date-time.
    #[error("validity_temporal.{field} is not a valid ISO 8601 timestamp: {reason}")]
    BadTimestamp {
        /// The member.
        field: &'static str,
        /// Why, as Python's `fromisoformat` says it.
        reason: String,
    },
    /// `until` is not after `from`.
    #[error("validity_temporal[absolute]: until must be after from")]
    UntilNotAfterFrom,
    /// `end` is not after `start`.
    #[error("validity_temporal[window]: end must be after start")]
    EndNotAfterStart,
    /// `duration_seconds` is not a positive integer.
    #[error("validity_temporal[{mode}].duration_seconds must be a positive int")]
    BadDuration {
        /// The mode.
        mode: &'static str,
    },
    /// The window's duration is longer than the window.
    #[error("validity_temporal[window].duration_seconds exceeds the window span")]
    DurationExceedsSpan,
    /// The window is longer than [`MAX_VALIDITY_SECONDS`].
    #[error(
        "validity_temporal[{mode}] exceeds the reference issuer maximum lifetime of 7776000 seconds"
    )]
    LifetimeTooLong {
        /// The mode.
        mode: &'static str,
    },
}

/// Why the receipt set-binding (SPEC §9.6.5b) failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SetBindingError {
    /// `chain_head` is absent or not `sha256:` and 64 lower-case hex digits.
    #[error("version {version} requires chain_head as sha256:<64 lowercase hex>")]
    ChainHead {
        /// The attestation's version.
        version: String,
    },
    /// `message_count` is absent or not an integer of at least 1.
    #[error("version {version} requires message_count as an integer >= 1")]
    MessageCount {
        /// The attestation's version.
        version: String,
    },
    /// The transcript given to check against is empty.
    #[error("transcript must contain at least one message")]
    EmptyTranscript,
    /// `message_count` differs from the transcript's length.
    #[error("message_count mismatch: attestation has {attested}, transcript has {actual}")]
    MessageCountMismatch {
        /// What the attestation says.
        attested: u64,
        /// The transcript's length.
        actual: usize,
    },
    /// `chain_head` is not the hash of the transcript's last message.
    #[error("chain_head mismatch: attestation does not match transcript final message hash")]
    ChainHeadMismatch,
    /// A transcript message belongs to another session.
    #[error("transcript message {index} belongs to another session")]
    SessionMismatch {
        /// The message's index.
        index: usize,
    },
    /// A transcript message could not be hashed.
    #[error("transcript message could not be hashed")]
    Hash,
}

/// Why an attestation is not fresh (SPEC §9.7.1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FreshnessError {
    /// An anchor (`timestamp`, `from`, `start`) lies in the future beyond the skew allowance.
    #[error("{field} lies in the future beyond the clock-skew allowance")]
    FutureDated {
        /// The member.
        field: &'static str,
    },
    /// The attestation is older than the relying party's maximum age.
    #[error("attestation is older than the accepted maximum age")]
    TooOld,
    /// The signer's validity window is longer than the relying party accepts.
    #[error("validity window is longer than the accepted maximum lifetime")]
    LifetimeTooLong,
    /// The current time is outside the signer's validity window.
    #[error("attestation is not valid at the current time")]
    OutsideWindow,
    /// A version 0.5.0 or later attestation has no validity window.
    #[error("attestation of version 0.5.0 or later has no validity_temporal")]
    MissingWindow,
    /// The attestation `timestamp` cannot be read.
    #[error("attestation timestamp is not an RFC 3339 date-time")]
    BadTimestamp,
}

// ---------------------------------------------------------------------------------------------
// Inputs and options
// ---------------------------------------------------------------------------------------------

/// The attestation version to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AttestationVersion {
    /// `"0.3.0"`: what `concordia-protocol` 0.10.0 writes; `validity_temporal` only if given.
    V0_3,
    /// `"0.5.0"`: `validity_temporal` always present (a 90-day window unless one is given).
    #[default]
    V0_5,
}

impl AttestationVersion {
    /// The version text.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            AttestationVersion::V0_3 => VERSION_0_3,
            AttestationVersion::V0_5 => VERSION_0_5,
        }
    }
}

/// One party of a concluded session, with the behaviour the session recorded for it.
#[derive(Debug, Clone, PartialEq)]
pub struct ConcludedParty {
    /// The agent's id.
    pub agent_id: String,
    /// Its role.
    pub role: PartyRole,
    /// What it did.
    pub behavior: BehaviorRecord,
}

impl ConcludedParty {
    /// A party.
    pub fn new(agent_id: impl Into<String>, role: PartyRole, behavior: BehaviorRecord) -> Self {
        ConcludedParty {
            agent_id: agent_id.into(),
            role,
            behavior,
        }
    }
}

/// What [`generate`] needs from a concluded session (the session module fills it in).
#[derive(Debug, Clone)]
pub struct ConcludedSession<'a> {
    /// The session id.
    pub session_id: String,
    /// The final state: agreed, rejected or expired.
    pub state: SessionState,
    /// The parties in the order they joined (the initiator first).
    pub parties: Vec<ConcludedParty>,
    /// Every message of the session, in order.
    pub transcript: &'a [Message],
    /// The number of terms the opening message defined (0: `terms_count` is left out).
    pub terms_count: usize,
    /// Offers and counters exchanged.
    pub round_count: u32,
    /// Whole seconds from the session's creation to its conclusion.
    pub duration_seconds: u64,
}

/// Optional content and overrides for [`generate`].
#[derive(Debug, Clone, Default)]
pub struct GenerateOptions {
    /// The version to write (default 0.5.0).
    pub version: AttestationVersion,
    /// `meta.category`: a dotted lower-case taxonomy path (`None` or empty: left out).
    pub category: Option<String>,
    /// `meta.value_range`: a bucket and a currency, e.g. `1000-5000_USD` (`None` or empty: left
    /// out).
    pub value_range: Option<String>,
    /// How agreement was reached (default `direct`).
    pub resolution_mechanism: Option<ResolutionMechanism>,
    /// References to other artefacts (SPEC §11.5); unknown members of an entry are dropped.
    pub references: Vec<Value>,
    /// The validity window (for 0.5.0, default: 90 days from the issuance time).
    pub validity_temporal: Option<Value>,
    /// The attestation id (default: `att_` and 16 random hex digits).
    pub attestation_id: Option<String>,
    /// The issuance time (default: now); written in whole seconds.
    pub issued_at: Option<Timestamp>,
}

// ---------------------------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------------------------

/// Generates the attestation of a concluded session, as the reference's
/// `generate_attestation` does.
///
/// Each party in `signers` signs its own party object and countersigns the assembled
/// attestation; a party without a signer gets `"signature": ""` and no countersignature (it can
/// add both later with [`sign_as_party`]). Signers for agents that are not parties are ignored.
/// The result is checked against the schema and the raw-term scan before it is returned.
pub fn generate(
    session: &ConcludedSession<'_>,
    signers: &[(&str, &dyn Signer)],
    options: &GenerateOptions,
) -> Result<Value, AttestationError> {
    let status = match session.state {
        SessionState::Agreed => "agreed",
        SessionState::Rejected => "rejected",
        SessionState::Expired => "expired",
        state => return Err(AttestationError::NotConcluded { state }),
    };
    let mut seen = BTreeSet::new();
    for party in &session.parties {
        if !seen.insert(party.agent_id.as_str()) {
            return Err(AttestationError::DuplicateParty {
                agent_id: party.agent_id.clone(),
            });
        }
    }
    let mut signer_for: BTreeMap<&str, &dyn Signer> = BTreeMap::new();
    for (agent_id, signer) in signers {
        if signer_for.insert(*agent_id, *signer).is_some() {
            return Err(AttestationError::DuplicateParty {
                agent_id: (*agent_id).to_owned(),
            });
        }
    }
    let last = session
        .transcript
        .last()
        .ok_or(AttestationError::EmptyTranscript)?;

    let mut meta = Map::new();
    meta.insert("extensions_used".into(), Value::Array(Vec::new()));
    meta.insert("mediator_invoked".into(), Value::Bool(false));
    if let Some(category) = options.category.as_deref().filter(|c| !c.is_empty()) {
        validate_category(category)?;
        meta.insert("category".into(), Value::String(category.to_owned()));
    }
    if let Some(range) = options.value_range.as_deref().filter(|r| !r.is_empty()) {
        validate_value_range(range)?;
        meta.insert("value_range".into(), Value::String(range.to_owned()));
    }
    if options.references.len() > MAX_REFERENCES {
        return Err(AttestationError::TooManyReferences);
    }
    let references = options
        .references
        .iter()
        .enumerate()
        .map(|(index, reference)| normalize_reference(reference, index))
        .collect::<Result<Vec<_>, _>>()?;

    let issued_at = options
        .issued_at
        .unwrap_or_else(Timestamp::now)
        .trunc_seconds();
    let timestamp = wire::format_timestamp(issued_at);
    let validity = match (&options.validity_temporal, options.version) {
        (Some(given), _) => Some(normalize_validity_temporal(given)?),
        (None, AttestationVersion::V0_5) => Some(default_validity(issued_at, &timestamp)?),
        (None, AttestationVersion::V0_3) => None,
    };
    let attestation_id = match &options.attestation_id {
        Some(id) if !id.is_empty() && id.chars().count() <= 256 => id.clone(),
        Some(_) => return Err(AttestationError::InvalidAttestationId),
        None => random_attestation_id(),
    };

    let mut outcome = Map::new();
    outcome.insert("status".into(), Value::String(status.into()));
    outcome.insert("rounds".into(), Value::from(session.round_count));
    outcome.insert(
        "duration_seconds".into(),
        Value::from(session.duration_seconds),
    );
    if session.terms_count > 0 {
        outcome.insert("terms_count".into(), Value::from(session.terms_count));
    }
    let mechanism = options
        .resolution_mechanism
        .unwrap_or(ResolutionMechanism::Direct);
    outcome.insert(
        "resolution_mechanism".into(),
        Value::String(mechanism.as_str().into()),
    );

    let mut parties = Vec::with_capacity(session.parties.len());
    for party in &session.parties {
        let mut record = Map::new();
        record.insert("agent_id".into(), Value::String(party.agent_id.clone()));
        record.insert("role".into(), Value::String(party.role.as_str().into()));
        // The schema caps the magnitude at 1.0 (a move of 100 %); a larger relative move is
        // written as 1.0, so no party's offers can make the session impossible to attest.
        let mut behavior = party.behavior;
        behavior.concession_magnitude = behavior.concession_magnitude.min(1.0);
        record.insert("behavior".into(), behavior.to_value());
        let signature = match signer_for.get(party.agent_id.as_str()) {
            Some(signer) => wire::sign_object(&record, &["signature"], *signer)?,
            None => String::new(),
        };
        record.insert("signature".into(), Value::String(signature));
        parties.push(Value::Object(record));
    }

    let mut attestation = Map::new();
    attestation.insert(
        "concordia_attestation".into(),
        Value::String(options.version.as_str().into()),
    );
    attestation.insert("attestation_id".into(), Value::String(attestation_id));
    attestation.insert(
        "session_id".into(),
        Value::String(session.session_id.clone()),
    );
    attestation.insert("timestamp".into(), Value::String(timestamp));
    attestation.insert("outcome".into(), Value::Object(outcome));
    attestation.insert("parties".into(), Value::Array(parties));
    attestation.insert("meta".into(), Value::Object(meta));
    attestation.insert(
        "transcript_hash".into(),
        Value::String(transcript_hash(session.transcript)?),
    );
    attestation.insert(
        "chain_head".into(),
        Value::String(last.hash().map_err(|_| SetBindingError::Hash)?),
    );
    attestation.insert(
        "message_count".into(),
        Value::from(session.transcript.len()),
    );
    attestation.insert("fulfillment".into(), Value::Null);
    attestation.insert("references".into(), Value::Array(references));
    if let Some(validity) = validity {
        attestation.insert("validity_temporal".into(), validity);
    }
    let mut attestation = Value::Object(attestation);
    let summary = receipt_summary(&attestation);
    if let Value::Object(map) = &mut attestation {
        map.insert("summary".into(), Value::String(summary));
    }

    // Countersign the assembled attestation: every party with a signer, in party order.
    let preimage = countersign_preimage(&attestation)?;
    let mut countersignatures = Map::new();
    for party in &session.parties {
        if let Some(signer) = signer_for.get(party.agent_id.as_str()) {
            let signature = signer
                .sign(&preimage)
                .map_err(|e| WireError::Signer(e.to_string()))?;
            countersignatures.insert(
                party.agent_id.clone(),
                Value::String(wire::encode_signature(&signature)),
            );
        }
    }
    if let Value::Object(map) = &mut attestation {
        map.insert("countersignatures".into(), Value::Object(countersignatures));
    }

    schema::validate(SchemaName::Attestation, &attestation)?;
    scan_raw_deal_terms(&attestation, PrivacyScan::ExemptGenerated)?;
    Ok(attestation)
}

fn default_validity(issued_at: Timestamp, from: &str) -> Result<Value, AttestationError> {
    let until = issued_at
        .checked_add(Duration::from_secs(DEFAULT_VALIDITY_SECONDS))
        .ok_or(ValidityError::LifetimeTooLong { mode: "absolute" })?;
    let mut window = Map::new();
    window.insert("mode".into(), Value::String("absolute".into()));
    window.insert("from".into(), Value::String(from.to_owned()));
    window.insert("until".into(), Value::String(wire::format_timestamp(until)));
    Ok(normalize_validity_temporal(&Value::Object(window))?)
}

fn random_attestation_id() -> String {
    use sanctuary_core::rand_core::{OsRng, RngCore as _};
    let mut bytes = [0u8; 8];
    if OsRng.try_fill_bytes(&mut bytes).is_err() {
        // Ids need uniqueness, not secrecy: without OS randomness fall back to the clock.
        bytes = Timestamp::now().unix_millis().to_le_bytes();
    }
    format!("att_{}", sanctuary_core::encoding::hex_encode(&bytes))
}

/// The reference's legacy `transcript_hash`: `sha256:` and the SHA-256 of the canonical bytes
/// of every message, concatenated.
pub fn transcript_hash(transcript: &[Message]) -> Result<String, AttestationError> {
    use sha2::{Digest as _, Sha256};
    let mut hasher = Sha256::new();
    for message in transcript {
        hasher.update(wire::canonical_without(message.as_object(), &[])?);
    }
    Ok(format!(
        "{}{}",
        wire::SHA256_PREFIX,
        sanctuary_core::encoding::hex_encode(&hasher.finalize())
    ))
}

/// The four-line plain-text summary the reference attaches to an attestation: the two
/// parties' ids (shortened), the category (or `topic`), the outcome and the first 16 hex
/// digits of the transcript hash.
#[must_use]
pub fn receipt_summary(receipt: &Value) -> String {
    fn non_empty(v: Option<&Value>) -> Option<&str> {
        v.and_then(Value::as_str).filter(|s| !s.is_empty())
    }
    let parties = summary_parties_line(summary_ids(receipt));
    let meta = receipt.get("meta");
    let topic = non_empty(meta.and_then(|m| m.get("category")))
        .or_else(|| non_empty(meta.and_then(|m| m.get("topic"))))
        .unwrap_or("N/A");
    let status = non_empty(receipt.get("outcome").and_then(|o| o.get("status")))
        .map_or_else(|| "UNKNOWN".to_owned(), str::to_uppercase);
    let hash = receipt
        .get("transcript_hash")
        .and_then(Value::as_str)
        .unwrap_or("");
    let digest = hash.split_once(':').map_or(hash, |(_, rest)| rest);
    let prefix: String = digest.chars().take(16).collect();
    format!("{parties}\nTopic: {topic}\nOutcome: {status}\nTranscript hash: {prefix}")
}

/// The first two party ids as the summary reads them (`""` when absent or not a string).
fn summary_ids(receipt: &Value) -> [&str; 2] {
    let ids = receipt.get("parties").and_then(Value::as_array);
    let id = |i: usize| {
        ids.and_then(|p| p.get(i))
            .and_then(|p| p.get("agent_id"))
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    [id(0), id(1)]
}

/// `Parties: <a>, <b>` with each id shortened to its last 12 characters when longer than 16.
fn summary_parties_line(ids: [&str; 2]) -> String {
    fn short(did: &str) -> String {
        let count = did.chars().count();
        if did.is_empty() {
            "unknown".to_owned()
        } else if count <= 16 {
            did.to_owned()
        } else {
            let tail: String = did.chars().skip(count.saturating_sub(12)).collect();
            format!("...{tail}")
        }
    }
    let [a, b] = ids;
    format!("Parties: {}, {}", short(a), short(b))
}

/// Whether `id` is an Ed25519 `did:key` (the reference's base64url form or the standard
/// base58 one): key material, not text.
fn is_did_key(id: &str) -> bool {
    crate::cosign::public_key_from_did_key(id).is_ok() || PublicKey::from_did_key(id).is_ok()
}

/// Checks `meta.category`: at most 64 characters, dot-separated non-empty segments of
/// `a-z`, `0-9`, `_` and `-`.
pub fn validate_category(category: &str) -> Result<(), AttestationError> {
    let ok = category.chars().count() <= MAX_CATEGORY_LENGTH
        && category.split('.').all(|segment| {
            !segment.is_empty()
                && segment
                    .bytes()
                    .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-'))
        });
    if ok {
        Ok(())
    } else {
        Err(AttestationError::InvalidCategory)
    }
}

/// Checks `meta.value_range`: one of [`VALUE_RANGE_BUCKETS`], `_`, and three upper-case
/// ASCII letters.
pub fn validate_value_range(value_range: &str) -> Result<(), AttestationError> {
    let ok = value_range.len() <= MAX_VALUE_RANGE_LENGTH
        && value_range
            .rsplit_once('_')
            .is_some_and(|(bucket, currency)| {
                VALUE_RANGE_BUCKETS.contains(&bucket)
                    && currency.len() == 3
                    && currency.bytes().all(|b| b.is_ascii_uppercase())
            });
    if ok {
        Ok(())
    } else {
        Err(AttestationError::InvalidValueRange)
    }
}

/// The Python type name of a JSON value, for error texts.
fn py_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

fn is_py_space(c: char) -> bool {
    // Python's `\s` is Unicode White_Space plus the four ASCII information separators.
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Normalises one `references[]` entry at issuance (SPEC §11.5.6): `type`, `id` and
/// `relationship` are required, every string is non-empty, length-capped and free of white
/// space, `extensions` is bounded in depth, node count and canonical size, and unknown members
/// are dropped.
pub fn normalize_reference(reference: &Value, index: usize) -> Result<Value, ReferenceError> {
    let Value::Object(entry) = reference else {
        return Err(ReferenceError::NotObject {
            index,
            type_name: py_type_name(reference),
        });
    };
    let missing: Vec<&'static str> = ["type", "id", "relationship"]
        .into_iter()
        .filter(|k| !entry.contains_key(*k))
        .collect();
    if !missing.is_empty() {
        return Err(ReferenceError::Missing {
            index,
            missing: KeyList(missing),
        });
    }
    let string = |field: &'static str, max: usize, suffix: &'static str| match entry.get(field) {
        Some(Value::String(s))
            if !s.is_empty() && s.chars().count() <= max && !s.chars().any(is_py_space) =>
        {
            Ok(Value::String(s.clone()))
        }
        _ => Err(ReferenceError::BadString {
            index,
            field,
            max,
            suffix,
        }),
    };
    const CITE: &str = " per SPEC §11.5.6";
    let mut out = Map::new();
    out.insert(
        "type".into(),
        string("type", MAX_REFERENCE_TYPE_LENGTH, CITE)?,
    );
    out.insert("id".into(), string("id", MAX_REFERENCE_ID_LENGTH, CITE)?);
    out.insert(
        "relationship".into(),
        string("relationship", MAX_REFERENCE_RELATIONSHIP_LENGTH, CITE)?,
    );
    for key in OPTIONAL_REFERENCE_KEYS {
        if entry.contains_key(key) {
            out.insert(
                key.into(),
                string(key, MAX_REFERENCE_OPTIONAL_STRING_LENGTH, "")?,
            );
        }
    }
    if let Some(extensions) = entry.get("extensions") {
        if !extensions.is_object() {
            return Err(ReferenceError::ExtensionsNotObject { index });
        }
        check_extensions_structure(extensions, index)?;
        let bytes = wire::canonical(extensions)
            .map_err(|_| ReferenceError::ExtensionsNotCanonical { index })?;
        if bytes.len() > MAX_REFERENCE_EXTENSIONS_BYTES {
            return Err(ReferenceError::ExtensionsTooLarge { index });
        }
        out.insert("extensions".into(), extensions.clone());
    }
    Ok(Value::Object(out))
}

/// Walks `extensions` with an explicit stack, bailing out as soon as the depth or node bound
/// is crossed (before any canonicalisation).
fn check_extensions_structure(extensions: &Value, index: usize) -> Result<(), ReferenceError> {
    let mut nodes = 1usize;
    let mut stack: Vec<(&Value, usize)> = vec![(extensions, 1)];
    while let Some((value, depth)) = stack.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match value {
            Value::Object(map) => Box::new(map.values()),
            Value::Array(items) => Box::new(items.iter()),
            _ => continue,
        };
        let child_depth = depth.saturating_add(1);
        for child in children {
            if child_depth > MAX_REFERENCE_EXTENSIONS_DEPTH {
                return Err(ReferenceError::ExtensionsTooDeep { index });
            }
            nodes = nodes.saturating_add(1);
            if nodes > MAX_REFERENCE_EXTENSIONS_NODES {
                return Err(ReferenceError::ExtensionsTooManyNodes { index });
            }
            stack.push((child, child_depth));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Temporal validity
// ---------------------------------------------------------------------------------------------

/// Why a date-time text was refused, as Python's `datetime.fromisoformat` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IsoProblem {
    Invalid,
    Year(i64),
    Month,
    Day,
    Hour,
    Minute,
    Second,
}

fn iso_reason(problem: IsoProblem, text: &str) -> String {
    match problem {
        IsoProblem::Invalid => format!("Invalid isoformat string: {}", py_repr_str(text)),
        IsoProblem::Year(y) => format!("year {y} is out of range"),
        IsoProblem::Month => "month must be in 1..12".to_owned(),
        IsoProblem::Day => "day is out of range for month".to_owned(),
        IsoProblem::Hour => "hour must be in 0..23".to_owned(),
        IsoProblem::Minute => "minute must be in 0..59".to_owned(),
        IsoProblem::Second => "second must be in 0..59".to_owned(),
    }
}

/// A string as Python's `repr` writes it (for printable text; control characters escaped).
fn py_repr_str(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len().saturating_add(2));
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if u32::from(c) < 0x20 || (0x7f..=0xa0).contains(&u32::from(c)) => {
                out.push_str(&format!("\\x{:02x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// A JSON value as Python's `repr` writes the parsed value (used in error texts only).
fn py_repr_value(value: &Value) -> String {
    match value {
        Value::Null => "None".to_owned(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e16 => format!("{f:.1}"),
            _ => n.to_string(),
        },
        Value::String(s) => py_repr_str(s),
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(py_repr_value).collect();
            format!("[{}]", inner.join(", "))
        }
        Value::Object(map) => {
            let inner: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", py_repr_str(k), py_repr_value(v)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
    }
}

/// Reads a date-time as the reference's `_parse_iso8601` does: a trailing `Z` is rewritten to
/// `+00:00`, the text is read by `datetime.fromisoformat`, and a time without a zone is UTC.
fn parse_reference_time(text: &str) -> Result<Timestamp, String> {
    let rewritten;
    let text = if text.ends_with('Z') {
        rewritten = text.replace('Z', "+00:00");
        rewritten.as_str()
    } else {
        text
    };
    parse_py_isoformat(text).map_err(|problem| iso_reason(problem, text))
}

/// Python 3.11 `datetime.fromisoformat` for calendar dates (`YYYY-MM-DD` or `YYYYMMDD`),
/// optionally followed by `T`, `t` or a space and a time `HH[:MM[:SS[.f+]]]` (or the basic
/// `HHMMSS` form) with an optional zone (`Z`, `±HH`, `±HHMM`, `±HH:MM`, `±HH:MM:SS`).
/// Fractions beyond microseconds are truncated, as Python does.
fn parse_py_isoformat(text: &str) -> Result<Timestamp, IsoProblem> {
    let b = text.as_bytes();
    let digits = |start: usize, len: usize| -> Result<i64, IsoProblem> {
        let end = start.checked_add(len).ok_or(IsoProblem::Invalid)?;
        let part = b.get(start..end).ok_or(IsoProblem::Invalid)?;
        if part.iter().all(u8::is_ascii_digit) {
            Ok(part
                .iter()
                .fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0')))
        } else {
            Err(IsoProblem::Invalid)
        }
    };
    // The date and where it ends.
    let (year, month, day, date_len) = if b.get(4) == Some(&b'-') {
        if b.get(7) != Some(&b'-') {
            return Err(IsoProblem::Invalid);
        }
        (digits(0, 4)?, digits(5, 2)?, digits(8, 2)?, 10)
    } else {
        (digits(0, 4)?, digits(4, 2)?, digits(6, 2)?, 8)
    };
    let (mut hour, mut minute, mut second, mut micros) = (0i64, 0i64, 0i64, 0i64);
    let mut offset_secs = 0i64;
    if b.len() > date_len {
        if !matches!(b.get(date_len), Some(b'T' | b't' | b' ')) {
            return Err(IsoProblem::Invalid);
        }
        let time = b.get(date_len + 1..).ok_or(IsoProblem::Invalid)?;
        let tz_at = time
            .iter()
            .position(|c| matches!(c, b'Z' | b'+' | b'-'))
            .unwrap_or(time.len());
        let (clock, zone) = time.split_at(tz_at);
        let fields = parse_py_clock(clock, true)?;
        (hour, minute, second, micros) = fields;
        match zone.first() {
            None => {}
            Some(b'Z') if zone.len() == 1 => {}
            Some(sign @ (b'+' | b'-')) => {
                let rest = zone.get(1..).ok_or(IsoProblem::Invalid)?;
                let (h, m, s, frac) = parse_py_clock(rest, false)?;
                if frac != 0 || h > 23 || m > 59 || s > 59 {
                    return Err(IsoProblem::Invalid);
                }
                let total = h * 3600 + m * 60 + s;
                offset_secs = if *sign == b'-' { -total } else { total };
            }
            Some(_) => return Err(IsoProblem::Invalid),
        }
    }
    if !(1..=9999).contains(&year) {
        return Err(IsoProblem::Year(year));
    }
    if !(1..=12).contains(&month) {
        return Err(IsoProblem::Month);
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day < 1 || day > days_in_month {
        return Err(IsoProblem::Day);
    }
    if hour > 23 {
        return Err(IsoProblem::Hour);
    }
    if minute > 59 {
        return Err(IsoProblem::Minute);
    }
    if second > 59 {
        return Err(IsoProblem::Second);
    }
    let naive =
        format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{micros:06}Z");
    let utc = Timestamp::parse_rfc3339(&naive).map_err(|_| IsoProblem::Invalid)?;
    let shift = Duration::from_secs(offset_secs.unsigned_abs());
    let shifted = if offset_secs >= 0 {
        utc.checked_sub(shift)
    } else {
        utc.checked_add(shift)
    };
    shifted.ok_or(IsoProblem::Invalid)
}

/// `HH[:MM[:SS[{.,}f+]]]` or `HH[MM[SS[{.,}f+]]]`; fractions only after the seconds and only
/// when `fraction_allowed`. Returns hour, minute, second and microseconds.
fn parse_py_clock(text: &[u8], fraction_allowed: bool) -> Result<(i64, i64, i64, i64), IsoProblem> {
    let two = |at: usize| -> Result<i64, IsoProblem> {
        match (text.get(at), text.get(at + 1)) {
            (Some(a), Some(b)) if a.is_ascii_digit() && b.is_ascii_digit() => {
                Ok(i64::from(a - b'0') * 10 + i64::from(b - b'0'))
            }
            _ => Err(IsoProblem::Invalid),
        }
    };
    let hour = two(0)?;
    let mut at = 2;
    if at == text.len() {
        return Ok((hour, 0, 0, 0));
    }
    let extended = text.get(at) == Some(&b':');
    let mut fields = [0i64; 2];
    for slot in &mut fields {
        if extended {
            if text.get(at) != Some(&b':') {
                return Err(IsoProblem::Invalid);
            }
            at += 1;
        }
        *slot = two(at)?;
        at += 2;
        if at == text.len() {
            let [minute, second] = fields;
            return Ok((hour, minute, second, 0));
        }
    }
    let [minute, second] = fields;
    if !fraction_allowed || !matches!(text.get(at), Some(b'.' | b',')) {
        return Err(IsoProblem::Invalid);
    }
    let fraction = text.get(at + 1..).unwrap_or(&[]);
    if fraction.is_empty() || !fraction.iter().all(u8::is_ascii_digit) {
        return Err(IsoProblem::Invalid);
    }
    let mut micros = 0i64;
    for i in 0..6 {
        let d = fraction.get(i).map_or(0, |d| i64::from(d - b'0'));
        micros = micros * 10 + d;
    }
    Ok((hour, minute, second, micros))
}

fn micros_between(later: Timestamp, earlier: Timestamp) -> i128 {
    let span =
        |t: Timestamp| i128::from(t.unix_seconds()) * 1_000_000_000 + i128::from(t.subsec_nanos());
    (span(later) - span(earlier)) / 1000
}

const MAX_VALIDITY_MICROS: i128 = MAX_VALIDITY_SECONDS as i128 * 1_000_000;

/// Validates a `validity_temporal` object at issuance as the reference does and returns the
/// normalised object (the bounds kept as written). Modes: `absolute` (`from`, `until`),
/// `relative` (`from`, `duration_seconds`) and `window` (`start`, `end`, `duration_seconds`);
/// the lifetime may not exceed [`MAX_VALIDITY_SECONDS`].
pub fn normalize_validity_temporal(value: &Value) -> Result<Value, ValidityError> {
    let Value::Object(window) = value else {
        return Err(ValidityError::NotObject);
    };
    let mode = match window.get("mode") {
        Some(Value::String(m)) if VALIDITY_MODES.contains(&m.as_str()) => m.as_str(),
        other => {
            return Err(ValidityError::UnknownMode {
                mode: py_repr_value(other.unwrap_or(&Value::Null)),
            });
        }
    };
    let require = |mode: &'static str, keys: &[&'static str]| -> Result<(), ValidityError> {
        let missing: Vec<&'static str> = keys
            .iter()
            .copied()
            .filter(|k| !window.contains_key(*k))
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(ValidityError::Missing {
                mode,
                missing: KeyList(missing),
            })
        }
    };
    let time = |field: &'static str| -> Result<Timestamp, ValidityError> {
        match window.get(field) {
            Some(Value::String(text)) => parse_reference_time(text)
                .map_err(|reason| ValidityError::BadTimestamp { field, reason }),
            _ => Err(ValidityError::NotString { field }),
        }
    };
    let duration = |mode: &'static str| -> Result<u64, ValidityError> {
        window
            .get("duration_seconds")
            .and_then(Value::as_u64)
            .filter(|d| *d >= 1)
            .ok_or(ValidityError::BadDuration { mode })
    };
    let mut out = Map::new();
    out.insert("mode".into(), Value::String(mode.to_owned()));
    let keep = |out: &mut Map<String, Value>, key: &str| {
        if let Some(v) = window.get(key) {
            out.insert(key.to_owned(), v.clone());
        }
    };
    match mode {
        "absolute" => {
            require("absolute", &["from", "until"])?;
            let from = time("from")?;
            let until = time("until")?;
            if until <= from {
                return Err(ValidityError::UntilNotAfterFrom);
            }
            if micros_between(until, from) > MAX_VALIDITY_MICROS {
                return Err(ValidityError::LifetimeTooLong { mode: "absolute" });
            }
            keep(&mut out, "from");
            keep(&mut out, "until");
        }
        "relative" => {
            require("relative", &["from", "duration_seconds"])?;
            time("from")?;
            let d = duration("relative")?;
            if d > MAX_VALIDITY_SECONDS {
                return Err(ValidityError::LifetimeTooLong { mode: "relative" });
            }
            keep(&mut out, "from");
            out.insert("duration_seconds".into(), Value::from(d));
        }
        _ => {
            require("window", &["start", "end", "duration_seconds"])?;
            let start = time("start")?;
            let end = time("end")?;
            if end <= start {
                return Err(ValidityError::EndNotAfterStart);
            }
            let d = duration("window")?;
            let span = micros_between(end, start);
            if i128::from(d) * 1_000_000 > span {
                return Err(ValidityError::DurationExceedsSpan);
            }
            if span > MAX_VALIDITY_MICROS {
                return Err(ValidityError::LifetimeTooLong { mode: "window" });
            }
            keep(&mut out, "start");
            keep(&mut out, "end");
            out.insert("duration_seconds".into(), Value::from(d));
        }
    }
    Ok(Value::Object(out))
}

/// A validity window as read from an attestation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidityWindow {
    /// Valid from `from` (inclusive) to `until` (exclusive).
    Absolute {
        /// Start.
        from: Timestamp,
        /// End.
        until: Timestamp,
    },
    /// Valid for `duration` seconds from `from`.
    Relative {
        /// Start.
        from: Timestamp,
        /// Length in seconds.
        duration: u64,
    },
    /// Valid during any `duration`-second window inside `[start, end)`.
    Window {
        /// Start of the span.
        start: Timestamp,
        /// End of the span.
        end: Timestamp,
        /// The window's length in seconds.
        duration: u64,
    },
}

impl ValidityWindow {
    /// Reads the window of an attestation's `validity_temporal` (`Ok(None)` when absent).
    /// Durations must be JSON integers of at least 1; bounds must parse; `until`/`end` must be
    /// after `from`/`start` and a window's duration may not exceed its span.
    pub fn of(attestation: &Value) -> Result<Option<ValidityWindow>, ValidityError> {
        let Some(value) = attestation.get("validity_temporal") else {
            return Ok(None);
        };
        let Value::Object(window) = value else {
            return Err(ValidityError::NotObject);
        };
        let time = |field: &'static str| -> Result<Timestamp, ValidityError> {
            match window.get(field) {
                Some(Value::String(text)) => parse_reference_time(text)
                    .map_err(|reason| ValidityError::BadTimestamp { field, reason }),
                _ => Err(ValidityError::NotString { field }),
            }
        };
        let duration = |mode: &'static str| -> Result<u64, ValidityError> {
            window
                .get("duration_seconds")
                .and_then(Value::as_u64)
                .filter(|d| *d >= 1)
                .ok_or(ValidityError::BadDuration { mode })
        };
        match window.get("mode").and_then(Value::as_str) {
            Some("absolute") => {
                let (from, until) = (time("from")?, time("until")?);
                if until <= from {
                    return Err(ValidityError::UntilNotAfterFrom);
                }
                Ok(Some(ValidityWindow::Absolute { from, until }))
            }
            Some("relative") => Ok(Some(ValidityWindow::Relative {
                from: time("from")?,
                duration: duration("relative")?,
            })),
            Some("window") => {
                let (start, end) = (time("start")?, time("end")?);
                if end <= start {
                    return Err(ValidityError::EndNotAfterStart);
                }
                let duration = duration("window")?;
                if i128::from(duration) * 1_000_000 > micros_between(end, start) {
                    return Err(ValidityError::DurationExceedsSpan);
                }
                Ok(Some(ValidityWindow::Window {
                    start,
                    end,
                    duration,
                }))
            }
            other => Err(ValidityError::UnknownMode {
                mode: py_repr_value(&other.map_or(Value::Null, |m| Value::String(m.to_owned()))),
            }),
        }
    }

    /// The window's start (`from` or `start`).
    #[must_use]
    pub fn start(&self) -> Timestamp {
        match *self {
            ValidityWindow::Absolute { from, .. } | ValidityWindow::Relative { from, .. } => from,
            ValidityWindow::Window { start, .. } => start,
        }
    }

    /// The window's lifetime in microseconds (`until - from`, `duration`, `end - start`).
    #[must_use]
    pub fn lifetime_micros(&self) -> i128 {
        match *self {
            ValidityWindow::Absolute { from, until } => micros_between(until, from),
            ValidityWindow::Relative { duration, .. } => i128::from(duration) * 1_000_000,
            ValidityWindow::Window { start, end, .. } => micros_between(end, start),
        }
    }

    /// Whether `now` lies in the window, as the reference's `is_valid_now` decides:
    /// `from <= now < until`; for `window`, `start <= now < end` and at least `duration`
    /// seconds remain before `end`.
    #[must_use]
    pub fn contains(&self, now: Timestamp) -> bool {
        match *self {
            ValidityWindow::Absolute { from, until } => from <= now && now < until,
            ValidityWindow::Relative { from, duration } => {
                from <= now && micros_between(now, from) < i128::from(duration) * 1_000_000
            }
            ValidityWindow::Window {
                start,
                end,
                duration,
            } => {
                start <= now
                    && now < end
                    && micros_between(end, now) >= i128::from(duration) * 1_000_000
            }
        }
    }
}

/// Whether `attestation` is valid at `now` by its own `validity_temporal` (the reference's
/// `is_valid_now`): without a window, legacy attestations (below 0.5.0) are valid and 0.5.0 or
/// later ones are not; a window that is not an object or has no `mode`, or has an unknown
/// mode, is not valid. Malformed bounds or durations are an error (the reference coerces some
/// of them; see the module's deviations).
pub fn validity_at(attestation: &Value, now: Timestamp) -> Result<bool, ValidityError> {
    match attestation.get("validity_temporal") {
        None => {
            let version = attestation
                .get("concordia_attestation")
                .and_then(Value::as_str)
                .unwrap_or("");
            return Ok(!version_at_least(version, 0, 5));
        }
        Some(Value::Object(w)) => match w.get("mode").and_then(Value::as_str) {
            Some(mode) if VALIDITY_MODES.contains(&mode) => {}
            _ => return Ok(false),
        },
        Some(_) => return Ok(false),
    }
    Ok(ValidityWindow::of(attestation)?.is_some_and(|w| w.contains(now)))
}

/// [`validity_at`] the clock's current time; anything malformed is not valid.
#[must_use]
pub fn is_valid_now(attestation: &Value, clock: &dyn Clock) -> bool {
    validity_at(attestation, clock.now()).unwrap_or(false)
}

// ---------------------------------------------------------------------------------------------
// Versions
// ---------------------------------------------------------------------------------------------

/// `major.minor.patch` of ASCII digits without leading zeros (saturating on huge numbers).
fn parse_version(text: &str) -> Option<(u64, u64, u64)> {
    let mut parts = text.split('.');
    let mut next = || -> Option<u64> {
        let part = parts.next()?;
        let canonical = !part.is_empty()
            && part.bytes().all(|b| b.is_ascii_digit())
            && (part == "0" || !part.starts_with('0'));
        canonical.then(|| {
            part.bytes().fold(0u64, |acc, d| {
                acc.saturating_mul(10).saturating_add(u64::from(d - b'0'))
            })
        })
    };
    let version = (next()?, next()?, next()?);
    parts.next().is_none().then_some(version)
}

/// Whether `version` is well formed and at least `major.minor`.
fn version_at_least(version: &str, major: u64, minor: u64) -> bool {
    parse_version(version).is_some_and(|(a, b, _)| (a, b) >= (major, minor))
}

fn version_of(attestation: &Value) -> &str {
    attestation
        .get("concordia_attestation")
        .and_then(Value::as_str)
        .unwrap_or("")
}

// ---------------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------------

/// Finds the public key of an agent.
pub trait KeyResolver {
    /// The agent's Ed25519 key, if known.
    fn resolve(&self, agent_id: &str) -> Option<PublicKey>;
}

impl KeyResolver for BTreeMap<String, PublicKey> {
    fn resolve(&self, agent_id: &str) -> Option<PublicKey> {
        self.get(agent_id).copied()
    }
}

impl<S: std::hash::BuildHasher> KeyResolver for HashMap<String, PublicKey, S> {
    fn resolve(&self, agent_id: &str) -> Option<PublicKey> {
        self.get(agent_id).copied()
    }
}

/// A [`KeyResolver`] backed by a function (a DID resolver, a directory lookup).
#[derive(Debug, Clone, Copy)]
pub struct FnResolver<F>(pub F);

impl<F: Fn(&str) -> Option<PublicKey>> KeyResolver for FnResolver<F> {
    fn resolve(&self, agent_id: &str) -> Option<PublicKey> {
        (self.0)(agent_id)
    }
}

// ---------------------------------------------------------------------------------------------
// Signatures
// ---------------------------------------------------------------------------------------------

fn parties_of(attestation: &Value) -> Result<&Vec<Value>, AttestationError> {
    attestation
        .as_object()
        .ok_or(AttestationError::NotObject)?
        .get("parties")
        .and_then(Value::as_array)
        .ok_or(AttestationError::MalformedParty {
            index: 0,
            problem: "parties is not a list",
        })
}

/// The party entries as (agent id, object), refusing entries that are not objects, have no
/// agent id, or repeat one.
/// A party entry: its agent id and its object.
type PartyEntry<'a> = (&'a str, &'a Map<String, Value>);

fn party_entries(attestation: &Value) -> Result<Vec<PartyEntry<'_>>, AttestationError> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (index, party) in parties_of(attestation)?.iter().enumerate() {
        let object = party.as_object().ok_or(AttestationError::MalformedParty {
            index,
            problem: "not an object",
        })?;
        let agent_id = object
            .get("agent_id")
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty())
            .ok_or(AttestationError::MalformedParty {
                index,
                problem: "agent_id is missing",
            })?;
        if !seen.insert(agent_id) {
            return Err(AttestationError::DuplicateParty {
                agent_id: agent_id.to_owned(),
            });
        }
        out.push((agent_id, object));
    }
    Ok(out)
}

/// Verifies one party object's signature: Ed25519 over the JCS of the party object minus its
/// `signature` member.
pub fn verify_party_signature(
    party: &Map<String, Value>,
    key: &PublicKey,
) -> Result<(), AttestationError> {
    let agent_id = party
        .get("agent_id")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let signature = match party.get("signature") {
        Some(Value::String(s)) if !s.is_empty() => s,
        _ => return Err(AttestationError::MissingPartySignature { agent_id }),
    };
    wire::verify_object(party, &["signature"], signature, key)
        .map_err(|_| AttestationError::BadPartySignature { agent_id })
}

/// Verifies every party signature with keys from `keys`; returns the verified agent ids in
/// party order. Every party must be signed and verify; ids must be unique.
pub fn verify_party_signatures(
    attestation: &Value,
    keys: &dyn KeyResolver,
) -> Result<Vec<String>, AttestationError> {
    let mut verified = Vec::new();
    for (agent_id, party) in party_entries(attestation)? {
        let key = keys
            .resolve(agent_id)
            .ok_or_else(|| AttestationError::UnknownKey {
                agent_id: agent_id.to_owned(),
            })?;
        verify_party_signature(party, &key)?;
        verified.push(agent_id.to_owned());
    }
    Ok(verified)
}

/// The bytes every party countersigns: the canonical (JCS) form of the attestation without its
/// top-level `countersignatures` member and with every `signature` member removed at every
/// depth (SPEC §9.6.5a).
pub fn countersign_preimage(attestation: &Value) -> Result<Vec<u8>, AttestationError> {
    let map = attestation.as_object().ok_or(AttestationError::NotObject)?;
    Ok(countersign_preimage_of(map)?)
}

/// [`countersign_preimage`] of an attestation object: JCS of the object without
/// `countersignatures`, with every `signature` member removed at every depth.
pub fn countersign_preimage_of(attestation: &Map<String, Value>) -> Result<Vec<u8>, WireError> {
    let snapshot: Map<String, Value> = attestation
        .iter()
        .filter(|(k, _)| k.as_str() != "countersignatures")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    wire::canonical(&wire::strip_signatures_recursive(&Value::Object(snapshot)))
}

/// A countersignature over [`countersign_preimage`], padded base64url.
pub fn countersign(attestation: &Value, signer: &dyn Signer) -> Result<String, AttestationError> {
    let preimage = countersign_preimage(attestation)?;
    let signature = signer
        .sign(&preimage)
        .map_err(|e| WireError::Signer(e.to_string()))?;
    Ok(wire::encode_signature(&signature))
}

/// Verifies a countersignature (base64url, padded or not) over [`countersign_preimage`].
pub fn verify_countersignature(
    attestation: &Value,
    signature: &str,
    key: &PublicKey,
) -> Result<(), AttestationError> {
    let signature = wire::decode_signature(signature)?;
    let preimage = countersign_preimage(attestation)?;
    key.verify(&preimage, &signature)
        .map_err(|_| WireError::BadSignature.into())
}

/// Signs as the party `agent_id`: writes its party signature (over its own party object) and
/// its countersignature (over the whole attestation) into `attestation`. Use it for the party
/// that did not hold a key at generation, after it has checked the content against its own
/// view of the session. Neither signature covers the other, so the order of signing does not
/// matter.
pub fn sign_as_party(
    attestation: &mut Value,
    agent_id: &str,
    signer: &dyn Signer,
) -> Result<(), AttestationError> {
    let index = party_entries(attestation)?
        .iter()
        .position(|(id, _)| *id == agent_id)
        .ok_or_else(|| AttestationError::UnknownParty {
            agent_id: agent_id.to_owned(),
        })?;
    let countersignature = countersign(attestation, signer)?;
    let map = attestation
        .as_object_mut()
        .ok_or(AttestationError::NotObject)?;
    if let Some(Value::Object(party)) = map
        .get_mut("parties")
        .and_then(Value::as_array_mut)
        .and_then(|parties| parties.get_mut(index))
    {
        let signature = wire::sign_object(party, &["signature"], signer)?;
        party.insert("signature".into(), Value::String(signature));
    }
    let slot = map
        .entry("countersignatures")
        .or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    if let Value::Object(countersignatures) = slot {
        countersignatures.insert(agent_id.to_owned(), Value::String(countersignature));
    }
    Ok(())
}

/// Whether an attestation's outcome is bound by countersignatures (SPEC §9.6.5a).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeBinding {
    /// Version 0.2.0 or later and every party's countersignature verifies.
    Bound,
    /// Below 0.2.0 (or a malformed version): prover-asserted, not to be credited.
    LegacyUnbound,
    /// Not checked (the caller skipped countersignatures).
    NotChecked,
}

/// The reference's `evaluate_outcome_binding`: for 0.2.0 and later, every party listed in
/// `parties` must have a countersignature that verifies under its key; below 0.2.0 the outcome
/// is legacy and unbound (not an error). Entries for agents that are not parties are ignored.
pub fn evaluate_outcome_binding(
    attestation: &Value,
    keys: &dyn KeyResolver,
) -> Result<OutcomeBinding, AttestationError> {
    let version = version_of(attestation);
    if !version_at_least(version, 0, 2) {
        return Ok(OutcomeBinding::LegacyUnbound);
    }
    let countersignatures = attestation
        .get("countersignatures")
        .and_then(Value::as_object)
        .filter(|m| !m.is_empty())
        .ok_or_else(|| AttestationError::MissingCountersignatures {
            version: version.to_owned(),
        })?;
    let parties = party_entries(attestation)?;
    if parties.is_empty() {
        return Err(AttestationError::MalformedParty {
            index: 0,
            problem: "no parties to bind the outcome to",
        });
    }
    let preimage = countersign_preimage(attestation)?;
    for (agent_id, _) in parties {
        let signature = countersignatures
            .get(agent_id)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| AttestationError::MissingCountersignature {
                agent_id: agent_id.to_owned(),
            })?;
        let key = keys
            .resolve(agent_id)
            .ok_or_else(|| AttestationError::UnknownKey {
                agent_id: agent_id.to_owned(),
            })?;
        let bad = || AttestationError::BadCountersignature {
            agent_id: agent_id.to_owned(),
        };
        let signature = wire::decode_signature(signature).map_err(|_| bad())?;
        key.verify(&preimage, &signature).map_err(|_| bad())?;
    }
    Ok(OutcomeBinding::Bound)
}

// ---------------------------------------------------------------------------------------------
// Set binding
// ---------------------------------------------------------------------------------------------

/// The state of the receipt set-binding (SPEC §9.6.5b).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetBinding {
    /// Version 0.3.0 or later with well-formed `chain_head` and `message_count` (no transcript
    /// was given to compare with).
    Bound,
    /// As [`SetBinding::Bound`], and both fields match the given transcript.
    BoundToTranscript,
    /// Below 0.3.0 (or a malformed version): not set-bound, not an error.
    LegacyUnbound,
}

/// The reference's `evaluate_receipt_set_binding`: for 0.3.0 and later `chain_head` must be
/// `sha256:` and 64 lower-case hex digits and `message_count` an integer of at least 1; with
/// a transcript they must equal the hash of its last message and its length (and, beyond the
/// reference, every message must carry the attestation's session id).
pub fn evaluate_set_binding(
    attestation: &Value,
    transcript: Option<&[Message]>,
) -> Result<SetBinding, SetBindingError> {
    let version = version_of(attestation);
    if !version_at_least(version, 0, 3) {
        return Ok(SetBinding::LegacyUnbound);
    }
    let chain_head = attestation
        .get("chain_head")
        .and_then(Value::as_str)
        .filter(|h| wire::check_sha256_ref(h).is_ok())
        .ok_or_else(|| SetBindingError::ChainHead {
            version: version.to_owned(),
        })?;
    let message_count = attestation
        .get("message_count")
        .and_then(Value::as_u64)
        .filter(|c| *c >= 1)
        .ok_or_else(|| SetBindingError::MessageCount {
            version: version.to_owned(),
        })?;
    let Some(transcript) = transcript else {
        return Ok(SetBinding::Bound);
    };
    let last = transcript.last().ok_or(SetBindingError::EmptyTranscript)?;
    if u64::try_from(transcript.len()).ok() != Some(message_count) {
        return Err(SetBindingError::MessageCountMismatch {
            attested: message_count,
            actual: transcript.len(),
        });
    }
    if last.hash().map_err(|_| SetBindingError::Hash)? != chain_head {
        return Err(SetBindingError::ChainHeadMismatch);
    }
    let session_id = attestation.get("session_id").and_then(Value::as_str);
    if let Some(index) = transcript
        .iter()
        .position(|m| Some(m.session_id()) != session_id)
    {
        return Err(SetBindingError::SessionMismatch { index });
    }
    Ok(SetBinding::BoundToTranscript)
}

// ---------------------------------------------------------------------------------------------
// Privacy
// ---------------------------------------------------------------------------------------------

/// How the raw-deal-term scan (SPEC §9.6.6) runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PrivacyScan {
    /// No scan.
    Off,
    /// Every member name and string except signature values and the countersignature map,
    /// as the conformance runner scans. Some honest attestations fail it by chance: a digest
    /// starting with `cad` and a digit reads as an amount in Canadian dollars (about 3 in
    /// 10,000), and so can a `did:key` containing `-usd` and a digit.
    Strict,
    /// As [`PrivacyScan::Strict`], except machine-written values: `transcript_hash` and
    /// `chain_head` when they are well-formed `sha256:` references, party `agent_id`s that are
    /// Ed25519 `did:key`s, and in the summary the line the generator writes for this
    /// attestation's own transcript hash (`Transcript hash: ` and its first 16 hex digits; the
    /// reference validator exempts that line too) and, when both summarised parties are
    /// `did:key`s, the generated `Parties:` line.
    #[default]
    ExemptGenerated,
}

/// Scans an attestation for raw deal terms (see [`contains_raw_term`]); the error names the
/// JSON pointer of the first hit.
pub fn scan_raw_deal_terms(attestation: &Value, mode: PrivacyScan) -> Result<(), AttestationError> {
    if mode == PrivacyScan::Off {
        return Ok(());
    }
    let exempt = mode == PrivacyScan::ExemptGenerated;
    let digest = |key: &str| {
        attestation
            .get(key)
            .and_then(Value::as_str)
            .filter(|h| wire::check_sha256_ref(h).is_ok())
    };
    let mut generated_lines = Vec::new();
    if let Some(prefix) = digest("transcript_hash").and_then(|h| h.get(7..23)) {
        generated_lines.push(format!("Transcript hash: {prefix}"));
    }
    let ids = summary_ids(attestation);
    if ids.iter().all(|id| is_did_key(id)) {
        generated_lines.push(summary_parties_line(ids));
    }
    let is_party_id = |pointer: &str| {
        pointer
            .strip_prefix("/parties/")
            .and_then(|rest| rest.strip_suffix("/agent_id"))
            .is_some_and(|index| !index.is_empty() && index.bytes().all(|b| b.is_ascii_digit()))
    };
    let hit = walk_strings(attestation, |pointer, text| {
        if pointer == "/signature/value"
            || pointer.ends_with("/signature")
            || pointer.starts_with("/countersignatures/")
        {
            return false;
        }
        if !exempt {
            return contains_raw_term(text);
        }
        match pointer {
            "/transcript_hash" | "/chain_head"
                if pointer.strip_prefix('/').and_then(digest) == Some(text) =>
            {
                false
            }
            "/summary" => {
                let kept: Vec<&str> = text
                    .split('\n')
                    .filter(|line| !generated_lines.iter().any(|g| g == line))
                    .collect();
                contains_raw_term(&kept.join("\n"))
            }
            p if is_party_id(p) && is_did_key(text) => false,
            _ => contains_raw_term(text),
        }
    });
    match hit {
        Some(pointer) => Err(AttestationError::RawDealTerm { pointer }),
        None => Ok(()),
    }
}

/// Visits every member name and string value (with its JSON pointer) until `check` returns
/// true; returns that pointer. Iterative, and bounded in the number of nodes.
fn walk_strings(root: &Value, mut check: impl FnMut(&str, &str) -> bool) -> Option<String> {
    let mut stack: Vec<(String, &Value)> = vec![(String::new(), root)];
    let mut visited = 0usize;
    while let Some((pointer, value)) = stack.pop() {
        visited = visited.saturating_add(1);
        if visited > MAX_SCAN_NODES {
            // Refuse rather than skip what was not scanned.
            return Some(pointer);
        }
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    let escaped = key.replace('~', "~0").replace('/', "~1");
                    let child_pointer = format!("{pointer}/{escaped}");
                    if check(&child_pointer, key) {
                        return Some(child_pointer);
                    }
                    stack.push((child_pointer, child));
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    stack.push((format!("{pointer}/{index}"), child));
                }
            }
            Value::String(text) if check(&pointer, text) => return Some(pointer),
            _ => {}
        }
    }
    None
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum WordClass {
    Word,
    NonWord,
    Unsure,
}

fn word_class(c: Option<char>) -> WordClass {
    match c {
        None => WordClass::NonWord,
        Some(c) if c.is_ascii_alphanumeric() || c == '_' => WordClass::Word,
        Some(c) if c.is_ascii() || !c.is_alphanumeric() => WordClass::NonWord,
        // Python's `\w` is a subset of Unicode letters and numbers; whether a non-ASCII one is
        // a word character there depends on tables we do not carry, so assume either.
        Some(_) => WordClass::Unsure,
    }
}

/// Whether Python's `\b` could hold before `chars[pos]` (erring toward yes, so the scan
/// matches at least what Python's would).
fn boundary(chars: &[char], pos: usize) -> bool {
    let prev = pos.checked_sub(1).and_then(|p| chars.get(p).copied());
    let cur = chars.get(pos).copied();
    !matches!(
        (word_class(prev), word_class(cur)),
        (WordClass::Word, WordClass::Word) | (WordClass::NonWord, WordClass::NonWord)
    )
}

/// Case-insensitive match of one pattern letter, with Python's extra equivalents
/// (`İ`, `ı` for `i`; `ſ` for `s`).
fn letter_eq(c: char, lower: char) -> bool {
    (c.is_ascii() && c.to_ascii_lowercase() == lower)
        || (lower == 'i' && matches!(c, '\u{130}' | '\u{131}'))
        || (lower == 's' && c == '\u{17f}')
}

fn word_at(chars: &[char], pos: usize, word: &str) -> bool {
    word.chars().enumerate().all(|(i, w)| {
        pos.checked_add(i)
            .and_then(|p| chars.get(p))
            .is_some_and(|c| letter_eq(*c, w))
    })
}

fn is_digit(c: &char) -> bool {
    // A superset of Python's `\d` (Unicode decimal digits), so the scan can only match more:
    // every numeric character except the common superscripts, fractions, Roman numerals and
    // enclosed numbers, none of which is a decimal digit.
    const NOT_DECIMAL: [(u32, u32); 13] = [
        (0xb2, 0xb3),
        (0xb9, 0xb9),
        (0xbc, 0xbe),
        (0x2070, 0x209f),
        (0x2150, 0x218f),
        (0x2460, 0x24ff),
        (0x2776, 0x2793),
        (0x3192, 0x3195),
        (0x3220, 0x3229),
        (0x3248, 0x324f),
        (0x3251, 0x325f),
        (0x3280, 0x3289),
        (0x32b1, 0x32bf),
    ];
    c.is_ascii_digit()
        || (c.is_numeric()
            && !NOT_DECIMAL
                .iter()
                .any(|(lo, hi)| (*lo..=*hi).contains(&u32::from(*c))))
}

fn skip_spaces(chars: &[char], mut pos: usize) -> usize {
    while chars.get(pos).is_some_and(|c| is_py_space(*c)) {
        pos += 1;
    }
    pos
}

/// Start of the run of spaces, then of digits, ending at `end`: `(digit_start, digit_end)`.
fn digits_before(chars: &[char], end: usize) -> (usize, usize) {
    let mut j = end;
    while j > 0 && chars.get(j - 1).is_some_and(|c| is_py_space(*c)) {
        j -= 1;
    }
    let mut a = j;
    while a > 0 && chars.get(a - 1).is_some_and(is_digit) {
        a -= 1;
    }
    (a, j)
}

const CURRENCIES: [&str; 9] = [
    "usd", "eur", "gbp", "jpy", "cad", "aud", "chf", "cny", "inr",
];

/// Whether `text` matches one of the six raw-deal-term detectors of SPEC §9.6.6 (the
/// reference's case-insensitive regular expressions, evaluated in linear time):
///
/// 1. a currency symbol, optional space, a digit (`$ 5`);
/// 2. a currency code at a word start, optional space, a digit (`USD 250`);
/// 3. a number (with an optional decimal part) at a word start, optional space, a currency
///    code ending a word (`250 usd`, `4,5EUR`);
/// 4. `price`, optional space, a colon;
/// 5. `qty` or `quantity`, optional `:` or `=`, digits ending a word (`qty=10`);
/// 6. digits at a word start, optional space, `unit(s)`, `item(s)`, `pcs` or `pieces`.
///
/// Where Unicode makes Python's answer uncertain, the scan errs toward a match.
#[must_use]
pub fn contains_raw_term(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let any_boundary = |from: usize, to: usize| (from..to).any(|s| boundary(&chars, s));
    for i in 0..chars.len() {
        let c = chars.get(i).copied().unwrap_or(' ');
        // 1.
        if matches!(c, '$' | '€' | '£' | '¥')
            && chars.get(skip_spaces(&chars, i + 1)).is_some_and(is_digit)
        {
            return true;
        }
        let starts_word = boundary(&chars, i);
        for code in CURRENCIES {
            if !word_at(&chars, i, code) {
                continue;
            }
            // 2.
            if starts_word && chars.get(skip_spaces(&chars, i + 3)).is_some_and(is_digit) {
                return true;
            }
            // 3.
            if boundary(&chars, i + 3) {
                let (a, j) = digits_before(&chars, i);
                if a < j && any_boundary(a, j) {
                    return true;
                }
                if a < j && a >= 2 && matches!(chars.get(a - 1), Some('.' | ',')) {
                    let (s, e) = digits_before(&chars, a - 1);
                    if e == a - 1 && s < e && any_boundary(s, e) {
                        return true;
                    }
                }
            }
        }
        // 4.
        if starts_word
            && word_at(&chars, i, "price")
            && chars.get(skip_spaces(&chars, i + 5)) == Some(&':')
        {
            return true;
        }
        // 5.
        if starts_word {
            for keyword in ["qty", "quantity"] {
                if !word_at(&chars, i, keyword) {
                    continue;
                }
                let mut j = skip_spaces(&chars, i + keyword.len());
                if matches!(chars.get(j), Some(':' | '=')) {
                    j = skip_spaces(&chars, j + 1);
                }
                let d = j;
                while chars.get(j).is_some_and(is_digit) {
                    j += 1;
                }
                if j > d && any_boundary(d + 1, j + 1) {
                    return true;
                }
            }
        }
        // 6.
        for (unit, plural) in [
            ("unit", true),
            ("item", true),
            ("pcs", false),
            ("pieces", false),
        ] {
            if !word_at(&chars, i, unit) {
                continue;
            }
            let end = i + unit.len();
            let ends_word = boundary(&chars, end)
                || (plural
                    && chars.get(end).is_some_and(|c| letter_eq(*c, 's'))
                    && boundary(&chars, end + 1));
            if ends_word {
                let (a, j) = digits_before(&chars, i);
                if a < j && any_boundary(a, j) {
                    return true;
                }
            }
        }
    }
    false
}

/// Refuses an attestation any of whose strings repeats a message's reasoning text: equal to
/// it, or containing it when it is at least 12 characters long (shorter texts would match by
/// chance).
fn scan_reasoning(attestation: &Value, transcript: &[Message]) -> Result<(), AttestationError> {
    let reasons: Vec<&str> = transcript
        .iter()
        .filter_map(Message::reasoning)
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .collect();
    if reasons.is_empty() {
        return Ok(());
    }
    let hit = walk_strings(attestation, |pointer, text| {
        !pointer.ends_with("/signature")
            && !pointer.starts_with("/countersignatures/")
            && reasons
                .iter()
                .any(|r| text == *r || (r.chars().count() >= 12 && text.contains(r)))
    });
    match hit {
        Some(pointer) => Err(AttestationError::ReasoningLeak { pointer }),
        None => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------

/// A relying party's freshness bounds (SPEC §9.7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FreshnessPolicy {
    /// The oldest `timestamp` accepted (default 90 days).
    pub max_age: Duration,
    /// How far in the future an anchor may lie (default 5 minutes); also tolerated at the
    /// start of the signer's window.
    pub max_skew: Duration,
    /// The longest signer window accepted (default 90 days).
    pub max_lifetime: Duration,
}

impl Default for FreshnessPolicy {
    fn default() -> Self {
        FreshnessPolicy {
            max_age: Duration::from_secs(DEFAULT_VALIDITY_SECONDS),
            max_skew: Duration::from_secs(300),
            max_lifetime: Duration::from_secs(MAX_VALIDITY_SECONDS),
        }
    }
}

/// What [`verify`] checks. [`VerifyOptions::new`] checks everything; the builder methods relax
/// single checks.
#[derive(Clone, Copy)]
pub struct VerifyOptions<'a> {
    keys: &'a dyn KeyResolver,
    clock: Option<&'a dyn Clock>,
    freshness: FreshnessPolicy,
    transcript: Option<&'a [Message]>,
    countersignatures: bool,
    accept_legacy: bool,
    privacy: PrivacyScan,
}

impl fmt::Debug for VerifyOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyOptions")
            .field("freshness", &self.clock.map(|_| self.freshness))
            .field("transcript_len", &self.transcript.map(<[Message]>::len))
            .field("countersignatures", &self.countersignatures)
            .field("accept_legacy", &self.accept_legacy)
            .field("privacy", &self.privacy)
            .finish_non_exhaustive()
    }
}

impl<'a> VerifyOptions<'a> {
    /// Every check: schema, privacy ([`PrivacyScan::ExemptGenerated`]), every party
    /// signature and countersignature under `keys`, version 0.3.0 or later with its set-binding
    /// fields, a well-formed validity window, and freshness at `clock` with the default
    /// [`FreshnessPolicy`].
    #[must_use]
    pub fn new(keys: &'a dyn KeyResolver, clock: &'a dyn Clock) -> Self {
        VerifyOptions {
            keys,
            clock: Some(clock),
            freshness: FreshnessPolicy::default(),
            transcript: None,
            countersignatures: true,
            accept_legacy: false,
            privacy: PrivacyScan::default(),
        }
    }

    /// Also checks `chain_head`, `message_count` and the session id against this transcript,
    /// and that no string repeats a message's reasoning.
    #[must_use]
    pub fn transcript(mut self, transcript: &'a [Message]) -> Self {
        self.transcript = Some(transcript);
        self
    }

    /// Other freshness bounds.
    #[must_use]
    pub fn freshness(mut self, policy: FreshnessPolicy) -> Self {
        self.freshness = policy;
        self
    }

    /// No freshness check (for archival reading; the validity window must still be well
    /// formed).
    #[must_use]
    pub fn without_freshness(mut self) -> Self {
        self.clock = None;
        self
    }

    /// Does not require countersignatures (for an attestation still being signed); the result
    /// reports [`OutcomeBinding::NotChecked`].
    #[must_use]
    pub fn without_countersignatures(mut self) -> Self {
        self.countersignatures = false;
        self
    }

    /// Accepts versions below 0.3.0 (and malformed versions), reporting them unbound.
    #[must_use]
    pub fn accept_legacy(mut self) -> Self {
        self.accept_legacy = true;
        self
    }

    /// Another privacy scan mode.
    #[must_use]
    pub fn privacy(mut self, mode: PrivacyScan) -> Self {
        self.privacy = mode;
        self
    }
}

/// What [`verify`] established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedAttestation {
    /// The attestation id.
    pub attestation_id: String,
    /// The session id.
    pub session_id: String,
    /// The version text.
    pub version: String,
    /// The parties whose signatures verified, in party order (all of them).
    pub verified_parties: Vec<String>,
    /// Whether the outcome is bound by countersignatures.
    pub outcome_binding: OutcomeBinding,
    /// Whether the transcript set is bound.
    pub set_binding: SetBinding,
    /// The signer's validity window, if any.
    pub validity: Option<ValidityWindow>,
    /// Whether freshness was checked (and passed).
    pub fresh: bool,
}

/// Verifies an attestation (see [`VerifyOptions`] for what is checked, in this order: privacy,
/// schema, version, party signatures, countersignatures, set binding, reasoning, validity
/// window, freshness). Any failure rejects.
pub fn verify(
    attestation: &Value,
    options: &VerifyOptions<'_>,
) -> Result<VerifiedAttestation, AttestationError> {
    let map = attestation.as_object().ok_or(AttestationError::NotObject)?;
    scan_raw_deal_terms(attestation, options.privacy)?;
    schema::validate(SchemaName::Attestation, attestation)?;
    let version = version_of(attestation);
    if !options.accept_legacy && !version_at_least(version, 0, 3) {
        return Err(AttestationError::LegacyVersion {
            version: version.to_owned(),
        });
    }
    let verified_parties = verify_party_signatures(attestation, options.keys)?;
    let outcome_binding = if options.countersignatures {
        evaluate_outcome_binding(attestation, options.keys)?
    } else {
        OutcomeBinding::NotChecked
    };
    let set_binding = evaluate_set_binding(attestation, options.transcript)?;
    if let Some(transcript) = options.transcript {
        scan_reasoning(attestation, transcript)?;
    }
    let validity = ValidityWindow::of(attestation)?;
    let fresh = match options.clock {
        Some(clock) => {
            check_freshness(attestation, validity, clock.now(), &options.freshness)?;
            true
        }
        None => false,
    };
    let text = |key: &str| {
        map.get(key)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    Ok(VerifiedAttestation {
        attestation_id: text("attestation_id"),
        session_id: text("session_id"),
        version: version.to_owned(),
        verified_parties,
        outcome_binding,
        set_binding,
        validity,
        fresh,
    })
}

fn check_freshness(
    attestation: &Value,
    validity: Option<ValidityWindow>,
    now: Timestamp,
    policy: &FreshnessPolicy,
) -> Result<(), FreshnessError> {
    let issued = attestation
        .get("timestamp")
        .and_then(Value::as_str)
        .and_then(wire::parse_timestamp)
        .ok_or(FreshnessError::BadTimestamp)?;
    let horizon = now.checked_add(policy.max_skew).unwrap_or(now);
    if issued > horizon {
        return Err(FreshnessError::FutureDated { field: "timestamp" });
    }
    if now
        .duration_since(issued)
        .is_some_and(|age| age > policy.max_age)
    {
        return Err(FreshnessError::TooOld);
    }
    let Some(window) = validity else {
        return if version_at_least(version_of(attestation), 0, 5) {
            Err(FreshnessError::MissingWindow)
        } else {
            Ok(())
        };
    };
    if window.start() > horizon {
        let field = match window {
            ValidityWindow::Window { .. } => "start",
            _ => "from",
        };
        return Err(FreshnessError::FutureDated { field });
    }
    if window.lifetime_micros() > i128::from(policy.max_lifetime.as_secs()) * 1_000_000 {
        return Err(FreshnessError::LifetimeTooLong);
    }
    // A start slightly ahead of our clock (within the skew) is read as having begun.
    let at = if now < window.start() {
        window.start()
    } else {
        now
    };
    if window.contains(at) {
        Ok(())
    } else {
        Err(FreshnessError::OutsideWindow)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn raw_term_detectors() {
        let hits = [
            "$5",
            "€ 12",
            "costs ¥\t9",
            "USD 250",
            "pay usd5 now",
            "250 USD",
            "4,5EUR",
            "12.50 gbp",
            "Price: high",
            "PRICE :",
            "qty=10",
            "quantity: 3",
            "QTY 7.",
            "10 units",
            "3 pieces",
            "7pcs",
            "1 item",
            "uſd 5",
            "ınr 3",
            "x 12\u{1c}items",
            "Transcript hash: cad1234567890abc",
        ];
        for text in hits {
            assert!(contains_raw_term(text), "{text:?}");
        }
        let misses = [
            "Agreement completed with four rounds, two active parties, and no mediation.",
            "xusd5",
            "250usdx",
            "a12 units",
            "qty10x",
            "priced: x",
            "unitary 5",
            "10 unitsx",
            "sha256:b507d00d28b064bb9d325cbc8b3e54835f018af3e685ccd2f172166b3453d09d",
            "Parties: ...:agent:alpha, ...a:agent:beta\nTopic: electronics.cameras\nOutcome: AGREED",
            "",
        ];
        for text in misses {
            assert!(!contains_raw_term(text), "{text:?}");
        }
    }

    /// Random strings over the detectors' alphabet, classified by the reference's regular
    /// expressions (Python 3.11.7, `re.IGNORECASE`): 20,000 such strings were compared with
    /// no string the reference flags left unflagged; these are a sample of both kinds.
    const PY_RAW_TERM_HITS: &[&str] = &[
        "uſd6,7piecespriceitem",
        "inr٣s,unitunits",
        "é6,7item,quantity/items",
        "Z\u{9}Cad٣",
        "uſd4.5quantity\u{345}ınr23",
        "€\u{a0}Cad€٣6,7",
        "s=€٣itemx\u{345}",
        "unitsZ,٣unit",
        "eur4.5é$",
        "price4.5 ınr",
        "price4.5itemsitems4.5ınr,",
        "usd4.5\u{345}unitsprice",
        "pieces¥23axss",
        "USD£23$xqty/",
        " uſd6,76,7$é£",
        "_pcs/23items -",
        "$4.5é$inr\u{9}",
        "£23",
        "sitems.items¥23",
        "¥item234.5pcs",
        "priceunits23usd234.5uſd",
        "inr٣¥pcsitems",
        "USDitems$1itemé",
        "£$4.5\u{9}pieceınr$",
        "USD1.6,7uſdinr",
        "6,7\u{a0}PRICE¥٣",
        "6,7unit$inrZitem",
        "٣uſd",
        "€4.5£.",
        "sinr£4.5/qty",
        "\u{a0}23usd.PRICEuſd",
        "\u{345}qty4.5itemsitems",
        "23inr$:pcssqty",
        "\u{345}quantity6,7",
        "4.523_priceinr6,7units",
        "Z4.5usd\u{345}",
        "PRICE\u{1c}23item",
        "$1-piece€¥",
        "ınr,items$\u{a0}6,7",
        "Cad _USD4.5eur,",
        "é-¥٣_USDınr",
        "qty€1price",
        "$٣4.5usdépcs",
        "£6,7\u{9}usdprice",
        "quantity$4.5itemuſd",
        "items€٣pieceZ\u{9}ınr",
        "quantity$£1USD",
        "٣$¥٣\u{a0}=",
        "PRICEqty\u{1c}usd4.5",
        "٣uſd",
        "usd\u{9}€23qty٣s",
        "price:6,7",
        "4.51USD",
        "٣pcs\u{a0}_",
        "eur1quantity",
        "£1piece",
        "£6,7pcsUSD x_",
        "1eur\u{345}",
        "Cad4.5unitsinr_/٣",
        "\u{a0}$23",
    ];
    const PY_RAW_TERM_MISSES: &[&str] = &[
        "uſd",
        "usd\u{1c}pcseur1",
        "price¥¥\u{a0}",
        "inrZ",
        "=6,7$",
        "items=PRICEunit$\u{9}",
        "_",
        "=",
        "\u{9}USDpriceunitCad",
        "Z=-unitsunititem",
        "=/uſd._apiece",
        ".,/",
        "€pcs,",
        ":quantity",
        "priceitems",
        ",pcsitemaZ",
        "\u{a0}/",
        "piece",
        "a/inr ",
        "Zpriceuſdinr",
        "price",
        "item-xCad$x",
        "pcs6,7PRICE=item€",
        "usd=",
        "€",
        "xuniteur-piecesuſd ",
        "item$x PRICEunit",
        "uſd,€\u{a0}PRICEunit",
        "pcsinr",
        "23\u{9}$",
        "s23piecesunitsitems\u{9}",
        ".$PRICEpieces23",
        ":PRICEunits",
        "$:USDunitqty/x",
        "_pcsx1:€$",
        "qtyusd",
        "qty,piece",
        "uſds.-€quantityprice",
        "./1",
        "1¥€item_",
        " usd,quantity\u{9}",
        "Z€",
        "USD",
        "quantityquantity£",
        "pricePRICE1.",
        "£\u{9}pcs",
        "1",
        "$",
        ". 1Caditem",
        "Zitems$",
        "¥qtypiece",
        "qty\u{9}-",
        ",/",
        "items\u{a0}€",
        "pcsUSDitemspcs23PRICEx",
        "PRICE-",
        "\u{9}xinr",
        "quantity",
        "$ ",
        "pcsquantity",
    ];

    #[test]
    fn raw_term_detectors_agree_with_python_regexes() {
        for text in PY_RAW_TERM_HITS {
            assert!(contains_raw_term(text), "{text:?}");
        }
        for text in PY_RAW_TERM_MISSES {
            assert!(!contains_raw_term(text), "{text:?}");
        }
    }

    #[test]
    fn raw_term_scan_handles_long_runs() {
        // A megabyte of digits and spaces: no match, until a unit word follows the number.
        // (Speed is the bench's business; this checks the answer on a degenerate input.)
        let long = format!("{}{}", "1".repeat(500_000), " ".repeat(500_000));
        assert!(!contains_raw_term(&long));
        assert!(contains_raw_term(&format!("{long}units")));
    }

    #[test]
    fn scan_pointers_and_exemptions() {
        let digest = "sha256:cad1234567890abc000000000000000000000000000000000000000000000000";
        let att = json!({
            "summary": "Outcome: AGREED\nTranscript hash: cad1234567890abc",
            "transcript_hash": digest,
            "chain_head": digest,
            "parties": [{"signature": "USD 5", "agent_id": "a"}],
            "countersignatures": {"USD 1": "USD 2"}
        });
        assert!(scan_raw_deal_terms(&att, PrivacyScan::ExemptGenerated).is_ok());
        assert!(matches!(
            scan_raw_deal_terms(&att, PrivacyScan::Strict),
            Err(AttestationError::RawDealTerm { .. })
        ));
        // Only the line for this attestation's own digest is exempt.
        let mut other = att.clone();
        other["summary"] = json!("Transcript hash: cad9999999999999");
        assert_eq!(
            scan_raw_deal_terms(&other, PrivacyScan::ExemptGenerated),
            Err(AttestationError::RawDealTerm {
                pointer: "/summary".into()
            })
        );
        // A digest-shaped field that is not a well-formed digest is scanned.
        let mut forged = att.clone();
        forged["chain_head"] = json!("sha256:CAD 4350");
        assert_eq!(
            scan_raw_deal_terms(&forged, PrivacyScan::ExemptGenerated),
            Err(AttestationError::RawDealTerm {
                pointer: "/chain_head".into()
            })
        );
        let keyed = json!({"meta": {"price: 5": 1}});
        assert_eq!(
            scan_raw_deal_terms(&keyed, PrivacyScan::Strict),
            Err(AttestationError::RawDealTerm {
                pointer: "/meta/price: 5".into()
            })
        );
        assert!(scan_raw_deal_terms(&keyed, PrivacyScan::Off).is_ok());
    }

    /// `_parse_iso8601` of the reference (Python 3.11.7) on each text: the instant, or the
    /// reason after "is not a valid ISO 8601 timestamp: ".
    type PyIso = (&'static str, Result<(i64, u32), &'static str>);

    const PY_ISO: &[PyIso] = &[
        ("2026-01-01T00:00:00Z", Ok((1767225600, 0))),
        ("2026-01-01T00:00:00", Ok((1767225600, 0))),
        ("2026-01-01 01:00:00+01:00", Ok((1767225600, 0))),
        ("2026-01-01T00:00:00+0000", Ok((1767225600, 0))),
        ("2026-01-01T00:00:00,500Z", Ok((1767225600, 500000000))),
        ("2026-01-01T00:00:00.1234567Z", Ok((1767225600, 123456000))),
        ("20260101T000000Z", Ok((1767225600, 0))),
        ("2026-01-01", Ok((1767225600, 0))),
        ("2026-01-01T05", Ok((1767243600, 0))),
        ("2026-01-01T05:30-05:30", Ok((1767265200, 0))),
        ("2026-01-01T0530", Ok((1767245400, 0))),
        ("2026-01-01T053015.25+0130", Ok((1767240015, 250000000))),
        ("2026-01-01t00:00:00Z", Ok((1767225600, 0))),
        ("2026/06/01", Err("Invalid isoformat string: '2026/06/01'")),
        ("2026-13-01T00:00:00Z", Err("month must be in 1..12")),
        ("2026-02-30", Err("day is out of range for month")),
        ("2026-01-01T24:00:00", Err("hour must be in 0..23")),
        ("0000-01-01", Err("year 0 is out of range")),
        ("2026-01-01T00:00:00.Z", Ok((1767225600, 0))),
        ("2026-01-01X00:00", Ok((1767225600, 0))),
        (
            "2026-01-01T00:00:00 ",
            Err("Invalid isoformat string: '2026-01-01T00:00:00 '"),
        ),
        ("it's", Err("Invalid isoformat string: \"it's\"")),
        ("2026-01-01T00:60", Err("minute must be in 0..59")),
        ("2026-01-01T00:00:60", Err("second must be in 0..59")),
        ("2028-02-29T12:00:00Z", Ok((1835438400, 0))),
        ("2026-01-01T00:00:00+23:59", Ok((1767139260, 0))),
        ("2026-01-01T00:00:00-00:30:15", Ok((1767227415, 0))),
        ("2026-01-01T12:30:45.000001Z", Ok((1767270645, 1000))),
        ("9999-12-31T23:59:59Z", Ok((253402300799, 0))),
        ("2026-1-01", Err("Invalid isoformat string: '2026-1-01'")),
        (
            "2026-01-01T1:00",
            Err("Invalid isoformat string: '2026-01-01T1:00'"),
        ),
        (
            "Mon, 01 Jun 2026 00:00:00 GMT",
            Err("Invalid isoformat string: 'Mon, 01 Jun 2026 00:00:00 GMT'"),
        ),
        ("", Err("Invalid isoformat string: ''")),
        (
            "2026-01-01T00:00:00ZZ",
            Err("Invalid isoformat string: '2026-01-01T00:00:00+00:00+00:00'"),
        ),
        ("2026-01-01T00:00Z", Ok((1767225600, 0))),
    ];

    #[test]
    fn python_isoformat_subset() {
        // Python also accepts an empty fraction and any separator; we refuse both.
        let stricter = ["2026-01-01T00:00:00.Z", "2026-01-01X00:00"];
        for (text, expected) in PY_ISO {
            let ours = parse_reference_time(text).map(|t| (t.unix_seconds(), t.subsec_nanos()));
            if stricter.contains(text) {
                assert!(expected.is_ok() && ours.is_err(), "{text}");
            } else {
                assert_eq!(ours, expected.map_err(str::to_owned), "{text}");
            }
        }
    }

    #[test]
    fn versions() {
        assert!(version_at_least("0.3.0", 0, 3));
        assert!(version_at_least("1.0.0", 0, 5));
        assert!(version_at_least("0.10.0", 0, 5));
        assert!(!version_at_least("0.2.9", 0, 3));
        for bad in ["0.3", "0.3.0.1", "v0.3.0", "0.03.0", "0.3.0\n", "", "0..3"] {
            assert!(parse_version(bad).is_none(), "{bad:?}");
        }
        assert_eq!(
            parse_version("99999999999999999999999.0.0"),
            Some((u64::MAX, 0, 0))
        );
    }

    #[test]
    fn summary_shortens_and_defaults() {
        let s = receipt_summary(&json!({"parties": "nope", "outcome": {"status": 5}}));
        assert_eq!(
            s,
            "Parties: unknown, unknown\nTopic: N/A\nOutcome: UNKNOWN\nTranscript hash: "
        );
    }
}
