//! Muhan's statuses in OCDS codelists, and timestamps in RFC 3339. Pure.

use super::super::model::{AwardStatus, ContractStatus, TenderStatus};
use chrono::{NaiveDateTime, SecondsFormat};
use muhan_matching::model::RequestStatus;
use muhan_orders::status::FulfillmentStatus;

/// A request's status as the tender's: `open` is `active`, `awarded` `complete`, `closed`
/// (ended without an award) `unsuccessful`, `cancelled` `cancelled`.
pub fn tender_status(status: RequestStatus) -> TenderStatus {
    match status {
        RequestStatus::Open => TenderStatus::Active,
        RequestStatus::Awarded => TenderStatus::Complete,
        RequestStatus::Closed => TenderStatus::Unsuccessful,
        RequestStatus::Cancelled => TenderStatus::Cancelled,
    }
}

/// A fulfillment's status as its contract's: `placed` (not yet accepted by the enterprise) is
/// `pending`; accepted and under way (returns included) `active`; paid or settled (the buyer
/// has paid: the contract is fulfilled and closed) `terminated`; rejected by the enterprise
/// or cancelled before it was under way `cancelled`.
pub fn contract_status(status: FulfillmentStatus) -> ContractStatus {
    use FulfillmentStatus as S;
    match status {
        S::Placed => ContractStatus::Pending,
        S::Accepted
        | S::Shipped
        | S::Delivered
        | S::Returned
        | S::Inspected
        | S::PaymentClaimed => ContractStatus::Active,
        S::Paid | S::Settled => ContractStatus::Terminated,
        S::Rejected | S::Cancelled => ContractStatus::Cancelled,
    }
}

/// An award (an order) is `cancelled` when every part of it was rejected or cancelled, else
/// `active`.
pub fn award_status(contracts: &[ContractStatus]) -> AwardStatus {
    if contracts.iter().all(|s| *s == ContractStatus::Cancelled) {
        AwardStatus::Cancelled
    } else {
        AwardStatus::Active
    }
}

/// RFC 3339 in UTC with a `Z` (fractions of seconds only when there are any).
pub fn date(at: NaiveDateTime) -> String {
    at.and_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// A release id: the ocid and the instant the process last changed, to the microsecond.
pub fn release_id(ocid: &str, at: NaiveDateTime) -> String {
    format!("{ocid}-{}", at.format("%Y%m%dT%H%M%S%6fZ"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fulfillment_status_has_a_contract_status() {
        use FulfillmentStatus as S;
        assert_eq!(contract_status(S::Placed), ContractStatus::Pending);
        assert_eq!(contract_status(S::Returned), ContractStatus::Active);
        assert_eq!(contract_status(S::Paid), ContractStatus::Terminated);
        assert_eq!(contract_status(S::Rejected), ContractStatus::Cancelled);
        assert_eq!(
            award_status(&[ContractStatus::Cancelled, ContractStatus::Active]),
            AwardStatus::Active
        );
        assert_eq!(
            award_status(&[ContractStatus::Cancelled]),
            AwardStatus::Cancelled
        );
    }

    #[test]
    fn dates_are_rfc_3339_utc() {
        let at = chrono::DateTime::from_timestamp(1_709_284_515, 123_456_000)
            .map(|d| d.naive_utc())
            .unwrap_or_default();
        assert_eq!(date(at), "2024-03-01T09:15:15.123456Z");
        assert_eq!(release_id("o", at), "o-20240301T091515123456Z");
        assert_eq!(
            tender_status(RequestStatus::Closed),
            TenderStatus::Unsuccessful
        );
    }
}
