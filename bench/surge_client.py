"""The deadline surge's clients: each applicant logs in through the real login form, uploads a PDF
through the real upload form and presses the real submit button, over HTTP on loopback. Two ways to
bring the applicants in:

- open loop (`run_open_loop`): each applicant arrives at its own time (`arrival_offsets`: `ramp`, the
  rate rising linearly to its peak at the deadline, or `uniform`) and is served in its own thread, at
  most `max_clients` at once. The server's speed does not slow the arrivals down, as with real
  applicants, so queueing shows up in the latencies.
- closed loop (`run_closed_loop`, the `burst` mode and the kill -9 drill): `concurrency` client threads
  take the next applicant as soon as they are done, as fast as the server allows (saturation).

Every loop is bounded in count and time: no applicant starts after `max_seconds`, every request has a
timeout, threads are joined with a time limit.
"""

import base64
import hashlib
import http.client
import json
import math
import os
import random
import re
import socket
import sys
import threading
import time
import urllib.error
import uuid
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Client  # noqa: E402
from surge_check import DOC_KIND  # noqa: E402

REQUEST_KINDS = ("login_page", "login", "documents_page", "upload", "review_page", "submit")
SUBMIT_ACTION = re.compile(rb'action="(/files/(\d+)/actions/submit\?version=\d+)"')
CSRF = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')
RETRYABLE = (urllib.error.URLError, ConnectionError, http.client.HTTPException, socket.timeout, TimeoutError, OSError)
ARRIVAL_MODES = ("ramp", "uniform", "burst")


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
    began: float = 0.0  # monotonic time the applicant arrived (flow times count from it, waits included)
    # Seconds after the surge started: when the applicant meant to start (its arrival), and how long
    # its submission (upload + submit) took; the report bins submissions by arrival minute.
    arrival: float | None = None
    submission_seconds: float | None = None

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
    # Open-loop arrivals: how many found all --max-clients slots taken when they arrived, the most
    # clients live at once, and how far behind its schedule the arrival scheduler fell.
    arrivals_waited_for_cap: int = 0
    live_clients: int = 0
    peak_live_clients: int = 0
    max_arrival_lateness: float = 0.0
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
            applicant.submission_seconds = applicant.upload_seconds + elapsed
            stats.latency["submission"].append(applicant.submission_seconds)
            stats.latency["flow"].append(applicant.acked_at - applicant.began)
        return
    raise Failed(f"submit answered HTTP {status} with {flashes}")


def _landed(client, stats, applicant):
    """The application is no longer editable although this client never got the acknowledgement."""
    applicant.outcome = "landed_unacked"
    applicant.detail = "submitted by an attempt whose answer was lost"


def _serve(target, applicant, stats, deadline, retries, timeout, backoff):
    """One applicant from login to acknowledged submit, retrying after connection errors and 5xx
    (at most `retries` times, never past `deadline`); the outcome is left on the applicant."""
    applicant.client = Client(target.url, timeout=timeout)
    applicant.logged_in = applicant.uploaded = False
    applicant.content = None
    applicant.upload_seconds = 0.0
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
    applicant.client = None  # its cookie jar and connections are not needed any more


def _join_all(threads, until):
    """Join every thread, all of them together within `until` (monotonic); stragglers are daemons."""
    for thread in threads:
        thread.join(max(0.1, until - time.monotonic()))


# Worst case for one attempt: six requests, each up to its timeout, plus slack for the back-off. No
# retry starts after the deadline, so every client is done within this much after it; the joins use
# it so that a hung server cannot hang the benchmark.
def _longest_flow(timeout):
    return timeout * 6 + 30


def _closed_loop_client(target, queue, queue_lock, stats, deadline, retries, timeout, backoff):
    while time.monotonic() < deadline:
        with queue_lock:
            if not queue:
                return
            applicant = queue.pop()
        applicant.began = time.monotonic()
        applicant.arrival = applicant.began - stats.started
        _serve(target, applicant, stats, deadline, retries, timeout, backoff)


def run_closed_loop(target, applicants, concurrency, max_seconds, retries=0, timeout=120, backoff=0.5, stats=None):
    """Run the applicants through `concurrency` client threads, each taking the next applicant as soon
    as it is done; bounded by `max_seconds` (no new applicant is started after it) and by each
    request's timeout."""
    stats = stats or Stats()
    queue = list(reversed(applicants))
    queue_lock = threading.Lock()
    stats.started = time.monotonic()
    deadline = stats.started + max_seconds
    threads = [threading.Thread(target=_closed_loop_client, daemon=True,
                                args=(target, queue, queue_lock, stats, deadline, retries, timeout, backoff))
               for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    _join_all(threads, deadline + _longest_flow(timeout))
    stats.finished = time.monotonic()
    return stats


def arrival_offsets(count, window, mode, seed=1):
    """Sorted arrival times in seconds after the start, all within [0, window).

    ramp: the arrival rate rises linearly from zero to its peak at the deadline (the density is
    2t/window^2, so the peak rate is twice the mean); drawn by inverse CDF, t = window * sqrt(u), from a
    seeded generator so that runs are repeatable. uniform: evenly spaced, one every window/count s."""
    if mode == "ramp":
        rng = random.Random(seed)
        return sorted(window * math.sqrt(rng.random()) for _ in range(count))
    if mode == "uniform":
        return [window * i / count for i in range(count)]
    raise ValueError(f"no arrival times for mode {mode!r}")


def _open_loop_client(target, applicant, stats, slots, deadline, retries, timeout, backoff):
    try:
        _serve(target, applicant, stats, deadline, retries, timeout, backoff)
    finally:
        with stats.lock:
            stats.live_clients -= 1
        slots.release()


def run_open_loop(target, applicants, offsets, max_clients, max_seconds, retries=0, timeout=120, backoff=0.5,
                  stats=None):
    """Each applicant arrives at its offset (seconds after the start) and is served in its own thread.

    At most `max_clients` threads are live: an arrival that finds them all busy waits for a free one
    (counted in `stats.arrivals_waited_for_cap`; its flow time still counts from its arrival), and the
    arrivals behind it wait too. No applicant is started after `max_seconds`; the rest stay not_started."""
    stats = stats or Stats()
    slots = threading.BoundedSemaphore(max_clients)
    threads = []
    stats.started = time.monotonic()
    deadline = stats.started + max_seconds
    for applicant, offset in sorted(zip(applicants, offsets), key=lambda pair: pair[1]):
        due = stats.started + offset
        if due > deadline:
            break
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        applicant.arrival, applicant.began = offset, due
        if not slots.acquire(blocking=False):
            with stats.lock:
                stats.arrivals_waited_for_cap += 1
            if not slots.acquire(timeout=max(0.0, deadline - time.monotonic())):
                applicant.arrival = None  # never started: the cap was still full at the deadline
                break
        with stats.lock:
            stats.max_arrival_lateness = max(stats.max_arrival_lateness, time.monotonic() - due)
            stats.live_clients += 1
            stats.peak_live_clients = max(stats.peak_live_clients, stats.live_clients)
        thread = threading.Thread(target=_open_loop_client, daemon=True,
                                  args=(target, applicant, stats, slots, deadline, retries, timeout, backoff))
        thread.start()
        threads.append(thread)
    _join_all(threads, max(deadline, time.monotonic()) + _longest_flow(timeout))
    stats.finished = time.monotonic()
    return stats


def make_applicants(prepared, size):
    base = os.urandom(size)
    return [Applicant(i, email, app_id, size, base)
            for i, (email, app_id) in enumerate(prepared)]
