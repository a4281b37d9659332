//! The text skeleton every detector runs on, with a map back to the original.
//!
//! Attackers (and ordinary copy-paste) disguise sensitive text with full-width digits,
//! zero-width characters, Cyrillic or Greek look-alike letters and odd spaces. The detectors
//! are byte scanners over mostly-ASCII patterns, so instead of teaching each of them about
//! Unicode, the engine runs them on a *skeleton* of the text:
//!
//! 1. default-ignorable and format characters (General_Category `Cf`, variation selectors,
//!    tag characters, Hangul fillers …) are removed;
//! 2. the rest is normalised to NFKC (full-width letters and digits become ASCII, ligatures
//!    are split, compatibility spaces become U+0020 …);
//! 3. letters that are visually confusable with Latin letters are folded to the Latin letter
//!    of the same case ([`HOMOGLYPHS`]), odd spaces to U+0020 and dashes to `-`.
//!
//! Steps 1 and 3 are applied to the *fully decomposed* characters, before canonical
//! reordering and composition, so that the result is itself in NFKC and the same whatever
//! form the input took: precomposed `ё` and Cyrillic `е` + U+0308 both become Latin `ë`, and
//! `e` + ZERO WIDTH SPACE + U+0301 becomes `é` (removing the invisible character before
//! composing is what a reader sees). Case is preserved; all other text (accents, CJK,
//! emoji …) stays.
//!
//! A span found in the skeleton is mapped back with [`Skeleton::to_original`].

use std::borrow::Cow;
use std::sync::OnceLock;

use unicode_normalization::char::{canonical_combining_class, compose, decompose_compatible};
use unicode_normalization::{IsNormalized, is_nfkc_quick};

/// Letters visually confusable with a Latin letter, odd spaces and dashes, each with its
/// replacement, sorted by code point for binary search.
///
/// Sources of facts: Unicode UTS #39 `confusables.txt` (version 14.0.0) for which letters are
/// confusable, and the Unicode Character Database for names and decompositions. Where
/// `confusables.txt` uses a caseless prototype (it maps capital I-like letters to `l`) we map
/// to the Latin letter of the *same case* instead (except the palochka, see below), because the skeleton preserves case for
/// the detectors. Entries marked "(added)" are not in `confusables.txt` (Latin small capitals,
/// Greek `κ` and `χ`, and a few capitals whose lowercase is listed), added because they are
/// used for spoofing in the same way. Spaces and dashes are not letters but are folded here
/// so that number and name scanners see ASCII separators; most spaces are also folded by NFKC
/// and are listed for clarity.
///
/// Every replacement is ASCII, so folding never breaks NFKC (ASCII is stable) and never
/// composes with a neighbour in an unexpected way.
///
/// The table is *case-consistent*, which case-insensitive matching of principal terms
/// relies on: when both cases of a letter are listed, the capital's replacement is the
/// uppercase of the small letter's (Greek `Ν`/`ν` and `Υ`/`υ` would map to `N`/`v` and
/// `Y`/`u`, so only the small letters, the classic spoofs, are listed; both palochkas map to
/// `l`). A test checks this for every entry.
const HOMOGLYPHS: &[(char, char)] = &[
    ('\u{00A0}', ' '), // NO-BREAK SPACE
    ('\u{0131}', 'i'), // LATIN SMALL LETTER DOTLESS I
    ('\u{01C0}', 'l'), // LATIN LETTER DENTAL CLICK
    ('\u{0237}', 'j'), // LATIN SMALL LETTER DOTLESS J (added)
    ('\u{0251}', 'a'), // LATIN SMALL LETTER ALPHA
    ('\u{0261}', 'g'), // LATIN SMALL LETTER SCRIPT G
    ('\u{0262}', 'g'), // LATIN LETTER SMALL CAPITAL G (added)
    ('\u{0269}', 'i'), // LATIN SMALL LETTER IOTA
    ('\u{026A}', 'i'), // LATIN LETTER SMALL CAPITAL I
    ('\u{0274}', 'n'), // LATIN LETTER SMALL CAPITAL N (added)
    ('\u{0280}', 'r'), // LATIN LETTER SMALL CAPITAL R (added)
    ('\u{028B}', 'u'), // LATIN SMALL LETTER V WITH HOOK
    ('\u{028F}', 'y'), // LATIN LETTER SMALL CAPITAL Y
    ('\u{0299}', 'b'), // LATIN LETTER SMALL CAPITAL B (added)
    ('\u{029C}', 'h'), // LATIN LETTER SMALL CAPITAL H (added)
    ('\u{029F}', 'l'), // LATIN LETTER SMALL CAPITAL L (added)
    ('\u{037F}', 'J'), // GREEK CAPITAL LETTER YOT
    ('\u{0391}', 'A'), // GREEK CAPITAL LETTER ALPHA
    ('\u{0392}', 'B'), // GREEK CAPITAL LETTER BETA
    ('\u{0395}', 'E'), // GREEK CAPITAL LETTER EPSILON
    ('\u{0396}', 'Z'), // GREEK CAPITAL LETTER ZETA
    ('\u{0397}', 'H'), // GREEK CAPITAL LETTER ETA
    ('\u{0399}', 'I'), // GREEK CAPITAL LETTER IOTA
    ('\u{039A}', 'K'), // GREEK CAPITAL LETTER KAPPA
    ('\u{039C}', 'M'), // GREEK CAPITAL LETTER MU
    ('\u{039F}', 'O'), // GREEK CAPITAL LETTER OMICRON
    ('\u{03A1}', 'P'), // GREEK CAPITAL LETTER RHO
    ('\u{03A4}', 'T'), // GREEK CAPITAL LETTER TAU
    ('\u{03A7}', 'X'), // GREEK CAPITAL LETTER CHI
    ('\u{03B1}', 'a'), // GREEK SMALL LETTER ALPHA
    ('\u{03B3}', 'y'), // GREEK SMALL LETTER GAMMA
    ('\u{03B9}', 'i'), // GREEK SMALL LETTER IOTA
    ('\u{03BA}', 'k'), // GREEK SMALL LETTER KAPPA (added: listed only as confusable with kra)
    ('\u{03BD}', 'v'), // GREEK SMALL LETTER NU
    ('\u{03BF}', 'o'), // GREEK SMALL LETTER OMICRON
    ('\u{03C1}', 'p'), // GREEK SMALL LETTER RHO
    ('\u{03C5}', 'u'), // GREEK SMALL LETTER UPSILON
    ('\u{03C7}', 'x'), // GREEK SMALL LETTER CHI (added)
    ('\u{03DC}', 'F'), // GREEK LETTER DIGAMMA
    ('\u{03F2}', 'c'), // GREEK LUNATE SIGMA SYMBOL (NFKC would make it a sigma)
    ('\u{03F3}', 'j'), // GREEK LETTER YOT
    ('\u{03F9}', 'C'), // GREEK CAPITAL LUNATE SIGMA SYMBOL (NFKC would make it a sigma)
    ('\u{0405}', 'S'), // CYRILLIC CAPITAL LETTER DZE
    ('\u{0406}', 'I'), // CYRILLIC CAPITAL LETTER BYELORUSSIAN-UKRAINIAN I
    ('\u{0408}', 'J'), // CYRILLIC CAPITAL LETTER JE
    ('\u{0410}', 'A'), // CYRILLIC CAPITAL LETTER A
    ('\u{0412}', 'B'), // CYRILLIC CAPITAL LETTER VE
    ('\u{0415}', 'E'), // CYRILLIC CAPITAL LETTER IE
    ('\u{041A}', 'K'), // CYRILLIC CAPITAL LETTER KA
    ('\u{041C}', 'M'), // CYRILLIC CAPITAL LETTER EM
    ('\u{041D}', 'H'), // CYRILLIC CAPITAL LETTER EN
    ('\u{041E}', 'O'), // CYRILLIC CAPITAL LETTER O
    ('\u{0420}', 'P'), // CYRILLIC CAPITAL LETTER ER
    ('\u{0421}', 'C'), // CYRILLIC CAPITAL LETTER ES
    ('\u{0422}', 'T'), // CYRILLIC CAPITAL LETTER TE
    ('\u{0423}', 'Y'), // CYRILLIC CAPITAL LETTER U
    ('\u{0425}', 'X'), // CYRILLIC CAPITAL LETTER HA
    ('\u{0430}', 'a'), // CYRILLIC SMALL LETTER A
    ('\u{0435}', 'e'), // CYRILLIC SMALL LETTER IE
    ('\u{043E}', 'o'), // CYRILLIC SMALL LETTER O
    ('\u{0440}', 'p'), // CYRILLIC SMALL LETTER ER
    ('\u{0441}', 'c'), // CYRILLIC SMALL LETTER ES
    ('\u{0443}', 'y'), // CYRILLIC SMALL LETTER U
    ('\u{0445}', 'x'), // CYRILLIC SMALL LETTER HA
    ('\u{0455}', 's'), // CYRILLIC SMALL LETTER DZE
    ('\u{0456}', 'i'), // CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I
    ('\u{0458}', 'j'), // CYRILLIC SMALL LETTER JE
    ('\u{0461}', 'w'), // CYRILLIC SMALL LETTER OMEGA
    ('\u{0474}', 'V'), // CYRILLIC CAPITAL LETTER IZHITSA
    ('\u{0475}', 'v'), // CYRILLIC SMALL LETTER IZHITSA
    ('\u{04AE}', 'Y'), // CYRILLIC CAPITAL LETTER STRAIGHT U
    ('\u{04AF}', 'y'), // CYRILLIC SMALL LETTER STRAIGHT U
    ('\u{04BA}', 'H'), // CYRILLIC CAPITAL LETTER SHHA (added)
    ('\u{04BB}', 'h'), // CYRILLIC SMALL LETTER SHHA
    ('\u{04C0}', 'l'), // CYRILLIC LETTER PALOCHKA (a bare stroke; `l` like its lowercase)
    ('\u{04CF}', 'l'), // CYRILLIC SMALL LETTER PALOCHKA
    ('\u{0501}', 'd'), // CYRILLIC SMALL LETTER KOMI DE
    ('\u{051A}', 'Q'), // CYRILLIC CAPITAL LETTER QA (added)
    ('\u{051B}', 'q'), // CYRILLIC SMALL LETTER QA
    ('\u{051C}', 'W'), // CYRILLIC CAPITAL LETTER WE
    ('\u{051D}', 'w'), // CYRILLIC SMALL LETTER WE
    ('\u{054D}', 'U'), // ARMENIAN CAPITAL LETTER SEH
    ('\u{0555}', 'O'), // ARMENIAN CAPITAL LETTER OH
    ('\u{0566}', 'q'), // ARMENIAN SMALL LETTER ZA
    ('\u{0570}', 'h'), // ARMENIAN SMALL LETTER HO
    ('\u{0578}', 'n'), // ARMENIAN SMALL LETTER VO
    ('\u{057D}', 'u'), // ARMENIAN SMALL LETTER SEH
    ('\u{0581}', 'g'), // ARMENIAN SMALL LETTER CO
    ('\u{0585}', 'o'), // ARMENIAN SMALL LETTER OH
    ('\u{1680}', ' '), // OGHAM SPACE MARK (a space separator NFKC leaves alone)
    ('\u{1D00}', 'a'), // LATIN LETTER SMALL CAPITAL A (added)
    ('\u{1D04}', 'c'), // LATIN LETTER SMALL CAPITAL C
    ('\u{1D05}', 'd'), // LATIN LETTER SMALL CAPITAL D (added)
    ('\u{1D07}', 'e'), // LATIN LETTER SMALL CAPITAL E (added)
    ('\u{1D0A}', 'j'), // LATIN LETTER SMALL CAPITAL J (added)
    ('\u{1D0B}', 'k'), // LATIN LETTER SMALL CAPITAL K (added)
    ('\u{1D0D}', 'm'), // LATIN LETTER SMALL CAPITAL M (added)
    ('\u{1D0F}', 'o'), // LATIN LETTER SMALL CAPITAL O
    ('\u{1D18}', 'p'), // LATIN LETTER SMALL CAPITAL P (added)
    ('\u{1D1B}', 't'), // LATIN LETTER SMALL CAPITAL T (added)
    ('\u{1D1C}', 'u'), // LATIN LETTER SMALL CAPITAL U
    ('\u{1D20}', 'v'), // LATIN LETTER SMALL CAPITAL V
    ('\u{1D21}', 'w'), // LATIN LETTER SMALL CAPITAL W
    ('\u{1D22}', 'z'), // LATIN LETTER SMALL CAPITAL Z
    ('\u{2000}', ' '), // EN QUAD
    ('\u{2001}', ' '), // EM QUAD
    ('\u{2002}', ' '), // EN SPACE
    ('\u{2003}', ' '), // EM SPACE
    ('\u{2004}', ' '), // THREE-PER-EM SPACE
    ('\u{2005}', ' '), // FOUR-PER-EM SPACE
    ('\u{2006}', ' '), // SIX-PER-EM SPACE
    ('\u{2007}', ' '), // FIGURE SPACE
    ('\u{2008}', ' '), // PUNCTUATION SPACE
    ('\u{2009}', ' '), // THIN SPACE
    ('\u{200A}', ' '), // HAIR SPACE
    ('\u{2010}', '-'), // HYPHEN
    ('\u{2011}', '-'), // NON-BREAKING HYPHEN
    ('\u{2012}', '-'), // FIGURE DASH
    ('\u{2013}', '-'), // EN DASH
    ('\u{2014}', '-'), // EM DASH
    ('\u{2015}', '-'), // HORIZONTAL BAR
    ('\u{202F}', ' '), // NARROW NO-BREAK SPACE
    ('\u{205F}', ' '), // MEDIUM MATHEMATICAL SPACE
    ('\u{2212}', '-'), // MINUS SIGN
    ('\u{3000}', ' '), // IDEOGRAPHIC SPACE
    ('\u{A730}', 'f'), // LATIN LETTER SMALL CAPITAL F (added)
    ('\u{A731}', 's'), // LATIN LETTER SMALL CAPITAL S
    ('\u{A7AF}', 'q'), // LATIN LETTER SMALL CAPITAL Q (added)
];

/// The replacement of `c` in the skeleton, if it is a homoglyph, odd space or dash.
pub(crate) fn fold_homoglyph(c: char) -> Option<char> {
    // Everything in the table is at or above U+00A0: keep the common case to one compare.
    if c < '\u{00A0}' {
        return None;
    }
    HOMOGLYPHS
        .binary_search_by_key(&c, |&(from, _)| from)
        .ok()
        .and_then(|i| HOMOGLYPHS.get(i))
        .map(|&(_, to)| to)
}

/// True for characters the skeleton removes: every General_Category `Cf` character and every
/// other Default_Ignorable_Code_Point (variation selectors, Hangul fillers, the combining
/// grapheme joiner …), as listed in Unicode 15's `DerivedGeneralCategory.txt` and
/// `DerivedCoreProperties.txt`. These render as nothing (or only adjust neighbours), so they
/// can hide a term or a number from a scanner without changing what a reader sees. The
/// Arabic and Kaithi number signs are visible, but they are `Cf` and carry no letters or
/// digits a detector needs.
fn is_ignorable(c: char) -> bool {
    let cp = u32::from(c);
    if cp < 0xAD {
        return false;
    }
    matches!(
        cp,
        0x00AD                  // SOFT HYPHEN
            | 0x034F            // COMBINING GRAPHEME JOINER
            | 0x0600..=0x0605   // Arabic number signs (prepended concatenation marks)
            | 0x061C            // ARABIC LETTER MARK
            | 0x06DD            // ARABIC END OF AYAH
            | 0x070F            // SYRIAC ABBREVIATION MARK
            | 0x0890..=0x0891   // Arabic currency marks above
            | 0x08E2            // ARABIC DISPUTED END OF AYAH
            | 0x115F..=0x1160   // Hangul choseong and jungseong fillers
            | 0x17B4..=0x17B5   // Khmer inherent vowels (invisible)
            | 0x180B..=0x180F   // Mongolian free variation selectors and vowel separator
            | 0x200B..=0x200F   // zero width space, ZWNJ, ZWJ, LRM, RLM
            | 0x202A..=0x202E   // bidi embeddings and overrides
            | 0x2060..=0x206F   // word joiner, invisible operators, bidi isolates, deprecated
            | 0x3164            // HANGUL FILLER
            | 0xFE00..=0xFE0F   // variation selectors 1-16
            | 0xFEFF            // ZERO WIDTH NO-BREAK SPACE (byte order mark)
            | 0xFFA0            // HALFWIDTH HANGUL FILLER
            | 0xFFF0..=0xFFFB   // reserved ignorables and interlinear annotation controls
            | 0x110BD           // KAITHI NUMBER SIGN
            | 0x110CD           // KAITHI NUMBER SIGN ABOVE
            | 0x13430..=0x1343F // Egyptian hieroglyph format controls
            | 0x1BCA0..=0x1BCA3 // shorthand format controls
            | 0x1D173..=0x1D17A // musical symbol format controls
            | 0xE0000..=0xE0FFF // tag characters and variation selectors 17-256
    )
}

/// A piece of an [`OffsetMap`]: the output bytes from `dst` up to the next piece's `dst`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    /// First output byte of the piece.
    dst: usize,
    /// First source byte of the piece.
    src: usize,
    /// End of the source range of a unit piece; unused (0) for a linear piece.
    src_end: usize,
    /// True for a *linear* piece: output byte `dst + k` comes from source byte `src + k`
    /// (a verbatim copy, or a same-length change such as ASCII lowercasing). False for a
    /// *unit* piece: the whole piece was produced by the source range `src..src_end`.
    linear: bool,
}

/// Maps byte ranges of a transformed text back to the text it was made from.
///
/// Representation (chosen for size): a sorted list of *pieces*, one per maximal run of bytes
/// that correspond one-to-one with source bytes, and one per changed character (or group of
/// output characters made from the same source range, like `fi` from `ﬁ`). Unchanged text
/// therefore costs nothing per byte: ASCII prose with a few accents or dashes has a handful
/// of pieces, and a text the transformation leaves alone has none (the identity). The worst
/// case, where every character changes (all full-width text), costs one 32-byte piece per
/// output character. A look-up is a binary search. Offsets are `usize`, so no input length
/// can overflow them.
///
/// Builders keep source ranges monotone (starts and ends never decrease along the output),
/// so the union of the pieces between two output offsets runs from the first one's start to
/// the last one's end.
#[derive(Debug, Clone, Default)]
pub(crate) struct OffsetMap {
    /// The pieces, sorted by `dst`; the first starts at output byte 0. Empty for the identity.
    pieces: Vec<Piece>,
}

impl OffsetMap {
    /// An identity map, to be extended with [`linear`](Self::linear) and
    /// [`unit`](Self::unit) from output byte 0 on.
    pub(crate) fn new() -> Self {
        OffsetMap::default()
    }

    /// Records that output byte `dst` onwards corresponds one-to-one with source byte `src`
    /// onwards (until the next recorded piece). Free when that continues the last piece.
    pub(crate) fn linear(&mut self, dst: usize, src: usize) {
        let continues = self
            .pieces
            .last()
            .is_some_and(|p| p.linear && dst.checked_sub(p.dst) == src.checked_sub(p.src));
        if !continues {
            self.pieces.push(Piece {
                dst,
                src,
                src_end: 0,
                linear: true,
            });
        }
    }

    /// Records that the output from byte `dst` (until the next recorded piece) was produced
    /// by the source range `src..src_end` as a whole. Free when the last piece is a unit for
    /// the same range (a character that became several).
    pub(crate) fn unit(&mut self, dst: usize, src: usize, src_end: usize) {
        let same = self
            .pieces
            .last()
            .is_some_and(|p| !p.linear && p.src == src && p.src_end == src_end);
        if !same {
            self.pieces.push(Piece {
                dst,
                src,
                src_end,
                linear: false,
            });
        }
    }

    /// Maps the output range `start..end` (byte offsets into `output`, the UTF-8 text this
    /// map was built with) to the source range that produced it: from the start of the
    /// source character that produced byte `start` to the end of the one that produced byte
    /// `end - 1`. Offsets inside a character are widened to the whole character. Returns
    /// `None` for an empty or out-of-range input range.
    pub(crate) fn map_range(
        &self,
        output: &[u8],
        start: usize,
        end: usize,
    ) -> Option<(usize, usize)> {
        if start >= end || end > output.len() {
            return None;
        }
        let mut start = start;
        while !is_char_boundary(output, start) {
            start = start.checked_sub(1)?;
        }
        let mut end = end;
        while !is_char_boundary(output, end) {
            end = end.checked_add(1)?;
        }
        if self.pieces.is_empty() {
            return Some((start, end));
        }
        let first = self.piece_at(start)?;
        let src_start = if first.linear {
            first.src.checked_add(start.checked_sub(first.dst)?)?
        } else {
            first.src
        };
        let last = self.piece_at(end.checked_sub(1)?)?;
        let src_end = if last.linear {
            last.src.checked_add(end.checked_sub(last.dst)?)?
        } else {
            last.src_end
        };
        Some((src_start, src_end))
    }

    /// The piece containing output byte `at`.
    fn piece_at(&self, at: usize) -> Option<&Piece> {
        let idx = self
            .pieces
            .partition_point(|p| p.dst <= at)
            .checked_sub(1)?;
        self.pieces.get(idx)
    }
}

/// True when `at` is the end of `bytes` or the first byte of a UTF-8 sequence.
pub(crate) fn is_char_boundary(bytes: &[u8], at: usize) -> bool {
    match bytes.get(at) {
        // Continuation bytes are 0b10xx_xxxx.
        Some(&b) => (b as i8) >= -0x40,
        None => at == bytes.len(),
    }
}

/// Builds a transformed text and its [`OffsetMap`] without allocating anything while the
/// output is still identical to the source (the common case for non-ASCII text that needs no
/// change: accents in NFC, CJK …).
#[derive(Debug)]
struct MapBuilder<'a> {
    /// The source text.
    source: &'a str,
    /// `Some(n)` while the output so far is exactly `source[..n]` and nothing is
    /// materialised; `None` once `out` and `map` hold the output.
    identical_until: Option<usize>,
    /// The materialised output.
    out: String,
    /// The map of the materialised output.
    map: OffsetMap,
}

impl<'a> MapBuilder<'a> {
    /// A builder for text derived from `source`.
    fn new(source: &'a str) -> Self {
        MapBuilder {
            source,
            identical_until: Some(0),
            out: String::new(),
            map: OffsetMap::new(),
        }
    }

    /// Leaves identity mode: copies the identical prefix into `out`.
    fn materialise(&mut self) {
        if let Some(n) = self.identical_until.take() {
            // Reserve for the common case of a small change in a long text.
            self.out.reserve(self.source.len().saturating_add(16));
            if n > 0 {
                self.out.push_str(self.source.get(..n).unwrap_or_default());
                self.map.linear(0, 0);
            }
        }
    }

    /// Appends `source[start..end]` verbatim (the range must lie on char boundaries).
    fn copy(&mut self, start: usize, end: usize) {
        if start >= end {
            return;
        }
        if self.identical_until == Some(start) {
            self.identical_until = Some(end);
            return;
        }
        self.materialise();
        let Some(text) = self.source.get(start..end) else {
            return;
        };
        self.map.linear(self.out.len(), start);
        self.out.push_str(text);
    }

    /// Appends `text` as the transformation of `source[start..end]`.
    fn replace(&mut self, text: &str, start: usize, end: usize) {
        if text.is_empty() {
            return;
        }
        self.materialise();
        self.map.unit(self.out.len(), start, end);
        self.out.push_str(text);
    }

    /// The finished text (borrowed when it is a prefix of the source) and its map.
    fn finish(self) -> (Cow<'a, str>, OffsetMap) {
        match self.identical_until {
            Some(n) => {
                let text = self.source.get(..n).unwrap_or_default();
                (Cow::Borrowed(text), OffsetMap::new())
            }
            None => (Cow::Owned(self.out), self.map),
        }
    }
}

/// One character of a chunk being normalised, with the source range it came from.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// The (decomposed, folded, later composed) character.
    ch: char,
    /// Its canonical combining class.
    ccc: u8,
    /// Start of its source range.
    start: usize,
    /// End of its source range.
    end: usize,
    /// True when the entry is its source character itself, not decomposed (an ASCII
    /// character or a [`CLASS_STABLE`] one): alone in a chunk it is copied as is; with
    /// others it is decomposed first.
    whole: bool,
}

/// Text normalised for detection, with a map back to the original.
///
/// See the module documentation for what the skeleton is. For pure ASCII input (checked
/// with a fast byte scan) the skeleton borrows the original and allocates nothing; otherwise
/// it is built in one pass, and still borrows the original when nothing changed.
#[derive(Debug, Clone)]
pub(crate) struct Skeleton<'a> {
    /// The normalised text.
    text: Cow<'a, str>,
    /// Maps skeleton byte ranges to original byte ranges.
    map: OffsetMap,
    /// True when `text` is the original itself.
    identity: bool,
}

impl<'a> Skeleton<'a> {
    /// The skeleton of `original`.
    pub(crate) fn new(original: &'a str) -> Skeleton<'a> {
        // ASCII is NFKC-stable and contains no format characters or homoglyphs.
        if original.is_ascii() {
            return Skeleton {
                text: Cow::Borrowed(original),
                map: OffsetMap::default(),
                identity: true,
            };
        }
        let mut builder = Normaliser::new(original);
        builder.run(original);
        let (text, map) = builder.out.finish();
        // A borrowed skeleton is a prefix of the original, so equal length means equal.
        let identity = matches!(text, Cow::Borrowed(_)) && text.len() == original.len();
        Skeleton {
            text,
            map,
            identity,
        }
    }

    /// The normalised text.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// Maps the skeleton byte range `start..end` to the original byte range: from the start
    /// of the original character that produced skeleton byte `start` to the end of the one
    /// that produced byte `end - 1`, so removed zero-width characters inside the span are
    /// covered. Offsets inside a skeleton character are widened to the whole character.
    /// Returns `None` for an empty or out-of-range input range.
    pub(crate) fn to_original(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        self.map.map_range(self.text.as_bytes(), start, end)
    }

    /// True when [`text`](Self::text) is the original, byte for byte (offsets need no
    /// mapping).
    pub(crate) fn is_identity(&self) -> bool {
        self.identity
    }

    /// The normalised text, consuming the skeleton (lets a caller wipe an owned copy of
    /// sensitive text).
    pub(crate) fn into_text(self) -> Cow<'a, str> {
        self.text
    }
}

/// [`char_class`]: the character needs the full decompose-fold-compose treatment.
const CLASS_SLOW: u8 = 0;
/// [`char_class`]: the character is a stable starter (combining class 0, NFKC quick check
/// Yes) that the skeleton leaves unchanged when it stands alone: it is copied unless a
/// following mark composes with it.
const CLASS_STABLE: u8 = 1;
/// [`char_class`]: the character is removed.
const CLASS_IGNORABLE: u8 = 2;
// Any other class value is the printable ASCII replacement (0x20 to 0x7E) of a homoglyph or
// of a character whose decomposition is a single ASCII character.

/// Lazily computed [`char_class`] pages for the Basic Multilingual Plane, 256 characters
/// each. Computing a page costs a few microseconds, once, and only for the blocks a process
/// actually sees; afterwards a character's class is two loads instead of several table
/// searches.
static CLASS_PAGES: [OnceLock<[u8; 256]>; 256] = [const { OnceLock::new() }; 256];

/// How the skeleton treats `c`: one of the `CLASS_*` values or an ASCII replacement.
/// Characters outside the BMP are always [`CLASS_SLOW`].
fn char_class(c: char) -> u8 {
    let cp = u32::from(c);
    let Some(page) = CLASS_PAGES.get((cp >> 8) as usize) else {
        return CLASS_SLOW;
    };
    let page = page.get_or_init(|| class_page(cp >> 8));
    page.get((cp & 0xFF) as usize)
        .copied()
        .unwrap_or(CLASS_SLOW)
}

/// Computes the classes of the 256 characters of page `page` (code points `page << 8` …).
fn class_page(page: u32) -> [u8; 256] {
    let mut classes = [CLASS_SLOW; 256];
    for (low, class) in (0u32..).zip(classes.iter_mut()) {
        let Some(c) = char::from_u32((page << 8) | low) else {
            continue;
        };
        *class = compute_class(c);
    }
    classes
}

/// The uncached [`char_class`] of `c`.
fn compute_class(c: char) -> u8 {
    if is_ignorable(c) {
        return CLASS_IGNORABLE;
    }
    // Homoglyphs and characters whose decomposition is one ASCII character (full-width
    // forms, odd spaces): that character is a starter nothing before it composes with, so
    // the replacement can start a chunk. (It may still compose with a following mark.)
    let ascii = |ch: char| u8::try_from(ch).ok().filter(|&b| (0x20..0x7F).contains(&b));
    if let Some(folded) = fold_homoglyph(c) {
        return ascii(folded).unwrap_or(CLASS_SLOW);
    }
    let mut parts = Vec::new();
    push_decomposed(&mut parts, c, 0, 0);
    if let [only] = parts.as_slice()
        && let Some(b) = ascii(only.ch)
    {
        return b;
    }
    if !starts_chunk(c) {
        return CLASS_SLOW;
    }
    // Stable when it normalises, alone, to itself (`é`, `й`, Hangul syllables, CJK …).
    reorder(&mut parts);
    let mut composed = Vec::new();
    compose_into(&parts, &mut composed);
    match composed.as_slice() {
        [only] if only.ch == c => CLASS_STABLE,
        _ => CLASS_SLOW,
    }
}

/// The one-pass skeleton builder.
struct Normaliser<'a> {
    /// The output and its map.
    out: MapBuilder<'a>,
    /// The current normalisation chunk: decomposed, folded characters not yet composed. A
    /// chunk ends before a character that cannot interact with what precedes it (see
    /// [`starts_chunk`]).
    chunk: Vec<Entry>,
    /// Scratch for composition, kept to reuse its allocation.
    composed: Vec<Entry>,
    /// Scratch for expanding whole characters, kept to reuse its allocation.
    spare: Vec<Entry>,
}

/// True when `c` can neither be reordered before nor composed with anything that precedes
/// it, so the text before it can be normalised independently: a starter (combining class 0)
/// whose NFKC quick-check property is Yes. (Characters that can be the second half of a
/// canonical composition have NFKC_QC = Maybe.)
fn starts_chunk(c: char) -> bool {
    canonical_combining_class(c) == 0 && is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes
}

impl<'a> Normaliser<'a> {
    /// A normaliser writing the skeleton of `original`.
    fn new(original: &'a str) -> Self {
        Normaliser {
            out: MapBuilder::new(original),
            chunk: Vec::new(),
            composed: Vec::new(),
            spare: Vec::new(),
        }
    }

    /// Normalises all of `original` into `self.out`.
    fn run(&mut self, original: &str) {
        let bytes = original.as_bytes();
        let mut pos = 0usize;
        while pos < bytes.len() {
            // A run of characters that stay as they are: ASCII and stable characters. Each is
            // a starter that nothing before it can affect, so all but the last are final; the
            // last may still compose with a following combining mark.
            let run_start = pos;
            let mut last_start = pos;
            let mut breaker: Option<char> = None;
            while let Some(&b) = bytes.get(pos) {
                if b.is_ascii() {
                    // Skip the whole ASCII stretch at once.
                    let rest = bytes.get(pos..).unwrap_or_default();
                    let n = rest
                        .iter()
                        .position(|b| !b.is_ascii())
                        .unwrap_or(rest.len());
                    pos = pos.saturating_add(n);
                    last_start = pos.saturating_sub(1);
                    continue;
                }
                let Some(c) = original.get(pos..).and_then(|s| s.chars().next()) else {
                    break;
                };
                if char_class(c) != CLASS_STABLE {
                    breaker = Some(c);
                    break;
                }
                last_start = pos;
                pos = pos.saturating_add(c.len_utf8());
            }
            if pos > run_start {
                self.flush();
                if breaker.is_none() {
                    self.out.copy(run_start, pos);
                } else {
                    self.out.copy(run_start, last_start);
                    let ch = original
                        .get(last_start..pos)
                        .and_then(|s| s.chars().next())
                        .unwrap_or(' ');
                    self.chunk.push(Entry {
                        ch,
                        ccc: 0,
                        start: last_start,
                        end: pos,
                        whole: true,
                    });
                }
            }
            let Some(c) = breaker else { break };
            let end = pos.saturating_add(c.len_utf8());
            self.push_char(c, pos, end);
            pos = end;
        }
        self.flush();
    }

    /// Adds one non-ASCII source character `c` at `start..end`.
    fn push_char(&mut self, c: char, start: usize, end: usize) {
        match char_class(c) {
            CLASS_IGNORABLE => {}
            CLASS_STABLE => {
                self.flush();
                self.chunk.push(Entry {
                    ch: c,
                    ccc: 0,
                    start,
                    end,
                    whole: true,
                });
            }
            CLASS_SLOW => self.push_char_slow(c, start, end),
            ascii => {
                self.flush();
                self.chunk.push(Entry {
                    ch: char::from(ascii),
                    ccc: 0,
                    start,
                    end,
                    whole: false,
                });
            }
        }
    }

    /// [`push_char`](Self::push_char) without the class cache.
    fn push_char_slow(&mut self, c: char, start: usize, end: usize) {
        if is_ignorable(c) {
            // Not a chunk boundary: what surrounds it may compose once it is gone.
            return;
        }
        if let Some(folded) = fold_homoglyph(c) {
            // Folded before decomposition too, for the few entries NFKC would otherwise map
            // to something else (lunate sigma). The replacement is an ASCII starter.
            if starts_chunk(c) {
                self.flush();
            }
            self.chunk.push(Entry {
                ch: folded,
                ccc: 0,
                start,
                end,
                whole: false,
            });
            return;
        }
        if starts_chunk(c) {
            self.flush();
        }
        push_decomposed(&mut self.chunk, c, start, end);
    }

    /// Normalises the pending chunk (canonical reordering, then canonical composition) and
    /// appends it to the output.
    fn flush(&mut self) {
        // Fast path: one character that came out unchanged (an ASCII letter not followed by a
        // combining mark, or a stable non-ASCII character).
        if let [only] = self.chunk.as_slice() {
            let only = *only;
            self.chunk.clear();
            self.emit_one(only);
            return;
        }
        if self.chunk.is_empty() {
            return;
        }
        // Characters kept whole must be decomposed now that something may compose with
        // them (`ö` followed by U+0323 becomes `ọ̈`).
        let mut pending = std::mem::replace(&mut self.chunk, std::mem::take(&mut self.spare));
        self.chunk.clear();
        for e in pending.drain(..) {
            if e.whole {
                push_decomposed(&mut self.chunk, e.ch, e.start, e.end);
            } else {
                self.chunk.push(e);
            }
        }
        self.spare = pending;
        reorder(&mut self.chunk);
        compose_into(&self.chunk, &mut self.composed);
        self.chunk.clear();
        make_monotone(&mut self.composed);
        let mut composed = std::mem::take(&mut self.composed);
        for e in composed.drain(..) {
            self.emit_one(e);
        }
        self.composed = composed;
    }

    /// Appends one normalised character: a copy when it is exactly its source character, a
    /// replacement otherwise.
    fn emit_one(&mut self, e: Entry) {
        let unchanged = e.whole
            || self.out.source.get(e.start..e.end).is_some_and(|s| {
                let mut it = s.chars();
                it.next() == Some(e.ch) && it.next().is_none()
            });
        if unchanged {
            self.out.copy(e.start, e.end);
        } else {
            let mut buf = [0u8; 4];
            self.out.replace(e.ch.encode_utf8(&mut buf), e.start, e.end);
        }
    }
}

/// Pushes the compatibility decomposition of the source character `c` at `start..end`,
/// without ignorable characters and with homoglyphs folded.
fn push_decomposed(chunk: &mut Vec<Entry>, c: char, start: usize, end: usize) {
    decompose_compatible(c, |d| {
        if is_ignorable(d) {
            return;
        }
        let d = fold_homoglyph(d).unwrap_or(d);
        chunk.push(Entry {
            ch: d,
            ccc: canonical_combining_class(d),
            start,
            end,
            whole: false,
        });
    });
}

/// Canonical ordering: stable-sorts every run of non-starters by combining class.
fn reorder(chunk: &mut [Entry]) {
    let mut i = 0usize;
    while i < chunk.len() {
        let is_mark = chunk.get(i).is_some_and(|e| e.ccc != 0);
        if !is_mark {
            i = i.saturating_add(1);
            continue;
        }
        let run_start = i;
        while chunk.get(i).is_some_and(|e| e.ccc != 0) {
            i = i.saturating_add(1);
        }
        if let Some(run) = chunk.get_mut(run_start..i)
            && run.len() > 1
        {
            run.sort_by_key(|e| e.ccc);
        }
    }
}

/// Canonical composition of a reordered chunk into `out` (cleared first). A composite's
/// source range is the union of its parts' ranges.
fn compose_into(chunk: &[Entry], out: &mut Vec<Entry>) {
    out.clear();
    // Index in `out` of the last starter, and the combining class of the last character
    // appended after it (None when nothing was, i.e. the next character is adjacent).
    let mut starter: Option<usize> = None;
    let mut last_ccc: Option<u8> = None;
    for &e in chunk {
        // Blocked when a character between has class 0 or a class >= this one; after
        // reordering the last such character has the largest class.
        let blocked = last_ccc.is_some_and(|lc| lc == 0 || lc >= e.ccc);
        if !blocked
            && let Some(s) = starter.and_then(|si| out.get_mut(si))
            && let Some(composite) = compose(s.ch, e.ch)
        {
            s.ch = composite;
            s.start = s.start.min(e.start);
            s.end = s.end.max(e.end);
            continue;
        }
        if e.ccc == 0 {
            starter = Some(out.len());
            last_ccc = None;
        } else {
            last_ccc = Some(e.ccc);
        }
        out.push(e);
    }
}

/// Widens source ranges so that starts and ends never decrease along the output
/// (reordering and composition can leave a composite covering characters after a mark that
/// stayed in place). Ranges only grow, so every character still covers its own source.
fn make_monotone(entries: &mut [Entry]) {
    let mut max_end = 0usize;
    for e in entries.iter_mut() {
        max_end = max_end.max(e.end);
        e.end = max_end;
    }
    let mut min_start = usize::MAX;
    for e in entries.iter_mut().rev() {
        min_start = min_start.min(e.start);
        e.start = min_start;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use unicode_normalization::UnicodeNormalization;

    fn skel(s: &str) -> String {
        Skeleton::new(s).text().to_owned()
    }

    /// The skeleton computed the straightforward way, with the normalisation library's own
    /// composition: remove and fold on the compatibility decomposition, then NFC.
    fn reference(s: &str) -> String {
        let mut decomposed = String::new();
        for c in s.chars() {
            if is_ignorable(c) {
                continue;
            }
            if let Some(f) = fold_homoglyph(c) {
                decomposed.push(f);
                continue;
            }
            decompose_compatible(c, |d| {
                if !is_ignorable(d) {
                    decomposed.push(fold_homoglyph(d).unwrap_or(d));
                }
            });
        }
        decomposed.nfc().collect()
    }

    /// The original text a skeleton range maps to.
    fn back<'a>(original: &'a str, sk: &Skeleton<'_>, start: usize, end: usize) -> &'a str {
        let (a, b) = sk.to_original(start, end).unwrap();
        &original[a..b]
    }

    #[test]
    fn table_is_sorted_ascii_and_large_enough() {
        assert!(
            HOMOGLYPHS.windows(2).all(|w| w[0].0 < w[1].0),
            "table not strictly sorted"
        );
        assert!(HOMOGLYPHS.iter().all(|&(_, to)| to.is_ascii()));
        let letters = HOMOGLYPHS
            .iter()
            .filter(|&&(from, _)| from.is_alphabetic())
            .count();
        assert!(letters >= 60, "only {letters} letters");
        // Folding happens on decomposed characters, so a source must survive decomposition
        // (or be caught before it, as the lunate sigmas are).
        for &(from, _) in HOMOGLYPHS {
            let mut parts = Vec::new();
            decompose_compatible(from, |d| parts.push(d));
            if parts != [from] {
                assert!(
                    matches!(
                        from,
                        '\u{00A0}' | '\u{2000}'
                            ..='\u{200A}'
                                | '\u{2011}'
                                | '\u{202F}'
                                | '\u{205F}'
                                | '\u{3000}'
                                | '\u{03F2}'
                                | '\u{03F9}'
                    ),
                    "{from:?} decomposes"
                );
            }
        }
    }

    #[test]
    fn every_bmp_char_matches_reference() {
        // Every BMP character, after characters it might compose with and before combining
        // marks, normalises as the straightforward reference does.
        let contexts: Vec<(&str, &str)> = ["", "a", "\u{1100}", "\u{0B47}", "e\u{0301}"]
            .into_iter()
            .flat_map(|p| {
                ["", "\u{0301}", "\u{0323}\u{0301}", "\u{3099}x"]
                    .into_iter()
                    .map(move |s| (p, s))
            })
            .collect();
        for cp in 0x80u32..0x1_0000 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            for s in contexts.iter().map(|(p, s)| format!("{p}{c}{s}")) {
                assert_eq!(skel(&s), reference(&s), "U+{cp:04X}");
            }
        }
    }

    #[test]
    fn ascii_is_borrowed_identity() {
        let s = "Plain ASCII text, with\ttabs and\ncontrol \u{7f} bytes.";
        let sk = Skeleton::new(s);
        assert!(sk.is_identity());
        assert!(matches!(sk.text, Cow::Borrowed(_)));
        assert_eq!(sk.text(), s);
        assert_eq!(sk.to_original(6, 11), Some((6, 11)));
        assert_eq!(sk.to_original(3, 3), None);
        assert_eq!(sk.to_original(0, s.len() + 1), None);
        assert_eq!(sk.to_original(5, 2), None);
    }

    #[test]
    fn unchanged_unicode_is_borrowed() {
        let s = "Café naïve 東京 — no: that dash changes";
        let sk = Skeleton::new("Café naïve 東京 😀");
        assert!(sk.is_identity());
        assert!(!Skeleton::new(s).is_identity());
        assert_eq!(skel(s), "Café naïve 東京 - no: that dash changes");
    }

    #[test]
    fn full_width() {
        assert_eq!(
            skel("ＡＢＣ１２３＠ｅｘａｍｐｌｅ．ｃｏｍ"),
            "ABC123@example.com"
        );
        let s = "card ４１１１ ok";
        let sk = Skeleton::new(s);
        assert_eq!(sk.text(), "card 4111 ok");
        assert_eq!(back(s, &sk, 5, 9), "４１１１");
        assert_eq!(back(s, &sk, 6, 7), "１");
        assert_eq!(back(s, &sk, 9, 12), " ok");
    }

    #[test]
    fn zero_width_removed_and_covered() {
        let s = "Ac\u{200B}me\u{FEFF} Co\u{00AD}rp\u{2060}";
        let sk = Skeleton::new(s);
        assert_eq!(sk.text(), "Acme Corp");
        assert_eq!(back(s, &sk, 0, 4), "Ac\u{200B}me");
        assert_eq!(back(s, &sk, 5, 9), "Co\u{00AD}rp");
        // Bidi controls, tags, variation selectors, Mongolian vowel separator.
        assert_eq!(
            skel("a\u{202E}b\u{2066}c\u{E0041}d\u{FE0F}e\u{180E}f\u{E0100}g"),
            "abcdefg"
        );
        // Only invisible characters: empty skeleton.
        let sk = Skeleton::new("\u{200B}\u{200C}");
        assert_eq!(sk.text(), "");
        assert_eq!(sk.to_original(0, 1), None);
    }

    #[test]
    fn homoglyphs() {
        // Cyrillic А and с in "Асme".
        let s = "\u{0410}\u{0441}me";
        let sk = Skeleton::new(s);
        assert_eq!(sk.text(), "Acme");
        assert_eq!(back(s, &sk, 0, 4), s);
        assert_eq!(back(s, &sk, 1, 2), "\u{0441}");
        // Greek omicron and capital alpha; case is preserved.
        assert_eq!(skel("G\u{03BF}\u{03BF}gle \u{0391}pple"), "Google Apple");
        assert_eq!(skel("\u{0420}\u{0410}\u{0423}PAL"), "PAYPAL");
        assert_eq!(skel("\u{0261}\u{1D0F}\u{1D0F}d"), "good");
        // Precomposed Cyrillic ё and its decomposed form fold alike.
        assert_eq!(skel("\u{0451}"), "\u{00EB}");
        assert_eq!(skel("\u{0435}\u{0308}"), "\u{00EB}");
        // Letters without a Latin look-alike stay.
        assert_eq!(skel("Жизнь"), "Жизнь");
    }

    #[test]
    fn spaces_and_dashes() {
        assert_eq!(
            skel("a\u{00A0}b\u{2009}c\u{3000}d\u{202F}e\u{1680}f"),
            "a b c d e f"
        );
        assert_eq!(
            skel("1\u{2010}2\u{2011}3\u{2013}4\u{2014}5\u{2212}6\u{FF0D}7"),
            "1-2-3-4-5-6-7"
        );
    }

    #[test]
    fn ligatures_and_compatibility() {
        assert_eq!(skel("\u{FB01}nance"), "finance");
        let s = "x\u{FB01}y";
        let sk = Skeleton::new(s);
        assert_eq!(sk.text(), "xfiy");
        // Either half of the ligature maps to the whole ligature.
        assert_eq!(back(s, &sk, 1, 2), "\u{FB01}");
        assert_eq!(back(s, &sk, 2, 3), "\u{FB01}");
        assert_eq!(skel("\u{2460}\u{00B2}\u{2163}"), "12IV");
        assert_eq!(skel("\u{1D400}\u{1D41B}\u{1D41C}"), "Abc");
    }

    #[test]
    fn combining_accents_compose_and_map() {
        let s = "Mu\u{0308}ller";
        let sk = Skeleton::new(s);
        assert_eq!(sk.text(), "Müller");
        assert_eq!(back(s, &sk, 1, 3), "u\u{0308}");
        assert_eq!(back(s, &sk, 0, sk.text().len()), s);
        // A zero-width character between base and mark is removed and the pair composes.
        let s = "e\u{200B}\u{0301}!";
        let sk = Skeleton::new(s);
        assert_eq!(sk.text(), "é!");
        assert_eq!(back(s, &sk, 0, 2), "e\u{200B}\u{0301}");
        // Reordering: dot below (220) sorts before acute (230); result is NFKC.
        let s = "a\u{0301}\u{0323}b";
        assert_eq!(skel(s), s.nfkc().collect::<String>());
        // Hangul jamo compose.
        assert_eq!(skel("\u{1100}\u{1161}\u{11A8}"), "\u{AC01}");
        // A mark at the very start has nothing to compose with.
        assert_eq!(skel("\u{0301}a"), "\u{0301}a");
    }

    #[test]
    fn mapping_rounds_to_char_boundaries() {
        let s = "ab\u{FF21}cd";
        let sk = Skeleton::new(s);
        assert_eq!(sk.text(), "abAcd");
        assert_eq!(sk.to_original(2, 3), Some((2, 5)));
        let s2 = "é\u{FF21}";
        let sk2 = Skeleton::new(s2);
        assert_eq!(sk2.text(), "éA");
        // Byte 1 is inside "é": widened to the whole character.
        assert_eq!(sk2.to_original(1, 2), Some((0, 2)));
    }

    #[test]
    fn long_runs_of_marks_are_handled() {
        let mut s = String::from("a");
        for i in 0..5000 {
            s.push(if i % 2 == 0 { '\u{0301}' } else { '\u{0323}' });
        }
        let sk = Skeleton::new(&s);
        assert_eq!(sk.text(), s.nfkc().collect::<String>());
        assert_eq!(sk.to_original(0, sk.text().len()), Some((0, s.len())));
        // Invisible characters between marks keep everything in one chunk: still linear.
        let hostile = "e".to_owned() + &"\u{200B}\u{0323}\u{FEFF}\u{0301}".repeat(50_000);
        let sk = Skeleton::new(&hostile);
        assert_eq!(sk.text(), reference(&hostile));
        assert_eq!(sk.to_original(0, sk.text().len()), Some((0, hostile.len())));
        let tibetan = "\u{0F73}".repeat(100_000);
        assert_eq!(Skeleton::new(&tibetan).text(), reference(&tibetan));
    }

    /// A deterministic xorshift generator for the no-panic test.
    fn xorshift(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    const ALPHABET: &[char] = &[
        'a',
        'B',
        'e',
        ' ',
        '1',
        '.',
        '-',
        '\u{0301}',
        '\u{0308}',
        '\u{0323}',
        '\u{200B}',
        '\u{200D}',
        '\u{FEFF}',
        '\u{00AD}',
        '\u{FF21}',
        '\u{FF11}',
        '\u{0430}',
        '\u{0410}',
        '\u{03BF}',
        '\u{00E9}',
        '\u{0451}',
        '\u{FB01}',
        '\u{1100}',
        '\u{1161}',
        '\u{11A8}',
        '\u{AC00}',
        '東',
        '😀',
        '\u{E0041}',
        '\u{FE0F}',
        '\u{2014}',
        '\u{3000}',
        '\u{03F2}',
        '\u{0345}',
        '\u{0F73}',
        '\u{0B47}',
        '\u{0B3E}',
        '\u{1D400}',
        '\u{00B5}',
        '\u{2126}',
        '\u{0344}',
        '\u{1F80}',
        '\u{10FFFF}',
        '\u{0}',
        '\u{202E}',
    ];

    #[test]
    fn no_panic_and_invariants() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for round in 0..3000 {
            let len = (xorshift(&mut state) % 40) as usize;
            let s: String = (0..len)
                .map(|_| ALPHABET[(xorshift(&mut state) % ALPHABET.len() as u64) as usize])
                .collect();
            let sk = Skeleton::new(&s);
            let t = sk.text();
            assert_eq!(t, reference(&s), "round {round}: {s:?}");
            // Without characters the skeleton removes or folds, it is exactly NFKC.
            let plain = s
                .chars()
                .chain(s.nfkd())
                .all(|c| !is_ignorable(c) && fold_homoglyph(c).is_none());
            if plain {
                assert_eq!(t, s.nfkc().collect::<String>(), "round {round}: {s:?}");
            }
            // The skeleton is NFKC and a fixed point.
            assert_eq!(t.nfkc().collect::<String>(), t, "round {round}: {s:?}");
            assert_eq!(skel(t), t, "round {round}: {s:?}");
            // Every range maps inside the original on char boundaries, monotonically.
            let bounds: Vec<usize> = t.char_indices().map(|(i, _)| i).chain([t.len()]).collect();
            let mut prev = (0usize, 0usize);
            for w in bounds.windows(2) {
                let (a, b) = sk.to_original(w[0], w[1]).unwrap();
                assert!(a < b && b <= s.len(), "round {round}: {s:?}");
                assert!(s.is_char_boundary(a) && s.is_char_boundary(b));
                assert!(a >= prev.0 && b >= prev.1, "not monotone: {s:?}");
                prev = (a, b);
            }
            for _ in 0..8 {
                let x = (xorshift(&mut state) % (t.len() as u64 + 2)) as usize;
                let y = (xorshift(&mut state) % (t.len() as u64 + 2)) as usize;
                if let Some((a, b)) = sk.to_original(x, y) {
                    assert!(x < y && y <= t.len());
                    assert!(
                        a < b && b <= s.len() && s.is_char_boundary(a) && s.is_char_boundary(b)
                    );
                } else {
                    assert!(x >= y || y > t.len());
                }
            }
        }
    }

    /// Pieces of a generated string: plain words, with zero-width and full-width characters,
    /// homoglyphs and accents inserted.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z0-9 .@-]{1,6}",
            Just("\u{200B}".to_owned()),
            Just("\u{200D}".to_owned()),
            Just("\u{FEFF}".to_owned()),
            Just("\u{00AD}".to_owned()),
            Just("\u{2060}".to_owned()),
            Just("\u{FF21}".to_owned()),
            Just("\u{FF4D}".to_owned()),
            Just("\u{FF19}".to_owned()),
            Just("\u{FF20}".to_owned()),
            Just("\u{0430}".to_owned()),
            Just("\u{041E}".to_owned()),
            Just("\u{03BF}".to_owned()),
            Just("\u{00E9}".to_owned()),
            Just("e\u{0301}".to_owned()),
            Just("\u{FB01}".to_owned()),
            Just("\u{2013}".to_owned()),
            Just("\u{00A0}".to_owned()),
            Just("東京".to_owned()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Every skeleton span maps to an original range on char boundaries whose own skeleton
        /// is the span's text (or contains it, when the span splits one source character).
        #[test]
        fn spans_map_back(parts in proptest::collection::vec(piece(), 0..24), picks in proptest::collection::vec((0usize..1000, 0usize..1000), 8)) {
            let original: String = parts.concat();
            let sk = Skeleton::new(&original);
            let t = sk.text();
            let bounds: Vec<usize> = t.char_indices().map(|(i, _)| i).chain([t.len()]).collect();
            for (x, y) in picks {
                if bounds.len() < 2 { break; }
                let i = x % bounds.len();
                let j = y % bounds.len();
                let (i, j) = if i <= j { (i, j) } else { (j, i) };
                if i == j { prop_assert_eq!(sk.to_original(bounds[i], bounds[j]), None); continue; }
                let (s, e) = (bounds[i], bounds[j]);
                let (a, b) = sk.to_original(s, e).unwrap();
                prop_assert!(a < b && b <= original.len());
                prop_assert!(original.is_char_boundary(a) && original.is_char_boundary(b));
                let again = Skeleton::new(&original[a..b]);
                // A span that splits the output of one source character (half of `ﬁ`) maps to
                // that whole character, so it can only be contained in the re-normalised text.
                let before_ok = i == 0 || sk.to_original(bounds[i - 1], s).unwrap().1 <= a;
                let after_ok = j + 1 == bounds.len() || sk.to_original(e, bounds[j + 1]).unwrap().0 >= b;
                if before_ok && after_ok {
                    prop_assert_eq!(again.text(), &t[s..e], "original {:?}", &original[a..b]);
                } else {
                    prop_assert!(again.text().contains(&t[s..e]), "original {:?}", &original[a..b]);
                }
            }
        }
    }
}
