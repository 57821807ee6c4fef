//! Enumerations of the marketplace, stored as TEXT with CHECK constraints.

use crate::text_enum;

text_enum! {
    /// The six kinds of social-economy enterprise.
    EnterpriseKind {
        /// 인증 사회적기업
        SocialEnterprise = "social_enterprise",
        /// 예비사회적기업
        PreliminarySocialEnterprise = "preliminary_social_enterprise",
        /// 협동조합
        Cooperative = "cooperative",
        /// 사회적협동조합
        SocialCooperative = "social_cooperative",
        /// 마을기업
        VillageEnterprise = "village_enterprise",
        /// 자활기업
        SelfSufficiencyEnterprise = "self_sufficiency_enterprise",
    }
}

text_enum! {
    /// `pending` until an admin verifies the enterprise; `suspended` takes its products out of
    /// the catalog.
    EnterpriseStatus { Pending = "pending", Verified = "verified", Suspended = "suspended" }
}

text_enum! {
    /// Kinds of public agency (buyers).
    AgencyKind {
        CentralGovernment = "central_government",
        LocalGovernment = "local_government",
        EducationOffice = "education_office",
        PublicInstitution = "public_institution",
        LocalPublicEnterprise = "local_public_enterprise",
        OtherPublic = "other_public",
    }
}

text_enum! {
    /// Product review states.
    ProductStatus {
        Draft = "draft",
        PendingReview = "pending_review",
        Approved = "approved",
        Rejected = "rejected",
        Archived = "archived",
    }
}
