"""Deadline surge: N applicants, each with a complete draft, log in through the real login form, upload
a PDF through the real upload form and press the real submit button, against gunicorn (2 sync workers)
on loopback and a fresh scratch PostgreSQL database. Then the after-check: every acknowledged submission
is in the database in state `submitted` with its document, whose file on disk has the SHA-256 the client
computed; nothing is half-saved; `flask audit verify` passes.

    .venv/bin/python bench/surge.py                          # 1,000 x 5 MB arriving over 600 s, rising to the deadline
    .venv/bin/python bench/surge.py --arrivals uniform       # the same 1,000, evenly spread
    .venv/bin/python bench/surge.py --arrivals burst         # all at once through 20 clients (saturation)
    .venv/bin/python bench/surge.py --applicants 60 --size-mb 1 --window 30    # quick
    .venv/bin/python bench/surge.py --drill                  # kill -9 drill (60 x 1 MB), as the CI test

Arrivals (open loop, the default): real applicants arrive over the window whatever the server's speed,
more of them as the deadline nears. `ramp`: the arrival rate rises linearly from zero to twice the mean
at the deadline (seeded, so repeatable); `uniform`: one every window/N seconds. Each applicant is served
in its own thread from its arrival, at most --max-clients at once. `burst` (closed loop): --concurrency
clients take applicants one after the other as fast as the server allows: the saturation figure.

Targets: no acknowledged submission lost or half-saved, no 5xx, p95 of a submission (upload + submit) < 1 s.

Modules: surge_client (the applicants' HTTP flow and arrival scheduling), surge_check (preparation and
after-check in the app, scratch database), surge_report (figures and targets), drill_crash (kill -9 drill).
"""

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Server, load_average  # noqa: E402
from drill_crash import drill  # noqa: E402,F401  (re-exported: `from surge import drill` keeps working)
from surge_check import Scratch, after_check, prepare  # noqa: E402
from surge_client import (  # noqa: E402
    ARRIVAL_MODES,
    Target,
    arrival_offsets,
    make_applicants,
    run_closed_loop,
    run_open_loop,
)
from surge_report import arrival_report, bin_width, report_targets, summarize  # noqa: E402

# How long past the window an open-loop arrival may still be started (after waiting for the client cap).
OPEN_LOOP_GRACE = 60
# Closed loop: no applicant is started after this many seconds (the old default, under 10 minutes).
BURST_MAX_SECONDS = 540


def run_surge(args, target, applicants):
    if args.arrivals == "burst":
        return run_closed_loop(target, applicants, args.concurrency, args.max_seconds, retries=args.retries)
    offsets = arrival_offsets(len(applicants), args.window, args.arrivals, seed=args.seed)
    return run_open_loop(target, applicants, offsets, args.max_clients, args.max_seconds, retries=args.retries)


def describe(args):
    if args.arrivals == "burst":
        return f"burst (closed loop): {args.concurrency} clients, as fast as the server allows"
    return (f"{args.arrivals} (open loop): arrivals over a {args.window:g} s window (seed {args.seed}), "
            f"one thread per applicant, at most {args.max_clients} live")


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
            print(f"surge: {len(applicants)} applicants x {args.size_mb:g} MB, mode {describe(args)}; "
                  f"gunicorn -w {args.workers} at {server.url}, load average {os.getloadavg()[0]:.2f}", flush=True)
            stats = run_surge(args, Target(server.url), applicants)
            load_after = os.getloadavg()
        finally:
            server.stop()
        window = f"{args.window:g} s" if args.arrivals != "burst" else "none (closed loop)"
        print(f"mode: {args.arrivals}; window: {window}")
        print(arrival_report(stats, applicants, args.arrivals, args.window, args.max_clients))
        print(summarize(stats, applicants))
        print(f"surge wall time {stats.finished - stats.started:.1f} s, load average at the end {load_after}")
        began = time.monotonic()
        problems, counts, verify = after_check(scratch.env, applicants)
        verdict = "OK" if not problems else f"{len(problems)} problems"
        print(f"after-check ({time.monotonic() - began:.1f} s): {verdict}; states {dict(counts)}")
        print(f"flask audit verify: {verify}")
        report_targets(stats, applicants, problems, bin_width(args.arrivals, args.window))
        print(f"load average now {os.getloadavg()}")
        return 0 if not problems and not stats.server_errors else 1
    finally:
        scratch.close()


def run_drill(args):
    scratch = Scratch(args.database or f"drill_{uuid.uuid4().hex[:8]}",
                      Path(args.dir or tempfile.mkdtemp(prefix="drill-")), keep=args.keep)
    try:
        # The drill's own sizes unless asked otherwise: 60 x 1 MB with at most 6 clients.
        result = drill(min(args.applicants, 60) if args.applicants == 1000 else args.applicants,
                       args.size_mb if args.size_mb != 5 else 1, min(args.concurrency, 6), scratch=scratch)
    finally:
        scratch.close()
    return 1 if result["problems"] or result["never_submitted"] else 0


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applicants", type=int, default=1000)
    parser.add_argument("--size-mb", type=float, default=5)
    parser.add_argument("--arrivals", choices=ARRIVAL_MODES, default="ramp",
                        help="ramp/uniform: open loop over --window; burst: closed loop with --concurrency clients")
    parser.add_argument("--window", type=float, default=600, help="seconds over which the applicants arrive")
    parser.add_argument("--seed", type=int, default=1, help="seed of the ramp's arrival times")
    parser.add_argument("--max-clients", type=int, default=200, help="open loop: most applicants served at once")
    parser.add_argument("--concurrency", type=int, default=20, help="burst: number of client threads")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-seconds", type=float,
                        help=f"no applicant is started after this many seconds of surge (default: window + "
                             f"{OPEN_LOOP_GRACE} open loop, {BURST_MAX_SECONDS} burst)")
    parser.add_argument("--retries", type=int, default=0, help="retries per applicant after a connection error")
    parser.add_argument("--database", help="name of the scratch database to create (default: surge_<random>)")
    parser.add_argument("--dir", help="scratch directory for uploads and logs (default: a new temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the database and the uploads afterwards")
    parser.add_argument("--drill", action="store_true", help="run the kill -9 drill instead (60 x 1 MB)")
    args = parser.parse_args(argv)
    if args.window <= 0 or args.max_clients < 1 or args.concurrency < 1 or args.applicants < 1:
        parser.error("--window, --max-clients, --concurrency and --applicants must be positive")
    if args.max_seconds is None:
        args.max_seconds = BURST_MAX_SECONDS if args.arrivals == "burst" else args.window + OPEN_LOOP_GRACE
    return args


def main(argv=None):
    args = parse_args(argv)
    return run_drill(args) if args.drill else run_benchmark(args)


if __name__ == "__main__":
    sys.exit(main())
