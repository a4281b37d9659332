//! Export bundles: entries of one home, sealed to a [`BundleKey`] and signed by the exporting
//! store, to be imported into another home under that home's own keys.
//!
//! ```text
//! bundle    = "SNCTBNDL" ‖ format (1) ‖ salt (16) ‖ nonce (12) ‖ ciphertext ‖ tag (16)
//!             AES-256-GCM under HKDF(bundle key, salt, "bundle-key"), AAD = the 25-byte header
//! plaintext = signer public key (32) ‖ signature (64) ‖ body
//! body      = created (8, Unix ms) ‖ count (4) ‖ entry*
//! entry     = ns length (1) ‖ ns ‖ key length (2) ‖ key ‖ content type length (1) ‖ content type
//!             ‖ tag count (1) ‖ (tag length (1) ‖ tag)* ‖ expires (8, Unix ms, i64::MIN = never)
//!             ‖ value length (4) ‖ value
//! signature = Ed25519 by the exporting store, purpose `store-bundle`,
//!             over {"bundle": "sha256:<SHA-256 of body>", "entries": "<count>"}
//! ```

use crate::crypto;
use crate::custody::BundleKey;
use crate::labels;
use rand_core::OsRng;
use sanctuary_core::digest::Digest;
use sanctuary_core::identity::{Identity, PublicKey, Signature};
use sanctuary_core::purpose::Purpose;
use sanctuary_core::sign;
use sanctuary_core::state::{validate_key, validate_namespace, validate_value};
use zeroize::Zeroizing;

const MAGIC: &[u8; 8] = b"SNCTBNDL";
const FORMAT: u8 = 1;
const HEADER_LEN: usize = 8 + 1 + 16;

/// One entry carried by a bundle.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct BundleEntry {
    pub(crate) ns: String,
    pub(crate) key: String,
    pub(crate) content_type: String,
    pub(crate) tags: Vec<String>,
    pub(crate) expires_ms: Option<i64>,
    pub(crate) value: Zeroizing<Vec<u8>>,
}

/// Why a bundle was refused. Nothing is written when a bundle is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    /// Not a bundle of this format.
    #[error("not a sanctuary bundle")]
    Format,
    /// The bundle does not open with this key, or was altered (one opaque error).
    #[error("bundle does not open with this key, or was altered")]
    Open,
    /// The contents are malformed.
    #[error("bundle contents are malformed")]
    Malformed,
    /// The signature does not verify, or the signer is not the expected one.
    #[error("bundle signature does not verify for the expected signer")]
    Signature,
    /// An entry breaks the store's rules (name, size, metadata).
    #[error("bundle entry breaks the store's rules")]
    InvalidEntry,
}

fn signed_body(digest: &Digest, count: u32) -> serde_json::Value {
    serde_json::json!({ "bundle": digest.to_string(), "entries": count.to_string() })
}

fn bundle_key(key: &BundleKey, salt: &[u8; 16]) -> crypto::Key32 {
    crypto::hkdf(key.secret(), salt, &[labels::HKDF_BUNDLE_KEY])
}

fn put_len(out: &mut Vec<u8>, len: usize, width: usize) {
    let bytes = (len as u64).to_be_bytes();
    out.extend_from_slice(bytes.get(8 - width..).unwrap_or_default());
}

/// Seals `entries` into a bundle signed by `signer`.
pub(crate) fn seal(
    entries: &[BundleEntry],
    created_ms: i64,
    signer: &Identity,
    key: &BundleKey,
) -> Result<Vec<u8>, BundleError> {
    let mut body = Zeroizing::new(Vec::new());
    body.extend_from_slice(&created_ms.to_be_bytes());
    let count = u32::try_from(entries.len()).map_err(|_| BundleError::InvalidEntry)?;
    body.extend_from_slice(&count.to_be_bytes());
    for e in entries {
        put_len(&mut body, e.ns.len(), 1);
        body.extend_from_slice(e.ns.as_bytes());
        put_len(&mut body, e.key.len(), 2);
        body.extend_from_slice(e.key.as_bytes());
        put_len(&mut body, e.content_type.len(), 1);
        body.extend_from_slice(e.content_type.as_bytes());
        put_len(&mut body, e.tags.len(), 1);
        for tag in &e.tags {
            put_len(&mut body, tag.len(), 1);
            body.extend_from_slice(tag.as_bytes());
        }
        body.extend_from_slice(&e.expires_ms.unwrap_or(i64::MIN).to_be_bytes());
        put_len(&mut body, e.value.len(), 4);
        body.extend_from_slice(&e.value);
    }
    let signature = sign::sign_json(
        signer,
        Purpose::STORE_BUNDLE,
        &signed_body(&Digest::sha256(&body), count),
    )
    .map_err(|_| BundleError::Signature)?;
    let mut plain = Zeroizing::new(Vec::with_capacity(96 + body.len()));
    plain.extend_from_slice(signer.public().as_bytes());
    plain.extend_from_slice(signature.as_bytes());
    plain.extend_from_slice(&body);
    let mut salt = [0u8; 16];
    rand_core::RngCore::fill_bytes(&mut OsRng, &mut salt);
    let header = [MAGIC.as_slice(), &[FORMAT], &salt].concat();
    let sealed = crypto::seal(&bundle_key(key, &salt), &header, &plain, &mut OsRng);
    Ok([header, sealed].concat())
}

/// Opens, authenticates and parses a bundle: (signer, entries). Every entry is validated.
pub(crate) fn open(
    bundle: &[u8],
    key: &BundleKey,
    expected: Option<&PublicKey>,
) -> Result<(PublicKey, Vec<BundleEntry>), BundleError> {
    let (header, sealed) = bundle
        .split_at_checked(HEADER_LEN)
        .ok_or(BundleError::Format)?;
    let salt: [u8; 16] = header
        .strip_prefix(MAGIC.as_slice())
        .and_then(|rest| rest.strip_prefix(&[FORMAT]))
        .and_then(|salt| salt.try_into().ok())
        .ok_or(BundleError::Format)?;
    let plain =
        crypto::open(&bundle_key(key, &salt), header, sealed).map_err(|_| BundleError::Open)?;
    parse_plaintext(&plain, expected)
}

/// Parses and authenticates a bundle's plaintext (also the fuzzing entry point).
pub(crate) fn parse_plaintext(
    plain: &[u8],
    expected: Option<&PublicKey>,
) -> Result<(PublicKey, Vec<BundleEntry>), BundleError> {
    let (signer, rest) = plain
        .split_first_chunk::<32>()
        .ok_or(BundleError::Malformed)?;
    let (signature, body) = rest
        .split_first_chunk::<64>()
        .ok_or(BundleError::Malformed)?;
    let (_created, rest) = body
        .split_first_chunk::<8>()
        .ok_or(BundleError::Malformed)?;
    let (count, mut rest) = rest
        .split_first_chunk::<4>()
        .ok_or(BundleError::Malformed)?;
    let count = u32::from_be_bytes(*count);
    fn take<'a>(rest: &mut &'a [u8], n: usize) -> Result<&'a [u8], BundleError> {
        let (head, tail) = rest.split_at_checked(n).ok_or(BundleError::Malformed)?;
        *rest = tail;
        Ok(head)
    }
    fn len(rest: &mut &[u8], width: usize) -> Result<usize, BundleError> {
        let bytes = take(rest, width)?;
        Ok(bytes
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b)))
    }
    fn text(rest: &mut &[u8], width: usize) -> Result<String, BundleError> {
        let n = len(rest, width)?;
        String::from_utf8(take(rest, n)?.to_vec()).map_err(|_| BundleError::Malformed)
    }
    // Each entry takes at least 18 bytes: a count larger than that allows is malformed.
    if usize::try_from(count).map_or(true, |c| c > rest.len() / 18 + 1) {
        return Err(BundleError::Malformed);
    }
    let mut entries = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
    for _ in 0..count {
        let ns = text(&mut rest, 1)?;
        let key = text(&mut rest, 2)?;
        let content_type = text(&mut rest, 1)?;
        let tag_count = len(&mut rest, 1)?;
        let tags = (0..tag_count)
            .map(|_| text(&mut rest, 1))
            .collect::<Result<Vec<_>, _>>()?;
        let expires: [u8; 8] = take(&mut rest, 8)?
            .try_into()
            .map_err(|_| BundleError::Malformed)?;
        let expires_ms = match i64::from_be_bytes(expires) {
            i64::MIN => None,
            ms => Some(ms),
        };
        let value_len = len(&mut rest, 4)?;
        let value = Zeroizing::new(take(&mut rest, value_len)?.to_vec());
        entries.push(BundleEntry {
            ns,
            key,
            content_type,
            tags,
            expires_ms,
            value,
        });
    }
    if !rest.is_empty() {
        return Err(BundleError::Malformed);
    }
    // Structure first (the plaintext is already authenticated by the bundle key), then origin,
    // then the store's rules.
    let signer = PublicKey::from_bytes(signer).map_err(|_| BundleError::Signature)?;
    if expected.is_some_and(|e| *e != signer) {
        return Err(BundleError::Signature);
    }
    sign::verify_json(
        &signer,
        Purpose::STORE_BUNDLE,
        &signed_body(&Digest::sha256(body), count),
        &Signature::from_bytes(*signature),
    )
    .map_err(|_| BundleError::Signature)?;
    if entries.iter().any(|e| {
        validate_namespace(&e.ns).is_err()
            || validate_key(&e.key).is_err()
            || validate_value(&e.value).is_err()
    }) {
        return Err(BundleError::InvalidEntry);
    }
    Ok((signer, entries))
}

/// Fuzzing hooks (compiled only under `cfg(fuzzing)`).
#[cfg(fuzzing)]
pub mod fuzzing {
    /// Parses a bundle plaintext; never panics.
    pub fn parse_plaintext(bytes: &[u8]) -> bool {
        super::parse_plaintext(bytes, None).is_ok()
    }
}
