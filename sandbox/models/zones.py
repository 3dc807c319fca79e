"""The catalogue: zones where exemptions are valid, and the exemption types on offer."""
import sqlalchemy as sa
from flask_babel import get_locale
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin

zone_exemptions = sa.Table(
    "zone_exemptions",
    db.metadata,
    sa.Column("zone_id", sa.ForeignKey("zones.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("exemption_type_id", sa.ForeignKey("exemption_types.id", ondelete="CASCADE"), primary_key=True),
)


class Bilingual:
    """`name` in the reader's language, from `name_ko` / `name_en`."""

    def localized(self, field):
        locale = str(get_locale() or "ko")
        return getattr(self, f"{field}_{'en' if locale == 'en' else 'ko'}") or getattr(self, f"{field}_ko")

    @property
    def name(self):
        return self.localized("name")


class Zone(Bilingual, TimestampMixin, db.Model):
    __tablename__ = "zones"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name_ko: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    district_ko: Mapped[str] = mapped_column(sa.String(100))
    district_en: Mapped[str] = mapped_column(sa.String(100))
    designation_ko: Mapped[str] = mapped_column(sa.String(200))
    designation_en: Mapped[str] = mapped_column(sa.String(200))
    description_ko: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    # Which instruments (trial exemption, quick confirmation, temporary permit) the zone offers.
    instruments: Mapped[list] = mapped_column(sa.JSON, default=list)
    categories: Mapped[list] = mapped_column(sa.JSON, default=list)
    area_m2: Mapped[int | None] = mapped_column(nullable=True)
    capacity: Mapped[int] = mapped_column(default=10)
    active_from: Mapped[object | None] = mapped_column(sa.Date, nullable=True)
    active_until: Mapped[object | None] = mapped_column(sa.Date, nullable=True)
    boundary_geojson: Mapped[dict | None] = mapped_column(sa.JSON, nullable=True)
    boundary_approximate: Mapped[bool] = mapped_column(default=True)
    designation_history: Mapped[list] = mapped_column(sa.JSON, default=list)

    exemption_types: Mapped[list["ExemptionType"]] = relationship(secondary=zone_exemptions,
                                                                  back_populates="zones")

    @property
    def district(self):
        return self.localized("district")

    @property
    def designation(self):
        return self.localized("designation")

    @property
    def description(self):
        return self.localized("description")

    def __repr__(self):
        return f"<Zone {self.code}>"


class ExemptionType(Bilingual, TimestampMixin, db.Model):
    __tablename__ = "exemption_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name_ko: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    law_ko: Mapped[str] = mapped_column(sa.String(300))
    law_en: Mapped[str] = mapped_column(sa.String(300))
    article: Mapped[str] = mapped_column(sa.String(100))
    authority_ko: Mapped[str] = mapped_column(sa.String(200))
    authority_en: Mapped[str] = mapped_column(sa.String(200))
    # Which typed conditions an authority usually attaches (geographic_limit, unit_cap, ...).
    condition_fields: Mapped[list] = mapped_column(sa.JSON, default=list)

    zones: Mapped[list[Zone]] = relationship(secondary=zone_exemptions, back_populates="exemption_types")

    @property
    def law(self):
        return self.localized("law")

    @property
    def authority(self):
        return self.localized("authority")

    def __repr__(self):
        return f"<ExemptionType {self.code}>"
