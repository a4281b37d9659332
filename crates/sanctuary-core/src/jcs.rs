//! Canonical JSON: the JSON Canonicalization Scheme, RFC 8785 (JCS).
//!
//! Every signed or hashed JSON object in Sanctuary goes through this module, so two parties
//! that hold the same data always produce the same bytes.
//!
//! ```
//! use sanctuary_core::jcs;
//!
//! let canonical = jcs::from_str(r#"{ "b": 1.0, "a": [1e-6, "\u00e9"] }"#)?;
//! assert_eq!(canonical, r#"{"a":[0.000001,"é"],"b":1}"#.as_bytes());
//! # Ok::<(), sanctuary_core::jcs::JcsError>(())
//! ```
//!
//! # What the output looks like
//!
//! - Object members are sorted by the UTF-16 code units of their names (so `"\u{1F600}"`,
//!   whose first unit is `0xD83D`, sorts before `"\u{FFFF}"`), arrays keep their order,
//!   and there is no white space.
//! - Strings escape only `"` and `\`, use the short escapes `\b \f \n \r \t`, and write other
//!   control characters as lowercase `\u00xx`; everything else, U+2028, U+2029 and U+007F
//!   included, is written as UTF-8.
//! - Numbers are written as ECMAScript's `Number.prototype.toString` writes the IEEE 754
//!   double they denote: `1.0` → `1`, `1e-06` → `0.000001`, `1e30` → `1e+30`.
//!
//! # Decisions the RFC leaves to us
//!
//! - **NaN and ±Infinity** cannot be written in JSON; [`from_str`] rejects the tokens and
//!   numbers too large for a double (`1e400`), and a [`serde_json::Value`] cannot hold them.
//!   A Rust value holding a non-finite `f32`/`f64` is refused by [`from_serialize`] with
//!   [`JcsError::NonFinite`] (plain `serde_json::to_value` would silently turn it into `null`,
//!   and a signature would then cover a value the caller does not hold).
//! - **Negative zero** is written `0`, as ECMAScript does; `-0` and `0` canonicalise alike.
//! - **Integers beyond 2^53.** JCS models every number as a double, so an integer above 2^53
//!   may be rounded, and two different integers would then share one canonical form (and one
//!   signature). We refuse to let that happen silently: an integer whose canonical form is not
//!   its own decimal spelling is rejected with [`JcsError::InexactInteger`]. So
//!   `9007199254740993` (2^53 + 1, which a double cannot hold) is refused, `9007199254740994`
//!   is accepted, and `1152921504606846976` (2^60, printed by ECMAScript as
//!   `1152921504606847000`) is refused. Carry large integers as strings, as RFC 8785 §6
//!   recommends. Numbers written with a fraction or an exponent are doubles by definition and
//!   are formatted, never refused.
//! - **Duplicate member names** are rejected by [`from_str`] and [`parse`] (the RFC requires
//!   I-JSON input, and parsers that keep the first or the last duplicate disagree about what
//!   was signed).
//! - **Depth**: at most [`MAX_DEPTH`] nested arrays and objects.
//! - **Lone surrogates** (`"\ud800"`) are rejected when parsing; a Rust `String` cannot hold one.

use crate::encoding::hex_digit_ascii;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::cmp::Ordering;
use std::fmt;

mod finite;

/// The deepest nesting of arrays and objects accepted: 127, the limit of serde_json's parser.
pub const MAX_DEPTH: usize = 127;

/// Why a value could not be canonicalised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JcsError {
    /// The text is not JSON (or uses NaN, Infinity, a lone surrogate, or a number too large
    /// for a double).
    #[error("invalid json at line {line} column {column}: {reason}")]
    Syntax {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What the parser found.
        reason: String,
    },
    /// An object repeats a member name.
    #[error("duplicate member name {name:?}")]
    DuplicateKey {
        /// The repeated name.
        name: String,
    },
    /// An integer that has no exact canonical form (see the module docs).
    #[error("integer {value} has no exact canonical form; carry it as a string")]
    InexactInteger {
        /// The integer as given.
        value: String,
    },
    /// A Rust value holds NaN or an infinity, which JSON cannot carry.
    #[error("non-finite number (NaN or infinity) has no json form")]
    NonFinite,
    /// Arrays and objects nest deeper than [`MAX_DEPTH`].
    #[error("json nests deeper than {max} levels")]
    TooDeep {
        /// The limit.
        max: usize,
    },
    /// A Rust value could not be turned into JSON (for example a map with non-string keys).
    #[error("value is not representable as json: {reason}")]
    Unrepresentable {
        /// What serde reported.
        reason: String,
    },
}

impl JcsError {
    fn from_parse(err: &serde_json::Error) -> Self {
        let text = err.to_string();
        if let Some(name) = text
            .strip_prefix(DUPLICATE_PREFIX)
            .and_then(|rest| rest.split(DUPLICATE_SUFFIX).next())
        {
            return JcsError::DuplicateKey {
                name: name.to_owned(),
            };
        }
        if text.starts_with("recursion limit exceeded") {
            return JcsError::TooDeep { max: MAX_DEPTH };
        }
        // serde_json appends " at line L column C"; keep only the reason.
        let reason = text
            .rsplit_once(" at line ")
            .map_or(text.as_str(), |(head, _)| head)
            .to_owned();
        JcsError::Syntax {
            line: err.line(),
            column: err.column(),
            reason,
        }
    }
}

// The duplicate-key error travels through serde_json as a custom message; these markers
// let us turn it back into a typed error.
const DUPLICATE_PREFIX: &str = "jcs-duplicate-member\u{1}";
const DUPLICATE_SUFFIX: &str = "\u{1}";

/// Canonicalises a JSON value (RFC 8785).
///
/// ```
/// let value = serde_json::json!({"z": [true, null], "a": "x"});
/// assert_eq!(sanctuary_core::jcs::to_vec(&value)?, br#"{"a":"x","z":[true,null]}"#);
/// # Ok::<(), sanctuary_core::jcs::JcsError>(())
/// ```
pub fn to_vec(value: &Value) -> Result<Vec<u8>, JcsError> {
    let mut out = Vec::with_capacity(256);
    write_value(value, &mut out, 0)?;
    Ok(out)
}

/// Canonicalises a JSON value and appends the bytes to `out` (so a caller can prefix a domain
/// tag without copying). On error `out` is left as it was.
pub fn append_to(value: &Value, out: &mut Vec<u8>) -> Result<(), JcsError> {
    let start = out.len();
    let result = write_value(value, out, 0);
    if result.is_err() {
        out.truncate(start);
    }
    result
}

/// Parses JSON text strictly (see [`parse`]) and returns its canonical bytes.
///
/// ```
/// let a = sanctuary_core::jcs::from_str("{\"n\": 1.50, \"m\": 1E2}")?;
/// let b = sanctuary_core::jcs::from_str("{\"m\":100,\"n\":1.5}")?;
/// assert_eq!(a, b);
/// assert!(sanctuary_core::jcs::from_str("{\"n\": NaN}").is_err());
/// # Ok::<(), sanctuary_core::jcs::JcsError>(())
/// ```
pub fn from_str(text: &str) -> Result<Vec<u8>, JcsError> {
    to_vec(&parse(text)?)
}

/// Canonicalises any serializable Rust value.
///
/// Non-finite floats are refused ([`JcsError::NonFinite`]) rather than turned into `null`.
///
/// ```
/// #[derive(serde::Serialize)]
/// struct Price { amount: f64, currency: &'static str }
///
/// let bytes = sanctuary_core::jcs::from_serialize(&Price { amount: 12.5, currency: "EUR" })?;
/// assert_eq!(bytes, br#"{"amount":12.5,"currency":"EUR"}"#);
/// let nan = sanctuary_core::jcs::from_serialize(&Price { amount: f64::NAN, currency: "EUR" });
/// assert_eq!(nan, Err(sanctuary_core::jcs::JcsError::NonFinite));
/// # Ok::<(), sanctuary_core::jcs::JcsError>(())
/// ```
pub fn from_serialize<T: serde::Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, JcsError> {
    to_vec(&to_json_value(value)?)
}

/// Turns a serializable Rust value into a [`Value`], refusing non-finite floats.
pub fn to_json_value<T: serde::Serialize + ?Sized>(value: &T) -> Result<Value, JcsError> {
    finite::check(value).map_err(|refusal| match refusal {
        finite::Refusal::NonFinite => JcsError::NonFinite,
        finite::Refusal::Custom(reason) => JcsError::Unrepresentable { reason },
    })?;
    serde_json::to_value(value).map_err(|e| JcsError::Unrepresentable {
        reason: e.to_string(),
    })
}

/// Parses JSON text into a [`Value`], rejecting duplicate member names, trailing content,
/// NaN/Infinity, lone surrogates, numbers out of double range and nesting deeper than
/// [`MAX_DEPTH`].
pub fn parse(text: &str) -> Result<Value, JcsError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let StrictValue(value) =
        StrictValue::deserialize(&mut de).map_err(|e| JcsError::from_parse(&e))?;
    de.end().map_err(|e| JcsError::from_parse(&e))?;
    Ok(value)
}

/// A [`Value`] whose deserialisation rejects duplicate member names.
struct StrictValue(Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("non-finite number"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(StrictValue(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            if object.contains_key(&name) {
                return Err(de::Error::custom(format_args!(
                    "{DUPLICATE_PREFIX}{name}{DUPLICATE_SUFFIX}"
                )));
            }
            let StrictValue(value) = map.next_value()?;
            object.insert(name, value);
        }
        Ok(Value::Object(object))
    }
}

fn write_value(value: &Value, out: &mut Vec<u8>, depth: usize) -> Result<(), JcsError> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => write_number(n, out)?,
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            if depth >= MAX_DEPTH {
                return Err(JcsError::TooDeep { max: MAX_DEPTH });
            }
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(item, out, depth + 1)?;
            }
            out.push(b']');
        }
        Value::Object(map) => {
            if depth >= MAX_DEPTH {
                return Err(JcsError::TooDeep { max: MAX_DEPTH });
            }
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            // serde_json's default map is already in code-point order, which equals UTF-16
            // order unless names hold characters at or above U+E000; check before sorting
            // (a map with `preserve_order` enabled elsewhere in the build arrives unsorted).
            if !members
                .windows(2)
                .all(|pair| matches!(pair, [a, b] if utf16_cmp(a.0, b.0) == Ordering::Less))
            {
                members.sort_unstable_by(|a, b| utf16_cmp(a.0, b.0));
            }
            out.push(b'{');
            for (i, (name, member)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(name, out);
                out.push(b':');
                write_value(member, out, depth + 1)?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

/// Compares two strings by their UTF-16 code units, as RFC 8785 §3.2.3 orders member names.
#[must_use]
pub fn utf16_cmp(a: &str, b: &str) -> Ordering {
    // UTF-8 byte order is code-point order. It differs from UTF-16 order only where one
    // string has a supplementary character (4-byte UTF-8, lead 0xF0..=0xF4, a surrogate pair
    // in UTF-16) and the other a character in U+E000..=U+FFFF (lead 0xEE or 0xEF) at the
    // first difference. Compare bytes, and fall back to UTF-16 only in that case.
    let (ab, bb) = (a.as_bytes(), b.as_bytes());
    let Some(i) = ab.iter().zip(bb).position(|(x, y)| x != y) else {
        return ab.len().cmp(&bb.len());
    };
    // Walk back to the start of the character that differs.
    let start = (0..=i).rev().find(|&j| a.is_char_boundary(j)).unwrap_or(0);
    match (ab.get(start), bb.get(start)) {
        (Some(&x), Some(&y)) if x >= 0xee && y >= 0xee => {
            let (ta, tb) = (a.get(start..).unwrap_or(""), b.get(start..).unwrap_or(""));
            ta.encode_utf16().cmp(tb.encode_utf16())
        }
        _ => ab.get(i).cmp(&bb.get(i)),
    }
}

fn write_string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut run_start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x0c => b"\\f",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x00..=0x1f => &[],
            _ => continue,
        };
        out.extend_from_slice(bytes.get(run_start..i).unwrap_or_default());
        if escape.is_empty() {
            out.extend_from_slice(b"\\u00");
            out.push(hex_digit_ascii(b >> 4));
            out.push(hex_digit_ascii(b));
        } else {
            out.extend_from_slice(escape);
        }
        run_start = i + 1;
    }
    out.extend_from_slice(bytes.get(run_start..).unwrap_or_default());
    out.push(b'"');
}

/// 2^53: integers up to this magnitude are exact doubles with a plain decimal canonical form.
const EXACT_LIMIT: u64 = 1 << 53;

fn write_number(n: &Number, out: &mut Vec<u8>) -> Result<(), JcsError> {
    if let Some(u) = n.as_u64() {
        write_integer(u, false, out)
    } else if let Some(i) = n.as_i64() {
        write_integer(i.unsigned_abs(), i < 0, out)
    } else if let Some(f) = n.as_f64() {
        write_f64(f, out);
        Ok(())
    } else {
        // Unreachable without serde_json's `arbitrary_precision`; refuse rather than guess.
        Err(JcsError::InexactInteger {
            value: n.to_string(),
        })
    }
}

fn write_integer(magnitude: u64, negative: bool, out: &mut Vec<u8>) -> Result<(), JcsError> {
    let mut digits = itoa_u64(magnitude);
    if magnitude > EXACT_LIMIT {
        // The canonical form is that of the nearest double; accept only if it spells the
        // same integer (see the module docs).
        #[expect(
            clippy::cast_precision_loss,
            reason = "rounding to the nearest double is the point: JCS numbers are doubles"
        )]
        let nearest = magnitude as f64;
        let mut canonical = Vec::with_capacity(24);
        write_f64(nearest, &mut canonical);
        if canonical != digits.as_bytes() {
            if negative {
                digits.insert(0, '-');
            }
            return Err(JcsError::InexactInteger { value: digits });
        }
    }
    if negative && magnitude != 0 {
        out.push(b'-');
    }
    out.extend_from_slice(digits.as_bytes());
    Ok(())
}

fn itoa_u64(mut n: u64) -> String {
    let mut buf = [0u8; 20];
    let mut pos = buf.len();
    loop {
        pos -= 1;
        if let Some(slot) = buf.get_mut(pos) {
            *slot = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.get(pos..)
        .map(|d| d.iter().map(|&c| char::from(c)).collect())
        .unwrap_or_default()
}

/// Formats a finite double as ECMAScript `Number.prototype.toString` does (RFC 8785 §3.2.2.3).
/// Returns `None` for NaN and the infinities, which JSON cannot carry.
///
/// ```
/// use sanctuary_core::jcs::format_f64;
/// assert_eq!(format_f64(1e21).as_deref(), Some("1e+21"));
/// assert_eq!(format_f64(1e-7).as_deref(), Some("1e-7"));
/// assert_eq!(format_f64(123.456).as_deref(), Some("123.456"));
/// assert_eq!(format_f64(-0.0).as_deref(), Some("0"));
/// assert_eq!(format_f64(f64::NAN), None);
/// ```
#[must_use]
pub fn format_f64(value: f64) -> Option<String> {
    if !value.is_finite() {
        return None;
    }
    let mut out = Vec::with_capacity(24);
    write_f64(value, &mut out);
    String::from_utf8(out).ok()
}

/// Writes a finite double in ECMAScript form. The caller guarantees finiteness (a
/// `serde_json::Number` is always finite).
fn write_f64(value: f64, out: &mut Vec<u8>) {
    if value == 0.0 {
        // Both zeros.
        out.push(b'0');
        return;
    }
    if value < 0.0 {
        out.push(b'-');
    }
    // ryu gives the shortest digit string that round-trips, the same digits ECMAScript's
    // algorithm selects; only the layout differs, so take ryu's digits and exponent and lay
    // them out the ECMAScript way.
    let mut buffer = ryu::Buffer::new();
    let text = buffer.format_finite(value.abs()).as_bytes();
    let (mantissa, exponent) = match text.iter().position(|&c| c == b'e') {
        Some(e) => (
            text.get(..e).unwrap_or_default(),
            parse_exponent(text.get(e + 1..).unwrap_or_default()),
        ),
        None => (text, 0),
    };
    // Digits of the mantissa without the point; `point` = digits before the decimal point.
    let mut digits = [0u8; 32];
    let mut count = 0usize;
    let mut point: i32 = 0;
    let mut seen_point = false;
    for &c in mantissa {
        if c == b'.' {
            seen_point = true;
            continue;
        }
        if count == 0 && c == b'0' {
            // Leading zero: a zero before the point moves nothing; after the point it shifts.
            if seen_point {
                point -= 1;
            }
            continue;
        }
        if let Some(slot) = digits.get_mut(count) {
            *slot = c;
            count += 1;
        }
        if !seen_point {
            point += 1;
        }
    }
    while count > 1 && digits.get(count - 1) == Some(&b'0') {
        count -= 1;
    }
    let digits = digits.get(..count).unwrap_or_default();
    // value = 0.d1d2…dk × 10^n
    let n = point + exponent;
    let k = i32::try_from(count).unwrap_or(i32::MAX);
    if k <= n && n <= 21 {
        out.extend_from_slice(digits);
        out.extend(std::iter::repeat_n(
            b'0',
            usize::try_from(n - k).unwrap_or(0),
        ));
    } else if 0 < n && n <= 21 {
        let split = usize::try_from(n).unwrap_or(0);
        let (int, frac) = digits.split_at(split.min(digits.len()));
        out.extend_from_slice(int);
        out.push(b'.');
        out.extend_from_slice(frac);
    } else if -6 < n && n <= 0 {
        out.extend_from_slice(b"0.");
        out.extend(std::iter::repeat_n(b'0', usize::try_from(-n).unwrap_or(0)));
        out.extend_from_slice(digits);
    } else {
        let e = n - 1;
        let (first, rest) = digits.split_at(1.min(digits.len()));
        out.extend_from_slice(first);
        if !rest.is_empty() {
            out.push(b'.');
            out.extend_from_slice(rest);
        }
        out.push(b'e');
        out.push(if e < 0 { b'-' } else { b'+' });
        out.extend_from_slice(itoa_u64(u64::from(e.unsigned_abs())).as_bytes());
    }
}

fn parse_exponent(text: &[u8]) -> i32 {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let magnitude = digits
        .iter()
        .fold(0i32, |acc, &d| acc * 10 + i32::from(d - b'0'));
    if negative { -magnitude } else { magnitude }
}
