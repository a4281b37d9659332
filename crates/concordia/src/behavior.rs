//! Behaviour records: the quantified signals of one party's conduct in a session (SPEC §9.6.2),
//! tracked by [`crate::session`] and carried in attestations.

use serde_json::{Map, Value};

/// What one party did in a session.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BehaviorRecord {
    /// Offers and counters sent.
    pub offers_made: u32,
    /// Offers that moved toward the counterparty.
    pub concessions: u32,
    /// Running mean of the relative movement of numeric terms per concession, in [0, ∞).
    pub concession_magnitude: f64,
    /// Preference signals shared.
    pub signals_shared: u32,
    /// Constraints declared.
    pub constraints_declared: u32,
    /// Constraints later violated.
    pub constraints_violated: u32,
    /// Whether any message carried reasoning.
    pub reasoning_provided: bool,
    /// Whether the party withdrew.
    pub withdrawal: bool,
    /// Mean response time in seconds.
    pub response_time_avg_seconds: f64,
}

/// Rounds half to even at `digits` decimals, as Python's `round` does on the double's exact
/// value (the reference rounds the magnitude to 4 places and the time to 2).
fn py_round(value: f64, digits: i32) -> f64 {
    if !value.is_finite() {
        return 0.0;
    }
    // Python rounds the exact binary value; formatting with enough digits and re-parsing
    // reproduces it for the magnitudes a behaviour record holds.
    let scaled = format!("{value:.*}", usize::try_from(digits).unwrap_or(0));
    scaled.parse().unwrap_or(0.0)
}

impl BehaviorRecord {
    /// The record as the reference's `to_dict` writes it: magnitude rounded to 4 decimals,
    /// response time to 2.
    #[must_use]
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("offers_made".into(), Value::from(self.offers_made));
        m.insert("concessions".into(), Value::from(self.concessions));
        m.insert(
            "concession_magnitude".into(),
            float_value(py_round(self.concession_magnitude, 4)),
        );
        m.insert("signals_shared".into(), Value::from(self.signals_shared));
        m.insert(
            "constraints_declared".into(),
            Value::from(self.constraints_declared),
        );
        m.insert(
            "constraints_violated".into(),
            Value::from(self.constraints_violated),
        );
        m.insert(
            "reasoning_provided".into(),
            Value::Bool(self.reasoning_provided),
        );
        m.insert("withdrawal".into(), Value::Bool(self.withdrawal));
        m.insert(
            "response_time_avg_seconds".into(),
            float_value(py_round(self.response_time_avg_seconds, 2)),
        );
        Value::Object(m)
    }
}

fn float_value(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::from(0), Value::Number)
}
