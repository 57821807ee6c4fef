//! Procurement requests (견적 요청): a buyer asks for a quantity in a category; the pure
//! [`engine`] ranks the enterprises that can serve it and proposes an allocation (split across
//! several enterprises when none can supply it alone: 공동판로, shared sales); enterprises
//! quote, sealed until a deadline when the buyer asks; the buyer awards one or several quotes,
//! which become one `rfq` order running through the orders lifecycle.

pub mod award;
pub mod engine;
mod events;
pub mod input;
pub mod matches;
pub mod model;
mod offers;
pub mod quotes;
pub mod requests;
mod store;
