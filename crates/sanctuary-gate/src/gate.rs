//! [`ContextGate`]: field rules and value detectors applied to one JSON value on its way out.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, PoisonError};

use rand_core::OsRng;
use sanctuary_core::audit::{AuditEvent, AuditLayer, AuditOutcome, AuditSink};
use sanctuary_core::encoding::hex_encode;
use sanctuary_core::state::{MemoryStateStore, StateError, StateStore};
use sanctuary_core::time::{Clock, SystemClock};
use serde_json::{Map, Value, json};

use crate::key::{GateKey, SubKeys, mac};
use crate::kind::Span;
use crate::outcome::{
    Decision, GateOutcome, Limits, Refusal, RefusalReason, RuleSource, Sanitized, Target,
};
use crate::policy::{Action, Destination, DestinationPolicy, FieldClass, GatePolicy};
use crate::scan::{Found, KindSet, scan};
use crate::terms::PrincipalTerms;
use crate::vault::{self, Allocator, ConversationId, Rehydrated, Vault, VaultError};

/// Most decisions copied into one audit event (the counts always cover all of them).
const MAX_AUDITED_DECISIONS: usize = 256;

/// The gate could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No audit sink was given: every outcome must be audited.
    #[error("an audit sink is required")]
    MissingAudit,
    /// The gate key could not be loaded from or saved to the store.
    #[error("gate key unavailable: {0}")]
    Key(#[from] StateError),
}

/// Builds a [`ContextGate`].
pub struct ContextGateBuilder {
    policy: GatePolicy,
    store: Option<Arc<dyn StateStore + Send + Sync>>,
    audit: Option<Arc<dyn AuditSink + Send + Sync>>,
    key: Option<GateKey>,
    terms: PrincipalTerms,
    limits: Limits,
    clock: Arc<dyn Clock>,
    conversation: Option<ConversationId>,
}

impl fmt::Debug for ContextGateBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContextGateBuilder")
            .field("policy", &self.policy)
            .field("limits", &self.limits)
            .field("terms", &self.terms)
            .finish_non_exhaustive()
    }
}

impl ContextGateBuilder {
    /// Where the pseudonym vault (and, unless [`key`](Self::key) is given, the gate key)
    /// lives. Default: a fresh in-memory store, so pseudonyms last as long as the gate.
    #[must_use]
    pub fn store(mut self, store: Arc<dyn StateStore + Send + Sync>) -> Self {
        self.store = Some(store);
        self
    }

    /// Where every outcome is recorded. Required.
    #[must_use]
    pub fn audit(mut self, audit: Arc<dyn AuditSink + Send + Sync>) -> Self {
        self.audit = Some(audit);
        self
    }

    /// The gate's root key. Default: the one kept in the store, created on first use.
    #[must_use]
    pub fn key(mut self, key: GateKey) -> Self {
        self.key = Some(key);
        self
    }

    /// The principal's registered terms (their names, places, employer …).
    #[must_use]
    pub fn principal_terms(mut self, terms: PrincipalTerms) -> Self {
        self.terms = terms;
        self
    }

    /// Size limits. Default: [`Limits::default`].
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The clock audit events are stamped with. Default: the system clock.
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The conversation [`ContextGate::filter`] and [`ContextGate::rehydrate`] use.
    /// Default: a fresh random one.
    #[must_use]
    pub fn conversation(mut self, id: ConversationId) -> Self {
        self.conversation = Some(id);
        self
    }

    /// Builds the gate.
    pub fn build(self) -> Result<ContextGate, BuildError> {
        let audit = self.audit.ok_or(BuildError::MissingAudit)?;
        let store = self
            .store
            .unwrap_or_else(|| Arc::new(MemoryStateStore::new()));
        let key = match self.key {
            Some(k) => k,
            None => GateKey::load_or_create(store.as_ref(), &mut OsRng)?,
        };
        let keys = key.subkeys();
        let vault = Vault::new(store, keys.vault.clone());
        Ok(ContextGate {
            policy: self.policy,
            limits: self.limits,
            terms: self.terms,
            keys,
            vault,
            audit,
            clock: self.clock,
            conversation: self.conversation.unwrap_or_else(ConversationId::random),
        })
    }
}

/// The context gate: decides what of a JSON value may leave the machine, and how.
///
/// ```
/// use std::sync::Arc;
/// use sanctuary_core::audit::MemoryAuditSink;
/// use sanctuary_gate::{ContextGate, GateOutcome};
/// use sanctuary_gate::policy::{Destination, Template};
/// use serde_json::json;
///
/// let gate = ContextGate::builder(Template::RemoteInferenceSanitize.policy())
///     .audit(Arc::new(MemoryAuditSink::new()))
///     .build()?;
///
/// let out = gate.filter(
///     &Destination::Inference,
///     &json!({"prompt": "Write to ada@example.org about the invoice", "api_key": "k"}),
/// );
/// let GateOutcome::Sanitized(s) = out else { panic!("refused") };
/// assert_eq!(s.value["prompt"], "Write to [EMAIL_1] about the invoice");
/// assert_eq!(s.value["api_key"], "[SECRET_1]");
///
/// // The model's answer is put back together locally.
/// let answer = gate.rehydrate("Sent the invoice to [EMAIL_1].")?;
/// assert_eq!(answer.text, "Sent the invoice to ada@example.org.");
///
/// // Unlisted fields refuse the whole request under this template.
/// assert!(gate.filter(&Destination::Inference, &json!({"diary": "…"})).is_refused());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct ContextGate {
    policy: GatePolicy,
    limits: Limits,
    terms: PrincipalTerms,
    keys: SubKeys,
    vault: Vault,
    audit: Arc<dyn AuditSink + Send + Sync>,
    clock: Arc<dyn Clock>,
    conversation: ConversationId,
}

impl fmt::Debug for ContextGate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContextGate")
            .field("policy", &self.policy)
            .field("limits", &self.limits)
            .field("terms", &self.terms)
            .finish_non_exhaustive()
    }
}

impl ContextGate {
    /// Starts building a gate for `policy`.
    #[must_use]
    pub fn builder(policy: GatePolicy) -> ContextGateBuilder {
        ContextGateBuilder {
            policy,
            store: None,
            audit: None,
            key: None,
            terms: PrincipalTerms::empty(),
            limits: Limits::default(),
            clock: Arc::new(SystemClock),
            conversation: None,
        }
    }

    /// The gate's policy.
    #[must_use]
    pub fn policy(&self) -> &GatePolicy {
        &self.policy
    }

    /// The number of registered principal terms.
    #[must_use]
    pub fn principal_term_count(&self) -> usize {
        self.terms.len()
    }

    /// The L2 health source for this gate: the given runtime evidence and declared models,
    /// with what the gate really does filled in (whether any remote destination is allowed,
    /// which detectors are on for some destination, the vault). Give the gate an encrypting
    /// store and say so with `encrypted_vault`; the report only claims what it is told.
    #[must_use]
    pub fn health(
        &self,
        evidence: crate::runtime::RuntimeEvidence,
        models: Vec<crate::provenance::ModelProvenance>,
        encrypted_vault: bool,
    ) -> crate::health::GateHealth {
        let mut detectors: Vec<&'static str> = Vec::new();
        for &kind in crate::kind::Kind::ALL {
            let on = self.policy.destinations().any(|d| {
                self.policy
                    .get(d)
                    .is_some_and(|p| p.detectors().action(kind) != Action::Allow)
            });
            if on && (kind != crate::kind::Kind::PrincipalTerm || !self.terms.is_empty()) {
                detectors.push(kind.as_str());
            }
        }
        crate::health::GateHealth::new(evidence, true, self.policy.allows_remote())
            .with_models(models)
            .with_value_detectors(detectors)
            .with_pseudonym_vault(encrypted_vault)
    }

    /// The conversation [`filter`](Self::filter) and [`rehydrate`](Self::rehydrate) use.
    #[must_use]
    pub fn default_conversation(&self) -> &ConversationId {
        &self.conversation
    }

    /// Filters `value` for `destination` in the default conversation. Total: every error
    /// becomes a refusal, and every outcome is audited (an audit failure is a refusal).
    #[must_use]
    pub fn filter(&self, destination: &Destination, value: &Value) -> GateOutcome {
        self.filter_in(&self.conversation.clone(), destination, value)
    }

    /// Filters `value` for `destination` in `conversation`.
    #[must_use]
    pub fn filter_in(
        &self,
        conversation: &ConversationId,
        destination: &Destination,
        value: &Value,
    ) -> GateOutcome {
        let outcome = self.evaluate(conversation, destination, value);
        self.record(conversation, destination, value, outcome)
    }

    /// Puts the originals back into the model's answer (default conversation).
    pub fn rehydrate(&self, text: &str) -> Result<Rehydrated, VaultError> {
        self.rehydrate_in(&self.conversation.clone(), text)
    }

    /// Puts the originals back into the model's answer, for `conversation`. Only
    /// pseudonymised values come back; redacted ones were never kept.
    pub fn rehydrate_in(
        &self,
        conversation: &ConversationId,
        text: &str,
    ) -> Result<Rehydrated, VaultError> {
        let conv = self.vault.conversation(conversation)?;
        let state = conv.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(vault::rehydrate(&state, text))
    }

    /// Rehydrates every string and key of a JSON answer (e.g. a tool call the model wrote);
    /// returns the value and the number of placeholders restored.
    pub fn rehydrate_value_in(
        &self,
        conversation: &ConversationId,
        value: &Value,
    ) -> Result<(Value, usize), VaultError> {
        let conv = self.vault.conversation(conversation)?;
        let state = conv.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(vault::rehydrate_value(&state, value))
    }

    /// Deletes a conversation's placeholders from the vault; `true` if it had any stored.
    pub fn forget_conversation(&self, conversation: &ConversationId) -> Result<bool, VaultError> {
        self.vault.delete(conversation)
    }

    fn evaluate(
        &self,
        conversation: &ConversationId,
        destination: &Destination,
        value: &Value,
    ) -> GateOutcome {
        let Some(policy) = self.policy.get(destination) else {
            return refused(vec![RefusalReason::NoPolicy {
                destination: destination.clone(),
            }]);
        };
        let mut tally = Tally::default();
        if let Err(reason) = measure(value, 1, &self.limits, &mut tally) {
            return refused(vec![reason]);
        }
        let Ok(conv) = self.vault.conversation(conversation) else {
            return refused(vec![RefusalReason::VaultUnavailable]);
        };
        let mut state = conv.lock().unwrap_or_else(PoisonError::into_inner);
        let mut walk = Walk {
            gate: self,
            policy,
            destination,
            enabled: KindSet::enabled_by(policy.detectors()),
            alloc: Allocator::new(&mut state),
            decisions: Vec::new(),
            refusals: Vec::new(),
            spans: Vec::new(),
            found: Vec::new(),
            display: String::new(),
            dotted: String::new(),
        };
        let out = walk.root(value);
        if !walk.refusals.is_empty() {
            return refused(walk.refusals);
        }
        let decisions = std::mem::take(&mut walk.decisions);
        if walk.alloc.commit(&self.vault, conversation).is_err() {
            return refused(vec![RefusalReason::VaultUnavailable]);
        }
        GateOutcome::Sanitized(Sanitized {
            value: out,
            decisions,
        })
    }

    fn keyed_digest(&self, value: &Value) -> String {
        let bytes = canonical_bytes(value);
        let tag = mac(&self.keys.audit, &[&bytes]);
        format!("hmac-sha256:{}", hex_encode(&tag))
    }

    fn record(
        &self,
        conversation: &ConversationId,
        destination: &Destination,
        original: &Value,
        outcome: GateOutcome,
    ) -> GateOutcome {
        let conversation_tag = hex_encode(
            mac(
                &self.keys.audit,
                &[b"conversation", conversation.as_str().as_bytes()],
            )
            .get(..16)
            .unwrap_or(&[]),
        );
        let (audit_outcome, detail) = match &outcome {
            GateOutcome::Sanitized(s) => {
                let mut fields: BTreeMap<&str, usize> = BTreeMap::new();
                let mut spans: BTreeMap<&str, usize> = BTreeMap::new();
                for d in &s.decisions {
                    match &d.target {
                        Target::Field { .. } => *fields.entry(d.action.as_str()).or_default() += 1,
                        Target::Span { kind, .. } => *spans.entry(kind.as_str()).or_default() += 1,
                    }
                }
                let audited: Vec<&Decision> =
                    s.decisions.iter().take(MAX_AUDITED_DECISIONS).collect();
                (
                    AuditOutcome::Allowed,
                    json!({
                        "destination": destination,
                        "conversation": conversation_tag,
                        "outcome": "sanitized",
                        "fields": fields,
                        "spans": spans,
                        "decisions": audited,
                        "decisions_omitted": s.decisions.len().saturating_sub(MAX_AUDITED_DECISIONS),
                        "original": self.keyed_digest(original),
                        "filtered": self.keyed_digest(&s.value),
                    }),
                )
            }
            GateOutcome::Refused(r) => (
                AuditOutcome::Denied,
                json!({
                    "destination": destination,
                    "conversation": conversation_tag,
                    "outcome": "refused",
                    "reasons": r.reasons.iter().take(MAX_AUDITED_DECISIONS).collect::<Vec<_>>(),
                    "original": self.keyed_digest(original),
                }),
            ),
        };
        let event = AuditEvent::new(
            self.clock.now(),
            AuditLayer::L2,
            "gate.filter",
            audit_outcome,
            detail,
        );
        match self.audit.record(event) {
            Ok(()) => outcome,
            Err(_) => refused(vec![RefusalReason::AuditUnavailable]),
        }
    }
}

fn refused(reasons: Vec<RefusalReason>) -> GateOutcome {
    GateOutcome::Refused(Refusal { reasons })
}

/// JCS where the value allows it (always, for parsed JSON), plain JSON otherwise.
fn canonical_bytes(value: &Value) -> Vec<u8> {
    sanctuary_core::jcs::to_vec(value)
        .or_else(|_| serde_json::to_vec(value))
        .unwrap_or_default()
}

#[derive(Default)]
struct Tally {
    fields: usize,
    bytes: usize,
}

/// Checks the limits before anything else runs (and bounds the recursion of the walk).
fn measure(
    value: &Value,
    depth: usize,
    limits: &Limits,
    tally: &mut Tally,
) -> Result<(), RefusalReason> {
    if depth > limits.max_depth {
        return Err(RefusalReason::TooDeep {
            limit: limits.max_depth,
        });
    }
    let add_bytes = |tally: &mut Tally, n: usize| {
        tally.bytes = tally.bytes.saturating_add(n);
        if tally.bytes > limits.max_bytes {
            Err(RefusalReason::TooLarge {
                limit: limits.max_bytes,
            })
        } else {
            Ok(())
        }
    };
    let add_field = |tally: &mut Tally| {
        tally.fields += 1;
        if tally.fields > limits.max_fields {
            Err(RefusalReason::TooManyFields {
                limit: limits.max_fields,
            })
        } else {
            Ok(())
        }
    };
    match value {
        Value::String(s) => add_bytes(tally, s.len()),
        Value::Number(n) => add_bytes(tally, number_len(n)),
        Value::Null | Value::Bool(_) => add_bytes(tally, 1),
        Value::Array(items) => {
            add_bytes(tally, 1)?;
            for item in items {
                add_field(tally)?;
                measure(item, depth + 1, limits, tally)?;
            }
            Ok(())
        }
        Value::Object(map) => {
            add_bytes(tally, 1)?;
            for (k, v) in map {
                add_field(tally)?;
                add_bytes(tally, k.len())?;
                measure(v, depth + 1, limits, tally)?;
            }
            Ok(())
        }
    }
}

fn number_len(n: &serde_json::Number) -> usize {
    struct Count(usize);
    impl fmt::Write for Count {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.0 += s.len();
            Ok(())
        }
    }
    let mut c = Count(0);
    let _ = fmt::write(&mut c, format_args!("{n}"));
    c.0
}

/// One filter call's traversal.
struct Walk<'g, 'a> {
    gate: &'g ContextGate,
    policy: &'g DestinationPolicy,
    destination: &'g Destination,
    enabled: KindSet,
    alloc: Allocator<'a>,
    decisions: Vec<Decision>,
    refusals: Vec<RefusalReason>,
    spans: Vec<Span>,
    found: Vec<Found>,
    /// The display path of the current node (`messages[2].text`).
    display: String,
    /// The lowercased dotted path of the current node, array positions left out.
    dotted: String,
}

/// What to do with one field.
struct FieldDecision {
    action: Action,
    class: FieldClass,
    source: RuleSource,
    rule: Option<String>,
}

impl Walk<'_, '_> {
    fn path(&self) -> String {
        if self.display.is_empty() {
            "$".to_owned()
        } else {
            self.display.clone()
        }
    }

    fn root(&mut self, value: &Value) -> Value {
        match value {
            Value::Object(map) => self.object(map, false),
            other => {
                // The root has no name, so no rule can name it: the default action applies.
                let decision = FieldDecision {
                    action: self.policy.default_action(),
                    class: FieldClass::Field,
                    source: RuleSource::Default,
                    rule: None,
                };
                self.apply(decision, other)
            }
        }
    }

    fn object(&mut self, map: &Map<String, Value>, inherited: bool) -> Value {
        let mut out = Map::new();
        for (key, value) in map {
            let display_len = self.display.len();
            let dotted_len = self.dotted.len();
            let out_key = self.key(key);
            if !self.display.is_empty() {
                self.display.push('.');
            }
            push_display_key(&mut self.display, &out_key);
            if !self.dotted.is_empty() {
                self.dotted.push('.');
            }
            let lower = key.to_lowercase();
            self.dotted.push_str(&lower);

            let decision = match self.policy.rule_for(&lower, &self.dotted) {
                Some(rule) => FieldDecision {
                    action: rule.action,
                    class: rule.class,
                    source: RuleSource::Rule,
                    rule: Some(rule.pattern.as_str().to_owned()),
                },
                None if inherited => FieldDecision {
                    action: Action::Allow,
                    class: FieldClass::Field,
                    source: RuleSource::Inherited,
                    rule: None,
                },
                None => FieldDecision {
                    action: self.policy.default_action(),
                    class: FieldClass::Field,
                    source: RuleSource::Default,
                    rule: None,
                },
            };
            let new_value = self.apply(decision, value);
            if out.contains_key(&out_key) {
                self.refusals.push(RefusalReason::KeyCollision {
                    path: self.path_of_parent(display_len),
                });
            }
            out.insert(out_key, new_value);
            self.display.truncate(display_len);
            self.dotted.truncate(dotted_len);
        }
        Value::Object(out)
    }

    fn path_of_parent(&self, len: usize) -> String {
        match self.display.get(..len) {
            Some("") | None => "$".to_owned(),
            Some(p) => p.to_owned(),
        }
    }

    /// Applies a field decision to the field's value (the path is already pushed).
    fn apply(&mut self, decision: FieldDecision, value: &Value) -> Value {
        let path = self.path();
        let placeholder_for = |walk: &mut Self, reversible: bool| {
            let bytes = canonical_bytes(value);
            let original = match value {
                Value::String(s) => s.clone(),
                _ => String::from_utf8_lossy(&bytes).into_owned(),
            };
            walk.alloc.placeholder(
                decision.class.label(),
                &bytes,
                reversible.then_some(original.as_str()),
            )
        };
        let (out, placeholder) = match decision.action {
            Action::Deny => {
                self.refusals.push(match decision.source {
                    RuleSource::Rule => RefusalReason::DeniedField {
                        path: path.clone(),
                        rule: decision.rule.clone().unwrap_or_default(),
                    },
                    RuleSource::Default | RuleSource::Inherited => {
                        RefusalReason::UnlistedField { path: path.clone() }
                    }
                });
                (Value::Null, None)
            }
            Action::Redact | Action::Pseudonymise => {
                match placeholder_for(self, decision.action == Action::Pseudonymise) {
                    Ok(p) => (Value::String(p.clone()), Some(p)),
                    Err(reason) => {
                        self.refusals.push(reason);
                        (Value::Null, None)
                    }
                }
            }
            Action::Hash => {
                let h = self.keyed_hash(&canonical_bytes(value));
                (Value::String(h.clone()), Some(h))
            }
            Action::Allow => (Value::Null, None),
        };
        self.decisions.push(Decision {
            path,
            target: Target::Field {
                source: decision.source,
                rule: decision.rule,
                class: (decision.source == RuleSource::Rule).then_some(decision.class),
            },
            action: decision.action,
            placeholder,
        });
        if decision.action == Action::Allow {
            self.allowed(value)
        } else {
            out
        }
    }

    /// An allowed value: recurse into containers, scan strings and numbers.
    fn allowed(&mut self, value: &Value) -> Value {
        match value {
            Value::Object(map) => self.object(map, true),
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let len = self.display.len();
                    self.display.push_str(&format!("[{i}]"));
                    out.push(self.allowed(item));
                    self.display.truncate(len);
                }
                Value::Array(out)
            }
            Value::String(s) => Value::String(self.text(s, false)),
            Value::Number(n) => {
                let text = n.to_string();
                let sanitised = self.text(&text, false);
                if sanitised == text {
                    value.clone()
                } else {
                    Value::String(sanitised)
                }
            }
            Value::Bool(_) | Value::Null => value.clone(),
        }
    }

    /// A key as it will be written: its sensitive spans replaced like any string's.
    fn key(&mut self, key: &str) -> String {
        self.text(key, true)
    }

    fn keyed_hash(&self, material: &[u8]) -> String {
        let tag = mac(
            &self.gate.keys.hash,
            &[self.destination.as_str().as_bytes(), material],
        );
        format!("hmac-sha256:{}", hex_encode(tag.get(..16).unwrap_or(&[])))
    }

    /// Scans one string and splices in the replacements.
    fn text(&mut self, text: &str, in_key: bool) -> String {
        if self.enabled.is_empty() {
            return text.to_owned();
        }
        let mut spans = std::mem::take(&mut self.spans);
        let mut found = std::mem::take(&mut self.found);
        scan(
            text,
            self.enabled,
            self.policy.detectors(),
            &self.gate.terms,
            &mut spans,
            &mut found,
        );
        if found.is_empty() {
            self.spans = spans;
            self.found = found;
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for f in &found {
            let action = self.policy.detectors().action(f.kind);
            let original = text.get(f.start..f.end).unwrap_or("");
            let replacement = match action {
                Action::Deny => {
                    self.refusals.push(RefusalReason::DeniedValue {
                        path: self.path(),
                        kind: f.kind,
                    });
                    Some(format!("[{}]", f.kind.label()))
                }
                Action::Hash => Some(self.keyed_hash(f.normalised.as_bytes())),
                Action::Redact | Action::Pseudonymise => {
                    let keep = (action == Action::Pseudonymise).then_some(original);
                    match self
                        .alloc
                        .placeholder(f.kind.label(), f.normalised.as_bytes(), keep)
                    {
                        Ok(p) => Some(p),
                        Err(reason) => {
                            self.refusals.push(reason);
                            Some(format!("[{}]", f.kind.label()))
                        }
                    }
                }
                Action::Allow => None,
            };
            let Some(replacement) = replacement else {
                continue;
            };
            out.push_str(text.get(last..f.start).unwrap_or(""));
            out.push_str(&replacement);
            last = f.end;
            self.decisions.push(Decision {
                path: self.path(),
                target: Target::Span {
                    kind: f.kind,
                    start: f.start,
                    end: f.end,
                    in_key,
                },
                action,
                placeholder: Some(replacement),
            });
        }
        out.push_str(text.get(last..).unwrap_or(""));
        self.spans = spans;
        self.found = found;
        out
    }
}

/// Appends a key to a display path: bare when it is a plain name, quoted otherwise.
fn push_display_key(display: &mut String, key: &str) {
    let plain = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if plain {
        display.push_str(key);
    } else {
        if display.ends_with('.') {
            display.pop();
        }
        display.push('[');
        display.push_str(&Value::String(key.to_owned()).to_string());
        display.push(']');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measure_limits() {
        let limits = Limits {
            max_depth: 3,
            max_fields: 4,
            max_bytes: 20,
        };
        let ok = json!({"a": [1, 2]});
        assert!(measure(&ok, 1, &limits, &mut Tally::default()).is_ok());
        let deep = json!({"a": {"b": {"c": 1}}});
        assert_eq!(
            measure(&deep, 1, &limits, &mut Tally::default()),
            Err(RefusalReason::TooDeep { limit: 3 })
        );
        let many = json!([1, 2, 3, 4, 5]);
        assert_eq!(
            measure(&many, 1, &limits, &mut Tally::default()),
            Err(RefusalReason::TooManyFields { limit: 4 })
        );
        let big = json!({"a": "x".repeat(19)});
        assert_eq!(
            measure(&big, 1, &limits, &mut Tally::default()),
            Err(RefusalReason::TooLarge { limit: 20 })
        );
        assert_eq!(number_len(&serde_json::Number::from(-1234)), 5);
    }

    #[test]
    fn display_paths() {
        let mut d = String::from("a.");
        push_display_key(&mut d, "x.y");
        assert_eq!(d, "a[\"x.y\"]");
        let mut d = String::new();
        push_display_key(&mut d, "plain_key-1");
        assert_eq!(d, "plain_key-1");
    }
}
