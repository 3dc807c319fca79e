"""The decision log: auditors list decision records and export them as CSV or JSON Lines, streamed."""
from flask import Response, render_template, request, stream_with_context, url_for
from sqlalchemy import select

from ..extensions import db
from ..labels import Instrument
from ..models import Zone
from ..models.committee import DecisionOutcome
from ..services import decision_log
from ..viewhelpers import me, require
from .forms import DecisionLogFilterForm
from .blueprint import bp


def _export_urls(filters):
    args = {k: v for k, v in filters.items() if v}
    return {"csv": url_for(".decisions_csv", **args), "jsonl": url_for(".decisions_jsonl", **args)}


def _filter_form():
    zones = db.session.scalars(select(Zone).order_by(Zone.code)).all()
    form = DecisionLogFilterForm(request.args, zones=zones)
    return form, form.validate(), zones


def _page(form, valid, zones):
    filters = form.to_filters()
    return render_template("auditor/decisions.html", rows=decision_log.page(filters) if valid else [],
                           form=form, filters=filters, zones=zones, instruments=Instrument,
                           outcomes=DecisionOutcome, urls=_export_urls(filters) if valid else None,
                           vote_label=decision_log.vote_label), (200 if valid else 422)


@bp.route("/decisions")
def decisions():
    require("decision_log.export")
    return _page(*_filter_form())


def _stream(fmt, generator, mimetype, extension):
    require("decision_log.export")
    form, valid, zones = _filter_form()
    if not valid:
        # Every filter is checked before the first byte: a refused export is the page with its errors,
        # never a 200 that breaks off mid-stream.
        return _page(form, valid, zones)
    filters = form.to_filters()
    decision_log.record_export(me(), fmt, filters)
    return Response(stream_with_context(generator(filters)), mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename=decision-log.{extension}"})


@bp.route("/decisions.csv")
def decisions_csv():
    return _stream("csv", decision_log.iter_csv, "text/csv; charset=utf-8", "csv")


@bp.route("/decisions.jsonl")
def decisions_jsonl():
    return _stream("jsonl", decision_log.iter_jsonl, "application/x-ndjson; charset=utf-8", "jsonl")
