//! stub
use crate::kind::Span;
/// stub
#[derive(Debug, Clone, Default)]
pub struct PrincipalTerms;
impl PrincipalTerms {
    /// stub
    pub fn empty() -> Self {
        PrincipalTerms
    }
    /// stub
    pub fn len(&self) -> usize {
        0
    }
    /// stub
    pub fn is_empty(&self) -> bool {
        true
    }
    pub(crate) fn find(&self, _s: &str, _out: &mut Vec<Span>) {}
}
