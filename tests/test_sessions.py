"""Sessions end when they should: a session cookie saved before a logout, a password change, a role
revocation or a deactivation is refused afterwards; sessions run out after the idle timeout and the
absolute lifetime; people see their sessions and end them."""
from datetime import timedelta

from flask_login.utils import encode_cookie
from sqlalchemy import select, update

from sandbox.models import AuditEvent, UserSession
from sandbox.services.sessions import _utcnow

from .conftest import PASSWORD, login

ENDED = "Your session has ended, please log in again."


def _saved_cookie(client):
    return client.get_cookie("session").value


def _replay(client, value):
    client.set_cookie("session", value)


def _device(app, agent="Mozilla/5.0 (Windows NT 10.0) Chrome/120.0 Safari/537.36"):
    """Another browser: its own cookies and User-Agent."""
    other = app.test_client()
    other.environ_base.update(HTTP_ACCEPT_LANGUAGE="en", HTTP_USER_AGENT=agent)
    return other


def _refused(client, path="/committee/"):
    response = client.get(path)
    return response.status_code == 302 and "/auth/login" in response.headers["Location"]


def _sessions(db, user):
    return db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                              .order_by(UserSession.id)).all()


def _actions(db):
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]


def test_cookie_saved_before_logout_is_refused_afterwards(client, make_user, db):
    member = make_user("committee")
    login(client, member)
    assert client.get("/committee/").status_code == 200
    saved = _saved_cookie(client)
    client.post("/auth/logout")
    _replay(client, saved)
    assert _refused(client)
    assert ENDED in client.get("/auth/login").get_data(as_text=True)
    assert _refused(client, f"/files/{1}")
    [row] = _sessions(db, member)
    assert row.end_reason == "logout"
    assert _actions(db).count("user.logged_out") == 1


def test_remember_me_cookie_does_not_resurrect_a_session(app, client, make_user):
    member = make_user("committee")
    login(client, member)
    client.post("/auth/logout")
    with app.test_request_context():
        forged = encode_cookie(str(member.id))  # what Flask-Login would accept as a remember-me cookie
    client.set_cookie(app.config.get("REMEMBER_COOKIE_NAME", "remember_token"), forged)
    assert _refused(client)


def test_cookie_saved_before_a_password_change_elsewhere_is_refused(app, client, make_user, db):
    member = make_user("committee")
    login(client, member)
    saved = _saved_cookie(client)
    laptop = _device(app)
    login(laptop, member)
    response = laptop.post("/auth/password", data={"current": PASSWORD, "password": "a new password 2",
                                                   "confirm": "a new password 2"})
    assert response.status_code == 302
    assert _refused(client)
    thief = _device(app)
    _replay(thief, saved)
    assert _refused(thief)
    assert laptop.get("/committee/").status_code == 200  # the session that changed it stays open
    assert [row.end_reason for row in _sessions(db, member)] == ["password_changed", None]


def test_role_revocation_ends_the_users_sessions(app, client, make_user, db):
    member = make_user("committee", "reviewer")
    login(client, member)
    admin = _device(app)
    login(admin, make_user("admin"))
    admin.post(f"/admin/users/{member.id}/roles/revoke", data={"role": "committee"})
    assert _refused(client, "/review/")  # even the pages of the role that is left: log in again
    login(client, member)
    assert client.get("/review/").status_code == 200
    assert client.get("/committee/").status_code == 403
    assert _sessions(db, member)[0].end_reason == "role_revoked"
    assert "user.session_ended" in _actions(db)


def test_deactivation_ends_the_users_sessions_and_refuses_new_logins(app, client, make_user, db):
    member = make_user("committee")
    login(client, member)
    saved = _saved_cookie(client)
    admin = _device(app)
    login(admin, make_user("admin"))
    admin.post(f"/admin/users/{member.id}/deactivate")
    assert _refused(client)
    _replay(client, saved)
    assert _refused(client)
    assert client.post("/auth/login", data={"email": member.email, "password": PASSWORD}).status_code == 200
    assert _sessions(db, member)[0].end_reason == "deactivated"
    admin.post(f"/admin/users/{member.id}/reactivate")
    login(client, member)
    assert client.get("/committee/").status_code == 200
    assert {"user.deactivated", "user.reactivated"} <= set(_actions(db))


def test_an_admin_cannot_deactivate_themselves(client, login_as, db):
    admin = login_as("admin")
    response = client.post(f"/admin/users/{admin.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    assert client.get("/admin/users").status_code == 200


def _age(db, user, **moved):
    db.session.execute(update(UserSession).where(UserSession.user_id == user.id).values(**moved))
    db.session.commit()


def test_idle_session_ends_with_a_clear_message(app, client, make_user, db):
    member = make_user("committee")
    login(client, member)
    idle = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    _age(db, member, last_seen_at=_utcnow() - idle + timedelta(minutes=1))
    assert client.get("/committee/").status_code == 200  # one minute left
    _age(db, member, last_seen_at=_utcnow() - idle - timedelta(seconds=1))
    response = client.get("/committee/", follow_redirects=True)
    assert "/auth/login" in response.request.path and ENDED in response.get_data(as_text=True)
    assert _sessions(db, member)[0].end_reason == "idle"
    assert "user.session_expired" in _actions(db)


def test_session_ends_after_its_lifetime_however_active(app, client, make_user, db):
    member = make_user("committee")
    login(client, member)
    lifetime = timedelta(hours=app.config["SESSION_MAX_HOURS"])
    _age(db, member, created_at=_utcnow() - lifetime + timedelta(minutes=1))
    assert client.get("/committee/").status_code == 200
    _age(db, member, created_at=_utcnow() - lifetime - timedelta(seconds=1), last_seen_at=_utcnow())
    assert _refused(client)
    assert _sessions(db, member)[0].end_reason == "lifetime"


def test_idle_timeout_and_lifetime_are_settings(app, client, make_user, db, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 5)
    monkeypatch.setitem(app.config, "SESSION_MAX_HOURS", 1)
    member = make_user("committee")
    login(client, member)
    _age(db, member, last_seen_at=_utcnow() - timedelta(minutes=5, seconds=1))
    assert _refused(client)
    login(client, member)
    _age(db, member, created_at=_utcnow() - timedelta(hours=1, seconds=1))
    assert _refused(client)


def test_last_seen_is_written_at_most_once_a_minute(client, make_user, db):
    member = make_user("committee")
    login(client, member)
    recent = _utcnow() - timedelta(seconds=30)
    _age(db, member, last_seen_at=recent)
    client.get("/committee/")
    db.session.expire_all()
    assert _sessions(db, member)[0].last_seen_at == recent
    older = _utcnow() - timedelta(minutes=2)
    _age(db, member, last_seen_at=older)
    client.get("/committee/")
    db.session.expire_all()
    assert _sessions(db, member)[0].last_seen_at > older + timedelta(minutes=1)


def test_account_page_lists_open_sessions_and_ends_one(app, client, make_user, db):
    member = make_user("committee")
    login(client, member)
    phone = _device(app, "Mozilla/5.0 (Linux; Android 14) Firefox/121.0")
    login(phone, member)
    gone = _device(app)
    login(gone, member)
    gone.post("/auth/logout")
    page = client.get("/auth/account").get_data(as_text=True)
    assert page.count("End this session") == 1 and "this device" in page
    assert "Firefox / Android" in page and "Chrome / Windows" not in page  # the logged-out one is gone
    phone_session = _sessions(db, member)[1]
    assert phone_session.ip == "127.0.0.1"
    response = client.post(f"/auth/sessions/{phone_session.id}/end", follow_redirects=True)
    assert "That session has been logged out." in response.get_data(as_text=True)
    assert _refused(phone)
    assert client.get("/committee/").status_code == 200


def test_log_out_everywhere_else(app, client, make_user, db):
    member = make_user("committee")
    login(client, member)
    others = [_device(app) for _ in range(2)]
    for other in others:
        login(other, member)
    response = client.post("/auth/sessions/end-others", follow_redirects=True)
    assert "Logged out everywhere else (2 sessions)." in response.get_data(as_text=True)
    assert all(_refused(other) for other in others)
    assert client.get("/committee/").status_code == 200
    assert _actions(db).count("user.session_ended") == 2


def test_nobody_ends_someone_elses_session(app, client, make_user, db):
    victim = make_user("committee")
    victim_client = _device(app)
    login(victim_client, victim)
    login(client, make_user("committee"))
    victim_session = _sessions(db, victim)[0]
    for session_id in (victim_session.id, 10 ** 30):
        response = client.post(f"/auth/sessions/{session_id}/end", follow_redirects=True)
        assert response.status_code in (200, 404)
    assert victim_client.get("/committee/").status_code == 200


def test_every_login_and_logout_is_audited_with_its_session(client, make_user, db):
    member = make_user("committee")
    login(client, member)
    client.post("/auth/logout")
    events = {e.action: e for e in db.session.scalars(select(AuditEvent))}
    assert events["user.logged_out"].data["session"] == _sessions(db, member)[0].id
    assert events["user.logged_in"].ip == "127.0.0.1"
