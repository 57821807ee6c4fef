//! The text rules, one function each, for every string that comes in:
//! - `check_input`: what any string may contain at all (query, path, header, JSON): no NUL or
//!   other control characters except tab and line breaks, no bidi override/isolate characters.
//!   The edge applies it to every input before anything reaches a service or the database.
//! - `line`: a name or title (display names, enterprise, product and agency names, units):
//!   Unicode NFKC (composed, fullwidth folded to ASCII), trimmed, single line, no invisible
//!   format characters, so two names that look the same are the same string.
//! - `free`: a free-text field (descriptions, notes, reasons, addresses): NFC, trimmed; tab and
//!   line breaks allowed.

use crate::error::ParseError;
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// Bidirectional embedding, override and isolate controls (and the marks), which can make a
/// text display differently from what it is (U+202E "right-to-left override").
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Why `s` breaks the input rule, if it does.
pub fn check_input(s: &str) -> Result<(), ParseError> {
    for c in s.chars() {
        if c == '\0' {
            return Err(ParseError("must not contain NUL characters".into()));
        }
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
            return Err(ParseError("must not contain control characters".into()));
        }
        if is_bidi_control(c) {
            return Err(ParseError(
                "must not contain bidirectional control characters".into(),
            ));
        }
    }
    Ok(())
}

/// Invisible formatting (zero-width spaces and joiners, soft hyphens, bidi controls, tags) and
/// every control character.
fn is_invisible(c: char) -> bool {
    c.is_control() || c.general_category() == GeneralCategory::Format
}

fn check_length(s: &str, min: usize, max: usize) -> Result<(), ParseError> {
    let n = s.chars().count();
    if n < min {
        return Err(ParseError(if min == 1 {
            "must not be empty".into()
        } else {
            format!("must be at least {min} characters")
        }));
    }
    if n > max {
        return Err(ParseError(format!("must be at most {max} characters")));
    }
    Ok(())
}

/// A name or title: NFKC, trimmed, `min..=max` characters, one line, nothing invisible.
pub fn line(raw: &str, min: usize, max: usize) -> Result<String, ParseError> {
    check_input(raw)?;
    let s: String = raw.nfkc().collect();
    let s = s.trim();
    if s.chars().any(is_invisible) {
        return Err(ParseError(
            "must be one line without control or invisible formatting characters".into(),
        ));
    }
    check_length(s, min, max)?;
    Ok(s.to_owned())
}

/// A free text: NFC, trimmed, `min..=max` characters; tabs and line breaks allowed.
pub fn free(raw: &str, min: usize, max: usize) -> Result<String, ParseError> {
    check_input(raw)?;
    let s: String = raw.nfc().collect();
    let s = s.trim();
    check_length(s, min, max)?;
    Ok(s.to_owned())
}

/// NFKC and lower case: the form in which an identity (an e-mail address) is compared.
pub fn identity_fold(raw: &str) -> String {
    let folded: String = raw.trim().nfkc().collect::<String>().to_lowercase();
    // Lower-casing can denormalise (e.g. U+0130); normalise and lower-case once more.
    folded.nfkc().collect::<String>().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_rule_refuses_nul_controls_and_bidi() {
        assert!(check_input("유기농 커피\t\n\r").is_ok());
        for bad in ["a\0b", "\u{0007}", "x\u{202E}y", "\u{2066}", "\u{0085}"] {
            assert!(check_input(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn names_are_composed_and_width_folded() {
        let composed = line("Caf\u{00E9}", 1, 10);
        assert_eq!(line("Cafe\u{0301}", 1, 10), composed);
        assert_eq!(line("ＡＢＣ１", 1, 10).as_deref(), Ok("ABC1"));
        assert_eq!(line("  ㈜무한  ", 1, 10).as_deref(), Ok("(주)무한"));
        for bad in ["a\nb", "a\u{200B}b", "a\u{00AD}b", "x\u{202E}y", "", "   "] {
            assert!(line(bad, 1, 10).is_err(), "{bad:?}");
        }
        assert!(line("abcdefghijk", 1, 10).is_err());
    }

    #[test]
    fn free_text_keeps_line_breaks() {
        assert_eq!(free(" a\n\tb ", 0, 10).as_deref(), Ok("a\n\tb"));
        assert!(free("a\u{202E}", 0, 10).is_err());
        assert!(free("a\0", 0, 10).is_err());
        assert_eq!(free("", 0, 10).as_deref(), Ok(""));
    }

    #[test]
    fn identities_fold_case_width_and_composition() {
        assert_eq!(
            identity_fold("CAFE\u{0301}@X.KR"),
            identity_fold("caf\u{00E9}@x.kr")
        );
        assert_eq!(identity_fold("ｋｉｍ@x.kr"), "kim@x.kr");
    }
}
