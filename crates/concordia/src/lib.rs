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
//!
//! # Compatibility
//!
//! What goes on the wire is what the Python package writes: the same members, the same
//! canonical bytes, the same signatures (padded base64url; both paddings are read) and the same
//! hashes. Live interop tests run every scenario both ways against `concordia-protocol` 0.10.0,
//! and the [`conformance`] runner passes all 1,546 vectors of the public suite
//! (`[SUMMARY] positive=53 mutation=1488 canary=5 ok=1546 fail=0`).
//!
//! # Deviations from the Python reference
//!
//! Every deviation makes us refuse something the reference accepts; none changes what an honest
//! reference peer sends or receives. Each module lists its own under this heading; in short:
//!
//! - [`message`]: an envelope must carry `concordia` = `0.1.0`, `session_id`, a `sha256:`
//!   `prev_hash`, an RFC 3339 `timestamp` and a signature; JSON with duplicate members, NaN or
//!   integers beyond 2^53 that would lose precision is refused.
//! - [`session`]: only registered parties may send; `session_id` and `prev_hash` are required
//!   (the reference skips the checks when they are absent); the first message must be the
//!   only `open`; a party cannot accept its own offer or session; `session_ttl`, `offer_ttl`,
//!   `valid_until`, a message's `ttl` and a 300 s future skew are enforced through the core
//!   `Clock`; a refused message never half-updates the replica (the reference can append a
//!   message and then fail on a malformed body).
//! - [`body`], [`offer`]: typed bodies are checked strictly when read, with size limits.
//! - [`attestation`]: verification also checks countersignatures (the reference's
//!   `verify_attestation` does not, so a tampered outcome passes there), freshness, raw terms
//!   everywhere and reasoning copied from the transcript; generation refuses output its own
//!   schema would reject, except that a concession magnitude above the schema's 1.0 is written
//!   as 1.0 (so a party's offers cannot make a session impossible to attest).
//! - [`bundle`], [`competence`]: all summary fields are recomputed and compared; Merkle proofs
//!   must have the tree's exact depth and an index below the count; ids are content-derived.
//! - [`degradation`]: logs and tables are bounded.

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
