"""Generated trials: the start gate (conditions accepted, plan, insurance), interim reports,
incidents, the result report and the evaluation, as the trial services write them."""

from datetime import datetime, time, timedelta, timezone

from ..services.trials import DEFAULT_KPIS, DEFAULT_SAFETY_ITEMS
from .scale_documents import document_row


def trial_start(life, when):
    """Conditions accepted, the trial plan fixed, insurance recorded: the start gate's requirements."""
    decision_row = getattr(life, "decision", None)
    if decision_row is not None and decision_row["outcome"] == "approve_with_conditions":
        at = when - timedelta(days=10)
        decision_row.update(accepted_at=at, accepted_by_id=life.applicant[0])
        life.event(
            at,
            "conditions.accepted",
            life.applicant,
            ("decision", decision_row["id"]),
            data={"decision_id": decision_row["id"], "conditions": []},
        )
    trial_id = life.id("trials")
    at = when - timedelta(days=8)
    life.trial = life.batch.add(
        "trials",
        {
            "id": trial_id,
            "application_id": life.row["id"],
            "kpis": list(DEFAULT_KPIS),
            "safety_items": list(DEFAULT_SAFETY_ITEMS),
            "started_on": None,
            "ends_on": life.row["period_end"],
            "created_at": at,
        },
    )
    life.event(
        at,
        "trial.plan_fixed",
        life.applicant,
        ("trial", trial_id),
        data={"kpis": list(DEFAULT_KPIS), "safety_items": list(DEFAULT_SAFETY_ITEMS)},
    )
    document_id = document_row(life, "insurance", at, life.applicant)
    certificate = {
        "insurer": "가상화재 / Example Fire & Marine",
        "policy_number": f"GEN-{trial_id}",
        "cover_death": 150_000_000,
        "cover_injury": 30_000_000,
        "cover_disability": 150_000_000,
        "cover_property": 20_000_000,
        "valid_from": at.date(),
        "valid_until": (at + timedelta(days=800)).date(),
    }
    certificate_id = life.id("insurance_certificates")
    life.batch.add(
        "insurance_certificates",
        {
            "id": certificate_id,
            "trial_id": trial_id,
            "document_id": document_id,
            "recorded_by_id": life.applicant[0],
            "recorded_at": at,
            **certificate,
        },
    )
    life.event(
        at,
        "trial.insurance_recorded",
        life.applicant,
        ("insurancecertificate", certificate_id),
        data={**certificate, "problems": []},
    )


def trial_started(life, when):
    life.trial["started_on"] = when.date()


def reports_and_incidents(life, when):
    """Interim reports every six months or so; one trial in ten has an incident."""
    life.now_at = when
    started = life.trial["started_on"] or when.date()
    for k in range(1, 3):
        period_to = started + timedelta(days=180 * k)
        if period_to >= when.date():
            break
        _report(life, "interim", started + timedelta(days=180 * (k - 1)), period_to)
    if life.rng.random() < 0.1:
        incident_id = life.id("incidents")
        at = when - timedelta(days=life.rng.randint(20, 200))
        fields = {
            "severity": "minor",
            "occurred_at": at,
            "outside_zone": False,
            "injuries": 0,
            "damage_krw": 300_000,
        }
        life.batch.add(
            "incidents",
            {
                "id": incident_id,
                "trial_id": life.trial["id"],
                "location_geojson": None,
                "description": "경미한 접촉 / A minor contact.",
                "response": "",
                "reported_by_id": life.applicant[0],
                "reported_at": at,
                **fields,
            },
        )
        life.event(at, "trial.incident_reported", life.applicant, ("incident", incident_id), data=fields)


def _report(life, kind, period_from, period_to, action="trial.report_filed"):
    rng = life.rng
    kpis = {
        "units_operated": rng.randint(1, 20),
        "distance_km": round(rng.uniform(100, 5000), 1),
        "flights": 0,
        "users_served": rng.randint(10, 3000),
        "hours": round(rng.uniform(100, 2000), 1),
        "incidents": 0,
    }
    report_id = life.id("trial_reports")
    filed = min(
        datetime.combine(period_to + timedelta(days=5), time(10), tzinfo=timezone.utc),
        life.now_at - timedelta(hours=1),
    )
    life.batch.add(
        "trial_reports",
        {
            "id": report_id,
            "trial_id": life.trial["id"],
            "kind": kind,
            "period_from": period_from,
            "period_to": period_to,
            "due_on": period_to + timedelta(days=30),
            "operating_hours": "07:00-22:00",
            "staff_per_unit": 1,
            "outside_area": False,
            "narrative": "정상 운영 / Normal operation.",
            "condition_results": [],
            "breach": False,
            "filed_by_id": life.applicant[0],
            "filed_at": filed,
            **kpis,
        },
    )
    data = (
        {"kind": kind, **kpis, "breach": False, "late": False}
        if kind != "result"
        else {**kpis, "late": False, "due_on": period_to + timedelta(days=30)}
    )
    life.event(filed, action, life.applicant, ("trialreport", report_id), data=data)


def result_report(life, when):
    life.now_at = when
    _report(
        life,
        "result",
        life.trial["started_on"] or when.date(),
        (when - timedelta(days=10)).date(),
        action="trial.result_report_filed",
    )


def evaluation(life, when):
    scores = {
        "safety": life.rng.randint(60, 100),
        "benefit": life.rng.randint(50, 100),
        "market": life.rng.randint(40, 100),
        "residents": life.rng.randint(50, 100),
    }
    weighted = round(sum(scores.values()) / 4, 1)
    outcome = life.rng.choice(["scale_up", "law_amended", "ended"])
    evaluation_id = life.id("evaluations")
    life.batch.add(
        "evaluations",
        {
            "id": evaluation_id,
            "trial_id": life.trial["id"],
            "score_safety": scores["safety"],
            "score_benefit": scores["benefit"],
            "score_market": scores["market"],
            "score_residents": scores["residents"],
            "incident_count": 0,
            "damage_krw": 0,
            "feedback_count": 0,
            "weighted_score": weighted,
            "outcome": outcome,
            "scale_up_zones": [],
            "notes": "",
            "evaluated_by_id": life.office[0],
            "evaluated_at": when,
        },
    )
    life.event(
        when,
        "trial.evaluated",
        life.office,
        ("evaluation", evaluation_id),
        data={
            "scores": scores,
            "incident_count": 0,
            "damage_krw": 0,
            "feedback_count": 0,
            "outcome": outcome,
            "zones": [],
            "weighted_score": weighted,
        },
    )
