//! predicate-v1, mandate-v1 and delegation-chain-v1.

use crate::conformance::{Context, Reject};
use serde_json::Value;

/// Checks a `predicate-v1` input (not yet implemented: every input is rejected).
pub(crate) fn predicate(_input: &Value, _context: &Context) -> Result<(), Reject> {
    Err(Reject::new("profile not implemented"))
}

/// Checks a `mandate-v1` input (not yet implemented: every input is rejected).
pub(crate) fn mandate(_input: &Value, _context: &Context) -> Result<(), Reject> {
    Err(Reject::new("profile not implemented"))
}

/// Checks a `delegation-chain-v1` input (not yet implemented: every input is rejected).
pub(crate) fn delegation_chain(_input: &Value, _context: &Context) -> Result<(), Reject> {
    Err(Reject::new("profile not implemented"))
}
