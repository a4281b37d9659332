//! decision-object-v1 and offer-binding-v1: JCS digests of decision objects and offers bound into receipts.

use crate::conformance::{Context, Reject};
use serde_json::Value;

/// Checks a `decision-object-v1` input (not yet implemented: every input is rejected).
pub(crate) fn decision_object(_input: &Value, _context: &Context) -> Result<(), Reject> {
    Err(Reject::new("profile not implemented"))
}

/// Checks a `offer-binding-v1` input (not yet implemented: every input is rejected).
pub(crate) fn offer_binding(_input: &Value, _context: &Context) -> Result<(), Reject> {
    Err(Reject::new("profile not implemented"))
}
