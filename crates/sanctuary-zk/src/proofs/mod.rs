//! The proofs. Each has a statement type (public, bound to an optional context), a proof type
//! with `prove`, `verify`, `to_bytes`, `from_bytes` and serde, and where needed a witness type
//! that zeroizes.

/// `with_context` and `context` for a statement type with a `context: Option<Vec<u8>>` field.
macro_rules! context_methods {
    () => {
        /// Binds the statement to a caller context (a session id, a request digest…): the
        /// proof then verifies only under the same context. "No context" and an empty context
        /// are different.
        #[must_use]
        pub fn with_context(mut self, context: Vec<u8>) -> Self {
            self.context = Some(context);
            self
        }

        /// The context, if any.
        pub fn context(&self) -> Option<&[u8]> {
            self.context.as_deref()
        }
    };
}

pub mod dlog;
pub mod equality;
pub mod linear;
pub mod opening;
pub mod or;
pub mod range;

use curve25519_dalek::constants::{RISTRETTO_BASEPOINT_POINT, RISTRETTO_BASEPOINT_TABLE};
use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use merlin::{Transcript, TranscriptRng};
use rand_core::{CryptoRng, RngCore};

use crate::encoding::ProofPoint;
use crate::errors::ProofError;
use crate::transcript::{TranscriptProtocol, labels};

/// A statement point: compressed for the transcript, decompressed for arithmetic.
pub(crate) type Element = ProofPoint;

impl ProofPoint {
    /// Wraps a point, refusing the identity.
    pub(crate) fn non_identity(
        point: RistrettoPoint,
        reason: &'static str,
    ) -> Result<Self, ProofError> {
        let element = ProofPoint::new(point);
        if crate::encoding::is_identity_encoding(&element.compressed) {
            return Err(ProofError::InvalidStatement { reason });
        }
        Ok(element)
    }
}

/// The prover's randomness: the caller's CSPRNG rekeyed with the transcript state and the
/// witness (hedged, as in merlin's design). A weak caller RNG alone then cannot leak the
/// witness through repeated nonces.
pub(crate) fn nonce_rng<R: RngCore + CryptoRng>(
    transcript: &Transcript,
    witness: &[&Scalar],
    rng: &mut R,
) -> TranscriptRng {
    let mut builder = transcript.build_rng();
    for secret in witness {
        builder = builder.rekey_with_witness_bytes(labels::WITNESS, secret.as_bytes());
    }
    builder.finalize(rng)
}

/// Constant-time `scalar·point`, with the precomputed table when the point is the basepoint.
pub(crate) fn mul_point(scalar: &Scalar, point: &RistrettoPoint) -> RistrettoPoint {
    if *point == RISTRETTO_BASEPOINT_POINT {
        scalar * RISTRETTO_BASEPOINT_TABLE
    } else {
        scalar * point
    }
}

/// Refuses a proof (or witness list) whose element count differs from the statement's.
pub(crate) fn check_count(
    what: &'static str,
    expected: usize,
    found: usize,
) -> Result<(), ProofError> {
    if expected == found {
        Ok(())
    } else {
        Err(ProofError::SizeMismatch {
            what,
            expected,
            found,
        })
    }
}

/// Appends the prover's first-round commitments, refusing the identity.
pub(crate) fn append_nonces(
    transcript: &mut Transcript,
    nonces: &[ProofPoint],
) -> Result<(), ProofError> {
    for nonce in nonces {
        transcript.validate_and_append_point(labels::NONCE_COMMITMENT, &nonce.compressed)?;
    }
    Ok(())
}
