//! Street addresses ([`Kind::StreetAddress`]) and postcodes ([`Kind::Postcode`]) for the US, the
//! UK and Germany, and in the street and postcode columns of CSV tables.
//!
//! Every rule but the CSV one is anchored on an ASCII digit (a house number, a postcode or
//! ZIP, a box number), so prose without digits is skipped at memory speed; the CSV rule looks
//! only at lines that start with a letter or a quote and have a separator within 48 bytes.
//! What is reported:
//!
//! - **US / UK street**: a house number (1–6 digits, no leading zero, optional letter `221B` or
//!   range `12-14`), one to four capitalised (or ALL-CAPS) words, which may include directions
//!   (`N`, `W.`) and ordinals (`5th`), then a street suffix (`Street`, `St`, `Avenue`, `Ave`,
//!   `Road`, `Rd`, `Boulevard`, `Lane`, `Drive`, `Court`, `Way`, `Place`, `Terrace`, `Parkway`,
//!   `Circle`, `Highway`, `Square`, `Close`, `Crescent`, `Gardens`, `Mews`, `Grove`, `Hill`,
//!   `Row`, `Walk`, `Loop`, `Trail`, `Park` … with an optional period), an optional direction
//!   (`NW`), an optional unit (`, Apt 4B`, `Suite 200`, `#12`) and an optional
//!   `, City, ST 12345(-6789)` (state code required) or `, Town POSTCODE` (a valid UK postcode).
//!   One [`Kind::StreetAddress`] span covers it all.
//! - **DE street**: a word ending in `-straße`, `-strasse`, `-str.`, `-weg`, `-allee`,
//!   `-platz`, `-gasse`, `-ring`, `-damm`, `-ufer`, `-chaussee`, `-steig`, `-pfad` or
//!   `-promenade` (or that word on its own after a capitalised word: `Berliner Straße`), then a
//!   house number with optional letter or range (`Hauptstraße 12a`, `Karl-Marx-Allee 3-5`),
//!   optionally followed by `, PLZ City`. Other street names (`Am Markt 3`,
//!   `Unter den Linden 77`) only count when a valid `PLZ City` follows directly. Names with a
//!   date inside (`Straße des 17. Juni 135`) are not supported.
//! - **PO boxes**: `PO Box 123`, `P.O. Box 123`, `Post Office Box 123`, `Postfach 12 34 56`.
//! - **Postcodes** ([`Kind::Postcode`]: the ZIP or PLZ digits, or the whole UK postcode): a
//!   US ZIP after a state code and a city (`Springfield, IL 62704`, `Austin TX 78701-1234`); a
//!   UK postcode in the official format with a real postcode area (`SW1A 1AA`, `M1 1AE`,
//!   `DN55 1PT`, also without the space), upper case only; a German `PLZ City` when the PLZ
//!   starts with 0, the city is one of the largest German cities (about 160 cities, 187 names
//!   and spellings, in this module), a DE street was found within 80 bytes before, the old `D-`
//!   prefix is used (`D-80331`), or `Germany` / `Deutschland` follows; prose after the city
//!   (`10000 Berlin residents`) rules it out, except right after a DE street (German word order:
//!   `an Lindenstraße 42, 10969 Berlin liefern`). The ZIP or postcode inside a full address is
//!   reported as well.
//! - **CSV columns**: in a CSV table (`,`, `;` or tab separated, `"…"` quoting) whose header
//!   names a street column (`street`, `address`, `address_line_1`, `Straße`, `Adresse`, `rue`
//!   …) or a postcode column (`postcode`, `postal_code`, `zip`, `PLZ`, `code_postal` …), the
//!   street fields that hold a letter and a digit (`12, Rue des Tilleuls`, `Kastanienweg 14`)
//!   and the postcode fields of 3–10 letters, digits, spaces or dashes with a digit (`67000`,
//!   `LS6 4PB`), in any country format. The table ends at a blank line, a line with another
//!   number of fields or a line that reads like a sentence.
//!
//! Deliberately not reported: a street name without a number (`I live on Main Street`: low
//! risk), numbers after a label or article (`Chapter 12 Road to Recovery`, `Page 42 Drive`, `the
//! 5 Star Way`, `Top 10 Hill Walks`), counts and units (`100 Days of Code`, `15 Minute Walk`), a
//! year after a preposition (`in 2024 Park Avenue`), a four-digit year before a city (`in 2024
//! Berlin hosted`), a number followed by a city and more prose (`10000 Berlin residents`), code
//! (`String 5`, `Str` inside identifiers) and version numbers. An address-shaped title such as
//! `3 Blind Mice Lane` *is* reported: it cannot be told apart from a real address.

use crate::detect::util::lower_into;
use crate::kind::{Kind, Span};

/// Street suffixes (lower case) for US and UK addresses.
const STREET_SUFFIXES: &[&str] = &[
    "street",
    "st",
    "avenue",
    "ave",
    "av",
    "road",
    "rd",
    "boulevard",
    "blvd",
    "lane",
    "ln",
    "drive",
    "dr",
    "court",
    "ct",
    "way",
    "place",
    "pl",
    "terrace",
    "ter",
    "parkway",
    "pkwy",
    "circle",
    "cir",
    "highway",
    "hwy",
    "square",
    "sq",
    "close",
    "crescent",
    "cres",
    "gardens",
    "gdns",
    "mews",
    "grove",
    "hill",
    "row",
    "walk",
    "rise",
    "green",
    "parade",
    "gate",
    "yard",
    "wharf",
    "quay",
    "embankment",
    "circus",
    "vale",
    "loop",
    "trail",
    "trl",
    "alley",
    "plaza",
    "plz",
    "expressway",
    "expy",
    "freeway",
    "fwy",
    "turnpike",
    "tpke",
    "crossing",
    "cove",
    "ridge",
    "heights",
    "landing",
    "park",
];

/// Abbreviated suffixes after which a period belongs to the address (`Main St.`).
const ABBREVIATED_SUFFIXES: &[&str] = &[
    "st", "ave", "av", "rd", "blvd", "ln", "dr", "ct", "pl", "ter", "pkwy", "cir", "hwy", "sq",
    "cres", "gdns", "trl", "plz", "expy", "fwy", "tpke",
];

/// Words that never sit between a house number and a suffix: function words, counts and units
/// (`100 Days`, `15 Minute Walk`, `5 Star Way`, `10 Best Hill Walks`).
const NOT_STREET_WORDS: &[&str] = &[
    "the", "a", "an", "of", "and", "or", "for", "to", "in", "on", "at", "with", "by", "from", "is",
    "are", "was", "be", "as", "i", "you", "we", "he", "she", "it", "they", "this", "that", "my",
    "your", "our", "best", "top", "most", "more", "less", "easy", "simple", "quick", "great",
    "free", "good", "bad", "big", "small", "minute", "minutes", "min", "mins", "hour", "hours",
    "hr", "hrs", "day", "days", "week", "weeks", "month", "months", "year", "years", "yr", "yrs",
    "mile", "miles", "km", "meter", "meters", "metre", "metres", "step", "steps", "star", "stars",
    "point", "points", "way", "ways", "tip", "tips", "thing", "things", "reason", "reasons",
    "time", "times", "percent", "dollar", "dollars", "pound", "pounds", "euro", "euros", "people",
    "person", "user", "users", "item", "items", "page", "pages", "chapter", "chapters", "line",
    "lines", "part", "parts", "key", "keys", "rule", "rules", "lesson", "lessons", "level",
    "levels", "bit", "bits", "gb", "mb", "kb", "tb", "pm", "am",
];

/// Words before a number that make it a label, a count or a rank, not a house number
/// (`Chapter 12`, `Page 42`, `the 5`, `Top 10`).
const LABEL_WORDS: &[&str] = &[
    "chapter",
    "page",
    "pages",
    "p",
    "pp",
    "section",
    "sec",
    "step",
    "version",
    "v",
    "level",
    "room",
    "episode",
    "ep",
    "part",
    "vol",
    "volume",
    "no",
    "nr",
    "number",
    "num",
    "figure",
    "fig",
    "table",
    "track",
    "season",
    "day",
    "week",
    "lesson",
    "unit",
    "phase",
    "stage",
    "round",
    "gate",
    "platform",
    "exit",
    "route",
    "rte",
    "highway",
    "hwy",
    "interstate",
    "grade",
    "year",
    "years",
    "class",
    "item",
    "line",
    "row",
    "column",
    "col",
    "rule",
    "article",
    "art",
    "paragraph",
    "para",
    "verse",
    "act",
    "scene",
    "book",
    "issue",
    "bug",
    "ticket",
    "task",
    "problem",
    "question",
    "exercise",
    "example",
    "appendix",
    "slide",
    "top",
    "the",
    "a",
    "an",
    "over",
    "under",
    "about",
    "around",
    "nearly",
    "almost",
    "only",
    "first",
    "last",
    "best",
    "my",
    "our",
    "your",
    "their",
    "his",
    "her",
    "its",
    "this",
    "that",
    "these",
    "those",
    "of",
    "every",
    "some",
    "all",
    "than",
    "rank",
    "score",
    "build",
    "release",
    "patch",
    "sprint",
    "milestone",
    "pr",
    "commit",
    "test",
    "case",
    "tab",
    "option",
    "size",
    "x",
    "times",
];

/// Prepositions that, before a year-like number (1800–2099), make it a year (`in 2024`).
const YEAR_PREPOSITIONS: &[&str] = &[
    "in", "since", "by", "until", "till", "during", "from", "before", "after", "of", "circa",
];

/// Unit designators after a street (`Apt 4B`, `Suite 200`, `Flat 3`).
const UNIT_WORDS: &[&str] = &[
    "apt",
    "apartment",
    "suite",
    "ste",
    "unit",
    "fl",
    "floor",
    "rm",
    "room",
    "bldg",
    "building",
    "flat",
    "dept",
];

/// US state and territory codes (50 states, DC, territories, and the military `AA`/`AE`/`AP`).
const US_STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
    "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV",
    "WI", "WY", "DC", "AS", "GU", "MP", "PR", "VI", "UM", "AA", "AE", "AP",
];

/// UK postcode areas (the letters of the outward code). Checking the area rejects most
/// random letter-digit strings that happen to have the postcode shape.
const UK_AREAS: &[&str] = &[
    "AB", "AL", "B", "BA", "BB", "BD", "BF", "BH", "BL", "BN", "BR", "BS", "BT", "BX", "CA", "CB",
    "CF", "CH", "CM", "CO", "CR", "CT", "CV", "CW", "DA", "DD", "DE", "DG", "DH", "DL", "DN", "DT",
    "DY", "E", "EC", "EH", "EN", "EX", "FK", "FY", "G", "GL", "GU", "GY", "HA", "HD", "HG", "HP",
    "HR", "HS", "HU", "HX", "IG", "IM", "IP", "IV", "JE", "KA", "KT", "KW", "KY", "L", "LA", "LD",
    "LE", "LL", "LN", "LS", "LU", "M", "ME", "MK", "ML", "N", "NE", "NG", "NN", "NP", "NR", "NW",
    "OL", "OX", "PA", "PE", "PH", "PL", "PO", "PR", "RG", "RH", "RM", "S", "SA", "SE", "SG", "SK",
    "SL", "SM", "SN", "SO", "SP", "SR", "SS", "ST", "SW", "SY", "TA", "TD", "TF", "TN", "TQ", "TR",
    "TS", "TW", "UB", "W", "WA", "WC", "WD", "WF", "WN", "WR", "WS", "WV", "YO", "ZE",
];

/// Endings of German street names (lower case).
const DE_STREET_ENDINGS: &[&str] = &[
    "straße",
    "strasse",
    "str.",
    "weg",
    "allee",
    "platz",
    "gasse",
    "ring",
    "damm",
    "ufer",
    "chaussee",
    "steig",
    "pfad",
    "promenade",
];

/// The largest German cities (lower case, first word; common spellings without umlauts and
/// English exonyms too). A 5-digit number followed by one of these is a PLZ.
const DE_CITIES: &[&str] = &[
    "berlin",
    "hamburg",
    "münchen",
    "muenchen",
    "munich",
    "köln",
    "koeln",
    "cologne",
    "frankfurt",
    "stuttgart",
    "düsseldorf",
    "duesseldorf",
    "leipzig",
    "dortmund",
    "essen",
    "bremen",
    "dresden",
    "hannover",
    "hanover",
    "nürnberg",
    "nuernberg",
    "nuremberg",
    "duisburg",
    "bochum",
    "wuppertal",
    "bielefeld",
    "bonn",
    "münster",
    "muenster",
    "mannheim",
    "karlsruhe",
    "augsburg",
    "wiesbaden",
    "mönchengladbach",
    "gelsenkirchen",
    "aachen",
    "braunschweig",
    "kiel",
    "chemnitz",
    "halle",
    "magdeburg",
    "freiburg",
    "krefeld",
    "mainz",
    "lübeck",
    "luebeck",
    "erfurt",
    "oberhausen",
    "rostock",
    "kassel",
    "hagen",
    "potsdam",
    "saarbrücken",
    "saarbruecken",
    "hamm",
    "ludwigshafen",
    "oldenburg",
    "mülheim",
    "osnabrück",
    "osnabrueck",
    "leverkusen",
    "heidelberg",
    "darmstadt",
    "solingen",
    "regensburg",
    "herne",
    "paderborn",
    "neuss",
    "ingolstadt",
    "offenbach",
    "fürth",
    "fuerth",
    "ulm",
    "heilbronn",
    "pforzheim",
    "würzburg",
    "wuerzburg",
    "wolfsburg",
    "göttingen",
    "goettingen",
    "bottrop",
    "reutlingen",
    "erlangen",
    "bremerhaven",
    "koblenz",
    "bergisch",
    "remscheid",
    "trier",
    "recklinghausen",
    "jena",
    "moers",
    "salzgitter",
    "siegen",
    "gütersloh",
    "hildesheim",
    "hanau",
    "kaiserslautern",
    "cottbus",
    "schwerin",
    "witten",
    "esslingen",
    "ludwigsburg",
    "gera",
    "iserlohn",
    "düren",
    "tübingen",
    "tuebingen",
    "zwickau",
    "flensburg",
    "gießen",
    "giessen",
    "ratingen",
    "lünen",
    "villingen-schwenningen",
    "konstanz",
    "marl",
    "worms",
    "velbert",
    "minden",
    "dessau-roßlau",
    "neumünster",
    "norderstedt",
    "delmenhorst",
    "wilhelmshaven",
    "viersen",
    "gladbeck",
    "dorsten",
    "rheine",
    "detmold",
    "troisdorf",
    "castrop-rauxel",
    "arnsberg",
    "lüneburg",
    "bayreuth",
    "bamberg",
    "landshut",
    "brandenburg",
    "bocholt",
    "aschaffenburg",
    "celle",
    "kempten",
    "fulda",
    "dinslaken",
    "aalen",
    "lippstadt",
    "herford",
    "kerpen",
    "rüsselsheim",
    "weimar",
    "sindelfingen",
    "plauen",
    "neuwied",
    "dormagen",
    "grevenbroich",
    "rosenheim",
    "herten",
    "bergheim",
    "garbsen",
    "wesel",
    "hürth",
    "friedrichshafen",
    "offenburg",
    "stralsund",
    "unna",
    "greifswald",
    "langenfeld",
    "göppingen",
    "euskirchen",
    "görlitz",
    "hameln",
    "hattingen",
    "wetzlar",
    "neubrandenburg",
    "stolberg",
    "menden",
    "ahlen",
    "meerbusch",
    "frankfurt/main",
    "baden-baden",
    "passau",
    "speyer",
    "lüdenscheid",
    "sankt",
    "schwäbisch",
    "neustadt",
    "freising",
    "dachau",
];

/// The byte at `i`, or 0 outside the text.
fn at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

/// The char starting at byte `i`.
fn char_at(text: &str, i: usize) -> Option<char> {
    text.get(i..).and_then(|s| s.chars().next())
}

/// The char ending at byte `i`.
fn char_before(text: &str, i: usize) -> Option<char> {
    text.get(..i).and_then(|s| s.chars().next_back())
}

/// True if `word` equals one of `list` ignoring ASCII case.
fn in_list(list: &[&str], word: &str) -> bool {
    list.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// Longest word considered, in chars; bounds the work on hostile input.
const MAX_WORD: usize = 40;

/// A capitalised (`Main`, `Müller-Straße`, `McArthur`) or ALL-CAPS (`MAIN`) word at `pos`;
/// returns its end. Rejects words glued to digits or `_` and `CamelCase`.
fn cap_word(text: &str, pos: usize) -> Option<usize> {
    let rest = text.get(pos..)?;
    let mut it = rest.char_indices();
    let (_, first) = it.next()?;
    if !first.is_uppercase() {
        return None;
    }
    let mut end = pos + first.len_utf8();
    let mut upper = 0usize;
    let mut lower_n = 0usize;
    let mut stray_caps = 0usize;
    let mut prev = first;
    for (n, (off, c)) in (1usize..).zip(it) {
        if n > MAX_WORD {
            return None;
        }
        if c.is_alphabetic() {
            if c.is_uppercase() {
                upper += 1;
                let seg_start = prev == '-' || prev == '\'';
                let mc = text
                    .get(pos..pos + off)
                    .is_some_and(|s| s == "Mc" || s == "Mac");
                if !seg_start && !mc {
                    stray_caps += 1;
                }
            } else {
                lower_n += 1;
            }
        } else if (c == '-' || c == '\'')
            && char_at(text, pos + off + 1).is_some_and(char::is_alphabetic)
        {
            // joined parts (`Karl-Marx-Allee`, `St John's`)
        } else {
            break;
        }
        prev = c;
        end = pos + off + c.len_utf8();
    }
    // Mixed case with capitals inside a part is an identifier; all caps is fine.
    if stray_caps > 0 && lower_n > 0 && !(upper > 0 && lower_n == 0) {
        return None;
    }
    match char_at(text, end) {
        Some(c) if c.is_alphanumeric() || c == '_' => None,
        _ => Some(end),
    }
}

/// An ordinal street name (`5th`, `42nd`, `1st`, `3rd`) at `pos`; returns its end.
fn ordinal(b: &[u8], pos: usize) -> Option<usize> {
    let mut e = pos;
    while at(b, e).is_ascii_digit() && e - pos < 3 {
        e += 1;
    }
    if e == pos {
        return None;
    }
    let (x, y) = (
        at(b, e).to_ascii_lowercase(),
        at(b, e + 1).to_ascii_lowercase(),
    );
    if !matches!(
        (x, y),
        (b's', b't') | (b'n', b'd') | (b'r', b'd') | (b't', b'h')
    ) {
        return None;
    }
    let end = e + 2;
    if at(b, end).is_ascii_alphanumeric() || at(b, end) == b'_' {
        return None;
    }
    Some(end)
}

/// A compass direction (`N`, `SW`, `E.`) at `pos`; returns its end.
fn direction(b: &[u8], pos: usize) -> Option<usize> {
    let mut e = pos;
    while matches!(at(b, e), b'N' | b'S' | b'E' | b'W') && e - pos < 2 {
        e += 1;
    }
    let len = e - pos;
    if len == 0 || (len == 2 && !matches!(at(b, pos), b'N' | b'S')) {
        return None;
    }
    if at(b, e) == b'.' && !at(b, e + 1).is_ascii_alphanumeric() {
        e += 1;
    }
    if at(b, e).is_ascii_alphanumeric() || at(b, e) == b'_' {
        return None;
    }
    Some(e)
}

/// The word (letters only) ending at byte `end`, at most 20 chars.
fn word_before(text: &str, end: usize) -> Option<(usize, &str)> {
    let before = text.get(..end)?;
    let mut start = end;
    for (i, c) in before.char_indices().rev().take(20) {
        if c.is_alphabetic() {
            start = i;
        } else {
            break;
        }
    }
    (start < end)
        .then(|| Some((start, text.get(start..end)?)))
        .flatten()
}

/// True when a house number may start at `p`: not glued to a word, another number, a price or
/// a version.
fn number_left_ok(text: &str, p: usize) -> bool {
    match char_before(text, p) {
        None => true,
        Some(c @ (':' | ',')) => {
            // `Address:12 …` yes, `10:30` and `1,200` no.
            !char_before(text, p - c.len_utf8()).is_some_and(|d| d.is_ascii_digit())
        }
        Some(c) => c.is_whitespace() || matches!(c, '(' | '[' | '"' | '\'' | '“' | '‘' | '>'),
    }
}

/// True if `hay` ends with `suffix`, ignoring ASCII case.
fn ends_with_ci(hay: &[u8], suffix: &str) -> bool {
    hay.len()
        .checked_sub(suffix.len())
        .and_then(|s| hay.get(s..))
        .is_some_and(|t| t.eq_ignore_ascii_case(suffix.as_bytes()))
}

/// The `GIR 0AA` (or `GIR0AA`) special postcode whose digit is at `p`; returns its range.
fn gir(text: &str, p: usize) -> Option<(usize, usize)> {
    let s = if text.get(p.checked_sub(4)?..p) == Some("GIR ") {
        p - 4
    } else if text.get(p.checked_sub(3)?..p) == Some("GIR") {
        p - 3
    } else {
        return None;
    };
    if text.get(p..p + 3) != Some("0AA") || at(text.as_bytes(), p + 3).is_ascii_alphanumeric() {
        return None;
    }
    if char_before(text, s).is_some_and(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    Some((s, p + 3))
}

/// The end of the digit run starting at `p`.
fn digits_end(b: &[u8], p: usize) -> usize {
    let mut e = p;
    while at(b, e).is_ascii_digit() {
        e += 1;
    }
    e
}

/// Parses a house number at `p` (digit run ends at `q`): 1–`max` digits, no leading zero,
/// optional letter (`221B`, `12a`) or range (`12-14`, `3/5`). Returns its end.
fn house_number(b: &[u8], p: usize, q: usize, max: usize) -> Option<usize> {
    let len = q - p;
    if len == 0 || len > max || at(b, p) == b'0' {
        return None;
    }
    let mut e = q;
    if matches!(at(b, e), b'-' | b'/') && at(b, e + 1).is_ascii_digit() {
        let r = digits_end(b, e + 1);
        if r - (e + 1) > max {
            return None;
        }
        e = r;
    }
    if at(b, e).is_ascii_alphabetic() && !at(b, e + 1).is_ascii_alphanumeric() {
        e += 1;
    }
    // Not a decimal, time, version or a longer token.
    let c = at(b, e);
    if c.is_ascii_alphanumeric() || c == b'_' {
        return None;
    }
    if matches!(c, b'.' | b',' | b':') && at(b, e + 1).is_ascii_digit() {
        return None;
    }
    Some(e)
}

/// True if the digits `p..q` look like a year (1800–2099).
fn year_like(b: &[u8], p: usize, q: usize) -> bool {
    q - p == 4 && matches!(b.get(p..p + 2), Some(b"18" | b"19" | b"20"))
}

/// US / UK street address starting with a house number at `p` (digit run ends at `q`).
/// Returns the end of the address and, if one was included, the postcode range.
fn us_uk_street(text: &str, p: usize, q: usize) -> Option<(usize, Option<(usize, usize)>)> {
    let b = text.as_bytes();
    if !number_left_ok(text, p) {
        return None;
    }
    let num_end = house_number(b, p, q, 6)?;
    let mut pos = num_end;
    let mut names = 0usize;
    let mut street_end = None;
    let mut suffix_word = "";
    for _ in 0..5 {
        if at(b, pos) != b' ' {
            break;
        }
        let s = pos + 1;
        let end = if let Some(e) = ordinal(b, s) {
            e
        } else if let Some(e) = direction(b, s).filter(|_| names == 0) {
            e
        } else if let Some(e) = cap_word(text, s) {
            e
        } else {
            break;
        };
        let word = text.get(s..end).unwrap_or("");
        let bare = word.trim_end_matches('.');
        if names > 0 && in_list(STREET_SUFFIXES, bare) {
            suffix_word = bare;
            street_end = Some(end);
            break;
        }
        if in_list(NOT_STREET_WORDS, bare) {
            return None;
        }
        names += 1;
        if names > 4 {
            return None;
        }
        pos = end;
    }
    let mut end = street_end?;
    // A label or article before the number (`Chapter 12`, `the 5`), or `in 2024`. Checked
    // only now because the lists are long and most numbers are not followed by a street.
    let mut j = p;
    while j > 0 && at(b, j - 1) == b' ' && p - j < 2 {
        j -= 1;
    }
    if j < p
        && let Some((_, w)) = word_before(text, j)
        && (in_list(LABEL_WORDS, w) || (year_like(b, p, q) && in_list(YEAR_PREPOSITIONS, w)))
    {
        return None;
    }
    if at(b, end) == b'.'
        && in_list(ABBREVIATED_SUFFIXES, suffix_word)
        && !at(b, end + 1).is_ascii_alphanumeric()
    {
        end += 1;
    }
    // A trailing direction (`Avenue NW`).
    if at(b, end) == b' '
        && let Some(e) = direction(b, end + 1)
    {
        end = e;
    }
    end = unit(text, end).unwrap_or(end);
    match locality(text, end) {
        Some((e, pc)) => Some((e, Some(pc))),
        None => Some((end, None)),
    }
}

/// An apartment, suite or flat after a street ending at `from` (`, Apt 4B`, ` #12`).
fn unit(text: &str, from: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut pos = from;
    if at(b, pos) == b',' {
        pos += 1;
    }
    if at(b, pos) != b' ' {
        return None;
    }
    pos += 1;
    if at(b, pos) == b'#' {
        pos += 1;
    } else {
        let mut e = pos;
        while at(b, e).is_ascii_alphabetic() && e - pos < 10 {
            e += 1;
        }
        let word = text.get(pos..e)?;
        if !at(b, pos).is_ascii_uppercase() || !in_list(UNIT_WORDS, word) {
            return None;
        }
        pos = e;
        if at(b, pos) == b'.' {
            pos += 1;
        }
        if at(b, pos) == b' ' {
            pos += 1;
        }
        if at(b, pos) == b'#' {
            pos += 1;
        }
    }
    let start = pos;
    let mut digit = false;
    while (at(b, pos).is_ascii_alphanumeric() || at(b, pos) == b'-') && pos - start < 6 {
        digit |= at(b, pos).is_ascii_digit();
        pos += 1;
    }
    let len = pos - start;
    if len == 0 || at(b, pos).is_ascii_alphanumeric() || !(digit || len == 1) {
        return None;
    }
    Some(pos)
}

/// `, City, ST 12345` or `, Town POSTCODE` after a street ending at `from`. Returns the end and
/// the postcode range.
fn locality(text: &str, from: usize) -> Option<(usize, (usize, usize))> {
    let b = text.as_bytes();
    let mut pos = from;
    if at(b, pos) == b',' {
        pos += 1;
    }
    match at(b, pos) {
        b' ' | b'\n' => pos += 1,
        b'\r' if at(b, pos + 1) == b'\n' => pos += 2,
        _ => return None,
    }
    // Up to three capitalised town words (`St. Louis`, `Salt Lake City`).
    let mut words = 0;
    while words < 3 {
        let Some(mut e) = cap_word(text, pos) else {
            break;
        };
        let word = text.get(pos..e)?;
        if word.len() == 2 && word.bytes().all(|c| c.is_ascii_uppercase()) {
            break; // a state code or postcode area, not a town
        }
        if at(b, e) == b'.' && matches!(word, "St" | "Ft" | "Mt") {
            e += 1;
        }
        words += 1;
        pos = e;
        if at(b, pos) == b' ' && cap_word(text, pos + 1).is_some() {
            pos += 1;
        } else {
            break;
        }
    }
    if words == 0 {
        return None;
    }
    if at(b, pos) == b',' {
        pos += 1;
    }
    if !matches!(at(b, pos), b' ' | b'\n') {
        return None;
    }
    pos += 1;
    if let Some(e) = uk_postcode(text, pos) {
        return Some((e, (pos, e)));
    }
    // A US state code, then the ZIP.
    let state = text.get(pos..pos + 2)?;
    if !US_STATES.contains(&state) || at(b, pos + 2) != b' ' {
        return None;
    }
    let z = pos + 3;
    let e = zip(b, z)?;
    Some((e, (z, e)))
}

/// A ZIP or ZIP+4 at `pos`; returns its end.
fn zip(b: &[u8], pos: usize) -> Option<usize> {
    let e = digits_end(b, pos);
    if e - pos != 5 {
        return None;
    }
    let mut end = e;
    if at(b, e) == b'-' && digits_end(b, e + 1) - (e + 1) == 4 {
        end = e + 5;
    }
    let c = at(b, end);
    if c.is_ascii_alphanumeric() || c == b'_' || (c == b'-' && at(b, end + 1).is_ascii_digit()) {
        return None;
    }
    Some(end)
}

/// A UK postcode starting at `pos` (`SW1A 1AA`, `M11AE`); returns its end. Checks the area
/// against the list of real areas and the letters allowed in each position.
fn uk_postcode(text: &str, pos: usize) -> Option<usize> {
    let b = text.as_bytes();
    if char_before(text, pos).is_some_and(|c| c.is_alphanumeric() || "_-./".contains(c)) {
        return None;
    }
    if let Some((s, e)) = text.get(pos..pos + 4).and_then(|_| gir(text, pos + 4))
        && s == pos
    {
        return Some(e);
    }
    let mut a = pos;
    while at(b, a).is_ascii_uppercase() && a - pos < 2 {
        a += 1;
    }
    let area = text.get(pos..a)?;
    if area.is_empty() || !UK_AREAS.contains(&area) || !at(b, a).is_ascii_digit() {
        return None;
    }
    // Outward code candidates: area + digit, + two digits, + digit and letter.
    let d = a + 1;
    let mut candidates = [None; 3];
    candidates[0] = Some(d);
    if at(b, d).is_ascii_digit() {
        candidates[1] = Some(d + 1);
    }
    let third_ok: &[u8] = if area.len() == 1 {
        b"ABCDEFGHJKPSTUW"
    } else {
        b"ABEHMNPRVWXY"
    };
    if third_ok.contains(&at(b, d)) {
        candidates[2] = Some(d + 1);
    }
    for out_end in candidates.into_iter().flatten() {
        for sep in [1usize, 0] {
            if sep == 1 && at(b, out_end) != b' ' {
                continue;
            }
            let i = out_end + sep;
            if let Some(e) = inward(b, i) {
                return Some(e);
            }
        }
    }
    None
}

/// A UK inward code (digit and two letters, not C I K M O V) at `i`; returns its end.
fn inward(b: &[u8], i: usize) -> Option<usize> {
    let ok = |c: u8| c.is_ascii_uppercase() && !b"CIKMOV".contains(&c);
    if at(b, i).is_ascii_digit() && ok(at(b, i + 1)) && ok(at(b, i + 2)) {
        let c = at(b, i + 3);
        if !(c.is_ascii_alphanumeric() || c == b'_') {
            return Some(i + 3);
        }
    }
    None
}

/// A German street word ending at byte `end` (just before the space before the house
/// number). Returns where the street name starts.
fn de_street_before(text: &str, end: usize) -> Option<usize> {
    let b = text.as_bytes();
    // `Hauptstr.` ends with a period; take the letters before it.
    let (word_end, dotted) = if at(b, end.checked_sub(1)?) == b'.' {
        (end - 1, true)
    } else {
        (end, false)
    };
    let before = text.get(..word_end)?;
    let mut start = word_end;
    for (i, c) in before.char_indices().rev().take(MAX_WORD) {
        if c.is_alphabetic() || c == '-' {
            start = i;
        } else {
            break;
        }
    }
    let word = text.get(start..word_end)?;
    // Cheap filter on the last letter of every ending (`straße`, `weg`, `platz`, `damm`,
    // `ufer`, `pfad`, `str.` …) before any case folding.
    let last = at(b, word_end.checked_sub(1)?).to_ascii_lowercase();
    if !matches!(last, b'e' | b'g' | b'z' | b'm' | b'r' | b'd')
        || !word.starts_with(|c: char| c.is_uppercase())
    {
        return None;
    }
    if char_before(text, start)
        .is_some_and(|c| !(c.is_whitespace() || matches!(c, '(' | ',' | ':' | '"' | '\'' | '>')))
    {
        return None;
    }
    let mut buf = [0u8; 48];
    let lw = lower_into(word, &mut buf)?;
    let ending = DE_STREET_ENDINGS.iter().find(|e| {
        let e = e.trim_end_matches('.');
        lw.ends_with(e) && (dotted == (e == "str"))
    })?;
    if *ending == "ring" {
        // English words that end in -ring: `String`, `Spring`, `Bring`, `Engineering`.
        let stem = lw.strip_suffix("ring").unwrap_or("");
        let vowel_before = stem.ends_with(['a', 'e', 'i', 'o', 'u', 'y']);
        if lw.ends_with("string") || lw.ends_with("spring") || lw.ends_with("bring") || vowel_before
        {
            return None;
        }
    }
    // `Straße`, `Allee`, `Ring` on their own need a capitalised word before them
    // (`Berliner Straße`, `Frankfurter Allee`).
    let standalone = lw == ending.trim_end_matches('.');
    if standalone {
        let j = start.checked_sub(1)?;
        if at(b, j) != b' ' {
            return None;
        }
        let (ws, w) = word_before(text, j)?;
        if !w.starts_with(|c: char| c.is_uppercase()) {
            return None;
        }
        return Some(ws);
    }
    Some(start)
}

/// `PLZ City` at `pos` (the PLZ's first digit): where the PLZ and the city end, whether the
/// city is a listed large city and whether `Germany` follows. `None` if prose goes on after
/// the city.
fn plz_city(text: &str, pos: usize, allow_prose: bool) -> Option<PlzCity> {
    let b = text.as_bytes();
    let e = digits_end(b, pos);
    if e - pos != 5 || b.get(pos..pos + 2) == Some(b"00") || at(b, e) != b' ' {
        return None;
    }
    let cs = e + 1;
    let mut ce = cap_word(text, cs)?;
    let city = text.get(cs..ce)?;
    if city.len() > 1 && city.bytes().all(|c| c.is_ascii_uppercase()) {
        return None;
    }
    let mut buf = [0u8; 48];
    let big = lower_into(city, &mut buf).is_some_and(|c| DE_CITIES.contains(&c));
    // `Frankfurt am Main`, `Halle (Saale)`, `Freiburg im Breisgau`.
    let rest = text.get(ce..).unwrap_or("");
    for conn in [
        " am ", " an der ", " im ", " in ", " ob der ", " bei ", " (", "/",
    ] {
        if rest.starts_with(conn) {
            if let Some(e2) = cap_word(text, ce + conn.len()) {
                ce = e2;
                if conn == " (" && at(b, ce) == b')' {
                    ce += 1;
                }
            }
            break;
        }
    }
    let after = text.get(ce..).unwrap_or("");
    let germany = [
        ", Germany",
        " Germany",
        ", Deutschland",
        " Deutschland",
        "\nGermany",
        "\nDeutschland",
    ]
    .iter()
    .any(|g| after.starts_with(g));
    // Prose goes on after a number and a city (`10000 Berlin residents`); an address does not,
    // except in German word order right after a street (`an Lindenstraße 42, 10969 Berlin
    // liefern`).
    let mut it = after.chars();
    if !allow_prose && it.next() == Some(' ') && it.next().is_some_and(char::is_lowercase) {
        return None;
    }
    Some(PlzCity {
        plz_end: e,
        city_end: ce,
        big,
        germany,
    })
}

/// A `PLZ City` pair found by [`plz_city`].
#[derive(Debug, Clone, Copy)]
struct PlzCity {
    /// End of the five digits.
    plz_end: usize,
    /// End of the city name.
    city_end: usize,
    /// The city is one of the largest German cities.
    big: bool,
    /// `Germany` or `Deutschland` follows.
    germany: bool,
}

/// `, PLZ City` right after a German house number ending at `from`.
fn de_locality(text: &str, from: usize, allow_prose: bool) -> Option<(usize, PlzCity)> {
    let b = text.as_bytes();
    let mut pos = from;
    if at(b, pos) == b',' {
        pos += 1;
    }
    match at(b, pos) {
        b' ' | b'\n' => pos += 1,
        _ => return None,
    }
    if text.get(pos..pos + 2) == Some("D-") {
        pos += 2;
    }
    let pc = plz_city(text, pos, allow_prose)?;
    Some((pos, pc))
}

/// A German street and house number whose number starts at `p` (digit run ends at `q`).
/// Returns the address span, the PLZ range if one follows.
fn de_street(text: &str, p: usize, q: usize) -> Option<(usize, usize, Option<Range>)> {
    let b = text.as_bytes();
    if p == 0 || at(b, p - 1) != b' ' {
        return None;
    }
    let num_end = house_number(b, p, q, 4)?;
    if let Some(start) = de_street_before(text, p - 1) {
        let loc = de_locality(text, num_end, true);
        return Some(match loc {
            Some((plz, pc)) => (start, pc.city_end, Some((plz, pc.plz_end))),
            None => (start, num_end, None),
        });
    }
    // Any other street name (`Am Markt 3`, `Unter den Linden 77`) needs `, PLZ City` after it.
    let (plz, pc) = de_locality(text, num_end, false)?;
    let mut start = p - 1;
    let mut words = 0;
    let mut first_cap = None;
    while words < 3 {
        let Some((ws, w)) = word_before(text, start) else {
            break;
        };
        let cap = w.starts_with(|c: char| c.is_uppercase());
        if !cap
            && !matches!(
                w,
                "der" | "die" | "das" | "dem" | "den" | "am" | "im" | "an" | "auf"
            )
        {
            break;
        }
        if cap {
            first_cap = Some(ws);
        }
        words += 1;
        if ws == 0 || at(b, ws - 1) != b' ' {
            break;
        }
        start = ws - 1;
    }
    let s = first_cap?;
    if !number_left_ok(text, s) {
        return None;
    }
    Some((s, pc.city_end, Some((plz, pc.plz_end))))
}

/// A byte range `(start, end)`.
type Range = (usize, usize);

/// `PO Box 123`, `P.O. Box 123`, `Post Office Box 123`, `Postfach 12 34 56` whose number
/// starts at `p`; returns the start of the phrase and the end of the number.
fn po_box(text: &str, p: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let before = text.get(..p)?;
    let mut end = digits_end(b, p);
    if end - p > 10 || at(b, end).is_ascii_alphanumeric() {
        return None;
    }
    let tail = before.as_bytes();
    for pre in [
        "post office box ",
        "p.o. box ",
        "p. o. box ",
        "p o box ",
        "po box ",
        "pob ",
    ] {
        if ends_with_ci(tail, pre) {
            let s = p - pre.len();
            if number_left_ok(text, s) && at(b, s).is_ascii_uppercase() {
                return Some((s, end));
            }
        }
    }
    if ends_with_ci(tail, "postfach ") {
        let s = p - "postfach ".len();
        if number_left_ok(text, s) && at(b, s) == b'P' {
            // Digit groups separated by single spaces (`12 34 56`).
            let mut digits = end - p;
            while at(b, end) == b' ' && at(b, end + 1).is_ascii_digit() {
                let e = digits_end(b, end + 1);
                digits += e - (end + 1);
                if digits > 10 || at(b, e).is_ascii_alphanumeric() {
                    break;
                }
                end = e;
            }
            return Some((s, end));
        }
    }
    None
}

/// A US ZIP after `City, ST ` or `City ST ` at `p`; returns its end.
fn zip_after_state(text: &str, p: usize) -> Option<usize> {
    let b = text.as_bytes();
    let end = zip(b, p)?;
    let st = p.checked_sub(3)?;
    let state = text.get(st..st + 2)?;
    if at(b, p - 1) != b' ' || !US_STATES.contains(&state) {
        return None;
    }
    let j = st.checked_sub(1)?;
    if at(b, j) != b' ' {
        return None;
    }
    let k = j.checked_sub(1)?;
    let city_end = if at(b, k) == b',' { k } else { j };
    let (_, city) = word_before(text, city_end)?;
    city.starts_with(|c: char| c.is_uppercase()).then_some(end)
}

/// Header names (compared lower-cased without `_`, `-`, `.` and spaces) of CSV columns that
/// hold a street line.
const STREET_COLUMNS: &[&str] = &[
    "street",
    "streetaddress",
    "address",
    "address1",
    "addressline1",
    "addressline",
    "addr",
    "addr1",
    "strasse",
    "straße",
    "adresse",
    "anschrift",
    "rue",
    "calle",
    "direccion",
    "dirección",
];

/// Header names of CSV columns that hold a postcode or ZIP code.
const POSTCODE_COLUMNS: &[&str] = &[
    "postcode",
    "postalcode",
    "zip",
    "zipcode",
    "plz",
    "postleitzahl",
    "codepostal",
    "cp",
    "codigopostal",
    "códigopostal",
];

/// Longest CSV line (in bytes) looked at as a header.
const MAX_HEADER: usize = 300;

/// Most columns in a CSV header.
const MAX_COLUMNS: usize = 32;

/// What a CSV column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    /// Nothing this module reports.
    Other,
    /// A street line.
    Street,
    /// A postcode.
    Postcode,
}

/// The fields of the CSV line `text[ls..le]` split on `delim` (`"…"` quoting with `""`
/// escapes), as the ranges of their contents; `None` when a quote is not closed or there are
/// more than [`MAX_COLUMNS`] fields.
fn csv_fields(text: &str, ls: usize, le: usize, delim: u8) -> Option<Vec<Range>> {
    let b = text.as_bytes();
    let mut fields = Vec::new();
    let mut pos = ls;
    loop {
        if fields.len() >= MAX_COLUMNS {
            return None;
        }
        let (s, e, next) = if at(b, pos) == b'"' {
            let mut q = pos + 1;
            loop {
                if q >= le {
                    return None;
                }
                if at(b, q) == b'"' {
                    if at(b, q + 1) == b'"' {
                        q += 2;
                        continue;
                    }
                    break;
                }
                q += 1;
            }
            (pos + 1, q, q + 1)
        } else {
            let e = b
                .get(pos..le)
                .and_then(|l| memchr::memchr(delim, l))
                .map_or(le, |i| pos + i);
            (pos, e, e)
        };
        fields.push((s, e));
        if next >= le {
            return Some(fields);
        }
        if at(b, next) != delim {
            return None;
        }
        pos = next + 1;
    }
}

/// What the header field `name` says about its column.
fn column_kind(name: &str) -> Column {
    let mut buf = [0u8; 48];
    let Some(lw) = lower_into(name.trim(), &mut buf) else {
        return Column::Other;
    };
    let mut key = [0u8; 48];
    let mut n = 0;
    for &c in lw.as_bytes() {
        if !matches!(c, b'_' | b'-' | b'.' | b' ') {
            let Some(slot) = key.get_mut(n) else {
                return Column::Other;
            };
            *slot = c;
            n += 1;
        }
    }
    let key = key
        .get(..n)
        .and_then(|k| std::str::from_utf8(k).ok())
        .unwrap_or("");
    if STREET_COLUMNS.contains(&key) {
        Column::Street
    } else if POSTCODE_COLUMNS.contains(&key) {
        Column::Postcode
    } else {
        Column::Other
    }
}

/// The columns of a CSV header line `text[ls..le]`, if it is one: two or more short
/// identifier-like fields, one of them a street or postcode column.
fn csv_header(text: &str, ls: usize, le: usize) -> Option<(u8, Vec<Column>)> {
    let b = text.as_bytes();
    let line = b.get(ls..le)?;
    if line.len() > MAX_HEADER {
        return None;
    }
    // Cheap pass first: short fields of letters, digits, `_`, `-`, `.`, quotes and at most two
    // spaces each; a sentence with a comma fails within a few dozen bytes.
    let (mut len, mut spaces) = (0usize, 0usize);
    for &c in line {
        match c {
            b',' | b';' | b'\t' => (len, spaces) = (0, 0),
            b' ' => spaces += 1,
            _ if c.is_ascii_alphanumeric()
                || matches!(c, b'_' | b'-' | b'.' | b'"')
                || c >= 0x80 => {}
            _ => return None,
        }
        len += 1;
        if len > 40 || spaces > 2 {
            return None;
        }
    }
    let delim = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| line.iter().filter(|c| *c == d).count())?;
    if !line.contains(&delim) {
        return None;
    }
    let fields = csv_fields(text, ls, le, delim)?;
    let mut kinds = Vec::with_capacity(fields.len());
    for (s, e) in fields {
        let name = text.get(s..e)?;
        let shaped = !name.trim().is_empty()
            && name.len() <= 40
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ' '));
        if !shaped {
            return None;
        }
        kinds.push(column_kind(name));
    }
    kinds
        .iter()
        .any(|k| *k != Column::Other)
        .then_some((delim, kinds))
}

/// The end of the line starting at `ls` (before `\r\n` or `\n`), and where the next one starts.
fn line_end(text: &str, ls: usize) -> (usize, usize) {
    let b = text.as_bytes();
    let nl = b
        .get(ls..)
        .and_then(|s| memchr::memchr(b'\n', s))
        .map_or(b.len(), |i| ls + i);
    let le = if nl > ls && at(b, nl - 1) == b'\r' {
        nl - 1
    } else {
        nl
    };
    (le, nl + 1)
}

/// True when the CSV line `text[ls..le]` with `fields` reads like a data row, not like a
/// sentence that happens to hold as many commas (no `. ` / `? ` / `! ` outside quotes, no
/// final `.`, `?`, `!` or `:`).
fn row_like(text: &str, ls: usize, le: usize, fields: &[Range]) -> bool {
    let b = text.as_bytes();
    if matches!(at(b, le.wrapping_sub(1)), b'.' | b'?' | b'!' | b':') {
        return false;
    }
    fields.iter().all(|&(s, e)| {
        let quoted = s > ls && at(b, s - 1) == b'"';
        quoted
            || !text
                .get(s..e)
                .is_some_and(|f| f.contains(". ") || f.contains("? ") || f.contains("! "))
    })
}

/// Streets and postcodes in the columns of CSV tables whose header names them
/// (`id,street,postcode,city`): a street field with a letter and a digit (`12, Rue des
/// Tilleuls`, `Kastanienweg 14`), a postcode field of 3–10 letters, digits, spaces or dashes
/// with a digit (`67000`, `LS6 4PB`). The rows end at a blank line or a line with another
/// number of fields.
fn csv_tables(text: &str, out: &mut Vec<Span>) {
    let b = text.as_bytes();
    let mut ls = 0usize;
    while ls < b.len() {
        let (le, next) = line_end(text, ls);
        // A header starts with a letter or a quote and has a delimiter within its first field.
        let first = at(b, ls);
        let header = (first.is_ascii_alphabetic() || first == b'"' || first >= 0x80)
            .then(|| b.get(ls..le.min(ls + 48)))
            .flatten()
            .is_some_and(|l| memchr::memchr3(b',', b';', b'\t', l).is_some())
            .then(|| csv_header(text, ls, le))
            .flatten();
        ls = next;
        let Some((delim, kinds)) = header else {
            continue;
        };
        // Rows.
        while ls < b.len() {
            let (re, rnext) = line_end(text, ls);
            let Some(fields) = csv_fields(text, ls, re, delim) else {
                break;
            };
            if re == ls || fields.len() != kinds.len() || !row_like(text, ls, re, &fields) {
                break;
            }
            for (&(s, e), kind) in fields.iter().zip(&kinds) {
                let v = text.get(s..e).unwrap_or("").trim();
                let vs = s + text.get(s..e).unwrap_or("").find(v).unwrap_or(0);
                let ve = vs + v.len();
                let digit = v.bytes().any(|c| c.is_ascii_digit());
                match kind {
                    Column::Street
                        if digit && v.chars().any(char::is_alphabetic) && v.len() <= 80 =>
                    {
                        out.push(Span::new(Kind::StreetAddress, vs, ve));
                    }
                    Column::Postcode
                        if digit
                            && (3..=10).contains(&v.len())
                            && v.bytes()
                                .all(|c| c.is_ascii_alphanumeric() || c == b' ' || c == b'-') =>
                    {
                        out.push(Span::new(Kind::Postcode, vs, ve));
                    }
                    _ => {}
                }
            }
            ls = rnext;
        }
    }
}

/// Appends [`Kind::StreetAddress`] and [`Kind::Postcode`] spans found in `text` (see the module
/// docs for the rules).
pub(crate) fn find(text: &str, out: &mut Vec<Span>) {
    let b = text.as_bytes();
    csv_tables(text, out);
    let mut i = 0usize;
    // End of the last German street, for the rule that accepts a PLZ shortly after one.
    let mut last_de_street: Option<usize> = None;
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
        if p > 0 && at(b, p - 1).is_ascii_digit() {
            continue;
        }
        // UK postcode: the area letters stand right before the digits.
        let mut ls = p;
        while ls > 0 && at(b, ls - 1).is_ascii_uppercase() && p - ls < 2 {
            ls -= 1;
        }
        if let Some((s, e)) = gir(text, p) {
            out.push(Span::new(Kind::Postcode, s, e));
            i = e;
            continue;
        }
        if ls < p {
            if let Some(e) = uk_postcode(text, ls) {
                out.push(Span::new(Kind::Postcode, ls, e));
                i = e;
                continue;
            }
            continue; // glued to letters: not a house number or PLZ
        }
        if let Some((s, e, plz)) = de_street(text, p, q) {
            out.push(Span::new(Kind::StreetAddress, s, e));
            if let Some((ps, pe)) = plz {
                out.push(Span::new(Kind::Postcode, ps, pe));
            }
            last_de_street = Some(e);
            i = e;
            continue;
        }
        if let Some((e, pc)) = us_uk_street(text, p, q) {
            out.push(Span::new(Kind::StreetAddress, p, e));
            if let Some((ps, pe)) = pc {
                out.push(Span::new(Kind::Postcode, ps, pe));
            }
            i = e;
            continue;
        }
        if let Some((s, e)) = po_box(text, p) {
            out.push(Span::new(Kind::StreetAddress, s, e));
            i = e;
            continue;
        }
        if q - p != 5 {
            continue;
        }
        if let Some(e) = zip_after_state(text, p) {
            out.push(Span::new(Kind::Postcode, p, e));
            i = e;
            continue;
        }
        // German PLZ and city.
        let prefixed = text.get(p.saturating_sub(2)..p) == Some("D-")
            && (p == 2 || !at(b, p - 3).is_ascii_alphanumeric());
        let left_ok = prefixed
            || match char_before(text, p) {
                None => true,
                Some(c) => c.is_whitespace() || matches!(c, '(' | ',' | ':' | '"' | '\''),
            };
        if !left_ok {
            continue;
        }
        let near_street = last_de_street.is_some_and(|e| p.saturating_sub(e) <= 80);
        if let Some(pc) = plz_city(text, p, near_street)
            && (at(b, p) == b'0' || pc.big || pc.germany || near_street || prefixed)
        {
            out.push(Span::new(Kind::Postcode, p, pc.plz_end));
            i = pc.plz_end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::util::test_support::{assert_no_hits, found_texts, random_mix};

    fn spans(text: &str) -> Vec<(Kind, &str)> {
        let mut v = Vec::new();
        find(text, &mut v);
        v.iter().map(|s| (s.kind, &text[s.start..s.end])).collect()
    }

    #[track_caller]
    fn addr(text: &str, want: &str) {
        let got = spans(text);
        assert!(
            got.iter()
                .any(|(k, s)| *k == Kind::StreetAddress && *s == want),
            "{want:?} not found in {text:?}: {got:?}"
        );
    }

    #[track_caller]
    fn post(text: &str, want: &str) {
        let got = spans(text);
        assert!(
            got.iter().any(|(k, s)| *k == Kind::Postcode && *s == want),
            "{want:?} not found in {text:?}: {got:?}"
        );
    }

    #[track_caller]
    fn none(text: &str) {
        assert_eq!(spans(text), vec![], "in {text:?}");
    }

    #[test]
    fn us_streets() {
        addr("Send it to 123 Main St. please", "123 Main St.");
        addr(
            "Send it to 123 Main St, Springfield, IL 62704.",
            "123 Main St, Springfield, IL 62704",
        );
        post("Send it to 123 Main St, Springfield, IL 62704.", "62704");
        addr(
            "1600 Pennsylvania Avenue NW, Washington, DC 20500",
            "1600 Pennsylvania Avenue NW, Washington, DC 20500",
        );
        addr(
            "at 350 5th Avenue, New York, NY 10118-0110",
            "350 5th Avenue, New York, NY 10118-0110",
        );
        addr("42 W. 42nd St, Apt 4B", "42 W. 42nd St, Apt 4B");
        addr("500 Oak Blvd Suite 200", "500 Oak Blvd Suite 200");
        addr("12 Elm Ct #12", "12 Elm Ct #12");
        addr(
            "1 Infinite Loop, Cupertino, CA 95014",
            "1 Infinite Loop, Cupertino, CA 95014",
        );
        addr("221B Baker Street", "221B Baker Street");
        addr(
            "1234 Lake Shore Drive\nChicago, IL 60610",
            "1234 Lake Shore Drive\nChicago, IL 60610",
        );
        addr("SHIP TO: 77 MAIN STREET", "77 MAIN STREET");
        addr("my address: 9 Park Avenue", "9 Park Avenue");
        addr(
            "123 Main St, St. Louis, MO 63101",
            "123 Main St, St. Louis, MO 63101",
        );
        addr("write to PO Box 1234", "PO Box 1234");
        addr("P.O. Box 77, Anchorage", "P.O. Box 77");
        addr("Postfach 12 34 56", "Postfach 12 34 56");
        addr("lives at 12 E Street", "12 E Street");
    }

    #[test]
    fn uk_streets_and_postcodes() {
        addr("10 Downing Street is famous", "10 Downing Street");
        addr(
            "10 Downing Street, London SW1A 2AA",
            "10 Downing Street, London SW1A 2AA",
        );
        post("10 Downing Street, London SW1A 2AA", "SW1A 2AA");
        addr(
            "Flat 3, 12 Rose Crescent, Cambridge CB2 3LL",
            "12 Rose Crescent, Cambridge CB2 3LL",
        );
        addr("4 Privet Close", "4 Privet Close");
        addr("27 Mill Lane Mews", "27 Mill Lane");
        for pc in [
            "SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "EC1A 1BB", "W1A 0AX",
            "GIR 0AA",
        ] {
            post(&format!("postcode {pc}."), pc);
            let tight = pc.replace(' ', "");
            post(&format!("({tight})"), &tight);
        }
    }

    #[test]
    fn uk_postcode_near_misses() {
        none("sw1a 1aa"); // lower case
        none("QA1 1AA"); // not an area
        none("SW1A 1CA"); // C not allowed in the inward code
        none("M1 1AEX");
        none("XM1 1AE");
        none("AB1234 5CD");
        none("call M1 1A later");
        none("E1 0.5 ratio");
    }

    #[test]
    fn us_zip() {
        post("Springfield, IL 62704", "62704");
        post("Austin TX 78701-1234", "78701-1234");
        none("TX 78701"); // no city
        none("Springfield, ZZ 62704");
        none("Springfield, IL 627041");
        none("ID 12345 is the order");
    }

    #[test]
    fn street_near_misses() {
        none("I live on Main Street");
        none("Chapter 12 Road to Recovery");
        none("100 Days of Code");
        none("the 5 Star Way in prose");
        none("see Page 42 Drive");
        none("Top 10 Hill Walks");
        none("It's a 15 Minute Walk");
        none("in 2024 Park Avenue hosted");
        none("version 1.2.3 Main Street");
        none("costs $12 Main Street");
        none("use String 5 times");
        none("3.5 Oak Street");
        none("items 0 Main Street");
        none("10:30 Oak Street");
    }

    #[test]
    fn german_streets() {
        addr("Wohnt in der Hauptstraße 12a in Köln", "Hauptstraße 12a");
        addr("Hauptstr. 5, 10115 Berlin", "Hauptstr. 5, 10115 Berlin");
        post("Hauptstr. 5, 10115 Berlin", "10115");
        addr("Berliner Straße 5", "Berliner Straße 5");
        addr("Karl-Marx-Allee 3-5", "Karl-Marx-Allee 3-5");
        addr("Kurfürstendamm 21", "Kurfürstendamm 21");
        addr("Alexanderplatz 1", "Alexanderplatz 1");
        addr("Am Markt 3, 28195 Bremen", "Am Markt 3, 28195 Bremen");
        addr(
            "Unter den Linden 77, 10117 Berlin",
            "Unter den Linden 77, 10117 Berlin",
        );
        addr("Mittlerer Ring 12", "Mittlerer Ring 12");
        addr("Kaiserring 4", "Kaiserring 4");
        addr("HAUPTSTRASSE 5", "HAUPTSTRASSE 5");
    }

    #[test]
    fn german_near_misses() {
        none("Am Markt 3 gibt es Käse");
        none("Spring 2024 semester");
        none("Engineering 101 course");
        none("String 3 and Ring 4");
        none("Platz 3 in der Tabelle");
        none("hauptstraße 5");
        none("Weg 2");
    }

    #[test]
    fn plz() {
        post("10115 Berlin", "10115");
        post("01067 Dresden", "01067");
        post("04109 Irgendwo", "04109");
        post("60311 Frankfurt am Main", "60311");
        post("79098 Kleinstadt, Germany", "79098");
        post("D-80331 München", "80331");
        post("Hauptstraße 12a\nsome notes 79098 Kleinstadt", "79098");
        none("in 2024 Berlin hosted");
        none("12345 Kleinstadt");
        none("a survey of 10000 Berlin residents");
        none("00123 Berlin");
        none("€12345 Berlin");
        none("v1.12345 Berlin");
        none("123456 Berlin");
    }

    #[test]
    fn german_word_order() {
        let text = "Bitte an Lindenstraße 42, 10969 Berlin liefern, 3. OG links.";
        addr(text, "Lindenstraße 42, 10969 Berlin");
        post(text, "10969");
        // Without a street before it, prose after `PLZ City` still rules the PLZ out.
        none("Über 10000 Berlin residents signed.");
    }

    #[test]
    fn csv_columns() {
        let text = concat!(
            "id,street,postcode,city\n",
            "7,\"12, Rue des Tilleuls\",67000,Strasbourg\n",
            "8,Kastanienweg 14,50858,Köln"
        );
        addr(text, "12, Rue des Tilleuls");
        addr(text, "Kastanienweg 14");
        post(text, "67000");
        post(text, "50858");
        let text = "Name;Address Line 1;ZIP\r\nAcme;Unit 5 Harbour Way;AB1 2CD\r\n";
        addr(text, "Unit 5 Harbour Way");
        post(text, "AB1 2CD");
        // Columns that are not addresses, a street without a number, and prose after the table.
        none("id,city,population\n1,Köln,1084000\n2,Bonn,330000");
        none("street,zip\nMain Street,n/a");
        none("street,zip\n\nCall me at 5, okay?");
        none("street,zip\nI think 5, maybe 6 is fine.");
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
            "1",
            "12",
            "123",
            "12345",
            "0",
            " ",
            ", ",
            "\n",
            "Main",
            "St",
            ".",
            "Street",
            "Apt",
            "#",
            "4B",
            "IL",
            "SW1A",
            "1AA",
            "M",
            "GIR ",
            "Hauptstraße",
            "str.",
            "ß",
            "Ü",
            "ö",
            "-",
            "/",
            "Berlin",
            "D-",
            "PO Box ",
            "Postfach ",
            "N",
            "5th",
            "Ring",
            "Germany",
            "\u{1F600}",
            "日本",
            "Am ",
            "der ",
            "Suite",
            "a",
            "'",
            "(",
            "street,zip\n",
            "id;plz;strasse\n",
            ",",
            ";",
            "\t",
            "\"",
            "\"\"",
            "\r\n",
        ];
        for s in random_mix(0x2545_f491_4f6c_dd1d, &pieces, 256, 40) {
            check(&s);
        }
        check(&"1 ".repeat(10_000));
        check(&"12 Main ".repeat(5_000));
        check(&"9".repeat(100_000));
        check(&"Str. 1".repeat(5_000));
        check(&"SW1A 1AA".repeat(1_000));
        check(&"ß1".repeat(5_000));
        // A long CSV table and many header-like lines stay linear.
        check(&format!("street,zip\n{}", "1 A St,12345\n".repeat(20_000)));
        check(&"street,zip\n".repeat(20_000));
        check(&format!("street,zip\n{}", "\"1,".repeat(20_000)));
        check("");
        check("1");
        check("12345");
    }

    fn check(s: &str) {
        found_texts(find, &[Kind::StreetAddress, Kind::Postcode], s);
    }
}
