//! Bundle import on hostile bytes: a full import never panics, never succeeds and writes
//! nothing; the plaintext parser (past the encryption, through the `cfg(fuzzing)` hook) never
//! panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sanctuary_store::backend::MemoryBackend;
use sanctuary_store::{BundleKey, Home, HomeOptions, ImportOptions, KdfParams, Passphrase};
use std::sync::{Arc, OnceLock};

struct Fixture {
    backend: Arc<MemoryBackend>,
    home: Home,
    key: BundleKey,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let backend = Arc::new(MemoryBackend::new());
        let options = HomeOptions {
            kdf: KdfParams::dangerous_fast_for_tests(),
            ..HomeOptions::default()
        };
        let (home, _) = Home::create_in(
            Arc::clone(&backend) as _,
            &Passphrase::new("fuzz").expect("pass"),
            options,
        )
        .expect("home");
        home.put("ns", "existing", b"v").expect("put");
        Fixture {
            backend,
            home,
            key: BundleKey::generate(&mut sanctuary_core::rand_core::OsRng),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, bytes)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        let f = fixture();
        let before = f.backend.dump();
        assert!(
            f.home
                .import(bytes, &f.key, &ImportOptions::default())
                .is_err()
        );
        assert_eq!(f.backend.dump(), before, "a refused import wrote something");
    } else {
        let _ = sanctuary_store::bundle::fuzzing::parse_plaintext(bytes);
    }
});
