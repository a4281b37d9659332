//! The principal's registered terms: their names, family, places, employer … found in any
//! spelling variant.
//!
//! Terms and text are both reduced to a *folded* form and matched with an Aho-Corasick
//! automaton. Folding is applied to the skeleton (the engine's normalisation step), so NFKC,
//! zero-width removal and homoglyph folding are already done; on top of that it
//!
//! - lowercases fully (Unicode `to_lowercase`), and maps `ß` to `ss`, `æ`/`œ` to `ae`/`oe`,
//!   the stroked letters `ø ł đ ð ħ ŧ` to their base letter and `þ` to `th`; variant small
//!   forms to the lowercase of their capital (final `ς` → `σ`); a small letter whose capital
//!   the skeleton folds to a Latin look-alike is folded the same way (Cyrillic `н` like `Н`
//!   → `h`), so look-alike folding stays case-blind;
//! - removes accents: canonical decomposition, then every character with a non-zero
//!   canonical combining class is dropped (`Müller` = `Muller` = `MULLER`);
//! - turns every run of whitespace, `-`, `_` and `.` into one space (`Jean-Luc` =
//!   `jean_luc` = `Jean  Luc`, `J. R. Smith` = `J R Smith`), and typographic apostrophes into
//!   `'`.
//!
//! A term containing `ä`, `ö` or `ü` is also registered in its German transliteration
//! (`Müller` also matches `Mueller`); the converse is not done, because turning every `ue`
//! of a term into `u` would make ordinary words match (a term `Mueller` does not match
//! `Müller`: register the umlaut spelling).
//!
//! A match counts only at word boundaries: when the term starts (ends) with a letter or
//! digit, the folded text must not have a letter or digit right before (after) it, so `Ann`
//! does not match inside `Annual` or `Joanna`, while `Müller's` matches. Letters of scripts
//! written without spaces between words (Han, Kana, Hangul, Thai, Lao, Khmer, Myanmar, Yi)
//! never count as word characters, so CJK terms match anywhere and `Müller様` matches.
//!
//! Because a longer candidate can fail its boundary check where a shorter one would pass
//! (`Jo Ann` inside `Jo Anne`, where `Jo` is also registered), the automaton reports all
//! overlapping matches (standard semantics) and this module picks among the valid ones;
//! leftmost-longest search would hide the shorter match and lose recall. Overlapping valid
//! matches are merged into one span, since all of them are principal data.
//!
//! # Sensitive data
//!
//! Terms are the principal's personal data. `Debug` shows only counts, errors identify a
//! term by category and position, never by content, and the term strings and every
//! intermediate copy this module keeps are wiped on drop ([`zeroize`]); this is best effort,
//! since a buffer that grows while a term is folded can leave an earlier copy in freed
//! memory. The compiled automaton necessarily encodes the terms in its transition tables,
//! and `aho-corasick` offers no way to wipe them: the memory of a dropped
//! [`PrincipalTerms`] may still hold them until it is reused.
//!
//! # Performance
//!
//! The automaton is a DFA while the folded patterns total at most 256 KiB (10,000 names are about 150 KB of patterns and a 10 MB DFA),
//! otherwise a contiguous NFA (about 1/10 of the memory, roughly 2/3 of the speed). Folding
//! ASCII text is a vectorised byte map plus a `memmem` pass for separator runs; other text
//! uses per-block caches of each character's fold. With no terms, the scan returns at
//! once.

use std::fmt;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind, StartKind};
use serde::{Deserialize, Serialize};
use unicode_normalization::char::{canonical_combining_class, decompose_canonical};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::normalize::{OffsetMap, Skeleton, fold_homoglyph, is_char_boundary};
use crate::{Kind, Span};

/// The most terms one [`PrincipalTerms`] accepts. Far above any real principal's list; it
/// bounds the memory and build time an oversized configuration can cost.
pub const MAX_TERMS: usize = 100_000;

/// The fewest letters and digits a folded term may have. One would match every initial and
/// article; two allow short names such as `Al` or a two-character CJK name.
pub const MIN_TERM_CHARS: usize = 2;

/// The most bytes a folded term may have. Long enough for an organisation's full name or a
/// street address; it bounds the automaton's depth.
pub const MAX_TERM_BYTES: usize = 256;

/// Total folded pattern bytes up to which the automaton is built as a DFA (fastest search,
/// but each state costs a full transition row: about 65 bytes of DFA per pattern byte, so
/// this budget caps the DFA near 17 MB); above it a contiguous NFA keeps memory
/// proportional to the patterns, at about half the search speed. 10,000 names are about
/// 150 KB of patterns.
const DFA_MAX_PATTERN_BYTES: usize = 256 * 1024;

/// Umlauted terms get every combination of stripped and transliterated umlauts up to this
/// many umlauts (2^4 = 16 variants); beyond it only the all-stripped and all-transliterated
/// forms, to bound the pattern count.
const MAX_UMLAUT_COMBINATIONS: u32 = 4;

/// The principal-terms file: the terms the principal registers, by category.
///
/// Wiped from memory on drop.
#[derive(Clone, Default, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
pub struct PrincipalTermsFile {
    /// Names of the principal and people close to them.
    #[serde(default)]
    pub names: Vec<String>,
    /// Places: home town, street, school …
    #[serde(default)]
    pub places: Vec<String>,
    /// Organisations: employer, clubs, banks …
    #[serde(default)]
    pub organizations: Vec<String>,
    /// Anything else the principal wants kept out of prompts.
    #[serde(default)]
    pub other: Vec<String>,
}

impl fmt::Debug for PrincipalTermsFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Counts only: the terms themselves are personal data.
        f.debug_struct("PrincipalTermsFile")
            .field("names", &self.names.len())
            .field("places", &self.places.len())
            .field("organizations", &self.organizations.len())
            .field("other", &self.other.len())
            .finish()
    }
}

/// The category of a registered term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TermCategory {
    /// A person's name.
    Name,
    /// A place.
    Place,
    /// An organisation.
    Organization,
    /// Anything else.
    Other,
}

impl TermCategory {
    /// The snake-case name used in JSON (`"organization"`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            TermCategory::Name => "name",
            TermCategory::Place => "place",
            TermCategory::Organization => "organization",
            TermCategory::Other => "other",
        }
    }

    /// Position in per-category counters.
    const fn index(self) -> usize {
        match self {
            TermCategory::Name => 0,
            TermCategory::Place => 1,
            TermCategory::Organization => 2,
            TermCategory::Other => 3,
        }
    }
}

impl fmt::Display for TermCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a set of terms was rejected. A term is identified by its category and its position
/// among the terms of that category (0-based), never by its content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TermsError {
    /// The term has no letter or digit once normalised (blank, punctuation or invisible
    /// characters only).
    #[error("{category} term {index} has no letters or digits after normalisation")]
    Empty {
        /// The term's category.
        category: TermCategory,
        /// Its position among the terms of that category.
        index: usize,
    },
    /// The term has fewer than [`MIN_TERM_CHARS`] letters and digits once normalised.
    #[error(
        "{category} term {index} is too short after normalisation: {chars} letters or digits, at least {min} required"
    )]
    TooShort {
        /// The term's category.
        category: TermCategory,
        /// Its position among the terms of that category.
        index: usize,
        /// Its number of letters and digits after folding.
        chars: usize,
        /// The minimum, [`MIN_TERM_CHARS`].
        min: usize,
    },
    /// The term is longer than [`MAX_TERM_BYTES`] once normalised.
    #[error(
        "{category} term {index} is too long after normalisation: {bytes} bytes, at most {max} allowed"
    )]
    TooLong {
        /// The term's category.
        category: TermCategory,
        /// Its position among the terms of that category.
        index: usize,
        /// Its length in bytes after folding.
        bytes: usize,
        /// The maximum, [`MAX_TERM_BYTES`].
        max: usize,
    },
    /// More than [`MAX_TERMS`] terms were given.
    #[error("too many principal terms: more than {max}")]
    TooMany {
        /// The maximum, [`MAX_TERMS`].
        max: usize,
    },
    /// The automaton could not be built (it would exceed the matcher's internal limits).
    #[error("the principal terms matcher could not be built: {reason}")]
    Automaton {
        /// The matcher library's explanation (it never contains pattern text).
        reason: String,
    },
}

/// Edge flag: the pattern starts with a word character, so the text before it must not be
/// one.
const CHECK_BEFORE: u8 = 1;
/// Edge flag: the pattern ends with a word character, so the text after it must not be one.
const CHECK_AFTER: u8 = 2;

/// The principal's registered terms, compiled for matching.
///
/// `Debug` shows only the number of terms.
#[derive(Clone, Default)]
pub struct PrincipalTerms {
    /// The automaton over all folded patterns; `None` when there are no terms.
    matcher: Option<AhoCorasick>,
    /// Per pattern ID, its [`CHECK_BEFORE`] / [`CHECK_AFTER`] flags.
    edges: Vec<u8>,
    /// Number of distinct registered terms (after folding, without variants).
    terms: usize,
}

impl fmt::Debug for PrincipalTerms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrincipalTerms")
            .field("terms", &self.terms)
            .finish_non_exhaustive()
    }
}

impl PrincipalTerms {
    /// Compiles `terms`. Terms that fold to the same form count once. The strings are
    /// wiped once folded.
    ///
    /// # Errors
    /// A term that is empty, too short or too long once normalised, more than
    /// [`MAX_TERMS`] terms, or a matcher that cannot be built.
    pub fn new(
        terms: impl IntoIterator<Item = (TermCategory, String)>,
    ) -> Result<Self, TermsError> {
        let mut per_category = [0usize; 4];
        let mut total = 0usize;
        // Folded primary forms (to count distinct terms) and all folded patterns.
        let mut primaries: Vec<Zeroizing<Vec<u8>>> = Vec::new();
        let mut patterns: Vec<Zeroizing<Vec<u8>>> = Vec::new();
        for (category, term) in terms {
            let term = Zeroizing::new(term);
            total = total.saturating_add(1);
            if total > MAX_TERMS {
                return Err(TermsError::TooMany { max: MAX_TERMS });
            }
            let slot = per_category.get_mut(category.index());
            let index = slot.as_deref().copied().unwrap_or(0);
            if let Some(slot) = slot {
                *slot = slot.saturating_add(1);
            }
            let variants = fold_term(&term, category, index)?;
            let mut variants = variants.into_iter();
            if let Some(primary) = variants.next() {
                primaries.push(Zeroizing::new(primary.to_vec()));
                patterns.push(primary);
            }
            patterns.extend(variants);
        }
        primaries.sort_unstable_by(|a, b| a.as_slice().cmp(b.as_slice()));
        primaries.dedup_by(|a, b| a.as_slice() == b.as_slice());
        patterns.sort_unstable_by(|a, b| a.as_slice().cmp(b.as_slice()));
        patterns.dedup_by(|a, b| a.as_slice() == b.as_slice());
        if patterns.is_empty() {
            return Ok(PrincipalTerms::empty());
        }
        let edges = patterns.iter().map(|p| edge_flags(p)).collect();
        let pattern_bytes: usize = patterns.iter().map(|p| p.len()).sum();
        let kind = if pattern_bytes <= DFA_MAX_PATTERN_BYTES {
            AhoCorasickKind::DFA
        } else {
            AhoCorasickKind::ContiguousNFA
        };
        let matcher = build_matcher(&patterns, kind)?;
        Ok(PrincipalTerms {
            matcher: Some(matcher),
            edges,
            terms: primaries.len(),
        })
    }

    /// Compiles the terms of a principal-terms file.
    ///
    /// # Errors
    /// As [`new`](Self::new).
    pub fn from_file(file: &PrincipalTermsFile) -> Result<Self, TermsError> {
        let cats = [
            (TermCategory::Name, &file.names),
            (TermCategory::Place, &file.places),
            (TermCategory::Organization, &file.organizations),
            (TermCategory::Other, &file.other),
        ];
        // The clones are wiped by `new` once folded.
        PrincipalTerms::new(
            cats.into_iter()
                .flat_map(|(cat, list)| list.iter().map(move |t| (cat, t.clone()))),
        )
    }

    /// No terms: scanning with it returns at once.
    #[must_use]
    pub fn empty() -> Self {
        PrincipalTerms {
            matcher: None,
            edges: Vec::new(),
            terms: 0,
        }
    }

    /// The number of distinct registered terms (after folding; spelling variants generated
    /// from a term are not counted).
    #[must_use]
    pub fn len(&self) -> usize {
        self.terms
    }

    /// True when no term is registered.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.terms == 0
    }

    /// Appends a [`Kind::PrincipalTerm`] span (byte offsets into `skeleton`) for every
    /// occurrence of a registered term in `skeleton`, which must be a
    /// [`Skeleton`](crate::normalize::Skeleton) text. Overlapping occurrences are merged.
    pub(crate) fn find(&self, skeleton: &str, out: &mut Vec<Span>) {
        let Some(matcher) = &self.matcher else { return };
        let folded = fold_text(skeleton);
        let bytes = folded.bytes.as_slice();
        let mut found: Vec<(usize, usize)> = Vec::new();
        let Ok(matches) = matcher.try_find_overlapping_iter(bytes) else {
            // Only a leftmost match kind is refused, and the matcher is built with the
            // standard kind.
            debug_assert!(false, "overlapping search refused");
            return;
        };
        for m in matches {
            let flags = self.edges.get(m.pattern().as_usize()).copied().unwrap_or(0);
            if flags & CHECK_BEFORE != 0 && prev_char(bytes, m.start()).is_some_and(is_word_char) {
                continue;
            }
            if flags & CHECK_AFTER != 0 && next_char(bytes, m.end()).is_some_and(is_word_char) {
                continue;
            }
            found.push((m.start(), m.end()));
        }
        if found.is_empty() {
            return;
        }
        // Overlapping search reports matches by end; merge overlapping ones by start.
        found.sort_unstable();
        let mut current: Option<(usize, usize)> = None;
        for (s, e) in found {
            current = match current {
                Some((cs, ce)) if s < ce => Some((cs, ce.max(e))),
                Some(done) => {
                    push_span(&folded, done, out);
                    Some((s, e))
                }
                None => Some((s, e)),
            };
        }
        if let Some(done) = current {
            push_span(&folded, done, out);
        }
    }
}

/// Builds the automaton: standard (all overlapping matches) semantics, unanchored.
fn build_matcher(
    patterns: &[Zeroizing<Vec<u8>>],
    kind: AhoCorasickKind,
) -> Result<AhoCorasick, TermsError> {
    AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .start_kind(StartKind::Unanchored)
        .kind(Some(kind))
        .build(patterns.iter().map(|p| p.as_slice()))
        .map_err(|e| TermsError::Automaton {
            reason: e.to_string(),
        })
}

/// Maps a folded-text range back to the skeleton and appends it as a span.
fn push_span(folded: &Folded, (start, end): (usize, usize), out: &mut Vec<Span>) {
    if let Some((s, e)) = folded.map.map_range(&folded.bytes, start, end) {
        out.push(Span::new(Kind::PrincipalTerm, s, e));
    }
}

/// Folded text with a map back to the text it was folded from.
struct Folded {
    /// The folded text (valid UTF-8).
    bytes: Vec<u8>,
    /// Folded offsets to source offsets.
    map: OffsetMap,
}

/// How an ASCII byte folds: letters to lowercase, separators (ASCII whitespace, `-`, `_`,
/// `.`) to a space (runs are collapsed by the callers), the backtick to an apostrophe,
/// everything else unchanged. Written without a table so that the ASCII fast path
/// vectorises.
const fn fold_ascii_byte(b: u8) -> u8 {
    match b {
        b'A'..=b'Z' => b | 0x20,
        b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r' | b'-' | b'_' | b'.' => b' ',
        b'`' => b'\'',
        _ => b,
    }
}

/// Folds `source` (a skeleton text) for matching; see the module documentation.
fn fold_text(source: &str) -> Folded {
    if source.is_ascii() {
        fold_ascii(source.as_bytes())
    } else {
        fold_unicode(source)
    }
}

/// [`fold_text`] for ASCII text.
fn fold_ascii(bytes: &[u8]) -> Folded {
    let mut out = Vec::with_capacity(bytes.len());
    let mut map = OffsetMap::new();
    let finder = memchr::memmem::Finder::new(b"  ");
    fold_ascii_into(&mut out, &mut map, bytes, 0, false, &finder);
    Folded { bytes: out, map }
}

/// Folds the ASCII bytes `chunk`, which start at source offset `src`, onto `out`: a
/// byte-for-byte mapping (vectorised), then runs of spaces are collapsed by moving the bytes
/// between them, found with `finder` (a `memmem` searcher for two spaces). Prose has about
/// one run (". ") per sentence, so the map gets one piece per sentence. `after_separator`
/// says whether `out` ends with a separator (then leading ones are dropped); returns the
/// same for the new end.
fn fold_ascii_into(
    out: &mut Vec<u8>,
    map: &mut OffsetMap,
    chunk: &[u8],
    src: usize,
    after_separator: bool,
    finder: &memchr::memmem::Finder<'_>,
) -> bool {
    let skip = if after_separator {
        chunk
            .iter()
            .take_while(|&&b| fold_ascii_byte(b) == b' ')
            .count()
    } else {
        0
    };
    let Some(chunk) = chunk.get(skip..).filter(|c| !c.is_empty()) else {
        return after_separator;
    };
    let src = src.saturating_add(skip);
    let base = out.len();
    map.linear(base, src);
    out.extend(chunk.iter().map(|&b| fold_ascii_byte(b)));
    let end = out.len();
    // Bytes of `out` before `read` are done; the kept output ends at `write`.
    let mut read = base;
    let mut write = base;
    while let Some(found) = out.get(read..).and_then(|rest| finder.find(rest)) {
        // Keep the first space of the run, drop the rest.
        let keep_end = read.saturating_add(found).saturating_add(1);
        if write != read {
            out.copy_within(read..keep_end, write);
        }
        write = write.saturating_add(keep_end.saturating_sub(read));
        let run = out
            .get(keep_end..)
            .map_or(0, |rest| rest.iter().take_while(|&&b| b == b' ').count());
        read = keep_end.saturating_add(run);
        if read < end {
            map.linear(write, src.saturating_add(read.saturating_sub(base)));
        }
    }
    if read < end && write != read {
        out.copy_within(read..end, write);
    }
    write = write.saturating_add(end.saturating_sub(read));
    out.truncate(write);
    out.last() == Some(&b' ')
}

/// [`fold_text`] for text with non-ASCII characters, in one pass: ASCII stretches through
/// [`fold_ascii_into`], other characters through [`fold_class`] / [`fold_char`].
fn fold_unicode(source: &str) -> Folded {
    let bytes = source.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut map = OffsetMap::new();
    let finder = memchr::memmem::Finder::new(b"  ");
    // True when `out` ends with a separator, so the next ones are dropped.
    let mut after_separator = false;
    let mut scratch = String::new();
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii() {
            let rest = bytes.get(i..).unwrap_or_default();
            let n = rest
                .iter()
                .position(|b| !b.is_ascii())
                .unwrap_or(rest.len());
            let chunk = rest.get(..n).unwrap_or_default();
            after_separator =
                fold_ascii_into(&mut out, &mut map, chunk, i, after_separator, &finder);
            i = i.saturating_add(n);
            continue;
        }
        let Some(c) = source.get(i..).and_then(|s| s.chars().next()) else {
            break;
        };
        let start = i;
        let end = i.saturating_add(c.len_utf8());
        i = end;
        let folded = match fold_class(c) {
            FOLD_SPACE => {
                if !after_separator {
                    after_separator = true;
                    map.unit(out.len(), start, end);
                    out.push(b' ');
                }
                continue;
            }
            // A lone combining mark: dropped, transparent to separator runs.
            FOLD_EMPTY => continue,
            FOLD_SLOW => {
                scratch.clear();
                fold_char(c, &mut scratch);
                scratch.as_str()
            }
            single if single == u32::from(c) => {
                // Unchanged (CJK, unaccented lowercase letters of other scripts …).
                after_separator = false;
                map.linear(out.len(), start);
                out.extend_from_slice(bytes.get(start..end).unwrap_or_default());
                continue;
            }
            single => {
                let Some(f) = char::from_u32(single) else {
                    continue;
                };
                scratch.clear();
                scratch.push(f);
                scratch.as_str()
            }
        };
        if folded.is_empty() {
            continue;
        }
        after_separator = false;
        if bytes.get(start..end) == Some(folded.as_bytes()) {
            map.linear(out.len(), start);
        } else {
            map.unit(out.len(), start, end);
        }
        out.extend_from_slice(folded.as_bytes());
    }
    Folded { bytes: out, map }
}

/// [`fold_class`]: the character is whitespace (a separator).
const FOLD_SPACE: u32 = 0x11_0000;
/// [`fold_class`]: the character folds to nothing (a combining mark).
const FOLD_EMPTY: u32 = 0x11_0001;
/// [`fold_class`]: the character folds to several characters, or is outside the BMP: call
/// [`fold_char`].
const FOLD_SLOW: u32 = 0x11_0002;
// Any other value is the single character the character folds to.

/// Lazily computed [`fold_class`] pages for the Basic Multilingual Plane, 256 characters
/// each (1 KiB), computed once per block actually seen.
static FOLD_PAGES: [OnceLock<[u32; 256]>; 256] = [const { OnceLock::new() }; 256];

/// How the non-ASCII character `c` folds: one of the `FOLD_*` values or the code point of
/// its one-character fold.
fn fold_class(c: char) -> u32 {
    let cp = u32::from(c);
    let Some(page) = FOLD_PAGES.get((cp >> 8) as usize) else {
        return FOLD_SLOW;
    };
    let page = page.get_or_init(|| {
        let mut classes = [FOLD_SLOW; 256];
        for (low, class) in (0u32..).zip(classes.iter_mut()) {
            if let Some(ch) = char::from_u32((cp & !0xFF) | low) {
                *class = compute_fold_class(ch);
            }
        }
        classes
    });
    page.get((cp & 0xFF) as usize).copied().unwrap_or(FOLD_SLOW)
}

/// The uncached [`fold_class`] of `c`.
fn compute_fold_class(c: char) -> u32 {
    if c.is_whitespace() {
        return FOLD_SPACE;
    }
    let mut s = String::new();
    fold_char(c, &mut s);
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (None, _) => FOLD_EMPTY,
        (Some(f), None) => u32::from(f),
        _ => FOLD_SLOW,
    }
}

/// Appends the folded form of the non-ASCII, non-whitespace character `c` to `out`.
fn fold_char(c: char, out: &mut String) {
    if matches!(c, '\u{2018}' | '\u{2019}' | '\u{02BC}' | '\u{2032}') {
        // Typographic apostrophes, modifier apostrophe and prime: `O’Brien` = `O'Brien`.
        out.push('\'');
        return;
    }
    if ('\u{AC00}'..='\u{D7A3}').contains(&c) {
        // Hangul syllables decompose into jamo but carry no accents: keep them whole.
        out.push(c);
        return;
    }
    decompose_canonical(c, |d| {
        if canonical_combining_class(d) != 0 {
            return;
        }
        for l in d.to_lowercase() {
            // `to_lowercase` can add a mark (`İ` gives `i` + U+0307): drop those too.
            if canonical_combining_class(l) != 0 {
                continue;
            }
            let l = fold_letter(l);
            match l {
                'ß' => out.push_str("ss"),
                'æ' => out.push_str("ae"),
                'œ' => out.push_str("oe"),
                'þ' => out.push_str("th"),
                'ø' => out.push('o'),
                'ł' => out.push('l'),
                'đ' | 'ð' => out.push('d'),
                'ħ' => out.push('h'),
                'ŧ' => out.push('t'),
                _ => out.push(l),
            }
        }
    });
}

/// A lowercased character, case-folded and folded like the skeleton folds its case
/// partners, so that matching is case-blind for every letter:
///
/// - variant small forms take the lowercase of their capital (final `ς` → `σ`, Cyrillic
///   long-legged `ᲁ` → `д`), as Unicode case folding does;
/// - look-alike letters use the homoglyph table for the small letter, else for its capital:
///   the skeleton turns Cyrillic `Н` into `H` but leaves `н`, and Greek `ν` into `v` but
///   leaves `Ν` (lowercased to `ν` before this).
fn fold_letter(l: char) -> char {
    if l.is_ascii() {
        return l;
    }
    let upper = single(l.to_uppercase()).unwrap_or(l);
    let lower = single(upper.to_lowercase()).unwrap_or(l);
    if let Some(x) = fold_homoglyph(lower).or_else(|| fold_homoglyph(upper)) {
        return x.to_ascii_lowercase();
    }
    lower
}

/// The only item of `it`, if it has exactly one.
fn single(mut it: impl Iterator<Item = char>) -> Option<char> {
    match (it.next(), it.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// True for characters of scripts written without spaces between words, which therefore
/// never form a word boundary (Han, Kana, Bopomofo, Hangul, Yi, Thai, Lao, Myanmar, Khmer).
/// Hangul is spaced, but particles attach to names (`김철수는`), so it is treated the same.
fn is_unspaced_script(c: char) -> bool {
    matches!(
        u32::from(c),
        0x0E00..=0x0EFF     // Thai, Lao
            | 0x1000..=0x109F   // Myanmar
            | 0x1100..=0x11FF   // Hangul Jamo
            | 0x1780..=0x17FF   // Khmer
            | 0x19E0..=0x19FF   // Khmer symbols
            | 0x2E80..=0x2FDF   // CJK radicals, Kangxi radicals
            | 0x3005..=0x3007   // ideographic iteration mark, closing mark, number zero
            | 0x3021..=0x3029   // Hangzhou numerals
            | 0x3031..=0x303C   // kana repeat marks, ideographic marks
            | 0x3040..=0x31FF   // Hiragana, Katakana, Bopomofo, compatibility Jamo, Kanbun …
            | 0x3400..=0x4DBF   // CJK extension A
            | 0x4E00..=0x9FFF   // CJK unified ideographs
            | 0xA000..=0xA4CF   // Yi
            | 0xA960..=0xA97F   // Hangul Jamo extended A
            | 0xAC00..=0xD7FF   // Hangul syllables, Jamo extended B
            | 0xF900..=0xFAFF   // CJK compatibility ideographs
            | 0xFF66..=0xFFDC   // half-width Katakana and Hangul
            | 0x1B000..=0x1B16F // Kana supplement, extended
            | 0x20000..=0x3FFFF // CJK extensions B onwards
    )
}

/// A letter or digit that joins a word: a match may not continue into one.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() && !is_unspaced_script(c)
}

/// The character of the UTF-8 `bytes` that ends at `at`.
fn prev_char(bytes: &[u8], at: usize) -> Option<char> {
    let mut start = at.checked_sub(1)?;
    while !is_char_boundary(bytes, start) {
        start = start.checked_sub(1)?;
    }
    std::str::from_utf8(bytes.get(start..at)?)
        .ok()?
        .chars()
        .next()
}

/// The character of the UTF-8 `bytes` that starts at `at`.
fn next_char(bytes: &[u8], at: usize) -> Option<char> {
    let lead = *bytes.get(at)?;
    let width = match lead {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    };
    std::str::from_utf8(bytes.get(at..at.checked_add(width)?)?)
        .ok()?
        .chars()
        .next()
}

/// The [`CHECK_BEFORE`] / [`CHECK_AFTER`] flags of a folded pattern.
fn edge_flags(pattern: &[u8]) -> u8 {
    let mut flags = 0;
    if next_char(pattern, 0).is_some_and(is_word_char) {
        flags |= CHECK_BEFORE;
    }
    if prev_char(pattern, pattern.len()).is_some_and(is_word_char) {
        flags |= CHECK_AFTER;
    }
    flags
}

/// The folded patterns of one term: its primary form first, then its umlaut
/// transliterations. Validates the primary form.
fn fold_term(
    term: &str,
    category: TermCategory,
    index: usize,
) -> Result<Vec<Zeroizing<Vec<u8>>>, TermsError> {
    let skeleton = Skeleton::new(term).into_text();
    let skeleton = Zeroizing::new(skeleton.into_owned());
    let primary = fold_pattern(&skeleton);
    let text = std::str::from_utf8(&primary).unwrap_or_default();
    let chars = text.chars().filter(|c| c.is_alphanumeric()).count();
    if chars == 0 {
        return Err(TermsError::Empty { category, index });
    }
    if chars < MIN_TERM_CHARS {
        return Err(TermsError::TooShort {
            category,
            index,
            chars,
            min: MIN_TERM_CHARS,
        });
    }
    if primary.len() > MAX_TERM_BYTES {
        return Err(TermsError::TooLong {
            category,
            index,
            bytes: primary.len(),
            max: MAX_TERM_BYTES,
        });
    }
    let mut all = vec![primary];
    for variant in umlaut_variants(&skeleton) {
        let folded = fold_pattern(&variant);
        // A transliteration is longer; it may exceed the limit the primary met.
        if folded.len() <= MAX_TERM_BYTES {
            all.push(folded);
        }
    }
    Ok(all)
}

/// A skeleton text folded as a pattern: folded like text, without leading or trailing
/// separators.
fn fold_pattern(skeleton: &str) -> Zeroizing<Vec<u8>> {
    let folded = fold_text(skeleton);
    let mut bytes = Zeroizing::new(folded.bytes);
    let end = bytes
        .iter()
        .rposition(|&b| b != b' ')
        .map_or(0, |p| p.saturating_add(1));
    bytes.truncate(end);
    let start = bytes.iter().position(|&b| b != b' ').unwrap_or(bytes.len());
    bytes.drain(..start);
    bytes
}

/// The German transliterations of a term's umlauts (`ä` → `ae` …), in every combination
/// when there are at most [`MAX_UMLAUT_COMBINATIONS`] umlauts, else all-transliterated
/// only. Empty when the term has none. The all-stripped form is the primary pattern.
fn umlaut_variants(skeleton: &str) -> Vec<Zeroizing<String>> {
    let umlauts = skeleton
        .chars()
        .filter(|&c| transliterate(c).is_some())
        .count();
    if umlauts == 0 {
        return Vec::new();
    }
    let count = u32::try_from(umlauts).unwrap_or(u32::MAX);
    let masks: Vec<u32> = if count <= MAX_UMLAUT_COMBINATIONS {
        (1..(1u32 << count)).collect()
    } else {
        vec![u32::MAX]
    };
    masks
        .into_iter()
        .map(|mask| {
            let mut s = Zeroizing::new(String::with_capacity(
                skeleton.len().saturating_add(umlauts),
            ));
            let mut k = 0u32;
            for c in skeleton.chars() {
                match transliterate(c) {
                    Some(t) => {
                        if mask.checked_shr(k).unwrap_or(0) & 1 == 1 || mask == u32::MAX {
                            s.push_str(t);
                        } else {
                            s.push(c);
                        }
                        k = k.saturating_add(1);
                    }
                    None => s.push(c),
                }
            }
            s
        })
        .collect()
}

/// The German transliteration of an umlaut.
fn transliterate(c: char) -> Option<&'static str> {
    match c {
        'ä' | 'Ä' => Some("ae"),
        'ö' | 'Ö' => Some("oe"),
        'ü' | 'Ü' => Some("ue"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(list: &[(TermCategory, &str)]) -> PrincipalTerms {
        PrincipalTerms::new(list.iter().map(|&(c, t)| (c, t.to_owned()))).unwrap()
    }

    /// Runs the engine's steps: skeleton, find, map back to the original.
    fn found(t: &PrincipalTerms, text: &str) -> Vec<String> {
        let sk = Skeleton::new(text);
        let mut spans = Vec::new();
        t.find(sk.text(), &mut spans);
        spans
            .iter()
            .map(|s| {
                assert_eq!(s.kind, Kind::PrincipalTerm);
                assert!(s.start < s.end && s.end <= sk.text().len());
                assert!(sk.text().is_char_boundary(s.start) && sk.text().is_char_boundary(s.end));
                let (a, b) = sk.to_original(s.start, s.end).unwrap();
                text[a..b].to_owned()
            })
            .collect()
    }

    fn folded(s: &str) -> String {
        String::from_utf8(fold_pattern(Skeleton::new(s).text()).to_vec()).unwrap()
    }

    #[test]
    fn folding_kats() {
        assert_eq!(folded("Müller"), "muller");
        assert_eq!(folded("Mu\u{0308}ller"), "muller");
        assert_eq!(folded("MÜLLER"), "muller");
        assert_eq!(folded("Straße"), "strasse");
        assert_eq!(folded("STRAẞE"), "strasse");
        assert_eq!(folded("\u{FF21}\u{FF43}\u{FF4D}\u{FF45}"), "acme");
        assert_eq!(folded("Ac\u{200B}me"), "acme");
        assert_eq!(folded("\u{0410}\u{0441}me"), "acme");
        assert_eq!(folded("G\u{03BF}\u{03BF}gle"), "google");
        assert_eq!(folded("\u{FB01}nch"), "finch");
        assert_eq!(folded("  Jean--Luc _ Picard. "), "jean luc picard");
        assert_eq!(folded("J. R. R. Tolkien"), "j r r tolkien");
        assert_eq!(folded("O’Brien"), "o'brien");
        assert_eq!(folded("Łódź"), "lodz");
        assert_eq!(folded("Ærø"), "aero");
        assert_eq!(folded("İstanbul"), "istanbul");
        assert_eq!(folded("ΟΔΥΣΣΕΥΣ"), folded("οδυσσευς"));
        assert_eq!(folded("東京"), "東京");
    }

    #[test]
    fn folding_is_case_blind() {
        // Every character folds like its one-character lowercase and uppercase (through the
        // skeleton, as text and terms do). Combining marks are dropped whatever their case.
        let mut checked = 0;
        for cp in 0u32..0x3_0000 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let fold = |x: char| fold_text(Skeleton::new(&x.to_string()).text()).bytes;
            let mut lower = c.to_lowercase();
            if let (Some(l), None) = (lower.next(), lower.next())
                && l != c
            {
                assert_eq!(fold(c), fold(l), "U+{cp:04X} {c} vs {l}");
                checked += 1;
            }
            let mut upper = c.to_uppercase();
            if let (Some(u), None) = (upper.next(), upper.next())
                && u != c
                && canonical_combining_class(c) == 0
            {
                assert_eq!(fold(c), fold(u), "U+{cp:04X} {c} vs {u}");
                checked += 1;
            }
        }
        assert!(checked > 1000);
        assert_eq!(folded("ΝΙΚΟΣ"), folded("Νίκος"));
        assert_eq!(folded("НЕТ"), folded("нет"));
    }

    /// The fold computed character by character, with the source range of every output byte.
    fn reference_fold(s: &str) -> (Vec<u8>, Vec<(usize, usize)>) {
        let mut out = Vec::new();
        let mut ranges = Vec::new();
        let mut after_separator = false;
        for (i, c) in s.char_indices() {
            let range = (i, i + c.len_utf8());
            let mut folded = String::new();
            if c.is_ascii() {
                folded.push(fold_ascii_byte(c as u8) as char);
            } else if c.is_whitespace() {
                folded.push(' ');
            } else {
                fold_char(c, &mut folded);
            }
            if folded.is_empty() {
                continue;
            }
            if folded == " " {
                if after_separator {
                    continue;
                }
                after_separator = true;
            } else {
                after_separator = false;
            }
            for b in folded.bytes() {
                out.push(b);
                ranges.push(range);
            }
        }
        (out, ranges)
    }

    #[test]
    fn fold_text_matches_reference() {
        const ALPHABET: &[&str] = &[
            "a", "Z", " ", ".", "-", "_", "\t", "\n", "`", "'", "x", "1", "ß", "é", "\u{0301}",
            "東", "\u{00A0}", "\u{2028}", "Ä", "ﬀ", "’", "ς", "Н", "😀",
        ];
        let mut state = 0x1234_5678_9ABC_DEF1u64;
        for _ in 0..3000 {
            state = xorshift(state);
            let len = (state % 24) as usize;
            let mut s = String::new();
            for _ in 0..len {
                state = xorshift(state);
                s.push_str(ALPHABET[(state % ALPHABET.len() as u64) as usize]);
            }
            let got = fold_text(&s);
            let (want, ranges) = reference_fold(&s);
            assert_eq!(got.bytes, want, "{s:?}");
            let bounds: Vec<usize> = (0..=want.len())
                .filter(|&k| is_char_boundary(&want, k))
                .collect();
            for (x, &a) in bounds.iter().enumerate() {
                for &b in &bounds[x + 1..] {
                    let expect = (ranges[a].0, ranges[b - 1].1);
                    assert_eq!(
                        got.map.map_range(&got.bytes, a, b),
                        Some(expect),
                        "{s:?} {a}..{b}"
                    );
                }
            }
            if s.is_ascii() {
                assert_eq!(fold_ascii(s.as_bytes()).bytes, want);
            }
        }
    }

    #[test]
    fn fold_cache_agrees_with_fold_char() {
        for cp in 0x80u32..0x1_0000 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let mut direct = String::new();
            if c.is_whitespace() {
                direct.push(' ');
            } else {
                fold_char(c, &mut direct);
            }
            let cached = match fold_class(c) {
                FOLD_SPACE => " ".to_owned(),
                FOLD_EMPTY => String::new(),
                FOLD_SLOW => {
                    let mut s = String::new();
                    fold_char(c, &mut s);
                    assert!(s.chars().count() > 1, "U+{cp:04X} needlessly slow");
                    s
                }
                f => char::from_u32(f).unwrap().to_string(),
            };
            assert_eq!(direct, cached, "U+{cp:04X}");
        }
    }

    #[test]
    fn every_category_and_file() {
        let file = PrincipalTermsFile {
            names: vec!["Jane Doe".into()],
            places: vec!["Springfield".into()],
            organizations: vec!["Acme Widgets GmbH".into()],
            other: vec!["Project Bluebird".into()],
        };
        let t = PrincipalTerms::from_file(&file).unwrap();
        assert_eq!(t.len(), 4);
        let text =
            "Jane Doe moved to Springfield to work at Acme Widgets GmbH on Project Bluebird.";
        assert_eq!(
            found(&t, text),
            [
                "Jane Doe",
                "Springfield",
                "Acme Widgets GmbH",
                "Project Bluebird"
            ]
        );
        // The file format.
        let json = r#"{"names":["Jane Doe"],"places":[],"organizations":["Acme"]}"#;
        let file: PrincipalTermsFile = serde_json::from_str(json).unwrap();
        assert_eq!(file.names.len(), 1);
        assert!(file.other.is_empty());
        assert!(serde_json::from_str::<PrincipalTermsFile>(r#"{"nmes":[]}"#).is_err());
        assert_eq!(
            serde_json::to_string(&TermCategory::Organization).unwrap(),
            "\"organization\""
        );
        assert_eq!(
            format!("{file:?}"),
            "PrincipalTermsFile { names: 1, places: 0, organizations: 1, other: 0 }"
        );
    }

    #[test]
    fn multi_word_across_whitespace() {
        let t = terms(&[
            (TermCategory::Place, "42 Elm Street"),
            (TermCategory::Organization, "Acme Widgets GmbH"),
        ]);
        assert_eq!(found(&t, "at 42  Elm\nStreet, near"), ["42  Elm\nStreet"]);
        assert_eq!(
            found(&t, "ACME\u{00A0}widgets\tgmbh"),
            ["ACME\u{00A0}widgets\tgmbh"]
        );
        assert!(found(&t, "at 142 Elm Street").is_empty());
        assert!(found(&t, "Acme Widgets GmbHx").is_empty());
        assert!(found(&t, "Acme Widget GmbH").is_empty());
    }

    #[test]
    fn word_boundaries() {
        let t = terms(&[(TermCategory::Name, "Ann")]);
        assert_eq!(found(&t, "Ann said"), ["Ann"]);
        assert_eq!(found(&t, "(ann)"), ["ann"]);
        assert_eq!(found(&t, "ANN"), ["ANN"]);
        assert!(found(&t, "Annual report").is_empty());
        assert!(found(&t, "Joanna and Hanna").is_empty());
        assert!(found(&t, "Ann2").is_empty());
        assert!(found(&t, "Annë").is_empty());
        assert_eq!(found(&t, "Ann様"), ["Ann"]);
        // CJK terms match inside CJK text.
        let t = terms(&[(TermCategory::Name, "王芳")]);
        assert_eq!(found(&t, "我叫王芳。"), ["王芳"]);
        let t = terms(&[(TermCategory::Name, "김철수")]);
        assert_eq!(found(&t, "김철수는 학생입니다"), ["김철수"]);
    }

    #[test]
    fn possessive_and_accents() {
        let t = terms(&[(TermCategory::Name, "Müller")]);
        assert_eq!(found(&t, "Müller's car"), ["Müller"]);
        assert_eq!(found(&t, "Müller’s car"), ["Müller"]);
        assert_eq!(
            found(&t, "Muller, MULLER, Mueller, MUELLER, Mu\u{0308}ller"),
            ["Muller", "MULLER", "Mueller", "MUELLER", "Mu\u{0308}ller"]
        );
        assert!(found(&t, "Müllers").is_empty());
        assert!(found(&t, "Mullet").is_empty());
        let t = terms(&[
            (TermCategory::Place, "Straße"),
            (TermCategory::Name, "Jürgen Größ"),
        ]);
        assert_eq!(found(&t, "STRASSE"), ["STRASSE"]);
        assert_eq!(
            found(&t, "Juergen Groess and Jurgen Gross and Juergen Groß"),
            ["Juergen Groess", "Jurgen Gross", "Juergen Groß"]
        );
    }

    #[test]
    fn hyphen_space_variants() {
        let t = terms(&[
            (TermCategory::Name, "Jean-Luc"),
            (TermCategory::Name, "J. R. Smith"),
        ]);
        for v in [
            "Jean-Luc",
            "Jean Luc",
            "jean_luc",
            "JEAN \u{2013} LUC",
            "Jean.Luc",
            "Jean\u{2011}Luc",
        ] {
            assert_eq!(found(&t, &format!("Hi {v}!")), [v], "{v}");
        }
        assert!(found(&t, "JeanLuc").is_empty());
        for v in ["J. R. Smith", "J R Smith", "J.R. Smith", "j.r.smith"] {
            assert_eq!(found(&t, &format!("by {v}.")), [v], "{v}");
        }
    }

    #[test]
    fn disguised_text() {
        let t = terms(&[(TermCategory::Organization, "Acme Corp")]);
        assert_eq!(
            found(&t, "at \u{0410}\u{0441}me Corp"),
            ["\u{0410}\u{0441}me Corp"]
        );
        assert_eq!(
            found(&t, "at A\u{200B}c\u{200D}me C\u{FEFF}orp"),
            ["A\u{200B}c\u{200D}me C\u{FEFF}orp"]
        );
        assert_eq!(
            found(&t, "at \u{FF21}\u{FF43}\u{FF4D}\u{FF45} \u{FF23}orp"),
            ["\u{FF21}\u{FF43}\u{FF4D}\u{FF45} \u{FF23}orp"]
        );
        assert_eq!(
            found(&t, "at Acm\u{00E9} C\u{03BF}rp"),
            ["Acm\u{00E9} C\u{03BF}rp"]
        );
        // Terms registered in disguise are normalised too.
        let t = terms(&[(TermCategory::Other, "\u{FB01}\u{200B}nch")]);
        assert_eq!(found(&t, "the Finch house"), ["Finch"]);
    }

    #[test]
    fn shorter_term_survives_failed_longer_one() {
        let t = terms(&[(TermCategory::Name, "Jo"), (TermCategory::Name, "Jo Ann")]);
        assert_eq!(found(&t, "Jo Anne"), ["Jo"]);
        assert_eq!(found(&t, "Jo Ann."), ["Jo Ann"]);
        let t = terms(&[
            (TermCategory::Name, "Ann Lee"),
            (TermCategory::Name, "Lee Smith"),
        ]);
        assert_eq!(found(&t, "Ann Lee Smith"), ["Ann Lee Smith"]);
    }

    #[test]
    fn no_false_hits_in_prose() {
        let t = terms(&[
            (TermCategory::Name, "Ann"),
            (TermCategory::Name, "Al"),
            (TermCategory::Name, "Eve"),
            (TermCategory::Place, "Bath"),
            (TermCategory::Organization, "IBM"),
            (TermCategory::Other, "Mark Twain"),
        ]);
        let prose = "The annual general meeting was held in the bathroom annex, where Joanna \
            and Hanna discussed the evening's agenda. Every alternative was evaluated; the \
            benchmark of marks, twains and albums showed nothing unusual. Several analysts \
            banned nobody. IBMX and XIBM are not companies, and neither is totalitarianism.";
        assert!(found(&t, prose).is_empty(), "{:?}", found(&t, prose));
    }

    #[test]
    fn ten_thousand_terms_all_found() {
        let list = generated_terms(10_000);
        let t = PrincipalTerms::new(list.iter().map(|s| (TermCategory::Name, s.clone()))).unwrap();
        assert_eq!(t.len(), 10_000);
        // Each term in a sentence, in a few spelling variants.
        for (i, term) in list.iter().enumerate() {
            let variant = match i % 4 {
                0 => term.clone(),
                1 => term.to_uppercase(),
                2 => term.replace(' ', "-"),
                _ => term.replace(' ', "\n  "),
            };
            let text = format!("Yesterday {variant}'s letter arrived.");
            let got = found(&t, &text);
            assert_eq!(got, std::slice::from_ref(&variant), "term {i}");
        }
        // And nothing in ordinary prose.
        let prose = "The committee reviewed the annual budget on Tuesday, and several members \
            noted that the proposed changes to the transport plan would affect residents in the \
            northern districts. Karl, Lorenzo and Mira met Sandra at the Velodrome in Danzig.";
        assert!(found(&t, prose).is_empty(), "{:?}", found(&t, prose));
    }

    #[test]
    fn errors() {
        let err = |t: &str| PrincipalTerms::new([(TermCategory::Place, t.to_owned())]).unwrap_err();
        assert_eq!(
            err("   "),
            TermsError::Empty {
                category: TermCategory::Place,
                index: 0
            }
        );
        assert_eq!(
            err("\u{200B}\u{200B}"),
            TermsError::Empty {
                category: TermCategory::Place,
                index: 0
            }
        );
        assert_eq!(
            err("--..__"),
            TermsError::Empty {
                category: TermCategory::Place,
                index: 0
            }
        );
        assert_eq!(
            err("x"),
            TermsError::TooShort {
                category: TermCategory::Place,
                index: 0,
                chars: 1,
                min: 2
            }
        );
        assert_eq!(
            err("\u{FF38}"),
            TermsError::TooShort {
                category: TermCategory::Place,
                index: 0,
                chars: 1,
                min: 2
            }
        );
        assert_eq!(
            err("'A'."),
            TermsError::TooShort {
                category: TermCategory::Place,
                index: 0,
                chars: 1,
                min: 2
            }
        );
        assert_eq!(
            err("王"),
            TermsError::TooShort {
                category: TermCategory::Place,
                index: 0,
                chars: 1,
                min: 2
            }
        );
        let long = "a".repeat(MAX_TERM_BYTES + 1);
        assert_eq!(
            err(&long),
            TermsError::TooLong {
                category: TermCategory::Place,
                index: 0,
                bytes: 257,
                max: 256
            }
        );
        // Exactly at the limit is fine; the index counts within the category.
        let ok = "a".repeat(MAX_TERM_BYTES);
        let e = PrincipalTerms::new([
            (TermCategory::Name, "Bob".to_owned()),
            (TermCategory::Place, ok),
            (TermCategory::Name, "!".to_owned()),
        ])
        .unwrap_err();
        assert_eq!(
            e,
            TermsError::Empty {
                category: TermCategory::Name,
                index: 1
            }
        );
        let msg = e.to_string();
        assert_eq!(
            msg,
            "name term 1 has no letters or digits after normalisation"
        );
        // Messages never contain the term.
        let secret = "Zyxwvutsrqponmlkjihgfedcba".repeat(10) + "Secret";
        assert!(!err(&secret).to_string().to_lowercase().contains("secret"));
        let many = (0..=MAX_TERMS).map(|i| (TermCategory::Other, format!("t{i}")));
        assert_eq!(
            PrincipalTerms::new(many).unwrap_err(),
            TermsError::TooMany { max: MAX_TERMS }
        );
    }

    #[test]
    fn empty_and_debug() {
        let t = PrincipalTerms::empty();
        assert!(t.is_empty());
        let mut out = Vec::new();
        t.find("anything", &mut out);
        assert!(out.is_empty());
        let t = terms(&[
            (TermCategory::Name, "Jane Doe"),
            (TermCategory::Name, "JANE  doe"),
        ]);
        assert_eq!(t.len(), 1);
        let dbg = format!("{t:?}");
        assert!(!dbg.to_lowercase().contains("jane"), "{dbg}");
        assert!(dbg.contains('1'));
    }

    /// Deterministic pseudo-random names built from syllables.
    fn generated_terms(n: usize) -> Vec<String> {
        const SYL: &[&str] = &[
            "ka", "lo", "mi", "ren", "sa", "tor", "vel", "dan", "qu", "bri", "zel", "mor", "fin",
            "gar", "hol", "jus", "nix", "pax", "rud", "wen", "yor", "ost", "ule", "ix",
        ];
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut out = Vec::with_capacity(n);
        let mut seen = std::collections::HashSet::new();
        while out.len() < n {
            let mut word = |k: usize| {
                let mut w = String::new();
                for _ in 0..k {
                    state = xorshift(state);
                    w.push_str(SYL[(state % SYL.len() as u64) as usize]);
                }
                let mut c = w.chars();
                let first = c.next().unwrap().to_uppercase().collect::<String>();
                first + c.as_str()
            };
            let term = format!("{} {}", word(2), word(3));
            if seen.insert(term.to_lowercase()) {
                out.push(term);
            }
        }
        out
    }

    fn xorshift(mut s: u64) -> u64 {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    }

    #[test]
    fn no_panic_on_hostile_text() {
        let t = terms(&[
            (TermCategory::Name, "Ann"),
            (TermCategory::Name, "aa"),
            (TermCategory::Name, "a a a"),
            (TermCategory::Place, "Müller"),
            (TermCategory::Other, "東京"),
            (TermCategory::Other, "ß-ß"),
        ]);
        const ALPHABET: &[&str] = &[
            "a",
            "A",
            " ",
            "-",
            ".",
            "_",
            "\n",
            "n",
            "N",
            "ü",
            "u\u{0308}",
            "ue",
            "ß",
            "\u{0301}",
            "\u{200B}",
            "\u{FF41}",
            "東",
            "京",
            "'",
            "’",
            "\u{0130}",
            "\u{10FFFF}",
            "\u{0}",
            "😀",
            "ς",
            "Σ",
            "\u{00A0}",
            "\u{2028}",
        ];
        let mut state = 0xDEAD_BEEF_CAFE_F00Du64;
        for _ in 0..2000 {
            state = xorshift(state);
            let len = (state % 60) as usize;
            let mut s = String::new();
            for _ in 0..len {
                state = xorshift(state);
                s.push_str(ALPHABET[(state % ALPHABET.len() as u64) as usize]);
            }
            let sk = Skeleton::new(&s);
            let mut spans = Vec::new();
            t.find(sk.text(), &mut spans);
            let text = sk.text();
            let mut prev_end = 0;
            for sp in &spans {
                assert!(sp.start < sp.end && sp.end <= text.len(), "{s:?}");
                assert!(
                    text.is_char_boundary(sp.start) && text.is_char_boundary(sp.end),
                    "{s:?}"
                );
                assert!(sp.start >= prev_end, "spans overlap: {s:?}");
                prev_end = sp.end;
            }
        }
        // Long repetitive input stays linear.
        let long = "a ".repeat(200_000);
        let mut spans = Vec::new();
        t.find(&long, &mut spans);
        assert_eq!(spans.len(), 1);
        assert_eq!((spans[0].start, spans[0].end), (0, long.len() - 1));
    }
}
