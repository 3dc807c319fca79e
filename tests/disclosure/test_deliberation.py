"""The bug as found: the applicant read "Vote cast or changed — committee1@… — <recusal reason>" on their
file page while the committee still deliberated, and reviewers' e-mails and decline reasons with it."""
import html

from ..conftest import login
from ..factories_flow import DECLINE_REASON, RECUSAL_REASON, REJECT_REASON


def test_the_applicant_does_not_read_the_committee_s_votes_while_it_deliberates(client, trail):
    application, _item = trail.deliberating()
    login(client, application.created_by)
    page = html.unescape(client.get(f"/files/{application.id}?history=all").get_data(as_text=True))
    assert "Committee" in page  # the state: the file is with the committee
    for member in trail.committee:
        assert member.email not in page and member.name not in page
    assert RECUSAL_REASON not in page and REJECT_REASON not in page
    assert "Vote cast" not in page


def test_the_applicant_does_not_read_reviewers_names_or_decline_reasons(client, trail):
    application = trail.reviewed()
    login(client, application.created_by)
    page = html.unescape(client.get(f"/files/{application.id}?history=all").get_data(as_text=True))
    for reviewer in [*trail.reviewers[:3], trail.decliner, trail.conflicted, trail.authority]:
        assert reviewer.email not in page and reviewer.name not in page
    assert DECLINE_REASON not in page
    assert "the sandbox office" in page  # staff appear under neutral labels


def test_the_neutral_labels_read_in_korean(client, trail):
    application = trail.reviewed()
    login(client, application.created_by)
    page = client.get(f"/files/{application.id}", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "샌드박스 사무국" in page and trail.office.email not in page
