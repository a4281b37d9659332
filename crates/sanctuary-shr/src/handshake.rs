//! The agent-to-agent handshake: exchange reports, prove liveness, bind the session.
//!
//! ```text
//! initiator                                              responder
//!   Challenge { version, initiator, report_I, nonce_I, issued_at }  ──▶
//!              ◀──  Response { version, responder, report_R, nonce_R, nonce_I, issued_at, sig_R }
//!   Completion { version, nonce_I, nonce_R, issued_at, sig_I }  ──▶
//! ```
//!
//! Both signatures are Ed25519 under the `shr-handshake` purpose over the JCS of the
//! *transcript*:
//!
//! ```text
//! { "step": "response" | "completion", "protocol_version": "1.0",
//!   "initiator": { "instance_id", "key", "nonce", "report": sha256 of report_I },
//!   "responder": { "instance_id", "key", "nonce", "report": sha256 of report_R },
//!   "context": null | "sha256:…" }
//! ```
//!
//! so a signature proves liveness (a fresh nonce from the other side) *and* binds both
//! identities, both reports, the protocol version and the step. Relaying one session's
//! messages into another with a different peer, report or nonce breaks the signature. The
//! reference implementation signed the peer's raw nonce, which a relay could forward.
//!
//! Spelled out for other implementations: `instance_id` is the 32-character lowercase hex id,
//! `key` and `nonce` are unpadded base64url (32 bytes each), `report` is
//! [`SignedReport::digest`] — `sha256:` and the hex SHA-256 of the JCS of the whole report
//! envelope with its key and signature in unpadded base64url, whatever spelling arrived — and
//! `context` is JSON `null` when no context was set. The preimage is
//! `b"sanctuary/shr-handshake/v1\n"` followed by the JCS of that object. Without its `step`
//! member the same object gives the transcript digest (`sha256:` + SHA-256 of its JCS) and the
//! channel binding (SHA-256 of `b"sanctuary/shr-channel-binding/v1\n"` + its JCS). The messages'
//! `issued_at` members are not signed: they only let the receiver refuse stale or future-dated
//! messages early; freshness rests on the nonces. `crates/sanctuary-shr/tests/vectors/` holds
//! recorded handshakes with their digests.
//!
//! A relay that only forwards bytes between two honest agents still gets them to agree with
//! each other (that is what forwarding is); to tie the handshake to a transport, give both sides
//! the same `context` (for example a TLS exporter value), or compare the
//! [`ChannelBinding`] over the channel.
//!
//! The states are types that consume themselves: an [`AwaitingResponse`] or
//! [`AwaitingCompletion`] is used once, and any error ends the session (fail closed). A shared
//! [`ReplayCache`] refuses a nonce seen before; sessions last [`SESSION_LIFETIME`].

use crate::envelope::{MAX_DOCUMENT_BYTES, ParseError};
use crate::level::{SovereigntyLevel, TrustTier};
use crate::report::SignedReport;
use crate::verify::{DEFAULT_MAX_SKEW, ReportProblem, ReportWarning, VerifyOptions};
use rand_core::CryptoRngCore;
use sanctuary_core::digest::Digest;
use sanctuary_core::encoding::{self, Padding};
use sanctuary_core::identity::{IdentityId, PublicKey, Signature, Signer};
use sanctuary_core::jcs;
use sanctuary_core::purpose::Purpose;
use sanctuary_core::sign::{self, SignError};
use sanctuary_core::time::{Clock, Timestamp};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

/// The handshake protocol version.
pub const HANDSHAKE_VERSION: &str = "1.0";

/// How long a handshake session lasts, from the challenge: 120 seconds.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(120);

/// The default number of nonces a [`ReplayCache`] remembers.
pub const DEFAULT_REPLAY_CAPACITY: usize = 100_000;

const CHANNEL_BINDING_DOMAIN: &[u8] = b"sanctuary/shr-channel-binding/v1\n";

/// A 32-byte handshake nonce (base64url on the wire).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Nonce([u8; 32]);

impl Nonce {
    /// Draws a fresh nonce.
    pub fn random(rng: &mut impl CryptoRngCore) -> Self {
        let mut bytes = [0u8; 32];
        rng.fill_bytes(&mut bytes);
        Nonce(bytes)
    }

    /// Wraps 32 bytes.
    #[must_use]
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Nonce(bytes)
    }

    /// The bytes.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    fn to_text(self) -> String {
        encoding::base64url_encode(&self.0, Padding::Unpadded)
    }
}

impl fmt::Debug for Nonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nonce({})", self.to_text())
    }
}

impl Serialize for Nonce {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_text())
    }
}

impl<'de> Deserialize<'de> for Nonce {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        encoding::deserialize_parsed(deserializer, |s: &str| {
            encoding::base64url_decode_array::<32>(s).map(Nonce)
        })
    }
}

/// A value both ends of a completed handshake compute alike, derived from the transcript
/// (identities, keys, nonces, report digests, context). A transport can compare it, or mix
/// it into its own key schedule, to detect a man in the middle. It is not secret.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChannelBinding([u8; 32]);

impl ChannelBinding {
    /// The 32 bytes.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Lowercase hex.
    #[must_use]
    pub fn to_hex(&self) -> String {
        encoding::hex_encode(&self.0)
    }
}

impl fmt::Debug for ChannelBinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChannelBinding({})", self.to_hex())
    }
}

/// Which side of the handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Sent the challenge.
    Initiator,
    /// Answered it.
    Responder,
}

/// Step 1, initiator → responder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Challenge {
    /// Always `"shr-handshake-challenge"`.
    #[serde(rename = "type")]
    pub kind: ChallengeTag,
    /// The protocol version.
    pub protocol_version: String,
    /// The initiator's instance id (must equal its report's).
    pub initiator: IdentityId,
    /// The initiator's signed report.
    pub report: SignedReport,
    /// The initiator's fresh nonce.
    pub nonce: Nonce,
    /// When the challenge was made (initiator's clock).
    pub issued_at: Timestamp,
}

/// Step 2, responder → initiator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    /// Always `"shr-handshake-response"`.
    #[serde(rename = "type")]
    pub kind: ResponseTag,
    /// The protocol version.
    pub protocol_version: String,
    /// The responder's instance id (must equal its report's).
    pub responder: IdentityId,
    /// The responder's signed report.
    pub report: SignedReport,
    /// The responder's fresh nonce.
    pub nonce: Nonce,
    /// The initiator's nonce, echoed.
    pub initiator_nonce: Nonce,
    /// When the response was made (responder's clock).
    pub issued_at: Timestamp,
    /// The responder's signature over the transcript (step `response`).
    pub signature: Signature,
}

/// Step 3, initiator → responder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Completion {
    /// Always `"shr-handshake-completion"`.
    #[serde(rename = "type")]
    pub kind: CompletionTag,
    /// The protocol version.
    pub protocol_version: String,
    /// The initiator's nonce.
    pub initiator_nonce: Nonce,
    /// The responder's nonce.
    pub responder_nonce: Nonce,
    /// When the completion was made (initiator's clock).
    pub issued_at: Timestamp,
    /// The initiator's signature over the transcript (step `completion`).
    pub signature: Signature,
}

macro_rules! tag {
    ($name:ident, $text:literal) => {
        #[doc = concat!("The message type tag `\"", $text, "\"`.")]
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
        pub struct $name;

        impl $name {
            /// The tag text.
            pub const TEXT: &'static str = $text;
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str($text)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                if s == $text {
                    Ok($name)
                } else {
                    Err(serde::de::Error::custom(concat!(
                        "expected \"",
                        $text,
                        "\""
                    )))
                }
            }
        }
    };
}

tag!(ChallengeTag, "shr-handshake-challenge");
tag!(ResponseTag, "shr-handshake-response");
tag!(CompletionTag, "shr-handshake-completion");

/// Any handshake message, told apart by its `type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandshakeMessage {
    /// Step 1.
    Challenge(Box<Challenge>),
    /// Step 2.
    Response(Box<Response>),
    /// Step 3.
    Completion(Completion),
}

impl HandshakeMessage {
    /// Parses any handshake message from JSON text (strict JSON with one canonical form,
    /// size-bounded, no unknown members). The `issued_at` members are not signed (see the
    /// module documentation); everything else a receiver acts on is.
    pub fn from_json(text: &str) -> Result<HandshakeMessage, ParseError> {
        if text.len() > 2 * MAX_DOCUMENT_BYTES {
            return Err(ParseError::TooLarge {
                len: text.len(),
                max: 2 * MAX_DOCUMENT_BYTES,
            });
        }
        let value = jcs::parse(text)?;
        let kind = match value.get("type").and_then(Value::as_str) {
            Some(ChallengeTag::TEXT) => ChallengeTag::TEXT,
            Some(ResponseTag::TEXT) => ResponseTag::TEXT,
            Some(CompletionTag::TEXT) => CompletionTag::TEXT,
            Some(other) => {
                return Err(ParseError::field(
                    "type",
                    format!("unknown message type {other:?}"),
                ));
            }
            None => return Err(ParseError::field("type", "missing or not a string")),
        };
        // Deserialised from the owned value, so the embedded report moves rather than copies.
        let parsed = match kind {
            ChallengeTag::TEXT => {
                Challenge::deserialize(value).map(|c| HandshakeMessage::Challenge(Box::new(c)))
            }
            ResponseTag::TEXT => {
                Response::deserialize(value).map(|r| HandshakeMessage::Response(Box::new(r)))
            }
            _ => Completion::deserialize(value).map(HandshakeMessage::Completion),
        };
        parsed.map_err(|e| ParseError::field(kind, e))
    }

    /// The message as canonical JSON text.
    #[must_use]
    pub fn to_json(&self) -> String {
        let value = match self {
            HandshakeMessage::Challenge(m) => jcs::to_json_value(m),
            HandshakeMessage::Response(m) => jcs::to_json_value(m),
            HandshakeMessage::Completion(m) => jcs::to_json_value(m),
        };
        value
            .and_then(|v| jcs::to_vec(&v))
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default()
    }
}

impl Serialize for SignedReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for SignedReport {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        SignedReport::from_value(Value::deserialize(deserializer)?)
            .map_err(serde::de::Error::custom)
    }
}

/// Why a handshake step failed. The session is over either way.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HandshakeError {
    /// The message has another protocol version.
    #[error("unsupported handshake version {0:?}")]
    UnsupportedVersion(String),
    /// The challenge is older than the session lifetime.
    #[error("challenge is stale")]
    Stale,
    /// The message is dated further in the future than the tolerated skew.
    #[error("message is dated in the future")]
    FutureDated,
    /// The session lifetime has passed.
    #[error("handshake session expired")]
    Expired,
    /// The identity named in the message is not the one its report is about.
    #[error("message names {named} but its report is about {report}")]
    IdentityMismatch {
        /// Named in the message.
        named: IdentityId,
        /// In the report.
        report: IdentityId,
    },
    /// The peer claims our own identity.
    #[error("peer claims our own identity")]
    SelfHandshake,
    /// The peer is not the one expected.
    #[error("peer is {found}, expected {expected}")]
    UnexpectedPeer {
        /// Expected.
        expected: IdentityId,
        /// Found.
        found: IdentityId,
    },
    /// The peer's report does not verify.
    #[error("peer report invalid: {}", join(.0))]
    PeerReport(Vec<ReportProblem>),
    /// Our own report cannot be offered (another key signed it, or it expired).
    #[error("own report unusable: {0}")]
    OwnReport(&'static str),
    /// The message belongs to another session (its nonces are not this session's).
    #[error("message belongs to another handshake session")]
    WrongSession,
    /// The responder echoed the initiator's own nonce as its nonce.
    #[error("responder reflected the initiator's nonce")]
    Reflection,
    /// The transcript signature does not verify.
    #[error("transcript signature does not verify")]
    BadSignature,
    /// The nonce was seen before.
    #[error("nonce replayed")]
    Replay,
    /// The replay cache is full of live nonces; no new session is accepted until some expire.
    #[error("replay cache full")]
    ReplayCacheFull,
    /// The state was used with another party than the one that created it.
    #[error("handshake state belongs to another party")]
    WrongParty,
    /// Signing failed.
    #[error(transparent)]
    Sign(#[from] SignError),
    /// A time computation left the representable range.
    #[error("time out of range")]
    Clock,
}

fn join(problems: &[ReportProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Remembers nonces until their session could no longer be completed, and refuses any seen
/// twice. Share one cache across all sessions of an agent (it locks internally).
#[derive(Debug)]
pub struct ReplayCache {
    seen: Mutex<HashMap<[u8; 32], Timestamp>>,
    capacity: usize,
}

impl Default for ReplayCache {
    fn default() -> Self {
        ReplayCache::new(DEFAULT_REPLAY_CAPACITY)
    }
}

impl ReplayCache {
    /// A cache holding at most `capacity` live nonces (at least 1).
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        ReplayCache {
            seen: Mutex::new(HashMap::new()),
            capacity: capacity.max(1),
        }
    }

    /// Records `nonce` until `forget_after`; refuses it if already recorded.
    fn admit(
        &self,
        nonce: &Nonce,
        now: Timestamp,
        forget_after: Timestamp,
    ) -> Result<(), HandshakeError> {
        // A poisoned lock means another thread panicked mid-update: refuse (fail closed).
        let mut seen = self
            .seen
            .lock()
            .map_err(|_| HandshakeError::ReplayCacheFull)?;
        if seen.contains_key(&nonce.0) {
            return Err(HandshakeError::Replay);
        }
        if seen.len() >= self.capacity {
            seen.retain(|_, until| *until >= now);
            if seen.len() >= self.capacity {
                return Err(HandshakeError::ReplayCacheFull);
            }
        }
        seen.insert(nonce.0, forget_after);
        Ok(())
    }

    /// How many nonces are remembered (live or not yet purged).
    #[must_use]
    pub fn len(&self) -> usize {
        self.seen.lock().map_or(0, |s| s.len())
    }

    /// Whether no nonce is remembered.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One agent's side of handshakes: its signer, its current report, its replay cache, its
/// clock and its expectations.
pub struct HandshakeParty<'a, S: Signer + ?Sized> {
    signer: &'a S,
    report: SignedReport,
    key: PublicKey,
    cache: &'a ReplayCache,
    clock: &'a dyn Clock,
    context: Option<Digest>,
    expected_peer: Option<IdentityId>,
    max_skew: Duration,
}

impl<S: Signer + ?Sized> fmt::Debug for HandshakeParty<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HandshakeParty")
            .field("instance_id", &self.report.body().instance_id)
            .field("key", &self.key)
            .field("context", &self.context)
            .field("expected_peer", &self.expected_peer)
            .finish_non_exhaustive()
    }
}

/// The transcript's view of one side.
#[derive(Clone, Copy)]
struct Side {
    instance: IdentityId,
    key: PublicKey,
    nonce: Nonce,
    report: Digest,
}

impl Side {
    fn value(&self) -> Value {
        json!({
            "instance_id": self.instance.to_string(),
            "key": self.key.to_base64url(),
            "nonce": self.nonce.to_text(),
            "report": self.report.to_string(),
        })
    }
}

/// Everything both signatures cover, but the step.
#[derive(Clone, Copy)]
struct Transcript {
    initiator: Side,
    responder: Side,
    context: Option<Digest>,
}

impl Transcript {
    fn body(&self, step: Option<&str>) -> Value {
        let mut v = json!({
            "protocol_version": HANDSHAKE_VERSION,
            "initiator": self.initiator.value(),
            "responder": self.responder.value(),
            "context": self.context.map(|d| d.to_string()),
        });
        if let (Some(step), Some(map)) = (step, v.as_object_mut()) {
            map.insert("step".into(), step.into());
        }
        v
    }

    fn sign<S: Signer + ?Sized>(&self, signer: &S, step: &str) -> Result<Signature, SignError> {
        sign::sign_json(signer, Purpose::SHR_HANDSHAKE, &self.body(Some(step)))
    }

    fn verify(&self, key: &PublicKey, step: &str, signature: &Signature) -> bool {
        sign::verify_json(
            key,
            Purpose::SHR_HANDSHAKE,
            &self.body(Some(step)),
            signature,
        )
        .is_ok()
    }

    fn digest_and_binding(&self) -> (Digest, ChannelBinding) {
        let core = jcs::to_vec(&self.body(None)).unwrap_or_default();
        let digest = Digest::sha256(&core);
        let binding = Digest::sha256_parts(&[CHANNEL_BINDING_DOMAIN, &core]);
        (digest, ChannelBinding(*binding.as_bytes()))
    }
}

/// The initiator, after sending its [`Challenge`].
#[derive(Debug)]
#[must_use = "a handshake state does nothing until the next message is applied"]
pub struct AwaitingResponse {
    own: Side,
    deadline: Timestamp,
    context: Option<Digest>,
}

/// The responder, after sending its [`Response`].
#[derive(Debug)]
#[must_use = "a handshake state does nothing until the next message is applied"]
pub struct AwaitingCompletion {
    transcript: TranscriptDebug,
    deadline: Timestamp,
    peer_report: SignedReport,
    peer_level: SovereigntyLevel,
    peer_warnings: Vec<ReportWarning>,
}

/// Prints a transcript without its keys and digests in full.
#[derive(Clone, Copy)]
struct TranscriptDebug(Transcript);

impl fmt::Debug for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Side")
            .field("instance", &self.instance)
            .field("nonce", &self.nonce)
            .field("report", &self.report)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for TranscriptDebug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transcript")
            .field("initiator", &self.0.initiator)
            .field("responder", &self.0.responder)
            .finish_non_exhaustive()
    }
}

/// What a completed handshake establishes about the peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandshakeOutcome {
    /// Our role.
    pub role: Role,
    /// The peer's instance id.
    pub peer: IdentityId,
    /// The key the peer proved it holds (it signed our fresh nonce with it).
    pub peer_key: PublicKey,
    /// The peer's verified report.
    pub peer_report: SignedReport,
    /// The peer's sovereignty level.
    pub level: SovereigntyLevel,
    /// The trust tier the peer earned.
    pub tier: TrustTier,
    /// Warnings from verifying the peer's report.
    pub warnings: Vec<ReportWarning>,
    /// Our instance id.
    pub own_instance: IdentityId,
    /// When we completed the handshake.
    pub completed_at: Timestamp,
    /// Until when the result may be relied on: the peer report's expiry.
    pub expires_at: Timestamp,
    /// Both sides compute the same value; see [`ChannelBinding`].
    pub channel_binding: ChannelBinding,
    /// SHA-256 of the canonical transcript (without the step), for attestations and logs.
    pub transcript: Digest,
}

impl<'a, S: Signer + ?Sized> HandshakeParty<'a, S> {
    /// A party that signs with `signer` and offers `report` (which `signer`'s key must have
    /// signed).
    pub fn new(
        signer: &'a S,
        report: SignedReport,
        cache: &'a ReplayCache,
        clock: &'a dyn Clock,
    ) -> Result<Self, HandshakeError> {
        let key = signer.public_key();
        if *report.signed_by() != key {
            return Err(HandshakeError::OwnReport("signed by another key"));
        }
        Ok(HandshakeParty {
            signer,
            report,
            key,
            cache,
            clock,
            context: None,
            expected_peer: None,
            max_skew: DEFAULT_MAX_SKEW,
        })
    }

    /// Binds the handshake to a value both sides know from elsewhere (a TLS exporter, a
    /// negotiation session id): a peer with another context fails the signature check.
    #[must_use]
    pub fn with_context(mut self, context: Digest) -> Self {
        self.context = Some(context);
        self
    }

    /// Accepts only this peer.
    #[must_use]
    pub fn expect_peer(mut self, peer: IdentityId) -> Self {
        self.expected_peer = Some(peer);
        self
    }

    /// Tolerates less clock skew than the default 5 minutes.
    #[must_use]
    pub fn max_skew(mut self, skew: Duration) -> Self {
        self.max_skew = skew.min(DEFAULT_MAX_SKEW);
        self
    }

    /// Replaces the report offered (after regenerating it).
    pub fn set_report(&mut self, report: SignedReport) -> Result<(), HandshakeError> {
        if *report.signed_by() != self.key {
            return Err(HandshakeError::OwnReport("signed by another key"));
        }
        self.report = report;
        Ok(())
    }

    pub(crate) fn clock(&self) -> &dyn Clock {
        self.clock
    }

    pub(crate) fn signer(&self) -> &S {
        self.signer
    }

    /// The report this party offers.
    #[must_use]
    pub fn own_report(&self) -> &SignedReport {
        &self.report
    }

    /// Our instance id.
    #[must_use]
    pub fn instance_id(&self) -> IdentityId {
        self.report.body().instance_id
    }

    fn own_side(&self, nonce: Nonce) -> Side {
        Side {
            instance: self.instance_id(),
            key: self.key,
            nonce,
            report: self.report.digest(),
        }
    }

    fn check_own_report(&self, now: Timestamp) -> Result<(), HandshakeError> {
        if self.report.body().expires_at <= now {
            return Err(HandshakeError::OwnReport("expired"));
        }
        Ok(())
    }

    fn check_peer(
        &self,
        named: IdentityId,
        report: &SignedReport,
        now: Timestamp,
    ) -> Result<(SovereigntyLevel, Vec<ReportWarning>), HandshakeError> {
        let in_report = report.body().instance_id;
        if named != in_report {
            return Err(HandshakeError::IdentityMismatch {
                named,
                report: in_report,
            });
        }
        if named == self.instance_id() || *report.signed_by() == self.key {
            return Err(HandshakeError::SelfHandshake);
        }
        if let Some(expected) = self.expected_peer
            && expected != named
        {
            return Err(HandshakeError::UnexpectedPeer {
                expected,
                found: named,
            });
        }
        let checked = report.verify(&VerifyOptions::at(now).max_skew(self.max_skew));
        if !checked.is_valid() {
            return Err(HandshakeError::PeerReport(checked.errors));
        }
        Ok((checked.level, checked.warnings))
    }

    /// Starts a handshake: the challenge to send and the state that awaits the response.
    pub fn initiate(
        &self,
        rng: &mut impl CryptoRngCore,
    ) -> Result<(AwaitingResponse, Challenge), HandshakeError> {
        let now = self.clock.now();
        self.check_own_report(now)?;
        let nonce = Nonce::random(rng);
        let deadline = now
            .checked_add(SESSION_LIFETIME)
            .ok_or(HandshakeError::Clock)?;
        let challenge = Challenge {
            kind: ChallengeTag,
            protocol_version: HANDSHAKE_VERSION.to_owned(),
            initiator: self.instance_id(),
            report: self.report.clone(),
            nonce,
            issued_at: now,
        };
        Ok((
            AwaitingResponse {
                own: self.own_side(nonce),
                deadline,
                context: self.context,
            },
            challenge,
        ))
    }

    /// Answers a challenge: checks it and the initiator's report, signs the transcript, and
    /// returns the response to send and the state that awaits the completion.
    pub fn respond(
        &self,
        challenge: &Challenge,
        rng: &mut impl CryptoRngCore,
    ) -> Result<(AwaitingCompletion, Response), HandshakeError> {
        let now = self.clock.now();
        self.check_own_report(now)?;
        check_version(&challenge.protocol_version)?;
        if let Some(ahead) = challenge.issued_at.duration_since(now)
            && ahead > self.max_skew
        {
            return Err(HandshakeError::FutureDated);
        }
        if now
            .duration_since(challenge.issued_at)
            .is_some_and(|age| age > SESSION_LIFETIME)
        {
            return Err(HandshakeError::Stale);
        }
        let (peer_level, peer_warnings) =
            self.check_peer(challenge.initiator, &challenge.report, now)?;
        let forget_after = challenge
            .issued_at
            .checked_add(SESSION_LIFETIME + self.max_skew)
            .ok_or(HandshakeError::Clock)?;
        self.cache.admit(&challenge.nonce, now, forget_after)?;

        let mut nonce = Nonce::random(rng);
        while nonce == challenge.nonce {
            nonce = Nonce::random(rng);
        }
        let transcript = Transcript {
            initiator: Side {
                instance: challenge.initiator,
                key: *challenge.report.signed_by(),
                nonce: challenge.nonce,
                report: challenge.report.digest(),
            },
            responder: self.own_side(nonce),
            context: self.context,
        };
        let signature = transcript.sign(self.signer, "response")?;
        let deadline = now
            .checked_add(SESSION_LIFETIME)
            .ok_or(HandshakeError::Clock)?;
        Ok((
            AwaitingCompletion {
                transcript: TranscriptDebug(transcript),
                deadline,
                peer_report: challenge.report.clone(),
                peer_level,
                peer_warnings,
            },
            Response {
                kind: ResponseTag,
                protocol_version: HANDSHAKE_VERSION.to_owned(),
                responder: self.instance_id(),
                report: self.report.clone(),
                nonce,
                initiator_nonce: challenge.nonce,
                issued_at: now,
                signature,
            },
        ))
    }

    fn outcome(
        &self,
        role: Role,
        transcript: &Transcript,
        peer_report: SignedReport,
        level: SovereigntyLevel,
        warnings: Vec<ReportWarning>,
        now: Timestamp,
    ) -> HandshakeOutcome {
        let (digest, channel_binding) = transcript.digest_and_binding();
        let peer = match role {
            Role::Initiator => &transcript.responder,
            Role::Responder => &transcript.initiator,
        };
        HandshakeOutcome {
            role,
            peer: peer.instance,
            peer_key: peer.key,
            expires_at: peer_report.body().expires_at,
            peer_report,
            level,
            tier: level.tier(),
            warnings,
            own_instance: self.instance_id(),
            completed_at: now,
            channel_binding,
            transcript: digest,
        }
    }
}

fn check_version(version: &str) -> Result<(), HandshakeError> {
    if version == HANDSHAKE_VERSION {
        Ok(())
    } else {
        Err(HandshakeError::UnsupportedVersion(version.to_owned()))
    }
}

impl AwaitingResponse {
    /// Applies the responder's message: checks its report and transcript signature, and
    /// returns what the handshake established plus the completion to send.
    pub fn on_response<S: Signer + ?Sized>(
        self,
        party: &HandshakeParty<'_, S>,
        response: &Response,
    ) -> Result<(HandshakeOutcome, Completion), HandshakeError> {
        let now = party.clock.now();
        if party.key != self.own.key || party.instance_id() != self.own.instance {
            return Err(HandshakeError::WrongParty);
        }
        if now > self.deadline {
            return Err(HandshakeError::Expired);
        }
        check_version(&response.protocol_version)?;
        if response.initiator_nonce != self.own.nonce {
            return Err(HandshakeError::WrongSession);
        }
        if response.nonce == self.own.nonce {
            return Err(HandshakeError::Reflection);
        }
        if let Some(ahead) = response.issued_at.duration_since(now)
            && ahead > party.max_skew
        {
            return Err(HandshakeError::FutureDated);
        }
        let (level, warnings) = party.check_peer(response.responder, &response.report, now)?;
        let transcript = Transcript {
            initiator: self.own,
            responder: Side {
                instance: response.responder,
                key: *response.report.signed_by(),
                nonce: response.nonce,
                report: response.report.digest(),
            },
            context: self.context,
        };
        if !transcript.verify(&transcript.responder.key, "response", &response.signature) {
            return Err(HandshakeError::BadSignature);
        }
        let forget_after = self
            .deadline
            .checked_add(party.max_skew)
            .ok_or(HandshakeError::Clock)?;
        party.cache.admit(&response.nonce, now, forget_after)?;
        let signature = transcript.sign(party.signer, "completion")?;
        let outcome = party.outcome(
            Role::Initiator,
            &transcript,
            response.report.clone(),
            level,
            warnings,
            now,
        );
        Ok((
            outcome,
            Completion {
                kind: CompletionTag,
                protocol_version: HANDSHAKE_VERSION.to_owned(),
                initiator_nonce: self.own.nonce,
                responder_nonce: response.nonce,
                issued_at: now,
                signature,
            },
        ))
    }
}

impl AwaitingCompletion {
    /// Applies the initiator's completion: checks its transcript signature and returns what
    /// the handshake established.
    pub fn on_completion<S: Signer + ?Sized>(
        self,
        party: &HandshakeParty<'_, S>,
        completion: &Completion,
    ) -> Result<HandshakeOutcome, HandshakeError> {
        let now = party.clock.now();
        let transcript = self.transcript.0;
        if party.key != transcript.responder.key
            || party.instance_id() != transcript.responder.instance
        {
            return Err(HandshakeError::WrongParty);
        }
        if now > self.deadline {
            return Err(HandshakeError::Expired);
        }
        check_version(&completion.protocol_version)?;
        if completion.initiator_nonce != transcript.initiator.nonce
            || completion.responder_nonce != transcript.responder.nonce
        {
            return Err(HandshakeError::WrongSession);
        }
        if let Some(ahead) = completion.issued_at.duration_since(now)
            && ahead > party.max_skew
        {
            return Err(HandshakeError::FutureDated);
        }
        if !transcript.verify(
            &transcript.initiator.key,
            "completion",
            &completion.signature,
        ) {
            return Err(HandshakeError::BadSignature);
        }
        // The peer report was valid at the challenge; it must still be unexpired now.
        if self
            .peer_report
            .body()
            .expires_at
            .checked_add(party.max_skew)
            < Some(now)
        {
            return Err(HandshakeError::PeerReport(vec![ReportProblem::Expired {
                expires_at: self.peer_report.body().expires_at,
            }]));
        }
        Ok(party.outcome(
            Role::Responder,
            &transcript,
            self.peer_report,
            self.peer_level,
            self.peer_warnings,
            now,
        ))
    }
}
