//! # sanctuary-core
//!
//! The shared ground of the Sanctuary workspace: Ed25519 identities and `did:key`, RFC 8785
//! canonical JSON, domain-separated signatures, digests, time, and the small traits through
//! which the layers meet ([`identity::Signer`], [`state::StateStore`], [`audit::AuditSink`],
//! [`health::HealthContributor`], [`time::Clock`]).
//!
//! ```
//! use sanctuary_core::{identity::Identity, purpose::Purpose, sign};
//! use serde_json::json;
//!
//! let agent = Identity::generate(&mut rand_core::OsRng);
//! println!("{} ({})", agent.public().to_did_key(), agent.id());
//!
//! let offer = json!({"item": "gpu-hours", "price": {"amount": 120, "currency": "USD"}});
//! let sig = sign::sign_json(&agent, Purpose::APPROVAL_REQUEST, &offer)?;
//! assert!(sign::verify_json(agent.public(), Purpose::APPROVAL_REQUEST, &offer, &sig).is_ok());
//!
//! let tampered = json!({"item": "gpu-hours", "price": {"amount": 121, "currency": "USD"}});
//! assert!(sign::verify_json(agent.public(), Purpose::APPROVAL_REQUEST, &tampered, &sig).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What this crate promises
//!
//! - Parsers and verifiers return typed errors and never panic on outside input.
//! - Secrets ([`identity::Identity`], [`identity::SecretSeed`]) are zeroized on drop and never
//!   appear in `Debug` output or error messages.
//! - Signature checks are strict (canonical encodings, no small-order points, reduced `S`)
//!   and fail with one opaque error.
//! - Canonical JSON follows RFC 8785, with the choices the RFC leaves open written down in
//!   [`jcs`].
//!
//! It does not protect secrets from code running in the same process, and it does not
//! claim constant-time behaviour beyond what `ed25519-dalek` and `curve25519-dalek` give.

#![forbid(unsafe_code)]

pub mod audit;
pub mod digest;
pub mod encoding;
pub mod health;
pub mod identity;
pub mod jcs;
pub mod purpose;
pub mod rotation;
pub mod sign;
pub mod state;
pub mod time;

pub use digest::Digest;
pub use identity::{Identity, IdentityId, PublicKey, SecretSeed, Signature, Signer};
pub use purpose::Purpose;
pub use time::{Clock, Timestamp};

/// The random-number interface Sanctuary uses (`rand_core` 0.6), re-exported so callers
/// pass a compatible CSPRNG such as [`rand_core::OsRng`].
pub use rand_core;
