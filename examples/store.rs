//! The encrypted store end to end: create a home in a temporary directory, write and read,
//! print the signed root and an inclusion proof, flip one byte of a stored record in the
//! database file, and show that the store detects it.
//!
//! Run with `cargo run --example store`.

#![expect(clippy::print_stdout, reason = "an example talks to its reader")]

use sanctuary::core::encoding::hex_encode;
use sanctuary::store::{DB_FILE, Home, HomeOptions, Passphrase, StoreError, Unlock};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("sanctuary-store-example-{}", std::process::id()));
    let result = run(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn run(dir: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    let passphrase = Passphrase::new("correct horse battery staple")?;
    println!(
        "creating a home in {} (Argon2id, 64 MiB, t = 3, p = 4)",
        dir.display()
    );
    let (home, recovery) = Home::create(dir, &passphrase, HomeOptions::default())?;
    println!(
        "  recovery key, shown once: {}",
        recovery.to_display_string()
    );
    println!(
        "  store identity:           {}",
        home.identity().to_did_key()
    );

    home.put("memory", "favourite-colour", b"blue")?;
    home.put("memory", "home-town", b"Ghent")?;
    home.put("finance", "monthly-budget", b"1200 EUR")?;
    let entry = home
        .get("memory", "favourite-colour")?
        .ok_or("entry missing")?;
    println!(
        "\nread back memory/favourite-colour = {:?} (version {})",
        String::from_utf8_lossy(&entry.value),
        entry.version
    );
    println!("names in memory: {:?}", home.list("memory")?);

    let (_, proof) = home
        .get_with_proof("memory", "home-town")?
        .ok_or("entry missing")?;
    println!(
        "\nsigned root: epoch {} root {}",
        proof.anchor.epoch, proof.anchor.root
    );
    println!(
        "  signature  {}",
        proof
            .anchor
            .signature
            .to_base64url(sanctuary::core::encoding::Padding::Unpadded)
    );
    println!(
        "inclusion proof of memory/home-town: leaf {} of {}, {} hashes in the audit path",
        proof.index,
        proof.tree_size,
        proof.path.len()
    );
    for (i, h) in proof.path.iter().enumerate() {
        println!("  path[{i}] {}", hex_encode(h));
    }
    println!(
        "  verifies against the store identity: {}",
        proof.verify(home.identity())
    );

    // Flip one byte of the stored record inside the database file, with the home closed.
    let record = home
        .raw_record("memory", "favourite-colour")?
        .ok_or("record missing")?;
    drop(home);
    let db = dir.join(DB_FILE);
    let mut bytes = std::fs::read(&db)?;
    let offset = bytes
        .windows(record.len())
        .position(|w| w == record.as_slice())
        .ok_or("record not found in the database file")?;
    let target = offset + record.len() - 5; // inside the value's ciphertext
    if let Some(b) = bytes.get_mut(target) {
        *b ^= 0x01;
    }
    std::fs::write(&db, &bytes)?;
    println!("\nflipped one bit at byte {target} of {DB_FILE} (inside memory/favourite-colour)");

    let home = Home::open(dir, Unlock::Passphrase(&passphrase), HomeOptions::default())?;
    match home.get("memory", "favourite-colour") {
        Err(e @ StoreError::Integrity { .. }) => println!("  read  -> refused: {e}"),
        other => return Err(format!("tampering went unnoticed: {other:?}").into()),
    }
    println!(
        "  other entries still read: home-town = {:?}",
        home.get("memory", "home-town")?
            .map(|e| String::from_utf8_lossy(&e.value).into_owned())
    );
    let report = home.verify()?;
    for problem in &report.problems {
        println!(
            "  verify -> {:?} {}/{}",
            problem.kind,
            problem.namespace.as_deref().unwrap_or("?"),
            problem.key.as_deref().unwrap_or("?")
        );
    }
    if report.is_clean() {
        return Err("verify() missed the flipped byte".into());
    }
    Ok(())
}
