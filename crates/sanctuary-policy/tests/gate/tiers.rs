#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers: a broken fixture should stop the test loudly"
)]

use std::sync::Arc;

use sanctuary_core::health::{HealthContributor, LayerStatus};
use sanctuary_policy::channel::TerminalChannel;
use sanctuary_policy::gate::NO_HUMAN_CHANNEL;
use sanctuary_policy::tiers::FORCED_TIER1;
use sanctuary_policy::{
    AgentVerdict, AlwaysDeny, Decision, Gate, GateError, OperationClass, Policy, Reason, Tier,
};

use crate::common::{Harness, QUIET, approver, codes, op, policy, read};

#[test]
fn forced_operations_ask_whatever_the_file_says() {
    let h = Harness::new();
    let listed: Vec<String> = FORCED_TIER1.iter().map(|o| format!("{o:?}")).collect();
    let toml = policy(&format!("tier3 = [{}]", listed.join(", ")), QUIET, "");
    let gate = h.gate(&toml);
    for name in FORCED_TIER1 {
        let d = gate.evaluate(&op(name, OperationClass::Other));
        assert_eq!(d.verdict(), AgentVerdict::ApprovalRequired, "{name}");
        assert_eq!(d.tier(), Tier::One);
        assert_eq!(codes(d.reasons()), ["forced_tier1"], "{name}");
    }
}

#[test]
fn unknown_listed_and_tier3_operations() {
    let h = Harness::new();
    let gate = h.gate(&policy(
        "tier1 = [\"payment.send\"]\ntier3 = [\"state.read\"]",
        QUIET,
        "",
    ));
    let d = gate.evaluate(&op("mystery.tool", OperationClass::Other));
    assert_eq!(
        (d.verdict(), d.tier()),
        (AgentVerdict::ApprovalRequired, Tier::One)
    );
    assert_eq!(codes(d.reasons()), ["unlisted_operation"]);
    let d = gate.evaluate(&op("payment.send", OperationClass::Other));
    assert_eq!(codes(d.reasons()), ["listed_tier1"]);
    let d = gate.evaluate(&read("notes"));
    assert_eq!(
        (d.verdict(), d.tier()),
        (AgentVerdict::Allowed, Tier::Three)
    );
    let Decision::Allow(permit) = d else {
        panic!("tier 3 is allowed")
    };
    assert!(permit.covers(&read("notes")));
    assert!(!permit.covers(&read("mail")));
    gate.settle(permit, true).unwrap();
    // Every evaluation is audited, with tier, verdict and digest.
    let events = h.events("policy.evaluate");
    assert_eq!(events.len(), 3);
    let last = &events[2].detail;
    assert_eq!(last["tier"], "tier3");
    assert_eq!(last["verdict"], "allowed");
    assert_eq!(last["decided_by"]["by"], "policy");
    assert_eq!(
        last["operation_digest"],
        read("notes").digest().to_string().as_str()
    );
    assert_eq!(events[0].detail["verdict"], "approval_required");
    assert_eq!(h.events("policy.settle").len(), 1);
}

#[test]
fn the_agent_sees_a_fixed_vocabulary() {
    let messages: Vec<&str> = [
        AgentVerdict::Allowed,
        AgentVerdict::ApprovalRequired,
        AgentVerdict::Denied,
    ]
    .iter()
    .map(|v| v.message())
    .collect();
    let h = Harness::new();
    let gate = h.gate(&policy("tier3 = [\"state.read\"]", QUIET, ""));
    for d in [
        gate.evaluate(&read("notes")),
        gate.evaluate(&op("sign.raw", OperationClass::Sign)),
    ] {
        let shown = d.verdict().message();
        assert!(messages.contains(&shown));
        assert!(!shown.contains("tier") && !shown.contains("sign"));
    }
}

#[test]
fn deny_channel_denies_and_spend_without_amount_is_refused() {
    let h = Harness::new();
    let toml = "version = 1\n[tiers]\ntier3 = [\"payment.send\"]\n[approval]\nchannel = \"deny\"\n";
    let gate = h.builder(toml).open().unwrap();
    let d = gate.evaluate(&op("identity.delete", OperationClass::Other));
    assert_eq!(d.verdict(), AgentVerdict::Denied);
    assert!(codes(d.reasons()).contains(&"no_approval_channel"));
    let d = gate.evaluate(&op("payment.send", OperationClass::Spend));
    assert_eq!(codes(d.reasons()), ["spend_without_amount"]);
    assert_eq!(d.verdict(), AgentVerdict::Denied);
    let denied = h.events("policy.evaluate");
    assert!(denied.iter().all(|e| e.detail["verdict"] == "denied"));
}

#[test]
fn the_policy_selects_the_channel() {
    let h = Harness::new();
    let open = |toml: &str, channel: Option<Arc<dyn sanctuary_policy::ApprovalChannel>>| {
        let mut b = h.builder(toml);
        if let Some(c) = channel {
            b = b.channel(c);
        }
        b.open().map(|_| ())
    };
    let callback = "version = 1\n[approval]\nchannel = \"callback\"\n";
    let webhook = "version = 1\n[approval]\nchannel = \"webhook\"\n";
    assert_eq!(
        open(callback, Some(Arc::new(AlwaysDeny))),
        Err(GateError::ChannelMismatch {
            policy: sanctuary_policy::policy::ChannelKind::Callback,
            supplied: sanctuary_policy::policy::ChannelKind::Deny,
        })
    );
    assert_eq!(
        open(webhook, None),
        Err(GateError::MissingChannel(
            sanctuary_policy::policy::ChannelKind::Webhook
        ))
    );
    assert!(open(callback, Some(Arc::new(approver(true)))).is_ok());
    let no_store = Gate::builder(Policy::default())
        .audit(h.audit.clone())
        .open();
    assert_eq!(no_store.err(), Some(GateError::MissingStore));
}

#[test]
fn health_shows_whether_a_person_can_answer() {
    let h = Harness::new();
    let toml = policy("", QUIET, "");
    let human = h.gate(&toml).layer_report();
    assert_eq!(human.status, LayerStatus::Active);
    assert!(human.degradations.is_empty());
    assert_eq!(human.capabilities["approval_channel"], "callback");
    let bot = h
        .gate_with(&toml, Arc::new(approver(true).automated()))
        .layer_report();
    assert_eq!(bot.status, LayerStatus::Degraded);
    assert_eq!(bot.degradations[0].code.as_str(), NO_HUMAN_CHANNEL);
    // A terminal channel without a terminal is not live.
    let gate = without_terminal(&h);
    let report = gate.layer_report();
    assert_eq!(report.status, LayerStatus::Degraded);
    assert_eq!(report.capabilities["human_channel_live"], false);
}

/// A gate whose policy names the terminal channel, on a machine without one.
fn without_terminal(h: &Harness) -> Gate {
    let tty = "version = 1\n[approval]\nchannel = \"terminal\"\n";
    h.builder(tty)
        .channel(Arc::new(TerminalChannel::with_device("/nonexistent/tty")))
        .open()
        .unwrap()
}

#[test]
fn no_terminal_means_deny() {
    let h = Harness::new();
    let gate = without_terminal(&h);
    let Decision::NeedsApproval(p) = gate.evaluate(&op("sign.raw", OperationClass::Sign)) else {
        panic!("forced tier 1 asks")
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let denial = rt.block_on(gate.ask(p)).unwrap_err();
    assert!(matches!(
        denial.decided_by(),
        Some(sanctuary_policy::DecidedBy::ChannelFailure { .. })
    ));
    assert!(gate.pending().is_empty());
    assert!(matches!(
        denial.reasons().first(),
        Some(Reason::ForcedTier1)
    ));
}

fn approved(gate: &Gate, o: &sanctuary_policy::Operation) -> sanctuary_policy::Permit {
    let Decision::NeedsApproval(p) = gate.evaluate(o) else {
        panic!("expected a request")
    };
    gate.resolve(&p.request().approve("principal")).unwrap()
}

#[test]
fn reloads_need_the_principal_and_never_weaken() {
    let h = Harness::new();
    let base = policy("tier3 = [\"state.read\", \"web.fetch\"]", QUIET, "");
    let gate = h.gate(&base);
    // Weaker: a tier-3 addition, a higher cap, a longer timeout.
    let weaker = Policy::parse(&format!(
        "{}\n",
        base.replace("\"web.fetch\"]", "\"web.fetch\", \"payment.send\"]")
            .replace(
                "[approval]",
                "[spending.daily]\nUSD = 500\n[approval]\ntimeout_seconds = 900"
            )
    ))
    .unwrap();
    let permit = approved(&gate, &gate.reload_operation(&weaker).unwrap());
    let Err(GateError::Weakening(list)) = gate.reload(weaker, permit) else {
        panic!("a weaker policy is refused")
    };
    let fields: Vec<&str> = list.iter().map(|w| w.field.as_str()).collect();
    assert!(fields.contains(&"tiers.tier3"), "{fields:?}");
    assert!(fields.contains(&"spending.daily.USD"), "{fields:?}");
    assert!(fields.contains(&"approval.timeout_seconds"), "{fields:?}");
    assert_eq!(
        gate.evaluate(&op("payment.send", OperationClass::Other))
            .tier(),
        Tier::One
    );
    // Stronger: web.fetch moves to tier 1. A permit for another file does not do.
    let stronger =
        Policy::parse(&base.replace(", \"web.fetch\"]", "]\ntier1 = [\"web.fetch\"]")).unwrap();
    let other = approved(&gate, &gate.reload_operation(&Policy::default()).unwrap());
    assert_eq!(
        gate.reload(stronger.clone(), other),
        Err(GateError::PermitMismatch)
    );
    assert_eq!(
        gate.evaluate(&op("web.fetch", OperationClass::Other))
            .verdict(),
        AgentVerdict::Allowed
    );
    let permit = approved(&gate, &gate.reload_operation(&stronger).unwrap());
    gate.reload(stronger, permit).unwrap();
    let d = gate.evaluate(&op("web.fetch", OperationClass::Other));
    assert_eq!(codes(d.reasons()), ["listed_tier1"]);
    let reloads = h.events("policy.reload");
    assert_eq!(reloads.len(), 2);
    // An automated answer is not the principal's: it cannot reload the policy.
    let bot = h.gate_with(&base, Arc::new(approver(true).automated()));
    let strict = Policy::parse(&base.replace(
        "tier3 = [\"state.read\", \"web.fetch\"]",
        "tier3 = [\"state.read\"]",
    ))
    .unwrap();
    let Decision::NeedsApproval(p) = bot.evaluate(&bot.reload_operation(&strict).unwrap()) else {
        panic!()
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let permit = rt.block_on(bot.ask(p)).unwrap();
    assert!(matches!(
        permit.decided_by(),
        sanctuary_policy::DecidedBy::Automated { .. }
    ));
    assert_eq!(bot.reload(strict, permit), Err(GateError::PermitMismatch));
}
