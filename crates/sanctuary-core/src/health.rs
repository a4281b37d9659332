//! The [`HealthContributor`] trait: each layer's honest account of what it guarantees.
//!
//! `sanctuary-shr` collects one [`LayerReport`] per layer into the signed Sovereignty Health
//! Report. A layer that cannot give a guarantee says so with a [`Degradation`]: weaknesses are
//! reported, never hidden.
//!
//! ```
//! use sanctuary_core::health::*;
//!
//! struct Laptop;
//! impl HealthContributor for Laptop {
//!     fn layer_report(&self) -> LayerReport {
//!         LayerReport::new(Layer::L2, LayerStatus::Degraded).with_degradation(Degradation {
//!             code: DegradationCode::NO_TEE,
//!             severity: Severity::Warning,
//!             description: "no trusted execution environment".into(),
//!             mitigation: "process isolation and encrypted state".into(),
//!         })
//!     }
//! }
//! let report = Laptop.layer_report();
//! assert_eq!(report.degradations[0].code.as_str(), "NO_TEE");
//! assert_eq!(report.worst_severity(), Some(Severity::Warning));
//! ```

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

/// The four sovereignty layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layer {
    /// L1, cognitive sovereignty: encrypted state.
    L1,
    /// L2, operational isolation: context gating, provenance, runtime.
    L2,
    /// L3, selective disclosure: commitments and proofs.
    L3,
    /// L4, verifiable reputation: health reports, handshakes, track record.
    L4,
}

/// How well a layer works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LayerStatus {
    /// Working with every guarantee it advertises.
    Active,
    /// Working with weaker guarantees (see the degradations).
    Degraded,
    /// Not present or not working.
    Inactive,
}

/// How much a degradation matters. A critical one forces the lowest sovereignty level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// A guarantee is weaker than it could be.
    Warning,
    /// A guarantee is missing.
    Critical,
}

impl Layer {
    /// The wire name, as serialised: `l1` … `l4`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Layer::L1 => "l1",
            Layer::L2 => "l2",
            Layer::L3 => "l3",
            Layer::L4 => "l4",
        }
    }
}

impl LayerStatus {
    /// The wire name, as serialised: `active`, `degraded` or `inactive`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            LayerStatus::Active => "active",
            LayerStatus::Degraded => "degraded",
            LayerStatus::Inactive => "inactive",
        }
    }
}

impl Severity {
    /// The wire name, as serialised: `info`, `warning` or `critical`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for LayerStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A degradation code: one of the constants, or an application code starting with `x-`.
///
/// Codes are `UPPER_SNAKE_CASE` (built-in) or `x-` followed by lowercase letters, digits and
/// `-` or `_` (custom), at most 64 bytes.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DegradationCode(Cow<'static, str>);

/// A degradation code string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("degradation code must be UPPER_SNAKE_CASE or x-[a-z0-9_-]+, at most 64 bytes")]
pub struct DegradationCodeError;

impl DegradationCode {
    /// No trusted execution environment.
    pub const NO_TEE: Self = Self::builtin("NO_TEE");
    /// Only operating-system process isolation.
    pub const PROCESS_ISOLATION_ONLY: Self = Self::builtin("PROCESS_ISOLATION_ONLY");
    /// Attestation is self-reported, not hardware-backed.
    pub const SELF_REPORTED_ATTESTATION: Self = Self::builtin("SELF_REPORTED_ATTESTATION");
    /// Commitments without proofs over them.
    pub const COMMITMENT_ONLY: Self = Self::builtin("COMMITMENT_ONLY");
    /// No zero-knowledge proofs available.
    pub const NO_ZK_PROOFS: Self = Self::builtin("NO_ZK_PROOFS");
    /// No selective disclosure available.
    pub const NO_SELECTIVE_DISCLOSURE: Self = Self::builtin("NO_SELECTIVE_DISCLOSURE");
    /// No reputation history yet.
    pub const NO_REPUTATION_HISTORY: Self = Self::builtin("NO_REPUTATION_HISTORY");
    /// Keys are held by the platform (OS keychain) rather than by hardware the user controls.
    pub const PLATFORM_KEY_CUSTODY: Self = Self::builtin("PLATFORM_KEY_CUSTODY");
    /// State integrity is not checked.
    pub const NO_INTEGRITY_CHECK: Self = Self::builtin("NO_INTEGRITY_CHECK");
    /// State is stored unencrypted.
    pub const PLAINTEXT_STATE: Self = Self::builtin("PLAINTEXT_STATE");

    /// Every built-in code.
    pub const BUILT_IN: &'static [DegradationCode] = &[
        Self::NO_TEE,
        Self::PROCESS_ISOLATION_ONLY,
        Self::SELF_REPORTED_ATTESTATION,
        Self::COMMITMENT_ONLY,
        Self::NO_ZK_PROOFS,
        Self::NO_SELECTIVE_DISCLOSURE,
        Self::NO_REPUTATION_HISTORY,
        Self::PLATFORM_KEY_CUSTODY,
        Self::NO_INTEGRITY_CHECK,
        Self::PLAINTEXT_STATE,
    ];

    const fn builtin(code: &'static str) -> Self {
        DegradationCode(Cow::Borrowed(code))
    }

    /// Parses a code: a built-in `UPPER_SNAKE_CASE` code or a custom `x-…` code.
    ///
    /// Unknown upper-case codes are accepted (a newer peer may define codes we do not know);
    /// [`DegradationCode::is_builtin`] tells them apart.
    pub fn parse(code: &str) -> Result<Self, DegradationCodeError> {
        let ok = !code.is_empty()
            && code.len() <= 64
            && if let Some(rest) = code.strip_prefix("x-") {
                !rest.is_empty()
                    && rest.bytes().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'_'
                    })
            } else {
                code.bytes().next().is_some_and(|c| c.is_ascii_uppercase())
                    && code
                        .bytes()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_')
            };
        if !ok {
            return Err(DegradationCodeError);
        }
        Ok(Self::BUILT_IN
            .iter()
            .find(|b| b.as_str() == code)
            .cloned()
            .unwrap_or_else(|| DegradationCode(Cow::Owned(code.to_owned()))))
    }

    /// A custom code; `name` must start with `x-`.
    pub fn custom(name: &str) -> Result<Self, DegradationCodeError> {
        if !name.starts_with("x-") {
            return Err(DegradationCodeError);
        }
        Self::parse(name)
    }

    /// The code text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is one of the codes defined here.
    #[must_use]
    pub fn is_builtin(&self) -> bool {
        Self::BUILT_IN.iter().any(|b| b.as_str() == self.as_str())
    }
}

impl fmt::Debug for DegradationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DegradationCode({})", self.0)
    }
}

impl fmt::Display for DegradationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for DegradationCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for DegradationCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::encoding::deserialize_parsed(deserializer, DegradationCode::parse)
    }
}

/// One guarantee a layer cannot give, and what softens it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Degradation {
    /// Machine-readable code.
    pub code: DegradationCode,
    /// How much it matters.
    pub severity: Severity,
    /// What is missing, for a human.
    pub description: String,
    /// What limits the damage, for a human.
    pub mitigation: String,
}

/// A layer's account of itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerReport {
    /// Which layer.
    pub layer: Layer,
    /// How well it works.
    pub status: LayerStatus,
    /// What it offers (layer-specific, e.g. `{"cipher": "AES-256-GCM"}`).
    pub capabilities: serde_json::Map<String, serde_json::Value>,
    /// What it cannot guarantee.
    pub degradations: Vec<Degradation>,
}

impl LayerReport {
    /// A report with no capabilities and no degradations yet.
    #[must_use]
    pub fn new(layer: Layer, status: LayerStatus) -> Self {
        LayerReport {
            layer,
            status,
            capabilities: serde_json::Map::new(),
            degradations: Vec::new(),
        }
    }

    /// Adds a capability.
    #[must_use]
    pub fn with_capability(mut self, name: impl Into<String>, value: serde_json::Value) -> Self {
        self.capabilities.insert(name.into(), value);
        self
    }

    /// Adds a degradation.
    #[must_use]
    pub fn with_degradation(mut self, degradation: Degradation) -> Self {
        self.degradations.push(degradation);
        self
    }

    /// The most severe degradation, if any.
    #[must_use]
    pub fn worst_severity(&self) -> Option<Severity> {
        self.degradations.iter().map(|d| d.severity).max()
    }
}

/// Something that reports on a layer's health: each layer crate implements it.
pub trait HealthContributor {
    /// The layer's current report.
    fn layer_report(&self) -> LayerReport;
}

impl<H: HealthContributor + ?Sized> HealthContributor for &H {
    fn layer_report(&self) -> LayerReport {
        (**self).layer_report()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_serialised_names() {
        for layer in [Layer::L1, Layer::L2, Layer::L3, Layer::L4] {
            assert_eq!(json(&layer), format!("\"{}\"", layer.as_str()));
            assert_eq!(layer.to_string(), layer.as_str());
        }
        for status in [
            LayerStatus::Active,
            LayerStatus::Degraded,
            LayerStatus::Inactive,
        ] {
            assert_eq!(json(&status), format!("\"{}\"", status.as_str()));
            assert_eq!(status.to_string(), status.as_str());
        }
        for severity in [Severity::Info, Severity::Warning, Severity::Critical] {
            assert_eq!(json(&severity), format!("\"{}\"", severity.as_str()));
            assert_eq!(severity.to_string(), severity.as_str());
        }
        assert_eq!(Layer::L3.as_str(), "l3");
        assert_eq!(LayerStatus::Degraded.as_str(), "degraded");
        assert_eq!(Severity::Critical.as_str(), "critical");
    }

    fn json<T: Serialize>(value: &T) -> String {
        serde_json::to_string(value).unwrap()
    }

    #[test]
    fn codes_parse_strictly() {
        assert_eq!(
            DegradationCode::parse("NO_TEE"),
            Ok(DegradationCode::NO_TEE)
        );
        assert!(DegradationCode::parse("NO_TEE").unwrap().is_builtin());
        let future = DegradationCode::parse("NEW_THING_2").unwrap();
        assert!(!future.is_builtin());
        assert!(DegradationCode::custom("x-no-gpu").is_ok());
        for bad in [
            "",
            "no_tee",
            "x-",
            "x-Bad",
            "X-bad",
            "_X",
            "NO-TEE",
            "x-a b",
            &"A".repeat(65),
        ] {
            assert!(DegradationCode::parse(bad).is_err(), "{bad:?}");
        }
        assert!(DegradationCode::custom("NO_TEE").is_err());
    }

    #[test]
    fn report_json_round_trip() {
        let report = LayerReport::new(Layer::L1, LayerStatus::Active)
            .with_capability("cipher", serde_json::json!("AES-256-GCM"))
            .with_degradation(Degradation {
                code: DegradationCode::PLATFORM_KEY_CUSTODY,
                severity: Severity::Info,
                description: "keys in the OS keyring".into(),
                mitigation: "passphrase wrap as well".into(),
            });
        let text = serde_json::to_string(&report).unwrap();
        assert!(text.contains(r#""layer":"l1""#) && text.contains(r#""severity":"info""#));
        assert_eq!(serde_json::from_str::<LayerReport>(&text).unwrap(), report);
        assert!(serde_json::from_str::<LayerReport>(&text.replace("\"l1\"", "\"l5\"")).is_err());
        assert!(Severity::Critical > Severity::Warning && Severity::Warning > Severity::Info);
    }
}
