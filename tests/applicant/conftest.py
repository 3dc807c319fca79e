"""An applicant logged in as a member of an organisation, and drafts of each instrument."""
import pytest

from sandbox.labels import Instrument
from sandbox.models import Application

from .. import factories
from ..conftest import login


@pytest.fixture
def member(client, db):
    """A logged-in applicant who belongs to an organisation."""
    membership = factories.MembershipFactory()
    login(client, membership.user)
    return membership.user


@pytest.fixture
def organisation(member):
    return member.organisations[0]


@pytest.fixture
def zone(db):
    return factories.ZoneFactory()


def start_draft(client, organisation, instrument=Instrument.trial_exemption):
    response = client.post("/applicant/applications/new",
                           data={"organisation": organisation.id, "instrument": instrument.value})
    assert response.status_code == 302
    return factories.db.session.scalars(
        factories.db.select(Application).order_by(Application.id.desc())).first()


@pytest.fixture
def empty_draft(client, organisation):
    return start_draft(client, organisation)


@pytest.fixture
def complete_draft(member, organisation):
    """A complete trial-exemption draft of the member's organisation, ready to submit."""
    return factories.ApplicationFactory(organisation=organisation, created_by=member)
