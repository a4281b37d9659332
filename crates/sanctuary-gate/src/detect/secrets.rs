//! Credentials in text: provider API keys and tokens, JSON Web Tokens, PEM and PuTTY private
//! keys, passwords given in words or assignments, and long high-entropy tokens.
//!
//! Two linear passes:
//!
//! 1. A token pass over runs of `[A-Za-z0-9+/_-]`. Each 64-byte block is turned into bit masks
//!    without branches, and only runs that can matter are visited: a word whose first bytes
//!    can start a provider format, a JWT, PEM/PuTTY armour or a prose password phrase ("my
//!    password is …"); a run containing `+`, `/` or `-`; a run of 32 or more bytes, which
//!    is judged by [`is_random_token`] when it matched nothing else. Ordinary words cost a
//!    few bit operations each (≈ 1 GB/s on prose with the rest of the pass).
//! 2. An assignment pass visits every `=` and `:` (via `memchr`), reads the key before it and,
//!    for a secret-sounding key, the literal after it: `password = "…"`, `"api_key": "…"`,
//!    `DB_PASSWORD=…`, `?token=…` in URLs, `user:pass@` in URLs, `Authorization: Bearer …`.
//!    Candidates that overlap a span from the first pass are dropped, so a provider key in
//!    `api_key = "sk-…"` is reported once, as [`Kind::ApiKey`].
//!
//! Every forward search is bounded or memoised, so hostile input stays linear.

use memchr::{memchr2_iter, memmem};
use sanctuary_core::encoding::base64url_decode;

use super::token::{
    boundary_after, context_before, is_word_byte, push_span, shannon_entropy, starts_with_ci,
    take_while, take_while_max,
};
use crate::kind::{Kind, Span};

/// Shortest run judged by the entropy test. Shorter random strings (nanoids, ULIDs, object
/// ids) are common identifiers, and 32 characters of base62 carry ≈ 190 bits, well past
/// anything guessable.
const MIN_SECRET_LEN: usize = 32;

/// Minimum Shannon entropy (bits per character) of a [`Kind::Secret`] token. Simulated
/// uniformly random base62/base64 strings of length 32 have a median of ≈ 4.55 and a 0.1 %
/// quantile of ≈ 4.1, so 4.0 keeps ≳ 99.9 % of them; single-case hex cannot exceed 4.0 and
/// many English identifiers fall below it. Identifiers above it are removed by the structural
/// tests in [`is_random_token`].
const MIN_SECRET_ENTROPY: f64 = 4.0;

/// Bytes of context searched before an AWS secret access key for an AWS label.
const AWS_CONTEXT_WINDOW: usize = 48;

/// Longest quoted literal the assignment pass reads; longer quoted values are not passwords.
const MAX_QUOTED_VALUE: usize = 512;

/// Longest unquoted value the assignment pass reads.
const MAX_UNQUOTED_VALUE: usize = 256;

/// Longest value read after a prose password phrase.
const MAX_PROSE_VALUE: usize = 128;

/// Longest key (identifier) read backwards from an `=` or `:`.
const MAX_KEY_LEN: usize = 64;

/// Finds credentials in `text` and appends their spans (see the module documentation).
pub(crate) fn find(text: &str, out: &mut Vec<Span>) {
    let first = out.len();
    TokenScan::new(text, out).run();
    let mid = out.len();
    scan_assignments(text, out, first, mid);
}

// ---------------------------------------------------------------------------------------------
// Byte classes

/// A set of ASCII bytes as a bit mask, so that a class test is one shift and one AND.
const fn ascii_mask(mut chars: &[u8]) -> u128 {
    let mut mask = 0u128;
    while let [c, rest @ ..] = chars {
        mask |= 1u128 << *c;
        chars = rest;
    }
    mask
}

/// Membership of `b` in an [`ascii_mask`] set (non-ASCII bytes are never members).
#[inline]
const fn in_mask(mask: u128, b: u8) -> bool {
    b < 128 && (mask >> b) & 1 == 1
}

/// Bytes of a candidate token run: ASCII alphanumerics and the base64/base64url extras.
const RUN_BYTES: u128 =
    ascii_mask(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-");

/// Base64url bytes (`[A-Za-z0-9_-]`).
const B64URL_BYTES: u128 =
    ascii_mask(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

/// Bytes that end a URL in running text: ASCII whitespace, quotes, angle brackets.
const URL_BREAK_BYTES: u128 = ascii_mask(b" \t\n\r\x0b\x0c\"'<>`");

/// [`CLASS`] bit: a byte of a candidate token run.
const C_RUN: u8 = 1;
/// [`CLASS`] bit: a run byte that is not a word byte (`+`, `/`, `-`).
const C_SEP: u8 = 2;
/// [`CLASS`] bit: a byte that ends a URL in running text.
const C_URL_BREAK: u8 = 4;

/// Byte classes for the token pass's inner loop: one table load per byte instead of a chain
/// of comparisons. Built at compile time from the masks above.
static CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut rest: &mut [u8] = &mut table;
    let mut b: u8 = 0;
    while let [slot, tail @ ..] = rest {
        let sep = in_mask(RUN_BYTES, b) && !b.is_ascii_alphanumeric() && b != b'_';
        *slot = if in_mask(RUN_BYTES, b) { C_RUN } else { 0 }
            | if sep { C_SEP } else { 0 }
            | if in_mask(URL_BREAK_BYTES, b) {
                C_URL_BREAK
            } else {
                0
            };
        b = b.wrapping_add(1);
        rest = tail;
    }
    table
};

/// Bit masks of a 64-byte block: bit `j` of the first is set when `block[j]` is a run byte,
/// of the second when it is a separator.
///
/// The classes are looked up into a byte array first; then each group of eight 0/1 bytes is
/// packed into eight bits with one multiplication: byte `i` of the group sits at bit `8i`,
/// and multiplying by [`PACK_BITS`] (bits 56, 49, …, 7 set) moves it to bit `56 + i`. No two
/// partial products share a bit, so no carries disturb the top byte. This is branch-free and
/// several times faster than shifting each byte's bit into place.
#[inline]
fn block_masks(block: &[u8]) -> (u64, u64) {
    /// Bit 0 of every byte.
    const LOW_BITS: u64 = 0x0101_0101_0101_0101;
    let mut classes = [0u8; 64];
    for (c, &b) in classes.iter_mut().zip(block) {
        *c = class(b);
    }
    let mut run = 0u64;
    let mut sep = 0u64;
    for (k, group) in classes.chunks_exact(8).enumerate() {
        let x = u64::from_le_bytes(<[u8; 8]>::try_from(group).unwrap_or_default());
        let runs = ((x & LOW_BITS).wrapping_mul(PACK_BITS)) >> 56;
        let seps = (((x >> 1) & LOW_BITS).wrapping_mul(PACK_BITS)) >> 56;
        run |= runs << (8 * k);
        sep |= seps << (8 * k);
    }
    (run, sep)
}

/// Multiplier of [`block_masks`]: the sum of 2^(56 − 7i) for i in 0..8.
const PACK_BITS: u64 = 0x0102_0408_1020_4080;

/// The [`CLASS`] bits of `b`.
#[inline]
fn class(b: u8) -> u8 {
    CLASS.get(usize::from(b)).copied().unwrap_or(0)
}

/// A base64url byte.
#[inline]
fn is_b64url(b: u8) -> bool {
    in_mask(B64URL_BYTES, b)
}

/// Lowercase hex digit.
#[inline]
fn is_lower_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
}

/// Which of upper-case letters, lower-case letters and digits occur in `s`.
fn char_classes(s: &[u8]) -> (bool, bool, bool) {
    s.iter().fold((false, false, false), |(u, l, d), &b| {
        (
            u || b.is_ascii_uppercase(),
            l || b.is_ascii_lowercase(),
            d || b.is_ascii_digit(),
        )
    })
}

/// How many of the classes upper, lower, digit occur in `s`.
fn class_count(s: &[u8]) -> usize {
    let (u, l, d) = char_classes(s);
    usize::from(u) + usize::from(l) + usize::from(d)
}

/// The byte at `i`, if any.
fn byte_at(bytes: &[u8], i: usize) -> Option<u8> {
    bytes.get(i).copied()
}

/// The byte before `i`, if any.
fn prev_byte(bytes: &[u8], i: usize) -> Option<u8> {
    i.checked_sub(1).and_then(|p| bytes.get(p).copied())
}

/// Case-insensitive membership of `word` in a sorted list of lowercase ASCII words.
fn in_sorted_ci(list: &[&[u8]], word: &[u8]) -> bool {
    list.binary_search_by(|probe| {
        probe
            .iter()
            .copied()
            .cmp(word.iter().map(u8::to_ascii_lowercase))
    })
    .is_ok()
}

/// Case-insensitive substring test (both short: values and fixed needles).
fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty()
        && hay
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

// ---------------------------------------------------------------------------------------------
// Pass 1: tokens

/// Remembers the last forward search for a fixed needle, so repeated searches from increasing
/// positions (many `BEGIN` lines without an `END`) stay linear overall.
#[derive(Debug)]
struct Memo {
    needle: &'static [u8],
    from: usize,
    found: Option<Option<usize>>,
}

impl Memo {
    const fn new(needle: &'static [u8]) -> Self {
        Memo {
            needle,
            from: 0,
            found: None,
        }
    }

    /// The first occurrence of the needle at or after `pos`.
    fn next(&mut self, bytes: &[u8], pos: usize) -> Option<usize> {
        if let Some(found) = self.found
            && self.from <= pos
        {
            match found {
                None => return None,
                Some(at) if at >= pos => return Some(at),
                Some(_) => {}
            }
        }
        let found = bytes
            .get(pos..)
            .and_then(|hay| memmem::find(hay, self.needle))
            .and_then(|i| pos.checked_add(i));
        self.from = pos;
        self.found = Some(found);
        found
    }
}

/// State of the token pass over one text.
struct TokenScan<'t, 'o> {
    text: &'t str,
    bytes: &'t [u8],
    out: &'o mut Vec<Span>,
    putty_lines: Memo,
    putty_mac: Memo,
    /// Position up to which [`TokenScan::in_url_at`] has advanced, and the state there.
    url_pos: usize,
    url_state: bool,
}

impl<'t, 'o> TokenScan<'t, 'o> {
    fn new(text: &'t str, out: &'o mut Vec<Span>) -> Self {
        TokenScan {
            text,
            bytes: text.as_bytes(),
            out,
            putty_lines: Memo::new(b"Private-Lines:"),
            putty_mac: Memo::new(b"Private-MAC:"),
            url_pos: 0,
            url_state: false,
        }
    }

    fn push(&mut self, kind: Kind, start: usize, end: usize) {
        push_span(self.text, self.out, kind, start, end);
    }

    /// The token pass. Each 64-byte block is classified into bit masks (run bytes, separator
    /// bytes) without branches; only three kinds of positions are then visited: word starts
    /// whose first two bytes can begin a format ([`pair_may_start`]), separators inside runs,
    /// and 16-byte lanes that lie entirely inside a run (a run of ≥ [`MIN_SECRET_LEN`] bytes
    /// always covers one). Ordinary prose words cost a few bit operations, not a loop
    /// iteration each.
    fn run(mut self) {
        let bytes = self.bytes;
        // Scanning resumes here: bytes before it were consumed by a finding or a handled run.
        let mut resume = 0usize;
        // 1 when the previous block ended inside a run.
        let mut carry = 0u64;
        // Start of the run containing the current event, and of the last run handled.
        let mut run_start = 0usize;
        let mut handled = None;
        // Whole blocks, then the tail padded with NUL bytes (which belong to no class).
        let mut tail = [0u8; 64];
        let whole = bytes.chunks_exact(64);
        if let Some(dst) = tail.get_mut(..whole.remainder().len()) {
            dst.copy_from_slice(whole.remainder());
        }
        let blocks = whole.chain((!bytes.len().is_multiple_of(64)).then_some(&tail[..]));
        for (index, block) in blocks.enumerate() {
            let base = index * 64;
            let (run, sep) = block_masks(block);
            let starts = run & !((run << 1) | carry);
            carry = run >> 63;
            let mut full = 0u64;
            for lane in 0..4 {
                if (run >> (16 * lane)) & 0xffff == 0xffff {
                    full |= 1 << (16 * lane);
                }
            }
            let mut events = starts | sep | full;
            while events != 0 {
                let j = events.trailing_zeros();
                let bit = 1u64 << j;
                events &= events - 1;
                let pos = base + j as usize;
                if starts & bit != 0 {
                    run_start = pos;
                }
                if run_start < resume || handled == Some(run_start) {
                    continue;
                }
                if (sep | full) & bit == 0 {
                    let b0 = byte_at(bytes, pos).unwrap_or(0);
                    let b1 = byte_at(bytes, pos + 1).unwrap_or(0);
                    if !pair_may_start(b0, b1) || !prefix_may_start(bytes, pos) {
                        continue;
                    }
                }
                handled = Some(run_start);
                resume = self.handle_from(run_start);
            }
        }
    }

    /// Handles the run starting at `start` and, when a finding ends inside a later run (a JWT
    /// ending at `/`, a key ending before `-`), the rest of that run as a run of its own.
    /// Returns where scanning resumes.
    fn handle_from(&mut self, mut start: usize) -> usize {
        let bytes = self.bytes;
        let (mut end, mut has_sep) = self.run_extent(start);
        loop {
            let next = self.run_at(start, end, has_sep).max(start + 1);
            if next == end || byte_at(bytes, next).is_none_or(|b| class(b) & C_RUN == 0) {
                return next;
            }
            if next > end {
                (end, has_sep) = self.run_extent(next);
            } else {
                // Still inside the same run: its end is known. Not rescanning it keeps a run
                // of many joined tokens (`ghp_…-ghp_…-…`) linear; the remainder is treated as
                // possibly containing separators, which only permits inner word starts.
                has_sep = true;
            }
            start = next;
        }
    }

    /// The end of the run starting at `start` and whether it contains a separator.
    fn run_extent(&self, start: usize) -> (usize, bool) {
        let mut end = start;
        let mut seen = 0u8;
        while let Some(&b) = self.bytes.get(end) {
            let c = class(b);
            if c & C_RUN == 0 {
                break;
            }
            seen |= c;
            end += 1;
        }
        (end, seen & C_SEP != 0)
    }

    /// Whether `pos` lies inside a URL: a `://` occurs between the last URL-breaking byte
    /// (whitespace, quote, angle bracket) before `pos` and `pos`.
    ///
    /// Queries come in increasing order (from the long-run test only). The scan goes back from
    /// `pos` to the last breaking byte, but never past the previous query (whose state then
    /// carries over) nor more than [`URL_LOOKBACK`] bytes, so the regions scanned by
    /// successive queries are disjoint and the total work is linear.
    fn in_url_at(&mut self, pos: usize) -> bool {
        let bytes = self.bytes;
        let carried = pos >= self.url_pos && pos - self.url_pos <= URL_LOOKBACK;
        let floor = if carried {
            self.url_pos
        } else {
            pos.saturating_sub(URL_LOOKBACK)
        };
        let mut segment = pos;
        while segment > floor
            && prev_byte(bytes, segment).is_some_and(|b| class(b) & C_URL_BREAK == 0)
        {
            segment -= 1;
        }
        // With no break since the previous query, its state carries over (it already accounts
        // for everything before it).
        let reached_floor = segment == floor;
        let inherited = carried && reached_floor && self.url_state;
        // A `://` straddling the floor belongs to the same unbroken segment.
        let from = if carried && reached_floor {
            segment.saturating_sub(2)
        } else {
            segment
        };
        let scheme = bytes
            .get(from..pos)
            .is_some_and(|seg| seg.windows(3).any(|w| w == b"://"));
        self.url_pos = pos;
        self.url_state = inherited || scheme;
        self.url_state
    }

    /// Handles the run `start..end`; returns where scanning resumes.
    #[inline(never)]
    fn run_at(&mut self, start: usize, end: usize, has_sep: bool) -> usize {
        let bytes = self.bytes;
        if byte_at(bytes, start) == Some(b'-')
            && let Some(next) = self.pem(start)
        {
            return next;
        }
        if let Some(next) = self.try_word(start) {
            return next;
        }
        if has_sep {
            // Word starts inside the run, after `+`, `/` or `-` (`/ghp_…`, `key-sk-…`). At
            // most MAX_INNER_STARTS of them, so that `sk-sk-sk-…` cannot make every start
            // rescan the rest of the run.
            let inner = (start + 1..end).filter(|&k| {
                byte_at(bytes, k).is_some_and(|b| b.is_ascii_alphanumeric())
                    && prev_byte(bytes, k).is_some_and(|p| !is_word_byte(p))
            });
            for k in inner.take(MAX_INNER_STARTS) {
                if let Some(next) = self.try_word(k) {
                    return next;
                }
            }
        }
        if end - start >= MIN_SECRET_LEN {
            self.long_run(start, end);
        }
        end
    }

    /// Tries every format that can start at the word start `k`.
    fn try_word(&mut self, k: usize) -> Option<usize> {
        let bytes = self.bytes;
        let b = byte_at(bytes, k)?;
        let b1 = byte_at(bytes, k + 1).unwrap_or(0);
        if may_start_prose(bytes, k)
            && let Some((vs, ve)) = prose_password(bytes, k)
        {
            self.push(Kind::Password, vs, ve);
            return Some(ve);
        }
        if !may_start_token(b, b1) {
            return None;
        }
        if b == b'e'
            && let Some(end) = jwt(self.text, k)
        {
            self.push(Kind::Jwt, k, end);
            return Some(end);
        }
        if b == b'P'
            && bytes
                .get(k..)
                .is_some_and(|r| r.starts_with(b"PuTTY-User-Key-File-"))
            && let Some(end) = self.putty(k)
        {
            self.push(Kind::PrivateKey, k, end);
            return Some(end);
        }
        let end = provider_key(bytes, k)?;
        self.push(Kind::ApiKey, k, end);
        Some(end)
    }

    /// A `-----BEGIN …-----` armour line at `start`. A block with a real base64 body (see
    /// [`pem_body`]) is reported when its label names a private key, and skipped either way,
    /// so that certificate bodies never reach the entropy test; a bare marker (a README saying
    /// "the file starts with `-----BEGIN PRIVATE KEY-----`") is neither.
    fn pem(&mut self, start: usize) -> Option<usize> {
        const BEGIN: &[u8] = b"-----BEGIN ";
        const DASHES: &[u8] = b"-----";
        let bytes = self.bytes;
        if !bytes.get(start..)?.starts_with(BEGIN) {
            return None;
        }
        let label_start = start + BEGIN.len();
        let label_end = take_while_max(bytes, label_start, 65, is_pem_label_byte);
        if label_end == label_start
            || label_end - label_start > 64
            || !bytes.get(label_end..)?.starts_with(DASHES)
        {
            return None;
        }
        let label = bytes.get(label_start..label_end)?;
        let private = label.ends_with(b"PRIVATE KEY") || label.ends_with(b"PRIVATE KEY BLOCK");
        let header_end = label_end + DASHES.len();
        let Some(block_end) = pem_body(bytes, header_end) else {
            return Some(header_end);
        };
        if private {
            self.push(Kind::PrivateKey, start, block_end);
        }
        Some(block_end)
    }

    /// A PuTTY private key file starting at `start` (`PuTTY-User-Key-File-N: algorithm`): the
    /// span through the `Private-MAC:` line, or through the base64 lines after
    /// `Private-Lines:` when the MAC is missing. Without a `Private-Lines:` section within
    /// [`PUTTY_WINDOW`] bytes it is only a mention of the format.
    fn putty(&mut self, start: usize) -> Option<usize> {
        let bytes = self.bytes;
        let within = |at: usize| at > start && at - start <= PUTTY_WINDOW;
        let lines = self
            .putty_lines
            .next(bytes, start)
            .filter(|&at| within(at))?;
        let body = take_while_max(bytes, lines, 64, |c| c != b'\n' && c != b'\r');
        let mac = self.putty_mac.next(bytes, lines).filter(|&at| within(at));
        Some(match mac {
            Some(at) => take_while_max(bytes, at, 256, |c| c != b'\n' && c != b'\r'),
            None => pem_body(bytes, body).unwrap_or(body),
        })
    }

    /// A run of at least [`MIN_SECRET_LEN`] bytes that matched no known format.
    fn long_run(&mut self, start: usize, end: usize) {
        let bytes = self.bytes;
        let Some(tok) = bytes.get(start..end) else {
            return;
        };
        // Base64 padding belongs to the token.
        let pad = take_while_max(bytes, end, 2, |b| b == b'=');
        if tok.len() == 40
            && tok
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
            && context_before(bytes, start, AWS_CONTEXT_WINDOW, AWS_SECRET_CONTEXT)
        {
            self.push(Kind::ApiKey, start, pad);
            return;
        }
        // Long runs in URL paths are ids and slugs; URL secrets are read from query parameters
        // in pass 2.
        if excluded_by_context(bytes, start, tok) || !is_random_token(tok) {
            return;
        }
        if self.in_url_at(start) || context_before(bytes, start, HASH_CONTEXT_WINDOW, HASH_CONTEXT)
        {
            return;
        }
        self.push(Kind::Secret, start, pad);
    }
}

/// Whether a token format (provider key, JWT, PuTTY) can start with the bytes `b0 b1`: a
/// cheap filter so that ordinary words skip the per-format checks.
const fn may_start_token(b0: u8, b1: u8) -> bool {
    matches!(
        (b0, b1),
        (b'A', b'K' | b'S' | b'B' | b'C' | b'I')
            | (b'g', b'h' | b'i' | b'l')
            | (b's', b'k' | b'h' | b'q')
            | (b'r' | b'p', b'k')
            | (b'p', b'y')
            | (b'w', b'h')
            | (b'x', b'o' | b'a')
            | (b'h', b't' | b'o' | b'f')
            | (b'y', b'a')
            | (b'n', b'p')
            | (b'S', b'G' | b'K')
            | (b'd', b'o' | b'a')
            | (b'l', b'i')
            | (b'P', b'M' | b'u')
            | (b'e', b'y')
    )
}

/// Whether a [prose password keyword](PROSE_KEYWORDS) can start with `b0 b1` (any case).
const fn may_start_prose_pair(b0: u8, b1: u8) -> bool {
    matches!(
        (b0.to_ascii_lowercase(), b1.to_ascii_lowercase()),
        (b'p', b'a' | b'w' | b'i') | (b'k' | b's', b'e') | (b'w', b'a') | (b'm' | b'c', b'o')
    )
}

/// Bit set over byte pairs `(b0 << 8) | b1`: set where [`may_start_token`] or
/// [`may_start_prose_pair`] holds. 8 KiB, computed at compile time.
static PAIR_START: [u64; 1024] = {
    let mut table = [0u64; 1024];
    let mut rest: &mut [u64] = &mut table;
    let mut pair: u32 = 0;
    while let [word, tail @ ..] = rest {
        let mut bit = 0;
        while bit < 64 {
            let b0 = ((pair >> 8) & 0xff) as u8;
            let b1 = (pair & 0xff) as u8;
            if may_start_token(b0, b1) || may_start_prose_pair(b0, b1) {
                *word |= 1u64 << bit;
            }
            pair += 1;
            bit += 1;
        }
        rest = tail;
    }
    table
};

/// Whether anything can start with the bytes `b0 b1` (see [`PAIR_START`]).
#[inline]
fn pair_may_start(b0: u8, b1: u8) -> bool {
    let pair = (usize::from(b0) << 8) | usize::from(b1);
    PAIR_START
        .get(pair >> 6)
        .is_some_and(|word| (word >> (pair & 63)) & 1 == 1)
}

/// The finer filter after [`pair_may_start`]: whether the first three to five bytes at `k` are
/// those of a token prefix or a prose keyword. Common English starts that share a pair with a
/// prefix (`when`/`whsec_`, `line`/`lin_api_`, `does`/`dop_v1_`, `should`/`shpat_`) stop here.
fn prefix_may_start(bytes: &[u8], k: usize) -> bool {
    let at = |i: usize| byte_at(bytes, k + i).unwrap_or(0);
    let token = match (at(0), at(1), at(2)) {
        (b'A', b'K', b'I') | (b'A', b'S', b'I') | (b'A', b'B', b'I') | (b'A', b'C', b'C') => true,
        (b'A', b'I', b'z') | (b'e', b'y', b'J') | (b'x', b'o', b'x') | (b'x', b'a', b'p') => true,
        (b'g', b'h', b'p' | b'o' | b'u' | b's' | b'r') | (b'g', b'l', b'p') => {
            at(3) == b'_' || at(3) == b'a'
        }
        (b'g', b'i', b't') => at(3) == b'h' && at(6) == b'_',
        (b's', b'k', b'-' | b'_') | (b'r' | b'p', b'k', b'_') | (b's', b'q', b'0') => true,
        (b's', b'h', b'p') => at(5) == b'_',
        (b'p', b'y', b'p') => at(4) == b'-',
        (b'w', b'h', b's') | (b'y', b'a', b'2') | (b'n', b'p', b'm') | (b'h', b'f', b'_') => true,
        (b'h', b't', b't') | (b'h', b'o', b'o') => true,
        (b'S', b'G', b'.') | (b'S', b'K', _) | (b'P', b'M', b'A') | (b'P', b'u', b'T') => true,
        (b'd', b'o', b'p' | b'o' | b'r') => at(3) == b'_',
        (b'd', b'a', b'p') | (b'l', b'i', b'n') => at(3) == b'i' || at(3) == b'_',
        _ => false,
    };
    token
        || (matches!(at(0) | 0x20, b'p' | b'k' | b'w' | b'm' | b's' | b'c')
            && may_start_prose(bytes, k))
}

/// The four bytes at `k` as a little-endian `u32` with ASCII letters lowercased (other
/// bytes may change too, which only matters when comparing with letters); 0 past the end.
fn lower4(bytes: &[u8], k: usize) -> u32 {
    bytes
        .get(k..k + 4)
        .and_then(|w| <[u8; 4]>::try_from(w).ok())
        .map_or(0, |w| u32::from_le_bytes(w) | 0x2020_2020)
}

/// `s` (at most four bytes) as a little-endian `u32`.
const fn le4(s: &[u8]) -> u32 {
    let mut v = 0u32;
    let mut rest = s;
    let mut shift = 0;
    while let [b, tail @ ..] = rest {
        v |= (*b as u32) << shift;
        shift += 8;
        rest = tail;
    }
    v
}

/// Mask of the first three bytes of a [`lower4`] word.
const THREE_BYTES: u32 = 0x00ff_ffff;

/// Whether a [prose password keyword](PROSE_KEYWORDS) can start at `k`, judged on its first
/// three or four letters (any case).
fn may_start_prose(bytes: &[u8], k: usize) -> bool {
    let w = lower4(bytes, k);
    [
        le4(b"pass"),
        le4(b"kenn"),
        le4(b"wach"),
        le4(b"senh"),
        le4(b"cont"),
    ]
    .contains(&w)
        || [le4(b"pwd"), le4(b"pin"), le4(b"mot")].contains(&(w & THREE_BYTES))
}

/// Bytes after a PuTTY key file header within which its `Private-Lines:` and `Private-MAC:`
/// lines must appear (real files are well under 4 KiB).
const PUTTY_WINDOW: usize = 8192;

/// Shortest base64 line that makes an armoured block real: PEM bodies are wrapped at 64
/// characters, prose words between markers are far shorter.
const PEM_MIN_LINE: usize = 40;

/// The end of a PEM (or PuTTY) base64 body starting at `from`, if it holds a line of at least
/// [`PEM_MIN_LINE`] base64 characters.
///
/// The body is a sequence of base64 tokens separated by whitespace or by the escapes `\n`,
/// `\r`, `\t` (a key pasted from a JSON file), optionally after RFC 1421 headers
/// (`Proc-Type:`, `DEK-Info:`). It ends at an `-----END …-----` line, whose end is then the
/// block's end, or before the first token that is not base64 (a truncated key), whose last
/// base64 token then ends the block. Linear in the body's length.
fn pem_body(bytes: &[u8], from: usize) -> Option<usize> {
    let is_b64 = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=');
    let mut i = from;
    let mut body_end = from;
    let mut longest = 0;
    let mut headers = 0;
    let mut line_before = true;
    loop {
        let (token_start, _) = skip_pem_separators(bytes, i);
        i = token_start;
        if bytes.get(i..).is_some_and(|r| r.starts_with(b"-----END ")) {
            let label_end = take_while_max(bytes, i + 9, 65, is_pem_label_byte);
            let end = if bytes
                .get(label_end..)
                .is_some_and(|r| r.starts_with(b"-----"))
            {
                label_end + 5
            } else {
                label_end
            };
            return (longest >= PEM_MIN_LINE).then_some(end);
        }
        if longest == 0
            && headers < 4
            && (starts_with_ci(bytes, i, b"Proc-Type:") || starts_with_ci(bytes, i, b"DEK-Info:"))
        {
            headers += 1;
            i = take_while_max(bytes, i, 256, |c| c != b'\n' && c != b'\r' && c != b'\\');
            line_before = true;
            continue;
        }
        let token_end = take_while(bytes, i, is_b64);
        let (next, line_after) = skip_pem_separators(bytes, token_end);
        let separated =
            next > token_end || token_end == bytes.len() || byte_at(bytes, next) == Some(b'-');
        if token_end == i || !separated {
            break;
        }
        // A short token is a body line only as the last line (before END or the end of the
        // text) or as a whole line; prose words after a truncated key are neither.
        let short = token_end - i < PEM_MIN_LINE;
        let last = next == bytes.len()
            || bytes
                .get(next..)
                .is_some_and(|r| r.starts_with(b"-----END "));
        if short && !last && !(line_before && line_after) {
            break;
        }
        longest = longest.max(token_end - i);
        body_end = token_end;
        i = next;
        line_before = line_after;
    }
    (longest >= PEM_MIN_LINE).then_some(body_end)
}

/// Skips whitespace and the escapes `\n`, `\r`, `\t` from `i`; returns where they end and
/// whether they contained a line break.
fn skip_pem_separators(bytes: &[u8], mut i: usize) -> (usize, bool) {
    let mut line_break = false;
    loop {
        match byte_at(bytes, i) {
            Some(b'\n' | b'\r') => {
                line_break = true;
                i += 1;
            }
            Some(b) if b.is_ascii_whitespace() => i += 1,
            Some(b'\\') if matches!(byte_at(bytes, i + 1), Some(b'n' | b'r')) => {
                line_break = true;
                i += 2;
            }
            Some(b'\\') if byte_at(bytes, i + 1) == Some(b't') => i += 2,
            _ => return (i, line_break),
        }
    }
}

/// A byte of a PEM armour label (`RSA PRIVATE KEY`, `CERTIFICATE`).
fn is_pem_label_byte(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit() || b == b' '
}

/// Labels that make a 40-character base64 string an AWS secret access key.
const AWS_SECRET_CONTEXT: &[&[u8]] = &[
    b"aws_secret",
    b"aws-secret",
    b"aws secret",
    b"secret_access_key",
    b"secretaccesskey",
    b"secret access key",
    b"secret-access-key",
];

/// Bytes before a long run searched for [`HASH_CONTEXT`].
const HASH_CONTEXT_WINDOW: usize = 32;

/// Words that make a following random-looking string a hash or fingerprint rather than a
/// secret (`hash(&bytes) == "EVk5Ua…"`, `checksum: …`, `fingerprint …`, `etag: …`).
const HASH_CONTEXT: &[&[u8]] = &[
    b"hash",
    b"digest",
    b"checksum",
    b"fingerprint",
    b"etag",
    b"integrity",
    b"sha",
    b"md5",
    b"blake",
    b"commit",
];

/// Digest algorithm names: `sha256:<hex>`, `sha512-<base64>` (subresource integrity) and
/// `md5=<…>` are hashes, not secrets. Sorted, lowercase.
const DIGEST_ALGS: &[&[u8]] = &[
    b"blake2b",
    b"blake2s",
    b"blake3",
    b"md5",
    b"sha-1",
    b"sha-256",
    b"sha-384",
    b"sha-512",
    b"sha1",
    b"sha224",
    b"sha256",
    b"sha3-256",
    b"sha3-512",
    b"sha384",
    b"sha512",
];

/// Base64 starts of SSH public key blobs (the length-prefixed key type name: `ssh-rsa`,
/// `ssh-ed25519`, `ssh-dss`, `ecdsa-sha2-…`, `sk-ssh-ed25519@…`, `sk-ecdsa-…`).
const SSH_PUBLIC_BLOB_PREFIXES: &[&[u8]] = &[
    b"AAAAB3NzaC1",
    b"AAAAC3NzaC1",
    b"AAAAE2VjZHNh",
    b"AAAAGnNrLXNzaC1",
    b"AAAAInNrLWVjZHNh",
];

/// Contexts in which a long run is data, not a secret: data-URI payloads, password-hash
/// fields, digests labelled with their algorithm, and SSH public keys.
fn excluded_by_context(bytes: &[u8], start: usize, tok: &[u8]) -> bool {
    if start >= 7 && starts_with_ci(bytes, start - 7, b"base64,") {
        return true;
    }
    // `$argon2id$v=19$m=…$<salt>$<hash>`, `$2b$12$…`, `$6$…`: PHC and crypt(3) password
    // hashes, whose fields follow `$`.
    if prev_byte(bytes, start) == Some(b'$') {
        return true;
    }
    if matches!(prev_byte(bytes, start), Some(b':' | b'=')) {
        let label_end = start - 1;
        let mut label_start = label_end;
        while label_start > 0
            && label_end - label_start < 12
            && prev_byte(bytes, label_start).is_some_and(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            label_start -= 1;
        }
        if bytes
            .get(label_start..label_end)
            .is_some_and(|l| in_sorted_ci(DIGEST_ALGS, l))
        {
            return true;
        }
    }
    if let Some(dash) = tok.iter().take(9).position(|&b| b == b'-')
        && tok
            .get(..dash)
            .is_some_and(|alg| in_sorted_ci(DIGEST_ALGS, alg))
    {
        return true;
    }
    SSH_PUBLIC_BLOB_PREFIXES.iter().any(|p| tok.starts_with(p))
}

// ---------------------------------------------------------------------------------------------
// High-entropy tokens

/// Splits an identifier-like string into chunks: a lowercase run, a capitalised word, an
/// upper-case run (whose last letter starts the next chunk when a lowercase letter follows,
/// as in `HTTPServer`), or a digit run. Other bytes separate chunks.
#[derive(Debug)]
struct Chunks<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Chunks<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Chunks { bytes, pos: 0 }
    }
}

impl<'a> Iterator for Chunks<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let b = self.bytes;
        let start = take_while(b, self.pos, |c| !c.is_ascii_alphanumeric());
        let c = byte_at(b, start)?;
        let end = if c.is_ascii_digit() {
            take_while(b, start, |c| c.is_ascii_digit())
        } else if c.is_ascii_lowercase() {
            take_while(b, start, |c| c.is_ascii_lowercase())
        } else {
            let upper_end = take_while(b, start, |c| c.is_ascii_uppercase());
            if byte_at(b, upper_end).is_some_and(|c| c.is_ascii_lowercase()) {
                if upper_end - start >= 2 {
                    upper_end - 1
                } else {
                    take_while(b, upper_end, |c| c.is_ascii_lowercase())
                }
            } else {
                upper_end
            }
        };
        self.pos = end;
        b.get(start..end)
    }
}

/// A vowel of either case, `y` included (it is one in `rhythm`, `sync`, `type`).
fn is_vowel(b: u8) -> bool {
    matches!(
        b.to_ascii_lowercase(),
        b'a' | b'e' | b'i' | b'o' | b'u' | b'y'
    )
}

/// A chunk that reads like a word: four or more letters, a vowel (`y` counts), and no run of
/// more than four consonants; without `strict`, also a capitalised three-letter chunk with a
/// vowel (`Win`, `Leg`, `Udp`: camel-case parts), which random mixed-case text forms rarely
/// enough (it lowers recall on random 32-character tokens from ≈ 99 % to ≈ 98 %). With `strict`, at least a quarter of the letters must also be
/// vowels: single-case random tokens (base36, base32) form long letter chunks, and the vowel
/// share is what still tells `scroll` from `xkqzt`. Mixed-case random tokens rarely form
/// chunks of four letters at all (the case flips too often), so the relaxed form suffices
/// there and keeps consonant-heavy words such as `scroll`, `dumps` or `folds` word-like.
fn is_word_like(chunk: &[u8], strict: bool) -> bool {
    if !chunk.iter().all(u8::is_ascii_alphabetic) {
        return false;
    }
    if let [first, second, third] = chunk
        && !strict
    {
        // `Udp`, `Tls`… in `PtpV2OverUdpIPv4`: a capitalised three-letter chunk with a vowel.
        return first.is_ascii_uppercase()
            && second.is_ascii_lowercase()
            && third.is_ascii_lowercase()
            && chunk.iter().any(|&b| is_vowel(b));
    }
    if chunk.len() < 4 {
        return false;
    }
    let vowels = chunk.iter().filter(|&&b| is_vowel(b)).count();
    if vowels == 0 || (strict && vowels * 4 < chunk.len()) {
        return false;
    }
    let mut run = 0usize;
    for &b in chunk {
        run = if is_vowel(b) { 0 } else { run + 1 };
        if run > 4 {
            return false;
        }
    }
    true
}

/// Whether `tok` (a maximal run of `[A-Za-z0-9+/_-]`, padding excluded) looks like a random
/// secret rather than an identifier, path, slug or digest.
///
/// Required: ≥ [`MIN_SECRET_LEN`] bytes, a digit and a letter, not single-case hex (UUIDs,
/// commit ids, SHA digests), entropy ≥ [`MIN_SECRET_ENTROPY`], not an ascending sequence
/// (`abcdef…0123…`), not an absolute path (`/usr/…`), not a name made of
/// [single-case segments](single_case_segments), and fewer than 60 % of its letters in
/// [word-like chunks](is_word_like) (the strict form and a 75 % limit for single-case tokens
/// without separators, where random base36 often forms pronounceable chunks).
///
/// Measured recall on uniformly random tokens (`random_token_recall`, 4000 per cell), at
/// lengths 32 / 40 / 64: base64 and base64url 98.1 / 99.2 / 99.8 %, base62 98.1 / 99.1 /
/// 100 %, lowercase base36 93.2 / 98.3 / 99.6 %, upper-case base32 84.6 / 96.0 / 99.1 %.
/// Identifiers, constants, slugs and relative paths made of words are rejected (see the tests,
/// drawn from real crate sources).
fn is_random_token(tok: &[u8]) -> bool {
    if tok.len() < MIN_SECRET_LEN {
        return false;
    }
    let (upper, lower, digit) = char_classes(tok);
    if !digit || !(upper || lower) {
        return false;
    }
    let single_case_hex = |hex: fn(&u8) -> bool| tok.iter().all(|b| hex(b) || *b == b'-');
    if single_case_hex(|b| is_lower_hex(*b))
        || single_case_hex(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(b))
    {
        return false;
    }
    let ascending = tok
        .windows(2)
        .filter(|w| matches!(w, [a, b] if a.checked_add(1) == Some(*b)))
        .count();
    if ascending * 2 >= tok.len() - 1 {
        return false;
    }
    if looks_like_absolute_path(tok) || single_case_segments(tok) {
        return false;
    }
    let letters = tok.iter().filter(|b| b.is_ascii_alphabetic()).count();
    // Random base36/base32 (the single-case alphabets) has no separators; a single-case run
    // with `/`, `-` or `_` is a path, slug or snake_case name and is judged like mixed case.
    let has_sep = tok.iter().any(|&b| !b.is_ascii_alphanumeric());
    let strict = upper != lower && !has_sep;
    let wordy: usize = Chunks::new(tok)
        .filter(|c| is_word_like(c, strict))
        .map(<[u8]>::len)
        .sum();
    let limit_percent = if strict { 75 } else { 60 };
    // Entropy last: it is the most expensive test.
    wordy * 100 < letters * limit_percent && shannon_entropy(tok) >= MIN_SECRET_ENTROPY
}

/// `NL80211_ATTR_BURST_PERIOD`, `TLS_DH_anon_WITH_AES_128_CBC_SHA256`, `ed25519-encpriv-des3`,
/// `e6864dd7_f325_45ea_a1d5`: three or more segments between `_`, `-`, `/` or `+` (two for an
/// upper-case `_` constant), none of them mixing upper and lower case (one may, among four
/// or more). Such names and slugs are built from single-case parts;
/// a random base64 token with that many separators has mixed-case segments (a random
/// segment of ten characters is single-case with probability ≈ 1 %).
fn single_case_segments(tok: &[u8]) -> bool {
    let mut segments = 0;
    let mut mixed = 0;
    for seg in tok
        .split(|b| !b.is_ascii_alphanumeric())
        .filter(|s| !s.is_empty())
    {
        let (upper, lower, _) = char_classes(seg);
        if upper && lower {
            mixed += 1;
        }
        segments += 1;
    }
    // One mixed-case part among four or more is still a name (`…_ALLOC_3x996P484`,
    // `kCFStringEncodingISO_2022_CN_EXT`).
    if mixed > 1 || (mixed == 1 && segments < 4) {
        return false;
    }
    // Two upper-case segments joined by `_` are a constant (`D3DKMT_OPENSYNCOBJECT…`); two
    // lowercase ones may be a token with a prefix (`key-3ax6…`) and are judged on.
    let screaming = tok.contains(&b'_') && !tok.iter().any(u8::is_ascii_lowercase);
    segments >= 3 || (segments == 2 && screaming)
}

/// `/usr/…`, `/home/…`, `/api/…`: a leading slash, a short lowercase first segment and a
/// second slash. Random base64 starts this way well under 0.1 % of the time.
fn looks_like_absolute_path(tok: &[u8]) -> bool {
    if tok.first() != Some(&b'/') {
        return false;
    }
    let Some(second) = tok.iter().skip(1).take(16).position(|&b| b == b'/') else {
        return false;
    };
    second > 0
        && tok.get(1..=second).is_some_and(|seg| {
            seg.iter()
                .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        })
}

// ---------------------------------------------------------------------------------------------
// Provider formats

/// A token `prefix` + body at `k`: the body is the longest run of `charset` bytes, its length
/// must lie in `min..=max`, and a token boundary must follow. Returns the token end.
fn prefixed(
    bytes: &[u8],
    k: usize,
    prefix: &[u8],
    charset: fn(u8) -> bool,
    min: usize,
    max: usize,
) -> Option<usize> {
    if !bytes.get(k..)?.starts_with(prefix) {
        return None;
    }
    let body = k + prefix.len();
    let end = take_while_max(bytes, body, max.saturating_add(1), charset);
    let len = end - body;
    (len >= min && len <= max && boundary_after(bytes, end)).then_some(end)
}

/// Charset of most provider token bodies: `[A-Za-z0-9]`.
fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// Charset of AWS access key id bodies: `[A-Z0-9]`.
fn upper_or_digit(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

/// Hex digit of either case.
fn any_hex(b: u8) -> bool {
    b.is_ascii_hexdigit()
}

/// Lowercase hex digit, as a `fn` for [`prefixed`].
fn lower_hex(b: u8) -> bool {
    is_lower_hex(b)
}

/// `prefixed` for the first of several prefixes that matches.
fn first_prefixed(
    bytes: &[u8],
    k: usize,
    prefixes: &[&[u8]],
    charset: fn(u8) -> bool,
    min: usize,
    max: usize,
) -> Option<usize> {
    prefixes
        .iter()
        .find_map(|p| prefixed(bytes, k, p, charset, min, max))
}

/// Upper bound on provider token bodies; real ones are far shorter.
const MAX_TOKEN_BODY: usize = 1024;

/// Longest backward scan of [`TokenScan::in_url_at`] when it cannot continue from its
/// previous state; URLs longer than this before a token are not recognised as URLs.
const URL_LOOKBACK: usize = 4096;

/// Word starts tried inside one run after `+`, `/` or `-` (see [`TokenScan::run_at`]).
const MAX_INNER_STARTS: usize = 16;

/// A provider API key or token starting at the word start `k`; returns its end.
fn provider_key(bytes: &[u8], k: usize) -> Option<usize> {
    match byte_at(bytes, k)? {
        // AWS access key ids: 4-letter type prefix + 16 upper-case base32-ish characters.
        // Google API keys: `AIza` + 35 base64url characters.
        b'A' => first_prefixed(
            bytes,
            k,
            &[b"AKIA", b"ASIA", b"ABIA", b"ACCA"],
            upper_or_digit,
            16,
            16,
        )
        .or_else(|| prefixed(bytes, k, b"AIza", is_b64url, 35, 35)),
        // GitHub classic tokens (36 alphanumerics), fine-grained PATs, GitLab PATs.
        b'g' => first_prefixed(
            bytes,
            k,
            &[b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_"],
            alnum,
            36,
            255,
        )
        .or_else(|| prefixed(bytes, k, b"github_pat_", is_word_byte, 22, 255))
        .or_else(|| prefixed(bytes, k, b"glpat-", is_b64url, 20, 255)),
        b's' => openai_like(bytes, k)
            .or_else(|| stripe(bytes, k))
            // Shopify access tokens and shared secrets: 32 hex.
            .or_else(|| {
                first_prefixed(
                    bytes,
                    k,
                    &[b"shpat_", b"shpss_", b"shpca_", b"shppa_"],
                    any_hex,
                    32,
                    32,
                )
            })
            // Square access tokens and OAuth secrets.
            .or_else(|| first_prefixed(bytes, k, &[b"sq0atp-", b"sq0csp-"], is_b64url, 22, 255)),
        b'r' => stripe(bytes, k),
        // Stripe publishable keys; PyPI upload tokens are macaroons whose base64 starts `AgE`.
        b'p' => stripe(bytes, k)
            .or_else(|| prefixed(bytes, k, b"pypi-AgE", is_b64url, 47, MAX_TOKEN_BODY)),
        // Stripe webhook signing secrets.
        b'w' => prefixed(bytes, k, b"whsec_", alnum, 24, 255),
        // Slack bot/user/app tokens: digits and dashes, then an alphanumeric secret.
        b'x' => first_prefixed(
            bytes,
            k,
            &[
                b"xoxb-", b"xoxp-", b"xoxa-", b"xoxr-", b"xoxs-", b"xoxe-", b"xapp-",
            ],
            |b| b.is_ascii_alphanumeric() || b == b'-',
            10,
            255,
        )
        .filter(|&end| {
            bytes
                .get(k + 5..end)
                .is_some_and(|body| body.iter().any(u8::is_ascii_digit))
        }),
        b'h' => slack_webhook(bytes, k).or_else(|| {
            // Hugging Face user access tokens: `hf_` + 34 letters (mixed case).
            prefixed(bytes, k, b"hf_", alnum, 30, 64)
                .filter(|&end| bytes.get(k + 3..end).is_some_and(|b| class_count(b) >= 2))
        }),
        // Google OAuth access tokens.
        b'y' => prefixed(bytes, k, b"ya29.", is_b64url, 20, MAX_TOKEN_BODY),
        // npm access tokens: 36 alphanumerics.
        b'n' => prefixed(bytes, k, b"npm_", alnum, 36, 64)
            .filter(|&end| bytes.get(k + 4..end).is_some_and(|b| class_count(b) >= 2)),
        b'S' => sendgrid(bytes, k).or_else(|| twilio(bytes, k)),
        // DigitalOcean personal, OAuth and refresh tokens: 64 lowercase hex.
        b'd' => first_prefixed(
            bytes,
            k,
            &[b"dop_v1_", b"doo_v1_", b"dor_v1_"],
            lower_hex,
            64,
            64,
        )
        // Databricks personal access tokens: `dapi` + 32 lowercase hex.
        .or_else(|| prefixed(bytes, k, b"dapi", lower_hex, 32, 32)),
        // Linear API keys.
        b'l' => prefixed(bytes, k, b"lin_api_", alnum, 40, 64),
        // Postman API keys: `PMAK-` + 24 hex + `-` + 34 hex.
        b'P' => {
            let mid = prefixed(bytes, k, b"PMAK-", lower_hex, 24, 24).map(|_| k + 5 + 24);
            mid.filter(|&m| byte_at(bytes, m) == Some(b'-'))
                .and_then(|m| prefixed(bytes, m, b"-", lower_hex, 34, 34))
        }
        _ => None,
    }
}

/// OpenAI (`sk-`, `sk-proj-`, `sk-svcacct-`) and Anthropic (`sk-ant-`) keys: ≥ 20 characters
/// of `[A-Za-z0-9_-]` after the prefix, with at least two of upper/lower/digit so that a
/// kebab-case word after `sk-` does not count.
fn openai_like(bytes: &[u8], k: usize) -> Option<usize> {
    if !bytes.get(k..)?.starts_with(b"sk-") {
        return None;
    }
    let prefix_len = [&b"sk-proj-"[..], b"sk-ant-", b"sk-svcacct-", b"sk-admin-"]
        .iter()
        .find(|p| bytes.get(k..).is_some_and(|r| r.starts_with(p)))
        .map_or(3, |p| p.len());
    let end = take_while_max(bytes, k + 3, MAX_TOKEN_BODY + 16, is_b64url);
    let body = bytes.get(k + prefix_len..end)?;
    (body.len() >= 20
        && body.len() <= MAX_TOKEN_BODY
        && class_count(body) >= 2
        && boundary_after(bytes, end))
    .then_some(end)
}

/// Stripe secret, restricted and publishable keys (live and test).
fn stripe(bytes: &[u8], k: usize) -> Option<usize> {
    first_prefixed(
        bytes,
        k,
        &[
            b"sk_live_",
            b"sk_test_",
            b"rk_live_",
            b"rk_test_",
            b"pk_live_",
            b"pk_test_",
        ],
        alnum,
        16,
        255,
    )
}

/// Slack incoming-webhook and workflow URLs (the whole URL is the credential).
fn slack_webhook(bytes: &[u8], k: usize) -> Option<usize> {
    let host_at = if starts_with_ci(bytes, k, b"https://") {
        k + 8
    } else if starts_with_ci(bytes, k, b"http://") {
        k + 7
    } else {
        k
    };
    if !bytes.get(host_at..)?.starts_with(b"hooks.slack.com/") {
        return None;
    }
    let path = host_at + b"hooks.slack.com/".len();
    let body = [&b"services/"[..], b"workflows/", b"triggers/"]
        .iter()
        .find(|p| bytes.get(path..).is_some_and(|r| r.starts_with(p)))
        .map(|p| path + p.len())?;
    let end = take_while_max(bytes, body, 257, |b| {
        b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-')
    });
    (end - body >= 20).then_some(end)
}

/// SendGrid API keys: `SG.` + 22 + `.` + 43 base64url characters.
fn sendgrid(bytes: &[u8], k: usize) -> Option<usize> {
    let first = prefixed(bytes, k, b"SG.", is_b64url, 22, 22)?;
    (byte_at(bytes, first) == Some(b'.')).then_some(())?;
    let end = take_while_max(bytes, first + 1, 44, is_b64url);
    (end - first - 1 == 43 && boundary_after(bytes, end)).then_some(end)
}

/// Twilio API key SIDs: `SK` + 32 lowercase hex, only with a Twilio or API context before
/// (the same shape is used for other ids).
fn twilio(bytes: &[u8], k: usize) -> Option<usize> {
    let end = prefixed(bytes, k, b"SK", lower_hex, 32, 32)?;
    context_before(bytes, k, 40, &[b"twilio", b"api", b"sid"]).then_some(end)
}

/// A JSON Web Token at `k`: `eyJ…` header `.` `eyJ…` payload `.` signature (base64url; the
/// signature may be empty for `alg: none`). The header must decode to a JSON object.
fn jwt(text: &str, k: usize) -> Option<usize> {
    /// Longest header accepted; real headers are well under 1 KiB.
    const MAX_HEADER: usize = 4096;
    /// Longest payload or signature accepted.
    const MAX_PART: usize = 65_536;
    let bytes = text.as_bytes();
    if !bytes.get(k..)?.starts_with(b"eyJ") {
        return None;
    }
    let header_end = take_while_max(bytes, k, MAX_HEADER + 1, is_b64url);
    if header_end - k < 10
        || header_end - k > MAX_HEADER
        || byte_at(bytes, header_end) != Some(b'.')
    {
        return None;
    }
    let payload = header_end + 1;
    if !bytes.get(payload..)?.starts_with(b"eyJ") {
        return None;
    }
    let payload_end = take_while_max(bytes, payload, MAX_PART + 1, is_b64url);
    if byte_at(bytes, payload_end) != Some(b'.') {
        return None;
    }
    let end = take_while_max(bytes, payload_end + 1, MAX_PART + 1, is_b64url);
    if payload_end - payload > MAX_PART || end - payload_end - 1 > MAX_PART {
        return None;
    }
    let header = base64url_decode(text.get(k..header_end)?).ok()?;
    let is_object = header.first() == Some(&b'{')
        && serde_json::from_slice::<serde_json::Value>(&header).is_ok_and(|v| v.is_object());
    is_object.then_some(end)
}

// ---------------------------------------------------------------------------------------------
// Passwords in prose

/// Words that introduce a password in prose, lowercase (matched case-insensitively and
/// followed by a non-letter). `pin` values must be 4–8 digits.
const PROSE_KEYWORDS: &[&[u8]] = &[
    b"password",
    b"passwort",
    b"passwd",
    b"passphrase",
    b"pass phrase",
    b"passcode",
    b"pass code",
    b"pwd",
    b"pin code",
    b"pin-code",
    b"pincode",
    b"pin",
    b"kennwort",
    b"wachtwoord",
    b"senha",
    b"mot de passe",
    "contraseña".as_bytes(),
    b"contrasena",
];

/// Connecting phrases between the keyword and the value ("my password **is** …", "das
/// Passwort **lautet** …"), longest first so that "is set to" wins over "is".
const COPULAS: &[&[u8]] = &[
    b"has been changed to",
    b"has been set to",
    b"was changed to",
    b"is changed to",
    b"was set to",
    b"is set to",
    b"changed to",
    b"set to",
    b"is currently",
    b"is still",
    b"is now",
    b"lautet",
    b"is",
    b"was",
    b"ist",
    b"est",
    b"es",
    "é".as_bytes(),
    // "set the admin password to …": tried last, after the clause form ("the password to
    // the router is …") had its chance through the stop list.
    b"to",
];

/// Prepositions that may open a short phrase between keyword and copula ("the password
/// **for the router** is …"); at most four further words are skipped.
const CLAUSE_OPENERS: &[&[u8]] = &[
    b"for",
    b"to",
    b"of",
    b"on",
    b"f\xc3\xbcr",
    b"pour",
    b"para",
    b"voor",
];

/// Words that cannot be a password after "password is …": adjectives and participles that
/// describe the password ("is required", "is too short", "is the same") and function words,
/// in English, German, French, Spanish, Dutch and Portuguese. Sorted, lowercase; a hit
/// rejects the candidate.
const PROSE_STOP: &[&[u8]] = &[
    b"a",
    b"abgelaufen",
    b"about",
    b"above",
    b"accepted",
    b"active",
    b"actually",
    b"also",
    b"always",
    b"an",
    b"and",
    b"any",
    b"anything",
    b"as",
    b"at",
    b"attached",
    b"auch",
    b"bad",
    b"based",
    b"being",
    b"below",
    b"blank",
    b"but",
    b"by",
    b"case",
    b"case-sensitive",
    b"changed",
    b"complex",
    b"compromised",
    b"configured",
    b"correct",
    b"currently",
    b"das",
    b"de",
    b"defined",
    b"dein",
    b"demasiado",
    b"der",
    b"derived",
    b"die",
    b"different",
    b"disabled",
    b"displayed",
    b"d\xc3\xa9bil",
    b"easy",
    b"een",
    b"ein",
    b"eine",
    b"el",
    b"empty",
    b"enabled",
    b"encoded",
    b"encrypted",
    b"erforderlich",
    b"every",
    b"expired",
    b"expiring",
    b"faible",
    b"falsch",
    b"false",
    b"fine",
    b"for",
    b"forgotten",
    b"fort",
    b"forte",
    b"fraca",
    b"from",
    b"fuerte",
    b"geheim",
    b"generated",
    b"given",
    b"gleich",
    b"good",
    b"great",
    b"hard",
    b"hardcoded",
    b"hashed",
    b"her",
    b"here",
    b"het",
    b"hidden",
    b"his",
    b"how",
    b"ignored",
    b"in",
    b"inactive",
    b"incorrect",
    b"incorrecta",
    b"insecure",
    b"invalid",
    b"invalide",
    b"its",
    b"jetzt",
    b"just",
    b"known",
    b"korrekt",
    b"kurz",
    b"la",
    b"lang",
    b"le",
    b"leaked",
    b"least",
    b"leeg",
    b"leer",
    b"les",
    b"less",
    b"like",
    b"listed",
    b"located",
    b"locked",
    b"logged",
    b"long",
    b"longer",
    b"lost",
    b"managed",
    b"mandatory",
    b"masked",
    b"mein",
    b"mi",
    b"mijn",
    b"mine",
    b"minha",
    b"missing",
    b"mon",
    b"more",
    b"most",
    b"my",
    b"needed",
    b"never",
    b"new",
    b"nicht",
    b"niet",
    b"no",
    b"none",
    b"not",
    b"nothing",
    b"now",
    b"null",
    b"obligatoire",
    b"obligatoria",
    b"of",
    b"ok",
    b"okay",
    b"old",
    b"on",
    b"one",
    b"onjuist",
    b"only",
    b"optional",
    b"or",
    b"our",
    b"pas",
    b"printed",
    b"private",
    b"probably",
    b"protected",
    b"provided",
    b"random",
    b"really",
    b"redacted",
    b"rejected",
    b"requerida",
    b"required",
    b"requis",
    b"reset",
    b"richtig",
    b"rotated",
    b"safe",
    b"same",
    b"saved",
    b"schwach",
    b"secret",
    b"secure",
    b"sensitive",
    b"sent",
    b"set",
    b"shared",
    b"short",
    b"shorter",
    b"shown",
    b"sicher",
    b"simple",
    b"some",
    b"something",
    b"specified",
    b"stark",
    b"sterk",
    b"still",
    b"stored",
    b"strong",
    b"su",
    b"sua",
    b"te",
    b"that",
    b"the",
    b"their",
    b"there",
    b"these",
    b"this",
    b"those",
    b"to",
    b"too",
    b"trop",
    b"true",
    b"tu",
    b"typically",
    b"un",
    b"una",
    b"une",
    b"unique",
    b"unknown",
    b"unlocked",
    b"unsafe",
    b"unsicher",
    b"updated",
    b"used",
    b"usually",
    b"vac\xc3\xada",
    b"valid",
    b"verplicht",
    b"very",
    b"vide",
    b"visible",
    b"votre",
    b"weak",
    b"what",
    b"when",
    b"where",
    b"which",
    b"who",
    b"why",
    b"with",
    b"without",
    b"written",
    b"wrong",
    b"yes",
    b"your",
    b"yours",
    b"zu",
    b"zwak",
];

/// Words after an alphabetic value that keep it a complete answer ("my password is sunshine
/// **and** …"); any other following word means the value was the start of a longer phrase.
const CLAUSE_CONTINUATIONS: &[&[u8]] = &[
    b"aber", b"and", b"btw", b"but", b"et", b"mais", b"or", b"pero", b"please", b"so", b"thanks",
    b"und", b"y",
];

/// Units after a number that make it a length or count ("password is 128 bits long").
const COUNT_UNITS: &[&[u8]] = &[
    b"bit",
    b"bits",
    b"byte",
    b"bytes",
    b"char",
    b"characters",
    b"chars",
    b"days",
    b"digits",
    b"hours",
    b"letters",
    b"long",
    b"minutes",
    b"months",
    b"symbols",
    b"times",
    b"weeks",
    b"years",
    b"zeichen",
];

/// Length of an opening or closing quotation mark at `i` (ASCII or typographic).
fn quote_len(bytes: &[u8], i: usize) -> Option<usize> {
    match byte_at(bytes, i)? {
        b'"' | b'\'' | b'`' => Some(1),
        0xE2 => {
            // “ ” ‘ ’ „ (U+201C, U+201D, U+2018, U+2019, U+201E)
            let tail = bytes.get(i + 1..i + 3)?;
            matches!(tail, [0x80, 0x9C | 0x9D | 0x98 | 0x99 | 0x9E]).then_some(3)
        }
        // « »
        0xC2 => matches!(byte_at(bytes, i + 1)?, 0xAB | 0xBB).then_some(2),
        _ => None,
    }
}

/// Skips up to `max` spaces or tabs from `i`.
fn skip_blanks(bytes: &[u8], i: usize, max: usize) -> usize {
    take_while_max(bytes, i, max, |b| b == b' ' || b == b'\t')
}

/// A copula at `i` followed by a space or colon; returns where the value may start.
fn copula_at(bytes: &[u8], i: usize) -> Option<usize> {
    COPULAS.iter().find_map(|c| {
        if !starts_with_ci(bytes, i, c) {
            return None;
        }
        let after = i + c.len();
        let colon = byte_at(bytes, after) == Some(b':');
        let after = after + usize::from(colon);
        let value = skip_blanks(bytes, after, 3);
        (colon || value > after).then_some(value)
    })
}

/// A word of up to 24 non-blank ASCII letters/digits/hyphens/apostrophes at `i`; its end.
fn clause_word_end(bytes: &[u8], i: usize) -> Option<usize> {
    let end = take_while_max(bytes, i, 25, |b| {
        b.is_ascii_alphanumeric() || b == b'-' || b == b'\''
    });
    (end > i && end - i <= 24).then_some(end)
}

/// "my password is X", "PIN is 1234", "das Passwort ist X", "the password for the router is
/// 'X'": the span of the value X, if the phrase at the word start `k` has one.
fn prose_password(bytes: &[u8], k: usize) -> Option<(usize, usize)> {
    let keyword = PROSE_KEYWORDS.iter().find(|kw| {
        starts_with_ci(bytes, k, kw)
            && !byte_at(bytes, k + kw.len()).is_some_and(|b| b.is_ascii_alphabetic())
    })?;
    let is_pin = keyword.starts_with(b"pin");
    let after_kw = k + keyword.len();
    let first = skip_blanks(bytes, after_kw, 3);
    if first == after_kw {
        return None;
    }
    let value_at = match copula_at(bytes, first) {
        Some(v) => v,
        None => {
            let opener = CLAUSE_OPENERS.iter().find(|o| {
                starts_with_ci(bytes, first, o) && byte_at(bytes, first + o.len()) == Some(b' ')
            })?;
            let mut at = skip_blanks(bytes, first + opener.len(), 3);
            let mut found = None;
            for _ in 0..4 {
                let word_end = clause_word_end(bytes, at)?;
                let next = skip_blanks(bytes, word_end, 3);
                if next == word_end {
                    return None;
                }
                if let Some(v) = copula_at(bytes, next) {
                    found = Some(v);
                    break;
                }
                at = next;
            }
            found?
        }
    };
    let (vs, mut ve, quoted, mut clause_end) = read_prose_value(bytes, value_at)?;
    if keyword.ends_with(b"phrase") && !quoted && !clause_end {
        // A passphrase is several words: "my passphrase is purple monkey dishwasher."
        ve = extend_phrase(bytes, ve);
        clause_end = true;
    }
    let value = bytes.get(vs..ve)?;
    // The stop list applies to the first word of an unquoted value ("is used to unlock …",
    // "is the same as …") and to the whole of a quoted one (quotes mark a literal).
    let probe = if quoted {
        value
    } else {
        value.split(|&b| b == b' ').next().unwrap_or(value)
    };
    if value.len() < 3 || in_sorted_ci(PROSE_STOP, probe) || !plausible_literal(value, quoted) {
        return None;
    }
    if is_pin {
        let digits_only = value.iter().all(u8::is_ascii_digit);
        return (digits_only && (4..=8).contains(&value.len())).then_some((vs, ve));
    }
    if !quoted {
        let next_word = next_word(bytes, ve);
        if describes_rather_than_names(value) {
            return None;
        }
        if value.iter().all(|b| b.is_ascii_alphabetic() || *b == b'-') {
            // A bare word must end the clause: "is sunshine." but not "is stored in …".
            let continues = next_word.is_some_and(|w| !in_sorted_ci(CLAUSE_CONTINUATIONS, w));
            if continues && !clause_end {
                return None;
            }
        }
        if value.iter().all(u8::is_ascii_digit)
            && next_word.is_some_and(|w| in_sorted_ci(COUNT_UNITS, w))
        {
            return None;
        }
    }
    Some((vs, ve))
}

/// Whether a lowercase word after "password is" describes the password rather than giving
/// it: a hyphenated compound (`cloud-synchronized`, `case-insensitive`) or a participle or
/// adjective by its ending (`protected`, `expiring`, `guessable`, `reversible`,
/// `descriptive`, `useless`, `dangerous`, `optional`, `rarely`). Real passwords of this
/// shape ("password is blessed") are lost; the stop list cannot enumerate every adjective.
fn describes_rather_than_names(value: &[u8]) -> bool {
    const SUFFIXES: &[&[u8]] = &[
        b"ed", b"ing", b"able", b"ible", b"ive", b"ful", b"less", b"ous", b"al", b"ly",
    ];
    if !value.iter().all(|b| b.is_ascii_lowercase() || *b == b'-') {
        return false;
    }
    value.contains(&b'-')
        || SUFFIXES
            .iter()
            .any(|s| value.len() > s.len() + 2 && value.ends_with(s))
}

/// Extends an unquoted passphrase ending at `end` over up to seven more words separated by
/// single spaces, stopping at punctuation, a line end or a [continuation](CLAUSE_CONTINUATIONS)
/// ("… dishwasher and my PIN is …"). Returns the new end.
fn extend_phrase(bytes: &[u8], mut end: usize) -> usize {
    for _ in 0..7 {
        if byte_at(bytes, end) != Some(b' ') {
            break;
        }
        let at = end + 1;
        let word_end = take_while_max(bytes, at, 33, |b| {
            b.is_ascii_alphanumeric() || b == b'-' || b == b'\''
        });
        let Some(word) = bytes
            .get(at..word_end)
            .filter(|w| !w.is_empty() && w.len() <= 32)
        else {
            break;
        };
        if in_sorted_ci(CLAUSE_CONTINUATIONS, word) {
            break;
        }
        end = word_end;
    }
    end
}

/// The word after the value, on the same line, if any.
fn next_word(bytes: &[u8], end: usize) -> Option<&[u8]> {
    let at = skip_blanks(bytes, end, 3);
    if at == end {
        return None;
    }
    let word_end = take_while_max(bytes, at, 32, |b| b.is_ascii_alphabetic());
    bytes.get(at..word_end).filter(|w| !w.is_empty())
}

/// Reads the value after a prose phrase: a quoted string (content only) or a blank-delimited
/// token with trailing punctuation removed. Returns the span, whether it was quoted, and
/// whether sentence punctuation or a line end closes it.
fn read_prose_value(bytes: &[u8], at: usize) -> Option<(usize, usize, bool, bool)> {
    if let Some(open) = quote_len(bytes, at) {
        let vs = at + open;
        let ascii_open = byte_at(bytes, at).filter(u8::is_ascii);
        let mut i = vs;
        while i < bytes.len() && i - vs <= MAX_PROSE_VALUE {
            let b = byte_at(bytes, i)?;
            if b == b'\n' || b == b'\r' {
                return None;
            }
            let closes = match ascii_open {
                Some(q) => b == q,
                None => b == b'"' || (b >= 0x80 && quote_len(bytes, i).is_some()),
            };
            if closes {
                return (i > vs).then_some((vs, i, true, true));
            }
            i += 1;
        }
        return None;
    }
    let end = take_while_max(bytes, at, MAX_PROSE_VALUE + 1, |b| !b.is_ascii_whitespace());
    if end == at || end - at > MAX_PROSE_VALUE {
        return None;
    }
    let mut ve = end;
    let mut clause_end = byte_at(bytes, end).is_none_or(|b| b == b'\n' || b == b'\r');
    loop {
        if let Some(b) = prev_byte(bytes, ve).filter(|_| ve > at) {
            // `!` and `?` stay: they are common password characters, and redacting one
            // character too many is harmless while leaking one is not.
            if matches!(b, b'.' | b',' | b';' | b':') {
                clause_end = true;
                ve -= 1;
                continue;
            }
            if matches!(b, b')' | b']' | b'}' | b'"' | b'\'') {
                ve -= 1;
                continue;
            }
        }
        // Closing typographic quotes (3 bytes) and guillemets (2 bytes).
        if ve >= at + 3 && quote_len(bytes, ve - 3) == Some(3) {
            ve -= 3;
            continue;
        }
        if ve >= at + 2 && quote_len(bytes, ve - 2) == Some(2) {
            ve -= 2;
            continue;
        }
        break;
    }
    (ve > at).then_some((at, ve, false, clause_end))
}

// ---------------------------------------------------------------------------------------------
// Literal values

/// Values that are never a secret literal in an assignment: null-likes, booleans, type names
/// (`password: string`, `password: str = Field(…)`, `token: u32`, `password: LPCWSTR`), code
/// keywords (`let token = match …`, `secret = unsafe { … }`), the key words themselves and
/// placeholders. Sorted, lowercase.
const VALUE_STOP: &[&[u8]] = &[
    b"&str",
    b"any",
    b"array",
    b"async",
    b"await",
    b"blank",
    b"bool",
    b"boolean",
    b"byte",
    b"bytes",
    b"change_me",
    b"changeit",
    b"changeme",
    b"char",
    b"const",
    b"crate",
    b"default",
    b"dict",
    b"double",
    b"dummy",
    b"dword",
    b"empty",
    b"env",
    b"err",
    b"f32",
    b"f64",
    b"false",
    b"field",
    b"fixme",
    b"float",
    b"fn",
    b"function",
    b"guid",
    b"handle",
    b"hidden",
    b"i128",
    b"i16",
    b"i32",
    b"i64",
    b"i8",
    b"if",
    b"impl",
    b"int",
    b"integer",
    b"isize",
    b"key",
    b"lambda",
    b"let",
    b"list",
    b"long",
    b"lpcstr",
    b"lpcwstr",
    b"lpstr",
    b"lpwstr",
    b"masked",
    b"match",
    b"mut",
    b"n/a",
    b"na",
    b"new",
    b"nil",
    b"no",
    b"none",
    b"null",
    b"number",
    b"object",
    b"off",
    b"ok",
    b"omitted",
    b"on",
    b"option",
    b"optional",
    b"passwd",
    b"password",
    b"pcstr",
    b"pcwstr",
    b"placeholder",
    b"pstr",
    b"pwstr",
    b"redacted",
    b"removed",
    b"replace_me",
    b"replaceme",
    b"required",
    b"return",
    b"secret",
    b"secretstr",
    b"self",
    b"short",
    b"some",
    b"static",
    b"str",
    b"string",
    b"super",
    b"tbd",
    b"test",
    b"text",
    b"this",
    b"todo",
    b"token",
    b"true",
    b"u128",
    b"u16",
    b"u32",
    b"u64",
    b"u8",
    b"uint",
    b"ulong",
    b"undefined",
    b"unknown",
    b"unsafe",
    b"usize",
    b"value",
    b"var",
    b"varchar",
    b"void",
    b"yes",
    b"yield",
];

/// Whether `value` could be a literal secret rather than a placeholder, a template, a masked
/// value or an obvious stand-in. Shared by the prose and assignment forms.
fn plausible_literal(value: &[u8], quoted: bool) -> bool {
    let Some(&first) = value.first() else {
        return false;
    };
    if in_sorted_ci(VALUE_STOP, value) {
        return false;
    }
    // Templates, variables and placeholders: ${X}, $X, {{x}}, {x}, <your-password>, [REDACTED],
    // %(x)s, %s.
    if matches!(first, b'$' | b'{' | b'<' | b'[') || value.starts_with(b"%(") || value == b"%s" {
        return false;
    }
    if contains_ci(value, b"${") || contains_ci(value, b"{{") || contains_ci(value, b"$(") {
        return false;
    }
    if !quoted
        && matches!(
            first,
            b'%' | b'(' | b'@' | b'&' | b'*' | b'!' | b'|' | b'>' | b'#' | b'~'
        )
    {
        return false;
    }
    // Masked values: ****, xxxx, ••••, ----, and any single repeated character.
    let masked = std::str::from_utf8(value).is_ok_and(|s| {
        s.chars()
            .all(|c| matches!(c, '*' | 'x' | 'X' | '.' | '#' | '-' | '_' | '•' | '●' | '·'))
            || s.chars().all(|c| s.starts_with(c))
    });
    if masked {
        return false;
    }
    let lower_starts = |p: &[u8]| {
        value.len() >= p.len()
            && value
                .get(..p.len())
                .is_some_and(|v| v.eq_ignore_ascii_case(p))
    };
    let lower_ends = |p: &[u8]| {
        value.len() >= p.len()
            && value
                .get(value.len() - p.len()..)
                .is_some_and(|v| v.eq_ignore_ascii_case(p))
    };
    // `your_api_key`, `YOUR-TOKEN`, `put_key_here`, `token-here`, `here`; a real password
    // may well end in "here" (`MySphere1`), so a separator must precede it.
    let here_suffix = [&b"_here"[..], b"-here", b" here", b".here"]
        .iter()
        .any(|p| lower_ends(p));
    if lower_starts(b"your") || here_suffix || value.eq_ignore_ascii_case(b"here") {
        return false;
    }
    ![
        &b"placeholder"[..],
        b"changeme",
        b"change_me",
        b"change-me",
        b"redacted",
        b"replace",
        b"example",
        b"xxxx",
    ]
    .iter()
    .any(|n| contains_ci(value, n))
}

/// Extra tests for unquoted assignment values, which are often code rather than literals:
/// calls (`input()`, `os.getenv(…)`), indexing (`os.environ[…]`), paths (`process.env.API_KEY`,
/// `settings.SECRET`, `token::Group`), generic types (`Option<String>`, `u8>`), escapes and
/// regexes (`\t{}`, `\w{20}`) and numeric constants are always rejected; variable-looking names (`user_password`, `DEFAULT_TOKEN`,
/// `userPassword`) only with `code_style` (an `=` with blanks around it, `:=`, `=>`), since in
/// `.env` files (`DB_PASSWORD=my_pass_1`) and YAML the same shapes are literals.
fn plausible_unquoted(value: &[u8], code_style: bool) -> bool {
    if value.iter().any(|b| matches!(b, b'(' | b'[' | b'<' | b'>'))
        || contains_ci(value, b"::")
        || value.first() == Some(&b'\\')
    {
        return false;
    }
    // Short numbers and numeric literals are constants, not secrets: `TOKEN = 137`,
    // `= 0x0001`, `= 0i32`. (A numeric password of six or more digits still counts.)
    let digits = value.iter().take_while(|b| b.is_ascii_digit()).count();
    let numeric_suffix = value.get(digits..).is_some_and(|rest| {
        [
            &b"i8"[..],
            b"i16",
            b"i32",
            b"i64",
            b"i128",
            b"isize",
            b"u8",
            b"u16",
            b"u32",
            b"u64",
            b"u128",
            b"usize",
            b"f32",
            b"f64",
            b"l",
            b"ul",
            b"u",
        ]
        .iter()
        .any(|s| rest.eq_ignore_ascii_case(s))
    });
    if (digits == value.len() && digits < 6) || (digits > 0 && numeric_suffix) {
        return false;
    }
    if (value.starts_with(b"0x") || value.starts_with(b"0X"))
        && value.len() <= 10
        && value.iter().skip(2).all(u8::is_ascii_hexdigit)
    {
        return false;
    }
    if !code_style {
        return true;
    }
    // In code, an identifier with `_` is a name (`user_password`, `DEFAULT_TOKEN`).
    if value.contains(&b'_')
        && value
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'_')
        && value.iter().any(u8::is_ascii_alphabetic)
    {
        return false;
    }
    let ident = |seg: &[u8]| {
        seg.first()
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_' || *b == b'$')
            && seg
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
    };
    if value.contains(&b'.') && value.split(|&b| b == b'.').all(ident) {
        return false;
    }
    let letters_only = value.iter().all(|&b| b.is_ascii_alphabetic() || b == b'_');
    if letters_only {
        let snake = value.contains(&b'_');
        let camel = value.first().is_some_and(u8::is_ascii_lowercase)
            && value.iter().any(u8::is_ascii_uppercase);
        if snake || camel {
            return false;
        }
    }
    true
}

// ---------------------------------------------------------------------------------------------
// Pass 2: assignments

/// Password words: one of the last two key segments equal to one of these makes the key a
/// password key, unless its last segment is metadata ([`KEY_META`]). Sorted, lowercase.
const PASSWORD_WORDS: &[&[u8]] = &[
    b"contrasena",
    b"kennwort",
    b"passcode",
    b"passphrase",
    b"passwd",
    b"password",
    b"passwort",
    b"pwd",
    b"senha",
    b"wachtwoord",
];

/// Last key segments that name a secret by themselves. Sorted, lowercase.
const SECRET_LAST: &[&[u8]] = &[
    b"accesskey",
    b"accesstoken",
    b"apikey",
    b"apitoken",
    b"authtoken",
    b"bearer",
    b"clientsecret",
    b"pass",
    b"privatekey",
    b"pw",
    b"secret",
    b"secretkey",
    b"token",
];

/// Segments before a final `key` that make it a secret key (`api_key`, `secretKey`,
/// `STRIPE_SECRET_KEY`, `private-key`); a bare `key` or `sort_key` is not. Sorted, lowercase.
const KEY_QUALIFIERS: &[&[u8]] = &[
    b"access",
    b"account",
    b"admin",
    b"api",
    b"app",
    b"auth",
    b"client",
    b"consumer",
    b"encryption",
    b"hmac",
    b"license",
    b"master",
    b"private",
    b"root",
    b"secret",
    b"service",
    b"session",
    b"shared",
    b"signing",
    b"subscription",
    b"webhook",
];

/// Segments before a final `token` that name a non-secret token (pagination cursors,
/// tokenizer specials). Sorted, lowercase.
const TOKEN_NOT_SECRET: &[&[u8]] = &[
    b"bos",
    b"cancellation",
    b"cls",
    b"continuation",
    b"cursor",
    b"end",
    b"eos",
    b"mask",
    b"max",
    b"min",
    b"next",
    b"num",
    b"pad",
    b"page",
    b"pagination",
    b"prev",
    b"previous",
    b"sep",
    b"special",
    b"start",
    b"stop",
    b"sync",
    b"unk",
];

/// Last key segments that describe a secret rather than hold it (`password_hash`,
/// `passwordHint`, `token_type`, `secret_name`, `api_key_url`). Sorted, lowercase.
const KEY_META: &[&[u8]] = &[
    b"age",
    b"algo",
    b"algorithm",
    b"attempts",
    b"bcrypt",
    b"changed",
    b"char",
    b"characters",
    b"chars",
    b"cmd",
    b"command",
    b"count",
    b"created",
    b"desc",
    b"description",
    b"digest",
    b"disabled",
    b"enable",
    b"enabled",
    b"encoding",
    b"endpoint",
    b"env",
    b"error",
    b"errors",
    b"expiration",
    b"expired",
    b"expires",
    b"expiry",
    b"field",
    b"fields",
    b"file",
    b"flag",
    b"format",
    b"hash",
    b"hashed",
    b"header",
    b"help",
    b"hint",
    b"hints",
    b"id",
    b"input",
    b"label",
    b"last",
    b"len",
    b"length",
    b"location",
    b"manager",
    b"match",
    b"max",
    b"md5",
    b"message",
    b"method",
    b"min",
    b"mismatch",
    b"mode",
    b"msg",
    b"name",
    b"param",
    b"path",
    b"pattern",
    b"placeholder",
    b"policies",
    b"policy",
    b"prompt",
    b"provider",
    b"ref",
    b"reference",
    b"regex",
    b"required",
    b"reset",
    b"retries",
    b"rule",
    b"rules",
    b"salt",
    b"sha",
    b"sha1",
    b"sha256",
    b"size",
    b"source",
    b"store",
    b"strength",
    b"template",
    b"text",
    b"timeout",
    b"title",
    b"ttl",
    b"type",
    b"updated",
    b"uri",
    b"url",
    b"valid",
    b"var",
    b"version",
    b"visibility",
    b"visible",
];

/// Query-parameter names (last segment) whose value is a credential. Sorted, lowercase.
const URL_SECRET_PARAMS: &[&[u8]] = &[
    b"accesstoken",
    b"apikey",
    b"auth",
    b"credential",
    b"key",
    b"pass",
    b"passwd",
    b"password",
    b"pwd",
    b"secret",
    b"sig",
    b"signature",
    b"token",
];

/// Segments before a final `key` in a query parameter that make it a non-secret key.
/// Sorted, lowercase.
const URL_KEY_NOT_SECRET: &[&[u8]] = &[
    b"cache",
    b"foreign",
    b"group",
    b"idempotency",
    b"lookup",
    b"order",
    b"partition",
    b"primary",
    b"public",
    b"publishable",
    b"route",
    b"search",
    b"sort",
];

/// How a key names its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyClass {
    /// The value is the secret.
    Plain,
    /// An `Authorization` header: the value is `Scheme credentials`.
    Authorization,
}

/// The last two non-numeric chunks of a key and whether one of them is a password word
/// (`new_password`, `passwordConfirm`; not `DOT11_WPS_PASSWORD_ID_USER_SPECIFIED`).
fn key_segments(key: &[u8]) -> (&[u8], &[u8], bool) {
    let mut last: &[u8] = b"";
    let mut prev: &[u8] = b"";
    for seg in Chunks::new(key) {
        if seg.iter().all(u8::is_ascii_digit) {
            continue;
        }
        prev = last;
        last = seg;
    }
    let password = in_sorted_ci(PASSWORD_WORDS, last) || in_sorted_ci(PASSWORD_WORDS, prev);
    (last, prev, password)
}

/// Whether `key` may name a secret: it contains (any case) `pass`, `pwd`, `pw`, `secr`,
/// `toke`, `key`, `auth`, `bear`, `senh`, `kenn`, `wach` or `cont`, stems of every word that
/// [`classify_key`] accepts. A cheap test that spares ordinary keys (`Note:`, `width=`,
/// `"name":`) the full classification.
fn key_has_hint(key: &[u8]) -> bool {
    const FOUR: [u32; 9] = [
        le4(b"pass"),
        le4(b"secr"),
        le4(b"toke"),
        le4(b"auth"),
        le4(b"bear"),
        le4(b"senh"),
        le4(b"kenn"),
        le4(b"wach"),
        le4(b"cont"),
    ];
    // Padded so that every position has four bytes to read.
    let mut padded = [0u8; MAX_KEY_LEN + 4];
    let Some(dst) = padded.get_mut(..key.len()) else {
        return true; // never longer than MAX_KEY_LEN; let the full test decide
    };
    dst.copy_from_slice(key);
    (0..key.len()).any(|i| {
        let w = lower4(&padded, i);
        FOUR.contains(&w)
            || w & THREE_BYTES == le4(b"pwd")
            || w & THREE_BYTES == le4(b"key")
            || w & 0xffff == le4(b"pw")
    })
}

/// Whether an assignment key names a secret value (see the lists above).
fn classify_key(key: &[u8]) -> Option<KeyClass> {
    if !key_has_hint(key) {
        return None;
    }
    let (last, prev, any_password) = key_segments(key);
    if last.is_empty() || in_sorted_ci(KEY_META, last) {
        return None;
    }
    if last.eq_ignore_ascii_case(b"authorization") || key.eq_ignore_ascii_case(b"auth") {
        return Some(KeyClass::Authorization);
    }
    if any_password {
        return Some(KeyClass::Plain);
    }
    if last.eq_ignore_ascii_case(b"token") && in_sorted_ci(TOKEN_NOT_SECRET, prev) {
        return None;
    }
    // A bare lowercase `pass` or `pw` is an English word ("First pass: …"); it names a
    // password only as part of a longer key (`DB_PASS`, `userPw`) or in upper case (`PASS`).
    let short_word = last.eq_ignore_ascii_case(b"pass") || last.eq_ignore_ascii_case(b"pw");
    if short_word && prev.is_empty() && !key.iter().any(u8::is_ascii_uppercase) {
        return None;
    }
    if in_sorted_ci(SECRET_LAST, last) {
        return Some(KeyClass::Plain);
    }
    (last.eq_ignore_ascii_case(b"key") && in_sorted_ci(KEY_QUALIFIERS, prev))
        .then_some(KeyClass::Plain)
}

/// A finding of the assignment pass: the span, if any, and where the pass may resume.
#[derive(Debug)]
struct Assigned {
    span: Option<(Kind, usize, usize)>,
    resume: usize,
}

/// Runs the assignment pass, dropping candidates that overlap spans `out[first..mid]` from
/// the token pass (which are sorted and disjoint).
fn scan_assignments(text: &str, out: &mut Vec<Span>, first: usize, mid: usize) {
    let bytes = text.as_bytes();
    let mut resume = 0;
    let mut last_end = 0;
    for p in memchr2_iter(b'=', b':', bytes) {
        if p < resume {
            continue;
        }
        let Some(found) = assignment_at(bytes, p) else {
            continue;
        };
        resume = found.resume;
        let Some((kind, start, end)) = found.span else {
            continue;
        };
        let earlier = out.get(first..mid).unwrap_or(&[]);
        let idx = earlier.partition_point(|s| s.start < end);
        let overlaps = idx
            .checked_sub(1)
            .and_then(|i| earlier.get(i))
            .is_some_and(|s| s.end > start);
        if !overlaps && start >= last_end {
            push_span(text, out, kind, start, end);
            last_end = end;
        }
    }
}

/// The assignment, if any, whose operator is the `=` or `:` at `p`.
fn assignment_at(bytes: &[u8], p: usize) -> Option<Assigned> {
    let op = byte_at(bytes, p)?;
    let prev = prev_byte(bytes, p);
    let next = byte_at(bytes, p + 1);
    let mut value_start = p + 1;
    match op {
        b'=' => {
            // Comparisons and compound assignments are not literals being set.
            if matches!(next, Some(b'=' | b'~'))
                || matches!(
                    prev,
                    Some(
                        b'=' | b'!'
                            | b'<'
                            | b'>'
                            | b'+'
                            | b'-'
                            | b'*'
                            | b'/'
                            | b'%'
                            | b'&'
                            | b'|'
                            | b'^'
                            | b':'
                            | b'?'
                    )
                )
            {
                return None;
            }
            if next == Some(b'>') {
                value_start += 1; // `'password' => 'x'`
            }
        }
        b':' => {
            if next == Some(b':') || prev == Some(b':') {
                return None;
            }
            if next == Some(b'=') {
                value_start += 1; // `password := "x"`
            } else if next == Some(b'/') && byte_at(bytes, p + 2) == Some(b'/') {
                return None; // a URL scheme
            }
        }
        _ => return None,
    }

    // The key, read backwards: blanks, then `]` and a quote (`["password"]`), then the name.
    let mut j = p;
    if op == b':' && matches!(prev, Some(b'?' | b'!')) {
        j -= 1; // TypeScript `password?: string`
    }
    while j > 0 && p - j < 8 && matches!(prev_byte(bytes, j), Some(b' ' | b'\t')) {
        j -= 1;
    }
    let bracket = prev_byte(bytes, j) == Some(b']');
    if bracket {
        j -= 1;
    }
    let quote = prev_byte(bytes, j).filter(|b| matches!(b, b'"' | b'\'' | b'`'));
    if quote.is_some() {
        j -= 1;
    }
    let key_end = j;
    let key_byte = |b: u8| {
        b.is_ascii_alphanumeric()
            || matches!(b, b'_' | b'.' | b'-')
            || (quote.is_some() && b == b' ')
    };
    while j > 0 && key_end - j < MAX_KEY_LEN && prev_byte(bytes, j).is_some_and(key_byte) {
        j -= 1;
    }
    let key_start = j;
    if key_start == key_end {
        return None;
    }
    let mut before = key_start;
    if let Some(q) = quote {
        if prev_byte(bytes, before) != Some(q) {
            return None;
        }
        before -= 1;
    }
    if bracket {
        if prev_byte(bytes, before) != Some(b'[') {
            return None;
        }
        before -= 1;
    }
    let pre = prev_byte(bytes, before);
    let key = bytes.get(key_start..key_end)?;
    // `config["password"] = …` assigns; `[`EncodePrivateKey`]: …` is a Markdown link label.
    if bracket && op != b'=' {
        return None;
    }
    // `$token:literal` (a macro fragment), `<I as Stream>::Token: …` (a path), `<Token = u8>`
    // (a generic argument).
    if (op == b':' && pre == Some(b'$')) || matches!(pre, Some(b':' | b'<')) {
        return None;
    }

    if op == b'=' && quote.is_none() && !bracket && matches!(pre, Some(b'?' | b'&' | b'#' | b';')) {
        return url_parameter(bytes, key, value_start);
    }
    if op == b':'
        && quote.is_none()
        && pre == Some(b'/')
        && prev_byte(bytes, before.saturating_sub(1)) == Some(b'/')
        && before >= 2
    {
        return url_userinfo(bytes, value_start);
    }
    // "API key: …", "access token = …": a lone word such as `key` names a secret only with
    // the word before it.
    let (key, class) = match classify_key(key) {
        Some(class) => (key, class),
        None => wider_key(bytes, key_start, key_end, quote.is_some() || bracket)?,
    };
    let v = skip_blanks(bytes, value_start, 8);
    let (v, auth_scheme) = match class {
        KeyClass::Authorization => skip_auth_scheme(bytes, v),
        KeyClass::Plain => (v, false),
    };
    let (vs, ve, quoted, resume) = read_assigned_value(bytes, v, auth_scheme)?;
    // `password: hunter2.` in prose: a final full stop before a blank ends the sentence.
    let ve = if !quoted && op == b':' && prev_byte(bytes, ve) == Some(b'.') && ve > vs + 1 {
        ve - 1
    } else {
        ve
    };
    let value = bytes.get(vs..ve)?;
    let mut ok = value.len() >= 3 && plausible_literal(value, quoted);
    if ok && !quoted {
        // `password: password:` or a YAML key after it is not a value.
        let code_style = value_start > p + 1
            || (op == b'='
                && (matches!(prev, Some(b' ' | b'\t')) || matches!(next, Some(b' ' | b'\t'))));
        ok = plausible_unquoted(value, code_style)
            && !value.eq_ignore_ascii_case(key)
            && !value.ends_with(b":");
        // What follows an unquoted value tells code from configuration: `token: usize)`,
        // `park_token: ParkToken,`, `let password = entry;`, `password: str | None`,
        // `password: Secret = Field(…)` are code; so is a method chain continuing on the
        // next line (`let password = entry\n    .get_password()?`).
        let after = skip_blanks(bytes, ve, 8);
        ok &= !matches!(
            byte_at(bytes, after),
            Some(b',' | b';' | b')' | b'{' | b'>' | b'|' | b'+')
        );
        if op == b':' {
            ok &= byte_at(bytes, after) != Some(b'=');
        }
        let continued = take_while_max(bytes, ve, 32, |b| b.is_ascii_whitespace());
        ok &= !(matches!(byte_at(bytes, continued), Some(b'.' | b'?'))
            && byte_at(bytes, continued + 1)
                .is_some_and(|b| b.is_ascii_alphabetic() || b == b'.' || b == b'?' || b == b';'));
    }
    if auth_scheme {
        ok &= value.len() >= 8;
    }
    Some(Assigned {
        span: ok.then_some((Kind::Password, vs, ve)),
        resume,
    })
}

/// Nouns that may end a two-word prose key (`API key:`, `access token =`); see [`wider_key`].
/// Sorted, lowercase.
const SECRET_NOUNS: &[&[u8]] = &[b"key", b"secret", b"token"];

/// For an unquoted one-word key at `key_start..key_end` that is one of [`SECRET_NOUNS`] and is
/// preceded by a space and another word (`API key`, `client secret`): that two-word key, if
/// it names a secret. ("password only: …" is not widened: `only` is no such noun.)
fn wider_key(
    bytes: &[u8],
    key_start: usize,
    key_end: usize,
    quoted: bool,
) -> Option<(&[u8], KeyClass)> {
    let key = bytes.get(key_start..key_end)?;
    if quoted || !in_sorted_ci(SECRET_NOUNS, key) || prev_byte(bytes, key_start) != Some(b' ') {
        return None;
    }
    let word_end = key_start - 1;
    let mut word_start = word_end;
    while word_start > 0
        && word_end - word_start < 16
        && prev_byte(bytes, word_start).is_some_and(|b| b.is_ascii_alphabetic())
    {
        word_start -= 1;
    }
    if word_start == word_end {
        return None;
    }
    let wide = bytes.get(word_start..key_end)?;
    classify_key(wide).map(|class| (wide, class))
}

/// Skips `Bearer `, `Basic `, `Token `, `Bot ` (optionally inside a quote) at `v`; returns the
/// position of the credentials and whether a scheme was found.
fn skip_auth_scheme(bytes: &[u8], v: usize) -> (usize, bool) {
    let inner = v + usize::from(matches!(byte_at(bytes, v), Some(b'"' | b'\'')));
    for scheme in [&b"bearer "[..], b"basic ", b"token ", b"bot "] {
        if starts_with_ci(bytes, inner, scheme) {
            return (skip_blanks(bytes, inner + scheme.len(), 8), true);
        }
    }
    (v, false)
}

/// Reads an assigned value at `v`: a quoted literal (content only, backslash escapes
/// honoured, one line) or an unquoted token. Returns the span, whether it was quoted and
/// where scanning may resume.
fn read_assigned_value(
    bytes: &[u8],
    v: usize,
    after_scheme: bool,
) -> Option<(usize, usize, bool, usize)> {
    let first = byte_at(bytes, v)?;
    if !after_scheme && matches!(first, b'"' | b'\'' | b'`') {
        let vs = v + 1;
        let mut i = vs;
        loop {
            let b = byte_at(bytes, i)?;
            if i - vs > MAX_QUOTED_VALUE || b == b'\n' || b == b'\r' {
                return None;
            }
            if b == b'\\' {
                i += 2;
                continue;
            }
            if b == first {
                return Some((vs, i, true, i + 1));
            }
            i += 1;
        }
    }
    let end = take_while_max(bytes, v, MAX_UNQUOTED_VALUE + 1, |b| {
        !b.is_ascii_whitespace()
            && !matches!(b, b',' | b';' | b'"' | b'\'' | b'`' | b')' | b'}' | b']')
    });
    if end == v || end - v > MAX_UNQUOTED_VALUE {
        return None;
    }
    Some((v, end, false, end))
}

/// `?token=…`, `&sig=…`, `#access_token=…`: the value of a credential-named query parameter,
/// reported as [`Kind::Secret`].
fn url_parameter(bytes: &[u8], name: &[u8], value_start: usize) -> Option<Assigned> {
    /// Longest parameter value read (signed URLs carry long signatures).
    const MAX_PARAM_VALUE: usize = 4096;
    let (last, prev, _) = key_segments(name);
    let secret_name = in_sorted_ci(URL_SECRET_PARAMS, last)
        || name.eq_ignore_ascii_case(b"access_token")
        || name.eq_ignore_ascii_case(b"api_key");
    if !secret_name
        || (last.eq_ignore_ascii_case(b"key") && in_sorted_ci(URL_KEY_NOT_SECRET, prev))
        || (last.eq_ignore_ascii_case(b"token") && in_sorted_ci(TOKEN_NOT_SECRET, prev))
    {
        return None;
    }
    let end = take_while_max(bytes, value_start, MAX_PARAM_VALUE + 1, |b| {
        !b.is_ascii_whitespace()
            && !matches!(
                b,
                b'&' | b'#' | b'?' | b'"' | b'\'' | b'<' | b'>' | b'`' | b')' | b']' | b'}' | b','
            )
    });
    if end - value_start > MAX_PARAM_VALUE {
        return Some(Assigned {
            span: None,
            resume: end,
        });
    }
    // A sentence may end right after the URL.
    let mut ve = end;
    while ve > value_start && matches!(prev_byte(bytes, ve), Some(b'.' | b'!' | b'?' | b';' | b':'))
    {
        ve -= 1;
    }
    let value = bytes.get(value_start..ve)?;
    let strong = class_count(value) >= 2 || value.len() >= 20;
    let ok = value.len() >= 8
        && strong
        && plausible_literal(value, false)
        && !starts_with_ci(value, 0, b"%7B")
        && !starts_with_ci(value, 0, b"%3C");
    Some(Assigned {
        span: ok.then_some((Kind::Secret, value_start, ve)),
        resume: end,
    })
}

/// `scheme://user:password@host`: the password, reported as [`Kind::Password`].
fn url_userinfo(bytes: &[u8], value_start: usize) -> Option<Assigned> {
    let end = take_while_max(bytes, value_start, 257, |b| {
        !b.is_ascii_whitespace()
            && !matches!(b, b'@' | b'/' | b'?' | b'#' | b'"' | b'\'' | b'<' | b'>')
    });
    if byte_at(bytes, end) != Some(b'@') || end - value_start > 256 {
        return None;
    }
    let value = bytes.get(value_start..end)?;
    let ok = value.len() >= 3 && plausible_literal(value, false);
    Some(Assigned {
        span: ok.then_some((Kind::Password, value_start, end)),
        resume: end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanctuary_core::encoding::{Padding, base64url_encode};

    fn found(text: &str) -> Vec<(Kind, &str)> {
        let mut out = Vec::new();
        find(text, &mut out);
        out.iter()
            .map(|s| (s.kind, &text[s.start..s.end]))
            .collect()
    }

    #[track_caller]
    fn assert_finds(text: &str, kind: Kind, expected: &str) {
        let got = found(text);
        assert!(
            got.contains(&(kind, expected)),
            "{text:?}: expected {kind:?} {expected:?}, got {got:?}"
        );
    }

    #[track_caller]
    fn assert_clean(text: &str) {
        let got = found(text);
        assert!(got.is_empty(), "{text:?}: expected nothing, got {got:?}");
    }

    #[track_caller]
    fn assert_no_kind(text: &str, kind: Kind) {
        let got = found(text);
        assert!(
            got.iter().all(|(k, _)| *k != kind),
            "{text:?}: expected no {kind:?}, got {got:?}"
        );
    }

    /// A deterministic fake token of `len` characters from `alphabet` (never a real credential).
    fn fake(seed: u64, len: usize, alphabet: &[u8]) -> String {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                char::from(alphabet[(x % alphabet.len() as u64) as usize])
            })
            .collect()
    }

    const B62: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const HEX: &[u8] = b"0123456789abcdef";

    #[test]
    fn sorted_word_lists() {
        for list in [
            PROSE_STOP,
            CLAUSE_CONTINUATIONS,
            COUNT_UNITS,
            VALUE_STOP,
            PASSWORD_WORDS,
            SECRET_LAST,
            KEY_QUALIFIERS,
            TOKEN_NOT_SECRET,
            KEY_META,
            URL_SECRET_PARAMS,
            URL_KEY_NOT_SECRET,
            DIGEST_ALGS,
            SECRET_NOUNS,
        ] {
            assert!(
                list.windows(2).all(|w| w[0] < w[1]),
                "unsorted: {:?}",
                list.iter()
                    .map(|w| String::from_utf8_lossy(w))
                    .collect::<Vec<_>>()
            );
            assert!(list.iter().all(|w| !w.iter().any(u8::is_ascii_uppercase)));
        }
    }

    #[test]
    fn aws() {
        assert_finds(
            "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
            Kind::ApiKey,
            "AKIAIOSFODNN7EXAMPLE",
        );
        assert_finds(
            "id:ASIAZ3XQ7TESTONLY000,",
            Kind::ApiKey,
            "ASIAZ3XQ7TESTONLY000",
        );
        assert_finds(
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            Kind::ApiKey,
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        );
        assert_finds(
            r#"{"SecretAccessKey": "9drTJvcXLB89EXAMPLELB8923FB892xMFI0Tests"}"#,
            Kind::ApiKey,
            "9drTJvcXLB89EXAMPLELB8923FB892xMFI0Tests",
        );
        // Reported once, as ApiKey, although the assignment pass sees a secret key too.
        assert_eq!(
            found("aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").len(),
            1
        );
        for near in [
            "AKIAIOSFODNN7EXAMPL",
            "AKIAIOSFODNN7EXAMPLEX",
            "XAKIAIOSFODNN7EXAMPLE",
            "AKIAiosfodnn7example",
            "AKIA_IOSFODNN7EXAMPLE",
        ] {
            assert_clean(near);
        }
        // Without an AWS label, a 40-character base64 string is not an AWS key.
        assert_no_kind(
            "value wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            Kind::ApiKey,
        );
    }

    #[test]
    fn github_gitlab_npm_hf() {
        let ghp = format!("ghp_{}", fake(1, 36, B62));
        assert_finds(&format!("token: {ghp}"), Kind::ApiKey, &ghp);
        let gho = format!("gho_{}", fake(2, 36, B62));
        assert_finds(&format!("\"{gho}\""), Kind::ApiKey, &gho);
        let pat = format!("github_pat_11{}_{}", fake(3, 20, B62), fake(4, 59, B62));
        assert_finds(&format!("use {pat} here"), Kind::ApiKey, &pat);
        let gl = format!("glpat-{}", fake(5, 20, B64URL));
        assert_finds(&format!("GITLAB={gl}"), Kind::ApiKey, &gl);
        let npm = format!("npm_{}", fake(6, 36, B62));
        assert_finds(
            &format!("//registry.npmjs.org/:_authToken={npm}"),
            Kind::ApiKey,
            &npm,
        );
        let hf = format!("hf_{}", fake(7, 34, &B62[..52]));
        assert_finds(&format!("HF_TOKEN {hf}"), Kind::ApiKey, &hf);
        // One character short: not a GitHub token (still a random token, so Secret).
        assert_no_kind(&format!("ghp_{}", fake(1, 35, B62)), Kind::ApiKey);
        assert_no_kind(&format!("xghp_{}", fake(1, 36, B62)), Kind::ApiKey);
        assert_clean("see the ghp_ prefix and github_pat_ prefix docs");
        assert_clean("hf_hub_download is a function");
        // Many tokens joined into one run are all found (and in linear time).
        let joined: Vec<String> = (0..3000)
            .map(|i| format!("ghp_{}", fake(i, 36, B62)))
            .collect();
        let text = joined.join("-");
        let got = found(&text);
        assert_eq!(got.len(), joined.len());
        assert!(
            got.iter()
                .zip(&joined)
                .all(|((k, t), j)| *k == Kind::ApiKey && t == j)
        );
    }

    #[test]
    fn openai_anthropic() {
        let proj = format!("sk-proj-{}", fake(8, 48, B64URL));
        assert_finds(&format!("OPENAI_API_KEY={proj}"), Kind::ApiKey, &proj);
        let classic = format!("sk-{}", fake(9, 48, B62));
        assert_finds(&format!("key {classic}."), Kind::ApiKey, &classic);
        let ant = format!("sk-ant-api03-{}", fake(10, 93, B64URL));
        assert_finds(&format!("x-api-key: {ant}"), Kind::ApiKey, &ant);
        assert_clean("sk-this-is-a-long-kebab-case-name-here");
        assert_no_kind(&format!("task-{}", fake(9, 48, B62)), Kind::ApiKey);
        assert_clean("sk-abc123");
    }

    #[test]
    fn slack_stripe_google_misc() {
        let bot = format!("xoxb-123456789012-1234567890123-{}", fake(11, 24, B62));
        assert_finds(&format!("SLACK_BOT_TOKEN={bot}"), Kind::ApiKey, &bot);
        let hook = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX";
        assert_finds(&format!("post to {hook} now"), Kind::ApiKey, hook);
        assert_clean("xoxb-token goes here");
        assert_clean("see https://hooks.slack.com/ for docs");
        assert_finds(
            "Stripe sk_test_4eC39HqLyjWDarjtT1zdp7dc",
            Kind::ApiKey,
            "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        );
        let live = format!("rk_live_{}", fake(12, 24, B62));
        assert_finds(&live, Kind::ApiKey, &live);
        let pk = format!("pk_test_{}", fake(13, 24, B62));
        assert_finds(&pk, Kind::ApiKey, &pk);
        let wh = format!("whsec_{}", fake(14, 32, B62));
        assert_finds(&wh, Kind::ApiKey, &wh);
        assert_clean("sk_live_ keys start with sk_live_");
        let gkey = format!("AIza{}", fake(15, 35, B64URL));
        assert_finds(&format!("maps?key={gkey}&v=3"), Kind::ApiKey, &gkey);
        assert_no_kind(&format!("AIza{}", fake(15, 34, B62)), Kind::ApiKey);
        let ya = format!("ya29.{}", fake(16, 120, B64URL));
        assert_finds(&format!("Bearer {ya}"), Kind::ApiKey, &ya);
        let sg = format!("SG.{}.{}", fake(17, 22, B64URL), fake(18, 43, B64URL));
        assert_finds(&sg, Kind::ApiKey, &sg);
        assert_clean("SG.ab.cd");
        let sid = format!("SK{}", fake(19, 32, HEX));
        assert_finds(&format!("twilio api key: {sid}"), Kind::ApiKey, &sid);
        assert_no_kind(&format!("ref {sid}"), Kind::ApiKey);
        let pypi = format!("pypi-AgEIcHlwaS5vcmc{}", fake(20, 120, B64URL));
        assert_finds(&pypi, Kind::ApiKey, &pypi);
        let dop = format!("dop_v1_{}", fake(21, 64, HEX));
        assert_finds(&dop, Kind::ApiKey, &dop);
        let shp = format!("shpat_{}", fake(22, 32, HEX));
        assert_finds(&shp, Kind::ApiKey, &shp);
        let dapi = format!("dapi{}", fake(23, 32, HEX));
        assert_finds(&dapi, Kind::ApiKey, &dapi);
        let lin = format!("lin_api_{}", fake(24, 40, B62));
        assert_finds(&lin, Kind::ApiKey, &lin);
        let pmak = format!("PMAK-{}-{}", fake(25, 24, HEX), fake(26, 34, HEX));
        assert_finds(&pmak, Kind::ApiKey, &pmak);
        let sq = format!("sq0atp-{}", fake(27, 22, B64URL));
        assert_finds(&sq, Kind::ApiKey, &sq);
        // A key right after CJK text with no space.
        let ghp = format!("ghp_{}", fake(28, 36, B62));
        assert_finds(&format!("令牌{ghp}。"), Kind::ApiKey, &ghp);
    }

    fn make_jwt(header: &str, payload: &str, sig: &str) -> String {
        format!(
            "{}.{}.{sig}",
            base64url_encode(header.as_bytes(), Padding::Unpadded),
            base64url_encode(payload.as_bytes(), Padding::Unpadded)
        )
    }

    #[test]
    fn jwts() {
        let token = make_jwt(
            r#"{"alg":"HS256","typ":"JWT"}"#,
            r#"{"sub":"1234567890","name":"Test User","iat":1516239022}"#,
            &fake(30, 43, B64URL),
        );
        assert!(token.starts_with("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ"));
        assert_finds(&format!("Authorization: Bearer {token}"), Kind::Jwt, &token);
        assert_eq!(found(&format!("Authorization: Bearer {token}")).len(), 1);
        let unsigned = make_jwt(r#"{"alg":"none"}"#, r#"{"sub":"test"}"#, "");
        assert!(unsigned.ends_with('.'));
        assert_finds(&format!("jwt={unsigned} end"), Kind::Jwt, &unsigned);
        // The header must decode to a JSON object.
        assert_no_kind("eyJub3Qgang.eyJzdWIiOiJ0ZXN0In0.abc", Kind::Jwt);
        assert_no_kind(
            &format!(
                "{}.notapayload.sig",
                base64url_encode(br#"{"alg":"none"}"#, Padding::Unpadded)
            ),
            Kind::Jwt,
        );
        assert_no_kind("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ0ZXN0In0", Kind::Jwt);
    }

    fn pem_body(seed: u64, lines: usize) -> String {
        (0..lines)
            .map(|i| fake(seed + i as u64, 64, &B64URL[..62]) + "\n")
            .collect()
    }

    #[test]
    fn private_keys() {
        for label in [
            "RSA PRIVATE KEY",
            "EC PRIVATE KEY",
            "DSA PRIVATE KEY",
            "OPENSSH PRIVATE KEY",
            "ENCRYPTED PRIVATE KEY",
            "PRIVATE KEY",
        ] {
            let block = format!(
                "-----BEGIN {label}-----\n{}-----END {label}-----",
                pem_body(40, 4)
            );
            let text = format!("key:\n{block}\nthanks");
            assert_eq!(
                found(&text),
                vec![(Kind::PrivateKey, block.as_str())],
                "{label}"
            );
        }
        // Truncated: to the end of the text, trailing whitespace excluded.
        let body = pem_body(50, 3);
        let text = format!("-----BEGIN OPENSSH PRIVATE KEY-----\n{body}");
        assert_finds(&text, Kind::PrivateKey, text.trim_end());
        // Certificates and public keys pass, and their bodies do not reach the entropy test.
        for label in [
            "CERTIFICATE",
            "PUBLIC KEY",
            "RSA PUBLIC KEY",
            "CERTIFICATE REQUEST",
        ] {
            assert_clean(&format!(
                "-----BEGIN {label}-----\n{}-----END {label}-----\n",
                pem_body(60, 5)
            ));
        }
        // A truncated private key followed by a certificate stops before the certificate.
        let key = format!("-----BEGIN PRIVATE KEY-----\n{}", pem_body(70, 2));
        let cert = format!(
            "-----BEGIN CERTIFICATE-----\n{}-----END CERTIFICATE-----",
            pem_body(80, 2)
        );
        assert_eq!(
            found(&format!("{key}{cert}")),
            vec![(Kind::PrivateKey, key.trim_end())]
        );
        // Mentions of the markers without a key body are not keys.
        assert_clean(
            "PKCS#8 files start with\n```text\n-----BEGIN PRIVATE KEY-----\n```\n\nPKCS#8 private keys can be encrypted under a password.",
        );
        assert_clean(
            "-----BEGIN RSA PRIVATE KEY-----\nThis is where the key goes\n-----END RSA PRIVATE KEY-----",
        );
        assert_clean("The PuTTY-User-Key-File-3 format stores Public-Lines and Private-Lines.");
        // A key pasted from a JSON file keeps its escapes; the block still ends at END.
        let escaped = format!(
            "-----BEGIN PRIVATE KEY-----\\n{}\\n-----END PRIVATE KEY-----",
            pem_body(90, 3).trim_end().replace('\n', "\\n")
        );
        let json = format!(
            "{{\"type\": \"service_account\", \"private_key\": \"{escaped}\\n\", \"client_email\": \"x@y.z\"}}"
        );
        assert_eq!(found(&json), vec![(Kind::PrivateKey, escaped.as_str())]);
        // Legacy encrypted PEM with RFC 1421 headers; one-line PEM.
        let legacy = format!(
            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF\n\n{}-----END RSA PRIVATE KEY-----",
            pem_body(91, 3)
        );
        assert_eq!(found(&legacy), vec![(Kind::PrivateKey, legacy.as_str())]);
        let one_line = format!(
            "-----BEGIN PRIVATE KEY----- {} -----END PRIVATE KEY-----",
            pem_body(92, 2).replace('\n', " ").trim_end()
        );
        assert_eq!(
            found(&format!("key: {one_line} ok")),
            vec![(Kind::PrivateKey, one_line.as_str())]
        );
        // A truncated key followed by prose ends with its body.
        let body = pem_body(93, 2);
        let truncated = format!("-----BEGIN OPENSSH PRIVATE KEY-----\n{}", body.trim_end());
        assert_eq!(
            found(&format!(
                "{truncated}\nand then the paste was cut off, sorry!"
            )),
            vec![(Kind::PrivateKey, truncated.as_str())]
        );
        let putty = "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: test-only\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFakeFakeFakeFakeFakeFakeFakeFake\nPrivate-Lines: 1\nAAAAIFakePrivateFakePrivateFakePrivateFakePrivate0123\nPrivate-MAC: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        assert_finds(&format!("{putty}\nbye"), Kind::PrivateKey, putty);
    }

    #[test]
    fn prose_passwords() {
        for (text, value) in [
            ("my password is hunter2", "hunter2"),
            ("The password is hunter2.", "hunter2"),
            ("the password is: 'Tr0ub4dor&3'", "Tr0ub4dor&3"),
            ("My PIN is 4921.", "4921"),
            ("the passcode is 7733, ok?", "7733"),
            (
                "the passphrase is \"correct horse battery staple\"",
                "correct horse battery staple",
            ),
            ("Das Passwort ist Geheim123!", "Geheim123!"),
            ("Mein Passwort lautet sonnenschein.", "sonnenschein"),
            ("my password is sunshine.", "sunshine"),
            ("my password is sunshine and my username is bob", "sunshine"),
            ("the password for the router is Xk92-lamp", "Xk92-lamp"),
            ("le mot de passe est Soleil2024", "Soleil2024"),
            ("wifi password is “Blue-Horse-42” btw", "Blue-Horse-42"),
            ("password was changed to N3wPass! yesterday", "N3wPass!"),
            (
                "my passphrase is purple monkey dishwasher.",
                "purple monkey dishwasher",
            ),
            (
                "the pass phrase is blue-sky 42 rivers and the pin is 1234",
                "blue-sky 42 rivers",
            ),
        ] {
            assert_finds(text, Kind::Password, value);
        }
        for text in [
            "password is required",
            "Password is too short",
            "I forgot my password",
            "What is a strong password?",
            "reset the password if it is expired",
            "the password is incorrect, try again",
            "The password is stored in the vault",
            "the password is 12 characters long",
            "the password is the same as before",
            "The GPIO pin is 13",
            "the pin is loose",
            "Your password is weak.",
            "das Passwort ist falsch",
            "the password is not hunter2",
            "password is <your-password>",
            "the password is ********",
        ] {
            assert_clean(text);
        }
    }

    #[test]
    fn assigned_passwords() {
        for (text, value) in [
            (r#"password = "hunter2""#, "hunter2"),
            (r#"{"password": "hunter2"}"#, "hunter2"),
            ("DB_PASSWORD=hunter2", "hunter2"),
            ("api_key = 'abc123def456'", "abc123def456"),
            (r#"secret: "s3cr3t-value""#, "s3cr3t-value"),
            ("token=abc123xyz789", "abc123xyz789"),
            ("password: hunter2", "hunter2"),
            ("pwd=S3cr3t!", "S3cr3t!"),
            (r#"config["password"] = "hunter2""#, "hunter2"),
            ("$password = 'hunter2';", "hunter2"),
            ("'password' => 'hunter2',", "hunter2"),
            (r#"password := "hunter2""#, "hunter2"),
            ("export GITHUB_TOKEN=abc123def456ghi", "abc123def456ghi"),
            ("run --password=hunter2 --verbose", "hunter2"),
            ("db:\n  user: app\n  password: Hunter22\n", "Hunter22"),
            (r#"clientSecret: "x9Y8z7W6""#, "x9Y8z7W6"),
            (
                "Authorization: Bearer abcdef123456789xyz",
                "abcdef123456789xyz",
            ),
            (
                r#""Authorization": "Basic dXNlcjpwYXNzd29yZA==""#,
                "dXNlcjpwYXNzd29yZA==",
            ),
            ("STRIPE_SECRET_KEY=not_a_real_key_123", "not_a_real_key_123"),
            ("password_confirmation: hunter2", "hunter2"),
            (r#"{"wifi password": "Blue-Horse-42"}"#, "Blue-Horse-42"),
            ("password: hunter2.", "hunter2"),
            (
                "API key: 9fceb02d0ae598e95dc970b74767f19372d61af8",
                "9fceb02d0ae598e95dc970b74767f19372d61af8",
            ),
            ("client secret = Zx81-test-only", "Zx81-test-only"),
            ("password: MySphere1", "MySphere1"),
            ("DB_PASS=my_pass_2024", "my_pass_2024"),
            ("PASS=Xk92lamp", "Xk92lamp"),
            ("PASSCODE=123456", "123456"),
            (
                "postgres://admin:pa55word@db.example.com:5432/app",
                "pa55word",
            ),
        ] {
            assert_finds(text, Kind::Password, value);
        }
        for text in [
            r#"os.environ["API_KEY"]"#,
            r#"api_key = os.environ["API_KEY"]"#,
            r#"api_key = os.getenv("API_KEY")"#,
            "const key = process.env.API_KEY",
            "apiKey: process.env.API_KEY,",
            "API_KEY = get_key()",
            "password = input()",
            r#"password = "${PASSWORD}""#,
            "PASSWORD=${PASSWORD}",
            "password: $DB_PASSWORD",
            r#"password = "<your-password>""#,
            "password: None",
            r#"{"password": null}"#,
            "password = true",
            r#"password = """#,
            r#"password: "********""#,
            "password: string",
            "password: str = Field(...)",
            "password: SecretStr = Field(default=None)",
            "    password: String,",
            "  password?: string;",
            "password: Option<String>",
            r#"if password == "hunter2":"#,
            "password = user_password",
            "password = userPassword",
            "password=password",
            "api_key=api_key",
            r#"secret_name = "prod-db""#,
            r#"key = "Enter""#,
            r#"sort_key = "date""#,
            "max_tokens: 4096",
            r#"token_type: "bearer""#,
            r#"password_hash = "$2b$12$abcdefghijklmnopqrstuv""#,
            r#"passwordHint: "first pet""#,
            r#"page_token = "abc123def""#,
            "password: !vault |",
            "password: YOUR_PASSWORD_HERE",
            "api_key = put-your-key-here",
            r#"token: "token_here""#,
            "password: xxx",
            r#"{"description": "The password is required."}"#,
            "password = settings.DB_PASSWORD",
            "password: &str",
            "primary key: id",
            "the sort key: name",
            "the passphrase is used to unlock the vault",
            "Specify whether password is cloud-synchronized, not local.",
            "the password is guessable.",
            // Code seen in real crates: fields, paths, keywords, constants, chains.
            "    park_token: ParkToken,",
            "fn set(&mut self, token: CFDataRef) {",
            "    pub token: token::Group,",
            "    pub usri3_password: windows_sys::core::PWSTR,",
            "        let token = match self {",
            "    let secret = unsafe { generate(seed) };",
            "NL80211_ATTR_TDLS_DIALOG_TOKEN = 137,",
            "DOT11_WPS_PASSWORD_ID_USER_SPECIFIED = 0x0001,",
            "pub const FC_EXPR_ILLEGAL: EXPR_TOKEN = 0i32;",
            "    DialogToken: DOT11_DIALOG_TOKEN,",
            "pub type DOMAIN_PASSWORD_PROPERTIES = u32;",
            "    let password = entry2\n        .get_password()?;",
            "    colon_token: Some,",
            "/// Example password only: don't use this",
            "/// - [`EncodePrivateKey`]: encode DER or PEM",
            r#"println!("pass:\t{}\n", x);"#,
            r#"consistent!(gitlab_api_0, r"private_token=\w{20}");"#,
            "($($token:literal pub struct $name:ident)*)",
            "    <Input as Stream>::Token: AsChar + Clone,",
            "    I: Stream<Token = u8> + Clone,",
            "    // First pass: uncommitted pages, since the",
            "    // A fresh check must now pass: recovery left a consistent state",
            "https://example.com:8080/path",
            "time 12:30:45 ratio a:b",
            r#"token = `${prefix}-${id}`"#,
        ] {
            assert_clean(text);
        }
    }

    #[test]
    fn url_parameters() {
        assert_finds(
            "GET https://api.example.com/v1/data?token=AbC123xYz789QwE456&format=json",
            Kind::Secret,
            "AbC123xYz789QwE456",
        );
        let sig = fake(31, 64, HEX);
        assert_finds(
            &format!("https://b.s3.amazonaws.com/o?X-Amz-Expires=60&X-Amz-Signature={sig}"),
            Kind::Secret,
            &sig,
        );
        assert_finds(
            "/callback#access_token=q1w2e3r4t5y6u7i8&state=x",
            Kind::Secret,
            "q1w2e3r4t5y6u7i8",
        );
        assert_finds(
            "see https://x.test/a?api_key=Zz9Yy8Xx7Ww6.",
            Kind::Secret,
            "Zz9Yy8Xx7Ww6",
        );
        for text in [
            "https://example.com/search?q=rust+lang&page=2",
            "https://example.com/api?token={token}",
            "https://example.com/api?key=YOUR_API_KEY",
            "https://example.com/list?sort_key=created_at2024",
            "https://example.com/list?page_token=abc123def456",
            "https://example.com/a?token=short",
        ] {
            assert_clean(text);
        }
    }

    #[test]
    fn high_entropy_tokens() {
        let tok = fake(32, 40, B62);
        assert_finds(&format!("the value {tok} was leaked"), Kind::Secret, &tok);
        let padded = format!(
            "{}==",
            fake(
                34,
                42,
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            )
        );
        assert_finds(&format!("blob: {padded}\n"), Kind::Secret, &padded);
        let url_safe = fake(34, 64, B64URL);
        assert_finds(&format!("({url_safe})"), Kind::Secret, &url_safe);
        for text in [
            "id 123e4567-e89b-12d3-a456-426614174000",
            "commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  file.tar.gz",
            "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
            "image@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "/home/user/projects/my-app/src/components2/Button.tsx",
            "https://github.com/rust-lang/rust/blob/master/compiler/rustc_middle2/src/ty/mod.rs",
            "https://example.com/docs/getting-started/installation-guide-2024/linux-x86_64",
            "ThisIsAVeryLongCamelCaseIdentifierName",
            "ThisIsAVeryLongCamelCaseIdentifierName2",
            "this_is_a_very_long_snake_case_identifier_2",
            "MAX_RETRY_ATTEMPTS_FOR_HTTP2_CONNECTIONS",
            "handleUserAuthenticationCallback2FactorVerification",
            "com.example.service.impl.UserServiceImpl2Factory",
            "std::collections::hash_map::DefaultHasher",
            "org/apache/commons/lang3/StringUtils",
            "feature/JIRA-1234-add-user-authentication-flow",
            "src/testdir/dumps/Test_popupwin_scroll_1.dump",
            "src/testdir/dumps/Test_folds_with_rnu_01.dump",
            "src/testdir/dumps/Test_terminal_wincolor_split_MyWinCol2.dump",
            "app/src/main/java/com/example/MainActivity2.kt",
            "Documents/Projects/2024/Quarterly_Report_Final_v3.docx",
            "checksum sha-256:Xk9mQ2vR7tLp4sWz8nBc3dFg6hJy1aE5uK0oIi2T",
            "pub PtpV2OverUdpIPv4EventMsgTransmitHw: bool,",
            "pub const WinHttpProxyTlsHandshakeClientLeg2End: u32 = 1;",
            "include_bytes!(\"ecPublicKey_p384_pkcs8_v1_template.der\")",
            "*mut D3DKMT_OPENSYNCOBJECTNTHANDLEFROMNAME",
            "NL80211_RATE_INFO_EHT_RU_ALLOC_3x996P484 = 14,",
            "pub const kCFStringEncodingISO_2022_CN_EXT: u32 = 0x0831;",
            "abcdefghijklmnopqrstuvwxyz0123456789",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1",
        ] {
            assert_clean(text);
        }
        assert_clean(
            "assert_eq!(hash(&bytes).to_string(), \"EVk5UaxBe8LQ8r8iD5EAxVBs6TJcMDKqyH7PBuho6bBJ\");",
        );
        assert_clean("$ rebar rank benchmarks/record/x86_64/2023-08-26.csv --intersection");
        assert_clean(
            "\"$argon2id$v=19$m=262144,t=2,p=1$c29tZXNhbHQ$eP4eyR+zqlZX1y5xCFTkw9m5GYx0L5YWwvCFvtlbLow\"",
        );
        assert_clean("NL80211_PMSR_FTM_REQ_ATTR_BURST_PERIOD = 4,");
        assert_clean("pub const TLS_DH_anon_WITH_AES_128_CBC_SHA256: SSLCipherSuite = 0x006C;");
        assert_clean("GUID::from_u128(0xe6864dd7_f325_45ea_a1d5_97cf73b6ca58)");
        let integrity = format!(
            "\"integrity\": \"sha512-{}==\"",
            fake(
                35,
                86,
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            )
        );
        assert_clean(&integrity);
        let data_uri = format!(
            "<img src=\"data:image/png;base64,{}\">",
            fake(36, 400, &B64URL[..62])
        );
        assert_clean(&data_uri);
        let ssh = format!(
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{} user@host",
            fake(37, 43, &B64URL[..62])
        );
        assert_clean(&ssh);
        let ssh_rsa = format!(
            "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC{} me",
            fake(38, 300, &B64URL[..62])
        );
        assert_clean(&ssh_rsa);
        // URL state: a token after a URL and a blank is outside it; one inside a later URL,
        // or after a long unbroken URL path, is inside.
        let t1 = fake(42, 40, B62);
        let t2 = fake(43, 40, B62);
        let text = format!("see https://x.io/{t1} and {t2} then https://y.io/a/{t1}/{t2}");
        assert_eq!(found(&text), vec![(Kind::Secret, t2.as_str())]);
        let long_path = "segment/".repeat(200);
        assert_clean(&format!("https://x.io/{long_path}{t1}/{long_path}{t2}"));
        // Inside a URL path the token is an id, not a secret.
        assert_clean(&format!(
            "https://drive.example.com/file/d/{}/view",
            fake(39, 44, B62)
        ));
    }

    #[test]
    fn found_at_every_offset() {
        // The token pass classifies 64-byte blocks and visits only selected positions; every
        // format must be found at every alignment, including runs of exactly MIN_SECRET_LEN
        // bytes (which always cover one 16-byte lane).
        let ghp = format!("ghp_{}", fake(40, 36, B62));
        let tok40 = fake(41, 40, B62);
        let tok32 = (0..)
            .map(|seed| fake(seed, MIN_SECRET_LEN, B62))
            .find(|t| is_random_token(t.as_bytes()))
            .unwrap();
        let jwt = make_jwt(r#"{"alg":"none"}"#, r#"{"sub":"t"}"#, "");
        for pad in 0..2 * 64 + 3 {
            let lead = "ab ".repeat(pad / 3) + &" ".repeat(pad % 3);
            assert_finds(&format!("{lead}{ghp} x"), Kind::ApiKey, &ghp);
            assert_finds(&format!("{lead}a-b/{ghp}"), Kind::ApiKey, &ghp);
            assert_finds(&format!("{lead}{tok40}"), Kind::Secret, &tok40);
            assert_finds(&format!("{lead}{tok32} end"), Kind::Secret, &tok32);
            assert_finds(
                &format!("{lead}my password is hunter2"),
                Kind::Password,
                "hunter2",
            );
            assert_finds(&format!("{lead}{jwt}"), Kind::Jwt, &jwt);
            assert_no_kind(&format!("{lead}https://example.com/{tok40}"), Kind::Secret);
        }
    }

    #[test]
    fn key_hints_cover_every_accepted_key() {
        for word in PASSWORD_WORDS.iter().chain(SECRET_LAST) {
            assert!(key_has_hint(word), "{}", String::from_utf8_lossy(word));
            let prefixed = [&b"db_"[..], word].concat();
            assert!(
                classify_key(&prefixed).is_some(),
                "{}",
                String::from_utf8_lossy(word)
            );
        }
        // Bare `pass`/`pw` only in upper case.
        assert!(classify_key(b"pass").is_none() && classify_key(b"PASS").is_some());
        for qualifier in KEY_QUALIFIERS {
            let key = [*qualifier, b"_key"].concat();
            assert!(key_has_hint(&key) && classify_key(&key).is_some());
        }
        assert!(key_has_hint(b"Authorization") && key_has_hint(b"auth"));
        assert!(!key_has_hint(b"Note") && !key_has_hint(b"width") && !key_has_hint(b"name"));
    }

    /// Recall of [`is_random_token`] on uniformly random tokens, per alphabet and length; the
    /// rates are printed (`--nocapture`) and quoted in its documentation.
    #[test]
    fn random_token_recall() {
        let alphabets: [(&str, &[u8]); 5] = [
            (
                "base64",
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
            ),
            ("base64url", B64URL),
            ("base62", B62),
            ("base36", b"abcdefghijklmnopqrstuvwxyz0123456789"),
            ("base32", b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
        ];
        const TRIALS: u64 = 4000;
        for (name, alphabet) in alphabets {
            let mut rates = Vec::new();
            for len in [32, 40, 64] {
                let hits = (0..TRIALS)
                    .filter(|&seed| {
                        is_random_token(fake(seed * 7919 + len as u64, len, alphabet).as_bytes())
                    })
                    .count();
                rates.push(hits as f64 / TRIALS as f64);
            }
            println!(
                "{name:<10} recall at 32/40/64: {:.3} {:.3} {:.3}",
                rates[0], rates[1], rates[2]
            );
            let floor = if name.starts_with("base3") {
                [0.80, 0.93, 0.97]
            } else {
                [0.96, 0.98, 0.99]
            };
            for (rate, min) in rates.iter().zip(floor) {
                assert!(*rate >= min, "{name}: {rates:?}");
            }
        }
    }

    #[test]
    fn benign_prose_is_clean() {
        let prose = "Hello! I'm planning a trip to Lisbon next spring and would love some advice. \
            We are a family of four, the kids are 7 and 11. What neighbourhoods are good for \
            walking, and is the 28 tram worth it? Also, my password manager keeps asking me to \
            reset the password for the airline site; what is a strong password these days? \
            Please write a Python function parse_config(path: str) -> dict that reads a TOML file, \
            and explain what os.environ[\"API_KEY\"] does. The build at https://ci.example.com/jobs/1234 \
            failed with error E0308: mismatched types in src/main.rs:42:17.";
        assert_clean(prose);
    }

    fn xorshift(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    fn check_spans(text: &str) {
        let mut out = Vec::new();
        find(text, &mut out);
        for s in &out {
            assert!(s.start < s.end && s.end <= text.len(), "{s:?} in {text:?}");
            assert!(
                text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
                "{s:?} in {text:?}"
            );
        }
    }

    #[test]
    fn never_panics_and_spans_are_valid() {
        const PIECES: &[&str] = &[
            "password",
            " is ",
            "=",
            ":",
            "\"",
            "'",
            "`",
            "eyJ",
            ".",
            "-----BEGIN ",
            "PRIVATE KEY",
            "-----",
            "-----END ",
            "ghp_",
            "sk-",
            "AKIA",
            "https://",
            "?token=",
            "&",
            "@",
            "é",
            "😀",
            "\n",
            " ",
            "ñ",
            "“",
            "”",
            "PuTTY-User-Key-File-",
            "Private-MAC:",
            "AIza",
            "SG.",
            "/",
            "+",
            "_",
            "0x",
            "=>",
            "Bearer ",
            "Authorization",
            "pin",
            "[",
            "]",
            "{",
            "}",
            "$",
            "aws_secret_access_key",
            "hooks.slack.com/services/",
            "\\n",
            "Proc-Type: 4,ENCRYPTED",
            "Private-Lines: 1\n",
            "::",
            ":=",
            "?:",
            "[\"",
            "\"]",
            "password is ",
            "API key: ",
            "$argon2id$",
            "base64,",
            "sha256:",
            "-----END PRIVATE KEY-----",
        ];
        let mut state = 0x1234_5678_9abc_def1_u64;
        for _ in 0..3000 {
            let mut text = String::new();
            let n = xorshift(&mut state) % 40;
            for _ in 0..n {
                let r = xorshift(&mut state);
                if r.is_multiple_of(3) {
                    let len = (r >> 8) % 50;
                    text.push_str(&fake(r, len as usize, B64URL));
                } else {
                    text.push_str(PIECES[(r >> 8) as usize % PIECES.len()]);
                }
            }
            check_spans(&text);
        }
        for text in [
            "a".repeat(100_000),
            "=".repeat(50_000),
            "password:".repeat(20_000),
            "password: \"".repeat(20_000),
            "password is ".repeat(20_000),
            "-----BEGIN CERTIFICATE-----\n".repeat(5_000),
            "-----BEGIN PRIVATE KEY-----\n".repeat(5_000),
            "PuTTY-User-Key-File-2: ".repeat(5_000),
            "eyJ".repeat(30_000),
            "eyJhbGciOiJub25lIn0.".repeat(5_000),
            "?token=".repeat(20_000),
            "é".repeat(50_000),
            fake(99, 200_000, B64URL),
            "https://".repeat(20_000),
        ] {
            check_spans(&text);
        }
    }
}
