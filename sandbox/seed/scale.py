"""A national-scale dataset for benchmarks: `flask --app wsgi demo-data --scale N`.

Going through the services would take hours for 100,000 files (each append locks the audit head
and flushes row by row), so this writes the same rows in bulk: ids are allocated here, rows are
inserted with Core in batches of ~1,000, and every audit event is built and hashed by record()'s own
builders (sandbox.audit.record.event_row and chained_row) under the audit-head lock, so the chain
stays valid and `flask audit verify` passes. Each batch (files, their rows, their events, the new head)
commits in one transaction: an interrupted run leaves a consistent database
and the next run carries on where it stopped.

Generated organisations carry registration numbers `GEN-0000001`...; the number of files they
own is the marker that makes the command idempotent. Run it on a quiet database: ids are
allocated from the current maxima (sequences are moved past them after each batch)."""

import hashlib
from datetime import datetime, timezone
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select, text
from werkzeug.security import generate_password_hash

from ..audit.chain import GENESIS
from ..audit.record import chained_row, event_row
from ..extensions import db
from ..labels import Role
from ..models import Application, AuditEvent, Membership, Organisation, User, UserRole, Zone
from ..transaction import atomic
from .demo import DEMO_PASSWORD
from .scale_io import write_copy, write_insert
from .scale_rows import build_application
from .scale_zones import GeneratedZone

BATCH = 1000
APPS_PER_ORG = 5
ORG_PREFIX = "GEN-"
STAFF_DOMAIN = "scale.demo"


class Chain:
    """Appends audit rows as record() would write them, carrying the head in memory."""

    def __init__(self, seq, head_hash):
        self.seq, self.hash, self.rows = seq, head_hash, []

    def add(
        self,
        when,
        action,
        actor,
        subject=("", ""),
        application=None,
        from_state="",
        to_state="",
        data=None,
        zone_id=None,
    ):
        actor_id, actor_name, actor_role = actor
        if application is not None and zone_id is None:
            zone_id = application["zone_id"]
        fields = event_row(
            action, actor_id=actor_id, actor_name=actor_name, actor_role=actor_role,
            subject_type=subject[0], subject_id=subject[1],
            application_id=application["id"] if application is not None else None, zone_id=zone_id,
            from_state=from_state, to_state=to_state, data=data)
        row = chained_row(fields, self.seq + 1, when, self.hash)
        self.rows.append(row)
        self.seq, self.hash = row["seq"], row["hash"]
        return self.seq, self.hash


class Ids:
    """Next id per table, from the current maxima."""

    def __init__(self):
        self.next = {}

    def __call__(self, table):
        if table not in self.next:
            column = db.metadata.tables[table].c.id
            self.next[table] = (db.session.scalar(select(func.max(column))) or 0) + 1
        value = self.next[table]
        self.next[table] += 1
        return value


class Batch:
    """Rows per table, written in dependency order; the audit chain and files on disk with them."""

    def __init__(self, chain, ids, upload_dir):
        self.chain, self.ids, self.upload_dir = chain, ids, upload_dir
        self.rows = {}
        self.written_files = set()

    def add(self, table, row):
        self.rows.setdefault(table, []).append(row)
        return row

    def store_file(self, content):
        """Write `content` under its SHA-256 like the upload service does (once per distinct content)."""
        digest = hashlib.sha256(content).hexdigest()
        if digest not in self.written_files:
            target = Path(self.upload_dir) / digest[:2] / digest
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_name(f".gen-{digest}")
                tmp.write_bytes(content)
                tmp.replace(target)
            self.written_files.add(digest)
        return digest, len(content)

    def flush(self, chunk=BATCH):
        write = write_copy if db.session.get_bind().dialect.name == "postgresql" else write_insert
        for table in db.metadata.sorted_tables:
            rows = self.rows.pop(table.name, [])
            if rows:
                write(table, rows, chunk)
        if self.chain.rows:
            write(AuditEvent.__table__, self.chain.rows, chunk)
        self.chain.rows = []


def _lock_head():
    """The chain head, locked for this transaction (FOR UPDATE on PostgreSQL)."""
    row = db.session.execute(text("SELECT seq, hash FROM audit_head WHERE id = 1" + _for_update())).first()
    if row is None:
        db.session.execute(text("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, :h)"), {"h": GENESIS})
        return 0, GENESIS
    return row.seq, row.hash


def _for_update():
    return " FOR UPDATE" if db.session.get_bind().dialect.name == "postgresql" else ""


def _save_head(chain):
    db.session.execute(
        text("UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1"), {"s": chain.seq, "h": chain.hash}
    )


def _move_sequences(tables):
    """PostgreSQL: explicit ids leave the serial sequences behind; move them past the maxima."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        if "id" not in db.metadata.tables[table].c:
            continue
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
            )
        )


def generated_count():
    """How many generated files exist (the idempotence marker)."""
    return (
        db.session.scalar(
            select(func.count(Application.id))
            .join(Organisation, Application.organisation_id == Organisation.id)
            .where(Organisation.registration_number.like(ORG_PREFIX + "%"))
        )
        or 0
    )


def _actor(user_row, roles):
    return (user_row["id"], user_row["email"], ",".join(sorted(str(r) for r in roles)))


def add_user(batch, email, name, roles, password_hash, when):
    """A user with roles, as accounts.register_user writes it (the password hash is shared)."""
    user = batch.add(
        "users",
        {
            "id": batch.ids("users"),
            "email": email,
            "name": name,
            "password_hash": password_hash,
            "active": True,
            "last_login_at": None,
            "agency": None,
            "created_at": when,
            "updated_at": when,
        },
    )
    for role in roles:
        batch.add(
            "user_roles",
            {
                "id": batch.ids("user_roles"),
                "user_id": user["id"],
                "role": str(role),
                "granted_at": when,
                "granted_by_id": None,
            },
        )
    actor = _actor(user, roles)
    batch.chain.add(
        when, "user.registered", actor, ("user", user["id"]), data={"roles": sorted(str(r) for r in roles)}
    )
    return actor


def add_organisation(batch, number, password_hash, when):
    """An applicant organisation and its owner, as register_user + create_organisation write them."""
    owner = add_user(
        batch,
        f"gen-applicant-{number:07d}@{STAFF_DOMAIN}",
        f"생성 신청인 {number}",
        [Role.applicant],
        password_hash,
        when,
    )
    registration = f"{ORG_PREFIX}{number:07d}"
    org = batch.add(
        "organisations",
        {
            "id": batch.ids("organisations"),
            "name": f"생성 기업 {number} (Generated Co. {number})",
            "registration_number": registration,
            "kind": "company",
            "invite_code": f"gen{number:07d}",
            "created_at": when,
            "updated_at": when,
        },
    )
    batch.add(
        "memberships",
        {
            "id": batch.ids("memberships"),
            "user_id": owner[0],
            "organisation_id": org["id"],
            "joined_at": when,
        },
    )
    batch.chain.add(
        when,
        "organisation.created",
        owner,
        ("organisation", org["id"]),
        data={"name": org["name"], "registration_number": registration, "kind": "company"},
    )
    return {"id": org["id"], "owner": owner}


STAFF = (  # (role, how many for n files, e-mail stem)
    (Role.office, lambda n: max(3, n // 10_000), "office"),
    (Role.reviewer, lambda n: max(12, n // 100), "reviewer"),
    (Role.authority, lambda n: max(3, n // 5_000), "authority"),
    (Role.committee, lambda n: 6, "committee"),
)


def _people_with(role):
    """(id, email, role string as record() writes it) of everyone holding `role`."""
    holders = select(UserRole.user_id).where(UserRole.role == role)
    roles = {}
    for user_id, email, held in db.session.execute(
        select(User.id, User.email, UserRole.role)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.id.in_(holders))
        .order_by(User.id)
    ):
        roles.setdefault((user_id, email), []).append(str(held))
    return [(user_id, email, ",".join(sorted(held))) for (user_id, email), held in roles.items()]


def ensure_staff(n, password_hash, now):
    """Generated office, reviewer, authority and committee accounts (added when missing), plus the demo
    accounts of each role, so the demo reviewer has a realistic share of assignments."""
    chain = Chain(*_lock_head())
    batch = Batch(chain, Ids(), current_app.config["UPLOAD_DIR"])
    existing = set(db.session.scalars(select(User.email).where(User.email.like(f"%@{STAFF_DOMAIN}"))))
    for role, how_many, stem in STAFF:
        for k in range(1, how_many(n) + 1):
            email = f"gen-{stem}-{k:04d}@{STAFF_DOMAIN}"
            if email not in existing:
                add_user(batch, email, f"생성 {stem} {k}", [role], password_hash, now)
    with atomic():
        batch.flush()
        _save_head(chain)
        _move_sequences(["users", "user_roles"])
    staff = {role: _people_with(role) for role, _, _ in STAFF}
    staff[Role.chair] = _people_with(Role.chair) or staff[Role.committee][:1]
    return staff


def load_zones():
    zones = db.session.scalars(select(Zone).order_by(Zone.id)).all()
    return [GeneratedZone.of(zone) for zone in zones]


def _build_batch(first, last, context):
    chain = Chain(*_lock_head())
    batch = Batch(chain, context["ids"], current_app.config["UPLOAD_DIR"])
    for index in range(first, last + 1):
        org_number = (index - 1) // APPS_PER_ORG + 1
        if org_number not in context["orgs"]:
            context["orgs"].clear()  # only the current organisation is ever needed again
            context["orgs"][org_number] = add_organisation(
                batch, org_number, context["password_hash"], context["now"]
            )
        build_application(batch, index, context["orgs"][org_number], context)
    tables = list(batch.rows)
    with atomic():
        batch.flush()
        _save_head(chain)
        _move_sequences(tables)


def _resume_org(index):
    """The organisation of the file before `index`, when the run resumes inside its block of files."""
    number = (index - 1) // APPS_PER_ORG + 1
    org = db.session.execute(
        select(Organisation.id, User.id.label("uid"), User.email)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .join(User, User.id == Membership.user_id)
        .where(Organisation.registration_number == f"{ORG_PREFIX}{number:07d}")
    ).first()
    if org is None:
        return {}
    return {number: {"id": org.id, "owner": (org.uid, org.email, str(Role.applicant))}}


def build_scale(n, progress=None, seed=20261123):
    """Add generated files until there are `n`. Returns how many were added (0: already there)."""
    done = generated_count()
    if done >= n:
        return 0
    now = datetime.now(timezone.utc)
    password_hash = generate_password_hash(DEMO_PASSWORD)
    context = {
        "now": now,
        "password_hash": password_hash,
        "staff": ensure_staff(n, password_hash, now),
        "zones": load_zones(),
        "seed": seed,
        "n": n,
        "orgs": _resume_org(done + 1),
        "ids": None,
    }
    for first in range(done + 1, n + 1, BATCH):
        last = min(first + BATCH - 1, n)
        context["ids"] = Ids()
        _build_batch(first, last, context)
        if progress is not None:
            progress(last - first + 1)
    refresh_statistics()
    return n - done


def refresh_statistics():
    """Bulk loads leave the planner with no statistics and PostgreSQL's visibility map empty, so the first
    queries after them choose sequential scans (the office queue took 1.9 s instead of 5 ms at 100k files).
    Autovacuum would get there eventually; a benchmark or a restored office should not have to wait."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))


