//! Reputation scoring: the reference scorer's weighted score and confidence over the
//! attestations an agent took part in (SPEC §9.6.7 leaves scoring to services; this is the
//! general-purpose model the Python reference ships, reproduced number for number).
//!
//! Six components, each in [0, 1]: agreement rate; concession willingness (mean concession
//! magnitude, best around 0.3); fulfilment rate (of agreed deals with a fulfilment block; 1.0
//! when there is none); reasoning rate; consistency (`1 / (1 + σ)` of offers made, 0.5 with
//! fewer than two sessions); responsiveness (mean offers made, best between 3 and 5). The
//! overall score is their weighted sum clamped to [0, 1]; confidence grows with the number of
//! attestations (saturating near 50) and of distinct counterparties (near 20). Attestations
//! flagged as possible Sybil activity cut the score by up to half and the confidence by up to
//! 30 %.
//!
//! The scorer reads attestations the caller has already verified (signatures, binding); it
//! does not verify them again. [`SybilSignals::of`] gives the per-attestation signals the
//! reference's store raises at ingest (all but `closed_loop`, which needs the store's history).
//!
//! # Deviations from the Python reference
//!
//! - A behaviour value the reference's store refuses at ingest (a `concession_magnitude` that
//!   is not a number in [0, 1], an `offers_made` that is not a non-negative integer, a
//!   `behavior` that is not an object) is an error here rather than a crash later.
//! - Weights are six named fields summed in the default order; the reference sums a dict in its
//!   insertion order, which can differ in the last bit for custom weights. Weights must be
//!   finite and non-negative.
//! - Sums of floats are left-to-right, as Python 3.11's `sum` (3.12 compensates rounding).
//! - An attestation listing the agent twice (self-dealing) is scored once; the reference's
//!   store indexes it once per listing and so counts it twice.

use crate::bundle::{
    float_value, is_fast, is_self_dealing, is_symmetric, member, py_round4, py_truthy,
};
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashSet};

/// Why a score could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReputationError {
    /// A behavioural value outside its domain (the reference's store refuses these).
    #[error("attestation '{attestation_id}': {reason}")]
    InvalidSignal {
        /// The attestation.
        attestation_id: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A weight that is negative or not finite.
    #[error("scoring weights must be finite and non-negative")]
    InvalidWeights,
}

/// The weight of each component in the overall score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreWeights {
    agreement_rate: f64,
    concession_willingness: f64,
    fulfillment_rate: f64,
    reasoning_rate: f64,
    consistency: f64,
    responsiveness: f64,
}

impl Default for ScoreWeights {
    /// The reference's general-purpose weights: 0.25, 0.15, 0.25, 0.10, 0.10, 0.15.
    fn default() -> Self {
        ScoreWeights {
            agreement_rate: 0.25,
            concession_willingness: 0.15,
            fulfillment_rate: 0.25,
            reasoning_rate: 0.10,
            consistency: 0.10,
            responsiveness: 0.15,
        }
    }
}

impl ScoreWeights {
    /// Weights in component order: agreement rate, concession willingness, fulfilment rate,
    /// reasoning rate, consistency, responsiveness. A component left out of a custom model
    /// takes weight 0.
    pub fn new(
        agreement_rate: f64,
        concession_willingness: f64,
        fulfillment_rate: f64,
        reasoning_rate: f64,
        consistency: f64,
        responsiveness: f64,
    ) -> Result<ScoreWeights, ReputationError> {
        let all = [
            agreement_rate,
            concession_willingness,
            fulfillment_rate,
            reasoning_rate,
            consistency,
            responsiveness,
        ];
        if all.iter().any(|w| !w.is_finite() || *w < 0.0) {
            return Err(ReputationError::InvalidWeights);
        }
        Ok(ScoreWeights {
            agreement_rate,
            concession_willingness,
            fulfillment_rate,
            reasoning_rate,
            consistency,
            responsiveness,
        })
    }

    fn overall(&self, c: &ScoreComponents) -> f64 {
        // Summed in the reference's default dimension order.
        0.0 + self.agreement_rate * c.agreement_rate
            + self.concession_willingness * c.concession_willingness
            + self.fulfillment_rate * c.fulfillment_rate
            + self.reasoning_rate * c.reasoning_rate
            + self.consistency * c.consistency
            + self.responsiveness * c.responsiveness
    }
}

/// The six scoring dimensions, each in [0, 1] (unrounded).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ScoreComponents {
    /// Share of negotiations that reached agreement.
    pub agreement_rate: f64,
    /// Normalised mean concession magnitude.
    pub concession_willingness: f64,
    /// Share of agreed deals with a fulfilment block that were fulfilled (1.0 without data).
    pub fulfillment_rate: f64,
    /// Share of sessions in which the agent gave reasoning.
    pub reasoning_rate: f64,
    /// `1 / (1 + σ)` of offers made per session (0.5 with fewer than two sessions).
    pub consistency: f64,
    /// Normalised mean offers made per session.
    pub responsiveness: f64,
}

impl ScoreComponents {
    /// The components as the reference writes them, rounded to 4 places.
    #[must_use]
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        for (name, x) in [
            ("agreement_rate", self.agreement_rate),
            ("concession_willingness", self.concession_willingness),
            ("fulfillment_rate", self.fulfillment_rate),
            ("reasoning_rate", self.reasoning_rate),
            ("consistency", self.consistency),
            ("responsiveness", self.responsiveness),
        ] {
            m.insert(name.into(), float_value(py_round4(x)));
        }
        Value::Object(m)
    }
}

/// A computed score (unrounded; [`ReputationScore::to_value`] rounds as the reference).
#[derive(Debug, Clone, PartialEq)]
pub struct ReputationScore {
    /// The agent scored.
    pub agent_id: String,
    /// Weighted score in [0, 1], after the Sybil penalty.
    pub overall_score: f64,
    /// Confidence in [0, 1], after the Sybil penalty.
    pub confidence: f64,
    /// The components.
    pub components: ScoreComponents,
    /// Attestations scored.
    pub total_negotiations: u64,
    /// Of which agreed.
    pub total_agreements: u64,
    /// The element at `len / 2` of the sorted round counts of agreed deals (0 without any).
    pub median_rounds_to_agreement: u64,
    /// Distinct categories, sorted.
    pub categories_active: Vec<String>,
    /// Distinct counterparties.
    pub counterparty_count: u64,
    /// Attestations flagged as possible Sybil activity.
    pub sybil_flagged_count: u64,
}

impl ReputationScore {
    /// The score as the reference's `to_dict` writes it.
    #[must_use]
    pub fn to_value(&self) -> Value {
        let c = &self.components;
        let mut m = Map::new();
        m.insert(
            "overall_score".into(),
            float_value(py_round4(self.overall_score)),
        );
        m.insert("confidence".into(), float_value(py_round4(self.confidence)));
        m.insert("components".into(), c.to_value());
        m.insert(
            "total_negotiations".into(),
            Value::from(self.total_negotiations),
        );
        m.insert(
            "total_agreements".into(),
            Value::from(self.total_agreements),
        );
        m.insert(
            "agreement_rate".into(),
            float_value(py_round4(c.agreement_rate)),
        );
        m.insert(
            "fulfillment_rate".into(),
            float_value(py_round4(c.fulfillment_rate)),
        );
        m.insert(
            "avg_concession_willingness".into(),
            float_value(py_round4(c.concession_willingness)),
        );
        m.insert(
            "reasoning_rate".into(),
            float_value(py_round4(c.reasoning_rate)),
        );
        m.insert(
            "median_rounds_to_agreement".into(),
            Value::from(self.median_rounds_to_agreement),
        );
        m.insert(
            "categories_active".into(),
            Value::Array(
                self.categories_active
                    .iter()
                    .cloned()
                    .map(Value::String)
                    .collect(),
            ),
        );
        m.insert(
            "counterparty_count".into(),
            Value::from(self.counterparty_count),
        );
        m.insert(
            "sybil_flagged_count".into(),
            Value::from(self.sybil_flagged_count),
        );
        Value::Object(m)
    }
}

/// The per-attestation Sybil signals of the reference's store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SybilSignals {
    /// The first two parties are the same agent.
    pub self_dealing: bool,
    /// The session lasted under five seconds.
    pub suspiciously_fast: bool,
    /// Both parties conceded the same positive magnitude.
    pub symmetric_concessions: bool,
    /// Two agents trading only with each other over an established history (set by a store
    /// that knows the history; [`SybilSignals::of`] leaves it false).
    pub closed_loop: bool,
}

impl SybilSignals {
    /// The signals one attestation raises on its own.
    #[must_use]
    pub fn of(attestation: &Value) -> SybilSignals {
        SybilSignals {
            self_dealing: is_self_dealing(attestation),
            suspiciously_fast: is_fast(attestation),
            symmetric_concessions: is_symmetric(attestation),
            closed_loop: false,
        }
    }

    /// Whether any signal is raised.
    #[must_use]
    pub fn flagged(&self) -> bool {
        self.self_dealing
            || self.suspiciously_fast
            || self.symmetric_concessions
            || self.closed_loop
    }
}

/// A stored attestation as the scorer sees it.
#[derive(Debug, Clone, Copy)]
pub struct RecordedAttestation<'a> {
    /// The (verified) attestation.
    pub attestation: &'a Value,
    /// Whether the store flagged it as possible Sybil activity.
    pub sybil_flagged: bool,
}

/// Optional narrowing of the attestations scored.
#[derive(Debug, Clone, Copy, Default)]
pub struct ScoreFilter<'a> {
    /// Keep attestations whose `meta.category` starts with this (e.g. `electronics`).
    pub category: Option<&'a str>,
    /// Keep attestations whose `meta.value_range` equals this.
    pub value_range: Option<&'a str>,
    /// Keep attestations where the agent had this role.
    pub role: Option<&'a str>,
}

impl ScoreFilter<'_> {
    fn keeps(&self, att: &Value, agent_id: &str) -> bool {
        let meta_text = |name: &str| {
            member(att, "meta")
                .and_then(|m| member(m, name))
                .and_then(Value::as_str)
        };
        // An empty filter string filters nothing, as in the reference.
        if let Some(cat) = self.category.filter(|c| !c.is_empty())
            && !meta_text("category").is_some_and(|c| c.starts_with(cat))
        {
            return false;
        }
        if let Some(range) = self.value_range.filter(|r| !r.is_empty())
            && meta_text("value_range") != Some(range)
        {
            return false;
        }
        if let Some(role) = self.role.filter(|r| !r.is_empty()) {
            let had_role = parties(att).any(|p| {
                member(p, "agent_id").and_then(Value::as_str) == Some(agent_id)
                    && member(p, "role").and_then(Value::as_str) == Some(role)
            });
            if !had_role {
                return false;
            }
        }
        true
    }
}

fn parties(att: &Value) -> impl Iterator<Item = &Value> {
    member(att, "parties")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// The raw signals extracted from the scored attestations.
#[derive(Debug, Default)]
struct Signals {
    total: u64,
    agreements: u64,
    fulfilled: u64,
    fulfilled_applicable: u64,
    reasoning_count: u64,
    concession_magnitudes: Vec<f64>,
    offer_counts: Vec<u64>,
    median_rounds: u64,
    categories: Vec<String>,
    counterparty_count: u64,
    sybil_flagged: u64,
}

/// The reference scorer.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReputationScorer {
    weights: ScoreWeights,
}

/// The largest `offers_made` read exactly (2^53 − 1).
const MAX_OFFERS: u64 = (1 << 53) - 1;

impl ReputationScorer {
    /// A scorer with these weights.
    #[must_use]
    pub fn new(weights: ScoreWeights) -> ReputationScorer {
        ReputationScorer { weights }
    }

    /// Scores `agent_id` over the `records` it is a party to, narrowed by `filter`. `None`
    /// when nothing is left to score.
    pub fn score(
        &self,
        agent_id: &str,
        records: &[RecordedAttestation<'_>],
        filter: &ScoreFilter<'_>,
    ) -> Result<Option<ReputationScore>, ReputationError> {
        let selected: Vec<&RecordedAttestation<'_>> = records
            .iter()
            .filter(|r| {
                parties(r.attestation)
                    .any(|p| member(p, "agent_id").and_then(Value::as_str) == Some(agent_id))
            })
            .filter(|r| filter.keeps(r.attestation, agent_id))
            .collect();
        if selected.is_empty() {
            return Ok(None);
        }
        let signals = extract_signals(&selected, agent_id)?;
        let components = compute_components(&signals);
        let mut overall = self.weights.overall(&components).clamp(0.0, 1.0);
        let mut confidence = compute_confidence(&signals);
        if signals.sybil_flagged > 0 && signals.total > 0 {
            let ratio = signals.sybil_flagged as f64 / signals.total as f64;
            overall *= 1.0 - ratio * 0.5;
            confidence *= 1.0 - ratio * 0.3;
        }
        Ok(Some(ReputationScore {
            agent_id: agent_id.to_owned(),
            overall_score: overall,
            confidence,
            components,
            total_negotiations: signals.total,
            total_agreements: signals.agreements,
            median_rounds_to_agreement: signals.median_rounds,
            categories_active: signals.categories,
            counterparty_count: signals.counterparty_count,
            sybil_flagged_count: signals.sybil_flagged,
        }))
    }
}

fn extract_signals(
    records: &[&RecordedAttestation<'_>],
    agent_id: &str,
) -> Result<Signals, ReputationError> {
    let mut s = Signals {
        total: records.len() as u64,
        ..Signals::default()
    };
    let mut rounds_to_agreement: Vec<u64> = Vec::new();
    let mut categories: BTreeSet<String> = BTreeSet::new();
    let mut counterparties: HashSet<String> = HashSet::new();
    for record in records {
        let att = record.attestation;
        let invalid = |reason: &'static str| ReputationError::InvalidSignal {
            attestation_id: member(att, "attestation_id")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            reason,
        };
        let agreed = member(att, "outcome").and_then(|o| member(o, "status"))
            == Some(&Value::String("agreed".into()));
        if agreed {
            s.agreements += 1;
            // A round count that is not a non-negative integer is skipped, as the reference.
            if let Some(r) = member(att, "outcome")
                .and_then(|o| member(o, "rounds"))
                .and_then(Value::as_u64)
            {
                rounds_to_agreement.push(r);
            }
            if let Some(f) = member(att, "fulfillment").filter(|f| py_truthy(f)) {
                s.fulfilled_applicable += 1;
                if member(f, "status").and_then(Value::as_str) == Some("fulfilled") {
                    s.fulfilled += 1;
                }
            }
        }
        if let Some(cat) = member(att, "meta")
            .and_then(|m| member(m, "category"))
            .and_then(Value::as_str)
            .filter(|c| !c.is_empty())
        {
            categories.insert(cat.to_owned());
        }
        if record.sybil_flagged {
            s.sybil_flagged += 1;
        }
        for party in parties(att) {
            let pid = member(party, "agent_id");
            if pid.and_then(Value::as_str) != Some(agent_id) {
                counterparties.insert(match pid {
                    None => String::new(),
                    Some(Value::String(p)) => p.clone(),
                    Some(other) => format!("\u{0}{other}"),
                });
                continue;
            }
            let behavior = match member(party, "behavior") {
                None => None,
                Some(b @ Value::Object(_)) => Some(b),
                Some(_) => return Err(invalid("behavior is not an object")),
            };
            let cm = match behavior.and_then(|b| member(b, "concession_magnitude")) {
                None => 0.0,
                Some(Value::Number(n)) => n
                    .as_f64()
                    .filter(|x| x.is_finite() && (0.0..=1.0).contains(x))
                    .ok_or_else(|| invalid("concession_magnitude is not in [0, 1]"))?,
                Some(_) => return Err(invalid("concession_magnitude is not a number")),
            };
            s.concession_magnitudes.push(cm);
            let offers = match behavior.and_then(|b| member(b, "offers_made")) {
                None => 0,
                Some(v) => v
                    .as_u64()
                    .filter(|&n| n <= MAX_OFFERS)
                    .ok_or_else(|| invalid("offers_made is not a non-negative integer"))?,
            };
            s.offer_counts.push(offers);
            if behavior
                .and_then(|b| member(b, "reasoning_provided"))
                .is_some_and(py_truthy)
            {
                s.reasoning_count += 1;
            }
        }
    }
    if !rounds_to_agreement.is_empty() {
        rounds_to_agreement.sort_unstable();
        s.median_rounds = rounds_to_agreement
            .get(rounds_to_agreement.len() / 2)
            .copied()
            .unwrap_or(0);
    }
    s.categories = categories.into_iter().collect();
    s.counterparty_count = counterparties.len() as u64;
    Ok(s)
}

fn mean_u64(values: &[u64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    // Each value ≤ 2^53 and at most a few million of them: the u128 sum is exact.
    let sum: u128 = values.iter().map(|&v| u128::from(v)).sum();
    sum as f64 / values.len() as f64
}

fn compute_components(s: &Signals) -> ScoreComponents {
    if s.total == 0 {
        return ScoreComponents::default();
    }
    let total = s.total as f64;
    let agreement_rate = s.agreements as f64 / total;

    let avg_concession = if s.concession_magnitudes.is_empty() {
        0.0
    } else {
        s.concession_magnitudes.iter().fold(0.0, |a, x| a + x)
            / s.concession_magnitudes.len() as f64
    };
    // Moderate concessions (around 0.3) score best: too little is rigid, too much capitulates.
    let concession = if avg_concession <= 0.3 {
        avg_concession / 0.3
    } else {
        1.0 - (avg_concession - 0.3) * 0.5
    }
    .clamp(0.0, 1.0);

    let fulfillment_rate = if s.fulfilled_applicable > 0 {
        s.fulfilled as f64 / s.fulfilled_applicable as f64
    } else {
        1.0 // benefit of the doubt without data
    };
    let reasoning_rate = s.reasoning_count as f64 / total;

    let mean_offers = mean_u64(&s.offer_counts);
    let consistency = if s.offer_counts.len() >= 2 {
        let variance = s
            .offer_counts
            .iter()
            .map(|&x| {
                let d = x as f64 - mean_offers;
                d * d
            })
            .fold(0.0, |a, x| a + x)
            / s.offer_counts.len() as f64;
        1.0 / (1.0 + variance.sqrt())
    } else {
        0.5
    };
    // One to five offers per session is engaged; more tails off slowly.
    let responsiveness = if mean_offers <= 5.0 {
        (mean_offers / 3.0).min(1.0)
    } else {
        (1.0 - (mean_offers - 5.0) * 0.1).max(0.5)
    };

    ScoreComponents {
        agreement_rate,
        concession_willingness: concession,
        fulfillment_rate,
        reasoning_rate,
        consistency,
        responsiveness,
    }
}

fn compute_confidence(s: &Signals) -> f64 {
    let volume = ((1.0 + s.total as f64).ln() / 51f64.ln()).min(1.0);
    let diversity = ((1.0 + s.counterparty_count as f64).ln() / 21f64.ln()).min(1.0);
    (0.6 * volume + 0.4 * diversity).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    //! Expected figures are the Python reference's `ReputationScorer` output over the same
    //! attestations ingested into its `AttestationStore`.
    use super::*;
    use crate::bundle::tests::{attestation, attestations, did};
    use serde_json::json;

    fn records(atts: &[Value]) -> Vec<RecordedAttestation<'_>> {
        atts.iter()
            .map(|a| RecordedAttestation {
                attestation: a,
                sybil_flagged: SybilSignals::of(a).flagged(),
            })
            .collect()
    }

    fn score(agent: &str, filter: &ScoreFilter<'_>) -> Option<Value> {
        let atts = attestations();
        ReputationScorer::default()
            .score(&did(agent), &records(&atts), filter)
            .unwrap()
            .map(|s| s.to_value())
    }

    #[test]
    fn sybil_signals_match_the_store() {
        let atts = attestations();
        let flags: Vec<SybilSignals> = atts.iter().map(SybilSignals::of).collect();
        // Only att_0003 (three seconds, both conceding 0.5) is flagged.
        assert_eq!(flags.iter().filter(|f| f.flagged()).count(), 1);
        assert!(flags[3].suspiciously_fast && flags[3].symmetric_concessions);
        assert!(!flags[3].self_dealing && !flags[3].closed_loop);
    }

    #[test]
    fn scores_match_python() {
        let all = json!({"agreement_rate": 0.6, "avg_concession_willingness": 0.7889,
            "categories_active": ["electronics", "electronics.cameras", "software.tools"],
            "components": {"agreement_rate": 0.6, "concession_willingness": 0.7889, "consistency": 0.3171,
                           "fulfillment_rate": 0.5, "reasoning_rate": 0.6, "responsiveness": 1.0},
            "confidence": 0.4282, "counterparty_count": 3, "fulfillment_rate": 0.5,
            "median_rounds_to_agreement": 4, "overall_score": 0.5715, "reasoning_rate": 0.6,
            "sybil_flagged_count": 1, "total_agreements": 3, "total_negotiations": 5});
        assert_eq!(score("alice", &ScoreFilter::default()).unwrap(), all);
        let range = ScoreFilter {
            value_range: Some("1000-5000_USD"),
            ..ScoreFilter::default()
        };
        assert_eq!(score("alice", &range).unwrap(), all);
        assert_eq!(
            score(
                "alice",
                &ScoreFilter {
                    category: Some("electronics"),
                    ..ScoreFilter::default()
                }
            )
            .unwrap(),
            json!({"agreement_rate": 0.5, "avg_concession_willingness": 0.5555,
                "categories_active": ["electronics", "electronics.cameras"],
                "components": {"agreement_rate": 0.5, "concession_willingness": 0.5555, "consistency": 0.5,
                               "fulfillment_rate": 1.0, "reasoning_rate": 1.0, "responsiveness": 0.9},
                "confidence": 0.2587, "counterparty_count": 1, "fulfillment_rate": 1.0,
                "median_rounds_to_agreement": 6, "overall_score": 0.7433, "reasoning_rate": 1.0,
                "sybil_flagged_count": 0, "total_agreements": 1, "total_negotiations": 2})
        );
        assert_eq!(
            score(
                "alice",
                &ScoreFilter {
                    role: Some("responder"),
                    ..ScoreFilter::default()
                }
            )
            .unwrap(),
            json!({"agreement_rate": 0.5, "avg_concession_willingness": 1.0,
                "categories_active": ["software.tools"],
                "components": {"agreement_rate": 0.5, "concession_willingness": 1.0, "consistency": 0.6667,
                               "fulfillment_rate": 0.0, "reasoning_rate": 0.0, "responsiveness": 0.5},
                "confidence": 0.2652, "counterparty_count": 2, "fulfillment_rate": 0.0,
                "median_rounds_to_agreement": 3, "overall_score": 0.3125, "reasoning_rate": 0.0,
                "sybil_flagged_count": 1, "total_agreements": 1, "total_negotiations": 2})
        );
        assert_eq!(
            score("bob", &ScoreFilter::default()).unwrap(),
            json!({"agreement_rate": 0.5, "avg_concession_willingness": 1.0,
                "categories_active": ["software.tools"],
                "components": {"agreement_rate": 0.5, "concession_willingness": 1.0, "consistency": 0.6667,
                               "fulfillment_rate": 1.0, "reasoning_rate": 1.0, "responsiveness": 0.5},
                "confidence": 0.2587, "counterparty_count": 1, "fulfillment_rate": 1.0,
                "median_rounds_to_agreement": 4, "overall_score": 0.7667, "reasoning_rate": 1.0,
                "sybil_flagged_count": 0, "total_agreements": 1, "total_negotiations": 2})
        );
        assert_eq!(
            score("carol", &ScoreFilter::default()).unwrap(),
            json!({"agreement_rate": 0.5, "avg_concession_willingness": 0.25,
                "categories_active": ["electronics", "electronics.cameras"],
                "components": {"agreement_rate": 0.5, "concession_willingness": 0.25, "consistency": 0.4,
                               "fulfillment_rate": 1.0, "reasoning_rate": 0.0, "responsiveness": 0.8333},
                "confidence": 0.2587, "counterparty_count": 1, "fulfillment_rate": 1.0,
                "median_rounds_to_agreement": 6, "overall_score": 0.5775, "reasoning_rate": 0.0,
                "sybil_flagged_count": 0, "total_agreements": 1, "total_negotiations": 2})
        );
        // Nothing left after filtering, and an agent with no attestations.
        let none = ScoreFilter {
            value_range: Some("0-100_USD"),
            ..ScoreFilter::default()
        };
        assert_eq!(score("alice", &none), None);
        assert_eq!(score("erin", &ScoreFilter::default()), None);
    }

    #[test]
    fn unrounded_figures_are_bit_identical() {
        let atts = attestations();
        let s = ReputationScorer::default()
            .score(&did("alice"), &records(&atts), &ScoreFilter::default())
            .unwrap()
            .unwrap();
        // Python's repr() of the same quantities.
        assert_eq!(s.overall_score, 0.571531596993638);
        assert_eq!(s.confidence, 0.4282266323809014);
        assert_eq!(s.components.consistency, 0.31705107770708835);
        assert_eq!(s.components.concession_willingness, 0.7888666666666667);
    }

    #[test]
    fn custom_weights() {
        let atts = attestations();
        let weights = ScoreWeights::new(0.7, 0.0, 0.0, 0.0, 0.3, 0.0).unwrap();
        let s = ReputationScorer::new(weights)
            .score(&did("alice"), &records(&atts), &ScoreFilter::default())
            .unwrap()
            .unwrap();
        assert_eq!(s.to_value()["overall_score"], json!(0.4636));
        assert_eq!(
            ScoreWeights::new(-0.1, 0.0, 0.0, 0.0, 0.0, 0.0),
            Err(ReputationError::InvalidWeights)
        );
        assert_eq!(
            ScoreWeights::new(f64::NAN, 0.0, 0.0, 0.0, 0.0, 0.0),
            Err(ReputationError::InvalidWeights)
        );
    }

    #[test]
    fn out_of_domain_signals_are_refused() {
        for (field, bad) in [
            ("concession_magnitude", json!(1.5)),
            ("concession_magnitude", json!(-0.1)),
            ("concession_magnitude", json!("0.3")),
            ("concession_magnitude", json!(true)),
            ("offers_made", json!(-1)),
            ("offers_made", json!(2.5)),
            ("offers_made", json!(false)),
        ] {
            let mut att = attestation(0);
            att["parties"][0]["behavior"][field] = bad.clone();
            let atts = [att];
            let err = ReputationScorer::default()
                .score(&did("alice"), &records(&atts), &ScoreFilter::default())
                .unwrap_err();
            assert!(
                matches!(err, ReputationError::InvalidSignal { ref attestation_id, .. } if attestation_id == "att_0000"),
                "{field}={bad}"
            );
        }
        let mut att = attestation(0);
        att["parties"][0]["behavior"] = json!([]);
        assert!(
            ReputationScorer::default()
                .score(&did("alice"), &records(&[att]), &ScoreFilter::default())
                .is_err()
        );
        // Only the scored agent's record is read: a bad counterparty value is not its concern.
        let mut att = attestation(0);
        att["parties"][1]["behavior"]["offers_made"] = json!(-1);
        assert!(
            ReputationScorer::default()
                .score(&did("alice"), &records(&[att]), &ScoreFilter::default())
                .is_ok()
        );
    }

    #[test]
    fn component_edges() {
        // One session: neutral consistency; no fulfilment data: benefit of the doubt.
        let atts = [attestation(1)];
        let s = ReputationScorer::default()
            .score(&did("alice"), &records(&atts), &ScoreFilter::default())
            .unwrap()
            .unwrap();
        assert_eq!(s.components.consistency, 0.5);
        assert_eq!(s.components.fulfillment_rate, 1.0);
        assert_eq!(s.median_rounds_to_agreement, 0);
        // Many offers: responsiveness tails off but not below 0.5.
        let mut busy = attestation(1);
        busy["parties"][0]["behavior"]["offers_made"] = json!(40);
        let s = ReputationScorer::default()
            .score(&did("alice"), &records(&[busy]), &ScoreFilter::default())
            .unwrap()
            .unwrap();
        assert_eq!(s.components.responsiveness, 0.5);
        // A flagged record halves the score at most.
        let atts = [attestation(1)];
        let clean = ReputationScorer::default()
            .score(&did("alice"), &records(&atts), &ScoreFilter::default())
            .unwrap()
            .unwrap();
        let flagged = [RecordedAttestation {
            attestation: &atts[0],
            sybil_flagged: true,
        }];
        let penalised = ReputationScorer::default()
            .score(&did("alice"), &flagged, &ScoreFilter::default())
            .unwrap()
            .unwrap();
        assert_eq!(penalised.overall_score, clean.overall_score * 0.5);
        assert_eq!(penalised.confidence, clean.confidence * (1.0 - 0.3));
    }
}
