//! SHA-256 digests, shown and parsed as `sha256:<64 lowercase hex>`.
//!
//! ```
//! use sanctuary_core::digest::Digest;
//!
//! let d = Digest::sha256(b"abc");
//! assert_eq!(
//!     d.to_string(),
//!     "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
//! );
//! assert_eq!(d.to_string().parse::<Digest>()?, d);
//! # Ok::<(), sanctuary_core::digest::DigestParseError>(())
//! ```

use crate::encoding::{hex_decode_lower, hex_encode};
use crate::jcs::{self, JcsError};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest as _, Sha256};
use std::fmt;
use std::str::FromStr;

/// The text prefix of a SHA-256 digest.
pub const SHA256_PREFIX: &str = "sha256:";

/// A SHA-256 digest (FIPS 180-4).
///
/// Equality is not constant-time: digests here name public data (ciphertexts, canonical
/// objects), they are not secrets or MACs.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest([u8; 32]);

/// Why a digest string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DigestParseError {
    /// The string does not start with `sha256:`.
    #[error("digest must start with \"sha256:\"")]
    Prefix,
    /// The hex part is not 64 lowercase hex digits.
    #[error("digest must be 64 lowercase hex digits after the prefix")]
    Hex,
}

impl Digest {
    /// Wraps 32 digest bytes.
    #[must_use]
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Digest(bytes)
    }

    /// The 32 digest bytes.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// SHA-256 of `data`.
    #[must_use]
    pub fn sha256(data: &[u8]) -> Self {
        Digest(Sha256::digest(data).into())
    }

    /// SHA-256 of the concatenation of `parts` (no separators: callers must make the parts
    /// unambiguous, e.g. with fixed lengths).
    #[must_use]
    pub fn sha256_parts(parts: &[&[u8]]) -> Self {
        let mut hasher = Sha256::new();
        for part in parts {
            hasher.update(part);
        }
        Digest(hasher.finalize().into())
    }

    /// SHA-256 of the RFC 8785 canonical form of `value`.
    ///
    /// ```
    /// use sanctuary_core::digest::Digest;
    /// let a = Digest::of_json(&serde_json::json!({"b": 2, "a": 1}))?;
    /// let b = Digest::of_json(&serde_json::json!({"a": 1.0, "b": 2}))?;
    /// assert_eq!(a, b);
    /// # Ok::<(), sanctuary_core::jcs::JcsError>(())
    /// ```
    pub fn of_json(value: &serde_json::Value) -> Result<Self, JcsError> {
        Ok(Self::sha256(&jcs::to_vec(value)?))
    }

    /// Lowercase hex of the digest, without the prefix.
    #[must_use]
    pub fn to_hex(&self) -> String {
        hex_encode(&self.0)
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{SHA256_PREFIX}{}", self.to_hex())
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({self})")
    }
}

impl FromStr for Digest {
    type Err = DigestParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let hex = s
            .strip_prefix(SHA256_PREFIX)
            .ok_or(DigestParseError::Prefix)?;
        let bytes = hex_decode_lower(hex).map_err(|_| DigestParseError::Hex)?;
        <[u8; 32]>::try_from(bytes.as_slice())
            .map(Digest)
            .map_err(|_| DigestParseError::Hex)
    }
}

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::encoding::deserialize_parsed(deserializer, str::parse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers_fips_180_4() {
        assert_eq!(
            Digest::sha256(b"").to_string(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            Digest::sha256(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").to_hex(),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        assert_eq!(
            Digest::sha256_parts(&[b"ab", b"", b"c"]),
            Digest::sha256(b"abc")
        );
    }

    #[test]
    fn parse_rejects_malformed() {
        let good = Digest::sha256(b"x").to_string();
        assert_eq!(good.parse::<Digest>(), Ok(Digest::sha256(b"x")));
        let upper = format!("sha256:{}", good[7..].to_uppercase());
        for bad in [
            &good[7..],                          // no prefix
            &good[..good.len() - 1],             // truncated
            &format!("{good}0"),                 // too long
            &upper,                              // uppercase hex
            &good.replace("sha256:", "SHA256:"), // prefix case
            &good.replace("sha256:", "sha512:"), // other algorithm
            "sha256:",
            "",
        ] {
            assert!(bad.parse::<Digest>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn serde_as_string() {
        let d = Digest::sha256(b"abc");
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(json, format!("\"{d}\""));
        assert_eq!(serde_json::from_str::<Digest>(&json).unwrap(), d);
        assert!(serde_json::from_str::<Digest>("\"sha256:00\"").is_err());
    }
}
