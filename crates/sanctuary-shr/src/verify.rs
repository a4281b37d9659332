//! Report verification.
//!
//! [`SignedReport::verify`] runs every check and collects every failure, so a diagnostic tool
//! can show all of them; a report is valid only when there are none. The checks:
//!
//! 1. the signature scheme is `ed25519-jcs-v1` and `shr_version` is `"1.0"`;
//! 2. the Ed25519 signature over the domain-separated JCS of the body verifies (strictly);
//! 3. the signing key belongs to `instance_id`: its own id, or the end of a valid rotation
//!    chain (at most 64 links) from the instance's first key;
//! 4. times: `expires_at` after `generated_at` and at most 24 hours later; not generated more
//!    than the allowed skew (5 minutes) in the future; not expired (allowing the skew); not
//!    older than the maximum age (24 hours);
//! 5. all four layers present;
//! 6. when the caller expects a particular instance, it is that one.
//!
//! The level is computed from the body only when all of that holds; an invalid report is
//! always [`SovereigntyLevel::Minimal`].

use crate::envelope::ParseError;
use crate::level::{SovereigntyLevel, TrustTier};
use crate::report::{LAYERS, MAX_VALIDITY, SHR_VERSION, SignedReport, layer_name};
use sanctuary_core::health::{DegradationCode, Layer, LayerStatus, Severity};
use sanctuary_core::identity::IdentityId;
use sanctuary_core::rotation::{self, RotationError};
use sanctuary_core::time::{Clock, Timestamp};
use std::fmt;
use std::time::Duration;

/// The clock skew tolerated between two agents: 5 minutes.
pub const DEFAULT_MAX_SKEW: Duration = Duration::from_secs(5 * 60);

/// What a verifier accepts. The limits can only be tightened, never loosened past the
/// format's: skew at most 5 minutes, lifetime and age at most 24 hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyOptions {
    now: Timestamp,
    max_skew: Duration,
    max_lifetime: Duration,
    max_age: Duration,
    expected_instance: Option<IdentityId>,
}

impl VerifyOptions {
    /// Verifies as of `now`, with the default limits.
    #[must_use]
    pub fn at(now: Timestamp) -> Self {
        VerifyOptions {
            now,
            max_skew: DEFAULT_MAX_SKEW,
            max_lifetime: MAX_VALIDITY,
            max_age: MAX_VALIDITY,
            expected_instance: None,
        }
    }

    /// Verifies as of the clock's current time.
    #[must_use]
    pub fn now(clock: &dyn Clock) -> Self {
        VerifyOptions::at(clock.now())
    }

    /// Tolerates less clock skew (capped at 5 minutes).
    #[must_use]
    pub fn max_skew(mut self, skew: Duration) -> Self {
        self.max_skew = skew.min(DEFAULT_MAX_SKEW);
        self
    }

    /// Accepts only shorter-lived reports (capped at 24 hours).
    #[must_use]
    pub fn max_lifetime(mut self, lifetime: Duration) -> Self {
        self.max_lifetime = lifetime.min(MAX_VALIDITY);
        self
    }

    /// Accepts only younger reports (capped at 24 hours).
    #[must_use]
    pub fn max_age(mut self, age: Duration) -> Self {
        self.max_age = age.min(MAX_VALIDITY);
        self
    }

    /// Requires the report to be about this instance.
    #[must_use]
    pub fn expect_instance(mut self, instance: IdentityId) -> Self {
        self.expected_instance = Some(instance);
        self
    }

    /// The verification time.
    #[must_use]
    pub fn time(&self) -> Timestamp {
        self.now
    }

    /// The instance the caller expects, if any.
    #[must_use]
    pub fn expected_instance(&self) -> Option<IdentityId> {
        self.expected_instance
    }

    /// The tolerated skew.
    #[must_use]
    pub fn skew(&self) -> Duration {
        self.max_skew
    }
}

/// Why a report is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReportProblem {
    /// The text or value is not a report at all.
    #[error("malformed report: {0}")]
    Malformed(#[from] ParseError),
    /// The signature scheme is not `ed25519-jcs-v1`.
    #[error("unsupported signature scheme {0:?}")]
    UnsupportedScheme(String),
    /// `shr_version` is not `"1.0"`.
    #[error("unsupported shr_version {0:?}")]
    UnsupportedVersion(String),
    /// The signature does not verify.
    #[error("signature does not verify")]
    BadSignature,
    /// The signing key is not the instance's key and no rotation chain is given.
    #[error("signing key does not belong to instance {0}")]
    KeyNotBound(IdentityId),
    /// The rotation chain is invalid.
    #[error("key rotation chain: {0}")]
    Rotation(#[from] RotationError),
    /// `expires_at` is not after `generated_at`.
    #[error("expires_at is not after generated_at")]
    EmptyLifetime,
    /// `expires_at` is more than the maximum lifetime after `generated_at`.
    #[error("lifetime {lifetime_secs} s exceeds the maximum {max_secs} s")]
    LifetimeTooLong {
        /// The report's lifetime.
        lifetime_secs: u64,
        /// The limit.
        max_secs: u64,
    },
    /// `generated_at` is further in the future than the tolerated skew.
    #[error("generated in the future ({generated_at})")]
    FutureDated {
        /// The claimed generation time.
        generated_at: Timestamp,
    },
    /// The report expired (beyond the tolerated skew).
    #[error("expired at {expires_at}")]
    Expired {
        /// The expiry time.
        expires_at: Timestamp,
    },
    /// The report is older than the maximum age.
    #[error("generated {age_secs} s ago, more than the maximum age {max_secs} s")]
    TooOld {
        /// Its age.
        age_secs: u64,
        /// The limit.
        max_secs: u64,
    },
    /// A layer is missing.
    #[error("layer {} missing", layer_name(*.0))]
    MissingLayer(Layer),
    /// The report is about another instance than the one expected.
    #[error("report is about instance {found}, expected {expected}")]
    UnexpectedInstance {
        /// Expected.
        expected: IdentityId,
        /// Found.
        found: IdentityId,
    },
}

/// Something a verifier should know about a valid report.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReportWarning {
    /// A critical degradation (it forces the minimal level).
    CriticalDegradation {
        /// The layer.
        layer: Layer,
        /// The code.
        code: DegradationCode,
    },
    /// A degradation code this version does not define (neither built in nor `x-…`).
    UnknownDegradationCode(DegradationCode),
    /// A layer says `active` while admitting a warning or critical degradation.
    InconsistentStatus(Layer),
    /// A member this version does not define (kept and signed, otherwise ignored).
    UnknownMember(String),
    /// A layer name this version does not define.
    UnknownLayer(String),
    /// `generated_at` is in the future, within the tolerated skew.
    ClockSkew,
    /// Expired, within the tolerated skew.
    ExpiredWithinSkew,
}

impl fmt::Display for ReportWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReportWarning::CriticalDegradation { layer, code } => {
                write!(f, "critical degradation {code} in {}", layer_name(*layer))
            }
            ReportWarning::UnknownDegradationCode(code) => {
                write!(f, "unknown degradation code {code}")
            }
            ReportWarning::InconsistentStatus(layer) => write!(
                f,
                "layer {} says active but admits a degradation",
                layer_name(*layer)
            ),
            ReportWarning::UnknownMember(path) => write!(f, "unknown member {path} (ignored)"),
            ReportWarning::UnknownLayer(name) => write!(f, "unknown layer {name} (ignored)"),
            ReportWarning::ClockSkew => f.write_str("generated_at is slightly in the future"),
            ReportWarning::ExpiredWithinSkew => {
                f.write_str("expired, but within the tolerated clock skew")
            }
        }
    }
}

/// The outcome of verifying a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportVerification {
    /// Every failed check; empty when the report is valid.
    pub errors: Vec<ReportProblem>,
    /// Notes on a report that may still be valid.
    pub warnings: Vec<ReportWarning>,
    /// The sovereignty level: the report's when valid, [`SovereigntyLevel::Minimal`] otherwise.
    pub level: SovereigntyLevel,
    /// The instance the report is about, when it could be read.
    pub instance_id: Option<IdentityId>,
    /// When the report expires, when it could be read.
    pub expires_at: Option<Timestamp>,
}

impl ReportVerification {
    /// Whether every check passed.
    #[must_use]
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }

    /// The tier a peer with this report earns once it has also proven liveness.
    #[must_use]
    pub fn tier_if_live(&self) -> TrustTier {
        if self.is_valid() {
            self.level.tier()
        } else {
            TrustTier::Unverified
        }
    }

    fn malformed(problem: ParseError) -> Self {
        ReportVerification {
            errors: vec![ReportProblem::Malformed(problem)],
            warnings: Vec::new(),
            level: SovereigntyLevel::Minimal,
            instance_id: None,
            expires_at: None,
        }
    }
}

/// Parses and verifies a report given as JSON text; a parse failure is an invalid result.
#[must_use]
pub fn verify_report_json(text: &str, options: &VerifyOptions) -> ReportVerification {
    match SignedReport::from_json(text) {
        Ok(report) => report.verify(options),
        Err(e) => ReportVerification::malformed(e),
    }
}

pub(crate) fn verify_report(report: &SignedReport, options: &VerifyOptions) -> ReportVerification {
    let body = report.body();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();

    if !report.scheme_ok() {
        errors.push(ReportProblem::UnsupportedScheme(
            report.signature_scheme().to_owned(),
        ));
    }
    if body.shr_version != SHR_VERSION {
        errors.push(ReportProblem::UnsupportedVersion(body.shr_version.clone()));
    }
    // Identity binding before the signature: both are needed, and the binding is cheap.
    if body.key_rotation.is_empty() {
        if report.signed_by().identity_id() != body.instance_id {
            errors.push(ReportProblem::KeyNotBound(body.instance_id));
        }
    } else if let Err(e) =
        rotation::verify_rotation_chain(&body.instance_id, &body.key_rotation, report.signed_by())
    {
        errors.push(ReportProblem::Rotation(e));
    }
    if !report.signature_ok() {
        errors.push(ReportProblem::BadSignature);
    }

    check_times(
        body.generated_at,
        body.expires_at,
        options,
        &mut errors,
        &mut warnings,
    );

    for layer in LAYERS {
        if !body.layers.contains_key(&layer) {
            errors.push(ReportProblem::MissingLayer(layer));
        }
    }
    if let Some(expected) = options.expected_instance
        && expected != body.instance_id
    {
        errors.push(ReportProblem::UnexpectedInstance {
            expected,
            found: body.instance_id,
        });
    }

    for d in &body.degradations {
        let code = &d.degradation.code;
        if d.degradation.severity == Severity::Critical {
            warnings.push(ReportWarning::CriticalDegradation {
                layer: d.layer,
                code: code.clone(),
            });
        }
        if !code.is_builtin() && !code.as_str().starts_with("x-") {
            warnings.push(ReportWarning::UnknownDegradationCode(code.clone()));
        }
    }
    for (layer, entry) in &body.layers {
        if entry.status == LayerStatus::Active
            && body
                .degradations
                .iter()
                .any(|d| d.layer == *layer && d.degradation.severity >= Severity::Warning)
        {
            warnings.push(ReportWarning::InconsistentStatus(*layer));
        }
    }
    warnings.extend(
        body.unknown_members
            .iter()
            .cloned()
            .map(ReportWarning::UnknownMember),
    );
    warnings.extend(
        body.unknown_layers
            .iter()
            .cloned()
            .map(ReportWarning::UnknownLayer),
    );

    let level = if errors.is_empty() {
        body.claimed_level()
    } else {
        SovereigntyLevel::Minimal
    };
    ReportVerification {
        errors,
        warnings,
        level,
        instance_id: Some(body.instance_id),
        expires_at: Some(body.expires_at),
    }
}

/// The time checks shared by reports and attestations.
pub(crate) fn check_times(
    issued: Timestamp,
    expires: Timestamp,
    options: &VerifyOptions,
    errors: &mut Vec<ReportProblem>,
    warnings: &mut Vec<ReportWarning>,
) {
    let now = options.now;
    match expires.duration_since(issued) {
        Some(life) if !life.is_zero() => {
            if life > options.max_lifetime {
                errors.push(ReportProblem::LifetimeTooLong {
                    lifetime_secs: life.as_secs(),
                    max_secs: options.max_lifetime.as_secs(),
                });
            }
        }
        _ => errors.push(ReportProblem::EmptyLifetime),
    }
    if let Some(ahead) = issued.duration_since(now)
        && !ahead.is_zero()
    {
        if ahead > options.max_skew {
            errors.push(ReportProblem::FutureDated {
                generated_at: issued,
            });
        } else {
            warnings.push(ReportWarning::ClockSkew);
        }
    }
    if let Some(late) = now.duration_since(expires)
        && !late.is_zero()
    {
        if late > options.max_skew {
            errors.push(ReportProblem::Expired {
                expires_at: expires,
            });
        } else {
            warnings.push(ReportWarning::ExpiredWithinSkew);
        }
    }
    if let Some(age) = now.duration_since(issued)
        && age > options.max_age
    {
        errors.push(ReportProblem::TooOld {
            age_secs: age.as_secs(),
            max_secs: options.max_age.as_secs(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::SIGNATURE_SCHEME;

    #[test]
    fn options_only_tighten() {
        let o = VerifyOptions::at(Timestamp::UNIX_EPOCH)
            .max_skew(Duration::from_secs(3600))
            .max_lifetime(Duration::from_secs(7 * 86_400))
            .max_age(Duration::from_secs(10));
        assert_eq!(o.skew(), DEFAULT_MAX_SKEW);
        assert_eq!(o.max_lifetime, MAX_VALIDITY);
        assert_eq!(o.max_age, Duration::from_secs(10));
        assert_eq!(SIGNATURE_SCHEME, "ed25519-jcs-v1");
    }
}
