//! The value scanner: normalise a string, run the enabled detectors and the principal's
//! terms, merge overlapping findings, and map them back to the original string.

use crate::detect;
use crate::kind::{Kind, Span};
use crate::normalize::Skeleton;
use crate::policy::{Action, DetectorPolicy};
use crate::terms::PrincipalTerms;

/// A set of kinds, as a bit mask indexed by the enum's discriminant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct KindSet(u32);

impl KindSet {
    pub(crate) fn enabled_by(policy: &DetectorPolicy) -> KindSet {
        let mut bits = 0u32;
        for &k in Kind::ALL {
            if policy.action(k) != Action::Allow {
                bits |= 1 << (k as u32);
            }
        }
        KindSet(bits)
    }

    pub(crate) fn contains(self, kind: Kind) -> bool {
        self.0 & (1 << (kind as u32)) != 0
    }

    pub(crate) fn any_of(self, kinds: &[Kind]) -> bool {
        kinds.iter().any(|&k| self.contains(k))
    }

    pub(crate) fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// One finding, in the original string's byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) kind: Kind,
    /// The normalised text of the finding (what vault tags are computed over, so that
    /// variants of one value share a placeholder).
    pub(crate) normalised: String,
}

/// Finds the sensitive spans of `text`. Overlapping findings are merged into one span whose
/// kind is the one with the most protective action (ties: the longest finding), so no part
/// of any finding survives.
pub(crate) fn scan(
    text: &str,
    enabled: KindSet,
    policy: &DetectorPolicy,
    terms: &PrincipalTerms,
    spans: &mut Vec<Span>,
    out: &mut Vec<Found>,
) {
    out.clear();
    spans.clear();
    if enabled.is_empty() || text.is_empty() {
        return;
    }
    let skeleton = Skeleton::new(text);
    let skel = skeleton.text();
    for module in detect::MODULES {
        if enabled.any_of(module.kinds) {
            (module.find)(skel, spans);
        }
    }
    if enabled.contains(Kind::PrincipalTerm) && !terms.is_empty() {
        terms.find(skel, spans);
    }
    spans.retain(|s| enabled.contains(s.kind) && s.start < s.end && s.end <= skel.len());
    if spans.is_empty() {
        return;
    }
    spans.sort_unstable_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    let mut i = 0;
    while let Some(first) = spans.get(i).copied() {
        let mut cluster = first;
        let mut best = first;
        i += 1;
        while let Some(next) = spans.get(i).copied() {
            if next.start >= cluster.end {
                break;
            }
            cluster.end = cluster.end.max(next.end);
            let rank = |s: &Span| (policy.action(s.kind), s.end - s.start);
            if rank(&next) > rank(&best) {
                best = next;
            }
            i += 1;
        }
        // Fail closed: a span off a char boundary is widened to the enclosing chars, and a
        // span that cannot be mapped back covers the whole original string.
        while cluster.start > 0 && !skel.is_char_boundary(cluster.start) {
            cluster.start -= 1;
        }
        while cluster.end < skel.len() && !skel.is_char_boundary(cluster.end) {
            cluster.end += 1;
        }
        let normalised = skel.get(cluster.start..cluster.end).unwrap_or(skel);
        let mapped = if skeleton.is_identity() {
            Some((cluster.start, cluster.end))
        } else {
            skeleton.to_original(cluster.start, cluster.end)
        };
        let (start, end) = mapped.unwrap_or((0, text.len()));
        // Mapping back can widen a span (a removed zero-width character, a composed accent);
        // merge with the previous one if they now touch.
        if let Some(prev) = out.last_mut()
            && start < prev.end
        {
            prev.end = prev.end.max(end);
            if policy.action(best.kind) > policy.action(prev.kind) {
                prev.kind = best.kind;
            }
            prev.normalised.push_str(normalised);
            continue;
        }
        out.push(Found {
            start,
            end,
            kind: best.kind,
            normalised: normalised.to_owned(),
        });
    }
}
