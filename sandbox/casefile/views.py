"""The file page everyone who works on an application shares: details, clock, actions, timeline,
documents and the workflow picture. What each person sees follows sandbox.policy."""
from flask import (current_app, flash, make_response, redirect, render_template, request, send_file, url_for)
from flask_babel import gettext as _
from sqlalchemy import select

from .. import policy, sites
from ..bounds import parse_int
from ..extensions import db
from ..labels import DocumentKind, LegalGround
from ..models import Application, AuditEvent, Document
from ..security import content_security_policy
from ..services import documents
from ..services.workflow import available_triggers, fire
from ..states import ApplicationState
from ..viewforms import flash_form_errors
from ..viewhelpers import load_or_404, me, refusals, require
from ..workflow import clocks
from ..workflow.diagram import diagram_source
from ..pages.file_details import details
from .forms import ActionForm, LaterDocumentForm
from .blueprint import bp

# The file page shows this many of the latest events; the whole history is one click away.
RECENT_EVENTS = 100


def timeline(application):
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.application_id == application.id).order_by(AuditEvent.seq)).all()


def recent_timeline(application, limit=RECENT_EVENTS):
    """(the latest `limit` events in order, whether earlier ones exist)."""
    latest = db.session.scalars(select(AuditEvent).where(AuditEvent.application_id == application.id)
                                .order_by(AuditEvent.seq.desc()).limit(limit + 1)).all()
    return list(reversed(latest[:limit])), len(latest) > limit


def _with_urls(application, actions):
    # The version travels with the button so a stale page gets a clear 409 instead of acting blindly.
    return [{**a, "url": url_for(".act", application_id=application.id, trigger=a["trigger"], version=application.version)}
            for a in actions]


@bp.route("/<int:application_id>")
def show(application_id):
    application = load_or_404(Application, application_id)
    require("application.view", application)
    return _show_page(application)


def _show_page(application, status=200):
    user = me()
    whole_history = request.args.get("history") == "all"
    events, earlier = (timeline(application), False) if whole_history else recent_timeline(application)
    # The page shows events only as the disclosure rule lets this viewer see them.
    events = policy.disclose_events(policy.viewer_of(user, application), events)
    return render_template(
        "casefile/show.html", application=application, state=ApplicationState(application.state),
        clock=clocks.view(application.current_clock), actions=_with_urls(application, available_triggers(application, user)),
        events=events, earlier_events=earlier, can_edit=policy.may(user, "application.edit", application),
        details=details(application), grounds=LegalGround, doc_kinds=DocumentKind,
        supplement_owed=application.state == ApplicationState.supplement_requested,
        clashes=sites.clash_summary(application) if policy.may(user, "clashes.view") else None,
        upload_form=LaterDocumentForm() if application.state != ApplicationState.draft
        and policy.may(user, "document.upload", application) else None), status


@bp.route("/<int:application_id>/actions/<trigger>", methods=["POST"])
def act(application_id, trigger):
    application = load_or_404(Application, application_id)
    require("application.view", application)
    form = ActionForm()
    if not form.validate_on_submit():
        if form.due.errors:
            flash(_("The due date is not a valid date."), "danger")
            return redirect(url_for(".show", application_id=application.id))
        flash_form_errors(form)
        return redirect(url_for(".show", application_id=application.id), code=303)
    data = {key: value for key, value in (("due", form.due.data), ("answer", form.answer.data)) if value}
    # A file that moved on, or a stale page, propagates to the 409 page.
    with refusals() as outcome:
        fire(application, trigger, me(), reason=form.reason.data or "", expected_version=_expected_version(), **data)
    if outcome.status == 403:
        # Not this person's step: the file page again, saying why, with the status the refusal carries.
        return _show_page(db.session.get(Application, application_id), outcome.status)
    if outcome.ok:
        state = ApplicationState(db.session.get(Application, application_id).state)
        flash(_("Done. The file is now “%(state)s”.", state=state.label), "success")
    return redirect(url_for(".show", application_id=application_id), code=303)


def _expected_version():
    """The version the page was drawn at; one that is not a number matches no file, so a tampered page
    gets the same 409 page as a stale one."""
    raw = request.args.get("version")
    if not raw:
        return None
    version = parse_int(raw, 0)
    return -1 if version is None else version


@bp.route("/<int:application_id>/workflow")
def workflow(application_id):
    application = load_or_404(Application, application_id)
    require("application.view", application)
    response = make_response(render_template(
        "casefile/workflow.html", application=application, state=ApplicationState(application.state),
        source=diagram_source(application, timeline(application))))
    response.headers["Content-Security-Policy"] = content_security_policy(current_app, inline_styles=True)
    return response


@bp.route("/<int:application_id>/documents", methods=["POST"])
def upload(application_id):
    application = load_or_404(Application, application_id)
    require("document.upload", application)
    form = LaterDocumentForm()
    if form.validate_on_submit():
        with refusals() as outcome:
            document = documents.upload_document(me(), application, form.file.data, DocumentKind(form.kind.data))
        if outcome.ok:
            flash(_("Uploaded %(name)s.", name=document.original_name), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for(".show", application_id=application.id) + "#documents-heading", code=303)


@bp.route("/documents/<int:document_id>")
def download(document_id):
    document = load_or_404(Document, document_id)
    path = documents.open_for_download(me(), document)
    return send_file(path, mimetype=document.media_type, as_attachment=True,
                     download_name=documents.download_name(document), max_age=0)
