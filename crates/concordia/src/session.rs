//! The negotiation session: six states, the transitions between them (SPEC §5), the signed and
//! hash-chained transcript (§9.3) and each party's behaviour record (§5.4, §9.6.2).
//!
//! A [`Session`] is the local view of one negotiation. Parties are registered with their
//! Ed25519 keys ([`Session::add_party`]); every message is then handed to [`Session::apply`]
//! (or [`Session::apply_value`] / [`Session::apply_json`] for received JSON), which admits it
//! only if every check passes, in the reference's order:
//!
//! 1. the sender is named (`from.agent_id`) and the message is signed;
//! 2. the sender is a registered party and the signature verifies with its key;
//! 3. the message belongs to this session (`session_id`) and chains to the transcript's tip
//!    (`prev_hash`: the previous message's hash, or the genesis hash for the first);
//! 4. the type is one of the fourteen and [`transition`] allows it in the current state;
//! 5. an offer or counter would not exceed `max_rounds`;
//! 6. then the stricter local rules listed under the deviations below (bodies, roles, time).
//!
//! A refused message leaves the session exactly as it was. An admitted one is appended, its
//! hash becomes the tip, the sender's behaviour record and the round count are updated, the
//! term space is read from `negotiate.open`, and the state moves.
//!
//! ```
//! use std::sync::Arc;
//! use concordia::session::Session;
//! use concordia::types::{MessageType, PartyRole, SessionState, TimingConfig};
//! use sanctuary_core::identity::{Identity, SecretSeed};
//! use sanctuary_core::time::{ManualClock, Timestamp};
//! use serde_json::json;
//!
//! let alice = Identity::from_seed(&SecretSeed::from_bytes([1; 32]));
//! let bob = Identity::from_seed(&SecretSeed::from_bytes([2; 32]));
//! let clock = Arc::new(ManualClock::new(Timestamp::from_unix_seconds(1_780_056_000)?));
//! let mut session = Session::new("ses_1", TimingConfig::default(), clock);
//! session.add_party("alice", PartyRole::Initiator, *alice.public())?;
//! session.add_party("bob", PartyRole::Responder, *bob.public())?;
//!
//! let open = session
//!     .builder_for(MessageType::Open, "alice")
//!     .body(json!({"terms": {"price": {"type": "numeric"}}}))
//!     .sign(&alice)?;
//! session.apply(open)?;
//! session.apply(session.builder_for(MessageType::AcceptSession, "bob").sign(&bob)?)?;
//! let offer = session
//!     .builder_for(MessageType::Offer, "alice")
//!     .body(json!({"terms": {"price": {"value": 100}}}))
//!     .sign(&alice)?;
//! session.apply(offer)?;
//! let state = session.apply(session.builder_for(MessageType::Accept, "bob").sign(&bob)?)?;
//! assert_eq!(state, SessionState::Agreed);
//! assert_eq!(session.round_count(), 1);
//! concordia::session::validate_chain(session.transcript())?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Deviations from the Python reference
//!
//! Everything the published session fixtures test behaves as the reference does (same states,
//! hashes, behaviour records and error texts). Beyond them this implementation is stricter:
//!
//! - **Binding and chain are mandatory.** `session_id` and `prev_hash` must be present (the
//!   envelope requires them); the reference skips either check when the member is absent.
//! - **Only registered parties.** Keys come from [`Session::add_party`] alone; the reference
//!   asks a caller-supplied resolver, which may know agents that are not parties. Registering
//!   the same agent twice, or an empty or over-long agent id, is refused (the reference
//!   silently replaces the role and key).
//! - **Atomic.** A refused message changes nothing. The reference appends a message before
//!   reading its body, so a malformed open/offer/counter body leaves it in the transcript.
//! - **Open comes first, once.** The first message must be `negotiate.open` and no later one
//!   may be; the reference also admits, say, `accept_session` on an empty transcript, or a
//!   second open that replaces the term space.
//! - **Roles.** The opener cannot accept or decline its own session, and a party cannot accept
//!   or commit to the standing offer or counter it made itself (SPEC §5.2 names the responder
//!   and the counterparty; the reference does not check).
//! - **Bodies.** In open, offer and counter bodies, `terms` must be an object of objects (or
//!   absent/null), and an offer's `valid_until`, if present, an RFC 3339 date-time. An offer
//!   whose concession magnitude would not be finite is refused.
//! - **Time, through the [`Clock`]** (on by default, see [`SessionBuilder::enforce_timing`]):
//!   a message timestamped more than [`DEFAULT_MAX_CLOCK_SKEW`] seconds ahead of the clock is
//!   refused, as is one whose own `ttl` has run out; `session_ttl` runs from the open's
//!   timestamp (from a reactivating offer's after dormancy; from creation before any open) and
//!   once it has passed nothing more is admitted, while [`Session::check_expiry`] moves the
//!   session to EXPIRED; an accept or commit must arrive before the standing offer lapses —
//!   `offer_ttl` after it, or its body's `valid_until`, or its message `ttl`, whichever is
//!   first. The reference enforces none of these.
//! - **Bounded transcript.** At most [`DEFAULT_MAX_MESSAGES`] messages (configurable); the
//!   reference bounds offers and counters only.
//! - **Reactivation** clears `concluded_at` (the reference keeps the old conclusion time while
//!   the session is active again).
//! - There is no `on_terminal` callback: [`Session::apply`] returns the new state.

use crate::attestation::{
    self, AttestationError, ConcludedParty, ConcludedSession, GenerateOptions,
};
use crate::behavior::{self, BehaviorRecord};
use crate::message::{MAX_ID_LEN, Message, MessageBuilder, MessageError};
use crate::types::{MessageType, PartyRole, SessionState, TimingConfig};
use crate::wire::{self, GENESIS_HASH};
use sanctuary_core::identity::{PublicKey, Signer};
use sanctuary_core::time::{Clock, SystemClock, Timestamp};
use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// How far ahead of the local clock a message may be timestamped, in seconds, by default.
pub const DEFAULT_MAX_CLOCK_SKEW: u64 = 300;

/// The most messages a transcript holds by default: far above any real negotiation (the
/// default `max_rounds` is 20), a bound on what a peer can make us store.
pub const DEFAULT_MAX_MESSAGES: usize = 1024;

/// The reference's transition table, in its order: `(from, message type, to)`. Every pair not
/// listed is illegal. Expiry and dormancy are not messages: see [`Session::expire`] and
/// [`Session::make_dormant`].
pub const TRANSITIONS: [(SessionState, MessageType, SessionState); 15] = {
    use MessageType as M;
    use SessionState as S;
    [
        (S::Proposed, M::Open, S::Proposed),
        (S::Proposed, M::AcceptSession, S::Active),
        (S::Proposed, M::DeclineSession, S::Rejected),
        (S::Active, M::Offer, S::Active),
        (S::Active, M::Counter, S::Active),
        (S::Active, M::Signal, S::Active),
        (S::Active, M::Inquire, S::Active),
        (S::Active, M::Constrain, S::Active),
        (S::Active, M::ProposeMediator, S::Active),
        (S::Active, M::Resolve, S::Active),
        (S::Active, M::Accept, S::Agreed),
        (S::Active, M::Reject, S::Rejected),
        (S::Active, M::Withdraw, S::Rejected),
        (S::Active, M::Commit, S::Agreed),
        (S::Dormant, M::Offer, S::Active),
    ]
};

/// The state a message of `kind` moves a session in `state` to, or `None` if it may not be
/// applied there. Total over both enumerations; the same table as [`TRANSITIONS`].
#[must_use]
pub const fn transition(state: SessionState, kind: MessageType) -> Option<SessionState> {
    use MessageType as M;
    use SessionState as S;
    match (state, kind) {
        (S::Proposed, M::Open) => Some(S::Proposed),
        (S::Proposed, M::AcceptSession) => Some(S::Active),
        (S::Proposed, M::DeclineSession) => Some(S::Rejected),
        (
            S::Active,
            M::Offer
            | M::Counter
            | M::Signal
            | M::Inquire
            | M::Constrain
            | M::ProposeMediator
            | M::Resolve,
        ) => Some(S::Active),
        (S::Active, M::Accept | M::Commit) => Some(S::Agreed),
        (S::Active, M::Reject | M::Withdraw) => Some(S::Rejected),
        (S::Dormant, M::Offer) => Some(S::Active),
        _ => None,
    }
}

/// Why a message or an operation was refused. Where the reference has an error for the same
/// case, the text is the reference's, character for character.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// `from.agent_id` is absent or empty.
    #[error("Message missing 'from.agent_id' — cannot verify identity")]
    MissingSender,
    /// The message carries no signature.
    #[error("Message missing 'signature' — unsigned messages are rejected")]
    Unsigned,
    /// The sender is not a registered party.
    #[error("Unknown agent identity '{agent_id}' — resolver returned None")]
    UnknownSender {
        /// The sender named in the message.
        agent_id: String,
    },
    /// The signature does not verify with the sender's registered key.
    #[error("Invalid signature for agent '{agent_id}' — message content does not match signature")]
    InvalidSignature {
        /// The sender named in the message.
        agent_id: String,
    },
    /// The message belongs to another session (a cross-session replay).
    #[error("Message session_id does not match this session — cross-session replay rejected")]
    SessionMismatch {
        /// The `session_id` the message carries.
        found: String,
    },
    /// `prev_hash` is not the transcript's tip (out of order, forked or replayed).
    #[error(
        "Message prev_hash does not chain to the current transcript tip — out-of-order, forked, or replayed message rejected"
    )]
    BrokenChain {
        /// The `prev_hash` the message carries.
        found: String,
    },
    /// The `type` is not one of the fourteen message types.
    #[error("{} is not a valid MessageType", crate::message::py_repr(.value))]
    UnknownType {
        /// The type given.
        value: String,
    },
    /// The transition table does not allow this message in this state.
    #[error("Cannot apply {kind} in state {state}")]
    IllegalTransition {
        /// The message type.
        kind: MessageType,
        /// The session's state.
        state: SessionState,
    },
    /// An offer or counter beyond the session's `max_rounds`.
    #[error(
        "Session has reached its max_rounds limit ({max_rounds}); no further offers or counters are accepted"
    )]
    MaxRounds {
        /// The limit.
        max_rounds: u32,
    },
    /// [`Session::expire`] outside PROPOSED and ACTIVE.
    #[error("Cannot expire session in state {state}")]
    CannotExpire {
        /// The session's state.
        state: SessionState,
    },
    /// [`Session::make_dormant`] outside REJECTED and EXPIRED.
    #[error("Cannot make dormant from state {state}")]
    CannotMakeDormant {
        /// The session's state.
        state: SessionState,
    },
    /// The first message of a session is not `negotiate.open`.
    #[error("the first message of a session must be negotiate.open, not {kind}")]
    NotOpened {
        /// The type received.
        kind: MessageType,
    },
    /// A `negotiate.open` after the first message.
    #[error("the session is already open: negotiate.open is accepted only as its first message")]
    AlreadyOpened,
    /// The opener answering its own session, or a party accepting its own offer.
    #[error("agent '{agent_id}' cannot send {kind}: {reason}")]
    RoleViolation {
        /// The sender.
        agent_id: String,
        /// The message type.
        kind: MessageType,
        /// Which rule.
        reason: &'static str,
    },
    /// A body the session reads is malformed.
    #[error("{kind} body is invalid: {reason}")]
    InvalidBody {
        /// The message type.
        kind: MessageType,
        /// What is wrong.
        reason: &'static str,
    },
    /// The message is timestamped too far ahead of the local clock.
    #[error(
        "message timestamp {timestamp} is more than {max_skew_seconds} s ahead of the local clock"
    )]
    FutureTimestamp {
        /// The timestamp as sent.
        timestamp: String,
        /// The allowance.
        max_skew_seconds: u64,
    },
    /// The message's own `ttl` has run out.
    #[error("message ttl of {ttl} s, counted from {timestamp}, has run out")]
    MessageExpired {
        /// The timestamp as sent.
        timestamp: String,
        /// The message's ttl.
        ttl: u64,
    },
    /// The session's `session_ttl` has passed ([`Session::check_expiry`] expires it).
    #[error("session ttl of {session_ttl} s has passed")]
    SessionTtlElapsed {
        /// The limit.
        session_ttl: u64,
    },
    /// An accept or commit after the standing offer lapsed.
    #[error("the standing offer lapsed at {deadline}")]
    OfferExpired {
        /// When it lapsed.
        deadline: Timestamp,
    },
    /// The transcript holds its maximum number of messages.
    #[error("the transcript holds its limit of {max_messages} messages")]
    TranscriptFull {
        /// The limit.
        max_messages: usize,
    },
    /// [`Session::add_party`] with an agent already registered.
    #[error("agent '{agent_id}' is already a party to this session")]
    DuplicateParty {
        /// The agent.
        agent_id: String,
    },
    /// [`Session::add_party`] with an empty or over-long agent id.
    #[error("agent id must be 1 to {MAX_ID_LEN} bytes")]
    InvalidAgentId,
    /// [`Session::send`] was given a signer whose key is not the one registered for the
    /// sender.
    #[error("the signer's key is not the key registered for agent '{agent_id}'")]
    SignerMismatch {
        /// The sender named in the message.
        agent_id: String,
    },
    /// The message is malformed in a way the checks above do not name.
    #[error(transparent)]
    Malformed(MessageError),
}

impl From<MessageError> for SessionError {
    fn from(error: MessageError) -> Self {
        match error {
            MessageError::MissingSender => SessionError::MissingSender,
            MessageError::Unsigned => SessionError::Unsigned,
            MessageError::UnknownType(unknown) => SessionError::UnknownType {
                value: unknown.value,
            },
            other => SessionError::Malformed(other),
        }
    }
}

/// Why a sequence of messages does not form a hash chain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChainError {
    /// The first message's `prev_hash` is not the genesis hash.
    #[error("the first message does not reference the genesis hash")]
    BadGenesis,
    /// A message's `prev_hash` is not the hash of the message before it.
    #[error("message {index} does not chain to the message before it")]
    BrokenLink {
        /// The position of the message whose link is wrong.
        index: usize,
    },
    /// A message could not be hashed.
    #[error(transparent)]
    Hash(MessageError),
}

/// Checks that `messages` form a chain: the first references the genesis hash and each later
/// one the hash of the message before it. An empty sequence is a valid chain (as in the
/// reference's `validate_chain`).
pub fn validate_chain(messages: &[Message]) -> Result<(), ChainError> {
    let Some(first) = messages.first() else {
        return Ok(());
    };
    if first.prev_hash() != GENESIS_HASH {
        return Err(ChainError::BadGenesis);
    }
    for (offset, pair) in messages.windows(2).enumerate() {
        if let [previous, next] = pair
            && next.prev_hash() != previous.hash().map_err(ChainError::Hash)?
        {
            return Err(ChainError::BrokenLink { index: offset + 1 });
        }
    }
    Ok(())
}

/// A registered party: who it is, its role and key, and what it has done so far.
#[derive(Debug, Clone)]
pub struct Party {
    agent_id: String,
    role: PartyRole,
    key: PublicKey,
    behavior: BehaviorRecord,
    /// The transcript index of the party's last offer or counter with non-empty terms (the
    /// baseline of its next concession).
    last_terms: Option<usize>,
}

impl Party {
    /// The agent's id.
    #[must_use]
    pub fn agent_id(&self) -> &str {
        &self.agent_id
    }

    /// The agent's role.
    #[must_use]
    pub fn role(&self) -> PartyRole {
        self.role
    }

    /// The key its messages are verified with.
    #[must_use]
    pub fn public_key(&self) -> &PublicKey {
        &self.key
    }

    /// Its behaviour record.
    #[must_use]
    pub fn behavior(&self) -> &BehaviorRecord {
        &self.behavior
    }
}

/// What attestation generation reads from a session (SPEC §9.6), borrowed from it.
///
/// The reference's `generate_attestation` refuses a session that is not terminal
/// (`is_terminal`) or whose transcript is empty; it writes `outcome.status` from `state`,
/// `outcome.rounds` from `round_count`, `outcome.duration_seconds` from `duration_seconds`,
/// `outcome.terms_count` from `terms_count` (omitted when 0), one party record per entry of
/// `parties` in this order (agent id, role, behaviour `to_value`), and `transcript_hash`,
/// `chain_head` and `message_count` from the fields of those names.
#[derive(Debug, Clone)]
pub struct AttestationView<'a> {
    /// The session id.
    pub session_id: &'a str,
    /// The state.
    pub state: SessionState,
    /// Whether the state is terminal (agreed, rejected, expired).
    pub is_terminal: bool,
    /// The parties in registration order, with roles, keys and behaviour records.
    pub parties: &'a [Party],
    /// The transcript.
    pub transcript: &'a [Message],
    /// The hash of the last message (`None` when the transcript is empty).
    pub chain_head: Option<&'a str>,
    /// `sha256:` over the concatenated canonical bytes of every message, in order.
    pub transcript_hash: String,
    /// The number of messages.
    pub message_count: usize,
    /// Offers and counters admitted.
    pub round_count: u32,
    /// The number of terms the open message defined (0 when none).
    pub terms_count: usize,
    /// When the session object was created (by its clock).
    pub created_at: Timestamp,
    /// When it reached AGREED, REJECTED or EXPIRED.
    pub concluded_at: Option<Timestamp>,
    /// Whole seconds from creation to conclusion (or to now if not concluded).
    pub duration_seconds: u64,
}

/// Configures a [`Session`].
pub struct SessionBuilder {
    session_id: String,
    timing: TimingConfig,
    clock: Arc<dyn Clock>,
    enforce_timing: bool,
    max_clock_skew: u64,
    max_messages: usize,
}

impl fmt::Debug for SessionBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionBuilder")
            .field("session_id", &self.session_id)
            .field("timing", &self.timing)
            .field("enforce_timing", &self.enforce_timing)
            .field("max_clock_skew", &self.max_clock_skew)
            .field("max_messages", &self.max_messages)
            .finish_non_exhaustive()
    }
}

impl SessionBuilder {
    /// The timing limits (default: the reference's 24 h, 1 h, 20 rounds).
    #[must_use]
    pub fn timing(mut self, timing: TimingConfig) -> Self {
        self.timing = timing;
        self
    }

    /// The clock (default: the system clock).
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Whether to enforce the clock skew, message `ttl`, `session_ttl` and offer lapse checks
    /// when admitting messages (default: on). Turn off only to replay a recorded transcript
    /// whose timestamps are legitimately old; [`Session::check_expiry`] works either way.
    #[must_use]
    pub fn enforce_timing(mut self, enforce: bool) -> Self {
        self.enforce_timing = enforce;
        self
    }

    /// How many seconds ahead of the clock a timestamp may be (default
    /// [`DEFAULT_MAX_CLOCK_SKEW`]).
    #[must_use]
    pub fn max_clock_skew(mut self, seconds: u64) -> Self {
        self.max_clock_skew = seconds;
        self
    }

    /// The most messages the transcript may hold (default [`DEFAULT_MAX_MESSAGES`]).
    #[must_use]
    pub fn max_messages(mut self, max: usize) -> Self {
        self.max_messages = max;
        self
    }

    /// The session, in PROPOSED with an empty transcript, created now by its clock.
    #[must_use]
    pub fn build(self) -> Session {
        let created_at = self.clock.now();
        Session {
            session_id: self.session_id,
            timing: self.timing,
            clock: self.clock,
            enforce_timing: self.enforce_timing,
            max_clock_skew: self.max_clock_skew,
            max_messages: self.max_messages,
            state: SessionState::Proposed,
            parties: Vec::new(),
            transcript: Vec::new(),
            tip: GENESIS_HASH.to_owned(),
            transcript_digest: Sha256::new(),
            round_count: 0,
            created_at,
            concluded_at: None,
            reactivatable: false,
            ttl_anchor: None,
            standing_offer: None,
        }
    }
}

/// One negotiation: its state, parties, transcript and behaviour records.
pub struct Session {
    session_id: String,
    timing: TimingConfig,
    clock: Arc<dyn Clock>,
    enforce_timing: bool,
    max_clock_skew: u64,
    max_messages: usize,
    state: SessionState,
    parties: Vec<Party>,
    transcript: Vec<Message>,
    /// The hash of the last message, kept so admitting a message never re-hashes the past.
    tip: String,
    /// SHA-256 over the canonical bytes of every message so far (the attestation's
    /// `transcript_hash`), fed once per admitted message.
    transcript_digest: Sha256,
    round_count: u32,
    created_at: Timestamp,
    concluded_at: Option<Timestamp>,
    reactivatable: bool,
    /// Where `session_ttl` runs from: the open's timestamp, or a reactivating offer's.
    ttl_anchor: Option<Timestamp>,
    /// The transcript index of the offer or counter standing for acceptance.
    standing_offer: Option<usize>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("session_id", &self.session_id)
            .field("state", &self.state)
            .field("timing", &self.timing)
            .field("parties", &self.parties)
            .field("messages", &self.transcript.len())
            .field("tip", &self.tip)
            .field("round_count", &self.round_count)
            .field("created_at", &self.created_at)
            .field("concluded_at", &self.concluded_at)
            .finish_non_exhaustive()
    }
}

/// `at + seconds`, or `None` when that is beyond what a timestamp holds (no deadline).
fn after(at: Timestamp, seconds: u64) -> Option<Timestamp> {
    at.checked_add(Duration::from_secs(seconds))
}

/// The `terms` of an open, offer or counter body: absent or null reads as none; otherwise an
/// object whose every term is an object.
fn read_terms(message: &Message) -> Result<Option<&Map<String, Value>>, SessionError> {
    let kind = message.message_type();
    if !matches!(
        kind,
        MessageType::Open | MessageType::Offer | MessageType::Counter
    ) {
        return Ok(None);
    }
    match message.body().get("terms") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(terms)) => {
            if terms.values().all(Value::is_object) {
                Ok(Some(terms))
            } else {
                Err(SessionError::InvalidBody {
                    kind,
                    reason: "every term must be an object",
                })
            }
        }
        Some(_) => Err(SessionError::InvalidBody {
            kind,
            reason: "terms must be an object",
        }),
    }
}

/// An offer's or counter's `valid_until`, if it states one.
fn valid_until(message: &Message) -> Result<Option<Timestamp>, SessionError> {
    match message.body().get("valid_until") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => {
            wire::parse_timestamp(text)
                .map(Some)
                .ok_or(SessionError::InvalidBody {
                    kind: message.message_type(),
                    reason: "valid_until is not an RFC 3339 date-time",
                })
        }
        Some(_) => Err(SessionError::InvalidBody {
            kind: message.message_type(),
            reason: "valid_until is not a string",
        }),
    }
}

impl Session {
    /// A session with these timing limits and clock, timing checks on (see
    /// [`Session::builder`] for the other settings).
    #[must_use]
    pub fn new(session_id: impl Into<String>, timing: TimingConfig, clock: Arc<dyn Clock>) -> Self {
        Session::builder(session_id)
            .timing(timing)
            .clock(clock)
            .build()
    }

    /// A builder with the defaults: the reference's timing limits, the system clock, timing
    /// checks on, [`DEFAULT_MAX_CLOCK_SKEW`] and [`DEFAULT_MAX_MESSAGES`].
    #[must_use]
    pub fn builder(session_id: impl Into<String>) -> SessionBuilder {
        SessionBuilder {
            session_id: session_id.into(),
            timing: TimingConfig::default(),
            clock: Arc::new(SystemClock),
            enforce_timing: true,
            max_clock_skew: DEFAULT_MAX_CLOCK_SKEW,
            max_messages: DEFAULT_MAX_MESSAGES,
        }
    }

    /// Registers a party and the key its messages must be signed with. Parties keep their
    /// registration order (attestations list them in it).
    pub fn add_party(
        &mut self,
        agent_id: impl Into<String>,
        role: PartyRole,
        key: PublicKey,
    ) -> Result<(), SessionError> {
        let agent_id = agent_id.into();
        if agent_id.is_empty() || agent_id.len() > MAX_ID_LEN {
            return Err(SessionError::InvalidAgentId);
        }
        if self.party_index(&agent_id).is_some() {
            return Err(SessionError::DuplicateParty { agent_id });
        }
        self.parties.push(Party {
            agent_id,
            role,
            key,
            behavior: BehaviorRecord::default(),
            last_terms: None,
        });
        Ok(())
    }

    fn party_index(&self, agent_id: &str) -> Option<usize> {
        self.parties.iter().position(|p| p.agent_id == agent_id)
    }

    /// Verifies and admits a message (see the module documentation for the checks). Returns
    /// the new state; on error the session is unchanged.
    pub fn apply(&mut self, message: Message) -> Result<SessionState, SessionError> {
        let sender =
            self.party_index(message.sender())
                .ok_or_else(|| SessionError::UnknownSender {
                    agent_id: message.sender().to_owned(),
                })?;
        let key = self
            .parties
            .get(sender)
            .map(|p| p.key)
            .ok_or(SessionError::InvalidAgentId)?;
        let invalid = || SessionError::InvalidSignature {
            agent_id: message.sender().to_owned(),
        };
        let (preimage, full) = message.canonical_forms().map_err(|_| invalid())?;
        let signature = wire::decode_signature(message.signature()).map_err(|_| invalid())?;
        key.verify(&preimage, &signature).map_err(|_| invalid())?;
        self.admit(message, sender, Some(full))
    }

    /// Signs an outgoing message as its sender and admits it to this replica; returns the
    /// message to send (serialise it with [`Message::to_json`]).
    ///
    /// The admission checks are those of [`Session::apply`] except the signature check: the
    /// signature was just made by `signer`, whose public key must be the one registered for
    /// the sender (otherwise [`SessionError::SignerMismatch`]). Receivers verify it.
    pub fn send<S: Signer + ?Sized>(
        &mut self,
        builder: MessageBuilder,
        signer: &S,
    ) -> Result<&Message, SessionError> {
        let (message, canonical) = builder
            .sign_canonical(signer)
            .map_err(SessionError::Malformed)?;
        let sender =
            self.party_index(message.sender())
                .ok_or_else(|| SessionError::UnknownSender {
                    agent_id: message.sender().to_owned(),
                })?;
        let registered = self.parties.get(sender).map(|p| p.key);
        if registered != Some(signer.public_key()) {
            return Err(SessionError::SignerMismatch {
                agent_id: message.sender().to_owned(),
            });
        }
        self.admit(message, sender, Some(canonical))?;
        self.transcript.last().ok_or(SessionError::InvalidAgentId)
    }

    /// Parses a received message and applies it. The reference's checks run in its order on
    /// the raw object first (sender, signature, key, session, chain), so a message failing
    /// several gets the same error as there; then the envelope is shape-checked (an unknown
    /// `type` gives [`SessionError::UnknownType`]) and admitted.
    pub fn apply_value(&mut self, value: &Value) -> Result<SessionState, SessionError> {
        self.apply_owned(value.clone())
    }

    /// Parses JSON text (strictly, see [`wire::parse`]) and applies it as
    /// [`Session::apply_value`] does.
    pub fn apply_json(&mut self, text: &str) -> Result<SessionState, SessionError> {
        let value = wire::parse(text).map_err(|e| SessionError::Malformed(e.into()))?;
        self.apply_owned(value)
    }

    fn apply_owned(&mut self, value: Value) -> Result<SessionState, SessionError> {
        let sender = {
            let object = value
                .as_object()
                .ok_or(SessionError::Malformed(MessageError::NotObject))?;
            let agent_id = object
                .get("from")
                .and_then(|f| f.get("agent_id"))
                .and_then(Value::as_str)
                .filter(|id| !id.is_empty())
                .ok_or(SessionError::MissingSender)?;
            let signature = match object.get("signature") {
                None | Some(Value::Null) => return Err(SessionError::Unsigned),
                Some(Value::String(s)) if s.is_empty() => return Err(SessionError::Unsigned),
                Some(Value::String(s)) => s.as_str(),
                Some(_) => {
                    return Err(SessionError::InvalidSignature {
                        agent_id: agent_id.to_owned(),
                    });
                }
            };
            let sender = self
                .party_index(agent_id)
                .ok_or_else(|| SessionError::UnknownSender {
                    agent_id: agent_id.to_owned(),
                })?;
            let key = self
                .parties
                .get(sender)
                .map(|p| p.key)
                .ok_or(SessionError::InvalidAgentId)?;
            let invalid = || SessionError::InvalidSignature {
                agent_id: agent_id.to_owned(),
            };
            let (preimage, full) =
                wire::canonical_with_and_without(object, "signature").map_err(|_| invalid())?;
            let signature = wire::decode_signature(signature).map_err(|_| invalid())?;
            key.verify(&preimage, &signature).map_err(|_| invalid())?;
            self.check_binding(object.get("session_id"))?;
            self.check_link(object.get("prev_hash"))?;
            (sender, full)
        };
        let (sender, full) = sender;
        let message = Message::from_value(value)?;
        self.admit(message, sender, Some(full))
    }

    fn check_binding(&self, session_id: Option<&Value>) -> Result<(), SessionError> {
        match session_id {
            Some(Value::String(found)) if *found == self.session_id => Ok(()),
            Some(Value::String(found)) => Err(SessionError::SessionMismatch {
                found: found.clone(),
            }),
            None | Some(Value::Null) => Err(MessageError::Missing("session_id").into()),
            Some(_) => Err(MessageError::Invalid {
                member: "session_id",
                reason: "not a string",
            }
            .into()),
        }
    }

    fn check_link(&self, prev_hash: Option<&Value>) -> Result<(), SessionError> {
        match prev_hash {
            Some(Value::String(found)) if *found == self.tip => Ok(()),
            Some(Value::String(found)) => Err(SessionError::BrokenChain {
                found: found.clone(),
            }),
            None | Some(Value::Null) => Err(MessageError::Missing("prev_hash").into()),
            Some(_) => Err(MessageError::Invalid {
                member: "prev_hash",
                reason: "not a string",
            }
            .into()),
        }
    }

    /// Admits a message whose signature `sender`'s key has verified: every remaining check
    /// first, then the update, which cannot fail.
    /// Admits a message whose signature has been checked. `canonical` is its full canonical
    /// form when the caller has already computed it.
    fn admit(
        &mut self,
        message: Message,
        sender: usize,
        canonical: Option<Vec<u8>>,
    ) -> Result<SessionState, SessionError> {
        if message.session_id() != self.session_id {
            return Err(SessionError::SessionMismatch {
                found: message.session_id().to_owned(),
            });
        }
        if message.prev_hash() != self.tip {
            return Err(SessionError::BrokenChain {
                found: message.prev_hash().to_owned(),
            });
        }
        let kind = message.message_type();
        let next = transition(self.state, kind).ok_or(SessionError::IllegalTransition {
            kind,
            state: self.state,
        })?;
        match (self.transcript.is_empty(), kind == MessageType::Open) {
            (true, false) => return Err(SessionError::NotOpened { kind }),
            (false, true) => return Err(SessionError::AlreadyOpened),
            _ => {}
        }
        if kind.is_round() && self.round_count >= self.timing.max_rounds {
            return Err(SessionError::MaxRounds {
                max_rounds: self.timing.max_rounds,
            });
        }
        if self.transcript.len() >= self.max_messages {
            return Err(SessionError::TranscriptFull {
                max_messages: self.max_messages,
            });
        }
        let terms = read_terms(&message)?;
        if kind.is_round() {
            valid_until(&message)?;
        }
        self.check_roles(&message)?;
        let now = self.clock.now();
        if self.enforce_timing {
            self.check_timing(&message, now)?;
        }
        let party = self
            .parties
            .get(sender)
            .ok_or(SessionError::InvalidAgentId)?;
        let concession = match (terms.filter(|t| !t.is_empty()), party.last_terms) {
            (Some(current), Some(index)) if kind.is_round() => {
                let previous = self
                    .transcript
                    .get(index)
                    .and_then(|m| m.body().get("terms"))
                    .and_then(Value::as_object);
                match previous {
                    Some(previous) => Some(behavior::compute_concession(previous, current).ok_or(
                        SessionError::InvalidBody {
                            kind,
                            reason: "term values too far apart to measure a concession",
                        },
                    )?),
                    None => None,
                }
            }
            _ => None,
        };
        let reasoning = message.reasoning().is_some_and(|r| !r.is_empty());
        let record = party.behavior.observe(kind, concession, reasoning).ok_or(
            SessionError::InvalidBody {
                kind,
                reason: "term values too far apart to measure a concession",
            },
        )?;
        let canonical = match canonical {
            Some(bytes) => bytes,
            None => wire::canonical_without(message.as_object(), &[])
                .map_err(|e| SessionError::Malformed(e.into()))?,
        };
        let new_terms = terms.is_some_and(|t| !t.is_empty());

        // Every check has passed: update. Nothing below can fail.
        let index = self.transcript.len();
        self.tip = wire::sha256_ref(&canonical);
        self.transcript_digest.update(&canonical);
        if let Some(party) = self.parties.get_mut(sender) {
            party.behavior = record;
            if kind.is_round() && new_terms {
                party.last_terms = Some(index);
            }
        }
        if kind.is_round() {
            self.round_count = self.round_count.saturating_add(1);
            self.standing_offer = Some(index);
        }
        if kind == MessageType::Open {
            self.ttl_anchor = Some(message.timestamp());
        }
        let previous = self.state;
        if previous == SessionState::Dormant {
            // Reactivation: the session runs again, on a fresh session_ttl.
            self.ttl_anchor = Some(message.timestamp());
            self.concluded_at = None;
        }
        self.state = next;
        if matches!(next, SessionState::Agreed | SessionState::Rejected) && previous != next {
            self.concluded_at = Some(now);
        }
        self.transcript.push(message);
        Ok(next)
    }

    fn check_roles(&self, message: &Message) -> Result<(), SessionError> {
        let kind = message.message_type();
        let violation = |reason| SessionError::RoleViolation {
            agent_id: message.sender().to_owned(),
            kind,
            reason,
        };
        let sender = Some(message.sender());
        match kind {
            MessageType::AcceptSession | MessageType::DeclineSession
                if self.transcript.first().map(Message::sender) == sender =>
            {
                Err(violation("the opener cannot answer its own session"))
            }
            MessageType::Accept | MessageType::Commit
                if self.standing_offer().map(Message::sender) == sender =>
            {
                Err(violation("a party cannot accept its own offer"))
            }
            _ => Ok(()),
        }
    }

    fn check_timing(&self, message: &Message, now: Timestamp) -> Result<(), SessionError> {
        let sent = message.timestamp();
        if after(now, self.max_clock_skew).is_some_and(|limit| sent > limit) {
            return Err(SessionError::FutureTimestamp {
                timestamp: message.timestamp_text().to_owned(),
                max_skew_seconds: self.max_clock_skew,
            });
        }
        if let Some(ttl) = message.ttl()
            && after(sent, ttl).is_some_and(|end| now > end)
        {
            return Err(SessionError::MessageExpired {
                timestamp: message.timestamp_text().to_owned(),
                ttl,
            });
        }
        if matches!(self.state, SessionState::Proposed | SessionState::Active) {
            let anchor = if message.message_type() == MessageType::Open {
                sent
            } else {
                self.ttl_anchor.unwrap_or(self.created_at)
            };
            if after(anchor, self.timing.session_ttl).is_some_and(|end| now > end) {
                return Err(SessionError::SessionTtlElapsed {
                    session_ttl: self.timing.session_ttl,
                });
            }
        }
        if matches!(
            message.message_type(),
            MessageType::Accept | MessageType::Commit
        ) && let Some(deadline) = self.offer_deadline()
            && now > deadline
        {
            return Err(SessionError::OfferExpired { deadline });
        }
        Ok(())
    }

    /// Moves the session to EXPIRED (the reference's `expire`): valid from PROPOSED or ACTIVE.
    pub fn expire(&mut self) -> Result<(), SessionError> {
        if !matches!(self.state, SessionState::Proposed | SessionState::Active) {
            return Err(SessionError::CannotExpire { state: self.state });
        }
        self.state = SessionState::Expired;
        self.concluded_at = Some(self.clock.now());
        Ok(())
    }

    /// Moves the session to DORMANT, from which an offer reactivates it (the reference's
    /// `make_dormant`): valid from REJECTED or EXPIRED.
    pub fn make_dormant(&mut self) -> Result<(), SessionError> {
        if !matches!(self.state, SessionState::Rejected | SessionState::Expired) {
            return Err(SessionError::CannotMakeDormant { state: self.state });
        }
        self.state = SessionState::Dormant;
        self.reactivatable = true;
        Ok(())
    }

    /// Expires the session if its `session_ttl` has passed by the clock; returns whether it
    /// did. Call it periodically, or before acting on a session.
    pub fn check_expiry(&mut self) -> bool {
        match self.expires_at() {
            Some(deadline) if self.clock.now() > deadline => self.expire().is_ok(),
            _ => false,
        }
    }

    /// When the session expires, if it is PROPOSED or ACTIVE (and the time is representable).
    #[must_use]
    pub fn expires_at(&self) -> Option<Timestamp> {
        if !matches!(self.state, SessionState::Proposed | SessionState::Active) {
            return None;
        }
        after(
            self.ttl_anchor.unwrap_or(self.created_at),
            self.timing.session_ttl,
        )
    }

    /// The offer or counter an accept or commit would conclude on.
    #[must_use]
    pub fn standing_offer(&self) -> Option<&Message> {
        self.standing_offer.and_then(|i| self.transcript.get(i))
    }

    /// When the standing offer lapses: the earliest of `offer_ttl` after it, its body's
    /// `valid_until` and its message `ttl`.
    #[must_use]
    pub fn offer_deadline(&self) -> Option<Timestamp> {
        let offer = self.standing_offer()?;
        let sent = offer.timestamp();
        [
            after(sent, self.timing.offer_ttl),
            valid_until(offer).ok().flatten(),
            offer.ttl().and_then(|ttl| after(sent, ttl)),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// The current state.
    #[must_use]
    pub fn state(&self) -> SessionState {
        self.state
    }

    /// The session id.
    #[must_use]
    pub fn session_id(&self) -> &str {
        &self.session_id
    }

    /// The timing limits.
    #[must_use]
    pub fn timing(&self) -> TimingConfig {
        self.timing
    }

    /// Offers and counters admitted.
    #[must_use]
    pub fn round_count(&self) -> u32 {
        self.round_count
    }

    /// The admitted messages, in order.
    #[must_use]
    pub fn transcript(&self) -> &[Message] {
        &self.transcript
    }

    /// The hash the next message must carry as `prev_hash` (the genesis hash when empty).
    #[must_use]
    pub fn prev_hash(&self) -> &str {
        &self.tip
    }

    /// `sha256:` over the concatenated canonical bytes of every message, in order (the
    /// attestation's `transcript_hash`).
    #[must_use]
    pub fn transcript_hash(&self) -> String {
        let digest = self.transcript_digest.clone().finalize();
        format!(
            "{}{}",
            wire::SHA256_PREFIX,
            sanctuary_core::encoding::hex_encode(&digest)
        )
    }

    /// The parties and their roles, in registration order.
    pub fn parties(&self) -> impl Iterator<Item = (&str, PartyRole)> {
        self.parties.iter().map(|p| (p.agent_id.as_str(), p.role))
    }

    /// The parties with keys and behaviour records, in registration order.
    #[must_use]
    pub fn party_records(&self) -> &[Party] {
        &self.parties
    }

    /// A party, if registered.
    #[must_use]
    pub fn party(&self, agent_id: &str) -> Option<&Party> {
        self.parties.iter().find(|p| p.agent_id == agent_id)
    }

    /// A party's behaviour record, if registered.
    #[must_use]
    pub fn behavior(&self, agent_id: &str) -> Option<&BehaviorRecord> {
        self.party(agent_id).map(Party::behavior)
    }

    /// The term space from the open message (`None` before it, or if it defined none).
    #[must_use]
    pub fn terms(&self) -> Option<&Map<String, Value>> {
        self.transcript
            .first()
            .and_then(|open| open.body().get("terms"))
            .and_then(Value::as_object)
    }

    /// When the session object was created, by its clock.
    #[must_use]
    pub fn created_at(&self) -> Timestamp {
        self.created_at
    }

    /// When the session reached AGREED, REJECTED or EXPIRED (cleared by reactivation).
    #[must_use]
    pub fn concluded_at(&self) -> Option<Timestamp> {
        self.concluded_at
    }

    /// Whole seconds from creation to conclusion, or to now if not concluded (0 if the clock
    /// went backwards).
    #[must_use]
    pub fn duration_seconds(&self) -> u64 {
        let end = self.concluded_at.unwrap_or_else(|| self.clock.now());
        end.duration_since(self.created_at)
            .map_or(0, |d| d.as_secs())
    }

    /// Whether the state is AGREED, REJECTED or EXPIRED.
    #[must_use]
    pub fn is_terminal(&self) -> bool {
        self.state.is_terminal()
    }

    /// Whether the session has been made dormant (and so may be reactivated by an offer).
    #[must_use]
    pub fn reactivatable(&self) -> bool {
        self.reactivatable
    }

    /// Whether timing checks are enforced on admission.
    #[must_use]
    pub fn enforces_timing(&self) -> bool {
        self.enforce_timing
    }

    /// A builder for the next message of this session: `session_id`, `prev_hash` (the tip)
    /// and the timestamp (the session's clock) filled in.
    #[must_use]
    pub fn builder_for(&self, kind: MessageType, from: impl Into<String>) -> MessageBuilder {
        MessageBuilder::new(kind, self.session_id.clone(), from)
            .prev_hash(self.tip.clone())
            .timestamp(self.clock.now())
    }

    /// What attestation generation needs, borrowed (see [`AttestationView`]).
    #[must_use]
    pub fn attestation_view(&self) -> AttestationView<'_> {
        AttestationView {
            session_id: &self.session_id,
            state: self.state,
            is_terminal: self.is_terminal(),
            parties: &self.parties,
            transcript: &self.transcript,
            chain_head: (!self.transcript.is_empty()).then_some(self.tip.as_str()),
            transcript_hash: self.transcript_hash(),
            message_count: self.transcript.len(),
            round_count: self.round_count,
            terms_count: self.terms().map_or(0, Map::len),
            created_at: self.created_at,
            concluded_at: self.concluded_at,
            duration_seconds: self.duration_seconds(),
        }
    }

    /// The session as [`attestation::generate`] reads it: parties in join order with their
    /// behaviour records, the transcript, the terms count, rounds and duration.
    #[must_use]
    pub fn concluded(&self) -> ConcludedSession<'_> {
        ConcludedSession {
            session_id: self.session_id.clone(),
            state: self.state,
            parties: self
                .parties
                .iter()
                .map(|p| ConcludedParty::new(p.agent_id.clone(), p.role, p.behavior))
                .collect(),
            transcript: &self.transcript,
            terms_count: self.terms().map_or(0, Map::len),
            round_count: self.round_count,
            duration_seconds: self.duration_seconds(),
        }
    }

    /// Generates this session's attestation (a receipt), signed by the parties in `signers`
    /// (usually just this agent: the counterparty adds its signature with
    /// [`attestation::sign_as_party`] and countersigns). Refused unless the session is agreed,
    /// rejected or expired.
    pub fn attest(
        &self,
        signers: &[(&str, &dyn Signer)],
        options: &GenerateOptions,
    ) -> Result<Value, AttestationError> {
        attestation::generate(&self.concluded(), signers, options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::SIGNATURE_EXCLUDED;
    use sanctuary_core::identity::{Identity, SecretSeed};
    use sanctuary_core::time::ManualClock;
    use serde_json::json;

    const A: &str = "did:example:alice";
    const B: &str = "did:example:bob";

    struct Kit {
        alice: Identity,
        bob: Identity,
        clock: Arc<ManualClock>,
        t0: Timestamp,
    }

    impl Kit {
        fn new() -> Kit {
            let t0 = Timestamp::from_unix_seconds(1_780_056_000).unwrap();
            Kit {
                alice: Identity::from_seed(&SecretSeed::from_bytes([1; 32])),
                bob: Identity::from_seed(&SecretSeed::from_bytes([2; 32])),
                clock: Arc::new(ManualClock::new(t0)),
                t0,
            }
        }

        fn session(&self, id: &str, timing: TimingConfig) -> Session {
            let mut s = Session::new(id, timing, self.clock.clone());
            s.add_party(A, PartyRole::Initiator, *self.alice.public())
                .unwrap();
            s.add_party(B, PartyRole::Responder, *self.bob.public())
                .unwrap();
            s
        }

        fn at(&self, seconds: u64) {
            self.clock.set(after(self.t0, seconds).unwrap());
        }

        fn msg(&self, s: &Session, kind: MessageType, from: &str, body: Value) -> Message {
            let signer = if from == A { &self.alice } else { &self.bob };
            s.builder_for(kind, from).body(body).sign(signer).unwrap()
        }

        fn send(
            &self,
            s: &mut Session,
            kind: MessageType,
            from: &str,
            body: Value,
        ) -> Result<SessionState, SessionError> {
            let m = self.msg(s, kind, from, body);
            s.apply(m)
        }

        fn active(&self, s: &mut Session) {
            let open = json!({"terms": {"price": {"type": "numeric", "value": 100}}});
            self.send(s, MessageType::Open, A, open).unwrap();
            self.send(s, MessageType::AcceptSession, B, json!({}))
                .unwrap();
        }
    }

    fn price(value: Value) -> Value {
        json!({"terms": {"price": {"value": value}}})
    }

    type Snapshot = (
        SessionState,
        usize,
        String,
        u32,
        Vec<BehaviorRecord>,
        Option<Timestamp>,
        String,
        Option<Timestamp>,
    );

    fn snapshot(s: &Session) -> Snapshot {
        (
            s.state(),
            s.transcript().len(),
            s.prev_hash().to_owned(),
            s.round_count(),
            s.party_records().iter().map(|p| *p.behavior()).collect(),
            s.concluded_at(),
            s.transcript_hash(),
            s.offer_deadline(),
        )
    }

    /// Applies `m` expecting refusal, and checks that nothing changed.
    fn refused(s: &mut Session, m: Message) -> SessionError {
        let before = snapshot(s);
        let err = s.apply(m).unwrap_err();
        assert_eq!(snapshot(s), before, "refusal changed the session: {err}");
        err
    }

    #[test]
    fn refusals_leave_the_session_untouched() {
        let k = Kit::new();
        let timing = TimingConfig {
            max_rounds: 2,
            ..TimingConfig::default()
        };
        let mut s = k.session("ses_atomic", timing);
        k.active(&mut s);
        k.send(&mut s, MessageType::Offer, A, price(json!(100)))
            .unwrap();
        // Late failures: the checks after the transition and round cap.
        let own = k.msg(&s, MessageType::Accept, A, json!({}));
        assert!(matches!(
            refused(&mut s, own),
            SessionError::RoleViolation { .. }
        ));
        let bad_terms = k.msg(&s, MessageType::Counter, B, json!({"terms": [1]}));
        assert!(matches!(
            refused(&mut s, bad_terms),
            SessionError::InvalidBody { .. }
        ));
        let bad_term = k.msg(&s, MessageType::Counter, B, json!({"terms": {"p": 5}}));
        assert!(matches!(
            refused(&mut s, bad_term),
            SessionError::InvalidBody { .. }
        ));
        let bad_until = k.msg(
            &s,
            MessageType::Counter,
            B,
            json!({"terms": {}, "valid_until": "soon"}),
        );
        assert!(matches!(
            refused(&mut s, bad_until),
            SessionError::InvalidBody { .. }
        ));
        // A concession that cannot be measured, from a party with a previous offer.
        k.send(&mut s, MessageType::Counter, B, price(json!(5e-324)))
            .unwrap();
        let extreme = k.msg(&s, MessageType::Counter, B, price(json!(1e308)));
        assert!(matches!(
            refused(&mut s, extreme),
            SessionError::MaxRounds { .. }
        ));
        let mut roomy = k.session("ses_atomic2", TimingConfig::default());
        k.active(&mut roomy);
        k.send(&mut roomy, MessageType::Counter, B, price(json!(5e-324)))
            .unwrap();
        let extreme = k.msg(&roomy, MessageType::Counter, B, price(json!(1e308)));
        assert!(matches!(
            refused(&mut roomy, extreme),
            SessionError::InvalidBody { .. }
        ));
        // After conclusion everything is refused and nothing moves.
        k.send(&mut s, MessageType::Accept, A, json!({})).unwrap();
        let late = k.msg(&s, MessageType::Signal, B, json!({}));
        assert!(matches!(
            refused(&mut s, late),
            SessionError::IllegalTransition { .. }
        ));
    }

    #[test]
    fn replays_forks_and_foreign_sessions_are_refused() {
        let k = Kit::new();
        let mut s = k.session("ses_a", TimingConfig::default());
        let open = k.msg(&s, MessageType::Open, A, json!({}));
        s.apply(open.clone()).unwrap();
        // The same message again no longer chains.
        assert_eq!(
            refused(&mut s, open.clone()),
            SessionError::BrokenChain {
                found: GENESIS_HASH.to_owned()
            }
        );
        // A fork: a second message on the same parent after the first was admitted.
        let accept = k.msg(&s, MessageType::AcceptSession, B, json!({}));
        let decline = k.msg(&s, MessageType::DeclineSession, B, json!({}));
        s.apply(accept).unwrap();
        assert!(matches!(
            refused(&mut s, decline),
            SessionError::BrokenChain { .. }
        ));
        // Session A's open, validly signed, fed to session B with the same parties.
        let mut b = k.session("ses_b", TimingConfig::default());
        assert_eq!(
            refused(&mut b, open.clone()),
            SessionError::SessionMismatch {
                found: "ses_a".to_owned()
            }
        );
        assert_eq!(
            b.apply_value(&open.to_value()).unwrap_err().to_string(),
            "Message session_id does not match this session — cross-session replay rejected"
        );
    }

    #[test]
    fn signatures_must_be_the_registered_senders() {
        let k = Kit::new();
        let mut s = k.session("ses_sig", TimingConfig::default());
        let open = k.msg(
            &s,
            MessageType::Open,
            A,
            json!({"terms": {"p": {"value": 1}}}),
        );
        // Tampered after signing.
        let mut v = open.to_value();
        v["body"]["terms"]["p"]["value"] = json!(2);
        let tampered = Message::from_value(v.clone()).unwrap();
        assert_eq!(
            refused(&mut s, tampered),
            SessionError::InvalidSignature {
                agent_id: A.to_owned()
            }
        );
        assert!(matches!(
            s.apply_value(&v),
            Err(SessionError::InvalidSignature { .. })
        ));
        // Claiming to be alice, signed by bob.
        let forged = s.builder_for(MessageType::Open, A).sign(&k.bob).unwrap();
        assert!(matches!(
            refused(&mut s, forged),
            SessionError::InvalidSignature { .. }
        ));
        // A well-signed message from an agent that is not a party.
        let carol = Identity::from_seed(&SecretSeed::from_bytes([3; 32]));
        let stranger = s
            .builder_for(MessageType::Open, "did:example:carol")
            .sign(&carol)
            .unwrap();
        assert_eq!(
            refused(&mut s, stranger).to_string(),
            "Unknown agent identity 'did:example:carol' — resolver returned None"
        );
        s.apply(open).unwrap();
    }

    #[test]
    fn checks_run_in_the_reference_order_on_raw_messages() {
        let k = Kit::new();
        let mut s = k.session("ses_order", TimingConfig::default());
        let open = k.msg(&s, MessageType::Open, A, json!({}));
        // A bogus type under a valid signature is reported as the type...
        let mut bogus = open.to_value();
        bogus["type"] = json!("negotiate.bogus");
        let object = bogus.as_object().unwrap().clone();
        let signature = wire::sign_object(&object, SIGNATURE_EXCLUDED, &k.alice).unwrap();
        bogus["signature"] = json!(signature);
        assert_eq!(
            s.apply_value(&bogus).unwrap_err().to_string(),
            "'negotiate.bogus' is not a valid MessageType"
        );
        // ...but behind a bad signature, a wrong session or a broken link, those win.
        let mut unsigned_bogus = open.to_value();
        unsigned_bogus["type"] = json!("negotiate.bogus");
        assert!(matches!(
            s.apply_value(&unsigned_bogus),
            Err(SessionError::InvalidSignature { .. })
        ));
        let mut elsewhere = bogus.clone();
        elsewhere["session_id"] = json!("ses_else");
        let object = elsewhere.as_object().unwrap().clone();
        elsewhere["signature"] =
            json!(wire::sign_object(&object, SIGNATURE_EXCLUDED, &k.alice).unwrap());
        assert!(matches!(
            s.apply_value(&elsewhere),
            Err(SessionError::SessionMismatch { .. })
        ));
        // A message missing session_id entirely is refused (the reference would skip the check).
        let mut unbound = open.to_value();
        unbound.as_object_mut().unwrap().remove("session_id");
        let object = unbound.as_object().unwrap().clone();
        unbound["signature"] =
            json!(wire::sign_object(&object, SIGNATURE_EXCLUDED, &k.alice).unwrap());
        assert_eq!(
            s.apply_value(&unbound),
            Err(SessionError::Malformed(MessageError::Missing("session_id")))
        );
        assert!(matches!(
            s.apply_json("{not json"),
            Err(SessionError::Malformed(MessageError::Wire(_)))
        ));
        assert_eq!(
            s.apply_json("[1]"),
            Err(SessionError::Malformed(MessageError::NotObject))
        );
        assert!(s.transcript().is_empty());
        assert_eq!(s.apply_json(&open.to_json()), Ok(SessionState::Proposed));
    }

    #[test]
    fn max_rounds_refuses_the_offer_that_would_exceed_it() {
        let k = Kit::new();
        let timing = TimingConfig {
            max_rounds: 2,
            ..TimingConfig::default()
        };
        let mut s = k.session("ses_rounds", timing);
        k.active(&mut s);
        k.send(&mut s, MessageType::Offer, A, price(json!(100)))
            .unwrap();
        k.send(&mut s, MessageType::Counter, B, price(json!(90)))
            .unwrap();
        let third = k.msg(&s, MessageType::Offer, A, price(json!(95)));
        assert_eq!(
            refused(&mut s, third).to_string(),
            "Session has reached its max_rounds limit (2); no further offers or counters are accepted"
        );
        // Non-round messages still flow and the session can still conclude.
        k.send(&mut s, MessageType::Signal, A, json!({})).unwrap();
        assert_eq!(
            k.send(&mut s, MessageType::Accept, A, json!({})),
            Ok(SessionState::Agreed)
        );
        assert_eq!(s.round_count(), 2);
    }

    #[test]
    fn session_ttl_expires_through_the_clock() {
        let k = Kit::new();
        let timing = TimingConfig {
            session_ttl: 100,
            ..TimingConfig::default()
        };
        let mut s = k.session("ses_ttl", timing);
        k.active(&mut s);
        assert_eq!(s.expires_at(), after(k.t0, 100));
        k.at(100);
        assert!(!s.check_expiry());
        k.send(&mut s, MessageType::Signal, A, json!({})).unwrap();
        k.at(101);
        let late = k.msg(&s, MessageType::Offer, A, price(json!(1)));
        assert_eq!(
            refused(&mut s, late),
            SessionError::SessionTtlElapsed { session_ttl: 100 }
        );
        assert!(s.check_expiry());
        assert_eq!(s.state(), SessionState::Expired);
        assert_eq!(s.concluded_at(), after(k.t0, 101));
        assert_eq!(s.duration_seconds(), 101);
        assert!(!s.check_expiry());
        assert_eq!(s.expires_at(), None);

        // An open already older than the session ttl is stale on arrival.
        let mut stale = k.session("ses_stale", timing);
        let open = stale
            .builder_for(MessageType::Open, A)
            .timestamp(k.t0)
            .sign(&k.alice)
            .unwrap();
        k.at(500);
        assert!(matches!(
            refused(&mut stale, open),
            SessionError::SessionTtlElapsed { .. }
        ));
    }

    #[test]
    fn an_accept_must_come_before_the_offer_lapses() {
        let k = Kit::new();
        let mut s = k.session("ses_offer", TimingConfig::default());
        k.active(&mut s);
        k.send(&mut s, MessageType::Offer, A, price(json!(100)))
            .unwrap();
        assert_eq!(s.offer_deadline(), after(k.t0, 3600));
        k.at(3601);
        let late = k.msg(&s, MessageType::Accept, B, json!({}));
        assert!(matches!(
            refused(&mut s, late),
            SessionError::OfferExpired { .. }
        ));
        let commit = k.msg(&s, MessageType::Commit, B, json!({}));
        assert!(matches!(
            refused(&mut s, commit),
            SessionError::OfferExpired { .. }
        ));
        // A fresh counter stands anew, and may set an earlier valid_until.
        let until = wire::format_timestamp(after(k.t0, 3611).unwrap());
        let counter = json!({"terms": {"price": {"value": 90}}, "valid_until": until});
        k.send(&mut s, MessageType::Counter, B, counter).unwrap();
        assert_eq!(s.offer_deadline(), after(k.t0, 3611));
        k.at(3611);
        assert_eq!(
            k.send(&mut s, MessageType::Accept, A, json!({})),
            Ok(SessionState::Agreed)
        );

        // The offer's own message ttl, when shorter, is the limit.
        let k = Kit::new();
        let mut s = k.session("ses_offer_ttl", TimingConfig::default());
        k.active(&mut s);
        let offer = s
            .builder_for(MessageType::Offer, A)
            .body(price(json!(1)))
            .ttl(30)
            .sign(&k.alice)
            .unwrap();
        s.apply(offer).unwrap();
        assert_eq!(s.offer_deadline(), after(k.t0, 30));
        k.at(31);
        let late = k.msg(&s, MessageType::Accept, B, json!({}));
        assert!(matches!(
            refused(&mut s, late),
            SessionError::OfferExpired { .. }
        ));
    }

    #[test]
    fn timestamps_from_the_future_and_expired_messages_are_refused() {
        let k = Kit::new();
        let mut s = k.session("ses_time", TimingConfig::default());
        let ahead = s
            .builder_for(MessageType::Open, A)
            .timestamp(after(k.t0, 301).unwrap())
            .sign(&k.alice)
            .unwrap();
        assert!(matches!(
            refused(&mut s, ahead),
            SessionError::FutureTimestamp {
                max_skew_seconds: 300,
                ..
            }
        ));
        let within = s
            .builder_for(MessageType::Open, A)
            .timestamp(after(k.t0, 300).unwrap())
            .sign(&k.alice)
            .unwrap();
        s.apply(within).unwrap();
        k.at(400);
        let short = s
            .builder_for(MessageType::AcceptSession, B)
            .timestamp(after(k.t0, 380).unwrap())
            .ttl(10)
            .sign(&k.bob)
            .unwrap();
        assert!(matches!(
            refused(&mut s, short),
            SessionError::MessageExpired { ttl: 10, .. }
        ));

        // With timing off (replaying a recorded transcript), old and odd times pass.
        let mut replay = Session::builder("ses_time")
            .clock(k.clock.clone())
            .enforce_timing(false)
            .build();
        replay
            .add_party(A, PartyRole::Initiator, *k.alice.public())
            .unwrap();
        replay
            .add_party(B, PartyRole::Responder, *k.bob.public())
            .unwrap();
        assert!(!replay.enforces_timing());
        let old = replay
            .builder_for(MessageType::Open, A)
            .timestamp_text("2001-01-01T00:00:00Z")
            .sign(&k.alice)
            .unwrap();
        replay.apply(old).unwrap();
    }

    #[test]
    fn dormant_sessions_reactivate_with_an_offer() {
        let k = Kit::new();
        let timing = TimingConfig {
            session_ttl: 100,
            ..TimingConfig::default()
        };
        let mut s = k.session("ses_dormant", timing);
        k.active(&mut s);
        k.at(10);
        k.send(&mut s, MessageType::Reject, B, json!({})).unwrap();
        assert_eq!(s.concluded_at(), after(k.t0, 10));
        assert!(!s.reactivatable());
        let early = k.msg(&s, MessageType::Offer, A, price(json!(1)));
        assert!(matches!(
            refused(&mut s, early),
            SessionError::IllegalTransition { .. }
        ));
        s.make_dormant().unwrap();
        assert!(s.reactivatable() && !s.is_terminal());
        assert_eq!(
            s.make_dormant().unwrap_err().to_string(),
            "Cannot make dormant from state dormant"
        );
        // Long after the original session ttl: the reactivating offer starts a fresh one.
        k.at(1000);
        assert_eq!(
            k.send(&mut s, MessageType::Offer, A, price(json!(80))),
            Ok(SessionState::Active)
        );
        assert_eq!(s.concluded_at(), None);
        assert_eq!(s.expires_at(), after(k.t0, 1100));
        k.at(1050);
        assert_eq!(
            k.send(&mut s, MessageType::Accept, B, json!({})),
            Ok(SessionState::Agreed)
        );
        assert_eq!(s.concluded_at(), after(k.t0, 1050));
        validate_chain(s.transcript()).unwrap();
    }

    #[test]
    fn the_open_comes_first_and_once_and_roles_hold() {
        let k = Kit::new();
        let mut s = k.session("ses_roles", TimingConfig::default());
        let early = k.msg(&s, MessageType::AcceptSession, B, json!({}));
        assert_eq!(
            refused(&mut s, early),
            SessionError::NotOpened {
                kind: MessageType::AcceptSession
            }
        );
        k.send(&mut s, MessageType::Open, A, json!({})).unwrap();
        let again = k.msg(&s, MessageType::Open, B, json!({}));
        assert_eq!(refused(&mut s, again), SessionError::AlreadyOpened);
        for kind in [MessageType::AcceptSession, MessageType::DeclineSession] {
            let own = k.msg(&s, kind, A, json!({}));
            assert!(matches!(
                refused(&mut s, own),
                SessionError::RoleViolation { .. }
            ));
        }
        k.send(&mut s, MessageType::AcceptSession, B, json!({}))
            .unwrap();
        k.send(&mut s, MessageType::Offer, A, price(json!(10)))
            .unwrap();
        k.send(&mut s, MessageType::Counter, B, price(json!(9)))
            .unwrap();
        let own = k.msg(&s, MessageType::Commit, B, json!({}));
        assert_eq!(
            refused(&mut s, own).to_string(),
            "agent 'did:example:bob' cannot send negotiate.commit: a party cannot accept its own offer"
        );
        assert_eq!(
            k.send(&mut s, MessageType::Commit, A, json!({})),
            Ok(SessionState::Agreed)
        );
    }

    #[test]
    fn parties_are_registered_once_with_valid_ids() {
        let k = Kit::new();
        let mut s = k.session("ses_parties", TimingConfig::default());
        assert_eq!(
            s.add_party(A, PartyRole::Witness, *k.bob.public()),
            Err(SessionError::DuplicateParty {
                agent_id: A.to_owned()
            })
        );
        assert_eq!(
            s.add_party("", PartyRole::Witness, *k.bob.public()),
            Err(SessionError::InvalidAgentId)
        );
        assert_eq!(
            s.add_party(
                "x".repeat(MAX_ID_LEN + 1),
                PartyRole::Witness,
                *k.bob.public()
            ),
            Err(SessionError::InvalidAgentId)
        );
        assert_eq!(s.party(A).unwrap().public_key(), k.alice.public());
        assert_eq!(s.party(A).unwrap().role(), PartyRole::Initiator);
        assert!(s.behavior("nobody").is_none());
    }

    #[test]
    fn the_transcript_is_bounded() {
        let k = Kit::new();
        let mut s = Session::builder("ses_full")
            .clock(k.clock.clone())
            .max_messages(3)
            .build();
        s.add_party(A, PartyRole::Initiator, *k.alice.public())
            .unwrap();
        s.add_party(B, PartyRole::Responder, *k.bob.public())
            .unwrap();
        k.active(&mut s);
        k.send(&mut s, MessageType::Signal, A, json!({})).unwrap();
        let more = k.msg(&s, MessageType::Signal, A, json!({}));
        assert_eq!(
            refused(&mut s, more),
            SessionError::TranscriptFull { max_messages: 3 }
        );
    }

    #[test]
    fn behaviour_and_attestation_view_follow_the_transcript() {
        let k = Kit::new();
        let mut s = k.session("ses_view", TimingConfig::default());
        k.active(&mut s);
        let offer = s
            .builder_for(MessageType::Offer, A)
            .body(json!({"terms": {"price": {"value": 1000}, "qty": {"value": 10}}}))
            .reasoning("opening")
            .sign(&k.alice)
            .unwrap();
        s.apply(offer).unwrap();
        k.send(&mut s, MessageType::Counter, B, json!({"terms": {}}))
            .unwrap();
        k.send(
            &mut s,
            MessageType::Offer,
            A,
            json!({"terms": {"price": {"value": 850}, "qty": {"value": 12}}}),
        )
        .unwrap();
        k.send(&mut s, MessageType::Signal, B, json!({})).unwrap();
        k.send(&mut s, MessageType::Constrain, B, json!({}))
            .unwrap();
        k.at(7);
        k.send(&mut s, MessageType::Accept, B, json!({})).unwrap();

        let alice = s.behavior(A).unwrap();
        assert_eq!(
            alice.to_value(),
            json!({"offers_made": 2, "concessions": 1, "concession_magnitude": 0.175,
                   "signals_shared": 0, "constraints_declared": 0, "constraints_violated": 0,
                   "reasoning_provided": true, "withdrawal": false,
                   "response_time_avg_seconds": 0.0})
        );
        let bob = s.behavior(B).unwrap();
        assert_eq!(
            (
                bob.offers_made,
                bob.concessions,
                bob.signals_shared,
                bob.constraints_declared
            ),
            (1, 0, 1, 1)
        );

        let view = s.attestation_view();
        assert_eq!(view.session_id, "ses_view");
        assert_eq!(view.state, SessionState::Agreed);
        assert!(view.is_terminal);
        assert_eq!(view.round_count, 3);
        assert_eq!(view.terms_count, 1);
        assert_eq!(view.message_count, 8);
        assert_eq!(view.transcript.len(), 8);
        assert_eq!(
            view.chain_head,
            Some(s.transcript().last().unwrap().hash().unwrap().as_str())
        );
        assert_eq!(view.created_at, k.t0);
        assert_eq!(view.concluded_at, after(k.t0, 7));
        assert_eq!(view.duration_seconds, 7);
        let roles: Vec<_> = view
            .parties
            .iter()
            .map(|p| (p.agent_id(), p.role()))
            .collect();
        assert_eq!(
            roles,
            [(A, PartyRole::Initiator), (B, PartyRole::Responder)]
        );
        // The reference's transcript hash: SHA-256 over the concatenated canonical messages.
        let mut all = Vec::new();
        for m in s.transcript() {
            all.extend(wire::canonical(&m.to_value()).unwrap());
        }
        assert_eq!(view.transcript_hash, wire::sha256_ref(&all));
    }

    #[test]
    fn builder_for_fills_in_the_chain() {
        let k = Kit::new();
        let mut s = k.session("ses_builder", TimingConfig::default());
        let open = s.builder_for(MessageType::Open, A).sign(&k.alice).unwrap();
        assert_eq!(open.session_id(), "ses_builder");
        assert_eq!(open.prev_hash(), GENESIS_HASH);
        assert_eq!(open.timestamp(), k.t0);
        let hash = open.hash().unwrap();
        s.apply(open).unwrap();
        assert_eq!(s.prev_hash(), hash);
        let next = s
            .builder_for(MessageType::AcceptSession, B)
            .sign(&k.bob)
            .unwrap();
        assert_eq!(next.prev_hash(), hash);
    }

    #[test]
    fn expire_follows_the_reference() {
        let k = Kit::new();
        let mut s = k.session("ses_expire", TimingConfig::default());
        k.at(5);
        s.expire().unwrap();
        assert_eq!(s.concluded_at(), after(k.t0, 5));
        assert_eq!(
            s.expire().unwrap_err().to_string(),
            "Cannot expire session in state expired"
        );
        s.make_dormant().unwrap();
        assert_eq!(
            s.expire().unwrap_err(),
            SessionError::CannotExpire {
                state: SessionState::Dormant
            }
        );
    }

    #[test]
    fn validate_chain_names_the_broken_link() {
        let k = Kit::new();
        let mut s = k.session("ses_chain", TimingConfig::default());
        k.active(&mut s);
        k.send(&mut s, MessageType::Signal, A, json!({})).unwrap();
        let mut messages = s.transcript().to_vec();
        validate_chain(&messages).unwrap();
        messages.swap(1, 2);
        assert_eq!(
            validate_chain(&messages),
            Err(ChainError::BrokenLink { index: 1 })
        );
        assert_eq!(validate_chain(&messages[1..]), Err(ChainError::BadGenesis));
        assert_eq!(validate_chain(&[]), Ok(()));
    }
}
