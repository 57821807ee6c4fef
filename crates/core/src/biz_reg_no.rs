//! 사업자등록번호: ten digits with a check digit.

use crate::values::ParseError;
use std::fmt;

/// A business registration number whose check digit holds; displayed as `123-45-67890`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BizRegNo([u8; 10]);

const WEIGHTS: [u32; 9] = [1, 3, 7, 1, 3, 7, 1, 3, 5];

/// The check digit for the first nine digits: S = Σ dᵢ·wᵢ + ⌊d9·5/10⌋, d10 = (10 − S mod 10) mod 10.
pub fn check_digit(first9: &[u8; 9]) -> u8 {
    let weighted: u32 = first9
        .iter()
        .zip(WEIGHTS)
        .map(|(&d, w)| u32::from(d) * w)
        .sum();
    let s = weighted + u32::from(first9[8]) * 5 / 10;
    ((10 - s % 10) % 10) as u8
}

impl BizRegNo {
    /// Accepts `1234567890` or `123-45-67890` (surrounding spaces ignored).
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let s = raw.trim();
        let bytes = s.as_bytes();
        let digits: Vec<u8> = match bytes.len() {
            10 => bytes.to_vec(),
            12 if bytes[3] == b'-' && bytes[6] == b'-' => bytes
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != 3 && *i != 6)
                .map(|(_, b)| *b)
                .collect(),
            _ => {
                return Err(ParseError(
                    "must be 10 digits, as 1234567890 or 123-45-67890".into(),
                ))
            }
        };
        if !digits.iter().all(u8::is_ascii_digit) {
            return Err(ParseError(
                "must be 10 digits, as 1234567890 or 123-45-67890".into(),
            ));
        }
        let mut d = [0u8; 10];
        for (slot, b) in d.iter_mut().zip(&digits) {
            *slot = b - b'0';
        }
        let mut first9 = [0u8; 9];
        first9.copy_from_slice(&d[..9]);
        if check_digit(&first9) != d[9] {
            return Err(ParseError("the check digit does not match".into()));
        }
        Ok(Self(d))
    }
}

impl fmt::Display for BizRegNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d: String = self.0.iter().map(|d| char::from(b'0' + d)).collect();
        write!(f, "{}-{}-{}", &d[..3], &d[3..5], &d[5..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_numbers() {
        // Real, published numbers (삼성전자, 네이버).
        for n in ["124-81-00998", "2208162517"] {
            assert!(BizRegNo::parse(n).is_ok(), "{n}");
        }
        assert_eq!(
            BizRegNo::parse("1248100998").unwrap().to_string(),
            "124-81-00998"
        );
        assert_eq!(
            BizRegNo::parse(" 220-81-62517 ").unwrap().to_string(),
            "220-81-62517"
        );
        for bad in [
            "124-81-00997",
            "12481009",
            "124-8100998",
            "12a8100998",
            "",
            "124-81-009980",
        ] {
            assert!(BizRegNo::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn every_valid_number_round_trips(first9 in proptest::array::uniform9(0u8..10)) {
            let check = check_digit(&first9);
            let raw: String = first9.iter().chain(std::iter::once(&check)).map(|d| char::from(b'0' + d)).collect();
            let parsed = BizRegNo::parse(&raw).unwrap();
            prop_assert_eq!(BizRegNo::parse(&parsed.to_string()).unwrap(), parsed);
        }

        #[test]
        fn any_single_changed_digit_is_refused(first9 in proptest::array::uniform9(0u8..10), pos in 0usize..10, delta in 1u8..10) {
            let check = check_digit(&first9);
            let mut d: Vec<u8> = first9.to_vec();
            d.push(check);
            d[pos] = (d[pos] + delta) % 10;
            let raw: String = d.iter().map(|d| char::from(b'0' + d)).collect();
            // Changing d9 also changes the ⌊d9·5/10⌋ term, yet the weights make every single-digit change detectable.
            prop_assert!(BizRegNo::parse(&raw).is_err(), "{} accepted", raw);
        }
    }
}
