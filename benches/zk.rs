//! Criterion benches of sanctuary-zk, with the dalek `bulletproofs` crate measured in the same
//! run as the reference point for range proofs.
//!
//! Names: `zk/<operation>/<size>`; `zk/range/*/bulletproofs-64` is the reference.

#![expect(
    clippy::expect_used,
    reason = "a bench with a broken fixture should stop loudly"
)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use rand_core::OsRng;
use sanctuary::zk::{
    DlogProof, DlogStatement, DlogWitness, EqualityProof, EqualityStatement, LinearProof,
    LinearStatement, Opening, OpeningProof, OpeningStatement, OrProof, OrStatement, PedersenGens,
    RangeProof, RangeStatement, RistrettoPoint, Scalar, Transcript,
};

const LABEL: &[u8] = b"sanctuary bench";

fn range(c: &mut Criterion) {
    let gens = PedersenGens::standard();
    let mut group = c.benchmark_group("zk/range");
    for (name, value, min, max) in [
        ("64bit", 0x1234_5678_9abc_def0u64, 0u64, u64::MAX),
        ("32bit", 3_000_000_000, 0, u64::from(u32::MAX)),
        ("100-500", 250, 100, 500),
    ] {
        let opening = Opening::random_u64(value, &mut OsRng);
        let statement = RangeStatement::new(gens.clone(), opening.commit(gens), min, max)
            .expect("statement")
            .with_context(b"session".to_vec());
        let proof = RangeProof::prove(
            &statement,
            &opening,
            &mut Transcript::new(LABEL),
            &mut OsRng,
        )
        .expect("prove");
        group.bench_function(format!("prove/{name}"), |b| {
            b.iter(|| {
                RangeProof::prove(
                    black_box(&statement),
                    &opening,
                    &mut Transcript::new(LABEL),
                    &mut OsRng,
                )
                .expect("prove")
            })
        });
        group.bench_function(format!("verify/{name}"), |b| {
            b.iter(|| {
                black_box(&proof)
                    .verify(&statement, &mut Transcript::new(LABEL))
                    .expect("verify")
            })
        });
    }

    // The reference: bulletproofs 5, a single 64-bit range proof.
    let bp_gens = bulletproofs::BulletproofGens::new(64, 1);
    let pc_gens = bulletproofs::PedersenGens::default();
    let blinding = Scalar::random(&mut OsRng);
    let value = 0x1234_5678_9abc_def0u64;
    let (bp_proof, bp_commitment) = bulletproofs::RangeProof::prove_single_with_rng(
        &bp_gens,
        &pc_gens,
        &mut Transcript::new(LABEL),
        value,
        &blinding,
        64,
        &mut OsRng,
    )
    .expect("bulletproofs prove");
    group.bench_function("prove/bulletproofs-64", |b| {
        b.iter(|| {
            bulletproofs::RangeProof::prove_single_with_rng(
                &bp_gens,
                &pc_gens,
                &mut Transcript::new(LABEL),
                black_box(value),
                &blinding,
                64,
                &mut OsRng,
            )
            .expect("bulletproofs prove")
        })
    });
    group.bench_function("verify/bulletproofs-64", |b| {
        b.iter(|| {
            black_box(&bp_proof)
                .verify_single_with_rng(
                    &bp_gens,
                    &pc_gens,
                    &mut Transcript::new(LABEL),
                    &bp_commitment,
                    64,
                    &mut OsRng,
                )
                .expect("bulletproofs verify")
        })
    });
    group.finish();
}

fn sigma(c: &mut Criterion) {
    let gens = PedersenGens::standard();
    let mut group = c.benchmark_group("zk");

    group.bench_function("pedersen/commit", |b| {
        let opening = Opening::random_u64(250, &mut OsRng);
        b.iter(|| black_box(&opening).commit(gens))
    });

    let secret = DlogWitness::random(&mut OsRng);
    let statement = DlogStatement::basepoint(secret.public_for_basepoint()).expect("statement");
    let proof = DlogProof::prove(&statement, &secret, &mut Transcript::new(LABEL), &mut OsRng)
        .expect("prove");
    group.bench_function("schnorr/prove", |b| {
        b.iter(|| {
            DlogProof::prove(
                black_box(&statement),
                &secret,
                &mut Transcript::new(LABEL),
                &mut OsRng,
            )
            .expect("prove")
        })
    });
    group.bench_function("schnorr/verify", |b| {
        b.iter(|| {
            black_box(&proof)
                .verify(&statement, &mut Transcript::new(LABEL))
                .expect("verify")
        })
    });

    let opening = Opening::random_u64(42, &mut OsRng);
    let statement = OpeningStatement::new(gens.clone(), opening.commit(gens)).expect("statement");
    let proof = OpeningProof::prove(
        &statement,
        &opening,
        &mut Transcript::new(LABEL),
        &mut OsRng,
    )
    .expect("prove");
    group.bench_function("opening/prove", |b| {
        b.iter(|| {
            OpeningProof::prove(
                &statement,
                &opening,
                &mut Transcript::new(LABEL),
                &mut OsRng,
            )
            .expect("prove")
        })
    });
    group.bench_function("opening/verify", |b| {
        b.iter(|| {
            proof
                .verify(&statement, &mut Transcript::new(LABEL))
                .expect("verify")
        })
    });

    let other = PedersenGens::from_label(b"bench");
    let second = Opening::random_u64(42, &mut OsRng);
    let statement = EqualityStatement::new(
        gens.clone(),
        opening.commit(gens),
        other.clone(),
        second.commit(&other),
    )
    .expect("statement");
    let proof = EqualityProof::prove(
        &statement,
        &opening,
        &second,
        &mut Transcript::new(LABEL),
        &mut OsRng,
    )
    .expect("prove");
    group.bench_function("equality/verify", |b| {
        b.iter(|| {
            proof
                .verify(&statement, &mut Transcript::new(LABEL))
                .expect("verify")
        })
    });

    let openings: Vec<Opening> = [10u64, 20, 30, 40]
        .into_iter()
        .map(|v| Opening::random_u64(v, &mut OsRng))
        .collect();
    let terms = openings
        .iter()
        .map(|o| (Scalar::ONE, o.commit(gens)))
        .collect();
    let statement =
        LinearStatement::new(gens.clone(), terms, Scalar::from(100u64)).expect("statement");
    let proof = LinearProof::prove(
        &statement,
        &openings,
        &mut Transcript::new(LABEL),
        &mut OsRng,
    )
    .expect("prove");
    group.bench_function("linear/verify/4", |b| {
        b.iter(|| {
            proof
                .verify(&statement, &mut Transcript::new(LABEL))
                .expect("verify")
        })
    });

    let g = sanctuary::zk::constants::RISTRETTO_BASEPOINT_POINT;
    let branches: Vec<(RistrettoPoint, RistrettoPoint)> = (0..4)
        .map(|i| {
            if i == 2 {
                (g, secret.public_for_basepoint())
            } else {
                (g, RistrettoPoint::random(&mut OsRng))
            }
        })
        .collect();
    let statement = OrStatement::new(branches).expect("statement");
    let proof = OrProof::prove(
        &statement,
        2,
        &secret,
        &mut Transcript::new(LABEL),
        &mut OsRng,
    )
    .expect("prove");
    group.bench_function("or/prove/4", |b| {
        b.iter(|| {
            OrProof::prove(
                &statement,
                2,
                &secret,
                &mut Transcript::new(LABEL),
                &mut OsRng,
            )
            .expect("prove")
        })
    });
    group.bench_function("or/verify/4", |b| {
        b.iter(|| {
            proof
                .verify(&statement, &mut Transcript::new(LABEL))
                .expect("verify")
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(3));
    targets = range, sigma
}
criterion_main!(benches);
