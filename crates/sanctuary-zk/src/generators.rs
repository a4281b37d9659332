//! Generators: `G`, `H` and the bit generators, all with nothing up the sleeve.
//!
//! - `G` is the ristretto255 basepoint (RFC 9496).
//! - `H` is `hash_to_group(SHA-512("sanctuary-zk/v1/generator/H"))`, where `hash_to_group` is
//!   the RFC 9496 element derivation from 64 uniform bytes (curve25519-dalek's
//!   [`RistrettoPoint::hash_from_bytes`] with SHA-512).
//! - The bit generators used by range proofs are `G_i = hash_to_group(SHA-512(
//!   "sanctuary-zk/v1/generator/bits/" ‖ le32(i)))` for `i` in `0..64`.
//! - [`PedersenGens::from_label`] derives a further independent pair from a caller's label.
//!
//! Nobody knows a discrete-log relation between any two of these points, which is what makes
//! the commitments binding. The tests pin the compressed encodings.

use std::fmt;
use std::sync::OnceLock;

use curve25519_dalek::constants::{RISTRETTO_BASEPOINT_POINT, RISTRETTO_BASEPOINT_TABLE};
use curve25519_dalek::ristretto::{
    CompressedRistretto, RistrettoBasepointTable, RistrettoPoint, VartimeRistrettoPrecomputation,
};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{MultiscalarMul, VartimePrecomputedMultiscalarMul};
use merlin::Transcript;
use sha2::Sha512;

use crate::transcript::{TranscriptProtocol, labels};

/// The most bits a range proof decomposes into, and so the number of bit generators.
pub const MAX_BITS: usize = 64;

/// A pair of independent generators `(G, H)` for Pedersen commitments `v·G + r·H`.
///
/// The generators are part of every statement; a verifier chooses them, never the prover.
#[derive(Clone, PartialEq, Eq)]
pub struct PedersenGens {
    g: RistrettoPoint,
    h: RistrettoPoint,
    g_compressed: CompressedRistretto,
    h_compressed: CompressedRistretto,
    standard: bool,
}

impl fmt::Debug for PedersenGens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PedersenGens")
            .field("g", &self.g_compressed)
            .field("h", &self.h_compressed)
            .field("standard", &self.standard)
            .finish()
    }
}

impl Default for PedersenGens {
    fn default() -> Self {
        Self::standard().clone()
    }
}

impl PedersenGens {
    /// The standard pair: `G` = basepoint, `H` derived from `"sanctuary-zk/v1/generator/H"`.
    pub fn standard() -> &'static PedersenGens {
        static STANDARD: OnceLock<PedersenGens> = OnceLock::new();
        STANDARD.get_or_init(|| {
            let h = RistrettoPoint::hash_from_bytes::<Sha512>(labels::GENERATOR_H);
            PedersenGens {
                g: RISTRETTO_BASEPOINT_POINT,
                h,
                g_compressed: RISTRETTO_BASEPOINT_POINT.compress(),
                h_compressed: h.compress(),
                standard: true,
            }
        })
    }

    /// An independent pair derived from a caller's label: `G' = hash_to_group(SHA-512(
    /// "sanctuary-zk/v1/generator/custom/" ‖ label ‖ "/G"))` and `H'` likewise with `"/H"`.
    ///
    /// Use it when two systems must commit under different generators (an equality proof
    /// across them still works).
    pub fn from_label(label: &[u8]) -> PedersenGens {
        let derive = |suffix: &[u8]| {
            let mut input = Vec::with_capacity(labels::GENERATOR_CUSTOM.len() + label.len() + 2);
            input.extend_from_slice(labels::GENERATOR_CUSTOM);
            input.extend_from_slice(label);
            input.extend_from_slice(suffix);
            RistrettoPoint::hash_from_bytes::<Sha512>(&input)
        };
        let (g, h) = (derive(b"/G"), derive(b"/H"));
        PedersenGens {
            g,
            h,
            g_compressed: g.compress(),
            h_compressed: h.compress(),
            standard: false,
        }
    }

    /// The value generator `G`.
    pub fn g(&self) -> &RistrettoPoint {
        &self.g
    }

    /// The blinding generator `H`.
    pub fn h(&self) -> &RistrettoPoint {
        &self.h
    }

    /// `G`, compressed.
    pub fn g_compressed(&self) -> &CompressedRistretto {
        &self.g_compressed
    }

    /// `H`, compressed.
    pub fn h_compressed(&self) -> &CompressedRistretto {
        &self.h_compressed
    }

    /// Whether this is the standard pair (which has precomputed tables).
    pub fn is_standard(&self) -> bool {
        self.standard
    }

    /// `value·G + blinding·H`, in constant time.
    pub fn commit(&self, value: &Scalar, blinding: &Scalar) -> RistrettoPoint {
        if self.standard {
            value * RISTRETTO_BASEPOINT_TABLE + blinding * h_table()
        } else {
            RistrettoPoint::multiscalar_mul([value, blinding], [self.g, self.h])
        }
    }

    /// `blinding·H` in constant time.
    pub(crate) fn mul_h(&self, blinding: &Scalar) -> RistrettoPoint {
        if self.standard {
            blinding * h_table()
        } else {
            blinding * self.h
        }
    }

    /// Appends both generators to a transcript.
    pub(crate) fn append_to(&self, transcript: &mut Transcript) {
        transcript.append_point(labels::GEN_G, &self.g_compressed);
        transcript.append_point(labels::GEN_H, &self.h_compressed);
    }
}

/// A fixed-base table for the standard `H` (constant-time multiplication).
fn h_table() -> &'static RistrettoBasepointTable {
    static TABLE: OnceLock<RistrettoBasepointTable> = OnceLock::new();
    TABLE.get_or_init(|| RistrettoBasepointTable::create(PedersenGens::standard().h()))
}

/// The 64 bit generators `G_0 … G_63` of range proofs.
pub fn bit_generators() -> &'static [RistrettoPoint; MAX_BITS] {
    static BITS: OnceLock<[RistrettoPoint; MAX_BITS]> = OnceLock::new();
    BITS.get_or_init(|| {
        let mut input = Vec::with_capacity(labels::GENERATOR_BITS.len() + 4);
        core::array::from_fn(|i| {
            input.clear();
            input.extend_from_slice(labels::GENERATOR_BITS);
            // i < 64, so the cast is exact.
            input.extend_from_slice(&(i as u32).to_le_bytes());
            RistrettoPoint::hash_from_bytes::<Sha512>(&input)
        })
    })
}

/// Variable-time precomputed tables for `[G, H, G_0 … G_63]` (verification only).
pub(crate) fn verifier_tables() -> &'static VartimeRistrettoPrecomputation {
    static TABLES: OnceLock<VartimeRistrettoPrecomputation> = OnceLock::new();
    TABLES.get_or_init(|| {
        let standard = PedersenGens::standard();
        let points = [standard.g, standard.h]
            .into_iter()
            .chain(bit_generators().iter().copied());
        VartimeRistrettoPrecomputation::new(points)
    })
}

/// Variable-time precomputed tables for `[G, H]` alone (small proofs).
pub(crate) fn small_verifier_tables() -> &'static VartimeRistrettoPrecomputation {
    static TABLES: OnceLock<VartimeRistrettoPrecomputation> = OnceLock::new();
    TABLES.get_or_init(|| {
        let standard = PedersenGens::standard();
        VartimeRistrettoPrecomputation::new([standard.g, standard.h])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanctuary_core::encoding::hex_encode;

    fn hex(point: &RistrettoPoint) -> String {
        hex_encode(point.compress().as_bytes())
    }

    #[test]
    fn generators_are_pinned() {
        let gens = PedersenGens::standard();
        // G is the RFC 9496 basepoint.
        assert_eq!(
            hex(gens.g()),
            "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76"
        );
        assert_eq!(
            hex(gens.h()),
            "78fe6f50b564a1607b0f939a5bab44cebb494915ea9de11bf540ec722281496f"
        );
        let bits = bit_generators();
        assert_eq!(
            hex(&bits[0]),
            "f8da9ef94c51dfabbbc6de687e4e757ea30e7e9f0f79089b88bb59606d84a707"
        );
        assert_eq!(
            hex(&bits[1]),
            "00ecc0aefce0e179cdeb9df55e4cee2fc85f8c25d19057b692daa5dbe894d25a"
        );
        assert_eq!(
            hex(&bits[63]),
            "6c98e89746ce8ce5c28ad2fecc8146cfc09b895995f0b8e35278ef10a7f73568"
        );
        let custom = PedersenGens::from_label(b"example");
        assert_eq!(
            hex(custom.g()),
            "ee5b6b8faca3a04ddfba83876ec2bdb15f9d5be4552124017b3fa3f66b838c71"
        );
        assert_eq!(
            hex(custom.h()),
            "98dc7d61c31f5c790166a9e2f0026254120ea175fbf2fa16dbae65479fd6e73a"
        );
    }

    #[test]
    fn generators_are_distinct_and_not_the_identity() {
        let gens = PedersenGens::standard();
        let custom = PedersenGens::from_label(b"example");
        let mut all: Vec<[u8; 32]> = [gens.g(), gens.h(), custom.g(), custom.h()]
            .into_iter()
            .chain(bit_generators().iter())
            .map(|p| p.compress().to_bytes())
            .collect();
        assert!(all.iter().all(|p| p != &[0u8; 32]));
        let count = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), count);
        assert_ne!(
            PedersenGens::from_label(b"a"),
            PedersenGens::from_label(b"b")
        );
        assert!(gens.is_standard() && !custom.is_standard());
    }

    #[test]
    fn table_and_generic_commitments_agree() {
        let gens = PedersenGens::standard();
        let (v, r) = (Scalar::from(1234u64), Scalar::from(98765u64));
        assert_eq!(gens.commit(&v, &r), v * gens.g() + r * gens.h());
        let custom = PedersenGens::from_label(b"x");
        assert_eq!(custom.commit(&v, &r), v * custom.g() + r * custom.h());
    }
}
