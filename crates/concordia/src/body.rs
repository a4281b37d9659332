//! Typed message bodies (SPEC §4.2): one variant per message type, shaped as the Python
//! reference's `Agent` writes them.
//!
//! | type | body the reference writes |
//! |---|---|
//! | `negotiate.open` | `terms` (term id → definition or value object), `timing` when given |
//! | `negotiate.accept_session`, `negotiate.commit` | `{}` |
//! | `negotiate.decline_session`, `negotiate.reject` | `reason` when non-empty |
//! | `negotiate.offer`, `negotiate.counter` | an offer body ([`crate::offer`]) |
//! | `negotiate.accept` | `offer_id` when non-empty |
//! | `negotiate.inquire` | `term_ids` |
//! | `negotiate.constrain` | `constraints` (an object) |
//! | `negotiate.signal` | `priority_ranking`, `flexibility`, `aspiration`, `reservation`, each when non-empty |
//! | `negotiate.withdraw` | `reactivatable`, `reason` when non-empty |
//! | `negotiate.propose_mediator` | `mediator_id` |
//! | `negotiate.resolve` | `terms`, `mechanism` |
//!
//! [`Body::parse`] checks every member it knows and keeps the others in an `extra` map, so
//! [`Body::to_value`] gives back an object whose canonical bytes equal the original's.
//!
//! ```
//! use concordia::body::Body;
//! use concordia::types::MessageType;
//!
//! let text = r#"{"reactivatable": true, "reason": "out of budget", "x_note": 1}"#;
//! let map = concordia::wire::parse(text)?.as_object().cloned().unwrap_or_default();
//! let body = Body::parse(MessageType::Withdraw, &map)?;
//! let Body::Withdraw(w) = &body else { unreachable!() };
//! assert!(w.reactivatable);
//! assert_eq!(body.to_value(), serde_json::Value::Object(map));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Deviations from the Python reference
//!
//! The reference's session never looks inside a body beyond `terms` (and its own session
//! fixtures apply messages with `{}` or non-object bodies of every type), so **do not use
//! [`Body::parse`] to decide whether a message may join a transcript**: use it where a typed
//! reading is wanted. It requires the members the reference always writes (`terms` for open
//! and resolve, `term_ids`, `constraints`, `reactivatable`, `mediator_id`, `mechanism`),
//! checks their types, requires flexibility levels to be one of the three spellings and id
//! lists (`term_ids`, `priority_ranking`) to hold distinct non-empty strings, bounds
//! counts, lengths and nesting (see [`crate::offer`]'s limits), and reads offers as
//! [`crate::offer::Offer::from_body`] does — except that a body carrying only `terms` (and
//! unknown members), as hand-written messages and the reference's own session fixtures do, is
//! read as [`OfferBody::Terms`].

use crate::message::Message;
use crate::offer::{
    self, Offer, OfferError, ShapeError, Terms, as_object, extra_members, id_list, opt_id,
    opt_text, parse_terms, req_bool, req_id, terms_to_value,
};
use crate::types::{Flexibility, MessageType, TimingConfig, UnknownValue};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Why a body was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BodyError {
    /// A member is missing, mistyped or out of bounds.
    #[error(transparent)]
    Shape(#[from] ShapeError),
    /// An offer or counter body is not a valid offer.
    #[error(transparent)]
    Offer(#[from] OfferError),
    /// A flexibility level is not `firm`, `somewhat_flexible` or `very_flexible`.
    #[error("flexibility for '{term}': {source}")]
    Flexibility {
        /// The term id.
        term: String,
        /// The unknown spelling.
        source: UnknownValue,
    },
}

/// Members of offer bodies that mark a structured offer (anything but bare `terms`).
const OFFER_MARKERS: &[&str] = &[
    "offer_id",
    "complete",
    "open_terms",
    "conditions",
    "bundles",
    "select",
    "valid_until",
];

fn merge_extra(out: &mut Map<String, Value>, extra: &Map<String, Value>) {
    for (name, value) in extra {
        if !out.contains_key(name) {
            out.insert(name.clone(), value.clone());
        }
    }
}

/// A body with no members the reference writes (`accept_session`, `commit`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EmptyBody {
    /// Members sent anyway, kept as sent.
    pub extra: Map<String, Value>,
}

/// A body carrying an optional `reason` (`decline_session`, `reject`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReasonBody {
    /// The reason, if given.
    pub reason: Option<String>,
    /// Unknown members, kept as sent.
    pub extra: Map<String, Value>,
}

impl ReasonBody {
    /// A body with `reason`; an empty reason is left out, as the reference does.
    #[must_use]
    pub fn new(reason: Option<&str>) -> Self {
        ReasonBody {
            reason: reason.filter(|r| !r.is_empty()).map(str::to_owned),
            extra: Map::new(),
        }
    }

    fn parse(map: &Map<String, Value>) -> Result<Self, BodyError> {
        Ok(ReasonBody {
            reason: opt_text(map, "reason")?,
            extra: extra_members(map, &["reason"]),
        })
    }

    fn to_map(&self) -> Map<String, Value> {
        let mut out = Map::new();
        if let Some(r) = &self.reason {
            out.insert("reason".into(), Value::String(r.clone()));
        }
        merge_extra(&mut out, &self.extra);
        out
    }
}

/// The `timing` member of an open body.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenTiming {
    /// The three limits.
    pub config: TimingConfig,
    /// Unknown members of the timing object, kept as sent.
    pub extra: Map<String, Value>,
}

/// `negotiate.open`: the term space and, optionally, the timing.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenBody {
    /// Term id to the object describing it. The reference passes these through untouched:
    /// its MCP tools send definitions (`type`, `label`, `unit`, `constraints`), its examples
    /// send value objects (`value`, `currency`, `enum`). Read definitions with
    /// [`OpenBody::term_definitions`].
    pub terms: BTreeMap<String, Map<String, Value>>,
    /// The timing, when sent.
    pub timing: Option<OpenTiming>,
    /// Unknown members, kept as sent.
    pub extra: Map<String, Value>,
}

impl OpenBody {
    /// An open body with these term objects and, if given, the timing (written with all
    /// three limits, as the reference does).
    #[must_use]
    pub fn new(terms: BTreeMap<String, Map<String, Value>>, timing: Option<TimingConfig>) -> Self {
        OpenBody {
            terms,
            timing: timing.map(|config| OpenTiming {
                config,
                extra: Map::new(),
            }),
            extra: Map::new(),
        }
    }

    /// An open body from term definitions.
    #[must_use]
    pub fn from_terms(terms: &[offer::Term], timing: Option<TimingConfig>) -> Self {
        OpenBody::new(
            terms
                .iter()
                .map(|t| (t.id.clone(), t.to_definition()))
                .collect(),
            timing,
        )
    }

    /// Reads every term object as a definition ([`offer::Term::from_definition`]); fails if
    /// any is not one.
    pub fn term_definitions(&self) -> Result<BTreeMap<String, offer::Term>, ShapeError> {
        self.terms
            .iter()
            .map(|(id, def)| {
                offer::Term::from_definition(id, &Value::Object(def.clone()))
                    .map(|t| (id.clone(), t))
            })
            .collect()
    }

    fn parse(map: &Map<String, Value>) -> Result<Self, BodyError> {
        let terms_value = map
            .get("terms")
            .ok_or(ShapeError::Missing { member: "terms" })?;
        let mut terms = BTreeMap::new();
        for (id, entry) in as_object(terms_value, "terms")? {
            offer::check_id(id, "terms")?;
            let bad = |reason| ShapeError::BadTerm {
                term: id.clone(),
                reason,
            };
            let object = entry
                .as_object()
                .ok_or_else(|| bad("entry is not an object"))?;
            for member in ["type", "label", "unit"] {
                if object.get(member).is_some_and(|v| !v.is_string()) {
                    return Err(bad("'type', 'label' and 'unit' must be strings").into());
                }
            }
            if object.get("constraints").is_some_and(|v| !v.is_object()) {
                return Err(bad("'constraints' must be an object").into());
            }
            terms.insert(id.clone(), object.clone());
        }
        let timing = match map.get("timing") {
            None => None,
            Some(value) => Some(parse_timing(value)?),
        };
        Ok(OpenBody {
            terms,
            timing,
            extra: extra_members(map, &["terms", "timing"]),
        })
    }

    fn to_map(&self) -> Map<String, Value> {
        let mut out = Map::new();
        out.insert(
            "terms".into(),
            Value::Object(
                self.terms
                    .iter()
                    .map(|(id, def)| (id.clone(), Value::Object(def.clone())))
                    .collect(),
            ),
        );
        if let Some(timing) = &self.timing {
            let mut t = Map::new();
            t.insert("session_ttl".into(), Value::from(timing.config.session_ttl));
            t.insert("offer_ttl".into(), Value::from(timing.config.offer_ttl));
            t.insert("max_rounds".into(), Value::from(timing.config.max_rounds));
            merge_extra(&mut t, &timing.extra);
            out.insert("timing".into(), Value::Object(t));
        }
        merge_extra(&mut out, &self.extra);
        out
    }
}

fn parse_timing(value: &Value) -> Result<OpenTiming, ShapeError> {
    let map = as_object(value, "timing")?;
    let uint = |member: &'static str| -> Result<u64, ShapeError> {
        match map.get(member) {
            None => Err(ShapeError::Missing { member }),
            Some(Value::Number(n)) => n.as_u64().ok_or(ShapeError::WrongType {
                member,
                expected: "a non-negative integer",
            }),
            Some(_) => Err(ShapeError::WrongType {
                member,
                expected: "a non-negative integer",
            }),
        }
    };
    let max_rounds = u32::try_from(uint("max_rounds")?).map_err(|_| ShapeError::WrongType {
        member: "max_rounds",
        expected: "an integer below 2^32",
    })?;
    Ok(OpenTiming {
        config: TimingConfig {
            session_ttl: uint("session_ttl")?,
            offer_ttl: uint("offer_ttl")?,
            max_rounds,
        },
        extra: extra_members(map, &["session_ttl", "offer_ttl", "max_rounds"]),
    })
}

/// The body of an offer or counter.
#[derive(Debug, Clone, PartialEq)]
pub enum OfferBody {
    /// A structured offer, as the reference's offer classes write it.
    Offer(Offer),
    /// Only `terms` (and unknown members): no offer id, no `complete`. Hand-written messages
    /// and the reference's session fixtures send this; its session reads the terms alike.
    Terms {
        /// The proposed terms.
        terms: Terms,
        /// Unknown members, kept as sent.
        extra: Map<String, Value>,
    },
}

impl OfferBody {
    /// The top-level terms (basic, partial and bare-terms bodies), which the reference's
    /// session reads to track concessions.
    #[must_use]
    pub fn terms(&self) -> Option<&Terms> {
        match self {
            OfferBody::Offer(o) => o.terms(),
            OfferBody::Terms { terms, .. } => Some(terms),
        }
    }

    /// The offer id, when the body has one.
    #[must_use]
    pub fn offer_id(&self) -> Option<&str> {
        match self {
            OfferBody::Offer(o) => Some(o.offer_id()),
            OfferBody::Terms { .. } => None,
        }
    }

    fn parse(map: &Map<String, Value>) -> Result<Self, BodyError> {
        if OFFER_MARKERS.iter().any(|m| map.contains_key(*m)) {
            return Ok(OfferBody::Offer(Offer::from_body(map)?));
        }
        let value = map.get("terms").ok_or(OfferError::NoContent)?;
        Ok(OfferBody::Terms {
            terms: parse_terms(value, "terms")?,
            extra: extra_members(map, &["terms"]),
        })
    }

    fn to_map(&self) -> Map<String, Value> {
        match self {
            OfferBody::Offer(o) => o.to_body(),
            OfferBody::Terms { terms, extra } => {
                let mut out = Map::new();
                out.insert("terms".into(), terms_to_value(terms));
                merge_extra(&mut out, extra);
                out
            }
        }
    }
}

/// `negotiate.accept`: optionally names the offer accepted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AcceptBody {
    /// The accepted offer's id, if named.
    pub offer_id: Option<String>,
    /// Unknown members, kept as sent.
    pub extra: Map<String, Value>,
}

impl AcceptBody {
    /// An accept body; an empty id is left out, as the reference does.
    #[must_use]
    pub fn new(offer_id: Option<&str>) -> Self {
        AcceptBody {
            offer_id: offer_id.filter(|o| !o.is_empty()).map(str::to_owned),
            extra: Map::new(),
        }
    }
}

/// `negotiate.inquire`: asks about terms.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InquireBody {
    /// The terms asked about.
    pub term_ids: Vec<String>,
    /// Unknown members, kept as sent.
    pub extra: Map<String, Value>,
}

/// `negotiate.constrain`: declares hard constraints.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConstrainBody {
    /// The constraints, as the sender shaped them (the reference passes any object).
    pub constraints: Map<String, Value>,
    /// Unknown members, kept as sent.
    pub extra: Map<String, Value>,
}

/// Voluntary preference information (SPEC §3.4). Every part is optional; an absent part is
/// `None`, and a part sent empty stays `Some(empty)` so the body re-serialises as sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PreferenceSignal {
    /// Term ids, most important first.
    pub priority_ranking: Option<Vec<String>>,
    /// How much room the sender has, per term.
    pub flexibility: Option<BTreeMap<String, Flexibility>>,
    /// The outcome the sender hopes for.
    pub aspiration: Option<Map<String, Value>>,
    /// The least the sender accepts.
    pub reservation: Option<Map<String, Value>>,
}

/// `negotiate.signal`: a preference signal.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SignalBody {
    /// The signal.
    pub signal: PreferenceSignal,
    /// Unknown members, kept as sent.
    pub extra: Map<String, Value>,
}

impl SignalBody {
    /// A signal body with the empty parts left out, as the reference writes it.
    #[must_use]
    pub fn new(signal: PreferenceSignal) -> Self {
        SignalBody {
            signal: PreferenceSignal {
                priority_ranking: signal.priority_ranking.filter(|v| !v.is_empty()),
                flexibility: signal.flexibility.filter(|v| !v.is_empty()),
                aspiration: signal.aspiration.filter(|v| !v.is_empty()),
                reservation: signal.reservation.filter(|v| !v.is_empty()),
            },
            extra: Map::new(),
        }
    }

    fn parse(map: &Map<String, Value>) -> Result<Self, BodyError> {
        let priority_ranking = match map.get("priority_ranking") {
            None => None,
            Some(v) => Some(id_list(v, "priority_ranking")?),
        };
        let flexibility = match map.get("flexibility") {
            None => None,
            Some(v) => {
                let mut out = BTreeMap::new();
                for (term, level) in as_object(v, "flexibility")? {
                    offer::check_id(term, "flexibility")?;
                    let text = level.as_str().ok_or(ShapeError::WrongType {
                        member: "flexibility",
                        expected: "an object of flexibility levels",
                    })?;
                    // Keep an unknown spelling out of the error if it is absurdly long.
                    offer::check_id(text, "flexibility")?;
                    let level: Flexibility =
                        text.parse().map_err(|source| BodyError::Flexibility {
                            term: term.clone(),
                            source,
                        })?;
                    out.insert(term.clone(), level);
                }
                Some(out)
            }
        };
        let object = |member: &'static str| -> Result<Option<Map<String, Value>>, ShapeError> {
            map.get(member)
                .map(|v| as_object(v, member).cloned())
                .transpose()
        };
        Ok(SignalBody {
            signal: PreferenceSignal {
                priority_ranking,
                flexibility,
                aspiration: object("aspiration")?,
                reservation: object("reservation")?,
            },
            extra: extra_members(
                map,
                &[
                    "priority_ranking",
                    "flexibility",
                    "aspiration",
                    "reservation",
                ],
            ),
        })
    }

    fn to_map(&self) -> Map<String, Value> {
        let mut out = Map::new();
        let s = &self.signal;
        if let Some(v) = &s.priority_ranking {
            out.insert(
                "priority_ranking".into(),
                Value::Array(v.iter().cloned().map(Value::String).collect()),
            );
        }
        if let Some(v) = &s.flexibility {
            out.insert(
                "flexibility".into(),
                Value::Object(
                    v.iter()
                        .map(|(t, f)| (t.clone(), Value::String(f.as_str().into())))
                        .collect(),
                ),
            );
        }
        if let Some(v) = &s.aspiration {
            out.insert("aspiration".into(), Value::Object(v.clone()));
        }
        if let Some(v) = &s.reservation {
            out.insert("reservation".into(), Value::Object(v.clone()));
        }
        merge_extra(&mut out, &self.extra);
        out
    }
}

/// `negotiate.withdraw`: leaves the negotiation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WithdrawBody {
    /// Whether the session may be reactivated later (it goes dormant).
    pub reactivatable: bool,
    /// The reason, if given.
    pub reason: Option<String>,
    /// Unknown members, kept as sent.
    pub extra: Map<String, Value>,
}

impl WithdrawBody {
    /// A withdraw body; an empty reason is left out, as the reference does.
    #[must_use]
    pub fn new(reactivatable: bool, reason: Option<&str>) -> Self {
        WithdrawBody {
            reactivatable,
            reason: reason.filter(|r| !r.is_empty()).map(str::to_owned),
            extra: Map::new(),
        }
    }
}

/// `negotiate.propose_mediator`: suggests a mediator.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProposeMediatorBody {
    /// The mediator's agent id.
    pub mediator_id: String,
    /// Unknown members, kept as sent.
    pub extra: Map<String, Value>,
}

/// `negotiate.resolve`: a proposed resolution.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResolveBody {
    /// The proposed terms.
    pub terms: Terms,
    /// The mechanism's name (the reference's default is `split`; see
    /// [`crate::types::ResolutionMechanism`] for the known ones, though any name is carried).
    pub mechanism: String,
    /// Unknown members, kept as sent.
    pub extra: Map<String, Value>,
}

/// A typed message body: one variant per message type.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// `negotiate.open`.
    Open(OpenBody),
    /// `negotiate.accept_session`.
    AcceptSession(EmptyBody),
    /// `negotiate.decline_session`.
    DeclineSession(ReasonBody),
    /// `negotiate.offer`.
    Offer(OfferBody),
    /// `negotiate.counter`.
    Counter(OfferBody),
    /// `negotiate.accept`.
    Accept(AcceptBody),
    /// `negotiate.reject`.
    Reject(ReasonBody),
    /// `negotiate.inquire`.
    Inquire(InquireBody),
    /// `negotiate.constrain`.
    Constrain(ConstrainBody),
    /// `negotiate.signal`.
    Signal(SignalBody),
    /// `negotiate.withdraw`.
    Withdraw(WithdrawBody),
    /// `negotiate.propose_mediator`.
    ProposeMediator(ProposeMediatorBody),
    /// `negotiate.resolve`.
    Resolve(ResolveBody),
    /// `negotiate.commit`.
    Commit(EmptyBody),
}

impl Body {
    /// Reads the body of a message of type `kind`. Fails on a missing or mistyped member the
    /// reference always writes, on nesting deeper than [`offer::MAX_DEPTH`] and on oversized maps,
    /// lists and strings; keeps unknown members.
    pub fn parse(kind: MessageType, body: &Map<String, Value>) -> Result<Body, BodyError> {
        offer::check_body_depth(body)?;
        Ok(match kind {
            MessageType::Open => Body::Open(OpenBody::parse(body)?),
            MessageType::AcceptSession => Body::AcceptSession(EmptyBody {
                extra: body.clone(),
            }),
            MessageType::Commit => Body::Commit(EmptyBody {
                extra: body.clone(),
            }),
            MessageType::DeclineSession => Body::DeclineSession(ReasonBody::parse(body)?),
            MessageType::Reject => Body::Reject(ReasonBody::parse(body)?),
            MessageType::Offer => Body::Offer(OfferBody::parse(body)?),
            MessageType::Counter => Body::Counter(OfferBody::parse(body)?),
            MessageType::Accept => Body::Accept(AcceptBody {
                offer_id: opt_id(body, "offer_id")?,
                extra: extra_members(body, &["offer_id"]),
            }),
            MessageType::Inquire => Body::Inquire(InquireBody {
                term_ids: id_list(
                    body.get("term_ids")
                        .ok_or(ShapeError::Missing { member: "term_ids" })?,
                    "term_ids",
                )?,
                extra: extra_members(body, &["term_ids"]),
            }),
            MessageType::Constrain => Body::Constrain(ConstrainBody {
                constraints: as_object(
                    body.get("constraints").ok_or(ShapeError::Missing {
                        member: "constraints",
                    })?,
                    "constraints",
                )?
                .clone(),
                extra: extra_members(body, &["constraints"]),
            }),
            MessageType::Signal => Body::Signal(SignalBody::parse(body)?),
            MessageType::Withdraw => Body::Withdraw(WithdrawBody {
                reactivatable: req_bool(body, "reactivatable")?,
                reason: opt_text(body, "reason")?,
                extra: extra_members(body, &["reactivatable", "reason"]),
            }),
            MessageType::ProposeMediator => Body::ProposeMediator(ProposeMediatorBody {
                mediator_id: req_id(body, "mediator_id")?,
                extra: extra_members(body, &["mediator_id"]),
            }),
            MessageType::Resolve => Body::Resolve(ResolveBody {
                terms: parse_terms(
                    body.get("terms")
                        .ok_or(ShapeError::Missing { member: "terms" })?,
                    "terms",
                )?,
                mechanism: req_id(body, "mechanism")?,
                extra: extra_members(body, &["terms", "mechanism"]),
            }),
        })
    }

    /// Reads a message's body by its type.
    pub fn from_message(message: &Message) -> Result<Body, BodyError> {
        Body::parse(message.message_type(), message.body())
    }

    /// The message type this body belongs to.
    #[must_use]
    pub fn message_type(&self) -> MessageType {
        match self {
            Body::Open(_) => MessageType::Open,
            Body::AcceptSession(_) => MessageType::AcceptSession,
            Body::DeclineSession(_) => MessageType::DeclineSession,
            Body::Offer(_) => MessageType::Offer,
            Body::Counter(_) => MessageType::Counter,
            Body::Accept(_) => MessageType::Accept,
            Body::Reject(_) => MessageType::Reject,
            Body::Inquire(_) => MessageType::Inquire,
            Body::Constrain(_) => MessageType::Constrain,
            Body::Signal(_) => MessageType::Signal,
            Body::Withdraw(_) => MessageType::Withdraw,
            Body::ProposeMediator(_) => MessageType::ProposeMediator,
            Body::Resolve(_) => MessageType::Resolve,
            Body::Commit(_) => MessageType::Commit,
        }
    }

    /// The body object.
    #[must_use]
    pub fn to_map(&self) -> Map<String, Value> {
        let (mut out, extra) = match self {
            Body::Open(b) => return b.to_map(),
            Body::AcceptSession(b) | Body::Commit(b) => (Map::new(), &b.extra),
            Body::DeclineSession(b) | Body::Reject(b) => return b.to_map(),
            Body::Offer(b) | Body::Counter(b) => return b.to_map(),
            Body::Signal(b) => return b.to_map(),
            Body::Accept(b) => {
                let mut m = Map::new();
                if let Some(id) = &b.offer_id {
                    m.insert("offer_id".into(), Value::String(id.clone()));
                }
                (m, &b.extra)
            }
            Body::Inquire(b) => {
                let mut m = Map::new();
                m.insert(
                    "term_ids".into(),
                    Value::Array(b.term_ids.iter().cloned().map(Value::String).collect()),
                );
                (m, &b.extra)
            }
            Body::Constrain(b) => {
                let mut m = Map::new();
                m.insert("constraints".into(), Value::Object(b.constraints.clone()));
                (m, &b.extra)
            }
            Body::Withdraw(b) => {
                let mut m = Map::new();
                m.insert("reactivatable".into(), Value::Bool(b.reactivatable));
                if let Some(r) = &b.reason {
                    m.insert("reason".into(), Value::String(r.clone()));
                }
                (m, &b.extra)
            }
            Body::ProposeMediator(b) => {
                let mut m = Map::new();
                m.insert("mediator_id".into(), Value::String(b.mediator_id.clone()));
                (m, &b.extra)
            }
            Body::Resolve(b) => {
                let mut m = Map::new();
                m.insert("terms".into(), terms_to_value(&b.terms));
                m.insert("mechanism".into(), Value::String(b.mechanism.clone()));
                (m, &b.extra)
            }
        };
        merge_extra(&mut out, extra);
        out
    }

    /// The body as a JSON value (for [`crate::message::MessageBuilder::body`]).
    #[must_use]
    pub fn to_value(&self) -> Value {
        Value::Object(self.to_map())
    }

    /// The top-level `terms` of an offer or counter, which the reference's session reads to
    /// track concessions (`None` for other types and for conditional and bundle offers).
    #[must_use]
    pub fn offer_terms(&self) -> Option<&Terms> {
        match self {
            Body::Offer(b) | Body::Counter(b) => b.terms(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::offer::{
        BasicOffer, Bundle, BundleOffer, Condition, ConditionalOffer, MAX_DEPTH, PartialOffer,
    };
    use crate::wire;
    use serde_json::json;

    /// Bodies the Python package (0.10.0) writes: `Agent` methods with `_send` captured, as
    /// `json.dumps` prints them, and their `canonical_json` bytes.
    const PYTHON_BODIES: &[(&str, MessageType, &str, &str)] = &[
        (
            "open_timing",
            MessageType::Open,
            r#"{"terms": {"price": {"type": "numeric", "label": "Price", "unit": "USD", "constraints": {"min": 0, "max": 5000}}, "condition": {"type": "categorical", "label": "Condition", "constraints": {"options": ["new", "good"]}}}, "timing": {"session_ttl": 3600, "offer_ttl": 300, "max_rounds": 10}}"#,
            r#"{"terms":{"condition":{"constraints":{"options":["new","good"]},"label":"Condition","type":"categorical"},"price":{"constraints":{"max":5000,"min":0},"label":"Price","type":"numeric","unit":"USD"}},"timing":{"max_rounds":10,"offer_ttl":300,"session_ttl":3600}}"#,
        ),
        (
            "open_demo",
            MessageType::Open,
            r#"{"terms": {"item": {"value": "Canon EOS R5", "description": "Used"}, "price": {"value": 2400.0, "currency": "USD"}, "condition": {"value": "like_new", "enum": ["new", "like_new", "good", "fair", "poor"]}, "delivery_date": {"value": "2026-04-01", "type": "date"}, "warranty": {"value": false, "type": "boolean"}}}"#,
            r#"{"terms":{"condition":{"enum":["new","like_new","good","fair","poor"],"value":"like_new"},"delivery_date":{"type":"date","value":"2026-04-01"},"item":{"description":"Used","value":"Canon EOS R5"},"price":{"currency":"USD","value":2400},"warranty":{"type":"boolean","value":false}}}"#,
        ),
        (
            "accept_session",
            MessageType::AcceptSession,
            r#"{}"#,
            r#"{}"#,
        ),
        (
            "decline_session_reason",
            MessageType::DeclineSession,
            r#"{"reason": "not interested"}"#,
            r#"{"reason":"not interested"}"#,
        ),
        (
            "decline_session_bare",
            MessageType::DeclineSession,
            r#"{}"#,
            r#"{}"#,
        ),
        (
            "offer_basic",
            MessageType::Offer,
            r#"{"offer_id": "off_b8c2d4e6", "terms": {"price": {"value": 150.0, "currency": "USD"}, "condition": {"value": "good", "enum": ["new", "like_new", "good", "fair"]}, "delivery_date": {"value": "2026-04-01", "type": "date"}}, "complete": true, "valid_until": "2026-03-21T15:30:00Z"}"#,
            r#"{"complete":true,"offer_id":"off_b8c2d4e6","terms":{"condition":{"enum":["new","like_new","good","fair"],"value":"good"},"delivery_date":{"type":"date","value":"2026-04-01"},"price":{"currency":"USD","value":150}},"valid_until":"2026-03-21T15:30:00Z"}"#,
        ),
        (
            "offer_basic_plain",
            MessageType::Offer,
            r#"{"offer_id": "off_00000001", "terms": {"price": {"value": 1e-07}, "qty": {"value": 10}}, "complete": true}"#,
            r#"{"complete":true,"offer_id":"off_00000001","terms":{"price":{"value":1e-7},"qty":{"value":10}}}"#,
        ),
        (
            "offer_partial",
            MessageType::Offer,
            r#"{"offer_id": "off_c9d3e5f7", "terms": {"price": {"value": 140.0, "currency": "USD"}}, "open_terms": ["delivery_method", "delivery_date"], "complete": false}"#,
            r#"{"complete":false,"offer_id":"off_c9d3e5f7","open_terms":["delivery_method","delivery_date"],"terms":{"price":{"currency":"USD","value":140}}}"#,
        ),
        (
            "counter_conditional",
            MessageType::Counter,
            r#"{"offer_id": "off_d0e4f6a8", "conditions": [{"if": {"delivery_method": "local_pickup"}, "then": {"price": {"value": 130.0, "currency": "USD"}}}, {"if": {"delivery_method": "shipping"}, "then": {"price": {"value": 145.0, "currency": "USD"}}}], "complete": true}"#,
            r#"{"complete":true,"conditions":[{"if":{"delivery_method":"local_pickup"},"then":{"price":{"currency":"USD","value":130}}},{"if":{"delivery_method":"shipping"},"then":{"price":{"currency":"USD","value":145}}}],"offer_id":"off_d0e4f6a8"}"#,
        ),
        (
            "counter_conditional_incomplete",
            MessageType::Counter,
            r#"{"offer_id": "off_0000000c", "conditions": [{"if": {"qty": 5}, "then": {"price": {"value": 9.5}}}], "complete": false, "valid_until": "2026-04-01T00:00:00Z"}"#,
            r#"{"complete":false,"conditions":[{"if":{"qty":5},"then":{"price":{"value":9.5}}}],"offer_id":"off_0000000c","valid_until":"2026-04-01T00:00:00Z"}"#,
        ),
        (
            "offer_bundle",
            MessageType::Offer,
            r#"{"offer_id": "off_e1f5a7b9", "bundles": [{"bundle_id": "bundle_1", "label": "Just the camera", "terms": {"item": {"value": "Canon EOS R5"}, "price": {"value": 2200.0, "currency": "USD"}}}, {"bundle_id": "bundle_2", "label": "Camera + lens kit", "terms": {"items": {"value": ["Canon EOS R5", "RF 24-105mm f/4L"]}, "price": {"value": 2800.0, "currency": "USD"}}}], "select": "one_of"}"#,
            r#"{"bundles":[{"bundle_id":"bundle_1","label":"Just the camera","terms":{"item":{"value":"Canon EOS R5"},"price":{"currency":"USD","value":2200}}},{"bundle_id":"bundle_2","label":"Camera + lens kit","terms":{"items":{"value":["Canon EOS R5","RF 24-105mm f/4L"]},"price":{"currency":"USD","value":2800}}}],"offer_id":"off_e1f5a7b9","select":"one_of"}"#,
        ),
        (
            "accept_offer_id",
            MessageType::Accept,
            r#"{"offer_id": "off_b8c2d4e6"}"#,
            r#"{"offer_id":"off_b8c2d4e6"}"#,
        ),
        ("accept_bare", MessageType::Accept, r#"{}"#, r#"{}"#),
        (
            "reject_reason",
            MessageType::Reject,
            r#"{"reason": "price too high"}"#,
            r#"{"reason":"price too high"}"#,
        ),
        ("reject_bare", MessageType::Reject, r#"{}"#, r#"{}"#),
        (
            "inquire",
            MessageType::Inquire,
            r#"{"term_ids": ["price", "delivery_date"]}"#,
            r#"{"term_ids":["price","delivery_date"]}"#,
        ),
        (
            "constrain",
            MessageType::Constrain,
            r#"{"constraints": {"price": {"min": 1500, "currency": "USD"}}}"#,
            r#"{"constraints":{"price":{"currency":"USD","min":1500}}}"#,
        ),
        (
            "signal_full",
            MessageType::Signal,
            r#"{"priority_ranking": ["price", "condition"], "flexibility": {"delivery_method": "very_flexible", "warranty": "firm", "delivery_date": "somewhat_flexible"}, "aspiration": {"price": {"value": 2000}}, "reservation": {"price": {"value": 2300}}}"#,
            r#"{"aspiration":{"price":{"value":2000}},"flexibility":{"delivery_date":"somewhat_flexible","delivery_method":"very_flexible","warranty":"firm"},"priority_ranking":["price","condition"],"reservation":{"price":{"value":2300}}}"#,
        ),
        (
            "signal_ranking_only",
            MessageType::Signal,
            r#"{"priority_ranking": ["price"]}"#,
            r#"{"priority_ranking":["price"]}"#,
        ),
        ("signal_empty", MessageType::Signal, r#"{}"#, r#"{}"#),
        (
            "withdraw_reactivatable",
            MessageType::Withdraw,
            r#"{"reactivatable": true, "reason": "out of budget"}"#,
            r#"{"reactivatable":true,"reason":"out of budget"}"#,
        ),
        (
            "withdraw_plain",
            MessageType::Withdraw,
            r#"{"reactivatable": false}"#,
            r#"{"reactivatable":false}"#,
        ),
        (
            "propose_mediator",
            MessageType::ProposeMediator,
            r#"{"mediator_id": "did:example:mediator"}"#,
            r#"{"mediator_id":"did:example:mediator"}"#,
        ),
        (
            "resolve",
            MessageType::Resolve,
            r#"{"terms": {"price": {"value": 1575.5, "currency": "USD"}}, "mechanism": "split"}"#,
            r#"{"mechanism":"split","terms":{"price":{"currency":"USD","value":1575.5}}}"#,
        ),
        (
            "resolve_foa",
            MessageType::Resolve,
            r#"{"terms": {"price": {"value": 1600}}, "mechanism": "foa"}"#,
            r#"{"mechanism":"foa","terms":{"price":{"value":1600}}}"#,
        ),
        ("commit", MessageType::Commit, r#"{}"#, r#"{}"#),
    ];

    fn parse_map(text: &str) -> Map<String, Value> {
        wire::parse(text).unwrap().as_object().unwrap().clone()
    }

    fn jcs(value: &Value) -> String {
        String::from_utf8(wire::canonical(value).unwrap()).unwrap()
    }

    fn terms(v: Value) -> Terms {
        parse_terms(&v, "terms").unwrap()
    }

    #[test]
    fn python_bodies_round_trip_byte_for_byte() {
        for (name, kind, python_json, python_jcs) in PYTHON_BODIES {
            let map = parse_map(python_json);
            let body = Body::parse(*kind, &map).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(body.message_type(), *kind, "{name}");
            assert_eq!(jcs(&body.to_value()), *python_jcs, "{name}");
        }
    }

    /// The same bodies built with this crate's constructors give Python's bytes.
    #[test]
    fn constructed_bodies_match_python() {
        let expected = |name: &str| {
            PYTHON_BODIES
                .iter()
                .find(|(n, ..)| *n == name)
                .map(|(.., jcs)| *jcs)
                .unwrap()
        };
        let price = offer::Term::new("price", crate::types::TermType::Numeric, "Price")
            .with_unit("USD")
            .with_constraint("min", json!(0))
            .with_constraint("max", json!(5000));
        let condition = offer::Term::new(
            "condition",
            crate::types::TermType::Categorical,
            "Condition",
        )
        .with_constraint("options", json!(["new", "good"]));
        let open = Body::Open(OpenBody::from_terms(
            &[price, condition],
            Some(TimingConfig {
                session_ttl: 3600,
                offer_ttl: 300,
                max_rounds: 10,
            }),
        ));
        let built: Vec<(&str, Body)> = vec![
            ("open_timing", open),
            ("accept_session", Body::AcceptSession(EmptyBody::default())),
            (
                "decline_session_reason",
                Body::DeclineSession(ReasonBody::new(Some("not interested"))),
            ),
            (
                "decline_session_bare",
                Body::DeclineSession(ReasonBody::new(Some(""))),
            ),
            (
                "offer_partial",
                Body::Offer(OfferBody::Offer(Offer::Partial(PartialOffer::with_id(
                    "off_c9d3e5f7",
                    terms(json!({"price": {"value": 140.0, "currency": "USD"}})),
                    vec!["delivery_method".into(), "delivery_date".into()],
                )))),
            ),
            (
                "counter_conditional",
                Body::Counter(OfferBody::Offer(Offer::Conditional(
                    ConditionalOffer::with_id(
                        "off_d0e4f6a8",
                        vec![
                            Condition::new(
                                json!({"delivery_method": "local_pickup"})
                                    .as_object()
                                    .unwrap()
                                    .clone(),
                                terms(json!({"price": {"value": 130.0, "currency": "USD"}})),
                            ),
                            Condition::new(
                                json!({"delivery_method": "shipping"})
                                    .as_object()
                                    .unwrap()
                                    .clone(),
                                terms(json!({"price": {"value": 145.0, "currency": "USD"}})),
                            ),
                        ],
                    ),
                ))),
            ),
            (
                "offer_bundle",
                Body::Offer(OfferBody::Offer(Offer::Bundle(BundleOffer::with_id(
                    "off_e1f5a7b9",
                    vec![
                        Bundle::new(
                            "bundle_1",
                            "Just the camera",
                            terms(
                                json!({"item": {"value": "Canon EOS R5"}, "price": {"value": 2200.0, "currency": "USD"}}),
                            ),
                        ),
                        Bundle::new(
                            "bundle_2",
                            "Camera + lens kit",
                            terms(
                                json!({"items": {"value": ["Canon EOS R5", "RF 24-105mm f/4L"]}, "price": {"value": 2800.0, "currency": "USD"}}),
                            ),
                        ),
                    ],
                )))),
            ),
            (
                "offer_basic_plain",
                Body::Offer(OfferBody::Offer(Offer::Basic(BasicOffer::with_id(
                    "off_00000001",
                    terms(json!({"price": {"value": 1e-7}, "qty": {"value": 10}})),
                )))),
            ),
            (
                "accept_offer_id",
                Body::Accept(AcceptBody::new(Some("off_b8c2d4e6"))),
            ),
            ("accept_bare", Body::Accept(AcceptBody::new(None))),
            (
                "reject_reason",
                Body::Reject(ReasonBody::new(Some("price too high"))),
            ),
            (
                "inquire",
                Body::Inquire(InquireBody {
                    term_ids: vec!["price".into(), "delivery_date".into()],
                    extra: Map::new(),
                }),
            ),
            (
                "constrain",
                Body::Constrain(ConstrainBody {
                    constraints: json!({"price": {"min": 1500, "currency": "USD"}})
                        .as_object()
                        .unwrap()
                        .clone(),
                    extra: Map::new(),
                }),
            ),
            (
                "signal_full",
                Body::Signal(SignalBody::new(PreferenceSignal {
                    priority_ranking: Some(vec!["price".into(), "condition".into()]),
                    flexibility: Some(BTreeMap::from([
                        ("delivery_method".into(), Flexibility::VeryFlexible),
                        ("warranty".into(), Flexibility::Firm),
                        ("delivery_date".into(), Flexibility::SomewhatFlexible),
                    ])),
                    aspiration: json!({"price": {"value": 2000}}).as_object().cloned(),
                    reservation: json!({"price": {"value": 2300}}).as_object().cloned(),
                })),
            ),
            (
                "signal_ranking_only",
                Body::Signal(SignalBody::new(PreferenceSignal {
                    priority_ranking: Some(vec!["price".into()]),
                    flexibility: Some(BTreeMap::new()),
                    aspiration: None,
                    reservation: None,
                })),
            ),
            (
                "signal_empty",
                Body::Signal(SignalBody::new(PreferenceSignal::default())),
            ),
            (
                "withdraw_reactivatable",
                Body::Withdraw(WithdrawBody::new(true, Some("out of budget"))),
            ),
            (
                "withdraw_plain",
                Body::Withdraw(WithdrawBody::new(false, None)),
            ),
            (
                "propose_mediator",
                Body::ProposeMediator(ProposeMediatorBody {
                    mediator_id: "did:example:mediator".into(),
                    extra: Map::new(),
                }),
            ),
            (
                "resolve",
                Body::Resolve(ResolveBody {
                    terms: terms(json!({"price": {"value": 1575.5, "currency": "USD"}})),
                    mechanism: "split".into(),
                    extra: Map::new(),
                }),
            ),
            ("commit", Body::Commit(EmptyBody::default())),
        ];
        for (name, body) in built {
            assert_eq!(jcs(&body.to_value()), expected(name), "{name}");
            // And each reads back to the same typed value.
            assert_eq!(
                Body::parse(body.message_type(), &body.to_map()).unwrap(),
                body,
                "{name}"
            );
        }
    }

    #[test]
    fn typed_reads() {
        let get = |name: &str| {
            let (_, kind, text, _) = PYTHON_BODIES.iter().find(|(n, ..)| *n == name).unwrap();
            Body::parse(*kind, &parse_map(text)).unwrap()
        };
        let Body::Open(open) = get("open_timing") else {
            panic!()
        };
        assert_eq!(open.timing.as_ref().unwrap().config.max_rounds, 10);
        let defs = open.term_definitions().unwrap();
        assert_eq!(defs["price"].unit.as_deref(), Some("USD"));
        assert!(defs["price"].validate(&json!(6000)).is_err());
        // The demo's open terms are value objects, not definitions.
        let Body::Open(demo) = get("open_demo") else {
            panic!()
        };
        assert!(demo.term_definitions().is_err());
        let Body::Signal(signal) = get("signal_full") else {
            panic!()
        };
        assert_eq!(
            signal.signal.flexibility.unwrap()["warranty"],
            Flexibility::Firm
        );
        let offer = get("offer_basic");
        assert_eq!(offer.offer_terms().unwrap()["price"].value, json!(150.0));
        assert!(get("counter_conditional").offer_terms().is_none());
        let Body::Offer(OfferBody::Offer(o)) = offer else {
            panic!()
        };
        assert_eq!(o.valid_until(), Some("2026-03-21T15:30:00Z"));
    }

    #[test]
    fn unknown_members_survive_everywhere() {
        let cases: &[(MessageType, &str)] = &[
            (
                MessageType::Open,
                r#"{"terms":{"p":{"type":"numeric","value":1,"x":[1]}},"subject":"desk","timing":{"session_ttl":1,"offer_ttl":2,"max_rounds":3,"x_grace":4}}"#,
            ),
            (MessageType::AcceptSession, r#"{"accepted":true}"#),
            (
                MessageType::Reject,
                r#"{"reason":"price_gap","final_position":{"price":{"value":1500}},"reactivatable":true}"#,
            ),
            (
                MessageType::Offer,
                r#"{"terms":{"p":{"value":900}},"note":"bare terms"}"#,
            ),
            (
                MessageType::Counter,
                r#"{"offer_id":"o","complete":true,"terms":{"p":{"value":1}},"x":{"y":null}}"#,
            ),
            (
                MessageType::Offer,
                r#"{"offer_id":"o","complete":true,"conditions":[{"if":{"a":1},"then":{"p":{"value":1}},"else":2}]}"#,
            ),
            (
                MessageType::Offer,
                r#"{"offer_id":"o","select":"one_of","bundles":[{"bundle_id":"b","label":"","terms":{},"x":1}]}"#,
            ),
            (MessageType::Accept, r#"{"offer_id":"o","note":1}"#),
            (MessageType::Inquire, r#"{"term_ids":[],"questions":["q"]}"#),
            (
                MessageType::Constrain,
                r#"{"constraints":{},"term":"price"}"#,
            ),
            (
                MessageType::Signal,
                r#"{"priority_ranking":[],"flexibility":{},"aspiration":{},"x":1}"#,
            ),
            (MessageType::Withdraw, r#"{"reactivatable":false,"x":1}"#),
            (MessageType::ProposeMediator, r#"{"mediator_id":"m","x":1}"#),
            (
                MessageType::Resolve,
                r#"{"terms":{},"mechanism":"tradeoff","x":1}"#,
            ),
            (MessageType::Commit, r#"{"x":[{}]}"#),
        ];
        for (kind, text) in cases {
            let map = parse_map(text);
            let body = Body::parse(*kind, &map).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(body.to_value(), Value::Object(map), "{text}");
        }
    }

    #[test]
    fn malformed_bodies_are_refused() {
        let cases: &[(MessageType, Value)] = &[
            (MessageType::Open, json!({})),
            (MessageType::Open, json!({"terms": []})),
            (MessageType::Open, json!({"terms": {"p": 5}})),
            (MessageType::Open, json!({"terms": {"p": {"type": 5}}})),
            (
                MessageType::Open,
                json!({"terms": {"p": {"constraints": [1]}}}),
            ),
            (
                MessageType::Open,
                json!({"terms": {}, "timing": {"session_ttl": 1, "offer_ttl": 1}}),
            ),
            (
                MessageType::Open,
                json!({"terms": {}, "timing": {"session_ttl": -1, "offer_ttl": 1, "max_rounds": 1}}),
            ),
            (
                MessageType::Open,
                json!({"terms": {}, "timing": {"session_ttl": 1, "offer_ttl": 1, "max_rounds": 5_000_000_000_u64}}),
            ),
            (MessageType::DeclineSession, json!({"reason": 7})),
            (MessageType::Reject, json!({"reason": ["x"]})),
            (MessageType::Offer, json!({})),
            (MessageType::Offer, json!({"offer": {"delivery_days": 2}})),
            (MessageType::Offer, json!({"terms": {"p": 900}})),
            (
                MessageType::Counter,
                json!({"terms": {"p": {"value": 1}}, "complete": true}),
            ),
            (MessageType::Counter, json!({"terms": true})),
            (MessageType::Accept, json!({"offer_id": ""})),
            (MessageType::Accept, json!({"offer_id": 1})),
            (MessageType::Inquire, json!({})),
            (MessageType::Inquire, json!({"term_ids": "price"})),
            (MessageType::Inquire, json!({"term_ids": [1]})),
            (MessageType::Constrain, json!({})),
            (MessageType::Constrain, json!({"constraints": "min 5"})),
            (MessageType::Signal, json!({"priority_ranking": "price"})),
            (
                MessageType::Signal,
                json!({"flexibility": {"price": "rigid"}}),
            ),
            (MessageType::Signal, json!({"flexibility": {"price": 1}})),
            (MessageType::Signal, json!({"aspiration": 5})),
            (MessageType::Withdraw, json!({})),
            (MessageType::Withdraw, json!({"reactivatable": "yes"})),
            (MessageType::ProposeMediator, json!({})),
            (MessageType::ProposeMediator, json!({"mediator_id": ""})),
            (MessageType::Resolve, json!({"mechanism": "split"})),
            (MessageType::Resolve, json!({"terms": {}})),
        ];
        for (kind, body) in cases {
            assert!(
                Body::parse(*kind, body.as_object().unwrap()).is_err(),
                "{kind} {body}"
            );
        }
        assert_eq!(
            Body::parse(
                MessageType::Signal,
                json!({"flexibility": {"price": "rigid"}})
                    .as_object()
                    .unwrap()
            ),
            Err(BodyError::Flexibility {
                term: "price".into(),
                source: UnknownValue {
                    what: "Flexibility",
                    value: "rigid".into()
                }
            })
        );
        // Depth is bounded for every type, even where members are otherwise opaque.
        let mut deep = json!({});
        for _ in 0..MAX_DEPTH {
            deep = json!({"x": deep});
        }
        assert_eq!(
            Body::parse(MessageType::Commit, json!({"x": deep}).as_object().unwrap()),
            Err(BodyError::Shape(ShapeError::TooDeep { max: MAX_DEPTH }))
        );
    }

    /// Every object body in the reference's session fixtures either reads back to the same
    /// bytes or is refused with an error; the offers and opens it drives negotiations with are
    /// read.
    #[test]
    fn sdk_session_fixture_bodies() {
        let fixtures: Value = serde_json::from_str(include_str!(
            "../tests/conformance/sdk-fixtures/session/session_vectors.json"
        ))
        .unwrap();
        let mut stack = vec![&fixtures];
        let (mut read, mut refused) = (0, 0);
        while let Some(v) = stack.pop() {
            match v {
                Value::Object(map) => {
                    let kind = map
                        .get("type")
                        .and_then(Value::as_str)
                        .and_then(MessageType::from_wire);
                    if let (Some(kind), Some(Value::Object(body))) = (kind, map.get("body")) {
                        match Body::parse(kind, body) {
                            Ok(b) => {
                                assert_eq!(jcs(&b.to_value()), jcs(&Value::Object(body.clone())));
                                read += 1;
                            }
                            Err(_) => refused += 1,
                        }
                        if matches!(kind, MessageType::Offer | MessageType::Counter)
                            && body.get("terms").is_some_and(Value::is_object)
                        {
                            assert!(Body::parse(kind, body).unwrap().offer_terms().is_some());
                        }
                        if kind == MessageType::Open
                            && body.get("terms").is_some_and(Value::is_object)
                        {
                            assert!(Body::parse(kind, body).is_ok(), "{body:?}");
                        }
                    }
                    stack.extend(map.values());
                }
                Value::Array(items) => stack.extend(items),
                _ => {}
            }
        }
        assert!(read > 10 && refused > 0, "read {read}, refused {refused}");
    }

    /// Random JSON bodies never panic the parser, and whatever parses round-trips.
    #[test]
    fn random_bodies_never_panic() {
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        fn random_value(next: &mut dyn FnMut() -> u64, depth: u32) -> Value {
            const NAMES: &[&str] = &[
                "terms",
                "value",
                "offer_id",
                "complete",
                "open_terms",
                "conditions",
                "if",
                "then",
                "bundles",
                "bundle_id",
                "label",
                "select",
                "valid_until",
                "timing",
                "session_ttl",
                "offer_ttl",
                "max_rounds",
                "reason",
                "term_ids",
                "constraints",
                "priority_ranking",
                "flexibility",
                "aspiration",
                "reservation",
                "reactivatable",
                "mediator_id",
                "mechanism",
                "type",
                "unit",
                "x",
            ];
            let pick = |n: u64, len: usize| usize::try_from(n).unwrap() % len;
            match next() % if depth > 5 { 6 } else { 8 } {
                0 => Value::Null,
                1 => Value::Bool(next().is_multiple_of(2)),
                2 => json!(next() % 100),
                3 => json!(-1.5),
                4 => json!(NAMES[pick(next(), NAMES.len())]),
                5 => json!(["firm", "2026-04-01T00:00:00Z", "very_flexible"][pick(next(), 3)]),
                6 => Value::Array(
                    (0..next() % 4)
                        .map(|_| random_value(next, depth + 1))
                        .collect(),
                ),
                _ => Value::Object(
                    (0..next() % 5)
                        .map(|_| {
                            (
                                NAMES[pick(next(), NAMES.len())].to_owned(),
                                random_value(next, depth + 1),
                            )
                        })
                        .collect(),
                ),
            }
        }
        let mut parsed_count = 0;
        for case in 0..64 {
            let kind = MessageType::ALL[case % MessageType::ALL.len()];
            // Wrap whatever comes out under a likely member name so every case is an object.
            let body: Map<String, Value> = (0..=next() % 3)
                .map(|i| {
                    let name = ["terms", "x", "constraints", "flexibility"][(i as usize) % 4];
                    (name.to_owned(), random_value(&mut next, 1))
                })
                .collect();
            if let Ok(parsed) = Body::parse(kind, &body) {
                parsed_count += 1;
                assert_eq!(jcs(&parsed.to_value()), jcs(&Value::Object(body)));
            }
        }
        assert!(parsed_count > 0);
    }
}
