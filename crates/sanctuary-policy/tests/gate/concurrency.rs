use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use sanctuary_policy::{Decision, OperationClass};

use crate::common::{Harness, QUIET, op, pay, policy};

#[test]
fn eight_threads_share_exact_counts_and_caps() {
    let h = Harness::new();
    let tier2 = QUIET.replace("max_signs_per_minute = 1000", "max_signs_per_minute = 40");
    let gate = Arc::new(h.gate(&policy(
        "tier3 = [\"payment.send\", \"identity.sign\"]",
        &tier2,
        "[spending.daily]\nUSD = 100\n",
    )));
    let paid = AtomicU32::new(0);
    let signed = AtomicU32::new(0);
    let asked = AtomicU32::new(0);
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| {
                for _ in 0..25 {
                    match gate.evaluate(&pay(1, "shop")) {
                        Decision::Allow(p) => {
                            paid.fetch_add(1, Ordering::SeqCst);
                            gate.settle(p, true).unwrap();
                        }
                        Decision::NeedsApproval(p) => {
                            asked.fetch_add(1, Ordering::SeqCst);
                            let denied = gate.resolve(&p.request().deny("principal"));
                            assert!(denied.is_err());
                        }
                        Decision::Deny(d) => panic!("{d:?}"),
                    }
                    match gate.evaluate(&op("identity.sign", OperationClass::Sign)) {
                        Decision::Allow(p) => {
                            signed.fetch_add(1, Ordering::SeqCst);
                            gate.settle(p, true).unwrap();
                        }
                        Decision::NeedsApproval(p) => {
                            assert!(gate.resolve(&p.request().deny("principal")).is_err());
                        }
                        Decision::Deny(d) => panic!("{d:?}"),
                    }
                }
            });
        }
    });
    // 200 one-dollar spends against a 100-dollar cap; 200 signatures against 40 a minute.
    assert_eq!(paid.load(Ordering::SeqCst), 100);
    assert_eq!(asked.load(Ordering::SeqCst), 100);
    assert_eq!(signed.load(Ordering::SeqCst), 40);
    assert_eq!(h.events("policy.evaluate").len(), 400);
    assert_eq!(h.events("policy.approval").len(), 260);
    assert_eq!(h.events("policy.settle").len(), 140);
    assert!(gate.pending().is_empty());
}
