"""The in-app notification centre: unread count in the header, unread first, mark read."""
from sandbox.extensions import db
from sandbox.services.notifications import notify
from sandbox.transaction import atomic

from ..conftest import login
from ..factories import UserFactory
from .conftest import notices


def _notice(user, subject, link="/notices/"):
    with atomic():
        notify([user], "test", subject, "본문", link)
    return notices(user)[-1]


def test_header_shows_the_unread_count_and_mark_read_lowers_it(client, db):
    user = UserFactory()
    first = _notice(user, "첫 번째 알림")
    _notice(user, "두 번째 알림")
    login(client, user)
    page = client.get("/notices/").get_data(as_text=True)
    assert 'app-notices-link' in page and ">2</span>" in page
    assert "첫 번째 알림" in page and "두 번째 알림" in page

    assert client.post(f"/notices/{first.id}/read").status_code == 303
    db.session.refresh(first)
    assert first.read_at is not None
    page = client.get("/notices/").get_data(as_text=True)
    assert ">1</span>" in page
    # unread first
    assert page.index("두 번째 알림") < page.index("첫 번째 알림")


def test_open_marks_read_and_follows_the_link(client, db):
    user = UserFactory()
    notice = _notice(user, "파일 이동", link="/files/123")
    login(client, user)
    response = client.post(f"/notices/{notice.id}/read", data={"open": "1"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/files/123")
    db.session.refresh(notice)
    assert notice.read_at is not None


def test_mark_all_read(client, db):
    user = UserFactory()
    for n in range(3):
        _notice(user, f"알림 {n}")
    login(client, user)
    client.post("/notices/read-all")
    assert all(n.read_at is not None for n in notices(user))
    header_link = client.get("/notices/").get_data(as_text=True).split("app-notices-link")[1][:200]
    assert "krds-badge" not in header_link.split("</a>")[0]


def test_nobody_reads_or_marks_someone_elses_notices(client, db):
    owner, other = UserFactory(), UserFactory()
    notice = _notice(owner, "비공개 알림")
    login(client, other)
    assert "비공개 알림" not in client.get("/notices/").get_data(as_text=True)
    assert client.post(f"/notices/{notice.id}/read").status_code == 404
    db.session.refresh(notice)
    assert notice.read_at is None


def test_logged_out_visitors_are_sent_to_login(client, db):
    assert client.get("/notices/").status_code == 302
