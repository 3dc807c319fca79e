"""Shared by the benchmarks and drills: scratch PostgreSQL databases, flask commands, gunicorn on a
free loopback port, logging in, and latency percentiles. Everything stays on 127.0.0.1."""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = ["-h", "127.0.0.1", "-p", os.environ.get("PGPORT", "5432"), "-U", "postgres"]
DEMO_PASSWORD = "demo-password-1"
USER_AGENT = "sandbox-bench"


def pg_url(name, port=None):
    return f"postgresql+psycopg://postgres@127.0.0.1:{port or os.environ.get('PGPORT', '5432')}/{name}"


def createdb(name):
    subprocess.run(["createdb", *PG, name], check=True)


def dropdb(name):
    subprocess.run(["dropdb", "--if-exists", "--force", *PG, name], check=False)


def flask(env, *args, timeout=3600, quiet=True):
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=timeout,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def app_env(database_url, upload_dir, **extra):
    # Rate limits would throttle a load test after a handful of logins from one address.
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "UPLOAD_DIR": str(upload_dir),
        "SECRET_KEY": "bench-secret",
        "RATELIMIT_ENABLED": "0",
        "MAIL_ENABLED": "0",
        "AUDIT_SIGNING_KEY": str(Path(upload_dir).parent / "audit-signing.pem"),
        **extra,
    }


def build_schema(env):
    """`flask db upgrade`; falls back to create_all + triggers + stamp when the migrations lag the models."""
    try:
        flask(env, "db", "upgrade", timeout=300)
        probe = (
            "from sandbox import create_app\nfrom sandbox.extensions import db\nimport sqlalchemy as sa\n"
            "app=create_app()\nwith app.app_context():\n"
            "  have=set(sa.inspect(db.engine).get_table_names())\n"
            "  missing=[t for t in db.metadata.tables if t not in have]\n  print(','.join(missing))\n"
        )
        missing = subprocess.run(
            [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
        if not missing:
            return "flask db upgrade"
        print(f"  migrations lack tables ({missing}); falling back to create_all")
    except subprocess.CalledProcessError:
        print("  flask db upgrade failed; falling back to create_all")
    code = (
        "from sandbox import create_app\nfrom sandbox.extensions import db\n"
        "from sandbox.audit.ddl import install_append_only_triggers\napp=create_app()\n"
        "with app.app_context():\n  db.create_all()\n"
        "  install_append_only_triggers(db.session.connection())\n  db.session.commit()\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
    flask(env, "db", "stamp", "head", timeout=120)
    return "create_all + install_append_only_triggers + db stamp head"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with N sync workers on a free loopback port; the log goes to a file."""

    def __init__(self, env, app="wsgi:app", workers=2, log_path=None, cwd=ROOT, extra=(), port=None):
        # `port`: a fixed port, e.g. to restart a killed server where its clients expect it.
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log_path or f"/tmp/gunicorn-{self.port}.log")
        self.log = open(self.log_path, "w+b")
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            *extra,
            app,
        ]
        self.proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.wait_ready()

    def wait_ready(self, path="/", seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=2):
                    return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer in time")

    def worker_pids(self):
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.proc.pid)], capture_output=True, text=True
        )
        return [int(p) for p in out.stdout.split()]

    def kill(self):
        """kill -9 the master and its workers: a crash, not a shutdown."""
        pids = self.worker_pids()
        for pid in [self.proc.pid, *pids]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait(timeout=10)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


@contextmanager
def serving(env, **kwargs):
    server = Server(env, **kwargs)
    try:
        yield server
    finally:
        server.stop()


class Client:
    """A logged-in browser-like client: a cookie jar, and the CSRF token read from a form."""

    def __init__(self, base_url, timeout=30):
        self.base = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        self.timeout = timeout

    def request(self, path, data=None, files=None, headers=None):
        """(status, body bytes, headers); `data` posts a form, `files` {field: (name, bytes, type)} multipart."""
        # Flask-Login's session protection ties the session to the User-Agent: load tools send this one too.
        body, head = None, {"User-Agent": USER_AGENT, **(headers or {})}
        if files is not None:
            body, content_type = multipart(data or {}, files)
            head["Content-Type"] = content_type
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
            head["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(
            self.base + path, data=body, headers=head, method="POST" if body is not None else "GET"
        )
        try:
            with self.opener.open(req, timeout=self.timeout) as response:
                return response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read(), error.headers

    def csrf(self, path):
        status, body, _ = self.request(path)
        match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body) or re.search(
            rb'value="([^"]+)"[^>]*name="csrf_token"', body
        )
        return match.group(1).decode() if match else ""

    def login(self, email, password=DEMO_PASSWORD):
        token = self.csrf("/auth/login")
        status, _, _ = self.request(
            "/auth/login", {"csrf_token": token, "email": email, "password": password}
        )
        if status != 302:
            raise RuntimeError(f"login failed for {email}: HTTP {status}")
        return self

    def cookie_header(self):
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def multipart(fields, files):
    boundary = "----bench" + os.urandom(8).hex()
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content, content_type) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def load_average():
    return os.getloadavg()[0]
