"""The sandbox office's work: the queue of files by state, zone, instrument and clock."""
from flask import render_template, request, url_for

from ..bounds import db_int
from ..labels import Instrument
from ..services.disputes import open_dispute_count
from ..states import ApplicationState
from ..workflow import clocks
from .queue import Cursor, queue_page, state_counts, zones
from .blueprint import bp





@bp.route("/")
def queue():
    filters = {"state": request.args.get("state", ""), "zone": request.args.get("zone", type=db_int),
               "instrument": request.args.get("instrument", "")}
    after = Cursor.parse(request.args.get("after"))
    found, next_cursor = queue_page(filters, after)
    rows = [{"application": a, "state": ApplicationState(a.state), "clock": clocks.view(a.current_clock)} for a, _ in found]
    chosen = {k: v for k, v in filters.items() if v}
    return render_template("office/queue.html", rows=rows, counts=state_counts(), states=ApplicationState,
                           zones=zones(), instruments=Instrument, filters=filters,
                           next_url=url_for(".queue", **chosen, after=str(next_cursor)) if next_cursor else None,
                           first_url=url_for(".queue", **chosen) if after else None,
                           open_disputes=open_dispute_count())


