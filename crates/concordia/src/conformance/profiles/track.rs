//! receipt-bundle-v1 and competence-proof-v1.

use crate::conformance::{Context, Reject};
use serde_json::Value;

/// Checks a `receipt-bundle-v1` input (not yet implemented: every input is rejected).
pub(crate) fn receipt_bundle(_input: &Value, _context: &Context) -> Result<(), Reject> {
    Err(Reject::new("profile not implemented"))
}

/// Checks a `competence-proof-v1` input (not yet implemented: every input is rejected).
pub(crate) fn competence_proof(_input: &Value, _context: &Context) -> Result<(), Reject> {
    Err(Reject::new("profile not implemented"))
}
