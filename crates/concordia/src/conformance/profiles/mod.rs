//! Dispatch from a profile name to its checks.

use super::{Context, Reject};
use serde_json::Value;

mod attestation;
mod authority;
mod chain;
mod cmpc;
mod digest;
mod records;
mod track;

/// Runs the checks of `profile` on `input`.
pub(super) fn verify(profile: &str, input: &Value, context: &Context) -> Result<(), Reject> {
    match profile {
        "decision-object-v1" => digest::decision_object(input, context),
        "offer-binding-v1" => digest::offer_binding(input, context),
        "message-chain-v1" => chain::message_chain(input, context),
        "attestation-v1" => attestation::attestation(input, context),
        "attestation-countersign-v1" => attestation::attestation_countersign(input, context),
        "cosign-v1" => attestation::cosign(input, context),
        "receipt-bundle-v1" => track::receipt_bundle(input, context),
        "competence-proof-v1" => track::competence_proof(input, context),
        "receipt-v1" => records::receipt(input, context),
        "revocation-v1" => records::revocation(input, context),
        "cascade-decision-v1" => records::cascade_decision(input, context),
        "fulfillment-attestation-v1" => records::fulfillment_attestation(input, context),
        "agent-profile-v1" => records::agent_profile(input, context),
        "predicate-v1" => authority::predicate(input, context),
        "mandate-v1" => authority::mandate(input, context),
        "delegation-chain-v1" => authority::delegation_chain(input, context),
        "conditional-commitment-v1" => cmpc::conditional_commitment(input, context),
        "atomic-activation-proof-v1" => cmpc::atomic_activation_proof(input, context),
        "unwind-record-v1" => cmpc::unwind_record(input, context),
        "closure-predicate-v1" => cmpc::closure_predicate(input, context),
        "chain-session-v1" => cmpc::chain_session(input, context),
        "chain-session-transition-v1" => cmpc::chain_session_transition(input, context),
        _ => Err(Reject::new("unknown verification profile")),
    }
}
