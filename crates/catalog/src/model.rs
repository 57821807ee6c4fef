//! Catalog model types shared by the services and the store (no queries here).

use chrono::NaiveDateTime;
use diesel::{Queryable, Selectable};
use muhan_db::schema::purchase_plans as pp;
use serde::Serialize;

/// A yearly plan: how much the agency will buy in all, and the share it aims to buy from the
/// social economy.
#[derive(Debug, Clone, Serialize, Queryable, Selectable, utoipa::ToSchema)]
#[diesel(table_name = pp)]
pub struct PurchasePlan {
    pub agency_id: i64,
    pub year: i64,
    pub total_purchase_won: i64,
    /// Target share in basis points (10000 = 100 %).
    pub social_target_bp: i64,
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "muhan_core::serde_utc::serialize")]
    pub updated_at: NaiveDateTime,
}
