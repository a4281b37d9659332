//! BIP-39 mnemonic seed phrases: runs of 12 or more consecutive words from the BIP-39 English
//! word list.
//!
//! Words are maximal runs of ASCII letters, matched case-insensitively. Two list words are
//! consecutive when only 1–[`MAX_GAP`] ASCII non-letters separate them, so numbered
//! (`1. abandon 2. ability`), comma-separated, one-per-line and quoted-array layouts all
//! count; a non-list word or any non-ASCII character ends the run. The scan inspects only
//! every [`STRIDE`]-th byte (see [`find`]).
//!
//! # Why the checksum is required
//!
//! Many list words are everyday English (`about`, `again`, `people`, `world` …), but `the`,
//! `a`, `of`, `and`, `to`, `is` are not, so ordinary sentences break runs quickly. Measured
//! with the same run rule over 9.8 MB of English documentation and licence text (Debian's
//! common licences and Vim's help files, 1.48 M words; 27 % of them list words), the longest
//! run was 16 words and 3 runs reached 12, all in tabular or code-like text ("FALSE | TRUE |
//! …", "include main.one / main.two …"), none in sentences; the hand-written prose in the tests
//! peaks well below 12. Because 12-word runs do occur, a run of 12–[`MAX_CHECKED_RUN`] words is
//! reported only where a window of 12, 15, 18, 21 or 24 of its words passes the BIP-39
//! checksum (the last word's low bits are the first bits of SHA-256 of the entropy), or when a
//! seed-phrase context word ("seed", "mnemonic", "recovery", "wallet" …) comes just before the
//! run, which keeps a phrase with a typo detectable when it is introduced as one; overlapping
//! findings are merged into one span. Windows and runs must also be
//! [varied](distinct_enough). Runs longer than [`MAX_CHECKED_RUN`] words never occurred in the
//! measured text and are reported whole when varied. With these rules the detector reports
//! nothing on that corpus.
//!
//! The checksum filters a random 12-word window only 16-fold (4 checksum bits), so it makes
//! false positives rare, not impossible; 24-word phrases carry 8 bits.

use std::sync::OnceLock;

use sha2::{Digest, Sha256};

use super::token::{context_before, push_span, take_while_max};
use crate::kind::{Kind, Span};

/// The official BIP-39 English word list (2048 words, `abandon` … `zoo`), one word a line.
const WORDLIST_TEXT: &str = include_str!("../../data/bip39-english.txt");

/// Shortest run reported: the smallest standard mnemonic has 12 words.
const MIN_RUN: usize = 12;

/// Longest run searched for checksum-valid windows; longer runs are reported whole (when
/// [varied](distinct_enough)).
const MAX_CHECKED_RUN: usize = 48;

/// Most bytes allowed between two consecutive words of a phrase: room for `",\n  "`, a line
/// break plus a number such as `\n12. `, or `, 13) `.
const MAX_GAP: usize = 12;

/// Bytes before a run searched for a seed-phrase context word.
const CONTEXT_WINDOW: usize = 64;

/// Words announcing a seed phrase (lowercase, matched case-insensitively at word starts).
const SEED_CONTEXT: &[&[u8]] = &[
    b"seed",
    b"mnemonic",
    b"recovery",
    b"bip39",
    b"bip-39",
    b"backup",
    b"phrase",
    b"wallet",
    b"words",
];

/// List words that often introduce a phrase ("seed phrase: …", "secret words: …"); leading
/// ones are not part of the reported phrase when the context rule applies.
const LEADING_CONTEXT_WORDS: &[&[u8]] =
    &[b"key", b"phrase", b"private", b"secret", b"seed", b"word"];

/// A window or run counts only if at least three quarters of its words are distinct. A real
/// mnemonic of 12 random words has ≤ 8 distinct words with negligible probability, while
/// repetitive list-word text (`[true, false, true, …]`, `TRUE | FALSE | …`) would otherwise
/// produce a chance-valid checksum window every 16 positions. (The all-`abandon` BIP-39 test
/// vector is therefore not reported; it is public test data, not a secret.)
fn distinct_enough(indices: &[u16]) -> bool {
    let mut buf = [0u16; MAX_CHECKED_RUN];
    let Some(part) = buf.get_mut(..indices.len()) else {
        return false;
    };
    part.copy_from_slice(indices);
    part.sort_unstable();
    let distinct = 1 + part
        .windows(2)
        .filter(|w| matches!(w, [a, b] if a != b))
        .count();
    distinct * 4 >= indices.len() * 3
}

/// Standard mnemonic lengths and thus checksum window sizes, longest first.
const PHRASE_LENGTHS: [usize; 5] = [24, 21, 18, 15, 12];

/// The word list, packed for lookup.
///
/// A list word has 3–8 lowercase ASCII letters, so it packs big-endian into a `u64` with zero
/// padding; integer order then equals lexicographic order, and a lookup is a binary search
/// over 2048 integers (11 steps, no hashing, no allocation). Measured with the throwaway
/// benchmark over 1.15 M corpus words of 3–8 letters (hit rate 36 %), best of 7 runs:
/// packed `u64` binary search ≈ 27 ns per word, `HashSet<&str>` with the default hasher
/// ≈ 28–30 ns, a two-letter bucket index over the packed words ≈ 26–28 ns, binary search over
/// the `&str` list ≈ 145 ns. The first three are within noise of each other (mispredicted
/// hit/miss branches dominate), so the simplest is kept; [`find`] mostly avoids lookups
/// anyway by inspecting only every [`STRIDE`]-th byte.
#[derive(Debug)]
struct Wordlist {
    /// Packed words, sorted.
    packed: Vec<u64>,
    /// BIP-39 index of `packed[i]`.
    index: Vec<u16>,
}

/// Packs a word of 1–8 ASCII letters, lowercased, into a `u64` (see [`Wordlist`]).
fn pack(word: &[u8]) -> Option<u64> {
    if word.is_empty() || word.len() > 8 || !word.iter().all(u8::is_ascii_alphabetic) {
        return None;
    }
    let packed = word
        .iter()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b | 0x20));
    Some(packed << (8 * (8 - word.len())))
}

impl Wordlist {
    fn parse(text: &str) -> Self {
        let mut pairs: Vec<(u64, u16)> = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .zip(0u16..)
            .filter_map(|(word, index)| pack(word.as_bytes()).map(|p| (p, index)))
            .collect();
        pairs.sort_unstable();
        Wordlist {
            packed: pairs.iter().map(|&(p, _)| p).collect(),
            index: pairs.iter().map(|&(_, i)| i).collect(),
        }
    }

    /// The BIP-39 index of `word` (any ASCII case), if it is in the list.
    fn index_of(&self, word: &[u8]) -> Option<u16> {
        if word.len() < 3 || word.len() > 8 {
            return None;
        }
        let key = pack(word)?;
        let at = self.packed.binary_search(&key).ok()?;
        self.index.get(at).copied()
    }
}

/// The English word list, parsed once.
fn wordlist() -> &'static Wordlist {
    static LIST: OnceLock<Wordlist> = OnceLock::new();
    LIST.get_or_init(|| Wordlist::parse(WORDLIST_TEXT))
}

/// Whether the words with these indices form a valid BIP-39 mnemonic: 12/15/18/21/24 words
/// whose concatenated 11-bit indices end in the first `n / 3` bits of SHA-256 of the rest.
fn checksum_ok(indices: &[u16]) -> bool {
    let n = indices.len();
    if !PHRASE_LENGTHS.contains(&n) {
        return false;
    }
    // 24 words × 11 bits = 264 bits = 33 bytes.
    let mut bits = [0u8; 33];
    let mut at = 0usize;
    for &index in indices {
        for k in (0..11).rev() {
            if (index >> k) & 1 == 1
                && let Some(byte) = bits.get_mut(at / 8)
            {
                *byte |= 0x80 >> (at % 8);
            }
            at += 1;
        }
    }
    let checksum_bits = n / 3;
    let entropy_len = (11 * n - checksum_bits) / 8;
    let (Some(entropy), Some(&tail)) = (bits.get(..entropy_len), bits.get(entropy_len)) else {
        return false;
    };
    let digest = Sha256::digest(entropy);
    let shift = 8 - checksum_bits;
    digest.first().is_some_and(|&d| d >> shift == tail >> shift)
}

/// A run of consecutive list words: the first [`MAX_CHECKED_RUN`] words are kept, later
/// ones only counted (memory stays bounded on hostile input).
#[derive(Debug, Default)]
struct Run {
    /// `(start, end, BIP-39 index)` of the first words.
    words: Vec<(usize, usize, u16)>,
    /// Number of words in the run.
    count: usize,
    /// End of the run's last word.
    end: usize,
}

impl Run {
    /// Appends a word.
    fn push(&mut self, start: usize, end: usize, index: u16) {
        if self.words.len() < MAX_CHECKED_RUN {
            self.words.push((start, end, index));
        }
        self.count += 1;
        self.end = end;
    }
}

/// Reports the phrases of a run of at least [`MIN_RUN`] words (see the module documentation).
fn report(text: &str, run: &Run, out: &mut Vec<Span>) {
    let Some(&(first_start, _, _)) = run.words.first() else {
        return;
    };
    let indices: Vec<u16> = run.words.iter().map(|&(_, _, i)| i).collect();
    if run.count > MAX_CHECKED_RUN {
        // Judged on its first MAX_CHECKED_RUN words, which are kept.
        if distinct_enough(&indices) {
            push_span(text, out, Kind::SeedPhrase, first_start, run.end);
        }
        return;
    }
    // Word-index intervals to report: every checksum-valid window, and the run after its
    // leading context words when a seed-phrase context announces it. They are merged where
    // they overlap or touch: a real (varied) phrase is always covered, by its own valid window
    // or by the context rule, and a chance-valid window beside it (1 in 16 for 12 words) only
    // widens the span over neighbouring list words, which never under-redacts.
    let mut intervals: Vec<(usize, usize)> = Vec::new();
    for pos in 0..indices.len() {
        for len in PHRASE_LENGTHS {
            if indices
                .get(pos..pos + len)
                .is_some_and(|w| distinct_enough(w) && checksum_ok(w))
            {
                intervals.push((pos, pos + len - 1));
            }
        }
    }
    let bytes = text.as_bytes();
    let lead = run
        .words
        .iter()
        .take_while(|&&(s, e, _)| {
            bytes.get(s..e).is_some_and(|w| {
                LEADING_CONTEXT_WORDS
                    .iter()
                    .any(|c| w.eq_ignore_ascii_case(c))
            })
        })
        .count();
    if let Some(&(start, _, _)) = run.words.get(lead)
        && indices.len() - lead >= MIN_RUN
        && indices.get(lead..).is_some_and(distinct_enough)
        && context_before(bytes, start, CONTEXT_WINDOW, SEED_CONTEXT)
    {
        intervals.push((lead, indices.len() - 1));
    }
    intervals.sort_unstable();
    let mut merged: Option<(usize, usize)> = None;
    for (a, b) in intervals {
        merged = match merged {
            Some((ma, mb)) if a <= mb + 1 => Some((ma, mb.max(b))),
            Some((ma, mb)) => {
                push_words(text, run, ma, mb, out);
                Some((a, b))
            }
            None => Some((a, b)),
        };
    }
    if let Some((a, b)) = merged {
        push_words(text, run, a, b, out);
    }
}

/// Reports words `first..=last` of `run`.
fn push_words(text: &str, run: &Run, first: usize, last: usize, out: &mut Vec<Span>) {
    if let (Some(&(start, _, _)), Some(&(_, end, _))) = (run.words.get(first), run.words.get(last))
    {
        push_span(text, out, Kind::SeedPhrase, start, end);
    }
}

/// Whether the bytes between two words allow them to belong to one phrase.
fn gap_joins(bytes: &[u8], from: usize, to: usize) -> bool {
    to > from && to - from <= MAX_GAP && bytes.get(from..to).is_some_and(|gap| gap.is_ascii())
}

/// Distance between inspected bytes. A reportable run has 12 words of at least 3 letters
/// and 11 gaps of at least 1 byte, so it spans at least 47 bytes and always covers a
/// multiple of 47 (and any later position of the form `p + k·47`).
const STRIDE: usize = 47;

/// Longest letter run examined around an inspected byte: one more than the longest list word.
const MAX_WORD_SCAN: usize = 9;

/// The list word `start..end` with its BIP-39 index, if the letters there form one (a word
/// glued to a non-ASCII byte, as in `abandoné`, is part of a longer word and does not count).
fn list_word(list: &Wordlist, bytes: &[u8], start: usize, end: usize) -> Option<u16> {
    let glued = start
        .checked_sub(1)
        .and_then(|p| bytes.get(p))
        .is_some_and(|&p| p >= 0x80)
        || bytes.get(end).is_some_and(|&n| n >= 0x80);
    if glued {
        return None;
    }
    list.index_of(bytes.get(start..end)?)
}

/// The letter word containing or ending just before `pos`, scanning at most
/// [`MAX_WORD_SCAN`] letters back: `(start, end)` with `end` the first non-letter at or
/// after `pos`.
fn word_around(bytes: &[u8], pos: usize) -> (usize, usize) {
    let mut start = pos;
    while start > 0
        && pos - start <= MAX_WORD_SCAN
        && bytes.get(start - 1).is_some_and(u8::is_ascii_alphabetic)
    {
        start -= 1;
    }
    (
        start,
        take_while_max(bytes, pos, MAX_WORD_SCAN + 1, |c| c.is_ascii_alphabetic()),
    )
}

/// The list word before the word starting at `start`, if the gap between them joins them.
fn previous_list_word(list: &Wordlist, bytes: &[u8], start: usize) -> Option<usize> {
    let mut gap_start = start;
    while gap_start > 0
        && start - gap_start <= MAX_GAP
        && bytes
            .get(gap_start - 1)
            .is_some_and(|b| !b.is_ascii_alphabetic())
    {
        gap_start -= 1;
    }
    if !gap_joins(bytes, gap_start, start) || gap_start == 0 {
        return None;
    }
    let (word_start, word_end) = word_around(bytes, gap_start - 1);
    (word_end == gap_start && list_word(list, bytes, word_start, word_end).is_some())
        .then_some(word_start)
}

/// Collects the run of list words that starts with the list word at `start` (the run's
/// `end` is that of its last word).
fn run_from(list: &Wordlist, bytes: &[u8], start: usize) -> Run {
    let mut run = Run::default();
    let mut at = start;
    loop {
        let end = take_while_max(bytes, at, MAX_WORD_SCAN + 1, |c| c.is_ascii_alphabetic());
        let Some(index) = list_word(list, bytes, at, end) else {
            break;
        };
        run.push(at, end, index);
        let next = take_while_max(bytes, end, MAX_GAP + 1, |c| !c.is_ascii_alphabetic());
        if !bytes.get(next).is_some_and(u8::is_ascii_alphabetic) || !gap_joins(bytes, end, next) {
            break;
        }
        at = next;
    }
    run
}

/// Finds BIP-39 seed phrases in `text` and appends [`Kind::SeedPhrase`] spans.
///
/// Only every [`STRIDE`]-th byte is inspected. Where it lies in (or in a gap next to) a list
/// word, the run through that word is found by walking back to its first word and collecting
/// forward; scanning then resumes after the run. Elsewhere no phrase can cover the byte.
/// Ordinary text costs one word lookup per 47 bytes plus short walks at list words.
pub(crate) fn find(text: &str, out: &mut Vec<Span>) {
    let list = wordlist();
    let bytes = text.as_bytes();
    let mut p = 0;
    while let Some(&b) = bytes.get(p) {
        // A word of the run at (or, in a gap, just before) p.
        let anchor = if b.is_ascii_alphabetic() {
            let (start, end) = word_around(bytes, p);
            list_word(list, bytes, start, end).map(|_| start)
        } else {
            // In a gap: the word after it must be a list word joined to the one before.
            let next = take_while_max(bytes, p, MAX_GAP + 1, |c| !c.is_ascii_alphabetic());
            let (start, end) = word_around(bytes, next);
            (start == next && list_word(list, bytes, start, end).is_some())
                .then_some(start)
                .filter(|&s| previous_list_word(list, bytes, s).is_some())
        };
        let Some(mut first) = anchor else {
            p += STRIDE;
            continue;
        };
        while let Some(prev) = previous_list_word(list, bytes, first) {
            first = prev;
        }
        let run = run_from(list, bytes, first);
        if run.count >= MIN_RUN {
            report(text, &run, out);
        }
        // Every later run lies wholly after this one.
        p = run.end.max(p) + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::token::take_while;

    fn found(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        find(text, &mut out);
        assert!(out.iter().all(|s| s.kind == Kind::SeedPhrase));
        out.iter().map(|s| &text[s.start..s.end]).collect()
    }

    /// The words of the list, in order.
    fn words() -> Vec<&'static str> {
        WORDLIST_TEXT.lines().collect()
    }

    /// Encodes entropy (16–32 bytes, a multiple of 4) as a mnemonic, for test phrases.
    fn mnemonic(entropy: &[u8]) -> String {
        let list = words();
        let cs = entropy.len() * 8 / 32;
        let hash = Sha256::digest(entropy);
        let mut bits: Vec<bool> = entropy
            .iter()
            .flat_map(|b| (0..8).rev().map(move |k| b >> k & 1 == 1))
            .collect();
        bits.extend((0..cs).map(|k| hash[0] >> (7 - k) & 1 == 1));
        bits.chunks(11)
            .map(|c| list[c.iter().fold(0usize, |acc, &b| acc << 1 | usize::from(b))])
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn word_list_is_the_official_one() {
        let list = words();
        assert_eq!(list.len(), 2048);
        assert_eq!(list.first(), Some(&"abandon"));
        assert_eq!(list.last(), Some(&"zoo"));
        assert!(list.windows(2).all(|w| w[0] < w[1]));
        assert!(
            list.iter()
                .all(|w| (3..=8).contains(&w.len()) && w.bytes().all(|b| b.is_ascii_lowercase()))
        );
        let digest = Sha256::digest(WORDLIST_TEXT.as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda"
        );
        let wl = wordlist();
        assert_eq!(wl.packed.len(), 2048);
        for (i, w) in list.iter().enumerate() {
            assert_eq!(wl.index_of(w.as_bytes()), Some(i as u16));
            assert_eq!(wl.index_of(w.to_uppercase().as_bytes()), Some(i as u16));
        }
        for w in [
            "the",
            "a",
            "is",
            "abandons",
            "zooo",
            "abando",
            "",
            "toolongword",
        ] {
            assert_eq!(wl.index_of(w.as_bytes()), None, "{w}");
        }
    }

    #[test]
    fn known_vectors_checksum() {
        let idx = |s: &str| -> Vec<u16> {
            s.split(' ')
                .map(|w| wordlist().index_of(w.as_bytes()).unwrap())
                .collect()
        };
        // BIP-39 reference vectors (entropy 00…, 7f…, 80…, ff…).
        for phrase in [
            "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
            "legal winner thank year wave sausage worth useful legal winner thank yellow",
            "letter advice cage absurd amount doctor acoustic avoid letter advice cage above",
            "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong",
            "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art",
        ] {
            assert!(checksum_ok(&idx(phrase)), "{phrase}");
        }
        assert!(!checksum_ok(&idx(
            "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon"
        )));
        assert!(!checksum_ok(&idx("abandon abandon abandon")));
        assert_eq!(
            mnemonic(&[0x7f; 16]),
            "legal winner thank year wave sausage worth useful legal winner thank yellow"
        );
    }

    #[test]
    fn phrases_are_found() {
        let p12 = "legal winner thank year wave sausage worth useful legal winner thank yellow";
        assert_eq!(found(&format!("my seed: {p12}. thanks")), vec![p12]);
        assert_eq!(found(&p12.to_uppercase()), vec![p12.to_uppercase()]);
        let numbered = "1. legal 2. winner 3. thank 4. year 5. wave 6. sausage\n7. worth 8. useful 9. legal 10. winner 11. thank 12. yellow";
        assert_eq!(found(numbered), vec![&numbered[3..]]);
        let commas = "legal, winner, thank, year, wave, sausage, worth, useful, legal, winner, thank, yellow";
        assert_eq!(found(commas), vec![commas]);
        let array = r#"["legal","winner","thank","year","wave","sausage","worth","useful","legal","winner","thank","yellow"]"#;
        assert_eq!(found(array), vec![&array[2..array.len() - 2]]);
        // Generated phrases of every length, with list words as lead-in.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for len in [16usize, 20, 24, 28, 32] {
            for _ in 0..20 {
                let entropy: Vec<u8> = (0..len)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        state as u8
                    })
                    .collect();
                let phrase = mnemonic(&entropy);
                let text = format!("Here is the seed phrase: {phrase}\nKeep it safe.");
                let got = found(&text);
                assert!(
                    got.iter().any(|g| g.contains(phrase.as_str())),
                    "{text:?} -> {got:?}"
                );
            }
        }
        // A typo breaks the checksum, but a seed context still reports the run.
        let typo = "legal winner thank year wave sausage worth useful legal winner thank zoo";
        assert_eq!(found(&format!("recovery words: {typo}")), vec![typo]);
        // Here a chance-valid window also starts at "seed"; the merged span covers both.
        let text = format!("seed phrase {typo}");
        let got = found(&text);
        assert_eq!(got.len(), 1);
        assert!(got[0].ends_with(typo), "{got:?}");
        assert!(found(typo).is_empty());
        // Very long runs of varied words are reported whole, repetitive ones are not.
        let long = words()
            .iter()
            .step_by(37)
            .take(60)
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(found(&long), vec![long.as_str()]);
        assert!(found(&vec!["zoo"; 60].join(" ")).is_empty());
    }

    #[test]
    fn found_at_every_offset() {
        // Only every STRIDE-th byte is inspected; a phrase must be found wherever it sits,
        // whatever surrounds it (list words, other words, gaps, numbering).
        let p12 = "legal winner thank year wave sausage worth useful legal winner thank yellow";
        let numbered = "1. legal 2. winner 3. thank 4. year 5. wave 6. sausage 7. worth 8. useful 9. legal 10. winner 11. thank 12. yellow";
        for pad in 0..2 * STRIDE + 5 {
            let lead = "xy ".repeat(pad / 3) + &" ".repeat(pad % 3);
            assert_eq!(found(&format!("{lead}{p12}")), vec![p12], "pad {pad}");
            assert_eq!(found(&format!("{lead}{p12} tail")), vec![p12], "pad {pad}");
            let text = format!("{lead}{numbered}\n");
            assert_eq!(found(&text), vec![&numbered[3..]], "pad {pad}");
            // Lead-in list words join the run; the valid window is still covered.
            let text = format!("{lead}about above {p12} then");
            assert!(found(&text).iter().any(|g| g.contains(p12)), "pad {pad}");
        }
        // Two phrases separated by a word.
        let two = format!("{p12} and {p12}");
        assert_eq!(found(&two), vec![p12, p12]);
    }

    #[test]
    fn near_misses() {
        // 11 words, a non-list word inside, non-ASCII separators, glued letters.
        assert!(
            found("legal winner thank year wave sausage worth useful legal winner thank")
                .is_empty()
        );
        assert!(
            found(
                "legal winner thank year wave sausage the worth useful legal winner thank yellow"
            )
            .is_empty()
        );
        assert!(
            found("legal winner thank year wave sausage — worth useful legal winner thank yellow")
                .is_empty()
        );
        assert!(
            found("legal winner thank year wave sausage worth useful legal winner thank yellowé")
                .is_empty()
        );
        // Repetitive list words: booleans in an array, a truth table, even with context.
        let bools = format!(
            "[{}]",
            ["true", "false", "false", "true"].repeat(10).join(", ")
        );
        assert!(found(&bools).is_empty());
        assert!(
            found(&format!(
                "wallet words: {}",
                ["true", "false"].repeat(8).join(" ")
            ))
            .is_empty()
        );
        // 12 list words that fail the checksum, with no seed context.
        assert!(found("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon").is_empty());
        // Words too far apart.
        assert!(found("legal winner thank year wave sausage          ,      worth useful legal winner thank yellow").is_empty());
    }

    /// Hand-written prose: ordinary sentences never hold 12 list words in a row.
    const PROSE: &str = "When we arrived at the station the train had already left, so we walked \
        along the river to find a small cafe that was still open. The owner told us about the \
        history of the old bridge and how the town had changed over the last twenty years. \
        Later that evening my brother called to ask whether I could help him move next weekend; \
        he has found a new apartment near the university with a balcony and a view of the hills. \
        I promised to bring some boxes and a ladder. In other news, the project review went well: \
        the team agreed to ship the first version in March, provided the security audit finds no \
        major issues. Please remember to update the documentation, answer the open questions in \
        the tracker, and check that every test still passes before you merge. You can also \
        visit the museum on Sunday morning when entry is free, and there is a great market just \
        around the corner where local farmers sell fresh fruit, cheese, bread and honey. \
        Can you explain the difference between a process and a thread, and when should I use \
        one or the other? My daughter wants to learn to play the guitar; what would be a good \
        first song, and how much should we spend on a simple instrument for a beginner? \
        We need a budget for the spring festival: music, food, security, tickets and a small \
        stage near the lake. Every morning I drink coffee, read the news and then walk the dog \
        around the park before work.";

    fn longest_run(text: &str) -> usize {
        let list = wordlist();
        let bytes = text.as_bytes();
        let (mut best, mut cur, mut last_end) = (0, 0, 0);
        let mut i = 0;
        while i < bytes.len() {
            if !bytes[i].is_ascii_alphabetic() {
                i += 1;
                continue;
            }
            let end = take_while(bytes, i, |c| c.is_ascii_alphabetic());
            if list.index_of(&bytes[i..end]).is_some() {
                cur = if cur > 0 && gap_joins(bytes, last_end, i) {
                    cur + 1
                } else {
                    1
                };
                best = best.max(cur);
                last_end = end;
            } else {
                cur = 0;
            }
            i = end;
        }
        best
    }

    #[test]
    fn prose_stays_below_twelve() {
        let longest = longest_run(PROSE);
        assert!(longest < MIN_RUN, "longest run {longest}");
        assert!(
            longest >= 3,
            "the measurement must see list words at all ({longest})"
        );
        assert!(found(PROSE).is_empty());
    }

    #[test]
    fn never_panics_and_spans_are_valid() {
        let list = words();
        let mut state = 0x1234_5678_u64;
        for _ in 0..2000 {
            let mut text = String::new();
            for _ in 0..(state % 40) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                match state % 7 {
                    0 => text.push('é'),
                    1 => text.push_str(", "),
                    2 => text.push_str("\n12. "),
                    3 => text.push_str("the "),
                    _ => {
                        text.push_str(list[(state >> 8) as usize % list.len()]);
                        text.push(' ');
                    }
                }
            }
            let mut out = Vec::new();
            find(&text, &mut out);
            for s in &out {
                assert!(s.start < s.end && s.end <= text.len());
                assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            }
        }
        // Huge runs: repetitive ones are ignored, varied ones reported whole, in linear time.
        let huge = "abandon ".repeat(200_000);
        assert!(found(&huge).is_empty());
        let varied = format!(
            "{} ",
            list.iter()
                .step_by(7)
                .copied()
                .collect::<Vec<_>>()
                .join(" ")
        )
        .repeat(100);
        assert_eq!(found(&varied).len(), 1);
    }
}
