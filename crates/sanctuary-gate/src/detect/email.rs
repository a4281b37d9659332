//! E-mail addresses ([`Kind::Email`]).
//!
//! Three "at" forms are recognised, each found with a fast byte search:
//! - `@` itself (memchr), with the local part directly before and the domain directly after, or
//!   with a single space on one or both sides (`kai.brandt @ example.org`), which is judged
//!   like the bare word ` at ` below (a handle and a common TLD), since `X_train @ model.coef`
//!   is matrix multiplication;
//! - a bracketed word: `[at]`, `(at)`, `{at}` (any case, optional inner and outer spaces);
//! - the bare word ` at ` between single spaces (any case).
//!
//! The domain is a dot-separated list of labels (ASCII letters, digits, `-`, and non-ASCII
//! letters for internationalised names); the dots may be literal, bracketed (`[dot]`, `(dot)`,
//! `{dot}`) or the bare word ` dot `. The span runs from the local part's first character to the
//! end of the last label (a sentence-final `.` is not included).
//!
//! Acceptance, by strength of the signal:
//! - `@` or bracketed at, literal or bracketed dots: ≥ 2 labels and a top-level label of ≥ 2
//!   letters (or an `xn--` punycode label).
//! - any bare-word `dot`: the top-level label must be a common TLD ([`OBFUSCATION_TLDS`]) and the
//!   first domain label must not be a determiner ("look at this dot com" is prose). With a
//!   bare-word `at` as well, the local part must look like a handle (see below), or the text be
//!   all caps (`JOHN AT EXAMPLE DOT COM`), or a mail word ("email", "contact", "write to" …)
//!   precede it; and it must not be a pronoun ("reach me at example dot com" names a website,
//!   "stared at google dot com" is prose).
//! - bare-word `at` with only literal dots ("john.doe at example.com"): the TLD must be common
//!   and the local part must look like a handle (letters plus `.`, `_`, `+`, `-` or a digit, not
//!   ending in a dot), because "look at example.com", "published at crates.io" and "e.g. at
//!   example.com" are ordinary English.
//!
//! Deliberately not reported: `@mentions`, decorators and CSS at-rules (no local part), npm scopes
//! (`@types/node`), `user@localhost` (no dot), version pins such as `pkg@1.2.3` or `mod@v1.2.3`
//! (the top-level label is not alphabetic), retina asset names (`logo@2x.png`), and `git@host`
//! SSH remotes (`git@github.com:org/repo.git`): `git` is the generic user every Git host uses, so
//! the address identifies nobody. Any local part spelled exactly `git` is passed for that reason.
//! Quoted local parts and IP-literal domains (`"a b"@x.com`, `a@[10.0.0.1]`) are out of scope.

use memchr::memmem;

use super::util::{CONTEXT_WINDOW, byte_at, context_before};
use crate::kind::{Kind, Span};

/// Longest local part considered, in bytes (RFC 5321 allows 64; a little slack for odd input).
const MAX_LOCAL: usize = 80;
/// Longest domain label, in bytes (RFC 1035).
const MAX_LABEL: usize = 63;
/// Most labels read after an "at"; real addresses rarely have more than five.
const MAX_LABELS: usize = 10;

/// Top-level domains accepted for the weaker, word-based obfuscations. Short on purpose: a
/// bare-word form is only believable with a TLD people actually spell out.
const OBFUSCATION_TLDS: &[&str] = &[
    "com", "net", "org", "edu", "gov", "mil", "int", "io", "co", "me", "info", "biz", "ai", "app",
    "dev", "email", "mail", "xyz", "online", "us", "uk", "ca", "au", "nz", "ie", "de", "at", "ch",
    "fr", "it", "es", "pt", "nl", "be", "lu", "dk", "se", "no", "fi", "is", "pl", "cz", "sk", "hu",
    "ro", "bg", "gr", "ru", "ua", "tr", "il", "in", "jp", "cn", "kr", "tw", "hk", "sg", "br", "mx",
    "ar", "cl", "za", "eu",
];

/// First domain labels that show a bare-word "dot" form is ordinary prose ("at this dot com").
const DETERMINERS: &[&str] = &[
    "the", "this", "that", "these", "those", "a", "an", "my", "your", "our", "his", "her", "their",
    "its", "any", "some", "every", "each", "one", "home", "work", "least", "most",
];

/// Local parts that show a bare-word "at" is prose ("reach me at example dot com" names a site).
const PRONOUNS: &[&str] = &[
    "i", "me", "you", "he", "him", "she", "her", "it", "we", "us", "they", "them",
];

/// Words that make a bare-word "john at example dot com" believable when the local part is a
/// plain word.
const EMAIL_CONTEXT: &[&str] = &[
    "email*", "e-mail*", "mail*", "contact*", "write to", "send to", "address*",
];

/// How an "at" or a "dot" was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// The real character (`@` or `.`).
    Symbol,
    /// A bracketed word: `[at]`, `(dot)` …
    Bracket,
    /// A bare word between spaces: ` at `, ` dot `.
    Word,
}

/// Reports every e-mail address in `text`.
pub(crate) fn find(text: &str, out: &mut Vec<Span>) {
    let bytes = text.as_bytes();
    for at in memchr::memchr_iter(b'@', bytes) {
        let space_before = at > 0 && byte_at(bytes, at - 1) == b' ';
        let space_after = byte_at(bytes, at + 1) == b' ';
        if space_before || space_after {
            // "kai.brandt @ example.org": one space on either side is as weak a signal as the
            // bare word "at", so the same rules apply.
            let local_end = at - usize::from(space_before);
            let domain_start = at + 1 + usize::from(space_after);
            if !(local_end > 0 && byte_at(bytes, local_end - 1) == b' ')
                && byte_at(bytes, domain_start) != b' '
            {
                try_address(text, local_end, domain_start, Form::Word, false, out);
            }
        } else {
            try_address(text, at, at + 1, Form::Symbol, false, out);
        }
    }
    // Bracketed "at": every opening bracket is checked in O(1).
    let mut pos = 0;
    while let Some(off) = bytes
        .get(pos..)
        .and_then(|r| memchr::memchr3(b'[', b'(', b'{', r))
    {
        let open = pos + off;
        pos = open + 1;
        if let Some(after) = bracket_word(bytes, open, b"at") {
            let before = trim_spaces_back(bytes, open);
            try_address(
                text,
                before,
                skip_spaces(bytes, after),
                Form::Bracket,
                false,
                out,
            );
        }
    }
    // Bare-word "at" in the three usual casings.
    for needle in [" at ", " AT ", " At "] {
        let shout = needle == " AT ";
        for p in memmem::find_iter(bytes, needle.as_bytes()) {
            try_address(text, p, p + needle.len(), Form::Word, shout, out);
        }
    }
}

/// Tries an address whose local part ends at `local_end` and whose domain starts at
/// `domain_start`; pushes a span when one is accepted. `shout` marks an all-caps ` AT `.
fn try_address(
    text: &str,
    local_end: usize,
    domain_start: usize,
    at: Form,
    shout: bool,
    out: &mut Vec<Span>,
) {
    let bytes = text.as_bytes();
    let Some(local_start) = local_part_start(text, local_end) else {
        return;
    };
    let local = text.get(local_start..local_end).unwrap_or("");
    if at == Form::Symbol && local.eq_ignore_ascii_case("git") {
        return;
    }
    // Parse labels and the separators between them.
    let mut labels = [(0usize, 0usize); MAX_LABELS];
    let mut dots = [(Form::Symbol, false); MAX_LABELS];
    let mut n = 0;
    let mut pos = domain_start;
    while n < MAX_LABELS {
        let end = label_end(text, pos);
        let len = end - pos;
        if len == 0
            || len > MAX_LABEL
            || byte_at(bytes, pos) == b'-'
            || byte_at(bytes, end - 1) == b'-'
        {
            break;
        }
        if let Some(slot) = labels.get_mut(n) {
            *slot = (pos, end);
        }
        n += 1;
        let Some((form, next)) = dot_at(text, end) else {
            break;
        };
        if let Some(slot) = dots.get_mut(n) {
            let upper =
                form == Form::Word && bytes.get(end + 1..end + 4) == Some(b"DOT".as_slice());
            *slot = (form, upper);
        }
        pos = next;
    }
    // Longest acceptable prefix of the labels wins.
    let mut k = n;
    while k >= 2 {
        let cand = Candidate {
            local,
            local_start,
            at,
            shout,
            labels: labels.get(..k).unwrap_or(&[]),
            dots: dots.get(1..k).unwrap_or(&[]),
        };
        if accept(text, &cand) {
            let end = labels.get(k - 1).map_or(local_end, |l| l.1);
            out.push(Span::new(Kind::Email, local_start, end));
            return;
        }
        k -= 1;
    }
}

/// One possible address: a local part, how the "at" was written, and domain labels with the
/// separators between them.
#[derive(Debug)]
struct Candidate<'a> {
    /// The local part.
    local: &'a str,
    /// Offset of the local part.
    local_start: usize,
    /// How the "at" was written.
    at: Form,
    /// The "at" was the all-caps word ` AT `.
    shout: bool,
    /// Byte ranges of the domain labels.
    labels: &'a [(usize, usize)],
    /// The separator before each label after the first: its form and whether it was an
    /// all-caps ` DOT `.
    dots: &'a [(Form, bool)],
}

/// Decides whether a candidate is an address. See the module documentation for the rules.
fn accept(text: &str, c: &Candidate<'_>) -> bool {
    let (local, at, labels) = (c.local, c.at, c.labels);
    let label = |k: usize| {
        labels
            .get(k)
            .and_then(|&(a, b)| text.get(a..b))
            .unwrap_or("")
    };
    let first = label(0);
    let tld = label(labels.len().saturating_sub(1));
    // The checks below are closures so that the common case (a real `@` with literal dots) pays
    // only for the one it needs.
    let tld_ok = || {
        let letters = tld.chars().nth(1).is_some() && tld.chars().all(char::is_alphabetic);
        letters || (tld.len() > 4 && tld.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("xn--")))
    };
    let common_tld = || OBFUSCATION_TLDS.iter().any(|t| t.eq_ignore_ascii_case(tld));
    let pronoun = || PRONOUNS.iter().any(|p| p.eq_ignore_ascii_case(local));
    // A handle: letters plus `.`, `_`, `+`, `-` or digits, not ending in a dot ("e.g." and
    // "3.2" are not handles).
    let handle = || {
        local.chars().any(char::is_alphabetic)
            && !local.ends_with('.')
            && local
                .bytes()
                .any(|b| matches!(b, b'.' | b'_' | b'+' | b'-') || b.is_ascii_digit())
    };
    // Retina asset names: "logo@2x.png", "icon@3x.webp".
    if at == Form::Symbol && labels.len() == 2 {
        let f = first.as_bytes();
        if f.len() >= 2
            && f.last() == Some(&b'x')
            && f.iter().take(f.len() - 1).all(u8::is_ascii_digit)
        {
            return false;
        }
    }
    if c.dots.iter().any(|d| d.0 == Form::Word) {
        if !common_tld() || DETERMINERS.iter().any(|d| d.eq_ignore_ascii_case(first)) {
            return false;
        }
        if at != Form::Word {
            return true;
        }
        // "john at example dot com": believable for a handle, in all caps, or after a mail word;
        // "stared at google dot com" is prose.
        let shouting = c.shout && c.dots.iter().all(|d| d.0 != Form::Word || d.1);
        return !pronoun()
            && (handle()
                || shouting
                || context_before(text, c.local_start, CONTEXT_WINDOW, EMAIL_CONTEXT).is_some());
    }
    match at {
        Form::Symbol | Form::Bracket => tld_ok(),
        Form::Word if c.dots.iter().any(|d| d.0 == Form::Bracket) => tld_ok() && !pronoun(),
        Form::Word => common_tld() && handle(),
    }
}

/// True for a character allowed in a local part: ASCII letters and digits, `.`, `_`, `%`, `+`,
/// `-`, `'`, and letters/digits of other scripts. The rarer RFC 5322 symbols (`/`, `=`, `?` …)
/// are left out because in practice they belong to surrounding URLs and code.
fn is_local_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, '.' | '_' | '%' | '+' | '-' | '\'')
        || (!c.is_ascii() && c.is_alphanumeric())
}

/// The start of the local part ending at `end`, or `None` when there is none. Reads at most
/// [`MAX_LOCAL`] bytes back, stops at `..`, and trims leading punctuation (a quote or dot before
/// the name is not part of it).
fn local_part_start(text: &str, end: usize) -> Option<usize> {
    let head = text.get(..end)?;
    let mut start = end;
    let mut prev_dot = false;
    for (i, c) in head.char_indices().rev() {
        if !is_local_char(c) || end - i > MAX_LOCAL {
            break;
        }
        if c == '.' && prev_dot {
            // ".." cannot occur in a local part; keep what follows it.
            start = i + 2;
            break;
        }
        prev_dot = c == '.';
        start = i;
    }
    let local = text.get(start..end)?;
    let skip = local
        .char_indices()
        .find(|&(_, c)| c.is_alphanumeric())
        .map(|(i, _)| i)?;
    Some(start + skip)
}

/// The end of the domain label starting at `pos` (`pos` when there is none).
fn label_end(text: &str, pos: usize) -> usize {
    let Some(rest) = text.get(pos..) else {
        return pos;
    };
    let mut end = pos;
    for (i, c) in rest.char_indices() {
        let ok = c.is_ascii_alphanumeric() || c == '-' || (!c.is_ascii() && c.is_alphanumeric());
        if !ok || i > MAX_LABEL {
            break;
        }
        end = pos + i + c.len_utf8();
    }
    end
}

/// Recognises a label separator at `pos` (just after a label): a literal `.` followed by a label
/// character, a bracketed `dot`, or ` dot `. Returns its form and where the next label starts.
fn dot_at(text: &str, pos: usize) -> Option<(Form, usize)> {
    let bytes = text.as_bytes();
    if byte_at(bytes, pos) == b'.' {
        let next = pos + 1;
        return (label_end(text, next) > next).then_some((Form::Symbol, next));
    }
    if let Some(after) = bracket_word(bytes, skip_spaces(bytes, pos), b"dot") {
        return Some((Form::Bracket, skip_spaces(bytes, after)));
    }
    let w = bytes.get(pos..pos + 5)?;
    (w.first() == Some(&b' ')
        && w.get(1..4).is_some_and(|d| d.eq_ignore_ascii_case(b"dot"))
        && w.get(4) == Some(&b' '))
    .then_some((Form::Word, pos + 5))
}

/// If a bracketed `word` (`[at]`, `( AT )`, `{dot}` …) starts at `open`, the offset after its
/// closing bracket. At most one space is allowed inside each side of the brackets.
fn bracket_word(bytes: &[u8], open: usize, word: &[u8]) -> Option<usize> {
    let close = match byte_at(bytes, open) {
        b'[' => b']',
        b'(' => b')',
        b'{' => b'}',
        _ => return None,
    };
    let mut i = open + 1;
    if byte_at(bytes, i) == b' ' {
        i += 1;
    }
    let w = bytes.get(i..i + word.len())?;
    if !w.eq_ignore_ascii_case(word) {
        return None;
    }
    i += word.len();
    if byte_at(bytes, i) == b' ' {
        i += 1;
    }
    (byte_at(bytes, i) == close).then_some(i + 1)
}

/// `pos` advanced over at most two spaces.
fn skip_spaces(bytes: &[u8], pos: usize) -> usize {
    let mut i = pos;
    while i < pos + 2 && byte_at(bytes, i) == b' ' {
        i += 1;
    }
    i
}

/// `pos` moved back over at most two spaces.
fn trim_spaces_back(bytes: &[u8], pos: usize) -> usize {
    let mut i = pos;
    while i + 2 > pos && i > 0 && byte_at(bytes, i - 1) == b' ' {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::util::test_support::{adversarial_inputs, assert_spans_ok, found_texts};

    fn found(text: &str) -> Vec<&str> {
        let mut v = found_texts(find, &[Kind::Email], text);
        v.sort_unstable();
        v
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
    fn standard_addresses() {
        one(
            "write to john.doe@example.com today",
            "john.doe@example.com",
        );
        one(
            "jane+news@mail.example.co.uk.",
            "jane+news@mail.example.co.uk",
        );
        one("<a.b-c_d99@sub.domain.org>", "a.b-c_d99@sub.domain.org");
        one("mailto:USER@EXAMPLE.COM", "USER@EXAMPLE.COM");
        one("John.Doe@Example.Com, next", "John.Doe@Example.Com");
        one("\"o'brien@example.ie\"", "o'brien@example.ie");
        one("'quoted@example.com'", "quoted@example.com");
        one("josé@correo.españa.es", "josé@correo.españa.es");
        one("user@münchen.de", "user@münchen.de");
        one("a@xn--80ak6aa92e.xn--p1ai", "a@xn--80ak6aa92e.xn--p1ai");
        one("x..y@example.com", "y@example.com");
        one("(contact: bob@example.net)", "bob@example.net");
        one("ssh://deploy@example.com/repo", "deploy@example.com");
        one("日本語のテキスト test@example.jp です", "test@example.jp");
    }

    #[test]
    fn obfuscated_addresses() {
        one("john.doe at example dot com", "john.doe at example dot com");
        one(
            "mail john at example dot com please",
            "john at example dot com",
        );
        one("JOHN AT EXAMPLE DOT COM", "JOHN AT EXAMPLE DOT COM");
        one("john [at] example [dot] com", "john [at] example [dot] com");
        one("john(at)example(dot)com", "john(at)example(dot)com");
        one("john{AT}example{DOT}org", "john{AT}example{DOT}org");
        one(
            "john [ at ] mail [ dot ] example [ dot ] com",
            "john [ at ] mail [ dot ] example [ dot ] com",
        );
        one("john[at]example.com", "john[at]example.com");
        one("john.doe at gmail.com", "john.doe at gmail.com");
        one("john_doe at example.org", "john_doe at example.org");
        one("john at example [dot] net", "john at example [dot] net");
        one("e-mail: jane at example dot org", "jane at example dot org");
        one("john@example dot com", "john@example dot com");
        one("john@example[dot]com", "john@example[dot]com");
        one(
            "Contact: kai.brandt @ example.org (spaces on purpose).",
            "kai.brandt @ example.org",
        );
        one("kai.brandt @example.org", "kai.brandt @example.org");
        one("kai_brandt@ example.org", "kai_brandt@ example.org");
        one("j.doe @ example dot com", "j.doe @ example dot com");
    }

    #[test]
    fn near_misses() {
        none("@Override public void run()");
        none("@app.route('/')");
        none("import x from '@types/node'");
        none("npm i @scope/pkg@1.2.3 lodash@4.17.21");
        none("go get example.com/mod@v1.2.3");
        none("user@localhost");
        none("ping @john and @jane");
        none("@media screen { }");
        none("git@github.com:org/repo.git");
        none("git clone ssh://git@gitlab.com/org/repo.git");
        none("logo@2x.png and icon@3x.webp");
        none("x = a@b.T");
        none("look at example.com for details");
        none("published at crates.io");
        none("look at this dot com bubble");
        none("I stared at Google dot com for hours");
        none("reach me at example dot com");
        none("John At Example Dot Com");
        none("email: reach me at example [dot] com");
        none("meet at noon dot");
        none("arrive at 5 dot 30");
        none("look at the data");
        none("@ example.com");
        none("a @ b");
        none("result = X_train @ model.coef_");
        none("y = weights @ inputs.T");
        none("meet john @ example.com");
        none("kai.brandt  @  example.org");
        none("ping @ example.org");
        none("[at] example [dot] com");
        none("see e.g. at example.com or section 3.2 at example.org");
        none("email@");
        none("foo@-bar.com");
        none("foo@bar.c");
        none("foo@bar.123");
    }

    #[test]
    fn full_extent_and_trailing_dot() {
        let t = "Reach me at first.last@corp.example.com.";
        let mut out = Vec::new();
        find(t, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(&t[out[0].start..out[0].end], "first.last@corp.example.com");
        assert_eq!(&t[out[0].end..], ".");
    }

    #[test]
    fn several_in_one_text() {
        assert_eq!(
            found("a@example.com, b@example.org; c [at] example [dot] net"),
            vec!["a@example.com", "b@example.org", "c [at] example [dot] net"]
        );
    }

    #[test]
    fn no_panic_and_spans_valid() {
        for s in adversarial_inputs() {
            let mut out = Vec::new();
            find(&s, &mut out);
            assert_spans_ok(&s, &out, &[Kind::Email]);
        }
        // Long local parts and long labels are bounded, not rejected wholesale.
        let long = format!("{}@example.com", "a".repeat(500));
        let v = found(&long);
        assert_eq!(v.len(), 1);
        assert!(v[0].len() <= MAX_LOCAL + 12);
        none(&format!("x@{}.com", "a".repeat(100)));
    }
}
