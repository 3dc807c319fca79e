"""factory-boy factories for every model. They may build any state for setup; transitions in
tests go through services.workflow.fire."""
from datetime import date, datetime, timedelta, timezone

import factory
from factory.alchemy import SQLAlchemyModelFactory
from werkzeug.security import generate_password_hash

from sandbox.extensions import db
from sandbox.labels import DocumentKind, Instrument, LegalGround, OrganisationKind, Role, TechCategory
from sandbox.models import (Application, Document, ExemptionRequest, ExemptionType, Membership, Organisation,
                            StageClock, User, UserRole, Zone)
from sandbox.states import ApplicationState

PASSWORD = "correct horse battery"


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.kr")
    name = factory.Faker("name", locale="ko_KR")
    password_hash = ""

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        # A cheap hash keeps the suite fast; the product itself hashes with scrypt (User.set_password).
        obj.password_hash = generate_password_hash(extracted or PASSWORD, method="pbkdf2:sha256:1000")

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        for role in extracted or []:
            obj.roles.append(UserRole(role=Role(role)))
        if create:
            db.session.commit()


class UserRoleFactory(BaseFactory):
    class Meta:
        model = UserRole

    user = factory.SubFactory(UserFactory)
    role = Role.applicant


class OrganisationFactory(BaseFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"테스트 기업 {n}")
    registration_number = factory.Sequence(lambda n: f"110-81-{n:05d}")
    kind = OrganisationKind.company


class MembershipFactory(BaseFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, roles=[Role.applicant])
    organisation = factory.SubFactory(OrganisationFactory)


SEOUL_BOX = {"type": "Polygon", "coordinates": [[[126.88, 37.57], [126.90, 37.57], [126.90, 37.59],
                                                 [126.88, 37.59], [126.88, 37.57]]]}
INSIDE_POINT = {"type": "Point", "coordinates": [126.89, 37.58]}


class ExemptionTypeFactory(BaseFactory):
    class Meta:
        model = ExemptionType

    code = factory.Sequence(lambda n: f"EX-{n}")
    name_ko = factory.Sequence(lambda n: f"특례 {n}")
    name_en = factory.Sequence(lambda n: f"Exemption {n}")
    law_ko = "도로교통법"
    law_en = "Road Traffic Act"
    article = "§49"
    authority_ko = "경찰청"
    authority_en = "Korean National Police Agency"
    condition_fields = ["geographic_limit"]


class ZoneFactory(BaseFactory):
    class Meta:
        model = Zone

    code = factory.Sequence(lambda n: f"ZONE-{n}")
    name_ko = factory.Sequence(lambda n: f"시험 구역 {n}")
    name_en = factory.Sequence(lambda n: f"Test zone {n}")
    district_ko = "마포구"
    district_en = "Mapo-gu"
    designation_ko = "시범운행지구"
    designation_en = "Pilot district"
    instruments = [i.value for i in Instrument]
    categories = [c.value for c in TechCategory]
    capacity = 5
    boundary_geojson = SEOUL_BOX
    exemption_types = factory.LazyFunction(lambda: [ExemptionTypeFactory()])


class ApplicationFactory(BaseFactory):
    """A complete draft trial-exemption application, ready to submit."""

    class Meta:
        model = Application

    instrument = Instrument.trial_exemption
    state = ApplicationState.draft
    organisation = factory.SubFactory(OrganisationFactory)
    created_by = factory.SubFactory(UserFactory, roles=[Role.applicant])
    zone = factory.SubFactory(ZoneFactory)
    category = TechCategory.autonomous_driving
    title = factory.Sequence(lambda n: f"자율주행 셔틀 실증 {n}")
    summary = "구역 내 자율주행 셔틀 / An autonomous shuttle inside the zone."
    innovation = "Innovation text"
    public_benefit = "Benefit text"
    regulations = "Road Traffic Act §49"
    safety_plan = "Safety driver on board"
    user_protection = "Consent and pseudonymisation"
    insurance_plan = "Liability insurance"
    financing = "Series A"
    site_geojson = INSIDE_POINT
    period_start = factory.LazyFunction(lambda: date.today() + timedelta(days=30))
    period_end = factory.LazyFunction(lambda: date.today() + timedelta(days=30 + 365))
    units = 3
    users_planned = 100

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        """Make the creator (and any given users) members of the applying organisation."""
        for user in [obj.created_by, *(extracted or [])]:
            if obj.organisation_id is None or user.id not in {m.user_id for m in obj.organisation.memberships}:
                obj.organisation.memberships.append(Membership(user=user))
        if create:
            db.session.commit()

    @factory.post_generation
    def exemptions(obj, create, extracted, **kwargs):
        """One exemption request for the zone's first exemption type, unless `exemptions=[]`."""
        if extracted is None:
            wants_exemptions = obj.instrument != Instrument.quick_confirmation and obj.zone
            extracted = obj.zone.exemption_types[:1] if wants_exemptions else []
        for exemption_type in extracted:
            obj.exemption_requests.append(ExemptionRequest(
                exemption_type=exemption_type, legal_ground=LegalGround.no_standard,
                justification="No standard exists."))
        if create:
            db.session.commit()


class QuickConfirmationFactory(ApplicationFactory):
    instrument = Instrument.quick_confirmation
    question = "Does the Electricity Business Act require a licence for this?"


class ExemptionRequestFactory(BaseFactory):
    class Meta:
        model = ExemptionRequest

    application = factory.SubFactory(ApplicationFactory, exemptions=[])
    exemption_type = factory.SubFactory(ExemptionTypeFactory)
    legal_ground = LegalGround.no_standard
    justification = "No standard exists."


class DocumentFactory(BaseFactory):
    class Meta:
        model = Document

    application = factory.SubFactory(ApplicationFactory)
    kind = DocumentKind.business_plan
    original_name = "plan.pdf"
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    size = 1234
    media_type = "application/pdf"
    uploaded_by = factory.LazyAttribute(lambda d: d.application.created_by)


class StageClockFactory(BaseFactory):
    class Meta:
        model = StageClock

    application = factory.SubFactory(ApplicationFactory)
    stage = ApplicationState.submitted
    started_at = factory.LazyFunction(lambda: datetime.now(timezone.utc))
    allowed_days = 7
