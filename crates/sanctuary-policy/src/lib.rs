//! Sanctuary principal policy: the human holds the second key.
//!
//! Every tool call the agent makes passes a three-tier gate. Tier 1 always asks the human
//! (key rotation, data export, identity deletion, raw signing, and whatever the principal
//! adds); tier 2 asks when behaviour is anomalous; tier 3 is allowed and audited. A timeout is
//! always a denial.
//!
//! # How it fits together
//!
//! - [`policy::Policy`]: the principal's TOML file, loaded once and frozen; missing → written
//!   with safe defaults (mode 0600); malformed → an error naming the field and line; a reload
//!   that weakens it is refused ([`policy::Policy::check_reload`]).
//! - [`Operation`]: a typed act (name, [`OperationClass`], namespace, counterparty, amount and
//!   currency, digest of the canonical arguments), never a command string.
//! - [`Gate::evaluate`]: synchronous and total. Order: the fixed tier-1 set
//!   ([`tiers::FORCED_TIER1`]), the file's tier-1 list, the tier-2 checks, the tier-3 list;
//!   anything else is tier 1. Outcomes: [`Decision::Allow`] (a single-use [`Permit`]),
//!   [`Decision::NeedsApproval`], [`Decision::Deny`]. The agent is shown an [`AgentVerdict`]
//!   (three fixed sentences); the human and the audit log get the [`Reason`]s.
//! - Tier-2 checks ([`baseline`]): first session, new namespace, new counterparty (learned only
//!   once allowed or approved, so denied probes cannot poison the baseline), signing rate, bulk
//!   reads per namespace, frequency spikes against a persisted per-operation rate with a
//!   cold-start limit, and spending caps per operation and per rolling 24 h that count only
//!   authorised spends (released when the agent reports an operation did not run).
//! - Approvals ([`approval`]): a request carries the operation digest, a nonce and an expiry;
//!   an [`Answer`] must echo all three and is used once. [`GrantSpec`]: standing grants for
//!   one operation within bounds for up to 24 h, installed only with the principal's approval,
//!   revocable, never covering the fixed tier-1 set, spending caps or rate anomalies.
//! - Channels ([`channel`], [`webhook`]): terminal (`/dev/tty`, never stdin), signed webhook
//!   with a loopback callback server, programmatic callback, always-deny. [`Gate::ask`]
//!   enforces the timeout: a timeout or a channel failure is a denial.
//! - Every evaluation, approval outcome, settlement, rejected answer and grant goes to the core
//!   `AuditSink`; the gate is a `HealthContributor` (L2) that reports a degradation when no
//!   person can answer.
//!
//! # Scope
//!
//! The gate defends against a model that drives tool calls (prompt injection, a malicious
//! skill): the model cannot build operations, read reasons, or forge answers. It does not
//! defend against code running as the user while the agent is unlocked, which can call the
//! gate's API directly; nor can it judge an operation the embedding agent mislabels (a signing
//! tool declared as [`OperationClass::Other`] escapes the signing-rate check, though not its
//! tier).
//!
//! ```
//! use std::sync::Arc;
//! use sanctuary_core::{audit::MemoryAuditSink, state::MemoryStateStore};
//! use sanctuary_policy::{
//!     AgentVerdict, CallbackChannel, ChannelAnswer, Decision, Gate, Operation, OperationClass,
//!     Policy,
//! };
//!
//! let policy = Policy::parse(
//!     "version = 1\n[tiers]\ntier3 = [\"state.read\"]\n[approval]\nchannel = \"callback\"\n",
//! )?;
//! let principal = CallbackChannel::from_fn(|request| {
//!     // A real UI shows `channel::render_request(request)` and waits for the person.
//!     Ok(ChannelAnswer { approve: false, principal: "alice".into() })
//! });
//! let gate = Gate::builder(policy)
//!     .store(Arc::new(MemoryStateStore::new()))
//!     .audit(Arc::new(MemoryAuditSink::new()))
//!     .channel(Arc::new(principal))
//!     .open()?;
//!
//! let read = Operation::new("state.read", OperationClass::Read, &serde_json::json!({"key": "todo"}))?;
//! match gate.evaluate(&read) {
//!     Decision::Allow(permit) => gate.settle(permit, true)?, // run it, then report
//!     other => panic!("tier 3 is allowed: {other:?}"),
//! }
//! // A namespace the principal never allowed is a tier-2 anomaly (default: ask).
//! let new_ns = read.clone().with_namespace("finance")?;
//! assert_eq!(gate.evaluate(&new_ns).verdict(), AgentVerdict::ApprovalRequired);
//! let raw = Operation::new("sign.raw", OperationClass::Sign, &serde_json::json!({"data": "…"}))?;
//! let decision = gate.evaluate(&raw);
//! assert_eq!(decision.verdict(), AgentVerdict::ApprovalRequired); // all the agent learns
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ```
//! use sanctuary_policy::policy::Policy;
//! use sanctuary_policy::tiers::{static_tier, StaticTier, Tier};
//!
//! let policy = Policy::parse("version = 1\n[tiers]\ntier3 = [\"state.read\", \"sign.raw\"]\n")?;
//! // The file cannot relax a forced operation, and unknown operations are tier 1.
//! assert_eq!(static_tier(&policy, "sign.raw"), StaticTier::Forced);
//! assert_eq!(static_tier(&policy, "state.read").tier(), Tier::Three);
//! assert_eq!(static_tier(&policy, "mystery.op").tier(), Tier::One);
//!
//! // A reload that lowers a limit is refused, field by field.
//! let weaker = Policy::parse("version = 1\n[tier2]\nmax_signs_per_minute = 50\n")?;
//! let refused = policy.check_reload(&weaker);
//! assert!(refused.iter().any(|w| w.field == "tier2.max_signs_per_minute"));
//! # Ok::<(), sanctuary_policy::policy::PolicyError>(())
//! ```

#![forbid(unsafe_code)]

pub mod approval;
pub mod baseline;
pub mod channel;
pub mod gate;
pub mod operation;
pub mod policy;
pub mod reason;
pub mod tiers;
pub mod webhook;

pub use approval::{
    Answer, ApprovalError, ApprovalRequest, Denial, GrantSpec, PendingApproval, Permit,
};
pub use channel::{AlwaysDeny, ApprovalChannel, CallbackChannel, ChannelAnswer, TerminalChannel};
pub use gate::{Decision, Gate, GateBuilder, GateError};
pub use operation::{Operation, OperationClass};
pub use policy::{Amount, Policy, PolicyError};
pub use reason::{AgentVerdict, DecidedBy, Reason};
pub use tiers::Tier;
