//! Korean names, Daegu places and addresses for the demo data.

use super::rng::Rng;

const SURNAMES: &[&str] = &[
    "김", "김", "김", "이", "이", "이", "박", "박", "최", "정", "강", "조", "윤", "장", "임", "한",
    "오", "서", "신", "권", "황", "안", "송", "류", "전", "홍", "고", "문", "양", "손", "배", "백",
    "허", "남", "심", "노", "하", "곽", "성", "차", "주", "우", "구", "민", "도",
];
const GIVEN: &[&str] = &[
    "민", "서", "준", "지", "현", "수", "영", "진", "우", "은", "정", "혜", "태", "성", "윤", "희",
    "경", "재", "동", "상", "미", "선", "호", "연", "하", "원", "승", "주", "나", "숙", "철", "훈",
    "빈", "규", "아", "예", "석", "옥", "순", "환",
];

/// A Korean person's name: surname and two syllables.
pub fn person(rng: &mut Rng) -> String {
    format!(
        "{}{}{}",
        rng.pick(SURNAMES),
        rng.pick(GIVEN),
        rng.pick(GIVEN)
    )
}

pub const PLACES: &[&str] = &[
    "동성로",
    "달구벌",
    "팔공",
    "앞산",
    "금호강",
    "신천",
    "수성",
    "두류",
    "비슬",
    "화원",
    "칠곡",
    "반월당",
    "서문",
    "방천",
    "도원",
    "봉덕",
    "대명",
    "침산",
    "산격",
    "범어",
    "지산",
    "월배",
    "성서",
    "논공",
    "현풍",
    "가창",
    "옥포",
    "하빈",
    "다사",
    "군위",
    "부계",
    "효령",
    "동촌",
    "안심",
    "불로",
    "해안",
    "평리",
    "비산",
    "내당",
    "상인",
    "삼덕",
    "계산",
    "만촌",
    "황금",
];
pub const ADJECTIVES: &[&str] = &[
    "푸른",
    "햇살",
    "행복한",
    "나눔",
    "함께",
    "희망",
    "사랑",
    "늘푸른",
    "한마음",
    "더불어",
    "새봄",
    "온누리",
    "다온",
    "초록",
    "하늘",
    "들꽃",
    "소담",
    "한빛",
    "좋은",
    "바른",
    "착한",
    "따뜻한",
    "두레",
    "어울림",
    "이음",
    "모두의",
];

/// The district codes and, for each, a few road names and the phone prefix.
pub struct District {
    pub code: &'static str,
    pub name: &'static str,
    pub roads: &'static [&'static str],
    pub phone: &'static str,
    /// Relative number of enterprises there.
    pub weight: u32,
}

pub const DISTRICTS: &[District] = &[
    District {
        code: "27110",
        name: "중구",
        roads: &["국채보상로", "동덕로", "중앙대로", "달구벌대로", "공평로"],
        phone: "053-4",
        weight: 10,
    },
    District {
        code: "27140",
        name: "동구",
        roads: &["아양로", "동촌로", "팔공로", "신암로", "첨단로"],
        phone: "053-9",
        weight: 12,
    },
    District {
        code: "27170",
        name: "서구",
        roads: &["서대구로", "달서천로", "평리로", "국채보상로"],
        phone: "053-5",
        weight: 9,
    },
    District {
        code: "27200",
        name: "남구",
        roads: &["대명로", "앞산순환로", "현충로", "중앙대로"],
        phone: "053-6",
        weight: 9,
    },
    District {
        code: "27230",
        name: "북구",
        roads: &["침산로", "칠곡중앙대로", "산격로", "대현로", "옥산로"],
        phone: "053-3",
        weight: 14,
    },
    District {
        code: "27260",
        name: "수성구",
        roads: &["달구벌대로", "동대구로", "수성로", "범어로", "들안로"],
        phone: "053-7",
        weight: 12,
    },
    District {
        code: "27290",
        name: "달서구",
        roads: &["월배로", "성서공단로", "달서대로", "조암로", "와룡로"],
        phone: "053-5",
        weight: 18,
    },
    District {
        code: "27710",
        name: "달성군",
        roads: &["현풍로", "논공로", "화원로", "비슬로", "다사로"],
        phone: "053-6",
        weight: 10,
    },
    District {
        code: "27720",
        name: "군위군",
        roads: &[
            "군위읍 군청로",
            "효령면 치산효령로",
            "부계면 한티로",
            "군위읍 중앙길",
        ],
        phone: "054-38",
        weight: 3,
    },
];

pub fn district(code: &str) -> &'static District {
    DISTRICTS
        .iter()
        .find(|d| d.code == code)
        .unwrap_or(&DISTRICTS[0])
}

/// A street address in the district.
pub fn address(rng: &mut Rng, d: &District) -> String {
    format!(
        "대구광역시 {} {} {}",
        d.name,
        rng.pick(d.roads),
        rng.range(1, 480)
    )
}

/// A phone number with the district's area code and exchange.
pub fn phone(rng: &mut Rng, d: &District) -> String {
    if d.phone.len() > 5 {
        format!("{}{}-{:04}", d.phone, rng.range(0, 9), rng.range(0, 9999))
    } else {
        format!(
            "{}{:02}-{:04}",
            d.phone,
            rng.range(0, 99),
            rng.range(0, 9999)
        )
    }
}
