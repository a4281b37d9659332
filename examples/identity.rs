//! Create an identity, show its did:key and id, sign a JSON object, verify it, and show that
//! a one-character change breaks the signature.
//!
//! Run with `cargo run --example identity`.

#![expect(clippy::print_stdout, reason = "an example talks to its reader")]

use sanctuary::core::identity::{Identity, PublicKey};
use sanctuary::core::purpose::Purpose;
use sanctuary::core::{Digest, jcs, rand_core::OsRng, sign};
use serde_json::json;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let agent = Identity::generate(&mut OsRng);
    let did = agent.public().to_did_key();
    println!("identity");
    println!("  did:key      {did}");
    println!("  identity id  {}", agent.id());

    // Anyone holding only the did:key can verify: decode it back to a public key.
    let public = PublicKey::from_did_key(&did)?;

    let request = json!({
        "operation": "export_data",
        "namespace": "memory",
        "amount": {"value": 100, "currency": "USD"},
        "note": "Quarterly backup for the principal"
    });
    let canonical = jcs::to_vec(&request)?;
    println!("\ncanonical JSON (RFC 8785), {} bytes", canonical.len());
    println!("  {}", String::from_utf8_lossy(&canonical));
    println!("  digest {}", Digest::sha256(&canonical));

    let signature = sign::sign_json(&agent, Purpose::APPROVAL_REQUEST, &request)?;
    println!("\nsignature ({})", Purpose::APPROVAL_REQUEST);
    println!(
        "  {}",
        signature.to_base64url(sanctuary::core::encoding::Padding::Unpadded)
    );

    let verdict = |ok: bool| if ok { "valid" } else { "INVALID" };
    let original = sign::verify_json(&public, Purpose::APPROVAL_REQUEST, &request, &signature);
    println!(
        "\nverify original           -> {}",
        verdict(original.is_ok())
    );

    // One character changed: "memory" becomes "memorx".
    let tampered = json!({
        "operation": "export_data",
        "namespace": "memorx",
        "amount": {"value": 100, "currency": "USD"},
        "note": "Quarterly backup for the principal"
    });
    let changed = sign::verify_json(&public, Purpose::APPROVAL_REQUEST, &tampered, &signature);
    println!("verify one-character edit -> {}", verdict(changed.is_ok()));

    // The same object under another purpose: domain separation refuses it.
    let other = sign::verify_json(&public, Purpose::APPROVAL_RECEIPT, &request, &signature);
    println!("verify as another purpose -> {}", verdict(other.is_ok()));

    if original.is_err() || changed.is_ok() || other.is_ok() {
        return Err("signature checks did not behave as expected".into());
    }
    Ok(())
}
