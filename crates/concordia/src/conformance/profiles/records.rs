//! receipt-v1, revocation-v1, cascade-decision-v1, fulfillment-attestation-v1 and agent-profile-v1.

use crate::conformance::{Context, Reject};
use serde_json::Value;

/// Checks a `receipt-v1` input (not yet implemented: every input is rejected).
pub(crate) fn receipt(_input: &Value, _context: &Context) -> Result<(), Reject> {
    Err(Reject::new("profile not implemented"))
}

/// Checks a `revocation-v1` input (not yet implemented: every input is rejected).
pub(crate) fn revocation(_input: &Value, _context: &Context) -> Result<(), Reject> {
    Err(Reject::new("profile not implemented"))
}

/// Checks a `cascade-decision-v1` input (not yet implemented: every input is rejected).
pub(crate) fn cascade_decision(_input: &Value, _context: &Context) -> Result<(), Reject> {
    Err(Reject::new("profile not implemented"))
}

/// Checks a `fulfillment-attestation-v1` input (not yet implemented: every input is rejected).
pub(crate) fn fulfillment_attestation(_input: &Value, _context: &Context) -> Result<(), Reject> {
    Err(Reject::new("profile not implemented"))
}

/// Checks a `agent-profile-v1` input (not yet implemented: every input is rejected).
pub(crate) fn agent_profile(_input: &Value, _context: &Context) -> Result<(), Reject> {
    Err(Reject::new("profile not implemented"))
}
