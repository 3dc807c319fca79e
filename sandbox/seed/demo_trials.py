"""Demo trials in every phase after approval, made through the real services and fire():
awaiting start, running with reports, a breach with a correction order, suspended after a critical
incident, in extension review, with a law amendment pending, in result reporting, and evaluated and
closed with a scale-up. Each running or finished one is on the public register with a summary."""
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from ..extensions import db
from ..labels import TechCategory
from ..models import Application, CommitteeMeeting, Zone
from ..rules.dates import add_months
from ..rules import trials as trial_rules
from ..services import applications, committee, evaluation, feedback, incidents, trial_reports, trials
from ..services.workflow import fire
from .demo_files import CONFIDENTIAL_MARK, complete_trial
from .demo_review import ROUTE_LIMIT, SAFETY_STAFF, _decide, _through_review

# A contact a citizen left with feedback: never on a public page (checked by tests).
CONFIDENTIAL_CONTACT = "citizen-contact-CONFIDENTIAL@example.kr"
UNIT_CAP = {"kind": "unit_cap", "parameters": {"units": "5"}, "text": "운행 차량 5대 이하 / At most 5 vehicles."}
HOURS = {"kind": "time_window", "parameters": {"hours": "07-22"}, "text": "07시~22시 운행 / Operate 07:00-22:00 only."}
CONDITIONS = [ROUTE_LIMIT, SAFETY_STAFF, UNIT_CAP, HOURS]
GOOD_REPORT = {"units_operated": 4, "distance_km": 1830.5, "flights": 0, "users_served": 912, "hours": 640,
               "incidents": 0, "operating_hours": "07:00-21:30", "staff_per_unit": 1, "outside_area": False,
               "narrative": "계획대로 운행 / Operated as planned."}


def _point(dx, dy):
    return {"type": "Point", "coordinates": [round(126.8860 + dx, 4), round(37.5760 + dy, 4)]}


def _insurance(start, end):
    return {"insurer": "한빛손해보험 / Hanbit Insurance", "policy_number": "LI-2026-0042",
            "cover_death": 200_000_000, "cover_injury": 50_000_000, "cover_disability": 200_000_000,
            "cover_property": 1_000_000_000, "valid_from": start - timedelta(days=10), "valid_until": end + timedelta(days=60)}


class Cast:
    def __init__(self, users, orgs):
        self.users, self.orgs = users, orgs
        self.applicant, self.office = users["applicant@demo.kr"], users["office@demo.kr"]
        self.sangam = db.session.scalar(select(Zone).where(Zone.code == "SANGAM-AV"))
        self.magok = db.session.scalar(select(Zone).where(Zone.code == "MAGOK-ENERGY"))
        self.reviewers = [users[f"reviewer{n}@demo.kr"] for n in (1, 2, 3)]
        self.members = [users["committee1@demo.kr"], users["committee2@demo.kr"], users["chair@demo.kr"]]
        self.meeting = committee.create_meeting(
            self.office, "제2차 규제샌드박스 심의위원회 / 2nd sandbox committee", date.today() - timedelta(days=400),
            self.members)

    def approved(self, title, site, started_days_ago, months=24, zone=None, codes=("AV-PASSENGER",),
                 category=TechCategory.autonomous_driving):
        """A file decided with conditions, accepted by the applicant; its period starts `started_days_ago`."""
        zone = zone or self.sangam
        start = date.today() - timedelta(days=started_days_ago)
        application = complete_trial(self.applicant, self.orgs["applicant@demo.kr"], zone, list(codes), title,
                                      category, site, start)
        applications.save_draft(self.applicant, application, {"period_end": add_months(start, months)},
                                step="demo")
        fire(application, "submit", self.applicant)
        _through_review(self.office, self.users["authority@demo.kr"], self.reviewers, application)
        item = committee.add_to_agenda(self.office, self.meeting, application)
        _decide(self.users["chair@demo.kr"], self.members, item, "approve_with_conditions",
                "혁신성과 공익성 인정, 조건부 승인 / Innovative and beneficial; approved on conditions.", CONDITIONS)
        committee.accept_conditions(self.applicant, application)
        return application

    def running(self, title, site, started_days_ago, **kwargs):
        application = self.approved(title, site, started_days_ago, **kwargs)
        trials.record_insurance(self.applicant, application, _insurance(application.period_start, application.period_end))
        start = datetime.combine(application.period_start, time(9), tzinfo=timezone.utc)
        trials.start_trial(self.applicant, application, now=start)
        return application

    def report(self, application, kind, days_after_start, **changes):
        trial = trial_rules.trial_of(application)
        period_from = trial.started_on
        period_to = period_from + timedelta(days=days_after_start)
        filed = datetime.combine(period_to + timedelta(days=2), time(10), tzinfo=timezone.utc)
        return trial_reports.file_report(self.applicant, application, kind,
                                         {**GOOD_REPORT, **changes, "period_from": period_from, "period_to": period_to},
                                         now=filed)

    def publish(self, application, ko, en):
        feedback.save_public_summary(self.office, application, ko, en)


def _active_with_reports(cast):
    application = cast.running("상암 자율주행 순환 셔틀 리빙랩", _point(0.000, 0.000), 200)
    cast.publish(application, "상암 DMC 순환 노선에서 자율주행 셔틀 5대를 운행하는 리빙랩 실증.",
                 "A living lab running five autonomous shuttles on the Sangam DMC loop.")
    cast.report(application, "initial", 30)
    good = feedback.leave_feedback(application, "셔틀이 조용하고 안전하게 다녀요. / The shuttle runs quietly and safely.",
                                   {"type": "Point", "coordinates": [126.8865, 37.5765]})
    feedback.moderate_feedback(cast.office, good, True)
    feedback.leave_feedback(application, "정류장 안내가 더 필요합니다. / The stops need clearer signs.",
                            contact=CONFIDENTIAL_CONTACT)
    return application


def _breach(cast):
    application = cast.running("상암 자율주행 심야 배송 로봇", _point(0.004, 0.002), 150, codes=("AV-FREIGHT",))
    cast.report(application, "initial", 30)
    report = cast.report(application, "interim", 75, units_operated=7, operating_hours="06:00-23:30")
    trial_reports.issue_correction_order(cast.office, application,
                                         "운행 대수 및 운행 시간 조건 위반 / Units and operating hours over the conditions.",
                                         date.today() + timedelta(days=60), report)
    cast.publish(application, "상암 DMC에서 야간 자율주행 배송 로봇을 시험하는 실증.",
                 "A trial of autonomous night-time delivery robots in Sangam DMC.")
    return application


def _suspended(cast):
    application = cast.running("상암 자율주행 수요응답 택시", _point(0.008, 0.004), 120)
    incident = incidents.report_incident(cast.applicant, application, {
        "severity": "critical", "occurred_at": datetime.now(timezone.utc) - timedelta(days=3),
        "location": {"type": "Point", "coordinates": [126.8945, 37.5805]},
        "description": "교차로에서 보행자와 경미한 접촉 / Minor contact with a pedestrian at a crossing.",
        "injuries": 1, "damage_krw": 2_500_000, "response": "운행 즉시 중단, 피해자 병원 이송 / Stopped service, took the pedestrian to hospital."})
    incidents.record_claim(cast.applicant, incident, "피해자 A (Claimant A)", 4_000_000, date.today() - timedelta(days=2))
    cast.publish(application, "상암 DMC 내 호출형 자율주행 택시 실증 (사고 후 일시 중지).",
                 "On-demand autonomous taxis in Sangam DMC (suspended after an incident).")
    return application


def _extension(cast):
    application = cast.running("상암 자율주행 공항 리무진 연계", _point(-0.002, 0.006), 400)
    cast.report(application, "initial", 30)
    cast.report(application, "interim", 360)
    trials.request_extension(cast.applicant, application, 12, "실증 데이터 추가 확보 필요 / More data is needed.")
    cast.publish(application, "상암 DMC와 공항 리무진 정류장을 잇는 자율주행 연계 실증.",
                 "Autonomous links between Sangam DMC and the airport limousine stop.")
    return application


def _amendment(cast):
    application = cast.running("마곡 이웃간 전력거래 플랫폼", {"type": "Point", "coordinates": [126.8300, 37.5620]}, 300,
                               zone=cast.magok, codes=("ENERGY-P2P",), category=TechCategory.energy)
    trials.request_law_amendment(cast.applicant, application, "전기사업법 제7조 / Electricity Business Act §7",
                                 "실증 결과 안전성 확인 / The trial showed it is safe.")
    cast.publish(application, "마곡 아파트 단지의 태양광 잉여전력 이웃간 거래 실증 (법령 정비 요청 중).",
                 "Peer-to-peer trading of rooftop solar surplus in Magok (law amendment requested).")
    return application


def _result_reporting(cast):
    application = cast.running("상암 자율주행 주차 대행", _point(0.006, -0.001), 380, months=12)
    cast.report(application, "initial", 30)
    cast.report(application, "interim", 180)
    fire(application, "finish", cast.applicant, reason="실증 기간 종료 / The trial period ended.")
    trial_reports.file_result_report(cast.applicant, application, {
        **GOOD_REPORT, "period_from": trial_rules.trial_of(application).started_on, "period_to": date.today() - timedelta(days=5),
        "narrative": "무사고 1년 운행, 주차장법 개정 필요 / A year without accidents; the Parking Act should change."})
    cast.publish(application, "상암 DMC 공영주차장의 자율주행 발레파킹 실증 (결과 보고 완료).",
                 "Autonomous valet parking in Sangam DMC public car parks (result reported).")
    return application


def _closed(cast):
    application = cast.running("마곡 스마트 가로등 에너지 관리", {"type": "Point", "coordinates": [126.8380, 37.5660]}, 760,
                               months=24, zone=cast.magok, codes=("SC-DATA",), category=TechCategory.energy)
    cast.report(application, "initial", 30)
    cast.report(application, "interim", 360)
    fire(application, "finish", cast.applicant, reason="실증 기간 종료 / The trial period ended.")
    trial_reports.file_result_report(cast.applicant, application, {
        **GOOD_REPORT, "period_from": trial_rules.trial_of(application).started_on, "period_to": date.today() - timedelta(days=20),
        "narrative": "전력 사용량 18% 절감 / Energy use down 18%."})
    evaluation.record_evaluation(cast.office, application, {"safety": 95, "benefit": 85, "market": 80, "residents": 90},
                                 "scale_up", ["SANGAM-AV", "YANGJAE-AI"], "서울 전역 확산 권고 / Recommended city-wide.")
    fire(application, "close", cast.office)
    cast.publish(application, "마곡 스마트 가로등 에너지 관리 실증: 평가 후 상암·양재로 확산.",
                 "Smart street-light energy management in Magok: evaluated and scaling up to Sangam and Yangjae.")
    return application


def load_trial_demo(users, orgs):
    """Idempotent: does nothing once the first demo trial exists."""
    if db.session.scalar(select(Application).where(Application.title == "상암 자율주행 순환 셔틀 리빙랩")):
        return False
    if db.session.scalar(select(CommitteeMeeting).where(CommitteeMeeting.title.like("제2차%"))):
        return False
    cast = Cast(users, orgs)
    waiting = cast.approved("상암 자율주행 셔틀 (시작 대기) / awaiting start", _point(0.002, 0.008), 0)
    cast.publish(waiting, "상암 DMC 셔틀 실증 승인 (보험 가입 후 시작 예정).",
                 "Sangam DMC shuttle trial approved; it starts once insured.")
    for make in (_active_with_reports, _breach, _suspended, _extension, _amendment, _result_reporting, _closed):
        make(cast)
    assert CONFIDENTIAL_MARK  # the demo's financing text carries it; the register never shows application texts
    return True
