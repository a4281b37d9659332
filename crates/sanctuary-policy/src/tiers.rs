//! The fixed tier-1 set and the static part of tiering (before the tier-2 checks).

use crate::policy::Policy;

/// Operations that are tier 1 whatever the policy file says: irreversible or high-stakes acts
/// on the agent's identity, keys, data and policy.
pub const FORCED_TIER1: &[&str] = &[
    "identity.rotate_key",
    "identity.delete",
    "identity.export_secret",
    "sign.raw",
    "state.export",
    "state.import",
    "state.drop_namespace",
    "store.rotate_master",
    "store.remove_wrap",
    "store.add_wrap",
    "policy.modify",
    "policy.reload",
    "approval.grant_standing",
];

/// Whether an operation is in the forced tier-1 set.
pub fn is_forced_tier1(operation: &str) -> bool {
    FORCED_TIER1.contains(&operation)
}

/// The approval tier (JSON: `"tier1"`, `"tier2"`, `"tier3"`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Tier {
    /// Always ask the human.
    #[serde(rename = "tier1")]
    One,
    /// Ask when a tier-2 check fires.
    #[serde(rename = "tier2")]
    Two,
    /// Allowed and audited.
    #[serde(rename = "tier3")]
    Three,
}

impl std::fmt::Display for Tier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Tier::One => "tier 1",
            Tier::Two => "tier 2",
            Tier::Three => "tier 3",
        })
    }
}

/// Why an operation has its static tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StaticTier {
    /// In [`FORCED_TIER1`].
    Forced,
    /// In the file's tier-1 list.
    Listed1,
    /// In the file's tier-3 list: allowed unless a tier-2 check fires.
    Listed3,
    /// In no list: tier 1.
    Unknown,
}

impl StaticTier {
    /// The tier before tier-2 checks: only a tier-3 listing can be lowered from tier 1.
    pub fn tier(self) -> Tier {
        match self {
            StaticTier::Listed3 => Tier::Three,
            StaticTier::Forced | StaticTier::Listed1 | StaticTier::Unknown => Tier::One,
        }
    }
}

/// The static tier of an operation under a policy: forced tier 1, then the tier-1 list, then
/// the tier-3 list, else tier 1.
pub fn static_tier(policy: &Policy, operation: &str) -> StaticTier {
    if is_forced_tier1(operation) {
        StaticTier::Forced
    } else if policy.tiers.tier1.contains(operation) {
        StaticTier::Listed1
    } else if policy.tiers.tier3.contains(operation) {
        StaticTier::Listed3
    } else {
        StaticTier::Unknown
    }
}
