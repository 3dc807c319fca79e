"""Register, log in and out, change password, throttling, CSRF, headers and cookies."""
import pytest

from sandbox import create_app
from sandbox.config import TestingConfig
from sandbox.models import AuditEvent, User

from .conftest import PASSWORD, confirmation_link, login


def test_register_confirms_the_address_then_logs_in_as_applicant_with_a_hashed_password(client, db):
    response = client.post("/auth/register", data={"name": "김지원", "email": "Jiwon@Example.kr",
                                                   "password": "a long password", "confirm": "a long password"})
    assert response.status_code == 200
    assert "We have sent a message to jiwon@example.kr" in response.get_data(as_text=True)
    assert client.get("/applicant/").status_code == 302  # not logged in before the link is followed
    link = confirmation_link("jiwon@example.kr")
    assert client.get(link).headers["Location"] == "/applicant/organisations"
    user = db.session.query(User).filter_by(email="jiwon@example.kr").one()
    assert user.password_hash.startswith("scrypt:")
    assert "a long password" not in user.password_hash
    assert [str(r.role) for r in user.roles] == ["applicant"]
    assert client.get("/applicant/").status_code == 200


def test_register_keeps_input_and_explains_errors(client, db):
    response = client.post("/auth/register", data={"name": "김지원", "email": "not-an-email",
                                                   "password": "short", "confirm": "other"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'value="김지원"' in page and 'value="not-an-email"' in page
    assert "10" in page  # the minimum length is named
    assert db.session.query(User).count() == 0


def test_duplicate_email_is_not_revealed(client, make_user):
    user = make_user("applicant")
    response = client.post("/auth/register", data={"name": "x", "email": user.email.upper(),
                                                   "password": "a long password", "confirm": "a long password"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "already exists" not in page and "이미" not in page
    assert f"We have sent a message to {user.email}" in page


def test_login_logout_and_audit(client, make_user, db):
    user = make_user("applicant")
    login(client, user)
    assert client.get("/applicant/").status_code == 200
    client.post("/auth/logout")
    assert client.get("/applicant/").status_code == 302
    actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.seq)]
    assert "user.logged_in" in actions and "user.logged_out" in actions


def test_wrong_password_is_recorded_and_generic(client, make_user, db):
    user = make_user("applicant")
    response = client.post("/auth/login", data={"email": user.email, "password": "wrong password"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # Generic: it does not say which of the two was wrong; the form is shown again with the address kept.
    assert "The e-mail address or password is not correct." in page and user.email in page
    assert db.session.query(AuditEvent).filter_by(action="user.login_failed").count() == 1


def test_five_wrong_passwords_are_throttled_with_a_clear_message(client, make_user):
    user = make_user("applicant")
    for _ in range(5):
        assert client.post("/auth/login", data={"email": user.email, "password": "wrong"}).status_code == 200
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "15" in page  # tells how long to wait


def test_successful_logins_do_not_count_against_the_limit(client, make_user):
    user = make_user("applicant")
    for _ in range(7):
        login(client, user)
        client.post("/auth/logout")
    # The eighth login still lets the applicant in (no "wait 15 minutes" refusal): their own page opens.
    login(client, user)
    assert "<h1>My applications</h1>" in client.get("/applicant/").get_data(as_text=True)


def test_change_password(client, make_user, db):
    user = make_user("applicant")
    login(client, user)
    bad = client.post("/auth/password", data={"current": "nope", "password": "new password 1", "confirm": "new password 1"})
    assert bad.status_code == 200
    assert "The current password is not correct." in bad.get_data(as_text=True)
    good = client.post("/auth/password", data={"current": PASSWORD, "password": "new password 1",
                                               "confirm": "new password 1"})
    assert good.status_code == 302
    client.post("/auth/logout")
    assert client.post("/auth/login", data={"email": user.email, "password": "new password 1"}).status_code == 302


def test_open_redirect_is_ignored(client, make_user):
    user = make_user("applicant")
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD,
                                                "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_security_headers_on_every_response(client):
    for path in ("/", "/zones", "/no-such-page"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_flags(app, make_user):
    user = make_user("applicant")
    client = app.test_client()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_secure_cookies_when_served_over_https(db):
    app = create_app(TestingConfig)
    app.config.update(HTTPS=True)
    from sandbox.config import apply_derived
    apply_derived(app)
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_csrf_is_enforced_when_enabled(app):
    secure = create_app({**{k: v for k, v in app.config.items() if k.isupper()}, "WTF_CSRF_ENABLED": True})
    with secure.test_client() as client:
        response = client.post("/auth/login", data={"email": "a@b.kr", "password": "x"})
    assert response.status_code == 400


@pytest.mark.parametrize("lang,expected", [("en", "Sandbox zones"), ("ko", "샌드박스 구역")])
def test_language_switch_is_remembered(client, db, lang, expected):
    response = client.post(f"/auth/language/{lang}", data={"next": "/zones"})
    assert response.status_code == 302
    assert expected in client.get("/zones").get_data(as_text=True)


def test_browser_language_is_the_default(client, db):
    page = client.get("/zones", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert "Sandbox zones" in page
