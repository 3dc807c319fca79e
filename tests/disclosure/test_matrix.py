"""The disclosure rule as each role meets it: role × event kind through the rendered file page, the
notification (centre page and e-mail body) and the letter (its PDF's text), on a file walked through
screening, a supplement, expert review, opinions, the committee and the decision with the real services."""
import html
import subprocess

import pytest
from sqlalchemy import select

from sandbox.models import Notification
from sandbox.services.delivery import _message

from ..conftest import login
from ..factories_flow import (COMMITTEE_ONLY, CONFLICT_DETAILS, DECISION_REASONS, DECLINE_REASON, OPINION_REASONS,
                              RECUSAL_REASON, REJECT_REASON, SUPPLEMENT, TO_APPLICANT)

ROLES = ("applicant", "secretariat", "reviewer", "authority", "committee", "chair", "auditor")
EVERYONE = frozenset(ROLES)
STAFF = EVERYONE - {"applicant"}
# Each event kind on the file (by its label in the history) and the roles whose page shows it.
EVENT_KINDS = {
    "Screening started": EVERYONE,
    "Accepted for review": EVERYONE,
    "Supplement requested": EVERYONE,
    "Supplement answered": EVERYONE,
    "Reviewer assigned": STAFF,
    "Assignment accepted": STAFF,
    "Assignment declined": STAFF,
    "Conflict of interest declared": STAFF,  # reviewers and authorities see their own declaration
    "Review submitted": STAFF,
    "Opinion given": STAFF,
    "Review closed": EVERYONE,
    "Added to a meeting agenda": EVERYONE,
    "Vote cast": {"secretariat", "committee", "chair", "auditor"},
    "Approved with conditions": EVERYONE,
    "Conditions accepted": EVERYONE,
}
REASONS = {  # reason or comment -> roles whose file page shows it
    SUPPLEMENT: EVERYONE,
    DECISION_REASONS: EVERYONE,
    DECLINE_REASON: {"secretariat", "auditor"},
    RECUSAL_REASON: {"committee", "chair", "auditor"},
    REJECT_REASON: {"committee", "chair", "auditor"},
    TO_APPLICANT: {"applicant", "secretariat", "auditor"},  # the applicant: once decided, unsigned
    COMMITTEE_ONLY: set(),  # on the committee's own page only
    CONFLICT_DETAILS: set(),  # the office's assignments page and the audit log only
    OPINION_REASONS: set(),  # the committee's and the office's pages
}


def _viewer(trail, application, role):
    return {"applicant": application.created_by, "secretariat": trail.office, "reviewer": trail.reviewers[0],
            "authority": trail.authority, "committee": trail.members[1], "chair": trail.chair,
            "auditor": trail.auditor}[role]


def _named(trail, role):
    """The staff whose e-mail each role's page shows: everyone for the office, the committee and the
    auditors; the office and themselves for reviewers and authorities; nobody for the applicant."""
    if role == "applicant":
        return set()
    if role in ("reviewer", "authority"):
        return {trail.office, trail.reviewers[0] if role == "reviewer" else trail.authority}
    return set(trail.staff)


@pytest.mark.parametrize("role", ROLES)
def test_the_file_page_shows_each_event_kind_as_the_rule_says(client, trail, role):
    application = trail.decided()
    viewer = _viewer(trail, application, role)
    login(client, viewer)
    page = html.unescape(client.get(f"/files/{application.id}?history=all").get_data(as_text=True))
    wrong = [f"{label}: {'missing' if role in roles else 'shown'}" for label, roles in EVENT_KINDS.items()
             if (label in page) != (role in roles)]
    wrong += [f"reason {text!r}: {'missing' if role in roles else 'shown'}" for text, roles in REASONS.items()
              if (text in page) != (role in roles)]
    named = _named(trail, role)
    wrong += [f"{person.email}: {'missing' if person in named else 'shown'}" for person in trail.staff
              if person is not viewer and (person.email in page) != (person in named)]
    assert not wrong, f"{role} sees the file wrongly: {wrong}"


def test_the_applicant_s_page_names_staff_only_by_neutral_labels(client, trail):
    application = trail.decided()
    login(client, application.created_by)
    page = html.unescape(client.get(f"/files/{application.id}?history=all").get_data(as_text=True))
    assert [s for s in trail.secrets() if s in page] == []
    assert "the sandbox office" in page and "the committee" in page
    assert "Reviewer 1" in page and TO_APPLICANT in page  # comments to the applicant, unsigned


def test_notices_and_their_emails_tell_the_applicant_no_staff_names_or_confidential_reasons(client, trail, app, db):
    application = trail.decided()
    applicant = application.created_by
    notices = db.session.scalars(select(Notification).where(Notification.user_id == applicant.id)).all()
    assert len(notices) >= 6  # screening, acceptance, supplement, answer, review closed, committee, decision
    emails = [_message(n, app.config).get_content() for n in notices]
    login(client, applicant)
    centre = html.unescape(client.get("/notices/").get_data(as_text=True))
    for surface, text in [("centre", centre), *((f"email {n.id}", body) for n, body in zip(notices, emails))]:
        assert [s for s in trail.secrets() if s in text] == [], surface
    assert "the sandbox office" in centre and SUPPLEMENT in centre and DECISION_REASONS in "".join(emails)


def test_the_office_still_reads_who_answered_the_supplement(trail):
    application = trail.screened_with_supplement()
    office_notice = Notification.query.filter_by(user_id=trail.office.id, kind="office.answer_supplement").one()
    assert application.created_by.display_name in office_notice.body


def _pdf_text(data, tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout


def test_letters_name_no_staff_and_quote_only_what_is_addressed_to_the_applicant(client, trail, tmp_path):
    application = trail.decided()
    login(client, application.created_by)
    letters = Notification.query.filter_by(user_id=application.created_by.id, kind="letter").all()
    assert len(letters) == 2  # the supplement request and the approval with conditions
    for notice in letters:
        for lang in ("ko", "en"):
            response = client.get(f"/files/{application.id}/letters/{notice.audit_seq}.pdf?lang={lang}")
            assert response.status_code == 200
            text = " ".join(_pdf_text(response.data, tmp_path).split())
            assert [s for s in trail.secrets() if s in text] == [], (notice.subject, lang)
            if "approved_with_conditions" in notice.body or "조건" in notice.subject:
                assert "Sangam DMC" in text  # the conditions, addressed to the applicant, are there
