"""Deadline surge: N applicants, each with a complete draft, log in through the real login form, upload
a PDF through the real upload form and press the real submit button, all at once, against gunicorn
(2 sync workers) on loopback and a fresh scratch PostgreSQL database. Then the after-check: every
acknowledged submission is in the database in state `submitted` with its document, whose file on
disk has the SHA-256 the client computed; nothing is half-saved; `flask audit verify` passes.

    .venv/bin/python bench/surge.py                                  # 1,000 applicants x 5 MB, 20 clients
    .venv/bin/python bench/surge.py --applicants 100 --size-mb 1     # quick
    .venv/bin/python bench/surge.py --drill                          # kill -9 drill (60 x 1 MB), as the CI test

Targets: no acknowledged submission lost or half-saved, no 5xx, p95 of a submission (upload + submit) < 1 s.

The drill (`--drill`, and tests/scale/test_drill_crash.py): a smaller surge during which one gunicorn
worker is killed with SIGKILL, later the whole server (master and workers), which is then restarted on
the same database and port; clients retry what did not get an answer. Everything stays on 127.0.0.1,
every loop is bounded in count and time.

Preparation (before the clock starts) goes through the app's services (accounts.register_user,
create_organisation, applications.create_application / save_draft / add_exemption_request, via
sandbox.seed.demo._complete_trial), 50 applicants per transaction. The submit guards of a trial
exemption do not require any document; the surge treats a business plan as the document each
applicant must send before submitting (the client uploads it first and submits only after its upload
was acknowledged), and the after-check holds every submitted surge application to that.
"""

import argparse
import base64
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import uuid
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    ROOT,
    Client,
    Server,
    app_env,
    build_schema,
    createdb,
    dropdb,
    flask,
    free_port,
    load_average,
    percentile,
    pg_url,
)

EMAIL = "surge-{:05d}@bench.kr"
DOC_KIND = "business_plan"
PREPARE_BATCH = 50
REQUEST_KINDS = ("login_page", "login", "documents_page", "upload", "review_page", "submit")
SUBMIT_ACTION = re.compile(rb'action="(/files/(\d+)/actions/submit\?version=\d+)"')
CSRF = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')
RETRYABLE = (urllib.error.URLError, ConnectionError, http.client.HTTPException, socket.timeout, TimeoutError, OSError)


# ---------------------------------------------------------------------------------------------
# Preparation and after-check: run inside the app (a child process with DATABASE_URL set).


def _prepare_in_app(count, out_path):
    """Accounts, organisations and complete drafts through the services; writes [[email, id], ...]."""
    from datetime import date, timedelta

    from sqlalchemy import select

    import sandbox.models.users as users_module
    from sandbox import create_app
    from sandbox.extensions import db
    from sandbox.labels import OrganisationKind, TechCategory
    from sandbox.models import User, Zone
    from sandbox.seed.demo import DEMO_PASSWORD, SANGAM_POINT, _complete_trial
    from sandbox.services import accounts
    from sandbox.services.transaction import atomic

    app = create_app()
    with app.app_context():
        # One real scrypt hash of the demo password, reused: register_user would otherwise spend ~0.1 s
        # of CPU per applicant computing the same thing. Logins during the surge check it for real.
        hashed = users_module.generate_password_hash(DEMO_PASSWORD)
        users_module.generate_password_hash = lambda _password: hashed
        sangam = db.session.scalar(select(Zone).where(Zone.code == "SANGAM-AV"))
        start = date.today() + timedelta(days=60)
        done = []
        for first in range(0, count, PREPARE_BATCH):
            with atomic():  # the services' own atomic() blocks nest: one commit per batch
                for i in range(first, min(count, first + PREPARE_BATCH)):
                    email = EMAIL.format(i)
                    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
                        raise SystemExit(f"{email} exists already: use a fresh database")
                    user = accounts.register_user(email, f"Surge applicant {i}", DEMO_PASSWORD)
                    org = accounts.create_organisation(user, f"Surge company {i}", f"900-90-{i:05d}",
                                                       OrganisationKind.company)
                    application = _complete_trial(user, org, sangam, ["SC-AV-DRIVER"], f"Surge trial {i}",
                                                  TechCategory.autonomous_driving, SANGAM_POINT, start)
                    done.append([email, application.id])
        Path(out_path).write_text(json.dumps(done))


def _check_in_app(out_path):
    """Everything the after-check needs, read from the database and the upload directory."""
    from sqlalchemy import text

    from sandbox import create_app
    from sandbox.extensions import db
    from sandbox.services.documents import path_for
    from sandbox.workflow.clocks import allowed_days
    from sandbox.workflow.states import ApplicationState

    app = create_app()
    with app.app_context():
        q = lambda sql, **kw: db.session.execute(text(sql), kw).all()  # noqa: E731
        surge = {row[0]: row[1:] for row in q(
            "select a.id, a.state, a.submitted_at is not null, a.reference, u.email from applications a "
            "join users u on u.id = a.created_by_id where u.email like 'surge-%@bench.kr'")}
        docs = q("select id, application_id, sha256, size, kind, original_name from documents order by id")
        uploaded_events = Counter(int(r[0]) for r in q(
            "select subject_id from audit_events where action = 'document.uploaded'"))
        submitted_events = Counter(r[0] for r in q(
            "select application_id from audit_events where action = 'application.submitted'"))
        open_clocks = Counter(r[0] for r in q(
            "select application_id from stage_clocks where ended_at is null and stage = 'submitted'"))
        hashed = {}
        files = []
        for doc_id, app_id, sha, size, kind, name in docs:
            if sha not in hashed:
                path = path_for(sha)
                if not path.exists():
                    hashed[sha] = (None, None)
                else:
                    digest = hashlib.sha256()
                    with open(path, "rb") as handle:
                        while chunk := handle.read(1 << 20):
                            digest.update(chunk)
                    hashed[sha] = (digest.hexdigest(), path.stat().st_size)
            disk_sha, disk_size = hashed[sha]
            files.append({"id": doc_id, "application_id": app_id, "sha256": sha, "size": size, "kind": str(kind),
                          "name": name, "disk_sha256": disk_sha, "disk_size": disk_size,
                          "events": uploaded_events.get(doc_id, 0)})
        # Documents whose upload event exists but whose row does not (the event and the row share a transaction).
        doc_ids = {d["id"] for d in files}
        orphan_events = sorted(i for i in uploaded_events if i not in doc_ids)
        # Raw SQL throughout (not the ORM): the check must not depend on the models matching the schema.
        needs_clock = {app_id: allowed_days(SimpleNamespace(instrument=instrument), ApplicationState.submitted)
                       is not None for app_id, instrument in q("select id, instrument from applications")
                       if app_id in surge}
        upload_dir = Path(app.config["UPLOAD_DIR"])
        referenced = {d["sha256"] for d in files}
        stray, temp = [], []
        if upload_dir.exists():
            for path in upload_dir.rglob("*"):
                if path.is_file():
                    if path.name.startswith(".upload-"):
                        temp.append(str(path))
                    elif path.name not in referenced:
                        stray.append(str(path))
        Path(out_path).write_text(json.dumps({
            "surge": {str(k): {"state": v[0], "submitted_at": v[1], "reference": v[2], "email": v[3],
                               "submitted_events": submitted_events.get(k, 0), "open_clocks": open_clocks.get(k, 0),
                               "needs_clock": needs_clock[k]} for k, v in surge.items()},
            "documents": files, "orphan_upload_events": orphan_events, "stray_files": stray, "temp_files": temp,
        }))


def _in_app(env, function, *args, timeout=1800):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = handle.name
    try:
        subprocess.run([sys.executable, str(Path(__file__).resolve()), f"_{function}", out, *map(str, args)],
                       cwd=ROOT, env=env, check=True, timeout=timeout)
        return json.loads(Path(out).read_text())
    finally:
        os.unlink(out)


def prepare(env, count):
    """[(email, application_id)] for `count` applicants with complete drafts (no document yet)."""
    return [tuple(row) for row in _in_app(env, "prepare", count)]


def audit_verify(env):
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "audit", "verify"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=1800)
    return done.returncode == 0 and done.stdout.startswith("OK"), (done.stdout + done.stderr).strip()


# ---------------------------------------------------------------------------------------------
# The surge: clients in threads, each applicant logs in, uploads, submits.


@dataclass
class Applicant:
    index: int
    email: str
    application_id: int
    size: int
    base: bytes
    sha256: str = ""
    outcome: str = "not_started"  # acked | landed_unacked | failed | not_started
    detail: str = ""
    acked_at: float | None = None
    attempts: int = 0
    # Client-side state while the applicant is being served.
    client: object = None
    logged_in: bool = False
    uploaded: bool = False
    content: bytes | None = None
    upload_seconds: float = 0.0
    began: float = 0.0

    @property
    def filename(self):
        return f"surge-{self.index:05d}-business-plan.pdf"

    def pdf(self):
        """A distinct PDF per applicant (content-addressed storage would otherwise keep one file)."""
        trailer = f"\n% applicant {self.index} {uuid.uuid4().hex}\n%%EOF\n".encode()
        head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
        body = self.base[: max(0, self.size - len(head) - len(trailer))]
        content = head + body + trailer
        self.sha256 = hashlib.sha256(content).hexdigest()
        return content


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latency: dict = field(default_factory=lambda: {k: [] for k in REQUEST_KINDS + ("submission", "flow")})
    statuses: Counter = field(default_factory=Counter)
    server_errors: list = field(default_factory=list)
    connection_errors: Counter = field(default_factory=Counter)
    acked: list = field(default_factory=list)
    uploads_in_flight: int = 0
    uploads_found_on_retry: int = 0  # committed, but the answer was lost in a crash
    started: float = 0.0
    finished: float = 0.0

    def add(self, kind, seconds, status):
        with self.lock:
            self.latency[kind].append(seconds)
            self.statuses[(kind, status)] += 1


class Target:
    """Where the clients send requests; the drill swaps in a restarted server on the same port."""

    def __init__(self, url):
        self.url = url


class Retry(Exception):
    pass


class Failed(Exception):
    pass


def _flashes(client):
    """The flashed (category, message) pairs in the session cookie the last response set.
    Flask's cookie session is signed, not encrypted: the payload is readable base64 (zlib'd if it starts with '.')."""
    for cookie in client.jar:
        if cookie.name == "session":
            value = cookie.value
            compressed = value.startswith(".")
            payload = value.lstrip(".").split(".")[0]
            raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
            data = json.loads(zlib.decompress(raw) if compressed else raw)
            return [tuple(item[" t"]) if isinstance(item, dict) else tuple(item) for item in data.get("_flashes", [])]
    return []


def _timed(stats, kind, client, path, data=None, files=None):
    began = time.monotonic()
    if kind == "upload":
        with stats.lock:
            stats.uploads_in_flight += 1
    try:
        status, body, headers = client.request(path, data=data, files=files)
    finally:
        if kind == "upload":
            with stats.lock:
                stats.uploads_in_flight -= 1
    elapsed = time.monotonic() - began
    stats.add(kind, elapsed, status)
    if status >= 500:
        with stats.lock:
            stats.server_errors.append((kind, path, status))
        raise Retry(f"HTTP {status} on {kind}")
    return status, body, headers, elapsed


def _login(client, stats, applicant):
    status, body, _, _ = _timed(stats, "login_page", client, "/auth/login")
    if status in (301, 302, 303):  # a session that survived a restart is still logged in
        return
    token = CSRF.search(body)
    status, _, _, _ = _timed(stats, "login", client, "/auth/login",
                             {"csrf_token": token.group(1).decode() if token else "", "email": applicant.email,
                              "password": "demo-password-1"})
    if status != 302:
        raise Failed(f"login answered HTTP {status}")


def _applicant_flow(target, applicant, stats, timeout):
    """One attempt: log in if needed, upload unless the document is already there, submit."""
    client = applicant.client
    client.base = target.url
    base_path = f"/applicant/applications/{applicant.application_id}/edit"
    if not applicant.logged_in:
        _login(client, stats, applicant)
        applicant.logged_in = True
    if not applicant.uploaded:
        status, body, headers, _ = _timed(stats, "documents_page", client, f"{base_path}/documents")
        if status in (302, 303) and "/auth/login" in headers.get("Location", ""):
            applicant.logged_in = False
            raise Retry("logged out")
        if status == 403:  # no longer editable: a previous attempt's submit went through
            return _landed(client, stats, applicant)
        if status != 200:
            raise Failed(f"documents step answered HTTP {status}")
        if applicant.filename.encode() in body:  # a previous attempt's upload went through unanswered
            applicant.uploaded = True
            with stats.lock:
                stats.uploads_found_on_retry += 1
        else:
            token = CSRF.search(body).group(1).decode()
            content = applicant.pdf() if applicant.content is None else applicant.content
            applicant.content = content
            status, _, headers, elapsed = _timed(
                stats, "upload", client, f"/applicant/applications/{applicant.application_id}/documents",
                {"csrf_token": token, "kind": DOC_KIND}, {"file": (applicant.filename, content, "application/pdf")})
            if status != 303:
                raise Failed(f"upload answered HTTP {status}")
            applicant.uploaded = True
            applicant.upload_seconds = elapsed
            applicant.content = None
    status, body, headers, _ = _timed(stats, "review_page", client, f"{base_path}/review")
    if status == 403:
        return _landed(client, stats, applicant)
    if status in (302, 303) and "/auth/login" in headers.get("Location", ""):
        applicant.logged_in = False
        raise Retry("logged out")
    match = SUBMIT_ACTION.search(body)
    if status != 200 or match is None:
        raise Failed(f"review step: HTTP {status}, submit button {'found' if match else 'missing'}")
    token = CSRF.search(body).group(1).decode()
    status, _, headers, elapsed = _timed(stats, "submit", client, match.group(1).decode(), {"csrf_token": token})
    flashes = _flashes(client)
    categories = {c for c, _ in flashes}
    if status == 409:  # the file moved on: an earlier, unanswered submit went through
        return _landed(client, stats, applicant)
    if status == 303 and "success" in categories and "danger" not in categories:
        applicant.outcome = "acked"
        applicant.acked_at = time.monotonic()
        with stats.lock:
            stats.acked.append((applicant.application_id, applicant.sha256, applicant.acked_at))
            stats.latency["submission"].append(applicant.upload_seconds + elapsed)
            stats.latency["flow"].append(applicant.acked_at - applicant.began)
        return
    raise Failed(f"submit answered HTTP {status} with {flashes}")


def _landed(client, stats, applicant):
    """The application is no longer editable although this client never got the acknowledgement."""
    applicant.outcome = "landed_unacked"
    applicant.detail = "submitted by an attempt whose answer was lost"


def _worker(target, queue, queue_lock, stats, deadline, retries, timeout, backoff):
    while time.monotonic() < deadline:
        with queue_lock:
            if not queue:
                return
            applicant = queue.pop()
        applicant.client = Client(target.url, timeout=timeout)
        applicant.logged_in = applicant.uploaded = False
        applicant.content = None
        applicant.upload_seconds = 0.0
        applicant.began = time.monotonic()
        for attempt in range(retries + 1):
            applicant.attempts = attempt + 1
            try:
                _applicant_flow(target, applicant, stats, timeout)
                break
            except Failed as exc:
                applicant.outcome, applicant.detail = "failed", str(exc)
                break
            except (Retry, *RETRYABLE) as exc:
                with stats.lock:
                    stats.connection_errors[type(exc).__name__] += 1
                applicant.outcome, applicant.detail = "failed", f"{type(exc).__name__}: {exc}"
                if attempt == retries or time.monotonic() + backoff > deadline:
                    break
                time.sleep(min(backoff * (attempt + 1), 3.0))
            except Exception as exc:  # an unexpected page (e.g. no form on it): this applicant failed
                applicant.outcome, applicant.detail = "failed", f"{type(exc).__name__}: {exc}"
                break


def surge(target, applicants, concurrency, max_seconds, retries=0, timeout=120, backoff=0.5, stats=None):
    """Run the applicants through `concurrency` client threads; bounded by `max_seconds` (no new
    applicant is started after it) and by each request's timeout."""
    stats = stats or Stats()
    queue = list(reversed(applicants))
    queue_lock = threading.Lock()
    deadline = time.monotonic() + max_seconds
    stats.started = time.monotonic()
    threads = [threading.Thread(target=_worker, daemon=True,
                                args=(target, queue, queue_lock, stats, deadline, retries, timeout, backoff))
               for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(1.0, deadline - time.monotonic()) + timeout * 6 + 30)
    stats.finished = time.monotonic()
    return stats


def make_applicants(prepared, size):
    base = os.urandom(size)
    return [Applicant(i, email, app_id, size, base)
            for i, (email, app_id) in enumerate(prepared)]


# ---------------------------------------------------------------------------------------------
# The after-check.


def after_check(env, applicants, acked_before=None):
    """Problems found (empty: all good), and a few counts. `acked_before`: acknowledged application ids
    that must be there (defaults to every acknowledged one)."""
    state = _in_app(env, "check")
    problems = []
    surge_apps = {int(k): v for k, v in state["surge"].items()}
    by_app = {}
    for doc in state["documents"]:
        by_app.setdefault(doc["application_id"], []).append(doc)
        if doc["disk_sha256"] is None:
            problems.append(f"document {doc['id']} ({doc['name']}): file missing on disk")
        elif doc["disk_sha256"] != doc["sha256"] or doc["disk_size"] != doc["size"]:
            problems.append(f"document {doc['id']} ({doc['name']}): file on disk does not match its row")
        if doc["events"] != 1:
            problems.append(f"document {doc['id']}: {doc['events']} document.uploaded events (expected 1)")
    for event_subject in state["orphan_upload_events"]:
        problems.append(f"document.uploaded event for document {event_subject} which has no row")
    expected_sha = {a.application_id: a.sha256 for a in applicants}
    acked = {a.application_id for a in applicants if a.outcome == "acked"}
    must = set(acked_before) if acked_before is not None else acked
    for app_id in sorted(must | acked):
        info = surge_apps.get(app_id)
        if info is None:
            problems.append(f"acknowledged application {app_id} is not in the database")
            continue
        if info["state"] != "submitted":
            problems.append(f"acknowledged application {app_id} is in state {info['state']}, not submitted")
        shas = {d["sha256"] for d in by_app.get(app_id, [])}
        if expected_sha.get(app_id) not in shas:
            problems.append(f"acknowledged application {app_id}: the uploaded PDF (sha256 {expected_sha.get(app_id)})"
                            f" is not among its documents {sorted(shas)}")
    counts = Counter()
    for app_id, info in surge_apps.items():
        counts[info["state"]] += 1
        docs = by_app.get(app_id, [])
        submitted = info["state"] == "submitted"
        if submitted:
            if not info["submitted_at"] or not info["reference"]:
                problems.append(f"application {app_id} submitted without submitted_at/reference")
            if info["submitted_events"] != 1:
                problems.append(f"application {app_id} submitted with {info['submitted_events']} submitted events")
            if not any(d["kind"] == DOC_KIND for d in docs):
                problems.append(f"application {app_id} submitted without its business plan")
            if info["open_clocks"] != (1 if info["needs_clock"] else 0):
                problems.append(f"application {app_id} submitted with {info['open_clocks']} open clocks")
        elif info["state"] == "draft":
            if info["submitted_at"] or info["submitted_events"]:
                problems.append(f"draft {app_id} has a submission time or a submitted event")
        else:
            problems.append(f"application {app_id} in unexpected state {info['state']}")
        if len(docs) > 1:
            counts["duplicate_documents"] += len(docs) - 1
    ok, message = audit_verify(env)
    if not ok:
        problems.append(f"flask audit verify failed: {message}")
    counts["documents"] = len(state["documents"])
    counts["stray_files"] = len(state["stray_files"])
    counts["temp_files"] = len(state["temp_files"])
    return problems, counts, message


# ---------------------------------------------------------------------------------------------
# Reporting.


def summarize(stats, applicants):
    outcomes = Counter(a.outcome for a in applicants)
    elapsed = (max(t for _, _, t in stats.acked) - stats.started) if stats.acked else float("nan")
    lines = [f"applicants {len(applicants)}: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())),
             f"submissions/s {len(stats.acked) / elapsed:.2f} ({len(stats.acked)} acknowledged in {elapsed:.1f} s)"]
    for kind in REQUEST_KINDS + ("submission", "flow"):
        values = stats.latency[kind]
        if values:
            lines.append(f"  {kind:15s} n={len(values):5d}  p50 {percentile(values, 50) * 1000:8.0f} ms  "
                         f"p95 {percentile(values, 95) * 1000:8.0f} ms  p99 {percentile(values, 99) * 1000:8.0f} ms  "
                         f"max {max(values) * 1000:8.0f} ms")
    lines.append(f"5xx: {len(stats.server_errors)}   connection errors: {dict(stats.connection_errors) or 0}")
    if stats.connection_errors:
        lines.append(f"after a lost answer: {stats.uploads_found_on_retry} uploads found already saved on retry "
                     f"(not sent again), {outcomes.get('landed_unacked', 0)} submissions found already done")
    failures = Counter(a.detail for a in applicants if a.outcome == "failed")
    for detail, n in failures.most_common(5):
        lines.append(f"  failed x{n}: {detail}")
    return "\n".join(lines)


@dataclass
class Scratch:
    """A scratch database and upload directory; dropped on close unless kept."""
    database: str
    root: Path
    keep: bool = False

    def __post_init__(self):
        self.root.mkdir(parents=True, exist_ok=True)
        self.uploads = self.root / "uploads"
        self.env = app_env(pg_url(self.database), self.uploads)

    def build(self):
        createdb(self.database)
        how = build_schema(self.env)
        flask(self.env, "demo-data", timeout=600)
        return how

    def close(self):
        if self.keep:
            print(f"kept: database {self.database}, uploads {self.uploads}")
            return
        dropdb(self.database)
        shutil.rmtree(self.root, ignore_errors=True)


def run_benchmark(args):
    scratch = Scratch(args.database or f"surge_{uuid.uuid4().hex[:8]}",
                      Path(args.dir or tempfile.mkdtemp(prefix="surge-")), keep=args.keep)
    print(f"nproc {os.cpu_count()}, load average {os.getloadavg()}")
    try:
        began = time.monotonic()
        print(f"schema: {scratch.build()}; demo data loaded ({time.monotonic() - began:.1f} s)")
        began = time.monotonic()
        prepared = prepare(scratch.env, args.applicants)
        print(f"prepared {len(prepared)} applicants with complete drafts in {time.monotonic() - began:.1f} s")
        applicants = make_applicants(prepared, int(args.size_mb * 1024 * 1024))
        server = Server(scratch.env, workers=args.workers, log_path=scratch.root / "gunicorn.log")
        try:
            print(f"surge: {len(applicants)} applicants x {args.size_mb} MB, {args.concurrency} clients, "
                  f"gunicorn -w {args.workers} at {server.url}, load average {os.getloadavg()[0]:.2f}")
            stats = surge(Target(server.url), applicants, args.concurrency, args.max_seconds, retries=args.retries)
            load_after = load_average()
        finally:
            server.stop()
        print(summarize(stats, applicants))
        print(f"surge wall time {stats.finished - stats.started:.1f} s, load average at the end {load_after:.2f}")
        began = time.monotonic()
        problems, counts, verify = after_check(scratch.env, applicants)
        print(f"after-check ({time.monotonic() - began:.1f} s): states {dict(counts)}; audit verify: {verify}")
        report_targets(stats, applicants, problems)
        return 0 if not problems and not stats.server_errors else 1
    finally:
        scratch.close()


def report_targets(stats, applicants, problems):
    submission = stats.latency["submission"]
    p95 = percentile(submission, 95) if submission else float("nan")
    acked = sum(a.outcome == "acked" for a in applicants)
    print("targets:")
    print(f"  no acknowledged submission lost or half-saved: {'MET' if not problems else 'NOT MET'}"
          f" ({acked} acknowledged, {len(problems)} problems)")
    for problem in problems[:20]:
        print(f"    - {problem}")
    print(f"  no 5xx: {'MET' if not stats.server_errors else 'NOT MET'} ({len(stats.server_errors)})")
    print(f"  p95 of a submission (upload + submit) < 1 s: {'MET' if p95 < 1 else 'NOT MET'} ({p95 * 1000:.0f} ms)")


# ---------------------------------------------------------------------------------------------
# The kill -9 drill.


def _wait(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _worker_saving_upload(server, seconds):
    """(pid, True) of a worker that has an upload's temp file open (it is saving a document: the
    file is being written and its row is not committed yet), polling /proc for up to `seconds`;
    (first worker, False) if none was caught in time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for pid in server.worker_pids():
            try:
                for fd in os.listdir(f"/proc/{pid}/fd"):
                    if "/.upload-" in os.readlink(f"/proc/{pid}/fd/{fd}"):
                        return pid, True
            except OSError:  # the worker or the descriptor went away meanwhile
                continue
        time.sleep(0.001)
    return server.worker_pids()[0], False


def drill(applicants_count=60, size_mb=1, concurrency=6, scratch=None, log=print):
    """Surge with kill -9 of one worker, then of the whole server, restart, retry; returns a dict of
    findings (`problems` empty when nothing was lost or half-saved)."""
    own = scratch is None
    scratch = scratch or Scratch(f"drill_{uuid.uuid4().hex[:8]}", Path(tempfile.mkdtemp(prefix="drill-")))
    try:
        began = time.monotonic()
        scratch.build()
        prepared = prepare(scratch.env, applicants_count)
        log(f"drill: schema, demo data and {len(prepared)} drafts in {time.monotonic() - began:.1f} s")
        applicants = make_applicants(prepared, int(size_mb * 1024 * 1024))
        port = free_port()
        server = Server(scratch.env, workers=2, log_path=scratch.root / "gunicorn-1.log", port=port)
        target = Target(server.url)
        stats = Stats()
        runner = threading.Thread(target=surge, daemon=True, kwargs=dict(
            target=target, applicants=applicants, concurrency=concurrency, max_seconds=150, retries=40,
            timeout=30, backoff=0.3, stats=stats))
        runner.start()
        n = len(applicants)
        # 1. kill -9 one worker after a quarter of the applicants got through, if possible the one
        #    that is writing a document to disk at that moment (between its temp file and its commit).
        _wait(lambda: len(stats.acked) >= n // 4, 60)
        victim, caught = _worker_saving_upload(server, 15)
        os.kill(victim, signal.SIGKILL)
        worker_kill = {"acked": len(stats.acked), "uploads_in_flight": stats.uploads_in_flight,
                       "while_saving": caught}
        log(f"drill: kill -9 worker {victim} with {worker_kill['acked']} acknowledged, "
            f"{worker_kill['uploads_in_flight']} uploads in flight, "
            f"{'while it was saving a document' if caught else 'not caught saving a document'}")
        # 2. kill -9 master and workers after about 60% got through, again while a document is being saved.
        _wait(lambda: len(stats.acked) >= n * 6 // 10, 60)
        _, caught = _worker_saving_upload(server, 15)
        in_flight = stats.uploads_in_flight
        server.kill()
        with stats.lock:
            acked_before_crash = [app_id for app_id, _, _ in stats.acked]
        server.log.close()
        server_kill = {"acked": len(acked_before_crash), "uploads_in_flight": in_flight, "while_saving": caught}
        log(f"drill: kill -9 server (master + workers) with {len(acked_before_crash)} acknowledged, "
            f"{in_flight} uploads in flight, {'while saving a document' if caught else 'not caught saving one'}")
        # 3. Down for a moment (clients see refused connections and retry), then restart on the same port.
        time.sleep(2)
        server = Server(scratch.env, workers=2, log_path=scratch.root / "gunicorn-2.log", port=port)
        target.url = server.url
        log("drill: server restarted on the same database and port")
        runner.join(240)
        server.stop()
        log(summarize(stats, applicants))
        problems, counts, verify = after_check(scratch.env, applicants, acked_before=acked_before_crash)
        missing = [a.application_id for a in applicants if a.outcome not in ("acked", "landed_unacked")]
        log(f"drill after-check: {dict(counts)}; audit verify: {verify}; problems: {len(problems)}")
        for problem in problems[:20]:
            log(f"  - {problem}")
        return {"problems": problems, "counts": counts, "acked_before_crash": acked_before_crash,
                "never_submitted": missing, "server_errors": stats.server_errors, "stats": stats,
                "applicants": applicants, "runner_alive": runner.is_alive(), "worker_kill": worker_kill, "server_kill": server_kill}
    finally:
        if own:
            scratch.close()


def main():
    if len(sys.argv) > 2 and sys.argv[1] in ("_prepare", "_check"):
        out = sys.argv[2]
        if sys.argv[1] == "_prepare":
            _prepare_in_app(int(sys.argv[3]), out)
        else:
            _check_in_app(out)
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applicants", type=int, default=1000)
    parser.add_argument("--size-mb", type=float, default=5)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-seconds", type=float, default=540,
                        help="no applicant is started after this many seconds of surge")
    parser.add_argument("--retries", type=int, default=0, help="retries per applicant after a connection error")
    parser.add_argument("--database", help="name of the scratch database to create (default: surge_<random>)")
    parser.add_argument("--dir", help="scratch directory for uploads and logs (default: a new temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the database and the uploads afterwards")
    parser.add_argument("--drill", action="store_true", help="run the kill -9 drill instead (60 x 1 MB)")
    args = parser.parse_args()
    if args.drill:
        scratch = Scratch(args.database or f"drill_{uuid.uuid4().hex[:8]}",
                          Path(args.dir or tempfile.mkdtemp(prefix="drill-")), keep=args.keep)
        try:
            result = drill(min(args.applicants, 60) if args.applicants == 1000 else args.applicants,
                           args.size_mb if args.size_mb != 5 else 1, min(args.concurrency, 6), scratch=scratch)
        finally:
            scratch.close()
        return 1 if result["problems"] or result["never_submitted"] else 0
    return run_benchmark(args)


if __name__ == "__main__":
    sys.exit(main())
