//! Custody: adding and removing wraps (passphrases, recovery keys, keyring secrets), the
//! lockout guard, keyring failures, and the L1 health report of custody.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers outside #[test] functions: a broken fixture must stop the test loudly"
)]

mod common;

use common::{options, pass};
use sanctuary_core::health::HealthContributor;
use sanctuary_store::keyring::{KEYRING_SERVICE, Keyring, KeyringError, MemoryKeyring};
use sanctuary_store::{
    CUSTODY_FILE, CustodyKind, Home, KdfParams, StoreError, Unlock, WrapId, WrapInfo,
};
use std::path::Path;
use zeroize::Zeroizing;

fn open(dir: &Path, unlock: Unlock<'_>) -> Result<Home, StoreError> {
    Home::open(dir, unlock, options())
}

fn kinds(wraps: &[WrapInfo]) -> Vec<&'static str> {
    wraps
        .iter()
        .map(|w| match w.kind {
            CustodyKind::Passphrase { .. } => "passphrase",
            CustodyKind::RecoveryKey => "recovery",
            CustodyKind::Keyring { .. } => "keyring",
            _ => "other",
        })
        .collect()
}

fn id_of(home: &Home, kind: &str) -> WrapId {
    let wraps = home.wraps().unwrap();
    let k = kinds(&wraps);
    wraps[k.iter().position(|x| *x == kind).unwrap()].id
}

#[test]
fn added_passphrases_and_recovery_keys_open_and_removed_ones_stop() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("home");
    let (home, recovery) = Home::create(&dir, &pass("first"), options()).unwrap();
    home.put("ns", "k", b"v").unwrap();
    let original_pass = id_of(&home, "passphrase");
    let second = home
        .add_passphrase(&pass("second"), KdfParams::dangerous_fast_for_tests())
        .unwrap();
    let (_, recovery2) = home.add_recovery_key().unwrap();
    assert_eq!(
        kinds(&home.wraps().unwrap()),
        ["passphrase", "recovery", "passphrase", "recovery"]
    );
    assert!(home.wraps().unwrap().iter().all(|w| w.current));
    drop(home);
    for unlock in [
        Unlock::Passphrase(&pass("first")),
        Unlock::Passphrase(&pass("second")),
        Unlock::Recovery(&recovery),
        Unlock::Recovery(&recovery2),
    ] {
        let home = open(&dir, unlock).unwrap();
        assert_eq!(&*home.get("ns", "k").unwrap().unwrap().value, b"v");
    }
    let home = open(&dir, Unlock::Passphrase(&pass("second"))).unwrap();
    home.remove_wrap(original_pass, None).unwrap();
    assert!(matches!(
        home.remove_wrap(original_pass, None),
        Err(StoreError::WrapNotFound)
    ));
    assert_eq!(
        kinds(&home.wraps().unwrap()),
        ["recovery", "passphrase", "recovery"]
    );
    drop(home);
    assert!(matches!(
        open(&dir, Unlock::Passphrase(&pass("first"))),
        Err(StoreError::Unlock)
    ));
    let home = open(&dir, Unlock::Passphrase(&pass("second"))).unwrap();
    assert!(home.wraps().unwrap().iter().any(|w| w.id == second));
}

#[test]
fn the_last_human_wrap_cannot_be_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("home");
    let (home, _) = Home::create(&dir, &pass("pw"), options()).unwrap();
    let keyring = MemoryKeyring::new();
    home.add_keyring_wrap(&keyring).unwrap();
    home.remove_wrap(id_of(&home, "recovery"), None).unwrap();
    let before = std::fs::read(dir.join(CUSTODY_FILE)).unwrap();
    // The keyring wrap remains, but a keyring alone is not enough.
    assert!(matches!(
        home.remove_wrap(id_of(&home, "passphrase"), None),
        Err(StoreError::LastWrap)
    ));
    assert_eq!(std::fs::read(dir.join(CUSTODY_FILE)).unwrap(), before);
    // Another human wrap first, then the old one can go.
    home.add_passphrase(&pass("pw2"), KdfParams::dangerous_fast_for_tests())
        .unwrap();
    home.remove_wrap(id_of(&home, "passphrase"), None).unwrap();
    assert_eq!(kinds(&home.wraps().unwrap()), ["keyring", "passphrase"]);
}

#[test]
fn a_keyring_wrap_opens_the_home_and_only_with_its_secret() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("home");
    let (home, _) = Home::create(&dir, &pass("pw"), options()).unwrap();
    home.put("ns", "k", b"v").unwrap();
    let keyring = MemoryKeyring::new();
    let id = home.add_keyring_wrap(&keyring).unwrap();
    assert_eq!(keyring.len(), 1);
    let wraps = home.wraps().unwrap();
    let CustodyKind::Keyring { account } = &wraps.iter().find(|w| w.id == id).unwrap().kind else {
        panic!("not a keyring wrap");
    };
    // "<store id hex>-<salt hex>": public names only.
    assert_eq!((account.len(), account.as_bytes()[32]), (65, b'-'));
    let report = home.layer_report();
    let custody = report.capabilities.get("key_custody").unwrap().to_string();
    assert!(custody.contains("OS keyring"), "{custody}");
    drop(home);

    let home = open(&dir, Unlock::Keyring(&keyring)).unwrap();
    assert_eq!(&*home.get("ns", "k").unwrap().unwrap().value, b"v");
    drop(home);
    // Another keyring (another machine or account) has no such secret: the opaque error.
    assert!(matches!(
        open(&dir, Unlock::Keyring(&MemoryKeyring::new())),
        Err(StoreError::Unlock)
    ));
    // A wrong secret under the right name: the opaque error too.
    let forged = MemoryKeyring::new();
    forged.set(KEYRING_SERVICE, account, &[7u8; 32]).unwrap();
    assert!(matches!(
        open(&dir, Unlock::Keyring(&forged)),
        Err(StoreError::Unlock)
    ));

    // Removing the wrap deletes the secret when given the keyring.
    let home = open(&dir, Unlock::Passphrase(&pass("pw"))).unwrap();
    home.remove_wrap(id, Some(&keyring)).unwrap();
    assert!(keyring.is_empty());
    drop(home);
    assert!(matches!(
        open(&dir, Unlock::Keyring(&keyring)),
        Err(StoreError::Unlock)
    ));
}

/// A keyring that is locked, refuses, or loses what it is given.
#[derive(Debug)]
enum BadKeyring {
    Locked,
    Forgetful,
}

impl Keyring for BadKeyring {
    fn set(&self, _: &str, _: &str, _: &[u8]) -> Result<(), KeyringError> {
        match self {
            BadKeyring::Locked => Err(KeyringError::Unavailable {
                reason: "locked".into(),
            }),
            BadKeyring::Forgetful => Ok(()),
        }
    }
    fn get(&self, _: &str, _: &str) -> Result<Zeroizing<Vec<u8>>, KeyringError> {
        match self {
            BadKeyring::Locked => Err(KeyringError::Unavailable {
                reason: "locked".into(),
            }),
            BadKeyring::Forgetful => Ok(Zeroizing::new(vec![0; 32])),
        }
    }
    fn delete(&self, _: &str, _: &str) -> Result<(), KeyringError> {
        Ok(())
    }
}

#[test]
fn keyring_failures_are_typed_and_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("home");
    let (home, _) = Home::create(&dir, &pass("pw"), options()).unwrap();
    let before = std::fs::read(dir.join(CUSTODY_FILE)).unwrap();
    assert!(matches!(
        home.add_keyring_wrap(&BadKeyring::Locked),
        Err(StoreError::Keyring(KeyringError::Unavailable { .. }))
    ));
    assert!(matches!(
        home.add_keyring_wrap(&BadKeyring::Forgetful),
        Err(StoreError::Keyring(KeyringError::Unavailable { .. }))
    ));
    assert_eq!(std::fs::read(dir.join(CUSTODY_FILE)).unwrap(), before);
    // The report says no keyring holds the master.
    let report = home.layer_report();
    assert!(
        report
            .degradations
            .iter()
            .any(|d| d.description.starts_with("OS keyring unavailable")),
        "{report:?}"
    );

    // Opening through a locked keyring names the keyring, not a wrong secret.
    let keyring = MemoryKeyring::new();
    home.add_keyring_wrap(&keyring).unwrap();
    drop(home);
    assert!(matches!(
        open(&dir, Unlock::Keyring(&BadKeyring::Locked)),
        Err(StoreError::Keyring(KeyringError::Unavailable { .. }))
    ));
    assert!(open(&dir, Unlock::Keyring(&keyring)).is_ok());
}

/// The platform keyring, where this machine has one; where it has none, the failure must be
/// the typed keyring error and the key file must not change.
#[cfg(feature = "os-keyring")]
#[test]
fn the_os_keyring_round_trips_or_fails_cleanly() {
    use sanctuary_store::keyring::OsKeyring;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("home");
    let (home, _) = Home::create(&dir, &pass("pw"), options()).unwrap();
    let before = std::fs::read(dir.join(CUSTODY_FILE)).unwrap();
    match home.add_keyring_wrap(&OsKeyring) {
        Ok(id) => {
            drop(home);
            let home = open(&dir, Unlock::Keyring(&OsKeyring)).unwrap();
            home.remove_wrap(id, Some(&OsKeyring)).unwrap();
            drop(home);
            assert!(open(&dir, Unlock::Keyring(&OsKeyring)).is_err());
        }
        Err(StoreError::Keyring(e)) => {
            println!("no usable OS keyring here: {e}");
            assert_eq!(std::fs::read(dir.join(CUSTODY_FILE)).unwrap(), before);
        }
        Err(other) => panic!("unexpected error: {other}"),
    }
}
