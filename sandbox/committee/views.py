"""Committee members: their meetings' agendas, the file summary with reviews and opinions, votes
(recusal with a reason), and the chair's decision record."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from .. import policy, sites
from ..extensions import db
from ..models import AgendaItem, CommitteeMeeting, Vote
from ..models.committee import ConditionKind, DecisionOutcome, VoteChoice
from ..policy.disclosure import disclose_opinion, disclose_reviews, disclose_votes
from ..rules import committee as committee_rules
from ..rules import reviews as review_rules
from ..rules import conflicts as conflict_rules
from ..rules.conditions import format_parameters
from ..services import committee
from ..states import ApplicationState
from ..viewforms import flash_form_errors
from ..viewhelpers import load_or_404, me, refusals, require
from .forms import MAX_CONDITIONS, DecisionForm, VoteForm
from .blueprint import bp

BLANK_CONDITIONS = 2


@bp.route("/")
def agenda():
    meetings = db.session.scalars(select(CommitteeMeeting).where(CommitteeMeeting.members.any(id=me().id))
                                  .order_by(CommitteeMeeting.meets_on.desc())).all()
    return render_template("committee/agenda.html", meetings=meetings, states=ApplicationState)


def _proposed_conditions(application):
    """The authorities' proposed conditions plus blank rows, as many as the form accepts."""
    rows = []
    for r in application.exemption_requests:
        opinion = review_rules.opinion_for(r)
        for c in (opinion.conditions if opinion else []):
            rows.append({"kind": c["kind"], "text": c["text"], "parameters": format_parameters(c.get("parameters"))})
    return (rows + [{"kind": "", "text": "", "parameters": ""} for _ in range(BLANK_CONDITIONS)])[:MAX_CONDITIONS]


def _item_page(item, status=200, vote_form=None, decision_form=None):
    """The forms come bound to what the member typed when a post was refused; the decision's condition
    rows are the authorities' proposals until the member has posted their own."""
    user, application = me(), item.application
    if not any(m.id == user.id for m in item.meeting.members) and not policy.may(user, "decision.record", application):
        abort(403)
    cleared = policy.may(user, "application.view", application)
    viewer = policy.viewer_of(user, application)  # the page shows people and votes as the rule allows
    opinions = [(r, disclose_opinion(viewer, review_rules.opinion_for(r))) for r in application.exemption_requests]
    return render_template(
        "committee/item.html", item=item, application=application, state=ApplicationState(application.state),
        cleared=cleared, declaration=conflict_rules.latest_declaration(user, application),
        reviews=disclose_reviews(viewer, review_rules.visible_reviews(user, application)) if cleared else [],
        opinions=opinions, votes=disclose_votes(viewer, item.votes),
        tally=committee_rules.tally(item), quorum=committee_rules.quorum_problems(application),
        my_vote=db.session.scalar(select(Vote).where(Vote.item_id == item.id, Vote.member_id == user.id)),
        may_vote=policy.may(user, "vote.cast", item), may_decide=cleared and item.decision is None
        and policy.may(user, "decision.record", application),
        # Said in place of the vote or decision form: what keeps this member from it (their acts on the file).
        vote_refusals=policy.refusals(user, "vote.cast", item) if item.decision is None else [],
        decide_refusals=policy.refusals(user, "decision.record", application) if item.decision is None else [],
        choices=VoteChoice, outcomes=DecisionOutcome, kinds=ConditionKind,
        vote_form=vote_form or VoteForm(formdata=None), decision_form=decision_form or DecisionForm(formdata=None),
        conditions=decision_form.condition_rows() if decision_form else _proposed_conditions(application),
        max_conditions=MAX_CONDITIONS, clashes=sites.clash_summary(application) if cleared else None), status


@bp.route("/items/<int:item_id>")
def item(item_id):
    return _item_page(load_or_404(AgendaItem, item_id))


@bp.route("/items/<int:item_id>/vote", methods=["POST"])
def vote(item_id):
    agenda_item = load_or_404(AgendaItem, item_id)
    require("vote.cast", agenda_item)
    form = VoteForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _item_page(agenda_item, 422, vote_form=form)
    with refusals() as outcome:
        committee.cast_vote(me(), agenda_item, form.choice.data or "", form.reason.data or "")
    if outcome.ok:
        flash(_("Your vote is recorded."), "success")
        return redirect(url_for(".item", item_id=item_id), code=303)
    return _item_page(agenda_item, outcome.status, vote_form=form)


@bp.route("/items/<int:item_id>/decision", methods=["POST"])
def decide(item_id):
    agenda_item = load_or_404(AgendaItem, item_id)
    application = agenda_item.application
    require("decision.record", application)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _item_page(agenda_item, 422, decision_form=form)
    with refusals() as outcome:
        committee.record_decision(me(), application, form.outcome.data or "", form.reasons.data or "",
                                  form.condition_rows(), [n for n in form.cite_review.data or [] if n],
                                  [n for n in form.cite_opinion.data or [] if n])
    if outcome.ok:
        flash(_("The decision is recorded."), "success")
        return redirect(url_for(".item", item_id=item_id), code=303)
    return _item_page(agenda_item, outcome.status, decision_form=form)
