//! Crash safety: a helper process makes durable writes and is killed with SIGKILL at random
//! moments, 50 times on the default log engine and 20 times on redb. After every kill the home must open, every acknowledged durable write
//! must read back, buffered writes must be either absent or intact, and `verify()` must be clean.

#![cfg(unix)]
#![expect(
    clippy::unwrap_used,
    clippy::print_stdout,
    reason = "test helpers outside #[test] functions: a broken fixture must stop the test \
              loudly, and the seed is printed so a failure can be replayed"
)]

use sanctuary_core::time::SystemClock;
use sanctuary_store::backend::Durability;
use sanctuary_store::{
    Batch, Engine, EntryOptions, Home, HomeOptions, KdfParams, Passphrase, Unlock,
};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

const HOME_ENV: &str = "SANCTUARY_CRASH_HOME";
const START_ENV: &str = "SANCTUARY_CRASH_START";
const ROUNDS: usize = 50;
/// The redb engine (not the default) gets fewer rounds to keep the suite short.
const ROUNDS_REDB: usize = 20;

fn options(engine: Engine) -> HomeOptions {
    HomeOptions {
        kdf: KdfParams::dangerous_fast_for_tests(),
        clock: Arc::new(SystemClock),
        engine,
        ..HomeOptions::default()
    }
}

fn open(dir: &Path) -> Home {
    Home::open(
        dir,
        Unlock::Passphrase(&Passphrase::new("pw").unwrap()),
        options(Engine::default()),
    )
    .unwrap()
}

fn value(n: u64) -> Vec<u8> {
    format!("durable value {n} {}", "x".repeat((n % 7) as usize * 100)).into_bytes()
}

/// The helper: writes forever, acknowledging each durable write on stdout once it returned.
#[test]
#[ignore = "helper process of crash_safety_under_sigkill; does nothing unless spawned by it"]
fn crash_helper() {
    let Ok(dir) = std::env::var(HOME_ENV) else {
        return;
    };
    let start: u64 = std::env::var(START_ENV).unwrap().parse().unwrap();
    let home = open(Path::new(&dir));
    let mut out = std::io::stdout().lock();
    for n in start.. {
        home.put("crash", &format!("d{n:06}"), &value(n)).unwrap();
        writeln!(out, "ACK {n}").unwrap();
        out.flush().unwrap();
        // Unacknowledged traffic around it: buffered writes, batches, deletes.
        home.put_with(
            "crash",
            &format!("b{n:06}"),
            &value(n),
            EntryOptions::default(),
            Durability::Buffered,
        )
        .unwrap();
        if n % 3 == 0 {
            let mut batch = Batch::new();
            batch
                .put(
                    "batch",
                    &format!("p{n:06}"),
                    &value(n),
                    EntryOptions::default(),
                )
                .put(
                    "batch",
                    &format!("q{n:06}"),
                    &value(n),
                    EntryOptions::default(),
                )
                .delete("batch", &format!("p{:06}", n.saturating_sub(3)));
            home.apply(batch, Durability::Durable).unwrap();
        }
    }
}

/// xorshift64*: reproducible randomness from a printed seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

#[test]
fn crash_safety_under_sigkill() {
    crash_rounds(Engine::Log, ROUNDS);
}

#[test]
fn crash_safety_under_sigkill_redb() {
    crash_rounds(Engine::Redb, ROUNDS_REDB);
}

fn crash_rounds(engine: Engine, rounds: usize) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("home");
    drop(Home::create(&dir, &Passphrase::new("pw").unwrap(), options(engine)).unwrap());
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    println!("crash test seed {seed:#x}");
    let mut rng = Rng(seed);
    let exe = std::env::current_exe().unwrap();
    let mut acked: u64 = 0;
    let mut kills_mid_write = 0;
    for round in 0..rounds {
        let mut child = Command::new(&exe)
            .args([
                "crash_helper",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(HOME_ENV, &dir)
            .env(START_ENV, acked.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut last_ack: Option<u64> = None;
        // Kill after a random number of acknowledgements (sometimes none: during open), then
        // a random few hundred microseconds more, so kills land inside writes.
        let wait_for = rng.next() % 12;
        let mut seen = 0;
        while seen < wait_for {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(n) = line.strip_prefix("ACK ") {
                        last_ack = Some(n.trim().parse().unwrap());
                        seen += 1;
                    }
                }
                _ => break,
            }
        }
        std::thread::sleep(Duration::from_micros(rng.next() % 3000));
        child.kill().unwrap();
        child.wait().unwrap();
        // Acknowledgements already in the pipe were written after their put returned.
        for line in lines.map_while(Result::ok) {
            if let Some(n) = line.strip_prefix("ACK ") {
                last_ack = Some(n.trim().parse().unwrap());
                kills_mid_write += 1;
            }
        }
        if let Some(n) = last_ack {
            acked = n + 1;
        }
        let home = open(&dir);
        for n in 0..acked {
            let entry = home.get("crash", &format!("d{n:06}")).unwrap();
            assert_eq!(
                entry.map(|e| e.value.to_vec()),
                Some(value(n)),
                "round {round}: durable write {n} lost (seed {seed:#x})"
            );
        }
        for n in acked.saturating_sub(20)..acked + 2 {
            if let Some(e) = home.get("crash", &format!("b{n:06}")).unwrap() {
                assert_eq!(
                    e.value.to_vec(),
                    value(n),
                    "round {round}: buffered write {n} damaged"
                );
            }
        }
        let report = home.verify().unwrap();
        assert!(
            report.is_clean(),
            "round {round} (seed {seed:#x}): {report:?}"
        );
    }
    assert!(acked > 0, "the helper never acknowledged a write");
    println!(
        "{engine:?}: {rounds} kills, {acked} durable writes acknowledged, {kills_mid_write} acknowledgements read after a kill"
    );
}
