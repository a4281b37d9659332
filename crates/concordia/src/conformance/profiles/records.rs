//! receipt-v1, revocation-v1, cascade-decision-v1, fulfillment-attestation-v1 and agent-profile-v1.
//!
//! These profiles check signed Concordia side records: a human approval receipt, a revocation,
//! a cascade decision, a fulfillment attestation and an agent capability profile. Each one
//! validates the record's shape, its typed reference to the artefact it concerns, and an Ed25519
//! signature over a profile-defined preimage; some add temporal, digest and privacy checks.
//! Optional context members are skipped when absent or `null` (as the contract's reference
//! runner reads them).
//!
//! # Deviations from the Python reference
//!
//! All are stricter (they can only turn an accept into a reject):
//! - base64url, date-time and Ed25519 checks use the crate's strict shared helpers
//!   (`common`, the schema's date-time format), which refuse some spellings Python tolerates
//!   (mixed alphabets, non-zero trailing bits, ISO 8601 forms that are not RFC 3339).
//! - agent-profile-v1: `context.canonical_fields` must be an array of the twelve names; the
//!   reference runner also takes an object whose keys appear in that order, which cannot be
//!   told apart here because member order is not kept after parsing.
//! - The raw deal-term scan of fulfillment-attestation-v1 reproduces Python's Unicode `\d`
//!   (decimal digits), `\s` and case folding exactly; its word characters (`\b`) are Rust's
//!   alphanumerics and `_`, which differ from Python's `str.isalnum` only on a few combining
//!   marks and letter-like symbols.

use crate::conformance::common;
use crate::conformance::{Context, Reject, require_schema};
use crate::schema::SchemaName;
use crate::wire;
use sanctuary_core::identity::{Identity, SecretSeed};
use sanctuary_core::time::Timestamp;
use serde_json::{Map, Value};

/// Stands in for a member that is absent (the reference reads absent and `null` alike).
const NULL: Value = Value::Null;

/// The session types an approval receipt may approve.
const APPROVED_TYPES: [&str; 2] = ["negotiation_session", "a2cn:negotiation_session"];

/// The signed top-level fields of an agent profile, in the order the contract fixes.
const PROFILE_CANONICAL_FIELDS: [&str; 12] = [
    "type",
    "version",
    "agent_id",
    "name",
    "description",
    "capabilities",
    "negotiation_profile",
    "trust_signals",
    "endpoints",
    "location",
    "ttl",
    "updated_at",
];
/// Top-level members an agent profile may carry besides the signed ones.
const PROFILE_UNSIGNED_FIELDS: [&str; 2] = ["signature", "verified"];
const CAPABILITY_FIELDS: [&str; 6] = [
    "categories",
    "offer_types",
    "resolution_methods",
    "max_concurrent_sessions",
    "languages",
    "currencies",
];
const NEGOTIATION_FIELDS: [&str; 5] = [
    "style",
    "avg_rounds_to_agreement",
    "agreement_rate",
    "avg_session_duration_seconds",
    "concession_pattern",
];
const TRUST_SIGNAL_FIELDS: [&str; 8] = [
    "verascore_did",
    "verascore_tier",
    "verascore_composite",
    "sovereignty",
    "concordia_sessions_completed",
    "attestation_count",
    "concordia_preferred",
    "reputation",
];
const SOVEREIGNTY_FIELDS: [&str; 4] = ["L1", "L2", "L3", "L4"];
const REPUTATION_FIELDS: [&str; 4] = ["provider", "subject_did", "tier", "composite"];
const ENDPOINT_FIELDS: [&str; 3] = ["negotiate", "a2a_card", "mcp_manifest"];
const LOCATION_FIELDS: [&str; 2] = ["regions", "jurisdictions"];

/// Checks a `receipt-v1` input: an approval receipt signed by the issuer, unexpired at
/// `context.now`, and committing to `context.offer`.
pub(crate) fn receipt(input: &Value, context: &Context) -> Result<(), Reject> {
    require_schema(SchemaName::ApprovalReceipt, input)?;
    let record = common::object(input, "receipt input")?;
    if !common::has_reference(input, "approves", Some(APPROVED_TYPES.as_slice()), None) {
        return Err(Reject::new("approval reference is missing"));
    }
    let signature = signature_envelope(record, "Ed25519")?;
    common::verify_ed25519(
        issuer_key(context)?,
        member(signature, "value"),
        &common::jcs_without(input, &["signature"])?,
    )?;
    let expires_at = common::parse_datetime(member(record, "expires_at"))?;
    let now = common::parse_datetime(member(context, "now"))?;
    if python_precision(expires_at) < python_precision(now) {
        return Err(Reject::new("receipt is expired"));
    }
    let scope = record
        .get("scope")
        .and_then(Value::as_object)
        .ok_or_else(|| Reject::new("receipt scope is missing"))?;
    let offer_hash = common::sha256_jcs(member(context, "offer"))?;
    if scope.get("offer_hash").and_then(Value::as_str) != Some(offer_hash.as_str()) {
        return Err(Reject::new("offer hash mismatch"));
    }
    Ok(())
}

/// Checks a `revocation-v1` input: a revocation record that references the artefact it
/// revokes and is signed by the issuer.
pub(crate) fn revocation(input: &Value, context: &Context) -> Result<(), Reject> {
    require_schema(SchemaName::RevocationRecord, input)?;
    let record = common::object(input, "revocation input")?;
    if !common::has_reference(
        input,
        "revokes",
        None,
        present(record, "revoked_artifact_id"),
    ) {
        return Err(Reject::new("revocation reference is missing"));
    }
    let signature = signature_envelope(record, "EdDSA")?;
    common::verify_ed25519(
        issuer_key(context)?,
        member(signature, "value"),
        &common::jcs_without(input, &["signature"])?,
    )
}

/// Checks a `cascade-decision-v1` input: a cascade decision whose `decision_id` is the hash
/// of its own content and whose signature covers that same content.
pub(crate) fn cascade_decision(input: &Value, context: &Context) -> Result<(), Reject> {
    require_schema(SchemaName::CascadeDecisionRecord, input)?;
    let record = common::object(input, "cascade input")?;
    // The id and the signature both cover the record without the id and the signature.
    let preimage = common::jcs_without(input, &["decision_id", "signature"])?;
    let claimed = record
        .get("decision_id")
        .and_then(Value::as_str)
        .ok_or_else(|| Reject::new("decision_id is missing"))?;
    let computed = wire::sha256_ref(&preimage);
    if computed.strip_prefix("sha256:") != Some(claimed) {
        return Err(Reject::new("decision_id mismatch"));
    }
    if let Some(expected) = present(context, "expected_decision_id") {
        // The record stores bare hex; the context gives the prefixed form.
        if expected.as_str() != Some(computed.as_str()) {
            return Err(Reject::new("expected decision_id mismatch"));
        }
    }
    let signature = signature_envelope(record, "EdDSA")?;
    common::verify_ed25519(issuer_key(context)?, member(signature, "value"), &preimage)
}

/// Checks a `fulfillment-attestation-v1` input: a fulfillment attestation bound to its
/// agreement, signed, optionally re-derived from a public test seed, matched to the join keys,
/// and (when asked) free of raw deal terms.
pub(crate) fn fulfillment_attestation(input: &Value, context: &Context) -> Result<(), Reject> {
    require_schema(SchemaName::FulfillmentAttestation, input)?;
    let record = common::object(input, "fulfillment input")?;
    if !common::has_reference(
        input,
        "fulfills",
        None,
        present(record, "agreement_attestation_id"),
    ) {
        return Err(Reject::new("fulfillment reference is missing"));
    }
    let signature = signature_envelope(record, "Ed25519")?;
    let preimage = common::jcs_without(input, &["signature"])?;
    let key = member(context, "public_key_b64url");
    common::verify_ed25519(key, member(signature, "value"), &preimage)?;
    if let Some(expected) = present(context, "canonical_sha256")
        && expected.as_str() != Some(wire::sha256_ref(&preimage).as_str())
    {
        return Err(Reject::new("canonical digest mismatch"));
    }
    if let Some(seed) = present(context, "seed_ed25519_ascii") {
        check_test_seed(seed, key, signature, context, &preimage)?;
    }
    let join_keys = match context.get("join_keys") {
        None => None,
        Some(Value::Object(keys)) => Some(keys),
        Some(_) => return Err(Reject::new("join_keys is not an object")),
    };
    for name in ["charge_ref", "action_ref"] {
        if let Some(expected) = join_keys.and_then(|keys| keys.get(name))
            && !common::py_eq(member(record, name), expected)
        {
            return Err(Reject::new(format!("{name} mismatch")));
        }
    }
    if truthy(member(context, "forbid_raw_deal_terms")) && contains_raw_term(input) {
        return Err(Reject::new("raw deal terms are present"));
    }
    Ok(())
}

/// Checks an `agent-profile-v1` input: an agent capability profile whose signature covers its
/// canonical signed form.
pub(crate) fn agent_profile(input: &Value, context: &Context) -> Result<(), Reject> {
    let fields_ok = context
        .get("canonical_fields")
        .and_then(Value::as_array)
        .is_some_and(|fields| {
            fields.len() == PROFILE_CANONICAL_FIELDS.len()
                && fields
                    .iter()
                    .zip(PROFILE_CANONICAL_FIELDS)
                    .all(|(given, wanted)| given.as_str() == Some(wanted))
        });
    if !fields_ok {
        return Err(Reject::new("agent profile canonical field list is wrong"));
    }
    let profile = common::object(input, "agent profile")?;
    let preimage = common::jcs_bytes(&profile_canonical(profile)?)?;
    if let Some(expected) = present(context, "canonical_sha256")
        && expected.as_str() != Some(wire::sha256_ref(&preimage).as_str())
    {
        return Err(Reject::new("agent profile canonical digest mismatch"));
    }
    common::verify_ed25519(
        member(context, "public_key_b64url"),
        member(profile, "signature"),
        &preimage,
    )
}

/// A time as Python's `datetime` holds it (fractions of a second cut to whole microseconds),
/// so that two times within one microsecond compare equal as they do in the reference.
fn python_precision(at: Timestamp) -> (i64, u32) {
    (at.unix_seconds(), at.subsec_nanos() / 1000)
}

/// A member, with absence read as `null`.
fn member<'a>(object: &'a Map<String, Value>, name: &str) -> &'a Value {
    object.get(name).unwrap_or(&NULL)
}

/// A member that is present and not `null`.
fn present<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object.get(name).filter(|v| !v.is_null())
}

/// The `{alg, value}` signature envelope, which must name `algorithm` exactly.
fn signature_envelope<'a>(
    record: &'a Map<String, Value>,
    algorithm: &str,
) -> Result<&'a Map<String, Value>, Reject> {
    let signature = record
        .get("signature")
        .and_then(Value::as_object)
        .ok_or_else(|| Reject::new("signature is missing"))?;
    if signature.get("alg").and_then(Value::as_str) != Some(algorithm) {
        return Err(Reject::new("signature algorithm is wrong"));
    }
    Ok(signature)
}

/// `context.public_keys_b64url.issuer` (absent reads as `null`, which then fails to decode).
fn issuer_key(context: &Context) -> Result<&Value, Reject> {
    let keys = context
        .get("public_keys_b64url")
        .and_then(Value::as_object)
        .ok_or_else(|| Reject::new("issuer public key is missing"))?;
    Ok(member(keys, "issuer"))
}

/// Python truthiness of a JSON value (how the reference reads boolean switches).
fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|x| x != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(members) => !members.is_empty(),
    }
}

/// The public test seed (32 ASCII bytes) must derive the context key and, when an expected
/// signature is given, re-sign the preimage to exactly that signature and the record's.
fn check_test_seed(
    seed: &Value,
    key: &Value,
    signature: &Map<String, Value>,
    context: &Context,
    preimage: &[u8],
) -> Result<(), Reject> {
    let seed = seed
        .as_str()
        .ok_or_else(|| Reject::new("seed is not a string"))?;
    let bytes: [u8; 32] = seed
        .as_bytes()
        .try_into()
        .map_err(|_| Reject::new("seed is not 32 bytes"))?;
    let identity = Identity::from_seed(&SecretSeed::from_bytes(bytes));
    // The reference compares padded base64url text, so the spelling must match too.
    let derived_key = common::b64url_encode(identity.public().as_bytes());
    if key.as_str() != Some(derived_key.as_str()) {
        return Err(Reject::new("seed public key mismatch"));
    }
    if let Some(expected) = present(context, "signature_b64url") {
        let derived = common::b64url_encode(identity.sign_bytes(preimage).as_bytes());
        if expected.as_str() != Some(derived.as_str())
            || member(signature, "value").as_str() != Some(derived.as_str())
        {
            return Err(Reject::new("seed signature mismatch"));
        }
    }
    Ok(())
}

/// The signed canonical form of an agent profile.
fn profile_canonical(profile: &Map<String, Value>) -> Result<Value, Reject> {
    if profile.keys().any(|k| {
        !PROFILE_CANONICAL_FIELDS.contains(&k.as_str())
            && !PROFILE_UNSIGNED_FIELDS.contains(&k.as_str())
    }) {
        return Err(Reject::new("agent profile top-level key is unknown"));
    }
    let capabilities = subset(
        nested(profile, "capabilities")?,
        &CAPABILITY_FIELDS,
        Extra::Reject,
        Nulls::Keep,
    )?;
    let negotiation = subset(
        nested(profile, "negotiation_profile")?,
        &NEGOTIATION_FIELDS,
        Extra::Reject,
        Nulls::Keep,
    )?;
    let trust_signals = trust_signals(nested(profile, "trust_signals")?)?;
    let endpoints = subset(
        nested(profile, "endpoints")?,
        &ENDPOINT_FIELDS,
        Extra::Reject,
        Nulls::Drop,
    )?;
    let location = subset(
        nested(profile, "location")?,
        &LOCATION_FIELDS,
        Extra::Reject,
        Nulls::Keep,
    )?;
    let mut canonical = Map::new();
    canonical.insert("capabilities".to_owned(), Value::Object(capabilities));
    canonical.insert("negotiation_profile".to_owned(), Value::Object(negotiation));
    canonical.insert("trust_signals".to_owned(), Value::Object(trust_signals));
    canonical.insert("endpoints".to_owned(), Value::Object(endpoints));
    canonical.insert("location".to_owned(), Value::Object(location));
    for field in PROFILE_CANONICAL_FIELDS {
        if !canonical.contains_key(field) {
            // Scalar fields must be present, though `null` is signed as is.
            let value = profile
                .get(field)
                .ok_or_else(|| Reject::new("agent profile signed canonical field is missing"))?;
            canonical.insert(field.to_owned(), value.clone());
        }
    }
    Ok(Value::Object(canonical))
}

/// `trust_signals` in signed form: unknown keys and `null` values are left out (the
/// forward-compatibility lane); `sovereignty` is strict; each reputation assertion keeps its
/// known non-null keys and must name a provider.
fn trust_signals(signals: &Map<String, Value>) -> Result<Map<String, Value>, Reject> {
    let mut out = subset(signals, &TRUST_SIGNAL_FIELDS, Extra::Ignore, Nulls::Drop)?;
    if let Some(sovereignty) = out.get_mut("sovereignty") {
        let object = sovereignty
            .as_object()
            .ok_or_else(|| Reject::new("agent profile sovereignty is not an object"))?;
        *sovereignty = Value::Object(subset(
            object,
            &SOVEREIGNTY_FIELDS,
            Extra::Reject,
            Nulls::Keep,
        )?);
    }
    if let Some(reputation) = out.get_mut("reputation") {
        let assertions = reputation
            .as_array()
            .ok_or_else(|| Reject::new("agent profile reputation is not a list"))?;
        let mut normalized = Vec::with_capacity(assertions.len());
        for assertion in assertions {
            let object = assertion.as_object().ok_or_else(|| {
                Reject::new("agent profile reputation assertion is not an object")
            })?;
            let kept = subset(object, &REPUTATION_FIELDS, Extra::Ignore, Nulls::Drop)?;
            if !kept.contains_key("provider") {
                return Err(Reject::new(
                    "agent profile reputation assertion is missing provider",
                ));
            }
            normalized.push(Value::Object(kept));
        }
        *reputation = Value::Array(normalized);
    }
    Ok(out)
}

/// A nested object member of the profile.
fn nested<'a>(
    profile: &'a Map<String, Value>,
    name: &str,
) -> Result<&'a Map<String, Value>, Reject> {
    profile
        .get(name)
        .and_then(Value::as_object)
        .ok_or_else(|| Reject::new(format!("agent profile {name} is not an object")))
}

/// What to do with keys outside a signed object's known set.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Extra {
    Reject,
    Ignore,
}

/// What to do with known keys whose value is `null`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Nulls {
    Keep,
    Drop,
}

/// The members of `object` named in `allowed`.
fn subset(
    object: &Map<String, Value>,
    allowed: &[&str],
    extra: Extra,
    nulls: Nulls,
) -> Result<Map<String, Value>, Reject> {
    if extra == Extra::Reject && object.keys().any(|k| !allowed.contains(&k.as_str())) {
        return Err(Reject::new(
            "agent profile contains an unknown signed-form key",
        ));
    }
    Ok(object
        .iter()
        .filter(|(k, v)| allowed.contains(&k.as_str()) && !(nulls == Nulls::Drop && v.is_null()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect())
}

/// Whether any member name or string value of `input` (apart from signatures and
/// countersignatures) contains a raw deal term.
fn contains_raw_term(input: &Value) -> bool {
    let mut pointer = String::new();
    scan(input, &mut pointer)
}

/// Signature material is not scanned: the top-level signature value, anything whose pointer
/// ends in `/signature`, and everything under `/countersignatures/`.
fn exempt(pointer: &str) -> bool {
    pointer == "/signature/value"
        || pointer.ends_with("/signature")
        || pointer.starts_with("/countersignatures/")
}

/// Walks `value` (at RFC 6901 `pointer`) for raw deal terms. The input was parsed with the
/// crate's nesting limit, so the recursion is bounded.
fn scan(value: &Value, pointer: &mut String) -> bool {
    match value {
        Value::Object(members) => members.iter().any(|(name, child)| {
            let parent = pointer.len();
            pointer.push('/');
            pointer.push_str(&name.replace('~', "~0").replace('/', "~1"));
            let found = (!exempt(pointer) && has_raw_term(name)) || scan(child, pointer);
            pointer.truncate(parent);
            found
        }),
        Value::Array(items) => items.iter().enumerate().any(|(index, child)| {
            let parent = pointer.len();
            pointer.push('/');
            pointer.push_str(&index.to_string());
            let found = scan(child, pointer);
            pointer.truncate(parent);
            found
        }),
        Value::String(text) => !exempt(pointer) && has_raw_term(text),
        _ => false,
    }
}

/// The ISO 4217 codes the detectors know.
const CURRENCY_CODES: [&str; 9] = [
    "usd", "eur", "gbp", "jpy", "cad", "aud", "chf", "cny", "inr",
];
/// The count units the last detector knows (plural before singular, as a greedy `s?` tries).
const UNIT_WORDS: [&str; 6] = ["units", "unit", "items", "item", "pcs", "pieces"];

/// The first code point of each run of ten Unicode decimal digits (general category Nd) in
/// Unicode 14.0, the digits Python 3.11's `\d` matches.
const DECIMAL_DIGIT_RUNS: [u32; 66] = [
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50,
    0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
];

/// Python's `\d` on `str`.
fn is_digit(c: char) -> bool {
    let code = u32::from(c);
    DECIMAL_DIGIT_RUNS
        .iter()
        .any(|&start| code >= start && code - start < 10)
}

/// Python's `\s` on `str` (Unicode White_Space plus the four ASCII separators 0x1C-0x1F).
fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// A `\w` character.
fn is_word(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Whether `c` matches the lowercase ASCII letter `letter` under Python's Unicode IGNORECASE:
/// anything lowercasing to it, plus the dotted/dotless i and the long s.
fn folds_to(c: char, letter: char) -> bool {
    let mut lower = c.to_lowercase();
    (lower.next() == Some(letter) && lower.next().is_none())
        || (letter == 'i' && matches!(c, '\u{130}' | '\u{131}'))
        || (letter == 's' && c == '\u{17f}')
}

/// The text as characters, with the scanning steps the six detectors share.
struct Chars(Vec<char>);

impl Chars {
    fn at(&self, i: usize) -> Option<char> {
        self.0.get(i).copied()
    }

    /// `\b` before position `i`.
    fn boundary(&self, i: usize) -> bool {
        let before = i
            .checked_sub(1)
            .and_then(|p| self.at(p))
            .is_some_and(is_word);
        let after = self.at(i).is_some_and(is_word);
        before != after
    }

    /// The position after the run of characters from `i` that satisfy `class`.
    fn skip(&self, mut i: usize, class: fn(char) -> bool) -> usize {
        while self.at(i).is_some_and(class) {
            i += 1;
        }
        i
    }

    /// The position after `word` (lowercase ASCII) matched case-insensitively at `i`.
    fn word(&self, i: usize, word: &str) -> Option<usize> {
        let mut j = i;
        for letter in word.chars() {
            if !self.at(j).is_some_and(|c| folds_to(c, letter)) {
                return None;
            }
            j += 1;
        }
        Some(j)
    }

    /// The position after any of `words` at `i`, taken in order.
    fn any_word(&self, i: usize, words: &[&str]) -> Option<usize> {
        words.iter().find_map(|w| self.word(i, w))
    }

    fn is(&self, i: usize, class: fn(char) -> bool) -> bool {
        self.at(i).is_some_and(class)
    }

    fn one_of(&self, i: usize, set: &[char]) -> bool {
        self.at(i).is_some_and(|c| set.contains(&c))
    }

    /// `[$€£¥]\s*\d`
    fn symbol_amount(&self, i: usize) -> bool {
        self.one_of(i, &['$', '€', '£', '¥']) && self.is(self.skip(i + 1, is_space), is_digit)
    }

    /// `\b(?:CODE)\s*\d`
    fn code_amount(&self, i: usize) -> bool {
        self.boundary(i)
            && self
                .any_word(i, &CURRENCY_CODES)
                .is_some_and(|j| self.is(self.skip(j, is_space), is_digit))
    }

    /// `\b\d+(?:[.,]\d+)?\s*(?:CODE)\b`
    fn amount_code(&self, i: usize) -> bool {
        if !(self.boundary(i) && self.is(i, is_digit)) {
            return false;
        }
        let mut j = self.skip(i, is_digit);
        // Only a digit run can follow the separator, so taking the fraction when present is
        // the sole way the rest can match.
        if self.one_of(j, &['.', ',']) && self.is(j + 1, is_digit) {
            j = self.skip(j + 1, is_digit);
        }
        let j = self.skip(j, is_space);
        self.any_word(j, &CURRENCY_CODES)
            .is_some_and(|k| self.boundary(k))
    }

    /// `\bprice\s*:`
    fn price_label(&self, i: usize) -> bool {
        self.boundary(i)
            && self
                .word(i, "price")
                .is_some_and(|j| self.one_of(self.skip(j, is_space), &[':']))
    }

    /// `\b(?:qty|quantity)\s*[:=]?\s*\d+\b`
    fn quantity_label(&self, i: usize) -> bool {
        if !self.boundary(i) {
            return false;
        }
        let Some(j) = self.any_word(i, &["qty", "quantity"]) else {
            return false;
        };
        let mut j = self.skip(j, is_space);
        if self.one_of(j, &[':', '=']) {
            j += 1;
        }
        let j = self.skip(j, is_space);
        // Digits are word characters, so `\b` can only hold after the whole run.
        self.is(j, is_digit) && self.boundary(self.skip(j, is_digit))
    }

    /// `\b\d+\s*(?:units?|items?|pcs|pieces)\b`
    fn unit_count(&self, i: usize) -> bool {
        if !(self.boundary(i) && self.is(i, is_digit)) {
            return false;
        }
        let j = self.skip(self.skip(i, is_digit), is_space);
        UNIT_WORDS
            .iter()
            .any(|w| self.word(j, w).is_some_and(|k| self.boundary(k)))
    }
}

/// Whether one of the SPEC 9.6.6 raw deal-term detectors matches anywhere in `text`.
fn has_raw_term(text: &str) -> bool {
    let chars = Chars(text.chars().collect());
    (0..chars.0.len()).any(|i| {
        chars.symbol_amount(i)
            || chars.code_amount(i)
            || chars.amount_code(i)
            || chars.price_label(i)
            || chars.quantity_label(i)
            || chars.unit_count(i)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const RECEIPT_1404: &str =
        include_str!("../../../tests/conformance/vectors/positive/pos-1404-approval-receipt.json");
    const RECEIPT_1734: &str = include_str!(
        "../../../tests/conformance/vectors/positive/pos-1734-receipt-signed-binding.json"
    );
    const REVOCATION: &str =
        include_str!("../../../tests/conformance/vectors/positive/pos-1404-revocation-record.json");
    const CASCADE: &str =
        include_str!("../../../tests/conformance/vectors/positive/pos-1404-cascade-deny.json");
    const FULFILLMENT: &str = include_str!(
        "../../../tests/conformance/vectors/positive/pos-1920-fulfillment-attestation.json"
    );
    const AGENT_PROFILE: &str = include_str!(
        "../../../tests/conformance/vectors/positive/pos-synthetic-agent-profile.json"
    );

    type Profile = fn(&Value, &Context) -> Result<(), Reject>;

    fn vector(text: &str) -> (Value, Context) {
        let vector = wire::parse(text).unwrap();
        let input = vector["input"].clone();
        let context = vector["context"].as_object().unwrap().clone();
        (input, context)
    }

    /// A key of our own, so a test can change a record and sign it again; the check under
    /// test is then the only one that can fail.
    fn signer() -> Identity {
        Identity::from_seed(&SecretSeed::from_bytes([7; 32]))
    }

    fn our_key() -> Value {
        Value::String(common::b64url_encode(signer().public().as_bytes()))
    }

    /// Signs `input` without the `excluded` members; writes the value into the `{alg, value}`
    /// envelope, or as the bare `signature` string when there is no envelope.
    fn resign(input: &mut Value, excluded: &[&str]) {
        let preimage = wire::canonical_without(input.as_object().unwrap(), excluded).unwrap();
        let value = Value::String(common::b64url_encode(
            signer().sign_bytes(&preimage).as_bytes(),
        ));
        if input["signature"].is_object() {
            input["signature"]["value"] = value;
        } else {
            input["signature"] = value;
        }
    }

    /// The base64url text with one bit of its first byte flipped.
    fn flipped(signature: &Value) -> Value {
        let mut bytes = common::b64url_decode(signature).unwrap();
        bytes[0] ^= 1;
        Value::String(common::b64url_encode(&bytes))
    }

    fn accepts(profile: Profile, input: &Value, context: &Context) {
        assert_eq!(profile(input, context), Ok(()));
    }

    fn rejects(profile: Profile, input: &Value, context: &Context) {
        assert!(profile(input, context).is_err(), "{input}");
    }

    /// A receipt vector moved to our key (the issuer key and signature replaced).
    fn our_receipt(text: &str) -> (Value, Context) {
        let (mut input, mut context) = vector(text);
        context["public_keys_b64url"]["issuer"] = our_key();
        resign(&mut input, &["signature"]);
        (input, context)
    }

    #[test]
    fn receipt_accepts_the_suite_receipts() {
        for text in [RECEIPT_1404, RECEIPT_1734] {
            let (input, context) = vector(text);
            accepts(receipt, &input, &context);
            let (input, context) = our_receipt(text);
            accepts(receipt, &input, &context);
        }
    }

    #[test]
    fn receipt_rejects_tampering_and_the_wrong_key() {
        let (input, context) = vector(RECEIPT_1734);
        let mut bad = input.clone();
        bad["signature"]["value"] = flipped(&input["signature"]["value"]);
        rejects(receipt, &bad, &context);
        let mut bad = input.clone();
        bad["scope"]["decision"] = json!("deny");
        rejects(receipt, &bad, &context);
        let mut other = context.clone();
        other["public_keys_b64url"]["issuer"] = our_key();
        rejects(receipt, &input, &other);
        let mut other = context.clone();
        other.remove("public_keys_b64url");
        rejects(receipt, &input, &other);
    }

    #[test]
    fn receipt_expiry_is_inclusive_of_now() {
        let (input, mut context) = vector(RECEIPT_1734);
        context["now"] = input["expires_at"].clone();
        accepts(receipt, &input, &context);
        context["now"] = json!("2126-08-04T10:00:01Z");
        rejects(receipt, &input, &context);
        context["now"] = json!("2126-08-04T11:00:00+01:00");
        accepts(receipt, &input, &context);
        // Python keeps whole microseconds: within one, "now" is not after the expiry.
        let (mut ours, mut our_context) = our_receipt(RECEIPT_1734);
        ours["expires_at"] = json!("2126-08-04T10:00:00.0000001Z");
        resign(&mut ours, &["signature"]);
        our_context["now"] = json!("2126-08-04T10:00:00.0000009Z");
        accepts(receipt, &ours, &our_context);
        our_context["now"] = json!("2126-08-04T10:00:00.000001Z");
        rejects(receipt, &ours, &our_context);
        context["now"] = json!("tomorrow");
        rejects(receipt, &input, &context);
        context.remove("now");
        rejects(receipt, &input, &context);
    }

    #[test]
    fn receipt_binds_the_offer() {
        let (input, mut context) = vector(RECEIPT_1734);
        context["offer"]["audience"] = json!("internal");
        rejects(receipt, &input, &context);
        context.remove("offer");
        rejects(receipt, &input, &context);
    }

    #[test]
    fn receipt_rejects_resigned_records_that_break_a_rule() {
        let edits: [fn(&mut Value); 6] = [
            |r| r["references"][0]["relationship"] = json!("references"),
            |r| r["references"][0]["type"] = json!("attestation"),
            |r| r["signature"]["alg"] = json!("EdDSA"),
            |r| r["scope"]["offer_hash"] = json!(format!("sha256:{}", "0".repeat(64))),
            |r| r["expires_at"] = json!("2026-08-04T10:04:59Z"),
            |r| {
                r.as_object_mut().unwrap().remove("expires_at");
            },
        ];
        for edit in edits {
            let (mut input, context) = vector(RECEIPT_1734);
            edit_and_resign(&mut input, edit);
            let mut context = context;
            context["public_keys_b64url"]["issuer"] = our_key();
            rejects(receipt, &input, &context);
        }
        // The other accepted session type.
        let (mut input, mut context) = vector(RECEIPT_1734);
        input["references"][0]["type"] = json!("a2cn:negotiation_session");
        resign(&mut input, &["signature"]);
        context["public_keys_b64url"]["issuer"] = our_key();
        accepts(receipt, &input, &context);
    }

    /// Applies `edit` and signs the record again with our key.
    fn edit_and_resign(input: &mut Value, edit: fn(&mut Value)) {
        edit(input);
        resign(input, &["signature"]);
    }

    #[test]
    fn revocation_accepts_and_rejects() {
        let (input, context) = vector(REVOCATION);
        accepts(revocation, &input, &context);
        let mut bad = input.clone();
        bad["signature"]["value"] = flipped(&input["signature"]["value"]);
        rejects(revocation, &bad, &context);
        let mut bad = input.clone();
        bad["cascade_depth"] = json!(4);
        rejects(revocation, &bad, &context);

        let (_, mut ours) = vector(REVOCATION);
        ours["public_keys_b64url"]["issuer"] = our_key();
        let mut control = input.clone();
        resign(&mut control, &["signature"]);
        accepts(revocation, &control, &ours);
        let edits: [fn(&mut Value); 4] = [
            |r| r["revoked_artifact_id"] = json!("urn:concordia:receipt:other"),
            |r| r["references"][0]["relationship"] = json!("supersedes"),
            |r| r["signature"]["alg"] = json!("Ed25519"),
            |r| {
                r.as_object_mut().unwrap().remove("revocation_id");
            },
        ];
        for edit in edits {
            let mut bad = input.clone();
            edit_and_resign(&mut bad, edit);
            rejects(revocation, &bad, &ours);
        }
    }

    /// Recomputes `decision_id` and signs the record again with our key.
    fn reseal_cascade(input: &mut Value) {
        let preimage =
            wire::canonical_without(input.as_object().unwrap(), &["decision_id", "signature"])
                .unwrap();
        let id = wire::sha256_ref(&preimage);
        input["decision_id"] = json!(id.strip_prefix("sha256:").unwrap());
        resign(input, &["decision_id", "signature"]);
    }

    #[test]
    fn cascade_checks_the_decision_id_and_signature() {
        let (input, context) = vector(CASCADE);
        accepts(cascade_decision, &input, &context);
        let mut bad = input.clone();
        bad["signature"]["value"] = flipped(&input["signature"]["value"]);
        rejects(cascade_decision, &bad, &context);
        let mut other = context.clone();
        other["expected_decision_id"] = json!(format!("sha256:{}", "a".repeat(64)));
        rejects(cascade_decision, &input, &other);
        other["expected_decision_id"] = Value::Null;
        accepts(cascade_decision, &input, &other);

        // A changed record with a fresh id and signature is fine when no id is pinned ...
        let mut ours = context.clone();
        ours["public_keys_b64url"]["issuer"] = our_key();
        ours.remove("expected_decision_id");
        let mut changed = input.clone();
        changed["policy_version"] = json!("acme-procurement-policy@2026-06-01");
        reseal_cascade(&mut changed);
        accepts(cascade_decision, &changed, &ours);
        // ... but a stale id, a signature that covers the id, or an unknown key is not.
        let mut stale = changed.clone();
        stale["decision_id"] = input["decision_id"].clone();
        rejects(cascade_decision, &stale, &ours);
        let mut covers_id = changed.clone();
        resign(&mut covers_id, &["signature"]);
        rejects(cascade_decision, &covers_id, &ours);
        let mut unknown = changed.clone();
        unknown["extra"] = json!(1);
        reseal_cascade(&mut unknown);
        rejects(cascade_decision, &unknown, &ours);
        let mut wrong_alg = changed;
        wrong_alg["signature"]["alg"] = json!("Ed25519");
        rejects(cascade_decision, &wrong_alg, &ours);
    }

    #[test]
    fn fulfillment_accepts_and_rejects() {
        let (input, context) = vector(FULFILLMENT);
        accepts(fulfillment_attestation, &input, &context);
        let mut bad = input.clone();
        bad["signature"]["value"] = flipped(&input["signature"]["value"]);
        rejects(fulfillment_attestation, &bad, &context);

        let context_edits: [fn(&mut Context); 7] = [
            |c| c["canonical_sha256"] = json!(format!("sha256:{}", "0".repeat(64))),
            |c| c["seed_ed25519_ascii"] = json!("a2a-1920-settlement-agent-seed02"),
            |c| c["seed_ed25519_ascii"] = json!("too short"),
            |c| c["signature_b64url"] = flipped(&c["signature_b64url"]),
            |c| c["join_keys"]["charge_ref"] = json!("urn:a2a:charge:other"),
            |c| c["join_keys"]["action_ref"] = json!(null),
            |c| c["join_keys"] = json!(null),
        ];
        for edit in context_edits {
            let mut other = context.clone();
            edit(&mut other);
            rejects(fulfillment_attestation, &input, &other);
        }
        let mut relaxed = context.clone();
        for name in ["canonical_sha256", "seed_ed25519_ascii", "join_keys"] {
            relaxed.remove(name);
        }
        accepts(fulfillment_attestation, &input, &relaxed);
    }

    #[test]
    fn fulfillment_reference_and_raw_terms() {
        let (input, mut context) = vector(FULFILLMENT);
        for name in ["canonical_sha256", "seed_ed25519_ascii", "signature_b64url"] {
            context.remove(name);
        }
        context["public_key_b64url"] = our_key();
        let mut wrong_agreement = input.clone();
        wrong_agreement["agreement_attestation_id"] = json!("urn:concordia:attestation:other");
        resign(&mut wrong_agreement, &["signature"]);
        rejects(fulfillment_attestation, &wrong_agreement, &context);

        let mut priced = input.clone();
        priced["meta"]["note"] = json!("settled at USD 40");
        resign(&mut priced, &["signature"]);
        rejects(fulfillment_attestation, &priced, &context);
        context["forbid_raw_deal_terms"] = json!(false);
        accepts(fulfillment_attestation, &priced, &context);
        context["forbid_raw_deal_terms"] = json!(1);
        rejects(fulfillment_attestation, &priced, &context);
    }

    #[test]
    fn agent_profile_accepts_and_rejects() {
        let (input, context) = vector(AGENT_PROFILE);
        accepts(agent_profile, &input, &context);
        let mut bad = input.clone();
        bad["signature"] = flipped(&input["signature"]);
        rejects(agent_profile, &bad, &context);
        let mut bad = input.clone();
        bad["name"] = json!("Someone Else");
        rejects(agent_profile, &bad, &context);
        let mut other = context.clone();
        other["canonical_sha256"] = json!(format!("sha256:{}", "0".repeat(64)));
        rejects(agent_profile, &input, &other);
        let mut other = context.clone();
        other["canonical_fields"].as_array_mut().unwrap().swap(0, 1);
        rejects(agent_profile, &input, &other);
        other["canonical_fields"].as_array_mut().unwrap().pop();
        rejects(agent_profile, &input, &other);
        other.remove("canonical_fields");
        rejects(agent_profile, &input, &other);

        // Unsigned and ignored content leaves the signed form, so the signature still holds.
        let tolerated: [fn(&mut Value); 3] = [
            |p| p["verified"] = json!(false),
            |p| p["trust_signals"]["future_signal"] = json!({"x": 1}),
            |p| p["trust_signals"]["reputation"][0]["evidence"] = json!("https://x.example"),
        ];
        for edit in tolerated {
            let mut p = input.clone();
            edit(&mut p);
            accepts(agent_profile, &p, &context);
        }
    }

    fn canonical_of(profile: &Value) -> Result<Value, Reject> {
        profile_canonical(profile.as_object().unwrap())
    }

    #[test]
    fn agent_profile_canonical_rules() {
        let (input, _) = vector(AGENT_PROFILE);
        let base = canonical_of(&input).unwrap();
        assert!(base.get("signature").is_none() && base.get("verified").is_none());
        assert_eq!(base.as_object().unwrap().len(), 12);

        // `null` known keys are dropped in trust signals, reputation and endpoints only.
        let paths: [(&str, &str); 3] = [
            ("/trust_signals", "verascore_tier"),
            ("/trust_signals/reputation/0", "tier"),
            ("/endpoints", "negotiate"),
        ];
        for (parent, key) in paths {
            let mut nulled = input.clone();
            nulled.pointer_mut(parent).unwrap()[key] = Value::Null;
            let mut removed = input.clone();
            removed
                .pointer_mut(parent)
                .unwrap()
                .as_object_mut()
                .unwrap()
                .remove(key);
            assert_eq!(
                canonical_of(&nulled).unwrap(),
                canonical_of(&removed).unwrap()
            );
            assert_ne!(canonical_of(&nulled).unwrap(), base);
        }
        let mut kept = input.clone();
        kept["capabilities"]["languages"] = Value::Null;
        assert_eq!(
            canonical_of(&kept).unwrap()["capabilities"]["languages"],
            Value::Null
        );
        let mut kept = input.clone();
        kept["ttl"] = Value::Null;
        assert_eq!(canonical_of(&kept).unwrap()["ttl"], Value::Null);

        let broken: [fn(&mut Value); 11] = [
            |p| p["owner"] = json!("x"),
            |p| p["capabilities"]["payment_rails"] = json!([]),
            |p| p["negotiation_profile"]["mood"] = json!("calm"),
            |p| p["endpoints"]["ftp"] = json!("ftp://x"),
            |p| p["location"]["city"] = json!("x"),
            |p| p["trust_signals"]["sovereignty"]["L5"] = json!("Full"),
            |p| p["trust_signals"]["sovereignty"] = json!("Full"),
            |p| p["trust_signals"]["reputation"] = json!({"provider": "x"}),
            |p| p["trust_signals"]["reputation"][0]["provider"] = Value::Null,
            |p| p["location"] = json!(["x"]),
            |p| {
                p.as_object_mut().unwrap().remove("ttl");
            },
        ];
        for edit in broken {
            let mut p = input.clone();
            edit(&mut p);
            assert!(canonical_of(&p).is_err(), "{p}");
        }
    }

    #[test]
    fn raw_term_detectors_match_the_python_reference() {
        // Outcomes of the reference runner's six detectors (Python 3.11 `re`).
        let cases: [(&str, bool); 43] = [
            ("$ 5", true),
            ("\u{20ac}5", true),
            ("\u{a5}\u{3000}5", true),
            ("USD 100", true),
            ("usd100", true),
            ("xUSD 5", false),
            ("100 USD", true),
            ("100.50eur", true),
            ("100,5 EUR", true),
            ("100 USDx", false),
            ("100.x USD", false),
            ("price:", true),
            ("Price  :", true),
            ("priceless:", false),
            ("qty=5", true),
            ("quantity: 12", true),
            ("qty 5x", false),
            ("qty := 5", false),
            ("5 units", true),
            ("1 unit", true),
            ("3pcs", true),
            ("7 pieces", true),
            ("2 unitsx", false),
            ("quant\u{131}ty 3", true),
            ("QTY 5", true),
            ("100 \u{ff35}\u{ff33}\u{ff24}", false),
            ("\u{661}\u{662} units", true),
            ("\u{b2} units", false),
            ("x5 units", false),
            ("_5 units", false),
            ("-5 units", true),
            ("5\u{1c}units", true),
            ("5\u{200b}units", false),
            ("deliver-88f01c", false),
            ("urn:a2a:charge:2026-05-10-tx-88f01c", false),
            ("\u{130}NR 4", true),
            ("pr\u{130}ce:", true),
            ("5 ITEMS.", true),
            ("12 \u{17f}omething", false),
            ("CHF\u{a0}\u{968}", true),
            ("a 3 item", true),
            ("4items5", false),
            ("GBP", false),
        ];
        for (text, expected) in cases {
            assert_eq!(has_raw_term(text), expected, "{text:?}");
        }
    }

    #[test]
    fn raw_term_scan_skips_only_signature_material() {
        let cases = [
            (
                json!({"a": {"signature": "$5"}, "signature": {"value": "$5"}}),
                false,
            ),
            (json!({"signature": {"alg": "$5"}}), true),
            (json!({"x": [{"signature": {"value": "$5"}}]}), true),
            (json!({"countersignatures": {"a": "$5"}}), false),
            (json!({"price: ": 1}), true),
            (json!({"a/signature": "$5"}), true),
            (json!(["qty 4"]), true),
            (json!({"n": 5, "b": true}), false),
        ];
        for (value, expected) in cases {
            assert_eq!(contains_raw_term(&value), expected, "{value}");
        }
    }

    #[test]
    fn python_truthiness() {
        for (value, expected) in [
            (json!(null), false),
            (json!(false), false),
            (json!(0), false),
            (json!(0.0), false),
            (json!(""), false),
            (json!([]), false),
            (json!({}), false),
            (json!(true), true),
            (json!(-1), true),
            (json!("no"), true),
            (json!([0]), true),
            (json!({"a": null}), true),
        ] {
            assert_eq!(truthy(&value), expected, "{value}");
        }
    }

    /// Every suite vector of these five profiles gets its expected outcome.
    #[test]
    fn suite_vectors_of_these_profiles() {
        let profiles = [
            "receipt-v1",
            "revocation-v1",
            "cascade-decision-v1",
            "fulfillment-attestation-v1",
            "agent-profile-v1",
        ];
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/vectors");
        let mut counts = std::collections::BTreeMap::new();
        let mut failures = Vec::new();
        for (_, path) in crate::conformance::discover(&dir).unwrap() {
            let vector = wire::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let profile = vector["verification_profile"].as_str().unwrap().to_owned();
            if !profiles.contains(&profile.as_str()) {
                continue;
            }
            *counts.entry(profile).or_insert(0) += 1;
            let got = crate::conformance::check_vector(&vector);
            if got.is_ok() != (vector["expected"] == "accept") {
                failures.push(format!("{} {:?}", vector["id"], got));
            }
        }
        assert_eq!(
            counts.values().sum::<usize>(),
            65 + 34 + 38 + 65 + 101,
            "{counts:?}"
        );
        assert!(failures.is_empty(), "{failures:#?}");
    }
}
