//! Known-answer vectors: `tests/vectors/proofs.json` pins, for fixed ChaCha20 seeds, the
//! statements and the exact proof bytes of every proof kind, so the format and the prover
//! cannot change silently. The file is also a cross-implementation vector set: each entry has
//! the full public statement, and another implementation can check that the proof verifies
//! under the file's transcript label (and that the tampered copies do not).
//!
//! To regenerate after a deliberate format change: `SANCTUARY_ZK_BLESS=1 cargo test -p
//! sanctuary-zk --test proofs vectors` and review the diff.

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "vector harness helpers: a broken vector file should stop the test loudly"
)]

use rand_chacha::ChaCha20Rng;
use sanctuary_core::encoding::{hex_decode, hex_encode};
use sanctuary_zk::constants::RISTRETTO_BASEPOINT_POINT as G;
use sanctuary_zk::{
    Commitment, CompressedRistretto, DlogProof, DlogStatement, DlogWitness, EqualityProof,
    EqualityStatement, LinearProof, LinearStatement, Opening, OpeningProof, OpeningStatement,
    OrProof, OrStatement, PedersenGens, ProofError, RangeProof, RangeStatement, RistrettoPoint,
    Scalar, Transcript,
};
use serde_json::{Value, json};

use crate::common::seeded;

const FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/proofs.json");
const VECTOR_LABEL: &[u8] = b"sanctuary-zk known-answer vectors";

fn t() -> Transcript {
    Transcript::new(VECTOR_LABEL)
}

fn hex_point(p: &RistrettoPoint) -> String {
    hex_encode(p.compress().as_bytes())
}

fn gens_json(label: Option<&str>) -> (PedersenGens, Value) {
    let gens = match label {
        None => PedersenGens::standard().clone(),
        Some(l) => PedersenGens::from_label(l.as_bytes()),
    };
    let value = json!({"label": label, "g": hex_point(gens.g()), "h": hex_point(gens.h())});
    (gens, value)
}

fn context_json(context: &Option<Vec<u8>>) -> Value {
    context
        .as_ref()
        .map_or(Value::Null, |c| json!(hex_encode(c)))
}

/// One vector: name, kind, seed, context, statement and proof, generated from the recipe.
fn generate(name: &str, seed: u8, context: Option<Vec<u8>>) -> Value {
    let mut rng: ChaCha20Rng = seeded(seed);
    let set = |c: &Option<Vec<u8>>| c.clone();
    let (kind, statement, proof) = match name {
        "dlog-basepoint" | "dlog-other-base" => {
            let base = if name == "dlog-basepoint" {
                G
            } else {
                RistrettoPoint::random(&mut rng)
            };
            let w = DlogWitness::random(&mut rng);
            let mut s = DlogStatement::new(base, w.public_for(&base)).unwrap();
            if let Some(c) = set(&context) {
                s = s.with_context(c);
            }
            let p = DlogProof::prove(&s, &w, &mut t(), &mut rng).unwrap();
            (
                "dlog",
                json!({"base": hex_point(s.base()), "public": hex_point(s.public())}),
                p.to_bytes(),
            )
        }
        "opening" => {
            let (gens, gj) = gens_json(None);
            let o = Opening::random_u64(42, &mut rng);
            let mut s = OpeningStatement::new(gens.clone(), o.commit(&gens)).unwrap();
            if let Some(c) = set(&context) {
                s = s.with_context(c);
            }
            let p = OpeningProof::prove(&s, &o, &mut t(), &mut rng).unwrap();
            (
                "opening",
                json!({"gens": gj, "commitment": hex_encode(&s.commitment().to_bytes())}),
                p.to_bytes(),
            )
        }
        "equality-two-generator-pairs" => {
            let (g1, j1) = gens_json(None);
            let (g2, j2) = gens_json(Some("kat peer"));
            let a = Opening::random_u64(300, &mut rng);
            let b = Opening::random_u64(300, &mut rng);
            let mut s =
                EqualityStatement::new(g1.clone(), a.commit(&g1), g2.clone(), b.commit(&g2))
                    .unwrap();
            if let Some(c) = set(&context) {
                s = s.with_context(c);
            }
            let p = EqualityProof::prove(&s, &a, &b, &mut t(), &mut rng).unwrap();
            (
                "equality",
                json!({
                    "first_gens": j1, "first": hex_encode(&s.first().1.to_bytes()),
                    "second_gens": j2, "second": hex_encode(&s.second().1.to_bytes()),
                }),
                p.to_bytes(),
            )
        }
        "linear-2x-minus-y-is-180" => {
            let (gens, gj) = gens_json(None);
            let x = Opening::random_u64(100, &mut rng);
            let y = Opening::random_u64(20, &mut rng);
            let terms = vec![
                (Scalar::from(2u64), x.commit(&gens)),
                (-Scalar::ONE, y.commit(&gens)),
            ];
            let mut s = LinearStatement::new(gens.clone(), terms, Scalar::from(180u64)).unwrap();
            if let Some(c) = set(&context) {
                s = s.with_context(c);
            }
            let p = LinearProof::prove(&s, &[x, y], &mut t(), &mut rng).unwrap();
            let terms: Vec<Value> = s
                .terms()
                .iter()
                .map(|(a, c)| json!({"coefficient": hex_encode(a.as_bytes()), "commitment": hex_encode(&c.to_bytes())}))
                .collect();
            (
                "linear",
                json!({"gens": gj, "terms": terms, "constant": hex_encode(s.constant().as_bytes())}),
                p.to_bytes(),
            )
        }
        "or-1-of-3" => {
            let w = DlogWitness::random(&mut rng);
            let branches = vec![
                (G, RistrettoPoint::random(&mut rng)),
                (G, w.public_for_basepoint()),
                (G, RistrettoPoint::random(&mut rng)),
            ];
            let mut s = OrStatement::new(branches).unwrap();
            if let Some(c) = set(&context) {
                s = s.with_context(c);
            }
            let p = OrProof::prove(&s, 1, &w, &mut t(), &mut rng).unwrap();
            let branches: Vec<Value> = s
                .branches()
                .iter()
                .map(|(b, p)| json!({"base": hex_point(b), "public": hex_point(p)}))
                .collect();
            ("or", json!({"branches": branches}), p.to_bytes())
        }
        "range-100-500" | "range-64-bit" | "range-negative" | "range-equal-bounds" => {
            let (gens, gj) = gens_json(None);
            let (value, min, max): (i128, i128, i128) = match name {
                "range-100-500" => (250, 100, 500),
                "range-64-bit" => ((1 << 63) + 5, 0, i128::from(u64::MAX)),
                "range-negative" => (-5, -10, 10),
                _ => (7, 7, 7),
            };
            let magnitude = Scalar::from(value.unsigned_abs());
            let scalar = if value < 0 { -magnitude } else { magnitude };
            let o = Opening::random_scalar(scalar, &mut rng);
            let mut s = RangeStatement::new(gens.clone(), o.commit(&gens), min, max).unwrap();
            if let Some(c) = set(&context) {
                s = s.with_context(c);
            }
            let p = RangeProof::prove(&s, &o, &mut t(), &mut rng).unwrap();
            (
                "range",
                json!({"gens": gj, "commitment": hex_encode(&s.commitment().to_bytes()), "min": min.to_string(), "max": max.to_string()}),
                p.to_bytes(),
            )
        }
        other => panic!("no recipe {other}"),
    };
    json!({
        "name": name,
        "kind": kind,
        "seed": seed,
        "context": context_json(&context),
        "statement": statement,
        "proof": hex_encode(&proof),
    })
}

fn all() -> Value {
    let session = Some(b"kat-session-7f3a".to_vec());
    let vectors: Vec<Value> = [
        ("dlog-basepoint", 1, session.clone()),
        ("dlog-other-base", 2, None),
        ("opening", 3, session.clone()),
        ("equality-two-generator-pairs", 4, Some(Vec::new())),
        ("linear-2x-minus-y-is-180", 5, session.clone()),
        ("or-1-of-3", 6, None),
        ("range-100-500", 7, session.clone()),
        ("range-64-bit", 8, None),
        ("range-negative", 9, session.clone()),
        ("range-equal-bounds", 10, None),
    ]
    .into_iter()
    .map(|(name, seed, context)| generate(name, seed, context))
    .collect();
    json!({
        "description": "sanctuary-zk proof vectors, format version 1. Each proof was made on a merlin transcript created with `transcript_label`; the prover's RNG was ChaCha20 seeded with 32 copies of `seed` (rand_chacha 0.3), used first for the witness then for proving. Hex is lowercase; scalars little-endian; points compressed ristretto255; bounds decimal. Verify each proof against its statement and context; it must verify, and must fail with any byte changed.",
        "transcript_label": String::from_utf8_lossy(VECTOR_LABEL),
        "vectors": vectors,
    })
}

#[test]
fn vectors_match_the_pinned_file() {
    let generated = all();
    if std::env::var_os("SANCTUARY_ZK_BLESS").is_some() {
        let text = serde_json::to_string_pretty(&generated).unwrap() + "\n";
        std::fs::write(FILE, text).unwrap();
    }
    let pinned: Value = serde_json::from_str(&std::fs::read_to_string(FILE).unwrap()).unwrap();
    let (pinned, generated) = (&pinned["vectors"], &generated["vectors"]);
    assert_eq!(
        pinned.as_array().unwrap().len(),
        generated.as_array().unwrap().len()
    );
    for (p, g) in pinned
        .as_array()
        .unwrap()
        .iter()
        .zip(generated.as_array().unwrap())
    {
        assert_eq!(p, g, "vector {} changed", p["name"]);
    }
}

fn point(v: &Value) -> RistrettoPoint {
    let bytes: [u8; 32] = hex_decode(v.as_str().unwrap()).unwrap().try_into().unwrap();
    CompressedRistretto(bytes).decompress().unwrap()
}

fn commitment(v: &Value) -> Commitment {
    Commitment::from_slice(&hex_decode(v.as_str().unwrap()).unwrap()).unwrap()
}

fn scalar(v: &Value) -> Scalar {
    let bytes: [u8; 32] = hex_decode(v.as_str().unwrap()).unwrap().try_into().unwrap();
    Option::from(Scalar::from_canonical_bytes(bytes)).unwrap()
}

fn gens(v: &Value) -> PedersenGens {
    let gens = match v["label"].as_str() {
        None => PedersenGens::standard().clone(),
        Some(l) => PedersenGens::from_label(l.as_bytes()),
    };
    assert_eq!(hex_point(gens.g()), v["g"].as_str().unwrap());
    assert_eq!(hex_point(gens.h()), v["h"].as_str().unwrap());
    gens
}

/// Verifies a proof from the file against the statement the file gives, without any recipe.
fn verify_from_file(vector: &Value, proof: &[u8]) -> Result<(), ProofError> {
    let s = &vector["statement"];
    let context = vector["context"].as_str().map(|c| hex_decode(c).unwrap());
    macro_rules! ctx {
        ($st:expr) => {
            match context.clone() {
                Some(c) => $st.with_context(c),
                None => $st,
            }
        };
    }
    match vector["kind"].as_str().unwrap() {
        "dlog" => DlogProof::from_bytes(proof)?.verify(
            &ctx!(DlogStatement::new(point(&s["base"]), point(&s["public"]))?),
            &mut t(),
        ),
        "opening" => OpeningProof::from_bytes(proof)?.verify(
            &ctx!(OpeningStatement::new(
                gens(&s["gens"]),
                commitment(&s["commitment"])
            )?),
            &mut t(),
        ),
        "equality" => EqualityProof::from_bytes(proof)?.verify(
            &ctx!(EqualityStatement::new(
                gens(&s["first_gens"]),
                commitment(&s["first"]),
                gens(&s["second_gens"]),
                commitment(&s["second"]),
            )?),
            &mut t(),
        ),
        "linear" => {
            let terms = s["terms"]
                .as_array()
                .unwrap()
                .iter()
                .map(|term| {
                    (
                        scalar(&term["coefficient"]),
                        commitment(&term["commitment"]),
                    )
                })
                .collect();
            LinearProof::from_bytes(proof)?.verify(
                &ctx!(LinearStatement::new(
                    gens(&s["gens"]),
                    terms,
                    scalar(&s["constant"])
                )?),
                &mut t(),
            )
        }
        "or" => {
            let branches = s["branches"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| (point(&b["base"]), point(&b["public"])))
                .collect();
            OrProof::from_bytes(proof)?.verify(&ctx!(OrStatement::new(branches)?), &mut t())
        }
        "range" => {
            let bound = |v: &Value| v.as_str().unwrap().parse::<i128>().unwrap();
            RangeProof::from_bytes(proof)?.verify(
                &ctx!(RangeStatement::new(
                    gens(&s["gens"]),
                    commitment(&s["commitment"]),
                    bound(&s["min"]),
                    bound(&s["max"]),
                )?),
                &mut t(),
            )
        }
        other => panic!("unknown kind {other}"),
    }
}

#[test]
fn pinned_proofs_verify_and_tampered_copies_do_not() {
    let file: Value = serde_json::from_str(&std::fs::read_to_string(FILE).unwrap()).unwrap();
    assert_eq!(
        file["transcript_label"].as_str().unwrap().as_bytes(),
        VECTOR_LABEL
    );
    let vectors = file["vectors"].as_array().unwrap();
    assert_eq!(vectors.len(), 10);
    for vector in vectors {
        let proof = hex_decode(vector["proof"].as_str().unwrap()).unwrap();
        assert_eq!(
            verify_from_file(vector, &proof),
            Ok(()),
            "{}",
            vector["name"]
        );
        for i in (0..proof.len()).step_by(7) {
            let mut tampered = proof.clone();
            tampered[i] ^= 0x04;
            assert!(
                verify_from_file(vector, &tampered).is_err(),
                "{} byte {i}",
                vector["name"]
            );
        }
        // The context is bound: dropping or changing it fails.
        let mut other = vector.clone();
        other["context"] = match &vector["context"] {
            Value::Null => json!(""),
            _ => Value::Null,
        };
        assert!(
            verify_from_file(&other, &proof).is_err(),
            "{}",
            vector["name"]
        );
    }
}
