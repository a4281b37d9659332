//! Financial identifiers: payment cards ([`Kind::PaymentCard`]), IBANs ([`Kind::Iban`]), US social
//! security numbers ([`Kind::Ssn`]) and US bank routing / account numbers ([`Kind::BankAccount`]).
//!
//! The scanner acts only at ASCII digits. At each one it first tries an IBAN (two letters right
//! before two digits), then collects the run of digit groups joined by single spaces, dashes or
//! dots and searches it (cut only at spaces) for, in this order of priority:
//!
//! - **Card**: 13–19 digits grouped like a card (contiguous, one digit at a time, equal groups
//!   with a shorter last one such as 4-4-4-4 or 4-4-4-3, or Amex 4-6-5 / Diners 4-6-4) with one
//!   separator style, a known issuer prefix with a length that issuer uses ([`issuer_ok`]), and
//!   a valid Luhn check. A card-shaped number with mixed single separators (`4111-1111
//!   1111.1111`) counts as a whole run or right after a card word ("card", "Visa" …); an
//!   irregular grouping of 2–6-digit groups (`601 19778 6592 0949`) only right after a card
//!   word, because issuer and Luhn alone pass a few percent of random number lists. Digits spaced one or two at a time count only as a whole run, never as a
//!   window cut from a longer list of small numbers (a matrix row, lottery draws). A number
//!   labelled right before as something else ("order", "invoice", "tracking", "seq", "id",
//!   "timestamp", "ref", "serial", "IMEI" … within 12 bytes) is not a card unless a card word
//!   ("card", "Visa", "credit" …) is also near. Luhn-valid runs *without* an issuer prefix (parcel tracking numbers, IMEIs,
//!   millisecond timestamps starting with 1) are deliberately not reported: 1 in 10 random digit
//!   strings passes Luhn, so the prefix is what makes a card believable. UATP (prefix 1) is left
//!   out for the same reason.
//! - **SSN**: `AAA-GG-SSSS` anywhere, `AAA GG SSSS` as a whole run, or nine contiguous digits
//!   after "SSN" / "social security"; always with the SSA validity rules (area not 000, 666 or
//!   900–999, group not 00, serial not 0000) and minus the three numbers the SSA voided after
//!   they appeared in advertising.
//! - **Routing number** (reported as bank account): nine contiguous digits with a valid Federal
//!   Reserve prefix and ABA 3-7-1 checksum, only after "routing", "ABA", "RTN", "transit" or
//!   "bank": the checksum alone passes 1 in 10 random numbers.
//! - **Account number**: 6–17 digits (one separator style, no dots) right after "account
//!   number", "acct", "Kontonummer" …
//!
//! Context words must end at most [`CONTEXT_WINDOW`] bytes before the number with no other digit
//! in between. A run glued to letters (`SKU-4111…`) or continuing another number (`1.4111…`,
//! `…1111,5`) is never reported; a comma after a digit is only a CSV field separator before a
//! dashed number (`E-1042,602-31-7784`), which cannot continue a thousands grouping. An IBAN is country code, two check digits and the BBAN, compact
//! or in groups of four separated by single spaces, with the registry length for its country
//! ([`IBAN_LENGTHS`]) and ISO 7064 mod-97 remainder 1; lowercase is accepted.

use super::util::{
    CONTEXT_WINDOW, Chunk, MAX_SEGMENT_GROUPS, RunScanner, boundary_after, boundary_before,
    byte_at, byte_before, context_before, is_word_byte, luhn_valid, next_digit, search_segments,
};
use crate::kind::{Kind, Span};

/// Labels right before a number that name it as something other than a card (an order, a
/// sequence, a timestamp …): one random digit string in 10 passes Luhn, so such a label wins
/// unless a card word is also near.
const NOT_CARD_CONTEXT: &[&str] = &[
    "order*",
    "invoice*",
    "tracking*",
    "shipment*",
    "parcel",
    "seq*",
    "sequence",
    "id",
    "ids",
    "ts",
    "timestamp*",
    "ref*",
    "reference",
    "serial*",
    "imei",
    "isbn",
    "ean",
    "upc",
    "gtin",
    "sku",
    "nonce",
    "offset",
];

/// Words that make a card reading believable even after a [`NOT_CARD_CONTEXT`] label.
const CARD_CONTEXT: &[&str] = &[
    "card*",
    "visa",
    "mastercard",
    "amex",
    "credit*",
    "debit*",
    "cc",
    "pan",
    "kreditkarte*",
    "karte*",
];

/// How far before a number a label such as "order #" may end (bytes).
const LABEL_WINDOW: usize = 12;

/// Words that announce a social security number.
const SSN_CONTEXT: &[&str] = &["ssn*", "ss#", "ss no", "social security", "soc sec"];

/// Words that announce an ABA routing number.
const ROUTING_CONTEXT: &[&str] = &["routing*", "aba", "rtn", "transit", "bank"];

/// Words that announce a bank account number.
const ACCOUNT_CONTEXT: &[&str] = &[
    "account number*",
    "account no",
    "account num*",
    "account #",
    "account#",
    "acct*",
    "a/c",
    "bank account",
    "checking account",
    "savings account",
    "kontonummer",
    "konto",
    "kto",
];

/// IBAN lengths per country (ISO 13616 registry), covering every SEPA country and the other
/// registered ones in common use.
const IBAN_LENGTHS: &[([u8; 2], usize)] = &[
    (*b"AD", 24),
    (*b"AE", 23),
    (*b"AL", 28),
    (*b"AT", 20),
    (*b"AZ", 28),
    (*b"BA", 20),
    (*b"BE", 16),
    (*b"BG", 22),
    (*b"BH", 22),
    (*b"BI", 27),
    (*b"BR", 29),
    (*b"BY", 28),
    (*b"CH", 21),
    (*b"CR", 22),
    (*b"CY", 28),
    (*b"CZ", 24),
    (*b"DE", 22),
    (*b"DJ", 27),
    (*b"DK", 18),
    (*b"DO", 28),
    (*b"EE", 20),
    (*b"EG", 29),
    (*b"ES", 24),
    (*b"FI", 18),
    (*b"FK", 18),
    (*b"FO", 18),
    (*b"FR", 27),
    (*b"GB", 22),
    (*b"GE", 22),
    (*b"GI", 23),
    (*b"GL", 18),
    (*b"GR", 27),
    (*b"GT", 28),
    (*b"HR", 21),
    (*b"HU", 28),
    (*b"IE", 22),
    (*b"IL", 23),
    (*b"IQ", 23),
    (*b"IS", 26),
    (*b"IT", 27),
    (*b"JO", 30),
    (*b"KW", 30),
    (*b"KZ", 20),
    (*b"LB", 28),
    (*b"LC", 32),
    (*b"LI", 21),
    (*b"LT", 20),
    (*b"LU", 20),
    (*b"LV", 21),
    (*b"LY", 25),
    (*b"MC", 27),
    (*b"MD", 24),
    (*b"ME", 22),
    (*b"MK", 19),
    (*b"MN", 20),
    (*b"MR", 27),
    (*b"MT", 31),
    (*b"MU", 30),
    (*b"NI", 28),
    (*b"NL", 18),
    (*b"NO", 15),
    (*b"OM", 23),
    (*b"PK", 24),
    (*b"PL", 28),
    (*b"PS", 29),
    (*b"PT", 25),
    (*b"QA", 29),
    (*b"RO", 24),
    (*b"RS", 22),
    (*b"RU", 33),
    (*b"SA", 24),
    (*b"SC", 31),
    (*b"SD", 18),
    (*b"SE", 24),
    (*b"SI", 19),
    (*b"SK", 24),
    (*b"SM", 27),
    (*b"SO", 23),
    (*b"ST", 25),
    (*b"SV", 28),
    (*b"TL", 23),
    (*b"TN", 24),
    (*b"TR", 26),
    (*b"UA", 29),
    (*b"VA", 22),
    (*b"VG", 24),
    (*b"XK", 20),
];

/// The longest IBAN any country uses.
const MAX_IBAN: usize = 34;

/// Most digits of a card number.
const MAX_CARD: usize = 19;

/// Reports every card, IBAN, SSN and bank routing/account number in `text`.
pub(crate) fn find(text: &str, out: &mut Vec<Span>) {
    let bytes = text.as_bytes();
    let mut runs = RunScanner::new(bytes);
    let mut i = 0;
    let mut last_end = 0;
    while let Some(p) = next_digit(bytes, i) {
        if p >= 2
            && byte_before(bytes, p, 1).is_ascii_alphabetic()
            && byte_before(bytes, p, 2).is_ascii_alphabetic()
            && byte_at(bytes, p + 1).is_ascii_digit()
            && boundary_before(text, p - 2)
            && let Some(end) = iban_at(text, p - 2)
        {
            out.push(Span::new(Kind::Iban, p - 2, end));
            last_end = end;
            i = end;
            continue;
        }
        let end = runs.scan(
            p,
            1,
            |b| matches!(b, b' ' | b'-' | b'.'),
            |chunk| {
                search_segments(
                    chunk,
                    MAX_SEGMENT_GROUPS,
                    6..=MAX_CARD,
                    // Inside a run, only a group of three or more digits can begin a finding:
                    // card groups of one or two digits must make up the whole run.
                    |k| chunk.sep_before(k) == b" " && chunk.group(k).len() >= 3,
                    |k| chunk.sep_before(k) == b" ",
                    |a, b| match classify(text, chunk, a, b) {
                        Some(span) if span.start >= last_end => {
                            last_end = span.end;
                            out.push(span);
                            true
                        }
                        _ => false,
                    },
                );
            },
        );
        i = end.max(p + 1);
    }
}

/// Decides what, if anything, groups `a..b` of `chunk` are.
fn classify(text: &str, chunk: &Chunk<'_>, a: usize, b: usize) -> Option<Span> {
    let n = chunk.len();
    let d = chunk.digit_count(a, b);
    let run_start = a == 0 && chunk.is_run_start();
    let run_end = b == n && chunk.is_run_end();
    let whole = run_start && run_end;
    if !(6..=MAX_CARD).contains(&d) {
        return None;
    }
    // Digits spaced one or two at a time are only a card when they are the whole run: cut out
    // of a longer list of small numbers, some window passes issuer and Luhn by chance. Such a
    // window can be nothing else either, unless it starts the run (account context).
    let small_groups = b > a + 1 && (a..b).all(|k| chunk.group(k).len() <= 2);
    if small_groups && !whole && !run_start {
        return None;
    }
    // Away from the run start only a card (13+ digits) or a dashed SSN (9) can match.
    if !run_start && d < 13 && d != 9 {
        return None;
    }
    let start = chunk.group(a).start;
    let end = chunk.group(b - 1).end;
    let groups = b - a;
    let sep0 = chunk.sep_before(a + 1);
    if (run_start && !left_ok(text, start, groups > 1 && sep0 == b"-"))
        || (run_end && !right_ok(text, end))
    {
        return None;
    }
    let uniform = (a + 1..b).all(|k| chunk.sep_before(k) == sep0);
    let mut lens = [0usize; MAX_SEGMENT_GROUPS];
    for (k, l) in lens.iter_mut().enumerate().take(groups) {
        *l = chunk.group(a + k).len();
    }
    let lens = lens.get(..groups).unwrap_or(&[]);
    let mut buf = [0u8; MAX_CARD];
    let nd = chunk.digits_into(a, b, &mut buf)?;
    let digits = buf.get(..nd).unwrap_or(&[]);
    let span = |kind| Some(Span::new(kind, start, end));

    if d >= 13 && issuer_ok(digits) && luhn_valid(digits) {
        let card_word = || has_context(text, start, CARD_CONTEXT);
        let shaped = card_shape(lens);
        let grouping_ok = if uniform && shaped {
            !small_groups || whole
        } else if shaped && !small_groups {
            // Mixed single separators (`4111-1111 1111.1111`): a typing slip, not a table, as
            // long as nothing else is glued to the number.
            whole || (run_start && card_word())
        } else {
            // Irregular grouping (`601 19778 6592 0949`): Luhn and the issuer prefix pass for
            // a few percent of random digit lists, so a card word must announce it.
            run_start && lens.iter().all(|l| (2..=6).contains(l)) && card_word()
        };
        if grouping_ok
            && !(context_before(text, start, LABEL_WINDOW, NOT_CARD_CONTEXT).is_some()
                && context_before(text, start, CONTEXT_WINDOW, CARD_CONTEXT).is_none())
        {
            return span(Kind::PaymentCard);
        }
    }
    let dashed_ssn =
        lens == [3, 2, 4] && uniform && (sep0 == b"-" || (sep0 == b" " && run_start && run_end));
    if dashed_ssn && ssn_valid(digits) {
        return span(Kind::Ssn);
    }
    if groups == 1 && d == 9 && run_start {
        if ssn_valid(digits) && has_context(text, start, SSN_CONTEXT) {
            return span(Kind::Ssn);
        }
        if aba_valid(digits) && has_context(text, start, ROUTING_CONTEXT) {
            return span(Kind::BankAccount);
        }
    }
    if run_start && d <= 17 && uniform && sep0 != b"." && has_context(text, start, ACCOUNT_CONTEXT)
    {
        return span(Kind::BankAccount);
    }
    None
}

/// True when one of `words` ends within [`CONTEXT_WINDOW`] bytes before `start` with no digit
/// in between.
fn has_context(text: &str, start: usize, words: &[&str]) -> bool {
    context_before(text, start, CONTEXT_WINDOW, words).is_some_and(|e| {
        !text
            .as_bytes()
            .get(e..start)
            .unwrap_or(&[])
            .iter()
            .any(u8::is_ascii_digit)
    })
}

/// True when what precedes `start` lets a number begin there: no word character, no number it
/// would continue (`1.`, `1,`, `1-`, `1/`, `1:`), no identifier glued by `-`/`_`, no sign.
///
/// `dashed` (the first separator is `-`) allows a comma right after a digit: a dashed group
/// cannot continue a thousands-grouped number, so `E-1042,602-31-7784` is a CSV
/// row whose second field is the number.
fn left_ok(text: &str, start: usize, dashed: bool) -> bool {
    let bytes = text.as_bytes();
    let prev = byte_before(bytes, start, 1);
    let prev2 = byte_before(bytes, start, 2);
    let continues = match prev {
        b'.' | b'-' | b'/' | b':' => true,
        // A comma after a plain number continues it (`1,234`, a decimal comma `2,41…`); after
        // an identifier's digits it separates fields (`T-99812,5352513572773658,49.90`).
        b',' => {
            !dashed && (thousands_group_at(bytes, start) || !after_identifier(bytes, start - 1))
        }
        _ => false,
    };
    boundary_before(text, start)
        && !(continues && prev2.is_ascii_digit())
        && !(matches!(prev, b'-' | b'_') && is_word_byte(prev2))
        && prev != b'+'
}

/// True when what follows `end` lets a number end there: no word character and no number it
/// would run into (`.5`, `,5`, `-5`, `/5`, `:5`).
fn right_ok(text: &str, end: usize) -> bool {
    let bytes = text.as_bytes();
    let next = byte_at(bytes, end);
    let runs_on = match next {
        b'.' | b'-' | b'/' | b':' => byte_at(bytes, end + 1).is_ascii_digit(),
        b',' => thousands_group_at(bytes, end + 1),
        _ => false,
    };
    boundary_after(text, end) && !runs_on
}

/// True when the digits ending just before `comma` belong to an identifier (`T-99812`,
/// `E_12`, `id42`) rather than to a number standing on its own.
fn after_identifier(bytes: &[u8], comma: usize) -> bool {
    let mut i = comma;
    while i > 0 && byte_before(bytes, i, 1).is_ascii_digit() {
        i -= 1;
    }
    let before = byte_before(bytes, i, 1);
    before.is_ascii_alphabetic()
        || (matches!(before, b'-' | b'_') && byte_before(bytes, i, 2).is_ascii_alphanumeric())
}

/// True when exactly three digits stand at `pos` (a thousands group, as in `1,234`).
fn thousands_group_at(bytes: &[u8], pos: usize) -> bool {
    (pos..pos + 3).all(|i| byte_at(bytes, i).is_ascii_digit())
        && !byte_at(bytes, pos + 3).is_ascii_digit()
}

/// True for the ways card numbers are written: contiguous, one digit at a time, equal groups
/// (2–6 digits) with a last group no longer than the others, or the Amex/Diners 4-6-5 / 4-6-4.
fn card_shape(lens: &[usize]) -> bool {
    let Some((&last, init)) = lens.split_last() else {
        return false;
    };
    if init.is_empty() || lens.iter().all(|&l| l == 1) || lens == [4, 6, 5] || lens == [4, 6, 4] {
        return true;
    }
    let k = init.first().copied().unwrap_or(0);
    (2..=6).contains(&k) && init.iter().all(|&l| l == k) && last <= k
}

/// True when the digits start with a known issuer prefix (IIN range) and have a length that
/// issuer uses.
fn issuer_ok(d: &[u8]) -> bool {
    let len = d.len();
    if len < 13 {
        return false;
    }
    let p6 = d.iter().take(6).fold(0u32, |acc, &x| {
        acc.saturating_mul(10).saturating_add(u32::from(x % 10))
    });
    let (p1, p2, p3, p4) = (p6 / 100_000, p6 / 10_000, p6 / 1000, p6 / 100);
    let long = (16..=19).contains(&len);
    let visa = p1 == 4 && matches!(len, 13 | 16 | 19);
    let mastercard = ((51..=55).contains(&p2) || (2221..=2720).contains(&p4)) && len == 16;
    let amex = matches!(p2, 34 | 37) && len == 15;
    let discover = (p4 == 6011 || (644..=649).contains(&p3) || p2 == 65) && long;
    let jcb = (3528..=3589).contains(&p4) && long;
    let diners = ((300..=305).contains(&p3) || p4 == 3095 || matches!(p2, 36 | 38 | 39))
        && (14..=19).contains(&len);
    let unionpay = p2 == 62 && long;
    let maestro = matches!(
        p4,
        5018 | 5020 | 5038 | 5893 | 6304 | 6759 | 6761 | 6762 | 6763
    ) && len >= 13;
    let mir = (2200..=2204).contains(&p4) && long;
    let rupay = (p2 == 60 || p3 == 508) && len == 16;
    let troy = p4 == 9792 && len == 16;
    let verve = (506_099..=506_198).contains(&p6) && long;
    visa || mastercard
        || amex
        || discover
        || jcb
        || diners
        || unionpay
        || maestro
        || mir
        || rupay
        || troy
        || verve
}

/// Numbers the SSA voided after they were printed in advertising (078-05-1120 on wallet inserts,
/// 219-09-9999 and 457-55-5462 in ads): they identify nobody.
const VOIDED_SSNS: &[u32] = &[78_051_120, 219_099_999, 457_555_462];

/// SSA validity rules for a 9-digit SSN: area not 000, 666 or 900–999; group not 00; serial
/// not 0000; not one of the [`VOIDED_SSNS`].
fn ssn_valid(d: &[u8]) -> bool {
    if d.len() != 9 {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        d.get(r).unwrap_or(&[]).iter().fold(0u32, |acc, &x| {
            acc.saturating_mul(10).saturating_add(u32::from(x))
        })
    };
    let area = num(0..3);
    area != 0
        && area != 666
        && area < 900
        && num(3..5) != 0
        && num(5..9) != 0
        && !VOIDED_SSNS.contains(&num(0..9))
}

/// ABA routing number check: a Federal Reserve prefix (00–12 banks, 21–32 thrifts, 61–72
/// electronic, 80 traveller's cheques) and 3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9) ≡ 0 mod 10.
fn aba_valid(d: &[u8]) -> bool {
    if d.len() != 9 || d.iter().all(|&x| x == 0) {
        return false;
    }
    let at = |k: usize| u32::from(d.get(k).copied().unwrap_or(0));
    let prefix = at(0) * 10 + at(1);
    let prefix_ok = matches!(prefix, 0..=12 | 21..=32 | 61..=72 | 80);
    let sum = 3 * (at(0) + at(3) + at(6)) + 7 * (at(1) + at(4) + at(7)) + at(2) + at(5) + at(8);
    prefix_ok && sum % 10 == 0
}

/// If an IBAN starts at `s` (two ASCII letters then two digits), the offset just after it.
fn iban_at(text: &str, s: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let cc = [
        byte_at(bytes, s).to_ascii_uppercase(),
        byte_at(bytes, s + 1).to_ascii_uppercase(),
    ];
    let want = IBAN_LENGTHS
        .iter()
        .find(|(c, _)| *c == cc)
        .map(|&(_, l)| l)?;
    let mut chars = [0u8; MAX_IBAN];
    let mut n = 0;
    let mut i = s;
    let mut grouped = None;
    while n < want {
        if n > 0 && n % 4 == 0 {
            let space = byte_at(bytes, i) == b' ';
            if *grouped.get_or_insert(space) != space {
                return None;
            }
            i += usize::from(space);
        }
        let b = byte_at(bytes, i);
        if !b.is_ascii_alphanumeric() {
            return None;
        }
        *chars.get_mut(n)? = b.to_ascii_uppercase();
        n += 1;
        i += 1;
    }
    (boundary_after(text, i) && mod97(chars.get(..n)?) == 1).then_some(i)
}

/// ISO 7064 mod-97-10 remainder of an IBAN (uppercase ASCII letters and digits): the first four
/// characters move to the end and letters count as 10–35.
fn mod97(iban: &[u8]) -> u32 {
    let (head, tail) = iban.split_at(iban.len().min(4));
    let mut r = 0u32;
    for &c in tail.iter().chain(head) {
        r = if c.is_ascii_digit() {
            (r * 10 + u32::from(c - b'0')) % 97
        } else {
            (r * 100 + u32::from(c.saturating_sub(b'A')) + 10) % 97
        };
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::util::test_support::{adversarial_inputs, assert_spans_ok};

    const ALL: &[Kind] = &[Kind::PaymentCard, Kind::Iban, Kind::Ssn, Kind::BankAccount];

    fn found(text: &str) -> Vec<(Kind, &str)> {
        let mut out = Vec::new();
        find(text, &mut out);
        assert_spans_ok(text, &out, ALL);
        out.iter()
            .map(|s| (s.kind, &text[s.start..s.end]))
            .collect()
    }

    #[track_caller]
    fn one(text: &str, kind: Kind, want: &str) {
        assert_eq!(found(text), vec![(kind, want)], "in {text:?}");
    }

    #[track_caller]
    fn none(text: &str) {
        assert_eq!(found(text), Vec::<(Kind, &str)>::new(), "in {text:?}");
    }

    #[test]
    fn cards() {
        use Kind::PaymentCard as C;
        one("card 4111111111111111 exp", C, "4111111111111111");
        one("4111 1111 1111 1111", C, "4111 1111 1111 1111");
        one("4111.1111.1111.1111", C, "4111.1111.1111.1111");
        one("4111-1111-1111-1111.", C, "4111-1111-1111-1111");
        one(
            "4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1",
            C,
            "4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1",
        );
        one("41 11 11 11 11 11 11 11", C, "41 11 11 11 11 11 11 11");
        one("Amex 3782 822463 10005", C, "3782 822463 10005");
        one("378282246310005", C, "378282246310005");
        one("MC 5555555555554444", C, "5555555555554444");
        one("MC 2223003122003222", C, "2223003122003222");
        one("Discover 6011111111111117", C, "6011111111111117");
        one("JCB 3530111333300000", C, "3530111333300000");
        one("Diners 3056 9309 0259 04", C, "3056 9309 0259 04");
        one("UnionPay 6200000000000005", C, "6200000000000005");
        one("(4012888888881881)", C, "4012888888881881");
        // Two cards in one space-separated run, and a card followed by a year.
        assert_eq!(
            found("4111 1111 1111 1111 5555 5555 5555 4444"),
            vec![(C, "4111 1111 1111 1111"), (C, "5555 5555 5555 4444")]
        );
        one("4111 1111 1111 1111 2027", C, "4111 1111 1111 1111");
    }

    #[test]
    fn cards_mixed_or_irregular() {
        use Kind::PaymentCard as C;
        // Mixed single separators: as a whole run, or after a card word.
        one("4111-1111 1111.1111", C, "4111-1111 1111.1111");
        one(
            "Card: 4111-1111 1111.1111 — sorry",
            C,
            "4111-1111 1111.1111",
        );
        one("card: 4111-1111 1111.1111 2027", C, "4111-1111 1111.1111");
        // Irregular grouping only after a card word.
        one(
            "New card is 601 19778 6592 0949 — odd grouping",
            C,
            "601 19778 6592 0949",
        );
        one("Visa 4111 11111 1111 111", C, "4111 11111 1111 111");
        one("my card: 4111-11111.1111 111", C, "4111-11111.1111 111");
        none("my card: 4111-11111.11 111 1");
    }

    #[test]
    fn card_near_misses() {
        none("order 4111111111111112");
        none("order #4532015112830366 shipped; seq=4683809727842585; id: 4111 1111 1111 1111");
        one(
            "order paid by card, id 4111111111111111",
            Kind::PaymentCard,
            "4111111111111111",
        );
        none("order number 1234567812345670 shipped");
        none("tracking 7712 3456 7890 1236 0");
        none("ts 1700000000000 and 1700000000000000");
        none("4111-1111 1111.1111 5");
        none("values 601 19778 6592 0949");
        none("card 4111 1 1111 1111 111 1");
        none("card 41111 11 1111111 1 11");
        none("card 2,4111111111111111 and 0,4111111111111111");
        none("SKU-4111111111111111");
        none("v4111111111111111");
        none("1.4111111111111111");
        none("4111111111111111.5");
        none("+4111111111111111");
        none("IMEI 490154203237518");
        none("41111 1 1111 111111 1");
        none("matrix 4 2 1 6 3 0 3 1 4 6 4 5 3 0 9 5 1 6 1 8");
        none("vec 1 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1");
        none("pairs 10 41 11 11 11 11 11 11 11");
        none("call 415 555 2671 or +1 415 555 2671");
    }

    #[test]
    fn ibans() {
        use Kind::Iban as I;
        one(
            "IBAN: DE89 3704 0044 0532 0130 00.",
            I,
            "DE89 3704 0044 0532 0130 00",
        );
        one("DE89370400440532013000", I, "DE89370400440532013000");
        one(
            "GB82 WEST 1234 5698 7654 32",
            I,
            "GB82 WEST 1234 5698 7654 32",
        );
        one(
            "FR14 2004 1010 0505 0001 3M02 606",
            I,
            "FR14 2004 1010 0505 0001 3M02 606",
        );
        one("NL91ABNA0417164300", I, "NL91ABNA0417164300");
        one(
            "CH93 0076 2011 6238 5295 7",
            I,
            "CH93 0076 2011 6238 5295 7",
        );
        one("BE68 5390 0754 7034", I, "BE68 5390 0754 7034");
        one("NO93 8601 1117 947", I, "NO93 8601 1117 947");
        one(
            "de89 3704 0044 0532 0130 00",
            I,
            "de89 3704 0044 0532 0130 00",
        );
    }

    #[test]
    fn iban_near_misses() {
        none("DE89 3704 0044 0532 0130 01");
        none("DE88370400440532013000");
        none("DE89 3704 0044 0532 0130");
        none("DE8937040044053201300012");
        none("XX89 3704 0044 0532 0130 00");
        none("DE89 37040044 0532013000");
        none("XDE89370400440532013000");
        none("mp3 and H264 codecs, AB12 CD34");
    }

    #[test]
    fn ssns() {
        use Kind::Ssn as S;
        one("SSN 123-45-6789", S, "123-45-6789");
        one("id 078-05-1121 on file", S, "078-05-1121");
        one("123 45 6789", S, "123 45 6789");
        one("SSN: 123456789", S, "123456789");
        one("social security number 234567890", S, "234567890");
        // A CSV field after a numeric field.
        assert_eq!(
            found("employee_id,ssn\nE-1042,602-31-7784,CA\n7,145-77-2031"),
            vec![(S, "602-31-7784"), (S, "145-77-2031")]
        );
        // CSV cells between identifier and date fields: commas separate, not continue.
        assert_eq!(
            found("emp_id,ssn,start\nE-2291,287-65-4390,2021-04-12"),
            vec![(S, "287-65-4390")]
        );
        assert_eq!(
            found("txn,card,amount\nT-99812,5352513572773658,49.90"),
            vec![(Kind::PaymentCard, "5352513572773658")]
        );
    }

    #[test]
    fn ssn_near_misses() {
        none("000-12-3456 666-12-3456 900-12-3456 123-00-6789 123-45-0000");
        none("078-05-1120 and 219-09-9999");
        none("id 123456789");
        none("SSN: 000123456");
        none("1 123 45 6789");
        none("123 45 6789 10");
        none("123-45-6789-1");
        none("12-345-6789");
    }

    #[test]
    fn bank_numbers() {
        use Kind::BankAccount as B;
        one("routing number 021000021", B, "021000021");
        one("ABA: 011000015", B, "011000015");
        one("routingNumber=021000021", B, "021000021");
        one("account number: 12345678", B, "12345678");
        one("Kontonummer 1234567890", B, "1234567890");
        one("acct# 000123456789", B, "000123456789");
        one("checking account 1234-5678-9012", B, "1234-5678-9012");
    }

    #[test]
    fn bank_near_misses() {
        none("021000021");
        none("routing 123456789");
        none("routing 000000000");
        none("bank 991000021");
        none("account 12345678");
        none("account number 12345");
        none("account number 123456789012345678");
        none("account number: see line 2, 12345678");
        none("acct 1.2345678");
    }

    #[test]
    fn helpers() {
        assert!(aba_valid(&[0, 2, 1, 0, 0, 0, 0, 2, 1]));
        assert!(!aba_valid(&[0, 2, 1, 0, 0, 0, 0, 2, 2]));
        assert!(card_shape(&[4, 4, 4, 4]));
        assert!(card_shape(&[4, 4, 4, 3]));
        assert!(!card_shape(&[4, 4, 5]));
        assert!(!card_shape(&[]));
        assert_eq!(mod97(b""), 0);
        assert!(ssn_valid(&[1, 2, 3, 4, 5, 6, 7, 8, 9]));
        assert!(!ssn_valid(&[1, 2, 3]));
    }

    #[test]
    fn no_panic_and_spans_valid() {
        for s in adversarial_inputs() {
            let mut out = Vec::new();
            find(&s, &mut out);
            assert_spans_ok(&s, &out, ALL);
        }
        // A card deep inside a long run of four-digit groups (several chunks) is still found.
        let long = format!("{}4111 1111 1111 1111", "0000 ".repeat(57));
        assert_eq!(
            found(&long),
            vec![(Kind::PaymentCard, "4111 1111 1111 1111")]
        );
    }
}
