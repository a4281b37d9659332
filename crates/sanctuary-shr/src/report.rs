//! The Sovereignty Health Report: what it contains, how it is generated and parsed.
//!
//! # Format (`shr_version` `"1.0"`)
//!
//! A report is a signed envelope (see [`crate::envelope`]) whose body is:
//!
//! | member | type | meaning |
//! |---|---|---|
//! | `shr_version` | `"1.0"` | this format |
//! | `implementation` | `{"name", "version"}` | the software that generated it |
//! | `instance_id` | 32 hex | the agent's identity id (its first key's id) |
//! | `generated_at`, `expires_at` | RFC 3339 UTC, canonical | validity, at most 24 h apart |
//! | `layers` | `{"l1"…"l4": {"status", "capabilities"}}` | each layer's status and what it offers |
//! | `degradations` | `[{"layer", "code", "severity", "description", "mitigation"}]` | what it cannot guarantee |
//! | `model_provenance` | `[{…}]` | declarations of the models that drive the agent |
//! | `capabilities` | `{name: bool}` | protocol features: `handshake`, `report_exchange`, … |
//! | `key_rotation` | `[rotation event]`, only after a rotation | the chain from `instance_id`'s key to the signing key |
//!
//! Members this version does not define are kept, covered by the signature and reported as
//! warnings, so a newer generator's report still verifies here. Timestamps must use the one
//! canonical spelling of [`Timestamp`], so a signed report has one byte form.

use crate::envelope::{Envelope, ParseError, SignEnvelopeError};
use crate::level::SovereigntyLevel;
use crate::verify::{self, ReportVerification, VerifyOptions};
use sanctuary_core::digest::Digest;
use sanctuary_core::health::{
    Degradation, DegradationCode, HealthContributor, Layer, LayerReport, LayerStatus, Severity,
};
use sanctuary_core::identity::{IdentityId, PublicKey, Signer};
use sanctuary_core::purpose::Purpose;
use sanctuary_core::rotation::{self, MAX_ROTATION_CHAIN, RotationError, RotationEvent};
use sanctuary_core::time::{Clock, Timestamp};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::time::Duration;

/// The report format version this crate writes and reads.
pub const SHR_VERSION: &str = "1.0";

/// How long a report is valid unless the builder says otherwise: 60 minutes.
pub const DEFAULT_VALIDITY: Duration = Duration::from_secs(60 * 60);

/// The longest validity a report may have: 24 hours.
pub const MAX_VALIDITY: Duration = Duration::from_secs(24 * 60 * 60);

/// The most degradations a report may list.
pub const MAX_DEGRADATIONS: usize = 256;

/// The most model provenance declarations a report may list.
pub const MAX_PROVENANCE: usize = 64;

/// The longest text member (names, versions, descriptions, mitigations), in bytes.
pub const MAX_TEXT_LEN: usize = 2048;

/// The four layers, in order.
pub const LAYERS: [Layer; 4] = [Layer::L1, Layer::L2, Layer::L3, Layer::L4];

/// Body members this version defines.
const KNOWN_BODY_MEMBERS: [&str; 10] = [
    "shr_version",
    "implementation",
    "instance_id",
    "generated_at",
    "expires_at",
    "layers",
    "degradations",
    "model_provenance",
    "capabilities",
    "key_rotation",
];

/// The software that generated a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Implementation {
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: String,
}

impl Default for Implementation {
    /// This crate: `sanctuary-shr` and its version.
    fn default() -> Self {
        Implementation {
            name: env!("CARGO_PKG_NAME").to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

/// One layer's entry in a report.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerEntry {
    /// How well it works.
    pub status: LayerStatus,
    /// What it offers (layer-specific JSON, from its contributors).
    pub capabilities: Map<String, Value>,
}

/// One degradation, tagged with its layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportDegradation {
    /// The layer that cannot give the guarantee.
    pub layer: Layer,
    /// Code, severity, description and mitigation.
    pub degradation: Degradation,
}

/// The typed view of a report body. The signed bytes are the body as received
/// ([`SignedReport::raw_body`]); this view is read from them.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportBody {
    /// The format version as written (checked by verification).
    pub shr_version: String,
    /// The generating software.
    pub implementation: Implementation,
    /// The agent's identity id.
    pub instance_id: IdentityId,
    /// When the report was generated.
    pub generated_at: Timestamp,
    /// When it stops being valid.
    pub expires_at: Timestamp,
    /// The layers present, by layer. Verification requires all four.
    pub layers: BTreeMap<Layer, LayerEntry>,
    /// Layer names this version does not know (kept in the signed body, ignored here).
    pub unknown_layers: Vec<String>,
    /// What the agent cannot guarantee.
    pub degradations: Vec<ReportDegradation>,
    /// Model provenance declarations (JSON objects).
    pub model_provenance: Vec<Map<String, Value>>,
    /// Protocol capabilities.
    pub capabilities: BTreeMap<String, bool>,
    /// The key-rotation chain, empty when the identity never rotated.
    pub key_rotation: Vec<RotationEvent>,
    /// Dotted paths of members this version does not define (kept and signed).
    pub unknown_members: Vec<String>,
}

impl ReportBody {
    /// The level this body claims, before any verification: see [`SovereigntyLevel`].
    #[must_use]
    pub fn claimed_level(&self) -> SovereigntyLevel {
        let status = |l: Layer| self.layers.get(&l).map(|e| e.status);
        let critical = self
            .degradations
            .iter()
            .any(|d| d.degradation.severity == Severity::Critical);
        if critical
            || status(Layer::L1) != Some(LayerStatus::Active)
                && status(Layer::L1) != Some(LayerStatus::Degraded)
            || status(Layer::L4).is_none_or(|s| s == LayerStatus::Inactive)
        {
            return SovereigntyLevel::Minimal;
        }
        let all_active = LAYERS
            .iter()
            .all(|&l| status(l) == Some(LayerStatus::Active));
        let warnings = self
            .degradations
            .iter()
            .any(|d| d.degradation.severity >= Severity::Warning);
        if all_active && !warnings {
            SovereigntyLevel::Full
        } else {
            SovereigntyLevel::Degraded
        }
    }

    fn parse(map: &Map<String, Value>) -> Result<ReportBody, ParseError> {
        let mut unknown_members: Vec<String> = map
            .keys()
            .filter(|k| !KNOWN_BODY_MEMBERS.contains(&k.as_str()))
            .cloned()
            .collect();
        let shr_version = string(map, "shr_version", "shr_version")?;
        let implementation = {
            let imp = object(map, "implementation", "implementation")?;
            note_unknown(
                imp,
                "implementation",
                &["name", "version"],
                &mut unknown_members,
            );
            Implementation {
                name: string(imp, "name", "implementation.name")?,
                version: string(imp, "version", "implementation.version")?,
            }
        };
        let instance_id = typed(map, "instance_id", "instance_id")?;
        let generated_at = typed(map, "generated_at", "generated_at")?;
        let expires_at = typed(map, "expires_at", "expires_at")?;

        let mut layers = BTreeMap::new();
        let mut unknown_layers = Vec::new();
        for (name, entry) in object(map, "layers", "layers")? {
            let path = format!("layers.{name}");
            let Some(layer) = layer_named(name) else {
                unknown_layers.push(name.clone());
                continue;
            };
            let Value::Object(entry) = entry else {
                return Err(ParseError::field(path, "expected an object"));
            };
            note_unknown(
                entry,
                &path,
                &["status", "capabilities"],
                &mut unknown_members,
            );
            let status = typed(entry, "status", &format!("{path}.status"))?;
            let capabilities = object(entry, "capabilities", &format!("{path}.capabilities"))?;
            layers.insert(
                layer,
                LayerEntry {
                    status,
                    capabilities: capabilities.clone(),
                },
            );
        }

        let list = array(map, "degradations", "degradations")?;
        if list.len() > MAX_DEGRADATIONS {
            return Err(ParseError::field(
                "degradations",
                format!("{} entries, at most {MAX_DEGRADATIONS}", list.len()),
            ));
        }
        let mut degradations = Vec::with_capacity(list.len());
        for (i, d) in list.iter().enumerate() {
            let path = format!("degradations.{i}");
            let Value::Object(d) = d else {
                return Err(ParseError::field(path, "expected an object"));
            };
            note_unknown(
                d,
                &path,
                &["layer", "code", "severity", "description", "mitigation"],
                &mut unknown_members,
            );
            degradations.push(ReportDegradation {
                layer: typed(d, "layer", &format!("{path}.layer"))?,
                degradation: Degradation {
                    code: typed::<DegradationCode>(d, "code", &format!("{path}.code"))?,
                    severity: typed(d, "severity", &format!("{path}.severity"))?,
                    description: string(d, "description", &format!("{path}.description"))?,
                    mitigation: string(d, "mitigation", &format!("{path}.mitigation"))?,
                },
            });
        }

        let list = array(map, "model_provenance", "model_provenance")?;
        if list.len() > MAX_PROVENANCE {
            return Err(ParseError::field(
                "model_provenance",
                format!("{} entries, at most {MAX_PROVENANCE}", list.len()),
            ));
        }
        let model_provenance = list
            .iter()
            .enumerate()
            .map(|(i, p)| match p {
                Value::Object(p) => Ok(p.clone()),
                _ => Err(ParseError::field(
                    format!("model_provenance.{i}"),
                    "expected an object",
                )),
            })
            .collect::<Result<_, _>>()?;

        let mut capabilities = BTreeMap::new();
        for (name, value) in object(map, "capabilities", "capabilities")? {
            let Value::Bool(on) = value else {
                return Err(ParseError::field(
                    format!("capabilities.{name}"),
                    "expected true or false",
                ));
            };
            capabilities.insert(name.clone(), *on);
        }

        let key_rotation = match map.get("key_rotation") {
            None => Vec::new(),
            Some(Value::Array(events)) if events.is_empty() => {
                return Err(ParseError::field(
                    "key_rotation",
                    "present but empty (omit it when the identity never rotated)",
                ));
            }
            Some(Value::Array(events)) if events.len() > MAX_ROTATION_CHAIN => {
                return Err(ParseError::field(
                    "key_rotation",
                    format!(
                        "{} events, at most {MAX_ROTATION_CHAIN} are followed",
                        events.len()
                    ),
                ));
            }
            Some(v @ Value::Array(_)) => Vec::<RotationEvent>::deserialize(v)
                .map_err(|e| ParseError::field("key_rotation", e))?,
            Some(_) => return Err(ParseError::field("key_rotation", "expected an array")),
        };

        unknown_members.sort();
        Ok(ReportBody {
            shr_version,
            implementation,
            instance_id,
            generated_at,
            expires_at,
            layers,
            unknown_layers,
            degradations,
            model_provenance,
            capabilities,
            key_rotation,
            unknown_members,
        })
    }
}

fn layer_named(name: &str) -> Option<Layer> {
    match name {
        "l1" => Some(Layer::L1),
        "l2" => Some(Layer::L2),
        "l3" => Some(Layer::L3),
        "l4" => Some(Layer::L4),
        _ => None,
    }
}

/// The wire name of a layer (`l1` … `l4`); the same as [`Layer::as_str`].
#[must_use]
pub fn layer_name(layer: Layer) -> &'static str {
    layer.as_str()
}

fn note_unknown(map: &Map<String, Value>, path: &str, known: &[&str], out: &mut Vec<String>) {
    out.extend(
        map.keys()
            .filter(|k| !known.contains(&k.as_str()))
            .map(|k| format!("{path}.{k}")),
    );
}

fn member<'a>(
    map: &'a Map<String, Value>,
    name: &str,
    path: &str,
) -> Result<&'a Value, ParseError> {
    map.get(name)
        .ok_or_else(|| ParseError::field(path, "missing"))
}

fn string(map: &Map<String, Value>, name: &str, path: &str) -> Result<String, ParseError> {
    match member(map, name, path)? {
        Value::String(s) if s.len() <= MAX_TEXT_LEN => Ok(s.clone()),
        Value::String(_) => Err(ParseError::field(
            path,
            format!("longer than {MAX_TEXT_LEN} bytes"),
        )),
        _ => Err(ParseError::field(path, "expected a string")),
    }
}

fn object<'a>(
    map: &'a Map<String, Value>,
    name: &str,
    path: &str,
) -> Result<&'a Map<String, Value>, ParseError> {
    member(map, name, path)?
        .as_object()
        .ok_or_else(|| ParseError::field(path, "expected an object"))
}

fn array<'a>(
    map: &'a Map<String, Value>,
    name: &str,
    path: &str,
) -> Result<&'a [Value], ParseError> {
    member(map, name, path)?
        .as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| ParseError::field(path, "expected an array"))
}

fn typed<'a, T: Deserialize<'a>>(
    map: &'a Map<String, Value>,
    name: &str,
    path: &str,
) -> Result<T, ParseError> {
    T::deserialize(member(map, name, path)?).map_err(|e| ParseError::field(path, e))
}

/// A signed Sovereignty Health Report, as generated or as received.
///
/// Parsing checks the shape only; [`SignedReport::verify`] checks everything else and must be
/// called before anything in the report is believed.
#[derive(Clone)]
pub struct SignedReport {
    envelope: Envelope,
    body: ReportBody,
}

impl std::fmt::Debug for SignedReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedReport")
            .field("instance_id", &self.body.instance_id)
            .field("generated_at", &self.body.generated_at)
            .field("expires_at", &self.body.expires_at)
            .field("signed_by", &self.envelope.signed_by)
            .field("digest", &self.digest())
            .finish_non_exhaustive()
    }
}

impl PartialEq for SignedReport {
    fn eq(&self, other: &Self) -> bool {
        self.digest() == other.digest()
    }
}

impl Eq for SignedReport {}

impl SignedReport {
    /// Parses a report from JSON text (at most [`crate::envelope::MAX_DOCUMENT_BYTES`]).
    pub fn from_json(text: &str) -> Result<SignedReport, ParseError> {
        SignedReport::from_envelope(Envelope::from_text(text)?)
    }

    /// Parses a report from a JSON value.
    pub fn from_value(value: Value) -> Result<SignedReport, ParseError> {
        SignedReport::from_envelope(Envelope::from_value(value)?)
    }

    fn from_envelope(envelope: Envelope) -> Result<SignedReport, ParseError> {
        let body = ReportBody::parse(envelope.body_map()).map_err(|e| match e {
            ParseError::Field { field, reason } => ParseError::Field {
                field: format!("body.{field}"),
                reason,
            },
            other => other,
        })?;
        Ok(SignedReport { envelope, body })
    }

    /// The report as canonical JSON text (RFC 8785).
    #[must_use]
    pub fn to_json(&self) -> String {
        self.envelope.canonical_text()
    }

    /// The report as a JSON value.
    #[must_use]
    pub fn to_value(&self) -> Value {
        self.envelope.to_value()
    }

    /// The typed view of the body.
    #[must_use]
    pub fn body(&self) -> &ReportBody {
        &self.body
    }

    /// The body exactly as signed.
    #[must_use]
    pub fn raw_body(&self) -> &Map<String, Value> {
        self.envelope.body_map()
    }

    /// The key the envelope says signed it.
    #[must_use]
    pub fn signed_by(&self) -> &PublicKey {
        &self.envelope.signed_by
    }

    /// The signature scheme as written.
    #[must_use]
    pub fn signature_scheme(&self) -> &str {
        &self.envelope.scheme
    }

    /// SHA-256 of the report's canonical JSON: what handshakes and attestations bind.
    #[must_use]
    pub fn digest(&self) -> Digest {
        self.envelope.digest()
    }

    /// Verifies the report: scheme, version, signature, identity binding, times and layers.
    #[must_use]
    pub fn verify(&self, options: &VerifyOptions) -> ReportVerification {
        verify::verify_report(self, options)
    }

    pub(crate) fn scheme_ok(&self) -> bool {
        self.envelope.scheme_ok()
    }

    pub(crate) fn signature_ok(&self) -> bool {
        self.envelope.signature_ok(Purpose::SHR_REPORT)
    }
}

/// Generating a report failed; nothing was signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GenerateError {
    /// The requested validity is zero or longer than [`MAX_VALIDITY`].
    #[error("validity must be between 1 second and 24 hours")]
    Validity,
    /// Two contributors to one layer give one capability different values.
    #[error("layer {layer}: contributors disagree on capability {name:?}")]
    CapabilityConflict {
        /// The layer.
        layer: &'static str,
        /// The capability.
        name: String,
    },
    /// The rotation chain does not lead to the signing key.
    #[error("the rotation chain does not lead to the signing key: {0}")]
    Rotation(#[from] RotationError),
    /// An extension member is not allowed (a member this format defines, or not `x-…`).
    #[error("extension member {0:?} must start with \"x-\"")]
    Extension(String),
    /// Too many degradations or provenance declarations, or a text member is too long.
    #[error("report exceeds a limit: {0}")]
    Limit(String),
    /// The clock is outside the representable range.
    #[error("the clock gives a time outside the representable range")]
    Clock,
    /// Canonicalisation or the signer failed.
    #[error(transparent)]
    Sign(#[from] SignEnvelopeError),
}

/// Builds and signs a report from the layers' [`HealthContributor`]s.
///
/// ```
/// use sanctuary_core::health::*;
/// use sanctuary_core::identity::Identity;
/// use sanctuary_core::time::{Clock, ManualClock, Timestamp};
/// use sanctuary_shr::{ReportBuilder, ShrHealth, SovereigntyLevel, VerifyOptions};
///
/// let me = Identity::generate(&mut rand_core::OsRng);
/// let clock = ManualClock::new(Timestamp::from_unix_seconds(1_800_000_000)?);
/// let l1 = LayerReport::new(Layer::L1, LayerStatus::Active);
/// let l2 = LayerReport::new(Layer::L2, LayerStatus::Degraded).with_degradation(Degradation {
///     code: DegradationCode::NO_TEE,
///     severity: Severity::Warning,
///     description: "no trusted execution environment".into(),
///     mitigation: "encrypted state, process isolation".into(),
/// });
/// let l3 = LayerReport::new(Layer::L3, LayerStatus::Active);
/// let report = ReportBuilder::new()
///     .layer(l1)
///     .layer(l2)
///     .layer(l3)
///     .contributor(&ShrHealth::default())
///     .sign(&me, &clock)?;
/// let checked = report.verify(&VerifyOptions::at(clock.now()));
/// assert!(checked.is_valid(), "{:?}", checked.errors);
/// assert_eq!(checked.level, SovereigntyLevel::Degraded);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ReportBuilder {
    implementation: Implementation,
    layers: Vec<LayerReport>,
    model_provenance: Vec<Map<String, Value>>,
    capabilities: BTreeMap<String, bool>,
    validity: Duration,
    rotation: Vec<RotationEvent>,
    extensions: Map<String, Value>,
}

impl Default for ReportBuilder {
    fn default() -> Self {
        ReportBuilder::new()
    }
}

impl ReportBuilder {
    /// A builder with this crate as the implementation, 60 minutes of validity, and the
    /// capabilities this crate provides: `handshake`, `report_exchange` and
    /// `verification_attestation` on, `encrypted_channel` off (the handshake yields a channel
    /// binding; encryption is the transport's).
    #[must_use]
    pub fn new() -> Self {
        let capabilities = [
            ("handshake", true),
            ("report_exchange", true),
            ("verification_attestation", true),
            ("encrypted_channel", false),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        ReportBuilder {
            implementation: Implementation::default(),
            layers: Vec::new(),
            model_provenance: Vec::new(),
            capabilities,
            validity: DEFAULT_VALIDITY,
            rotation: Vec::new(),
            extensions: Map::new(),
        }
    }

    /// Names the generating software.
    #[must_use]
    pub fn implementation(mut self, name: &str, version: &str) -> Self {
        self.implementation = Implementation {
            name: name.to_owned(),
            version: version.to_owned(),
        };
        self
    }

    /// Adds a contributor's current report for its layer.
    #[must_use]
    pub fn contributor<H: HealthContributor + ?Sized>(self, contributor: &H) -> Self {
        self.layer(contributor.layer_report())
    }

    /// Adds a layer report. Several reports for one layer merge: the worst status wins,
    /// capabilities are united, degradations are all kept. A layer nobody reports is
    /// `inactive`.
    #[must_use]
    pub fn layer(mut self, report: LayerReport) -> Self {
        self.layers.push(report);
        self
    }

    /// Adds a model provenance declaration (a JSON object, for example a signed declaration
    /// from the L2 gate).
    #[must_use]
    pub fn model_provenance(mut self, declaration: Map<String, Value>) -> Self {
        self.model_provenance.push(declaration);
        self
    }

    /// Sets a protocol capability.
    #[must_use]
    pub fn capability(mut self, name: &str, on: bool) -> Self {
        self.capabilities.insert(name.to_owned(), on);
        self
    }

    /// Sets how long the report is valid (default 60 minutes, at most 24 hours).
    #[must_use]
    pub fn validity(mut self, validity: Duration) -> Self {
        self.validity = validity;
        self
    }

    /// The identity has rotated: `chain` leads from its first key to the signing key, and
    /// the report's `instance_id` is the first key's id.
    #[must_use]
    pub fn rotation_chain(mut self, chain: Vec<RotationEvent>) -> Self {
        self.rotation = chain;
        self
    }

    /// Adds an application member to the body. Its name must start with `x-`; it is signed
    /// with the rest.
    #[must_use]
    pub fn extension(mut self, name: &str, value: Value) -> Self {
        self.extensions.insert(name.to_owned(), value);
        self
    }

    /// Generates and signs the report at the clock's current second.
    pub fn sign<S: Signer + ?Sized>(
        &self,
        signer: &S,
        clock: &dyn Clock,
    ) -> Result<SignedReport, GenerateError> {
        if self.validity.is_zero() || self.validity > MAX_VALIDITY {
            return Err(GenerateError::Validity);
        }
        let key = signer.public_key();
        let instance_id = match self.rotation.first() {
            None => key.identity_id(),
            Some(first) => first.identity_id,
        };
        rotation::verify_rotation_chain(&instance_id, &self.rotation, &key)?;
        if let Some(name) = self
            .extensions
            .keys()
            .find(|k| !k.starts_with("x-") || k.len() < 3)
        {
            return Err(GenerateError::Extension(name.clone()));
        }
        if self.model_provenance.len() > MAX_PROVENANCE {
            return Err(GenerateError::Limit(format!(
                "at most {MAX_PROVENANCE} provenance declarations"
            )));
        }
        let generated_at = clock.now().trunc_seconds();
        let expires_at = generated_at
            .checked_add(self.validity)
            .ok_or(GenerateError::Clock)?
            .trunc_seconds();

        let (layers, degradations) = self.merge_layers()?;
        if degradations.len() > MAX_DEGRADATIONS {
            return Err(GenerateError::Limit(format!(
                "at most {MAX_DEGRADATIONS} degradations"
            )));
        }
        for text in [&self.implementation.name, &self.implementation.version]
            .into_iter()
            .chain(
                degradations
                    .iter()
                    .flat_map(|d| [&d.degradation.description, &d.degradation.mitigation]),
            )
        {
            if text.len() > MAX_TEXT_LEN {
                return Err(GenerateError::Limit(format!(
                    "text members are at most {MAX_TEXT_LEN} bytes"
                )));
            }
        }

        let mut body = Map::new();
        body.insert("shr_version".into(), SHR_VERSION.into());
        body.insert(
            "implementation".into(),
            serde_json::json!({
                "name": self.implementation.name,
                "version": self.implementation.version,
            }),
        );
        body.insert("instance_id".into(), instance_id.to_string().into());
        body.insert("generated_at".into(), generated_at.to_string().into());
        body.insert("expires_at".into(), expires_at.to_string().into());
        let mut layer_map = Map::new();
        for (layer, entry) in &layers {
            let mut e = Map::new();
            e.insert("status".into(), status_value(entry.status));
            e.insert(
                "capabilities".into(),
                Value::Object(entry.capabilities.clone()),
            );
            layer_map.insert(layer_name(*layer).into(), Value::Object(e));
        }
        body.insert("layers".into(), Value::Object(layer_map));
        body.insert(
            "degradations".into(),
            Value::Array(degradations.iter().map(degradation_value).collect()),
        );
        body.insert(
            "model_provenance".into(),
            Value::Array(
                self.model_provenance
                    .iter()
                    .cloned()
                    .map(Value::Object)
                    .collect(),
            ),
        );
        body.insert(
            "capabilities".into(),
            Value::Object(
                self.capabilities
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::Bool(*v)))
                    .collect(),
            ),
        );
        if !self.rotation.is_empty() {
            body.insert(
                "key_rotation".into(),
                sanctuary_core::jcs::to_json_value(&self.rotation)
                    .map_err(SignEnvelopeError::from)?,
            );
        }
        for (name, value) in &self.extensions {
            body.insert(name.clone(), value.clone());
        }

        let envelope = Envelope::sign(signer, Purpose::SHR_REPORT, body)?;
        SignedReport::from_envelope(envelope)
            .map_err(|e| GenerateError::Limit(format!("generated report does not parse: {e}")))
    }

    /// Merges the layer reports: one entry per layer, degradations tagged and in order.
    fn merge_layers(
        &self,
    ) -> Result<(BTreeMap<Layer, LayerEntry>, Vec<ReportDegradation>), GenerateError> {
        let mut layers = BTreeMap::new();
        let mut degradations = Vec::new();
        for layer in LAYERS {
            let mut status: Option<LayerStatus> = None;
            let mut capabilities = Map::new();
            for report in self.layers.iter().filter(|r| r.layer == layer) {
                status = Some(match status {
                    None => report.status,
                    Some(s) => worse(s, report.status),
                });
                for (name, value) in &report.capabilities {
                    match capabilities.get(name) {
                        Some(existing) if existing != value => {
                            return Err(GenerateError::CapabilityConflict {
                                layer: layer_name(layer),
                                name: name.clone(),
                            });
                        }
                        Some(_) => {}
                        None => {
                            capabilities.insert(name.clone(), value.clone());
                        }
                    }
                }
                degradations.extend(report.degradations.iter().map(|d| ReportDegradation {
                    layer,
                    degradation: d.clone(),
                }));
            }
            let mut status = status.unwrap_or(LayerStatus::Inactive);
            // A layer that admits a warning or worse is not "active", whatever it said.
            if status == LayerStatus::Active
                && degradations
                    .iter()
                    .any(|d| d.layer == layer && d.degradation.severity >= Severity::Warning)
            {
                status = LayerStatus::Degraded;
            }
            layers.insert(
                layer,
                LayerEntry {
                    status,
                    capabilities,
                },
            );
        }
        Ok((layers, degradations))
    }
}

fn worse(a: LayerStatus, b: LayerStatus) -> LayerStatus {
    let rank = |s: LayerStatus| match s {
        LayerStatus::Active => 0,
        LayerStatus::Degraded => 1,
        LayerStatus::Inactive => 2,
    };
    if rank(b) > rank(a) { b } else { a }
}

fn status_value(status: LayerStatus) -> Value {
    status.as_str().into()
}

fn severity_value(severity: Severity) -> Value {
    severity.as_str().into()
}

fn degradation_value(d: &ReportDegradation) -> Value {
    serde_json::json!({
        "layer": layer_name(d.layer),
        "code": d.degradation.code.as_str(),
        "severity": severity_value(d.degradation.severity),
        "description": d.degradation.description,
        "mitigation": d.degradation.mitigation,
    })
}
