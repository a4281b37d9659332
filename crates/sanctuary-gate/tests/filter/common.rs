//! Shared fixtures.
#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test fixtures fail the test loudly"
)]

use std::sync::Arc;

use sanctuary_core::audit::{AuditError, AuditEvent, AuditSink, MemoryAuditSink};
use sanctuary_core::state::{MemoryStateStore, StateError, StateStore};
use sanctuary_gate::policy::{GatePolicy, Template};
use sanctuary_gate::{ContextGate, GateKey, GateOutcome, outcome::Sanitized};
use serde_json::Value;
use zeroize::Zeroizing;

/// A gate over `policy` with a fixed key, a memory store and a memory audit sink.
pub(crate) fn gate_with(policy: GatePolicy) -> (ContextGate, Arc<MemoryAuditSink>) {
    let audit = Arc::new(MemoryAuditSink::new());
    let gate = ContextGate::builder(policy)
        .key(GateKey::from_bytes([42; 32]))
        .audit(audit.clone())
        .build()
        .unwrap();
    (gate, audit)
}

/// The remote-inference-sanitize gate.
pub(crate) fn remote() -> (ContextGate, Arc<MemoryAuditSink>) {
    gate_with(Template::RemoteInferenceSanitize.policy())
}

/// The sanitised form, or a panic with the refusal.
pub(crate) fn sanitized(outcome: GateOutcome) -> Sanitized {
    match outcome {
        GateOutcome::Sanitized(s) => s,
        GateOutcome::Refused(r) => panic!("refused: {:?}", r.reasons),
    }
}

/// The refusal reason codes, or a panic with the value.
pub(crate) fn refusal_codes(outcome: GateOutcome) -> Vec<&'static str> {
    match outcome {
        GateOutcome::Refused(r) => r.reasons.iter().map(|r| r.code()).collect(),
        GateOutcome::Sanitized(s) => panic!("not refused: {}", s.value),
    }
}

/// The audit events' details, as one JSON text (to search for leaks).
pub(crate) fn audit_text(audit: &MemoryAuditSink) -> String {
    let events: Vec<Value> = audit
        .events()
        .into_iter()
        .map(|e| serde_json::to_value(e).unwrap())
        .collect();
    Value::Array(events).to_string()
}

/// An audit sink that always fails.
#[derive(Debug)]
pub(crate) struct BrokenAudit;

impl AuditSink for BrokenAudit {
    fn record(&self, _event: AuditEvent) -> Result<(), AuditError> {
        Err(AuditError::Backend {
            reason: "disk full".into(),
        })
    }
}

/// A store whose writes fail once `fail` is set.
#[derive(Debug, Default)]
pub(crate) struct FlakyStore {
    pub(crate) inner: MemoryStateStore,
    pub(crate) fail: std::sync::atomic::AtomicBool,
}

impl StateStore for FlakyStore {
    fn put(&self, ns: &str, key: &str, value: &[u8]) -> Result<(), StateError> {
        if self.fail.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(StateError::Backend {
                reason: "io".into(),
            });
        }
        self.inner.put(ns, key, value)
    }
    fn get(&self, ns: &str, key: &str) -> Result<Option<Zeroizing<Vec<u8>>>, StateError> {
        self.inner.get(ns, key)
    }
    fn delete(&self, ns: &str, key: &str) -> Result<bool, StateError> {
        self.inner.delete(ns, key)
    }
    fn list(&self, ns: &str) -> Result<Vec<String>, StateError> {
        self.inner.list(ns)
    }
}
