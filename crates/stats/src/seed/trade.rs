//! Drawing orders: catalog orders of one or two enterprises, and rfq orders awarded on
//! procurement requests with competing quotes, each part within its private-contract limit
//! and within what is left of the period's revenue.

use super::drafts::{DraftLine, DraftOrder, DraftPart, DraftQuote, DraftRequest};
use super::lifecycle::{self, Plan};
use super::market::Market;
use super::names;
use super::rng::Rng;
use super::time::{at, plus_days};
use chrono::{Duration, NaiveDateTime};
use muhan_core::EnterpriseKind;
use muhan_orders::OrderSettings;

pub struct Trader<'a, 'm> {
    pub rng: &'a mut Rng,
    pub market: &'a Market<'m>,
    pub settings: OrderSettings,
    pub now: NaiveDateTime,
}

fn kind_of(kind: &str) -> EnterpriseKind {
    kind.parse().unwrap_or(EnterpriseKind::Cooperative)
}

impl Trader<'_, '_> {
    /// How a part placed at `at` ends: most complete; a few are rejected or cancelled; in the
    /// weeks before now some stall (overdue inspections and payments).
    fn plan(&mut self, at: NaiveDateTime) -> Plan {
        let age = (self.now - at).num_days();
        if (30..=80).contains(&age) {
            if self.rng.chance(60) {
                return Plan::StallDelivered;
            }
            if self.rng.chance(50) {
                return Plan::StallClaimed;
            }
        }
        if self.rng.chance(15) {
            Plan::Reject
        } else if self.rng.chance(15) {
            Plan::Cancel
        } else {
            Plan::Complete
        }
    }

    fn delivery(&mut self, agency: usize) -> String {
        let a = &self.market.agencies[agency];
        format!(
            "{} {}",
            names::address(self.rng, names::district(a.district)),
            a.name
        )
    }

    fn lines_of(&mut self, enterprise_id: i64, at: NaiveDateTime, budget: i64) -> Vec<DraftLine> {
        let own = self.market.of_enterprise(enterprise_id, at);
        let count = self.rng.range(1, 3).min(own.len() as i64).max(1);
        let mut lines: Vec<DraftLine> = Vec::new();
        let mut left = budget;
        for n in 0..count {
            let p = &self.market.products[*self.rng.pick(own)];
            if lines.iter().any(|l| l.product_id == p.id) {
                continue;
            }
            let share = left / (count - n);
            let mut quantity = (share / p.price_won).clamp(p.min_order_qty, 5_000);
            if quantity * p.price_won > left {
                quantity = left / p.price_won;
            }
            if quantity < p.min_order_qty || quantity == 0 {
                continue;
            }
            left -= quantity * p.price_won;
            lines.push(DraftLine {
                product_id: p.id,
                category_id: p.category_id,
                name: p.name.clone(),
                unit: p.unit,
                price: p.price_won,
                quantity,
            });
        }
        lines
    }

    fn part(
        &mut self,
        enterprise_id: i64,
        at: NaiveDateTime,
        lines: Vec<DraftLine>,
        limit: i64,
    ) -> DraftPart {
        let plan = self.plan(at);
        let lead = self.lead_of(&lines);
        let steps = lifecycle::steps(self.rng, at, lead, plan, self.now);
        DraftPart {
            enterprise_id,
            plan,
            limit,
            lines,
            steps,
        }
    }

    fn lead_of(&self, lines: &[DraftLine]) -> i64 {
        lines
            .iter()
            .map(|l| self.market.product(l.product_id).lead_time_days)
            .max()
            .unwrap_or(3)
    }

    /// A catalog order at `at` of at most `cap` won, its parts up to `size` won each.
    pub fn catalog_order(&mut self, at: NaiveDateTime, cap: i64, size: i64) -> Option<DraftOrder> {
        let on_sale = self.market.on_sale(at);
        if on_sale.is_empty() {
            return None;
        }
        let agency = self.rng.weighted(&self.market.agency_weights);
        let enterprises = if self.rng.chance(180) { 2 } else { 1 };
        let mut parts: Vec<DraftPart> = Vec::new();
        let mut left = cap;
        for _ in 0..enterprises {
            let first = &self.market.products[*self.rng.pick(on_sale)];
            if parts.iter().any(|p| p.enterprise_id == first.enterprise_id) {
                continue;
            }
            let (_, e) = self.market.enterprise(first.enterprise_id);
            let limit = self.settings.limit_for(kind_of(e.kind));
            let budget = self.rng.skewed(120_000, size).min(limit).min(left);
            let lines = self.lines_of(e.id, at, budget);
            if lines.is_empty() {
                continue;
            }
            let part = self.part(e.id, at, lines, limit);
            left -= part.subtotal();
            parts.push(part);
        }
        if parts.is_empty() {
            return None;
        }
        let lead = parts
            .iter()
            .map(|p| self.lead_of(&p.lines))
            .max()
            .unwrap_or(3);
        Some(DraftOrder {
            agency,
            created_at: at,
            address: self.delivery(agency),
            requested_date: plus_days(at.date(), lead + self.rng.range(3, 10)),
            note: self
                .rng
                .chance(200)
                .then_some("납품 전 담당자에게 연락 바랍니다."),
            parts,
            request: None,
        })
    }

    /// An rfq order awarded at `at` on a request opened one to three weeks before, with
    /// quotes from up to four enterprises; a consortium of two now and then.
    pub fn rfq_order(&mut self, at: NaiveDateTime, cap: i64, size: i64) -> Option<DraftOrder> {
        let opened = at - Duration::days(self.rng.range(8, 20));
        let on_sale = self.market.on_sale(opened);
        if on_sale.is_empty() {
            return None;
        }
        let lead_product = &self.market.products[*self.rng.pick(on_sale)];
        let category_id = lead_product.category_id;
        let mut bidders = vec![lead_product.id];
        let same = self.market.of_category(category_id, opened);
        for _ in 0..8 {
            if bidders.len() >= 4 {
                break;
            }
            let p = &self.market.products[*self.rng.pick(same)];
            let taken = bidders
                .iter()
                .any(|b| self.market.product(*b).enterprise_id == p.enterprise_id);
            if !taken {
                bidders.push(p.id);
            }
        }
        let quoting = bidders.len();
        let consortium = quoting > 1 && self.rng.chance(200);
        let winners = if consortium { 2 } else { 1 };
        let agency = self.rng.weighted(&self.market.agency_weights);
        let mut won: Vec<(i64, DraftLine, i64)> = Vec::new();
        let mut quotes = Vec::new();
        let mut left = cap;
        let mut quantity_total = 0;
        let mut quote_at = opened;
        for (n, product_id) in bidders.iter().enumerate() {
            let p = self.market.product(*product_id);
            let (_, e) = self.market.enterprise(p.enterprise_id);
            quote_at += Duration::minutes(self.rng.range(60, 2 * 24 * 60));
            let price = (p.price_won * self.rng.range(88, 99) / 100 / 10 * 10).max(10);
            if n < winners {
                let limit = self.settings.contract_limit(kind_of(e.kind), quoting);
                let budget = self.rng.skewed(1_500_000, size * 3).min(limit).min(left);
                let quantity = (budget / price).min(100_000);
                if quantity < 1 {
                    return None;
                }
                left -= quantity * price;
                quantity_total += quantity;
                let line = DraftLine {
                    product_id: p.id,
                    category_id,
                    name: p.name.clone(),
                    unit: p.unit,
                    price,
                    quantity,
                };
                quotes.push(DraftQuote {
                    enterprise_id: e.id,
                    product_id: p.id,
                    price,
                    quantity,
                    lead_time_days: p.lead_time_days,
                    status: "awarded",
                    at: quote_at,
                });
                won.push((e.id, line, limit));
            } else {
                let quantity = quantity_total.max(1);
                quotes.push(DraftQuote {
                    enterprise_id: e.id,
                    product_id: p.id,
                    price: price * self.rng.range(101, 115) / 100,
                    quantity,
                    lead_time_days: p.lead_time_days,
                    status: "not_awarded",
                    at: quote_at,
                });
            }
        }
        let due = quote_at + Duration::hours(self.rng.range(2, 30));
        let sealed = self.rng.chance(400) && due.max(at) <= self.now;
        let quotes_due = sealed.then_some(due);
        // Awarded once the quotes are open (and never before the last quote).
        let at = quotes_due.map_or(at, |due| due.max(at)).max(quote_at);
        if at > self.now {
            return None;
        }
        let mut parts = Vec::with_capacity(won.len());
        for (enterprise_id, line, limit) in won {
            parts.push(self.part(enterprise_id, at, vec![line], limit));
        }
        let unit = lead_product.unit;
        let address = self.delivery(agency);
        let total: i64 = parts.iter().map(DraftPart::subtotal).sum();
        let deliver_by = plus_days(at.date(), self.rng.range(20, 40));
        let agency_name = self.market.agencies[agency].name.clone();
        let item = &lead_product.name;
        Some(DraftOrder {
            agency,
            created_at: at,
            address: address.clone(),
            requested_date: deliver_by,
            note: None,
            parts,
            request: Some(DraftRequest {
                agency,
                created_at: opened,
                title: format!("{agency_name} {item} 구매 견적 요청"),
                category_id,
                description: format!(
                    "{item} {quantity_total}{unit} 납품 견적을 요청합니다. 납품 장소: {address}"
                ),
                quantity: quantity_total,
                unit,
                budget_won: total * self.rng.range(105, 125) / 100 / 10_000 * 10_000 + 10_000,
                deliver_by,
                address,
                allow_consortium: consortium || self.rng.chance(300),
                quotes_due,
                status: "awarded",
                decided_at: Some(at),
                quotes,
            }),
        })
    }

    /// A request still open at now (some sealed until a future deadline), with quotes.
    pub fn open_request(&mut self, opened: NaiveDateTime, sealed: bool) -> Option<DraftRequest> {
        let on_sale = self.market.on_sale(opened);
        if on_sale.is_empty() {
            return None;
        }
        let p = &self.market.products[*self.rng.pick(on_sale)];
        let agency = self.rng.weighted(&self.market.agency_weights);
        let quantity = p.min_order_qty * self.rng.range(5, 60);
        let same = self.market.of_category(p.category_id, opened);
        let mut quotes: Vec<DraftQuote> = Vec::new();
        let mut quote_at = opened;
        for _ in 0..self.rng.range(1, 4) {
            let q = &self.market.products[*self.rng.pick(same)];
            if quotes.iter().any(|x| x.enterprise_id == q.enterprise_id) {
                continue;
            }
            quote_at += Duration::minutes(self.rng.range(30, 24 * 60));
            if quote_at >= self.now {
                break;
            }
            let price = (q.price_won * self.rng.range(90, 110) / 100 / 10 * 10).max(10);
            quotes.push(DraftQuote {
                enterprise_id: q.enterprise_id,
                product_id: q.id,
                price,
                quantity,
                lead_time_days: q.lead_time_days,
                status: "submitted",
                at: quote_at,
            });
        }
        let deliver_by = plus_days(self.now.date(), self.rng.range(20, 45));
        let quotes_due = sealed.then(|| at(plus_days(self.now.date(), self.rng.range(2, 10)), 480));
        let address = self.delivery(agency);
        let agency_name = self.market.agencies[agency].name.clone();
        Some(DraftRequest {
            agency,
            created_at: opened,
            title: format!("{agency_name} {} 구매 견적 요청", p.name),
            category_id: p.category_id,
            description: format!(
                "{} {quantity}{} 납품 견적을 요청합니다. 납품 장소: {address}",
                p.name, p.unit
            ),
            quantity,
            unit: p.unit,
            budget_won: p.price_won * quantity / 10_000 * 10_000 + 10_000,
            deliver_by,
            address,
            allow_consortium: self.rng.chance(500),
            quotes_due,
            status: "open",
            decided_at: None,
            quotes,
        })
    }
}
