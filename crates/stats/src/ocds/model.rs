//! The OCDS 1.1 release package, as far as the export fills it: plain serde types (camelCase
//! field names as the standard spells them), absent fields left out. Codelist values are
//! enums, so the OpenAPI document lists them. No queries, no mapping.

use serde::Serialize;
use utoipa::ToSchema;

/// An OCDS 1.1 release package (`release-package-schema.json`).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = OcdsReleasePackage)]
pub struct ReleasePackage {
    /// The URI this package is served at.
    #[schema(format = "uri")]
    pub uri: String,
    /// The OCDS schema version, `1.1`.
    #[schema(example = "1.1")]
    pub version: String,
    /// When what the package holds last changed (RFC 3339, UTC): it is generated on demand.
    #[schema(format = DateTime)]
    pub published_date: String,
    pub publisher: Publisher,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = "uri")]
    pub license: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = "uri")]
    pub publication_policy: Option<String>,
    /// One release per contracting process (its current state), by ocid.
    #[schema(min_items = 1)]
    pub releases: Vec<Release>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = OcdsPublisher)]
pub struct Publisher {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = "uri")]
    pub uri: Option<String>,
}

/// A release: the contracting process as it stands when the package is generated.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = OcdsRelease)]
pub struct Release {
    /// `<prefix>-rfq-<request id>` or `<prefix>-order-<order id>`.
    pub ocid: String,
    /// `<ocid>-<date as YYYYMMDDThhmmss + microseconds>Z`: a new id whenever the process changes.
    pub id: String,
    /// When the process last changed.
    #[schema(format = DateTime)]
    pub date: String,
    #[schema(min_items = 1)]
    pub tag: Vec<ReleaseTag>,
    pub initiation_type: InitiationType,
    /// `ko`: names and descriptions are Korean.
    pub language: String,
    pub parties: Vec<Party>,
    pub buyer: OrganizationReference,
    pub tender: Tender,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub awards: Vec<Award>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contracts: Vec<Contract>,
}

/// The closed releaseTag codelist values the export uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = OcdsReleaseTag)]
pub enum ReleaseTag {
    Tender,
    TenderCancellation,
    Award,
    AwardCancellation,
    Contract,
    Implementation,
    ContractTermination,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = OcdsInitiationType)]
pub enum InitiationType {
    Tender,
}

/// A party of the process: the buyer agency, tenderers and suppliers.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = OcdsParty)]
pub struct Party {
    /// `agency-<id>` for an agency, `KR-BRN-<biz_reg_no>` for an enterprise.
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<Identifier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    pub roles: Vec<PartyRole>,
}

/// The partyRole codelist values the export uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = OcdsPartyRole)]
pub enum PartyRole {
    Buyer,
    Payer,
    Tenderer,
    Supplier,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = OcdsIdentifier)]
pub struct Identifier {
    /// `KR-BRN`: the Korean business registration number (사업자등록번호).
    pub scheme: String,
    /// `123-45-67890`.
    pub id: String,
    pub legal_name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = OcdsAddress)]
pub struct Address {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
    /// The district (구·군).
    pub locality: String,
    /// The metropolitan city or province (시·도).
    pub region: String,
    pub country_name: String,
}

/// A reference to a party by its `id` in `parties`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = OcdsOrganizationReference)]
pub struct OrganizationReference {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = OcdsTender)]
pub struct Tender {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub status: TenderStatus,
    pub items: Vec<Item>,
    /// The request's budget.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Money>,
    pub procurement_method: ProcurementMethod,
    pub procurement_method_details: String,
    pub main_procurement_category: ProcurementCategory,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tender_period: Option<Period>,
    /// Enterprises that quoted (withdrawn quotes aside), once the quotes are no longer sealed
    /// and the request is no longer open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_of_tenderers: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenderers: Option<Vec<OrganizationReference>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = OcdsTenderStatus)]
pub enum TenderStatus {
    Active,
    Complete,
    Cancelled,
    Unsuccessful,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = OcdsProcurementMethod)]
pub enum ProcurementMethod {
    /// Procurement requests: only verified member enterprises selling in the category quote.
    Selective,
    /// Catalog orders (바로구매).
    Direct,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = OcdsProcurementCategory)]
pub enum ProcurementCategory {
    Goods,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = OcdsItem)]
pub struct Item {
    pub id: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classification: Option<Classification>,
    pub quantity: i64,
    pub unit: Unit,
}

/// A goods classification code (물품분류번호, UNSPSC-based, 8 digits).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = OcdsClassification)]
pub struct Classification {
    /// `UNSPSC`.
    pub scheme: String,
    pub id: String,
    pub description: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = OcdsUnit)]
pub struct Unit {
    pub name: String,
    /// The price of one unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Money>,
}

/// An amount of Korean won (whole won).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = OcdsValue)]
pub struct Money {
    pub amount: i64,
    pub currency: Currency,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = OcdsCurrency)]
pub enum Currency {
    #[allow(clippy::upper_case_acronyms)]
    KRW,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = OcdsPeriod)]
pub struct Period {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub start_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub end_date: Option<String>,
}

/// The order an award (or a catalog purchase) became.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = OcdsAward)]
pub struct Award {
    /// The order number (`MH-YYYY-NNNNNN`).
    pub id: String,
    pub status: AwardStatus,
    #[schema(format = DateTime)]
    pub date: String,
    /// The order's total.
    pub value: Money,
    pub suppliers: Vec<OrganizationReference>,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = OcdsAwardStatus)]
pub enum AwardStatus {
    Active,
    Cancelled,
}

/// One enterprise's part of the order (a fulfillment).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = OcdsContract)]
pub struct Contract {
    /// `fulfillment-<id>`.
    pub id: String,
    #[serde(rename = "awardID")]
    pub award_id: String,
    pub status: ContractStatus,
    pub value: Money,
    pub items: Vec<Item>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub implementation: Option<Implementation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = OcdsContractStatus)]
pub enum ContractStatus {
    Pending,
    Active,
    Cancelled,
    Terminated,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = OcdsImplementation)]
pub struct Implementation {
    pub transactions: Vec<Transaction>,
}

/// The buyer's payment of a fulfillment (대가 지급), marked paid.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = OcdsTransaction)]
pub struct Transaction {
    /// `payment-<fulfillment id>`.
    pub id: String,
    #[schema(format = DateTime)]
    pub date: String,
    pub value: Money,
    pub payer: OrganizationReference,
}
