//! Every migration reverted and applied again, on both backends (SQLite always, PostgreSQL
//! when `MUHAN_TEST_PG_URL` is set): on a fresh database the migrations are applied one at a
//! time, capturing the schema after each; then reverted one at a time down to none, each
//! revert having to leave exactly the schema that existed before that migration was applied;
//! then applied again one at a time, each having to give the schema it gave the first time, so
//! that the final schema equals the first.
//!
//! The schema is read from the catalog (SQLite: `sqlite_master`; PostgreSQL: relations,
//! columns, constraints, indexes, sequences, triggers, functions, types, policies, comments),
//! plus the row count of each table so that a revert also removes the rows its migration
//! seeded. diesel's own bookkeeping table is left out.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::{PgConnection, QueryableByName, RunQueryDsl, SqliteConnection};
use diesel_migrations::MigrationHarness;
use muhan_db::testing::{TestDatabase, PG_URL_ENV};
use muhan_db::{migrate, DbConn};
use std::collections::BTreeSet;
use std::io::Write;

/// The catalog as sorted lines, one per object (or column).
type Schema = Vec<String>;

#[test]
fn sqlite_migrations_revert_and_reapply_to_the_same_schema() {
    let db = TestDatabase::sqlite().expect("a SQLite test database");
    replay(&db);
}

#[test]
fn postgres_migrations_revert_and_reapply_to_the_same_schema() {
    let url = std::env::var(PG_URL_ENV).unwrap_or_default();
    if url.trim().is_empty() {
        // Straight to the process's stderr: the test harness captures eprintln! of a test
        // that passes.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: postgres_migrations_revert_and_reapply_to_the_same_schema: \
             set {PG_URL_ENV} (e.g. postgres://postgres@127.0.0.1:5432/postgres) to run it"
        );
        return;
    }
    let db = TestDatabase::postgres(url.trim()).expect("a PostgreSQL test database");
    replay(&db);
}

fn replay(db: &TestDatabase) {
    let mut conn = db.url.establish().expect("connect to the test database");
    let backend = conn.backend();
    // (name, version) of each migration, oldest first.
    let migrations: Vec<(String, String)> = conn
        .pending_migrations(migrate::embedded(backend))
        .expect("list the migrations")
        .iter()
        .map(|m| (m.name().to_string(), m.name().version().to_string()))
        .collect();
    let names: Vec<&String> = migrations.iter().map(|(name, _)| name).collect();
    assert!(!names.is_empty(), "no migrations embedded for {backend:?}");

    // applied[i]: the schema with the first i migrations applied.
    let mut applied: Vec<Schema> = vec![schema(&mut conn)];
    for (i, name) in names.iter().enumerate() {
        let version = conn
            .run_next_migration(migrate::embedded(backend))
            .unwrap_or_else(|e| panic!("{backend:?}: applying {name} failed: {e}"))
            .to_string();
        assert_eq!(version, migrations[i].1, "{name} applied as {version}");
        applied.push(schema(&mut conn));
    }
    let first = applied[names.len()].clone();
    assert!(
        first.iter().any(|l| l.starts_with("table orders")),
        "{backend:?}: the captured schema has no orders table: {first:#?}"
    );

    for (i, name) in names.iter().enumerate().rev() {
        let version = conn
            .revert_last_migration(migrate::embedded(backend))
            .unwrap_or_else(|e| panic!("{backend:?}: reverting {name} failed: {e}"))
            .to_string();
        assert_eq!(version, migrations[i].1, "{name} reverted as {version}");
        assert_same(
            &applied[i],
            &schema(&mut conn),
            &format!(
                "{backend:?}: reverting {name} (its down.sql) does not restore the schema \
                 from before it was applied"
            ),
        );
    }
    assert!(
        conn.applied_migrations()
            .expect("read the applied migrations")
            .is_empty(),
        "{backend:?}: migrations left applied after reverting them all"
    );

    for (i, name) in names.iter().enumerate() {
        conn.run_next_migration(migrate::embedded(backend))
            .unwrap_or_else(|e| panic!("{backend:?}: applying {name} again failed: {e}"));
        assert_same(
            &applied[i + 1],
            &schema(&mut conn),
            &format!(
                "{backend:?}: applying {name} again after the reverts gives another schema \
                 than the first time"
            ),
        );
    }
    assert_same(
        &first,
        &schema(&mut conn),
        &format!("{backend:?}: the schema after reverting and re-applying every migration"),
    );
}

fn assert_same(expected: &Schema, actual: &Schema, what: &str) {
    if expected == actual {
        return;
    }
    let expected_set: BTreeSet<&String> = expected.iter().collect();
    let actual_set: BTreeSet<&String> = actual.iter().collect();
    let missing: Vec<&&String> = expected_set.difference(&actual_set).collect();
    let extra: Vec<&&String> = actual_set.difference(&expected_set).collect();
    panic!("{what}\n  expected but missing: {missing:#?}\n  present but unexpected: {extra:#?}");
}

fn schema(conn: &mut DbConn) -> Schema {
    let mut lines = match conn {
        DbConn::Sqlite(c) => sqlite_schema(c),
        DbConn::Postgresql(c) => postgres_schema(c),
    };
    lines.sort();
    lines
}

#[derive(QueryableByName)]
struct MasterRow {
    #[diesel(sql_type = Text)]
    r#type: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    tbl_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    sql: Option<String>,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = Text)]
    line: String,
}

const DIESEL_TABLE: &str = "__diesel_schema_migrations";

fn sqlite_schema(conn: &mut SqliteConnection) -> Schema {
    let rows: Vec<MasterRow> = diesel::sql_query(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE tbl_name <> ?",
    )
    .bind::<Text, _>(DIESEL_TABLE)
    .load(conn)
    .expect("read sqlite_master");
    let mut lines = Vec::new();
    for row in rows {
        let sql = row
            .sql
            .as_deref()
            .map(normalise_sqlite_sql)
            .unwrap_or_default();
        lines.push(format!(
            "{} {} on {}: {sql}",
            row.r#type, row.name, row.tbl_name
        ));
        if row.r#type == "table" {
            lines.push(row_count(conn, &row.name));
        }
    }
    lines
}

/// One statement per line, whitespace runs as one space, and the created name unquoted:
/// `ALTER TABLE … RENAME TO` (the way SQLite changes a table's constraints) stores the new
/// name quoted, which means the same table.
fn normalise_sqlite_sql(sql: &str) -> String {
    let sql = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    const CREATE: &str = "CREATE TABLE ";
    if let Some(quoted) = sql.strip_prefix(CREATE).and_then(|r| r.strip_prefix('"')) {
        if let Some((name, tail)) = quoted.split_once('"') {
            return format!("{CREATE}{name}{tail}");
        }
    }
    sql
}

fn row_count<C>(conn: &mut C, table: &str) -> String
where
    C: diesel::Connection,
    diesel::query_builder::SqlQuery: diesel::query_dsl::LoadQuery<'static, C, Count>,
{
    let quoted = format!("\"{}\"", table.replace('"', "\"\""));
    let count: Count = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {quoted}"))
        .get_result(conn)
        .unwrap_or_else(|e| panic!("count the rows of {table}: {e}"));
    format!("rows {table}: {}", count.n)
}

/// Lines describing every object of the `public` schema (diesel's table left out).
const PG_CATALOG: &str = r#"
WITH rel AS (
    SELECT c.oid, c.relname, c.relkind, c.reloptions, c.relpersistence, c.relrowsecurity
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relname <> '__diesel_schema_migrations'
)
SELECT format('table %s kind=%s persistence=%s rls=%s options=%s', relname, relkind,
              relpersistence, relrowsecurity, coalesce(array_to_string(reloptions, ','), ''))
       AS line
FROM rel WHERE relkind IN ('r', 'p', 'v', 'm', 'f')
UNION ALL
SELECT format('column %s #%s %s %s%s%s%s%s%s', r.relname,
              lpad((row_number() OVER (PARTITION BY r.oid ORDER BY a.attnum))::text, 3, '0'),
              a.attname, format_type(a.atttypid, a.atttypmod),
              CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
              coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), ''),
              CASE a.attidentity WHEN 'a' THEN ' identity always'
                                 WHEN 'd' THEN ' identity by default' ELSE '' END,
              CASE WHEN a.attgenerated <> '' THEN ' generated' ELSE '' END,
              CASE WHEN a.attcollation <> t.typcollation
                   THEN ' collate ' || a.attcollation::regcollation::text ELSE '' END)
FROM rel r
JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE r.relkind IN ('r', 'p', 'v', 'm', 'f')
UNION ALL
SELECT format('constraint %s.%s %s', r.relname, con.conname, pg_get_constraintdef(con.oid))
FROM pg_constraint con JOIN rel r ON r.oid = con.conrelid
UNION ALL
SELECT format('index %s', indexdef)
FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '__diesel_schema_migrations'
UNION ALL
SELECT format('sequence %s %s start=%s increment=%s min=%s max=%s cache=%s cycle=%s',
              sequencename, data_type, start_value, increment_by, min_value, max_value,
              cache_size, cycle)
FROM pg_sequences WHERE schemaname = 'public'
UNION ALL
SELECT format('view %s %s', r.relname, pg_get_viewdef(r.oid))
FROM rel r WHERE r.relkind IN ('v', 'm')
UNION ALL
SELECT format('trigger %s.%s enabled=%s %s', r.relname, tg.tgname, tg.tgenabled,
              pg_get_triggerdef(tg.oid))
FROM pg_trigger tg JOIN rel r ON r.oid = tg.tgrelid WHERE NOT tg.tgisinternal
UNION ALL
SELECT format('function %s', pg_get_functiondef(p.oid))
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'public' AND p.prokind IN ('f', 'p')
UNION ALL
SELECT format('type %s kind=%s base=%s labels=%s constraints=%s', t.typname, t.typtype,
              CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) ELSE '' END,
              (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
               FROM pg_enum e WHERE e.enumtypid = t.oid),
              (SELECT string_agg(pg_get_constraintdef(c.oid), ',' ORDER BY c.conname)
               FROM pg_constraint c WHERE c.contypid = t.oid))
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'r', 'm')
UNION ALL
SELECT format('policy %s.%s %s %s using=%s check=%s', tablename, policyname, permissive, cmd,
              qual, with_check)
FROM pg_policies WHERE schemaname = 'public'
UNION ALL
SELECT format('comment %s%s %s', r.relname,
              CASE WHEN d.objsubid > 0
                   THEN '.' || (SELECT attname FROM pg_attribute
                                WHERE attrelid = r.oid AND attnum = d.objsubid)
                   ELSE '' END,
              d.description)
FROM pg_description d JOIN rel r ON d.objoid = r.oid AND d.classoid = 'pg_class'::regclass
UNION ALL
SELECT format('extension %s', extname) FROM pg_extension
"#;

fn postgres_schema(conn: &mut PgConnection) -> Schema {
    let mut lines: Vec<String> = diesel::sql_query(PG_CATALOG)
        .load::<Line>(conn)
        .expect("read the PostgreSQL catalog")
        .into_iter()
        .map(|l| l.line)
        .collect();
    let tables: Vec<Line> = diesel::sql_query(
        "SELECT c.relname AS line FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> $1",
    )
    .bind::<Text, _>(DIESEL_TABLE)
    .load(conn)
    .expect("list the tables");
    for table in tables {
        lines.push(row_count(conn, &table.line));
    }
    lines
}
