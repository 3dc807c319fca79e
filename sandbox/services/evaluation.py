"""The evaluation at the end of a trial: weighted scores, the facts counted for it (incidents, damage,
citizen feedback) and the outcome (scale-up to listed zones, law amended, temporary permit, ended)."""
from flask_babel import gettext as _
from sqlalchemy import select

from .. import policy
from ..audit.record import record
from ..errors import ValidationFailed
from ..extensions import db
from ..models import Evaluation, Zone
from ..models.trials import EvaluationOutcome, Severity
from ..rules.trials import trial_of
from ..states import ApplicationState as S
from ..transaction import atomic
from .feedback import feedback_count
from .workflow import fire

# Points out of 100 per criterion; citizen feedback enters through the residents criterion and is shown
# beside it as a count, because more feedback is neither better nor worse by itself.
WEIGHTS = {"safety": 30, "benefit": 30, "market": 20, "residents": 20}


def facts(application):
    """What the evaluation counts for itself, so the evaluator starts from the record."""
    trial = trial_of(application)
    incidents = trial.incidents if trial else []
    return {"incident_count": len(incidents), "critical_count": sum(1 for i in incidents if i.severity == Severity.critical),
            "damage_krw": sum(i.damage_krw for i in incidents), "feedback_count": feedback_count(application)}


def suggested_safety_score(counted):
    return max(0, 100 - 5 * counted["incident_count"] - 25 * counted["critical_count"])


def weighted(scores):
    return round(sum(scores[k] * w for k, w in WEIGHTS.items()) / sum(WEIGHTS.values()), 1)


def _scores(raw):
    scores, problems = {}, []
    for key in WEIGHTS:
        try:
            value = int(raw.get(key))
        except (TypeError, ValueError):
            problems.append(_("Give a score from 0 to 100 for every criterion."))
            break
        if not 0 <= value <= 100:
            problems.append(_("Scores run from 0 to 100."))
            break
        scores[key] = value
    return scores, problems


def _zones(codes, application, problems):
    codes = [c.strip().upper() for c in codes or [] if c and c.strip()]
    known = set(db.session.scalars(select(Zone.code).where(Zone.code.in_(codes))).all()) if codes else set()
    unknown = [c for c in codes if c not in known]
    if unknown:
        problems.append(_("Unknown zone code(s): %(codes)s.", codes=", ".join(unknown)))
    own = application.zone.code if application.zone else None
    return sorted({c for c in codes if c in known and c != own})


def record_evaluation(office, application, scores, outcome, zone_codes=(), notes=""):
    """Write the evaluation and fire 'evaluate' in one transaction."""
    policy.ensure(office, "trial.supervise", application)
    scores, problems = _scores(scores or {})
    if outcome not in EvaluationOutcome.__members__:
        problems.append(_("Choose the outcome."))
    zones = _zones(zone_codes, application, problems)
    if outcome == EvaluationOutcome.scale_up and not zones and not problems:
        problems.append(_("List the zones the service scales up to."))
    if S(application.state) != S.result_reporting:
        problems.append(_("The evaluation follows the result report."))
    if problems:
        raise ValidationFailed(problems[0], problems)
    counted = facts(application)
    with atomic():
        trial = trial_of(application)
        evaluation = Evaluation(
            trial=trial, score_safety=scores["safety"], score_benefit=scores["benefit"],
            score_market=scores["market"], score_residents=scores["residents"],
            incident_count=counted["incident_count"], damage_krw=counted["damage_krw"],
            feedback_count=counted["feedback_count"], weighted_score=weighted(scores),
            outcome=EvaluationOutcome(outcome), scale_up_zones=zones if outcome == "scale_up" else [],
            notes=(notes or "").strip(), evaluated_by_id=office.id)
        db.session.add(evaluation)
        db.session.flush()
        fire(application, "evaluate", office, reason=EvaluationOutcome(outcome).label, outcome=outcome,
             zones=evaluation.scale_up_zones, weighted_score=evaluation.weighted_score,
             via="evaluation.record_evaluation")
        record("trial.evaluated", evaluation, application=application, actor=office,
               data={"scores": scores, **counted, "outcome": outcome, "zones": evaluation.scale_up_zones,
                     "weighted_score": evaluation.weighted_score})
    return evaluation
