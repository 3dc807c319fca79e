"""Benchmark: build N audit events with a valid chain, then measure the export rate (CSV and JSON
Lines, through the app's own export code), its peak memory, the offline verification rate, and the
rate of a raw dump of the same table (`sqlite3 -csv`, or `psql \\copy` on PostgreSQL).

    .venv/bin/python bench/audit_export.py [--events 1000000] [--database-url URL] [--keep DIR]
    .venv/bin/python bench/audit_export.py --events 1000000 --keep DIR --reuse    (measure again)

Without --database-url a fresh SQLite file is made in a temporary directory. A given database must
have an empty audit table (the benchmark fills it). Export and verification each run in a child
process so the peak RSS (VmHWM) is theirs alone. Each runs twice: in one process (--jobs 1) and with
the default number of processes (one per CPU; the RSS shown is the parent's, then the largest
helper's, then the peak PSS of all of them together, sampled every 0.1 s). The SHA-256 of each export
shows both ways wrote the same bytes."""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ACTIONS = ["application.submitted", "application.screening_started", "document.downloaded", "user.logged_in",
           "review.submitted", "vote.changed", "document.uploaded", "application.approved_with_conditions"]
STATES = ["", "submitted", "screening", "under_review", "committee", "approved"]
REASONS = ["", "서류 보완 필요 / documents incomplete", "Safety plan accepted after the site visit.",
           "위원회 심의 결과 조건부 승인", "The operator asked for more time."]


def make_app(url):
    from sandbox import create_app
    from sandbox.config import Config
    return create_app({**{k: getattr(Config, k) for k in dir(Config) if k.isupper()},
                       "SQLALCHEMY_DATABASE_URI": url})


def peak_rss_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def synthetic_event(seq, when, rng):
    """Fields as record() would produce them for a busy office."""
    action = ACTIONS[seq % len(ACTIONS)]
    actor = rng.randrange(1, 400)
    reason = REASONS[seq % len(REASONS)]
    data = {"reason": reason, "version": seq % 7} if reason else {}
    return {
        "seq": seq, "occurred_at": when, "actor_id": actor, "actor_name": f"officer{actor}@city.go.kr",
        "actor_role": "secretariat", "ip": f"10.{seq % 250}.{actor % 250}.{seq % 200 + 1}", "action": action,
        "subject_type": "application", "subject_id": str(seq % 5000 + 1), "application_id": seq % 5000 + 1,
        "zone_id": seq % 12 + 1, "from_state": STATES[seq % 6], "to_state": STATES[(seq + 1) % 6],
        "data": data,
    }


def build(n, batch=20_000):
    """Insert n chained events in batches with the chain's own hashing (not record(): too slow for 1M)."""
    from sqlalchemy import func, insert, select

    from sandbox.audit.chain import GENESIS, event_hash, format_time
    from sandbox.extensions import db
    from sandbox.models import AuditEvent, AuditHead

    db.create_all()
    if db.session.scalar(select(func.count()).select_from(AuditEvent)):
        sys.exit("the audit table is not empty; give an empty database")
    rng = random.Random(7)
    prev_hash = GENESIS
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    table = AuditEvent.__table__
    for first in range(1, n + 1, batch):
        rows = []
        for seq in range(first, min(first + batch, n + 1)):
            when = start + timedelta(seconds=seq * 31.5, microseconds=rng.randrange(1_000_000))
            fields = synthetic_event(seq, when, rng)
            fields["prev_hash"] = prev_hash
            prev_hash = event_hash({**fields, "occurred_at": format_time(when)})
            rows.append({**fields, "hash": prev_hash})
        db.session.execute(insert(table), rows)
        db.session.commit()
    db.session.add(AuditHead(id=1, seq=n, hash=prev_hash))
    db.session.commit()


def child_export(fmt, out, jobs):
    """As `flask audit export` does it: the app's export_to into a UTF-8 file."""
    import resource

    from sandbox.audit.export import export_to
    from sandbox.audit.filters import AuditFilter
    started = time.perf_counter()
    with open(out, "w", newline="", encoding="utf-8") as stream:
        count = export_to(stream, fmt, AuditFilter(), jobs=jobs)
    helpers_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest helper's peak
    return {"count": count, "seconds": time.perf_counter() - started, "jobs": jobs, "workers_mb": helpers_mb}


def child_verify(path, jobs=None):
    from sandbox.audit.verify import default_jobs, verify_file
    jobs = default_jobs() if jobs is None else jobs
    started = time.perf_counter()
    report = verify_file(path, jobs=jobs)
    import resource
    workers_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest worker's peak
    return {"report": report, "seconds": time.perf_counter() - started, "jobs": jobs, "workers_mb": workers_mb}


def _sha256(path):
    import hashlib
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def run_child(args, url):
    """Run one measurement in a child process; while it runs, sample the proportional set size (PSS) of
    the child and its own children every 0.1 s: what they hold together, shared pages counted once."""
    command = [sys.executable, __file__, "--database-url", url, "--child", *args]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(command, stdout=out, stderr=err, text=True)
        peak_pss = 0
        while child.poll() is None:
            peak_pss = max(peak_pss, sum(_pss_kb(pid) for pid in _process_tree(child.pid)))
            time.sleep(0.1)
        out.seek(0)
        err.seek(0)
        if child.returncode:
            sys.exit(f"{' '.join(args)} failed:\n{err.read()}")
        result = json.loads(out.read().strip().splitlines()[-1])
    result["peak_pss_mb"] = peak_pss / 1024
    return result


def _process_tree(pid):
    pids = [pid]
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            for child in children.read().split():
                pids += _process_tree(int(child))
    except OSError:
        pass
    return pids


def _pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def raw_dump(url, out):
    """The database's own CSV dump of the table, oldest first: the yardstick."""
    query = "SELECT * FROM audit_events ORDER BY seq"
    started = time.perf_counter()
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        if shutil.which("sqlite3"):
            with open(out, "w") as handle:
                subprocess.run(["sqlite3", "-csv", "-header", path, query], stdout=handle, check=True)
            tool = "sqlite3 -csv"
        else:
            import csv
            import sqlite3
            with sqlite3.connect(path) as conn, open(out, "w", newline="") as handle:
                csv.writer(handle).writerows(conn.execute(query))
            tool = "python sqlite3 + csv"
    else:
        from sqlalchemy.engine import make_url
        u = make_url(url)
        env = {**os.environ, "PGPASSWORD": u.password or ""}
        subprocess.run(["psql", "-h", u.host or "127.0.0.1", "-p", str(u.port or 5432),
                        "-U", u.username or "postgres", "-d", u.database, "-q",
                        "-c", f"\\copy ({query}) TO '{out}' CSV HEADER"], env=env, check=True)
        tool = "psql \\copy"
    return tool, time.perf_counter() - started


def report(n, url, workdir):
    print(f"events: {n:,}   database: {url.split('@')[-1]}   nproc: {os.cpu_count()}")
    raw_tool, raw_seconds = raw_dump(url, workdir / "raw.csv")
    raw_rate = n / raw_seconds
    print(f"raw dump ({raw_tool}): {raw_rate:,.0f} events/s ({raw_seconds:.2f} s)")
    from sandbox.audit.verify import default_jobs
    for fmt in ("csv", "jsonl"):
        out = workdir / f"export.{fmt}"
        for jobs in (1, default_jobs()) if default_jobs() > 1 else (1,):  # the default (one per CPU) last
            export = run_child(["export", fmt, str(out), str(jobs)], url)
            rate = export["count"] / export["seconds"]
            print(f"export {fmt} (--jobs {jobs}): {rate:,.0f} events/s ({export['seconds']:.2f} s), "
                  f"peak RSS {export['peak_rss_mb']:.0f} MB"
                  + (f" (largest helper {export['workers_mb']:.0f} MB, PSS of both "
                     f"{export['peak_pss_mb']:.0f} MB)" if export["workers_mb"] else "")
                  + f", {out.stat().st_size / 1e6:,.0f} MB, sha256 {_sha256(out)[:16]}")
            print(f"export/raw = {rate / raw_rate:.2f}  ({fmt}, --jobs {jobs})")
        for jobs in (None, 1):  # the default (one worker per CPU), then a single process
            verified = run_child(["verify", str(out)] + ([str(jobs)] if jobs else []), url)
            print(f"verify {fmt} (--jobs {verified['jobs']}): {n / verified['seconds']:,.0f} events/s "
                  f"({verified['seconds']:.2f} s), peak RSS {verified['peak_rss_mb']:.0f} MB"
                  + (f" (largest worker {verified['workers_mb']:.0f} MB)" if verified["workers_mb"] else ""))
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--database-url")
    parser.add_argument("--keep", help="directory for the database and exports (kept afterwards)")
    parser.add_argument("--reuse", action="store_true",
                        help="measure an already built database (from --keep DIR or --database-url)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return _child(args)
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="audit-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite'}"
    if not args.reuse:
        started = time.perf_counter()
        with make_app(url).app_context():
            build(args.events)
        print(f"built {args.events:,} chained events in {time.perf_counter() - started:.1f} s")
    try:
        report(args.events, url, workdir)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def _child(args):
    kind, *rest = args.child
    if kind == "verify":
        result = child_verify(rest[0], int(rest[1]) if len(rest) > 1 else None)
    else:
        with make_app(args.database_url).app_context():
            result = child_export(rest[0], rest[1], int(rest[2]))
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
