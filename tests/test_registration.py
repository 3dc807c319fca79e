"""Registration does not reveal whether an address has an account: the same page for every address; the
e-mail to the address says what happened (a confirmation link, or a warning that someone tried)."""
import time

from sqlalchemy import select

from sandbox.models import AuditEvent, Notification, User
from sandbox.services import registration

from .conftest import PASSWORD, confirmation_link, login

FORM = {"name": "김지원", "password": "a long password", "confirm": "a long password"}


def _register(client, email, **changes):
    return client.post("/auth/register", data={**FORM, "email": email, **changes})


def _notices(db, email):
    return db.session.scalars(select(Notification).join(User, User.id == Notification.user_id)
                              .where(User.email == email).order_by(Notification.id)).all()


def test_the_answer_is_the_same_for_a_new_and_a_known_address(client, make_user, db):
    known = make_user("applicant", email="known@example.kr")
    for_new = _register(client, "new@example.kr")
    for_known = _register(client, "known@example.kr")
    assert for_new.status_code == for_known.status_code == 200
    assert (for_new.get_data(as_text=True).replace("new@example.kr", "ADDRESS")
            == for_known.get_data(as_text=True).replace("known@example.kr", "ADDRESS"))
    # The known address hears that someone tried; its account is untouched; no second account exists.
    [warning] = _notices(db, "known@example.kr")
    assert warning.kind == registration.ATTEMPT_KIND and "already has one" in warning.body
    db.session.refresh(known)
    login(client, known, PASSWORD)
    assert db.session.query(User).filter_by(email="known@example.kr").count() == 1
    [confirm] = _notices(db, "new@example.kr")
    assert confirm.kind == registration.CONFIRM_KIND and confirm.link.startswith("/auth/confirm/")


def test_a_known_address_is_warned_at_most_once_an_hour(client, make_user, db):
    make_user("applicant", email="known@example.kr")
    for _ in range(3):
        _register(client, "known@example.kr")
    assert len(_notices(db, "known@example.kr")) == 1
    attempts = select(AuditEvent).where(AuditEvent.action == "user.registration_attempted")
    assert len(db.session.scalars(attempts).all()) == 3


def test_an_unconfirmed_account_cannot_log_in_until_the_link_is_followed(client, db):
    _register(client, "new@example.kr")
    response = client.post("/auth/login", data={"email": "new@example.kr", "password": "a long password"})
    assert response.status_code == 200
    assert "Confirm your e-mail address first" in response.get_data(as_text=True)
    wrong = client.post("/auth/login", data={"email": "new@example.kr", "password": "not the password"})
    assert "Confirm your e-mail" not in wrong.get_data(as_text=True)  # only the password holder is told
    response = client.get(confirmation_link("new@example.kr"))
    assert response.headers["Location"] == "/applicant/organisations"
    assert client.get("/applicant/organisations").status_code == 200
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]
    assert actions[-2:] == ["user.registered", "user.logged_in"]


def test_a_link_works_once(client, db):
    _register(client, "new@example.kr")
    link = confirmation_link("new@example.kr")
    client.get(link)
    client.post("/auth/logout")
    response = client.get(link, follow_redirects=True)
    assert "already confirmed" in response.get_data(as_text=True)
    assert client.get("/applicant/").status_code == 302


def test_registering_again_replaces_the_password_and_kills_the_older_link(client, db):
    _register(client, "new@example.kr", password="squatter password", confirm="squatter password")
    first = confirmation_link("new@example.kr")
    _register(client, "new@example.kr")
    response = client.get(first, follow_redirects=True)
    assert "not valid or has expired" in response.get_data(as_text=True)
    client.get(confirmation_link("new@example.kr"))
    client.post("/auth/logout")
    assert client.post("/auth/login", data={"email": "new@example.kr", "password": "a long password"}
                       ).status_code == 302


def test_expired_or_tampered_links_are_refused_clearly(app, client, db, monkeypatch):
    _register(client, "new@example.kr")
    user = db.session.query(User).filter_by(email="new@example.kr").one()
    hours = app.config["REGISTRATION_LINK_HOURS"]
    real_time = time.time
    with monkeypatch.context() as m:
        m.setattr(time, "time", lambda: real_time() - hours * 3600 - 60)
        old = registration.confirmation_token(user)
    good = registration.confirmation_token(user)
    for token in (old, good[:-2] + "xx", "abc", good.replace(".", "", 1)):
        response = client.get(f"/auth/confirm/{token}", follow_redirects=True)
        assert response.status_code == 200
        assert "not valid or has expired" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.awaiting_confirmation


def test_registration_is_throttled_per_client(client, db):
    for n in range(10):
        assert _register(client, f"person{n}@example.kr").status_code == 200
    assert _register(client, "person10@example.kr").status_code == 429


def test_the_confirmation_email_carries_the_full_link(app, client, db):
    from sandbox.services.delivery import _message
    _register(client, "new@example.kr")
    [notice] = _notices(db, "new@example.kr")
    body = _message(notice, app.config).get_content()
    assert app.config["BASE_URL"] + notice.link in body and "48 hours" in body
