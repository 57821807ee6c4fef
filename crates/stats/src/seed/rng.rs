//! The generators' one source of randomness: ChaCha8 from a `u64` seed, identical on every
//! platform, with the few draws the generators need.

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub struct Rng(ChaCha8Rng);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(ChaCha8Rng::seed_from_u64(seed))
    }

    /// A uniform integer in `lo..=hi` (`lo` when `hi < lo`).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = (hi - lo) as u64 + 1;
        lo + (self.0.next_u64() % span) as i64
    }

    /// An index below `n` (0 when `n` is 0).
    pub fn index(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.0.next_u64() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// True with probability `per_mille / 1000`.
    pub fn chance(&mut self, per_mille: u32) -> bool {
        self.0.next_u64() % 1000 < u64::from(per_mille)
    }

    /// An index drawn in proportion to `weights` (all zero: 0).
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|w| u64::from(*w)).sum();
        if total == 0 {
            return 0;
        }
        let mut x = self.0.next_u64() % total;
        for (i, w) in weights.iter().enumerate() {
            let w = u64::from(*w);
            if x < w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }

    /// A skewed amount in `lo..=hi`: the product of two uniform draws, so small amounts are
    /// common and large ones rare, as purchase sizes are.
    pub fn skewed(&mut self, lo: i64, hi: i64) -> i64 {
        let a = self.0.next_u64() % 10_000;
        let b = self.0.next_u64() % 10_000;
        let span = (hi - lo).max(0) as u128;
        lo + (span * u128::from(a) * u128::from(b) / 100_000_000) as i64
    }
}
