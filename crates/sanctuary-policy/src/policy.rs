//! The principal's policy file: TOML, loaded once, frozen, never silently weakened.
//!
//! ```toml
//! version = 1
//!
//! [tiers]
//! tier1 = ["payment.send"]          # always ask the human (on top of the forced set)
//! tier3 = ["state.read", "state.write"]  # allowed and audited (unless a tier-2 check fires)
//!
//! [tier2]
//! new_namespace = "approve"         # approve | log | allow
//! new_counterparty = "approve"
//! first_session = "log"
//! max_signs_per_minute = 10
//! bulk_read_threshold = 20          # reads per minute per namespace
//! frequency_spike_multiplier = 5    # against the operation's learned rate
//! baseline_min_events = 30          # cold start: below this, the absolute limit applies
//! cold_start_max_per_minute = 10
//!
//! [spending.daily]                  # rolling 24 h, per currency
//! USD = "100"
//!
//! [spending.per_operation]          # one operation, per currency
//! USD = "50"
//!
//! [approval]
//! channel = "terminal"              # terminal | webhook | callback | deny
//! timeout_seconds = 300
//! ```
//!
//! Every key is optional and defaults to the values above (spending per operation has no
//! default cap); unknown keys are errors. [`Policy::load_or_create`] writes the defaults (mode
//! 0600) when the file is missing and refuses to start on a malformed file with an error naming
//! the field and line. [`Policy::check_reload`] lists every way a new file would weaken the
//! current one; a reload with any weakening is refused.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The policy format version this crate reads.
pub const POLICY_VERSION: u32 = 1;

/// What a tier-2 check does when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier2Action {
    /// Let it through without a note (weakest).
    Allow,
    /// Let it through and record the anomaly in the audit log.
    Log,
    /// Ask the human (strongest).
    Approve,
}

/// The tier-2 (anomaly) settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Tier2Settings {
    /// The first operation on a namespace the baseline has not seen.
    pub new_namespace: Tier2Action,
    /// The first operation with a counterparty the baseline has not seen.
    pub new_counterparty: Tier2Action,
    /// The first operation of a new session.
    pub first_session: Tier2Action,
    /// Signing operations allowed per rolling minute before asking.
    pub max_signs_per_minute: u32,
    /// Reads per rolling minute per namespace before asking.
    pub bulk_read_threshold: u32,
    /// A per-minute rate this many times the operation's learned rate is a spike.
    pub frequency_spike_multiplier: f64,
    /// Events an operation's baseline needs before spikes are judged against it.
    pub baseline_min_events: u32,
    /// During cold start, the per-minute rate of one operation above which the human is asked.
    pub cold_start_max_per_minute: u32,
}

impl Default for Tier2Settings {
    fn default() -> Self {
        Tier2Settings {
            new_namespace: Tier2Action::Approve,
            new_counterparty: Tier2Action::Approve,
            first_session: Tier2Action::Log,
            max_signs_per_minute: 10,
            bulk_read_threshold: 20,
            frequency_spike_multiplier: 5.0,
            baseline_min_events: 30,
            cold_start_max_per_minute: 10,
        }
    }
}

/// The tier lists of the file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Tiers {
    /// Operations that always ask the human (added to the forced set).
    pub tier1: BTreeSet<String>,
    /// Operations allowed and audited when no tier-2 check fires.
    pub tier3: BTreeSet<String>,
}

/// Spending caps per currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Spending {
    /// Cap over a rolling 24 hours, per currency (ISO 4217 code).
    pub daily: BTreeMap<String, Amount>,
    /// Cap on a single operation, per currency.
    pub per_operation: BTreeMap<String, Amount>,
}

impl Default for Spending {
    fn default() -> Self {
        Spending {
            daily: BTreeMap::from([("USD".to_owned(), Amount::from_units(100))]),
            per_operation: BTreeMap::new(),
        }
    }
}

/// Which channel asks the human.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChannelKind {
    /// The controlling terminal.
    Terminal,
    /// A signed HTTP webhook with a loopback callback.
    Webhook,
    /// A programmatic callback registered by the embedding application.
    Callback,
    /// Nobody: every approval is denied.
    Deny,
}

impl ChannelKind {
    /// The name used in the policy file and in audit records.
    pub const fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Terminal => "terminal",
            ChannelKind::Webhook => "webhook",
            ChannelKind::Callback => "callback",
            ChannelKind::Deny => "deny",
        }
    }
}

/// How approvals are asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ApprovalSettings {
    /// The channel.
    pub channel: ChannelKind,
    /// Seconds before an unanswered request is denied (1 to 3600).
    pub timeout_seconds: u64,
}

impl Default for ApprovalSettings {
    fn default() -> Self {
        ApprovalSettings {
            channel: ChannelKind::Terminal,
            timeout_seconds: 300,
        }
    }
}

/// A parsed, validated policy. Frozen: there are no setters; a new file goes through
/// [`Policy::check_reload`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The format version; must be [`POLICY_VERSION`].
    pub version: u32,
    /// Tier lists.
    #[serde(default)]
    pub tiers: Tiers,
    /// Anomaly settings.
    #[serde(default)]
    pub tier2: Tier2Settings,
    /// Spending caps.
    #[serde(default)]
    pub spending: Spending,
    /// Approval channel and timeout.
    #[serde(default)]
    pub approval: ApprovalSettings,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            version: POLICY_VERSION,
            tiers: Tiers {
                tier1: BTreeSet::new(),
                tier3: ["state.read", "state.list"]
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
            },
            tier2: Tier2Settings::default(),
            spending: Spending::default(),
            approval: ApprovalSettings::default(),
        }
    }
}

/// Why a policy file was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The file is not valid TOML for this schema (syntax, unknown key, wrong type).
    #[error("policy file line {line}, column {column}: {message}")]
    Malformed {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said, naming the key where it can.
        message: String,
    },
    /// A value is out of its allowed range.
    #[error("policy field `{field}` (line {line}): {reason}")]
    Invalid {
        /// Dotted path of the field, e.g. `tier2.max_signs_per_minute`.
        field: String,
        /// 1-based line where the field is set, 0 if it is not in the file.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// The policy could not be written as TOML.
    #[error("policy could not be serialised: {message}")]
    Serialize {
        /// The serialiser's message.
        message: String,
    },
    /// The file could not be read or written.
    #[error("policy file {path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's message.
        message: String,
    },
}

/// One way a new policy is weaker than the current one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weakening {
    /// Dotted path of the field.
    pub field: String,
    /// What changed, for the human.
    pub change: String,
}

impl fmt::Display for Weakening {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.change)
    }
}

impl Policy {
    /// Parses and validates a policy file's text.
    pub fn parse(text: &str) -> Result<Policy, PolicyError> {
        let policy: Policy = toml::from_str(text).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|span| line_column(text, span.start))
                .unwrap_or((0, 0));
            PolicyError::Malformed {
                line,
                column,
                message: e.message().trim().to_owned(),
            }
        })?;
        policy.validate(text)?;
        Ok(policy)
    }

    fn validate(&self, text: &str) -> Result<(), PolicyError> {
        let invalid = |field: &str, reason: &str| PolicyError::Invalid {
            field: field.to_owned(),
            line: line_of_key(text, field),
            reason: reason.to_owned(),
        };
        if self.version != POLICY_VERSION {
            return Err(invalid("version", "only version 1 is supported"));
        }
        for name in self.tiers.tier1.iter().chain(&self.tiers.tier3) {
            if !valid_operation_name(name) {
                let field = if self.tiers.tier1.contains(name) {
                    "tiers.tier1"
                } else {
                    "tiers.tier3"
                };
                return Err(invalid(
                    field,
                    &format!(
                        "`{name}` is not an operation name (lowercase letters, digits, `_`, `-`, \
                         dot-separated, at most 64 bytes)"
                    ),
                ));
            }
        }
        if let Some(both) = self.tiers.tier1.intersection(&self.tiers.tier3).next() {
            return Err(invalid(
                "tiers.tier3",
                &format!("`{both}` is listed in both tier1 and tier3"),
            ));
        }
        let t2 = &self.tier2;
        if t2.max_signs_per_minute == 0 {
            return Err(invalid("tier2.max_signs_per_minute", "must be at least 1"));
        }
        if t2.bulk_read_threshold == 0 {
            return Err(invalid("tier2.bulk_read_threshold", "must be at least 1"));
        }
        if !(t2.frequency_spike_multiplier.is_finite()
            && (1.5..=1000.0).contains(&t2.frequency_spike_multiplier))
        {
            return Err(invalid(
                "tier2.frequency_spike_multiplier",
                "must be a number between 1.5 and 1000",
            ));
        }
        if t2.cold_start_max_per_minute == 0 {
            return Err(invalid(
                "tier2.cold_start_max_per_minute",
                "must be at least 1",
            ));
        }
        for (table, caps) in [
            ("spending.daily", &self.spending.daily),
            ("spending.per_operation", &self.spending.per_operation),
        ] {
            for currency in caps.keys() {
                if !(currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_uppercase())) {
                    return Err(invalid(
                        &format!("{table}.{currency}"),
                        "currency must be a three-letter ISO 4217 code in upper case",
                    ));
                }
            }
        }
        if !(1..=3600).contains(&self.approval.timeout_seconds) {
            return Err(invalid(
                "approval.timeout_seconds",
                "must be between 1 and 3600 seconds",
            ));
        }
        Ok(())
    }

    /// The file text for this policy (TOML, with every field written out).
    ///
    /// # Errors
    /// [`PolicyError::Serialize`] if the policy cannot be written as TOML.
    pub fn to_toml(&self) -> Result<String, PolicyError> {
        let body = toml::to_string(self).map_err(|e| PolicyError::Serialize {
            message: e.to_string(),
        })?;
        Ok(format!(
            "# Sanctuary principal policy. Loaded once at start; a reload that weakens it is \
             refused.\n{body}"
        ))
    }

    /// Loads the policy at `path`, or writes the defaults there (mode 0600) if it is missing.
    ///
    /// # Errors
    /// [`PolicyError::Malformed`] or [`PolicyError::Invalid`] for a bad file (the agent must not
    /// start); [`PolicyError::Io`] if the file cannot be read or created.
    pub fn load_or_create(path: &Path) -> Result<Policy, PolicyError> {
        let io = |e: std::io::Error| PolicyError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        match std::fs::read_to_string(path) {
            Ok(text) => Policy::parse(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let policy = Policy::default();
                write_private(path, policy.to_toml()?.as_bytes()).map_err(io)?;
                Ok(policy)
            }
            Err(e) => Err(io(e)),
        }
    }

    /// Every way `new` is weaker than `self`. A reload is allowed only when this is empty.
    pub fn check_reload(&self, new: &Policy) -> Vec<Weakening> {
        let mut out = Vec::new();
        let mut weaker = |field: &str, change: String| {
            out.push(Weakening {
                field: field.to_owned(),
                change,
            });
        };
        for op in self.tiers.tier1.difference(&new.tiers.tier1) {
            weaker("tiers.tier1", format!("`{op}` removed"));
        }
        for op in new.tiers.tier3.difference(&self.tiers.tier3) {
            weaker("tiers.tier3", format!("`{op}` added"));
        }
        let (a, b) = (&self.tier2, &new.tier2);
        for (field, old, new) in [
            ("tier2.new_namespace", a.new_namespace, b.new_namespace),
            (
                "tier2.new_counterparty",
                a.new_counterparty,
                b.new_counterparty,
            ),
            ("tier2.first_session", a.first_session, b.first_session),
        ] {
            if new < old {
                weaker(field, format!("{old:?} lowered to {new:?}"));
            }
        }
        for (field, old, new) in [
            (
                "tier2.max_signs_per_minute",
                a.max_signs_per_minute,
                b.max_signs_per_minute,
            ),
            (
                "tier2.bulk_read_threshold",
                a.bulk_read_threshold,
                b.bulk_read_threshold,
            ),
            (
                "tier2.cold_start_max_per_minute",
                a.cold_start_max_per_minute,
                b.cold_start_max_per_minute,
            ),
        ] {
            if new > old {
                weaker(field, format!("raised from {old} to {new}"));
            }
        }
        if b.frequency_spike_multiplier > a.frequency_spike_multiplier {
            weaker(
                "tier2.frequency_spike_multiplier",
                format!(
                    "raised from {} to {}",
                    a.frequency_spike_multiplier, b.frequency_spike_multiplier
                ),
            );
        }
        if b.baseline_min_events < a.baseline_min_events {
            weaker(
                "tier2.baseline_min_events",
                format!(
                    "lowered from {} to {} (a learned baseline would take over sooner)",
                    a.baseline_min_events, b.baseline_min_events
                ),
            );
        }
        for (table, old, new) in [
            ("spending.daily", &self.spending.daily, &new.spending.daily),
            (
                "spending.per_operation",
                &self.spending.per_operation,
                &new.spending.per_operation,
            ),
        ] {
            for (currency, cap) in old {
                match new.get(currency) {
                    None => weaker(&format!("{table}.{currency}"), format!("cap {cap} removed")),
                    Some(n) if n > cap => weaker(
                        &format!("{table}.{currency}"),
                        format!("raised from {cap} to {n}"),
                    ),
                    Some(_) => {}
                }
            }
        }
        if new.approval.timeout_seconds > self.approval.timeout_seconds {
            weaker(
                "approval.timeout_seconds",
                format!(
                    "lengthened from {} to {}",
                    self.approval.timeout_seconds, new.approval.timeout_seconds
                ),
            );
        }
        if new.approval.channel != self.approval.channel {
            weaker(
                "approval.channel",
                format!(
                    "changed from {:?} to {:?}",
                    self.approval.channel, new.approval.channel
                ),
            );
        }
        out
    }
}

/// An amount of money: a non-negative decimal with at most 6 fractional digits, kept exactly
/// in millionths. Written in TOML as an integer (`100`) or a decimal string (`"12.50"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount {
    micros: u64,
}

impl Amount {
    /// Whole units.
    pub const fn from_units(units: u32) -> Amount {
        Amount {
            micros: units as u64 * 1_000_000,
        }
    }

    /// Millionths of a unit.
    pub const fn from_micros(micros: u64) -> Amount {
        Amount { micros }
    }

    /// Millionths of a unit.
    pub const fn micros(self) -> u64 {
        self.micros
    }

    /// The sum, or `None` on overflow.
    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        self.micros
            .checked_add(other.micros)
            .map(Amount::from_micros)
    }
}

/// An amount string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an amount: {0} (write digits with at most 6 decimals, e.g. \"12.50\")")]
pub struct AmountError(String);

impl FromStr for Amount {
    type Err = AmountError;
    fn from_str(text: &str) -> Result<Amount, AmountError> {
        let err = || AmountError(text.chars().take(40).collect());
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || (text.contains('.') && !digits(fraction)) || fraction.len() > 6 {
            return Err(err());
        }
        let whole: u64 = whole.parse().map_err(|_| err())?;
        let mut frac_micros: u64 = 0;
        for (i, b) in fraction.bytes().enumerate() {
            let digit = u64::from(b - b'0');
            // i < 6, so the exponent is at most 5.
            frac_micros += digit * 10u64.pow(5 - i as u32);
        }
        whole
            .checked_mul(1_000_000)
            .and_then(|m| m.checked_add(frac_micros))
            .map(Amount::from_micros)
            .ok_or_else(err)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, frac) = (self.micros / 1_000_000, self.micros % 1_000_000);
        if frac == 0 {
            write!(f, "{whole}")
        } else {
            let frac = format!("{frac:06}");
            write!(f, "{whole}.{}", frac.trim_end_matches('0'))
        }
    }
}

impl Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Amount;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an amount: a non-negative integer or a decimal string like \"12.50\"")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Amount, E> {
                u64::try_from(v)
                    .ok()
                    .and_then(|v| v.checked_mul(1_000_000))
                    .map(Amount::from_micros)
                    .ok_or_else(|| E::custom("amount must be a non-negative integer below 2^44"))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Amount, E> {
                v.checked_mul(1_000_000)
                    .map(Amount::from_micros)
                    .ok_or_else(|| E::custom("amount too large"))
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Amount, E> {
                Err(E::custom(
                    "write amounts as an integer or a decimal string (\"12.50\"), not a float",
                ))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Amount, E> {
                v.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Whether `name` is a well-formed operation name: dot-separated segments of lowercase letters,
/// digits, `_` and `-`, at most 64 bytes.
pub fn valid_operation_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.split('.').all(|segment| {
            !segment.is_empty()
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        })
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The 1-based line where a dotted key (`table.key`, or `key` at top level) is set, 0 if absent.
fn line_of_key(text: &str, path: &str) -> usize {
    let (table, key) = path.rsplit_once('.').unwrap_or(("", path));
    let mut current = String::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = header.trim().to_owned();
            continue;
        }
        if let Some((k, _)) = line.split_once('=') {
            let k = k.trim().trim_matches('"');
            if current == table && k == key {
                return i + 1;
            }
            // Dotted keys at a higher level (`tier2.max_signs_per_minute = 3`).
            let full = if current.is_empty() {
                k.to_owned()
            } else {
                format!("{current}.{k}")
            };
            if full == path {
                return i + 1;
            }
        }
    }
    0
}

/// Writes a new file readable and writable by the owner only.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}
