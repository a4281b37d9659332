//! The primitives every Concordia artefact shares: parsing, canonical bytes, `sha256:` digests,
//! base64url signatures and public keys, and signing an object "minus some members".
//!
//! Concordia signs raw bytes with Ed25519, without a domain-separation prefix: the preimage is
//! the RFC 8785 (JCS) form of the object with some top-level members removed. Which members
//! depends on the artefact (a message drops `signature`; a receipt bundle drops
//! `agent_signature` and its version marker), so every helper here takes the list.
//!
//! Canonical bytes come from [`sanctuary_core::jcs`], which sorts members by UTF-16 code units
//! and writes numbers the ECMAScript way, exactly as the Python reference does. Two places where
//! the core is stricter than the reference: an integer beyond 2^53 whose canonical form is not
//! its own spelling is refused (Python writes the big integer verbatim, so no other
//! implementation could verify it), and duplicate member names are refused at parse time.

use sanctuary_core::encoding::{Padding, base64url_decode, base64url_encode};
use sanctuary_core::identity::{PublicKey, Signature, Signer};
use sanctuary_core::jcs::{self, JcsError};
use sanctuary_core::time::Timestamp;
use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};

/// The `prev_hash` of the first message of a session: `sha256:` and 64 zeros.
pub const GENESIS_HASH: &str =
    "sha256:0000000000000000000000000000000000000000000000000000000000000000";

/// The prefix of every Concordia digest.
pub const SHA256_PREFIX: &str = "sha256:";

/// The largest JSON text the parsers here accept (16 MiB): a bound on what a peer can make us
/// hold, far above any real message, bundle or proof.
pub const MAX_TEXT_LEN: usize = 16 * 1024 * 1024;

/// Why a wire-level operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WireError {
    /// The text is not acceptable JSON (syntax, duplicate member, NaN, inexact integer, depth).
    #[error("invalid json: {0}")]
    Json(#[from] JcsError),
    /// The text is longer than [`MAX_TEXT_LEN`].
    #[error("json text of {len} bytes exceeds the {max}-byte limit")]
    TooLarge {
        /// The length given.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A value that must be a JSON object is not one.
    #[error("{what} is not a json object")]
    NotObject {
        /// What was expected.
        what: &'static str,
    },
    /// A signature is not base64url of 64 bytes.
    #[error("signature is not base64url of 64 bytes")]
    SignatureEncoding,
    /// A public key is not base64 of 32 bytes of a valid Ed25519 point.
    #[error("public key is not base64url of a valid 32-byte ed25519 key")]
    PublicKeyEncoding,
    /// The signature does not verify.
    #[error("signature does not verify")]
    BadSignature,
    /// The signer failed (a hardware or remote key).
    #[error("signer failed: {0}")]
    Signer(String),
    /// A digest is not `sha256:` and 64 lowercase hex digits.
    #[error("digest is not sha256:<64 lowercase hex>")]
    DigestFormat,
}

/// Parses JSON text strictly: at most [`MAX_TEXT_LEN`] bytes, no duplicate members, no NaN or
/// infinities, no lone surrogates, nesting within the core's limit.
pub fn parse(text: &str) -> Result<Value, WireError> {
    if text.len() > MAX_TEXT_LEN {
        return Err(WireError::TooLarge {
            len: text.len(),
            max: MAX_TEXT_LEN,
        });
    }
    Ok(jcs::parse(text)?)
}

/// The canonical (RFC 8785) bytes of a value.
pub fn canonical(value: &Value) -> Result<Vec<u8>, WireError> {
    Ok(jcs::to_vec(value)?)
}

/// The canonical bytes of `object` with the top-level members named in `excluded` left out,
/// written without copying the object.
pub fn canonical_without(
    object: &Map<String, Value>,
    excluded: &[&str],
) -> Result<Vec<u8>, WireError> {
    let mut members: Vec<(&String, &Value)> = object
        .iter()
        .filter(|(name, _)| !excluded.contains(&name.as_str()))
        .collect();
    members.sort_by(|a, b| jcs::utf16_cmp(a.0, b.0));
    let mut out = Vec::with_capacity(256);
    out.push(b'{');
    for (i, (name, value)) in members.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // A member name is written as a JSON string; the core writes strings canonically.
        jcs::append_to(&Value::String(name.clone()), &mut out)?;
        out.push(b':');
        jcs::append_to(value, &mut out)?;
    }
    out.push(b'}');
    Ok(out)
}

/// The canonical bytes of `object` both with and without its top-level `member`, from one
/// pass: `(without, with)`. A message's signature covers the first and its chain hash the
/// second; computing them together halves the canonicalisation work per message.
pub fn canonical_with_and_without(
    object: &Map<String, Value>,
    member: &str,
) -> Result<(Vec<u8>, Vec<u8>), WireError> {
    let (full, marks) = canonical_marking(object, member)?;
    let without = match marks {
        Some(Marks { entry, .. }) => cut(&full, &entry),
        None => full.clone(),
    };
    Ok((without, full))
}

/// Where one top-level member stands in an object's canonical bytes.
struct Marks {
    /// Its entry, with the comma that separates it from a neighbour: removing this range
    /// leaves the canonical bytes of the object without the member.
    entry: std::ops::Range<usize>,
    /// Its value.
    value: std::ops::Range<usize>,
}

/// The canonical bytes of `object`, and where its top-level `member` stands in them (if present).
fn canonical_marking(
    object: &Map<String, Value>,
    member: &str,
) -> Result<(Vec<u8>, Option<Marks>), WireError> {
    let mut members: Vec<(&String, &Value)> = object.iter().collect();
    members.sort_by(|a, b| jcs::utf16_cmp(a.0, b.0));
    let mut full = Vec::with_capacity(512);
    full.push(b'{');
    let mut marks = None;
    let last = members.len().saturating_sub(1);
    for (i, (name, value)) in members.into_iter().enumerate() {
        let start = full.len();
        if i > 0 {
            full.push(b',');
        }
        jcs::append_to(&Value::String(name.clone()), &mut full)?;
        full.push(b':');
        let value_start = full.len();
        jcs::append_to(value, &mut full)?;
        if name == member {
            // The first entry takes the comma after it (if any); others the comma before.
            let end = if i == 0 && i < last {
                full.len() + 1
            } else {
                full.len()
            };
            marks = Some(Marks {
                entry: start..end,
                value: value_start..full.len(),
            });
        }
    }
    full.push(b'}');
    Ok((full, marks))
}

/// `bytes` without `range`.
fn cut(bytes: &[u8], range: &std::ops::Range<usize>) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(bytes.get(..range.start).unwrap_or_default());
    out.extend_from_slice(bytes.get(range.end..).unwrap_or_default());
    out
}

/// Signs `object` over its canonical bytes without the top-level `member`, stores the padded
/// base64url signature as `member`, and returns the canonical bytes of the signed object, all
/// from one canonicalisation: the member is written with an empty placeholder (its place in
/// the order depends on its name only), cut out for the preimage, and the signature spliced
/// into the placeholder's place.
pub(crate) fn sign_in_place<S: Signer + ?Sized>(
    object: &mut Map<String, Value>,
    member: &str,
    signer: &S,
) -> Result<Vec<u8>, WireError> {
    object.insert(member.to_owned(), Value::String(String::new()));
    let (placeholder, marks) = canonical_marking(object, member)?;
    let Some(Marks { entry, value }) = marks else {
        // Unreachable: the member was just inserted. Fall back to the plain path.
        object.remove(member);
        let signature = sign_object(object, &[member], signer)?;
        object.insert(member.to_owned(), Value::String(signature));
        return canonical_without(object, &[]);
    };
    let preimage = cut(&placeholder, &entry);
    let signature = encode_signature(
        &signer
            .sign(&preimage)
            .map_err(|e| WireError::Signer(e.to_string()))?,
    );
    let signature = Value::String(signature);
    let mut signed = Vec::with_capacity(placeholder.len() + 90);
    signed.extend_from_slice(placeholder.get(..value.start).unwrap_or_default());
    jcs::append_to(&signature, &mut signed)?;
    signed.extend_from_slice(placeholder.get(value.end..).unwrap_or_default());
    object.insert(member.to_owned(), signature);
    Ok(signed)
}

/// `sha256:` and the lowercase hex SHA-256 of `bytes`.
#[must_use]
pub fn sha256_ref(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(SHA256_PREFIX.len() + 64);
    out.push_str(SHA256_PREFIX);
    out.push_str(&sanctuary_core::encoding::hex_encode(&digest));
    out
}

/// `sha256:` and the hex SHA-256 of the canonical bytes of `value` (a message hash, an offer
/// digest, a decision id).
pub fn hash_value(value: &Value) -> Result<String, WireError> {
    Ok(sha256_ref(&canonical(value)?))
}

/// Checks that `text` is `sha256:` followed by 64 lowercase hex digits.
pub fn check_sha256_ref(text: &str) -> Result<(), WireError> {
    let hex = text
        .strip_prefix(SHA256_PREFIX)
        .ok_or(WireError::DigestFormat)?;
    if hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        Ok(())
    } else {
        Err(WireError::DigestFormat)
    }
}

/// Writes a signature as **padded** base64url, the form the Python verifier requires.
#[must_use]
pub fn encode_signature(signature: &Signature) -> String {
    signature.to_base64url(Padding::Padded)
}

/// Reads a signature written as base64url, padded or not (standard-alphabet, whitespace and
/// misplaced padding are refused).
pub fn decode_signature(text: &str) -> Result<Signature, WireError> {
    Signature::from_base64url(text).map_err(|_| WireError::SignatureEncoding)
}

/// Writes a public key as padded base64url (what `KeyPair.public_key_b64()` emits in Python).
#[must_use]
pub fn encode_public_key(key: &PublicKey) -> String {
    base64url_encode(key.as_bytes(), Padding::Padded)
}

/// Reads an Ed25519 public key written as base64url, padded or not.
pub fn decode_public_key(text: &str) -> Result<PublicKey, WireError> {
    let bytes = base64url_decode(text).map_err(|_| WireError::PublicKeyEncoding)?;
    let array: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| WireError::PublicKeyEncoding)?;
    PublicKey::from_bytes(&array).map_err(|_| WireError::PublicKeyEncoding)
}

/// Signs the canonical bytes of `object` minus the `excluded` members; returns the padded
/// base64url signature.
pub fn sign_object<S: Signer + ?Sized>(
    object: &Map<String, Value>,
    excluded: &[&str],
    signer: &S,
) -> Result<String, WireError> {
    let preimage = canonical_without(object, excluded)?;
    let signature = signer
        .sign(&preimage)
        .map_err(|e| WireError::Signer(e.to_string()))?;
    Ok(encode_signature(&signature))
}

/// Verifies `signature` (base64url text) over the canonical bytes of `object` minus the
/// `excluded` members.
pub fn verify_object(
    object: &Map<String, Value>,
    excluded: &[&str],
    signature: &str,
    key: &PublicKey,
) -> Result<(), WireError> {
    let signature = decode_signature(signature)?;
    let preimage = canonical_without(object, excluded)?;
    key.verify(&preimage, &signature)
        .map_err(|_| WireError::BadSignature)
}

/// A copy of `value` with every member named `signature` removed at every depth (the
/// countersignature preimage strips signatures recursively).
#[must_use]
pub fn strip_signatures_recursive(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(name, _)| name.as_str() != "signature")
                .map(|(name, v)| (name.clone(), strip_signatures_recursive(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(strip_signatures_recursive).collect()),
        other => other.clone(),
    }
}

/// A timestamp as Concordia writes it: `YYYY-MM-DDTHH:MM:SSZ`, whole seconds in UTC.
#[must_use]
pub fn format_timestamp(at: Timestamp) -> String {
    // Whole seconds, as the Python reference's strftime("%Y-%m-%dT%H:%M:%SZ").
    at.trunc_seconds().to_string()
}

/// Reads an RFC 3339 date-time with a time zone (`Z` or an offset).
pub fn parse_timestamp(text: &str) -> Option<Timestamp> {
    Timestamp::parse_rfc3339(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanctuary_core::identity::{Identity, SecretSeed};
    use serde_json::json;

    fn seeded(byte: u8) -> Identity {
        Identity::from_seed(&SecretSeed::from_bytes([byte; 32]))
    }

    #[test]
    fn sign_in_place_matches_signing_then_canonicalising() {
        let key = seeded(3);
        // The signed member alone, first (comma after it), in the middle, last; a nested
        // member of the same name and non-ASCII names that sort by UTF-16 code units.
        let objects = [
            json!({}),
            json!({"z": 1}),
            json!({"a": [1, "x"], "z": {"signature": "nested"}}),
            json!({"a": 1}),
            json!({"body": {"signature": "", "é": "ü"}, "type": "negotiate.offer", "\u{e000}": 1, "\u{1f600}": 2}),
        ];
        for value in objects {
            let Value::Object(object) = value else {
                panic!("test objects are objects")
            };
            let mut signed = object.clone();
            let canonical = sign_in_place(&mut signed, "signature", &key).unwrap();
            let mut expected = object.clone();
            let signature = sign_object(&expected, &["signature"], &key).unwrap();
            expected.insert("signature".into(), Value::String(signature));
            assert_eq!(signed, expected);
            assert_eq!(
                canonical,
                canonical_without(&expected, &[]).unwrap(),
                "{}",
                String::from_utf8_lossy(&canonical)
            );
            let text = signed.get("signature").and_then(Value::as_str).unwrap();
            verify_object(&object, &[], text, key.public()).unwrap();
        }
    }

    #[test]
    fn canonical_without_matches_copying_and_removing() {
        let value =
            json!({"b": 1.0, "signature": "x", "a": {"z": [1e-6], "signature": 2}, "\u{e9}": true});
        let object = value.as_object().unwrap();
        let mut copy = object.clone();
        copy.remove("signature");
        assert_eq!(
            canonical_without(object, &["signature"]).unwrap(),
            canonical(&Value::Object(copy)).unwrap()
        );
        assert_eq!(
            canonical_without(object, &["signature"]).unwrap(),
            "{\"a\":{\"signature\":2,\"z\":[0.000001]},\"b\":1,\"\u{e9}\":true}".as_bytes()
        );
    }

    #[test]
    fn with_and_without_in_one_pass() {
        for value in [
            json!({"signature": "s", "a": 1, "z": [1.0]}),
            json!({"a": 1, "signature": "s", "z": {"signature": 2}}),
            json!({"a": 1, "b": 2, "signature": "s"}),
            json!({"signature": "s"}),
            json!({"a": 1}),
            json!({}),
        ] {
            let object = value.as_object().unwrap();
            let (without, with) = canonical_with_and_without(object, "signature").unwrap();
            assert_eq!(
                without,
                canonical_without(object, &["signature"]).unwrap(),
                "{value}"
            );
            assert_eq!(with, canonical(&value).unwrap(), "{value}");
        }
    }

    #[test]
    fn genesis_and_digest_format() {
        assert!(check_sha256_ref(GENESIS_HASH).is_ok());
        assert_eq!(
            hash_value(&json!({"a": 1})).unwrap(),
            "sha256:015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862"
        );
        for bad in [
            "sha256:",
            "sha256:015ABD7F5CC57A2DD94B7590F04AD8084273905EE33EC5CEBEAE62276A97F862",
            "sha512:015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862",
            "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862",
        ] {
            assert_eq!(check_sha256_ref(bad), Err(WireError::DigestFormat), "{bad}");
        }
    }

    #[test]
    fn sign_verify_padded_and_unpadded_and_tamper() {
        let id = seeded(7);
        let mut object = json!({"type": "negotiate.offer", "body": {"x": 1}})
            .as_object()
            .unwrap()
            .clone();
        let sig = sign_object(&object, &["signature"], &id).unwrap();
        assert!(sig.ends_with("=="), "padded: {sig}");
        object.insert("signature".into(), Value::String(sig.clone()));
        verify_object(&object, &["signature"], &sig, id.public()).unwrap();
        let unpadded = sig.trim_end_matches('=');
        verify_object(&object, &["signature"], unpadded, id.public()).unwrap();
        // Another key, a changed body, a malformed signature: all refused.
        assert_eq!(
            verify_object(&object, &["signature"], &sig, seeded(8).public()),
            Err(WireError::BadSignature)
        );
        object.insert("body".into(), json!({"x": 2}));
        assert_eq!(
            verify_object(&object, &["signature"], &sig, id.public()),
            Err(WireError::BadSignature)
        );
        assert_eq!(
            verify_object(&object, &["signature"], "not base64!", id.public()),
            Err(WireError::SignatureEncoding)
        );
        assert_eq!(
            verify_object(&object, &["signature"], &sig[..20], id.public()),
            Err(WireError::SignatureEncoding)
        );
    }

    #[test]
    fn public_keys_round_trip_and_reject_garbage() {
        let id = seeded(1);
        let text = encode_public_key(id.public());
        assert!(text.ends_with('='));
        assert_eq!(decode_public_key(&text).unwrap(), *id.public());
        assert_eq!(
            decode_public_key(text.trim_end_matches('=')).unwrap(),
            *id.public()
        );
        assert_eq!(decode_public_key("AAAA"), Err(WireError::PublicKeyEncoding));
        assert_eq!(decode_public_key(""), Err(WireError::PublicKeyEncoding));
    }

    #[test]
    fn strip_signatures_everywhere() {
        let value =
            json!({"signature": 1, "a": [{"signature": 2, "b": 3}], "c": {"signature": {"d": 1}}});
        assert_eq!(
            strip_signatures_recursive(&value),
            json!({"a": [{"b": 3}], "c": {}})
        );
    }

    #[test]
    fn parse_is_strict() {
        assert!(parse(r#"{"a":1,"a":2}"#).is_err());
        assert!(parse(r#"{"a":NaN}"#).is_err());
        assert!(parse(r#"{"a":"\ud800"}"#).is_err());
        assert!(parse(r#"{"a":[1,2]}"#).is_ok());
    }

    #[test]
    fn timestamps_are_whole_seconds_utc() {
        let t = Timestamp::from_unix(1_780_056_000, 123_000_000).unwrap();
        assert_eq!(format_timestamp(t), "2026-05-29T12:00:00Z");
        assert_eq!(
            parse_timestamp("2026-05-29T14:00:00+02:00")
                .unwrap()
                .unix_seconds(),
            1_780_056_000
        );
        assert!(parse_timestamp("2026-05-29T12:00:00").is_none());
    }
}
