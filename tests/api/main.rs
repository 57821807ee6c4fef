//! Black-box tests over HTTP. Each test spawns the app with a fresh database: SQLite, or
//! PostgreSQL when `MUHAN_TEST_PG_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod agencies;
mod api_docs;
mod auth;
mod catalog;
mod dashboard;
mod edge;
mod enterprises;
mod exports;
mod hardening;
mod multi_instance;
mod ocds;
mod ops;
mod orders;
mod procurement;
mod seed;
mod signup;
mod startup;
mod stats;
mod tokens;
mod upserts;
mod users_admin;
