//! # sanctuary-shr
//!
//! Layer 4 of Sanctuary: the signed **Sovereignty Health Report** (SHR), the **agent-to-agent
//! handshake** and **verification attestations**.
//!
//! Before two agents transact, each learns what the other actually guarantees — encrypted
//! state, who holds the keys, isolation, proofs, track record — and what it cannot do. The
//! report is that signed, versioned, machine-readable advertisement, built from the layers'
//! [`HealthContributor`](sanctuary_core::health::HealthContributor)s; the handshake exchanges
//! reports and proves liveness; the attestation lets a third party check that it happened.
//!
//! ```
//! use sanctuary_core::health::*;
//! use sanctuary_core::identity::Identity;
//! use sanctuary_core::time::{ManualClock, Timestamp};
//! use sanctuary_shr::*;
//!
//! let clock = ManualClock::new(Timestamp::from_unix_seconds(1_800_000_000)?);
//! let posture = |l2: LayerStatus| {
//!     ReportBuilder::new()
//!         .layer(LayerReport::new(Layer::L1, LayerStatus::Active))
//!         .layer(LayerReport::new(Layer::L2, l2))
//!         .layer(LayerReport::new(Layer::L3, LayerStatus::Active))
//!         .contributor(&ShrHealth::with_track_record(3))
//! };
//! let (alice, bob) = (Identity::generate(&mut rand_core::OsRng), Identity::generate(&mut rand_core::OsRng));
//! let cache_a = ReplayCache::default();
//! let cache_b = ReplayCache::default();
//! let a = HandshakeParty::new(&alice, posture(LayerStatus::Active).sign(&alice, &clock)?, &cache_a, &clock)?;
//! let b = HandshakeParty::new(&bob, posture(LayerStatus::Degraded).sign(&bob, &clock)?, &cache_b, &clock)?;
//!
//! let (waiting, challenge) = a.initiate(&mut rand_core::OsRng)?;
//! let (b_waiting, response) = b.respond(&challenge, &mut rand_core::OsRng)?;
//! let (a_sees_b, completion) = waiting.on_response(&a, &response)?;
//! let b_sees_a = b_waiting.on_completion(&b, &completion)?;
//!
//! assert_eq!(a_sees_b.tier, TrustTier::VerifiedDegraded);
//! assert_eq!(b_sees_a.tier, TrustTier::VerifiedSovereign);
//! assert_eq!(a_sees_b.channel_binding, b_sees_a.channel_binding);
//!
//! // A third party checks Alice's statement about Bob.
//! let statement = VerificationAttestation::issue(&a, &a_sees_b)?;
//! let seen = VerificationAttestation::from_json(&statement.to_json())?
//!     .verify(&VerifyOptions::at(Timestamp::from_unix_seconds(1_800_000_060)?))?;
//! assert_eq!(seen.level, SovereigntyLevel::Degraded);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What this crate promises
//!
//! - **Signed as DESIGN.md §3 says**: Ed25519 over `sanctuary/<purpose>/v1\n` + RFC 8785 JCS of
//!   the body, scheme `ed25519-jcs-v1`. Reports, handshake transcripts and attestations use
//!   three distinct purposes, so no signature made for one is valid as another. Unknown report
//!   members are kept and signed; the envelope and attestation bodies are closed.
//! - **Honest levels**: any critical degradation, or an inactive L1 or L4, forces
//!   [`SovereigntyLevel::Minimal`]; a layer that says `active` while admitting a warning is
//!   generated as `degraded`. An invalid report is always minimal, and a minimal peer is
//!   [`TrustTier::Unverified`] even after a perfect handshake.
//! - **Bound handshakes**: both signatures cover both identities and keys, both nonces, both
//!   report digests, the version, the step and an optional shared context; replayed nonces are
//!   refused, sessions last 120 seconds, and every error ends the session.
//! - **Bounded input**: documents are at most 256 KiB, lists and texts are capped, JSON must
//!   have one canonical form; nothing panics on input from outside (fuzzed).
//!
//! It does not decide what a transport does with the channel binding, and it does not make a
//! report's claims true: a report is what its signer asserts about itself. Verifying one
//! proves who asserted it, when, and that nobody changed it.
//!
//! # Differences from the reference (Sanctuary, TypeScript)
//!
//! - Reports are signed over JCS with a domain tag, not over an ad-hoc sorted-key JSON.
//! - Layers carry `status` and open `capabilities` objects from the contributors instead of
//!   fixed per-layer fields; field names follow this crate's format, documented in [`report`].
//! - Critical degradations force the minimal level instead of only warning.
//! - Verification binds the signing key to `instance_id` (or a rotation chain) and enforces
//!   skew, maximum lifetime and maximum age.
//! - The handshake signs a transcript, not the peer's raw nonce, so relays and cross-session
//!   splices fail; it also yields a channel binding.
//! - Attestations embed the subject's report and are re-checked by third parties, and the
//!   signing key must belong to the attester.

#![forbid(unsafe_code)]

pub mod attestation;
pub mod envelope;
pub mod handshake;
mod health;
mod level;
pub mod report;
pub mod verify;

pub use attestation::{
    AttestationBody, AttestationError, VerificationAttestation, VerifiedAttestation,
};
pub use envelope::{ParseError, SIGNATURE_SCHEME};
pub use handshake::{
    AwaitingCompletion, AwaitingResponse, Challenge, ChannelBinding, Completion, HandshakeError,
    HandshakeMessage, HandshakeOutcome, HandshakeParty, Nonce, ReplayCache, Response, Role,
};
pub use health::ShrHealth;
pub use level::{SovereigntyLevel, TrustTier};
pub use report::{GenerateError, ReportBody, ReportBuilder, SignedReport};
pub use verify::{
    ReportProblem, ReportVerification, ReportWarning, VerifyOptions, verify_report_json,
};
