//! Checks shared by several conformance profiles.

use super::{Context, Reject};
use crate::wire;
use sanctuary_core::encoding::{Padding, base64url_decode, base64url_encode};
use sanctuary_core::identity::{PublicKey, Signature};
use sanctuary_core::time::Timestamp;
use serde_json::{Map, Value};

/// The canonical (JCS) bytes of a value; a value that cannot be canonicalised is rejected.
pub(crate) fn jcs_bytes(value: &Value) -> Result<Vec<u8>, Reject> {
    wire::canonical(value).map_err(|_| Reject::new("JCS canonicalization failed"))
}

/// `sha256:` + hex SHA-256 of the JCS of `value`.
pub(crate) fn sha256_jcs(value: &Value) -> Result<String, Reject> {
    Ok(wire::sha256_ref(&jcs_bytes(value)?))
}

/// The object `value` must be.
pub(crate) fn object<'a>(value: &'a Value, what: &str) -> Result<&'a Map<String, Value>, Reject> {
    value
        .as_object()
        .ok_or_else(|| Reject::new(format!("{what} is not an object")))
}

/// JCS of `value` (an object) without the named top-level members.
pub(crate) fn jcs_without(value: &Value, excluded: &[&str]) -> Result<Vec<u8>, Reject> {
    let map = object(value, "input")?;
    wire::canonical_without(map, excluded).map_err(|_| Reject::new("JCS canonicalization failed"))
}

/// Decodes base64url text, padded or not (the suite's rule); anything else is rejected.
pub(crate) fn b64url_decode(value: &Value) -> Result<Vec<u8>, Reject> {
    let text = value
        .as_str()
        .ok_or_else(|| Reject::new("base64url value is not a string"))?;
    base64url_decode(text).map_err(|_| Reject::new("invalid base64url value"))
}

/// Padded base64url of `bytes`.
pub(crate) fn b64url_encode(bytes: &[u8]) -> String {
    base64url_encode(bytes, Padding::Padded)
}

/// An Ed25519 public key from base64url text.
pub(crate) fn public_key(value: &Value) -> Result<PublicKey, Reject> {
    let bytes = b64url_decode(value)?;
    let array: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| Reject::new("public key is not 32 bytes"))?;
    PublicKey::from_bytes(&array).map_err(|_| Reject::new("public key is invalid"))
}

/// Verifies an Ed25519 signature (base64url) with a public key (base64url) over `payload`.
pub(crate) fn verify_ed25519(key: &Value, signature: &Value, payload: &[u8]) -> Result<(), Reject> {
    let key = public_key(key)?;
    verify_with(&key, signature, payload)
}

/// Verifies an Ed25519 signature (base64url) with a known key over `payload`.
pub(crate) fn verify_with(
    key: &PublicKey,
    signature: &Value,
    payload: &[u8],
) -> Result<(), Reject> {
    let bytes = b64url_decode(signature)?;
    let array: [u8; 64] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| Reject::new("signature is not 64 bytes"))?;
    key.verify(payload, &Signature::from_bytes(array))
        .map_err(|_| Reject::new("signature verification failed"))
}

/// A date-time as the contract reads it: RFC 3339 / ISO 8601 with `Z` or an offset; a
/// date-time without a zone is taken as UTC.
pub(crate) fn parse_datetime(value: &Value) -> Result<Timestamp, Reject> {
    let text = value
        .as_str()
        .ok_or_else(|| Reject::new("timestamp is not a string"))?;
    if let Some(t) = wire::parse_timestamp(text) {
        return Ok(t);
    }
    // A zone-less date-time is read as UTC (the reference runner does the same).
    wire::parse_timestamp(&format!("{text}Z")).ok_or_else(|| Reject::new("timestamp is invalid"))
}

/// Resolves an object reference: `input` or `context.a.b`.
pub(crate) fn resolve_object<'a>(
    name: &Value,
    input: &'a Value,
    context: &'a Context,
) -> Result<&'a Value, Reject> {
    let name = name
        .as_str()
        .ok_or_else(|| Reject::new("object reference is not a string"))?;
    if name == "input" {
        return Ok(input);
    }
    let path = name
        .strip_prefix("context.")
        .ok_or_else(|| Reject::new("unsupported object reference"))?;
    let mut parts = path.split('.');
    let first = parts.next().unwrap_or("");
    let mut current = context
        .get(first)
        .ok_or_else(|| Reject::new("missing context object"))?;
    for part in parts {
        current = current
            .as_object()
            .and_then(|m| m.get(part))
            .ok_or_else(|| Reject::new("missing context object"))?;
    }
    Ok(current)
}

/// Resolves an RFC 6901 JSON pointer.
pub(crate) fn resolve_pointer<'a>(root: &'a Value, pointer: &Value) -> Result<&'a Value, Reject> {
    let pointer = pointer
        .as_str()
        .ok_or_else(|| Reject::new("JSON pointer is not a string"))?;
    if pointer.is_empty() {
        return Ok(root);
    }
    if !pointer.starts_with('/') {
        return Err(Reject::new("invalid JSON pointer"));
    }
    root.pointer(pointer)
        .ok_or_else(|| Reject::new("JSON pointer is missing"))
}

/// Resolves a comparison side `{object, pointer}`.
pub(crate) fn resolve_side<'a>(
    side: &Value,
    input: &'a Value,
    context: &'a Context,
) -> Result<&'a Value, Reject> {
    let side = side
        .as_object()
        .ok_or_else(|| Reject::new("comparison side is not an object"))?;
    let root = resolve_object(side.get("object").unwrap_or(&Value::Null), input, context)?;
    resolve_pointer(root, side.get("pointer").unwrap_or(&Value::Null))
}

/// JSON equality as the Python reference runner compares (`1 == 1.0`; `true == 1`).
pub(crate) fn py_eq(a: &Value, b: &Value) -> bool {
    fn num(v: &Value) -> Option<f64> {
        match v {
            Value::Number(n) => n.as_f64(),
            Value::Bool(true) => Some(1.0),
            Value::Bool(false) => Some(0.0),
            _ => None,
        }
    }
    match (a, b) {
        (Value::Number(_) | Value::Bool(_), Value::Number(_) | Value::Bool(_)) => {
            if let (Value::Number(x), Value::Number(y)) = (a, b)
                && let (Some(x), Some(y)) = (x.as_i64(), y.as_i64())
            {
                return x == y;
            }
            num(a) == num(b)
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| py_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| py_eq(v, w)))
        }
        _ => a == b,
    }
}

/// Whether `data.references` holds a reference with this relationship (and, when given, one
/// of these types and this id).
pub(crate) fn has_reference(
    data: &Value,
    relationship: &str,
    allowed_types: Option<&[&str]>,
    id_value: Option<&Value>,
) -> bool {
    let Some(references) = data.get("references").and_then(Value::as_array) else {
        return false;
    };
    references.iter().filter_map(Value::as_object).any(|r| {
        r.get("relationship").and_then(Value::as_str) == Some(relationship)
            && allowed_types.is_none_or(|types| {
                r.get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| types.contains(&t))
            })
            && id_value.is_none_or(|id| r.get("id").is_some_and(|v| py_eq(v, id)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pointers_and_sides() {
        let input = json!({"a": {"b/c": [1, {"d": 2}]}});
        let context: Context = json!({"x": {"y": {"z": 3}}}).as_object().unwrap().clone();
        assert_eq!(
            resolve_pointer(&input, &json!("/a/b~1c/1/d")).unwrap(),
            &json!(2)
        );
        assert!(resolve_pointer(&input, &json!("a")).is_err());
        assert!(resolve_pointer(&input, &json!("/a/q")).is_err());
        assert_eq!(
            resolve_side(
                &json!({"object": "context.x.y", "pointer": "/z"}),
                &input,
                &context
            )
            .unwrap(),
            &json!(3)
        );
        assert!(resolve_object(&json!("context.x.nope"), &input, &context).is_err());
        assert!(resolve_object(&json!("other"), &input, &context).is_err());
    }

    #[test]
    fn python_equality() {
        assert!(py_eq(&json!(1), &json!(1.0)));
        assert!(py_eq(&json!(true), &json!(1)));
        assert!(!py_eq(&json!("1"), &json!(1)));
        assert!(py_eq(&json!({"a": [1, 2.0]}), &json!({"a": [1.0, 2]})));
        assert!(!py_eq(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
    }

    #[test]
    fn datetimes() {
        assert!(parse_datetime(&json!("2026-05-17T14:00:00Z")).is_ok());
        assert!(parse_datetime(&json!("2026-05-17T14:00:00")).is_ok());
        assert!(parse_datetime(&json!("not a date")).is_err());
        assert!(parse_datetime(&json!(5)).is_err());
    }
}
