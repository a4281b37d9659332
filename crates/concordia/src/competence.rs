//! Competence proofs: a signed commitment to an agent's attestation ids (a Merkle root) with
//! aggregate claims, revealing only the attestations the agent chooses (SPEC §9.6.6a).
//!
//! # The Merkle construction
//!
//! Concordia's tree works on lowercase hex text, not on raw digests, and this module reproduces
//! it exactly: the ids are sorted (code-point order); a leaf is `hex(SHA-256(id as UTF-8))`; a
//! parent is `hex(SHA-256(left_hex ‖ right_hex))` over the 128 ASCII bytes of the two children;
//! a layer of odd length pairs its last node with itself. An inclusion proof is
//! `{attestation_id, index, proof}`: the leaf's position in the sorted list and the sibling at
//! each level from the leaf up (the node itself where it had no sibling). Verification walks up,
//! putting the running hash on the left when the index is even, halving the index each level.
//!
//! The construction has no leaf/node domain separation and duplicates odd nodes, so a proof's
//! length and index are checked against the committed `attestation_count` here (the tree's
//! depth is fixed by it); a shorter proof for a 128-hex-digit "id" that is really two child
//! nodes is therefore refused.
//!
//! # What a verifier learns
//!
//! [`verify_competence_proof`] always confirms the signature, that every revealed attestation is
//! in the committed set, that the prover is a party to each, and each one's party signatures,
//! outcome countersignatures (from 0.2.0) and set binding (from 0.3.0). The aggregate claims are
//! reported as verified ([`AggregateStatus::Verified`]) only when every committed attestation is
//! revealed, every outcome is bound, the recomputed claims equal the signed ones and the root
//! recomputed over the revealed ids equals the committed root. Otherwise the claims are the
//! prover's assertion and the report says why ([`AggregateGap`]). Even a verified aggregate
//! proves nothing about attestations the prover left out of the commitment.
//!
//! # Deviations from the Python reference
//!
//! Stricter; nothing the reference or the conformance runner rejects is accepted.
//! - All members are required and typed; the root and every sibling must be 64 lowercase hex
//!   digits; `index` and `proof` may not be omitted (the contract defaults them to 0 and `[]`).
//! - A proof's length must equal the tree depth for `attestation_count` and its index must be
//!   below the count (the reference ignores excess index bits).
//! - Every entry of `merkle_proofs` must verify, not just the first (library) or last (runner)
//!   one per id; duplicated revealed ids, more reveals than committed ids, and counts beyond
//!   [`MAX_COMMITTED`] / [`MAX_REVEALED`] are refused.
//! - `create` refuses an empty set, duplicated ids and duplicated reveal ids (the reference
//!   builds proofs its own gate cannot verify), and derives `proof_id` from the content.
//! - Revealed attestations also pass the caller's attestation check and the set-binding check.
//! - An unknown party key on a revealed attestation keeps the aggregate unverified.

use crate::bundle::{
    self, AttestationCheck, AttestationCheckError, BindingError, BundleError, BundleSummary,
    KeyLookup, OutcomeBinding, PartySignatureError, SetBindingError, member,
};
use crate::wire::{self, WireError};
use sanctuary_core::identity::{PublicKey, Signer};
use sanctuary_core::time::Clock;
use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};
use std::collections::{HashMap, HashSet};

/// The version marker written into new proofs.
pub const COMPETENCE_PROOF_VERSION: &str = "0.1.0";

/// The most attestation ids a proof may commit to (2^32): bounds the tree depth at 32.
pub const MAX_COMMITTED: u64 = 1 << 32;

/// The deepest inclusion proof accepted (the depth of a tree of [`MAX_COMMITTED`] leaves).
pub const MAX_MERKLE_DEPTH: usize = 32;

/// The most revealed attestations (and inclusion proofs) a proof may carry.
pub const MAX_REVEALED: usize = 10_000;

/// The most ids [`MerkleTree::build`] takes (a bound on local work, 2^24).
pub const MAX_TREE_LEAVES: usize = 1 << 24;

/// The members left out of the signed bytes.
const UNSIGNED_MEMBERS: [&str; 2] = ["agent_signature", "concordia_competence_proof"];

/// One node of the tree: 64 lowercase hex digits, as ASCII.
type Node = [u8; 64];

const HEX: &[u8; 16] = b"0123456789abcdef";

fn hex_node(digest: &[u8]) -> Node {
    let mut out = [b'0'; 64];
    for (pair, byte) in out.chunks_exact_mut(2).zip(digest) {
        if let [hi, lo] = pair {
            *hi = HEX.get(usize::from(byte >> 4)).copied().unwrap_or(b'0');
            *lo = HEX.get(usize::from(byte & 0x0f)).copied().unwrap_or(b'0');
        }
    }
    out
}

fn leaf_hash(id: &str) -> Node {
    hex_node(&Sha256::digest(id.as_bytes()))
}

fn parent_hash(left: &Node, right: &Node) -> Node {
    let mut h = Sha256::new();
    h.update(left);
    h.update(right);
    hex_node(&h.finalize())
}

fn node_text(node: &Node) -> String {
    // Always ASCII hex digits.
    node.iter().map(|&b| char::from(b)).collect()
}

/// Reads 64 lowercase hex digits.
fn parse_node(text: &str) -> Option<Node> {
    let bytes: &[u8; 64] = text.as_bytes().try_into().ok()?;
    bytes
        .iter()
        .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        .then_some(*bytes)
}

/// The depth of the tree over `count` leaves: ⌈log2 count⌉ (0 for one leaf).
#[must_use]
pub fn tree_depth(count: u64) -> usize {
    if count <= 1 {
        0
    } else {
        // 64 - leading_zeros(count - 1) ≤ 64: the conversion cannot fail.
        usize::try_from(64 - (count - 1).leading_zeros()).unwrap_or(usize::MAX)
    }
}

/// Why a Merkle operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MerkleError {
    /// A tree over no ids has no root.
    #[error("a Merkle tree needs at least one attestation id")]
    Empty,
    /// More ids than [`MAX_TREE_LEAVES`].
    #[error("{0} attestation ids exceed the tree limit")]
    TooManyLeaves(usize),
    /// An inclusion proof is not `{attestation_id, index, proof}` of the right types, or is
    /// deeper than [`MAX_MERKLE_DEPTH`].
    #[error("Merkle proof is malformed: {0}")]
    Malformed(&'static str),
}

/// Concordia's Merkle tree over attestation ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerkleTree {
    sorted_ids: Vec<String>,
    /// `layers[0]` are the leaves, the last layer is the root alone.
    layers: Vec<Vec<Node>>,
}

impl MerkleTree {
    /// Builds the tree over `ids` (sorted here; duplicates are kept, as the reference does).
    pub fn build<S: AsRef<str>>(ids: &[S]) -> Result<MerkleTree, MerkleError> {
        if ids.is_empty() {
            return Err(MerkleError::Empty);
        }
        if ids.len() > MAX_TREE_LEAVES {
            return Err(MerkleError::TooManyLeaves(ids.len()));
        }
        let mut sorted_ids: Vec<String> = ids.iter().map(|s| s.as_ref().to_owned()).collect();
        sorted_ids.sort_unstable();
        let mut layers: Vec<Vec<Node>> = vec![sorted_ids.iter().map(|id| leaf_hash(id)).collect()];
        while let Some(current) = layers.last().filter(|l| l.len() > 1) {
            // An odd node out is paired with itself.
            let next: Vec<Node> = current
                .chunks(2)
                .filter_map(|pair| {
                    let left = pair.first()?;
                    Some(parent_hash(left, pair.get(1).unwrap_or(left)))
                })
                .collect();
            layers.push(next);
        }
        Ok(MerkleTree { sorted_ids, layers })
    }

    /// The root, as 64 lowercase hex digits.
    #[must_use]
    pub fn root(&self) -> String {
        self.layers
            .last()
            .and_then(|l| l.first())
            .map(node_text)
            .unwrap_or_default()
    }

    /// The number of leaves (ids, duplicates included).
    #[must_use]
    pub fn leaf_count(&self) -> usize {
        self.sorted_ids.len()
    }

    /// The inclusion proof of `attestation_id` (its first position among the sorted ids), or
    /// `None` when it is not a leaf.
    #[must_use]
    pub fn proof(&self, attestation_id: &str) -> Option<MerkleProof> {
        let index = self
            .sorted_ids
            .partition_point(|x| x.as_str() < attestation_id);
        if self.sorted_ids.get(index).map(String::as_str) != Some(attestation_id) {
            return None;
        }
        let mut siblings = Vec::with_capacity(self.layers.len().saturating_sub(1));
        let mut position = index;
        for layer in self.layers.iter().take(self.layers.len().saturating_sub(1)) {
            let sibling = position ^ 1;
            // Where there is no sibling the node was paired with itself.
            let node = layer.get(sibling).or_else(|| layer.get(position))?;
            siblings.push(node_text(node));
            position /= 2;
        }
        Some(MerkleProof {
            attestation_id: attestation_id.to_owned(),
            index: u64::try_from(index).ok()?,
            siblings,
        })
    }
}

/// The root of the tree over `ids`, or `None` for no ids (the reference's empty root `""`).
#[must_use]
pub fn merkle_root<S: AsRef<str>>(ids: &[S]) -> Option<String> {
    MerkleTree::build(ids).ok().map(|t| t.root())
}

/// An inclusion proof: `{attestation_id, index, proof}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerkleProof {
    /// The id proven.
    pub attestation_id: String,
    /// Its position among the sorted committed ids.
    pub index: u64,
    /// Sibling hashes from the leaf up, each 64 lowercase hex digits.
    pub siblings: Vec<String>,
}

impl MerkleProof {
    /// The proof as the reference writes it.
    #[must_use]
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert(
            "attestation_id".into(),
            Value::String(self.attestation_id.clone()),
        );
        m.insert("index".into(), Value::from(self.index));
        m.insert(
            "proof".into(),
            Value::Array(self.siblings.iter().cloned().map(Value::String).collect()),
        );
        Value::Object(m)
    }

    /// Reads a proof from untrusted input: all three members, a non-negative integer index, at
    /// most [`MAX_MERKLE_DEPTH`] siblings of 64 lowercase hex digits.
    pub fn from_value(value: &Value) -> Result<MerkleProof, MerkleError> {
        let m = value
            .as_object()
            .ok_or(MerkleError::Malformed("not an object"))?;
        let attestation_id = m
            .get("attestation_id")
            .and_then(Value::as_str)
            .ok_or(MerkleError::Malformed("attestation_id is not a string"))?
            .to_owned();
        let index = m
            .get("index")
            .and_then(Value::as_u64)
            .ok_or(MerkleError::Malformed(
                "index is not a non-negative integer",
            ))?;
        let list = m
            .get("proof")
            .and_then(Value::as_array)
            .ok_or(MerkleError::Malformed("proof is not a list"))?;
        if list.len() > MAX_MERKLE_DEPTH {
            return Err(MerkleError::Malformed("proof is deeper than allowed"));
        }
        let siblings = list
            .iter()
            .map(|s| {
                s.as_str()
                    .filter(|t| parse_node(t).is_some())
                    .map(str::to_owned)
            })
            .collect::<Option<Vec<_>>>()
            .ok_or(MerkleError::Malformed(
                "a sibling is not 64 lowercase hex digits",
            ))?;
        Ok(MerkleProof {
            attestation_id,
            index,
            siblings,
        })
    }
}

/// Verifies that `attestation_id` is a leaf under `root` by `proof` (the reference's
/// `verify_merkle_proof`; `proof.attestation_id` is not consulted). Refuses a root or sibling
/// that is not 64 lowercase hex digits, a proof deeper than [`MAX_MERKLE_DEPTH`], and an index
/// with bits beyond the proof's depth.
#[must_use]
pub fn verify_merkle_proof(attestation_id: &str, proof: &MerkleProof, root: &str) -> bool {
    let Some(root) = parse_node(root) else {
        return false;
    };
    let depth = proof.siblings.len();
    if depth > MAX_MERKLE_DEPTH {
        return false;
    }
    // depth ≤ 32, so the shift is in range.
    if proof
        .index
        .checked_shr(u32::try_from(depth).unwrap_or(u32::MAX))
        != Some(0)
    {
        return false;
    }
    let mut current = leaf_hash(attestation_id);
    let mut index = proof.index;
    for sibling in &proof.siblings {
        let Some(sibling) = parse_node(sibling) else {
            return false;
        };
        current = if index.is_multiple_of(2) {
            parent_hash(&current, &sibling)
        } else {
            parent_hash(&sibling, &current)
        };
        index /= 2;
    }
    current == root
}

/// Why a competence proof was refused (or could not be created).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CompetenceError {
    /// A member is missing or has the wrong type.
    #[error("competence proof is malformed: {0}")]
    Malformed(&'static str),
    /// The claims are not a well-formed summary.
    #[error("competence proof claims are malformed: {0}")]
    Claims(#[source] BundleError),
    /// An inclusion proof is malformed.
    #[error(transparent)]
    Merkle(#[from] MerkleError),
    /// The attestations given to `create` are not acceptable.
    #[error("attestations refused: {0}")]
    Attestations(#[source] BundleError),
    /// `create` was given no attestations.
    #[error("a competence proof needs at least one attestation")]
    EmptySet,
    /// A reveal id is not among the attestations.
    #[error("attestation '{0}' not found in attestations")]
    UnknownReveal(String),
    /// An id is revealed twice.
    #[error("attestation '{0}' is revealed twice")]
    DuplicateReveal(String),
    /// More reveals than [`MAX_REVEALED`], or more than committed.
    #[error("{count} revealed attestations exceed the limit of {max}")]
    TooManyReveals {
        /// How many.
        count: usize,
        /// The limit that applies.
        max: u64,
    },
    /// A caller-supplied proof id is not `proof_` and lowercase hex.
    #[error("proof id must be 'proof_' followed by lowercase hex")]
    BadProofId,
    /// Canonicalisation or signing failed.
    #[error(transparent)]
    Wire(#[from] WireError),
    /// `attestation_count` differs from `claims.total_negotiations`.
    #[error("attestation count mismatch: root commits to {count}, claims say {claimed}")]
    CountMismatch {
        /// `attestation_count`.
        count: u64,
        /// `claims.total_negotiations`.
        claimed: u64,
    },
    /// The prover's key is not known.
    #[error("cannot resolve public key for agent '{0}'")]
    UnknownAgentKey(String),
    /// The proof signature does not verify.
    #[error("proof signature verification failed")]
    BadSignature,
    /// A revealed attestation has no inclusion proof.
    #[error("revealed attestation '{0}' has no Merkle proof")]
    MissingInclusionProof(String),
    /// An inclusion proof does not lead to the committed root (or has the wrong depth or
    /// index for the committed count).
    #[error("Merkle proof failed for attestation '{0}'")]
    InclusionFailed(String),
    /// A revealed attestation is not an object with a string `attestation_id`.
    #[error("revealed attestation {0} has no attestation_id")]
    RevealedWithoutId(usize),
    /// The prover is not a party to a revealed attestation.
    #[error("prover '{agent_id}' is not a party in revealed attestation '{attestation_id}'")]
    ProverNotParty {
        /// The prover.
        agent_id: String,
        /// The attestation.
        attestation_id: String,
    },
    /// The caller's attestation check refused a revealed attestation.
    #[error("revealed attestation '{attestation_id}' refused: {source}")]
    AttestationRejected {
        /// The attestation.
        attestation_id: String,
        /// The check's error.
        #[source]
        source: AttestationCheckError,
    },
    /// A party signature on a revealed attestation is missing or wrong.
    #[error("revealed attestation '{attestation_id}': {problem}")]
    PartySignature {
        /// The attestation.
        attestation_id: String,
        /// What is wrong.
        problem: PartySignatureError,
    },
    /// A ≥ 0.2.0 revealed attestation whose outcome is not bound.
    #[error("revealed attestation '{attestation_id}': {problem}")]
    OutcomeBinding {
        /// The attestation.
        attestation_id: String,
        /// Why.
        problem: BindingError,
    },
    /// A ≥ 0.3.0 revealed attestation without valid set-binding members.
    #[error("revealed attestation '{attestation_id}': {problem}")]
    SetBinding {
        /// The attestation.
        attestation_id: String,
        /// What is wrong.
        problem: SetBindingError,
    },
    /// A full reveal whose signed claims contradict its own attestations.
    #[error("self-inconsistent claims vs revealed set: {0}")]
    ClaimsMismatch(&'static str),
    /// A full reveal whose ids do not rebuild the committed root.
    #[error("committed Merkle root does not match the revealed set")]
    RootMismatch,
}

/// Whether the aggregate claims were independently confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AggregateStatus {
    /// Full reveal, every outcome bound, recomputed claims and root equal the signed ones.
    /// Confirms the committed set, not that the agent committed its whole history.
    Verified,
    /// The claims are the prover's assertion, for these reasons.
    Asserted(Vec<AggregateGap>),
}

/// Why the aggregate claims stay prover-asserted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AggregateGap {
    /// Not every committed attestation was revealed.
    PartialReveal {
        /// How many were revealed.
        revealed: usize,
        /// How many are committed.
        committed: u64,
    },
    /// These revealed attestations are legacy (< 0.2.0): their outcome is unbound.
    OutcomeUnbound(Vec<String>),
    /// Parties on revealed attestations whose key was unknown (signature not checked).
    UnverifiedParties(Vec<String>),
}

/// What a successful verification established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompetenceReport {
    /// Whether the claims are confirmed, or why not.
    pub aggregate: AggregateStatus,
    /// Committed attestation ids.
    pub committed: u64,
    /// Revealed attestations (each proven a member).
    pub revealed: usize,
    /// Parties on revealed attestations whose key was unknown, sorted.
    pub unverified_parties: Vec<String>,
    /// Revealed legacy attestations whose outcome is unbound, sorted.
    pub revealed_outcome_unbound: Vec<String>,
}

impl CompetenceReport {
    /// Whether the aggregate claims were independently confirmed.
    #[must_use]
    pub fn aggregate_verified(&self) -> bool {
        self.aggregate == AggregateStatus::Verified
    }
}

/// A competence proof, kept as received.
#[derive(Debug, Clone, PartialEq)]
pub struct CompetenceProof {
    object: Map<String, Value>,
    claims: BundleSummary,
    count: u64,
    merkle_proofs: Vec<MerkleProof>,
}

fn required_str<'a>(
    m: &'a Map<String, Value>,
    name: &'static str,
) -> Result<&'a str, CompetenceError> {
    m.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or(CompetenceError::Malformed(name))
}

impl CompetenceProof {
    /// Builds and signs a proof over `attestations` for `agent_id`, revealing `reveal_ids` (in
    /// that order), dated by `clock`, with an id derived from the content.
    pub fn create<S: Signer + ?Sized>(
        agent_id: &str,
        attestations: &[Value],
        reveal_ids: &[&str],
        signer: &S,
        clock: &dyn Clock,
    ) -> Result<CompetenceProof, CompetenceError> {
        Self::build(None, agent_id, attestations, reveal_ids, signer, clock)
    }

    /// As [`CompetenceProof::create`] with a caller-chosen id (`proof_` and lowercase hex).
    pub fn create_with_id<S: Signer + ?Sized>(
        proof_id: &str,
        agent_id: &str,
        attestations: &[Value],
        reveal_ids: &[&str],
        signer: &S,
        clock: &dyn Clock,
    ) -> Result<CompetenceProof, CompetenceError> {
        if !bundle::is_hex_id(proof_id, "proof_") {
            return Err(CompetenceError::BadProofId);
        }
        Self::build(
            Some(proof_id),
            agent_id,
            attestations,
            reveal_ids,
            signer,
            clock,
        )
    }

    fn build<S: Signer + ?Sized>(
        proof_id: Option<&str>,
        agent_id: &str,
        attestations: &[Value],
        reveal_ids: &[&str],
        signer: &S,
        clock: &dyn Clock,
    ) -> Result<CompetenceProof, CompetenceError> {
        if agent_id.is_empty() {
            return Err(CompetenceError::Malformed("agent_id"));
        }
        if attestations.is_empty() {
            return Err(CompetenceError::EmptySet);
        }
        bundle::check_own_attestations(agent_id, attestations)
            .map_err(CompetenceError::Attestations)?;
        if reveal_ids.len() > MAX_REVEALED {
            return Err(CompetenceError::TooManyReveals {
                count: reveal_ids.len(),
                max: MAX_REVEALED as u64,
            });
        }
        // Ids are strings and unique: checked above.
        let ids: Vec<&str> = attestations
            .iter()
            .map(|a| {
                member(a, "attestation_id")
                    .and_then(Value::as_str)
                    .unwrap_or("")
            })
            .collect();
        let by_id: HashMap<&str, &Value> = ids.iter().copied().zip(attestations).collect();
        let tree = MerkleTree::build(&ids)?;
        let claims = BundleSummary::compute(agent_id, attestations);

        let mut seen: HashSet<&str> = HashSet::with_capacity(reveal_ids.len());
        let mut merkle_proofs = Vec::with_capacity(reveal_ids.len());
        let mut revealed = Vec::with_capacity(reveal_ids.len());
        for &rev in reveal_ids {
            if !seen.insert(rev) {
                return Err(CompetenceError::DuplicateReveal(rev.to_owned()));
            }
            let att = by_id
                .get(rev)
                .ok_or_else(|| CompetenceError::UnknownReveal(rev.to_owned()))?;
            let proof = tree
                .proof(rev)
                .ok_or_else(|| CompetenceError::UnknownReveal(rev.to_owned()))?;
            merkle_proofs.push(proof);
            revealed.push((*att).clone());
        }

        let count = attestations.len() as u64;
        let mut object = Map::new();
        object.insert(
            "concordia_competence_proof".into(),
            Value::String(COMPETENCE_PROOF_VERSION.into()),
        );
        object.insert("agent_id".into(), Value::String(agent_id.into()));
        object.insert(
            "created_at".into(),
            Value::String(wire::format_timestamp(clock.now())),
        );
        object.insert("claims".into(), claims.to_value());
        object.insert("attestation_merkle_root".into(), Value::String(tree.root()));
        object.insert("attestation_count".into(), Value::from(count));
        object.insert(
            "merkle_proofs".into(),
            Value::Array(merkle_proofs.iter().map(MerkleProof::to_value).collect()),
        );
        object.insert("revealed_attestations".into(), Value::Array(revealed));
        let id = match proof_id {
            Some(id) => id.to_owned(),
            None => bundle::derived_id(
                "proof_",
                &wire::canonical_without(&object, &UNSIGNED_MEMBERS)?,
            ),
        };
        object.insert("proof_id".into(), Value::String(id));
        let signature = wire::sign_object(&object, &UNSIGNED_MEMBERS, signer)?;
        object.insert("agent_signature".into(), Value::String(signature));
        Ok(CompetenceProof {
            object,
            claims,
            count,
            merkle_proofs,
        })
    }

    /// Reads a proof from untrusted input: every member present and typed, counts bounded.
    /// Nothing is verified yet; see [`CompetenceProof::verify_structure`],
    /// [`CompetenceProof::verify_signature`] and [`verify_competence_proof`].
    pub fn from_value(value: Value) -> Result<CompetenceProof, CompetenceError> {
        let Value::Object(object) = value else {
            return Err(CompetenceError::Malformed("proof is not an object"));
        };
        required_str(&object, "proof_id")?;
        required_str(&object, "agent_id")?;
        required_str(&object, "agent_signature")?;
        if bundle::parse_created_at(required_str(&object, "created_at")?).is_none() {
            return Err(CompetenceError::Malformed("created_at"));
        }
        if let Some(version) = object.get("concordia_competence_proof") {
            // The marker is unsigned; it need only be a version.
            let ok = bundle::attestation_version_at_least(Some(version), 0, 0);
            if !ok {
                return Err(CompetenceError::Malformed("concordia_competence_proof"));
            }
        }
        let claims = BundleSummary::from_value(object.get("claims").unwrap_or(&Value::Null))
            .map_err(CompetenceError::Claims)?;
        if object
            .get("attestation_merkle_root")
            .and_then(Value::as_str)
            .and_then(parse_node)
            .is_none()
        {
            return Err(CompetenceError::Malformed("attestation_merkle_root"));
        }
        let count = object
            .get("attestation_count")
            .and_then(Value::as_u64)
            .filter(|&n| (1..=MAX_COMMITTED).contains(&n))
            .ok_or(CompetenceError::Malformed("attestation_count"))?;
        let list = |name: &'static str| {
            object
                .get(name)
                .and_then(Value::as_array)
                .ok_or(CompetenceError::Malformed(name))
        };
        let proofs = list("merkle_proofs")?;
        let revealed = list("revealed_attestations")?;
        for len in [proofs.len(), revealed.len()] {
            if len > MAX_REVEALED {
                return Err(CompetenceError::TooManyReveals {
                    count: len,
                    max: MAX_REVEALED as u64,
                });
            }
        }
        let merkle_proofs = proofs
            .iter()
            .map(MerkleProof::from_value)
            .collect::<Result<Vec<_>, _>>()?;
        for (i, att) in revealed.iter().enumerate() {
            if member(att, "attestation_id")
                .and_then(Value::as_str)
                .is_none()
            {
                return Err(CompetenceError::RevealedWithoutId(i));
            }
        }
        Ok(CompetenceProof {
            object,
            claims,
            count,
            merkle_proofs,
        })
    }

    /// Parses JSON text (strictly, see [`wire::parse`]) and reads it as a proof.
    pub fn parse(text: &str) -> Result<CompetenceProof, CompetenceError> {
        Self::from_value(wire::parse(text)?)
    }

    /// The proof as a JSON value.
    #[must_use]
    pub fn to_value(&self) -> Value {
        Value::Object(self.object.clone())
    }

    fn text(&self, name: &str) -> &str {
        self.object.get(name).and_then(Value::as_str).unwrap_or("")
    }

    /// `proof_id`.
    #[must_use]
    pub fn proof_id(&self) -> &str {
        self.text("proof_id")
    }

    /// The proving agent.
    #[must_use]
    pub fn agent_id(&self) -> &str {
        self.text("agent_id")
    }

    /// `created_at`, as written.
    #[must_use]
    pub fn created_at(&self) -> &str {
        self.text("created_at")
    }

    /// The committed Merkle root (64 lowercase hex digits).
    #[must_use]
    pub fn merkle_root(&self) -> &str {
        self.text("attestation_merkle_root")
    }

    /// The number of committed attestation ids.
    #[must_use]
    pub fn attestation_count(&self) -> u64 {
        self.count
    }

    /// The signed (prover-asserted) claims.
    #[must_use]
    pub fn claims(&self) -> &BundleSummary {
        &self.claims
    }

    /// The inclusion proofs carried.
    #[must_use]
    pub fn merkle_proofs(&self) -> &[MerkleProof] {
        &self.merkle_proofs
    }

    /// The revealed attestations.
    #[must_use]
    pub fn revealed_attestations(&self) -> &[Value] {
        self.object
            .get("revealed_attestations")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice)
    }

    /// The base64url agent signature.
    #[must_use]
    pub fn agent_signature(&self) -> &str {
        self.text("agent_signature")
    }

    /// The signed bytes: canonical JSON without `agent_signature` and the version marker.
    pub fn signing_preimage(&self) -> Result<Vec<u8>, CompetenceError> {
        Ok(wire::canonical_without(&self.object, &UNSIGNED_MEMBERS)?)
    }

    /// Verifies the agent signature with `key`.
    pub fn verify_signature(&self, key: &PublicKey) -> Result<(), CompetenceError> {
        wire::verify_object(&self.object, &UNSIGNED_MEMBERS, self.agent_signature(), key).map_err(
            |e| match e {
                WireError::Json(_) | WireError::TooLarge { .. } => CompetenceError::Wire(e),
                _ => CompetenceError::BadSignature,
            },
        )
    }

    /// The checks that need no key: the count agrees with the claims, every inclusion proof
    /// leads to the root with the depth and index range of the committed count, every revealed
    /// attestation has one, revealed ids are distinct and no more than committed.
    pub fn verify_structure(&self) -> Result<(), CompetenceError> {
        if self.count != self.claims.total_negotiations {
            return Err(CompetenceError::CountMismatch {
                count: self.count,
                claimed: self.claims.total_negotiations,
            });
        }
        let revealed = self.revealed_attestations();
        if revealed.len() as u64 > self.count {
            return Err(CompetenceError::TooManyReveals {
                count: revealed.len(),
                max: self.count,
            });
        }
        let root = self.merkle_root();
        let depth = tree_depth(self.count);
        let mut proven: HashSet<&str> = HashSet::with_capacity(self.merkle_proofs.len());
        for proof in &self.merkle_proofs {
            let ok = proof.siblings.len() == depth
                && proof.index < self.count
                && verify_merkle_proof(&proof.attestation_id, proof, root);
            if !ok {
                return Err(CompetenceError::InclusionFailed(
                    proof.attestation_id.clone(),
                ));
            }
            proven.insert(&proof.attestation_id);
        }
        let mut seen: HashSet<&str> = HashSet::with_capacity(revealed.len());
        for (i, att) in revealed.iter().enumerate() {
            let id = member(att, "attestation_id")
                .and_then(Value::as_str)
                .ok_or(CompetenceError::RevealedWithoutId(i))?;
            if !seen.insert(id) {
                return Err(CompetenceError::DuplicateReveal(id.to_owned()));
            }
            if !proven.contains(id) {
                return Err(CompetenceError::MissingInclusionProof(id.to_owned()));
            }
        }
        Ok(())
    }
}

/// Verifies a competence proof: signature (key from `resolve`), structure and inclusion, then
/// each revealed attestation (prover a party, `attestation_check`, party signatures, outcome
/// and set binding), then, on a full reveal, the recomputed claims and root. See the module
/// docs for when the aggregate counts as verified.
pub fn verify_competence_proof(
    proof: &CompetenceProof,
    resolve: KeyLookup<'_>,
    attestation_check: &dyn AttestationCheck,
) -> Result<CompetenceReport, CompetenceError> {
    let agent_id = proof.agent_id();
    let key =
        resolve(agent_id).ok_or_else(|| CompetenceError::UnknownAgentKey(agent_id.to_owned()))?;
    proof.verify_signature(&key)?;
    proof.verify_structure()?;

    let revealed = proof.revealed_attestations();
    let mut unverified_parties: Vec<String> = Vec::new();
    let mut unbound: Vec<String> = Vec::new();
    for att in revealed {
        // Structure verified: every revealed attestation has a string id.
        let att_id = member(att, "attestation_id")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        if !bundle::is_party(att, agent_id) {
            return Err(CompetenceError::ProverNotParty {
                agent_id: agent_id.to_owned(),
                attestation_id: att_id,
            });
        }
        if let Err(source) = attestation_check.check(att) {
            return Err(CompetenceError::AttestationRejected {
                attestation_id: att_id,
                source,
            });
        }
        let evidence = match bundle::check_party_signatures(att, resolve) {
            Ok(e) => e,
            Err(problem) => {
                return Err(CompetenceError::PartySignature {
                    attestation_id: att_id,
                    problem,
                });
            }
        };
        unverified_parties.extend(evidence.unresolved.into_iter().filter(|p| p != agent_id));
        match bundle::evaluate_outcome_binding(att, resolve) {
            Ok(OutcomeBinding::Bound) => {}
            Ok(OutcomeBinding::Legacy) => unbound.push(att_id.clone()),
            Err(problem) => {
                return Err(CompetenceError::OutcomeBinding {
                    attestation_id: att_id,
                    problem,
                });
            }
        }
        if let Err(problem) = bundle::evaluate_set_binding(att) {
            return Err(CompetenceError::SetBinding {
                attestation_id: att_id,
                problem,
            });
        }
    }
    unverified_parties.sort();
    unverified_parties.dedup();
    unbound.sort();

    let committed = proof.attestation_count();
    let full_reveal = revealed.len() as u64 == committed;
    if full_reveal {
        // The signed claims must be the arithmetic of the revealed set, and the revealed ids
        // must rebuild the committed root (binding the count to the commitment).
        BundleSummary::compute(agent_id, revealed)
            .check_claim(proof.claims())
            .map_err(CompetenceError::ClaimsMismatch)?;
        let ids: Vec<&str> = revealed
            .iter()
            .map(|a| {
                member(a, "attestation_id")
                    .and_then(Value::as_str)
                    .unwrap_or("")
            })
            .collect();
        if merkle_root(&ids).as_deref() != Some(proof.merkle_root()) {
            return Err(CompetenceError::RootMismatch);
        }
    }

    let mut gaps = Vec::new();
    if !full_reveal {
        gaps.push(AggregateGap::PartialReveal {
            revealed: revealed.len(),
            committed,
        });
    }
    if !unbound.is_empty() {
        gaps.push(AggregateGap::OutcomeUnbound(unbound.clone()));
    }
    if !unverified_parties.is_empty() {
        gaps.push(AggregateGap::UnverifiedParties(unverified_parties.clone()));
    }
    Ok(CompetenceReport {
        aggregate: if gaps.is_empty() {
            AggregateStatus::Verified
        } else {
            AggregateStatus::Asserted(gaps)
        },
        committed,
        revealed: revealed.len(),
        unverified_parties,
        revealed_outcome_unbound: unbound,
    })
}

#[cfg(test)]
mod tests {
    //! Known answers from the Python reference 0.10.0 (same ids, same attestations, `uuid4`
    //! and the clock fixed).
    use super::*;
    use crate::bundle::tests::{
        accept_all, attestation, attestations, did, identity, kat_clock, legacy_attestation,
        resolve,
    };
    use proptest::prelude::*;
    use serde_json::json;

    /// The reference test ids for `n` leaves, in the order given to the tree.
    fn kat_ids(n: usize) -> Vec<String> {
        (0..n).map(|k| format!("m{}_{k}", (7 * k) % n)).collect()
    }

    /// (n, root, SHA-256 of JCS({"p": proofs of every id in input order})).
    const MERKLE_KATS: [(usize, &str, &str); 5] = [
        (
            1,
            "34ca86bc0784fc81213c6365965e118240900eab8e1a7bb659279335517fbcfa",
            "f87276d1d50e711b751ac5fdbf50b4925eaf48e79f2faead876cb12e9bc7b86d",
        ),
        (
            2,
            "502d7e6e7ac67a506d443b72e0b7de5982962a52203f533e61f34f3fbdc10490",
            "da6afe851847bba587644c19087f5e0c6a1677fd13738e9eaab2e423b043b8c0",
        ),
        (
            3,
            "f625027f2547628c988f5e01f6919ae023b84cd993b7f0348a0a52637322ad66",
            "d552bb11219d90b66343d4868067988019844a5a32d954c6441c6f8289b4686b",
        ),
        (
            5,
            "720824899e46be945b1637faf7af2a5b7419e874da0d630c054413d9e12794cd",
            "779de0bb70ca52f06e0f2f86837400354a642405980741bd851ab8cc584e63f1",
        ),
        (
            8,
            "ece0849de36ca6f26b3ae0a1f0a86f614aff591d47040947e2b1f43ea109d3c6",
            "0cc271ac8de417309c810cd4327363c10c0da878bc08ed3d09b1de06e3da9c56",
        ),
    ];

    const KAT_PARTIAL_SIGNATURE: &str =
        "RCoXcpYFfvZ-tmeO2qrTFO3_4vajo9wrBSuR67XU1jd40FKc0U4ysorQfOs_5cBMtDg11ocmb7thmUuu6lBnDA==";
    const KAT_FULL_SIGNATURE: &str =
        "P6vG6jR3V6VSMIX5VTqQkWO9UONnSmLBSPID5hxorLtwcKfQpuURo2WX-V4-gItW1u5RmjT4Kohbuc4e2UmODw==";
    const KAT_NONE_SIGNATURE: &str =
        "EiTWBtDy_whpGqg-oGRVxPTS0xrOt49DcfTrOn90vSBcGJJyZeMg-QmWyfKSAzGQTf14AP6Qtv0rcRqhDvEDAg==";
    const KAT_ROOT: &str = "a8c28f059c3161bc5ae585daceee2daee1e592c77ecd69eb20714d2c8ba57b27";

    fn kat_proof(reveal: &[&str]) -> CompetenceProof {
        CompetenceProof::create_with_id(
            "proof_0123456789ab",
            &did("alice"),
            &attestations(),
            reveal,
            &identity("alice"),
            &kat_clock(),
        )
        .unwrap()
    }

    fn verify(proof: &CompetenceProof) -> Result<CompetenceReport, CompetenceError> {
        verify_competence_proof(proof, &resolve, &accept_all)
    }

    /// Re-signs an edited proof value with `signer`.
    fn resign_as(mut value: Value, signer: &str) -> CompetenceProof {
        let map = value.as_object_mut().unwrap();
        let sig = wire::sign_object(map, &UNSIGNED_MEMBERS, &identity(signer)).unwrap();
        map.insert("agent_signature".into(), Value::String(sig));
        CompetenceProof::from_value(value).unwrap()
    }

    fn resign(value: Value) -> CompetenceProof {
        resign_as(value, "alice")
    }

    #[test]
    fn merkle_roots_and_proofs_match_python() {
        for (n, root, proofs_digest) in MERKLE_KATS {
            let ids = kat_ids(n);
            let tree = MerkleTree::build(&ids).unwrap();
            assert_eq!(tree.root(), root, "n={n}");
            assert_eq!(tree.leaf_count(), n);
            let proofs: Vec<Value> = ids
                .iter()
                .map(|id| tree.proof(id).unwrap().to_value())
                .collect();
            let digest = wire::sha256_ref(&wire::canonical(&json!({ "p": proofs })).unwrap());
            assert_eq!(digest, format!("sha256:{proofs_digest}"), "n={n}");
            for id in &ids {
                let proof = tree.proof(id).unwrap();
                assert_eq!(proof.siblings.len(), tree_depth(n as u64));
                assert!(verify_merkle_proof(id, &proof, root), "n={n} {id}");
            }
        }
        // Three leaves spelled out: the odd node is paired with itself.
        let tree = MerkleTree::build(&kat_ids(3)).unwrap();
        assert_eq!(
            tree.proof("m2_2").unwrap().to_value(),
            json!({"attestation_id": "m2_2", "index": 2, "proof": [
                "5b845c9d6f7b120c2655de950dbd5b89cae59d8f34dc03a25cd132148b866d39",
                "502d7e6e7ac67a506d443b72e0b7de5982962a52203f533e61f34f3fbdc10490"]})
        );
        assert_eq!(
            tree.proof("m0_0").unwrap().to_value(),
            json!({"attestation_id": "m0_0", "index": 0, "proof": [
                "6e2e151e750da9d1ede28d9948975edb3b991a1e81ebb8e34038d3bb20924a9e",
                "c9e4523c255e506b5b4510e2f4d43650df2b825af84d1f3b664d3b2d45905d9d"]})
        );
    }

    #[test]
    fn duplicated_ids_match_python_and_show_the_odd_node_ambiguity() {
        let tree = MerkleTree::build(&["b", "a", "a", "c"]).unwrap();
        assert_eq!(
            tree.root(),
            "8be7899ecf0d47e98c1cbd4777f97fa4a1a2a3ebfa2282d0374f82bc3b0e6621"
        );
        assert_eq!(
            tree.proof("a").unwrap().to_value(),
            json!({"attestation_id": "a", "index": 0, "proof": [
                "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb",
                "6ab3ff83fd75c25215d659c9b61e2e8c83913b7c600e7f0a74303e1aeb61d515"]})
        );
        assert_eq!(tree.proof("c").unwrap().index, 3);
        // [a, b, c] and [a, b, c, c] share a root: why duplicates are refused at creation and
        // a full reveal must have distinct ids.
        assert_eq!(
            merkle_root(&["a", "b", "c"]),
            merkle_root(&["a", "b", "c", "c"])
        );
        assert_eq!(
            merkle_root(&["a", "b", "c"]).unwrap(),
            "0bdf27bf7ec894ca7cadfe491ec1a3ece840f117989e8c5e9bd7086467bf6c38"
        );
    }

    #[test]
    fn merkle_negatives() {
        let ids = kat_ids(5);
        let tree = MerkleTree::build(&ids).unwrap();
        let root = tree.root();
        let proof = tree.proof("m4_2").unwrap();
        assert!(verify_merkle_proof("m4_2", &proof, &root));
        // A non-member has no proof, and a member's proof does not carry another id.
        assert!(tree.proof("m9_9").is_none());
        assert!(!verify_merkle_proof("m9_9", &proof, &root));
        // Wrong index, truncated, extended, tampered sibling, other root.
        let mut wrong = proof.clone();
        wrong.index = 3;
        assert!(!verify_merkle_proof("m4_2", &wrong, &root));
        let mut truncated = proof.clone();
        truncated.siblings.pop();
        assert!(!verify_merkle_proof("m4_2", &truncated, &root));
        let mut extended = proof.clone();
        extended.siblings.push(root.clone());
        assert!(!verify_merkle_proof("m4_2", &extended, &root));
        let mut tampered = proof.clone();
        tampered.siblings[1] = "0".repeat(64);
        assert!(!verify_merkle_proof("m4_2", &tampered, &root));
        assert!(!verify_merkle_proof("m4_2", &proof, &"0".repeat(64)));
        assert!(!verify_merkle_proof("m4_2", &proof, &root.to_uppercase()));
        assert!(!verify_merkle_proof("m4_2", &proof, ""));
        // Index bits beyond the proof's depth (the reference would ignore them).
        let mut high = proof.clone();
        high.index += 8;
        assert!(!verify_merkle_proof("m4_2", &high, &root));
        // Empty set.
        assert_eq!(MerkleTree::build::<&str>(&[]), Err(MerkleError::Empty));
        assert_eq!(merkle_root::<&str>(&[]), None);
        assert_eq!(tree_depth(0), 0);
        assert_eq!(tree_depth(1), 0);
        assert_eq!(tree_depth(5), 3);
        assert_eq!(tree_depth(8), 3);
        assert_eq!(tree_depth(9), 4);
        assert_eq!(tree_depth(MAX_COMMITTED), MAX_MERKLE_DEPTH);
    }

    #[test]
    fn proof_readers_bound_untrusted_input() {
        let good = json!({"attestation_id": "a", "index": 1, "proof": ["ab".repeat(32)]});
        assert!(MerkleProof::from_value(&good).is_ok());
        for bad in [
            json!({"attestation_id": "a", "proof": []}),
            json!({"attestation_id": "a", "index": 0}),
            json!({"index": 0, "proof": []}),
            json!({"attestation_id": "a", "index": -1, "proof": []}),
            json!({"attestation_id": "a", "index": 0.5, "proof": []}),
            json!({"attestation_id": "a", "index": 0, "proof": ["AB".repeat(32)]}),
            json!({"attestation_id": "a", "index": 0, "proof": ["ab"]}),
            json!({"attestation_id": "a", "index": 0, "proof": [7]}),
            json!({"attestation_id": "a", "index": 0, "proof": vec!["ab".repeat(32); MAX_MERKLE_DEPTH + 1]}),
            json!([1]),
        ] {
            assert!(MerkleProof::from_value(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_node_posing_as_a_leaf_is_refused_by_the_depth_check() {
        // With no leaf/node separation, "left_hex‖right_hex" hashes to their parent, so a
        // one-level-shorter path verifies in isolation; the committed count forbids it.
        let ids = ["w", "x", "y", "z"];
        let tree = MerkleTree::build(&ids).unwrap();
        let fake_id = format!(
            "{}{}",
            node_text(&leaf_hash("w")),
            node_text(&leaf_hash("x"))
        );
        let sibling = node_text(&parent_hash(&leaf_hash("y"), &leaf_hash("z")));
        let fake = MerkleProof {
            attestation_id: fake_id.clone(),
            index: 0,
            siblings: vec![sibling],
        };
        assert!(verify_merkle_proof(&fake_id, &fake, &tree.root()));

        let proof = kat_proof(&["att_0000"]);
        let mut value = proof.to_value();
        let four: Vec<String> = ids.iter().map(|s| (*s).to_owned()).collect();
        value["attestation_merkle_root"] = json!(MerkleTree::build(&four).unwrap().root());
        value["merkle_proofs"] = json!([fake.to_value()]);
        let mut forged = attestation(0);
        forged["attestation_id"] = json!(fake_id);
        value["revealed_attestations"] = json!([forged]);
        value["attestation_count"] = json!(4);
        value["claims"]["total_negotiations"] = json!(4);
        assert!(matches!(
            resign(value).verify_structure(),
            Err(CompetenceError::InclusionFailed(_))
        ));
    }

    #[test]
    fn proofs_and_signatures_match_python() {
        let proof = kat_proof(&["att_0002", "att_0000"]);
        assert_eq!(proof.merkle_root(), KAT_ROOT);
        assert_eq!(proof.attestation_count(), 5);
        assert_eq!(proof.agent_signature(), KAT_PARTIAL_SIGNATURE);
        assert_eq!(proof.created_at(), "2026-05-20T12:00:00Z");
        assert_eq!(
            proof.to_value()["merkle_proofs"],
            json!([
                {"attestation_id": "att_0002", "index": 2, "proof": [
                    "9a1031f7e10189d7ced98b0d54ab09427e0525899ff30976863e4feb9978bdff",
                    "8a3d7ec24f17e67f4d0146a60a81ee182f2c47417e01047e25644925f5cd1f6d",
                    "cd4b60df85270d44fd9ad9b32134b253218dbffd541b696927752600a2b5dde3"]},
                {"attestation_id": "att_0000", "index": 0, "proof": [
                    "454a88b1ad5ba0da35d5a26d9d7731bd344bf39f914d2bf25e96c37721c7eae6",
                    "44c87c32cbb777bb7230b5461c6bc59ccb4fa841d527b05047a6352559f53460",
                    "cd4b60df85270d44fd9ad9b32134b253218dbffd541b696927752600a2b5dde3"]}
            ])
        );
        assert_eq!(
            proof.claims().to_value(),
            BundleSummary::compute(&did("alice"), &attestations()).to_value()
        );
        let all = ["att_0000", "att_0001", "att_0002", "att_0003", "att_0004"];
        assert_eq!(kat_proof(&all).agent_signature(), KAT_FULL_SIGNATURE);
        assert_eq!(kat_proof(&[]).agent_signature(), KAT_NONE_SIGNATURE);
    }

    #[test]
    fn aggregate_gate_distinguishes_partial_and_full_reveals() {
        let partial = verify(&kat_proof(&["att_0002", "att_0000"])).unwrap();
        assert_eq!(
            partial.aggregate,
            AggregateStatus::Asserted(vec![AggregateGap::PartialReveal {
                revealed: 2,
                committed: 5
            }])
        );
        assert!(!partial.aggregate_verified());
        let none = verify(&kat_proof(&[])).unwrap();
        assert_eq!(
            none.aggregate,
            AggregateStatus::Asserted(vec![AggregateGap::PartialReveal {
                revealed: 0,
                committed: 5
            }])
        );
        let all = ["att_0004", "att_0003", "att_0002", "att_0001", "att_0000"];
        let full = verify(&kat_proof(&all)).unwrap();
        assert!(full.aggregate_verified());
        assert_eq!(full.revealed, 5);
        assert!(full.unverified_parties.is_empty());
    }

    #[test]
    fn round_trip_and_unsigned_version_marker() {
        let proof = kat_proof(&["att_0001"]);
        let text = String::from_utf8(wire::canonical(&proof.to_value()).unwrap()).unwrap();
        let back = CompetenceProof::parse(&text).unwrap();
        assert_eq!(back.proof_id(), "proof_0123456789ab");
        assert_eq!(back.merkle_proofs(), proof.merkle_proofs());
        verify(&back).unwrap();
        let mut value = proof.to_value();
        value["concordia_competence_proof"] = json!("0.1.1");
        verify(&CompetenceProof::from_value(value.clone()).unwrap()).unwrap();
        value
            .as_object_mut()
            .unwrap()
            .remove("concordia_competence_proof");
        verify(&CompetenceProof::from_value(value.clone()).unwrap()).unwrap();
        value["concordia_competence_proof"] = json!(1);
        assert!(CompetenceProof::from_value(value).is_err());
        // Derived ids are stable and content-bound.
        let a = CompetenceProof::create(
            &did("alice"),
            &attestations(),
            &["att_0001"],
            &identity("alice"),
            &kat_clock(),
        )
        .unwrap();
        let b = CompetenceProof::create(
            &did("alice"),
            &attestations(),
            &["att_0001"],
            &identity("alice"),
            &kat_clock(),
        )
        .unwrap();
        let c = CompetenceProof::create(
            &did("alice"),
            &attestations(),
            &["att_0002"],
            &identity("alice"),
            &kat_clock(),
        )
        .unwrap();
        assert_eq!(a.proof_id(), b.proof_id());
        assert_ne!(a.proof_id(), c.proof_id());
        assert!(bundle::is_hex_id(a.proof_id(), "proof_"));
    }

    #[test]
    fn tampered_claims_wrong_key_and_bad_members() {
        let proof = kat_proof(&["att_0002", "att_0000"]);
        // Edited without re-signing.
        let mut value = proof.to_value();
        value["claims"]["agreement_rate"] = json!(1.0);
        assert!(matches!(
            verify(&CompetenceProof::from_value(value.clone()).unwrap()),
            Err(CompetenceError::BadSignature)
        ));
        // Re-signed: a partial reveal cannot refute it, so it stays an assertion.
        assert!(!verify(&resign(value)).unwrap().aggregate_verified());
        // A full reveal refutes it.
        let all = ["att_0000", "att_0001", "att_0002", "att_0003", "att_0004"];
        let mut value = kat_proof(&all).to_value();
        value["claims"]["agreement_rate"] = json!(1.0);
        assert!(matches!(
            verify(&resign(value)),
            Err(CompetenceError::ClaimsMismatch("agreement_rate"))
        ));
        // Count and claims disagree.
        let mut value = proof.to_value();
        value["attestation_count"] = json!(6);
        assert!(matches!(
            verify(&resign(value)),
            Err(CompetenceError::CountMismatch {
                count: 6,
                claimed: 5
            })
        ));
        // Wrong key.
        assert!(matches!(
            proof.verify_signature(identity("bob").public()),
            Err(CompetenceError::BadSignature)
        ));
        let nobody = |_: &str| None;
        assert!(matches!(
            verify_competence_proof(&proof, &nobody, &accept_all),
            Err(CompetenceError::UnknownAgentKey(_))
        ));
        for member in [
            "proof_id",
            "agent_id",
            "created_at",
            "claims",
            "attestation_merkle_root",
            "attestation_count",
            "merkle_proofs",
            "revealed_attestations",
            "agent_signature",
        ] {
            let mut value = proof.to_value();
            value.as_object_mut().unwrap().remove(member);
            assert!(CompetenceProof::from_value(value).is_err(), "{member}");
        }
        let mut value = proof.to_value();
        value["attestation_count"] = json!(0);
        assert!(CompetenceProof::from_value(value).is_err());
        let mut value = proof.to_value();
        value["claims"].as_object_mut().unwrap().remove("latest");
        assert!(matches!(
            CompetenceProof::from_value(value),
            Err(CompetenceError::Claims(_))
        ));
    }

    #[test]
    fn inclusion_negatives() {
        let proof = kat_proof(&["att_0002", "att_0000"]);
        // Wrong index.
        let mut value = proof.to_value();
        value["merkle_proofs"][0]["index"] = json!(3);
        assert!(
            matches!(verify(&resign(value)), Err(CompetenceError::InclusionFailed(id)) if id == "att_0002")
        );
        // Index out of the committed range but within the depth.
        let mut value = proof.to_value();
        value["merkle_proofs"][1]["index"] = json!(6);
        assert!(matches!(
            verify(&resign(value)),
            Err(CompetenceError::InclusionFailed(_))
        ));
        // Truncated proof.
        let mut value = proof.to_value();
        value["merkle_proofs"][0]["proof"]
            .as_array_mut()
            .unwrap()
            .pop();
        assert!(matches!(
            verify(&resign(value)),
            Err(CompetenceError::InclusionFailed(_))
        ));
        // A revealed attestation that is not committed (another id under an existing proof).
        let mut outsider = attestation(1);
        outsider["attestation_id"] = json!("att_9999");
        let mut value = proof.to_value();
        value["revealed_attestations"][0] = outsider;
        value["merkle_proofs"][0]["attestation_id"] = json!("att_9999");
        assert!(
            matches!(verify(&resign(value)), Err(CompetenceError::InclusionFailed(id)) if id == "att_9999")
        );
        // A revealed attestation without a proof.
        let mut value = proof.to_value();
        value["merkle_proofs"].as_array_mut().unwrap().remove(0);
        assert!(matches!(
            verify(&resign(value)),
            Err(CompetenceError::MissingInclusionProof(id)) if id == "att_0002"
        ));
        // Revealed twice.
        let mut value = proof.to_value();
        value["revealed_attestations"][1] = value["revealed_attestations"][0].clone();
        assert!(matches!(
            verify(&resign(value)),
            Err(CompetenceError::DuplicateReveal(_))
        ));
        // A full reveal whose ids do not rebuild the committed root: a sixth (hidden) leaf.
        let mut ids: Vec<String> = (0..5).map(|i| format!("att_{i:04}")).collect();
        ids.push("att_hidden_loss".into());
        let hidden = MerkleTree::build(&ids).unwrap();
        let all = ["att_0000", "att_0001", "att_0002", "att_0003", "att_0004"];
        let mut value = kat_proof(&all).to_value();
        value["attestation_merkle_root"] = json!(hidden.root());
        value["merkle_proofs"] = Value::Array(
            all.iter()
                .map(|id| hidden.proof(id).unwrap().to_value())
                .collect(),
        );
        assert!(matches!(
            verify(&resign(value)),
            Err(CompetenceError::RootMismatch)
        ));
    }

    #[test]
    fn revealed_attestations_must_be_the_provers_and_sound() {
        // Bob commits to alice's sessions with carol and reveals one: stolen history.
        let atts = [attestation(2), attestation(4)];
        let ids: Vec<&str> = atts
            .iter()
            .map(|a| a["attestation_id"].as_str().unwrap())
            .collect();
        let tree = MerkleTree::build(&ids).unwrap();
        let claims = BundleSummary::compute(&did("bob"), &atts);
        let value = json!({
            "concordia_competence_proof": "0.1.0", "proof_id": "proof_bbbbbbbbbbbb",
            "agent_id": did("bob"), "created_at": "2026-05-20T12:00:00Z",
            "claims": claims.to_value(), "attestation_merkle_root": tree.root(),
            "attestation_count": 2, "merkle_proofs": [tree.proof("att_0002").unwrap().to_value()],
            "revealed_attestations": [atts[0].clone()], "agent_signature": ""
        });
        assert!(matches!(
            verify(&resign_as(value, "bob")),
            Err(CompetenceError::ProverNotParty { .. })
        ));
        assert!(matches!(
            CompetenceProof::create(&did("bob"), &atts, &[], &identity("bob"), &kat_clock()),
            Err(CompetenceError::Attestations(
                BundleError::AgentNotParty { .. }
            ))
        ));
        // A revealed outcome flipped after issuance.
        let proof = kat_proof(&["att_0001"]);
        let mut value = proof.to_value();
        value["revealed_attestations"][0]["outcome"]["status"] = json!("agreed");
        assert!(matches!(
            verify(&resign(value)),
            Err(CompetenceError::OutcomeBinding {
                problem: BindingError::InvalidCountersignature(_),
                ..
            })
        ));
        // A forged party signature.
        let mut value = proof.to_value();
        value["revealed_attestations"][0]["parties"][1]["signature"] = json!("");
        assert!(matches!(
            verify(&resign(value)),
            Err(CompetenceError::PartySignature {
                problem: PartySignatureError::Empty { .. },
                ..
            })
        ));
        // The caller's check refuses.
        #[derive(Debug, thiserror::Error)]
        #[error("refused")]
        struct No;
        let refuse = |_: &Value| Err(AttestationCheckError::new(No));
        assert!(matches!(
            verify_competence_proof(&proof, &resolve, &refuse),
            Err(CompetenceError::AttestationRejected { .. })
        ));
    }

    #[test]
    fn legacy_reveals_and_unknown_parties_keep_the_aggregate_asserted() {
        let atts = vec![legacy_attestation(0), attestation(1)];
        let proof = CompetenceProof::create(
            &did("alice"),
            &atts,
            &["att_0000", "att_0001"],
            &identity("alice"),
            &kat_clock(),
        )
        .unwrap();
        let report = verify(&proof).unwrap();
        assert_eq!(
            report.aggregate,
            AggregateStatus::Asserted(vec![AggregateGap::OutcomeUnbound(vec!["att_0000".into()])])
        );
        let no_bob = |id: &str| if id == did("bob") { None } else { resolve(id) };
        let only_legacy = CompetenceProof::create(
            &did("alice"),
            &atts[..1],
            &["att_0000"],
            &identity("alice"),
            &kat_clock(),
        )
        .unwrap();
        let report = verify_competence_proof(&only_legacy, &no_bob, &accept_all).unwrap();
        assert_eq!(report.unverified_parties, vec![did("bob")]);
        assert!(!report.aggregate_verified());
    }

    #[test]
    fn creation_refuses_bad_sets() {
        let alice = identity("alice");
        let clock = kat_clock();
        assert!(matches!(
            CompetenceProof::create(&did("alice"), &[], &[], &alice, &clock),
            Err(CompetenceError::EmptySet)
        ));
        assert!(matches!(
            CompetenceProof::create(
                &did("alice"),
                &[attestation(0), attestation(0)],
                &[],
                &alice,
                &clock
            ),
            Err(CompetenceError::Attestations(
                BundleError::DuplicateAttestationId(_)
            ))
        ));
        assert!(matches!(
            CompetenceProof::create(
                &did("alice"),
                &attestations(),
                &["att_0001", "att_0001"],
                &alice,
                &clock
            ),
            Err(CompetenceError::DuplicateReveal(_))
        ));
        assert!(matches!(
            CompetenceProof::create(&did("alice"), &attestations(), &["nope"], &alice, &clock),
            Err(CompetenceError::UnknownReveal(_))
        ));
        assert!(matches!(
            CompetenceProof::create_with_id(
                "proof_",
                &did("alice"),
                &attestations(),
                &[],
                &alice,
                &clock
            ),
            Err(CompetenceError::BadProofId)
        ));
    }

    #[test]
    fn thousand_attestations_with_ten_reveals() {
        // Legacy copies keep their party signatures valid under new ids.
        let template = legacy_attestation(0);
        let atts: Vec<Value> = (0..1000)
            .map(|i| {
                let mut a = template.clone();
                a["attestation_id"] = json!(format!("att_{i:05}"));
                a["session_id"] = json!(format!("sess_{i:05}"));
                a
            })
            .collect();
        let reveal: Vec<String> = (0..10).map(|i| format!("att_{:05}", i * 97)).collect();
        let reveal: Vec<&str> = reveal.iter().map(String::as_str).collect();
        let proof = CompetenceProof::create(
            &did("alice"),
            &atts,
            &reveal,
            &identity("alice"),
            &kat_clock(),
        )
        .unwrap();
        let report = verify(&proof).unwrap();
        assert_eq!(report.revealed, 10);
        assert_eq!(report.committed, 1000);
        assert!(proof.merkle_proofs().iter().all(|p| p.siblings.len() == 10));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn every_member_proves_and_outsiders_do_not(ids in prop::collection::btree_set("[a-z0-9_]{1,12}", 1..40), outsider in "[A-Z]{1,8}") {
            let ids: Vec<String> = ids.into_iter().collect();
            let tree = MerkleTree::build(&ids).unwrap();
            let root = tree.root();
            for id in &ids {
                let proof = tree.proof(id).unwrap();
                prop_assert_eq!(proof.siblings.len(), tree_depth(ids.len() as u64));
                prop_assert!(proof.index < ids.len() as u64);
                prop_assert!(verify_merkle_proof(id, &proof, &root));
                prop_assert!(!verify_merkle_proof(&outsider, &proof, &root));
            }
            prop_assert!(tree.proof(&outsider).is_none());
        }
    }
}
