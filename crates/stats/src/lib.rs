//! Sales statistics, the priority-purchase report (우선구매 실적), CSV/XLSX exports, OCDS open
//! data, and the demo and benchmark data generators.

pub mod ocds;
pub mod report;
pub mod seed;
