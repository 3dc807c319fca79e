"""The demo auditor searches the log, downloads it as CSV and as JSON Lines, and the downloads verify
offline with `python -m sandbox.audit.verify`; on a file page the auditor can read but not act."""
import re
import subprocess
import sys
import zipfile
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]


def _verify_offline(path, *extra):
    return subprocess.run([sys.executable, "-m", "sandbox.audit.verify", str(path), *extra], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def _download(page, selector, tmp_path):
    with page.expect_download() as info:
        page.locator(selector).click()
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    return target


def test_auditor_filters_downloads_and_verifies_the_log(page, log_in, tmp_path):
    log_in("auditor@demo.kr")
    page.goto("/audit/")
    expect(page.locator("main h1")).to_be_visible()
    page.locator("input[name=action]").fill("application.submitted")
    page.locator("form[role=search] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"action=application\.submitted"))
    actions = page.locator("main table tbody code")
    expect(actions.first).to_have_text("application.submitted")
    assert set(actions.all_inner_texts()) == {"application.submitted"}

    csv_file = _download(page, "a[href*='/audit/export.csv']", tmp_path)
    jsonl_file = _download(page, "a[href*='/audit/export.jsonl']", tmp_path)
    assert csv_file.name.startswith("audit-filtered-") and jsonl_file.suffix == ".jsonl"
    assert csv_file.read_text(encoding="utf-8").count("application.submitted") >= 1
    for exported in (csv_file, jsonl_file):
        result = _verify_offline(exported, "--filtered")
        assert result.returncode == 0, result.stderr

    # The whole log, unfiltered, verifies as one chain from the first event.
    page.goto("/audit/")
    full = _download(page, "a[href*='/audit/export.jsonl']", tmp_path)
    result = _verify_offline(full)
    assert result.returncode == 0, result.stderr

    # Both downloads are on record in the log itself.
    page.goto("/audit/?action=audit.exported")
    expect(page.locator("main table tbody tr")).to_have_count(3)


def test_auditor_verifies_a_year_of_the_log_with_the_downloaded_verifier(page, log_in, tmp_path):
    """A year of the log as CSV and JSON Lines, checked on "another computer": the verifier downloaded from
    the console, unpacked in an empty folder, run by an isolated Python without this application."""
    log_in("auditor@demo.kr")
    page.goto("/audit/")
    today = date.today()
    page.locator("input[name=date_from]").fill((today - timedelta(days=365)).isoformat())
    page.locator("input[name=date_to]").fill(today.isoformat())
    page.locator("form[role=search] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"date_from="))
    year = [_download(page, f"a[href*='/audit/export.{fmt}']", tmp_path) for fmt in ("csv", "jsonl")]
    with zipfile.ZipFile(_download(page, "a[href$='/audit/verifier.zip']", tmp_path)) as archive:
        archive.extractall(tmp_path / "elsewhere")
    verifier = tmp_path / "elsewhere" / "sandbox-audit-verifier" / "verify.py"
    for exported in year:
        result = subprocess.run([sys.executable, "-I", str(verifier), str(exported), "--filtered"],
                                cwd=tmp_path / "elsewhere", capture_output=True, text=True, timeout=60)
        assert result.returncode == 0 and "events verified" in result.stdout, result.stderr


def test_auditor_reads_a_file_but_sees_no_buttons_to_change_it(page, log_in):
    log_in("auditor@demo.kr")
    page.goto("/audit/?action=application.submitted")
    page.locator("main table tbody a[href^='/files/']").first.click()
    expect(page).to_have_url(re.compile(r"/files/\d+$"))
    expect(page.locator("#timeline-heading")).to_be_visible()
    expect(page.locator("main form.app-action-form")).to_have_count(0)
    expect(page.locator("main a[href*='/edit']")).to_have_count(0)
    expect(page.locator("main form[method=post]")).to_have_count(0)
