//! Sanctuary principal policy: the human holds the second key.
//!
//! Every tool call the agent makes passes a three-tier gate. Tier 1 always asks the human
//! (key rotation, data export, identity deletion, raw signing, and whatever the principal
//! adds); tier 2 asks when behaviour is anomalous; tier 3 is allowed and audited. A timeout is
//! always a denial.
//!
//! **Status (issue 5, in progress).** This crate currently provides the policy file (parsing
//! with field-and-line errors, safe defaults written with mode 0600, refusal of weakening
//! reloads) and the static tiering with the forced tier-1 set. The gate's tier-2 checks,
//! approvals, channels and audit follow.
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
