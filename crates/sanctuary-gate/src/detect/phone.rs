//! Telephone numbers ([`Kind::Phone`]).
//!
//! The scanner acts only at ASCII digits. From each digit it collects a *run*: digit groups joined
//! by short separators (1–3 bytes of space, `-`, `.`, `/`, `(`, `)`), then looks for the longest
//! prefix of the run, cut only at plain spaces, that reads as a phone number:
//!
//! - **International `+`**: `+44 20 7946 0958`, `+1 (415) 555-2671`, `+4915123456789`: 7–15
//!   digits (8–15 when written without any separator), country code not starting with 0.
//! - **`00` prefix**: `0044 20 7946 0958`: a first group of 3–5 digits starting `00` followed by a
//!   non-zero digit, 7–15 digits after the `00`, at least two groups.
//! - **North American**: `(415) 555-2671`, `415-555-2671`, `415.555.2671`, `415 555 2671`,
//!   optionally after `1`: groups 3-3-4 with area code and exchange starting 2–9 (NANP rules).
//! - **Trunk-0 national** (UK, DE and most of Europe): `020 7946 0958`, `07700 900123`,
//!   `030 1234567`, `0151 23456789`, `030/1234567`: first group of 3–6 digits starting `0` then a
//!   non-zero digit, later groups of ≥ 3 digits, 10–12 digits in all, no dots.
//! - **French national**: `06 12 34 56 78`: five pairs starting `0[1-9]`, one separator style,
//!   not cut from a longer run of pairs.
//! - **After a phone word**: any 7–15 digit run (separators allowed, so also digits spaced one
//!   by one with up to two spaces) whose start is within [`CONTEXT_BYTES`] after "phone", "tel",
//!   "mobile", "cell", "call", "text me", "SMS", "ring me", "reach me", "dial", "WhatsApp",
//!   "fax", "Handy", "Telefon" … with no other digit in between.
//! - **Spelled out** ("four one five, five five five, zero one nine one"): see [`find_spelled`].
//!
//! A URL-encoded plus (`%2B`, as in `From=%2B14155550186`) counts as `+` and is part of the span.
//!
//! Whatever the rule, these never count: dotted quads (IP addresses belong to the network
//! detector), dates (`2024-01-15`, `15.01.2024`, `01/15/2024`), decimals and dot-grouped
//! thousands (`1234567.89`, `1.299.000`), runs glued to letters (`ID-4155552671`, `v1.2.3`),
//! runs that continue a number (`1,299`, `10:30`), prices (`$`, `€`, `£`, `#` before, `%` or `€`
//! after). Times, ISBNs, UUIDs, order numbers, timestamps, ZIP and ZIP+4 codes, ports, versions
//! and bare integers such as "population 8336817" match no rule. A phone is only searched for at
//! the start of a run: a number preceded by another number and a space ("room 12 415 555 2671")
//! is not split off, a deliberate precision trade-off.

use super::util::{
    Chunk, RunScanner, boundary_after, boundary_before, byte_at, byte_before, char_at, char_before,
    context_before, is_word_byte, next_digit, search_segments,
};
use crate::kind::{Kind, Span};

/// Words that announce a phone number. `*` allows a longer word (`phoneNumber`, `Telefonnummer`).
/// Bare "ring", "text" and "txt" are left out: "ring buffer of 1048576", "the text 20240611" and
/// "notes.txt 20240611" are not phone numbers.
const CONTEXT: &[&str] = &[
    "phone*",
    "tel",
    "telephone*",
    "telefax",
    "mobile*",
    "mob",
    "cell",
    "cellphone*",
    "call",
    "text me",
    "text us",
    "sms",
    "ring me",
    "ring us",
    "a ring on",
    "a ring at",
    "reach me",
    "reach us",
    "dial",
    "whatsapp",
    "fax",
    "handy*",
    "telefon*",
    "téléphone",
    "tél",
];

/// How far before a run a context word may end (bytes): "Telefonnummer (mobil): " fits.
const CONTEXT_BYTES: usize = 28;

/// Most groups one phone number may span (one digit per group, as in "+4 4 2 0 …").
const MAX_PHONE_GROUPS: usize = 15;

/// Most digits kept for one candidate: 15 (E.164) plus a `00` prefix.
const MAX_DIGITS: usize = 17;

/// What one separator between two digit groups is made of.
#[derive(Debug, Clone, Copy, Default)]
struct Sep {
    /// Number of spaces.
    spaces: u8,
    /// The one `-`, `.` or `/` it contains, or 0.
    hard: u8,
    /// Contains `(`.
    open: bool,
    /// Contains `)`.
    close: bool,
    /// A plausible phone separator: at most two spaces, one hard character, one parenthesis.
    valid: bool,
}

impl Sep {
    /// Classifies separator bytes.
    fn of(raw: &[u8]) -> Sep {
        let mut s = Sep {
            valid: true,
            ..Sep::default()
        };
        for &b in raw {
            match b {
                b' ' => s.spaces = s.spaces.saturating_add(1),
                b'-' | b'.' | b'/' => {
                    s.valid &= s.hard == 0;
                    s.hard = b;
                }
                b'(' => {
                    s.valid &= !s.open;
                    s.open = true;
                }
                b')' => {
                    s.valid &= !s.close;
                    s.close = true;
                }
                _ => s.valid = false,
            }
        }
        s.valid &= !(s.open && s.close) && s.spaces <= 2;
        s
    }

    /// Only whitespace: one number may end here and another begin.
    fn is_space(self) -> bool {
        self.valid && self.hard == 0 && !self.open && !self.close && self.spaces > 0
    }
}

/// True for bytes that may separate digit groups inside a phone number.
fn is_sep(b: u8) -> bool {
    matches!(b, b' ' | b'-' | b'.' | b'/' | b'(' | b')')
}

/// Reports every phone number in `text`.
pub(crate) fn find(text: &str, out: &mut Vec<Span>) {
    let bytes = text.as_bytes();
    let mut runs = RunScanner::new(bytes);
    let mut i = 0;
    let mut last_end = 0;
    while let Some(p) = next_digit(bytes, i) {
        let prev = byte_before(bytes, p, 1);
        let lead = Lead {
            plus: if prev == b'+' {
                1
            } else if url_encoded_plus(bytes, p) {
                3
            } else {
                0
            },
            paren: prev == b'(',
        };
        let end = runs.scan(p, 3, is_sep, |chunk| {
            if !chunk.is_run_start() {
                return;
            }
            let sep = |k: usize| Sep::of(chunk.sep_before(k));
            search_segments(
                chunk,
                MAX_PHONE_GROUPS,
                7..=MAX_DIGITS,
                // Only prefixes of the run are phones (see the module documentation).
                |_| false,
                |k| sep(k).is_space(),
                |a, b| {
                    if a != 0 {
                        return false;
                    }
                    match evaluate(text, chunk, &sep, lead, b) {
                        Some(span) if span.start >= last_end => {
                            last_end = span.end;
                            out.push(span);
                            true
                        }
                        _ => false,
                    }
                },
            );
        });
        i = end.max(p + 1);
    }
    find_spelled(text, out);
}

/// True when the digit at `p` follows `%2B`, the URL encoding of `+` (`From=%2B14155550186`).
fn url_encoded_plus(bytes: &[u8], p: usize) -> bool {
    byte_before(bytes, p, 3) == b'%'
        && byte_before(bytes, p, 2) == b'2'
        && byte_before(bytes, p, 1).eq_ignore_ascii_case(&b'b')
}

/// What directly precedes a run's first digit.
#[derive(Debug, Clone, Copy)]
struct Lead {
    /// Length of the international `+` before the run: 1 for `+`, 3 for `%2B`, 0 without.
    plus: usize,
    /// A `(` (area code in parentheses).
    paren: bool,
}

/// Decides whether groups `0..b` of the run (a chunk that starts the run) form a phone number.
fn evaluate(
    text: &str,
    chunk: &Chunk<'_>,
    sep: &impl Fn(usize) -> Sep,
    lead: Lead,
    b: usize,
) -> Option<Span> {
    let bytes = text.as_bytes();
    let n = chunk.len();
    let d = chunk.digit_count(0, b);
    if !(7..=MAX_DIGITS).contains(&d) || !(1..=MAX_PHONE_GROUPS).contains(&b) {
        return None;
    }
    if !(1..b).all(|k| sep(k).valid) {
        return None;
    }
    let mut buf = [0u8; MAX_DIGITS];
    chunk.digits_into(0, b, &mut buf)?;
    let digit = |k: usize| buf.get(k).copied().unwrap_or(0);
    let mut lens = [0usize; MAX_PHONE_GROUPS];
    for (k, l) in lens.iter_mut().enumerate().take(b) {
        *l = chunk.group(k).len();
    }
    let len = |k: usize| lens.get(k).copied().unwrap_or(0);
    let groups = b;

    // Parentheses: at most one pair, around exactly one group. A '(' before the run or a ')'
    // after it that is not matched is punctuation around the number, not part of it.
    let open = |k: usize| if k == 0 { lead.paren } else { sep(k).open };
    let close = |k: usize| {
        if k + 1 < n {
            sep(k + 1).close
        } else {
            chunk.is_run_end() && byte_at(bytes, chunk.group(k).end) == b')'
        }
    };
    let mut paren_group = None;
    let mut paren_count = 0;
    for k in 0..b {
        // An unmatched '(' before the first group or ')' after the last is ignored.
        let o = open(k) && (k != 0 || close(k));
        let c = close(k) && (k + 1 != b || open(k));
        if o != c {
            return None;
        }
        if o {
            paren_group = Some(k);
            paren_count += 1;
        }
    }
    if paren_count > 1 {
        return None;
    }

    let first = chunk.group(0);
    let start = if lead.plus > 0 {
        first.start.saturating_sub(lead.plus)
    } else if lead.paren && paren_group == Some(0) {
        first.start - 1
    } else {
        first.start
    };
    let last = chunk.group(b - 1);
    let end = if paren_group == Some(b - 1) && b > 1 {
        last.end + 1
    } else {
        last.end
    };

    // Separator shapes.
    let raw = |k: usize| chunk.sep_before(k);
    let all_raw = |s: &[u8]| (1..groups).all(|k| raw(k) == s);
    let any_hard = |h: u8| (1..groups).any(|k| sep(k).hard == h);
    let uniform = (1..groups).all(|k| raw(k) == raw(1));

    // Never a phone: dotted quads, decimals and dotted thousands, dates.
    if groups == 4 && all_raw(b".") && (0..4).all(|k| len(k) <= 3) {
        return None;
    }
    if groups >= 2 && all_raw(b".") && (groups == 2 || (1..groups).all(|k| len(k) == 3)) {
        return None;
    }
    if groups == 3
        && uniform
        && matches!(raw(1), b"-" | b"/" | b".")
        && ((len(0) == 4 && len(1) <= 2 && len(2) <= 2)
            || (len(0) <= 2 && len(1) <= 2 && len(2) == 4))
    {
        return None;
    }
    if !left_ok(text, start) || (b == n && chunk.is_run_end() && !right_ok(text, end)) {
        return None;
    }
    let span = Some(Span::new(Kind::Phone, start, end));

    if lead.plus > 0 {
        let min = if groups == 1 { 8 } else { 7 };
        return ((min..=15).contains(&d) && digit(0) != 0)
            .then_some(span)
            .flatten();
    }
    // 00 international prefix.
    if digit(0) == 0
        && digit(1) == 0
        && digit(2) != 0
        && groups >= 2
        && (3..=5).contains(&len(0))
        && d >= 9
    {
        return span;
    }
    // North American Numbering Plan, optionally after a leading "1".
    let off = usize::from(groups == 4 && len(0) == 1 && digit(0) == 1);
    if groups - off == 3 && len(off) == 3 && len(off + 1) == 3 && len(off + 2) == 4 {
        let area = digit(off);
        let exchange = digit(off + 3);
        let line_sep = raw(off + 2);
        let plain = |s: &[u8]| matches!(s, b"-" | b"." | b" ");
        let seps_ok = match paren_group {
            Some(k) if k == off => plain(line_sep),
            Some(_) => false,
            None => {
                let ex_sep = raw(off + 1);
                plain(ex_sep) && plain(line_sep) && ((ex_sep == b".") == (line_sep == b"."))
            }
        };
        if area >= 2 && exchange >= 2 && seps_ok {
            return span;
        }
    }
    // Trunk-0 national numbers (UK, DE, most of Europe).
    if digit(0) == 0
        && digit(1) != 0
        && (2..=4).contains(&groups)
        && (3..=6).contains(&len(0))
        && (1..groups).all(|k| len(k) >= 3)
        && (10..=12).contains(&d)
        && !any_hard(b'.')
        && paren_group.is_none_or(|k| k == 0)
    {
        return span;
    }
    // French national: 0X XX XX XX XX, as a whole run (five pairs cut from a longer list of
    // pairs are lottery numbers or a table row, not a phone).
    if groups == 5
        && b == n
        && chunk.is_run_end()
        && (0..5).all(|k| len(k) == 2)
        && digit(0) == 0
        && digit(1) != 0
        && uniform
        && matches!(raw(1), b" " | b"." | b"-")
    {
        return span;
    }
    // Any 7–15 digits right after a phone word.
    if d <= 15
        && let Some(e) = context_before(text, start, CONTEXT_BYTES, CONTEXT)
        && !bytes
            .get(e..start)
            .unwrap_or(&[])
            .iter()
            .any(u8::is_ascii_digit)
    {
        return span;
    }
    None
}

/// Fewest words (digits and repeats) a spelled-out number needs: shorter runs ("one or two,
/// three") are ordinary prose.
const MIN_SPELLED_WORDS: usize = 7;

/// Fewest spelled digits accepted without a phone word before them (a full national number).
const MIN_SPELLED_BARE: usize = 10;

/// One word of a spelled-out number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spoken {
    /// A digit.
    Digit(u8),
    /// "double" or "triple": the next digit counts this many times.
    Repeat(u8),
}

/// Classifies the ASCII word `w` (any case) as a spoken digit ("zero" / "oh" / "nought", "one"
/// … "nine") or a repeat word ("double", "triple").
fn spoken(w: &[u8]) -> Option<Spoken> {
    // Every such word is 2–6 letters long.
    let mut buf = [0u8; 6];
    let lower = buf.get_mut(..w.len())?;
    if w.len() < 2 {
        return None;
    }
    for (d, s) in lower.iter_mut().zip(w) {
        *d = s.to_ascii_lowercase();
    }
    Some(match &*lower {
        b"zero" | b"oh" | b"nought" => Spoken::Digit(0),
        b"one" => Spoken::Digit(1),
        b"two" => Spoken::Digit(2),
        b"three" => Spoken::Digit(3),
        b"four" => Spoken::Digit(4),
        b"five" => Spoken::Digit(5),
        b"six" => Spoken::Digit(6),
        b"seven" => Spoken::Digit(7),
        b"eight" => Spoken::Digit(8),
        b"nine" => Spoken::Digit(9),
        b"double" => Spoken::Repeat(2),
        b"triple" => Spoken::Repeat(3),
        _ => return None,
    })
}

/// True when `sep` may join two words of a spelled-out number: one to four bytes of spaces with
/// at most one `,` or `-` among them (`" "`, `", "`, `"-"`, `" - "`).
fn spelled_sep_ok(sep: &[u8]) -> bool {
    if sep.is_empty() || sep.len() > 4 {
        return false;
    }
    let marks = sep.iter().filter(|&&b| matches!(b, b',' | b'-')).count();
    let spaces = sep.iter().filter(|&&b| b == b' ').count();
    marks + spaces == sep.len() && marks <= 1 && spaces <= 3
}

/// A run of spelled digit words being collected.
#[derive(Debug, Clone, Copy)]
struct SpelledRun {
    /// Offset of the first word.
    start: usize,
    /// Offset just after the last digit word.
    end: usize,
    /// Offset just after the last word, digit or repeat.
    last: usize,
    /// Words taken (digits and repeats up to the last digit).
    words: usize,
    /// Words seen, including a trailing repeat word not yet followed by a digit.
    pending_words: usize,
    /// The digits, as far as they fit.
    digits: [u8; MAX_DIGITS],
    /// Number of digits (may exceed the buffer; then the run is too long anyway).
    len: usize,
    /// Repeat count of a pending "double" / "triple", 1 otherwise.
    repeat: u8,
}

impl SpelledRun {
    /// A run starting with the word at `start..end`.
    fn new(start: usize, end: usize, w: Spoken) -> Self {
        let mut r = SpelledRun {
            start,
            end: start,
            last: start,
            words: 0,
            pending_words: 0,
            digits: [0; MAX_DIGITS],
            len: 0,
            repeat: 1,
        };
        r.push(end, w);
        r
    }

    /// Adds the word ending at `end`.
    fn push(&mut self, end: usize, w: Spoken) {
        self.pending_words += 1;
        self.last = end;
        match w {
            Spoken::Repeat(n) => self.repeat = n,
            Spoken::Digit(d) => {
                for _ in 0..self.repeat {
                    if let Some(slot) = self.digits.get_mut(self.len) {
                        *slot = d;
                    }
                    self.len = self.len.saturating_add(1);
                }
                self.repeat = 1;
                self.end = end;
                self.words = self.pending_words;
            }
        }
    }

    /// The run as a phone number, if it reads as one (see [`find_spelled`]).
    fn finish(&self, text: &str) -> Option<Span> {
        if self.words < MIN_SPELLED_WORDS || !(7..=15).contains(&self.len) {
            return None;
        }
        let digits = self.digits.get(..self.len)?;
        // Counting ("one two three four …"), counting down, or one digit over and over is a
        // recitation, not a number.
        let steps =
            |f: fn(u8, u8) -> bool| digits.windows(2).all(|w| matches!(w, [a, b] if f(*a, *b)));
        if steps(|a, b| b == a + 1) || steps(|a, b| a == b + 1) || steps(|a, b| a == b) {
            return None;
        }
        let bare = self.len >= MIN_SPELLED_BARE;
        let announced = || {
            context_before(text, self.start, CONTEXT_BYTES, CONTEXT).is_some_and(|e| {
                !text
                    .as_bytes()
                    .get(e..self.start)
                    .unwrap_or(&[])
                    .iter()
                    .any(u8::is_ascii_digit)
            })
        };
        (bare || announced()).then_some(Span::new(Kind::Phone, self.start, self.end))
    }
}

/// Shortest spelled-out number in bytes: [`MIN_SPELLED_WORDS`] words of at least two letters
/// with a one-byte separator between each.
const MIN_SPELLED_BYTES: usize = MIN_SPELLED_WORDS * 3 - 1;

/// True for a byte that can occur inside a spelled-out number: a letter of one of the words
/// [`spoken`] knows (either case), or a separator. `a`, `c`, `j`, `k`, `m`, `q`, `y`, digits,
/// other punctuation and non-ASCII bytes never do.
fn spelled_byte(b: u8) -> bool {
    matches!(
        b.to_ascii_lowercase(),
        b'b' | b'd'
            | b'e'
            | b'f'
            | b'g'
            | b'h'
            | b'i'
            | b'l'
            | b'n'
            | b'o'
            | b'p'
            | b'r'
            | b's'
            | b't'
            | b'u'
            | b'v'
            | b'w'
            | b'x'
            | b'z'
            | b' '
            | b','
            | b'-'
    )
}

/// The offset just after the run of ASCII letters starting at `from`.
fn skip_letters(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while byte_at(bytes, i).is_ascii_alphabetic() {
        i += 1;
    }
    i
}

/// Reports phone numbers spelled out in words: "four one five, five five five, zero one nine
/// one", "oh seven seven double oh …". At least [`MIN_SPELLED_WORDS`] digit words in a row joined
/// by spaces, commas or hyphens, 7–15 digits in all; fewer than [`MIN_SPELLED_BARE`] digits need
/// a phone word before them.
///
/// Such a number spans at least [`MIN_SPELLED_BYTES`] bytes, so the scan probes one byte per
/// that many (Boyer–Moore style): any number starting at or after `i` that is long enough covers
/// the probe `i + MIN_SPELLED_BYTES - 1`, hence every byte there passes [`spelled_byte`] and the
/// word under the probe (or, on a separator, the word after it) is a digit word. When that fails
/// the scan jumps past the probe or that word; otherwise the whole stretch of [`spelled_byte`]s
/// around it is read word by word. Invariant: the byte before `i` is not part of any digit word.
fn find_spelled(text: &str, out: &mut Vec<Span>) {
    let bytes = text.as_bytes();
    let len = bytes.len();
    let mut i: usize = 0;
    while let Some(probe) = i.checked_add(MIN_SPELLED_BYTES - 1) {
        if probe >= len {
            break;
        }
        let b = byte_at(bytes, probe);
        if !spelled_byte(b) {
            i = probe + 1;
            continue;
        }
        let (ws, we) = if b.is_ascii_alphabetic() {
            let mut ws = probe;
            while ws > i && byte_before(bytes, ws, 1).is_ascii_alphabetic() {
                ws -= 1;
            }
            (ws, skip_letters(bytes, probe))
        } else {
            let mut q = probe;
            while matches!(byte_at(bytes, q), b' ' | b',' | b'-') {
                q += 1;
            }
            if !byte_at(bytes, q).is_ascii_alphabetic() {
                i = q;
                continue;
            }
            (q, skip_letters(bytes, q))
        };
        if spoken(bytes.get(ws..we).unwrap_or(&[])).is_none() {
            i = we;
            continue;
        }
        let mut s = ws;
        while s > i && spelled_byte(byte_before(bytes, s, 1)) {
            s -= 1;
        }
        let mut e = we;
        while e < len && spelled_byte(byte_at(bytes, e)) {
            e += 1;
        }
        if e - s >= MIN_SPELLED_BYTES {
            spelled_in(text, s, e, out);
        }
        i = e + 1;
    }
}

/// Reads the words of `text[from..to]` (a stretch of [`spelled_byte`]s) and reports the runs of
/// spoken digits that read as phone numbers.
fn spelled_in(text: &str, from: usize, to: usize, out: &mut Vec<Span>) {
    let bytes = text.as_bytes();
    let mut run: Option<SpelledRun> = None;
    let mut i = from;
    while i < to {
        if !byte_at(bytes, i).is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let s = i;
        while i < to && byte_at(bytes, i).is_ascii_alphabetic() {
            i += 1;
        }
        // The boundary checks look past the stretch: "fivea" is not "five".
        let word = spoken(bytes.get(s..i).unwrap_or(&[]))
            .filter(|_| boundary_before(text, s) && boundary_after(text, i));
        match (word, run.as_mut()) {
            (Some(w), Some(r)) if spelled_sep_ok(bytes.get(r.last..s).unwrap_or(&[])) => {
                r.push(i, w);
            }
            (Some(w), _) => {
                if let Some(span) = run.take().and_then(|r| r.finish(text)) {
                    out.push(span);
                }
                run = Some(SpelledRun::new(s, i, w));
            }
            (None, _) => {
                if let Some(span) = run.take().and_then(|r| r.finish(text)) {
                    out.push(span);
                }
            }
        }
    }
    if let Some(span) = run.and_then(|r| r.finish(text)) {
        out.push(span);
    }
}

/// True when what precedes `start` lets a phone number begin there: no word character, no
/// hyphenated identifier (`ID-415…`), no number it would continue (`1,415…`, `12:30`), no
/// currency or `#` sign.
fn left_ok(text: &str, start: usize) -> bool {
    let bytes = text.as_bytes();
    let prev = byte_before(bytes, start, 1);
    let prev2 = byte_before(bytes, start, 2);
    if !boundary_before(text, start) {
        return false;
    }
    if matches!(prev, b'.' | b',' | b':' | b'/' | b'-' | b'+') && prev2.is_ascii_digit() {
        return false;
    }
    if matches!(prev, b'-' | b'_') && is_word_byte(prev2) {
        return false;
    }
    !matches!(prev, b'$' | b'#' | b'+')
        && !matches!(char_before(text, start), Some('€' | '£' | '¥'))
}

/// True when what follows `end` lets a phone number end there: no word character, no number it
/// would continue (`…2671.5`, `…:30`), no `%`, currency or degree sign.
fn right_ok(text: &str, end: usize) -> bool {
    let bytes = text.as_bytes();
    let next = byte_at(bytes, end);
    if !boundary_after(text, end) {
        return false;
    }
    if matches!(next, b'.' | b',' | b':' | b'/' | b'-') && byte_at(bytes, end + 1).is_ascii_digit()
    {
        return false;
    }
    let after = if next == b' ' {
        char_at(text, end + 1)
    } else {
        char_at(text, end)
    };
    !matches!(next, b'%') && !matches!(after, Some('€' | '£' | '$' | '°'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::util::test_support::{adversarial_inputs, assert_spans_ok, found_texts};

    fn found(text: &str) -> Vec<&str> {
        found_texts(find, &[Kind::Phone], text)
    }

    #[track_caller]
    fn one(text: &str, want: &str) {
        assert_eq!(found(text), vec![want], "in {text:?}");
    }

    #[track_caller]
    fn none(text: &str) {
        assert_eq!(found(text), Vec::<&str>::new(), "in {text:?}");
    }

    #[test]
    fn international() {
        one("Call +44 20 7946 0958 now", "+44 20 7946 0958");
        one("+1 (415) 555-2671", "+1 (415) 555-2671");
        one("Büro: +49 30 1234567.", "+49 30 1234567");
        one("+33 6 12 34 56 78", "+33 6 12 34 56 78");
        one("tel:+14155552671", "+14155552671");
        one("+44 (0)20 7946 0958", "+44 (0)20 7946 0958");
        one("+1.415.555.2671", "+1.415.555.2671");
        one("0044 20 7946 0958", "0044 20 7946 0958");
        one("0049 30 1234567", "0049 30 1234567");
    }

    #[test]
    fn oddly_spaced_international() {
        one("+44  20  7946  0958", "+44  20  7946  0958");
        one("+44 2079 460 958", "+44 2079 460 958");
        one("+4 4 2 0 7 9 4 6 0 9 5 8", "+4 4 2 0 7 9 4 6 0 9 5 8");
        one("+44-20-7946-0958", "+44-20-7946-0958");
        // A following year is not swallowed when that would make the number too long.
        one("+44 20 7946 0958 2024", "+44 20 7946 0958");
    }

    #[test]
    fn north_american() {
        one("(415) 555-2671", "(415) 555-2671");
        one("call 415-555-2671.", "415-555-2671");
        one("415.555.2671", "415.555.2671");
        one("415 555 2671", "415 555 2671");
        one("1-800-555-1234", "1-800-555-1234");
        one("1 (800) 555-1234", "1 (800) 555-1234");
        one("(call 415-555-2671)", "415-555-2671");
        one("415 555-2671", "415 555-2671");
    }

    #[test]
    fn national_trunk_zero() {
        one("020 7946 0958", "020 7946 0958");
        one("07700 900123", "07700 900123");
        one("030 1234567", "030 1234567");
        one("0151 23456789", "0151 23456789");
        one("030/1234567", "030/1234567");
        one("(030) 1234567", "(030) 1234567");
        one("0800 123 456", "0800 123 456");
        one("06 12 34 56 78", "06 12 34 56 78");
        one("06.12.34.56.78", "06.12.34.56.78");
    }

    #[test]
    fn context_word_runs() {
        one("phone: 5551234", "5551234");
        one("Tel. 12 34 56 78", "12 34 56 78");
        one("Telefonnummer: 8336817", "8336817");
        one("Handy 01512345678", "01512345678");
        one("text me at 555 1234", "555 1234");
        one("WhatsApp: 9876543210", "9876543210");
        one("homePhone=4155552671", "4155552671");
        one("fax 4930123456789", "4930123456789");
        one("Call 555-0100 today", "555-0100");
    }

    #[test]
    fn near_misses() {
        none("The price is $1,299.99 or 1.299,00 €.");
        none("at 10:30 or 10:30:45");
        none("dates 2024-01-15, 15.01.2024, 01/15/2024 and 1999");
        none("ISBN 978-3-16-148410-0 or 0-306-40615-2 or 0306406152");
        none("order 1234567890123456");
        none("order 4155552671123456");
        none("id 123e4567-e89b-12d3-a456-426614174000");
        none("version 1.2.3, v2.10.4");
        none("host 192.168.100.200 and 10.0.0.1");
        none("42% and 12.5%");
        none("range 100-200 and 1000-2000");
        none("port 8080, localhost:5432");
        none("ZIP 94103 or 02139-4307");
        none("the population is 8336817");
        none("timestamp 1700000000 and 1700000000000");
        none("card 4111 1111 1111 1111");
        none("IBAN DE89 3704 0044 0532 0130 00");
        none("ID-415-555-2671");
        none("x4155552671");
        none("12:415-555-2671");
        none("1,415,555,2671");
        none("1.299.000 and 12.345.678");
        none("1234567.89 and +1234567.89");
        none("2+4155552671");
        none("415-555-2671%");
        none("(415) 155-2671");
        none("115-555-2671");
        none("phone count: 2024-01-15");
        none("call me on 15.01.2024 at 10:30");
        none("telephone 192.168.1.1");
        none("phone 1234567890123456");
        none("+123456");
        none("+0 20 7946 0958");
        none("0 20 7946 0958");
        none("hotel 5551234");
        none("recall 5551234 and callback 5551234");
        none("lottery 04 15 23 42 08 16");
        none("call me at 5 pm, order 12345678");
    }

    #[test]
    fn new_context_words_and_odd_spacing() {
        one(
            "ring me: 0 7 7 0 0  9 0 0 4 6 1 whenever",
            "0 7 7 0 0  9 0 0 4 6 1",
        );
        one("give me a ring on 0161 4960 123", "0161 4960 123");
        one("reach me at 555 0123 456", "555 0123 456");
        one("dial 8336817", "8336817");
        one("SMS: 4930123456789", "4930123456789");
        one("smsNumber=4155550186", "4155550186");
        // Without a phone word, spaced single digits are not a number.
        none("0 7 7 0 0  9 0 0 4 6 1");
        // "ring" alone is a data structure, "text" alone is not an invitation to text.
        none("ring buffer of 1048576 slots");
        none("use a ring buffer of 1048576 slots");
        none("see notes.txt 20240611");
        none("the text 20240611 appears twice");
        none("dial tcp 203.0.113.5:5432: connection refused");
    }

    #[test]
    fn url_encoded_plus() {
        one(
            "The webhook sends From=%2B14155550186 now",
            "%2B14155550186",
        );
        one("to=%2b447700900123&x=1", "%2b447700900123");
        one("%2B44 20 7946 0958", "%2B44 20 7946 0958");
        none("x%2B123456");
        none("a%2B0123456789");
        none("%3B14155550186");
    }

    fn spelled(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        find_spelled(text, &mut out);
        assert_spans_ok(text, &out, &[Kind::Phone]);
        out.iter().map(|s| &text[s.start..s.end]).collect()
    }

    #[test]
    fn spelled_out_numbers() {
        one(
            "call me back at four one five, five five five, zero one nine one' — ok",
            "four one five, five five five, zero one nine one",
        );
        one(
            "Oh seven seven double oh nine double oh four six one",
            "Oh seven seven double oh nine double oh four six one",
        );
        one(
            "FOUR-ONE-FIVE-FIVE-FIVE-FIVE-ZERO-ONE-NINE-ONE.",
            "FOUR-ONE-FIVE-FIVE-FIVE-FIVE-ZERO-ONE-NINE-ONE",
        );
        // Seven to nine digits need a phone word.
        one(
            "phone: five five five two six seven one",
            "five five five two six seven one",
        );
        assert_eq!(
            spelled("it was five five five two six seven one"),
            Vec::<&str>::new()
        );
        // A trailing repeat word is not part of the number.
        assert_eq!(
            spelled("text me at five five five two six seven one double"),
            vec!["five five five two six seven one"]
        );
    }

    #[test]
    fn spelled_filter_covers_every_word() {
        let words = [
            "zero", "oh", "nought", "one", "two", "three", "four", "five", "six", "seven", "eight",
            "nine", "double", "triple",
        ];
        for w in words {
            assert!(spoken(w.as_bytes()).is_some(), "{w}");
            assert!(spoken(w.to_ascii_uppercase().as_bytes()).is_some(), "{w}");
            assert!(w.bytes().all(spelled_byte), "{w}");
            assert!(w.to_ascii_uppercase().bytes().all(spelled_byte), "{w}");
        }
        for w in ["o", "on", "ones", "doubled", "fiver", "", "zer"] {
            assert!(spoken(w.as_bytes()).is_none(), "{w}");
        }
        for b in [
            b'a', b'c', b'j', b'k', b'm', b'q', b'y', b'.', b'1', b'\n', 0xC3,
        ] {
            assert!(!spelled_byte(b));
        }
        // Stretch edges: at the very start and end of the text, and right after a failed probe.
        assert_eq!(
            spelled("four one five five five five zero one nine one"),
            vec!["four one five five five five zero one nine one"]
        );
        assert_eq!(
            spelled("aaaaaaaaaaaaaaaaaaa;four one five five five five zero one nine one;aaaaa"),
            vec!["four one five five five five zero one nine one"]
        );
        // The shortest possible run: seven two-letter words.
        assert_eq!(
            spelled("call oh oh oh oh oh oh five"),
            vec!["oh oh oh oh oh oh five"]
        );
    }

    #[test]
    fn spelled_near_misses() {
        for t in [
            "one or two, three or four, five or six",
            "one two three four five six seven eight nine",
            "zero one two three four five six seven eight nine",
            "nine eight seven six five four three two one zero",
            "one one one one one one one one one one",
            "call: four one five five five",
            "four one five five five five zero one nine one nine eight seven six five four",
            "someone tone phone nine",
            "fourone five five five five zero one nine one",
            "four. one five five five five zero one nine one",
            "four 1 five five five five zero one nine one",
            "four one fivé five five five zero one nine one",
        ] {
            assert_eq!(spelled(t), Vec::<&str>::new(), "in {t:?}");
        }
        // Counting is a recitation even after a phone word.
        assert_eq!(
            spelled("call one two three four five six seven"),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn several() {
        assert_eq!(
            found("US (415) 555-2671, UK +44 20 7946 0958, DE 030 1234567"),
            vec!["(415) 555-2671", "+44 20 7946 0958", "030 1234567"]
        );
    }

    #[test]
    fn no_panic_and_spans_valid() {
        for s in adversarial_inputs() {
            let mut out = Vec::new();
            find(&s, &mut out);
            assert_spans_ok(&s, &out, &[Kind::Phone]);
        }
    }

    #[test]
    fn no_panic_spelled_and_encoded() {
        use crate::detect::util::test_support::XorShift;
        const PARTS: &[&str] = &[
            "one", "five", "Oh", "oh", "nine", "zero", "double", "TRIPLE", " ", "  ", ",", ", ",
            "-", ".", "é", "日", "call ", "%2B", "%2b", "%", "2B", "1", "4", "0", "_", "x", "two",
            "six", "seven", "eight", "a", "fiv", "ree", " , ", "   ", "phone: ", "seventy",
        ];
        let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
        let mut inputs: Vec<String> = (0..4000)
            .map(|_| {
                (0..1 + rng.below(40))
                    .map(|_| PARTS[rng.below(PARTS.len())])
                    .collect()
            })
            .collect();
        // The skipping scan must agree with the plain word-by-word reading of the whole text.
        // Mostly digit words, so that many inputs hold a spelled number near some noise.
        const WORDS: &[&str] = &[
            "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "zero", "oh",
            "double", "Triple", "NINE", "fiv", "fives", "a", "phone", "1", "é",
        ];
        const SEPS: &[&str] = &[
            " ", " ", " ", " ", ", ", "-", "  ", " , ", "    ", ".", "", "\n",
        ];
        for _ in 0..4000 {
            let mut t = String::new();
            for _ in 0..1 + rng.below(40) {
                t.push_str(WORDS[rng.below(WORDS.len())]);
                t.push_str(SEPS[rng.below(SEPS.len())]);
            }
            inputs.push(t);
        }
        let mut hits = 0;
        for s in &inputs {
            let mut fast = Vec::new();
            find_spelled(s, &mut fast);
            let mut slow = Vec::new();
            spelled_in(s, 0, s.len(), &mut slow);
            assert_eq!(fast, slow, "in {s:?}");
            hits += fast.len();
        }
        assert!(
            hits > 50,
            "the generator rarely builds a spelled number: {hits}"
        );
        inputs.push("four one ".repeat(20_000));
        inputs.push("double ".repeat(20_000));
        inputs.push("%2B1".repeat(20_000));
        inputs.push("one,".repeat(20_000));
        for s in &inputs {
            let mut out = Vec::new();
            find(s, &mut out);
            assert_spans_ok(s, &out, &[Kind::Phone]);
        }
    }
}
