//! Behaviour records: the quantified signals of one party's conduct in a session (SPEC §9.6.2),
//! tracked by [`crate::session`] and carried in attestations.
//!
//! [`BehaviorRecord::observe`] counts what one message says about its sender, and
//! [`compute_concession`] measures how far a party's offer moved from its previous one; the
//! session calls both for every message it accepts, exactly where the reference's
//! `_track_behavior` and `_compute_concession` do.
//!
//! # Deviations from the Python reference
//!
//! - The movements of the terms are summed with Neumaier's compensated summation, as the
//!   reference's `sum()` does on Python 3.12 and later (the generator of the published fixtures
//!   ran on 3.12); Python 3.11 sums naively and can differ in the last bit when three or more
//!   terms moved. Terms are visited in code-point order of their names rather than the
//!   sender's member order, which the compensated sum makes immaterial in all but contrived
//!   cases.
//! - A movement that is not finite (a subnormal previous value, say) is reported as `None` by
//!   [`compute_concession`] and the session refuses the offer, where the reference would carry
//!   an infinity into a record that then cannot be canonicalised or signed.

use crate::types::MessageType;
use serde_json::{Map, Value};

/// What one party did in a session.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
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
    /// Counts one accepted message of `kind` from this party: offers and counters (with the
    /// concession they made, if one was measured against the party's previous offer), signals,
    /// constraints, a withdrawal, and whether it carried non-empty reasoning.
    ///
    /// Returns `None`, leaving the record unchanged, when the running mean of the concession
    /// magnitude would not be finite.
    #[must_use]
    pub fn observe(
        &self,
        kind: MessageType,
        concession: Option<f64>,
        reasoning: bool,
    ) -> Option<BehaviorRecord> {
        let mut next = *self;
        match kind {
            MessageType::Offer | MessageType::Counter => {
                next.offers_made = next.offers_made.saturating_add(1);
                if let Some(moved) = concession.filter(|m| *m > 0.0) {
                    next.concessions = next.concessions.saturating_add(1);
                    let n = f64::from(next.concessions);
                    // The reference's running mean, operation for operation.
                    let mean = (next.concession_magnitude * (n - 1.0) + moved) / n;
                    if !mean.is_finite() {
                        return None;
                    }
                    next.concession_magnitude = mean;
                }
            }
            MessageType::Signal => next.signals_shared = next.signals_shared.saturating_add(1),
            MessageType::Constrain => {
                next.constraints_declared = next.constraints_declared.saturating_add(1);
            }
            MessageType::Withdraw => next.withdrawal = true,
            _ => {}
        }
        if reasoning {
            next.reasoning_provided = true;
        }
        Some(next)
    }

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

/// A term value as the reference's `isinstance(v, (int, float))` sees it: booleans are the
/// integers 0 and 1.
#[derive(Clone, Copy)]
enum Num {
    Int(i128),
    Float(f64),
}

fn numeric(term: &Value) -> Option<Num> {
    match term.get("value")? {
        Value::Bool(b) => Some(Num::Int(i128::from(*b))),
        Value::Number(n) => n
            .as_i64()
            .map(|i| Num::Int(i128::from(i)))
            .or_else(|| n.as_u64().map(|u| Num::Int(i128::from(u))))
            .or_else(|| n.as_f64().map(Num::Float)),
        _ => None,
    }
}

#[expect(
    clippy::cast_precision_loss,
    reason = "integers above 2^53 are rounded to the nearest double, as Python's float(int)"
)]
fn int_to_f64(i: i128) -> f64 {
    i as f64
}

/// Below 2^53 integers convert to doubles exactly, so one IEEE division is correctly rounded.
const EXACT_INT: u128 = 1 << 53;

/// `a / b` rounded to the nearest double (ties to even) from the exact quotient, as Python's
/// `int / int` does; `a` and `b` are at most 2^65 and `b` is not zero.
fn divide_exact(a: u128, b: u128) -> Option<f64> {
    if b == 0 {
        return None;
    }
    if a <= EXACT_INT && b <= EXACT_INT {
        return Some(int_to_f64(i128::try_from(a).ok()?) / int_to_f64(i128::try_from(b).ok()?));
    }
    // Long division until the quotient has 55 significant bits (53, a guard bit and one
    // more), the remainder standing for every bit after them.
    let mut quotient = a / b;
    let mut remainder = a % b;
    let mut fraction_bits: i32 = 0;
    while 128 - quotient.leading_zeros() < 55 && fraction_bits < 200 {
        remainder <<= 1;
        quotient <<= 1;
        if remainder >= b {
            remainder -= b;
            quotient |= 1;
        }
        fraction_bits += 1;
    }
    if quotient == 0 {
        return Some(0.0);
    }
    let significant = 128 - quotient.leading_zeros();
    let shift = significant.saturating_sub(53);
    let mut mantissa = quotient >> shift;
    if shift > 0 {
        let dropped = quotient & ((1u128 << shift) - 1);
        let half = 1u128 << (shift - 1);
        let sticky = remainder != 0;
        if dropped > half || (dropped == half && (sticky || mantissa & 1 == 1)) {
            mantissa += 1;
        }
    }
    let exponent = i32::try_from(shift).ok()? - fraction_bits;
    Some(int_to_f64(i128::try_from(mantissa).ok()?) * 2f64.powi(exponent))
}

/// `|curr − prev| / |prev|`, or `None` when `prev` is zero (the reference skips such terms).
fn movement(prev: Num, curr: Num) -> Option<f64> {
    match (prev, curr) {
        (Num::Int(0), _) => None,
        (Num::Int(p), Num::Int(c)) => {
            divide_exact(c.checked_sub(p)?.unsigned_abs(), p.unsigned_abs())
        }
        (Num::Int(p), Num::Float(c)) => {
            let p = int_to_f64(p);
            Some((c - p).abs() / p.abs())
        }
        // Zero and negative zero alike, as Python's `prev != 0`.
        (Num::Float(p), _) if p.abs() == 0.0 => None,
        (Num::Float(p), Num::Int(c)) => Some((int_to_f64(c) - p).abs() / p.abs()),
        (Num::Float(p), Num::Float(c)) => Some((c - p).abs() / p.abs()),
    }
}

/// CPython's `sum()` of floats (3.12+): the first item, then Neumaier's compensated sum.
fn compensated_sum(values: &[f64]) -> f64 {
    let mut iter = values.iter().copied();
    let Some(first) = iter.next() else {
        return 0.0;
    };
    let mut sum = first;
    let mut compensation = 0.0_f64;
    for x in iter {
        let t = sum + x;
        if sum.abs() >= x.abs() {
            compensation += (sum - t) + x;
        } else {
            compensation += (x - t) + sum;
        }
        sum = t;
    }
    if compensation != 0.0 && compensation.is_finite() {
        sum += compensation;
    }
    sum
}

/// How far an offer's terms moved from the same party's previous offer: the mean over the
/// terms present in both with numeric `value`s (booleans count as 0 and 1) and a non-zero
/// previous value of `|curr − prev| / |prev|`; `0.0` when no term qualifies.
///
/// Term entries that are not objects are skipped (the session refuses such offers before
/// asking). Returns `None` when the result is not finite.
#[must_use]
pub fn compute_concession(prev: &Map<String, Value>, curr: &Map<String, Value>) -> Option<f64> {
    let mut movements = Vec::new();
    for (term, before) in prev {
        let Some(after) = curr.get(term) else {
            continue;
        };
        if let (Some(p), Some(c)) = (numeric(before), numeric(after))
            && let Some(m) = movement(p, c)
        {
            movements.push(m);
        }
    }
    if movements.is_empty() {
        return Some(0.0);
    }
    let count = u32::try_from(movements.len()).ok()?;
    let mean = compensated_sum(&movements) / f64::from(count);
    mean.is_finite().then_some(mean)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn terms(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn concession_known_answers_from_the_reference() {
        // Produced by the reference's `Session._compute_concession`.
        let cases = [
            (
                json!({"a": {"value": 3}, "b": {"value": 7}, "c": {"value": 11}}),
                json!({"a": {"value": 1}, "b": {"value": 5}, "c": {"value": 2}}),
                0.5901875901875901,
            ),
            (
                json!({"x": {"value": 0.1}, "y": {"value": 0.2}, "z": {"value": 0.3}}),
                json!({"x": {"value": 0.7}, "y": {"value": 0.9}, "z": {"value": 0.31}}),
                3.177777777777777,
            ),
            (
                json!({"n": {"value": 10}}),
                json!({"n": {"value": 2.5}}),
                0.75,
            ),
            (
                json!({"n": {"value": -4.0}}),
                json!({"n": {"value": 1}}),
                1.25,
            ),
            // Python divides the exact integers: (2^53) / (2^53 + 1) rounds below 1.
            (
                json!({"n": {"value": 9007199254740993_u64}}),
                json!({"n": {"value": 1}}),
                0.9999999999999999,
            ),
            (
                json!({"n": {"value": u64::MAX}}),
                json!({"n": {"value": i64::MIN}}),
                1.5,
            ),
            (
                json!({"n": {"value": 3}}),
                json!({"n": {"value": 18446744073709551557_u64}}),
                6.148914691236517e18,
            ),
            (
                json!({"n": {"value": 18446744073709551557_u64}}),
                json!({"n": {"value": 2}}),
                1.0,
            ),
            (
                json!({"n": {"value": 12345678901234567_i64}}),
                json!({"n": {"value": -98765432109876543_i64}}),
                9.0000000729,
            ),
            (
                json!({"n": {"value": 0.0}}),
                json!({"n": {"value": 1}}),
                0.0,
            ),
            (
                json!({"n": {"value": "7"}}),
                json!({"n": {"value": 1}}),
                0.0,
            ),
            (
                json!({"n": {"value": true}}),
                json!({"n": {"value": 3}}),
                2.0,
            ),
        ];
        for (prev, curr, expected) in cases {
            let got = compute_concession(&terms(prev.clone()), &terms(curr.clone())).unwrap();
            assert_eq!(
                got.to_bits(),
                f64::to_bits(expected),
                "{prev} -> {curr}: {got}"
            );
        }
    }

    #[test]
    fn non_finite_movements_are_refused() {
        let prev = terms(json!({"n": {"value": 5e-324}}));
        let curr = terms(json!({"n": {"value": 1e308}}));
        assert_eq!(compute_concession(&prev, &curr), None);
        let big = BehaviorRecord {
            concessions: 1,
            concession_magnitude: f64::MAX,
            ..BehaviorRecord::default()
        };
        assert_eq!(big.observe(MessageType::Offer, Some(f64::MAX), false), None);
    }

    #[test]
    fn observe_counts_as_the_reference_does() {
        let r = BehaviorRecord::default();
        let r = r.observe(MessageType::Offer, None, false).unwrap();
        let r = r.observe(MessageType::Counter, Some(0.0), true).unwrap();
        assert_eq!(
            (r.offers_made, r.concessions, r.reasoning_provided),
            (2, 0, true)
        );
        let r = r
            .observe(MessageType::Offer, Some(0.35 / 2.0), false)
            .unwrap();
        let r = r.observe(MessageType::Offer, Some(0.5), false).unwrap();
        assert_eq!(r.concessions, 2);
        assert_eq!(
            r.concession_magnitude.to_bits(),
            ((0.175_f64 * 1.0 + 0.5) / 2.0).to_bits()
        );
        let r = r.observe(MessageType::Signal, None, false).unwrap();
        let r = r.observe(MessageType::Constrain, None, false).unwrap();
        let r = r.observe(MessageType::Withdraw, None, false).unwrap();
        let r = r.observe(MessageType::Accept, Some(9.0), false).unwrap();
        assert_eq!(
            (
                r.signals_shared,
                r.constraints_declared,
                r.withdrawal,
                r.offers_made,
                r.concessions
            ),
            (1, 1, true, 4, 2)
        );
        assert_eq!(r.to_value()["concession_magnitude"], json!(0.3375));
    }
}
