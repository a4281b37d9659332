//! Why the gate decided as it did: reasons for the human and the audit log, and the fixed
//! vocabulary the agent sees instead.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::operation::Currency;
use crate::policy::Amount;

/// One reason behind a decision. The human and the audit log see these; the agent sees only
/// an [`AgentVerdict`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    /// The operation is in the fixed tier-1 set.
    ForcedTier1,
    /// The policy file lists the operation as tier 1.
    ListedTier1,
    /// No list names the operation: unknown operations are tier 1.
    UnlistedOperation,
    /// The first session of this agent: nothing is learned yet.
    FirstSession,
    /// A namespace the baseline has not seen approved before.
    NewNamespace {
        /// The namespace.
        namespace: String,
    },
    /// A counterparty the baseline has not seen approved before.
    NewCounterparty {
        /// The counterparty.
        counterparty: String,
    },
    /// Too many signing operations in the last minute.
    SigningRate {
        /// Signing attempts in the last 60 s, this one included.
        count: u32,
        /// The policy's limit.
        limit: u32,
    },
    /// Too many reads of one namespace in the last minute.
    BulkReads {
        /// The namespace.
        namespace: String,
        /// Reads in the last 60 s, this one included.
        count: u32,
        /// The policy's threshold.
        limit: u32,
    },
    /// The operation's rate is a multiple of its learned baseline.
    FrequencySpike {
        /// Attempts in the last 60 s, this one included.
        count: u32,
        /// The learned per-minute rate (exponentially weighted over active minutes).
        baseline: f64,
        /// The policy's multiplier.
        multiplier: f64,
    },
    /// Cold start (too few events learned): the rate passed the absolute cold-start limit.
    ColdStartRate {
        /// Attempts in the last 60 s, this one included.
        count: u32,
        /// The policy's cold-start limit.
        limit: u32,
    },
    /// The amount is above the per-operation cap.
    OperationCap {
        /// The currency.
        currency: Currency,
        /// The amount asked.
        amount: Amount,
        /// The cap.
        cap: Amount,
    },
    /// The amount would take the rolling 24-hour total above the daily cap.
    DailyCap {
        /// The currency.
        currency: Currency,
        /// Approved and executed spends (and reservations) in the last 24 h.
        spent: Amount,
        /// The amount asked.
        amount: Amount,
        /// The cap.
        cap: Amount,
    },
    /// The policy sets no daily cap in this currency: every spend in it asks.
    NoCapForCurrency {
        /// The currency.
        currency: Currency,
    },
    /// A spend operation without an amount.
    SpendWithoutAmount,
    /// The persisted baseline could not be read or written: fail closed.
    BaselineUnavailable {
        /// What failed.
        detail: String,
    },
    /// The audit log refused the event: fail closed.
    AuditUnavailable {
        /// What failed.
        detail: String,
    },
    /// The policy's channel is `deny`: nobody can approve.
    NoApprovalChannel,
    /// Too many requests already wait for the principal.
    PendingLimit {
        /// The limit.
        limit: u32,
    },
}

impl Reason {
    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::ForcedTier1 => "forced_tier1",
            Reason::ListedTier1 => "listed_tier1",
            Reason::UnlistedOperation => "unlisted_operation",
            Reason::FirstSession => "first_session",
            Reason::NewNamespace { .. } => "new_namespace",
            Reason::NewCounterparty { .. } => "new_counterparty",
            Reason::SigningRate { .. } => "signing_rate",
            Reason::BulkReads { .. } => "bulk_reads",
            Reason::FrequencySpike { .. } => "frequency_spike",
            Reason::ColdStartRate { .. } => "cold_start_rate",
            Reason::OperationCap { .. } => "operation_cap",
            Reason::DailyCap { .. } => "daily_cap",
            Reason::NoCapForCurrency { .. } => "no_cap_for_currency",
            Reason::SpendWithoutAmount => "spend_without_amount",
            Reason::BaselineUnavailable { .. } => "baseline_unavailable",
            Reason::AuditUnavailable { .. } => "audit_unavailable",
            Reason::NoApprovalChannel => "no_approval_channel",
            Reason::PendingLimit { .. } => "pending_limit",
        }
    }

    /// Whether a standing grant may stand in for the human on this reason. Spending caps,
    /// rate anomalies and failures are never covered: a grant cannot lift the daily cap or
    /// hide a runaway loop.
    pub fn grant_may_cover(&self) -> bool {
        matches!(
            self,
            Reason::ListedTier1
                | Reason::UnlistedOperation
                | Reason::FirstSession
                | Reason::NewNamespace { .. }
                | Reason::NewCounterparty { .. }
        )
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::ForcedTier1 => f.write_str("always needs the principal (fixed tier-1 set)"),
            Reason::ListedTier1 => f.write_str("the policy lists it as tier 1"),
            Reason::UnlistedOperation => {
                f.write_str("not in any list of the policy (unknown operations are tier 1)")
            }
            Reason::FirstSession => f.write_str("first session: no baseline learned yet"),
            Reason::NewNamespace { namespace } => write!(f, "first use of namespace {namespace:?}"),
            Reason::NewCounterparty { counterparty } => {
                write!(f, "first dealing with counterparty {counterparty:?}")
            }
            Reason::SigningRate { count, limit } => {
                write!(f, "{count} signatures in the last minute (limit {limit})")
            }
            Reason::BulkReads {
                namespace,
                count,
                limit,
            } => write!(
                f,
                "{count} reads of {namespace:?} in the last minute (threshold {limit})"
            ),
            Reason::FrequencySpike {
                count,
                baseline,
                multiplier,
            } => write!(
                f,
                "{count} calls in the last minute, over {multiplier}× the learned rate of {baseline:.2}/min"
            ),
            Reason::ColdStartRate { count, limit } => write!(
                f,
                "{count} calls in the last minute before a baseline exists (cold-start limit {limit})"
            ),
            Reason::OperationCap {
                currency,
                amount,
                cap,
            } => write!(
                f,
                "{amount} {currency} is over the per-operation cap of {cap} {currency}"
            ),
            Reason::DailyCap {
                currency,
                spent,
                amount,
                cap,
            } => write!(
                f,
                "{spent} {currency} spent in the last 24 h; {amount} more would pass the daily cap of {cap} {currency}"
            ),
            Reason::NoCapForCurrency { currency } => {
                write!(f, "the policy sets no daily cap in {currency}")
            }
            Reason::SpendWithoutAmount => f.write_str("a spend operation without an amount"),
            Reason::BaselineUnavailable { detail } => {
                write!(f, "behaviour baseline unavailable: {detail}")
            }
            Reason::AuditUnavailable { detail } => write!(f, "audit log unavailable: {detail}"),
            Reason::NoApprovalChannel => f.write_str("the policy has no approval channel"),
            Reason::PendingLimit { limit } => {
                write!(f, "{limit} requests already wait for the principal")
            }
        }
    }
}

/// Who settled an operation, for the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
#[non_exhaustive]
pub enum DecidedBy {
    /// The policy alone (tier 3, or tier 2 set to log or allow).
    Policy,
    /// The principal, through a channel.
    Human {
        /// The channel kind.
        channel: String,
        /// Who answered, as the channel reports it.
        principal: String,
    },
    /// A program answering on the principal's behalf (a channel that reports it is not a
    /// person). Such an approval cannot install a standing grant or reload the policy.
    Automated {
        /// The channel kind.
        channel: String,
        /// Who answered, as the channel reports it.
        principal: String,
    },
    /// A standing grant.
    StandingGrant {
        /// The grant's id.
        grant: String,
    },
    /// Nobody answered in time.
    Timeout,
    /// The channel failed.
    ChannelFailure {
        /// What failed.
        detail: String,
    },
}

impl fmt::Display for DecidedBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecidedBy::Policy => f.write_str("policy"),
            DecidedBy::Human { channel, principal } => {
                write!(f, "{principal} (person, via {channel})")
            }
            DecidedBy::Automated { channel, principal } => {
                write!(f, "{principal} (automated, via {channel})")
            }
            DecidedBy::StandingGrant { grant } => write!(f, "standing grant {grant}"),
            DecidedBy::Timeout => f.write_str("timeout"),
            DecidedBy::ChannelFailure { detail } => write!(f, "channel failure: {detail}"),
        }
    }
}

/// What the agent (the model) is told: a fixed vocabulary with no reasons, so a prompt
/// injection learns nothing about the policy by probing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentVerdict {
    /// Go ahead.
    Allowed,
    /// The principal has been asked.
    ApprovalRequired,
    /// Not allowed.
    Denied,
}

impl AgentVerdict {
    /// The one sentence the agent may be shown.
    pub const fn message(self) -> &'static str {
        match self {
            AgentVerdict::Allowed => "allowed",
            AgentVerdict::ApprovalRequired => "this action needs the principal's approval",
            AgentVerdict::Denied => "denied by the principal's policy",
        }
    }
}

impl fmt::Display for AgentVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_serialise_with_their_code() {
        let usd = Currency::parse("USD").unwrap();
        let reasons = [
            Reason::ForcedTier1,
            Reason::NewNamespace {
                namespace: "wallet".into(),
            },
            Reason::DailyCap {
                currency: usd,
                spent: Amount::from_units(30),
                amount: Amount::from_units(90),
                cap: Amount::from_units(100),
            },
            Reason::FrequencySpike {
                count: 60,
                baseline: 2.5,
                multiplier: 5.0,
            },
        ];
        for r in reasons {
            let v = serde_json::to_value(&r).unwrap();
            assert_eq!(v["code"], r.code());
            assert_eq!(serde_json::from_value::<Reason>(v).unwrap(), r);
            assert!(!r.to_string().is_empty());
        }
        assert!(
            Reason::DailyCap {
                currency: usd,
                spent: Amount::from_units(30),
                amount: Amount::from_units(90),
                cap: Amount::from_units(100)
            }
            .to_string()
            .contains("30 USD spent")
        );
    }

    #[test]
    fn grants_never_cover_caps_rates_or_failures() {
        assert!(Reason::ListedTier1.grant_may_cover());
        assert!(!Reason::ForcedTier1.grant_may_cover());
        assert!(!Reason::SigningRate { count: 1, limit: 1 }.grant_may_cover());
        assert!(
            !Reason::BaselineUnavailable {
                detail: String::new()
            }
            .grant_may_cover()
        );
        assert!(
            !Reason::NoCapForCurrency {
                currency: Currency::parse("EUR").unwrap()
            }
            .grant_may_cover()
        );
    }
}
