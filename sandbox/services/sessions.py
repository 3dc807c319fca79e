"""Login sessions on the server: opened at login, checked on every request, ended by logout, by the user
("end" / "log out everywhere else"), by a password change, a role revocation or a deactivation, and by the
idle timeout and the absolute lifetime. The Flask cookie holds only a random token; this table decides."""
import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from flask import current_app, has_request_context, request
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ..audit.record import record
from ..extensions import db
from ..models import UserSession
from ..transaction import atomic

# Why a session ended; the account page and the audit log show these.
LOGOUT, ENDED, PASSWORD_CHANGED, ROLE_REVOKED, DEACTIVATED, IDLE, LIFETIME = (
    "logout", "ended", "password_changed", "role_revoked", "deactivated", "idle", "lifetime")


def _utcnow():
    return datetime.now(timezone.utc)


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _limits():
    config = current_app.config
    return (timedelta(minutes=config["SESSION_IDLE_MINUTES"]), timedelta(hours=config["SESSION_MAX_HOURS"]),
            timedelta(seconds=config["SESSION_TOUCH_SECONDS"]))


def _client():
    if not has_request_context():
        return "", ""
    return (request.remote_addr or "")[:64], (request.user_agent.string or "")[:300]


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser", "Samsung Internet"), ("Whale/", "Whale"),
             ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Chromium/", "Chromium"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def browser_label(user_agent):
    """'Chrome on Windows' from a User-Agent header, for people to recognise their own devices."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "")
    if browser and system:
        return f"{browser} / {system}"
    return browser or system or user_agent[:60]


def open_session(user, now=None):
    """A new session row in the caller's transaction; returns the token for the cookie."""
    now = now or _utcnow()
    token = secrets.token_urlsafe(32)
    ip, agent = _client()
    db.session.add(UserSession(user_id=user.id, token_hash=_digest(token), created_at=now, last_seen_at=now,
                               ip=ip, user_agent=agent))
    return token


def find(token):
    if not token:
        return None
    # The user comes in the same query: a request costs no more statements than before sessions were kept.
    return db.session.scalars(select(UserSession).options(joinedload(UserSession.user))
                              .where(UserSession.token_hash == _digest(token))).first()


def expiry_reason(row, now=None):
    """IDLE or LIFETIME when the session has run out, else None."""
    now = now or _utcnow()
    idle, lifetime, _ = _limits()
    if now - row.created_at >= lifetime:
        return LIFETIME
    if now - row.last_seen_at >= idle:
        return IDLE
    return None


def check(user_id, token, now=None):
    """The user a request's session belongs to when that session is still open, else None; touches
    `last seen` (at most every SESSION_TOUCH_SECONDS) and records a session that has just run out."""
    now = now or _utcnow()
    row = find(token)
    # No row: a cookie from before sessions were kept, or a remember-me cookie; neither opens a session.
    if row is None or str(row.user_id) != str(user_id) or row.revoked_at is not None:
        return None
    if not row.user.is_active:
        return None
    reason = expiry_reason(row, now)
    if reason is not None:
        with atomic():
            _end([row], reason, actor=row.user, now=now)
        return None
    if now - row.last_seen_at >= _limits()[2]:
        with atomic():
            db.session.execute(update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now)
                               .execution_options(synchronize_session=False))
        # Not a pending change: a later autoflush would otherwise open a write transaction for the request.
        set_committed_value(row, "last_seen_at", now)
    return row.user


def _end(rows, reason, actor, now=None):
    """Mark open rows ended; audit each one this call ended (a concurrent request may have ended some)."""
    now = now or _utcnow()
    ended = []
    for row in rows:
        result = db.session.execute(
            update(UserSession).where(UserSession.id == row.id, UserSession.revoked_at.is_(None))
            .values(revoked_at=now, end_reason=reason).execution_options(synchronize_session=False))
        if result.rowcount == 1:
            set_committed_value(row, "revoked_at", now)
            set_committed_value(row, "end_reason", reason)
            ended.append(row)
    for row in ended:
        action = "user.logged_out" if reason == LOGOUT else (
            "user.session_expired" if reason in (IDLE, LIFETIME) else "user.session_ended")
        record(action, row.user, actor=actor,
               data={"session": row.id, "reason": reason, "user": row.user.email})
    return len(ended)


def open_sessions(user, now=None):
    """The user's sessions still open (not ended, not run out), newest activity first."""
    now = now or _utcnow()
    # Sessions that ran out with no request to notice keep revoked_at empty; the lifetime bounds the rows.
    rows = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id,
                                                        UserSession.revoked_at.is_(None),
                                                        UserSession.created_at > now - _limits()[1])
                              .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())).all()
    return [row for row in rows if expiry_reason(row, now) is None]


def log_out(user, token):
    """The session behind this cookie ends (logout)."""
    row = find(token)
    with atomic():
        if row is not None and row.user_id == user.id:
            _end([row], LOGOUT, actor=user)
        else:
            record("user.logged_out", user, actor=user)


def end_one(user, session_id):
    """The user ends one of their own sessions from the account page; 0 when there was none to end."""
    row = db.session.get(UserSession, session_id) if 0 < session_id < 2 ** 31 else None
    if row is None or row.user_id != user.id:
        return 0
    with atomic():
        return _end([row], ENDED, actor=user)


def end_others(user, token):
    """'Log out everywhere else': every session of the user but the one behind this cookie."""
    with atomic():
        return end_all(user, ENDED, actor=user, keep_token=token)


def end_all(user, reason, actor, keep_token=None):
    """Every open session of `user` ends (but the one holding keep_token), in the caller's transaction."""
    keep = _digest(keep_token) if keep_token else None
    return _end([row for row in open_sessions(user) if row.token_hash != keep], reason, actor)
