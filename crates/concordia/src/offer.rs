//! Terms (SPEC §3.1) and the four offer shapes (SPEC §6): basic, partial, conditional and
//! bundle offers, written exactly as the Python reference's `to_body()` writes them and read
//! back with every member type-checked.
//!
//! An offer's terms map a term id to an entry object holding the proposed `value` and any
//! annotations the sender adds (`currency`, `enum`, `type`, ...): a [`TermEntry`]. A term's
//! *definition* — its [`TermType`], label, unit and constraints — is a [`Term`], and
//! [`Term::validate`] checks a value against it, yielding a typed [`TermValue`].
//!
//! ```
//! use concordia::offer::{BasicOffer, Offer, TermEntry, Terms};
//! use serde_json::json;
//!
//! let mut terms = Terms::new();
//! terms.insert("price".into(), TermEntry::new(json!(150.0)).with("currency", json!("USD")));
//! let offer = BasicOffer::with_id("off_b8c2d4e6", terms);
//! let body = offer.to_body();
//! assert_eq!(serde_json::Value::Object(body.clone()), json!({
//!     "offer_id": "off_b8c2d4e6",
//!     "terms": {"price": {"value": 150.0, "currency": "USD"}},
//!     "complete": true
//! }));
//! assert_eq!(Offer::from_body(&body)?, Offer::Basic(offer));
//! # Ok::<(), concordia::offer::OfferError>(())
//! ```
//!
//! # Deviations from the Python reference
//!
//! The reference builds offers but never reads them back, so any dictionary passes. Here
//! [`Offer::from_body`] requires the members the reference always writes (`offer_id`,
//! `complete` with the value the shape implies, `select` for bundles), refuses bodies that mix
//! shapes (say `conditions` next to `bundles`), requires every term entry to be an object with
//! a `value`, refuses a `valid_until` that is not an RFC 3339 date-time, a partial offer whose
//! open terms repeat or overlap its offered terms, and repeated bundle ids; it bounds term
//! counts, list lengths, identifier lengths and nesting depth. Unknown members are kept.
//!
//! [`Term::validate`] has no counterpart in the reference. It fails closed: a constraint it
//! does not recognise for the term's type makes every value fail, because it cannot confirm
//! the value honours it.

use crate::types::TermType;
use crate::wire::{self, WireError};
use sanctuary_core::time::Timestamp;
use serde_json::{Map, Number, Value};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// The prefix of offer ids the reference generates (`off_` and 8 hex digits).
pub const OFFER_ID_PREFIX: &str = "off_";

/// The most terms one terms map may hold: a bound on untrusted input, not a protocol rule.
pub const MAX_TERMS: usize = 256;

/// The most items a list member (open terms, conditions, bundles, term ids, rankings) may
/// hold.
pub const MAX_LIST_LEN: usize = 256;

/// The longest identifier (offer, term, bundle, mediator id) accepted, in bytes.
pub const MAX_ID_LEN: usize = 512;

/// The longest free-text member (label, reason, select, mechanism) accepted, in bytes.
pub const MAX_TEXT_LEN: usize = 65_536;

/// The deepest nesting of arrays and objects in a body, the body itself counting as one
/// level. The reference's MCP server refuses term structures nested 32 deep; this is the
/// same bound measured from the body.
pub const MAX_DEPTH: usize = 32;

/// A member that is missing, mistyped or out of bounds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ShapeError {
    /// A required member is absent.
    #[error("'{member}' is missing")]
    Missing {
        /// The member.
        member: &'static str,
    },
    /// A member has the wrong JSON type.
    #[error("'{member}' must be {expected}")]
    WrongType {
        /// The member.
        member: &'static str,
        /// What it must be.
        expected: &'static str,
    },
    /// An identifier member is the empty string.
    #[error("'{member}' is empty")]
    Empty {
        /// The member.
        member: &'static str,
    },
    /// A string member is longer than its bound.
    #[error("'{member}' is longer than {max} bytes")]
    TooLong {
        /// The member.
        member: &'static str,
        /// The bound.
        max: usize,
    },
    /// A map or list member has more entries than its bound.
    #[error("'{member}' has more than {max} entries")]
    TooMany {
        /// The member.
        member: &'static str,
        /// The bound.
        max: usize,
    },
    /// A list member names the same item twice.
    #[error("'{member}' repeats an entry")]
    Duplicate {
        /// The member.
        member: &'static str,
    },
    /// Arrays and objects nest deeper than [`MAX_DEPTH`].
    #[error("body nests deeper than {max} levels")]
    TooDeep {
        /// The bound.
        max: usize,
    },
    /// A term entry or definition is malformed.
    #[error("term '{term}': {reason}")]
    BadTerm {
        /// The term id (at most [`MAX_ID_LEN`] bytes; longer ids are reported as too long).
        term: String,
        /// What is wrong.
        reason: &'static str,
    },
}

/// Why an offer body was refused, or an offer could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OfferError {
    /// A member is missing, mistyped or out of bounds.
    #[error(transparent)]
    Shape(#[from] ShapeError),
    /// The body carries none of `terms`, `conditions` and `bundles`.
    #[error("offer body has no terms, conditions or bundles")]
    NoContent,
    /// The body carries a member that belongs to another offer shape.
    #[error("a {kind} offer must not carry '{member}'")]
    Conflicting {
        /// The shape the body was read as.
        kind: &'static str,
        /// The foreign member.
        member: &'static str,
    },
    /// `complete` contradicts the shape (a basic offer is complete, a partial one is not).
    #[error("a {kind} offer must have 'complete' = {expected}")]
    Completeness {
        /// The shape.
        kind: &'static str,
        /// The value it must have.
        expected: bool,
    },
    /// `valid_until` is not an RFC 3339 date-time with a zone.
    #[error("'valid_until' is not an RFC 3339 date-time")]
    BadValidUntil,
    /// A partial offer lists a term both as offered and as open.
    #[error("term '{term}' is both offered and open")]
    OpenAndOffered {
        /// The term id.
        term: String,
    },
    /// The operating system's random generator failed (making an offer id).
    #[error("the OS random generator failed")]
    Random,
    /// The offer could not be canonicalised.
    #[error(transparent)]
    Wire(#[from] WireError),
    /// An offer digest does not match the offer.
    #[error("offer digest does not match the offer")]
    DigestMismatch,
}

/// Why a value does not satisfy its term.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TermValueError {
    /// The value has the wrong JSON type for the term type.
    #[error("a {term_type} term needs {expected}")]
    WrongType {
        /// The term's type.
        term_type: TermType,
        /// What the value must be.
        expected: &'static str,
    },
    /// A temporal value is not a date-time, a date or a duration this crate can read.
    #[error("temporal value is not valid: {reason}")]
    BadTemporal {
        /// What is wrong.
        reason: &'static str,
    },
    /// The value is below the term's `min`.
    #[error("value is below the minimum")]
    BelowMin,
    /// The value is above the term's `max`.
    #[error("value is above the maximum")]
    AboveMax,
    /// A temporal value and its bound are of different kinds (a date against a date-time).
    #[error("value and bound '{name}' are not comparable")]
    Incomparable {
        /// The constraint.
        name: &'static str,
    },
    /// The value is not one of the term's options.
    #[error("value is not one of the allowed options")]
    NotAnOption,
    /// A text value is shorter than `min_length` characters.
    #[error("text is shorter than {min} characters")]
    TooShort {
        /// The bound.
        min: u64,
    },
    /// A text value is longer than `max_length` characters.
    #[error("text is longer than {max} characters")]
    TooLong {
        /// The bound.
        max: u64,
    },
    /// A constraint's own value is malformed (a non-numeric `min`, a non-list `options`).
    #[error("constraint '{name}' is malformed")]
    BadConstraint {
        /// The constraint.
        name: String,
    },
    /// A constraint this crate does not know for the term's type: the value cannot be shown
    /// to honour it.
    #[error("constraint '{name}' is not supported for {term_type} terms")]
    UnsupportedConstraint {
        /// The constraint.
        name: String,
        /// The term's type.
        term_type: TermType,
    },
    /// A composite value has a member that is not one of its sub-terms.
    #[error("composite value has unknown member '{name}'")]
    UnknownMember {
        /// The member.
        name: String,
    },
    /// A composite value lacks a required member.
    #[error("composite value lacks required member '{name}'")]
    MissingMember {
        /// The member.
        name: String,
    },
    /// A composite's sub-term definitions are malformed.
    #[error("composite sub-term definitions are malformed: {0}")]
    BadSubterms(ShapeError),
    /// Composite terms nest deeper than [`MAX_DEPTH`].
    #[error("composite terms nest deeper than {max} levels")]
    TooDeep {
        /// The bound.
        max: usize,
    },
    /// An offered term is not among the definitions.
    #[error("term '{term}' is not defined")]
    UnknownTerm {
        /// The term id.
        term: String,
    },
    /// A named term or sub-term failed.
    #[error("term '{term}': {source}")]
    Term {
        /// The term or sub-term id.
        term: String,
        /// Why.
        source: Box<TermValueError>,
    },
}

// ---------------------------------------------------------------------------------------------
// Shape helpers shared with `crate::body`.
// ---------------------------------------------------------------------------------------------

/// Fails if arrays and objects in `value`, which sits at nesting level `level` (a body is
/// level 1, its members level 2), reach deeper than [`MAX_DEPTH`]. Iterative, so a hostile
/// value cannot exhaust the stack here.
pub(crate) fn check_depth(value: &Value, level: usize) -> Result<(), ShapeError> {
    let mut stack: Vec<(&Value, usize)> = vec![(value, level)];
    while let Some((v, depth)) = stack.pop() {
        let next = depth.saturating_add(1);
        match v {
            Value::Array(_) | Value::Object(_) if depth > MAX_DEPTH => {
                return Err(ShapeError::TooDeep { max: MAX_DEPTH });
            }
            Value::Array(items) => stack.extend(items.iter().map(|c| (c, next))),
            Value::Object(map) => stack.extend(map.values().map(|c| (c, next))),
            _ => {}
        }
    }
    Ok(())
}

/// Checks the nesting of every member of a body.
pub(crate) fn check_body_depth(body: &Map<String, Value>) -> Result<(), ShapeError> {
    body.values().try_for_each(|v| check_depth(v, 2))
}

/// The members of `map` not named in `known`, for pass-through.
pub(crate) fn extra_members(map: &Map<String, Value>, known: &[&str]) -> Map<String, Value> {
    map.iter()
        .filter(|(name, _)| !known.contains(&name.as_str()))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect()
}

/// Checks an identifier string: non-empty, at most [`MAX_ID_LEN`] bytes.
pub(crate) fn check_id(text: &str, member: &'static str) -> Result<(), ShapeError> {
    if text.is_empty() {
        Err(ShapeError::Empty { member })
    } else if text.len() > MAX_ID_LEN {
        Err(ShapeError::TooLong {
            member,
            max: MAX_ID_LEN,
        })
    } else {
        Ok(())
    }
}

/// An optional identifier member.
pub(crate) fn opt_id(
    map: &Map<String, Value>,
    member: &'static str,
) -> Result<Option<String>, ShapeError> {
    match map.get(member) {
        None => Ok(None),
        Some(Value::String(s)) => {
            check_id(s, member)?;
            Ok(Some(s.clone()))
        }
        Some(_) => Err(ShapeError::WrongType {
            member,
            expected: "a string",
        }),
    }
}

/// A required identifier member.
pub(crate) fn req_id(map: &Map<String, Value>, member: &'static str) -> Result<String, ShapeError> {
    opt_id(map, member)?.ok_or(ShapeError::Missing { member })
}

/// An optional free-text member (may be empty, at most [`MAX_TEXT_LEN`] bytes).
pub(crate) fn opt_text(
    map: &Map<String, Value>,
    member: &'static str,
) -> Result<Option<String>, ShapeError> {
    match map.get(member) {
        None => Ok(None),
        Some(Value::String(s)) if s.len() > MAX_TEXT_LEN => Err(ShapeError::TooLong {
            member,
            max: MAX_TEXT_LEN,
        }),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ShapeError::WrongType {
            member,
            expected: "a string",
        }),
    }
}

/// A required boolean member.
pub(crate) fn req_bool(map: &Map<String, Value>, member: &'static str) -> Result<bool, ShapeError> {
    match map.get(member) {
        None => Err(ShapeError::Missing { member }),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(ShapeError::WrongType {
            member,
            expected: "a boolean",
        }),
    }
}

/// An object member, bounded to [`MAX_TERMS`] entries.
pub(crate) fn as_object<'a>(
    value: &'a Value,
    member: &'static str,
) -> Result<&'a Map<String, Value>, ShapeError> {
    let map = value.as_object().ok_or(ShapeError::WrongType {
        member,
        expected: "an object",
    })?;
    if map.len() > MAX_TERMS {
        return Err(ShapeError::TooMany {
            member,
            max: MAX_TERMS,
        });
    }
    Ok(map)
}

/// A list of distinct identifiers, at most [`MAX_LIST_LEN`] of them.
pub(crate) fn id_list(value: &Value, member: &'static str) -> Result<Vec<String>, ShapeError> {
    let items = value.as_array().ok_or(ShapeError::WrongType {
        member,
        expected: "a list of strings",
    })?;
    if items.len() > MAX_LIST_LEN {
        return Err(ShapeError::TooMany {
            member,
            max: MAX_LIST_LEN,
        });
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let text = item.as_str().ok_or(ShapeError::WrongType {
            member,
            expected: "a list of strings",
        })?;
        check_id(text, member)?;
        if !seen.insert(text) {
            return Err(ShapeError::Duplicate { member });
        }
        out.push(text.to_owned());
    }
    Ok(out)
}

fn strings_value(items: &[String]) -> Value {
    Value::Array(items.iter().cloned().map(Value::String).collect())
}

/// Inserts `extra` into `out` without overwriting members already there.
fn merge_extra(out: &mut Map<String, Value>, extra: &Map<String, Value>) {
    for (name, value) in extra {
        if !out.contains_key(name) {
            out.insert(name.clone(), value.clone());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Term entries (what an offer proposes for one term).
// ---------------------------------------------------------------------------------------------

/// One term in an offer: the proposed `value` and the sender's annotations (`currency`,
/// `enum`, `type`, `unit`, ...), kept as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct TermEntry {
    /// The proposed value.
    pub value: Value,
    /// Every other member of the entry object.
    pub extra: Map<String, Value>,
}

/// An offer's terms: term id to entry. Canonical bytes do not depend on member order.
pub type Terms = BTreeMap<String, TermEntry>;

impl TermEntry {
    /// An entry proposing `value`.
    #[must_use]
    pub fn new(value: Value) -> Self {
        TermEntry {
            value,
            extra: Map::new(),
        }
    }

    /// Adds an annotation member (ignored if named `value`).
    #[must_use]
    pub fn with(mut self, name: impl Into<String>, annotation: Value) -> Self {
        let name = name.into();
        if name != "value" {
            self.extra.insert(name, annotation);
        }
        self
    }

    /// The entry object: `value` and the annotations.
    #[must_use]
    pub fn to_value(&self) -> Value {
        let mut out = Map::new();
        out.insert("value".into(), self.value.clone());
        merge_extra(&mut out, &self.extra);
        Value::Object(out)
    }

    fn from_value(term: &str, value: &Value) -> Result<TermEntry, ShapeError> {
        let map = value.as_object().ok_or_else(|| ShapeError::BadTerm {
            term: term.to_owned(),
            reason: "entry is not an object",
        })?;
        let proposed = map.get("value").ok_or_else(|| ShapeError::BadTerm {
            term: term.to_owned(),
            reason: "entry has no 'value'",
        })?;
        Ok(TermEntry {
            value: proposed.clone(),
            extra: extra_members(map, &["value"]),
        })
    }
}

/// Reads a terms map: an object of at most [`MAX_TERMS`] entries, each an object with a
/// `value`, keyed by non-empty ids of at most [`MAX_ID_LEN`] bytes.
pub fn parse_terms(value: &Value, member: &'static str) -> Result<Terms, ShapeError> {
    let map = as_object(value, member)?;
    let mut out = Terms::new();
    for (term, entry) in map {
        check_id(term, member)?;
        out.insert(term.clone(), TermEntry::from_value(term, entry)?);
    }
    Ok(out)
}

/// A terms map as the object the reference writes.
#[must_use]
pub fn terms_to_value(terms: &Terms) -> Value {
    Value::Object(
        terms
            .iter()
            .map(|(id, entry)| (id.clone(), entry.to_value()))
            .collect(),
    )
}

// ---------------------------------------------------------------------------------------------
// Term definitions and typed values.
// ---------------------------------------------------------------------------------------------

/// A term's definition (SPEC §3.1): one dimension of the deal.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// The term id, unique in the negotiation (`price`, `delivery_date`).
    pub id: String,
    /// The value's type.
    pub term_type: TermType,
    /// A human-readable description.
    pub label: String,
    /// The unit of measurement, if any (`USD`, `days`).
    pub unit: Option<String>,
    /// Hard bounds on acceptable values (see [`Term::validate`] for the recognised ones).
    pub constraints: Option<Map<String, Value>>,
    /// Other members of the definition object, kept as sent.
    pub extra: Map<String, Value>,
}

/// A temporal value: a date-time, a calendar date or a duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Temporal {
    /// An RFC 3339 date-time with a zone.
    DateTime(Timestamp),
    /// A calendar date, `YYYY-MM-DD`.
    Date {
        /// The year (0–9999).
        year: u16,
        /// The month (1–12).
        month: u8,
        /// The day of the month.
        day: u8,
    },
    /// An ISO 8601 duration of weeks, days, hours, minutes and seconds (`P3D`, `PT1H30M`).
    Duration {
        /// The length in seconds.
        seconds: u64,
    },
}

/// A value checked against its term's type and constraints.
#[derive(Debug, Clone, PartialEq)]
pub enum TermValue {
    /// A number.
    Numeric(Number),
    /// A date-time, date or duration.
    Temporal(Temporal),
    /// One of a set of options.
    Categorical(String),
    /// Yes or no.
    Boolean(bool),
    /// Free text.
    Text(String),
    /// A structure of sub-term values.
    Composite(Map<String, Value>),
}

impl Term {
    /// A term without unit or constraints.
    #[must_use]
    pub fn new(id: impl Into<String>, term_type: TermType, label: impl Into<String>) -> Self {
        Term {
            id: id.into(),
            term_type,
            label: label.into(),
            unit: None,
            constraints: None,
            extra: Map::new(),
        }
    }

    /// Sets the unit.
    #[must_use]
    pub fn with_unit(mut self, unit: impl Into<String>) -> Self {
        self.unit = Some(unit.into());
        self
    }

    /// Adds a constraint (`min`, `max`, `options`, ...).
    #[must_use]
    pub fn with_constraint(mut self, name: impl Into<String>, value: Value) -> Self {
        self.constraints
            .get_or_insert_with(Map::new)
            .insert(name.into(), value);
        self
    }

    /// The definition object (`type`, `label`, then `unit` and `constraints` when set, then
    /// the other members).
    #[must_use]
    pub fn to_definition(&self) -> Map<String, Value> {
        let mut out = Map::new();
        out.insert("type".into(), Value::String(self.term_type.as_str().into()));
        out.insert("label".into(), Value::String(self.label.clone()));
        if let Some(unit) = &self.unit {
            out.insert("unit".into(), Value::String(unit.clone()));
        }
        if let Some(constraints) = &self.constraints {
            out.insert("constraints".into(), Value::Object(constraints.clone()));
        }
        merge_extra(&mut out, &self.extra);
        out
    }

    /// Reads a definition object: `type` one of the six term types, `label` a string, `unit`
    /// a string if present, `constraints` an object if present.
    pub fn from_definition(id: &str, definition: &Value) -> Result<Term, ShapeError> {
        check_id(id, "term id")?;
        check_depth(definition, 1)?;
        let bad = |reason| ShapeError::BadTerm {
            term: id.to_owned(),
            reason,
        };
        let map = definition
            .as_object()
            .ok_or_else(|| bad("definition is not an object"))?;
        let term_type = match map.get("type") {
            Some(Value::String(t)) => {
                TermType::from_wire(t).ok_or_else(|| bad("'type' is not a term type"))?
            }
            Some(_) => return Err(bad("'type' is not a string")),
            None => return Err(bad("definition has no 'type'")),
        };
        let label = opt_text(map, "label")?.ok_or_else(|| bad("definition has no 'label'"))?;
        let unit = opt_text(map, "unit")?;
        let constraints = match map.get("constraints") {
            None => None,
            Some(value) => Some(as_object(value, "constraints")?.clone()),
        };
        Ok(Term {
            id: id.to_owned(),
            term_type,
            label,
            unit,
            constraints,
            extra: extra_members(map, &["type", "label", "unit", "constraints"]),
        })
    }

    /// Checks `value` against the term's type and constraints and returns it typed.
    ///
    /// | type | value | recognised constraints |
    /// |---|---|---|
    /// | numeric | a number | `min`, `max` (numbers, inclusive) |
    /// | temporal | a date-time, `YYYY-MM-DD` date or `P..` duration string | `min`, `max` (same kind) |
    /// | categorical | a string | `options`, `enum` (lists of strings) |
    /// | boolean | `true`/`false` | none |
    /// | text | a string | `min_length`, `max_length` (characters) |
    /// | composite | an object | `terms` (sub-term definitions), `required` (member names) |
    ///
    /// Any other constraint fails the value (see the module's deviations).
    pub fn validate(&self, value: &Value) -> Result<TermValue, TermValueError> {
        self.validate_at(value, 1)
    }

    fn validate_at(&self, value: &Value, depth: usize) -> Result<TermValue, TermValueError> {
        if depth > MAX_DEPTH {
            return Err(TermValueError::TooDeep { max: MAX_DEPTH });
        }
        let empty = Map::new();
        let constraints = self.constraints.as_ref().unwrap_or(&empty);
        let allowed: &[&str] = match self.term_type {
            TermType::Numeric | TermType::Temporal => &["min", "max"],
            TermType::Categorical => &["options", "enum"],
            TermType::Boolean => &[],
            TermType::Text => &["min_length", "max_length"],
            TermType::Composite => &["terms", "required"],
        };
        if let Some(name) = constraints.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(TermValueError::UnsupportedConstraint {
                name: name.clone(),
                term_type: self.term_type,
            });
        }
        let wrong = |expected| TermValueError::WrongType {
            term_type: self.term_type,
            expected,
        };
        match self.term_type {
            TermType::Numeric => {
                let n = match value {
                    Value::Number(n) => n,
                    _ => return Err(wrong("a number")),
                };
                check_bounds(constraints, |name, bound| match bound {
                    Value::Number(b) => Ok(cmp_numbers(n, b)),
                    _ => Err(TermValueError::BadConstraint {
                        name: name.to_owned(),
                    }),
                })?;
                Ok(TermValue::Numeric(n.clone()))
            }
            TermType::Temporal => {
                let text = value.as_str().ok_or_else(|| wrong("a string"))?;
                let t = parse_temporal(text)?;
                check_bounds(constraints, |name, bound| {
                    let b = bound
                        .as_str()
                        .and_then(|s| parse_temporal(s).ok())
                        .ok_or_else(|| TermValueError::BadConstraint {
                            name: name.to_owned(),
                        })?;
                    Ok(cmp_temporal(&t, &b))
                })?;
                Ok(TermValue::Temporal(t))
            }
            TermType::Categorical => {
                let text = value.as_str().ok_or_else(|| wrong("a string"))?;
                for name in ["options", "enum"] {
                    if let Some(options) = constraints.get(name) {
                        let list =
                            options
                                .as_array()
                                .ok_or_else(|| TermValueError::BadConstraint {
                                    name: name.to_owned(),
                                })?;
                        if list.iter().any(|o| !o.is_string()) {
                            return Err(TermValueError::BadConstraint {
                                name: name.to_owned(),
                            });
                        }
                        if !list.iter().any(|o| o.as_str() == Some(text)) {
                            return Err(TermValueError::NotAnOption);
                        }
                    }
                }
                Ok(TermValue::Categorical(text.to_owned()))
            }
            TermType::Boolean => match value {
                Value::Bool(b) => Ok(TermValue::Boolean(*b)),
                _ => Err(wrong("a boolean")),
            },
            TermType::Text => {
                let text = value.as_str().ok_or_else(|| wrong("a string"))?;
                let chars = u64::try_from(text.chars().count()).unwrap_or(u64::MAX);
                if let Some(min) = length_bound(constraints, "min_length")?
                    && chars < min
                {
                    return Err(TermValueError::TooShort { min });
                }
                if let Some(max) = length_bound(constraints, "max_length")?
                    && chars > max
                {
                    return Err(TermValueError::TooLong { max });
                }
                Ok(TermValue::Text(text.to_owned()))
            }
            TermType::Composite => {
                let members = value.as_object().ok_or_else(|| wrong("an object"))?;
                if let Some(required) = constraints.get("required") {
                    let names = required
                        .as_array()
                        .filter(|list| list.iter().all(Value::is_string))
                        .ok_or_else(|| TermValueError::BadConstraint {
                            name: "required".into(),
                        })?;
                    if let Some(missing) = names
                        .iter()
                        .filter_map(Value::as_str)
                        .find(|name| !members.contains_key(*name))
                    {
                        return Err(TermValueError::MissingMember {
                            name: missing.to_owned(),
                        });
                    }
                }
                if let Some(defs) = constraints.get("terms") {
                    let defs = as_object(defs, "terms").map_err(TermValueError::BadSubterms)?;
                    for (name, member) in members {
                        let def = defs
                            .get(name)
                            .ok_or_else(|| TermValueError::UnknownMember { name: name.clone() })?;
                        let sub = Term::from_definition(name, def)
                            .map_err(TermValueError::BadSubterms)?;
                        sub.validate_at(member, depth.saturating_add(1))
                            .map_err(|e| TermValueError::Term {
                                term: name.clone(),
                                source: Box::new(e),
                            })?;
                    }
                }
                Ok(TermValue::Composite(members.clone()))
            }
        }
    }
}

/// Applies the inclusive `min` and `max` constraints through `compare` (value against bound;
/// `None` when the two are not comparable).
fn check_bounds(
    constraints: &Map<String, Value>,
    compare: impl Fn(&str, &Value) -> Result<Option<Ordering>, TermValueError>,
) -> Result<(), TermValueError> {
    for (name, too_far, error) in [
        ("min", Ordering::Less, TermValueError::BelowMin),
        ("max", Ordering::Greater, TermValueError::AboveMax),
    ] {
        if let Some(bound) = constraints.get(name) {
            match compare(name, bound)? {
                None => return Err(TermValueError::Incomparable { name }),
                Some(order) if order == too_far => return Err(error),
                Some(_) => {}
            }
        }
    }
    Ok(())
}

fn length_bound(
    constraints: &Map<String, Value>,
    name: &'static str,
) -> Result<Option<u64>, TermValueError> {
    match constraints.get(name) {
        None => Ok(None),
        Some(Value::Number(n)) if n.is_u64() => Ok(n.as_u64()),
        Some(_) => Err(TermValueError::BadConstraint {
            name: name.to_owned(),
        }),
    }
}

/// Orders two JSON numbers exactly when both are integers, by their doubles otherwise.
fn cmp_numbers(a: &Number, b: &Number) -> Option<Ordering> {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return Some(x.cmp(&y));
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return Some(x.cmp(&y));
    }
    // One is a u64 beyond i64 and the other negative: the sign decides.
    if a.is_u64() && b.as_i64().is_some_and(|y| y < 0) {
        return Some(Ordering::Greater);
    }
    if b.is_u64() && a.as_i64().is_some_and(|x| x < 0) {
        return Some(Ordering::Less);
    }
    a.as_f64()?.partial_cmp(&b.as_f64()?)
}

fn cmp_temporal(a: &Temporal, b: &Temporal) -> Option<Ordering> {
    match (a, b) {
        (Temporal::DateTime(x), Temporal::DateTime(y)) => Some(x.cmp(y)),
        (
            Temporal::Date {
                year: y1,
                month: m1,
                day: d1,
            },
            Temporal::Date {
                year: y2,
                month: m2,
                day: d2,
            },
        ) => Some((y1, m1, d1).cmp(&(y2, m2, d2))),
        (Temporal::Duration { seconds: x }, Temporal::Duration { seconds: y }) => Some(x.cmp(y)),
        _ => None,
    }
}

/// Reads a temporal value: an RFC 3339 date-time with a zone, a `YYYY-MM-DD` calendar date,
/// or an ISO 8601 duration built from weeks, days, hours, minutes and whole seconds. Years
/// and months are refused in durations: their length in seconds is not fixed.
pub fn parse_temporal(text: &str) -> Result<Temporal, TermValueError> {
    if let Some(rest) = text.strip_prefix('P') {
        return parse_duration(rest);
    }
    if text.len() == 10 {
        return parse_date(text);
    }
    wire::parse_timestamp(text)
        .map(Temporal::DateTime)
        .ok_or(TermValueError::BadTemporal {
            reason: "not a date-time, date or duration",
        })
}

fn parse_date(text: &str) -> Result<Temporal, TermValueError> {
    let bad = TermValueError::BadTemporal {
        reason: "not a YYYY-MM-DD date",
    };
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u16> {
        let part = bytes.get(range)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        part.iter().try_fold(0u16, |acc, d| {
            acc.checked_mul(10)?.checked_add(u16::from(d - b'0'))
        })
    };
    if bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return Err(bad);
    }
    let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return Err(bad);
    };
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad),
    };
    if day == 0 || day > days_in_month {
        return Err(bad);
    }
    let (Ok(month), Ok(day)) = (u8::try_from(month), u8::try_from(day)) else {
        return Err(bad);
    };
    Ok(Temporal::Date { year, month, day })
}

fn parse_duration(rest: &str) -> Result<Temporal, TermValueError> {
    let bad = |reason| TermValueError::BadTemporal { reason };
    let mut seconds: u64 = 0;
    let mut number: Option<u64> = None;
    let mut in_time = false;
    let mut any = false;
    let mut last_rank = 0u8;
    for c in rest.chars() {
        if let Some(d) = c.to_digit(10) {
            let n = number.unwrap_or(0);
            number = Some(
                n.checked_mul(10)
                    .and_then(|n| n.checked_add(u64::from(d)))
                    .ok_or(bad("duration overflows"))?,
            );
            continue;
        }
        if c == 'T' {
            if in_time || number.is_some() {
                return Err(bad("misplaced 'T' in duration"));
            }
            in_time = true;
            continue;
        }
        let n = number
            .take()
            .ok_or(bad("duration designator without a number"))?;
        // Designators must come in order, each at most once: W D T H M S.
        let (rank, unit) = match (c, in_time) {
            ('W', false) => (1, 604_800u64),
            ('D', false) => (2, 86_400),
            ('H', true) => (3, 3_600),
            ('M', true) => (4, 60),
            ('S', true) => (5, 1),
            ('Y' | 'M', false) => return Err(bad("years and months have no fixed length")),
            _ => return Err(bad("not an ISO 8601 duration")),
        };
        if rank <= last_rank {
            return Err(bad("duration designators out of order"));
        }
        last_rank = rank;
        any = true;
        seconds = n
            .checked_mul(unit)
            .and_then(|s| seconds.checked_add(s))
            .ok_or(bad("duration overflows"))?;
    }
    if number.is_some() || !any || (in_time && last_rank < 3) {
        return Err(bad("not an ISO 8601 duration"));
    }
    Ok(Temporal::Duration { seconds })
}

/// Checks every offered term against its definition: each must be defined and its value
/// must satisfy [`Term::validate`]. Terms left out of the offer are not checked (an offer
/// may be partial).
pub fn validate_terms(
    definitions: &BTreeMap<String, Term>,
    offered: &Terms,
) -> Result<(), TermValueError> {
    for (id, entry) in offered {
        let term = definitions
            .get(id)
            .ok_or_else(|| TermValueError::UnknownTerm { term: id.clone() })?;
        term.validate(&entry.value)
            .map_err(|e| TermValueError::Term {
                term: id.clone(),
                source: Box::new(e),
            })?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Offers.
// ---------------------------------------------------------------------------------------------

/// A fresh offer id: `off_` and 8 hex digits from the OS generator, the reference's form.
pub fn new_offer_id() -> Result<String, OfferError> {
    use sanctuary_core::rand_core::{OsRng, RngCore as _};
    let mut bytes = [0u8; 4];
    OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|_| OfferError::Random)?;
    Ok(format!(
        "{OFFER_ID_PREFIX}{}",
        sanctuary_core::encoding::hex_encode(&bytes)
    ))
}

/// Every member an offer body may carry, by shape.
const OFFER_MEMBERS: &[&str] = &[
    "offer_id",
    "terms",
    "open_terms",
    "conditions",
    "bundles",
    "select",
    "complete",
    "valid_until",
];

/// Refuses members of `OFFER_MEMBERS` not in `own`.
fn refuse_foreign(
    body: &Map<String, Value>,
    kind: &'static str,
    own: &[&str],
) -> Result<(), OfferError> {
    match OFFER_MEMBERS
        .iter()
        .find(|m| !own.contains(m) && body.contains_key(**m))
    {
        Some(member) => Err(OfferError::Conflicting { kind, member }),
        None => Ok(()),
    }
}

fn parse_valid_until(body: &Map<String, Value>) -> Result<Option<String>, OfferError> {
    match opt_text(body, "valid_until")? {
        None => Ok(None),
        Some(text) if wire::parse_timestamp(&text).is_some() => Ok(Some(text)),
        Some(_) => Err(OfferError::BadValidUntil),
    }
}

fn require_terms(body: &Map<String, Value>) -> Result<Terms, OfferError> {
    let value = body
        .get("terms")
        .ok_or(ShapeError::Missing { member: "terms" })?;
    Ok(parse_terms(value, "terms")?)
}

fn require_complete(
    body: &Map<String, Value>,
    kind: &'static str,
    expected: bool,
) -> Result<(), OfferError> {
    if req_bool(body, "complete")? == expected {
        Ok(())
    } else {
        Err(OfferError::Completeness { kind, expected })
    }
}

/// Writes the members every offer shares, then the unknown ones.
fn finish_body(
    mut out: Map<String, Value>,
    valid_until: Option<&String>,
    extra: &Map<String, Value>,
) -> Map<String, Value> {
    // The reference writes `valid_until` only when it is a non-empty string.
    if let Some(v) = valid_until.filter(|v| !v.is_empty()) {
        out.insert("valid_until".into(), Value::String(v.clone()));
    }
    merge_extra(&mut out, extra);
    out
}

/// A complete offer: a value for every term (SPEC §6.1).
#[derive(Debug, Clone, PartialEq)]
pub struct BasicOffer {
    /// The offer id.
    pub offer_id: String,
    /// The proposed terms.
    pub terms: Terms,
    /// When the offer lapses (RFC 3339), if stated.
    pub valid_until: Option<String>,
    /// Unknown body members, kept as sent.
    pub extra: Map<String, Value>,
}

impl BasicOffer {
    /// A basic offer with a fresh id.
    pub fn new(terms: Terms) -> Result<Self, OfferError> {
        Ok(BasicOffer::with_id(new_offer_id()?, terms))
    }

    /// A basic offer with the given id.
    #[must_use]
    pub fn with_id(offer_id: impl Into<String>, terms: Terms) -> Self {
        BasicOffer {
            offer_id: offer_id.into(),
            terms,
            valid_until: None,
            extra: Map::new(),
        }
    }

    /// Sets when the offer lapses.
    #[must_use]
    pub fn with_valid_until(mut self, valid_until: impl Into<String>) -> Self {
        self.valid_until = Some(valid_until.into());
        self
    }

    /// The body: `offer_id`, `terms`, `complete: true`, and `valid_until` when set.
    #[must_use]
    pub fn to_body(&self) -> Map<String, Value> {
        let mut out = Map::new();
        out.insert("offer_id".into(), Value::String(self.offer_id.clone()));
        out.insert("terms".into(), terms_to_value(&self.terms));
        out.insert("complete".into(), Value::Bool(true));
        finish_body(out, self.valid_until.as_ref(), &self.extra)
    }

    /// Reads a basic offer body (`complete` must be `true`).
    pub fn from_body(body: &Map<String, Value>) -> Result<Self, OfferError> {
        check_body_depth(body)?;
        refuse_foreign(
            body,
            "basic",
            &["offer_id", "terms", "complete", "valid_until"],
        )?;
        require_complete(body, "basic", true)?;
        Ok(BasicOffer {
            offer_id: req_id(body, "offer_id")?,
            terms: require_terms(body)?,
            valid_until: parse_valid_until(body)?,
            extra: extra_members(body, OFFER_MEMBERS),
        })
    }
}

/// A partial offer: values for some terms, others left open (SPEC §6.2).
#[derive(Debug, Clone, PartialEq)]
pub struct PartialOffer {
    /// The offer id.
    pub offer_id: String,
    /// The proposed terms.
    pub terms: Terms,
    /// The term ids left open.
    pub open_terms: Vec<String>,
    /// When the offer lapses (RFC 3339), if stated.
    pub valid_until: Option<String>,
    /// Unknown body members, kept as sent.
    pub extra: Map<String, Value>,
}

impl PartialOffer {
    /// A partial offer with a fresh id.
    pub fn new(terms: Terms, open_terms: Vec<String>) -> Result<Self, OfferError> {
        Ok(PartialOffer::with_id(new_offer_id()?, terms, open_terms))
    }

    /// A partial offer with the given id.
    #[must_use]
    pub fn with_id(offer_id: impl Into<String>, terms: Terms, open_terms: Vec<String>) -> Self {
        PartialOffer {
            offer_id: offer_id.into(),
            terms,
            open_terms,
            valid_until: None,
            extra: Map::new(),
        }
    }

    /// Sets when the offer lapses.
    #[must_use]
    pub fn with_valid_until(mut self, valid_until: impl Into<String>) -> Self {
        self.valid_until = Some(valid_until.into());
        self
    }

    /// The body: `offer_id`, `terms`, `open_terms`, `complete: false`, and `valid_until`.
    #[must_use]
    pub fn to_body(&self) -> Map<String, Value> {
        let mut out = Map::new();
        out.insert("offer_id".into(), Value::String(self.offer_id.clone()));
        out.insert("terms".into(), terms_to_value(&self.terms));
        out.insert("open_terms".into(), strings_value(&self.open_terms));
        out.insert("complete".into(), Value::Bool(false));
        finish_body(out, self.valid_until.as_ref(), &self.extra)
    }

    /// Reads a partial offer body (`complete` must be `false`; open terms distinct and not
    /// among the offered terms).
    pub fn from_body(body: &Map<String, Value>) -> Result<Self, OfferError> {
        check_body_depth(body)?;
        refuse_foreign(
            body,
            "partial",
            &["offer_id", "terms", "open_terms", "complete", "valid_until"],
        )?;
        require_complete(body, "partial", false)?;
        let terms = require_terms(body)?;
        let open_terms = id_list(
            body.get("open_terms").ok_or(ShapeError::Missing {
                member: "open_terms",
            })?,
            "open_terms",
        )?;
        if let Some(term) = open_terms.iter().find(|t| terms.contains_key(*t)) {
            return Err(OfferError::OpenAndOffered { term: term.clone() });
        }
        Ok(PartialOffer {
            offer_id: req_id(body, "offer_id")?,
            terms,
            open_terms,
            valid_until: parse_valid_until(body)?,
            extra: extra_members(body, OFFER_MEMBERS),
        })
    }
}

/// One clause of a conditional offer: if the `if` terms hold, the `then` terms are offered.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The condition: term id to the value it must take (bare values, as the reference's
    /// examples write them).
    pub if_clause: Map<String, Value>,
    /// The terms offered when the condition holds.
    pub then_clause: Terms,
    /// Unknown members of the clause object, kept as sent.
    pub extra: Map<String, Value>,
}

impl Condition {
    /// A clause.
    #[must_use]
    pub fn new(if_clause: Map<String, Value>, then_clause: Terms) -> Self {
        Condition {
            if_clause,
            then_clause,
            extra: Map::new(),
        }
    }

    /// The clause object `{"if": ..., "then": ...}`.
    #[must_use]
    pub fn to_value(&self) -> Value {
        let mut out = Map::new();
        out.insert("if".into(), Value::Object(self.if_clause.clone()));
        out.insert("then".into(), terms_to_value(&self.then_clause));
        merge_extra(&mut out, &self.extra);
        Value::Object(out)
    }

    fn from_value(value: &Value) -> Result<Condition, ShapeError> {
        let map = value.as_object().ok_or(ShapeError::WrongType {
            member: "conditions",
            expected: "a list of objects",
        })?;
        let if_clause = as_object(
            map.get("if").ok_or(ShapeError::Missing { member: "if" })?,
            "if",
        )?;
        for term in if_clause.keys() {
            check_id(term, "if")?;
        }
        let then_clause = parse_terms(
            map.get("then")
                .ok_or(ShapeError::Missing { member: "then" })?,
            "then",
        )?;
        Ok(Condition {
            if_clause: if_clause.clone(),
            then_clause,
            extra: extra_members(map, &["if", "then"]),
        })
    }
}

/// A conditional offer: if/then clauses between terms (SPEC §6.3).
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionalOffer {
    /// The offer id.
    pub offer_id: String,
    /// The clauses.
    pub conditions: Vec<Condition>,
    /// Whether the clauses cover every term (the reference's default is `true`).
    pub complete: bool,
    /// When the offer lapses (RFC 3339), if stated.
    pub valid_until: Option<String>,
    /// Unknown body members, kept as sent.
    pub extra: Map<String, Value>,
}

impl ConditionalOffer {
    /// A complete conditional offer with a fresh id.
    pub fn new(conditions: Vec<Condition>) -> Result<Self, OfferError> {
        Ok(ConditionalOffer::with_id(new_offer_id()?, conditions))
    }

    /// A complete conditional offer with the given id.
    #[must_use]
    pub fn with_id(offer_id: impl Into<String>, conditions: Vec<Condition>) -> Self {
        ConditionalOffer {
            offer_id: offer_id.into(),
            conditions,
            complete: true,
            valid_until: None,
            extra: Map::new(),
        }
    }

    /// Sets `complete`.
    #[must_use]
    pub fn with_complete(mut self, complete: bool) -> Self {
        self.complete = complete;
        self
    }

    /// Sets when the offer lapses.
    #[must_use]
    pub fn with_valid_until(mut self, valid_until: impl Into<String>) -> Self {
        self.valid_until = Some(valid_until.into());
        self
    }

    /// The body: `offer_id`, `conditions`, `complete`, and `valid_until` when set.
    #[must_use]
    pub fn to_body(&self) -> Map<String, Value> {
        let mut out = Map::new();
        out.insert("offer_id".into(), Value::String(self.offer_id.clone()));
        out.insert(
            "conditions".into(),
            Value::Array(self.conditions.iter().map(Condition::to_value).collect()),
        );
        out.insert("complete".into(), Value::Bool(self.complete));
        finish_body(out, self.valid_until.as_ref(), &self.extra)
    }

    /// Reads a conditional offer body.
    pub fn from_body(body: &Map<String, Value>) -> Result<Self, OfferError> {
        check_body_depth(body)?;
        refuse_foreign(
            body,
            "conditional",
            &["offer_id", "conditions", "complete", "valid_until"],
        )?;
        let complete = req_bool(body, "complete")?;
        let list = body
            .get("conditions")
            .ok_or(ShapeError::Missing {
                member: "conditions",
            })?
            .as_array()
            .ok_or(ShapeError::WrongType {
                member: "conditions",
                expected: "a list of objects",
            })?;
        if list.len() > MAX_LIST_LEN {
            return Err(ShapeError::TooMany {
                member: "conditions",
                max: MAX_LIST_LEN,
            }
            .into());
        }
        let conditions = list
            .iter()
            .map(Condition::from_value)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ConditionalOffer {
            offer_id: req_id(body, "offer_id")?,
            conditions,
            complete,
            valid_until: parse_valid_until(body)?,
            extra: extra_members(body, OFFER_MEMBERS),
        })
    }
}

/// One option of a bundle offer.
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    /// The bundle id, unique in the offer.
    pub bundle_id: String,
    /// A human-readable name.
    pub label: String,
    /// The terms of this option.
    pub terms: Terms,
    /// Unknown members of the bundle object, kept as sent.
    pub extra: Map<String, Value>,
}

impl Bundle {
    /// A bundle.
    #[must_use]
    pub fn new(bundle_id: impl Into<String>, label: impl Into<String>, terms: Terms) -> Self {
        Bundle {
            bundle_id: bundle_id.into(),
            label: label.into(),
            terms,
            extra: Map::new(),
        }
    }

    /// The bundle object `{"bundle_id", "label", "terms"}`.
    #[must_use]
    pub fn to_value(&self) -> Value {
        let mut out = Map::new();
        out.insert("bundle_id".into(), Value::String(self.bundle_id.clone()));
        out.insert("label".into(), Value::String(self.label.clone()));
        out.insert("terms".into(), terms_to_value(&self.terms));
        merge_extra(&mut out, &self.extra);
        Value::Object(out)
    }

    fn from_value(value: &Value) -> Result<Bundle, ShapeError> {
        let map = value.as_object().ok_or(ShapeError::WrongType {
            member: "bundles",
            expected: "a list of objects",
        })?;
        Ok(Bundle {
            bundle_id: req_id(map, "bundle_id")?,
            label: opt_text(map, "label")?.ok_or(ShapeError::Missing { member: "label" })?,
            terms: parse_terms(
                map.get("terms")
                    .ok_or(ShapeError::Missing { member: "terms" })?,
                "terms",
            )?,
            extra: extra_members(map, &["bundle_id", "label", "terms"]),
        })
    }
}

/// A bundle offer: alternative groups of terms to choose from (SPEC §6.4).
#[derive(Debug, Clone, PartialEq)]
pub struct BundleOffer {
    /// The offer id.
    pub offer_id: String,
    /// The options.
    pub bundles: Vec<Bundle>,
    /// How many to choose (the reference's default, and the only value the SPEC shows, is
    /// `one_of`).
    pub select: String,
    /// When the offer lapses (RFC 3339), if stated.
    pub valid_until: Option<String>,
    /// Unknown body members, kept as sent.
    pub extra: Map<String, Value>,
}

impl BundleOffer {
    /// A `one_of` bundle offer with a fresh id.
    pub fn new(bundles: Vec<Bundle>) -> Result<Self, OfferError> {
        Ok(BundleOffer::with_id(new_offer_id()?, bundles))
    }

    /// A `one_of` bundle offer with the given id.
    #[must_use]
    pub fn with_id(offer_id: impl Into<String>, bundles: Vec<Bundle>) -> Self {
        BundleOffer {
            offer_id: offer_id.into(),
            bundles,
            select: "one_of".into(),
            valid_until: None,
            extra: Map::new(),
        }
    }

    /// Sets when the offer lapses.
    #[must_use]
    pub fn with_valid_until(mut self, valid_until: impl Into<String>) -> Self {
        self.valid_until = Some(valid_until.into());
        self
    }

    /// The body: `offer_id`, `bundles`, `select`, and `valid_until` when set.
    #[must_use]
    pub fn to_body(&self) -> Map<String, Value> {
        let mut out = Map::new();
        out.insert("offer_id".into(), Value::String(self.offer_id.clone()));
        out.insert(
            "bundles".into(),
            Value::Array(self.bundles.iter().map(Bundle::to_value).collect()),
        );
        out.insert("select".into(), Value::String(self.select.clone()));
        finish_body(out, self.valid_until.as_ref(), &self.extra)
    }

    /// Reads a bundle offer body (bundle ids distinct, `select` a non-empty string).
    pub fn from_body(body: &Map<String, Value>) -> Result<Self, OfferError> {
        check_body_depth(body)?;
        refuse_foreign(
            body,
            "bundle",
            &["offer_id", "bundles", "select", "valid_until"],
        )?;
        let list = body
            .get("bundles")
            .ok_or(ShapeError::Missing { member: "bundles" })?
            .as_array()
            .ok_or(ShapeError::WrongType {
                member: "bundles",
                expected: "a list of objects",
            })?;
        if list.len() > MAX_LIST_LEN {
            return Err(ShapeError::TooMany {
                member: "bundles",
                max: MAX_LIST_LEN,
            }
            .into());
        }
        let bundles = list
            .iter()
            .map(Bundle::from_value)
            .collect::<Result<Vec<_>, _>>()?;
        let mut ids = BTreeSet::new();
        if !bundles.iter().all(|b| ids.insert(b.bundle_id.as_str())) {
            return Err(ShapeError::Duplicate { member: "bundles" }.into());
        }
        let select = req_id(body, "select")?;
        Ok(BundleOffer {
            offer_id: req_id(body, "offer_id")?,
            bundles,
            select,
            valid_until: parse_valid_until(body)?,
            extra: extra_members(body, OFFER_MEMBERS),
        })
    }
}

/// Any of the four offer shapes.
#[derive(Debug, Clone, PartialEq)]
pub enum Offer {
    /// A complete offer.
    Basic(BasicOffer),
    /// A partial offer.
    Partial(PartialOffer),
    /// A conditional offer.
    Conditional(ConditionalOffer),
    /// A bundle offer.
    Bundle(BundleOffer),
}

impl Offer {
    /// Reads an offer body, choosing the shape by its members: `bundles`, else `conditions`,
    /// else `open_terms`, else `terms`. The chosen shape's reader then refuses members of the
    /// other shapes.
    pub fn from_body(body: &Map<String, Value>) -> Result<Offer, OfferError> {
        if body.contains_key("bundles") {
            BundleOffer::from_body(body).map(Offer::Bundle)
        } else if body.contains_key("conditions") {
            ConditionalOffer::from_body(body).map(Offer::Conditional)
        } else if body.contains_key("open_terms") {
            PartialOffer::from_body(body).map(Offer::Partial)
        } else if body.contains_key("terms") {
            BasicOffer::from_body(body).map(Offer::Basic)
        } else {
            Err(OfferError::NoContent)
        }
    }

    /// The body the reference's `to_body()` writes for this offer.
    #[must_use]
    pub fn to_body(&self) -> Map<String, Value> {
        match self {
            Offer::Basic(o) => o.to_body(),
            Offer::Partial(o) => o.to_body(),
            Offer::Conditional(o) => o.to_body(),
            Offer::Bundle(o) => o.to_body(),
        }
    }

    /// The offer id.
    #[must_use]
    pub fn offer_id(&self) -> &str {
        match self {
            Offer::Basic(o) => &o.offer_id,
            Offer::Partial(o) => &o.offer_id,
            Offer::Conditional(o) => &o.offer_id,
            Offer::Bundle(o) => &o.offer_id,
        }
    }

    /// When the offer lapses, if stated.
    #[must_use]
    pub fn valid_until(&self) -> Option<&str> {
        match self {
            Offer::Basic(o) => o.valid_until.as_deref(),
            Offer::Partial(o) => o.valid_until.as_deref(),
            Offer::Conditional(o) => o.valid_until.as_deref(),
            Offer::Bundle(o) => o.valid_until.as_deref(),
        }
    }

    /// The top-level terms (basic and partial offers), which the reference's session reads
    /// to track concessions.
    #[must_use]
    pub fn terms(&self) -> Option<&Terms> {
        match self {
            Offer::Basic(o) => Some(&o.terms),
            Offer::Partial(o) => Some(&o.terms),
            Offer::Conditional(_) | Offer::Bundle(_) => None,
        }
    }

    /// The offer's digest: `sha256:` and the hex SHA-256 of the JCS of its body.
    pub fn digest(&self) -> Result<String, OfferError> {
        Ok(offer_digest(&self.to_body())?)
    }
}

/// The digest that binds an offer into a receipt (`scope.offer_hash`, a decision object's
/// `request_digest`): `sha256:` and the hex SHA-256 of the offer object's JCS form.
pub fn offer_digest(offer: &Map<String, Value>) -> Result<String, WireError> {
    Ok(wire::sha256_ref(&wire::canonical_without(offer, &[])?))
}

/// Checks that `expected` is a well-formed `sha256:` digest equal to [`offer_digest`] of
/// `offer`.
pub fn check_offer_digest(offer: &Map<String, Value>, expected: &str) -> Result<(), OfferError> {
    wire::check_sha256_ref(expected)?;
    if offer_digest(offer)? == expected {
        Ok(())
    } else {
        Err(OfferError::DigestMismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    fn jcs(v: &Value) -> String {
        String::from_utf8(wire::canonical(v).unwrap()).unwrap()
    }

    fn terms(v: Value) -> Terms {
        parse_terms(&v, "terms").unwrap()
    }

    /// `to_body()` of offers built with the Python package (0.10.0), as its `canonical_json`
    /// writes them.
    #[test]
    fn to_body_matches_python() {
        let basic = BasicOffer::with_id(
            "off_b8c2d4e6",
            terms(json!({
                "price": {"value": 150.0, "currency": "USD"},
                "condition": {"value": "good", "enum": ["new", "like_new", "good", "fair"]},
                "delivery_date": {"value": "2026-04-01", "type": "date"}
            })),
        )
        .with_valid_until("2026-03-21T15:30:00Z");
        assert_eq!(
            jcs(&Value::Object(basic.to_body())),
            r#"{"complete":true,"offer_id":"off_b8c2d4e6","terms":{"condition":{"enum":["new","like_new","good","fair"],"value":"good"},"delivery_date":{"type":"date","value":"2026-04-01"},"price":{"currency":"USD","value":150}},"valid_until":"2026-03-21T15:30:00Z"}"#
        );
        let partial = PartialOffer::with_id(
            "off_c9d3e5f7",
            terms(json!({"price": {"value": 140.0, "currency": "USD"}})),
            vec!["delivery_method".into(), "delivery_date".into()],
        );
        assert_eq!(
            jcs(&Value::Object(partial.to_body())),
            r#"{"complete":false,"offer_id":"off_c9d3e5f7","open_terms":["delivery_method","delivery_date"],"terms":{"price":{"currency":"USD","value":140}}}"#
        );
        let conditional = ConditionalOffer::with_id(
            "off_0000000c",
            vec![Condition::new(
                obj(json!({"qty": 5})),
                terms(json!({"price": {"value": 9.5}})),
            )],
        )
        .with_complete(false)
        .with_valid_until("2026-04-01T00:00:00Z");
        assert_eq!(
            jcs(&Value::Object(conditional.to_body())),
            r#"{"complete":false,"conditions":[{"if":{"qty":5},"then":{"price":{"value":9.5}}}],"offer_id":"off_0000000c","valid_until":"2026-04-01T00:00:00Z"}"#
        );
        let bundle = BundleOffer::with_id(
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
        );
        assert_eq!(
            jcs(&Value::Object(bundle.to_body())),
            r#"{"bundles":[{"bundle_id":"bundle_1","label":"Just the camera","terms":{"item":{"value":"Canon EOS R5"},"price":{"currency":"USD","value":2200}}},{"bundle_id":"bundle_2","label":"Camera + lens kit","terms":{"items":{"value":["Canon EOS R5","RF 24-105mm f/4L"]},"price":{"currency":"USD","value":2800}}}],"offer_id":"off_e1f5a7b9","select":"one_of"}"#
        );
        // The reference drops an empty valid_until.
        let no_expiry = BasicOffer::with_id("off_1", Terms::new()).with_valid_until("");
        assert!(!no_expiry.to_body().contains_key("valid_until"));
        // Every shape reads back to itself.
        for offer in [
            Offer::Basic(basic),
            Offer::Partial(partial),
            Offer::Conditional(conditional),
            Offer::Bundle(bundle),
        ] {
            assert_eq!(Offer::from_body(&offer.to_body()).unwrap(), offer);
        }
    }

    #[test]
    fn generated_ids_have_the_reference_form() {
        let a = BasicOffer::new(Terms::new()).unwrap();
        let b = BasicOffer::new(Terms::new()).unwrap();
        for offer in [&a, &b] {
            let hex = offer.offer_id.strip_prefix("off_").unwrap();
            assert_eq!(hex.len(), 8);
            assert!(
                hex.bytes()
                    .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
            );
        }
        assert_ne!(a.offer_id, b.offer_id);
    }

    #[test]
    fn unknown_members_are_kept() {
        let body = obj(json!({
            "offer_id": "off_1", "complete": true, "x_note": {"k": [1, 2]},
            "terms": {"price": {"value": 1, "currency": "USD", "x": null}}
        }));
        let offer = Offer::from_body(&body).unwrap();
        assert_eq!(offer.to_body(), body);
        let Offer::Basic(basic) = offer else {
            panic!("not basic")
        };
        assert_eq!(basic.extra.get("x_note"), Some(&json!({"k": [1, 2]})));
        assert_eq!(
            basic.terms["price"].extra.get("currency"),
            Some(&json!("USD"))
        );
    }

    #[test]
    fn malformed_offer_bodies_are_refused() {
        let cases: Vec<(Value, OfferError)> = vec![
            (json!({}), OfferError::NoContent),
            (
                json!({"offer_id": "o", "terms": {}}),
                ShapeError::Missing { member: "complete" }.into(),
            ),
            (
                json!({"offer_id": "o", "terms": {}, "complete": false}),
                OfferError::Completeness {
                    kind: "basic",
                    expected: true,
                },
            ),
            (
                json!({"offer_id": "o", "terms": {}, "complete": "yes"}),
                ShapeError::WrongType {
                    member: "complete",
                    expected: "a boolean",
                }
                .into(),
            ),
            (
                json!({"terms": {}, "complete": true}),
                ShapeError::Missing { member: "offer_id" }.into(),
            ),
            (
                json!({"offer_id": "", "terms": {}, "complete": true}),
                ShapeError::Empty { member: "offer_id" }.into(),
            ),
            (
                json!({"offer_id": 7, "terms": {}, "complete": true}),
                ShapeError::WrongType {
                    member: "offer_id",
                    expected: "a string",
                }
                .into(),
            ),
            (
                json!({"offer_id": "o", "terms": [], "complete": true}),
                ShapeError::WrongType {
                    member: "terms",
                    expected: "an object",
                }
                .into(),
            ),
            (
                json!({"offer_id": "o", "terms": {"p": 5}, "complete": true}),
                ShapeError::BadTerm {
                    term: "p".into(),
                    reason: "entry is not an object",
                }
                .into(),
            ),
            (
                json!({"offer_id": "o", "terms": {"p": {"currency": "USD"}}, "complete": true}),
                ShapeError::BadTerm {
                    term: "p".into(),
                    reason: "entry has no 'value'",
                }
                .into(),
            ),
            (
                json!({"offer_id": "o", "terms": {"": {"value": 1}}, "complete": true}),
                ShapeError::Empty { member: "terms" }.into(),
            ),
            (
                json!({"offer_id": "o", "terms": {}, "complete": true, "valid_until": "soon"}),
                OfferError::BadValidUntil,
            ),
            (
                json!({"offer_id": "o", "terms": {}, "complete": true, "valid_until": ""}),
                OfferError::BadValidUntil,
            ),
            (
                json!({"offer_id": "o", "terms": {}, "complete": true, "select": "one_of"}),
                OfferError::Conflicting {
                    kind: "basic",
                    member: "select",
                },
            ),
            (
                json!({"offer_id": "o", "terms": {}, "open_terms": ["a"], "complete": true}),
                OfferError::Completeness {
                    kind: "partial",
                    expected: false,
                },
            ),
            (
                json!({"offer_id": "o", "terms": {"a": {"value": 1}}, "open_terms": ["a"], "complete": false}),
                OfferError::OpenAndOffered { term: "a".into() },
            ),
            (
                json!({"offer_id": "o", "terms": {}, "open_terms": ["a", "a"], "complete": false}),
                ShapeError::Duplicate {
                    member: "open_terms",
                }
                .into(),
            ),
            (
                json!({"offer_id": "o", "terms": {}, "open_terms": "a", "complete": false}),
                ShapeError::WrongType {
                    member: "open_terms",
                    expected: "a list of strings",
                }
                .into(),
            ),
            (
                json!({"offer_id": "o", "conditions": [{"if": {}}], "complete": true}),
                ShapeError::Missing { member: "then" }.into(),
            ),
            (
                json!({"offer_id": "o", "conditions": [{"if": [], "then": {}}], "complete": true}),
                ShapeError::WrongType {
                    member: "if",
                    expected: "an object",
                }
                .into(),
            ),
            (
                json!({"offer_id": "o", "conditions": [{"if": {}, "then": {"p": 1}}], "complete": true}),
                ShapeError::BadTerm {
                    term: "p".into(),
                    reason: "entry is not an object",
                }
                .into(),
            ),
            (
                json!({"offer_id": "o", "conditions": [], "complete": true, "terms": {}}),
                OfferError::Conflicting {
                    kind: "conditional",
                    member: "terms",
                },
            ),
            (
                json!({"offer_id": "o", "conditions": {}, "complete": true}),
                ShapeError::WrongType {
                    member: "conditions",
                    expected: "a list of objects",
                }
                .into(),
            ),
            (
                json!({"offer_id": "o", "bundles": [], "conditions": []}),
                OfferError::Conflicting {
                    kind: "bundle",
                    member: "conditions",
                },
            ),
            (
                json!({"offer_id": "o", "bundles": []}),
                ShapeError::Missing { member: "select" }.into(),
            ),
            (
                json!({"offer_id": "o", "bundles": [], "select": "one_of", "complete": true}),
                OfferError::Conflicting {
                    kind: "bundle",
                    member: "complete",
                },
            ),
            (
                json!({"offer_id": "o", "select": "one_of", "bundles": [
                    {"bundle_id": "b", "label": "x", "terms": {}},
                    {"bundle_id": "b", "label": "y", "terms": {}}]}),
                ShapeError::Duplicate { member: "bundles" }.into(),
            ),
            (
                json!({"offer_id": "o", "select": "one_of", "bundles": [{"bundle_id": "b", "terms": {}}]}),
                ShapeError::Missing { member: "label" }.into(),
            ),
        ];
        for (body, expected) in cases {
            assert_eq!(
                Offer::from_body(&obj(body.clone())),
                Err(expected),
                "{body}"
            );
        }
    }

    #[test]
    fn sizes_and_depth_are_bounded() {
        let many: Map<String, Value> = (0..=MAX_TERMS)
            .map(|i| (format!("t{i}"), json!({"value": i})))
            .collect();
        let body = obj(json!({"offer_id": "o", "complete": true, "terms": many}));
        assert_eq!(
            Offer::from_body(&body),
            Err(ShapeError::TooMany {
                member: "terms",
                max: MAX_TERMS
            }
            .into())
        );
        let long_id = "x".repeat(MAX_ID_LEN + 1);
        let body = obj(json!({"offer_id": long_id, "complete": true, "terms": {}}));
        assert!(matches!(
            Offer::from_body(&body),
            Err(OfferError::Shape(ShapeError::TooLong { .. }))
        ));
        // A value nested one level too deep (body = level 1, terms = 2, entry = 3).
        let mut deep = json!(1);
        for _ in 0..(MAX_DEPTH - 2) {
            deep = json!([deep]);
        }
        let body = obj(json!({"offer_id": "o", "complete": true, "terms": {"p": {"value": deep}}}));
        assert_eq!(
            Offer::from_body(&body),
            Err(ShapeError::TooDeep { max: MAX_DEPTH }.into())
        );
        // One level less is accepted.
        let Value::Array(mut inner) = deep else {
            panic!()
        };
        let shallower = inner.pop().unwrap();
        let body =
            obj(json!({"offer_id": "o", "complete": true, "terms": {"p": {"value": shallower}}}));
        assert!(Offer::from_body(&body).is_ok());
    }

    #[test]
    fn offer_digest_matches_the_suite_vector() {
        // pos-1404-offer-digest: the offer JSON and its expected request_digest.
        let offer = obj(json!({
            "action": "procurement.purchase_order",
            "currency": "USD",
            "line_items": [{"quantity": 3, "sku": "SRV-RACK-42U"}],
            "total": "150000.00",
            "vendor": "did:web:vendor.example"
        }));
        let expected = "sha256:2cf9882e0ceee36278318a376117cc03da510c6994c3679a57eb4777dc8e06cb";
        assert_eq!(offer_digest(&offer).unwrap(), expected);
        check_offer_digest(&offer, expected).unwrap();
        // mut-1404-offer-0001: one changed byte in `action`.
        let mut tampered = offer.clone();
        tampered.insert("action".into(), json!("procurement.purchase_ordeA"));
        assert_eq!(
            check_offer_digest(&tampered, expected),
            Err(OfferError::DigestMismatch)
        );
        assert_eq!(
            check_offer_digest(&offer, &expected.to_uppercase()),
            Err(OfferError::Wire(WireError::DigestFormat))
        );
        // Offer::digest hashes the body.
        let basic = BasicOffer::with_id("off_1", terms(json!({"p": {"value": 1}})));
        assert_eq!(
            Offer::Basic(basic.clone()).digest().unwrap(),
            wire::hash_value(&Value::Object(basic.to_body())).unwrap()
        );
    }

    /// Every offer-binding-v1 vector of the suite whose checks are `jcs-sha256` digests of the
    /// input: the helper accepts exactly the ones the suite accepts.
    #[test]
    fn offer_binding_digest_vectors() {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/vectors");
        let (mut accepted, mut rejected) = (0, 0);
        for dir in ["positive", "mutation", "canary"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                let vector: Value =
                    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                if vector["verification_profile"] != "offer-binding-v1" {
                    continue;
                }
                let checks = vector["context"]["checks"].as_array().unwrap();
                if !checks
                    .iter()
                    .all(|c| c["kind"] == "jcs-sha256" && c["source"] == "input")
                {
                    continue;
                }
                let input = vector["input"].as_object().unwrap();
                let ok = checks
                    .iter()
                    .all(|c| check_offer_digest(input, c["expected"].as_str().unwrap()).is_ok());
                let expected = vector["expected"] == "accept";
                assert_eq!(ok, expected, "{}", path.display());
                if ok {
                    accepted += 1;
                } else {
                    rejected += 1;
                }
            }
        }
        assert_eq!((accepted, rejected), (2, 15));
    }

    #[test]
    fn numeric_terms() {
        let price = Term::new("price", TermType::Numeric, "Price")
            .with_unit("USD")
            .with_constraint("min", json!(0))
            .with_constraint("max", json!(5000.5));
        assert_eq!(
            price.validate(&json!(150)).unwrap(),
            TermValue::Numeric(150.into())
        );
        assert!(price.validate(&json!(0)).is_ok());
        assert!(price.validate(&json!(5000.5)).is_ok());
        assert_eq!(price.validate(&json!(-1)), Err(TermValueError::BelowMin));
        assert_eq!(
            price.validate(&json!(5000.51)),
            Err(TermValueError::AboveMax)
        );
        assert!(matches!(
            price.validate(&json!("150")),
            Err(TermValueError::WrongType { .. })
        ));
        assert!(matches!(
            price.validate(&json!(true)),
            Err(TermValueError::WrongType { .. })
        ));
        // Exact integer comparison beyond 2^53 and across signs.
        let big = Term::new("n", TermType::Numeric, "N")
            .with_constraint("max", json!(9_007_199_254_740_993_u64));
        assert!(big.validate(&json!(9_007_199_254_740_993_u64)).is_ok());
        assert_eq!(
            big.validate(&json!(9_007_199_254_740_994_u64)),
            Err(TermValueError::AboveMax)
        );
        let huge_min =
            Term::new("n", TermType::Numeric, "N").with_constraint("min", json!(u64::MAX));
        assert_eq!(huge_min.validate(&json!(-1)), Err(TermValueError::BelowMin));
        let bad = Term::new("n", TermType::Numeric, "N").with_constraint("min", json!("0"));
        assert_eq!(
            bad.validate(&json!(1)),
            Err(TermValueError::BadConstraint { name: "min".into() })
        );
        // A constraint it cannot check fails the value.
        let unknown =
            Term::new("n", TermType::Numeric, "N").with_constraint("currency", json!("USD"));
        assert_eq!(
            unknown.validate(&json!(1)),
            Err(TermValueError::UnsupportedConstraint {
                name: "currency".into(),
                term_type: TermType::Numeric
            })
        );
    }

    #[test]
    fn temporal_terms() {
        assert_eq!(
            parse_temporal("2024-02-29").unwrap(),
            Temporal::Date {
                year: 2024,
                month: 2,
                day: 29
            }
        );
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-1-010",
            "20240229xx",
            "P",
            "PT",
            "P1M",
            "P1Y",
            "P1DT",
            "PT1D",
            "P1H",
            "PD",
            "P1D2D",
            "PT1S1M",
            "P99999999999999999999D",
            "tomorrow",
            "2026-04-01T00:00:00",
        ] {
            assert!(parse_temporal(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_temporal("P1W2DT3H4M5S").unwrap(),
            Temporal::Duration {
                seconds: 604_800 + 2 * 86_400 + 3 * 3_600 + 4 * 60 + 5
            }
        );
        assert_eq!(
            parse_temporal("PT90M").unwrap(),
            Temporal::Duration { seconds: 5_400 }
        );
        assert!(matches!(
            parse_temporal("2026-04-01T12:00:00+02:00").unwrap(),
            Temporal::DateTime(_)
        ));

        let delivery = Term::new("delivery_date", TermType::Temporal, "Delivery")
            .with_constraint("min", json!("2026-04-01"))
            .with_constraint("max", json!("2026-04-30"));
        assert!(delivery.validate(&json!("2026-04-15")).is_ok());
        assert_eq!(
            delivery.validate(&json!("2026-03-31")),
            Err(TermValueError::BelowMin)
        );
        assert_eq!(
            delivery.validate(&json!("2026-05-01")),
            Err(TermValueError::AboveMax)
        );
        assert_eq!(
            delivery.validate(&json!("2026-04-15T00:00:00Z")),
            Err(TermValueError::Incomparable { name: "min" })
        );
        let deadline = Term::new("deadline", TermType::Temporal, "Deadline")
            .with_constraint("max", json!("2026-04-01T12:00:00Z"));
        assert!(
            deadline
                .validate(&json!("2026-04-01T13:59:59+02:00"))
                .is_ok()
        );
        assert_eq!(
            deadline.validate(&json!("2026-04-01T12:00:01Z")),
            Err(TermValueError::AboveMax)
        );
        let lead =
            Term::new("lead", TermType::Temporal, "Lead time").with_constraint("max", json!("P2W"));
        assert!(lead.validate(&json!("P14D")).is_ok());
        assert_eq!(
            lead.validate(&json!("P14DT1S")),
            Err(TermValueError::AboveMax)
        );
    }

    #[test]
    fn categorical_boolean_text_terms() {
        let condition = Term::new("condition", TermType::Categorical, "Condition")
            .with_constraint("options", json!(["new", "like_new", "good"]));
        assert_eq!(
            condition.validate(&json!("good")).unwrap(),
            TermValue::Categorical("good".into())
        );
        assert_eq!(
            condition.validate(&json!("poor")),
            Err(TermValueError::NotAnOption)
        );
        assert!(condition.validate(&json!(1)).is_err());
        let spelled_enum =
            Term::new("c", TermType::Categorical, "C").with_constraint("enum", json!(["a"]));
        assert!(spelled_enum.validate(&json!("a")).is_ok());
        assert_eq!(
            spelled_enum.validate(&json!("b")),
            Err(TermValueError::NotAnOption)
        );
        let bad_options =
            Term::new("c", TermType::Categorical, "C").with_constraint("options", json!([1, "a"]));
        assert!(matches!(
            bad_options.validate(&json!("a")),
            Err(TermValueError::BadConstraint { .. })
        ));

        let warranty = Term::new("warranty", TermType::Boolean, "Warranty");
        assert_eq!(
            warranty.validate(&json!(false)).unwrap(),
            TermValue::Boolean(false)
        );
        assert!(warranty.validate(&json!("false")).is_err());
        assert!(warranty.validate(&json!(0)).is_err());

        let note = Term::new("note", TermType::Text, "Note")
            .with_constraint("min_length", json!(2))
            .with_constraint("max_length", json!(3));
        assert!(note.validate(&json!("héé")).is_ok(), "counts characters");
        assert_eq!(
            note.validate(&json!("h")),
            Err(TermValueError::TooShort { min: 2 })
        );
        assert_eq!(
            note.validate(&json!("héll")),
            Err(TermValueError::TooLong { max: 3 })
        );
        let bad_len = Term::new("n", TermType::Text, "N").with_constraint("max_length", json!(-1));
        assert!(matches!(
            bad_len.validate(&json!("")),
            Err(TermValueError::BadConstraint { .. })
        ));
    }

    #[test]
    fn composite_terms() {
        let fulfilment = Term::new("fulfilment", TermType::Composite, "Fulfilment")
            .with_constraint(
                "terms",
                json!({
                    "method": {"type": "categorical", "label": "Method",
                               "constraints": {"options": ["shipping", "pickup"]}},
                    "days": {"type": "numeric", "label": "Days", "constraints": {"min": 1}}
                }),
            )
            .with_constraint("required", json!(["method"]));
        assert!(
            fulfilment
                .validate(&json!({"method": "shipping", "days": 3}))
                .is_ok()
        );
        assert_eq!(
            fulfilment.validate(&json!({"days": 3})),
            Err(TermValueError::MissingMember {
                name: "method".into()
            })
        );
        assert_eq!(
            fulfilment.validate(&json!({"method": "pickup", "carrier": "USPS"})),
            Err(TermValueError::UnknownMember {
                name: "carrier".into()
            })
        );
        assert_eq!(
            fulfilment.validate(&json!({"method": "pickup", "days": 0})),
            Err(TermValueError::Term {
                term: "days".into(),
                source: Box::new(TermValueError::BelowMin)
            })
        );
        assert!(fulfilment.validate(&json!(["method"])).is_err());
        // Self-similar composites nested past the bound are refused, not recursed into.
        let mut def = json!({"type": "composite", "label": "x"});
        let mut value = json!({});
        for _ in 0..40 {
            def = json!({"type": "composite", "label": "x", "constraints": {"terms": {"x": def}}});
            value = json!({"x": value});
        }
        let deep = Term::from_definition("x", &def);
        assert!(deep.is_err() || deep.unwrap().validate(&value).is_err());
    }

    #[test]
    fn definitions_round_trip_and_validate_offers() {
        let open_terms = json!({
            "price": {"type": "numeric", "label": "Price", "unit": "USD", "constraints": {"min": 0, "max": 5000}},
            "condition": {"type": "categorical", "label": "Condition", "constraints": {"options": ["new", "good"]}, "x_hint": 1}
        });
        let defs: BTreeMap<String, Term> = open_terms
            .as_object()
            .unwrap()
            .iter()
            .map(|(id, d)| (id.clone(), Term::from_definition(id, d).unwrap()))
            .collect();
        for (id, term) in &defs {
            assert_eq!(&Value::Object(term.to_definition()), &open_terms[id]);
        }
        validate_terms(
            &defs,
            &terms(
                json!({"price": {"value": 4999, "currency": "USD"}, "condition": {"value": "new"}}),
            ),
        )
        .unwrap();
        assert_eq!(
            validate_terms(&defs, &terms(json!({"colour": {"value": "red"}}))),
            Err(TermValueError::UnknownTerm {
                term: "colour".into()
            })
        );
        assert_eq!(
            validate_terms(&defs, &terms(json!({"price": {"value": 5001}}))),
            Err(TermValueError::Term {
                term: "price".into(),
                source: Box::new(TermValueError::AboveMax)
            })
        );
        for bad in [
            json!({"label": "x"}),
            json!({"type": "date", "label": "x"}),
            json!({"type": 1, "label": "x"}),
            json!({"type": "numeric"}),
            json!({"type": "numeric", "label": "x", "constraints": []}),
            json!({"type": "numeric", "label": "x", "unit": 3}),
            json!("numeric"),
        ] {
            assert!(Term::from_definition("t", &bad).is_err(), "{bad}");
        }
    }
}
