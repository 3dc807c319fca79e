"""factory-boy factories for the plain rows. They may build any state for setup; transitions in tests go
through services.workflow.fire. Records a step of the workflow leaves behind (reviews, opinions, decisions and
their conditions, trials, insurance, reports, incidents, claims, correction orders, evaluations) carry audit
sequence numbers and hashes: tests/factories_flow.py builds those, and files in any state, through the
real services."""
from datetime import date, datetime, timedelta, timezone

import factory
from factory.alchemy import SQLAlchemyModelFactory
from werkzeug.security import generate_password_hash

from sandbox.extensions import db
from sandbox.labels import DocumentKind, Instrument, LegalGround, OrganisationKind, Role, TechCategory
from sandbox.models import (AgendaItem, Application, Assignment, CommitteeMeeting, ConflictDeclaration, Document,
                            ExemptionRequest, ExemptionType, Feedback, Membership, Notification, Organisation,
                            OrganisationDispute, OrganisationTie, PublicSummary, StageClock, User, UserRole, Vote,
                            Zone)
from sandbox.models.committee import VoteChoice
from sandbox.models.reviews import AssignmentRole, AssignmentStatus, TieKind
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


# ---- review ------------------------------------------------------------------------------------------

class AssignmentFactory(BaseFactory):
    """A reviewer asked to review a file (proposed; `status=AssignmentStatus.accepted` once they agreed).
    For an authority: `role=AssignmentRole.authority, exemption_request=...`."""

    class Meta:
        model = Assignment

    application = factory.SubFactory(ApplicationFactory, state=ApplicationState.expert_review)
    user = factory.SubFactory(UserFactory, roles=[Role.reviewer])
    role = AssignmentRole.reviewer
    status = AssignmentStatus.proposed
    due_date = factory.LazyFunction(lambda: date.today() + timedelta(days=14))

    class Params:
        authority = factory.Trait(
            role=AssignmentRole.authority,
            user=factory.SubFactory(UserFactory, roles=[Role.authority], agency="경찰청"),
            exemption_request=factory.LazyAttribute(lambda a: a.application.exemption_requests[0]))


class ConflictDeclarationFactory(BaseFactory):
    class Meta:
        model = ConflictDeclaration

    # The model keeps ids only (a declaration is a record, not navigated).
    user_id = factory.LazyFunction(lambda: UserFactory(roles=[Role.reviewer]).id)
    application_id = factory.LazyFunction(lambda: ApplicationFactory(state=ApplicationState.expert_review).id)
    has_conflict = False
    details = ""


class OrganisationTieFactory(BaseFactory):
    """A person's tie to an organisation (which makes them conflicted on its files)."""

    class Meta:
        model = OrganisationTie

    user_id = factory.LazyFunction(lambda: UserFactory(roles=[Role.reviewer]).id)
    organisation = factory.SubFactory(OrganisationFactory)
    kind = TieKind.advice
    since = factory.LazyFunction(lambda: date.today() - timedelta(days=365))


# ---- committee ---------------------------------------------------------------------------------------

class CommitteeMeetingFactory(BaseFactory):
    class Meta:
        model = CommitteeMeeting

    title = factory.Sequence(lambda n: f"{n + 1}th meeting")
    meets_on = factory.LazyFunction(lambda: date.today() + timedelta(days=7))
    created_by_id = factory.LazyFunction(lambda: UserFactory(roles=[Role.office]).id)
    members = factory.LazyFunction(lambda: [UserFactory(roles=[Role.committee]) for _ in range(2)]
                                   + [UserFactory(roles=[Role.committee, Role.chair])])


class AgendaItemFactory(BaseFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(CommitteeMeetingFactory)
    application = factory.SubFactory(ApplicationFactory, state=ApplicationState.committee)


class VoteFactory(BaseFactory):
    """A member's vote on an agenda item (a member of the item's meeting)."""

    class Meta:
        model = Vote

    item = factory.SubFactory(AgendaItemFactory)
    member = factory.LazyAttribute(lambda v: v.item.meeting.members[0])
    choice = VoteChoice.approve
    reason = ""


# ---- the public, notices, disputes ----------------------------------------------------------------

class FeedbackFactory(BaseFactory):
    """A citizen's feedback on a running trial, awaiting moderation."""

    class Meta:
        model = Feedback

    application = factory.SubFactory(ApplicationFactory, state=ApplicationState.trial_active)
    text = factory.Sequence(lambda n: f"The shuttle was on time ({n}).")
    contact = ""


class PublicSummaryFactory(BaseFactory):
    class Meta:
        model = PublicSummary

    application = factory.SubFactory(ApplicationFactory, state=ApplicationState.trial_active)
    summary_ko = "공개 요약"
    summary_en = "Public summary"
    published_at = factory.LazyFunction(lambda: datetime.now(timezone.utc))


class NotificationFactory(BaseFactory):
    """An in-app notice (its e-mail pending)."""

    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory, roles=[Role.applicant])
    kind = "application.submitted"
    subject = factory.Sequence(lambda n: f"Notice {n}")
    body = "Something happened to your file."
    link = "/"


class OrganisationDisputeFactory(BaseFactory):
    """An open claim that another company holds an organisation's registration number."""

    class Meta:
        model = OrganisationDispute

    organisation = factory.SubFactory(OrganisationFactory)
    filed_by = factory.SubFactory(UserFactory, roles=[Role.applicant])
    registration_number = factory.LazyAttribute(lambda d: d.organisation.registration_number)
    claimed_name = "The real company"
    claimed_kind = OrganisationKind.company
    statement = "Our certificate shows the number is ours."
