//! The store's only cryptographic primitives: HKDF-SHA256, HMAC-SHA256 and AES-256-GCM with
//! random 96-bit nonces. Every key lives in a [`Key32`], which zeroizes on drop.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use rand_core::CryptoRngCore;
use sha2::Sha256;
use std::fmt;
use zeroize::Zeroizing;

/// Bytes of an AES-GCM nonce.
pub(crate) const NONCE_LEN: usize = 12;
/// Bytes of an AES-GCM tag.
pub(crate) const TAG_LEN: usize = 16;

/// A 256-bit secret key. Zeroized on drop; `Debug` prints nothing secret.
#[derive(Clone)]
pub(crate) struct Key32(Zeroizing<[u8; 32]>);

impl Key32 {
    pub(crate) fn from_bytes(bytes: [u8; 32]) -> Self {
        Key32(Zeroizing::new(bytes))
    }

    pub(crate) fn random(rng: &mut impl CryptoRngCore) -> Self {
        let mut key = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(key.as_mut());
        Key32(key)
    }

    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for Key32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key32([redacted])")
    }
}

/// A decryption failed: wrong key, wrong associated data, or altered bytes. One opaque error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OpenError;

/// HKDF-SHA256 (RFC 5869): extract with `salt`, expand to 32 bytes with `info` = the parts
/// concatenated (callers use fixed-length parts after a registered label).
pub(crate) fn hkdf(ikm: &[u8], salt: &[u8], info: &[&[u8]]) -> Key32 {
    let hk = hkdf::Hkdf::<Sha256>::new(Some(salt), ikm);
    let mut out = Zeroizing::new([0u8; 32]);
    // 32 bytes is far below HKDF's limit of 255 × 32, so expand cannot fail.
    let _ = hk.expand_multi_info(info, out.as_mut());
    Key32(out)
}

/// HKDF-Expand only, from a key that is already a pseudorandom key (the output of [`hkdf`]).
pub(crate) fn hkdf_expand(prk: &Key32, info: &[&[u8]]) -> Key32 {
    let mut out = Zeroizing::new([0u8; 32]);
    if let Ok(hk) = hkdf::Hkdf::<Sha256>::from_prk(prk.as_bytes()) {
        let _ = hk.expand_multi_info(info, out.as_mut());
    }
    Key32(out)
}

/// HMAC-SHA256 (RFC 2104).
pub(crate) fn hmac(key: &Key32, data: &[&[u8]]) -> [u8; 32] {
    mac_over(key, data).finalize().into_bytes().into()
}

/// HMAC-SHA256 state after absorbing `data`.
fn mac_over(key: &Key32, data: &[&[u8]]) -> Hmac<Sha256> {
    // HMAC zero-pads keys shorter than the 64-byte block; padding explicitly gives the same
    // key through the infallible constructor.
    let mut block = Zeroizing::new([0u8; 64]);
    let (head, _) = block.split_at_mut(32);
    head.copy_from_slice(key.as_bytes());
    let mut mac = <Hmac<Sha256> as KeyInit>::new(block.as_ref().into());
    for part in data {
        mac.update(part);
    }
    mac
}

/// Checks an HMAC-SHA256 tag in constant time.
pub(crate) fn hmac_verify(key: &Key32, data: &[&[u8]], tag: &[u8]) -> bool {
    mac_over(key, data).verify_slice(tag).is_ok()
}

/// AES-256-GCM with a fresh random nonce: returns `nonce ‖ ciphertext ‖ tag`.
pub(crate) fn seal(
    key: &Key32,
    aad: &[u8],
    plaintext: &[u8],
    rng: &mut impl CryptoRngCore,
) -> Vec<u8> {
    let cipher = Aes256Gcm::new(key.as_bytes().into());
    let mut nonce = [0u8; NONCE_LEN];
    rng.fill_bytes(&mut nonce);
    let mut out = Vec::with_capacity(NONCE_LEN + plaintext.len() + TAG_LEN);
    out.extend_from_slice(&nonce);
    // Encryption fails only for plaintexts over 64 GiB; values are capped at 16 MiB.
    if let Ok(ct) = cipher.encrypt(
        Nonce::from_slice(&nonce),
        Payload {
            msg: plaintext,
            aad,
        },
    ) {
        out.extend_from_slice(&ct);
    }
    out
}

/// Opens what [`seal`] produced.
pub(crate) fn open(
    key: &Key32,
    aad: &[u8],
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, OpenError> {
    let (nonce, ct) = sealed.split_at_checked(NONCE_LEN).ok_or(OpenError)?;
    if ct.len() < TAG_LEN {
        return Err(OpenError);
    }
    let cipher = Aes256Gcm::new(key.as_bytes().into());
    cipher
        .decrypt(Nonce::from_slice(nonce), Payload { msg: ct, aad })
        .map(Zeroizing::new)
        .map_err(|_| OpenError)
}

/// Concatenates associated-data parts (fixed-length fields after a registered label).
pub(crate) fn aad(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    // RFC 5869 test case 1 (first 32 bytes of OKM).
    #[test]
    fn hkdf_rfc5869_case_1() {
        let ikm = [0x0b; 22];
        let salt: Vec<u8> = (0x00..=0x0c).collect();
        let info: Vec<u8> = (0xf0..=0xf9).collect();
        let okm = hkdf(&ikm, &salt, &[&info[..4], &info[4..]]);
        assert_eq!(
            sanctuary_core::encoding::hex_encode(okm.as_bytes()),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
        );
    }

    // RFC 4231 test case 2 (key "Jefe").
    #[test]
    fn hmac_rfc4231_case_2() {
        let mut key = [0u8; 32];
        key[..4].copy_from_slice(b"Jefe");
        // HMAC pads short keys with zeros, so a zero-padded 32-byte key is the same key.
        let mac = hmac(
            &Key32::from_bytes(key),
            &[b"what do ya want ", b"for nothing?"],
        );
        assert_eq!(
            sanctuary_core::encoding::hex_encode(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn seal_open_and_every_tamper_fails() {
        let key = Key32::random(&mut OsRng);
        let sealed = seal(&key, b"aad", b"secret value", &mut OsRng);
        assert_eq!(
            open(&key, b"aad", &sealed).unwrap().as_slice(),
            b"secret value"
        );
        assert_eq!(open(&key, b"aae", &sealed), Err(OpenError));
        assert_eq!(
            open(&Key32::random(&mut OsRng), b"aad", &sealed),
            Err(OpenError)
        );
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 0x01;
            assert_eq!(open(&key, b"aad", &bad), Err(OpenError), "byte {i}");
        }
        for len in 0..sealed.len() {
            assert_eq!(
                open(&key, b"aad", &sealed[..len]),
                Err(OpenError),
                "truncated to {len}"
            );
        }
        // Nonces differ between two seals of the same plaintext.
        assert_ne!(
            seal(&key, b"", b"x", &mut OsRng)[..NONCE_LEN],
            seal(&key, b"", b"x", &mut OsRng)[..NONCE_LEN]
        );
    }
}
