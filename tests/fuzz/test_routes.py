"""The fuzz harness (issue 14, item 8): every route of the URL map, every method, as anonymous and as
every role, on the demo data: boundary values in every path variable, in query parameters and in every
field of every form the pages show (hidden ones included), and POSTs without a CSRF token.

Query parameters are the ones each view actually reads (recorded while the pages are fetched) plus the
fields of the GET forms; forms are read from the pages each role is shown, so a new route or field is
covered without editing this file.

Asserts no 5xx, no state change on a refusal (audit chain length and every file's state and version),
no request growing the memory high-water mark by 50 MB or taking over 10 s, with the address space
capped so a runaway request fails instead of taking the machine. Deterministic and bounded in time:
each (form, field, value) and (page, parameter, value) is sent once over the sweep; path variables get
a rotation of the boundary values across the roles."""
import io
import resource
import time
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import inspect, select

from werkzeug.datastructures import FileStorage
from werkzeug.routing import IntegerConverter

from sandbox.extensions import db, limiter
from sandbox.labels import DocumentKind
from sandbox.models import Application
from sandbox.services.documents import upload_document
from sandbox.states import ApplicationState as S
from sandbox.seed.demo import DEMO_PASSWORD, load_demo

from .harness import (INTEGERS, SKIP_ENDPOINTS, STRING_VARS, TEXT_FIELD_VALUES, TEXTS, VALUES, VALUES_FOR_KIND,
                      Failure, Form, Raw, RecordingArgs, Sweeper, capped_memory, parse_page, query_url, url_for_rule,
                      urlencoded)

pytestmark = [pytest.mark.fuzz, pytest.mark.slow]  # a sweep of every route: about 90 s

ROLES = [  # (label, demo account); None is the anonymous visitor
    ("anonymous", None), ("applicant", "applicant@demo.kr"), ("non-member", "startup@demo.kr"),
    ("secretariat", "office@demo.kr"), ("reviewer", "reviewer1@demo.kr"), ("authority", "authority@demo.kr"),
    ("committee", "committee1@demo.kr"), ("chair", "chair@demo.kr"), ("auditor", "auditor@demo.kr"),
    ("admin", "admin@demo.kr"),  # last: its forms change other accounts' roles
]
PAGES_PER_ENDPOINT = 2
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MEMORY_CAP = 4 * 2**30  # address space the sweep may add: a runaway request fails, not the machine


def _ids_by_variable(app):
    """`application_id` → ids from `applications`, `item_id` → `agenda_items`, `seq` → audit seq, ..."""
    tables = db.metadata.sorted_tables
    found = {}
    for rule in app.url_map.iter_rules():
        for name, converter in rule._converters.items():
            if name in found or not isinstance(converter, IntegerConverter):
                continue
            stem = name.removesuffix("_id")
            table = next((t for t in tables if t.name in (stem, stem + "s") or t.name.endswith(f"_{stem}s")),
                         None)
            if name == "seq":
                table = db.metadata.tables["audit_events"]
            column = table.c[name] if table is not None and name in table.c else \
                (list(inspect(table).primary_key)[0] if table is not None else None)
            found[name] = [str(v) for v in db.session.scalars(select(column).order_by(column).limit(60))] \
                if column is not None else []
    return found


def _rule_urls(app, ids, turn):
    """One URL per rule with real ids, a different one for each role's turn."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in SKIP_ENDPOINTS:
            continue
        values = {}
        for name in rule.arguments:
            items = getattr(rule._converters.get(name), "items", None)  # an <any(a, b):name> takes only those
            choices = sorted(items) if items else ids.get(name) or STRING_VARS.get(name) or ["x"]
            values[name] = choices[turn % len(choices)]
        yield rule, url_for_rule(rule, values)


def _login(email):
    def log_in(client):
        client.post("/auth/login", data={"email": email, "password": DEMO_PASSWORD})
    return log_in


def _mutations(form, turn, first_time, done):
    """Bodies for one form: every boundary value in every field at once (a few when another role already
    had this form), then each field alone with the values that suit its kind, each (form, field, value)
    once over the whole sweep; hidden fields such as `version` included; then a repeated group's row
    index and count of 10**20."""
    base = [(name, value) for name, value in form.fields]
    names = list(dict.fromkeys(name for name, _ in base if name != "csrf_token"))
    for value in (VALUES if first_time else VALUES[turn % 5::5]):
        yield [(n, value if n != "csrf_token" else v) for n, v in base]
    for name in names:
        for value in VALUES_FOR_KIND.get(form.kinds.get(name), TEXT_FIELD_VALUES):
            if (form.key, name, value) not in done:
                done.add((form.key, name, value))
                yield [(n, value if n == name else v) for n, v in base]
    rows = {n.split("-", 1)[0] for n in names if n.split("-")[1:2] and n.split("-")[1].isdigit()}
    for prefix in sorted(rows):
        yield base + [(f"{prefix}-{10**20}-text", "x"), (f"{prefix}-count", str(10**20))]


def _send_form(sweeper, form, pairs):
    if form.multipart:
        data = {}
        for name, value in pairs:
            if not isinstance(value, Raw):
                data.setdefault(name, value)
        return sweeper.send(form.method, form.action, data=data)
    if form.method == "GET":
        return sweeper.send("GET", query_url(form.action.split("?")[0], pairs))
    body, content_type = urlencoded(pairs)
    return sweeper.send(form.method, form.action, body, content_type)


def _pages(app, sweeper, rules):
    """GET every GET rule with real ids, then the same-site links those pages show (a few per endpoint).
    Returns {endpoint: [urls answered 200]}, {endpoint: query names its view read}, the forms seen."""
    queue = [url for rule, url in rules if "GET" in rule.methods]
    adapter = app.url_map.bind("localhost")
    visited, pages, reads, forms, seen = {}, {}, {}, [], set()
    while queue:
        url = queue.pop(0)
        try:
            endpoint, _args = adapter.match(url.split("?")[0], method="GET")
        except Exception:  # noqa: BLE001  (a link to something that is not a GET route)
            continue
        if endpoint in SKIP_ENDPOINTS or len(visited.setdefault(endpoint, [])) >= PAGES_PER_ENDPOINT \
                or url in visited[endpoint]:
            continue
        visited[endpoint].append(url)
        RecordingArgs.read.clear()
        response = sweeper.send("GET", url)
        if response is None or response.status_code != 200:
            continue
        pages.setdefault(endpoint, []).append(url)
        reads.setdefault(endpoint, set()).update(RecordingArgs.read)
        if "html" not in response.content_type:
            continue
        page_forms, links = parse_page(url, response.get_data(as_text=True))
        queue.extend(sorted(links))
        for form in page_forms:
            if form.key not in seen:
                seen.add(form.key)
                forms.append(form)
                if form.method == "GET":
                    reads.setdefault(endpoint, set()).update(name for name, _ in form.fields)
    return pages, reads, forms


def _sweep_role(app, client, label, email, ids, turn, done):
    sweeper = Sweeper(app, client, label, _login(email) if email else None)
    if email:
        limiter.reset()
        _login(email)(client)
    rules = list(_rule_urls(app, ids, turn))
    pages, reads, forms = _pages(app, sweeper, rules)

    # Every form's fields with boundary values (hidden ones too).
    for form in forms:
        first_time = form.key not in done
        done.add(form.key)
        for pairs in _mutations(form, turn, first_time, done):
            _send_form(sweeper, form, pairs)
    # The query string of every form's action (a button's `?version=`), tampered, with the form's body.
    for form in (f for f in forms if f.method != "GET"):
        action = urlsplit(form.action)
        params = parse_qsl(action.query, keep_blank_values=True)
        for name, _value in params:
            for value in VALUES_FOR_KIND["hidden"]:
                if (form.key, "?" + name, value) not in done:
                    done.add((form.key, "?" + name, value))
                    tampered = query_url(action.path, [(n, value if n == name else v) for n, v in params])
                    _send_form(sweeper, Form(tampered, form.method, form.fields, form.kinds, form.multipart),
                               form.fields)
    # Every query parameter a page's view read, with every boundary value, once over the sweep.
    for endpoint, urls in sorted(pages.items()):
        for name in sorted(reads.get(endpoint, ())):
            for value in VALUES:
                if (endpoint, name, value) not in done:
                    done.add((endpoint, name, value))
                    sweeper.send("GET", query_url(urls[0], [(name, value)]))
    # Every rule × method with a boundary value in each path variable (rotating over roles), and a body
    # of boundary values for POST rules no page offered this role a form for.
    posted = {form.key[0] for form in forms}
    for n, (rule, url) in enumerate(rules):
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        good = {k: (ids.get(k) or STRING_VARS.get(k) or ["x"])[0] for k in rule.arguments}
        for k, name in enumerate(sorted(rule.arguments)):
            values = INTEGERS if name in ids else TEXTS
            method = methods[(turn + k) % len(methods)]
            bad_url = url_for_rule(rule, {**good, name: values[(turn + n + k) % len(values)]})
            sweeper.send(method, bad_url, *(urlencoded([("version", "1")]) if method != "GET" else ()))
        for method in methods:
            if method != "GET" and url not in posted:
                names = ["version", "reason", "choice", "organisation_id", "due", "id"]
                body = [(name, VALUES[(turn + n + k) % len(VALUES)]) for k, name in enumerate(names)]
                sweeper.send(method, url, *urlencoded(body))
    return sweeper


@pytest.fixture
def demo(app, db):
    """The demo data (every role, files in every stage) and a document on each of the demo's drafts."""
    load_demo()
    for application in db.session.scalars(select(Application).where(Application.state == S.draft)):
        upload_document(application.created_by, application,
                        FileStorage(io.BytesIO(PDF), filename="plan.pdf", content_type="application/pdf"),
                        DocumentKind.business_plan)
    db.session.commit()
    return db


def test_no_route_role_or_field_gives_a_server_error(app, demo, capsys):
    app.config["RENDER_500_IN_TESTS"] = False
    ids = _ids_by_variable(app)
    started, sweepers = time.monotonic(), []
    limits, request_class, done = capped_memory(MEMORY_CAP), app.request_class, set()
    app.request_class = type("RecordingRequest", (request_class,), {"parameter_storage_class": RecordingArgs})
    try:
        for turn, (label, email) in enumerate(ROLES):
            client = app.test_client()
            client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
            sweepers.append(_sweep_role(app, client, label, email, ids, turn, done))
    finally:
        resource.setrlimit(resource.RLIMIT_AS, limits)
        app.request_class = request_class
    sent = sum(s.sent for s in sweepers)
    errors = sum(s.server_errors for s in sweepers)
    failures = [f for s in sweepers for f in s.failures]
    with capsys.disabled():  # the tally shows in every run's log, passing or not
        print(f"\nfuzz: {sent} requests as {len(ROLES)} roles in {time.monotonic() - started:.0f} s, "
              f"{errors} server errors, {len(failures)} findings")
        for failure in failures[:400]:
            print(failure)
    assert not failures, f"{len(failures)} findings (first: {failures[0]})"


def _csrf_login(client, email):
    page = client.get("/auth/login").get_data(as_text=True)
    forms, _links = parse_page("/auth/login", page)
    fields = dict(next(f for f in forms if f.method == "POST").fields)
    client.post("/auth/login", data={**fields, "email": email, "password": DEMO_PASSWORD})


def test_no_post_without_a_csrf_token_is_accepted_or_changes_anything(app, demo, capsys):
    """With CSRF protection on (as in production), every POST route refuses a body without the token
    with 400, as every role, and nothing changes."""
    ids = _ids_by_variable(app)
    app.config.update(WTF_CSRF_ENABLED=True, RENDER_500_IN_TESTS=False)
    sweepers = []
    try:
        for turn, (label, email) in enumerate(ROLES):
            client = app.test_client()
            if email:
                limiter.reset()
                _csrf_login(client, email)
            sweeper = Sweeper(app, client, label)
            sweepers.append(sweeper)
            for rule, url in _rule_urls(app, ids, turn):
                if url.endswith("/x") or "/x/" in url:  # no row to name in a variable: routes nowhere
                    continue
                for method in sorted(rule.methods - {"GET", "HEAD", "OPTIONS"}):
                    response = sweeper.send(method, url, *urlencoded([("version", "1"), ("reason", "x")]))
                    if response is not None and response.status_code != 400:
                        sweeper.failures.append(Failure(label, method, url, f"HTTP {response.status_code} "
                                                                             "without a CSRF token"))
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    failures = [f for s in sweepers for f in s.failures]
    with capsys.disabled():
        print(f"\nfuzz, CSRF: {sum(s.sent for s in sweepers)} POSTs without a token, "
              f"{len(failures)} findings")
    assert not failures, "\n".join(map(str, failures[:40]))
