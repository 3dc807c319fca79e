"""People who log in, and the roles they hold."""
import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..labels import Role
from .base import TimestampMixin, UTCDateTime, enum_column, utcnow


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[object | None] = mapped_column(UTCDateTime, nullable=True)
    # True while a self-registered address has not followed its confirmation link; accounts created by the
    # office, the demo data or the factories never wait.
    awaiting_confirmation: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # An authority officer's agency, matched to ExemptionType.authority_ko/en to suggest who answers.
    agency: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)

    roles: Mapped[list["UserRole"]] = relationship(back_populates="user", cascade="all, delete-orphan",
                                                   lazy="selectin", foreign_keys="UserRole.user_id")
    memberships: Mapped[list["Membership"]] = relationship(  # noqa: F821
        back_populates="user", cascade="all, delete-orphan")

    def set_password(self, password):
        # Werkzeug's default is scrypt, a memory-hard key derivation function.
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self):
        return self.active and not self.awaiting_confirmation

    @property
    def display_name(self):
        return self.name or self.email

    @property
    def role_set(self):
        return frozenset(r.role for r in self.roles)

    def has_role(self, *roles):
        return bool(self.role_set.intersection(roles))

    @property
    def organisations(self):
        return [m.organisation for m in self.memberships]

    @property
    def organisation_ids(self):
        return {m.organisation_id for m in self.memberships}

    def __repr__(self):
        return f"<User {self.id} {self.email}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (sa.UniqueConstraint("user_id", "role", name="uq_user_roles_user_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    granted_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)

    user: Mapped[User] = relationship(back_populates="roles", foreign_keys=[user_id])
