//! The Korean names of report groups that need no lookup.

use muhan_core::EnterpriseKind;

/// `2019` → `2019년`.
pub fn year_label(key: &str) -> String {
    format!("{key}년")
}

/// `2019-03` → `2019년 3월`.
pub fn month_label(key: &str) -> String {
    match key.split_once('-') {
        Some((year, month)) => {
            let month = month.trim_start_matches('0');
            format!("{year}년 {month}월")
        }
        None => key.to_owned(),
    }
}

/// The legal name of an enterprise kind (`social_enterprise` → `인증 사회적기업`).
pub fn kind_label(kind: EnterpriseKind) -> &'static str {
    match kind {
        EnterpriseKind::SocialEnterprise => "인증 사회적기업",
        EnterpriseKind::PreliminarySocialEnterprise => "예비사회적기업",
        EnterpriseKind::Cooperative => "협동조합",
        EnterpriseKind::SocialCooperative => "사회적협동조합",
        EnterpriseKind::VillageEnterprise => "마을기업",
        EnterpriseKind::SelfSufficiencyEnterprise => "자활기업",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_labels() {
        assert_eq!(year_label("2019"), "2019년");
        assert_eq!(month_label("2019-03"), "2019년 3월");
        assert_eq!(month_label("2020-12"), "2020년 12월");
    }

    #[test]
    fn every_kind_has_a_korean_name() {
        for kind in EnterpriseKind::ALL {
            assert!(!kind_label(*kind).is_ascii());
        }
    }
}
