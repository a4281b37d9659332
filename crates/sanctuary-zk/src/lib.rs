//! Sanctuary L3, selective disclosure: Pedersen commitments and zero-knowledge proofs on
//! ristretto255, with merlin transcripts and no external proof library.
//!
//! An agent commits to its budget and proves, bound to one negotiation session, that the
//! budget lies between 100 and 500, without revealing it:
//!
//! ```
//! use sanctuary_zk::{Opening, PedersenGens, RangeProof, RangeStatement, Transcript};
//! use sanctuary_zk::rand_core::OsRng;
//!
//! let gens = PedersenGens::standard();
//! // The agent's side: a secret budget and its commitment.
//! let budget = Opening::random_u64(250, &mut OsRng);
//! let commitment = budget.commit(gens);
//!
//! // The statement both sides agree on, bound to the session.
//! let statement = RangeStatement::new(gens.clone(), commitment, 100, 500)?
//!     .with_context(b"session 7f3a".to_vec());
//! let proof = RangeProof::prove(&statement, &budget, &mut Transcript::new(b"budget"), &mut OsRng)?;
//! let wire = proof.to_bytes(); // 2,307 bytes at most; 547 here (9 bits)
//!
//! // The counterparty's side: it sees the commitment, the bounds and the proof.
//! let received = RangeProof::from_bytes(&wire)?;
//! received.verify(&statement, &mut Transcript::new(b"budget"))?;
//!
//! // Moved to another session, the proof is worthless.
//! let elsewhere = RangeStatement::new(gens.clone(), commitment, 100, 500)?
//!     .with_context(b"session 9c01".to_vec());
//! assert!(received.verify(&elsewhere, &mut Transcript::new(b"budget")).is_err());
//! # Ok::<(), sanctuary_zk::ProofError>(())
//! ```
//!
//! # What is here
//!
//! | proof | statement | size |
//! |---|---|---|
//! | [`DlogProof`] | knowledge of `x` with `P = x·B` (Schnorr) | 66 bytes |
//! | [`OpeningProof`] | knowledge of `(v, r)` with `C = v·G + r·H` | 98 bytes |
//! | [`EqualityProof`] | `C₁`, `C₂` hold the same value, possibly under different generators | 162 bytes |
//! | [`LinearProof`] | openings with `Σ aᵢ·vᵢ = c` | `3 + 96·n` bytes |
//! | [`OrProof`] | knowledge of the discrete log of one of `n` points (CDS) | `3 + 96·n − 32` bytes |
//! | [`RangeProof`] | the committed value lies in `[min, max]`, `max − min < 2^64` | `259 + 32·bits` bytes |
//!
//! Every proof has `prove(statement, witness…, &mut Transcript, rng)` and
//! `verify(&statement, &mut Transcript)`, a versioned binary encoding (`to_bytes`,
//! `from_bytes`, see [`encoding`]) and serde as a base64url string. The derivations are in
//! [`notes`].
//!
//! # Guarantees and limits
//!
//! - **Binding to the statement and context.** Every proof absorbs a protocol label, the whole
//!   statement (generators, commitments, public points, bounds, coefficients) and the
//!   caller's optional context into the caller's transcript before its challenge; changing any
//!   of these, or the application's transcript label, makes verification fail.
//! - **Strict decoding.** Scalars must be canonical, points valid and not the identity, counts
//!   in range, and nothing may trail. Verification failure is one opaque error.
//! - **Secrets.** Openings, blindings and witnesses zeroize on drop and never print. Provers
//!   use constant-time group operations on secrets and hedge their nonces: the caller's RNG is
//!   mixed with the transcript and the witness (merlin's `TranscriptRng`).
//! - **Assumptions.** Soundness rests on the discrete-log problem in ristretto255 and on the
//!   generators having no known relation (they come from hash-to-group on published labels,
//!   see [`generators`]); Fiat–Shamir is analysed in the random-oracle model. Zero knowledge
//!   is honest-verifier zero knowledge made non-interactive. Hiding of commitments is perfect.
//! - **Not here yet.** Logarithmic-size (Bulletproofs-style) range proofs, aggregation of
//!   several range proofs, and a public API to batch-verify many proofs at once.
//! - **Verifiers choose the statement.** The generators, bounds and context are the
//!   verifier's; a verifier must never take them from the prover's message.

#![forbid(unsafe_code)]

pub mod commitment;
pub mod encoding;
mod errors;
pub mod generators;
mod health;
mod msm;
pub mod notes;
pub mod proofs;
pub mod transcript;

pub use commitment::{Blinding, Commitment, Opening};
pub use errors::ProofError;
pub use generators::PedersenGens;
pub use health::ZkHealth;
pub use proofs::dlog::{DlogProof, DlogStatement, DlogWitness};
pub use proofs::equality::{EqualityProof, EqualityStatement};
pub use proofs::linear::{LinearProof, LinearStatement};
pub use proofs::opening::{OpeningProof, OpeningStatement};
pub use proofs::or::{OrProof, OrStatement};
pub use proofs::range::{RangeProof, RangeStatement};
pub use transcript::TranscriptProtocol;

/// The curve types this crate's API uses (curve25519-dalek 4).
pub use curve25519_dalek::{
    constants,
    ristretto::{CompressedRistretto, RistrettoPoint},
    scalar::Scalar,
};
/// The transcript type (merlin 3).
pub use merlin::Transcript;
/// The RNG traits provers take.
pub use rand_core;
