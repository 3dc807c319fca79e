"""The office queue: overdue files first, whatever their age, and keyset pages through the rest."""
import re
from datetime import datetime, timedelta, timezone

from sandbox.labels import Role
from sandbox.states import ApplicationState as S

from ..conftest import login
from ..factories import ApplicationFactory, StageClockFactory

NOW = datetime.now(timezone.utc)


def filed(title, due_in_days, submitted_days_ago):
    application = ApplicationFactory(state=S.screening, title=title,
                                     submitted_at=NOW - timedelta(days=submitted_days_ago))
    StageClockFactory(application=application, stage=S.screening, started_at=NOW - timedelta(days=10),
                      allowed_days=14, due_at=NOW + timedelta(days=due_in_days))
    return application


def titles(page):
    return re.findall(r'<a href="/files/\d+">([^<]+)</a>', page)


def test_overdue_file_comes_first_even_when_it_is_the_newest(client, make_user):
    filed("old, plenty of time", 20, 60)
    filed("new but overdue", -3, 1)
    filed("middle", 5, 30)
    login(client, make_user(Role.office))
    assert titles(client.get("/office/").get_data(as_text=True)) == ["new but overdue", "middle", "old, plenty of time"]


def test_keyset_pages_cover_every_file_once(client, make_user):
    for n in range(55):
        filed(f"file {n:02d}", n % 7, n)
    login(client, make_user(Role.office))
    first = client.get("/office/").get_data(as_text=True)
    next_url = re.search(r'href="(/office/\?after=[^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = client.get(next_url).get_data(as_text=True)
    seen = titles(first) + titles(second)
    assert len(titles(first)) == 50 and sorted(seen) == sorted(f"file {n:02d}" for n in range(55))
    assert 'rel="next"' not in second


def test_files_without_a_running_deadline_follow_the_dated_ones_across_pages(client, make_user):
    for n in range(30):
        filed(f"dated {n:02d}", n, 5)
    paused = filed("paused for a supplement", -20, 5)
    paused.clocks[0].paused_at = NOW
    for n in range(30):
        ApplicationFactory(state=S.committee, title=f"no clock {n:02d}", submitted_at=NOW)
    login(client, make_user(Role.office))
    pages, url = [], "/office/"
    for _ in range(3):
        page = client.get(url).get_data(as_text=True)
        pages.append(titles(page))
        found = re.search(r'href="(/office/\?after=[^"]+)" rel="next"', page)
        if not found:
            break
        url = found.group(1).replace("&amp;", "&")
    seen = [t for page in pages for t in page]
    assert [len(p) for p in pages] == [50, 11]
    # Overdue and soon-due first; a paused clock does not run, so its file waits with the undated ones.
    assert seen[:30] == [f"dated {n:02d}" for n in range(30)]
    assert sorted(seen[30:]) == sorted(["paused for a supplement"] + [f"no clock {n:02d}" for n in range(30)])


def test_filters_apply_to_both_parts_of_the_queue(client, make_user):
    filed("screening, dated", 3, 5)
    ApplicationFactory(state=S.screening, title="screening, no clock", submitted_at=NOW)
    ApplicationFactory(state=S.committee, title="committee, no clock", submitted_at=NOW)
    ApplicationFactory(state=S.draft, title="a draft is the applicant's own")
    login(client, make_user(Role.office))
    assert titles(client.get("/office/?state=screening").get_data(as_text=True)) == [
        "screening, dated", "screening, no clock"]
    assert "a draft" not in client.get("/office/").get_data(as_text=True)
