//! Byte-level token helpers shared by the secret, crypto-key and seed-phrase detectors.
//!
//! Everything here works on the UTF-8 bytes of the (normalised) text and only ever looks at
//! ASCII bytes, so an offset it returns is a char boundary whenever the byte at that offset
//! (or the end of the text) is ASCII. All helpers are total: out-of-range positions simply
//! answer "no".

use crate::kind::{Kind, Span};

/// True for bytes that continue an identifier-like word: ASCII letters, digits and `_`.
///
/// Token boundaries are defined against this set: `xghp_…` or `task-…` must not be read as a
/// `ghp_` or `sk-` token, while `"ghp_…"`, `=sk-…` or `/AKIA…` must.
#[must_use]
pub(crate) const fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// True when a token may start at `pos`: at the start of the text or right after a byte that
/// is not a [word byte](is_word_byte).
///
/// Non-ASCII bytes count as boundaries: a key pasted straight after CJK text or an emoji,
/// with no space, must still be found.
#[must_use]
pub(crate) fn boundary_before(bytes: &[u8], pos: usize) -> bool {
    match pos.checked_sub(1) {
        None => true,
        Some(prev) => bytes.get(prev).is_none_or(|&b| !is_word_byte(b)),
    }
}

/// True when a token may end at `end`: at the end of the text or before a byte that is not a
/// [word byte](is_word_byte).
#[must_use]
pub(crate) fn boundary_after(bytes: &[u8], end: usize) -> bool {
    bytes.get(end).is_none_or(|&b| !is_word_byte(b))
}

/// The end of the longest run of bytes from `start` satisfying `pred` (`start` itself when
/// the first byte fails or `start` is past the end).
#[must_use]
pub(crate) fn take_while(bytes: &[u8], start: usize, pred: impl Fn(u8) -> bool) -> usize {
    let run = bytes
        .get(start..)
        .map_or(0, |rest| rest.iter().take_while(|&&b| pred(b)).count());
    start.saturating_add(run)
}

/// Like [`take_while`] but looks at no more than `max` bytes: the end is at most
/// `start + max`. Callers pass one more than the longest run they accept and treat an end at
/// the limit as "too long", so a scan never costs more than `max` whatever the text holds.
#[must_use]
pub(crate) fn take_while_max(
    bytes: &[u8],
    start: usize,
    max: usize,
    pred: impl Fn(u8) -> bool,
) -> usize {
    let run = bytes.get(start..).map_or(0, |rest| {
        rest.iter().take(max).take_while(|&&b| pred(b)).count()
    });
    start.saturating_add(run)
}

/// Whether `bytes[pos..]` starts with `needle`, comparing ASCII letters case-insensitively.
/// `needle` may contain any bytes; non-letters must match exactly.
#[must_use]
pub(crate) fn starts_with_ci(bytes: &[u8], pos: usize, needle: &[u8]) -> bool {
    pos.checked_add(needle.len())
        .and_then(|end| bytes.get(pos..end))
        .is_some_and(|hay| hay.eq_ignore_ascii_case(needle))
}

/// True when a context word may start at `pos`: after a non-letter (or at the text start), or
/// at a lower-to-upper camel-case step (`privateKey`, `txHash`).
///
/// This keeps short context words from matching inside unrelated words (`tx` in `context`,
/// `key` in `monkey`) while still finding them in identifiers.
#[must_use]
pub(crate) fn is_context_word_start(bytes: &[u8], pos: usize) -> bool {
    let Some(prev) = pos.checked_sub(1).and_then(|p| bytes.get(p).copied()) else {
        return true;
    };
    if !prev.is_ascii_alphabetic() {
        return true;
    }
    prev.is_ascii_lowercase() && bytes.get(pos).is_some_and(u8::is_ascii_uppercase)
}

/// Whether one of `needles` (lowercase ASCII) occurs, ignoring ASCII case and starting at a
/// [context word start](is_context_word_start), entirely within the `window` bytes before
/// `pos`.
///
/// The cost is bounded by `window × needles.len()` whatever the text, so detectors can call
/// it once per candidate without risking quadratic time.
#[must_use]
pub(crate) fn context_before(bytes: &[u8], pos: usize, window: usize, needles: &[&[u8]]) -> bool {
    let pos = pos.min(bytes.len());
    let lo = pos.saturating_sub(window);
    (lo..pos).any(|at| {
        is_context_word_start(bytes, at)
            && needles.iter().any(|needle| {
                at.checked_add(needle.len()).is_some_and(|end| end <= pos)
                    && starts_with_ci(bytes, at, needle)
            })
    })
}

/// Shannon entropy of the byte distribution of `bytes`, in bits per byte (0 for empty input).
///
/// Uniformly random base64 of length 32 scores about 4.5 and base62 of length 32 about 4.5
/// (the 0.1 % quantile is ≈ 4.1); lowercase hex cannot exceed 4.0; English words score
/// 3.5–4.2. The detectors combine it with structural tests because entropy alone cannot
/// tell a long identifier from a token.
#[must_use]
pub(crate) fn shannon_entropy(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u64; 256];
    for &b in bytes {
        if let Some(slot) = counts.get_mut(usize::from(b)) {
            *slot = slot.saturating_add(1);
        }
    }
    let total = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / total;
            -p * p.log2()
        })
        .sum()
}

/// Appends a span of `kind` over `start..end` when it is non-empty, in bounds and on char
/// boundaries of `text`; silently drops it otherwise.
///
/// The scanners only produce offsets at ASCII bytes, so the check never fails in practice;
/// it is a cheap guarantee of the detector contract rather than a code path.
pub(crate) fn push_span(text: &str, out: &mut Vec<Span>, kind: Kind, start: usize, end: usize) {
    if start < end
        && end <= text.len()
        && text.is_char_boundary(start)
        && text.is_char_boundary(end)
    {
        out.push(Span::new(kind, start, end));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries() {
        let b = b"xghp_ ghp_";
        assert!(boundary_before(b, 0));
        assert!(!boundary_before(b, 1));
        assert!(boundary_before(b, 6));
        assert!(boundary_after(b, 5));
        assert!(!boundary_after(b, 4));
        assert!(boundary_after(b, b.len()));
        assert!(boundary_before("é".as_bytes(), 2));
        assert_eq!(take_while(b"abc1-", 0, |c| c.is_ascii_alphabetic()), 3);
        assert_eq!(take_while(b"abc", 9, |c| c.is_ascii_alphabetic()), 9);
        assert_eq!(
            take_while_max(b"abcdef", 1, 3, |c| c.is_ascii_alphabetic()),
            4
        );
        assert_eq!(take_while_max(b"ab1", 0, 9, |c| c.is_ascii_alphabetic()), 2);
    }

    #[test]
    fn context_lookback_is_word_anchored_and_bounded() {
        let t = b"the privateKey is ";
        assert!(context_before(t, t.len(), 32, &[b"key"]));
        assert!(context_before(t, t.len(), 32, &[b"private"]));
        assert!(!context_before(b"the monkey: ", 12, 32, &[b"key"]));
        assert!(!context_before(b"context: ", 9, 32, &[b"tx"]));
        assert!(context_before(b"TX_HASH ", 8, 32, &[b"tx"]));
        // Outside the window: not found.
        assert!(!context_before(
            b"key and then a lot more text",
            28,
            10,
            &[b"key"]
        ));
        // A needle that would run past `pos` does not count.
        assert!(!context_before(b"ke", 2, 10, &[b"key"]));
        assert!(!context_before(b"", 5, 10, &[b"key"]));
    }

    #[test]
    fn entropy_values() {
        assert!(shannon_entropy(b"").abs() < 1e-12);
        assert!(shannon_entropy(b"aaaa").abs() < 1e-12);
        assert!((shannon_entropy(b"abcd") - 2.0).abs() < 1e-12);
        assert!((shannon_entropy(b"0123456789abcdef") - 4.0).abs() < 1e-12);
    }

    #[test]
    fn push_span_checks() {
        let mut out = Vec::new();
        push_span("héllo", &mut out, Kind::Secret, 0, 2); // inside é
        push_span("héllo", &mut out, Kind::Secret, 3, 3); // empty
        push_span("héllo", &mut out, Kind::Secret, 3, 99); // out of bounds
        assert!(out.is_empty());
        push_span("héllo", &mut out, Kind::Secret, 0, 3);
        assert_eq!(out, vec![Span::new(Kind::Secret, 0, 3)]);
    }
}
