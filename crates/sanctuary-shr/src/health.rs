//! The L4 health report: what this crate gives an agent.

use crate::envelope::SIGNATURE_SCHEME;
use crate::handshake::{HANDSHAKE_VERSION, SESSION_LIFETIME};
use sanctuary_core::health::{
    Degradation, DegradationCode, HealthContributor, Layer, LayerReport, LayerStatus, Severity,
};
use serde_json::json;

/// Reports L4 (verifiable reputation): signed reports, the handshake, verification
/// attestations, and whether the agent has a track record yet.
///
/// ```
/// use sanctuary_core::health::{HealthContributor, Layer};
/// let report = sanctuary_shr::ShrHealth::default().layer_report();
/// assert_eq!(report.layer, Layer::L4);
/// assert_eq!(report.degradations[0].code.as_str(), "NO_REPUTATION_HISTORY");
/// let seasoned = sanctuary_shr::ShrHealth::with_track_record(12).layer_report();
/// assert!(seasoned.degradations.is_empty());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShrHealth {
    receipts: u64,
}

impl ShrHealth {
    /// An agent with `receipts` verifiable receipts (for example Concordia attestations).
    #[must_use]
    pub const fn with_track_record(receipts: u64) -> Self {
        ShrHealth { receipts }
    }
}

impl HealthContributor for ShrHealth {
    fn layer_report(&self) -> LayerReport {
        let mut report = LayerReport::new(Layer::L4, LayerStatus::Active)
            .with_capability("report_signature", json!(SIGNATURE_SCHEME))
            .with_capability(
                "handshake",
                json!({
                    "version": HANDSHAKE_VERSION,
                    "transcript": "both identities, nonces and report digests, domain-separated",
                    "session_lifetime_seconds": SESSION_LIFETIME.as_secs(),
                    "channel_binding": true,
                }),
            )
            .with_capability("verification_attestation", json!(true))
            .with_capability("track_record_receipts", json!(self.receipts));
        if self.receipts == 0 {
            report = report.with_degradation(Degradation {
                code: DegradationCode::NO_REPUTATION_HISTORY,
                severity: Severity::Info,
                description: "no verifiable receipts yet".into(),
                mitigation: "reports and handshakes are still signed and checkable".into(),
            });
        }
        report
    }
}
