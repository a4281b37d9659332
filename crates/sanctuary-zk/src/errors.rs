//! The one error type of this crate.

/// Why a statement could not be built, a proof could not be made, decoded or verified.
///
/// A proof that decodes but does not verify is always the one opaque
/// [`ProofError::VerificationFailed`]: which equation failed says nothing useful to an honest
/// caller and would help a forger. Decoding errors name the defect (they concern public bytes).
/// Prover-side errors never carry the witness.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofError {
    /// The proof does not verify against this statement, context and transcript.
    #[error("proof verification failed")]
    VerificationFailed,
    /// The bytes are not a well-formed proof of the expected kind.
    #[error("malformed proof: {reason}")]
    Malformed {
        /// What is wrong, for a developer.
        reason: &'static str,
    },
    /// The encoding version is not one this crate reads.
    #[error("unsupported proof format version {version}")]
    UnsupportedVersion {
        /// The version byte found.
        version: u8,
    },
    /// The bytes hold a different kind of proof.
    #[error("wrong proof kind: expected {expected}, found tag {found}")]
    WrongKind {
        /// The proof type that was being decoded.
        expected: &'static str,
        /// The kind tag found in the encoding.
        found: u8,
    },
    /// A statement is unusable: an identity point, an empty or oversized list, bounds out of
    /// order, and the like.
    #[error("invalid statement: {reason}")]
    InvalidStatement {
        /// What is wrong.
        reason: &'static str,
    },
    /// The prover's witness does not satisfy the statement (wrong opening, wrong secret, values
    /// that differ, a relation that does not hold). No proof is produced.
    #[error("the witness does not satisfy the statement")]
    WitnessMismatch,
    /// The committed value lies outside the statement's range, so no range proof exists.
    #[error("the committed value lies outside the statement's range")]
    ValueOutOfRange,
    /// A proof or statement does not belong to the same number of elements (bits, terms,
    /// branches) as the other.
    #[error("size mismatch: the statement has {expected} {what}, the proof has {found}")]
    SizeMismatch {
        /// What was counted.
        what: &'static str,
        /// The statement's count.
        expected: usize,
        /// The proof's count.
        found: usize,
    },
}
