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
//! - drops *separators* entirely: whitespace and control characters, `-` (the skeleton
//!   folds every dash to it), `_`, `.`, apostrophes (`'` `` ` `` `’` `‘` `ʼ` `′`) and middle
//!   dots (`·` `・`). `Jean-Luc`, `jean_luc`, `Jean  Luc` and `JeanLuc` all fold to
//!   `jeanluc`.
//!
//! A term containing `ä`, `ö` or `ü` is also registered in its German transliteration
//! (`Müller` also matches `Mueller`); the converse is not done, because turning every `ue`
//! of a term into `u` would make ordinary words match (a term `Mueller` does not match
//! `Müller`: register the umlaut spelling).
//!
//! # Which folded matches count
//!
//! Dropping separators makes a match independent of how the text spaces a term (the
//! zero-width space in `Oskar\u{200B}Lindqvist` is gone from the skeleton, `Hagebuttenweg17`
//! lacks a space, `kwh-zm417` too), but the automaton now also sees matches across word
//! gaps that are not the term at all (`Isa` in `this is a test`). Every automaton match is
//! therefore checked against the skeleton text it came from:
//!
//! - **Word boundaries.** When the term starts (ends) with a letter or digit, the skeleton
//!   character just before (after) the match must not be one, unless a separator lies in
//!   between; so `Ann` does not match in `Annual`, `Joanna`, `plan now` or `A. N. Nelson`.
//!   Letters of scripts written without spaces between words (Han, Kana, Hangul, Thai,
//!   Lao, Khmer, Myanmar, Yi) never count as word characters, so CJK terms match anywhere
//!   and `Müller様` matches.
//! - **Genitive `s`.** A match may also end right before an `s` (or `S`) that ends the
//!   word: `Maëlle Lindqvists Schwimmkurs`, `Lindqvists'`. The `s` is *not* part of the
//!   reported span, like the `'s` of `Müller's`, which needs no rule (the apostrophe is a
//!   separator). Only when the term's last word is at least 3 letters long: a bare `s` after
//!   a two-letter name makes common words (`Al` → `als`, `Da` → `das`, `Le` → `les`).
//!   Names whose `s` form is another name still match it (`Andrea` in `Andreas`): a
//!   precision cost accepted for the recall on genitives.
//! - **Separators the text leaves out.** A term's *breaks* are where it has a separator,
//!   changes between letters and digits or from a small letter to a capital (`McDonald`),
//!   or has a character that is neither letter nor digit (punctuation, CJK). The text may
//!   leave the separator out at any break, except at a *strong* break (a space, hyphen,
//!   `.` or `_` between two letters) next to a word of fewer than 3 characters: there the
//!   text must show the word change by case (`JoAnn`), because short words run together
//!   make other words (`Li Na` → `Lina`, `Jo Ann` → `Joann`). So `Oskar Lindqvist`
//!   matches `OskarLindqvist` and `oskarlindqvist`, `Hagebuttenweg 17` matches
//!   `Hagebuttenweg17`, `KWH-ZM 417` matches `kwh-zm417` and `KWH ZM417` but not
//!   `KWHZM417`, and `O'Brien` matches `OBrien` (apostrophes make weak breaks).
//! - **Separators the text adds.** Inside a word of the term the text may not have a
//!   separator, except a run containing a hyphen with at least 2 letters or digits on each
//!   side in the text (a compound written apart or a word hyphenated at a line end:
//!   `Hagebutten-Weg 17`, `Lind-\nqvist`), or any separator between two digits (number
//!   groups: `0151 234 5678` for `0151 2345678`). So `Isa` does not match `is a` (nor
//!   `is-a`), `Erin` not `er in`, `Ive` not `I've`, and `Lindqvist` not `Lind qvist`: a
//!   space inside a word is how ordinary words combine into a name (`new man`, `her man`).
//!
//! Because a longer candidate can fail its checks where a shorter one would pass (`Jo Ann`
//! inside `Jo Anne`, where `Jo` is also registered), the automaton reports all overlapping
//! matches (standard semantics) and this module picks among the valid ones; leftmost-longest
//! search would hide the shorter match and lose recall. Overlapping valid matches are merged
//! into one span, since all of them are principal data. Terms that fold to the same bytes
//! (`Jo Ann`, `Joann`) share one automaton pattern that keeps each term's breaks; a match
//! counts when it is valid for any of them.
//!
//! # Sensitive data
//!
//! Terms are the principal's personal data. `Debug` shows only counts, errors identify a
//! term by category and position, never by content, and the term strings and every
//! intermediate copy this module keeps are wiped on drop ([`zeroize`]); this is best effort,
//! since a buffer that grows while a term is folded can leave an earlier copy in freed
//! memory. The compiled automaton necessarily encodes the terms in its transition tables,
//! and `aho-corasick` offers no way to wipe them: the memory of a dropped
//! [`PrincipalTerms`] may still hold them until it is reused. The per-term break positions
//! are kept too (word lengths, not letters).
//!
//! # Performance
//!
//! The automaton is a DFA while the folded patterns total at most 256 KiB (10,000 names are
//! about 140 KB of patterns and a 10 MB DFA), otherwise a contiguous NFA (about 1/10 of the
//! memory, roughly 2/3 of the speed). Folding ASCII text is a branch-free byte map that
//! compacts separators away; other text uses per-block caches of each character's fold.
//! The folded text keeps no per-byte map back to the skeleton, only a checkpoint every
//! 256 skeleton bytes: the few automaton matches are checked by decoding the skeleton
//! around them from the nearest checkpoint (each skeleton byte is decoded at most about
//! once per scan), so ordinary prose pays nothing for the checks. Checking one match costs
//! time proportional to the term's length (at most [`MAX_TERM_BYTES`]). With no terms, the
//! scan returns at once.

use std::fmt;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind, StartKind};
use serde::{Deserialize, Serialize};
use unicode_normalization::char::{canonical_combining_class, decompose_canonical};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::normalize::{Skeleton, fold_homoglyph, is_char_boundary};
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
/// 140 KB of patterns.
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

/// The fewest characters a term's last word needs for a bare genitive `s` after it to be
/// accepted (`Ann` → `Anns`); shorter names plus `s` are common words (`als`, `das`).
const MIN_GENITIVE_WORD: usize = 3;

/// The fewest characters each of two words of letters needs for the text to write them
/// together although the term separates them (`Ann Lee` → `Annlee`); shorter words run
/// together make other words (`Li Na` → `Lina`).
const MIN_JOINED_WORD: usize = 3;

/// The fewest characters each side of a hyphen the text puts inside a word of the term
/// needs (`Hagebutten-Weg` for `Hagebuttenweg`), so that `is-a` does not match `Isa`.
const MIN_HYPHEN_FRAGMENT: usize = 2;

/// The principal's registered terms, compiled for matching.
///
/// `Debug` shows only the number of terms.
#[derive(Clone, Default)]
pub struct PrincipalTerms {
    /// The automaton over all folded patterns; `None` when there are no terms.
    matcher: Option<AhoCorasick>,
    /// Per pattern ID, what a match of it must satisfy.
    patterns: Vec<PatternInfo>,
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

/// What a match of one automaton pattern must satisfy.
#[derive(Debug, Clone)]
struct PatternInfo {
    /// [`CHECK_BEFORE`] / [`CHECK_AFTER`] flags.
    edges: u8,
    /// The break structures of the terms (and variants) that fold to this pattern; a match
    /// counts when it fits any of them. Almost always one.
    shapes: Box<[Shape]>,
}

/// Where a folded term had breaks between its words.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Shape {
    /// The breaks, by increasing position.
    breaks: Box<[Break]>,
    /// True when the last word is long enough, and a word of letters, for a bare genitive
    /// `s` after a match ([`MIN_GENITIVE_WORD`]).
    genitive: bool,
}

/// A break in a folded term: a place where the text may have a separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Break {
    /// Byte offset in the folded pattern of the character after the break.
    pos: u16,
    /// True when the text may also leave the separator out whatever its case (see the
    /// module documentation); false for a strong break next to a short word.
    joinable: bool,
}

/// A term folded for matching: pattern bytes and break structure.
struct FoldedTerm {
    /// The folded pattern (separators dropped).
    bytes: Zeroizing<Vec<u8>>,
    /// Its break structure.
    shape: Shape,
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
        let mut folded: Vec<FoldedTerm> = Vec::new();
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
            if let Some(primary) = variants.first() {
                primaries.push(Zeroizing::new(primary.bytes.to_vec()));
            }
            folded.extend(variants);
        }
        primaries.sort_unstable_by(|a, b| a.as_slice().cmp(b.as_slice()));
        primaries.dedup_by(|a, b| a.as_slice() == b.as_slice());
        folded.sort_unstable_by(|a, b| {
            (a.bytes.as_slice(), &a.shape).cmp(&(b.bytes.as_slice(), &b.shape))
        });
        folded.dedup_by(|a, b| a.bytes.as_slice() == b.bytes.as_slice() && a.shape == b.shape);
        if folded.is_empty() {
            return Ok(PrincipalTerms::empty());
        }
        // One automaton pattern per distinct folded form, with every shape that has it.
        let mut patterns: Vec<Zeroizing<Vec<u8>>> = Vec::new();
        let mut infos: Vec<PatternInfo> = Vec::new();
        let mut shapes: Vec<Shape> = Vec::new();
        let mut iter = folded.into_iter().peekable();
        while let Some(term) = iter.next() {
            let FoldedTerm { bytes, shape } = term;
            shapes.push(shape);
            if iter
                .peek()
                .is_some_and(|next| next.bytes.as_slice() == bytes.as_slice())
            {
                continue;
            }
            infos.push(PatternInfo {
                edges: edge_flags(&bytes),
                shapes: std::mem::take(&mut shapes).into_boxed_slice(),
            });
            patterns.push(bytes);
        }
        let pattern_bytes: usize = patterns.iter().map(|p| p.len()).sum();
        let kind = if pattern_bytes <= DFA_MAX_PATTERN_BYTES {
            AhoCorasickKind::DFA
        } else {
            AhoCorasickKind::ContiguousNFA
        };
        let matcher = build_matcher(&patterns, kind)?;
        Ok(PrincipalTerms {
            matcher: Some(matcher),
            patterns: infos,
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
            patterns: Vec::new(),
            terms: 0,
        }
    }

    /// The number of distinct registered terms (after folding, which drops separators:
    /// `Jo Ann` and `Joann` count once; spelling variants generated from a term are not
    /// counted).
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
    /// [`Skeleton`](crate::normalize::Skeleton) text. Overlapping occurrences are merged. A
    /// genitive `s` after a term is not part of its span.
    pub(crate) fn find(&self, skeleton: &str, out: &mut Vec<Span>) {
        let Some(matcher) = &self.matcher else { return };
        let folded = fold_text(skeleton);
        let Ok(matches) = matcher.try_find_overlapping_iter(folded.bytes.as_slice()) else {
            // Only a leftmost match kind is refused, and the matcher is built with the
            // standard kind.
            debug_assert!(false, "overlapping search refused");
            return;
        };
        // Created at the first match: prose without any pays nothing for it.
        let mut decoder: Option<Decoder<'_>> = None;
        let mut found: Vec<(usize, usize)> = Vec::new();
        for m in matches {
            let Some(info) = self.patterns.get(m.pattern().as_usize()) else {
                continue;
            };
            let decoder =
                decoder.get_or_insert_with(|| Decoder::new(skeleton, &folded.checkpoints));
            if let Some(range) = decoder.verify(m.start(), m.end(), info) {
                found.push(range);
            }
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
                Some((cs, ce)) => {
                    out.push(Span::new(Kind::PrincipalTerm, cs, ce));
                    Some((s, e))
                }
                None => Some((s, e)),
            };
        }
        if let Some((cs, ce)) = current {
            out.push(Span::new(Kind::PrincipalTerm, cs, ce));
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

/// Separator class: whitespace, control characters, `.`, `_`, katakana middle dot.
const SEP_SPACE: u8 = 1;
/// Separator class: a hyphen (the skeleton folds every dash to `-`).
const SEP_HYPHEN: u8 = 2;
/// Separator class: an apostrophe, backtick, prime or middle dot (`·`): in-word joiners
/// (`O'Brien`, Catalan `l·l`).
const SEP_APOS: u8 = 4;

/// Skeleton bytes between two [`Checkpoint`]s (at least; a checkpoint is placed at the
/// first character boundary from there). Bounds how far a match check decodes before the
/// match.
const CHECKPOINT_STRIDE: usize = 256;

/// A place where the folded text and the skeleton are in step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Checkpoint {
    /// Folded offset: where the fold of the character at `skeleton` starts.
    folded: usize,
    /// Skeleton offset, on a character boundary.
    skeleton: usize,
}

/// Folded text with checkpoints back to the skeleton it was folded from.
struct Folded {
    /// The folded text (valid UTF-8).
    bytes: Vec<u8>,
    /// Checkpoints, increasing in both offsets, the first at 0 / 0 (none for an empty
    /// text).
    checkpoints: Vec<Checkpoint>,
}

/// How an ASCII byte folds: letters to lowercase, separators ([`ascii_separator`]) to 0,
/// everything else unchanged. Written without a table so that the fold loop stays
/// branch-free.
const fn fold_ascii_byte(b: u8) -> u8 {
    match b {
        b'A'..=b'Z' => b | 0x20,
        0..=0x20 | 0x7F | b'-' | b'_' | b'.' | b'\'' | b'`' => 0,
        _ => b,
    }
}

/// [`ascii_table`] selector: [`fold_ascii_byte`].
const TABLE_FOLD: u8 = 0;
/// [`ascii_table`] selector: [`ascii_separator`].
const TABLE_SEPARATOR: u8 = 1;
/// [`ascii_table`] selector: [`ascii_class`].
const TABLE_CLASS: u8 = 2;

/// One of the per-byte functions for every ASCII byte (0 from 0x80 on), so that hot loops
/// load from a table instead of running compare chains with data-dependent branches.
#[expect(
    clippy::indexing_slicing,
    reason = "evaluated at compile time, where an index out of range fails the build"
)]
const fn ascii_table(which: u8) -> [u8; 256] {
    let mut table = [0u8; 256];
    let mut b = 0u8;
    while b < 0x80 {
        table[b as usize] = match which {
            TABLE_FOLD => fold_ascii_byte(b),
            TABLE_SEPARATOR => ascii_separator(b),
            _ => ascii_class(b),
        };
        b += 1;
    }
    table
}

/// [`fold_ascii_byte`] by byte.
static ASCII_FOLD: [u8; 256] = ascii_table(TABLE_FOLD);
/// [`ascii_separator`] by byte.
static ASCII_SEPARATOR: [u8; 256] = ascii_table(TABLE_SEPARATOR);
/// [`ascii_class`] by byte.
static ASCII_CLASS: [u8; 256] = ascii_table(TABLE_CLASS);

/// A byte's entry in one of the ASCII tables.
fn lookup(table: &[u8; 256], b: u8) -> u8 {
    table.get(usize::from(b)).copied().unwrap_or(0)
}

/// The separator class of an ASCII byte, 0 for a byte that is kept.
const fn ascii_separator(b: u8) -> u8 {
    match b {
        b'-' => SEP_HYPHEN,
        b'\'' | b'`' => SEP_APOS,
        0..=0x20 | 0x7F | b'_' | b'.' => SEP_SPACE,
        _ => 0,
    }
}

/// Builds a [`Folded`] text.
struct FoldBuilder {
    /// The folded bytes so far.
    out: Vec<u8>,
    /// The checkpoints so far.
    checkpoints: Vec<Checkpoint>,
    /// Skeleton offset from which the next checkpoint is due.
    next_checkpoint: usize,
}

impl FoldBuilder {
    /// A builder for a skeleton of `len` bytes.
    fn new(len: usize) -> Self {
        FoldBuilder {
            out: Vec::with_capacity(len),
            checkpoints: Vec::with_capacity(len / CHECKPOINT_STRIDE + 1),
            next_checkpoint: 0,
        }
    }

    /// Records a checkpoint at skeleton offset `at` (a character boundary whose character
    /// is about to be folded) if one is due.
    fn checkpoint(&mut self, at: usize) {
        if at >= self.next_checkpoint {
            self.checkpoints.push(Checkpoint {
                folded: self.out.len(),
                skeleton: at,
            });
            self.next_checkpoint = at.saturating_add(CHECKPOINT_STRIDE);
        }
    }

    /// Folds the ASCII bytes `run`, which start at skeleton offset `src`.
    fn ascii(&mut self, run: &[u8], src: usize) {
        let mut pos = 0usize;
        while pos < run.len() {
            let at = src.saturating_add(pos);
            self.checkpoint(at);
            let end = self
                .next_checkpoint
                .saturating_sub(src)
                .clamp(pos.saturating_add(1), run.len());
            compact_ascii(&mut self.out, run.get(pos..end).unwrap_or_default());
            pos = end;
        }
    }

    /// The folded text.
    fn finish(self) -> Folded {
        Folded {
            bytes: self.out,
            checkpoints: self.checkpoints,
        }
    }
}

/// Appends the fold of the ASCII bytes `run` to `out`, dropping separators: every byte is
/// written, and the write position advances only past kept ones, so the loop has no
/// data-dependent branch (prose has a separator every few bytes).
fn compact_ascii(out: &mut Vec<u8>, run: &[u8]) {
    let base = out.len();
    out.resize(base.saturating_add(run.len()), 0);
    let mut written = 0usize;
    if let Some(dst) = out.get_mut(base..) {
        for &b in run {
            let f = lookup(&ASCII_FOLD, b);
            if let Some(slot) = dst.get_mut(written) {
                *slot = f;
            }
            written += usize::from(f != 0);
        }
    }
    out.truncate(base.saturating_add(written));
}

/// Folds `source` (a skeleton text) for matching; see the module documentation.
fn fold_text(source: &str) -> Folded {
    let bytes = source.as_bytes();
    let mut builder = FoldBuilder::new(bytes.len());
    if source.is_ascii() {
        builder.ascii(bytes, 0);
        return builder.finish();
    }
    let mut scratch = String::new();
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii() {
            let rest = bytes.get(i..).unwrap_or_default();
            let n = rest
                .iter()
                .position(|b| !b.is_ascii())
                .unwrap_or(rest.len());
            builder.ascii(rest.get(..n).unwrap_or_default(), i);
            i = i.saturating_add(n);
            continue;
        }
        let Some(c) = source.get(i..).and_then(|s| s.chars().next()) else {
            break;
        };
        builder.checkpoint(i);
        let start = i;
        i = i.saturating_add(c.len_utf8());
        match fold_class(c) {
            FOLD_SLOW => {
                scratch.clear();
                fold_char(c, &mut scratch);
                builder.out.extend_from_slice(scratch.as_bytes());
            }
            class if class == u32::from(c) => {
                // Unchanged (CJK, unaccented lowercase letters of other scripts …).
                builder
                    .out
                    .extend_from_slice(bytes.get(start..i).unwrap_or_default());
            }
            class => {
                // Separators and marks have no character: nothing is written.
                if let Some(f) = fold_class_char(class) {
                    let mut buf = [0u8; 4];
                    builder
                        .out
                        .extend_from_slice(f.encode_utf8(&mut buf).as_bytes());
                }
            }
        }
    }
    builder.finish()
}

/// [`fold_class`]: the character folds to nothing and is not a separator (a combining
/// mark).
const FOLD_EMPTY: u32 = 0x11_0000;
/// [`fold_class`]: the character folds to several characters, or is outside the BMP: call
/// [`fold_char`].
const FOLD_SLOW: u32 = 0x11_0001;
/// [`fold_class`]: the character is a separator; this plus its `SEP_*` class.
const FOLD_SEPARATOR: u32 = 0x11_0010;
// Any other value is the single character the character folds to.

/// The single character of a [`fold_class`] value, `None` for the special values.
fn fold_class_char(class: u32) -> Option<char> {
    char::from_u32(class)
}

/// The separator class of a [`fold_class`] value, 0 when it is not a separator.
fn fold_class_separator(class: u32) -> u8 {
    class
        .checked_sub(FOLD_SEPARATOR)
        .and_then(|c| u8::try_from(c).ok())
        .filter(|&c| c != 0 && c <= SEP_SPACE | SEP_HYPHEN | SEP_APOS)
        .unwrap_or(0)
}

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

/// The separator class of the non-ASCII character `c`, 0 when it is not a separator.
fn unicode_separator(c: char) -> u8 {
    match c {
        // Typographic apostrophes, modifier apostrophe, prime, middle dot: joiners inside
        // names (`O’Brien`, `Gal·la`).
        '\u{2018}' | '\u{2019}' | '\u{02BC}' | '\u{2032}' | '\u{00B7}' => SEP_APOS,
        // Dashes (the skeleton already folds them to `-`; listed for terms folded alone).
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => SEP_HYPHEN,
        // Katakana middle dots separate the words of a foreign name (`ジョン・スミス`).
        '\u{30FB}' | '\u{FF65}' => SEP_SPACE,
        _ if c.is_whitespace() || c.is_control() => SEP_SPACE,
        _ => 0,
    }
}

/// The uncached [`fold_class`] of `c`.
fn compute_fold_class(c: char) -> u32 {
    let separator = unicode_separator(c);
    if separator != 0 {
        return FOLD_SEPARATOR | u32::from(separator);
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

/// Appends the folded form of the non-ASCII, non-separator character `c` to `out`.
fn fold_char(c: char, out: &mut String) {
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

/// How one skeleton character folds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CharFold {
    /// A separator of this `SEP_*` class: dropped.
    Separator(u8),
    /// A combining mark (or other character folding to nothing): dropped, and part of the
    /// character before it.
    Mark,
    /// Kept: the fold (this many bytes) is in the scratch string.
    Kept(usize),
}

/// Folds one skeleton character exactly as [`fold_text`] does, leaving a kept
/// character's fold in `scratch`.
fn fold_one(c: char, scratch: &mut String) -> CharFold {
    scratch.clear();
    if let Ok(b) = u8::try_from(c)
        && b.is_ascii()
    {
        let f = fold_ascii_byte(b);
        if f == 0 {
            return CharFold::Separator(ascii_separator(b));
        }
        scratch.push(char::from(f));
        return CharFold::Kept(1);
    }
    match fold_class(c) {
        FOLD_EMPTY => return CharFold::Mark,
        FOLD_SLOW => fold_char(c, scratch),
        class => {
            let separator = fold_class_separator(class);
            if separator != 0 {
                return CharFold::Separator(separator);
            }
            if let Some(f) = fold_class_char(class) {
                scratch.push(f);
            }
        }
    }
    if scratch.is_empty() {
        CharFold::Mark
    } else {
        CharFold::Kept(scratch.len())
    }
}

/// Character class flag: a letter or digit that joins a word ([`is_word_char`]).
const C_WORD: u8 = 1;
/// Character class flag: a digit (with [`C_WORD`]).
const C_DIGIT: u8 = 2;
/// Character class flag: a lowercase letter.
const C_LOWER: u8 = 4;
/// Character class flag: an uppercase letter.
const C_UPPER: u8 = 8;
/// Character class flag: the letter `s` or `S` (a possible genitive ending).
const C_S: u8 = 16;

/// The `C_*` flags of an ASCII byte.
const fn ascii_class(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => C_WORD | C_DIGIT,
        b's' => C_WORD | C_LOWER | C_S,
        b'S' => C_WORD | C_UPPER | C_S,
        b'a'..=b'z' => C_WORD | C_LOWER,
        b'A'..=b'Z' => C_WORD | C_UPPER,
        _ => 0,
    }
}

/// The `C_*` flags of a skeleton character.
fn char_class(c: char) -> u8 {
    if let Ok(b) = u8::try_from(c)
        && b.is_ascii()
    {
        return ascii_class(b);
    }
    let mut class = 0;
    if is_word_char(c) {
        class |= C_WORD;
        if c.is_numeric() {
            class |= C_DIGIT;
        }
    }
    if c.is_lowercase() {
        class |= C_LOWER;
    } else if c.is_uppercase() {
        class |= C_UPPER;
    }
    if c == 's' || c == 'S' {
        class |= C_S;
    }
    class
}

/// True for a word character that is a letter (not a digit).
const fn is_letter_class(class: u8) -> bool {
    class & (C_WORD | C_DIGIT) == C_WORD
}

/// One kept skeleton character, decoded around a match.
#[derive(Debug, Clone, Copy)]
struct Unit {
    /// Folded offset where its fold starts.
    folded: usize,
    /// Start of its skeleton range.
    skeleton: usize,
    /// End of its skeleton range (with the combining marks that follow it).
    skeleton_end: usize,
    /// Length of its fold (at most a few characters).
    folded_len: u8,
    /// Its `C_*` flags.
    class: u8,
    /// The `SEP_*` classes of the separators between it and the kept character before it
    /// (0: none).
    gap: u8,
}

impl Unit {
    /// Folded offset where its fold ends.
    fn folded_end(&self) -> usize {
        self.folded.saturating_add(usize::from(self.folded_len))
    }
}

/// Decodes the skeleton into [`Unit`]s around automaton matches, which arrive by
/// increasing end, keeping a window of recent units. It jumps to a checkpoint when a match
/// lies far ahead and decodes forward otherwise, so each skeleton byte is decoded at most
/// about once per scan.
struct Decoder<'a> {
    /// The skeleton text.
    text: &'a str,
    /// The folded text's checkpoints.
    checkpoints: &'a [Checkpoint],
    /// The decoded units, by increasing offset; the window is `units[head..]`.
    units: Vec<Unit>,
    /// Index of the window's first unit (the ones before are spent and dropped in bulk).
    head: usize,
    /// `C_*` flags of the kept character before the window's first unit (0 at the text
    /// start).
    before_front: u8,
    /// Skeleton offset of the next character to decode.
    pos: usize,
    /// Folded offset of the next unit.
    folded: usize,
    /// Separator classes seen since the last unit.
    gap: u8,
    /// Scratch space for [`fold_one`].
    scratch: String,
}

/// Characters [`Decoder::reset`] looks back for the context of a checkpoint. A longer run
/// of separators and marks is taken as a separator, a longer run of marks as part of a
/// word.
const MAX_CONTEXT_CHARS: usize = 64;

/// Spent units [`Decoder::window`] lets pile up before removing them in one move.
const SPENT_UNITS: usize = 1024;

impl<'a> Decoder<'a> {
    /// A decoder over `text` with the `checkpoints` of its fold.
    fn new(text: &'a str, checkpoints: &'a [Checkpoint]) -> Self {
        Decoder {
            text,
            checkpoints,
            units: Vec::new(),
            head: 0,
            before_front: 0,
            pos: 0,
            folded: 0,
            gap: 0,
            scratch: String::new(),
        }
    }

    /// The window.
    fn window_units(&self) -> &[Unit] {
        self.units.get(self.head..).unwrap_or_default()
    }

    /// Restarts decoding at the last checkpoint at or before folded offset `target`.
    fn reset(&mut self, target: usize) {
        let idx = self
            .checkpoints
            .partition_point(|c| c.folded <= target)
            .saturating_sub(1);
        let start = self.checkpoints.get(idx).copied().unwrap_or(Checkpoint {
            folded: 0,
            skeleton: 0,
        });
        self.units.clear();
        self.head = 0;
        self.pos = start.skeleton;
        self.folded = start.folded;
        self.gap = 0;
        self.before_front = 0;
        // The context: separators and the kept character before the checkpoint.
        let mut before = self.text.get(..start.skeleton).unwrap_or_default().chars();
        for _ in 0..MAX_CONTEXT_CHARS {
            let Some(c) = before.next_back() else {
                return;
            };
            match fold_one(c, &mut self.scratch) {
                CharFold::Separator(class) => self.gap |= class,
                CharFold::Mark => {}
                CharFold::Kept(_) => {
                    self.before_front = char_class(c);
                    return;
                }
            }
        }
        if self.gap == 0 {
            // A long run of marks: they sit on a letter.
            self.before_front = C_WORD;
        }
    }

    /// Decodes the next unit; false at the end of the text.
    fn decode_one(&mut self) -> bool {
        let bytes = self.text.as_bytes();
        while let Some(&b) = bytes.get(self.pos) {
            let start = self.pos;
            if b.is_ascii() {
                // ASCII fast path: no scratch string, no Unicode tables.
                self.pos = start.saturating_add(1);
                let separator = lookup(&ASCII_SEPARATOR, b);
                if separator != 0 {
                    self.gap |= separator;
                    continue;
                }
                self.push_unit(1, start, lookup(&ASCII_CLASS, b));
                return true;
            }
            let Some(c) = self.text.get(start..).and_then(|s| s.chars().next()) else {
                return false;
            };
            self.pos = start.saturating_add(c.len_utf8());
            match fold_one(c, &mut self.scratch) {
                CharFold::Separator(class) => self.gap |= class,
                CharFold::Mark => {
                    if self.gap == 0
                        && self.units.len() > self.head
                        && let Some(last) = self.units.last_mut()
                        && last.skeleton_end == start
                    {
                        last.skeleton_end = self.pos;
                    }
                }
                CharFold::Kept(len) => {
                    self.push_unit(len, start, char_class(c));
                    return true;
                }
            }
        }
        false
    }

    /// Decodes until the folded offset reaches `end` (or the text ends). ASCII is
    /// decoded in a tight loop: in text dense with matches it is decoded throughout.
    fn decode_until(&mut self, end: usize) {
        let bytes = self.text.as_bytes();
        while self.folded < end {
            let mut pos = self.pos;
            let mut folded = self.folded;
            let mut gap = self.gap;
            while folded < end {
                let Some(&b) = bytes.get(pos).filter(|b| b.is_ascii()) else {
                    break;
                };
                let start = pos;
                pos = pos.saturating_add(1);
                let separator = lookup(&ASCII_SEPARATOR, b);
                if separator != 0 {
                    gap |= separator;
                    continue;
                }
                self.units.push(Unit {
                    folded,
                    skeleton: start,
                    skeleton_end: pos,
                    folded_len: 1,
                    class: lookup(&ASCII_CLASS, b),
                    gap,
                });
                folded = folded.saturating_add(1);
                gap = 0;
            }
            self.pos = pos;
            self.folded = folded;
            self.gap = gap;
            if folded >= end || !self.decode_one() {
                break;
            }
        }
    }

    /// Appends the unit for the kept character from `start` to the decoding position,
    /// whose fold has `len` bytes.
    fn push_unit(&mut self, len: usize, start: usize, class: u8) {
        let folded_len = u8::try_from(len).unwrap_or(u8::MAX);
        self.units.push(Unit {
            folded: self.folded,
            skeleton: start,
            skeleton_end: self.pos,
            folded_len,
            class,
            gap: self.gap,
        });
        self.folded = self.folded.saturating_add(usize::from(folded_len));
        self.gap = 0;
    }

    /// Makes the window cover the folded range `start..end` and the two units after it
    /// (as far as the text goes); returns the window index of the unit at `start`.
    fn window(&mut self, start: usize, end: usize) -> usize {
        let far = self
            .folded
            .saturating_add(MAX_TERM_BYTES)
            .saturating_add(CHECKPOINT_STRIDE);
        let behind = self.window_units().first().is_none_or(|u| start < u.folded);
        if behind || start > far {
            // Later matches start at most `MAX_TERM_BYTES` before this one ends.
            self.reset(start.min(end.saturating_sub(MAX_TERM_BYTES)));
        }
        self.decode_until(end);
        let mut after = self
            .window_units()
            .iter()
            .rev()
            .take_while(|u| u.folded >= end)
            .count();
        while after < 2 && self.decode_one() {
            after = after.saturating_add(1);
        }
        // Units that end long before this match can serve no later one.
        let keep_from = end.saturating_sub(MAX_TERM_BYTES.saturating_add(8));
        let spent = self
            .window_units()
            .iter()
            .take(self.window_units().len().saturating_sub(3))
            .take_while(|u| u.folded_end() < keep_from)
            .count();
        if let Some(last_spent) = spent
            .checked_sub(1)
            .and_then(|i| self.window_units().get(i))
        {
            self.before_front = last_spent.class;
            self.head = self.head.saturating_add(spent);
        }
        if self.head > SPENT_UNITS && self.head > self.units.len() / 2 {
            self.units.drain(..self.head);
            self.head = 0;
        }
        self.index_of(start)
    }

    /// The window index of the first unit at or after folded offset `at`, for an offset
    /// near the window's end. Every unit folds to at least one byte, so the unit at `at`
    /// is at most `back.folded - at` units before the last: start there and step forward
    /// (no step at all in ASCII text).
    fn index_of(&self, at: usize) -> usize {
        let units = self.window_units();
        let Some(back) = units.last() else {
            return 0;
        };
        let last = units.len().saturating_sub(1);
        let mut idx = last.saturating_sub(back.folded.saturating_sub(at));
        while units.get(idx).is_some_and(|u| u.folded < at) {
            idx = idx.saturating_add(1);
        }
        idx
    }

    /// Checks the automaton match `start..end` (folded offsets) of a pattern with `info`;
    /// returns its skeleton range when it counts (see the module documentation).
    fn verify(&mut self, start: usize, end: usize, info: &PatternInfo) -> Option<(usize, usize)> {
        let first_idx = self.window(start, end);
        let last_idx = self.index_of(end).checked_sub(1)?;
        let units = self.window_units();
        let first = units.get(first_idx).filter(|u| u.folded == start)?;
        // The last unit of the match must end where the match does (not inside the fold
        // of a character such as `ß` → `ss`).
        let last = units.get(last_idx).filter(|u| u.folded_end() == end)?;
        if info.edges & CHECK_BEFORE != 0 && first.gap == 0 {
            let before = match first_idx.checked_sub(1) {
                Some(i) => units.get(i).map_or(0, |u| u.class),
                None => self.before_front,
            };
            if before & C_WORD != 0 {
                return None;
            }
        }
        let ends_word = |u: Option<&Unit>| u.is_none_or(|u| u.gap != 0 || u.class & C_WORD == 0);
        let next = units.get(last_idx.saturating_add(1));
        let after_next = units.get(last_idx.saturating_add(2));
        let plain_end = info.edges & CHECK_AFTER == 0 || ends_word(next);
        let genitive_end =
            !plain_end && next.is_some_and(|u| u.class & C_S != 0) && ends_word(after_next);
        if !plain_end && !genitive_end {
            return None;
        }
        let matched = units.get(first_idx..=last_idx)?;
        let fits = info
            .shapes
            .iter()
            .any(|shape| (plain_end || shape.genitive) && fits_shape(matched, start, shape));
        fits.then_some((first.skeleton, last.skeleton_end))
    }
}

/// True when the separators of the text `units` of a match starting at folded offset
/// `start` fit the breaks of `shape` (see the module documentation).
fn fits_shape(units: &[Unit], start: usize, shape: &Shape) -> bool {
    let mut breaks = shape.breaks.iter().peekable();
    // Index of the first unit of the current text fragment (after the last text gap).
    let mut fragment_start = 0usize;
    let mut prev_class = units.first().map_or(0, |u| u.class);
    for (k, unit) in units.iter().enumerate().skip(1) {
        let rel = unit.folded.saturating_sub(start);
        // Breaks inside the previous unit's fold have no separator and no case change.
        while let Some(b) = breaks.next_if(|b| usize::from(b.pos) < rel) {
            if !b.joinable {
                return false;
            }
        }
        let term_break = breaks.next_if(|b| usize::from(b.pos) == rel);
        if unit.gap != 0 {
            let digits = prev_class & unit.class & C_DIGIT != 0;
            if term_break.is_none() && !digits {
                if unit.gap & SEP_HYPHEN == 0 {
                    return false;
                }
                let left = k.saturating_sub(fragment_start);
                let right = units
                    .iter()
                    .skip(k.saturating_add(1))
                    .take_while(|u| u.gap == 0)
                    .count()
                    .saturating_add(1);
                if left < MIN_HYPHEN_FRAGMENT || right < MIN_HYPHEN_FRAGMENT {
                    return false;
                }
            }
            fragment_start = k;
        } else if let Some(b) = term_break {
            let camel = prev_class & C_LOWER != 0 && unit.class & C_UPPER != 0;
            if !b.joinable && !camel {
                return false;
            }
        }
        prev_class = unit.class;
    }
    // Breaks inside the last unit's fold.
    breaks.all(|b| b.joinable)
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
) -> Result<Vec<FoldedTerm>, TermsError> {
    let skeleton = Skeleton::new(term).into_text();
    let skeleton = Zeroizing::new(skeleton.into_owned());
    let primary = fold_pattern(&skeleton);
    let text = std::str::from_utf8(&primary.bytes).unwrap_or_default();
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
    if primary.bytes.len() > MAX_TERM_BYTES {
        return Err(TermsError::TooLong {
            category,
            index,
            bytes: primary.bytes.len(),
            max: MAX_TERM_BYTES,
        });
    }
    let mut all = vec![primary];
    for variant in umlaut_variants(&skeleton) {
        let folded = fold_pattern(&variant);
        // A transliteration is longer; it may exceed the limit the primary met.
        if folded.bytes.len() <= MAX_TERM_BYTES {
            all.push(folded);
        }
    }
    Ok(all)
}

/// Break kind between two kept characters of a term: none (inside a word).
const BREAK_NONE: u8 = 0;
/// Break kind: weak, the text may always leave the separator out.
const BREAK_WEAK: u8 = 1;
/// Break kind: strong, a separator between two letters.
const BREAK_STRONG: u8 = 2;

/// The break kind between the kept term characters of classes `prev` and `next` with
/// the separator classes `gap` between them.
const fn break_kind(prev: u8, next: u8, gap: u8) -> u8 {
    if is_letter_class(prev) && is_letter_class(next) {
        if gap & (SEP_SPACE | SEP_HYPHEN) != 0 {
            BREAK_STRONG
        } else if gap != 0 || (prev & C_LOWER != 0 && next & C_UPPER != 0) {
            // Only apostrophes or middle dots (`O'Brien` = `OBrien`), or a change to a
            // capital (`McDonald` = `Mc Donald`).
            BREAK_WEAK
        } else {
            BREAK_NONE
        }
    } else if prev & next & C_DIGIT != 0 {
        // Digit groups are written with or without separators.
        if gap != 0 { BREAK_WEAK } else { BREAK_NONE }
    } else {
        // Letter and digit, or a non-word character on either side.
        BREAK_WEAK
    }
}

/// A skeleton text folded as a pattern, with its break structure.
fn fold_pattern(skeleton: &str) -> FoldedTerm {
    let mut bytes = Zeroizing::new(Vec::with_capacity(skeleton.len()));
    let mut scratch = Zeroizing::new(String::new());
    // Per kept character: folded offset, class, break kind before it.
    let mut kept: Vec<(usize, u8, u8)> = Vec::new();
    let mut gap = 0u8;
    for c in skeleton.chars() {
        match fold_one(c, &mut scratch) {
            CharFold::Separator(class) => gap |= class,
            CharFold::Mark => {}
            CharFold::Kept(_) => {
                let class = char_class(c);
                let kind = kept
                    .last()
                    .map_or(BREAK_NONE, |&(_, prev, _)| break_kind(prev, class, gap));
                kept.push((bytes.len(), class, kind));
                bytes.extend_from_slice(scratch.as_bytes());
                gap = 0;
            }
        }
    }
    // Word starts (character indexes), to measure the words on each side of a break.
    let starts: Vec<usize> = kept
        .iter()
        .enumerate()
        .filter(|&(i, &(_, _, kind))| i == 0 || kind != BREAK_NONE)
        .map(|(i, _)| i)
        .collect();
    let mut breaks = Vec::new();
    for (w, pair) in starts.windows(2).enumerate() {
        let [left_start, at] = *pair else { continue };
        let right_end = starts
            .get(w.saturating_add(2))
            .copied()
            .unwrap_or(kept.len());
        let Some(&(pos, _, kind)) = kept.get(at) else {
            continue;
        };
        let left = at.saturating_sub(left_start);
        let right = right_end.saturating_sub(at);
        breaks.push(Break {
            pos: u16::try_from(pos).unwrap_or(u16::MAX),
            joinable: kind == BREAK_WEAK || (left >= MIN_JOINED_WORD && right >= MIN_JOINED_WORD),
        });
    }
    let last_word_start = starts.last().copied().unwrap_or(0);
    let genitive = kept.len().saturating_sub(last_word_start) >= MIN_GENITIVE_WORD
        && kept
            .last()
            .is_some_and(|&(_, class, _)| is_letter_class(class));
    FoldedTerm {
        bytes,
        shape: Shape {
            breaks: breaks.into_boxed_slice(),
            genitive,
        },
    }
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
        String::from_utf8(fold_pattern(Skeleton::new(s).text()).bytes.to_vec()).unwrap()
    }

    /// The break positions and joinability of a term.
    fn breaks(s: &str) -> Vec<(u16, bool)> {
        fold_pattern(Skeleton::new(s).text())
            .shape
            .breaks
            .iter()
            .map(|b| (b.pos, b.joinable))
            .collect()
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
        assert_eq!(folded("  Jean--Luc _ Picard. "), "jeanlucpicard");
        assert_eq!(folded("J. R. R. Tolkien"), "jrrtolkien");
        assert_eq!(folded("O’Brien"), "obrien");
        assert_eq!(folded("O`Brien"), "obrien");
        assert_eq!(folded("Gal·la"), "galla");
        assert_eq!(folded("Łódź"), "lodz");
        assert_eq!(folded("Ærø"), "aero");
        assert_eq!(folded("İstanbul"), "istanbul");
        assert_eq!(folded("ΟΔΥΣΣΕΥΣ"), folded("οδυσσευς"));
        assert_eq!(folded("東京"), "東京");
        // (Dakuten are combining marks, dropped like accents.)
        assert_eq!(folded("ジョン・スミス"), folded("ジョンスミス"));
        assert_eq!(folded("KWH-ZM 417"), "kwhzm417");
    }

    #[test]
    fn break_structure() {
        // Strong breaks between words of letters are joinable when both have 3+ letters.
        assert_eq!(breaks("Oskar Lindqvist"), [(5, true)]);
        assert_eq!(breaks("Jo Ann"), [(2, false)]);
        assert_eq!(breaks("Jean-Luc"), [(4, true)]);
        assert_eq!(breaks("J. R. Smith"), [(1, false), (2, false)]);
        // Letter/digit changes, apostrophes, capitals and digit groups are weak breaks.
        assert_eq!(breaks("KWH-ZM 417"), [(3, false), (5, true)]);
        assert_eq!(breaks("Hagebuttenweg 17"), [(13, true)]);
        assert_eq!(breaks("Hagebuttenweg17"), [(13, true)]);
        assert_eq!(breaks("O'Brien"), [(1, true)]);
        assert_eq!(breaks("McDonald"), [(2, true)]);
        assert_eq!(breaks("0151 2345678"), [(4, true)]);
        assert_eq!(breaks("AT&T"), [(2, true), (3, true)]);
        // No break inside a word or a digit run.
        assert_eq!(breaks("Lindqvist"), []);
        assert_eq!(breaks("2345678"), []);
        assert_eq!(breaks("Müller"), []);
        // Byte offsets, after multi-byte folds.
        assert_eq!(breaks("Straße Nord"), [(7, true)]);
        assert_eq!(
            breaks("東京 タワー"),
            [(3, true), (6, true), (9, true), (12, true)]
        );
        // The genitive needs a last word of 3+ letters.
        let genitive = |s: &str| fold_pattern(Skeleton::new(s).text()).shape.genitive;
        assert!(genitive("Maëlle Lindqvist"));
        assert!(genitive("Ann"));
        assert!(!genitive("Al"));
        assert!(!genitive("Mary Jo"));
        assert!(!genitive("Hagebuttenweg 17"));
        assert!(!genitive("東京"));
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

    /// A [`Unit`] as a tuple: folded range, skeleton range, class, gap.
    type UnitTuple = (usize, usize, usize, usize, u8, u8);

    /// The fold computed character by character, as units: folded range, skeleton range
    /// (with the marks that follow), class and separator classes before it.
    fn reference_units(s: &str) -> (Vec<u8>, Vec<UnitTuple>) {
        let mut out = Vec::new();
        let mut units: Vec<UnitTuple> = Vec::new();
        let mut gap = 0u8;
        for (i, c) in s.char_indices() {
            let end = i + c.len_utf8();
            let mut f = String::new();
            let separator = if c.is_ascii() {
                let b = fold_ascii_byte(c as u8);
                if b != 0 {
                    f.push(b as char);
                }
                ascii_separator(c as u8)
            } else {
                let sep = unicode_separator(c);
                if sep == 0 {
                    fold_char(c, &mut f);
                }
                sep
            };
            if separator != 0 {
                assert!(f.is_empty());
                gap |= separator;
            } else if f.is_empty() {
                // A mark: part of the unit before, unless a separator came between.
                if gap == 0
                    && let Some(last) = units.last_mut()
                    && last.3 == i
                {
                    last.3 = end;
                }
            } else {
                units.push((out.len(), out.len() + f.len(), i, end, char_class(c), gap));
                out.extend_from_slice(f.as_bytes());
                gap = 0;
            }
        }
        (out, units)
    }

    /// All units a decoder produces from where it stands.
    fn drain(d: &mut Decoder<'_>) -> Vec<UnitTuple> {
        while d.decode_one() {}
        d.window_units()
            .iter()
            .map(|u| {
                (
                    u.folded,
                    u.folded_end(),
                    u.skeleton,
                    u.skeleton_end,
                    u.class,
                    u.gap,
                )
            })
            .collect()
    }

    #[test]
    fn fold_text_and_decoder_match_reference() {
        const ALPHABET: &[&str] = &[
            "a", "Z", " ", ".", "-", "_", "\t", "\n", "`", "'", "x", "1", "ß", "é", "\u{0301}",
            "東", "\u{00A0}", "\u{2028}", "Ä", "ﬀ", "’", "ς", "Н", "😀", "s", "·", "\u{0}", "ab",
            "cd ", "\u{0345}",
        ];
        let mut state = 0x1234_5678_9ABC_DEF1u64;
        for round in 0..3000 {
            state = xorshift(state);
            // Some texts long enough for several checkpoints.
            let len = if round % 10 == 0 {
                400
            } else {
                (state % 24) as usize
            };
            let mut s = String::new();
            for _ in 0..len {
                state = xorshift(state);
                s.push_str(ALPHABET[(state % ALPHABET.len() as u64) as usize]);
            }
            let got = fold_text(&s);
            let (want, units) = reference_units(&s);
            assert_eq!(got.bytes, want, "{s:?}");
            // Checkpoints: at character boundaries, in step, about a stride apart.
            if !s.is_empty() {
                assert_eq!(
                    got.checkpoints.first(),
                    Some(&Checkpoint {
                        folded: 0,
                        skeleton: 0
                    })
                );
            }
            for w in got.checkpoints.windows(2) {
                assert!(w[1].skeleton >= w[0].skeleton + CHECKPOINT_STRIDE, "{s:?}");
                assert!(
                    w[1].skeleton < w[0].skeleton + CHECKPOINT_STRIDE + 4,
                    "{s:?}"
                );
            }
            for ck in &got.checkpoints {
                assert!(s.is_char_boundary(ck.skeleton));
                let next = units.iter().find(|u| u.2 >= ck.skeleton);
                assert_eq!(next.map_or(want.len(), |u| u.0), ck.folded, "{s:?}");
            }
            // Decoding from the start gives the reference units.
            let mut d = Decoder::new(&s, &got.checkpoints);
            d.reset(0);
            assert_eq!(drain(&mut d), units, "{s:?}");
            // Decoding from any checkpoint gives the same units from there, with context.
            for ck in &got.checkpoints {
                let mut d = Decoder::new(&s, &got.checkpoints);
                d.reset(ck.folded);
                let from: Vec<_> = units.iter().filter(|u| u.2 >= d.pos).copied().collect();
                let before = units.iter().rev().find(|u| u.2 < d.pos).map_or(0, |u| u.4);
                assert_eq!(d.before_front, before, "{s:?} at {ck:?}");
                assert_eq!(drain(&mut d), from, "{s:?} at {ck:?}");
            }
        }
    }

    #[test]
    fn fold_cache_agrees_with_fold_char() {
        for cp in 0x80u32..0x1_0000 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let separator = unicode_separator(c);
            let class = fold_class(c);
            if separator != 0 {
                assert_eq!(fold_class_separator(class), separator, "U+{cp:04X}");
                continue;
            }
            assert_eq!(fold_class_separator(class), 0, "U+{cp:04X}");
            let mut direct = String::new();
            fold_char(c, &mut direct);
            let cached = match class {
                FOLD_EMPTY => String::new(),
                FOLD_SLOW => {
                    assert!(direct.chars().count() > 1, "U+{cp:04X} needlessly slow");
                    direct.clone()
                }
                f => char::from_u32(f).unwrap().to_string(),
            };
            assert_eq!(direct, cached, "U+{cp:04X}");
        }
        // Every whitespace character is a separator.
        for cp in 0u32..0x3_0000 {
            if let Some(c) = char::from_u32(cp)
                && c.is_whitespace()
            {
                let mut scratch = String::new();
                assert_eq!(fold_one(c, &mut scratch), CharFold::Separator(SEP_SPACE));
            }
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
        // A genitive `s` is accepted but not part of the span.
        assert_eq!(found(&t, "Müllers Hund"), ["Müller"]);
        assert!(found(&t, "Mullet").is_empty());
        assert!(found(&t, "Müllersche").is_empty());
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
        // Written together: both words have 3+ letters.
        assert_eq!(found(&t, "Hi JeanLuc and jeanluc"), ["JeanLuc", "jeanluc"]);
        assert!(found(&t, "Jean Lucas").is_empty());
        for v in ["J. R. Smith", "J R Smith", "J.R. Smith", "j.r.smith"] {
            assert_eq!(found(&t, &format!("by {v}.")), [v], "{v}");
        }
        // One-letter words may not run together.
        assert!(found(&t, "by JR Smith.").is_empty());
        assert!(found(&t, "by J RSmith.").is_empty());
    }

    /// The principal corpus lines that a separator-sensitive matcher missed.
    #[test]
    fn corpus_misses() {
        let file = PrincipalTermsFile {
            names: vec![
                "Zoë Müller-Lindqvist".into(),
                "Maëlle Lindqvist".into(),
                "Oskar Lindqvist".into(),
            ],
            places: vec!["Hagebuttenweg 17".into()],
            organizations: vec![],
            other: vec!["KWH-ZM 417".into()],
        };
        let t = PrincipalTerms::from_file(&file).unwrap();
        // 1. German genitive `s` glued to the term: the span stops before it.
        assert_eq!(
            found(&t, "Maëlle Lindqvists Schwimmkurs beginnt um 16 Uhr"),
            ["Maëlle Lindqvist"]
        );
        // 2. A zero-width space instead of the space: the skeleton has `OskarLindqvist`.
        assert_eq!(
            found(&t, "a party for Oskar\u{200B}Lindqvist, he's seven"),
            ["Oskar\u{200B}Lindqvist"]
        );
        // 3. The space before the house number left out.
        assert_eq!(
            found(&t, "Is 'Hagebutten-Weg 17' or 'Hagebuttenweg17' correct?"),
            ["Hagebutten-Weg 17", "Hagebuttenweg17"]
        );
        // 4. Lower case, the space before the digits left out.
        assert_eq!(
            found(&t, "Is kwh-zm417 a valid plate? And KWH ZM 417?"),
            ["kwh-zm417", "KWH ZM 417"]
        );
    }

    #[test]
    fn genitive_s() {
        let t = terms(&[
            (TermCategory::Name, "Maëlle Lindqvist"),
            (TermCategory::Name, "Ann"),
            (TermCategory::Name, "Al"),
            (TermCategory::Place, "Hagebuttenweg 17"),
        ]);
        for (text, want) in [
            ("Lindqvist alone is no term", &[][..]),
            ("MAËLLE LINDQVISTS Kurs", &["MAËLLE LINDQVIST"][..]),
            ("Maëlle Lindqvist's class", &["Maëlle Lindqvist"][..]),
            ("Maëlle Lindqvist’s class", &["Maëlle Lindqvist"][..]),
            ("the Maëlle Lindqvists' house", &["Maëlle Lindqvist"][..]),
            ("Maëlle Lindqvists.", &["Maëlle Lindqvist"][..]),
            ("Anns Buch", &["Ann"][..]),
            ("Ann's book", &["Ann"][..]),
        ] {
            assert_eq!(found(&t, text), want, "{text}");
        }
        // Only one `s`, ending the word.
        assert!(found(&t, "Maëlle Lindqvistsson").is_empty());
        assert!(found(&t, "Maëlle Lindqvistss").is_empty());
        assert!(found(&t, "Maëlle Lindqvistes").is_empty());
        assert!(found(&t, "Annsa").is_empty());
        // Not after a two-letter word (`als`) or digits.
        assert!(found(&t, "als ich kam, Als er ging").is_empty());
        assert!(found(&t, "Hagebuttenweg 17s").is_empty());
    }

    #[test]
    fn missing_separators() {
        let t = terms(&[
            (TermCategory::Name, "Oskar Lindqvist"),
            (TermCategory::Name, "Jo Ann"),
            (TermCategory::Name, "O'Brien"),
            (TermCategory::Name, "Li Na"),
            (TermCategory::Other, "KWH-ZM 417"),
            (TermCategory::Other, "0151 2345678"),
        ]);
        for (text, want) in [
            ("OskarLindqvist", "OskarLindqvist"),
            ("oskarlindqvist@example.org", "oskarlindqvist"),
            ("oskar.lindqvist@example.org", "oskar.lindqvist"),
            ("OSKAR_LINDQVIST", "OSKAR_LINDQVIST"),
            ("JoAnn", "JoAnn"),
            ("Jo-Ann", "Jo-Ann"),
            ("OBrien", "OBrien"),
            ("Obrien", "Obrien"),
            ("O Brien", "O Brien"),
            ("O’Brien", "O’Brien"),
            ("LiNa", "LiNa"),
            ("Li-Na", "Li-Na"),
            ("KWH ZM417", "KWH ZM417"),
            ("KWH-ZM-417", "KWH-ZM-417"),
            ("01512345678", "01512345678"),
            ("0151 234 5678", "0151 234 5678"),
            ("0151-234-56-78", "0151-234-56-78"),
        ] {
            assert_eq!(found(&t, &format!("[{text}]")), [want], "{text}");
        }
        // Short words run together, without a case change, are other words.
        for text in ["Joann", "JOANN", "Lina", "LINA", "KWHZM417", "kwhzm 417"] {
            assert!(found(&t, &format!("[{text}]")).is_empty(), "{text}");
        }
    }

    #[test]
    fn added_separators() {
        let t = terms(&[
            (TermCategory::Name, "Lindqvist"),
            (TermCategory::Name, "Isa"),
            (TermCategory::Name, "Erin"),
            (TermCategory::Name, "Ive"),
            (TermCategory::Organization, "Shell"),
            (TermCategory::Place, "Kleinwaldheim"),
        ]);
        // A hyphen inside a word (compound written apart, hyphenation at a line end).
        for text in [
            "Lind-qvist",
            "Lind-\nqvist",
            "Klein-Waldheim",
            "Klein \u{2013} Waldheim",
        ] {
            assert_eq!(found(&t, &format!("[{text}]")), [text], "{text}");
        }
        // Spaces, periods and apostrophes inside a word are how words combine.
        for text in [
            "Lind qvist",
            "Lind.qvist",
            "Klein Waldheim",
            "this is a test",
            "what-is-a-slug",
            "wenn er in Berlin ist",
            "I've seen it",
            "she'll come",
            "I'sa",
        ] {
            assert!(found(&t, text).is_empty(), "{text}");
        }
    }

    #[test]
    fn separator_free_false_positive_guards() {
        let t = terms(&[(TermCategory::Name, "Ann"), (TermCategory::Name, "Al")]);
        for text in [
            "Annual",
            "Joanna",
            "plan now",
            "A. N. Nelson",
            "a n n",
            "an n.",
            "a nn",
            "an-n",
            "a l",
            "a-l",
            "A.L.",
            "canal",
            "Anna",
            "banal nobody",
        ] {
            assert!(found(&t, text).is_empty(), "{text}: {:?}", found(&t, text));
        }
        assert_eq!(found(&t, "Ann, Al."), ["Ann", "Al"]);
        assert_eq!(found(&t, "(ANN)-(al)"), ["ANN", "al"]);
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

    /// The matching rules applied naively: every term at every unit of the whole text,
    /// without automaton, checkpoints or decoding window. Returns merged skeleton ranges.
    fn naive_find(list: &[&str], text: &str) -> Vec<(usize, usize)> {
        let (_, tuples) = reference_units(text);
        let units: Vec<Unit> = tuples
            .iter()
            .map(|&(f, fe, s, se, class, gap)| Unit {
                folded: f,
                skeleton: s,
                skeleton_end: se,
                folded_len: u8::try_from(fe - f).unwrap(),
                class,
                gap,
            })
            .collect();
        let mut scratch = String::new();
        let folds: Vec<Vec<u8>> = tuples
            .iter()
            .map(|&(_, _, s, _, _, _)| {
                let c = text[s..].chars().next().unwrap();
                assert!(matches!(fold_one(c, &mut scratch), CharFold::Kept(_)));
                scratch.as_bytes().to_vec()
            })
            .collect();
        let patterns: Vec<FoldedTerm> = list
            .iter()
            .flat_map(|t| fold_term(t, TermCategory::Other, 0).unwrap())
            .collect();
        let ends_word = |u: Option<&Unit>| u.is_none_or(|u| u.gap != 0 || u.class & C_WORD == 0);
        let mut found = Vec::new();
        for i in 0..units.len() {
            for p in &patterns {
                let edges = edge_flags(&p.bytes);
                let mut acc = Vec::new();
                let mut j = i;
                while acc.len() < p.bytes.len() && j < units.len() {
                    acc.extend_from_slice(&folds[j]);
                    j += 1;
                }
                if acc != p.bytes.as_slice() {
                    continue;
                }
                let last = j - 1;
                if edges & CHECK_BEFORE != 0
                    && units[i].gap == 0
                    && i > 0
                    && units[i - 1].class & C_WORD != 0
                {
                    continue;
                }
                let plain = edges & CHECK_AFTER == 0 || ends_word(units.get(last + 1));
                let genitive = !plain
                    && units.get(last + 1).is_some_and(|u| u.class & C_S != 0)
                    && ends_word(units.get(last + 2));
                if (plain || (genitive && p.shape.genitive))
                    && fits_shape(&units[i..=last], units[i].folded, &p.shape)
                {
                    found.push((units[i].skeleton, units[last].skeleton_end));
                }
            }
        }
        found.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (s, e) in found {
            match merged.last_mut() {
                Some(last) if s < last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        merged
    }

    #[test]
    fn find_agrees_with_naive_rules() {
        let list = [
            "Ann",
            "Ann Lee",
            "Jo Ann",
            "Jo",
            "Lindqvist",
            "O'Brien",
            "Müller",
            "KWH-ZM 417",
            "Straße",
            "aa",
            "東京",
            "Isa",
            "Erin",
        ];
        let t = PrincipalTerms::new(list.iter().map(|s| (TermCategory::Name, (*s).to_owned())))
            .unwrap();
        const PIECES: &[&str] = &[
            "Ann",
            "ann",
            "Lee",
            "Jo",
            "ANN",
            "Lind",
            "qvist",
            "O",
            "Brien",
            "Müller",
            "Mueller",
            "Mu\u{0308}ller",
            "KWH",
            "ZM",
            "417",
            "Straße",
            "STRASSE",
            "a",
            "東京",
            "Is",
            "er",
            "in",
            "s",
            "x",
            "the",
            "Ünïcödé",
            "\u{0301}",
            "\u{0345}",
            "😀",
            " ",
            " ",
            " ",
            "-",
            ".",
            "'",
            "’",
            "_",
            "\n",
            "\u{00A0}",
            ",",
            "·",
            "\u{200B}",
        ];
        let mut state = 0x0BAD_5EED_1234_5678u64;
        for round in 0..300 {
            state = xorshift(state);
            // Long texts with few pieces between long filler stretches exercise checkpoint
            // jumps; short dense ones the forward decoding.
            let (count, filler) = if round % 3 == 0 { (30, 1500) } else { (60, 0) };
            let mut s = String::new();
            for _ in 0..count {
                state = xorshift(state);
                s.push_str(PIECES[(state % PIECES.len() as u64) as usize]);
                if filler > 0 && state.is_multiple_of(4) {
                    let n = (state >> 8) as usize % filler;
                    s.push_str(&"the lazy dog ".repeat(n / 13));
                }
            }
            let sk = Skeleton::new(&s);
            let mut spans = Vec::new();
            t.find(sk.text(), &mut spans);
            let got: Vec<(usize, usize)> = spans.iter().map(|sp| (sp.start, sp.end)).collect();
            assert_eq!(got, naive_find(&list, sk.text()), "{s:?}");
        }
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
            "s",
            "S",
            "1",
            "Ann",
            "\u{00B7}",
            "`",
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
        // Long runs of separators (ASCII and not) and of marks around and inside matches:
        // no deep recursion, no quadratic decoding.
        for filler in ["\u{2019} ", " ", "\u{0301}", "-\u{00B7}", "\u{0301} "] {
            let run = filler.repeat(300_000);
            for text in [
                format!("Ann{run}x"),
                format!("x{run}Ann"),
                format!("A{run}nn"),
                format!("東{run}京"),
            ] {
                let sk = Skeleton::new(&text);
                let mut spans = Vec::new();
                t.find(sk.text(), &mut spans);
                assert!(spans.len() <= 1);
                for sp in &spans {
                    assert!(sp.end <= sk.text().len());
                    assert!(sk.text().is_char_boundary(sp.start));
                    assert!(sk.text().is_char_boundary(sp.end));
                }
            }
        }
    }
}
