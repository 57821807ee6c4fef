//! Placing the orders that arrive together (group commit, see `muhan_db::batch`). On
//! PostgreSQL a batch of orders is read with one statement and written with one: the fixed
//! cost of an order (round trips, statement start-up, commit) is shared by the batch. The
//! write is all or nothing for the batch; when it cannot be (a product short, a key already
//! used), each order is written alone, exactly as if it had come by itself. SQLite has one
//! writer at a time: there the orders are placed one after another, each in its own
//! transaction.
//!
//! The batch runs on a writer that may be another request's: what is done for one order alone
//! runs inside the span of the request that submitted it (`Head::span`), so that its log lines
//! carry that request's id.

use crate::create::{self, Prepared};
use crate::idempotency::{self, KeyedRequest};
use crate::request::ParsedOrder;
use crate::split_purchase;
use crate::store::{self, postgres, NewOrder, OrderInputs, ProductRow, PurchaseAmount, Written};
use crate::OrderSettings;
use chrono::NaiveDateTime;
use diesel::PgConnection;
use muhan_core::{clock, Actor, DomainError, DomainResult};
use muhan_db::{DbConn, Submitted};
use std::collections::HashMap;
use tracing::Span;

/// A request to place an order under an idempotency key; `parse` reads its body.
pub struct OrderJob {
    pub actor: Actor,
    pub key: String,
    pub fingerprint: String,
    pub parse: Parse,
}

/// Who asks, under which key, with which body fingerprint; the span of the request.
struct Head {
    actor: Actor,
    key: String,
    fingerprint: String,
    span: Span,
}

impl Head {
    fn keyed(&self) -> KeyedRequest<'_> {
        KeyedRequest {
            user_id: self.actor.user_id,
            key: &self.key,
            fingerprint: &self.fingerprint,
        }
    }
}

type Parse = Box<dyn FnOnce() -> DomainResult<ParsedOrder> + Send>;

fn split(submitted: Submitted<OrderJob>) -> (Head, Parse) {
    let Submitted {
        job:
            OrderJob {
                actor,
                key,
                fingerprint,
                parse,
            },
        span,
    } = submitted;
    (
        Head {
            actor,
            key,
            fingerprint,
            span,
        },
        parse,
    )
}

/// An answer to an order request: the status and the JSON body (201 and the order, or a
/// replay of the first answer under the key).
pub type OrderAnswer = (u16, String);

/// Places each job's order (see `create::place_keyed` for one); one answer per job, in order.
/// `Err` only when the database failed the batch as a whole.
pub fn place_batch(
    conn: &mut DbConn,
    settings: &OrderSettings,
    jobs: Vec<Submitted<OrderJob>>,
) -> DomainResult<Vec<DomainResult<OrderAnswer>>> {
    if store::places_one_at_a_time(conn) {
        return Ok(jobs
            .into_iter()
            .map(|job| {
                let (head, parse) = split(job);
                head.span.in_scope(|| {
                    create::place_keyed(conn, settings, &head.actor, &head.keyed(), parse)
                })
            })
            .collect());
    }
    let mut outcomes: Vec<Option<DomainResult<String>>> = jobs.iter().map(|_| None).collect();
    let mut ready: Vec<(usize, i64, ParsedOrder)> = Vec::new();
    let heads: Vec<Head> = jobs
        .into_iter()
        .enumerate()
        .map(|(at, job)| {
            let (head, parse) = split(job);
            let checked = head.span.in_scope(|| {
                parse().and_then(|req| {
                    let agency_id = create::ordering_agency(conn, &head.actor, &req)?;
                    Ok((agency_id, req))
                })
            });
            match checked {
                Ok((agency_id, req)) => ready.push((at, agency_id, req)),
                Err(refused) => outcomes[at] = Some(Err(refused)),
            }
            head
        })
        .collect();
    if !ready.is_empty() {
        let pg = store::postgres(conn)?;
        for (at, outcome) in place_ready(pg, settings, &heads, &ready)? {
            outcomes[at] = Some(outcome);
        }
    }
    let mut answers = Vec::with_capacity(outcomes.len());
    for (outcome, head) in outcomes.into_iter().zip(&heads) {
        let _in_request = head.span.enter();
        answers.push(match outcome {
            Some(Ok(body)) => Ok((201, body)),
            Some(Err(refused)) => {
                // A retried request gets its first answer, even one it would now be refused.
                match idempotency::lookup(conn, head.actor.user_id, &head.key, &head.fingerprint) {
                    Ok(Some(replay)) => Ok(replay),
                    Ok(None) => Err(refused),
                    Err(e) => Err(e),
                }
            }
            None => Err(DomainError::internal(
                "an order of the batch was not placed",
            )),
        });
    }
    Ok(answers)
}

/// Reads, checks and writes the orders that passed the request checks; the outcome of each,
/// by its position in the batch.
fn place_ready(
    pg: &mut PgConnection,
    settings: &OrderSettings,
    heads: &[Head],
    ready: &[(usize, i64, ParsedOrder)],
) -> DomainResult<Vec<(usize, DomainResult<String>)>> {
    let now = clock::now();
    let product_ids: Vec<Vec<i64>> = ready
        .iter()
        .map(|(_, _, req)| req.lines.iter().map(|(id, _)| *id).collect())
        .collect();
    let asked: Vec<(i64, &[i64])> = ready
        .iter()
        .zip(&product_ids)
        .map(|((_, agency_id, _), ids)| (*agency_id, ids.as_slice()))
        .collect();
    let read = postgres::batch_inputs(pg, &asked, split_purchase::window_start(now.date()))?;
    let mut fulfillment_ids = read.fulfillment_ids.iter().copied();
    let mut candidates: Vec<Candidate> = Vec::with_capacity(ready.len());
    for (n, ((at, agency_id, req), ids)) in ready.iter().zip(&product_ids).enumerate() {
        let products: Vec<ProductRow> = read
            .products
            .iter()
            .filter(|p| ids.contains(&p.id))
            .cloned()
            .collect();
        let mut enterprises: Vec<i64> = products.iter().map(|p| p.enterprise_id).collect();
        enterprises.sort_unstable();
        enterprises.dedup();
        candidates.push(Candidate {
            at: *at,
            agency_id: *agency_id,
            req,
            inputs: OrderInputs {
                products,
                order_id: read.order_ids.get(n).copied().unwrap_or(0),
                fulfillment_ids: fulfillment_ids.by_ref().take(enterprises.len()).collect(),
                earlier: Vec::new(),
            },
        });
    }
    let mut outcomes = Vec::with_capacity(ready.len());
    // Orders the stock read can serve one after another go into the batch; the others are
    // written alone afterwards (the database may have more stock by then, or refuses them).
    let mut stock: HashMap<i64, i64> = read.products.iter().map(|p| (p.id, p.stock)).collect();
    let mut expected_amounts: Vec<(i64, PurchaseAmount)> = Vec::new();
    let mut batch: Vec<(usize, Prepared)> = Vec::new();
    let mut one_by_one: Vec<usize> = Vec::new();
    for (n, candidate) in candidates.iter_mut().enumerate() {
        match candidate.prepare(settings, heads, &read.earlier, &expected_amounts, now) {
            Ok(order) if candidate.take_from(&mut stock) => {
                let agency_id = candidate.agency_id;
                expected_amounts.extend(order.amounts.iter().map(|a| (agency_id, a.clone())));
                batch.push((n, order));
            }
            Ok(_) => one_by_one.push(n),
            Err(refused) => outcomes.push((candidate.at, Err(refused))),
        }
    }
    let mut placed_amounts: Vec<(i64, PurchaseAmount)> = Vec::new();
    if batch.len() > 1 {
        let keyed: Vec<KeyedRequest> = batch
            .iter()
            .map(|(n, _)| heads[candidates[*n].at].keyed())
            .collect();
        let news: Vec<NewOrder> = batch
            .iter()
            .zip(&keyed)
            .map(|((_, order), keyed)| order.new_order(settings, keyed))
            .collect();
        // Anything but success (a product short after all, a key already used, any other
        // error) writes nothing: then every order is written alone.
        if let Ok(Written::Placed) = postgres::insert_orders(pg, &news) {
            placed_amounts = expected_amounts;
            for (n, order) in batch.drain(..) {
                outcomes.push((candidates[n].at, Ok(order.response_body)));
            }
        }
    }
    one_by_one.extend(batch.into_iter().map(|(n, _)| n));
    one_by_one.sort_unstable();
    // Each as if it had come alone, in turn: its split-purchase sums count only the orders
    // placed before it.
    for n in one_by_one {
        let candidate = &mut candidates[n];
        let head = &heads[candidate.at];
        let _in_request = head.span.enter();
        let outcome = candidate
            .prepare(settings, heads, &read.earlier, &placed_amounts, now)
            .and_then(|order| {
                let keyed = head.keyed();
                match postgres::insert_orders(pg, &[order.new_order(settings, &keyed)])? {
                    Written::Placed => {
                        let agency_id = candidate.agency_id;
                        placed_amounts.extend(order.amounts.iter().map(|a| (agency_id, a.clone())));
                        Ok(order.response_body)
                    }
                    // A concurrent order took the stock after it was read; nothing was written.
                    Written::ShortOf(product) => Err(create::insufficient(&read.products, product)),
                }
            });
        outcomes.push((candidate.at, outcome));
    }
    Ok(outcomes)
}

/// An order of the batch that passed the request checks, with what was read for it.
struct Candidate<'a> {
    at: usize,
    agency_id: i64,
    req: &'a ParsedOrder,
    inputs: OrderInputs,
}

impl Candidate<'_> {
    /// Prepares the order as if `placed` (agency, amount) had been written before it.
    fn prepare(
        &mut self,
        settings: &OrderSettings,
        heads: &[Head],
        read_earlier: &[(i64, PurchaseAmount)],
        placed: &[(i64, PurchaseAmount)],
        now: NaiveDateTime,
    ) -> DomainResult<Prepared> {
        self.inputs.earlier = read_earlier
            .iter()
            .chain(placed)
            .filter(|(agency, _)| *agency == self.agency_id)
            .map(|(_, amount)| amount.clone())
            .collect();
        let head = &heads[self.at];
        head.span.in_scope(|| {
            create::prepare(
                settings,
                &head.actor,
                self.agency_id,
                self.req,
                &self.inputs,
                now,
            )
        })
    }

    /// Takes this order's quantities from `stock` if every line fits.
    fn take_from(&self, stock: &mut HashMap<i64, i64>) -> bool {
        let fits = self
            .req
            .lines
            .iter()
            .all(|(id, quantity)| stock.get(id).is_some_and(|left| left >= quantity));
        if fits {
            for (id, quantity) in &self.req.lines {
                if let Some(left) = stock.get_mut(id) {
                    *left -= quantity;
                }
            }
        }
        fits
    }
}
