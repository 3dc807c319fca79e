"""Transition throughput: 8 threads (each with its own app context and database session) fire
transitions through sandbox.workflow.service.fire on one PostgreSQL database, (a) each on its own
files, (b) all on the same file. A file cycles screening -> supplement_requested -> screening
(request_supplement by the office, answer_supplement by the applicant). Afterwards: no lost update
(version and audit events match the successes) and `audit verify` passes.

    .venv/bin/python bench/fire.py [--threads 8] [--seconds 10] [--database NAME --reuse]
Target: >= 200 transitions/s."""

import argparse
import os
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import app_env, build_schema, createdb, dropdb, flask, load_average, pg_url  # noqa: E402

NEXT = {
    "screening": ("request_supplement", "office"),
    "supplement_requested": ("answer_supplement", "applicant"),
}


def make_app(env):
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "UPLOAD_DIR", "SECRET_KEY")})
    from sandbox import create_app

    return create_app()


def worker(app, file_ids, deadline, counts, index):
    from sandbox.errors import SandboxError
    from sandbox.extensions import db
    from sandbox.models import Application, User
    from sandbox.workflow.service import fire

    with app.app_context():
        from sqlalchemy import select

        office = db.session.scalar(select(User).where(User.email == "office@demo.kr"))
        done = conflicts = 0
        k = 0
        while time.monotonic() < deadline:
            application = db.session.get(Application, file_ids[k % len(file_ids)])
            k += 1
            db.session.refresh(application)
            trigger, who = NEXT[str(application.state)]
            actor = office if who == "office" else application.created_by
            try:
                fire(
                    application,
                    trigger,
                    actor,
                    reason="벤치마크 / benchmark",
                    due=date.today() + timedelta(days=14),
                    answer="보완 / supplement",
                )
                done += 1
            except SandboxError:
                conflicts += 1  # someone else moved the file first: the 409 a user would see
        counts[index] = (done, conflicts)
        db.session.remove()


def files_in_screening(app, needed):
    from sqlalchemy import select

    from sandbox.extensions import db
    from sandbox.models import Application
    from sandbox.workflow.states import ApplicationState

    with app.app_context():
        ids = list(
            db.session.scalars(
                select(Application.id)
                .where(Application.state == ApplicationState.screening)
                .order_by(Application.id)
                .limit(needed)
            )
        )
        snapshot = {i: db.session.get(Application, i).version for i in ids}
        snapshot["seq"] = db.session.scalar(
            select(db.func.max(db.text("seq"))).select_from(db.text("audit_events"))
        )
    return ids, snapshot


def run(app, label, groups, seconds):
    counts = [None] * len(groups)
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=worker, args=(app, ids, deadline, counts, i)) for i, ids in enumerate(groups)
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    elapsed = time.perf_counter() - started
    done = sum(c[0] for c in counts)
    conflicts = sum(c[1] for c in counts)
    print(
        f"{label:28} {done / elapsed:8.1f} transitions/s  ({done} in {elapsed:.1f} s, {conflicts} refused as "
        f"already moved, {len(groups)} threads, load {load_average():.2f})"
    )
    return done


def check(app, ids, before, expected_total):
    """No lost update: every success bumped the version once and wrote one event."""
    from sqlalchemy import func, select

    from sandbox.audit.integrity import verify_database
    from sandbox.extensions import db
    from sandbox.models import Application, AuditEvent

    with app.app_context():
        bumps = sum(db.session.get(Application, i).version - before[i] for i in ids)
        count, _, _ = verify_database()
        events = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.seq > before["seq"],
                AuditEvent.application_id.in_(ids),
                AuditEvent.action.in_(
                    ["application.supplement_requested", "application.supplement_answered"]
                ),
            )
        )
    print(
        f"check: versions bumped {bumps}, successes {expected_total}; transition events {events}; "
        f"audit chain OK ({count} events)"
    )
    return bumps == expected_total == events


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--database")
    args = parser.parse_args()
    name = args.database or f"bench_fire_{os.getpid()}"
    env = app_env(pg_url(name), Path(tempfile.mkdtemp(prefix="bench-fire-")) / "uploads")
    createdb(name)
    try:
        print(f"nproc {os.cpu_count()}, load average {load_average():.2f}; schema: {build_schema(env)}")
        flask(env, "demo-data", "--scale", "2000", timeout=900)
        app = make_app(env)
        ids, before = files_in_screening(app, args.threads * 4)
        groups = [ids[i :: args.threads] for i in range(args.threads)]
        total = run(app, "(a) different files", groups, args.seconds)
        total += run(app, "(b) the same file", [[ids[0]]] * args.threads, args.seconds)
        ok = check(app, ids, before, total)
        print("no lost update" if ok else "LOST UPDATE DETECTED")
        sys.exit(0 if ok else 1)
    finally:
        dropdb(name)


if __name__ == "__main__":
    main()
