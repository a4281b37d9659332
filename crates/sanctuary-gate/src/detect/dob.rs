//! Dates of birth ([`Kind::DateOfBirth`]): a date shortly after a birth context.
//!
//! A date alone is not personal (deadlines, release dates), so a date is only reported when a
//! birth context ends at most 30 bytes before it, or when it is a full date with a plausible
//! year of birth in the same sentence as a strong birth context (see below). Only the date is
//! reported.
//!
//! Dates: numeric `03/14/1985`, `14/03/85`, `14.03.1985`, `14-03-1985`, `1985-03-14`
//! (day/month in either order as long as one reading is valid; a year of four digits must be
//! 1800–2099), and written `March 14, 1985`, `Mar. 14th 1985`, `14 March 1985`, `14th of March
//! 1985`, `14. März 1985`, `14-Mar-1985` in English or German, where the year may be left out
//! (`my birthday is March 14`). Numeric dates need a year. An ISO date may carry a time
//! (`1985-03-14T00:00:00Z`: the date part is reported).
//!
//! Contexts (case-insensitive, whole words): `born`, `geboren`, `né le`/`née le`, `nacido el` —
//! with up to 30 bytes between context and date, but no digit, line break or sentence end in
//! between (`born in Paris on 14 March 1985`); `date of birth`, `birth date`, `birthdate`,
//! `DOB`, `D.O.B.`, `birthday`, `Geburtsdatum`, `Geburtstag`, `date de naissance`, `fecha de
//! nacimiento` — followed only by separators (`:`, `=`, `-`, `|`, `/`, brackets, quotes), the
//! words `is`, `was`, `on`, `the`, `am`, `ist`, `le`, `el`, `of`, `as`, `to` and words that say
//! how the date is recorded (`listed`, `recorded`, `registered`, `entered`, `shown`, `wrongly`,
//! `changed` …: `the insurer has my birthday as June 9, 1990`, `DOB is listed as …`), and
//! format hints such as `(DD/MM/YYYY)` or `(TT.MM.JJJJ)`; `b.` and `geb.` — followed only by
//! spaces.
//!
//! Sentence rule: a full date whose four-digit year is 1900–2025 also counts when a strong
//! context (`born`, `geboren`, `date of birth`, `birth date`, `DOB`, `Geburtsdatum`, `né le` …,
//! not `birthday`, whose sentences often name party dates) ends at most 120 bytes before it in
//! the same sentence (no `. `, `!`, `?`, `;` or line break in between) and no other number
//! stands in between except dates of birth already reported: `My date of birth is 07/04/1985
//! on the US form but 04.07.1985 on my EU passport` reports both dates, `I was born in 1985
//! and on 03/14/2020 we shipped` reports nothing.
//! `born` inside another word (`stubborn`, `airborne`, `newborn`) or before a hyphen
//! (`born-again`) does not count, nor does `birthday party on …`.

use crate::detect::util::lower_into;
use crate::kind::{Kind, Span};

/// Month names and abbreviations (lower case, English and German) with their number.
const MONTHS: &[(&str, u8)] = &[
    ("january", 1),
    ("jan", 1),
    ("januar", 1),
    ("jänner", 1),
    ("february", 2),
    ("feb", 2),
    ("februar", 2),
    ("march", 3),
    ("mar", 3),
    ("märz", 3),
    ("maerz", 3),
    ("mär", 3),
    ("mrz", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("mai", 5),
    ("june", 6),
    ("jun", 6),
    ("juni", 6),
    ("july", 7),
    ("jul", 7),
    ("juli", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("october", 10),
    ("oct", 10),
    ("oktober", 10),
    ("okt", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
    ("dezember", 12),
    ("dez", 12),
];

/// How the text between a context and the date is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gap {
    /// Up to 30 bytes of prose without digits, line breaks or sentence ends.
    Prose,
    /// Only separators and a few linking words (`DOB: `, `birthday is on `).
    Label,
    /// Only spaces (`b. `, `geb. `).
    Tight,
}

/// Birth contexts (lower case) and how their gap is checked.
const CONTEXTS: &[(&str, Gap)] = &[
    ("born", Gap::Prose),
    ("geboren", Gap::Prose),
    ("né le", Gap::Prose),
    ("née le", Gap::Prose),
    ("nacido el", Gap::Prose),
    ("nacida el", Gap::Prose),
    ("date of birth", Gap::Label),
    ("birth date", Gap::Label),
    ("birthdate", Gap::Label),
    ("dob", Gap::Label),
    ("d.o.b", Gap::Label),
    ("birthday", Gap::Label),
    ("geburtsdatum", Gap::Label),
    ("geburtstag", Gap::Label),
    ("date de naissance", Gap::Label),
    ("fecha de nacimiento", Gap::Label),
    ("b.", Gap::Tight),
    ("geb.", Gap::Tight),
];

/// Words allowed between a label context and the date: links (`is`, `was`, `as`), and words
/// that say where or how the date is recorded (`my birthday is listed as`, `DOB was
/// wrongly entered as`, `date of birth changed to`).
const LABEL_WORDS: &[&str] = &[
    "is",
    "was",
    "on",
    "the",
    "am",
    "ist",
    "le",
    "el",
    "of",
    "as",
    "listed",
    "recorded",
    "registered",
    "shown",
    "given",
    "entered",
    "stated",
    "written",
    "stored",
    "set",
    "still",
    "actually",
    "now",
    "incorrectly",
    "wrongly",
    "changed",
    "updated",
    "corrected",
    "to",
];

/// How far before the date a context may end.
const MAX_GAP: usize = 30;

/// How far back the context window reaches (longest context plus [`MAX_GAP`]).
const WINDOW: usize = 56;

/// The byte at `i`, or 0 outside the text.
fn at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

/// The char ending at byte `i`.
fn char_before(text: &str, i: usize) -> Option<char> {
    text.get(..i).and_then(|s| s.chars().next_back())
}

/// The end of the digit run starting at `p`.
fn digits_end(b: &[u8], p: usize) -> usize {
    let mut e = p;
    while at(b, e).is_ascii_digit() {
        e += 1;
    }
    e
}

/// The value of the ASCII digits `b[p..e]` (at most four).
fn value(b: &[u8], p: usize, e: usize) -> u32 {
    b.get(p..e).unwrap_or(&[]).iter().fold(0u32, |v, d| {
        v.saturating_mul(10)
            .saturating_add(u32::from(d.wrapping_sub(b'0')))
    })
}

/// True for a plausible year of birth written with four digits.
fn year4_ok(y: u32) -> bool {
    (1800..=2099).contains(&y)
}

/// True if `d` is a valid day of month `m` (29 February allowed).
fn day_ok(d: u32, m: u32) -> bool {
    let max = match m {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => 0,
    };
    (1..=max).contains(&d)
}

/// True when the date may end at `e`: not followed by more of a number or a word.
fn right_ok(b: &[u8], e: usize) -> bool {
    let c = at(b, e);
    if c.is_ascii_alphanumeric() || c == b'_' {
        return false;
    }
    !(matches!(c, b'.' | b'/' | b'-' | b':' | b',') && at(b, e + 1).is_ascii_digit())
}

/// A numeric date starting at `p`; returns its end.
fn numeric(b: &[u8], p: usize) -> Option<usize> {
    let e1 = digits_end(b, p);
    let sep = at(b, e1);
    if !matches!(sep, b'/' | b'.' | b'-') {
        return None;
    }
    let p2 = e1 + 1;
    let e2 = digits_end(b, p2);
    if at(b, e2) != sep || !(1..=2).contains(&(e2 - p2)) {
        return None;
    }
    let p3 = e2 + 1;
    let e3 = digits_end(b, p3);
    let (a, m2, c) = (value(b, p, e1), value(b, p2, e2), value(b, p3, e3));
    let valid = match (e1 - p, e3 - p3) {
        // ISO order: year, month, day.
        (4, 1..=2) => year4_ok(a) && day_ok(c, m2),
        // Day and month in either order, then the year.
        (1..=2, 2 | 4) => (e3 - p3 == 2 || year4_ok(c)) && (day_ok(a, m2) || day_ok(m2, a)),
        _ => false,
    };
    // An ISO date may carry a time (`1985-03-14T00:00:00Z`); only the date is reported.
    let iso_time = e1 - p == 4 && at(b, e3) == b'T' && at(b, e3 + 1).is_ascii_digit();
    (valid && (right_ok(b, e3) || iso_time)).then_some(e3)
}

/// The month named by the letters at `pos`, and where the name (with an optional period) ends.
fn month_at(text: &str, pos: usize) -> Option<(u8, usize)> {
    // Every month name here starts with one of these letters.
    if !b"jfmasondJFMASOND".contains(&at(text.as_bytes(), pos)) {
        return None;
    }
    let rest = text.get(pos..)?;
    let mut end = pos;
    for (i, c) in rest.char_indices().take(10) {
        if c.is_alphabetic() {
            end = pos + i + c.len_utf8();
        } else {
            break;
        }
    }
    let word = text.get(pos..end)?;
    if char_at(text, end).is_some_and(char::is_alphanumeric) {
        return None;
    }
    let mut buf = [0u8; 24];
    let lw = lower_into(word, &mut buf)?;
    let (_, m) = MONTHS.iter().find(|(name, _)| *name == lw)?;
    if at(text.as_bytes(), end) == b'.' {
        end += 1;
    }
    Some((*m, end))
}

/// The char starting at byte `i`.
fn char_at(text: &str, i: usize) -> Option<char> {
    text.get(i..).and_then(|s| s.chars().next())
}

/// A day of month at `p` with an optional ordinal suffix; returns the day and the end.
fn day_at(b: &[u8], p: usize) -> Option<(u32, usize)> {
    let e = digits_end(b, p);
    if !(1..=2).contains(&(e - p)) {
        return None;
    }
    let d = value(b, p, e);
    let end = if ordinal_suffix(b, e) { e + 2 } else { e };
    if at(b, end).is_ascii_alphanumeric() {
        return None;
    }
    Some((d, end))
}

/// True if `st`, `nd`, `rd` or `th` (any case) starts at `e`.
fn ordinal_suffix(b: &[u8], e: usize) -> bool {
    let (x, y) = (
        at(b, e).to_ascii_lowercase(),
        at(b, e + 1).to_ascii_lowercase(),
    );
    matches!(
        (x, y),
        (b's', b't') | (b'n', b'd') | (b'r', b'd') | (b't', b'h')
    )
}

/// An optional `, 1985` or ` 1985` at `pos`; returns the end of the year.
fn year_after(b: &[u8], pos: usize, sep: u8) -> Option<usize> {
    let mut q = pos;
    if sep == b' ' {
        if at(b, q) == b',' {
            q += 1;
        }
        if at(b, q) != b' ' {
            return None;
        }
    } else if at(b, q) != sep {
        return None;
    }
    q += 1;
    let e = digits_end(b, q);
    (e - q == 4 && year4_ok(value(b, q, e)) && right_ok(b, e)).then_some(e)
}

/// `March 14, 1985` whose day starts at `p`; returns the start and end of the date.
fn month_first(text: &str, p: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let j = p.checked_sub(1)?;
    let last = at(b, j.checked_sub(1)?);
    if at(b, j) != b' ' || !(last.is_ascii_alphabetic() || last == b'.' || last >= 0x80) {
        return None;
    }
    // Walk back over the month word (and its period).
    let mut ws = if at(b, j.checked_sub(1)?) == b'.' {
        j - 1
    } else {
        j
    };
    let before = text.get(..ws)?;
    for (i, c) in before.char_indices().rev().take(10) {
        if c.is_alphabetic() {
            ws = i;
        } else {
            break;
        }
    }
    if char_before(text, ws).is_some_and(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    let (m, me) = month_at(text, ws)?;
    if me != j {
        return None;
    }
    let (d, de) = day_at(b, p)?;
    if !day_ok(d, u32::from(m)) {
        return None;
    }
    let end = year_after(b, de, b' ').unwrap_or(de);
    if end == de && !right_ok(b, de) {
        return None;
    }
    Some((ws, end))
}

/// `14 March 1985`, `14th of March`, `14. März 1985`, `14-Mar-1985` at `p`; returns the end.
fn day_first(text: &str, p: usize) -> Option<usize> {
    let b = text.as_bytes();
    let (d, mut pos) = day_at(b, p)?;
    if at(b, pos) == b'.' {
        pos += 1;
    }
    let sep = at(b, pos);
    if !matches!(sep, b' ' | b'-') {
        return None;
    }
    pos += 1;
    if sep == b' ' && text.get(pos..pos + 3) == Some("of ") {
        pos += 3;
    }
    let (m, me) = month_at(text, pos)?;
    if !day_ok(d, u32::from(m)) {
        return None;
    }
    match year_after(b, me, sep) {
        Some(e) => Some(e),
        None if sep == b' ' => right_ok(b, me).then_some(me),
        None => None,
    }
}

/// True when the bytes `gap` between a context and the date fit the context's rule.
fn gap_ok(gap: &[u8], kind: Gap) -> bool {
    if gap.len() > MAX_GAP {
        return false;
    }
    match kind {
        Gap::Tight => gap.len() <= 3 && gap.iter().all(|c| c.is_ascii_whitespace()),
        Gap::Prose => {
            let no_digit_or_break = gap.iter().all(|c| !c.is_ascii_digit() && *c != b'\n');
            let sentence_end = gap
                .windows(2)
                .any(|w| matches!(w, [b'.' | b'!' | b'?' | b';', b' ' | b'\t' | b'\r']));
            no_digit_or_break && !sentence_end
        }
        Gap::Label => gap
            .split(|c| c.is_ascii_whitespace() || b".:=-|\"'*()[]/".contains(c))
            .filter(|w| !w.is_empty())
            .all(|w| {
                LABEL_WORDS
                    .iter()
                    .any(|l| w.eq_ignore_ascii_case(l.as_bytes()))
                    || format_hint(w)
            }),
    }
}

/// True for a date-format hint inside a label (`DD`, `MM`, `YYYY`, German `TT`, `JJJJ`).
fn format_hint(w: &[u8]) -> bool {
    w.len() <= 4 && w.iter().all(|c| b"dmytjDMYTJ".contains(c))
}

/// True when a birth context ends at most [`MAX_GAP`] bytes before `start`.
fn has_context(text: &str, start: usize) -> bool {
    let b = text.as_bytes();
    let mut ws = start.saturating_sub(WINDOW);
    while !text.is_char_boundary(ws) {
        ws += 1;
    }
    let Some(window) = b.get(ws..start) else {
        return false;
    };
    for (i, &c) in window.iter().enumerate() {
        // Every context starts with one of these letters; skip the rest cheaply.
        let c = c.to_ascii_lowercase();
        if !matches!(c, b'b' | b'g' | b'n' | b'd' | b'f') {
            continue;
        }
        let abs = ws + i;
        if char_before(text, abs).is_some_and(char::is_alphanumeric) {
            continue; // `stubborn`, `adobe`
        }
        for (kw, kind) in CONTEXTS {
            let k = kw.as_bytes();
            if k.first() != Some(&c) {
                continue;
            }
            let Some(cand) = window.get(i..i + k.len()) else {
                continue;
            };
            if !cand.eq_ignore_ascii_case(k) {
                continue;
            }
            let after = at(b, abs + k.len());
            let word_kw = k.last().is_some_and(u8::is_ascii_alphabetic);
            if word_kw && (after.is_ascii_alphabetic() || after == b'-' || after >= 0x80) {
                continue; // `borne`, `born-again`, `birthdays`
            }
            if window
                .get(i + k.len()..)
                .is_some_and(|gap| gap_ok(gap, *kind))
            {
                return true;
            }
        }
    }
    false
}

/// How far before a date a strong birth context may end for the sentence rule.
const FAR_GAP: usize = 120;

/// Contexts that make every full date of their sentence a date of birth (not `birthday`, whose
/// sentences often name party dates, and not the abbreviations `b.` and `geb.`).
const SENTENCE_CONTEXTS: &[&str] = &[
    "born",
    "geboren",
    "né le",
    "née le",
    "nacido el",
    "nacida el",
    "date of birth",
    "birth date",
    "birthdate",
    "dob",
    "d.o.b",
    "geburtsdatum",
    "date de naissance",
    "fecha de nacimiento",
];

/// The four-digit year of the date `text[s..e]` (at its end, or at its start in ISO order).
fn year_of(b: &[u8], s: usize, e: usize) -> Option<u32> {
    let tail = e.checked_sub(4)?;
    if tail >= s && b.get(tail..e)?.iter().all(u8::is_ascii_digit) {
        return (tail == s || !at(b, tail - 1).is_ascii_digit()).then(|| value(b, tail, e));
    }
    (s + 4 <= e
        && !at(b, s + 4).is_ascii_digit()
        && b.get(s..s + 4)?.iter().all(u8::is_ascii_digit))
    .then(|| value(b, s, s + 4))
}

/// The sentence rule: a full date with a plausible year of birth (1900–2025) in the same
/// sentence as a strong birth context that ends at most [`FAR_GAP`] bytes before it, with no
/// other number in between except dates already reported (`My date of birth is 07/04/1985 on
/// the US form but 04.07.1985 on my EU passport`). `reported` holds the recent spans.
fn sentence_context(text: &str, s: usize, e: usize, reported: &[(usize, usize)]) -> bool {
    let b = text.as_bytes();
    if !year_of(b, s, e).is_some_and(|y| (1900..=2025).contains(&y)) {
        return false;
    }
    let mut ws = s.saturating_sub(FAR_GAP);
    while !text.is_char_boundary(ws) {
        ws += 1;
    }
    let Some(window) = b.get(ws..s) else {
        return false;
    };
    // The sentence starts after the last sentence end or line break in the window.
    let mut from = 0usize;
    for (i, w) in window.windows(2).enumerate() {
        if w.first() == Some(&b'\n')
            || matches!(w, [b'.' | b'!' | b'?' | b';', b' ' | b'\t' | b'\r' | b'\n'])
        {
            from = i + 1;
        }
    }
    if window.last() == Some(&b'\n') {
        return false;
    }
    let mut ctx_end = None;
    for (i, &c) in window.iter().enumerate().skip(from) {
        let c = c.to_ascii_lowercase();
        if !matches!(c, b'b' | b'g' | b'n' | b'd' | b'f') {
            continue;
        }
        let abs = ws + i;
        if char_before(text, abs).is_some_and(char::is_alphanumeric) {
            continue;
        }
        for kw in SENTENCE_CONTEXTS {
            let k = kw.as_bytes();
            let hit = window
                .get(i..i + k.len())
                .is_some_and(|cand| cand.eq_ignore_ascii_case(k));
            let after = at(b, abs + k.len());
            if hit && !(after.is_ascii_alphabetic() || after == b'-' || after >= 0x80) {
                ctx_end = Some(abs + k.len());
                break;
            }
        }
        if ctx_end.is_some() {
            break;
        }
    }
    let Some(ce) = ctx_end else {
        return false;
    };
    // No other number between the context and the date, except reported dates of birth.
    (ce..s).all(|i| {
        !at(b, i).is_ascii_digit() || reported.iter().any(|&(rs, re)| (rs..re).contains(&i))
    })
}

/// Appends a [`Kind::DateOfBirth`] span for every date in a birth context in `text`.
pub(crate) fn find(text: &str, out: &mut Vec<Span>) {
    let b = text.as_bytes();
    let mut i = 0usize;
    // Dates of birth reported within the last [`FAR_GAP`] bytes, for the sentence rule.
    let mut recent: Vec<(usize, usize)> = Vec::new();
    while i < b.len() {
        let Some(off) = b
            .get(i..)
            .and_then(|s| s.iter().position(u8::is_ascii_digit))
        else {
            break;
        };
        let p = i + off;
        let q = digits_end(b, p);
        i = q;
        let left = char_before(text, p);
        if left.is_some_and(|c| c.is_alphanumeric() || "./-_$€£#+,".contains(c)) {
            continue;
        }
        // Every date form continues the digits with a separator, a space or an ordinal suffix,
        // or follows a month name; anything else is skipped without parsing.
        let next = at(b, q);
        let date = month_first(text, p)
            .or_else(|| {
                matches!(next, b'/' | b'.' | b'-')
                    .then(|| numeric(b, p).map(|e| (p, e)))
                    .flatten()
            })
            .or_else(|| {
                matches!(
                    next,
                    b'.' | b'-' | b' ' | b's' | b'n' | b'r' | b't' | b'S' | b'N' | b'R' | b'T'
                )
                .then(|| day_first(text, p).map(|e| (p, e)))
                .flatten()
            });
        if let Some((s, e)) = date {
            recent.retain(|&(_, re)| re + FAR_GAP >= s);
            if has_context(text, s) || sentence_context(text, s, e, &recent) {
                out.push(Span::new(Kind::DateOfBirth, s, e));
                recent.push((s, e));
            }
            i = e.max(q);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::util::test_support::{assert_no_hits, found_texts, random_mix};

    fn dates(text: &str) -> Vec<&str> {
        let mut v = Vec::new();
        find(text, &mut v);
        v.iter()
            .map(|s| {
                assert_eq!(s.kind, Kind::DateOfBirth);
                &text[s.start..s.end]
            })
            .collect()
    }

    #[track_caller]
    fn yes(text: &str, want: &str) {
        assert_eq!(dates(text), vec![want], "in {text:?}");
    }

    #[track_caller]
    fn no(text: &str) {
        assert_eq!(dates(text), Vec::<&str>::new(), "in {text:?}");
    }

    #[test]
    fn numeric_forms() {
        yes("born on 03/14/1985 in Ohio", "03/14/1985");
        yes("Date of birth: 14.03.1985", "14.03.1985");
        yes("DOB 1985-03-14", "1985-03-14");
        yes("D.O.B.: 14/03/85", "14/03/85");
        yes("dob=3-14-1985;", "3-14-1985");
        yes("Geburtsdatum: 01.02.2003", "01.02.2003");
        yes("geb. 14.03.1985", "14.03.1985");
        yes("Birth date | 1985/03/14", "1985/03/14");
        yes("birthdate:14/03/1985", "14/03/1985");
        yes("{\"dob\": \"1985-03-14T00:00:00Z\"}", "1985-03-14");
        yes("Date of Birth (DD/MM/YYYY): 14/03/1985", "14/03/1985");
        yes("Geburtsdatum (TT.MM.JJJJ): 14.03.1985", "14.03.1985");
    }

    #[test]
    fn written_forms() {
        yes("She was born on March 14, 1985.", "March 14, 1985");
        yes("born 14 March 1985", "14 March 1985");
        yes("I was born on the 14th of March 1985", "14th of March 1985");
        yes(
            "Ich bin am 14. März 1985 geboren? geboren am 14. März 1985",
            "14. März 1985",
        );
        yes("Ada Lovelace (b. 10 December 1815)", "10 December 1815");
        yes("my birthday is March 14", "March 14");
        yes("my birthday is on Mar. 14th", "Mar. 14th");
        yes("DOB: 14-Mar-1985", "14-Mar-1985");
        yes("born in Paris on 14 March 1985", "14 March 1985");
        yes("né le 14 mars? no: née le 2 June 1990", "2 June 1990");
    }

    #[test]
    fn no_birth_context() {
        no("The deadline is 03/14/2025.");
        no("Released on March 14, 2024.");
        no("He is stubborn: 03/14/1985");
        no("airborne since 14 March 1985");
        no("a born-again 14.03.1985");
        no("newborn 14.03.1985");
        no("birthday party on March 14, 2025");
        no("I was born in 1985 and on 03/14/2020 we shipped");
        no("born in Ohio. On 03/14/1985 we met");
        no("born\n03/14/1985");
        no("Adobe 14.03.1985");
        no("see section b. The release 14.03.1985");
    }

    #[test]
    fn not_a_date() {
        no("born on 10.11.12.13");
        no("born on 32/13/1985");
        no("born on 14/03/1700");
        no("born on 1.2.3");
        no("born on 14/03");
        no("born on 2/30/1985");
        no("born March 32");
        no("born on v1.14.03.1985");
        no("born on 14.03.19855");
        no("born on 123/03/1985");
        no("born on 1985-03-14T");
        // Prose in a label is not a link (the sentence rule needs a four-digit year).
        no("Date of Birth (please use the form): 14/03/85");
    }

    #[test]
    fn linking_words() {
        yes(
            "The insurer has my birthday as June 9, 1990 but",
            "June 9, 1990",
        );
        yes("my date of birth is listed as 1990-06-09", "1990-06-09");
        yes("DOB was wrongly entered as 09.06.1990", "09.06.1990");
        no("my birthday party is on June 9, 2025");
    }

    #[test]
    fn sentence_rule() {
        assert_eq!(
            dates(
                "My date of birth is 07/04/1985 on the US form but 04.07.1985 on my EU passport."
            ),
            vec!["07/04/1985", "04.07.1985"]
        );
        yes(
            "I was born in a small village near the river Loire, France, on 14.03.1985.",
            "14.03.1985",
        );
        yes(
            "Date of Birth (please use the form): 14/03/1985",
            "14/03/1985",
        );
        // Another number in between, another sentence, a two-digit or implausible year, or a
        // birthday (whose sentences name party dates) do not count.
        no("I was born in 1985 and on 03/14/2020 we shipped the first release to users.");
        no("I was born in Lyon. The package we ordered arrived on 03/14/2020.");
        no("I was born in Lyon, and the package we ordered arrived on 03/14/20.");
        no("I was born in Lyon, and the ship we sailed on was built on 03/14/1850.");
        no("For my birthday we went to the seaside and on 12.10.2024 we flew home.");
    }

    #[test]
    fn benign_prose_passes() {
        // Technical questions, meeting e-mails, travel plans, recipes, release notes: nothing in
        // it is personal data, and nothing may be flagged.
        assert_no_hits(find, include_str!("benign_prose.txt"));
    }

    #[test]
    fn no_panic_and_spans_valid() {
        let pieces = [
            "born",
            " on ",
            "1",
            "14",
            "03",
            "1985",
            "85",
            "/",
            ".",
            "-",
            " ",
            ", ",
            "March",
            "März",
            "Mar.",
            "th",
            "of ",
            "DOB:",
            "b. ",
            "geb. ",
            "é",
            "ß",
            "\u{1F600}",
            "日本",
            "\n",
            "birthday is ",
            "0",
            "9999",
            "2099",
        ];
        for s in random_mix(0x1234_5678_9abc_def1, &pieces, 256, 40) {
            check(&s);
        }
        check(&"born 1/1/1990 ".repeat(2_000));
        check(&"1".repeat(100_000));
        check(&"é1".repeat(10_000));
        check(&"born on March 1".repeat(2_000));
        check("");
        check("1");
        check("born");
    }

    fn check(s: &str) {
        found_texts(find, &[Kind::DateOfBirth], s);
    }
}
