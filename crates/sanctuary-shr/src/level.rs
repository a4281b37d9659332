//! Sovereignty levels and trust tiers.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How sovereign a verified report says its agent is.
///
/// - `full`: all four layers active and no degradation of severity warning or above;
/// - `minimal`: any critical degradation, or L1 (encrypted state) or L4 (verifiable identity
///   and reports) inactive;
/// - `degraded`: everything in between.
///
/// A report that does not verify is always `minimal` (see [`crate::ReportVerification`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SovereigntyLevel {
    /// The lowest level: a critical weakness, or no encrypted state.
    Minimal,
    /// Working, with weaker guarantees somewhere.
    Degraded,
    /// Every layer active, nothing worse than informational notes.
    Full,
}

impl SovereigntyLevel {
    /// The lowercase name used on the wire.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            SovereigntyLevel::Minimal => "minimal",
            SovereigntyLevel::Degraded => "degraded",
            SovereigntyLevel::Full => "full",
        }
    }

    /// The trust tier a peer earns with this level after a completed handshake.
    #[must_use]
    pub const fn tier(self) -> TrustTier {
        match self {
            SovereigntyLevel::Full => TrustTier::VerifiedSovereign,
            SovereigntyLevel::Degraded => TrustTier::VerifiedDegraded,
            SovereigntyLevel::Minimal => TrustTier::Unverified,
        }
    }
}

impl fmt::Display for SovereigntyLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a completed handshake lets an agent conclude about its peer.
///
/// Only a valid report *and* proven liveness earn a `verified-…` tier; a peer at the minimal
/// level stays `unverified` even then, because its report admits a critical weakness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrustTier {
    /// Nothing verified, or only a minimal posture.
    Unverified,
    /// Verified, with degradations.
    VerifiedDegraded,
    /// Verified and fully sovereign.
    VerifiedSovereign,
}

impl TrustTier {
    /// The kebab-case name used on the wire.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            TrustTier::Unverified => "unverified",
            TrustTier::VerifiedDegraded => "verified-degraded",
            TrustTier::VerifiedSovereign => "verified-sovereign",
        }
    }
}

impl fmt::Display for TrustTier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_order() {
        assert!(SovereigntyLevel::Full > SovereigntyLevel::Degraded);
        assert!(SovereigntyLevel::Degraded > SovereigntyLevel::Minimal);
        assert_eq!(
            serde_json::to_string(&TrustTier::VerifiedDegraded).unwrap(),
            "\"verified-degraded\""
        );
        assert_eq!(
            serde_json::to_string(&SovereigntyLevel::Full).unwrap(),
            "\"full\""
        );
        for l in [
            SovereigntyLevel::Minimal,
            SovereigntyLevel::Degraded,
            SovereigntyLevel::Full,
        ] {
            assert_eq!(
                serde_json::to_string(&l).unwrap(),
                format!("\"{}\"", l.as_str())
            );
            assert_eq!(
                serde_json::to_string(&l.tier()).unwrap(),
                format!("\"{}\"", l.tier())
            );
        }
        assert_eq!(SovereigntyLevel::Minimal.tier(), TrustTier::Unverified);
    }
}
