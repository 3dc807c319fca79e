"""Decision and request letters: one editable Jinja text template per outcome and language under
templates/letters/<kind>.<lang>.txt (first line: the title), rendered from the audit event that
records the decision, into the notification email and into a PDF (ReportLab + NanumGothic)."""
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO
from xml.sax.saxutils import escape

from flask import current_app, render_template
from sqlalchemy import select

from ..audit.record import record
from ..extensions import db
from ..models import AuditEvent
from ..policy.disclosure import APPLICANT_ADDRESSEE, disclose_event
from ..transaction import atomic

LANGUAGES = ("ko", "en")
# The audit action that a letter answers, and the template that words it.
LETTER_KINDS = {
    "application.supplement_requested": "supplement_request",
    "application.returned": "return",
    "application.approved": "approval",
    "application.approved_with_conditions": "approval_with_conditions",
    "application.rejected": "rejection",
    "application.answered_regulation_exists": "quick_regulation_exists",
    "application.answered_no_regulation": "quick_no_regulation",
    "application.deemed_no_regulation": "deemed_no_regulation",
}
FONT = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
BOLD_FONT = "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf"
# Screen readers announce the title and read with the catalog's /Lang (WCAG PDF16, PDF18; PDF/UA).
PDF_LANGUAGE = {"ko": "ko-KR", "en": "en"}
LETTER_AUTHOR = {"ko": "규제샌드박스 사무국", "en": "Regulatory sandbox secretariat"}


@dataclass(frozen=True)
class Letter:
    kind: str
    lang: str
    title: str
    body: str


def letter_kind(event):
    return LETTER_KINDS.get(event.action) if event is not None else None


def letter_events(application):
    """The audit events of a file that come with a letter, oldest first."""
    return db.session.scalars(select(AuditEvent).where(AuditEvent.application_id == application.id,
                                                       AuditEvent.action.in_(LETTER_KINDS))
                              .order_by(AuditEvent.seq)).all()


def letter_event(application, seq):
    event = db.session.get(AuditEvent, seq)
    if event is None or event.application_id != application.id or letter_kind(event) is None:
        return None
    return event


def _conditions(data):
    return [c.get("text") or str(c) if isinstance(c, dict) else str(c) for c in data.get("conditions") or []]


def _context(application, event, lang):
    # A letter is addressed to the applicant: it quotes the event only as the applicant may see it.
    shown = disclose_event(APPLICANT_ADDRESSEE, event)
    data = shown.data if shown is not None else {}
    zone = application.zone
    submitted = application.submitted_at
    days = current_app.config.get("QUICK_CONFIRMATION_DAYS", 30)
    return {
        "application": application, "reference": application.reference or f"#{application.id}",
        "title": application.display_title, "organisation": application.organisation.name,
        "zone": (zone.name_ko if lang == "ko" else zone.name_en) if zone else "",
        "reason": shown.reason if shown is not None else "", "conditions": _conditions(data),
        "due": data.get("due", ""),
        "answer": application.answer, "question": application.question,
        "issued_on": event.occurred_at.date().isoformat(), "event_seq": event.seq,
        "submitted_on": submitted.date().isoformat() if submitted else "",
        "answer_period_days": days,
        "answer_deadline": (submitted + timedelta(days=days)).date().isoformat() if submitted else "",
    }


def render_letter(application, event, lang):
    kind = letter_kind(event)
    text = render_template(f"letters/{kind}.{lang}.txt", **_context(application, event, lang)).strip()
    title, _newline, body = text.partition("\n")
    return Letter(kind, lang, title.strip(), body.strip())


def bilingual_letter(application, event):
    """(subject, body) for the notification of a lettered event, Korean first; None without a letter."""
    if letter_kind(event) is None:
        return None
    letters = [render_letter(application, event, lang) for lang in LANGUAGES]
    subject = f"[{application.reference or application.id}] {letters[0].title}"
    body = "\n\n".join(f"{letter.title}\n\n{letter.body}" for letter in letters)
    return subject, body.replace("\n\n\n", "\n\n")


_fonts_ready = False


def _register_fonts():
    global _fonts_ready
    if _fonts_ready:
        return
    # reportlab takes ~0.15 s to import and only a PDF download needs it: loaded then, not at start-up.
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    pdfmetrics.registerFont(TTFont("NanumGothic", current_app.config.get("LETTER_FONT", FONT)))
    pdfmetrics.registerFont(TTFont("NanumGothicBold", current_app.config.get("LETTER_BOLD_FONT", BOLD_FONT)))
    _fonts_ready = True


def _paragraphs(text, style):
    # reportlab takes ~0.15 s to import and only a PDF download needs it: loaded then, not at start-up.
    from reportlab.platypus import Paragraph, Spacer
    flow = []
    for block in text.split("\n\n"):
        # Paragraph reads a little markup: escape the text, keep its line breaks.
        flow += [Paragraph(escape(block.strip()).replace("\n", "<br/>"), style), Spacer(1, 6)]
    return flow


def letter_pdf(application, event, letter):
    """The letter as PDF bytes; Korean wraps at spaces (Paragraph's default), not mid-word."""
    # reportlab takes ~0.15 s to import and only a PDF download needs it: loaded then, not at start-up.
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
    _register_fonts()
    body_style = ParagraphStyle("body", fontName="NanumGothic", fontSize=10.5, leading=17)
    title_style = ParagraphStyle("title", fontName="NanumGothicBold", fontSize=16, leading=22, spaceAfter=10)
    footer = f"{application.reference or application.id} · audit #{event.seq} · {event.hash[:16]}"

    def draw_footer(canvas, doc):
        canvas.setFont("NanumGothic", 8)
        canvas.drawString(25 * mm, 12 * mm, footer)
        canvas.drawRightString(A4[0] - 25 * mm, 12 * mm, str(doc.page))

    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=25 * mm,
                            bottomMargin=22 * mm, title=letter.title, author=LETTER_AUTHOR[letter.lang],
                            subject=f"{application.reference or application.id} · {application.display_title}",
                            lang=PDF_LANGUAGE[letter.lang], displayDocTitle=True)
    story = [Paragraph(escape(letter.title), title_style), Spacer(1, 4)]
    story += _paragraphs(letter.body, body_style)
    doc.build(story, onFirstPage=draw_footer, onLaterPages=draw_footer)
    return buffer.getvalue()


def download_letter(user, application, event, lang):
    """Render the PDF, then record the download in its own transaction (auditors see who fetched it)."""
    letter = render_letter(application, event, lang)
    pdf = letter_pdf(application, event, letter)
    with atomic():
        record("letter.downloaded", application, application=application, actor=user,
               data={"event_seq": event.seq, "kind": letter.kind, "lang": lang})
    return letter, pdf
