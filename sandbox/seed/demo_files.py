"""A complete trial-exemption application, as the demo (and its trial stages, and the surge bench) file it."""
from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..labels import Instrument, LegalGround
from ..models import ExemptionType
from ..services import applications

# A confidential string the public pages must never show (checked by tests).
CONFIDENTIAL_MARK = "CONFIDENTIAL-DEMO-FINANCING"


def complete_trial(user, org, zone, exemption_codes, title, category, site, start):
    app = applications.create_application(user, org, Instrument.trial_exemption)
    applications.save_draft(user, app, {
        "zone_id": zone.id, "category": category, "title": title,
        "summary": f"{title}: 구역 내 실증 / a pilot inside the zone.",
        "innovation": "기존 법령이 예상하지 못한 서비스 / A service the law did not foresee.",
        "public_benefit": "교통약자 이동 편의 / Mobility for people with reduced mobility.",
        "regulations": "도로교통법 §49 등 / Road Traffic Act §49 and related.",
        "safety_plan": "안전요원 동승, 원격 관제 / Safety driver on board and remote monitoring.",
        "user_protection": "가명처리, 동의 절차 / Pseudonymisation and consent.",
        "insurance_plan": "책임보험 가입 예정 / Liability insurance to be bought before start.",
        "financing": f"시리즈 A 투자 유치 / Series A funded. {CONFIDENTIAL_MARK}",
        "site_geojson": site, "period_start": start, "period_end": start + timedelta(days=730),
        "units": 5, "users_planned": 500,
    }, step="demo")
    db.session.refresh(zone)
    for code in exemption_codes:
        exemption = db.session.scalar(select(ExemptionType).where(ExemptionType.code == code))
        applications.add_exemption_request(user, app, exemption, LegalGround.no_standard,
                                           "현행 법령상 근거 없음 / No standard exists in current law.")
    return app
