//! The public Concordia conformance suite, run through the library and through the
//! `concordia-conformance` binary.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a broken fixture must stop the test loudly"
)]

use concordia::conformance::{self, PROFILES, Summary};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The suite copied into the crate.
fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/vectors")
}

/// The profiles that must pass every one of their vectors: all 22.
const ASSERTED_PROFILES: &[&str] = &PROFILES;

/// Per-profile counts.
#[derive(Default)]
struct Tally {
    vectors: usize,
    ok: usize,
    fail: usize,
    failed_ids: Vec<String>,
}

/// Maps each vector id to its `verification_profile`, reading the files the runner reads.
fn profiles_by_id(dir: &Path) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for (_, path) in conformance::discover(dir).unwrap() {
        let text = std::fs::read_to_string(&path).unwrap();
        let vector: Value = serde_json::from_str(&text).unwrap();
        let id = vector["id"].as_str().unwrap().to_owned();
        let profile = vector["verification_profile"].as_str().unwrap().to_owned();
        assert!(
            map.insert(id.clone(), profile).is_none(),
            "duplicate id {id}"
        );
    }
    map
}

/// Runs the suite and tallies the runner's report lines by profile.
fn run_suite() -> (Summary, BTreeMap<String, Tally>) {
    let dir = suite_dir();
    let profiles = profiles_by_id(&dir);
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let summary = conformance::run_dir(&dir, |line| {
        let (status, rest) = line.split_once(' ').unwrap();
        let id = rest.split(' ').next().unwrap();
        let profile = profiles
            .get(id)
            .unwrap_or_else(|| panic!("unknown id in report: {line}"));
        let tally = tallies.entry(profile.clone()).or_default();
        tally.vectors += 1;
        match status {
            "[OK]" => tally.ok += 1,
            "[FAIL]" => {
                tally.fail += 1;
                tally.failed_ids.push(id.to_owned());
            }
            other => panic!("unexpected report line {other}"),
        }
    })
    .unwrap();
    (summary, tallies)
}

#[test]
fn suite_totals_and_asserted_profiles() {
    let (summary, tallies) = run_suite();

    println!(
        "{:<30} {:>7} {:>5} {:>5}",
        "profile", "vectors", "ok", "fail"
    );
    for profile in PROFILES {
        let t = tallies.get(profile);
        println!(
            "{:<30} {:>7} {:>5} {:>5}{}",
            profile,
            t.map_or(0, |t| t.vectors),
            t.map_or(0, |t| t.ok),
            t.map_or(0, |t| t.fail),
            if ASSERTED_PROFILES.contains(&profile) {
                "  (asserted)"
            } else {
                ""
            }
        );
    }
    println!("{summary}");

    // The pinned counts of the suite's manifest.
    assert_eq!(
        (summary.positive, summary.mutation, summary.canary),
        (53, 1488, 5)
    );
    assert_eq!(summary.ok + summary.fail, 53 + 1488 + 5);
    // The whole suite, as the upstream reference runner reports it.
    assert_eq!(
        summary.to_string(),
        "[SUMMARY] positive=53 mutation=1488 canary=5 ok=1546 fail=0"
    );
    // Every vector names a known profile, and every profile has vectors.
    assert!(tallies.keys().all(|p| PROFILES.contains(&p.as_str())));
    for profile in PROFILES {
        assert!(
            tallies.get(profile).is_some_and(|t| t.vectors > 0),
            "{profile} has no vectors"
        );
    }
    let total: usize = tallies.values().map(|t| t.vectors).sum();
    assert_eq!(total, 53 + 1488 + 5);

    for profile in ASSERTED_PROFILES {
        let tally = tallies.get(*profile).unwrap();
        assert_eq!(
            tally.fail, 0,
            "{profile}: {} failing vectors: {:?}",
            tally.fail, tally.failed_ids
        );
    }
}

#[test]
fn asserted_profiles_are_known_and_distinct() {
    for (i, profile) in ASSERTED_PROFILES.iter().enumerate() {
        assert!(PROFILES.contains(profile), "{profile}");
        assert!(!ASSERTED_PROFILES[..i].contains(profile), "{profile} twice");
    }
}

// ---------------------------------------------------------------------------------------------
// The binary.

/// A fresh directory under the system temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!(
            "concordia-conformance-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&path);
        for class in ["positive", "mutation", "canary"] {
            std::fs::create_dir_all(path.join(class)).unwrap();
        }
        TempDir(path)
    }

    fn write(&self, class: &str, name: &str, vector: &Value) {
        std::fs::write(
            self.0.join(class).join(name),
            serde_json::to_string_pretty(vector).unwrap(),
        )
        .unwrap();
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// sha256 of the JCS of {"a":1}.
const DIGEST_A1: &str = "sha256:015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862";

fn decision_vector(id: &str, input: Value, expected: &str) -> Value {
    json!({
        "schema_version": "concordia-conformance-vector/v1-draft",
        "id": id,
        "title": "hand-made decision object digest",
        "source_fixture": "test",
        "record_type": "decision_object",
        "verification_profile": "decision-object-v1",
        "input": input,
        "context": {"expected_decision_id": DIGEST_A1},
        "expected": expected
    })
}

/// A vector missing its `input`: malformed, so a conforming runner rejects it.
fn malformed_vector(expected: &str) -> Value {
    let mut v = decision_vector("malformed", json!({}), expected);
    v.as_object_mut().unwrap().remove("input");
    v
}

fn run_binary(args: &[&Path]) -> (Option<i32>, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_concordia-conformance"))
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn binary_passes_hand_made_vectors() {
    let dir = TempDir::new("pass");
    dir.write(
        "positive",
        "accept.json",
        &decision_vector("accept", json!({"a": 1.0}), "accept"),
    );
    dir.write(
        "mutation",
        "reject.json",
        &decision_vector("reject", json!({"a": 2}), "reject"),
    );
    dir.write("canary", "malformed.json", &malformed_vector("reject"));
    let (code, stdout, stderr) = run_binary(&[&dir.0]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "[OK] accept",
            "[OK] reject",
            "[OK] malformed",
            "[SUMMARY] positive=1 mutation=1 canary=1 ok=3 fail=0"
        ]
    );
}

#[test]
fn binary_fails_on_a_wrong_outcome() {
    let dir = TempDir::new("fail");
    dir.write(
        "positive",
        "accept.json",
        &decision_vector("accept", json!({"a": 1}), "accept"),
    );
    // A rejected input that claims acceptance, and a malformed vector that claims acceptance.
    dir.write(
        "mutation",
        "wrong.json",
        &decision_vector("wrong", json!({"a": 2}), "accept"),
    );
    dir.write("canary", "malformed.json", &malformed_vector("accept"));
    // Not JSON at all: counted, failed.
    std::fs::write(dir.0.join("canary/broken.json"), "{not json").unwrap();
    let (code, stdout, _) = run_binary(&[&dir.0]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("[FAIL] wrong expected=accept got=reject"),
        "{stdout}"
    );
    assert!(
        stdout.contains("[FAIL] malformed expected=accept got=reject"),
        "{stdout}"
    );
    assert!(
        stdout.contains("broken.json expected=<unreadable> got=reject"),
        "{stdout}"
    );
    assert_eq!(
        stdout.lines().last(),
        Some("[SUMMARY] positive=1 mutation=1 canary=2 ok=1 fail=3")
    );
}

#[test]
fn binary_usage_and_read_errors() {
    let (code, stdout, stderr) = run_binary(&[]);
    assert_eq!(code, Some(2));
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("usage: concordia-conformance DIR"),
        "{stderr}"
    );

    let (code, _, stderr) = run_binary(&[Path::new("a"), Path::new("b")]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("usage"), "{stderr}");

    let empty = TempDir::new("empty");
    let (code, stdout, stderr) = run_binary(&[&empty.0]);
    assert_eq!(code, Some(2));
    assert!(stdout.is_empty());
    assert!(stderr.contains("no vectors found"), "{stderr}");
}

#[test]
fn binary_agrees_with_the_library_on_the_suite() {
    let dir = suite_dir();
    let summary = conformance::run_dir(&dir, |_| {}).unwrap();
    let (code, stdout, _) = run_binary(&[&dir]);
    assert_eq!(stdout.lines().last(), Some(summary.to_string().as_str()));
    assert_eq!(stdout.lines().count(), 53 + 1488 + 5 + 1);
    assert_eq!(code, Some(if summary.fail == 0 { 0 } else { 1 }));
}
