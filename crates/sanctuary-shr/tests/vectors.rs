//! Published interoperability vectors for `sanctuary-shr` (`tests/vectors/`, format described in
//! `tests/vectors/README.md`).
//!
//! Two tests:
//!
//! - [`vector_files_match_the_code`] regenerates every vector in memory, from fixed seeds, a fixed
//!   clock and seeded nonces, and compares it byte for byte with the committed file, so the files
//!   cannot drift from the code. With `SHR_WRITE_VECTORS=1` it writes the files instead.
//! - [`runner_reproduces_every_verdict`] reads the files back, runs each through a small runner
//!   that follows the README's procedures (the handshake transcript is rebuilt here from its
//!   documented format, as another implementation would), and checks each verdict, reason
//!   class and level, and the totals per kind.
//!
//! The generator states what each vector must give by intent; the runner never feeds the
//! generator, so a change in the library's behaviour shows up as a failed verdict.

#![expect(
    clippy::expect_used,
    reason = "generator helpers outside #[test] functions: a fixture that cannot be built must stop the test loudly"
)]

use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;
use sanctuary_core::digest::Digest;
use sanctuary_core::encoding::{self, Padding};
use sanctuary_core::health::{
    Degradation, DegradationCode, Layer, LayerReport, LayerStatus, Severity,
};
use sanctuary_core::identity::{Identity, IdentityId, PublicKey, SecretSeed, Signature};
use sanctuary_core::purpose::Purpose;
use sanctuary_core::rotation::RotationEvent;
use sanctuary_core::time::{ManualClock, Timestamp};
use sanctuary_core::{jcs, sign};
use sanctuary_shr::{
    AttestationError, HandshakeMessage, HandshakeParty, Nonce, ReplayCache, ReportBuilder,
    ReportProblem, SIGNATURE_SCHEME, ShrHealth, SignedReport, SovereigntyLevel,
    VerificationAttestation, VerifyOptions,
};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::OnceLock;
use std::time::Duration;

// ------------------------------------------------------------------------------------------
// Constants shared by the generator, the runner and the README.
// ------------------------------------------------------------------------------------------

/// `schema_version` of every vector file.
const VECTOR_SCHEMA: &str = "sanctuary-shr-vector/v1";
/// `schema_version` of `manifest.json`.
const MANIFEST_SCHEMA: &str = "sanctuary-shr-vector-manifest/v1";

/// 2026-05-10T14:00:00Z: every report in the suite is generated at or around this second.
const T0: i64 = 1_778_421_600;
/// The default verification time of the suite: ten minutes after `T0`.
const NOW: i64 = T0 + 600;
/// The tolerated clock skew of the library (`DEFAULT_MAX_SKEW`), in seconds.
const SKEW: i64 = 300;

/// The implementation named in every generated report (pinned, so a crate version bump does
/// not change the vectors).
const IMPL_NAME: &str = "sanctuary-shr-vectors";
const IMPL_VERSION: &str = "1.0.0";

/// The handshake protocol version and the domain of the channel binding (handshake.rs).
const HANDSHAKE_VERSION: &str = "1.0";
const CHANNEL_BINDING_DOMAIN: &[u8] = b"sanctuary/shr-channel-binding/v1\n";

/// The reason classes, in the order the README lists them.
const REASON_CLASSES: [&str; 10] = [
    "schema",
    "version",
    "binding",
    "rotation",
    "signature",
    "temporal",
    "layers",
    "level",
    "replay",
    "transcript",
];

/// How many vectors of each kind the suite holds (a vanished file fails the runner test).
const EXPECTED_TOTALS: [(&str, usize); 3] = [("positive", 15), ("mutation", 196), ("canary", 6)];

// ------------------------------------------------------------------------------------------
// Small helpers.
// ------------------------------------------------------------------------------------------

fn ts(unix: i64) -> Timestamp {
    Timestamp::from_unix_seconds(unix).expect("timestamp in range")
}

fn ts_text(unix: i64) -> String {
    ts(unix).to_string()
}

fn identity(byte: u8) -> Identity {
    Identity::from_seed(&SecretSeed::from_bytes([byte; 32]))
}

fn obj(value: &Value) -> &Map<String, Value> {
    value.as_object().expect("a JSON object")
}

fn obj_mut(value: &mut Value) -> &mut Map<String, Value> {
    value.as_object_mut().expect("a JSON object")
}

/// Member `name` of an object (the generator only asks for members it put there).
fn at<'a>(value: &'a Value, name: &str) -> &'a Value {
    obj(value).get(name).expect("member present")
}

fn at_mut<'a>(value: &'a mut Value, name: &str) -> &'a mut Value {
    obj_mut(value).get_mut(name).expect("member present")
}

fn nonce_text(nonce: &Nonce) -> String {
    encoding::base64url_encode(nonce.as_bytes(), Padding::Unpadded)
}

fn sig_text(signature: &Signature) -> String {
    signature.to_base64url(Padding::Unpadded)
}

/// A signed envelope `{body, signature, signature_scheme, signed_by}` over `body`, as
/// envelope.rs documents it: Ed25519 over `sanctuary/<purpose>/v1\n` + JCS(body).
fn envelope(signer: &Identity, purpose: Purpose, body: &Value) -> Value {
    let preimage = sign::preimage_of_value(purpose, body).expect("canonical body");
    json!({
        "body": body,
        "signature": sig_text(&signer.sign_bytes(&preimage)),
        "signature_scheme": SIGNATURE_SCHEME,
        "signed_by": signer.public().to_base64url(),
    })
}

fn resign_report(signer: &Identity, body: &Value) -> Value {
    envelope(signer, Purpose::SHR_REPORT, body)
}

fn resign_attestation(signer: &Identity, body: &Value) -> Value {
    envelope(signer, Purpose::SHR_ATTESTATION, body)
}

/// Rewrites a value with every object's members in sorted order, so the written files do not
/// depend on whether serde_json preserves insertion order.
fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let ordered: BTreeMap<&String, Value> =
                map.iter().map(|(k, v)| (k, sorted(v))).collect();
            Value::Object(ordered.into_iter().map(|(k, v)| (k.clone(), v)).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(&sorted(value)).expect("serialisable");
    text.push('\n');
    text
}

// ------------------------------------------------------------------------------------------
// The handshake transcript, rebuilt from handshake.rs's documented format.
// ------------------------------------------------------------------------------------------

/// One side of a transcript: `{instance_id, key, nonce, report}`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Side {
    instance_id: String,
    key: String,
    nonce: String,
    report: String,
}

impl Side {
    /// The side of the agent named `instance` that offered `report` and drew `nonce`: the key
    /// is the report's signing key, the digest the report's canonical digest.
    fn of(instance: IdentityId, report: &SignedReport, nonce: &Nonce) -> Side {
        Side {
            instance_id: instance.to_string(),
            key: report.signed_by().to_base64url(),
            nonce: nonce_text(nonce),
            report: report.digest().to_string(),
        }
    }

    fn value(&self) -> Value {
        json!({
            "instance_id": self.instance_id,
            "key": self.key,
            "nonce": self.nonce,
            "report": self.report,
        })
    }
}

/// The transcript object; `step` is `"response"` or `"completion"` for the signed forms and
/// `None` for the digest and channel binding.
fn transcript(step: Option<&str>, initiator: &Side, responder: &Side, context: &Value) -> Value {
    let mut map = Map::new();
    map.insert("protocol_version".into(), HANDSHAKE_VERSION.into());
    map.insert("initiator".into(), initiator.value());
    map.insert("responder".into(), responder.value());
    map.insert("context".into(), context.clone());
    if let Some(step) = step {
        map.insert("step".into(), step.into());
    }
    Value::Object(map)
}

/// `(sha256:hex of JCS(transcript without step), hex of the channel binding)`.
fn transcript_digest_and_binding(
    initiator: &Side,
    responder: &Side,
    context: &Value,
) -> Option<(String, String)> {
    let core = jcs::to_vec(&transcript(None, initiator, responder, context)).ok()?;
    let digest = Digest::sha256(&core);
    let binding = Digest::sha256_parts(&[CHANNEL_BINDING_DOMAIN, &core]);
    Some((digest.to_string(), binding.to_hex()))
}

fn sign_transcript(
    signer: &Identity,
    step: &str,
    initiator: &Side,
    responder: &Side,
    context: &Value,
) -> String {
    let body = transcript(Some(step), initiator, responder, context);
    sig_text(&sign::sign_json(signer, Purpose::SHR_HANDSHAKE, &body).expect("signable"))
}

fn transcript_signature_ok(
    key: &PublicKey,
    step: &str,
    initiator: &Side,
    responder: &Side,
    context: &Value,
    signature: &Signature,
) -> bool {
    let body = transcript(Some(step), initiator, responder, context);
    sign::verify_json(key, Purpose::SHR_HANDSHAKE, &body, signature).is_ok()
}

// ------------------------------------------------------------------------------------------
// Vectors.
// ------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Positive,
    Mutation,
    Canary,
}

impl Kind {
    const ALL: [Kind; 3] = [Kind::Positive, Kind::Mutation, Kind::Canary];

    fn dir(self) -> &'static str {
        match self {
            Kind::Positive => "positive",
            Kind::Mutation => "mutation",
            Kind::Canary => "canary",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Record {
    Report,
    Attestation,
    Handshake,
}

impl Record {
    const ALL: [Record; 3] = [Record::Report, Record::Attestation, Record::Handshake];

    fn record_type(self) -> &'static str {
        match self {
            Record::Report => "shr_report",
            Record::Attestation => "shr_attestation",
            Record::Handshake => "shr_handshake",
        }
    }

    fn profile(self) -> &'static str {
        match self {
            Record::Report => "shr-report-v1",
            Record::Attestation => "shr-attestation-v1",
            Record::Handshake => "shr-handshake-v1",
        }
    }
}

#[derive(Debug, Clone)]
struct Vector {
    kind: Kind,
    record: Record,
    id: String,
    title: String,
    input: Value,
    context: Map<String, Value>,
    /// `None`: accept; otherwise the reason class.
    reject: Option<&'static str>,
    notes: String,
    discriminates: Option<&'static str>,
}

impl Vector {
    fn new(kind: Kind, record: Record, id: &str, title: &str, input: Value) -> Vector {
        let mut context = Map::new();
        context.insert("now".into(), ts_text(NOW).into());
        Vector {
            kind,
            record,
            id: id.to_owned(),
            title: title.to_owned(),
            input,
            context,
            reject: None,
            notes: String::new(),
            discriminates: None,
        }
    }

    fn reject(mut self, class: &'static str) -> Vector {
        assert!(REASON_CLASSES.contains(&class), "unknown class {class}");
        self.reject = Some(class);
        self
    }

    fn ctx(mut self, name: &str, value: impl Into<Value>) -> Vector {
        self.context.insert(name.to_owned(), value.into());
        self
    }

    fn now(self, unix: i64) -> Vector {
        self.ctx("now", ts_text(unix))
    }

    fn notes(mut self, notes: &str) -> Vector {
        notes.clone_into(&mut self.notes);
        self
    }

    fn discriminates(mut self, what: &'static str) -> Vector {
        self.discriminates = Some(what);
        self
    }

    fn path(&self) -> String {
        format!("{}/{}.json", self.kind.dir(), self.id)
    }

    fn to_value(&self) -> Value {
        let mut map = Map::new();
        map.insert("schema_version".into(), VECTOR_SCHEMA.into());
        map.insert("id".into(), self.id.clone().into());
        map.insert("title".into(), self.title.clone().into());
        map.insert("record_type".into(), self.record.record_type().into());
        map.insert("verification_profile".into(), self.record.profile().into());
        map.insert("input".into(), self.input.clone());
        map.insert("context".into(), Value::Object(self.context.clone()));
        map.insert(
            "expected".into(),
            if self.reject.is_some() {
                "reject"
            } else {
                "accept"
            }
            .into(),
        );
        map.insert(
            "expected_reason_class".into(),
            self.reject.map_or(Value::Null, Value::from),
        );
        map.insert("notes".into(), self.notes.clone().into());
        if let Some(what) = self.discriminates {
            map.insert("discriminates".into(), what.into());
        }
        Value::Object(map)
    }
}

// ------------------------------------------------------------------------------------------
// JSON paths and leaf mutations.
// ------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(usize),
}

fn path_text(path: &[Seg]) -> String {
    path.iter()
        .map(|s| match s {
            Seg::Key(k) => k.clone(),
            Seg::Index(i) => i.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// A file-name-safe slug of a path.
fn slug(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// Every path to a scalar (string, number, boolean, null) under `value`, in document order.
fn leaf_paths(value: &Value, prefix: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                prefix.push(Seg::Key(k.clone()));
                leaf_paths(v, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                prefix.push(Seg::Index(i));
                leaf_paths(v, prefix, out);
                prefix.pop();
            }
        }
        _ => out.push(prefix.clone()),
    }
}

fn get_mut<'a>(value: &'a mut Value, path: &[Seg]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |v, seg| match seg {
        Seg::Key(k) => v.as_object_mut()?.get_mut(k),
        Seg::Index(i) => v.as_array_mut()?.get_mut(*i),
    })
}

fn remove_path(value: &mut Value, path: &[Seg]) -> Option<Value> {
    let (last, parent) = path.split_last()?;
    let parent = get_mut(value, parent)?;
    match last {
        Seg::Key(k) => parent.as_object_mut()?.remove(k),
        Seg::Index(i) => {
            let items = parent.as_array_mut()?;
            (*i < items.len()).then(|| items.remove(*i))
        }
    }
}

/// The next value in a small closed vocabulary, when `text` is one of its words.
fn cycle(text: &str, words: &[&str]) -> Option<String> {
    let i = words.iter().position(|w| *w == text)?;
    words.get((i + 1) % words.len()).map(|w| (*w).to_owned())
}

/// A different but well-formed value for a leaf, so that only the signature (or the check the
/// member feeds) can notice. `None` for leaves left alone.
fn mutate_leaf(
    name: Option<&str>,
    leaf: &Value,
    other_key: &str,
    fallback_key: &str,
) -> Option<Value> {
    match leaf {
        Value::Bool(b) => Some(Value::Bool(!b)),
        Value::Number(n) => {
            // Integers stay below 2^53, where every JSON implementation holds them exactly.
            if let Some(u) = n.as_u64() {
                Some(json!(if u < (1 << 52) { u + 1 } else { u - 1 }))
            } else if let Some(i) = n.as_i64() {
                Some(json!(i + 1))
            } else {
                let f = n.as_f64()?;
                Some(json!(if f == 0.0 { 1.0 } else { f * 2.0 }))
            }
        }
        Value::String(s) => Some(Value::String(mutate_text(name, s, other_key, fallback_key))),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

fn mutate_text(name: Option<&str>, s: &str, other_key: &str, fallback_key: &str) -> String {
    let vocabularies: [(&str, &[&str]); 5] = [
        ("status", &["active", "degraded", "inactive"]),
        ("severity", &["info", "warning", "critical"]),
        ("layer", &["l1", "l2", "l3", "l4"]),
        ("level", &["minimal", "degraded", "full"]),
        (
            "tier",
            &["unverified", "verified-degraded", "verified-sovereign"],
        ),
    ];
    for (member, words) in vocabularies {
        if name == Some(member)
            && let Some(next) = cycle(s, words)
        {
            return next;
        }
    }
    if let Ok(t) = Timestamp::parse_canonical(s) {
        return t
            .checked_add(Duration::from_secs(1))
            .expect("in range")
            .to_string();
    }
    if s.len() == 43 && PublicKey::from_base64url(s).is_ok() {
        return if s == other_key {
            fallback_key
        } else {
            other_key
        }
        .to_owned();
    }
    if s.len() == 86
        && let Ok(sig) = Signature::from_base64url(s)
    {
        let mut bytes = sig.to_bytes();
        if let Some(first) = bytes.first_mut() {
            *first ^= 1;
        }
        return sig_text(&Signature::from_bytes(bytes));
    }
    // Identity ids, digests and free text: change the last character within its class (a hex
    // digit stays a hex digit), so the member still parses.
    let bump = |c: char, first: char, last: char| {
        if c == last {
            first
        } else {
            char::from(c as u8 + 1)
        }
    };
    let mut chars: Vec<char> = s.chars().collect();
    match chars.last_mut() {
        Some(c) if c.is_ascii_digit() => *c = bump(*c, '0', '9'),
        Some(c) if ('a'..='f').contains(c) && s.len() >= 32 => *c = bump(*c, 'a', 'f'),
        Some(c) if c.is_ascii_lowercase() => *c = bump(*c, 'a', 'z'),
        Some(c) if c.is_ascii_uppercase() => *c = bump(*c, 'A', 'Z'),
        Some(c) => *c = 'x',
        None => chars.push('x'),
    }
    chars.into_iter().collect()
}

// ------------------------------------------------------------------------------------------
// The recorded world: identities, reports, handshakes and an attestation.
// ------------------------------------------------------------------------------------------

/// One recorded handshake: the three messages as JSON, and what the parties computed.
#[derive(Debug, Clone)]
struct Recorded {
    input: Value,
    context: Value,
    transcript: String,
    binding: String,
}

struct World {
    alice: Identity,
    bob: Identity,
    carol: Identity,
    rot: [Identity; 3],
    xavier: Identity,
    full: SignedReport,
    degraded: SignedReport,
    critical: SignedReport,
    carol_report: SignedReport,
    alice_later: SignedReport,
    bob_later: SignedReport,
    rotated: SignedReport,
    chain: [RotationEvent; 2],
    session: Recorded,
    other_session: Recorded,
    context_session: Recorded,
    attestation: VerificationAttestation,
}

fn builder_full() -> ReportBuilder {
    let mut provenance = Map::new();
    provenance.insert("model".into(), "example-model".into());
    provenance.insert("version".into(), "2026-04".into());
    provenance.insert(
        "weights_digest".into(),
        Digest::sha256(b"example weights").to_string().into(),
    );
    ReportBuilder::new()
        .implementation(IMPL_NAME, IMPL_VERSION)
        .layer(
            LayerReport::new(Layer::L1, LayerStatus::Active)
                .with_capability("cipher", json!("AES-256-GCM"))
                .with_capability("key_custody", json!("hardware")),
        )
        .layer(
            LayerReport::new(Layer::L2, LayerStatus::Active)
                .with_capability("isolation", json!("tee"))
                .with_capability("context_gating", json!(true)),
        )
        .layer(
            LayerReport::new(Layer::L3, LayerStatus::Active)
                .with_capability("proof_systems", json!(["pedersen", "bulletproofs"]))
                .with_capability("range_bits", json!(64)),
        )
        .contributor(&ShrHealth::with_track_record(12))
        .model_provenance(provenance)
}

fn builder_degraded() -> ReportBuilder {
    ReportBuilder::new()
        .implementation(IMPL_NAME, IMPL_VERSION)
        .layer(
            LayerReport::new(Layer::L1, LayerStatus::Active)
                .with_capability("cipher", json!("AES-256-GCM")),
        )
        .layer(
            LayerReport::new(Layer::L2, LayerStatus::Degraded)
                .with_capability("isolation", json!("process"))
                .with_degradation(Degradation {
                    code: DegradationCode::NO_TEE,
                    severity: Severity::Warning,
                    description: "no trusted execution environment".into(),
                    mitigation: "encrypted state, process isolation".into(),
                }),
        )
        .layer(LayerReport::new(Layer::L3, LayerStatus::Active))
        .contributor(&ShrHealth::default())
}

fn builder_critical() -> ReportBuilder {
    ReportBuilder::new()
        .implementation(IMPL_NAME, IMPL_VERSION)
        .layer(
            LayerReport::new(Layer::L1, LayerStatus::Active)
                .with_capability("cipher", json!("AES-256-GCM"))
                .with_degradation(Degradation {
                    code: DegradationCode::NO_INTEGRITY_CHECK,
                    severity: Severity::Critical,
                    description: "state integrity is not checked".into(),
                    mitigation: "none".into(),
                }),
        )
        .layer(LayerReport::new(Layer::L2, LayerStatus::Active))
        .layer(LayerReport::new(Layer::L3, LayerStatus::Active))
        .contributor(&ShrHealth::with_track_record(12))
}

fn sign_at(builder: &ReportBuilder, signer: &Identity, unix: i64) -> SignedReport {
    builder
        .sign(signer, &ManualClock::new(ts(unix)))
        .expect("report generated")
}

fn message_value(message: HandshakeMessage) -> Value {
    jcs::parse(&message.to_json()).expect("canonical message")
}

/// Runs one handshake between Alice (initiator, full report) and Bob (responder, degraded
/// report), starting at `start`, with nonces from the two seeds.
fn record_handshake(
    (alice, alice_report): (&Identity, &SignedReport),
    (bob, bob_report): (&Identity, &SignedReport),
    start: i64,
    seeds: (u8, u8),
    context: Option<Digest>,
) -> (Recorded, Option<VerificationAttestation>) {
    let clock_a = ManualClock::new(ts(start));
    let clock_b = ManualClock::new(ts(start));
    let cache_a = ReplayCache::default();
    let cache_b = ReplayCache::default();
    let mut a = HandshakeParty::new(alice, alice_report.clone(), &cache_a, &clock_a)
        .expect("alice's party");
    let mut b =
        HandshakeParty::new(bob, bob_report.clone(), &cache_b, &clock_b).expect("bob's party");
    if let Some(c) = context {
        a = a.with_context(c);
        b = b.with_context(c);
    }
    let mut rng_a = ChaCha20Rng::from_seed([seeds.0; 32]);
    let mut rng_b = ChaCha20Rng::from_seed([seeds.1; 32]);
    let (waiting, challenge) = a.initiate(&mut rng_a).expect("challenge");
    clock_b.set(ts(start + 1));
    let (b_waiting, response) = b.respond(&challenge, &mut rng_b).expect("response");
    clock_a.set(ts(start + 2));
    let (a_sees_b, completion) = waiting.on_response(&a, &response).expect("completion");
    clock_b.set(ts(start + 2));
    let b_sees_a = b_waiting.on_completion(&b, &completion).expect("completed");
    assert_eq!(a_sees_b.channel_binding, b_sees_a.channel_binding);
    assert_eq!(a_sees_b.transcript, b_sees_a.transcript);
    clock_a.set(ts(start + 3));
    let attestation = VerificationAttestation::issue(&a, &a_sees_b).ok();
    let recorded = Recorded {
        input: json!({
            "challenge": message_value(HandshakeMessage::Challenge(Box::new(challenge))),
            "response": message_value(HandshakeMessage::Response(Box::new(response))),
            "completion": message_value(HandshakeMessage::Completion(completion)),
        }),
        context: context.map_or(Value::Null, |d| d.to_string().into()),
        transcript: a_sees_b.transcript.to_string(),
        binding: a_sees_b.channel_binding.to_hex(),
    };
    (recorded, attestation)
}

fn world() -> World {
    let alice = identity(1);
    let bob = identity(2);
    let carol = identity(3);
    let rot = [identity(4), identity(5), identity(6)];
    let xavier = identity(7);

    let full = sign_at(&builder_full(), &alice, T0);
    let degraded = sign_at(&builder_degraded(), &bob, T0);
    let critical = sign_at(&builder_critical(), &alice, T0);
    let carol_report = sign_at(&builder_full(), &carol, T0);
    let alice_later = sign_at(&builder_full(), &alice, T0 + 60);
    let bob_later = sign_at(&builder_degraded(), &bob, T0 + 60);

    let origin = rot[0].id();
    let chain = [
        RotationEvent::sign(
            &rot[0],
            origin,
            *rot[1].public(),
            ts(T0 - 2 * 86_400),
            "scheduled rotation",
        )
        .expect("rotation 1"),
        RotationEvent::sign(
            &rot[1],
            origin,
            *rot[2].public(),
            ts(T0 - 86_400),
            "device replaced",
        )
        .expect("rotation 2"),
    ];
    let rotated = sign_at(&builder_full().rotation_chain(chain.to_vec()), &rot[2], T0);

    let a = (&alice, &full);
    let b = (&bob, &degraded);
    let (session, attestation) = record_handshake(a, b, T0 + 300, (11, 12), None);
    let (other_session, _) = record_handshake(a, b, T0 + 400, (13, 14), None);
    let (context_session, _) = record_handshake(
        a,
        b,
        T0 + 500,
        (15, 16),
        Some(Digest::sha256(b"transport channel of the vector suite")),
    );
    let attestation = attestation.expect("attestation issued");
    // The attestation's `transcript` is the digest a third party recomputes from the messages.
    assert_eq!(
        attestation.body().transcript.to_string(),
        session.transcript
    );
    World {
        alice,
        bob,
        carol,
        rot,
        xavier,
        full,
        degraded,
        critical,
        carol_report,
        alice_later,
        bob_later,
        rotated,
        chain,
        session,
        other_session,
        context_session,
        attestation,
    }
}

// ------------------------------------------------------------------------------------------
// Generator: reports.
// ------------------------------------------------------------------------------------------

fn report_vector(kind: Kind, id: &str, title: &str, input: Value) -> Vector {
    Vector::new(kind, Record::Report, id, title, input)
}

fn body_of(report: &SignedReport) -> Value {
    Value::Object(report.raw_body().clone())
}

/// The reason class a one-leaf change of a report body must give: the checks before the
/// signature see `shr_version` and the identity binding first.
fn report_leaf_class(path: &[Seg], rotated: bool) -> &'static str {
    match path.first() {
        Some(Seg::Key(k)) if k == "shr_version" => "version",
        Some(Seg::Key(k)) if k == "key_rotation" => "rotation",
        Some(Seg::Key(k)) if k == "instance_id" && rotated => "rotation",
        Some(Seg::Key(k)) if k == "instance_id" => "binding",
        _ => "signature",
    }
}

fn report_positives(w: &World, out: &mut Vec<Vector>) {
    out.push(
        report_vector(
            Kind::Positive,
            "pos-report-full",
            "Full-posture report: four active layers, no warning",
            w.full.to_value(),
        )
        .ctx("expected_level", "full")
        .notes("Alice (seed 01…01) at T0 = 2026-05-10T14:00:00Z, valid 60 minutes."),
    );
    out.push(
        report_vector(
            Kind::Positive,
            "pos-report-degraded",
            "Degraded report: L2 without a TEE (NO_TEE warning), no reputation history yet",
            w.degraded.to_value(),
        )
        .ctx("expected_level", "degraded")
        .notes("Bob (seed 02…02); the responder's report in the recorded handshakes."),
    );
    out.push(
        report_vector(
            Kind::Positive,
            "pos-report-critical-degradation",
            "Valid report whose critical degradation forces the minimal level",
            w.critical.to_value(),
        )
        .ctx("expected_level", "minimal")
        .notes("NO_INTEGRITY_CHECK with severity critical on L1: valid, but level minimal."),
    );

    // Unknown members: an x- extension at the top (with JCS edge cases in it) and a member
    // inside a layer entry. Both are kept and signed.
    let ext = builder_full()
        .extension(
            "x-vector-extension",
            json!({
                "numbers": [100.0, 1e21, 1e-6, 0.1, -0.0, 4_294_967_296_u64],
                "text": "caf\u{e9} \u{20ac} \u{1f600} \u{f} \u{2028} \"quoted\" back\\slash",
                "\u{e000}": "private use: after the emoji in JCS order, before it in UTF-8 order",
                "\u{1f600}": "emoji: first in JCS order (UTF-16 unit 0xD83D)",
            }),
        )
        .sign(&w.alice, &ManualClock::new(ts(T0)))
        .expect("extension report");
    let mut body = body_of(&ext);
    obj_mut(at_mut(at_mut(&mut body, "layers"), "l2")).insert(
        "x-attested-by".into(),
        json!({"vendor": "example-tee-vendor", "report": "quote-7"}),
    );
    out.push(
        report_vector(
            Kind::Positive,
            "pos-report-unknown-members",
            "Report with an x- extension member and an unknown member inside a layer entry",
            resign_report(&w.alice, &body),
        )
        .ctx("expected_level", "full")
        .notes(
            "Unknown members are kept and covered by the signature (warnings only). The \
             extension holds JCS edge cases: number formatting (100.0 -> 100, 1e21 -> 1e+21, \
             1e-6 -> 0.000001, -0.0 -> 0), non-ASCII text written as UTF-8, a control \
             character (\\u000f), and two keys whose JCS order (UTF-16) differs from UTF-8 order.",
        ),
    );

    let mut body = body_of(&w.full);
    obj_mut(at_mut(&mut body, "layers")).insert(
        "l5".into(),
        json!({"status": "active", "capabilities": {"note": "from a newer format"}}),
    );
    out.push(
        report_vector(
            Kind::Positive,
            "pos-report-unknown-layer",
            "Report with a fifth layer this version does not know",
            resign_report(&w.alice, &body),
        )
        .ctx("expected_level", "full")
        .notes("An unknown layer name is kept, signed and ignored (a warning)."),
    );

    out.push(
        report_vector(
            Kind::Positive,
            "pos-report-rotated-two-links",
            "Rotated identity: signed by its third key through a two-link rotation chain",
            w.rotated.to_value(),
        )
        .ctx("expected_level", "full")
        .ctx("expected_instance", w.rot[0].id().to_string())
        .notes(
            "instance_id is the first key's id (seed 04…04); key_rotation leads 04 -> 05 -> 06; \
             the report is signed by 06.",
        ),
    );

    let mut padded = w.full.to_value();
    let sig = Signature::from_base64url(at(&padded, "signature").as_str().expect("text"))
        .expect("signature");
    obj_mut(&mut padded).insert("signature".into(), sig.to_base64url(Padding::Padded).into());
    out.push(
        report_vector(
            Kind::Positive,
            "pos-report-padded-signature",
            "The full report with its signature written in padded base64url",
            padded,
        )
        .ctx("expected_level", "full")
        .notes("Readers accept padded and unpadded base64url; writers emit unpadded."),
    );

    out.push(
        report_vector(
            Kind::Positive,
            "pos-report-expected-instance",
            "The full report, verified by a caller who expects Alice",
            w.full.to_value(),
        )
        .ctx("expected_instance", w.alice.id().to_string())
        .ctx("expected_level", "full"),
    );

    let exp = T0 + 3600;
    out.push(
        report_vector(
            Kind::Positive,
            "pos-report-expired-within-skew",
            "Verified 300 s after expiry: within the tolerated skew",
            w.full.to_value(),
        )
        .now(exp + SKEW)
        .ctx("expected_level", "full")
        .notes("Boundary: now = expires_at + 300 s is accepted; + 301 s is not."),
    );
    out.push(
        report_vector(
            Kind::Positive,
            "pos-report-future-within-skew",
            "Verified 300 s before generated_at: within the tolerated skew",
            w.full.to_value(),
        )
        .now(T0 - SKEW)
        .ctx("expected_level", "full")
        .notes("Boundary: now = generated_at - 300 s is accepted; - 301 s is not."),
    );
    out.push(
        report_vector(
            Kind::Positive,
            "pos-report-max-lifetime",
            "Report valid for exactly 24 hours, the longest lifetime accepted",
            sign_at(
                &builder_full().validity(Duration::from_secs(86_400)),
                &w.alice,
                T0,
            )
            .to_value(),
        )
        .ctx("expected_level", "full"),
    );
}

fn report_leaf_mutations(w: &World, out: &mut Vec<Vector>) {
    let carol_key = w.carol.public().to_base64url();
    let alice_key = w.alice.public().to_base64url();
    let sets: [(&str, &SignedReport, &Identity, Option<&str>, bool); 4] = [
        ("full", &w.full, &w.alice, None, false),
        ("degraded", &w.degraded, &w.bob, Some("degradations"), false),
        ("rotated", &w.rotated, &w.rot[2], Some("key_rotation"), true),
        ("rotated", &w.rotated, &w.rot[2], Some("instance_id"), true),
    ];
    for (name, report, signer, only, rotated) in sets {
        let body = body_of(report);
        let mut paths = Vec::new();
        leaf_paths(&body, &mut Vec::new(), &mut paths);
        for path in paths {
            if let Some(only) = only
                && path.first() != Some(&Seg::Key(only.to_owned()))
            {
                continue;
            }
            let mut mutated = body.clone();
            let leaf = get_mut(&mut mutated, &path).expect("leaf");
            let member = path.iter().rev().find_map(|s| match s {
                Seg::Key(k) => Some(k.as_str()),
                Seg::Index(_) => None,
            });
            let Some(new) = mutate_leaf(member, leaf, &carol_key, &alice_key) else {
                continue;
            };
            assert_ne!(
                jcs::to_vec(leaf).expect("canonical"),
                jcs::to_vec(&new).expect("canonical"),
                "no-op mutation at {}",
                path_text(&path)
            );
            let old = std::mem::replace(leaf, new.clone());
            let p = path_text(&path);
            let mut input = report.to_value();
            obj_mut(&mut input).insert("body".into(), mutated);
            // The envelope's signer is untouched, and the signature fails whatever check
            // reports first.
            assert_eq!(
                at(&input, "signed_by").as_str(),
                Some(signer.public().to_base64url().as_str())
            );
            let checked = SignedReport::from_value(input.clone())
                .expect("still parses")
                .verify(&VerifyOptions::at(ts(NOW)));
            assert!(
                checked.errors.contains(&ReportProblem::BadSignature),
                "body.{p}: {:?}",
                checked.errors
            );
            out.push(
                report_vector(
                    Kind::Mutation,
                    &format!("mut-report-{name}-leaf-{}", slug(&p)),
                    &format!("{name} report with body.{p} changed after signing"),
                    input,
                )
                .reject(report_leaf_class(&path, rotated))
                .notes(&format!(
                    "body.{p}: {} -> {} (not re-signed; the signature must fail).",
                    old, new
                )),
            );
        }
    }
}

fn report_removals(w: &World, out: &mut Vec<Vector>) {
    let full_paths = [
        "body",
        "signed_by",
        "signature_scheme",
        "signature",
        "body.shr_version",
        "body.implementation",
        "body.implementation.name",
        "body.implementation.version",
        "body.instance_id",
        "body.generated_at",
        "body.expires_at",
        "body.layers",
        "body.layers.l2.status",
        "body.layers.l2.capabilities",
        "body.degradations",
        "body.model_provenance",
        "body.capabilities",
    ];
    let degraded_paths = [
        "body.degradations.0.layer",
        "body.degradations.0.code",
        "body.degradations.0.severity",
        "body.degradations.0.description",
        "body.degradations.0.mitigation",
    ];
    let rotated_paths = [
        "body.key_rotation.1.identity_id",
        "body.key_rotation.1.old_key",
        "body.key_rotation.1.new_key",
        "body.key_rotation.1.rotated_at",
        "body.key_rotation.1.reason",
        "body.key_rotation.1.signature",
    ];
    for (name, report, paths) in [
        ("full", &w.full, &full_paths[..]),
        ("degraded", &w.degraded, &degraded_paths[..]),
        ("rotated", &w.rotated, &rotated_paths[..]),
    ] {
        for p in paths {
            let path: Vec<Seg> = p
                .split('.')
                .map(|s| {
                    s.parse()
                        .map_or_else(|_| Seg::Key(s.to_owned()), Seg::Index)
                })
                .collect();
            let mut input = report.to_value();
            remove_path(&mut input, &path).expect("present");
            out.push(
                report_vector(
                    Kind::Mutation,
                    &format!("mut-report-{name}-missing-{}", slug(p)),
                    &format!("{name} report without the required member {p}"),
                    input,
                )
                .reject("schema")
                .notes("Removed after signing; refused when parsed."),
            );
        }
    }
}

/// Hand-made report mutations: schema, version, binding, rotation, temporal and layer checks,
/// each re-signed where needed so that only the check named fails.
fn report_crafted(w: &World, out: &mut Vec<Vector>) {
    let full_body = body_of(&w.full);
    let m = |id: &str, title: &str, input: Value, class: &'static str, notes: &str| {
        report_vector(Kind::Mutation, id, title, input)
            .reject(class)
            .notes(notes)
    };

    // --- schema ---
    let mut input = w.full.to_value();
    obj_mut(&mut input).insert("x-unsigned".into(), json!("outside the signature"));
    out.push(m(
        "mut-report-envelope-extra-member",
        "Envelope with a fifth member",
        input,
        "schema",
        "The envelope is closed: nothing outside body is signed.",
    ));
    let mut input = w.full.to_value();
    obj_mut(&mut input).insert("body".into(), json!([]));
    out.push(m(
        "mut-report-body-not-object",
        "Envelope whose body is an array",
        input,
        "schema",
        "",
    ));
    let mut input = w.full.to_value();
    obj_mut(&mut input).insert("signature".into(), json!("not base64url!"));
    out.push(m(
        "mut-report-signature-not-base64url",
        "Signature that is not base64url",
        input,
        "schema",
        "",
    ));
    let mut input = w.full.to_value();
    obj_mut(&mut input).insert("signed_by".into(), json!("AAAA"));
    out.push(m(
        "mut-report-signed-by-short",
        "signed_by that is not a 32-byte key",
        input,
        "schema",
        "",
    ));
    for (id, title, member, value) in [
        (
            "mut-report-generated-at-not-canonical",
            "generated_at written with an offset instead of Z (re-signed)",
            "generated_at",
            json!("2026-05-10T14:00:00+00:00"),
        ),
        (
            "mut-report-expires-at-fraction",
            "expires_at written with a zero fraction (re-signed)",
            "expires_at",
            json!("2026-05-10T15:00:00.000Z"),
        ),
        (
            "mut-report-instance-id-uppercase",
            "instance_id in upper-case hex (re-signed)",
            "instance_id",
            json!(w.alice.id().to_string().to_uppercase()),
        ),
        (
            "mut-report-capability-not-boolean",
            "A protocol capability that is a string (re-signed)",
            "capabilities",
            json!({"handshake": "yes", "report_exchange": true}),
        ),
        (
            "mut-report-key-rotation-empty",
            "key_rotation present but empty (re-signed)",
            "key_rotation",
            json!([]),
        ),
        (
            "mut-report-layers-not-object",
            "layers as an array (re-signed)",
            "layers",
            json!([]),
        ),
    ] {
        let mut body = full_body.clone();
        obj_mut(&mut body).insert(member.into(), value);
        out.push(m(
            id,
            title,
            resign_report(&w.alice, &body),
            "schema",
            "Validly signed, but the body does not parse: one canonical spelling per value.",
        ));
    }
    let mut body = full_body.clone();
    at_mut(&mut body, "degradations")
        .as_array_mut()
        .expect("array")
        .push(json!({
            "layer": "l2", "code": "no_tee", "severity": "warning",
            "description": "lower-case code", "mitigation": "none",
        }));
    out.push(m(
        "mut-report-degradation-code-invalid",
        "Degradation code that is neither UPPER_SNAKE nor x- (re-signed)",
        resign_report(&w.alice, &body),
        "schema",
        "",
    ));
    let mut body = full_body.clone();
    obj_mut(at_mut(at_mut(&mut body, "layers"), "l3")).insert("status".into(), json!("partial"));
    out.push(m(
        "mut-report-status-unknown",
        "Layer status outside active/degraded/inactive (re-signed)",
        resign_report(&w.alice, &body),
        "schema",
        "",
    ));

    // --- version ---
    let mut input = w.full.to_value();
    obj_mut(&mut input).insert("signature_scheme".into(), json!("ed25519-jcs-v2"));
    out.push(m(
        "mut-report-wrong-scheme",
        "Unknown signature_scheme (the signature itself is intact)",
        input,
        "version",
        "signature_scheme is outside the signed body; only the scheme check fails.",
    ));
    let mut body = full_body.clone();
    obj_mut(&mut body).insert("shr_version".into(), json!("2.0"));
    out.push(m(
        "mut-report-wrong-version",
        "shr_version 2.0, re-signed by Alice",
        resign_report(&w.alice, &body),
        "version",
        "Validly signed: only the version check fails.",
    ));

    // --- signature ---
    let preimage_wrong_purpose = envelope(&w.alice, Purpose::SHR_ATTESTATION, &full_body);
    out.push(m(
        "mut-report-signed-for-attestation-purpose",
        "Report body signed under the shr-attestation domain instead of shr-report",
        preimage_wrong_purpose,
        "signature",
        "Domain separation: a signature made for one purpose never verifies as another.",
    ));
    let mut input = w.full.to_value();
    obj_mut(&mut input).insert(
        "signature".into(),
        at(&w.degraded.to_value(), "signature").clone(),
    );
    out.push(m(
        "mut-report-signature-from-other-report",
        "The full report carrying the signature of another report",
        input,
        "signature",
        "",
    ));

    // --- binding ---
    out.push(m(
        "mut-report-signed-by-another-key",
        "Alice's body re-signed by Carol (signed_by is Carol's key)",
        resign_report(&w.carol, &full_body),
        "binding",
        "A valid signature by a key that is not instance_id's and has no rotation chain.",
    ));
    let mut input = w.full.to_value();
    obj_mut(&mut input).insert("signed_by".into(), w.carol.public().to_base64url().into());
    out.push(m(
        "mut-report-signed-by-replaced",
        "signed_by replaced by Carol's key (signature not redone)",
        input,
        "binding",
        "",
    ));
    let mut body = full_body.clone();
    obj_mut(&mut body).insert("instance_id".into(), w.carol.id().to_string().into());
    out.push(m(
        "mut-report-instance-id-of-another-agent",
        "Alice signs a report claiming to be Carol",
        resign_report(&w.alice, &body),
        "binding",
        "",
    ));
    out.push(
        report_vector(
            Kind::Mutation,
            "mut-report-unexpected-instance",
            "Bob's valid report where the caller expects Alice",
            w.degraded.to_value(),
        )
        .ctx("expected_instance", w.alice.id().to_string())
        .reject("binding")
        .notes("context.expected_instance names another agent."),
    );

    // --- rotation ---
    let rotated_body = body_of(&w.rotated);
    let origin = w.rot[0].id();
    let mut body = rotated_body.clone();
    obj_mut(&mut body).remove("key_rotation");
    out.push(m(
        "mut-report-rotated-without-chain",
        "Rotated identity's report without its key_rotation chain (re-signed by the current key)",
        resign_report(&w.rot[2], &body),
        "binding",
        "The current key is not instance_id's and nothing links them.",
    ));
    let broken = vec![
        w.chain[0].clone(),
        RotationEvent::sign(
            &w.xavier,
            origin,
            *w.rot[2].public(),
            ts(T0 - 86_400),
            "spliced",
        )
        .expect("event"),
    ];
    let mut body = rotated_body.clone();
    obj_mut(&mut body).insert(
        "key_rotation".into(),
        jcs::to_json_value(&broken).expect("json"),
    );
    out.push(m(
        "mut-report-rotation-broken-link",
        "Chain whose second event is signed by a key the first did not hand over to",
        resign_report(&w.rot[2], &body),
        "rotation",
        "Event 1's old_key (seed 07) is not event 0's new_key (seed 05).",
    ));
    out.push(m(
        "mut-report-rotation-ends-elsewhere",
        "Full chain, but the report is signed by the middle key",
        resign_report(&w.rot[1], &rotated_body),
        "rotation",
        "The chain ends at key 06; the signer is key 05.",
    ));
    let mut body = rotated_body.clone();
    obj_mut(&mut body).insert(
        "key_rotation".into(),
        jcs::to_json_value(std::slice::from_ref(&w.chain[0])).expect("json"),
    );
    out.push(m(
        "mut-report-rotation-truncated",
        "Chain cut after its first event; signed by the third key",
        resign_report(&w.rot[2], &body),
        "rotation",
        "",
    ));
    let out_of_order = vec![
        w.chain[0].clone(),
        RotationEvent::sign(
            &w.rot[1],
            origin,
            *w.rot[2].public(),
            ts(T0 - 3 * 86_400),
            "device replaced",
        )
        .expect("event"),
    ];
    let mut body = rotated_body.clone();
    obj_mut(&mut body).insert(
        "key_rotation".into(),
        jcs::to_json_value(&out_of_order).expect("json"),
    );
    out.push(m(
        "mut-report-rotation-out-of-order",
        "Second rotation dated before the first",
        resign_report(&w.rot[2], &body),
        "rotation",
        "",
    ));
    let reused = vec![
        w.chain[0].clone(),
        RotationEvent::sign(
            &w.rot[1],
            origin,
            *w.rot[0].public(),
            ts(T0 - 86_400),
            "back",
        )
        .expect("event"),
    ];
    let mut body = rotated_body.clone();
    obj_mut(&mut body).insert(
        "key_rotation".into(),
        jcs::to_json_value(&reused).expect("json"),
    );
    out.push(m(
        "mut-report-rotation-key-reused",
        "Chain that rotates back to the first key",
        resign_report(&w.rot[0], &body),
        "rotation",
        "",
    ));
    let foreign = vec![
        RotationEvent::sign(
            &w.xavier,
            origin,
            *w.rot[1].public(),
            ts(T0 - 2 * 86_400),
            "x",
        )
        .expect("event"),
        w.chain[1].clone(),
    ];
    let mut body = rotated_body.clone();
    obj_mut(&mut body).insert(
        "key_rotation".into(),
        jcs::to_json_value(&foreign).expect("json"),
    );
    out.push(m(
        "mut-report-rotation-wrong-origin",
        "Chain that starts from a key other than instance_id's",
        resign_report(&w.rot[2], &body),
        "rotation",
        "",
    ));

    // --- temporal ---
    let expired = sign_at(&builder_full(), &w.alice, NOW - 7200);
    out.push(m(
        "mut-report-expired",
        "Report generated two hours before now, valid one hour",
        expired.to_value(),
        "temporal",
        "",
    ));
    let future = sign_at(&builder_full(), &w.alice, NOW + SKEW + 1);
    out.push(m(
        "mut-report-future-dated",
        "Report generated 301 s after now",
        future.to_value(),
        "temporal",
        "",
    ));
    let mut body = full_body.clone();
    obj_mut(&mut body).insert("expires_at".into(), ts_text(T0 + 25 * 3600).into());
    out.push(m(
        "mut-report-lifetime-25h",
        "Report valid for 25 hours (re-signed)",
        resign_report(&w.alice, &body),
        "temporal",
        "At most 24 hours between generated_at and expires_at.",
    ));
    let mut body = full_body.clone();
    obj_mut(&mut body).insert("expires_at".into(), ts_text(T0).into());
    out.push(m(
        "mut-report-lifetime-zero",
        "expires_at equal to generated_at (re-signed)",
        resign_report(&w.alice, &body),
        "temporal",
        "",
    ));
    let mut body = full_body.clone();
    obj_mut(&mut body).insert("expires_at".into(), ts_text(T0 - 60).into());
    out.push(m(
        "mut-report-expires-before-generated",
        "expires_at before generated_at (re-signed)",
        resign_report(&w.alice, &body),
        "temporal",
        "",
    ));
    let too_old = sign_at(
        &builder_full().validity(Duration::from_secs(86_400)),
        &w.alice,
        NOW - 86_401,
    );
    out.push(m(
        "mut-report-too-old",
        "24-hour report generated 24 h + 1 s before now",
        too_old.to_value(),
        "temporal",
        "Expired by only 1 s (within the skew), but older than the maximum age of 24 hours.",
    ));
    let mut push_now = |id: &str, title: &str, now: i64, notes: &str| {
        out.push(
            report_vector(Kind::Mutation, id, title, w.full.to_value())
                .now(now)
                .reject("temporal")
                .notes(notes),
        );
    };
    push_now(
        "mut-report-now-after-expiry",
        "The full report verified 301 s after its expiry",
        T0 + 3600 + SKEW + 1,
        "Same bytes as pos-report-full; only context.now differs.",
    );
    push_now(
        "mut-report-now-before-generation",
        "The full report verified 301 s before its generation",
        T0 - SKEW - 1,
        "Same bytes as pos-report-full; only context.now differs.",
    );
    push_now(
        "mut-report-now-next-day",
        "The full report verified a day later",
        T0 + 86_400,
        "",
    );

    // --- layers ---
    for layer in ["l1", "l2", "l3", "l4"] {
        let mut body = full_body.clone();
        obj_mut(at_mut(&mut body, "layers")).remove(layer);
        out.push(
            report_vector(
                Kind::Mutation,
                &format!("mut-report-missing-layer-{layer}"),
                &format!("Report without layer {layer} (re-signed)"),
                resign_report(&w.alice, &body),
            )
            .reject("layers")
            .notes("Validly signed; every report must describe all four layers."),
        );
    }
}

// ------------------------------------------------------------------------------------------
// Generator: attestations.
// ------------------------------------------------------------------------------------------

fn attestation_vector(kind: Kind, id: &str, title: &str, input: Value) -> Vector {
    Vector::new(kind, Record::Attestation, id, title, input)
}

fn attestation_vectors(w: &World, out: &mut Vec<Vector>) {
    let original = w.attestation.to_value();
    let body = at(&original, "body").clone();
    let subject_expiry = T0 + 3600;
    out.push(
        attestation_vector(
            Kind::Positive,
            "pos-attestation",
            "Alice attests that she verified Bob (degraded) in the recorded handshake",
            original.clone(),
        )
        .ctx("expected_level", "degraded")
        .notes(
            "Issued from the outcome of pos-handshake-recorded; verified_at is the completion \
             time; it expires with Bob's report.",
        ),
    );
    out.push(
        attestation_vector(
            Kind::Positive,
            "pos-attestation-expected-attester",
            "The attestation, verified by a caller who trusts Alice as attester",
            original.clone(),
        )
        .ctx("expected_instance", w.alice.id().to_string())
        .ctx("expected_level", "degraded"),
    );

    // One-leaf changes of the attestation's own members (not re-signed).
    let carol_key = w.carol.public().to_base64url();
    let alice_key = w.alice.public().to_base64url();
    for (name, value) in obj(&body) {
        if name == "subject_report" {
            continue;
        }
        let Some(new) = mutate_leaf(Some(name), value, &carol_key, &alice_key) else {
            continue;
        };
        assert_ne!(&new, value);
        let mut input = original.clone();
        obj_mut(at_mut(&mut input, "body")).insert(name.clone(), new.clone());
        let class = match name.as_str() {
            "attestation_version" => "version",
            "attester" => "binding",
            _ => "signature",
        };
        out.push(
            attestation_vector(
                Kind::Mutation,
                &format!("mut-attestation-leaf-{}", slug(name)),
                &format!("Attestation with body.{name} changed after signing"),
                input,
            )
            .reject(class)
            .notes(&format!("body.{name}: {value} -> {new} (not re-signed).")),
        );
    }
    for p in [
        "subject_report.body.layers.l2.status",
        "subject_report.body.expires_at",
        "subject_report.signature",
    ] {
        let path: Vec<Seg> = p.split('.').map(|s| Seg::Key(s.to_owned())).collect();
        let mut input = original.clone();
        let leaf = get_mut(at_mut(&mut input, "body"), &path).expect("leaf");
        let member = match path.last() {
            Some(Seg::Key(k)) => Some(k.as_str()),
            _ => None,
        };
        *leaf = mutate_leaf(member, leaf, &carol_key, &alice_key).expect("mutable");
        out.push(
            attestation_vector(
                Kind::Mutation,
                &format!("mut-attestation-tampered-{}", slug(p)),
                &format!("Attestation whose embedded {p} was changed (not re-signed)"),
                input,
            )
            .reject("signature")
            .notes("The attester's signature covers the embedded report."),
        );
    }
    for name in obj(&body).keys() {
        let mut input = original.clone();
        obj_mut(at_mut(&mut input, "body")).remove(name);
        out.push(
            attestation_vector(
                Kind::Mutation,
                &format!("mut-attestation-missing-{}", slug(name)),
                &format!("Attestation without body.{name}"),
                input,
            )
            .reject("schema"),
        );
    }

    // Re-signed by Alice so that only the named check fails.
    let mut crafted = |id: &str,
                       title: &str,
                       edit: &dyn Fn(&mut Map<String, Value>),
                       class: &'static str,
                       notes: &str| {
        let mut b = body.clone();
        edit(obj_mut(&mut b));
        out.push(
            attestation_vector(Kind::Mutation, id, title, resign_attestation(&w.alice, &b))
                .reject(class)
                .notes(notes),
        );
    };
    crafted(
        "mut-attestation-overstated-level",
        "Attester claims Bob is full / verified-sovereign (re-signed by the attester)",
        &|b| {
            b.insert("level".into(), json!("full"));
            b.insert("tier".into(), json!("verified-sovereign"));
        },
        "level",
        "Validly signed; only recomputing the level from the embedded report catches it.",
    );
    crafted(
        "mut-attestation-overstated-tier",
        "Attester keeps the level but grants the sovereign tier (re-signed)",
        &|b| {
            b.insert("tier".into(), json!("verified-sovereign"));
        },
        "level",
        "",
    );
    let degraded_body = body_of(&w.degraded);
    let mut tampered = w.degraded.to_value();
    obj_mut(at_mut(&mut tampered, "body")).insert("expires_at".into(), ts_text(T0 + 7200).into());
    crafted(
        "mut-attestation-subject-report-tampered",
        "Embedded report changed, attestation re-signed by the attester",
        &|b| {
            b.insert("subject_report".into(), tampered.clone());
        },
        "signature",
        "Class of the first problem of the embedded report (its signature).",
    );
    let mut no_l3 = degraded_body.clone();
    obj_mut(at_mut(&mut no_l3, "layers")).remove("l3");
    let no_l3 = resign_report(&w.bob, &no_l3);
    crafted(
        "mut-attestation-subject-report-missing-layer",
        "Embedded report without l3, re-signed by Bob; attestation re-signed by Alice",
        &|b| {
            b.insert("subject_report".into(), no_l3.clone());
        },
        "layers",
        "Both signatures are valid; the embedded report fails its layer check at verified_at.",
    );
    crafted(
        "mut-attestation-self",
        "Attester and subject are the same instance (re-signed)",
        &|b| {
            b.insert("subject".into(), w.alice.id().to_string().into());
        },
        "binding",
        "",
    );
    crafted(
        "mut-attestation-subject-mismatch",
        "Subject names Carol while the embedded report is Bob's (re-signed)",
        &|b| {
            b.insert("subject".into(), w.carol.id().to_string().into());
        },
        "binding",
        "",
    );
    crafted(
        "mut-attestation-subject-key-mismatch",
        "subject_key is not the embedded report's signing key (re-signed)",
        &|b| {
            b.insert("subject_key".into(), w.carol.public().to_base64url().into());
        },
        "binding",
        "",
    );
    crafted(
        "mut-attestation-outlives-report",
        "Attestation expiring after the embedded report (re-signed)",
        &|b| {
            b.insert("expires_at".into(), ts_text(subject_expiry + 60).into());
        },
        "binding",
        "An attestation cannot outlive the report it vouches for.",
    );
    crafted(
        "mut-attestation-lifetime-25h",
        "Attestation valid for 25 hours (re-signed)",
        &|b| {
            b.insert("expires_at".into(), ts_text(T0 + 303 + 25 * 3600).into());
        },
        "temporal",
        "",
    );
    crafted(
        "mut-attestation-unknown-liveness",
        "Unknown liveness evidence (re-signed)",
        &|b| {
            b.insert("liveness".into(), json!("carrier-pigeon-1.0"));
        },
        "version",
        "",
    );
    crafted(
        "mut-attestation-wrong-version",
        "attestation_version 2.0 (re-signed)",
        &|b| {
            b.insert("attestation_version".into(), json!("2.0"));
        },
        "version",
        "",
    );
    crafted(
        "mut-attestation-extra-member",
        "Attestation body with an extra member (re-signed)",
        &|b| {
            b.insert("x-note".into(), json!("the attestation body is closed"));
        },
        "schema",
        "",
    );

    out.push(
        attestation_vector(
            Kind::Mutation,
            "mut-attestation-signed-by-another-key",
            "Attestation body re-signed by Carol",
            resign_attestation(&w.carol, &body),
        )
        .reject("binding")
        .notes("The signing key must be the attester's."),
    );
    out.push(
        attestation_vector(
            Kind::Mutation,
            "mut-attestation-signed-for-report-purpose",
            "Attestation body signed by Alice under the shr-report domain",
            envelope(&w.alice, Purpose::SHR_REPORT, &body),
        )
        .reject("signature"),
    );
    let mut input = original.clone();
    obj_mut(&mut input).insert("signature_scheme".into(), json!("ed25519-jcs-v2"));
    out.push(
        attestation_vector(
            Kind::Mutation,
            "mut-attestation-wrong-scheme",
            "Unknown signature_scheme",
            input,
        )
        .reject("version"),
    );
    out.push(
        attestation_vector(
            Kind::Mutation,
            "mut-attestation-unexpected-attester",
            "Valid attestation; the caller trusts only Carol as attester",
            original.clone(),
        )
        .ctx("expected_instance", w.carol.id().to_string())
        .reject("binding"),
    );
    out.push(
        attestation_vector(
            Kind::Mutation,
            "mut-attestation-now-after-expiry",
            "Valid attestation verified 301 s after it expired",
            original.clone(),
        )
        .now(subject_expiry + SKEW + 1)
        .reject("temporal"),
    );
    out.push(
        attestation_vector(
            Kind::Mutation,
            "mut-attestation-now-before-verification",
            "Valid attestation verified 301 s before its verified_at",
            original.clone(),
        )
        .now(T0 + 302 - SKEW - 1)
        .reject("temporal"),
    );
    out.push(
        attestation_vector(
            Kind::Mutation,
            "mut-attestation-report-as-attestation",
            "A signed report presented as an attestation",
            w.degraded.to_value(),
        )
        .reject("schema"),
    );
}

// ------------------------------------------------------------------------------------------
// Generator: handshakes.
// ------------------------------------------------------------------------------------------

/// A handshake vector; the transcript context is `null` unless the vector says otherwise.
fn handshake_vector(kind: Kind, id: &str, title: &str, input: Value) -> Vector {
    Vector::new(kind, Record::Handshake, id, title, input).ctx("transcript_context", Value::Null)
}

/// Parses a message slot the way the runner does.
fn parsed_report(message: &Value) -> SignedReport {
    SignedReport::from_value(at(message, "report").clone()).expect("report")
}

fn parsed_nonce(message: &Value, name: &str) -> Nonce {
    Nonce::from_bytes(
        encoding::base64url_decode_array::<32>(at(message, name).as_str().expect("text"))
            .expect("nonce"),
    )
}

fn parsed_id(message: &Value, name: &str) -> IdentityId {
    IdentityId::from_str(at(message, name).as_str().expect("text")).expect("id")
}

/// The two sides as the messages state them.
fn sides_of(input: &Value) -> (Side, Side) {
    let challenge = at(input, "challenge");
    let response = at(input, "response");
    (
        Side::of(
            parsed_id(challenge, "initiator"),
            &parsed_report(challenge),
            &parsed_nonce(challenge, "nonce"),
        ),
        Side::of(
            parsed_id(response, "responder"),
            &parsed_report(response),
            &parsed_nonce(response, "nonce"),
        ),
    )
}

fn set(input: &mut Value, message: &str, member: &str, value: impl Into<Value>) {
    obj_mut(at_mut(input, message)).insert(member.to_owned(), value.into());
}

fn handshake_vectors(w: &World, out: &mut Vec<Vector>) {
    let rec = &w.session;
    let base = rec.input.clone();
    let none = Value::Null;
    let (initiator, responder) = sides_of(&base);
    let other = &w.other_session.input;

    out.push(
        handshake_vector(
            Kind::Positive,
            "pos-handshake-recorded",
            "Recorded handshake: Alice (full) initiates, Bob (degraded) responds",
            base.clone(),
        )
        .ctx("expected_transcript_digest", rec.transcript.clone())
        .ctx("expected_channel_binding", rec.binding.clone())
        .notes(
            "Challenge at T0+300 s, response at +301 s, completion at +302 s; nonces from \
             ChaCha20 seeded with 0b…0b (Alice) and 0c…0c (Bob). The expected digest and \
             channel binding are what both parties computed.",
        ),
    );
    let ctx_rec = &w.context_session;
    out.push(
        handshake_vector(
            Kind::Positive,
            "pos-handshake-with-context",
            "Recorded handshake bound to a shared transport context",
            ctx_rec.input.clone(),
        )
        .ctx("transcript_context", ctx_rec.context.clone())
        .ctx("expected_transcript_digest", ctx_rec.transcript.clone())
        .ctx("expected_channel_binding", ctx_rec.binding.clone())
        .notes(
            "Both parties were given context sha256(\"transport channel of the vector suite\").",
        ),
    );

    let m = |id: &str, title: &str, input: Value, class: &'static str, notes: &str| {
        handshake_vector(Kind::Mutation, id, title, input)
            .reject(class)
            .notes(notes)
    };

    // --- replay: nonces that do not belong to this session ---
    let mut input = base.clone();
    let r = at(&input, "response").clone();
    set(
        &mut input,
        "response",
        "nonce",
        at(&r, "initiator_nonce").clone(),
    );
    set(
        &mut input,
        "response",
        "initiator_nonce",
        at(&r, "nonce").clone(),
    );
    out.push(m(
        "mut-handshake-response-nonces-swapped",
        "Response with its two nonces swapped",
        input,
        "replay",
        "The echoed initiator nonce is no longer the challenge's.",
    ));
    let mut input = base.clone();
    let c = at(&input, "completion").clone();
    set(
        &mut input,
        "completion",
        "initiator_nonce",
        at(&c, "responder_nonce").clone(),
    );
    set(
        &mut input,
        "completion",
        "responder_nonce",
        at(&c, "initiator_nonce").clone(),
    );
    out.push(m(
        "mut-handshake-completion-nonces-swapped",
        "Completion with its two nonces swapped",
        input,
        "replay",
        "",
    ));
    let mut input = base.clone();
    obj_mut(&mut input).insert("response".into(), at(other, "response").clone());
    out.push(m(
        "mut-handshake-response-replayed",
        "Response replayed verbatim from another session",
        input,
        "replay",
        "Bob's genuine response to a different challenge (session at T0+400 s).",
    ));
    let mut input = base.clone();
    obj_mut(&mut input).insert("completion".into(), at(other, "completion").clone());
    out.push(m(
        "mut-handshake-completion-replayed",
        "Completion replayed verbatim from another session",
        input,
        "replay",
        "",
    ));
    // Reflection: Bob answers with Alice's own nonce; both transcript signatures redone.
    let mut input = base.clone();
    let reflected = Side {
        nonce: initiator.nonce.clone(),
        ..responder.clone()
    };
    set(&mut input, "response", "nonce", initiator.nonce.clone());
    set(
        &mut input,
        "response",
        "signature",
        sign_transcript(&w.bob, "response", &initiator, &reflected, &none),
    );
    set(
        &mut input,
        "completion",
        "responder_nonce",
        initiator.nonce.clone(),
    );
    set(
        &mut input,
        "completion",
        "signature",
        sign_transcript(&w.alice, "completion", &initiator, &reflected, &none),
    );
    out.push(m(
        "mut-handshake-nonce-reflected",
        "Responder reuses the initiator's nonce as its own (all signatures valid)",
        input,
        "replay",
        "A reflected nonce proves nothing: the responder's nonce must differ.",
    ));

    // --- transcript: signatures that do not cover this transcript under the right key ---
    let mut input = base.clone();
    let swapped_i = Side {
        nonce: responder.nonce.clone(),
        ..initiator.clone()
    };
    let swapped_r = Side {
        nonce: initiator.nonce.clone(),
        ..responder.clone()
    };
    set(
        &mut input,
        "response",
        "signature",
        sign_transcript(&w.bob, "response", &swapped_i, &swapped_r, &none),
    );
    set(
        &mut input,
        "completion",
        "signature",
        sign_transcript(&w.alice, "completion", &swapped_i, &swapped_r, &none),
    );
    out.push(m(
        "mut-handshake-transcript-nonces-swapped",
        "Messages intact, but both parties signed a transcript with the nonces' roles swapped",
        input,
        "transcript",
        "The transcript binds each nonce to its side.",
    ));
    let mut input = base.clone();
    set(
        &mut input,
        "response",
        "signature",
        sign_transcript(&w.carol, "response", &initiator, &responder, &none),
    );
    out.push(m(
        "mut-handshake-response-signed-by-relay",
        "Response transcript signature made by a relay (Carol) instead of Bob",
        input,
        "transcript",
        "The response signature must verify under the key of the responder's report.",
    ));
    let carol_side = Side::of(
        w.carol.id(),
        &w.carol_report,
        &parsed_nonce(at(&base, "response"), "nonce"),
    );
    let mut input = base.clone();
    set(
        &mut input,
        "response",
        "responder",
        w.carol.id().to_string(),
    );
    set(&mut input, "response", "report", w.carol_report.to_value());
    set(
        &mut input,
        "response",
        "signature",
        sign_transcript(&w.carol, "response", &initiator, &carol_side, &none),
    );
    out.push(m(
        "mut-handshake-relay-substitutes-responder",
        "Relay replaces Bob's response by its own; Alice's completion is the original",
        input,
        "transcript",
        "Carol's response is self-consistent, but Alice's completion covers Bob's side.",
    ));
    let mut input = base.clone();
    set(
        &mut input,
        "completion",
        "signature",
        sign_transcript(&w.bob, "completion", &initiator, &responder, &none),
    );
    out.push(m(
        "mut-handshake-completion-signed-by-responder",
        "Completion signed by Bob (the responder) instead of Alice",
        input,
        "transcript",
        "",
    ));
    let mut input = base.clone();
    set(
        &mut input,
        "completion",
        "signature",
        sign_transcript(&w.carol, "completion", &initiator, &responder, &none),
    );
    out.push(m(
        "mut-handshake-completion-signed-by-relay",
        "Completion signed by a third identity (Carol)",
        input,
        "transcript",
        "",
    ));
    let mut input = base.clone();
    set(
        &mut input,
        "completion",
        "signature",
        sign_transcript(&w.alice, "response", &initiator, &responder, &none),
    );
    out.push(m(
        "mut-handshake-completion-wrong-step",
        "Completion carrying Alice's signature of the response step",
        input,
        "transcript",
        "The step is signed: a signature for one step is not valid for the other.",
    ));
    let mut input = base.clone();
    set(
        &mut input,
        "response",
        "signature",
        at(&base, "completion")
            .get("signature")
            .cloned()
            .unwrap_or_default(),
    );
    out.push(m(
        "mut-handshake-response-carries-completion-signature",
        "Response carrying the completion's signature",
        input,
        "transcript",
        "",
    ));
    // Spliced from another session: nonces rewritten so the nonce checks pass.
    let mut input = base.clone();
    let spliced = at(other, "response").clone();
    obj_mut(&mut input).insert("response".into(), spliced.clone());
    set(
        &mut input,
        "response",
        "initiator_nonce",
        initiator.nonce.clone(),
    );
    set(
        &mut input,
        "completion",
        "responder_nonce",
        at(&spliced, "nonce").clone(),
    );
    out.push(m(
        "mut-handshake-response-spliced",
        "Response from another session with its echoed nonce rewritten to fit this one",
        input,
        "transcript",
        "Nonces now agree across messages, but Bob signed the other session's transcript.",
    ));
    let mut input = base.clone();
    set(&mut input, "response", "report", w.bob_later.to_value());
    out.push(m(
        "mut-handshake-response-report-swapped",
        "Response carrying another valid report of Bob's",
        input,
        "transcript",
        "The transcript binds the report digest, not only the identity.",
    ));
    let mut input = base.clone();
    set(&mut input, "challenge", "report", w.alice_later.to_value());
    out.push(m(
        "mut-handshake-challenge-report-swapped",
        "Challenge carrying another valid report of Alice's",
        input,
        "transcript",
        "",
    ));
    out.push(
        handshake_vector(
            Kind::Mutation,
            "mut-handshake-context-mismatch",
            "Recorded handshake checked against a transport context it was not bound to",
            base.clone(),
        )
        .ctx(
            "transcript_context",
            Digest::sha256(b"another channel").to_string(),
        )
        .reject("transcript"),
    );
    out.push(
        handshake_vector(
            Kind::Mutation,
            "mut-handshake-context-dropped",
            "Context-bound handshake checked without its context",
            ctx_rec.input.clone(),
        )
        .reject("transcript"),
    );

    // --- binding ---
    let mut input = base.clone();
    set(
        &mut input,
        "challenge",
        "initiator",
        w.carol.id().to_string(),
    );
    out.push(m(
        "mut-handshake-initiator-not-report-subject",
        "Challenge names Carol but carries Alice's report",
        input,
        "binding",
        "",
    ));
    let mut input = base.clone();
    set(
        &mut input,
        "response",
        "responder",
        w.carol.id().to_string(),
    );
    out.push(m(
        "mut-handshake-responder-not-report-subject",
        "Response names Carol but carries Bob's report",
        input,
        "binding",
        "",
    ));
    let alice_again = Side::of(
        w.alice.id(),
        &w.full,
        &parsed_nonce(at(&base, "response"), "nonce"),
    );
    let mut input = base.clone();
    set(
        &mut input,
        "response",
        "responder",
        w.alice.id().to_string(),
    );
    set(&mut input, "response", "report", w.full.to_value());
    set(
        &mut input,
        "response",
        "signature",
        sign_transcript(&w.alice, "response", &initiator, &alice_again, &none),
    );
    set(
        &mut input,
        "completion",
        "signature",
        sign_transcript(&w.alice, "completion", &initiator, &alice_again, &none),
    );
    out.push(m(
        "mut-handshake-self",
        "Alice answers her own challenge (all signatures valid)",
        input,
        "binding",
        "Initiator and responder must be different agents.",
    ));

    // --- the embedded reports ---
    let mut input = base.clone();
    let report = at_mut(at_mut(&mut input, "challenge"), "report");
    obj_mut(at_mut(report, "body")).insert("expires_at".into(), ts_text(T0 + 7200).into());
    out.push(m(
        "mut-handshake-challenge-report-tampered",
        "Challenge whose report body was changed",
        input,
        "signature",
        "Class of the first problem of the first invalid report.",
    ));
    let mut no_l3 = body_of(&w.degraded);
    obj_mut(at_mut(&mut no_l3, "layers")).remove("l3");
    let mut input = base.clone();
    set(
        &mut input,
        "response",
        "report",
        resign_report(&w.bob, &no_l3),
    );
    let (i2, r2) = sides_of(&input);
    set(
        &mut input,
        "response",
        "signature",
        sign_transcript(&w.bob, "response", &i2, &r2, &none),
    );
    set(
        &mut input,
        "completion",
        "signature",
        sign_transcript(&w.alice, "completion", &i2, &r2, &none),
    );
    out.push(m(
        "mut-handshake-response-report-missing-layer",
        "Bob offers a report without l3; every signature is valid",
        input,
        "layers",
        "",
    ));
    out.push(
        handshake_vector(
            Kind::Mutation,
            "mut-handshake-reports-expired",
            "Recorded handshake checked after both reports expired",
            base.clone(),
        )
        .now(T0 + 3600 + SKEW + 1)
        .reject("temporal"),
    );

    // --- version and schema ---
    for message in ["challenge", "response", "completion"] {
        let mut input = base.clone();
        set(&mut input, message, "protocol_version", "1.1");
        out.push(m(
            &format!("mut-handshake-{message}-version"),
            &format!("{message} with protocol_version 1.1"),
            input,
            "version",
            "",
        ));
    }
    let mut input = base.clone();
    obj_mut(&mut input).insert("response".into(), at(&base, "completion").clone());
    out.push(m(
        "mut-handshake-completion-in-response-slot",
        "A completion where the response belongs",
        input,
        "schema",
        "",
    ));
    let mut input = base.clone();
    set(&mut input, "response", "x-note", "unsigned");
    out.push(m(
        "mut-handshake-response-extra-member",
        "Response with an extra member",
        input,
        "schema",
        "Handshake messages are closed: nothing outside the signatures' reach.",
    ));
    let mut input = base.clone();
    obj_mut(at_mut(&mut input, "completion")).remove("signature");
    out.push(m(
        "mut-handshake-completion-missing-signature",
        "Completion without its signature",
        input,
        "schema",
        "",
    ));
    let mut input = base.clone();
    obj_mut(&mut input).remove("completion");
    out.push(m(
        "mut-handshake-no-completion",
        "Only the challenge and the response",
        input,
        "schema",
        "An unfinished handshake proves nothing about the initiator.",
    ));
    let mut input = base.clone();
    set(&mut input, "challenge", "type", "shr-handshake-hello");
    out.push(m(
        "mut-handshake-challenge-unknown-type",
        "Challenge with an unknown type tag",
        input,
        "schema",
        "",
    ));
}

// ------------------------------------------------------------------------------------------
// Generator: canaries.
// ------------------------------------------------------------------------------------------

fn canaries(w: &World, out: &mut Vec<Vector>) {
    let full_body = body_of(&w.full);

    // Signed over pretty JSON (sorted keys, two-space indent) instead of JCS.
    let mut preimage = Purpose::SHR_REPORT.domain_prefix();
    preimage.extend_from_slice(pretty(&full_body).trim_end().as_bytes());
    let mut input = w.full.to_value();
    obj_mut(&mut input).insert(
        "signature".into(),
        sig_text(&w.alice.sign_bytes(&preimage)).into(),
    );
    out.push(
        report_vector(
            Kind::Canary,
            "canary-signature-over-pretty-json",
            "Report signed over pretty-printed JSON instead of its JCS form",
            input,
        )
        .reject("signature")
        .discriminates("non-canonical-preimage")
        .notes(
            "Alice signed prefix + the body as pretty JSON (sorted keys, two-space indent, no \
             trailing newline). A verifier that re-serialises the body as it is shown in this \
             file accepts it; the preimage is the JCS form.",
        ),
    );

    // Signed over JCS without the domain prefix.
    let mut input = w.full.to_value();
    let jcs_only = jcs::to_vec(&full_body).expect("canonical");
    obj_mut(&mut input).insert(
        "signature".into(),
        sig_text(&w.alice.sign_bytes(&jcs_only)).into(),
    );
    out.push(
        report_vector(
            Kind::Canary,
            "canary-signature-without-domain-prefix",
            "Report signed over JCS(body) without the sanctuary/shr-report/v1 prefix",
            input,
        )
        .reject("signature")
        .discriminates("missing-domain-prefix")
        .notes("The preimage starts with the 24 bytes \"sanctuary/shr-report/v1\\n\"."),
    );

    // A foreign key signs a report about Alice; the caller expects Alice.
    out.push(
        report_vector(
            Kind::Canary,
            "canary-key-not-bound-to-instance",
            "Report about Alice, validly signed by Carol's key, verified by a caller expecting Alice",
            resign_report(&w.carol, &full_body),
        )
        .ctx("expected_instance", w.alice.id().to_string())
        .reject("binding")
        .discriminates("key-not-bound-to-instance")
        .notes(
            "The signature verifies under signed_by and instance_id is the expected one; only \
             the check instance_id == first 16 bytes of SHA-256(signed_by) rejects it.",
        ),
    );

    // Four active layers and a critical degradation: the level is minimal.
    let mut body = full_body.clone();
    at_mut(&mut body, "degradations")
        .as_array_mut()
        .expect("array")
        .push(json!({
            "layer": "l3",
            "code": "x-proving-key-exposed",
            "severity": "critical",
            "description": "the proving key was published",
            "mitigation": "none",
        }));
    out.push(
        report_vector(
            Kind::Canary,
            "canary-critical-degradation-not-minimal",
            "All four layers say active, one degradation is critical: valid, level minimal",
            resign_report(&w.alice, &body),
        )
        .ctx("expected_level", "minimal")
        .discriminates("critical-not-forcing-minimal")
        .notes(
            "A verifier that derives the level from layer statuses alone says full. Any \
             critical degradation forces minimal (the status is inconsistent: a warning only).",
        ),
    );

    // An unknown member added after signing.
    let mut input = w.full.to_value();
    obj_mut(at_mut(&mut input, "body")).insert("x-injected".into(), json!({"trusted": true}));
    out.push(
        report_vector(
            Kind::Canary,
            "canary-unsigned-extension-member",
            "An x- member added to the body after signing",
            input,
        )
        .reject("signature")
        .discriminates("unknown-members-dropped-before-verify")
        .notes(
            "A verifier that maps the body to known fields and signs what it kept accepts it; \
             the signature covers the body as received, unknown members included.",
        ),
    );

    // The challenge's report in padded spelling: the digest is over the canonical spelling.
    let mut input = w.session.input.clone();
    let report = at_mut(at_mut(&mut input, "challenge"), "report");
    let sig = Signature::from_base64url(at(report, "signature").as_str().expect("text"))
        .expect("signature");
    obj_mut(report).insert("signature".into(), sig.to_base64url(Padding::Padded).into());
    out.push(
        handshake_vector(
            Kind::Canary,
            "canary-report-digest-over-padded-spelling",
            "Recorded handshake whose challenge report is written with a padded signature",
            input,
        )
        .ctx("expected_transcript_digest", w.session.transcript.clone())
        .ctx("expected_channel_binding", w.session.binding.clone())
        .discriminates("report-digest-over-received-spelling")
        .notes(
            "The report digest is SHA-256 of the JCS of the envelope with the signature in \
             unpadded base64url, whatever spelling arrived; hashing the received bytes gives \
             another digest and a failed transcript signature.",
        ),
    );
}

// ------------------------------------------------------------------------------------------
// The whole suite.
// ------------------------------------------------------------------------------------------

fn all_vectors() -> Vec<Vector> {
    let w = world();
    let mut out = Vec::new();
    report_positives(&w, &mut out);
    report_leaf_mutations(&w, &mut out);
    report_removals(&w, &mut out);
    report_crafted(&w, &mut out);
    attestation_vectors(&w, &mut out);
    handshake_vectors(&w, &mut out);
    canaries(&w, &mut out);
    let mut ids = BTreeSet::new();
    for v in &out {
        assert!(ids.insert(v.id.clone()), "duplicate id {}", v.id);
        assert!(
            v.discriminates.is_some() == (v.kind == Kind::Canary),
            "{}: only canaries discriminate",
            v.id
        );
        if v.kind == Kind::Positive {
            assert!(v.reject.is_none(), "{}: positives accept", v.id);
        }
        if v.kind == Kind::Mutation {
            assert!(v.reject.is_some(), "{}: mutations reject", v.id);
        }
    }
    out
}

fn manifest(vectors: &[Vector]) -> Value {
    let mut counts = Map::new();
    let mut files = Map::new();
    for kind in Kind::ALL {
        let mut paths: Vec<String> = vectors
            .iter()
            .filter(|v| v.kind == kind)
            .map(Vector::path)
            .collect();
        paths.sort();
        counts.insert(kind.dir().into(), paths.len().into());
        files.insert(kind.dir().into(), paths.into());
    }
    counts.insert("total".into(), vectors.len().into());
    let mut by_profile = BTreeMap::<&str, usize>::new();
    let mut by_class = BTreeMap::<&str, usize>::new();
    for v in vectors {
        *by_profile.entry(v.record.profile()).or_default() += 1;
        *by_class.entry(v.reject.unwrap_or("accept")).or_default() += 1;
    }
    let people: [(&str, u8, &str); 7] = [
        (
            "alice",
            1,
            "initiator; full, critical and extension reports; attester",
        ),
        ("bob", 2, "responder; degraded report; attestation subject"),
        ("carol", 3, "third party: foreign signer and relay"),
        (
            "rotated-0",
            4,
            "first key of the rotated identity (its instance_id)",
        ),
        ("rotated-1", 5, "second key of the rotated identity"),
        ("rotated-2", 6, "current key of the rotated identity"),
        ("xavier", 7, "unrelated key used to break rotation chains"),
    ];
    let identities: Map<String, Value> = people
        .iter()
        .map(|(name, byte, role)| {
            let id = identity(*byte);
            (
                (*name).to_owned(),
                json!({
                    "seed_hex": encoding::hex_encode(&[*byte; 32]),
                    "public_key": id.public().to_base64url(),
                    "instance_id": id.id().to_string(),
                    "role": role,
                }),
            )
        })
        .collect();
    json!({
        "schema_version": MANIFEST_SCHEMA,
        "vector_schema_version": VECTOR_SCHEMA,
        "check_command": "cargo test -p sanctuary-shr --test vectors",
        "write_command": "SHR_WRITE_VECTORS=1 cargo test -p sanctuary-shr --test vectors",
        "counts": counts,
        "counts_by_profile": by_profile,
        "counts_by_expected_reason_class": by_class,
        "files": files,
        "profiles": Record::ALL.iter().map(|r| r.profile()).collect::<Vec<_>>(),
        "record_types": Record::ALL.iter().map(|r| r.record_type()).collect::<Vec<_>>(),
        "reason_classes": REASON_CLASSES,
        "identities": identities,
        "t0": ts_text(T0),
        "default_now": ts_text(NOW),
    })
}

/// Every file of the suite (relative path, bytes), generated in memory.
fn generated_files() -> BTreeMap<String, String> {
    let vectors = all_vectors();
    let mut files: BTreeMap<String, String> = vectors
        .iter()
        .map(|v| (v.path(), pretty(&v.to_value())))
        .collect();
    files.insert("manifest.json".into(), pretty(&manifest(&vectors)));
    files
}

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

/// The `.json` files on disk, relative to the vectors directory.
fn files_on_disk() -> BTreeSet<String> {
    let dir = vectors_dir();
    let mut found = BTreeSet::new();
    if dir.join("manifest.json").exists() {
        found.insert("manifest.json".to_owned());
    }
    for kind in Kind::ALL {
        let Ok(entries) = std::fs::read_dir(dir.join(kind.dir())) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".json") {
                found.insert(format!("{}/{name}", kind.dir()));
            }
        }
    }
    found
}

/// Generates the suite once per test process; with `SHR_WRITE_VECTORS=1`, writes it (before
/// any test reads the directory) and removes stale vector files.
fn generated() -> &'static BTreeMap<String, String> {
    static FILES: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    FILES.get_or_init(|| {
        let files = generated_files();
        if std::env::var("SHR_WRITE_VECTORS").is_ok_and(|v| v == "1") {
            let dir = vectors_dir();
            for stale in files_on_disk() {
                if !files.contains_key(&stale) {
                    std::fs::remove_file(dir.join(&stale)).expect("stale file removed");
                }
            }
            for (path, text) in &files {
                let target = dir.join(path);
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent).expect("directory");
                }
                std::fs::write(&target, text).expect("vector written");
            }
        }
        files
    })
}

// ------------------------------------------------------------------------------------------
// The runner: the README's procedures, applied to the files.
// ------------------------------------------------------------------------------------------

/// What the runner concluded about one vector.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Verdict {
    /// `None` when accepted; the reason class otherwise.
    class: Option<&'static str>,
    /// Why (for failure messages).
    detail: String,
    /// The level, for accepted reports and attestations.
    level: Option<SovereigntyLevel>,
}

fn accept(level: Option<SovereigntyLevel>) -> Verdict {
    Verdict {
        class: None,
        detail: String::new(),
        level,
    }
}

fn reject(class: &'static str, detail: impl std::fmt::Display) -> Verdict {
    Verdict {
        class: Some(class),
        detail: detail.to_string(),
        level: None,
    }
}

/// The class of a report problem.
fn report_class(problem: &ReportProblem) -> &'static str {
    match problem {
        ReportProblem::Malformed(_) => "schema",
        ReportProblem::UnsupportedScheme(_) | ReportProblem::UnsupportedVersion(_) => "version",
        ReportProblem::KeyNotBound(_) | ReportProblem::UnexpectedInstance { .. } => "binding",
        ReportProblem::Rotation(_) => "rotation",
        ReportProblem::BadSignature => "signature",
        ReportProblem::EmptyLifetime
        | ReportProblem::LifetimeTooLong { .. }
        | ReportProblem::FutureDated { .. }
        | ReportProblem::Expired { .. }
        | ReportProblem::TooOld { .. } => "temporal",
        ReportProblem::MissingLayer(_) => "layers",
        _ => "unclassified",
    }
}

/// The class of an attestation error.
fn attestation_class(error: &AttestationError) -> &'static str {
    match error {
        AttestationError::Malformed(_) => "schema",
        AttestationError::UnsupportedScheme(_)
        | AttestationError::UnsupportedVersion(_)
        | AttestationError::Liveness(_) => "version",
        AttestationError::KeyNotBound(_)
        | AttestationError::UnexpectedAttester { .. }
        | AttestationError::SelfAttestation
        | AttestationError::SubjectMismatch(_) => "binding",
        AttestationError::Rotation(_) => "rotation",
        AttestationError::BadSignature => "signature",
        AttestationError::Time(_) => "temporal",
        AttestationError::SubjectReport(problems) => {
            problems.first().map_or("unclassified", report_class)
        }
        AttestationError::Overstated { .. } => "level",
        _ => "unclassified",
    }
}

/// The context members the profiles read.
struct Context {
    now: Timestamp,
    expected_instance: Option<IdentityId>,
    expected_level: Option<String>,
    transcript_context: Value,
    expected_transcript_digest: Option<String>,
    expected_channel_binding: Option<String>,
}

impl Context {
    fn read(context: &Value) -> Result<Context, String> {
        let text = |name: &str| -> Result<Option<String>, String> {
            match context.get(name) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(other) => Err(format!("context.{name} is not a string: {other}")),
            }
        };
        let now = text("now")?.ok_or("context.now missing")?;
        Ok(Context {
            now: Timestamp::parse_canonical(&now).map_err(|e| format!("context.now: {e}"))?,
            expected_instance: text("expected_instance")?
                .map(|s| IdentityId::from_str(&s).map_err(|e| format!("expected_instance: {e}")))
                .transpose()?,
            expected_level: text("expected_level")?,
            transcript_context: context
                .get("transcript_context")
                .cloned()
                .unwrap_or(Value::Null),
            expected_transcript_digest: text("expected_transcript_digest")?,
            expected_channel_binding: text("expected_channel_binding")?,
        })
    }

    fn options(&self) -> VerifyOptions {
        let options = VerifyOptions::at(self.now);
        match self.expected_instance {
            Some(id) => options.expect_instance(id),
            None => options,
        }
    }
}

/// `shr-report-v1`.
fn run_report(input: &Value, ctx: &Context) -> Verdict {
    let report = match SignedReport::from_value(input.clone()) {
        Ok(r) => r,
        Err(e) => return reject("schema", e),
    };
    let checked = report.verify(&ctx.options());
    match checked.errors.first() {
        None => accept(Some(checked.level)),
        Some(problem) => reject(report_class(problem), problem),
    }
}

/// `shr-attestation-v1`.
fn run_attestation(input: &Value, ctx: &Context) -> Verdict {
    let attestation = match VerificationAttestation::from_value(input.clone()) {
        Ok(a) => a,
        Err(e) => return reject("schema", e),
    };
    match attestation.verify(&ctx.options()) {
        Ok(seen) => accept(Some(seen.level)),
        Err(e) => reject(attestation_class(&e), e),
    }
}

/// `shr-handshake-v1`: a third party's check of a recorded handshake.
fn run_handshake(input: &Value, ctx: &Context) -> Verdict {
    // 1. Shape: exactly the three messages, each of its own type.
    let Some(map) = input.as_object() else {
        return reject("schema", "input is not an object");
    };
    let names: BTreeSet<&str> = map.keys().map(String::as_str).collect();
    if names != BTreeSet::from(["challenge", "completion", "response"]) {
        return reject("schema", format!("members {names:?}"));
    }
    let parse = |name: &str| -> Result<HandshakeMessage, Verdict> {
        let text = map
            .get(name)
            .map(Value::to_string)
            .ok_or_else(|| reject("schema", format!("{name} missing")))?;
        HandshakeMessage::from_json(&text).map_err(|e| reject("schema", format!("{name}: {e}")))
    };
    let (challenge, response, completion) =
        match (parse("challenge"), parse("response"), parse("completion")) {
            (
                Ok(HandshakeMessage::Challenge(c)),
                Ok(HandshakeMessage::Response(r)),
                Ok(HandshakeMessage::Completion(k)),
            ) => (c, r, k),
            (Err(v), _, _) | (_, Err(v), _) | (_, _, Err(v)) => return v,
            _ => return reject("schema", "a message of the wrong type"),
        };

    // 2. Version.
    for (name, version) in [
        ("challenge", &challenge.protocol_version),
        ("response", &response.protocol_version),
        ("completion", &completion.protocol_version),
    ] {
        if version != HANDSHAKE_VERSION {
            return reject("version", format!("{name} protocol_version {version:?}"));
        }
    }

    // 3. Identities: each message names the agent its report is about; two distinct agents.
    let initiator_report = &challenge.report;
    let responder_report = &response.report;
    if challenge.initiator != initiator_report.body().instance_id {
        return reject(
            "binding",
            "challenge.initiator is not its report's instance_id",
        );
    }
    if response.responder != responder_report.body().instance_id {
        return reject(
            "binding",
            "response.responder is not its report's instance_id",
        );
    }
    if challenge.initiator == response.responder
        || initiator_report.signed_by() == responder_report.signed_by()
    {
        return reject("binding", "initiator and responder are the same agent");
    }

    // 4. Both reports valid at `now`.
    for report in [initiator_report, responder_report] {
        let checked = report.verify(&VerifyOptions::at(ctx.now));
        if let Some(problem) = checked.errors.first() {
            return reject(report_class(problem), problem);
        }
    }

    // 5. Nonces: one session.
    if response.initiator_nonce != challenge.nonce {
        return reject("replay", "response echoes another initiator nonce");
    }
    if response.nonce == challenge.nonce {
        return reject("replay", "responder reflected the initiator's nonce");
    }
    if completion.initiator_nonce != challenge.nonce || completion.responder_nonce != response.nonce
    {
        return reject("replay", "completion belongs to another session");
    }

    // 6. Transcript signatures.
    let initiator = Side::of(challenge.initiator, initiator_report, &challenge.nonce);
    let responder = Side::of(response.responder, responder_report, &response.nonce);
    let context = &ctx.transcript_context;
    if !transcript_signature_ok(
        responder_report.signed_by(),
        "response",
        &initiator,
        &responder,
        context,
        &response.signature,
    ) {
        return reject("transcript", "response signature");
    }
    if !transcript_signature_ok(
        initiator_report.signed_by(),
        "completion",
        &initiator,
        &responder,
        context,
        &completion.signature,
    ) {
        return reject("transcript", "completion signature");
    }

    // 7. Optional known answers: digest and channel binding.
    let Some((digest, binding)) = transcript_digest_and_binding(&initiator, &responder, context)
    else {
        return reject("transcript", "transcript has no canonical form");
    };
    if ctx
        .expected_transcript_digest
        .as_ref()
        .is_some_and(|d| *d != digest)
    {
        return reject("transcript", format!("transcript digest {digest}"));
    }
    if ctx
        .expected_channel_binding
        .as_ref()
        .is_some_and(|b| *b != binding)
    {
        return reject("transcript", format!("channel binding {binding}"));
    }
    accept(None)
}

/// Runs one vector file; `Err` when the vector itself is malformed.
fn run_vector(vector: &Value) -> Result<Verdict, String> {
    let text = |name: &str| {
        vector
            .get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{name} missing"))
    };
    if text("schema_version")? != VECTOR_SCHEMA {
        return Err("unknown schema_version".into());
    }
    let input = vector.get("input").ok_or("input missing")?;
    let ctx = Context::read(vector.get("context").ok_or("context missing")?)?;
    let mut verdict = match text("verification_profile")? {
        "shr-report-v1" => run_report(input, &ctx),
        "shr-attestation-v1" => run_attestation(input, &ctx),
        "shr-handshake-v1" => run_handshake(input, &ctx),
        other => return Err(format!("unknown profile {other}")),
    };
    if let (None, Some(expected), Some(level)) =
        (verdict.class, ctx.expected_level.as_deref(), verdict.level)
        && level.as_str() != expected
    {
        verdict = reject("level", format!("level {level}, expected {expected}"));
    }
    Ok(verdict)
}

// ------------------------------------------------------------------------------------------
// Tests.
// ------------------------------------------------------------------------------------------

#[test]
fn vector_files_match_the_code() {
    let files = generated();
    let on_disk = files_on_disk();
    let expected: BTreeSet<String> = files.keys().cloned().collect();
    let extra: Vec<_> = on_disk.difference(&expected).collect();
    let missing: Vec<_> = expected.difference(&on_disk).collect();
    assert!(
        extra.is_empty() && missing.is_empty(),
        "vector files on disk differ from the generated set (not generated: {extra:?}; not \
         written: {missing:?}); regenerate with SHR_WRITE_VECTORS=1"
    );
    let dir = vectors_dir();
    for (path, text) in files {
        let committed = std::fs::read_to_string(dir.join(path)).unwrap();
        assert!(
            committed == *text,
            "{path} differs from the generated vector; regenerate with \
             `SHR_WRITE_VECTORS=1 cargo test -p sanctuary-shr --test vectors` and review the diff"
        );
    }
    assert!(dir.join("README.md").exists(), "tests/vectors/README.md");
}

#[test]
fn runner_reproduces_every_verdict() {
    // In write mode, make sure the files exist before reading them.
    let _ = generated();
    let dir = vectors_dir();
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let mut failures = Vec::new();
    let mut totals = BTreeMap::<&str, (usize, usize)>::new();
    for kind in Kind::ALL {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir.join(kind.dir()))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        for path in paths {
            let vector: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let id = vector["id"].as_str().unwrap().to_owned();
            assert_eq!(
                path.file_stem().unwrap().to_str(),
                Some(id.as_str()),
                "file name is the id"
            );
            let expected = vector["expected"].as_str().unwrap();
            let expected_class = vector["expected_reason_class"].as_str();
            assert_eq!(expected == "accept", expected_class.is_none(), "{id}");
            if kind == Kind::Canary {
                assert!(vector["discriminates"].is_string(), "{id}");
            }
            let entry = totals.entry(kind.dir()).or_default();
            entry.0 += 1;
            match run_vector(&vector) {
                Err(e) => failures.push(format!("{id}: malformed vector: {e}")),
                Ok(verdict) if verdict.class == expected_class => {
                    entry.1 += 1;
                }
                Ok(verdict) => failures.push(format!(
                    "{id}: expected {expected} {expected_class:?}, got {:?} ({})",
                    verdict.class, verdict.detail
                )),
            }
        }
    }
    let total: usize = totals.values().map(|t| t.0).sum();
    let passed: usize = totals.values().map(|t| t.1).sum();
    eprintln!(
        "sanctuary-shr vectors: {passed}/{total} verdicts as expected ({})",
        totals
            .iter()
            .map(|(k, (n, ok))| format!("{k} {ok}/{n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for (kind, count) in EXPECTED_TOTALS {
        assert_eq!(totals.get(kind).map(|t| t.0), Some(count), "{kind} total");
        assert_eq!(
            manifest["counts"][kind].as_u64(),
            Some(count as u64),
            "{kind}"
        );
    }
    assert_eq!(manifest["counts"]["total"].as_u64(), Some(total as u64));
}

#[test]
fn handshake_runner_agrees_with_a_fresh_run() {
    // The handshake profile's transcript rebuild agrees with the library on a fresh run: the
    // library's own signatures verify, and a one-byte change of either signature does not.
    let w = world();
    let input = &w.session.input;
    let ctx = Context::read(&json!({"now": ts_text(NOW)})).unwrap();
    assert_eq!(run_handshake(input, &ctx), accept(None));
    for message in ["response", "completion"] {
        let mut bad = input.clone();
        let sig = Signature::from_base64url(bad[message]["signature"].as_str().unwrap()).unwrap();
        let mut bytes = sig.to_bytes();
        bytes[63] ^= 0x01;
        bad[message]["signature"] = sig_text(&Signature::from_bytes(bytes)).into();
        assert_eq!(
            run_handshake(&bad, &ctx).class,
            Some("transcript"),
            "{message}"
        );
    }
}
