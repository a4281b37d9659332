//! The proofs. Each has a statement type (public, bound to an optional context), a proof type
//! with `prove`, `verify`, `to_bytes`, `from_bytes` and serde, and where needed a witness type
//! that zeroizes.

pub mod dlog;
pub mod equality;
pub mod linear;
pub mod opening;
pub mod or;
pub mod range;

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use merlin::{Transcript, TranscriptRng};
use rand_core::{CryptoRng, RngCore};

use crate::encoding::ProofPoint;
use crate::errors::ProofError;
use crate::transcript::labels;

/// A statement point: compressed for the transcript, decompressed for arithmetic.
pub(crate) type Element = ProofPoint;

impl ProofPoint {
    /// Wraps a point, refusing the identity.
    pub(crate) fn non_identity(
        point: RistrettoPoint,
        reason: &'static str,
    ) -> Result<Self, ProofError> {
        let element = ProofPoint::new(point);
        if element.compressed.as_bytes() == &[0u8; 32] {
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
