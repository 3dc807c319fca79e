"""Fixtures: an app per test session, a clean schema per test, and helpers to log in as any role.

SQLite (in memory) by default; PostgreSQL when DATABASE_URL names one. Tests commit for real,
so each test starts from an empty schema (drop/create on SQLite, truncation on PostgreSQL)."""
import os

import flask_babel
import pytest
from sqlalchemy import text

from sandbox import create_app
from sandbox.config import TestingConfig
from sandbox.extensions import db as _db
from sandbox.labels import Role

from . import factories, factories_flow

PASSWORD = factories.PASSWORD
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgresql")


# Whole directories of slow tests: the drills and scale runs (servers, databases and gunicorn started for
# real) and the races (a threaded server and many clients). Single slow tests elsewhere carry the mark.
SLOW_DIRECTORIES = ("scale", "races")


def pytest_collection_modifyitems(items):
    root = os.path.dirname(__file__)
    for item in items:
        parts = os.path.relpath(str(item.fspath), root).split(os.sep)
        if parts[0] in SLOW_DIRECTORIES:
            item.add_marker(pytest.mark.slow)


def pytest_runtest_setup(item):
    """`@pytest.mark.postgres`: row locks, advisory locks and server tools that SQLite does not have; such a
    test is skipped unless DATABASE_URL names a PostgreSQL database."""
    if item.get_closest_marker("postgres") and not ON_POSTGRES:
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgresql+psycopg://...)")


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    uploads = tmp_path_factory.mktemp("uploads")
    config = {"UPLOAD_DIR": str(uploads)}
    if os.environ.get("DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    else:
        # One shared in-memory database for every connection of the test session.
        config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"poolclass": __import__("sqlalchemy.pool").pool.StaticPool,
                                               "connect_args": {"check_same_thread": False}}
    app = create_app(TestingConfig)
    app.config.update(config)
    _add_failing_routes(app)
    # Tests hold one app context open (for factories), so every request shares `g`, where Flask-Babel
    # caches the locale: forget it before each request, as a fresh context in production would.
    app.before_request(flask_babel.refresh)
    # Flask-Login caches the user in the same shared `g`: without this, a request after a logout (or from a
    # second client) would see the previous request's user instead of the one its cookie names. First, so
    # that no other before_request handler reads the stale user.
    app.before_request_funcs.setdefault(None, []).insert(0, _forget_cached_user)
    with app.app_context():
        _db.engine.dispose()
        _db.drop_all()
        _db.create_all()
        from sandbox.audit.ddl import install_append_only_triggers
        install_append_only_triggers(_db.session.connection())
        _db.session.commit()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.drop_all()


def _forget_cached_user():
    from flask import g
    g.pop("_login_user", None)


def _add_failing_routes(app):
    """Routes that fail on purpose, for the error-page tests (added before the first request)."""
    from flask import abort
    app.add_url_rule("/_test/boom", "boom", lambda: 1 / 0)
    app.add_url_rule("/_test/abort/<int:code>", "abort_with", lambda code: abort(code))


def _clean(session):
    bind = session.get_bind()
    tables = list(reversed(_db.metadata.sorted_tables))
    if bind.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        from sandbox.audit.ddl import without_append_only_triggers
        with without_append_only_triggers(session.connection()):
            for table in tables:
                session.execute(table.delete())
    session.commit()


@pytest.fixture
def db(app):
    """A clean database, usable inside an app context."""
    with app.app_context():
        _clean(_db.session)
        yield _db
        _db.session.rollback()
        _db.session.remove()


@pytest.fixture
def client(app, db):
    from sandbox.extensions import limiter
    limiter.reset()  # throttling counters must not leak from one test into the next
    client = app.test_client()
    # Assertions read English; tests about Korean send their own header or cookie.
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def cast(db):
    """The staff a file meets (office, reviewers, authority, committee, chair); see tests/factories_flow.py."""
    return factories_flow.Cast()


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


@pytest.fixture
def make_user(db):
    def make(*roles, **kwargs):
        return factories.UserFactory(roles=[Role(r) for r in roles], **kwargs)
    return make


def login(client, user, password=PASSWORD):
    response = client.post("/auth/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, "login failed"
    return response


def confirmation_link(email):
    """The link in the newest confirmation e-mail queued for `email` (the outbox is the mailbox in tests)."""
    from sandbox.models import Notification, User
    from sandbox.services.registration import CONFIRM_KIND
    notice = (_db.session.query(Notification).join(User, User.id == Notification.user_id)
              .filter(User.email == email.lower(), Notification.kind == CONFIRM_KIND)
              .order_by(Notification.id.desc()).first())
    assert notice is not None, f"no confirmation e-mail for {email}"
    return notice.link


@pytest.fixture
def login_as(client, make_user):
    """Log the test client in as a new user holding `roles`; returns the user."""
    def log_in(*roles, **kwargs):
        user = make_user(*roles, **kwargs)
        login(client, user)
        return user
    return log_in
