"""Every trigger a service owns is refused by fire() unless that service's verb fires it, so no caller can
make the change without the records it stands for."""
import pytest

from sandbox.errors import GuardFailed
from sandbox.models import AuditEvent
from sandbox.workflow.machine import OWNERS, STEPS, owner_of

from .test_transitions import actor_for, row_in

OWNED = [(instrument, step) for instrument, steps in STEPS.items() for step in steps if step.owner]


def test_the_triggers_with_a_service_verb_of_their_own_are_declared_owned():
    assert set(OWNERS) == {"to_committee", "approve", "approve_with_conditions", "reject", "defer", "start_trial",
                           "suspend_for_incident", "request_extension", "grant_extension", "refuse_extension",
                           "request_law_amendment", "evaluate"}
    assert owner_of("start_trial").verb == "trials.start_trial" and owner_of("submit") is None


@pytest.mark.parametrize("instrument,step", OWNED, ids=[f"{i.value}:{s.trigger}" for i, s in OWNED])
def test_an_owned_trigger_without_its_service_is_refused(db, instrument, step):
    from sandbox.services.workflow import fire
    source = step.source[0]
    application = row_in(instrument, source)
    actor = actor_for(sorted(step.who, key=str)[0], application)
    for via in (None, "some.other_verb"):
        with pytest.raises(GuardFailed) as excinfo:
            fire(application, step.trigger, actor, reason="because", via=via)
        assert excinfo.value.message == "This action is done on its own page."
        assert excinfo.value.reasons == [str(step.owner.page)]
    assert db.session.get(type(application), application.id).state == source
    assert db.session.query(AuditEvent).filter_by(application_id=application.id).count() == 0


def test_the_file_page_lists_an_owned_trigger_disabled_with_where_to_go(db):
    from sandbox.labels import Instrument, Role
    from sandbox.services.workflow import available_triggers
    from sandbox.states import ApplicationState as S
    from ..factories import UserFactory
    application = row_in(Instrument.trial_exemption, S.extension_review)
    office = UserFactory(roles=[Role.office])
    offered = {a["trigger"]: a for a in available_triggers(application, office)}
    grant = offered["grant_extension"]
    assert not grant["enabled"] and grant["reasons"][-1] == str(owner_of("grant_extension").page)
    # An unowned trigger keeps its usual entry, with no pointer elsewhere.
    assert not any(str(owner.page) in offered["cancel"]["reasons"] for owner in OWNERS.values())
