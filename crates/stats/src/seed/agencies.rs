//! Daegu's public buyers: the city, its nine districts, the education office and schools,
//! city-owned enterprises, hospitals, universities, central agencies' regional offices and
//! the public institutions of the Daegu innovation city. Names are real institutions; their
//! purchases in the demo are synthetic.

/// `(name, kind, district, parent name, purchasing weight)`.
pub type Agency = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    u32,
);

const LG: &str = "local_government";
const EDU: &str = "education_office";
const PI: &str = "public_institution";
const LPE: &str = "local_public_enterprise";
const OP: &str = "other_public";
const CG: &str = "central_government";
const CITY: Option<&str> = Some("대구광역시청");
const EDU_OFFICE: Option<&str> = Some("대구광역시교육청");

pub const AGENCIES: &[Agency] = &[
    ("대구광역시청", LG, "27110", None, 60),
    ("대구광역시 중구청", LG, "27110", None, 18),
    ("대구광역시 동구청", LG, "27140", None, 20),
    ("대구광역시 서구청", LG, "27170", None, 16),
    ("대구광역시 남구청", LG, "27200", None, 16),
    ("대구광역시 북구청", LG, "27230", None, 22),
    ("대구광역시 수성구청", LG, "27260", None, 22),
    ("대구광역시 달서구청", LG, "27290", None, 24),
    ("대구광역시 달성군청", LG, "27710", None, 18),
    ("대구광역시 군위군청", LG, "27720", None, 8),
    ("대구광역시의회", LG, "27110", None, 4),
    ("대구광역시 소방안전본부", LG, "27290", CITY, 10),
    ("대구광역시 상수도사업본부", LPE, "27260", CITY, 10),
    ("대구광역시 보건환경연구원", LG, "27260", CITY, 5),
    ("대구광역시 농업기술센터", LG, "27290", CITY, 5),
    ("대구광역시교육청", EDU, "27260", None, 30),
    ("대구광역시동부교육지원청", EDU, "27140", EDU_OFFICE, 8),
    ("대구광역시서부교육지원청", EDU, "27290", EDU_OFFICE, 8),
    ("대구광역시남부교육지원청", EDU, "27200", EDU_OFFICE, 8),
    ("대구광역시달성교육지원청", EDU, "27710", EDU_OFFICE, 6),
    ("대구광역시교육연수원", EDU, "27140", EDU_OFFICE, 4),
    ("대구광역시립중앙도서관", EDU, "27110", EDU_OFFICE, 4),
    ("경북고등학교", EDU, "27260", EDU_OFFICE, 3),
    ("대구고등학교", EDU, "27200", EDU_OFFICE, 3),
    ("경북여자고등학교", EDU, "27230", EDU_OFFICE, 3),
    ("대구과학고등학교", EDU, "27260", EDU_OFFICE, 3),
    ("대구일과학고등학교", EDU, "27230", EDU_OFFICE, 2),
    ("대구중앙초등학교", EDU, "27110", EDU_OFFICE, 2),
    ("대구동천초등학교", EDU, "27230", EDU_OFFICE, 2),
    ("대구월배초등학교", EDU, "27290", EDU_OFFICE, 2),
    ("대구범어초등학교", EDU, "27260", EDU_OFFICE, 2),
    ("대구현풍초등학교", EDU, "27710", EDU_OFFICE, 2),
    ("군위초등학교", EDU, "27720", EDU_OFFICE, 2),
    ("군위중학교", EDU, "27720", EDU_OFFICE, 2),
    ("대구동중학교", EDU, "27140", EDU_OFFICE, 2),
    ("대구서부중학교", EDU, "27170", EDU_OFFICE, 2),
    ("대구남산고등학교", EDU, "27110", EDU_OFFICE, 2),
    ("대구도시개발공사", LPE, "27260", CITY, 12),
    ("대구교통공사", LPE, "27290", CITY, 16),
    ("대구시설관리공단", LPE, "27140", CITY, 12),
    ("대구환경공단", LPE, "27290", CITY, 10),
    ("엑스코", LPE, "27230", CITY, 6),
    ("대구의료원", OP, "27170", CITY, 12),
    ("대구문화예술진흥원", OP, "27200", CITY, 5),
    ("대구정책연구원", OP, "27260", CITY, 3),
    ("대구테크노파크", OP, "27290", CITY, 6),
    ("대구관광재단", OP, "27110", CITY, 4),
    ("대구사회서비스원", OP, "27140", CITY, 5),
    ("대구신용보증재단", OP, "27110", CITY, 3),
    ("대구여성가족재단", OP, "27110", CITY, 3),
    ("경북대학교", PI, "27230", None, 14),
    ("경북대학교병원", PI, "27110", None, 12),
    ("칠곡경북대학교병원", PI, "27230", Some("경북대학교병원"), 8),
    ("대구교육대학교", PI, "27200", None, 5),
    ("대구경북과학기술원", PI, "27710", None, 8),
    ("한국가스공사", PI, "27140", None, 14),
    ("한국부동산원", PI, "27140", None, 8),
    ("한국산업단지공단", PI, "27140", None, 6),
    ("신용보증기금", PI, "27140", None, 8),
    ("한국정보화진흥원", PI, "27140", None, 6),
    ("한국교육학술정보원", PI, "27140", None, 5),
    ("한국장학재단", PI, "27140", None, 5),
    ("한국산업기술평가관리원", PI, "27140", None, 5),
    ("한국뇌연구원", PI, "27140", None, 3),
    ("한국로봇산업진흥원", PI, "27230", None, 3),
    ("대구경북첨단의료산업진흥재단", PI, "27140", None, 4),
    ("대구지방고용노동청", CG, "27260", None, 4),
    ("대구지방국세청", CG, "27260", None, 4),
    ("대구지방조달청", CG, "27290", None, 3),
    ("대구지방환경청", CG, "27140", None, 3),
    ("대구지방보훈청", CG, "27260", None, 3),
    ("대구지방법원", CG, "27260", None, 4),
];
