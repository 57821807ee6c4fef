//! Rows → releases, pure: one release per contracting process, describing it as it stands.
//!
//! - A procurement request (`<prefix>-rfq-<id>`): the tender (`selective`: only verified
//!   member enterprises selling in the category quote), its tenderers once the quotes are no
//!   longer sealed and the request no longer open, and the award its order is.
//! - A catalog order (`<prefix>-order-<id>`): direct procurement (`direct`), awarded when placed.
//!
//! Either way the order is one award (its total, its suppliers, its lines) and each
//! fulfillment a contract (its subtotal, its lines, from acceptance to payment).

mod codes;
mod index;
mod parts;

use super::model::{
    Award, AwardStatus, Contract, ContractStatus, Implementation, InitiationType, Item,
    OrganizationReference, PartyRole, Period, ProcurementCategory, ProcurementMethod, Release,
    ReleaseTag, Tender, TenderStatus, Transaction, Unit,
};
use super::rows::{OrderRow, RequestRow, YearData};
use chrono::NaiveDateTime;
use index::Index;
use muhan_core::{DomainError, DomainResult};
use muhan_matching::model::RequestStatus;
use muhan_orders::status::FulfillmentStatus;
use parts::{agency_ref, classification, enterprise_ref, line_item, won, Parties};

pub use codes::date;

const RFQ_METHOD: &str = "견적 요청 (수의계약): quotes from verified member social-economy \
                          enterprises selling in the category";
const CATALOG_METHOD: &str = "바로구매 (수의계약): catalog purchase at the listed prices";

/// The year's releases: requests in id order, then catalog orders in id order. `now` decides
/// whether sealed quotes may be shown.
/// Also answers when the latest of them last changed (`None` without releases).
pub fn releases(
    data: &YearData,
    ocid_prefix: &str,
    now: NaiveDateTime,
) -> DomainResult<(Vec<Release>, Option<NaiveDateTime>)> {
    let index = Index::new(data);
    let mut processes = Vec::with_capacity(data.requests.len() + data.orders.len());
    for request in &data.requests {
        processes.push(rfq_release(&index, ocid_prefix, request, now)?);
    }
    for order in data.orders.iter().filter(|o| o.contract_type == "catalog") {
        processes.push(catalog_release(&index, ocid_prefix, order)?);
    }
    let last_change = processes.iter().map(|p| p.last_change).max();
    Ok((
        processes.into_iter().map(Process::into_release).collect(),
        last_change,
    ))
}

fn internal(e: impl std::fmt::Display) -> DomainError {
    DomainError::internal(format!("OCDS export: {e}"))
}

fn rfq_release(
    index: &Index<'_>,
    prefix: &str,
    request: &RequestRow,
    now: NaiveDateTime,
) -> DomainResult<Process> {
    let ocid = format!("{prefix}-rfq-{}", request.id);
    let status: RequestStatus = request.status.parse().map_err(internal)?;
    let agency = index.agency(request.agency_id)?;
    let mut parties = Parties::default();
    parties.agency(index, agency, PartyRole::Buyer);
    // Tenderers are public once the request is decided and any seal has passed.
    let revealed = status != RequestStatus::Open && request.quotes_due.is_none_or(|due| due <= now);
    let mut tenderers = None;
    if revealed {
        let mut refs = Vec::new();
        for id in index.tenderers(request.id) {
            let enterprise = index.enterprise(*id)?;
            parties.enterprise(index, enterprise, PartyRole::Tenderer);
            refs.push(enterprise_ref(enterprise));
        }
        tenderers = Some(refs);
    }
    let tender = Tender {
        id: format!("rfq-{}", request.id),
        title: Some(request.title.clone()),
        description: Some(request.description.clone()).filter(|d| !d.trim().is_empty()),
        status: codes::tender_status(status),
        items: vec![Item {
            id: "1".into(),
            description: request.title.clone(),
            classification: classification(index, request.category_id),
            quantity: request.quantity,
            unit: Unit {
                name: request.unit.clone(),
                value: None,
            },
        }],
        value: Some(won(request.budget_won)),
        procurement_method: ProcurementMethod::Selective,
        procurement_method_details: RFQ_METHOD.into(),
        main_procurement_category: ProcurementCategory::Goods,
        tender_period: Some(Period {
            start_date: Some(date(request.created_at)),
            end_date: request.quotes_due.map(date),
        }),
        number_of_tenderers: tenderers.as_ref().map(|t: &Vec<_>| t.len() as i64),
        tenderers,
    };
    let mut process = Process {
        ocid,
        last_change: request.updated_at,
        buyer: agency_ref(agency),
        parties,
        tender,
        awards: Vec::new(),
        contracts: Vec::new(),
        tags: vec![ReleaseTag::Tender],
    };
    if status == RequestStatus::Cancelled {
        process.tags.push(ReleaseTag::TenderCancellation);
    }
    if let Some(order_id) = request.order_id {
        process.add_order(index, index.order(order_id)?)?;
    }
    Ok(process)
}

fn catalog_release(index: &Index<'_>, prefix: &str, order: &OrderRow) -> DomainResult<Process> {
    let agency = index.agency(order.agency_id)?;
    let mut parties = Parties::default();
    parties.agency(index, agency, PartyRole::Buyer);
    let items = index
        .fulfillments(order.id)
        .iter()
        .flat_map(|f| index.lines(f.id))
        .map(|l| line_item(index, l))
        .collect();
    let mut process = Process {
        ocid: format!("{prefix}-order-{}", order.id),
        last_change: order.created_at,
        buyer: agency_ref(agency),
        parties,
        tender: Tender {
            id: order.order_no.clone(),
            title: None,
            description: None,
            status: TenderStatus::Complete,
            items,
            value: None,
            procurement_method: ProcurementMethod::Direct,
            procurement_method_details: CATALOG_METHOD.into(),
            main_procurement_category: ProcurementCategory::Goods,
            tender_period: None,
            number_of_tenderers: None,
            tenderers: None,
        },
        awards: Vec::new(),
        contracts: Vec::new(),
        tags: vec![ReleaseTag::Tender],
    };
    process.add_order(index, order)?;
    Ok(process)
}

/// A release being built.
struct Process {
    ocid: String,
    last_change: NaiveDateTime,
    buyer: OrganizationReference,
    parties: Parties,
    tender: Tender,
    awards: Vec<Award>,
    contracts: Vec<Contract>,
    tags: Vec<ReleaseTag>,
}

impl Process {
    /// The order as the process's award, and its fulfillments as contracts.
    fn add_order(&mut self, index: &Index<'_>, order: &OrderRow) -> DomainResult<()> {
        self.last_change = self.last_change.max(order.created_at);
        let mut suppliers: Vec<OrganizationReference> = Vec::new();
        let mut award_items = Vec::new();
        let mut statuses = Vec::new();
        for f in index.fulfillments(order.id) {
            self.last_change = self.last_change.max(f.updated_at);
            let enterprise = index.enterprise(f.enterprise_id)?;
            self.parties
                .enterprise(index, enterprise, PartyRole::Supplier);
            let reference = enterprise_ref(enterprise);
            if !suppliers.contains(&reference) {
                suppliers.push(reference);
            }
            let items: Vec<Item> = index
                .lines(f.id)
                .iter()
                .map(|l| line_item(index, l))
                .collect();
            award_items.extend(items.iter().cloned());
            let status =
                codes::contract_status(f.status.parse::<FulfillmentStatus>().map_err(internal)?);
            statuses.push(status);
            let transactions: Vec<Transaction> = f
                .paid_at
                .map(|paid| Transaction {
                    id: format!("payment-{}", f.id),
                    date: date(paid),
                    value: won(f.subtotal_won),
                    payer: self.buyer.clone(),
                })
                .into_iter()
                .collect();
            if !transactions.is_empty() {
                self.parties
                    .agency(index, index.agency(order.agency_id)?, PartyRole::Payer);
            }
            let start = index.accepted(f.id);
            let end = f.paid_at.filter(|_| status == ContractStatus::Terminated);
            self.contracts.push(Contract {
                id: format!("fulfillment-{}", f.id),
                award_id: order.order_no.clone(),
                status,
                value: won(f.subtotal_won),
                items,
                period: (start.is_some() || end.is_some()).then(|| Period {
                    start_date: start.map(date),
                    end_date: end.map(date),
                }),
                implementation: (!transactions.is_empty())
                    .then_some(Implementation { transactions }),
            });
        }
        let award_status = codes::award_status(&statuses);
        self.awards.push(Award {
            id: order.order_no.clone(),
            status: award_status,
            date: date(order.created_at),
            value: won(order.total_won),
            suppliers,
            items: award_items,
        });
        self.tags.push(ReleaseTag::Award);
        if award_status == AwardStatus::Cancelled {
            self.tags.push(ReleaseTag::AwardCancellation);
        }
        if !self.contracts.is_empty() {
            self.tags.push(ReleaseTag::Contract);
        }
        if self.contracts.iter().any(|c| c.implementation.is_some()) {
            self.tags.push(ReleaseTag::Implementation);
        }
        if statuses.contains(&ContractStatus::Terminated) {
            self.tags.push(ReleaseTag::ContractTermination);
        }
        Ok(())
    }

    fn into_release(self) -> Release {
        Release {
            id: codes::release_id(&self.ocid, self.last_change),
            ocid: self.ocid,
            date: date(self.last_change),
            tag: self.tags,
            initiation_type: InitiationType::Tender,
            language: "ko".into(),
            parties: self.parties.into_vec(),
            buyer: self.buyer,
            tender: self.tender,
            awards: self.awards,
            contracts: self.contracts,
        }
    }
}
