//! message-chain-v1: envelope signatures, `prev_hash` links and receipt set binding.
//!
//! The profile works on the raw message objects, not on [`crate::message::Message`]: the
//! contract checks links and signatures only, and does not validate message type names or
//! envelope shape (a message with an unknown type that is correctly linked and signed is
//! accepted here, though the typed parser would refuse it).
//!
//! Order matters for diagnosis, not outcome: the whole chain is walked (genesis, then every
//! `prev_hash` against the hash of the full previous message) before any signature is checked,
//! so a splice reports as a binding failure even when each message's signature is valid.
//!
//! A chain alone does not commit to its length: a deletion whose downstream messages were
//! re-signed forms a valid chain and is accepted (the contract's tolerated case). Completeness
//! is enforced only by `context.expected_message_count`, `context.expected_message_hashes` or
//! a 0.3.0 receipt in `input.receipt`, whose countersigned `chain_head` and `message_count`
//! must describe the presented messages.
//!
//! # Deviations from the Python reference
//!
//! - `concordia_attestation` versions are read with ASCII digits only (Python's `\d` also
//!   takes other Unicode digits); any other spelling is rejected.
//! - Public keys that do not decode to a valid Ed25519 point are rejected before verification
//!   (PyNaCl rejects them at verification instead: same outcome).

use crate::conformance::common::{jcs_without, object, py_eq, verify_ed25519};
use crate::conformance::{Context, Reject, require_schema};
use crate::schema::SchemaName;
use crate::wire::{self, GENESIS_HASH};
use serde_json::{Map, Value};

/// message-chain-v1: links from genesis, per-message signatures, optional count and hash
/// list, optional receipt binding.
pub(crate) fn message_chain(input: &Value, context: &Context) -> Result<(), Reject> {
    let chain = object(input, "message chain")?;
    if !chain.contains_key("messages") || chain.keys().any(|k| k != "messages" && k != "receipt") {
        return Err(Reject::new(
            "message chain input must only contain messages or messages plus receipt",
        ));
    }
    let messages = chain
        .get("messages")
        .and_then(Value::as_array)
        .filter(|m| !m.is_empty())
        .ok_or_else(|| Reject::new("message chain messages are missing"))?;
    if let Some(expected) = present(context, "expected_message_count")
        && !py_eq(expected, &Value::from(messages.len()))
    {
        return Err(Reject::new("message chain count mismatch"));
    }
    let messages: Vec<&Map<String, Value>> = messages
        .iter()
        .map(|m| object(m, "message chain message"))
        .collect::<Result<_, _>>()?;

    // 1. Links: every message hashed once, in order.
    let hashes = messages
        .iter()
        .map(|m| map_jcs(m, &[]).map(|bytes| wire::sha256_ref(&bytes)))
        .collect::<Result<Vec<String>, Reject>>()?;
    let mut expected_prev = GENESIS_HASH;
    for (message, hash) in messages.iter().zip(&hashes) {
        if message.get("prev_hash").and_then(Value::as_str) != Some(expected_prev) {
            return Err(Reject::new(if expected_prev == GENESIS_HASH {
                "message chain first prev_hash is not genesis"
            } else {
                "message chain prev_hash mismatch"
            }));
        }
        expected_prev = hash;
    }

    // 2. Signatures, each under the key registered for its sender.
    let keys = context
        .get("public_keys_b64url")
        .and_then(Value::as_object)
        .ok_or_else(|| Reject::new("message chain public key map is missing"))?;
    for message in &messages {
        let sender = message
            .get("from")
            .and_then(Value::as_object)
            .ok_or_else(|| Reject::new("message chain sender is not an object"))?;
        let agent_id = sender
            .get("agent_id")
            .and_then(Value::as_str)
            .ok_or_else(|| Reject::new("message chain sender agent_id is missing"))?;
        let key = keys
            .get(agent_id)
            .ok_or_else(|| Reject::new("no public key for the message sender"))?;
        verify_ed25519(
            key,
            message.get("signature").unwrap_or(&Value::Null),
            &map_jcs(message, &["signature"])?,
        )?;
    }

    // 3. The exact hash list, when the vector pins it.
    if let Some(expected) = present(context, "expected_message_hashes") {
        let matches = expected.as_array().is_some_and(|list| {
            list.len() == hashes.len()
                && list
                    .iter()
                    .zip(&hashes)
                    .all(|(e, h)| e.as_str() == Some(h.as_str()))
        });
        if !matches {
            return Err(Reject::new("message chain hash list mismatch"));
        }
    }

    // 4. The receipt, when presented, must bind exactly this transcript.
    match chain.get("receipt") {
        None => Ok(()),
        Some(receipt) => receipt_binding(receipt, &hashes, keys),
    }
}

/// The JCS bytes of an object without the `excluded` members, written without copying it.
fn map_jcs(map: &Map<String, Value>, excluded: &[&str]) -> Result<Vec<u8>, Reject> {
    wire::canonical_without(map, excluded).map_err(|_| Reject::new("JCS canonicalization failed"))
}

/// A context member that is present and not `null` (the reference runner treats both alike).
fn present<'a>(context: &'a Context, name: &str) -> Option<&'a Value> {
    context.get(name).filter(|v| !v.is_null())
}

/// Checks a 0.3.0 receipt against the transcript whose message hashes are `hashes`.
fn receipt_binding(
    receipt: &Value,
    hashes: &[String],
    keys: &Map<String, Value>,
) -> Result<(), Reject> {
    let fields = object(receipt, "message chain receipt")?;
    require_schema(SchemaName::Attestation, receipt)?;
    if !version_at_least(fields.get("concordia_attestation"), 0, 3) {
        return Err(Reject::new("receipt is legacy set-unbound"));
    }
    let chain_head = fields
        .get("chain_head")
        .and_then(Value::as_str)
        .filter(|h| wire::check_sha256_ref(h).is_ok())
        .ok_or_else(|| Reject::new("receipt chain_head is malformed"))?;
    let message_count = fields
        .get("message_count")
        .and_then(Value::as_u64)
        .filter(|n| *n >= 1)
        .ok_or_else(|| Reject::new("receipt message_count is malformed"))?;
    let parties = fields
        .get("parties")
        .and_then(Value::as_array)
        .ok_or_else(|| Reject::new("receipt parties are missing"))?;
    let countersignatures = fields
        .get("countersignatures")
        .and_then(Value::as_object)
        .ok_or_else(|| Reject::new("receipt countersignatures are missing"))?;

    // The countersigned preimage: the receipt without its countersignatures, with every
    // `signature` member removed at every depth.
    let countersign_preimage = crate::attestation::countersign_preimage_of(fields)
        .map_err(|_| Reject::new("JCS canonicalization failed"))?;

    for party in parties {
        let party_fields = object(party, "receipt party")?;
        let agent_id = party_fields
            .get("agent_id")
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty())
            .ok_or_else(|| Reject::new("receipt party agent_id is missing"))?;
        let key = keys
            .get(agent_id)
            .ok_or_else(|| Reject::new("receipt party public key is missing"))?;
        let signature = party_fields
            .get("signature")
            .filter(|s| s.as_str().is_some_and(|s| !s.is_empty()))
            .ok_or_else(|| Reject::new("receipt party signature is missing"))?;
        verify_ed25519(key, signature, &jcs_without(party, &["signature"])?)?;
        let countersignature = countersignatures
            .get(agent_id)
            .ok_or_else(|| Reject::new("receipt countersignature is missing"))?;
        verify_ed25519(key, countersignature, &countersign_preimage)?;
    }

    if usize::try_from(message_count).ok() != Some(hashes.len()) {
        return Err(Reject::new("receipt message_count mismatch"));
    }
    if hashes.last().map(String::as_str) != Some(chain_head) {
        return Err(Reject::new("receipt chain_head mismatch"));
    }
    Ok(())
}

/// Whether `value` is a `MAJOR.MINOR.PATCH` version (ASCII digits) at least `major.minor`.
/// Compared as digit strings, so no spelling can overflow.
fn version_at_least(value: Option<&Value>, major: u64, minor: u64) -> bool {
    let Some(text) = value.and_then(Value::as_str) else {
        return false;
    };
    let parts: Vec<&str> = text.split('.').collect();
    let [maj, min, patch] = parts.as_slice() else {
        return false;
    };
    let numeric = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !(numeric(maj) && numeric(min) && numeric(patch)) {
        return false;
    }
    match cmp_decimal(maj, major) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => cmp_decimal(min, minor) != std::cmp::Ordering::Less,
    }
}

/// Compares a string of ASCII digits (any length, leading zeros allowed) with a number.
fn cmp_decimal(digits: &str, number: u64) -> std::cmp::Ordering {
    let trimmed = digits.trim_start_matches('0');
    let target = number.to_string();
    let target = target.trim_start_matches('0');
    trimmed
        .len()
        .cmp(&target.len())
        .then_with(|| trimmed.cmp(target))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conformance::common::b64url_encode;
    use sanctuary_core::identity::{Identity, SecretSeed};
    use serde_json::json;

    fn identity(byte: u8) -> Identity {
        Identity::from_seed(&SecretSeed::from_bytes([byte; 32]))
    }

    fn key_text(id: &Identity) -> Value {
        Value::String(b64url_encode(id.public().as_bytes()))
    }

    /// A signed message from `id` (sender `agent`) linked to `prev`.
    fn message(id: &Identity, agent: &str, n: u32, prev: &str) -> Value {
        let mut m = json!({
            "concordia": "0.1.0",
            "type": "custom.not_a_known_type",
            "id": format!("msg_{n}"),
            "session_id": "s",
            "timestamp": "2026-05-10T14:25:00Z",
            "from": {"agent_id": agent},
            "prev_hash": prev,
            "body": {"n": n}
        });
        let map = m.as_object().unwrap().clone();
        let sig = wire::sign_object(&map, &["signature"], id).unwrap();
        m["signature"] = Value::String(sig);
        m
    }

    fn hash(m: &Value) -> String {
        wire::hash_value(m).unwrap()
    }

    fn chain_of(len: u32) -> (Vec<Value>, Context) {
        let a = identity(1);
        let b = identity(2);
        let mut out = Vec::new();
        let mut prev = GENESIS_HASH.to_owned();
        for n in 0..len {
            let (id, agent) = if n % 2 == 0 { (&a, "a") } else { (&b, "b") };
            let m = message(id, agent, n, &prev);
            prev = hash(&m);
            out.push(m);
        }
        let context = json!({"public_keys_b64url": {"a": key_text(&a), "b": key_text(&b)}});
        (out, context.as_object().cloned().unwrap())
    }

    fn run(messages: &[Value], context: &Context) -> Result<(), Reject> {
        message_chain(&json!({"messages": messages}), context)
    }

    #[test]
    fn accepts_a_valid_chain_with_unknown_message_types() {
        let (messages, context) = chain_of(4);
        run(&messages, &context).unwrap();
        let mut pinned = context.clone();
        pinned.insert("expected_message_count".into(), json!(4));
        pinned.insert(
            "expected_message_hashes".into(),
            Value::Array(messages.iter().map(|m| Value::String(hash(m))).collect()),
        );
        run(&messages, &pinned).unwrap();
        // Python equality: 4.0 == 4.
        pinned.insert("expected_message_count".into(), json!(4.0));
        run(&messages, &pinned).unwrap();
    }

    #[test]
    fn rejects_broken_links_before_signatures() {
        let (messages, context) = chain_of(4);
        // Deletion without re-signing.
        let mut deleted = messages.clone();
        deleted.remove(1);
        assert_eq!(
            run(&deleted, &context).unwrap_err().0,
            "message chain prev_hash mismatch"
        );
        // Reorder.
        let mut swapped = messages.clone();
        swapped.swap(1, 2);
        assert!(run(&swapped, &context).is_err());
        // First message not at genesis (dropping the first).
        assert_eq!(
            run(&messages[1..], &context).unwrap_err().0,
            "message chain first prev_hash is not genesis"
        );
        // A tampered body breaks the next link even though only the signature covers it.
        let mut tampered = messages.clone();
        tampered[0]["body"]["n"] = json!(99);
        assert_eq!(
            run(&tampered, &context).unwrap_err().0,
            "message chain prev_hash mismatch"
        );
        // The last message has no successor: tampering is caught by its signature.
        let mut last = messages.clone();
        last[3]["body"]["n"] = json!(99);
        assert_eq!(
            run(&last, &context).unwrap_err().0,
            "signature verification failed"
        );
    }

    #[test]
    fn rejects_bad_shapes_keys_and_pins() {
        let (messages, context) = chain_of(3);
        assert!(message_chain(&json!({"messages": []}), &context).is_err());
        assert!(message_chain(&json!({}), &context).is_err());
        assert!(message_chain(&json!({"messages": messages, "extra": 1}), &context).is_err());
        assert!(message_chain(&json!({"receipt": {}}), &context).is_err());
        assert!(message_chain(&json!([messages]), &context).is_err());
        // Unknown sender, missing key map, swapped keys.
        let mut unknown = context.clone();
        unknown.insert(
            "public_keys_b64url".into(),
            json!({"a": context["public_keys_b64url"]["a"]}),
        );
        assert!(run(&messages, &unknown).is_err());
        assert!(run(&messages, &Context::new()).is_err());
        let mut swapped = context.clone();
        swapped.insert(
            "public_keys_b64url".into(),
            json!({"a": context["public_keys_b64url"]["b"], "b": context["public_keys_b64url"]["a"]}),
        );
        assert!(run(&messages, &swapped).is_err());
        // Wrong count, wrong hash list.
        let mut count = context.clone();
        count.insert("expected_message_count".into(), json!(2));
        assert!(run(&messages, &count).is_err());
        let mut hashes = context.clone();
        hashes.insert(
            "expected_message_hashes".into(),
            json!([hash(&messages[0])]),
        );
        assert!(run(&messages, &hashes).is_err());
        // Null pins are absent (as in the reference runner).
        let mut null = context.clone();
        null.insert("expected_message_count".into(), Value::Null);
        run(&messages, &null).unwrap();
    }

    #[test]
    fn resigned_deletion_is_tolerated_without_a_pin() {
        let a = identity(1);
        let m0 = message(&a, "a", 0, GENESIS_HASH);
        let m2 = message(&a, "a", 2, &hash(&m0));
        let context = json!({"public_keys_b64url": {"a": key_text(&a)}});
        let context = context.as_object().cloned().unwrap();
        run(&[m0, m2], &context).unwrap();
    }

    fn receipt_vector() -> (Value, Context) {
        let vector: Value = serde_json::from_str(include_str!(
            "../../../tests/conformance/vectors/positive/pos-synthetic-receipt-set-binding.json"
        ))
        .unwrap();
        let mut context = vector["context"].as_object().cloned().unwrap();
        // Only the receipt pins the transcript in these tests.
        context.remove("expected_message_count");
        context.remove("expected_message_hashes");
        (vector["input"].clone(), context)
    }

    #[test]
    fn receipt_binds_the_transcript() {
        let (input, context) = receipt_vector();
        message_chain(&input, &context).unwrap();
        let n = input["messages"].as_array().unwrap().len();
        assert_eq!(input["receipt"]["message_count"], json!(n));

        // Truncation: still a valid chain, but not the receipted one.
        let mut truncated = input.clone();
        truncated["messages"].as_array_mut().unwrap().pop();
        assert_eq!(
            message_chain(&truncated, &context).unwrap_err().0,
            "receipt message_count mismatch"
        );
        // Without the receipt the truncated chain is accepted (nothing pins its length).
        let mut bare = truncated.clone();
        bare.as_object_mut().unwrap().remove("receipt");
        message_chain(&bare, &context).unwrap();

        // Any edit to the receipt breaks a party signature or a countersignature.
        for (pointer, value) in [
            ("/receipt/message_count", json!(n + 1)),
            ("/receipt/chain_head", json!(GENESIS_HASH)),
            ("/receipt/concordia_attestation", json!("0.2.0")),
        ] {
            let mut edited = input.clone();
            *edited.pointer_mut(pointer).unwrap() = value;
            assert!(message_chain(&edited, &context).is_err(), "{pointer}");
        }
        let mut no_countersignatures = input.clone();
        no_countersignatures["receipt"]
            .as_object_mut()
            .unwrap()
            .remove("countersignatures");
        assert!(message_chain(&no_countersignatures, &context).is_err());
        // A countersignature moved to the other party does not verify.
        let mut swapped = input.clone();
        let cs = swapped["receipt"]["countersignatures"]
            .as_object_mut()
            .unwrap();
        let mut values: Vec<Value> = cs.values().cloned().collect();
        values.reverse();
        for (slot, value) in cs.values_mut().zip(values) {
            *slot = value;
        }
        assert!(message_chain(&swapped, &context).is_err());
    }

    #[test]
    fn versions() {
        let v = |s: &str| version_at_least(Some(&json!(s)), 0, 3);
        assert!(v("0.3.0"));
        assert!(v("0.10.0"));
        assert!(v("1.0.0"));
        assert!(v("00.003.0"));
        assert!(v("99999999999999999999999.0.0"));
        assert!(!v("0.2.9"));
        assert!(!v("0.3"));
        assert!(!v("0.3.0.1"));
        assert!(!v("0.3.x"));
        assert!(!v("0.+3.0"));
        assert!(!v(""));
        assert!(!version_at_least(Some(&json!(3)), 0, 3));
        assert!(!version_at_least(None, 0, 3));
    }
}
