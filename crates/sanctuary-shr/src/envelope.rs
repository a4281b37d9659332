//! The signed envelope shared by reports and verification attestations.
//!
//! ```text
//! { "body": {…}, "signed_by": <base64url key>, "signature_scheme": "ed25519-jcs-v1",
//!   "signature": <base64url signature> }
//! ```
//!
//! The signature is Ed25519 over `b"sanctuary/" + purpose + b"/v1\n" + JCS(body)` (DESIGN.md
//! §3), so the body is covered exactly as received, unknown members included. The envelope
//! itself is closed: a member other than these four is refused, because nothing outside `body`
//! is signed.

use sanctuary_core::digest::Digest;
use sanctuary_core::identity::{PublicKey, Signature, Signer, SignerError};
use sanctuary_core::jcs::{self, JcsError};
use sanctuary_core::purpose::Purpose;
use serde_json::{Map, Value};
use std::sync::OnceLock;

/// The one signature scheme this crate writes and reads.
pub const SIGNATURE_SCHEME: &str = "ed25519-jcs-v1";

/// The largest signed report or attestation accepted as text, in bytes.
pub const MAX_DOCUMENT_BYTES: usize = 256 * 1024;

/// A JSON document was refused before any signature was checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The text is longer than [`MAX_DOCUMENT_BYTES`].
    #[error("document is {len} bytes, at most {max} are accepted")]
    TooLarge {
        /// Bytes given.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Not JSON, or JSON without one canonical form (duplicate keys, huge numbers, deep nesting).
    #[error("not acceptable JSON: {0}")]
    Json(#[from] JcsError),
    /// A member is missing, has the wrong type or an invalid value.
    #[error("{field}: {reason}")]
    Field {
        /// Where, as a dotted path (`body.layers.l2.status`).
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// The envelope has a member other than `body`, `signed_by`, `signature_scheme` and
    /// `signature` (it would not be covered by the signature).
    #[error("unsigned envelope member {0:?}")]
    UnsignedMember(String),
}

impl ParseError {
    pub(crate) fn field(field: impl Into<String>, reason: impl std::fmt::Display) -> Self {
        ParseError::Field {
            field: field.into(),
            reason: reason.to_string(),
        }
    }
}

/// A signed envelope: the body as received, the claimed signer, the scheme and the signature.
#[derive(Clone)]
pub(crate) struct Envelope {
    /// The body, always a JSON object, with every number in its canonical spelling (so `0.0`
    /// and `0`, which sign alike, also read alike).
    pub(crate) body: Value,
    /// The JCS of the body: computed once, used for the signature and the digest.
    body_jcs: Vec<u8>,
    pub(crate) signed_by: PublicKey,
    /// The scheme as written (checked by the verifiers, so an unknown one is a reported error).
    pub(crate) scheme: String,
    pub(crate) signature: Signature,
    /// The JCS of the whole envelope in canonical spelling, made on first use.
    canonical: OnceLock<Vec<u8>>,
}

impl Envelope {
    /// Signs `body` (a JSON object) for `purpose`.
    pub(crate) fn sign<S: Signer + ?Sized>(
        signer: &S,
        purpose: Purpose,
        body: Map<String, Value>,
    ) -> Result<Envelope, SignEnvelopeError> {
        let mut body = Value::Object(body);
        let body_jcs = jcs::to_vec(&body)?;
        normalise_numbers(&mut body);
        let mut preimage = purpose.domain_prefix();
        preimage.extend_from_slice(&body_jcs);
        let signature = signer.sign(&preimage)?;
        Ok(Envelope {
            body,
            body_jcs,
            signed_by: signer.public_key(),
            scheme: SIGNATURE_SCHEME.to_owned(),
            signature,
            canonical: OnceLock::new(),
        })
    }

    /// Parses text (size-bounded, strict JSON).
    pub(crate) fn from_text(text: &str) -> Result<Envelope, ParseError> {
        if text.len() > MAX_DOCUMENT_BYTES {
            return Err(ParseError::TooLarge {
                len: text.len(),
                max: MAX_DOCUMENT_BYTES,
            });
        }
        Envelope::from_value(jcs::parse(text)?)
    }

    /// Takes a parsed value apart.
    pub(crate) fn from_value(value: Value) -> Result<Envelope, ParseError> {
        let Value::Object(mut map) = value else {
            return Err(ParseError::field("$", "expected an object"));
        };
        if let Some(extra) = map.keys().find(|k| {
            !matches!(
                k.as_str(),
                "body" | "signed_by" | "signature_scheme" | "signature"
            )
        }) {
            return Err(ParseError::UnsignedMember(extra.clone()));
        }
        let mut body = map
            .remove("body")
            .ok_or_else(|| ParseError::field("body", "missing"))?;
        if !body.is_object() {
            return Err(ParseError::field("body", "expected an object"));
        }
        // A body without a canonical form (an integer a double cannot hold) can never have
        // been signed: refuse it here, not as a bad signature later.
        let body_jcs = jcs::to_vec(&body)?;
        normalise_numbers(&mut body);
        let text = |map: &mut Map<String, Value>, name: &str| match map.remove(name) {
            Some(Value::String(s)) => Ok(s),
            Some(_) => Err(ParseError::field(name, "expected a string")),
            None => Err(ParseError::field(name, "missing")),
        };
        let signed_by = PublicKey::from_base64url(&text(&mut map, "signed_by")?)
            .map_err(|e| ParseError::field("signed_by", e))?;
        let scheme = text(&mut map, "signature_scheme")?;
        let signature = Signature::from_base64url(&text(&mut map, "signature")?)
            .map_err(|e| ParseError::field("signature", e))?;
        Ok(Envelope {
            body,
            body_jcs,
            signed_by,
            scheme,
            signature,
            canonical: OnceLock::new(),
        })
    }

    /// The body's members.
    pub(crate) fn body_map(&self) -> &Map<String, Value> {
        match &self.body {
            Value::Object(map) => map,
            // Both constructors only ever store an object.
            _ => empty_map(),
        }
    }

    /// Whether the scheme is the one this crate knows.
    pub(crate) fn scheme_ok(&self) -> bool {
        self.scheme == SIGNATURE_SCHEME
    }

    /// Checks the signature for `purpose` (strict Ed25519).
    pub(crate) fn signature_ok(&self, purpose: Purpose) -> bool {
        let mut preimage = purpose.domain_prefix();
        preimage.extend_from_slice(&self.body_jcs);
        self.signed_by.verify(&preimage, &self.signature).is_ok()
    }

    /// The envelope as JSON, in the canonical spellings (unpadded base64url).
    pub(crate) fn to_value(&self) -> Value {
        let mut map = Map::with_capacity(4);
        map.insert("body".into(), self.body.clone());
        map.insert("signature".into(), self.signature_text().into());
        map.insert("signature_scheme".into(), self.scheme.clone().into());
        map.insert("signed_by".into(), self.signed_by.to_base64url().into());
        Value::Object(map)
    }

    fn signature_text(&self) -> String {
        self.signature
            .to_base64url(sanctuary_core::encoding::Padding::Unpadded)
    }

    /// The JCS of the envelope in canonical spelling (unpadded base64url):
    /// `{"body":…,"signature":…,"signature_scheme":…,"signed_by":…}`.
    pub(crate) fn canonical_bytes(&self) -> &[u8] {
        self.canonical.get_or_init(|| {
            let signature = self.signature_text();
            let key = self.signed_by.to_base64url();
            let mut bytes = Vec::with_capacity(self.body_jcs.len() + 256);
            // The member names are ASCII and already in JCS order; base64url needs no escaping.
            bytes.extend_from_slice(b"{\"body\":");
            bytes.extend_from_slice(&self.body_jcs);
            bytes.extend_from_slice(b",\"signature\":\"");
            bytes.extend_from_slice(signature.as_bytes());
            bytes.extend_from_slice(b"\",\"signature_scheme\":");
            bytes.extend_from_slice(&json_string(&self.scheme));
            bytes.extend_from_slice(b",\"signed_by\":\"");
            bytes.extend_from_slice(key.as_bytes());
            bytes.extend_from_slice(b"\"}");
            bytes
        })
    }

    /// The canonical envelope as text.
    pub(crate) fn canonical_text(&self) -> String {
        String::from_utf8_lossy(self.canonical_bytes()).into_owned()
    }

    /// SHA-256 of [`Envelope::canonical_bytes`]: what handshakes and attestations bind. Two
    /// spellings of one signed document (padded or unpadded base64url, `0.0` or `0`) have one
    /// digest.
    pub(crate) fn digest(&self) -> Digest {
        Digest::sha256(self.canonical_bytes())
    }
}

/// The JCS of a string.
fn json_string(text: &str) -> Vec<u8> {
    // A string always has a canonical form.
    jcs::to_vec(&Value::String(text.to_owned())).unwrap_or_default()
}

/// Rewrites every number in its canonical spelling, so the typed view depends only on what
/// the signature covers. Only called on values that have a canonical form.
fn normalise_numbers(value: &mut Value) {
    match value {
        Value::Number(n) => {
            if let Ok(text) = jcs::to_vec(&Value::Number(n.clone()))
                && let Ok(canonical) = serde_json::from_slice::<serde_json::Number>(&text)
            {
                *n = canonical;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalise_numbers),
        Value::Object(map) => map.values_mut().for_each(normalise_numbers),
        _ => {}
    }
}

fn empty_map() -> &'static Map<String, Value> {
    static EMPTY: OnceLock<Map<String, Value>> = OnceLock::new();
    EMPTY.get_or_init(Map::new)
}

/// Signing an envelope failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignEnvelopeError {
    /// The body has no canonical JSON form.
    #[error("cannot canonicalise the body: {0}")]
    Canonical(#[from] JcsError),
    /// The signer failed.
    #[error(transparent)]
    Signer(#[from] SignerError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanctuary_core::identity::{Identity, SecretSeed};
    use serde_json::json;

    fn signed() -> Envelope {
        let id = Identity::from_seed(&SecretSeed::from_bytes([7; 32]));
        let Value::Object(body) = json!({"a": 1, "z": ["é", 2.5]}) else {
            unreachable!()
        };
        Envelope::sign(&id, Purpose::SHR_REPORT, body).unwrap()
    }

    #[test]
    fn digest_is_the_hash_of_the_canonical_envelope() {
        let env = signed();
        let canonical = jcs::to_vec(&env.to_value()).unwrap();
        assert_eq!(env.canonical_bytes(), &canonical[..]);
        assert_eq!(env.digest(), Digest::sha256(&canonical));
        // Another spelling (padded signature) parses to the same digest.
        let mut v = env.to_value();
        v["signature"] = env
            .signature
            .to_base64url(sanctuary_core::encoding::Padding::Padded)
            .into();
        let again = Envelope::from_value(v).unwrap();
        assert_eq!(again.digest(), env.digest());
        assert!(again.signature_ok(Purpose::SHR_REPORT));
        assert!(!again.signature_ok(Purpose::SHR_ATTESTATION));
    }

    #[test]
    fn envelope_is_closed_and_typed() {
        let env = signed();
        let mut v = env.to_value();
        v["note"] = json!("unsigned");
        assert_eq!(
            Envelope::from_value(v).err(),
            Some(ParseError::UnsignedMember("note".into()))
        );
        for (field, bad) in [
            ("body", json!([])),
            ("signed_by", json!("AAAA")),
            ("signature", json!(5)),
            ("signature_scheme", json!(null)),
        ] {
            let mut v = env.to_value();
            v[field] = bad;
            assert!(
                matches!(Envelope::from_value(v), Err(ParseError::Field { .. })),
                "{field}"
            );
        }
        assert!(matches!(
            Envelope::from_text(&" ".repeat(MAX_DOCUMENT_BYTES + 1)),
            Err(ParseError::TooLarge { .. })
        ));
        assert!(matches!(
            Envelope::from_text(r#"{"body":{},"body":{}}"#),
            Err(ParseError::Json(_))
        ));
        // No canonical form: refused when parsed, not later as a bad signature.
        let mut v = env.to_value();
        v["body"]["n"] = serde_json::from_str("11111111111111111111").unwrap();
        assert!(matches!(Envelope::from_value(v), Err(ParseError::Json(_))));
    }

    #[test]
    fn number_spellings_that_sign_alike_read_alike() {
        let env = signed();
        let text = String::from_utf8(env.canonical_bytes().to_vec()).unwrap();
        let respelled = text.replace("\"a\":1", "\"a\":1.0e0");
        assert_ne!(respelled, text);
        let again = Envelope::from_text(&respelled).unwrap();
        assert!(again.signature_ok(Purpose::SHR_REPORT));
        assert_eq!(again.body, env.body);
        assert_eq!(again.body["a"].as_u64(), Some(1));
        assert_eq!(again.digest(), env.digest());
    }
}
