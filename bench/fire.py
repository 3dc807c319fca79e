"""Transition throughput: 8 processes (each its own interpreter, app and engine) fire transitions
through sandbox.services.workflow.fire on one PostgreSQL database, (a) each on its own files, (b) all
on the same file. A file cycles screening -> supplement_requested -> screening (request_supplement by
the office, answer_supplement by the applicant). Afterwards: no lost update (version bumps, successes
and transition events match) and `flask audit verify` passes.

    .venv/bin/python bench/fire.py [--processes 8] [--seconds 10]
    .venv/bin/python bench/fire.py --template NAME    # copy a database already holding the files
    .venv/bin/python bench/fire.py --database NAME --reuse   # run on an existing database, keep it

Processes, not threads: 8 threads in one CPython process measure the GIL, not the app and the database.
Target: >= 200 transitions/s."""

import argparse
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    PG, ROOT, app_env, build_schema, createdb, dropdb, flask, load_average, pg_url)

NEXT = {
    "screening": ("request_supplement", "office"),
    "supplement_requested": ("answer_supplement", "applicant"),
}
TRANSITION_ACTIONS = ["application.supplement_requested", "application.supplement_answered"]


def make_app(env):
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "UPLOAD_DIR", "SECRET_KEY")})
    sys.path.insert(0, str(ROOT))
    from sandbox import create_app

    return create_app()


def worker(env, file_ids, ready, start, results, index):
    """One client process: its own app, engine and session; fires until the deadline it is given."""
    app = make_app(env)
    from sqlalchemy import select

    from sandbox.errors import SandboxError
    from sandbox.extensions import db
    from sandbox.models import Application, User
    from sandbox.services.workflow import fire

    done = conflicts = errors = 0
    first_error = ""
    with app.app_context():
        office_id = db.session.scalar(select(User.id).where(User.email == "office@demo.kr"))
        db.session.rollback()
        ready.put(index)
        deadline = start.get()  # wall-clock deadline, the same for every process
        k = 0
        while time.time() < deadline:
            application = db.session.get(Application, file_ids[k % len(file_ids)], populate_existing=True)
            k += 1
            trigger, who = NEXT[str(application.state)]
            actor = db.session.get(User, office_id if who == "office" else application.created_by_id)
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
            except Exception as exc:  # noqa: BLE001 - counted and shown: a deadlock or a bug, not a 409
                errors += 1
                first_error = first_error or repr(exc)[:300]
                db.session.rollback()
        finished = time.time()
        db.session.remove()
    results.put((index, done, conflicts, errors, first_error, finished))


def run(env, label, groups, seconds):
    ctx = mp.get_context("spawn")  # a fresh interpreter per client: no engine or connection inherited
    ready, results = ctx.Queue(), ctx.Queue()
    starts = [ctx.Queue() for _ in groups]
    procs = [
        ctx.Process(target=worker, args=(env, ids, ready, starts[i], results, i))
        for i, ids in enumerate(groups)
    ]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=120)  # every client has built its app and connected
    load_before = load_average()
    started = time.time()
    for q in starts:
        q.put(started + seconds)
    counts = [results.get(timeout=seconds + 120) for _ in procs]
    for p in procs:
        p.join(30)
    elapsed = max(c[5] for c in counts) - started
    done = sum(c[1] for c in counts)
    conflicts = sum(c[2] for c in counts)
    errors = sum(c[3] for c in counts)
    load_after = load_average()
    print(
        f"{label:22} {done / elapsed:8.1f} transitions/s  ({done} succeeded in {elapsed:.1f} s, "
        f"{conflicts} refused with 409, {errors} errors, {len(groups)} processes, "
        f"load {load_before:.2f} -> {load_after:.2f})",
        flush=True,
    )
    for c in counts:
        if c[4]:
            print(f"  process {c[0]}: first error {c[4]}")
    return done, errors


def files_in_screening(app, needed):
    from sqlalchemy import func, select

    from sandbox.extensions import db
    from sandbox.models import Application, AuditEvent
    from sandbox.states import ApplicationState

    with app.app_context():
        ids = list(
            db.session.scalars(
                select(Application.id)
                .where(Application.state == ApplicationState.screening)
                .order_by(Application.id)
                .limit(needed)
            )
        )
        snapshot = dict(db.session.execute(
            select(Application.id, Application.version).where(Application.id.in_(ids))).all())
        snapshot["seq"] = db.session.scalar(select(func.coalesce(func.max(AuditEvent.seq), 0)))
        db.session.remove()
    return ids, snapshot


def check(app, env, ids, before, expected_total):
    """No lost update: every success bumped the version once and wrote one event; the chain verifies."""
    from sqlalchemy import func, select

    from sandbox.extensions import db
    from sandbox.models import Application, AuditEvent

    with app.app_context():
        versions = dict(db.session.execute(
            select(Application.id, Application.version).where(Application.id.in_(ids))).all())
        bumps = sum(versions[i] - before[i] for i in ids)
        events = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.seq > before["seq"],
                AuditEvent.application_id.in_(ids),
                AuditEvent.action.in_(TRANSITION_ACTIONS),
            )
        )
        db.session.remove()
    verify = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "audit", "verify"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    verified = verify.returncode == 0
    print(
        f"check: versions bumped {bumps}, successes {expected_total}, transition events {events}; "
        f"flask audit verify: {'OK' if verified else 'FAILED'} "
        f"({(verify.stdout + verify.stderr).strip()[-200:]})"
    )
    return bumps == expected_total == events and verified


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--files-per-process", type=int, default=4)
    parser.add_argument("--database", help="database name (default: a fresh bench_fire_<pid>)")
    parser.add_argument("--reuse", action="store_true", help="use --database as it is and keep it afterwards")
    parser.add_argument("--template", help="copy this database (with its files) instead of generating them")
    args = parser.parse_args()
    name = args.database or f"bench_fire_{os.getpid()}"
    env = app_env(pg_url(name), Path(tempfile.mkdtemp(prefix="bench-fire-")) / "uploads")
    if not args.reuse:
        if args.template:
            subprocess.run(["createdb", *PG, "-T", args.template, name], check=True)
        else:
            createdb(name)
    try:
        print(f"nproc {os.cpu_count()}, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        if not args.reuse and not args.template:
            print(f"schema: {build_schema(env)}")
            flask(env, "demo-data", "--scale", "2000", timeout=1800)
        app = make_app(env)
        ids, before = files_in_screening(app, args.processes * args.files_per_process)
        groups = [ids[i :: args.processes] for i in range(args.processes)]
        total = errors = 0
        scenarios = (("(a) different files", groups), ("(b) the same file", [[ids[0]]] * args.processes))
        for label, scenario in scenarios:
            done, failed = run(env, label, scenario, args.seconds)
            total, errors = total + done, errors + failed
        ok = check(app, env, ids, before, total) and errors == 0
        print("no lost update" if ok else "LOST UPDATE OR ERRORS DETECTED")
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        sys.exit(0 if ok else 1)
    finally:
        if not args.reuse:
            dropdb(name)


if __name__ == "__main__":
    main()
