//! Concordia: structured negotiation between agents, wire-compatible with the Python
//! reference (`concordia-protocol` 0.10.0).
//!
//! Two agents open a session, exchange signed and hash-chained offers and counters (basic,
//! partial, conditional and bundle offers over typed terms), and conclude with an accept or a
//! reject; the concluded session yields an attestation (a receipt) that both parties sign and
//! countersign, and receipts accumulate into a track record that can be proven with a Merkle
//! commitment and selective reveal.
//!
//! | module | what it holds |
//! |---|---|
//! | [`wire`] | parsing, canonical bytes (RFC 8785), `sha256:` digests, base64url signatures |
//! | [`types`] | the protocol's enumerations and timing defaults |
//! | [`message`] | the signed envelope, its chain hash, the builder |
//! | [`body`], [`offer`] | typed message bodies, offers and terms |
//! | [`session`], [`behavior`] | the six-state session machine and behaviour records |
//! | [`attestation`], [`cosign`] | receipts: generation, party signatures, countersignatures |
//! | [`bundle`], [`competence`], [`reputation`] | the track record |
//! | [`degradation`] | talking to peers that do not speak Concordia |
//! | [`schema`] | the frozen JSON Schemas of the signed artefacts |
//! | [`conformance`] | a runner for the public conformance suite |
//!
//! The crate depends on `sanctuary-core` only (for JCS, digests and Ed25519) and can be used
//! without the rest of Sanctuary.

#![forbid(unsafe_code)]

pub mod attestation;
pub mod behavior;
pub mod body;
pub mod bundle;
pub mod competence;
pub mod conformance;
pub mod cosign;
pub mod degradation;
pub mod message;
pub mod offer;
pub mod reputation;
pub mod schema;
pub mod session;
pub mod types;
pub mod wire;
