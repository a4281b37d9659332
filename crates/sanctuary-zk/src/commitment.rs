//! Pedersen commitments `C = v·G + r·H`, their openings and blindings.
//!
//! A commitment hides `v` perfectly (for a uniform `r`, `C` is uniform whatever `v` is) and
//! binds it computationally (a second opening gives `log_G H`). Commitments add: the sum of two
//! commitments commits to the sum of the values under the sum of the blindings, which
//! [`Opening`] mirrors.
//!
//! ```
//! use sanctuary_zk::{Opening, PedersenGens};
//! use sanctuary_zk::rand_core::OsRng;
//!
//! let gens = PedersenGens::standard();
//! let a = Opening::random_u64(250, &mut OsRng);
//! let b = Opening::random_u64(40, &mut OsRng);
//! let (ca, cb) = (a.commit(gens), b.commit(gens));
//! // Homomorphism: C(a) + C(b) = C(a + b), C(a) − C(b) = C(a − b).
//! assert_eq!(&ca + &cb, (&a + &b).commit(gens));
//! assert_eq!(&ca - &cb, (&a - &b).commit(gens));
//! assert_eq!((&a - &b).value_u64(), Some(210));
//! ```

use std::fmt;
use std::ops::{Add, Neg, Sub};

use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::Identity;
use rand_core::{CryptoRng, RngCore};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::errors::ProofError;
use crate::generators::PedersenGens;

/// A Pedersen commitment: a valid ristretto255 point, kept compressed and decompressed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Commitment {
    compressed: CompressedRistretto,
    point: RistrettoPoint,
}

impl fmt::Debug for Commitment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Commitment({})",
            sanctuary_core::encoding::hex_encode(self.compressed.as_bytes())
        )
    }
}

impl Commitment {
    /// Wraps a point.
    pub fn from_point(point: RistrettoPoint) -> Self {
        Commitment {
            compressed: point.compress(),
            point,
        }
    }

    /// Decodes a canonical compressed point; anything else is refused.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, ProofError> {
        let compressed = CompressedRistretto(*bytes);
        let point = compressed.decompress().ok_or(ProofError::Malformed {
            reason: "commitment is not a canonical ristretto255 encoding",
        })?;
        Ok(Commitment { compressed, point })
    }

    /// Decodes from a slice of exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, ProofError> {
        let array: &[u8; 32] = bytes.try_into().map_err(|_| ProofError::Malformed {
            reason: "commitment must be 32 bytes",
        })?;
        Self::from_bytes(array)
    }

    /// The 32-byte compressed encoding.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.compressed.to_bytes()
    }

    /// The compressed point.
    pub fn compressed(&self) -> &CompressedRistretto {
        &self.compressed
    }

    /// The point.
    pub fn point(&self) -> &RistrettoPoint {
        &self.point
    }

    /// Whether this is the identity (which no statement accepts).
    pub fn is_identity(&self) -> bool {
        crate::encoding::is_identity_encoding(&self.compressed)
    }

    /// `self − value·G`: shifts the committed value down by a public amount.
    pub fn sub_public(&self, gens: &PedersenGens, value: &Scalar) -> Commitment {
        Commitment::from_point(self.point - gens.g() * value)
    }
}

impl Add<&Commitment> for &Commitment {
    type Output = Commitment;
    fn add(self, rhs: &Commitment) -> Commitment {
        Commitment::from_point(self.point + rhs.point)
    }
}

impl Sub<&Commitment> for &Commitment {
    type Output = Commitment;
    fn sub(self, rhs: &Commitment) -> Commitment {
        Commitment::from_point(self.point - rhs.point)
    }
}

impl serde::Serialize for Commitment {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&sanctuary_core::encoding::base64url_encode(
            self.compressed.as_bytes(),
            sanctuary_core::encoding::Padding::Unpadded,
        ))
    }
}

impl<'de> serde::Deserialize<'de> for Commitment {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        let bytes = sanctuary_core::encoding::base64url_decode_array::<32>(&text)
            .map_err(serde::de::Error::custom)?;
        Commitment::from_bytes(&bytes).map_err(serde::de::Error::custom)
    }
}

/// A secret blinding factor `r`. Zeroized on drop; `Debug` prints `[redacted]`.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Blinding(Scalar);

impl fmt::Debug for Blinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Blinding([redacted])")
    }
}

impl Blinding {
    /// A uniformly random blinding.
    pub fn random<R: RngCore + CryptoRng + ?Sized>(rng: &mut R) -> Self {
        Blinding(random_scalar(rng))
    }

    /// Wraps a scalar the caller already holds (e.g. derived from a key).
    pub fn from_scalar(scalar: Scalar) -> Self {
        Blinding(scalar)
    }

    /// The scalar. Handle with care: it is what hides the value.
    pub fn as_scalar(&self) -> &Scalar {
        &self.0
    }
}

/// A uniformly random scalar, as `Scalar::random` draws it, but wiping the 64 random bytes
/// afterwards (they are nonce and blinding material).
pub(crate) fn random_scalar<R: RngCore + CryptoRng + ?Sized>(rng: &mut R) -> Scalar {
    let mut wide = [0u8; 64];
    rng.fill_bytes(&mut wide);
    let scalar = Scalar::from_bytes_mod_order_wide(&wide);
    wide.zeroize();
    scalar
}

/// The opening of a commitment: the value `v` and the blinding `r`. Zeroized on drop; `Debug`
/// prints `[redacted]`.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Opening {
    value: Scalar,
    blinding: Scalar,
}

impl fmt::Debug for Opening {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Opening([redacted])")
    }
}

impl Opening {
    /// An opening of a `u64` value under the given blinding.
    pub fn new_u64(value: u64, blinding: Blinding) -> Self {
        Opening {
            value: Scalar::from(value),
            blinding: blinding.0,
        }
    }

    /// An opening of a `u64` value under a fresh random blinding.
    pub fn random_u64<R: RngCore + CryptoRng + ?Sized>(value: u64, rng: &mut R) -> Self {
        Self::new_u64(value, Blinding::random(rng))
    }

    /// An opening of a signed value (negative values are `ℓ − |v|`).
    pub fn new_i64(value: i64, blinding: Blinding) -> Self {
        let magnitude = Scalar::from(value.unsigned_abs());
        Opening {
            value: if value < 0 { -magnitude } else { magnitude },
            blinding: blinding.0,
        }
    }

    /// An opening of an arbitrary scalar value.
    pub fn new_scalar(value: Scalar, blinding: Blinding) -> Self {
        Opening {
            value,
            blinding: blinding.0,
        }
    }

    /// An opening of an arbitrary scalar value under a fresh random blinding.
    pub fn random_scalar<R: RngCore + CryptoRng + ?Sized>(value: Scalar, rng: &mut R) -> Self {
        Self::new_scalar(value, Blinding::random(rng))
    }

    /// The committed value as a scalar.
    pub fn value(&self) -> &Scalar {
        &self.value
    }

    /// The committed value if it is below `2^64`.
    pub fn value_u64(&self) -> Option<u64> {
        scalar_to_u64(&self.value)
    }

    /// The blinding.
    pub fn blinding(&self) -> Blinding {
        Blinding(self.blinding)
    }

    pub(crate) fn blinding_scalar(&self) -> &Scalar {
        &self.blinding
    }

    /// The commitment `v·G + r·H` under `gens` (constant time).
    pub fn commit(&self, gens: &PedersenGens) -> Commitment {
        Commitment::from_point(gens.commit(&self.value, &self.blinding))
    }

    /// Whether this opening opens `commitment` under `gens`.
    pub fn opens(&self, gens: &PedersenGens, commitment: &Commitment) -> bool {
        gens.commit(&self.value, &self.blinding) == commitment.point
    }
}

impl Add<&Opening> for &Opening {
    type Output = Opening;
    fn add(self, rhs: &Opening) -> Opening {
        Opening {
            value: self.value + rhs.value,
            blinding: self.blinding + rhs.blinding,
        }
    }
}

impl Sub<&Opening> for &Opening {
    type Output = Opening;
    fn sub(self, rhs: &Opening) -> Opening {
        Opening {
            value: self.value - rhs.value,
            blinding: self.blinding - rhs.blinding,
        }
    }
}

impl Neg for &Opening {
    type Output = Opening;
    fn neg(self) -> Opening {
        Opening {
            value: -self.value,
            blinding: -self.blinding,
        }
    }
}

/// The scalar as a `u64` when it is below `2^64`.
pub(crate) fn scalar_to_u64(scalar: &Scalar) -> Option<u64> {
    let bytes = scalar.as_bytes();
    let (low, high) = bytes.split_at(8);
    if high.iter().any(|&b| b != 0) {
        return None;
    }
    let mut word = [0u8; 8];
    word.copy_from_slice(low);
    Some(u64::from_le_bytes(word))
}

/// A signed integer as a scalar (negative values are `ℓ − |v|`).
pub(crate) fn scalar_from_i128(value: i128) -> Scalar {
    let magnitude = Scalar::from(value.unsigned_abs());
    if value < 0 { -magnitude } else { magnitude }
}

/// The identity commitment (the commitment to 0 under blinding 0). Never accepted in a
/// statement; useful as the start of a sum.
impl Default for Commitment {
    fn default() -> Self {
        Commitment::from_point(RistrettoPoint::identity())
    }
}
