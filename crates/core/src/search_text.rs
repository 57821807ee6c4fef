//! Korean-aware text normalisation for catalog search.
//!
//! Stored text and queries go through the same functions, so a match never depends on how a
//! seller typed a name (full-width letters from a Korean IME, capitals, doubled spaces).
//! [`grams`] / [`query_grams`] let a plain database index narrow a substring search
//! (`LIKE '%q%'` cannot use an index); the caller then rechecks the candidates with
//! [`like_pattern`]. [`chosung`] / [`is_chosung_query`] support the common Korean habit of
//! searching by initial consonants only ("ㅋㅍ" for "커피").

use std::collections::BTreeSet;

/// First precomposed Hangul syllable (가).
const SYLLABLE_FIRST: u32 = 0xAC00;
/// Last precomposed Hangul syllable (힣).
const SYLLABLE_LAST: u32 = 0xD7A3;
/// Syllables per initial consonant: 21 vowels × 28 finals.
const SYLLABLES_PER_INITIAL: u32 = 21 * 28;
/// Hangul Compatibility Jamo consonants, ㄱ..=ㅎ (including ㄲ, ㄳ, ...).
const COMPAT_CONSONANTS: std::ops::RangeInclusive<char> = '\u{3131}'..='\u{314E}';

/// The 19 initial consonants in syllable order, as compatibility jamo (what a keyboard types).
const CHOSUNG: [char; 19] = [
    'ㄱ', 'ㄲ', 'ㄴ', 'ㄷ', 'ㄸ', 'ㄹ', 'ㅁ', 'ㅂ', 'ㅃ', 'ㅅ', 'ㅆ', 'ㅇ', 'ㅈ', 'ㅉ', 'ㅊ', 'ㅋ',
    'ㅌ', 'ㅍ', 'ㅎ',
];

/// Canonical form of a text for searching: full-width ASCII and the ideographic space folded
/// to ASCII (Korean IMEs produce them), lower-cased, whitespace runs collapsed to one space,
/// trimmed. Hangul is left as is. Idempotent.
pub fn normalize(s: &str) -> String {
    let folded: String = s.chars().map(fold_width).collect();
    let lower = folded.to_lowercase();
    let mut out = String::with_capacity(lower.len());
    for word in lower.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// U+FF01..=U+FF5E → U+0021..=U+007E and U+3000 → ' '; every other char unchanged.
fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// The initial consonant (compatibility jamo) of a precomposed Hangul syllable.
fn initial_of(c: char) -> Option<char> {
    let code = c as u32;
    if !(SYLLABLE_FIRST..=SYLLABLE_LAST).contains(&code) {
        return None;
    }
    let index = (code - SYLLABLE_FIRST) / SYLLABLES_PER_INITIAL;
    CHOSUNG.get(index as usize).copied()
}

/// The initial-consonant form of a text, to match a chosung query by substring:
/// "유기농 커피 선물세트" → "ㅇㄱㄴㅋㅍㅅㅁㅅㅌ". Syllables become their initial consonant,
/// other alphanumerics (jamo, Latin, digits) are kept normalised, and whitespace and
/// punctuation are dropped so that "ㅋㅍㅅ" also finds "커피 세트".
pub fn chosung(s: &str) -> String {
    normalize(s)
        .chars()
        .filter_map(|c| match initial_of(c) {
            Some(initial) => Some(initial),
            None if c.is_alphanumeric() => Some(c),
            None => None,
        })
        .collect()
}

/// Whether a query is written only in initial consonants (ignoring whitespace), so the
/// caller should match it against [`chosung`] of the text instead of the text itself.
pub fn is_chosung_query(q: &str) -> bool {
    let mut consonants = q.chars().filter(|c| !c.is_whitespace()).peekable();
    consonants.peek().is_some() && consonants.all(|c| COMPAT_CONSONANTS.contains(&c))
}

/// The words of an already normalised text: maximal runs of alphanumeric chars (Hangul
/// syllables and jamo are alphanumeric). Grams never span a word boundary.
fn words(normalized: &str) -> impl Iterator<Item = Vec<char>> + '_ {
    normalized
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().collect())
}

/// Every distinct unigram and bigram of each word of the normalised text, sorted. Indexed
/// per product, these answer substring queries through [`query_grams`]; unigrams are kept
/// so that one-character queries (common in Korean: "쌀", "김") can use the index too.
pub fn grams(text: &str) -> Vec<String> {
    let mut out = BTreeSet::new();
    for word in words(&normalize(text)) {
        out.extend(word.iter().map(|c| c.to_string()));
        out.extend(word.windows(2).map(|pair| pair.iter().collect::<String>()));
    }
    out.into_iter().collect()
}

/// The grams every text containing `q` must have among its [`grams`]: the char of a
/// one-char word, the overlapping bigrams of a longer word. If the normalised text contains
/// the normalised query, each query word lies inside one text word, so the product has all
/// of these; the converse does not hold, hence the recheck with [`like_pattern`]. Empty
/// when `q` has no alphanumerics (no narrowing possible).
pub fn query_grams(q: &str) -> Vec<String> {
    let mut out = BTreeSet::new();
    for word in words(&normalize(q)) {
        if let [only] = word.as_slice() {
            out.insert(only.to_string());
        } else {
            out.extend(word.windows(2).map(|pair| pair.iter().collect::<String>()));
        }
    }
    out.into_iter().collect()
}

/// `s` with `\`, `%` and `_` escaped (by `\`), so that in a `LIKE ? ESCAPE '\'` pattern
/// user input cannot act as wildcards. Every pattern below is built from it.
fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A `LIKE ? ESCAPE '\'` pattern matching `s` literally anywhere (`str::contains`).
pub fn like_pattern(s: &str) -> String {
    format!("%{}%", like_escape(s))
}

/// A `LIKE ? ESCAPE '\'` pattern matching texts that start with `s` literally
/// (`str::starts_with`).
pub fn like_prefix_pattern(s: &str) -> String {
    format!("{}%", like_escape(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::sample::Index;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn normalize_folds_width_case_and_spaces() {
        assert_eq!(normalize("ＣＯＦＦＥＥ"), "coffee");
        assert_eq!(
            normalize("  유기농\u{3000}\u{3000}커피\t\n선물세트 "),
            "유기농 커피 선물세트"
        );
        assert_eq!(normalize("Ａ－１００！"), "a-100!");
        assert_eq!(normalize("배추김치 500G"), "배추김치 500g");
        assert_eq!(normalize(" \u{3000} "), "");
    }

    #[test]
    fn chosung_of_syllables() {
        assert_eq!(chosung("김치"), "ㄱㅊ");
        assert_eq!(chosung("배추김치"), "ㅂㅊㄱㅊ");
        assert_eq!(chosung("유기농 커피 선물세트"), "ㅇㄱㄴㅋㅍㅅㅁㅅㅌ");
        assert_eq!(chosung("가힣"), "ㄱㅎ");
        assert_eq!(chosung("까 따 빠 싸 짜"), "ㄲㄸㅃㅆㅉ");
    }

    #[test]
    fn chosung_keeps_jamo_and_other_alphanumerics() {
        assert_eq!(chosung("ㅋㅍ"), "ㅋㅍ");
        assert_eq!(chosung("ㄱ ㅁ"), "ㄱㅁ");
        assert_eq!(chosung("ＣＯＦＦＥＥ 커피, 1kg!"), "coffeeㅋㅍ1kg");
    }

    #[test]
    fn chosung_query_finds_text() {
        let text = chosung("유기농 커피 선물세트");
        assert!(is_chosung_query("ㅋㅍ"));
        assert!(text.contains(&chosung("ㅋㅍ")));
        assert!(text.contains(&chosung("ㅋㅍ ㅅㅁ")));
        assert!(!text.contains(&chosung("ㄱㅊ")));
    }

    #[test]
    fn chosung_query_detection() {
        assert!(is_chosung_query("ㄱㅁㅊ"));
        assert!(is_chosung_query("ㄱ ㅁ"));
        assert!(is_chosung_query(" ㄲㄳㅎ\u{3000}"));
        assert!(!is_chosung_query("김치"));
        assert!(!is_chosung_query("ㄱㅏ"));
        assert!(!is_chosung_query("ㄱa"));
        assert!(!is_chosung_query(""));
        assert!(!is_chosung_query("  "));
    }

    #[test]
    fn grams_are_per_word_unigrams_and_bigrams() {
        assert_eq!(grams("김치 Ｋ-1"), strings(&["1", "k", "김", "김치", "치"]));
        assert_eq!(grams("김김김"), strings(&["김", "김김"]));
        assert!(grams(" -- ").is_empty());
    }

    #[test]
    fn query_grams_use_bigrams_and_lone_chars() {
        assert_eq!(query_grams("배추김치"), strings(&["김치", "배추", "추김"]));
        assert_eq!(query_grams("쌀"), strings(&["쌀"]));
        assert_eq!(query_grams("김치 쌀"), strings(&["김치", "쌀"]));
        assert_eq!(
            query_grams("ＣＯＦＦＥＥ"),
            strings(&["co", "ee", "fe", "ff", "of"])
        );
        assert!(query_grams("%_ !").is_empty());
        assert!(query_grams("").is_empty());
    }

    #[test]
    fn query_grams_are_among_text_grams() {
        let text: BTreeSet<String> = grams("유기농 커피 선물세트").into_iter().collect();
        for q in ["커피", "피", "선물", "물세트", "기농 커", "커피 선물세트"] {
            for g in query_grams(q) {
                assert!(text.contains(&g), "{q}: {g}");
            }
        }
        assert!(!query_grams("김치").iter().all(|g| text.contains(g)));
    }

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_pattern("커피"), "%커피%");
        assert_eq!(like_pattern(r"100%_a\b"), r"%100\%\_a\\b%");
        assert_eq!(like_pattern(""), "%%");
    }

    #[test]
    fn like_prefix_pattern_escapes_wildcards_at_the_end_too() {
        assert_eq!(like_prefix_pattern("커피"), "커피%");
        assert_eq!(like_prefix_pattern("100%"), r"100\%%");
        assert_eq!(like_prefix_pattern("%%"), r"\%\%%");
        assert_eq!(like_prefix_pattern(r"a_\"), r"a\_\\%");
        assert_eq!(like_prefix_pattern(""), "%");
    }

    #[test]
    fn normalize_is_idempotent_for_every_char() {
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            let once = normalize(&c.to_string());
            assert_eq!(normalize(&once), once, "U+{:04X}", u32::from(c));
        }
    }

    /// Arbitrary Unicode, or text shaped like Korean product names.
    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[a-zA-Z0-9가-힣ㄱ-ㅣＡ-Ｚａ-ｚ０-９ 　\t\n.,_%()ΣσςİK-]{0,40}",
        ]
    }

    fn word_chars(s: &str) -> Vec<Vec<char>> {
        words(s).collect()
    }

    fn sub(chars: &[char], a: Index, b: Index) -> String {
        let (i, j) = (a.index(chars.len() + 1), b.index(chars.len() + 1));
        chars[i.min(j)..i.max(j)].iter().collect()
    }

    proptest! {
        #[test]
        fn word_substring_query_grams_are_indexed(
            s in text(), wi in any::<Index>(), a in any::<Index>(), b in any::<Index>()
        ) {
            let words = word_chars(&normalize(&s));
            if words.is_empty() {
                return Ok(());
            }
            let w = sub(&words[wi.index(words.len())], a, b);
            let indexed: BTreeSet<String> = grams(&s).into_iter().collect();
            for g in query_grams(&w) {
                prop_assert!(indexed.contains(&g), "{:?} in {:?}: {:?}", w, s, g);
            }
        }

        #[test]
        fn text_substring_query_grams_are_indexed(s in text(), a in any::<Index>(), b in any::<Index>()) {
            let chars: Vec<char> = normalize(&s).chars().collect();
            let q = sub(&chars, a, b);
            let indexed: BTreeSet<String> = grams(&s).into_iter().collect();
            for g in query_grams(&q) {
                prop_assert!(indexed.contains(&g), "{:?} in {:?}: {:?}", q, s, g);
            }
        }

        #[test]
        fn normalize_is_idempotent(s in text()) {
            let once = normalize(&s);
            prop_assert_eq!(normalize(&once), once);
        }

        #[test]
        fn chosung_has_no_whitespace(s in text()) {
            prop_assert!(!chosung(&s).chars().any(char::is_whitespace));
        }

        #[test]
        fn grams_and_query_grams_are_sorted_and_distinct(s in text()) {
            for v in [grams(&s), query_grams(&s)] {
                prop_assert!(v.windows(2).all(|p| p[0] < p[1]));
            }
        }

        #[test]
        fn like_pattern_has_no_bare_wildcards(s in text()) {
            let p = like_pattern(&s);
            let inner: Vec<char> = p.chars().skip(1).take(p.chars().count() - 2).collect();
            let mut escaped = false;
            for c in inner {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else {
                    prop_assert!(c != '%' && c != '_', "{:?}", p);
                }
            }
            prop_assert!(!escaped);
        }
    }
}
