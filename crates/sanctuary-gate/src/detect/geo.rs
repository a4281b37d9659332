//! GPS coordinates ([`Kind::Coordinates`]).
//!
//! The written forms below are found by fast byte searches (`.`, the degree sign, `deg` and
//! `geo:`):
//!
//! 1. **Hemisphere forms**: degrees-minutes-seconds `37°46'29.6"N 122°25'09.8"W`, degrees-minutes
//!    `N 47° 36.123 W 122° 19.456`, decimal degrees `51.5007° N, 0.1246° W` or `40.7128 N,
//!    74.0060 W`. Both components need a hemisphere letter (uppercase, before or after), one
//!    N/S and one E/W, in either order; minutes and seconds must be below 60; without a degree
//!    sign or minutes, each number needs ≥ 3 decimals. `'`, `′`, `’` mark minutes; `"`, `″`,
//!    `′′` (what NFKC makes of `″`), `''` and `”` mark seconds. The words `deg`, `degree`,
//!    `degrees` stand for the degree sign (exiftool prints `40 deg 44' 54.36" N`).
//!
//!    A *single* component counts when a label announces it ([`labelled_single`]): one with a
//!    hemisphere letter right after "lat"/"latitude" (N/S) or "lon"/"lng"/"long"/"longitude"
//!    (E/W), as in exiftool's `GPS Latitude : 40 deg 44' 54.36" N` on its own line; or a plain
//!    decimal with ≥ 4 decimals right after the full word "latitude" or "longitude".
//! 2. **Decimal pairs** `37.7749, -122.4194`, `48.8584 2.2945` (a comma, semicolon or slash
//!    and/or up to two spaces between; a degree sign after each number is tolerated). Plain decimal pairs are
//!    everywhere in technical text, so the rules are:
//!    - latitude first in [-90, 90], longitude in [-180, 180];
//!    - without a context word (lat, lon, lng, latitude, longitude, coordinates, coords, GPS) in
//!      the [`CONTEXT_WINDOW`] bytes before: both numbers have 4–8 decimals *and* at least one
//!      has magnitude ≥ 10, which passes probabilities, weights and constants
//!      (`0.1234, 0.5678`, `3.14159, 2.71828`) at the cost of missing context-free coordinates
//!      within 10° of both the equator and the prime meridian (Gulf of Guinea, e.g. Accra);
//!    - without a context word, also not right after a statistics or price word (score, mean,
//!      loss, ratio, price, weight, min, max … in the 16 bytes before);
//!    - with a context word: 3–15 decimals, and longitude-first order (GeoJSON) is accepted too;
//!    - never inside a longer list of numbers (`[0.1234, 0.5678, 0.9012]` is a vector), never
//!      glued to letters, another dotted number, `$` or `%`.
//!
//!    Labelled pairs such as `lat 51.5007 lon -0.1246`, `"lat": 51.5007, "lng": -0.1246` or
//!    `lat=51.5007&lon=-0.1246` are accepted with ≥ 3 decimals; the span covers both numbers and
//!    the label between them.
//! 3. **`geo:` URIs** (RFC 5870): `geo:37.786971,-122.399677;u=35`, whole URI including an
//!    altitude and parameters.
//! 4. **Map links**: `…/maps/@47.37692,8.54172,17z` and `…?q=` / `ll=` / `query=` / `center=` …
//!    `lat,lon` (comma or `%2C`) in a URL that contains `map`, ≥ 3 decimals each
//!    ([`map_url_pair`]); a plain pair followed by a zoom would otherwise look like a list.

use memchr::{memchr2, memmem};

use super::util::{
    CONTEXT_WINDOW, boundary_after, boundary_before, byte_at, byte_before, context_before,
    is_word_byte, skip_digits,
};
use crate::kind::{Kind, Span};

/// Words that make a nearby decimal pair a coordinate.
const CONTEXT: &[&str] = &[
    "lat",
    "latitude",
    "lon",
    "lng",
    "longitude",
    "coordinates",
    "coordinate",
    "coords",
    "gps",
    "geo",
];

/// Words that make a context-free decimal pair a statistic, price or measurement instead.
const STATS_CONTEXT: &[&str] = &[
    "score*",
    "mean",
    "avg",
    "average",
    "median",
    "loss",
    "acc*",
    "precision",
    "recall",
    "ratio*",
    "rate*",
    "price*",
    "cost*",
    "weight*",
    "bias",
    "prob*",
    "std*",
    "var*",
    "range",
    "between",
    "min",
    "max",
    "±",
];

/// How far before a pair the statistics words count (bytes).
const STATS_WINDOW: usize = 16;

/// Words that label a latitude in the labelled form.
const LAT_LABELS: &[&str] = &["lat", "latitude"];

/// Words that label the longitude in the labelled form.
const LON_LABELS: &[&str] = &["lon", "lng", "long", "longitude"];

/// How far before a number a latitude label may end (bytes): `"latitude": ` fits.
const LABEL_WINDOW: usize = 16;

/// Longest gap between the latitude and the longitude number in the labelled form (bytes).
const LABEL_GAP: usize = 24;

/// Most fraction digits of one number: double-precision output prints up to 15 or so.
const MAX_DECIMALS: usize = 15;

/// The UTF-8 encoding of `°`.
const DEGREE: &str = "°";

/// One parsed coordinate component.
#[derive(Debug, Clone, Copy, Default)]
struct Comp {
    /// Offset of its first byte (sign, hemisphere letter or digit).
    start: usize,
    /// Offset just after it.
    end: usize,
    /// Written with a minus sign.
    neg: bool,
    /// Whole degrees.
    deg: u32,
    /// The value is exactly `deg` (no fraction, minutes or seconds), so `90` and `180` qualify.
    exact: bool,
    /// Fraction digits of the degrees number.
    decimals: usize,
    /// Followed by `°`.
    degree_sign: bool,
    /// Minutes (and maybe seconds) follow the degrees.
    dms: bool,
    /// Hemisphere letter: `N`, `S`, `E` or `W`.
    hemi: Option<u8>,
}

impl Comp {
    /// True when the absolute value is at most `limit` degrees.
    fn within(&self, limit: u32) -> bool {
        self.deg < limit || (self.deg == limit && self.exact)
    }

    /// True for a bare signed decimal number (no degree sign, minutes or hemisphere).
    fn is_plain(&self) -> bool {
        !self.dms && self.hemi.is_none()
    }
}

/// Reports every coordinate pair and `geo:` URI in `text`.
pub(crate) fn find(text: &str, out: &mut Vec<Span>) {
    let bytes = text.as_bytes();
    // Spans already reported by the passes below; the main pass skips numbers inside them.
    let mut uris: Vec<(usize, usize)> = Vec::new();
    for p in memmem::find_iter(bytes, b"geo:") {
        if let Some(end) = geo_uri(text, p) {
            out.push(Span::new(Kind::Coordinates, p, end));
            uris.push((p, end));
        }
    }
    // Whole degrees written with the word "deg" (exiftool): the main pass only starts at a '.'
    // or a '°'. Fractional degrees before "deg" are left to the main pass.
    let mut deg_end = 0;
    let geo_uris = uris.len();
    let mut k = 0;
    for p in memmem::find_iter(bytes, b"deg") {
        let e = p - usize::from(byte_before(bytes, p, 1) == b' ');
        let mut s = e;
        while s > 0 && e - s <= 3 && byte_before(bytes, s, 1).is_ascii_digit() {
            s -= 1;
        }
        if s == e || e - s > 3 || s < deg_end || byte_before(bytes, s, 1) == b'.' {
            continue;
        }
        // Both lists are in text order, so one forward pointer suffices.
        while k < geo_uris && uris.get(k).is_some_and(|u| u.1 <= s) {
            k += 1;
        }
        if k < geo_uris && uris.get(k).is_some_and(|u| u.0 <= s) {
            continue;
        }
        if let Some((a, b)) = pair_at(text, s) {
            out.push(Span::new(Kind::Coordinates, a, b));
            uris.push((a, b));
            deg_end = b;
        }
    }
    uris.sort_unstable();
    let mut uri = 0;
    let mut pos = 0;
    let mut skip_until = 0;
    while let Some(off) = bytes.get(pos..).and_then(|r| memchr2(b'.', 0xB0, r)) {
        let t = pos + off;
        pos = t + 1;
        // The digits of the degrees number: before a '.', or before a '°' (possibly with a
        // fraction, in which case the '.' trigger already handled it).
        let digits_end = if byte_at(bytes, t) == b'.' {
            t
        } else if byte_before(bytes, t, 1) == 0xC2 {
            t - 1
        } else {
            continue;
        };
        let mut s = digits_end;
        while s > 0 && digits_end - s <= 3 && byte_before(bytes, s, 1).is_ascii_digit() {
            s -= 1;
        }
        if s == digits_end || digits_end - s > 3 || s < skip_until {
            continue;
        }
        while uris.get(uri).is_some_and(|u| u.1 <= s) {
            uri += 1;
        }
        if uris.get(uri).is_some_and(|u| u.0 <= s) {
            continue;
        }
        if let Some((a, b)) = pair_at(text, s) {
            out.push(Span::new(Kind::Coordinates, a, b));
            skip_until = b;
            pos = pos.max(b);
        }
    }
}

/// Tries a coordinate pair whose first component's degrees start at digit offset `s`.
fn pair_at(text: &str, s: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let c1 = parse_comp(text, s, 0)?;
    let sep_end = skip_sep(bytes, c1.end, c1.hemi.is_some());
    let c2 = comp_starting_at(text, sep_end).filter(|_| sep_end > c1.end || c1.hemi.is_some());
    if let Some(c2) = c2 {
        let ok = if c1.hemi.is_some() || c2.hemi.is_some() || c1.dms || c2.dms {
            hemisphere_pair(&c1, &c2)
        } else {
            plain_pair(text, &c1, &c2)
        };
        if ok {
            return Some((c1.start, c2.end));
        }
    }
    map_url_pair(text, &c1)
        .or_else(|| labelled_pair(text, &c1))
        .or_else(|| labelled_single(text, &c1))
}

/// Query parameters of map links that hold `lat,lon` (Google `q=`, `ll=`, `center=`,
/// `destination=`, Apple `ll=`, `sll=`, legacy `daddr=` / `saddr=`).
const MAP_PARAMS: &[&[u8]] = &[
    b"q=",
    b"ll=",
    b"sll=",
    b"query=",
    b"center=",
    b"destination=",
    b"origin=",
    b"daddr=",
    b"saddr=",
];

/// How far back a map link's host or path ("maps", "openstreetmap") may start (bytes).
const URL_WINDOW: usize = 200;

/// A map link's coordinates: `…/maps/@47.37692,8.54172,17z` or `…/maps?q=47.37692,8.54172`
/// (also with `%2C` for the comma). The link itself must name a map (the URL, back to the
/// previous whitespace or quote, contains `map`), and the numbers need ≥ 3 decimals each. Any
/// trailing zoom (`,17z`) is not part of the span.
fn map_url_pair(text: &str, c1: &Comp) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    if !c1.is_plain() || c1.degree_sign || c1.decimals < 3 || !c1.within(90) {
        return None;
    }
    let head = bytes.get(..c1.start)?;
    let at_form = head.ends_with(b"/@");
    let param = MAP_PARAMS.iter().any(|p| {
        head.ends_with(p)
            && matches!(
                byte_before(bytes, c1.start, p.len() + 1),
                b'?' | b'&' | b';' | b'/' | b'#'
            )
    });
    if !(at_form || param) {
        return None;
    }
    // The URL token: back to whitespace, a quote or a bracket, bounded.
    let floor = c1.start.saturating_sub(URL_WINDOW);
    let mut q = c1.start;
    while q > floor
        && !matches!(
            byte_before(bytes, q, 1),
            b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'\'' | b'<' | b'(' | b'['
        )
    {
        q -= 1;
    }
    let url = bytes.get(q..c1.start)?;
    if !url.windows(3).any(|w| w.eq_ignore_ascii_case(b"map")) {
        return None;
    }
    let sep = if byte_at(bytes, c1.end) == b',' {
        1
    } else if bytes
        .get(c1.end..c1.end + 3)
        .is_some_and(|r| r.eq_ignore_ascii_case(b"%2C"))
    {
        3
    } else {
        return None;
    };
    // Parsed as a URI number: after `%2C` the sign is glued to the letter `C`.
    let s2 = c1.end + sep;
    let (e2, (deg, exact)) = uri_number(bytes, s2)?;
    let decimals = bytes
        .get(s2..e2)?
        .iter()
        .position(|&b| b == b'.')
        .map_or(0, |dot| e2 - s2 - dot - 1);
    let next = byte_at(bytes, e2);
    (decimals >= 3
        && (deg < 180 || (deg == 180 && exact))
        && !is_word_byte(next)
        && !(next == b'.' && byte_at(bytes, e2 + 1).is_ascii_digit()))
    .then_some((c1.start, e2))
}

/// Labels that may announce a lone plain decimal coordinate: only the full words, since "lat
/// 51.5007 time 12.3456" may be anything.
const FULL_LABELS: &[&str] = &["latitude", "longitude"];

/// One labelled component on its own, as in exiftool output (`GPS Latitude : 40 deg 44' 54.36"
/// N`, each on its own line): with a hemisphere letter and degrees, minutes or ≥ 3 decimals,
/// after a latitude label for N/S or a longitude label for E/W; or a plain decimal with ≥ 4
/// decimals right after "latitude" / "longitude" (exiftool `-n`). No digit may stand between
/// label and number.
fn labelled_single(text: &str, c: &Comp) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let label = |words: &[&str]| {
        context_before(text, c.start, LABEL_WINDOW, words).is_some_and(|e| {
            !bytes
                .get(e..c.start)
                .unwrap_or(&[])
                .iter()
                .any(u8::is_ascii_digit)
        })
    };
    let ok = match c.hemi {
        Some(h) => {
            let precise = c.degree_sign || c.dms || c.decimals >= 3;
            let lat = matches!(h, b'N' | b'S');
            precise
                && if lat {
                    c.within(90) && label(LAT_LABELS)
                } else {
                    c.within(180) && label(LON_LABELS)
                }
        }
        None => {
            !c.dms
                && !c.degree_sign
                && c.decimals >= 4
                && c.within(180)
                && !in_list_before(bytes, c.start)
                && !in_list_after(bytes, c.end)
                && label(FULL_LABELS)
                && (c.within(90) || !label(&["latitude"]))
        }
    };
    ok.then_some((c.start, c.end))
}

/// Rules for pairs written with hemisphere letters or minutes (see module documentation).
fn hemisphere_pair(c1: &Comp, c2: &Comp) -> bool {
    let (Some(h1), Some(h2)) = (c1.hemi, c2.hemi) else {
        return false;
    };
    let is_lat = |h: u8| matches!(h, b'N' | b'S');
    if is_lat(h1) == is_lat(h2) || c1.neg || c2.neg {
        return false;
    }
    let (lat, lon) = if is_lat(h1) { (c1, c2) } else { (c2, c1) };
    let precise = |c: &Comp| c.degree_sign || c.dms || c.decimals >= 3;
    lat.within(90) && lon.within(180) && precise(c1) && precise(c2)
}

/// Rules for bare decimal pairs (see module documentation).
fn plain_pair(text: &str, c1: &Comp, c2: &Comp) -> bool {
    if !c1.is_plain()
        || !c2.is_plain()
        || in_list_before(text.as_bytes(), c1.start)
        || in_list_after(text.as_bytes(), c2.end)
    {
        return false;
    }
    let ctx = context_before(text, c1.start, CONTEXT_WINDOW, CONTEXT).is_some();
    let ordered = c1.within(90) && c2.within(180);
    if ctx {
        let swapped = c1.within(180) && c2.within(90);
        let dec = |c: &Comp| (3..=MAX_DECIMALS).contains(&c.decimals);
        dec(c1) && dec(c2) && (ordered || swapped)
    } else {
        let dec = |c: &Comp| (4..=8).contains(&c.decimals);
        dec(c1)
            && dec(c2)
            && ordered
            && (c1.deg >= 10 || c2.deg >= 10)
            && context_before(text, c1.start, STATS_WINDOW, STATS_CONTEXT).is_none()
    }
}

/// The labelled form: a latitude label just before `c1`, a longitude label between the numbers.
fn labelled_pair(text: &str, c1: &Comp) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    if !c1.is_plain()
        || c1.decimals < 3
        || context_before(text, c1.start, LABEL_WINDOW, LAT_LABELS).is_none()
    {
        return None;
    }
    let mut q = c1.end;
    let mut word: Option<(usize, usize)> = None;
    while q < c1.end + LABEL_GAP {
        let b = byte_at(bytes, q);
        if b.is_ascii_alphabetic() {
            if word.is_some() {
                return None;
            }
            let w = q;
            while byte_at(bytes, q).is_ascii_alphabetic() {
                q += 1;
            }
            word = Some((w, q));
        } else if matches!(
            b,
            b' ' | b',' | b';' | b':' | b'=' | b'"' | b'\'' | b'&' | b'_' | b'(' | b')' | b'\t'
        ) {
            q += 1;
        } else {
            break;
        }
    }
    let (w0, w1) = word?;
    let label = text.get(w0..w1)?;
    if !LON_LABELS.iter().any(|l| l.eq_ignore_ascii_case(label)) {
        return None;
    }
    let c2 = comp_starting_at(text, q)?;
    (c2.is_plain()
        && c2.decimals >= 3
        && c1.within(90)
        && c2.within(180)
        && boundary_after(text, c2.end))
    .then_some((c1.start, c2.end))
}

/// Parses a component starting at `q`: a sign, a hemisphere letter (plus optional space) or a
/// digit.
fn comp_starting_at(text: &str, q: usize) -> Option<Comp> {
    let bytes = text.as_bytes();
    let b = byte_at(bytes, q);
    let digit = if b.is_ascii_digit() {
        q
    } else if matches!(b, b'-' | b'+') {
        q + 1
    } else if text.get(q..).is_some_and(|r| r.starts_with('−')) {
        q + '−'.len_utf8()
    } else if matches!(b, b'N' | b'S' | b'E' | b'W') {
        if byte_at(bytes, q + 1) == b' ' {
            q + 2
        } else {
            q + 1
        }
    } else {
        return None;
    };
    let c = parse_comp(text, digit, q)?;
    (c.start == q).then_some(c)
}

/// Parses one component whose degrees start at digit offset `s`, including a sign or
/// hemisphere letter just before it, but not before `floor` (so that the previous component's
/// suffix letter is not read again as this one's prefix).
fn parse_comp(text: &str, s: usize, floor: usize) -> Option<Comp> {
    let bytes = text.as_bytes();
    let mut c = Comp {
        start: s,
        ..Comp::default()
    };
    // Prefix: a sign, or an uppercase hemisphere letter (optionally followed by one space).
    let prev = byte_before(bytes, s, 1);
    if prev == b'-' || prev == b'+' {
        c.neg = prev == b'-';
        c.start = s - 1;
    } else if text.get(..s).is_some_and(|h| h.ends_with('−')) {
        c.neg = true;
        c.start = s - '−'.len_utf8();
    } else {
        let hp = if matches!(prev, b'N' | b'S' | b'E' | b'W') {
            Some(s - 1)
        } else if prev == b' ' && matches!(byte_before(bytes, s, 2), b'N' | b'S' | b'E' | b'W') {
            Some(s - 2)
        } else {
            None
        };
        if let Some(hp) = hp.filter(|&hp| hp >= floor && boundary_before(text, hp)) {
            c.hemi = Some(byte_at(bytes, hp));
            c.start = hp;
        }
    }
    if c.start != s && !boundary_before(text, c.start) {
        return None;
    }
    if c.start == s && (!boundary_before(text, s) || matches!(prev, b'.' | b'$')) {
        return None;
    }
    // Degrees.
    let int_end = skip_digits(bytes, s);
    if int_end == s || int_end - s > 3 {
        return None;
    }
    c.deg = bytes.get(s..int_end)?.iter().fold(0u32, |acc, &x| {
        acc.saturating_mul(10)
            .saturating_add(u32::from(x.wrapping_sub(b'0')))
    });
    c.exact = true;
    let mut pos = int_end;
    if byte_at(bytes, pos) == b'.' && byte_at(bytes, pos + 1).is_ascii_digit() {
        let frac_end = skip_digits(bytes, pos + 1);
        c.decimals = frac_end - pos - 1;
        if c.decimals > MAX_DECIMALS {
            return None;
        }
        c.exact = bytes.get(pos + 1..frac_end)?.iter().all(|&d| d == b'0');
        pos = frac_end;
    }
    let degree_mark = if text.get(pos..).is_some_and(|r| r.starts_with(DEGREE)) {
        Some(pos + DEGREE.len())
    } else {
        degree_word(bytes, pos)
    };
    if let Some(after) = degree_mark {
        c.degree_sign = true;
        pos = minutes_seconds(text, after, &mut c)?;
    }
    // Suffix hemisphere letter, optionally after one space, standing alone.
    if c.hemi.is_none() {
        let q = if byte_at(bytes, pos) == b' ' {
            pos + 1
        } else {
            pos
        };
        let h = byte_at(bytes, q);
        let after = byte_at(bytes, q + 1);
        if matches!(h, b'N' | b'S' | b'E' | b'W')
            && boundary_after(text, q + 1)
            && !(matches!(after, b'+' | b'-') && byte_at(bytes, q + 2).is_ascii_digit())
        {
            c.hemi = Some(h);
            pos = q + 1;
        }
    }
    if c.hemi.is_some() && c.neg {
        return None;
    }
    c.end = pos;
    Some(c)
}

/// If the word `deg`, `degree` or `degrees` (any case, after at most one space) starts at `pos`,
/// the offset after it: exiftool writes `40 deg 44' 54.36" N`.
fn degree_word(bytes: &[u8], pos: usize) -> Option<usize> {
    let w = pos + usize::from(byte_at(bytes, pos) == b' ');
    if !bytes.get(w..w + 3)?.eq_ignore_ascii_case(b"deg") {
        return None;
    }
    let mut end = w + 3;
    if bytes
        .get(end..end + 3)
        .is_some_and(|r| r.eq_ignore_ascii_case(b"ree"))
    {
        end += 3;
        if matches!(byte_at(bytes, end), b's' | b'S') {
            end += 1;
        }
    }
    (!is_word_byte(byte_at(bytes, end))).then_some(end)
}

/// Parses optional minutes and seconds after a degree sign at `pos`; updates `c` and returns the
/// new end, or `None` when they are malformed (minutes or seconds ≥ 60, minutes after fractional
/// degrees).
fn minutes_seconds(text: &str, pos: usize, c: &mut Comp) -> Option<usize> {
    let bytes = text.as_bytes();
    let m = if byte_at(bytes, pos) == b' ' {
        pos + 1
    } else {
        pos
    };
    let Some((m_end, m_int, m_zero)) = small_number(bytes, m) else {
        return Some(pos);
    };
    let (after_m, marked) = match mark_len(text, m_end, false) {
        Some(l) => (m_end + l, true),
        // Unmarked minutes only in the geocaching style, where the hemisphere comes first.
        None if c.hemi.is_some() => (m_end, false),
        None => return Some(pos),
    };
    if c.decimals > 0 || m_int >= 60 {
        return None;
    }
    c.dms = true;
    c.exact &= m_zero;
    if !marked {
        return Some(after_m);
    }
    let sec = if byte_at(bytes, after_m) == b' ' {
        after_m + 1
    } else {
        after_m
    };
    let Some((s_end, s_int, s_zero)) = small_number(bytes, sec) else {
        return Some(after_m);
    };
    let Some(l) = mark_len(text, s_end, true) else {
        return Some(after_m);
    };
    if s_int >= 60 {
        return None;
    }
    c.exact &= s_zero;
    Some(s_end + l)
}

/// A number of 1–2 integer digits with an optional fraction at `pos`: its end, integer value and
/// whether it is zero.
fn small_number(bytes: &[u8], pos: usize) -> Option<(usize, u32, bool)> {
    let int_end = skip_digits(bytes, pos);
    if int_end == pos || int_end - pos > 2 {
        return None;
    }
    let digits = bytes.get(pos..int_end)?;
    let v = digits.iter().fold(0u32, |acc, &x| {
        acc.saturating_mul(10)
            .saturating_add(u32::from(x.wrapping_sub(b'0')))
    });
    let mut zero = v == 0;
    let mut end = int_end;
    if byte_at(bytes, end) == b'.' && byte_at(bytes, end + 1).is_ascii_digit() {
        let f_end = skip_digits(bytes, end + 1);
        if f_end - end - 1 > MAX_DECIMALS {
            return None;
        }
        zero &= bytes.get(end + 1..f_end)?.iter().all(|&d| d == b'0');
        end = f_end;
    }
    Some((end, v, zero))
}

/// Length of a minutes mark (`seconds = false`) or seconds mark at `pos`.
fn mark_len(text: &str, pos: usize, seconds: bool) -> Option<usize> {
    let rest = text.get(pos..)?;
    let marks: &[&str] = if seconds {
        &["\"", "″", "′′", "''", "”"]
    } else {
        &["'", "′", "’"]
    };
    if !seconds && (rest.starts_with("′′") || rest.starts_with("''")) {
        return None;
    }
    marks
        .iter()
        .find(|m| rest.starts_with(**m))
        .map(|m| m.len())
}

/// The end of a separator between two components at `pos`: up to two spaces around at most one
/// of `,` `;` `/`. With `allow_empty` (the first component ended in a hemisphere letter) an empty
/// separator is fine.
fn skip_sep(bytes: &[u8], pos: usize, allow_empty: bool) -> usize {
    let mut q = pos;
    let mut spaces = 0;
    while byte_at(bytes, q) == b' ' && spaces < 2 {
        q += 1;
        spaces += 1;
    }
    if matches!(byte_at(bytes, q), b',' | b';' | b'/') {
        q += 1;
        let mut more = 0;
        while byte_at(bytes, q) == b' ' && more < 2 {
            q += 1;
            more += 1;
        }
    }
    if q == pos && !allow_empty { pos } else { q }
}

/// True when the number starting at `start` continues a list: another number before it,
/// separated by a comma, semicolon or space.
fn in_list_before(bytes: &[u8], start: usize) -> bool {
    let mut q = start;
    let mut n = 0;
    while n < 3 && matches!(byte_before(bytes, q, 1), b' ' | b',' | b';') {
        q -= 1;
        n += 1;
    }
    q < start && byte_before(bytes, q, 1).is_ascii_digit()
}

/// True when another number follows the one ending at `end` (comma, semicolon or space between).
fn in_list_after(bytes: &[u8], end: usize) -> bool {
    let mut q = end;
    let mut n = 0;
    while n < 3 && matches!(byte_at(bytes, q), b' ' | b',' | b';') {
        q += 1;
        n += 1;
    }
    let b = byte_at(bytes, q);
    q > end
        && (b.is_ascii_digit()
            || (matches!(b, b'-' | b'+') && byte_at(bytes, q + 1).is_ascii_digit()))
        || (q == end && !plain_end_ok(bytes, end))
}

/// True when a bare number may end at `end`: not followed by a word byte, `%`, or a dot and digit.
fn plain_end_ok(bytes: &[u8], end: usize) -> bool {
    let b = byte_at(bytes, end);
    !is_word_byte(b) && b != b'%' && !(b == b'.' && byte_at(bytes, end + 1).is_ascii_digit())
}

/// If a `geo:` URI with a valid latitude and longitude starts at `p`, the offset after it
/// (including an optional altitude and `;`-parameters).
fn geo_uri(text: &str, p: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    if !boundary_before(text, p) {
        return None;
    }
    let (e1, lat) = uri_number(bytes, p + 4)?;
    if byte_at(bytes, e1) != b',' {
        return None;
    }
    let (e2, lon) = uri_number(bytes, e1 + 1)?;
    if !(lat.0 < 90 || (lat.0 == 90 && lat.1)) || !(lon.0 < 180 || (lon.0 == 180 && lon.1)) {
        return None;
    }
    let mut end = e2;
    if byte_at(bytes, end) == b','
        && let Some((e3, _)) = uri_number(bytes, end + 1)
    {
        end = e3;
    }
    // Parameters such as ";u=35" or ";crs=wgs84", bounded.
    let limit = end + 64;
    while byte_at(bytes, end) == b';' && end < limit {
        let mut q = end + 1;
        while q < limit
            && (is_word_byte(byte_at(bytes, q))
                || matches!(byte_at(bytes, q), b'=' | b'.' | b'-' | b'%'))
        {
            q += 1;
        }
        if q == end + 1 {
            break;
        }
        end = q;
    }
    boundary_after(text, end).then_some(end)
}

/// A signed decimal in a `geo:` URI at `pos`: its end and (whole degrees, value is exactly that).
fn uri_number(bytes: &[u8], pos: usize) -> Option<(usize, (u32, bool))> {
    let s = if byte_at(bytes, pos) == b'-' {
        pos + 1
    } else {
        pos
    };
    let int_end = skip_digits(bytes, s);
    if int_end == s || int_end - s > 3 {
        return None;
    }
    let v = bytes.get(s..int_end)?.iter().fold(0u32, |acc, &x| {
        acc.saturating_mul(10)
            .saturating_add(u32::from(x.wrapping_sub(b'0')))
    });
    let mut exact = true;
    let mut end = int_end;
    if byte_at(bytes, end) == b'.' && byte_at(bytes, end + 1).is_ascii_digit() {
        let f = skip_digits(bytes, end + 1);
        if f - end - 1 > MAX_DECIMALS {
            return None;
        }
        exact = bytes.get(end + 1..f)?.iter().all(|&d| d == b'0');
        end = f;
    }
    Some((end, (v, exact)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::util::test_support::{adversarial_inputs, assert_spans_ok, found_texts};

    fn found(text: &str) -> Vec<&str> {
        found_texts(find, &[Kind::Coordinates], text)
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
    fn decimal_pairs() {
        one("SF is at 37.7749, -122.4194.", "37.7749, -122.4194");
        one("Eiffel: 48.8584 2.2945", "48.8584 2.2945");
        one("(40.712776,-74.005974)", "40.712776,-74.005974");
        one("at -33.8688; 151.2093 today", "-33.8688; 151.2093");
        one("GPS: 51.500, -0.124", "51.500, -0.124");
        one("coordinates: [-122.4194, 37.7749]", "-122.4194, 37.7749");
        one("lat/lng 6.5244, 3.3792", "6.5244, 3.3792");
        one("37.7749°, -122.4194°", "37.7749°, -122.4194°");
        one("pin 37.7749/-122.4194", "37.7749/-122.4194");
        one("90.0000, 180.0000", "90.0000, 180.0000");
    }

    #[test]
    fn labelled_pairs() {
        one("lat 51.5007 lon -0.1246", "51.5007 lon -0.1246");
        one(
            "{\"lat\": 51.5007, \"lng\": -0.1246}",
            "51.5007, \"lng\": -0.1246",
        );
        one("?lat=51.5007&lon=-0.1246", "51.5007&lon=-0.1246");
        one(
            "latitude: 6.524, longitude: 3.379",
            "6.524, longitude: 3.379",
        );
    }

    #[test]
    fn hemisphere_forms() {
        one(
            "37°46'29.6\"N 122°25'09.8\"W",
            "37°46'29.6\"N 122°25'09.8\"W",
        );
        one(
            "37°46′29.6′′N, 122°25′9.8′′W",
            "37°46′29.6′′N, 122°25′9.8′′W",
        );
        one("51.5007° N, 0.1246° W", "51.5007° N, 0.1246° W");
        one(
            "cache at N 47° 36.123 W 122° 19.456 ok",
            "N 47° 36.123 W 122° 19.456",
        );
        one("40.7128 N, 74.0060 W", "40.7128 N, 74.0060 W");
        one(
            "122°25'09.8\"W 37°46'29.6\"N",
            "122°25'09.8\"W 37°46'29.6\"N",
        );
        one("37°46'N 122°25'W", "37°46'N 122°25'W");
    }

    #[test]
    fn geo_uris() {
        one(
            "open geo:37.786971,-122.399677 now",
            "geo:37.786971,-122.399677",
        );
        one("geo:37.78,-122.39,12;u=35", "geo:37.78,-122.39,12;u=35");
        none("geo:95.0,10.0");
        none("apogeo:37.78,-122.39");
    }

    #[test]
    fn exif_degree_words() {
        let t = "Explain this EXIF output:\nGPS Latitude  : 40 deg 44' 54.36\" N\nGPS Longitude : 73 deg 59' 08.50\" W";
        assert_eq!(
            found(t),
            vec!["40 deg 44' 54.36\" N", "73 deg 59' 08.50\" W"]
        );
        one(
            "GPS Position : 40 deg 44' 54.36\" N, 73 deg 59' 8.50\" W",
            "40 deg 44' 54.36\" N, 73 deg 59' 8.50\" W",
        );
        one(
            "40 degrees 44' 54\" N 73 degrees 59' 8\" W",
            "40 degrees 44' 54\" N 73 degrees 59' 8\" W",
        );
        one("Latitude: 40.7484° N", "40.7484° N");
        one("GPS Latitude : 40.748433333", "40.748433333");
        one("longitude = -73.9857", "-73.9857");
        one("lat 40°44'54\"N", "40°44'54\"N");
    }

    #[test]
    fn exif_near_misses() {
        // A single component needs the matching label.
        none("GPS Longitude : 40 deg 44' 54.36\" N");
        none("GPS Latitude : 73 deg 59' 08.50\" W");
        none("40 deg 44' 54.36\" N");
        none("bake at 180 deg C for 25 minutes, rotate 90 degrees");
        none("the cable tilts 45 deg N of vertical");
        none("latitude 95.1234");
        none("latitude: 12.3456, 45.6789, 78.9012");
        none("latitude 40.74 and lat 51.5007 time 12.3456");
        none("degenerate 12 deg");
        none("a 3.5 deg angle, 12deg, 45 degreesN");
    }

    #[test]
    fn map_links() {
        one(
            "https://www.google.com/maps/@47.37692,8.54172,17z",
            "47.37692,8.54172",
        );
        one(
            "https://www.google.com/maps/place/Zurich/@47.37692,8.54172,15.5z/data=x",
            "47.37692,8.54172",
        );
        one(
            "see https://maps.google.com/?q=-33.868,151.209&z=3 ok",
            "-33.868,151.209",
        );
        one("https://maps.apple.com/?ll=1.352,103.819", "1.352,103.819");
        one(
            "https://www.google.com/maps/search/?api=1&query=4.711%2C-74.072",
            "4.711%2C-74.072",
        );
        one(
            "open https://maps.google.com/?q=47.37692,8.54172.",
            "47.37692,8.54172",
        );
    }

    #[test]
    fn map_link_near_misses() {
        none("https://example.com/@47.37692,8.54172,17z");
        none("https://example.com/search?q=1.234,5.678,9.0");
        none("https://www.google.com/maps/@95.37692,8.54172,17z");
        none("https://www.google.com/maps/@47.3,8.5,17z");
        none("https://www.google.com/maps?q=1.234,5.678x");
        none("https://www.google.com/maps?xq=1.234,5.678");
    }

    #[test]
    fn near_misses() {
        none("prices 12.99, 13.49");
        none("version 1.2.3 and v2.10.4");
        none("constants 3.14159, 2.71828");
        none("vector [0.1234, 0.5678, 0.9012]");
        none("[12.3456, 45.6789, 78.9012]");
        none("37.7749, -122.4194, 100.1234");
        none("1.0 37.7749 -122.4194");
        none("95.1234, 10.5678 and 45.1234, 190.5678");
        none("25°C and a 45° angle, 30° 60°");
        none("v37.7749, 122.4194 and 1.37.7749, 122.4194");
        none("score 12.3456 vs 45.6789");
        none("scores 46.8659, 36.2976 today");
        none("min/max: 12.3456, 45.6789");
        none("latency 12.345, 67.890");
        none("$12.3456, 45.6789");
        none("12.3456%, 45.6789%");
        none("1234.5678, 45.6789");
        none("37.7749, -122.41940000000000001");
        none("37°46'29.6\"N 38°25'09.8\"N");
        none("-37°46'29.6\"N 122°25'09.8\"W");
        none("37°61'N 122°25'W");
        none("1.2345E+05, 3.2345E+05");
        none("lat 51.5007 time 12.3456");
        none("12.3456 N");
    }

    #[test]
    fn no_panic_and_spans_valid() {
        for s in adversarial_inputs() {
            let mut out = Vec::new();
            find(&s, &mut out);
            assert_spans_ok(&s, &out, &[Kind::Coordinates]);
        }
    }

    #[test]
    fn no_panic_degree_words_and_links() {
        use crate::detect::util::test_support::XorShift;
        const PARTS: &[&str] = &[
            "deg",
            " deg ",
            "degrees",
            "40",
            "7",
            " ",
            "'",
            "\"",
            "N",
            "W",
            "Latitude : ",
            "longitude",
            "maps/@",
            "/@",
            "?q=",
            "&ll=",
            "47.376",
            "8.541",
            ",",
            "%2C",
            "%2c",
            "17z",
            "-",
            "°",
            "é",
            "\n",
            ".",
            "geo:",
        ];
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let mut inputs: Vec<String> = (0..2000)
            .map(|_| {
                (0..1 + rng.below(30))
                    .map(|_| PARTS[rng.below(PARTS.len())])
                    .collect()
            })
            .collect();
        inputs.push("1 deg ".repeat(20_000));
        inputs.push("maps/@1.234,".repeat(10_000));
        inputs.push(format!("maps{}", "?q=1.234%2C5.678".repeat(10_000)));
        inputs.push("latitude 1.2345 ".repeat(10_000));
        for s in &inputs {
            let mut out = Vec::new();
            find(s, &mut out);
            assert_spans_ok(s, &out, &[Kind::Coordinates]);
        }
    }
}
