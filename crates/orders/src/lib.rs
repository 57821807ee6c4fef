//! Direct catalog purchase (바로구매): a buyer's order is split into one fulfillment per
//! enterprise; each fulfillment moves through the lifecycle below, and the co-op settles with
//! the enterprise after its commission.

pub mod awarded;
pub mod batch;
pub mod create;
pub mod idempotency;
pub mod lifecycle;
pub mod model;
pub mod money;
pub mod queries;
pub mod request;
pub mod settings;
mod split_purchase;
pub mod status;
mod store;
pub mod view;

pub use settings::OrderSettings;
