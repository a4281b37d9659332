//! The [`AuditSink`] trait: where every layer records what it did and decided.
//!
//! `sanctuary-store` implements it as an encrypted, hash-chained, signed log; tests use
//! [`MemoryAuditSink`].
//!
//! ```
//! use sanctuary_core::audit::{AuditEvent, AuditLayer, AuditOutcome, AuditSink, MemoryAuditSink};
//! use sanctuary_core::time::Timestamp;
//! use serde_json::json;
//!
//! let sink = MemoryAuditSink::new();
//! sink.record(AuditEvent::new(
//!     Timestamp::UNIX_EPOCH,
//!     AuditLayer::Policy,
//!     "export_data",
//!     AuditOutcome::Denied,
//!     json!({"reason": "approval timed out"}),
//! ))?;
//! assert_eq!(sink.events()[0].outcome, AuditOutcome::Denied);
//! # Ok::<(), sanctuary_core::audit::AuditError>(())
//! ```
//!
//! Events must never carry secret material (keys, passphrases, raw values the gate redacted):
//! the log is encrypted, but it is meant to be shown to the principal and exported.

use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::sync::{Mutex, PoisonError};

/// The longest operation name, in bytes.
pub const MAX_OPERATION_LEN: usize = 128;

/// The part of the system an audit event comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AuditLayer {
    /// Identity, signing and shared formats.
    Core,
    /// L1: the encrypted store.
    L1,
    /// L2: context gating and provenance.
    L2,
    /// L3: selective disclosure.
    L3,
    /// L4: health reports and handshakes.
    L4,
    /// The principal's policy and approvals.
    Policy,
    /// Agent-to-agent negotiation.
    Negotiation,
    /// The agent itself (tool calls and their results).
    Agent,
}

/// How the audited operation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AuditOutcome {
    /// Done.
    Success,
    /// Attempted and failed.
    Failure,
    /// A decision allowed it.
    Allowed,
    /// A decision refused it (including timeouts and errors, which always deny).
    Denied,
    /// Waiting for a human.
    Pending,
}

/// One audited event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditEvent {
    /// When it happened.
    pub time: Timestamp,
    /// Which part of the system.
    pub layer: AuditLayer,
    /// What was done, e.g. `"state.put"` or `"approval.request"`.
    pub operation: String,
    /// How it ended.
    pub outcome: AuditOutcome,
    /// Structured detail (reasons, digests, counterparties). Never secrets.
    pub detail: serde_json::Value,
}

impl AuditEvent {
    /// Builds an event.
    #[must_use]
    pub fn new(
        time: Timestamp,
        layer: AuditLayer,
        operation: impl Into<String>,
        outcome: AuditOutcome,
        detail: serde_json::Value,
    ) -> Self {
        AuditEvent {
            time,
            layer,
            operation: operation.into(),
            outcome,
            detail,
        }
    }

    /// Checks what every sink requires: an operation name of 1 to [`MAX_OPERATION_LEN`]
    /// bytes without control characters.
    pub fn validate(&self) -> Result<(), AuditError> {
        if self.operation.is_empty()
            || self.operation.len() > MAX_OPERATION_LEN
            || self.operation.chars().any(char::is_control)
        {
            return Err(AuditError::InvalidEvent {
                reason: "operation must be 1 to 128 bytes without control characters",
            });
        }
        Ok(())
    }
}

/// Recording an audit event failed. Callers making a security decision must treat this as
/// a reason to deny: an act that cannot be audited does not happen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// The event breaks a rule of [`AuditEvent::validate`].
    #[error("invalid audit event: {reason}")]
    InvalidEvent {
        /// Which rule.
        reason: &'static str,
    },
    /// The log is locked or closed.
    #[error("audit log is locked")]
    Locked,
    /// The storage underneath failed; the event was not recorded.
    #[error("audit backend failed: {reason}")]
    Backend {
        /// What the backend reported.
        reason: String,
    },
}

/// Somewhere audit events go.
pub trait AuditSink {
    /// Appends `event`. `Ok` means it is recorded.
    fn record(&self, event: AuditEvent) -> Result<(), AuditError>;
}

impl<A: AuditSink + ?Sized> AuditSink for &A {
    fn record(&self, event: AuditEvent) -> Result<(), AuditError> {
        (**self).record(event)
    }
}

impl<A: AuditSink + ?Sized> AuditSink for std::sync::Arc<A> {
    fn record(&self, event: AuditEvent) -> Result<(), AuditError> {
        (**self).record(event)
    }
}

/// An [`AuditSink`] in memory, for tests.
#[derive(Debug, Default)]
pub struct MemoryAuditSink {
    events: Mutex<Vec<AuditEvent>>,
}

impl MemoryAuditSink {
    /// An empty sink.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A copy of every event recorded so far, oldest first.
    #[must_use]
    pub fn events(&self) -> Vec<AuditEvent> {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl AuditSink for MemoryAuditSink {
    fn record(&self, event: AuditEvent) -> Result<(), AuditError> {
        event.validate()?;
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(event);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn records_in_order_and_validates() {
        let sink = MemoryAuditSink::new();
        let ev = |op: &str, outcome| {
            AuditEvent::new(
                Timestamp::UNIX_EPOCH,
                AuditLayer::L1,
                op,
                outcome,
                json!({}),
            )
        };
        sink.record(ev("state.put", AuditOutcome::Success)).unwrap();
        sink.record(ev("state.get", AuditOutcome::Failure)).unwrap();
        assert!(matches!(
            sink.record(ev("", AuditOutcome::Success)),
            Err(AuditError::InvalidEvent { .. })
        ));
        assert!(sink.record(ev("a\nb", AuditOutcome::Success)).is_err());
        let events = sink.events();
        assert_eq!(
            events
                .iter()
                .map(|e| e.operation.as_str())
                .collect::<Vec<_>>(),
            ["state.put", "state.get"]
        );
    }

    #[test]
    fn json_shape_is_stable() {
        let event = AuditEvent::new(
            Timestamp::from_unix_seconds(1).unwrap(),
            AuditLayer::Negotiation,
            "offer.accept",
            AuditOutcome::Allowed,
            json!({"session": "s1"}),
        );
        let text = serde_json::to_string(&event).unwrap();
        assert_eq!(
            text,
            r#"{"time":"1970-01-01T00:00:01Z","layer":"negotiation","operation":"offer.accept","outcome":"allowed","detail":{"session":"s1"}}"#
        );
        assert_eq!(serde_json::from_str::<AuditEvent>(&text).unwrap(), event);
        assert!(serde_json::from_str::<AuditEvent>(&text.replace("}}", "},\"x\":1}")).is_err());
    }
}
