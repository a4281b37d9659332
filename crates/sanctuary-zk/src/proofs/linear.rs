//! A linear relation between committed values: `Σ aᵢ·vᵢ = c` for commitments
//! `Cᵢ = vᵢ·G + rᵢ·H`, public coefficients `aᵢ` and a public constant `c`.
//!
//! The proof is a proof of knowledge of every opening `(vᵢ, rᵢ)` whose values satisfy the
//! relation, not merely a proof that `Σ aᵢ·Cᵢ − c·G` is a multiple of `H`. See
//! [`crate::notes::linear`].
//!
//! ```
//! use sanctuary_zk::{LinearProof, LinearStatement, Opening, PedersenGens, Scalar, Transcript};
//! use sanctuary_zk::rand_core::OsRng;
//!
//! // "price + fee = 120" without revealing either.
//! let gens = PedersenGens::standard();
//! let price = Opening::random_u64(100, &mut OsRng);
//! let fee = Opening::random_u64(20, &mut OsRng);
//! let statement = LinearStatement::new(
//!     gens.clone(),
//!     vec![(Scalar::ONE, price.commit(gens)), (Scalar::ONE, fee.commit(gens))],
//!     Scalar::from(120u64),
//! )?;
//! let proof = LinearProof::prove(&statement, &[price, fee], &mut Transcript::new(b"ex"), &mut OsRng)?;
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
use crate::msm::{Msm, batch_weights_vec};
use crate::proofs::{append_nonces, check_count, nonce_rng};
use crate::transcript::{TranscriptProtocol, labels};

/// The most terms a linear relation may have.
pub const MAX_TERMS: usize = 64;

/// The statement "the openings of these commitments satisfy `Σ aᵢ·vᵢ = c`".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinearStatement {
    gens: PedersenGens,
    terms: Vec<(Scalar, Commitment)>,
    constant: Scalar,
    context: Option<Vec<u8>>,
}

impl LinearStatement {
    context_methods!();

    /// `terms` are `(aᵢ, Cᵢ)` pairs: between 1 and [`MAX_TERMS`], at least one nonzero
    /// coefficient, no identity commitment.
    pub fn new(
        gens: PedersenGens,
        terms: Vec<(Scalar, Commitment)>,
        constant: Scalar,
    ) -> Result<Self, ProofError> {
        if terms.is_empty() || terms.len() > MAX_TERMS {
            return Err(ProofError::InvalidStatement {
                reason: "a linear relation needs between 1 and 64 terms",
            });
        }
        if terms.iter().all(|(a, _)| *a == Scalar::ZERO) {
            return Err(ProofError::InvalidStatement {
                reason: "every coefficient is zero",
            });
        }
        if terms.iter().any(|(_, c)| c.is_identity()) {
            return Err(ProofError::InvalidStatement {
                reason: "identity commitment",
            });
        }
        Ok(LinearStatement {
            gens,
            terms,
            constant,
            context: None,
        })
    }

    /// The `(aᵢ, Cᵢ)` terms.
    pub fn terms(&self) -> &[(Scalar, Commitment)] {
        &self.terms
    }

    /// The constant `c`.
    pub fn constant(&self) -> &Scalar {
        &self.constant
    }

    fn append_to(&self, transcript: &mut Transcript) -> Result<(), ProofError> {
        transcript.proof_domain(labels::LINEAR);
        self.gens.append_to(transcript);
        transcript.append_u64(labels::COUNT, self.terms.len() as u64);
        for (coefficient, commitment) in &self.terms {
            transcript.append_scalar(labels::COEFFICIENT, coefficient);
            transcript.validate_and_append_point(labels::COMMITMENT, commitment.compressed())?;
        }
        transcript.append_scalar(labels::CONSTANT, &self.constant);
        transcript.append_context(self.context.as_deref());
        Ok(())
    }
}

/// A proof `(Aᵢ, z_vᵢ, z_rᵢ)` per term: `3 + 96·n` bytes encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinearProof {
    nonces: Vec<ProofPoint>,
    value_responses: Vec<Scalar>,
    blinding_responses: Vec<Scalar>,
}

proof_encoding!(LinearProof);

impl LinearProof {
    /// Proves the relation for `openings`, one per term in order.
    ///
    /// # Errors
    /// [`ProofError::SizeMismatch`] for the wrong number of openings;
    /// [`ProofError::WitnessMismatch`] if an opening does not open its commitment or the
    /// values do not satisfy the relation.
    pub fn prove<R: RngCore + CryptoRng>(
        statement: &LinearStatement,
        openings: &[Opening],
        transcript: &mut Transcript,
        rng: &mut R,
    ) -> Result<Self, ProofError> {
        let n = statement.terms.len();
        check_count("terms", n, openings.len())?;
        let mut sum = Scalar::ZERO;
        for ((a, commitment), opening) in statement.terms.iter().zip(openings) {
            if !opening.opens(&statement.gens, commitment) {
                return Err(ProofError::WitnessMismatch);
            }
            sum += a * opening.value();
        }
        if sum != statement.constant {
            return Err(ProofError::WitnessMismatch);
        }
        // The pivot: a term with a nonzero coefficient, whose value nonce makes Σ aᵢ·kᵢ = 0.
        let (pivot, pivot_coefficient) = statement
            .terms
            .iter()
            .enumerate()
            .find(|(_, (a, _))| *a != Scalar::ZERO)
            .map(|(i, (a, _))| (i, *a))
            .ok_or(ProofError::InvalidStatement {
                reason: "every coefficient is zero",
            })?;

        statement.append_to(transcript)?;
        let secrets: Vec<&Scalar> = openings
            .iter()
            .flat_map(|o| [o.value(), o.blinding_scalar()])
            .collect();
        let mut rng = nonce_rng(transcript, &secrets, rng);
        let mut value_nonces: Vec<Scalar> = (0..n).map(|_| random_scalar(&mut rng)).collect();
        let mut blinding_nonces: Vec<Scalar> = (0..n).map(|_| random_scalar(&mut rng)).collect();
        let mut rest = Scalar::ZERO;
        for (i, ((a, _), k)) in statement.terms.iter().zip(&value_nonces).enumerate() {
            if i != pivot {
                rest += a * k;
            }
        }
        if let Some(k) = value_nonces.get_mut(pivot) {
            *k = -(rest * pivot_coefficient.invert());
        }
        let nonces: Vec<ProofPoint> = value_nonces
            .iter()
            .zip(&blinding_nonces)
            .map(|(k_v, k_r)| ProofPoint::new(statement.gens.commit(k_v, k_r)))
            .collect();
        append_nonces(transcript, &nonces)?;
        let e = transcript.challenge_scalar(labels::CHALLENGE);
        let value_responses = value_nonces
            .iter()
            .zip(openings)
            .map(|(k, o)| k + e * o.value())
            .collect();
        let blinding_responses = blinding_nonces
            .iter()
            .zip(openings)
            .map(|(k, o)| k + e * o.blinding_scalar())
            .collect();
        value_nonces.zeroize();
        blinding_nonces.zeroize();
        let proof = LinearProof {
            nonces,
            value_responses,
            blinding_responses,
        };
        proof.append_responses(transcript);
        Ok(proof)
    }

    fn append_responses(&self, transcript: &mut Transcript) {
        for (z_v, z_r) in self.value_responses.iter().zip(&self.blinding_responses) {
            transcript.append_scalar(labels::RESPONSE, z_v);
            transcript.append_scalar(labels::RESPONSE, z_r);
        }
    }

    /// Verifies `Σ aᵢ·z_vᵢ = e·c` and `z_vᵢ·G + z_rᵢ·H = Aᵢ + e·Cᵢ` for every term, the
    /// latter in one weighted multiscalar multiplication.
    pub fn verify(
        &self,
        statement: &LinearStatement,
        transcript: &mut Transcript,
    ) -> Result<(), ProofError> {
        let n = statement.terms.len();
        check_count("terms", n, self.nonces.len())?;
        statement.append_to(transcript)?;
        append_nonces(transcript, &self.nonces)?;
        let e = transcript.challenge_scalar(labels::CHALLENGE);
        self.append_responses(transcript);

        let relation: Scalar = statement
            .terms
            .iter()
            .zip(&self.value_responses)
            .map(|((a, _), z)| a * z)
            .sum();
        let relation_holds = relation == e * statement.constant;

        let weights = batch_weights_vec(transcript, n);
        let mut msm = Msm::with_capacity(2 * n + 2);
        let (mut g, mut h) = (Scalar::ZERO, Scalar::ZERO);
        for ((((_, commitment), nonce), (z_v, z_r)), w) in statement
            .terms
            .iter()
            .zip(&self.nonces)
            .zip(self.value_responses.iter().zip(&self.blinding_responses))
            .zip(&weights)
        {
            g += w * z_v;
            h += w * z_r;
            msm.point(-(w * e), *commitment.point());
            msm.point(-w, nonce.point);
        }
        msm.gens(&statement.gens, g, h);
        let equations = msm.check();
        if relation_holds {
            equations
        } else {
            Err(ProofError::VerificationFailed)
        }
    }

    fn encode(&self) -> Vec<u8> {
        let n = self.nonces.len();
        let mut w = Writer::new(Kind::Linear, 1 + 96 * n);
        // n ≤ MAX_TERMS (64) by construction.
        w.u8(u8::try_from(n).unwrap_or(u8::MAX));
        for nonce in &self.nonces {
            w.point(nonce);
        }
        for z in self.value_responses.iter().chain(&self.blinding_responses) {
            w.scalar(z);
        }
        w.finish()
    }

    fn decode(bytes: &[u8]) -> Result<Self, ProofError> {
        let mut r = Reader::new(bytes, Kind::Linear)?;
        let n = r.count(1, MAX_TERMS, "term count out of range")?;
        let proof = LinearProof {
            nonces: r.points(n)?,
            value_responses: r.scalars(n)?,
            blinding_responses: r.scalars(n)?,
        };
        r.finish()?;
        Ok(proof)
    }
}
