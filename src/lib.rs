//! # Sanctuary
//!
//! A sovereignty stack for AI agents. This facade re-exports each layer behind a cargo feature
//! of the same name; `core` is always present.
//!
//! | feature | crate | layer |
//! |---|---|---|
//! | `core` (always) | [`sanctuary_core`] | identities, canonical JSON, signatures, shared traits |
//! | `store` (default) | `sanctuary_store` | L1: encrypted state at rest |
//! | `gate` (default) | `sanctuary_gate` | L2: context gating, model provenance, runtime evidence |
//! | `zk` (default) | `sanctuary_zk` | L3: commitments and zero-knowledge proofs |
//! | `policy` (default) | `sanctuary_policy` | the principal's approval gate, anomaly checks and caps |
//! | `shr` (default) | `sanctuary_shr` | L4: signed health reports, handshake, verification attestations |
//! | `concordia` (default) | `concordia` | negotiation: signed sessions, receipts, competence proofs |
//!
//! The reference agent (`sanctuary-agent`) joins this table when its crate lands.
//!
//! ```
//! use sanctuary::core::identity::Identity;
//! let id = Identity::generate(&mut sanctuary::core::rand_core::OsRng);
//! assert!(id.public().to_did_key().starts_with("did:key:z6Mk"));
//! ```

#![forbid(unsafe_code)]

/// Identities, canonical JSON, signatures, digests, time and the shared traits.
pub use sanctuary_core as core;

/// L1: the encrypted store (feature `store`).
#[cfg(feature = "store")]
pub use sanctuary_store as store;

/// L2: context gating before cloud inference, model provenance and runtime evidence
/// (feature `gate`).
#[cfg(feature = "gate")]
pub use sanctuary_gate as gate;

/// L3: Pedersen commitments and zero-knowledge proofs (feature `zk`).
#[cfg(feature = "zk")]
pub use sanctuary_zk as zk;

/// The principal's approval gate: tiers, anomaly checks, spending caps, approvals, channels
/// (feature `policy`).
#[cfg(feature = "policy")]
pub use sanctuary_policy as policy;

/// L4: the signed Sovereignty Health Report, the agent-to-agent handshake and verification
/// attestations (feature `shr`).
#[cfg(feature = "shr")]
pub use sanctuary_shr as shr;

/// Concordia negotiation: signed, hash-chained sessions wire-compatible with the Python
/// reference, receipts and countersignatures, Merkle competence proofs (feature `concordia`).
#[cfg(feature = "concordia")]
pub use concordia;

/// The README's code blocks, compiled and run as doctests so they cannot rot.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
