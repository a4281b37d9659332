//! The L3 health report: which proof systems this build offers.

use sanctuary_core::health::{HealthContributor, Layer, LayerReport, LayerStatus};
use serde_json::json;

use crate::proofs::range::RangeProof;

/// Reports L3 (selective disclosure) to a health report.
///
/// ```
/// use sanctuary_core::health::{HealthContributor, Layer, LayerStatus};
/// let report = sanctuary_zk::ZkHealth.layer_report();
/// assert_eq!(report.layer, Layer::L3);
/// assert_eq!(report.status, LayerStatus::Active);
/// assert!(report.capabilities["proof_systems"].as_array().unwrap().len() >= 6);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct ZkHealth;

impl HealthContributor for ZkHealth {
    fn layer_report(&self) -> LayerReport {
        let range_64_bytes = RangeProof::FIXED_SIZE + 32 * 64;
        LayerReport::new(Layer::L3, LayerStatus::Active)
            .with_capability("group", json!("ristretto255 (RFC 9496)"))
            .with_capability(
                "commitments",
                json!("Pedersen, v·G + r·H, H by hash-to-group"),
            )
            .with_capability(
                "transcript",
                json!("merlin (STROBE-128), statement and context bound"),
            )
            .with_capability(
                "proof_systems",
                json!([
                    "dlog-schnorr",
                    "pedersen-opening",
                    "commitment-equality",
                    "linear-relation",
                    "or-1-of-n-cds",
                    "range-bit-decomposition",
                ]),
            )
            .with_capability(
                "range_proof",
                json!({
                    "bounds": "any [min, max] with max - min < 2^64",
                    "max_bits": 64,
                    "size_bytes_64_bit": range_64_bytes,
                    "verification": "one random-weighted multiscalar multiplication",
                    "aggregation": false,
                }),
            )
    }
}
