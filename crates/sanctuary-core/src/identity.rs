//! Ed25519 identities (RFC 8032): keys, signatures, `did:key` and identity ids.
//!
//! ```
//! use sanctuary_core::identity::{Identity, PublicKey, Signer as _};
//!
//! let alice = Identity::generate(&mut rand_core::OsRng);
//! let did = alice.public_key().to_did_key();
//! assert!(did.starts_with("did:key:z6Mk"));
//!
//! let signature = alice.sign(b"hello")?;
//! let public = PublicKey::from_did_key(&did)?;
//! assert!(public.verify(b"hello", &signature).is_ok());
//! assert!(public.verify(b"hellp", &signature).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Strict verification
//!
//! [`PublicKey::verify`] accepts a signature only if
//! - the public key is a canonical encoding of a point that is not of small order
//!   (checked once, when the [`PublicKey`] is built);
//! - `R` is a canonical encoding of a point that is not of small order;
//! - `S` is reduced modulo the group order ℓ;
//! - `[S]B = R + [k]A` holds exactly (cofactorless), with `k = SHA-512(R ‖ A ‖ M)`.
//!
//! So no signature is malleable, and no key or signature encodes a weak point: this is the
//! "strict" column of *Taming the many EdDSAs* (Chalkias et al., 2020).

use crate::digest::Digest;
use crate::encoding::{self, EncodingError, Padding};
use curve25519_dalek::edwards::EdwardsPoint;
use curve25519_dalek::scalar::Scalar;
use ed25519_dalek::Signer as _;
use rand_core::CryptoRngCore;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest as _, Sha512};
use std::fmt;
use std::str::FromStr;
use zeroize::Zeroizing;

/// The multicodec prefix of an Ed25519 public key (`ed25519-pub`, 0xed as an unsigned varint).
pub const ED25519_MULTICODEC: [u8; 2] = [0xed, 0x01];

/// The prefix of every `did:key` identifier.
pub const DID_KEY_PREFIX: &str = "did:key:";

/// The longest `did:key` text [`PublicKey::from_did_key`] looks at (an Ed25519 one is 56).
pub const DID_KEY_MAX_LEN: usize = 128;

/// Something that signs bytes with an Ed25519 key: an in-memory [`Identity`], an OS keychain,
/// a hardware token.
///
/// This is the raw primitive. Sanctuary's own objects are signed through
/// [`crate::sign::sign_json`], which adds the domain separation; only wire formats with their
/// own preimages (Concordia) sign raw bytes directly.
pub trait Signer {
    /// The public key that verifies this signer's signatures.
    fn public_key(&self) -> PublicKey;

    /// Signs `message`. A hardware or remote signer may fail; an in-memory one never does.
    fn sign(&self, message: &[u8]) -> Result<Signature, SignerError>;
}

/// A signer could not produce a signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignerError {
    /// The key is not reachable (token removed, keychain locked).
    #[error("signing key unavailable: {reason}")]
    Unavailable {
        /// What the signer reported.
        reason: String,
    },
    /// The signer refused the request (for example a user declined on a device).
    #[error("signing refused: {reason}")]
    Refused {
        /// What the signer reported.
        reason: String,
    },
}

/// A public key or signature encoding was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The bytes do not encode a curve point canonically.
    #[error("public key is not a canonical ed25519 point encoding")]
    Malformed,
    /// The point has small order (such a key verifies signatures nobody made).
    #[error("public key is a small-order point")]
    Weak,
    /// The text could not be decoded.
    #[error("public key encoding: {0}")]
    Encoding(#[from] EncodingError),
}

/// A `did:key` identifier was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DidKeyError {
    /// The text does not start with `did:key:z` (only the base58btc multibase is defined).
    #[error("not a did:key with a base58btc ('z') multibase value")]
    Prefix,
    /// The text is longer than [`DID_KEY_MAX_LEN`].
    #[error("did:key is too long")]
    TooLong,
    /// The multibase value is not base58btc.
    #[error("did:key value is not base58btc")]
    Base58,
    /// The multicodec is not `ed25519-pub` (0xed01) or the key is not 32 bytes.
    #[error("did:key does not hold a 32-byte ed25519 public key")]
    NotEd25519,
    /// The key bytes are not an acceptable public key.
    #[error("did:key public key: {0}")]
    Key(KeyError),
}

/// The single error of a failed signature check. It says nothing about why, on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("signature verification failed")]
pub struct SignatureError;

/// An Ed25519 public key: canonical, not of small order. Serialises as unpadded base64url.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey(ed25519_dalek::VerifyingKey);

impl PublicKey {
    /// Builds a public key from its 32-byte encoding, rejecting non-canonical encodings,
    /// points off the curve and small-order points.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, KeyError> {
        if !is_canonical_point_encoding(bytes) {
            return Err(KeyError::Malformed);
        }
        let key =
            ed25519_dalek::VerifyingKey::from_bytes(bytes).map_err(|_| KeyError::Malformed)?;
        if key.is_weak() {
            return Err(KeyError::Weak);
        }
        Ok(PublicKey(key))
    }

    /// The 32-byte encoding.
    #[must_use]
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The 32-byte encoding, borrowed.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8; 32] {
        self.0.as_bytes()
    }

    /// Unpadded base64url of the 32 bytes.
    #[must_use]
    pub fn to_base64url(&self) -> String {
        encoding::base64url_encode(self.as_bytes(), Padding::Unpadded)
    }

    /// Parses base64url (padded or not).
    pub fn from_base64url(text: &str) -> Result<Self, KeyError> {
        Self::from_bytes(&encoding::base64url_decode_array::<32>(text)?)
    }

    /// The `did:key` identifier: `did:key:z` + base58btc(0xed 0x01 ‖ key).
    #[must_use]
    pub fn to_did_key(&self) -> String {
        let mut raw = [0u8; 34];
        let (codec, key) = raw.split_at_mut(2);
        codec.copy_from_slice(&ED25519_MULTICODEC);
        key.copy_from_slice(self.as_bytes());
        format!("{DID_KEY_PREFIX}z{}", encoding::base58btc_encode(&raw))
    }

    /// Parses a bare `did:key` identifier (no path, query or fragment) holding an Ed25519 key.
    pub fn from_did_key(did: &str) -> Result<Self, DidKeyError> {
        if did.len() > DID_KEY_MAX_LEN {
            return Err(DidKeyError::TooLong);
        }
        let value = did
            .strip_prefix(DID_KEY_PREFIX)
            .and_then(|rest| rest.strip_prefix('z'))
            .ok_or(DidKeyError::Prefix)?;
        let raw = encoding::base58btc_decode(value).map_err(|_| DidKeyError::Base58)?;
        let key = raw
            .strip_prefix(&ED25519_MULTICODEC[..])
            .and_then(|key| <[u8; 32]>::try_from(key).ok())
            .ok_or(DidKeyError::NotEd25519)?;
        PublicKey::from_bytes(&key).map_err(DidKeyError::Key)
    }

    /// The identity id: lowercase hex of the first 16 bytes of SHA-256(public key).
    #[must_use]
    pub fn identity_id(&self) -> IdentityId {
        let digest = Digest::sha256(self.as_bytes());
        let mut first = [0u8; 16];
        first.copy_from_slice(digest.as_bytes().get(..16).unwrap_or(&[0u8; 16]));
        IdentityId(first)
    }

    /// Verifies an Ed25519 signature strictly (see the module docs).
    ///
    /// The checks are those of ed25519-dalek's `verify_strict` plus a canonical `R`, in an order
    /// that spares one field exponentiation: `R` is never decompressed. The recomputed point
    /// `[S]B − [k]A` is compressed (canonically) and compared with the canonical bytes of `R`;
    /// equal bytes mean equal points, so `R` has small order exactly when the recomputed point
    /// does, which three doublings decide. The key's own checks were made when it was built.
    pub fn verify(&self, message: &[u8], signature: &Signature) -> Result<(), SignatureError> {
        let (r, s) = signature.0.split_at(32);
        let r: &[u8; 32] = r.try_into().map_err(|_| SignatureError)?;
        let s: [u8; 32] = s.try_into().map_err(|_| SignatureError)?;
        if !is_canonical_point_encoding(r) {
            return Err(SignatureError);
        }
        let s = Option::<Scalar>::from(Scalar::from_canonical_bytes(s)).ok_or(SignatureError)?;
        let k = Scalar::from_hash(
            Sha512::new()
                .chain_update(r)
                .chain_update(self.as_bytes())
                .chain_update(message),
        );
        let minus_a = -self.0.to_edwards();
        let recomputed = EdwardsPoint::vartime_double_scalar_mul_basepoint(&k, &minus_a, &s);
        if recomputed.compress().as_bytes() != r || recomputed.is_small_order() {
            return Err(SignatureError);
        }
        Ok(())
    }

    /// The underlying ed25519-dalek key, for interoperating with code that uses it directly.
    #[must_use]
    pub fn as_dalek(&self) -> &ed25519_dalek::VerifyingKey {
        &self.0
    }
}

/// Whether 32 bytes are the canonical encoding of a field element and sign: y < p = 2^255 − 19,
/// and no "negative zero" x (sign bit set where x = 0, i.e. y = 1 or y = p − 1).
fn is_canonical_point_encoding(bytes: &[u8; 32]) -> bool {
    let mut y = *bytes;
    let sign = y[31] >> 7;
    y[31] &= 0x7f;
    // y >= p  ⇔  y ∈ {p, …, 2^255 − 1}: low byte >= 0xed, then thirty 0xff, then 0x7f.
    let (low, rest) = y.split_at(1);
    let (middle, top) = rest.split_at(30);
    let y_ge_p = low.first().is_some_and(|&b| b >= 0xed)
        && middle.iter().all(|&b| b == 0xff)
        && top.first() == Some(&0x7f);
    if y_ge_p {
        return false;
    }
    if sign == 1 {
        let y_is_one =
            low.first() == Some(&1) && middle.iter().all(|&b| b == 0) && top.first() == Some(&0);
        let y_is_p_minus_one = low.first() == Some(&0xec)
            && middle.iter().all(|&b| b == 0xff)
            && top.first() == Some(&0x7f);
        if y_is_one || y_is_p_minus_one {
            return false;
        }
    }
    true
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_did_key())
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_did_key())
    }
}

impl Serialize for PublicKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64url())
    }
}

impl<'de> Deserialize<'de> for PublicKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        encoding::deserialize_parsed(deserializer, PublicKey::from_base64url)
    }
}

/// An Ed25519 signature (64 bytes: `R ‖ S`). Serialises as unpadded base64url.
///
/// Parsing only checks the length; all other checks happen in [`PublicKey::verify`].
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature([u8; 64]);

impl Signature {
    /// Wraps 64 signature bytes.
    #[must_use]
    pub const fn from_bytes(bytes: [u8; 64]) -> Self {
        Signature(bytes)
    }

    /// The 64 signature bytes.
    #[must_use]
    pub const fn to_bytes(&self) -> [u8; 64] {
        self.0
    }

    /// The 64 signature bytes, borrowed.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; 64] {
        &self.0
    }

    /// Base64url of the 64 bytes, padded or not.
    #[must_use]
    pub fn to_base64url(&self, padding: Padding) -> String {
        encoding::base64url_encode(&self.0, padding)
    }

    /// Parses base64url, padded or not.
    pub fn from_base64url(text: &str) -> Result<Self, EncodingError> {
        encoding::base64url_decode_array::<64>(text).map(Signature)
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({})", self.to_base64url(Padding::Unpadded))
    }
}

impl Serialize for Signature {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64url(Padding::Unpadded))
    }
}

impl<'de> Deserialize<'de> for Signature {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        encoding::deserialize_parsed(deserializer, Signature::from_base64url)
    }
}

/// A short, stable name for an identity: lowercase hex of the first 16 bytes of
/// SHA-256(public key), 32 characters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdentityId([u8; 16]);

/// An identity id string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("identity id must be 32 lowercase hex digits")]
pub struct IdentityIdError;

impl IdentityId {
    /// The 16 bytes.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl fmt::Display for IdentityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&encoding::hex_encode(&self.0))
    }
}

impl fmt::Debug for IdentityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdentityId({self})")
    }
}

impl FromStr for IdentityId {
    type Err = IdentityIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes = encoding::hex_decode_lower(s).map_err(|_| IdentityIdError)?;
        <[u8; 16]>::try_from(bytes.as_slice())
            .map(IdentityId)
            .map_err(|_| IdentityIdError)
    }
}

impl Serialize for IdentityId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for IdentityId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        encoding::deserialize_parsed(deserializer, str::parse)
    }
}

/// A 32-byte Ed25519 seed (the RFC 8032 private key). Zeroized on drop, never printed.
#[derive(Clone)]
pub struct SecretSeed(Zeroizing<[u8; 32]>);

impl SecretSeed {
    /// Wraps seed bytes. The caller should zeroize its own copy.
    #[must_use]
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        SecretSeed(Zeroizing::new(bytes))
    }

    /// Draws a fresh seed from a cryptographic RNG.
    pub fn generate(rng: &mut impl CryptoRngCore) -> Self {
        let mut seed = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(seed.as_mut());
        SecretSeed(seed)
    }

    /// The secret bytes. Handle with care: copies are not zeroized for you.
    #[must_use]
    pub fn expose_secret(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for SecretSeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretSeed([redacted])")
    }
}

/// An Ed25519 identity: a signing key in memory (zeroized on drop) and its public side.
///
/// `Debug` shows the identity id and `did:key`, never the secret.
pub struct Identity {
    signing: ed25519_dalek::SigningKey,
    public: PublicKey,
}

impl Identity {
    /// A fresh identity from a cryptographic RNG (e.g. `rand_core::OsRng`).
    pub fn generate(rng: &mut impl CryptoRngCore) -> Self {
        Self::from_seed(&SecretSeed::generate(rng))
    }

    /// The identity whose RFC 8032 private key is `seed`.
    #[must_use]
    pub fn from_seed(seed: &SecretSeed) -> Self {
        let signing = ed25519_dalek::SigningKey::from_bytes(seed.expose_secret());
        // A key derived from a seed is a multiple of the basepoint (times the clamped scalar),
        // so it is canonical and never of small order.
        let public = PublicKey(signing.verifying_key());
        Identity { signing, public }
    }

    /// The seed, for storing the identity encrypted (see `sanctuary-store`).
    #[must_use]
    pub fn export_seed(&self) -> SecretSeed {
        SecretSeed::from_bytes(self.signing.to_bytes())
    }

    /// The public key.
    #[must_use]
    pub fn public(&self) -> &PublicKey {
        &self.public
    }

    /// The identity id of the public key.
    #[must_use]
    pub fn id(&self) -> IdentityId {
        self.public.identity_id()
    }

    /// Signs `message` (infallible, unlike the [`Signer`] trait method).
    #[must_use]
    pub fn sign_bytes(&self, message: &[u8]) -> Signature {
        Signature(self.signing.sign(message).to_bytes())
    }
}

impl Signer for Identity {
    fn public_key(&self) -> PublicKey {
        self.public
    }

    fn sign(&self, message: &[u8]) -> Result<Signature, SignerError> {
        Ok(self.sign_bytes(message))
    }
}

impl<S: Signer + ?Sized> Signer for &S {
    fn public_key(&self) -> PublicKey {
        (**self).public_key()
    }

    fn sign(&self, message: &[u8]) -> Result<Signature, SignerError> {
        (**self).sign(message)
    }
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("id", &self.id())
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}
