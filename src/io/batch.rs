//! The batched result sink: results are handed over in batches and then dropped, so memory
//! stays flat whatever the number of calls.

/// Collects items and hands them over `size` at a time.
///
/// ```
/// use webpar::io::Batcher;
/// let mut batcher = Batcher::new(2);
/// assert_eq!(batcher.push(1), None);
/// assert_eq!(batcher.push(2), Some(vec![1, 2]));
/// assert_eq!(batcher.push(3), None);
/// assert_eq!(batcher.flush(), Some(vec![3]));
/// assert_eq!(batcher.flush(), None);
/// ```
#[derive(Debug)]
pub struct Batcher<T> {
    size: usize,
    items: Vec<T>,
}

impl<T> Batcher<T> {
    /// A batcher of batches of `size` (at least 1).
    pub fn new(size: usize) -> Self {
        let size = size.max(1);
        Batcher {
            size,
            items: Vec::with_capacity(size.min(1 << 16)),
        }
    }

    /// Adds an item; returns the batch it completes, if any.
    pub fn push(&mut self, item: T) -> Option<Vec<T>> {
        self.items.push(item);
        (self.items.len() >= self.size).then(|| self.take())
    }

    /// Hands over what is left, if anything.
    pub fn flush(&mut self) -> Option<Vec<T>> {
        (!self.items.is_empty()).then(|| self.take())
    }

    fn take(&mut self) -> Vec<T> {
        std::mem::replace(&mut self.items, Vec::with_capacity(self.size.min(1 << 16)))
    }
}
