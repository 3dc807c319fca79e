"""One door: a trigger whose records a service writes (Step.owner) is refused by the file page's generic
action route, with where to go instead, and still fires through its service."""
from datetime import date

from sqlalchemy import func, select

from sandbox.models import AuditEvent, Decision
from sandbox.rules import trials as trial_rules
from sandbox.services import trials
from sandbox.states import ApplicationState as S

from ..conftest import login

START_POINTER = "Start the trial on the trial page, which checks the start gate and records the start."


def _events(db, application):
    return db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.application_id == application.id))


def test_start_trial_through_the_generic_route_is_refused_and_says_where_to_go(cast, client, db):
    application = cast.insured()
    before = _events(db, application)
    login(client, application.created_by)
    response = client.post(f"/files/{application.id}/actions/start_trial?version={application.version}",
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This action is done on its own page." in page and START_POINTER in page
    db.session.refresh(application)
    assert application.state == S.approved
    assert trial_rules.trial_of(application).started_on is None
    # Logging in writes events of its own; none is about the file.
    assert _events(db, application) == before


def test_the_file_page_offers_no_button_for_a_service_owned_trigger(cast, client, db):
    application = cast.insured()
    login(client, application.created_by)
    page = client.get(f"/files/{application.id}").get_data(as_text=True)
    assert "/actions/start_trial" not in page
    assert START_POINTER in page  # shown beside the disabled action instead


def test_the_trial_service_still_starts_the_trial(cast, db):
    application = cast.insured()
    trial = trials.start_trial(application.created_by, application)
    assert application.state == S.trial_active and trial.started_on == date.today()
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.application_id == application.id)).all()
    assert actions.count("application.trial_started") == 1


def test_a_decision_through_the_generic_route_is_refused_without_a_decision_record(cast, client, db):
    application, item = cast.on_agenda()
    cast.all_vote(item)
    before = _events(db, application)
    login(client, cast.chair)
    response = client.post(f"/files/{application.id}/actions/approve", follow_redirects=True)
    assert "This action is done on its own page." in response.get_data(as_text=True)
    db.session.refresh(application)
    assert application.state == S.committee
    assert db.session.scalar(select(func.count()).select_from(Decision)) == 0
    assert _events(db, application) == before


def test_an_extension_decided_through_the_generic_route_is_refused(cast, client, db):
    application = cast.running()
    request = trials.request_extension(application.created_by, application, 6, "More data is needed.")
    login(client, cast.office)
    response = client.post(f"/files/{application.id}/actions/grant_extension", follow_redirects=True)
    assert "This action is done on its own page." in response.get_data(as_text=True)
    db.session.refresh(application)
    assert application.state == S.extension_review and request.granted is None
    trials.decide_extension(cast.office, application, True)
    assert application.state == S.trial_active and request.granted is True


def _migration():
    import importlib.util
    from pathlib import Path
    path = next((Path(__file__).resolve().parents[2] / "migrations" / "versions").glob("*_t15_door_facts_*.py"))
    spec = importlib.util.spec_from_file_location("t15_door_facts", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_backfills_starts_and_extension_outcomes_from_the_old_generic_route(cast, db):
    from sandbox.services.workflow import fire
    application = cast.running()
    trial = trial_rules.trial_of(application)
    request = trials.request_extension(application.created_by, application, 6, "More data is needed.")
    # What the generic route used to leave behind: the transitions without their records.
    fire(application, "refuse_extension", cast.office, reason="Not needed", via="trials.decide_extension")
    trial.started_on, trial.ends_on = None, None
    db.session.commit()
    assert trial_rules.started_on(trial) is None and trial_rules.extension_outcome(request) is None

    migration = _migration()
    migration._backfill_starts(db.session.connection())
    migration._backfill_extension_outcomes(db.session.connection())
    db.session.commit()
    db.session.refresh(trial)
    db.session.refresh(request)
    assert trial_rules.started_on(trial) == date.today() and trial.ends_on == application.period_end
    assert trial_rules.extension_outcome(request) is False and request.decided_at is not None
