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
use muhan_core::search_text::{
    chosung, is_chosung_query, like_pattern, like_prefix_pattern, normalize, query_grams,
};
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

    /// The lowest relevance of a name that contains the query (`rank_of`).
    pub const NAME_CONTAINS: i64 = 2;

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
    let needle = q.needle();
    (
        column,
        [
            needle.to_owned(),
            like_prefix_pattern(needle),
            like_pattern(needle),
        ],
    )
}

/// `{before}CAST(CASE … 4/3/2/1 … END AS BIGINT){after}` typed `$st`, with the three values
/// bound (the cast makes the rank a BIGINT on PostgreSQL too, where a bare CASE is INTEGER).
macro_rules! rank_case {
    ($st:ty, $before:expr, $column:expr, $values:expr, $after:expr) => {
        sql::<$st>(&format!("{}CAST(CASE WHEN {} = ", $before, $column))
            .bind::<Text, _>($values[0].clone())
            .sql(&format!(" THEN 4 WHEN {} LIKE ", $column))
            .bind::<Text, _>($values[1].clone())
            .sql(&format!(" ESCAPE '\\' THEN 3 WHEN {} LIKE ", $column))
            .bind::<Text, _>($values[2].clone())
            .sql(&format!(
                " ESCAPE '\\' THEN 2 ELSE 1 END AS BIGINT){}",
                $after
            ))
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

/// The SQL relevance (`rank`, which orders pages and bounds them through `after_rank`) and the
/// Rust one (`rank_of`, which writes the cursors) agree for every name and query, on the
/// backend the tests run on (PostgreSQL with `MUHAN_TEST_PG_URL`, else SQLite).
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod sql_and_rust_ranks_agree {
    use super::*;
    use diesel::prelude::*;
    use muhan_db::testing::TestDatabase;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    use std::cell::RefCell;

    diesel::table! {
        rank_probe (id) {
            id -> BigInt,
            name -> Text,
            chosung -> Text,
        }
    }

    const PROBE: Columns = Columns {
        name: "rank_probe.name",
        chosung: "rank_probe.chosung",
        text: "rank_probe.name",
        grams: "rank_probe.name",
        id: "rank_probe.id",
    };

    /// The ranks SQL gives `names` (stored as the catalog stores them) for `q`.
    fn sql_ranks(conn: &mut DbConn, q: &TextQuery, names: &[String]) -> Vec<i64> {
        diesel::delete(rank_probe::table).execute(conn).unwrap();
        for (i, name) in names.iter().enumerate() {
            diesel::insert_into(rank_probe::table)
                .values((
                    rank_probe::id.eq(i as i64),
                    rank_probe::name.eq(normalize(name)),
                    rank_probe::chosung.eq(chosung(name)),
                ))
                .execute(conn)
                .unwrap();
        }
        rank_probe::table
            .order(rank_probe::id)
            .select(rank::<rank_probe::table>(&PROBE, q))
            .load(conn)
            .unwrap()
    }

    /// A query and names around it: itself, with text after, before, around, and unrelated.
    fn cases(alphabet: &'static str) -> impl Strategy<Value = (String, Vec<String>)> {
        let piece = move |n: usize| {
            proptest::string::string_regex(&format!("{alphabet}{{0,{n}}}")).unwrap()
        };
        (piece(5), piece(3), piece(3), piece(6)).prop_map(|(q, head, tail, other)| {
            let names = vec![
                q.clone(),
                format!("{q}{tail}"),
                format!("{head}{q}"),
                format!("{head}{q}{tail}"),
                format!("{q} {tail}"),
                other,
            ];
            (q, names)
        })
    }

    /// A fresh database (kept alive by the first value) with the temporary `rank_probe` table.
    fn probe_table() -> (TestDatabase, DbConn) {
        let db = TestDatabase::create().unwrap();
        let mut conn = db.url.establish().unwrap();
        diesel::sql_query(
            "CREATE TEMPORARY TABLE rank_probe \
             (id BIGINT PRIMARY KEY, name TEXT NOT NULL, chosung TEXT NOT NULL)",
        )
        .execute(&mut conn)
        .unwrap();
        (db, conn)
    }

    #[test]
    fn for_text_and_initial_consonant_queries() {
        let (_db, conn) = probe_table();
        let conn = RefCell::new(conn);
        // Text with LIKE's special characters (an escaped `%` at the end above all), case and
        // width variants; then initial consonants against syllables.
        for alphabet in ["[ab%_\\\\ Aａ가나]", "[ㄱㄴㅋ가나커피a%_\\\\ ]"] {
            let mut runner = TestRunner::new(Config {
                cases: 300,
                ..Config::default()
            });
            runner
                .run(&cases(alphabet), |(raw, names)| {
                    let Some(q) = TextQuery::parse(&raw) else {
                        return Ok(());
                    };
                    let rust: Vec<i64> = names.iter().map(|n| q.rank_of(n)).collect();
                    let sql = sql_ranks(&mut conn.borrow_mut(), &q, &names);
                    prop_assert_eq!(sql, rust, "q={:?} ({:?}) names={:?}", raw, q, names);
                    Ok(())
                })
                .unwrap();
        }
    }

    #[test]
    fn a_query_ending_in_an_escaped_wildcard_ranks_a_prefix_as_a_prefix() {
        let (_db, mut conn) = probe_table();
        for raw in ["100%", "꿀_", "c:\\", "%", "100%%"] {
            let q = TextQuery::parse(raw).unwrap();
            let names = [
                raw.to_owned(),
                format!("{raw} 국산 꿀"),
                format!("국산 {raw} 꿀"),
                "꿀".to_owned(),
            ];
            assert_eq!(q.rank_of(&names[1]), 3, "{raw}");
            assert_eq!(sql_ranks(&mut conn, &q, &names), vec![4, 3, 2, 1], "{raw}");
        }
    }
}
