//! `Content-Disposition: attachment` with a Korean file name (RFC 6266 §4.3): `filename*`
//! carries it UTF-8 and percent-encoded (RFC 5987 / RFC 8187), `filename` an ASCII fallback.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// RFC 5987 `attr-char`: letters, digits and `!#$&+-.^_`|~` go unencoded.
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

pub fn attachment(name: &str, ascii_fallback: &str) -> String {
    format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        quotable(ascii_fallback),
        utf8_percent_encode(name, ATTR_CHAR)
    )
}

/// The fallback as a safe quoted-string: printable ASCII without `"`, `\` or `%`.
fn quotable(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_graphic() && !matches!(c, '"' | '\\' | '%') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_names_are_percent_encoded_with_an_ascii_fallback() {
        assert_eq!(
            attachment("매출_월별_2019.csv", "sales_month_2019.csv"),
            "attachment; filename=\"sales_month_2019.csv\"; \
             filename*=UTF-8''%EB%A7%A4%EC%B6%9C_%EC%9B%94%EB%B3%84_2019.csv"
        );
    }

    #[test]
    fn the_fallback_cannot_break_out_of_its_quotes() {
        let header = attachment("a\"b.csv", "a\"b\\c%d\r\n.csv");
        assert_eq!(
            header,
            "attachment; filename=\"a_b_c_d__.csv\"; filename*=UTF-8''a%22b.csv"
        );
    }
}
