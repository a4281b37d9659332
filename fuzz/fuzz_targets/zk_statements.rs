//! Fixed statements of every proof kind, shared by the `zk_proofs` fuzz target and the
//! `zk_seeds` example that writes its seeds (`cargo run --example zk_seeds` in `fuzz/`).

use sanctuary_zk::constants::RISTRETTO_BASEPOINT_POINT as G;
use sanctuary_zk::{
    Blinding, DlogStatement, DlogWitness, EqualityStatement, LinearStatement, Opening,
    OpeningStatement, OrStatement, PedersenGens, RangeStatement, Scalar,
};
use std::sync::OnceLock;

pub struct Statements {
    pub dlog: DlogStatement,
    pub opening: OpeningStatement,
    pub equality: EqualityStatement,
    pub linear: LinearStatement,
    pub or: OrStatement,
    pub range: RangeStatement,
}

/// An opening with a fixed blinding.
pub fn opening(value: u64, blinding: u64) -> Opening {
    Opening::new_u64(value, Blinding::from_scalar(Scalar::from(blinding)))
}

/// The Schnorr secret of `dlog` and of branch 0 of `or`.
pub fn witness() -> DlogWitness {
    DlogWitness::new(Scalar::from(0x5eed_u64))
}

pub fn statements() -> &'static Statements {
    static S: OnceLock<Statements> = OnceLock::new();
    S.get_or_init(|| {
        let gens = PedersenGens::standard();
        let other = PedersenGens::from_label(b"fuzz peer");
        let c = |o: &Opening| o.commit(gens);
        let ok = "fixed fuzz statement";
        Statements {
            dlog: DlogStatement::basepoint(witness().public_for_basepoint())
                .expect(ok)
                .with_context(b"ctx".to_vec()),
            opening: OpeningStatement::new(gens.clone(), c(&opening(42, 7))).expect(ok),
            equality: EqualityStatement::new(
                gens.clone(),
                c(&opening(300, 11)),
                other.clone(),
                opening(300, 13).commit(&other),
            )
            .expect(ok),
            linear: LinearStatement::new(
                gens.clone(),
                vec![
                    (Scalar::from(2u64), c(&opening(100, 17))),
                    (-Scalar::ONE, c(&opening(20, 19))),
                ],
                Scalar::from(180u64),
            )
            .expect(ok),
            or: OrStatement::new(vec![
                (G, witness().public_for_basepoint()),
                (
                    G,
                    DlogWitness::new(Scalar::from(99u64)).public_for_basepoint(),
                ),
            ])
            .expect(ok),
            range: RangeStatement::new(gens.clone(), c(&opening(250, 23)), 100, 500)
                .expect(ok)
                .with_context(b"session".to_vec()),
        }
    })
}
