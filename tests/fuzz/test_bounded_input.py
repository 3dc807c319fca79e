"""Bounded input, one control at a time (issue 14, item 5): the committee's repeated conditions, the
route converter, query values, dates, NUL and invalid UTF-8, tampered hidden fields, body size, and a
rule that every form field in the code is a bounded one."""
import inspect
import io
import pkgutil
import resource
import tracemalloc
from importlib import import_module

import pytest
import wtforms
from flask_wtf import FlaskForm
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

import sandbox
from sandbox import bounds
from sandbox.models import AuditEvent, Decision
from sandbox.services import conflicts
from sandbox.states import ApplicationState as S

from ..conftest import login
from ..factories import ApplicationFactory
from .harness import capped_memory

ALLOCATION_LIMIT = 5 * 2**20  # bytes one refused request may allocate at its peak


@pytest.fixture
def decision_page(cast, client):
    """The chair on the item page of a file on the agenda, every member having voted."""
    application, item = cast.on_agenda()
    cast.all_vote(item)
    login(client, cast.chair)
    return application, item


def _events():
    return select(func.count()).select_from(AuditEvent)


def _post_measured(client, url, data):
    """(response, peak bytes allocated); a runaway allocation hits a 1 GB cap instead of the machine."""
    limits = capped_memory(2**30)
    tracemalloc.start()
    try:
        response = client.post(url, data=data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        resource.setrlimit(resource.RLIMIT_AS, limits)
    return response, peak


@pytest.mark.parametrize("tampered", [
    {"conditions-count": str(10**20)},
    {"conditions-count": "abc"},
    {f"conditions-{10**20}-text": "one row with a huge index", f"conditions-{10**20}-kind": "unit_cap"},
    {f"conditions-{n}-text": f"row {n}" for n in range(21)},  # one more than the cap
    {"conditions-²-text": "a digit int() refuses"},
], ids=["count-10^20", "count-abc", "index-10^20", "21-rows", "unicode-digit"])
def test_the_decision_form_refuses_tampered_condition_rows_at_once(decision_page, client, db, tampered):
    application, item = decision_page
    events = db.session.scalar(_events())
    response, peak = _post_measured(client, f"/committee/items/{item.id}/decision",
                                    {"outcome": "approve_with_conditions", "reasons": "Fine", **tampered})
    assert response.status_code == 422
    assert "At most 20 rows" in response.get_data(as_text=True)
    assert peak < ALLOCATION_LIMIT, f"the refusal allocated {peak // 2**20} MB"
    assert db.session.scalar(_events()) == events
    assert db.session.scalar(select(func.count()).select_from(Decision)) == 0
    db.session.refresh(application)
    assert application.state == S.committee


def test_twenty_condition_rows_are_accepted(decision_page, client, db):
    application, item = decision_page
    rows = {f"conditions-{n}-{k}": v for n in range(20) for k, v in
            (("kind", "unit_cap"), ("text", f"At most {n + 1} units"), ("parameters", f"units={n + 1}"))}
    response = client.post(f"/committee/items/{item.id}/decision",
                           data={"outcome": "approve_with_conditions", "reasons": "Fine", **rows})
    assert response.status_code == 303
    assert len(db.session.scalars(select(Decision)).one().conditions) == 20


def test_a_vote_with_an_unknown_choice_and_a_huge_count_is_refused_cheaply(cast, client, db):
    application, item = cast.on_agenda()
    member = cast.members[0]
    conflicts.declare_conflict(member, application, False)
    login(client, member)
    response, peak = _post_measured(client, f"/committee/items/{item.id}/vote",
                                    {"choice": "nonsense", "conditions-count": "99999999999999999999999"})
    assert response.status_code == 422 and "Choose how you vote" in response.get_data(as_text=True)
    assert peak < ALLOCATION_LIMIT


@pytest.mark.parametrize("path", ["/register/99999999999999999999999", "/register/2147483648",
                                  "/register/" + "9" * 5000, "/files/9223372036854775808"])
def test_ids_beyond_the_integer_column_are_404_before_any_query(client, path):
    assert client.get(path).status_code == 404


def test_a_letter_sequence_number_is_bounded_like_every_id(app):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "casefile.letter")
    assert all(type(c) is bounds.BoundedIntConverter for c in rule._converters.values())


def test_the_audit_console_refuses_dates_columns_cannot_hold_with_a_form_error(client, login_as):
    login_as("auditor")
    for value in ("9999-12-31", "0000-00-00", "2026-02-30", "1899-12-31"):
        response = client.get(f"/audit/?date_to={value}")
        assert response.status_code == 422, value
    assert client.get("/audit/?before=99999999999999999999").status_code == 200  # ignored, not a crash
    assert client.get("/audit/?actor=" + "x" * 100_000).status_code in (413, 414, 422)


def test_oversized_query_values_are_ignored_or_refused_with_a_message(client, login_as):
    login_as("secretariat", "admin")
    assert client.get("/office/?zone=99999999999999999999").status_code == 200  # the filter is ignored
    assert client.get("/notices/?page=9223372036854775808").status_code == 200
    response = client.get("/admin/users?q=" + "x" * 300)
    assert response.status_code == 400 and "at most 254 characters" in response.get_data(as_text=True)


def test_a_tampered_version_on_a_file_action_gets_the_409_page(client, login_as, db):
    applicant = login_as("applicant")
    application = ApplicationFactory(created_by=applicant)
    events = db.session.scalar(_events())
    response = client.post(f"/files/{application.id}/actions/submit?version=abc")
    assert response.status_code == 409 and "The file has changed" in response.get_data(as_text=True)
    assert db.session.scalar(_events()) == events
    db.session.refresh(application)
    assert application.state == S.draft


@pytest.mark.parametrize("body", [b"reason=a%00b", b"reason=%ff%fe", b"reason=ok&due=%00"])
def test_nul_and_invalid_utf8_in_a_form_get_a_clear_400(client, login_as, db, body):
    applicant = login_as("applicant")
    application = ApplicationFactory(created_by=applicant)
    response = client.post(f"/files/{application.id}/actions/submit", data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True) or "UTF-8" in response.get_data(as_text=True)
    db.session.refresh(application)
    assert application.state == S.draft


@pytest.mark.parametrize("part", ["second value", "file name"])
def test_nul_in_a_multipart_form_gets_a_clear_400(client, login_as, db, part):
    applicant = login_as("applicant")
    application = ApplicationFactory(created_by=applicant, state=S.submitted)
    pdf = (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "plan\x00.pdf" if part == "file name" else "plan.pdf")
    data = {"kind": ["business_plan", "a\x00b"] if part == "second value" else "business_plan", "file": pdf}
    response = client.post(f"/files/{application.id}/documents", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "NUL" in response.get_data(as_text=True)
    assert not application.documents


@pytest.mark.parametrize("query", ["q=a%00b", "q=%ff"])
def test_nul_and_invalid_utf8_in_a_query_get_a_clear_400(client, query):
    response = client.get("/register?" + query)
    assert response.status_code == 400


@pytest.mark.parametrize("shape", ["one long field", "many fields"])
def test_a_form_body_beyond_the_form_limits_gets_the_413_page(app, client, shape):
    if shape == "many fields":  # Werkzeug caps parts of multipart bodies only; url-encoded ones are ours
        body = b"a=1&" * app.config["MAX_FORM_PARTS"]
    else:
        body = b"email=" + b"a" * app.config["MAX_FORM_MEMORY_SIZE"]
    response = client.post("/auth/login", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413 and "too large" in response.get_data(as_text=True)


def _form_classes():
    for module in pkgutil.walk_packages(sandbox.__path__, "sandbox."):
        if module.name.startswith("sandbox.seed") or module.name.endswith("__main__"):
            continue
        for _name, value in inspect.getmembers(import_module(module.name), inspect.isclass):
            if issubclass(value, wtforms.Form) and value.__module__ == module.name:
                yield value


def test_every_form_field_is_bounded():
    """The next form cannot bring back an unbounded number, date or choice: integers, floats and dates
    come from sandbox.bounds, and no choice is coerced with a bare int."""
    plain = (wtforms.IntegerField, wtforms.DateField, wtforms.FloatField, wtforms.DecimalField)
    problems = []
    classes = list(_form_classes())
    assert any(issubclass(c, FlaskForm) for c in classes)
    for form_class in classes:
        for name, unbound in vars(form_class).items():
            if not isinstance(unbound, wtforms.fields.core.UnboundField):
                continue
            field_class = unbound.field_class
            if issubclass(field_class, plain) and field_class.__module__ != "sandbox.bounds":
                problems.append(f"{form_class.__name__}.{name}: {field_class.__name__} from wtforms")
            if unbound.kwargs.get("coerce") is int:
                problems.append(f"{form_class.__name__}.{name}: coerce=int")
            if field_class is wtforms.FieldList:
                problems.append(f"{form_class.__name__}.{name}: FieldList without a server-side cap")
    assert not problems, problems


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.one_of(st.integers(), st.text(max_size=30),
                 st.binary(max_size=10).map(lambda b: b.decode("latin-1"))))
def test_parse_int_returns_a_fitting_int_or_none(value):
    parsed = bounds.parse_int(value if not isinstance(value, int) else str(value))
    assert parsed is None or bounds.INT_MIN <= parsed <= bounds.INT_MAX


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.one_of(st.dates().map(str), st.text(max_size=12),
                 st.tuples(st.integers(0, 9999), st.integers(0, 99), st.integers(0, 99))
                 .map(lambda t: "%04d-%02d-%02d" % t)))
def test_parse_date_returns_a_date_the_columns_hold_or_none(value):
    parsed = bounds.parse_date(value)
    assert parsed is None or bounds.DATE_MIN <= parsed <= bounds.DATE_MAX


@settings(max_examples=60, derandomize=True, deadline=None)
@given(st.dictionaries(st.from_regex(r"conditions-[0-9²]{1,25}-(kind|text|parameters|x)|conditions-count",
                                     fullmatch=True), st.text(max_size=5), max_size=30))
def test_the_conditions_group_never_builds_more_than_twenty_rows(app, keys):
    from werkzeug.datastructures import MultiDict

    from sandbox.committee.forms import DecisionForm
    with app.test_request_context(method="POST", data={}):
        form = DecisionForm(formdata=MultiDict(keys), meta={"csrf": False})
        assert len(form.conditions.entries) <= 20
        valid_rows = form.conditions.validate(form)
        assert valid_rows or form.conditions.errors
