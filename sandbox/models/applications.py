"""An application (trial exemption, quick confirmation or temporary permit) and its requested exemptions."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..extensions import db
from ..labels import Instrument, LegalGround, TechCategory
from ..states import ApplicationState
from .base import TimestampMixin, UTCDateTime, enum_column


def geojson_bounds(geometry):
    """(west, south, east, north) of a GeoJSON geometry's coordinates; four Nones without any."""
    xs, ys = [], []
    geometry = geometry or {}
    parts = geometry.get("geometries") or [geometry]  # a GeometryCollection holds its parts
    stack = [part.get("coordinates", []) for part in parts if isinstance(part, dict)]
    while stack:
        item = stack.pop()
        if item and isinstance(item[0], (int, float)):
            xs.append(float(item[0]))
            ys.append(float(item[1]))
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return (min(xs), min(ys), max(xs), max(ys)) if xs else (None, None, None, None)


# States whose sites are taken: approved files about to start and trials running or paused (the clash check).
SITE_HOLDING_STATES = (ApplicationState.approved, ApplicationState.trial_active, ApplicationState.suspended,
                       ApplicationState.extension_review, ApplicationState.amendment_pending)
_HOLDING_SITE = sa.text("state IN ({}) AND site_geojson IS NOT NULL".format(
    ", ".join(f"'{state.value}'" for state in SITE_HOLDING_STATES)))


class Application(TimestampMixin, db.Model):
    __tablename__ = "applications"
    __table_args__ = (
        sa.CheckConstraint("period_end IS NULL OR period_start IS NULL OR period_end > period_start",
                           name="period_order"),
        sa.CheckConstraint("units IS NULL OR units >= 0", name="units_not_negative"),
        sa.CheckConstraint("users_planned IS NULL OR users_planned >= 0", name="users_not_negative"),
        sa.Index("ix_applications_state_zone", "state", "zone_id"),
        # The clash check's box test, answered from this small index (0.2 ms instead of 11 ms at 100k files).
        sa.Index("ix_applications_holding_site_box", "site_west", "site_east", "site_south", "site_north",
                 postgresql_where=_HOLDING_SITE, sqlite_where=_HOLDING_SITE),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(sa.String(30), unique=True, nullable=True)
    instrument: Mapped[Instrument] = mapped_column(enum_column(Instrument))
    state: Mapped[ApplicationState] = mapped_column(enum_column(ApplicationState),
                                                    default=ApplicationState.draft, index=True)
    version: Mapped[int] = mapped_column(default=1)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    zone_id: Mapped[int | None] = mapped_column(sa.ForeignKey("zones.id"), nullable=True, index=True)
    category: Mapped[TechCategory | None] = mapped_column(enum_column(TechCategory), nullable=True)

    title: Mapped[str] = mapped_column(sa.String(200), default="")
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    innovation: Mapped[str] = mapped_column(sa.Text, default="")
    public_benefit: Mapped[str] = mapped_column(sa.Text, default="")
    regulations: Mapped[str] = mapped_column(sa.Text, default="")
    safety_plan: Mapped[str] = mapped_column(sa.Text, default="")
    user_protection: Mapped[str] = mapped_column(sa.Text, default="")
    insurance_plan: Mapped[str] = mapped_column(sa.Text, default="")
    financing: Mapped[str] = mapped_column(sa.Text, default="")
    # The question a quick confirmation asks ("does a rule apply to my service?").
    question: Mapped[str] = mapped_column(sa.Text, default="")

    site_geojson: Mapped[dict | None] = mapped_column(sa.JSON, nullable=True)
    # The site's bounding box in degrees, kept with the site, so the clash check asks the database for
    # nearby trials instead of reading every trial's geometry (sandbox/sites.py).
    site_west: Mapped[float | None] = mapped_column(sa.Float, nullable=True)
    site_south: Mapped[float | None] = mapped_column(sa.Float, nullable=True)
    site_east: Mapped[float | None] = mapped_column(sa.Float, nullable=True)
    site_north: Mapped[float | None] = mapped_column(sa.Float, nullable=True)
    period_start: Mapped[object | None] = mapped_column(sa.Date, nullable=True)
    period_end: Mapped[object | None] = mapped_column(sa.Date, nullable=True)
    units: Mapped[int | None] = mapped_column(nullable=True)
    users_planned: Mapped[int | None] = mapped_column(nullable=True)

    submitted_at: Mapped[object | None] = mapped_column(UTCDateTime, nullable=True)
    # Where the file returns once the applicant answers a supplement request.
    supplement_from: Mapped[ApplicationState | None] = mapped_column(enum_column(ApplicationState, name="supplement_from_state"), nullable=True)
    supplement_request: Mapped[str] = mapped_column(sa.Text, default="")
    supplement_due: Mapped[object | None] = mapped_column(sa.Date, nullable=True)
    answer: Mapped[str] = mapped_column(sa.Text, default="")

    organisation: Mapped["Organisation"] = relationship()  # noqa: F821
    created_by: Mapped["User"] = relationship()  # noqa: F821
    zone: Mapped["Zone | None"] = relationship()  # noqa: F821
    exemption_requests: Mapped[list["ExemptionRequest"]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="ExemptionRequest.id")
    documents: Mapped[list["Document"]] = relationship(  # noqa: F821
        back_populates="application", cascade="all, delete-orphan", order_by="Document.id")
    clocks: Mapped[list["StageClock"]] = relationship(  # noqa: F821
        back_populates="application", cascade="all, delete-orphan", order_by="StageClock.id")

    __mapper_args__ = {"version_id_col": version}

    @validates("site_geojson")
    def _keep_site_box(self, _key, site):
        self.site_west, self.site_south, self.site_east, self.site_north = geojson_bounds(site)
        return site

    @property
    def display_title(self):
        return self.title or f"#{self.id}"

    @property
    def current_clock(self):
        open_clocks = [c for c in self.clocks if c.ended_at is None]
        return open_clocks[-1] if open_clocks else None

    def __repr__(self):
        return f"<Application {self.id} {self.state}>"


class ExemptionRequest(TimestampMixin, db.Model):
    __tablename__ = "exemption_requests"
    __table_args__ = (sa.UniqueConstraint("application_id", "exemption_type_id",
                                          name="uq_exemption_requests_application_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"),
                                                index=True)
    exemption_type_id: Mapped[int] = mapped_column(sa.ForeignKey("exemption_types.id"))
    legal_ground: Mapped[LegalGround] = mapped_column(enum_column(LegalGround))
    justification: Mapped[str] = mapped_column(sa.Text)
    requested_parameters: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    application: Mapped[Application] = relationship(back_populates="exemption_requests")
    exemption_type: Mapped["ExemptionType"] = relationship()  # noqa: F821
