//! Operations as typed values: what the gate judges is never a command string.
//!
//! An [`Operation`] names the act (`payment.send`), says what kind of act it is
//! ([`OperationClass`]), and carries the namespace, the counterparty and the spend it touches,
//! plus the SHA-256 digest of the RFC 8785 canonical form of its arguments. The
//! [`Operation::digest`] covers all of these, so an approval bound to it cannot be reused for
//! other arguments, another counterparty or a larger amount.
//!
//! The embedding agent builds operations from its own tool definitions; the model never
//! writes one. A tool that runs a shell command is one operation (`shell.exec`) whose
//! arguments are digested as a whole, so `env sh -c …` or a newline-chained command is still
//! the same typed act with different arguments, and an approval for one command line does not
//! cover another.

use std::fmt;

use sanctuary_core::Digest;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::policy::{Amount, valid_operation_name};

/// The longest counterparty identifier accepted, in bytes.
pub const MAX_COUNTERPARTY_LEN: usize = 256;

/// The longest session identifier accepted, in bytes.
pub const MAX_SESSION_LEN: usize = 128;

/// What kind of act an operation is; decides which rate checks apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperationClass {
    /// Reads data (counted against the bulk-read threshold of its namespace).
    Read,
    /// Changes data.
    Write,
    /// Produces a signature (counted against the signing rate).
    Sign,
    /// Moves money (needs a spend; counted against the caps).
    Spend,
    /// Anything else (tool calls, network requests).
    Other,
}

impl OperationClass {
    /// The lowercase name used in JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            OperationClass::Read => "read",
            OperationClass::Write => "write",
            OperationClass::Sign => "sign",
            OperationClass::Spend => "spend",
            OperationClass::Other => "other",
        }
    }
}

/// An amount in a currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Spend {
    /// The amount.
    pub amount: Amount,
    /// The ISO 4217 currency code.
    pub currency: Currency,
}

/// An ISO 4217-style currency code: three ASCII capital letters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

impl Currency {
    /// Parses a code such as `USD`.
    pub fn parse(code: &str) -> Result<Currency, OperationError> {
        match code.as_bytes() {
            &[a, b, c] if [a, b, c].iter().all(u8::is_ascii_uppercase) => Ok(Currency([a, b, c])),
            _ => Err(OperationError::Currency),
        }
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        // Three ASCII capitals are always UTF-8.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.as_str())
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        sanctuary_core::encoding::deserialize_parsed(deserializer, Currency::parse)
    }
}

/// An operation could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OperationError {
    /// The name is not dot-separated `[a-z0-9_-]` segments of at most 64 bytes.
    #[error(
        "operation name must be dot-separated segments of a-z, 0-9, '_' or '-', at most 64 bytes"
    )]
    Name,
    /// The namespace fails the core state-store rules.
    #[error("invalid namespace: {0}")]
    Namespace(&'static str),
    /// The counterparty is empty, too long or has control characters.
    #[error("counterparty must be 1 to 256 bytes without control characters")]
    Counterparty,
    /// The session id is empty, too long or has control characters.
    #[error("session id must be 1 to 128 bytes without control characters")]
    Session,
    /// The currency is not three capital letters.
    #[error("currency must be three capital letters (ISO 4217)")]
    Currency,
    /// A spend operation has no amount, or a spend was attached to another class.
    #[error("an amount belongs on, and only on, a spend operation")]
    SpendClass,
    /// The arguments cannot be put in canonical form (non-finite number, too deep).
    #[error("arguments have no canonical JSON form: {0}")]
    Arguments(String),
}

/// A typed operation, immutable once built. Build with [`Operation::new`] and the `with_*`
/// methods.
#[derive(Clone, PartialEq, Eq)]
pub struct Operation {
    name: String,
    class: OperationClass,
    namespace: Option<String>,
    counterparty: Option<String>,
    spend: Option<Spend>,
    session: Option<String>,
    arguments: Digest,
    preview: Value,
    digest: Digest,
    /// [`Operation::to_json`], kept from the digest computation.
    json: Value,
    /// The digest's `sha256:` text, kept for audit records.
    digest_text: String,
}

impl Operation {
    /// A new operation with the digest of `arguments` in canonical form (RFC 8785) and a
    /// masked, shortened preview of them for the human (see [`mask_arguments`]).
    pub fn new(
        name: &str,
        class: OperationClass,
        arguments: &Value,
    ) -> Result<Operation, OperationError> {
        if !valid_operation_name(name) {
            return Err(OperationError::Name);
        }
        let arguments_digest =
            Digest::of_json(arguments).map_err(|e| OperationError::Arguments(e.to_string()))?;
        let mut op = Operation {
            name: name.to_owned(),
            class,
            namespace: None,
            counterparty: None,
            spend: None,
            session: None,
            arguments: arguments_digest,
            preview: mask_arguments(arguments),
            digest: Digest::from_bytes([0; 32]),
            json: Value::Null,
            digest_text: String::new(),
        };
        op.compute_digest()?;
        Ok(op)
    }

    /// The namespace the operation touches (core state-store naming rules).
    pub fn with_namespace(mut self, namespace: &str) -> Result<Operation, OperationError> {
        sanctuary_core::state::validate_namespace(namespace).map_err(|e| match e {
            sanctuary_core::state::StateError::InvalidNamespace { reason } => {
                OperationError::Namespace(reason)
            }
            _ => OperationError::Namespace("invalid"),
        })?;
        self.namespace = Some(namespace.to_owned());
        self.refresh()
    }

    /// The counterparty (a DID, an account, a host): any text of 1 to 256 bytes without
    /// control characters, compared exactly.
    pub fn with_counterparty(mut self, counterparty: &str) -> Result<Operation, OperationError> {
        if !bounded_text(counterparty, MAX_COUNTERPARTY_LEN) {
            return Err(OperationError::Counterparty);
        }
        self.counterparty = Some(counterparty.to_owned());
        self.refresh()
    }

    /// The amount a spend operation moves. Only [`OperationClass::Spend`] takes one.
    pub fn with_spend(
        mut self,
        amount: Amount,
        currency: &str,
    ) -> Result<Operation, OperationError> {
        if self.class != OperationClass::Spend {
            return Err(OperationError::SpendClass);
        }
        self.spend = Some(Spend {
            amount,
            currency: Currency::parse(currency)?,
        });
        self.refresh()
    }

    /// The agent session the operation belongs to (for the audit trail).
    pub fn in_session(mut self, session: &str) -> Result<Operation, OperationError> {
        if !bounded_text(session, MAX_SESSION_LEN) {
            return Err(OperationError::Session);
        }
        self.session = Some(session.to_owned());
        self.refresh()
    }

    fn refresh(mut self) -> Result<Operation, OperationError> {
        self.compute_digest()?;
        Ok(self)
    }

    /// The operation name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The class.
    pub fn class(&self) -> OperationClass {
        self.class
    }

    /// The namespace, if any.
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    /// The counterparty, if any.
    pub fn counterparty(&self) -> Option<&str> {
        self.counterparty.as_deref()
    }

    /// The spend, if any.
    pub fn spend(&self) -> Option<Spend> {
        self.spend
    }

    /// The session, if any.
    pub fn session(&self) -> Option<&str> {
        self.session.as_deref()
    }

    /// SHA-256 of the canonical arguments.
    pub fn arguments_digest(&self) -> Digest {
        self.arguments
    }

    /// The arguments with secrets masked and long values shortened, for the human.
    pub fn preview(&self) -> &Value {
        &self.preview
    }

    /// SHA-256 of the canonical JSON of [`Operation::to_json`]: what approvals bind to.
    pub fn digest(&self) -> Digest {
        self.digest
    }

    /// Whether a spend operation is missing its amount (the gate refuses it).
    pub fn spend_missing(&self) -> bool {
        self.class == OperationClass::Spend && self.spend.is_none()
    }

    /// The operation as JSON (without the preview): the object its digest covers.
    pub fn to_json(&self) -> &Value {
        &self.json
    }

    /// The digest as `sha256:<hex>`.
    pub fn digest_text(&self) -> &str {
        &self.digest_text
    }

    fn build_json(&self) -> Value {
        let mut map = serde_json::Map::new();
        map.insert("v".into(), Value::from(1));
        map.insert("name".into(), Value::from(self.name.as_str()));
        map.insert("class".into(), Value::from(self.class.as_str()));
        map.insert("arguments".into(), Value::from(self.arguments.to_string()));
        if let Some(ns) = &self.namespace {
            map.insert("namespace".into(), Value::from(ns.as_str()));
        }
        if let Some(cp) = &self.counterparty {
            map.insert("counterparty".into(), Value::from(cp.as_str()));
        }
        if let Some(spend) = &self.spend {
            map.insert("amount".into(), Value::from(spend.amount.to_string()));
            map.insert("currency".into(), Value::from(spend.currency.as_str()));
        }
        if let Some(session) = &self.session {
            map.insert("session".into(), Value::from(session.as_str()));
        }
        Value::Object(map)
    }

    fn compute_digest(&mut self) -> Result<(), OperationError> {
        let json = self.build_json();
        self.digest =
            Digest::of_json(&json).map_err(|e| OperationError::Arguments(e.to_string()))?;
        self.json = json;
        self.digest_text = self.digest.to_string();
        Ok(())
    }
}

impl fmt::Debug for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The preview is already masked; the raw arguments are not kept.
        f.debug_struct("Operation")
            .field("name", &self.name)
            .field("class", &self.class)
            .field("namespace", &self.namespace)
            .field("counterparty", &self.counterparty)
            .field("spend", &self.spend)
            .field("session", &self.session)
            .field("digest", &self.digest)
            .finish_non_exhaustive()
    }
}

fn bounded_text(text: &str, max: usize) -> bool {
    !text.is_empty() && text.len() <= max && !text.chars().any(char::is_control)
}

/// Strings longer than this many characters are shortened in previews.
pub const PREVIEW_MAX_STRING: usize = 80;
/// Arrays and objects longer than this are cut in previews.
pub const PREVIEW_MAX_ITEMS: usize = 16;
/// Nesting deeper than this is elided in previews.
pub const PREVIEW_MAX_DEPTH: usize = 6;

/// The placeholder shown instead of a secret.
pub const MASK: &str = "[secret]";

/// Whether a field name looks like it holds a secret (case-insensitive): names containing
/// `password`, `passphrase`, `secret`, `token`, `credential`, `private`, `seed`, `mnemonic`,
/// `authoriz…`, `authent…` or `cookie`; names ending in `_key`, `-key` or `apikey` (not a
/// bare `key`, which usually names a storage key); and `auth`, `auth_*`, `*_auth`, `cvv`,
/// `pin`, `*_pin`.
pub fn is_secret_field(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    const PARTS: &[&str] = &[
        "password",
        "passwd",
        "passphrase",
        "secret",
        "token",
        "credential",
        "private",
        "seed",
        "mnemonic",
        "authoriz",
        "authent",
        "cookie",
    ];
    PARTS.iter().any(|p| lower.contains(p))
        || [
            "_key",
            "-key",
            "apikey",
            "privatekey",
            "secretkey",
            "accesskey",
        ]
        .iter()
        .any(|suffix| lower.ends_with(suffix))
        || ["cvv", "pin", "auth"].contains(&lower.as_str())
        || lower.ends_with("_pin")
        || lower.starts_with("auth_")
        || lower.ends_with("_auth")
}

/// A copy of `value` for the human: fields whose names look secret are replaced by
/// [`MASK`], strings are cut to [`PREVIEW_MAX_STRING`] characters, arrays and objects to
/// [`PREVIEW_MAX_ITEMS`] entries, nesting to [`PREVIEW_MAX_DEPTH`] levels.
pub fn mask_arguments(value: &Value) -> Value {
    mask_at(value, 0)
}

fn mask_at(value: &Value, depth: usize) -> Value {
    match value {
        Value::String(s) => Value::String(shorten(s)),
        Value::Array(items) if depth >= PREVIEW_MAX_DEPTH => {
            Value::String(format!("[{} items]", items.len()))
        }
        Value::Object(map) if depth >= PREVIEW_MAX_DEPTH => {
            Value::String(format!("{{{} fields}}", map.len()))
        }
        Value::Array(items) => {
            let mut out: Vec<Value> = items
                .iter()
                .take(PREVIEW_MAX_ITEMS)
                .map(|v| mask_at(v, depth + 1))
                .collect();
            if items.len() > PREVIEW_MAX_ITEMS {
                out.push(Value::String(format!(
                    "… {} more",
                    items.len() - PREVIEW_MAX_ITEMS
                )));
            }
            Value::Array(out)
        }
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (k, v) in map.iter().take(PREVIEW_MAX_ITEMS) {
                let shown = if is_secret_field(k) {
                    Value::String(MASK.to_owned())
                } else {
                    mask_at(v, depth + 1)
                };
                out.insert(shorten(k), shown);
            }
            if map.len() > PREVIEW_MAX_ITEMS {
                out.insert(
                    "…".to_owned(),
                    Value::String(format!("{} more fields", map.len() - PREVIEW_MAX_ITEMS)),
                );
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

fn shorten(text: &str) -> String {
    let count = text.chars().count();
    let cleaned: String = text
        .chars()
        .take(PREVIEW_MAX_STRING)
        .map(|c| if c.is_control() { '·' } else { c })
        .collect();
    if count > PREVIEW_MAX_STRING {
        format!("{cleaned}… ({count} chars)")
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn digest_binds_every_field() {
        let base = Operation::new("payment.send", OperationClass::Spend, &json!({"memo": "x"}))
            .unwrap()
            .with_counterparty("did:key:alice")
            .unwrap()
            .with_spend(Amount::from_units(30), "USD")
            .unwrap();
        let variants = [
            Operation::new("payment.send", OperationClass::Spend, &json!({"memo": "y"}))
                .unwrap()
                .with_counterparty("did:key:alice")
                .unwrap()
                .with_spend(Amount::from_units(30), "USD")
                .unwrap(),
            base.clone().with_counterparty("did:key:mallory").unwrap(),
            base.clone()
                .with_spend(Amount::from_units(31), "USD")
                .unwrap(),
            base.clone()
                .with_spend(Amount::from_units(30), "EUR")
                .unwrap(),
            base.clone().with_namespace("wallet").unwrap(),
            base.clone().in_session("s2").unwrap(),
        ];
        for v in &variants {
            assert_ne!(v.digest(), base.digest(), "{v:?}");
        }
        // Argument key order does not matter: the digest is over canonical JSON.
        let a = Operation::new("t.x", OperationClass::Other, &json!({"a": 1, "b": 2})).unwrap();
        let b = Operation::new("t.x", OperationClass::Other, &json!({"b": 2, "a": 1})).unwrap();
        assert_eq!(a.digest(), b.digest());
        // Same arguments under another class or name differ.
        let c = Operation::new("t.x", OperationClass::Write, &json!({"a": 1, "b": 2})).unwrap();
        let d = Operation::new("t.y", OperationClass::Other, &json!({"a": 1, "b": 2})).unwrap();
        assert_ne!(a.digest(), c.digest());
        assert_ne!(a.digest(), d.digest());
        assert_eq!(a.arguments_digest(), c.arguments_digest());
    }

    #[test]
    fn refuses_malformed_parts() {
        let op = || Operation::new("t.x", OperationClass::Other, &json!(null)).unwrap();
        for bad in ["", "Shell", "a..b", "a b", "sh -c", "a\nb"] {
            assert_eq!(
                Operation::new(bad, OperationClass::Other, &json!(null)).err(),
                Some(OperationError::Name),
                "{bad:?}"
            );
        }
        assert!(matches!(
            op().with_namespace("Bad NS"),
            Err(OperationError::Namespace(_))
        ));
        assert_eq!(
            op().with_counterparty("").err(),
            Some(OperationError::Counterparty)
        );
        assert_eq!(
            op().with_counterparty("a\nb").err(),
            Some(OperationError::Counterparty)
        );
        assert_eq!(
            op().with_counterparty(&"x".repeat(257)).err(),
            Some(OperationError::Counterparty)
        );
        assert_eq!(
            op().with_spend(Amount::from_units(1), "USD").err(),
            Some(OperationError::SpendClass)
        );
        let spend = Operation::new("p.s", OperationClass::Spend, &json!({})).unwrap();
        assert!(spend.spend_missing());
        for bad in ["usd", "US", "USDT", "U$D"] {
            assert_eq!(
                spend.clone().with_spend(Amount::from_units(1), bad).err(),
                Some(OperationError::Currency)
            );
        }
        assert_eq!(op().in_session("").err(), Some(OperationError::Session));
    }

    #[test]
    fn preview_masks_secrets_and_shortens() {
        let long = "z".repeat(500);
        let args = json!({
            "url": "https://example.org",
            "api_key": "sk-live-123",
            "Password": "hunter2",
            "nested": {"auth_token": "t", "ok": 1, "deep": {"a": {"b": {"c": {"d": {"e": 1}}}}}},
            "body": long,
            "list": (0..40).collect::<Vec<_>>(),
        });
        let p = mask_arguments(&args);
        let text = p.to_string();
        assert!(!text.contains("sk-live-123") && !text.contains("hunter2"));
        assert_eq!(p["api_key"], MASK);
        assert_eq!(p["nested"]["auth_token"], MASK);
        assert_eq!(p["nested"]["ok"], 1);
        assert!(is_secret_field("AWS_SECRET_ACCESS_KEY") && is_secret_field("signing-key"));
        assert!(!is_secret_field("key") && !is_secret_field("shipping_address"));
        assert!(!is_secret_field("author") && is_secret_field("Authorization"));
        assert!(p["body"].as_str().unwrap().ends_with("(500 chars)"));
        assert_eq!(p["list"].as_array().unwrap().len(), PREVIEW_MAX_ITEMS + 1);
        assert!(text.contains("1 fields"), "{text}");
        let op = Operation::new("t.x", OperationClass::Other, &args).unwrap();
        assert!(!format!("{op:?}").contains("hunter2"));
    }
}
