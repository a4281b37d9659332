//! Key rotation: a chain of events, each signed by the outgoing key.
//!
//! An identity keeps its [`IdentityId`] (the id of its *first* key) across rotations. Each
//! [`RotationEvent`] names that origin id, the old key, the new key, the time and a reason,
//! and is signed by the old key under [`Purpose::KEY_ROTATION`]. A verifier that knows the
//! origin id and sees a current key accepts it only through an unbroken chain from the
//! origin key to the current key, of at most [`MAX_ROTATION_CHAIN`] links.
//!
//! ```
//! use sanctuary_core::identity::{Identity, Signer as _};
//! use sanctuary_core::rotation::{verify_rotation_chain, RotationEvent};
//! use sanctuary_core::time::Timestamp;
//!
//! let first = Identity::generate(&mut rand_core::OsRng);
//! let second = Identity::generate(&mut rand_core::OsRng);
//! let origin = first.id();
//! let at = Timestamp::from_unix_seconds(1_800_000_000)?;
//! let event = RotationEvent::sign(&first, origin, second.public_key(), at, "scheduled")?;
//! assert!(verify_rotation_chain(&origin, &[event], second.public()).is_ok());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The chain proves that each key holder handed over to the next; it does not prove that the
//! new key's holder consented (an old key can name any new key). Verifiers that need that must
//! also check a signature by the current key over fresh data, as the handshake does.

use crate::identity::{IdentityId, PublicKey, Signature, Signer};
use crate::purpose::Purpose;
use crate::sign::{self, SignError};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// The most rotation events a verifier follows.
pub const MAX_ROTATION_CHAIN: usize = 64;

/// The longest rotation reason, in bytes.
pub const MAX_REASON_LEN: usize = 256;

/// One key rotation, signed by the outgoing key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RotationEvent {
    /// The identity's id: the id of its first key, unchanged by rotation.
    pub identity_id: IdentityId,
    /// The key being retired (it signs this event).
    pub old_key: PublicKey,
    /// The key taking over.
    pub new_key: PublicKey,
    /// When the rotation took effect.
    pub rotated_at: Timestamp,
    /// Why (free text, at most [`MAX_REASON_LEN`] bytes).
    pub reason: String,
    /// Signature by `old_key` over the other fields.
    pub signature: Signature,
}

/// The signed part of a [`RotationEvent`].
#[derive(Serialize)]
struct RotationBody<'a> {
    identity_id: &'a IdentityId,
    old_key: &'a PublicKey,
    new_key: &'a PublicKey,
    rotated_at: &'a Timestamp,
    reason: &'a str,
}

/// Why a rotation chain was rejected. `index` is the 0-based position of the bad event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RotationError {
    /// More than [`MAX_ROTATION_CHAIN`] events.
    #[error("rotation chain has {len} events, at most {max} are followed")]
    TooLong {
        /// Events given.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The first event's old key is not the origin identity's key (or, for an empty chain,
    /// the current key is not).
    #[error("rotation chain does not start at the origin identity")]
    WrongOrigin,
    /// An event names another identity.
    #[error("rotation event {index} names another identity")]
    WrongIdentity {
        /// Position of the event.
        index: usize,
    },
    /// An event's old key is not the previous event's new key.
    #[error("rotation event {index} does not continue the chain")]
    BrokenLink {
        /// Position of the event.
        index: usize,
    },
    /// An event is dated before the previous one.
    #[error("rotation event {index} is dated before the event that precedes it")]
    OutOfOrder {
        /// Position of the event.
        index: usize,
    },
    /// An event rotates to a key already used in the chain.
    #[error("rotation event {index} returns to a key already in the chain")]
    KeyReused {
        /// Position of the event.
        index: usize,
    },
    /// An event's reason is too long.
    #[error("rotation event {index} has a reason over {max} bytes")]
    ReasonTooLong {
        /// Position of the event.
        index: usize,
        /// The limit.
        max: usize,
    },
    /// An event's signature does not verify under its old key.
    #[error("rotation event {index} has an invalid signature")]
    BadSignature {
        /// Position of the event.
        index: usize,
    },
    /// The chain ends at a key other than the current one.
    #[error("rotation chain ends at another key")]
    WrongCurrentKey,
}

impl RotationEvent {
    /// Creates and signs a rotation from `old` (the current key of identity `identity_id`) to
    /// `new_key`.
    pub fn sign<S: Signer + ?Sized>(
        old: &S,
        identity_id: IdentityId,
        new_key: PublicKey,
        rotated_at: Timestamp,
        reason: &str,
    ) -> Result<RotationEvent, SignError> {
        let old_key = old.public_key();
        let body = RotationBody {
            identity_id: &identity_id,
            old_key: &old_key,
            new_key: &new_key,
            rotated_at: &rotated_at,
            reason,
        };
        let signature = sign::sign_json(old, Purpose::KEY_ROTATION, &body)?;
        Ok(RotationEvent {
            identity_id,
            old_key,
            new_key,
            rotated_at,
            reason: reason.to_owned(),
            signature,
        })
    }

    fn verify_signature(&self) -> bool {
        let body = RotationBody {
            identity_id: &self.identity_id,
            old_key: &self.old_key,
            new_key: &self.new_key,
            rotated_at: &self.rotated_at,
            reason: &self.reason,
        };
        sign::verify_json(&self.old_key, Purpose::KEY_ROTATION, &body, &self.signature).is_ok()
    }
}

/// Accepts `current_key` as the key of identity `origin` if `events` lead from the origin's
/// first key to it: contiguous, in time order, no key used twice, every event signed by its
/// old key, at most [`MAX_ROTATION_CHAIN`] events. An empty chain accepts only the origin key
/// itself.
pub fn verify_rotation_chain(
    origin: &IdentityId,
    events: &[RotationEvent],
    current_key: &PublicKey,
) -> Result<(), RotationError> {
    if events.len() > MAX_ROTATION_CHAIN {
        return Err(RotationError::TooLong {
            len: events.len(),
            max: MAX_ROTATION_CHAIN,
        });
    }
    let Some(first) = events.first() else {
        return if current_key.identity_id() == *origin {
            Ok(())
        } else {
            Err(RotationError::WrongOrigin)
        };
    };
    if first.old_key.identity_id() != *origin {
        return Err(RotationError::WrongOrigin);
    }
    // Structure first (cheap), signatures after.
    let mut seen: HashSet<[u8; 32]> = HashSet::with_capacity(events.len() + 1);
    seen.insert(first.old_key.to_bytes());
    let mut previous: Option<&RotationEvent> = None;
    for (index, event) in events.iter().enumerate() {
        if event.identity_id != *origin {
            return Err(RotationError::WrongIdentity { index });
        }
        if event.reason.len() > MAX_REASON_LEN {
            return Err(RotationError::ReasonTooLong {
                index,
                max: MAX_REASON_LEN,
            });
        }
        if let Some(prev) = previous {
            if event.old_key != prev.new_key {
                return Err(RotationError::BrokenLink { index });
            }
            if event.rotated_at < prev.rotated_at {
                return Err(RotationError::OutOfOrder { index });
            }
        }
        if !seen.insert(event.new_key.to_bytes()) {
            return Err(RotationError::KeyReused { index });
        }
        previous = Some(event);
    }
    if let Some(index) = events.iter().position(|e| !e.verify_signature()) {
        return Err(RotationError::BadSignature { index });
    }
    match events.last() {
        Some(last) if last.new_key == *current_key => Ok(()),
        _ => Err(RotationError::WrongCurrentKey),
    }
}
