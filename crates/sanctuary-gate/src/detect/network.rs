//! IP addresses ([`Kind::IpAddress`]).
//!
//! **IPv4** (found at ASCII digits): exactly four dot-separated decimal octets 0–255, written
//! without leading zeros (`010` is octal to some parsers and decimal to others, and zero-padded
//! quads are far more often dates, versions or identifiers than addresses). The quad must stand
//! alone: not glued to letters or `_` (`v1.2.3.4`, `x1.2.3.4`), not part of a longer dotted
//! number (`1.2.3.4.5`, `a.1.2.3.4`), and not within a few bytes after "version", "ver", "v",
//! "build", "release" or "rev" ("version 1.2.3.4" is a four-part version). An optional `:port` (1–65535)
//! or `/prefix` (0–32) suffix is included in the span.
//!
//! Skipped on purpose, because they identify no host or person and appear in countless configs
//! and tutorials: loopback `127.0.0.0/8`, the unspecified/bind-all address `0.0.0.0` and the
//! limited broadcast `255.255.255.255`. Private ranges (10/8, 192.168/16 …) are reported: they
//! still reveal internal network layout.
//!
//! **IPv6** (found at `:`): hex groups of 1–4 digits, either all eight groups, or fewer with one
//! `::`, optionally ending in an embedded IPv4 quad (`::ffff:192.0.2.1`), plus an optional zone
//! (`%eth0`) or `/prefix` (0–128) suffix. To stay clear of code and clock times:
//! - the token must not touch a word character (`std::fmt::Display`, `Foo::Bar`, `T10:30`);
//! - a full form with every group exactly two hex digits is a MAC-style/EUI-64 identifier, and one
//!   with no group of three or more digits (`1:2:3:4:5:6:7:8`) is a sequence: neither is
//!   reported; six-group MACs (`00:1A:2B:3C:4D:5E`) and times (`10:30:00`) never parse;
//! - a `::` form needs ≥ 2 non-empty groups, at least one decimal digit and at least four hex
//!   digits in all (`a::b`, `Add::add`, `dead::beef` and `1::2` are not addresses);
//! - loopback `::1` and unspecified `::` are skipped (same reason as for IPv4).

use memchr::memchr_iter;

use super::util::{
    RunScanner, boundary_after, boundary_before, byte_at, byte_before, context_before,
    is_word_byte, next_digit, skip_digits,
};
use crate::kind::{Kind, Span};

/// Words after which a dotted quad is a version number.
const VERSION_CONTEXT: &[&str] = &["version", "ver", "v", "build", "release", "rev"];

/// How far back the version words count (bytes): "version 1.2.3.4", "v. 1.2.3.4".
const VERSION_WINDOW: usize = 10;

/// Longest IPv6 token considered: 45 characters is the longest textual form (with an embedded
/// IPv4 quad).
const MAX_V6: usize = 45;

/// Longest IPv6 zone identifier kept (interface names are short).
const MAX_ZONE: usize = 16;

/// Reports every IPv4 and IPv6 address in `text`.
pub(crate) fn find(text: &str, out: &mut Vec<Span>) {
    let v6_from = out.len();
    find_v6(text, out);
    let v6_to = out.len();
    find_v4(text, out, v6_from..v6_to);
}

/// IPv4 dotted quads. `v6` indexes the IPv6 spans already in `out` (in text order): a quad
/// embedded in one of them is part of that address, not a second finding.
fn find_v4(text: &str, out: &mut Vec<Span>, v6: std::ops::Range<usize>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut v6_cursor = v6.start;
    let mut runs = RunScanner::new(bytes);
    while let Some(p) = next_digit(bytes, i) {
        let mut quad = None;
        let end = runs.scan(
            p,
            1,
            |b| b == b'.',
            |chunk| {
                if chunk.is_run_start() && chunk.is_run_end() && chunk.len() == 4 {
                    let mut octets = [0u32; 4];
                    let mut ok = true;
                    for (k, o) in octets.iter_mut().enumerate() {
                        let g = chunk.group(k);
                        let digits = bytes.get(g.start..g.end).unwrap_or(&[]);
                        ok &= (1..=3).contains(&digits.len())
                            && !(digits.len() > 1 && digits.first() == Some(&b'0'));
                        *o = digits.iter().fold(0u32, |acc, &x| {
                            acc.saturating_mul(10)
                                .saturating_add(u32::from(x.wrapping_sub(b'0') % 10))
                        });
                        ok &= *o <= 255;
                    }
                    if ok {
                        quad = Some(octets);
                    }
                }
            },
        );
        i = end.max(p + 1);
        let Some(o) = quad else {
            continue;
        };
        while v6_cursor < v6.end && out.get(v6_cursor).is_some_and(|s| s.end <= p) {
            v6_cursor += 1;
        }
        if v6_cursor < v6.end && out.get(v6_cursor).is_some_and(|s| s.start <= p) {
            continue;
        }
        let special = o[0] == 127 || o == [0, 0, 0, 0] || o == [255, 255, 255, 255];
        let prev = byte_before(bytes, p, 1);
        let glued = !boundary_before(text, p) || prev == b'.' || !boundary_after(text, end);
        if special || glued || context_before(text, p, VERSION_WINDOW, VERSION_CONTEXT).is_some() {
            continue;
        }
        let span_end = suffix_end(bytes, end, 32).unwrap_or(end);
        out.push(Span::new(Kind::IpAddress, p, span_end));
        i = i.max(span_end);
    }
}

/// If a `:port` (1–65535) or `/prefix` (0–`max_prefix`) follows at `end`, the offset after it.
fn suffix_end(bytes: &[u8], end: usize, max_prefix: u32) -> Option<usize> {
    let kind = byte_at(bytes, end);
    if kind != b':' && kind != b'/' {
        return None;
    }
    let s = end + 1;
    let e = skip_digits(bytes, s);
    let digits = bytes.get(s..e)?;
    let next = byte_at(bytes, e);
    if digits.is_empty()
        || digits.len() > 5
        || is_word_byte(next)
        || (next == b'.' && byte_at(bytes, e + 1).is_ascii_digit())
    {
        return None;
    }
    let v = digits.iter().fold(0u32, |acc, &x| {
        acc.saturating_mul(10)
            .saturating_add(u32::from(x.wrapping_sub(b'0')))
    });
    let ok = if kind == b':' {
        (1..=65_535).contains(&v)
    } else {
        v <= max_prefix && digits.len() <= 3
    };
    ok.then_some(e)
}

/// True for the bytes an IPv6 token is made of.
fn is_v6_byte(b: u8) -> bool {
    b.is_ascii_hexdigit() || b == b':' || b == b'.'
}

/// IPv6 addresses, anchored on `:`.
fn find_v6(text: &str, out: &mut Vec<Span>) {
    let bytes = text.as_bytes();
    let mut resume = 0;
    for c in memchr_iter(b':', bytes) {
        if c < resume {
            continue;
        }
        // Token: hex digits and colons to the left (dots only occur in a trailing IPv4 part),
        // hex digits, colons and dots to the right; both bounded.
        let mut start = c;
        while start > 0 && c - start < MAX_V6 {
            let b = byte_at(bytes, start - 1);
            if b.is_ascii_hexdigit() || b == b':' {
                start -= 1;
            } else {
                break;
            }
        }
        let mut end = c;
        while end - start < MAX_V6 + 1 && is_v6_byte(byte_at(bytes, end)) {
            end += 1;
        }
        if is_v6_byte(byte_before(bytes, start, 1)) || is_v6_byte(byte_at(bytes, end)) {
            // Longer than any address: skip the whole hex/colon run in one go.
            while is_v6_byte(byte_at(bytes, end)) {
                end += 1;
            }
            resume = end;
            continue;
        }
        resume = end;
        // A sentence may end right after the address: drop trailing dots and a lone colon.
        while end > c + 1 && byte_at(bytes, end - 1) == b'.' {
            end -= 1;
        }
        if byte_before(bytes, end, 1) == b':' && byte_before(bytes, end, 2) != b':' {
            end -= 1;
        }
        let Some(token) = bytes.get(start..end) else {
            continue;
        };
        if token.len() > MAX_V6 || !boundary_before(text, start) {
            continue;
        }
        if !v6_ok(token) {
            continue;
        }
        // Optional zone or prefix length.
        let mut span_end = end;
        if byte_at(bytes, end) == b'%' {
            let mut z = end + 1;
            while z - end <= MAX_ZONE
                && (is_word_byte(byte_at(bytes, z)) || matches!(byte_at(bytes, z), b'.' | b'-'))
            {
                z += 1;
            }
            if z > end + 1 {
                span_end = z;
            }
        } else if let Some(e) = suffix_end(bytes, end, 128).filter(|_| byte_at(bytes, end) == b'/')
        {
            span_end = e;
        }
        if !boundary_after(text, span_end) {
            continue;
        }
        out.push(Span::new(Kind::IpAddress, start, span_end));
        resume = resume.max(span_end);
    }
}

/// Parses an IPv6 token and applies the plausibility rules in the module documentation.
fn v6_ok(token: &[u8]) -> bool {
    let double = token.windows(2).filter(|w| w == b"::").count();
    if double > 1 || token.windows(3).any(|w| w == b":::") {
        return false;
    }
    let (left, right) = if double == 1 {
        let at = token.windows(2).position(|w| w == b"::").unwrap_or(0);
        (
            token.get(..at).unwrap_or(&[]),
            token.get(at + 2..).unwrap_or(&[]),
        )
    } else {
        (token, &[][..])
    };
    let mut groups = 0usize;
    let mut hex_digits = 0usize;
    let mut all_two = true;
    let mut longest = 0usize;
    let mut has_decimal = false;
    let parts_left = if left.is_empty() {
        0
    } else {
        left.split(|&b| b == b':').count()
    };
    let parts_right = if right.is_empty() {
        0
    } else {
        right.split(|&b| b == b':').count()
    };
    let total_parts = parts_left + parts_right;
    let mut idx = 0usize;
    for part in left
        .split(|&b| b == b':')
        .filter(|_| !left.is_empty())
        .chain(right.split(|&b| b == b':').filter(|_| !right.is_empty()))
    {
        idx += 1;
        let is_last = idx == total_parts;
        if part.contains(&b'.') {
            if !is_last || !v4_embedded(part) {
                return false;
            }
            groups += 2;
            hex_digits += part.len();
            has_decimal = true;
            all_two = false;
            continue;
        }
        if part.is_empty() || part.len() > 4 || !part.iter().all(u8::is_ascii_hexdigit) {
            return false;
        }
        groups += 1;
        hex_digits += part.len();
        all_two &= part.len() == 2;
        longest = longest.max(part.len());
        has_decimal |= part.iter().any(u8::is_ascii_digit);
    }
    if double == 0 {
        groups == 8 && !all_two && longest >= 3
    } else {
        groups <= 7 && total_parts >= 2 && has_decimal && hex_digits >= 4
    }
}

/// True for a dotted quad of decimal octets 0–255 (no leading zeros) inside an IPv6 token.
fn v4_embedded(part: &[u8]) -> bool {
    let mut n = 0;
    for octet in part.split(|&b| b == b'.') {
        n += 1;
        if octet.is_empty() || octet.len() > 3 || !octet.iter().all(u8::is_ascii_digit) {
            return false;
        }
        if octet.len() > 1 && octet.first() == Some(&b'0') {
            return false;
        }
        let v = octet.iter().fold(0u32, |acc, &x| {
            acc.saturating_mul(10)
                .saturating_add(u32::from(x.wrapping_sub(b'0')))
        });
        if v > 255 {
            return false;
        }
    }
    n == 4
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::util::test_support::{adversarial_inputs, assert_spans_ok, found_texts};

    fn found(text: &str) -> Vec<&str> {
        found_texts(find, &[Kind::IpAddress], text)
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
    fn ipv4() {
        one("host 192.168.1.10 is up", "192.168.1.10");
        one("connect to 10.0.0.1:8080/path", "10.0.0.1:8080");
        one("subnet 172.16.0.0/12.", "172.16.0.0/12");
        one("(8.8.8.8)", "8.8.8.8");
        one("ip=203.0.113.255,", "203.0.113.255");
        one("1.2.3.4", "1.2.3.4");
        one("from 10.0.0.1.", "10.0.0.1");
        one("at 10.1.2.3:99999", "10.1.2.3");
        one("é 1.1.1.1 é", "1.1.1.1");
        assert_eq!(found("10.0.0.1-10.0.0.255"), vec!["10.0.0.1", "10.0.0.255"]);
    }

    #[test]
    fn ipv4_near_misses() {
        none("127.0.0.1 and 127.1.2.3 and 0.0.0.0 and 255.255.255.255");
        none("1.2.3.4.5 and a.1.2.3.4");
        none("v1.2.3.4 and version 1.2.3.4 and ver. 10.0.0.1 and build 1.0.0.12");
        none("256.1.1.1 and 1.2.3.999");
        none("01.02.03.04 and 192.168.001.001");
        none("1.2.3 and 10.30.00");
        none("x1.2.3.4 and 1.2.3.4x and 1.2.3.4_");
        none("3.14159");
        none("15.01.2024");
    }

    #[test]
    fn ipv6() {
        one("addr 2001:db8::1 ok", "2001:db8::1");
        one(
            "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
            "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
        );
        one("link fe80::1%eth0 up", "fe80::1%eth0");
        one("mapped ::ffff:192.0.2.128", "::ffff:192.0.2.128");
        one("[2001:db8::1]:443", "2001:db8::1");
        one("prefix 2001:db8::/32.", "2001:db8::/32");
        one("FE80::ABCD:1234", "FE80::ABCD:1234");
        one("ends 2001:db8:0:0:0:0:2:1.", "2001:db8:0:0:0:0:2:1");
        one("ff02::1", "ff02::1");
        one("use 2001:db8::1:", "2001:db8::1");
    }

    #[test]
    fn ipv6_near_misses() {
        none("std::fmt::Display and a::b and Foo::Bar");
        none("Add::add and dead::beef and 1::2");
        none("at 10:30:00 or 10:30");
        none("MAC 00:1A:2B:3C:4D:5E");
        none("EUI 00:1A:2B:FF:FE:3C:4D:5E");
        none("::1 and :: and [::1]:8080");
        none("2001:db8::1::2");
        none("2001:db8:::1");
        none("12345::1");
        none("x2001:db8::1");
        none("2001:db8::1x");
        none("1:2:3:4:5:6:7");
        none("1:2:3:4:5:6:7:8:9");
        none("1:2:3:4:5:6:7:8");
        none("::ffff:1.2.3");
        none("Note: see ratio 1:2:3");
        none("2024-01-15T10:30:00Z");
    }

    #[test]
    fn no_panic_and_spans_valid() {
        for s in adversarial_inputs() {
            let mut out = Vec::new();
            find(&s, &mut out);
            assert_spans_ok(&s, &out, &[Kind::IpAddress]);
        }
    }
}
