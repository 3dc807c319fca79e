"""Accounts, roles and organisations: every write audited in its own transaction."""
import secrets
from datetime import datetime, timezone
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from .. import policy
from ..audit.record import record
from ..errors import ValidationFailed
from ..extensions import db
from ..labels import Role
from ..models import Membership, Organisation, User, UserRole
from ..transaction import atomic
from . import sessions


def find_user_by_email(email):
    return db.session.execute(select(User).where(func.lower(User.email) == email.strip().lower())).scalar_one_or_none()


def register_user(email, name, password, roles=(Role.applicant,)):
    email = email.strip().lower()
    with atomic():
        if find_user_by_email(email) is not None:
            raise ValidationFailed(_("An account with this e-mail address already exists."))
        user = User(email=email, name=name.strip())
        user.set_password(password)
        user.roles = [UserRole(role=Role(r)) for r in roles]
        db.session.add(user)
        db.session.flush()
        record("user.registered", user, actor=user, data={"roles": sorted(str(r) for r in roles)})
    return user


@lru_cache(maxsize=1)
def _dummy_hash():
    # Made by User.set_password itself (on a user never saved), so its algorithm and cost follow any change.
    probe = User()
    probe.set_password(secrets.token_urlsafe(16))
    return probe.password_hash


def authenticate(email, password):
    """(user, session token) when the password matches, else (None, None); records the login or the failed
    attempt either way. An unknown address costs one password check too (against a dummy hash), so the
    time taken does not tell whether an account exists. Raises ValidationFailed, after recording the
    failure, when the right password belongs to an address not yet confirmed."""
    unconfirmed = False
    with atomic():
        user = find_user_by_email(email or "")
        if user is None:
            check_password_hash(_dummy_hash(), password or "")
            matches = False
        else:
            matches = user.check_password(password or "")
        if not matches or not user.is_active:
            unconfirmed = matches and user.active and user.awaiting_confirmation
            record("user.login_failed", user, actor=user if user else None, actor_label=(email or "")[:254],
                   data={"email": (email or "")[:254], **({"reason": "unconfirmed"} if unconfirmed else {})})
            user = None
        else:
            user.last_login_at = datetime.now(timezone.utc)
            token = sessions.open_session(user)
            record("user.logged_in", user, actor=user)
    if unconfirmed:
        raise ValidationFailed(
            _("Confirm your e-mail address first: follow the link in the message we sent you."))
    return (user, token) if user is not None else (None, None)


def change_password(user, current, new, keep_token=None):
    """A new password ends every other session of the user; the one it was changed from stays open."""
    with atomic():
        if not user.check_password(current):
            raise ValidationFailed(_("The current password is not correct."))
        user.set_password(new)
        record("user.password_changed", user, actor=user)
        sessions.end_all(user, sessions.PASSWORD_CHANGED, actor=user, keep_token=keep_token)


def grant_role(admin, user, role):
    """Another administrator grants the role: nobody grants a role to themselves (DESIGN §2)."""
    policy.ensure(admin, "admin.roles")
    role = Role(role)
    if admin.id == user.id:
        raise ValidationFailed(_("You cannot grant a role to yourself; another administrator must do it."))
    with atomic():
        if role in user.role_set:
            return False
        user.roles.append(UserRole(role=role, granted_by_id=admin.id))
        record("user.role_granted", user, actor=admin, data={"role": role.value, "user": user.email})
    return True


def revoke_role(admin, user, role):
    policy.ensure(admin, "admin.roles")
    role = Role(role)
    with atomic():
        if admin.id == user.id and role == Role.admin:
            raise ValidationFailed(_("You cannot remove your own administrator role."))
        held = [r for r in user.roles if r.role == role]
        if not held:
            return False
        for row in held:
            user.roles.remove(row)
        record("user.role_revoked", user, actor=admin, data={"role": role.value, "user": user.email})
        # A page opened with the role must not keep working: the user logs in again with what is left.
        sessions.end_all(user, sessions.ROLE_REVOKED, actor=admin)
    return True


def set_active(admin, user, active):
    """An administrator deactivates an account (every session ends at once) or reactivates it."""
    with atomic():
        if admin.id == user.id:
            raise ValidationFailed(_("You cannot deactivate your own account."))
        if user.active == active:
            return False
        user.active = active
        record("user.reactivated" if active else "user.deactivated", user, actor=admin,
               data={"user": user.email})
        if not active:
            sessions.end_all(user, sessions.DEACTIVATED, actor=admin)
    return True


def create_organisation(user, name, registration_number, kind):
    with atomic():
        number = registration_number.strip()
        exists = db.session.execute(
            select(Organisation).where(Organisation.registration_number == number)).scalar_one_or_none()
        if exists is not None:
            raise ValidationFailed(_("An organisation with this registration number already exists; "
                                     "ask one of its members for the invitation code."))
        organisation = Organisation(name=name.strip(), registration_number=number, kind=kind)
        organisation.memberships.append(Membership(user=user))
        db.session.add(organisation)
        db.session.flush()
        record("organisation.created", organisation, actor=user,
               data={"name": organisation.name, "registration_number": number, "kind": str(kind)})
    return organisation


def join_organisation(user, invite_code):
    with atomic():
        organisation = db.session.execute(
            select(Organisation).where(Organisation.invite_code == invite_code.strip())).scalar_one_or_none()
        if organisation is None:
            raise ValidationFailed(_("No organisation has this invitation code. Check it with the person who sent it."))
        if organisation.id in user.organisation_ids:
            raise ValidationFailed(_("You are already a member of %(name)s.", name=organisation.name))
        organisation.memberships.append(Membership(user=user))
        record("organisation.joined", organisation, actor=user, data={"name": organisation.name})
    return organisation
