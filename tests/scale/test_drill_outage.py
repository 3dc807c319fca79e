"""Database outage drill: PostgreSQL stops for a few seconds while people are using the app.

The drill brings a throwaway PostgreSQL cluster of its own on a free loopback port (the machine's
main cluster is never touched), builds the schema with `flask db upgrade`, loads the demo data,
serves the app with gunicorn (2 workers) and keeps a few logged-in clients busy: readers on the
office queue, a file page and the home page, and a writer that sends one file back and forth
between "supplement requested" and "screening" (the office asks, the applicant answers). Then it
stops the cluster (`pg_ctlcluster ... stop -m fast`) and checks that

- every request made while the database is down answers quickly (no hang) with the app's own 503
  page in KRDS style, saying the database cannot be reached, without a traceback or driver text;
- when the cluster is started again the same logged-in clients get 200 again within seconds,
  without restarting gunicorn, and writes (a state change, a fresh login) work;
- the writes that were in flight are each either fully there (state and audit event) or not at all,
  and `flask audit verify` passes.

A second, smaller drill points the app at a database that accepts the connection and then never
answers (a hung server, a half-open network path): the connect timeout must turn that into the same
503 page within seconds instead of a worker stuck until gunicorn kills it.

The outage drill is skipped, with the reason, where Debian's pg_createcluster is missing or cannot be
used. Its cluster is dropped in a finally block, whatever happens. DRILL_STOP_MODE=immediate stops
the cluster as a crash would (recovery from the WAL on start) instead of a fast shutdown."""
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.common import ROOT, Client, Server, app_env, flask, free_port

STOP_MODE = os.environ.get("DRILL_STOP_MODE", "fast")  # or "immediate": a crash, recovered from the WAL
OUTAGE_SECONDS = 6        # how long the cluster stays down
ANSWER_WITHIN = 5.0       # every request during the outage must answer within this many seconds
RECOVER_WITHIN = 15.0     # after the cluster is back, every client gets 200 within this many seconds
PAGE_TEXT = "The database cannot be reached right now"
LEAKS = ("Traceback", "OperationalError", "psycopg", "sqlalchemy", "Internal Server Error", "File \"/")
FILE_TITLE = "마곡 이웃간 전력거래 리빙랩"  # demo file in screening, owned by startup@demo.kr
EN = {"Accept-Language": "en"}


def _cluster_tools_missing():
    if not all(shutil.which(tool) for tool in ("pg_createcluster", "pg_ctlcluster", "pg_dropcluster")):
        return ("pg_createcluster/pg_ctlcluster are not available (Debian's postgresql-common): "
                "the drill needs a throwaway cluster of its own")
    if not _versions():
        return "no PostgreSQL server binaries under /usr/lib/postgresql"
    if os.geteuid() != 0 and pwd.getpwuid(os.geteuid()).pw_name != "postgres":
        return "pg_createcluster needs root or the postgres user to create a throwaway cluster"
    return None


def _versions():
    base = Path("/usr/lib/postgresql")
    if not base.is_dir():
        return []
    found = (p.name for p in base.iterdir() if (p / "bin" / "initdb").exists() and p.name.isdigit())
    return sorted(found, key=int)


needs_cluster_tools = pytest.mark.skipif(_cluster_tools_missing() is not None,
                                         reason=str(_cluster_tools_missing()))


@dataclass
class Cluster:
    version: str
    name: str
    port: int

    def ctl(self, action, *args, timeout=120):
        started = time.monotonic()
        done = subprocess.run(["pg_ctlcluster", self.version, self.name, action, *args], timeout=timeout,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        assert done.returncode == 0, f"pg_ctlcluster {action} failed: {done.stderr}"
        return time.monotonic() - started

    def connect(self, dbname="sandbox"):
        import psycopg
        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=dbname,
                               connect_timeout=5)


@pytest.fixture
def cluster():
    version = _versions()[-1]
    name = f"drill_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    port = free_port()
    try:
        subprocess.run(["pg_createcluster", version, name, "--port", str(port), "--start-conf", "manual",
                        "-o", "fsync=off", "-o", "max_connections=40",
                        "--", "--auth-local=trust", "--auth-host=trust"],
                       check=True, timeout=180, stdout=subprocess.DEVNULL)
        c = Cluster(version, name, port)
        c.ctl("start")
        subprocess.run(["createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "sandbox"],
                       check=True, timeout=60)
        yield c
    finally:
        subprocess.run(["pg_dropcluster", "--stop", version, name], timeout=180,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@dataclass
class Hit:
    who: str
    path: str
    started: float
    ended: float
    status: int          # 0: no HTTP answer (connection error or timeout)
    body: str
    error: str = ""

    @property
    def took(self):
        return self.ended - self.started


class Log:
    def __init__(self):
        self.hits, self.lock = [], threading.Lock()

    def call(self, who, client, path, data=None):
        started = time.monotonic()
        try:
            status, body, _ = client.request(path, data, headers=EN)
            hit = Hit(who, path, started, time.monotonic(), status, body.decode("utf-8", "replace"))
        except Exception as exc:  # a timeout or a reset: recorded, judged later
            hit = Hit(who, path, started, time.monotonic(), 0, "", f"{type(exc).__name__}: {exc}")
        with self.lock:
            self.hits.append(hit)
        return hit


def _file_id(client):
    status, body, _ = client.request("/office/?state=screening", headers=EN)
    assert status == 200, status
    page = body.decode()
    match = re.search(r'href="/files/(\d+)"[^>]*>\s*' + re.escape(FILE_TITLE), page)
    assert match, "the demo file in screening is not in the office queue"
    return int(match.group(1))


class Writer:
    """Sends the file back and forth: the office asks for a supplement, the applicant answers it."""

    def __init__(self, log, office, applicant, file_id):
        self.log, self.office, self.applicant, self.file_id = log, office, applicant, file_id
        # Read while the database is up: the token is tied to the session, not to the page.
        self.tokens = {id(c): c.csrf(f"/files/{file_id}") for c in (office, applicant)}
        self.next = "request_supplement"
        self.outcomes = []   # (trigger, status)
        self.n = 0

    def step(self):
        self.n += 1
        trigger = self.next
        client = self.office if trigger == "request_supplement" else self.applicant
        data = {"csrf_token": self.tokens[id(client)]}
        if trigger == "request_supplement":
            data["reason"] = f"Drill request {self.n}"
        else:
            data["answer"] = f"Drill answer {self.n}"
        hit = self.log.call("writer", client, f"/files/{self.file_id}/actions/{trigger}", data)
        self.outcomes.append((trigger, hit.status))
        if hit.status in (302, 303, 409):
            # 303: done. 409: the state already moved on, so an earlier in-doubt write did commit.
            self.next = "answer_supplement" if trigger == "request_supplement" else "request_supplement"
        return hit


def _is_503_page(hit):
    return hit.status == 503 and PAGE_TEXT in hit.body and "Error 503" in hit.body


@needs_cluster_tools
def test_database_outage_gives_503_pages_and_recovers(cluster, tmp_path):
    env = app_env(f"postgresql+psycopg://postgres@127.0.0.1:{cluster.port}/sandbox", tmp_path / "uploads")
    flask(env, "db", "upgrade", timeout=300)
    flask(env, "demo-data", timeout=600)
    server = Server(env, workers=2, log_path=tmp_path / "gunicorn.log")
    try:
        _drill(cluster, server, env, tmp_path)
    finally:
        server.stop()


def _drill(cluster, server, env, tmp_path):
    log = Log()
    readers = [Client(server.url, timeout=15).login("office@demo.kr") for _ in range(3)]
    office = Client(server.url, timeout=15).login("office@demo.kr")
    applicant = Client(server.url, timeout=15).login("startup@demo.kr")
    file_id = _file_id(office)
    writer = Writer(log, office, applicant, file_id)
    with cluster.connect() as conn:
        first_seq = conn.execute("select coalesce(max(seq), 0) from audit_events").fetchone()[0]

    stop = threading.Event()
    deadline = time.monotonic() + 120  # every loop is bounded in time and in count
    paths = ["/office/", f"/files/{file_id}", "/"]

    def read(name, client):
        for n in range(5000):
            if stop.is_set() or time.monotonic() > deadline:
                return
            log.call(name, client, paths[n % len(paths)])
            time.sleep(0.05)

    def write():
        for _ in range(2000):
            if stop.is_set() or time.monotonic() > deadline:
                return
            writer.step()
            time.sleep(0.05)

    threads = [threading.Thread(target=read, args=(f"reader{i}", c), daemon=True)
               for i, c in enumerate(readers)]
    threads.append(threading.Thread(target=write, daemon=True))
    for t in threads:
        t.start()
    try:
        time.sleep(2)
        stopping = time.monotonic()
        stop_took = cluster.ctl("stop", "-m", STOP_MODE)
        down = time.monotonic()
        time.sleep(OUTAGE_SECONDS)
        starting = time.monotonic()
        start_took = cluster.ctl("start")
        up = time.monotonic()
        # Let the clients find their way back (every reader, and two writes), then stop them.
        recover_deadline = up + RECOVER_WITHIN + 5
        while time.monotonic() < recover_deadline:
            back = [h for h in log.hits if h.started >= up and h.status in (200, 303)]
            readers_back = {h.who for h in back} >= {"reader0", "reader1", "reader2"}
            if readers_back and sum(1 for h in back if h.who == "writer") >= 2:
                break
            time.sleep(0.2)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    hits = list(log.hits)

    # Whenever it was made, every request got a page of the app: never a bare 500 nor no answer at all.
    wrong = [h for h in hits
             if not (h.status in (200, 303) or _is_503_page(h) or (h.who == "writer" and h.status == 409))]
    assert not wrong, "not a page of the app: " + _summary(wrong)

    # Before: everything worked.
    before = [h for h in hits if h.ended < stopping]
    assert before and all(h.status in (200, 303) for h in before), _summary(before)

    # During: every request that started once the database was down answered quickly with the app's 503 page.
    during = [h for h in hits if h.started >= down and h.ended <= starting]
    assert len(during) >= 10, _summary(hits)
    bad = [h for h in during if not _is_503_page(h)]
    assert not bad, "during the outage: " + _summary(bad)
    slow = [h for h in hits if h.started >= stopping and h.started <= starting and h.took > ANSWER_WITHIN]
    assert not slow, "requests hung during the outage: " + _summary(slow)
    for h in during:
        leaked = [w for w in LEAKS if w in h.body]
        assert not leaked, f"the 503 page leaks {leaked}"
    assert 'class="app-error-page"' in during[0].body and "krds" in during[0].body
    first_503 = min((h.ended for h in hits if h.status == 503 and h.started >= stopping), default=None)
    assert first_503 is not None

    # After: the same logged-in clients get 200 again, without restarting gunicorn.
    recovered = {}
    for who in ("reader0", "reader1", "reader2", "writer"):
        ok = [h.ended for h in hits if h.who == who and h.started >= up and h.status in (200, 303)]
        assert ok, f"{who} never got a 200 after the database came back: " + _summary(
            [h for h in hits if h.who == who and h.started >= up])
        recovered[who] = min(ok) - up
    assert max(recovered.values()) <= RECOVER_WITHIN, recovered
    settled = up + max(recovered.values()) + 0.01
    after_errors = [h for h in hits if h.started >= settled and h.status not in (200, 303)]
    assert not after_errors, "errors after recovery: " + _summary(after_errors)

    # Writes work after recovery: a state change and a fresh login.
    hit = writer.step()
    assert hit.status == 303, _summary([hit])
    Client(server.url, timeout=15).login("office@demo.kr")
    assert server.proc.poll() is None, "gunicorn must not have been restarted"

    # Each write is all there or not at all: the file's events follow one another and end at its state.
    with cluster.connect() as conn:
        state = conn.execute("select state from applications where id = %s", (file_id,)).fetchone()[0]
        events = conn.execute(
            "select action, from_state, to_state from audit_events where application_id = %s and seq > %s "
            "order by seq", (file_id, first_seq)).fetchall()
    assert events, "the writer wrote nothing"
    for (_, _, to_state), (_, from_state, _) in zip(events, events[1:]):
        assert from_state == to_state, events
    assert events[-1][2] == state, (events[-1], state)
    acked = sum(1 for _, status in writer.outcomes if status == 303)
    in_doubt = sum(1 for _, status in writer.outcomes if status not in (303, 409))
    assert acked <= len(events) <= acked + in_doubt, (acked, in_doubt, len(events))

    verified = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "audit", "verify"], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=300)
    assert verified.returncode == 0 and verified.stdout.startswith("OK"), verified.stdout + verified.stderr

    straddling = sum(1 for h in hits if h.started < stopping < h.ended)
    back = ", ".join(f"{who} {seconds:.2f}s" for who, seconds in recovered.items())
    report = (f"\nDRILL: stop -m {STOP_MODE} took {stop_took:.2f}s; first 503 {first_503 - stopping:.2f}s after "
              f"the stop began; {len(during)} requests while down, all the 503 page, slowest "
              f"{max(h.took for h in during):.2f}s; {straddling} in flight at the stop; start took "
              f"{start_took:.2f}s; back after the start: {back}; writes acked {acked}, "
              f"in doubt {in_doubt}, events {len(events)}")
    print(report)
    (tmp_path / "drill.txt").write_text(report)


def _summary(hits, limit=8):
    def tail(h):
        return re.sub(r"\s+", " ", h.body[-300:]) if h.status not in (200, 303) else ""
    lines = [f"{h.who} {h.path} -> {h.status} in {h.took:.2f}s {h.error} {tail(h)}" for h in hits[:limit]]
    return f"{len(hits)} requests:\n" + "\n".join(lines)


PROBE = """
import time
from sandbox import create_app
app = create_app()
client = app.test_client()
started = time.monotonic()
response = client.get("/", headers={"Accept-Language": "en"})
print(response.status_code, round(time.monotonic() - started, 2))
print(response.get_data(as_text=True))
"""


def test_unresponsive_database_gives_503_within_the_connect_timeout(tmp_path):
    with socket.socket() as silent:  # the kernel accepts connections; nobody ever answers them
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        env = app_env(f"postgresql+psycopg://postgres@127.0.0.1:{silent.getsockname()[1]}/sandbox",
                      tmp_path / "uploads")
        done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    first, _, page = done.stdout.partition("\n")
    status, took = first.split()
    assert status == "503" and PAGE_TEXT in page, done.stdout[-2000:]
    assert float(took) < 10, f"the request waited {took}s for a database that does not answer"
    print(f"\nDRILL: unresponsive database -> 503 after {took}s")
