"""The app served for real to many clients at once: a threaded Werkzeug server on a free port, against a
database that several connections share for real. On SQLite that is a database file (the in-memory test
database is one connection shared by every thread, which hides every race); on PostgreSQL it is the test
database itself, which the `db` fixture has emptied."""
import http.client
import threading
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from werkzeug.serving import make_server

from sandbox import create_app
from sandbox.audit.ddl import install_append_only_triggers
from sandbox.config import TestingConfig
from sandbox.extensions import db as _db

from ..factories import PASSWORD


class LiveServer:
    def __init__(self, app, port):
        self.app, self.port = app, port

    def request(self, method, path, cookie=None, form=None, timeout=20):
        """(status, headers, body) of one request on its own connection."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {"Accept-Language": "en"}
        body = None
        if cookie:
            headers["Cookie"] = cookie
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def log_in(self, user, password=PASSWORD):
        """The session cookie of `user`, logged in through the login form."""
        status, headers, _body = self.request("POST", "/auth/login",
                                              form={"email": user.email, "password": password})
        assert status == 302, "login failed"
        jar = SimpleCookie(headers["Set-Cookie"])
        return "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())

    def all_at_once(self, calls, timeout=20):
        """Run every call (a function of no arguments) in its own thread, released together; their
        results in order. Bounded: a call that does not return in `timeout` seconds fails the test."""
        barrier = threading.Barrier(len(calls))
        results = [None] * len(calls)

        def run(index, call):
            barrier.wait(timeout)
            try:
                results[index] = call()
            except Exception as exc:  # noqa: BLE001 - the test sees it as the call's result
                results[index] = exc

        threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout)
            assert not thread.is_alive(), "a request did not finish in time"
        return results


@pytest.fixture
def serve(app, db, tmp_path):
    """serve(**settings): a second app with these settings, served on a free port. Use
    `server.app.app_context()` to set data up and to read results: its data lives in the served
    database, not in the in-memory test database."""
    shared_database = db.engine.dialect.name == "postgresql"
    started = []

    def start(**settings):
        class Served(TestingConfig):
            SQLALCHEMY_DATABASE_URI = (app.config["SQLALCHEMY_DATABASE_URI"] if shared_database
                                       else f"sqlite:///{tmp_path / 'served.sqlite'}")
            UPLOAD_DIR = app.config["UPLOAD_DIR"]
            # A server error reaches the client as the 500 page a user would see, not as a traceback.
            RENDER_500_IN_TESTS = True

        for name, value in settings.items():
            setattr(Served, name, value)
        served = create_app(Served)
        with served.app_context():
            if not shared_database:
                _db.create_all()
                install_append_only_triggers(_db.session.connection())
                _db.session.commit()
        server = make_server("127.0.0.1", 0, served, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        started.append((served, server, thread))
        return LiveServer(served, server.server_port)

    yield start
    for served, server, thread in started:
        server.shutdown()
        thread.join(10)
        with served.app_context():
            _db.session.remove()
            _db.engine.dispose()


@pytest.fixture
def live_server(serve):
    return serve()
