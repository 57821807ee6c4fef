//! The co-op's commission and what it pays the enterprise.

/// `subtotal × bp / 10000`, rounded down to whole won (the co-op never rounds in its favour).
pub fn commission(subtotal_won: i64, commission_bp: i64) -> i64 {
    let exact = i128::from(subtotal_won) * i128::from(commission_bp) / 10_000;
    i64::try_from(exact).unwrap_or(i64::MAX)
}

/// What the co-op pays the enterprise when it settles a fulfillment.
pub fn settlement(subtotal_won: i64, commission_won: i64) -> i64 {
    subtotal_won - commission_won
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rounds_down() {
        assert_eq!(commission(10_000, 300), 300);
        assert_eq!(commission(9_999, 300), 299); // 299.97
        assert_eq!(commission(33, 300), 0); // 0.99
        assert_eq!(commission(0, 300), 0);
        assert_eq!(settlement(9_999, 299), 9_700);
    }

    proptest! {
        #[test]
        fn commission_is_the_floor_of_the_exact_share(subtotal in 0i64..=1_000_000_000_000, bp in 0i64..=10_000) {
            let c = commission(subtotal, bp);
            // c ≤ exact < c + 1, in integers: c·10000 ≤ s·bp < (c+1)·10000
            let exact = i128::from(subtotal) * i128::from(bp);
            prop_assert!(i128::from(c) * 10_000 <= exact);
            prop_assert!(exact < (i128::from(c) + 1) * 10_000);
            prop_assert_eq!(settlement(subtotal, c) + c, subtotal);
            prop_assert!(c <= subtotal);
        }
    }
}
