//! Custody of the master key: the secrets that unlock a home, and the wraps stored on disk.
//!
//! The 32-byte master key is never written in the clear. Each way to unlock the home is a
//! *wrap*: the master key encrypted with AES-256-GCM under a key-encryption key (KEK) derived
//! from one secret. The associated data binds the wrap to the store id, its kind, its id and
//! (for a passphrase) its Argon2 parameters, so a wrap cannot be moved to another store, and
//! its parameters cannot be lowered on disk without the unwrap failing.
//!
//! - [`Passphrase`]: KEK = Argon2id(passphrase, salt, parameters) ([`KdfParams`]).
//! - [`RecoveryKey`]: 32 random bytes shown once to the user; KEK = HKDF(recovery key, salt).

use crate::crypto::{self, Key32};
use crate::labels;
use rand_core::CryptoRngCore;
use sha2::{Digest as _, Sha256};
use std::fmt;
use zeroize::{Zeroize, Zeroizing};

/// A passphrase. Zeroized on drop, never printed.
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    /// Wraps a passphrase. It must not be empty.
    pub fn new(passphrase: impl Into<String>) -> Result<Self, CustodyError> {
        let passphrase = Zeroizing::new(passphrase.into());
        if passphrase.is_empty() {
            return Err(CustodyError::EmptyPassphrase);
        }
        Ok(Passphrase(passphrase))
    }

    fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase([redacted])")
    }
}

/// Argon2id cost parameters (RFC 9106).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes over memory.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl KdfParams {
    /// The default: 64 MiB, 3 passes, 4 lanes (about a quarter of a second on a laptop core).
    pub const DEFAULT: KdfParams = KdfParams {
        m_kib: 64 * 1024,
        t: 3,
        p: 4,
    };

    /// The weakest setting the store accepts when it reads parameters from disk. Below it a
    /// wrap is refused as tampered: 8 KiB, 1 pass, 1 lane.
    pub const MIN: KdfParams = KdfParams {
        m_kib: 8,
        t: 1,
        p: 1,
    };

    /// The strongest setting accepted from disk: 4 GiB, 16 passes, 16 lanes (beyond that,
    /// opening would be a denial of service).
    pub const MAX: KdfParams = KdfParams {
        m_kib: 4 * 1024 * 1024,
        t: 16,
        p: 16,
    };

    /// A deliberately weak setting for tests: 8 KiB, 1 pass, 1 lane. Never use it for a real
    /// home: a passphrase under it falls to a brute-force search. The health report flags
    /// parameters below [`KdfParams::DEFAULT`].
    #[must_use]
    pub const fn dangerous_fast_for_tests() -> KdfParams {
        KdfParams::MIN
    }

    /// Whether these parameters are within [`KdfParams::MIN`] and [`KdfParams::MAX`] and
    /// give Argon2 at least 8 KiB per lane.
    #[must_use]
    pub fn is_within_bounds(&self) -> bool {
        (Self::MIN.m_kib..=Self::MAX.m_kib).contains(&self.m_kib)
            && (Self::MIN.t..=Self::MAX.t).contains(&self.t)
            && (Self::MIN.p..=Self::MAX.p).contains(&self.p)
            && self.m_kib >= 8 * self.p
    }

    /// Whether these parameters are weaker than the default in any dimension.
    #[must_use]
    pub fn is_weaker_than_default(&self) -> bool {
        self.m_kib < Self::DEFAULT.m_kib || self.t < Self::DEFAULT.t
    }

    fn to_bytes(self) -> [u8; 12] {
        let mut out = [0u8; 12];
        for (chunk, word) in out.chunks_exact_mut(4).zip([self.m_kib, self.t, self.p]) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        out
    }

    fn from_bytes(bytes: &[u8; 12]) -> Self {
        let word = |i: usize| {
            let mut w = [0u8; 4];
            w.copy_from_slice(bytes.get(i..i + 4).unwrap_or(&[0; 4]));
            u32::from_be_bytes(w)
        };
        KdfParams {
            m_kib: word(0),
            t: word(4),
            p: word(8),
        }
    }
}

impl Default for KdfParams {
    fn default() -> Self {
        KdfParams::DEFAULT
    }
}

/// Crockford's base32 alphabet (no I, L, O, U).
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn crockford(value: u32) -> u8 {
    usize::try_from(value)
        .ok()
        .and_then(|i| CROCKFORD.get(i))
        .copied()
        .unwrap_or(b'0')
}

/// The recovery key: 32 random bytes, shown to the user once as 55 Crockford base32
/// characters in groups of five (the last two bytes encoded are a checksum that catches typos).
///
/// ```
/// use sanctuary_store::RecoveryKey;
/// let key = RecoveryKey::generate(&mut rand_core::OsRng);
/// let text = key.to_display_string();
/// assert_eq!(text.len(), 55 + 10); // 11 groups of 5, 10 hyphens
/// let typed = text.to_lowercase().replace('-', " ");
/// assert_eq!(RecoveryKey::parse(&typed)?.to_display_string(), text);
/// # Ok::<(), sanctuary_store::CustodyError>(())
/// ```
pub struct RecoveryKey(Zeroizing<[u8; 32]>);

impl RecoveryKey {
    /// A fresh recovery key.
    pub fn generate(rng: &mut impl CryptoRngCore) -> Self {
        let mut key = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(key.as_mut());
        RecoveryKey(key)
    }

    /// The key as the user writes it down: `XXXXX-XXXXX-…` (11 groups).
    #[must_use]
    pub fn to_display_string(&self) -> String {
        encode_key_text(&self.0)
    }

    /// Parses what the user typed: case-insensitive; hyphens and white space ignored; `O` read
    /// as `0` and `I`/`L` as `1`. A typo is reported as such (the checksum), before any unlock.
    pub fn parse(text: &str) -> Result<Self, CustodyError> {
        decode_key_text(text).map(RecoveryKey)
    }

    /// The 32 secret bytes.
    pub(crate) fn secret(&self) -> &[u8; 32] {
        &self.0
    }
}

/// The typo-catching checksum of a key written as text (not a secret check: it only tells a
/// mistyped key from a well-formed one).
fn key_checksum(bytes: &[u8; 32]) -> [u8; 2] {
    let h = Sha256::digest([b"sanctuary-store/v1/recovery-checksum".as_slice(), bytes].concat());
    let mut out = [0u8; 2];
    out.copy_from_slice(h.get(..2).unwrap_or(&[0, 0]));
    out
}

/// 32 bytes as 55 Crockford base32 characters (the last two bytes encoded are a checksum) in
/// groups of five.
fn encode_key_text(secret: &[u8; 32]) -> String {
    let mut raw = Zeroizing::new([0u8; 34]);
    let (key, check) = raw.split_at_mut(32);
    key.copy_from_slice(secret);
    check.copy_from_slice(&key_checksum(secret));
    let mut out = String::with_capacity(65);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    let mut chars = 0usize;
    let mut push = |c: u8, out: &mut String| {
        if chars > 0 && chars.is_multiple_of(5) {
            out.push('-');
        }
        out.push(char::from(c));
        chars += 1;
    };
    for &b in raw.iter() {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            push(crockford((acc >> bits) & 31), &mut out);
        }
    }
    if bits > 0 {
        push(crockford((acc << (5 - bits)) & 31), &mut out);
    }
    acc.zeroize();
    out
}

/// Parses a key written by [`encode_key_text`]: case-insensitive; hyphens and white space
/// ignored; `O` read as `0` and `I`/`L` as `1`.
fn decode_key_text(text: &str) -> Result<Zeroizing<[u8; 32]>, CustodyError> {
    let mut raw = Zeroizing::new(Vec::with_capacity(35));
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    let mut count = 0usize;
    for c in text.chars() {
        if c == '-' || c.is_whitespace() {
            continue;
        }
        let c = match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        };
        let value = CROCKFORD
            .iter()
            .position(|&a| char::from(a) == c)
            .ok_or(CustodyError::RecoveryKeyFormat)?;
        count += 1;
        if count > 55 {
            return Err(CustodyError::RecoveryKeyFormat);
        }
        acc = (acc << 5) | value as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            raw.push(((acc >> bits) & 0xff) as u8);
        }
    }
    // 55 characters carry 275 bits: 34 bytes and 3 padding bits, which must be zero.
    if count != 55 || raw.len() != 34 || acc & ((1 << bits) - 1) != 0 {
        return Err(CustodyError::RecoveryKeyFormat);
    }
    acc.zeroize();
    let (body, check) = raw.split_at(32);
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(body);
    if key_checksum(&key)[..] != *check {
        return Err(CustodyError::RecoveryKeyChecksum);
    }
    Ok(key)
}

/// The secret an export bundle is sealed to: 32 random bytes, written like a recovery key
/// (55 Crockford base32 characters with a typo checksum). Give it to the importer over another
/// channel than the bundle.
pub struct BundleKey(Zeroizing<[u8; 32]>);

impl BundleKey {
    /// A fresh bundle key.
    pub fn generate(rng: &mut impl CryptoRngCore) -> Self {
        let mut key = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(key.as_mut());
        BundleKey(key)
    }

    /// The key as text.
    #[must_use]
    pub fn to_display_string(&self) -> String {
        encode_key_text(&self.0)
    }

    /// Parses the key's text.
    pub fn parse(text: &str) -> Result<Self, CustodyError> {
        decode_key_text(text).map(BundleKey)
    }

    pub(crate) fn secret(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for BundleKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BundleKey([redacted])")
    }
}

impl fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryKey([redacted])")
    }
}

/// A custody secret was malformed (before any unlock was tried).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CustodyError {
    /// An empty passphrase.
    #[error("passphrase must not be empty")]
    EmptyPassphrase,
    /// The recovery key is not 55 base32 characters.
    #[error("recovery key must be 55 characters of Crockford base32 (hyphens optional)")]
    RecoveryKeyFormat,
    /// The recovery key's checksum does not match: a typo.
    #[error("recovery key checksum does not match: check for a typo")]
    RecoveryKeyChecksum,
}

/// The kind of a wrap, with what its KEK derivation needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WrapKind {
    Passphrase {
        params: KdfParams,
        salt: [u8; 16],
    },
    Recovery {
        salt: [u8; 16],
    },
    /// The old master, wrapped under a key derived from the new master, while a rotation is
    /// under way: whoever opens the new master can finish the rotation.
    Bridge {
        salt: [u8; 16],
    },
    /// The KEK comes from a secret in a keyring, stored under an account named after the
    /// store id and this salt.
    Keyring {
        salt: [u8; 16],
    },
}

impl WrapKind {
    fn tag(&self) -> u8 {
        match self {
            WrapKind::Passphrase { .. } => 1,
            WrapKind::Recovery { .. } => 2,
            WrapKind::Bridge { .. } => 3,
            WrapKind::Keyring { .. } => 4,
        }
    }
}

/// A wrap of the master key, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Wrap {
    pub(crate) id: [u8; 16],
    /// A public fingerprint of the wrapped master key ([`master_id`]), so a key file that holds
    /// wraps of two masters (during a rotation) tells them apart.
    pub(crate) master_id: [u8; 8],
    pub(crate) kind: WrapKind,
    /// `nonce ‖ ciphertext ‖ tag` of the master key.
    pub(crate) sealed: Vec<u8>,
}

/// Wraps refused when read: malformed bytes or parameters out of bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WrapFormatError;

const WRAP_FORMAT: u8 = 1;
const SEALED_KEY_LEN: usize = crypto::NONCE_LEN + 32 + crypto::TAG_LEN;

impl Wrap {
    fn header(&self) -> Vec<u8> {
        let mut out = vec![WRAP_FORMAT, self.kind.tag()];
        out.extend_from_slice(&self.id);
        out.extend_from_slice(&self.master_id);
        match self.kind {
            WrapKind::Passphrase { params, salt } => {
                out.extend_from_slice(&params.to_bytes());
                out.extend_from_slice(&salt);
            }
            WrapKind::Recovery { salt }
            | WrapKind::Bridge { salt }
            | WrapKind::Keyring { salt } => out.extend_from_slice(&salt),
        }
        out
    }

    /// `format ‖ kind ‖ id ‖ kind-specific fields ‖ sealed master key`.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = self.header();
        out.extend_from_slice(&self.sealed);
        out
    }

    pub(crate) fn decode(bytes: &[u8]) -> Result<Wrap, WrapFormatError> {
        let (&format, rest) = bytes.split_first().ok_or(WrapFormatError)?;
        let (&kind, rest) = rest.split_first().ok_or(WrapFormatError)?;
        let (id, rest) = rest.split_first_chunk::<16>().ok_or(WrapFormatError)?;
        let (master_id, rest) = rest.split_first_chunk::<8>().ok_or(WrapFormatError)?;
        if format != WRAP_FORMAT {
            return Err(WrapFormatError);
        }
        let (kind, rest) = match kind {
            1 => {
                let (params, rest) = rest.split_first_chunk::<12>().ok_or(WrapFormatError)?;
                let (salt, rest) = rest.split_first_chunk::<16>().ok_or(WrapFormatError)?;
                let params = KdfParams::from_bytes(params);
                if !params.is_within_bounds() {
                    return Err(WrapFormatError);
                }
                (
                    WrapKind::Passphrase {
                        params,
                        salt: *salt,
                    },
                    rest,
                )
            }
            2 => {
                let (salt, rest) = rest.split_first_chunk::<16>().ok_or(WrapFormatError)?;
                (WrapKind::Recovery { salt: *salt }, rest)
            }
            3 => {
                let (salt, rest) = rest.split_first_chunk::<16>().ok_or(WrapFormatError)?;
                (WrapKind::Bridge { salt: *salt }, rest)
            }
            4 => {
                let (salt, rest) = rest.split_first_chunk::<16>().ok_or(WrapFormatError)?;
                (WrapKind::Keyring { salt: *salt }, rest)
            }
            _ => return Err(WrapFormatError),
        };
        if rest.len() != SEALED_KEY_LEN {
            return Err(WrapFormatError);
        }
        Ok(Wrap {
            id: *id,
            master_id: *master_id,
            kind,
            sealed: rest.to_vec(),
        })
    }

    fn aad(&self, store_id: &[u8; 16]) -> Vec<u8> {
        crypto::aad(&[labels::AAD_WRAP, store_id, &self.header()])
    }

    /// Wraps `master` under `kek`.
    pub(crate) fn seal(
        store_id: &[u8; 16],
        kind: WrapKind,
        kek: &Key32,
        master: &Key32,
        rng: &mut impl CryptoRngCore,
    ) -> Wrap {
        let mut id = [0u8; 16];
        rng.fill_bytes(&mut id);
        let mut wrap = Wrap {
            id,
            master_id: master_id(master),
            kind,
            sealed: Vec::new(),
        };
        let aad = wrap.aad(store_id);
        wrap.sealed = crypto::seal(kek, &aad, master.as_bytes(), rng);
        wrap
    }

    /// Unwraps with `kek`; `None` for a wrong KEK or a tampered wrap.
    pub(crate) fn open(&self, store_id: &[u8; 16], kek: &Key32) -> Option<Key32> {
        let plain = crypto::open(kek, &self.aad(store_id), &self.sealed).ok()?;
        let key: [u8; 32] = plain.as_slice().try_into().ok()?;
        let key = Key32::from_bytes(key);
        (master_id(&key) == self.master_id).then_some(key)
    }
}

/// A public fingerprint of a master key: the first 8 bytes of an HMAC under it. It tells at
/// most two keys apart (during a rotation) and reveals nothing usable about the key.
pub(crate) fn master_id(master: &Key32) -> [u8; 8] {
    let mac = crypto::hmac(master, &[labels::MAC_MASTER_ID]);
    let mut id = [0u8; 8];
    id.copy_from_slice(mac.get(..8).unwrap_or(&[0; 8]));
    id
}

/// The KEK of a passphrase wrap: Argon2id. Returns `None` only if Argon2 rejects the
/// parameters (they are bounds-checked before this is called).
pub(crate) fn passphrase_kek(
    passphrase: &Passphrase,
    params: KdfParams,
    salt: &[u8; 16],
) -> Option<Key32> {
    let argon_params = argon2::Params::new(params.m_kib, params.t, params.p, Some(32)).ok()?;
    let argon = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon_params,
    );
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase.as_bytes(), salt, out.as_mut())
        .ok()?;
    Some(Key32::from_bytes(*out))
}

/// The KEK of a bridge wrap: HKDF-SHA256 of the new master key.
pub(crate) fn bridge_kek(new_master: &Key32, salt: &[u8; 16]) -> Key32 {
    crypto::hkdf(new_master.as_bytes(), salt, &[labels::HKDF_BRIDGE_KEK])
}

/// The KEK of a keyring wrap: HKDF-SHA256 of the 32-byte keyring secret.
pub(crate) fn keyring_kek(secret: &[u8; 32], salt: &[u8; 16]) -> Key32 {
    crypto::hkdf(secret, salt, &[labels::HKDF_KEYRING_KEK])
}

/// The keyring account of a keyring wrap: `<store id hex>-<salt hex>`.
pub(crate) fn keyring_account(store_id: &[u8; 16], salt: &[u8; 16]) -> String {
    format!(
        "{}-{}",
        sanctuary_core::encoding::hex_encode(store_id),
        sanctuary_core::encoding::hex_encode(salt)
    )
}

/// The KEK of a recovery wrap: HKDF-SHA256 of the recovery key.
pub(crate) fn recovery_kek(key: &RecoveryKey, salt: &[u8; 16]) -> Key32 {
    crypto::hkdf(key.secret(), salt, &[labels::HKDF_RECOVERY_KEK])
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    #[test]
    fn recovery_key_round_trip_and_typos() {
        let key = RecoveryKey::generate(&mut OsRng);
        let text = key.to_display_string();
        assert_eq!(text.split('-').count(), 11);
        assert!(text.split('-').all(|g| g.len() == 5));
        let back = RecoveryKey::parse(&text).unwrap();
        assert_eq!(back.0.as_ref(), key.0.as_ref());
        // Lowercase, spaces, O for 0 and L for 1 are all accepted.
        let sloppy = text
            .to_lowercase()
            .replace('-', "  ")
            .replace('0', "o")
            .replace('1', "l");
        assert_eq!(
            RecoveryKey::parse(&sloppy).unwrap().0.as_ref(),
            key.0.as_ref()
        );
        // One character changed is caught by the checksum (or the padding rule).
        let mut chars: Vec<char> = text.chars().collect();
        chars[7] = if chars[7] == 'A' { 'B' } else { 'A' };
        let typo: String = chars.into_iter().collect();
        assert!(RecoveryKey::parse(&typo).is_err());
        for bad in ["", "ABCDE", &format!("{text}-A"), &text.replace('A', "U")] {
            if bad != text {
                assert!(RecoveryKey::parse(bad).is_err(), "{bad}");
            }
        }
        assert!(!format!("{key:?}").contains(&text[..5]));
    }

    #[test]
    fn wrap_round_trip_and_binding() {
        let store_id = [7u8; 16];
        let master = Key32::random(&mut OsRng);
        let kek = Key32::random(&mut OsRng);
        let kind = WrapKind::Recovery { salt: [1; 16] };
        let wrap = Wrap::seal(&store_id, kind, &kek, &master, &mut OsRng);
        let decoded = Wrap::decode(&wrap.encode()).unwrap();
        assert_eq!(decoded, wrap);
        assert_eq!(
            decoded.open(&store_id, &kek).unwrap().as_bytes(),
            master.as_bytes()
        );
        assert!(
            decoded.open(&[8u8; 16], &kek).is_none(),
            "moved to another store"
        );
        assert!(
            decoded
                .open(&store_id, &Key32::random(&mut OsRng))
                .is_none()
        );
        // Any byte flipped: refused at decode or at open.
        let bytes = wrap.encode();
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x10;
            let opened = Wrap::decode(&bad)
                .ok()
                .and_then(|w| w.open(&store_id, &kek));
            assert!(opened.is_none(), "byte {i}");
        }
        for len in 0..bytes.len() {
            assert!(Wrap::decode(&bytes[..len]).is_err());
        }
    }

    #[test]
    fn passphrase_params_out_of_bounds_are_refused_at_decode() {
        let store_id = [1u8; 16];
        let master = Key32::random(&mut OsRng);
        let params = KdfParams::dangerous_fast_for_tests();
        let pass = Passphrase::new("correct horse").unwrap();
        let salt = [3u8; 16];
        let kek = passphrase_kek(&pass, params, &salt).unwrap();
        let wrap = Wrap::seal(
            &store_id,
            WrapKind::Passphrase { params, salt },
            &kek,
            &master,
            &mut OsRng,
        );
        let opened = Wrap::decode(&wrap.encode())
            .unwrap()
            .open(&store_id, &kek)
            .unwrap();
        assert_eq!(opened.as_bytes(), master.as_bytes());
        for hostile in [
            KdfParams {
                m_kib: u32::MAX,
                t: 3,
                p: 4,
            },
            KdfParams {
                m_kib: 65536,
                t: 1000,
                p: 4,
            },
            KdfParams {
                m_kib: 65536,
                t: 3,
                p: 0,
            },
            KdfParams {
                m_kib: 8,
                t: 1,
                p: 4,
            },
        ] {
            let mut w = wrap.clone();
            w.kind = WrapKind::Passphrase {
                params: hostile,
                salt,
            };
            assert_eq!(
                Wrap::decode(&w.encode()),
                Err(WrapFormatError),
                "{hostile:?}"
            );
        }
        assert!(Passphrase::new("").is_err());
        assert_eq!(format!("{pass:?}"), "Passphrase([redacted])");
    }
}
