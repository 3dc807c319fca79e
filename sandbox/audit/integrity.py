"""Checks and statements about the chain in the database: full verification (streamed), the head,
and Ed25519-signed checkpoints that auditors keep outside the system."""
import os
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import func, select

from ..extensions import db
from ..models import AuditCheckpoint, AuditEvent, AuditHead
from ..transaction import atomic
from .chain import GENESIS, ChainBroken, checkpoint_message, format_time, verify_events
from .export import iter_events
from .filters import AuditFilter
from .record import SYSTEM, record


def chain_head():
    """(seq, hash) of the head row; (0, GENESIS) before the first event."""
    head = db.session.get(AuditHead, 1)
    return (head.seq, head.hash) if head else (0, GENESIS)


def verify_database(progress=None):
    """Verify every event in order, then the head row.

    Returns (count, last_seq, head_hash); raises ChainBroken naming the first bad sequence number."""
    def events():
        for position, event in enumerate(iter_events(AuditFilter()), start=1):
            if progress is not None and position % 10_000 == 0:
                progress(10_000)
            yield event

    count, last_seq, last_hash = verify_events(events(), first_seq=1)
    head_seq, head_hash = chain_head()
    last_seq = last_seq or 0
    if last_seq != head_seq or last_hash != head_hash:
        first_bad = min(last_seq, head_seq) + 1 if last_seq != head_seq else head_seq
        raise ChainBroken(first_bad, f"the head row says sequence {head_seq} ({head_hash[:12]}…) "
                                     f"but the last event is {last_seq} ({last_hash[:12]}…)")
    return count, last_seq, last_hash


def latest_checkpoint():
    return db.session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1)).first()


def checkpoint_document(checkpoint):
    """The JSON document an auditor keeps."""
    return {"seq": checkpoint.seq, "head_hash": checkpoint.head_hash, "count": checkpoint.count,
            "created_at": format_time(checkpoint.created_at), "public_key": checkpoint.public_key,
            "signature": checkpoint.signature}


def load_signing_key(path):
    # Imported here, not at the top: cryptography's OpenSSL bindings add ~7 MB to every app process
    from cryptography.hazmat.primitives.serialization import load_pem_private_key
    return load_pem_private_key(Path(path).read_bytes(), password=None)


def public_key_hex(private_key):
    # Imported here, not at the top: cryptography's OpenSSL bindings add ~7 MB to every app process
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    return private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def generate_signing_key(path):
    """Create the PEM key at `path` unless one exists. Returns (public_key_hex, created)."""
    # Imported here, not at the top: cryptography's OpenSSL bindings add ~7 MB to every app process
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
    path = Path(path)
    if path.exists():
        return public_key_hex(load_signing_key(path)), False
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    # O_EXCL: never overwrite a key another process created a moment ago; 0600: it is a secret.
    with open(path, "xb", opener=lambda p, flags: os.open(p, flags, 0o600)) as handle:
        handle.write(pem)
    return public_key_hex(key), True


def create_checkpoint(key_path, actor=SYSTEM):
    """Sign the current head, store the checkpoint and record it as an event, in one transaction."""
    private_key = load_signing_key(key_path)
    with atomic() as session:
        head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()
                               .execution_options(populate_existing=True)).scalar_one_or_none()
        seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
        count = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.seq <= seq))
        now = datetime.now(timezone.utc)
        statement = {"seq": seq, "head_hash": head_hash, "count": count, "created_at": format_time(now)}
        signature = private_key.sign(checkpoint_message(statement)).hex()
        checkpoint = AuditCheckpoint(seq=seq, head_hash=head_hash, count=count, created_at=now,
                                     public_key=public_key_hex(private_key), signature=signature)
        session.add(checkpoint)
        session.flush()
        record("audit.checkpointed", checkpoint, actor=actor,
               data={"seq": seq, "head_hash": head_hash, "count": count})
        return checkpoint_document(checkpoint)
