//! The behaviour baseline behind the tier-2 checks.
//!
//! Persisted through the core [`StateStore`] (encrypted when that is `sanctuary-store`), under
//! one namespace:
//!
//! | key | value |
//! |---|---|
//! | `meta` | `{"v":1,"sessions":N}`: sessions opened before this one |
//! | `ns/<namespace>` | a namespace the principal has allowed or approved |
//! | `cp/<hex SHA-256 of the counterparty>` | a counterparty allowed or approved |
//! | `rate/<operation>` | the operation's learned rate (see [`Rate`]) |
//! | `spend/<currency>/<ms>-<permit>` | one authorised spend (micro-units), kept 24 hours |
//!
//! Only authorised operations teach the baseline: a denied or unanswered probe never adds a
//! namespace or counterparty and never raises a learned rate. The one-minute windows of the
//! rate checks count *attempts* (stricter) and live in memory only.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use sanctuary_core::state::{StateError, StateStore};
use sanctuary_core::{Digest, Timestamp};
use serde::{Deserialize, Serialize};

use crate::operation::Currency;
use crate::policy::Amount;

/// The namespace the gate keeps its baseline in unless told otherwise.
pub const DEFAULT_BASELINE_NAMESPACE: &str = "sanctuary-policy";

/// Weight of the newest active minute in a learned rate.
pub const EWMA_ALPHA: f64 = 0.2;

/// How long a spend counts against the daily cap, in milliseconds (24 hours).
pub const SPEND_WINDOW_MS: i64 = 24 * 60 * 60 * 1000;

/// Idle windows are dropped once a map holds more than this many.
const MAX_IDLE_WINDOWS: usize = 1024;

/// Events in the rolling last 60 seconds, at one-second resolution, in fixed memory.
#[derive(Debug, Clone)]
pub(crate) struct MinuteWindow {
    buckets: [u32; 60],
    last_sec: i64,
}

impl MinuteWindow {
    pub(crate) fn new() -> Self {
        MinuteWindow {
            buckets: [0; 60],
            last_sec: i64::MIN,
        }
    }

    fn advance(&mut self, now_sec: i64) {
        if self.last_sec == i64::MIN || now_sec.saturating_sub(self.last_sec) >= 60 {
            self.buckets = [0; 60];
            self.last_sec = now_sec;
        } else if now_sec > self.last_sec {
            for sec in self.last_sec + 1..=now_sec {
                if let Some(b) = self.buckets.get_mut(slot(sec)) {
                    *b = 0;
                }
            }
            self.last_sec = now_sec;
        }
        // A clock that steps back counts into the newest second.
    }

    /// Records one event and returns the count in the last 60 s, this one included.
    pub(crate) fn record(&mut self, now: Timestamp) -> u32 {
        self.advance(now.unix_seconds());
        let at = self.last_sec;
        if let Some(b) = self.buckets.get_mut(slot(at)) {
            *b = b.saturating_add(1);
        }
        self.count()
    }

    fn count(&self) -> u32 {
        self.buckets.iter().fold(0u32, |a, b| a.saturating_add(*b))
    }

    fn idle_at(&self, now: Timestamp) -> bool {
        now.unix_seconds().saturating_sub(self.last_sec) >= 60
    }
}

fn slot(sec: i64) -> usize {
    // rem_euclid(60) is in 0..60.
    usize::try_from(sec.rem_euclid(60)).unwrap_or(0)
}

/// An operation's learned rate: an exponentially weighted mean of its per-minute count over
/// the minutes in which it ran ("how fast it goes when it is used"), so a tool used in short
/// bursts once a day is judged against its bursts, not against a near-zero daily average.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rate {
    /// The weighted mean per active minute.
    pub ewma: f64,
    /// Events folded into the mean.
    pub learned_events: u64,
    /// The minute (Unix seconds / 60) being counted.
    pub minute: i64,
    /// Authorised events in that minute so far (not yet folded).
    pub count: u32,
}

impl Rate {
    fn new() -> Self {
        Rate {
            ewma: 0.0,
            learned_events: 0,
            minute: i64::MIN,
            count: 0,
        }
    }

    /// Counts one authorised event; returns true when a finished minute was folded into the
    /// mean (the caller then persists the rate).
    fn learn(&mut self, now: Timestamp) -> bool {
        let minute = now.unix_seconds().div_euclid(60);
        let mut folded = false;
        if minute > self.minute {
            if self.count > 0 {
                let c = f64::from(self.count);
                self.ewma = if self.learned_events == 0 {
                    c
                } else {
                    EWMA_ALPHA * c + (1.0 - EWMA_ALPHA) * self.ewma
                };
                self.learned_events = self.learned_events.saturating_add(u64::from(self.count));
                folded = true;
            }
            self.minute = minute;
            self.count = 0;
        }
        self.count = self.count.saturating_add(1);
        folded
    }
}

/// One authorised spend, counted against the daily cap until 24 h after `at_ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SpendEntry {
    at_ms: i64,
    micros: u64,
    /// The permit that reserved it (released when the permit reports "not executed").
    permit: String,
}

impl SpendEntry {
    fn key(&self, currency: Currency) -> String {
        // Zero-padded so keys sort by time; times before 1970 do not occur in practice and
        // still parse.
        format!("spend/{currency}/{:020}-{}", self.at_ms, self.permit)
    }

    fn parse(rest: &str, value: &[u8]) -> Option<(Currency, SpendEntry)> {
        let (code, entry) = rest.split_once('/')?;
        let (at, permit) = entry.split_once('-')?;
        let micros = std::str::from_utf8(value).ok()?.parse().ok()?;
        Some((
            Currency::parse(code).ok()?,
            SpendEntry {
                at_ms: at.parse().ok()?,
                micros,
                permit: permit.to_owned(),
            },
        ))
    }
}

/// A currency's spends of the last 24 h in time order, with their running total: adding,
/// expiring and summing are O(1) per spend.
#[derive(Debug, Default)]
struct Ledger {
    entries: VecDeque<SpendEntry>,
    total: u64,
}

impl Ledger {
    /// Drops entries at or before `since`; returns them (their keys are deleted lazily).
    fn expire(&mut self, since: i64) -> Vec<SpendEntry> {
        let mut gone = Vec::new();
        while let Some(front) = self.entries.front() {
            if front.at_ms > since {
                break;
            }
            if let Some(e) = self.entries.pop_front() {
                self.total = self.total.saturating_sub(e.micros);
                gone.push(e);
            }
        }
        gone
    }

    /// The total of entries after `since` (entries a backward clock step left out of order
    /// still count: the error is on the cautious side).
    fn total_since(&self, since: i64) -> u64 {
        let stale = self
            .entries
            .iter()
            .take_while(|e| e.at_ms <= since)
            .fold(0u64, |a, e| a.saturating_add(e.micros));
        self.total.saturating_sub(stale)
    }
}

#[derive(Serialize, Deserialize)]
struct Meta {
    v: u32,
    sessions: u64,
}

/// The baseline: persisted parts mirrored in memory, plus the attempt windows.
pub(crate) struct Baseline {
    ns: String,
    first_session: bool,
    namespaces: HashSet<String>,
    counterparties: HashSet<Digest>,
    rates: HashMap<String, Rate>,
    spends: BTreeMap<Currency, Ledger>,
    signs: MinuteWindow,
    reads: HashMap<String, MinuteWindow>,
    attempts: HashMap<String, MinuteWindow>,
}

fn backend(e: &StateError) -> String {
    e.to_string()
}

fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8], key: &str) -> Result<T, String> {
    serde_json::from_slice(bytes).map_err(|e| format!("baseline entry {key:?} is corrupt: {e}"))
}

fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, String> {
    serde_json::to_vec(value).map_err(|e| e.to_string())
}

impl Baseline {
    /// Loads the baseline and counts this session (so the next one is not the first).
    pub(crate) fn open(store: &dyn StateStore, ns: &str) -> Result<Baseline, String> {
        let mut baseline = Baseline {
            ns: ns.to_owned(),
            first_session: true,
            namespaces: HashSet::new(),
            counterparties: HashSet::new(),
            rates: HashMap::new(),
            spends: BTreeMap::new(),
            signs: MinuteWindow::new(),
            reads: HashMap::new(),
            attempts: HashMap::new(),
        };
        let mut sessions = 0;
        let mut spends = Vec::new();
        for key in store.list(ns).map_err(|e| backend(&e))? {
            let value = store
                .get(ns, &key)
                .map_err(|e| backend(&e))?
                .ok_or_else(|| format!("baseline entry {key:?} vanished while loading"))?;
            if key == "meta" {
                let meta: Meta = decode(&value, &key)?;
                if meta.v != 1 {
                    return Err(format!("baseline version {} is not supported", meta.v));
                }
                sessions = meta.sessions;
            } else if let Some(name) = key.strip_prefix("ns/") {
                baseline.namespaces.insert(name.to_owned());
            } else if let Some(hex) = key.strip_prefix("cp/") {
                let digest: Digest = format!("sha256:{hex}")
                    .parse()
                    .map_err(|_| format!("baseline entry {key:?} is corrupt"))?;
                baseline.counterparties.insert(digest);
            } else if let Some(op) = key.strip_prefix("rate/") {
                baseline.rates.insert(op.to_owned(), decode(&value, &key)?);
            } else if let Some(rest) = key.strip_prefix("spend/") {
                let (currency, entry) = SpendEntry::parse(rest, &value)
                    .ok_or_else(|| format!("baseline entry {key:?} is corrupt"))?;
                spends.push((currency, entry));
            }
            // Other keys belong to later versions or other tools; they are left alone.
        }
        spends.sort_by_key(|(_, e)| e.at_ms);
        for (currency, entry) in spends {
            let ledger = baseline.spends.entry(currency).or_default();
            ledger.total = ledger.total.saturating_add(entry.micros);
            ledger.entries.push_back(entry);
        }
        baseline.first_session = sessions == 0;
        let meta = Meta {
            v: 1,
            sessions: sessions.saturating_add(1),
        };
        store
            .put(ns, "meta", &encode(&meta)?)
            .map_err(|e| backend(&e))?;
        Ok(baseline)
    }

    pub(crate) fn first_session(&self) -> bool {
        self.first_session
    }

    pub(crate) fn knows_namespace(&self, ns: &str) -> bool {
        self.namespaces.contains(ns)
    }

    pub(crate) fn knows_counterparty(&self, cp: &str) -> bool {
        self.counterparties.contains(&Digest::sha256(cp.as_bytes()))
    }

    pub(crate) fn record_sign(&mut self, now: Timestamp) -> u32 {
        self.signs.record(now)
    }

    pub(crate) fn record_read(&mut self, ns: &str, now: Timestamp) -> u32 {
        record_keyed(&mut self.reads, ns, now)
    }

    pub(crate) fn record_attempt(&mut self, op: &str, now: Timestamp) -> u32 {
        record_keyed(&mut self.attempts, op, now)
    }

    pub(crate) fn rate(&self, op: &str) -> Option<&Rate> {
        self.rates.get(op)
    }

    /// Authorised spends (and reservations) in `currency` over the 24 h before `now`.
    pub(crate) fn spent(&self, currency: Currency, now: Timestamp) -> Amount {
        let since = now.unix_millis().saturating_sub(SPEND_WINDOW_MS);
        let micros = self
            .spends
            .get(&currency)
            .map_or(0, |ledger| ledger.total_since(since));
        Amount::from_micros(micros)
    }

    /// Teaches the baseline an authorised operation. Each persisted change is written before
    /// its in-memory copy changes; a store failure part-way leaves the earlier changes (the
    /// spend first), which errs on the cautious side (more counted, never less).
    pub(crate) fn learn(
        &mut self,
        store: &dyn StateStore,
        op: &crate::operation::Operation,
        permit: &str,
        now: Timestamp,
    ) -> Result<(), String> {
        if let Some(spend) = op.spend().filter(|s| s.amount.micros() > 0) {
            let entry = SpendEntry {
                at_ms: now.unix_millis(),
                micros: spend.amount.micros(),
                permit: permit.to_owned(),
            };
            store
                .put(
                    &self.ns,
                    &entry.key(spend.currency),
                    spend.amount.micros().to_string().as_bytes(),
                )
                .map_err(|e| backend(&e))?;
            let ledger = self.spends.entry(spend.currency).or_default();
            let since = now.unix_millis().saturating_sub(SPEND_WINDOW_MS);
            for gone in ledger.expire(since) {
                // Best effort: a key left behind is out of the window when loaded again.
                let _ = store.delete(&self.ns, &gone.key(spend.currency));
            }
            ledger.total = ledger.total.saturating_add(entry.micros);
            ledger.entries.push_back(entry);
        }
        if let Some(ns) = op.namespace().filter(|ns| !self.namespaces.contains(*ns)) {
            store
                .put(&self.ns, &format!("ns/{ns}"), b"1")
                .map_err(|e| backend(&e))?;
            self.namespaces.insert(ns.to_owned());
        }
        if let Some(cp) = op.counterparty() {
            let digest = Digest::sha256(cp.as_bytes());
            if !self.counterparties.contains(&digest) {
                store
                    .put(&self.ns, &format!("cp/{}", digest.to_hex()), b"1")
                    .map_err(|e| backend(&e))?;
                self.counterparties.insert(digest);
            }
        }
        let rate = match self.rates.get_mut(op.name()) {
            Some(rate) => rate,
            None => self
                .rates
                .entry(op.name().to_owned())
                .or_insert_with(Rate::new),
        };
        let mut next = *rate;
        if next.learn(now) {
            store
                .put(&self.ns, &format!("rate/{}", op.name()), &encode(&next)?)
                .map_err(|e| backend(&e))?;
        }
        *rate = next;
        Ok(())
    }

    /// Removes the spend a permit reserved (the operation was not executed).
    pub(crate) fn release(
        &mut self,
        store: &dyn StateStore,
        currency: Currency,
        permit: &str,
    ) -> Result<bool, String> {
        let Some(ledger) = self.spends.get_mut(&currency) else {
            return Ok(false);
        };
        let Some(index) = ledger.entries.iter().position(|e| e.permit == permit) else {
            return Ok(false);
        };
        if let Some(entry) = ledger.entries.get(index) {
            store
                .delete(&self.ns, &entry.key(currency))
                .map_err(|e| backend(&e))?;
        }
        if let Some(entry) = ledger.entries.remove(index) {
            ledger.total = ledger.total.saturating_sub(entry.micros);
        }
        Ok(true)
    }
}

fn record_keyed(map: &mut HashMap<String, MinuteWindow>, key: &str, now: Timestamp) -> u32 {
    if map.len() > MAX_IDLE_WINDOWS && !map.contains_key(key) {
        map.retain(|_, w| !w.idle_at(now));
    }
    if let Some(w) = map.get_mut(key) {
        return w.record(now);
    }
    let mut w = MinuteWindow::new();
    let count = w.record(now);
    map.insert(key.to_owned(), w);
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_unix_seconds(secs).unwrap()
    }

    #[test]
    fn window_counts_the_last_sixty_seconds() {
        let mut w = MinuteWindow::new();
        assert_eq!(w.record(at(1000)), 1);
        assert_eq!(w.record(at(1000)), 2);
        assert_eq!(w.record(at(1030)), 3);
        assert_eq!(w.record(at(1059)), 4);
        // 1000 falls out at 1060.
        assert_eq!(w.record(at(1060)), 3);
        assert_eq!(w.record(at(1089)), 4);
        // 1030 falls out at 1090.
        assert_eq!(w.record(at(1090)), 4);
        // A long gap clears everything; a clock stepping back counts into the newest second.
        assert_eq!(w.record(at(5000)), 1);
        assert_eq!(w.record(at(4000)), 2);
    }

    #[test]
    fn rate_folds_active_minutes_only() {
        let mut r = Rate::new();
        for _ in 0..4 {
            assert!(!r.learn(at(600)));
        }
        // Idle minutes between bursts do not drag the mean down.
        assert!(r.learn(at(6000)));
        assert_eq!((r.ewma, r.learned_events), (4.0, 4));
        for _ in 0..9 {
            r.learn(at(6001));
        }
        assert!(r.learn(at(6060)));
        assert!((r.ewma - (0.2 * 10.0 + 0.8 * 4.0)).abs() < 1e-12);
        assert_eq!(r.learned_events, 14);
    }
}
