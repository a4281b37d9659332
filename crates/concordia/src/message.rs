//! The message envelope (SPEC §4), its signature (§9.2) and its hash (§9.3).
//!
//! A [`Message`] keeps the JSON object it was parsed from, member for member, so the bytes the
//! signature and the chain hash cover are exactly the bytes the peer sent (unknown members
//! included). Typed accessors read the envelope; [`crate::body`] reads typed bodies.
//!
//! ```
//! use concordia::message::MessageBuilder;
//! use concordia::types::MessageType;
//! use concordia::wire::GENESIS_HASH;
//! use sanctuary_core::identity::{Identity, SecretSeed};
//!
//! let alice = Identity::from_seed(&SecretSeed::from_bytes([1; 32]));
//! let open = MessageBuilder::new(MessageType::Open, "ses_1", "did:example:alice")
//!     .body(serde_json::json!({"terms": {"price": {"type": "numeric"}}}))
//!     .timestamp_text("2026-05-29T12:00:00Z")
//!     .id("msg_1")
//!     .sign(&alice)?;
//! assert_eq!(open.prev_hash(), GENESIS_HASH);
//! open.verify(alice.public())?;
//! let again = concordia::message::Message::parse(&open.to_json())?;
//! assert_eq!(again.hash()?, open.hash()?);
//! # Ok::<(), concordia::message::MessageError>(())
//! ```

use crate::types::{MessageType, UnknownValue};
use crate::wire::{self, GENESIS_HASH, WireError};
use sanctuary_core::identity::{PublicKey, Signer};
use sanctuary_core::time::Timestamp;
use serde_json::{Map, Value};

/// The protocol version every envelope carries in its `concordia` member.
pub const PROTOCOL_VERSION: &str = "0.1.0";

/// The members a message signature leaves out.
pub const SIGNATURE_EXCLUDED: &[&str] = &["signature"];

/// The longest identifier (message, session, agent) accepted: a bound, not a protocol rule.
pub const MAX_ID_LEN: usize = 512;

/// Why a message was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MessageError {
    /// Not JSON, not canonicalisable, or a bad signature/key encoding.
    #[error(transparent)]
    Wire(#[from] WireError),
    /// The message is not a JSON object.
    #[error("message is not a json object")]
    NotObject,
    /// A required envelope member is absent.
    #[error("message is missing '{0}'")]
    Missing(&'static str),
    /// An envelope member has the wrong type or form.
    #[error("message member '{member}' is invalid: {reason}")]
    Invalid {
        /// The member.
        member: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// The `type` is not one of the fourteen message types. The text quotes the value as
    /// Python's `repr` does, so it equals the reference's `ValueError` text.
    #[error("{} is not a valid {}", py_repr(&.0.value), .0.what)]
    UnknownType(#[from] UnknownValue),
    /// `from.agent_id` is absent or empty.
    #[error("Message missing 'from.agent_id' — cannot verify identity")]
    MissingSender,
    /// The message has no signature.
    #[error("Message missing 'signature' — unsigned messages are rejected")]
    Unsigned,
}

/// A party as named in `from` and `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentRef {
    /// The agent's identifier (a DID or any stable id).
    pub agent_id: String,
    /// The principal the agent acts for, if stated.
    pub principal_id: Option<String>,
}

impl AgentRef {
    /// An agent without a principal.
    #[must_use]
    pub fn new(agent_id: impl Into<String>) -> Self {
        AgentRef {
            agent_id: agent_id.into(),
            principal_id: None,
        }
    }

    fn to_value(&self) -> Value {
        let mut map = Map::new();
        map.insert("agent_id".into(), Value::String(self.agent_id.clone()));
        if let Some(p) = &self.principal_id {
            map.insert("principal_id".into(), Value::String(p.clone()));
        }
        Value::Object(map)
    }
}

/// A signed Concordia message, parsed and shape-checked.
///
/// The object is kept as received; accessors never fail because [`Message::from_value`]
/// checked every member they read.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    object: Map<String, Value>,
    kind: MessageType,
}

fn string_member<'a>(
    object: &'a Map<String, Value>,
    member: &'static str,
) -> Result<&'a str, MessageError> {
    match object.get(member) {
        None | Some(Value::Null) => Err(MessageError::Missing(member)),
        Some(Value::String(s)) if s.is_empty() => Err(MessageError::Invalid {
            member,
            reason: "empty",
        }),
        Some(Value::String(s)) if s.len() > MAX_ID_LEN => Err(MessageError::Invalid {
            member,
            reason: "too long",
        }),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(MessageError::Invalid {
            member,
            reason: "not a string",
        }),
    }
}

fn optional_string(object: &Map<String, Value>, member: &'static str) -> Result<(), MessageError> {
    match object.get(member) {
        None | Some(Value::String(_)) => Ok(()),
        Some(_) => Err(MessageError::Invalid {
            member,
            reason: "not a string",
        }),
    }
}

fn check_agent(value: &Value, member: &'static str) -> Result<(), MessageError> {
    let object = value.as_object().ok_or(MessageError::Invalid {
        member,
        reason: "not an object",
    })?;
    match object.get("agent_id") {
        Some(Value::String(s)) if !s.is_empty() && s.len() <= MAX_ID_LEN => {}
        _ if member == "from" => return Err(MessageError::MissingSender),
        _ => {
            return Err(MessageError::Invalid {
                member,
                reason: "agent_id is not a non-empty string",
            });
        }
    }
    optional_string(object, "principal_id").map_err(|_| MessageError::Invalid {
        member,
        reason: "principal_id is not a string",
    })
}

impl Message {
    /// Parses and shape-checks a message from JSON text (see [`Message::from_value`]).
    pub fn parse(text: &str) -> Result<Message, MessageError> {
        Message::from_value(wire::parse(text)?)
    }

    /// Shape-checks a parsed message. Required: `concordia` = `"0.1.0"`, a known `type`, `id`,
    /// `session_id`, an RFC 3339 `timestamp`, `from.agent_id`, a `sha256:` `prev_hash` and a
    /// `signature` string. Optional members must have their types (`to` a list of agents,
    /// `reasoning`/`in_reply_to`/`thread` strings, `ttl` a non-negative integer). Unknown
    /// members are kept.
    ///
    /// `body` follows the reference session's reading of it: absent reads as empty; for
    /// `negotiate.open`, `.offer` and `.counter` a present body must be an object; for the
    /// other types, whose bodies the reference never reads, any JSON value is kept as received
    /// ([`Message::body`] then reads as empty, [`Message::body_value`] gives the value).
    pub fn from_value(value: Value) -> Result<Message, MessageError> {
        let Value::Object(object) = value else {
            return Err(MessageError::NotObject);
        };
        match object.get("concordia") {
            Some(Value::String(v)) if v == PROTOCOL_VERSION => {}
            None => return Err(MessageError::Missing("concordia")),
            Some(_) => {
                return Err(MessageError::Invalid {
                    member: "concordia",
                    reason: "unsupported protocol version",
                });
            }
        }
        let kind: MessageType = string_member(&object, "type")?.parse()?;
        string_member(&object, "id")?;
        string_member(&object, "session_id")?;
        let timestamp = string_member(&object, "timestamp")?;
        if wire::parse_timestamp(timestamp).is_none() {
            return Err(MessageError::Invalid {
                member: "timestamp",
                reason: "not an RFC 3339 date-time with a zone",
            });
        }
        check_agent(
            object.get("from").ok_or(MessageError::MissingSender)?,
            "from",
        )?;
        if let Some(to) = object.get("to") {
            let list = to.as_array().ok_or(MessageError::Invalid {
                member: "to",
                reason: "not a list",
            })?;
            for agent in list {
                check_agent(agent, "to")?;
            }
        }
        let prev = string_member(&object, "prev_hash")?;
        wire::check_sha256_ref(prev).map_err(|_| MessageError::Invalid {
            member: "prev_hash",
            reason: "not sha256:<64 lowercase hex>",
        })?;
        match object.get("body") {
            // Absent reads as an empty body, as the reference's `message.get("body", {})`.
            None | Some(Value::Object(_)) => {}
            // The reference reads the body of these three types and fails on a non-object.
            Some(_) if body_is_read(kind) => {
                return Err(MessageError::Invalid {
                    member: "body",
                    reason: "not an object",
                });
            }
            // Other types' bodies are never read by the reference's session, which accepts
            // them whatever they are; kept as received (the signature and hash cover them).
            Some(_) => {}
        }
        for member in ["reasoning", "in_reply_to", "thread"] {
            optional_string(&object, member)?;
        }
        match object.get("ttl") {
            None => {}
            Some(Value::Number(n)) if n.is_u64() => {}
            Some(_) => {
                return Err(MessageError::Invalid {
                    member: "ttl",
                    reason: "not a non-negative integer",
                });
            }
        }
        match object.get("signature") {
            Some(Value::String(s)) if !s.is_empty() => {}
            None | Some(Value::Null) => return Err(MessageError::Unsigned),
            Some(Value::String(_)) => return Err(MessageError::Unsigned),
            Some(_) => {
                return Err(MessageError::Invalid {
                    member: "signature",
                    reason: "not a string",
                });
            }
        }
        Ok(Message { object, kind })
    }

    fn str_of(&self, member: &str) -> &str {
        self.object
            .get(member)
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// The message type.
    #[must_use]
    pub fn message_type(&self) -> MessageType {
        self.kind
    }

    /// The message id.
    #[must_use]
    pub fn id(&self) -> &str {
        self.str_of("id")
    }

    /// The session the message belongs to.
    #[must_use]
    pub fn session_id(&self) -> &str {
        self.str_of("session_id")
    }

    /// The timestamp text as sent.
    #[must_use]
    pub fn timestamp_text(&self) -> &str {
        self.str_of("timestamp")
    }

    /// The timestamp (checked to parse when the message was built).
    #[must_use]
    pub fn timestamp(&self) -> Timestamp {
        wire::parse_timestamp(self.timestamp_text()).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    /// The sender's agent id.
    #[must_use]
    pub fn sender(&self) -> &str {
        self.object
            .get("from")
            .and_then(|f| f.get("agent_id"))
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// The sender's principal id, if stated.
    #[must_use]
    pub fn sender_principal(&self) -> Option<&str> {
        self.object
            .get("from")
            .and_then(|f| f.get("principal_id"))
            .and_then(Value::as_str)
    }

    /// The agent ids in `to` (empty when absent).
    pub fn recipients(&self) -> impl Iterator<Item = &str> {
        self.object
            .get("to")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|a| a.get("agent_id").and_then(Value::as_str))
    }

    /// The hash of the previous message (or [`GENESIS_HASH`]).
    #[must_use]
    pub fn prev_hash(&self) -> &str {
        self.str_of("prev_hash")
    }

    /// The body as sent: `None` when absent; for types other than open, offer and counter it
    /// may be any JSON value (see [`Message::from_value`]).
    #[must_use]
    pub fn body_value(&self) -> Option<&Value> {
        self.object.get("body")
    }

    /// The body object (empty when the body is absent or not an object).
    #[must_use]
    pub fn body(&self) -> &Map<String, Value> {
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        self.object
            .get("body")
            .and_then(Value::as_object)
            .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
    }

    /// The sender's reasoning text, if any.
    #[must_use]
    pub fn reasoning(&self) -> Option<&str> {
        self.object.get("reasoning").and_then(Value::as_str)
    }

    /// The message's time to live in seconds, if stated.
    #[must_use]
    pub fn ttl(&self) -> Option<u64> {
        self.object.get("ttl").and_then(Value::as_u64)
    }

    /// The id of the message this one answers, if stated.
    #[must_use]
    pub fn in_reply_to(&self) -> Option<&str> {
        self.object.get("in_reply_to").and_then(Value::as_str)
    }

    /// The thread id, if stated.
    #[must_use]
    pub fn thread(&self) -> Option<&str> {
        self.object.get("thread").and_then(Value::as_str)
    }

    /// The signature text as sent.
    #[must_use]
    pub fn signature(&self) -> &str {
        self.str_of("signature")
    }

    /// The whole message object, as received.
    #[must_use]
    pub fn as_object(&self) -> &Map<String, Value> {
        &self.object
    }

    /// The message as a JSON value.
    #[must_use]
    pub fn to_value(&self) -> Value {
        Value::Object(self.object.clone())
    }

    /// The message as a JSON value, without copying.
    #[must_use]
    pub fn into_value(self) -> Value {
        Value::Object(self.object)
    }

    /// The message as compact JSON text (member order as received; receivers canonicalise).
    #[must_use]
    pub fn to_json(&self) -> String {
        // Serialising a map of JSON values cannot fail.
        serde_json::to_string(&self.object).unwrap_or_default()
    }

    /// The canonical bytes the signature covers (the message minus `signature`).
    pub fn signing_preimage(&self) -> Result<Vec<u8>, MessageError> {
        Ok(wire::canonical_without(&self.object, SIGNATURE_EXCLUDED)?)
    }

    /// Verifies the signature with the sender's key.
    pub fn verify(&self, key: &PublicKey) -> Result<(), MessageError> {
        Ok(wire::verify_object(
            &self.object,
            SIGNATURE_EXCLUDED,
            self.signature(),
            key,
        )?)
    }

    /// The signing preimage and the full canonical bytes, from one pass (see
    /// [`wire::canonical_with_and_without`]).
    pub fn canonical_forms(&self) -> Result<(Vec<u8>, Vec<u8>), MessageError> {
        Ok(wire::canonical_with_and_without(&self.object, "signature")?)
    }

    /// The message's chain hash: `sha256:` + hex SHA-256 of the JCS of the whole message,
    /// signature included. The next message's `prev_hash` must equal it.
    pub fn hash(&self) -> Result<String, MessageError> {
        Ok(wire::sha256_ref(&wire::canonical_without(
            &self.object,
            &[],
        )?))
    }
}

/// Whether the reference session reads this type's body (and so fails on a non-object one).
const fn body_is_read(kind: MessageType) -> bool {
    matches!(
        kind,
        MessageType::Open | MessageType::Offer | MessageType::Counter
    )
}

/// A string quoted as Python's `repr(str)` writes it, so error texts that embed a value equal
/// the reference's: single quotes unless the text holds `'` and no `"`; backslash, the active
/// quote, `\t`, `\n` and `\r` escaped; other characters Python deems unprintable written as
/// `\xhh`, `\uhhhh` or `\Uhhhhhhhh`.
///
/// Printability follows Unicode's general categories for the ranges that matter in practice
/// (controls, format characters, separators, private use, noncharacters, the unassigned planes
/// 4–13); a code point left unassigned inside the assigned planes is written as is, where
/// Python would escape it.
pub(crate) fn py_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if py_printable(c) => out.push(c),
            c => {
                let code = u32::from(c);
                let escaped = if code <= 0xff {
                    format!("\\x{code:02x}")
                } else if code <= 0xffff {
                    format!("\\u{code:04x}")
                } else {
                    format!("\\U{code:08x}")
                };
                out.push_str(&escaped);
            }
        }
    }
    out.push(quote);
    out
}

/// Python's `str.isprintable` for one character (see [`py_repr`] for its limits).
fn py_printable(c: char) -> bool {
    let code = u32::from(c);
    if c == ' ' {
        return true;
    }
    if code < 0x20 || (0x7f..=0xa0).contains(&code) {
        return false; // Cc, and U+00A0 (Zs)
    }
    let unprintable: &[(u32, u32)] = &[
        // Cf: format characters.
        (0x00ad, 0x00ad),
        (0x0600, 0x0605),
        (0x061c, 0x061c),
        (0x06dd, 0x06dd),
        (0x070f, 0x070f),
        (0x0890, 0x0891),
        (0x08e2, 0x08e2),
        (0x180e, 0x180e),
        (0x200b, 0x200f),
        (0x202a, 0x202e),
        (0x2060, 0x2064),
        (0x2066, 0x206f),
        (0xfeff, 0xfeff),
        (0xfff9, 0xfffb),
        (0x110bd, 0x110bd),
        (0x110cd, 0x110cd),
        (0x13430, 0x1343f),
        (0x1bca0, 0x1bca3),
        (0x1d173, 0x1d17a),
        // Plane 14: tags (Cf) and unassigned code points around the variation selectors.
        (0xe0000, 0xe00ff),
        (0xe01f0, 0xeffff),
        // Zs (other than the space), Zl, Zp.
        (0x1680, 0x1680),
        (0x2000, 0x200a),
        (0x2028, 0x2029),
        (0x202f, 0x202f),
        (0x205f, 0x205f),
        (0x3000, 0x3000),
        // Co: private use.
        (0xe000, 0xf8ff),
        (0xf0000, 0x10ffff),
        // Cn: noncharacters and the unassigned planes.
        (0xfdd0, 0xfdef),
        (0x40000, 0xdffff),
    ];
    if code & 0xfffe == 0xfffe {
        return false; // U+xxFFFE and U+xxFFFF in every plane
    }
    !unprintable
        .iter()
        .any(|(lo, hi)| (*lo..=*hi).contains(&code))
}

/// Builds and signs a message.
#[derive(Debug, Clone)]
pub struct MessageBuilder {
    kind: MessageType,
    session_id: String,
    from: AgentRef,
    to: Vec<AgentRef>,
    id: Option<String>,
    timestamp: Option<String>,
    prev_hash: String,
    body: Map<String, Value>,
    reasoning: Option<String>,
    ttl: Option<u64>,
    in_reply_to: Option<String>,
    thread: Option<String>,
    extra: Map<String, Value>,
}

impl MessageBuilder {
    /// A message of `kind` in `session_id` from `from`, chained to genesis with an empty body.
    #[must_use]
    pub fn new(kind: MessageType, session_id: impl Into<String>, from: impl Into<String>) -> Self {
        MessageBuilder {
            kind,
            session_id: session_id.into(),
            from: AgentRef::new(from),
            to: Vec::new(),
            id: None,
            timestamp: None,
            prev_hash: GENESIS_HASH.to_owned(),
            body: Map::new(),
            reasoning: None,
            ttl: None,
            in_reply_to: None,
            thread: None,
            extra: Map::new(),
        }
    }

    /// The sender's principal.
    #[must_use]
    pub fn principal(mut self, principal_id: impl Into<String>) -> Self {
        self.from.principal_id = Some(principal_id.into());
        self
    }

    /// Adds a recipient.
    #[must_use]
    pub fn to(mut self, agent: AgentRef) -> Self {
        self.to.push(agent);
        self
    }

    /// The message id (default: `msg_` and 16 random hex digits).
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// The timestamp (default: now, whole seconds).
    #[must_use]
    pub fn timestamp(mut self, at: Timestamp) -> Self {
        self.timestamp = Some(wire::format_timestamp(at));
        self
    }

    /// The timestamp as literal text (checked when signing).
    #[must_use]
    pub fn timestamp_text(mut self, text: impl Into<String>) -> Self {
        self.timestamp = Some(text.into());
        self
    }

    /// The previous message's hash (default: genesis).
    #[must_use]
    pub fn prev_hash(mut self, prev_hash: impl Into<String>) -> Self {
        self.prev_hash = prev_hash.into();
        self
    }

    /// The body. A value that is not an object leaves the body empty, and signing then fails
    /// only if the type needs members (bodies are checked by [`crate::body`]).
    #[must_use]
    pub fn body(mut self, body: Value) -> Self {
        if let Value::Object(map) = body {
            self.body = map;
        }
        self
    }

    /// The reasoning text.
    #[must_use]
    pub fn reasoning(mut self, text: impl Into<String>) -> Self {
        self.reasoning = Some(text.into());
        self
    }

    /// The time to live in seconds.
    #[must_use]
    pub fn ttl(mut self, seconds: u64) -> Self {
        self.ttl = Some(seconds);
        self
    }

    /// The id of the message this one answers.
    #[must_use]
    pub fn in_reply_to(mut self, id: impl Into<String>) -> Self {
        self.in_reply_to = Some(id.into());
        self
    }

    /// The thread id.
    #[must_use]
    pub fn thread(mut self, id: impl Into<String>) -> Self {
        self.thread = Some(id.into());
        self
    }

    /// An extension member at the top level (covered by the signature).
    #[must_use]
    pub fn extension(mut self, name: impl Into<String>, value: Value) -> Self {
        self.extra.insert(name.into(), value);
        self
    }

    /// The unsigned envelope, members in the reference's order.
    #[must_use]
    pub fn unsigned(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("concordia".into(), Value::String(PROTOCOL_VERSION.into()));
        m.insert("type".into(), Value::String(self.kind.as_str().into()));
        let id = self.id.clone().unwrap_or_else(random_message_id);
        m.insert("id".into(), Value::String(id));
        m.insert("session_id".into(), Value::String(self.session_id.clone()));
        let ts = self
            .timestamp
            .clone()
            .unwrap_or_else(|| wire::format_timestamp(Timestamp::now()));
        m.insert("timestamp".into(), Value::String(ts));
        m.insert("from".into(), self.from.to_value());
        m.insert("prev_hash".into(), Value::String(self.prev_hash.clone()));
        m.insert("body".into(), Value::Object(self.body.clone()));
        if !self.to.is_empty() {
            m.insert(
                "to".into(),
                Value::Array(self.to.iter().map(AgentRef::to_value).collect()),
            );
        }
        if let Some(v) = &self.in_reply_to {
            m.insert("in_reply_to".into(), Value::String(v.clone()));
        }
        if let Some(v) = &self.reasoning {
            m.insert("reasoning".into(), Value::String(v.clone()));
        }
        if let Some(v) = self.ttl {
            m.insert("ttl".into(), Value::from(v));
        }
        if let Some(v) = &self.thread {
            m.insert("thread".into(), Value::String(v.clone()));
        }
        for (k, v) in &self.extra {
            if !m.contains_key(k) && k != "signature" {
                m.insert(k.clone(), v.clone());
            }
        }
        m
    }

    /// Signs the message (Ed25519 over the JCS of the envelope minus `signature`, padded
    /// base64url) and checks the result as a receiver would.
    pub fn sign<S: Signer + ?Sized>(self, signer: &S) -> Result<Message, MessageError> {
        self.sign_canonical(signer).map(|(message, _)| message)
    }

    /// As [`MessageBuilder::sign`], also returning the canonical bytes of the signed message
    /// (what its chain hash covers), from the same canonicalisation as the signature.
    pub(crate) fn sign_canonical<S: Signer + ?Sized>(
        self,
        signer: &S,
    ) -> Result<(Message, Vec<u8>), MessageError> {
        let mut object = self.unsigned();
        let canonical = wire::sign_in_place(&mut object, "signature", signer)?;
        Ok((Message::from_value(Value::Object(object))?, canonical))
    }
}

/// `msg_` and 16 hex digits from the OS generator (the reference uses 8; more is harmless and
/// makes collisions across long-lived agents negligible).
fn random_message_id() -> String {
    let mut bytes = [0u8; 8];
    if getrandom_fill(&mut bytes).is_err() {
        // Without OS randomness, fall back to the clock: ids need uniqueness, not secrecy.
        let now = Timestamp::now();
        bytes = now.unix_millis().to_le_bytes();
    }
    format!("msg_{}", sanctuary_core::encoding::hex_encode(&bytes))
}

fn getrandom_fill(bytes: &mut [u8]) -> Result<(), ()> {
    use sanctuary_core::rand_core::{OsRng, RngCore as _};
    OsRng.try_fill_bytes(bytes).map_err(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanctuary_core::identity::{Identity, SecretSeed};
    use serde_json::json;

    fn alpha() -> Identity {
        let seed: [u8; 32] = std::array::from_fn(|i| u8::try_from(i).unwrap());
        Identity::from_seed(&SecretSeed::from_bytes(seed))
    }

    /// The first message of the Python package's `agree_full` run, byte for byte.
    const PY_OPEN: &str = r#"{"concordia": "0.1.0", "type": "negotiate.open", "id": "msg_00000001", "session_id": "ses_agree_full", "timestamp": "2026-05-29T12:00:00Z", "from": {"agent_id": "did:concordia:agent:alpha"}, "prev_hash": "sha256:0000000000000000000000000000000000000000000000000000000000000000", "body": {"terms": {"price": {"type": "numeric", "value": 1000}, "qty": {"type": "numeric", "value": 10}}}, "signature": "wPDeBzTUg0T9-EpB5KGK74hz7N7jPElcbd2on3i_i4oYfBIrDQV56IgEkvr0_JnnuXofRsds_7iXTzACfTKADg=="}"#;

    #[test]
    fn reproduces_python_signature_and_hash() {
        let id = alpha();
        assert_eq!(
            wire::encode_public_key(id.public()),
            "A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg="
        );
        let theirs = Message::parse(PY_OPEN).unwrap();
        theirs.verify(id.public()).unwrap();
        assert_eq!(
            theirs.hash().unwrap(),
            "sha256:2b8e89a53b55099c4350322bc2df0dc92f190fff109c0fa9601fdd3ddeeea80a"
        );
        let ours = MessageBuilder::new(
            MessageType::Open,
            "ses_agree_full",
            "did:concordia:agent:alpha",
        )
        .id("msg_00000001")
        .timestamp_text("2026-05-29T12:00:00Z")
        .body(json!({"terms": {"price": {"type": "numeric", "value": 1000}, "qty": {"type": "numeric", "value": 10}}}))
        .sign(&id)
        .unwrap();
        assert_eq!(ours.signature(), theirs.signature());
        assert_eq!(ours.hash().unwrap(), theirs.hash().unwrap());
    }

    #[test]
    fn refuses_malformed_envelopes() {
        let good: Value = serde_json::from_str(PY_OPEN).unwrap();
        let cases: Vec<(&str, Value)> = vec![
            ("concordia", json!("0.2.0")),
            ("type", json!("negotiate.bogus")),
            ("type", json!(7)),
            ("id", json!("")),
            ("session_id", Value::Null),
            ("timestamp", json!("yesterday")),
            ("from", json!({})),
            ("from", json!("alpha")),
            ("prev_hash", json!("sha256:00")),
            ("body", json!([])),
            ("ttl", json!(-1)),
            ("ttl", json!(1.5)),
            ("reasoning", json!(1)),
            ("signature", json!("")),
            ("to", json!([{"principal_id": "x"}])),
        ];
        for (member, bad) in cases {
            let mut v = good.clone();
            v[member] = bad.clone();
            assert!(Message::from_value(v).is_err(), "{member} = {bad}");
        }
        for member in [
            "concordia",
            "type",
            "id",
            "session_id",
            "timestamp",
            "from",
            "prev_hash",
            "signature",
        ] {
            let mut v = good.clone();
            v.as_object_mut().unwrap().remove(member);
            assert!(Message::from_value(v).is_err(), "without {member}");
        }
        assert_eq!(
            Message::from_value(json!([1])).unwrap_err(),
            MessageError::NotObject
        );
    }

    #[test]
    fn body_shape_follows_the_reference_session() {
        let good: Value = serde_json::from_str(PY_OPEN).unwrap();
        let mut absent = good.clone();
        absent.as_object_mut().unwrap().remove("body");
        let msg = Message::from_value(absent).unwrap();
        assert!(msg.body().is_empty());
        assert_eq!(msg.body_value(), None);
        for kind in ["negotiate.open", "negotiate.offer", "negotiate.counter"] {
            for bad in [json!([1]), json!("x"), json!(5), json!(true), Value::Null] {
                let mut v = good.clone();
                v["type"] = json!(kind);
                v["body"] = bad.clone();
                assert!(Message::from_value(v).is_err(), "{kind} body {bad}");
            }
        }
        for kind in ["negotiate.signal", "negotiate.accept", "negotiate.reject"] {
            let mut v = good.clone();
            v["type"] = json!(kind);
            v["body"] = json!([1, 2]);
            let msg = Message::from_value(v).unwrap();
            assert!(msg.body().is_empty());
            assert_eq!(msg.body_value(), Some(&json!([1, 2])));
        }
    }

    #[test]
    fn unknown_types_are_quoted_as_python_repr_does() {
        let cases = [
            ("negotiate.bogus", "'negotiate.bogus'"),
            ("negotiate.o'ops", "\"negotiate.o'ops\""),
            ("has\"both'quotes", "'has\"both\\'quotes'"),
            ("say \"hi\"", "'say \"hi\"'"),
            ("tab\there", "'tab\\there'"),
            ("new\nline", "'new\\nline'"),
            ("cr\rx", "'cr\\rx'"),
            ("back\\slash", "'back\\\\slash'"),
            ("nul\u{0}bell\u{7}del\u{7f}", "'nul\\x00bell\\x07del\\x7f'"),
            ("nbsp\u{a0}shy\u{ad}", "'nbsp\\xa0shy\\xad'"),
            ("zw\u{200b}ls\u{2028}", "'zw\\u200bls\\u2028'"),
            ("pua\u{f0000}", "'pua\\U000f0000'"),
            (
                "h\u{e9}llo \u{2713} \u{1f600}",
                "'h\u{e9}llo \u{2713} \u{1f600}'",
            ),
        ];
        for (value, quoted) in cases {
            let mut v: Value = serde_json::from_str(PY_OPEN).unwrap();
            v["type"] = json!(value);
            let err = Message::from_value(v).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("{quoted} is not a valid MessageType")
            );
        }
    }

    #[test]
    fn tampering_breaks_the_signature_and_unknown_members_are_covered() {
        let id = alpha();
        let msg = MessageBuilder::new(MessageType::Offer, "s", "a")
            .extension("x_ext", json!({"k": 1}))
            .sign(&id)
            .unwrap();
        msg.verify(id.public()).unwrap();
        let mut v = msg.to_value();
        v["x_ext"]["k"] = json!(2);
        let tampered = Message::from_value(v).unwrap();
        assert!(tampered.verify(id.public()).is_err());
        assert_ne!(tampered.hash().unwrap(), msg.hash().unwrap());
    }
}
