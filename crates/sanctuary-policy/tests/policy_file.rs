//! The policy file: defaults, strict parsing with field-and-line errors, weakening reloads,
//! and the forced tier-1 set.

#![expect(
    clippy::panic,
    clippy::unwrap_used,
    reason = "test helpers: an unexpected result should stop the test loudly"
)]

use proptest::prelude::*;
use sanctuary_policy::policy::{Amount, ChannelKind, Policy, PolicyError, Tier2Action};
use sanctuary_policy::tiers::{FORCED_TIER1, StaticTier, Tier, static_tier};

#[test]
fn defaults_round_trip_and_are_safe() {
    let policy = Policy::default();
    let text = policy.to_toml().unwrap();
    assert_eq!(Policy::parse(&text).unwrap(), policy);
    assert_eq!(policy.tier2.max_signs_per_minute, 10);
    assert_eq!(policy.tier2.bulk_read_threshold, 20);
    assert_eq!(policy.tier2.frequency_spike_multiplier, 5.0);
    assert_eq!(policy.tier2.new_counterparty, Tier2Action::Approve);
    assert_eq!(policy.spending.daily["USD"], Amount::from_units(100));
    assert_eq!(policy.approval.timeout_seconds, 300);
    // The minimal file is the defaults for every section.
    let minimal = Policy::parse("version = 1").unwrap();
    assert_eq!(minimal.tier2, policy.tier2);
    assert_eq!(minimal.spending, policy.spending);
    assert_eq!(minimal.approval, policy.approval);
    assert!(
        minimal.tiers.tier3.is_empty(),
        "no tier-3 list means everything asks"
    );
}

#[test]
fn a_missing_file_is_created_private_with_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("policy.toml");
    let created = Policy::load_or_create(&path).unwrap();
    assert_eq!(created, Policy::default());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    assert_eq!(Policy::load_or_create(&path).unwrap(), created);
    // A malformed file refuses to start and is left as it is.
    std::fs::write(
        &path,
        "version = 1\n[tier2]\nmax_signs_per_minute = \"many\"\n",
    )
    .unwrap();
    let err = Policy::load_or_create(&path).unwrap_err();
    assert!(
        matches!(err, PolicyError::Malformed { line: 3, .. }),
        "{err}"
    );
    assert!(std::fs::read_to_string(&path).unwrap().contains("many"));
}

fn malformed(text: &str) -> (usize, String) {
    match Policy::parse(text) {
        Err(PolicyError::Malformed { line, message, .. }) => (line, message),
        other => panic!("expected Malformed for {text:?}, got {other:?}"),
    }
}

fn invalid(text: &str) -> (String, usize) {
    match Policy::parse(text) {
        Err(PolicyError::Invalid { field, line, .. }) => (field, line),
        other => panic!("expected Invalid for {text:?}, got {other:?}"),
    }
}

#[test]
fn malformed_files_name_the_field_and_line() {
    let (line, message) = malformed("version = 1\n\n[tier2]\nmax_sign_per_minute = 3\n");
    assert_eq!(line, 4);
    assert!(message.contains("max_sign_per_minute"), "{message}");

    let (line, message) = malformed("version = 1\n[approval]\nchannel = \"carrier-pigeon\"\n");
    assert_eq!(line, 3);
    assert!(
        message.contains("carrier-pigeon") || message.contains("variant"),
        "{message}"
    );

    let (line, _) = malformed("version = 1\n[tiers\n");
    assert_eq!(line, 2);

    let (line, message) = malformed("version = 1\n[spending.daily]\nUSD = 12.5\n");
    assert_eq!(line, 3);
    assert!(message.contains("decimal string"), "{message}");

    let (line, _) = malformed("version = 1\n[spending.daily]\nUSD = \"-5\"\n");
    assert_eq!(line, 3);
    let (line, _) = malformed("version = 1\n[spending.daily]\nUSD = \"1.0000001\"\n");
    assert_eq!(line, 3);
    let (_, message) = malformed("[tier2]\nmax_signs_per_minute = 3\n");
    assert!(message.contains("version"), "{message}");
    malformed("version = 1\nextra = true\n");
    malformed("version = 1\n[tier2]\nmax_signs_per_minute = -1\n");
}

#[test]
fn out_of_range_values_name_the_field_and_line() {
    assert_eq!(invalid("version = 2\n"), ("version".into(), 1));
    assert_eq!(
        invalid("version = 1\n[tier2]\nmax_signs_per_minute = 0\n"),
        ("tier2.max_signs_per_minute".into(), 3)
    );
    assert_eq!(
        invalid("version = 1\n[tier2]\n\nfrequency_spike_multiplier = 1.0\n"),
        ("tier2.frequency_spike_multiplier".into(), 4)
    );
    assert_eq!(
        invalid("version = 1\n[approval]\ntimeout_seconds = 86400\n"),
        ("approval.timeout_seconds".into(), 3)
    );
    assert_eq!(
        invalid("version = 1\napproval.timeout_seconds = 0\n"),
        ("approval.timeout_seconds".into(), 2)
    );
    assert_eq!(
        invalid("version = 1\n[spending.daily]\nusd = 5\n").0,
        "spending.daily.usd"
    );
    assert_eq!(
        invalid("version = 1\n[tiers]\ntier1 = [\"pay\"]\ntier3 = [\"pay\"]\n").0,
        "tiers.tier3"
    );
    assert_eq!(
        invalid("version = 1\n[tiers]\ntier3 = [\"Read Everything\"]\n"),
        ("tiers.tier3".into(), 3)
    );
}

fn strict() -> Policy {
    Policy::parse(
        "version = 1\n[tiers]\ntier1 = [\"payment.send\", \"email.send\"]\ntier3 = [\"state.read\"]\n\
         [tier2]\nnew_namespace = \"approve\"\nfirst_session = \"log\"\n\
         [spending.daily]\nUSD = 100\nEUR = \"90.5\"\n[spending.per_operation]\nUSD = 50\n\
         [approval]\nchannel = \"webhook\"\ntimeout_seconds = 120\n",
    )
    .unwrap()
}

#[test]
fn weakening_reloads_are_refused_field_by_field() {
    let current = strict();
    assert!(current.check_reload(&current).is_empty());
    let cases: &[(&str, &str)] = &[
        (
            "tiers.tier1",
            "[tiers]\ntier1 = [\"payment.send\"]\ntier3 = [\"state.read\"]",
        ),
        (
            "tiers.tier3",
            "[tiers]\ntier1 = [\"payment.send\", \"email.send\"]\ntier3 = [\"state.read\", \"state.write\"]",
        ),
        ("tier2.new_namespace", "[tier2]\nnew_namespace = \"log\""),
        (
            "tier2.new_counterparty",
            "[tier2]\nnew_counterparty = \"allow\"",
        ),
        ("tier2.first_session", "[tier2]\nfirst_session = \"allow\""),
        (
            "tier2.max_signs_per_minute",
            "[tier2]\nmax_signs_per_minute = 11",
        ),
        (
            "tier2.bulk_read_threshold",
            "[tier2]\nbulk_read_threshold = 21",
        ),
        (
            "tier2.frequency_spike_multiplier",
            "[tier2]\nfrequency_spike_multiplier = 5.5",
        ),
        (
            "tier2.baseline_min_events",
            "[tier2]\nbaseline_min_events = 29",
        ),
        (
            "tier2.cold_start_max_per_minute",
            "[tier2]\ncold_start_max_per_minute = 11",
        ),
        (
            "spending.daily.USD",
            "[spending.daily]\nUSD = \"100.01\"\nEUR = \"90.5\"",
        ),
        ("spending.daily.EUR", "[spending.daily]\nUSD = 100"),
        (
            "spending.per_operation.USD",
            "[spending.daily]\nUSD = 100\nEUR = \"90.5\"\n[spending.per_operation]\nUSD = 51",
        ),
        (
            "approval.timeout_seconds",
            "[approval]\nchannel = \"webhook\"\ntimeout_seconds = 121",
        ),
        (
            "approval.channel",
            "[approval]\nchannel = \"terminal\"\ntimeout_seconds = 120",
        ),
    ];
    let base = current.to_toml().unwrap();
    for (field, change) in cases {
        // Start from the current file and override one section.
        let mut doc: toml::Table = toml::from_str(&base).unwrap();
        let patch: toml::Table = toml::from_str(change).unwrap();
        for (section, value) in patch {
            match (doc.get_mut(&section), value) {
                (Some(toml::Value::Table(existing)), toml::Value::Table(new)) => {
                    // Keys of the patch replace whole sub-tables (so a removed currency shows).
                    for (k, v) in new {
                        existing.insert(k, v);
                    }
                }
                (_, value) => {
                    doc.insert(section, value);
                }
            }
        }
        let new = Policy::parse(&toml::to_string(&doc).unwrap()).unwrap();
        let weakenings = current.check_reload(&new);
        assert!(
            weakenings.iter().any(|w| w.field == *field),
            "{field}: {weakenings:?}"
        );
        assert_eq!(
            weakenings.len(),
            1,
            "{field}: only that field changed: {weakenings:?}"
        );
    }
}

#[test]
fn strengthening_reloads_are_accepted() {
    let current = strict();
    let stronger = Policy::parse(
        "version = 1\n[tiers]\ntier1 = [\"payment.send\", \"email.send\", \"file.delete\"]\ntier3 = []\n\
         [tier2]\nnew_namespace = \"approve\"\nfirst_session = \"approve\"\nmax_signs_per_minute = 5\n\
         bulk_read_threshold = 10\nfrequency_spike_multiplier = 3\nbaseline_min_events = 60\n\
         cold_start_max_per_minute = 5\n\
         [spending.daily]\nUSD = 50\nEUR = 10\nGBP = 10\n[spending.per_operation]\nUSD = 20\n\
         [approval]\nchannel = \"webhook\"\ntimeout_seconds = 60\n",
    )
    .unwrap();
    assert_eq!(current.check_reload(&stronger), vec![]);
    assert_eq!(stronger.approval.channel, ChannelKind::Webhook);
}

#[test]
fn unknown_operations_are_tier_one() {
    let policy = strict();
    assert_eq!(static_tier(&policy, "state.read"), StaticTier::Listed3);
    assert_eq!(static_tier(&policy, "payment.send"), StaticTier::Listed1);
    assert_eq!(static_tier(&policy, "never.heard.of"), StaticTier::Unknown);
    assert_eq!(static_tier(&policy, "never.heard.of").tier(), Tier::One);
    assert_eq!(static_tier(&policy, "").tier(), Tier::One);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// No policy file can relax a forced operation, whatever its lists say.
    #[test]
    fn forced_operations_stay_tier_one(listed in prop::collection::vec(0usize..FORCED_TIER1.len(), 0..8)) {
        let names: Vec<String> = listed.iter().map(|i| format!("\"{}\"", FORCED_TIER1[*i])).collect();
        let text = format!("version = 1\n[tiers]\ntier3 = [{}]\n", names.join(", "));
        let policy = Policy::parse(&text).unwrap();
        for op in FORCED_TIER1 {
            prop_assert_eq!(static_tier(&policy, op), StaticTier::Forced);
            prop_assert_eq!(static_tier(&policy, op).tier(), Tier::One);
        }
    }

    #[test]
    fn amounts_round_trip(micros in any::<u64>()) {
        let amount = Amount::from_micros(micros);
        prop_assert_eq!(amount.to_string().parse::<Amount>().unwrap(), amount);
    }
}

#[test]
fn amounts_parse_strictly() {
    assert_eq!(
        "12.5".parse::<Amount>().unwrap(),
        Amount::from_micros(12_500_000)
    );
    assert_eq!(
        "0.000001".parse::<Amount>().unwrap(),
        Amount::from_micros(1)
    );
    assert_eq!(Amount::from_micros(12_500_000).to_string(), "12.5");
    for bad in [
        "",
        ".",
        "1.",
        ".5",
        "-1",
        "+1",
        "1e3",
        "1.2.3",
        " 1",
        "0x10",
        "1.0000001",
        "99999999999999999999",
    ] {
        assert!(bad.parse::<Amount>().is_err(), "{bad:?}");
    }
}
