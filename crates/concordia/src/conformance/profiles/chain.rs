//! message-chain-v1: envelope signatures, `prev_hash` links and receipt set binding.

use crate::conformance::{Context, Reject};
use serde_json::Value;

/// Checks a `message-chain-v1` input (not yet implemented: every input is rejected).
pub(crate) fn message_chain(_input: &Value, _context: &Context) -> Result<(), Reject> {
    Err(Reject::new("profile not implemented"))
}
