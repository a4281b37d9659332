#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers: a broken fixture should stop the test loudly"
)]

use std::sync::Arc;

use sanctuary_core::audit::{AuditError, AuditEvent, AuditSink};
use sanctuary_core::state::{StateError, StateStore};
use sanctuary_policy::{AgentVerdict, Decision, Gate, OperationClass, Policy, Tier};
use zeroize::Zeroizing;

use crate::common::{Harness, QUIET, codes, op, pay, policy, read};

/// Evaluates, settles allowed permits as executed, and returns the verdict and reason codes.
fn run(gate: &Gate, o: &sanctuary_policy::Operation) -> (AgentVerdict, Vec<&'static str>) {
    let d = gate.evaluate(o);
    let out = (d.verdict(), codes(d.reasons()));
    if let Decision::Allow(permit) = d {
        gate.settle(permit, true).unwrap();
    }
    out
}

fn approve(gate: &Gate, o: &sanctuary_policy::Operation) -> Vec<&'static str> {
    let Decision::NeedsApproval(p) = gate.evaluate(o) else {
        panic!("expected a request for {o:?}")
    };
    let reasons = codes(&p.request().reasons);
    let permit = gate.resolve(&p.request().approve("tester")).unwrap();
    gate.settle(permit, true).unwrap();
    reasons
}

fn sign_op() -> sanctuary_policy::Operation {
    op("identity.sign", OperationClass::Sign)
}

#[test]
fn signing_rate_limit_and_its_window() {
    let h = Harness::new();
    let tier2 = QUIET.replace("max_signs_per_minute = 1000", "max_signs_per_minute = 10");
    let gate = h.gate(&policy("tier3 = [\"identity.sign\"]", &tier2, ""));
    for i in 0..10 {
        assert_eq!(run(&gate, &sign_op()).0, AgentVerdict::Allowed, "sign {i}");
        if i % 3 == 0 {
            h.advance(5);
        }
    }
    let d = gate.evaluate(&sign_op());
    assert_eq!(
        (d.verdict(), d.tier()),
        (AgentVerdict::ApprovalRequired, Tier::Two)
    );
    assert!(matches!(
        d.reasons(),
        [sanctuary_policy::Reason::SigningRate {
            count: 11,
            limit: 10
        }]
    ));
    // Sixty seconds after the burst began, the window has room again.
    h.advance(46);
    assert_eq!(run(&gate, &sign_op()).0, AgentVerdict::Allowed);
}

#[test]
fn bulk_reads_per_namespace() {
    let h = Harness::new();
    let tier2 = QUIET.replace("bulk_read_threshold = 1000", "bulk_read_threshold = 20");
    let gate = h.gate(&policy("tier3 = [\"state.read\"]", &tier2, ""));
    for _ in 0..20 {
        assert_eq!(run(&gate, &read("notes")).0, AgentVerdict::Allowed);
    }
    assert_eq!(
        run(&gate, &read("notes")),
        (AgentVerdict::ApprovalRequired, vec!["bulk_reads"])
    );
    // Another namespace has its own count.
    assert_eq!(run(&gate, &read("mail")).0, AgentVerdict::Allowed);
    h.advance(61);
    assert_eq!(run(&gate, &read("notes")).0, AgentVerdict::Allowed);
}

#[test]
fn cold_start_then_spike_against_the_learned_rate() {
    let h = Harness::new();
    let tier2 = QUIET.replace(
        "cold_start_max_per_minute = 1000",
        "cold_start_max_per_minute = 10",
    ) + "baseline_min_events = 30\nfrequency_spike_multiplier = 5\n";
    let gate = h.gate(&policy("tier3 = [\"web.fetch\"]", &tier2, ""));
    let fetch = || op("web.fetch", OperationClass::Other);
    // Cold start: no baseline yet, so the absolute limit applies.
    for _ in 0..10 {
        assert_eq!(run(&gate, &fetch()).0, AgentVerdict::Allowed);
    }
    assert_eq!(
        run(&gate, &fetch()),
        (AgentVerdict::ApprovalRequired, vec!["cold_start_rate"])
    );
    // Learn a calm rhythm: 3 calls a minute for 12 minutes (the burst above counts too).
    for _ in 0..12 {
        h.advance(60);
        for _ in 0..3 {
            assert_eq!(run(&gate, &fetch()).0, AgentVerdict::Allowed);
        }
    }
    // Now 5 × the learned ~3/min is the limit, well above the cold-start 10.
    h.advance(60);
    let mut allowed = 0;
    let mut spike = None;
    for _ in 0..40 {
        let (verdict, reasons) = run(&gate, &fetch());
        if verdict == AgentVerdict::Allowed {
            allowed += 1;
        } else {
            spike = Some(reasons);
            break;
        }
    }
    assert_eq!(spike, Some(vec!["frequency_spike"]));
    // The learned rate is 3 + 7·0.8^12 ≈ 3.48/min (the first minute's burst of 10 decays),
    // so the 18th call in a minute is the first over 5×.
    assert_eq!(allowed, 17);
}

#[test]
fn first_time_counterparty_is_learned_only_once_approved() {
    let h = Harness::new();
    let tier2 = QUIET.replace(
        "new_counterparty = \"allow\"",
        "new_counterparty = \"approve\"",
    );
    let gate = h.gate(&policy("tier3 = [\"payment.send\"]", &tier2, ""));
    let d = gate.evaluate(&pay(5, "did:key:alice"));
    assert_eq!(codes(d.reasons()), ["new_counterparty"]);
    let Decision::NeedsApproval(p) = d else {
        panic!()
    };
    // A denied probe does not teach the baseline.
    assert!(gate.resolve(&p.request().deny("tester")).is_err());
    assert_eq!(
        run(&gate, &pay(5, "did:key:alice")).1,
        vec!["new_counterparty"]
    );
    gate.sweep_expired();
    assert_eq!(
        approve(&gate, &pay(5, "did:key:alice")),
        ["new_counterparty"]
    );
    assert_eq!(
        run(&gate, &pay(5, "did:key:alice")),
        (AgentVerdict::Allowed, vec![])
    );
    assert_eq!(
        run(&gate, &pay(5, "did:key:bob")).1,
        vec!["new_counterparty"]
    );
}

#[test]
fn new_namespace_and_first_session_persist_across_restarts() {
    let h = Harness::new();
    let tier2 = QUIET
        .replace("new_namespace = \"allow\"", "new_namespace = \"approve\"")
        .replace("first_session = \"allow\"", "first_session = \"log\"");
    let toml = policy("tier3 = [\"state.write\"]", &tier2, "");
    let write = |ns| {
        op("state.write", OperationClass::Write)
            .with_namespace(ns)
            .unwrap()
    };
    let gate = h.gate(&toml);
    // The request shows the principal the logged anomaly too.
    assert_eq!(
        approve(&gate, &write("notes")),
        ["new_namespace", "first_session"]
    );
    // First session: allowed but the anomaly is logged on the permit and in the audit.
    let Decision::Allow(permit) = gate.evaluate(&write("notes")) else {
        panic!()
    };
    assert_eq!(codes(permit.logged()), ["first_session"]);
    gate.settle(permit, true).unwrap();
    drop(gate);
    // A new session over the same store: not the first, and "notes" is known.
    let gate = h.gate(&toml);
    let Decision::Allow(permit) = gate.evaluate(&write("notes")) else {
        panic!()
    };
    assert!(permit.logged().is_empty());
    gate.settle(permit, true).unwrap();
    assert_eq!(run(&gate, &write("mail")).1, vec!["new_namespace"]);
}

#[test]
fn daily_cap_across_spends_and_its_release() {
    let h = Harness::new();
    let gate = h.gate(&policy(
        "tier3 = [\"payment.send\"]",
        QUIET,
        "[spending.daily]\nUSD = 100\n[spending.per_operation]\nUSD = 60\n",
    ));
    assert_eq!(run(&gate, &pay(30, "shop")).0, AgentVerdict::Allowed);
    h.advance(3600);
    assert_eq!(run(&gate, &pay(50, "shop")).0, AgentVerdict::Allowed);
    h.advance(3600);
    // 80 spent: 30 more passes 100.
    let d = gate.evaluate(&pay(30, "shop"));
    assert!(matches!(
        d.reasons(),
        [sanctuary_policy::Reason::DailyCap { spent, amount, cap, .. }]
            if *spent == sanctuary_policy::Amount::from_units(80)
                && *amount == sanctuary_policy::Amount::from_units(30)
                && *cap == sanctuary_policy::Amount::from_units(100)
    ));
    drop(d);
    // Exactly up to the cap is fine.
    assert_eq!(run(&gate, &pay(20, "shop")).0, AgentVerdict::Allowed);
    // Over the per-operation cap, whatever the day's total.
    assert!(run(&gate, &pay(61, "shop")).1.contains(&"operation_cap"));
    // A spend in a currency without a cap asks.
    let eur = sanctuary_policy::Operation::new(
        "payment.send",
        OperationClass::Spend,
        &serde_json::json!({}),
    )
    .unwrap()
    .with_spend(sanctuary_policy::Amount::from_units(1), "EUR")
    .unwrap();
    assert_eq!(run(&gate, &eur).1, vec!["no_cap_for_currency"]);
    // A restart does not reset the day.
    drop(gate);
    let gate = h.gate(&policy(
        "tier3 = [\"payment.send\"]",
        QUIET,
        "[spending.daily]\nUSD = 100\n",
    ));
    assert_eq!(run(&gate, &pay(1, "shop")).1, vec!["daily_cap"]);
    // 24 h after the first spend, its 30 leave the window (80 → 50+20 = 70 remain).
    h.advance(22 * 3600 + 1);
    assert_eq!(run(&gate, &pay(30, "shop")).0, AgentVerdict::Allowed);
    assert_eq!(run(&gate, &pay(1, "shop")).1, vec!["daily_cap"]);
    // After another hour the 50 leave too.
    h.advance(3600);
    assert_eq!(run(&gate, &pay(40, "shop")).0, AgentVerdict::Allowed);
}

#[test]
fn unexecuted_spends_and_denied_requests_do_not_count() {
    let h = Harness::new();
    let gate = h.gate(&policy("tier3 = [\"payment.send\"]", QUIET, ""));
    let Decision::Allow(permit) = gate.evaluate(&pay(90, "shop")) else {
        panic!()
    };
    // While the permit is outstanding, the 90 are reserved.
    assert_eq!(run(&gate, &pay(20, "shop")).1, vec!["daily_cap"]);
    gate.settle(permit, false).unwrap();
    // Released: the request above was never approved, so nothing counts.
    gate.sweep_expired();
    assert_eq!(run(&gate, &pay(100, "shop")).0, AgentVerdict::Allowed);
    let settled = h.events("policy.settle");
    assert_eq!(settled[0].detail["spend_released"], true);
    // One store key per spend; the released one is gone, so a restart counts only the 100.
    let spends: Vec<String> = StateStore::list(
        h.store.as_ref(),
        sanctuary_policy::baseline::DEFAULT_BASELINE_NAMESPACE,
    )
    .unwrap()
    .into_iter()
    .filter(|k| k.starts_with("spend/USD/"))
    .collect();
    assert_eq!(spends.len(), 1, "{spends:?}");
    drop(gate);
    let gate = h.gate(&policy("tier3 = [\"payment.send\"]", QUIET, ""));
    assert_eq!(run(&gate, &pay(1, "shop")).1, vec!["daily_cap"]);
    h.advance(24 * 3600);
    assert_eq!(run(&gate, &pay(100, "shop")).0, AgentVerdict::Allowed);
}

struct FailingStore {
    inner: sanctuary_core::state::MemoryStateStore,
    fail_puts: std::sync::atomic::AtomicBool,
}

impl StateStore for FailingStore {
    fn put(&self, ns: &str, key: &str, value: &[u8]) -> Result<(), StateError> {
        if self.fail_puts.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(StateError::Backend {
                reason: "disk full".into(),
            });
        }
        self.inner.put(ns, key, value)
    }
    fn get(&self, ns: &str, key: &str) -> Result<Option<Zeroizing<Vec<u8>>>, StateError> {
        self.inner.get(ns, key)
    }
    fn delete(&self, ns: &str, key: &str) -> Result<bool, StateError> {
        self.inner.delete(ns, key)
    }
    fn list(&self, ns: &str) -> Result<Vec<String>, StateError> {
        self.inner.list(ns)
    }
}

#[derive(Debug, Default)]
struct BrokenAudit;

impl AuditSink for BrokenAudit {
    fn record(&self, _: AuditEvent) -> Result<(), AuditError> {
        Err(AuditError::Locked)
    }
}

#[test]
fn store_and_audit_failures_deny() {
    let h = Harness::new();
    let store = Arc::new(FailingStore {
        inner: sanctuary_core::state::MemoryStateStore::new(),
        fail_puts: false.into(),
    });
    let toml = policy("tier3 = [\"payment.send\", \"state.read\"]", QUIET, "");
    let gate = Gate::builder(Policy::parse(&toml).unwrap())
        .clock(h.clock.clone())
        .store(store.clone())
        .audit(h.audit.clone())
        .channel(Arc::new(crate::common::approver(true)))
        .open()
        .unwrap();
    store
        .fail_puts
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let d = gate.evaluate(&pay(10, "shop"));
    assert_eq!(d.verdict(), AgentVerdict::Denied);
    assert_eq!(codes(d.reasons()), ["baseline_unavailable"]);
    store
        .fail_puts
        .store(false, std::sync::atomic::Ordering::SeqCst);
    // Nothing was reserved by the failed attempt.
    assert_eq!(run(&gate, &pay(100, "shop")).0, AgentVerdict::Allowed);

    let gate = Gate::builder(Policy::parse(&toml).unwrap())
        .clock(h.clock.clone())
        .store(Arc::new(sanctuary_core::state::MemoryStateStore::new()))
        .audit(Arc::new(BrokenAudit))
        .channel(Arc::new(crate::common::approver(true)))
        .open()
        .unwrap();
    let d = gate.evaluate(&read("notes"));
    assert_eq!(d.verdict(), AgentVerdict::Denied);
    assert_eq!(codes(d.reasons()), ["audit_unavailable"]);
    let d = gate.evaluate(&op("sign.raw", OperationClass::Sign));
    assert_eq!(d.verdict(), AgentVerdict::Denied);
    assert!(gate.pending().is_empty());
}
