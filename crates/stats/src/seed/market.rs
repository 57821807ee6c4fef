//! Who can trade with whom at a date: the approved products on sale by then (by enterprise
//! and by category), the agencies by purchasing weight, and the users who act for each.

use super::rows::{AgencyRow, EnterpriseRow, ProductRow};
use chrono::NaiveDateTime;
use std::collections::BTreeMap;

pub struct Market<'a> {
    pub products: &'a [ProductRow],
    pub enterprises: &'a [EnterpriseRow],
    pub agencies: &'a [AgencyRow],
    pub agency_weights: Vec<u32>,
    /// Approved products by the time they went on sale.
    on_sale: Vec<usize>,
    by_enterprise: BTreeMap<i64, Vec<usize>>,
    by_category: BTreeMap<i64, Vec<usize>>,
    pub admin_id: i64,
    /// The buyer of each agency (same order as `agencies`).
    pub buyer_ids: Vec<i64>,
    /// The user of each enterprise (same order as `enterprises`).
    pub seller_ids: Vec<i64>,
}

impl<'a> Market<'a> {
    pub fn new(
        products: &'a [ProductRow],
        enterprises: &'a [EnterpriseRow],
        agencies: &'a [AgencyRow],
        admin_id: i64,
        buyer_ids: Vec<i64>,
        seller_ids: Vec<i64>,
    ) -> Self {
        let mut on_sale: Vec<usize> = (0..products.len())
            .filter(|&i| products[i].status == "approved")
            .collect();
        on_sale.sort_by_key(|&i| (products[i].created_at, products[i].id));
        let mut by_enterprise: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
        let mut by_category: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
        for &i in &on_sale {
            by_enterprise
                .entry(products[i].enterprise_id)
                .or_default()
                .push(i);
            by_category
                .entry(products[i].category_id)
                .or_default()
                .push(i);
        }
        Self {
            products,
            enterprises,
            agencies,
            agency_weights: agencies.iter().map(|a| a.weight).collect(),
            on_sale,
            by_enterprise,
            by_category,
            admin_id,
            buyer_ids,
            seller_ids,
        }
    }

    fn prefix(&self, list: &[usize], at: NaiveDateTime) -> usize {
        list.partition_point(|&i| self.products[i].created_at < at)
    }

    /// Products on sale before `at`.
    pub fn on_sale(&self, at: NaiveDateTime) -> &[usize] {
        &self.on_sale[..self.prefix(&self.on_sale, at)]
    }

    /// `enterprise_id`'s products on sale before `at`.
    pub fn of_enterprise(&self, enterprise_id: i64, at: NaiveDateTime) -> &[usize] {
        match self.by_enterprise.get(&enterprise_id) {
            Some(list) => &list[..self.prefix(list, at)],
            None => &[],
        }
    }

    /// Products of `category_id` on sale before `at`.
    pub fn of_category(&self, category_id: i64, at: NaiveDateTime) -> &[usize] {
        match self.by_category.get(&category_id) {
            Some(list) => &list[..self.prefix(list, at)],
            None => &[],
        }
    }

    /// The product with this id (ids are consecutive in `products`).
    pub fn product(&self, id: i64) -> &ProductRow {
        let first = self.products.first().map_or(0, |p| p.id);
        let i = usize::try_from(id - first)
            .unwrap_or(0)
            .min(self.products.len().saturating_sub(1));
        &self.products[i]
    }

    /// The enterprise and its position (for its user).
    pub fn enterprise(&self, id: i64) -> (usize, &EnterpriseRow) {
        let first = self.enterprises.first().map_or(0, |e| e.id);
        let i = usize::try_from(id - first)
            .unwrap_or(0)
            .min(self.enterprises.len().saturating_sub(1));
        (i, &self.enterprises[i])
    }
}
