//! The log backend's recovery on hostile bytes: opening a log file made of the input never
//! panics; when it opens, every row reads back, a new durable commit lands, and the file
//! reopens with that commit in it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

fn scratch() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        std::env::temp_dir().join(format!("sanctuary-fuzz-log-{}", std::process::id()))
    })
}

fuzz_target!(|data: &[u8]| {
    if let Err(e) = sanctuary_store::backend::fuzz_log_open(data, scratch()) {
        // Expected for most inputs; the error must still render.
        let _ = e.to_string();
    }
    let _ = std::fs::remove_file(scratch());
});
