//! Knowledge of a Pedersen opening: `C = v·G + r·H` for known `(v, r)`.
//!
//! See [`crate::notes::opening`].
//!
//! ```
//! use sanctuary_zk::{Opening, OpeningProof, OpeningStatement, PedersenGens, Transcript};
//! use sanctuary_zk::rand_core::OsRng;
//!
//! let gens = PedersenGens::standard();
//! let opening = Opening::random_u64(42, &mut OsRng);
//! let statement = OpeningStatement::new(gens.clone(), opening.commit(gens))?;
//! let proof = OpeningProof::prove(&statement, &opening, &mut Transcript::new(b"ex"), &mut OsRng)?;
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
use crate::msm::Msm;
use crate::proofs::nonce_rng;
use crate::transcript::{TranscriptProtocol, labels};

/// The statement "I can open `C` under `(G, H)`".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpeningStatement {
    gens: PedersenGens,
    commitment: Commitment,
    context: Option<Vec<u8>>,
}

impl OpeningStatement {
    context_methods!();

    /// Refuses the identity commitment.
    pub fn new(gens: PedersenGens, commitment: Commitment) -> Result<Self, ProofError> {
        if commitment.is_identity() {
            return Err(ProofError::InvalidStatement {
                reason: "identity commitment",
            });
        }
        Ok(OpeningStatement {
            gens,
            commitment,
            context: None,
        })
    }

    /// The commitment.
    pub fn commitment(&self) -> &Commitment {
        &self.commitment
    }

    fn append_to(&self, transcript: &mut Transcript) -> Result<(), ProofError> {
        transcript.proof_domain(labels::OPENING);
        self.gens.append_to(transcript);
        transcript.validate_and_append_point(labels::COMMITMENT, self.commitment.compressed())?;
        transcript.append_context(self.context.as_deref());
        Ok(())
    }
}

/// A proof of knowledge of an opening `(A, z_v, z_r)`: 98 bytes encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpeningProof {
    nonce_commitment: ProofPoint,
    value_response: Scalar,
    blinding_response: Scalar,
}

proof_encoding!(OpeningProof);

impl OpeningProof {
    /// Encoded size in bytes.
    pub const SIZE: usize = 2 + 32 * 3;

    /// Proves knowledge of `opening` for the statement's commitment.
    ///
    /// # Errors
    /// [`ProofError::WitnessMismatch`] if the opening does not open the commitment.
    pub fn prove<R: RngCore + CryptoRng>(
        statement: &OpeningStatement,
        opening: &Opening,
        transcript: &mut Transcript,
        rng: &mut R,
    ) -> Result<Self, ProofError> {
        if !opening.opens(&statement.gens, &statement.commitment) {
            return Err(ProofError::WitnessMismatch);
        }
        statement.append_to(transcript)?;
        let mut rng = nonce_rng(
            transcript,
            &[opening.value(), opening.blinding_scalar()],
            rng,
        );
        let mut k_v = random_scalar(&mut rng);
        let mut k_r = random_scalar(&mut rng);
        let nonce_commitment = ProofPoint::new(statement.gens.commit(&k_v, &k_r));
        transcript
            .validate_and_append_point(labels::NONCE_COMMITMENT, &nonce_commitment.compressed)?;
        let e = transcript.challenge_scalar(labels::CHALLENGE);
        let value_response = k_v + e * opening.value();
        let blinding_response = k_r + e * opening.blinding_scalar();
        k_v.zeroize();
        k_r.zeroize();
        transcript.append_scalar(labels::RESPONSE, &value_response);
        transcript.append_scalar(labels::RESPONSE, &blinding_response);
        Ok(OpeningProof {
            nonce_commitment,
            value_response,
            blinding_response,
        })
    }

    /// Verifies `z_v·G + z_r·H = A + e·C`.
    pub fn verify(
        &self,
        statement: &OpeningStatement,
        transcript: &mut Transcript,
    ) -> Result<(), ProofError> {
        statement.append_to(transcript)?;
        transcript.validate_and_append_point(
            labels::NONCE_COMMITMENT,
            &self.nonce_commitment.compressed,
        )?;
        let e = transcript.challenge_scalar(labels::CHALLENGE);
        transcript.append_scalar(labels::RESPONSE, &self.value_response);
        transcript.append_scalar(labels::RESPONSE, &self.blinding_response);
        let mut msm = Msm::with_capacity(4);
        msm.gens(&statement.gens, self.value_response, self.blinding_response);
        msm.point(-e, *statement.commitment.point());
        msm.point(-Scalar::ONE, self.nonce_commitment.point);
        msm.check()
    }

    fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new(Kind::Opening, 96);
        w.point(&self.nonce_commitment);
        w.scalar(&self.value_response);
        w.scalar(&self.blinding_response);
        w.finish()
    }

    fn decode(bytes: &[u8]) -> Result<Self, ProofError> {
        let mut r = Reader::new(bytes, Kind::Opening)?;
        let nonce_commitment = r.point()?;
        let value_response = r.scalar()?;
        let blinding_response = r.scalar()?;
        r.finish()?;
        Ok(OpeningProof {
            nonce_commitment,
            value_response,
            blinding_response,
        })
    }
}
