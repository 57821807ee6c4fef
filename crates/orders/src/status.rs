//! The fulfillment state machine, pure: statuses, actions, who may do what, the legal
//! transitions and the order status derived from its fulfillments.
//!
//! ```text
//! placed → accepted → shipped → delivered → inspected → payment_claimed → paid → settled
//! placed → rejected            delivered → returned → shipped (again)
//! placed | accepted → cancelled (order cancel)
//! ```

use muhan_core::{text_enum, Actor, Role};

text_enum! {
    /// Where a fulfillment stands.
    FulfillmentStatus {
        Placed = "placed",
        Accepted = "accepted",
        Shipped = "shipped",
        Delivered = "delivered",
        Inspected = "inspected",
        PaymentClaimed = "payment_claimed",
        Paid = "paid",
        Settled = "settled",
        Rejected = "rejected",
        Returned = "returned",
        Cancelled = "cancelled",
    }
}

/// What can be done to a fulfillment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Accept,
    Reject,
    Ship,
    Deliver,
    /// 검수 passed.
    InspectPass,
    /// 검수 failed: the goods go back.
    InspectFail,
    ClaimPayment,
    MarkPaid,
    Settle,
    Cancel,
}

impl Action {
    pub const ALL: [Action; 10] = [
        Action::Accept,
        Action::Reject,
        Action::Ship,
        Action::Deliver,
        Action::InspectPass,
        Action::InspectFail,
        Action::ClaimPayment,
        Action::MarkPaid,
        Action::Settle,
        Action::Cancel,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Reject => "reject",
            Action::Ship => "ship",
            Action::Deliver => "deliver",
            Action::InspectPass | Action::InspectFail => "inspect",
            Action::ClaimPayment => "claim-payment",
            Action::MarkPaid => "mark-paid",
            Action::Settle => "settle",
            Action::Cancel => "cancel",
        }
    }

    /// Who may take this action, in the role they act in for this fulfillment.
    pub fn allowed(self, party: Party) -> bool {
        match self {
            Action::Accept
            | Action::Reject
            | Action::Ship
            | Action::Deliver
            | Action::ClaimPayment => party == Party::Enterprise,
            Action::InspectPass | Action::InspectFail => party == Party::Buyer,
            Action::MarkPaid | Action::Cancel => matches!(party, Party::Buyer | Party::Admin),
            Action::Settle => party == Party::Admin,
        }
    }
}

/// How the caller relates to a fulfillment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// A user of the fulfilling enterprise.
    Enterprise,
    /// A buyer of the ordering agency.
    Buyer,
    Admin,
}

/// The state `action` leads to from `from`, or `None` when it is not a legal transition.
pub fn next(from: FulfillmentStatus, action: Action) -> Option<FulfillmentStatus> {
    use Action as A;
    use FulfillmentStatus as S;
    match (from, action) {
        (S::Placed, A::Accept) => Some(S::Accepted),
        (S::Placed, A::Reject) => Some(S::Rejected),
        (S::Accepted | S::Returned, A::Ship) => Some(S::Shipped),
        (S::Shipped, A::Deliver) => Some(S::Delivered),
        (S::Delivered, A::InspectPass) => Some(S::Inspected),
        (S::Delivered, A::InspectFail) => Some(S::Returned),
        (S::Inspected, A::ClaimPayment) => Some(S::PaymentClaimed),
        (S::PaymentClaimed, A::MarkPaid) => Some(S::Paid),
        (S::Paid, A::Settle) => Some(S::Settled),
        (S::Placed | S::Accepted, A::Cancel) => Some(S::Cancelled),
        _ => None,
    }
}

/// The order's status, derived from its fulfillments: the least advanced live one, or
/// `cancelled`/`rejected` when none is live.
pub fn order_status(statuses: &[FulfillmentStatus]) -> FulfillmentStatus {
    use FulfillmentStatus as S;
    let progress = |s: &S| match s {
        S::Placed => 0,
        S::Accepted => 1,
        S::Returned => 2,
        S::Shipped => 3,
        S::Delivered => 4,
        S::Inspected => 5,
        S::PaymentClaimed => 6,
        S::Paid => 7,
        S::Settled => 8,
        S::Rejected | S::Cancelled => 9,
    };
    match statuses.iter().min_by_key(|s| progress(s)) {
        Some(S::Rejected | S::Cancelled) | None => {
            if statuses.iter().all(|s| *s == S::Cancelled) {
                S::Cancelled
            } else {
                S::Rejected
            }
        }
        Some(live) => *live,
    }
}

/// The caller's relation to a fulfillment of `enterprise_id` in an order of `agency_id`;
/// `None` means the fulfillment is not visible to them (404).
pub fn party_of(actor: &Actor, enterprise_id: i64, agency_id: i64) -> Option<Party> {
    match actor.role {
        Role::Admin => Some(Party::Admin),
        Role::Enterprise if actor.enterprise_id == Some(enterprise_id) => Some(Party::Enterprise),
        Role::Buyer if actor.agency_id == Some(agency_id) => Some(Party::Buyer),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use FulfillmentStatus as S;

    #[test]
    fn exactly_the_documented_transitions_are_legal() {
        let legal = [
            (S::Placed, Action::Accept, S::Accepted),
            (S::Placed, Action::Reject, S::Rejected),
            (S::Accepted, Action::Ship, S::Shipped),
            (S::Returned, Action::Ship, S::Shipped),
            (S::Shipped, Action::Deliver, S::Delivered),
            (S::Delivered, Action::InspectPass, S::Inspected),
            (S::Delivered, Action::InspectFail, S::Returned),
            (S::Inspected, Action::ClaimPayment, S::PaymentClaimed),
            (S::PaymentClaimed, Action::MarkPaid, S::Paid),
            (S::Paid, Action::Settle, S::Settled),
            (S::Placed, Action::Cancel, S::Cancelled),
            (S::Accepted, Action::Cancel, S::Cancelled),
        ];
        let mut count = 0;
        for from in S::ALL {
            for action in Action::ALL {
                let expected = legal
                    .iter()
                    .find(|(f, a, _)| f == from && *a == action)
                    .map(|t| t.2);
                assert_eq!(next(*from, action), expected, "{from} {action:?}");
                count += usize::from(expected.is_some());
            }
        }
        assert_eq!(count, legal.len());
    }

    #[test]
    fn roles() {
        assert!(Action::Accept.allowed(Party::Enterprise));
        assert!(!Action::Accept.allowed(Party::Admin));
        assert!(!Action::Accept.allowed(Party::Buyer));
        assert!(Action::InspectPass.allowed(Party::Buyer));
        assert!(!Action::InspectPass.allowed(Party::Admin));
        assert!(Action::MarkPaid.allowed(Party::Admin));
        assert!(Action::MarkPaid.allowed(Party::Buyer));
        assert!(!Action::MarkPaid.allowed(Party::Enterprise));
        assert!(Action::Settle.allowed(Party::Admin));
        assert!(!Action::Settle.allowed(Party::Buyer));
    }

    #[test]
    fn derived_order_status() {
        assert_eq!(order_status(&[S::Placed, S::Shipped]), S::Placed);
        assert_eq!(order_status(&[S::Rejected, S::Shipped]), S::Shipped);
        assert_eq!(order_status(&[S::Cancelled, S::Cancelled]), S::Cancelled);
        assert_eq!(order_status(&[S::Cancelled, S::Rejected]), S::Rejected);
        assert_eq!(order_status(&[S::Settled, S::Paid]), S::Paid);
    }
}
