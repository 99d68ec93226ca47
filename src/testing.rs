//! What the unit tests of several modules share.

/// A repeatable stream of pseudo-random numbers (xorshift64) for tests on
/// generated input: the same on every run from the same seed, so a failure
/// found once is found again.
pub(crate) struct Draw(u64);

impl Draw {
    /// `seed` must not be zero (xorshift would stay at zero).
    pub(crate) fn new(seed: u64) -> Self {
        Draw(seed)
    }

    /// The next number.
    pub(crate) fn number(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// The next number, below `n`.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.number() % n as u64) as usize
    }

    /// One of `items`.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}
