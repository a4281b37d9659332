//! The gate: every operation in, one [`Decision`] out.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use sanctuary_core::audit::{AuditEvent, AuditLayer, AuditOutcome, AuditSink};
use sanctuary_core::health::{
    Degradation, DegradationCode, HealthContributor, Layer, LayerReport, LayerStatus, Severity,
};
use sanctuary_core::state::StateStore;
use sanctuary_core::time::SystemClock;
use sanctuary_core::{Clock, Timestamp};
use serde_json::{Value, json};

use crate::approval::{
    Answer, ApprovalError, ApprovalRequest, Denial, GRANT_OPERATION, GrantId, GrantSpec,
    MAX_GRANT_DURATION, Nonce, PendingApproval, Permit, PermitId, RequestId, StandingGrant,
};
use crate::baseline::{Baseline, DEFAULT_BASELINE_NAMESPACE};
use crate::channel::{AlwaysDeny, ApprovalChannel, TerminalChannel};
use crate::operation::{Operation, OperationClass};
use crate::policy::{ChannelKind, Policy, Tier2Action, valid_operation_name};
use crate::reason::{AgentVerdict, DecidedBy, Reason};
use crate::tiers::{StaticTier, Tier, is_forced_tier1, static_tier};

/// At most this many requests wait for the principal at once; more are denied.
pub const MAX_PENDING: usize = 256;

/// Reads without a namespace share this window.
const NO_NAMESPACE: &str = "(none)";

/// The gate's verdict on one operation.
#[derive(Debug)]
#[must_use]
pub enum Decision {
    /// Run it, then [`Gate::settle`] the permit.
    Allow(Permit),
    /// The principal must answer first ([`Gate::ask`] or [`Gate::resolve`]).
    NeedsApproval(PendingApproval),
    /// Do not run it.
    Deny(Denial),
}

impl Decision {
    /// The fixed-vocabulary verdict the agent may see.
    pub fn verdict(&self) -> AgentVerdict {
        match self {
            Decision::Allow(_) => AgentVerdict::Allowed,
            Decision::NeedsApproval(_) => AgentVerdict::ApprovalRequired,
            Decision::Deny(_) => AgentVerdict::Denied,
        }
    }

    /// The operation's tier.
    pub fn tier(&self) -> Tier {
        match self {
            Decision::Allow(p) => p.tier(),
            Decision::NeedsApproval(p) => p.request().tier,
            Decision::Deny(d) => d.tier(),
        }
    }

    /// The reasons (for the human and the audit log): why it asks or denies, or the anomalies
    /// logged on an allowed operation.
    pub fn reasons(&self) -> &[Reason] {
        match self {
            Decision::Allow(p) => p.logged(),
            Decision::NeedsApproval(p) => &p.request().reasons,
            Decision::Deny(d) => d.reasons(),
        }
    }
}

/// The gate could not be opened or an administrative call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GateError {
    /// No state store for the baseline.
    #[error("the gate needs a state store for its baseline")]
    MissingStore,
    /// No audit sink.
    #[error("the gate needs an audit sink")]
    MissingAudit,
    /// The policy names a channel that must be supplied.
    #[error("the policy's approval channel is {0:?}; supply one of that kind")]
    MissingChannel(ChannelKind),
    /// The channel supplied is not the kind the policy names.
    #[error("the policy names the {policy:?} channel but a {supplied:?} channel was supplied")]
    ChannelMismatch {
        /// What the policy says.
        policy: ChannelKind,
        /// What was supplied.
        supplied: ChannelKind,
    },
    /// The baseline namespace is not a valid store namespace.
    #[error("invalid baseline namespace")]
    Namespace,
    /// The baseline could not be read or written.
    #[error("behaviour baseline unavailable: {0}")]
    Baseline(String),
    /// The audit log refused an event.
    #[error("audit log unavailable: {0}")]
    Audit(String),
    /// A grant specification is out of bounds.
    #[error("standing grant refused: {0}")]
    Grant(&'static str),
    /// The permit is not a person's approval of this action.
    #[error("the permit is not the principal's approval of this action")]
    PermitMismatch,
    /// The new policy weakens the current one.
    #[error("the new policy weakens the current one: {}", list(.0))]
    Weakening(Vec<crate::policy::Weakening>),
}

fn list(items: &[crate::policy::Weakening]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// The operation name under which a policy reload is requested (forced tier 1).
pub const RELOAD_OPERATION: &str = "policy.reload";

/// Builds a [`Gate`].
pub struct GateBuilder {
    policy: Policy,
    clock: Arc<dyn Clock>,
    store: Option<Arc<dyn StateStore + Send + Sync>>,
    audit: Option<Arc<dyn AuditSink + Send + Sync>>,
    channel: Option<Arc<dyn ApprovalChannel>>,
    timeout: Option<Duration>,
    namespace: String,
}

impl std::fmt::Debug for GateBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GateBuilder")
            .field("channel", &self.channel)
            .field("timeout", &self.timeout)
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}

impl GateBuilder {
    /// The clock (default: the system clock).
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Where the baseline lives (required).
    #[must_use]
    pub fn store(mut self, store: Arc<dyn StateStore + Send + Sync>) -> Self {
        self.store = Some(store);
        self
    }

    /// Where decisions are recorded (required).
    #[must_use]
    pub fn audit(mut self, audit: Arc<dyn AuditSink + Send + Sync>) -> Self {
        self.audit = Some(audit);
        self
    }

    /// The approval channel; must be the kind the policy names. Without one, `terminal` and
    /// `deny` policies get [`TerminalChannel`] and [`AlwaysDeny`]; the others are an error.
    #[must_use]
    pub fn channel(mut self, channel: Arc<dyn ApprovalChannel>) -> Self {
        self.channel = Some(channel);
        self
    }

    /// A shorter approval timeout than the policy's (a longer one is ignored: the policy is
    /// the ceiling). For tests and for channels that know their human is faster.
    #[must_use]
    pub fn shorter_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The store namespace of the baseline (default `sanctuary-policy`).
    #[must_use]
    pub fn baseline_namespace(mut self, namespace: &str) -> Self {
        namespace.clone_into(&mut self.namespace);
        self
    }

    /// Opens the gate: loads the baseline (counting this session) and checks the channel.
    pub fn open(self) -> Result<Gate, GateError> {
        let store = self.store.ok_or(GateError::MissingStore)?;
        let audit = self.audit.ok_or(GateError::MissingAudit)?;
        let wanted = self.policy.approval.channel;
        let channel: Arc<dyn ApprovalChannel> = match (self.channel, wanted) {
            (Some(c), _) => c,
            (None, ChannelKind::Terminal) => Arc::new(TerminalChannel::new()),
            (None, ChannelKind::Deny) => Arc::new(AlwaysDeny),
            (None, kind) => return Err(GateError::MissingChannel(kind)),
        };
        if channel.kind() != wanted {
            return Err(GateError::ChannelMismatch {
                policy: wanted,
                supplied: channel.kind(),
            });
        }
        sanctuary_core::state::validate_namespace(&self.namespace)
            .map_err(|_| GateError::Namespace)?;
        let baseline =
            Baseline::open(store.as_ref(), &self.namespace).map_err(GateError::Baseline)?;
        let ceiling = Duration::from_secs(self.policy.approval.timeout_seconds);
        let timeout = self.timeout.map_or(ceiling, |t| t.min(ceiling));
        Ok(Gate {
            clock: self.clock,
            store,
            audit,
            channel,
            state: Mutex::new(State {
                policy: Arc::new(self.policy),
                timeout,
                baseline,
                pending: HashMap::new(),
                grants: BTreeMap::new(),
            }),
        })
    }
}

struct PendingEntry {
    operation: Operation,
    request: ApprovalRequest,
}

struct State {
    policy: Arc<Policy>,
    timeout: Duration,
    baseline: Baseline,
    pending: HashMap<RequestId, PendingEntry>,
    grants: BTreeMap<GrantId, StandingGrant>,
}

/// The principal's gate. Share it (`Arc<Gate>`) across threads; decisions are serialised, so
/// counts and caps stay exact under concurrency.
pub struct Gate {
    clock: Arc<dyn Clock>,
    store: Arc<dyn StateStore + Send + Sync>,
    audit: Arc<dyn AuditSink + Send + Sync>,
    channel: Arc<dyn ApprovalChannel>,
    state: Mutex<State>,
}

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gate")
            .field("channel", &self.channel.kind())
            .finish_non_exhaustive()
    }
}

/// What an audit event says about one operation.
struct Record<'a> {
    kind: &'static str,
    outcome: AuditOutcome,
    op: &'a Operation,
    tier: Tier,
    verdict: &'static str,
    reasons: &'a [Reason],
    decided_by: Option<&'a DecidedBy>,
    ids: Vec<(&'static str, String)>,
}

impl Gate {
    /// Starts building a gate around a frozen policy.
    pub fn builder(policy: Policy) -> GateBuilder {
        GateBuilder {
            policy,
            clock: Arc::new(SystemClock),
            store: None,
            audit: None,
            channel: None,
            timeout: None,
            namespace: DEFAULT_BASELINE_NAMESPACE.to_owned(),
        }
    }

    /// The policy in force (frozen; replaced only by [`Gate::reload`]).
    pub fn policy(&self) -> Arc<Policy> {
        Arc::clone(&self.lock().policy)
    }

    /// The effective approval timeout.
    pub fn timeout(&self) -> Duration {
        self.lock().timeout
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Judges one operation. Synchronous and total: every input gets a decision, and any
    /// failure (baseline store, audit log) is a denial. The verdict, tier and reasons depend
    /// only on the policy, the baseline, the grants, the operation and the clock.
    ///
    /// Order: the fixed tier-1 set, the policy's tier-1 list, the tier-2 checks, the tier-3
    /// list; anything else is tier 1.
    pub fn evaluate(&self, op: &Operation) -> Decision {
        let now = self.clock.now();
        let mut state = self.lock();
        let policy = Arc::clone(&state.policy);
        let statik = static_tier(&policy, op.name());
        let mut ask = Vec::new();
        let mut logged = Vec::new();
        match statik {
            StaticTier::Forced => ask.push(Reason::ForcedTier1),
            StaticTier::Listed1 => ask.push(Reason::ListedTier1),
            StaticTier::Unknown => ask.push(Reason::UnlistedOperation),
            StaticTier::Listed3 => {}
        }
        if op.spend_missing() {
            return Decision::Deny(self.deny(op, statik.tier(), vec![Reason::SpendWithoutAmount]));
        }
        tier2_checks(&policy, &mut state.baseline, op, now, &mut ask, &mut logged);
        let tier = match statik {
            StaticTier::Listed3 if ask.is_empty() => Tier::Three,
            StaticTier::Listed3 => Tier::Two,
            _ => Tier::One,
        };
        if ask.is_empty() {
            return match self.authorize(&mut state, op, tier, DecidedBy::Policy, logged, None, now)
            {
                Ok(permit) => Decision::Allow(permit),
                Err(denial) => Decision::Deny(denial),
            };
        }
        if statik != StaticTier::Forced
            && let Some(id) = state
                .grants
                .values()
                .find(|g| {
                    g.usable(now)
                        && g.spec.admits(op)
                        && ask.iter().all(|r| g.spec.covers_reason(r))
                })
                .map(|g| g.id)
        {
            logged.extend(ask);
            let by = DecidedBy::StandingGrant {
                grant: id.to_string(),
            };
            return match self.authorize(&mut state, op, tier, by, logged, None, now) {
                Ok(permit) => {
                    if let Some(g) = state.grants.get_mut(&id) {
                        g.uses = g.uses.saturating_add(1);
                    }
                    Decision::Allow(permit)
                }
                Err(denial) => Decision::Deny(denial),
            };
        }
        if policy.approval.channel == ChannelKind::Deny {
            ask.push(Reason::NoApprovalChannel);
            return Decision::Deny(self.deny(op, tier, ask));
        }
        ask.extend(logged);
        self.open_request(&mut state, op, tier, ask, now)
    }
}

/// The tier-2 checks: anomalies go to `ask` or `logged` by the policy's action for them.
fn tier2_checks(
    policy: &Policy,
    baseline: &mut Baseline,
    op: &Operation,
    now: Timestamp,
    ask: &mut Vec<Reason>,
    logged: &mut Vec<Reason>,
) {
    let t2 = &policy.tier2;
    let mut note = |reason: Reason, action: Tier2Action| match action {
        Tier2Action::Approve => ask.push(reason),
        Tier2Action::Log => logged.push(reason),
        Tier2Action::Allow => {}
    };
    if baseline.first_session() {
        note(Reason::FirstSession, t2.first_session);
    }
    if let Some(ns) = op.namespace().filter(|ns| !baseline.knows_namespace(ns)) {
        note(
            Reason::NewNamespace {
                namespace: ns.to_owned(),
            },
            t2.new_namespace,
        );
    }
    if let Some(cp) = op
        .counterparty()
        .filter(|cp| !baseline.knows_counterparty(cp))
    {
        note(
            Reason::NewCounterparty {
                counterparty: cp.to_owned(),
            },
            t2.new_counterparty,
        );
    }
    if op.class() == OperationClass::Sign {
        let count = baseline.record_sign(now);
        if count > t2.max_signs_per_minute {
            note(
                Reason::SigningRate {
                    count,
                    limit: t2.max_signs_per_minute,
                },
                Tier2Action::Approve,
            );
        }
    }
    if op.class() == OperationClass::Read {
        let ns = op.namespace().unwrap_or(NO_NAMESPACE);
        let count = baseline.record_read(ns, now);
        if count > t2.bulk_read_threshold {
            note(
                Reason::BulkReads {
                    namespace: ns.to_owned(),
                    count,
                    limit: t2.bulk_read_threshold,
                },
                Tier2Action::Approve,
            );
        }
    }
    let count = baseline.record_attempt(op.name(), now);
    match baseline.rate(op.name()) {
        Some(rate) if rate.learned_events >= u64::from(t2.baseline_min_events) => {
            let learned = rate.ewma.max(1.0);
            if f64::from(count) > t2.frequency_spike_multiplier * learned {
                note(
                    Reason::FrequencySpike {
                        count,
                        baseline: rate.ewma,
                        multiplier: t2.frequency_spike_multiplier,
                    },
                    Tier2Action::Approve,
                );
            }
        }
        _ => {
            if count > t2.cold_start_max_per_minute {
                note(
                    Reason::ColdStartRate {
                        count,
                        limit: t2.cold_start_max_per_minute,
                    },
                    Tier2Action::Approve,
                );
            }
        }
    }
    if let Some(spend) = op.spend() {
        let code = spend.currency.as_str();
        if let Some(cap) = policy.spending.per_operation.get(code)
            && spend.amount > *cap
        {
            note(
                Reason::OperationCap {
                    currency: spend.currency,
                    amount: spend.amount,
                    cap: *cap,
                },
                Tier2Action::Approve,
            );
        }
        match policy.spending.daily.get(code) {
            None => note(
                Reason::NoCapForCurrency {
                    currency: spend.currency,
                },
                Tier2Action::Approve,
            ),
            Some(cap) => {
                let spent = baseline.spent(spend.currency, now);
                let over = spent.checked_add(spend.amount).is_none_or(|t| t > *cap);
                if over {
                    note(
                        Reason::DailyCap {
                            currency: spend.currency,
                            spent,
                            amount: spend.amount,
                            cap: *cap,
                        },
                        Tier2Action::Approve,
                    );
                }
            }
        }
    }
}

impl Gate {
    /// Records the allowance (an evaluation, or the approval of `request`), teaches the
    /// baseline and issues the permit; any failure denies.
    #[expect(clippy::too_many_arguments, reason = "private; one call per path")]
    fn authorize(
        &self,
        state: &mut State,
        op: &Operation,
        tier: Tier,
        decided_by: DecidedBy,
        logged: Vec<Reason>,
        request: Option<RequestId>,
        now: Timestamp,
    ) -> Result<Permit, Denial> {
        let id = PermitId::random();
        let mut ids = vec![("permit_id", id.to_string())];
        let (kind, verdict) = match request {
            Some(request) => {
                ids.push(("request_id", request.to_string()));
                ("policy.approval", "approved")
            }
            None => ("policy.evaluate", "allowed"),
        };
        let recorded = self.record(&Record {
            kind,
            outcome: AuditOutcome::Allowed,
            op,
            tier,
            verdict,
            reasons: &logged,
            decided_by: Some(&decided_by),
            ids,
        });
        if let Err(detail) = recorded {
            return Err(self.deny(op, tier, vec![Reason::AuditUnavailable { detail }]));
        }
        if let Err(detail) = state
            .baseline
            .learn(self.store.as_ref(), op, &id.to_string(), now)
        {
            return Err(self.deny(op, tier, vec![Reason::BaselineUnavailable { detail }]));
        }
        Ok(Permit {
            id,
            operation_digest: op.digest(),
            operation_name: op.name().to_owned(),
            tier,
            decided_by,
            spend: op.spend(),
            logged,
        })
    }

    /// A denial, recorded (best effort: a failing audit log cannot turn a denial into
    /// anything else).
    fn deny(&self, op: &Operation, tier: Tier, reasons: Vec<Reason>) -> Denial {
        let _ = self.record(&Record {
            kind: "policy.evaluate",
            outcome: AuditOutcome::Denied,
            op,
            tier,
            verdict: "denied",
            reasons: &reasons,
            decided_by: None,
            ids: Vec::new(),
        });
        Denial {
            tier,
            reasons,
            decided_by: None,
        }
    }

    fn open_request(
        &self,
        state: &mut State,
        op: &Operation,
        tier: Tier,
        reasons: Vec<Reason>,
        now: Timestamp,
    ) -> Decision {
        if state.pending.len() >= MAX_PENDING {
            self.sweep_locked(state, now);
        }
        if state.pending.len() >= MAX_PENDING {
            let limit = u32::try_from(MAX_PENDING).unwrap_or(u32::MAX);
            let mut reasons = reasons;
            reasons.push(Reason::PendingLimit { limit });
            return Decision::Deny(self.deny(op, tier, reasons));
        }
        let Some(expires_at) = now.checked_add(state.timeout) else {
            let detail = "clock at the end of time".to_owned();
            return Decision::Deny(self.deny(
                op,
                tier,
                vec![Reason::BaselineUnavailable { detail }],
            ));
        };
        let request = ApprovalRequest {
            request_id: RequestId::random(),
            nonce: Nonce::random(),
            operation: op.to_json().clone(),
            operation_digest: op.digest(),
            arguments_preview: op.preview().clone(),
            tier,
            reasons,
            created_at: now,
            expires_at,
        };
        let recorded = self.record(&Record {
            kind: "policy.evaluate",
            outcome: AuditOutcome::Pending,
            op,
            tier,
            verdict: "approval_required",
            reasons: &request.reasons,
            decided_by: None,
            ids: vec![("request_id", request.request_id.to_string())],
        });
        if let Err(detail) = recorded {
            let mut reasons = request.reasons;
            reasons.push(Reason::AuditUnavailable { detail });
            return Decision::Deny(Denial {
                tier,
                reasons,
                decided_by: None,
            });
        }
        state.pending.insert(
            request.request_id,
            PendingEntry {
                operation: op.clone(),
                request: request.clone(),
            },
        );
        Decision::NeedsApproval(PendingApproval { request })
    }

    /// Asks the principal through the gate's channel and waits, at most until the request
    /// expires or the gate's timeout passes. A timeout, a channel failure or a "no" is a
    /// denial. Needs a Tokio runtime with timers.
    pub async fn ask(&self, pending: PendingApproval) -> Result<Permit, Denial> {
        let request = pending.request;
        let wait = request.remaining(self.clock.now()).min(self.timeout());
        let outcome = tokio::time::timeout(wait, self.channel.ask(&request)).await;
        let channel = self.channel.kind().as_str();
        match outcome {
            Ok(Ok(answer)) => {
                let by = if self.channel.status().human {
                    DecidedBy::Human {
                        channel: channel.to_owned(),
                        principal: answer.principal.clone(),
                    }
                } else {
                    DecidedBy::Automated {
                        channel: channel.to_owned(),
                        principal: answer.principal.clone(),
                    }
                };
                let answer = Answer {
                    request_id: request.request_id,
                    nonce: request.nonce,
                    operation_digest: request.operation_digest,
                    approve: answer.approve,
                    principal: answer.principal,
                };
                self.resolve_as(&answer, by.clone())
                    .map_err(|e| self.denial_after(&request, e, by))
            }
            Ok(Err(e)) => Err(self.abandon(
                &request,
                DecidedBy::ChannelFailure {
                    detail: e.to_string(),
                },
            )),
            Err(_elapsed) => Err(self.abandon(&request, DecidedBy::Timeout)),
        }
    }

    /// Applies an answer that arrived outside [`Gate::ask`] (a separate UI, a later session of
    /// the same process). It must name a pending request, echo its nonce and digest, and come
    /// before the expiry; it is used once.
    pub fn resolve(&self, answer: &Answer) -> Result<Permit, ApprovalError> {
        let by = DecidedBy::Human {
            channel: "resolve".into(),
            principal: answer.principal.clone(),
        };
        self.resolve_as(answer, by)
    }

    fn resolve_as(&self, answer: &Answer, by: DecidedBy) -> Result<Permit, ApprovalError> {
        let now = self.clock.now();
        let mut state = self.lock();
        let check = match state.pending.get(&answer.request_id) {
            None => Err(ApprovalError::UnknownRequest),
            Some(p) if p.request.nonce != answer.nonce => Err(ApprovalError::NonceMismatch),
            Some(p) if p.request.operation_digest != answer.operation_digest => {
                Err(ApprovalError::DigestMismatch)
            }
            Some(_) => Ok(()),
        };
        if let Err(e) = check {
            let _ = self.record_plain(
                "policy.answer_rejected",
                AuditOutcome::Failure,
                json!({
                    "request_id": answer.request_id.to_string(),
                    "operation_digest": answer.operation_digest.to_string(),
                    "error": e.to_string(),
                }),
            );
            return Err(e);
        }
        let Some(entry) = state.pending.remove(&answer.request_id) else {
            return Err(ApprovalError::UnknownRequest);
        };
        let op = &entry.operation;
        let tier = entry.request.tier;
        if now >= entry.request.expires_at {
            self.record_outcome(&entry, AuditOutcome::Denied, "expired", &DecidedBy::Timeout);
            return Err(ApprovalError::Expired);
        }
        if !answer.approve {
            self.record_outcome(&entry, AuditOutcome::Denied, "denied", &by);
            return Err(ApprovalError::Denied);
        }
        let reasons = entry.request.reasons.clone();
        let request = Some(entry.request.request_id);
        self.authorize(&mut state, op, tier, by, reasons, request, now)
            .map_err(|d| {
                ApprovalError::Unrecorded(
                    d.reasons()
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; "),
                )
            })
    }

    fn record_outcome(
        &self,
        entry: &PendingEntry,
        outcome: AuditOutcome,
        verdict: &'static str,
        by: &DecidedBy,
    ) {
        let _ = self.record(&Record {
            kind: "policy.approval",
            outcome,
            op: &entry.operation,
            tier: entry.request.tier,
            verdict,
            reasons: &entry.request.reasons,
            decided_by: Some(by),
            ids: vec![("request_id", entry.request.request_id.to_string())],
        });
    }

    /// Withdraws a pending request (timeout or channel failure) and records the denial.
    fn abandon(&self, request: &ApprovalRequest, by: DecidedBy) -> Denial {
        let entry = self.lock().pending.remove(&request.request_id);
        if let Some(entry) = &entry {
            self.record_outcome(entry, AuditOutcome::Denied, "denied", &by);
        }
        Denial {
            tier: request.tier,
            reasons: request.reasons.clone(),
            decided_by: Some(by),
        }
    }

    fn denial_after(
        &self,
        request: &ApprovalRequest,
        error: ApprovalError,
        by: DecidedBy,
    ) -> Denial {
        let mut reasons = request.reasons.clone();
        let by = match error {
            ApprovalError::Denied => by,
            ApprovalError::Expired => DecidedBy::Timeout,
            ApprovalError::Unrecorded(detail) => {
                reasons.push(Reason::AuditUnavailable {
                    detail: detail.clone(),
                });
                DecidedBy::ChannelFailure { detail }
            }
            other => DecidedBy::ChannelFailure {
                detail: other.to_string(),
            },
        };
        Denial {
            tier: request.tier,
            reasons,
            decided_by: Some(by),
        }
    }

    /// Denies every pending request whose expiry has passed; returns how many.
    pub fn sweep_expired(&self) -> usize {
        let now = self.clock.now();
        let mut state = self.lock();
        self.sweep_locked(&mut state, now)
    }

    fn sweep_locked(&self, state: &mut State, now: Timestamp) -> usize {
        let expired: Vec<RequestId> = state
            .pending
            .iter()
            .filter(|(_, p)| now >= p.request.expires_at)
            .map(|(id, _)| *id)
            .collect();
        for id in &expired {
            if let Some(entry) = state.pending.remove(id) {
                self.record_outcome(&entry, AuditOutcome::Denied, "expired", &DecidedBy::Timeout);
            }
        }
        expired.len()
    }

    /// Requests waiting for the principal.
    pub fn pending(&self) -> Vec<ApprovalRequest> {
        self.lock()
            .pending
            .values()
            .map(|p| p.request.clone())
            .collect()
    }

    /// Reports what happened to a permitted operation. Not executed → its spend no longer
    /// counts against the caps. A permit never settled keeps its spend counted (fail closed).
    pub fn settle(&self, permit: Permit, executed: bool) -> Result<(), GateError> {
        let mut released = false;
        if !executed && let Some(spend) = permit.spend {
            released = self
                .lock()
                .baseline
                .release(self.store.as_ref(), spend.currency, &permit.id.to_string())
                .map_err(GateError::Baseline)?;
        }
        self.record_plain(
            "policy.settle",
            if executed {
                AuditOutcome::Success
            } else {
                AuditOutcome::Failure
            },
            json!({
                "operation": permit.operation_name,
                "operation_digest": permit.operation_digest.to_string(),
                "permit_id": permit.id.to_string(),
                "executed": executed,
                "spend_released": released,
            }),
        )
        .map_err(GateError::Audit)
    }

    /// The operation under which a new policy is requested (`policy.reload`, forced tier 1):
    /// its arguments are the new policy, so the principal's approval covers exactly that file.
    pub fn reload_operation(&self, new: &Policy) -> Result<Operation, GateError> {
        let text = new
            .to_toml()
            .map_err(|_| GateError::Grant("policy does not serialise"))?;
        Operation::new(
            RELOAD_OPERATION,
            OperationClass::Other,
            &json!({ "policy": text }),
        )
        .map_err(|_| GateError::Grant("policy does not serialise"))
    }

    /// Replaces the policy with `new`, which must not weaken the current one in any field
    /// ([`Policy::check_reload`]) and must come with the principal's approval of exactly
    /// [`Gate::reload_operation`]`(&new)`. A refusal is audited and changes nothing. The
    /// approval timeout can only shrink.
    pub fn reload(&self, new: Policy, permit: Permit) -> Result<(), GateError> {
        let op = self.reload_operation(&new)?;
        if !permit.covers(&op) || !matches!(permit.decided_by, DecidedBy::Human { .. }) {
            return Err(GateError::PermitMismatch);
        }
        let mut state = self.lock();
        let weakenings = state.policy.check_reload(&new);
        if !weakenings.is_empty() {
            let _ = self.record_plain(
                "policy.reload",
                AuditOutcome::Denied,
                json!({
                    "weakenings": weakenings.iter().map(ToString::to_string).collect::<Vec<_>>(),
                    "permit_id": permit.id.to_string(),
                }),
            );
            return Err(GateError::Weakening(weakenings));
        }
        self.record_plain(
            "policy.reload",
            AuditOutcome::Success,
            json!({
                "operation_digest": op.digest().to_string(),
                "permit_id": permit.id.to_string(),
                "decided_by": permit.decided_by,
            }),
        )
        .map_err(GateError::Audit)?;
        let timeout = Duration::from_secs(new.approval.timeout_seconds);
        state.timeout = state.timeout.min(timeout);
        state.policy = Arc::new(new);
        Ok(())
    }

    /// The operation under which a standing grant for `spec` is requested. Evaluate it, have
    /// the principal approve it, then pass the permit to [`Gate::install_grant`].
    pub fn grant_operation(&self, spec: &GrantSpec) -> Result<Operation, GateError> {
        if !valid_operation_name(&spec.operation) {
            return Err(GateError::Grant("not an operation name"));
        }
        if is_forced_tier1(&spec.operation) || spec.operation == GRANT_OPERATION {
            return Err(GateError::Grant(
                "operations of the fixed tier-1 set always ask the principal",
            ));
        }
        if spec.duration_seconds == 0 || spec.duration_seconds > MAX_GRANT_DURATION.as_secs() {
            return Err(GateError::Grant("duration must be 1 s to 24 h"));
        }
        if spec.max_uses == Some(0) {
            return Err(GateError::Grant("max_uses must be at least 1"));
        }
        let args = serde_json::to_value(spec).map_err(|_| GateError::Grant("unserialisable"))?;
        Operation::new(GRANT_OPERATION, OperationClass::Other, &args)
            .map_err(|_| GateError::Grant("unserialisable"))
    }

    /// Installs a standing grant the principal approved: `permit` must be a human approval of
    /// exactly [`Gate::grant_operation`]`(&spec)`.
    pub fn install_grant(&self, permit: Permit, spec: GrantSpec) -> Result<GrantId, GateError> {
        let op = self.grant_operation(&spec)?;
        if !permit.covers(&op) || !matches!(permit.decided_by, DecidedBy::Human { .. }) {
            return Err(GateError::PermitMismatch);
        }
        let now = self.clock.now();
        let expires_at = now
            .checked_add(Duration::from_secs(spec.duration_seconds))
            .ok_or(GateError::Grant("expiry out of range"))?;
        let grant = StandingGrant {
            id: GrantId::random(),
            spec,
            granted_at: now,
            expires_at,
            uses: 0,
        };
        self.record_plain(
            "policy.grant",
            AuditOutcome::Success,
            json!({"grant": &grant, "permit_id": permit.id.to_string(), "decided_by": permit.decided_by}),
        )
        .map_err(GateError::Audit)?;
        let id = grant.id;
        self.lock().grants.insert(id, grant);
        Ok(id)
    }

    /// Revokes a standing grant at once; returns whether it existed.
    pub fn revoke_grant(&self, id: GrantId) -> bool {
        let removed = self.lock().grants.remove(&id);
        if let Some(grant) = &removed {
            let _ = self.record_plain(
                "policy.grant_revoke",
                AuditOutcome::Success,
                json!({"grant_id": id.to_string(), "uses": grant.uses}),
            );
        }
        removed.is_some()
    }

    /// The standing grants still usable now.
    pub fn grants(&self) -> Vec<StandingGrant> {
        let now = self.clock.now();
        self.lock()
            .grants
            .values()
            .filter(|g| g.usable(now))
            .cloned()
            .collect()
    }

    fn record(&self, r: &Record<'_>) -> Result<(), String> {
        let mut detail = json!({
            "operation": r.op.to_json(),
            "operation_digest": r.op.digest_text(),
            "tier": r.tier,
            "verdict": r.verdict,
            "reasons": r.reasons,
        });
        if let Value::Object(map) = &mut detail {
            if let Some(by) = r.decided_by {
                map.insert(
                    "decided_by".into(),
                    serde_json::to_value(by).unwrap_or(Value::Null),
                );
            }
            for (k, v) in &r.ids {
                map.insert((*k).into(), Value::from(v.as_str()));
            }
        }
        self.record_plain(r.kind, r.outcome, detail)
    }

    fn record_plain(
        &self,
        kind: &'static str,
        outcome: AuditOutcome,
        detail: Value,
    ) -> Result<(), String> {
        self.audit
            .record(AuditEvent::new(
                self.clock.now(),
                AuditLayer::Policy,
                kind,
                outcome,
                detail,
            ))
            .map_err(|e| e.to_string())
    }
}

/// The custom degradation code when no person can answer approvals.
pub const NO_HUMAN_CHANNEL: &str = "x-no-human-approval-channel";

impl HealthContributor for Gate {
    /// Reported under L2 (operational isolation), which the principal gate belongs to.
    fn layer_report(&self) -> LayerReport {
        let status = self.channel.status();
        let can_answer = status.human && status.live;
        let grants = self.grants().len();
        let mut report = LayerReport::new(
            Layer::L2,
            if can_answer {
                LayerStatus::Active
            } else {
                LayerStatus::Degraded
            },
        )
        .with_capability("approval_gate", Value::Bool(true))
        .with_capability(
            "approval_channel",
            Value::from(self.channel.kind().as_str()),
        )
        .with_capability("human_channel_live", Value::Bool(can_answer))
        .with_capability(
            "approval_timeout_seconds",
            Value::from(self.timeout().as_secs()),
        )
        .with_capability("standing_grants", Value::from(grants));
        if !can_answer && let Ok(code) = DegradationCode::custom(NO_HUMAN_CHANNEL) {
            report = report.with_degradation(Degradation {
                code,
                severity: Severity::Warning,
                description: format!(
                    "no person can answer approvals ({}); every tier-1 and escalated tier-2 \
                     operation is denied",
                    status.detail
                ),
                mitigation: "configure a terminal, webhook or callback channel a person answers"
                    .into(),
            });
        }
        report
    }
}
