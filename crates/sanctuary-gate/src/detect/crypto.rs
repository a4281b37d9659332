//! Cryptocurrency private keys: 64-hex keys (with `0x`, or bare in a key context), Bitcoin
//! WIF keys, BIP-32 extended private keys and Nostr `nsec1` keys.
//!
//! Every candidate is a maximal alphanumeric word of 51, 52, 63, 64, 66 or 111 characters.
//! A word of 51 or more bytes always covers a multiple of [`STRIDE`], so the scanner only
//! looks at every 50th byte and, where that byte is alphanumeric, measures the word around it
//! (a few bytes in prose): ordinary text is skimmed, not walked. Every encoding with a checksum is verified (base58check's double SHA-256, bech32's
//! BCH code), which makes the WIF, extended-key and `nsec` rules practically free of false
//! positives; hex keys have no checksum and rely on context.
//!
//! Deliberately not reported: Bitcoin addresses (`1…`, `3…`, `bc1…`), extended public keys
//! (`xpub…`), Nostr public keys (`npub1…`), Ethereum addresses (`0x` + 40 hex), git commit ids
//! (40 hex), 64-hex digests in a hash/transaction context, and Ethereum keystore JSON.

use sanctuary_core::encoding::base58btc_decode;
use sha2::{Digest, Sha256};

use super::token::{boundary_before, context_before, push_span, take_while};
use crate::kind::{Kind, Span};

/// Bytes before a hex key searched for context words ("private key: …", "txHash": "0x…").
const CONTEXT_WINDOW: usize = 32;

/// Words that make a bare 64-hex string a private key.
const KEY_CONTEXT: &[&[u8]] = &[b"private", b"priv", b"secret", b"key", b"seed", b"wallet"];

/// Words that make a 64-hex string a hash or identifier instead; they win over
/// [`KEY_CONTEXT`] ("key hash: …" is a hash).
const HASH_CONTEXT: &[&[u8]] = &[
    b"tx",
    b"transaction",
    b"hash",
    b"block",
    b"sha",
    b"checksum",
    b"digest",
    b"commit",
    b"merkle",
    b"root",
    b"topic",
    b"receipt",
    b"keccak",
    b"slot",
    b"md5",
];

/// Distance between inspected bytes: one less than the shortest candidate (51), so that every
/// candidate word covers at least one inspected byte.
const STRIDE: usize = 50;

/// Longest candidate word (an extended key).
const MAX_WORD: usize = 111;

/// Finds cryptocurrency private keys in `text` and appends [`Kind::CryptoKey`] spans.
pub(crate) fn find(text: &str, out: &mut Vec<Span>) {
    let bytes = text.as_bytes();
    let mut p = 0;
    while let Some(&b) = bytes.get(p) {
        if !b.is_ascii_alphanumeric() {
            p += STRIDE;
            continue;
        }
        // The word around p: back at most MAX_WORD + 1 bytes, forward to its end.
        let mut start = p;
        while start > 0
            && p - start <= MAX_WORD
            && bytes.get(start - 1).is_some_and(u8::is_ascii_alphanumeric)
        {
            start -= 1;
        }
        let end = take_while(bytes, p, |c| c.is_ascii_alphanumeric());
        // Resume after the word: any later candidate lies wholly beyond it and still covers a
        // position of the form end + 1 + k·STRIDE.
        p = end + 1;
        if p - start > MAX_WORD + 1 {
            continue;
        }
        // `_` joins words in identifiers; a key glued to one is not a standalone token.
        if !boundary_before(bytes, start) || bytes.get(end) == Some(&b'_') {
            continue;
        }
        let Some(word) = bytes.get(start..end) else {
            continue;
        };
        let hit = match word.len() {
            64 => bare_hex_key(bytes, start, word),
            66 => prefixed_hex_key(bytes, start, word),
            51 | 52 => is_wif(word),
            63 => is_nsec(word),
            111 => is_extended_private_key(word),
            _ => false,
        };
        if hit {
            push_span(text, out, Kind::CryptoKey, start, end);
        }
    }
}

/// Whether 64 hex digits look like random key material rather than a constant: no digit
/// repeated eight times in a row. A random 256-bit value has such a run with probability
/// ≈ 2·10⁻⁷; curve orders and moduli (`0x1000…0014def9…`, `0xffffffff00000000ffff…`) and
/// placeholder keys (`0000…`, `aaaa…`) have long ones.
fn random_hex(hex: &[u8]) -> bool {
    let mut run = 0;
    let mut last = 0u8;
    for &b in hex {
        let b = b.to_ascii_lowercase();
        run = if b == last { run + 1 } else { 1 };
        last = b;
        if run >= 8 {
            return false;
        }
    }
    hex.iter().all(u8::is_ascii_hexdigit)
}

/// A bare 64-hex word is a key only with a key word shortly before it and no hash word.
fn bare_hex_key(bytes: &[u8], start: usize, word: &[u8]) -> bool {
    random_hex(word)
        && context_before(bytes, start, CONTEXT_WINDOW, KEY_CONTEXT)
        && !context_before(bytes, start, CONTEXT_WINDOW, HASH_CONTEXT)
}

/// Bytes searched for a hash word before a `0x`-prefixed 64-hex word: the whole clause of a
/// question like "look up this transaction hash on Etherscan and explain …: 0x…".
const PREFIXED_HASH_WINDOW: usize = 128;

/// Words that make a nearby `0x` word a key whatever hash words come earlier.
const STRONG_KEY_CONTEXT: &[&[u8]] = &[b"private", b"priv", b"secret", b"seed"];

/// `0x` + 64 hex is a key unless a transaction/hash/block word comes before it (within
/// [`PREFIXED_HASH_WINDOW`] bytes) and no private/secret word comes closer.
fn prefixed_hex_key(bytes: &[u8], start: usize, word: &[u8]) -> bool {
    let Some(hex) = word
        .strip_prefix(b"0x")
        .or_else(|| word.strip_prefix(b"0X"))
    else {
        return false;
    };
    random_hex(hex)
        && (context_before(bytes, start, CONTEXT_WINDOW, STRONG_KEY_CONTEXT)
            || !context_before(bytes, start, PREFIXED_HASH_WINDOW, HASH_CONTEXT))
}

/// Decodes base58check: the payload if the last four bytes are the first four of the
/// double SHA-256 of the rest.
fn base58check(word: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(word).ok()?;
    let mut raw = base58btc_decode(text).ok()?;
    let split = raw.len().checked_sub(4)?;
    let checksum = raw.split_off(split);
    let digest = Sha256::digest(Sha256::digest(&raw));
    (digest.get(..4) == Some(checksum.as_slice())).then_some(raw)
}

/// Bitcoin wallet import format: version `0x80` (mainnet, `5…`/`K…`/`L…`) or `0xEF` (testnet,
/// `9…`/`c…`), 32 key bytes, an optional `0x01` compression flag, base58check-encoded.
fn is_wif(word: &[u8]) -> bool {
    let (compressed, version) = match (word.len(), word.first()) {
        (51, Some(b'5')) => (false, 0x80),
        (52, Some(b'K' | b'L')) => (true, 0x80),
        (51, Some(b'9')) => (false, 0xEF),
        (52, Some(b'c')) => (true, 0xEF),
        _ => return false,
    };
    let Some(payload) = base58check(word) else {
        return false;
    };
    match payload.as_slice() {
        [v, key @ ..] if *v == version => {
            if compressed {
                key.len() == 33 && key.last() == Some(&0x01)
            } else {
                key.len() == 32
            }
        }
        _ => false,
    }
}

/// Text prefixes of BIP-32 extended private keys (mainnet/testnet, legacy, P2SH-segwit and
/// native segwit, single- and multi-signature).
const EXTENDED_PRIVATE_PREFIXES: &[&[u8]] = &[
    b"xprv", b"tprv", b"yprv", b"zprv", b"uprv", b"vprv", b"Yprv", b"Zprv", b"Uprv", b"Vprv",
];

/// A BIP-32 extended private key: 78 bytes (version, depth, parent fingerprint, child number,
/// chain code, `0x00` + 32-byte key) base58check-encoded to 111 characters.
fn is_extended_private_key(word: &[u8]) -> bool {
    /// Offset of the key field; private keys are marked by a zero byte there.
    const KEY_OFFSET: usize = 4 + 1 + 4 + 4 + 32;
    if !EXTENDED_PRIVATE_PREFIXES
        .iter()
        .any(|p| word.starts_with(p))
    {
        return false;
    }
    base58check(word)
        .is_some_and(|payload| payload.len() == 78 && payload.get(KEY_OFFSET) == Some(&0))
}

/// The bech32 alphabet (BIP-173).
const BECH32_CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/// The BIP-173 checksum function over 5-bit values; a valid bech32 string yields 1.
fn bech32_polymod(values: impl Iterator<Item = u8>) -> u32 {
    const GENERATORS: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    values.fold(1u32, |chk, v| {
        let top = chk >> 25;
        let mut chk = ((chk & 0x01ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in GENERATORS.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
        chk
    })
}

/// A Nostr secret key: `nsec1` + 52 data characters (32 bytes) + 6 checksum characters,
/// bech32 (not bech32m) per NIP-19, all one case, with zero padding bits.
fn is_nsec(word: &[u8]) -> bool {
    const HRP: &[u8] = b"nsec";
    let lower = word.iter().all(|b| !b.is_ascii_uppercase());
    let upper = word.iter().all(|b| !b.is_ascii_lowercase());
    if !(lower || upper)
        || !word
            .get(..5)
            .is_some_and(|p| p.eq_ignore_ascii_case(b"nsec1"))
    {
        return false;
    }
    let Some(data) = word
        .get(5..)
        .unwrap_or(&[])
        .iter()
        .map(|&c| {
            BECH32_CHARSET
                .iter()
                .position(|&a| a == c.to_ascii_lowercase())
                .and_then(|p| u8::try_from(p).ok())
        })
        .collect::<Option<Vec<u8>>>()
    else {
        return false;
    };
    if data.len() != 58 {
        return false;
    }
    let expanded = HRP
        .iter()
        .map(|c| c >> 5)
        .chain([0])
        .chain(HRP.iter().map(|c| c & 31));
    if bech32_polymod(expanded.chain(data.iter().copied())) != 1 {
        return false;
    }
    // 52 groups of 5 bits carry 260 bits: 32 bytes and 4 padding bits that must be zero.
    data.get(51).is_some_and(|last| last & 0x0f == 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanctuary_core::encoding::base58btc_encode;

    fn found(text: &str) -> Vec<(Kind, &str)> {
        let mut out = Vec::new();
        find(text, &mut out);
        out.iter()
            .map(|s| (s.kind, &text[s.start..s.end]))
            .collect()
    }

    #[track_caller]
    fn assert_key(text: &str, expected: &str) {
        assert_eq!(found(text), vec![(Kind::CryptoKey, expected)], "{text:?}");
    }

    #[track_caller]
    fn assert_clean(text: &str) {
        assert_eq!(found(text), vec![], "{text:?}");
    }

    fn base58check_encode(payload: &[u8]) -> String {
        let digest = Sha256::digest(Sha256::digest(payload));
        let mut raw = payload.to_vec();
        raw.extend_from_slice(&digest[..4]);
        base58btc_encode(&raw)
    }

    /// 64 fake hex digits (not a real key).
    const HEX64: &str = "e9873d79c6d87dc0fb6a5778633389f4453213303da61f20bd67fc233aa33262";
    const HEX40: &str = "9fceb02d0ae598e95dc970b74767f19372d61af8";

    #[test]
    fn hex_keys() {
        assert_key(&format!("private key: {HEX64}"), HEX64);
        assert_key(&format!("{{\"privateKey\": \"{HEX64}\"}}"), HEX64);
        assert_key(&format!("my wallet seed {HEX64}"), HEX64);
        assert_key(
            &format!("PRIV={}", HEX64.to_uppercase()),
            &HEX64.to_uppercase(),
        );
        let prefixed = format!("0x{HEX64}");
        assert_key(&format!("import {prefixed} into metamask"), &prefixed);
        assert_key(&format!("key: {prefixed}"), &prefixed);
        // Near misses.
        assert_clean(HEX64);
        assert_clean(&format!("sha256sum: {HEX64}  file.iso"));
        assert_clean(&format!("checksum {HEX64}"));
        assert_clean(&format!("digest: {HEX64}"));
        assert_clean(&format!("key hash: {HEX64}"));
        assert_clean(&format!("tx hash: 0x{HEX64}"));
        assert_clean(&format!("\"transactionHash\": \"0x{HEX64}\""));
        assert_clean(&format!(
            "Look up this transaction hash on Etherscan and explain what 'status: success' \
             means: 0x{HEX64}"
        ));
        assert_clean(&format!("\"blockHash\":\"0x{HEX64}\""));
        assert_clean(&format!("txid 0x{HEX64}"));
        assert_clean(&format!("send to 0x{}", &HEX64[..40]));
        assert_clean(&format!("commit {HEX40}"));
        assert_clean(&format!("private key: {HEX40}"));
        assert_clean(&format!("private key: {HEX64}ab"));
        assert_clean(&format!("private key: {HEX64}_x"));
        assert_clean(&format!("private key: 0x{HEX64}00"));
        // Constants and placeholders are not random key material.
        assert_clean(
            "MODULUS = \"0x1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed\"",
        );
        assert_clean("n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
        assert_clean(&format!("private key: {}", "0".repeat(64)));
        assert!(random_hex(HEX64.as_bytes()) && !random_hex(b"0123456789abcdefXX"));
        // The context word must be within the window, as a word ("monkey" is no key).
        assert_clean(&format!("monkey {HEX64}"));
        assert_clean(&format!(
            "private key, and then quite a lot of unrelated words: {HEX64}"
        ));
    }

    #[test]
    fn wif_keys() {
        // The Bitcoin wiki's documented example key.
        let example = "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ";
        assert_key(&format!("wif: {example}"), example);
        let compressed = base58check_encode(&[[0x80].as_slice(), &[0x11; 32], &[0x01]].concat());
        assert_eq!(
            compressed,
            "KwntMbt59tTsj8xqpqYqRRWufyjGunvhSyeMo3NTYpFYzZbXJ5Hp"
        );
        assert_key(&compressed, &compressed);
        let testnet = base58check_encode(&[[0xEF].as_slice(), &[0x22; 32], &[0x01]].concat());
        assert_eq!(
            testnet,
            "cNj3zTdrLAMQtUhdFPPVJtRY7a3TdUF38ShW5MrJkVh1CVaeuEGU"
        );
        assert_key(&testnet, &testnet);
        // A changed character breaks the checksum.
        assert_clean("5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTK");
        assert_clean("KwntMbt59tTsj8xqpqYqRRWufyjGunvhSyeMo3NTYpFYzZbXJ5Hq");
        // Addresses (base58check-valid, other versions and lengths).
        assert_clean("1BoatSLRHtKNngkdXEeobR76b53LETtpyT and 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy");
        assert_clean("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq");
        // The right length and checksum but a wrong version byte.
        let wrong_version = base58check_encode(&[[0x81].as_slice(), &[0x11; 32]].concat());
        assert_clean(&wrong_version);
    }

    #[test]
    fn extended_keys() {
        // BIP-32 test vector 1, chain m.
        let xprv = "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi";
        assert_key(&format!("master: {xprv}"), xprv);
        let xpub = "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8";
        assert_clean(xpub);
        let mut broken = xprv.to_owned();
        broken.replace_range(50..51, "z");
        assert_clean(&broken);
    }

    #[test]
    fn nostr_keys() {
        // NIP-19's example key pair.
        let nsec = "nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5";
        assert_key(&format!("my nostr key {nsec}"), nsec);
        assert_key(&nsec.to_uppercase(), &nsec.to_uppercase());
        assert_clean("npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjptg");
        assert_clean("nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe6");
        assert_clean("nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935KE9laqsnlfe5");
        // BIP-173 valid test string: checksum arithmetic.
        let valid = b"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw";
        let hrp = b"abcdef";
        let data: Vec<u8> = valid[7..]
            .iter()
            .map(|c| BECH32_CHARSET.iter().position(|a| a == c).unwrap() as u8)
            .collect();
        let exp = hrp
            .iter()
            .map(|c| c >> 5)
            .chain([0])
            .chain(hrp.iter().map(|c| c & 31));
        assert_eq!(bech32_polymod(exp.chain(data.into_iter())), 1);
    }

    #[test]
    fn found_at_every_offset() {
        // The scanner inspects every STRIDE-th byte; keys must be found wherever they sit.
        let wif = "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ";
        for pad in 0..2 * STRIDE + 3 {
            let lead = "ab ".repeat(pad / 3) + &" ".repeat(pad % 3);
            assert_key(&format!("{lead}{wif} tail"), wif);
            assert_key(&format!("{lead}private key: {HEX64}\n"), HEX64);
            assert_key(&format!("{lead}{wif}"), wif);
        }
        // Long alphanumeric runs around and between candidates are skipped correctly.
        let long = "Q".repeat(500);
        assert_key(&format!("{long} {wif} {long}"), wif);
        assert_clean(&format!("{long}{wif}"));
    }

    #[test]
    fn never_panics_and_spans_are_valid() {
        let pieces = [
            "0x",
            "5",
            "K",
            "L",
            "xprv",
            "nsec1",
            "private key ",
            "tx ",
            HEX64,
            HEX40,
            "é",
            "😀",
            " ",
            "_",
            "1",
            "z",
            "qpzry9x8gf2",
            "KwntMbt59tTsj8xqpqYqRRWufyjGunvhSyeMo3NTYpFYzZbXJ5Hp",
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..(state % 30) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(pieces[(state >> 7) as usize % pieces.len()]);
            }
            let mut out = Vec::new();
            find(&text, &mut out);
            for s in &out {
                assert!(s.start < s.end && s.end <= text.len());
                assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            }
        }
        for text in [
            "5".repeat(100_000),
            "K".repeat(52 * 1000),
            "0x".repeat(50_000),
            format!("key {}", "f".repeat(100_000)),
        ] {
            let mut out = Vec::new();
            find(&text, &mut out);
            assert!(out.is_empty());
        }
    }
}
