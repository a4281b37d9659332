//! Talking to peers that do not speak Concordia: proposing the protocol (meta-negotiation),
//! and, when the peer declines or does not understand, carrying on in plain text while
//! recording what the unstructured exchange cost ("graceful degradation").
//!
//! The shapes match the Python reference's `degradation` module: [`ProtocolProposal`] and
//! [`ProtocolResponse`] write the same objects as its `to_dict`, a [`DegradedInteraction`]
//! logs the plain-text rounds and [`DegradedInteraction::efficiency_report`] estimates what
//! Concordia would have saved with the reference's formula (a third of the rounds, at least
//! two). [`InteractionManager`] ties them together. Times come from a
//! [`sanctuary_core::time::Clock`], ids from the OS random generator.
//!
//! ```
//! use concordia::degradation::{InteractionManager, InteractionMode, PeerProtocolStatus};
//! use sanctuary_core::time::{ManualClock, Timestamp};
//! use std::sync::Arc;
//!
//! let clock = Arc::new(ManualClock::new(Timestamp::from_unix_seconds(1_780_056_000)?));
//! let mut manager = InteractionManager::new(clock);
//! let proposal = manager.propose_protocol("agent_a", "agent_b")?.clone();
//! let id = manager
//!     .start_degraded("agent_a", "agent_b", PeerProtocolStatus::Unknown, Some(&proposal.proposal_id))?
//!     .interaction_id()
//!     .to_owned();
//! manager.add_message(&id, "agent_a", "Would you take $100?")?;
//! let (_response, mode) = manager.handle_response(&proposal.proposal_id, true, None, None)?;
//! assert_eq!(mode, InteractionMode::Upgraded);
//! assert_eq!(manager.get_interaction(&id).map(|i| i.mode()), Some(InteractionMode::Upgraded));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Deviations from the Python reference
//!
//! The reference's logs and registries grow without limit. Here an interaction holds at most
//! [`MAX_LOG_MESSAGES`] entries (further messages are refused; the upgrade notice is skipped
//! when the log is full, though the mode still changes), a message is at most
//! [`MAX_CONTENT_LEN`] bytes, a manager tracks at most [`MAX_INTERACTIONS`] interactions and
//! [`MAX_PROPOSALS`] proposals, and ids and agent ids are at most
//! [`crate::offer::MAX_ID_LEN`] bytes. Recording a message in an unknown interaction is an
//! error rather than `None`. The reference has no parsers for proposals and responses;
//! [`ProtocolProposal::from_value`] and [`ProtocolResponse::from_value`] check every member
//! they read and refuse a proposal for another protocol or version.

use crate::message::PROTOCOL_VERSION;
use crate::offer::{MAX_ID_LEN, MAX_TEXT_LEN, ShapeError};
use crate::wire;
use sanctuary_core::time::Clock;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// The `type` of a protocol proposal object.
pub const PROPOSAL_TYPE: &str = "concordia.protocol_proposal";

/// The `type` of a protocol response object.
pub const RESPONSE_TYPE: &str = "concordia.protocol_response";

/// Where a proposal points the peer for the specification.
pub const SPEC_URL: &str = "https://github.com/eriknewton/concordia-protocol";

/// The most entries one degraded interaction's log holds.
pub const MAX_LOG_MESSAGES: usize = 1024;

/// The longest plain-text message recorded, in bytes.
pub const MAX_CONTENT_LEN: usize = 65_536;

/// The most interactions one manager tracks.
pub const MAX_INTERACTIONS: usize = 10_000;

/// The most proposals one manager keeps.
pub const MAX_PROPOSALS: usize = 10_000;

/// Why a degradation operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DegradationError {
    /// An object from a peer is missing a member or has a mistyped one.
    #[error(transparent)]
    Shape(#[from] ShapeError),
    /// The object is not a JSON object.
    #[error("not a json object")]
    NotObject,
    /// The object's `type` is not the expected one.
    #[error("'type' is not '{expected}'")]
    WrongType {
        /// The `type` required.
        expected: &'static str,
    },
    /// A proposal for another protocol, or another version of this one.
    #[error("proposal is for protocol '{name}' version '{version}'")]
    Incompatible {
        /// The protocol name proposed (at most [`MAX_ID_LEN`] bytes).
        name: String,
        /// The version proposed (at most [`MAX_ID_LEN`] bytes).
        version: String,
    },
    /// A timestamp is not an RFC 3339 date-time with a zone.
    #[error("'timestamp' is not an RFC 3339 date-time")]
    BadTimestamp,
    /// An id or agent id is longer than [`MAX_ID_LEN`] bytes.
    #[error("'{member}' is longer than {max} bytes")]
    IdTooLong {
        /// The argument.
        member: &'static str,
        /// The bound.
        max: usize,
    },
    /// No interaction has this id.
    #[error("no such interaction")]
    UnknownInteraction,
    /// The interaction's log is full.
    #[error("interaction log holds {max} entries already")]
    LogFull {
        /// The bound.
        max: usize,
    },
    /// A message is longer than [`MAX_CONTENT_LEN`] bytes.
    #[error("message is longer than {max} bytes")]
    ContentTooLong {
        /// The bound.
        max: usize,
    },
    /// The manager tracks [`MAX_INTERACTIONS`] interactions already.
    #[error("{max} interactions tracked already")]
    TooManyInteractions {
        /// The bound.
        max: usize,
    },
    /// The manager keeps [`MAX_PROPOSALS`] proposals already.
    #[error("{max} proposals kept already")]
    TooManyProposals {
        /// The bound.
        max: usize,
    },
    /// The operating system's random generator failed (making an id).
    #[error("the OS random generator failed")]
    Random,
}

macro_rules! spelled_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// The wire spelling.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The value with this wire spelling, if any.
            #[must_use]
            pub fn from_wire(text: &str) -> Option<$name> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

spelled_enum! {
    /// What a peer is known to speak.
    PeerProtocolStatus {
        /// The peer speaks Concordia.
        Concordia => "concordia",
        /// Not known yet.
        Unknown => "unknown",
        /// Offered Concordia, the peer declined.
        Declined => "declined",
        /// The peer speaks another version.
        Incompatible => "incompatible",
    }
}

spelled_enum! {
    /// The mode an interaction runs in.
    InteractionMode {
        /// Both peers speak Concordia.
        ConcordiaNative => "concordia_native",
        /// Plain text with a peer that does not.
        Degraded => "degraded",
        /// Proposing Concordia.
        MetaNegotiating => "meta_negotiating",
        /// The peer accepted Concordia part-way through.
        Upgraded => "upgraded",
    }
}

fn random_id(prefix: &str) -> Result<String, DegradationError> {
    use sanctuary_core::rand_core::{OsRng, RngCore as _};
    // Twelve hex digits, as the reference's `uuid4().hex[:12]`.
    let mut bytes = [0u8; 6];
    OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|_| DegradationError::Random)?;
    Ok(format!(
        "{prefix}{}",
        sanctuary_core::encoding::hex_encode(&bytes)
    ))
}

fn bounded(text: &str, member: &'static str) -> Result<String, DegradationError> {
    if text.len() > MAX_ID_LEN {
        Err(DegradationError::IdTooLong {
            member,
            max: MAX_ID_LEN,
        })
    } else {
        Ok(text.to_owned())
    }
}

fn now_text(clock: &dyn Clock) -> String {
    wire::format_timestamp(clock.now())
}

/// Reads the members shared by proposals and responses: `type` and an RFC 3339 `timestamp`.
fn check_envelope<'a>(
    value: &'a Value,
    expected: &'static str,
) -> Result<(&'a Map<String, Value>, String), DegradationError> {
    let map = value.as_object().ok_or(DegradationError::NotObject)?;
    if map.get("type").and_then(Value::as_str) != Some(expected) {
        return Err(DegradationError::WrongType { expected });
    }
    let timestamp = crate::offer::req_id(map, "timestamp")?;
    if wire::parse_timestamp(&timestamp).is_none() {
        return Err(DegradationError::BadTimestamp);
    }
    Ok((map, timestamp))
}

/// A proposal to use Concordia for an interaction: what it offers and how to adopt it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolProposal {
    /// The proposal id (`proto_prop_` and 12 hex digits when generated).
    pub proposal_id: String,
    /// Who proposes.
    pub proposer_agent_id: String,
    /// To whom.
    pub target_agent_id: String,
    /// When (`YYYY-MM-DDTHH:MM:SSZ`).
    pub timestamp: String,
}

impl ProtocolProposal {
    /// A proposal with a fresh id, stamped now.
    pub fn new(
        proposer_agent_id: &str,
        target_agent_id: &str,
        clock: &dyn Clock,
    ) -> Result<Self, DegradationError> {
        Ok(ProtocolProposal {
            proposal_id: random_id("proto_prop_")?,
            proposer_agent_id: bounded(proposer_agent_id, "proposer_agent_id")?,
            target_agent_id: bounded(target_agent_id, "target_agent_id")?,
            timestamp: now_text(clock),
        })
    }

    /// The proposal object, as the reference's `to_dict` writes it.
    #[must_use]
    pub fn to_value(&self) -> Value {
        fn object(members: Vec<(&str, Value)>) -> Value {
            Value::Object(
                members
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect(),
            )
        }
        let s = |t: &str| Value::String(t.to_owned());
        let comparison = |with: bool| {
            object(vec![
                (
                    "offer_structure",
                    s(if with {
                        "Typed, multi-attribute, conditional"
                    } else {
                        "Unstructured free-text or ad-hoc JSON"
                    }),
                ),
                ("binding_commitments", Value::Bool(with)),
                ("session_receipts", Value::Bool(with)),
                ("reputation_building", Value::Bool(with)),
                ("resolution_mechanisms", Value::Bool(with)),
                (
                    "typical_rounds",
                    s(if with {
                        "2-5 (structured convergence)"
                    } else {
                        "5-15 (unstructured back-and-forth)"
                    }),
                ),
            ])
        };
        object(vec![
            ("type", s(PROPOSAL_TYPE)),
            ("proposal_id", s(&self.proposal_id)),
            ("proposer_agent_id", s(&self.proposer_agent_id)),
            ("target_agent_id", s(&self.target_agent_id)),
            ("timestamp", s(&self.timestamp)),
            (
                "protocol",
                object(vec![
                    ("name", s("concordia")),
                    ("version", s(PROTOCOL_VERSION)),
                    ("spec_url", s(SPEC_URL)),
                ]),
            ),
            (
                "benefits",
                Value::Array(
                    [
                        "Structured multi-attribute offers with binding commitments",
                        "Cryptographic session receipts for every interaction",
                        "Reputation attestations that build portable trust",
                        "Resolution mechanisms when negotiations stall",
                        "Conditional offers for complex deal structures",
                        "Natural-language reasoning fields for LLM-native negotiation",
                    ]
                    .into_iter()
                    .map(s)
                    .collect(),
                ),
            ),
            (
                "comparison",
                object(vec![
                    ("without_concordia", comparison(false)),
                    ("with_concordia", comparison(true)),
                ]),
            ),
            (
                "adoption",
                object(vec![
                    ("how", s("pip install concordia-protocol")),
                    ("effort", s("< 1 hour to integrate")),
                    ("backwards_compatible", Value::Bool(true)),
                ]),
            ),
        ])
    }

    /// Reads a peer's proposal: the `type`, the three ids, an RFC 3339 `timestamp`, and a
    /// `protocol` naming Concordia at this crate's version. The descriptive members
    /// (benefits, comparison, adoption) are not read.
    pub fn from_value(value: &Value) -> Result<Self, DegradationError> {
        let (map, timestamp) = check_envelope(value, PROPOSAL_TYPE)?;
        let protocol = map
            .get("protocol")
            .ok_or(ShapeError::Missing { member: "protocol" })?
            .as_object()
            .ok_or(ShapeError::WrongType {
                member: "protocol",
                expected: "an object",
            })?;
        let name = crate::offer::req_id(protocol, "name")?;
        let version = crate::offer::req_id(protocol, "version")?;
        if name != "concordia" || version != PROTOCOL_VERSION {
            return Err(DegradationError::Incompatible { name, version });
        }
        Ok(ProtocolProposal {
            proposal_id: crate::offer::req_id(map, "proposal_id")?,
            proposer_agent_id: crate::offer::req_id(map, "proposer_agent_id")?,
            target_agent_id: crate::offer::req_id(map, "target_agent_id")?,
            timestamp,
        })
    }
}

/// A peer's answer to a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolResponse {
    /// The proposal answered.
    pub proposal_id: String,
    /// Who answers.
    pub responder_agent_id: String,
    /// Whether the peer adopts Concordia.
    pub accepted: bool,
    /// Why, if said.
    pub reason: Option<String>,
    /// When (`YYYY-MM-DDTHH:MM:SSZ`).
    pub timestamp: String,
}

impl ProtocolResponse {
    /// A response stamped now.
    pub fn new(
        proposal_id: &str,
        responder_agent_id: &str,
        accepted: bool,
        reason: Option<&str>,
        clock: &dyn Clock,
    ) -> Result<Self, DegradationError> {
        let reason = match reason {
            Some(r) if r.len() > MAX_TEXT_LEN => {
                return Err(DegradationError::ContentTooLong { max: MAX_TEXT_LEN });
            }
            other => other.map(str::to_owned),
        };
        Ok(ProtocolResponse {
            proposal_id: bounded(proposal_id, "proposal_id")?,
            responder_agent_id: bounded(responder_agent_id, "responder_agent_id")?,
            accepted,
            reason,
            timestamp: now_text(clock),
        })
    }

    /// The response object, as the reference's `to_dict` writes it (`reason` only when
    /// non-empty).
    #[must_use]
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("type".into(), Value::String(RESPONSE_TYPE.into()));
        m.insert(
            "proposal_id".into(),
            Value::String(self.proposal_id.clone()),
        );
        m.insert(
            "responder_agent_id".into(),
            Value::String(self.responder_agent_id.clone()),
        );
        m.insert("accepted".into(), Value::Bool(self.accepted));
        m.insert("timestamp".into(), Value::String(self.timestamp.clone()));
        if let Some(r) = self.reason.as_ref().filter(|r| !r.is_empty()) {
            m.insert("reason".into(), Value::String(r.clone()));
        }
        Value::Object(m)
    }

    /// Reads a peer's response: the `type`, the ids, a boolean `accepted`, an optional string
    /// `reason` and an RFC 3339 `timestamp`.
    pub fn from_value(value: &Value) -> Result<Self, DegradationError> {
        let (map, timestamp) = check_envelope(value, RESPONSE_TYPE)?;
        Ok(ProtocolResponse {
            proposal_id: crate::offer::req_id(map, "proposal_id")?,
            responder_agent_id: crate::offer::req_id(map, "responder_agent_id")?,
            accepted: crate::offer::req_bool(map, "accepted")?,
            reason: crate::offer::opt_text(map, "reason")?,
            timestamp,
        })
    }
}

/// One entry of a degraded interaction's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DegradedMessage {
    /// The round it was recorded in (the upgrade notice takes the next round's number).
    pub round: u64,
    /// The sender (`system` for the upgrade notice).
    pub from: String,
    /// The plain text.
    pub content: String,
    /// When (`YYYY-MM-DDTHH:MM:SSZ`).
    pub timestamp: String,
    /// `false` for plain-text messages, `true` for the upgrade notice.
    pub structured: bool,
}

impl DegradedMessage {
    /// The entry object, as the reference writes it.
    #[must_use]
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("round".into(), Value::from(self.round));
        m.insert("from".into(), Value::String(self.from.clone()));
        m.insert("content".into(), Value::String(self.content.clone()));
        m.insert("timestamp".into(), Value::String(self.timestamp.clone()));
        m.insert("structured".into(), Value::Bool(self.structured));
        Value::Object(m)
    }
}

/// What Concordia would have saved an interaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EfficiencyReport {
    /// The interaction.
    pub interaction_id: String,
    /// Its mode.
    pub mode: InteractionMode,
    /// Plain-text rounds so far.
    pub actual_rounds: u64,
    /// The reference's estimate for Concordia: a third of the rounds, at least two.
    pub estimated_concordia_rounds: u64,
    /// The difference, never negative.
    pub rounds_saved: u64,
}

impl EfficiencyReport {
    /// The estimate for `rounds` plain-text rounds.
    #[must_use]
    pub fn for_rounds(interaction_id: &str, mode: InteractionMode, rounds: u64) -> Self {
        let estimated = (rounds / 3).max(2);
        EfficiencyReport {
            interaction_id: interaction_id.to_owned(),
            mode,
            actual_rounds: rounds,
            estimated_concordia_rounds: estimated,
            rounds_saved: rounds.saturating_sub(estimated),
        }
    }

    /// The sentence the reference puts in `recommendation`.
    #[must_use]
    pub fn recommendation(&self) -> String {
        format!(
            "This interaction used unstructured negotiation. With Concordia, it would have \
             taken ~{} rounds instead of {}, with binding commitments, session receipts, and \
             reputation building. Learn more: {SPEC_URL}",
            self.estimated_concordia_rounds, self.actual_rounds
        )
    }

    /// The report object, as the reference's `efficiency_report()` writes it (every `had_*`
    /// member is `false`: a degraded interaction has none of them).
    #[must_use]
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert(
            "interaction_id".into(),
            Value::String(self.interaction_id.clone()),
        );
        m.insert("mode".into(), Value::String(self.mode.as_str().into()));
        m.insert("actual_rounds".into(), Value::from(self.actual_rounds));
        m.insert(
            "estimated_concordia_rounds".into(),
            Value::from(self.estimated_concordia_rounds),
        );
        m.insert("rounds_saved".into(), Value::from(self.rounds_saved));
        for member in [
            "had_binding_commitment",
            "had_session_receipt",
            "had_reputation_attestation",
            "had_structured_offers",
            "had_resolution_mechanisms",
        ] {
            m.insert(member.into(), Value::Bool(false));
        }
        m.insert(
            "recommendation".into(),
            Value::String(self.recommendation()),
        );
        Value::Object(m)
    }
}

/// A plain-text interaction with a peer that does not (yet) speak Concordia.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DegradedInteraction {
    interaction_id: String,
    agent_id: String,
    peer_id: String,
    peer_status: PeerProtocolStatus,
    mode: InteractionMode,
    proposal_id: Option<String>,
    rounds: u64,
    started_at: String,
    messages: Vec<DegradedMessage>,
}

impl DegradedInteraction {
    /// An interaction in degraded mode, started now. `proposal_id` names the Concordia
    /// proposal sent to the peer, if one was.
    pub fn new(
        interaction_id: &str,
        agent_id: &str,
        peer_id: &str,
        peer_status: PeerProtocolStatus,
        proposal_id: Option<&str>,
        clock: &dyn Clock,
    ) -> Result<Self, DegradationError> {
        Ok(DegradedInteraction {
            interaction_id: bounded(interaction_id, "interaction_id")?,
            agent_id: bounded(agent_id, "agent_id")?,
            peer_id: bounded(peer_id, "peer_id")?,
            peer_status,
            mode: InteractionMode::Degraded,
            proposal_id: proposal_id.map(|p| bounded(p, "proposal_id")).transpose()?,
            rounds: 0,
            started_at: now_text(clock),
            messages: Vec::new(),
        })
    }

    /// Records a plain-text message as the next round.
    pub fn add_message(
        &mut self,
        from_agent: &str,
        content: &str,
        clock: &dyn Clock,
    ) -> Result<DegradedMessage, DegradationError> {
        if self.messages.len() >= MAX_LOG_MESSAGES {
            return Err(DegradationError::LogFull {
                max: MAX_LOG_MESSAGES,
            });
        }
        if content.len() > MAX_CONTENT_LEN {
            return Err(DegradationError::ContentTooLong {
                max: MAX_CONTENT_LEN,
            });
        }
        let from = bounded(from_agent, "from_agent")?;
        self.rounds = self.rounds.saturating_add(1);
        let message = DegradedMessage {
            round: self.rounds,
            from,
            content: content.to_owned(),
            timestamp: now_text(clock),
            structured: false,
        };
        self.messages.push(message.clone());
        Ok(message)
    }

    /// Switches to [`InteractionMode::Upgraded`] after the peer accepted Concordia, and logs
    /// a notice from `system` (skipped when the log is full).
    pub fn upgrade(&mut self, clock: &dyn Clock) {
        self.mode = InteractionMode::Upgraded;
        if self.messages.len() < MAX_LOG_MESSAGES {
            self.messages.push(DegradedMessage {
                round: self.rounds.saturating_add(1),
                from: "system".into(),
                content: "Interaction upgraded to Concordia protocol.".into(),
                timestamp: now_text(clock),
                structured: true,
            });
        }
    }

    /// The summary object, as the reference's `to_dict` writes it.
    #[must_use]
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert(
            "interaction_id".into(),
            Value::String(self.interaction_id.clone()),
        );
        m.insert("agent_id".into(), Value::String(self.agent_id.clone()));
        m.insert("peer_id".into(), Value::String(self.peer_id.clone()));
        m.insert(
            "peer_status".into(),
            Value::String(self.peer_status.as_str().into()),
        );
        m.insert("mode".into(), Value::String(self.mode.as_str().into()));
        m.insert("proposal_sent".into(), Value::Bool(self.proposal_sent()));
        m.insert(
            "proposal_id".into(),
            self.proposal_id.clone().map_or(Value::Null, Value::String),
        );
        m.insert("rounds".into(), Value::from(self.rounds));
        m.insert("started_at".into(), Value::String(self.started_at.clone()));
        m.insert("message_count".into(), Value::from(self.messages.len()));
        Value::Object(m)
    }

    /// What Concordia would have saved so far.
    #[must_use]
    pub fn efficiency_report(&self) -> EfficiencyReport {
        EfficiencyReport::for_rounds(&self.interaction_id, self.mode, self.rounds)
    }

    /// The interaction id.
    #[must_use]
    pub fn interaction_id(&self) -> &str {
        &self.interaction_id
    }

    /// Our agent.
    #[must_use]
    pub fn agent_id(&self) -> &str {
        &self.agent_id
    }

    /// The peer.
    #[must_use]
    pub fn peer_id(&self) -> &str {
        &self.peer_id
    }

    /// What the peer was known to speak when the interaction started.
    #[must_use]
    pub fn peer_status(&self) -> PeerProtocolStatus {
        self.peer_status
    }

    /// The current mode.
    #[must_use]
    pub fn mode(&self) -> InteractionMode {
        self.mode
    }

    /// Whether a Concordia proposal was sent.
    #[must_use]
    pub fn proposal_sent(&self) -> bool {
        self.proposal_id.is_some()
    }

    /// The proposal sent, if any.
    #[must_use]
    pub fn proposal_id(&self) -> Option<&str> {
        self.proposal_id.as_deref()
    }

    /// Plain-text rounds recorded.
    #[must_use]
    pub fn rounds(&self) -> u64 {
        self.rounds
    }

    /// When the interaction started.
    #[must_use]
    pub fn started_at(&self) -> &str {
        &self.started_at
    }

    /// The log.
    #[must_use]
    pub fn messages(&self) -> &[DegradedMessage] {
        &self.messages
    }
}

/// Summary figures across a manager's interactions.
#[derive(Debug, Clone, PartialEq)]
pub struct InteractionStats {
    /// Interactions tracked.
    pub total_interactions: u64,
    /// Of which still degraded.
    pub degraded: u64,
    /// Of which upgraded.
    pub upgraded: u64,
    /// Proposals made.
    pub total_proposals_sent: u64,
    /// Upgraded over total, rounded to 4 decimals (0 with no interactions).
    pub upgrade_rate: f64,
    /// Mean rounds over *all* tracked interactions, rounded to 1 decimal, as the reference
    /// computes it despite the name.
    pub avg_rounds_degraded: f64,
}

impl InteractionStats {
    /// The stats object, as the reference's `stats()` writes it.
    #[must_use]
    pub fn to_value(&self) -> Value {
        let float = |x: f64| serde_json::Number::from_f64(x).map_or(Value::from(0), Value::Number);
        let mut m = Map::new();
        m.insert(
            "total_interactions".into(),
            Value::from(self.total_interactions),
        );
        m.insert("degraded".into(), Value::from(self.degraded));
        m.insert("upgraded".into(), Value::from(self.upgraded));
        m.insert(
            "total_proposals_sent".into(),
            Value::from(self.total_proposals_sent),
        );
        m.insert("upgrade_rate".into(), float(self.upgrade_rate));
        m.insert(
            "avg_rounds_degraded".into(),
            float(self.avg_rounds_degraded),
        );
        Value::Object(m)
    }
}

/// Rounds to `digits` decimals as Python's `round` does: the exact binary value, ties to
/// even. Rust's fixed-precision formatting rounds the same way.
fn py_round(value: f64, digits: usize) -> f64 {
    if !value.is_finite() {
        return 0.0;
    }
    format!("{value:.digits$}").parse().unwrap_or(0.0)
}

/// A quotient of two counts; both are bounded by [`MAX_INTERACTIONS`] and
/// [`MAX_LOG_MESSAGES`], far below 2^53, so the conversions are exact.
fn ratio(numerator: u64, denominator: u64) -> f64 {
    numerator as f64 / denominator as f64
}

/// Tracks proposals and degraded interactions for one agent (or a fleet).
pub struct InteractionManager {
    clock: Arc<dyn Clock>,
    interactions: Vec<DegradedInteraction>,
    index: BTreeMap<String, usize>,
    proposals: BTreeMap<String, ProtocolProposal>,
}

impl fmt::Debug for InteractionManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InteractionManager")
            .field("interactions", &self.interactions.len())
            .field("proposals", &self.proposals.len())
            .finish_non_exhaustive()
    }
}

impl InteractionManager {
    /// An empty manager reading time from `clock`.
    #[must_use]
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        InteractionManager {
            clock,
            interactions: Vec::new(),
            index: BTreeMap::new(),
            proposals: BTreeMap::new(),
        }
    }

    /// Makes and keeps a proposal to use Concordia with `peer_id`.
    pub fn propose_protocol(
        &mut self,
        agent_id: &str,
        peer_id: &str,
    ) -> Result<&ProtocolProposal, DegradationError> {
        if self.proposals.len() >= MAX_PROPOSALS {
            return Err(DegradationError::TooManyProposals { max: MAX_PROPOSALS });
        }
        let proposal = ProtocolProposal::new(agent_id, peer_id, &*self.clock)?;
        match self.proposals.entry(proposal.proposal_id.clone()) {
            // Two equal 48-bit ids: refuse rather than replace the first proposal.
            std::collections::btree_map::Entry::Occupied(_) => Err(DegradationError::Random),
            std::collections::btree_map::Entry::Vacant(slot) => Ok(slot.insert(proposal)),
        }
    }

    /// Records a peer's answer to a proposal. The responder is `responder_agent_id` if given
    /// and non-empty, else the proposal's target, else `unknown`. On acceptance the first
    /// interaction started with this proposal is upgraded; the mode returned is
    /// [`InteractionMode::Upgraded`] on acceptance (even with no such interaction) and
    /// [`InteractionMode::Degraded`] otherwise.
    pub fn handle_response(
        &mut self,
        proposal_id: &str,
        accepted: bool,
        reason: Option<&str>,
        responder_agent_id: Option<&str>,
    ) -> Result<(ProtocolResponse, InteractionMode), DegradationError> {
        let responder = responder_agent_id
            .filter(|r| !r.is_empty())
            .or_else(|| {
                self.proposals
                    .get(proposal_id)
                    .map(|p| p.target_agent_id.as_str())
            })
            .unwrap_or("unknown");
        let response =
            ProtocolResponse::new(proposal_id, responder, accepted, reason, &*self.clock)?;
        if !accepted {
            return Ok((response, InteractionMode::Degraded));
        }
        let clock = Arc::clone(&self.clock);
        if let Some(interaction) = self
            .interactions
            .iter_mut()
            .find(|i| i.proposal_id.as_deref() == Some(proposal_id))
        {
            interaction.upgrade(&*clock);
        }
        Ok((response, InteractionMode::Upgraded))
    }

    /// Starts tracking a degraded interaction with a fresh id (`degraded_` and 12 hex digits).
    pub fn start_degraded(
        &mut self,
        agent_id: &str,
        peer_id: &str,
        peer_status: PeerProtocolStatus,
        proposal_id: Option<&str>,
    ) -> Result<&DegradedInteraction, DegradationError> {
        if self.interactions.len() >= MAX_INTERACTIONS {
            return Err(DegradationError::TooManyInteractions {
                max: MAX_INTERACTIONS,
            });
        }
        let id = random_id("degraded_")?;
        if self.index.contains_key(&id) {
            // Two equal 48-bit ids: refuse rather than shadow the first interaction.
            return Err(DegradationError::Random);
        }
        let interaction = DegradedInteraction::new(
            &id,
            agent_id,
            peer_id,
            peer_status,
            proposal_id,
            &*self.clock,
        )?;
        let slot = self.interactions.len();
        self.index.insert(id, slot);
        self.interactions.push(interaction);
        self.interactions
            .last()
            .ok_or(DegradationError::UnknownInteraction)
    }

    /// Records a plain-text message in an interaction.
    pub fn add_message(
        &mut self,
        interaction_id: &str,
        from_agent: &str,
        content: &str,
    ) -> Result<DegradedMessage, DegradationError> {
        let clock = Arc::clone(&self.clock);
        self.get_mut(interaction_id)
            .ok_or(DegradationError::UnknownInteraction)?
            .add_message(from_agent, content, &*clock)
    }

    fn get_mut(&mut self, interaction_id: &str) -> Option<&mut DegradedInteraction> {
        let slot = *self.index.get(interaction_id)?;
        self.interactions.get_mut(slot)
    }

    /// An interaction by id.
    #[must_use]
    pub fn get_interaction(&self, interaction_id: &str) -> Option<&DegradedInteraction> {
        let slot = *self.index.get(interaction_id)?;
        self.interactions.get(slot)
    }

    /// The efficiency report of an interaction.
    #[must_use]
    pub fn get_efficiency_report(&self, interaction_id: &str) -> Option<EfficiencyReport> {
        self.get_interaction(interaction_id)
            .map(DegradedInteraction::efficiency_report)
    }

    /// A proposal by id.
    #[must_use]
    pub fn get_proposal(&self, proposal_id: &str) -> Option<&ProtocolProposal> {
        self.proposals.get(proposal_id)
    }

    /// Summary figures, computed as the reference's `stats()` does.
    #[must_use]
    pub fn stats(&self) -> InteractionStats {
        let count = |mode| {
            self.interactions
                .iter()
                .filter(|i| i.mode == mode)
                .fold(0u64, |n, _| n.saturating_add(1))
        };
        let total = u64::try_from(self.interactions.len()).unwrap_or(u64::MAX);
        let upgraded = count(InteractionMode::Upgraded);
        let rounds = self
            .interactions
            .iter()
            .fold(0u64, |n, i| n.saturating_add(i.rounds));
        let (upgrade_rate, avg_rounds) = if total == 0 {
            (0.0, 0.0)
        } else {
            (
                py_round(ratio(upgraded, total), 4),
                py_round(ratio(rounds, total), 1),
            )
        };
        InteractionStats {
            total_interactions: total,
            degraded: count(InteractionMode::Degraded),
            upgraded,
            total_proposals_sent: u64::try_from(self.proposals.len()).unwrap_or(u64::MAX),
            upgrade_rate,
            avg_rounds_degraded: avg_rounds,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanctuary_core::time::{ManualClock, Timestamp};
    use serde_json::json;

    /// 2026-05-29T12:00:00.123Z, the instant the reference outputs below were made at.
    fn clock() -> Arc<ManualClock> {
        Arc::new(ManualClock::new(
            Timestamp::from_unix(1_780_056_000, 123_000_000).unwrap(),
        ))
    }

    fn jcs(v: &Value) -> String {
        String::from_utf8(wire::canonical(v).unwrap()).unwrap()
    }

    /// `ProtocolProposal(...).to_dict()` from the Python package with its clock and uuid4
    /// fixed.
    const PY_PROPOSAL: &str = r#"{"type": "concordia.protocol_proposal", "proposal_id": "proto_prop_010000000000", "proposer_agent_id": "agent_a", "target_agent_id": "agent_b", "timestamp": "2026-05-29T12:00:00Z", "protocol": {"name": "concordia", "version": "0.1.0", "spec_url": "https://github.com/eriknewton/concordia-protocol"}, "benefits": ["Structured multi-attribute offers with binding commitments", "Cryptographic session receipts for every interaction", "Reputation attestations that build portable trust", "Resolution mechanisms when negotiations stall", "Conditional offers for complex deal structures", "Natural-language reasoning fields for LLM-native negotiation"], "comparison": {"without_concordia": {"offer_structure": "Unstructured free-text or ad-hoc JSON", "binding_commitments": false, "session_receipts": false, "reputation_building": false, "resolution_mechanisms": false, "typical_rounds": "5-15 (unstructured back-and-forth)"}, "with_concordia": {"offer_structure": "Typed, multi-attribute, conditional", "binding_commitments": true, "session_receipts": true, "reputation_building": true, "resolution_mechanisms": true, "typical_rounds": "2-5 (structured convergence)"}}, "adoption": {"how": "pip install concordia-protocol", "effort": "< 1 hour to integrate", "backwards_compatible": true}}"#;

    #[test]
    fn proposal_matches_python_and_parses_back() {
        let c = clock();
        let mut ours = ProtocolProposal::new("agent_a", "agent_b", &*c).unwrap();
        let hex = ours.proposal_id.strip_prefix("proto_prop_").unwrap();
        assert_eq!(hex.len(), 12);
        assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()));
        ours.proposal_id = "proto_prop_010000000000".into();
        let theirs = wire::parse(PY_PROPOSAL).unwrap();
        assert_eq!(jcs(&ours.to_value()), jcs(&theirs));
        assert_eq!(ProtocolProposal::from_value(&theirs).unwrap(), ours);

        let mut other_version = theirs.clone();
        other_version["protocol"]["version"] = json!("0.2.0");
        assert_eq!(
            ProtocolProposal::from_value(&other_version),
            Err(DegradationError::Incompatible {
                name: "concordia".into(),
                version: "0.2.0".into()
            })
        );
        let mut wrong_type = theirs.clone();
        wrong_type["type"] = json!("concordia.protocol_response");
        assert_eq!(
            ProtocolProposal::from_value(&wrong_type),
            Err(DegradationError::WrongType {
                expected: PROPOSAL_TYPE
            })
        );
        for member in ["proposal_id", "target_agent_id", "timestamp", "protocol"] {
            let mut missing = theirs.clone();
            missing.as_object_mut().unwrap().remove(member);
            assert!(ProtocolProposal::from_value(&missing).is_err(), "{member}");
        }
        let mut bad_time = theirs.clone();
        bad_time["timestamp"] = json!("noon");
        assert_eq!(
            ProtocolProposal::from_value(&bad_time),
            Err(DegradationError::BadTimestamp)
        );
        assert_eq!(
            ProtocolProposal::from_value(&json!([])),
            Err(DegradationError::NotObject)
        );
    }

    #[test]
    fn responses_match_python() {
        let c = clock();
        let cases = [
            (
                true,
                None,
                r#"{"type": "concordia.protocol_response", "proposal_id": "proto_prop_010000000000", "responder_agent_id": "agent_b", "accepted": true, "timestamp": "2026-05-29T12:00:00Z"}"#,
            ),
            (
                false,
                Some("no thanks"),
                r#"{"type": "concordia.protocol_response", "proposal_id": "proto_prop_010000000000", "responder_agent_id": "agent_b", "accepted": false, "timestamp": "2026-05-29T12:00:00Z", "reason": "no thanks"}"#,
            ),
            (
                false,
                Some(""),
                r#"{"type": "concordia.protocol_response", "proposal_id": "proto_prop_010000000000", "responder_agent_id": "agent_b", "accepted": false, "timestamp": "2026-05-29T12:00:00Z"}"#,
            ),
        ];
        for (accepted, reason, python) in cases {
            let ours =
                ProtocolResponse::new("proto_prop_010000000000", "agent_b", accepted, reason, &*c)
                    .unwrap();
            let theirs = wire::parse(python).unwrap();
            assert_eq!(jcs(&ours.to_value()), jcs(&theirs));
            let back = ProtocolResponse::from_value(&theirs).unwrap();
            assert_eq!(back.accepted, accepted);
            assert_eq!(jcs(&back.to_value()), jcs(&theirs));
        }
        let mut bad = wire::parse(cases[0].2).unwrap();
        bad["accepted"] = json!("yes");
        assert!(ProtocolResponse::from_value(&bad).is_err());
    }

    /// `efficiency_report()["estimated_concordia_rounds"]` and `["rounds_saved"]` from the
    /// Python package after n messages.
    #[test]
    fn efficiency_reports_match_python() {
        let python: &[(u64, u64, u64)] = &[
            (0, 2, 0),
            (1, 2, 0),
            (2, 2, 0),
            (3, 2, 1),
            (5, 2, 3),
            (6, 2, 4),
            (7, 2, 5),
            (8, 2, 6),
            (9, 3, 6),
            (30, 10, 20),
        ];
        let c = clock();
        for &(n, estimated, saved) in python {
            let mut i = DegradedInteraction::new(
                "degraded_x",
                "a",
                "b",
                PeerProtocolStatus::Unknown,
                None,
                &*c,
            )
            .unwrap();
            for k in 0..n {
                i.add_message(if k % 2 == 0 { "a" } else { "b" }, &format!("m{k}"), &*c)
                    .unwrap();
            }
            let report = i.efficiency_report();
            assert_eq!(
                (report.estimated_concordia_rounds, report.rounds_saved),
                (estimated, saved),
                "{n}"
            );
            if n == 3 {
                let expected = r#"{"interaction_id": "degraded_x", "mode": "degraded", "actual_rounds": 3, "estimated_concordia_rounds": 2, "rounds_saved": 1, "had_binding_commitment": false, "had_session_receipt": false, "had_reputation_attestation": false, "had_structured_offers": false, "had_resolution_mechanisms": false, "recommendation": "This interaction used unstructured negotiation. With Concordia, it would have taken ~2 rounds instead of 3, with binding commitments, session receipts, and reputation building. Learn more: https://github.com/eriknewton/concordia-protocol"}"#;
                assert_eq!(
                    jcs(&report.to_value()),
                    jcs(&wire::parse(expected).unwrap())
                );
            }
        }
    }

    /// The reference's `InteractionManager` scenario (ids replaced, as they are random).
    #[test]
    fn manager_scenario_matches_python() {
        let c = clock();
        let mut m = InteractionManager::new(c.clone());
        assert_eq!(
            jcs(&m.stats().to_value()),
            r#"{"avg_rounds_degraded":0,"degraded":0,"total_interactions":0,"total_proposals_sent":0,"upgrade_rate":0,"upgraded":0}"#
        );
        let prop = m.propose_protocol("agent_a", "agent_b").unwrap().clone();
        let it1 = m
            .start_degraded(
                "agent_a",
                "agent_b",
                PeerProtocolStatus::Unknown,
                Some(&prop.proposal_id),
            )
            .unwrap()
            .interaction_id()
            .to_owned();
        assert!(it1.starts_with("degraded_") && it1.len() == "degraded_".len() + 12);
        let normalise = |mut v: Value| {
            v["interaction_id"] = json!("IT1");
            v["proposal_id"] = json!("PROP");
            jcs(&v)
        };
        assert_eq!(
            normalise(m.get_interaction(&it1).unwrap().to_value()),
            normalise(
                json!({"interaction_id": "degraded_030000000000", "agent_id": "agent_a", "peer_id": "agent_b", "peer_status": "unknown", "mode": "degraded", "proposal_sent": true, "proposal_id": "proto_prop_020000000000", "rounds": 0, "started_at": "2026-05-29T12:00:00Z", "message_count": 0})
            )
        );
        let msg1 = m
            .add_message(&it1, "agent_a", "Would you take $100?")
            .unwrap();
        assert_eq!(
            jcs(&msg1.to_value()),
            jcs(
                &json!({"round": 1, "from": "agent_a", "content": "Would you take $100?", "timestamp": "2026-05-29T12:00:00Z", "structured": false})
            )
        );
        m.add_message(&it1, "agent_b", "Make it $120.").unwrap();
        m.add_message(&it1, "agent_a", "$110 then.").unwrap();
        let it2 = m
            .start_degraded("agent_a", "agent_c", PeerProtocolStatus::Declined, None)
            .unwrap()
            .interaction_id()
            .to_owned();
        for _ in 0..4 {
            m.add_message(&it2, "agent_c", "x").unwrap();
        }
        let it3 = m
            .start_degraded("agent_a", "agent_d", PeerProtocolStatus::Unknown, None)
            .unwrap()
            .interaction_id()
            .to_owned();
        m.add_message(&it3, "agent_d", "hello").unwrap();
        assert_eq!(
            jcs(&m.stats().to_value()),
            jcs(
                &json!({"total_interactions": 3, "degraded": 3, "upgraded": 0, "total_proposals_sent": 1, "upgrade_rate": 0.0, "avg_rounds_degraded": 2.7})
            )
        );

        let (resp, mode) = m
            .handle_response(&prop.proposal_id, true, None, None)
            .unwrap();
        assert_eq!(mode, InteractionMode::Upgraded);
        assert_eq!(resp.responder_agent_id, "agent_b");
        let upgraded = m.get_interaction(&it1).unwrap();
        assert_eq!(
            normalise(upgraded.to_value()),
            normalise(
                json!({"interaction_id": "degraded_030000000000", "agent_id": "agent_a", "peer_id": "agent_b", "peer_status": "unknown", "mode": "upgraded", "proposal_sent": true, "proposal_id": "proto_prop_020000000000", "rounds": 3, "started_at": "2026-05-29T12:00:00Z", "message_count": 4})
            )
        );
        assert_eq!(
            jcs(&upgraded.messages().last().unwrap().to_value()),
            jcs(
                &json!({"round": 4, "from": "system", "content": "Interaction upgraded to Concordia protocol.", "timestamp": "2026-05-29T12:00:00Z", "structured": true})
            )
        );

        let (resp, mode) = m
            .handle_response("proto_prop_unknown", false, Some("nope"), None)
            .unwrap();
        assert_eq!(mode, InteractionMode::Degraded);
        assert_eq!(
            jcs(&resp.to_value()),
            jcs(
                &json!({"type": "concordia.protocol_response", "proposal_id": "proto_prop_unknown", "responder_agent_id": "unknown", "accepted": false, "timestamp": "2026-05-29T12:00:00Z", "reason": "nope"})
            )
        );
        let (resp, mode) = m
            .handle_response(&prop.proposal_id, false, None, Some("someone"))
            .unwrap();
        assert_eq!(
            (resp.responder_agent_id.as_str(), mode),
            ("someone", InteractionMode::Degraded)
        );
        assert_eq!(
            jcs(&m.stats().to_value()),
            jcs(
                &json!({"total_interactions": 3, "degraded": 2, "upgraded": 1, "total_proposals_sent": 1, "upgrade_rate": 0.3333, "avg_rounds_degraded": 2.7})
            )
        );
        let report = m.get_efficiency_report(&it1).unwrap();
        assert_eq!(
            (report.mode, report.actual_rounds, report.rounds_saved),
            (InteractionMode::Upgraded, 3, 1)
        );
        assert_eq!(
            m.add_message("nope", "a", "b"),
            Err(DegradationError::UnknownInteraction)
        );
        assert!(m.get_efficiency_report("nope").is_none());
        assert_eq!(m.get_proposal(&prop.proposal_id), Some(&prop));
    }

    /// `stats()` rounding against the Python package: rounds [1, 1, 2] give 1.3; seven
    /// interactions, one upgraded and one round among them, give 0.1429 and 0.1.
    #[test]
    fn stats_rounding_matches_python() {
        let c = clock();
        let mut m = InteractionManager::new(c.clone());
        for r in [1, 1, 2] {
            let id = m
                .start_degraded("a", "b", PeerProtocolStatus::Unknown, None)
                .unwrap()
                .interaction_id()
                .to_owned();
            for _ in 0..r {
                m.add_message(&id, "a", "c").unwrap();
            }
        }
        assert_eq!(
            jcs(&m.stats().to_value()),
            jcs(
                &json!({"total_interactions": 3, "degraded": 3, "upgraded": 0, "total_proposals_sent": 0, "upgrade_rate": 0.0, "avg_rounds_degraded": 1.3})
            )
        );
        let mut m = InteractionManager::new(c.clone());
        for r in [0, 0, 0, 0, 0, 0, 1] {
            let id = m
                .start_degraded("a", "b", PeerProtocolStatus::Unknown, Some("pp"))
                .unwrap()
                .interaction_id()
                .to_owned();
            for _ in 0..r {
                m.add_message(&id, "a", "c").unwrap();
            }
        }
        m.propose_protocol("a", "b").unwrap();
        m.handle_response("pp", true, None, None).unwrap();
        assert_eq!(
            jcs(&m.stats().to_value()),
            jcs(
                &json!({"total_interactions": 7, "degraded": 6, "upgraded": 1, "total_proposals_sent": 1, "upgrade_rate": 0.1429, "avg_rounds_degraded": 0.1})
            )
        );
    }

    #[test]
    fn bounds_hold() {
        let c = clock();
        let mut i = DegradedInteraction::new("d", "a", "b", PeerProtocolStatus::Unknown, None, &*c)
            .unwrap();
        assert_eq!(
            i.add_message("a", &"x".repeat(MAX_CONTENT_LEN + 1), &*c),
            Err(DegradationError::ContentTooLong {
                max: MAX_CONTENT_LEN
            })
        );
        assert_eq!(i.rounds(), 0, "a refused message is not a round");
        for _ in 0..MAX_LOG_MESSAGES {
            i.add_message("a", "x", &*c).unwrap();
        }
        assert_eq!(
            i.add_message("a", "x", &*c),
            Err(DegradationError::LogFull {
                max: MAX_LOG_MESSAGES
            })
        );
        i.upgrade(&*c);
        assert_eq!(i.mode(), InteractionMode::Upgraded);
        assert_eq!(i.messages().len(), MAX_LOG_MESSAGES);
        let long = "a".repeat(MAX_ID_LEN + 1);
        assert!(matches!(
            DegradedInteraction::new("d", &long, "b", PeerProtocolStatus::Unknown, None, &*c),
            Err(DegradationError::IdTooLong { .. })
        ));
        let mut m = InteractionManager::new(c);
        assert!(matches!(
            m.propose_protocol("a", &long),
            Err(DegradationError::IdTooLong { .. })
        ));
        assert!(m.handle_response(&long, true, None, None).is_err());
    }

    #[test]
    fn timestamps_follow_the_clock() {
        let c = clock();
        let mut m = InteractionManager::new(c.clone());
        let id = m
            .start_degraded("a", "b", PeerProtocolStatus::Unknown, None)
            .unwrap()
            .interaction_id()
            .to_owned();
        c.advance(std::time::Duration::from_secs(61));
        let msg = m.add_message(&id, "a", "hi").unwrap();
        assert_eq!(msg.timestamp, "2026-05-29T12:01:01Z");
        assert_eq!(
            m.get_interaction(&id).unwrap().started_at(),
            "2026-05-29T12:00:00Z"
        );
    }

    #[test]
    fn spellings() {
        for (status, text) in [
            (PeerProtocolStatus::Concordia, "concordia"),
            (PeerProtocolStatus::Unknown, "unknown"),
            (PeerProtocolStatus::Declined, "declined"),
            (PeerProtocolStatus::Incompatible, "incompatible"),
        ] {
            assert_eq!(status.as_str(), text);
            assert_eq!(PeerProtocolStatus::from_wire(text), Some(status));
        }
        for (mode, text) in [
            (InteractionMode::ConcordiaNative, "concordia_native"),
            (InteractionMode::Degraded, "degraded"),
            (InteractionMode::MetaNegotiating, "meta_negotiating"),
            (InteractionMode::Upgraded, "upgraded"),
        ] {
            assert_eq!(mode.to_string(), text);
            assert_eq!(InteractionMode::from_wire(text), Some(mode));
        }
        assert_eq!(InteractionMode::from_wire("Degraded"), None);
    }
}
