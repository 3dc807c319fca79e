"""Load benchmark: the app on PostgreSQL holding generated data, served by gunicorn (2 workers) on
loopback, each page driven by wrk (bounded: -d, -c, -t) with the session cookie of a demo user of
the right role, against a bare Flask "hello" under the same gunicorn in the same run (the ceiling).

Each page is measured twice: saturated (wrk, 50 connections sending back to back: the throughput
figure and the ratio to the ceiling) and as 50 people (50 client threads, each pausing a random think
time between its requests, `--think`, as a person reading a page does: the latency figure). wrk's own
pacing (a Lua `delay`) is not used for the second: it opens the next connection before the pause, and
an idle connection holds a sync worker until it speaks, which measures the client, not the app.

    .venv/bin/python bench/load.py                      # fresh database, 100,000 files (~8 min to build)
    .venv/bin/python bench/load.py --scale 5000         # quicker
    .venv/bin/python bench/load.py --database NAME --reuse   # an already generated database
Targets: p95 <= 150 ms per page with 50 concurrent users; requests/s >= 30% of the ceiling."""

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (
    ROOT,
    USER_AGENT,
    Client,
    app_env,
    build_schema,
    createdb,
    dropdb,
    flask,
    load_average,  # noqa: E402
    pg_url,
    percentile,
    serving,
)

LUA = """done = function(summary, latency, requests)
  io.write(string.format("RESULT %f %f %f %f %d %d\\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.timeout + summary.errors.connect, summary.requests))
end
"""


def pages(env):
    """(label, role e-mail or None, path): the pages people use most, with ids from the data."""
    code = (
        "from sandbox import create_app\nfrom sandbox.extensions import db\nfrom sqlalchemy import text\n"
        "app=create_app()\nwith app.app_context():\n"
        "  z=db.session.execute(text(\"select zone_id from applications where state='screening' "
        'group by zone_id order by count(*) desc limit 1")).scalar()\n'
        '  a=db.session.execute(text("select application_id from audit_events where application_id is not null '
        'group by application_id order by count(*) desc limit 1")).scalar()\n  print(z, a)\n'
    )
    zone, application = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    return [
        ("office queue (screening, zone)", "office@demo.kr", f"/office/?state=screening&zone={zone}"),
        ("office queue (all)", "office@demo.kr", "/office/"),
        ("reviewer assignments", "reviewer1@demo.kr", "/review/"),
        ("file page + timeline", "office@demo.kr", f"/files/{application}"),
        ("auditor console (filter)", "auditor@demo.kr", "/audit/?action=application.submitted"),
        ("public zones + map", None, "/zones"),
        ("public map.geojson", None, "/zones/map.geojson"),
        ("public register", None, "/register"),
    ]


def wrk(url, cookie, seconds, connections, threads=2):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA)
    command = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--timeout",
        "10s",
        "-H",
        f"User-Agent: {USER_AGENT}",
        "-s",
        script.name,
        url,
    ]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60).stdout
    os.unlink(script.name)
    match = re.search(r"RESULT (\S+) (\S+) (\S+) (\S+) (\d+) (\d+)", out)
    rps, p50, p95, p99, errors, count = match.groups()
    return {
        "rps": float(rps),
        "p50": float(p50),
        "p95": float(p95),
        "p99": float(p99),
        "errors": int(errors),
        "requests": int(count),
    }


def paced_people(url, cookie, seconds, count, think):
    """`count` people, each pausing a random think time (low, high ms) before every request, for `seconds`."""
    latencies, failures, lock = [], [0], threading.Lock()
    deadline = time.monotonic() + seconds
    headers = {"User-Agent": USER_AGENT, **({"Cookie": cookie} if cookie else {})}

    def person(seed):
        rng = random.Random(seed)
        while True:
            time.sleep(rng.uniform(*think) / 1000)
            if time.monotonic() >= deadline:
                return
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as response:
                    response.read()
                    ok = response.status == 200
            except OSError:
                ok = False
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
                failures[0] += not ok

    people = [threading.Thread(target=person, args=(n,), daemon=True) for n in range(count)]
    for one in people:
        one.start()
    for one in people:
        one.join(seconds + 60)
    return {"rps": len(latencies) / seconds, "p50": percentile(latencies, 50), "p95": percentile(latencies, 95),
            "p99": percentile(latencies, 99), "errors": failures[0], "requests": len(latencies)}


def check_page(server, cookie, path):
    client = Client(server.url, timeout=120)
    status, body, _ = client.request(path, headers={"Cookie": cookie} if cookie else {})
    return status, len(body)


def measure_page(server, label, cookie, path, args, ceiling):
    try:
        status, size = check_page(server, cookie, path)
    except OSError as exc:  # a page slower than the client's timeout
        print(f"{label:34} no answer in 120 s ({exc}) — MISS, skipped")
        return None
    if status != 200:
        print(f"{label:34} HTTP {status} — skipped")
        return None
    wrk(server.url + path, cookie, 2, args.connections)  # warm-up
    r = wrk(server.url + path, cookie, args.duration, args.connections)
    people = paced_people(server.url + path, cookie, args.people_duration, args.connections, args.think)
    print(
        f"{label:34} {r['rps']:8.1f} {r['p50']:8.1f} {r['p95']:8.1f} {r['p99']:8.1f} {r['errors']:6d} "
        f"{r['rps'] / ceiling['rps']:6.2f} {'ok' if r['rps'] >= 0.3 * ceiling['rps'] else 'MISS':4} | "
        f"{people['rps']:6.1f} {people['p50']:7.1f} {people['p95']:7.1f} {people['p99']:7.1f} {people['errors']:4d} "
        f"{'ok' if people['p95'] <= 150 and not people['errors'] else 'MISS':4} "
        f"{load_average():5.2f} ({size // 1024} KB) {path}"
    )
    return {**r, "people": people}


def worker_options(args):
    # Sync workers by default, as deployed behind a buffering proxy; --threads N tries gthread workers.
    return ("--worker-class", "gthread", "--threads", str(args.threads)) if args.threads else ()


def measure(env, args):
    hello_env = {**os.environ}
    gunicorn = dict(workers=args.workers, extra=worker_options(args))
    with serving(hello_env, app="hello_app:app", cwd=ROOT / "bench", **gunicorn) as hello:
        wrk(hello.url + "/", None, 3, args.connections)  # warm-up
        ceiling = wrk(hello.url + "/", None, args.duration, args.connections)
    print(f"{'':34} {'saturated: ' + str(args.connections) + ' connections back to back':^58} | "
          f"{str(args.connections) + ' people, think ' + str(args.think[0]) + '-' + str(args.think[1]) + ' ms':^40}")
    print(
        f"{'page':34} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6} {'ratio':>6} {'≥0.3':4} | "
        f"{'req/s':>6} {'p50':>7} {'p95':>7} {'p99':>7} {'err':>4} {'≤150':4} {'load':>5}"
    )
    print(
        f"{'bare Flask hello (ceiling)':34} {ceiling['rps']:8.1f} {ceiling['p50']:8.1f} {ceiling['p95']:8.1f} "
        f"{ceiling['p99']:8.1f} {ceiling['errors']:6d} {1:6.2f}  {load_average():.2f}"
    )
    results, cookies = [], {}
    for label, email, path in pages(env):
        if args.only and not any(part in path for part in args.only):
            continue
        # A fresh server per page: requests queued by a slow page must not slow the next one down.
        # Sessions are signed cookies, so a cookie from one server is valid on the next.
        with serving(env, **gunicorn) as server:
            if email and email not in cookies:
                cookies[email] = Client(server.url, timeout=120).login(email).cookie_header()
            result = measure_page(server, label, cookies.get(email), path, args, ceiling)
        if result:
            results.append((label, result))
    return ceiling, results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--database", help="database name (default: a fresh bench_load_<pid>)")
    parser.add_argument("--reuse", action="store_true", help="the database is already built")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--uploads", help="UPLOAD_DIR (default: a temporary directory)")
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--only", nargs="*", metavar="PATH_PART", help="measure only pages whose path contains one")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=0, help="threads per gthread worker (default 0: sync workers)")
    parser.add_argument("--people-duration", type=int, default=20, help="seconds of the paced run per page")
    parser.add_argument("--think", type=lambda v: tuple(int(x) for x in v.split("-")), default=(1000, 5000),
                        metavar="LOW-HIGH", help="a person's pause between requests, in ms (default 1000-5000)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    name = args.database or f"bench_load_{os.getpid()}"
    uploads = Path(args.uploads or tempfile.mkdtemp(prefix="bench-load-")) / "uploads"
    env = app_env(pg_url(name), uploads)
    print(f"nproc {os.cpu_count()}, load average {load_average():.2f}, database {name}, {args.scale:,} files; "
          f"gunicorn -w {args.workers} " + " ".join(worker_options(args) or ("(sync workers)",)))
    try:
        if not args.reuse:
            createdb(name)
            print(f"schema: {build_schema(env)}")
            started = time.perf_counter()
            flask(env, "demo-data", "--scale", str(args.scale), timeout=3600)
            print(f"generated in {time.perf_counter() - started:.0f} s")
        measure(env, args)
    finally:
        if not args.keep and not args.reuse:
            dropdb(name)


if __name__ == "__main__":
    main()
