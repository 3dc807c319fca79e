"""Browser tests: Debian's Chromium driven by Playwright, against the real app served on a free
port with a fresh SQLite database built by the migrations and loaded with the demo data."""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DEMO_PASSWORD = "demo-password-1"


def pytest_collection_modifyitems(items):
    no_browser = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (apt-get install chromium)")
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            if not os.path.exists(CHROMIUM):
                item.add_marker(no_browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Journeys read English labels; the foundation journey checks the Korean default with its own marker.
    return {**browser_context_args, "locale": "en-US"}


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _flask(env, *args):
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


@pytest.fixture(scope="session")
def server_env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    # E2E_DATABASE_URL lets CI serve the browser tests from PostgreSQL; SQLite otherwise.
    database = os.environ.get("E2E_DATABASE_URL") or f"sqlite:///{tmp / 'e2e.sqlite'}"
    env = {**os.environ, "DATABASE_URL": database, "UPLOAD_DIR": str(tmp / "uploads"),
           "SECRET_KEY": "e2e", "AUDIT_SIGNING_KEY": str(tmp / "audit-signing.pem")}
    _flask(env, "db", "upgrade")
    _flask(env, "demo-data")
    return env


@pytest.fixture(scope="session")
def base_url(server_env):
    port = _free_port()
    # The request log goes to a file: an unread pipe fills up after a few hundred requests and
    # blocks the server mid-test.
    log = open(Path(server_env["UPLOAD_DIR"]).parent / "server.log", "w+b")
    proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "run", "--port", str(port),
                             "--no-reload"], cwd=ROOT, env=server_env, stdout=subprocess.DEVNULL,
                            stderr=log)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            with urllib.request.urlopen(url + "/", timeout=1):
                break
        except OSError:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(log.read().decode())
            time.sleep(0.1)
    else:
        proc.kill()
        raise RuntimeError("the app did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


@pytest.fixture
def log_in(page):
    """Log the browser in as a demo account (e.g. 'office@demo.kr')."""
    def do(email, password=DEMO_PASSWORD):
        page.goto("/auth/login")
        page.locator("input[name=email]").fill(email)
        page.locator("input[name=password]").fill(password)
        page.locator("form.form-narrow button[type=submit]").click()
        page.wait_for_load_state()
    return do


@pytest.fixture
def confirmation_link(server_env):
    """The link in the newest confirmation e-mail queued for an address: the outbox is the test's mailbox."""
    from sqlalchemy import create_engine, text

    def read(email):
        engine = create_engine(server_env["DATABASE_URL"])
        try:
            with engine.connect() as connection:
                link = connection.execute(text(
                    "SELECT n.link FROM notifications n JOIN users u ON u.id = n.user_id "
                    "WHERE u.email = :email AND n.kind = 'account.confirm' ORDER BY n.id DESC"),
                    {"email": email}).scalar()
        finally:
            engine.dispose()
        assert link, f"no confirmation e-mail for {email}"
        return link
    return read
