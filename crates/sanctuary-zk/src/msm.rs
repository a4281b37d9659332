//! The verifier's accumulator: every proof reduces to equations `Σ cᵢ·Pᵢ = 0`, which are
//! weighted, summed and checked with one variable-time multiscalar multiplication.
//!
//! Weights come from a clone of the transcript after the whole proof (statement, commitments,
//! challenge, responses) has been absorbed, so the prover cannot see them before fixing the
//! proof. If any single equation fails, the weighted sum is the identity only if the weights
//! fall on one hyperplane, which happens with probability `1/ℓ ≈ 2^-252` per try. The caller's
//! transcript itself is left as the prover left it.

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, VartimePrecomputedMultiscalarMul};
use merlin::Transcript;

use crate::errors::ProofError;
use crate::generators::{MAX_BITS, PedersenGens, small_verifier_tables, verifier_tables};
use crate::transcript::{TranscriptProtocol, labels};

pub(crate) struct Msm {
    g: Scalar,
    h: Scalar,
    bits: Vec<Scalar>,
    scalars: Vec<Scalar>,
    points: Vec<RistrettoPoint>,
}

impl Msm {
    pub(crate) fn with_capacity(dynamic: usize) -> Self {
        Msm {
            g: Scalar::ZERO,
            h: Scalar::ZERO,
            bits: Vec::new(),
            scalars: Vec::with_capacity(dynamic),
            points: Vec::with_capacity(dynamic),
        }
    }

    /// Adds `g·G + h·H` for a generator pair.
    pub(crate) fn gens(&mut self, gens: &PedersenGens, g: Scalar, h: Scalar) {
        if gens.is_standard() {
            self.g += g;
            self.h += h;
        } else {
            self.point(g, *gens.g());
            self.point(h, *gens.h());
        }
    }

    /// Adds `scalar·G` for the standard `G` (the basepoint).
    pub(crate) fn basepoint(&mut self, scalar: Scalar) {
        self.g += scalar;
    }

    /// Adds `scalar·point`.
    pub(crate) fn point(&mut self, scalar: Scalar, point: RistrettoPoint) {
        self.scalars.push(scalar);
        self.points.push(point);
    }

    /// Adds `scalars[i]·G_i` for the bit generators.
    pub(crate) fn bit_generators(&mut self, scalars: impl IntoIterator<Item = Scalar>) {
        if self.bits.is_empty() {
            self.bits = vec![Scalar::ZERO; MAX_BITS];
        }
        for (slot, scalar) in self.bits.iter_mut().zip(scalars) {
            *slot += scalar;
        }
    }

    /// Whether the accumulated combination is the identity.
    pub(crate) fn check(self) -> Result<(), ProofError> {
        let statics = [self.g, self.h];
        let dynamic_points = self.points.into_iter().map(Some);
        let sum = if self.bits.is_empty() {
            small_verifier_tables().optional_mixed_multiscalar_mul(
                statics,
                &self.scalars,
                dynamic_points,
            )
        } else {
            verifier_tables().optional_mixed_multiscalar_mul(
                statics.into_iter().chain(self.bits),
                &self.scalars,
                dynamic_points,
            )
        };
        match sum {
            Some(point) if point.is_identity() => Ok(()),
            _ => Err(ProofError::VerificationFailed),
        }
    }
}

/// `N` batch weights drawn from a clone of the transcript (see the module docs).
pub(crate) fn batch_weights<const N: usize>(transcript: &Transcript) -> [Scalar; N] {
    let mut fork = transcript.clone();
    core::array::from_fn(|_| fork.challenge_scalar(labels::BATCH_WEIGHT))
}

/// `count` batch weights drawn from a clone of the transcript (see the module docs).
pub(crate) fn batch_weights_vec(transcript: &Transcript, count: usize) -> Vec<Scalar> {
    let mut fork = transcript.clone();
    (0..count)
        .map(|_| fork.challenge_scalar(labels::BATCH_WEIGHT))
        .collect()
}
