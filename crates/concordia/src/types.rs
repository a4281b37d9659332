//! The protocol's enumerations and small shared types, with their wire spellings.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire spelling.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The value with this wire spelling, if any.
            #[must_use]
            pub fn from_wire(text: &str) -> Option<$name> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownValue;
            fn from_str(text: &str) -> Result<$name, UnknownValue> {
                $name::from_wire(text).ok_or_else(|| UnknownValue {
                    what: $what,
                    value: text.to_owned(),
                })
            }
        }
    };
}

/// A string that is not one of an enumeration's wire spellings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{value}' is not a valid {what}")]
pub struct UnknownValue {
    /// The enumeration (its Python class name, so error texts match the reference).
    pub what: &'static str,
    /// The text given.
    pub value: String,
}

wire_enum! {
    /// The six states of a negotiation (SPEC §5.1).
    SessionState, "SessionState" {
        /// Opened, waiting for the responder to accept or decline the session.
        Proposed => "proposed",
        /// Both parties are negotiating.
        Active => "active",
        /// Terminal: agreement reached.
        Agreed => "agreed",
        /// Terminal: declined, rejected or withdrawn.
        Rejected => "rejected",
        /// Terminal: the session's time ran out.
        Expired => "expired",
        /// Parked after rejection or expiry; an offer reactivates it.
        Dormant => "dormant",
    }
}

impl SessionState {
    /// Agreed, rejected and expired are terminal (dormant is not: it can be reactivated).
    #[must_use]
    pub const fn is_terminal(self) -> bool {
        matches!(
            self,
            SessionState::Agreed | SessionState::Rejected | SessionState::Expired
        )
    }
}

wire_enum! {
    /// The fourteen message types (SPEC §4.2).
    MessageType, "MessageType" {
        /// Opens a session and defines the term space.
        Open => "negotiate.open",
        /// The responder joins the session.
        AcceptSession => "negotiate.accept_session",
        /// The responder declines the session.
        DeclineSession => "negotiate.decline_session",
        /// An offer.
        Offer => "negotiate.offer",
        /// A counter-offer.
        Counter => "negotiate.counter",
        /// Accepts the standing offer: the session is agreed.
        Accept => "negotiate.accept",
        /// Rejects the negotiation.
        Reject => "negotiate.reject",
        /// Asks a question about terms.
        Inquire => "negotiate.inquire",
        /// Declares a constraint.
        Constrain => "negotiate.constrain",
        /// Shares a preference signal.
        Signal => "negotiate.signal",
        /// Withdraws from the negotiation.
        Withdraw => "negotiate.withdraw",
        /// Proposes a mediator.
        ProposeMediator => "negotiate.propose_mediator",
        /// A mediator's or mechanism's resolution proposal.
        Resolve => "negotiate.resolve",
        /// Commits to the agreed terms.
        Commit => "negotiate.commit",
    }
}

impl MessageType {
    /// Offers and counters are the messages that count as rounds.
    #[must_use]
    pub const fn is_round(self) -> bool {
        matches!(self, MessageType::Offer | MessageType::Counter)
    }
}

wire_enum! {
    /// The data type of a negotiated term (SPEC §3.1.1).
    TermType, "TermType" {
        /// A number, optionally with a unit and bounds.
        Numeric => "numeric",
        /// A date, time or duration.
        Temporal => "temporal",
        /// One of a set of options.
        Categorical => "categorical",
        /// Yes or no.
        Boolean => "boolean",
        /// Free text.
        Text => "text",
        /// A structure of sub-terms.
        Composite => "composite",
    }
}

wire_enum! {
    /// How flexible a party says it is on a term (SPEC §3.4).
    Flexibility, "Flexibility" {
        /// Will not move.
        Firm => "firm",
        /// Some room.
        SomewhatFlexible => "somewhat_flexible",
        /// Much room.
        VeryFlexible => "very_flexible",
    }
}

wire_enum! {
    /// The outcome recorded in an attestation (SPEC §9.6).
    OutcomeStatus, "OutcomeStatus" {
        /// Agreement reached.
        Agreed => "agreed",
        /// Rejected or declined.
        Rejected => "rejected",
        /// Timed out.
        Expired => "expired",
        /// A party withdrew.
        Withdrawn => "withdrawn",
    }
}

wire_enum! {
    /// How an agreement was reached.
    ResolutionMechanism, "ResolutionMechanism" {
        /// Direct offer and acceptance.
        Direct => "direct",
        /// Split the difference.
        Split => "split",
        /// Final-offer arbitration.
        Foa => "foa",
        /// Trade-off across terms.
        Tradeoff => "tradeoff",
        /// Escalated to a human or mediator.
        Escalation => "escalation",
        /// No agreement.
        None => "none",
    }
}

wire_enum! {
    /// Whether an agreement was carried out.
    FulfillmentStatus, "FulfillmentStatus" {
        /// Done.
        Fulfilled => "fulfilled",
        /// Partly done.
        Partial => "partial",
        /// Not done.
        Unfulfilled => "unfulfilled",
        /// Contested.
        Disputed => "disputed",
        /// Not yet due or not yet known.
        Pending => "pending",
        /// Done after a mediator's ruling.
        FulfilledWithMediation => "fulfilled_with_mediation",
    }
}

wire_enum! {
    /// A party's role in a session.
    PartyRole, "PartyRole" {
        /// Opened the session.
        Initiator => "initiator",
        /// Was invited.
        Responder => "responder",
        /// Mediates.
        Mediator => "mediator",
        /// Observes.
        Witness => "witness",
    }
}

/// A session's timing limits (SPEC §5.3), with the reference's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimingConfig {
    /// Seconds from the opening message after which the session expires (default 86,400).
    pub session_ttl: u64,
    /// Seconds an offer stands unless it says otherwise (default 3,600).
    pub offer_ttl: u64,
    /// The most offers and counters a session accepts (default 20).
    pub max_rounds: u32,
}

impl Default for TimingConfig {
    fn default() -> Self {
        TimingConfig {
            session_ttl: 86_400,
            offer_ttl: 3_600,
            max_rounds: 20,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_spellings_round_trip_and_unknowns_are_named() {
        assert_eq!(MessageType::ALL.len(), 14);
        assert_eq!(SessionState::ALL.len(), 6);
        for t in MessageType::ALL {
            assert_eq!(MessageType::from_wire(t.as_str()), Some(*t));
            assert_eq!(
                serde_json::to_value(t).unwrap(),
                serde_json::Value::String(t.as_str().into())
            );
        }
        let err = "negotiate.bogus".parse::<MessageType>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "'negotiate.bogus' is not a valid MessageType"
        );
        assert!("Negotiate.Offer".parse::<MessageType>().is_err());
    }

    #[test]
    fn terminal_states() {
        let terminal: Vec<_> = SessionState::ALL
            .iter()
            .filter(|s| s.is_terminal())
            .collect();
        assert_eq!(
            terminal,
            [
                &SessionState::Agreed,
                &SessionState::Rejected,
                &SessionState::Expired
            ]
        );
    }
}
