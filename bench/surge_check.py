"""The deadline surge's work inside the app, before and after the clock: preparation (accounts,
organisations and complete drafts through the app's services) and the after-check (every acknowledged
submission is in the database in state `submitted` with its document, whose file on disk has the SHA-256
the client computed; nothing is half-saved; `flask audit verify` passes), plus the scratch database and
upload directory they run in.

The in-app parts run in a child process (this module as a script, with DATABASE_URL set) so that the
benchmark process itself never imports the app: its threads only speak HTTP to gunicorn.

Preparation goes through the services (accounts.register_user, create_organisation,
applications.create_application / save_draft / add_exemption_request, via
sandbox.seed.demo_files.complete_trial), 50 applicants per transaction. The submit guards of a trial
exemption do not require any document; the surge treats a business plan as the document each
applicant must send before submitting (the client uploads it first and submits only after its upload
was acknowledged), and the after-check holds every submitted surge application to that.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, app_env, build_schema, createdb, dropdb, flask, pg_url  # noqa: E402

EMAIL = "surge-{:05d}@bench.kr"
DOC_KIND = "business_plan"
PREPARE_BATCH = 50


# ---------------------------------------------------------------------------------------------
# Run inside the app (a child process with DATABASE_URL set).


def _prepare_in_app(count, out_path):
    """Accounts, organisations and complete drafts through the services; writes [[email, id], ...]."""
    from datetime import date, timedelta

    from sqlalchemy import select

    import sandbox.models.users as users_module
    from sandbox import create_app
    from sandbox.extensions import db
    from sandbox.labels import OrganisationKind, TechCategory
    from sandbox.models import User, Zone
    from sandbox.seed.demo import DEMO_PASSWORD, SANGAM_POINT
    from sandbox.seed.demo_files import complete_trial
    from sandbox.services import accounts
    from sandbox.transaction import atomic

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
                    application = complete_trial(user, org, sangam, ["SC-AV-DRIVER"], f"Surge trial {i}",
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
    from sandbox.states import ApplicationState

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
                    with open(path, "rb") as handle:
                        hashed[sha] = (hashlib.file_digest(handle, "sha256").hexdigest(), path.stat().st_size)
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


def main(argv):
    """Entry point of the child process: `_prepare OUT COUNT` or `_check OUT`."""
    command, out = argv[1], argv[2]
    if command == "_prepare":
        _prepare_in_app(int(argv[3]), out)
    elif command == "_check":
        _check_in_app(out)
    else:
        raise SystemExit(f"unknown command {command}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
