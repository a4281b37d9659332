//! The L1 health report ([`sanctuary_core::health::HealthContributor`] for [`Home`]).

use crate::home::{CustodyKind, Home};
use sanctuary_core::health::{
    Degradation, DegradationCode, HealthContributor, Layer, LayerReport, LayerStatus, Severity,
};
use serde_json::json;

impl HealthContributor for Home {
    fn layer_report(&self) -> LayerReport {
        let (epoch, taint) = self.integrity_summary();
        // An unreadable key file reports no custody at all, which the degradations below say.
        let wraps = self.wraps().unwrap_or_default();
        let mut custody: Vec<&str> = wraps
            .iter()
            .filter(|w| w.current)
            .filter_map(|w| match w.kind {
                CustodyKind::Passphrase { .. } => Some("passphrase (Argon2id)"),
                CustodyKind::RecoveryKey => Some("recovery key"),
                CustodyKind::Keyring { .. } => Some("OS keyring"),
                _ => None,
            })
            .collect();
        custody.dedup();
        let has_keyring = custody.contains(&"OS keyring");
        let mut report = LayerReport::new(Layer::L1, LayerStatus::Active)
            .with_capability(
                "encryption",
                json!("AES-256-GCM, per-record keys (HKDF-SHA256)"),
            )
            .with_capability("key_custody", json!(custody))
            .with_capability(
                "integrity",
                json!({
                    "tree": "RFC 9162 Merkle tree per namespace",
                    "root": "HMAC on every commit, Ed25519 signature on durable commits",
                    "epoch": epoch.to_string(),
                    "rollback": "per entry always; whole home against a kept anchor",
                }),
            )
            .with_capability("names_on_disk", json!(false))
            .with_capability("identity", json!(self.identity().to_did_key()));
        if self.has_weak_kdf() {
            report.status = LayerStatus::Degraded;
            report = report.with_degradation(Degradation {
                code: DegradationCode::custom("x-weak-kdf")
                    .unwrap_or(DegradationCode::PLATFORM_KEY_CUSTODY),
                severity: Severity::Warning,
                description:
                    "a passphrase wrap uses Argon2id parameters below the default (64 MiB, t = 3)"
                        .into(),
                mitigation: "change the passphrase with the default parameters".into(),
            });
        }
        if !has_keyring {
            let description = if cfg!(feature = "os-keyring") {
                "OS keyring unavailable: no keyring wrap; the master key is held only by \
                 passphrase and recovery wraps"
            } else {
                "OS keyring unavailable: built without the `os-keyring` feature; the master key \
                 is held only by passphrase and recovery wraps"
            };
            report = report.with_degradation(Degradation {
                code: DegradationCode::custom("x-no-os-keyring")
                    .unwrap_or(DegradationCode::PLATFORM_KEY_CUSTODY),
                severity: Severity::Info,
                description: description.into(),
                mitigation:
                    "unlocking needs the passphrase or the recovery key; nothing is left in the OS"
                        .into(),
            });
        }
        if let Some(what) = taint {
            report.status = LayerStatus::Degraded;
            report = report.with_degradation(Degradation {
                code: DegradationCode::NO_INTEGRITY_CHECK,
                severity: Severity::Critical,
                description: format!(
                    "the integrity tree failed its check when the home opened: {what}"
                ),
                mitigation:
                    "reads and writes are refused until the home is restored from a good copy"
                        .into(),
            });
        }
        report
    }
}
