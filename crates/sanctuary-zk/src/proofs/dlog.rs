//! Knowledge of a discrete logarithm (Schnorr): `P = x·B` for a public base `B`.
//!
//! See [`crate::notes::dlog`] for the protocol and its security argument.
//!
//! ```
//! use sanctuary_zk::{DlogProof, DlogStatement, DlogWitness, Transcript};
//! use sanctuary_zk::rand_core::OsRng;
//!
//! let secret = DlogWitness::random(&mut OsRng);
//! let statement = DlogStatement::basepoint(secret.public_for_basepoint())?
//!     .with_context(b"session-42".to_vec());
//! let proof = DlogProof::prove(&statement, &secret, &mut Transcript::new(b"example"), &mut OsRng)?;
//! proof.verify(&statement, &mut Transcript::new(b"example"))?;
//! // The same proof in another session fails.
//! let other = statement.clone().with_context(b"session-43".to_vec());
//! assert!(proof.verify(&other, &mut Transcript::new(b"example")).is_err());
//! # Ok::<(), sanctuary_zk::ProofError>(())
//! ```

use std::fmt;

use curve25519_dalek::constants::{RISTRETTO_BASEPOINT_POINT, RISTRETTO_BASEPOINT_TABLE};
use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use merlin::Transcript;
use rand_core::{CryptoRng, RngCore};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::commitment::random_scalar;
use crate::encoding::{Kind, ProofPoint, Reader, Writer, proof_encoding};
use crate::errors::ProofError;
use crate::msm::Msm;
use crate::proofs::{Element, mul_point, nonce_rng};
use crate::transcript::{TranscriptProtocol, labels};

/// The statement "I know `x` with `P = x·B`", with an optional context it is bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DlogStatement {
    base: Element,
    public: Element,
    context: Option<Vec<u8>>,
}

impl DlogStatement {
    context_methods!();

    /// A statement over any base. Refuses the identity as base or public point.
    pub fn new(base: RistrettoPoint, public: RistrettoPoint) -> Result<Self, ProofError> {
        Ok(DlogStatement {
            base: Element::non_identity(base, "identity base")?,
            public: Element::non_identity(public, "identity public point")?,
            context: None,
        })
    }

    /// A statement over the standard basepoint `G` (a public key `P = x·G`).
    pub fn basepoint(public: RistrettoPoint) -> Result<Self, ProofError> {
        Self::new(RISTRETTO_BASEPOINT_POINT, public)
    }

    /// The base `B`.
    pub fn base(&self) -> &RistrettoPoint {
        &self.base.point
    }

    /// The public point `P`.
    pub fn public(&self) -> &RistrettoPoint {
        &self.public.point
    }

    fn append_to(&self, transcript: &mut Transcript) -> Result<(), ProofError> {
        transcript.proof_domain(labels::DLOG);
        transcript.validate_and_append_point(labels::BASE, &self.base.compressed)?;
        transcript.validate_and_append_point(labels::PUBLIC, &self.public.compressed)?;
        transcript.append_context(self.context.as_deref());
        Ok(())
    }

    fn base_is_g(&self) -> bool {
        self.base.point == RISTRETTO_BASEPOINT_POINT
    }

    /// `scalar·B` in constant time.
    pub(crate) fn mul_base(&self, scalar: &Scalar) -> RistrettoPoint {
        mul_point(scalar, &self.base.point)
    }
}

/// The secret `x`, with its public point `x·G` (computed once, as a signing key keeps its
/// verifying key). The secret is zeroized on drop; `Debug` prints `[redacted]`.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DlogWitness {
    secret: Scalar,
    #[zeroize(skip)]
    public_for_g: RistrettoPoint,
}

impl fmt::Debug for DlogWitness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DlogWitness([redacted])")
    }
}

impl DlogWitness {
    /// Wraps a secret scalar.
    pub fn new(secret: Scalar) -> Self {
        DlogWitness {
            public_for_g: &secret * RISTRETTO_BASEPOINT_TABLE,
            secret,
        }
    }

    /// A uniformly random nonzero secret.
    pub fn random<R: RngCore + CryptoRng + ?Sized>(rng: &mut R) -> Self {
        loop {
            let x = random_scalar(rng);
            if x != Scalar::ZERO {
                return DlogWitness::new(x);
            }
        }
    }

    /// `x·G` for the standard basepoint.
    pub fn public_for_basepoint(&self) -> RistrettoPoint {
        self.public_for_g
    }

    /// `x·B` (constant time; free for the basepoint).
    pub fn public_for(&self, base: &RistrettoPoint) -> RistrettoPoint {
        if *base == RISTRETTO_BASEPOINT_POINT {
            self.public_for_g
        } else {
            self.secret * base
        }
    }

    pub(crate) fn scalar(&self) -> &Scalar {
        &self.secret
    }
}

/// A Schnorr proof `(R, s)`: 66 bytes encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DlogProof {
    nonce_commitment: ProofPoint,
    response: Scalar,
}

proof_encoding!(DlogProof);

impl DlogProof {
    /// Encoded size in bytes.
    pub const SIZE: usize = 2 + 32 + 32;

    /// Proves knowledge of `x` with `P = x·B`.
    ///
    /// # Errors
    /// [`ProofError::WitnessMismatch`] if `x·B ≠ P`.
    pub fn prove<R: RngCore + CryptoRng>(
        statement: &DlogStatement,
        witness: &DlogWitness,
        transcript: &mut Transcript,
        rng: &mut R,
    ) -> Result<Self, ProofError> {
        if witness.public_for(&statement.base.point) != statement.public.point {
            return Err(ProofError::WitnessMismatch);
        }
        statement.append_to(transcript)?;
        let mut rng = nonce_rng(transcript, &[witness.scalar()], rng);
        let mut k = random_scalar(&mut rng);
        let nonce_commitment = ProofPoint::new(statement.mul_base(&k));
        transcript
            .validate_and_append_point(labels::NONCE_COMMITMENT, &nonce_commitment.compressed)?;
        let e = transcript.challenge_scalar(labels::CHALLENGE);
        let response = k + e * witness.scalar();
        k.zeroize();
        transcript.append_scalar(labels::RESPONSE, &response);
        Ok(DlogProof {
            nonce_commitment,
            response,
        })
    }

    /// Verifies the proof: `s·B = R + e·P`.
    pub fn verify(
        &self,
        statement: &DlogStatement,
        transcript: &mut Transcript,
    ) -> Result<(), ProofError> {
        statement.append_to(transcript)?;
        transcript.validate_and_append_point(
            labels::NONCE_COMMITMENT,
            &self.nonce_commitment.compressed,
        )?;
        let e = transcript.challenge_scalar(labels::CHALLENGE);
        transcript.append_scalar(labels::RESPONSE, &self.response);
        if statement.base_is_g() {
            // s·G − e·P with the precomputed basepoint table, compared with R.
            let expected = RistrettoPoint::vartime_double_scalar_mul_basepoint(
                &-e,
                &statement.public.point,
                &self.response,
            );
            return if expected == self.nonce_commitment.point {
                Ok(())
            } else {
                Err(ProofError::VerificationFailed)
            };
        }
        let mut msm = Msm::with_capacity(3);
        msm.point(self.response, statement.base.point);
        msm.point(-e, statement.public.point);
        msm.point(-Scalar::ONE, self.nonce_commitment.point);
        msm.check()
    }

    fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new(Kind::Dlog, 64);
        w.point(&self.nonce_commitment);
        w.scalar(&self.response);
        w.finish()
    }

    fn decode(bytes: &[u8]) -> Result<Self, ProofError> {
        let mut r = Reader::new(bytes, Kind::Dlog)?;
        let nonce_commitment = r.point()?;
        let response = r.scalar()?;
        r.finish()?;
        Ok(DlogProof {
            nonce_commitment,
            response,
        })
    }
}
