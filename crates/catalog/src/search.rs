//! Korean-aware text matching shared by the catalog and the enterprise directory.
//!
//! A query is either ordinary text (matched as a substring of the normalised text, so one or
//! two syllables find the words containing them) or initial consonants only (초성, matched
//! against the initials of the name). On PostgreSQL the match first goes through a GIN index
//! over the character n-grams of each row, then the LIKE rechecks; SQLite runs the same LIKE
//! and gives the same results.

use diesel::dsl::sql;
use diesel::expression::BoxableExpression;
use diesel::sql_types::{BigInt, Bool, Text};
use diesel::BoolExpressionMethods;
use muhan_core::search_text::{chosung, is_chosung_query, like_pattern, normalize, query_grams};
use muhan_db::{Backend, DbConn};

pub type Db = <DbConn as diesel::Connection>::Backend;
pub type BoxedBool<QS> = Box<dyn BoxableExpression<QS, Db, SqlType = Bool>>;
pub type BoxedRank<QS> = Box<dyn BoxableExpression<QS, Db, SqlType = BigInt>>;

/// A parsed `q`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextQuery {
    /// Normalised text (width-folded, lower-case).
    Text(String),
    /// Initial consonants, without spaces.
    Chosung(String),
}

impl TextQuery {
    /// `None` for a blank query (no filtering).
    pub fn parse(raw: &str) -> Option<Self> {
        if is_chosung_query(raw) {
            return Some(Self::Chosung(raw.split_whitespace().collect()));
        }
        let text = normalize(raw);
        (!text.is_empty()).then_some(Self::Text(text))
    }

    fn needle(&self) -> &str {
        match self {
            Self::Text(t) | Self::Chosung(t) => t,
        }
    }

    /// The relevance a name gets: 4 exact, 3 prefix, 2 contains, 1 other match (description,
    /// enterprise name). Mirrors `rank` exactly, for cursors.
    pub fn rank_of(&self, name: &str) -> i64 {
        let key = match self {
            Self::Text(_) => normalize(name),
            Self::Chosung(_) => chosung(name),
        };
        let needle = self.needle();
        if key == needle {
            4
        } else if key.starts_with(needle) {
            3
        } else if key.contains(needle) {
            2
        } else {
            1
        }
    }
}

/// Column names (qualified) the matching works on.
pub struct Columns {
    /// Normalised name.
    pub name: &'static str,
    /// Initials of the name.
    pub chosung: &'static str,
    /// Normalised text searched by ordinary queries (name and more).
    pub text: &'static str,
    /// Space-separated n-grams (PostgreSQL index).
    pub grams: &'static str,
    pub id: &'static str,
}

/// Rows matching `q`.
pub fn matches<QS: 'static>(cols: &Columns, q: &TextQuery, backend: Backend) -> BoxedBool<QS> {
    let column = match q {
        TextQuery::Text(_) => cols.text,
        TextQuery::Chosung(_) => cols.chosung,
    };
    let like = sql::<Bool>(&format!("({column} LIKE "))
        .bind::<Text, _>(like_pattern(q.needle()))
        .sql(" ESCAPE '\\')");
    let grams = query_grams(q.needle());
    if backend == Backend::Postgres && !grams.is_empty() {
        Box::new(
            like.sql(&format!(
                " AND to_tsvector('simple', {}) @@ plainto_tsquery('simple', ",
                cols.grams
            ))
            .bind::<Text, _>(grams.join(" "))
            .sql(")"),
        )
    } else {
        Box::new(like)
    }
}

fn rank_sql(cols: &Columns, q: &TextQuery) -> (String, [String; 3]) {
    let column = match q {
        TextQuery::Text(_) => cols.name,
        TextQuery::Chosung(_) => cols.chosung,
    };
    let needle = q.needle();
    let prefix = format!(
        "{}%",
        like_pattern(needle)
            .trim_start_matches('%')
            .trim_end_matches('%')
    );
    (
        format!(
            "(CASE WHEN {column} = $1 THEN 4 WHEN {column} LIKE $2 ESCAPE '\\' THEN 3 \
             WHEN {column} LIKE $3 ESCAPE '\\' THEN 2 ELSE 1 END)"
        ),
        [needle.to_owned(), prefix, like_pattern(needle)],
    )
}

/// Splits a rank template at its `$1`, `$2`, `$3` placeholders.
fn split3(template: &str) -> (&str, &str, &str, &str) {
    let (head, rest) = template.split_once("$1").unwrap_or((template, ""));
    let (mid1, rest) = rest.split_once("$2").unwrap_or((rest, ""));
    let (mid2, tail) = rest.split_once("$3").unwrap_or((rest, ""));
    (head, mid1, mid2, tail)
}

/// The relevance of a row (4 exact name, 3 name prefix, 2 name contains, 1 elsewhere).
pub fn rank<QS: 'static>(cols: &Columns, q: &TextQuery) -> BoxedRank<QS> {
    let (template, [v1, v2, v3]) = rank_sql(cols, q);
    let (head, mid1, mid2, tail) = split3(&template);
    Box::new(
        sql::<BigInt>(head)
            .bind::<Text, _>(v1)
            .sql(mid1)
            .bind::<Text, _>(v2)
            .sql(mid2)
            .bind::<Text, _>(v3)
            .sql(tail),
    )
}

/// Keyset condition for paging by (rank DESC, id ASC) after (`rank`, `id`):
/// `r < :rank OR (r = :rank AND id > :id)`.
pub fn after_rank<QS: 'static>(cols: &Columns, q: &TextQuery, rank: i64, id: i64) -> BoxedBool<QS> {
    let (template, values) = rank_sql(cols, q);
    let (head, mid1, mid2, tail) = split3(&template);
    let compare = |op: &str| {
        sql::<Bool>(&format!("({head}"))
            .bind::<Text, _>(values[0].clone())
            .sql(mid1)
            .bind::<Text, _>(values[1].clone())
            .sql(mid2)
            .bind::<Text, _>(values[2].clone())
            .sql(&format!("{tail} {op} "))
            .bind::<BigInt, _>(rank)
    };
    let below = compare("<").sql(")");
    let tied_after = compare("=")
        .sql(&format!(" AND {} > ", cols.id))
        .bind::<BigInt, _>(id)
        .sql(")");
    Box::new(below.or(tied_after))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_queries() {
        assert_eq!(TextQuery::parse("  "), None);
        assert_eq!(
            TextQuery::parse("ㄱ ㅁㅊ"),
            Some(TextQuery::Chosung("ㄱㅁㅊ".into()))
        );
        assert_eq!(
            TextQuery::parse("ＣＯＦＦＥＥ"),
            Some(TextQuery::Text("coffee".into()))
        );
    }

    #[test]
    fn ranks_names() {
        let q = TextQuery::parse("커피").unwrap();
        assert_eq!(q.rank_of("커피"), 4);
        assert_eq!(q.rank_of("커피 원두"), 3);
        assert_eq!(q.rank_of("유기농 커피 선물세트"), 2);
        assert_eq!(q.rank_of("녹차"), 1);
        let c = TextQuery::parse("ㄱㅊ").unwrap();
        assert_eq!(c.rank_of("김치"), 4);
        assert_eq!(c.rank_of("배추김치"), 2);
    }
}
