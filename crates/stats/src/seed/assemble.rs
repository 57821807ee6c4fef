//! From drafts to rows: ids in time order, order numbers, fulfillments with their deadlines,
//! commission and settlement, the event logs, requests with their quotes and events, and the
//! running split-purchase totals the order writes would have left.

use super::directory::IdBase;
use super::drafts::{DraftOrder, DraftPart, DraftRequest};
use super::lifecycle::By;
use super::market::Market;
use super::rows::{
    EventRow, FulfillmentRow, LineRow, OrderRow, OrderSet, PurchaseTotalRow, QuoteRow,
    RequestEventRow, RequestRow,
};
use chrono::{Datelike, Duration, NaiveDate};
use muhan_core::DomainResult;
use muhan_orders::create::order_no;
use muhan_orders::money;
use muhan_orders::status::{order_status, FulfillmentStatus};
use std::collections::BTreeMap;

pub struct Assembly<'a, 'm> {
    pub market: &'a Market<'m>,
    pub commission_bp: i64,
    pub inspection_days: i64,
    pub payment_days: i64,
    pub ids: IdBase,
    pub set: OrderSet,
    totals: BTreeMap<(i64, i64, i64, NaiveDate), i64>,
}

impl<'a, 'm> Assembly<'a, 'm> {
    pub fn new(market: &'a Market<'m>, commission_bp: i64, ids: IdBase) -> Self {
        Self {
            market,
            commission_bp,
            inspection_days: 14,
            payment_days: 5,
            ids,
            set: OrderSet::default(),
            totals: BTreeMap::new(),
        }
    }

    fn actor(&self, by: By, agency: usize, enterprise_id: i64) -> i64 {
        match by {
            By::Buyer => self.market.buyer_ids[agency],
            By::Admin => self.market.admin_id,
            By::Enterprise => self.market.seller_ids[self.market.enterprise(enterprise_id).0],
        }
    }

    /// Writes the drafts (any order; they are sorted by time here) and the requests that
    /// were not awarded.
    pub fn add(
        &mut self,
        mut drafts: Vec<DraftOrder>,
        mut open: Vec<DraftRequest>,
    ) -> DomainResult<()> {
        drafts.sort_by_key(|d| d.created_at);
        let mut requests: Vec<(DraftRequest, Option<i64>)> = Vec::new();
        for d in drafts {
            let order_id = self.ids.order;
            self.ids.order += 1;
            self.order(&d, order_id)?;
            if let Some(r) = d.request {
                requests.push((r, Some(order_id)));
            }
        }
        requests.extend(open.drain(..).map(|r| (r, None)));
        requests.sort_by_key(|(r, _)| r.created_at);
        for (r, order_id) in requests {
            self.request(&r, order_id);
        }
        Ok(())
    }

    fn order(&mut self, d: &DraftOrder, order_id: i64) -> DomainResult<()> {
        let agency = &self.market.agencies[d.agency];
        let mut statuses = Vec::new();
        let mut events: Vec<EventRow> = Vec::new();
        let mut total = 0;
        for part in &d.parts {
            let status = self.fulfillment(d, part, order_id, &mut events)?;
            statuses.push(status);
            total += part.subtotal();
        }
        events.sort_by_key(|e| (e.at, e.fulfillment_id));
        for mut e in events {
            e.id = self.ids.event;
            self.ids.event += 1;
            self.set.events.push(e);
        }
        self.set.orders.push(OrderRow {
            id: order_id,
            order_no: order_no(d.created_at.year(), order_id),
            agency_id: agency.id,
            buyer_id: self.market.buyer_ids[d.agency],
            contract_type: if d.request.is_some() {
                "rfq"
            } else {
                "catalog"
            },
            status: order_status(&statuses).as_str(),
            total_won: total,
            delivery_address: d.address.clone(),
            delivery_district: agency.district,
            requested_date: d.requested_date,
            note: d.note.map(str::to_string),
            created_at: d.created_at,
        });
        Ok(())
    }

    fn fulfillment(
        &mut self,
        d: &DraftOrder,
        part: &DraftPart,
        order_id: i64,
        events: &mut Vec<EventRow>,
    ) -> DomainResult<FulfillmentStatus> {
        let id = self.ids.fulfillment;
        self.ids.fulfillment += 1;
        let (_, enterprise) = self.market.enterprise(part.enterprise_id);
        let subtotal = part.subtotal();
        let commission = money::commission(subtotal, self.commission_bp);
        let counts = part.plan.counts();
        let agency_id = self.market.agencies[d.agency].id;
        for line in &part.lines {
            let key = (
                agency_id,
                part.enterprise_id,
                line.category_id,
                d.created_at.date(),
            );
            *self.totals.entry(key).or_default() += if counts { line.total() } else { 0 };
            self.set.lines.push(LineRow {
                id: self.ids.line,
                fulfillment_id: id,
                product_id: Some(line.product_id),
                category_id: line.category_id,
                product_name: line.name.clone(),
                unit: line.unit,
                unit_price_won: line.price,
                quantity: line.quantity,
                line_total_won: line.total(),
            });
            self.ids.line += 1;
        }
        let mut row = FulfillmentRow {
            id,
            order_id,
            enterprise_id: part.enterprise_id,
            enterprise_name: enterprise.name.clone(),
            status: "placed",
            subtotal_won: subtotal,
            commission_bp: self.commission_bp,
            commission_won: commission,
            reject_reason: None,
            delivered_at: None,
            inspection_due: None,
            payment_claimed_at: None,
            payment_due: None,
            paid_at: None,
            settled_at: None,
            settlement_won: None,
            updated_at: d.created_at,
        };
        for step in &part.steps {
            row.status = step.to;
            row.updated_at = step.at;
            match step.to {
                "rejected" => row.reject_reason = step.note.map(str::to_string),
                "delivered" => {
                    row.delivered_at = Some(step.at);
                    row.inspection_due =
                        Some(step.at.date() + Duration::days(self.inspection_days));
                }
                "payment_claimed" => {
                    row.payment_claimed_at = Some(step.at);
                    row.payment_due = Some(step.at.date() + Duration::days(self.payment_days));
                }
                "paid" => row.paid_at = Some(step.at),
                "settled" => {
                    row.settled_at = Some(step.at);
                    row.settlement_won = Some(money::settlement(subtotal, commission));
                }
                _ => {}
            }
            events.push(EventRow {
                id: 0,
                order_id,
                fulfillment_id: Some(id),
                actor_id: self.actor(step.by, d.agency, part.enterprise_id),
                from_status: step.from,
                to_status: step.to,
                note: step.note.map(str::to_string),
                at: step.at,
            });
        }
        let status = row
            .status
            .parse()
            .map_err(muhan_core::DomainError::internal)?;
        self.set.fulfillments.push(row);
        Ok(status)
    }

    fn request(&mut self, r: &DraftRequest, order_id: Option<i64>) {
        let id = self.ids.request;
        self.ids.request += 1;
        let agency = &self.market.agencies[r.agency];
        let buyer = self.market.buyer_ids[r.agency];
        let mut events = vec![RequestEventRow {
            id: 0,
            request_id: id,
            actor_id: buyer,
            kind: "created",
            quote_id: None,
            order_id: None,
            note: None,
            at: r.created_at,
        }];
        for q in &r.quotes {
            let (i, _) = self.market.enterprise(q.enterprise_id);
            let seller = self.market.seller_ids[i];
            let quote_id = self.ids.quote;
            self.ids.quote += 1;
            self.set.quotes.push(QuoteRow {
                id: quote_id,
                request_id: id,
                enterprise_id: q.enterprise_id,
                product_id: Some(q.product_id),
                unit_price_won: q.price,
                quantity: q.quantity,
                total_won: q.price * q.quantity,
                lead_time_days: q.lead_time_days,
                note: None,
                status: q.status,
                submitted_by: seller,
                created_at: q.at,
                updated_at: r.decided_at.unwrap_or(q.at),
            });
            events.push(RequestEventRow {
                id: 0,
                request_id: id,
                actor_id: seller,
                kind: "quote_submitted",
                quote_id: Some(quote_id),
                order_id: None,
                note: None,
                at: q.at,
            });
        }
        if let (Some(due), Some(decided)) = (r.quotes_due, r.decided_at) {
            events.push(RequestEventRow {
                id: 0,
                request_id: id,
                actor_id: buyer,
                kind: "quotes_opened",
                quote_id: None,
                order_id: None,
                note: None,
                at: due.max(decided),
            });
        }
        if let Some(decided) = r.decided_at {
            events.push(RequestEventRow {
                id: 0,
                request_id: id,
                actor_id: buyer,
                kind: if order_id.is_some() {
                    "awarded"
                } else {
                    "closed"
                },
                quote_id: None,
                order_id,
                note: None,
                at: decided,
            });
        }
        events.sort_by_key(|e| e.at);
        for mut e in events {
            e.id = self.ids.request_event;
            self.ids.request_event += 1;
            self.set.request_events.push(e);
        }
        self.set.requests.push(RequestRow {
            id,
            agency_id: agency.id,
            buyer_id: buyer,
            title: r.title.clone(),
            category_id: r.category_id,
            description: r.description.clone(),
            quantity: r.quantity,
            unit: r.unit,
            budget_won: r.budget_won,
            delivery_district: agency.district,
            delivery_address: r.address.clone(),
            deliver_by: r.deliver_by,
            allow_consortium: r.allow_consortium,
            quotes_due: r.quotes_due,
            status: r.status,
            order_id,
            created_at: r.created_at,
            updated_at: r.decided_at.unwrap_or(r.created_at),
        });
    }

    /// The running totals, by key.
    pub fn purchase_totals(&self) -> Vec<PurchaseTotalRow> {
        self.totals
            .iter()
            .map(
                |(&(agency_id, enterprise_id, category_id, day), &total_won)| PurchaseTotalRow {
                    agency_id,
                    enterprise_id,
                    category_id,
                    day,
                    total_won,
                },
            )
            .collect()
    }
}
