//! Configurable rules of direct purchase.

use muhan_core::EnterpriseKind;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct OrderSettings {
    /// The co-op's commission in basis points (300 = 3 %).
    pub commission_bp: i64,
    /// Largest fulfillment a buyer may order directly (수의계약 with a single quote), by kind.
    pub private_contract_limits: HashMap<EnterpriseKind, i64>,
    /// Largest fulfillment that may be awarded on quotes from two or more enterprises (2인 이상
    /// 견적), by kind.
    pub two_quote_limits: HashMap<EnterpriseKind, i64>,
    /// Days after delivery within which the buyer must inspect (검사).
    pub inspection_days: i64,
    /// Days after a payment claim within which the buyer must pay.
    pub payment_days: i64,
}

/// 50,000,000 won for certified social enterprises, social cooperatives, village and
/// self-sufficiency enterprises; 20,000,000 won for the others.
pub fn default_limit(kind: EnterpriseKind) -> i64 {
    match kind {
        EnterpriseKind::SocialEnterprise
        | EnterpriseKind::SocialCooperative
        | EnterpriseKind::VillageEnterprise
        | EnterpriseKind::SelfSufficiencyEnterprise => 50_000_000,
        EnterpriseKind::PreliminarySocialEnterprise | EnterpriseKind::Cooperative => 20_000_000,
    }
}

/// 100,000,000 won for the statutory social-economy kinds (국가계약법 시행령 §26①5가5),
/// the one-quote limit for the others (a plain cooperative or a preliminary social enterprise
/// gains nothing from a second quote).
pub fn default_two_quote_limit(kind: EnterpriseKind) -> i64 {
    match kind {
        EnterpriseKind::SocialEnterprise
        | EnterpriseKind::SocialCooperative
        | EnterpriseKind::VillageEnterprise
        | EnterpriseKind::SelfSufficiencyEnterprise => 100_000_000,
        EnterpriseKind::PreliminarySocialEnterprise | EnterpriseKind::Cooperative => {
            default_limit(kind)
        }
    }
}

impl Default for OrderSettings {
    fn default() -> Self {
        Self {
            commission_bp: 300,
            private_contract_limits: EnterpriseKind::ALL
                .iter()
                .map(|k| (*k, default_limit(*k)))
                .collect(),
            two_quote_limits: EnterpriseKind::ALL
                .iter()
                .map(|k| (*k, default_two_quote_limit(*k)))
                .collect(),
            inspection_days: 14,
            payment_days: 5,
        }
    }
}

impl OrderSettings {
    pub fn limit_for(&self, kind: EnterpriseKind) -> i64 {
        self.private_contract_limits
            .get(&kind)
            .copied()
            .unwrap_or_else(|| default_limit(kind))
    }

    /// The largest private contract (one fulfillment) with an enterprise of `kind` when the
    /// purchase received quotes from `quoting_enterprises` enterprises: the two-quote limit
    /// from two on, never below the one-quote limit.
    pub fn contract_limit(&self, kind: EnterpriseKind, quoting_enterprises: usize) -> i64 {
        let one_quote = self.limit_for(kind);
        if quoting_enterprises < 2 {
            return one_quote;
        }
        self.two_quote_limits
            .get(&kind)
            .copied()
            .unwrap_or_else(|| default_two_quote_limit(kind))
            .max(one_quote)
    }
}
