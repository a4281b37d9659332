//! A 1-of-n OR proof (Cramer–Damgård–Schoenmakers) over discrete-log statements: "I know `x`
//! with `Pⱼ = x·Bⱼ` for **one** `j`", without saying which.
//!
//! See [`crate::notes::or`].
//!
//! ```
//! use sanctuary_zk::{DlogWitness, OrProof, OrStatement, RistrettoPoint, Transcript};
//! use sanctuary_zk::constants::RISTRETTO_BASEPOINT_POINT as G;
//! use sanctuary_zk::rand_core::OsRng;
//!
//! // "I hold one of these three keys."
//! let mine = DlogWitness::random(&mut OsRng);
//! let others = [RistrettoPoint::random(&mut OsRng), RistrettoPoint::random(&mut OsRng)];
//! let statement = OrStatement::new(vec![(G, others[0]), (G, mine.public_for_basepoint()), (G, others[1])])?;
//! let proof = OrProof::prove(&statement, 1, &mine, &mut Transcript::new(b"ex"), &mut OsRng)?;
//! proof.verify(&statement, &mut Transcript::new(b"ex"))?;
//! # Ok::<(), sanctuary_zk::ProofError>(())
//! ```

use curve25519_dalek::constants::RISTRETTO_BASEPOINT_POINT;
use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use merlin::Transcript;
use rand_core::{CryptoRng, RngCore};
use subtle::{ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroize;

use crate::commitment::random_scalar;
use crate::encoding::{Kind, ProofPoint, Reader, Writer, proof_encoding};
use crate::errors::ProofError;
use crate::msm::{Msm, batch_weights_vec};
use crate::proofs::dlog::DlogWitness;
use crate::proofs::{Element, append_nonces, check_count, mul_point, nonce_rng};
use crate::transcript::{TranscriptProtocol, labels};

/// The most branches an OR statement may have.
pub const MAX_BRANCHES: usize = 64;

/// The statement "I know the discrete log of one `Pⱼ` to its base `Bⱼ`".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrStatement {
    branches: Vec<(Element, Element)>,
    context: Option<Vec<u8>>,
}

impl OrStatement {
    context_methods!();

    /// `branches` are `(Bⱼ, Pⱼ)` pairs: between 2 and [`MAX_BRANCHES`], no identity point.
    pub fn new(branches: Vec<(RistrettoPoint, RistrettoPoint)>) -> Result<Self, ProofError> {
        if branches.len() < 2 || branches.len() > MAX_BRANCHES {
            return Err(ProofError::InvalidStatement {
                reason: "an OR statement needs between 2 and 64 branches",
            });
        }
        let branches = branches
            .into_iter()
            .map(|(base, public)| {
                Ok((
                    Element::non_identity(base, "identity base")?,
                    Element::non_identity(public, "identity public point")?,
                ))
            })
            .collect::<Result<_, ProofError>>()?;
        Ok(OrStatement {
            branches,
            context: None,
        })
    }

    /// The number of branches.
    pub fn len(&self) -> usize {
        self.branches.len()
    }

    /// Always false: a statement has at least two branches.
    pub fn is_empty(&self) -> bool {
        self.branches.is_empty()
    }

    /// The `(Bⱼ, Pⱼ)` branches.
    pub fn branches(&self) -> Vec<(RistrettoPoint, RistrettoPoint)> {
        self.branches
            .iter()
            .map(|(b, p)| (b.point, p.point))
            .collect()
    }

    fn append_to(&self, transcript: &mut Transcript) -> Result<(), ProofError> {
        transcript.proof_domain(labels::OR);
        transcript.append_u64(labels::COUNT, self.branches.len() as u64);
        for (base, public) in &self.branches {
            transcript.validate_and_append_point(labels::BASE, &base.compressed)?;
            transcript.validate_and_append_point(labels::PUBLIC, &public.compressed)?;
        }
        transcript.append_context(self.context.as_deref());
        Ok(())
    }
}

/// A proof `(Aⱼ, cⱼ, sⱼ)` per branch, the last challenge share implied: `3 + 96·n − 32` bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrProof {
    nonces: Vec<ProofPoint>,
    /// Challenge shares of every branch but the last (which is `e − Σ` of these).
    challenges: Vec<Scalar>,
    responses: Vec<Scalar>,
}

proof_encoding!(OrProof);

impl OrProof {
    /// Proves knowledge of the secret of branch `index`.
    ///
    /// The branch index is secret: the prover computes every branch the same way and picks
    /// the real one with constant-time selection.
    ///
    /// # Errors
    /// [`ProofError::WitnessMismatch`] if `index` is out of range or `x·B_index ≠ P_index`.
    pub fn prove<R: RngCore + CryptoRng>(
        statement: &OrStatement,
        index: usize,
        witness: &DlogWitness,
        transcript: &mut Transcript,
        rng: &mut R,
    ) -> Result<Self, ProofError> {
        let n = statement.branches.len();
        let (real_base, real_public) = statement
            .branches
            .get(index)
            .ok_or(ProofError::WitnessMismatch)?;
        if witness.public_for(&real_base.point) != real_public.point {
            return Err(ProofError::WitnessMismatch);
        }
        statement.append_to(transcript)?;
        let index_scalar = Scalar::from(index as u64);
        let mut rng = nonce_rng(transcript, &[witness.scalar(), &index_scalar], rng);
        let mut k = random_scalar(&mut rng);
        // Every branch draws a simulated challenge and response; the real branch's are
        // replaced after the challenge.
        let mut challenges: Vec<Scalar> = (0..n).map(|_| random_scalar(&mut rng)).collect();
        let mut responses: Vec<Scalar> = (0..n).map(|_| random_scalar(&mut rng)).collect();
        let mut nonces = Vec::with_capacity(n);
        for (j, ((base, public), (c, s))) in statement
            .branches
            .iter()
            .zip(challenges.iter().zip(&responses))
            .enumerate()
        {
            let simulated = mul_point(s, &base.point) - mul_point(c, &public.point);
            let real = mul_point(&k, &base.point);
            let is_real = (j as u64).ct_eq(&(index as u64));
            nonces.push(ProofPoint::new(RistrettoPoint::conditional_select(
                &simulated, &real, is_real,
            )));
        }
        append_nonces(transcript, &nonces)?;
        let e = transcript.challenge_scalar(labels::CHALLENGE);
        // c_real = e − Σ_{j≠real} c_j, computed without branching on the index.
        let mut others = Scalar::ZERO;
        for (j, c) in challenges.iter().enumerate() {
            let is_real = (j as u64).ct_eq(&(index as u64));
            others += Scalar::conditional_select(c, &Scalar::ZERO, is_real);
        }
        let real_challenge = e - others;
        let real_response = k + real_challenge * witness.scalar();
        for (j, (c, s)) in challenges.iter_mut().zip(responses.iter_mut()).enumerate() {
            let is_real = (j as u64).ct_eq(&(index as u64));
            c.conditional_assign(&real_challenge, is_real);
            s.conditional_assign(&real_response, is_real);
        }
        k.zeroize();
        // The last share is implied by the others.
        challenges.truncate(n - 1);
        let proof = OrProof {
            nonces,
            challenges,
            responses,
        };
        proof.append_responses(transcript);
        Ok(proof)
    }

    fn append_responses(&self, transcript: &mut Transcript) {
        for c in &self.challenges {
            transcript.append_scalar(labels::CHALLENGE_SHARE, c);
        }
        for s in &self.responses {
            transcript.append_scalar(labels::RESPONSE, s);
        }
    }

    /// Verifies `sⱼ·Bⱼ = Aⱼ + cⱼ·Pⱼ` for every branch, with `Σ cⱼ = e`, in one weighted
    /// multiscalar multiplication.
    pub fn verify(
        &self,
        statement: &OrStatement,
        transcript: &mut Transcript,
    ) -> Result<(), ProofError> {
        let n = statement.branches.len();
        check_count("branches", n, self.nonces.len())?;
        statement.append_to(transcript)?;
        append_nonces(transcript, &self.nonces)?;
        let e = transcript.challenge_scalar(labels::CHALLENGE);
        self.append_responses(transcript);
        let last = e - self.challenges.iter().sum::<Scalar>();
        let weights = batch_weights_vec(transcript, n);
        let mut msm = Msm::with_capacity(3 * n);
        for ((((base, public), nonce), (c, s)), w) in statement
            .branches
            .iter()
            .zip(&self.nonces)
            .zip(self.challenges.iter().chain([&last]).zip(&self.responses))
            .zip(&weights)
        {
            if base.point == RISTRETTO_BASEPOINT_POINT {
                msm.basepoint(w * s);
            } else {
                msm.point(w * s, base.point);
            }
            msm.point(-(w * c), public.point);
            msm.point(-w, nonce.point);
        }
        msm.check()
    }

    fn encode(&self) -> Vec<u8> {
        let n = self.nonces.len();
        let mut w = Writer::new(Kind::Or, 1 + 96 * n);
        // n ≤ MAX_BRANCHES (64) by construction.
        w.u8(u8::try_from(n).unwrap_or(u8::MAX));
        for nonce in &self.nonces {
            w.point(nonce);
        }
        for scalar in self.challenges.iter().chain(&self.responses) {
            w.scalar(scalar);
        }
        w.finish()
    }

    fn decode(bytes: &[u8]) -> Result<Self, ProofError> {
        let mut r = Reader::new(bytes, Kind::Or)?;
        let n = r.count(2, MAX_BRANCHES, "branch count out of range")?;
        let proof = OrProof {
            nonces: r.points(n)?,
            challenges: r.scalars(n - 1)?,
            responses: r.scalars(n)?,
        };
        r.finish()?;
        Ok(proof)
    }
}
