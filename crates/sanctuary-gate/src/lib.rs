//! # sanctuary-gate — L2 operational isolation
//!
//! What leaves the machine is decided here. When an agent calls a cloud model, a tool API, a
//! logging service or another agent, [`ContextGate::filter`] takes the JSON it wants to send and
//! returns either a sanitised copy, with a [`Decision`](outcome::Decision) for every field and
//! every sensitive span, or a refusal with its reasons. Nothing else is possible: errors,
//! unknown destinations, oversized input and audit failures are refusals.
//!
//! Two detectors are combined, because neither is enough alone:
//!
//! - **field-name rules** ([`policy`]): provider-scoped allow / redact / hash / pseudonymise /
//!   deny lists with `prefix*`, `*suffix` and dotted-path patterns, and the built-in
//!   [`Template`](policy::Template)s, including the default-deny `remote-inference-sanitize`;
//! - **value detectors** on every string, number and key that a rule lets through: e-mail
//!   addresses, phone numbers, payment cards (Luhn), IBANs (mod 97), US SSNs, routing numbers
//!   (ABA checksum), API keys and tokens, JWTs, PEM private keys, passwords in words,
//!   high-entropy secrets, crypto private keys, BIP-39 seed phrases, IP addresses, GPS
//!   coordinates, street addresses and postcodes (US, UK, DE), dates of birth, person names, and
//!   the principal's own registered [terms](PrincipalTerms). Detection runs on a normalised
//!   skeleton of the text (NFKC, zero-width characters removed, homoglyphs folded), so
//!   full-width digits, invisible characters and Cyrillic look-alikes do not hide a value.
//!
//! A detected span is replaced by a typed placeholder (`[EMAIL_1]`). Pseudonymised
//! placeholders are kept in an encrypted vault (any core `StateStore`, `sanctuary-store` in
//! production) so [`ContextGate::rehydrate`] can put the originals back into the model's
//! answer; they are stable within a conversation and unlinkable across conversations.
//!
//! The crate also declares the [model's provenance](provenance) and gathers honest
//! [runtime evidence](runtime) about the machine's isolation, which [`health::GateHealth`]
//! turns into the L2 section of the Sovereignty Health Report.
//!
//! ```
//! use std::sync::Arc;
//! use sanctuary_core::audit::MemoryAuditSink;
//! use sanctuary_gate::{ContextGate, GateOutcome};
//! use sanctuary_gate::policy::{Destination, Template};
//! use serde_json::json;
//!
//! let gate = ContextGate::builder(Template::RemoteInferenceSanitize.policy())
//!     .audit(Arc::new(MemoryAuditSink::new()))
//!     .build()?;
//! let out = gate.filter(&Destination::Inference, &json!({
//!     "prompt": "Refund card 4111 1111 1111 1111 for ada@example.org",
//! }));
//! let GateOutcome::Sanitized(s) = out else { panic!("refused") };
//! assert_eq!(s.value["prompt"], "Refund card [CARD_1] for [EMAIL_1]");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## What is and is not promised
//!
//! Detectors are heuristics with measured recall and false-positive rates (see the crate's
//! corpus test and `BENCHMARKS.md`); the structured identifiers are checked by their checksums,
//! the softer categories (names, addresses) are best effort. Field names are never trusted
//! alone. The gate cannot see data the agent encodes on purpose (base64, another language's
//! spelling of a number, a secret split across fields); it is a filter for an honest agent
//! driven by a possibly manipulated model, not a data-loss-prevention system for a hostile one.

#![forbid(unsafe_code)]

pub mod health;
pub mod kind;
pub mod outcome;
pub mod policy;
pub mod provenance;
pub mod runtime;
pub mod terms;

mod detect;
mod gate;
mod key;
mod normalize;
mod scan;
mod vault;

pub use gate::{BuildError, ContextGate, ContextGateBuilder};
pub use key::{GateKey, NAMESPACE};
pub use kind::{Kind, Span};
pub use outcome::{GateOutcome, Limits};
pub use terms::{PrincipalTerms, PrincipalTermsFile, TermCategory, TermsError};
pub use vault::{
    ConversationId, ConversationIdError, MAX_CONVERSATION_ID_LEN, MAX_PLACEHOLDERS, Rehydrated,
    VaultError,
};
