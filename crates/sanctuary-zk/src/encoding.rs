//! The compact binary format shared by every proof.
//!
//! ```text
//! proof  = version:u8 (= 1) ‖ kind:u8 ‖ body
//! scalar = 32 bytes, canonical little-endian (< ℓ), anything else is refused
//! point  = 32 bytes, canonical compressed ristretto255, never the identity
//! count  = u8 (bits, branches, terms), checked against the kind's limits
//! ```
//!
//! Decoding is strict: a wrong version or kind, a short or long input, a non-canonical scalar,
//! an invalid or identity point, or a count out of bounds is a typed error. Proofs serialise
//! with serde as one unpadded base64url string of these bytes (padded input is accepted).

use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;

use crate::errors::ProofError;

/// The format version written by this crate.
pub const FORMAT_VERSION: u8 = 1;

/// The kind tag in byte 1 of every proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Kind {
    Dlog = 1,
    Opening = 2,
    Equality = 3,
    Linear = 4,
    Or = 5,
    Range = 6,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Dlog => "dlog",
            Kind::Opening => "opening",
            Kind::Equality => "equality",
            Kind::Linear => "linear",
            Kind::Or => "or",
            Kind::Range => "range",
        }
    }
}

/// Whether a compressed point is the identity. Only canonical encodings reach the callers, and
/// the identity's canonical encoding is 32 zero bytes.
pub(crate) fn is_identity_encoding(point: &CompressedRistretto) -> bool {
    point.as_bytes() == &[0u8; 32]
}

/// A point read from a proof: both forms, so the transcript can use the bytes as sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ProofPoint {
    pub(crate) compressed: CompressedRistretto,
    pub(crate) point: RistrettoPoint,
}

impl ProofPoint {
    pub(crate) fn new(point: RistrettoPoint) -> Self {
        ProofPoint {
            compressed: point.compress(),
            point,
        }
    }
}

pub(crate) struct Writer {
    bytes: Vec<u8>,
}

impl Writer {
    pub(crate) fn new(kind: Kind, capacity: usize) -> Self {
        let mut bytes = Vec::with_capacity(capacity + 2);
        bytes.push(FORMAT_VERSION);
        bytes.push(kind as u8);
        Writer { bytes }
    }

    pub(crate) fn u8(&mut self, value: u8) {
        self.bytes.push(value);
    }

    pub(crate) fn scalar(&mut self, scalar: &Scalar) {
        self.bytes.extend_from_slice(scalar.as_bytes());
    }

    pub(crate) fn point(&mut self, point: &ProofPoint) {
        self.bytes.extend_from_slice(point.compressed.as_bytes());
    }

    pub(crate) fn finish(self) -> Vec<u8> {
        self.bytes
    }
}

pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    /// Checks the version and kind.
    pub(crate) fn new(bytes: &'a [u8], kind: Kind) -> Result<Self, ProofError> {
        let [version, found, rest @ ..] = bytes else {
            return Err(ProofError::Malformed {
                reason: "shorter than the two-byte header",
            });
        };
        if *version != FORMAT_VERSION {
            return Err(ProofError::UnsupportedVersion { version: *version });
        }
        if *found != kind as u8 {
            return Err(ProofError::WrongKind {
                expected: kind.name(),
                found: *found,
            });
        }
        Ok(Reader { rest })
    }

    fn take<const N: usize>(&mut self) -> Result<&'a [u8; N], ProofError> {
        let (head, tail) = self
            .rest
            .split_first_chunk::<N>()
            .ok_or(ProofError::Malformed {
                reason: "truncated",
            })?;
        self.rest = tail;
        Ok(head)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, ProofError> {
        Ok(self.take::<1>()?[0])
    }

    /// A count in `min..=max`.
    pub(crate) fn count(
        &mut self,
        min: usize,
        max: usize,
        reason: &'static str,
    ) -> Result<usize, ProofError> {
        let n = usize::from(self.u8()?);
        if n < min || n > max {
            return Err(ProofError::Malformed { reason });
        }
        Ok(n)
    }

    pub(crate) fn scalar(&mut self) -> Result<Scalar, ProofError> {
        let bytes = *self.take::<32>()?;
        Option::from(Scalar::from_canonical_bytes(bytes)).ok_or(ProofError::Malformed {
            reason: "non-canonical scalar",
        })
    }

    pub(crate) fn scalars(&mut self, n: usize) -> Result<Vec<Scalar>, ProofError> {
        (0..n).map(|_| self.scalar()).collect()
    }

    pub(crate) fn point(&mut self) -> Result<ProofPoint, ProofError> {
        let compressed = CompressedRistretto(*self.take::<32>()?);
        if is_identity_encoding(&compressed) {
            return Err(ProofError::Malformed {
                reason: "identity point",
            });
        }
        let point = compressed.decompress().ok_or(ProofError::Malformed {
            reason: "invalid ristretto255 point",
        })?;
        Ok(ProofPoint { compressed, point })
    }

    pub(crate) fn points(&mut self, n: usize) -> Result<Vec<ProofPoint>, ProofError> {
        (0..n).map(|_| self.point()).collect()
    }

    /// Refuses trailing bytes.
    pub(crate) fn finish(self) -> Result<(), ProofError> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(ProofError::Malformed {
                reason: "trailing bytes",
            })
        }
    }
}

/// `to_bytes`/`from_bytes` plus serde as a base64url string, for a proof type.
macro_rules! proof_encoding {
    ($ty:ident) => {
        impl $ty {
            /// Decodes a proof from its compact binary encoding.
            pub fn from_bytes(bytes: &[u8]) -> Result<Self, $crate::errors::ProofError> {
                Self::decode(bytes)
            }

            /// The compact binary encoding.
            pub fn to_bytes(&self) -> Vec<u8> {
                self.encode()
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&sanctuary_core::encoding::base64url_encode(
                    &self.encode(),
                    sanctuary_core::encoding::Padding::Unpadded,
                ))
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                let bytes = sanctuary_core::encoding::base64url_decode(&text)
                    .map_err(serde::de::Error::custom)?;
                Self::decode(&bytes).map_err(serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use proof_encoding;
