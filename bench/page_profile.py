"""Time and profile pages in-process, as a demo user, against the database DATABASE_URL names.

    DATABASE_URL=... .venv/bin/python bench/page_profile.py [--as EMAIL] [--repeat N] [--profile] PATH [PATH ...]

Prints, per page: status, bytes, median and best time over N requests, SQL statements and SQL time per request;
with --slow-sql MS, each statement slower than MS ms; with --profile, the 25 costliest functions of one more request (cumulative)."""
import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/sandbox_bench_100k")
os.environ.setdefault("RATELIMIT_ENABLED", "0")

from sqlalchemy import event  # noqa: E402

from sandbox import create_app  # noqa: E402
from sandbox.extensions import db  # noqa: E402


class StatementCounter:
    def __init__(self, engine, show_slower_than_ms=None):
        self.count, self.seconds, self._started = 0, 0.0, 0.0
        self.show_slower_than_ms = show_slower_than_ms
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, *args):
        self._started = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        elapsed = time.perf_counter() - self._started
        self.count += 1
        self.seconds += elapsed
        if self.show_slower_than_ms is not None and elapsed * 1000 >= self.show_slower_than_ms:
            print(f"  {elapsed * 1000:.1f} ms: {statement} {parameters}")

    def reset(self):
        self.count, self.seconds = 0, 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--as", dest="email", default="office@demo.kr", help="demo account (none: anonymous)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--slow-sql", type=float, metavar="MS", help="print statements slower than MS ms")
    args = parser.parse_args()

    app = create_app()
    app.config.update(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    client = app.test_client()
    if args.email != "none":
        response = client.post("/auth/login", data={"email": args.email, "password": "demo-password-1"})
        if response.status_code != 302:
            sys.exit(f"login as {args.email} failed: HTTP {response.status_code}")
    with app.app_context():
        counter = StatementCounter(db.engine, args.slow_sql)
    for path in args.paths:
        client.get(path)  # warm caches and the connection pool
        times, statements, sql = [], [], []
        for _ in range(args.repeat):
            counter.reset()
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            statements.append(counter.count)
            sql.append(counter.seconds * 1000)
        print(f"{path}: HTTP {response.status_code}, {len(response.data):,} bytes, "
              f"median {statistics.median(times):.1f} ms (best {min(times):.1f}), "
              f"{statistics.median(statements):.0f} statements, SQL {statistics.median(sql):.1f} ms")
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            client.get(path)
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
