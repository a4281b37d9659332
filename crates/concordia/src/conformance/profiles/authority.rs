//! predicate-v1, mandate-v1 and delegation-chain-v1: signed authority artefacts whose
//! constraints are themselves JSON Schemas.
//!
//! A Predicate and a Mandate are signed (Ed25519, `algorithm: "EdDSA"`) over the JCS of the
//! object without its `signature`. A Mandate carries a JSON Schema (`constraints`) saying
//! what it authorises; a delegated Mandate adds a chain of signed links from the issuer to the
//! subject, each of which may narrow the constraints further (`scope_restriction`). An action
//! offered in the context must satisfy all of them at once.
//!
//! The embedded schemas come from the artefact under test, so they are treated as untrusted:
//! they are only compiled after the signature that covers them verifies, they must be valid
//! draft 2020-12 schemas (checked against the meta-schema), nothing is fetched (`$ref` to
//! anything outside the schema fails to compile, which rejects), `format` is an annotation,
//! and regular expressions run with a backtracking limit.
//!
//! # Deviations from the Python reference
//!
//! - A delegation chain longer than [`MAX_DELEGATION_LINKS`] is rejected.
//! - Every link must name its `delegate` as a string (Python skips the continuity check for
//!   the link after one whose `delegate` is missing; the schema requires it anyway).
//! - The `{"max_spend": n}` shorthand needs a JSON number; `true` (a Python `int`) is refused.
//! - A constraint schema that the Rust validator cannot compile (an unresolvable `$ref`, a
//!   pattern the regex engine does not support) is rejected; Python would raise or fetch.
//!   This includes a local `#/...` reference in a constraint that is composed under `allOf`
//!   with the link restrictions (it resolves against the composed root, as in Python, where
//!   the resolution error escapes the runner).
//! - Patterns are matched by `fancy-regex` with a backtracking limit, not Python's `re`; a
//!   pattern that exceeds the limit does not match.
//! - A `$ref` cycle that never descends into the instance imposes no constraint (Python
//!   recurses until it fails with an uncaught error). It cannot widen anything: the mandate's
//!   own constraints and every other restriction still apply.

use crate::conformance::common::{jcs_without, object, parse_datetime, verify_ed25519};
use crate::conformance::{Context, Reject, require_schema};
use crate::schema::SchemaName;
use crate::wire;
use jsonschema::{Draft, PatternOptions, Validator};
use serde_json::{Map, Value, json};

/// The longest delegation chain accepted: a bound on signature checks per mandate, far above
/// any real delegation depth.
pub(crate) const MAX_DELEGATION_LINKS: usize = 64;

/// The backtracking budget for one `pattern` match in an embedded schema.
const REGEX_BACKTRACK_LIMIT: usize = 100_000;

/// The compiled-size budget for one `pattern` in an embedded schema (bytes).
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// The keywords that mark a scope restriction as a JSON Schema (rather than the legacy
/// `{"max_spend": n}` shorthand).
const SCHEMA_KEYWORDS: [&str; 25] = [
    "$schema",
    "$id",
    "$ref",
    "$defs",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "enum",
    "const",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "format",
];

/// predicate-v1: schema, `EdDSA`, optional digest, signature, active and not expired.
pub(crate) fn predicate(input: &Value, context: &Context) -> Result<(), Reject> {
    require_schema(SchemaName::Predicate, input)?;
    let fields = object(input, "predicate input")?;
    let preimage = signed_preimage(fields, input, context)?;
    let key = string_member(context, "public_key_b64url", "predicate public key")?;
    verify_ed25519(key, bare_signature(fields)?, &preimage)?;
    if fields.get("status").and_then(Value::as_str) != Some("active") {
        return Err(Reject::new("predicate is not active"));
    }
    let now = parse_datetime(context.get("now").unwrap_or(&Value::Null))?;
    let expires_at = parse_datetime(fields.get("expires_at").unwrap_or(&Value::Null))?;
    if expires_at < now {
        return Err(Reject::new("predicate is expired"));
    }
    Ok(())
}

/// mandate-v1: the common mandate checks, then `context.action` (when given) against the
/// mandate's constraints.
pub(crate) fn mandate(input: &Value, context: &Context) -> Result<(), Reject> {
    let (_, constraints) = mandate_common(input, context)?;
    if let Some(action) = present(context, "action") {
        validate_action(&constraints, action)?;
    }
    Ok(())
}

/// delegation-chain-v1: the common mandate checks, then a continuous chain of signed links
/// from the issuer to the subject, and `context.action` (when given) against the mandate's
/// constraints and every link's scope restriction together.
pub(crate) fn delegation_chain(input: &Value, context: &Context) -> Result<(), Reject> {
    let (mandate, _) = mandate_common(input, context)?;
    let chain = mandate
        .get("delegation_chain")
        .and_then(Value::as_array)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| Reject::new("delegation chain is missing"))?;
    if chain.len() > MAX_DELEGATION_LINKS {
        return Err(Reject::new("delegation chain is too long"));
    }
    let keys = context
        .get("delegation_public_keys_b64url")
        .and_then(Value::as_object)
        .ok_or_else(|| Reject::new("delegation public keys are missing"))?;
    let first = chain.first().and_then(Value::as_object);
    if first.and_then(|l| l.get("delegator")) != mandate.get("issuer") {
        return Err(Reject::new("delegation chain root mismatch"));
    }
    let last = chain.last().and_then(Value::as_object);
    if last.and_then(|l| l.get("delegate")) != mandate.get("subject") {
        return Err(Reject::new("delegation chain tail mismatch"));
    }

    let mut effective: Vec<Value> = vec![mandate.get("constraints").cloned().unwrap_or_default()];
    let mut previous_delegate: Option<&str> = None;
    for link in chain {
        let fields = object(link, "delegation link")?;
        let delegator = fields
            .get("delegator")
            .and_then(Value::as_str)
            .ok_or_else(|| Reject::new("delegation link delegator is missing"))?;
        if previous_delegate.is_some_and(|p| p != delegator) {
            return Err(Reject::new("delegation chain continuity mismatch"));
        }
        let key = keys
            .get(delegator)
            .filter(|k| k.is_string())
            .ok_or_else(|| Reject::new("delegation link public key is missing"))?;
        require_algorithm(fields, "EdDSA")?;
        verify_ed25519(
            key,
            bare_signature(fields)?,
            &jcs_without(link, &["signature"])?,
        )?;
        if let Some(scope) = fields.get("scope_restriction") {
            effective.push(scope_restriction_to_schema(scope)?);
        }
        previous_delegate = Some(
            fields
                .get("delegate")
                .and_then(Value::as_str)
                .ok_or_else(|| Reject::new("delegation link delegate is missing"))?,
        );
    }

    if let Some(action) = present(context, "action") {
        let schema = if effective.len() == 1 {
            effective.pop().unwrap_or_default()
        } else {
            json!({ "allOf": effective })
        };
        validate_action(&compile_schema(&schema)?, action)?;
    }
    Ok(())
}

/// mandate-v1 checks 1 to 8 (without the action): schema, `EdDSA`, optional digest, issuer
/// signature, status, validity mode, and a valid constraint schema (returned compiled).
fn mandate_common<'a>(
    input: &'a Value,
    context: &Context,
) -> Result<(&'a Map<String, Value>, Validator), Reject> {
    require_schema(SchemaName::Mandate, input)?;
    let fields = object(input, "mandate input")?;
    let preimage = signed_preimage(fields, input, context)?;
    let key = string_member(
        context,
        "issuer_public_key_b64url",
        "mandate issuer public key",
    )?;
    verify_ed25519(key, bare_signature(fields)?, &preimage)?;
    match fields.get("status") {
        None => {}
        Some(status) if status.as_str() == Some("active") => {}
        Some(_) => return Err(Reject::new("mandate is not active")),
    }

    let validity = fields
        .get("validity")
        .and_then(Value::as_object)
        .ok_or_else(|| Reject::new("mandate validity is missing"))?;
    // `now` is required whatever the mode, as in the reference runner.
    let now = parse_datetime(context.get("now").unwrap_or(&Value::Null))?;
    let field = |name: &str| validity.get(name).unwrap_or(&Value::Null);
    match validity.get("mode").and_then(Value::as_str) {
        Some("windowed") => {
            if parse_datetime(field("not_before"))? > now {
                return Err(Reject::new("mandate is not yet valid"));
            }
            if parse_datetime(field("not_after"))? < now {
                return Err(Reject::new("mandate is expired"));
            }
        }
        Some("sequence") => {
            let key = validity.get("sequence_key");
            if key.is_none() || context.get("sequence_key") != key {
                return Err(Reject::new("mandate sequence key mismatch"));
            }
        }
        Some("state_bound") => {
            if context.get("state_active") != Some(&Value::Bool(true)) {
                return Err(Reject::new("mandate state is not active"));
            }
        }
        _ => return Err(Reject::new("mandate validity mode is unsupported")),
    }

    let constraints = compile_schema(fields.get("constraints").unwrap_or(&Value::Null))?;
    Ok((fields, constraints))
}

/// Requires `algorithm: "EdDSA"`, checks the optional `context.canonical_sha256`, and
/// returns the signed preimage (JCS without `signature`).
fn signed_preimage(
    fields: &Map<String, Value>,
    input: &Value,
    context: &Context,
) -> Result<Vec<u8>, Reject> {
    require_algorithm(fields, "EdDSA")?;
    let preimage = jcs_without(input, &["signature"])?;
    if let Some(expected) = present(context, "canonical_sha256")
        && expected.as_str() != Some(wire::sha256_ref(&preimage).as_str())
    {
        return Err(Reject::new("canonical digest mismatch"));
    }
    Ok(preimage)
}

/// Requires the sibling `algorithm` member to name `algorithm`.
fn require_algorithm(fields: &Map<String, Value>, algorithm: &str) -> Result<(), Reject> {
    if fields.get("algorithm").and_then(Value::as_str) == Some(algorithm) {
        Ok(())
    } else {
        Err(Reject::new("signature algorithm is wrong"))
    }
}

/// The bare-string `signature` member, which must be non-empty.
fn bare_signature(fields: &Map<String, Value>) -> Result<&Value, Reject> {
    fields
        .get("signature")
        .filter(|s| s.as_str().is_some_and(|s| !s.is_empty()))
        .ok_or_else(|| Reject::new("signature is missing"))
}

/// A context member that must be a string.
fn string_member<'a>(context: &'a Context, name: &str, what: &str) -> Result<&'a Value, Reject> {
    context
        .get(name)
        .filter(|v| v.is_string())
        .ok_or_else(|| Reject::new(format!("{what} is missing")))
}

/// A context member that is present and not `null` (the reference runner treats both alike).
fn present<'a>(context: &'a Context, name: &str) -> Option<&'a Value> {
    context.get(name).filter(|v| !v.is_null())
}

/// Compiles an embedded constraint schema: an object, valid against the draft 2020-12
/// meta-schema, self-contained, with bounded regular expressions.
fn compile_schema(schema: &Value) -> Result<Validator, Reject> {
    if !schema.is_object() {
        return Err(Reject::new("constraint schema is not an object"));
    }
    if !jsonschema::draft202012::meta::is_valid(schema) {
        return Err(Reject::new("constraint schema is invalid"));
    }
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(false)
        .with_pattern_options(
            PatternOptions::fancy_regex()
                .backtrack_limit(REGEX_BACKTRACK_LIMIT)
                .size_limit(REGEX_SIZE_LIMIT)
                .dfa_size_limit(REGEX_SIZE_LIMIT),
        )
        .build(schema)
        .map_err(|_| Reject::new("constraint schema is invalid"))
}

/// Validates an action against compiled constraints.
fn validate_action(constraints: &Validator, action: &Value) -> Result<(), Reject> {
    if constraints.is_valid(action) {
        Ok(())
    } else {
        Err(Reject::new("action violates constraints"))
    }
}

/// A link's `scope_restriction` as a JSON Schema: a schema object as is (checked against the
/// meta-schema), or the legacy `{"max_spend": n}` shorthand meaning `max_spend <= n`.
fn scope_restriction_to_schema(scope: &Value) -> Result<Value, Reject> {
    let fields = scope
        .as_object()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Reject::new("scope restriction is invalid"))?;
    if fields.keys().any(|k| SCHEMA_KEYWORDS.contains(&k.as_str())) {
        compile_schema(scope)?;
        return Ok(scope.clone());
    }
    match (fields.len(), fields.get("max_spend")) {
        (1, Some(limit @ Value::Number(_))) => Ok(json!({
            "type": "object",
            "properties": {"max_spend": {"type": "number", "maximum": limit}}
        })),
        _ => Err(Reject::new("scope restriction is unsupported")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conformance::common::b64url_encode;
    use sanctuary_core::identity::{Identity, SecretSeed};

    fn identity(byte: u8) -> Identity {
        Identity::from_seed(&SecretSeed::from_bytes([byte; 32]))
    }

    fn key_text(id: &Identity) -> String {
        b64url_encode(id.public().as_bytes())
    }

    fn sign(value: &mut Value, id: &Identity) {
        let map = value.as_object().unwrap().clone();
        let sig = wire::sign_object(&map, &["signature"], id).unwrap();
        value["signature"] = Value::String(sig);
    }

    fn ctx(value: Value) -> Context {
        value.as_object().cloned().unwrap()
    }

    fn base_mandate(issuer: &Identity) -> Value {
        let mut m = json!({
            "mandate_id": "urn:concordia:mandate:test-0001",
            "issuer": "did:example:issuer",
            "subject": "did:example:subject",
            "issued_at": "2026-05-10T14:25:00Z",
            "algorithm": "EdDSA",
            "validity": {"mode": "windowed", "not_before": "2026-05-01T00:00:00Z",
                         "not_after": "2026-06-01T00:00:00Z"},
            "constraints": {"type": "object",
                            "properties": {"max_spend": {"type": "number", "maximum": 1000}},
                            "required": ["max_spend"]}
        });
        sign(&mut m, issuer);
        m
    }

    fn mandate_ctx(issuer: &Identity, action: Value) -> Context {
        ctx(json!({
            "issuer_public_key_b64url": key_text(issuer),
            "now": "2026-05-10T14:25:00Z",
            "action": action
        }))
    }

    #[test]
    fn mandate_windows_and_actions() {
        let issuer = identity(3);
        let m = base_mandate(&issuer);
        mandate(&m, &mandate_ctx(&issuer, json!({"max_spend": 1000}))).unwrap();
        mandate(&m, &mandate_ctx(&issuer, Value::Null)).unwrap();
        assert_eq!(
            mandate(&m, &mandate_ctx(&issuer, json!({"max_spend": 1000.5})))
                .unwrap_err()
                .0,
            "action violates constraints"
        );
        assert!(mandate(&m, &mandate_ctx(&issuer, json!({}))).is_err());
        // Outside the window, at its edges, without `now`.
        for (now, ok) in [
            ("2026-04-30T23:59:59Z", false),
            ("2026-05-01T00:00:00Z", true),
            ("2026-06-01T00:00:00Z", true),
            ("2026-06-01T00:00:01Z", false),
        ] {
            let mut c = mandate_ctx(&issuer, Value::Null);
            c.insert("now".into(), json!(now));
            assert_eq!(mandate(&m, &c).is_ok(), ok, "{now}");
        }
        let mut c = mandate_ctx(&issuer, Value::Null);
        c.remove("now");
        assert!(mandate(&m, &c).is_err());
        // Another key, a tampered field, a wrong digest.
        assert!(mandate(&m, &mandate_ctx(&identity(4), Value::Null)).is_err());
        let mut tampered = m.clone();
        tampered["subject"] = json!("did:example:other");
        assert!(mandate(&tampered, &mandate_ctx(&issuer, Value::Null)).is_err());
        let mut c = mandate_ctx(&issuer, Value::Null);
        c.insert("canonical_sha256".into(), json!(wire::GENESIS_HASH));
        assert!(mandate(&m, &c).is_err());
    }

    #[test]
    fn mandate_modes_and_status() {
        let issuer = identity(3);
        let with = |edit: &dyn Fn(&mut Value)| {
            let mut m = base_mandate(&issuer);
            edit(&mut m);
            sign(&mut m, &issuer);
            m
        };
        let seq = with(&|m| m["validity"] = json!({"mode": "sequence", "sequence_key": "k1"}));
        let mut c = mandate_ctx(&issuer, Value::Null);
        assert!(mandate(&seq, &c).is_err());
        c.insert("sequence_key".into(), json!("k1"));
        mandate(&seq, &c).unwrap();
        c.insert("sequence_key".into(), json!("k2"));
        assert!(mandate(&seq, &c).is_err());

        let state =
            with(&|m| m["validity"] = json!({"mode": "state_bound", "state_condition": "x"}));
        let mut c = mandate_ctx(&issuer, Value::Null);
        assert!(mandate(&state, &c).is_err());
        c.insert("state_active".into(), json!(1));
        assert!(mandate(&state, &c).is_err());
        c.insert("state_active".into(), json!(true));
        mandate(&state, &c).unwrap();

        let revoked = with(&|m| m["status"] = json!("revoked"));
        assert!(mandate(&revoked, &mandate_ctx(&issuer, Value::Null)).is_err());
        let active = with(&|m| m["status"] = json!("active"));
        mandate(&active, &mandate_ctx(&issuer, Value::Null)).unwrap();
        // A constraint that is not a valid schema, or refers outside itself.
        let bad = with(&|m| m["constraints"] = json!({"type": "no-such-type"}));
        assert!(mandate(&bad, &mandate_ctx(&issuer, Value::Null)).is_err());
        let remote = with(&|m| m["constraints"] = json!({"$ref": "https://example.com/s.json"}));
        assert!(mandate(&remote, &mandate_ctx(&issuer, Value::Null)).is_err());
    }

    #[test]
    fn hostile_constraint_schemas_are_bounded() {
        // A reference cycle that never descends into the instance terminates (the validator
        // reads it as no constraint) and cannot widen what other restrictions allow.
        let cycle = json!({"$id": "urn:test:cycle", "$defs": {"a": {"$ref": "#/$defs/a"}},
                           "$ref": "#/$defs/a"});
        assert!(compile_schema(&cycle).unwrap().is_valid(&json!(1)));
        let narrowed = compile_schema(&json!({"allOf": [{"type": "string"}, cycle]})).unwrap();
        assert!(!narrowed.is_valid(&json!(1)));
        assert!(narrowed.is_valid(&json!("x")));
        // Catastrophic backtracking is cut off and does not match.
        let redos = compile_schema(&json!({"type": "string", "pattern": "^(a+)+$"})).unwrap();
        let text = format!("{}!", "a".repeat(64));
        assert!(!redos.is_valid(&json!(text)));
        assert!(compile_schema(&json!({"pattern": "("})).is_err());
        // A local reference without its own `$id` does not survive composition under `allOf`
        // (it resolves against the composed root): refused, not guessed.
        let local = json!({"$defs": {"n": {"type": "number"}}, "$ref": "#/$defs/n"});
        assert!(compile_schema(&local).unwrap().is_valid(&json!(1)));
        assert!(compile_schema(&json!({"allOf": [local]})).is_err());
        assert!(compile_schema(&json!([])).is_err());
    }

    #[test]
    fn scope_restrictions() {
        assert_eq!(
            scope_restriction_to_schema(&json!({"max_spend": 5})).unwrap(),
            json!({"type": "object", "properties": {"max_spend": {"type": "number", "maximum": 5}}})
        );
        let schema = json!({"properties": {"category": {"const": "books"}}});
        assert_eq!(scope_restriction_to_schema(&schema).unwrap(), schema);
        for bad in [
            json!({}),
            json!([]),
            json!({"max_spend": true}),
            json!({"max_spend": "5"}),
            json!({"max_spend": 5, "other": 1}),
            json!({"max_amount": 5}),
            json!({"type": "nonsense"}),
        ] {
            assert!(scope_restriction_to_schema(&bad).is_err(), "{bad}");
        }
    }

    fn link(from: (&Identity, &str), to: &str, scope: Option<Value>) -> Value {
        let mut l = json!({"algorithm": "EdDSA", "delegator": from.1, "delegate": to,
                           "delegated_at": "2026-05-10T14:25:00Z"});
        if let Some(s) = scope {
            l["scope_restriction"] = s;
        }
        sign(&mut l, from.0);
        l
    }

    #[test]
    fn delegation_chains() {
        let issuer = identity(3);
        let middle = identity(5);
        let build = |links: Vec<Value>| {
            let mut m = base_mandate(&issuer);
            m["delegation_chain"] = Value::Array(links);
            sign(&mut m, &issuer);
            m
        };
        let good = vec![
            link(
                (&issuer, "did:example:issuer"),
                "did:example:middle",
                Some(json!({"max_spend": 800})),
            ),
            link(
                (&middle, "did:example:middle"),
                "did:example:subject",
                Some(json!({"max_spend": 500})),
            ),
        ];
        let context = |action: Value| {
            let mut c = mandate_ctx(&issuer, action);
            c.insert(
                "delegation_public_keys_b64url".into(),
                json!({"did:example:issuer": key_text(&issuer), "did:example:middle": key_text(&middle)}),
            );
            c
        };
        let m = build(good.clone());
        delegation_chain(&m, &context(json!({"max_spend": 500}))).unwrap();
        // The narrowest restriction wins.
        assert!(delegation_chain(&m, &context(json!({"max_spend": 501}))).is_err());
        // Without a chain, the mandate is not a delegation.
        assert!(delegation_chain(&base_mandate(&issuer), &context(Value::Null)).is_err());
        // Broken root, tail, continuity; a link signed by the wrong key; a missing key.
        let wrong_root = vec![link(
            (&middle, "did:example:middle"),
            "did:example:subject",
            None,
        )];
        assert!(delegation_chain(&build(wrong_root), &context(Value::Null)).is_err());
        let short = vec![link(
            (&issuer, "did:example:issuer"),
            "did:example:middle",
            None,
        )];
        assert!(delegation_chain(&build(short), &context(Value::Null)).is_err());
        let gap = vec![
            link((&issuer, "did:example:issuer"), "did:example:middle", None),
            link((&middle, "did:example:other"), "did:example:subject", None),
        ];
        let mut c = context(Value::Null);
        c["delegation_public_keys_b64url"]["did:example:other"] = json!(key_text(&middle));
        assert!(delegation_chain(&build(gap), &c).is_err());
        let forged = vec![
            link((&issuer, "did:example:issuer"), "did:example:middle", None),
            link((&issuer, "did:example:middle"), "did:example:subject", None),
        ];
        assert!(delegation_chain(&build(forged), &context(Value::Null)).is_err());
        let mut c = context(Value::Null);
        c["delegation_public_keys_b64url"]
            .as_object_mut()
            .unwrap()
            .remove("did:example:middle");
        assert!(delegation_chain(&build(good), &c).is_err());
        // Too long.
        let mut long = Vec::new();
        for _ in 0..=MAX_DELEGATION_LINKS {
            long.push(link(
                (&issuer, "did:example:issuer"),
                "did:example:issuer",
                None,
            ));
        }
        if let Some(last) = long.last_mut() {
            *last = link((&issuer, "did:example:issuer"), "did:example:subject", None);
        }
        assert_eq!(
            delegation_chain(&build(long), &context(Value::Null))
                .unwrap_err()
                .0,
            "delegation chain is too long"
        );
    }

    #[test]
    fn predicate_from_suite_and_expiry() {
        let vector: Value = serde_json::from_str(include_str!(
            "../../../tests/conformance/vectors/positive/pos-synthetic-predicate-vector-01.json"
        ))
        .unwrap();
        let input = vector["input"].clone();
        let context = ctx(vector["context"].clone());
        predicate(&input, &context).unwrap();
        let mut late = context.clone();
        late.insert("now".into(), json!("2026-06-14T00:00:01Z"));
        assert_eq!(
            predicate(&input, &late).unwrap_err().0,
            "predicate is expired"
        );
        let mut edge = context.clone();
        edge.insert("now".into(), json!("2026-06-14T00:00:00Z"));
        predicate(&input, &edge).unwrap();
        let mut no_key = context.clone();
        no_key.remove("public_key_b64url");
        assert!(predicate(&input, &no_key).is_err());
        let mut null_digest = context.clone();
        null_digest.insert("canonical_sha256".into(), Value::Null);
        predicate(&input, &null_digest).unwrap();
        let mut other_digest = context;
        other_digest.insert("canonical_sha256".into(), json!(wire::GENESIS_HASH));
        assert!(predicate(&input, &other_digest).is_err());
    }
}
