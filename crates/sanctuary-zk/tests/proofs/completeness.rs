//! Completeness: honest proofs verify for random witnesses, bounds and contexts; encodings
//! round-trip; provers refuse false statements.

use proptest::prelude::*;
use rand_core::OsRng;
use sanctuary_core::health::{HealthContributor, Layer, LayerStatus};
use sanctuary_zk::constants::RISTRETTO_BASEPOINT_POINT as G;
use sanctuary_zk::{
    Blinding, Commitment, DlogProof, DlogStatement, DlogWitness, EqualityProof, EqualityStatement,
    LinearProof, LinearStatement, Opening, OpeningProof, OpeningStatement, OrProof, OrStatement,
    PedersenGens, ProofError, RangeProof, RangeStatement, RistrettoPoint, Scalar, Transcript,
    ZkHealth,
};

use crate::common::{KINDS, LABEL, fixture, seeded};

fn t() -> Transcript {
    Transcript::new(LABEL)
}

fn context_strategy() -> impl Strategy<Value = Option<Vec<u8>>> {
    prop::option::of(prop::collection::vec(any::<u8>(), 0..40))
}

fn set<T>(s: T, c: &Option<Vec<u8>>, f: impl FnOnce(T, Vec<u8>) -> T) -> T {
    match c {
        Some(c) => f(s, c.clone()),
        None => s,
    }
}

fn opening_i128(value: i128) -> Opening {
    let magnitude = Scalar::from(value.unsigned_abs());
    let scalar = if value < 0 { -magnitude } else { magnitude };
    Opening::random_scalar(scalar, &mut OsRng)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn range_proofs_verify_for_any_bounds(
        min in any::<i64>(),
        span in prop_oneof![0u64..=1, 2u64..1000, any::<u64>(), Just(u64::MAX)],
        position in any::<u64>(),
        context in context_strategy(),
        custom in any::<bool>(),
    ) {
        let gens = if custom { PedersenGens::from_label(b"prop") } else { PedersenGens::standard().clone() };
        let min = i128::from(min);
        let max = min + i128::from(span);
        let offset = if span == u64::MAX { position } else { position % (span + 1) };
        for value in [min, max, min + i128::from(offset)] {
            let opening = opening_i128(value);
            let statement = set(
                RangeStatement::new(gens.clone(), opening.commit(&gens), min, max).unwrap(),
                &context,
                RangeStatement::with_context,
            );
            let proof = RangeProof::prove(&statement, &opening, &mut t(), &mut OsRng).unwrap();
            prop_assert_eq!(proof.to_bytes().len(), statement.proof_size());
            prop_assert_eq!(proof.verify(&statement, &mut t()), Ok(()));
            prop_assert_eq!(RangeProof::from_bytes(&proof.to_bytes()).unwrap(), proof);
        }
        // Just outside on both sides: the prover refuses.
        for value in [min - 1, max + 1] {
            let opening = opening_i128(value);
            let statement = RangeStatement::new(gens.clone(), opening.commit(&gens), min, max).unwrap();
            prop_assert_eq!(
                RangeProof::prove(&statement, &opening, &mut t(), &mut OsRng).unwrap_err(),
                ProofError::ValueOutOfRange
            );
        }
    }

    #[test]
    fn sigma_proofs_verify(value in any::<u64>(), context in context_strategy(), custom_base in any::<bool>()) {
        // Schnorr over the basepoint or another base.
        let w = DlogWitness::random(&mut OsRng);
        let base = if custom_base { RistrettoPoint::random(&mut OsRng) } else { G };
        let s = set(DlogStatement::new(base, w.public_for(&base)).unwrap(), &context, DlogStatement::with_context);
        let p = DlogProof::prove(&s, &w, &mut t(), &mut OsRng).unwrap();
        prop_assert_eq!(p.verify(&s, &mut t()), Ok(()));
        prop_assert_eq!(p.to_bytes().len(), DlogProof::SIZE);

        // Opening under standard and labelled generators.
        for gens in [PedersenGens::standard().clone(), PedersenGens::from_label(b"x")] {
            let o = Opening::random_u64(value, &mut OsRng);
            let s = set(OpeningStatement::new(gens.clone(), o.commit(&gens)).unwrap(), &context, OpeningStatement::with_context);
            let p = OpeningProof::prove(&s, &o, &mut t(), &mut OsRng).unwrap();
            prop_assert_eq!(p.verify(&s, &mut t()), Ok(()));
            prop_assert_eq!(p.to_bytes().len(), OpeningProof::SIZE);
        }

        // Equality across generator pairs.
        let (g1, g2) = (PedersenGens::standard().clone(), PedersenGens::from_label(b"other"));
        let (a, b) = (Opening::random_u64(value, &mut OsRng), Opening::random_u64(value, &mut OsRng));
        let s = set(EqualityStatement::new(g1.clone(), a.commit(&g1), g2.clone(), b.commit(&g2)).unwrap(), &context, EqualityStatement::with_context);
        let p = EqualityProof::prove(&s, &a, &b, &mut t(), &mut OsRng).unwrap();
        prop_assert_eq!(p.verify(&s, &mut t()), Ok(()));
        prop_assert_eq!(p.to_bytes().len(), EqualityProof::SIZE);
        // Different values: refused.
        let c = Opening::random_u64(value.wrapping_add(1), &mut OsRng);
        let s = EqualityStatement::new(g1.clone(), a.commit(&g1), g2.clone(), c.commit(&g2)).unwrap();
        prop_assert_eq!(EqualityProof::prove(&s, &a, &c, &mut t(), &mut OsRng).unwrap_err(), ProofError::WitnessMismatch);
    }

    #[test]
    fn linear_proofs_verify(
        terms in prop::collection::vec((any::<u64>(), -3i64..=3), 1..6),
        context in context_strategy(),
    ) {
        let gens = PedersenGens::standard();
        prop_assume!(terms.iter().any(|(_, a)| *a != 0));
        let scalar = |a: i64| if a < 0 { -Scalar::from(a.unsigned_abs()) } else { Scalar::from(a.unsigned_abs()) };
        let openings: Vec<Opening> = terms.iter().map(|(v, _)| Opening::random_u64(*v, &mut OsRng)).collect();
        let constant: Scalar = terms.iter().map(|(v, a)| scalar(*a) * Scalar::from(*v)).sum();
        let statement_terms: Vec<(Scalar, Commitment)> = terms.iter().zip(&openings).map(|((_, a), o)| (scalar(*a), o.commit(gens))).collect();
        let s = set(LinearStatement::new(gens.clone(), statement_terms.clone(), constant).unwrap(), &context, LinearStatement::with_context);
        let p = LinearProof::prove(&s, &openings, &mut t(), &mut OsRng).unwrap();
        prop_assert_eq!(p.verify(&s, &mut t()), Ok(()));
        prop_assert_eq!(p.to_bytes().len(), 3 + 96 * terms.len());
        // A wrong constant: refused by the prover.
        let wrong = LinearStatement::new(gens.clone(), statement_terms, constant + Scalar::ONE).unwrap();
        prop_assert_eq!(LinearProof::prove(&wrong, &openings, &mut t(), &mut OsRng).unwrap_err(), ProofError::WitnessMismatch);
    }

    #[test]
    fn or_proofs_verify(n in 2usize..8, index in any::<prop::sample::Index>(), context in context_strategy()) {
        let index = index.index(n);
        let w = DlogWitness::random(&mut OsRng);
        let base = RistrettoPoint::random(&mut OsRng);
        let mut branches: Vec<(RistrettoPoint, RistrettoPoint)> =
            (0..n).map(|i| (if i % 2 == 0 { G } else { base }, RistrettoPoint::random(&mut OsRng))).collect();
        let real_base = branches[index].0;
        branches[index].1 = w.public_for(&real_base);
        let s = set(OrStatement::new(branches).unwrap(), &context, OrStatement::with_context);
        let p = OrProof::prove(&s, index, &w, &mut t(), &mut OsRng).unwrap();
        prop_assert_eq!(p.verify(&s, &mut t()), Ok(()));
        prop_assert_eq!(p.to_bytes().len(), 3 + 96 * n - 32);
        // The wrong index: refused.
        prop_assert_eq!(OrProof::prove(&s, (index + 1) % n, &w, &mut t(), &mut OsRng).unwrap_err(), ProofError::WitnessMismatch);
        prop_assert_eq!(OrProof::prove(&s, n, &w, &mut t(), &mut OsRng).unwrap_err(), ProofError::WitnessMismatch);
    }

    #[test]
    fn commitments_are_homomorphic(a in any::<u64>(), b in any::<u64>()) {
        let gens = PedersenGens::standard();
        let (oa, ob) = (Opening::random_u64(a, &mut OsRng), Opening::random_u64(b, &mut OsRng));
        let (ca, cb) = (oa.commit(gens), ob.commit(gens));
        prop_assert_eq!(&ca + &cb, (&oa + &ob).commit(gens));
        prop_assert_eq!(&ca - &cb, (&oa - &ob).commit(gens));
        let sum = &oa + &ob;
        prop_assert_eq!(sum.value(), &(Scalar::from(a) + Scalar::from(b)));
        prop_assert_eq!(Commitment::from_bytes(&ca.to_bytes()).unwrap(), ca);
        prop_assert_eq!(ca.sub_public(gens, &Scalar::from(a)), Opening::new_scalar(Scalar::ZERO, oa.blinding()).commit(gens));
    }
}

#[test]
fn serde_round_trips_as_base64url() {
    let mut rng = seeded(11);
    for kind in KINDS {
        let f = fixture(kind, Some(b"serde".to_vec()), &mut rng);
        let bytes = f.proof_bytes();
        let json = match &f {
            crate::common::Fixture::Dlog(_, p) => serde_json::to_string(p),
            crate::common::Fixture::Opening(_, p) => serde_json::to_string(p),
            crate::common::Fixture::Equality(_, p) => serde_json::to_string(p),
            crate::common::Fixture::Linear(_, p) => serde_json::to_string(p),
            crate::common::Fixture::Or(_, p) => serde_json::to_string(p),
            crate::common::Fixture::Range(_, p) => serde_json::to_string(p),
        }
        .unwrap();
        let text: String = serde_json::from_str(&json).unwrap();
        assert_eq!(
            sanctuary_core::encoding::base64url_decode(&text).unwrap(),
            bytes
        );
        assert!(!text.contains('='), "emitted unpadded");
        let back = match &f {
            crate::common::Fixture::Dlog(..) => {
                serde_json::from_str::<DlogProof>(&json).map(|p| p.to_bytes())
            }
            crate::common::Fixture::Opening(..) => {
                serde_json::from_str::<OpeningProof>(&json).map(|p| p.to_bytes())
            }
            crate::common::Fixture::Equality(..) => {
                serde_json::from_str::<EqualityProof>(&json).map(|p| p.to_bytes())
            }
            crate::common::Fixture::Linear(..) => {
                serde_json::from_str::<LinearProof>(&json).map(|p| p.to_bytes())
            }
            crate::common::Fixture::Or(..) => {
                serde_json::from_str::<OrProof>(&json).map(|p| p.to_bytes())
            }
            crate::common::Fixture::Range(..) => {
                serde_json::from_str::<RangeProof>(&json).map(|p| p.to_bytes())
            }
        }
        .unwrap();
        assert_eq!(back, bytes);
        // Padded input is accepted; garbage is an error, not a panic.
        let padded = sanctuary_core::encoding::base64url_encode(
            &bytes,
            sanctuary_core::encoding::Padding::Padded,
        );
        assert_eq!(
            f.verify_bytes(&sanctuary_core::encoding::base64url_decode(&padded).unwrap()),
            Ok(())
        );
        assert!(serde_json::from_str::<RangeProof>("\"!!\"").is_err());
        assert!(serde_json::from_str::<DlogProof>("\"AQ\"").is_err());
    }
    let gens = PedersenGens::standard();
    let c = Opening::random_u64(1, &mut OsRng).commit(gens);
    let json = serde_json::to_string(&c).unwrap();
    assert_eq!(serde_json::from_str::<Commitment>(&json).unwrap(), c);
    assert!(
        serde_json::from_str::<Commitment>("\"_____________________________________________w\"")
            .is_err()
    );
}

#[test]
fn range_edges() {
    let gens = PedersenGens::standard();
    // min = max: a zero-bit proof that the value equals the bound.
    let o = Opening::random_u64(7, &mut OsRng);
    let s = RangeStatement::new(gens.clone(), o.commit(gens), 7, 7).unwrap();
    assert_eq!(s.bits(), 0);
    let p = RangeProof::prove(&s, &o, &mut t(), &mut OsRng).unwrap();
    assert_eq!(p.to_bytes().len(), RangeProof::FIXED_SIZE);
    assert_eq!(p.verify(&s, &mut t()), Ok(()));
    let s8 = RangeStatement::new(gens.clone(), o.commit(gens), 8, 8).unwrap();
    assert!(RangeProof::prove(&s8, &o, &mut t(), &mut OsRng).is_err());
    assert!(p.verify(&s8, &mut t()).is_err());

    // The full 64-bit span at both ends, and the size target.
    for v in [0u64, u64::MAX] {
        let o = Opening::random_u64(v, &mut OsRng);
        let s = RangeStatement::new(gens.clone(), o.commit(gens), 0, u64::MAX).unwrap();
        let p = RangeProof::prove(&s, &o, &mut t(), &mut OsRng).unwrap();
        assert_eq!(p.to_bytes().len(), 2307);
        assert!(p.to_bytes().len() <= 8704, "≤ 8.5 KiB");
        assert_eq!(p.verify(&s, &mut t()), Ok(()));
    }

    // Statement validation.
    let c = o.commit(gens);
    assert!(matches!(
        RangeStatement::new(gens.clone(), c, 5, 4),
        Err(ProofError::InvalidStatement { .. })
    ));
    assert!(matches!(
        RangeStatement::new(gens.clone(), c, -1i128, i128::from(u64::MAX)),
        Err(ProofError::InvalidStatement { .. })
    ));
    assert!(matches!(
        RangeStatement::new(gens.clone(), c, i128::MIN, i128::MAX),
        Err(ProofError::InvalidStatement { .. })
    ));
    assert!(RangeStatement::new(gens.clone(), c, -1i128, i128::from(u64::MAX) - 1).is_ok());
    assert!(matches!(
        RangeStatement::new(gens.clone(), Commitment::default(), 0, 1),
        Err(ProofError::InvalidStatement { .. })
    ));

    // Negative values.
    let o = Opening::new_i64(-5, Blinding::random(&mut OsRng));
    let s = RangeStatement::new(gens.clone(), o.commit(gens), -10, 10).unwrap();
    let p = RangeProof::prove(&s, &o, &mut t(), &mut OsRng).unwrap();
    assert_eq!(p.verify(&s, &mut t()), Ok(()));
    let s = RangeStatement::new(gens.clone(), o.commit(gens), 0, 10).unwrap();
    assert_eq!(
        RangeProof::prove(&s, &o, &mut t(), &mut OsRng).unwrap_err(),
        ProofError::ValueOutOfRange
    );

    // A proof for n bits against a statement with another bit count.
    let o = Opening::random_u64(3, &mut OsRng);
    let s = RangeStatement::new(gens.clone(), o.commit(gens), 0, 3).unwrap();
    let p = RangeProof::prove(&s, &o, &mut t(), &mut OsRng).unwrap();
    let wider = RangeStatement::new(gens.clone(), o.commit(gens), 0, 4).unwrap();
    assert_eq!(
        p.verify(&wider, &mut t()),
        Err(ProofError::SizeMismatch {
            what: "bits",
            expected: 3,
            found: 2
        })
    );
}

#[test]
fn provers_refuse_wrong_witnesses() {
    let gens = PedersenGens::standard();
    let o = Opening::random_u64(10, &mut OsRng);
    let other = Opening::random_u64(10, &mut OsRng);
    let c = o.commit(gens);
    let s = OpeningStatement::new(gens.clone(), c).unwrap();
    assert_eq!(
        OpeningProof::prove(&s, &other, &mut t(), &mut OsRng).unwrap_err(),
        ProofError::WitnessMismatch
    );
    let s = RangeStatement::new(gens.clone(), c, 0, 100).unwrap();
    assert_eq!(
        RangeProof::prove(&s, &other, &mut t(), &mut OsRng).unwrap_err(),
        ProofError::WitnessMismatch
    );
    let w = DlogWitness::random(&mut OsRng);
    let s = DlogStatement::basepoint(RistrettoPoint::random(&mut OsRng)).unwrap();
    assert_eq!(
        DlogProof::prove(&s, &w, &mut t(), &mut OsRng).unwrap_err(),
        ProofError::WitnessMismatch
    );
    let s =
        LinearStatement::new(gens.clone(), vec![(Scalar::ONE, c)], Scalar::from(10u64)).unwrap();
    assert!(matches!(
        LinearProof::prove(&s, &[], &mut t(), &mut OsRng),
        Err(ProofError::SizeMismatch { .. })
    ));

    // Statements refuse degenerate inputs.
    assert!(DlogStatement::basepoint(RistrettoPoint::default()).is_err());
    assert!(OpeningStatement::new(gens.clone(), Commitment::default()).is_err());
    assert!(LinearStatement::new(gens.clone(), vec![], Scalar::ZERO).is_err());
    assert!(LinearStatement::new(gens.clone(), vec![(Scalar::ZERO, c)], Scalar::ZERO).is_err());
    assert!(LinearStatement::new(gens.clone(), vec![(Scalar::ONE, c); 65], Scalar::ZERO).is_err());
    assert!(OrStatement::new(vec![(G, G)]).is_err());
    assert!(OrStatement::new(vec![(G, G); 65]).is_err());
    assert!(OrStatement::new(vec![(G, G), (G, RistrettoPoint::default())]).is_err());
}

#[test]
fn proofs_compose_on_one_transcript_in_order() {
    let gens = PedersenGens::standard();
    let o = Opening::random_u64(250, &mut OsRng);
    let range = RangeStatement::new(gens.clone(), o.commit(gens), 100, 500).unwrap();
    let w = DlogWitness::random(&mut OsRng);
    let dlog = DlogStatement::basepoint(w.public_for_basepoint()).unwrap();

    let mut prover = t();
    let rp = RangeProof::prove(&range, &o, &mut prover, &mut OsRng).unwrap();
    let dp = DlogProof::prove(&dlog, &w, &mut prover, &mut OsRng).unwrap();

    let mut verifier = t();
    assert_eq!(rp.verify(&range, &mut verifier), Ok(()));
    assert_eq!(dp.verify(&dlog, &mut verifier), Ok(()));
    // Both transcripts end in the same state.
    let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
    prover.challenge_bytes(b"end", &mut a);
    verifier.challenge_bytes(b"end", &mut b);
    assert_eq!(a, b);

    // The second proof alone, or both in the other order, fail: it is bound to the first.
    assert!(dp.verify(&dlog, &mut t()).is_err());
    let mut reordered = t();
    assert!(dp.verify(&dlog, &mut reordered).is_err());
    assert!(rp.verify(&range, &mut reordered).is_err());
}

#[test]
fn secrets_do_not_print() {
    let o = Opening::random_u64(123_456_789, &mut OsRng);
    let w = DlogWitness::random(&mut OsRng);
    let b = Blinding::random(&mut OsRng);
    for text in [format!("{o:?}"), format!("{w:?}"), format!("{b:?}")] {
        assert!(text.contains("[redacted]"), "{text}");
        assert!(!text.contains("123456789"));
    }
    assert_eq!(o.value_u64(), Some(123_456_789));
}

#[test]
fn health_report_lists_the_proof_systems() {
    let report = ZkHealth.layer_report();
    assert_eq!(report.layer, Layer::L3);
    assert_eq!(report.status, LayerStatus::Active);
    assert!(report.degradations.is_empty());
    let systems = report.capabilities["proof_systems"].as_array().unwrap();
    assert_eq!(systems.len(), 6);
    assert_eq!(
        report.capabilities["range_proof"]["size_bytes_64_bit"],
        2307
    );
}
