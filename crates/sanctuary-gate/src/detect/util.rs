//! Small shared helpers for the byte-level detectors.
//!
//! Everything here is allocation-free, panic-free and bounded: look-arounds read a fixed number of
//! bytes, context look-back reads at most a caller-given window, and digit runs are walked once,
//! in fixed-size chunks, so callers stay linear in the input length however hostile it is.
//!
//! Offsets are byte offsets into the `&str` the detector was given. Helpers that take `&[u8]`
//! expect the bytes of that same string; ASCII bytes are always char boundaries, which is why
//! detectors anchor on ASCII bytes only.

/// True for an ASCII letter, digit or `_`: a byte that continues an identifier-like word.
#[inline]
pub(crate) fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// True for a character that continues a word in any script: alphanumerics and `_`.
#[inline]
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The character that ends just before byte offset `i`; `None` at the start of the text or when
/// `i` is not a char boundary.
#[inline]
pub(crate) fn char_before(text: &str, i: usize) -> Option<char> {
    text.get(..i)?.chars().next_back()
}

/// The character that starts at byte offset `i`; `None` at the end or off a char boundary.
#[inline]
pub(crate) fn char_at(text: &str, i: usize) -> Option<char> {
    text.get(i..)?.chars().next()
}

/// True when offset `i` is not preceded by a word character (letter or digit of any script, `_`).
#[inline]
pub(crate) fn boundary_before(text: &str, i: usize) -> bool {
    !char_before(text, i).is_some_and(is_word_char)
}

/// True when offset `i` is not followed by a word character (letter or digit of any script, `_`).
#[inline]
pub(crate) fn boundary_after(text: &str, i: usize) -> bool {
    !char_at(text, i).is_some_and(is_word_char)
}

/// The byte at `i`, or `0` when `i` is out of range. Detectors only ever compare the result with
/// printable ASCII, so "no byte" and a NUL byte are equally uninteresting.
#[inline]
pub(crate) fn byte_at(bytes: &[u8], i: usize) -> u8 {
    bytes.get(i).copied().unwrap_or(0)
}

/// The byte `back` positions before offset `i` (`back = 1` is the byte just before `i`), or `0`
/// when that is before the start.
#[inline]
pub(crate) fn byte_before(bytes: &[u8], i: usize, back: usize) -> u8 {
    match i.checked_sub(back) {
        Some(k) => byte_at(bytes, k),
        None => 0,
    }
}

/// The offset of the first ASCII digit at or after `from`.
#[inline]
pub(crate) fn next_digit(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    rest.iter()
        .position(u8::is_ascii_digit)
        .and_then(|p| p.checked_add(from))
}

/// The offset just after the run of ASCII digits that starts at `from` (`from` itself when there
/// is no digit there).
#[inline]
pub(crate) fn skip_digits(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while byte_at(bytes, i).is_ascii_digit() {
        i += 1;
    }
    i
}

/// True when the decimal digit values in `digits` (each 0–9, most significant first) pass the
/// Luhn (mod 10) check used by payment cards and IMEIs. Empty input is not valid.
pub(crate) fn luhn_valid(digits: &[u8]) -> bool {
    if digits.is_empty() {
        return false;
    }
    let mut sum: u32 = 0;
    for (k, &d) in digits.iter().rev().enumerate() {
        let d = u32::from(d % 10);
        // Every second digit from the right is doubled; a two-digit product counts its digit sum.
        let v = if k % 2 == 1 {
            let x = d * 2;
            if x > 9 { x - 9 } else { x }
        } else {
            d
        };
        sum = (sum + v) % 10;
    }
    sum == 0
}

/// The default context look-back, in bytes: far enough for "phone number: " or "routing no. "
/// plus some slack, short enough that a word in an unrelated earlier clause does not count.
pub(crate) const CONTEXT_WINDOW: usize = 32;

/// Looks for one of `words` in the `window` bytes before `pos`, case-insensitively, and returns
/// the offset just after the match that starts closest to `pos`.
///
/// Word syntax: ASCII letters match either case; a space matches one or more of space, tab,
/// newline, `-` and `_` (so `"account number"` also matches `account_number`); a trailing `*`
/// turns off the end-of-word check (`"telefon*"` matches "Telefonnummer"); any other byte, UTF-8
/// included, matches itself. A match must start at a word start: after a non-alphanumeric
/// character, or at a lower-to-upper case change (`homePhone`). It must end at a word end (or at
/// `pos`) unless the word has the trailing `*`. Cost: at most `window × words` short comparisons.
pub(crate) fn context_before(
    text: &str,
    pos: usize,
    window: usize,
    words: &[&str],
) -> Option<usize> {
    let bytes = text.as_bytes();
    let pos = pos.min(bytes.len());
    let mut ws = pos.saturating_sub(window);
    while ws < pos && !text.is_char_boundary(ws) {
        ws += 1;
    }
    // Bitmask of the words' (lowercased) first bytes: most window bytes start no word.
    let mut firsts = [0u64; 4];
    for w in words {
        if let Some(&b) = w.as_bytes().first() {
            let b = b.to_ascii_lowercase();
            if let Some(m) = firsts.get_mut(usize::from(b >> 6)) {
                *m |= 1 << (b & 63);
            }
        }
    }
    let mut i = pos;
    while i > ws {
        i -= 1;
        let first = byte_at(bytes, i).to_ascii_lowercase();
        if firsts
            .get(usize::from(first >> 6))
            .is_none_or(|m| m & (1 << (first & 63)) == 0)
        {
            continue;
        }
        for w in words {
            let pat = w.as_bytes();
            if pat.first().map(u8::to_ascii_lowercase) != Some(first) {
                continue;
            }
            let Some((end, prefix)) = match_word(bytes, i, pos, pat) else {
                continue;
            };
            if word_starts_at(text, i) && (prefix || end == pos || word_ends_at(text, end)) {
                return Some(end);
            }
        }
    }
    None
}

/// Matches `pat` (see [`context_before`]) at `at`, reading no further than `limit`; returns the
/// end of the match and whether the pattern was a prefix pattern (trailing `*`).
fn match_word(bytes: &[u8], at: usize, limit: usize, pat: &[u8]) -> Option<(usize, bool)> {
    let mut i = at;
    let mut k = 0;
    while let Some(&p) = pat.get(k) {
        if p == b'*' && k + 1 == pat.len() {
            return Some((i, true));
        }
        if p == b' ' {
            let s = i;
            while i < limit
                && matches!(
                    byte_at(bytes, i),
                    b' ' | b'\t' | b'\n' | b'\r' | b'-' | b'_'
                )
            {
                i += 1;
            }
            if i == s {
                return None;
            }
        } else {
            if i >= limit || !byte_at(bytes, i).eq_ignore_ascii_case(&p) {
                return None;
            }
            i += 1;
        }
        k += 1;
    }
    Some((i, false))
}

/// True when a word may start at `i`: no alphanumeric before it, or a lower-to-upper case change.
fn word_starts_at(text: &str, i: usize) -> bool {
    match char_before(text, i) {
        None => true,
        Some(p) if !p.is_alphanumeric() => true,
        Some(p) => p.is_lowercase() && char_at(text, i).is_some_and(char::is_uppercase),
    }
}

/// True when a word may end at `i`: no alphanumeric after it, or a lower-to-upper case change.
fn word_ends_at(text: &str, i: usize) -> bool {
    match char_at(text, i) {
        None => true,
        Some(n) if !n.is_alphanumeric() => true,
        Some(n) => n.is_uppercase() && char_before(text, i).is_some_and(char::is_lowercase),
    }
}

/// How many digit groups one [`Chunk`] holds.
pub(crate) const CHUNK_GROUPS: usize = 64;

/// How many groups consecutive chunks of one long run share. Any segment of at most
/// [`MAX_SEGMENT_GROUPS`] groups lies wholly inside some chunk, so splitting a long run into
/// chunks never hides a finding.
pub(crate) const CHUNK_OVERLAP: usize = 20;

/// The longest segment, in groups, that [`search_segments`] examines (one-by-one spaced card
/// numbers need 19).
pub(crate) const MAX_SEGMENT_GROUPS: usize = CHUNK_OVERLAP - 1;

/// One maximal run of ASCII digits: `start..end` byte offsets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Group {
    /// Offset of the first digit.
    pub(crate) start: usize,
    /// Offset just after the last digit.
    pub(crate) end: usize,
}

impl Group {
    /// Number of digits in the group.
    #[inline]
    pub(crate) fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }
}

/// Up to [`CHUNK_GROUPS`] consecutive digit groups of one run (digit groups joined by short
/// separators), as produced by [`RunScanner::scan`].
#[derive(Debug)]
pub(crate) struct Chunk<'a> {
    /// The whole text's bytes, for reading digits and separators.
    bytes: &'a [u8],
    /// The groups; only the first `len` are meaningful.
    groups: [Group; CHUNK_GROUPS],
    /// `prefix[k]` is the number of digits in groups `0..k`.
    prefix: [usize; CHUNK_GROUPS + 1],
    /// Number of groups held.
    len: usize,
    /// Group 0 is the first group of the run.
    first: bool,
    /// The last group held is the last group of the run.
    last: bool,
}

impl<'a> Chunk<'a> {
    /// An empty chunk over `bytes`.
    fn new(bytes: &'a [u8]) -> Self {
        Chunk {
            bytes,
            groups: [Group::default(); CHUNK_GROUPS],
            prefix: [0; CHUNK_GROUPS + 1],
            len: 0,
            first: true,
            last: false,
        }
    }

    /// Appends a group; returns false (and does nothing) when the chunk is full.
    fn push(&mut self, g: Group) -> bool {
        let Some(slot) = self.groups.get_mut(self.len) else {
            return false;
        };
        *slot = g;
        let before = self.prefix.get(self.len).copied().unwrap_or(0);
        if let Some(p) = self.prefix.get_mut(self.len + 1) {
            *p = before.saturating_add(g.len());
        }
        self.len += 1;
        true
    }

    /// Keeps only the last [`CHUNK_OVERLAP`] groups, for the next chunk of the same run.
    fn shift(&mut self) {
        let keep_from = self.len.saturating_sub(CHUNK_OVERLAP);
        self.groups.copy_within(keep_from..self.len, 0);
        let kept = self.len - keep_from;
        self.len = 0;
        self.first = false;
        for k in 0..kept {
            let g = self.groups.get(k).copied().unwrap_or_default();
            // Re-pushing rebuilds the prefix sums; it cannot fail because kept < capacity.
            let _ = self.push(g);
        }
    }

    /// The groups held.
    #[inline]
    pub(crate) fn groups(&self) -> &[Group] {
        self.groups.get(..self.len).unwrap_or(&[])
    }

    /// Number of groups held.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Group `k`, or an empty group when out of range.
    #[inline]
    pub(crate) fn group(&self, k: usize) -> Group {
        self.groups().get(k).copied().unwrap_or_default()
    }

    /// True when group 0 is the first group of the whole run (so what precedes it is the run's
    /// left context, not a separator).
    #[inline]
    pub(crate) fn is_run_start(&self) -> bool {
        self.first
    }

    /// True when the last group held is the last group of the whole run.
    #[inline]
    pub(crate) fn is_run_end(&self) -> bool {
        self.last
    }

    /// The separator bytes between group `k - 1` and group `k` (empty for `k = 0` or out of
    /// range).
    #[inline]
    pub(crate) fn sep_before(&self, k: usize) -> &'a [u8] {
        if k == 0 || k >= self.len {
            return &[];
        }
        let a = self.group(k - 1).end;
        let b = self.group(k).start;
        self.bytes.get(a..b).unwrap_or(&[])
    }

    /// Number of digits in groups `i..j`.
    #[inline]
    pub(crate) fn digit_count(&self, i: usize, j: usize) -> usize {
        let a = self.prefix.get(i).copied().unwrap_or(0);
        let b = self.prefix.get(j).copied().unwrap_or(a);
        b.saturating_sub(a)
    }

    /// Copies the digit values (0–9) of groups `i..j` into `buf`; returns how many were copied, or
    /// `None` when they do not all fit.
    pub(crate) fn digits_into(&self, i: usize, j: usize, buf: &mut [u8]) -> Option<usize> {
        let mut n = 0;
        for g in self.groups().get(i..j)? {
            for &b in self.bytes.get(g.start..g.end)? {
                *buf.get_mut(n)? = b.wrapping_sub(b'0');
                n += 1;
            }
        }
        Some(n)
    }
}

/// Walks runs of digit groups, reusing one chunk buffer for every run of a text (a fresh buffer
/// per run would cost a kilobyte of zeroing for every number in number-dense text).
#[derive(Debug)]
pub(crate) struct RunScanner<'a> {
    /// The reused chunk.
    chunk: Chunk<'a>,
}

impl<'a> RunScanner<'a> {
    /// A scanner over the text's bytes.
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        RunScanner {
            chunk: Chunk::new(bytes),
        }
    }

    /// Walks the run of digit groups starting at `start` (which should be an ASCII digit): groups
    /// of digits joined by separators of 1 to `max_sep` bytes, each byte accepted by `is_sep`,
    /// followed by another digit. Calls `f` once per chunk of at most [`CHUNK_GROUPS`] groups;
    /// consecutive chunks share [`CHUNK_OVERLAP`] groups. Returns the offset just after the run's
    /// last digit (`start` itself when there is no digit at `start`).
    pub(crate) fn scan(
        &mut self,
        start: usize,
        max_sep: usize,
        is_sep: impl Fn(u8) -> bool,
        mut f: impl FnMut(&Chunk<'a>),
    ) -> usize {
        let bytes = self.chunk.bytes;
        if !byte_at(bytes, start).is_ascii_digit() {
            return start;
        }
        let chunk = &mut self.chunk;
        chunk.len = 0;
        chunk.first = true;
        chunk.last = false;
        let mut pos = start;
        loop {
            let end = skip_digits(bytes, pos);
            let g = Group { start: pos, end };
            if !chunk.push(g) {
                f(chunk);
                chunk.shift();
                // After a shift the chunk has room, so this push succeeds.
                let _ = chunk.push(g);
            }
            let mut k = 0;
            while k < max_sep && is_sep(byte_at(bytes, end + k)) {
                k += 1;
            }
            if k == 0 || !byte_at(bytes, end + k).is_ascii_digit() {
                chunk.last = true;
                f(chunk);
                return end;
            }
            pos = end + k;
        }
    }
}

/// Greedy search for findings among a chunk's groups: tries segments `i..j` from the earliest
/// start, longest first, and after a finding continues at its end.
///
/// `start_ok(i)` / `end_ok(j)` say whether a number may start at group `i ≥ 1` / end before group
/// `j < len` (usually: the separator there is plain whitespace; a caller may be stricter about
/// starts). Segments span at most `max_groups` groups (capped at [`MAX_SEGMENT_GROUPS`]) and hold
/// a number of digits within `digits`; others are skipped without calling `accept`. At a chunk
/// edge that is not the run's edge, segments may neither start at group 0 nor end at the last
/// group: the neighbouring chunk examines those. `accept(i, j)` reports a finding (returning
/// true) or declines.
pub(crate) fn search_segments(
    chunk: &Chunk<'_>,
    max_groups: usize,
    digits: std::ops::RangeInclusive<usize>,
    start_ok: impl Fn(usize) -> bool,
    end_ok: impl Fn(usize) -> bool,
    mut accept: impl FnMut(usize, usize) -> bool,
) {
    let n = chunk.len();
    let lo = usize::from(!chunk.is_run_start());
    let hi = if chunk.is_run_end() {
        n
    } else {
        n.saturating_sub(1)
    };
    let max_groups = max_groups.clamp(1, MAX_SEGMENT_GROUPS);
    let mut i = lo;
    while i < hi {
        if i == 0 || start_ok(i) {
            // Digit counts grow with j, so the candidate ends form one contiguous range.
            let mut jmax = i;
            while jmax < (i + max_groups).min(hi) && chunk.digit_count(i, jmax + 1) <= *digits.end()
            {
                jmax += 1;
            }
            let mut found = None;
            let mut j = jmax;
            while j > i && chunk.digit_count(i, j) >= *digits.start() {
                if (j == n || end_ok(j)) && accept(i, j) {
                    found = Some(j);
                    break;
                }
                j -= 1;
            }
            if let Some(j) = found {
                i = j;
                continue;
            }
        }
        i += 1;
    }
}

/// Lower-cases `word` (any script: `MÄRZ` → `märz`) into `buf` without allocating and returns
/// it; `None` if it does not fit.
pub(crate) fn lower_into<'a>(word: &str, buf: &'a mut [u8]) -> Option<&'a str> {
    if word.is_ascii() {
        // Fast path: ASCII case folding byte by byte.
        let dst = buf.get_mut(..word.len())?;
        dst.copy_from_slice(word.as_bytes());
        dst.make_ascii_lowercase();
        return std::str::from_utf8(dst).ok();
    }
    let mut n = 0usize;
    for c in word.chars().flat_map(char::to_lowercase) {
        let mut tmp = [0u8; 4];
        let enc = c.encode_utf8(&mut tmp).as_bytes();
        buf.get_mut(n..n + enc.len())?.copy_from_slice(enc);
        n += enc.len();
    }
    std::str::from_utf8(buf.get(..n)?).ok()
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Helpers shared by the detectors' tests.

    use crate::kind::{Kind, Span};

    /// A small xorshift64* generator: deterministic, dependency-free pseudo-randomness.
    #[derive(Debug)]
    pub(crate) struct XorShift(pub(crate) u64);

    impl XorShift {
        /// The next pseudo-random value.
        pub(crate) fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        /// A value in `0..n` (`n > 0`).
        pub(crate) fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Fragments that exercise the scanners' edges: digits, separators, anchors, context words
    /// and multi-byte characters.
    const FRAGMENTS: &[&str] = &[
        "0",
        "1",
        "4",
        "9",
        "00",
        "+",
        "(",
        ")",
        "-",
        ".",
        ",",
        ":",
        "::",
        "/",
        " ",
        "  ",
        "@",
        "[at]",
        " at ",
        " dot ",
        "[dot]",
        "(dot)",
        "°",
        "'",
        "\"",
        "′′",
        "N",
        "W",
        "E",
        "S",
        "e",
        "f",
        "ab",
        "x",
        "v",
        "DE",
        "GB89",
        "phone ",
        "tel:",
        "SSN ",
        "routing ",
        "acct ",
        "lat ",
        " lon ",
        "geo:",
        "é",
        "€",
        "日本",
        "😀",
        "\u{0}",
        "\n",
        "%",
        "#",
        "$",
        "_",
        "4111",
        "1111",
        "415",
        "555",
        "2671",
        "192",
        "168",
        "255",
        "fe80",
        "ffff",
        "2001",
        "db8",
        "example",
        "com",
        "john.doe",
        "%eth0",
        "37.7749",
        "-122.4194",
        "1234",
        "5678",
    ];

    /// Many pseudo-random strings built from [`FRAGMENTS`], plus a few long repetitive ones.
    pub(crate) fn adversarial_inputs() -> Vec<String> {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let mut v = Vec::new();
        for _ in 0..3000 {
            let n = 1 + rng.below(40);
            let mut s = String::new();
            for _ in 0..n {
                s.push_str(FRAGMENTS[rng.below(FRAGMENTS.len())]);
            }
            v.push(s);
        }
        for unit in [
            "1 ",
            "1.",
            "4 1 ",
            "9-",
            "a@",
            "@a.",
            "::",
            "1:",
            "°1'",
            "0.1234, ",
            " at x dot ",
        ] {
            v.push(unit.repeat(5000));
        }
        v.push("9".repeat(100_000));
        v.push("é1".repeat(10_000));
        v
    }

    /// Asserts that every span is in bounds, non-empty, on char boundaries and of one of `kinds`.
    /// Runs a detector on `text`, checks its spans (in bounds, non-empty, on char boundaries,
    /// of `kinds`) and returns the texts they cover, in the detector's order.
    pub(crate) fn found_texts<'a>(
        find: fn(&str, &mut Vec<Span>),
        kinds: &[Kind],
        text: &'a str,
    ) -> Vec<&'a str> {
        let mut out = Vec::new();
        find(text, &mut out);
        assert_spans_ok(text, &out, kinds);
        out.iter().map(|s| &text[s.start..s.end]).collect()
    }

    /// `count` pseudo-random strings of up to `max_pieces` pieces drawn from `pieces`.
    pub(crate) fn random_mix(
        seed: u64,
        pieces: &[&str],
        count: usize,
        max_pieces: usize,
    ) -> Vec<String> {
        let mut rng = XorShift(seed);
        (0..count)
            .map(|_| {
                let n = rng.below(max_pieces);
                (0..n).map(|_| pieces[rng.below(pieces.len())]).collect()
            })
            .collect()
    }

    /// Asserts that a detector finds nothing in `text` (e.g. a benign prose sample).
    pub(crate) fn assert_no_hits(find: fn(&str, &mut Vec<Span>), text: &str) {
        let mut out = Vec::new();
        find(text, &mut out);
        let hits: Vec<&str> = out.iter().map(|s| &text[s.start..s.end]).collect();
        assert!(hits.is_empty(), "{hits:?}");
    }

    pub(crate) fn assert_spans_ok(text: &str, spans: &[Span], kinds: &[Kind]) {
        for s in spans {
            assert!(s.start < s.end, "empty span {s:?} in {text:?}");
            assert!(s.end <= text.len(), "span {s:?} out of bounds in {text:?}");
            assert!(
                text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
                "span {s:?} off a char boundary"
            );
            assert!(kinds.contains(&s.kind), "unexpected kind {s:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_known_values() {
        let d = |s: &str| s.bytes().map(|b| b - b'0').collect::<Vec<u8>>();
        assert!(luhn_valid(&d("4111111111111111")));
        assert!(luhn_valid(&d("79927398713")));
        assert!(!luhn_valid(&d("4111111111111112")));
        assert!(!luhn_valid(&d("79927398710")));
        assert!(!luhn_valid(&[]));
    }

    #[test]
    fn boundaries() {
        let t = "ab 12_x é1";
        assert!(boundary_before(t, 0));
        assert!(!boundary_before(t, 1));
        assert!(boundary_before(t, 3));
        assert!(!boundary_after(t, 4)); // '_' follows "12"
        assert!(!boundary_before(t, t.len() - 1)); // 'é' precedes the final digit
        assert!(boundary_after(t, t.len()));
        assert_eq!(char_before(t, 100), None);
    }

    #[test]
    fn context_lookback() {
        let w = &["phone*", "call me", "tel"];
        let t = "My phone: 12345";
        assert_eq!(context_before(t, 10, CONTEXT_WINDOW, w), Some(8));
        assert!(context_before("homePhone=12345", 10, CONTEXT_WINDOW, w).is_some());
        assert!(context_before("home_phone 12345", 11, CONTEXT_WINDOW, w).is_some());
        assert!(context_before("CALL   ME 12345", 10, CONTEXT_WINDOW, w).is_some());
        assert!(context_before("call_me 12345", 8, CONTEXT_WINDOW, w).is_some());
        // "tel" inside "hotel" and "tell" are not the word "tel".
        assert!(context_before("hotel 12345", 6, CONTEXT_WINDOW, w).is_none());
        assert!(context_before("tell 12345", 5, CONTEXT_WINDOW, w).is_none());
        // Outside the window.
        let far = format!("phone{} 12345", " ".repeat(40));
        assert!(context_before(&far, far.len() - 5, CONTEXT_WINDOW, w).is_none());
        // The window start may fall inside a multi-byte char.
        let m = "ééééééééééééééééé phone 1";
        assert!(context_before(m, m.len() - 1, 9, w).is_some());
        assert!(context_before(m, m.len() - 1, 5, w).is_none());
        assert!(context_before("", 0, 32, w).is_none());
        assert!(context_before("x", 99, 32, w).is_none());
    }

    #[test]
    fn chunks_cover_long_runs() {
        let text = "7 ".repeat(100);
        let mut seen = Vec::new();
        let mut calls = 0;
        let end = RunScanner::new(text.as_bytes()).scan(
            0,
            1,
            |b| b == b' ',
            |c| {
                calls += 1;
                search_segments(
                    c,
                    1,
                    0..=usize::MAX,
                    |_| true,
                    |_| true,
                    |i, _| {
                        seen.push(c.group(i).start);
                        true
                    },
                );
            },
        );
        assert_eq!(end, 199);
        assert!(calls > 1);
        let want: Vec<usize> = (0..100).map(|k| 2 * k).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen, want);
    }

    #[test]
    fn segments_respect_chunk_edges() {
        // Inside a long run, a chunk that does not start (end) the run must not offer segments
        // that start at its first (end at its last) group: the neighbouring chunk owns those.
        let text = "12 ".repeat(150);
        let mut chunks = 0;
        RunScanner::new(text.as_bytes()).scan(
            0,
            1,
            |b| b == b' ',
            |c| {
                chunks += 1;
                let n = c.len();
                search_segments(
                    c,
                    5,
                    0..=usize::MAX,
                    |_| true,
                    |_| true,
                    |i, j| {
                        assert!(c.is_run_start() || i > 0, "segment at chunk start");
                        assert!(c.is_run_end() || j < n, "segment at chunk end");
                        false
                    },
                );
            },
        );
        assert!(chunks >= 3);
    }

    #[test]
    fn chunk_digits_and_seps() {
        let text = "12-345 6";
        let mut ok = false;
        RunScanner::new(text.as_bytes()).scan(
            0,
            1,
            |b| b == b'-' || b == b' ',
            |c| {
                assert_eq!(c.len(), 3);
                assert_eq!(c.sep_before(1), b"-");
                assert_eq!(c.sep_before(2), b" ");
                assert_eq!(c.sep_before(0), b"");
                assert_eq!(c.digit_count(0, 3), 6);
                assert_eq!(c.digit_count(1, 2), 3);
                let mut buf = [0u8; 6];
                assert_eq!(c.digits_into(0, 3, &mut buf), Some(6));
                assert_eq!(buf, [1, 2, 3, 4, 5, 6]);
                let mut small = [0u8; 2];
                assert_eq!(c.digits_into(0, 3, &mut small), None);
                ok = c.is_run_start() && c.is_run_end();
            },
        );
        assert!(ok);
        assert_eq!(RunScanner::new(b"x").scan(0, 1, |_| true, |_| {}), 0);
    }
}
