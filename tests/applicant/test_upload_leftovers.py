"""A worker killed (kill -9) while saving an upload leaves its half-written temp file behind under
UPLOAD_DIR, with no row referring to it (found by the kill -9 drill, tests/scale/test_drill_crash.py).
The next upload removes such leftovers once they are clearly dead, and never a live upload's."""
import os
import time
from pathlib import Path

from sandbox.extensions import db
from sandbox.models import Document
from sandbox.services import documents

from .test_documents import PDF, upload


def _temp_file(directory, name, age_seconds):
    path = Path(directory) / name
    path.write_bytes(b"%PDF-1.4\nhalf written")
    then = time.time() - age_seconds
    os.utime(path, (then, then))
    return path


def test_an_upload_removes_the_temp_files_of_killed_uploads_but_not_live_ones(app, client, empty_draft):
    store = Path(app.config["UPLOAD_DIR"])
    store.mkdir(parents=True, exist_ok=True)
    dead = _temp_file(store, ".upload-killed", documents.STALE_TEMP_SECONDS + 60)
    live = _temp_file(store, ".upload-in-progress", 5)
    kept = _temp_file(store, "not-a-temp-file", documents.STALE_TEMP_SECONDS + 60)
    try:
        assert upload(client, empty_draft, PDF, "plan.pdf").status_code == 303
        assert not dead.exists()
        assert live.exists() and kept.exists()
        assert db.session.scalar(db.select(Document)).original_name == "plan.pdf"
        assert not [p for p in store.iterdir() if p.name.startswith(".upload-") and p != live]
    finally:
        for path in (dead, live, kept):
            path.unlink(missing_ok=True)


def test_a_leftover_removed_by_another_worker_meanwhile_is_no_error(tmp_path, monkeypatch):
    dead = _temp_file(tmp_path, ".upload-gone", documents.STALE_TEMP_SECONDS + 60)
    real_unlink = os.unlink

    def raced(path, *args, **kwargs):
        real_unlink(path)  # the other worker wins the race ...
        return real_unlink(path, *args, **kwargs)  # ... and ours finds nothing

    monkeypatch.setattr(documents.os, "unlink", raced)
    documents.remove_stale_temp_files(tmp_path)
    assert not dead.exists()
