//! Field-name policies: destinations, actions, patterns and the built-in templates.
//!
//! A [`GatePolicy`] holds one [`DestinationPolicy`] per [`Destination`]. A destination policy
//! decides what happens to each field of the JSON value by the field's *name* (or its dotted
//! path), and what happens to each sensitive span the value detectors find inside the strings it
//! lets through. A destination without a policy refuses everything.
//!
//! ```
//! use sanctuary_gate::policy::{Action, Destination, DestinationPolicy, FieldClass, Template};
//!
//! // The built-in template: allow the task fields, redact the sensitive lists, deny the rest.
//! let policy = Template::RemoteInferenceSanitize.policy();
//! assert!(policy.get(&Destination::Inference).is_some());
//!
//! // A hand-written policy for an external search API.
//! let search = DestinationPolicy::new(Action::Redact)
//!     .with_patterns(Action::Allow, FieldClass::Field, &["query", "filter.*"])?
//!     .with_patterns(Action::Deny, FieldClass::Secret, &["*_token"])?;
//! assert_eq!(search.default_action(), Action::Redact);
//! # Ok::<(), sanctuary_gate::policy::PatternError>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::kind::Kind;

/// Longest destination name and longest field pattern, in bytes.
pub const MAX_NAME_LEN: usize = 64;

/// Where a value is going.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Destination {
    /// A (usually remote) language model.
    Inference,
    /// An external tool or API (search, database, web).
    ToolApi,
    /// A logging service.
    Logging,
    /// An analytics or telemetry service.
    Analytics,
    /// Another agent.
    PeerAgent,
    /// Anything else, by name (`[a-z0-9][a-z0-9._-]*`, at most 64 bytes).
    Custom(String),
}

/// A destination or field-pattern string that is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PatternError {
    /// A destination name outside `[a-z0-9][a-z0-9._-]*` or longer than 64 bytes.
    #[error("invalid destination name (expected [a-z0-9][a-z0-9._-]*, at most 64 bytes)")]
    Destination,
    /// A field pattern that is empty, too long, or has `*` anywhere but at one end.
    #[error("invalid field pattern {pattern:?}: {reason}")]
    Field {
        /// The pattern as given.
        pattern: String,
        /// What is wrong with it.
        reason: &'static str,
    },
}

impl Destination {
    /// Parses `inference`, `tool-api`, `logging`, `analytics`, `peer-agent`, or a custom name.
    pub fn parse(name: &str) -> Result<Destination, PatternError> {
        Ok(match name {
            "inference" => Destination::Inference,
            "tool-api" => Destination::ToolApi,
            "logging" => Destination::Logging,
            "analytics" => Destination::Analytics,
            "peer-agent" => Destination::PeerAgent,
            other => {
                let mut bytes = other.bytes();
                let first_ok = bytes
                    .next()
                    .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
                let rest_ok = bytes.all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
                });
                if !first_ok || !rest_ok || other.len() > MAX_NAME_LEN {
                    return Err(PatternError::Destination);
                }
                Destination::Custom(other.to_owned())
            }
        })
    }

    /// The destination's name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Destination::Inference => "inference",
            Destination::ToolApi => "tool-api",
            Destination::Logging => "logging",
            Destination::Analytics => "analytics",
            Destination::PeerAgent => "peer-agent",
            Destination::Custom(name) => name,
        }
    }

    /// True for destinations that leave the machine by nature (inference, tool APIs, logging
    /// and analytics services, peers). Custom destinations are assumed remote too.
    #[must_use]
    pub fn is_remote(&self) -> bool {
        true
    }
}

impl fmt::Display for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Destination {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Destination {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        sanctuary_core::encoding::deserialize_parsed(deserializer, Destination::parse)
    }
}

/// What the gate does with a field or a detected span.
///
/// When several rules match one field the most protective wins, in the order
/// `Deny` > `Redact` > `Hash` > `Pseudonymise` > `Allow`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Let it through (strings inside are still scanned by the value detectors).
    Allow,
    /// Replace it by a reversible placeholder (`[EMAIL_1]`) whose original stays in the local
    /// vault, so the model's answer can be rehydrated.
    Pseudonymise,
    /// Replace it by a keyed hash (HMAC-SHA-256 under the gate's key, scoped to the
    /// destination): equal values give equal hashes, nobody without the key can test a guess.
    Hash,
    /// Replace it by a typed placeholder (`[SECRET_1]`); the original is not kept.
    Redact,
    /// Refuse the whole request.
    Deny,
}

impl Action {
    /// The snake-case name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Action::Allow => "allow",
            Action::Pseudonymise => "pseudonymise",
            Action::Hash => "hash",
            Action::Redact => "redact",
            Action::Deny => "deny",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kind of data a field rule is about; it names the placeholder (`[SECRET_1]`, `[PII_2]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FieldClass {
    /// Credentials and keys.
    Secret,
    /// Personally identifiable information.
    Pii,
    /// The agent's internal state (memory, reasoning, system prompt).
    Internal,
    /// Identifiers (user, session, conversation ids).
    Id,
    /// Conversation history.
    History,
    /// Anything else.
    Field,
}

impl FieldClass {
    /// The placeholder label, e.g. `SECRET`.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            FieldClass::Secret => "SECRET",
            FieldClass::Pii => "PII",
            FieldClass::Internal => "INTERNAL",
            FieldClass::Id => "ID",
            FieldClass::History => "HISTORY",
            FieldClass::Field => "FIELD",
        }
    }

    /// The snake-case name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            FieldClass::Secret => "secret",
            FieldClass::Pii => "pii",
            FieldClass::Internal => "internal",
            FieldClass::Id => "id",
            FieldClass::History => "history",
            FieldClass::Field => "field",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    Exact,
    Prefix,
    Suffix,
}

/// A case-insensitive field-name pattern: `name`, `prefix*` or `*suffix`.
///
/// A pattern without a dot matches a field's own name wherever it is in the tree; a pattern
/// with a dot (`user.email`, `tool.*`, `*.token`) matches the field's dotted path from the root,
/// where array positions are transparent (`messages.text` matches `messages[3].text`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPattern {
    source: String,
    text: String,
    shape: Shape,
    dotted: bool,
}

impl FieldPattern {
    /// Parses a pattern.
    pub fn parse(pattern: &str) -> Result<FieldPattern, PatternError> {
        let fail = |reason| PatternError::Field {
            pattern: pattern.chars().take(MAX_NAME_LEN).collect(),
            reason,
        };
        if pattern.is_empty() || pattern.len() > MAX_NAME_LEN {
            return Err(fail("must be 1 to 64 bytes"));
        }
        if pattern.chars().any(char::is_control) {
            return Err(fail("control characters are not allowed"));
        }
        let (shape, body) = match (pattern.strip_prefix('*'), pattern.strip_suffix('*')) {
            (Some(_), Some(_)) => return Err(fail("`*` may stand at one end only")),
            (Some(rest), None) => (Shape::Suffix, rest),
            (None, Some(rest)) => (Shape::Prefix, rest),
            (None, None) => (Shape::Exact, pattern),
        };
        if body.is_empty() || body.contains('*') {
            return Err(fail(
                "`*` may stand at one end only, next to a non-empty name",
            ));
        }
        if body.starts_with('.') && shape != Shape::Suffix
            || body.ends_with('.') && shape != Shape::Prefix
            || body.contains("..")
        {
            return Err(fail("empty path segment"));
        }
        Ok(FieldPattern {
            source: pattern.to_owned(),
            text: body.to_lowercase(),
            shape,
            dotted: body.contains('.'),
        })
    }

    /// The pattern as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the pattern matches a field whose lowercased name is `name` and lowercased
    /// dotted path (array positions removed) is `path`.
    #[must_use]
    pub fn matches(&self, name: &str, path: &str) -> bool {
        let subject = if self.dotted { path } else { name };
        match self.shape {
            Shape::Exact => subject == self.text,
            Shape::Prefix => subject.starts_with(self.text.as_str()),
            Shape::Suffix => subject.ends_with(self.text.as_str()),
        }
    }
}

impl fmt::Display for FieldPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

/// One field rule: a pattern, the action it demands and the class of data it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRule {
    /// The pattern.
    pub pattern: FieldPattern,
    /// The action.
    pub action: Action,
    /// The class (names the placeholder).
    pub class: FieldClass,
}

/// What the value detectors do with each [`Kind`] of span, per destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetectorPolicy {
    actions: BTreeMap<Kind, Action>,
}

impl DetectorPolicy {
    /// The default for remote destinations that answer back (inference, tools, peers): secrets
    /// are redacted (a model never needs a credential back), everything else is pseudonymised
    /// so the answer can be rehydrated locally.
    #[must_use]
    pub fn reversible() -> Self {
        let actions = Kind::ALL
            .iter()
            .map(|&k| {
                let action = if k.is_secret() {
                    Action::Redact
                } else {
                    Action::Pseudonymise
                };
                (k, action)
            })
            .collect();
        DetectorPolicy { actions }
    }

    /// The default for sinks that never answer (logging, analytics): everything is redacted.
    #[must_use]
    pub fn redact_all() -> Self {
        DetectorPolicy {
            actions: Kind::ALL.iter().map(|&k| (k, Action::Redact)).collect(),
        }
    }

    /// Sets the action for one kind. `Action::Allow` turns that detector off for this
    /// destination; `Action::Deny` refuses any request where it fires.
    #[must_use]
    pub fn with(mut self, kind: Kind, action: Action) -> Self {
        self.actions.insert(kind, action);
        self
    }

    /// The action for `kind` (redact when unset: fail closed).
    #[must_use]
    pub fn action(&self, kind: Kind) -> Action {
        self.actions.get(&kind).copied().unwrap_or(Action::Redact)
    }

    /// True when at least one detector is on.
    #[must_use]
    pub fn any_enabled(&self) -> bool {
        Kind::ALL.iter().any(|&k| self.action(k) != Action::Allow)
    }
}

/// The rules for one destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DestinationPolicy {
    rules: Vec<FieldRule>,
    default: Action,
    detectors: DetectorPolicy,
}

impl DestinationPolicy {
    /// A policy with no rules yet, `default` for fields no rule names, and the reversible
    /// detector defaults.
    #[must_use]
    pub fn new(default: Action) -> Self {
        DestinationPolicy {
            rules: Vec::new(),
            default,
            detectors: DetectorPolicy::reversible(),
        }
    }

    /// Adds one rule.
    #[must_use]
    pub fn with_rule(mut self, action: Action, class: FieldClass, pattern: FieldPattern) -> Self {
        self.rules.push(FieldRule {
            pattern,
            action,
            class,
        });
        self
    }

    /// Parses and adds rules for several patterns.
    pub fn with_patterns(
        mut self,
        action: Action,
        class: FieldClass,
        patterns: &[&str],
    ) -> Result<Self, PatternError> {
        for p in patterns {
            self = self.with_rule(action, class, FieldPattern::parse(p)?);
        }
        Ok(self)
    }

    /// Replaces the detector policy.
    #[must_use]
    pub fn with_detectors(mut self, detectors: DetectorPolicy) -> Self {
        self.detectors = detectors;
        self
    }

    /// The action for unnamed fields.
    #[must_use]
    pub fn default_action(&self) -> Action {
        self.default
    }

    /// The detector policy.
    #[must_use]
    pub fn detectors(&self) -> &DetectorPolicy {
        &self.detectors
    }

    /// The rules, in the order added.
    #[must_use]
    pub fn rules(&self) -> &[FieldRule] {
        &self.rules
    }

    /// The most protective rule matching a field (lowercased `name` and dotted `path`).
    #[must_use]
    pub fn rule_for(&self, name: &str, path: &str) -> Option<&FieldRule> {
        // The first of the most protective matches, so reports name the rule listed first.
        let mut best: Option<&FieldRule> = None;
        for r in self.rules.iter().filter(|r| r.pattern.matches(name, path)) {
            if best.is_none_or(|b| r.action > b.action) {
                best = Some(r);
            }
        }
        best
    }
}

/// Policies per destination. A destination without one refuses every request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GatePolicy {
    destinations: BTreeMap<Destination, DestinationPolicy>,
}

impl GatePolicy {
    /// A policy that refuses every destination.
    #[must_use]
    pub fn deny_all() -> Self {
        GatePolicy::default()
    }

    /// Sets the policy for one destination.
    #[must_use]
    pub fn with(mut self, destination: Destination, policy: DestinationPolicy) -> Self {
        self.destinations.insert(destination, policy);
        self
    }

    /// The policy for `destination`, if any.
    #[must_use]
    pub fn get(&self, destination: &Destination) -> Option<&DestinationPolicy> {
        self.destinations.get(destination)
    }

    /// The destinations that have a policy.
    pub fn destinations(&self) -> impl Iterator<Item = &Destination> {
        self.destinations.keys()
    }

    /// True when some destination lets at least one field through to a remote service.
    #[must_use]
    pub fn allows_remote(&self) -> bool {
        self.destinations.iter().any(|(d, p)| {
            d.is_remote()
                && (p.default != Action::Deny || p.rules.iter().any(|r| r.action != Action::Deny))
        })
    }
}

/// Field names of credentials and keys (the reference system's list).
pub const SECRET_FIELDS: &[&str] = &[
    "api_key",
    "secret_*",
    "*_secret",
    "*_token",
    "*_key",
    "password",
    "*_password",
    "credential",
    "*_credential",
    "private_key",
    "recovery_key",
    "passphrase",
    "auth_*",
];

/// Field names of personally identifiable information.
pub const PII_FIELDS: &[&str] = &[
    "*_pii",
    "name",
    "full_name",
    "email",
    "email_address",
    "phone",
    "phone_number",
    "address",
    "ssn",
    "date_of_birth",
    "ip_address",
    "credit_card",
    "card_number",
    "cvv",
    "bank_account",
    "account_number",
    "routing_number",
];

/// Field names of the agent's internal state.
pub const INTERNAL_FIELDS: &[&str] = &[
    "memory",
    "agent_memory",
    "internal_reasoning",
    "internal_state",
    "reasoning_trace",
    "chain_of_thought",
    "private_notes",
    "soul",
    "personality",
    "system_prompt",
];

/// Identifier fields, hashed rather than sent in clear by the templates that name them.
pub const ID_FIELDS: &[&str] = &[
    "user_id",
    "session_id",
    "agent_id",
    "identity_id",
    "conversation_id",
    "thread_id",
];

/// The task and query fields every inference template lets through.
pub const TASK_FIELDS: &[&str] = &[
    "task",
    "task_description",
    "current_query",
    "query",
    "prompt",
    "question",
    "instruction",
];

/// Conversation-history fields.
pub const HISTORY_FIELDS: &[&str] = &[
    "conversation_history",
    "message_history",
    "chat_history",
    "context_window",
    "previous_messages",
];

/// The built-in policy templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Template {
    /// `inference-minimal`: only the task and the query reach the model; everything else is
    /// redacted, identifiers hashed.
    InferenceMinimal,
    /// `inference-standard`: task, query, tool results and plan fields pass; secrets, PII,
    /// internal state and history are redacted, identifiers hashed. (The reference system
    /// marks history for "summarisation" and then sends it raw; we redact it.)
    InferenceStandard,
    /// `logging-strict`: only operation metadata reaches logging and analytics services.
    LoggingStrict,
    /// `tool-api-scoped`: query parameters reach external tools, agent state does not.
    ToolApiScoped,
    /// `remote-inference-sanitize`: the task fields reach a remote model, the sensitive lists
    /// are redacted, and any other field refuses the whole request (default deny).
    RemoteInferenceSanitize,
}

impl Template {
    /// Every template.
    pub const ALL: &'static [Template] = &[
        Template::InferenceMinimal,
        Template::InferenceStandard,
        Template::LoggingStrict,
        Template::ToolApiScoped,
        Template::RemoteInferenceSanitize,
    ];

    /// The template's id.
    #[must_use]
    pub const fn id(self) -> &'static str {
        match self {
            Template::InferenceMinimal => "inference-minimal",
            Template::InferenceStandard => "inference-standard",
            Template::LoggingStrict => "logging-strict",
            Template::ToolApiScoped => "tool-api-scoped",
            Template::RemoteInferenceSanitize => "remote-inference-sanitize",
        }
    }

    /// The template with id `id`.
    #[must_use]
    pub fn from_id(id: &str) -> Option<Template> {
        Template::ALL.iter().copied().find(|t| t.id() == id)
    }

    /// The template's policy.
    #[must_use]
    pub fn policy(self) -> GatePolicy {
        match self {
            Template::InferenceMinimal => GatePolicy::default().with_template(
                Destination::Inference,
                sensitive_lists(Action::Redact, true)
                    .allow(TASK_FIELDS)
                    .redact(FieldClass::Field, &["tool_results", "previous_results"]),
            ),
            Template::InferenceStandard => GatePolicy::default().with_template(
                Destination::Inference,
                sensitive_lists(Action::Redact, true)
                    .allow(TASK_FIELDS)
                    .allow(&[
                        "tool_results",
                        "tool_output",
                        "previous_results",
                        "current_step",
                        "remaining_steps",
                        "objective",
                        "constraints",
                        "format",
                        "output_format",
                    ]),
            ),
            Template::LoggingStrict => GatePolicy::default()
                .with_template(
                    Destination::Logging,
                    sensitive_lists(Action::Redact, true)
                        .allow(&[
                            "operation",
                            "operation_name",
                            "tool_name",
                            "timestamp",
                            "duration_ms",
                            "status",
                            "error_code",
                            "event_type",
                        ])
                        .detectors(DetectorPolicy::redact_all()),
                )
                .with_template(
                    Destination::Analytics,
                    sensitive_lists(Action::Redact, true)
                        .allow(&[
                            "event_type",
                            "timestamp",
                            "duration_ms",
                            "status",
                            "tool_name",
                        ])
                        .detectors(DetectorPolicy::redact_all()),
                ),
            Template::ToolApiScoped => GatePolicy::default().with_template(
                Destination::ToolApi,
                sensitive_lists(Action::Redact, true).allow(&[
                    "task",
                    "task_description",
                    "query",
                    "search_query",
                    "tool_input",
                    "tool_parameters",
                    "url",
                    "endpoint",
                    "method",
                    "filter",
                    "sort",
                    "limit",
                    "offset",
                ]),
            ),
            Template::RemoteInferenceSanitize => GatePolicy::default().with_template(
                Destination::Inference,
                sensitive_lists(Action::Deny, false)
                    .allow(TASK_FIELDS)
                    .allow(&[
                        "output_format",
                        "format",
                        "language",
                        "code_context",
                        "error_message",
                    ])
                    .redact(
                        FieldClass::Field,
                        &[
                            "tool_results",
                            "previous_results",
                            "model_data",
                            "agent_state",
                            "runtime_config",
                            "capabilities",
                            "tool_list",
                        ],
                    ),
            ),
        }
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Builds template policies from the constant lists, which are known to parse.
struct TemplateBuilder(DestinationPolicy);

fn sensitive_lists(default: Action, hash_ids: bool) -> TemplateBuilder {
    let b = TemplateBuilder(DestinationPolicy::new(default))
        .redact(FieldClass::Secret, SECRET_FIELDS)
        .redact(FieldClass::Pii, PII_FIELDS)
        .redact(FieldClass::Internal, INTERNAL_FIELDS)
        .redact(FieldClass::History, HISTORY_FIELDS);
    if hash_ids {
        b.add(Action::Hash, FieldClass::Id, ID_FIELDS)
    } else {
        b
    }
}

impl TemplateBuilder {
    fn add(mut self, action: Action, class: FieldClass, patterns: &[&str]) -> Self {
        for p in patterns {
            // The template lists are constants covered by tests; a pattern that failed to
            // parse would be dropped, and `template_lists_parse` catches that.
            if let Ok(pattern) = FieldPattern::parse(p) {
                self.0 = self.0.with_rule(action, class, pattern);
            }
        }
        self
    }
    fn allow(self, patterns: &[&str]) -> Self {
        self.add(Action::Allow, FieldClass::Field, patterns)
    }
    fn redact(self, class: FieldClass, patterns: &[&str]) -> Self {
        self.add(Action::Redact, class, patterns)
    }
    fn detectors(mut self, detectors: DetectorPolicy) -> Self {
        self.0 = self.0.with_detectors(detectors);
        self
    }
}

impl GatePolicy {
    fn with_template(self, destination: Destination, b: TemplateBuilder) -> Self {
        self.with(destination, b.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_lists_parse() {
        for list in [
            SECRET_FIELDS,
            PII_FIELDS,
            INTERNAL_FIELDS,
            ID_FIELDS,
            HISTORY_FIELDS,
        ] {
            for p in list {
                FieldPattern::parse(p).unwrap();
            }
        }
        let p = Template::RemoteInferenceSanitize.policy();
        let inf = p.get(&Destination::Inference).unwrap();
        // 13 secrets + 17 PII + 10 internal + 5 history + 7 extras + 12 allowed
        assert_eq!(inf.rules().len(), 13 + 17 + 10 + 5 + 7 + 12);
        assert_eq!(inf.default_action(), Action::Deny);
    }

    #[test]
    fn patterns() {
        let p = FieldPattern::parse("secret_*").unwrap();
        assert!(p.matches("secret_sauce", "a.secret_sauce"));
        assert!(!p.matches("my_secret", "my_secret"));
        let p = FieldPattern::parse("*_token").unwrap();
        assert!(p.matches("github_token", "github_token"));
        assert!(!p.matches("token", "token"));
        let p = FieldPattern::parse("user.email").unwrap();
        assert!(p.matches("email", "user.email"));
        assert!(!p.matches("email", "admin.email"));
        let p = FieldPattern::parse("*.email").unwrap();
        assert!(p.matches("email", "admin.email"));
        assert!(!p.matches("email", "email"));
        for bad in [
            "",
            "*",
            "**",
            "*a*",
            "a*b",
            "a..b",
            ".a",
            "a.",
            "\u{7}",
            &"x".repeat(65),
        ] {
            assert!(FieldPattern::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn most_protective_rule_wins() {
        let p = DestinationPolicy::new(Action::Deny)
            .with_patterns(Action::Allow, FieldClass::Field, &["api_key"])
            .unwrap()
            .with_patterns(Action::Redact, FieldClass::Secret, &["*_key"])
            .unwrap();
        let r = p.rule_for("api_key", "api_key").unwrap();
        assert_eq!(r.action, Action::Redact);
        assert_eq!(r.class, FieldClass::Secret);
        assert!(p.rule_for("other", "other").is_none());
    }

    #[test]
    fn destinations() {
        for d in [
            "inference",
            "tool-api",
            "logging",
            "analytics",
            "peer-agent",
            "crm.v2",
        ] {
            assert_eq!(Destination::parse(d).unwrap().as_str(), d);
        }
        for bad in ["", "Inference", "-x", "a b", &"a".repeat(65)] {
            assert!(Destination::parse(bad).is_err(), "{bad:?}");
        }
        let d: Destination = serde_json::from_str("\"tool-api\"").unwrap();
        assert_eq!(d, Destination::ToolApi);
    }

    #[test]
    fn templates_by_id() {
        for t in Template::ALL {
            assert_eq!(Template::from_id(t.id()), Some(*t));
            assert!(t.policy().destinations().count() >= 1);
        }
        assert_eq!(Template::from_id("nope"), None);
    }
}
