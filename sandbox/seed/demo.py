"""Demo accounts, organisations and files in several states, made through the same services the
app uses, so the demo's audit trail is real. Idempotent: a second run changes nothing."""
from datetime import date, timedelta

from sqlalchemy import select

from ..extensions import db
from ..labels import Instrument, OrganisationKind, Role, TechCategory
from ..models import User, Zone
from ..services import accounts, applications
from ..services.workflow import fire
from .catalogue_loader import load_catalogue
from .demo_files import complete_trial
from .demo_review import load_review_stages
from .demo_trials import load_trial_demo

DEMO_PASSWORD = "demo-password-1"

DEMO_USERS = [
    ("applicant@demo.kr", "김지원 (Demo applicant)", ["applicant"]),
    ("startup@demo.kr", "이하늘 (Demo applicant 2)", ["applicant"]),
    ("office@demo.kr", "박사무 (Demo secretariat)", ["secretariat"]),
    ("reviewer1@demo.kr", "최심사 (Demo reviewer 1)", ["reviewer"]),
    ("reviewer2@demo.kr", "정검토 (Demo reviewer 2)", ["reviewer"]),
    ("reviewer3@demo.kr", "윤평가 (Demo reviewer 3)", ["reviewer"]),
    ("authority@demo.kr", "한부처 (Demo authority)", ["authority"]),
    ("committee1@demo.kr", "오위원 (Demo committee 1)", ["committee"]),
    ("committee2@demo.kr", "서위원 (Demo committee 2)", ["committee"]),
    ("chair@demo.kr", "강위원장 (Demo chair)", ["committee", "chair"]),
    ("auditor@demo.kr", "조감사 (Demo auditor)", ["auditor"]),
    ("admin@demo.kr", "임관리 (Demo admin)", ["admin"]),
]

DEMO_ORGS = [
    ("서울로보틱스 주식회사 (Seoul Robotics Co.)", "110-81-00001", OrganisationKind.company, "applicant@demo.kr"),
    ("한빛모빌리티 (Hanbit Mobility)", "220-86-00002", OrganisationKind.company, "startup@demo.kr"),
]

SANGAM_POINT = {"type": "Point", "coordinates": [126.8900, 37.5790]}
MAGOK_AREA = {"type": "Polygon", "coordinates": [[[126.825, 37.560], [126.830, 37.560], [126.830, 37.564],
                                                  [126.825, 37.564], [126.825, 37.560]]]}


def _users():
    users = {}
    for email, name, roles in DEMO_USERS:
        users[email] = accounts.register_user(email, name, DEMO_PASSWORD, roles=[Role(r) for r in roles])
    return users


def load_demo():
    load_catalogue()
    if db.session.scalar(select(User).where(User.email == DEMO_USERS[0][0])) is not None:
        return False
    users = _users()
    orgs = {}
    for name, number, kind, owner in DEMO_ORGS:
        orgs[owner] = accounts.create_organisation(users[owner], name, number, kind)
    applicant, startup = users["applicant@demo.kr"], users["startup@demo.kr"]
    office = users["office@demo.kr"]
    sangam = db.session.scalar(select(Zone).where(Zone.code == "SANGAM-AV"))
    magok = db.session.scalar(select(Zone).where(Zone.code == "MAGOK-ENERGY"))
    start = date.today() + timedelta(days=60)

    complete_trial(applicant, orgs["applicant@demo.kr"], sangam, ["SC-AV-DRIVER"],
                    "상암 자율주행 셔틀 (draft)", TechCategory.autonomous_driving, SANGAM_POINT, start)

    submitted = complete_trial(applicant, orgs["applicant@demo.kr"], sangam, ["SC-AV-DRIVER", "AV-PASSENGER"],
                                "상암 DMC 자율주행 유상 셔틀", TechCategory.autonomous_driving, SANGAM_POINT, start)
    fire(submitted, "submit", applicant)

    screening = complete_trial(startup, orgs["startup@demo.kr"], magok, ["ENERGY-P2P"],
                                "마곡 이웃간 전력거래 리빙랩", TechCategory.energy, MAGOK_AREA, start)
    fire(screening, "submit", startup)
    fire(screening, "screen", office)

    supplement = complete_trial(startup, orgs["startup@demo.kr"], sangam, ["AV-FREIGHT"],
                                 "상암 자율주행 화물 배송", TechCategory.autonomous_driving, SANGAM_POINT, start)
    fire(supplement, "submit", startup)
    fire(supplement, "screen", office)
    fire(supplement, "request_supplement", office, reason="보험 설계서와 안전요원 배치 계획을 보완해 주십시오. / "
         "Please add the insurance design and the safety-staff plan.", due=date.today() + timedelta(days=14))

    review = complete_trial(applicant, orgs["applicant@demo.kr"], sangam, ["SC-AV-DRIVER", "AV-SAFETY"],
                             "상암 무인 주차 로봇", TechCategory.autonomous_driving, SANGAM_POINT, start)
    fire(review, "submit", applicant)
    fire(review, "screen", office)
    fire(review, "accept", office)

    quick = applications.create_application(startup, orgs["startup@demo.kr"], Instrument.quick_confirmation)
    applications.save_draft(startup, quick, {
        "zone_id": magok.id, "title": "건물 옥상 태양광 잉여전력 공유 가능 여부",
        "summary": "아파트 단지 내 태양광 잉여전력을 이웃에게 판매하는 앱 / An app selling rooftop solar surplus to neighbours.",
        "question": "전기사업법상 발전사업 허가가 필요한가요? / Does this need a generation licence under the Electricity Business Act?",
    }, step="demo")
    fire(quick, "submit", startup)

    def new_trial(title, codes):
        application = complete_trial(applicant, orgs["applicant@demo.kr"], sangam, codes, title,
                                      TechCategory.autonomous_driving, SANGAM_POINT, start)
        return fire(application, "submit", applicant)

    load_review_stages(users, new_trial, review)
    load_trial_demo(users, orgs)
    return True
