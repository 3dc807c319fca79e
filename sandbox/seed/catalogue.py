"""Seoul's zones and the exemption types on offer (DESIGN §4). Boundaries are approximate, and labelled so:
a zone that is a named dong or group of dongs follows those dongs' real boundaries (KOSTAT 2018, from
zone_shapes.json, made by tools/seoul_basemap.py); the others are rectangles or polygons drawn around the
published location maps."""
import json
from datetime import date
from pathlib import Path

AV = "autonomous_driving"
TRIAL, QUICK, PERMIT = "trial_exemption", "quick_confirmation", "temporary_permit"
ALL_INSTRUMENTS = [TRIAL, QUICK, PERMIT]

EXEMPTION_TYPES = [
    dict(code="SC-DATA", name_ko="가명·익명 개인정보 활용 특례", name_en="Use of pseudonymised and anonymised personal data",
         law_ko="개인정보 보호법 등", law_en="Personal Information Protection Act and related acts", article="스마트도시법 §41",
         authority_ko="개인정보보호위원회", authority_en="Personal Information Protection Commission",
         condition_fields=["privacy", "reporting"]),
    dict(code="SC-LAND", name_ko="수의계약 토지 공급 특례", name_en="Land supply by negotiated contract",
         law_ko="공유재산 및 물품 관리법", law_en="Public Property and Commodity Management Act", article="§29",
         authority_ko="행정안전부", authority_en="Ministry of the Interior and Safety",
         condition_fields=["time_window", "geographic_limit"]),
    dict(code="SC-AV-DRIVER", name_ko="자율주행차 운전자 의무 특례", name_en="Autonomous-vehicle driver duties",
         law_ko="도로교통법", law_en="Road Traffic Act", article="§49",
         authority_ko="경찰청", authority_en="Korean National Police Agency",
         condition_fields=["geographic_limit", "time_window", "unit_cap", "accompanying_staff", "insurance"]),
    dict(code="SC-DRONE", name_ko="드론 비행 승인 특례", name_en="Drone flight approval",
         law_ko="군사기지 및 군사시설 보호법 / 항공안전법", law_en="Military Bases Protection Act / Aviation Safety Act",
         article="항공안전법 §122", authority_ko="국토교통부 (항공)", authority_en="Ministry of Land, Infrastructure and Transport (aviation)",
         condition_fields=["geographic_limit", "time_window", "unit_cap", "insurance", "reporting"]),
    dict(code="SC-SW", name_ko="대기업 공공 소프트웨어 사업 참여 특례", name_en="Large-company participation in public software",
         law_ko="소프트웨어 진흥법", law_en="Software Promotion Act", article="§48",
         authority_ko="과학기술정보통신부", authority_en="Ministry of Science and ICT", condition_fields=["reporting"]),
    dict(code="SC-NET", name_ko="자가전기통신설비 활용 특례", name_en="Use of private telecommunication networks",
         law_ko="전기통신사업법", law_en="Telecommunications Business Act", article="§65",
         authority_ko="과학기술정보통신부", authority_en="Ministry of Science and ICT",
         condition_fields=["geographic_limit", "reporting"]),
    dict(code="AV-PASSENGER", name_ko="자율주행 유상 여객운송 특례", name_en="Paid passenger transport by autonomous vehicle",
         law_ko="여객자동차 운수사업법", law_en="Passenger Transport Service Act", article="§4, 자율주행자동차법 §10",
         authority_ko="국토교통부", authority_en="Ministry of Land, Infrastructure and Transport",
         condition_fields=["geographic_limit", "time_window", "unit_cap", "user_cap", "accompanying_staff", "insurance"]),
    dict(code="AV-FREIGHT", name_ko="자율주행 유상 화물운송 특례", name_en="Paid freight transport by autonomous vehicle",
         law_ko="화물자동차 운수사업법", law_en="Trucking Transport Business Act", article="§3, 자율주행자동차법 §10",
         authority_ko="국토교통부", authority_en="Ministry of Land, Infrastructure and Transport",
         condition_fields=["geographic_limit", "time_window", "unit_cap", "insurance"]),
    dict(code="AV-SAFETY", name_ko="자동차 안전기준 특례", name_en="Vehicle safety standards",
         law_ko="자동차관리법", law_en="Motor Vehicle Management Act", article="§26-2, 자율주행자동차법 §9",
         authority_ko="국토교통부", authority_en="Ministry of Land, Infrastructure and Transport",
         condition_fields=["unit_cap", "reporting", "insurance"]),
    dict(code="ROBOT-SIDEWALK", name_ko="실외이동로봇 보도 통행 특례", name_en="Outdoor delivery robots on sidewalks",
         law_ko="도로교통법 / 지능형 로봇법", law_en="Road Traffic Act / Intelligent Robots Act", article="도로교통법 §8",
         authority_ko="경찰청", authority_en="Korean National Police Agency",
         condition_fields=["geographic_limit", "time_window", "unit_cap", "accompanying_staff", "insurance"]),
    dict(code="ENERGY-P2P", name_ko="전력 이웃간 거래(P2P) 특례", name_en="Peer-to-peer electricity trading",
         law_ko="전기사업법", law_en="Electricity Business Act", article="§7, §31",
         authority_ko="산업통상자원부", authority_en="Ministry of Trade, Industry and Energy",
         condition_fields=["user_cap", "geographic_limit", "reporting"]),
    dict(code="GENERIC", name_ko="기타 법령 특례 (일반)", name_en="Other statutory requirement (generic)",
         law_ko="신청인이 지정하는 법령", law_en="The act the applicant names", article="—",
         authority_ko="소관 중앙행정기관", authority_en="Competent central administrative agency",
         condition_fields=["reporting"]),
]


def _box(west, south, east, north):
    return {"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]]}


_DONG_SHAPES = json.loads(Path(__file__).with_name("zone_shapes.json").read_text(encoding="utf-8"))


def _dongs(code):
    return _DONG_SHAPES[code]["geometry"]


ZONES = [
    dict(code="SANGAM-AV", name_ko="상암 자율주행 시범운행지구", name_en="Sangam DMC autonomous-driving pilot district",
         district_ko="마포구", district_en="Mapo-gu", designation_ko="자율주행자동차 시범운행지구",
         designation_en="Autonomous-vehicle pilot operation district",
         description_ko="2020년 12월 시범운행지구 지정, 2021년 11월 30일 유상 자율주행 서비스 시작.",
         description_en="Designated a pilot district in December 2020; paid autonomous rides since 30 November 2021.",
         instruments=ALL_INSTRUMENTS, categories=[AV, "mobility", "data_ai", "robots"],
         area_m2=None, capacity=8, active_from=date(2020, 12, 10), active_until=None,
         boundary=_dongs("SANGAM-AV"),
         exemptions=["SC-AV-DRIVER", "AV-PASSENGER", "AV-FREIGHT", "AV-SAFETY", "SC-DATA", "SC-NET", "GENERIC"],
         history=[{"date": "2020-12-10", "event_ko": "자율주행 시범운행지구 지정", "event_en": "Designated autonomous-vehicle pilot district"},
                  {"date": "2021-11-30", "event_ko": "유상 운송 서비스 개시", "event_en": "Paid service started"}]),
    dict(code="MAGOK-ENERGY", name_ko="마곡 스마트에너지 리빙랩", name_en="Magok smart-energy living lab",
         district_ko="강서구", district_en="Gangseo-gu", designation_ko="스마트시티 리빙랩 실증구역",
         designation_en="Smart-city living-lab pilot area",
         description_ko="스마트 에너지와 리빙랩 실증.", description_en="Smart energy and living-lab pilots.",
         instruments=ALL_INSTRUMENTS, categories=["energy", "data_ai", "mobility", "robots"],
         area_m2=None, capacity=6, active_from=date(2019, 1, 1), active_until=None,
         boundary=_box(126.8190, 37.5560, 126.8440, 37.5700),
         exemptions=["ENERGY-P2P", "SC-DATA", "SC-NET", "SC-LAND", "GENERIC"], history=[]),
    dict(code="YANGJAE-AI", name_ko="양재 AI 미래융합혁신특구", name_en="Yangjae AI future-convergence special zone",
         district_ko="서초구", district_en="Seocho-gu", designation_ko="AI 미래융합혁신특구",
         designation_en="AI future-convergence innovation special zone",
         description_ko="약 40만 m², 2024년 11월 28일 지정, 2029년까지 운영.",
         description_en="About 400,000 m²; designated 28 November 2024, runs to 2029.",
         instruments=ALL_INSTRUMENTS, categories=["data_ai", "robots", AV, "drones"],
         area_m2=400_000, capacity=10, active_from=date(2024, 11, 28), active_until=date(2029, 12, 31),
         boundary=_box(127.0300, 37.4670, 127.0440, 37.4790),
         exemptions=["SC-DATA", "SC-SW", "SC-NET", "ROBOT-SIDEWALK", "SC-DRONE", "GENERIC"],
         history=[{"date": "2024-11-28", "event_ko": "특구 지정", "event_en": "Special zone designated"}]),
    dict(code="YANGJAE-GAEPO-ICT", name_ko="양재·개포 ICT 특정개발진흥지구", name_en="Yangjae·Gaepo ICT special development promotion district",
         district_ko="서초구·강남구", district_en="Seocho-gu and Gangnam-gu", designation_ko="특정개발진흥지구",
         designation_en="Special development promotion district",
         description_ko="1,578,710 m², 2026년 1월 21일 도시계획위원회 지정. 진흥지구 공동입안 첫 사례.",
         description_en="1,578,710 m²; designated by the city planning committee on 21 January 2026, the first jointly proposed district.",
         instruments=[TRIAL, QUICK], categories=["data_ai", "robots", "other"],
         area_m2=1_578_710, capacity=12, active_from=date(2026, 1, 21), active_until=None,
         boundary={"type": "MultiPolygon", "coordinates": [
             [[[127.0280, 37.4650], [127.0480, 37.4650], [127.0480, 37.4820], [127.0280, 37.4820], [127.0280, 37.4650]]],
             [[[127.0560, 37.4760], [127.0720, 37.4760], [127.0720, 37.4860], [127.0560, 37.4860], [127.0560, 37.4760]]]]},
         exemptions=["SC-DATA", "SC-SW", "SC-NET", "GENERIC"],
         history=[{"date": "2026-01-21", "event_ko": "특정개발진흥지구 신규 지정", "event_en": "Newly designated"}]),
    dict(code="SEONGSU-IT", name_ko="성수 IT·문화콘텐츠 산업·유통개발진흥지구", name_en="Seongsu IT and cultural-content promotion district",
         district_ko="성동구", district_en="Seongdong-gu", designation_ko="산업·유통개발진흥지구",
         designation_en="Industrial and distribution development promotion district",
         description_ko="2026년 1월 준공업지역 전체로 확대, 문화콘텐츠 산업 권장업종 추가.",
         description_en="Extended to the whole semi-industrial area in January 2026; cultural content added.",
         instruments=[TRIAL, QUICK], categories=["robots", "data_ai", "mobility", "other"],
         area_m2=None, capacity=6, active_from=date(2026, 1, 21), active_until=None,
         boundary=_dongs("SEONGSU-IT"),
         exemptions=["ROBOT-SIDEWALK", "SC-DATA", "GENERIC"], history=[]),
    dict(code="SUSEO-ROBOT", name_ko="수서 로봇 특정개발진흥지구", name_en="Suseo robot special development promotion district",
         district_ko="강남구", district_en="Gangnam-gu", designation_ko="특정개발진흥지구 (대상지 선정)",
         designation_en="Special development promotion district (site selected)",
         description_ko="671,378 m² 로봇 산업 집적지.", description_en="671,378 m² robotics cluster.",
         instruments=[TRIAL, QUICK, PERMIT], categories=["robots", "drones", AV],
         area_m2=671_378, capacity=6, active_from=date(2026, 1, 21), active_until=None,
         boundary=_dongs("SUSEO-ROBOT"),
         exemptions=["ROBOT-SIDEWALK", "SC-DRONE", "SC-AV-DRIVER", "GENERIC"], history=[]),
    dict(code="GWANAK-SVALLEY", name_ko="관악 S밸리 R&D 벤처창업 특정개발진흥지구", name_en="Gwanak S-Valley R&D startup promotion district",
         district_ko="관악구", district_en="Gwanak-gu", designation_ko="특정개발진흥지구",
         designation_en="Special development promotion district",
         description_ko="서남권 첫 진흥지구 육성사업.", description_en="The first promotion district in south-west Seoul.",
         instruments=[TRIAL, QUICK], categories=["data_ai", "robots", "other"],
         area_m2=None, capacity=5, active_from=date(2026, 1, 21), active_until=None,
         boundary=_box(126.9480, 37.4720, 126.9640, 37.4830),
         exemptions=["SC-DATA", "SC-SW", "GENERIC"], history=[]),
    dict(code="YEOUIDO-FIN", name_ko="여의도 금융 진흥지구", name_en="Yeouido finance promotion district",
         district_ko="영등포구", district_en="Yeongdeungpo-gu", designation_ko="산업·유통개발진흥지구",
         designation_en="Industrial development promotion district",
         description_ko="2023년부터 운영.", description_en="Operating since 2023.",
         instruments=[QUICK, PERMIT], categories=["data_ai", "other"],
         area_m2=None, capacity=5, active_from=date(2023, 1, 1), active_until=None,
         boundary=_dongs("YEOUIDO-FIN"),
         exemptions=["SC-DATA", "GENERIC"], history=[]),
]
