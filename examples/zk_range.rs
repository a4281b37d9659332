//! Selective disclosure of a budget: commit to it, prove it lies in [100, 500] bound to one
//! negotiation session, verify, then show that the proof moved to another session, or with one
//! byte changed, fails — as does an attempt to prove a budget outside the range.
//!
//! Run with `cargo run --example zk_range`.

#![expect(clippy::print_stdout, reason = "an example talks to its reader")]

use sanctuary::core::encoding::hex_encode;
use sanctuary::zk::rand_core::OsRng;
use sanctuary::zk::{
    Opening, PedersenGens, ProofError, RangeProof, RangeStatement, Transcript, ZkHealth,
};

/// The application's transcript label: both sides start from it.
const LABEL: &[u8] = b"sanctuary example: budget disclosure";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let gens = PedersenGens::standard();

    // The agent: a secret budget of 250 and a commitment it can publish.
    let budget = Opening::random_u64(250, &mut OsRng);
    let commitment = budget.commit(gens);
    println!(
        "commitment to the budget: {}",
        hex_encode(&commitment.to_bytes())
    );

    // The statement, bound to the negotiation session.
    let session = b"concordia session 7f3a9c2e".to_vec();
    let statement =
        RangeStatement::new(gens.clone(), commitment, 100, 500)?.with_context(session.clone());
    let proof = RangeProof::prove(&statement, &budget, &mut Transcript::new(LABEL), &mut OsRng)?;
    let wire = proof.to_bytes();
    println!(
        "proof that the budget lies in [100, 500]: {} bits, {} bytes",
        proof.bits(),
        wire.len()
    );

    // The counterparty: decodes and verifies against its own copy of the statement.
    let received = RangeProof::from_bytes(&wire)?;
    received.verify(&statement, &mut Transcript::new(LABEL))?;
    println!(
        "verified in session {:?}: ok",
        String::from_utf8_lossy(&session)
    );

    // Replayed into another session: rejected.
    let elsewhere = RangeStatement::new(gens.clone(), commitment, 100, 500)?
        .with_context(b"concordia session 0000ffff".to_vec());
    let replay = received.verify(&elsewhere, &mut Transcript::new(LABEL));
    println!("the same proof in another session: {}", outcome(&replay));
    if replay.is_ok() {
        return Err("a proof moved to another session verified".into());
    }

    // One byte changed: rejected (either the decoder or the verifier refuses it).
    let mut tampered = wire.clone();
    if let Some(byte) = tampered.get_mut(300) {
        *byte ^= 0x01;
    }
    let tamper = RangeProof::from_bytes(&tampered)
        .and_then(|p| p.verify(&statement, &mut Transcript::new(LABEL)));
    println!("the proof with byte 300 flipped: {}", outcome(&tamper));
    if tamper.is_ok() {
        return Err("a tampered proof verified".into());
    }

    // Wider bounds are a different statement: rejected.
    let wider = RangeStatement::new(gens.clone(), commitment, 0, 1000)?.with_context(session);
    let widened = received.verify(&wider, &mut Transcript::new(LABEL));
    println!("the proof against [0, 1000]: {}", outcome(&widened));

    // A budget of 600 cannot be proven to lie in [100, 500].
    let over = Opening::random_u64(600, &mut OsRng);
    let statement = RangeStatement::new(gens.clone(), over.commit(gens), 100, 500)?;
    let refused = RangeProof::prove(&statement, &over, &mut Transcript::new(LABEL), &mut OsRng);
    println!(
        "proving a budget of 600 in [100, 500]: {}",
        match &refused {
            Ok(_) => "a proof was produced (bug)".to_owned(),
            Err(e) => format!("refused ({e})"),
        }
    );

    let report = sanctuary::core::health::HealthContributor::layer_report(&ZkHealth);
    println!(
        "L3 report: {:?}, proof systems {}",
        report.status,
        report
            .capabilities
            .get("proof_systems")
            .cloned()
            .unwrap_or_default()
    );
    Ok(())
}

fn outcome(result: &Result<(), ProofError>) -> String {
    match result {
        Ok(()) => "accepted".to_owned(),
        Err(e) => format!("rejected ({e})"),
    }
}
