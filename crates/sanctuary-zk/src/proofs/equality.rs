//! Equality of committed values: `C₁ = v·G₁ + r₁·H₁` and `C₂ = v·G₂ + r₂·H₂` hold the same
//! `v`, possibly under different generator pairs.
//!
//! See [`crate::notes::equality`].
//!
//! ```
//! use sanctuary_zk::{EqualityProof, EqualityStatement, Opening, PedersenGens, Transcript};
//! use sanctuary_zk::rand_core::OsRng;
//!
//! let ours = PedersenGens::standard();
//! let theirs = PedersenGens::from_label(b"peer ledger");
//! let a = Opening::random_u64(300, &mut OsRng);
//! let b = Opening::random_u64(300, &mut OsRng);
//! let statement = EqualityStatement::new(ours.clone(), a.commit(ours), theirs.clone(), b.commit(&theirs))?;
//! let proof = EqualityProof::prove(&statement, &a, &b, &mut Transcript::new(b"ex"), &mut OsRng)?;
//! proof.verify(&statement, &mut Transcript::new(b"ex"))?;
//! # Ok::<(), sanctuary_zk::ProofError>(())
//! ```

use curve25519_dalek::scalar::Scalar;
use merlin::Transcript;
use rand_core::{CryptoRng, RngCore};
use zeroize::Zeroize;

use crate::commitment::{Commitment, Opening, random_scalar};
use crate::encoding::{Kind, ProofPoint, Reader, Writer, proof_encoding};
use crate::errors::ProofError;
use crate::generators::PedersenGens;
use crate::msm::{Msm, batch_weights};
use crate::proofs::{append_nonces, nonce_rng};
use crate::transcript::{TranscriptProtocol, labels};

/// The statement "`C₁` under `(G₁, H₁)` and `C₂` under `(G₂, H₂)` commit to the same value".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EqualityStatement {
    first_gens: PedersenGens,
    first: Commitment,
    second_gens: PedersenGens,
    second: Commitment,
    context: Option<Vec<u8>>,
}

impl EqualityStatement {
    context_methods!();

    /// Refuses identity commitments.
    pub fn new(
        first_gens: PedersenGens,
        first: Commitment,
        second_gens: PedersenGens,
        second: Commitment,
    ) -> Result<Self, ProofError> {
        if first.is_identity() || second.is_identity() {
            return Err(ProofError::InvalidStatement {
                reason: "identity commitment",
            });
        }
        Ok(EqualityStatement {
            first_gens,
            first,
            second_gens,
            second,
            context: None,
        })
    }

    /// Both commitments under the standard generators.
    pub fn standard(first: Commitment, second: Commitment) -> Result<Self, ProofError> {
        let gens = PedersenGens::standard();
        Self::new(gens.clone(), first, gens.clone(), second)
    }

    /// The first generator pair and commitment.
    pub fn first(&self) -> (&PedersenGens, &Commitment) {
        (&self.first_gens, &self.first)
    }

    /// The second generator pair and commitment.
    pub fn second(&self) -> (&PedersenGens, &Commitment) {
        (&self.second_gens, &self.second)
    }

    fn append_to(&self, transcript: &mut Transcript) -> Result<(), ProofError> {
        transcript.proof_domain(labels::EQUALITY);
        self.first_gens.append_to(transcript);
        transcript.validate_and_append_point(labels::COMMITMENT, self.first.compressed())?;
        self.second_gens.append_to(transcript);
        transcript.validate_and_append_point(labels::COMMITMENT, self.second.compressed())?;
        transcript.append_context(self.context.as_deref());
        Ok(())
    }
}

/// A proof `(A₁, A₂, z_v, z₁, z₂)`: 162 bytes encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EqualityProof {
    first_nonce: ProofPoint,
    second_nonce: ProofPoint,
    value_response: Scalar,
    first_blinding_response: Scalar,
    second_blinding_response: Scalar,
}

proof_encoding!(EqualityProof);

impl EqualityProof {
    /// Encoded size in bytes.
    pub const SIZE: usize = 2 + 32 * 5;

    /// Proves that both openings hold the same value.
    ///
    /// # Errors
    /// [`ProofError::WitnessMismatch`] if an opening does not open its commitment or the values
    /// differ.
    pub fn prove<R: RngCore + CryptoRng>(
        statement: &EqualityStatement,
        first: &Opening,
        second: &Opening,
        transcript: &mut Transcript,
        rng: &mut R,
    ) -> Result<Self, ProofError> {
        if !first.opens(&statement.first_gens, &statement.first)
            || !second.opens(&statement.second_gens, &statement.second)
            || first.value() != second.value()
        {
            return Err(ProofError::WitnessMismatch);
        }
        statement.append_to(transcript)?;
        let mut rng = nonce_rng(
            transcript,
            &[
                first.value(),
                first.blinding_scalar(),
                second.blinding_scalar(),
            ],
            rng,
        );
        let mut k_v = random_scalar(&mut rng);
        let mut k_1 = random_scalar(&mut rng);
        let mut k_2 = random_scalar(&mut rng);
        let first_nonce = ProofPoint::new(statement.first_gens.commit(&k_v, &k_1));
        let second_nonce = ProofPoint::new(statement.second_gens.commit(&k_v, &k_2));
        append_nonces(transcript, &[first_nonce, second_nonce])?;
        let e = transcript.challenge_scalar(labels::CHALLENGE);
        let proof = EqualityProof {
            first_nonce,
            second_nonce,
            value_response: k_v + e * first.value(),
            first_blinding_response: k_1 + e * first.blinding_scalar(),
            second_blinding_response: k_2 + e * second.blinding_scalar(),
        };
        k_v.zeroize();
        k_1.zeroize();
        k_2.zeroize();
        proof.append_responses(transcript);
        Ok(proof)
    }

    fn append_responses(&self, transcript: &mut Transcript) {
        transcript.append_scalar(labels::RESPONSE, &self.value_response);
        transcript.append_scalar(labels::RESPONSE, &self.first_blinding_response);
        transcript.append_scalar(labels::RESPONSE, &self.second_blinding_response);
    }

    /// Verifies `z_v·G₁ + z₁·H₁ = A₁ + e·C₁` and `z_v·G₂ + z₂·H₂ = A₂ + e·C₂` in one
    /// weighted multiscalar multiplication.
    pub fn verify(
        &self,
        statement: &EqualityStatement,
        transcript: &mut Transcript,
    ) -> Result<(), ProofError> {
        statement.append_to(transcript)?;
        append_nonces(transcript, &[self.first_nonce, self.second_nonce])?;
        let e = transcript.challenge_scalar(labels::CHALLENGE);
        self.append_responses(transcript);
        let [w1, w2] = batch_weights::<2>(transcript);
        let mut msm = Msm::with_capacity(8);
        msm.gens(
            &statement.first_gens,
            w1 * self.value_response,
            w1 * self.first_blinding_response,
        );
        msm.point(-(w1 * e), *statement.first.point());
        msm.point(-w1, self.first_nonce.point);
        msm.gens(
            &statement.second_gens,
            w2 * self.value_response,
            w2 * self.second_blinding_response,
        );
        msm.point(-(w2 * e), *statement.second.point());
        msm.point(-w2, self.second_nonce.point);
        msm.check()
    }

    fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new(Kind::Equality, 160);
        w.point(&self.first_nonce);
        w.point(&self.second_nonce);
        w.scalar(&self.value_response);
        w.scalar(&self.first_blinding_response);
        w.scalar(&self.second_blinding_response);
        w.finish()
    }

    fn decode(bytes: &[u8]) -> Result<Self, ProofError> {
        let mut r = Reader::new(bytes, Kind::Equality)?;
        let proof = EqualityProof {
            first_nonce: r.point()?,
            second_nonce: r.point()?,
            value_response: r.scalar()?,
            first_blinding_response: r.scalar()?,
            second_blinding_response: r.scalar()?,
        };
        r.finish()?;
        Ok(proof)
    }
}
