//! The pieces every release is built of: parties and references to them, items, amounts.

use super::super::model::{
    Address, Classification, Currency, Identifier, Item, Money, OrganizationReference, Party,
    PartyRole, Unit,
};
use super::super::rows::{AgencyRow, EnterpriseRow, LineRow};
use super::index::Index;

pub const KRW: Currency = Currency::KRW;
const COUNTRY: &str = "대한민국";

pub fn won(amount: i64) -> Money {
    Money {
        amount,
        currency: KRW,
    }
}

pub fn agency_ref(agency: &AgencyRow) -> OrganizationReference {
    OrganizationReference {
        id: format!("agency-{}", agency.id),
        name: agency.name.clone(),
    }
}

pub fn enterprise_ref(enterprise: &EnterpriseRow) -> OrganizationReference {
    OrganizationReference {
        id: format!("KR-BRN-{}", enterprise.biz_reg_no),
        name: enterprise.name.clone(),
    }
}

/// A release's parties, each once with all its roles, in the order first named.
#[derive(Default)]
pub struct Parties(Vec<Party>);

impl Parties {
    pub fn agency(&mut self, index: &Index<'_>, agency: &AgencyRow, role: PartyRole) {
        let reference = agency_ref(agency);
        let address = agency
            .district
            .as_deref()
            .and_then(|code| address(index, code, None));
        self.add(reference, None, address, role);
    }

    pub fn enterprise(&mut self, index: &Index<'_>, enterprise: &EnterpriseRow, role: PartyRole) {
        let identifier = Identifier {
            scheme: "KR-BRN".into(),
            id: enterprise.biz_reg_no.clone(),
            legal_name: enterprise.name.clone(),
        };
        let street = Some(enterprise.address.trim())
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        let address = address(index, &enterprise.district, street);
        self.add(enterprise_ref(enterprise), Some(identifier), address, role);
    }

    fn add(
        &mut self,
        reference: OrganizationReference,
        identifier: Option<Identifier>,
        address: Option<Address>,
        role: PartyRole,
    ) {
        match self.0.iter_mut().find(|p| p.id == reference.id) {
            Some(party) => {
                if !party.roles.contains(&role) {
                    party.roles.push(role);
                    party.roles.sort_unstable();
                }
            }
            None => self.0.push(Party {
                id: reference.id,
                name: reference.name,
                identifier,
                address,
                roles: vec![role],
            }),
        }
    }

    pub fn into_vec(self) -> Vec<Party> {
        self.0
    }
}

fn address(index: &Index<'_>, district: &str, street: Option<String>) -> Option<Address> {
    index.district(district).map(|d| Address {
        street_address: street,
        locality: d.name.clone(),
        region: d.sido.clone(),
        country_name: COUNTRY.into(),
    })
}

pub fn classification(index: &Index<'_>, category_id: i64) -> Option<Classification> {
    index.category(category_id).map(|c| Classification {
        scheme: "UNSPSC".into(),
        id: c.code.clone(),
        description: c.name.clone(),
    })
}

/// An order line as an item: what was bought, at what unit price.
pub fn line_item(index: &Index<'_>, line: &LineRow) -> Item {
    Item {
        id: format!("line-{}", line.id),
        description: line.product_name.clone(),
        classification: classification(index, line.category_id),
        quantity: line.quantity,
        unit: Unit {
            name: line.unit.clone(),
            value: Some(won(line.unit_price_won)),
        },
    }
}
