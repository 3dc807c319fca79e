"""Decision and request letters of a file as PDF, for everyone who may view the file; each
download is audited."""
from io import BytesIO

from flask import abort, request, send_file, url_for

from ..i18n import current_language
from ..models import Application
from ..services import letters
from ..viewhelpers import load_or_404, me, require
from .blueprint import bp


@bp.app_template_global()
def letter_links(application):
    """[(event, [(lang, url)])] for the file page's timeline or decision panel."""
    return [(event, [(lang, url_for("casefile.letter", application_id=application.id, seq=event.seq, lang=lang))
                     for lang in letters.LANGUAGES])
            for event in letters.letter_events(application)]


@bp.route("/<int:application_id>/letters/<int:seq>.pdf")
def letter(application_id, seq):
    application = load_or_404(Application, application_id)
    require("application.view", application)
    event = letters.letter_event(application, seq)
    if event is None:
        abort(404)
    lang = request.args.get("lang", "")
    if lang not in letters.LANGUAGES:
        lang = "en" if current_language().startswith("en") else "ko"
    letter, pdf = letters.download_letter(me(), application, event, lang)
    name = f"{application.reference or application.id}-{letter.kind}-{lang}.pdf"
    return send_file(BytesIO(pdf), mimetype="application/pdf", download_name=name, as_attachment=False)
