//! What [`ContextGate::filter`](crate::ContextGate::filter) returns.
//!
//! An outcome is total: either the sanitised value with one [`Decision`] per field and per
//! detected span, or a [`Refusal`] with every reason found. Serialised, an outcome is
//! `{"outcome":"sanitized","value":…,"decisions":[…]}` or
//! `{"outcome":"refused","reasons":[…]}`. Neither form carries a sensitive value: paths show
//! keys with their own sensitive spans masked, spans are byte offsets, placeholders are labels.

use serde::Serialize;
use serde_json::Value;

use crate::kind::Kind;
use crate::policy::{Action, Destination, FieldClass};

/// Caps on what the gate accepts; anything larger is refused, never truncated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting of objects and arrays (the root is depth 1). Default 64.
    pub max_depth: usize,
    /// Most values in the tree: object members plus array elements. Default 10,000.
    pub max_fields: usize,
    /// Most payload bytes: the UTF-8 length of every key and string, the text length of every
    /// number, and one byte for every other value. Default 4 MiB.
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 64,
            max_fields: 10_000,
            max_bytes: 4 * 1024 * 1024,
        }
    }
}

/// The result of filtering one value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum GateOutcome {
    /// The value may go, in this sanitised form.
    Sanitized(Sanitized),
    /// Nothing may go.
    Refused(Refusal),
}

impl GateOutcome {
    /// The sanitised value, if the outcome is not a refusal.
    #[must_use]
    pub fn value(&self) -> Option<&Value> {
        match self {
            GateOutcome::Sanitized(s) => Some(&s.value),
            GateOutcome::Refused(_) => None,
        }
    }

    /// True for a refusal.
    #[must_use]
    pub fn is_refused(&self) -> bool {
        matches!(self, GateOutcome::Refused(_))
    }

    /// The outcome as JSON.
    #[must_use]
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// A sanitised value and how it was made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sanitized {
    /// The value to send.
    pub value: Value,
    /// One decision per object member and per detected span, in document order.
    pub decisions: Vec<Decision>,
}

impl Sanitized {
    /// The span decisions only.
    pub fn spans(&self) -> impl Iterator<Item = &Decision> {
        self.decisions
            .iter()
            .filter(|d| matches!(d.target, Target::Span { .. }))
    }
}

/// What the gate did at one place in the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// Where: `prompt`, `messages[2].text`, or `$` for the root. Keys appear with their own
    /// sensitive spans masked (`[EMAIL]`).
    pub path: String,
    /// A field or a span inside a string.
    #[serde(flatten)]
    pub target: Target,
    /// What was done.
    pub action: Action,
    /// The placeholder or keyed hash written in place of the original, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
}

/// Why a field got its action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleSource {
    /// A rule of the destination's policy named it.
    Rule,
    /// It sits under an allowed field, so the allow is inherited.
    Inherited,
    /// No rule named it: the destination's default action.
    Default,
}

/// The place a decision is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "target", rename_all = "snake_case")]
pub enum Target {
    /// A whole field (an object member).
    Field {
        /// Why it got its action.
        source: RuleSource,
        /// The matching pattern, for [`RuleSource::Rule`].
        #[serde(skip_serializing_if = "Option::is_none")]
        rule: Option<String>,
        /// The matching rule's class, for [`RuleSource::Rule`].
        #[serde(skip_serializing_if = "Option::is_none")]
        class: Option<FieldClass>,
    },
    /// A span the value detectors found in a string, a number or a key.
    Span {
        /// What was found.
        kind: Kind,
        /// Start byte offset in the original string.
        start: usize,
        /// End byte offset in the original string.
        end: usize,
        /// True when the span is in the member's key rather than its value.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        in_key: bool,
    },
}

/// Why nothing may go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// Every reason found (limits stop the walk at the first).
    pub reasons: Vec<RefusalReason>,
}

/// One reason for a refusal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[non_exhaustive]
pub enum RefusalReason {
    /// The gate has no policy for this destination.
    NoPolicy {
        /// The destination.
        destination: Destination,
    },
    /// A rule denies this field.
    DeniedField {
        /// Where.
        path: String,
        /// The denying pattern.
        rule: String,
    },
    /// No rule names this field and the destination denies by default.
    UnlistedField {
        /// Where.
        path: String,
    },
    /// A detector found a kind of data this destination refuses outright.
    DeniedValue {
        /// Where.
        path: String,
        /// What was found.
        kind: Kind,
    },
    /// Nested deeper than the limit.
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// More values than the limit.
    TooManyFields {
        /// The limit.
        limit: usize,
    },
    /// More payload bytes than the limit.
    TooLarge {
        /// The limit.
        limit: usize,
    },
    /// Two keys of one object became equal after sanitising.
    KeyCollision {
        /// The object.
        path: String,
    },
    /// A conversation has more placeholders than the vault keeps.
    VaultFull {
        /// The limit.
        limit: usize,
    },
    /// The pseudonym vault could not be read or written.
    VaultUnavailable,
    /// The outcome could not be audited (an act that cannot be audited does not happen).
    AuditUnavailable,
}

impl RefusalReason {
    /// The snake-case reason code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            RefusalReason::NoPolicy { .. } => "no_policy",
            RefusalReason::DeniedField { .. } => "denied_field",
            RefusalReason::UnlistedField { .. } => "unlisted_field",
            RefusalReason::DeniedValue { .. } => "denied_value",
            RefusalReason::TooDeep { .. } => "too_deep",
            RefusalReason::TooManyFields { .. } => "too_many_fields",
            RefusalReason::TooLarge { .. } => "too_large",
            RefusalReason::KeyCollision { .. } => "key_collision",
            RefusalReason::VaultFull { .. } => "vault_full",
            RefusalReason::VaultUnavailable => "vault_unavailable",
            RefusalReason::AuditUnavailable => "audit_unavailable",
        }
    }
}
