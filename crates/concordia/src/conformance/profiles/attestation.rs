//! attestation-v1, attestation-countersign-v1 and cosign-v1.

use crate::conformance::{Context, Reject};
use serde_json::Value;

/// Checks a `attestation-v1` input (not yet implemented: every input is rejected).
pub(crate) fn attestation(_input: &Value, _context: &Context) -> Result<(), Reject> {
    Err(Reject::new("profile not implemented"))
}

/// Checks a `attestation-countersign-v1` input (not yet implemented: every input is rejected).
pub(crate) fn attestation_countersign(_input: &Value, _context: &Context) -> Result<(), Reject> {
    Err(Reject::new("profile not implemented"))
}

/// Checks a `cosign-v1` input (not yet implemented: every input is rejected).
pub(crate) fn cosign(_input: &Value, _context: &Context) -> Result<(), Reject> {
    Err(Reject::new("profile not implemented"))
}
