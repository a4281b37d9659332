//! Verification attestations: a signed statement, for third parties, that one agent verified
//! another's report and liveness in a handshake.
//!
//! The envelope is the one reports use, signed under the `shr-attestation` purpose. Its body
//! (`attestation_version` `"1.0"`; no other members are accepted):
//!
//! | member | meaning |
//! |---|---|
//! | `attester`, `subject` | the two instance ids |
//! | `subject_key` | the key the subject proved it holds in the handshake |
//! | `subject_report` | the subject's signed report, whole, so a third party can re-check it |
//! | `level`, `tier` | what the attester concluded |
//! | `liveness` | `"shr-handshake-1.0"`: the subject signed a transcript with the attester's fresh nonce |
//! | `transcript` | SHA-256 of the handshake transcript |
//! | `verified_at`, `expires_at` | when; the attestation expires with the subject's report, at most 24 h later |
//! | `key_rotation` | the attester's rotation chain, only after a rotation |
//!
//! [`VerificationAttestation::verify`] checks the attester's signature and key binding, the
//! times, and re-verifies the embedded subject report as of `verified_at`, recomputing the level
//! and tier: an attester cannot upgrade a peer's level.

use crate::envelope::{Envelope, ParseError, SignEnvelopeError};
use crate::handshake::{HandshakeOutcome, HandshakeParty};
use crate::level::{SovereigntyLevel, TrustTier};
use crate::report::{MAX_VALIDITY, SignedReport};
use crate::verify::{self, ReportProblem, VerifyOptions};
use sanctuary_core::digest::Digest;
use sanctuary_core::identity::{IdentityId, PublicKey, Signer};
use sanctuary_core::purpose::Purpose;
use sanctuary_core::rotation::{self, RotationError, RotationEvent};
use sanctuary_core::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The attestation format version.
pub const ATTESTATION_VERSION: &str = "1.0";

/// The liveness evidence this crate's handshake gives.
pub const LIVENESS_HANDSHAKE: &str = "shr-handshake-1.0";

/// The body of a verification attestation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttestationBody {
    /// Always `"1.0"`.
    pub attestation_version: String,
    /// Who verified.
    pub attester: IdentityId,
    /// Who was verified.
    pub subject: IdentityId,
    /// The key the subject proved it holds.
    pub subject_key: PublicKey,
    /// The subject's report, as verified.
    pub subject_report: SignedReport,
    /// The level the attester computed.
    pub level: SovereigntyLevel,
    /// The tier the attester granted.
    pub tier: TrustTier,
    /// The liveness evidence.
    pub liveness: String,
    /// SHA-256 of the handshake transcript.
    pub transcript: Digest,
    /// When the handshake completed.
    pub verified_at: Timestamp,
    /// When this attestation expires.
    pub expires_at: Timestamp,
    /// The attester's key-rotation chain (absent when it never rotated).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_rotation: Vec<RotationEvent>,
}

/// Why an attestation is not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AttestationError {
    /// Not an attestation.
    #[error("malformed attestation: {0}")]
    Malformed(#[from] ParseError),
    /// The signature scheme is not `ed25519-jcs-v1`.
    #[error("unsupported signature scheme {0:?}")]
    UnsupportedScheme(String),
    /// `attestation_version` is not `"1.0"`.
    #[error("unsupported attestation_version {0:?}")]
    UnsupportedVersion(String),
    /// The signing key does not belong to the attester.
    #[error("signing key does not belong to attester {0}")]
    KeyNotBound(IdentityId),
    /// The attester's rotation chain is invalid.
    #[error("attester key rotation chain: {0}")]
    Rotation(#[from] RotationError),
    /// The signature does not verify.
    #[error("signature does not verify")]
    BadSignature,
    /// A time check failed (expired, future-dated, too long-lived).
    #[error("{0}")]
    Time(ReportProblem),
    /// The subject members disagree with the embedded report.
    #[error("subject does not match the embedded report: {0}")]
    SubjectMismatch(&'static str),
    /// The embedded subject report did not verify at `verified_at`.
    #[error("subject report invalid at verified_at: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    SubjectReport(Vec<ReportProblem>),
    /// The stated level or tier is not what the subject report gives.
    #[error("stated {stated_level}/{stated_tier}, the subject report gives {level}/{tier}")]
    Overstated {
        /// Stated level.
        stated_level: SovereigntyLevel,
        /// Stated tier.
        stated_tier: TrustTier,
        /// Recomputed level.
        level: SovereigntyLevel,
        /// Recomputed tier.
        tier: TrustTier,
    },
    /// The liveness evidence is not one this version knows.
    #[error("unknown liveness evidence {0:?}")]
    Liveness(String),
    /// Attester and subject are the same instance.
    #[error("an agent cannot attest itself")]
    SelfAttestation,
    /// The attester is not the one expected.
    #[error("attester is {found}, expected {expected}")]
    UnexpectedAttester {
        /// Expected.
        expected: IdentityId,
        /// Found.
        found: IdentityId,
    },
    /// The handshake result expired before the attestation was issued.
    #[error("the handshake result has expired")]
    OutcomeExpired,
    /// Signing failed.
    #[error(transparent)]
    Sign(#[from] SignEnvelopeError),
}

/// A signed verification attestation.
#[derive(Clone)]
pub struct VerificationAttestation {
    envelope: Envelope,
    body: AttestationBody,
}

impl std::fmt::Debug for VerificationAttestation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerificationAttestation")
            .field("attester", &self.body.attester)
            .field("subject", &self.body.subject)
            .field("level", &self.body.level)
            .field("verified_at", &self.body.verified_at)
            .finish_non_exhaustive()
    }
}

/// An attestation that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedAttestation {
    /// Who verified.
    pub attester: IdentityId,
    /// Who was verified.
    pub subject: IdentityId,
    /// The subject's level.
    pub level: SovereigntyLevel,
    /// The subject's tier.
    pub tier: TrustTier,
    /// When.
    pub verified_at: Timestamp,
    /// Until when.
    pub expires_at: Timestamp,
}

impl VerificationAttestation {
    /// Issues an attestation for a completed handshake, signed by `party`'s signer.
    pub fn issue<S: Signer + ?Sized>(
        party: &HandshakeParty<'_, S>,
        outcome: &HandshakeOutcome,
    ) -> Result<VerificationAttestation, AttestationError> {
        let now = party.clock().now();
        if outcome.own_instance != party.instance_id() {
            return Err(AttestationError::SubjectMismatch(
                "the outcome belongs to another party",
            ));
        }
        if now >= outcome.expires_at {
            return Err(AttestationError::OutcomeExpired);
        }
        let verified_at = outcome.completed_at;
        let cap = verified_at
            .checked_add(MAX_VALIDITY)
            .unwrap_or(outcome.expires_at);
        let body = AttestationBody {
            attestation_version: ATTESTATION_VERSION.to_owned(),
            attester: party.instance_id(),
            subject: outcome.peer,
            subject_key: outcome.peer_key,
            subject_report: outcome.peer_report.clone(),
            level: outcome.level,
            tier: outcome.tier,
            liveness: LIVENESS_HANDSHAKE.to_owned(),
            transcript: outcome.transcript,
            verified_at,
            expires_at: outcome.expires_at.min(cap),
            key_rotation: party.own_report().body().key_rotation.clone(),
        };
        let Value::Object(map) =
            sanctuary_core::jcs::to_json_value(&body).map_err(SignEnvelopeError::from)?
        else {
            return Err(AttestationError::SubjectMismatch("body is not an object"));
        };
        let envelope = Envelope::sign(party.signer(), Purpose::SHR_ATTESTATION, map)?;
        Ok(VerificationAttestation { envelope, body })
    }

    /// Parses an attestation from JSON text.
    pub fn from_json(text: &str) -> Result<VerificationAttestation, ParseError> {
        VerificationAttestation::from_envelope(Envelope::from_text(text)?)
    }

    /// Parses an attestation from a JSON value.
    pub fn from_value(value: Value) -> Result<VerificationAttestation, ParseError> {
        VerificationAttestation::from_envelope(Envelope::from_value(value)?)
    }

    fn from_envelope(envelope: Envelope) -> Result<VerificationAttestation, ParseError> {
        let body = AttestationBody::deserialize(&envelope.body)
            .map_err(|e| ParseError::field("body", e))?;
        Ok(VerificationAttestation { envelope, body })
    }

    /// The attestation as canonical JSON text.
    #[must_use]
    pub fn to_json(&self) -> String {
        self.envelope.canonical_text()
    }

    /// The attestation as a JSON value.
    #[must_use]
    pub fn to_value(&self) -> Value {
        self.envelope.to_value()
    }

    /// The body (believe it only after [`VerificationAttestation::verify`]).
    #[must_use]
    pub fn body(&self) -> &AttestationBody {
        &self.body
    }

    /// The key that signed it.
    #[must_use]
    pub fn signed_by(&self) -> &PublicKey {
        &self.envelope.signed_by
    }

    /// Verifies the attestation as of `options`' time. `options.expect_instance` names the
    /// attester the caller trusts, if any.
    pub fn verify(&self, options: &VerifyOptions) -> Result<VerifiedAttestation, AttestationError> {
        let b = &self.body;
        if !self.envelope.scheme_ok() {
            return Err(AttestationError::UnsupportedScheme(
                self.envelope.scheme.clone(),
            ));
        }
        if b.attestation_version != ATTESTATION_VERSION {
            return Err(AttestationError::UnsupportedVersion(
                b.attestation_version.clone(),
            ));
        }
        if let Some(expected) = options.expected_instance()
            && expected != b.attester
        {
            return Err(AttestationError::UnexpectedAttester {
                expected,
                found: b.attester,
            });
        }
        if b.key_rotation.is_empty() {
            if self.envelope.signed_by.identity_id() != b.attester {
                return Err(AttestationError::KeyNotBound(b.attester));
            }
        } else {
            rotation::verify_rotation_chain(
                &b.attester,
                &b.key_rotation,
                &self.envelope.signed_by,
            )?;
        }
        if !self.envelope.signature_ok(Purpose::SHR_ATTESTATION) {
            return Err(AttestationError::BadSignature);
        }
        let mut problems = Vec::new();
        let mut warnings = Vec::new();
        verify::check_times(
            b.verified_at,
            b.expires_at,
            options,
            &mut problems,
            &mut warnings,
        );
        if let Some(first) = problems.into_iter().next() {
            return Err(AttestationError::Time(first));
        }
        if b.attester == b.subject {
            return Err(AttestationError::SelfAttestation);
        }
        if b.liveness != LIVENESS_HANDSHAKE {
            return Err(AttestationError::Liveness(b.liveness.clone()));
        }
        let report = &b.subject_report;
        if report.body().instance_id != b.subject {
            return Err(AttestationError::SubjectMismatch("instance id"));
        }
        if *report.signed_by() != b.subject_key {
            return Err(AttestationError::SubjectMismatch("key"));
        }
        if b.expires_at > report.body().expires_at {
            return Err(AttestationError::SubjectMismatch(
                "attestation outlives the subject report",
            ));
        }
        let at_verification = VerifyOptions::at(b.verified_at).max_skew(options.skew());
        let checked = report.verify(&at_verification);
        if !checked.is_valid() {
            return Err(AttestationError::SubjectReport(checked.errors));
        }
        if checked.level != b.level || checked.level.tier() != b.tier {
            return Err(AttestationError::Overstated {
                stated_level: b.level,
                stated_tier: b.tier,
                level: checked.level,
                tier: checked.level.tier(),
            });
        }
        Ok(VerifiedAttestation {
            attester: b.attester,
            subject: b.subject,
            level: b.level,
            tier: b.tier,
            verified_at: b.verified_at,
            expires_at: b.expires_at,
        })
    }
}
