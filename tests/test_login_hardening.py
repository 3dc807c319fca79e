"""Behind a reverse proxy the throttle and the audit log see the client, not the proxy; and a login for an
unknown address does the same password work as one for a known address."""
import time

from sqlalchemy import select

from sandbox import trust_proxies
from sandbox.models import AuditEvent, UserSession
from sandbox.services import accounts

from .conftest import PASSWORD, login

CLIENT_A, CLIENT_B = "203.0.113.5", "198.51.100.7"


def _behind_proxy(app, monkeypatch, hops=1):
    """The app as create_app wires it with TRUSTED_PROXIES=hops (restored after the test)."""
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", hops)
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)
    trust_proxies(app)


def _try(client, email, password, forwarded_for):
    return client.post("/auth/login", data={"email": email, "password": password},
                       headers={"X-Forwarded-For": forwarded_for}).status_code


def test_behind_a_trusted_proxy_the_throttle_counts_per_client(app, client, make_user, monkeypatch):
    _behind_proxy(app, monkeypatch)
    user = make_user("applicant")
    for _ in range(5):
        assert _try(client, user.email, "wrong", CLIENT_A) == 200
    assert _try(client, user.email, PASSWORD, CLIENT_A) == 429  # A is locked out of this account...
    assert _try(client, user.email, PASSWORD, CLIENT_B) == 302  # ...B, behind the same proxy, is not


def test_behind_a_trusted_proxy_the_audit_and_the_session_record_the_client(app, client, make_user, db,
                                                                            monkeypatch):
    _behind_proxy(app, monkeypatch)
    user = make_user("applicant")
    assert _try(client, user.email, PASSWORD, f"{CLIENT_B}, {CLIENT_A}") == 302  # the proxy appended A
    login_event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.logged_in")).one()
    assert login_event.ip == CLIENT_A
    assert db.session.scalars(select(UserSession)).one().ip == CLIENT_A


def test_without_trusted_proxies_a_forged_header_changes_nothing(app, client, make_user, db):
    assert app.config["TRUSTED_PROXIES"] == 0
    user = make_user("applicant")
    for n in range(5):
        assert _try(client, user.email, "wrong", f"192.0.2.{n}") == 200
    assert _try(client, user.email, PASSWORD, CLIENT_B) == 429  # a new forged address does not reset it
    assert {e.ip for e in db.session.scalars(select(AuditEvent))} == {"127.0.0.1"}


def test_create_app_applies_the_proxy_setting(app):
    from werkzeug.middleware.proxy_fix import ProxyFix

    from sandbox import create_app
    from sandbox.config import TestingConfig
    proxied = create_app({**{k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()},
                          "TRUSTED_PROXIES": 2})
    assert isinstance(proxied.wsgi_app, ProxyFix) and proxied.wsgi_app.x_for == 2
    assert not isinstance(create_app(TestingConfig).wsgi_app, ProxyFix)


class _CountingHasher:
    """Counts the password checks made for unknown addresses, and still checks."""

    def __init__(self, real):
        self.real, self.hashes = real, []

    def __call__(self, pwhash, password):
        self.hashes.append(pwhash)
        return self.real(pwhash, password)


def test_unknown_address_costs_a_password_check_with_the_real_algorithm(app, client, make_user, monkeypatch):
    counting = _CountingHasher(accounts.check_password_hash)
    monkeypatch.setattr(accounts, "check_password_hash", counting)
    assert client.post("/auth/login", data={"email": "nobody@example.kr", "password": "x"}).status_code == 200
    assert len(counting.hashes) == 1 and counting.hashes[0].startswith("scrypt:")
    real = make_user("applicant")
    real.set_password(PASSWORD)
    assert counting.hashes[0].split("$")[0] == real.password_hash.split("$")[0]  # same algorithm, same cost


def test_deactivated_account_still_costs_its_own_password_check(client, make_user, monkeypatch):
    from sandbox.models import User
    checked = []
    original = User.check_password
    monkeypatch.setattr(User, "check_password",
                        lambda self, password: checked.append(self.email) or original(self, password))
    user = make_user("applicant", active=False)
    assert client.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 200
    assert checked == [user.email]


def _fastest(attempt, times=3):
    best = float("inf")
    for _ in range(times):
        start = time.perf_counter()
        attempt()
        best = min(best, time.perf_counter() - start)
    return best


def test_login_takes_about_as_long_for_an_unknown_address(client, make_user, db):
    user = make_user("applicant")
    user.set_password(PASSWORD)  # the product's scrypt, not the factories' cheap hash
    db.session.commit()

    def attempt(email):
        return lambda: client.post("/auth/login", data={"email": email, "password": "wrong 1"})
    known, unknown = _fastest(attempt(user.email)), _fastest(attempt("nobody@example.kr"))
    # Before the dummy hash an unknown address answered in about a tenth of the time.
    assert unknown > known * 0.5


def test_demo_style_accounts_log_in_without_confirmation(client, db):
    user = accounts.register_user("staff@example.kr", "Staff", "a long password")
    login(client, user, "a long password")
