"""Citizen feedback (moderated before it shows) and the redacted public summaries that gate the
public register. The contact a citizen leaves is for the office only."""
from datetime import datetime, timezone

from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import policy, sites
from ..audit.record import record
from ..errors import ValidationFailed
from ..extensions import db
from ..models import Application, Feedback, Incident, PublicSummary, Trial
from ..models.feedback import Moderation
from ..models.trials import Severity
from ..states import ApplicationState as S
from ..transaction import atomic

FEEDBACK_STATES = (S.trial_active, S.suspended, S.extension_review, S.amendment_pending)
MAX_TEXT = 2000


def summary_of(application):
    return db.session.scalar(select(PublicSummary).where(PublicSummary.application_id == application.id))


def is_published(application):
    summary = summary_of(application)
    return summary is not None and summary.published_at is not None


def leave_feedback(application, text, location=None, contact=""):
    """Anyone, no login; throttled per address by the view."""
    text, contact = (text or "").strip(), (contact or "").strip()
    problems = []
    if S(application.state) not in FEEDBACK_STATES or not is_published(application):
        problems.append(_("Feedback is open only for trials that are running."))
    if not text:
        problems.append(_("Write your feedback."))
    elif len(text) > MAX_TEXT:
        problems.append(_("Keep your feedback under %(n)d characters.", n=MAX_TEXT))
    if len(contact) > 200:
        problems.append(_("Keep the contact under 200 characters."))
    geojson = None
    if location not in (None, ""):
        try:
            geojson = sites.parse_geojson(location, allowed={"Point"})
        except sites.GeometryError as exc:
            problems.append(str(exc))
    if problems:
        raise ValidationFailed(problems[0], problems)
    with atomic():
        feedback = Feedback(application_id=application.id, text=text, location_geojson=geojson, contact=contact)
        db.session.add(feedback)
        db.session.flush()
        # The contact is personal data: the audit notes only that one was given.
        record("feedback.received", feedback, application=application, actor_label="public", role="public",
               data={"has_contact": bool(contact), "has_location": geojson is not None})
    return feedback


def moderate_feedback(office, feedback, publish):
    policy.ensure(office, "feedback.moderate")
    with atomic():
        feedback.status = Moderation.published if publish else Moderation.rejected
        feedback.moderated_by_id, feedback.moderated_at = office.id, datetime.now(timezone.utc)
        record("feedback.moderated", feedback, application=feedback.application, actor=office,
               data={"status": str(feedback.status)})
    return feedback


def published_feedback(application):
    return db.session.scalars(select(Feedback).where(Feedback.application_id == application.id,
                                                     Feedback.status == Moderation.published)
                              .order_by(Feedback.created_at.desc())).all()


def team_feedback(application):
    """What the operator and the committee see: everything not rejected, without the contact."""
    return db.session.scalars(select(Feedback).where(Feedback.application_id == application.id,
                                                     Feedback.status != Moderation.rejected)
                              .order_by(Feedback.created_at.desc())).all()


def feedback_count(application):
    return db.session.scalar(select(func.count(Feedback.id)).where(
        Feedback.application_id == application.id, Feedback.status == Moderation.published)) or 0


def moderation_queue():
    return db.session.scalars(select(Feedback).where(Feedback.status == Moderation.pending)
                              .order_by(Feedback.created_at)).all()


def save_public_summary(office, application, summary_ko, summary_en="", publish=True):
    """The office writes the redacted text; the register shows the file only once it is approved."""
    policy.ensure(office, "trial.supervise", application)
    summary_ko, summary_en = (summary_ko or "").strip(), (summary_en or "").strip()
    if not summary_ko:
        raise ValidationFailed(_("Write the public summary in Korean (English is optional)."))
    if S(application.state) in (S.draft, S.submitted, S.screening, S.supplement_requested, S.expert_review,
                                S.exemption_check, S.committee, S.withdrawn, S.returned):
        raise ValidationFailed(_("Only decided files go on the public register."))
    with atomic():
        summary = summary_of(application) or PublicSummary(application_id=application.id, summary_ko="")
        db.session.add(summary)
        summary.summary_ko, summary.summary_en = summary_ko, summary_en
        summary.approved_by_id = office.id if publish else None
        summary.published_at = datetime.now(timezone.utc) if publish else None
        db.session.flush()
        record("register.summary_published" if publish else "register.summary_withdrawn", summary,
               application=application, actor=office, data={"summary_ko": summary_ko, "summary_en": summary_en})
    return summary


def zone_trial_counts(zone):
    """For the zone dashboard: incidents (and how many critical) and feedback, per zone."""
    incident_rows = db.session.execute(
        select(Incident.severity, func.count(Incident.id)).join(Trial, Incident.trial_id == Trial.id)
        .join(Application, Trial.application_id == Application.id).where(Application.zone_id == zone.id)
        .group_by(Incident.severity)).all()
    feedback_rows = db.session.execute(
        select(Feedback.status, func.count(Feedback.id)).join(Application, Feedback.application_id == Application.id)
        .where(Application.zone_id == zone.id).group_by(Feedback.status)).all()
    incidents, feedback = dict(incident_rows), dict(feedback_rows)
    return {"incidents": sum(incidents.values()), "critical_incidents": incidents.get(Severity.critical, 0),
            "feedback": sum(feedback.values()), "feedback_published": feedback.get(Moderation.published, 0),
            "feedback_pending": feedback.get(Moderation.pending, 0)}
