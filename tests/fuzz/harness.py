"""The fuzz harness's machinery: boundary values, URLs built from the app's URL map with ids from the
database, forms read from the pages each role is shown, and one `send` that checks every response.

Generic on purpose: a new route or form is covered without touching this file."""
import resource
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, quote_from_bytes, urlencode, urlsplit

from flask import g
from sqlalchemy import func, select
from werkzeug.datastructures import ImmutableMultiDict

from sandbox.extensions import db, limiter
from sandbox.models import Application, AuditEvent


class Raw(bytes):
    """A form or query value sent as these exact bytes (invalid UTF-8)."""


HUGE = str(10**20)
INTEGERS = [HUGE, "-1", str(2**31), str(2**63), "0", "9" * 5000]
DATES = ["9999-12-31", "0000-00-00", "2026-02-30", "1-1-1"]
TEXTS = ["\x00", "a\x00b", "x" * 100_000, Raw(b"\xff\xfe\xc3\x28")]
TYPES = ["abc", "1.5", "NaN", "inf", "[]", "-"]
VALUES = INTEGERS + DATES + TEXTS + TYPES
# Per field, the values that test it hardest: numbers and wrong types for hidden fields and choices,
# impossible dates for date inputs, and every kind of value for text.
VALUES_FOR_KIND = {"hidden": INTEGERS + TYPES + ["\x00"], "select": INTEGERS + TYPES + ["\x00"],
                   "radio": INTEGERS + TYPES, "checkbox": INTEGERS + TYPES, "number": INTEGERS + TYPES,
                   "date": DATES + INTEGERS[:2] + ["\x00"], "file": []}
TEXT_FIELD_VALUES = TEXTS + [HUGE, "9999-12-31"]
# Path variables that are not integers: a valid value to start from (the pages' own links add more).
STRING_VARS = {"code": ["SANGAM-AV", "MAGOK-ENERGY"], "lang": ["ko", "en"], "fmt": ["csv", "jsonl"],
               "step": ["basics"], "trigger": ["submit", "withdraw"], "decision": ["publish", "hide"],
               "outcome": ["done", "missed"], "action": ["grant", "revoke"], "filename": ["css/app.css"]}
SKIP_ENDPOINTS = {"static", "boom", "abort_with"}
RSS_GROWTH_LIMIT_KB = 50 * 1024


def quote_value(value):
    return quote_from_bytes(value) if isinstance(value, Raw) else quote(str(value), safe="")


def encode_pairs(pairs):
    return "&".join(f"{quote(name, safe='')}={quote_value(value)}" for name, value in pairs)


@dataclass
class Form:
    action: str
    method: str
    fields: list = field(default_factory=list)  # [(name, default value)]
    kinds: dict = field(default_factory=dict)  # name → input type ("hidden", "date", "select", ...)
    multipart: bool = False

    @property
    def key(self):
        return (urlsplit(self.action).path, self.method, tuple(sorted({n for n, _ in self.fields})))


class FormParser(HTMLParser):
    """Every <form> on a page with its fields and their current values, and every same-site link."""

    def __init__(self, page_url):
        super().__init__(convert_charrefs=True)
        self.page_url, self.forms, self.links = page_url, [], set()
        self._form = self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and (a.get("href") or "").startswith("/") and not a["href"].startswith("//"):
            self.links.add(a["href"].split("#")[0])
        elif tag == "form":
            self._form = Form(a.get("action") or self.page_url, (a.get("method") or "get").upper(),
                              multipart="multipart" in (a.get("enctype") or ""))
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a and kind == "checkbox":
                return
            if kind not in ("submit", "button", "image", "reset"):
                self._form.fields.append((a["name"], "" if kind == "file" else a.get("value", "")))
                self._form.kinds[a["name"]] = kind
        elif tag == "select":
            self._select = [a["name"], None]
            self._form.fields.append((a["name"], ""))
            self._form.kinds[a["name"]] = "select"
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form.fields.append((a["name"], ""))
        elif tag == "button" and a.get("value"):
            self._form.fields.append((a["name"], a["value"]))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def parse_page(url, html):
    parser = FormParser(url)
    parser.feed(html)
    return parser.forms, parser.links


def state_snapshot():
    """What a refused request must leave unchanged: the audit chain's length and every file's state."""
    return (db.session.scalar(select(func.count()).select_from(AuditEvent)),
            tuple(db.session.execute(select(Application.id, Application.state, Application.version)
                                     .order_by(Application.id)).all()))


@dataclass
class Failure:
    role: str
    method: str
    url: str
    what: str

    def __str__(self):
        return f"{self.role:>12} {self.method:4} {self.url[:140]} → {self.what}"


class RecordingArgs(ImmutableMultiDict):
    """The request's parameter storage, noting every name a view reads: on a GET, those are the query
    parameters the endpoint understands, so the harness knows where to send boundary values."""

    read = set()

    def get(self, key, *args, **kwargs):
        RecordingArgs.read.add(key)
        return super().get(key, *args, **kwargs)

    def getlist(self, key, *args, **kwargs):
        RecordingArgs.read.add(key)
        return super().getlist(key, *args, **kwargs)

    def __getitem__(self, key):
        RecordingArgs.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        RecordingArgs.read.add(key)
        return super().__contains__(key)


class Sweeper:
    """Sends requests as one role and keeps the tally; a logged-out client logs in again."""

    def __init__(self, app, client, role, login=None):
        self.app, self.client, self.role, self.login = app, client, role, login
        self.sent = self.server_errors = 0
        self.failures = []

    def send(self, method, url, body=None, content_type=None, data=None, *, retry=True):
        check_state = method != "GET"
        before = state_snapshot() if check_state else None
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.monotonic()
        self.sent += 1
        # The test holds one app context open, so requests share `g`, where Flask-Login caches the user:
        # forget it, or the next client would act as the previous role.
        for key in list(g):
            g.pop(key)
        try:
            kwargs = {"data": data} if data is not None else {"data": body, "content_type": content_type}
            response = self.client.open(url, method=method, **kwargs)
            response.get_data()  # a streamed body fails while it is read
            response.close()
        except Exception as exc:  # noqa: BLE001  (every unhandled error is a finding, reported together)
            db.session.rollback()
            self.server_errors += 1
            self.failures.append(Failure(self.role, method, url, f"{type(exc).__name__}: {str(exc)[:300]}"))
            return None
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss
        if grown > RSS_GROWTH_LIMIT_KB:
            self.failures.append(Failure(self.role, method, url,
                                         f"memory high-water mark grew {grown // 1024} MB"))
        if time.monotonic() - started > 10:
            self.failures.append(Failure(self.role, method, url, f"took {time.monotonic() - started:.1f} s"))
        if response.status_code >= 500:
            self.server_errors += 1
            self.failures.append(Failure(self.role, method, url, f"HTTP {response.status_code}"))
        elif check_state and 400 <= response.status_code < 500 and response.status_code != 429:
            after = state_snapshot()
            if after != before:
                self.failures.append(Failure(self.role, method, url,
                                             f"refused with {response.status_code} but the state changed"))
        if retry and self.login and response.status_code in (301, 302, 303) and \
                "/auth/login" in response.headers.get("Location", ""):
            limiter.reset()
            self.login(self.client)
            return self.send(method, url, body, content_type, data, retry=False)
        return response


def url_for_rule(rule, values):
    """The rule's path with `values` (strings, already chosen) in its variables."""
    parts = []
    for is_var, piece in rule._trace:
        value = values[piece] if is_var else None
        parts.append((quote_from_bytes(value) if isinstance(value, Raw) else quote(str(value), safe="/"))
                     if is_var else piece)
    path = "".join(parts)
    return path[path.index("|") + 1:] if "|" in path else path


def query_url(url, pairs):
    return url + ("&" if "?" in url else "?") + encode_pairs(pairs)


def urlencoded(pairs):
    return encode_pairs(pairs), "application/x-www-form-urlencoded"


def plain_query(pairs):
    return urlencode(pairs)


def capped_memory(extra):
    """Cap this process's address space at its current size plus `extra` bytes, so a request that runs
    away fails with MemoryError (a finding) instead of taking the machine; returns the old limits."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as statm:
        used = int(statm.read().split()[0]) * resource.getpagesize()
    cap = used + extra if hard == resource.RLIM_INFINITY else min(used + extra, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    return soft, hard
