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

/// The column relevance looks at, and the values it is compared with: exact, prefix pattern,
/// contains pattern.
fn rank_inputs(cols: &Columns, q: &TextQuery) -> (&'static str, [String; 3]) {
    let column = match q {
        TextQuery::Text(_) => cols.name,
        TextQuery::Chosung(_) => cols.chosung,
    };
    let contains = like_pattern(q.needle());
    let prefix = format!(
        "{}%",
        contains.trim_start_matches('%').trim_end_matches('%')
    );
    (column, [q.needle().to_owned(), prefix, contains])
}

/// `{before}(CASE … 4/3/2/1 … END){after}` typed `$st`, with the three values bound.
macro_rules! rank_case {
    ($st:ty, $before:expr, $column:expr, $values:expr, $after:expr) => {
        sql::<$st>(&format!("{}(CASE WHEN {} = ", $before, $column))
            .bind::<Text, _>($values[0].clone())
            .sql(&format!(" THEN 4 WHEN {} LIKE ", $column))
            .bind::<Text, _>($values[1].clone())
            .sql(&format!(" ESCAPE '\\' THEN 3 WHEN {} LIKE ", $column))
            .bind::<Text, _>($values[2].clone())
            .sql(&format!(" ESCAPE '\\' THEN 2 ELSE 1 END){}", $after))
    };
}

/// The relevance of a row (4 exact name, 3 name prefix, 2 name contains, 1 elsewhere).
pub fn rank<QS: 'static>(cols: &Columns, q: &TextQuery) -> BoxedRank<QS> {
    let (column, values) = rank_inputs(cols, q);
    Box::new(rank_case!(BigInt, "", column, values, ""))
}

/// Keyset condition for paging by (rank DESC, id ASC) after (`rank`, `id`):
/// `r < :rank OR (r = :rank AND id > :id)`.
pub fn after_rank<QS: 'static>(cols: &Columns, q: &TextQuery, rank: i64, id: i64) -> BoxedBool<QS> {
    let (column, values) = rank_inputs(cols, q);
    let below = rank_case!(Bool, "(", column, values, " < ")
        .bind::<BigInt, _>(rank)
        .sql(")");
    let tied_after = rank_case!(Bool, "(", column, values, " = ")
        .bind::<BigInt, _>(rank)
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
