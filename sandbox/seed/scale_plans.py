"""What generated files go through: the mix of instruments and states, the paths of triggers
that reach each state, how long each step takes, and the reasons given."""

import random
from datetime import timedelta

from ..labels import Instrument
from ..states import ApplicationState as S

R = ["submit", "screen", "accept", "close_review", "to_committee"]
A = R + ["approve", "start_trial"]
# (weight, triggers from draft): most files are drafts, early stages or closed, as in a real office.
PLANS = {
    Instrument.trial_exemption: (
        70,
        {
            S.draft: (14, []),
            S.submitted: (5, R[:1]),
            S.screening: (5, R[:2]),
            S.supplement_requested: (3, R[:2] + ["request_supplement"]),
            S.returned: (4, R[:2] + ["return_to_applicant"]),
            S.expert_review: (4, R[:3]),
            S.exemption_check: (3, R[:4]),
            S.committee: (3, R),
            S.approved: (2, R + ["approve_with_conditions"]),
            S.rejected: (6, R + ["reject"]),
            S.trial_active: (5, A),
            S.suspended: (1, A + ["suspend"]),
            S.extension_review: (1, A + ["request_extension"]),
            S.amendment_pending: (1, A + ["request_law_amendment"]),
            S.result_reporting: (2, A + ["finish"]),
            S.evaluated: (1, A + ["finish", "evaluate"]),
            S.closed: (12, A + ["finish", "evaluate", "close"]),
            S.permanent: (1, A + ["request_law_amendment", "make_permanent"]),
            S.temporary_permit: (1, A + ["request_law_amendment", "convert_to_temporary_permit"]),
            S.withdrawn: (4, R[:2] + ["withdraw"]),
            S.cancelled: (1, R + ["approve", "cancel"]),
        },
    ),
    Instrument.temporary_permit: (
        10,
        {
            S.draft: (4, []),
            S.submitted: (1, R[:1]),
            S.screening: (1, R[:2]),
            S.expert_review: (1, R[:3]),
            S.rejected: (2, R + ["reject"]),
            S.approved: (1, R + ["approve"]),
            S.permit_active: (4, R + ["approve", "activate_permit"]),
            S.permanent: (1, R + ["approve", "activate_permit", "make_permanent"]),
            S.cancelled: (1, R + ["approve", "cancel"]),
        },
    ),
    Instrument.quick_confirmation: (
        20,
        {
            S.draft: (3, []),
            S.submitted: (2, ["submit"]),
            S.regulation_exists: (4, ["submit", "answer_regulation_exists"]),
            S.no_regulation: (6, ["submit", "answer_no_regulation"]),
            S.deemed_no_regulation: (2, ["submit", "deem_no_regulation"]),
            S.withdrawn: (1, ["submit", "withdraw"]),
        },
    ),
}
# Calendar days each step usually takes after the previous one.
DAYS = {
    "submit": (2, 20),
    "screen": (1, 5),
    "accept": (5, 14),
    "request_supplement": (3, 10),
    "answer_supplement": (5, 25),
    "return_to_applicant": (5, 14),
    "close_review": (20, 35),
    "to_committee": (15, 30),
    "approve": (20, 80),
    "approve_with_conditions": (20, 80),
    "reject": (20, 80),
    "start_trial": (20, 60),
    "suspend": (30, 200),
    "request_extension": (300, 600),
    "request_law_amendment": (200, 500),
    "finish": (500, 700),
    "evaluate": (20, 30),
    "close": (5, 15),
    "make_permanent": (60, 200),
    "convert_to_temporary_permit": (60, 200),
    "withdraw": (3, 30),
    "cancel": (30, 120),
    "activate_permit": (10, 40),
    "answer_regulation_exists": (5, 29),
    "answer_no_regulation": (5, 29),
    "deem_no_regulation": (31, 31),
}
REASONS = {
    "return_to_applicant": "신청 요건 미충족 / The application does not meet the requirements.",
    "request_supplement": "보험 설계서를 보완해 주십시오. / Please add the insurance design.",
    "reject": "안전 대책이 부족함 / The safety measures are not sufficient.",
    "approve": "심의 결과 승인 / Approved after deliberation.",
    "approve_with_conditions": "조건부 승인 / Approved with conditions.",
    "suspend": "안전 점검 필요 / A safety inspection is needed.",
    "request_extension": "추가 실증 필요 / More trial time is needed.",
    "request_law_amendment": "법령 정비 요청 / The law should be amended.",
    "withdraw": "사업 계획 변경 / The business plan changed.",
    "cancel": "조건 위반 / Conditions were breached.",
    "answer_regulation_exists": "관련 법령 적용 / A regulation applies.",
    "answer_no_regulation": "규제 없음 / No regulation applies.",
}


def transition_data(life, trigger, when):
    if trigger == "request_supplement":
        return {"due": (when + timedelta(days=14)).date()}
    if trigger == "answer_supplement":
        return {"answer": "보완 서류를 첨부합니다. / The supplement is attached."}
    if trigger in ("approve", "approve_with_conditions", "reject"):
        conditions = [c for c in CONDITIONS] if trigger == "approve_with_conditions" else []
        return {
            "conditions": conditions,
            "cited_reviews": sorted(life.review_ids),
            "cited_opinions": sorted(life.opinion_ids),
            "clashes": [],
        }
    return {}


CONDITIONS = [
    {
        "kind": "time_window",
        "parameters": {"from": "07:00", "to": "22:00"},
        "text": "07:00–22:00 운행 / Operate between 07:00 and 22:00.",
    }
]


def rng_for(seed, index):
    return random.Random(seed * 1_000_003 + index)
