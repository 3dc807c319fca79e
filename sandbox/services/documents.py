"""Documents: stored outside static/ under their SHA-256, type checked from the content itself,
every upload and every download audited in the same transaction."""
import hashlib
import os
import re
import tempfile
import time
import unicodedata
from pathlib import Path

import filetype
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from .. import policy
from ..audit.record import record
from ..errors import StaleObject, ValidationFailed
from ..extensions import db
from ..models import Document
from ..transaction import atomic, lock_for_write

ALLOWED_TYPES = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"}
# The extensions a name may keep for each type; the first is the one given when the name has another.
EXTENSIONS = {"application/pdf": (".pdf",), "image/png": (".png",), "image/jpeg": (".jpg", ".jpeg"),
              "image/webp": (".webp",)}
MAX_NAME_CHARS = 255  # documents.original_name
MAX_NAME_BYTES = 255  # one name on most file systems, where the browser saves the download
_EXTENSION_LIKE = re.compile(r"\.[A-Za-z0-9]{1,5}$")
CHUNK = 1024 * 1024
TEMP_PREFIX = ".upload-"
# A temp file untouched for this long belongs to an upload whose process died (kill -9, crash, power
# cut) before moving it into place; a live upload writes its temp file within seconds.
STALE_TEMP_SECONDS = 3600


def _store_dir():
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_for(sha256):
    return _store_dir() / sha256[:2] / sha256


def stored_name(raw, media_type):
    """The name a document is stored and served under: the browser's name without folders or control and
    format characters (an RTL override could disguise the extension), its extension replaced by the one
    its content calls for, cut to fit the column and a file system's name limit with the extension kept."""
    name = "".join(ch for ch in unicodedata.normalize("NFC", raw or "")
                   if not unicodedata.category(ch).startswith("C"))
    name = re.split(r"[\\/]", name)[-1].strip()
    allowed = EXTENSIONS.get(media_type, (".bin",))
    found = _EXTENSION_LIKE.search(name)
    stem, extension = (name[:found.start()], found.group()) if found else (name, "")
    if extension.lower() not in allowed:
        extension = allowed[0]
    stem = stem[:MAX_NAME_CHARS - len(extension)]
    # Cut the UTF-8 at the byte budget and drop a character split by the cut (NFC keeps Korean
    # syllables whole, one code point each). Leading dots would hide the saved file on Unix; Windows
    # drops trailing dots and spaces.
    budget = MAX_NAME_BYTES - len(extension.encode("utf-8"))
    stem = stem.encode("utf-8")[:budget].decode("utf-8", "ignore").strip(" .")
    return (stem or "document") + extension


def download_name(document):
    """Rows stored before names followed the content are served under the safe name too."""
    return stored_name(document.original_name, document.media_type)


def remove_stale_temp_files(directory, now=None):
    """Delete the temp files that uploads killed mid-write left behind (no row refers to them)."""
    cutoff = (now or time.time()) - STALE_TEMP_SECONDS
    with os.scandir(directory) as entries:
        for entry in entries:
            if not entry.name.startswith(TEMP_PREFIX):
                continue
            try:
                if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < cutoff:
                    os.unlink(entry.path)
            except FileNotFoundError:  # another worker removed it first
                pass


def _save_stream(stream):
    """Copy to a temporary file while hashing; move into place under the hash (same content, one file)."""
    digest = hashlib.sha256()
    size = 0
    remove_stale_temp_files(_store_dir())
    tmp = tempfile.NamedTemporaryFile(dir=_store_dir(), delete=False, prefix=TEMP_PREFIX)
    try:
        with tmp:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                tmp.write(chunk)
            tmp.flush()
            os.fsync(tmp.fileno())  # on disk before a row can refer to it (a power cut, not only a crash)
        return tmp.name, digest.hexdigest(), size
    except BaseException:
        os.unlink(tmp.name)
        raise


def _fsync_directory(path):
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def store_upload(file_storage):
    """Check an uploaded file's type from its content and store it under its hash, before any row
    names it. Returns (sha256, size, media_type); ValidationFailed for a wrong type or an empty file."""
    head = file_storage.stream.read(8192)
    file_storage.stream.seek(0)
    kind_guess = filetype.guess(head)
    media_type = kind_guess.mime if kind_guess else None
    if media_type not in ALLOWED_TYPES:
        raise ValidationFailed(_("Only PDF, PNG, JPEG and WebP files are accepted; this file's content is not one of them."))
    tmp_name, sha256, size = _save_stream(file_storage.stream)
    if size == 0:
        os.unlink(tmp_name)
        raise ValidationFailed(_("The file is empty."))
    target = path_for(sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp_name, target)
    _fsync_directory(target.parent)  # the rename too, before the row that names the file commits
    return sha256, size, media_type


def upload_document(user, application, file_storage, kind):
    policy.ensure(user, "document.upload", application)
    sha256, size, media_type = store_upload(file_storage)
    name = stored_name(file_storage.filename, media_type)
    with atomic():
        document = Document(application=application, kind=kind, original_name=name, sha256=sha256, size=size,
                            media_type=media_type, uploaded_by=user)
        db.session.add(document)
        db.session.flush()
        record("document.uploaded", document, application=application, actor=user,
               data={"name": name, "sha256": sha256, "size": size, "media_type": media_type, "kind": str(kind)})
    return document


def open_for_download(user, document):
    """Audit the access, then hand back the path; the caller streams it."""
    policy.ensure(user, "document.download", document)
    with atomic():
        record("document.downloaded", document, application=document.application, actor=user,
               data={"name": document.original_name, "sha256": document.sha256})
    return path_for(document.sha256)


def remove_document(user, document):
    application = document.application
    policy.ensure(user, "document.delete", application)
    with atomic():
        # Two tabs removing one document: the second waits for the first, then finds it gone (a plain
        # DELETE of a missing row only warns, and would be audited twice).
        lock_for_write()
        still_there = db.session.execute(
            select(Document.id).where(Document.id == document.id).with_for_update()).scalar_one_or_none()
        if still_there is None:
            raise StaleObject(_("This document was removed already, perhaps in another tab."))
        application.documents.remove(document)
        record("document.removed", application, application=application, actor=user,
               data={"name": document.original_name, "sha256": document.sha256})
