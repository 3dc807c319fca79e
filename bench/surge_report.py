"""The deadline surge's printed figures: outcomes and latencies per request kind (`summarize`, shared
with the kill -9 drill), arrivals and latency per minute of the window (`arrival_report`), and the three
targets (`report_targets`)."""

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import percentile  # noqa: E402
from surge_client import REQUEST_KINDS  # noqa: E402

MINUTE = 60.0


def _ms(seconds):
    return f"{seconds * 1000:.0f} ms"


def summarize(stats, applicants):
    outcomes = Counter(a.outcome for a in applicants)
    elapsed = (max(t for _, _, t in stats.acked) - stats.started) if stats.acked else float("nan")
    lines = [f"applicants {len(applicants)}: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())),
             f"submissions/s {len(stats.acked) / elapsed:.2f} ({len(stats.acked)} acknowledged in {elapsed:.1f} s)"]
    for kind in REQUEST_KINDS + ("submission", "flow"):
        values = stats.latency[kind]
        if values:
            lines.append(f"  {kind:15s} n={len(values):5d}  p50 {percentile(values, 50) * 1000:8.0f} ms  "
                         f"p95 {percentile(values, 95) * 1000:8.0f} ms  p99 {percentile(values, 99) * 1000:8.0f} ms  "
                         f"max {max(values) * 1000:8.0f} ms")
    lines.append(f"5xx: {len(stats.server_errors)}   connection errors: {dict(stats.connection_errors) or 0}")
    if stats.connection_errors:
        lines.append(f"after a lost answer: {stats.uploads_found_on_retry} uploads found already saved on retry "
                     f"(not sent again), {outcomes.get('landed_unacked', 0)} submissions found already done")
    failures = Counter(a.detail for a in applicants if a.outcome == "failed")
    for detail, n in failures.most_common(5):
        lines.append(f"  failed x{n}: {detail}")
    return "\n".join(lines)


def bin_width(mode, window):
    """Arrivals are counted per minute; a window shorter than ten minutes is cut in tenths instead, so
    that a quick run still shows the ramp's shape and its peak."""
    return MINUTE if mode == "burst" else min(MINUTE, window / 10)


def _bin(applicant, width):
    return int(applicant.arrival // width)


def busiest_bin(applicants, width):
    """(first second of the `width`-second bin with the most arrivals, its arrivals, p95 of their
    submissions); bins are counted from the start of the surge, a tie goes to the later bin."""
    per_bin = Counter(_bin(a, width) for a in applicants if a.arrival is not None)
    if not per_bin:
        return 0.0, 0, float("nan")
    busiest, count = max(per_bin.items(), key=lambda item: (item[1], item[0]))
    submissions = [a.submission_seconds for a in applicants
                   if a.arrival is not None and _bin(a, width) == busiest and a.submission_seconds is not None]
    return busiest * width, count, percentile(submissions, 95)


def _bin_name(start, width):
    return f"{'minute' if width == MINUTE else f'{width:g} s'} [{start:.0f}, {start + width:.0f}) s"


def arrival_report(stats, applicants, mode, window, max_clients):
    """Achieved arrival rate and peak, waits for the client cap, and submission latency by arrival time."""
    arrivals = sorted(a.arrival for a in applicants if a.arrival is not None)
    if not arrivals:
        return "arrivals: none"
    width = bin_width(mode, window)
    # Open loop: the rate over the window it was meant to fill; closed loop: over the time the clients
    # took to start everyone (as fast as the server let them).
    span = window if mode != "burst" else max(arrivals[-1], 1e-9)
    start, peak, _ = busiest_bin(applicants, width)
    mean = len(arrivals) / span
    # The last bin of a closed-loop run may be cut short by the end of the arrivals.
    peak_rate = peak / max(1e-9, min(width, span - start) if mode == "burst" else width)
    lines = [f"arrivals: {len(arrivals)} in {span:.1f} s: mean {mean:.2f}/s ({mean * MINUTE:.0f}/min); "
             f"peak: busiest {_bin_name(start, width)} {peak} arrivals = {peak_rate:.2f}/s "
             f"({peak_rate * MINUTE:.0f}/min, {peak_rate / mean:.2f} x mean)"]
    if mode != "burst":
        lines.append(f"client cap {max_clients}: {stats.arrivals_waited_for_cap} arrivals waited for a free client, "
                     f"at most {stats.peak_live_clients} live at once, arrivals started at most "
                     f"{_ms(stats.max_arrival_lateness)} behind schedule")
    lines.append("  arrived          arrivals  acked  submission p50   p95      p99      flow p95")
    for index in range(int(arrivals[-1] // width) + 1):
        group = [a for a in applicants if a.arrival is not None and _bin(a, width) == index]
        submissions = [a.submission_seconds for a in group if a.submission_seconds is not None]
        flows = [a.acked_at - a.began for a in group if a.acked_at is not None]
        lines.append(f"  [{index * width:4.0f}, {(index + 1) * width:4.0f}) s  {len(group):8d}  {len(submissions):5d}  "
                     f"{percentile(submissions, 50) * 1000:10.0f} ms "
                     f"{percentile(submissions, 95) * 1000:6.0f} ms {percentile(submissions, 99) * 1000:6.0f} ms "
                     f"{percentile(flows, 95) * 1000:8.0f} ms")
    return "\n".join(lines)


def report_targets(stats, applicants, problems, width=MINUTE):
    submission = stats.latency["submission"]
    p95 = percentile(submission, 95) if submission else float("nan")
    start, _, busiest_p95 = busiest_bin(applicants, width)
    acked = sum(a.outcome == "acked" for a in applicants)
    print("targets:")
    print(f"  no acknowledged submission lost or half-saved: {'MET' if not problems else 'NOT MET'}"
          f" ({acked} acknowledged, {len(problems)} problems)")
    for problem in problems[:20]:
        print(f"    - {problem}")
    print(f"  no 5xx: {'MET' if not stats.server_errors else 'NOT MET'} ({len(stats.server_errors)})")
    # `p95 < 1` is False for NaN: no submission at all does not meet the target.
    print(f"  p95 of a submission (upload + submit) < 1 s: {'MET' if p95 < 1 else 'NOT MET'} ({_ms(p95)}; "
          f"in the busiest {_bin_name(start, width)}: {_ms(busiest_p95)})")
