//! The year's rows by key, for the mapping.

use super::super::rows::{
    AgencyRow, CategoryRow, DistrictRow, EnterpriseRow, FulfillmentRow, LineRow, OrderRow, YearData,
};
use chrono::NaiveDateTime;
use muhan_core::{DomainError, DomainResult};
use std::collections::HashMap;

pub struct Index<'a> {
    agencies: HashMap<i64, &'a AgencyRow>,
    enterprises: HashMap<i64, &'a EnterpriseRow>,
    districts: HashMap<&'a str, &'a DistrictRow>,
    categories: HashMap<i64, &'a CategoryRow>,
    orders: HashMap<i64, &'a OrderRow>,
    /// By order, in id order.
    fulfillments: HashMap<i64, Vec<&'a FulfillmentRow>>,
    /// By fulfillment, in id order.
    lines: HashMap<i64, Vec<&'a LineRow>>,
    accepted: HashMap<i64, NaiveDateTime>,
    /// Tendering enterprises by request, in id order.
    tenderers: HashMap<i64, Vec<i64>>,
}

fn missing(what: &str, id: impl std::fmt::Display) -> DomainError {
    DomainError::internal(format!("OCDS export: {what} {id} is not in the data read"))
}

impl<'a> Index<'a> {
    pub fn new(data: &'a YearData) -> Self {
        let mut fulfillments: HashMap<i64, Vec<&FulfillmentRow>> = HashMap::new();
        for f in &data.fulfillments {
            fulfillments.entry(f.order_id).or_default().push(f);
        }
        let mut lines: HashMap<i64, Vec<&LineRow>> = HashMap::new();
        for l in &data.lines {
            lines.entry(l.fulfillment_id).or_default().push(l);
        }
        let mut tenderers: HashMap<i64, Vec<i64>> = HashMap::new();
        for t in &data.tenders {
            tenderers
                .entry(t.request_id)
                .or_default()
                .push(t.enterprise_id);
        }
        Self {
            agencies: data.agencies.iter().map(|r| (r.id, r)).collect(),
            enterprises: data.enterprises.iter().map(|r| (r.id, r)).collect(),
            districts: data
                .districts
                .iter()
                .map(|r| (r.code.as_str(), r))
                .collect(),
            categories: data.categories.iter().map(|r| (r.id, r)).collect(),
            orders: data.orders.iter().map(|r| (r.id, r)).collect(),
            fulfillments,
            lines,
            accepted: data
                .accepted
                .iter()
                .map(|r| (r.fulfillment_id, r.at))
                .collect(),
            tenderers,
        }
    }

    pub fn agency(&self, id: i64) -> DomainResult<&'a AgencyRow> {
        self.agencies
            .get(&id)
            .copied()
            .ok_or_else(|| missing("agency", id))
    }

    pub fn enterprise(&self, id: i64) -> DomainResult<&'a EnterpriseRow> {
        self.enterprises
            .get(&id)
            .copied()
            .ok_or_else(|| missing("enterprise", id))
    }

    pub fn district(&self, code: &str) -> Option<&'a DistrictRow> {
        self.districts.get(code).copied()
    }

    pub fn category(&self, id: i64) -> Option<&'a CategoryRow> {
        self.categories.get(&id).copied()
    }

    pub fn order(&self, id: i64) -> DomainResult<&'a OrderRow> {
        self.orders
            .get(&id)
            .copied()
            .ok_or_else(|| missing("order", id))
    }

    pub fn fulfillments(&self, order_id: i64) -> &[&'a FulfillmentRow] {
        self.fulfillments.get(&order_id).map_or(&[], Vec::as_slice)
    }

    pub fn lines(&self, fulfillment_id: i64) -> &[&'a LineRow] {
        self.lines.get(&fulfillment_id).map_or(&[], Vec::as_slice)
    }

    pub fn accepted(&self, fulfillment_id: i64) -> Option<NaiveDateTime> {
        self.accepted.get(&fulfillment_id).copied()
    }

    pub fn tenderers(&self, request_id: i64) -> &[i64] {
        self.tenderers.get(&request_id).map_or(&[], Vec::as_slice)
    }
}
