//! The multi-party promise-chain profiles: conditional-commitment-v1, atomic-activation-proof-v1, unwind-record-v1, closure-predicate-v1, chain-session-v1 and chain-session-transition-v1.

use crate::conformance::{Context, Reject};
use serde_json::Value;

/// Checks a `conditional-commitment-v1` input (not yet implemented: every input is rejected).
pub(crate) fn conditional_commitment(_input: &Value, _context: &Context) -> Result<(), Reject> {
    Err(Reject::new("profile not implemented"))
}

/// Checks a `atomic-activation-proof-v1` input (not yet implemented: every input is rejected).
pub(crate) fn atomic_activation_proof(_input: &Value, _context: &Context) -> Result<(), Reject> {
    Err(Reject::new("profile not implemented"))
}

/// Checks a `unwind-record-v1` input (not yet implemented: every input is rejected).
pub(crate) fn unwind_record(_input: &Value, _context: &Context) -> Result<(), Reject> {
    Err(Reject::new("profile not implemented"))
}

/// Checks a `closure-predicate-v1` input (not yet implemented: every input is rejected).
pub(crate) fn closure_predicate(_input: &Value, _context: &Context) -> Result<(), Reject> {
    Err(Reject::new("profile not implemented"))
}

/// Checks a `chain-session-v1` input (not yet implemented: every input is rejected).
pub(crate) fn chain_session(_input: &Value, _context: &Context) -> Result<(), Reject> {
    Err(Reject::new("profile not implemented"))
}

/// Checks a `chain-session-transition-v1` input (not yet implemented: every input is rejected).
pub(crate) fn chain_session_transition(_input: &Value, _context: &Context) -> Result<(), Reject> {
    Err(Reject::new("profile not implemented"))
}
