//! Shared harness: a gate over a manual clock, a memory store and a memory audit sink.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a broken fixture should stop the test loudly"
)]

use std::sync::Arc;
use std::time::Duration;

use sanctuary_core::Timestamp;
use sanctuary_core::audit::{AuditEvent, MemoryAuditSink};
use sanctuary_core::state::MemoryStateStore;
use sanctuary_core::time::ManualClock;
use sanctuary_policy::channel::ApprovalChannel;
use sanctuary_policy::{
    Amount, CallbackChannel, ChannelAnswer, Gate, GateBuilder, Operation, OperationClass, Policy,
};
use serde_json::json;

pub(crate) const START: i64 = 1_795_334_400; // 2026-11-22T08:00:00Z

pub(crate) struct Harness {
    pub(crate) clock: Arc<ManualClock>,
    pub(crate) store: Arc<MemoryStateStore>,
    pub(crate) audit: Arc<MemoryAuditSink>,
}

impl Harness {
    pub(crate) fn new() -> Self {
        Harness {
            clock: Arc::new(ManualClock::new(
                Timestamp::from_unix_seconds(START).unwrap(),
            )),
            store: Arc::new(MemoryStateStore::new()),
            audit: Arc::new(MemoryAuditSink::new()),
        }
    }

    /// A builder for `toml` over the harness's clock, store and audit sink.
    pub(crate) fn builder(&self, toml: &str) -> GateBuilder {
        Gate::builder(Policy::parse(toml).unwrap())
            .clock(self.clock.clone())
            .store(self.store.clone())
            .audit(self.audit.clone())
    }

    /// A gate with `toml` (whose channel must be "callback"), answering with `channel`.
    pub(crate) fn gate_with(&self, toml: &str, channel: Arc<dyn ApprovalChannel>) -> Gate {
        self.builder(toml)
            .channel(channel)
            .shorter_timeout(Duration::from_millis(200))
            .open()
            .unwrap()
    }

    /// A gate whose callback channel approves everything.
    pub(crate) fn gate(&self, toml: &str) -> Gate {
        self.gate_with(toml, Arc::new(approver(true)))
    }

    pub(crate) fn advance(&self, secs: u64) {
        self.clock.advance(Duration::from_secs(secs));
    }

    pub(crate) fn events(&self, kind: &str) -> Vec<AuditEvent> {
        self.audit
            .events()
            .into_iter()
            .filter(|e| e.operation == kind)
            .collect()
    }
}

/// A callback channel that always answers `approve`.
pub(crate) fn approver(approve: bool) -> CallbackChannel {
    CallbackChannel::from_fn(move |_| {
        Ok(ChannelAnswer {
            approve,
            principal: "tester".into(),
        })
    })
}

/// A policy with the callback channel and `extra` TOML appended to the given sections.
pub(crate) fn policy(tiers: &str, tier2: &str, rest: &str) -> String {
    format!(
        "version = 1\n[tiers]\n{tiers}\n[tier2]\n{tier2}\n{rest}\n[approval]\nchannel = \"callback\"\n"
    )
}

/// A quiet tier-2 section: only the named checks matter.
pub(crate) const QUIET: &str = "first_session = \"allow\"\nnew_namespace = \"allow\"\nnew_counterparty = \"allow\"\nmax_signs_per_minute = 1000\nbulk_read_threshold = 1000\ncold_start_max_per_minute = 1000\n";

pub(crate) fn op(name: &str, class: OperationClass) -> Operation {
    Operation::new(name, class, &json!({"n": 1})).unwrap()
}

pub(crate) fn read(ns: &str) -> Operation {
    op("state.read", OperationClass::Read)
        .with_namespace(ns)
        .unwrap()
}

pub(crate) fn pay(units: u32, to: &str) -> Operation {
    Operation::new(
        "payment.send",
        OperationClass::Spend,
        &json!({"to": to, "units": units}),
    )
    .unwrap()
    .with_counterparty(to)
    .unwrap()
    .with_spend(Amount::from_units(units), "USD")
    .unwrap()
}

pub(crate) fn codes(reasons: &[sanctuary_policy::Reason]) -> Vec<&'static str> {
    reasons.iter().map(sanctuary_policy::Reason::code).collect()
}
