//! Range proofs: a committed value lies in `[min, max]`, for any bounds with
//! `max − min < 2^64`, by bit decomposition.
//!
//! With `d = max − min` and `n` the bit length of `d`, the prover writes `v − min = Σ wᵢ·bᵢ`
//! with bits `bᵢ` and the weights `wᵢ = 2^i` for `i < n − 1`, `w_{n−1} = d − (2^{n−1} − 1)`.
//! Every choice of bits then sums to a number in `[0, d]` and every number in `[0, d]` has such
//! bits, so the proof is sound for bounds that are not powers of two (the first Sanctuary
//! version used `2^i` weights throughout and so let a prover reach `min + 2^n − 1 > max`).
//! Each bit gets a Groth–Kohlweiss bit proof; the bit proofs' first messages are aggregated
//! into four vector Pedersen commitments over the bit generators, and the verifier checks
//! every equation with one random-weighted multiscalar multiplication. A 64-bit proof is
//! 2,307 bytes. See [`crate::notes::range`].
//!
//! ```
//! use sanctuary_zk::{Opening, PedersenGens, RangeProof, RangeStatement, Transcript};
//! use sanctuary_zk::rand_core::OsRng;
//!
//! let gens = PedersenGens::standard();
//! let budget = Opening::random_u64(250, &mut OsRng);
//! let statement = RangeStatement::new(gens.clone(), budget.commit(gens), 100, 500)?;
//! let proof = RangeProof::prove(&statement, &budget, &mut Transcript::new(b"ex"), &mut OsRng)?;
//! proof.verify(&statement, &mut Transcript::new(b"ex"))?;
//!
//! // 600 is out of range: no proof can be made.
//! let over = Opening::random_u64(600, &mut OsRng);
//! let statement = RangeStatement::new(gens.clone(), over.commit(gens), 100, 500)?;
//! assert!(RangeProof::prove(&statement, &over, &mut Transcript::new(b"ex"), &mut OsRng).is_err());
//! # Ok::<(), sanctuary_zk::ProofError>(())
//! ```

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{Identity, MultiscalarMul};
use merlin::Transcript;
use rand_core::{CryptoRng, RngCore};
use subtle::{Choice, ConditionallySelectable};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::commitment::{Commitment, Opening, random_scalar, scalar_from_i128, scalar_to_u64};
use crate::encoding::{Kind, ProofPoint, Reader, Writer, proof_encoding};
use crate::errors::ProofError;
use crate::generators::{MAX_BITS, PedersenGens, bit_generators};
use crate::msm::{Msm, batch_weights};
use crate::proofs::{check_count, nonce_rng};
use crate::transcript::{TranscriptProtocol, labels};

/// The statement "the value inside `C` lies in `[min, max]`".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeStatement {
    gens: PedersenGens,
    commitment: Commitment,
    min: i128,
    max: i128,
    span: u64,
    context: Option<Vec<u8>>,
}

impl RangeStatement {
    context_methods!();

    /// Bounds are inclusive integers (negative bounds are fine: a value `v < 0` is committed
    /// as `ℓ − |v|`, see [`Opening::new_i64`]); `max − min` must be below `2^64`.
    ///
    /// # Errors
    /// [`ProofError::InvalidStatement`] for `max < min`, a span of `2^64` or more, or the
    /// identity commitment.
    pub fn new(
        gens: PedersenGens,
        commitment: Commitment,
        min: impl Into<i128>,
        max: impl Into<i128>,
    ) -> Result<Self, ProofError> {
        let (min, max) = (min.into(), max.into());
        if max < min {
            return Err(ProofError::InvalidStatement {
                reason: "max is below min",
            });
        }
        let span = max
            .checked_sub(min)
            .and_then(|d| u64::try_from(d).ok())
            .ok_or(ProofError::InvalidStatement {
                reason: "max − min must be below 2^64",
            })?;
        if commitment.is_identity() {
            return Err(ProofError::InvalidStatement {
                reason: "identity commitment",
            });
        }
        Ok(RangeStatement {
            gens,
            commitment,
            min,
            max,
            span,
            context: None,
        })
    }

    /// The commitment.
    pub fn commitment(&self) -> &Commitment {
        &self.commitment
    }

    /// The lower bound.
    pub fn min(&self) -> i128 {
        self.min
    }

    /// The upper bound.
    pub fn max(&self) -> i128 {
        self.max
    }

    /// The number of bits the proof decomposes into: the bit length of `max − min`.
    pub fn bits(&self) -> usize {
        (u64::BITS - self.span.leading_zeros()) as usize
    }

    /// The encoded size of a proof for this statement.
    pub fn proof_size(&self) -> usize {
        RangeProof::FIXED_SIZE + 32 * self.bits()
    }

    /// The bit weights `wᵢ`: powers of two except the top one, `d − (2^{n−1} − 1)`.
    pub fn weights(&self) -> Vec<u64> {
        span_weights(self.span)
    }

    fn append_to(&self, transcript: &mut Transcript) -> Result<(), ProofError> {
        transcript.proof_domain(labels::RANGE);
        self.gens.append_to(transcript);
        transcript.validate_and_append_point(labels::COMMITMENT, self.commitment.compressed())?;
        transcript.append_i128(labels::MIN, self.min);
        transcript.append_i128(labels::MAX, self.max);
        transcript.append_u64(labels::BITS, self.bits() as u64);
        transcript.append_message(labels::BIT_GENERATORS, labels::GENERATOR_BITS);
        transcript.append_context(self.context.as_deref());
        Ok(())
    }
}

/// Weights for a span `d`: `2^i` for `i < n − 1`, then `d − (2^{n−1} − 1)`.
fn span_weights(span: u64) -> Vec<u64> {
    let n = (u64::BITS - span.leading_zeros()) as usize;
    let mut weights: Vec<u64> = (0..n.saturating_sub(1)).map(|i| 1u64 << i).collect();
    if n > 0 {
        // n − 1 ≤ 63; 2^{n−1} ≤ span, so the subtraction cannot underflow.
        let below_top = (1u64 << (n - 1)) - 1;
        weights.push(span - below_top);
    }
    weights
}

/// Bits of `t ∈ [0, d]` under [`span_weights`], branch-free in `t`.
fn decompose(t: u64, n: usize, top_weight: u64) -> Vec<u64> {
    if n == 0 {
        return Vec::new();
    }
    let top = (t >> (n - 1)) & 1;
    let rest = t.wrapping_sub(top.wrapping_mul(top_weight));
    let mut bits: Vec<u64> = (0..n - 1).map(|i| (rest >> i) & 1).collect();
    bits.push(top);
    bits
}

/// A range proof: five points, one response per bit, three blinding responses;
/// `259 + 32·n` bytes (2,307 for 64 bits).
#[derive(Clone, PartialEq, Eq)]
pub struct RangeProof {
    bits_commitment: ProofPoint,
    mask_commitment: ProofPoint,
    cross_commitment: ProofPoint,
    square_commitment: ProofPoint,
    link_commitment: ProofPoint,
    bit_responses: Vec<Scalar>,
    mask_blinding_response: Scalar,
    square_blinding_response: Scalar,
    link_blinding_response: Scalar,
}

impl std::fmt::Debug for RangeProof {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RangeProof")
            .field("bits", &self.bit_responses.len())
            .field("size", &(Self::FIXED_SIZE + 32 * self.bit_responses.len()))
            .finish_non_exhaustive()
    }
}

proof_encoding!(RangeProof);

/// The prover's secrets for one proof, wiped on drop.
#[derive(Zeroize, ZeroizeOnDrop)]
struct Secrets {
    bits: Vec<Scalar>,
    masks: Vec<Scalar>,
    cross: Vec<Scalar>,
    squares: Vec<Scalar>,
    blindings: [Scalar; 5],
}

impl RangeProof {
    /// Encoded size without the per-bit responses.
    pub const FIXED_SIZE: usize = 2 + 1 + 5 * 32 + 3 * 32;

    /// Proves that `opening`'s value lies in the statement's range.
    ///
    /// # Errors
    /// [`ProofError::WitnessMismatch`] if the opening does not open the commitment;
    /// [`ProofError::ValueOutOfRange`] if the value is outside `[min, max]`.
    pub fn prove<R: RngCore + CryptoRng>(
        statement: &RangeStatement,
        opening: &Opening,
        transcript: &mut Transcript,
        rng: &mut R,
    ) -> Result<Self, ProofError> {
        if !opening.opens(&statement.gens, &statement.commitment) {
            return Err(ProofError::WitnessMismatch);
        }
        let mut shifted = opening.value() - scalar_from_i128(statement.min);
        let t = scalar_to_u64(&shifted).filter(|t| *t <= statement.span);
        shifted.zeroize();
        let Some(mut t) = t else {
            return Err(ProofError::ValueOutOfRange);
        };
        let weights = statement.weights();
        let n = weights.len();
        let mut bits = decompose(t, n, weights.last().copied().unwrap_or(0));
        t.zeroize();
        let weights: Vec<Scalar> = weights.into_iter().map(Scalar::from).collect();
        let result = prove_bits(statement, opening, &bits, &weights, transcript, rng);
        bits.zeroize();
        result
    }

    /// Verifies the proof (see the module docs for the equations).
    pub fn verify(
        &self,
        statement: &RangeStatement,
        transcript: &mut Transcript,
    ) -> Result<(), ProofError> {
        check_count("bits", statement.bits(), self.bit_responses.len())?;
        statement.append_to(transcript)?;
        self.append_commitments(transcript)?;
        let x = transcript.challenge_scalar(labels::CHALLENGE);
        self.append_responses(transcript);
        let [rho1, rho2, rho3] = batch_weights::<3>(transcript);

        let weights = statement.weights();
        let weighted_sum: Scalar = weights
            .iter()
            .zip(&self.bit_responses)
            .map(|(w, f)| Scalar::from(*w) * f)
            .sum();
        let mut msm = Msm::with_capacity(8);
        msm.bit_generators(
            self.bit_responses
                .iter()
                .map(|f| -(rho1 * f) - rho2 * f * (x - f)),
        );
        msm.gens(
            &statement.gens,
            -(rho3 * (x * scalar_from_i128(statement.min) + weighted_sum)),
            -(rho1 * self.mask_blinding_response
                + rho2 * self.square_blinding_response
                + rho3 * self.link_blinding_response),
        );
        msm.point(rho1 * x, self.bits_commitment.point);
        msm.point(rho1, self.mask_commitment.point);
        msm.point(rho2 * x, self.cross_commitment.point);
        msm.point(rho2, self.square_commitment.point);
        msm.point(rho3 * x, *statement.commitment.point());
        msm.point(rho3, self.link_commitment.point);
        msm.check()
    }

    fn append_commitments(&self, transcript: &mut Transcript) -> Result<(), ProofError> {
        transcript.validate_and_append_point(labels::RANGE_B, &self.bits_commitment.compressed)?;
        transcript.validate_and_append_point(labels::RANGE_A, &self.mask_commitment.compressed)?;
        transcript.validate_and_append_point(labels::RANGE_C, &self.cross_commitment.compressed)?;
        transcript
            .validate_and_append_point(labels::RANGE_D, &self.square_commitment.compressed)?;
        transcript.validate_and_append_point(labels::RANGE_E, &self.link_commitment.compressed)
    }

    fn append_responses(&self, transcript: &mut Transcript) {
        for f in &self.bit_responses {
            transcript.append_scalar(labels::RESPONSE, f);
        }
        transcript.append_scalar(labels::RESPONSE, &self.mask_blinding_response);
        transcript.append_scalar(labels::RESPONSE, &self.square_blinding_response);
        transcript.append_scalar(labels::RESPONSE, &self.link_blinding_response);
    }

    /// The number of bits this proof covers.
    pub fn bits(&self) -> usize {
        self.bit_responses.len()
    }

    fn encode(&self) -> Vec<u8> {
        let n = self.bit_responses.len();
        let mut w = Writer::new(Kind::Range, Self::FIXED_SIZE - 2 + 32 * n);
        // n ≤ MAX_BITS (64) by construction.
        w.u8(u8::try_from(n).unwrap_or(u8::MAX));
        for point in [
            &self.bits_commitment,
            &self.mask_commitment,
            &self.cross_commitment,
            &self.square_commitment,
            &self.link_commitment,
        ] {
            w.point(point);
        }
        for f in &self.bit_responses {
            w.scalar(f);
        }
        w.scalar(&self.mask_blinding_response);
        w.scalar(&self.square_blinding_response);
        w.scalar(&self.link_blinding_response);
        w.finish()
    }

    fn decode(bytes: &[u8]) -> Result<Self, ProofError> {
        let mut r = Reader::new(bytes, Kind::Range)?;
        let n = r.count(0, MAX_BITS, "bit count above 64")?;
        let proof = RangeProof {
            bits_commitment: r.point()?,
            mask_commitment: r.point()?,
            cross_commitment: r.point()?,
            square_commitment: r.point()?,
            link_commitment: r.point()?,
            bit_responses: r.scalars(n)?,
            mask_blinding_response: r.scalar()?,
            square_blinding_response: r.scalar()?,
            link_blinding_response: r.scalar()?,
        };
        r.finish()?;
        Ok(proof)
    }
}

/// The prover proper, for given bits and link weights. [`RangeProof::prove`] derives both from
/// the statement; the tests call this directly to forge proofs a cheating prover would make.
fn prove_bits<R: RngCore + CryptoRng>(
    statement: &RangeStatement,
    opening: &Opening,
    bits: &[u64],
    weights: &[Scalar],
    transcript: &mut Transcript,
    rng: &mut R,
) -> Result<RangeProof, ProofError> {
    let n = bits.len();
    let generators = bit_generators()
        .get(..n)
        .ok_or(ProofError::InvalidStatement {
            reason: "more than 64 bits",
        })?;
    statement.append_to(transcript)?;
    let mut rng = nonce_rng(
        transcript,
        &[opening.value(), opening.blinding_scalar()],
        rng,
    );

    let bit_scalars: Vec<Scalar> = bits.iter().map(|b| Scalar::from(*b)).collect();
    let masks: Vec<Scalar> = (0..n).map(|_| random_scalar(&mut rng)).collect();
    let secrets = Secrets {
        cross: masks
            .iter()
            .zip(&bit_scalars)
            .map(|(a, b)| a - (a + a) * b)
            .collect(),
        squares: masks.iter().map(|a| -(a * a)).collect(),
        masks,
        bits: bit_scalars,
        blindings: core::array::from_fn(|_| random_scalar(&mut rng)),
    };
    let [r_b, r_a, r_c, r_d, r_e] = &secrets.blindings;
    let gens = &statement.gens;

    // B = Σ bᵢ·Gᵢ + r_B·H, selecting generators in constant time.
    let mut selected = RistrettoPoint::identity();
    for (generator, bit) in generators.iter().zip(bits) {
        // Each bit is 0 or 1 for an honest prover; `& 1` keeps the selection well defined.
        let choice = Choice::from(u8::from(bit & 1 == 1));
        selected +=
            RistrettoPoint::conditional_select(&RistrettoPoint::identity(), generator, choice);
    }
    // The tests forge proofs with a "bit" other than 0 or 1; commit to the digit given.
    #[cfg(test)]
    for (generator, bit) in generators.iter().zip(bits) {
        if *bit > 1 {
            selected += Scalar::from(*bit - 1) * generator;
        }
    }
    let bits_commitment = ProofPoint::new(selected + gens.mul_h(r_b));
    let vector = |scalars: &[Scalar], blinding: &Scalar| {
        ProofPoint::new(
            RistrettoPoint::multiscalar_mul(scalars, generators.iter()) + gens.mul_h(blinding),
        )
    };
    let mask_commitment = vector(&secrets.masks, r_a);
    let cross_commitment = vector(&secrets.cross, r_c);
    let square_commitment = vector(&secrets.squares, r_d);
    let mut weighted_masks: Scalar = weights.iter().zip(&secrets.masks).map(|(w, a)| w * a).sum();
    let link_commitment = ProofPoint::new(gens.commit(&weighted_masks, r_e));
    weighted_masks.zeroize();

    let mut proof = RangeProof {
        bits_commitment,
        mask_commitment,
        cross_commitment,
        square_commitment,
        link_commitment,
        bit_responses: Vec::new(),
        mask_blinding_response: Scalar::ZERO,
        square_blinding_response: Scalar::ZERO,
        link_blinding_response: Scalar::ZERO,
    };
    proof.append_commitments(transcript)?;
    let x = transcript.challenge_scalar(labels::CHALLENGE);
    proof.bit_responses = secrets
        .bits
        .iter()
        .zip(&secrets.masks)
        .map(|(b, a)| x * b + a)
        .collect();
    proof.mask_blinding_response = x * r_b + r_a;
    proof.square_blinding_response = x * r_c + r_d;
    proof.link_blinding_response = x * opening.blinding_scalar() + r_e;
    proof.append_responses(transcript);
    Ok(proof)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    #[test]
    fn weights_cover_exactly_the_span() {
        for span in [
            0u64,
            1,
            2,
            3,
            5,
            6,
            7,
            8,
            100,
            255,
            256,
            400,
            1000,
            u64::MAX,
            u64::MAX - 7,
        ] {
            let weights = span_weights(span);
            assert_eq!(
                weights.iter().map(|w| u128::from(*w)).sum::<u128>(),
                u128::from(span)
            );
            if span <= 1000 {
                // Every subset sum lies in [0, span] and every value in [0, span] decomposes.
                for t in 0..=span {
                    let bits = decompose(t, weights.len(), weights.last().copied().unwrap_or(0));
                    assert!(bits.iter().all(|b| *b <= 1));
                    let sum: u64 = bits.iter().zip(&weights).map(|(b, w)| b * w).sum();
                    assert_eq!(sum, t, "span {span} value {t}");
                }
            }
        }
    }

    /// Sanctuary's first range proof decomposed `v − min` with plain powers of two over
    /// `n = bitlen(max − min)` bits, so a prover could commit to any value up to
    /// `min + 2^n − 1`. Here a cheating prover does exactly that for [100, 500] (n = 9, so
    /// up to 611) and the verifier rejects every such proof.
    #[test]
    fn power_of_two_decomposition_attack_is_rejected() {
        let gens = PedersenGens::standard();
        for value in [501u64, 555, 611] {
            let opening = Opening::random_u64(value, &mut OsRng);
            let statement =
                RangeStatement::new(gens.clone(), opening.commit(gens), 100, 500).unwrap();
            assert_eq!(statement.bits(), 9);
            // The honest prover refuses.
            assert_eq!(
                RangeProof::prove(&statement, &opening, &mut Transcript::new(b"t"), &mut OsRng)
                    .unwrap_err(),
                ProofError::ValueOutOfRange
            );
            // The forger uses binary bits of v − min with power-of-two weights.
            let t = value - 100;
            let bits: Vec<u64> = (0..9).map(|i| (t >> i) & 1).collect();
            let powers: Vec<Scalar> = (0..9).map(|i| Scalar::from(1u64 << i)).collect();
            let forged = prove_bits(
                &statement,
                &opening,
                &bits,
                &powers,
                &mut Transcript::new(b"t"),
                &mut OsRng,
            )
            .unwrap();
            assert_eq!(
                forged.verify(&statement, &mut Transcript::new(b"t")),
                Err(ProofError::VerificationFailed)
            );
            // Nor does it help to use the statement's weights with bits that do not sum to t.
            let weights: Vec<Scalar> = statement.weights().into_iter().map(Scalar::from).collect();
            let forged = prove_bits(
                &statement,
                &opening,
                &bits,
                &weights,
                &mut Transcript::new(b"t"),
                &mut OsRng,
            )
            .unwrap();
            assert!(
                forged
                    .verify(&statement, &mut Transcript::new(b"t"))
                    .is_err()
            );
        }
    }

    /// A "bit" of 2 (or any non-bit) makes the linking equation hold but breaks the bit
    /// equation, which the verifier checks.
    #[test]
    fn non_binary_digits_are_rejected() {
        let gens = PedersenGens::standard();
        // 700 in [0, 511]: 700 = 2·256 + 188, a digit 2 at the top of 9 power-of-two weights.
        let opening = Opening::random_u64(700, &mut OsRng);
        let statement = RangeStatement::new(gens.clone(), opening.commit(gens), 0, 511).unwrap();
        let weights = statement.weights();
        assert_eq!(weights.last(), Some(&256));
        let mut bits: Vec<u64> = (0..8).map(|i| (188u64 >> i) & 1).collect();
        bits.push(2);
        let sum: u64 = bits.iter().zip(&weights).map(|(b, w)| b * w).sum();
        assert_eq!(sum, 700);
        let weights: Vec<Scalar> = weights.into_iter().map(Scalar::from).collect();
        let forged = prove_bits(
            &statement,
            &opening,
            &bits,
            &weights,
            &mut Transcript::new(b"t"),
            &mut OsRng,
        )
        .unwrap();
        assert_eq!(
            forged.verify(&statement, &mut Transcript::new(b"t")),
            Err(ProofError::VerificationFailed)
        );
    }
}
