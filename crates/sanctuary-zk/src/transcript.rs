//! Fiat–Shamir transcripts: the one extension trait on [`merlin::Transcript`] and every domain
//! label this crate uses.
//!
//! The caller owns the transcript. A proof appends, in order: its protocol label, the whole
//! statement (generators, every commitment and public key, every public bound and coefficient),
//! the caller's context, the prover's first-round commitments, then draws its challenge and
//! appends its responses. Prover and verifier therefore leave the transcript in the same state,
//! and a later proof on the same transcript is bound to everything before it.
//!
//! Start a transcript with a label naming the application protocol, e.g.
//! `Transcript::new(b"acme-negotiation/v2 budget")`; the caller's label is the outermost domain
//! separator, the labels below are the inner ones.

use curve25519_dalek::ristretto::CompressedRistretto;
use curve25519_dalek::scalar::Scalar;
use merlin::Transcript;

use crate::errors::ProofError;

/// Every label this crate writes into a transcript or hashes into a generator.
pub mod labels {
    /// Prefix of every protocol label; the suffix names the proof.
    pub const DOMAIN: &[u8] = b"sanctuary-zk/v1";

    /// Protocol label: knowledge of a discrete logarithm (Schnorr).
    pub const DLOG: &[u8] = b"sanctuary-zk/v1/dlog";
    /// Protocol label: knowledge of a Pedersen opening.
    pub const OPENING: &[u8] = b"sanctuary-zk/v1/opening";
    /// Protocol label: equality of two committed values.
    pub const EQUALITY: &[u8] = b"sanctuary-zk/v1/equality";
    /// Protocol label: a linear relation between committed values.
    pub const LINEAR: &[u8] = b"sanctuary-zk/v1/linear";
    /// Protocol label: 1-of-n OR proof over discrete logarithms.
    pub const OR: &[u8] = b"sanctuary-zk/v1/or";
    /// Protocol label: range proof by bit decomposition.
    pub const RANGE: &[u8] = b"sanctuary-zk/v1/range";

    /// Hash-to-group input for the standard `H`.
    pub const GENERATOR_H: &[u8] = b"sanctuary-zk/v1/generator/H";
    /// Hash-to-group input prefix for the bit generators `G_i` (followed by `i` as a 4-byte
    /// little-endian integer).
    pub const GENERATOR_BITS: &[u8] = b"sanctuary-zk/v1/generator/bits/";
    /// Hash-to-group input prefix for caller-labelled Pedersen generators (followed by the
    /// caller's label, then `/G` or `/H`).
    pub const GENERATOR_CUSTOM: &[u8] = b"sanctuary-zk/v1/generator/custom/";

    // Field labels inside a proof's transcript.
    pub(crate) const PROTOCOL: &[u8] = b"protocol";
    pub(crate) const CONTEXT: &[u8] = b"context";
    pub(crate) const CONTEXT_PRESENT: &[u8] = b"context-present";
    pub(crate) const GEN_G: &[u8] = b"G";
    pub(crate) const GEN_H: &[u8] = b"H";
    pub(crate) const BASE: &[u8] = b"base";
    pub(crate) const PUBLIC: &[u8] = b"public";
    pub(crate) const COMMITMENT: &[u8] = b"commitment";
    pub(crate) const COEFFICIENT: &[u8] = b"coefficient";
    pub(crate) const CONSTANT: &[u8] = b"constant";
    pub(crate) const COUNT: &[u8] = b"count";
    pub(crate) const MIN: &[u8] = b"min";
    pub(crate) const MAX: &[u8] = b"max";
    pub(crate) const BITS: &[u8] = b"bits";
    pub(crate) const BIT_GENERATORS: &[u8] = b"bit-generators";
    pub(crate) const NONCE_COMMITMENT: &[u8] = b"nonce-commitment";
    pub(crate) const CHALLENGE: &[u8] = b"challenge";
    pub(crate) const CHALLENGE_SHARE: &[u8] = b"challenge-share";
    pub(crate) const RESPONSE: &[u8] = b"response";
    pub(crate) const BATCH_WEIGHT: &[u8] = b"batch-weight";
    pub(crate) const WITNESS: &[u8] = b"witness";
    pub(crate) const RANGE_B: &[u8] = b"range-bits";
    pub(crate) const RANGE_A: &[u8] = b"range-masks";
    pub(crate) const RANGE_C: &[u8] = b"range-cross";
    pub(crate) const RANGE_D: &[u8] = b"range-square";
    pub(crate) const RANGE_E: &[u8] = b"range-link";
}

/// Sanctuary's additions to [`merlin::Transcript`]. Sealed: implemented for `Transcript` only.
pub trait TranscriptProtocol: sealed::Sealed {
    /// Appends a protocol label (one of the [`labels`] constants).
    fn proof_domain(&mut self, protocol: &'static [u8]);
    /// Appends an optional caller context; "absent" and "empty" are different.
    fn append_context(&mut self, context: Option<&[u8]>);
    /// Appends a scalar in its canonical 32-byte little-endian encoding.
    fn append_scalar(&mut self, label: &'static [u8], scalar: &Scalar);
    /// Appends a compressed point as is.
    fn append_point(&mut self, label: &'static [u8], point: &CompressedRistretto);
    /// Appends a compressed point after refusing the identity, which never appears honestly
    /// where this is used.
    fn validate_and_append_point(
        &mut self,
        label: &'static [u8],
        point: &CompressedRistretto,
    ) -> Result<(), ProofError>;
    /// Appends a signed 128-bit integer (a range bound) as 16 little-endian bytes.
    fn append_i128(&mut self, label: &'static [u8], value: i128);
    /// Draws a challenge scalar from 64 bytes of transcript output (uniform modulo ℓ).
    fn challenge_scalar(&mut self, label: &'static [u8]) -> Scalar;
}

impl TranscriptProtocol for Transcript {
    fn proof_domain(&mut self, protocol: &'static [u8]) {
        self.append_message(labels::PROTOCOL, protocol);
    }

    fn append_context(&mut self, context: Option<&[u8]>) {
        match context {
            None => self.append_u64(labels::CONTEXT_PRESENT, 0),
            Some(bytes) => {
                self.append_u64(labels::CONTEXT_PRESENT, 1);
                self.append_message(labels::CONTEXT, bytes);
            }
        }
    }

    fn append_scalar(&mut self, label: &'static [u8], scalar: &Scalar) {
        self.append_message(label, scalar.as_bytes());
    }

    fn append_point(&mut self, label: &'static [u8], point: &CompressedRistretto) {
        self.append_message(label, point.as_bytes());
    }

    fn validate_and_append_point(
        &mut self,
        label: &'static [u8],
        point: &CompressedRistretto,
    ) -> Result<(), ProofError> {
        if crate::encoding::is_identity_encoding(point) {
            return Err(ProofError::InvalidStatement {
                reason: "identity point",
            });
        }
        self.append_point(label, point);
        Ok(())
    }

    fn append_i128(&mut self, label: &'static [u8], value: i128) {
        self.append_message(label, &value.to_le_bytes());
    }

    fn challenge_scalar(&mut self, label: &'static [u8]) -> Scalar {
        let mut wide = [0u8; 64];
        self.challenge_bytes(label, &mut wide);
        Scalar::from_bytes_mod_order_wide(&wide)
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for merlin::Transcript {}
}
