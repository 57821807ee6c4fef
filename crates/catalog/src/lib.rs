//! The catalog: who sells (enterprises), who buys (agencies and their purchase plans), what is
//! sold (the goods classification and products), and how buyers find it (Korean-aware search).

pub mod agencies;
pub mod catalog;
pub mod categories;
pub mod districts;
pub mod enterprises;
pub mod model;
pub mod products;
pub mod search;
pub mod search_index;
pub mod signup;
mod store;
