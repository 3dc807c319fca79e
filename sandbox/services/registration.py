"""Self-registration that does not tell whether an address has an account: every request gets the same
answer ("we have sent a message"), the same work (one password hash) and one e-mail to the address typed
in. A new address gets a confirmation link that finishes the account; an address with an account gets a
warning that someone tried to register with it. Accounts made by the office and the demo data are
created confirmed (accounts.register_user)."""
import hashlib
from datetime import datetime, timezone

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import update
from werkzeug.security import generate_password_hash

from ..audit.record import record
from ..errors import ValidationFailed
from ..extensions import db
from ..labels import Role
from ..models import Notification, User, UserRole
from ..transaction import atomic
from . import sessions
from .accounts import find_user_by_email
from .notifications import notify, site_path

CONFIRM_KIND = "account.confirm"
ATTEMPT_KIND = "account.registration_attempt"


def _serializer():
    return URLSafeTimedSerializer(current_app.secret_key, salt="sandbox.registration")


def _fingerprint(user):
    # Ties a link to the registration that asked for it: registering again (a new password) kills older links.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def confirmation_token(user):
    return _serializer().dumps({"u": user.id, "h": _fingerprint(user)})


def request_registration(email, name, password, now=None):
    """Queue the message for `email` (new address: a confirmation link; known: a warning)."""
    now = now or datetime.now(timezone.utc)
    email = email.strip().lower()
    # Hashed on both paths, so the answer takes as long for an address that has an account.
    password_hash = generate_password_hash(password)
    with atomic():
        user = find_user_by_email(email)
        if user is None:
            user = User(email=email, name=name.strip(), password_hash=password_hash,
                        awaiting_confirmation=True, roles=[UserRole(role=Role.applicant)])
            db.session.add(user)
            db.session.flush()
            _ask_for_confirmation(user, "user.registration_requested")
        elif user.awaiting_confirmation:
            # Still unconfirmed: the newest registration wins; the previous link stops working.
            user.name, user.password_hash = name.strip(), password_hash
            _ask_for_confirmation(user, "user.registration_requested")
        else:
            record("user.registration_attempted", user, actor_label=email, data={"email": email})
            # One warning an hour at most, however often someone tries.
            notify([user], ATTEMPT_KIND, _("Someone tried to register with your e-mail address"),
                   _("Someone tried to create a new regulatory sandbox account with this e-mail address, "
                     "which already has one. If it was you, log in with your password; if you have "
                     "forgotten it, contact the sandbox office. If it was not you, you can ignore this "
                     "message: nothing has changed."),
                   link=site_path("auth.login"), dedupe_key=f"{ATTEMPT_KIND}:{now:%Y%m%d%H}")


def _ask_for_confirmation(user, action):
    record(action, user, actor=user, data={"email": user.email})
    hours = current_app.config["REGISTRATION_LINK_HOURS"]
    notify([user], CONFIRM_KIND, _("Confirm your e-mail address to finish registering"),
           _("Someone, hopefully you, registered for the regulatory sandbox with this e-mail address. Follow "
             "the link below within %(hours)s hours to finish and log in. If it was not you, ignore this "
             "message: no account is created.", hours=hours),
           link=site_path("auth.confirm", token=confirmation_token(user)))


def confirm_registration(token):
    """Finish the registration a link names and open a session: (user, session token)."""
    invalid = ValidationFailed(_("This link is not valid or has expired. Register again to get a new one."))
    try:
        payload = _serializer().loads(token, max_age=current_app.config["REGISTRATION_LINK_HOURS"] * 3600)
        user_id, fingerprint = int(payload["u"]), str(payload["h"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise invalid from None
    user = db.session.get(User, user_id) if 0 < user_id < 2 ** 31 else None
    if user is None or _fingerprint(user) != fingerprint or not user.active:
        raise invalid
    if not user.awaiting_confirmation:
        raise ValidationFailed(_("Your e-mail address is already confirmed. Log in with your password."))
    now = datetime.now(timezone.utc)
    with atomic():
        user.awaiting_confirmation = False
        user.last_login_at = now
        db.session.execute(update(Notification).where(Notification.user_id == user.id,
                                                      Notification.kind == CONFIRM_KIND,
                                                      Notification.read_at.is_(None))
                           .values(read_at=now).execution_options(synchronize_session=False))
        record("user.registered", user, actor=user, data={"roles": [str(Role.applicant)]})
        session_token = sessions.open_session(user, now)
        record("user.logged_in", user, actor=user)
    return user, session_token
