//! decision-object-v1 and offer-binding-v1: JCS digests of decision objects and offers, and
//! the equalities that bind those support objects into receipts.
//!
//! Both profiles are pure recomputation: nothing is signed, so the only question is whether
//! the digest (or the referenced field) the vector names matches what the bytes say.
//!
//! # Deviations from the Python reference
//!
//! - A digest is compared as text, byte for byte; a committed digest that is not a JSON
//!   string never matches (Python compares `str != value`, which is the same outcome).
//! - `json-pointer-equal` compares with the reference runner's JSON equality (`1 == 1.0`),
//!   so it accepts exactly what that runner accepts.

use crate::conformance::common::{py_eq, resolve_object, resolve_side, sha256_jcs};
use crate::conformance::{Context, Reject};
use serde_json::Value;

/// The most checks one offer-binding vector may list: a bound on work per vector, far above
/// the suite's largest (three).
const MAX_CHECKS: usize = 256;

/// decision-object-v1: the JCS digest of `input` must equal `context.expected_decision_id`.
pub(crate) fn decision_object(input: &Value, context: &Context) -> Result<(), Reject> {
    let expected = context
        .get("expected_decision_id")
        .and_then(Value::as_str)
        .ok_or_else(|| Reject::new("expected decision id is missing"))?;
    if sha256_jcs(input)? == expected {
        Ok(())
    } else {
        Err(Reject::new("decision digest mismatch"))
    }
}

/// offer-binding-v1: every check in `context.checks` (a non-empty list) must hold.
pub(crate) fn offer_binding(input: &Value, context: &Context) -> Result<(), Reject> {
    let checks = context
        .get("checks")
        .and_then(Value::as_array)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| Reject::new("offer-binding checks are missing"))?;
    if checks.len() > MAX_CHECKS {
        return Err(Reject::new("too many offer-binding checks"));
    }
    checks
        .iter()
        .try_for_each(|check| binding_check(check, input, context))
}

/// One offer-binding check; an unknown `kind` is a rejection.
fn binding_check(check: &Value, input: &Value, context: &Context) -> Result<(), Reject> {
    let check = check
        .as_object()
        .ok_or_else(|| Reject::new("offer-binding check is not an object"))?;
    let field = |name: &str| check.get(name).unwrap_or(&Value::Null);
    match check.get("kind").and_then(Value::as_str) {
        // The digest of the source against a literal recorded in the vector.
        Some("jcs-sha256") => {
            let source = resolve_object(field("source"), input, context)?;
            let expected = field("expected")
                .as_str()
                .ok_or_else(|| Reject::new("expected digest is not a string"))?;
            if sha256_jcs(source)? == expected {
                Ok(())
            } else {
                Err(Reject::new("digest check failed"))
            }
        }
        // The digest of the source against the artefact's own committed field, so drift on
        // either side is caught.
        Some("jcs-sha256-pointer") => {
            let source = resolve_object(field("source"), input, context)?;
            let target = resolve_side(field("target"), input, context)?;
            if target.as_str() == Some(sha256_jcs(source)?.as_str()) {
                Ok(())
            } else {
                Err(Reject::new("committed digest mismatch"))
            }
        }
        Some("json-pointer-equal") => {
            let left = resolve_side(field("left"), input, context)?;
            let right = resolve_side(field("right"), input, context)?;
            if py_eq(left, right) {
                Ok(())
            } else {
                Err(Reject::new("binding check failed"))
            }
        }
        _ => Err(Reject::new("unknown offer-binding check kind")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ctx(value: Value) -> Context {
        value.as_object().cloned().unwrap()
    }

    // sha256 of JCS {"a":1}, checked in wire's tests against an independent value.
    const A1: &str = "sha256:015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862";

    #[test]
    fn decision_digest_matches_or_rejects() {
        let input = json!({"a": 1.0});
        decision_object(&input, &ctx(json!({"expected_decision_id": A1}))).unwrap();
        // One changed hex digit, upper case, a missing or non-string id: all refused.
        let wrong = A1.replace("015a", "015b");
        assert!(decision_object(&input, &ctx(json!({"expected_decision_id": wrong}))).is_err());
        let upper = A1.to_uppercase();
        assert!(decision_object(&input, &ctx(json!({"expected_decision_id": upper}))).is_err());
        assert!(decision_object(&input, &ctx(json!({}))).is_err());
        assert!(decision_object(&input, &ctx(json!({"expected_decision_id": 1}))).is_err());
        assert!(
            decision_object(&json!({"a": 2}), &ctx(json!({"expected_decision_id": A1}))).is_err()
        );
    }

    #[test]
    fn each_check_kind() {
        let input = json!({"scope": {"offer_hash": A1, "n": 1}});
        let context = ctx(json!({
            "offer": {"a": 1},
            "other": {"n": 1.0},
            "checks": [
                {"kind": "jcs-sha256", "source": "context.offer", "expected": A1},
                {"kind": "jcs-sha256-pointer", "source": "context.offer",
                 "target": {"object": "input", "pointer": "/scope/offer_hash"}},
                {"kind": "json-pointer-equal",
                 "left": {"object": "input", "pointer": "/scope/n"},
                 "right": {"object": "context.other", "pointer": "/n"}}
            ]
        }));
        offer_binding(&input, &context).unwrap();

        let reject = |checks: Value| {
            let mut c = context.clone();
            c.insert("checks".into(), checks);
            offer_binding(&input, &c).is_err()
        };
        assert!(reject(json!([])));
        assert!(reject(json!("not a list")));
        assert!(reject(json!([1])));
        assert!(reject(
            json!([{"kind": "jcs-sha512", "source": "input", "expected": A1}])
        ));
        assert!(reject(
            json!([{"kind": "jcs-sha256", "source": "input", "expected": A1}])
        ));
        assert!(reject(
            json!([{"kind": "jcs-sha256", "source": "context.none", "expected": A1}])
        ));
        assert!(reject(
            json!([{"kind": "jcs-sha256-pointer", "source": "context.other",
            "target": {"object": "input", "pointer": "/scope/offer_hash"}}])
        ));
        assert!(reject(
            json!([{"kind": "jcs-sha256-pointer", "source": "context.offer",
            "target": {"object": "input", "pointer": "/scope/missing"}}])
        ));
        assert!(reject(json!([{"kind": "json-pointer-equal",
            "left": {"object": "input", "pointer": "/scope/n"},
            "right": {"object": "input", "pointer": "/scope/offer_hash"}}])));
        // A later failing check spoils earlier passing ones.
        assert!(reject(json!([
            {"kind": "jcs-sha256", "source": "context.offer", "expected": A1},
            {"kind": "jcs-sha256", "source": "context.other", "expected": A1}
        ])));
        let many: Vec<Value> = (0..=MAX_CHECKS)
            .map(|_| json!({"kind": "jcs-sha256", "source": "context.offer", "expected": A1}))
            .collect();
        assert!(reject(Value::Array(many)));
    }
}
