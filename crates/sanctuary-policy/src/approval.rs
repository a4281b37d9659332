//! The approval flow as types: request → pending → approved / denied / expired.
//!
//! The gate turns an operation that needs the principal into a [`PendingApproval`] holding an
//! [`ApprovalRequest`]: the operation, its frozen digest, a fresh nonce and an expiry. An
//! [`Answer`] resolves it only if it names that request, that nonce and that digest, before
//! the expiry, and only once. An approved answer becomes a [`Permit`], the single proof the
//! agent holds that it may run exactly that operation; the agent reports back through
//! [`crate::Gate::settle`].

use std::fmt;
use std::time::Duration;

use rand_core::{OsRng, RngCore};
use sanctuary_core::encoding::hex_encode;
use sanctuary_core::{Digest, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::operation::{Currency, Operation, Spend};
use crate::policy::Amount;
use crate::reason::{DecidedBy, Reason};
use crate::tiers::Tier;

macro_rules! random_id {
    ($(#[$doc:meta])* $name:ident, $len:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name([u8; $len]);

        impl $name {
            pub(crate) fn random() -> Self {
                let mut bytes = [0u8; $len];
                OsRng.fill_bytes(&mut bytes);
                $name(bytes)
            }

            /// Parses the lowercase hex form.
            pub fn parse(text: &str) -> Option<Self> {
                let bytes = sanctuary_core::encoding::hex_decode_lower(text).ok()?;
                <[u8; $len]>::try_from(bytes.as_slice()).ok().map($name)
            }

            /// The raw bytes.
            pub fn as_bytes(&self) -> &[u8; $len] {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&hex_encode(&self.0))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self)
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                sanctuary_core::encoding::deserialize_parsed(d, |t| {
                    $name::parse(t).ok_or(concat!(
                        stringify!($name),
                        " must be ",
                        stringify!($len),
                        " bytes in lowercase hex"
                    ))
                })
            }
        }
    };
}

random_id!(
    /// Names one approval request.
    RequestId,
    16
);
random_id!(
    /// The request's fresh nonce; an answer must echo it.
    Nonce,
    32
);
random_id!(
    /// Names one permit.
    PermitId,
    16
);
random_id!(
    /// Names one standing grant.
    GrantId,
    16
);

/// What the principal is asked. Built by the gate only; sent to channels as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalRequest {
    /// The request's id.
    pub request_id: RequestId,
    /// A fresh nonce the answer must echo.
    pub nonce: Nonce,
    /// The operation (what its digest covers).
    pub operation: Value,
    /// The digest an approval is bound to.
    pub operation_digest: Digest,
    /// The arguments with secrets masked and long values shortened.
    pub arguments_preview: Value,
    /// Tier 1 or tier 2.
    pub tier: Tier,
    /// Why the principal is asked.
    pub reasons: Vec<Reason>,
    /// When the request was made.
    pub created_at: Timestamp,
    /// After this instant the request is expired and denied.
    pub expires_at: Timestamp,
}

impl ApprovalRequest {
    /// The answer approving this request.
    pub fn approve(&self, principal: &str) -> Answer {
        self.answer(true, principal)
    }

    /// The answer denying this request.
    pub fn deny(&self, principal: &str) -> Answer {
        self.answer(false, principal)
    }

    fn answer(&self, approve: bool, principal: &str) -> Answer {
        Answer {
            request_id: self.request_id,
            nonce: self.nonce,
            operation_digest: self.operation_digest,
            approve,
            principal: principal.to_owned(),
        }
    }

    /// The time left before expiry at `now`.
    pub fn remaining(&self, now: Timestamp) -> Duration {
        self.expires_at
            .duration_since(now)
            .unwrap_or(Duration::ZERO)
    }
}

/// The principal's answer to one request, bound to its id, nonce and operation digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// The request answered.
    pub request_id: RequestId,
    /// The request's nonce.
    pub nonce: Nonce,
    /// The operation digest the principal saw.
    pub operation_digest: Digest,
    /// Approve (true) or deny (false).
    pub approve: bool,
    /// Who answered, as the channel knows them (for the audit trail).
    pub principal: String,
}

/// An operation waiting for the principal. Resolve it with [`crate::Gate::ask`] (through the
/// gate's channel, under its timeout) or [`crate::Gate::resolve`] (an answer that arrived
/// another way).
#[derive(Debug)]
#[must_use = "an unanswered request is denied at its expiry"]
pub struct PendingApproval {
    pub(crate) request: ApprovalRequest,
}

impl PendingApproval {
    /// The request.
    pub fn request(&self) -> &ApprovalRequest {
        &self.request
    }
}

/// Leave to run exactly one operation, once. Not `Clone`; hand it back through
/// [`crate::Gate::settle`] saying whether the operation ran.
#[derive(Debug, PartialEq)]
#[must_use = "settle the permit so an unexecuted spend is released"]
pub struct Permit {
    pub(crate) id: PermitId,
    pub(crate) operation_digest: Digest,
    pub(crate) operation_name: String,
    pub(crate) tier: Tier,
    pub(crate) decided_by: DecidedBy,
    pub(crate) spend: Option<Spend>,
    pub(crate) logged: Vec<Reason>,
}

impl Permit {
    /// The permit's id.
    pub fn id(&self) -> PermitId {
        self.id
    }

    /// Whether this permit is for exactly `operation` (same digest).
    pub fn covers(&self, operation: &Operation) -> bool {
        self.operation_digest == operation.digest()
    }

    /// The tier the operation had.
    pub fn tier(&self) -> Tier {
        self.tier
    }

    /// Who allowed it.
    pub fn decided_by(&self) -> &DecidedBy {
        &self.decided_by
    }

    /// The reasons behind the allowance: anomalies logged without asking (tier-2 checks set
    /// to `log`), those a standing grant covered, or those the principal approved.
    pub fn logged(&self) -> &[Reason] {
        &self.logged
    }
}

/// A refusal: the agent gets [`crate::AgentVerdict::Denied`]; the reasons are for the human.
#[derive(Debug, Clone, PartialEq)]
pub struct Denial {
    pub(crate) tier: Tier,
    pub(crate) reasons: Vec<Reason>,
    pub(crate) decided_by: Option<DecidedBy>,
}

impl Denial {
    /// The tier the operation had.
    pub fn tier(&self) -> Tier {
        self.tier
    }

    /// Why (for the human and the audit log, not the agent).
    pub fn reasons(&self) -> &[Reason] {
        &self.reasons
    }

    /// Who denied, when a person, a timeout or a failure did.
    pub fn decided_by(&self) -> Option<&DecidedBy> {
        self.decided_by.as_ref()
    }
}

/// An answer could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApprovalError {
    /// No pending request has this id (never made, already answered, or expired and swept).
    #[error("no pending approval request has this id")]
    UnknownRequest,
    /// The nonce is not the request's.
    #[error("the answer's nonce does not match the request")]
    NonceMismatch,
    /// The answer is for another operation or other arguments.
    #[error("the answer is bound to another operation digest")]
    DigestMismatch,
    /// The request expired before the answer arrived.
    #[error("the approval request expired")]
    Expired,
    /// The principal said no.
    #[error("the principal denied the request")]
    Denied,
    /// The approval was valid, but recording it failed, so it is not granted.
    #[error("the approval could not be recorded: {0}")]
    Unrecorded(String),
}

/// The longest a standing grant may last.
pub const MAX_GRANT_DURATION: Duration = Duration::from_secs(24 * 60 * 60);

/// What a standing grant allows: exactly one operation name, within bounds, for a while.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantSpec {
    /// The operation name.
    pub operation: String,
    /// Only this namespace (and, when set, a new-namespace anomaly on it is covered).
    pub namespace: Option<String>,
    /// Only this counterparty (and, when set, a new-counterparty anomaly on it is covered).
    pub counterparty: Option<String>,
    /// The largest amount per operation. Without it the grant covers no spend.
    pub max_amount: Option<Spend>,
    /// How many operations it covers at most (None: any number until expiry).
    pub max_uses: Option<u32>,
    /// How long it lasts, in seconds (1 to 86 400).
    pub duration_seconds: u64,
}

impl GrantSpec {
    /// A grant for `operation` lasting `duration`, with no other bounds.
    pub fn new(operation: &str, duration: Duration) -> GrantSpec {
        GrantSpec {
            operation: operation.to_owned(),
            namespace: None,
            counterparty: None,
            max_amount: None,
            max_uses: None,
            duration_seconds: duration.as_secs(),
        }
    }

    /// Bounds the namespace.
    #[must_use]
    pub fn namespace(mut self, namespace: &str) -> Self {
        self.namespace = Some(namespace.to_owned());
        self
    }

    /// Bounds the counterparty.
    #[must_use]
    pub fn counterparty(mut self, counterparty: &str) -> Self {
        self.counterparty = Some(counterparty.to_owned());
        self
    }

    /// Bounds the amount per operation.
    #[must_use]
    pub fn max_amount(mut self, amount: Amount, currency: Currency) -> Self {
        self.max_amount = Some(Spend { amount, currency });
        self
    }

    /// Bounds the number of uses.
    #[must_use]
    pub fn max_uses(mut self, uses: u32) -> Self {
        self.max_uses = Some(uses);
        self
    }

    /// Whether the bounds admit `op` (name, namespace, counterparty, amount).
    pub(crate) fn admits(&self, op: &Operation) -> bool {
        if op.name() != self.operation {
            return false;
        }
        if self
            .namespace
            .as_deref()
            .is_some_and(|ns| op.namespace() != Some(ns))
        {
            return false;
        }
        if self
            .counterparty
            .as_deref()
            .is_some_and(|cp| op.counterparty() != Some(cp))
        {
            return false;
        }
        match (op.spend(), self.max_amount) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(s), Some(max)) => s.currency == max.currency && s.amount <= max.amount,
        }
    }

    /// Whether the grant may stand in for the human on `reason` for `op`.
    pub(crate) fn covers_reason(&self, reason: &Reason) -> bool {
        match reason {
            Reason::NewNamespace { namespace } => {
                self.namespace.as_deref() == Some(namespace.as_str())
            }
            Reason::NewCounterparty { counterparty } => {
                self.counterparty.as_deref() == Some(counterparty.as_str())
            }
            other => other.grant_may_cover(),
        }
    }
}

/// A standing grant in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StandingGrant {
    /// Its id (for revocation).
    pub id: GrantId,
    /// What it allows.
    pub spec: GrantSpec,
    /// When it was installed.
    pub granted_at: Timestamp,
    /// When it lapses.
    pub expires_at: Timestamp,
    /// Operations it has covered.
    pub uses: u32,
}

impl StandingGrant {
    pub(crate) fn usable(&self, now: Timestamp) -> bool {
        now < self.expires_at && self.spec.max_uses.is_none_or(|max| self.uses < max)
    }
}

/// The operation name under which a standing grant is requested (forced tier 1).
pub const GRANT_OPERATION: &str = "approval.grant_standing";
