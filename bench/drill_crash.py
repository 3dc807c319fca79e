"""The kill -9 drill: a smaller surge (60 applicants, 1 MB PDFs, 6 closed-loop clients, gunicorn -w 2
on loopback) during which one gunicorn worker is killed with SIGKILL, later the whole server (master and
workers), which is then restarted on the same database and port; clients retry what did not get an
answer. Afterwards every submission acknowledged before the crash must be there, in state submitted,
with its document; nothing half-saved; the audit chain verifies (the surge's after-check).

Run by tests/scale/test_drill_crash.py and by `.venv/bin/python bench/surge.py --drill`. Everything
stays on 127.0.0.1, every loop is bounded in count and time.
"""

import os
import signal
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Server, free_port  # noqa: E402
from surge_check import Scratch, after_check, prepare  # noqa: E402
from surge_client import Stats, Target, make_applicants, run_closed_loop  # noqa: E402
from surge_report import summarize  # noqa: E402


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
        runner = threading.Thread(target=run_closed_loop, daemon=True, kwargs=dict(
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
                "applicants": applicants, "runner_alive": runner.is_alive(), "worker_kill": worker_kill,
                "server_kill": server_kill}
    finally:
        if own:
            scratch.close()
