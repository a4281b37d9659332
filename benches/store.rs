//! Criterion benches of sanctuary-store on its default backend (the log file of
//! `Engine::Log` in a temporary directory): put and get of 64 B, 4 KiB and 64 KiB values with 1,000 and 100,000 entries in
//! the namespace, buffered and durable writes, durable batches, `verify()`, and audit appends.

#![expect(
    clippy::expect_used,
    reason = "a bench with a broken fixture should stop loudly"
)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sanctuary::store::backend::Durability;
use sanctuary::store::{Batch, EntryOptions, Home, HomeOptions, KdfParams, Passphrase};
use std::hint::black_box;
use std::time::Duration;

const SIZES: [(usize, &str); 3] = [(64, "64B"), (4096, "4KiB"), (65536, "64KiB")];
const COUNTS: [(usize, &str); 2] = [(1_000, "1k"), (100_000, "100k")];

/// A home whose namespace "bench" holds `n` entries of 64 bytes (filled in buffered batches).
fn home_with(n: usize) -> (tempfile::TempDir, Home) {
    let dir = tempfile::tempdir().expect("tempdir");
    let options = HomeOptions {
        kdf: KdfParams::dangerous_fast_for_tests(),
        ..HomeOptions::default()
    };
    let pass = Passphrase::new("bench").expect("passphrase");
    let (home, _) = Home::create(&dir.path().join("home"), &pass, options).expect("home");
    for chunk in (0..n).collect::<Vec<_>>().chunks(1_000) {
        let mut batch = Batch::new();
        for i in chunk {
            batch.put(
                "bench",
                &format!("k{i:07}"),
                &[7u8; 64],
                EntryOptions::default(),
            );
        }
        home.apply(batch, Durability::Buffered).expect("fill");
    }
    (dir, home)
}

fn bench_put_get(c: &mut Criterion) {
    let mut group = c.benchmark_group("store");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(4));
    for (count, count_name) in COUNTS {
        let (_dir, home) = home_with(count);
        for (size, size_name) in SIZES {
            let value = vec![0x5a; size];
            group.throughput(Throughput::Bytes(size as u64));
            let mut i = 0usize;
            group.bench_function(
                BenchmarkId::new(format!("put_buffered/{size_name}"), count_name),
                |b| {
                    b.iter(|| {
                        i = (i + 7919) % count;
                        home.put_with(
                            "bench",
                            &format!("k{i:07}"),
                            &value,
                            EntryOptions::default(),
                            Durability::Buffered,
                        )
                        .expect("put")
                    })
                },
            );
            // Every key now holds a value of this size for some i; read keys written above.
            for j in 0..count.min(2_000) {
                home.put_with(
                    "bench",
                    &format!("k{j:07}"),
                    &value,
                    EntryOptions::default(),
                    Durability::Buffered,
                )
                .expect("put");
            }
            let mut j = 0usize;
            group.bench_function(
                BenchmarkId::new(format!("get/{size_name}"), count_name),
                |b| {
                    b.iter(|| {
                        j = (j + 31) % count.min(2_000);
                        black_box(home.get("bench", &format!("k{j:07}")).expect("get"))
                    })
                },
            );
        }
    }
    group.finish();
}

fn bench_durable(c: &mut Criterion) {
    let mut group = c.benchmark_group("store_durable");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5));
    let (_dir, home) = home_with(1_000);
    let value = vec![0x5a; 4096];
    let mut i = 0usize;
    group.throughput(Throughput::Elements(1));
    group.bench_function("put_durable/4KiB/1k", |b| {
        b.iter(|| {
            i = (i + 1) % 1_000;
            home.put("bench", &format!("k{i:07}"), &value).expect("put")
        })
    });
    group.throughput(Throughput::Elements(100));
    group.bench_function("batch_durable/100x4KiB/1k", |b| {
        b.iter(|| {
            let mut batch = Batch::new();
            for _ in 0..100 {
                i = (i + 1) % 1_000;
                batch.put(
                    "bench",
                    &format!("k{i:07}"),
                    &value,
                    EntryOptions::default(),
                );
            }
            home.apply(batch, Durability::Durable).expect("batch")
        })
    });
    group.finish();
}

fn bench_verify(c: &mut Criterion) {
    let mut group = c.benchmark_group("store_verify");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    let (_dir, home) = home_with(100_000);
    group.throughput(Throughput::Elements(100_000));
    group.bench_function("verify/100k", |b| {
        b.iter(|| {
            let report = home.verify().expect("verify");
            assert!(report.is_clean());
            report
        })
    });
    group.finish();
}

fn bench_audit(c: &mut Criterion) {
    use sanctuary::core::audit::{AuditEvent, AuditLayer, AuditOutcome, AuditSink};
    use sanctuary::core::time::Timestamp;
    let mut group = c.benchmark_group("store_audit");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5));
    let (_dir, home) = home_with(0);
    let event = AuditEvent::new(
        Timestamp::UNIX_EPOCH,
        AuditLayer::Policy,
        "tool.call",
        AuditOutcome::Allowed,
        serde_json::json!({"tool": "send_email", "digest": "sha256:2cf9882e0ceee36278318a376117cc03da510c6994c3679a57eb4777dc8e06cb"}),
    );
    group.throughput(Throughput::Elements(1));
    group.bench_function("append/durable", |b| {
        b.iter(|| home.record(event.clone()).expect("record"))
    });
    group.finish();
}

criterion_group!(
    benches,
    bench_put_get,
    bench_durable,
    bench_verify,
    bench_audit
);
criterion_main!(benches);
