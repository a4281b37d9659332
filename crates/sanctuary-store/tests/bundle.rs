//! Export bundles: round trip into another home, conflict policies, and refusal of anything
//! altered, mis-keyed or mis-signed, with nothing written.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions: a broken fixture must stop the test loudly"
)]

use sanctuary_core::time::{ManualClock, Timestamp};
use sanctuary_store::backend::{Durability, MemoryBackend};
use sanctuary_store::{
    BundleError, BundleKey, Conflict, EntryOptions, Home, HomeOptions, ImportOptions, KdfParams,
    Passphrase, StoreError,
};
use std::sync::Arc;
use std::time::Duration;

fn home(clock: &Arc<ManualClock>) -> (Arc<MemoryBackend>, Home) {
    let backend = Arc::new(MemoryBackend::new());
    let options = HomeOptions {
        kdf: KdfParams::dangerous_fast_for_tests(),
        clock: Arc::clone(clock) as _,
        ..HomeOptions::default()
    };
    let (home, _) = Home::create_in(
        Arc::clone(&backend) as _,
        &Passphrase::new("pw").unwrap(),
        options,
    )
    .unwrap();
    (backend, home)
}

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(
        Timestamp::from_unix_seconds(1_800_000_000).unwrap(),
    ))
}

#[test]
fn export_then_import_into_another_home() {
    let c = clock();
    let (_, source) = home(&c);
    source
        .put_with(
            "memory",
            "colour",
            b"blue",
            EntryOptions {
                content_type: "text/plain".into(),
                tags: vec!["pref".into()],
                ttl: None,
            },
            Durability::Durable,
        )
        .unwrap();
    source.put("memory", "town", b"Ghent").unwrap();
    source.put("finance", "budget", b"1200").unwrap();
    source.put("secret", "not-exported", b"x").unwrap();
    source
        .put_with(
            "memory",
            "short-lived",
            b"t",
            EntryOptions {
                ttl: Some(Duration::from_secs(60)),
                ..Default::default()
            },
            Durability::Durable,
        )
        .unwrap();
    let key = BundleKey::generate(&mut rand_core::OsRng);
    let bundle = source.export(&["memory", "finance"], &key).unwrap();

    let (_, target) = home(&c);
    target.put("memory", "town", b"Paris").unwrap();
    // The key travels as text, typo-checked.
    let key = BundleKey::parse(&key.to_display_string()).unwrap();
    let options = ImportOptions {
        conflict: Conflict::Skip,
        signer: Some(*source.identity()),
    };
    let report = target.import(&bundle, &key, &options).unwrap();
    assert_eq!(
        (report.imported, report.skipped, report.signer),
        (3, 1, *source.identity())
    );
    let colour = target.get("memory", "colour").unwrap().unwrap();
    assert_eq!(
        (
            colour.value.as_slice(),
            colour.metadata.content_type.as_str()
        ),
        (&b"blue"[..], "text/plain")
    );
    assert_eq!(colour.metadata.tags, vec!["pref".to_owned()]);
    assert_eq!(
        target
            .get("memory", "town")
            .unwrap()
            .unwrap()
            .value
            .as_slice(),
        b"Paris",
        "skip keeps existing"
    );
    assert!(target.get("secret", "not-exported").unwrap().is_none());
    assert!(target.verify().unwrap().is_clean());
    // The time to live travels as an absolute expiry.
    c.advance(Duration::from_secs(61));
    assert!(target.get("memory", "short-lived").unwrap().is_none());

    let overwrite = ImportOptions {
        conflict: Conflict::Overwrite,
        signer: None,
    };
    let (_, third) = home(&c);
    third.put("memory", "town", b"Paris").unwrap();
    let report = third.import(&bundle, &key, &overwrite).unwrap();
    assert_eq!(report.skipped, 1, "the expired entry is skipped");
    assert_eq!(
        third
            .get("memory", "town")
            .unwrap()
            .unwrap()
            .value
            .as_slice(),
        b"Ghent"
    );

    let fail = ImportOptions {
        conflict: Conflict::Fail,
        signer: None,
    };
    let (backend4, fourth) = home(&c);
    fourth.put("finance", "budget", b"mine").unwrap();
    let before = backend4.dump();
    assert!(matches!(
        fourth.import(&bundle, &key, &fail),
        Err(StoreError::ImportConflict { .. })
    ));
    assert_eq!(backend4.dump(), before, "a refused import wrote something");
}

#[test]
fn altered_miskeyed_or_missigned_bundles_are_refused_and_write_nothing() {
    let c = clock();
    let (_, source) = home(&c);
    for i in 0..5 {
        source.put("ns", &format!("k{i}"), &[i; 40]).unwrap();
    }
    let key = BundleKey::generate(&mut rand_core::OsRng);
    let bundle = source.export(&["ns"], &key).unwrap();
    let (backend, target) = home(&c);
    let before = backend.dump();
    let options = ImportOptions::default();
    // Wrong key.
    let other = BundleKey::generate(&mut rand_core::OsRng);
    assert_eq!(
        target.import(&bundle, &other, &options).unwrap_err(),
        StoreError::Bundle(BundleError::Open)
    );
    // Every byte flipped, and truncations.
    for i in 0..bundle.len() {
        let mut bad = bundle.clone();
        bad[i] ^= 0x01;
        assert!(target.import(&bad, &key, &options).is_err(), "byte {i}");
    }
    for len in [0, 8, 24, 25, 40, bundle.len() - 1] {
        assert!(
            target.import(&bundle[..len], &key, &options).is_err(),
            "len {len}"
        );
    }
    // Signed by another store than the one expected.
    let (_, stranger) = home(&c);
    let pinned = ImportOptions {
        signer: Some(*stranger.identity()),
        ..ImportOptions::default()
    };
    assert_eq!(
        target.import(&bundle, &key, &pinned).unwrap_err(),
        StoreError::Bundle(BundleError::Signature)
    );
    assert_eq!(backend.dump(), before);
    // The genuine one still imports.
    assert_eq!(target.import(&bundle, &key, &options).unwrap().imported, 5);
}
