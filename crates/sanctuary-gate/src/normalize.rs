//! stub
pub(crate) struct Skeleton<'a> {
    text: &'a str,
}
impl<'a> Skeleton<'a> {
    pub(crate) fn new(original: &'a str) -> Skeleton<'a> {
        Skeleton { text: original }
    }
    pub(crate) fn text(&self) -> &str {
        self.text
    }
    pub(crate) fn to_original(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        (start < end && end <= self.text.len()).then_some((start, end))
    }
}
