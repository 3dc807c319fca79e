"""A reviewer's list: open work on top, earliest due first; finished work below, newest first, in pages."""
import re

from sandbox.services import assignments

from ..conftest import login
from ..factories_flow import Cast


def titles(html):
    return re.findall(r'<a href="/review/assignments/\d+">([^<]+)</a>', html)


def section(html, heading_id):
    start = html.index(f'id="{heading_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_open_work_comes_first_and_finished_work_is_paged(client, cast: Cast):
    reviewer = cast.reviewers[0]
    for n in range(27):
        cast.review(cast.in_review(title=f"reviewed {n:02d}"), reviewer)
    waiting = cast.in_review(title="waiting for my answer")
    assignments.assign_reviewer(cast.office, waiting, reviewer)
    login(client, reviewer)
    page = client.get("/review/").get_data(as_text=True)
    assert titles(section(page, "to-do-heading")) == ["waiting for my answer"]
    first = titles(section(page, "finished-heading"))
    assert first == [f"reviewed {n:02d}" for n in range(26, 1, -1)]  # the newest 25
    next_url = re.search(r'href="(/review/\?before=\d+)#finished-heading" rel="next"', page).group(1)
    rest = titles(section(client.get(next_url).get_data(as_text=True), "finished-heading"))
    assert rest == ["reviewed 01", "reviewed 00"]


def test_a_reviewer_sees_only_their_own_assignments(client, cast: Cast):
    cast.review(cast.in_review(title="someone else's review"), cast.reviewers[1])
    login(client, cast.reviewers[0])
    page = client.get("/review/").get_data(as_text=True)
    assert "someone else's review" not in page
    assert "No file is assigned to you" in page and 'id="finished-heading"' not in page
