//! The multi-party promise-chain (CMPC) profiles: conditional-commitment-v1,
//! atomic-activation-proof-v1, unwind-record-v1, closure-predicate-v1, chain-session-v1 and
//! chain-session-transition-v1.
//!
//! Three record kinds (commitment, activation proof, unwind record) carry a bare base64url
//! Ed25519 signature with a sibling `"algorithm": "EdDSA"`, signed over the JCS of the record
//! without its top-level `signature`. The closure predicate carries a signature field too, but
//! no rule for verifying it exists, so its profile checks only the schema, the canonical digest
//! and the digests it commits to (changing only its `signature` is, by design, accepted). A
//! chain session is checked against its schema and digest; a transition attempt against the
//! legal-transition table and that transition's preconditions.
//!
//! # Deviations from the Python reference
//!
//! - Timestamps of a transition attempt (`transition_now`, `activation_deadline`) are read
//!   like the reference runner (`datetime.fromisoformat` after turning `Z` into `+00:00`; no
//!   zone means UTC; fractions truncated to microseconds) but only in the extended calendar
//!   form `YYYY-MM-DDTHH[:MM[:SS[(.|,)digits]]]` followed by nothing, `Z`, `±HH`, `±HHMM`,
//!   `±HH:MM` or `±HH:MM:SS`. Forms Python also takes (date only, any separator character,
//!   basic-format times, ISO week dates, a `.` without digits, offset minutes of 60 or more,
//!   fractional offsets) are rejected.
//! - An instant that falls outside years 1 to 9999 once moved to UTC is rejected; the
//!   reference runner raises `OverflowError` there (a crash, not a verdict).
//! - At most 256 committed digest checks (`MAX_DIGEST_CHECKS`) are evaluated; a longer list is
//!   rejected rather than hashed again and again.

use crate::conformance::common::{
    jcs_bytes, jcs_without, object, resolve_object, resolve_side, sha256_jcs, verify_ed25519,
};
use crate::conformance::{Context, Reject, require_schema};
use crate::schema::SchemaName;
use crate::wire;
use sanctuary_core::time::Timestamp;
use serde_json::{Map, Value};

/// The most committed digest checks one closure-predicate context may ask for (each hashes
/// a whole source object, so the count bounds the work).
const MAX_DIGEST_CHECKS: usize = 256;

/// Checks a `conditional-commitment-v1` input: schema, `EdDSA`, optional canonical digest,
/// then the signature under `context.public_key_b64url`.
pub(crate) fn conditional_commitment(input: &Value, context: &Context) -> Result<(), Reject> {
    signed_record(input, context, SchemaName::ConditionalCommitment)
}

/// Checks an `atomic-activation-proof-v1` input (same rules as a conditional commitment).
pub(crate) fn atomic_activation_proof(input: &Value, context: &Context) -> Result<(), Reject> {
    signed_record(input, context, SchemaName::AtomicActivationProof)
}

/// Checks an `unwind-record-v1` input (same rules as a conditional commitment).
pub(crate) fn unwind_record(input: &Value, context: &Context) -> Result<(), Reject> {
    signed_record(input, context, SchemaName::UnwindRecord)
}

/// Checks a `closure-predicate-v1` input: schema, optional canonical digest over the record
/// without `signature`, and every `context.digest_checks` entry. The signature is not verified.
pub(crate) fn closure_predicate(input: &Value, context: &Context) -> Result<(), Reject> {
    require_schema(SchemaName::ClosurePredicate, input)?;
    let preimage = jcs_without(input, &["signature"])?;
    check_canonical_digest(context, &preimage)?;
    check_committed_digests(input, context)
}

/// Checks a `chain-session-v1` input: schema and optional digest over the whole session.
pub(crate) fn chain_session(input: &Value, context: &Context) -> Result<(), Reject> {
    require_schema(SchemaName::ChainSession, input)?;
    check_canonical_digest(context, &jcs_bytes(input)?)
}

/// Checks a `chain-session-transition-v1` input: the initial session is schema-valid, the
/// attempted target is legal from its state, and that transition's preconditions hold at
/// `transition_now`. The context is not used.
pub(crate) fn chain_session_transition(input: &Value, _context: &Context) -> Result<(), Reject> {
    let attempt = object(input, "transition input")?;
    let session = attempt.get("initial_session").filter(|v| v.is_object());
    let target = attempt.get("attempt_transition").and_then(Value::as_str);
    let now = attempt.get("transition_now").and_then(Value::as_str);
    let (Some(session), Some(target), Some(now)) = (session, target, now) else {
        return Err(Reject::new("transition input is malformed"));
    };
    require_schema(SchemaName::ChainSession, session)?;
    let session = object(session, "initial session")?;
    let now = parse_instant(now)?;
    let from = session
        .get("state")
        .and_then(Value::as_str)
        .and_then(ChainState::from_wire)
        .ok_or_else(|| Reject::new("transition source state is missing"))?;
    let to = ChainState::from_wire(target)
        .filter(|to| from.legal_targets().contains(to))
        .ok_or_else(|| Reject::new("transition is not legal"))?;
    check_preconditions(session, from, to, now)
}

/// The rules shared by the three bare-signed records.
fn signed_record(input: &Value, context: &Context, schema: SchemaName) -> Result<(), Reject> {
    require_schema(schema, input)?;
    let record = object(input, "input")?;
    // The schema's enum says the same; the profile states it as its own check, so it stays
    // even if the schema is ever loosened.
    if record.get("algorithm").and_then(Value::as_str) != Some("EdDSA") {
        return Err(Reject::new("signature algorithm is not EdDSA"));
    }
    let preimage = jcs_without(input, &["signature"])?;
    check_canonical_digest(context, &preimage)?;
    let key = context
        .get("public_key_b64url")
        .filter(|k| k.is_string())
        .ok_or_else(|| Reject::new("public key is missing"))?;
    let signature = record
        .get("signature")
        .filter(|s| s.as_str().is_some_and(|text| !text.is_empty()))
        .ok_or_else(|| Reject::new("signature is missing"))?;
    verify_ed25519(key, signature, &preimage)
}

/// Compares `context.canonical_sha256`, when given, with the SHA-256 of `preimage`. A `null`
/// counts as absent (as in the reference runner); any other non-matching value rejects.
fn check_canonical_digest(context: &Context, preimage: &[u8]) -> Result<(), Reject> {
    match context.get("canonical_sha256") {
        None | Some(Value::Null) => Ok(()),
        Some(expected) if expected.as_str() == Some(wire::sha256_ref(preimage).as_str()) => Ok(()),
        Some(_) => Err(Reject::new("canonical digest mismatch")),
    }
}

/// Runs `context.digest_checks` (absent means none; anything but a list rejects). Each entry
/// must be a `jcs-sha256-pointer` check whose source hashes to the string at its target.
fn check_committed_digests(input: &Value, context: &Context) -> Result<(), Reject> {
    let checks = match context.get("digest_checks") {
        None => return Ok(()),
        Some(Value::Array(checks)) => checks,
        Some(_) => return Err(Reject::new("digest checks are not a list")),
    };
    if checks.len() > MAX_DIGEST_CHECKS {
        return Err(Reject::new("too many digest checks"));
    }
    for check in checks {
        let check = object(check, "digest check")?;
        if check.get("kind").and_then(Value::as_str) != Some("jcs-sha256-pointer") {
            return Err(Reject::new("unknown digest check kind"));
        }
        let source = resolve_object(member(check, "source"), input, context)?;
        let target = resolve_side(member(check, "target"), input, context)?;
        let digest = sha256_jcs(source)?;
        if target.as_str() != Some(digest.as_str()) {
            return Err(Reject::new("committed digest mismatch"));
        }
    }
    Ok(())
}

/// A member of `map`, with `null` standing in for a missing one (the resolvers reject it).
fn member<'a>(map: &'a Map<String, Value>, name: &str) -> &'a Value {
    map.get(name).unwrap_or(&Value::Null)
}

/// The states of a chain session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ChainState {
    Proposed,
    Open,
    Activated,
    Dissolved,
    Expired,
}

impl ChainState {
    fn from_wire(text: &str) -> Option<Self> {
        match text {
            "PROPOSED" => Some(ChainState::Proposed),
            "OPEN" => Some(ChainState::Open),
            "ACTIVATED" => Some(ChainState::Activated),
            "DISSOLVED" => Some(ChainState::Dissolved),
            "EXPIRED" => Some(ChainState::Expired),
            _ => None,
        }
    }

    /// Where a session may go from this state; the last three states are final.
    fn legal_targets(self) -> &'static [ChainState] {
        match self {
            ChainState::Proposed => &[ChainState::Open],
            ChainState::Open => &[
                ChainState::Activated,
                ChainState::Dissolved,
                ChainState::Expired,
            ],
            ChainState::Activated | ChainState::Dissolved | ChainState::Expired => &[],
        }
    }
}

/// The preconditions of a legal transition, judged at `now`.
fn check_preconditions(
    session: &Map<String, Value>,
    from: ChainState,
    to: ChainState,
    now: Timestamp,
) -> Result<(), Reject> {
    let holds = match (from, to) {
        // Every participant has committed.
        (ChainState::Proposed, ChainState::Open) => {
            match (
                session.get("commitments").and_then(Value::as_array),
                session.get("participants").and_then(Value::as_array),
            ) {
                (Some(commitments), Some(participants)) => commitments.len() == participants.len(),
                _ => false,
            }
        }
        // An activation proof exists and the deadline has not passed.
        (ChainState::Open, ChainState::Activated) => {
            let deadline = deadline(session)?;
            session
                .get("activation_proof_id")
                .is_some_and(Value::is_string)
                && now < deadline
        }
        // An unwind record exists.
        (ChainState::Open, ChainState::Dissolved) => session
            .get("unwind_record_id")
            .is_some_and(Value::is_string),
        // The deadline has passed without an activation proof.
        (ChainState::Open, ChainState::Expired) => {
            let deadline = deadline(session)?;
            now >= deadline
                && session
                    .get("activation_proof_id")
                    .is_none_or(Value::is_null)
        }
        // Unreachable after the legality check; refuse rather than assume.
        _ => false,
    };
    if holds {
        Ok(())
    } else {
        Err(Reject::new("transition preconditions failed"))
    }
}

/// The session's `activation_deadline` as an instant.
fn deadline(session: &Map<String, Value>) -> Result<Timestamp, Reject> {
    let text = session
        .get("activation_deadline")
        .and_then(Value::as_str)
        .ok_or_else(|| Reject::new("timestamp is not a string"))?;
    parse_instant(text)
}

/// Reads a date-time as the reference runner does for transitions (see the module docs for
/// the accepted forms), returning the UTC instant with microsecond precision.
fn parse_instant(text: &str) -> Result<Timestamp, Reject> {
    let invalid = || Reject::new("timestamp is invalid");
    let mut scan = Scanner {
        bytes: text.as_bytes(),
        at: 0,
    };
    let year = scan.number(4)?;
    scan.literal(b'-')?;
    let month = scan.number(2)?;
    scan.literal(b'-')?;
    let day = scan.number(2)?;
    scan.literal(b'T')?;
    let hour = scan.number(2)?;
    let (mut minute, mut second, mut micros) = (0, 0, 0);
    if scan.eat(b':') {
        minute = scan.number(2)?;
        if scan.eat(b':') {
            second = scan.number(2)?;
            if scan.eat(b'.') || scan.eat(b',') {
                micros = scan.fraction_micros()?;
            }
        }
    }
    let offset = scan.offset_seconds()?;
    if scan.peek().is_some() {
        return Err(invalid());
    }
    // The wall-clock reading, validated (month lengths, leap years, 23:59:59 at most, years
    // 1 to 9999) by the RFC 3339 reader, then moved to UTC by the offset.
    let local = Timestamp::parse_rfc3339(&format!(
        "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z"
    ))
    .map_err(|_| invalid())?;
    let utc = local
        .unix_seconds()
        .checked_sub(offset)
        .ok_or_else(invalid)?;
    let nanos = micros.checked_mul(1000).ok_or_else(invalid)?;
    Timestamp::from_unix(utc, nanos).map_err(|_| invalid())
}

/// A cursor over the bytes of a timestamp.
struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn literal(&mut self, byte: u8) -> Result<(), Reject> {
        if self.eat(byte) {
            Ok(())
        } else {
            Err(Reject::new("timestamp is invalid"))
        }
    }

    /// Exactly `width` ASCII digits (width at most 4, so the value fits).
    fn number(&mut self, width: usize) -> Result<u32, Reject> {
        let mut value = 0u32;
        for _ in 0..width {
            let digit = self
                .peek()
                .filter(u8::is_ascii_digit)
                .ok_or_else(|| Reject::new("timestamp is invalid"))?;
            value = value * 10 + u32::from(digit - b'0');
            self.at += 1;
        }
        Ok(value)
    }

    /// One or more digits of a fraction of a second, truncated to microseconds.
    fn fraction_micros(&mut self) -> Result<u32, Reject> {
        let mut micros = 0u32;
        let mut count = 0usize;
        while let Some(digit) = self.peek().filter(u8::is_ascii_digit) {
            if count < 6 {
                micros = micros * 10 + u32::from(digit - b'0');
            }
            count += 1;
            self.at += 1;
        }
        if count == 0 {
            return Err(Reject::new("timestamp is invalid"));
        }
        for _ in count..6 {
            micros *= 10;
        }
        Ok(micros)
    }

    /// The zone: none (UTC), `Z`, or a signed `HH`, `HHMM`, `HH:MM` or `HH:MM:SS`; seconds
    /// east of UTC.
    fn offset_seconds(&mut self) -> Result<i64, Reject> {
        let sign = match self.peek() {
            None => return Ok(0),
            Some(b'Z') => {
                self.at += 1;
                return Ok(0);
            }
            Some(b'+') => 1,
            Some(b'-') => -1,
            Some(_) => return Err(Reject::new("timestamp is invalid")),
        };
        self.at += 1;
        let hours = self.number(2)?;
        let (mut minutes, mut seconds) = (0, 0);
        if self.eat(b':') {
            minutes = self.number(2)?;
            if self.eat(b':') {
                seconds = self.number(2)?;
            }
        } else if self.peek().is_some_and(|c| c.is_ascii_digit()) {
            minutes = self.number(2)?;
        }
        if hours > 23 || minutes > 59 || seconds > 59 {
            return Err(Reject::new("timestamp offset is out of range"));
        }
        Ok(sign * i64::from(hours * 3600 + minutes * 60 + seconds))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanctuary_core::identity::{Identity, SecretSeed};
    use serde_json::json;

    const COMMITMENT: &str = include_str!(
        "../../../tests/conformance/vectors/positive/pos-synthetic-cmpc-conditional-commitment.json"
    );
    const ACTIVATION: &str = include_str!(
        "../../../tests/conformance/vectors/positive/pos-synthetic-cmpc-atomic-activation-proof.json"
    );
    const UNWIND: &str = include_str!(
        "../../../tests/conformance/vectors/positive/pos-synthetic-cmpc-unwind-record.json"
    );
    const CLOSURE: &str = include_str!(
        "../../../tests/conformance/vectors/positive/pos-synthetic-cmpc-closure-predicate.json"
    );
    const SESSION: &str = include_str!(
        "../../../tests/conformance/vectors/positive/pos-synthetic-cmpc-chain-session.json"
    );
    const TRANSITIONS: [&str; 10] = [
        include_str!(
            "../../../tests/conformance/vectors/positive/transition-synthetic-cmpc-illegal-activated-to-anything.json"
        ),
        include_str!(
            "../../../tests/conformance/vectors/positive/transition-synthetic-cmpc-illegal-dissolved-to-anything.json"
        ),
        include_str!(
            "../../../tests/conformance/vectors/positive/transition-synthetic-cmpc-illegal-open-to-proposed.json"
        ),
        include_str!(
            "../../../tests/conformance/vectors/positive/transition-synthetic-cmpc-illegal-proposed-to-activated.json"
        ),
        include_str!(
            "../../../tests/conformance/vectors/positive/transition-synthetic-cmpc-illegal-proposed-to-dissolved.json"
        ),
        include_str!(
            "../../../tests/conformance/vectors/positive/transition-synthetic-cmpc-illegal-proposed-to-expired.json"
        ),
        include_str!(
            "../../../tests/conformance/vectors/positive/transition-synthetic-cmpc-legal-open-to-activated.json"
        ),
        include_str!(
            "../../../tests/conformance/vectors/positive/transition-synthetic-cmpc-legal-open-to-dissolved.json"
        ),
        include_str!(
            "../../../tests/conformance/vectors/positive/transition-synthetic-cmpc-legal-open-to-expired.json"
        ),
        include_str!(
            "../../../tests/conformance/vectors/positive/transition-synthetic-cmpc-legal-proposed-to-open.json"
        ),
    ];

    type Profile = fn(&Value, &Context) -> Result<(), Reject>;

    /// The input and context of a vector.
    fn load(text: &str) -> (Value, Context) {
        let vector = wire::parse(text).unwrap();
        let context = vector["context"].as_object().unwrap().clone();
        (vector["input"].clone(), context)
    }

    /// Flips one bit in the first byte of a base64url signature.
    fn flip_signature_byte(input: &mut Value) {
        let signature = input["signature"].as_str().unwrap();
        let mut bytes = sanctuary_core::encoding::base64url_decode(signature).unwrap();
        bytes[0] ^= 0x01;
        input["signature"] = json!(crate::conformance::common::b64url_encode(&bytes));
    }

    /// Signs `input` (without its signature) with a test key and returns the key.
    fn resign(input: &mut Value, seed: u8) -> String {
        let id = Identity::from_seed(&SecretSeed::from_bytes([seed; 32]));
        let signature = wire::sign_object(input.as_object().unwrap(), &["signature"], &id).unwrap();
        input["signature"] = json!(signature);
        wire::encode_public_key(id.public())
    }

    /// The shared accept/reject cases of the three bare-signed profiles.
    fn signed_profile_cases(
        profile: Profile,
        text: &str,
        changed: &str,
        new_value: Value,
        required: &str,
    ) {
        let (input, context) = load(text);
        profile(&input, &context).unwrap();

        // The signature must be read as base64url, padded or not.
        let mut unpadded = input.clone();
        unpadded["signature"] = json!(input["signature"].as_str().unwrap().trim_end_matches('='));
        profile(&unpadded, &context).unwrap();

        let mut tampered = input.clone();
        flip_signature_byte(&mut tampered);
        assert!(profile(&tampered, &context).is_err(), "flipped signature");

        // A changed field breaks the digest, and (digest removed) the signature.
        let mut changed_input = input.clone();
        changed_input[changed] = new_value;
        assert!(profile(&changed_input, &context).is_err(), "changed field");
        let mut no_digest = context.clone();
        no_digest.remove("canonical_sha256");
        assert!(
            profile(&changed_input, &no_digest).is_err(),
            "changed field, no digest"
        );
        // A null digest counts as absent; a non-string one never matches.
        let mut null_digest = context.clone();
        null_digest.insert("canonical_sha256".into(), Value::Null);
        profile(&input, &null_digest).unwrap();
        let mut number_digest = context.clone();
        number_digest.insert("canonical_sha256".into(), json!(5));
        assert!(
            profile(&input, &number_digest).is_err(),
            "non-string digest"
        );

        // Re-signed by another key: the signature verifies only under that key, and the
        // committed digest still pins the original content.
        let mut resigned = changed_input.clone();
        let key = resign(&mut resigned, 9);
        let mut own_key = no_digest.clone();
        own_key.insert("public_key_b64url".into(), json!(key));
        profile(&resigned, &own_key).unwrap();
        assert!(profile(&resigned, &no_digest).is_err(), "wrong key");
        let mut own_key_with_digest = context.clone();
        own_key_with_digest.insert("public_key_b64url".into(), json!(key));
        assert!(
            profile(&resigned, &own_key_with_digest).is_err(),
            "stale digest"
        );

        let mut missing_key = context.clone();
        missing_key.remove("public_key_b64url");
        assert!(profile(&input, &missing_key).is_err(), "missing key");
        let mut numeric_key = context.clone();
        numeric_key.insert("public_key_b64url".into(), json!(7));
        assert!(profile(&input, &numeric_key).is_err(), "non-string key");

        for member in [required, "signature", "algorithm"] {
            let mut missing = input.clone();
            missing.as_object_mut().unwrap().remove(member);
            assert!(profile(&missing, &context).is_err(), "missing {member}");
        }
        let mut other_alg = input.clone();
        other_alg["algorithm"] = json!("ES256");
        assert!(profile(&other_alg, &context).is_err(), "ES256");
        let mut extra = input.clone();
        extra["extra"] = json!(1);
        assert!(profile(&extra, &context).is_err(), "extra member");
        let mut empty_signature = input.clone();
        empty_signature["signature"] = json!("");
        assert!(
            profile(&empty_signature, &context).is_err(),
            "empty signature"
        );
        assert!(profile(&json!([]), &context).is_err(), "not an object");
    }

    #[test]
    fn conditional_commitment_accepts_the_suite_record_and_rejects_tampering() {
        signed_profile_cases(
            conditional_commitment,
            COMMITMENT,
            "committer_did",
            json!("did:web:mallory.example"),
            "mandate_proof_id",
        );
        // Nested terms are covered by the signature too.
        let (mut input, context) = load(COMMITMENT);
        input["commitment_terms"]["quantity"] = json!(101);
        assert!(conditional_commitment(&input, &context).is_err());
        // 100 and 100.0 are the same JCS number, so this is not a change.
        let (mut input, context) = load(COMMITMENT);
        input["commitment_terms"]["quantity"] = json!(100.0);
        conditional_commitment(&input, &context).unwrap();
    }

    #[test]
    fn atomic_activation_proof_accepts_the_suite_record_and_rejects_tampering() {
        signed_profile_cases(
            atomic_activation_proof,
            ACTIVATION,
            "activated_at",
            json!("2026-05-17T13:59:59Z"),
            "commitment_ids",
        );
        let (mut input, context) = load(ACTIVATION);
        input["commitment_ids"] = json!([]);
        assert!(
            atomic_activation_proof(&input, &context).is_err(),
            "no commitments"
        );
    }

    #[test]
    fn unwind_record_accepts_the_suite_record_and_rejects_tampering() {
        signed_profile_cases(
            unwind_record,
            UNWIND,
            "issuer_did",
            json!("did:web:wholesaler.example"),
            "counterparty_acknowledgment",
        );
        let (mut input, context) = load(UNWIND);
        input["dissolution_reason"] = json!("bored");
        assert!(unwind_record(&input, &context).is_err(), "unknown reason");
    }

    #[test]
    fn closure_predicate_checks_schema_digest_and_commitments() {
        let (input, context) = load(CLOSURE);
        closure_predicate(&input, &context).unwrap();

        // The signature is neither verified nor part of the digest.
        let mut resigned = input.clone();
        flip_signature_byte(&mut resigned);
        closure_predicate(&resigned, &context).unwrap();

        let mut changed = input.clone();
        changed["condition"]["aggregate_quantity_required"] = json!(99);
        assert!(
            closure_predicate(&changed, &context).is_err(),
            "changed field"
        );

        // The committed session digest: drift on either side fails.
        let mut no_digest = context.clone();
        no_digest.remove("canonical_sha256");
        closure_predicate(&input, &no_digest).unwrap();
        let mut other_session = no_digest.clone();
        other_session["chain_session"]["state"] = json!("ACTIVATED");
        assert!(
            closure_predicate(&input, &other_session).is_err(),
            "session drift"
        );
        let mut other_reference = input.clone();
        other_reference["references"][0]["digest"] = json!(format!("sha256:{}", "0".repeat(64)));
        assert!(
            closure_predicate(&other_reference, &no_digest).is_err(),
            "reference drift"
        );
        let mut no_reference = input.clone();
        no_reference["references"] = json!([]);
        assert!(
            closure_predicate(&no_reference, &no_digest).is_err(),
            "missing target"
        );

        let mut unknown_kind = no_digest.clone();
        unknown_kind["digest_checks"][0]["kind"] = json!("jcs-sha256");
        assert!(
            closure_predicate(&input, &unknown_kind).is_err(),
            "unknown kind"
        );
        let mut bad_source = no_digest.clone();
        bad_source["digest_checks"][0]["source"] = json!("context.nowhere");
        assert!(
            closure_predicate(&input, &bad_source).is_err(),
            "missing source"
        );
        for checks in [Value::Null, json!({}), json!(["x"])] {
            let mut odd = no_digest.clone();
            odd.insert("digest_checks".into(), checks);
            assert!(
                closure_predicate(&input, &odd).is_err(),
                "odd digest_checks"
            );
        }
        let mut too_many = no_digest.clone();
        too_many.insert(
            "digest_checks".into(),
            json!(vec![
                no_digest["digest_checks"][0].clone();
                MAX_DIGEST_CHECKS + 1
            ]),
        );
        assert!(
            closure_predicate(&input, &too_many).is_err(),
            "too many checks"
        );
        let mut many = no_digest.clone();
        many.insert(
            "digest_checks".into(),
            json!(vec![no_digest["digest_checks"][0].clone(); 3]),
        );
        closure_predicate(&input, &many).unwrap();

        for member in ["status", "signature", "references", "algorithm"] {
            let mut missing = input.clone();
            missing.as_object_mut().unwrap().remove(member);
            assert!(
                closure_predicate(&missing, &no_digest).is_err(),
                "missing {member}"
            );
        }
        // Extra members are allowed by the schema but change the digest.
        let mut extra = input.clone();
        extra["note"] = json!("x");
        closure_predicate(&extra, &no_digest).unwrap();
        assert!(
            closure_predicate(&extra, &context).is_err(),
            "extra member vs digest"
        );
    }

    #[test]
    fn chain_session_checks_schema_and_digest() {
        let (input, context) = load(SESSION);
        chain_session(&input, &context).unwrap();

        let mut changed = input.clone();
        changed["activation_deadline"] = json!("2026-05-17T15:00:00Z");
        assert!(chain_session(&changed, &context).is_err(), "changed field");
        chain_session(&changed, &Context::new()).unwrap();

        for member in ["state", "activation_proof_id", "participants"] {
            let mut missing = input.clone();
            missing.as_object_mut().unwrap().remove(member);
            assert!(
                chain_session(&missing, &Context::new()).is_err(),
                "missing {member}"
            );
        }
        let mut bad_state = input.clone();
        bad_state["state"] = json!("CLOSED");
        assert!(
            chain_session(&bad_state, &Context::new()).is_err(),
            "unknown state"
        );
        let mut bad_proof = input.clone();
        bad_proof["activation_proof_id"] = json!("urn:concordia:unwind:1");
        assert!(
            chain_session(&bad_proof, &Context::new()).is_err(),
            "wrong proof id"
        );
    }

    #[test]
    fn transition_vectors_match_their_expected_outcome() {
        for text in TRANSITIONS {
            let vector = wire::parse(text).unwrap();
            let (input, context) = load(text);
            let accepted = chain_session_transition(&input, &context).is_ok();
            assert_eq!(accepted, vector["expected"] == "accept", "{}", vector["id"]);
        }
    }

    /// The input of the legal OPEN -> ACTIVATED vector (deadline 13:00Z, now 12:00Z).
    fn open_to_activated() -> Value {
        load(TRANSITIONS[6]).0
    }

    fn transition(input: &Value) -> Result<(), Reject> {
        chain_session_transition(input, &Context::new())
    }

    #[test]
    fn transition_rejects_illegal_targets_and_failed_preconditions() {
        let legal = open_to_activated();
        transition(&legal).unwrap();

        for target in ["PROPOSED", "OPEN", "activated", "CLOSED", ""] {
            let mut illegal = legal.clone();
            illegal["attempt_transition"] = json!(target);
            assert!(transition(&illegal).is_err(), "OPEN -> {target}");
        }
        for state in ["ACTIVATED", "DISSOLVED", "EXPIRED"] {
            for target in ["OPEN", "ACTIVATED", "DISSOLVED", "EXPIRED", "PROPOSED"] {
                let mut finished = legal.clone();
                finished["initial_session"]["state"] = json!(state);
                finished["attempt_transition"] = json!(target);
                assert!(transition(&finished).is_err(), "{state} -> {target}");
            }
        }

        // OPEN -> ACTIVATED: strictly before the deadline, and only with a proof.
        let mut at_deadline = legal.clone();
        at_deadline["transition_now"] = json!("2026-05-18T13:00:00Z");
        assert!(transition(&at_deadline).is_err(), "at the deadline");
        at_deadline["transition_now"] = json!("2026-05-18T12:59:59.999999Z");
        transition(&at_deadline).unwrap();
        // Digits past the microsecond are dropped, as Python does.
        at_deadline["transition_now"] = json!("2026-05-18T12:59:59.9999999Z");
        transition(&at_deadline).unwrap();
        at_deadline["initial_session"]["activation_deadline"] =
            json!("2026-05-18T13:00:00.0000009Z");
        at_deadline["transition_now"] = json!("2026-05-18T13:00:00Z");
        assert!(
            transition(&at_deadline).is_err(),
            "sub-microsecond deadline"
        );
        // The same instant written with an offset.
        let mut offset = legal.clone();
        offset["transition_now"] = json!("2026-05-18T14:00:00+01:00");
        assert!(transition(&offset).is_err(), "offset at the deadline");
        offset["transition_now"] = json!("2026-05-18T13:59:59+01:00");
        transition(&offset).unwrap();
        let mut no_proof = legal.clone();
        no_proof["initial_session"]["activation_proof_id"] = Value::Null;
        assert!(transition(&no_proof).is_err(), "no activation proof");

        // OPEN -> EXPIRED: at or after the deadline, and only without a proof.
        let mut expire = no_proof.clone();
        expire["attempt_transition"] = json!("EXPIRED");
        assert!(transition(&expire).is_err(), "expired early");
        expire["transition_now"] = json!("2026-05-18T13:00:00Z");
        transition(&expire).unwrap();
        let mut proven = expire.clone();
        proven["initial_session"]["activation_proof_id"] =
            json!("urn:concordia:activation-proof:1");
        assert!(transition(&proven).is_err(), "expired with proof");

        // OPEN -> DISSOLVED needs an unwind record.
        let mut dissolve = legal.clone();
        dissolve["attempt_transition"] = json!("DISSOLVED");
        assert!(transition(&dissolve).is_err(), "dissolved without record");
        dissolve["initial_session"]["unwind_record_id"] = json!("urn:concordia:unwind:1");
        transition(&dissolve).unwrap();

        // PROPOSED -> OPEN needs one commitment per participant.
        let (mut open, _) = load(TRANSITIONS[9]);
        transition(&open).unwrap();
        open["initial_session"]["commitments"]
            .as_array_mut()
            .unwrap()
            .pop();
        assert!(transition(&open).is_err(), "missing commitment");
    }

    #[test]
    fn transition_rejects_malformed_attempts() {
        let legal = open_to_activated();
        for member in ["initial_session", "attempt_transition", "transition_now"] {
            let mut missing = legal.clone();
            missing.as_object_mut().unwrap().remove(member);
            assert!(transition(&missing).is_err(), "missing {member}");
            let mut wrong_type = legal.clone();
            wrong_type[member] = json!(1);
            assert!(transition(&wrong_type).is_err(), "numeric {member}");
        }
        let mut schema = legal.clone();
        schema["initial_session"]
            .as_object_mut()
            .unwrap()
            .remove("created_at");
        assert!(transition(&schema).is_err(), "session fails its schema");
        let mut bad_now = legal.clone();
        bad_now["transition_now"] = json!("yesterday");
        assert!(transition(&bad_now).is_err(), "unreadable now");
        // Checked even where no precondition needs the time.
        let mut dissolve = bad_now.clone();
        dissolve["attempt_transition"] = json!("DISSOLVED");
        dissolve["initial_session"]["unwind_record_id"] = json!("urn:concordia:unwind:1");
        assert!(transition(&dissolve).is_err(), "unreadable now, dissolve");
        let mut bad_deadline = legal.clone();
        bad_deadline["initial_session"]["activation_deadline"] = json!("2026-05-18Tlater");
        assert!(transition(&bad_deadline).is_err(), "unreadable deadline");
        assert!(transition(&json!("OPEN")).is_err(), "not an object");
    }

    #[test]
    fn instants_read_like_the_reference_runner() {
        // Unix microseconds from Python 3.11: `datetime.fromisoformat(s.replace("Z",
        // "+00:00"))`, zone-less taken as UTC, then `astimezone(timezone.utc)`; `None` where
        // Python raises (ValueError, or OverflowError for the last two).
        let cases: [(&str, Option<i64>); 38] = [
            ("2026-05-18T11:00:00Z", Some(1_779_102_000_000_000)),
            ("2026-05-18T11:00:00+00:00", Some(1_779_102_000_000_000)),
            ("2026-05-18T12:00:00+01:00", Some(1_779_102_000_000_000)),
            ("2026-05-18T11:00:00-00:00", Some(1_779_102_000_000_000)),
            ("2026-05-18T11:00", Some(1_779_102_000_000_000)),
            ("2026-05-18T11", Some(1_779_102_000_000_000)),
            ("2026-05-18T11Z", Some(1_779_102_000_000_000)),
            ("2026-05-18T11:00+01:00", Some(1_779_098_400_000_000)),
            ("2026-05-18T11+05:30", Some(1_779_082_200_000_000)),
            ("2026-05-18T11:00:00.1234567Z", Some(1_779_102_000_123_456)),
            ("2026-05-18T11:00:00.5", Some(1_779_102_000_500_000)),
            ("2026-05-18T11:00:00,25Z", Some(1_779_102_000_250_000)),
            ("2026-05-18T11:00:00.000001Z", Some(1_779_102_000_000_001)),
            ("2026-05-18T11:00:00+0530", Some(1_779_082_200_000_000)),
            ("2026-05-18T11:00:00+05", Some(1_779_084_000_000_000)),
            ("2026-05-18T11:00:00-05:30:15", Some(1_779_121_815_000_000)),
            ("2026-05-18T11:00:00", Some(1_779_102_000_000_000)),
            ("2024-02-29T00:00:00Z", Some(1_709_164_800_000_000)),
            ("0001-01-01T00:30:00-01:00", Some(-62_135_591_400_000_000)),
            (
                "9999-12-31T22:59:59.999999-01:00",
                Some(253_402_300_799_999_999),
            ),
            ("2026-02-29T00:00:00Z", None),
            ("2026-05-18T24:00:00Z", None),
            ("2026-05-18T11:60", None),
            ("2026-05-18T11:00:60Z", None),
            ("2026-05-18T1", None),
            ("2026-05-18T11:0", None),
            ("2026-05-18T", None),
            ("2026-5-18T11:00", None),
            ("2026-05-18T11:00:00z", None),
            ("2026-05-18T11:00:00+5:30", None),
            ("2026-05-18T11:00:00+24:00", None),
            ("0000-05-18T11:00", None),
            ("2026-05-18T11:00:00+00:00x", None),
            ("2026-13-01T00:00Z", None),
            ("not a date", None),
            ("", None),
            ("9999-12-31T23:59:59-01:00", None),
            ("0001-01-01T00:00:00+01:00", None),
        ];
        for (text, expected) in cases {
            let got = parse_instant(text)
                .ok()
                .map(|t| t.unix_seconds() * 1_000_000 + i64::from(t.subsec_nanos() / 1000));
            assert_eq!(got, expected, "{text}");
        }
        // Forms Python reads but this reader refuses (see the module docs).
        for text in [
            "2026-05-18",
            "2026-05-18 11:00",
            "2026-05-18t11:00",
            "2026-05-18T1100",
            "20260518T110000",
            "2026-W20-1T11:00",
            "2026-05-18T11:00:00.Z",
            "2026-05-18T11:00:00+00:60",
            "2026-05-18T11:00:00+01:00:00.5",
        ] {
            assert!(parse_instant(text).is_err(), "{text}");
        }
    }
}
