//! Sales statistics, the priority-purchase report (우선구매 실적), CSV/XLSX exports, OCDS open
//! data, and the demo and benchmark data generators.

pub mod export;
mod labels;
pub mod ocds;
mod priority;
mod quote_sheet;
pub mod report;
mod revenue;
mod sales;
pub mod scope;
pub mod seed;
mod sql;
mod store;
mod summary;

pub use priority::priority_purchase;
pub use quote_sheet::quote_sheet;
pub use sales::sales_report;
pub use summary::{growth_bp, summary};
