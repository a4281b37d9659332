//! Text encodings used across Sanctuary: base64url (RFC 4648 §5), lowercase hex and base58btc.
//!
//! Every decoder here is strict about what it accepts and total: it returns an
//! [`EncodingError`] and never panics, whatever the input.
//!
//! ```
//! use sanctuary_core::encoding::{base64url_decode, base64url_encode, Padding};
//!
//! let padded = base64url_encode(b"hi", Padding::Padded);
//! let bare = base64url_encode(b"hi", Padding::Unpadded);
//! assert_eq!((padded.as_str(), bare.as_str()), ("aGk=", "aGk"));
//! // Both spellings decode to the same bytes.
//! assert_eq!(base64url_decode(&padded)?, b"hi");
//! assert_eq!(base64url_decode(&bare)?, b"hi");
//! # Ok::<(), sanctuary_core::encoding::EncodingError>(())
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::GeneralPurpose;
use base64::engine::{DecodePaddingMode, GeneralPurposeConfig};

/// Why a string could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodingError {
    /// The input is not valid base64url (wrong alphabet, bad padding, or non-zero trailing bits).
    #[error("invalid base64url")]
    Base64,
    /// The input is not an even-length string of hex digits.
    #[error("invalid hex")]
    Hex,
    /// The input has a character outside the base58btc alphabet.
    #[error("invalid base58btc")]
    Base58,
    /// The input is longer than the decoder accepts.
    #[error("encoded input too long: {len} characters, at most {max}")]
    TooLong {
        /// Length of the input.
        len: usize,
        /// The decoder's limit.
        max: usize,
    },
    /// The decoded bytes do not have the length the caller asked for.
    #[error("wrong decoded length: {actual} bytes, expected {expected}")]
    Length {
        /// Bytes decoded.
        actual: usize,
        /// Bytes expected.
        expected: usize,
    },
}

/// Whether [`base64url_encode`] appends `=` padding.
///
/// Sanctuary's own formats emit [`Padding::Unpadded`]; Concordia messages emit
/// [`Padding::Padded`] because the Python reference verifier rejects unpadded signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Padding {
    /// Append `=` to a multiple of four characters.
    Padded,
    /// No padding.
    Unpadded,
}

const PADDED: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical)
        .with_decode_allow_trailing_bits(false),
);

const UNPADDED: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(false),
);

/// Encodes bytes as base64url (RFC 4648 §5), with or without padding.
#[must_use]
pub fn base64url_encode(bytes: &[u8], padding: Padding) -> String {
    match padding {
        Padding::Padded => PADDED.encode(bytes),
        Padding::Unpadded => UNPADDED.encode(bytes),
    }
}

/// Decodes base64url, padded or not.
///
/// Rejects the standard alphabet's `+` and `/`, misplaced or partial padding and
/// non-zero trailing bits, so every byte string has exactly two accepted spellings
/// (padded and unpadded).
pub fn base64url_decode(text: &str) -> Result<Vec<u8>, EncodingError> {
    // Text with padding must be padded exactly; text without must need none.
    let engine = if text.ends_with('=') {
        &PADDED
    } else {
        &UNPADDED
    };
    engine.decode(text).map_err(|_| EncodingError::Base64)
}

/// Decodes base64url (padded or not) into exactly `N` bytes.
pub fn base64url_decode_array<const N: usize>(text: &str) -> Result<[u8; N], EncodingError> {
    // A quick bound before allocating: N bytes need at most 4 * ceil(N / 3) characters.
    let max = N.div_ceil(3) * 4;
    if text.len() > max {
        return Err(EncodingError::TooLong {
            len: text.len(),
            max,
        });
    }
    let bytes = base64url_decode(text)?;
    <[u8; N]>::try_from(bytes.as_slice()).map_err(|_| EncodingError::Length {
        actual: bytes.len(),
        expected: N,
    })
}

/// The lowercase ASCII hex digit of the low four bits of `nibble`.
pub(crate) fn hex_digit_ascii(nibble: u8) -> u8 {
    let nibble = nibble & 0x0f;
    if nibble < 10 {
        b'0' + nibble
    } else {
        b'a' + (nibble - 10)
    }
}

fn hex_digit(nibble: u8) -> char {
    char::from(hex_digit_ascii(nibble))
}

/// Encodes bytes as lowercase hex.
#[must_use]
pub fn hex_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(hex_digit(b >> 4));
        out.push(hex_digit(b & 0x0f));
    }
    out
}

fn hex_value(c: u8, allow_upper: bool) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' if allow_upper => Some(c - b'A' + 10),
        _ => None,
    }
}

fn hex_decode_inner(text: &str, allow_upper: bool) -> Result<Vec<u8>, EncodingError> {
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return Err(EncodingError::Hex);
    }
    bytes
        .chunks_exact(2)
        .map(|pair| match pair {
            [hi, lo] => Some((hex_value(*hi, allow_upper)? << 4) | hex_value(*lo, allow_upper)?),
            _ => None,
        })
        .collect::<Option<Vec<u8>>>()
        .ok_or(EncodingError::Hex)
}

/// Decodes hex, accepting upper- and lowercase digits.
pub fn hex_decode(text: &str) -> Result<Vec<u8>, EncodingError> {
    hex_decode_inner(text, true)
}

/// Decodes lowercase hex only: the one spelling Sanctuary emits, for places where the text
/// itself is compared or hashed (digests, identity ids).
pub fn hex_decode_lower(text: &str) -> Result<Vec<u8>, EncodingError> {
    hex_decode_inner(text, false)
}

/// Deserialises a string (borrowed when the input allows) and parses it with `parse`; the
/// parser's error becomes the deserialiser's. Every string-shaped type in this crate reads
/// through here.
pub fn deserialize_parsed<'de, D, T, E>(
    deserializer: D,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    E: std::fmt::Display,
{
    let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
    parse(&text).map_err(serde::de::Error::custom)
}

const BASE58_ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// Longest base58btc text [`base58btc_decode`] accepts. Decoding is quadratic in the length,
/// so the bound keeps hostile input cheap; it is far above any key encoding.
pub const BASE58_MAX_LEN: usize = 256;

/// Encodes bytes in base58btc (the Bitcoin alphabet), leading zero bytes as `1`s.
#[must_use]
pub fn base58btc_encode(bytes: &[u8]) -> String {
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    // Little-endian base-58 digits of the number formed by the remaining bytes.
    let mut digits: Vec<u8> = Vec::with_capacity(bytes.len() * 138 / 100 + 1);
    for &byte in bytes.iter().skip(zeros) {
        let mut carry = u32::from(byte);
        for digit in &mut digits {
            carry += u32::from(*digit) << 8;
            *digit = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let mut out = String::with_capacity(zeros + digits.len());
    out.extend(std::iter::repeat_n('1', zeros));
    out.extend(
        digits
            .iter()
            .rev()
            .filter_map(|&d| BASE58_ALPHABET.get(usize::from(d)).copied().map(char::from)),
    );
    out
}

fn base58_value(c: u8) -> Option<u8> {
    BASE58_ALPHABET
        .iter()
        .position(|&a| a == c)
        .and_then(|p| u8::try_from(p).ok())
}

/// Decodes base58btc. Input longer than [`BASE58_MAX_LEN`] is refused.
pub fn base58btc_decode(text: &str) -> Result<Vec<u8>, EncodingError> {
    let input = text.as_bytes();
    if input.len() > BASE58_MAX_LEN {
        return Err(EncodingError::TooLong {
            len: input.len(),
            max: BASE58_MAX_LEN,
        });
    }
    let ones = input.iter().take_while(|&&c| c == b'1').count();
    // Little-endian base-256 bytes of the number.
    let mut bytes: Vec<u8> = Vec::with_capacity(input.len());
    for &c in input.iter().skip(ones) {
        let mut carry = u32::from(base58_value(c).ok_or(EncodingError::Base58)?);
        for byte in &mut bytes {
            carry += u32::from(*byte) * 58;
            *byte = (carry & 0xff) as u8;
            carry >>= 8;
        }
        while carry > 0 {
            bytes.push((carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    let mut out = vec![0u8; ones];
    out.extend(bytes.iter().rev());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_both_paddings_and_strictness() {
        for (raw, padded, bare) in [
            (&b""[..], "", ""),
            (b"f", "Zg==", "Zg"),
            (b"fo", "Zm8=", "Zm8"),
            (b"foo", "Zm9v", "Zm9v"),
            (b"\xfb\xff", "-_8=", "-_8"),
        ] {
            assert_eq!(base64url_encode(raw, Padding::Padded), padded);
            assert_eq!(base64url_encode(raw, Padding::Unpadded), bare);
            assert_eq!(base64url_decode(padded).as_deref(), Ok(raw));
            assert_eq!(base64url_decode(bare).as_deref(), Ok(raw));
        }
        // Standard alphabet, partial padding, trailing bits, whitespace: all refused.
        for bad in ["+/8=", "Zg=", "Zh==", "Zg== ", "Z", "Zm9v=", "Zm 9v"] {
            assert_eq!(base64url_decode(bad), Err(EncodingError::Base64), "{bad:?}");
        }
        assert_eq!(
            base64url_decode_array::<2>("Zm9v"),
            Err(EncodingError::Length {
                actual: 3,
                expected: 2
            })
        );
        assert!(matches!(
            base64url_decode_array::<2>("Zm9vZm9v"),
            Err(EncodingError::TooLong { .. })
        ));
    }

    #[test]
    fn hex_round_trip_and_rejections() {
        assert_eq!(hex_encode(&[0x00, 0xab, 0xff]), "00abff");
        assert_eq!(hex_decode("00ABff"), Ok(vec![0x00, 0xab, 0xff]));
        assert_eq!(hex_decode_lower("00ABff"), Err(EncodingError::Hex));
        assert_eq!(hex_decode("abc"), Err(EncodingError::Hex));
        assert_eq!(hex_decode("zz"), Err(EncodingError::Hex));
        assert_eq!(hex_decode("é1"), Err(EncodingError::Hex));
    }

    // Vectors from the Bitcoin Core base58 encode/decode test data.
    #[test]
    fn base58_known_answers() {
        for (hex, b58) in [
            ("", ""),
            ("61", "2g"),
            ("626262", "a3gV"),
            ("636363", "aPEr"),
            (
                "73696d706c792061206c6f6e6720737472696e67",
                "2cFupjhnEsSn59qHXstmK2ffpLv2",
            ),
            (
                "00eb15231dfceb60925886b67d065299925915aeb172c06647",
                "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L",
            ),
            ("516b6fcd0f", "ABnLTmg"),
            ("bf4f89001e670274dd", "3SEo3LWLoPntC"),
            ("572e4794", "3EFU7m"),
            ("ecac89cad93923c02321", "EJDM8drfXA6uyA"),
            ("10c8511e", "Rt5zm"),
            ("00000000000000000000", "1111111111"),
        ] {
            let bytes = hex_decode(hex).unwrap_or_default();
            assert_eq!(base58btc_encode(&bytes), b58);
            assert_eq!(base58btc_decode(b58), Ok(bytes));
        }
        for bad in ["0", "O", "I", "l", "abc+", "é"] {
            assert_eq!(base58btc_decode(bad), Err(EncodingError::Base58), "{bad:?}");
        }
        let long = "2".repeat(BASE58_MAX_LEN + 1);
        assert!(matches!(
            base58btc_decode(&long),
            Err(EncodingError::TooLong { .. })
        ));
    }
}
